//! Target and warning levels for the key metrics, and the health classification they imply.

use core::fmt;
use core::time::Duration;

use crate::Error;
use crate::snapshot::{Metric, MetricsSnapshot, Quantity};
use crate::units::{QueriesPerRequest, Ratio};

/// Relative difference below which a value and a level compare equal (one part in 10⁹).
///
/// Decimal inputs such as 99.99% are not exact in binary floating point; without this
/// tolerance a value typed exactly at a level could land on either side of it.
pub const LEVEL_TOLERANCE: f64 = 1e-9;

/// Which way is better for a metric.
///
/// # Examples
/// ```
/// use scalability_advisor_core::Direction;
/// assert!(Direction::LowerIsBetter.is_worse(0.9, 0.8));
/// assert!(Direction::HigherIsBetter.is_worse(0.8, 0.9));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Direction {
    /// Smaller values are healthier (latency, CPU use).
    LowerIsBetter,
    /// Larger values are healthier (cache hit rate, headroom).
    HigherIsBetter,
}

impl Direction {
    /// Whether `value` is strictly worse than `reference` in this direction.
    ///
    /// Values within [`LEVEL_TOLERANCE`] (relative) of the reference count as equal to it, so
    /// that `Ratio::from_percent(99.99)` (which rounds to 0.99989999…) equals a level of 0.9999.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Direction;
    /// assert!(Direction::LowerIsBetter.is_worse(0.9, 0.7));
    /// assert!(Direction::HigherIsBetter.is_worse(0.7, 0.9));
    /// assert!(!Direction::LowerIsBetter.is_worse(0.7, 0.7)); // equal is not worse
    /// ```
    #[must_use]
    pub fn is_worse(self, value: f64, reference: f64) -> bool {
        let tol = LEVEL_TOLERANCE * reference.abs();
        match self {
            Direction::LowerIsBetter => value > reference + tol,
            Direction::HigherIsBetter => value < reference - tol,
        }
    }

    /// "below" or "above": where a target must sit relative to its warning level.
    pub(crate) const fn target_order(self) -> &'static str {
        match self {
            Direction::LowerIsBetter => "below",
            Direction::HigherIsBetter => "above",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::LowerIsBetter => "lower-is-better",
            Direction::HigherIsBetter => "higher-is-better",
        })
    }
}

/// Where a measured value sits relative to its [`Threshold`].
///
/// Ordered from best to worst, so `max` over several gives the worst.
///
/// # Examples
/// ```
/// use scalability_advisor_core::Health;
/// assert!(Health::Unhealthy > Health::Marginal);
/// assert_eq!(Health::Marginal.to_string(), "between target and warning");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Health {
    /// On the good side of the target.
    Healthy,
    /// At or past the target, but not past the warning level.
    Marginal,
    /// Past the warning level.
    Unhealthy,
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Health::Healthy => "healthy",
            Health::Marginal => "between target and warning",
            Health::Unhealthy => "beyond warning",
        })
    }
}

/// A quantity that can be used as a threshold level.
///
/// Implemented for [`Duration`], [`Ratio`] and [`QueriesPerRequest`].
pub trait ThresholdLevel: Copy + PartialOrd + fmt::Debug + Send + Sync + 'static {
    /// The value in its canonical unit (see [`crate::UnitKind`]).
    fn canonical(self) -> f64;
    /// The value as a [`Quantity`] for evidence and reports.
    fn quantity(self) -> Quantity;
}

impl ThresholdLevel for Duration {
    fn canonical(self) -> f64 {
        self.as_secs_f64()
    }
    fn quantity(self) -> Quantity {
        Quantity::Duration(self)
    }
}

impl ThresholdLevel for Ratio {
    fn canonical(self) -> f64 {
        self.as_fraction()
    }
    fn quantity(self) -> Quantity {
        Quantity::Ratio(self)
    }
}

impl ThresholdLevel for QueriesPerRequest {
    fn canonical(self) -> f64 {
        self.as_f64()
    }
    fn quantity(self) -> Quantity {
        Quantity::QueriesPerRequest(self)
    }
}

/// A target and a warning level with a direction; the target is strictly on the better side.
///
/// For a lower-is-better metric a value is [`Health::Healthy`] when strictly below the target,
/// [`Health::Unhealthy`] when strictly above the warning level, and [`Health::Marginal`] from
/// the target up to and including the warning level (mirrored for higher-is-better).
/// This follows the guide's "< target" and "> warning" wording exactly.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::{Direction, Health, Threshold};
///
/// let p95 = Threshold::new(
///     "p95",
///     Duration::from_millis(500),
///     Duration::from_secs(1),
///     Direction::LowerIsBetter,
/// )?;
/// assert_eq!(p95.classify(Duration::from_millis(499)), Health::Healthy);
/// assert_eq!(p95.classify(Duration::from_millis(500)), Health::Marginal);
/// assert_eq!(p95.classify(Duration::from_millis(1000)), Health::Marginal);
/// assert_eq!(p95.classify(Duration::from_millis(1001)), Health::Unhealthy);
///
/// // A target on the wrong side of its warning level is rejected.
/// assert!(
///     Threshold::new(
///         "p95",
///         Duration::from_secs(2),
///         Duration::from_secs(1),
///         Direction::LowerIsBetter
///     )
///     .is_err()
/// );
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold<T> {
    target: T,
    warning: T,
    direction: Direction,
}

impl<T: ThresholdLevel> Threshold<T> {
    /// Builds a threshold; `what` names the metric in errors.
    ///
    /// # Errors
    /// [`Error::ThresholdOrder`] unless the target is strictly better than the warning level
    /// in `direction`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Direction, Threshold, units::Ratio};
    /// let hit = Threshold::new(
    ///     "cache_hit_rate",
    ///     Ratio::from_percent(90.0)?,
    ///     Ratio::from_percent(80.0)?,
    ///     Direction::HigherIsBetter,
    /// )?;
    /// assert_eq!(hit.direction(), Direction::HigherIsBetter);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn new(
        what: &'static str,
        target: T,
        warning: T,
        direction: Direction,
    ) -> Result<Self, Error> {
        if !direction.is_worse(warning.canonical(), target.canonical()) {
            return Err(Error::ThresholdOrder {
                what,
                target: target.canonical(),
                warning: warning.canonical(),
                direction,
            });
        }
        Ok(Threshold {
            target,
            warning,
            direction,
        })
    }

    /// The target level.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     Direction, Health, KeyMetric, KeyThresholds, Threshold, units::Ratio,
    /// };
    /// let cpu = Threshold::new(
    ///     "cpu",
    ///     Ratio::from_percent(70.0)?,
    ///     Ratio::from_percent(85.0)?,
    ///     Direction::LowerIsBetter,
    /// )?;
    /// assert_eq!(cpu.target().as_percent(), 70.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn target(&self) -> T {
        self.target
    }

    /// The warning level.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     Direction, Health, KeyMetric, KeyThresholds, Threshold, units::Ratio,
    /// };
    /// let cpu = Threshold::new(
    ///     "cpu",
    ///     Ratio::from_percent(70.0)?,
    ///     Ratio::from_percent(85.0)?,
    ///     Direction::LowerIsBetter,
    /// )?;
    /// assert_eq!(cpu.warning().as_percent(), 85.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn warning(&self) -> T {
        self.warning
    }

    /// Which way is better.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     Direction, Health, KeyMetric, KeyThresholds, Threshold, units::Ratio,
    /// };
    /// let hit = Threshold::new(
    ///     "hit",
    ///     Ratio::from_percent(90.0)?,
    ///     Ratio::from_percent(80.0)?,
    ///     Direction::HigherIsBetter,
    /// )?;
    /// assert_eq!(hit.direction(), Direction::HigherIsBetter);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Classifies a measured value.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     Direction, Health, KeyMetric, KeyThresholds, Threshold, units::Ratio,
    /// };
    /// let cpu = Threshold::new(
    ///     "cpu",
    ///     Ratio::from_percent(70.0)?,
    ///     Ratio::from_percent(85.0)?,
    ///     Direction::LowerIsBetter,
    /// )?;
    /// assert_eq!(cpu.classify(Ratio::from_percent(74.0)?), Health::Marginal);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn classify(&self, value: T) -> Health {
        self.classify_canonical(value.canonical())
    }

    /// Classifies a value given in the canonical unit (see [`crate::UnitKind`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     Direction, Health, KeyMetric, KeyThresholds, Threshold, units::Ratio,
    /// };
    /// let cpu = Threshold::new(
    ///     "cpu",
    ///     Ratio::from_percent(70.0)?,
    ///     Ratio::from_percent(85.0)?,
    ///     Direction::LowerIsBetter,
    /// )?;
    /// assert_eq!(cpu.classify_canonical(0.92), Health::Unhealthy);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn classify_canonical(&self, value: f64) -> Health {
        if self.direction.is_worse(value, self.warning.canonical()) {
            Health::Unhealthy
        } else if self.direction.is_worse(self.target.canonical(), value) {
            Health::Healthy
        } else {
            Health::Marginal
        }
    }
}

/// The four key metrics with target and warning levels in the guide's table.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{KeyMetric, Metric};
/// assert_eq!(KeyMetric::ServerCpu.metric(), Metric::ServerCpu);
/// assert_eq!(KeyMetric::DbPoolUsage.metric(), Metric::DbPoolUsage);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum KeyMetric {
    /// 95th-percentile response time.
    P95ResponseTime,
    /// Database queries per request.
    DbQueriesPerRequest,
    /// Application server CPU.
    ServerCpu,
    /// Database connections as a share of the pool.
    DbPoolUsage,
}

impl KeyMetric {
    /// The four key metrics, in the guide's order.
    pub const ALL: [KeyMetric; 4] = [
        KeyMetric::P95ResponseTime,
        KeyMetric::DbQueriesPerRequest,
        KeyMetric::ServerCpu,
        KeyMetric::DbPoolUsage,
    ];

    /// The snapshot metric this key metric reads.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{KeyMetric, Metric};
    /// assert_eq!(KeyMetric::P95ResponseTime.metric(), Metric::P95ResponseTime);
    /// ```
    #[must_use]
    pub const fn metric(self) -> Metric {
        match self {
            KeyMetric::P95ResponseTime => Metric::P95ResponseTime,
            KeyMetric::DbQueriesPerRequest => Metric::DbQueriesPerRequest,
            KeyMetric::ServerCpu => Metric::ServerCpu,
            KeyMetric::DbPoolUsage => Metric::DbPoolUsage,
        }
    }
}

impl fmt::Display for KeyMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.metric().name())
    }
}

/// Threshold levels for the key metrics; every field can be overridden.
///
/// [`Default`] gives the guide's key-metric table:
///
/// | metric | target | warning |
/// |---|---|---|
/// | P95 response time | < 500 ms | > 1 s |
/// | database queries per request | < 10 | > 20 |
/// | server CPU | < 70% | > 85% |
/// | database connections in use, share of pool | < 50% | > 80% |
///
/// The guide lists this table under the startup stage only; it gives no other, so these levels
/// apply to every stage unless overridden.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{
///     Direction, Health, KeyThresholds, MetricsSnapshot, Threshold, units::Ratio,
/// };
///
/// let mut t = KeyThresholds::default();
/// // A team that runs CPU hotter overrides one level.
/// t.server_cpu = Threshold::new(
///     "server_cpu",
///     Ratio::from_percent(80.0)?,
///     Ratio::from_percent(90.0)?,
///     Direction::LowerIsBetter,
/// )?;
/// let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(75.0)?);
/// assert_eq!(
///     KeyThresholds::default().assess(&snap).worst(),
///     Some(Health::Marginal)
/// );
/// assert_eq!(t.assess(&snap).worst(), Some(Health::Healthy));
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
///
/// # References
/// The guide, section "Stage 1: Startup", table "Key Metrics".
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct KeyThresholds {
    /// P95 response time levels (file key `p95_response_time_ms`, levels in milliseconds).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "p95_response_time_ms", with = "serde_levels::duration")
    )]
    pub p95_response_time: Threshold<Duration>,
    /// Database queries per request levels.
    #[cfg_attr(feature = "serde", serde(with = "serde_levels::queries"))]
    pub db_queries_per_request: Threshold<QueriesPerRequest>,
    /// Server CPU levels (fractions).
    #[cfg_attr(feature = "serde", serde(with = "serde_levels::ratio"))]
    pub server_cpu: Threshold<Ratio>,
    /// Pool usage levels (fractions of the pool).
    #[cfg_attr(feature = "serde", serde(with = "serde_levels::ratio"))]
    pub db_pool_usage: Threshold<Ratio>,
}

impl KeyThresholds {
    /// The guide's levels (see the type docs).
    pub const GUIDE: KeyThresholds = KeyThresholds {
        p95_response_time: Threshold {
            target: Duration::from_millis(500),
            warning: Duration::from_secs(1),
            direction: Direction::LowerIsBetter,
        },
        db_queries_per_request: Threshold {
            target: QueriesPerRequest::new_const(10.0),
            warning: QueriesPerRequest::new_const(20.0),
            direction: Direction::LowerIsBetter,
        },
        server_cpu: Threshold {
            target: Ratio::from_fraction_const(0.70),
            warning: Ratio::from_fraction_const(0.85),
            direction: Direction::LowerIsBetter,
        },
        db_pool_usage: Threshold {
            target: Ratio::from_fraction_const(0.50),
            warning: Ratio::from_fraction_const(0.80),
            direction: Direction::LowerIsBetter,
        },
    };

    /// The target level of `metric`, with its unit.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{KeyMetric, KeyThresholds};
    /// assert_eq!(
    ///     KeyThresholds::GUIDE
    ///         .target(KeyMetric::DbQueriesPerRequest)
    ///         .to_string(),
    ///     "10 queries/request"
    /// );
    /// ```
    #[must_use]
    pub fn target(&self, metric: KeyMetric) -> Quantity {
        match metric {
            KeyMetric::P95ResponseTime => self.p95_response_time.target.quantity(),
            KeyMetric::DbQueriesPerRequest => self.db_queries_per_request.target.quantity(),
            KeyMetric::ServerCpu => self.server_cpu.target.quantity(),
            KeyMetric::DbPoolUsage => self.db_pool_usage.target.quantity(),
        }
    }

    /// The warning level of `metric`, with its unit.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{KeyMetric, KeyThresholds};
    /// assert_eq!(
    ///     KeyThresholds::GUIDE
    ///         .warning(KeyMetric::P95ResponseTime)
    ///         .to_string(),
    ///     "1.0 s"
    /// );
    /// ```
    #[must_use]
    pub fn warning(&self, metric: KeyMetric) -> Quantity {
        match metric {
            KeyMetric::P95ResponseTime => self.p95_response_time.warning.quantity(),
            KeyMetric::DbQueriesPerRequest => self.db_queries_per_request.warning.quantity(),
            KeyMetric::ServerCpu => self.server_cpu.warning.quantity(),
            KeyMetric::DbPoolUsage => self.db_pool_usage.warning.quantity(),
        }
    }

    /// The direction of `metric`'s threshold.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Direction, KeyMetric, KeyThresholds};
    /// assert_eq!(
    ///     KeyThresholds::GUIDE.direction(KeyMetric::ServerCpu),
    ///     Direction::LowerIsBetter
    /// );
    /// ```
    #[must_use]
    pub fn direction(&self, metric: KeyMetric) -> Direction {
        match metric {
            KeyMetric::P95ResponseTime => self.p95_response_time.direction,
            KeyMetric::DbQueriesPerRequest => self.db_queries_per_request.direction,
            KeyMetric::ServerCpu => self.server_cpu.direction,
            KeyMetric::DbPoolUsage => self.db_pool_usage.direction,
        }
    }

    /// Classifies one key metric of a snapshot; `None` when it was not measured.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     Health, KeyMetric, KeyThresholds, MetricsSnapshot, units::Ratio,
    /// };
    /// let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(90.0)?);
    /// assert_eq!(
    ///     KeyThresholds::GUIDE.classify(KeyMetric::ServerCpu, &snap),
    ///     Some(Health::Unhealthy)
    /// );
    /// assert_eq!(
    ///     KeyThresholds::GUIDE.classify(KeyMetric::P95ResponseTime, &snap),
    ///     None
    /// );
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn classify(&self, metric: KeyMetric, snapshot: &MetricsSnapshot) -> Option<Health> {
        Some(match metric {
            KeyMetric::P95ResponseTime => {
                self.p95_response_time.classify(snapshot.p95_response_time?)
            }
            KeyMetric::DbQueriesPerRequest => self
                .db_queries_per_request
                .classify(snapshot.db_queries_per_request?),
            KeyMetric::ServerCpu => self.server_cpu.classify(snapshot.server_cpu?),
            KeyMetric::DbPoolUsage => self.db_pool_usage.classify(snapshot.db_pool_usage()?),
        })
    }

    /// Classifies every key metric of a snapshot (no allocation).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     Health, KeyMetric, KeyThresholds, MetricsSnapshot, units::Ratio,
    /// };
    /// let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(50.0)?);
    /// let report = KeyThresholds::default().assess(&snap);
    /// assert_eq!(
    ///     report.get(KeyMetric::ServerCpu).health,
    ///     Some(Health::Healthy)
    /// );
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn assess(&self, snapshot: &MetricsSnapshot) -> HealthReport {
        HealthReport {
            entries: [
                self.entry(KeyMetric::P95ResponseTime, snapshot),
                self.entry(KeyMetric::DbQueriesPerRequest, snapshot),
                self.entry(KeyMetric::ServerCpu, snapshot),
                self.entry(KeyMetric::DbPoolUsage, snapshot),
            ],
        }
    }
}

impl KeyThresholds {
    #[inline]
    fn entry(&self, metric: KeyMetric, snapshot: &MetricsSnapshot) -> MetricHealth {
        MetricHealth {
            metric,
            observed: snapshot.quantity(metric.metric()),
            health: self.classify(metric, snapshot),
            target: self.target(metric),
            warning: self.warning(metric),
        }
    }
}

impl Default for KeyThresholds {
    fn default() -> Self {
        KeyThresholds::GUIDE
    }
}

/// The health of one key metric, with the evidence behind it.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{KeyMetric, KeyThresholds, MetricsSnapshot};
/// let report = KeyThresholds::default().assess(&MetricsSnapshot::default());
/// let cpu = report.get(KeyMetric::ServerCpu);
/// assert_eq!(cpu.health, None); // not measured, so not judged
/// assert_eq!(cpu.target.to_string(), "70%");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MetricHealth {
    /// The key metric.
    pub metric: KeyMetric,
    /// The measured value, if any.
    pub observed: Option<Quantity>,
    /// The classification; `None` when the metric was not measured.
    pub health: Option<Health>,
    /// The target level used.
    pub target: Quantity,
    /// The warning level used.
    pub warning: Quantity,
}

impl fmt::Display for MetricHealth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.observed, self.health) {
            (Some(v), Some(h)) => {
                // Beside the level it is judged by, so that a value past the warning level
                // never reads as that level (`1.03 s`, not `1.0 s`, beyond a 1.0 s warning).
                let judged_by = match h {
                    Health::Unhealthy => self.warning,
                    Health::Healthy | Health::Marginal => self.target,
                };
                write!(
                    f,
                    "{}: {} ({h}; target {}, warning {})",
                    self.metric,
                    v.beside(judged_by),
                    self.target,
                    self.warning
                )
            }
            _ => write!(f, "{}: not measured", self.metric),
        }
    }
}

/// The health of all four key metrics.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{
///     Health, KeyThresholds, MetricsSnapshot, units::QueriesPerRequest,
/// };
/// let snap = MetricsSnapshot::default()
///     .with_db_queries_per_request(QueriesPerRequest::new(25.0)?);
/// let report = KeyThresholds::default().assess(&snap);
/// assert_eq!(report.worst(), Some(Health::Unhealthy));
/// assert_eq!(report.unmeasured().count(), 3);
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HealthReport {
    entries: [MetricHealth; 4],
}

impl HealthReport {
    /// The entry of one key metric.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{KeyMetric, KeyThresholds, MetricsSnapshot};
    /// let report = KeyThresholds::default().assess(&MetricsSnapshot::default());
    /// assert_eq!(report.get(KeyMetric::DbPoolUsage).observed, None);
    /// ```
    #[must_use]
    pub fn get(&self, metric: KeyMetric) -> &MetricHealth {
        // `entries` follows `KeyMetric::ALL`, whose order is the enum's declaration order.
        &self.entries[metric as usize]
    }

    /// All four entries, in the guide's order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{KeyThresholds, MetricsSnapshot};
    /// assert_eq!(
    ///     KeyThresholds::default()
    ///         .assess(&MetricsSnapshot::default())
    ///         .iter()
    ///         .count(),
    ///     4
    /// );
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &MetricHealth> {
        self.entries.iter()
    }

    /// The worst health among measured metrics; `None` when none was measured.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Health, KeyThresholds, MetricsSnapshot, units::Ratio};
    /// let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(75.0)?);
    /// assert_eq!(
    ///     KeyThresholds::default().assess(&snap).worst(),
    ///     Some(Health::Marginal)
    /// );
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn worst(&self) -> Option<Health> {
        self.entries.iter().filter_map(|e| e.health).max()
    }

    /// Key metrics that were not measured.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     KeyMetric, KeyThresholds, MetricsSnapshot, units::Ratio,
    /// };
    /// let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(75.0)?);
    /// assert!(
    ///     !KeyThresholds::default()
    ///         .assess(&snap)
    ///         .unmeasured()
    ///         .any(|m| m == KeyMetric::ServerCpu)
    /// );
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn unmeasured(&self) -> impl Iterator<Item = KeyMetric> + '_ {
        self.entries
            .iter()
            .filter(|e| e.health.is_none())
            .map(|e| e.metric)
    }
}

#[cfg(feature = "serde")]
mod serde_levels {
    //! Serde forms of [`Threshold`]: `{ target, warning, direction }` in the file unit of the
    //! level type, validated by [`Threshold::new`] on input.

    use super::*;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Repr {
        target: f64,
        warning: f64,
        direction: Direction,
    }

    macro_rules! levels {
        ($module:ident, $ty:ty, $what:literal, $to:expr, $from:expr) => {
            pub(super) mod $module {
                use super::*;

                pub(crate) fn serialize<S: Serializer>(
                    t: &Threshold<$ty>,
                    s: S,
                ) -> Result<S::Ok, S::Error> {
                    let to: fn($ty) -> f64 = $to;
                    Repr {
                        target: to(t.target),
                        warning: to(t.warning),
                        direction: t.direction,
                    }
                    .serialize(s)
                }

                pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
                    d: D,
                ) -> Result<Threshold<$ty>, D::Error> {
                    let from: fn(f64) -> Result<$ty, Error> = $from;
                    let r = Repr::deserialize(d)?;
                    let target = from(r.target).map_err(serde::de::Error::custom)?;
                    let warning = from(r.warning).map_err(serde::de::Error::custom)?;
                    Threshold::new($what, target, warning, r.direction)
                        .map_err(serde::de::Error::custom)
                }
            }
        };
    }

    levels!(
        duration,
        Duration,
        "p95_response_time",
        |d| d.as_secs_f64() * 1000.0,
        |ms| { crate::units::duration_from_millis("p95_response_time", ms) }
    );
    levels!(
        queries,
        QueriesPerRequest,
        "db_queries_per_request",
        QueriesPerRequest::as_f64,
        QueriesPerRequest::new
    );
    levels!(
        ratio,
        Ratio,
        "ratio threshold",
        Ratio::as_fraction,
        Ratio::from_fraction
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn health_report_iterates_in_the_guide_order() {
        let report = KeyThresholds::GUIDE.assess(&MetricsSnapshot::default());
        let metrics: Vec<KeyMetric> = report.iter().map(|e| e.metric).collect();
        assert_eq!(metrics, KeyMetric::ALL);
        for m in KeyMetric::ALL {
            assert_eq!(report.get(m).metric, m);
        }
    }

    /// A value beyond the warning level, or under the target, never reads as that level.
    /// (Expected texts by hand: 1,026.6 ms is 1.0266 s, one decimal reads 1.0, two 1.03;
    /// 69.99 % is written with its two decimals already.)
    #[test]
    fn a_key_metric_never_reads_as_the_level_it_is_judged_by() {
        let snap = MetricsSnapshot::default()
            .with_p95_response_time(Duration::from_micros(1_026_600))
            .with_server_cpu(Ratio::from_percent(69.99).unwrap());
        let report = KeyThresholds::GUIDE.assess(&snap);
        assert_eq!(
            report.get(KeyMetric::P95ResponseTime).to_string(),
            "p95_response_time: 1.03 s (beyond warning; target 500 ms, warning 1.0 s)"
        );
        assert_eq!(
            report.get(KeyMetric::ServerCpu).to_string(),
            "server_cpu: 69.99% (healthy; target 70%, warning 85%)"
        );
        let at = MetricsSnapshot::default().with_p95_response_time(Duration::from_millis(1_000));
        assert_eq!(
            KeyThresholds::GUIDE
                .assess(&at)
                .get(KeyMetric::P95ResponseTime)
                .to_string(),
            "p95_response_time: 1.0 s (between target and warning; target 500 ms, warning 1.0 s)"
        );
    }

    #[test]
    fn tolerance_is_relative_to_the_reference() {
        // 1e-9 relative: at a level of 1,000 the band is ±1e-6.
        assert!(!Direction::LowerIsBetter.is_worse(1_000.000_000_5, 1_000.0));
        assert!(Direction::LowerIsBetter.is_worse(1_000.000_01, 1_000.0));
        assert!(!Direction::HigherIsBetter.is_worse(999.999_999_5, 1_000.0));
        assert!(Direction::HigherIsBetter.is_worse(999.999_99, 1_000.0));
        // At a level of 0 there is no band: equal is not worse, anything beyond is.
        assert!(!Direction::LowerIsBetter.is_worse(0.0, 0.0));
        assert!(!Direction::HigherIsBetter.is_worse(0.0, 0.0));
        assert!(Direction::LowerIsBetter.is_worse(1e-300, 0.0));
        assert!(Direction::HigherIsBetter.is_worse(-1e-300, 0.0));
    }

    #[test]
    fn guide_levels_are_valid_thresholds() {
        let s = KeyThresholds::GUIDE;
        // Rebuilding through the validating constructor proves the constants are ordered.
        Threshold::new(
            "p95",
            s.p95_response_time.target,
            s.p95_response_time.warning,
            Direction::LowerIsBetter,
        )
        .unwrap();
        Threshold::new(
            "q",
            s.db_queries_per_request.target,
            s.db_queries_per_request.warning,
            Direction::LowerIsBetter,
        )
        .unwrap();
        Threshold::new(
            "cpu",
            s.server_cpu.target,
            s.server_cpu.warning,
            Direction::LowerIsBetter,
        )
        .unwrap();
        Threshold::new(
            "pool",
            s.db_pool_usage.target,
            s.db_pool_usage.warning,
            Direction::LowerIsBetter,
        )
        .unwrap();
    }

    #[test]
    fn guide_table_values() {
        let s = KeyThresholds::default();
        assert_eq!(s.p95_response_time.target(), Duration::from_millis(500));
        assert_eq!(s.p95_response_time.warning(), Duration::from_secs(1));
        let pct = |p| Ratio::from_percent(p).unwrap();
        assert_eq!(
            s.db_queries_per_request.target(),
            QueriesPerRequest::new(10.0).unwrap()
        );
        assert_eq!(
            s.db_queries_per_request.warning(),
            QueriesPerRequest::new(20.0).unwrap()
        );
        assert_eq!(s.server_cpu.target(), pct(70.0));
        assert_eq!(s.server_cpu.warning(), pct(85.0));
        assert_eq!(s.db_pool_usage.target(), pct(50.0));
        assert_eq!(s.db_pool_usage.warning(), pct(80.0));
        for m in KeyMetric::ALL {
            assert_eq!(s.direction(m), Direction::LowerIsBetter);
        }
    }

    #[test]
    fn classification_at_guide_boundaries() {
        #[track_caller]
        fn check(cpu_percent: f64, expected: Health) {
            let t = KeyThresholds::default();
            let snap = MetricsSnapshot::default()
                .with_server_cpu(Ratio::from_percent(cpu_percent).unwrap());
            assert_eq!(
                t.classify(KeyMetric::ServerCpu, &snap),
                Some(expected),
                "{cpu_percent}%"
            );
        }
        check(69.9, Health::Healthy);
        check(70.0, Health::Marginal);
        check(85.0, Health::Marginal);
        check(85.1, Health::Unhealthy);
    }

    #[test]
    fn higher_is_better_mirrors() {
        let t = Threshold::new(
            "hit",
            Ratio::from_fraction(0.9).unwrap(),
            Ratio::from_fraction(0.8).unwrap(),
            Direction::HigherIsBetter,
        )
        .unwrap();
        assert_eq!(
            t.classify(Ratio::from_fraction(0.95).unwrap()),
            Health::Healthy
        );
        assert_eq!(
            t.classify(Ratio::from_fraction(0.9).unwrap()),
            Health::Marginal
        );
        assert_eq!(
            t.classify(Ratio::from_fraction(0.8).unwrap()),
            Health::Marginal
        );
        assert_eq!(
            t.classify(Ratio::from_fraction(0.79).unwrap()),
            Health::Unhealthy
        );
        assert!(Threshold::new("hit", Ratio::ZERO, Ratio::ONE, Direction::HigherIsBetter).is_err());
    }

    #[test]
    fn equal_levels_are_rejected() {
        let r = Ratio::from_fraction(0.5).unwrap();
        assert!(matches!(
            Threshold::new("x", r, r, Direction::LowerIsBetter),
            Err(Error::ThresholdOrder { .. })
        ));
    }

    #[test]
    fn pool_usage_from_connections() {
        use crate::units::Connections;
        let snap = MetricsSnapshot::default()
            .with_db_connections(Connections::new(17))
            .with_db_pool_size(Connections::new(20));
        // 17 / 20 = 85% > 80% warning.
        assert_eq!(
            KeyThresholds::default().classify(KeyMetric::DbPoolUsage, &snap),
            Some(Health::Unhealthy)
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn thresholds_json_round_trip_and_validation() {
        let t = KeyThresholds::default();
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains(r#""p95_response_time_ms":{"target":500.0,"warning":1000.0,"direction":"lower_is_better"}"#), "{json}");
        assert_eq!(serde_json::from_str::<KeyThresholds>(&json).unwrap(), t);
        let partial: KeyThresholds = serde_json::from_str(
            r#"{"server_cpu":{"target":0.8,"warning":0.9,"direction":"lower_is_better"}}"#,
        )
        .unwrap();
        assert_eq!(
            partial.server_cpu.target(),
            Ratio::from_percent(80.0).unwrap()
        );
        assert_eq!(partial.p95_response_time, t.p95_response_time);
        let bad = serde_json::from_str::<KeyThresholds>(
            r#"{"server_cpu":{"target":0.9,"warning":0.8,"direction":"lower_is_better"}}"#,
        );
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("must be strictly below")
        );
    }

    proptest! {
        #[test]
        fn classification_is_consistent_with_levels(t in 0.0f64..1.0, gap in 0.001f64..1.0, v in 0.0f64..=1.0) {
            let w = (t + gap).min(1.0);
            prop_assume!(w > t);
            let th = Threshold::new("x", Ratio::from_fraction(t).unwrap(), Ratio::from_fraction(w).unwrap(), Direction::LowerIsBetter).unwrap();
            let h = th.classify(Ratio::from_fraction(v).unwrap());
            prop_assert_eq!(h == Health::Healthy, v < t);
            prop_assert_eq!(h == Health::Unhealthy, v > w);
            prop_assert_eq!(h == Health::Marginal, (t..=w).contains(&v));
        }

        #[test]
        fn classification_is_monotone(t in 0.0f64..0.5, v1 in 0.0f64..=1.0, v2 in 0.0f64..=1.0) {
            let th = Threshold::new("x", Ratio::from_fraction(t).unwrap(), Ratio::from_fraction(t + 0.3).unwrap(), Direction::LowerIsBetter).unwrap();
            let (lo, hi) = if v1 <= v2 { (v1, v2) } else { (v2, v1) };
            prop_assert!(th.classify_canonical(lo) <= th.classify_canonical(hi));
        }
    }
}
