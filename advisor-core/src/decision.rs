//! The scaling decision matrix: for each symptom, what to try first, then, and finally.

use core::fmt;

use crate::architecture::{Component, ComponentSet};
use crate::classify::AdvisorConfig;
use crate::evidence::{Basis, Check, Evidence};
use crate::series::History;
use crate::snapshot::{Metric, MetricsSnapshot, Quantity};
use crate::thresholds::Direction;
use crate::units::{Count, Rate, Ratio};

/// A symptom a team reports, with an escalation ladder of remedies.
///
/// | symptom | first try | then try | finally |
/// |---|---|---|---|
/// | slow page loads | add caching | CDN | edge compute |
/// | database slow | add indexes | read replicas | sharding |
/// | API timeouts | async processing | circuit breakers | event-driven architecture |
/// | high server CPU | vertical scaling | horizontal scaling | optimise code |
/// | high memory | more RAM | fix memory leaks | redesign data structures |
///
/// # Examples
/// ```
/// use scalability_advisor_core::{
///     Component, ComponentSet, LadderStep, NextStep, Remedy, RemedySet, Symptom,
/// };
/// assert_eq!(
///     Symptom::DatabaseSlow.ladder(),
///     [Remedy::AddIndexes, Remedy::ReadReplicas, Remedy::Sharding]
/// );
///
/// // Indexes were tried and replicas are in place: sharding is next.
/// let tried = RemedySet::from_remedies(&[Remedy::AddIndexes]);
/// let have = ComponentSet::from_components(&[Component::ReadReplicas]);
/// assert_eq!(
///     Symptom::DatabaseSlow.next_step(tried, have),
///     NextStep::Try {
///         step: LadderStep::Finally,
///         remedy: Remedy::Sharding
///     }
/// );
/// ```
///
/// # References
/// The guide, "Quick Reference", "Scaling Decision Matrix".
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Symptom {
    /// Pages take long to load; seen in [`Metric::P95ResponseTime`].
    SlowPageLoads,
    /// The database is slow; seen in [`Metric::SlowestQueryTime`] and [`Metric::DbCpu`].
    DatabaseSlow,
    /// API calls time out; seen in [`Metric::ExternalApiTimeoutShare`].
    ApiTimeouts,
    /// Application servers run hot; seen in [`Metric::ServerCpu`].
    HighServerCpu,
    /// Application servers run out of memory; seen in [`Metric::MemoryUsage`].
    HighMemory,
}

/// A remedy on an escalation ladder.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Remedy {
    /// Cache responses and query results.
    AddCaching,
    /// Serve static content from a CDN.
    Cdn,
    /// Run logic at the CDN edge.
    EdgeCompute,
    /// Index the columns hot queries filter on.
    AddIndexes,
    /// Move reads to replicas.
    ReadReplicas,
    /// Split the data over shards.
    Sharding,
    /// Move slow work off the request path.
    AsyncProcessing,
    /// Stop calling a failing dependency for a while.
    CircuitBreakers,
    /// Decouple services through events.
    EventDriven,
    /// Move to a bigger machine.
    VerticalScale,
    /// Add machines behind a load balancer.
    HorizontalScale,
    /// Make the code cheaper to run.
    OptimizeCode,
    /// Add memory.
    IncreaseRam,
    /// Find and fix leaks.
    FixMemoryLeaks,
    /// Use more compact data structures.
    RedesignDataStructures,
}

/// A rung of an escalation ladder.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum LadderStep {
    /// The cheapest remedy, tried first.
    First,
    /// The next remedy.
    Then,
    /// The last resort.
    Finally,
}

/// What to do next for a symptom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum NextStep {
    /// Try this remedy, the lowest untried rung.
    Try {
        /// The rung.
        step: LadderStep,
        /// The remedy.
        remedy: Remedy,
    },
    /// Every rung is tried or in place; look beyond the matrix.
    Exhausted,
}

/// Where a rung of a ladder stands for one system.
///
/// # Examples
/// See [`Symptom::position`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case", tag = "state"))]
pub enum RungState {
    /// Listed in the snapshot's [`MetricsSnapshot::tried`].
    Declared,
    /// The component the remedy installs is in the declared architecture.
    InPlace {
        /// The component.
        component: Component,
    },
    /// Declared or in place, but the snapshot shows it is not finished (for example tables
    /// still read by sequential scans after indexes were "reviewed"); the ladder stays here.
    Incomplete {
        /// What shows it.
        evidence: Evidence,
    },
    /// "Add indexes" declared done, but a table of the snapshot is still read only by
    /// sequential scans ([`TableStats::lacks_index`](crate::TableStats::lacks_index)); the
    /// ladder stays here.
    UnindexedTable {
        /// The table's position in [`MetricsSnapshot::tables`].
        table: usize,
    },
    /// Neither declared nor in place, but the snapshot shows the rung is not what the
    /// symptom needs, so the ladder goes past it. Four rungs have such a measure:
    ///
    /// - "Add indexes": the guide's database checklist finds missing indexes by tables
    ///   scanned sequentially more than 10,000 times, so a busiest table scanned fewer times
    ///   than that (the `evidence`), no single query over the slow-query level (100 ms, when
    ///   measured) and no table of the snapshot read only by sequential scans say no index
    ///   is missing. At exactly the level the rung stays (not done).
    /// - "Increase RAM": a [`Metric::MemoryUsage`] series rising significantly (the
    ///   `evidence`, the same trend that shows the next rung, "fix memory leaks", unfinished)
    ///   is a leak, which more memory only delays; the ladder goes on to the leak, and more
    ///   memory is at most a stopgap.
    /// - "Serve content from a CDN": static assets measured under the guide's share for a
    ///   CDN (Key Additions: more than 20% of the bandwidth; the `evidence`), unless users
    ///   far from the servers are measured waiting past the remote-latency level (500 ms),
    ///   for whom a CDN's edge helps whatever the share. At exactly the share the rung stays.
    /// - "Run logic at the edge": users measured all in one region, or the far ones measured
    ///   served under the remote-latency level, or sooner than users overall (under
    ///   [`Metric::P95ResponseTime`]) (the `evidence`): nobody waits far enough away, or
    ///   the distance adds nothing measured, for the edge to help. At exactly the level (or
    ///   the overall P95) the rung stays.
    NotNeeded {
        /// What shows it: the busiest table's sequential scans below the level, the rising
        /// memory series, the static share below the CDN's, or where the users are.
        evidence: Evidence,
    },
    /// Not known to be done.
    NotDone,
}

impl RungState {
    /// Whether the rung counts as done.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, RungState};
    /// assert!(
    ///     RungState::InPlace {
    ///         component: Component::Cache
    ///     }
    ///     .is_done()
    /// );
    /// assert!(!RungState::NotDone.is_done());
    /// ```
    #[must_use]
    pub const fn is_done(&self) -> bool {
        matches!(
            self,
            RungState::Declared | RungState::InPlace { .. } | RungState::NotNeeded { .. }
        )
    }
}

/// One rung of a ladder with its state.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Rung {
    /// First, then or finally.
    pub step: LadderStep,
    /// The remedy.
    pub remedy: Remedy,
    /// Whether it is done, and how that is known.
    pub state: RungState,
}

/// How far up its ladder a system is for one symptom: every rung's state and the rung to
/// advise.
///
/// The rung to advise is the lowest one not known to be done. A rung is done when it is
/// declared tried ([`MetricsSnapshot::tried`]) or the component it installs is in place
/// (declared, or proved by a metric only it reports:
/// [`MetricsSnapshot::components_in_place`]), unless the snapshot shows it unfinished
/// ([`RungState::Incomplete`]). Nothing is guessed: having read replicas says nothing about
/// indexes.
///
/// # Examples
/// See [`Symptom::position`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LadderPosition {
    /// The symptom.
    pub symptom: Symptom,
    /// The three rungs, first to finally.
    pub rungs: [Rung; 3],
    /// The rung to advise, or [`NextStep::Exhausted`].
    pub next: NextStep,
}

impl LadderPosition {
    /// The rung to advise, when one is left.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     AdvisorConfig, History, MetricsSnapshot, Remedy, Symptom,
    /// };
    /// let p = Symptom::HighMemory.position(
    ///     &MetricsSnapshot::default(),
    ///     &History::new(),
    ///     &AdvisorConfig::default(),
    /// );
    /// assert_eq!(p.current().map(|r| r.remedy), Some(Remedy::IncreaseRam));
    /// ```
    #[must_use]
    pub fn current(&self) -> Option<&Rung> {
        match self.next {
            NextStep::Try { step, .. } => self.rungs.get(step as usize),
            NextStep::Exhausted => None,
        }
    }
}

/// The levels the decision matrix's ladders read: those that show a rung declared done is
/// not finished, and how soon a leak must be fixed; every field can be changed.
///
/// | field | default | source |
/// |---|---|---|
/// | `leak_critical_within` | 24 h | ours: monitoring practice pages for a resource projected to run out within hours (Prometheus's `predict_linear` documentation alerts on a disk that fills within 4 hours) and files a ticket for one that lasts days; a leak that fills memory before the next working day cannot wait for a ticket |
/// | `missing_index_seq_scans` | 10,000 | the guide's health check: "missing indexes (seq scans > 10K)" |
/// | `cache_hit_floor` | 80% | DigitalOcean, glossary "cache hit ratio": keep a cache's hit ratio at 0.8 or higher |
/// | `cache_full_headroom` | 10% | ours: Redis evicts keys only once its memory is used up (`maxmemory`; AWS's knowledge-center article "high or increasing memory usage in my ElastiCache cluster": eviction starts when `DatabaseMemoryUsagePercentage` reaches 100%); under 10% free, as the 90% warning level of the servers' memory, a snapshot's cache is taken as full |
/// | `missing_index_table_scans` | 1,000 a day | the guide's query "idx_scan = 0 AND seq_scan > 1000", counted per day (the window is ours) |
/// | `missing_index_min_rows` | 10,000 | the missing-index query of Stack Overflow answer 12818168 (`n_live_tup > 10000`) |
///
/// # Examples
/// ```
/// use scalability_advisor_core::LadderConfig;
/// assert_eq!(
///     LadderConfig::default().missing_index_seq_scans.get(),
///     10_000
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct LadderConfig {
    /// Sequential scans of the busiest table above which indexes are not done.
    pub missing_index_seq_scans: Count,
    /// Application-cache hit rate below which caching is not done.
    pub cache_hit_floor: Ratio,
    /// Free share of the cache's memory ([`Metric::CacheMemoryHeadroom`]) under which a
    /// cache is taken as full, evicting keys to store new ones: a cache that misses then
    /// needs memory for its working set before its keys and TTLs are reviewed.
    ///
    /// [`Metric::CacheMemoryHeadroom`]: crate::Metric::CacheMemoryHeadroom
    pub cache_full_headroom: Ratio,
    /// Sequential scans per second of a table with no index scans above which indexes are
    /// not done.
    pub missing_index_table_scans: Rate,
    /// Live rows from which a table is expected to be indexed.
    pub missing_index_min_rows: Count,
    /// How soon memory climbing as a leak does must reach 100% (at the series' measured
    /// rate) for the step that fixes the leak to be critical (file key
    /// `leak_critical_within_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "leak_critical_within_ms", with = "crate::serde_ms::required")
    )]
    pub leak_critical_within: core::time::Duration,
}

impl Default for LadderConfig {
    fn default() -> Self {
        LadderConfig {
            missing_index_seq_scans: Count::new(crate::bottleneck::MISSING_INDEX_SEQ_SCANS),
            cache_hit_floor: Ratio::from_fraction_const(0.80),
            cache_full_headroom: Ratio::from_fraction_const(0.10),
            missing_index_table_scans: Rate::from_per_second(1_000.0 / 86_400.0)
                .unwrap_or_default(),
            missing_index_min_rows: Count::new(10_000),
            leak_critical_within: core::time::Duration::from_secs(24 * 3_600),
        }
    }
}

impl Symptom {
    /// Every symptom, in the guide's order.
    pub const ALL: [Symptom; 5] = [
        Symptom::SlowPageLoads,
        Symptom::DatabaseSlow,
        Symptom::ApiTimeouts,
        Symptom::HighServerCpu,
        Symptom::HighMemory,
    ];

    /// The `snake_case` name.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Symptom;
    /// assert_eq!(Symptom::ApiTimeouts.name(), "api_timeouts");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Symptom::SlowPageLoads => "slow_page_loads",
            Symptom::DatabaseSlow => "database_slow",
            Symptom::ApiTimeouts => "api_timeouts",
            Symptom::HighServerCpu => "high_server_cpu",
            Symptom::HighMemory => "high_memory",
        }
    }

    /// The escalation ladder: first, then, finally.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Remedy, Symptom};
    /// assert_eq!(
    ///     Symptom::HighServerCpu.ladder(),
    ///     [
    ///         Remedy::VerticalScale,
    ///         Remedy::HorizontalScale,
    ///         Remedy::OptimizeCode
    ///     ]
    /// );
    /// ```
    #[must_use]
    pub const fn ladder(self) -> [Remedy; 3] {
        match self {
            Symptom::SlowPageLoads => [Remedy::AddCaching, Remedy::Cdn, Remedy::EdgeCompute],
            Symptom::DatabaseSlow => [Remedy::AddIndexes, Remedy::ReadReplicas, Remedy::Sharding],
            Symptom::ApiTimeouts => [
                Remedy::AsyncProcessing,
                Remedy::CircuitBreakers,
                Remedy::EventDriven,
            ],
            Symptom::HighServerCpu => [
                Remedy::VerticalScale,
                Remedy::HorizontalScale,
                Remedy::OptimizeCode,
            ],
            Symptom::HighMemory => [
                Remedy::IncreaseRam,
                Remedy::FixMemoryLeaks,
                Remedy::RedesignDataStructures,
            ],
        }
    }

    /// The snapshot metrics that show the symptom.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Metric, Symptom};
    /// assert_eq!(
    ///     Symptom::DatabaseSlow.signals(),
    ///     [Metric::SlowestQueryTime, Metric::DbCpu]
    /// );
    /// ```
    #[must_use]
    pub const fn signals(self) -> &'static [Metric] {
        match self {
            Symptom::SlowPageLoads => &[Metric::P95ResponseTime],
            Symptom::DatabaseSlow => &[Metric::SlowestQueryTime, Metric::DbCpu],
            Symptom::ApiTimeouts => &[Metric::ExternalApiTimeoutShare],
            Symptom::HighServerCpu => &[Metric::ServerCpu],
            Symptom::HighMemory => &[Metric::MemoryUsage],
        }
    }

    /// The lowest rung not yet tried.
    ///
    /// A remedy counts as tried when it is in `tried`, or when the component it installs
    /// ([`Remedy::component`]) is already in `architecture`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     ComponentSet, LadderStep, NextStep, Remedy, RemedySet, Symptom,
    /// };
    /// let next = Symptom::HighMemory.next_step(
    ///     RemedySet::from_remedies(&[Remedy::IncreaseRam]),
    ///     ComponentSet::EMPTY,
    /// );
    /// assert_eq!(
    ///     next,
    ///     NextStep::Try {
    ///         step: LadderStep::Then,
    ///         remedy: Remedy::FixMemoryLeaks
    ///     }
    /// );
    /// ```
    #[must_use]
    pub fn next_step(self, tried: RemedySet, architecture: ComponentSet) -> NextStep {
        let steps = [LadderStep::First, LadderStep::Then, LadderStep::Finally];
        for (step, remedy) in steps.into_iter().zip(self.ladder()) {
            let in_place = remedy.in_place(architecture).is_some();
            if !tried.contains(remedy) && !in_place {
                return NextStep::Try { step, remedy };
            }
        }
        NextStep::Exhausted
    }
}

impl Symptom {
    /// Where the system stands on this symptom's ladder: each rung's state and the rung to
    /// advise (see [`LadderPosition`]).
    ///
    /// A rung declared done is reopened ([`RungState::Incomplete`]) when the snapshot shows
    /// otherwise:
    ///
    /// | rung | reopened when |
    /// |---|---|
    /// | add indexes | [`Metric::DbMaxSeqScans`] above [`LadderConfig::missing_index_seq_scans`], or a table that [lacks an index](crate::TableStats::lacks_index) ([`RungState::UnindexedTable`]) |
    /// | add caching | [`Metric::CacheHitRate`] below [`LadderConfig::cache_hit_floor`] |
    /// | async processing | [`Metric::BackgroundTasksBlockRequests`] is yes |
    /// | fix memory leaks | a [`Metric::MemoryUsage`] series is rising (see [`crate::Trend::is_degrading`]) |
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     AdvisorConfig, Component, History, LadderStep, MetricsSnapshot, NextStep, Remedy,
    ///     RungState, Symptom, units::Count,
    /// };
    /// let cfg = AdvisorConfig::default();
    /// // Replicas in place, nothing declared about indexes: indexes come first.
    /// let snap = MetricsSnapshot::default().with_component(Component::ReadReplicas);
    /// let p = Symptom::DatabaseSlow.position(&snap, &History::new(), &cfg);
    /// assert_eq!(
    ///     p.next,
    ///     NextStep::Try {
    ///         step: LadderStep::First,
    ///         remedy: Remedy::AddIndexes
    ///     }
    /// );
    ///
    /// // Indexes declared reviewed: sharding is next.
    /// let snap = snap.with_tried(Remedy::AddIndexes);
    /// let p = Symptom::DatabaseSlow.position(&snap, &History::new(), &cfg);
    /// assert_eq!(
    ///     p.next,
    ///     NextStep::Try {
    ///         step: LadderStep::Finally,
    ///         remedy: Remedy::Sharding
    ///     }
    /// );
    ///
    /// // ...unless a table is still scanned sequentially 25,000 times: back to indexes.
    /// let snap = snap.with_db_max_seq_scans(Count::new(25_000));
    /// let p = Symptom::DatabaseSlow.position(&snap, &History::new(), &cfg);
    /// assert_eq!(
    ///     p.next,
    ///     NextStep::Try {
    ///         step: LadderStep::First,
    ///         remedy: Remedy::AddIndexes
    ///     }
    /// );
    /// assert!(matches!(p.rungs[0].state, RungState::Incomplete { .. }));
    /// ```
    #[must_use]
    pub fn position(
        self,
        snapshot: &MetricsSnapshot,
        history: &History,
        config: &AdvisorConfig,
    ) -> LadderPosition {
        let steps = [LadderStep::First, LadderStep::Then, LadderStep::Finally];
        let ladder = self.ladder();
        let rungs = [0, 1, 2].map(|i| {
            let remedy = ladder[i];
            let state = remedy.state(snapshot, history, config);
            Rung {
                step: steps[i],
                remedy,
                state,
            }
        });
        let next = rungs
            .iter()
            .find(|r| !r.state.is_done())
            .map_or(NextStep::Exhausted, |r| NextStep::Try {
                step: r.step,
                remedy: r.remedy,
            });
        LadderPosition {
            symptom: self,
            rungs,
            next,
        }
    }

    /// A short title for the symptom, as a report heading uses it ("database slow").
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Symptom;
    /// assert_eq!(Symptom::DatabaseSlow.title(), "database slow");
    /// ```
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            Symptom::SlowPageLoads => "slow page loads",
            Symptom::DatabaseSlow => "database slow",
            Symptom::ApiTimeouts => "API timeouts",
            Symptom::HighServerCpu => "high server CPU",
            Symptom::HighMemory => "high memory",
        }
    }

    /// Looks a symptom up by its [`name`](Symptom::name).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Symptom;
    /// assert_eq!(Symptom::from_name("high_memory"), Some(Symptom::HighMemory));
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Symptom> {
        Symptom::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl LadderConfig {
    /// The position in [`MetricsSnapshot::tables`] of the first table read only by
    /// sequential scans ([`TableStats::lacks_index`](crate::TableStats::lacks_index) at
    /// these levels), if any: what reopens "add indexes" declared done.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{
    ///     Entities, EntityName, LadderConfig, MetricsSnapshot, TableStats, units::Count,
    /// };
    /// let events = TableStats::new(EntityName::table("events")?)
    ///     .with_rows(Count::new(500_000))
    ///     .with_seq_scans(Count::new(1_107))
    ///     .with_index_scans(Count::new(0))
    ///     .with_period(Duration::from_secs(60));
    /// let snap = MetricsSnapshot {
    ///     tables: Some(Entities::new(vec![events])?),
    ///     ..MetricsSnapshot::default()
    /// };
    /// assert_eq!(LadderConfig::default().first_unindexed(&snap), Some(0));
    /// assert_eq!(LadderConfig::default().first_unindexed(&MetricsSnapshot::default()), None);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn first_unindexed(&self, snapshot: &MetricsSnapshot) -> Option<usize> {
        snapshot.tables.as_ref()?.iter().position(|t| {
            t.lacks_index(self.missing_index_min_rows, self.missing_index_table_scans) == Some(true)
        })
    }
}

impl Remedy {
    /// The state of this remedy's rung for a system (see [`Symptom::position`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     AdvisorConfig, Component, History, MetricsSnapshot, Remedy, RungState,
    /// };
    /// let snap = MetricsSnapshot::default().with_component(Component::Cache);
    /// let state = Remedy::AddCaching.state(&snap, &History::new(), &AdvisorConfig::default());
    /// assert_eq!(
    ///     state,
    ///     RungState::InPlace {
    ///         component: Component::Cache
    ///     }
    /// );
    /// ```
    #[must_use]
    pub fn state(
        self,
        snapshot: &MetricsSnapshot,
        history: &History,
        config: &AdvisorConfig,
    ) -> RungState {
        let in_place = self.in_place(snapshot.components_in_place());
        let declared = snapshot.tried.contains(self);
        if !declared && in_place.is_none() {
            return match self.not_needed(snapshot, history, config) {
                Some(evidence) => RungState::NotNeeded { evidence },
                None => RungState::NotDone,
            };
        }
        if let Some(evidence) = self.unfinished(snapshot, history, config) {
            return RungState::Incomplete { evidence };
        }
        if self == Remedy::AddIndexes
            && let Some(table) = config.ladders.first_unindexed(snapshot)
        {
            return RungState::UnindexedTable { table };
        }
        match in_place {
            Some(component) => RungState::InPlace { component },
            None => RungState::Declared,
        }
    }

    /// Evidence that this remedy, neither declared nor in place, has nothing to do (see
    /// [`RungState::NotNeeded`]).
    fn not_needed(
        self,
        snapshot: &MetricsSnapshot,
        history: &History,
        config: &AdvisorConfig,
    ) -> Option<Evidence> {
        match self {
            Remedy::IncreaseRam => return rising_memory(history, config),
            Remedy::Cdn => return cdn_not_needed(snapshot, config),
            Remedy::EdgeCompute => return edge_not_needed(snapshot, config),
            Remedy::AddIndexes => {}
            _ => return None,
        }
        let ladders = &config.ladders;
        let scans = snapshot.db_max_seq_scans?;
        let slow = snapshot
            .slowest_query_time
            .is_some_and(|t| t > config.triggers.slow_query_level);
        let unindexed = config.ladders.first_unindexed(snapshot).is_some();
        (scans < ladders.missing_index_seq_scans && !slow && !unindexed).then_some(Evidence {
            metric: Metric::DbMaxSeqScans,
            observed: Quantity::Count(scans),
            check: Check::Below,
            threshold: Some(Quantity::Count(ladders.missing_index_seq_scans)),
            basis: Basis::Snapshot,
        })
    }

    /// Evidence that this remedy, though declared or in place, is not finished.
    fn unfinished(
        self,
        snapshot: &MetricsSnapshot,
        history: &History,
        config: &AdvisorConfig,
    ) -> Option<Evidence> {
        let ladders = &config.ladders;
        match self {
            Remedy::AddIndexes => {
                let scans = snapshot.db_max_seq_scans?;
                (scans > ladders.missing_index_seq_scans).then(|| {
                    snap_evidence(
                        Metric::DbMaxSeqScans,
                        Quantity::Count(scans),
                        Check::Above,
                        Quantity::Count(ladders.missing_index_seq_scans),
                    )
                })
            }
            Remedy::AddCaching => {
                let hit = snapshot.cache_hit_rate?;
                (hit < ladders.cache_hit_floor).then(|| {
                    snap_evidence(
                        Metric::CacheHitRate,
                        Quantity::Ratio(hit),
                        Check::Below,
                        Quantity::Ratio(ladders.cache_hit_floor),
                    )
                })
            }
            Remedy::AsyncProcessing => snapshot
                .background_tasks_block_requests
                .filter(|blocks| *blocks)
                .map(|_| {
                    snap_evidence(
                        Metric::BackgroundTasksBlockRequests,
                        Quantity::Flag(true),
                        Check::IsTrue,
                        Quantity::Flag(true),
                    )
                }),
            Remedy::FixMemoryLeaks => rising_memory(history, config),
            _ => None,
        }
    }

    /// A short imperative title ("add read replicas").
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Remedy;
    /// assert_eq!(
    ///     Remedy::VerticalScale.title(),
    ///     "scale up to a bigger machine"
    /// );
    /// ```
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            Remedy::AddCaching => "cache what is computed again and again",
            Remedy::Cdn => "serve content from a CDN",
            Remedy::EdgeCompute => "run logic at the edge",
            Remedy::AddIndexes => "add the missing indexes",
            Remedy::ReadReplicas => "add read replicas",
            Remedy::Sharding => "shard the data",
            Remedy::AsyncProcessing => "move slow work off the request path",
            Remedy::CircuitBreakers => "add circuit breakers",
            Remedy::EventDriven => "replace waiting calls with events",
            Remedy::VerticalScale => "scale up to a bigger machine",
            Remedy::HorizontalScale => "scale out behind a load balancer",
            Remedy::OptimizeCode => "optimise the hot code paths",
            Remedy::IncreaseRam => "add memory",
            Remedy::FixMemoryLeaks => "find and fix memory leaks",
            Remedy::RedesignDataStructures => "redesign the data structures",
        }
    }

    /// What the remedy involves, in a sentence or two.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Remedy;
    /// assert!(Remedy::ReadReplicas.advice().contains("primary"));
    /// ```
    #[must_use]
    pub const fn advice(self) -> &'static str {
        match self {
            Remedy::AddCaching => {
                "Put an application cache such as Redis in front of the database for data read far more often than written; query results suit TTLs of 1 to 5 minutes, user profiles 5 to 15."
            }
            Remedy::Cdn => {
                "Serve static assets and cacheable pages from a CDN close to users, so most requests never reach the origin."
            }
            Remedy::EdgeCompute => {
                "Move personalisation and routing logic to the CDN's edge so pages are assembled near the user."
            }
            Remedy::AddIndexes => {
                "Find the slowest and most frequent queries (pg_stat_statements) and the tables read by sequential scans, and index the columns they filter and join on."
            }
            Remedy::ReadReplicas => {
                "Send reads to replicas and keep writes on the primary; read-after-write paths stay on the primary."
            }
            Remedy::Sharding => {
                "Split the data over several primaries by a key (hash, range or a lookup directory) so writes and storage scale out."
            }
            Remedy::AsyncProcessing => {
                "Put slow or failure-prone work on a job queue and answer the request without waiting for it."
            }
            Remedy::CircuitBreakers => {
                "Stop calling a failing dependency for a while once its errors pass a limit, and serve a fallback or a cached answer instead."
            }
            Remedy::EventDriven => {
                "Turn the calls a request still waits on into events: the request publishes an event on a message queue and answers at once; services, or a worker calling the provider, act on it and report the outcome as an event of their own (a webhook, a status the page reads), instead of a chain of calls the request waits for."
            }
            Remedy::VerticalScale => {
                "Give the servers more CPU (a bigger machine or instance type): the quickest relief, with no change to the code or the architecture."
            }
            Remedy::HorizontalScale => {
                "Run several stateless application servers behind a load balancer and add servers as load grows."
            }
            Remedy::OptimizeCode => {
                "Profile the busiest endpoints and make their hot paths cheaper; the fleet is already scaled out."
            }
            Remedy::IncreaseRam => "Give the servers more memory: the quickest relief.",
            Remedy::FixMemoryLeaks => {
                "Memory is still high after more was added: compare heap profiles taken hours apart and fix what keeps growing (caches without bounds, listeners and buffers never released)."
            }
            Remedy::RedesignDataStructures => {
                "With more memory added and the leaks fixed, what is left is the data itself: use more compact representations, stream instead of loading whole sets, and evict what is cold."
            }
        }
    }

    /// Looks a remedy up by its [`name`](Remedy::name).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Remedy;
    /// assert_eq!(Remedy::from_name("add_indexes"), Some(Remedy::AddIndexes));
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Remedy> {
        Remedy::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The symptom whose ladder this remedy is a rung of, and which rung.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{LadderStep, Remedy, Symptom};
    /// assert_eq!(
    ///     Remedy::ReadReplicas.rung(),
    ///     (Symptom::DatabaseSlow, LadderStep::Then)
    /// );
    /// ```
    #[must_use]
    pub const fn rung(self) -> (Symptom, LadderStep) {
        match self {
            Remedy::AddCaching => (Symptom::SlowPageLoads, LadderStep::First),
            Remedy::Cdn => (Symptom::SlowPageLoads, LadderStep::Then),
            Remedy::EdgeCompute => (Symptom::SlowPageLoads, LadderStep::Finally),
            Remedy::AddIndexes => (Symptom::DatabaseSlow, LadderStep::First),
            Remedy::ReadReplicas => (Symptom::DatabaseSlow, LadderStep::Then),
            Remedy::Sharding => (Symptom::DatabaseSlow, LadderStep::Finally),
            Remedy::AsyncProcessing => (Symptom::ApiTimeouts, LadderStep::First),
            Remedy::CircuitBreakers => (Symptom::ApiTimeouts, LadderStep::Then),
            Remedy::EventDriven => (Symptom::ApiTimeouts, LadderStep::Finally),
            Remedy::VerticalScale => (Symptom::HighServerCpu, LadderStep::First),
            Remedy::HorizontalScale => (Symptom::HighServerCpu, LadderStep::Then),
            Remedy::OptimizeCode => (Symptom::HighServerCpu, LadderStep::Finally),
            Remedy::IncreaseRam => (Symptom::HighMemory, LadderStep::First),
            Remedy::FixMemoryLeaks => (Symptom::HighMemory, LadderStep::Then),
            Remedy::RedesignDataStructures => (Symptom::HighMemory, LadderStep::Finally),
        }
    }

    /// The remedy that installs `component`, when one does.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, Remedy};
    /// assert_eq!(
    ///     Remedy::installing(Component::LoadBalancer),
    ///     Some(Remedy::HorizontalScale)
    /// );
    /// assert_eq!(Remedy::installing(Component::ConnectionPooler), None);
    /// ```
    #[must_use]
    pub fn installing(component: Component) -> Option<Remedy> {
        Remedy::ALL
            .into_iter()
            .find(|r| r.component() == Some(component))
    }
}

/// Static assets measured under the guide's share for a CDN (Key Additions: more than 20%
/// of the bandwidth), with no far-away users measured waiting past the remote-latency level
/// (for them a CDN's edge is part of the answer, whatever the share): the CDN rung has
/// nothing to do. At exactly the share the rung stays.
fn cdn_not_needed(snapshot: &MetricsSnapshot, config: &AdvisorConfig) -> Option<Evidence> {
    let share = snapshot.static_asset_bandwidth_share?;
    let level = config.additions.static_asset_share;
    let far_users_wait = snapshot
        .remote_user_p95
        .is_some_and(|p| p > config.triggers.remote_latency_level);
    (share < level && !far_users_wait).then(|| {
        snap_evidence(
            Metric::StaticAssetBandwidthShare,
            Quantity::Ratio(share),
            Check::Below,
            Quantity::Ratio(level),
        )
    })
}

/// Users measured all in one region, or those far from the servers measured served under
/// the remote-latency level (500 ms, the page target), or sooner than users overall (the
/// P95 over all users: the distance adds nothing measured to their wait): logic at the
/// edge, which shortens the way to far users, has nothing to shorten. At exactly the level
/// (or the overall P95) the rung stays.
fn edge_not_needed(snapshot: &MetricsSnapshot, config: &AdvisorConfig) -> Option<Evidence> {
    if let Some(regions) = snapshot.user_regions.filter(|r| r.get() < 2) {
        return Some(snap_evidence(
            Metric::UserRegions,
            Quantity::Count(Count::new(u64::from(regions.get()))),
            Check::Below,
            Quantity::Count(Count::new(2)),
        ));
    }
    let level = config.triggers.remote_latency_level;
    let far = snapshot.remote_user_p95?;
    let below = if far < level {
        level
    } else {
        snapshot.p95_response_time.filter(|all| far < *all)?
    };
    Some(snap_evidence(
        Metric::RemoteUserP95,
        Quantity::Duration(far),
        Check::Below,
        Quantity::Duration(below),
    ))
}

/// A snapshot value compared with a level, as a rung's evidence.
const fn snap_evidence(
    metric: Metric,
    observed: Quantity,
    check: Check,
    threshold: Quantity,
) -> Evidence {
    Evidence {
        metric,
        observed,
        check,
        threshold: Some(threshold),
        basis: Basis::Snapshot,
    }
}

/// Evidence of a leak: a [`Metric::MemoryUsage`] series that rises significantly over the
/// window (see [`crate::Trend::is_degrading`]), with its latest sample.
fn rising_memory(history: &History, config: &AdvisorConfig) -> Option<Evidence> {
    let series = history.get(Metric::MemoryUsage)?;
    let trend = series.trend(&config.triggers.series).ok()?;
    if !trend.is_degrading(Direction::LowerIsBetter, &config.triggers.series) {
        return None;
    }
    let latest = Ratio::from_fraction(series.latest().value).ok()?;
    let window = series.window(config.triggers.series.window);
    let span = match (window.first(), window.last()) {
        (Some(a), Some(b)) => b.at.saturating_sub(a.at),
        _ => core::time::Duration::ZERO,
    };
    Some(Evidence {
        metric: Metric::MemoryUsage,
        observed: Quantity::Ratio(latest),
        check: Check::Degrading(trend.into()),
        threshold: None,
        basis: Basis::Series {
            samples: window.len(),
            span,
        },
    })
}

impl fmt::Display for LadderStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LadderStep::First => "first",
            LadderStep::Then => "then",
            LadderStep::Finally => "finally",
        })
    }
}

impl fmt::Display for Symptom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Remedy {
    /// Every remedy, in declaration order.
    pub const ALL: [Remedy; 15] = [
        Remedy::AddCaching,
        Remedy::Cdn,
        Remedy::EdgeCompute,
        Remedy::AddIndexes,
        Remedy::ReadReplicas,
        Remedy::Sharding,
        Remedy::AsyncProcessing,
        Remedy::CircuitBreakers,
        Remedy::EventDriven,
        Remedy::VerticalScale,
        Remedy::HorizontalScale,
        Remedy::OptimizeCode,
        Remedy::IncreaseRam,
        Remedy::FixMemoryLeaks,
        Remedy::RedesignDataStructures,
    ];

    /// The `snake_case` name.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Remedy;
    /// assert_eq!(Remedy::AddIndexes.name(), "add_indexes");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Remedy::AddCaching => "add_caching",
            Remedy::Cdn => "cdn",
            Remedy::EdgeCompute => "edge_compute",
            Remedy::AddIndexes => "add_indexes",
            Remedy::ReadReplicas => "read_replicas",
            Remedy::Sharding => "sharding",
            Remedy::AsyncProcessing => "async_processing",
            Remedy::CircuitBreakers => "circuit_breakers",
            Remedy::EventDriven => "event_driven",
            Remedy::VerticalScale => "vertical_scale",
            Remedy::HorizontalScale => "horizontal_scale",
            Remedy::OptimizeCode => "optimize_code",
            Remedy::IncreaseRam => "increase_ram",
            Remedy::FixMemoryLeaks => "fix_memory_leaks",
            Remedy::RedesignDataStructures => "redesign_data_structures",
        }
    }

    /// The architecture component the remedy installs, when it installs one that a snapshot
    /// can declare.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, Remedy};
    /// assert_eq!(
    ///     Remedy::AsyncProcessing.component(),
    ///     Some(Component::JobQueue)
    /// );
    /// assert_eq!(Remedy::AddIndexes.component(), None);
    /// ```
    #[must_use]
    pub const fn component(self) -> Option<Component> {
        match self {
            Remedy::AddCaching => Some(Component::Cache),
            Remedy::Cdn => Some(Component::Cdn),
            Remedy::EdgeCompute => Some(Component::EdgeCompute),
            Remedy::ReadReplicas => Some(Component::ReadReplicas),
            Remedy::Sharding => Some(Component::Sharding),
            Remedy::AsyncProcessing => Some(Component::JobQueue),
            Remedy::CircuitBreakers => Some(Component::CircuitBreakers),
            Remedy::EventDriven => Some(Component::MessageQueue),
            Remedy::HorizontalScale => Some(Component::LoadBalancer),
            Remedy::AddIndexes
            | Remedy::VerticalScale
            | Remedy::OptimizeCode
            | Remedy::IncreaseRam
            | Remedy::FixMemoryLeaks
            | Remedy::RedesignDataStructures => None,
        }
    }

    /// The component of `architecture` that already provides the remedy, if any: the one it
    /// installs ([`Remedy::component`]), or for moving slow work off the request path, a
    /// message queue as well as a job queue (the guide's event-driven pattern answers the
    /// request and hands the work to a queue: "API → Service A → Queue → Response (fast)").
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet, Remedy};
    /// let kafka = ComponentSet::from_components(&[Component::MessageQueue]);
    /// assert_eq!(
    ///     Remedy::AsyncProcessing.in_place(kafka),
    ///     Some(Component::MessageQueue)
    /// );
    /// assert_eq!(Remedy::CircuitBreakers.in_place(kafka), None);
    /// assert_eq!(Remedy::AddIndexes.in_place(kafka), None);
    /// ```
    #[must_use]
    pub fn in_place(self, architecture: ComponentSet) -> Option<Component> {
        if let Some(c) = self.component().filter(|c| architecture.contains(*c)) {
            return Some(c);
        }
        (matches!(self, Remedy::AsyncProcessing) && architecture.contains(Component::MessageQueue))
            .then_some(Component::MessageQueue)
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Remedy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`Remedy`]s already tried (a bit set: `Copy`, no allocation).
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Remedy, RemedySet};
/// let mut tried = RemedySet::EMPTY;
/// tried.insert(Remedy::AddCaching);
/// assert!(tried.contains(Remedy::AddCaching));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RemedySet(u16);

impl RemedySet {
    /// No remedy tried.
    pub const EMPTY: RemedySet = RemedySet(0);

    /// Builds a set from a slice.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Remedy, RemedySet};
    /// const TRIED: RemedySet =
    ///     RemedySet::from_remedies(&[Remedy::AddIndexes, Remedy::VerticalScale]);
    /// assert!(TRIED.contains(Remedy::VerticalScale));
    /// ```
    #[must_use]
    pub const fn from_remedies(remedies: &[Remedy]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < remedies.len() {
            bits |= remedies[i].bit();
            i += 1;
        }
        RemedySet(bits)
    }

    /// Adds a remedy; returns whether it was absent.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Remedy, RemedySet};
    /// let mut tried = RemedySet::EMPTY;
    /// assert!(tried.insert(Remedy::AddCaching));
    /// assert!(!tried.insert(Remedy::AddCaching));
    /// ```
    pub fn insert(&mut self, remedy: Remedy) -> bool {
        let absent = !self.contains(remedy);
        self.0 |= remedy.bit();
        absent
    }

    /// Whether the set holds `remedy`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Remedy, RemedySet};
    /// let tried = RemedySet::from_remedies(&[Remedy::AddIndexes]);
    /// assert!(tried.contains(Remedy::AddIndexes));
    /// assert!(!tried.contains(Remedy::Sharding));
    /// ```
    #[must_use]
    pub const fn contains(self, remedy: Remedy) -> bool {
        self.0 & remedy.bit() != 0
    }

    /// Whether the set is empty.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::RemedySet;
    /// assert!(RemedySet::EMPTY.is_empty());
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

    /// The remedies, in declaration order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Remedy, RemedySet};
    /// let tried = RemedySet::from_remedies(&[Remedy::Sharding, Remedy::AddIndexes]);
    /// assert_eq!(
    ///     tried.iter().collect::<Vec<_>>(),
    ///     [Remedy::AddIndexes, Remedy::Sharding]
    /// );
    /// ```
    pub fn iter(self) -> impl Iterator<Item = Remedy> {
        Remedy::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

impl FromIterator<Remedy> for RemedySet {
    fn from_iter<I: IntoIterator<Item = Remedy>>(iter: I) -> Self {
        let mut set = RemedySet::EMPTY;
        for r in iter {
            set.insert(r);
        }
        set
    }
}

impl fmt::Display for RemedySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("(none)");
        }
        for (i, r) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(r.name())?;
        }
        Ok(())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for RemedySet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RemedySet".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let item = generator.subschema_for::<Remedy>();
        schemars::json_schema!({ "type": "array", "items": item, "description": "remedies of the decision matrix already carried out" })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for RemedySet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for RemedySet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = <Vec<Remedy> as serde::Deserialize>::deserialize(deserializer)?;
        Ok(list.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ladders_match_the_guide() {
        #[track_caller]
        fn check(s: Symptom, expected: [Remedy; 3]) {
            assert_eq!(s.ladder(), expected);
        }
        check(
            Symptom::SlowPageLoads,
            [Remedy::AddCaching, Remedy::Cdn, Remedy::EdgeCompute],
        );
        check(
            Symptom::DatabaseSlow,
            [Remedy::AddIndexes, Remedy::ReadReplicas, Remedy::Sharding],
        );
        check(
            Symptom::ApiTimeouts,
            [
                Remedy::AsyncProcessing,
                Remedy::CircuitBreakers,
                Remedy::EventDriven,
            ],
        );
        check(
            Symptom::HighServerCpu,
            [
                Remedy::VerticalScale,
                Remedy::HorizontalScale,
                Remedy::OptimizeCode,
            ],
        );
        check(
            Symptom::HighMemory,
            [
                Remedy::IncreaseRam,
                Remedy::FixMemoryLeaks,
                Remedy::RedesignDataStructures,
            ],
        );
    }

    #[test]
    fn next_step_walks_the_ladder() {
        let none = ComponentSet::EMPTY;
        let s = Symptom::SlowPageLoads;
        assert_eq!(
            s.next_step(RemedySet::EMPTY, none),
            NextStep::Try {
                step: LadderStep::First,
                remedy: Remedy::AddCaching
            }
        );
        // A cache in the architecture counts as the first rung done.
        let cache = ComponentSet::from_components(&[Component::Cache]);
        assert_eq!(
            s.next_step(RemedySet::EMPTY, cache),
            NextStep::Try {
                step: LadderStep::Then,
                remedy: Remedy::Cdn
            }
        );
        let all: RemedySet = s.ladder().into_iter().collect();
        assert_eq!(s.next_step(all, none), NextStep::Exhausted);
        // Tried rungs are skipped even out of order: the lowest untried one is next.
        let later = RemedySet::from_remedies(&[Remedy::Cdn]);
        assert_eq!(
            s.next_step(later, none),
            NextStep::Try {
                step: LadderStep::First,
                remedy: Remedy::AddCaching
            }
        );
    }

    #[test]
    fn every_ladder_walks_up_and_down() {
        let cfg = AdvisorConfig::default();
        let h = History::new();
        let steps = [LadderStep::First, LadderStep::Then, LadderStep::Finally];
        for symptom in Symptom::ALL {
            let ladder = symptom.ladder();
            let at = |tried: &[Remedy]| {
                let mut snap = MetricsSnapshot::default();
                for r in tried {
                    snap = snap.with_tried(*r);
                }
                symptom.position(&snap, &h, &cfg).next
            };
            // Up: each rung declared done moves the advice one rung up.
            for k in 0..3 {
                assert_eq!(
                    at(&ladder[..k]),
                    NextStep::Try {
                        step: steps[k],
                        remedy: ladder[k]
                    },
                    "{symptom} with {k} rungs done"
                );
            }
            assert_eq!(at(&ladder), NextStep::Exhausted, "{symptom}");
            // Down: a lower rung not done pulls the advice back, whatever is above it.
            for k in 0..3 {
                let others: Vec<Remedy> = ladder
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .map(|(_, r)| *r)
                    .collect();
                assert_eq!(
                    at(&others),
                    NextStep::Try {
                        step: steps[k],
                        remedy: ladder[k]
                    },
                    "{symptom} without rung {k}"
                );
            }
            // The position and the component-only walk agree when nothing is unfinished.
            for mask in 0u8..8 {
                let tried: RemedySet = (0..3)
                    .filter(|j| mask & (1 << j) != 0)
                    .map(|j| ladder[j])
                    .collect();
                let snap = MetricsSnapshot {
                    tried,
                    ..MetricsSnapshot::default()
                };
                assert_eq!(
                    symptom.position(&snap, &h, &cfg).next,
                    symptom.next_step(tried, ComponentSet::EMPTY)
                );
            }
            for (k, r) in ladder.iter().enumerate() {
                assert_eq!(r.rung(), (symptom, steps[k]));
            }
        }
    }

    #[test]
    fn components_in_place_count_as_done_but_say_so() {
        let cfg = AdvisorConfig::default();
        let snap = MetricsSnapshot::default()
            .with_component(Component::Cache)
            .with_component(Component::Cdn);
        let p = Symptom::SlowPageLoads.position(&snap, &History::new(), &cfg);
        assert_eq!(
            p.rungs[0].state,
            RungState::InPlace {
                component: Component::Cache
            }
        );
        assert_eq!(p.current().map(|r| r.remedy), Some(Remedy::EdgeCompute));
        // A declared remedy without a component reads as declared.
        let p = Symptom::HighServerCpu.position(
            &MetricsSnapshot::default().with_tried(Remedy::VerticalScale),
            &History::new(),
            &cfg,
        );
        assert_eq!(p.rungs[0].state, RungState::Declared);
        assert_eq!(p.current().map(|r| r.remedy), Some(Remedy::HorizontalScale));
    }

    #[test]
    fn each_remedy_advises_its_own_move() {
        // Each remedy's advice names what it changes, in the guide's words or its own.
        for (remedy, words) in [
            (Remedy::AddCaching, "Redis"),
            (Remedy::Cdn, "CDN"),
            (Remedy::EdgeCompute, "edge"),
            (Remedy::AddIndexes, "index"),
            (Remedy::ReadReplicas, "replicas"),
            (Remedy::Sharding, "primaries"),
            (Remedy::AsyncProcessing, "job queue"),
            (Remedy::CircuitBreakers, "failing dependency"),
            (Remedy::EventDriven, "events"),
            (Remedy::VerticalScale, "bigger machine"),
            (Remedy::HorizontalScale, "load balancer"),
            (Remedy::OptimizeCode, "hot paths"),
            (Remedy::IncreaseRam, "more memory"),
            (Remedy::FixMemoryLeaks, "heap profiles"),
            (Remedy::RedesignDataStructures, "compact representations"),
        ] {
            assert!(remedy.advice().contains(words), "{remedy:?}");
        }
        // The leak rung says only what its place on the ladder knows: memory is still
        // high after more was added (no trend is claimed).
        assert!(
            Remedy::FixMemoryLeaks
                .advice()
                .starts_with("Memory is still high after more was added")
        );
    }

    #[test]
    fn more_memory_is_not_needed_for_memory_that_climbs_as_a_leak_does() {
        use crate::series::Series;
        use core::time::Duration;
        let cfg = AdvisorConfig::default();
        let snap = MetricsSnapshot::default().with_memory_usage(Ratio::from_percent(88.0).unwrap());
        let state = |h: &History| Remedy::IncreaseRam.state(&snap, h, &cfg);
        // Memory read once: nothing shows a leak, so more memory is the first rung.
        assert_eq!(state(&History::new()), RungState::NotDone);
        // Climbing a point an hour for a day: a leak, which more memory only delays.
        let climbing: Vec<f64> = (0..24).map(|i| 0.64 + 0.01 * f64::from(i)).collect();
        let mut h = History::new();
        h.insert(
            Series::from_values(Metric::MemoryUsage, Duration::from_secs(3_600), &climbing)
                .unwrap(),
        );
        let RungState::NotNeeded { evidence } = state(&h) else {
            panic!("a climbing memory series: more memory is skipped");
        };
        assert_eq!(evidence.metric, Metric::MemoryUsage);
        // Flat at 88%: no leak, more memory stays the first rung.
        let mut flat = History::new();
        flat.insert(
            Series::from_values(Metric::MemoryUsage, Duration::from_secs(3_600), &[0.88; 24])
                .unwrap(),
        );
        assert_eq!(state(&flat), RungState::NotDone);
    }

    #[test]
    fn a_cdn_is_not_needed_under_the_guides_static_share_unless_far_users_wait() {
        use core::time::Duration;
        let cfg = AdvisorConfig::default();
        let state = |s: &MetricsSnapshot| Remedy::Cdn.state(s, &History::new(), &cfg);
        let share = |p: f64| {
            MetricsSnapshot::default()
                .with_static_asset_bandwidth_share(Ratio::from_percent(p).unwrap())
        };
        // Key Additions: a CDN for static assets taking more than 20% of the bandwidth.
        let RungState::NotNeeded { evidence } = state(&share(10.0)) else {
            panic!("10% of the bandwidth: no CDN needed");
        };
        assert_eq!(evidence.metric, Metric::StaticAssetBandwidthShare);
        assert_eq!(evidence.check, Check::Below);
        assert_eq!(
            evidence.threshold,
            Some(Quantity::Ratio(Ratio::from_percent(20.0).unwrap()))
        );
        // At exactly the share the rung stays; past it, and unmeasured, too.
        assert_eq!(state(&share(20.0)), RungState::NotDone);
        assert_eq!(state(&share(35.0)), RungState::NotDone);
        assert_eq!(state(&MetricsSnapshot::default()), RungState::NotDone);
        // Far users waiting past 500 ms: a CDN's edge serves them, whatever the share.
        let far = share(10.0).with_remote_user_p95(Duration::from_millis(501));
        assert_eq!(state(&far), RungState::NotDone);
        let at_level = share(10.0).with_remote_user_p95(Duration::from_millis(500));
        assert!(matches!(state(&at_level), RungState::NotNeeded { .. }));
        // In place, it is in place, whatever the share.
        let cdn = share(10.0).with_component(Component::Cdn);
        assert_eq!(
            state(&cdn),
            RungState::InPlace {
                component: Component::Cdn
            }
        );
    }

    #[test]
    fn the_edge_is_not_needed_without_far_users_waiting() {
        use core::num::NonZeroU32;
        use core::time::Duration;
        let cfg = AdvisorConfig::default();
        let state = |s: &MetricsSnapshot| Remedy::EdgeCompute.state(s, &History::new(), &cfg);
        let regions =
            |n: u32| MetricsSnapshot::default().with_user_regions(NonZeroU32::new(n).unwrap());
        let RungState::NotNeeded { evidence } = state(&regions(1)) else {
            panic!("users in one region: no edge needed");
        };
        assert_eq!(evidence.metric, Metric::UserRegions);
        assert_eq!(evidence.observed, Quantity::Count(Count::new(1)));
        assert_eq!(state(&regions(2)), RungState::NotDone);
        assert_eq!(state(&MetricsSnapshot::default()), RungState::NotDone);
        // Far users served under 500 ms (the remote-latency level): nothing to shorten.
        let served = |ms: u64| regions(3).with_remote_user_p95(Duration::from_millis(ms));
        let RungState::NotNeeded { evidence } = state(&served(499)) else {
            panic!("far users at 499 ms: no edge needed");
        };
        assert_eq!(evidence.metric, Metric::RemoteUserP95);
        assert_eq!(
            evidence.threshold,
            Some(Quantity::Duration(Duration::from_millis(500)))
        );
        assert_eq!(state(&served(500)), RungState::NotDone);
        assert_eq!(state(&served(900)), RungState::NotDone);
        // Far users past the level but served sooner than users overall (900 ms against
        // 1.2 s): the distance adds nothing measured. At the overall P95 the rung stays.
        let pages = |ms: u64| served(900).with_p95_response_time(Duration::from_millis(ms));
        let RungState::NotNeeded { evidence } = state(&pages(1_200)) else {
            panic!("far users sooner than everyone: no edge needed");
        };
        assert_eq!(evidence.metric, Metric::RemoteUserP95);
        assert_eq!(
            evidence.observed,
            Quantity::Duration(Duration::from_millis(900))
        );
        assert_eq!(
            evidence.threshold,
            Some(Quantity::Duration(Duration::from_millis(1_200)))
        );
        assert_eq!(state(&pages(900)), RungState::NotDone);
        assert_eq!(state(&pages(600)), RungState::NotDone);
        // Under the level, the level is the evidence's, whatever the pages (here faster).
        let under = served(400).with_p95_response_time(Duration::from_millis(300));
        let RungState::NotNeeded { evidence } = state(&under) else {
            panic!("far users at 400 ms: no edge needed");
        };
        assert_eq!(
            evidence.threshold,
            Some(Quantity::Duration(Duration::from_millis(500)))
        );
    }

    #[test]
    fn an_unindexed_table_reopens_indexes() {
        use crate::{Entities, EntityName, TableStats};
        let cfg = AdvisorConfig::default();
        // 1,000 scans in one day is the guide's level, not past it; 1,001 is past it.
        let table = |name: &str, rows: u64, scans: u64, idx: u64| {
            TableStats::new(EntityName::table(name).unwrap())
                .with_rows(Count::new(rows))
                .with_seq_scans(Count::new(scans))
                .with_index_scans(Count::new(idx))
                .with_period(core::time::Duration::from_secs(86_400))
        };
        let snap = |tables| MetricsSnapshot {
            tables: Some(Entities::new(tables).unwrap()),
            ..MetricsSnapshot::default().with_tried(Remedy::AddIndexes)
        };
        let state = |s: &MetricsSnapshot| {
            Symptom::DatabaseSlow
                .position(s, &History::new(), &cfg)
                .rungs[0]
                .state
        };
        assert_eq!(
            state(&snap(vec![table("a", 20_000, 1_000, 0)])),
            RungState::Declared
        );
        assert_eq!(
            state(&snap(vec![
                table("small", 9_999, 5_000, 0),
                table("indexed", 20_000, 5_000, 1),
                table("events", 20_000, 1_001, 0),
            ])),
            RungState::UnindexedTable { table: 2 }
        );
    }

    #[test]
    fn indexes_are_not_needed_when_no_table_is_scanned_past_the_guides_level() {
        use crate::{Entities, EntityName, TableStats};
        use core::time::Duration;
        let cfg = AdvisorConfig::default();
        let state = |s: &MetricsSnapshot| {
            Symptom::DatabaseSlow
                .position(s, &History::new(), &cfg)
                .rungs[0]
                .state
        };
        // The guide finds a missing index by tables scanned sequentially more than 10,000
        // times: 300 scans and a slowest query of 40 ms (under its 100 ms) leave nothing to
        // index, and the ladder goes to read replicas.
        let snap = MetricsSnapshot::default()
            .with_db_max_seq_scans(Count::new(300))
            .with_slowest_query_time(Duration::from_millis(40));
        let RungState::NotNeeded { evidence } = state(&snap) else {
            panic!("{:?}", state(&snap));
        };
        assert_eq!(evidence.metric, Metric::DbMaxSeqScans);
        assert_eq!(evidence.observed, Quantity::Count(Count::new(300)));
        assert_eq!(
            evidence.threshold,
            Some(Quantity::Count(Count::new(10_000)))
        );
        assert!(state(&snap).is_done());
        assert_eq!(
            Symptom::DatabaseSlow
                .position(&snap, &History::new(), &cfg)
                .next,
            NextStep::Try {
                step: LadderStep::Then,
                remedy: Remedy::ReadReplicas
            }
        );
        // A query of exactly 100 ms is not past the guide's "> 100ms".
        let at_limit = snap
            .clone()
            .with_slowest_query_time(Duration::from_millis(100));
        assert!(matches!(state(&at_limit), RungState::NotNeeded { .. }));
        // Without a query time, the scans alone decide.
        let mut scans_only = snap.clone();
        scans_only.slowest_query_time = None;
        assert!(matches!(state(&scans_only), RungState::NotNeeded { .. }));
        // At the level (not past it, but not clear of it either), with a query over 100 ms,
        // with no count of scans, or with a table read only by sequential scans: not done.
        let not_done = [
            snap.clone().with_db_max_seq_scans(Count::new(10_000)),
            snap.clone()
                .with_slowest_query_time(Duration::from_millis(101)),
            MetricsSnapshot::default().with_slowest_query_time(Duration::from_millis(40)),
            MetricsSnapshot {
                tables: Some(
                    Entities::new(vec![
                        TableStats::new(EntityName::table("events").unwrap())
                            .with_rows(Count::new(20_000))
                            .with_seq_scans(Count::new(1_001))
                            .with_index_scans(Count::new(0))
                            .with_period(Duration::from_secs(86_400)),
                    ])
                    .unwrap(),
                ),
                ..snap.clone()
            },
        ];
        for s in &not_done {
            assert_eq!(state(s), RungState::NotDone, "{s:?}");
        }
        // Declared or in place, the rung is what it was: the measure only skips a rung
        // nobody has taken.
        assert_eq!(
            state(&snap.clone().with_tried(Remedy::AddIndexes)),
            RungState::Declared
        );
        // Only indexes have such a measure.
        assert_eq!(
            Remedy::AddCaching.state(&snap, &History::new(), &cfg),
            RungState::NotDone
        );
    }

    #[test]
    fn unfinished_rungs_are_reopened() {
        use crate::units::{Count, Ratio};
        let cfg = AdvisorConfig::default();
        let h = History::new();
        #[track_caller]
        fn check(symptom: Symptom, snap: &MetricsSnapshot, expected: Remedy, reopened: bool) {
            let p = symptom.position(snap, &History::new(), &AdvisorConfig::default());
            let cur = p.current().expect("a rung is left");
            assert_eq!(cur.remedy, expected, "{symptom}");
            assert_eq!(
                matches!(cur.state, RungState::Incomplete { .. }),
                reopened,
                "{symptom}"
            );
        }
        let indexed = MetricsSnapshot::default().with_tried(Remedy::AddIndexes);
        // 10,000 scans is not above the guide's "> 10K"; 10,001 is.
        check(
            Symptom::DatabaseSlow,
            &indexed.clone().with_db_max_seq_scans(Count::new(10_000)),
            Remedy::ReadReplicas,
            false,
        );
        check(
            Symptom::DatabaseSlow,
            &indexed.with_db_max_seq_scans(Count::new(10_001)),
            Remedy::AddIndexes,
            true,
        );
        let cached = MetricsSnapshot::default().with_component(Component::Cache);
        check(
            Symptom::SlowPageLoads,
            &cached
                .clone()
                .with_cache_hit_rate(Ratio::from_percent(80.0).unwrap()),
            Remedy::Cdn,
            false,
        );
        check(
            Symptom::SlowPageLoads,
            &cached.with_cache_hit_rate(Ratio::from_percent(62.0).unwrap()),
            Remedy::AddCaching,
            true,
        );
        let queued = MetricsSnapshot::default().with_component(Component::JobQueue);
        check(
            Symptom::ApiTimeouts,
            &queued.clone().with_background_tasks_block_requests(false),
            Remedy::CircuitBreakers,
            false,
        );
        check(
            Symptom::ApiTimeouts,
            &queued.with_background_tasks_block_requests(true),
            Remedy::AsyncProcessing,
            true,
        );
        // A leak fixed "on paper" while memory keeps rising hour after hour.
        let rising: Vec<f64> = (0..24).map(|i| 0.50 + 0.015 * f64::from(i)).collect();
        let history: History = [crate::Series::from_values(
            Metric::MemoryUsage,
            core::time::Duration::from_secs(3_600),
            &rising,
        )
        .unwrap()]
        .into_iter()
        .collect();
        let snap = MetricsSnapshot::default()
            .with_tried(Remedy::IncreaseRam)
            .with_tried(Remedy::FixMemoryLeaks);
        let p = Symptom::HighMemory.position(&snap, &history, &cfg);
        assert_eq!(p.current().map(|r| r.remedy), Some(Remedy::FixMemoryLeaks));
        let p = Symptom::HighMemory.position(&snap, &h, &cfg);
        assert_eq!(
            p.current().map(|r| r.remedy),
            Some(Remedy::RedesignDataStructures)
        );
    }

    #[test]
    fn remedy_names_are_unique() {
        let mut names: Vec<_> = Remedy::ALL.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Remedy::ALL.len());
    }
}
