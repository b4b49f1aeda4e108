//! Queueing models: Little's law, Erlang B and C, the M/M/1 and M/M/c queues, and the smallest
//! server count that meets a waiting-time target.

use core::fmt;
use core::time::Duration;

use num_traits::Float;
use scalability_advisor_core::units::{Concurrency, Rate, Ratio};

use crate::error::{Error, finite};

/// Mean number in the system from arrival rate and time in system (Little's law, L = λ·W).
///
/// # Errors
/// [`Error::Core`] when the product overflows.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_formulas::{
///     little_concurrency, scalability_advisor_core::units::Rate,
/// };
/// let l = little_concurrency(Rate::from_per_second(100.0)?, Duration::from_millis(250))?;
/// assert!((l.as_f64() - 25.0).abs() < 1e-12);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// J. D. C. Little, "A Proof for the Queuing Formula L = λW", Operations Research 9(3),
/// 383-387, 1961.
pub fn little_concurrency(
    arrival_rate: Rate,
    time_in_system: Duration,
) -> Result<Concurrency, Error> {
    Ok(arrival_rate.checked_concurrency(time_in_system)?)
}

/// Arrival rate from mean number in the system and time in system (λ = L / W).
///
/// # Errors
/// [`Error::OutOfRange`] when `time_in_system` is zero; [`Error::Core`] on overflow.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_formulas::{
///     little_arrival_rate, scalability_advisor_core::units::Concurrency,
/// };
/// let rate = little_arrival_rate(Concurrency::new(25.0)?, Duration::from_millis(250))?;
/// assert!((rate.as_per_second() - 100.0).abs() < 1e-12);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Little (1961), as [`little_concurrency`].
pub fn little_arrival_rate(
    in_system: Concurrency,
    time_in_system: Duration,
) -> Result<Rate, Error> {
    let w = time_in_system.as_secs_f64();
    if w <= 0.0 {
        return Err(Error::OutOfRange {
            what: "time in system",
            value: w,
            min: f64::MIN_POSITIVE,
            max: f64::MAX,
        });
    }
    Ok(Rate::from_per_second(in_system.as_f64() / w)?)
}

/// Time in system from mean number in the system and arrival rate (W = L / λ).
///
/// # Errors
/// [`Error::OutOfRange`] when `arrival_rate` is zero; [`Error::Core`] when the time exceeds a
/// `Duration`.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{
///     little_time_in_system,
///     scalability_advisor_core::units::{Concurrency, Rate},
/// };
/// let w = little_time_in_system(Concurrency::new(25.0)?, Rate::from_per_second(100.0)?)?;
/// assert_eq!(w.as_millis(), 250);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Little (1961), as [`little_concurrency`].
pub fn little_time_in_system(
    in_system: Concurrency,
    arrival_rate: Rate,
) -> Result<Duration, Error> {
    let lambda = arrival_rate.as_per_second();
    if lambda <= 0.0 {
        return Err(Error::OutOfRange {
            what: "arrival rate",
            value: lambda,
            min: f64::MIN_POSITIVE,
            max: f64::MAX,
        });
    }
    Ok(scalability_advisor_core::units::duration_from_secs(
        "time in system",
        in_system.as_f64() / lambda,
    )?)
}

/// Erlang B: the probability that an arrival finds all `servers` busy and is lost, for an
/// offered load `a` in Erlangs.
///
/// # Formula
/// ```text
/// B(0, a) = 1
/// B(k, a) = a · B(k−1, a) / (k + a · B(k−1, a))
/// ```
/// a: offered load (Erlangs = arrival rate × mean service time); k: servers.
/// The recurrence never forms aᵏ or k!, so it stays accurate for thousands of servers and
/// loads of 10,000+ Erlangs. Assumes Poisson arrivals; blocked arrivals are lost (M/M/c/c).
///
/// # Cost and accuracy
/// O(√a) steps whatever the server count, so 4·10⁹ Erlangs take milliseconds. The recurrence
/// damps relative errors at every step, by k / (k + a·B(k − 1)) < 1 (its derivative), so it
/// need not start at 0. It starts at k₀ = a − √(110a + (a − min(c, a))²), from
/// B(k₀) ≈ 1 − k₀/a, a lower bound of the true value within a relative error below 1. Up to
/// min(c, a) each step multiplies that error by at most k/a, and Σ ln(a/k) over those steps
/// is at least 50, so the error ends below e⁻⁵⁰ ≈ 2·10⁻²², far below rounding; past a it does
/// not grow. At most √(110a) steps lead up to min(c, a), and the walk past a stops once B
/// falls below the smallest normal float (about 40√a servers past a), where it answers 0:
/// every larger count's B is smaller still.
///
/// Generic over the float type (`f32` or `f64`).
///
/// # Errors
/// [`Error::OutOfRange`] for a negative, NaN or infinite load.
///
/// # Examples
/// From a standard Erlang B table: 10 circuits carry 5.084 Erlangs at 2% blocking.
/// ```
/// use scalability_advisor_formulas::erlang_b;
/// assert!((erlang_b(10, 5.084_f64)? - 0.02).abs() < 1e-4);
/// assert!((erlang_b(10, 5.084f32)? - 0.02).abs() < 1e-4);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// A. K. Erlang, "Solution of some problems in the theory of probabilities of significance in
/// automatic telephone exchanges", 1917; the recurrence: D. L. Jagerman, "Some properties of
/// the Erlang loss function", Bell System Technical Journal 53(3), 525-551, 1974.
pub fn erlang_b<F: Float>(servers: u32, offered_load: F) -> Result<F, Error> {
    let value = offered_load.to_f64().unwrap_or(f64::NAN);
    if !(offered_load >= F::zero() && offered_load.is_finite()) {
        return Err(Error::OutOfRange {
            what: "offered load (Erlangs)",
            value,
            min: 0.0,
            max: f64::MAX,
        });
    }
    let a = offered_load;
    let (start, mut b) = erlang_b_start(servers, a);
    for k in start + 1..=servers {
        if b < F::min_positive_value() {
            // Below the smallest normal float the recurrence only rounds (subnormals can
            // even stall at a fixed point); every larger count's B is smaller still.
            b = F::zero();
            break;
        }
        let k = F::from(k).unwrap_or_else(F::max_value);
        b = a * b / (k + a * b);
    }
    Ok(b)
}

/// Where the Erlang B recurrence may start for `servers` at load `a`, and its value there
/// (see [`erlang_b`], "Cost and accuracy"): 0 with B = 1 when that is near anyway.
fn erlang_b_start<F: Float>(servers: u32, a: F) -> (u32, F) {
    /// Steps below which starting at 0 is as cheap as anything.
    const NEAR: f64 = 64.0;
    let (af, c) = (a.to_f64().unwrap_or(0.0), f64::from(servers));
    let from_zero = (0, F::one());
    if af <= NEAR || c <= NEAR {
        return from_zero;
    }
    // Steps below min(c, a) damp the error by j/a each, and Σ ln(a/j) ≥ Σ (a − j)/a over
    // them, so starting where (a − k₀)² ≥ (a − min(c, a))² + 110a damps it by e⁻⁵⁰ or more
    // (110 rather than 100 covers the sum's discreteness). The start is then at most √(110a)
    // below min(c, a).
    let short = (af - c).max(0.0);
    let k0 = (af - (110.0 * af + short * short).sqrt()).floor();
    if k0 <= NEAR {
        return from_zero;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "NEAR < k0 < servers <= u32::MAX"
    )]
    let k = k0 as u32;
    // B(k, a) >= 1 − k/a for k < a (carried traffic a(1 − B) cannot exceed k servers).
    let b = F::from(1.0 - k0 / af).unwrap_or_else(F::one);
    (k, b)
}

/// Erlang C: the probability that an arrival has to wait, for `servers` serving an offered
/// load `a` in Erlangs.
///
/// # Formula
/// ```text
/// C(c, a) = c · B(c, a) / (c − a · (1 − B(c, a)))
/// ```
/// B: [`erlang_b`]; c: servers; a: offered load (Erlangs). Requires a < c.
/// Assumes Poisson arrivals, exponential service times, first-come first-served, no
/// abandonment (M/M/c).
///
/// # Errors
/// [`Error::Unstable`] when `a >= c`; [`Error::OutOfRange`] for an invalid load or zero
/// servers.
///
/// # Examples
/// The worked example of Call Centre Helper's "Erlang C Formula – Made Simple": 10 Erlangs on
/// 11 agents wait with probability 0.6821, on 14 agents with 0.1741.
/// ```
/// use scalability_advisor_formulas::erlang_c;
/// assert!((erlang_c(11, 10.0)? - 0.6821).abs() < 5e-5);
/// assert!((erlang_c(14, 10.0)? - 0.1741).abs() < 5e-5);
/// assert!(erlang_c(10, 10.0).is_err());
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Erlang (1917); the B-to-C relation: L. Kleinrock, *Queueing Systems, Volume 1: Theory*,
/// Wiley, 1975, section 3.5, equation 3.40.
pub fn erlang_c(servers: u32, offered_load: f64) -> Result<f64, Error> {
    if servers == 0 {
        return Err(Error::OutOfRange {
            what: "servers",
            value: 0.0,
            min: 1.0,
            max: f64::from(u32::MAX),
        });
    }
    let b = erlang_b(servers, offered_load)?;
    erlang_c_from_b(servers, offered_load, b)
}

fn erlang_c_from_b(servers: u32, a: f64, b: f64) -> Result<f64, Error> {
    let c = f64::from(servers);
    if a >= c {
        return Err(Error::Unstable { utilisation: a / c });
    }
    Ok((c * b / (c - a * (1.0 - b))).clamp(0.0, 1.0))
}

/// An M/M/c queue: Poisson arrivals, exponential service, `c` identical servers, first come
/// first served, unlimited waiting room. M/M/1 is the case c = 1.
///
/// # Formula
/// ```text
/// a = λ · S        ρ = a / c        P_w = C(c, a)
/// P(W ≤ t) = 1 − P_w · e^(−(c − a) · t / S)
/// E[W] = P_w · S / (c − a)
/// W_q = S / (c − a) · ln(P_w / (1 − q))   when q > 1 − P_w, else 0
/// ```
/// λ: arrival rate (1/s); S: mean service time (s); c: servers; a: offered load (Erlangs);
/// ρ: utilisation; P_w: probability of waiting ([`erlang_c`]); W: time waiting in queue;
/// W_q: its q-quantile. Steady state; requires ρ < 1.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_formulas::{
///     Mmc,
///     scalability_advisor_core::units::{Rate, Ratio},
/// };
/// // Call Centre Helper's example: 200 calls an hour, 180 s each, 14 agents, 20 s target.
/// let q = Mmc::new(Rate::from_per_hour(200.0)?, Duration::from_secs(180), 14)?;
/// assert!((q.offered_load() - 10.0).abs() < 1e-9);
/// assert!((q.probability_of_waiting().as_fraction() - 0.1741).abs() < 5e-5);
/// // 1 − 0.17411 · e^(−4 · 20 / 180) = 0.8884.
/// assert!((q.service_level(Duration::from_secs(20)).as_fraction() - 0.8884).abs() < 5e-5);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Kleinrock (1975), section 3.5; the service-level and wait-quantile forms follow from the
/// exponential conditional wait, see N. Gans, G. Koole and A. Mandelbaum, "Telephone Call
/// Centers: Tutorial, Review, and Research Prospects", MSOM 5(2), 79-141, 2003, section 4.1.
///
/// Serialized with its derived figures (offered load, Erlang B and C); read back from its
/// arrival rate, service time and servers alone, through [`Mmc::new`]'s checks, so the
/// figures are always recomputed.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "MmcRepr"))]
pub struct Mmc {
    arrival_rate: Rate,
    #[cfg_attr(
        feature = "serde",
        serde(rename = "service_time_s", serialize_with = "ser_secs")
    )]
    service_time: Duration,
    servers: u32,
    offered_load: f64,
    erlang_b: f64,
    erlang_c: f64,
}

#[cfg(feature = "serde")]
fn ser_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct MmcRepr {
    arrival_rate: Rate,
    service_time_s: f64,
    servers: u32,
}

#[cfg(feature = "serde")]
impl TryFrom<MmcRepr> for Mmc {
    type Error = Error;
    fn try_from(r: MmcRepr) -> Result<Self, Error> {
        let service =
            Duration::try_from_secs_f64(r.service_time_s).map_err(|_| Error::OutOfRange {
                what: "service time (seconds)",
                value: r.service_time_s,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            })?;
        Mmc::new(r.arrival_rate, service, r.servers)
    }
}

impl Mmc {
    /// Builds a queue.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] for zero servers or a zero service time;
    /// [`Error::Unstable`] when utilisation is 1 or more; [`Error::Overflow`] when the offered
    /// load is not finite.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::{Error, Mmc, scalability_advisor_core::units::Rate};
    /// let overloaded = Mmc::new(Rate::from_per_second(20.0)?, Duration::from_millis(500), 10);
    /// assert!(matches!(overloaded, Err(Error::Unstable { .. })));
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn new(arrival_rate: Rate, service_time: Duration, servers: u32) -> Result<Self, Error> {
        let s = service_time.as_secs_f64();
        if s <= 0.0 {
            return Err(Error::OutOfRange {
                what: "service time",
                value: s,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            });
        }
        if servers == 0 {
            return Err(Error::OutOfRange {
                what: "servers",
                value: 0.0,
                min: 1.0,
                max: f64::from(u32::MAX),
            });
        }
        let a = finite("offered load", arrival_rate.as_per_second() * s)?;
        let b = erlang_b(servers, a)?;
        let c = erlang_c_from_b(servers, a, b)?;
        Ok(Mmc {
            arrival_rate,
            service_time,
            servers,
            offered_load: a,
            erlang_b: b,
            erlang_c: c,
        })
    }

    /// An M/M/1 queue (one server).
    ///
    /// # Errors
    /// As [`Mmc::new`].
    ///
    /// # Examples
    /// λ = 0.5/s, S = 1 s: ρ = 0.5, mean wait ρS/(1 − ρ) = 1 s.
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::{Mmc, scalability_advisor_core::units::Rate};
    /// let q = Mmc::mm1(Rate::from_per_second(0.5)?, Duration::from_secs(1))?;
    /// assert!((q.mean_wait().as_secs_f64() - 1.0).abs() < 1e-9);
    /// assert!((q.mean_response_time().as_secs_f64() - 2.0).abs() < 1e-9);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn mm1(arrival_rate: Rate, service_time: Duration) -> Result<Self, Error> {
        Mmc::new(arrival_rate, service_time, 1)
    }

    /// A queue from its offered load in Erlangs (arrival rate × service time), as workforce
    /// tools state it: the arrival rate is a / s.
    ///
    /// # Errors
    /// As [`Mmc::new`]; [`Error::OutOfRange`] for a negative or non-finite load.
    ///
    /// # Examples
    /// 10 Erlangs of 3-minute calls on 14 agents: 200 calls an hour.
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// let q = Mmc::from_offered_load(10.0, Duration::from_secs(180), 14)?;
    /// assert!((q.arrival_rate().as_per_second() * 3_600.0 - 200.0).abs() < 1e-9);
    /// assert!((q.utilisation().as_fraction() - 10.0 / 14.0).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn from_offered_load(
        erlangs: f64,
        service_time: Duration,
        servers: u32,
    ) -> Result<Self, Error> {
        Mmc::new(rate_of_load(erlangs, service_time)?, service_time, servers)
    }

    /// Arrivals per second.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// let q = Mmc::new(Rate::from_per_second(50.0)?, Duration::from_millis(180), 13)?;
    /// assert_eq!(q.arrival_rate().as_per_second(), 50.0);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn arrival_rate(&self) -> Rate {
        self.arrival_rate
    }

    /// Mean service time.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// let q = Mmc::from_offered_load(9.0, Duration::from_millis(180), 13)?;
    /// assert_eq!(q.service_time(), Duration::from_millis(180));
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn service_time(&self) -> Duration {
        self.service_time
    }

    /// Servers.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// // M/M/1 at half load: 0.5 arrivals/s, 1 s of service each, so ρ = 0.5.
    /// let q = Mmc::mm1(Rate::from_per_second(0.5)?, Duration::from_secs(1))?;
    /// assert_eq!(q.servers(), 1);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn servers(&self) -> u32 {
        self.servers
    }

    /// Offered load a = λ·S, in Erlangs (the mean number of busy servers).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// // M/M/1 at half load: 0.5 arrivals/s, 1 s of service each, so ρ = 0.5.
    /// let q = Mmc::mm1(Rate::from_per_second(0.5)?, Duration::from_secs(1))?;
    /// assert_eq!(q.offered_load(), 0.5); // λ · s in Erlangs
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn offered_load(&self) -> f64 {
        self.offered_load
    }

    /// Utilisation ρ = a / c.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// // M/M/1 at half load: 0.5 arrivals/s, 1 s of service each, so ρ = 0.5.
    /// let q = Mmc::mm1(Rate::from_per_second(0.5)?, Duration::from_secs(1))?;
    /// assert_eq!(q.utilisation().as_fraction(), 0.5);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn utilisation(&self) -> Ratio {
        Ratio::from_fraction((self.offered_load / f64::from(self.servers)).clamp(0.0, 1.0))
            .unwrap_or(Ratio::ONE)
    }

    /// Probability that an arrival waits (Erlang C).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// // M/M/1 at half load: 0.5 arrivals/s, 1 s of service each, so ρ = 0.5.
    /// let q = Mmc::mm1(Rate::from_per_second(0.5)?, Duration::from_secs(1))?;
    /// // With one server, P(wait) = ρ.
    /// assert!((q.probability_of_waiting().as_fraction() - 0.5).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn probability_of_waiting(&self) -> Ratio {
        Ratio::from_fraction(self.erlang_c).unwrap_or(Ratio::ONE)
    }

    /// Probability that an arrival would be lost if there were no queue (Erlang B).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// // M/M/1 at half load: 0.5 arrivals/s, 1 s of service each, so ρ = 0.5.
    /// let q = Mmc::mm1(Rate::from_per_second(0.5)?, Duration::from_secs(1))?;
    /// // Erlang B with one server: a / (1 + a) = 0.5 / 1.5.
    /// assert!((q.probability_of_blocking().as_fraction() - 1.0 / 3.0).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn probability_of_blocking(&self) -> Ratio {
        Ratio::from_fraction(self.erlang_b.clamp(0.0, 1.0)).unwrap_or(Ratio::ONE)
    }

    fn decay_rate(&self) -> f64 {
        (f64::from(self.servers) - self.offered_load) / self.service_time.as_secs_f64()
    }

    /// Share of arrivals that wait no longer than `within` (the service level).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// // M/M/1 at half load: 0.5 arrivals/s, 1 s of service each, so ρ = 0.5.
    /// let q = Mmc::mm1(Rate::from_per_second(0.5)?, Duration::from_secs(1))?;
    /// // P(W ≤ t) = 1 − ρ·e^(−(μ − λ)t): 1 − 0.5·e^(−0.5) ≈ 69.67% within 1 s.
    /// let sl = q.service_level(Duration::from_secs(1)).as_fraction();
    /// assert!((sl - (1.0 - 0.5 * (-0.5f64).exp())).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn service_level(&self, within: Duration) -> Ratio {
        let p = 1.0 - self.erlang_c * (-self.decay_rate() * within.as_secs_f64()).exp();
        Ratio::from_fraction(p.clamp(0.0, 1.0)).unwrap_or(Ratio::ZERO)
    }

    /// Mean time waiting in the queue (average speed of answer).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// // M/M/1 at half load: 0.5 arrivals/s, 1 s of service each, so ρ = 0.5.
    /// let q = Mmc::mm1(Rate::from_per_second(0.5)?, Duration::from_secs(1))?;
    /// // Wq = ρ / (μ − λ) = 0.5 / 0.5 = 1 s.
    /// assert!((q.mean_wait().as_secs_f64() - 1.0).abs() < 1e-9);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn mean_wait(&self) -> Duration {
        Duration::try_from_secs_f64(self.erlang_c / self.decay_rate()).unwrap_or(Duration::MAX)
    }

    /// Mean time in the system: waiting plus service.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// // M/M/1 at half load: 0.5 arrivals/s, 1 s of service each, so ρ = 0.5.
    /// let q = Mmc::mm1(Rate::from_per_second(0.5)?, Duration::from_secs(1))?;
    /// // W = Wq + 1/μ = 2 s.
    /// assert!((q.mean_response_time().as_secs_f64() - 2.0).abs() < 1e-9);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn mean_response_time(&self) -> Duration {
        self.mean_wait().saturating_add(self.service_time)
    }

    /// Mean number waiting in the queue, L_q = λ·E\[W\].
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Mmc;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// // M/M/1 at half load: 0.5 arrivals/s, 1 s of service each, so ρ = 0.5.
    /// let q = Mmc::mm1(Rate::from_per_second(0.5)?, Duration::from_secs(1))?;
    /// // Lq = ρ² / (1 − ρ) = 0.5.
    /// assert!((q.mean_queue_length() - 0.5).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn mean_queue_length(&self) -> f64 {
        self.arrival_rate.as_per_second() * self.erlang_c / self.decay_rate()
    }

    /// The `q`-quantile of the time spent waiting (0 when at least that share never waits).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::{
    ///     Mmc,
    ///     scalability_advisor_core::units::{Rate, Ratio},
    /// };
    /// let q = Mmc::new(Rate::from_per_hour(200.0)?, Duration::from_secs(180), 14)?;
    /// let p95 = q.wait_percentile(Ratio::from_percent(95.0)?);
    /// // The 95th percentile wait meets the service level at exactly 95%.
    /// assert!((q.service_level(p95).as_fraction() - 0.95).abs() < 1e-9);
    /// assert_eq!(
    ///     q.wait_percentile(Ratio::from_percent(50.0)?),
    ///     Duration::ZERO
    /// );
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn wait_percentile(&self, q: Ratio) -> Duration {
        let q = q.as_fraction();
        if q <= 1.0 - self.erlang_c {
            return Duration::ZERO;
        }
        if q >= 1.0 {
            return Duration::MAX;
        }
        let t = (self.erlang_c / (1.0 - q)).ln() / self.decay_rate();
        Duration::try_from_secs_f64(t.max(0.0)).unwrap_or(Duration::MAX)
    }
}

/// The arrival rate of an offered load a in Erlangs with service time s: a / s.
fn rate_of_load(erlangs: f64, service_time: Duration) -> Result<Rate, Error> {
    let a = crate::error::in_range("offered load", erlangs, 0.0, f64::MAX)?;
    let s = service_time.as_secs_f64();
    if s <= 0.0 {
        return Err(Error::OutOfRange {
            what: "service time",
            value: s,
            min: f64::MIN_POSITIVE,
            max: f64::MAX,
        });
    }
    Ok(Rate::from_per_second(a / s)?)
}

/// The smallest number of servers for an offered load in Erlangs that meets every target
/// (see [`servers_for_all`]).
///
/// # Errors
/// As [`servers_for_all`]; [`Error::OutOfRange`] for a negative or non-finite load.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_formulas::scalability_advisor_core::units::Ratio;
/// use scalability_advisor_formulas::{ServerTarget, servers_for_offered_load};
/// let level = ServerTarget::ServiceLevel {
///     within: Duration::from_secs(20),
///     share: Ratio::from_percent(80.0)?,
/// };
/// assert_eq!(
///     servers_for_offered_load(10.0, Duration::from_secs(180), &[level])?.servers(),
///     14
/// );
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
pub fn servers_for_offered_load(
    erlangs: f64,
    service_time: Duration,
    targets: &[ServerTarget],
) -> Result<Mmc, Error> {
    servers_for_all(rate_of_load(erlangs, service_time)?, service_time, targets)
}

/// A staffing target for [`servers_for`].
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_formulas::{
///     ServerTarget, scalability_advisor_core::units::Ratio,
/// };
/// let t = ServerTarget::ServiceLevel {
///     within: Duration::from_secs(20),
///     share: Ratio::from_percent(80.0)?,
/// };
/// assert!(matches!(t, ServerTarget::ServiceLevel { .. }));
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ServerTarget {
    /// At least `share` of arrivals wait no longer than `within`.
    ServiceLevel {
        /// The answer-time target.
        within: Duration,
        /// The share that must meet it.
        share: Ratio,
    },
    /// The `percentile` wait is at most `max_wait`.
    WaitPercentile {
        /// Which quantile.
        percentile: Ratio,
        /// Its ceiling.
        max_wait: Duration,
    },
    /// Mean wait at most this.
    MeanWait(Duration),
    /// Probability of waiting at most this.
    ProbabilityOfWaiting(Ratio),
    /// Utilisation at most this.
    Utilisation(Ratio),
}

impl ServerTarget {
    fn met_by(&self, q: &Mmc) -> bool {
        match *self {
            ServerTarget::ServiceLevel { within, share } => q.service_level(within) >= share,
            ServerTarget::WaitPercentile {
                percentile,
                max_wait,
            } => q.wait_percentile(percentile) <= max_wait,
            ServerTarget::MeanWait(max) => q.mean_wait() <= max,
            ServerTarget::ProbabilityOfWaiting(max) => q.probability_of_waiting() <= max,
            ServerTarget::Utilisation(max) => q.utilisation() <= max,
        }
    }
}

impl fmt::Display for ServerTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerTarget::ServiceLevel { within, share } => {
                write!(f, "{share} answered within {within:?}")
            }
            ServerTarget::WaitPercentile {
                percentile,
                max_wait,
            } => write!(f, "{percentile} of waits within {max_wait:?}"),
            ServerTarget::MeanWait(d) => write!(f, "mean wait within {d:?}"),
            ServerTarget::ProbabilityOfWaiting(p) => write!(f, "at most {p} of arrivals wait"),
            ServerTarget::Utilisation(u) => write!(f, "utilisation at most {u}"),
        }
    }
}

/// The smallest number of servers that keeps the queue stable and meets `target`.
///
/// Scans upward from ⌊a⌋ + 1 servers, updating Erlang B by its recurrence at each step, so the
/// whole search costs O(c) for the c it returns. Every target is monotone in the server count,
/// so the first count that meets it is the smallest.
///
/// # Errors
/// [`Error::OutOfRange`] for a zero service time; [`Error::NotFound`] when no count up to
/// a + 100·√a + 1,000 meets the target (for example a utilisation target of 0%);
/// [`Error::Overflow`] when the offered load exceeds `u32::MAX` servers.
///
/// # Examples
/// Call Centre Helper's example (10 Erlangs) needs 14 agents for 80% of calls answered in 20 s.
/// ```
/// use core::time::Duration;
/// use scalability_advisor_formulas::{
///     ServerTarget,
///     scalability_advisor_core::units::{Rate, Ratio},
///     servers_for,
/// };
/// let target = ServerTarget::ServiceLevel {
///     within: Duration::from_secs(20),
///     share: Ratio::from_percent(80.0)?,
/// };
/// let q = servers_for(
///     Rate::from_per_hour(200.0)?,
///     Duration::from_secs(180),
///     target,
/// )?;
/// assert_eq!(q.servers(), 14); // 13 agents give 79.56%, just short
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Erlang (1917); Jagerman (1974) for the recurrence; see [`erlang_b`] and [`Mmc`].
pub fn servers_for(
    arrival_rate: Rate,
    service_time: Duration,
    target: ServerTarget,
) -> Result<Mmc, Error> {
    servers_for_all(arrival_rate, service_time, &[target])
}

/// The smallest number of servers that keeps the queue stable and meets every one of
/// `targets` at once, for example a service level and a maximum occupancy.
///
/// Each target is monotone in the server count, so the smallest count meeting all of them
/// is the largest of the counts each needs; the search visits each count once. With no
/// targets, the smallest stable count ⌊a⌋ + 1.
///
/// # Errors
/// As [`servers_for`].
///
/// # Examples
/// Call Centre Helper's example: 10 Erlangs need 14 agents for 80% of calls answered in
/// 20 s, at 10/14 = 71.4% occupancy. Capping occupancy at 70% as well needs 10/0.7 = 14.3,
/// so 15 agents.
/// ```
/// use core::time::Duration;
/// use scalability_advisor_formulas::scalability_advisor_core::units::{Rate, Ratio};
/// use scalability_advisor_formulas::{ServerTarget, servers_for_all};
/// let level = ServerTarget::ServiceLevel {
///     within: Duration::from_secs(20),
///     share: Ratio::from_percent(80.0)?,
/// };
/// let busy = ServerTarget::Utilisation(Ratio::from_percent(70.0)?);
/// let calls = Rate::from_per_hour(200.0)?;
/// assert_eq!(
///     servers_for_all(calls, Duration::from_secs(180), &[level])?.servers(),
///     14
/// );
/// assert_eq!(
///     servers_for_all(calls, Duration::from_secs(180), &[level, busy])?.servers(),
///     15
/// );
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example" (the
/// 200 calls/hour, 3-minute example); Erlang (1917).
pub fn servers_for_all(
    arrival_rate: Rate,
    service_time: Duration,
    targets: &[ServerTarget],
) -> Result<Mmc, Error> {
    let s = service_time.as_secs_f64();
    if s <= 0.0 {
        return Err(Error::OutOfRange {
            what: "service time",
            value: s,
            min: f64::MIN_POSITIVE,
            max: f64::MAX,
        });
    }
    let a = finite("offered load", arrival_rate.as_per_second() * s)?;
    // The least stable count, raised to what each utilisation cap needs outright (a / ρ),
    // so that the search steps only through the O(√a) counts the other targets decide.
    let mut first = a.floor() + 1.0;
    for t in targets {
        if let ServerTarget::Utilisation(max) = t {
            let rho = max.as_fraction();
            if rho <= 0.0 {
                return Err(Error::NotFound {
                    what: "servers for a utilisation cap of 0",
                    limit: f64::INFINITY,
                });
            }
            first = first.max((a / rho).ceil());
        }
    }
    let limit = first + 100.0 * a.sqrt() + 1_000.0;
    if limit >= f64::from(u32::MAX) {
        return Err(Error::Overflow {
            what: "server count",
        });
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "1 <= first < u32::MAX, checked above"
    )]
    let first = first as u32;
    // Erlang B up to `first` servers, then one step per candidate.
    let mut b = erlang_b(first, a)?;
    let mut c = first;
    loop {
        let erlang_c = erlang_c_from_b(c, a, b)?;
        let q = Mmc {
            arrival_rate,
            service_time,
            servers: c,
            offered_load: a,
            erlang_b: b,
            erlang_c,
        };
        if targets.iter().all(|t| t.met_by(&q)) {
            return Ok(q);
        }
        if f64::from(c) >= limit {
            return Err(Error::NotFound {
                what: "servers for target",
                limit,
            });
        }
        c += 1;
        b = a * b / (f64::from(c) + a * b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Four decimals, as printed in the cited tables and worked examples.
    const TABLE_TOLERANCE: f64 = 5e-5;

    #[test]
    fn erlang_b_table_values() {
        // Standard Erlang B tables (for example ITU-T, "Teletraffic Engineering Handbook",
        // 2005, table of the Erlang B formula): N = 10 at 1% carries 4.461 E, at 2% 5.084 E;
        // N = 100 at 1% carries 84.064 E.
        #[track_caller]
        fn check(n: u32, a: f64, blocking: f64) {
            let b = erlang_b(n, a).unwrap();
            assert!((b - blocking).abs() < TABLE_TOLERANCE, "B({n}, {a}) = {b}");
        }
        check(10, 4.461, 0.01);
        check(10, 5.084, 0.02);
        check(100, 84.064, 0.01);
    }

    #[test]
    fn erlang_c_small_case_by_hand() {
        // c = 3, a = 2: Σ_{k<3} a^k/k! = 1 + 2 + 2 = 5; a^c/c! · c/(c − a) = 8/6 · 3 = 4;
        // C = 4 / (5 + 4) = 4/9.
        assert!((erlang_c(3, 2.0).unwrap() - 4.0 / 9.0).abs() < 1e-12);
    }

    #[test]
    fn call_centre_helper_example() {
        // 10 Erlangs: 11 agents wait 68.21%, 14 agents 17.41% (Call Centre Helper, "Erlang C
        // Formula – Made Simple With an Easy Worked Example").
        assert!((erlang_c(11, 10.0).unwrap() - 0.6821).abs() < TABLE_TOLERANCE);
        assert!((erlang_c(14, 10.0).unwrap() - 0.1741).abs() < TABLE_TOLERANCE);
    }

    #[test]
    fn mm1_textbook_formulas() {
        // M/M/1 with λ = 3/s and S = 0.25 s: ρ = 0.75, P_w = ρ, E[W] = ρS/(1 − ρ) = 0.75 s,
        // L_q = ρ²/(1 − ρ) = 2.25 (Kleinrock 1975, section 3.2).
        let q = Mmc::mm1(
            Rate::from_per_second(3.0).unwrap(),
            Duration::from_millis(250),
        )
        .unwrap();
        assert!((q.probability_of_waiting().as_fraction() - 0.75).abs() < 1e-12);
        assert!((q.mean_wait().as_secs_f64() - 0.75).abs() < 1e-9);
        assert!((q.mean_queue_length() - 2.25).abs() < 1e-9);
        assert!((q.utilisation().as_fraction() - 0.75).abs() < 1e-12);
    }

    #[test]
    fn ten_thousand_erlangs_is_stable() {
        // 10,000 Erlangs: the search must neither overflow nor lose precision.
        let target = ServerTarget::ServiceLevel {
            within: Duration::from_secs(20),
            share: Ratio::from_percent(80.0).unwrap(),
        };
        let q = servers_for(
            Rate::from_per_second(100.0).unwrap(),
            Duration::from_secs(100),
            target,
        )
        .unwrap();
        assert!(f64::from(q.servers()) > 10_000.0);
        assert!(q.service_level(Duration::from_secs(20)) >= Ratio::from_percent(80.0).unwrap());
        // One server fewer misses the target.
        let fewer = Mmc::new(
            Rate::from_per_second(100.0).unwrap(),
            Duration::from_secs(100),
            q.servers() - 1,
        );
        if let Ok(fewer) = fewer {
            assert!(
                fewer.service_level(Duration::from_secs(20)) < Ratio::from_percent(80.0).unwrap()
            );
        }
        let pw = q.probability_of_waiting().as_fraction();
        assert!(pw.is_finite() && (0.0..=1.0).contains(&pw));
    }

    #[test]
    fn unstable_and_unreachable_are_errors() {
        assert_eq!(erlang_c(5, 5.0), Err(Error::Unstable { utilisation: 1.0 }));
        let none = servers_for(
            Rate::from_per_second(1.0).unwrap(),
            Duration::from_secs(1),
            ServerTarget::Utilisation(Ratio::ZERO),
        );
        assert!(matches!(none, Err(Error::NotFound { .. })));
        assert!(
            servers_for(
                Rate::from_per_second(1.0).unwrap(),
                Duration::ZERO,
                ServerTarget::Utilisation(Ratio::ONE)
            )
            .is_err()
        );
    }

    #[test]
    fn service_level_and_wait_percentiles_by_hand() {
        // Call Centre Helper's example: 10 Erlangs (AHT 180 s), 14 agents, target 20 s:
        // SL = 1 − C · e^{−(c − A) · t / S} = 1 − 0.1741 · e^{−4 · 20/180} = 0.8884.
        let q = Mmc::new(
            Rate::from_per_second(10.0 / 180.0).unwrap(),
            Duration::from_secs(180),
            14,
        )
        .unwrap();
        let sl = q.service_level(Duration::from_secs(20)).as_fraction();
        assert!((sl - 0.8884).abs() < 5e-4, "{sl}");
        // Mean wait C · S / (c − A) = 0.1741 · 180 / 4 = 7.83 s; L_q = λ · E[W] = 7.83 / 18.
        let w = q.mean_wait().as_secs_f64();
        assert!((w - 0.1741 * 45.0).abs() < 45.0 * 5e-5, "{w}");
        assert!((q.mean_queue_length() - w / 18.0).abs() < 1e-9);
        assert!((q.mean_response_time().as_secs_f64() - (w + 180.0)).abs() < 1e-9);
        // Answering immediately: 1 − C.
        let now = q.service_level(Duration::ZERO).as_fraction();
        assert!((now - (1.0 - q.probability_of_waiting().as_fraction())).abs() < 1e-12);
        // M/M/1, λ = 3/s, S = 0.25 s: P(W > t) = 0.75 · e^{−t}. The 90th percentile wait is
        // ln(0.75 / 0.1) = 2.0149 s; at or below the 25th percentile nobody waits.
        let q = Mmc::mm1(
            Rate::from_per_second(3.0).unwrap(),
            Duration::from_millis(250),
        )
        .unwrap();
        let p90 = q.wait_percentile(Ratio::from_percent(90.0).unwrap());
        assert!((p90.as_secs_f64() - 7.5f64.ln()).abs() < 1e-9, "{p90:?}");
        assert_eq!(
            q.wait_percentile(Ratio::from_percent(25.0).unwrap()),
            Duration::ZERO
        );
        assert_eq!(
            q.wait_percentile(Ratio::from_percent(20.0).unwrap()),
            Duration::ZERO
        );
        assert_eq!(q.wait_percentile(Ratio::ONE), Duration::MAX);
        // Service level after 1 s: 1 − 0.75 · e^{−1} = 0.724091.
        let sl = q.service_level(Duration::from_secs(1)).as_fraction();
        assert!((sl - (1.0 - 0.75 * (-1.0f64).exp())).abs() < 1e-12);
        assert!((q.mean_response_time().as_secs_f64() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn queueing_errors_name_their_input() {
        let r = Rate::from_per_second(1.0).unwrap();
        assert_eq!(
            Mmc::new(r, Duration::ZERO, 2),
            Err(Error::OutOfRange {
                what: "service time",
                value: 0.0,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            })
        );
        let servers = Error::OutOfRange {
            what: "servers",
            value: 0.0,
            min: 1.0,
            max: f64::from(u32::MAX),
        };
        assert_eq!(Mmc::new(r, Duration::from_secs(1), 0), Err(servers.clone()));
        assert_eq!(erlang_c(0, 0.5), Err(servers));
        assert_eq!(
            Mmc::new(r, Duration::from_secs(2), 2),
            Err(Error::Unstable { utilisation: 1.0 })
        );
        assert!(matches!(
            erlang_b(3, -1.0),
            Err(Error::OutOfRange {
                what: "offered load (Erlangs)",
                ..
            })
        ));
        assert!(erlang_b(3, f64::NAN).is_err());
        assert!(erlang_b(3, f64::INFINITY).is_err());
        // No servers block everything; no load blocks nothing.
        assert!((erlang_b(0, 2.0).unwrap() - 1.0).abs() < 1e-15);
        assert!(erlang_b(4, 0.0).unwrap().abs() < 1e-15);
        // 1e11 Erlangs: the search range no longer fits in a u32.
        assert_eq!(
            servers_for(
                Rate::from_per_second(1e9).unwrap(),
                Duration::from_secs(100),
                ServerTarget::Utilisation(Ratio::ONE)
            ),
            Err(Error::Overflow {
                what: "server count"
            })
        );
        assert_eq!(
            servers_for(r, Duration::ZERO, ServerTarget::Utilisation(Ratio::ONE)),
            Err(Error::OutOfRange {
                what: "service time",
                value: 0.0,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            })
        );
        // A utilisation cap of zero can never be met by any count: refused at once.
        assert_eq!(
            servers_for(
                Rate::from_per_second(4.0).unwrap(),
                Duration::from_secs(1),
                ServerTarget::Utilisation(Ratio::ZERO)
            ),
            Err(Error::NotFound {
                what: "servers for a utilisation cap of 0",
                limit: f64::INFINITY,
            })
        );
        assert_eq!(
            little_arrival_rate(Concurrency::new(1.0).unwrap(), Duration::ZERO),
            Err(Error::OutOfRange {
                what: "time in system",
                value: 0.0,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            })
        );
        assert_eq!(
            little_time_in_system(Concurrency::new(1.0).unwrap(), Rate::ZERO),
            Err(Error::OutOfRange {
                what: "arrival rate",
                value: 0.0,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            })
        );
    }

    #[test]
    fn smallest_server_counts_by_hand() {
        // 2 Erlangs (λ = 2/s, S = 1 s). Utilisation ≤ 50% needs 4 servers (2/4); 3 give 67%.
        let r = Rate::from_per_second(2.0).unwrap();
        let q = servers_for(
            r,
            Duration::from_secs(1),
            ServerTarget::Utilisation(Ratio::from_percent(50.0).unwrap()),
        )
        .unwrap();
        assert_eq!(q.servers(), 4);
        // The answer carries the same figures as a queue built directly.
        assert_eq!(q, Mmc::new(r, Duration::from_secs(1), 4).unwrap());
        // P(wait) ≤ 4/9 is met by exactly 3 servers (C(3, 2) = 4/9), the first stable count.
        let q = servers_for(
            r,
            Duration::from_secs(1),
            ServerTarget::ProbabilityOfWaiting(Ratio::from_fraction(4.0 / 9.0 + 1e-12).unwrap()),
        )
        .unwrap();
        assert_eq!(q.servers(), 3);
        // C(4, 2): Σ_{k<4} 2^k/k! = 1 + 2 + 2 + 4/3 = 19/3; 2^4/4! · 4/2 = 4/3;
        // C = (4/3) / (19/3 + 4/3) = 4/23. A 20% target needs 4 servers.
        let q = servers_for(
            r,
            Duration::from_secs(1),
            ServerTarget::ProbabilityOfWaiting(Ratio::from_percent(20.0).unwrap()),
        )
        .unwrap();
        assert_eq!(q.servers(), 4);
        assert!((q.probability_of_waiting().as_fraction() - 4.0 / 23.0).abs() < 1e-12);
        // Mean wait C · S / (c − a): 3 servers 4/9 s, 4 servers (4/23)/2 = 2/23 s = 0.087 s.
        // A 100 ms target needs 4.
        let q = servers_for(
            r,
            Duration::from_secs(1),
            ServerTarget::MeanWait(Duration::from_millis(100)),
        )
        .unwrap();
        assert_eq!(q.servers(), 4);
        assert!((q.mean_wait().as_secs_f64() - 2.0 / 23.0).abs() < 1e-9);
        // 90th percentile wait, ln(C / 0.1) · S / (c − a): 3 servers ln(40/9) = 1.49 s;
        // 4 servers ln(40/23) / 2 = 0.277 s. A 500 ms target needs 4.
        let target = ServerTarget::WaitPercentile {
            percentile: Ratio::from_percent(90.0).unwrap(),
            max_wait: Duration::from_millis(500),
        };
        let q = servers_for(r, Duration::from_secs(1), target).unwrap();
        assert_eq!(q.servers(), 4);
        let p90 = q.wait_percentile(Ratio::from_percent(90.0).unwrap());
        assert!((p90.as_secs_f64() - (40.0f64 / 23.0).ln() / 2.0).abs() < 1e-9);
        // 5 servers: C(5, 2) = (4/9) / (7 + 4/9) = 4/67 < 10%, so the 90th percentile wait is 0.
        let five = Mmc::new(r, Duration::from_secs(1), 5).unwrap();
        assert!((five.probability_of_waiting().as_fraction() - 4.0 / 67.0).abs() < 1e-12);
        assert_eq!(
            five.wait_percentile(Ratio::from_percent(90.0).unwrap()),
            Duration::ZERO
        );
        // A service level of 80% within 0.5 s: 3 servers give 1 − (4/9)·e^{−0.5} = 0.730;
        // 4 give 1 − (4/23)·e^{−1} = 0.936.
        let q = servers_for(
            r,
            Duration::from_secs(1),
            ServerTarget::ServiceLevel {
                within: Duration::from_millis(500),
                share: Ratio::from_percent(80.0).unwrap(),
            },
        )
        .unwrap();
        assert_eq!(q.servers(), 4);
        let sl = q.service_level(Duration::from_millis(500)).as_fraction();
        assert!(
            (sl - (1.0 - 4.0 / 23.0 * (-1.0f64).exp())).abs() < 1e-12,
            "{sl}"
        );
    }

    #[test]
    fn little_round_trips() {
        let l = little_concurrency(
            Rate::from_per_second(40.0).unwrap(),
            Duration::from_millis(50),
        )
        .unwrap();
        let w = little_time_in_system(l, Rate::from_per_second(40.0).unwrap()).unwrap();
        assert_eq!(w, Duration::from_millis(50));
        assert!(little_arrival_rate(l, Duration::ZERO).is_err());
        assert!(little_time_in_system(l, Rate::ZERO).is_err());
    }

    #[test]
    fn offered_load_and_combined_targets_by_hand() {
        // 4 Erlangs at 0.5 s: 8 arrivals a second. With no target, the smallest stable count
        // is floor(4) + 1 = 5.
        let q = servers_for_offered_load(4.0, Duration::from_millis(500), &[]).unwrap();
        assert_eq!(q.servers(), 5);
        assert!((q.arrival_rate().as_per_second() - 8.0).abs() < 1e-12);
        // Capping utilisation at 50% needs 4 / 0.5 = 8 servers; at 80%, 4 / 0.8 = 5.
        let half = ServerTarget::Utilisation(Ratio::from_percent(50.0).unwrap());
        let most = ServerTarget::Utilisation(Ratio::from_percent(80.0).unwrap());
        let both =
            servers_for_offered_load(4.0, Duration::from_millis(500), &[most, half]).unwrap();
        assert_eq!(both.servers(), 8);
        let one = servers_for_offered_load(4.0, Duration::from_millis(500), &[most]).unwrap();
        assert_eq!(one.servers(), 5);
        // A negative or infinite load and a zero service time are refused by name.
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let err = Mmc::from_offered_load(bad, Duration::from_secs(1), 3).unwrap_err();
            assert!(err.to_string().contains("offered load"), "{err}");
        }
        let err = Mmc::from_offered_load(1.0, Duration::ZERO, 3).unwrap_err();
        assert!(err.to_string().contains("service time"), "{err}");
    }

    /// Erlang B by the recurrence from 0: the definition the fast start must agree with.
    fn erlang_b_from_zero(servers: u32, a: f64) -> f64 {
        let mut b = 1.0;
        for k in 1..=servers {
            b = a * b / (f64::from(k) + a * b);
        }
        b
    }

    #[test]
    fn fast_start_agrees_with_the_full_recurrence() {
        // Loads from 65 to 20,000 Erlangs, server counts far below, near and far above the
        // load: agreement to 1e-12 relative (the start error is damped below 1e-21; the rest
        // is rounding over the steps taken).
        for a in [65.5, 100.0, 1_234.5, 10_000.0, 20_000.0] {
            let root: f64 = a.sqrt();
            for c in [
                a * 0.3,
                a * 0.9,
                a - 12.0 * root,
                a - 3.0 * root,
                a,
                a + 1.0,
                a + 2.0 * root,
                a + 8.0 * root,
                a + 45.0 * root,
                a * 3.0,
            ] {
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "small"
                )]
                let c = c.max(1.0) as u32;
                let fast = erlang_b(c, a).unwrap();
                let slow = erlang_b_from_zero(c, a);
                let close = (fast - slow).abs() <= 1e-12 * slow.abs()
                    || (fast.to_bits() == 0 && slow < f64::MIN_POSITIVE);
                assert!(close, "B({c}, {a}): {fast} vs {slow}");
            }
        }
    }

    #[test]
    fn four_billion_erlangs_are_staffed() {
        // 4·10⁹ Erlangs (4·10⁹ arrivals a second of 1 s each), 80% within 0.2 s: the answer
        // is a + O(√a) servers; it meets the target and one fewer does not.
        let rate = Rate::from_per_second(4e9).unwrap();
        let level = ServerTarget::ServiceLevel {
            within: Duration::from_millis(200),
            share: Ratio::from_percent(80.0).unwrap(),
        };
        let q = servers_for(rate, Duration::from_secs(1), level).unwrap();
        let above = f64::from(q.servers()) - 4e9;
        assert!(
            above > 0.0 && above < 5.0 * 4e9_f64.sqrt(),
            "{}",
            q.servers()
        );
        assert!(level.met_by(&q));
        let fewer = Mmc::new(rate, Duration::from_secs(1), q.servers() - 1).unwrap();
        assert!(!level.met_by(&fewer));
        // An occupancy cap is met outright: 95% needs ⌈4·10⁹ / 0.95⌉ = 4,210,526,316
        // servers; 70% would need 5.7·10⁹, more than a server count can hold.
        let cap = |p: f64| ServerTarget::Utilisation(Ratio::from_percent(p).unwrap());
        let capped = servers_for(rate, Duration::from_secs(1), cap(95.0)).unwrap();
        assert_eq!(capped.servers(), 4_210_526_316);
        assert!(matches!(
            servers_for(rate, Duration::from_secs(1), cap(70.0)),
            Err(Error::Overflow { .. })
        ));
    }

    proptest! {
        #[test]
        fn fast_erlang_b_matches_the_definition(a in 0.0f64..3_000.0, ratio in 0.05f64..4.0) {
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "small")]
            let c = ((a * ratio).floor() as u32).max(1);
            let fast = erlang_b(c, a).unwrap();
            let slow = erlang_b_from_zero(c, a);
            // Below the smallest normal float the fast walk answers 0.
            let close = (fast - slow).abs() <= 1e-12 * slow.abs()
                || (fast.to_bits() == 0 && slow < f64::MIN_POSITIVE);
            prop_assert!(close, "B({}, {}): {} vs {}", c, a, fast, slow);
        }

        #[test]
        fn all_targets_need_the_largest_single_count(
            rate in 0.1f64..500.0, ms in 1u64..1_000, sl in 0.5f64..0.99, busy in 0.3f64..0.95,
        ) {
            let rate = Rate::from_per_second(rate).unwrap();
            let service = Duration::from_millis(ms);
            let level = ServerTarget::ServiceLevel { within: Duration::from_millis(200), share: Ratio::from_fraction(sl).unwrap() };
            let cap = ServerTarget::Utilisation(Ratio::from_fraction(busy).unwrap());
            let a = servers_for(rate, service, level).unwrap().servers();
            let b = servers_for(rate, service, cap).unwrap().servers();
            let both = servers_for_all(rate, service, &[level, cap]).unwrap().servers();
            prop_assert_eq!(both, a.max(b));
        }

        #[test]
        fn erlang_c_is_probability_and_non_increasing(a in 0.01f64..500.0, extra in 1u32..50) {
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a < 500")]
            let c = a.floor() as u32 + extra;
            let p1 = erlang_c(c, a).unwrap();
            let p2 = erlang_c(c + 1, a).unwrap();
            prop_assert!((0.0..=1.0).contains(&p1));
            prop_assert!(p2 <= p1 + 1e-12);
        }

        #[test]
        fn required_servers_exceed_offered_load(rate in 0.01f64..5_000.0, ms in 1u64..2_000, sl in 0.5f64..0.99) {
            let target = ServerTarget::ServiceLevel { within: Duration::from_secs(1), share: Ratio::from_fraction(sl).unwrap() };
            let q = servers_for(Rate::from_per_second(rate).unwrap(), Duration::from_millis(ms), target).unwrap();
            prop_assert!(f64::from(q.servers()) > q.offered_load());
        }
    }
}
