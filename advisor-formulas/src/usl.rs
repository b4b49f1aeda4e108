//! Gunther's Universal Scalability Law: fitting, prediction, inverses and limits.

use core::fmt;

use core::time::Duration;

use scalability_advisor_core::units::{Concurrency, Rate};

use crate::error::Error;
use crate::stats::student_t_quantile;

/// One load-test measurement: a concurrency level and the throughput reached there.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::Measurement;
/// use scalability_advisor_formulas::scalability_advisor_core::units::{Concurrency, Rate};
/// let m = Measurement::new(Concurrency::new(8.0)?, Rate::from_per_second(6_531.08)?)?;
/// assert_eq!(m.concurrency().as_f64(), 8.0);
/// assert!(Measurement::new(Concurrency::new(0.0)?, Rate::ZERO).is_err()); // N must be positive
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "MeasurementRepr", into = "MeasurementRepr")
)]
pub struct Measurement {
    concurrency: f64,
    throughput: f64,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasurementRepr {
    concurrency: f64,
    throughput: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<MeasurementRepr> for Measurement {
    type Error = Error;
    fn try_from(r: MeasurementRepr) -> Result<Self, Error> {
        Measurement::raw(r.concurrency, r.throughput)
    }
}

#[cfg(feature = "serde")]
impl From<Measurement> for MeasurementRepr {
    fn from(m: Measurement) -> Self {
        MeasurementRepr {
            concurrency: m.concurrency,
            throughput: m.throughput,
        }
    }
}

impl Measurement {
    // Builds a measurement.
    //
    // # Errors
    // [`Error::OutOfRange`] unless concurrency is finite and positive and throughput finite
    // and not negative.
    //
    pub(crate) fn raw(concurrency: f64, throughput: f64) -> Result<Self, Error> {
        if !(concurrency > 0.0 && concurrency.is_finite()) {
            return Err(Error::OutOfRange {
                what: "concurrency",
                value: concurrency,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            });
        }
        let throughput = crate::error::in_range("throughput", throughput, 0.0, f64::MAX)?;
        Ok(Measurement {
            concurrency,
            throughput,
        })
    }
}

/// What an inverse computes, in numbers; see [`Reach`] for the typed form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RawReach {
    /// The model reaches the requested value here.
    At(f64),
    /// The model never reaches it; `limit` is the best it can do (maximum throughput, or
    /// minimum latency).
    Unreachable {
        /// The model's bound.
        limit: f64,
    },
}

/// The Universal Scalability Law with coefficients σ (contention), κ (coherency) and λ
/// (throughput per unit of concurrency with no overhead).
///
/// # Formula
/// ```text
/// X(N) = λ·N / (1 + σ·(N − 1) + κ·N·(N − 1))
/// R(N) = N / X(N) = (1 + σ·(N − 1) + κ·N·(N − 1)) / λ
/// N*   = √((1 − σ) / κ)                      (peak, κ > 0)
/// X∞   = λ / σ                                (limit when κ = 0)
/// ```
/// N: concurrency (any real N ≥ 0); X: throughput; R: response time by Little's law with no
/// think time (in the reciprocal of X's time unit); σ, κ in `0..=1`; λ ≥ 0.
/// With κ = 0 the law is Amdahl's law ([`UslModel::amdahl`]).
///
/// # Examples
/// The fit of Baron Schwartz's Cisco benchmark: N* = √(0.97328409 / 7.690945e-4) ≈ 35.57
/// clients, where X ≈ 12,343/s (the book rounds to 35 clients and 12,341/s at N = 35).
/// ```
/// use scalability_advisor_formulas::UslModel;
/// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
/// let m = UslModel::new(0.02671591, 7.690945e-4, Rate::from_per_second(995.6486)?)?;
/// assert!((m.peak_concurrency().unwrap().as_f64() - 35.574).abs() < 1e-3);
/// assert!((m.max_throughput().unwrap().as_per_second() - 12_342.85).abs() < 0.01);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// N. J. Gunther, *Guerrilla Capacity Planning*, Springer, 2007, chapters 4-6 (equation 4.31
/// and the peak, section 4.6); B. Schwartz, *Practical Scalability Analysis with the Universal
/// Scalability Law*, VividCortex, 2015 (the λ parameterisation and the inverses).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "UslModelRepr"))]
pub struct UslModel {
    sigma: f64,
    kappa: f64,
    lambda: f64,
}

/// A model as stored, validated by [`UslModel::new`]'s rules when read back.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UslModelRepr {
    sigma: f64,
    kappa: f64,
    lambda: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<UslModelRepr> for UslModel {
    type Error = Error;
    fn try_from(r: UslModelRepr) -> Result<Self, Error> {
        UslModel::raw(r.sigma, r.kappa, r.lambda)
    }
}

impl UslModel {
    /// σ and κ below this are treated as 0.
    pub const COEFFICIENT_FLOOR: f64 = 1e-15;
    /// The largest λ accepted: 10¹⁵ per unit of concurrency, far beyond any measured system,
    /// so that every formula stays within `f64` range.
    pub const MAX_LAMBDA: f64 = 1e15;

    // Builds a model.
    //
    // σ or κ below [`UslModel::COEFFICIENT_FLOOR`] are stored as 0: they are below what any
    // measurement can resolve, and keeping them would only lose precision in the inverses.
    //
    // # Errors
    // [`Error::OutOfRange`] unless σ, κ are in `0..=1` and λ is in `0..=`[`UslModel::MAX_LAMBDA`].
    //
    pub(crate) fn raw(sigma: f64, kappa: f64, lambda: f64) -> Result<Self, Error> {
        let floor = |v: f64| if v < Self::COEFFICIENT_FLOOR { 0.0 } else { v };
        let sigma = floor(crate::error::in_range("sigma", sigma, 0.0, 1.0)?);
        let kappa = floor(crate::error::in_range("kappa", kappa, 0.0, 1.0)?);
        let lambda = crate::error::in_range("lambda", lambda, 0.0, Self::MAX_LAMBDA)?;
        Ok(UslModel {
            sigma,
            kappa,
            lambda,
        })
    }

    // Amdahl's law: the USL with no coherency cost (κ = 0).
    //
    // # Errors
    // As [`UslModel::new`].
    //
    // A 5% serial fraction caps speed-up at 20x.
    //
    // # References
    // G. M. Amdahl, "Validity of the single processor approach to achieving large scale
    // computing capabilities", AFIPS Conference Proceedings 30, 483-485, 1967.
    pub(crate) fn raw_amdahl(sigma: f64, lambda: f64) -> Result<Self, Error> {
        UslModel::raw(sigma, 0.0, lambda)
    }

    /// σ, the contention (serialisation) coefficient.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// assert_eq!(
    ///     UslModel::new(0.03, 0.0005, Rate::from_per_second(1_000.0)?)?.sigma(),
    ///     0.03
    /// );
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// κ, the coherency (crosstalk) coefficient.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// assert_eq!(
    ///     UslModel::new(0.03, 0.0005, Rate::from_per_second(1_000.0)?)?.kappa(),
    ///     0.0005
    /// );
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn kappa(&self) -> f64 {
        self.kappa
    }

    // λ, throughput per unit of concurrency without overheads, as a number per second.
    pub(crate) fn raw_lambda(&self) -> f64 {
        self.lambda
    }

    fn denominator(&self, n: f64) -> f64 {
        1.0 + self.sigma * (n - 1.0) + self.kappa * n * (n - 1.0)
    }

    // Throughput at concurrency `n` (0 for n ≤ 0).
    #[must_use]
    pub(crate) fn raw_throughput_at(&self, n: f64) -> f64 {
        if n <= 0.0 || !n.is_finite() {
            return 0.0;
        }
        self.lambda * n / self.denominator(n)
    }

    // Response time at concurrency `n`, R = N / X (infinite when λ = 0).
    #[must_use]
    pub(crate) fn raw_latency_at(&self, n: f64) -> f64 {
        let n = n.max(0.0);
        self.denominator(n) / self.lambda
    }

    // Speed-up over one unit of concurrency, X(N) / X(1).
    #[must_use]
    pub(crate) fn raw_speedup_at(&self, n: f64) -> f64 {
        if self.lambda == 0.0 {
            0.0
        } else {
            self.raw_throughput_at(n) / self.lambda
        }
    }

    // The concurrency of peak throughput, N* = √((1 − σ)/κ); `None` when κ = 0 (throughput
    // rises forever towards its limit).
    #[must_use]
    pub(crate) fn raw_peak_concurrency(&self) -> Option<f64> {
        (self.kappa > 0.0).then(|| ((1.0 - self.sigma) / self.kappa).sqrt())
    }

    // The most throughput the model reaches: X(N*), or λ/σ when κ = 0 (infinite when both
    // are 0: linear scaling; 0 when λ = 0).
    #[must_use]
    pub(crate) fn raw_max_throughput(&self) -> f64 {
        match self.raw_peak_concurrency() {
            Some(n) => self.raw_throughput_at(n),
            None => self.raw_contention_limit(),
        }
    }

    // The asymptotic throughput limit λ/σ of the contention term alone (Gunther's "limit";
    // infinite when σ = 0, 0 when λ = 0).
    #[must_use]
    pub(crate) fn raw_contention_limit(&self) -> f64 {
        if self.lambda == 0.0 {
            0.0
        } else {
            // σ is stored as +0.0 or a positive number, so λ/0 is +∞.
            self.lambda / self.sigma
        }
    }

    // 1/σ, the concurrency at which contention alone halves efficiency from ideal (Gunther's
    // "optimal" point); `None` when σ = 0.
    #[must_use]
    pub(crate) fn raw_optimal_concurrency(&self) -> Option<f64> {
        (self.sigma > 0.0).then(|| 1.0 / self.sigma)
    }

    // The concurrency on the rising branch where throughput reaches `x`.
    //
    // Solves κx·N² + (σx − κx − λ)·N + x(1 − σ) = 0 for its smallest non-negative root.
    //
    #[must_use]
    pub(crate) fn raw_concurrency_at_throughput(&self, x: f64) -> RawReach {
        let limit = self.raw_max_throughput();
        if x.is_nan() || x < 0.0 || x > limit {
            return RawReach::Unreachable { limit };
        }
        if x == 0.0 {
            return RawReach::At(0.0);
        }
        let (s, k, l) = (self.sigma, self.kappa, self.lambda);
        // κx·N² + (σx − κx − λ)·N + x(1 − σ) = 0; the rising branch is the smaller root.
        // N = 0 solves it only when σ = 1 (the constant term vanishes), where X(0) = 0 ≠ x:
        // a fully serial system delivers about λ at any N > 0 and never rises, so the
        // concurrency that delivers x is the other root, where coherency brings it down.
        match real_roots(k * x, s * x - k * x - l, x * (1.0 - s)) {
            Some((lo, hi)) => match [lo, hi].into_iter().find(|t| t.is_finite() && *t > 0.0) {
                Some(n) => RawReach::At(n),
                None => RawReach::Unreachable { limit },
            },
            None => RawReach::Unreachable { limit },
        }
    }

    // Response time when the system runs at throughput `x` on the rising branch.
    #[must_use]
    pub(crate) fn raw_latency_at_throughput(&self, x: f64) -> RawReach {
        match self.raw_concurrency_at_throughput(x) {
            RawReach::At(n) if x > 0.0 => RawReach::At(n / x),
            RawReach::At(_) => RawReach::At(self.raw_latency_at(0.0)),
            unreachable => unreachable,
        }
    }

    // Throughput when the response time is `r`: solves κN² + (σ − κ)N + (1 − σ − λr) = 0
    // for N, then X = N / r.
    //
    // `Unreachable` when `r` is below the model's minimum latency (1 − σ)/λ.
    //
    #[must_use]
    pub(crate) fn raw_throughput_at_latency(&self, r: f64) -> RawReach {
        match self.raw_concurrency_at_latency(r) {
            RawReach::At(n) => RawReach::At(n / r),
            unreachable => unreachable,
        }
    }

    // The concurrency at which the response time is `r`: the non-negative root of
    // κN² + (σ − κ)N + (1 − σ − λr) = 0.
    //
    // `Unreachable` when `r` is below the model's minimum latency (1 − σ)/λ.
    #[must_use]
    pub(crate) fn raw_concurrency_at_latency(&self, r: f64) -> RawReach {
        let min = self.raw_latency_at(0.0);
        if r.is_nan() || r <= 0.0 || r < min || !r.is_finite() {
            return RawReach::Unreachable { limit: min };
        }
        let (s, k, l) = (self.sigma, self.kappa, self.lambda);
        // κN² + (σ − κ)N + (1 − σ − λr) = 0 has one non-negative root when r ≥ (1 − σ)/λ.
        match largest_non_negative_root(k, s - k, 1.0 - s - l * r) {
            Some(n) => RawReach::At(n),
            None => RawReach::Unreachable { limit: min },
        }
    }

    // The denominator's parts at n: (1/N, σ(N − 1)/N, κ(N − 1)); see `UslModel::overhead_at`.
    fn raw_overhead_at(&self, n: f64) -> [f64; 3] {
        if n <= 0.0 {
            return [f64::INFINITY, 0.0, 0.0];
        }
        [1.0 / n, self.sigma * (n - 1.0) / n, self.kappa * (n - 1.0)]
    }
}

/// Whether an inverse of the model has an answer.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
/// use scalability_advisor_formulas::{Reach, UslModel};
/// let m = UslModel::new(0.02671591, 7.690945e-4, Rate::from_per_second(995.6486)?)?;
/// let Reach::Unreachable { limit } =
///     m.concurrency_at_throughput(Rate::from_per_second(20_000.0)?)
/// else {
///     panic!()
/// };
/// assert!((limit.as_per_second() - 12_342.85).abs() < 0.01); // the best it can do
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Reach<T, L> {
    /// The model reaches the requested value here.
    At(T),
    /// The model never reaches it; `limit` is the best it can do (its maximum throughput,
    /// or its minimum latency).
    Unreachable {
        /// The model's bound.
        limit: L,
    },
}

/// A throughput from a model's number; `None` when it is not a finite rate.
fn rate(v: f64) -> Option<Rate> {
    Rate::from_per_second(v).ok()
}

/// A duration from a model's number of seconds; `None` when it does not fit.
fn seconds(v: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(v).ok()
}

impl Measurement {
    /// Builds a measurement from a concurrency level and the throughput reached there.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] when the concurrency is 0 (the USL starts at one unit).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Measurement;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// let m = Measurement::new(Concurrency::new(4.0)?, Rate::from_per_minute(60_000.0)?)?;
    /// assert_eq!(m.throughput().as_per_second(), 1_000.0);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn new(concurrency: Concurrency, throughput: Rate) -> Result<Self, Error> {
        Measurement::raw(concurrency.as_f64(), throughput.as_per_second())
    }

    /// The concurrency level N (clients, threads, nodes).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Measurement;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// let m = Measurement::new(Concurrency::new(16.0)?, Rate::from_per_second(9_645.37)?)?;
    /// assert_eq!(m.concurrency(), Concurrency::new(16.0)?);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn concurrency(&self) -> Concurrency {
        // Cannot fail: validated positive and finite at construction.
        Concurrency::new(self.concurrency).unwrap_or(Concurrency::ZERO)
    }

    /// The throughput X(N).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Measurement;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// let m = Measurement::new(Concurrency::new(16.0)?, Rate::from_per_second(9_645.37)?)?;
    /// assert_eq!(m.throughput().as_per_second(), 9_645.37);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn throughput(&self) -> Rate {
        rate(self.throughput).unwrap_or(Rate::ZERO)
    }
}

impl UslModel {
    /// Builds a model from σ (contention), κ (coherency) and λ (throughput of one unit of
    /// concurrency without overheads).
    ///
    /// σ or κ below [`UslModel::COEFFICIENT_FLOOR`] are stored as 0: they are below what any
    /// measurement can resolve, and keeping them would only lose precision in the inverses.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] unless σ, κ are in `0..=1` and λ is at most
    /// [`UslModel::MAX_LAMBDA`] per second.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// let hundred = Rate::from_per_second(100.0)?;
    /// assert!(UslModel::new(0.05, -0.001, hundred).is_err());
    /// assert_eq!(UslModel::new(1e-20, 0.0, hundred)?.sigma(), 0.0);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn new(sigma: f64, kappa: f64, lambda: Rate) -> Result<Self, Error> {
        UslModel::raw(sigma, kappa, lambda.as_per_second())
    }

    /// Amdahl's law: the USL with no coherency cost (κ = 0).
    ///
    /// # Errors
    /// As [`UslModel::new`].
    ///
    /// # Examples
    /// A 5% serial fraction caps speed-up at 20x.
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// let m = UslModel::amdahl(0.05, Rate::from_per_second(1.0)?)?;
    /// assert!((m.max_throughput().unwrap().as_per_second() - 20.0).abs() < 1e-12);
    /// assert_eq!(m.peak_concurrency(), None);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    ///
    /// # References
    /// G. M. Amdahl, "Validity of the single processor approach to achieving large scale
    /// computing capabilities", AFIPS Conference Proceedings 30, 483-485, 1967.
    pub fn amdahl(sigma: f64, lambda: Rate) -> Result<Self, Error> {
        UslModel::raw_amdahl(sigma, lambda.as_per_second())
    }

    /// λ, the throughput of one unit of concurrency without overheads.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// let m = UslModel::new(0.03, 0.0005, Rate::from_per_second(995.6)?)?;
    /// assert_eq!(m.lambda().as_per_second(), 995.6);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn lambda(&self) -> Rate {
        rate(self.raw_lambda()).unwrap_or(Rate::ZERO)
    }

    /// Throughput at concurrency `n`.
    ///
    /// # Examples
    /// Schwartz's Cisco fit at 35 clients: about 12,341/s (his worked figure).
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// let m = UslModel::new(0.02671591, 7.690945e-4, Rate::from_per_second(995.6486)?)?;
    /// let x = m.throughput_at(Concurrency::new(35.0)?);
    /// assert!((x.as_per_second() - 12_341.0).abs() < 1.0);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn throughput_at(&self, n: Concurrency) -> Rate {
        rate(self.raw_throughput_at(n.as_f64())).unwrap_or(Rate::ZERO)
    }

    /// Response time at concurrency `n`, R = N / X; `None` when λ = 0 (nothing completes).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// // No overheads at 1 unit: R = 1 / λ = 1/40 s = 25 ms.
    /// let m = UslModel::new(0.06, 0.001, Rate::from_per_second(40.0)?)?;
    /// assert_eq!(
    ///     m.latency_at(Concurrency::new(1.0)?),
    ///     Some(Duration::from_millis(25))
    /// );
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn latency_at(&self, n: Concurrency) -> Option<Duration> {
        seconds(self.raw_latency_at(n.as_f64()))
    }

    /// Speed-up over one unit of concurrency, X(N) / X(1) (0 when λ = 0).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// // Amdahl with 10% serial work: 10 units give 10 / (1 + 0.1 × 9) ≈ 5.26x.
    /// let m = UslModel::amdahl(0.1, Rate::from_per_second(1.0)?)?;
    /// assert!((m.speedup_at(Concurrency::new(10.0)?) - 5.263).abs() < 1e-3);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn speedup_at(&self, n: Concurrency) -> f64 {
        self.raw_speedup_at(n.as_f64())
    }

    /// The concurrency of peak throughput, N* = √((1 − σ)/κ); `None` when κ = 0
    /// (throughput rises forever towards its limit).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// // √(0.96 / 0.0006) = 40 clients.
    /// let m = UslModel::new(0.04, 0.0006, Rate::from_per_second(100.0)?)?;
    /// assert!((m.peak_concurrency().unwrap().as_f64() - 40.0).abs() < 1e-9);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn peak_concurrency(&self) -> Option<Concurrency> {
        self.raw_peak_concurrency()
            .and_then(|n| Concurrency::new(n).ok())
    }

    /// The most throughput the model reaches: X(N*), or λ/σ when κ = 0; `None` when it has
    /// no bound (σ = κ = 0 and λ > 0: linear scaling).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// let linear = UslModel::new(0.0, 0.0, Rate::from_per_second(10.0)?)?;
    /// assert_eq!(linear.max_throughput(), None);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn max_throughput(&self) -> Option<Rate> {
        rate(self.raw_max_throughput())
    }

    /// The asymptotic throughput limit λ/σ of the contention term alone (Gunther's "limit");
    /// `None` when σ = 0 and λ > 0 (no limit).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// let m = UslModel::new(0.05, 0.0001, Rate::from_per_second(100.0)?)?;
    /// assert_eq!(
    ///     m.contention_limit().map(|r| r.as_per_second()),
    ///     Some(2_000.0)
    /// );
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn contention_limit(&self) -> Option<Rate> {
        rate(self.raw_contention_limit())
    }

    /// 1/σ, the concurrency at which contention alone halves efficiency from ideal
    /// (Gunther's "optimal" point); `None` when σ = 0.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// let m = UslModel::new(0.05, 0.0, Rate::from_per_second(100.0)?)?;
    /// assert!((m.optimal_concurrency().unwrap().as_f64() - 20.0).abs() < 1e-9);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn optimal_concurrency(&self) -> Option<Concurrency> {
        self.raw_optimal_concurrency()
            .and_then(|n| Concurrency::new(n).ok())
    }

    /// The concurrency on the rising branch where throughput reaches `x`; solves
    /// κx·N² + (σx − κx − λ)·N + x(1 − σ) = 0 for its smallest non-negative root.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// use scalability_advisor_formulas::{Reach, UslModel};
    /// let m = UslModel::new(0.02671591, 7.690945e-4, Rate::from_per_second(995.6486)?)?;
    /// let target = Rate::from_per_second(11_000.0)?;
    /// let Reach::At(n) = m.concurrency_at_throughput(target) else {
    ///     panic!()
    /// };
    /// assert!((m.throughput_at(n).as_per_second() - 11_000.0).abs() < 1e-6);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn concurrency_at_throughput(&self, x: Rate) -> Reach<Concurrency, Rate> {
        match self.raw_concurrency_at_throughput(x.as_per_second()) {
            RawReach::At(n) => match Concurrency::new(n) {
                Ok(n) => Reach::At(n),
                Err(_) => self.unreachable_throughput(),
            },
            RawReach::Unreachable { .. } => self.unreachable_throughput(),
        }
    }

    fn unreachable_throughput<T>(&self) -> Reach<T, Rate> {
        Reach::Unreachable {
            limit: self.max_throughput().unwrap_or(Rate::ZERO),
        }
    }

    /// Response time when the system runs at throughput `x` on the rising branch.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// use scalability_advisor_formulas::{Reach, UslModel};
    /// // Amdahl, σ = 0.1, λ = 10/s: 55/s needs N = 10 (X(10) = 100 / 1.9 = 52.6 is short;
    /// // the root of the quadratic is the exact N), and R = N / X.
    /// let m = UslModel::amdahl(0.1, Rate::from_per_second(10.0)?)?;
    /// let Reach::At(r) = m.latency_at_throughput(Rate::from_per_second(55.0)?) else {
    ///     panic!()
    /// };
    /// let Reach::At(n) = m.concurrency_at_throughput(Rate::from_per_second(55.0)?) else {
    ///     panic!()
    /// };
    /// assert!((r.as_secs_f64() - n.as_f64() / 55.0).abs() < 1e-9);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn latency_at_throughput(&self, x: Rate) -> Reach<Duration, Rate> {
        match self.raw_latency_at_throughput(x.as_per_second()) {
            RawReach::At(r) => match seconds(r) {
                Some(r) => Reach::At(r),
                None => self.unreachable_throughput(),
            },
            RawReach::Unreachable { .. } => self.unreachable_throughput(),
        }
    }

    /// Throughput when the response time is `r`: solves κN² + (σ − κ)N + (1 − σ − λr) = 0
    /// for N, then X = N / r. `Unreachable` below the minimum latency (1 − σ)/λ.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// use scalability_advisor_formulas::{Reach, UslModel};
    /// let m = UslModel::new(0.06, 0.001, Rate::from_per_second(40.0)?)?;
    /// let r = Duration::from_millis(50);
    /// let Reach::At(x) = m.throughput_at_latency(r) else {
    ///     panic!()
    /// };
    /// // Round trip: the concurrency there, N = X·R, has that latency.
    /// let n = Concurrency::new(x.as_per_second() * 0.05)?;
    /// assert!((m.latency_at(n).unwrap().as_secs_f64() - 0.05).abs() < 1e-9);
    /// // Faster than one unit alone can answer: unreachable, with the minimum latency.
    /// assert!(matches!(
    ///     m.throughput_at_latency(Duration::from_millis(1)),
    ///     Reach::Unreachable { .. }
    /// ));
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn throughput_at_latency(&self, r: Duration) -> Reach<Rate, Duration> {
        let min = seconds(self.raw_latency_at(0.0)).unwrap_or(Duration::MAX);
        match self.raw_throughput_at_latency(r.as_secs_f64()) {
            RawReach::At(x) => match rate(x) {
                Some(x) => Reach::At(x),
                None => Reach::Unreachable { limit: min },
            },
            RawReach::Unreachable { .. } => Reach::Unreachable { limit: min },
        }
    }

    /// The concurrency at which the response time reaches `r`: the non-negative root N of
    /// κN² + (σ − κ)N + (1 − σ − λr) = 0, which is R(N) = r solved for N. Response time
    /// rises with N, so every concurrency below the answer answers faster than `r`: it is
    /// the most load a latency objective allows. `Unreachable` below the minimum latency
    /// (1 − σ)/λ, with that minimum as the limit.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// use scalability_advisor_formulas::{Reach, UslModel};
    /// // σ = 0.06, κ = 0.001, λ = 40/s: R(30) = (1 + 0.06 × 29 + 0.001 × 30 × 29) / 40
    /// // = 3.61 / 40 = 90.25 ms, so a 90.25 ms objective allows 30 units.
    /// let m = UslModel::new(0.06, 0.001, Rate::from_per_second(40.0)?)?;
    /// let Reach::At(n) = m.concurrency_at_latency(Duration::from_micros(90_250)) else {
    ///     panic!()
    /// };
    /// assert!((n.as_f64() - 30.0).abs() < 1e-9);
    /// assert!(matches!(
    ///     m.concurrency_at_latency(Duration::from_millis(10)),
    ///     Reach::Unreachable { .. }
    /// ));
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    ///
    /// # References
    /// Schwartz (2015), the inverse of the latency form; the usl4j library
    /// (`Model::concurrencyAtLatency`) computes the same root.
    #[must_use]
    pub fn concurrency_at_latency(&self, r: Duration) -> Reach<Concurrency, Duration> {
        let min = seconds(self.raw_latency_at(0.0)).unwrap_or(Duration::MAX);
        match self.raw_concurrency_at_latency(r.as_secs_f64()) {
            RawReach::At(n) => match Concurrency::new(n) {
                Ok(n) => Reach::At(n),
                Err(_) => Reach::Unreachable { limit: min },
            },
            RawReach::Unreachable { .. } => Reach::Unreachable { limit: min },
        }
    }

    /// The model's efficiency at concurrency `n`: speed-up per unit of concurrency,
    /// E(N) = C(N)/N = 1 / (1 + σ(N − 1) + κN(N − 1)). 1 at N = 1 and falling from there;
    /// 0 at N = 0 by convention. For the efficiency of a measurement, see
    /// [`UslModel::measured_efficiency`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// // σ = 0.05, κ = 0.001 at N = 11: 1 / (1 + 0.5 + 0.11) = 1 / 1.61.
    /// let m = UslModel::new(0.05, 0.001, Rate::from_per_second(100.0)?)?;
    /// assert!((m.efficiency_at(Concurrency::new(11.0)?) - 1.0 / 1.61).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    ///
    /// # References
    /// Gunther (2007), section 4.2 (efficiency as capacity per processor).
    #[must_use]
    pub fn efficiency_at(&self, n: Concurrency) -> f64 {
        let n = n.as_f64();
        if n <= 0.0 {
            return 0.0;
        }
        1.0 / self.denominator(n)
    }

    /// The efficiency a measurement shows against this model's λ: X / (N·λ), the share of
    /// ideal linear throughput reached (0 when λ = 0). Above 1 means the measurement beat
    /// the model's single-unit rate. This is what R's `usl` package reports as
    /// `efficiency()` for its data.
    ///
    /// # Examples
    /// SPEC SDM91 at 18 users against R `usl`'s λ = 89.9952: 995.9 / (18 × 89.9952) = 0.6148.
    /// ```
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// use scalability_advisor_formulas::{Measurement, UslModel};
    /// let m = UslModel::new(0.0277285, 0.0001044, Rate::from_per_second(89.995233)?)?;
    /// let at18 = Measurement::new(Concurrency::new(18.0)?, Rate::from_per_second(995.9)?)?;
    /// assert!((m.measured_efficiency(&at18) - 0.6148).abs() < 5e-5);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn measured_efficiency(&self, m: &Measurement) -> f64 {
        let ideal = m.concurrency * self.lambda;
        if ideal > 0.0 {
            m.throughput / ideal
        } else {
            0.0
        }
    }

    /// Where the time goes at concurrency `n`: the time N units take for the work one unit
    /// does alone, as a share of that one unit's time, split into the ideal part and the two
    /// overheads. The parts are the USL denominator divided by N:
    ///
    /// ```text
    /// 1 / C(N) = 1/N + σ(N − 1)/N + κ(N − 1)
    ///            ideal  contention    coherency
    /// ```
    ///
    /// so they sum to 1 / C(N), the reciprocal of the speed-up. R's `usl` package
    /// (`overhead()`) reports the same ideal and contention parts but a coherency part of
    /// κ(N − 1)/2, following equation 26 of Gunther's rational-function paper, which counts
    /// each pair of units once; ours is twice that so that the parts add up to the model the
    /// fit used. Zero parts and an infinite ideal part at N = 0.
    ///
    /// # Examples
    /// SPEC SDM91's fit at 18 users: ideal 1/18 = 0.05556, contention 0.0277285 × 17/18 =
    /// 0.02619, coherency 0.0001044 × 17 = 0.001775 (R prints half of it, 0.000887).
    /// ```
    /// use scalability_advisor_formulas::UslModel;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// let m = UslModel::new(0.0277285, 0.0001044, Rate::from_per_second(89.995233)?)?;
    /// let n = Concurrency::new(18.0)?;
    /// let o = m.overhead_at(n);
    /// assert!((o.ideal - 0.05556).abs() < 5e-6);
    /// assert!((o.contention - 0.02619).abs() < 5e-6);
    /// assert!((o.coherency - 0.001775).abs() < 5e-7);
    /// assert!((o.total() - 1.0 / m.speedup_at(n)).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    ///
    /// # References
    /// N. J. Gunther, "A General Theory of Computational Scalability Based on Rational
    /// Functions", arXiv:0808.1431, 2008; S. Moeding, R package `usl`, `overhead()`.
    #[must_use]
    pub fn overhead_at(&self, n: Concurrency) -> UslOverhead {
        let [ideal, contention, coherency] = self.raw_overhead_at(n.as_f64());
        UslOverhead {
            ideal,
            contention,
            coherency,
        }
    }
}

/// The time N units of concurrency take for one unit's work, as shares of one unit's time;
/// see [`UslModel::overhead_at`].
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::UslModel;
/// use scalability_advisor_formulas::scalability_advisor_core::units::{
///     Concurrency, Rate,
/// };
/// // With no overheads, 4 units take a quarter of the time.
/// let linear = UslModel::new(0.0, 0.0, Rate::from_per_second(10.0)?)?;
/// let o = linear.overhead_at(Concurrency::new(4.0)?);
/// assert_eq!(
///     (o.ideal, o.contention, o.coherency, o.total()),
///     (0.25, 0.0, 0.0, 0.25)
/// );
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UslOverhead {
    /// 1/N: the share with perfect parallelism.
    pub ideal: f64,
    /// σ(N − 1)/N: time lost queueing for shared resources.
    pub contention: f64,
    /// κ(N − 1): time lost keeping shared data consistent between units.
    pub coherency: f64,
}

impl UslOverhead {
    /// The three parts together, 1 / C(N).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::UslOverhead;
    /// let o = UslOverhead {
    ///     ideal: 0.25,
    ///     contention: 0.05,
    ///     coherency: 0.01,
    /// };
    /// assert!((o.total() - 0.31).abs() < 1e-12);
    /// ```
    #[must_use]
    pub fn total(&self) -> f64 {
        self.ideal + self.contention + self.coherency
    }
}

/// Real roots of a·t² + b·t + c = 0, computed without overflow or cancellation: the
/// coefficients are first scaled by their largest magnitude, then the roots are formed as
/// q/a and c/q with q = −(b + sgn(b)·√(b² − 4ac))/2 (Press et al., *Numerical Recipes*, 3rd
/// ed., 2007, section 5.6). A zero `a` gives the linear root; `None` without real roots.
fn real_roots(a: f64, b: f64, c: f64) -> Option<(f64, f64)> {
    // `f64::max` ignores NaN, so each coefficient is checked before scaling.
    if !(a.is_finite() && b.is_finite() && c.is_finite()) {
        return None;
    }
    let scale = a.abs().max(b.abs()).max(c.abs());
    if scale <= 0.0 {
        return None;
    }
    let (a, b, c) = (a / scale, b / scale, c / scale);
    if a == 0.0 {
        if b == 0.0 {
            return None;
        }
        let t = -c / b;
        return Some((t, t));
    }
    let disc = b * b - 4.0 * a * c;
    if disc < 0.0 {
        return None;
    }
    let q = -0.5 * (b + if b < 0.0 { -disc.sqrt() } else { disc.sqrt() });
    if q == 0.0 {
        return Some((0.0, 0.0));
    }
    let (r1, r2) = (q / a, c / q);
    Some((r1.min(r2), r1.max(r2)))
}

/// The larger finite, non-negative real root of a·t² + b·t + c, if any.
fn largest_non_negative_root(a: f64, b: f64, c: f64) -> Option<f64> {
    let (lo, hi) = real_roots(a, b, c)?;
    [hi, lo].into_iter().find(|t| t.is_finite() && *t >= 0.0)
}

impl fmt::Display for UslModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "σ = {:.6}, κ = {:.6e}, λ = {:.4}",
            self.sigma, self.kappa, self.lambda
        )
    }
}

/// A USL fit with its uncertainty.
///
/// # Examples
/// See [`fit_usl`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UslFit {
    /// The fitted model.
    pub model: UslModel,
    /// Standard errors of (σ, κ, λ); `None` when the data cannot determine them.
    pub std_errors: Option<[f64; 3]>,
    /// Residual degrees of freedom, n − 3.
    pub degrees_of_freedom: usize,
    /// Residual sum of squares.
    pub rss: f64,
    /// Residual standard error, √(RSS / (n − 3)).
    pub residual_std_error: f64,
    /// Coefficient of determination, 1 − RSS / TSS.
    pub r_squared: f64,
    /// Which of (σ, κ, λ) ended on a bound of the feasible region.
    pub at_bound: [bool; 3],
    /// Levenberg-Marquardt iterations used (0 for the closed-form fixed-λ fit).
    pub iterations: u32,
    /// Measurements the fit used.
    pub points: usize,
    /// Whether λ was given rather than fitted ([`fit_usl_with_lambda`],
    /// [`fit_usl_normalised`]); its standard error is then 0.
    pub lambda_fixed: bool,
}

/// Fewer measurements than this make a fit [`UslWarning::FewPoints`]: with three
/// coefficients, five points leave two degrees of freedom, too few to tell a poor model from
/// noise. Six is the mark R's `usl` package warns below.
pub const USL_RECOMMENDED_POINTS: usize = 6;

/// One of the USL's coefficients, as named in [`UslWarning`].
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::UslParameter;
/// assert_eq!(UslParameter::Kappa.to_string(), "κ (coherency)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum UslParameter {
    /// σ, contention.
    Sigma,
    /// κ, coherency.
    Kappa,
    /// λ, the single-unit throughput.
    Lambda,
}

impl fmt::Display for UslParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UslParameter::Sigma => "σ (contention)",
            UslParameter::Kappa => "κ (coherency)",
            UslParameter::Lambda => "λ (single-unit throughput)",
        })
    }
}

/// Why a fit deserves caution; see [`UslFit::warnings`].
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{UslParameter, UslWarning};
/// let w = UslWarning::OnBound(UslParameter::Kappa);
/// assert!(w.to_string().contains("no peak can be predicted"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum UslWarning {
    /// Fewer than [`USL_RECOMMENDED_POINTS`] measurements.
    FewPoints {
        /// Measurements given.
        points: usize,
        /// The recommended minimum.
        recommended: usize,
    },
    /// A coefficient ended on a bound of its feasible range.
    OnBound(UslParameter),
}

impl fmt::Display for UslWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UslWarning::FewPoints {
                points,
                recommended,
            } => write!(
                f,
                "only {points} measurements: the coefficients are poorly determined; measure at \
                 {recommended} or more concurrency levels before trusting the limits"
            ),
            UslWarning::OnBound(UslParameter::Sigma) => f.write_str(
                "σ (contention) was held at a bound: at 0, the data scale better than linearly \
                 somewhere (look for cache warm-up or a measurement artefact); at 1, fully serial",
            ),
            UslWarning::OnBound(UslParameter::Kappa) => f.write_str(
                "κ (coherency) was held at a bound: at 0, no coherency cost shows in the measured \
                 range, so no peak can be predicted; measure at higher concurrency",
            ),
            UslWarning::OnBound(UslParameter::Lambda) => f.write_str(
                "λ (single-unit throughput) was held at 0: the data show no throughput to model",
            ),
        }
    }
}

impl UslFit {
    /// What a careful reader should know before trusting this fit: too few points
    /// ([`USL_RECOMMENDED_POINTS`]), and each coefficient that ended on a bound.
    ///
    /// # Examples
    /// Five points of a contention-only system: few points, and κ held at 0.
    /// ```
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// use scalability_advisor_formulas::{Measurement, UslParameter, UslWarning, fit_usl};
    /// let data: Vec<Measurement> = [1.0, 2.0, 4.0, 8.0, 16.0]
    ///     .iter()
    ///     .map(|&n: &f64| {
    ///         Measurement::new(
    ///             Concurrency::new(n)?,
    ///             Rate::from_per_second(100.0 * n / (1.0 + 0.1 * (n - 1.0)))?,
    ///         )
    ///     })
    ///     .collect::<Result<_, _>>()?;
    /// let w = fit_usl(&data)?.warnings();
    /// assert_eq!(
    ///     w[0],
    ///     UslWarning::FewPoints {
    ///         points: 5,
    ///         recommended: 6
    ///     }
    /// );
    /// assert!(w.contains(&UslWarning::OnBound(UslParameter::Kappa)));
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn warnings(&self) -> Vec<UslWarning> {
        let mut out = Vec::new();
        if self.points < USL_RECOMMENDED_POINTS {
            out.push(UslWarning::FewPoints {
                points: self.points,
                recommended: USL_RECOMMENDED_POINTS,
            });
        }
        let names = [
            UslParameter::Sigma,
            UslParameter::Kappa,
            UslParameter::Lambda,
        ];
        for (on, name) in self.at_bound.iter().zip(names) {
            if *on && !(name == UslParameter::Lambda && self.lambda_fixed) {
                out.push(UslWarning::OnBound(name));
            }
        }
        out
    }

    /// Two-sided confidence intervals for (σ, κ, λ) at `level` (0.95 for 95%):
    /// estimate ± t(1 − (1 − level)/2, n − 3) · standard error, Student's t with the fit's
    /// residual degrees of freedom. Intervals may extend past the parameter bounds, as in R's
    /// `confint` for `nls`; clip them if you need feasible values.
    ///
    /// `None` when standard errors are unavailable or `level` is not in `(0, 1)`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     Concurrency, Rate,
    /// };
    /// use scalability_advisor_formulas::{Measurement, fit_usl};
    /// // Eight noisy points around σ = 0.05, κ = 0.001, λ = 100/s.
    /// let ripple = [1.01, 0.99, 1.02, 0.98, 1.0, 1.01, 0.99, 1.0];
    /// let data: Vec<Measurement> = (1..=8)
    ///     .map(|i| {
    ///         let n = f64::from(i * 4);
    ///         let x = 100.0 * n / (1.0 + 0.05 * (n - 1.0) + 0.001 * n * (n - 1.0))
    ///             * ripple[(i - 1) as usize];
    ///         Measurement::new(Concurrency::new(n)?, Rate::from_per_second(x)?)
    ///     })
    ///     .collect::<Result<_, _>>()?;
    /// let fit = fit_usl(&data)?;
    /// let [sigma, _, _] = fit.confidence_intervals(0.95).unwrap();
    /// assert!(sigma.0 < fit.model.sigma() && fit.model.sigma() < sigma.1);
    /// assert!(fit.confidence_intervals(1.5).is_none());
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn confidence_intervals(&self, level: f64) -> Option<[(f64, f64); 3]> {
        let se = self.std_errors?;
        if !(level > 0.0 && level < 1.0) || self.degrees_of_freedom == 0 {
            return None;
        }
        #[expect(
            clippy::cast_precision_loss,
            reason = "degrees of freedom are small counts"
        )]
        let t = student_t_quantile(1.0 - (1.0 - level) / 2.0, self.degrees_of_freedom as f64);
        let est = [self.model.sigma, self.model.kappa, self.model.lambda];
        Some(core::array::from_fn(|i| {
            (est[i] - t * se[i], est[i] + t * se[i])
        }))
    }
}

/// Fits the USL to measurements by bounded non-linear least squares.
///
/// Minimises Σ (Xᵢ − X(Nᵢ))² over σ, κ in `0..=1` and λ ≥ 0 with a projected
/// Levenberg-Marquardt method (parameters on a bound whose gradient points outward are held
/// there), started from Gunther's linearised estimate. No measurement at N = 1 is needed.
/// Standard errors come from s²·(JᵀJ)⁻¹ at the solution with s² = RSS/(n − 3), as R's `nls`
/// reports them.
///
/// # Errors
/// [`Error::TooFewPoints`] below 4 measurements (3 parameters plus one degree of freedom);
/// [`Error::Degenerate`] when fewer than 3 distinct concurrency levels are given or every
/// throughput is zero.
///
/// # Examples
/// Baron Schwartz's Cisco benchmark (32 points); the book gives σ = 0.02671591,
/// κ = 7.690945e-4, λ = 995.6486.
/// ```
/// use scalability_advisor_formulas::scalability_advisor_core::units::{
///     Concurrency, Rate,
/// };
/// use scalability_advisor_formulas::{Measurement, fit_usl};
/// let x = [
///     955.16, 1878.91, 2688.01, 3548.68, 4315.54, 5130.43, 5931.37, 6531.08, 7219.8,
///     7867.61, 8278.71, 8646.7, 9047.84, 9426.55, 9645.37, 9897.24, 10097.6, 10240.5,
///     10532.39, 10798.52, 11151.43, 11518.63, 11806.0, 12089.37, 12075.41, 12177.29,
///     12211.41, 12158.93, 12155.27, 12118.04, 12140.4, 12074.39,
/// ];
/// let data: Vec<Measurement> = x
///     .iter()
///     .enumerate()
///     .map(|(i, &x)| {
///         Measurement::new(Concurrency::new((i + 1) as f64)?, Rate::from_per_second(x)?)
///     })
///     .collect::<Result<_, _>>()?;
/// let fit = fit_usl(&data)?;
/// assert!((fit.model.sigma() / 0.02671591 - 1.0).abs() < 1e-4);
/// assert!((fit.model.kappa() / 7.690945e-4 - 1.0).abs() < 1e-4);
/// assert!((fit.model.lambda().as_per_second() / 995.6486 - 1.0).abs() < 1e-4);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Gunther (2007), chapter 5 (regression method); K. Levenberg, "A method for the solution of
/// certain non-linear problems in least squares", Quarterly of Applied Mathematics 2(2),
/// 164-168, 1944; D. W. Marquardt, "An algorithm for least-squares estimation of nonlinear
/// parameters", SIAM J. Appl. Math. 11(2), 431-441, 1963; Schwartz (2015) for the data.
pub fn fit_usl(measurements: &[Measurement]) -> Result<UslFit, Error> {
    const WHAT: &str = "USL fit";
    let n = measurements.len();
    if n < 4 {
        return Err(Error::TooFewPoints {
            what: WHAT,
            needed: 4,
            got: n,
        });
    }
    let mut levels: Vec<f64> = measurements.iter().map(|m| m.concurrency).collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    if levels.len() < 3 {
        return Err(Error::Degenerate {
            what: WHAT,
            reason: "fewer than 3 distinct concurrency levels; measure at more levels",
        });
    }
    if measurements.iter().all(|m| m.throughput == 0.0) {
        return Err(Error::Degenerate {
            what: WHAT,
            reason: "every throughput is zero; check the measurements",
        });
    }

    // Fit on throughput divided by its maximum, so the solver works with numbers near 1
    // whatever the unit; λ, its standard error and the RSS are scaled back afterwards.
    let scale = measurements
        .iter()
        .map(|m| m.throughput)
        .fold(0.0, f64::max);
    let scaled: Vec<Measurement> = measurements
        .iter()
        .map(|m| Measurement {
            concurrency: m.concurrency,
            throughput: m.throughput / scale,
        })
        .collect();
    let start = initial_guess(&scaled);
    let mut best = levenberg_marquardt(&scaled, start);
    // A second start from a purely contention-bound guess guards against a poor first basin.
    let alt = levenberg_marquardt(&scaled, [start[0].max(1e-3), 0.0, start[2]]);
    if alt.rss < best.rss {
        best = alt;
    }
    let degenerate = Error::Degenerate {
        what: WHAT,
        reason: "the solver could not represent the fit; check that the values are in sensible units",
    };
    if !(best.params.iter().all(|p| p.is_finite()) && best.rss.is_finite()) {
        return Err(degenerate);
    }
    let model = UslModel::raw(best.params[0], best.params[1], best.params[2] * scale)
        .map_err(|_| degenerate.clone())?;
    let params = [model.sigma, model.kappa, best.params[2]];
    best.rss *= scale * scale;
    let dof = n - 3;
    #[expect(
        clippy::cast_precision_loss,
        reason = "point counts are far below 2^53"
    )]
    let s2 = best.rss / dof as f64;
    let jtj = normal_matrix(&scaled, &params);
    let std_errors = invert3(&jtj).and_then(|inv| {
        // `s2` is in squared original units; σ and κ were fitted against scaled throughput.
        let unscale = 1.0 / (scale * scale);
        let se = [inv[0][0] * unscale, inv[1][1] * unscale, inv[2][2]].map(|v| (v * s2).sqrt());
        se.iter().all(|v| v.is_finite()).then_some(se)
    });
    #[expect(
        clippy::cast_precision_loss,
        reason = "point counts are far below 2^53"
    )]
    let mean = measurements.iter().map(|m| m.throughput).sum::<f64>() / n as f64;
    let tss: f64 = measurements
        .iter()
        .map(|m| (m.throughput - mean).powi(2))
        .sum();
    let r_squared = if tss > 0.0 { 1.0 - best.rss / tss } else { 1.0 };
    let at_bound = [
        params[0] <= 0.0 || params[0] >= 1.0,
        params[1] <= 0.0 || params[1] >= 1.0,
        params[2] <= 0.0,
    ];
    Ok(UslFit {
        model,
        std_errors,
        degrees_of_freedom: dof,
        rss: best.rss,
        residual_std_error: s2.sqrt(),
        r_squared,
        at_bound,
        iterations: best.iterations,
        points: n,
        lambda_fixed: false,
    })
}

/// Fits σ and κ with λ known, by Gunther's regression on the deviation from linear scaling.
///
/// With C(N) = X(N)/λ, the USL rearranges to a quadratic through the origin:
///
/// ```text
/// N/C(N) − 1 = σ·(N − 1) + κ·N·(N − 1)
/// ```
///
/// so σ and κ follow from linear least squares on y = N·λ/X − 1 against N − 1 and N(N − 1),
/// in closed form. The coefficients are kept in `0..=1`: when the unbounded solution leaves
/// that range (data that scale better than linearly give σ < 0), the least-squares solution
/// on the box is taken (each face is tried and the best feasible one kept); as with
/// [`fit_usl`], [`UslFit::at_bound`] says which coefficient ended on a bound. Residuals, R² and the standard
/// errors are then computed on throughput, with n − 2 degrees of freedom, as R's `usl`
/// (versions 1.x, method "default") reports them; λ's standard error is 0.
///
/// Use it when the single-unit throughput was measured more carefully than the rest (a
/// long run at N = 1), or is known from elsewhere; [`fit_usl_normalised`] takes it from
/// the data. Time and memory are linear in the number of points.
///
/// # Errors
/// [`Error::TooFewPoints`] below 3 measurements; [`Error::OutOfRange`] for a λ that is not
/// positive; [`Error::Degenerate`] when a throughput is 0 (it cannot be normalised) or fewer
/// than 2 distinct concurrency levels other than 1 are given.
///
/// # Examples
/// Gunther's ray-tracer benchmark normalised by its single-processor throughput, 20: R's `usl`
/// 1.8 fits σ = 0.05002394, κ = 0.00000471.
/// ```
/// use scalability_advisor_formulas::scalability_advisor_core::units::{
///     Concurrency, Rate,
/// };
/// use scalability_advisor_formulas::{Measurement, fit_usl_with_lambda};
/// let points = [
///     (1.0, 20.0),
///     (4.0, 78.0),
///     (8.0, 130.0),
///     (12.0, 170.0),
///     (16.0, 190.0),
///     (20.0, 200.0),
///     (24.0, 210.0),
///     (28.0, 230.0),
///     (32.0, 260.0),
///     (48.0, 280.0),
///     (64.0, 310.0),
/// ];
/// let data: Vec<Measurement> = points
///     .iter()
///     .map(|&(n, x)| Measurement::new(Concurrency::new(n)?, Rate::from_per_second(x)?))
///     .collect::<Result<_, _>>()?;
/// let fit = fit_usl_with_lambda(&data, Rate::from_per_second(20.0)?)?;
/// assert!((fit.model.sigma() / 0.05002394 - 1.0).abs() < 1e-6);
/// assert!((fit.model.kappa() / 0.00000471 - 1.0).abs() < 1e-2); // R prints 3 digits
/// assert_eq!((fit.degrees_of_freedom, fit.lambda_fixed), (9, true));
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Gunther (2007), sections 5.4-5.5 (normalisation and the regression on deviations from
/// linearity); S. Moeding, R package `usl` 1.8.0, `usl.solve.lm` (the same estimator).
pub fn fit_usl_with_lambda(measurements: &[Measurement], lambda: Rate) -> Result<UslFit, Error> {
    const WHAT: &str = "USL fit with a known λ";
    let n = measurements.len();
    if n < 3 {
        return Err(Error::TooFewPoints {
            what: WHAT,
            needed: 3,
            got: n,
        });
    }
    let l = lambda.as_per_second();
    if !(l > 0.0 && l <= UslModel::MAX_LAMBDA) {
        return Err(Error::OutOfRange {
            what: "single-unit throughput (λ)",
            value: l,
            min: f64::MIN_POSITIVE,
            max: UslModel::MAX_LAMBDA,
        });
    }
    if measurements.iter().any(|m| m.throughput <= 0.0) {
        return Err(Error::Degenerate {
            what: WHAT,
            reason: "a throughput of 0 cannot be normalised by λ; drop that point or use fit_usl",
        });
    }
    let mut levels: Vec<f64> = measurements
        .iter()
        .map(|m| m.concurrency)
        .filter(|c| (c - 1.0).abs() > 0.0)
        .collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    if levels.len() < 2 {
        return Err(Error::Degenerate {
            what: WHAT,
            reason: "fewer than 2 distinct concurrency levels other than 1; measure at more levels",
        });
    }
    let sums = NormalSums::of(measurements, l);
    let [sigma, kappa] = sums.bounded_solution();
    let model = UslModel::raw(sigma, kappa, l).map_err(|_| Error::Degenerate {
        what: WHAT,
        reason: "the regression could not represent the fit; check that the values are in sensible units",
    })?;
    let rss: f64 = measurements
        .iter()
        .map(|m| (m.throughput - model.raw_throughput_at(m.concurrency)).powi(2))
        .sum();
    let dof = n - 2;
    #[expect(
        clippy::cast_precision_loss,
        reason = "point counts are far below 2^53"
    )]
    let s2 = rss / dof as f64;
    // Standard errors of (σ, κ) from s²·(JᵀJ)⁻¹ with λ held, J = ∂X/∂(σ, κ).
    let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
    for m in measurements {
        let g = gradient(m.concurrency, &[model.sigma, model.kappa, l]);
        a += g[0] * g[0];
        b += g[0] * g[1];
        c += g[1] * g[1];
    }
    let det = a * c - b * b;
    let std_errors = (det.is_finite() && det.abs() > 0.0)
        .then(|| [(c / det * s2).sqrt(), (a / det * s2).sqrt(), 0.0])
        .filter(|se| se.iter().all(|v| v.is_finite()));
    #[expect(
        clippy::cast_precision_loss,
        reason = "point counts are far below 2^53"
    )]
    let mean = measurements.iter().map(|m| m.throughput).sum::<f64>() / n as f64;
    let tss: f64 = measurements
        .iter()
        .map(|m| (m.throughput - mean).powi(2))
        .sum();
    Ok(UslFit {
        model,
        std_errors,
        degrees_of_freedom: dof,
        rss,
        residual_std_error: s2.sqrt(),
        r_squared: if tss > 0.0 { 1.0 - rss / tss } else { 1.0 },
        at_bound: [on_bound(model.sigma), on_bound(model.kappa), false],
        iterations: 0,
        points: n,
        lambda_fixed: true,
    })
}

/// Fits σ and κ with λ taken from the measurements at concurrency 1 (their mean when there
/// are several), the normalisation of Gunther's chapter 5 and of R's `usl` 1.x default
/// method; see [`fit_usl_with_lambda`] for the estimator.
///
/// # Errors
/// [`Error::Degenerate`] when no measurement is at concurrency 1 (measure one, or use
/// [`fit_usl`], which needs none); otherwise as [`fit_usl_with_lambda`].
///
/// # Examples
/// SPEC SDM91 (Gunther 2007), normalised by 64.9 at one user. R's `usl` 1.8 reports
/// σ = 0.01705 (SE 0.003318), κ = 7.892e-5 (SE 2.492e-5), residual standard error 140.6 on
/// 5 degrees of freedom.
/// ```
/// use scalability_advisor_formulas::scalability_advisor_core::units::{
///     Concurrency, Rate,
/// };
/// use scalability_advisor_formulas::{Measurement, fit_usl_normalised};
/// let points = [
///     (1.0, 64.9),
///     (18.0, 995.9),
///     (36.0, 1652.4),
///     (72.0, 1853.2),
///     (108.0, 1828.9),
///     (144.0, 1775.0),
///     (216.0, 1702.2),
/// ];
/// let data: Vec<Measurement> = points
///     .iter()
///     .map(|&(n, x)| Measurement::new(Concurrency::new(n)?, Rate::from_per_second(x)?))
///     .collect::<Result<_, _>>()?;
/// let fit = fit_usl_normalised(&data)?;
/// assert_eq!(fit.model.lambda().as_per_second(), 64.9);
/// assert!((fit.model.sigma() - 0.01705).abs() < 5e-6);
/// assert!((fit.model.kappa() - 7.892e-5).abs() < 5e-9);
/// assert!((fit.residual_std_error - 140.6).abs() < 0.05);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
pub fn fit_usl_normalised(measurements: &[Measurement]) -> Result<UslFit, Error> {
    let (count, total) = measurements
        .iter()
        .filter(|m| (m.concurrency - 1.0).abs() == 0.0)
        .fold((0_u32, 0.0), |(c, t), m| (c + 1, t + m.throughput));
    if count == 0 {
        return Err(Error::Degenerate {
            what: "normalised USL fit",
            reason: "no measurement at concurrency 1 to take λ from; measure one, or use fit_usl",
        });
    }
    let lambda =
        Rate::from_per_second(total / f64::from(count)).map_err(|_| Error::Degenerate {
            what: "normalised USL fit",
            reason: "the throughput at concurrency 1 is not a usable rate",
        })?;
    fit_usl_with_lambda(measurements, lambda)
}

/// Whether a coefficient in `0..=1` sits on either end.
fn on_bound(c: f64) -> bool {
    c <= 0.0 || c >= 1.0
}

/// Sums of the normal equations of y = σ·u + κ·v with u = N − 1, v = N(N − 1) and
/// y = N·λ/X − 1.
struct NormalSums {
    uu: f64,
    uv: f64,
    vv: f64,
    uy: f64,
    vy: f64,
    yy: f64,
}

impl NormalSums {
    fn of(ms: &[Measurement], lambda: f64) -> Self {
        let mut s = NormalSums {
            uu: 0.0,
            uv: 0.0,
            vv: 0.0,
            uy: 0.0,
            vy: 0.0,
            yy: 0.0,
        };
        for m in ms {
            let n = m.concurrency;
            let (u, v, y) = (n - 1.0, n * (n - 1.0), n * lambda / m.throughput - 1.0);
            s.uu += u * u;
            s.uv += u * v;
            s.vv += v * v;
            s.uy += u * y;
            s.vy += v * y;
            s.yy += y * y;
        }
        s
    }

    fn rss(&self, [sigma, kappa]: [f64; 2]) -> f64 {
        self.yy - 2.0 * (sigma * self.uy + kappa * self.vy)
            + sigma * sigma * self.uu
            + 2.0 * sigma * kappa * self.uv
            + kappa * kappa * self.vv
    }

    /// The least-squares (σ, κ) on the box `0..=1` × `0..=1`.
    ///
    /// The objective is a convex quadratic, so its minimum on the box is the minimum on one
    /// of its faces with the other coordinates free; each of the nine faces (each coefficient
    /// free, at 0 or at 1) is solved in closed form and the best feasible one kept.
    fn bounded_solution(&self) -> [f64; 2] {
        let free = |x: &f64| (0.0..=1.0).contains(x);
        let mut best: Option<([f64; 2], f64)> = None;
        let mut consider = |p: [f64; 2]| {
            if p.iter().all(|x| x.is_finite() && free(x)) {
                let rss = self.rss(p);
                if best.is_none_or(|(_, r)| rss < r) {
                    best = Some((p, rss));
                }
            }
        };
        let det = self.uu * self.vv - self.uv * self.uv;
        if det.abs() > 0.0 {
            consider([
                (self.uy * self.vv - self.vy * self.uv) / det,
                (self.vy * self.uu - self.uy * self.uv) / det,
            ]);
        }
        for fixed in [0.0, 1.0] {
            if self.vv > 0.0 {
                consider([fixed, (self.vy - fixed * self.uv) / self.vv]);
            }
            if self.uu > 0.0 {
                consider([(self.uy - fixed * self.uv) / self.uu, fixed]);
            }
            for other in [0.0, 1.0] {
                consider([fixed, other]);
            }
        }
        // The corners are always feasible, so `best` is set.
        best.map_or([0.0, 0.0], |(p, _)| p)
    }
}

struct LmResult {
    params: [f64; 3],
    rss: f64,
    iterations: u32,
}

const LOWER: [f64; 3] = [0.0, 0.0, 0.0];
const UPPER: [f64; 3] = [1.0, 1.0, f64::MAX];

/// Gunther's linearisation: λ from the best per-unit throughput, then
/// N/(X/λ) − 1 = σ(N − 1) + κN(N − 1) by linear least squares without intercept.
fn initial_guess(ms: &[Measurement]) -> [f64; 3] {
    let lambda = ms
        .iter()
        .map(|m| m.throughput / m.concurrency)
        .fold(0.0, f64::max);
    let (mut s11, mut s12, mut s22, mut b1, mut b2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for m in ms {
        if m.throughput <= 0.0 {
            continue;
        }
        let y = m.concurrency * lambda / m.throughput - 1.0;
        let x1 = m.concurrency - 1.0;
        let x2 = m.concurrency * (m.concurrency - 1.0);
        s11 += x1 * x1;
        s12 += x1 * x2;
        s22 += x2 * x2;
        b1 += x1 * y;
        b2 += x2 * y;
    }
    let det = s11 * s22 - s12 * s12;
    let (sigma, kappa) = if det.abs() > 0.0 && det.is_finite() {
        ((b1 * s22 - b2 * s12) / det, (s11 * b2 - s12 * b1) / det)
    } else {
        (0.01, 0.0)
    };
    [sigma.clamp(0.0, 1.0), kappa.clamp(0.0, 1.0), lambda]
}

fn residual_sum(ms: &[Measurement], p: &[f64; 3]) -> f64 {
    let model = UslModel {
        sigma: p[0],
        kappa: p[1],
        lambda: p[2],
    };
    ms.iter()
        .map(|m| (m.throughput - model.raw_throughput_at(m.concurrency)).powi(2))
        .sum()
}

/// Partial derivatives of X(N) with respect to (σ, κ, λ).
fn gradient(n: f64, p: &[f64; 3]) -> [f64; 3] {
    let d = 1.0 + p[0] * (n - 1.0) + p[1] * n * (n - 1.0);
    let x = p[2] * n / d;
    [-x * (n - 1.0) / d, -x * n * (n - 1.0) / d, n / d]
}

fn normal_matrix(ms: &[Measurement], p: &[f64; 3]) -> [[f64; 3]; 3] {
    let mut a = [[0.0; 3]; 3];
    for m in ms {
        let g = gradient(m.concurrency, p);
        for i in 0..3 {
            for j in 0..3 {
                a[i][j] += g[i] * g[j];
            }
        }
    }
    a
}

fn levenberg_marquardt(ms: &[Measurement], start: [f64; 3]) -> LmResult {
    let mut p = start;
    let mut rss = residual_sum(ms, &p);
    let mut mu = 1e-3;
    let mut iterations = 0;
    for _ in 0..1_000 {
        iterations += 1;
        let model = UslModel {
            sigma: p[0],
            kappa: p[1],
            lambda: p[2],
        };
        let mut a = [[0.0; 3]; 3];
        let mut g = [0.0; 3];
        for m in ms {
            let r = m.throughput - model.raw_throughput_at(m.concurrency);
            let j = gradient(m.concurrency, &p);
            for i in 0..3 {
                g[i] += j[i] * r;
                for k in 0..3 {
                    a[i][k] += j[i] * j[k];
                }
            }
        }
        // Hold parameters on a bound whose descent direction points outside the box.
        let free: [bool; 3] = core::array::from_fn(|i| {
            !((p[i] <= LOWER[i] && g[i] < 0.0) || (p[i] >= UPPER[i] && g[i] > 0.0))
        });
        let mut improved = false;
        while mu < 1e16 {
            let mut damped = a;
            for i in 0..3 {
                damped[i][i] += mu * a[i][i].max(1e-300);
            }
            for i in 0..3 {
                if !free[i] {
                    damped[i] = [0.0; 3];
                    for row in &mut damped {
                        row[i] = 0.0;
                    }
                    damped[i][i] = 1.0;
                }
            }
            let rhs: [f64; 3] = core::array::from_fn(|i| if free[i] { g[i] } else { 0.0 });
            let Some(step) = solve3(&damped, &rhs) else {
                mu *= 10.0;
                continue;
            };
            let candidate: [f64; 3] =
                core::array::from_fn(|i| (p[i] + step[i]).clamp(LOWER[i], UPPER[i]));
            let new_rss = residual_sum(ms, &candidate);
            if new_rss.is_finite() && new_rss <= rss {
                let change = (0..3)
                    .map(|i| (candidate[i] - p[i]).abs() / p[i].abs().max(1e-12))
                    .fold(0.0, f64::max);
                let rss_change = (rss - new_rss) / rss.max(f64::MIN_POSITIVE);
                p = candidate;
                rss = new_rss;
                mu = (mu / 3.0).max(1e-12);
                improved = true;
                if change < 1e-13 || rss_change < 1e-16 {
                    return LmResult {
                        params: p,
                        rss,
                        iterations,
                    };
                }
                break;
            }
            mu *= 4.0;
        }
        if !improved {
            break;
        }
    }
    LmResult {
        params: p,
        rss,
        iterations,
    }
}

/// Solves a 3×3 system by Gaussian elimination with partial pivoting.
fn solve3(a: &[[f64; 3]; 3], b: &[f64; 3]) -> Option<[f64; 3]> {
    let mut m = [[0.0; 4]; 3];
    for i in 0..3 {
        m[i] = [a[i][0], a[i][1], a[i][2], b[i]];
    }
    for col in 0..3 {
        let pivot = (col..3).max_by(|&x, &y| m[x][col].abs().total_cmp(&m[y][col].abs()))?;
        if m[pivot][col].abs() < 1e-300 || !m[pivot][col].is_finite() {
            return None;
        }
        m.swap(col, pivot);
        for row in (col + 1)..3 {
            let f = m[row][col] / m[col][col];
            let pivot_row = m[col];
            for (k, v) in m[row].iter_mut().enumerate().skip(col) {
                *v -= f * pivot_row[k];
            }
        }
    }
    let mut x = [0.0; 3];
    for i in (0..3).rev() {
        let s: f64 = ((i + 1)..3).map(|k| m[i][k] * x[k]).sum();
        x[i] = (m[i][3] - s) / m[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Inverts a symmetric 3×3 matrix column by column.
fn invert3(a: &[[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let mut inv = [[0.0; 3]; 3];
    for col in 0..3 {
        let mut e = [0.0; 3];
        e[col] = 1.0;
        let x = solve3(a, &e)?;
        for row in 0..3 {
            inv[row][col] = x[row];
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// "At least 4 significant digits": relative agreement within 5 in the 5th digit.
    const FOUR_DIGITS: f64 = 5e-5;

    fn close(actual: f64, expected: f64, rel: f64) -> bool {
        (actual - expected).abs() <= rel * expected.abs()
    }

    fn data(points: &[(f64, f64)]) -> Vec<Measurement> {
        points
            .iter()
            .map(|&(n, x)| Measurement::raw(n, x).unwrap())
            .collect()
    }

    /// Baron Schwartz, Practical Scalability Analysis with the Universal Scalability Law
    /// (2015): the Cisco benchmark, as also used by the usl4j library's tests.
    const CISCO: [f64; 32] = [
        955.16, 1878.91, 2688.01, 3548.68, 4315.54, 5130.43, 5931.37, 6531.08, 7219.8, 7867.61,
        8278.71, 8646.7, 9047.84, 9426.55, 9645.37, 9897.24, 10097.6, 10240.5, 10532.39, 10798.52,
        11151.43, 11518.63, 11806.0, 12089.37, 12075.41, 12177.29, 12211.41, 12158.93, 12155.27,
        12118.04, 12140.4, 12074.39,
    ];

    #[test]
    fn cisco_fit_matches_the_book() {
        let pts: Vec<(f64, f64)> = CISCO
            .iter()
            .enumerate()
            .map(|(i, &x)| (f64::from(u32::try_from(i + 1).unwrap()), x))
            .collect();
        let fit = fit_usl(&data(&pts)).unwrap();
        // Book values: σ = 0.02671591, κ = 7.690945e-4, λ = 995.6486; N_max = 35, X_max = 12341.
        assert!(
            close(fit.model.sigma(), 0.026_715_91, FOUR_DIGITS),
            "{}",
            fit.model
        );
        assert!(
            close(fit.model.kappa(), 7.690_945e-4, FOUR_DIGITS),
            "{}",
            fit.model
        );
        assert!(
            close(fit.model.raw_lambda(), 995.6486, FOUR_DIGITS),
            "{}",
            fit.model
        );
        assert!((35.0..36.0).contains(&fit.model.raw_peak_concurrency().unwrap()));
        // usl4j's test of the book model: X(35) = 12341.7456.
        assert!(close(
            fit.model.raw_throughput_at(35.0),
            12_341.745_6,
            FOUR_DIGITS
        ));
        assert!(fit.model.raw_max_throughput() >= fit.model.raw_throughput_at(35.0));
        assert_eq!(fit.degrees_of_freedom, 29);
        assert!(fit.r_squared > 0.99);
    }

    #[test]
    fn specsdm91_fit_matches_r_usl() {
        // Gunther (2007): SPEC SDM91 on a 16-CPU Sun SPARCcenter 2000. The R package `usl`
        // (S. Moeding) reports σ = 0.0277285 (SE 0.0091217), κ = 0.0001044 (SE 0.0000199),
        // λ = 89.9952330 (SE 14.2134894), residual standard error 82.8 on 4 degrees of freedom.
        let pts = [
            (1.0, 64.9),
            (18.0, 995.9),
            (36.0, 1652.4),
            (72.0, 1853.2),
            (108.0, 1828.9),
            (144.0, 1775.0),
            (216.0, 1702.2),
        ];
        let fit = fit_usl(&data(&pts)).unwrap();
        assert!(
            close(fit.model.sigma(), 0.027_728_5, FOUR_DIGITS),
            "{}",
            fit.model
        );
        assert!(close(fit.model.kappa(), 1.044e-4, 5e-4), "{}", fit.model); // R prints 4 digits
        assert!(
            close(fit.model.raw_lambda(), 89.995_233, FOUR_DIGITS),
            "{}",
            fit.model
        );
        let se = fit.std_errors.unwrap();
        assert!(close(se[0], 0.009_121_7, 1e-3), "{se:?}");
        assert!(close(se[1], 1.99e-5, 5e-3), "{se:?}");
        assert!(close(se[2], 14.213_489_4, 1e-3), "{se:?}");
        assert_eq!(fit.degrees_of_freedom, 4);
        assert!(close(fit.residual_std_error, 82.8, 1e-3));
    }

    #[test]
    fn raytracer_fit_hits_the_kappa_bound_like_r_usl() {
        // Gunther (2007): ray-tracer benchmark. R `usl` fits σ = 0.057771, κ = 0 (on its
        // bound), λ = 21.848843 (the package's tests; its confidence intervals are
        // bootstrapped, so they are not compared here).
        let pts = [
            (1.0, 20.0),
            (4.0, 78.0),
            (8.0, 130.0),
            (12.0, 170.0),
            (16.0, 190.0),
            (20.0, 200.0),
            (24.0, 210.0),
            (28.0, 230.0),
            (32.0, 260.0),
            (48.0, 280.0),
            (64.0, 310.0),
        ];
        let fit = fit_usl(&data(&pts)).unwrap();
        assert!(
            close(fit.model.sigma(), 0.057_771, FOUR_DIGITS),
            "{}",
            fit.model
        );
        assert!(fit.model.kappa().abs() < 1e-12);
        assert_eq!(fit.at_bound, [false, true, false]);
        assert!(
            close(fit.model.raw_lambda(), 21.848_843, FOUR_DIGITS),
            "{}",
            fit.model
        );
        assert_eq!(fit.degrees_of_freedom, 8);
    }

    #[test]
    fn confidence_intervals_use_student_t() {
        // specsdm91 with R's standard errors: σ ± t(0.975, 4) · SE = 0.0277285 ± 2.776445 ·
        // 0.0091217 = [0.0024027, 0.0530543] (t from standard tables).
        let pts = [
            (1.0, 64.9),
            (18.0, 995.9),
            (36.0, 1652.4),
            (72.0, 1853.2),
            (108.0, 1828.9),
            (144.0, 1775.0),
            (216.0, 1702.2),
        ];
        let fit = fit_usl(&data(&pts)).unwrap();
        // R² = 1 − RSS/TSS. By hand: the mean throughput is 9,872.5 / 7 = 1,410.357 and
        // TSS = Σ (x − mean)² = 2,630,039.0; RSS = 4 · 82.8² = 27,423 (R's residual SE).
        assert!(
            close(fit.r_squared, 1.0 - 27_423.0 / 2_630_039.0, 1e-4),
            "{}",
            fit.r_squared
        );
        assert!(
            close(fit.residual_std_error, 82.8, 1e-3),
            "{}",
            fit.residual_std_error
        );
        let ci = fit.confidence_intervals(0.95).unwrap();
        assert!(close(ci[0].0, 0.002_402_7, 5e-3), "{ci:?}");
        assert!(close(ci[0].1, 0.053_054_3, 1e-3), "{ci:?}");
        assert!(fit.confidence_intervals(1.5).is_none());
        assert!(fit.confidence_intervals(1.0).is_none());
        assert!(fit.confidence_intervals(0.0).is_none());
        assert!(fit.confidence_intervals(f64::NAN).is_none());
        // Without degrees of freedom there is no interval.
        let exact = UslFit {
            degrees_of_freedom: 0,
            ..fit
        };
        assert!(exact.confidence_intervals(0.95).is_none());
        let no_se = UslFit {
            std_errors: None,
            ..fit
        };
        assert!(no_se.confidence_intervals(0.95).is_none());
    }

    #[test]
    fn inverses_agree_with_forward_model() {
        let m = UslModel::raw(0.02671591, 7.690945e-4, 995.6486).unwrap();
        for x in [100.0, 5_000.0, 11_000.0, 12_300.0] {
            let RawReach::At(n) = m.raw_concurrency_at_throughput(x) else {
                panic!("{x}")
            };
            assert!(close(m.raw_throughput_at(n), x, 1e-10));
            assert!(n <= m.raw_peak_concurrency().unwrap() + 1e-9);
            let RawReach::At(r) = m.raw_latency_at_throughput(x) else {
                panic!()
            };
            assert!(close(r, m.raw_latency_at(n), 1e-10));
        }
        assert_eq!(
            m.raw_concurrency_at_throughput(13_000.0),
            RawReach::Unreachable {
                limit: m.raw_max_throughput()
            }
        );
        assert!(matches!(
            m.raw_throughput_at_latency(1e-6),
            RawReach::Unreachable { .. }
        ));
    }

    #[test]
    fn inverse_survives_extreme_coefficients() {
        // Found by the `formulas_models` fuzz target: with λ = 2.4e260, b² overflowed to
        // infinity and the inverse returned N = 0 for a reachable throughput. Such a λ is now
        // rejected, and the extremes that remain stay exact.
        assert!(matches!(
            UslModel::raw(4.4e-308, 5.2e-270, 2.397_637_081_174_428e260),
            Err(Error::OutOfRange { what: "lambda", .. })
        ));
        let m = UslModel::raw(4.4e-308, 5.2e-270, UslModel::MAX_LAMBDA).unwrap();
        assert_eq!((m.sigma(), m.kappa()), (0.0, 0.0));
        let x = 31.129_381_358_752_81;
        let RawReach::At(n) = m.raw_concurrency_at_throughput(x) else {
            panic!()
        };
        assert!(close(m.raw_throughput_at(n), x, 1e-12));
        let m = UslModel::raw(1e-15, 1e-15, UslModel::MAX_LAMBDA).unwrap();
        let RawReach::At(t) = m.raw_throughput_at_latency(32.5) else {
            panic!()
        };
        assert!(close(m.raw_latency_at(t * 32.5), 32.5, 1e-9));
    }

    #[test]
    fn fit_of_subnormal_data_is_an_error_or_finite() {
        // Found by the `formulas_models` fuzz target: concurrencies and throughputs near the
        // bottom of the f64 range made the solver return NaN coefficients.
        let pts = data(&[
            (4.778_310_037_710_589e-299, 2.238_955_410_647_904e-23),
            (2.252_526_342_575_774e-23, 1.801_076_001_818_195e-226),
            (1.801_075_737_673_916e-226, 1.801_075_736_594_422_3e-226),
            (4.136_551_561_060_514e-306, 8.289_045_6e-317),
        ]);
        match fit_usl(&pts) {
            Ok(fit) => {
                assert!(
                    fit.model.sigma().is_finite()
                        && fit.model.kappa().is_finite()
                        && fit.model.raw_lambda().is_finite()
                );
            }
            Err(e) => assert!(matches!(e, Error::Degenerate { .. }), "{e}"),
        }
    }

    #[test]
    fn amdahl_inverse_without_kappa() {
        let m = UslModel::raw_amdahl(0.1, 10.0).unwrap();
        let RawReach::At(n) = m.raw_concurrency_at_throughput(50.0) else {
            panic!()
        };
        // 10N / (1 + 0.1(N − 1)) = 50 → 10N = 50 + 5N − 5 → N = 9.
        assert!((n - 9.0).abs() < 1e-12);
        assert!(matches!(
            m.raw_concurrency_at_throughput(100.0),
            RawReach::Unreachable { .. }
        ));
    }

    #[test]
    fn model_figures_by_hand() {
        // σ = 0.1, κ = 0.001, λ = 100: N* = √((1 − σ)/κ) = √900 = 30;
        // X(30) = 100·30 / (1 + 0.1·29 + 0.001·30·29) = 3000 / 4.77 = 628.93.
        let m = UslModel::raw(0.1, 0.001, 100.0).unwrap();
        assert!((m.raw_peak_concurrency().unwrap() - 30.0).abs() < 1e-12);
        assert!((m.raw_max_throughput() - 3_000.0 / 4.77).abs() < 1e-9);
        assert!((m.raw_throughput_at(30.0) - 3_000.0 / 4.77).abs() < 1e-9);
        // R(10) = (1 + 0.9 + 0.09) / 100 = 0.0199 s; R(0) = (1 − 0.1) / 100.
        assert!((m.raw_latency_at(10.0) - 0.0199).abs() < 1e-15);
        assert!((m.raw_latency_at(-5.0) - 0.009).abs() < 1e-15);
        assert!((m.raw_speedup_at(10.0) - 10.0 / 1.99).abs() < 1e-12);
        assert!((m.raw_contention_limit() - 1_000.0).abs() < 1e-9);
        assert!((m.raw_optimal_concurrency().unwrap() - 10.0).abs() < 1e-12);
        // Throughput is zero at no concurrency and for nonsense N.
        assert_eq!(m.raw_throughput_at(0.0).to_bits(), 0f64.to_bits());
        assert_eq!(m.raw_throughput_at(f64::INFINITY).to_bits(), 0f64.to_bits());
        assert_eq!(m.raw_throughput_at(f64::NAN).to_bits(), 0f64.to_bits());
        // Amdahl (κ = 0): no peak; the ceiling is λ/σ.
        let a = UslModel::raw_amdahl(0.25, 8.0).unwrap();
        assert_eq!(a.raw_peak_concurrency(), None);
        assert!((a.raw_max_throughput() - 32.0).abs() < 1e-12);
        // No throughput at all: every limit is 0, not infinite.
        let dead = UslModel::raw(0.0, 0.0, 0.0).unwrap();
        assert_eq!(dead.raw_max_throughput().to_bits(), 0f64.to_bits());
        assert_eq!(dead.raw_contention_limit().to_bits(), 0f64.to_bits());
        assert!(
            UslModel::raw(0.0, 0.0, 2.0)
                .unwrap()
                .raw_max_throughput()
                .is_infinite()
        );
        // Coefficients below the floor are stored as zero.
        let tiny = UslModel::raw(1e-16, 1e-16, 1.0).unwrap();
        assert_eq!(tiny.sigma().to_bits(), 0f64.to_bits());
        assert_eq!(tiny.kappa().to_bits(), 0f64.to_bits());
        assert!(UslModel::raw(1.5, 0.0, 1.0).is_err());
        assert!(UslModel::raw(0.1, -0.1, 1.0).is_err());
        assert!(UslModel::raw(0.1, 0.0, 2e15).is_err());
        assert!(UslModel::raw(0.1, 0.0, 1e15).is_ok());
    }

    #[test]
    fn inverses_by_hand() {
        // σ = 0.1, κ = 0.001, λ = 100. X = 500 on the rising branch:
        // 0.5·N² + (50 − 0.5 − 100)·N + 450 = 0 → N² − 101N + 900 = 0 → N = (101 − √6601)/2.
        let m = UslModel::raw(0.1, 0.001, 100.0).unwrap();
        let expected = (101.0 - 6_601f64.sqrt()) / 2.0;
        let RawReach::At(n) = m.raw_concurrency_at_throughput(500.0) else {
            panic!("500/s is below the peak")
        };
        assert!((n - expected).abs() < 1e-9, "{n}");
        let RawReach::At(r) = m.raw_latency_at_throughput(500.0) else {
            panic!("500/s is below the peak")
        };
        assert!((r - expected / 500.0).abs() < 1e-12, "{r}");
        assert_eq!(m.raw_concurrency_at_throughput(0.0), RawReach::At(0.0));
        let RawReach::At(r0) = m.raw_latency_at_throughput(0.0) else {
            panic!("no load is reachable")
        };
        assert!((r0 - 0.009).abs() < 1e-15, "{r0}");
        let limit = m.raw_max_throughput();
        // The peak itself is reached, at N* = 30.
        let RawReach::At(n) = m.raw_concurrency_at_throughput(limit) else {
            panic!("the peak is reachable")
        };
        assert!((n - 30.0).abs() < 1e-3, "{n}");
        assert_eq!(
            m.raw_concurrency_at_throughput(700.0),
            RawReach::Unreachable { limit }
        );
        assert_eq!(
            m.raw_concurrency_at_throughput(-1.0),
            RawReach::Unreachable { limit }
        );
        assert_eq!(
            m.raw_latency_at_throughput(700.0),
            RawReach::Unreachable { limit }
        );
        assert!(matches!(
            m.raw_concurrency_at_throughput(f64::NAN),
            RawReach::Unreachable { .. }
        ));
        // R = 0.0199 s is reached at N = 10, where X = 1000/1.99.
        let RawReach::At(x) = m.raw_throughput_at_latency(0.0199) else {
            panic!("0.0199 s is above the minimum latency")
        };
        assert!((x - 1_000.0 / 1.99).abs() < 1e-6, "{x}");
        // At the minimum latency (N = 0) nothing flows; below it, or for nonsense, unreachable.
        // (1 − σ)/λ = 0.009 s, up to rounding.
        let min = m.raw_latency_at(0.0);
        assert!((min - 0.009).abs() < 1e-15);
        let RawReach::At(x) = m.raw_throughput_at_latency(min) else {
            panic!("the minimum latency is reachable")
        };
        assert!(x.abs() < 1e-9);
        let floor = RawReach::Unreachable { limit: min };
        assert_eq!(m.raw_throughput_at_latency(0.005), floor);
        assert_eq!(m.raw_throughput_at_latency(0.0), floor);
        assert_eq!(m.raw_throughput_at_latency(-1.0), floor);
        assert_eq!(m.raw_throughput_at_latency(f64::INFINITY), floor);
        assert!(matches!(
            m.raw_throughput_at_latency(f64::NAN),
            RawReach::Unreachable { .. }
        ));
    }

    #[test]
    fn quadratic_roots_by_hand() {
        // (t − 1)(t − 3) = t² − 4t + 3.
        assert_eq!(real_roots(1.0, -4.0, 3.0), Some((1.0, 3.0)));
        assert_eq!(largest_non_negative_root(1.0, -4.0, 3.0), Some(3.0));
        // (t + 5)(t − 2) = t² + 3t − 10: the negative root is skipped.
        assert_eq!(largest_non_negative_root(1.0, 3.0, -10.0), Some(2.0));
        // Linear: 2t − 6 = 0.
        assert_eq!(real_roots(0.0, 2.0, -6.0), Some((3.0, 3.0)));
        // No real roots, nothing at all, and non-finite coefficients.
        assert_eq!(real_roots(1.0, 0.0, 1.0), None);
        assert_eq!(real_roots(0.0, 0.0, 0.0), None);
        assert_eq!(real_roots(0.0, 0.0, 1.0), None);
        assert_eq!(real_roots(f64::NAN, 1.0, 1.0), None);
        assert_eq!(real_roots(f64::INFINITY, 1.0, 1.0), None);
        // (t − 1)²: a double root (zero discriminant).
        assert_eq!(real_roots(1.0, -2.0, 1.0), Some((1.0, 1.0)));
        // Roots 1e-8 and 1e8: the sign-matched form q = −(b + sign(b)·√D)/2 avoids
        // cancellation, so the small root keeps full precision (t² − (1e8 + 1e-8)t + 1).
        let (lo, hi) = real_roots(1.0, -(1e8 + 1e-8), 1.0).unwrap();
        assert!((lo / 1e-8 - 1.0).abs() < 1e-12, "{lo}");
        assert!((hi / 1e8 - 1.0).abs() < 1e-12, "{hi}");
        let (lo, hi) = real_roots(1.0, 1e8 + 1e-8, 1.0).unwrap();
        assert!((lo / -1e8 - 1.0).abs() < 1e-12, "{lo}");
        assert!((hi / -1e-8 - 1.0).abs() < 1e-12, "{hi}");
        // t² = 0: a double root at zero.
        assert_eq!(real_roots(1.0, 0.0, 0.0), Some((0.0, 0.0)));
        // Both roots negative: (t + 1)(t + 2).
        assert_eq!(largest_non_negative_root(1.0, 3.0, 2.0), None);
    }

    #[test]
    fn measurements_validate_and_name_the_field() {
        let m = Measurement::raw(4.0, 120.0).unwrap();
        assert!((m.concurrency().as_f64() - 4.0).abs() < 1e-15);
        assert!((m.throughput().as_per_second() - 120.0).abs() < 1e-15);
        assert!(Measurement::raw(1.0, 0.0).is_ok());
        assert_eq!(
            Measurement::raw(0.0, 1.0),
            Err(Error::OutOfRange {
                what: "concurrency",
                value: 0.0,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            })
        );
        assert!(Measurement::raw(f64::INFINITY, 1.0).is_err());
        assert!(Measurement::raw(f64::NAN, 1.0).is_err());
        assert!(matches!(
            Measurement::raw(1.0, -1.0),
            Err(Error::OutOfRange {
                what: "throughput",
                ..
            })
        ));
        assert_eq!(
            fit_usl(&data(&[(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)])),
            Err(Error::TooFewPoints {
                what: "USL fit",
                needed: 4,
                got: 3,
            })
        );
        // Four points at three levels are enough to try.
        assert!(fit_usl(&data(&[(1.0, 10.0), (2.0, 19.0), (4.0, 33.0), (4.0, 34.0)])).is_ok());
    }

    #[test]
    fn fit_statistics_of_an_exact_model() {
        // Points on σ = 0.05, κ = 0.0005, λ = 20 exactly: R² = 1, RSS ≈ 0, df = n − 3, no
        // coefficient on a bound, and the recovered coefficients agree.
        let truth = UslModel::raw(0.05, 0.0005, 20.0).unwrap();
        let pts: Vec<Measurement> = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]
            .iter()
            .map(|&n| Measurement::raw(n, truth.raw_throughput_at(n)).unwrap())
            .collect();
        let fit = fit_usl(&pts).unwrap();
        assert_eq!(fit.degrees_of_freedom, 4);
        assert!((fit.r_squared - 1.0).abs() < 1e-12, "{}", fit.r_squared);
        assert!(fit.rss < 1e-12, "{}", fit.rss);
        assert_eq!(fit.at_bound, [false, false, false]);
        assert!(close(fit.model.sigma(), 0.05, 1e-6));
        assert!(close(fit.model.kappa(), 0.0005, 1e-6));
        assert!(close(fit.model.raw_lambda(), 20.0, 1e-6));
        assert!(fit.iterations > 0);
        // Perfectly linear data (X = 10·N) puts σ and κ on their lower bound of 0.
        let linear = data(&[
            (1.0, 10.0),
            (2.0, 20.0),
            (4.0, 40.0),
            (8.0, 80.0),
            (16.0, 160.0),
        ]);
        let fit = fit_usl(&linear).unwrap();
        assert_eq!(fit.at_bound, [true, true, false], "{}", fit.model);
        assert!(close(fit.model.raw_lambda(), 10.0, 1e-9));
        // Constant throughput leaves no variance to explain (total sum of squares 0), so R² is
        // reported as 1 rather than 0/0; the fitted ceiling sits near the constant.
        let flat = data(&[(1.0, 10.0), (2.0, 10.0), (3.0, 10.0), (4.0, 10.0)]);
        let fit = fit_usl(&flat).unwrap();
        assert!((fit.r_squared - 1.0).abs() < 1e-15);
        assert!(fit.model.raw_max_throughput() >= 9.0, "{}", fit.model);
    }

    #[test]
    #[expect(
        clippy::needless_range_loop,
        reason = "matrix indices read best as indices"
    )]
    fn linear_algebra_by_hand() {
        // 2x + y = 5, x + 3y + z = 7, y + 4z = 9 → x = 2, y = 1, z = 2.
        let a = [[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]];
        let x = solve3(&a, &[5.0, 7.0, 9.0]).unwrap();
        assert!((x[0] - 2.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12);
        assert!((x[2] - 2.0).abs() < 1e-12, "{x:?}");
        // A zero leading entry needs a row swap: y = 1, x = 2, z = 3.
        let p = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
        assert_eq!(solve3(&p, &[1.0, 2.0, 3.0]), Some([2.0, 1.0, 3.0]));
        // Singular and non-finite systems have no solution.
        let singular = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 0.0, 1.0]];
        assert_eq!(solve3(&singular, &[1.0, 2.0, 3.0]), None);
        let nan = [[f64::NAN, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        assert_eq!(solve3(&nan, &[1.0, 1.0, 1.0]), None);
        // The inverse of diag(2, 4, 8) is diag(1/2, 1/4, 1/8); of the matrix above, A·A⁻¹ = I.
        let d = invert3(&[[2.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 8.0]]).unwrap();
        assert_eq!(d, [[0.5, 0.0, 0.0], [0.0, 0.25, 0.0], [0.0, 0.0, 0.125]]);
        let inv = invert3(&a).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| a[i][k] * inv[k][j]).sum();
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((v - expected).abs() < 1e-12, "({i}, {j}) = {v}");
            }
        }
        assert_eq!(invert3(&singular), None);
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "the N = 1 gradient is exact")]
    fn gradient_matches_finite_differences() {
        let p = [0.05, 0.002, 30.0];
        for n in [1.0, 3.0, 17.0, 64.0] {
            let g = gradient(n, &p);
            for i in 0..3 {
                let h = p[i] * 1e-6;
                let mut up = p;
                up[i] += h;
                let mut down = p;
                down[i] -= h;
                let x = |q: &[f64; 3]| {
                    UslModel {
                        sigma: q[0],
                        kappa: q[1],
                        lambda: q[2],
                    }
                    .raw_throughput_at(n)
                };
                let numeric = (x(&up) - x(&down)) / (2.0 * h);
                assert!(
                    (g[i] - numeric).abs() <= 1e-6 * numeric.abs().max(1e-9),
                    "N = {n}, ∂{i}: {} vs {numeric}",
                    g[i]
                );
            }
        }
        // At N = 1 the coefficients have no effect and ∂X/∂λ = 1.
        assert_eq!(gradient(1.0, &p), [0.0, 0.0, 1.0]);
        // The normal matrix of one point is the outer product of its gradient.
        let ms = data(&[(3.0, 10.0)]);
        let g = gradient(3.0, &p);
        let a = normal_matrix(&ms, &p);
        for i in 0..3 {
            for j in 0..3 {
                assert!((a[i][j] - g[i] * g[j]).abs() < 1e-12);
            }
        }
        // Two points sum their outer products.
        let ms = data(&[(3.0, 10.0), (5.0, 12.0)]);
        let g5 = gradient(5.0, &p);
        let a = normal_matrix(&ms, &p);
        assert!((a[0][2] - (g[0] * g[2] + g5[0] * g5[2])).abs() < 1e-12);
    }

    #[test]
    fn linearised_start_is_exact_on_exact_data() {
        // With a point at N = 1 on an exact USL curve, λ = max X/N = X(1) is exact, and
        // N·λ/X − 1 = σ(N − 1) + κN(N − 1) holds exactly, so least squares returns σ and κ.
        let truth = UslModel::raw(0.04, 0.0008, 250.0).unwrap();
        let pts: Vec<Measurement> = [1.0, 2.0, 4.0, 8.0, 16.0]
            .iter()
            .map(|&n| Measurement::raw(n, truth.raw_throughput_at(n)).unwrap())
            .collect();
        let [sigma, kappa, lambda] = initial_guess(&pts);
        assert!((lambda - 250.0).abs() < 1e-9, "{lambda}");
        assert!((sigma - 0.04).abs() < 1e-9, "{sigma}");
        assert!((kappa - 0.0008).abs() < 1e-11, "{kappa}");
        // The residual sum of the truth is zero; off by 1 at each of two points, it is 2.
        assert!(residual_sum(&pts, &[0.04, 0.0008, 250.0]) < 1e-18);
        let two = data(&[(1.0, 251.0), (2.0, truth.raw_throughput_at(2.0) - 1.0)]);
        assert!((residual_sum(&two, &[0.04, 0.0008, 250.0]) - 2.0).abs() < 1e-9);
        // Zero throughputs are skipped; with fewer than two usable levels the guess falls back.
        let flat = data(&[(1.0, 0.0), (2.0, 0.0), (3.0, 5.0)]);
        let [s, k, l] = initial_guess(&flat);
        assert!((l - 5.0 / 3.0).abs() < 1e-12);
        assert!((s - 0.01).abs() < 1e-15 && k.abs() < 1e-15, "{s} {k}");
    }

    #[test]
    fn degenerate_inputs_are_errors() {
        let four_same = data(&[(4.0, 10.0), (4.0, 11.0), (4.0, 9.0), (4.0, 10.0)]);
        assert!(matches!(fit_usl(&four_same), Err(Error::Degenerate { .. })));
        assert!(matches!(
            fit_usl(&data(&[(1.0, 1.0), (2.0, 2.0)])),
            Err(Error::TooFewPoints { got: 2, .. })
        ));
        let zeros = data(&[(1.0, 0.0), (2.0, 0.0), (3.0, 0.0), (4.0, 0.0)]);
        assert!(matches!(fit_usl(&zeros), Err(Error::Degenerate { .. })));
    }

    /// SPEC SDM91 on a 16-CPU Sun SPARCcenter 2000 (Gunther 2007; R `usl` dataset).
    const SPECSDM91: [(f64, f64); 7] = [
        (1.0, 64.9),
        (18.0, 995.9),
        (36.0, 1652.4),
        (72.0, 1853.2),
        (108.0, 1828.9),
        (144.0, 1775.0),
        (216.0, 1702.2),
    ];

    #[test]
    fn normalised_fit_matches_r_usl_1_8() {
        // R `usl` 1.8.0, tests t03 and t08 (method "default", λ = X(1) = 64.9):
        // σ = 1.705e-02 (SE 3.318e-03), κ = 7.892e-05 (SE 2.492e-05), residual standard
        // error 140.6 on 5 degrees of freedom, R² 0.9624; fitted 64.9 889.1 1377.5 1787.7
        // 1876.1 1845.9 1682.8; efficiency 1.000 0.853 0.707 0.397 0.261 0.190 0.121.
        let ms = data(&SPECSDM91);
        let fit = fit_usl_normalised(&ms).unwrap();
        assert!(close(fit.model.sigma(), 1.705e-2, 5e-4), "{}", fit.model);
        assert!(close(fit.model.kappa(), 7.892e-5, 1e-4), "{}", fit.model);
        let se = fit.std_errors.unwrap();
        assert!(close(se[0], 3.318e-3, 5e-4), "{se:?}");
        assert!(close(se[1], 2.492e-5, 5e-4), "{se:?}");
        assert!(se[2].abs() < f64::MIN_POSITIVE, "λ is held: {se:?}");
        assert_eq!(fit.degrees_of_freedom, 5);
        assert!((fit.residual_std_error - 140.6).abs() < 0.05);
        assert!((fit.r_squared - 0.9624).abs() < 5e-5);
        let fitted = [64.9, 889.1, 1377.5, 1787.7, 1876.1, 1845.9, 1682.8];
        let efficiency = [1.000, 0.853, 0.707, 0.397, 0.261, 0.190, 0.121];
        for ((m, x), e) in ms.iter().zip(fitted).zip(efficiency) {
            assert!((fit.model.raw_throughput_at(m.concurrency) - x).abs() < 0.05);
            assert!((fit.model.measured_efficiency(m) - e).abs() < 5e-4);
        }
        assert_eq!(fit.at_bound, [false, false, false]);
        assert!(fit.lambda_fixed);
        // Seven points: no few-points warning; λ is not reported as held.
        assert!(fit.warnings().is_empty());
        // 95% interval of λ is the point itself.
        let [_, _, lambda] = fit.confidence_intervals(0.95).unwrap();
        assert_eq!(lambda, (64.9, 64.9));
    }

    #[test]
    fn normalised_fit_recovers_r_usl_synthetic_coefficients() {
        // R `usl` 1.8.0, tests t02 and t07: data generated from σ = κ = 0.02, rounded to
        // four decimals, fit to 0.02 and 0.02 (three significant digits), in any order.
        let mut pts = vec![
            (1.0, 1.0),
            (2.0, 1.8868),
            (4.0, 3.0769),
            (6.0, 3.5294),
            (8.0, 3.5398),
            (10.0, 3.3557),
        ];
        for _ in 0..2 {
            let fit = fit_usl_normalised(&data(&pts)).unwrap();
            assert!((fit.model.sigma() - 0.02).abs() < 5e-5, "{}", fit.model);
            assert!((fit.model.kappa() - 0.02).abs() < 5e-5, "{}", fit.model);
            pts.reverse();
        }
    }

    #[test]
    fn fixed_lambda_fit_holds_superlinear_sigma_at_zero() {
        // Exact USL data with σ = 0, κ = 0.001, λ = 10, but the N = 2 point 10% faster than
        // the model (a cache effect): the unbounded regression wants σ < 0. By hand, with
        // σ held at 0 the fit is one-dimensional: κ = Σ v·y / Σ v², v = N(N − 1).
        let truth = UslModel::raw(0.0, 0.001, 10.0).unwrap();
        let mut pts: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
            .iter()
            .map(|&n| (n, truth.raw_throughput_at(n)))
            .collect();
        pts[1].1 *= 1.5;
        let fit = fit_usl_with_lambda(&data(&pts), Rate::from_per_second(10.0).unwrap()).unwrap();
        assert!(fit.model.sigma().abs() < f64::MIN_POSITIVE, "{}", fit.model);
        assert_eq!(fit.at_bound, [true, false, false]);
        let (mut vy, mut vv) = (0.0, 0.0);
        for &(n, x) in &pts {
            let (v, y) = (n * (n - 1.0), n * 10.0 / x - 1.0);
            vy += v * y;
            vv += v * v;
        }
        assert!(close(fit.model.kappa(), vy / vv, 1e-12), "{}", fit.model);
        assert_eq!(
            fit.warnings(),
            vec![UslWarning::OnBound(UslParameter::Sigma)]
        );
    }

    #[test]
    fn fixed_lambda_fit_refuses_what_it_cannot_normalise() {
        let ten = Rate::from_per_second(10.0).unwrap();
        assert!(matches!(
            fit_usl_with_lambda(&data(&[(2.0, 19.0), (4.0, 35.0)]), ten),
            Err(Error::TooFewPoints {
                needed: 3,
                got: 2,
                ..
            })
        ));
        let with_zero = data(&[(2.0, 19.0), (4.0, 0.0), (8.0, 60.0)]);
        let err = fit_usl_with_lambda(&with_zero, ten).unwrap_err();
        assert!(err.to_string().contains("throughput of 0"), "{err}");
        let one_level = data(&[(1.0, 10.0), (4.0, 35.0), (4.0, 36.0)]);
        assert!(matches!(
            fit_usl_with_lambda(&one_level, ten),
            Err(Error::Degenerate { .. })
        ));
        let err = fit_usl_with_lambda(&data(&[(2.0, 19.0), (4.0, 35.0), (8.0, 60.0)]), Rate::ZERO)
            .unwrap_err();
        assert!(err.to_string().contains("λ"), "{err}");
        let no_one = data(&[(2.0, 19.0), (4.0, 35.0), (8.0, 60.0)]);
        let err = fit_usl_normalised(&no_one).unwrap_err();
        assert!(err.to_string().contains("concurrency 1"), "{err}");
        // Two runs at N = 1: λ is their mean, 10.
        let twice = data(&[
            (1.0, 9.0),
            (1.0, 11.0),
            (2.0, 19.0),
            (4.0, 35.0),
            (8.0, 60.0),
        ]);
        let fit = fit_usl_normalised(&twice).unwrap();
        assert!((fit.model.raw_lambda() - 10.0).abs() < 1e-12);
    }

    #[test]
    fn a_fully_serial_model_never_answers_a_concurrency_that_misses_the_target() {
        // Found by fuzzing (formulas_models): σ = 1, κ = 2.09e-100 (below the floor, so 0),
        // λ = 0.1465, asked for 4.77e-4/s. N = 0 solves the inverse's quadratic, but
        // X(0) = 0: it was answered, and X there missed the target. A fully serial system
        // delivers λ at every N > 0, so no concurrency delivers exactly less.
        let m = UslModel::raw(1.0, 2.089_478_240_088_228_5e-100, 0.146_522_432_215_059_26).unwrap();
        assert!(matches!(
            m.raw_concurrency_at_throughput(0.000_476_792_279_411_764_7),
            RawReach::Unreachable { .. }
        ));
        // With a coherency cost too, the answer is the root where X comes down to x.
        let m = UslModel::raw(1.0, 1e-3, 10.0).unwrap();
        if let RawReach::At(n) = m.raw_concurrency_at_throughput(5.0) {
            assert!(close(m.raw_throughput_at(n), 5.0, 1e-9), "{n}");
        }
    }

    #[test]
    fn concurrency_at_latency_matches_usl4j() {
        // usl4j (C. Hale), ModelTest.concurrencyAtLatency: the model fitted to the first ten
        // Cisco points (Schwartz 2015, pp. 30-31) reaches 1.2 ms at N = 7.230629, 1.6 ms at
        // 20.251064 and 2.0 ms at 29.888894. Both fits are least squares on throughput, so
        // they agree to the solvers' tolerance.
        let pts: Vec<(f64, f64)> = CISCO
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, &x)| (f64::from(u32::try_from(i + 1).unwrap()), x))
            .collect();
        let fit = fit_usl(&data(&pts)).unwrap();
        for (ms, n) in [(1.2, 7.230_629), (1.6, 20.251_064), (2.0, 29.888_894)] {
            let r = Duration::from_secs_f64(ms / 1_000.0);
            let Reach::At(got) = fit.model.concurrency_at_latency(r) else {
                panic!("{ms} ms unreachable for {}", fit.model)
            };
            assert!(
                close(got.as_f64(), n, 1e-4),
                "{ms} ms: {} vs {n}",
                got.as_f64()
            );
        }
        // Below the single-unit latency (1 − σ)/λ nothing answers that fast.
        let min = fit.model.raw_latency_at(0.0);
        let Reach::Unreachable { limit } = fit
            .model
            .concurrency_at_latency(Duration::from_secs_f64(min / 2.0))
        else {
            panic!()
        };
        assert!(close(limit.as_secs_f64(), min, 1e-6));
    }

    #[test]
    fn overhead_matches_r_usl_except_the_halved_coherency() {
        // R `usl` 3.0, tests/overhead.Rout.save, SPEC SDM91 fit (σ = 0.0277285,
        // κ = 0.0001044): ideal, contention and R's coherency at N = 18, 36, 216.
        let m = UslModel::raw(0.027_728_5, 0.000_104_4, 89.995_233).unwrap();
        for (n, ideal, contention, r_coherency) in [
            (18.0, 0.05556, 0.0262, 0.000_887),
            (36.0, 0.02778, 0.0270, 0.001_826),
            (216.0, 0.00463, 0.0276, 0.011_219),
        ] {
            let o = m.overhead_at(Concurrency::new(n).unwrap());
            assert!((o.ideal - ideal).abs() < 5e-6, "{n}: {o:?}");
            assert!((o.contention - contention).abs() < 5e-5, "{n}: {o:?}");
            // κ as R prints it has four digits, so agreement is to about 1 in 1,000.
            assert!(close(o.coherency / 2.0, r_coherency, 1e-3), "{n}: {o:?}");
        }
        // One unit: all ideal.
        let one = m.overhead_at(Concurrency::new(1.0).unwrap());
        assert_eq!((one.ideal, one.contention, one.coherency), (1.0, 0.0, 0.0));
    }

    proptest! {
        #[test]
        fn fit_recovers_noiseless_synthetic_models(sigma in 0.001f64..0.2, kappa in 0.0f64..0.002, lambda in 1.0f64..5_000.0) {
            let truth = UslModel::raw(sigma, kappa, lambda).unwrap();
            // Measured from N = 2 upward: no N = 1 point.
            let pts: Vec<Measurement> = [2.0, 4.0, 8.0, 12.0, 16.0, 24.0, 32.0, 48.0, 64.0]
                .iter().map(|&n| Measurement::raw(n, truth.raw_throughput_at(n)).unwrap()).collect();
            let fit = fit_usl(&pts).unwrap();
            prop_assert!(close(fit.model.sigma(), sigma, 1e-4), "{} vs {}", fit.model, truth);
            prop_assert!((fit.model.kappa() - kappa).abs() <= 1e-4 * kappa + 1e-9, "{} vs {}", fit.model, truth);
            prop_assert!(close(fit.model.raw_lambda(), lambda, 1e-4), "{} vs {}", fit.model, truth);
        }

        #[test]
        fn fixed_lambda_fit_recovers_noiseless_models(sigma in 0.0f64..0.3, kappa in 0.0f64..0.005, lambda in 0.5f64..5_000.0) {
            // On exact data the regression's residuals are zero, so σ and κ come back.
            let truth = UslModel::raw(sigma, kappa, lambda).unwrap();
            let pts: Vec<Measurement> = [2.0, 3.0, 5.0, 8.0, 13.0, 21.0]
                .iter().map(|&n| Measurement::raw(n, truth.raw_throughput_at(n)).unwrap()).collect();
            let fit = fit_usl_with_lambda(&pts, Rate::from_per_second(lambda).unwrap()).unwrap();
            prop_assert!((fit.model.sigma() - sigma).abs() < 1e-9, "{} vs {}", fit.model, truth);
            prop_assert!((fit.model.kappa() - kappa).abs() < 1e-11, "{} vs {}", fit.model, truth);
            prop_assert!(fit.rss <= 1e-12 * lambda * lambda * 441.0);
        }

        #[test]
        fn overhead_parts_sum_to_the_inverse_speedup(sigma in 0.0f64..1.0, kappa in 0.0f64..0.1, n in 0.01f64..1e4) {
            let m = UslModel::raw(sigma, kappa, 1.0).unwrap();
            let at = Concurrency::new(n).unwrap();
            let o = m.overhead_at(at);
            prop_assert!(close(o.total(), 1.0 / m.speedup_at(at), 1e-12));
            prop_assert!(close(m.efficiency_at(at), m.speedup_at(at) / n, 1e-12));
        }

        #[test]
        fn concurrency_at_latency_round_trips(sigma in 0.0f64..0.5, kappa in 0.0f64..0.01, lambda in 0.1f64..1e4, factor in 1.0f64..50.0) {
            let m = UslModel::raw(sigma, kappa, lambda).unwrap();
            let r = m.raw_latency_at(0.0) * factor;
            if let RawReach::At(n) = m.raw_concurrency_at_latency(r) {
                prop_assert!(close(m.raw_latency_at(n), r, 1e-9));
            }
        }

        #[test]
        fn throughput_at_latency_round_trips(sigma in 0.0f64..0.5, kappa in 0.0f64..0.01, lambda in 0.1f64..1e4, factor in 1.0f64..50.0) {
            let m = UslModel::raw(sigma, kappa, lambda).unwrap();
            let r = m.raw_latency_at(0.0) * factor;
            if let RawReach::At(x) = m.raw_throughput_at_latency(r) {
                let n = x * r;
                prop_assert!(close(m.raw_latency_at(n), r, 1e-9));
            }
        }
    }
}
