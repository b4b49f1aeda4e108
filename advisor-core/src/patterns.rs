//! Scaling patterns as data: the growth-stage additions and when to add them, caching,
//! sharding, multi-region patterns, consistency models, the startup do's and don'ts, and the
//! scale and enterprise checklists.
//!
//! ```
//! use scalability_advisor_core::patterns::{
//!     Addition, AdditionConfig, CacheableData, Ttl,
//! };
//! use scalability_advisor_core::{MetricsSnapshot, units::Ratio};
//!
//! let snap = MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(86.0)?);
//! assert!(
//!     Addition::ReadReplicas
//!         .evaluate(&snap, &AdditionConfig::default())
//!         .is_fired()
//! );
//! assert_eq!(
//!     CacheableData::QueryResults.ttl(),
//!     Ttl::Minutes { min: 1, max: 5 }
//! );
//! # Ok::<(), scalability_advisor_core::Error>(())
//! ```
//!
//! Source: the guide, sections "Stage 1" (do and don't),
//! "Stage 2" (key additions, caching strategy), "Stage 3" (sharding, checklist) and "Stage 4"
//! (multi-region patterns, consistency, checklist).

use core::fmt;

use crate::architecture::Component;
use crate::evidence::{Basis, Check, Evidence, Need, Outcome};
use crate::snapshot::{Metric, MetricsSnapshot, Quantity};
use crate::stage::Stage;
use crate::thresholds::Direction;
use crate::units::Ratio;

/// A component the growth stage adds, with the condition that calls for it.
///
/// | addition | purpose | add when |
/// |---|---|---|
/// | CDN | cache static assets | images, JS and CSS take more than 20% of bandwidth |
/// | load balancer | spread traffic | a single server's CPU is above 70% |
/// | read replicas | take reads off the primary | more than 80% of database operations are reads |
/// | cache (Redis) | application caching | the same queries repeat often (read here as: more than 25% of queries repeat one seen shortly before; our level) |
/// | job queue | asynchronous work | background tasks block requests |
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Addition {
    /// A CDN for static assets; condition on [`Metric::StaticAssetBandwidthShare`].
    Cdn,
    /// A load balancer; condition on [`Metric::ServerCpu`].
    LoadBalancer,
    /// Read replicas; condition on [`Metric::DbReadShare`].
    ReadReplicas,
    /// An application cache; condition on [`Metric::RepeatedQueryShare`].
    Cache,
    /// A job queue; condition on [`Metric::BackgroundTasksBlockRequests`].
    JobQueue,
}

/// The levels of the [`Addition`] conditions; every field can be changed.
///
/// # Examples
/// ```
/// use scalability_advisor_core::patterns::AdditionConfig;
/// assert_eq!(AdditionConfig::default().read_share.as_percent(), 80.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct AdditionConfig {
    /// Static-asset share of bandwidth above which to add a CDN (guide: 20%).
    pub static_asset_share: Ratio,
    /// Server CPU above which to add a load balancer (guide: 70%).
    pub server_cpu: Ratio,
    /// Read share above which to add read replicas (guide: 80%).
    pub read_share: Ratio,
    /// Repeated-query share above which to add a cache (ours: 25%).
    pub repeated_query_share: Ratio,
}

impl Default for AdditionConfig {
    fn default() -> Self {
        AdditionConfig {
            static_asset_share: Ratio::from_fraction_const(0.20),
            server_cpu: Ratio::from_fraction_const(0.70),
            read_share: Ratio::from_fraction_const(0.80),
            repeated_query_share: Ratio::from_fraction_const(0.25),
        }
    }
}

impl Addition {
    /// Every addition, in the guide's order.
    pub const ALL: [Addition; 5] = [
        Addition::Cdn,
        Addition::LoadBalancer,
        Addition::ReadReplicas,
        Addition::Cache,
        Addition::JobQueue,
    ];

    /// The component the addition installs.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, patterns::Addition};
    /// assert_eq!(Addition::JobQueue.component(), Component::JobQueue);
    /// ```
    #[must_use]
    pub const fn component(self) -> Component {
        match self {
            Addition::Cdn => Component::Cdn,
            Addition::LoadBalancer => Component::LoadBalancer,
            Addition::ReadReplicas => Component::ReadReplicas,
            Addition::Cache => Component::Cache,
            Addition::JobQueue => Component::JobQueue,
        }
    }

    /// The metric its condition reads.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Metric, patterns::Addition};
    /// assert_eq!(Addition::Cdn.signal(), Metric::StaticAssetBandwidthShare);
    /// ```
    #[must_use]
    pub const fn signal(self) -> Metric {
        match self {
            Addition::Cdn => Metric::StaticAssetBandwidthShare,
            Addition::LoadBalancer => Metric::ServerCpu,
            Addition::ReadReplicas => Metric::DbReadShare,
            Addition::Cache => Metric::RepeatedQueryShare,
            Addition::JobQueue => Metric::BackgroundTasksBlockRequests,
        }
    }

    /// The addition that installs `component`, when one does.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, patterns::Addition};
    /// assert_eq!(Addition::for_component(Component::Cdn), Some(Addition::Cdn));
    /// assert_eq!(Addition::for_component(Component::Sharding), None);
    /// ```
    #[must_use]
    pub fn for_component(component: Component) -> Option<Addition> {
        Addition::ALL
            .into_iter()
            .find(|a| a.component() == component)
    }

    /// The level its signal must pass, from `config`; `None` for the job queue, whose
    /// signal is a yes or no.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{Addition, AdditionConfig};
    /// let config = AdditionConfig::default();
    /// assert_eq!(Addition::Cdn.level(&config).map(|r| r.as_percent()), Some(20.0));
    /// assert_eq!(Addition::JobQueue.level(&config), None);
    /// ```
    #[must_use]
    pub const fn level(self, config: &AdditionConfig) -> Option<Ratio> {
        match self {
            Addition::Cdn => Some(config.static_asset_share),
            Addition::LoadBalancer => Some(config.server_cpu),
            Addition::ReadReplicas => Some(config.read_share),
            Addition::Cache => Some(config.repeated_query_share),
            Addition::JobQueue => None,
        }
    }

    /// The condition for adding it, in words: `static_asset_bandwidth_share > 20%`,
    /// `background_tasks_block_requests is true`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{Addition, AdditionConfig};
    /// let config = AdditionConfig::default();
    /// assert_eq!(Addition::ReadReplicas.condition(&config), "db_read_share > 80%");
    /// assert_eq!(
    ///     Addition::JobQueue.condition(&config),
    ///     "background_tasks_block_requests is true"
    /// );
    /// ```
    #[must_use]
    pub fn condition(self, config: &AdditionConfig) -> String {
        match self.level(config) {
            Some(level) => format!("{} > {level}", self.signal()),
            None => format!("{} is true", self.signal()),
        }
    }

    /// Evaluates the "when to add" condition on a snapshot (fired means: add it).
    ///
    /// The architecture in place is not consulted: check [`MetricsSnapshot::architecture`]
    /// for [`Addition::component`] to tell "add it" from "already there".
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     MetricsSnapshot,
    ///     patterns::{Addition, AdditionConfig},
    /// };
    /// let snap = MetricsSnapshot::default().with_background_tasks_block_requests(true);
    /// assert!(
    ///     Addition::JobQueue
    ///         .evaluate(&snap, &AdditionConfig::default())
    ///         .is_fired()
    /// );
    /// ```
    #[must_use]
    pub fn evaluate(self, snapshot: &MetricsSnapshot, config: &AdditionConfig) -> Outcome {
        let metric = self.signal();
        let Some(observed) = snapshot.quantity(metric) else {
            return Outcome::missing(metric, Need::Value);
        };
        let level = match self {
            Addition::Cdn => config.static_asset_share,
            Addition::LoadBalancer => config.server_cpu,
            Addition::ReadReplicas => config.read_share,
            Addition::Cache => config.repeated_query_share,
            Addition::JobQueue => {
                let fired = observed == Quantity::Flag(true);
                let evidence = Evidence {
                    metric,
                    observed,
                    check: Check::IsTrue,
                    threshold: Some(Quantity::Flag(true)),
                    basis: Basis::Snapshot,
                };
                return Outcome::decide(fired, evidence, None);
            }
        };
        let threshold = Quantity::Ratio(level);
        let fired = Direction::LowerIsBetter.is_worse(observed.canonical(), level.as_fraction());
        Outcome::decide(
            fired,
            Evidence {
                metric,
                observed,
                check: Check::Above,
                threshold: Some(threshold),
                basis: Basis::Snapshot,
            },
            None,
        )
    }
}

impl fmt::Display for Addition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.component().name())
    }
}

/// A cache layer, in lookup order: CDN, then application cache, then the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum CacheLayer {
    /// The CDN answers static assets on a hit.
    Cdn,
    /// The application cache (Redis) answers on a hit.
    Application,
    /// The database answers, and the result is written to the cache on the way back.
    Database,
}

/// The request path through the caches: each layer is asked in turn; the first hit answers.
pub const CACHE_LOOKUP_ORDER: [CacheLayer; 3] = [
    CacheLayer::Cdn,
    CacheLayer::Application,
    CacheLayer::Database,
];

/// How long a kind of data may stay cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Ttl {
    /// A range in minutes.
    Minutes {
        /// Shortest.
        min: u32,
        /// Longest.
        max: u32,
    },
    /// As long as the user's session lasts.
    SessionDuration,
    /// Depends on how fresh the data must be.
    FreshnessDependent,
    /// Grows with what the value costs to compute.
    ComputationCostDependent,
}

/// A kind of data worth caching, with its time to live.
///
/// # Examples
/// ```
/// use scalability_advisor_core::patterns::{CacheableData, Ttl};
/// assert_eq!(
///     CacheableData::UserProfile.ttl(),
///     Ttl::Minutes { min: 5, max: 15 }
/// );
/// assert_eq!(CacheableData::Session.ttl(), Ttl::SessionDuration);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum CacheableData {
    /// Session data.
    Session,
    /// User profiles.
    UserProfile,
    /// API responses.
    ApiResponses,
    /// Database query results.
    QueryResults,
    /// Computed values.
    ComputedValues,
}

impl CacheableData {
    /// Every kind, in the guide's order.
    pub const ALL: [CacheableData; 5] = [
        CacheableData::Session,
        CacheableData::UserProfile,
        CacheableData::ApiResponses,
        CacheableData::QueryResults,
        CacheableData::ComputedValues,
    ];

    /// The time to live the guide gives.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{CacheableData, Ttl};
    /// assert_eq!(
    ///     CacheableData::QueryResults.ttl(),
    ///     Ttl::Minutes { min: 1, max: 5 }
    /// );
    /// ```
    #[must_use]
    pub const fn ttl(self) -> Ttl {
        match self {
            CacheableData::Session => Ttl::SessionDuration,
            CacheableData::UserProfile => Ttl::Minutes { min: 5, max: 15 },
            CacheableData::ApiResponses => Ttl::FreshnessDependent,
            CacheableData::QueryResults => Ttl::Minutes { min: 1, max: 5 },
            CacheableData::ComputedValues => Ttl::ComputationCostDependent,
        }
    }
}

/// A way to split data over shards.
///
/// # Examples
/// ```
/// use scalability_advisor_core::patterns::ShardingStrategy;
/// assert_eq!(
///     ShardingStrategy::HashBased.pro(),
///     "keys spread evenly over shards"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ShardingStrategy {
    /// Shard = hash(key) mod shard count (for example `user_id % num_shards`).
    HashBased,
    /// Each shard owns a contiguous key range (for example users 1 to 1M on shard 1).
    RangeBased,
    /// A lookup table maps each key to its shard.
    DirectoryBased,
}

impl ShardingStrategy {
    /// Every strategy, in the guide's order.
    pub const ALL: [ShardingStrategy; 3] = [
        ShardingStrategy::HashBased,
        ShardingStrategy::RangeBased,
        ShardingStrategy::DirectoryBased,
    ];

    /// Its main advantage.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::ShardingStrategy;
    /// assert_eq!(
    ///     ShardingStrategy::RangeBased.pro(),
    ///     "new shards are simple to add"
    /// );
    /// ```
    #[must_use]
    pub const fn pro(self) -> &'static str {
        match self {
            ShardingStrategy::HashBased => "keys spread evenly over shards",
            ShardingStrategy::RangeBased => "new shards are simple to add",
            ShardingStrategy::DirectoryBased => "any key can live on any shard",
        }
    }

    /// Its main drawback.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::ShardingStrategy;
    /// assert_eq!(
    ///     ShardingStrategy::DirectoryBased.con(),
    ///     "every access pays for a lookup"
    /// );
    /// ```
    #[must_use]
    pub const fn con(self) -> &'static str {
        match self {
            ShardingStrategy::HashBased => "adding shards moves most keys",
            ShardingStrategy::RangeBased => "busy ranges can overload one shard",
            ShardingStrategy::DirectoryBased => "every access pays for a lookup",
        }
    }
}

/// A qualitative level used in pattern comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Rating {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// A consistency guarantee across regions or replicas.
///
/// # Examples
/// ```
/// use scalability_advisor_core::patterns::{ConsistencyModel, UseCase};
/// assert!(
///     ConsistencyModel::Causal
///         .use_cases()
///         .contains(&UseCase::Messaging)
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ConsistencyModel {
    /// Every region reads the same data; writes pay extra latency (CP in CAP terms).
    Strong,
    /// Regions may briefly read stale data; latency stays low (AP in CAP terms).
    Eventual,
    /// Operations that depend on each other are seen in order; a middle ground.
    Causal,
    /// Strong within each region, handed over between regions (follow-the-sun).
    StrongPerRegion,
}

/// A workload that fits a consistency model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum UseCase {
    /// Money movements.
    FinancialTransactions,
    /// Stock levels.
    Inventory,
    /// Social feeds.
    SocialFeeds,
    /// Analytics.
    Analytics,
    /// Other data that tolerates staleness.
    NonCritical,
    /// Chat and messaging.
    Messaging,
    /// Collaborative editing.
    Collaboration,
}

impl ConsistencyModel {
    /// The workloads the guide suggests for the model (none for per-region strong consistency,
    /// which the guide names only as a multi-region pattern's property).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{ConsistencyModel, UseCase};
    /// assert!(
    ///     ConsistencyModel::Strong
    ///         .use_cases()
    ///         .contains(&UseCase::Inventory)
    /// );
    /// ```
    #[must_use]
    pub const fn use_cases(self) -> &'static [UseCase] {
        match self {
            ConsistencyModel::Strong => &[UseCase::FinancialTransactions, UseCase::Inventory],
            ConsistencyModel::Eventual => &[
                UseCase::SocialFeeds,
                UseCase::Analytics,
                UseCase::NonCritical,
            ],
            ConsistencyModel::Causal => &[UseCase::Messaging, UseCase::Collaboration],
            ConsistencyModel::StrongPerRegion => &[],
        }
    }

    /// Write latency relative to the other models.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{ConsistencyModel, Rating};
    /// assert_eq!(ConsistencyModel::Strong.write_latency(), Rating::High);
    /// ```
    #[must_use]
    pub const fn write_latency(self) -> Rating {
        match self {
            ConsistencyModel::Strong => Rating::High,
            ConsistencyModel::Eventual => Rating::Low,
            ConsistencyModel::Causal | ConsistencyModel::StrongPerRegion => Rating::Medium,
        }
    }
}

/// A way to run in several regions.
///
/// | pattern | consistency | latency | complexity |
/// |---|---|---|---|
/// | active-passive | strong | high on failover | low |
/// | active-active | eventual | low | high |
/// | follow-the-sun | strong per region | medium | medium |
///
/// # Examples
/// ```
/// use scalability_advisor_core::patterns::{
///     ConsistencyModel, MultiRegionPattern, Rating,
/// };
/// let p = MultiRegionPattern::ActiveActive;
/// assert_eq!(
///     (p.consistency(), p.latency(), p.complexity()),
///     (ConsistencyModel::Eventual, Rating::Low, Rating::High)
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum MultiRegionPattern {
    /// One region serves; another stands by to take over.
    ActivePassive,
    /// Every region serves.
    ActiveActive,
    /// The serving region moves with the working day.
    FollowTheSun,
}

impl MultiRegionPattern {
    /// Every pattern, in the guide's order.
    pub const ALL: [MultiRegionPattern; 3] = [
        MultiRegionPattern::ActivePassive,
        MultiRegionPattern::ActiveActive,
        MultiRegionPattern::FollowTheSun,
    ];

    /// The consistency it offers.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{ConsistencyModel, MultiRegionPattern};
    /// assert_eq!(
    ///     MultiRegionPattern::ActivePassive.consistency(),
    ///     ConsistencyModel::Strong
    /// );
    /// ```
    #[must_use]
    pub const fn consistency(self) -> ConsistencyModel {
        match self {
            MultiRegionPattern::ActivePassive => ConsistencyModel::Strong,
            MultiRegionPattern::ActiveActive => ConsistencyModel::Eventual,
            MultiRegionPattern::FollowTheSun => ConsistencyModel::StrongPerRegion,
        }
    }

    /// Its latency (for active-passive: the latency of a failover).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{MultiRegionPattern, Rating};
    /// assert_eq!(MultiRegionPattern::FollowTheSun.latency(), Rating::Medium);
    /// ```
    #[must_use]
    pub const fn latency(self) -> Rating {
        match self {
            MultiRegionPattern::ActivePassive => Rating::High,
            MultiRegionPattern::ActiveActive => Rating::Low,
            MultiRegionPattern::FollowTheSun => Rating::Medium,
        }
    }

    /// How complex it is to run.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{MultiRegionPattern, Rating};
    /// assert_eq!(MultiRegionPattern::ActivePassive.complexity(), Rating::Low);
    /// ```
    #[must_use]
    pub const fn complexity(self) -> Rating {
        match self {
            MultiRegionPattern::ActivePassive => Rating::Low,
            MultiRegionPattern::ActiveActive => Rating::High,
            MultiRegionPattern::FollowTheSun => Rating::Medium,
        }
    }
}

/// Startup-stage guidance: what to do, and what not to do yet.
///
/// The "don't" items that name a component ([`StartupPractice::premature_component`]) let a
/// rule flag that component when a startup-stage system has it while far from its thresholds.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Component, patterns::StartupPractice};
/// assert_eq!(
///     StartupPractice::DontAddCachingEarly.premature_component(),
///     Some(Component::Cache)
/// );
/// assert!(StartupPractice::UseIndexes.is_do());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum StartupPractice {
    /// Do: keep the code clean and maintainable.
    CleanCode,
    /// Do: index frequently queried columns.
    UseIndexes,
    /// Do: monitor uptime and errors.
    BasicMonitoring,
    /// Do: keep a simple architecture; a monolith is fine.
    SimpleArchitecture,
    /// Don't: build for scale you do not have.
    DontOverEngineer,
    /// Don't: add a cache before it is needed.
    DontAddCachingEarly,
    /// Don't: split into microservices prematurely.
    DontSplitMicroservicesEarly,
    /// Don't: plan multi-region yet.
    DontGoMultiRegionEarly,
}

impl StartupPractice {
    /// Every practice: the four do's, then the four don'ts.
    pub const ALL: [StartupPractice; 8] = [
        StartupPractice::CleanCode,
        StartupPractice::UseIndexes,
        StartupPractice::BasicMonitoring,
        StartupPractice::SimpleArchitecture,
        StartupPractice::DontOverEngineer,
        StartupPractice::DontAddCachingEarly,
        StartupPractice::DontSplitMicroservicesEarly,
        StartupPractice::DontGoMultiRegionEarly,
    ];

    /// Whether it is a "do" (rather than a "don't").
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::StartupPractice;
    /// assert!(StartupPractice::BasicMonitoring.is_do());
    /// assert!(!StartupPractice::DontOverEngineer.is_do());
    /// ```
    #[must_use]
    pub const fn is_do(self) -> bool {
        matches!(
            self,
            StartupPractice::CleanCode
                | StartupPractice::UseIndexes
                | StartupPractice::BasicMonitoring
                | StartupPractice::SimpleArchitecture
        )
    }

    /// For a "don't", the component that would be premature at the startup stage.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, patterns::StartupPractice};
    /// assert_eq!(
    ///     StartupPractice::DontGoMultiRegionEarly.premature_component(),
    ///     Some(Component::MultiRegion)
    /// );
    /// assert_eq!(StartupPractice::CleanCode.premature_component(), None);
    /// ```
    #[must_use]
    pub const fn premature_component(self) -> Option<Component> {
        match self {
            StartupPractice::DontAddCachingEarly => Some(Component::Cache),
            StartupPractice::DontSplitMicroservicesEarly => Some(Component::Microservices),
            StartupPractice::DontGoMultiRegionEarly => Some(Component::MultiRegion),
            _ => None,
        }
    }
}

/// An item of a stage checklist.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Component, ComponentSet, patterns::ChecklistItem};
/// let have = ComponentSet::from_components(&[Component::ConnectionPooler]);
/// assert_eq!(ChecklistItem::ConnectionPooling.satisfied_by(have), Some(true));
/// // Whether app servers are stateless does not show in the components.
/// assert_eq!(ChecklistItem::StatelessAppServers.satisfied_by(have), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ChecklistItem {
    /// Scale: application servers keep no local state.
    StatelessAppServers,
    /// Scale: reads and writes go to separate database roles.
    ReadWriteSeparation,
    /// Scale: non-critical paths run asynchronously.
    AsyncNonCriticalPaths,
    /// Scale: circuit breakers between services.
    CircuitBreakers,
    /// Scale: distributed tracing.
    DistributedTracing,
    /// Scale: auto-scaling on the right metrics.
    AutoScaling,
    /// Scale: database connection pooling (PgBouncer, ProxySQL).
    ConnectionPooling,
    /// Enterprise: deployment in several regions.
    MultiRegionDeployment,
    /// Enterprise: data replicated across regions.
    CrossRegionReplication,
    /// Enterprise: a global CDN with edge caching.
    GlobalCdn,
    /// Enterprise: a disaster-recovery plan that has been tested.
    DisasterRecoveryTested,
    /// Enterprise: compliance (SOC 2, GDPR, data residency).
    Compliance,
    /// Enterprise: an architecture that supports a 99.99% SLA.
    FourNinesArchitecture,
    /// Enterprise: deployments without downtime.
    ZeroDowntimeDeployments,
    /// Enterprise: chaos engineering in practice.
    ChaosEngineering,
}

/// The guide's scaling (stage 3) checklist.
pub const SCALING_CHECKLIST: [ChecklistItem; 7] = [
    ChecklistItem::StatelessAppServers,
    ChecklistItem::ReadWriteSeparation,
    ChecklistItem::AsyncNonCriticalPaths,
    ChecklistItem::CircuitBreakers,
    ChecklistItem::DistributedTracing,
    ChecklistItem::AutoScaling,
    ChecklistItem::ConnectionPooling,
];

/// The guide's enterprise (stage 4) checklist.
pub const ENTERPRISE_CHECKLIST: [ChecklistItem; 8] = [
    ChecklistItem::MultiRegionDeployment,
    ChecklistItem::CrossRegionReplication,
    ChecklistItem::GlobalCdn,
    ChecklistItem::DisasterRecoveryTested,
    ChecklistItem::Compliance,
    ChecklistItem::FourNinesArchitecture,
    ChecklistItem::ZeroDowntimeDeployments,
    ChecklistItem::ChaosEngineering,
];

/// The guide's two stage checklists.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{
///     Stage,
///     patterns::{Checklist, ChecklistItem},
/// };
/// assert_eq!(Checklist::Scaling.stage(), Stage::Scale);
/// assert!(
///     Checklist::Enterprise
///         .items()
///         .contains(&ChecklistItem::ChaosEngineering)
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Checklist {
    /// What a stage-3 system should have ([`SCALING_CHECKLIST`]).
    Scaling,
    /// What a stage-4 system should have ([`ENTERPRISE_CHECKLIST`]).
    Enterprise,
}

impl Checklist {
    /// Both checklists, in stage order.
    pub const ALL: [Checklist; 2] = [Checklist::Scaling, Checklist::Enterprise];

    /// The stage the checklist belongs to.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Stage, patterns::Checklist};
    /// assert_eq!(Checklist::Enterprise.stage(), Stage::Enterprise);
    /// ```
    #[must_use]
    pub const fn stage(self) -> Stage {
        match self {
            Checklist::Scaling => Stage::Scale,
            Checklist::Enterprise => Stage::Enterprise,
        }
    }

    /// Its items, in the guide's order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::Checklist;
    /// assert_eq!(Checklist::Scaling.items().len(), 7);
    /// ```
    #[must_use]
    pub const fn items(self) -> &'static [ChecklistItem] {
        match self {
            Checklist::Scaling => &SCALING_CHECKLIST,
            Checklist::Enterprise => &ENTERPRISE_CHECKLIST,
        }
    }

    /// The `snake_case` name.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::Checklist;
    /// assert_eq!(Checklist::Scaling.name(), "scaling");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Checklist::Scaling => "scaling",
            Checklist::Enterprise => "enterprise",
        }
    }
}

impl fmt::Display for Checklist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a checklist item stands for one system.
///
/// # Examples
/// See [`ChecklistItem::status`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case", tag = "status"))]
pub enum ChecklistStatus {
    /// Declared in [`MetricsSnapshot::practices`].
    Declared,
    /// Shown by a component of the declared architecture or by a measured value.
    Shown,
    /// Known to be missing: the architecture was declared without its component, or a
    /// measured value rules it out.
    Gap,
    /// Neither declared nor visible in the snapshot: someone has to check.
    ToVerify,
}

impl ChecklistItem {
    /// Every item: the scaling checklist, then the enterprise checklist.
    pub const ALL: [ChecklistItem; 15] = [
        ChecklistItem::StatelessAppServers,
        ChecklistItem::ReadWriteSeparation,
        ChecklistItem::AsyncNonCriticalPaths,
        ChecklistItem::CircuitBreakers,
        ChecklistItem::DistributedTracing,
        ChecklistItem::AutoScaling,
        ChecklistItem::ConnectionPooling,
        ChecklistItem::MultiRegionDeployment,
        ChecklistItem::CrossRegionReplication,
        ChecklistItem::GlobalCdn,
        ChecklistItem::DisasterRecoveryTested,
        ChecklistItem::Compliance,
        ChecklistItem::FourNinesArchitecture,
        ChecklistItem::ZeroDowntimeDeployments,
        ChecklistItem::ChaosEngineering,
    ];

    /// The `snake_case` name used in snapshot files (`practices = [...]`) and reports.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::ChecklistItem;
    /// assert_eq!(ChecklistItem::ChaosEngineering.name(), "chaos_engineering");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            ChecklistItem::StatelessAppServers => "stateless_app_servers",
            ChecklistItem::ReadWriteSeparation => "read_write_separation",
            ChecklistItem::AsyncNonCriticalPaths => "async_non_critical_paths",
            ChecklistItem::CircuitBreakers => "circuit_breakers",
            ChecklistItem::DistributedTracing => "distributed_tracing",
            ChecklistItem::AutoScaling => "auto_scaling",
            ChecklistItem::ConnectionPooling => "connection_pooling",
            ChecklistItem::MultiRegionDeployment => "multi_region_deployment",
            ChecklistItem::CrossRegionReplication => "cross_region_replication",
            ChecklistItem::GlobalCdn => "global_cdn",
            ChecklistItem::DisasterRecoveryTested => "disaster_recovery_tested",
            ChecklistItem::Compliance => "compliance",
            ChecklistItem::FourNinesArchitecture => "four_nines_architecture",
            ChecklistItem::ZeroDowntimeDeployments => "zero_downtime_deployments",
            ChecklistItem::ChaosEngineering => "chaos_engineering",
        }
    }

    /// What the item asks for, in a few words.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::ChecklistItem;
    /// assert_eq!(
    ///     ChecklistItem::GlobalCdn.title(),
    ///     "a global CDN with edge caching"
    /// );
    /// ```
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            ChecklistItem::StatelessAppServers => "application servers keep no local state",
            ChecklistItem::ReadWriteSeparation => "reads and writes go to separate database roles",
            ChecklistItem::AsyncNonCriticalPaths => "non-critical paths run asynchronously",
            ChecklistItem::CircuitBreakers => "circuit breakers between services",
            ChecklistItem::DistributedTracing => "distributed tracing across services",
            ChecklistItem::AutoScaling => "auto-scaling driven by the right metrics",
            ChecklistItem::ConnectionPooling => "database connection pooling (PgBouncer, ProxySQL)",
            ChecklistItem::MultiRegionDeployment => "deployment in several regions",
            ChecklistItem::CrossRegionReplication => "data replicated across regions",
            ChecklistItem::GlobalCdn => "a global CDN with edge caching",
            ChecklistItem::DisasterRecoveryTested => "disaster recovery tested",
            ChecklistItem::Compliance => "compliance (SOC 2, GDPR, data residency)",
            ChecklistItem::FourNinesArchitecture => "an architecture for a 99.99% SLA",
            ChecklistItem::ZeroDowntimeDeployments => "deployments without downtime",
            ChecklistItem::ChaosEngineering => "chaos engineering in practice",
        }
    }

    /// Looks an item up by its [`name`](ChecklistItem::name).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::ChecklistItem;
    /// assert_eq!(
    ///     ChecklistItem::from_name("global_cdn"),
    ///     Some(ChecklistItem::GlobalCdn)
    /// );
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<ChecklistItem> {
        ChecklistItem::ALL.into_iter().find(|i| i.name() == name)
    }

    /// The checklist the item belongs to.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{Checklist, ChecklistItem};
    /// assert_eq!(
    ///     ChecklistItem::ConnectionPooling.checklist(),
    ///     Checklist::Scaling
    /// );
    /// ```
    #[must_use]
    pub const fn checklist(self) -> Checklist {
        match self {
            ChecklistItem::StatelessAppServers
            | ChecklistItem::ReadWriteSeparation
            | ChecklistItem::AsyncNonCriticalPaths
            | ChecklistItem::CircuitBreakers
            | ChecklistItem::DistributedTracing
            | ChecklistItem::AutoScaling
            | ChecklistItem::ConnectionPooling => Checklist::Scaling,
            _ => Checklist::Enterprise,
        }
    }

    /// The component whose presence satisfies the item, when a component can show it.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, patterns::ChecklistItem};
    /// assert_eq!(
    ///     ChecklistItem::DistributedTracing.component(),
    ///     Some(Component::DistributedTracing)
    /// );
    /// assert_eq!(ChecklistItem::ChaosEngineering.component(), None);
    /// ```
    #[must_use]
    pub const fn component(self) -> Option<Component> {
        match self {
            ChecklistItem::ReadWriteSeparation => Some(Component::ReadReplicas),
            ChecklistItem::AsyncNonCriticalPaths => Some(Component::JobQueue),
            ChecklistItem::CircuitBreakers => Some(Component::CircuitBreakers),
            ChecklistItem::DistributedTracing => Some(Component::DistributedTracing),
            ChecklistItem::AutoScaling => Some(Component::AutoScaling),
            ChecklistItem::ConnectionPooling => Some(Component::ConnectionPooler),
            ChecklistItem::MultiRegionDeployment => Some(Component::MultiRegion),
            ChecklistItem::CrossRegionReplication => Some(Component::CrossRegionReplication),
            ChecklistItem::GlobalCdn => Some(Component::Cdn),
            _ => None,
        }
    }

    /// Whether `architecture` satisfies the item; `None` when components cannot tell.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet, patterns::ChecklistItem};
    /// let have = ComponentSet::from_components(&[Component::AutoScaling]);
    /// assert_eq!(ChecklistItem::AutoScaling.satisfied_by(have), Some(true));
    /// assert_eq!(ChecklistItem::Compliance.satisfied_by(have), None);
    /// ```
    #[must_use]
    pub fn satisfied_by(self, architecture: crate::ComponentSet) -> Option<bool> {
        self.component().map(|c| architecture.contains(c))
    }

    /// The measured metric that makes the item a gap whatever is declared or in place, when
    /// one does: [`Metric::BackgroundTasksBlockRequests`] measured true, for asynchronous
    /// non-critical paths (requests still wait for background work);
    /// [`Metric::AvailabilityTarget`] at 99.99% or more with one
    /// [`Metric::DeployedRegions`], for the four-nines architecture (one region cannot fail
    /// over, the guide's stage-4 trigger). A step that works on that metric closes the gap.
    /// `None` for every other item and value.
    ///
    /// # Examples
    /// ```
    /// use core::num::NonZeroU32;
    /// use scalability_advisor_core::{
    ///     Metric, MetricsSnapshot, patterns::ChecklistItem, units::Ratio,
    /// };
    /// let waiting = MetricsSnapshot::default().with_background_tasks_block_requests(true);
    /// assert_eq!(
    ///     ChecklistItem::AsyncNonCriticalPaths.gap_metric(&waiting),
    ///     Some(Metric::BackgroundTasksBlockRequests)
    /// );
    /// assert_eq!(ChecklistItem::CircuitBreakers.gap_metric(&waiting), None);
    /// let one_region = MetricsSnapshot::default()
    ///     .with_availability_target(Ratio::from_percent(99.99)?)
    ///     .with_deployed_regions(NonZeroU32::MIN);
    /// assert_eq!(
    ///     ChecklistItem::FourNinesArchitecture.gap_metric(&one_region),
    ///     Some(Metric::AvailabilityTarget)
    /// );
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn gap_metric(self, snapshot: &MetricsSnapshot) -> Option<Metric> {
        match self {
            ChecklistItem::AsyncNonCriticalPaths => (snapshot.background_tasks_block_requests
                == Some(true))
            .then_some(Metric::BackgroundTasksBlockRequests),
            ChecklistItem::FourNinesArchitecture => {
                let four_nines = snapshot
                    .availability_target
                    .is_some_and(|t| t.as_fraction() >= FOUR_NINES - 1e-12);
                let one_region =
                    snapshot.deployed_regions.map(core::num::NonZeroU32::get) == Some(1);
                (four_nines && one_region).then_some(Metric::AvailabilityTarget)
            }
            _ => None,
        }
    }

    /// The metrics that measure the pressure the item's component takes off, for the items
    /// whose component is the usual answer to that pressure: a pool in use past its levels,
    /// requests waiting for a connection, or a pool that ran out, for database connection
    /// pooling (a pooler such as PgBouncer multiplexes many client connections over a few
    /// server ones). A step of the plan that works on one of them and recommends the
    /// component is where the item goes when it is a gap. Empty for the other items.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Metric, patterns::ChecklistItem};
    /// assert!(ChecklistItem::ConnectionPooling
    ///     .pressure_metrics()
    ///     .contains(&Metric::DbPoolUsage));
    /// assert!(ChecklistItem::CircuitBreakers.pressure_metrics().is_empty());
    /// ```
    #[must_use]
    pub const fn pressure_metrics(self) -> &'static [Metric] {
        match self {
            ChecklistItem::ConnectionPooling => &[
                Metric::DbPoolUsage,
                Metric::DbConnectionWait,
                Metric::DbPoolExhaustionEvents,
            ],
            _ => &[],
        }
    }

    /// Where the item stands for a system.
    ///
    /// In order: an item whose [`ChecklistItem::gap_metric`] is measured is a
    /// [`ChecklistStatus::Gap`] whatever is declared or in place (asynchronous non-critical
    /// paths while requests still wait for background work, so some of it bypasses the
    /// queue; the four-nines architecture while a 99.99% target is served from one region);
    /// declared in [`MetricsSnapshot::practices`], or installed by a remedy declared done in
    /// [`MetricsSnapshot::tried`] (circuit breakers tried for API timeouts), is
    /// [`ChecklistStatus::Declared`];
    /// its component in place ([`MetricsSnapshot::components_in_place`]: declared, or
    /// proved by a metric only it reports) (for asynchronous non-critical paths, a
    /// job queue or a message queue; for multi-region deployment, also two or more
    /// [`Metric::DeployedRegions`]) is [`ChecklistStatus::Shown`]. It is a
    /// [`ChecklistStatus::Gap`] when the architecture was declared (not empty) without its
    /// component, or when the system runs in one region (multi-region deployment). Anything
    /// else is [`ChecklistStatus::ToVerify`]: an empty
    /// architecture means "not declared", not "nothing in place".
    ///
    /// # Examples
    /// ```
    /// use core::num::NonZeroU32;
    /// use scalability_advisor_core::{
    ///     Component, MetricsSnapshot,
    ///     patterns::{ChecklistItem, ChecklistStatus},
    /// };
    /// let nothing = MetricsSnapshot::default();
    /// assert_eq!(
    ///     ChecklistItem::CircuitBreakers.status(&nothing),
    ///     ChecklistStatus::ToVerify
    /// );
    /// let declared = nothing.clone().with_component(Component::LoadBalancer);
    /// assert_eq!(
    ///     ChecklistItem::CircuitBreakers.status(&declared),
    ///     ChecklistStatus::Gap
    /// );
    /// let one_region = nothing.clone().with_deployed_regions(NonZeroU32::MIN);
    /// assert_eq!(
    ///     ChecklistItem::MultiRegionDeployment.status(&one_region),
    ///     ChecklistStatus::Gap
    /// );
    /// // A job queue in place, but requests still wait for background work.
    /// let bypassed = nothing
    ///     .with_component(Component::JobQueue)
    ///     .with_background_tasks_block_requests(true);
    /// assert_eq!(
    ///     ChecklistItem::AsyncNonCriticalPaths.status(&bypassed),
    ///     ChecklistStatus::Gap
    /// );
    /// ```
    #[must_use]
    pub fn status(self, snapshot: &MetricsSnapshot) -> ChecklistStatus {
        // Requests that still wait for background work are what the item is about: no
        // declaration and no queue in place makes it done while that is measured.
        if self.gap_metric(snapshot).is_some() {
            return ChecklistStatus::Gap;
        }
        // A remedy declared done that installs the item's component (circuit breakers,
        // tried for the API-timeouts ladder) declares the item as well.
        if snapshot.practices.contains(self)
            || self.component().is_some_and(|c| {
                snapshot
                    .tried
                    .iter()
                    .any(|r: crate::Remedy| r.component() == Some(c))
            })
        {
            return ChecklistStatus::Declared;
        }
        let in_place = snapshot.components_in_place();
        if self.satisfied_by(in_place) == Some(true) {
            return ChecklistStatus::Shown;
        }
        // A message queue between services also takes work off the request path.
        if self == ChecklistItem::AsyncNonCriticalPaths
            && in_place.contains(Component::MessageQueue)
        {
            return ChecklistStatus::Shown;
        }
        if self == ChecklistItem::MultiRegionDeployment
            && let Some(regions) = snapshot.deployed_regions
        {
            return if regions.get() >= 2 {
                ChecklistStatus::Shown
            } else {
                ChecklistStatus::Gap
            };
        }
        if self.component().is_some() && !snapshot.architecture.is_empty() {
            return ChecklistStatus::Gap;
        }
        ChecklistStatus::ToVerify
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The enterprise checklist's availability target, 99.99%.
const FOUR_NINES: f64 = 0.9999;

impl fmt::Display for ChecklistItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`ChecklistItem`]s (a bit set: `Copy`, no allocation); serialized as a list of
/// names.
///
/// # Examples
/// ```
/// use scalability_advisor_core::patterns::{ChecklistItem, ChecklistSet};
/// let mut done = ChecklistSet::EMPTY;
/// done.insert(ChecklistItem::ChaosEngineering);
/// assert!(done.contains(ChecklistItem::ChaosEngineering));
/// assert_eq!(done.to_string(), "chaos_engineering");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ChecklistSet(u16);

impl ChecklistSet {
    /// The empty set.
    pub const EMPTY: ChecklistSet = ChecklistSet(0);

    /// Adds an item; returns whether it was absent.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{ChecklistItem, ChecklistSet};
    /// let mut done = ChecklistSet::EMPTY;
    /// assert!(done.insert(ChecklistItem::Compliance));
    /// assert!(!done.insert(ChecklistItem::Compliance));
    /// ```
    pub fn insert(&mut self, item: ChecklistItem) -> bool {
        let absent = !self.contains(item);
        self.0 |= item.bit();
        absent
    }

    /// Whether the set holds `item`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{ChecklistItem, ChecklistSet};
    /// let done: ChecklistSet = [ChecklistItem::Compliance].into_iter().collect();
    /// assert!(done.contains(ChecklistItem::Compliance));
    /// ```
    #[must_use]
    pub const fn contains(self, item: ChecklistItem) -> bool {
        self.0 & item.bit() != 0
    }

    /// Whether the set is empty.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::ChecklistSet;
    /// assert!(ChecklistSet::EMPTY.is_empty());
    /// ```
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the set is empty, by reference (for `serde(skip_serializing_if)`).
    #[cfg(feature = "serde")]
    pub(crate) fn is_empty_ref(&self) -> bool {
        self.is_empty()
    }

    /// The items, in [`ChecklistItem::ALL`] order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::patterns::{ChecklistItem, ChecklistSet};
    /// let done: ChecklistSet = [ChecklistItem::ChaosEngineering, ChecklistItem::AutoScaling]
    ///     .into_iter()
    ///     .collect();
    /// assert_eq!(
    ///     done.iter().collect::<Vec<_>>(),
    ///     [ChecklistItem::AutoScaling, ChecklistItem::ChaosEngineering]
    /// );
    /// ```
    pub fn iter(self) -> impl Iterator<Item = ChecklistItem> {
        ChecklistItem::ALL
            .into_iter()
            .filter(move |i| self.contains(*i))
    }
}

impl FromIterator<ChecklistItem> for ChecklistSet {
    fn from_iter<I: IntoIterator<Item = ChecklistItem>>(iter: I) -> Self {
        let mut set = ChecklistSet::EMPTY;
        for i in iter {
            set.insert(i);
        }
        set
    }
}

impl fmt::Display for ChecklistSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("(none)");
        }
        for (k, i) in self.iter().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            f.write_str(i.name())?;
        }
        Ok(())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ChecklistSet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ChecklistSet".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let item = generator.subschema_for::<ChecklistItem>();
        schemars::json_schema!({ "type": "array", "items": item, "description": "checklist practices in place" })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ChecklistSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ChecklistSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = <Vec<ChecklistItem> as serde::Deserialize>::deserialize(deserializer)?;
        Ok(list.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Ratio;

    fn pct(p: f64) -> Ratio {
        Ratio::from_percent(p).unwrap()
    }

    #[test]
    fn additions_fire_strictly_above_guide_levels() {
        #[track_caller]
        fn check(a: Addition, snap: MetricsSnapshot, fired: bool) {
            let o = a.evaluate(&snap, &AdditionConfig::default());
            assert_eq!(o.is_fired(), fired, "{a}: {o}");
            assert!(!o.is_not_evaluated());
        }
        let s = MetricsSnapshot::default;
        check(
            Addition::Cdn,
            s().with_static_asset_bandwidth_share(pct(20.0)),
            false,
        );
        check(
            Addition::Cdn,
            s().with_static_asset_bandwidth_share(pct(35.0)),
            true,
        );
        check(
            Addition::LoadBalancer,
            s().with_server_cpu(pct(70.0)),
            false,
        );
        check(Addition::LoadBalancer, s().with_server_cpu(pct(71.0)), true);
        check(
            Addition::ReadReplicas,
            s().with_db_read_share(pct(80.0)),
            false,
        );
        check(
            Addition::ReadReplicas,
            s().with_db_read_share(pct(90.0)),
            true,
        );
        check(
            Addition::Cache,
            s().with_repeated_query_share(pct(10.0)),
            false,
        );
        check(
            Addition::Cache,
            s().with_repeated_query_share(pct(40.0)),
            true,
        );
        check(
            Addition::JobQueue,
            s().with_background_tasks_block_requests(false),
            false,
        );
        check(
            Addition::JobQueue,
            s().with_background_tasks_block_requests(true),
            true,
        );
        for a in Addition::ALL {
            assert!(
                a.evaluate(&s(), &AdditionConfig::default())
                    .is_not_evaluated()
            );
        }
    }

    #[test]
    fn checklists_have_guide_lengths() {
        assert_eq!(SCALING_CHECKLIST.len(), 7);
        assert_eq!(ENTERPRISE_CHECKLIST.len(), 8);
        assert_eq!(
            CACHE_LOOKUP_ORDER,
            [
                CacheLayer::Cdn,
                CacheLayer::Application,
                CacheLayer::Database
            ]
        );
    }

    #[test]
    fn additions_name_their_component_level_and_condition() {
        // The guide's "When to Add" column, with our 25% for the cache.
        let config = AdditionConfig::default();
        let expected = [
            (
                Component::Cdn,
                Some(20.0),
                "static_asset_bandwidth_share > 20%",
            ),
            (Component::LoadBalancer, Some(70.0), "server_cpu > 70%"),
            (Component::ReadReplicas, Some(80.0), "db_read_share > 80%"),
            (Component::Cache, Some(25.0), "repeated_query_share > 25%"),
            (
                Component::JobQueue,
                None,
                "background_tasks_block_requests is true",
            ),
        ];
        for (addition, (component, level, condition)) in Addition::ALL.into_iter().zip(expected) {
            assert_eq!(addition.component(), component);
            assert_eq!(Addition::for_component(component), Some(addition));
            assert_eq!(addition.level(&config).map(Ratio::as_percent), level);
            assert_eq!(addition.condition(&config), condition);
        }
        // Components the guide gives no "when to add" for.
        for c in [
            Component::Sharding,
            Component::MultiRegion,
            Component::SingleServer,
        ] {
            assert_eq!(Addition::for_component(c), None);
        }
        // The levels are the config's.
        let lower = AdditionConfig {
            server_cpu: Ratio::from_percent(60.0).unwrap(),
            ..config
        };
        assert_eq!(Addition::LoadBalancer.condition(&lower), "server_cpu > 60%");
    }

    #[test]
    fn requests_waiting_for_background_work_make_async_paths_a_gap_whatever_is_in_place() {
        let item = ChecklistItem::AsyncNonCriticalPaths;
        let queue = MetricsSnapshot::default().with_component(Component::JobQueue);
        let bus = MetricsSnapshot::default().with_component(Component::MessageQueue);
        let said = MetricsSnapshot::default()
            .with_component(Component::LoadBalancer)
            .with_practice(item);
        // Nothing blocking measured: the queue shows it, the declaration declares it.
        for (snap, status) in [
            (&queue, ChecklistStatus::Shown),
            (&bus, ChecklistStatus::Shown),
            (&said, ChecklistStatus::Declared),
        ] {
            assert_eq!(item.status(snap), status);
            let calm = snap.clone().with_background_tasks_block_requests(false);
            assert_eq!(item.status(&calm), status);
            // Measured blocking: a gap, queue or declaration notwithstanding.
            let blocking = snap.clone().with_background_tasks_block_requests(true);
            assert_eq!(item.status(&blocking), ChecklistStatus::Gap);
        }
        // Only this item: blocking work says nothing of circuit breakers.
        let breakers = MetricsSnapshot::default()
            .with_component(Component::CircuitBreakers)
            .with_background_tasks_block_requests(true);
        assert_eq!(
            ChecklistItem::CircuitBreakers.status(&breakers),
            ChecklistStatus::Shown
        );
    }

    /// A remedy declared done in `tried` puts its component in place as surely as a
    /// practice declared done: circuit breakers tried for the API-timeouts ladder are the
    /// checklist's circuit breakers between services, a job queue tried for async
    /// processing is its asynchronous non-critical paths, read replicas its separation of
    /// reads and writes. A remedy with no component (indexes) declares nothing, and a
    /// queue declared while requests still wait for background work stays a gap.
    #[test]
    fn only_requests_waiting_for_background_work_make_a_measured_gap() {
        let waiting = MetricsSnapshot::default().with_background_tasks_block_requests(true);
        let free = MetricsSnapshot::default().with_background_tasks_block_requests(false);
        for item in Checklist::ALL.iter().flat_map(|c| c.items()) {
            let expected = (*item == ChecklistItem::AsyncNonCriticalPaths)
                .then_some(Metric::BackgroundTasksBlockRequests);
            assert_eq!(item.gap_metric(&waiting), expected, "{item}");
            assert_eq!(item.gap_metric(&free), None, "{item}");
            assert_eq!(item.gap_metric(&MetricsSnapshot::default()), None, "{item}");
        }
    }

    #[test]
    fn a_remedy_declared_done_declares_the_checklist_item_it_installs() {
        use crate::Remedy;
        let declared = MetricsSnapshot::default().with_component(Component::LoadBalancer);
        for (remedy, item) in [
            (Remedy::CircuitBreakers, ChecklistItem::CircuitBreakers),
            (
                Remedy::AsyncProcessing,
                ChecklistItem::AsyncNonCriticalPaths,
            ),
            (Remedy::ReadReplicas, ChecklistItem::ReadWriteSeparation),
        ] {
            assert_eq!(item.status(&declared), ChecklistStatus::Gap, "{item}");
            let tried = declared.clone().with_tried(remedy);
            assert_eq!(item.status(&tried), ChecklistStatus::Declared, "{item}");
        }
        let indexed = declared.clone().with_tried(Remedy::AddIndexes);
        for item in Checklist::ALL.iter().flat_map(|c| c.items()) {
            assert_eq!(item.status(&indexed), item.status(&declared), "{item}");
        }
        let blocking = declared
            .with_tried(Remedy::AsyncProcessing)
            .with_background_tasks_block_requests(true);
        assert_eq!(
            ChecklistItem::AsyncNonCriticalPaths.status(&blocking),
            ChecklistStatus::Gap
        );
    }

    #[test]
    fn checklist_status_separates_gaps_from_unknowns() {
        use core::num::NonZeroU32;
        #[track_caller]
        fn check(item: ChecklistItem, snap: &MetricsSnapshot, expected: ChecklistStatus) {
            assert_eq!(item.status(snap), expected, "{item}");
        }
        let nothing = MetricsSnapshot::default();
        let declared = nothing.clone().with_component(Component::LoadBalancer);
        let two = NonZeroU32::new(2).unwrap();
        check(
            ChecklistItem::DistributedTracing,
            &nothing,
            ChecklistStatus::ToVerify,
        );
        check(
            ChecklistItem::DistributedTracing,
            &declared,
            ChecklistStatus::Gap,
        );
        check(
            ChecklistItem::DistributedTracing,
            &declared
                .clone()
                .with_component(Component::DistributedTracing),
            ChecklistStatus::Shown,
        );
        check(
            ChecklistItem::DistributedTracing,
            &declared
                .clone()
                .with_practice(ChecklistItem::DistributedTracing),
            ChecklistStatus::Declared,
        );
        // Items no component shows stay to verify even with an architecture.
        check(
            ChecklistItem::ChaosEngineering,
            &declared,
            ChecklistStatus::ToVerify,
        );
        check(
            ChecklistItem::MultiRegionDeployment,
            &nothing.clone().with_deployed_regions(two),
            ChecklistStatus::Shown,
        );
        let four_nines = nothing
            .clone()
            .with_availability_target(pct(99.99))
            .with_deployed_regions(NonZeroU32::MIN);
        check(
            ChecklistItem::FourNinesArchitecture,
            &four_nines,
            ChecklistStatus::Gap,
        );
        check(
            ChecklistItem::FourNinesArchitecture,
            &nothing
                .with_availability_target(pct(99.99))
                .with_deployed_regions(two),
            ChecklistStatus::ToVerify,
        );
        for c in Checklist::ALL {
            assert!(c.items().iter().all(|i| i.checklist() == c));
        }
        for i in ChecklistItem::ALL {
            assert_eq!(ChecklistItem::from_name(i.name()), Some(i));
        }
        assert_eq!(
            ChecklistItem::ALL.len(),
            SCALING_CHECKLIST.len() + ENTERPRISE_CHECKLIST.len()
        );
    }

    #[test]
    fn do_and_dont_split_evenly() {
        assert_eq!(StartupPractice::ALL.iter().filter(|p| p.is_do()).count(), 4);
        let premature: Vec<_> = StartupPractice::ALL
            .iter()
            .filter_map(|p| p.premature_component())
            .collect();
        assert_eq!(
            premature,
            [
                Component::Cache,
                Component::Microservices,
                Component::MultiRegion
            ]
        );
    }
}
