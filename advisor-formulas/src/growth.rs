//! Growth: compound monthly rates, projections and runway (time until a threshold is crossed).

use core::fmt;

use scalability_advisor_core::units::{Factor, Rate, Ratio};

use crate::error::{Error, finite};

/// A span of calendar months, finite and not negative (fractions allowed).
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::Months;
/// assert_eq!(Months::new(12.0)?.get(), 12.0);
/// assert!(Months::new(-1.0).is_err());
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct Months(f64);

impl Months {
    /// Builds a span of months.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] for NaN, infinities or negatives.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Months;
    /// assert!(Months::new(f64::NAN).is_err());
    /// ```
    pub fn new(months: f64) -> Result<Self, Error> {
        crate::error::in_range("months", months, 0.0, f64::MAX).map(Months)
    }

    /// The number of months.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Months;
    /// assert_eq!(Months::new(2.5)?.get(), 2.5);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub const fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Months {
    type Error = Error;
    fn try_from(v: f64) -> Result<Self, Error> {
        Months::new(v)
    }
}

impl From<Months> for f64 {
    fn from(m: Months) -> f64 {
        m.0
    }
}

impl fmt::Display for Months {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} months", self.0)
    }
}

/// A compound growth rate per month (0.1 is +10% a month; negative rates shrink).
///
/// # Formula
/// ```text
/// g = F^(1/m) − 1        F = (1 + g)^m
/// ```
/// F: growth factor over the period; m: the period in months; g: monthly rate.
/// Assumes steady compound growth over the period.
///
/// # Examples
/// The guide's "3x in 12 months" is about 9.59% a month.
/// ```
/// use scalability_advisor_formulas::{
///     GrowthRate, Months, scalability_advisor_core::units::Factor,
/// };
/// let g = GrowthRate::from_factor_over(Factor::new(3.0)?, Months::new(12.0)?)?;
/// assert!((g.monthly() - 0.095_872_7).abs() < 1e-6);
/// assert!((g.factor_over(Months::new(12.0)?)?.as_f64() - 3.0).abs() < 1e-12);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// The compound-interest identity; see for example R. A. Brealey, S. C. Myers and F. Allen,
/// *Principles of Corporate Finance*, chapter 2 (compound growth).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct GrowthRate(f64);

impl GrowthRate {
    /// No growth.
    pub const ZERO: GrowthRate = GrowthRate(0.0);

    /// Builds a rate from a monthly fraction (0.05 is +5% a month).
    ///
    /// # Errors
    /// [`Error::OutOfRange`] unless finite and above −1 (a loss of 100% or more a month).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::GrowthRate;
    /// assert!(GrowthRate::from_monthly(0.05).is_ok());
    /// assert!(GrowthRate::from_monthly(-1.0).is_err());
    /// ```
    pub fn from_monthly(rate: f64) -> Result<Self, Error> {
        if !(rate > -1.0 && rate.is_finite()) {
            return Err(Error::OutOfRange {
                what: "monthly growth rate",
                value: rate,
                min: -1.0,
                max: f64::MAX,
            });
        }
        Ok(GrowthRate(rate + 0.0))
    }

    /// The monthly rate that compounds to `factor` over `period`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] when `period` is zero.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::{
    ///     GrowthRate, Months, scalability_advisor_core::units::Factor,
    /// };
    /// let g = GrowthRate::from_factor_over(Factor::new(2.0)?, Months::new(1.0)?)?;
    /// assert_eq!(g.monthly(), 1.0);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn from_factor_over(factor: Factor, period: Months) -> Result<Self, Error> {
        if period.0 <= 0.0 {
            return Err(Error::OutOfRange {
                what: "growth period in months",
                value: period.0,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            });
        }
        GrowthRate::from_monthly(factor.as_f64().powf(1.0 / period.0) - 1.0)
    }

    /// The monthly rate as a fraction.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::GrowthRate;
    /// assert_eq!(GrowthRate::from_monthly(0.05)?.monthly(), 0.05);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub const fn monthly(self) -> f64 {
        self.0
    }

    /// The rate compounded over a year, `(1 + g)^12 − 1`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::GrowthRate;
    /// // 5% a month compounds to 1.05¹² − 1 ≈ 79.6% a year.
    /// assert!((GrowthRate::from_monthly(0.05)?.annual() - 0.795_856).abs() < 1e-6);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn annual(self) -> f64 {
        (1.0 + self.0).powi(12) - 1.0
    }

    /// The growth factor over `period`.
    ///
    /// # Errors
    /// [`Error::Overflow`] when the factor is too large for an `f64`; [`Error::Core`] when it
    /// underflows to zero.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::{GrowthRate, Months};
    /// let f = GrowthRate::from_monthly(0.1)?.factor_over(Months::new(2.0)?)?;
    /// assert!((f.as_f64() - 1.21).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn factor_over(self, period: Months) -> Result<Factor, Error> {
        let f = finite("growth factor", (1.0 + self.0).powf(period.0))?;
        Ok(Factor::new(f)?)
    }

    /// The load after `period` of growth.
    ///
    /// # Errors
    /// As [`GrowthRate::factor_over`], plus [`Error::Core`] when the product overflows.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::{
    ///     GrowthRate, Months, scalability_advisor_core::units::Rate,
    /// };
    /// let later = GrowthRate::from_monthly(0.1)?
    ///     .project(Rate::from_per_second(1_000.0)?, Months::new(1.0)?)?;
    /// assert!((later.as_per_second() - 1_100.0).abs() < 1e-9);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn project(self, load: Rate, period: Months) -> Result<Rate, Error> {
        Ok(load.checked_scale(self.factor_over(period)?)?)
    }
}

impl TryFrom<f64> for GrowthRate {
    type Error = Error;
    fn try_from(v: f64) -> Result<Self, Error> {
        GrowthRate::from_monthly(v)
    }
}

impl From<GrowthRate> for f64 {
    fn from(g: GrowthRate) -> f64 {
        g.0
    }
}

impl fmt::Display for GrowthRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:+.2}%/month", self.0 * 100.0)
    }
}

/// How long until a growing quantity crosses a threshold.
///
/// # Examples
/// See [`runway`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Runway {
    /// The quantity is already at or past the threshold.
    AlreadyCrossed,
    /// It never gets there: no growth, shrinking, or starting from zero.
    Never,
    /// It gets there after this long.
    After(Months),
}

impl fmt::Display for Runway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Runway::AlreadyCrossed => f.write_str("already crossed"),
            Runway::Never => f.write_str("never at this growth"),
            Runway::After(m) => write!(f, "in {m}"),
        }
    }
}

/// A quantity that can grow with load and be compared with a threshold of the same kind: a
/// rate, a utilisation, users, bytes, connections, counts, queries per request, concurrency
/// or a duration.
///
/// Implemented for the unit types of `scalability-advisor-core` and [`core::time::Duration`];
/// sealed.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::Magnitude;
/// use scalability_advisor_formulas::scalability_advisor_core::units::Users;
/// assert_eq!(Users::new(1_500).magnitude(), 1_500.0);
/// ```
pub trait Magnitude: Copy + private::Sealed {
    /// The value in its canonical unit.
    fn magnitude(self) -> f64;
}

mod private {
    pub trait Sealed {}
}

macro_rules! magnitude {
    ($($ty:ty => |$v:ident| $e:expr),* $(,)?) => {
        $(
            impl private::Sealed for $ty {}
            impl Magnitude for $ty {
                fn magnitude(self) -> f64 {
                    let $v = self;
                    $e
                }
            }
        )*
    };
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counts above 2^53 round, which a runway in months does not notice"
)]
mod impls {
    use super::{Magnitude, private};
    use core::time::Duration;
    use scalability_advisor_core::units::{
        Bytes, Concurrency, Connections, Count, QueriesPerRequest, Rate, Ratio, Users,
    };
    magnitude! {
        Ratio => |v| v.as_fraction(),
        Rate => |v| v.as_per_second(),
        Users => |v| v.get() as f64,
        Bytes => |v| v.as_bytes() as f64,
        Connections => |v| f64::from(v.get()),
        Count => |v| v.get() as f64,
        QueriesPerRequest => |v| v.as_f64(),
        Concurrency => |v| v.as_f64(),
        Duration => |v| v.as_secs_f64(),
    }
}

/// Time until a quantity that grows with load crosses `threshold`.
///
/// # Formula
/// ```text
/// t = ln(T / x₀) / ln(1 + g)
/// ```
/// x₀: the current value; T: the threshold; g: the monthly growth rate; t: months.
/// Assumes the quantity is proportional to load (utilisation of a fixed resource, traffic
/// against a fixed capacity) and that growth compounds steadily.
///
/// # Examples
/// Database CPU at 40% growing 10% a month reaches 70% in ln(1.75)/ln(1.1) ≈ 5.87 months.
/// ```
/// use scalability_advisor_formulas::scalability_advisor_core::units::{Ratio, Users};
/// use scalability_advisor_formulas::{GrowthRate, Runway, runway};
/// let pct = |p: f64| Ratio::from_percent(p).unwrap();
/// let r = runway(pct(40.0), pct(70.0), GrowthRate::from_monthly(0.10)?);
/// let Runway::After(m) = r else {
///     panic!("expected a runway")
/// };
/// assert!((m.get() - 5.871_5).abs() < 1e-3);
/// assert_eq!(
///     runway(pct(80.0), pct(70.0), GrowthRate::from_monthly(0.10)?),
///     Runway::AlreadyCrossed
/// );
/// assert_eq!(
///     runway(pct(40.0), pct(70.0), GrowthRate::ZERO),
///     Runway::Never
/// );
/// // Any quantity of the workspace's units: 8,000 users reach the 10,000 of stage 1's top.
/// assert!(matches!(
///     runway(
///         Users::new(8_000),
///         Users::new(10_000),
///         GrowthRate::from_monthly(0.10)?
///     ),
///     Runway::After(_)
/// ));
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[must_use]
pub fn runway<Q: Magnitude>(current: Q, threshold: Q, growth: GrowthRate) -> Runway {
    runway_of(current.magnitude(), threshold.magnitude(), growth)
}

fn runway_of(current: f64, threshold: f64, growth: GrowthRate) -> Runway {
    if !(current.is_finite() && threshold.is_finite()) || current < 0.0 {
        return Runway::Never;
    }
    if current >= threshold {
        return Runway::AlreadyCrossed;
    }
    if current <= 0.0 || growth.0 <= 0.0 {
        return Runway::Never;
    }
    let months = (threshold / current).ln() / growth.0.ln_1p();
    Months::new(months).map_or(Runway::Never, Runway::After)
}

/// Time until a utilisation that grows with load reaches `threshold` (see [`runway`]).
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{
///     GrowthRate, Runway, runway_utilisation, scalability_advisor_core::units::Ratio,
/// };
/// let r = runway_utilisation(
///     Ratio::from_percent(70.0)?,
///     Ratio::from_percent(70.0)?,
///     GrowthRate::from_monthly(0.05)?,
/// );
/// assert_eq!(r, Runway::AlreadyCrossed);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[must_use]
pub fn runway_utilisation(current: Ratio, threshold: Ratio, growth: GrowthRate) -> Runway {
    runway(current, threshold, growth)
}

/// Time until a growing load reaches a fixed capacity (see [`runway`]).
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{
///     GrowthRate, Runway, runway_to_capacity, scalability_advisor_core::units::Rate,
/// };
/// // 1,000 req/s doubling monthly hits 4,000 req/s in two months.
/// let r = runway_to_capacity(
///     Rate::from_per_second(1_000.0)?,
///     Rate::from_per_second(4_000.0)?,
///     GrowthRate::from_monthly(1.0)?,
/// );
/// let Runway::After(m) = r else { panic!() };
/// assert!((m.get() - 2.0).abs() < 1e-12);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[must_use]
pub fn runway_to_capacity(load: Rate, capacity: Rate, growth: GrowthRate) -> Runway {
    runway(load, capacity, growth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn guide_three_x_in_twelve_months() {
        // 3^(1/12) - 1 = 0.0958727 (hand calculation: ln 3 / 12 = 0.09155102,
        // e^0.09155102 = 1.0958727).
        let g = GrowthRate::from_factor_over(Factor::new(3.0).unwrap(), Months::new(12.0).unwrap())
            .unwrap();
        assert!((g.monthly() - 0.095_872_7).abs() < 1e-7);
        assert!((g.annual() - 2.0).abs() < 1e-9);
    }

    #[test]
    fn zero_period_is_rejected() {
        assert!(
            GrowthRate::from_factor_over(Factor::new(3.0).unwrap(), Months::new(0.0).unwrap())
                .is_err()
        );
    }

    #[test]
    fn runway_edge_cases() {
        let g = GrowthRate::from_monthly(0.1).unwrap();
        assert_eq!(runway_of(0.0, 0.7, g), Runway::Never);
        assert_eq!(
            runway_of(0.5, 0.7, GrowthRate::from_monthly(-0.1).unwrap()),
            Runway::Never
        );
        assert_eq!(runway_of(0.7, 0.7, g), Runway::AlreadyCrossed);
        assert_eq!(runway_of(f64::NAN, 0.7, g), Runway::Never);
    }

    #[test]
    fn runway_to_capacity_by_hand() {
        // 1,000 req/s against 4,000 req/s of capacity at 10% a month:
        // ln 4 / ln 1.1 = 1.386294 / 0.0953102 = 14.545 months.
        let g = GrowthRate::from_monthly(0.1).unwrap();
        let Runway::After(m) = runway_to_capacity(
            Rate::from_per_second(1_000.0).unwrap(),
            Rate::from_per_second(4_000.0).unwrap(),
            g,
        ) else {
            panic!("expected a runway")
        };
        assert!((m.get() - 14.545).abs() < 1e-3, "{m}");
        // Doubling every month: 1 -> 8 takes exactly 3 months.
        let Runway::After(m) = runway_of(1.0, 8.0, GrowthRate::from_monthly(1.0).unwrap()) else {
            panic!("expected a runway")
        };
        assert!((m.get() - 3.0).abs() < 1e-12);
        assert_eq!(
            runway_to_capacity(
                Rate::from_per_second(5_000.0).unwrap(),
                Rate::from_per_second(4_000.0).unwrap(),
                g
            ),
            Runway::AlreadyCrossed
        );
    }

    #[test]
    fn runway_without_growth_or_with_bad_numbers_is_never() {
        let g = GrowthRate::from_monthly(0.1).unwrap();
        assert_eq!(runway_of(0.5, 0.7, GrowthRate::ZERO), Runway::Never);
        assert_eq!(runway_of(-0.1, 0.7, g), Runway::Never);
        assert_eq!(runway_of(-1.0, -0.5, g), Runway::Never);
        // A negative reading is refused even when it is "above" a negative threshold.
        assert_eq!(runway_of(-0.1, -0.5, g), Runway::Never);
        assert_eq!(runway_of(0.5, f64::INFINITY, g), Runway::Never);
        assert_eq!(runway_of(0.5, f64::NAN, g), Runway::Never);
        assert_eq!(runway_of(f64::INFINITY, 0.7, g), Runway::Never);
        // Zero load at a zero threshold has crossed it already.
        assert_eq!(runway_of(0.0, 0.0, g), Runway::AlreadyCrossed);
    }

    #[test]
    fn growth_constructors_name_their_errors() {
        assert_eq!(
            GrowthRate::from_monthly(-1.0),
            Err(Error::OutOfRange {
                what: "monthly growth rate",
                value: -1.0,
                min: -1.0,
                max: f64::MAX,
            })
        );
        assert!(GrowthRate::from_monthly(f64::INFINITY).is_err());
        assert!(GrowthRate::from_monthly(-0.99).is_ok());
        // -0.0 is stored as +0.0, so it prints and compares like zero growth.
        let z = GrowthRate::from_monthly(-0.0).unwrap();
        assert!(z.monthly().is_sign_positive());
        assert_eq!(
            GrowthRate::from_factor_over(Factor::new(3.0).unwrap(), Months::new(0.0).unwrap()),
            Err(Error::OutOfRange {
                what: "growth period in months",
                value: 0.0,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            })
        );
        // Halving over two months is 1/sqrt 2 - 1 = -29.29% a month.
        let shrink =
            GrowthRate::from_factor_over(Factor::new(0.5).unwrap(), Months::new(2.0).unwrap())
                .unwrap();
        assert!((shrink.monthly() - (core::f64::consts::FRAC_1_SQRT_2 - 1.0)).abs() < 1e-12);
        assert!(Months::new(-1.0).is_err());
        assert!(Months::new(f64::NAN).is_err());
        assert!((Months::try_from(2.0).unwrap().get() - 2.0).abs() < 1e-15);
        assert!((f64::from(GrowthRate::from_monthly(0.25).unwrap()) - 0.25).abs() < 1e-15);
    }

    #[test]
    fn projection_by_hand() {
        // 1,000 req/s growing 10% a month for 2 months: 1,000 · 1.21 = 1,210 req/s.
        let g = GrowthRate::from_monthly(0.1).unwrap();
        let p = g
            .project(
                Rate::from_per_second(1_000.0).unwrap(),
                Months::new(2.0).unwrap(),
            )
            .unwrap();
        assert!((p.as_per_second() - 1_210.0).abs() < 1e-9);
        assert!((g.factor_over(Months::new(0.0).unwrap()).unwrap().as_f64() - 1.0).abs() < 1e-15);
        // 1.1^10000 overflows: an error, not infinity.
        assert!(g.factor_over(Months::new(10_000.0).unwrap()).is_err());
    }

    proptest! {
        #[test]
        fn runway_agrees_with_projection(x0 in 0.01f64..0.69, g in 0.001f64..1.0) {
            let growth = GrowthRate::from_monthly(g).unwrap();
            let Runway::After(m) = runway_of(x0, 0.7, growth) else { return Err(TestCaseError::fail("expected runway")) };
            let projected = x0 * growth.factor_over(m).unwrap().as_f64();
            prop_assert!((projected - 0.7).abs() < 1e-9);
        }

        #[test]
        fn factor_and_rate_round_trip(f in 0.01f64..1000.0, months in 0.5f64..120.0) {
            let m = Months::new(months).unwrap();
            let g = GrowthRate::from_factor_over(Factor::new(f).unwrap(), m).unwrap();
            prop_assert!((g.factor_over(m).unwrap().as_f64() / f - 1.0).abs() < 1e-9);
        }

        #[test]
        fn projection_monotone_in_growth(g1 in -0.5f64..2.0, g2 in -0.5f64..2.0, months in 0.0f64..60.0) {
            let (lo, hi) = if g1 <= g2 { (g1, g2) } else { (g2, g1) };
            let m = Months::new(months).unwrap();
            let load = Rate::from_per_second(1000.0).unwrap();
            let a = GrowthRate::from_monthly(lo).unwrap().project(load, m).unwrap();
            let b = GrowthRate::from_monthly(hi).unwrap().project(load, m).unwrap();
            prop_assert!(a <= b);
        }
    }
}
