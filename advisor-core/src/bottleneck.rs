//! The bottleneck taxonomy: layers, their symptoms and solutions, the diagnosis order and the
//! database health check, as typed data.
//!
//! ```
//! use scalability_advisor_core::bottleneck::{DIAGNOSIS_ORDER, Layer, Solution, Symptom};
//! assert!(Layer::Database.symptoms().contains(&Symptom::SlowQueries));
//! assert_eq!(
//!     Layer::Storage.solutions(),
//!     &[Solution::Ssd, Solution::ObjectStorage, Solution::Caching]
//! );
//! assert_eq!(DIAGNOSIS_ORDER[1].layer, Some(Layer::Database));
//! ```
//!
//! Source: the guide, "Bottleneck Diagnosis Guide".

use core::fmt;

use crate::snapshot::{Metric, MetricsSnapshot, Quantity};

/// A layer of the system where a bottleneck can sit.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Layer {
    /// The database: identified by slow queries and high database CPU
    /// ([`Metric::SlowestQueryTime`], [`Metric::DbCpu`]).
    Database,
    /// The application servers: identified by high CPU and memory use
    /// ([`Metric::ServerCpu`], [`Metric::MemoryUsage`]).
    Application,
    /// The network between users and services or between services: identified by high
    /// latency and timeouts ([`Metric::InterServiceP95Latency`]).
    Network,
    /// Disks and file storage: identified by slow I/O and high I/O wait
    /// ([`Metric::DiskIoWait`], [`Metric::WalWriteLatency`]).
    Storage,
    /// Third-party APIs: identified by timeouts and rate limits
    /// ([`Metric::ExternalApiTimeoutShare`], [`Metric::ExternalApiRateLimitEvents`]).
    ExternalApi,
}

/// A symptom that points at a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Symptom {
    /// Queries take long.
    SlowQueries,
    /// The database server's CPU is busy.
    HighDbCpu,
    /// Application CPU is busy.
    HighCpu,
    /// Application memory is nearly full.
    HighMemory,
    /// Calls take long to cross the network.
    HighLatency,
    /// Calls give up waiting.
    Timeouts,
    /// Reads and writes to disk are slow.
    SlowIo,
    /// CPUs sit idle waiting on disk.
    HighIoWait,
    /// A provider refuses calls over its quota.
    RateLimits,
}

/// A remedy the taxonomy names for a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Solution {
    /// Add indexes for the hot queries.
    Indexing,
    /// Serve reads from replicas.
    ReadReplicas,
    /// Cache results.
    Caching,
    /// Make the code do less work.
    OptimizeCode,
    /// Add more instances behind a load balancer.
    ScaleHorizontally,
    /// Serve static content from a CDN.
    Cdn,
    /// Cache at the CDN edge.
    EdgeCaching,
    /// Reuse connections through a pool.
    ConnectionPooling,
    /// Move to solid-state disks.
    Ssd,
    /// Move files to object storage.
    ObjectStorage,
    /// Stop calling a failing dependency for a while.
    CircuitBreakers,
    /// Serve a degraded answer when a dependency fails.
    Fallbacks,
}

impl Layer {
    /// Every layer, in the guide's order.
    pub const ALL: [Layer; 5] = [
        Layer::Database,
        Layer::Application,
        Layer::Network,
        Layer::Storage,
        Layer::ExternalApi,
    ];

    /// The `snake_case` name.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::bottleneck::Layer;
    /// assert_eq!(Layer::ExternalApi.name(), "external_api");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Layer::Database => "database",
            Layer::Application => "application",
            Layer::Network => "network",
            Layer::Storage => "storage",
            Layer::ExternalApi => "external_api",
        }
    }

    /// The symptoms that point at this layer.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::bottleneck::{Layer, Symptom};
    /// assert_eq!(
    ///     Layer::Database.symptoms(),
    ///     [Symptom::SlowQueries, Symptom::HighDbCpu]
    /// );
    /// ```
    #[must_use]
    pub const fn symptoms(self) -> &'static [Symptom] {
        match self {
            Layer::Database => &[Symptom::SlowQueries, Symptom::HighDbCpu],
            Layer::Application => &[Symptom::HighCpu, Symptom::HighMemory],
            Layer::Network => &[Symptom::HighLatency, Symptom::Timeouts],
            Layer::Storage => &[Symptom::SlowIo, Symptom::HighIoWait],
            Layer::ExternalApi => &[Symptom::Timeouts, Symptom::RateLimits],
        }
    }

    /// The solutions for this layer, in the guide's order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::bottleneck::{Layer, Solution};
    /// assert_eq!(
    ///     Layer::Database.solutions(),
    ///     [
    ///         Solution::Indexing,
    ///         Solution::ReadReplicas,
    ///         Solution::Caching
    ///     ]
    /// );
    /// ```
    #[must_use]
    pub const fn solutions(self) -> &'static [Solution] {
        match self {
            Layer::Database => &[
                Solution::Indexing,
                Solution::ReadReplicas,
                Solution::Caching,
            ],
            Layer::Application => &[Solution::OptimizeCode, Solution::ScaleHorizontally],
            Layer::Network => &[
                Solution::Cdn,
                Solution::EdgeCaching,
                Solution::ConnectionPooling,
            ],
            Layer::Storage => &[Solution::Ssd, Solution::ObjectStorage, Solution::Caching],
            Layer::ExternalApi => &[
                Solution::CircuitBreakers,
                Solution::Caching,
                Solution::Fallbacks,
            ],
        }
    }

    /// The snapshot metrics that show this layer's symptoms.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Metric, bottleneck::Layer};
    /// assert!(Layer::Storage.signals().contains(&Metric::DiskIoWait));
    /// ```
    #[must_use]
    pub const fn signals(self) -> &'static [Metric] {
        match self {
            Layer::Database => &[
                Metric::SlowestQueryTime,
                Metric::DbCpu,
                Metric::DbPoolUsage,
                Metric::DbMaxSeqScans,
            ],
            Layer::Application => &[Metric::ServerCpu, Metric::MemoryUsage],
            Layer::Network => &[Metric::InterServiceP95Latency],
            Layer::Storage => &[Metric::DiskIoWait, Metric::WalWriteLatency],
            Layer::ExternalApi => &[
                Metric::ExternalApiTimeoutShare,
                Metric::ExternalApiRateLimitEvents,
                Metric::ExternalApiP95Latency,
            ],
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Symptom {
    /// The snapshot metrics that show this symptom.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Metric, bottleneck::Symptom};
    /// assert_eq!(Symptom::HighIoWait.signals(), [Metric::DiskIoWait]);
    /// ```
    #[must_use]
    pub const fn signals(self) -> &'static [Metric] {
        match self {
            Symptom::SlowQueries => &[Metric::SlowestQueryTime, Metric::DbMaxSeqScans],
            Symptom::HighDbCpu => &[Metric::DbCpu],
            Symptom::HighCpu => &[Metric::ServerCpu],
            Symptom::HighMemory => &[Metric::MemoryUsage],
            Symptom::HighLatency => &[Metric::InterServiceP95Latency, Metric::P95ResponseTime],
            Symptom::Timeouts => &[Metric::ExternalApiTimeoutShare],
            Symptom::SlowIo => &[Metric::WalWriteLatency],
            Symptom::HighIoWait => &[Metric::DiskIoWait],
            Symptom::RateLimits => &[Metric::ExternalApiRateLimitEvents],
        }
    }
}

/// A tool a diagnosis step uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Tool {
    /// Traces that follow a request across services (for example Jaeger, Datadog).
    DistributedTracing,
    /// The database's slow-query log or statement statistics (`pg_stat_statements`).
    SlowQueryLog,
    /// Connection pool statistics.
    ConnectionPoolStats,
    /// A CPU profiler.
    CpuProfiling,
    /// Heap and memory analysis.
    MemoryAnalysis,
    /// Latency measured between services.
    InterServiceLatency,
    /// DNS resolution timing.
    DnsResolution,
    /// Latency of third-party APIs.
    ThirdPartyLatency,
    /// Rate-limit responses from providers.
    RateLimitTracking,
}

impl Tool {
    /// Well-known products for the tool, where the guide names some.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::bottleneck::Tool;
    /// assert!(Tool::DistributedTracing.examples().contains(&"Jaeger"));
    /// ```
    #[must_use]
    pub const fn examples(self) -> &'static [&'static str] {
        match self {
            Tool::DistributedTracing => &["Jaeger", "Datadog"],
            Tool::SlowQueryLog => &["pg_stat_statements"],
            _ => &[],
        }
    }
}

/// One step of the systematic diagnosis.
///
/// Serialized with all its fields; read back by its number, as the step of
/// [`DIAGNOSIS_ORDER`] it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DiagnosisStep {
    /// Position in the order, 1 to 5.
    pub number: u8,
    /// The question the step answers.
    pub question: &'static str,
    /// The layer the step examines; `None` for the first step, which locates where time goes.
    pub layer: Option<Layer>,
    /// The tools it uses.
    pub tools: &'static [Tool],
}

// By hand: the question and tools are the guide's, compiled in; only the number is read.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for DiagnosisStep {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Repr {
            number: u8,
        }
        let r = Repr::deserialize(d)?;
        DIAGNOSIS_ORDER
            .iter()
            .find(|s| s.number == r.number)
            .copied()
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "diagnosis step {} does not exist; the steps are 1 to 5",
                    r.number
                ))
            })
    }
}

/// The five diagnosis steps, in order: where time goes, then the database, the application,
/// the network and external services.
pub const DIAGNOSIS_ORDER: [DiagnosisStep; 5] = [
    DiagnosisStep {
        number: 1,
        question: "where is the time spent?",
        layer: None,
        tools: &[Tool::DistributedTracing],
    },
    DiagnosisStep {
        number: 2,
        question: "is it the database?",
        layer: Some(Layer::Database),
        tools: &[Tool::SlowQueryLog, Tool::ConnectionPoolStats],
    },
    DiagnosisStep {
        number: 3,
        question: "is it the application?",
        layer: Some(Layer::Application),
        tools: &[Tool::CpuProfiling, Tool::MemoryAnalysis],
    },
    DiagnosisStep {
        number: 4,
        question: "is it the network?",
        layer: Some(Layer::Network),
        tools: &[Tool::InterServiceLatency, Tool::DnsResolution],
    },
    DiagnosisStep {
        number: 5,
        question: "is it an external service?",
        layer: Some(Layer::ExternalApi),
        tools: &[Tool::ThirdPartyLatency, Tool::RateLimitTracking],
    },
];

/// An area of the quick database health check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum HealthCheckArea {
    /// Connection pool use and waits.
    ConnectionPool,
    /// Query speed and indexes.
    QueryPerformance,
    /// Replicas and write load.
    Replication,
    /// Disks, bloat and the write-ahead log.
    Storage,
}

/// One question of the quick database health check.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{
///     Metric, MetricsSnapshot,
///     bottleneck::{HealthCheckArea, HealthCheckItem},
///     units::Count,
/// };
/// let item = HealthCheckItem::MissingIndexes;
/// assert_eq!(item.area(), HealthCheckArea::QueryPerformance);
/// assert_eq!(item.signal(), Some(Metric::DbMaxSeqScans));
/// let snap = MetricsSnapshot::default().with_db_max_seq_scans(Count::new(25_000));
/// assert_eq!(
///     item.observe(&snap).map(|q| q.to_string()),
///     Some("25,000".into())
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum HealthCheckItem {
    /// Connections in use compared with the maximum.
    ConnectionsVsMax,
    /// How long requests wait for a connection.
    ConnectionWaitTime,
    /// How often the pool ran out.
    PoolExhaustionEvents,
    /// The slowest queries (from `pg_stat_statements`).
    SlowestQueries,
    /// Tables scanned sequentially more than [`MISSING_INDEX_SEQ_SCANS`] times.
    MissingIndexes,
    /// Time lost to lock waits.
    LockContention,
    /// How far replicas trail the primary.
    ReplicaLag,
    /// Writes per second on the primary.
    WriteThroughput,
    /// How reads are spread between primary and replicas.
    ReadDistribution,
    /// CPU time waiting on disk.
    DiskIoWait,
    /// Table and index bloat.
    Bloat,
    /// Write-ahead-log write latency.
    WalWriteLatency,
}

/// Sequential scans of one table above which the health check suspects a missing index
/// (the guide's checklist: "seq scans > 10K").
pub const MISSING_INDEX_SEQ_SCANS: u64 = 10_000;

/// Sequential scans above which the guide's missing-index query lists a table that has an
/// unused index (`idx_scan = 0 AND seq_scan > 1000`).
pub const UNUSED_INDEX_SEQ_SCANS: u64 = 1_000;

impl HealthCheckItem {
    /// Every item, grouped by area in the guide's order.
    pub const ALL: [HealthCheckItem; 12] = [
        HealthCheckItem::ConnectionsVsMax,
        HealthCheckItem::ConnectionWaitTime,
        HealthCheckItem::PoolExhaustionEvents,
        HealthCheckItem::SlowestQueries,
        HealthCheckItem::MissingIndexes,
        HealthCheckItem::LockContention,
        HealthCheckItem::ReplicaLag,
        HealthCheckItem::WriteThroughput,
        HealthCheckItem::ReadDistribution,
        HealthCheckItem::DiskIoWait,
        HealthCheckItem::Bloat,
        HealthCheckItem::WalWriteLatency,
    ];

    /// The area the item belongs to.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::bottleneck::{HealthCheckArea, HealthCheckItem};
    /// assert_eq!(HealthCheckItem::Bloat.area(), HealthCheckArea::Storage);
    /// ```
    #[must_use]
    pub const fn area(self) -> HealthCheckArea {
        match self {
            HealthCheckItem::ConnectionsVsMax
            | HealthCheckItem::ConnectionWaitTime
            | HealthCheckItem::PoolExhaustionEvents => HealthCheckArea::ConnectionPool,
            HealthCheckItem::SlowestQueries
            | HealthCheckItem::MissingIndexes
            | HealthCheckItem::LockContention => HealthCheckArea::QueryPerformance,
            HealthCheckItem::ReplicaLag
            | HealthCheckItem::WriteThroughput
            | HealthCheckItem::ReadDistribution => HealthCheckArea::Replication,
            HealthCheckItem::DiskIoWait
            | HealthCheckItem::Bloat
            | HealthCheckItem::WalWriteLatency => HealthCheckArea::Storage,
        }
    }

    /// The snapshot metric that answers the item, if the snapshot has one.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Metric, bottleneck::HealthCheckItem};
    /// assert_eq!(
    ///     HealthCheckItem::LockContention.signal(),
    ///     Some(Metric::DbLockWaitShare)
    /// );
    /// ```
    #[must_use]
    pub const fn signal(self) -> Option<Metric> {
        Some(match self {
            HealthCheckItem::ConnectionsVsMax => Metric::DbPoolUsage,
            HealthCheckItem::ConnectionWaitTime => Metric::DbConnectionWait,
            HealthCheckItem::PoolExhaustionEvents => Metric::DbPoolExhaustionEvents,
            HealthCheckItem::SlowestQueries => Metric::SlowestQueryTime,
            HealthCheckItem::MissingIndexes => Metric::DbMaxSeqScans,
            HealthCheckItem::LockContention => Metric::DbLockWaitShare,
            HealthCheckItem::ReplicaLag => Metric::ReplicaLag,
            HealthCheckItem::WriteThroughput => Metric::PrimaryWriteThroughput,
            HealthCheckItem::ReadDistribution => Metric::DbReadShare,
            HealthCheckItem::DiskIoWait => Metric::DiskIoWait,
            HealthCheckItem::Bloat => Metric::DbBloatShare,
            HealthCheckItem::WalWriteLatency => Metric::WalWriteLatency,
        })
    }

    /// The snapshot's answer to the item, if measured.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     MetricsSnapshot, bottleneck::HealthCheckItem, units::Ratio,
    /// };
    /// let snap =
    ///     MetricsSnapshot::default().with_db_lock_wait_share(Ratio::from_percent(12.0)?);
    /// assert_eq!(
    ///     HealthCheckItem::LockContention
    ///         .observe(&snap)
    ///         .map(|q| q.to_string()),
    ///     Some("12%".into())
    /// );
    /// assert_eq!(HealthCheckItem::Bloat.observe(&snap), None);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn observe(self, snapshot: &MetricsSnapshot) -> Option<Quantity> {
        snapshot.quantity(self.signal()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_has_symptoms_solutions_and_signals() {
        for l in Layer::ALL {
            assert!(
                !l.symptoms().is_empty() && !l.solutions().is_empty() && !l.signals().is_empty(),
                "{l}"
            );
        }
    }

    #[test]
    fn diagnosis_order_follows_the_guide() {
        let layers: Vec<_> = DIAGNOSIS_ORDER.iter().map(|s| s.layer).collect();
        assert_eq!(
            layers,
            [
                None,
                Some(Layer::Database),
                Some(Layer::Application),
                Some(Layer::Network),
                Some(Layer::ExternalApi)
            ]
        );
        for (i, s) in DIAGNOSIS_ORDER.iter().enumerate() {
            assert_eq!(usize::from(s.number), i + 1);
            assert!(!s.tools.is_empty());
        }
    }

    #[test]
    fn health_check_has_three_items_per_area() {
        for area in [
            HealthCheckArea::ConnectionPool,
            HealthCheckArea::QueryPerformance,
            HealthCheckArea::Replication,
            HealthCheckArea::Storage,
        ] {
            assert_eq!(
                HealthCheckItem::ALL
                    .iter()
                    .filter(|i| i.area() == area)
                    .count(),
                3
            );
        }
        assert_eq!(MISSING_INDEX_SEQ_SCANS, 10_000);
        assert_eq!(UNUSED_INDEX_SEQ_SCANS, 1_000);
    }
}
