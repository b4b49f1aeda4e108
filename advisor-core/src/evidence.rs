//! Evidence behind a verdict: which metric, what was observed, what it was compared with.

use core::fmt;
use core::time::Duration;

use crate::series::Trend;
use crate::snapshot::{Metric, Quantity, fmt_duration};
use crate::units::Ratio;

/// The comparison a piece of [`Evidence`] records.
///
/// # Examples
/// ```
/// use scalability_advisor_core::Check;
/// assert_eq!(Check::Above.to_string(), ">");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Check {
    /// Observed strictly above the threshold.
    Above,
    /// Observed at or above the threshold.
    AtLeast,
    /// Observed strictly below the threshold.
    Below,
    /// A yes/no fact that must be yes.
    IsTrue,
    /// At least `required` of the window's samples strictly above the threshold.
    SustainedAbove {
        /// Share of samples above the threshold.
        share: Ratio,
        /// Share required.
        required: Ratio,
    },
    /// A trend test over the window (see [`Trend`]); the threshold is unused.
    Degrading(TrendSummary),
    /// A flatness test over the window (see [`Trend`]), plus the threshold as a ceiling the
    /// latest value must be below.
    Plateau(TrendSummary),
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Check::Above => f.write_str(">"),
            Check::AtLeast => f.write_str(">="),
            Check::Below => f.write_str("<"),
            Check::IsTrue => f.write_str("is"),
            Check::SustainedAbove { share, required } => {
                write!(f, "> in {share} of samples (needs {required})")
            }
            Check::Degrading(t) => {
                write!(
                    f,
                    "degrading ({} over the window, p = {:.3})",
                    t.change(),
                    t.p_value / 2.0
                )
            }
            Check::Plateau(t) => {
                write!(
                    f,
                    "flat ({} over the window, p = {:.3}) and <",
                    t.change(),
                    t.p_value
                )
            }
        }
    }
}

/// The figures of a [`Trend`] that evidence keeps.
///
/// # Examples
/// ```
/// use scalability_advisor_core::TrendSummary;
/// let t = TrendSummary {
///     relative_change: 0.25,
///     p_value: 0.01,
/// };
/// assert!(t.relative_change > 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrendSummary {
    /// Change over the window relative to the median (signed; 0.25 is +25%).
    pub relative_change: f64,
    /// Two-sided p-value of "no trend".
    pub p_value: f64,
}

impl TrendSummary {
    /// The relative change as a signed percentage with one decimal, left out when it is
    /// zero (`+27%`, `-12.3%`), as every text of the workspace writes a trend's change.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::TrendSummary;
    /// let t = |relative_change| TrendSummary { relative_change, p_value: 0.01 };
    /// assert_eq!(t(0.27).change().to_string(), "+27%");
    /// assert_eq!(t(0.846).change().to_string(), "+84.6%");
    /// assert_eq!(t(-0.123).change().to_string(), "-12.3%");
    /// ```
    #[must_use]
    pub fn change(self) -> impl fmt::Display {
        SignedPercent(self.relative_change * 100.0)
    }
}

/// A signed percentage with one decimal, the decimal left out when it rounds to zero.
struct SignedPercent(f64);

impl fmt::Display for SignedPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let percent = self.0;
        if (percent * 10.0).round() % 10.0 == 0.0 {
            write!(f, "{percent:+.0}%")
        } else {
            write!(f, "{percent:+.1}%")
        }
    }
}

impl From<Trend> for TrendSummary {
    fn from(t: Trend) -> Self {
        TrendSummary {
            relative_change: t.relative_change,
            p_value: t.p_value,
        }
    }
}

/// Where an observation came from.
///
/// # Examples
/// ```
/// use scalability_advisor_core::Basis;
/// assert_eq!(Basis::Snapshot.to_string(), "snapshot");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Basis {
    /// A single snapshot value, taken as representative of its own period.
    Snapshot,
    /// A series window.
    Series {
        /// Samples in the window.
        samples: usize,
        /// Time between the window's first and last sample (serialized in seconds as `span_s`).
        #[cfg_attr(
            feature = "serde",
            serde(rename = "span_s", with = "crate::serde_ms::secs")
        )]
        span: Duration,
    },
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Basis::Snapshot => f.write_str("snapshot"),
            Basis::Series { samples, span } => {
                write!(f, "{samples} samples over ")?;
                fmt_duration(f, *span)
            }
        }
    }
}

/// One observation behind a verdict.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::{Basis, Check, Evidence, Metric, Quantity};
/// let e = Evidence {
///     metric: Metric::SlowestQueryTime,
///     observed: Quantity::Duration(Duration::from_millis(240)),
///     check: Check::Above,
///     threshold: Some(Quantity::Duration(Duration::from_millis(100))),
///     basis: Basis::Snapshot,
/// };
/// assert_eq!(
///     e.to_string(),
///     "slowest_query_time = 240 ms, test > 100 ms (snapshot)"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Evidence {
    /// The metric observed.
    pub metric: Metric,
    /// The observed value (for a series, the latest sample).
    pub observed: Quantity,
    /// The comparison made.
    pub check: Check,
    /// The level compared with, if the check has one.
    pub threshold: Option<Quantity>,
    /// Where the observation came from.
    pub basis: Basis,
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Beside the level (itself when there is none: written as `Display` writes it).
        write!(
            f,
            "{} = {}, test {}",
            self.metric,
            self.observed
                .beside(self.threshold.unwrap_or(self.observed)),
            self.check
        )?;
        if let Some(t) = self.threshold {
            write!(f, " {t}")?;
        }
        write!(f, " ({})", self.basis)
    }
}

/// Why a verdict could not be reached.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Metric, Missing, Need};
/// let m = Missing {
///     metric: Metric::P95ResponseTime,
///     need: Need::Series,
/// };
/// assert_eq!(m.to_string(), "needs a series of p95_response_time");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Missing {
    /// The metric lacking.
    pub metric: Metric,
    /// What form of it is needed.
    pub need: Need,
}

/// What form of a metric a check needs.
///
/// # Examples
/// ```
/// use scalability_advisor_core::Need;
/// assert_ne!(Need::Value, Need::Series);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Need {
    /// A snapshot value (or a series).
    Value,
    /// A series over time; a single value cannot show a trend.
    Series,
    /// A series with more samples in the window.
    MoreSamples {
        /// Samples required.
        needed: usize,
        /// Samples present.
        got: usize,
    },
    /// A usable value: the one given makes the check undefined (for example a capacity of 0).
    UsableValue,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.need {
            Need::Value => write!(f, "needs {}", self.metric),
            Need::Series => write!(f, "needs a series of {}", self.metric),
            Need::MoreSamples { needed, got } => {
                write!(
                    f,
                    "needs {needed} samples of {} in the window, has {got}",
                    self.metric
                )
            }
            Need::UsableValue => write!(f, "needs a non-zero {}", self.metric),
        }
    }
}

/// The outcome of one check: fired, not fired, or not evaluated. Never a silent "false".
///
/// A check may rest on up to two observations (for example CPU and memory); the second is in
/// `also`.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Metric, Missing, Need, Outcome};
/// let o = Outcome::NotEvaluated(Missing {
///     metric: Metric::DbCpu,
///     need: Need::Value,
/// });
/// assert!(!o.is_fired());
/// assert!(o.is_not_evaluated());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case", tag = "status"))]
pub enum Outcome {
    /// The condition holds.
    Fired {
        /// The main observation.
        evidence: Evidence,
        /// A second observation, when the condition has two parts.
        also: Option<Evidence>,
    },
    /// The condition was checked and does not hold.
    NotFired {
        /// The main observation.
        evidence: Evidence,
        /// A second observation, when the condition has two parts.
        also: Option<Evidence>,
    },
    /// The condition could not be checked.
    NotEvaluated(Missing),
}

impl Outcome {
    /// Whether the condition holds.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{History, MetricsSnapshot, Trigger, TriggerConfig};
    /// let o = Trigger::DataResidency.evaluate(
    ///     &MetricsSnapshot::default().with_data_residency_required(true),
    ///     &History::new(),
    ///     &TriggerConfig::default(),
    /// );
    /// assert!(o.is_fired());
    /// ```
    #[must_use]
    pub fn is_fired(&self) -> bool {
        matches!(self, Outcome::Fired { .. })
    }

    /// Whether the condition could not be checked.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{History, MetricsSnapshot, Trigger, TriggerConfig};
    /// let o = Trigger::DataResidency.evaluate(
    ///     &MetricsSnapshot::default(),
    ///     &History::new(),
    ///     &TriggerConfig::default(),
    /// );
    /// assert!(o.is_not_evaluated());
    /// ```
    #[must_use]
    pub fn is_not_evaluated(&self) -> bool {
        matches!(self, Outcome::NotEvaluated(_))
    }

    /// The main evidence, if the condition was checked.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     History, Metric, MetricsSnapshot, Trigger, TriggerConfig, units::Ratio,
    /// };
    /// let snap = MetricsSnapshot::default().with_db_cpu(Ratio::from_percent(82.0)?);
    /// let o =
    ///     Trigger::DbCpuSustained.evaluate(&snap, &History::new(), &TriggerConfig::default());
    /// assert_eq!(o.evidence().map(|e| e.metric), Some(Metric::DbCpu));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn evidence(&self) -> Option<&Evidence> {
        match self {
            Outcome::Fired { evidence, .. } | Outcome::NotFired { evidence, .. } => Some(evidence),
            Outcome::NotEvaluated(_) => None,
        }
    }

    pub(crate) fn decide(fired: bool, evidence: Evidence, also: Option<Evidence>) -> Outcome {
        if fired {
            Outcome::Fired { evidence, also }
        } else {
            Outcome::NotFired { evidence, also }
        }
    }

    pub(crate) fn missing(metric: Metric, need: Need) -> Outcome {
        Outcome::NotEvaluated(Missing { metric, need })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Fired { evidence, also } | Outcome::NotFired { evidence, also } => {
                f.write_str(if self.is_fired() {
                    "fired: "
                } else {
                    "not fired: "
                })?;
                evidence.fmt(f)?;
                if let Some(a) = also {
                    write!(f, "; {a}")?;
                }
                Ok(())
            }
            Outcome::NotEvaluated(m) => write!(f, "not evaluated: {m}"),
        }
    }
}
