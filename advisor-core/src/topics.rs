//! The guide's reference material as readable sections: one [`Topic`] per part of the guide,
//! rendered from the same data the checks use.

use core::fmt;

use crate::bottleneck::{DIAGNOSIS_ORDER, HealthCheckArea, HealthCheckItem, Layer, Tool};
use crate::classify::AdvisorConfig;
use crate::decision::{LadderStep, Symptom};
use crate::patterns::{
    Addition, CACHE_LOOKUP_ORDER, CacheLayer, CacheableData, Checklist, ConsistencyModel,
    MultiRegionPattern, Rating, ShardingStrategy, StartupPractice, Ttl, UseCase,
};
use crate::sizing;
use crate::snapshot::Quantity;
use crate::stage::{COST_AT_SCALE, Stage};
use crate::thresholds::KeyMetric;
use crate::triggers::Trigger;

/// A part of the guide that can be printed on its own.
///
/// # Examples
/// ```
/// use scalability_advisor_core::guide::Topic;
/// let caching = Topic::Caching.section();
/// assert_eq!(caching.entries[0].term, "lookup order");
/// assert_eq!(Topic::from_name("multi_region"), Some(Topic::MultiRegion));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Topic {
    /// The four growth stages: users, architecture, cost.
    Stages,
    /// The key-metric targets and warning levels.
    KeyMetrics,
    /// When to move from one stage to the next, as read here.
    Transitions,
    /// The growth-stage additions and when each is called for.
    Additions,
    /// What to do and not to do at the startup stage.
    Startup,
    /// Caching: the lookup order and how long each kind of data may stay cached.
    Caching,
    /// Ways to shard data, with their trade-offs.
    Sharding,
    /// Ways to run in several regions.
    MultiRegion,
    /// Consistency models and the workloads that suit them.
    Consistency,
    /// The order in which to look for a bottleneck, and each layer's symptoms and fixes.
    Diagnosis,
    /// The quick database health check.
    DatabaseCheck,
    /// The decision matrix: what to try first, then, finally, per symptom.
    DecisionMatrix,
    /// The sizing formulas with their worked examples.
    Sizing,
    /// Infrastructure cost at scale.
    Costs,
    /// The scaling and enterprise checklists.
    Checklists,
}

/// One line of a [`Section`]: a term and what the guide says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Entry {
    /// What the line is about.
    pub term: String,
    /// What to know about it.
    pub text: String,
}

/// A topic of the guide, ready to print.
///
/// Serialized with its title; read back from its topic and entries, the title being the
/// topic's own ([`Topic::title`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Section {
    /// The topic.
    pub topic: Topic,
    /// Its heading.
    pub title: &'static str,
    /// One line per item.
    pub entries: Vec<Entry>,
}

// By hand: a derived impl would borrow the 'static title from the input.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Section {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Repr {
            topic: Topic,
            entries: Vec<Entry>,
        }
        let r = Repr::deserialize(d)?;
        Ok(Section {
            topic: r.topic,
            title: r.topic.title(),
            entries: r.entries,
        })
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        for e in &self.entries {
            writeln!(f, "  {}: {}", e.term, e.text)?;
        }
        Ok(())
    }
}

fn entry(term: impl Into<String>, text: impl Into<String>) -> Entry {
    Entry {
        term: term.into(),
        text: text.into(),
    }
}

fn level(l: Rating) -> &'static str {
    match l {
        Rating::Low => "low",
        Rating::Medium => "medium",
        Rating::High => "high",
    }
}

impl Topic {
    /// Every topic, in the guide's order.
    pub const ALL: [Topic; 15] = [
        Topic::Stages,
        Topic::KeyMetrics,
        Topic::Transitions,
        Topic::Additions,
        Topic::Startup,
        Topic::Caching,
        Topic::Sharding,
        Topic::MultiRegion,
        Topic::Consistency,
        Topic::Diagnosis,
        Topic::DatabaseCheck,
        Topic::DecisionMatrix,
        Topic::Sizing,
        Topic::Costs,
        Topic::Checklists,
    ];

    /// The `snake_case` name.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::guide::Topic;
    /// assert_eq!(Topic::DecisionMatrix.name(), "decision_matrix");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Topic::Stages => "stages",
            Topic::KeyMetrics => "key_metrics",
            Topic::Transitions => "transitions",
            Topic::Additions => "additions",
            Topic::Startup => "startup",
            Topic::Caching => "caching",
            Topic::Sharding => "sharding",
            Topic::MultiRegion => "multi_region",
            Topic::Consistency => "consistency",
            Topic::Diagnosis => "diagnosis",
            Topic::DatabaseCheck => "database_check",
            Topic::DecisionMatrix => "decision_matrix",
            Topic::Sizing => "sizing",
            Topic::Costs => "costs",
            Topic::Checklists => "checklists",
        }
    }

    /// Looks a topic up by its [`name`](Topic::name) (a `-` is read as `_`).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::guide::Topic;
    /// assert_eq!(Topic::from_name("multi-region"), Some(Topic::MultiRegion));
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Topic> {
        let name = name.replace('-', "_");
        Topic::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The heading of the topic.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::guide::Topic;
    /// assert_eq!(Topic::Sharding.title(), "Sharding strategies");
    /// ```
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            Topic::Stages => "Growth stages",
            Topic::KeyMetrics => "Key metrics",
            Topic::Transitions => "When to move to the next stage",
            Topic::Additions => "Growth-stage additions",
            Topic::Startup => "At the startup stage",
            Topic::Caching => "Caching",
            Topic::Sharding => "Sharding strategies",
            Topic::MultiRegion => "Multi-region patterns",
            Topic::Consistency => "Consistency models",
            Topic::Diagnosis => "Finding the bottleneck",
            Topic::DatabaseCheck => "Quick database health check",
            Topic::DecisionMatrix => "Scaling decision matrix",
            Topic::Sizing => "Sizing formulas",
            Topic::Costs => "Infrastructure cost at scale",
            Topic::Checklists => "Checklists",
        }
    }

    /// The topic's content, built from the data the checks use, with the default levels.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::guide::Topic;
    /// let s = Topic::Costs.section();
    /// assert_eq!(s.entries.len(), 4); // 10K, 100K, 1M and 10M users
    /// assert!(s.to_string().starts_with("Infrastructure cost at scale"));
    /// ```
    #[must_use]
    pub fn section(self) -> Section {
        Section {
            topic: self,
            title: self.title(),
            entries: self.entries(),
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one arm per topic of the guide, each short"
    )]
    fn entries(self) -> Vec<Entry> {
        let cfg = AdvisorConfig::default();
        match self {
            Topic::Stages => Stage::ALL
                .iter()
                .map(|s| {
                    entry(
                        s.to_string(),
                        format!(
                            "{}; architecture: {}; about {} a month",
                            s.user_band(),
                            s.cumulative_architecture(),
                            s.indicative_cost()
                        ),
                    )
                })
                .collect(),
            Topic::KeyMetrics => KeyMetric::ALL
                .iter()
                .map(|m| {
                    entry(
                        m.metric().name(),
                        format!(
                            "target below {}, warning above {}",
                            cfg.thresholds.target(*m),
                            cfg.thresholds.warning(*m)
                        ),
                    )
                })
                .collect(),
            Topic::Transitions => Trigger::ALL
                .iter()
                .map(|t| {
                    entry(
                        format!(
                            "{} -> {}: {}",
                            t.from_stage().number(),
                            t.to_stage().number(),
                            t.name()
                        ),
                        transition_text(*t, &cfg),
                    )
                })
                .collect(),
            Topic::Additions => Addition::ALL
                .iter()
                .map(|a| {
                    let when = match a {
                        Addition::Cdn => format!(
                            "static assets take more than {} of bandwidth",
                            cfg.additions.static_asset_share
                        ),
                        Addition::LoadBalancer => format!(
                            "one server's CPU is above {}",
                            cfg.additions.server_cpu
                        ),
                        Addition::ReadReplicas => format!(
                            "more than {} of database operations are reads",
                            cfg.additions.read_share
                        ),
                        Addition::Cache => format!(
                            "the same queries repeat (read here as more than {} of queries repeating one seen shortly before)",
                            cfg.additions.repeated_query_share
                        ),
                        Addition::JobQueue => "background tasks block requests".to_owned(),
                    };
                    entry(a.component().name(), format!("add when {when}"))
                })
                .collect(),
            Topic::Startup => StartupPractice::ALL
                .iter()
                .map(|p| {
                    let (term, text) = match p {
                        StartupPractice::CleanCode => ("do", "write clean code that is easy to change"),
                        StartupPractice::UseIndexes => ("do", "index the columns queries filter on most"),
                        StartupPractice::BasicMonitoring => ("do", "watch uptime and errors from day one"),
                        StartupPractice::SimpleArchitecture => ("do", "keep the architecture simple; a monolith is fine"),
                        StartupPractice::DontOverEngineer => ("don't", "build for scale you do not have"),
                        StartupPractice::DontAddCachingEarly => ("don't", "add a cache before the metrics ask for one"),
                        StartupPractice::DontSplitMicroservicesEarly => ("don't", "split into microservices early"),
                        StartupPractice::DontGoMultiRegionEarly => ("don't", "spend effort on multi-region yet"),
                    };
                    entry(term, text)
                })
                .collect(),
            Topic::Caching => {
                let order: Vec<&str> = CACHE_LOOKUP_ORDER
                    .iter()
                    .map(|l| match l {
                        CacheLayer::Cdn => "CDN (static assets)",
                        CacheLayer::Application => "application cache such as Redis",
                        CacheLayer::Database => "database, writing the result back to the cache",
                    })
                    .collect();
                let mut out = vec![entry(
                    "lookup order",
                    format!("{}; the first hit answers", order.join(", then ")),
                )];
                for d in CacheableData::ALL {
                    let what = match d {
                        CacheableData::Session => "session data",
                        CacheableData::UserProfile => "user profiles",
                        CacheableData::ApiResponses => "API responses",
                        CacheableData::QueryResults => "database query results",
                        CacheableData::ComputedValues => "computed values",
                    };
                    let ttl = match d.ttl() {
                        Ttl::Minutes { min, max } => format!("TTL {min} to {max} minutes"),
                        Ttl::SessionDuration => "TTL: as long as the session".to_owned(),
                        Ttl::FreshnessDependent => "TTL: as fresh as the data must be".to_owned(),
                        Ttl::ComputationCostDependent => {
                            "TTL: longer the more the value costs to compute".to_owned()
                        }
                    };
                    out.push(entry(what, ttl));
                }
                out.push(entry(
                    "cache memory",
                    format!(
                        "working set (usually 10-20% of the data) x {} for Redis",
                        sizing::REDIS_MEMORY_MULTIPLIER.as_f64()
                    ),
                ));
                out
            }
            Topic::Sharding => ShardingStrategy::ALL
                .iter()
                .map(|s| {
                    let name = match s {
                        ShardingStrategy::HashBased => "hash-based (key % shards)",
                        ShardingStrategy::RangeBased => "range-based (key ranges per shard)",
                        ShardingStrategy::DirectoryBased => "directory-based (lookup table)",
                    };
                    entry(name, format!("for: {}; against: {}", s.pro(), s.con()))
                })
                .collect(),
            Topic::MultiRegion => MultiRegionPattern::ALL
                .iter()
                .map(|p| {
                    let name = match p {
                        MultiRegionPattern::ActivePassive => "active-passive",
                        MultiRegionPattern::ActiveActive => "active-active",
                        MultiRegionPattern::FollowTheSun => "follow-the-sun",
                    };
                    entry(
                        name,
                        format!(
                            "consistency {}; latency {}; complexity {}",
                            consistency_name(p.consistency()),
                            level(p.latency()),
                            level(p.complexity())
                        ),
                    )
                })
                .collect(),
            Topic::Consistency => [
                ConsistencyModel::Strong,
                ConsistencyModel::Eventual,
                ConsistencyModel::Causal,
                ConsistencyModel::StrongPerRegion,
            ]
            .iter()
            .map(|m| {
                let uses: Vec<&str> = m.use_cases().iter().map(|u| use_case_name(*u)).collect();
                let uses = if uses.is_empty() {
                    "the follow-the-sun pattern".to_owned()
                } else {
                    uses.join(", ")
                };
                entry(
                    consistency_name(*m),
                    format!("write latency {}; suits {uses}", level(m.write_latency())),
                )
            })
            .collect(),
            Topic::Diagnosis => {
                let mut out: Vec<Entry> = DIAGNOSIS_ORDER
                    .iter()
                    .map(|s| {
                        let tools: Vec<&str> = s
                            .tools
                            .iter()
                            .flat_map(|t: &Tool| t.examples().iter().copied())
                            .collect();
                        let tools = if tools.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", tools.join(", "))
                        };
                        entry(format!("step {}", s.number), format!("{}{tools}", s.question))
                    })
                    .collect();
                for l in Layer::ALL {
                    let fixes: Vec<String> = l
                        .solutions()
                        .iter()
                        .map(|s| format!("{s:?}").to_lowercase())
                        .collect();
                    let signals: Vec<&str> = l.signals().iter().map(|m| m.name()).collect();
                    out.push(entry(
                        format!("{l} layer"),
                        format!("seen in {}; fixes: {}", signals.join(", "), fixes.join(", ")),
                    ));
                }
                out
            }
            Topic::DatabaseCheck => HealthCheckItem::ALL
                .iter()
                .map(|i| {
                    let area = match i.area() {
                        HealthCheckArea::ConnectionPool => "connection pool",
                        HealthCheckArea::QueryPerformance => "query performance",
                        HealthCheckArea::Replication => "replication",
                        HealthCheckArea::Storage => "storage",
                    };
                    let signal = i.signal().map_or("not in a snapshot", |m| m.name());
                    entry(area, format!("{i:?}: measured as {signal}"))
                })
                .collect(),
            Topic::DecisionMatrix => Symptom::ALL
                .iter()
                .map(|s| {
                    let rungs: Vec<String> = s
                        .ladder()
                        .iter()
                        .zip([LadderStep::First, LadderStep::Then, LadderStep::Finally])
                        .map(|(r, step)| format!("{step}: {}", r.title()))
                        .collect();
                    entry(s.title(), rungs.join("; "))
                })
                .collect(),
            Topic::Sizing => vec![
                entry(
                    "capacity",
                    "peak x growth x safety margin; 1,000 req/s x 3 x 1.5 = 4,500 req/s",
                ),
                entry(
                    "connection pool",
                    "cores x 2 + effective spindles; 8 cores on SSD: 8 x 2 + 1 = 17 per database instance, shared by the app instances",
                ),
                entry(
                    "read replicas",
                    "ceil(reads / one replica's reads); ceil(10,000 / 3,000) = 4",
                ),
                entry(
                    "cache memory",
                    "working set x (1 + overhead); 10 GB working set x 1.5 = 15 GB of Redis",
                ),
            ],
            Topic::Costs => COST_AT_SCALE
                .iter()
                .map(|r| {
                    entry(
                        r.users.to_string(),
                        format!("{} ({}), {}", r.architecture, r.stage, r.monthly),
                    )
                })
                .collect(),
            Topic::Checklists => Checklist::ALL
                .iter()
                .flat_map(|c| {
                    c.items().iter().map(move |i| {
                        entry(format!("{} ({})", c.name(), i.name()), i.title())
                    })
                })
                .collect(),
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn consistency_name(m: ConsistencyModel) -> &'static str {
    match m {
        ConsistencyModel::Strong => "strong",
        ConsistencyModel::Eventual => "eventual",
        ConsistencyModel::Causal => "causal",
        ConsistencyModel::StrongPerRegion => "strong per region",
    }
}

fn use_case_name(u: UseCase) -> &'static str {
    match u {
        UseCase::FinancialTransactions => "financial transactions",
        UseCase::Inventory => "inventory",
        UseCase::SocialFeeds => "social feeds",
        UseCase::Analytics => "analytics",
        UseCase::NonCritical => "non-critical data",
        UseCase::Messaging => "messaging",
        UseCase::Collaboration => "collaboration",
    }
}

fn transition_text(t: Trigger, cfg: &AdvisorConfig) -> String {
    let tr = &cfg.triggers;
    let share = tr.series.consistency_share;
    match t {
        Trigger::DbCpuSustained => format!(
            "database CPU above {} in at least {share} of a window's samples (the snapshot value without a series)",
            tr.db_cpu_level
        ),
        Trigger::ResponseTimesDegrading => {
            "a significant rising trend in P95 response time over the window".to_owned()
        }
        Trigger::SlowSingleQueries => format!(
            "the slowest query above {}",
            Quantity::Duration(tr.slow_query_level)
        ),
        Trigger::ServerResourcesMaxed => format!(
            "server CPU or memory at or above {}",
            tr.resources_maxed_level
        ),
        Trigger::PrimaryWriteSaturation => format!(
            "primary writes at or above {} of what it sustains",
            tr.primary_write_level
        ),
        Trigger::CacheHitRatePlateau => {
            format!("a flat cache hit rate below {}", tr.cache_hit_ceiling)
        }
        Trigger::ReplicaLagUnsustainable => format!(
            "replica lag consistently above {}",
            Quantity::Duration(tr.replica_lag_level)
        ),
        Trigger::IndependentScalingNeeded => {
            "parts of the system need to scale independently".to_owned()
        }
        Trigger::RemoteUserLatency => format!(
            "remote users' P95 above {}",
            Quantity::Duration(tr.remote_latency_level)
        ),
        Trigger::DataResidency => "regulation requires data to stay in regions".to_owned(),
        Trigger::SingleRegionFailover => format!(
            "an availability target of {} or more served from one region",
            tr.multi_region_availability
        ),
        Trigger::GlobalUserBase => format!(
            "users in {} or more regions with at least {} outside the serving one",
            tr.global_user_regions, tr.global_remote_share
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_has_content_and_a_unique_name() {
        for t in Topic::ALL {
            let s = t.section();
            assert!(!s.entries.is_empty(), "{t}");
            assert_eq!(Topic::from_name(t.name()), Some(t));
            assert!(s.to_string().starts_with(t.title()));
        }
        assert_eq!(
            Topic::from_name("decision-matrix"),
            Some(Topic::DecisionMatrix)
        );
        assert_eq!(Topic::from_name("nope"), None);
    }

    #[test]
    fn sections_carry_the_guide_figures() {
        let text = |t: Topic| t.section().to_string();
        assert!(text(Topic::Caching).contains("user profiles: TTL 5 to 15 minutes"));
        assert!(text(Topic::Caching).contains("database query results: TTL 1 to 5 minutes"));
        assert!(text(Topic::DecisionMatrix).contains(
            "database slow: first: add the missing indexes; then: add read replicas; finally: shard the data"
        ));
        assert!(
            text(Topic::Costs)
                .contains("10,000 users: single server (stage 1 (startup)), $100-300/mo")
        );
        assert!(
            text(Topic::KeyMetrics).contains("server_cpu: target below 70%, warning above 85%")
        );
        assert!(
            text(Topic::MultiRegion)
                .contains("active-active: consistency eventual; latency low; complexity high")
        );
        assert!(text(Topic::Sizing).contains("8 x 2 + 1 = 17"));
        assert_eq!(Topic::Checklists.section().entries.len(), 15);
    }
}
