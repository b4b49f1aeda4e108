//! The four growth stages: user bands, architecture and monthly cost.

use core::fmt;

use crate::architecture::{Component, ComponentSet};
use crate::units::{UsdPerMonth, Users};

/// A growth stage of a system, from a single server to a global deployment.
///
/// | stage | users (upper-inclusive band) | architecture in short | indicative cost |
/// |---|---|---|---|
/// | [`Startup`](Stage::Startup) | `0 <= users <= 10,000` | one server | $100/mo |
/// | [`Growth`](Stage::Growth) | `10,000 < users <= 100,000` | caching, read replicas | $1K/mo |
/// | [`Scale`](Stage::Scale) | `100,000 < users <= 1,000,000` | horizontal scaling | $10K/mo |
/// | [`Enterprise`](Stage::Enterprise) | `1,000,000 < users` | global, multi-region | $100K+/mo |
///
/// The guide writes the bands as "0-10K, 10K-100K, 100K-1M, 1M+". Its cost table puts the
/// shared boundaries in the smaller stage (10K users run on a single server, 100K on a load
/// balanced system with a cache, 1M on microservices with sharding), so every band here
/// includes its upper edge: exactly 10,000 users is [`Stage::Startup`], and "1M+" means more
/// than one million. The stage, its cost band and its row of [`COST_AT_SCALE`] all follow
/// this one convention.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Stage, units::Users};
/// assert_eq!(Stage::for_users(Users::new(10_000)), Stage::Startup);
/// assert_eq!(Stage::for_users(Users::new(10_001)), Stage::Growth);
/// assert_eq!(Stage::for_users(Users::new(1_000_000)), Stage::Scale);
/// assert_eq!(Stage::for_users(Users::new(2_000_000)), Stage::Enterprise);
/// assert_eq!(Stage::Growth.next(), Some(Stage::Scale));
/// ```
///
/// # References
/// The guide, "Scaling Stages Framework", the four stage sections, and "Infrastructure Cost
/// at Scale" (for the band edges).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Stage {
    /// Stage 1: up to 10K users on one server running the application, the database and file
    /// storage. Keep it simple; scale nothing yet.
    Startup,
    /// Stage 2: 10K to 100K users. A load balancer over several application servers, a CDN
    /// for static assets, a read replica and an application cache.
    Growth,
    /// Stage 3: 100K to 1M users. An API gateway in front of auto-scaled services, each with
    /// its own (sharded) data store, a search cluster and a message queue between services.
    Scale,
    /// Stage 4: 1M+ users. Several regions behind a global load balancer, with data
    /// replicated between them.
    Enterprise,
}

/// A band of users: `min <= users <= max` (both ends inclusive), with no upper end for the
/// last stage.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Stage, units::Users};
/// let band = Stage::Scale.user_band();
/// assert_eq!(
///     (band.min, band.max),
///     (Users::new(100_001), Some(Users::new(1_000_000)))
/// );
/// assert!(band.contains(Users::new(1_000_000)));
/// assert!(!band.contains(Users::new(100_000)));
/// assert_eq!(band.to_string(), "100,001 to 1,000,000 users");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UserBand {
    /// Smallest user count in the band (inclusive).
    pub min: Users,
    /// Largest user count in the band (inclusive); `None` for no upper end.
    pub max: Option<Users>,
}

impl UserBand {
    /// Whether `users` falls in the band.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Stage, units::Users};
    /// assert!(Stage::Growth.user_band().contains(Users::new(100_000)));
    /// assert!(!Stage::Growth.user_band().contains(Users::new(10_000)));
    /// ```
    #[must_use]
    pub fn contains(&self, users: Users) -> bool {
        users >= self.min && self.max.is_none_or(|max| users <= max)
    }
}

impl fmt::Display for UserBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `10,001 to 100,000 users`, `1,000,001+ users`: grouped as `Users` writes them.
        crate::units::write_whole(f, self.min.get())?;
        match self.max {
            Some(max) => {
                f.write_str(" to ")?;
                crate::units::write_whole(f, max.get())?;
                f.write_str(" users")
            }
            None => f.write_str("+ users"),
        }
    }
}

/// A monthly cost range; `high` is `None` when the range has no upper end ("$100,000+").
///
/// # Examples
/// ```
/// use scalability_advisor_core::Stage;
/// assert_eq!(
///     Stage::Growth.cost_at_scale().monthly.to_string(),
///     "$1,000-3,000/mo"
/// );
/// assert_eq!(
///     Stage::Enterprise.cost_at_scale().monthly.to_string(),
///     "$100,000+/mo"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CostBand {
    /// Lower end of the range.
    pub low: UsdPerMonth,
    /// Upper end of the range; `None` for no upper end.
    pub high: Option<UsdPerMonth>,
}

impl fmt::Display for CostBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.high {
            Some(high) if high == self.low => write!(f, "{}", self.low),
            Some(high) => {
                f.write_str("$")?;
                crate::units::fmt_usd(f, self.low.as_usd())?;
                f.write_str("-")?;
                crate::units::fmt_usd(f, high.as_usd())?;
                f.write_str("/mo")
            }
            None => {
                f.write_str("$")?;
                crate::units::fmt_usd(f, self.low.as_usd())?;
                f.write_str("+/mo")
            }
        }
    }
}

/// One row of the guide's "Infrastructure Cost at Scale" table.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{COST_AT_SCALE, Stage, units::Users};
/// let row = COST_AT_SCALE[2];
/// assert_eq!(row.users, Users::new(1_000_000));
/// assert_eq!(row.stage, Stage::Scale); // 1M users is the top of stage 3
/// assert_eq!(Stage::for_users(row.users), row.stage);
/// ```
///
/// Serialized with all its fields; read back by its user count, which must be one of the
/// table's rows (the text is the guide's and is not taken from the input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CostRow {
    /// The user count of the row.
    pub users: Users,
    /// The architecture the table names for that size, in a few words.
    pub architecture: &'static str,
    /// The stage those users fall in under [`Stage::for_users`].
    pub stage: Stage,
    /// The monthly cost range.
    pub monthly: CostBand,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct CostRowRepr {
    users: Users,
}

// By hand rather than derived: a derived impl would borrow `architecture` from the input
// for 'static, so it could only read 'static text.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for CostRow {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = CostRowRepr::deserialize(d)?;
        COST_AT_SCALE
            .iter()
            .find(|row| row.users == r.users)
            .copied()
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "{} users is not a row of the guide's cost table; the rows are 10000, \
                     100000, 1000000 and 10000000",
                    r.users.get()
                ))
            })
    }
}

const fn usd(v: f64) -> UsdPerMonth {
    UsdPerMonth::from_usd_const(v)
}

/// The guide's "Infrastructure Cost at Scale" table: 10K, 100K, 1M and 10M users.
///
/// The first three rows sit on the upper edge of stages 1 to 3 and describe their
/// architecture (10K users: a single server); the last is inside stage 4. [`CostRow::stage`]
/// is the stage each row's user count falls in, which is also the stage whose architecture
/// the row names, so [`Stage::cost_at_scale`] of stage n is row n.
///
/// # References
/// The guide, "Quick Reference", "Infrastructure Cost at Scale".
pub const COST_AT_SCALE: [CostRow; 4] = [
    CostRow {
        users: Users::new(10_000),
        architecture: "single server",
        stage: Stage::Startup,
        monthly: CostBand {
            low: usd(100.0),
            high: Some(usd(300.0)),
        },
    },
    CostRow {
        users: Users::new(100_000),
        architecture: "load balanced with a cache",
        stage: Stage::Growth,
        monthly: CostBand {
            low: usd(1_000.0),
            high: Some(usd(3_000.0)),
        },
    },
    CostRow {
        users: Users::new(1_000_000),
        architecture: "microservices with sharding",
        stage: Stage::Scale,
        monthly: CostBand {
            low: usd(10_000.0),
            high: Some(usd(30_000.0)),
        },
    },
    CostRow {
        users: Users::new(10_000_000),
        architecture: "multi-region",
        stage: Stage::Enterprise,
        monthly: CostBand {
            low: usd(100_000.0),
            high: None,
        },
    },
];

impl Stage {
    /// The four stages, in order.
    pub const ALL: [Stage; 4] = [
        Stage::Startup,
        Stage::Growth,
        Stage::Scale,
        Stage::Enterprise,
    ];

    /// The stage whose user band holds `users` (see the type docs for the bands).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Stage, units::Users};
    /// assert_eq!(Stage::for_users(Users::new(250_000)), Stage::Scale);
    /// ```
    #[must_use]
    pub const fn for_users(users: Users) -> Stage {
        match users.get() {
            0..=10_000 => Stage::Startup,
            10_001..=100_000 => Stage::Growth,
            100_001..=1_000_000 => Stage::Scale,
            _ => Stage::Enterprise,
        }
    }

    /// The stage's number, 1 to 4.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Stage;
    /// assert_eq!(Stage::Enterprise.number(), 4);
    /// ```
    #[must_use]
    pub const fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The stage's name in `snake_case`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Stage;
    /// assert_eq!(Stage::Growth.name(), "growth");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Stage::Startup => "startup",
            Stage::Growth => "growth",
            Stage::Scale => "scale",
            Stage::Enterprise => "enterprise",
        }
    }

    /// The next stage, if any.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Stage;
    /// assert_eq!(Stage::Scale.next(), Some(Stage::Enterprise));
    /// assert_eq!(Stage::Enterprise.next(), None);
    /// ```
    #[must_use]
    pub const fn next(self) -> Option<Stage> {
        match self {
            Stage::Startup => Some(Stage::Growth),
            Stage::Growth => Some(Stage::Scale),
            Stage::Scale => Some(Stage::Enterprise),
            Stage::Enterprise => None,
        }
    }

    /// The previous stage, if any.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Stage;
    /// assert_eq!(Stage::Scale.previous(), Some(Stage::Growth));
    /// assert_eq!(Stage::Startup.previous(), None);
    /// ```
    #[must_use]
    pub const fn previous(self) -> Option<Stage> {
        match self {
            Stage::Startup => None,
            Stage::Growth => Some(Stage::Startup),
            Stage::Scale => Some(Stage::Growth),
            Stage::Enterprise => Some(Stage::Scale),
        }
    }

    /// The stage's band of users.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Stage, units::Users};
    /// let band = Stage::Startup.user_band();
    /// assert_eq!(
    ///     (band.min, band.max),
    ///     (Users::new(0), Some(Users::new(10_000)))
    /// );
    /// ```
    #[must_use]
    pub const fn user_band(self) -> UserBand {
        let (min, max) = match self {
            Stage::Startup => (0, Some(10_000)),
            Stage::Growth => (10_001, Some(100_000)),
            Stage::Scale => (100_001, Some(1_000_000)),
            Stage::Enterprise => (1_000_001, None),
        };
        UserBand {
            min: Users::new(min),
            max: match max {
                Some(m) => Some(Users::new(m)),
                None => None,
            },
        }
    }

    /// The components the stage's architecture diagram shows.
    ///
    /// - Startup: a single server (application, database and file storage together).
    /// - Growth: CDN, load balancer, read replica, Redis cache.
    /// - Scale: CDN at the edge, API gateway, auto-scaled services, sharded databases, a
    ///   search cluster, a message queue.
    /// - Enterprise: a global load balancer, several regions with services and databases,
    ///   cross-region replication, a global CDN (from the enterprise checklist).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, Stage};
    /// assert!(
    ///     Stage::Growth
    ///         .architecture()
    ///         .contains(Component::ReadReplicas)
    /// );
    /// assert!(!Stage::Startup.architecture().contains(Component::Cache));
    /// ```
    #[must_use]
    pub const fn architecture(self) -> ComponentSet {
        match self {
            Stage::Startup => ComponentSet::from_components(&[Component::SingleServer]),
            Stage::Growth => ComponentSet::from_components(&[
                Component::Cdn,
                Component::LoadBalancer,
                Component::ReadReplicas,
                Component::Cache,
            ]),
            Stage::Scale => ComponentSet::from_components(&[
                Component::Cdn,
                Component::ApiGateway,
                Component::Microservices,
                Component::AutoScaling,
                Component::Sharding,
                Component::SearchCluster,
                Component::MessageQueue,
            ]),
            Stage::Enterprise => ComponentSet::from_components(&[
                Component::Cdn,
                Component::GlobalLoadBalancer,
                Component::MultiRegion,
                Component::CrossRegionReplication,
                Component::Microservices,
            ]),
        }
    }

    /// The architecture a system at this stage is expected to have: the stage's own
    /// components and those of every stage before it from stage 2 on (a single server is
    /// left behind at stage 2).
    ///
    /// The guide draws each stage on its own, but later stages keep what earlier ones added:
    /// stage 3's sharded services still sit behind a CDN and keep their caches and replicas,
    /// and stage 4 repeats stage 3 in every region. Plans and "what is missing" lists use
    /// this set.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, Stage};
    /// let four = Stage::Enterprise.cumulative_architecture();
    /// assert!(four.contains(Component::Sharding)); // from stage 3
    /// assert!(four.contains(Component::Cache)); // from stage 2
    /// assert!(!four.contains(Component::SingleServer));
    /// ```
    #[must_use]
    pub const fn cumulative_architecture(self) -> ComponentSet {
        match self {
            Stage::Startup => Stage::Startup.architecture(),
            Stage::Growth => Stage::Growth.architecture(),
            Stage::Scale => Stage::Growth
                .architecture()
                .union(Stage::Scale.architecture()),
            Stage::Enterprise => Stage::Growth
                .architecture()
                .union(Stage::Scale.architecture())
                .union(Stage::Enterprise.architecture()),
        }
    }

    /// Whether `architecture` already has everything this stage calls for: every component
    /// of [`Stage::cumulative_architecture`] except the single server. An empty set (nothing
    /// declared) is never built, since what is in place is then unknown.
    ///
    /// A stage transition whose target is built has been made: its trigger still describes
    /// a symptom to work on, but no longer a move to plan.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet, Stage};
    /// let growth = ComponentSet::from_components(&[
    ///     Component::Cdn,
    ///     Component::LoadBalancer,
    ///     Component::ReadReplicas,
    ///     Component::Cache,
    /// ]);
    /// assert!(Stage::Growth.is_built(growth));
    /// assert!(!Stage::Scale.is_built(growth));
    /// assert!(!Stage::Growth.is_built(ComponentSet::EMPTY));
    /// ```
    #[must_use]
    pub const fn is_built(self, architecture: ComponentSet) -> bool {
        let single = ComponentSet::from_components(&[Component::SingleServer]);
        !architecture.is_empty()
            && self
                .cumulative_architecture()
                .difference(single)
                .difference(architecture)
                .is_empty()
    }

    /// The furthest stage whose whole architecture `architecture` has ([`Stage::is_built`]):
    /// where the system's architecture stands, whatever its user count. Stage 1 for any
    /// declared architecture (it asks for no component beyond one server); `None` for an
    /// empty set, where what is in place is not known.
    ///
    /// The stages' cumulative architectures are nested, so every stage up to the answer is
    /// built and none after it.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet, Stage};
    /// let partial = ComponentSet::from_components(&[Component::LoadBalancer, Component::Cache]);
    /// assert_eq!(Stage::furthest_built(partial), Some(Stage::Startup));
    /// let growth = Stage::Growth.cumulative_architecture();
    /// assert_eq!(Stage::furthest_built(growth), Some(Stage::Growth));
    /// assert_eq!(Stage::furthest_built(ComponentSet::EMPTY), None);
    /// ```
    #[must_use]
    pub const fn furthest_built(architecture: ComponentSet) -> Option<Stage> {
        if architecture.is_empty() {
            return None;
        }
        Some(if Stage::Enterprise.is_built(architecture) {
            Stage::Enterprise
        } else if Stage::Scale.is_built(architecture) {
            Stage::Scale
        } else if Stage::Growth.is_built(architecture) {
            Stage::Growth
        } else {
            Stage::Startup
        })
    }

    /// The furthest stage any of whose new components ([`Stage::new_components`]) is in
    /// `architecture`: how far the architecture reaches, complete or not. Stage 1 for a
    /// declared architecture with nothing of the later stages; `None` for an empty set.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet, Stage};
    /// let partial = ComponentSet::from_components(&[Component::LoadBalancer, Component::Cache]);
    /// assert_eq!(Stage::furthest_reached(partial), Some(Stage::Growth));
    /// let one = ComponentSet::from_components(&[Component::SingleServer]);
    /// assert_eq!(Stage::furthest_reached(one), Some(Stage::Startup));
    /// assert_eq!(Stage::furthest_reached(ComponentSet::EMPTY), None);
    /// ```
    #[must_use]
    pub const fn furthest_reached(architecture: ComponentSet) -> Option<Stage> {
        if architecture.is_empty() {
            return None;
        }
        Some(if Stage::Enterprise.reaches(architecture) {
            Stage::Enterprise
        } else if Stage::Scale.reaches(architecture) {
            Stage::Scale
        } else if Stage::Growth.reaches(architecture) {
            Stage::Growth
        } else {
            Stage::Startup
        })
    }

    /// Whether `architecture` has any of the components this stage adds
    /// ([`Stage::new_components`]).
    const fn reaches(self, architecture: ComponentSet) -> bool {
        !self.new_components().intersection(architecture).is_empty()
    }

    /// What this stage adds to the architecture of the stages before it: its
    /// [`Stage::cumulative_architecture`] less the previous stage's (for stage 1, the single
    /// server). A CDN is stage 2's, though the guide draws it again at stages 3 and 4.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, Stage};
    /// assert_eq!(Stage::Growth.new_components().len(), 4);
    /// assert_eq!(Stage::Scale.new_components().len(), 6);
    /// assert!(!Stage::Scale.new_components().contains(Component::Cdn));
    /// assert_eq!(Stage::Enterprise.new_components().len(), 3);
    /// ```
    #[must_use]
    pub const fn new_components(self) -> ComponentSet {
        match self.previous() {
            None => self.cumulative_architecture(),
            Some(p) => self
                .cumulative_architecture()
                .difference(p.cumulative_architecture()),
        }
    }

    /// The indicative monthly cost of the stage overview ($100, $1K, $10K, $100K+).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Stage;
    /// assert_eq!(Stage::Scale.indicative_cost().to_string(), "$10,000/mo");
    /// ```
    #[must_use]
    pub const fn indicative_cost(self) -> CostBand {
        match self {
            Stage::Startup => CostBand {
                low: usd(100.0),
                high: Some(usd(100.0)),
            },
            Stage::Growth => CostBand {
                low: usd(1_000.0),
                high: Some(usd(1_000.0)),
            },
            Stage::Scale => CostBand {
                low: usd(10_000.0),
                high: Some(usd(10_000.0)),
            },
            Stage::Enterprise => CostBand {
                low: usd(100_000.0),
                high: None,
            },
        }
    }

    /// The row of [`COST_AT_SCALE`] that describes this stage's architecture: startup ->
    /// 10K users (single server), growth -> 100K, scale -> 1M, enterprise -> 10M.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Stage, units::Users};
    /// let row = Stage::for_users(Users::new(100_000)).cost_at_scale();
    /// assert_eq!(row.users, Users::new(100_000));
    /// assert_eq!(row.monthly.to_string(), "$1,000-3,000/mo");
    /// ```
    #[must_use]
    pub const fn cost_at_scale(self) -> CostRow {
        COST_AT_SCALE[self as usize]
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stage {} ({})", self.number(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bands_include_their_upper_edge() {
        let scale = Stage::Scale.user_band();
        assert!(scale.contains(Users::new(100_001)));
        assert!(scale.contains(Users::new(1_000_000)));
        assert!(!scale.contains(Users::new(100_000)));
        assert!(!scale.contains(Users::new(1_000_001)));
        let top = Stage::Enterprise.user_band();
        assert!(top.contains(Users::new(u64::MAX)));
        assert!(!top.contains(Users::new(1_000_000)));
        assert_eq!(scale.to_string(), "100,001 to 1,000,000 users");
        assert_eq!(top.to_string(), "1,000,001+ users");
    }

    #[test]
    fn boundaries_belong_to_the_smaller_stage() {
        #[track_caller]
        fn check(users: u64, expected: Stage) {
            assert_eq!(Stage::for_users(Users::new(users)), expected, "{users}");
        }
        check(0, Stage::Startup);
        check(10_000, Stage::Startup);
        check(10_001, Stage::Growth);
        check(100_000, Stage::Growth);
        check(100_001, Stage::Scale);
        check(1_000_000, Stage::Scale);
        check(1_000_001, Stage::Enterprise);
        check(u64::MAX, Stage::Enterprise);
    }

    #[test]
    fn bands_tile_the_user_axis() {
        for w in Stage::ALL.windows(2) {
            let upper = w[0].user_band().max.map(Users::get);
            assert_eq!(upper.map(|u| u + 1), Some(w[1].user_band().min.get()));
        }
        assert_eq!(Stage::Startup.user_band().min, Users::new(0));
        assert_eq!(Stage::Enterprise.user_band().max, None);
        for s in Stage::ALL {
            assert_eq!(Stage::for_users(s.user_band().min), s);
            if let Some(max) = s.user_band().max {
                assert_eq!(Stage::for_users(max), s);
            }
        }
    }

    #[test]
    fn cumulative_architecture_keeps_earlier_stages() {
        use Component::{Cache, LoadBalancer, MultiRegion, ReadReplicas, Sharding, SingleServer};
        let four = Stage::Enterprise.cumulative_architecture();
        for c in [Cache, LoadBalancer, ReadReplicas, Sharding, MultiRegion] {
            assert!(four.contains(c), "{c}");
        }
        assert!(!four.contains(SingleServer));
        assert_eq!(
            Stage::Startup.cumulative_architecture(),
            ComponentSet::from_components(&[SingleServer])
        );
        assert!(!Stage::Growth.cumulative_architecture().contains(Sharding));
        for w in Stage::ALL.windows(2).skip(1) {
            let (a, b) = (
                w[0].cumulative_architecture(),
                w[1].cumulative_architecture(),
            );
            assert!(a.difference(b).is_empty(), "{} then {}", w[0], w[1]);
        }
    }

    #[test]
    fn cost_tables_match_the_guide() {
        let lows: Vec<f64> = COST_AT_SCALE
            .iter()
            .map(|r| r.monthly.low.as_usd())
            .collect();
        assert_eq!(lows, [100.0, 1_000.0, 10_000.0, 100_000.0]);
        let highs: Vec<Option<f64>> = COST_AT_SCALE
            .iter()
            .map(|r| r.monthly.high.map(UsdPerMonth::as_usd))
            .collect();
        assert_eq!(highs, [Some(300.0), Some(3_000.0), Some(30_000.0), None]);
        let users: Vec<u64> = COST_AT_SCALE.iter().map(|r| r.users.get()).collect();
        assert_eq!(users, [10_000, 100_000, 1_000_000, 10_000_000]);
        for r in COST_AT_SCALE {
            assert_eq!(Stage::for_users(r.users), r.stage);
        }
        for s in Stage::ALL {
            assert_eq!(s.cost_at_scale().stage, s);
        }
        let overview: Vec<f64> = Stage::ALL
            .iter()
            .map(|s| s.indicative_cost().low.as_usd())
            .collect();
        assert_eq!(overview, [100.0, 1_000.0, 10_000.0, 100_000.0]);
        assert_eq!(Stage::Enterprise.indicative_cost().high, None);
    }

    #[test]
    fn navigation_and_display() {
        assert_eq!(Stage::Startup.previous(), None);
        assert_eq!(Stage::Enterprise.next(), None);
        for s in Stage::ALL {
            if let Some(n) = s.next() {
                assert_eq!(n.previous(), Some(s));
                assert_eq!(n.number(), s.number() + 1);
            }
        }
        assert_eq!(Stage::Growth.to_string(), "stage 2 (growth)");
        assert_eq!(
            Stage::Growth.user_band().to_string(),
            "10,001 to 100,000 users"
        );
    }

    proptest! {
        #[test]
        fn for_users_is_monotone(a in any::<u64>(), b in any::<u64>()) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(Stage::for_users(Users::new(lo)) <= Stage::for_users(Users::new(hi)));
        }

        #[test]
        fn furthest_built_is_built_and_the_next_is_not(
            picks in proptest::collection::vec(any::<bool>(), crate::Component::ALL.len())
        ) {
            let mut arch = crate::ComponentSet::EMPTY;
            for (c, keep) in crate::Component::ALL.iter().zip(&picks) {
                if *keep {
                    arch.insert(*c);
                }
            }
            match Stage::furthest_built(arch) {
                None => prop_assert!(arch.is_empty()),
                Some(s) => {
                    for earlier in Stage::ALL.into_iter().filter(|e| *e <= s) {
                        prop_assert!(earlier.is_built(arch));
                    }
                    if let Some(next) = s.next() {
                        prop_assert!(!next.is_built(arch));
                    }
                }
            }
        }

        #[test]
        fn furthest_reached_has_a_component_of_its_stage_and_none_later(
            picks in proptest::collection::vec(any::<bool>(), crate::Component::ALL.len())
        ) {
            let mut arch = crate::ComponentSet::EMPTY;
            for (c, keep) in crate::Component::ALL.iter().zip(&picks) {
                if *keep {
                    arch.insert(*c);
                }
            }
            match Stage::furthest_reached(arch) {
                None => prop_assert!(arch.is_empty()),
                Some(s) => {
                    prop_assert!(s == Stage::Startup || s.reaches(arch));
                    for later in Stage::ALL.into_iter().filter(|l| *l > s) {
                        prop_assert!(!later.reaches(arch));
                    }
                    // Built is never further than reached.
                    prop_assert!(Stage::furthest_built(arch).is_some_and(|b| b <= s));
                }
            }
        }

        #[test]
        fn for_users_lands_in_its_band(u in any::<u64>()) {
            let users = Users::new(u);
            prop_assert!(Stage::for_users(users).user_band().contains(users));
        }
    }
}
