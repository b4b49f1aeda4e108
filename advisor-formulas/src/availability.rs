//! Availability: nines and downtime, serial and redundant composition, error budgets, and
//! multi-region patterns.

use core::fmt;
use core::time::Duration;

use scalability_advisor_core::units::Ratio;

use crate::error::Error;

/// A 365-day year, the period of the usual "nines" tables.
pub const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
/// A month as one twelfth of [`YEAR`] (730 hours).
pub const MONTH: Duration = Duration::from_secs(365 * 24 * 3600 / 12);

/// The share of time a system is up, in `0..=1`.
///
/// # Formula
/// ```text
/// nines = −log₁₀(1 − A)        downtime(T) = (1 − A) · T
/// ```
/// A: availability; T: the period (a [`MONTH`] is 730 h, a [`YEAR`] 8,760 h).
///
/// # Examples
/// Three nines allow 43.8 minutes of downtime a month and 8.76 hours a year.
/// ```
/// use scalability_advisor_formulas::Availability;
/// let a = Availability::from_nines(3.0)?;
/// assert!((a.downtime_per_month().as_secs_f64() / 60.0 - 43.8).abs() < 1e-9);
/// assert!((a.downtime_per_year().as_secs_f64() / 3600.0 - 8.76).abs() < 1e-9);
/// assert!((Availability::from_percent(99.99)?.nines() - 4.0).abs() < 1e-9);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// B. Beyer, C. Jones, J. Petoff and N. R. Murphy (eds.), *Site Reliability Engineering*,
/// O'Reilly, 2016, chapter 3 ("Embracing Risk") and appendix A (availability table).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Availability(Ratio);

impl Availability {
    /// Builds an availability from a fraction in `0..=1`.
    ///
    /// # Errors
    /// [`Error::Core`] outside `0..=1` or for NaN.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Availability;
    /// assert!(Availability::from_fraction(1.01).is_err());
    /// ```
    pub fn from_fraction(fraction: f64) -> Result<Self, Error> {
        Ok(Availability(Ratio::from_fraction(fraction)?))
    }

    /// Builds an availability from a percentage (`99.9`).
    ///
    /// # Errors
    /// [`Error::Core`] outside `0..=100` or for NaN.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Availability;
    /// assert!((Availability::from_percent(99.9)?.as_fraction() - 0.999).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn from_percent(percent: f64) -> Result<Self, Error> {
        Ok(Availability(Ratio::from_percent(percent)?))
    }

    /// Builds an availability from a number of nines (3 is 99.9%; 3.5 is 99.968%).
    ///
    /// # Errors
    /// [`Error::OutOfRange`] for negative, NaN or infinite nines.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Availability;
    /// assert!((Availability::from_nines(2.0)?.as_fraction() - 0.99).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn from_nines(nines: f64) -> Result<Self, Error> {
        let nines = crate::error::in_range("nines", nines, 0.0, f64::MAX)?;
        Availability::from_fraction(1.0 - 10f64.powf(-nines))
    }

    /// Builds the availability that allows `downtime` in `period`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] for a zero period or a downtime longer than the period.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::{Availability, MONTH};
    /// let a = Availability::from_downtime(Duration::from_secs(43 * 60 + 48), MONTH)?;
    /// assert!((a.nines() - 3.0).abs() < 1e-9);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn from_downtime(downtime: Duration, period: Duration) -> Result<Self, Error> {
        let t = period.as_secs_f64();
        if t <= 0.0 || downtime > period {
            return Err(Error::OutOfRange {
                what: "downtime",
                value: downtime.as_secs_f64(),
                min: 0.0,
                max: t,
            });
        }
        Availability::from_fraction(1.0 - downtime.as_secs_f64() / t)
    }

    /// The fraction of time up.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Availability;
    /// assert_eq!(Availability::from_fraction(0.999)?.as_fraction(), 0.999);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn as_fraction(self) -> f64 {
        self.0.as_fraction()
    }

    /// As a [`Ratio`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Availability;
    /// assert_eq!(
    ///     Availability::from_percent(99.5)?.as_ratio().as_percent(),
    ///     99.5
    /// );
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn as_ratio(self) -> Ratio {
        self.0
    }

    /// The number of nines, −log₁₀(1 − A); infinite for A = 1.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Availability;
    /// // −log₁₀(1 − 0.999) = 3.
    /// assert!((Availability::from_percent(99.9)?.nines() - 3.0).abs() < 1e-9);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn nines(self) -> f64 {
        -(1.0 - self.as_fraction()).log10()
    }

    /// Downtime allowed in `period`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_formulas::Availability;
    /// // 99.9% of a 30-day month: 0.1% of 720 h = 43.2 minutes.
    /// let d =
    ///     Availability::from_percent(99.9)?.downtime_per(Duration::from_secs(30 * 24 * 3600));
    /// assert!((d.as_secs_f64() - 43.2 * 60.0).abs() < 1e-6);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn downtime_per(self, period: Duration) -> Duration {
        period.mul_f64((1.0 - self.as_fraction()).clamp(0.0, 1.0))
    }

    /// Downtime allowed per [`MONTH`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Availability;
    /// // 99.99% of a 730-hour month: 0.01% × 730 h = 4.38 minutes.
    /// let d = Availability::from_percent(99.99)?.downtime_per_month();
    /// assert!((d.as_secs_f64() - 4.38 * 60.0).abs() < 1e-6);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn downtime_per_month(self) -> Duration {
        self.downtime_per(MONTH)
    }

    /// Downtime allowed per [`YEAR`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Availability;
    /// // 99.9% of 365 days: 0.1% × 8,760 h = 8.76 hours.
    /// let d = Availability::from_percent(99.9)?.downtime_per_year();
    /// assert!((d.as_secs_f64() - 8.76 * 3600.0).abs() < 1e-6);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn downtime_per_year(self) -> Duration {
        self.downtime_per(YEAR)
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.4}%", self.as_fraction() * 100.0)
    }
}

/// Availability of components that must all be up (in series).
///
/// # Formula
/// ```text
/// A = Π Aᵢ
/// ```
/// Assumes independent failures. Empty input gives 1 (nothing can fail).
///
/// # Examples
/// A 99.9% load balancer in front of a 99.95% database: 99.85%.
/// ```
/// use scalability_advisor_formulas::{Availability, serial};
/// let a = serial(&[
///     Availability::from_percent(99.9)?,
///     Availability::from_percent(99.95)?,
/// ]);
/// assert!((a.as_fraction() - 0.998_500_5).abs() < 1e-12);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Beyer et al. (2016), chapter 3; E. Bauer and R. Adams, *Reliability and Availability of
/// Cloud Computing*, Wiley-IEEE, 2012, chapter 3 (series and parallel availability).
#[must_use]
pub fn serial(components: &[Availability]) -> Availability {
    let a = components.iter().map(|c| c.as_fraction()).product::<f64>();
    Availability(Ratio::from_fraction(a.clamp(0.0, 1.0)).unwrap_or(Ratio::ZERO))
}

/// Availability of redundant components, any one of which suffices (in parallel).
///
/// # Formula
/// ```text
/// A = 1 − Π (1 − Aᵢ)
/// ```
/// Assumes independent failures and instant, perfect failover. Empty input gives 0.
///
/// # Examples
/// Two 99% replicas: 99.99%.
/// ```
/// use scalability_advisor_formulas::{Availability, redundant};
/// let a = redundant(&[
///     Availability::from_percent(99.0)?,
///     Availability::from_percent(99.0)?,
/// ]);
/// assert!((a.as_fraction() - 0.9999).abs() < 1e-12);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Bauer and Adams (2012), chapter 3.
#[must_use]
pub fn redundant(components: &[Availability]) -> Availability {
    let down = components
        .iter()
        .map(|c| 1.0 - c.as_fraction())
        .product::<f64>();
    Availability(Ratio::from_fraction((1.0 - down).clamp(0.0, 1.0)).unwrap_or(Ratio::ZERO))
}

/// Availability of an active-passive pair of regions.
///
/// # Formula
/// ```text
/// A = a + (1 − a) · a · f
/// ```
/// a: availability of each region; f: probability that a failover succeeds. The standby is up
/// independently of the primary; failover time is not counted (fold it into f or into a).
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{
///     Availability, active_passive, scalability_advisor_core::units::Ratio,
/// };
/// let a = active_passive(
///     Availability::from_percent(99.9)?,
///     Ratio::from_percent(90.0)?,
/// );
/// // 0.999 + 0.001 · 0.999 · 0.9 = 0.9998991.
/// assert!((a.as_fraction() - 0.999_899_1).abs() < 1e-12);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Bauer and Adams (2012), chapter 4 (redundancy with imperfect failover).
#[must_use]
pub fn active_passive(region: Availability, failover_success: Ratio) -> Availability {
    let a = region.as_fraction();
    let total = a + (1.0 - a) * a * failover_success.as_fraction();
    Availability(Ratio::from_fraction(total.clamp(0.0, 1.0)).unwrap_or(Ratio::ZERO))
}

/// Availability of `regions` active regions, any one of which can carry the load.
///
/// # Formula
/// ```text
/// A = 1 − (1 − a)ⁿ
/// ```
/// a: availability of each region; n: regions. Assumes each region has the headroom to take
/// the whole load and that failures are independent.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{Availability, active_active};
/// let a = active_active(Availability::from_percent(99.9)?, 2);
/// assert!((a.nines() - 6.0).abs() < 1e-6);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Bauer and Adams (2012), chapter 3.
#[must_use]
pub fn active_active(region: Availability, regions: u32) -> Availability {
    let down = (1.0 - region.as_fraction()).powf(f64::from(regions));
    Availability(Ratio::from_fraction((1.0 - down).clamp(0.0, 1.0)).unwrap_or(Ratio::ZERO))
}

/// An error budget over a period, and how much of it is spent.
///
/// # Examples
/// See [`error_budget`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ErrorBudget {
    /// Downtime the target allows in the period.
    pub allowed: Duration,
    /// Downtime observed so far.
    pub spent: Duration,
    /// Share of the budget left (0 when overspent).
    pub remaining: Ratio,
    /// Whether the observed downtime exceeds the budget.
    pub exhausted: bool,
}

/// The error budget of an availability target over `period`, given the downtime so far.
///
/// # Formula
/// ```text
/// budget = (1 − target) · T        remaining = max(0, 1 − spent / budget)
/// ```
///
/// # Examples
/// A 99.9% monthly target allows 43.8 minutes; 30 minutes down leaves 31.5% of it.
/// ```
/// use core::time::Duration;
/// use scalability_advisor_formulas::{Availability, MONTH, error_budget};
/// let b = error_budget(
///     Availability::from_percent(99.9)?,
///     MONTH,
///     Duration::from_secs(30 * 60),
/// );
/// assert!((b.remaining.as_fraction() - (1.0 - 30.0 / 43.8)).abs() < 1e-9);
/// assert!(!b.exhausted);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// Beyer et al. (2016), chapter 3, "Motivation for Error Budgets".
#[must_use]
pub fn error_budget(target: Availability, period: Duration, spent: Duration) -> ErrorBudget {
    let allowed = target.downtime_per(period);
    let remaining = if allowed.is_zero() {
        0.0
    } else {
        (1.0 - spent.as_secs_f64() / allowed.as_secs_f64()).clamp(0.0, 1.0)
    };
    ErrorBudget {
        allowed,
        spent,
        remaining: Ratio::from_fraction(remaining).unwrap_or(Ratio::ZERO),
        exhausted: spent > allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nines_table() {
        // Beyer et al. (2016), appendix A: 99% → 3.65 days/year; 99.99% → 52.56 minutes/year,
        // 4.38 minutes/month.
        let two = Availability::from_nines(2.0).unwrap();
        assert!((two.downtime_per_year().as_secs_f64() / 86_400.0 - 3.65).abs() < 1e-9);
        let four = Availability::from_nines(4.0).unwrap();
        assert!((four.downtime_per_year().as_secs_f64() / 60.0 - 52.56).abs() < 1e-6);
        assert!((four.downtime_per_month().as_secs_f64() / 60.0 - 4.38).abs() < 1e-6);
        assert!(
            Availability::from_fraction(1.0)
                .unwrap()
                .nines()
                .is_infinite()
        );
    }

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "the expected values are exact in binary floating point"
    )]
    fn from_downtime_inverts_the_table() {
        // Beyer et al. (2016), appendix A: 99.9% allows 43.8 minutes a month (2,628 s of
        // 2,628,000 s), so that downtime gives back three nines; half a month is 50%.
        let a = Availability::from_downtime(Duration::from_secs(2_628), MONTH).unwrap();
        assert!((a.as_fraction() - 0.999).abs() < 1e-12);
        let half = Availability::from_downtime(MONTH / 2, MONTH).unwrap();
        assert!((half.as_fraction() - 0.5).abs() < 1e-12);
        assert_eq!(
            Availability::from_downtime(MONTH, MONTH)
                .unwrap()
                .as_fraction(),
            0.0
        );
        assert_eq!(
            Availability::from_downtime(Duration::ZERO, MONTH)
                .unwrap()
                .as_fraction(),
            1.0
        );
    }

    #[test]
    fn from_downtime_names_the_bad_input() {
        assert_eq!(
            Availability::from_downtime(Duration::from_secs(10), Duration::ZERO),
            Err(Error::OutOfRange {
                what: "downtime",
                value: 10.0,
                min: 0.0,
                max: 0.0,
            })
        );
        assert_eq!(
            Availability::from_downtime(Duration::ZERO, Duration::ZERO),
            Err(Error::OutOfRange {
                what: "downtime",
                value: 0.0,
                min: 0.0,
                max: 0.0,
            })
        );
        assert_eq!(
            Availability::from_downtime(MONTH + Duration::from_secs(1), MONTH),
            Err(Error::OutOfRange {
                what: "downtime",
                value: 2_628_001.0,
                min: 0.0,
                max: 2_628_000.0,
            })
        );
    }

    #[test]
    fn compositions_match_hand_calculations() {
        let pct = |p: f64| Availability::from_percent(p).unwrap();
        // 0.999 · 0.9995 = 0.9985005.
        assert!((serial(&[pct(99.9), pct(99.95)]).as_fraction() - 0.998_500_5).abs() < 1e-12);
        // 1 − 0.01 · 0.01 = 0.9999; 1 − 0.01 · 0.02 = 0.9998.
        assert!((redundant(&[pct(99.0), pct(99.0)]).as_fraction() - 0.9999).abs() < 1e-12);
        assert!((redundant(&[pct(99.0), pct(98.0)]).as_fraction() - 0.9998).abs() < 1e-12);
        // 0.999 + 0.001 · 0.999 · 0.9 = 0.9998991.
        let ap = active_passive(pct(99.9), Ratio::from_percent(90.0).unwrap());
        assert!((ap.as_fraction() - 0.999_899_1).abs() < 1e-12);
        // A failover that never works adds nothing.
        let never = active_passive(pct(99.9), Ratio::ZERO);
        assert!((never.as_fraction() - 0.999).abs() < 1e-12);
        // 1 − 0.001² = 0.999999; 1 − 0.001³ = 0.999999999; one region is itself.
        assert!((active_active(pct(99.9), 2).as_fraction() - 0.999_999).abs() < 1e-12);
        assert!((active_active(pct(99.9), 3).as_fraction() - 0.999_999_999).abs() < 1e-12);
        assert!((active_active(pct(99.9), 1).as_fraction() - 0.999).abs() < 1e-12);
        assert!(active_active(pct(99.9), 0).as_fraction().abs() < 1e-12);
    }

    #[test]
    fn error_budget_spending() {
        let a = Availability::from_percent(99.9).unwrap();
        // 43.8 minutes allowed; 30 spent leaves 1 − 30/43.8 = 0.315068.
        let b = error_budget(a, MONTH, Duration::from_secs(30 * 60));
        assert_eq!(b.allowed, Duration::from_secs(2_628));
        assert_eq!(b.spent, Duration::from_secs(1_800));
        assert!((b.remaining.as_fraction() - (1.0 - 30.0 / 43.8)).abs() < 1e-9);
        assert!(!b.exhausted);
        // Spending exactly the budget leaves nothing but does not exceed it.
        let b = error_budget(a, MONTH, Duration::from_secs(2_628));
        assert!(b.remaining.as_fraction().abs() < 1e-12);
        assert!(!b.exhausted);
        let b = error_budget(a, MONTH, Duration::from_secs(2_629));
        assert!(b.exhausted);
        assert_eq!(b.remaining, Ratio::ZERO);
        // A 100% target has no budget: nothing remains, and any downtime exhausts it.
        let perfect = Availability::from_fraction(1.0).unwrap();
        let b = error_budget(perfect, MONTH, Duration::ZERO);
        assert_eq!(b.allowed, Duration::ZERO);
        assert_eq!(b.remaining, Ratio::ZERO);
        assert!(!b.exhausted);
        assert!(error_budget(perfect, MONTH, Duration::from_secs(1)).exhausted);
    }

    #[test]
    fn downtime_scales_with_the_period() {
        let a = Availability::from_percent(99.0).unwrap();
        assert_eq!(
            a.downtime_per(Duration::from_secs(1_000)),
            Duration::from_secs(10)
        );
        assert_eq!(a.downtime_per_year(), Duration::from_secs(315_360));
        assert_eq!(a.downtime_per_month(), Duration::from_secs(26_280));
        let perfect = Availability::from_fraction(1.0).unwrap();
        assert_eq!(perfect.downtime_per_year(), Duration::ZERO);
        let never = Availability::from_fraction(0.0).unwrap();
        assert_eq!(
            never.downtime_per(Duration::from_secs(7)),
            Duration::from_secs(7)
        );
        assert!((Availability::from_nines(3.0).unwrap().as_fraction() - 0.999).abs() < 1e-12);
        assert!((Availability::from_nines(0.0).unwrap().as_fraction()).abs() < 1e-12);
        assert!(Availability::from_nines(-1.0).is_err());
        assert!((Availability::from_percent(99.99).unwrap().nines() - 4.0).abs() < 1e-9);
    }

    #[test]
    fn empty_compositions() {
        assert!((serial(&[]).as_fraction() - 1.0).abs() < 1e-15);
        assert!(redundant(&[]).as_fraction().abs() < 1e-15);
    }

    fn avail() -> impl Strategy<Value = Availability> {
        (0.0f64..=1.0).prop_map(|a| Availability::from_fraction(a).unwrap())
    }

    proptest! {
        #[test]
        fn serial_never_above_weakest(parts in proptest::collection::vec(avail(), 1..6)) {
            let weakest = parts.iter().map(|a| a.as_fraction()).fold(1.0, f64::min);
            prop_assert!(serial(&parts).as_fraction() <= weakest + 1e-15);
        }

        #[test]
        fn redundant_never_below_strongest(parts in proptest::collection::vec(avail(), 1..6)) {
            let strongest = parts.iter().map(|a| a.as_fraction()).fold(0.0, f64::max);
            prop_assert!(redundant(&parts).as_fraction() >= strongest - 1e-15);
        }

        #[test]
        fn active_active_beats_active_passive(a in avail(), f in 0.0f64..=1.0) {
            let ap = active_passive(a, Ratio::from_fraction(f).unwrap());
            let aa = active_active(a, 2);
            prop_assert!(aa.as_fraction() >= ap.as_fraction() - 1e-15);
            prop_assert!(ap.as_fraction() >= a.as_fraction() - 1e-15);
        }

        #[test]
        fn nines_round_trip(n in 0.0f64..9.0) {
            let a = Availability::from_nines(n).unwrap();
            prop_assert!((a.nines() - n).abs() < 1e-6);
        }
    }
}
