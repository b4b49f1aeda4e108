//! The guide's "when to move to the next stage" conditions as typed, evaluable triggers.

use core::fmt;
use core::time::Duration;

use crate::Error;
use crate::evidence::{Basis, Check, Evidence, Need, Outcome};
use crate::series::{History, SeriesConfig};
use crate::snapshot::{Metric, MetricsSnapshot, Quantity};
use crate::stage::Stage;
use crate::thresholds::Direction;
use crate::units::{Count, Ratio};

/// A condition that says a system is ready for its next growth stage.
///
/// Each variant's doc gives the guide's condition and the precise reading used here; the
/// levels live in [`TriggerConfig`].
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Stage, Trigger};
/// assert_eq!(Trigger::SlowSingleQueries.from_stage(), Stage::Startup);
/// assert_eq!(
///     Trigger::ALL
///         .iter()
///         .filter(|t| t.to_stage() == Stage::Enterprise)
///         .count(),
///     4
/// );
/// ```
///
/// # References
/// The guide, the "When to Move to Stage 2/3/4" lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Trigger {
    /// 1 -> 2, "database CPU consistently above 70%": with a [`Metric::DbCpu`] series, the
    /// share of samples above [`TriggerConfig::db_cpu_level`] reaches
    /// [`SeriesConfig::consistency_share`]; without one, the snapshot value is above the level.
    DbCpuSustained,
    /// 1 -> 2, "response times degrading": a [`Metric::P95ResponseTime`] series shows a
    /// significant rising trend (see [`crate::Trend::is_degrading`]). Needs a series.
    ResponseTimesDegrading,
    /// 1 -> 2, "single queries taking more than 100 ms": [`Metric::SlowestQueryTime`] above
    /// [`TriggerConfig::slow_query_level`].
    SlowSingleQueries,
    /// 1 -> 2, "server resources maxed": server CPU or memory use at or above
    /// [`TriggerConfig::resources_maxed_level`] (either metric is enough to judge).
    ServerResourcesMaxed,
    /// 2 -> 3, "write traffic overwhelming a single primary": primary writes per second, as a
    /// share of the writes per second it can sustain, at or above
    /// [`TriggerConfig::primary_write_level`].
    PrimaryWriteSaturation,
    /// 2 -> 3, "cache hit rate plateauing despite optimisation": a [`Metric::CacheHitRate`]
    /// series is flat (see [`crate::Trend::is_plateau`]), over its window or over the
    /// window's later half ([`crate::Series::plateau_trend`]), while its latest value is below
    /// [`TriggerConfig::cache_hit_ceiling`]. Needs a series.
    CacheHitRatePlateau,
    /// 2 -> 3, "read replicas can't keep up with replication lag": replica lag consistently
    /// above [`TriggerConfig::replica_lag_level`] (series), or above it in the snapshot.
    ReplicaLagUnsustainable,
    /// 2 -> 3, "need independent scaling of components": declared by the user
    /// ([`Metric::IndependentScalingNeeded`]).
    IndependentScalingNeeded,
    /// 3 -> 4, "geographic distribution needed for latency": remote users' P95 above
    /// [`TriggerConfig::remote_latency_level`].
    RemoteUserLatency,
    /// 3 -> 4, "regulatory requirements (data residency)": declared by the user
    /// ([`Metric::DataResidencyRequired`]).
    DataResidency,
    /// 3 -> 4, "a single region can't handle failover": the availability target is at or
    /// above [`TriggerConfig::multi_region_availability`] while the system runs in one region.
    SingleRegionFailover,
    /// 3 -> 4, "global user base with latency requirements": users in at least
    /// [`TriggerConfig::global_user_regions`] regions and at least
    /// [`TriggerConfig::global_remote_share`] of them outside the serving region.
    GlobalUserBase,
}

impl Trigger {
    /// Every trigger, grouped by transition in the guide's order.
    pub const ALL: [Trigger; 12] = [
        Trigger::DbCpuSustained,
        Trigger::ResponseTimesDegrading,
        Trigger::SlowSingleQueries,
        Trigger::ServerResourcesMaxed,
        Trigger::PrimaryWriteSaturation,
        Trigger::CacheHitRatePlateau,
        Trigger::ReplicaLagUnsustainable,
        Trigger::IndependentScalingNeeded,
        Trigger::RemoteUserLatency,
        Trigger::DataResidency,
        Trigger::SingleRegionFailover,
        Trigger::GlobalUserBase,
    ];

    /// The stage the trigger moves a system out of.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Stage, Trigger};
    /// assert_eq!(Trigger::ReplicaLagUnsustainable.from_stage(), Stage::Growth);
    /// ```
    #[must_use]
    pub const fn from_stage(self) -> Stage {
        match self {
            Trigger::DbCpuSustained
            | Trigger::ResponseTimesDegrading
            | Trigger::SlowSingleQueries
            | Trigger::ServerResourcesMaxed => Stage::Startup,
            Trigger::PrimaryWriteSaturation
            | Trigger::CacheHitRatePlateau
            | Trigger::ReplicaLagUnsustainable
            | Trigger::IndependentScalingNeeded => Stage::Growth,
            Trigger::RemoteUserLatency
            | Trigger::DataResidency
            | Trigger::SingleRegionFailover
            | Trigger::GlobalUserBase => Stage::Scale,
        }
    }

    /// The stage the trigger moves a system into.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Stage, Trigger};
    /// assert_eq!(Trigger::ReplicaLagUnsustainable.to_stage(), Stage::Scale);
    /// ```
    #[must_use]
    pub const fn to_stage(self) -> Stage {
        match self.from_stage() {
            Stage::Startup => Stage::Growth,
            Stage::Growth => Stage::Scale,
            Stage::Scale | Stage::Enterprise => Stage::Enterprise,
        }
    }

    /// The `snake_case` name of the trigger.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Trigger;
    /// assert_eq!(Trigger::GlobalUserBase.name(), "global_user_base");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Trigger::DbCpuSustained => "db_cpu_sustained",
            Trigger::ResponseTimesDegrading => "response_times_degrading",
            Trigger::SlowSingleQueries => "slow_single_queries",
            Trigger::ServerResourcesMaxed => "server_resources_maxed",
            Trigger::PrimaryWriteSaturation => "primary_write_saturation",
            Trigger::CacheHitRatePlateau => "cache_hit_rate_plateau",
            Trigger::ReplicaLagUnsustainable => "replica_lag_unsustainable",
            Trigger::IndependentScalingNeeded => "independent_scaling_needed",
            Trigger::RemoteUserLatency => "remote_user_latency",
            Trigger::DataResidency => "data_residency",
            Trigger::SingleRegionFailover => "single_region_failover",
            Trigger::GlobalUserBase => "global_user_base",
        }
    }

    /// Evaluates the trigger on a snapshot and optional history.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{History, MetricsSnapshot, Trigger, TriggerConfig};
    /// let snap =
    ///     MetricsSnapshot::default().with_slowest_query_time(Duration::from_millis(240));
    /// let cfg = TriggerConfig::default();
    /// assert!(
    ///     Trigger::SlowSingleQueries
    ///         .evaluate(&snap, &History::new(), &cfg)
    ///         .is_fired()
    /// );
    /// // Nothing about response times over time: not evaluated, not "false".
    /// assert!(
    ///     Trigger::ResponseTimesDegrading
    ///         .evaluate(&snap, &History::new(), &cfg)
    ///         .is_not_evaluated()
    /// );
    /// ```
    #[must_use]
    pub fn evaluate(
        self,
        snapshot: &MetricsSnapshot,
        history: &History,
        config: &TriggerConfig,
    ) -> Outcome {
        let eval = Eval {
            snapshot,
            history,
            config,
        };
        match self {
            Trigger::DbCpuSustained => {
                eval.sustained(Metric::DbCpu, Quantity::Ratio(config.db_cpu_level))
            }
            Trigger::ResponseTimesDegrading => eval.degrading(Metric::P95ResponseTime),
            Trigger::SlowSingleQueries => eval.compare(
                Metric::SlowestQueryTime,
                Check::Above,
                Quantity::Duration(config.slow_query_level),
            ),
            Trigger::ServerResourcesMaxed => eval.resources_maxed(),
            Trigger::PrimaryWriteSaturation => eval.primary_writes(),
            Trigger::CacheHitRatePlateau => eval.plateau(
                Metric::CacheHitRate,
                Quantity::Ratio(config.cache_hit_ceiling),
            ),
            Trigger::ReplicaLagUnsustainable => eval.sustained(
                Metric::ReplicaLag,
                Quantity::Duration(config.replica_lag_level),
            ),
            Trigger::IndependentScalingNeeded => eval.flag(Metric::IndependentScalingNeeded),
            Trigger::RemoteUserLatency => eval.compare(
                Metric::RemoteUserP95,
                Check::Above,
                Quantity::Duration(config.remote_latency_level),
            ),
            Trigger::DataResidency => eval.flag(Metric::DataResidencyRequired),
            Trigger::SingleRegionFailover => eval.single_region(),
            Trigger::GlobalUserBase => eval.global_users(),
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The levels the triggers compare with; every field can be changed.
///
/// | field | default | source |
/// |---|---|---|
/// | `db_cpu_level` | 70% | guide |
/// | `slow_query_level` | 100 ms | guide |
/// | `resources_maxed_level` | 90% | ours: above the guide's 85% CPU warning level |
/// | `primary_write_level` | 80% of sustainable writes | ours, matching the guide's 80% pool warning |
/// | `cache_hit_ceiling` | 90% | ours: a flat hit rate at or above 90% is a healthy cache, not a limit |
/// | `replica_lag_level` | 5 s | ours: longer than a user waits between writing and reading back |
/// | `remote_latency_level` | 500 ms | the guide's P95 target |
/// | `multi_region_availability` | 99.99% | the guide's enterprise-checklist SLA |
/// | `global_user_regions` | 3 | ours |
/// | `global_remote_share` | 25% | ours |
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::TriggerConfig;
/// let cfg = TriggerConfig {
///     replica_lag_level: Duration::from_secs(1),
///     ..TriggerConfig::default()
/// };
/// assert_eq!(cfg.db_cpu_level.as_percent(), 70.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct TriggerConfig {
    /// Database CPU level for [`Trigger::DbCpuSustained`].
    pub db_cpu_level: Ratio,
    /// Query time level for [`Trigger::SlowSingleQueries`] (file key `slow_query_level_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "slow_query_level_ms", with = "crate::serde_ms::required")
    )]
    pub slow_query_level: Duration,
    /// CPU or memory level for [`Trigger::ServerResourcesMaxed`].
    pub resources_maxed_level: Ratio,
    /// Share of sustainable primary writes for [`Trigger::PrimaryWriteSaturation`].
    pub primary_write_level: Ratio,
    /// Hit rate below which a flat hit rate is a limit, for [`Trigger::CacheHitRatePlateau`].
    pub cache_hit_ceiling: Ratio,
    /// Lag level for [`Trigger::ReplicaLagUnsustainable`] (file key `replica_lag_level_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "replica_lag_level_ms", with = "crate::serde_ms::required")
    )]
    pub replica_lag_level: Duration,
    /// Remote P95 level for [`Trigger::RemoteUserLatency`] (file key `remote_latency_level_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "remote_latency_level_ms", with = "crate::serde_ms::required")
    )]
    pub remote_latency_level: Duration,
    /// Availability target from which one region is not enough, for
    /// [`Trigger::SingleRegionFailover`].
    pub multi_region_availability: Ratio,
    /// Regions with users for [`Trigger::GlobalUserBase`].
    pub global_user_regions: u32,
    /// Share of remote users for [`Trigger::GlobalUserBase`].
    pub global_remote_share: Ratio,
    /// How series words ("consistently", "degrading", "plateauing") are read.
    pub series: SeriesConfig,
}

impl Default for TriggerConfig {
    fn default() -> Self {
        TriggerConfig {
            db_cpu_level: Ratio::from_fraction_const(0.70),
            slow_query_level: Duration::from_millis(100),
            resources_maxed_level: Ratio::from_fraction_const(0.90),
            primary_write_level: Ratio::from_fraction_const(0.80),
            cache_hit_ceiling: Ratio::from_fraction_const(0.90),
            replica_lag_level: Duration::from_secs(5),
            remote_latency_level: Duration::from_millis(500),
            multi_region_availability: Ratio::from_fraction_const(0.9999),
            global_user_regions: 3,
            global_remote_share: Ratio::from_fraction_const(0.25),
            series: SeriesConfig::default(),
        }
    }
}

/// The outcome of one trigger.
///
/// # Examples
/// See [`TriggerReport`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TriggerResult {
    /// The trigger.
    pub trigger: Trigger,
    /// What its evaluation found.
    pub outcome: Outcome,
}

impl fmt::Display for TriggerResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} -> {}): {}",
            self.trigger,
            self.trigger.from_stage().number(),
            self.trigger.to_stage().number(),
            self.outcome
        )
    }
}

/// The outcomes of all twelve triggers (no allocation without series).
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::{
///     History, MetricsSnapshot, Stage, Trigger, TriggerConfig, TriggerReport,
///     units::Ratio,
/// };
///
/// let snap = MetricsSnapshot::default()
///     .with_db_cpu(Ratio::from_percent(82.0)?)
///     .with_slowest_query_time(Duration::from_millis(40));
/// let report = TriggerReport::evaluate(&snap, &History::new(), &TriggerConfig::default());
/// let fired: Vec<Trigger> = report.fired().map(|r| r.trigger).collect();
/// assert_eq!(fired, [Trigger::DbCpuSustained]);
/// assert!(report.any_fired_from(Stage::Startup));
/// assert_eq!(report.not_evaluated().count(), 10);
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TriggerReport {
    results: [TriggerResult; 12],
}

impl TriggerReport {
    /// Evaluates every trigger.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     History, MetricsSnapshot, Trigger, TriggerConfig, TriggerReport, units::Ratio,
    /// };
    /// let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(95.0)?);
    /// let report = TriggerReport::evaluate(&snap, &History::new(), &TriggerConfig::default());
    /// assert!(report.get(Trigger::ServerResourcesMaxed).outcome.is_fired());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn evaluate(
        snapshot: &MetricsSnapshot,
        history: &History,
        config: &TriggerConfig,
    ) -> TriggerReport {
        // An explicit array (rather than `Trigger::ALL.map`) lets the compiler build each
        // result in place; it follows `Trigger::ALL`, as a unit test checks.
        let r = |trigger: Trigger| TriggerResult {
            trigger,
            outcome: trigger.evaluate(snapshot, history, config),
        };
        TriggerReport {
            results: [
                r(Trigger::DbCpuSustained),
                r(Trigger::ResponseTimesDegrading),
                r(Trigger::SlowSingleQueries),
                r(Trigger::ServerResourcesMaxed),
                r(Trigger::PrimaryWriteSaturation),
                r(Trigger::CacheHitRatePlateau),
                r(Trigger::ReplicaLagUnsustainable),
                r(Trigger::IndependentScalingNeeded),
                r(Trigger::RemoteUserLatency),
                r(Trigger::DataResidency),
                r(Trigger::SingleRegionFailover),
                r(Trigger::GlobalUserBase),
            ],
        }
    }

    /// All results, in [`Trigger::ALL`] order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     History, MetricsSnapshot, TriggerConfig, TriggerReport,
    /// };
    /// let report = TriggerReport::evaluate(
    ///     &MetricsSnapshot::default(),
    ///     &History::new(),
    ///     &TriggerConfig::default(),
    /// );
    /// assert_eq!(report.iter().count(), 12);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &TriggerResult> {
        self.results.iter()
    }

    /// The result of one trigger.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     History, MetricsSnapshot, Trigger, TriggerConfig, TriggerReport,
    /// };
    /// let report = TriggerReport::evaluate(
    ///     &MetricsSnapshot::default(),
    ///     &History::new(),
    ///     &TriggerConfig::default(),
    /// );
    /// assert!(
    ///     report
    ///         .get(Trigger::DataResidency)
    ///         .outcome
    ///         .is_not_evaluated()
    /// );
    /// ```
    #[must_use]
    pub fn get(&self, trigger: Trigger) -> &TriggerResult {
        // `results` follows `Trigger::ALL`, which is declaration order.
        &self.results[trigger as usize]
    }

    /// Triggers that fired.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     History, MetricsSnapshot, Trigger, TriggerConfig, TriggerReport,
    /// };
    /// let snap = MetricsSnapshot::default().with_data_residency_required(true);
    /// let report = TriggerReport::evaluate(&snap, &History::new(), &TriggerConfig::default());
    /// assert_eq!(
    ///     report.fired().map(|r| r.trigger).collect::<Vec<_>>(),
    ///     [Trigger::DataResidency]
    /// );
    /// ```
    pub fn fired(&self) -> impl Iterator<Item = &TriggerResult> {
        self.results.iter().filter(|r| r.outcome.is_fired())
    }

    /// Triggers that could not be evaluated for lack of data.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     History, MetricsSnapshot, TriggerConfig, TriggerReport,
    /// };
    /// let report = TriggerReport::evaluate(
    ///     &MetricsSnapshot::default(),
    ///     &History::new(),
    ///     &TriggerConfig::default(),
    /// );
    /// assert_eq!(report.not_evaluated().count(), 12); // nothing measured, nothing guessed
    /// ```
    pub fn not_evaluated(&self) -> impl Iterator<Item = &TriggerResult> {
        self.results.iter().filter(|r| r.outcome.is_not_evaluated())
    }

    /// Whether any trigger out of `stage` fired.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     History, MetricsSnapshot, Stage, TriggerConfig, TriggerReport,
    /// };
    /// let snap = MetricsSnapshot::default().with_data_residency_required(true);
    /// let report = TriggerReport::evaluate(&snap, &History::new(), &TriggerConfig::default());
    /// assert!(report.any_fired_from(Stage::Scale));
    /// assert!(!report.any_fired_from(Stage::Startup));
    /// ```
    #[must_use]
    pub fn any_fired_from(&self, stage: Stage) -> bool {
        self.fired().any(|r| r.trigger.from_stage() == stage)
    }
}

/// Evaluation context shared by the trigger checks.
struct Eval<'a> {
    snapshot: &'a MetricsSnapshot,
    history: &'a History,
    config: &'a TriggerConfig,
}

impl Eval<'_> {
    fn observed(&self, metric: Metric) -> Option<Quantity> {
        self.snapshot.quantity(metric)
    }

    fn compare(&self, metric: Metric, check: Check, threshold: Quantity) -> Outcome {
        let Some(observed) = self.observed(metric) else {
            return Outcome::missing(metric, Need::Value);
        };
        let (v, t) = (observed.canonical(), threshold.canonical());
        let fired = match check {
            Check::AtLeast => !Direction::HigherIsBetter.is_worse(v, t),
            Check::Below => Direction::HigherIsBetter.is_worse(v, t),
            _ => Direction::LowerIsBetter.is_worse(v, t),
        };
        Outcome::decide(
            fired,
            Evidence {
                metric,
                observed,
                check,
                threshold: Some(threshold),
                basis: Basis::Snapshot,
            },
            None,
        )
    }

    fn flag(&self, metric: Metric) -> Outcome {
        let Some(observed) = self.observed(metric) else {
            return Outcome::missing(metric, Need::Value);
        };
        let fired = observed == Quantity::Flag(true);
        Outcome::decide(
            fired,
            Evidence {
                metric,
                observed,
                check: Check::IsTrue,
                threshold: Some(Quantity::Flag(true)),
                basis: Basis::Snapshot,
            },
            None,
        )
    }

    /// "Consistently above": a series if one is usable, else the snapshot value.
    fn sustained(&self, metric: Metric, threshold: Quantity) -> Outcome {
        let series_cfg = &self.config.series;
        if let Some(series) = self.history.get(metric) {
            match series.sustained(threshold.canonical(), Direction::LowerIsBetter, series_cfg) {
                Ok(v) => {
                    let latest = series.latest();
                    let Ok(observed) = Quantity::from_canonical(metric.unit(), latest.value) else {
                        return Outcome::missing(metric, Need::UsableValue);
                    };
                    let check = Check::SustainedAbove {
                        share: v.share,
                        required: series_cfg.consistency_share,
                    };
                    let basis = Basis::Series {
                        samples: v.samples,
                        span: v.span,
                    };
                    return Outcome::decide(
                        v.holds,
                        Evidence {
                            metric,
                            observed,
                            check,
                            threshold: Some(threshold),
                            basis,
                        },
                        None,
                    );
                }
                Err(Error::TooFewSamples { needed, got, .. })
                    if self.observed(metric).is_none() =>
                {
                    return Outcome::missing(metric, Need::MoreSamples { needed, got });
                }
                Err(_) => {}
            }
        }
        self.compare(metric, Check::Above, threshold)
    }

    #[expect(
        clippy::result_large_err,
        reason = "the error is the final outcome, returned at once without copying"
    )]
    fn trend_of(&self, metric: Metric) -> Result<(crate::Trend, Quantity, Basis), Outcome> {
        let Some(series) = self.history.get(metric) else {
            return Err(Outcome::missing(metric, Need::Series));
        };
        let trend = match series.trend(&self.config.series) {
            Ok(t) => t,
            Err(Error::TooFewSamples { needed, got, .. }) => {
                return Err(Outcome::missing(metric, Need::MoreSamples { needed, got }));
            }
            Err(_) => return Err(Outcome::missing(metric, Need::Series)),
        };
        let observed = Quantity::from_canonical(metric.unit(), series.latest().value)
            .map_err(|_| Outcome::missing(metric, Need::UsableValue))?;
        Ok((
            trend,
            observed,
            series_basis(series.window(self.config.series.window)),
        ))
    }

    /// As [`Self::trend_of`], for "plateauing": the trend and samples of
    /// [`crate::Series::plateau_trend`] (the window's, or its later half's).
    #[expect(
        clippy::result_large_err,
        reason = "the error is the final outcome, returned at once without copying"
    )]
    fn plateau_of(&self, metric: Metric) -> Result<(crate::Trend, Quantity, Basis), Outcome> {
        // (The window's trend, which `trend_of` checks and keeps with the series, is the
        // first `plateau_trend` reads: it is not computed again.)
        let (_, observed, _) = self.trend_of(metric)?;
        let Some(series) = self.history.get(metric) else {
            return Err(Outcome::missing(metric, Need::Series));
        };
        let (trend, read) = series
            .plateau_trend(&self.config.series)
            .map_err(|_| Outcome::missing(metric, Need::Series))?;
        Ok((trend, observed, series_basis(read)))
    }

    fn degrading(&self, metric: Metric) -> Outcome {
        match self.trend_of(metric) {
            Ok((trend, observed, basis)) => {
                let fired = trend.is_degrading(Direction::LowerIsBetter, &self.config.series);
                Outcome::decide(
                    fired,
                    Evidence {
                        metric,
                        observed,
                        check: Check::Degrading(trend.into()),
                        threshold: None,
                        basis,
                    },
                    None,
                )
            }
            Err(outcome) => outcome,
        }
    }

    fn plateau(&self, metric: Metric, ceiling: Quantity) -> Outcome {
        match self.plateau_of(metric) {
            Ok((trend, observed, basis)) => {
                let fired = trend.is_plateau(&self.config.series)
                    && Direction::HigherIsBetter
                        .is_worse(observed.canonical(), ceiling.canonical());
                Outcome::decide(
                    fired,
                    Evidence {
                        metric,
                        observed,
                        check: Check::Plateau(trend.into()),
                        threshold: Some(ceiling),
                        basis,
                    },
                    None,
                )
            }
            Err(outcome) => outcome,
        }
    }

    fn resources_maxed(&self) -> Outcome {
        let level = Quantity::Ratio(self.config.resources_maxed_level);
        let cpu = self.compare(Metric::ServerCpu, Check::AtLeast, level);
        let mem = self.compare(Metric::MemoryUsage, Check::AtLeast, level);
        match (cpu.evidence().copied(), mem.evidence().copied()) {
            (Some(c), Some(m)) => Outcome::decide(cpu.is_fired() || mem.is_fired(), c, Some(m)),
            (Some(_), None) => cpu,
            (None, Some(_)) => mem,
            (None, None) => cpu,
        }
    }

    fn primary_writes(&self) -> Outcome {
        let (Some(writes), Some(capacity)) = (
            self.snapshot.primary_write_throughput,
            self.snapshot.primary_write_capacity,
        ) else {
            let metric = if self.snapshot.primary_write_throughput.is_none() {
                Metric::PrimaryWriteThroughput
            } else {
                Metric::PrimaryWriteCapacity
            };
            return Outcome::missing(metric, Need::Value);
        };
        if capacity.as_per_second() == 0.0 {
            return Outcome::missing(Metric::PrimaryWriteCapacity, Need::UsableValue);
        }
        let share = (writes.as_per_second() / capacity.as_per_second()).min(1.0);
        let observed = Quantity::Ratio(Ratio::from_fraction(share).unwrap_or(Ratio::ONE));
        let threshold = Quantity::Ratio(self.config.primary_write_level);
        let fired =
            !Direction::HigherIsBetter.is_worse(observed.canonical(), threshold.canonical());
        let evidence = Evidence {
            metric: Metric::PrimaryWriteThroughput,
            observed,
            check: Check::AtLeast,
            threshold: Some(threshold),
            basis: Basis::Snapshot,
        };
        let also = Evidence {
            metric: Metric::PrimaryWriteCapacity,
            observed: Quantity::Rate(capacity),
            check: Check::AtLeast,
            threshold: None,
            basis: Basis::Snapshot,
        };
        Outcome::decide(fired, evidence, Some(also))
    }

    fn single_region(&self) -> Outcome {
        let target = self.compare(
            Metric::AvailabilityTarget,
            Check::AtLeast,
            Quantity::Ratio(self.config.multi_region_availability),
        );
        let Some(&target_evidence) = target.evidence() else {
            return target;
        };
        let regions = self.compare(
            Metric::DeployedRegions,
            Check::Below,
            Quantity::Count(Count::new(2)),
        );
        let Some(&regions_evidence) = regions.evidence() else {
            return regions;
        };
        Outcome::decide(
            target.is_fired() && regions.is_fired(),
            target_evidence,
            Some(regions_evidence),
        )
    }

    fn global_users(&self) -> Outcome {
        let regions = self.compare(
            Metric::UserRegions,
            Check::AtLeast,
            Quantity::Count(Count::new(u64::from(self.config.global_user_regions))),
        );
        let Some(&regions_evidence) = regions.evidence() else {
            return regions;
        };
        let remote = self.compare(
            Metric::RemoteUserShare,
            Check::AtLeast,
            Quantity::Ratio(self.config.global_remote_share),
        );
        let Some(&remote_evidence) = remote.evidence() else {
            return remote;
        };
        Outcome::decide(
            regions.is_fired() && remote.is_fired(),
            regions_evidence,
            Some(remote_evidence),
        )
    }
}

/// The basis of evidence read from `samples` of a series: how many, over what span.
fn series_basis(samples: &[crate::Sample]) -> Basis {
    let span = match (samples.first(), samples.last()) {
        (Some(a), Some(b)) => b.at.saturating_sub(a.at),
        _ => Duration::ZERO,
    };
    Basis::Series {
        samples: samples.len(),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::Series;
    use core::num::NonZeroU32;

    fn cfg() -> TriggerConfig {
        TriggerConfig::default()
    }

    fn eval(t: Trigger, snap: &MetricsSnapshot) -> Outcome {
        t.evaluate(snap, &History::new(), &cfg())
    }

    fn pct(p: f64) -> Ratio {
        Ratio::from_percent(p).unwrap()
    }

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn hourly(metric: Metric, values: &[f64]) -> History {
        core::iter::once(Series::from_values(metric, Duration::from_secs(3600), values).unwrap())
            .collect()
    }

    /// Checks one trigger against a snapshot that should fire it and one that should not.
    #[track_caller]
    fn check(t: Trigger, fires: MetricsSnapshot, quiet: MetricsSnapshot) {
        assert!(
            eval(t, &fires).is_fired(),
            "{t} should fire: {}",
            eval(t, &fires)
        );
        let q = eval(t, &quiet);
        assert!(
            matches!(q, Outcome::NotFired { .. }),
            "{t} should not fire: {q}"
        );
        let missing = eval(t, &MetricsSnapshot::default());
        assert!(missing.is_not_evaluated(), "{t} without data: {missing}");
    }

    #[test]
    fn snapshot_triggers_fire_at_guide_levels() {
        let s = MetricsSnapshot::default;
        // Seed: DB CPU consistently > 70%.
        check(
            Trigger::DbCpuSustained,
            s().with_db_cpu(pct(71.0)),
            s().with_db_cpu(pct(70.0)),
        );
        // Seed: single queries taking > 100 ms.
        check(
            Trigger::SlowSingleQueries,
            s().with_slowest_query_time(ms(101)),
            s().with_slowest_query_time(ms(100)),
        );
        check(
            Trigger::ServerResourcesMaxed,
            s().with_server_cpu(pct(96.0)),
            s().with_server_cpu(pct(80.0)),
        );
        check(
            Trigger::PrimaryWriteSaturation,
            s().with_primary_write_throughput(crate::units::Rate::from_per_second(850.0).unwrap())
                .with_primary_write_capacity(crate::units::Rate::from_per_second(1000.0).unwrap()),
            s().with_primary_write_throughput(crate::units::Rate::from_per_second(500.0).unwrap())
                .with_primary_write_capacity(crate::units::Rate::from_per_second(1000.0).unwrap()),
        );
        check(
            Trigger::ReplicaLagUnsustainable,
            s().with_replica_lag(ms(8_000)),
            s().with_replica_lag(ms(300)),
        );
        check(
            Trigger::IndependentScalingNeeded,
            s().with_independent_scaling_needed(true),
            s().with_independent_scaling_needed(false),
        );
        check(
            Trigger::RemoteUserLatency,
            s().with_remote_user_p95(ms(900)),
            s().with_remote_user_p95(ms(300)),
        );
        check(
            Trigger::DataResidency,
            s().with_data_residency_required(true),
            s().with_data_residency_required(false),
        );
        let one = NonZeroU32::new(1).unwrap();
        let three = NonZeroU32::new(3).unwrap();
        check(
            Trigger::SingleRegionFailover,
            s().with_availability_target(pct(99.99))
                .with_deployed_regions(one),
            s().with_availability_target(pct(99.9))
                .with_deployed_regions(one),
        );
        check(
            Trigger::GlobalUserBase,
            s().with_user_regions(three)
                .with_remote_user_share(pct(40.0)),
            s().with_user_regions(three)
                .with_remote_user_share(pct(10.0)),
        );
    }

    #[test]
    fn resources_maxed_uses_memory_too() {
        let snap = MetricsSnapshot::default()
            .with_server_cpu(pct(40.0))
            .with_memory_usage(pct(97.0));
        let o = eval(Trigger::ServerResourcesMaxed, &snap);
        assert!(o.is_fired());
        let Outcome::Fired {
            also: Some(also), ..
        } = o
        else {
            panic!("{o}")
        };
        assert_eq!(also.metric, Metric::MemoryUsage);
    }

    #[test]
    fn single_region_failover_needs_one_region() {
        let snap = MetricsSnapshot::default()
            .with_availability_target(pct(99.99))
            .with_deployed_regions(NonZeroU32::new(2).unwrap());
        assert!(matches!(
            eval(Trigger::SingleRegionFailover, &snap),
            Outcome::NotFired { .. }
        ));
        let no_regions = MetricsSnapshot::default().with_availability_target(pct(99.99));
        assert_eq!(
            eval(Trigger::SingleRegionFailover, &no_regions),
            Outcome::missing(Metric::DeployedRegions, Need::Value)
        );
    }

    #[test]
    fn zero_write_capacity_is_not_evaluated() {
        let snap = MetricsSnapshot::default()
            .with_primary_write_throughput(crate::units::Rate::from_per_second(10.0).unwrap())
            .with_primary_write_capacity(crate::units::Rate::ZERO);
        assert_eq!(
            eval(Trigger::PrimaryWriteSaturation, &snap),
            Outcome::missing(Metric::PrimaryWriteCapacity, Need::UsableValue)
        );
    }

    #[test]
    fn db_cpu_series_takes_precedence_over_snapshot() {
        // 3 of 8 hours above 70%: not consistent, although the latest snapshot value is high.
        let history = hourly(Metric::DbCpu, &[0.5, 0.5, 0.5, 0.5, 0.5, 0.75, 0.8, 0.9]);
        let snap = MetricsSnapshot::default().with_db_cpu(pct(90.0));
        let o = Trigger::DbCpuSustained.evaluate(&snap, &history, &cfg());
        assert!(matches!(o, Outcome::NotFired { .. }), "{o}");
        // 7 of 8 above: consistent.
        let history = hourly(Metric::DbCpu, &[0.5, 0.75, 0.8, 0.72, 0.71, 0.75, 0.8, 0.9]);
        let o = Trigger::DbCpuSustained.evaluate(&snap, &history, &cfg());
        assert!(o.is_fired(), "{o}");
        let Outcome::Fired { evidence, .. } = o else {
            unreachable!()
        };
        assert_eq!(
            evidence.basis,
            Basis::Series {
                samples: 8,
                span: Duration::from_secs(7 * 3600)
            }
        );
    }

    #[test]
    fn short_series_without_snapshot_reports_more_samples_needed() {
        let history = hourly(Metric::DbCpu, &[0.9, 0.9]);
        let o = Trigger::DbCpuSustained.evaluate(&MetricsSnapshot::default(), &history, &cfg());
        assert_eq!(
            o,
            Outcome::missing(Metric::DbCpu, Need::MoreSamples { needed: 6, got: 2 })
        );
    }

    #[test]
    fn short_series_with_snapshot_falls_back_to_the_snapshot() {
        // Two samples are too few to judge "consistently"; the snapshot's 90% is used instead.
        let history = hourly(Metric::DbCpu, &[0.9, 0.9]);
        let snap = MetricsSnapshot::default().with_db_cpu(pct(90.0));
        let o = Trigger::DbCpuSustained.evaluate(&snap, &history, &cfg());
        assert!(o.is_fired(), "{o}");
        let Outcome::Fired { evidence, .. } = o else {
            unreachable!()
        };
        assert_eq!(evidence.basis, Basis::Snapshot);
    }

    #[test]
    fn degrading_evidence_spans_the_window() {
        // 12 hourly samples: 12 samples over 11 hours.
        let rising: Vec<f64> = (0..12).map(|h| 0.4 + 0.03 * f64::from(h)).collect();
        let o = Trigger::ResponseTimesDegrading.evaluate(
            &MetricsSnapshot::default(),
            &hourly(Metric::P95ResponseTime, &rising),
            &cfg(),
        );
        let Outcome::Fired { evidence, .. } = o else {
            panic!("a 82% rise is degrading: {o}")
        };
        assert_eq!(
            evidence.basis,
            Basis::Series {
                samples: 12,
                span: Duration::from_secs(11 * 3600)
            }
        );
    }

    #[test]
    fn degrading_response_times_need_a_series() {
        let snap = MetricsSnapshot::default().with_p95_response_time(ms(900));
        assert_eq!(
            eval(Trigger::ResponseTimesDegrading, &snap),
            Outcome::missing(Metric::P95ResponseTime, Need::Series)
        );
        // P95 from 400 ms rising 30 ms an hour for 12 hours: +82% of the median, clearly significant.
        let rising: Vec<f64> = (0..12).map(|h| 0.4 + 0.03 * f64::from(h)).collect();
        let o = Trigger::ResponseTimesDegrading.evaluate(
            &snap,
            &hourly(Metric::P95ResponseTime, &rising),
            &cfg(),
        );
        assert!(o.is_fired(), "{o}");
        let steady = [
            0.41, 0.40, 0.42, 0.40, 0.41, 0.42, 0.40, 0.41, 0.40, 0.42, 0.41, 0.40,
        ];
        let o = Trigger::ResponseTimesDegrading.evaluate(
            &snap,
            &hourly(Metric::P95ResponseTime, &steady),
            &cfg(),
        );
        assert!(matches!(o, Outcome::NotFired { .. }), "{o}");
    }

    #[test]
    fn cache_plateau_below_ceiling_fires() {
        let flat = [0.72, 0.73, 0.72, 0.72, 0.73, 0.72, 0.72, 0.73];
        let o = Trigger::CacheHitRatePlateau.evaluate(
            &MetricsSnapshot::default(),
            &hourly(Metric::CacheHitRate, &flat),
            &cfg(),
        );
        assert!(o.is_fired(), "{o}");
        // Flat at 95%: a healthy cache, not a limit.
        let high = [0.95; 8];
        let o = Trigger::CacheHitRatePlateau.evaluate(
            &MetricsSnapshot::default(),
            &hourly(Metric::CacheHitRate, &high),
            &cfg(),
        );
        assert!(matches!(o, Outcome::NotFired { .. }), "{o}");
        // Still climbing from 50% to 85%: optimisation is working.
        let climbing: Vec<f64> = (0..8).map(|h| 0.5 + 0.05 * f64::from(h)).collect();
        let o = Trigger::CacheHitRatePlateau.evaluate(
            &MetricsSnapshot::default(),
            &hourly(Metric::CacheHitRate, &climbing),
            &cfg(),
        );
        assert!(matches!(o, Outcome::NotFired { .. }), "{o}");
    }

    #[test]
    fn cache_plateau_after_a_climb_reads_the_later_half() {
        // 25 hourly hit rates: a climb from 60% to 71% over the first eleven hours, then
        // 72% (within 0.1 point) to the end. The day's trend is the climb; its later half,
        // from 12 h (the midpoint of the 24 h span) to 24 h, 13 samples over 12 h, is flat:
        // the trigger fires, and its evidence gives those samples and that span.
        let values: Vec<f64> = (0..25)
            .map(|h| {
                if h < 12 {
                    0.60 + 0.01 * f64::from(h)
                } else {
                    0.72 + if h % 2 == 0 { 0.001 } else { -0.001 }
                }
            })
            .collect();
        let o = Trigger::CacheHitRatePlateau.evaluate(
            &MetricsSnapshot::default(),
            &hourly(Metric::CacheHitRate, &values),
            &cfg(),
        );
        assert!(o.is_fired(), "{o}");
        let e = o.evidence().unwrap();
        assert_eq!(
            e.basis,
            Basis::Series {
                samples: 13,
                span: Duration::from_secs(12 * 3_600),
            }
        );
    }

    #[test]
    fn transitions_cover_each_stage_step_with_four_triggers() {
        for from in [Stage::Startup, Stage::Growth, Stage::Scale] {
            let n = Trigger::ALL
                .iter()
                .filter(|t| t.from_stage() == from)
                .count();
            assert_eq!(n, 4, "{from}");
        }
        for t in Trigger::ALL {
            assert_eq!(t.from_stage().next(), Some(t.to_stage()));
        }
    }

    #[test]
    fn report_is_in_trigger_order() {
        let r = TriggerReport::evaluate(&MetricsSnapshot::default(), &History::new(), &cfg());
        for t in Trigger::ALL {
            assert_eq!(r.get(t).trigger, t);
        }
        assert_eq!(r.not_evaluated().count(), 12);
        assert_eq!(r.fired().count(), 0);
    }
}
