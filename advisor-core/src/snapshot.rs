//! What a system measured at one point in time: [`MetricsSnapshot`] and the [`Metric`] names.

use core::fmt;
use core::num::NonZeroU32;
use core::time::Duration;

use crate::architecture::ComponentSet;
use crate::decision::RemedySet;
use crate::entities::{Entities, HostStats, StatementStats, TableStats};
use crate::patterns::ChecklistSet;
use crate::units::{Connections, Count, QueriesPerRequest, Rate, Ratio, Users, u64_to_f64};

/// The kind of unit a [`Metric`] is measured in, and so its canonical numeric form.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Metric, UnitKind};
/// assert_eq!(Metric::ReplicaLag.unit(), UnitKind::Duration);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum UnitKind {
    /// A share in `0..=1` ([`Ratio`]); canonical value: the fraction.
    Ratio,
    /// A time span ([`Duration`]); canonical value: seconds.
    Duration,
    /// Events per second ([`Rate`]); canonical value: per second.
    Rate,
    /// Mean queries per request ([`QueriesPerRequest`]).
    QueriesPerRequest,
    /// Database connections ([`Connections`]).
    Connections,
    /// A count of events or things ([`Count`], or a region count).
    Count,
    /// Users ([`Users`]).
    Users,
    /// A yes/no fact; canonical value: 1 for yes, 0 for no.
    Flag,
}

/// Names every signal a [`MetricsSnapshot`] can carry.
///
/// [`Metric::name`] is the `snake_case` name used by rule packs and reports; in snapshot files,
/// duration-valued metrics carry an `_ms` suffix (`p95_response_time_ms`).
///
/// # Examples
/// ```
/// use scalability_advisor_core::Metric;
/// assert_eq!(Metric::from_name("db_cpu"), Some(Metric::DbCpu));
/// assert_eq!(Metric::DbCpu.name(), "db_cpu");
/// assert_eq!(Metric::ALL.len(), 43);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Metric {
    /// Users of the system.
    Users,
    /// Regions the system is deployed in.
    DeployedRegions,
    /// Geographic regions holding a significant share of the users.
    UserRegions,
    /// 95th-percentile response time of user requests.
    P95ResponseTime,
    /// Mean database queries issued per request.
    DbQueriesPerRequest,
    /// Application server CPU utilisation (the mean over the servers).
    ServerCpu,
    /// Application server memory utilisation (over the servers taken together).
    MemoryUsage,
    /// Database connections in use.
    DbConnections,
    /// Size of the database connection pool.
    DbPoolSize,
    /// Connections in use as a share of the pool (derived from the two above).
    DbPoolUsage,
    /// Database server CPU utilisation.
    DbCpu,
    /// Mean execution time of the slowest statement (the largest mean of any statement).
    SlowestQueryTime,
    /// The slowest single execution of any statement (the worst run).
    SlowestQueryMaxTime,
    /// Time requests wait for a pooled connection.
    DbConnectionWait,
    /// Pool exhaustion events over the snapshot's period.
    DbPoolExhaustionEvents,
    /// The largest sequential-scan count of any table.
    DbMaxSeqScans,
    /// Share of query time spent waiting for locks.
    DbLockWaitShare,
    /// Deadlocks over the snapshot's period.
    DbDeadlocks,
    /// Share of table and index space that is bloat.
    DbBloatShare,
    /// Write-ahead-log write latency.
    WalWriteLatency,
    /// Share of CPU time waiting on disk I/O.
    DiskIoWait,
    /// Share of database statements that are reads (by statement count).
    DbReadShare,
    /// Share of database rows touched that were read (by rows).
    DbReadShareRows,
    /// Database transactions (commits and rollbacks) per second.
    DbTransactionRate,
    /// The database's buffer cache hit ratio: block reads served from memory.
    DbBufferHitRatio,
    /// Share of statement execution time spent reading blocks from storage.
    DbIoReadShare,
    /// Share of database queries identical to one issued shortly before.
    RepeatedQueryShare,
    /// Application cache hit rate.
    CacheHitRate,
    /// Replication lag of the slowest read replica.
    ReplicaLag,
    /// Writes per second on the primary database.
    PrimaryWriteThroughput,
    /// Writes per second the primary can sustain (from load tests or vendor figures).
    PrimaryWriteCapacity,
    /// Share of bandwidth spent on static assets (images, JS, CSS).
    StaticAssetBandwidthShare,
    /// Whether background tasks block user requests.
    BackgroundTasksBlockRequests,
    /// 95th-percentile latency of calls to external APIs.
    ExternalApiP95Latency,
    /// Share of external API calls that time out.
    ExternalApiTimeoutShare,
    /// Rate-limit responses from external APIs per second.
    ExternalApiRateLimitEvents,
    /// 95th-percentile latency between internal services.
    InterServiceP95Latency,
    /// Share of users outside the region that serves them.
    RemoteUserShare,
    /// 95th-percentile response time seen by those remote users.
    RemoteUserP95,
    /// Whether regulation requires data to stay in particular regions.
    DataResidencyRequired,
    /// The availability the system has committed to (an SLA or SLO).
    AvailabilityTarget,
    /// Whether parts of the system need to scale independently of each other.
    IndependentScalingNeeded,
    /// Memory available to the cache.
    CacheMemoryHeadroom,
}

impl Metric {
    /// Every metric, in declaration order.
    pub const ALL: [Metric; 43] = [
        Metric::Users,
        Metric::DeployedRegions,
        Metric::UserRegions,
        Metric::P95ResponseTime,
        Metric::DbQueriesPerRequest,
        Metric::ServerCpu,
        Metric::MemoryUsage,
        Metric::DbConnections,
        Metric::DbPoolSize,
        Metric::DbPoolUsage,
        Metric::DbCpu,
        Metric::SlowestQueryTime,
        Metric::SlowestQueryMaxTime,
        Metric::DbConnectionWait,
        Metric::DbPoolExhaustionEvents,
        Metric::DbMaxSeqScans,
        Metric::DbLockWaitShare,
        Metric::DbDeadlocks,
        Metric::DbBloatShare,
        Metric::WalWriteLatency,
        Metric::DiskIoWait,
        Metric::DbReadShare,
        Metric::DbReadShareRows,
        Metric::DbTransactionRate,
        Metric::DbBufferHitRatio,
        Metric::DbIoReadShare,
        Metric::RepeatedQueryShare,
        Metric::CacheHitRate,
        Metric::ReplicaLag,
        Metric::PrimaryWriteThroughput,
        Metric::PrimaryWriteCapacity,
        Metric::StaticAssetBandwidthShare,
        Metric::BackgroundTasksBlockRequests,
        Metric::ExternalApiP95Latency,
        Metric::ExternalApiTimeoutShare,
        Metric::ExternalApiRateLimitEvents,
        Metric::InterServiceP95Latency,
        Metric::RemoteUserShare,
        Metric::RemoteUserP95,
        Metric::DataResidencyRequired,
        Metric::AvailabilityTarget,
        Metric::IndependentScalingNeeded,
        Metric::CacheMemoryHeadroom,
    ];

    /// The number of metrics.
    pub const COUNT: usize = Metric::ALL.len();

    /// The metric's position in [`Metric::ALL`] (its declaration order), for array indexing.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Metric;
    /// assert_eq!(Metric::ALL[Metric::DbCpu.index()], Metric::DbCpu);
    /// ```
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The `snake_case` name of the metric.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Metric;
    /// assert_eq!(Metric::SlowestQueryTime.name(), "slowest_query_time");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Metric::Users => "users",
            Metric::DeployedRegions => "deployed_regions",
            Metric::UserRegions => "user_regions",
            Metric::P95ResponseTime => "p95_response_time",
            Metric::DbQueriesPerRequest => "db_queries_per_request",
            Metric::ServerCpu => "server_cpu",
            Metric::MemoryUsage => "memory_usage",
            Metric::DbConnections => "db_connections",
            Metric::DbPoolSize => "db_pool_size",
            Metric::DbPoolUsage => "db_pool_usage",
            Metric::DbCpu => "db_cpu",
            Metric::SlowestQueryTime => "slowest_query_time",
            Metric::SlowestQueryMaxTime => "slowest_query_max_time",
            Metric::DbConnectionWait => "db_connection_wait",
            Metric::DbPoolExhaustionEvents => "db_pool_exhaustion_events",
            Metric::DbMaxSeqScans => "db_max_seq_scans",
            Metric::DbLockWaitShare => "db_lock_wait_share",
            Metric::DbDeadlocks => "db_deadlocks",
            Metric::DbBloatShare => "db_bloat_share",
            Metric::WalWriteLatency => "wal_write_latency",
            Metric::DiskIoWait => "disk_io_wait",
            Metric::DbReadShare => "db_read_share",
            Metric::DbReadShareRows => "db_read_share_rows",
            Metric::DbTransactionRate => "db_transaction_rate",
            Metric::DbBufferHitRatio => "db_buffer_hit_ratio",
            Metric::DbIoReadShare => "db_io_read_share",
            Metric::RepeatedQueryShare => "repeated_query_share",
            Metric::CacheHitRate => "cache_hit_rate",
            Metric::ReplicaLag => "replica_lag",
            Metric::PrimaryWriteThroughput => "primary_write_throughput",
            Metric::PrimaryWriteCapacity => "primary_write_capacity",
            Metric::StaticAssetBandwidthShare => "static_asset_bandwidth_share",
            Metric::BackgroundTasksBlockRequests => "background_tasks_block_requests",
            Metric::ExternalApiP95Latency => "external_api_p95_latency",
            Metric::ExternalApiTimeoutShare => "external_api_timeout_share",
            Metric::ExternalApiRateLimitEvents => "external_api_rate_limit_events",
            Metric::InterServiceP95Latency => "inter_service_p95_latency",
            Metric::RemoteUserShare => "remote_user_share",
            Metric::RemoteUserP95 => "remote_user_p95",
            Metric::DataResidencyRequired => "data_residency_required",
            Metric::AvailabilityTarget => "availability_target",
            Metric::IndependentScalingNeeded => "independent_scaling_needed",
            Metric::CacheMemoryHeadroom => "cache_memory_headroom",
        }
    }

    /// Looks a metric up by its [`name`](Metric::name).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Metric;
    /// assert_eq!(Metric::from_name("replica_lag"), Some(Metric::ReplicaLag));
    /// assert_eq!(Metric::from_name("lag"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The component that reports the metric, for the metrics that have no value without
    /// it: replica lag without read replicas, a cache's hit rate without a cache, the
    /// latency of calls between services without services. A system that declares its
    /// architecture without that component cannot measure the metric, so asking for it is
    /// noise.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, Metric};
    /// assert_eq!(Metric::ReplicaLag.reported_by(), Some(Component::ReadReplicas));
    /// assert_eq!(Metric::CacheHitRate.reported_by(), Some(Component::Cache));
    /// assert_eq!(
    ///     Metric::InterServiceP95Latency.reported_by(),
    ///     Some(Component::Microservices)
    /// );
    /// assert_eq!(Metric::DbCpu.reported_by(), None);
    /// ```
    #[must_use]
    pub const fn reported_by(self) -> Option<crate::Component> {
        match self {
            Metric::ReplicaLag => Some(crate::Component::ReadReplicas),
            Metric::CacheHitRate => Some(crate::Component::Cache),
            Metric::InterServiceP95Latency => Some(crate::Component::Microservices),
            _ => None,
        }
    }

    /// The kind of unit the metric is measured in.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Metric, UnitKind};
    /// assert_eq!(Metric::DbCpu.unit(), UnitKind::Ratio);
    /// assert_eq!(Metric::DataResidencyRequired.unit(), UnitKind::Flag);
    /// ```
    #[must_use]
    pub const fn unit(self) -> UnitKind {
        match self {
            Metric::Users => UnitKind::Users,
            Metric::DeployedRegions
            | Metric::UserRegions
            | Metric::DbPoolExhaustionEvents
            | Metric::DbMaxSeqScans
            | Metric::DbDeadlocks => UnitKind::Count,
            Metric::P95ResponseTime
            | Metric::SlowestQueryTime
            | Metric::SlowestQueryMaxTime
            | Metric::DbConnectionWait
            | Metric::WalWriteLatency
            | Metric::ReplicaLag
            | Metric::ExternalApiP95Latency
            | Metric::InterServiceP95Latency
            | Metric::RemoteUserP95 => UnitKind::Duration,
            Metric::DbQueriesPerRequest => UnitKind::QueriesPerRequest,
            Metric::DbConnections | Metric::DbPoolSize => UnitKind::Connections,
            Metric::ServerCpu
            | Metric::MemoryUsage
            | Metric::DbPoolUsage
            | Metric::DbCpu
            | Metric::DbLockWaitShare
            | Metric::DbBloatShare
            | Metric::DiskIoWait
            | Metric::DbReadShare
            | Metric::DbReadShareRows
            | Metric::DbBufferHitRatio
            | Metric::DbIoReadShare
            | Metric::RepeatedQueryShare
            | Metric::CacheHitRate
            | Metric::StaticAssetBandwidthShare
            | Metric::ExternalApiTimeoutShare
            | Metric::RemoteUserShare
            | Metric::AvailabilityTarget
            | Metric::CacheMemoryHeadroom => UnitKind::Ratio,
            Metric::PrimaryWriteThroughput
            | Metric::PrimaryWriteCapacity
            | Metric::ExternalApiRateLimitEvents
            | Metric::DbTransactionRate => UnitKind::Rate,
            Metric::BackgroundTasksBlockRequests
            | Metric::DataResidencyRequired
            | Metric::IndependentScalingNeeded => UnitKind::Flag,
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A measured value of any metric, with its unit, for evidence and reports.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::Quantity;
/// assert_eq!(
///     Quantity::Duration(Duration::from_millis(850)).to_string(),
///     "850 ms"
/// );
/// assert_eq!(
///     Quantity::Duration(Duration::from_millis(850)).canonical(),
///     0.85
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Quantity {
    /// A share.
    Ratio(Ratio),
    /// A time span (serialized in milliseconds).
    Duration(#[cfg_attr(feature = "serde", serde(with = "crate::serde_ms::required"))] Duration),
    /// Events per second.
    Rate(Rate),
    /// Mean queries per request.
    QueriesPerRequest(QueriesPerRequest),
    /// Connections.
    Connections(Connections),
    /// A count.
    Count(Count),
    /// Users.
    Users(Users),
    /// A yes/no fact.
    Flag(bool),
}

impl Quantity {
    /// Builds a quantity of `unit` from a value in its canonical unit (see [`UnitKind`]).
    ///
    /// Counts, users and connections are rounded to the nearest whole number.
    ///
    /// # Errors
    /// The unit's validation errors: [`crate::Error::NotFinite`], [`crate::Error::Negative`],
    /// [`crate::Error::OutOfRange`] (ratios outside `0..=1`, flags other than 0 or 1, counts
    /// beyond their integer type).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Quantity, UnitKind};
    /// assert_eq!(
    ///     Quantity::from_canonical(UnitKind::Ratio, 0.7)?.to_string(),
    ///     "70%"
    /// );
    /// assert!(Quantity::from_canonical(UnitKind::Ratio, 7.0).is_err());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn from_canonical(unit: UnitKind, value: f64) -> Result<Quantity, crate::Error> {
        Ok(match unit {
            UnitKind::Ratio => Quantity::Ratio(FromCanonical::from_canonical(value)?),
            UnitKind::Duration => Quantity::Duration(FromCanonical::from_canonical(value)?),
            UnitKind::Rate => Quantity::Rate(FromCanonical::from_canonical(value)?),
            UnitKind::QueriesPerRequest => {
                Quantity::QueriesPerRequest(FromCanonical::from_canonical(value)?)
            }
            UnitKind::Connections => Quantity::Connections(FromCanonical::from_canonical(value)?),
            UnitKind::Count => Quantity::Count(FromCanonical::from_canonical(value)?),
            UnitKind::Users => Quantity::Users(FromCanonical::from_canonical(value)?),
            UnitKind::Flag => Quantity::Flag(FromCanonical::from_canonical(value)?),
        })
    }

    /// The value in its canonical unit as a float (see [`UnitKind`]).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Quantity, units::Ratio};
    /// assert_eq!(
    ///     Quantity::Duration(Duration::from_millis(250)).canonical(),
    ///     0.25
    /// );
    /// assert_eq!(Quantity::Ratio(Ratio::from_percent(40.0)?).canonical(), 0.4);
    /// assert_eq!(Quantity::Flag(true).canonical(), 1.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn canonical(self) -> f64 {
        match self {
            Quantity::Ratio(r) => r.as_fraction(),
            Quantity::Duration(d) => d.as_secs_f64(),
            Quantity::Rate(r) => r.as_per_second(),
            Quantity::QueriesPerRequest(q) => q.as_f64(),
            Quantity::Connections(c) => f64::from(c.get()),
            Quantity::Count(c) => u64_to_f64(c.get()),
            Quantity::Users(u) => u64_to_f64(u.get()),
            Quantity::Flag(b) => {
                if b {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quantity::Ratio(r) => r.fmt(f),
            Quantity::Duration(d) => fmt_duration(f, *d),
            Quantity::Rate(r) => r.fmt(f),
            Quantity::QueriesPerRequest(q) => q.fmt(f),
            Quantity::Connections(c) => c.fmt(f),
            Quantity::Count(c) => c.fmt(f),
            Quantity::Users(u) => u.fmt(f),
            Quantity::Flag(b) => f.write_str(if *b { "yes" } else { "no" }),
        }
    }
}

/// Writes a duration in the most readable unit: `850 ms`, `2.5 s`, `3.0 h`.
pub(crate) fn fmt_duration(f: &mut fmt::Formatter<'_>, d: Duration) -> fmt::Result {
    let secs = d.as_secs_f64();
    if secs < 1.0 {
        let ms = secs * 1000.0;
        if let Some(whole) = whole_millis(ms) {
            write!(f, "{whole} ms")
        } else {
            write!(f, "{ms:.1} ms")
        }
    } else if secs < 120.0 {
        write!(f, "{secs:.1} s")
    } else if secs < 7200.0 {
        write!(f, "{:.1} min", secs / 60.0)
    } else if secs < 172_800.0 {
        write!(f, "{:.1} h", secs / 3600.0)
    } else {
        write!(f, "{:.1} d", secs / 86_400.0)
    }
}

/// `ms` (in 0..1000) as the whole number of milliseconds it is, to within 1e-6 ms (durations
/// are whole nanoseconds read through a float); `None` when it has a fraction.
///
/// Nowhere near a rounding tie, so the integer is what `{ms:.0}` writes, at a fraction of
/// the cost.
fn whole_millis(ms: f64) -> Option<u32> {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "0 <= ms < 1000, rounded"
    )]
    ((ms - ms.round()).abs() < 1e-6).then(|| ms.round() as u32)
}

/// Everything measured about a system at one point in time; every signal is optional because
/// real data is partial.
///
/// Each field's type has validated its value, so a snapshot is always internally valid.
/// Missing fields are never read as zero: whatever depends on them reports "not evaluated".
/// Build one with struct-update syntax from [`Default`], with the `with_*` setters, or (feature
/// `serde`) from a file: keys are the field names, durations end in `_ms` and are milliseconds,
/// ratios are fractions (`0.85`) or percentages in strings (`"85%"`), unknown keys are
/// rejected.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::{
///     Metric, MetricsSnapshot,
///     units::{Ratio, Users},
/// };
///
/// let snap = MetricsSnapshot {
///     users: Some(Users::new(40_000)),
///     p95_response_time: Some(Duration::from_millis(620)),
///     db_cpu: Some(Ratio::from_percent(74.0)?),
///     ..MetricsSnapshot::default()
/// };
/// assert_eq!(snap.value(Metric::DbCpu), Some(0.74));
/// assert_eq!(snap.value(Metric::CacheHitRate), None);
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(remote = "Self", default, deny_unknown_fields)
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MetricsSnapshot {
    /// Users of the system (see [`Metric::Users`]).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub users: Option<Users>,
    /// Regions the system is deployed in.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub deployed_regions: Option<NonZeroU32>,
    /// Geographic regions holding a significant share of users.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub user_regions: Option<NonZeroU32>,
    /// The architecture already in place; empty when nothing was declared.
    #[cfg_attr(
        feature = "serde",
        serde(skip_serializing_if = "ComponentSet::is_empty_ref")
    )]
    pub architecture: ComponentSet,
    /// Remedies of the decision matrix already carried out (file key `tried`, a list of
    /// names such as `["add_indexes", "vertical_scale"]`); see [`crate::Symptom::position`].
    #[cfg_attr(
        feature = "serde",
        serde(skip_serializing_if = "RemedySet::is_empty_ref")
    )]
    pub tried: RemedySet,
    /// Checklist practices in place (file key `practices`, a list of names such as
    /// `["stateless_app_servers", "disaster_recovery_tested"]`); see
    /// [`crate::patterns::ChecklistItem::status`].
    #[cfg_attr(
        feature = "serde",
        serde(skip_serializing_if = "ChecklistSet::is_empty_ref")
    )]
    pub practices: ChecklistSet,

    /// 95th-percentile response time of user requests (file key `p95_response_time_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "p95_response_time_ms",
            with = "crate::serde_ms",
            skip_serializing_if = "Option::is_none"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub p95_response_time: Option<Duration>,
    /// Mean database queries per request.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_queries_per_request: Option<QueriesPerRequest>,
    /// Application server CPU utilisation: with several servers, the mean over all of them
    /// (as the Prometheus collector reads it); one server's own figure goes in
    /// [`hosts`](Self::hosts).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub server_cpu: Option<Ratio>,
    /// Application server memory utilisation: with several servers, the share used of
    /// their memory taken together (as the Prometheus collector reads it); one server's own
    /// figure goes in [`hosts`](Self::hosts).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub memory_usage: Option<Ratio>,

    /// Database connections in use (at peak over the snapshot's period).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_connections: Option<Connections>,
    /// Size of the database connection pool.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_pool_size: Option<Connections>,
    /// Connection-pool use as the pool itself reports it, a share of the pool (file key
    /// `db_pool_usage`), for collectors that read a gauge such as HikariCP's or PgBouncer's
    /// rather than two counts. When set it is what [`MetricsSnapshot::db_pool_usage`]
    /// reports; otherwise that is derived from `db_connections` and `db_pool_size`.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "db_pool_usage", skip_serializing_if = "Option::is_none")
    )]
    pub db_pool_usage_reported: Option<Ratio>,
    /// Database server CPU utilisation.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_cpu: Option<Ratio>,
    /// Mean execution time of the slowest statement, the largest `mean_exec_time` in
    /// PostgreSQL's `pg_stat_statements` (file key `slowest_query_time_ms`). The worst single
    /// run is [`MetricsSnapshot::slowest_query_max_time`].
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "slowest_query_time_ms",
            with = "crate::serde_ms",
            skip_serializing_if = "Option::is_none"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub slowest_query_time: Option<Duration>,
    /// The slowest single execution of any statement, the largest `max_exec_time` (file key
    /// `slowest_query_max_time_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "slowest_query_max_time_ms",
            with = "crate::serde_ms",
            skip_serializing_if = "Option::is_none"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub slowest_query_max_time: Option<Duration>,
    /// Time requests wait for a pooled connection (file key `db_connection_wait_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "db_connection_wait_ms",
            with = "crate::serde_ms",
            skip_serializing_if = "Option::is_none"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub db_connection_wait: Option<Duration>,
    /// Pool exhaustion events over the snapshot's period.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_pool_exhaustion_events: Option<Count>,
    /// The largest sequential-scan count of any table (`pg_stat_user_tables.seq_scan`).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_max_seq_scans: Option<Count>,
    /// Share of query time spent waiting for locks.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_lock_wait_share: Option<Ratio>,
    /// Deadlocks over the snapshot's period (PostgreSQL `pg_stat_database.deadlocks`, the
    /// difference of two samples).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_deadlocks: Option<Count>,
    /// Share of table and index space that is bloat.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_bloat_share: Option<Ratio>,
    /// Write-ahead-log write latency (file key `wal_write_latency_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "wal_write_latency_ms",
            with = "crate::serde_ms",
            skip_serializing_if = "Option::is_none"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub wal_write_latency: Option<Duration>,
    /// Share of CPU time waiting on disk I/O.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub disk_io_wait: Option<Ratio>,
    /// Share of database statements that are reads, counted by statements (calls of
    /// `SELECT` statements over all calls in `pg_stat_statements`). This is the read share
    /// the read-replica advice uses: replicas take statements, and one large scan must not
    /// make a write-heavy database look read-heavy.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_read_share: Option<Ratio>,
    /// Share of rows touched that were read, counted by rows (rows returned and fetched over
    /// those plus rows inserted, updated and deleted, `pg_stat_database`). Shown for
    /// context; one sequential scan can push it near 100%.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_read_share_rows: Option<Ratio>,
    /// Transactions per second, commits and rollbacks (`xact_commit + xact_rollback` over
    /// the period).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_transaction_rate: Option<Rate>,
    /// The database's buffer cache hit ratio, `blks_hit / (blks_hit + blks_read)` in
    /// PostgreSQL's `pg_stat_database`: block reads served from shared buffers. Not the
    /// application cache ([`MetricsSnapshot::cache_hit_rate`]); it has its own thresholds.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_buffer_hit_ratio: Option<Ratio>,
    /// Share of statement execution time spent reading blocks from storage
    /// (`blk_read_time` over execution time; needs `track_io_timing`).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub db_io_read_share: Option<Ratio>,
    /// Share of queries identical to one issued shortly before (a cache would have served them).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub repeated_query_share: Option<Ratio>,

    /// Application cache hit rate.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub cache_hit_rate: Option<Ratio>,
    /// Share of the cache's memory still free.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub cache_memory_headroom: Option<Ratio>,
    /// Replication lag of the slowest read replica (file key `replica_lag_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "replica_lag_ms",
            with = "crate::serde_ms",
            skip_serializing_if = "Option::is_none"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub replica_lag: Option<Duration>,
    /// Writes per second on the primary database.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub primary_write_throughput: Option<Rate>,
    /// Writes per second the primary can sustain.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub primary_write_capacity: Option<Rate>,

    /// Share of bandwidth spent on static assets.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub static_asset_bandwidth_share: Option<Ratio>,
    /// Whether background tasks block user requests.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub background_tasks_block_requests: Option<bool>,

    /// 95th-percentile latency of external API calls (file key `external_api_p95_latency_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "external_api_p95_latency_ms",
            with = "crate::serde_ms",
            skip_serializing_if = "Option::is_none"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub external_api_p95_latency: Option<Duration>,
    /// Share of external API calls that time out.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub external_api_timeout_share: Option<Ratio>,
    /// Rate-limit responses from external APIs, per second.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub external_api_rate_limit_events: Option<Rate>,
    /// 95th-percentile latency between internal services (file key `inter_service_p95_latency_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "inter_service_p95_latency_ms",
            with = "crate::serde_ms",
            skip_serializing_if = "Option::is_none"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub inter_service_p95_latency: Option<Duration>,

    /// Share of users outside the region that serves them.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub remote_user_share: Option<Ratio>,
    /// 95th-percentile response time seen by remote users (file key `remote_user_p95_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "remote_user_p95_ms",
            with = "crate::serde_ms",
            skip_serializing_if = "Option::is_none"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub remote_user_p95: Option<Duration>,
    /// Whether regulation requires data to stay in particular regions.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub data_residency_required: Option<bool>,
    /// The availability the system has committed to (for example 0.9999).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub availability_target: Option<Ratio>,
    /// Whether parts of the system need to scale independently of each other.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub independent_scaling_needed: Option<bool>,

    /// Database tables with their statistics (file key `tables`, an array of tables);
    /// `None` when not collected (see the `entities` module).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub tables: Option<Entities<TableStats>>,
    /// SQL statements with their statistics (file key `statements`); `None` when not
    /// collected.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub statements: Option<Entities<StatementStats>>,
    /// Hosts with their figures and roles (file key `hosts`); a host with two roles or more
    /// declares a co-location. `None` when not collected.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub hosts: Option<Entities<HostStats>>,
}

impl MetricsSnapshot {
    /// Connections in use as a share of the pool: the reported share
    /// ([`MetricsSnapshot::db_pool_usage_reported`]) when there is one, otherwise
    /// connections over pool size.
    ///
    /// `None` when neither is known or the pool size is zero. A count above the pool size
    /// (possible when the two were sampled at different moments) is reported as a full
    /// pool, 100%.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     MetricsSnapshot,
    ///     units::{Connections, Ratio},
    /// };
    /// let snap = MetricsSnapshot::default()
    ///     .with_db_connections(Connections::new(16))
    ///     .with_db_pool_size(Connections::new(20));
    /// assert_eq!(snap.db_pool_usage().map(|r| r.as_percent()), Some(80.0));
    /// // A pool's own gauge wins over the counts.
    /// let snap = snap.with_db_pool_usage(Ratio::from_percent(85.0)?);
    /// assert_eq!(snap.db_pool_usage().map(|r| r.as_percent()), Some(85.0));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn db_pool_usage(&self) -> Option<Ratio> {
        if let Some(reported) = self.db_pool_usage_reported {
            return Some(reported);
        }
        let used = f64::from(self.db_connections?.get());
        let pool = f64::from(self.db_pool_size?.get());
        if pool == 0.0 {
            return None;
        }
        Ratio::from_fraction((used / pool).min(1.0)).ok()
    }

    /// The value of `metric` with its unit, or `None` when it was not measured.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Metric, MetricsSnapshot, Quantity, units::Ratio};
    /// let snap = MetricsSnapshot::default().with_cache_hit_rate(Ratio::from_percent(91.0)?);
    /// assert_eq!(
    ///     snap.quantity(Metric::CacheHitRate),
    ///     Some(Quantity::Ratio(Ratio::from_percent(91.0)?))
    /// );
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn quantity(&self, metric: Metric) -> Option<Quantity> {
        let nz = |v: Option<NonZeroU32>| v.map(|n| Quantity::Count(Count::new(u64::from(n.get()))));
        match metric {
            Metric::Users => self.users.map(Quantity::Users),
            Metric::DeployedRegions => nz(self.deployed_regions),
            Metric::UserRegions => nz(self.user_regions),
            Metric::P95ResponseTime => self.p95_response_time.map(Quantity::Duration),
            Metric::DbQueriesPerRequest => {
                self.db_queries_per_request.map(Quantity::QueriesPerRequest)
            }
            Metric::ServerCpu => self.server_cpu.map(Quantity::Ratio),
            Metric::MemoryUsage => self.memory_usage.map(Quantity::Ratio),
            Metric::DbConnections => self.db_connections.map(Quantity::Connections),
            Metric::DbPoolSize => self.db_pool_size.map(Quantity::Connections),
            Metric::DbPoolUsage => self.db_pool_usage().map(Quantity::Ratio),
            Metric::DbCpu => self.db_cpu.map(Quantity::Ratio),
            Metric::SlowestQueryTime => self.slowest_query_time.map(Quantity::Duration),
            Metric::SlowestQueryMaxTime => self.slowest_query_max_time.map(Quantity::Duration),
            Metric::DbConnectionWait => self.db_connection_wait.map(Quantity::Duration),
            Metric::DbPoolExhaustionEvents => self.db_pool_exhaustion_events.map(Quantity::Count),
            Metric::DbMaxSeqScans => self.db_max_seq_scans.map(Quantity::Count),
            Metric::DbLockWaitShare => self.db_lock_wait_share.map(Quantity::Ratio),
            Metric::DbDeadlocks => self.db_deadlocks.map(Quantity::Count),
            Metric::DbBloatShare => self.db_bloat_share.map(Quantity::Ratio),
            Metric::WalWriteLatency => self.wal_write_latency.map(Quantity::Duration),
            Metric::DiskIoWait => self.disk_io_wait.map(Quantity::Ratio),
            Metric::DbReadShare => self.db_read_share.map(Quantity::Ratio),
            Metric::DbReadShareRows => self.db_read_share_rows.map(Quantity::Ratio),
            Metric::DbTransactionRate => self.db_transaction_rate.map(Quantity::Rate),
            Metric::DbBufferHitRatio => self.db_buffer_hit_ratio.map(Quantity::Ratio),
            Metric::DbIoReadShare => self.db_io_read_share.map(Quantity::Ratio),
            Metric::RepeatedQueryShare => self.repeated_query_share.map(Quantity::Ratio),
            Metric::CacheHitRate => self.cache_hit_rate.map(Quantity::Ratio),
            Metric::CacheMemoryHeadroom => self.cache_memory_headroom.map(Quantity::Ratio),
            Metric::ReplicaLag => self.replica_lag.map(Quantity::Duration),
            Metric::PrimaryWriteThroughput => self.primary_write_throughput.map(Quantity::Rate),
            Metric::PrimaryWriteCapacity => self.primary_write_capacity.map(Quantity::Rate),
            Metric::StaticAssetBandwidthShare => {
                self.static_asset_bandwidth_share.map(Quantity::Ratio)
            }
            Metric::BackgroundTasksBlockRequests => {
                self.background_tasks_block_requests.map(Quantity::Flag)
            }
            Metric::ExternalApiP95Latency => self.external_api_p95_latency.map(Quantity::Duration),
            Metric::ExternalApiTimeoutShare => self.external_api_timeout_share.map(Quantity::Ratio),
            Metric::ExternalApiRateLimitEvents => {
                self.external_api_rate_limit_events.map(Quantity::Rate)
            }
            Metric::InterServiceP95Latency => {
                self.inter_service_p95_latency.map(Quantity::Duration)
            }
            Metric::RemoteUserShare => self.remote_user_share.map(Quantity::Ratio),
            Metric::RemoteUserP95 => self.remote_user_p95.map(Quantity::Duration),
            Metric::DataResidencyRequired => self.data_residency_required.map(Quantity::Flag),
            Metric::AvailabilityTarget => self.availability_target.map(Quantity::Ratio),
            Metric::IndependentScalingNeeded => self.independent_scaling_needed.map(Quantity::Flag),
        }
    }

    /// The value of `metric` in its canonical unit (see [`UnitKind`]), or `None` when missing.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, MetricsSnapshot};
    /// let snap = MetricsSnapshot::default().with_replica_lag(Duration::from_millis(2_500));
    /// assert_eq!(snap.value(Metric::ReplicaLag), Some(2.5));
    /// ```
    #[must_use]
    pub fn value(&self, metric: Metric) -> Option<f64> {
        self.quantity(metric).map(Quantity::canonical)
    }

    /// Every metric's canonical value at once, indexed by [`Metric::index`] (one pass, no
    /// allocation); equal to calling [`MetricsSnapshot::value`] for each metric.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Metric, MetricsSnapshot, units::Ratio};
    /// let snap = MetricsSnapshot::default().with_db_cpu(Ratio::from_percent(70.0)?);
    /// let values = snap.canonical_values();
    /// assert_eq!(values[Metric::DbCpu.index()], Some(0.7));
    /// assert_eq!(values[Metric::ServerCpu.index()], None);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn canonical_values(&self) -> [Option<f64>; Metric::COUNT] {
        let mut raw = [f64::NAN; Metric::COUNT];
        self.fill_canonical(&mut raw);
        raw.map(|v| (!v.is_nan()).then_some(v))
    }

    /// How many of the metrics in [`Metric::ALL`] have a value.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{MetricsSnapshot, units::Users};
    /// assert_eq!(
    ///     MetricsSnapshot::default()
    ///         .with_users(Users::new(5))
    ///         .measured_count(),
    ///     1
    /// );
    /// ```
    #[must_use]
    pub fn measured_count(&self) -> usize {
        Metric::ALL
            .iter()
            .filter(|m| self.quantity(**m).is_some())
            .count()
    }
}

/// Generates [`MetricsSnapshot::fill_canonical`] and [`MetricsSnapshot::canonical`] from one
/// table (each metric's value in its canonical unit), so that the two cannot disagree; the
/// `match` in `canonical` makes the table cover every metric.
macro_rules! canonical_accessors {
    ($($metric:ident => |$s:ident| $value:expr;)*) => {
        impl MetricsSnapshot {
            /// Writes every metric's canonical value into `out`, indexed by [`Metric::index`], with
            /// NaN for a metric that was not measured (no value is ever NaN, so the two cannot be
            /// confused). The allocation-free form of [`MetricsSnapshot::canonical_values`] for hot
            /// loops.
            ///
            /// # Examples
            /// ```
            /// use scalability_advisor_core::{Metric, MetricsSnapshot, units::Ratio};
            /// let mut out = [0.0; Metric::COUNT];
            /// MetricsSnapshot::default()
            ///     .with_db_cpu(Ratio::from_percent(70.0)?)
            ///     .fill_canonical(&mut out);
            /// assert_eq!(out[Metric::DbCpu.index()], 0.7);
            /// assert!(out[Metric::ServerCpu.index()].is_nan());
            /// # Ok::<(), scalability_advisor_core::Error>(())
            /// ```
            pub fn fill_canonical(&self, out: &mut [f64; Metric::COUNT]) {
                $(
                    out[Metric::$metric.index()] = {
                        let $s = self;
                        $value
                    }
                    .unwrap_or(f64::NAN);
                )*
            }

            /// The value of `metric` in its canonical unit, or NaN when it was not measured:
            /// [`MetricsSnapshot::value`] without the `Option`, for hot loops that read a few
            /// metrics (a jump to one field, where `fill_canonical` converts them all).
            ///
            /// # Examples
            /// ```
            /// use scalability_advisor_core::{Metric, MetricsSnapshot, units::Ratio};
            /// let snap = MetricsSnapshot::default().with_db_cpu(Ratio::from_percent(70.0)?);
            /// assert_eq!(snap.canonical(Metric::DbCpu), 0.7);
            /// assert!(snap.canonical(Metric::ServerCpu).is_nan());
            /// # Ok::<(), scalability_advisor_core::Error>(())
            /// ```
            #[must_use]
            pub fn canonical(&self, metric: Metric) -> f64 {
                match metric {
                    $(
                        Metric::$metric => {
                            let $s = self;
                            $value
                        }
                        .unwrap_or(f64::NAN),
                    )*
                }
            }
        }
    };
}

canonical_accessors! {
    Users => |s| s.users.map(|v| u64_to_f64(v.get()));
    DeployedRegions => |s| s.deployed_regions.map(|v| f64::from(v.get()));
    UserRegions => |s| s.user_regions.map(|v| f64::from(v.get()));
    P95ResponseTime => |s| s.p95_response_time.map(|v| v.as_secs_f64());
    DbQueriesPerRequest => |s| s.db_queries_per_request.map(QueriesPerRequest::as_f64);
    ServerCpu => |s| s.server_cpu.map(Ratio::as_fraction);
    MemoryUsage => |s| s.memory_usage.map(Ratio::as_fraction);
    DbConnections => |s| s.db_connections.map(|v| f64::from(v.get()));
    DbPoolSize => |s| s.db_pool_size.map(|v| f64::from(v.get()));
    DbCpu => |s| s.db_cpu.map(Ratio::as_fraction);
    SlowestQueryTime => |s| s.slowest_query_time.map(|v| v.as_secs_f64());
    SlowestQueryMaxTime => |s| s.slowest_query_max_time.map(|v| v.as_secs_f64());
    DbDeadlocks => |s| s.db_deadlocks.map(|v| u64_to_f64(v.get()));
    DbReadShareRows => |s| s.db_read_share_rows.map(Ratio::as_fraction);
    DbTransactionRate => |s| s.db_transaction_rate.map(Rate::as_per_second);
    DbBufferHitRatio => |s| s.db_buffer_hit_ratio.map(Ratio::as_fraction);
    DbIoReadShare => |s| s.db_io_read_share.map(Ratio::as_fraction);
    DbConnectionWait => |s| s.db_connection_wait.map(|v| v.as_secs_f64());
    DbPoolExhaustionEvents => |s| s.db_pool_exhaustion_events.map(|v| u64_to_f64(v.get()));
    DbMaxSeqScans => |s| s.db_max_seq_scans.map(|v| u64_to_f64(v.get()));
    DbLockWaitShare => |s| s.db_lock_wait_share.map(Ratio::as_fraction);
    DbBloatShare => |s| s.db_bloat_share.map(Ratio::as_fraction);
    WalWriteLatency => |s| s.wal_write_latency.map(|v| v.as_secs_f64());
    DiskIoWait => |s| s.disk_io_wait.map(Ratio::as_fraction);
    DbReadShare => |s| s.db_read_share.map(Ratio::as_fraction);
    RepeatedQueryShare => |s| s.repeated_query_share.map(Ratio::as_fraction);
    CacheHitRate => |s| s.cache_hit_rate.map(Ratio::as_fraction);
    CacheMemoryHeadroom => |s| s.cache_memory_headroom.map(Ratio::as_fraction);
    ReplicaLag => |s| s.replica_lag.map(|v| v.as_secs_f64());
    PrimaryWriteThroughput => |s| s.primary_write_throughput.map(Rate::as_per_second);
    PrimaryWriteCapacity => |s| s.primary_write_capacity.map(Rate::as_per_second);
    StaticAssetBandwidthShare => |s| s.static_asset_bandwidth_share.map(Ratio::as_fraction);
    BackgroundTasksBlockRequests => |s| {
        s.background_tasks_block_requests.map(|v| if v { 1.0 } else { 0.0 })
    };
    ExternalApiP95Latency => |s| s.external_api_p95_latency.map(|v| v.as_secs_f64());
    ExternalApiTimeoutShare => |s| s.external_api_timeout_share.map(Ratio::as_fraction);
    ExternalApiRateLimitEvents => |s| s.external_api_rate_limit_events.map(Rate::as_per_second);
    InterServiceP95Latency => |s| s.inter_service_p95_latency.map(|v| v.as_secs_f64());
    RemoteUserShare => |s| s.remote_user_share.map(Ratio::as_fraction);
    RemoteUserP95 => |s| s.remote_user_p95.map(|v| v.as_secs_f64());
    DataResidencyRequired => |s| s.data_residency_required.map(|v| if v { 1.0 } else { 0.0 });
    AvailabilityTarget => |s| s.availability_target.map(Ratio::as_fraction);
    IndependentScalingNeeded => |s| s.independent_scaling_needed.map(|v| if v { 1.0 } else { 0.0 });
    DbPoolUsage => |s| s.db_pool_usage().map(Ratio::as_fraction);
}

/// Generates the chained `with_*` setters of [`MetricsSnapshot`].
macro_rules! setters {
    ($($setter:ident => $field:ident: $ty:ty = $example:expr),* $(,)?) => {
        impl MetricsSnapshot {
            $(
                #[doc = concat!("Sets [`MetricsSnapshot::", stringify!($field), "`] and returns the snapshot.")]
                #[doc = ""]
                #[doc = "# Examples"]
                #[doc = "```"]
                #[doc = "use core::{num::NonZeroU32, time::Duration};"]
                #[doc = "use scalability_advisor_core::{MetricsSnapshot, units::*};"]
                #[doc = concat!("let value = ", stringify!($example), ";")]
                #[doc = concat!("let snap = MetricsSnapshot::default().", stringify!($setter), "(value);")]
                #[doc = concat!("assert_eq!(snap.", stringify!($field), ", Some(value));")]
                #[doc = "# Ok::<(), scalability_advisor_core::Error>(())"]
                #[doc = "```"]
                #[must_use]
                pub fn $setter(mut self, value: $ty) -> Self {
                    self.$field = Some(value);
                    self
                }
            )*
        }
    };
}

setters! {
    with_users => users: Users = Users::new(40_000),
    with_deployed_regions => deployed_regions: NonZeroU32 = NonZeroU32::MIN,
    with_user_regions => user_regions: NonZeroU32 = NonZeroU32::MIN,
    with_p95_response_time => p95_response_time: Duration = Duration::from_millis(450),
    with_db_queries_per_request => db_queries_per_request: QueriesPerRequest = QueriesPerRequest::new(12.0)?,
    with_server_cpu => server_cpu: Ratio = Ratio::from_percent(72.0)?,
    with_memory_usage => memory_usage: Ratio = Ratio::from_percent(72.0)?,
    with_db_connections => db_connections: Connections = Connections::new(20),
    with_db_pool_size => db_pool_size: Connections = Connections::new(20),
    with_db_pool_usage => db_pool_usage_reported: Ratio = Ratio::from_percent(85.0)?,
    with_db_cpu => db_cpu: Ratio = Ratio::from_percent(72.0)?,
    with_slowest_query_time => slowest_query_time: Duration = Duration::from_millis(450),
    with_slowest_query_max_time => slowest_query_max_time: Duration = Duration::from_millis(900),
    with_db_connection_wait => db_connection_wait: Duration = Duration::from_millis(450),
    with_db_deadlocks => db_deadlocks: Count = Count::new(2),
    with_db_read_share_rows => db_read_share_rows: Ratio = Ratio::from_percent(99.9)?,
    with_db_transaction_rate => db_transaction_rate: Rate = Rate::from_per_second(450.0)?,
    with_db_buffer_hit_ratio => db_buffer_hit_ratio: Ratio = Ratio::from_percent(99.0)?,
    with_db_io_read_share => db_io_read_share: Ratio = Ratio::from_percent(12.0)?,
    with_db_pool_exhaustion_events => db_pool_exhaustion_events: Count = Count::new(3),
    with_db_max_seq_scans => db_max_seq_scans: Count = Count::new(3),
    with_db_lock_wait_share => db_lock_wait_share: Ratio = Ratio::from_percent(72.0)?,
    with_db_bloat_share => db_bloat_share: Ratio = Ratio::from_percent(72.0)?,
    with_wal_write_latency => wal_write_latency: Duration = Duration::from_millis(450),
    with_disk_io_wait => disk_io_wait: Ratio = Ratio::from_percent(72.0)?,
    with_db_read_share => db_read_share: Ratio = Ratio::from_percent(72.0)?,
    with_repeated_query_share => repeated_query_share: Ratio = Ratio::from_percent(72.0)?,
    with_cache_hit_rate => cache_hit_rate: Ratio = Ratio::from_percent(72.0)?,
    with_cache_memory_headroom => cache_memory_headroom: Ratio = Ratio::from_percent(72.0)?,
    with_replica_lag => replica_lag: Duration = Duration::from_millis(450),
    with_primary_write_throughput => primary_write_throughput: Rate = Rate::from_per_second(1_200.0)?,
    with_primary_write_capacity => primary_write_capacity: Rate = Rate::from_per_second(1_200.0)?,
    with_static_asset_bandwidth_share => static_asset_bandwidth_share: Ratio = Ratio::from_percent(72.0)?,
    with_background_tasks_block_requests => background_tasks_block_requests: bool = true,
    with_external_api_p95_latency => external_api_p95_latency: Duration = Duration::from_millis(450),
    with_external_api_timeout_share => external_api_timeout_share: Ratio = Ratio::from_percent(72.0)?,
    with_external_api_rate_limit_events => external_api_rate_limit_events: Rate = Rate::from_per_second(1_200.0)?,
    with_inter_service_p95_latency => inter_service_p95_latency: Duration = Duration::from_millis(450),
    with_remote_user_share => remote_user_share: Ratio = Ratio::from_percent(72.0)?,
    with_remote_user_p95 => remote_user_p95: Duration = Duration::from_millis(450),
    with_data_residency_required => data_residency_required: bool = true,
    with_availability_target => availability_target: Ratio = Ratio::from_percent(72.0)?,
    with_independent_scaling_needed => independent_scaling_needed: bool = true,
}

impl MetricsSnapshot {
    /// Adds a component to the declared architecture and returns the snapshot.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, MetricsSnapshot};
    /// let snap = MetricsSnapshot::default().with_component(Component::Cdn);
    /// assert!(snap.architecture.contains(Component::Cdn));
    /// ```
    #[must_use]
    pub fn with_component(mut self, component: crate::Component) -> Self {
        self.architecture.insert(component);
        self
    }

    /// The components known to be in place: the declared [`architecture`](Self::architecture)
    /// and each component that a measured metric proves ([`Metric::reported_by`]: a replica
    /// lag is measured on read replicas, a cache hit rate on a cache, the latency of calls
    /// between services on services), and `multi_region` when two or more regions are
    /// deployed ([`Metric::DeployedRegions`]). [`Component::shown_by`](crate::Component::shown_by) names the metric.
    /// A declared component also brings those it cannot work without
    /// ([`Component::brought_by`](crate::Component::brought_by)): `auto_scaling` brings a
    /// `load_balancer`, since the servers a scaler adds are reached through something that
    /// spreads the requests over them (the guide draws its stage-3 services auto-scaled
    /// behind the API gateway's routing), whatever the declaration calls it.
    ///
    /// Snapshots read from a running system (a collector, a metrics store) rarely declare
    /// their architecture, yet their metrics often show part of it. The ladders of the
    /// decision matrix and the steps of a plan judge a remedy against these components (a
    /// cache that answers 60% of reads is a cache to tune, not one to add). "Declared" keeps
    /// its own meaning: with an empty `architecture`, nothing is known to be *missing*, and
    /// a component this adds does not change that.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{units::Ratio, Component, ComponentSet, MetricsSnapshot};
    /// let snap = MetricsSnapshot::default()
    ///     .with_cache_hit_rate(Ratio::from_percent(60.0)?)
    ///     .with_replica_lag(Duration::from_millis(300));
    /// assert!(snap.architecture.is_empty()); // nothing declared
    /// assert_eq!(
    ///     snap.components_in_place(),
    ///     ComponentSet::from_components(&[Component::Cache, Component::ReadReplicas])
    /// );
    /// let declared = MetricsSnapshot::default().with_component(Component::Cdn);
    /// assert_eq!(declared.components_in_place(), declared.architecture);
    /// let regions = declared.with_deployed_regions(core::num::NonZeroU32::new(2).unwrap());
    /// assert!(regions.components_in_place().contains(Component::MultiRegion));
    /// let scaled = MetricsSnapshot::default().with_component(Component::AutoScaling);
    /// assert!(scaled.components_in_place().contains(Component::LoadBalancer));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn components_in_place(&self) -> ComponentSet {
        let mut set = self.architecture;
        // (The metrics `Metric::reported_by` names; a test below keeps the two lists equal.)
        if self.replica_lag.is_some() {
            set.insert(crate::Component::ReadReplicas);
        }
        if self.cache_hit_rate.is_some() {
            set.insert(crate::Component::Cache);
        }
        if self.inter_service_p95_latency.is_some() {
            set.insert(crate::Component::Microservices);
        }
        if self.deployed_regions.is_some_and(|r| r.get() >= 2) {
            set.insert(crate::Component::MultiRegion);
        }
        // (The components `Component::brought_by` names; a test below keeps the two equal.)
        if self.architecture.contains(crate::Component::AutoScaling) {
            set.insert(crate::Component::LoadBalancer);
        }
        set
    }

    /// Records a remedy as carried out and returns the snapshot.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{MetricsSnapshot, Remedy};
    /// let snap = MetricsSnapshot::default().with_tried(Remedy::AddIndexes);
    /// assert!(snap.tried.contains(Remedy::AddIndexes));
    /// ```
    #[must_use]
    pub fn with_tried(mut self, remedy: crate::Remedy) -> Self {
        self.tried.insert(remedy);
        self
    }

    /// Sets `metric` from a value in its canonical unit (see [`UnitKind`]), validated as
    /// [`Quantity::from_canonical`] does; for collectors that read metrics by name.
    /// [`Metric::DbPoolUsage`] sets the pool's own gauge
    /// ([`MetricsSnapshot::db_pool_usage_reported`]); region counts must be at least 1.
    ///
    /// # Errors
    /// The unit's validation errors ([`crate::Error::NotFinite`], [`crate::Error::Negative`],
    /// [`crate::Error::OutOfRange`]), naming the metric.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Metric, MetricsSnapshot};
    /// let mut snap = MetricsSnapshot::default();
    /// snap.set(Metric::DbCpu, 0.74)?;
    /// snap.set(Metric::P95ResponseTime, 0.375)?; // seconds
    /// assert_eq!(snap.value(Metric::DbCpu), Some(0.74));
    /// assert_eq!(snap.value(Metric::P95ResponseTime), Some(0.375));
    /// assert!(snap.set(Metric::DbCpu, 1.5).is_err());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn set(&mut self, metric: Metric, value: f64) -> Result<(), crate::Error> {
        match SETTERS.get(metric.index()) {
            Some(set) => set(self, value),
            None => Ok(()),
        }
    }

    /// The name and [figures](crate::Entity::figures) of entity `index` of a list, when the
    /// snapshot has it.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     Entities, EntityKind, EntityName, MetricsSnapshot, TableStats, units::Count,
    /// };
    /// let t = TableStats::new(EntityName::table("events")?).with_rows(Count::new(500_000));
    /// let snap = MetricsSnapshot { tables: Some(Entities::new(vec![t])?), ..Default::default() };
    /// let (name, figures) = snap.entity(EntityKind::Table, 0).unwrap();
    /// assert_eq!((name, figures.as_str()), ("events", "500,000 rows"));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn entity(&self, kind: crate::EntityKind, index: usize) -> Option<(&str, String)> {
        use crate::Entity;
        fn one<T: Entity>(list: Option<&Entities<T>>, i: usize) -> Option<(&str, String)> {
            list?
                .as_slice()
                .get(i)
                .map(|e| (e.name().as_str(), e.figures()))
        }
        match kind {
            crate::EntityKind::Table => one(self.tables.as_ref(), index),
            crate::EntityKind::Statement => one(self.statements.as_ref(), index),
            crate::EntityKind::Host => one(self.hosts.as_ref(), index),
        }
    }

    /// Records a checklist practice as in place and returns the snapshot.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{MetricsSnapshot, patterns::ChecklistItem};
    /// let snap = MetricsSnapshot::default().with_practice(ChecklistItem::StatelessAppServers);
    /// assert!(snap.practices.contains(ChecklistItem::StatelessAppServers));
    /// ```
    #[must_use]
    pub fn with_practice(mut self, practice: crate::patterns::ChecklistItem) -> Self {
        self.practices.insert(practice);
        self
    }
}

/// A value in canonical units read into a field's type, validated as
/// [`Quantity::from_canonical`] validates its unit (the errors name the unit; [`setter`]'s
/// rename them after the metric).
trait FromCanonical: Sized {
    fn from_canonical(value: f64) -> Result<Self, crate::Error>;
}

/// `value` rounded to a whole number in `0..=max`, as counts are read.
fn whole(what: &'static str, value: f64, max: f64) -> Result<f64, crate::Error> {
    let v = round_non_negative(crate::units::non_negative(what, value)?);
    if v > max {
        return Err(crate::Error::OutOfRange {
            what,
            value,
            min: 0.0,
            max,
        });
    }
    Ok(v)
}

/// `value.round()` for a finite `value >= 0`, without the call to the C library's `round`
/// that the baseline x86-64 target makes (it has no rounding instruction): below 2^52 the
/// fraction `value - trunc(value)` is exact, so comparing it with ½ rounds a tie up (away
/// from zero) as `f64::round` does; from 2^52 up every float is already whole.
fn round_non_negative(value: f64) -> f64 {
    if value < 4_503_599_627_370_496.0 {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_precision_loss,
            reason = "0 <= value < 2^52: the integer part fits an i64 (one instruction each way, where u64 takes several) and converts back exactly"
        )]
        let whole = value as i64 as f64;
        if value - whole >= 0.5 {
            whole + 1.0
        } else {
            whole
        }
    } else {
        value
    }
}

/// The largest integer a float holds exactly (2^53), the limit of counts read as floats.
const EXACT_INTEGERS: f64 = 9.007_199_254_740_992e15;

impl FromCanonical for Ratio {
    fn from_canonical(value: f64) -> Result<Self, crate::Error> {
        Ratio::from_fraction(value)
    }
}

impl FromCanonical for Duration {
    fn from_canonical(value: f64) -> Result<Self, crate::Error> {
        crate::units::duration_from_secs("duration", value)
    }
}

impl FromCanonical for Rate {
    fn from_canonical(value: f64) -> Result<Self, crate::Error> {
        Rate::from_per_second(value)
    }
}

impl FromCanonical for QueriesPerRequest {
    fn from_canonical(value: f64) -> Result<Self, crate::Error> {
        QueriesPerRequest::new(value)
    }
}

impl FromCanonical for Connections {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "whole() bounds the value"
    )]
    fn from_canonical(value: f64) -> Result<Self, crate::Error> {
        Ok(Connections::new(
            whole("connections", value, f64::from(u32::MAX))? as u32,
        ))
    }
}

impl FromCanonical for Count {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "whole() bounds the value"
    )]
    fn from_canonical(value: f64) -> Result<Self, crate::Error> {
        Ok(Count::new(whole("count", value, EXACT_INTEGERS)? as u64))
    }
}

impl FromCanonical for Users {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "whole() bounds the value"
    )]
    fn from_canonical(value: f64) -> Result<Self, crate::Error> {
        Ok(Users::new(whole("users", value, EXACT_INTEGERS)? as u64))
    }
}

impl FromCanonical for bool {
    fn from_canonical(value: f64) -> Result<Self, crate::Error> {
        if value.total_cmp(&1.0).is_eq() {
            Ok(true)
        } else if value.total_cmp(&0.0).is_eq() {
            Ok(false)
        } else {
            Err(crate::Error::OutOfRange {
                what: "flag",
                value,
                min: 0.0,
                max: 1.0,
            })
        }
    }
}

/// Region counts: a count of at least 1 that fits 32 bits.
impl FromCanonical for NonZeroU32 {
    fn from_canonical(value: f64) -> Result<Self, crate::Error> {
        let n = Count::from_canonical(value)?;
        u32::try_from(n.get())
            .ok()
            .and_then(NonZeroU32::new)
            .ok_or(crate::Error::OutOfRange {
                what: "count",
                value,
                min: 1.0,
                max: f64::from(u32::MAX),
            })
    }
}

/// `e` naming `metric` instead of its unit.
#[cold]
fn renamed(e: crate::Error, metric: Metric) -> crate::Error {
    let what = metric.name();
    match e {
        crate::Error::NotFinite { value, .. } => crate::Error::NotFinite { what, value },
        crate::Error::Negative { value, .. } => crate::Error::Negative { what, value },
        crate::Error::OutOfRange {
            value, min, max, ..
        } => crate::Error::OutOfRange {
            what,
            value,
            min,
            max,
        },
        other => other,
    }
}

/// What [`MetricsSnapshot::set`] does for one metric.
type Setter = fn(&mut MetricsSnapshot, f64) -> Result<(), crate::Error>;

/// The field each metric sets (the pool's use sets the pool's own gauge), one setter per
/// metric at its [`Metric::index`], each reading the value into the field's type. A metric
/// left out or named twice fails to compile.
macro_rules! setters {
    ($($metric:ident => $field:ident,)*) => {
        const SETTERS: [Setter; Metric::COUNT] = {
            let mut table: [Option<Setter>; Metric::COUNT] = [None; Metric::COUNT];
            $(
                assert!(table[Metric::$metric.index()].is_none(), "a metric set twice");
                table[Metric::$metric.index()] = Some(|snap, value| {
                    snap.$field = Some(
                        FromCanonical::from_canonical(value)
                            .map_err(|e| renamed(e, Metric::$metric))?,
                    );
                    Ok(())
                });
            )*
            let mut setters: [Setter; Metric::COUNT] = [|_, _| Ok(()); Metric::COUNT];
            let mut i = 0;
            while i < Metric::COUNT {
                match table[i] {
                    Some(set) => setters[i] = set,
                    None => panic!("a metric without a setter"),
                }
                i += 1;
            }
            setters
        };
    };
}

setters! {
    Users => users,
    DeployedRegions => deployed_regions,
    UserRegions => user_regions,
    P95ResponseTime => p95_response_time,
    DbQueriesPerRequest => db_queries_per_request,
    ServerCpu => server_cpu,
    MemoryUsage => memory_usage,
    DbConnections => db_connections,
    DbPoolSize => db_pool_size,
    DbPoolUsage => db_pool_usage_reported,
    DbCpu => db_cpu,
    SlowestQueryTime => slowest_query_time,
    SlowestQueryMaxTime => slowest_query_max_time,
    DbConnectionWait => db_connection_wait,
    DbPoolExhaustionEvents => db_pool_exhaustion_events,
    DbMaxSeqScans => db_max_seq_scans,
    DbLockWaitShare => db_lock_wait_share,
    DbDeadlocks => db_deadlocks,
    DbBloatShare => db_bloat_share,
    WalWriteLatency => wal_write_latency,
    DiskIoWait => disk_io_wait,
    DbReadShare => db_read_share,
    DbReadShareRows => db_read_share_rows,
    DbTransactionRate => db_transaction_rate,
    DbBufferHitRatio => db_buffer_hit_ratio,
    DbIoReadShare => db_io_read_share,
    RepeatedQueryShare => repeated_query_share,
    CacheHitRate => cache_hit_rate,
    CacheMemoryHeadroom => cache_memory_headroom,
    ReplicaLag => replica_lag,
    PrimaryWriteThroughput => primary_write_throughput,
    PrimaryWriteCapacity => primary_write_capacity,
    StaticAssetBandwidthShare => static_asset_bandwidth_share,
    BackgroundTasksBlockRequests => background_tasks_block_requests,
    ExternalApiP95Latency => external_api_p95_latency,
    ExternalApiTimeoutShare => external_api_timeout_share,
    ExternalApiRateLimitEvents => external_api_rate_limit_events,
    InterServiceP95Latency => inter_service_p95_latency,
    RemoteUserShare => remote_user_share,
    RemoteUserP95 => remote_user_p95,
    DataResidencyRequired => data_residency_required,
    AvailabilityTarget => availability_target,
    IndependentScalingNeeded => independent_scaling_needed,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `components_in_place` adds exactly the component of each measured metric that
    /// `Metric::reported_by` names, and nothing for a metric that names none.
    #[test]
    fn components_in_place_follow_reported_by() {
        for metric in Metric::ALL {
            let mut snap = MetricsSnapshot::default();
            // (1.0 where the metric takes it, else 0.5: a valid ratio, count or flag.)
            if snap.set(metric, 1.0).is_err() {
                snap.set(metric, 0.5).expect("0.5 is a valid value");
            }
            let expected = metric
                .reported_by()
                .map_or(ComponentSet::EMPTY, |c| ComponentSet::from_components(&[c]));
            assert_eq!(snap.components_in_place(), expected, "{metric:?}");
            for c in expected.iter() {
                assert_eq!(c.shown_by(), Some((metric, "is measured")), "{c}");
            }
            let declared = snap.clone().with_component(crate::Component::Cdn);
            assert!(
                declared
                    .components_in_place()
                    .contains(crate::Component::Cdn)
            );
        }
    }

    /// One region deployed shows nothing; two or more show multi-region.
    #[test]
    fn two_deployed_regions_show_multi_region() {
        let regions = |n| {
            MetricsSnapshot::default()
                .with_deployed_regions(core::num::NonZeroU32::new(n).expect("n > 0"))
                .components_in_place()
        };
        assert_eq!(regions(1), ComponentSet::EMPTY);
        let multi = ComponentSet::from_components(&[crate::Component::MultiRegion]);
        assert_eq!(regions(2), multi);
        assert_eq!(regions(7), multi);
        assert_eq!(
            crate::Component::MultiRegion.shown_by(),
            Some((Metric::DeployedRegions, "is 2 or more"))
        );
        let shown: Vec<_> = crate::Component::ALL
            .into_iter()
            .filter(|c| c.shown_by().is_some())
            .collect();
        assert_eq!(shown.len(), 4, "{shown:?}");
    }

    /// A declared component brings the one `brought_by` says, and nothing else does.
    #[test]
    fn components_in_place_follow_brought_by() {
        for c in crate::Component::ALL {
            let declared = MetricsSnapshot::default().with_component(c);
            let mut expected = declared.architecture;
            for other in crate::Component::ALL {
                if other.brought_by() == Some(c) {
                    expected.insert(other);
                }
            }
            assert_eq!(declared.components_in_place(), expected, "{c}");
        }
        assert_eq!(
            crate::Component::LoadBalancer.brought_by(),
            Some(crate::Component::AutoScaling)
        );
    }

    #[test]
    fn rounding_without_the_c_library_rounds_as_f64_round_does() {
        let ulp_below_half = 0.5 - f64::EPSILON / 4.0;
        for v in [
            0.0,
            ulp_below_half,
            0.5,
            1.5,
            2.5,
            1e15 + 0.5,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9.007_199_254_740_992e15,
            1e300,
        ] {
            assert_eq!(round_non_negative(v).to_bits(), v.round().to_bits(), "{v}");
        }
    }

    proptest::proptest! {
        /// [`round_non_negative`] is `f64::round` on every finite float from 0 up.
        #[test]
        fn rounding_without_the_c_library_agrees_on_any_value(
            bits in 0u64..0x7ff0_0000_0000_0000,
            small in 0.0f64..1e7,
            tie in 0u32..1_000_000,
        ) {
            for v in [f64::from_bits(bits), small, f64::from(tie) + 0.5] {
                proptest::prop_assert_eq!(round_non_negative(v).to_bits(), v.round().to_bits());
            }
        }
    }

    proptest::proptest! {
        /// Whole milliseconds are written as integers: the same text as `{ms:.0}`, for
        /// durations at, just off and between whole milliseconds below a second.
        #[test]
        fn whole_milliseconds_read_as_formatting_writes_them(
            ms in 0u64..=1_000,
            off in proptest::prop_oneof![
                proptest::strategy::Just(0i64),
                -2i64..=2,
                -999_999i64..=999_999,
            ],
        ) {
            let nanos = (ms * 1_000_000).saturating_add_signed(off);
            let d = Duration::from_nanos(nanos);
            struct Shown(Duration);
            impl fmt::Display for Shown {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    fmt_duration(f, self.0)
                }
            }
            let secs = d.as_secs_f64();
            let ms = secs * 1000.0;
            let expected = if secs >= 1.0 {
                format!("{secs:.1} s")
            } else if (ms - ms.round()).abs() < 1e-6 {
                format!("{ms:.0} ms")
            } else {
                format!("{ms:.1} ms")
            };
            proptest::prop_assert_eq!(Shown(d).to_string(), expected);
        }
    }

    proptest::proptest! {
        /// Setting a metric is reading its value in its unit ([`Quantity::from_canonical`]):
        /// it succeeds when that does (a region count must also be 1 to 2^32 - 1), reads
        /// back as the quantity's value, touches no other metric, and an error names the
        /// metric and the value.
        #[test]
        fn set_is_reading_the_quantity_into_its_metric(
            m in 0..Metric::COUNT,
            v in proptest::prop_oneof![
                proptest::num::f64::ANY,
                -2.0f64..2.0,
                0.0f64..5e9,
                proptest::strategy::Just(0.0),
                proptest::strategy::Just(1.0),
            ],
        ) {
            let m = Metric::ALL[m];
            let mut s = MetricsSnapshot::default();
            let got = s.set(m, v);
            let regions = matches!(m, Metric::DeployedRegions | Metric::UserRegions);
            let expected = Quantity::from_canonical(m.unit(), v).ok().filter(|q| {
                !regions || (1.0..=f64::from(u32::MAX)).contains(&q.canonical())
            });
            match (got, expected) {
                (Ok(()), Some(q)) => {
                    proptest::prop_assert_eq!(s.value(m), Some(q.canonical()));
                    proptest::prop_assert_eq!(s.measured_count(), 1);
                }
                (Err(e), None) => {
                    let text = e.to_string();
                    proptest::prop_assert!(text.starts_with(m.name()), "{}", text);
                    proptest::prop_assert_eq!(s.measured_count(), 0);
                }
                (got, expected) => proptest::prop_assert!(false, "{m}: {v}: {got:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn set_reads_back_as_value_for_every_metric() {
        for m in Metric::ALL {
            let v = match m.unit() {
                UnitKind::Ratio | UnitKind::Flag => 1.0,
                UnitKind::Duration => 0.25,
                _ => 3.0,
            };
            let mut s = MetricsSnapshot::default();
            s.set(m, v).unwrap();
            assert_eq!(s.value(m), Some(v), "{m}");
            assert_eq!(s.measured_count(), 1, "{m}");
        }
        let mut s = MetricsSnapshot::default();
        let err = s.set(Metric::DbCpu, f64::NAN).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("db_cpu must be in 0..=1, got NaN"),
            "{err}"
        );
        assert!(s.set(Metric::DeployedRegions, 0.0).is_err());
    }

    #[test]
    fn only_replica_lag_the_cache_hit_rate_and_calls_between_services_need_a_component() {
        for m in Metric::ALL {
            let expected = match m {
                Metric::ReplicaLag => Some(crate::Component::ReadReplicas),
                Metric::CacheHitRate => Some(crate::Component::Cache),
                Metric::InterServiceP95Latency => Some(crate::Component::Microservices),
                _ => None,
            };
            assert_eq!(m.reported_by(), expected, "{m}");
        }
    }

    #[test]
    fn metric_names_round_trip_and_are_unique() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m), "{m}");
        }
        let mut names: Vec<_> = Metric::ALL.iter().map(|m| m.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Metric::ALL.len());
    }

    #[test]
    fn every_metric_is_readable_when_set() {
        let one = Ratio::from_fraction(0.5).unwrap();
        let d = Duration::from_millis(10);
        let n = NonZeroU32::new(2).unwrap();
        let r = Rate::from_per_second(1.0).unwrap();
        let s = MetricsSnapshot::default()
            .with_users(Users::new(1))
            .with_deployed_regions(n)
            .with_user_regions(n)
            .with_p95_response_time(d)
            .with_db_queries_per_request(QueriesPerRequest::new(1.0).unwrap())
            .with_server_cpu(one)
            .with_memory_usage(one)
            .with_db_connections(Connections::new(4))
            .with_db_pool_size(Connections::new(4))
            .with_db_cpu(one)
            .with_slowest_query_time(d)
            .with_db_connection_wait(d)
            .with_db_pool_exhaustion_events(Count::new(3))
            .with_db_max_seq_scans(Count::new(3))
            .with_db_lock_wait_share(one)
            .with_db_bloat_share(one)
            .with_wal_write_latency(d)
            .with_disk_io_wait(one)
            .with_db_read_share(one)
            .with_repeated_query_share(one)
            .with_cache_hit_rate(one)
            .with_cache_memory_headroom(one)
            .with_replica_lag(d)
            .with_primary_write_throughput(r)
            .with_primary_write_capacity(r)
            .with_static_asset_bandwidth_share(one)
            .with_background_tasks_block_requests(true)
            .with_external_api_p95_latency(d)
            .with_external_api_timeout_share(one)
            .with_external_api_rate_limit_events(r)
            .with_inter_service_p95_latency(d)
            .with_remote_user_share(one)
            .with_remote_user_p95(d)
            .with_data_residency_required(true)
            .with_availability_target(one)
            .with_independent_scaling_needed(true)
            .with_slowest_query_max_time(d)
            .with_db_deadlocks(Count::new(1))
            .with_db_read_share_rows(one)
            .with_db_transaction_rate(r)
            .with_db_buffer_hit_ratio(one)
            .with_db_io_read_share(one);
        for m in Metric::ALL {
            assert!(s.value(m).is_some(), "{m} not readable");
            assert!(s.value(m).unwrap().is_finite());
        }
        assert_eq!(s.measured_count(), Metric::ALL.len());
        let values = s.canonical_values();
        for m in Metric::ALL {
            assert_eq!(
                values[m.index()].map(f64::to_bits),
                s.value(m).map(f64::to_bits),
                "{m}"
            );
            // One by one, as the batch of them.
            assert_eq!(
                s.canonical(m).to_bits(),
                s.value(m).unwrap().to_bits(),
                "{m}"
            );
            assert!(MetricsSnapshot::default().canonical(m).is_nan(), "{m}");
        }
        assert_eq!(MetricsSnapshot::default().measured_count(), 0);
    }

    #[test]
    fn index_follows_all_and_canonical_values_match_value() {
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(m.index(), i);
        }
        let one = Ratio::from_fraction(0.25).unwrap();
        let s = MetricsSnapshot::default()
            .with_db_cpu(one)
            .with_replica_lag(Duration::from_millis(1500))
            .with_background_tasks_block_requests(true)
            .with_db_connections(Connections::new(3))
            .with_db_pool_size(Connections::new(4))
            .with_users(Users::new(12));
        let values = s.canonical_values();
        for m in Metric::ALL {
            assert_eq!(
                values[m.index()].map(f64::to_bits),
                s.value(m).map(f64::to_bits),
                "{m}"
            );
        }
    }

    #[test]
    fn durations_display_in_the_readable_unit_at_each_boundary() {
        let show = |d: Duration| Quantity::Duration(d).to_string();
        assert_eq!(show(Duration::from_millis(850)), "850 ms");
        assert_eq!(show(Duration::from_micros(2_500)), "2.5 ms");
        assert_eq!(show(Duration::from_millis(999)), "999 ms");
        assert_eq!(show(Duration::from_secs(1)), "1.0 s");
        assert_eq!(show(Duration::from_millis(119_900)), "119.9 s");
        assert_eq!(show(Duration::from_secs(120)), "2.0 min");
        assert_eq!(show(Duration::from_secs(7_199)), "120.0 min");
        assert_eq!(show(Duration::from_secs(7_200)), "2.0 h");
        assert_eq!(show(Duration::from_secs(3 * 3_600)), "3.0 h");
    }

    #[test]
    fn pool_usage_divides_connections_by_pool() {
        // 17 of 20 connections: 85%, the guide's "pool usage > 80%" example territory.
        let s = MetricsSnapshot::default()
            .with_db_connections(Connections::new(17))
            .with_db_pool_size(Connections::new(20));
        let usage = s.db_pool_usage().unwrap().as_fraction();
        assert!((usage - 0.85).abs() < 1e-12, "{usage}");
        assert!(
            MetricsSnapshot::default()
                .with_db_connections(Connections::new(17))
                .db_pool_usage()
                .is_none()
        );
    }

    #[test]
    fn canonical_quantities_round_and_bound_whole_numbers() {
        use crate::UnitKind;
        let c = Quantity::from_canonical(UnitKind::Connections, 3.6).unwrap();
        assert_eq!(c, Quantity::Connections(Connections::new(4)));
        assert!((c.canonical() - 4.0).abs() < 1e-15);
        let max = f64::from(u32::MAX);
        assert_eq!(
            Quantity::from_canonical(UnitKind::Connections, max).unwrap(),
            Quantity::Connections(Connections::new(u32::MAX))
        );
        assert_eq!(
            Quantity::from_canonical(UnitKind::Connections, 5e9),
            Err(crate::Error::OutOfRange {
                what: "connections",
                value: 5e9,
                min: 0.0,
                max,
            })
        );
        assert!(Quantity::from_canonical(UnitKind::Count, 1e16).is_err());
        assert!(Quantity::from_canonical(UnitKind::Users, 1e16).is_err());
        assert_eq!(
            Quantity::from_canonical(UnitKind::Users, 12.4).unwrap(),
            Quantity::Users(Users::new(12))
        );
        assert_eq!(
            Quantity::from_canonical(UnitKind::Count, 9_007_199_254_740_992.0).unwrap(),
            Quantity::Count(Count::new(9_007_199_254_740_992))
        );
        assert!(Quantity::from_canonical(UnitKind::Count, -1.0).is_err());
        assert_eq!(
            Quantity::from_canonical(UnitKind::Flag, 1.0).unwrap(),
            Quantity::Flag(true)
        );
        assert_eq!(
            Quantity::from_canonical(UnitKind::Flag, 0.0).unwrap(),
            Quantity::Flag(false)
        );
        assert!(Quantity::from_canonical(UnitKind::Flag, 0.5).is_err());
        assert!((Quantity::Flag(true).canonical() - 1.0).abs() < 1e-15);
        assert!(Quantity::Flag(false).canonical().abs() < 1e-15);
        assert!((Quantity::Users(Users::new(7)).canonical() - 7.0).abs() < 1e-15);
        assert!((Quantity::Count(Count::new(9)).canonical() - 9.0).abs() < 1e-15);
        let d = Quantity::from_canonical(UnitKind::Duration, 2.5).unwrap();
        assert_eq!(d, Quantity::Duration(Duration::from_millis(2_500)));
        let r = Quantity::from_canonical(UnitKind::Rate, 40.0).unwrap();
        assert!((r.canonical() - 40.0).abs() < 1e-12);
        let q = Quantity::from_canonical(UnitKind::QueriesPerRequest, 12.0).unwrap();
        assert!((q.canonical() - 12.0).abs() < 1e-12);
    }

    #[test]
    fn pool_usage_is_clamped_and_undefined_for_empty_pool() {
        let s = MetricsSnapshot::default()
            .with_db_connections(Connections::new(30))
            .with_db_pool_size(Connections::new(20));
        assert_eq!(s.db_pool_usage(), Some(Ratio::ONE));
        let s = s.with_db_pool_size(Connections::new(0));
        assert_eq!(s.db_pool_usage(), None);
        assert_eq!(MetricsSnapshot::default().db_pool_usage(), None);
    }

    #[test]
    fn snapshot_is_send_sync_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<MetricsSnapshot>();
        check::<Metric>();
        check::<Quantity>();
    }

    #[cfg(feature = "serde")]
    #[test]
    fn json_uses_documented_keys_and_units() {
        let s = MetricsSnapshot::default()
            .with_p95_response_time(Duration::from_millis(850))
            .with_db_cpu(Ratio::from_percent(72.0).unwrap())
            .with_component(crate::Component::Cdn);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"architecture":["cdn"],"p95_response_time_ms":850.0,"db_cpu":0.72}"#
        );
        assert_eq!(serde_json::from_str::<MetricsSnapshot>(&json).unwrap(), s);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn json_rejects_invalid_values_and_unknown_keys() {
        #[track_caller]
        fn rejects(json: &str, needle: &str) {
            let err = serde_json::from_str::<MetricsSnapshot>(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{err}");
        }
        rejects(r#"{"db_cpu": 1.5}"#, "ratio must be in 0..=1, got 1.5");
        rejects(r#"{"p95_response_time_ms": -3}"#, "must not be negative");
        rejects(r#"{"db_cpuu": 0.5}"#, "unknown field `db_cpuu`");
        rejects(r#"{"deployed_regions": 0}"#, "nonzero");
        rejects(
            r#"{"architecture": ["mainframe"]}"#,
            "unknown variant `mainframe`",
        );
    }
}

#[cfg(feature = "serde")]
map_only!(
    MetricsSnapshot,
    "a snapshot: a table of metric names and values"
);
