//! One call that classifies a whole snapshot: stage, key-metric health, triggers, additions.

use core::fmt;

use crate::decision::LadderConfig;
use crate::evidence::Outcome;
use crate::patterns::{Addition, AdditionConfig};
use crate::series::History;
use crate::snapshot::MetricsSnapshot;
use crate::stage::Stage;
use crate::thresholds::{HealthReport, KeyThresholds};
use crate::triggers::{TriggerConfig, TriggerReport};

/// Every level the classification uses; each part can be overridden.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::{AdvisorConfig, TriggerConfig};
/// let cfg = AdvisorConfig {
///     triggers: TriggerConfig {
///         slow_query_level: Duration::from_millis(250),
///         ..TriggerConfig::default()
///     },
///     ..AdvisorConfig::default()
/// };
/// assert_eq!(cfg.thresholds.server_cpu.target().as_percent(), 70.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct AdvisorConfig {
    /// Key-metric target and warning levels.
    pub thresholds: KeyThresholds,
    /// Stage-transition trigger levels.
    pub triggers: TriggerConfig,
    /// Growth-stage addition levels.
    pub additions: AdditionConfig,
    /// Levels that show a decision-matrix rung is unfinished.
    pub ladders: LadderConfig,
}

/// Whether a growth-stage addition is called for, and whether it is already in place.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AdditionResult {
    /// The addition.
    pub addition: Addition,
    /// Its condition's outcome (fired: the data calls for it).
    pub outcome: Outcome,
    /// Whether the snapshot's architecture already has its component.
    pub in_place: bool,
}

impl AdditionResult {
    /// Whether the data calls for the addition and it is not yet in place.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     AdvisorConfig, Classification, Component, History, MetricsSnapshot, units::Ratio,
    /// };
    /// let snap = MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(90.0)?);
    /// let c = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
    /// assert!(c.additions[2].is_recommended()); // read replicas: called for, not in place
    /// let c = Classification::of(
    ///     &snap.with_component(Component::ReadReplicas),
    ///     &History::new(),
    ///     &AdvisorConfig::default(),
    /// );
    /// assert!(!c.additions[2].is_recommended());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn is_recommended(&self) -> bool {
        self.outcome.is_fired() && !self.in_place
    }
}

/// The classification of one snapshot.
///
/// Without series it allocates nothing; with series, the trend tests allocate scratch space.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::{
///     AdvisorConfig, Classification, Health, History, MetricsSnapshot, Stage, Trigger,
///     units::{Ratio, Users},
/// };
///
/// let snap = MetricsSnapshot::default()
///     .with_users(Users::new(8_000))
///     .with_p95_response_time(Duration::from_millis(1_200))
///     .with_server_cpu(Ratio::from_percent(91.0)?)
///     .with_db_cpu(Ratio::from_percent(76.0)?);
/// let c = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
/// assert_eq!(c.stage, Some(Stage::Startup));
/// assert_eq!(c.health.worst(), Some(Health::Unhealthy));
/// assert!(c.triggers.get(Trigger::DbCpuSustained).outcome.is_fired());
/// assert_eq!(c.suggested_stage(), Some(Stage::Growth));
/// assert!(
///     c.recommended_additions()
///         .any(|a| a.addition.component().name() == "load_balancer")
/// );
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Classification {
    /// The stage by user count; `None` when users were not given.
    pub stage: Option<Stage>,
    /// Health of the four key metrics.
    pub health: HealthReport,
    /// Outcomes of the twelve stage-transition triggers.
    pub triggers: TriggerReport,
    /// Outcomes of the five growth-stage additions.
    pub additions: [AdditionResult; 5],
}

impl Classification {
    /// Classifies a snapshot, with series from `history` where a trigger needs them.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     AdvisorConfig, Classification, History, MetricsSnapshot, Stage, units::Users,
    /// };
    /// let c = Classification::of(
    ///     &MetricsSnapshot::default().with_users(Users::new(250_000)),
    ///     &History::new(),
    ///     &AdvisorConfig::default(),
    /// );
    /// assert_eq!(c.stage, Some(Stage::Scale));
    /// ```
    #[must_use]
    pub fn of(
        snapshot: &MetricsSnapshot,
        history: &History,
        config: &AdvisorConfig,
    ) -> Classification {
        let addition = |addition: Addition| AdditionResult {
            addition,
            outcome: addition.evaluate(snapshot, &config.additions),
            in_place: snapshot.architecture.contains(addition.component()),
        };
        Classification {
            stage: snapshot.users.map(Stage::for_users),
            health: config.thresholds.assess(snapshot),
            triggers: TriggerReport::evaluate(snapshot, history, &config.triggers),
            additions: [
                addition(Addition::Cdn),
                addition(Addition::LoadBalancer),
                addition(Addition::ReadReplicas),
                addition(Addition::Cache),
                addition(Addition::JobQueue),
            ],
        }
    }

    /// The stage the metrics point to: the furthest stage a fired trigger leads into.
    ///
    /// `None` when no trigger fired. Compare with [`Classification::stage`]: a suggested
    /// stage beyond the stage by users means the system outgrew its architecture early; one at
    /// or below it means a move the user count already called for is overdue (never a step
    /// back).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     AdvisorConfig, Classification, History, MetricsSnapshot, Stage,
    /// };
    /// let snap = MetricsSnapshot::default().with_data_residency_required(true);
    /// let c = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
    /// assert_eq!(c.suggested_stage(), Some(Stage::Enterprise));
    /// ```
    #[must_use]
    pub fn suggested_stage(&self) -> Option<Stage> {
        self.triggers.fired().map(|r| r.trigger.to_stage()).max()
    }

    /// Additions the data calls for that are not yet in place.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{
    ///     AdvisorConfig, Classification, Component, History, MetricsSnapshot, units::Ratio,
    /// };
    /// let snap = MetricsSnapshot::default()
    ///     .with_static_asset_bandwidth_share(Ratio::from_percent(35.0)?)
    ///     .with_background_tasks_block_requests(true);
    /// let c = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
    /// let adds: Vec<Component> = c
    ///     .recommended_additions()
    ///     .map(|a| a.addition.component())
    ///     .collect();
    /// assert_eq!(adds, [Component::Cdn, Component::JobQueue]);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn recommended_additions(&self) -> impl Iterator<Item = &AdditionResult> {
        self.additions.iter().filter(|a| a.is_recommended())
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.stage {
            Some(s) => writeln!(f, "stage by users: {s}")?,
            None => writeln!(f, "stage by users: unknown (users not given)")?,
        }
        match (self.stage, self.suggested_stage()) {
            (Some(u), Some(m)) if m <= u => writeln!(
                f,
                "metrics: the conditions for {m} hold, and the user count is already there (overdue)"
            )?,
            (Some(_), Some(m)) => writeln!(
                f,
                "metrics: the conditions for {m} hold, ahead of the user count"
            )?,
            (None, Some(m)) => writeln!(f, "metrics: the conditions for {m} hold")?,
            (_, None) => {}
        }
        writeln!(f, "key metrics:")?;
        for m in self.health.iter() {
            writeln!(f, "  {m}")?;
        }
        writeln!(f, "transition triggers:")?;
        for r in self.triggers.iter() {
            writeln!(f, "  {r}")?;
        }
        writeln!(f, "growth-stage additions:")?;
        for a in &self.additions {
            let place = if a.in_place { " (in place)" } else { "" };
            writeln!(f, "  {}{place}: {}", a.addition, a.outcome)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn additions_follow_declaration_order() {
        let c = Classification::of(
            &MetricsSnapshot::default(),
            &History::new(),
            &AdvisorConfig::default(),
        );
        let order: Vec<Addition> = c.additions.iter().map(|a| a.addition).collect();
        assert_eq!(order, Addition::ALL);
    }
}
