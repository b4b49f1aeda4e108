//! The scaling decision matrix: for each symptom, what to try first, then, and finally.

use core::fmt;

use crate::architecture::{Component, ComponentSet};
use crate::snapshot::Metric;

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
/// use advisor_core::{Remedy, RemedySet, Symptom, ComponentSet, Component, NextStep, LadderStep};
/// assert_eq!(Symptom::DatabaseSlow.ladder(), [Remedy::AddIndexes, Remedy::ReadReplicas, Remedy::Sharding]);
///
/// // Indexes were tried and replicas are in place: sharding is next.
/// let tried = RemedySet::from_remedies(&[Remedy::AddIndexes]);
/// let have = ComponentSet::from_components(&[Component::ReadReplicas]);
/// assert_eq!(Symptom::DatabaseSlow.next_step(tried, have), NextStep::Try { step: LadderStep::Finally, remedy: Remedy::Sharding });
/// ```
///
/// # References
/// The seed, `scalability-advisor-SKILL.md`, "Quick Reference", "Scaling Decision Matrix".
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

impl Symptom {
    /// Every symptom, in the seed's order.
    pub const ALL: [Symptom; 5] = [
        Symptom::SlowPageLoads,
        Symptom::DatabaseSlow,
        Symptom::ApiTimeouts,
        Symptom::HighServerCpu,
        Symptom::HighMemory,
    ];

    /// The `snake_case` name.
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
    #[must_use]
    pub fn next_step(self, tried: RemedySet, architecture: ComponentSet) -> NextStep {
        let steps = [LadderStep::First, LadderStep::Then, LadderStep::Finally];
        for (step, remedy) in steps.into_iter().zip(self.ladder()) {
            let in_place = remedy.component().is_some_and(|c| architecture.contains(c));
            if !tried.contains(remedy) && !in_place {
                return NextStep::Try { step, remedy };
            }
        }
        NextStep::Exhausted
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
    /// use advisor_core::{Component, Remedy};
    /// assert_eq!(Remedy::AsyncProcessing.component(), Some(Component::JobQueue));
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
/// use advisor_core::{Remedy, RemedySet};
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
    pub fn insert(&mut self, remedy: Remedy) -> bool {
        let absent = !self.contains(remedy);
        self.0 |= remedy.bit();
        absent
    }

    /// Whether the set holds `remedy`.
    #[must_use]
    pub const fn contains(self, remedy: Remedy) -> bool {
        self.0 & remedy.bit() != 0
    }

    /// The remedies, in declaration order.
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
    fn ladders_match_the_seed() {
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
    fn remedy_names_are_unique() {
        let mut names: Vec<_> = Remedy::ALL.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Remedy::ALL.len());
    }
}
