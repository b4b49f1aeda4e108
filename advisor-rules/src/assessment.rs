//! One call from a snapshot to an explained assessment: a plan of action, the stage and where
//! it is heading, findings with true evidence, checklists, and text, Markdown and JSON forms.

use core::fmt;
use std::borrow::Cow;
use std::collections::{BTreeMap, btree_map};

use scalability_advisor_core::bottleneck::Layer;
use scalability_advisor_core::patterns::{
    Addition, AdditionConfig, Checklist, ChecklistItem, ChecklistStatus,
};
use scalability_advisor_core::units::{Ratio, Users};
use scalability_advisor_core::{
    AdvisorConfig, Classification, Component, ComponentSet, CostBand, History, HostRole,
    LadderPosition, LadderStep, Metric, MetricHealth, MetricsSnapshot, NextStep, Outcome, Quantity,
    Remedy, RungState, Stage, Symptom, TriggerResult, UserBand,
};

use crate::engine::{
    Engine, Evaluation, EvidenceRef, Finding, MissingInput, RuleEvidence, RuleStatus,
};
use crate::pack::{Origin, Rule, RulePack, Severity};
use crate::plan::{
    Active, Deferral, Facts, Grounds, Key, MemoryFill, Place, REDUCE_LOCKS, Skeleton,
    deferred_delivery, escalate_leak, evidence_only, fold_overdue_moves, move_installing,
    moved_evidence, nothing_to_add, quiet_cache_with_first_reads, quiet_far_users_moves,
    quiet_moves_with_nothing_to_add, rung_installing, step_measuring, with_lowest_rungs,
};

/// The JSON shape version of [`Assessment`].
pub const ASSESSMENT_FORMAT: u32 = 3;

/// What a [`StepKey::Diagnose`] step advises: the guide's diagnosis order, in our words.
const DIAGNOSE_ADVICE: &str = "Nothing measured points at a layer yet. Trace slow requests end to end (distributed tracing such as Jaeger or Datadog) to see where the time is spent, then look at the database (slow query log, connection pool), the application (CPU and memory profiles), calls between services and third-party APIs, in the guide's diagnosis order. Measure what \"Not judged\" says is worth measuring and assess again: the plan then works on the layer the figures point at.";

/// Whether a set of components is empty (serde's `skip_serializing_if` takes a reference).
#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes a reference"
)]
fn no_components(set: &ComponentSet) -> bool {
    set.is_empty()
}

/// One finding of an assessment, with the evidence that supports it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AssessedFinding {
    /// Rule id.
    pub id: String,
    /// Title; for a ladder rule, the symptom and the rung it advises.
    pub title: String,
    /// Severity (raised for an overdue transition when the rule says so).
    pub severity: Severity,
    /// Priority (smaller first).
    pub priority: u32,
    /// Bottleneck layer.
    pub layer: Option<Layer>,
    /// The decision-matrix symptom the finding detects or is evidence of.
    pub symptom: Option<Symptom>,
    /// For a ladder rule, the ladder it detects (its remedy is the rung the system is on).
    pub ladder: Option<Symptom>,
    /// The remedy it advises: for a ladder rule, the rung the system is on.
    pub remedy: Option<Remedy>,
    /// The rung of the remedy.
    pub step: Option<LadderStep>,
    /// The stage a transition rule moves to.
    pub moves_to: Option<Stage>,
    /// Whether a transition is overdue: the user count is already in or past `moves_to`,
    /// and the move is not made ([`Rule::move_made`]).
    pub overdue: bool,
    /// Whether a transition has been made ([`Rule::move_made`]): the declared architecture
    /// already has everything `moves_to` calls for, or everything the rule recommends. Its
    /// condition is then a symptom to work on, not a move to plan: the plan puts it with the
    /// step for its symptom.
    #[serde(default)]
    pub made: bool,
    /// The pack's named action, when the rule has one.
    pub action: Option<String>,
    /// The title of the step the finding opens when that step is its own, as the rule gives
    /// it ([`crate::Rule::step_title`]); the finding's title is used without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_title: Option<Cow<'static, str>>,
    /// Components the rule recommends adding.
    pub recommends: ComponentSet,
    /// Components the rule calls premature (present but not yet justified).
    #[serde(default, skip_serializing_if = "no_components")]
    pub discourages: ComponentSet,
    /// What to do.
    pub advice: String,
    /// The evidence that supports the finding (only what held).
    pub evidence: Vec<RuleEvidence>,
    /// The components of the declared architecture whose `has(...)` supports the finding
    /// ([`Engine::declared`]): "multi_region in the declared architecture".
    #[serde(default, skip_serializing_if = "no_components")]
    pub declared: ComponentSet,
    /// The components not declared but shown in place by a metric only they report
    /// ([`MetricsSnapshot::components_in_place`]) whose `has(...)` supports the finding:
    /// "cache in place (cache_hit_rate is measured)".
    #[serde(default, skip_serializing_if = "no_components")]
    pub shown: ComponentSet,
    /// The components whose absence from the declared architecture supports the finding
    /// ([`Engine::absent`]): "no microservices in the declared architecture". Empty when
    /// the snapshot declares no architecture.
    #[serde(default, skip_serializing_if = "no_components")]
    pub absent: ComponentSet,
    /// The entities that made it fire (`any(...)` rules), each with its figures:
    /// "table `events`: 1,107 sequential scans read 184.5M rows in 1.0 min; ...".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
    /// The names of those entities, in the same order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_names: Vec<String>,
    /// Where the rule came from.
    pub origin: Origin,
    /// References for the rule (as [`Rule::references`]).
    pub references: Vec<Cow<'static, str>>,
}

/// Three or more lines: `[severity] title (id)` (with `, overdue` for an overdue
/// transition), one indented line per evidence item, and the advice after an arrow. The
/// text report prints findings this way.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, MetricsSnapshot, units::Ratio,
/// };
/// use scalability_advisor_rules::{Engine, assess};
/// let snap = MetricsSnapshot::default().with_db_pool_usage(Ratio::from_percent(92.0)?);
/// let a = assess(&Engine::default_pack(), &snap, &History::new());
/// let f = a
///     .findings
///     .iter()
///     .find(|f| f.id == "key.pool.critical")
///     .unwrap();
/// let text = f.to_string();
/// assert!(text.starts_with("[critical] "), "{text}");
/// assert!(text.contains("db_pool_usage = 92%"), "{text}");
/// assert!(
///     text.lines().last().unwrap().trim_start().starts_with("-> "),
///     "{text}"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl fmt::Display for AssessedFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let overdue = if self.overdue { ", overdue" } else { "" };
        write!(
            f,
            "[{}{overdue}] {} ({})",
            self.severity, self.title, self.id
        )?;
        for e in &self.evidence {
            write!(f, "\n    {e}")?;
        }
        for c in self.declared.iter() {
            write!(f, "\n    {}", declared_line(c))?;
        }
        for c in self.shown.iter() {
            write!(f, "\n    {}", shown_line(c))?;
        }
        for c in self.absent.iter() {
            write!(f, "\n    {}", absent_line(c))?;
        }
        write!(f, "\n    -> {}", self.advice)
    }
}

/// What a plan step is about: the key under which findings are merged.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum StepKey {
    /// A remedy of the decision matrix.
    Remedy(Remedy),
    /// Every rung of a symptom's ladder is done; the symptom persists.
    LadderExhausted(Symptom),
    /// A component to add that no ladder covers.
    Component(Component),
    /// Moving to (or catching up with) a growth stage.
    Stage(Stage),
    /// Gaps of a stage checklist.
    Checklist(Checklist),
    /// A named action of the pack (`action = "..."`).
    Action(String),
    /// A finding that stands on its own (its rule id).
    Rule(String),
    /// Finding where the time goes: slow pages with nothing measured pointing at a layer,
    /// at a stage where the guide adds no cache before it is needed, or with only the
    /// slow-page ladder's last rung (logic at the edge) left (see the crate's notes on
    /// advice).
    Diagnose,
}

/// One step of the plan of action: one remedy or action with all the evidence for it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanStep {
    /// 1 for the step to take first.
    pub rank: usize,
    /// What the step is about.
    pub key: StepKey,
    /// What to do, in a few words.
    pub title: String,
    /// The most severe finding behind the step, with two exceptions: a rung's step shown
    /// by a stage move takes the move's severity, and a stage move with nothing to add now
    /// (every component its stage lacks waits for a guide condition measured as unmet) is
    /// [`Severity::Info`], though its findings keep theirs.
    pub severity: Severity,
    /// The layer the step works on, which orders steps of equal severity by the guide's
    /// diagnosis order: a rung's step, its ladder's layer; a stage move's step, the layer of
    /// the finding that advises it (none for a move made for a requirement, such as an
    /// availability target); any other step, the first of its findings that names one.
    pub layer: Option<Layer>,
    /// For a decision-matrix remedy: its symptom and rung.
    pub ladder: Option<(Symptom, LadderStep)>,
    /// What it involves.
    pub advice: String,
    /// The evidence, merged from every finding behind the step (each line once).
    pub why: Vec<String>,
    /// Context: what is already done on the ladder, what the move lacks.
    pub notes: Vec<String>,
    /// Ids of the findings behind the step.
    pub findings: Vec<String>,
    /// Sources, merged.
    pub references: Vec<Cow<'static, str>>,
    /// The tables, statements and hosts the step is about, each with its figures (from
    /// `any(...)` rules); the title names the first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
    /// The names of those entities, in the same order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_names: Vec<String>,
}

/// A finding whose advice waits for another step of the plan: an earlier rung of its own
/// ladder, or, for a rung of the slow-page ladder while the database, storage, the network
/// or the external APIs are the likeliest bottleneck, the step that works on that layer
/// (see "Slow pages that wait on another layer" in the crate's notes on advice).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HeldBack {
    /// The finding's rule id.
    pub finding: String,
    /// Its title.
    pub title: String,
    /// The remedy it would advise.
    pub remedy: Remedy,
    /// The ladder.
    pub symptom: Symptom,
    /// The step the plan advises instead, which comes first: the current rung of the
    /// finding's own ladder ([`StepKey::Remedy`]), or the step working on the likeliest
    /// bottleneck (a rung of its ladder, its used-up ladder, or an action or rule of its
    /// own).
    pub until: StepKey,
    /// The rank of that step in [`Assessment::plan`]; `None` when the plan has no such
    /// step (its own advice waits for yet another step).
    pub after_step: Option<usize>,
    /// The evidence behind the finding, one line each.
    pub why: Vec<String>,
    /// What to know of its advice before its turn comes, one line each (a cache where few
    /// queries repeat: what to cache and what to expect of it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl HeldBack {
    /// The title of the step it waits for, for a held-back finding whose step is not in the
    /// plan: from that step's key (`"Add the missing indexes"`), or, for a step of an
    /// action or a rule, as that step would be titled: the step title of its first finding
    /// in `findings` ([`AssessedFinding::step_title`]), else that finding's title (the
    /// action's or rule's id only when none of `findings` has it).
    fn until_title(&self, findings: &[AssessedFinding]) -> String {
        let titled = |f: &AssessedFinding| f.step_title.as_deref().unwrap_or(&f.title).to_owned();
        let (key, plain) = match &self.until {
            StepKey::Remedy(r) => (Key::Remedy(*r), ""),
            StepKey::LadderExhausted(s) => (Key::LadderExhausted(*s), ""),
            StepKey::Component(c) => (Key::Component(*c), ""),
            StepKey::Stage(to) => (Key::Stage(*to), ""),
            StepKey::Checklist(c) => (Key::Checklist(*c), ""),
            StepKey::Action(a) => {
                if let Some(f) = findings.iter().find(|f| f.action.as_ref() == Some(a)) {
                    return titled(f);
                }
                (Key::Action(a), a.as_str())
            }
            StepKey::Rule(id) => {
                if let Some(f) = findings.iter().find(|f| f.id == *id) {
                    return titled(f);
                }
                (Key::Rule(id), id.as_str())
            }
            StepKey::Diagnose => (Key::Diagnose, ""),
        };
        base_title(key, plain, None)
    }
}

/// The stage by users and by metrics, read so that metrics never demote a system.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageView {
    /// Users, when given.
    pub users: Option<Users>,
    /// The stage by user count.
    pub by_users: Option<Stage>,
    /// The band of that stage.
    pub band: Option<UserBand>,
    /// The furthest stage a fired transition leads into.
    pub by_metrics: Option<Stage>,
    /// The stage to plan for: the later of the two.
    pub planning_for: Option<Stage>,
    /// Transition findings that are overdue (their stage is already reached by users).
    pub overdue: Vec<String>,
    /// Transition findings whose stage is already built ([`AssessedFinding::made`]).
    #[serde(default)]
    pub made: Vec<String>,
    /// The furthest stage a fired transition whose stage is not built yet leads into: the
    /// moves of [`StageView::by_metrics`] less the made ones. `None` when every move that
    /// fired is made (they are symptoms to work on) or none fired.
    #[serde(default)]
    pub unmade: Option<Stage>,
    /// Of [`StageView::overdue`], the findings whose move has nothing to add now: every
    /// component their stage lacks is one the guide adds on a condition of its own (a load
    /// balancer once the servers' CPU passes 70%), not measured to hold (measured under it,
    /// or, for a stage the user count is past, not measured). The plan keeps
    /// their step for information ([`PlanStep::severity`]), and
    /// [`StageView::metrics_line`] does not call such a move overdue.
    #[serde(default)]
    pub waiting: Vec<String>,
    /// The furthest stage whose whole architecture is in place (declared, or shown by a
    /// metric only a component reports: [`MetricsSnapshot::components_in_place`])
    /// ([`Stage::furthest_built`]): where the architecture stands, whatever the user count.
    /// `None` when no architecture was declared.
    #[serde(default)]
    pub built: Option<Stage>,
    /// The furthest stage any of whose own components is in place, as for
    /// [`StageView::built`] ([`Stage::furthest_reached`]): how far the architecture
    /// reaches, complete or not. `None` when no architecture was declared.
    #[serde(default)]
    pub reached: Option<Stage>,
    /// The components in place, when an architecture is declared (the declared ones and
    /// those a metric shows; empty when none is declared), which
    /// [`StageView::in_place_line`] counts against each stage's.
    #[serde(default)]
    pub architecture: ComponentSet,
}

/// Where the system is heading: the next stage's architecture, what of it is missing, its
/// cost.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NextStage {
    /// The stage.
    pub stage: Stage,
    /// Why this stage: the user count's next stage, or what the metrics call for.
    pub reason: String,
    /// Its user band.
    pub band: UserBand,
    /// Its cumulative architecture ([`Stage::cumulative_architecture`]).
    pub architecture: ComponentSet,
    /// What of it the declared architecture lacks (`None` when no architecture was declared).
    pub missing: Option<ComponentSet>,
    /// The guide's indicative monthly cost of the stage.
    pub indicative_cost: CostBand,
    /// The guide's cost-table row for the stage: its user count,
    pub cost_table_users: Users,
    /// the architecture it names,
    pub cost_table_architecture: String,
    /// and its monthly cost range.
    pub cost_table_monthly: CostBand,
    /// For each missing component the guide gives a condition for adding (its stage-2
    /// additions: CDN, load balancer, read replicas, cache), that condition and where the
    /// system stands against it. The guide adds each when its condition holds, not before
    /// ("don't over-engineer for scale you don't have"), so a missing component is a
    /// signal to watch, not a gap. Left out, unless its condition holds: a component that
    /// a checklist of the report lists as a gap (the enterprise checklist's global CDN),
    /// and one a step of the plan calls for now on other grounds (a load balancer for a
    /// server out of memory, a CDN for far users), since neither waits for the condition.
    /// Empty when no architecture was declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when_to_add: Vec<WhenToAdd>,
    /// The components of [`NextStage::missing`] that nothing in the report calls for: none
    /// is one of the guide's stage-2 additions (those are in [`NextStage::when_to_add`]),
    /// none is a gap of a checklist that applies, and no step or finding of the plan asks
    /// for it or places it later (sharding as the last rung of a database ladder the plan
    /// climbs). The guide adds them as the system comes to need them (an API gateway, a
    /// search cluster, a message queue), so the report says that nothing measured calls
    /// for them yet, lest the missing list read as gaps to close. Empty when no
    /// architecture was declared.
    #[serde(default, skip_serializing_if = "nothing_shown")]
    pub uncalled: ComponentSet,
    /// The components of [`NextStage::missing`] that the plan has a place for and no line
    /// of [`NextStage::when_to_add`] shows, each with that place: the step that adds it or
    /// whose finding calls for it ("step 3"), the step its held-back addition waits for
    /// ("after step 2"), or the step whose ladder installs it on a later rung (sharding:
    /// "the ladder's last rung, after step 2"). Empty when no architecture was declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub placed: Vec<(Component, String)>,
    /// With no architecture declared, the components of the stage's architecture that the
    /// metrics show in place all the same ([`MetricsSnapshot::components_in_place`]: a
    /// cache whose hit rate is measured). Empty when an architecture is declared (they are
    /// then counted out of [`NextStage::missing`]).
    #[serde(default, skip_serializing_if = "nothing_shown")]
    pub shown: ComponentSet,
}

/// Whether [`NextStage::shown`] (or [`NextStage::uncalled`]) is empty (for serde, which
/// passes a reference).
#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn nothing_shown(shown: &ComponentSet) -> bool {
    shown.is_empty()
}

/// A component the next stage has and the system lacks, with the guide's condition for
/// adding it ([`Addition`]) and where the system stands.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::scalability_advisor_core::{
///     Component, History, MetricsSnapshot,
///     units::{Ratio, Users},
/// };
/// use scalability_advisor_rules::{Engine, assess};
/// let mut snap = MetricsSnapshot::default()
///     .with_users(Users::new(4_000))
///     .with_server_cpu(Ratio::from_percent(25.0)?);
/// snap.architecture.insert(Component::SingleServer);
/// let a = assess(&Engine::default_pack(), &snap, &History::new());
/// let next = a.next_stage.unwrap();
/// let lb = next.when_to_add.iter().find(|w| w.component == Component::LoadBalancer).unwrap();
/// assert_eq!(lb.condition, "server_cpu > 70%");
/// assert_eq!(lb.holds, Some(false));
/// assert_eq!(lb.to_string(), "load_balancer when server_cpu > 70% (now 25%)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WhenToAdd {
    /// The component.
    pub component: Component,
    /// The guide's condition for adding it, with the pack's level
    /// ([`Addition::condition`]): `server_cpu > 70%`.
    pub condition: String,
    /// The measured value of the condition's metric; `None` when not measured.
    pub observed: Option<Quantity>,
    /// The level the condition compares [`WhenToAdd::observed`] with (`70%` for
    /// `server_cpu > 70%`), beside which it is written ([`Quantity::beside`]); `None` when
    /// not measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Quantity>,
    /// Whether the condition holds; `None` when not measured.
    pub holds: Option<bool>,
    /// When the condition holds, where the plan deals with the component: `"step 6"` (the
    /// step that adds it), `"after step 3"` (its addition is held back until that step is
    /// done, as a CDN waits for the cache on the slow-page ladder) or `"the next rung after
    /// step 1"` (the next rung of the ladder that step works on installs it, as horizontal
    /// scaling brings the load balancer after a bigger machine), or the step that says it
    /// can wait (`"step 2, \"Read replicas can wait\""`: a finding whose rule supersedes
    /// the one that would add it). When the condition does not hold or is not measured,
    /// the place the plan has for the component all the same, if any: `"after step 1"` (an
    /// application cache, the slow-page ladder's first rung, held back behind a memory
    /// step) or `"the next rung after step 1"` (read replicas after the indexes), each
    /// coming only if that step leaves the symptom, so that the line agrees with the stage
    /// step's list. `None` when nothing in the plan deals with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_plan: Option<String>,
}

impl fmt::Display for WhenToAdd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} when {}", self.component, self.condition)?;
        // (Beside its level: a value just past it never reads as the level itself.)
        let observed = self.observed.map(|v| v.beside(self.level.unwrap_or(v)));
        match (observed, self.holds) {
            (Some(v), Some(true)) => match &self.in_plan {
                Some(place) => write!(f, " (now {v}: it holds; plan: {place})"),
                None => write!(f, " (now {v}: it holds)"),
            },
            (Some(v), _) => match &self.in_plan {
                Some(place) => write!(f, " (now {v}; plan: {place})"),
                None => write!(f, " (now {v})"),
            },
            (None, _) => match &self.in_plan {
                Some(place) => write!(f, " (not measured; plan: {place})"),
                None => f.write_str(" (not measured)"),
            },
        }
    }
}

/// A stage checklist evaluated against the declared architecture and practices.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChecklistReport {
    /// Which checklist.
    pub checklist: Checklist,
    /// Each item with its status, in the guide's order.
    pub items: Vec<(ChecklistItem, ChecklistStatus)>,
}

impl ChecklistReport {
    /// Items known to be missing.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Component, History, MetricsSnapshot, units::Users,
    /// };
    /// use scalability_advisor_rules::{Engine, assess};
    /// // 400,000 users with an architecture that lacks circuit breakers.
    /// let snap = MetricsSnapshot::default()
    ///     .with_users(Users::new(400_000))
    ///     .with_component(Component::LoadBalancer);
    /// let a = assess(&Engine::default_pack(), &snap, &History::new());
    /// let gaps: Vec<_> = a.checklists[0].gaps().map(|g| g.name()).collect();
    /// assert!(gaps.contains(&"circuit_breakers"));
    /// ```
    pub fn gaps(&self) -> impl Iterator<Item = ChecklistItem> + '_ {
        self.items
            .iter()
            .filter(|(_, s)| *s == ChecklistStatus::Gap)
            .map(|(i, _)| *i)
    }

    /// Items nobody declared and the snapshot cannot show.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Component, History, MetricsSnapshot, units::Users,
    /// };
    /// use scalability_advisor_rules::{Engine, assess};
    /// let snap = MetricsSnapshot::default()
    ///     .with_users(Users::new(400_000))
    ///     .with_component(Component::LoadBalancer);
    /// let a = assess(&Engine::default_pack(), &snap, &History::new());
    /// // No snapshot can show whether application servers keep local state.
    /// assert!(
    ///     a.checklists[0]
    ///         .to_verify()
    ///         .any(|i| i.name() == "stateless_app_servers")
    /// );
    /// ```
    pub fn to_verify(&self) -> impl Iterator<Item = ChecklistItem> + '_ {
        self.items
            .iter()
            .filter(|(_, s)| *s == ChecklistStatus::ToVerify)
            .map(|(i, _)| *i)
    }
}

/// A bottleneck layer ranked by independent evidence.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RankedLayer {
    /// The layer.
    pub layer: Layer,
    /// Score: for each distinct metric behind the layer's findings, 3 when its worst finding
    /// is critical, 2 warning, 1 info; summed. One reading counts once, however many rules
    /// use it.
    pub score: u32,
    /// The metrics behind the score.
    pub metrics: Vec<String>,
    /// Ids of the findings behind the score.
    pub findings: Vec<String>,
}

/// Something the assessment could not judge.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NotJudged {
    /// The rule that could not be evaluated.
    pub rule: String,
    /// What it lacked.
    pub missing: Vec<MissingInput>,
    /// Why measuring what it lacked can wait, when it can ([`CanWait::of`]); `None` when it
    /// is worth measuring now (or the stage is not known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_wait: Option<CanWait>,
}

/// Why the data a rule lacked is not worth collecting yet: what the rule judges does not
/// concern the system at its stage.
///
/// The guide tells a startup not to worry about multi-region yet and not to over-engineer
/// for scale it does not have; a report that asks a 4,000-user single server for its
/// region counts and primary write capacity buries what is worth measuring under what is
/// not. The report lists these inputs apart ("can wait"), after those worth measuring.
///
/// The stage the system is planning for is the later of its stage by users and the stage
/// its metrics call for (as the checklists use it); with neither known, nothing can wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "because")]
#[non_exhaustive]
pub enum CanWait {
    /// The rule is about a stage after the next one: its transition moves there
    /// ([`Rule::moves_to`]), or what it recommends first appears in that stage's
    /// architecture ([`Stage::cumulative_architecture`]). A startup's next stage is growth,
    /// so rules about scale (write saturation, a cache hit rate that plateaus) and
    /// enterprise (regions, residency, failover) can wait.
    LaterStage {
        /// The stage the rule is about.
        stage: Stage,
    },
    /// The rule warns of components added too early ([`Rule::discourages`]), and none of
    /// them is in place ([`MetricsSnapshot::components_in_place`]: declared, or shown by a
    /// metric): there is nothing for it to find.
    NothingInPlace,
    /// Everything the rule lacked is reported by a component not in place
    /// ([`Metric::reported_by`]): replica lag without read replicas. It cannot be measured
    /// until the component is in place.
    NotInPlace {
        /// The component.
        component: Component,
    },
}

impl CanWait {
    /// Whether the inputs `rule` lacked (`missing`) can wait for `snapshot`, a system
    /// planning for `planning_for`. What is in place is
    /// [`MetricsSnapshot::components_in_place`]; with no architecture declared, what is
    /// *not* in place is unknown, so only [`CanWait::LaterStage`] applies.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Component, Metric, MetricsSnapshot, Stage,
    /// };
    /// use scalability_advisor_rules::{CanWait, Engine, MissingInput};
    /// let engine = Engine::default_pack();
    /// let rule = |id: &str| engine.rules().find(|r| r.id == id).unwrap();
    /// let single = &MetricsSnapshot::default().with_component(Component::SingleServer);
    /// let startup = Some(Stage::Startup);
    /// let value = |m| [MissingInput::Value(m)];
    /// // Data residency moves a system to stage 4: it can wait at stage 1.
    /// assert_eq!(
    ///     CanWait::of(
    ///         rule("move.4.data_residency"),
    ///         &value(Metric::DataResidencyRequired),
    ///         startup,
    ///         single
    ///     ),
    ///     Some(CanWait::LaterStage { stage: Stage::Enterprise })
    /// );
    /// // The share of reads decides on replicas, a stage-2 addition: the next stage.
    /// let reads = value(Metric::DbReadShare);
    /// assert_eq!(CanWait::of(rule("add.read_replicas"), &reads, startup, single), None);
    /// // Regions deployed too early: none are, on one declared server.
    /// let regions = value(Metric::DeployedRegions);
    /// assert_eq!(
    ///     CanWait::of(rule("premature.regions"), &regions, startup, single),
    ///     Some(CanWait::NothingInPlace)
    /// );
    /// // Replica lag, with no replicas to lag.
    /// let lag = value(Metric::ReplicaLag);
    /// assert_eq!(
    ///     CanWait::of(rule("db.replica_lag"), &lag, startup, single),
    ///     Some(CanWait::NotInPlace { component: Component::ReadReplicas })
    /// );
    /// // Replicas too early, on a server whose measured lag shows replicas: worth judging.
    /// let lagging = &single.clone().with_replica_lag(Duration::from_millis(300));
    /// let db_cpu = value(Metric::DbCpu);
    /// assert_eq!(CanWait::of(rule("premature.read_replicas"), &db_cpu, startup, single),
    ///     Some(CanWait::NothingInPlace));
    /// assert_eq!(CanWait::of(rule("premature.read_replicas"), &db_cpu, startup, lagging), None);
    /// // With the architecture not declared, what is in place is not known.
    /// let none = &MetricsSnapshot::default();
    /// assert_eq!(CanWait::of(rule("premature.regions"), &regions, startup, none), None);
    /// assert_eq!(CanWait::of(rule("db.replica_lag"), &lag, startup, none), None);
    /// // At stage 3 the next stage is the last one: nothing is about a later stage.
    /// let residency = value(Metric::DataResidencyRequired);
    /// let scale = Some(Stage::Scale);
    /// assert_eq!(CanWait::of(rule("move.4.data_residency"), &residency, scale, single), None);
    /// ```
    #[must_use]
    pub fn of(
        rule: &Rule,
        missing: &[MissingInput],
        planning_for: Option<Stage>,
        snapshot: &MetricsSnapshot,
    ) -> Option<CanWait> {
        let now = planning_for?;
        let next = now.next().unwrap_or(now);
        let about = rule.moves_to.or_else(|| {
            Stage::ALL.into_iter().find(|s| {
                rule.recommends
                    .iter()
                    .any(|c| s.cumulative_architecture().contains(c))
            })
        });
        if let Some(stage) = about
            && stage > next
        {
            return Some(CanWait::LaterStage { stage });
        }
        // With nothing declared, what is missing is not known; what is in place includes
        // what the metrics show.
        if snapshot.architecture.is_empty() {
            return None;
        }
        let architecture = snapshot.components_in_place();
        if !rule.discourages.is_empty()
            && rule.discourages.iter().all(|c| !architecture.contains(c))
        {
            return Some(CanWait::NothingInPlace);
        }
        // Every input lacked is one a component not in place would report.
        let reporter = |m: &MissingInput| match m {
            MissingInput::Value(metric)
            | MissingInput::Series(metric)
            | MissingInput::SeriesSamples { metric, .. } => {
                metric.reported_by().filter(|c| !architecture.contains(*c))
            }
            _ => None,
        };
        let first = reporter(missing.first()?)?;
        missing
            .iter()
            .all(|m| reporter(m).is_some())
            .then_some(CanWait::NotInPlace { component: first })
    }
}

/// The assessment of one snapshot: a plan of action first, then the stage and where it is
/// heading, key-metric health, findings with their evidence, what is held back, checklists,
/// bottleneck layers, and what could not be judged.
///
/// The JSON form (`serde_json::to_string(&assessment)`) is stable within
/// [`ASSESSMENT_FORMAT`]: `format`, `plan`, `stage`, `next_stage`, `health`,
/// `triggers_fired`, `findings`, `held_back`, `checklists`, `bottlenecks`, `not_judged`.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, MetricsSnapshot, Remedy,
///     units::{Ratio, Users},
/// };
/// use scalability_advisor_rules::{Engine, StepKey, assess};
/// let snap = MetricsSnapshot::default()
///     .with_users(Users::new(4_000))
///     .with_server_cpu(Ratio::from_percent(92.0)?);
/// let a = assess(&Engine::default_pack(), &snap, &History::new());
/// assert_eq!(a.stage.by_users.map(|s| s.number()), Some(1));
/// // 92% CPU on one server: the first rung of the high-CPU ladder.
/// assert_eq!(a.plan[0].key, StepKey::Remedy(Remedy::VerticalScale));
/// assert!(a.to_text().starts_with("Plan of action"));
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Assessment {
    /// JSON shape version ([`ASSESSMENT_FORMAT`]).
    pub format: u32,
    /// The plan of action: one step per remedy or action, most urgent first.
    pub plan: Vec<PlanStep>,
    /// The stage by users and by metrics.
    pub stage: StageView,
    /// Where the system is heading.
    pub next_stage: Option<NextStage>,
    /// Health of the key metrics.
    pub health: Vec<MetricHealth>,
    /// scalability-advisor-core's stage-transition triggers that fired, with evidence.
    pub triggers_fired: Vec<TriggerResult>,
    /// Rule findings, ordered by severity, priority, id.
    pub findings: Vec<AssessedFinding>,
    /// Findings whose advice waits for another step (see [`HeldBack`]).
    pub held_back: Vec<HeldBack>,
    /// The stage checklists that apply.
    pub checklists: Vec<ChecklistReport>,
    /// Layers ranked by independent evidence.
    pub bottlenecks: Vec<RankedLayer>,
    /// Rules that could not be evaluated, and why.
    pub not_judged: Vec<NotJudged>,
}

impl RulePack {
    /// scalability-advisor-core's levels with every one this pack names overridden by its parameter, so
    /// that the key-metric health, the core triggers and the ladders read the same levels as
    /// the rules (for example a layered `cpu_warning = "90%"` moves both).
    ///
    /// Parameters read: `p95_target`, `p95_warning`, `queries_target`, `queries_warning`,
    /// `cpu_target`, `cpu_warning`, `pool_target`, `pool_warning`, `db_cpu_level`,
    /// `slow_query`, `resources_maxed`, `primary_write_level`, `cache_hit_ceiling`,
    /// `replica_lag_level`, `remote_latency`, `multi_region_availability`,
    /// `global_user_regions`, `global_remote_share`, `cdn_static_share`,
    /// `read_replicas_share`, `cache_repeated_share`, `missing_index_seq_scans`,
    /// `missing_index_table_scans`, `missing_index_min_rows`, `cache_hit_warning` and
    /// `cache_full_headroom` (which the default pack does not set: its level is the core's,
    /// 10%). A parameter of the wrong unit or out of range, or a pair in the wrong order,
    /// keeps the default.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::{PackFormat, RulePack};
    /// let pack = RulePack::default_pack().layer(
    ///     "prod.toml",
    ///     "name = \"prod\"\n[params]\ncpu_warning = \"90%\"\n",
    ///     PackFormat::Toml,
    /// )?;
    /// assert_eq!(
    ///     pack.advisor_config()
    ///         .thresholds
    ///         .server_cpu
    ///         .warning()
    ///         .as_percent(),
    ///     90.0
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn advisor_config(&self) -> AdvisorConfig {
        use core::time::Duration;
        use scalability_advisor_core::units::{Count, QueriesPerRequest, Ratio};
        use scalability_advisor_core::{Direction, Threshold};
        let value = |name: &str| self.param(name).map(|p| p.value);
        let ratio = |name: &str| value(name).and_then(|v| Ratio::from_fraction(v).ok());
        let secs = |name: &str| value(name).and_then(|v| Duration::try_from_secs_f64(v).ok());
        let queries = |name: &str| value(name).and_then(|v| QueriesPerRequest::new(v).ok());
        let mut c = AdvisorConfig::default();
        let t = &mut c.thresholds;
        if let Some(th) = secs("p95_target")
            .zip(secs("p95_warning"))
            .and_then(|(a, b)| Threshold::new("p95", a, b, Direction::LowerIsBetter).ok())
        {
            t.p95_response_time = th;
        }
        if let Some(th) = queries("queries_target")
            .zip(queries("queries_warning"))
            .and_then(|(a, b)| Threshold::new("queries", a, b, Direction::LowerIsBetter).ok())
        {
            t.db_queries_per_request = th;
        }
        if let Some(th) = ratio("cpu_target")
            .zip(ratio("cpu_warning"))
            .and_then(|(a, b)| Threshold::new("cpu", a, b, Direction::LowerIsBetter).ok())
        {
            t.server_cpu = th;
        }
        if let Some(th) = ratio("pool_target")
            .zip(ratio("pool_warning"))
            .and_then(|(a, b)| Threshold::new("pool", a, b, Direction::LowerIsBetter).ok())
        {
            t.db_pool_usage = th;
        }
        let tr = &mut c.triggers;
        let set_ratio = |slot: &mut Ratio, name: &str| {
            if let Some(r) = ratio(name) {
                *slot = r;
            }
        };
        set_ratio(&mut tr.db_cpu_level, "db_cpu_level");
        set_ratio(&mut tr.resources_maxed_level, "resources_maxed");
        set_ratio(&mut tr.primary_write_level, "primary_write_level");
        set_ratio(&mut tr.cache_hit_ceiling, "cache_hit_ceiling");
        set_ratio(
            &mut tr.multi_region_availability,
            "multi_region_availability",
        );
        set_ratio(&mut tr.global_remote_share, "global_remote_share");
        if let Some(d) = secs("slow_query") {
            tr.slow_query_level = d;
        }
        if let Some(d) = secs("replica_lag_level") {
            tr.replica_lag_level = d;
        }
        if let Some(d) = secs("remote_latency") {
            tr.remote_latency_level = d;
        }
        if let Some(n) = value("global_user_regions")
            .filter(|v| v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(v))
        {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked above to be a whole number in u32's range"
            )]
            let n = n as u32;
            tr.global_user_regions = n;
        }
        set_ratio(&mut c.additions.static_asset_share, "cdn_static_share");
        set_ratio(&mut c.additions.read_share, "read_replicas_share");
        set_ratio(
            &mut c.additions.repeated_query_share,
            "cache_repeated_share",
        );
        set_ratio(&mut c.ladders.cache_hit_floor, "cache_hit_warning");
        set_ratio(&mut c.ladders.cache_full_headroom, "cache_full_headroom");
        if let Some(n) = value("missing_index_seq_scans")
            .filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v < 9.0e15)
        {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked above to be a whole, non-negative number below 2^53"
            )]
            let n = n as u64;
            c.ladders.missing_index_seq_scans = Count::new(n);
        }
        if let Some(d) = secs("leak_critical_within") {
            c.ladders.leak_critical_within = d;
        }
        if let Some(r) = value("missing_index_table_scans")
            .and_then(|v| scalability_advisor_core::units::Rate::from_per_second(v).ok())
        {
            c.ladders.missing_index_table_scans = r;
        }
        if let Some(n) =
            value("missing_index_min_rows").filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v < 9.0e15)
        {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked above to be a whole, non-negative number below 2^53"
            )]
            let n = n as u64;
            c.ladders.missing_index_min_rows = Count::new(n);
        }
        c
    }
}

/// Assesses a snapshot with an engine, reading scalability-advisor-core's levels from the engine's pack
/// ([`RulePack::advisor_config`]).
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, MetricsSnapshot, units::Users,
/// };
/// use scalability_advisor_rules::{Engine, Severity, assess};
/// // A 2M-user service in one region whose remote users wait 900 ms at P95: the guide's
/// // stage-4 condition holds, and at this size the move is overdue.
/// let snap = MetricsSnapshot::default()
///     .with_users(Users::new(2_000_000))
///     .with_remote_user_p95(Duration::from_millis(900));
/// let a = assess(&Engine::default_pack(), &snap, &History::new());
/// let f = a
///     .findings
///     .iter()
///     .find(|f| f.id == "move.4.remote_latency")
///     .unwrap();
/// assert!(f.overdue);
/// assert_eq!(f.severity, Severity::Warning);
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[must_use]
pub fn assess(engine: &Engine, snapshot: &MetricsSnapshot, history: &History) -> Assessment {
    let evaluation = engine.evaluate(snapshot, history);
    assess_with(
        engine,
        &evaluation,
        snapshot,
        history,
        &engine.advisor_config(),
    )
}

/// Builds an assessment from an evaluation already made, with explicit scalability-advisor-core levels.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, MetricsSnapshot, units::Ratio,
/// };
/// use scalability_advisor_rules::{Engine, assess_with};
/// let engine = Engine::default_pack();
/// let snap = MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(91.0)?);
/// let eval = engine.evaluate(&snap, &History::new());
/// let a = assess_with(
///     &engine,
///     &eval,
///     &snap,
///     &History::new(),
///     &engine.pack().advisor_config(),
/// );
/// assert_eq!(a.plan[0].findings, ["add.read_replicas"]);
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[must_use]
pub fn assess_with(
    engine: &Engine,
    evaluation: &Evaluation,
    snapshot: &MetricsSnapshot,
    history: &History,
    config: &AdvisorConfig,
) -> Assessment {
    let c = Classification::of(snapshot, history, config);
    let positions: BTreeMap<Symptom, LadderPosition> = Symptom::ALL
        .into_iter()
        .map(|s| (s, s.position(snapshot, history, config)))
        .collect();
    let mut findings: Vec<AssessedFinding> = Vec::with_capacity(evaluation.findings.len());
    for f in &evaluation.findings {
        let Some(rule) = engine.rule(f.rule) else {
            continue;
        };
        let mut a = assessed(rule, f, engine.explain(evaluation, f), &positions, snapshot);
        let supporting = engine.declared(evaluation, f);
        a.declared = supporting.intersection(snapshot.architecture);
        a.shown = supporting.difference(snapshot.architecture);
        a.absent = engine.absent(evaluation, f);
        for (line, name) in subject_lines(evaluation, f, snapshot) {
            a.subjects.push(line);
            a.subject_names.push(name);
        }
        findings.push(a);
    }

    let mut stage = stage_view(snapshot, &findings);
    // (With no user count, how far ahead the move is is not known: the steps look first
    // all the same, `far_users_first`.)
    // (Every move to it looking first at the same thing, or far users beside a standby
    // region or a deployment per jurisdiction, which that step takes in: moves that look at
    // different things share a step that plans the move.)
    let looked_at_first = stage.by_metrics.filter(|m| {
        let mut kinds = Some(0u8);
        for f in findings
            .iter()
            .filter(|f| f.moves_to == Some(*m) && !f.made)
        {
            let k = looks_first(
                engine,
                f,
                snapshot,
                (
                    config.triggers.primary_write_level,
                    crate::plan::long_query(snapshot, config).is_some(),
                ),
            );
            kinds = kinds.zip(k).map(|(set, k)| set | k.bit());
        }
        (stage.by_users.is_none() || stages_short(stage.by_users, *m).is_some())
            && kinds.is_some_and(|set| {
                set.count_ones() == 1
                    || set == LooksAt::STANDBY_AND_FAR
                    || set == LooksAt::RESIDENCY_AND_FAR
            })
    });
    // The checklists are those of the stage planned for, leaving out far users' moves that
    // ask only to measure again (`measured_again`): they plan no region.
    let checklists_for = if far_users_no_slower(snapshot).is_some() {
        let by_metrics = findings
            .iter()
            .filter(|f| !measured_again(engine, f, snapshot, stage.by_users))
            .filter_map(|f| f.moves_to)
            .max();
        stage.by_users.max(by_metrics)
    } else {
        stage.planning_for
    };
    let checklists: Vec<ChecklistReport> = Checklist::ALL
        .into_iter()
        .filter(|cl| checklist_applies(checklists_for, stage.by_users, cl.stage()))
        .map(|cl| ChecklistReport {
            checklist: cl,
            items: cl
                .items()
                .iter()
                .map(|i| (*i, i.status(snapshot)))
                .collect(),
        })
        .collect();
    // The components the checklists that apply report missing: called for by them.
    let asked_by_checklists = checklists
        .iter()
        .flat_map(|r| r.items.iter())
        .filter(|(_, status)| *status == ChecklistStatus::Gap)
        .filter_map(|(item, _)| item.component())
        .fold(ComponentSet::EMPTY, |set, c| {
            set.union(ComponentSet::from_components(&[c]))
        });
    // With no user count to go by, the furthest stage another move calls for.
    let other_moves = looked_at_first.and_then(|m| {
        findings
            .iter()
            .filter(|f| !f.made)
            .filter_map(|f| f.moves_to)
            .filter(|to| *to < m)
            .max()
    });
    // Whether every move to the stage looked at first rests on a residency rule, or on an
    // availability target (far users' moves beside either, which its step takes in): the
    // reason names what the plan does instead.
    let all_moves = |is: fn(&Engine, usize) -> bool| {
        looked_at_first.is_some_and(|m| {
            findings
                .iter()
                .filter(|f| f.moves_to == Some(m) && !f.made)
                .all(|f| engine.rule_index(&f.id).is_some_and(|r| is(engine, r)))
        })
    };
    let instead = if all_moves(|e, r| residency_rule(e, r) || far_users_rule(e, r))
        && !all_moves(far_users_rule)
    {
        Some("meets the residency rule with a deployment per jurisdiction")
    } else if all_moves(|e, r| availability_rule(e, r) || far_users_rule(e, r))
        && !all_moves(far_users_rule)
    {
        Some("meets the availability target with a standby region")
    } else {
        None
    };
    let mut next_stage = next_stage(
        snapshot,
        &stage,
        (looked_at_first, other_moves, instead),
        &config.additions,
        asked_by_checklists,
    );

    // Ladders the report works on: those whose ladder rule fired, at their current rung.
    let active: Active = findings
        .iter()
        .filter_map(|f| f.ladder.map(|s| (s, f.remedy)))
        .collect();
    // (A host running both the application and the database shares one CPU and memory
    // between them: see `RankContext`.)
    let bottlenecks = rank_layers(&findings, RankContext::of(snapshot));
    let interim = replaced_by_moves(engine, evaluation);
    let (mut plan, held_back, closing) = build_plan(
        engine,
        &findings,
        &interim,
        &active,
        &positions,
        snapshot,
        &checklists,
        &bottlenecks,
        Grounds {
            memory_fill: memory_fill(snapshot, history, config),
            ..Grounds::of(snapshot, config)
        },
    );
    findings_read_as_their_steps(&mut findings, &plan);
    gaps_close_if_the_move_comes(&mut plan);
    moves_point_to_their_steps(&mut findings, &plan);
    stage.waiting = waiting_moves(&stage.overdue, &plan);
    // A condition that holds names the step that deals with it, so that the list does not
    // read as "add it now" for a component the plan holds back. The guide's condition for
    // a component is its ladder's symptom where it has one (a single server's CPU past 70%
    // for the load balancer of horizontal scaling), so a ladder's step places it too: the
    // load balancer comes as the rung after scaling up.
    // A condition that holds while a finding of the plan says the component can wait (a
    // rule superseding the one that would add it: read replicas for a database with room
    // to spare) names that step.
    // A component the plan calls for now, on other grounds than the condition (a load
    // balancer for a server out of memory, a CDN for far users), does not wait for it.
    // A component that comes with another the plan places (the load balancer of an
    // auto-scaler a checklist's step asks for: `Component::brought_by`) does not wait for
    // a condition of its own either: it is placed with that one.
    let placed_at = |c: Component| {
        component_place(c, &plan, &held_back, &findings, false)
            .or_else(|| calling_step(c, &plan, &findings))
            .or_else(|| component_place(c, &plan, &held_back, &findings, true))
            .or_else(|| closing_step(c, &plan, &closing))
    };
    let with_another = |c: Component| {
        let b = c.brought_by()?;
        placed_at(b).map(|place| format!("with {b}, {place}"))
    };
    if let Some(n) = next_stage.as_mut() {
        n.when_to_add.retain(|w| {
            w.holds == Some(true)
                || !(plan_calls_for(w.component, &plan, &findings)
                    || with_another(w.component).is_some())
        });
    }
    // A component the plan calls for now, or places later (sharding as the last rung of
    // the database ladder the plan climbs), is not one that nothing calls for.
    // Where the plan has it is said of each missing component that no line of the
    // conditions shows.
    if let Some(n) = next_stage.as_mut() {
        for c in n.missing.unwrap_or(ComponentSet::EMPTY).iter() {
            // (A move's step calling for it now comes before a ladder's later rung that
            // would install it: sharding for writes past the primary's capacity is the
            // move's, not the last rung of the database ladder the plan also climbs.)
            let place = placed_at(c).or_else(|| with_another(c));
            if place.is_some() || plan_calls_for(c, &plan, &findings) {
                n.uncalled.remove(c);
            }
            if let Some(place) = place
                && !n.when_to_add.iter().any(|w| w.component == c)
            {
                n.placed.push((c, place));
            }
        }
    }
    // A condition that does not hold, or is not measured, names where the plan has the
    // component all the same (a cache held back behind another step, read replicas as the
    // next rung of the database ladder), as the stage step's own list does (`when_placed`).
    for w in next_stage.iter_mut().flat_map(|n| n.when_to_add.iter_mut()) {
        w.in_plan = if w.holds == Some(true) {
            component_place(w.component, &plan, &held_back, &findings, true)
                .or_else(|| step_deferring(engine, w.component, &plan))
                .or_else(|| with_another(w.component))
        } else {
            placed_at(w.component)
        };
    }
    // (With the info rules among them that replace another's finding, for
    // `note_unjudged_replacements`: the index of each in `not_judged`.)
    let mut not_judged: Vec<NotJudged> = Vec::new();
    let mut replacers: Vec<(&Rule, usize)> = Vec::new();
    for (i, r) in engine
        .rules()
        .enumerate()
        .filter(|(i, _)| evaluation.statuses.get(*i) == Some(&RuleStatus::NotEvaluated))
    {
        let missing = engine.missing(i, snapshot, history);
        if r.severity == Severity::Info && !r.supersedes.is_empty() {
            replacers.push((r, not_judged.len()));
        }
        not_judged.push(NotJudged {
            rule: r.id.clone(),
            can_wait: CanWait::of(r, &missing, stage.planning_for, snapshot),
            missing,
        });
    }
    note_unjudged_replacements(&mut plan, &replacers, &not_judged);
    Assessment {
        format: ASSESSMENT_FORMAT,
        plan,
        stage,
        next_stage,
        health: c.health.iter().copied().collect(),
        triggers_fired: c.triggers.fired().copied().collect(),
        findings,
        held_back,
        checklists,
        bottlenecks,
        not_judged,
    }
}

/// A finding of a step that an info rule of the pack replaces when it holds (`supersedes`:
/// the step can wait, or is ahead of need), while that rule could not be judged for lack of data
/// worth measuring now (no [`CanWait`]): the step says so and names what to give. The
/// default pack's `premature.add_read_replicas` ("Read replicas can wait", info) replaces
/// `add.read_replicas` at stage 1 while the database's CPU is under the guide's 70%; with
/// db_cpu not measured the replica step would otherwise advise replicas as if nothing could
/// hold them back, against the guide's "don't over-engineer for scale you don't have". A
/// replacement of warning or more (a region near far users for the move to stage 4, a host
/// shared with the database for a busy CPU) refines the advice rather than holding it back,
/// and is not noted; neither is an info step. Linear in the rules,
/// their `supersedes` lists and the plan's findings.
fn note_unjudged_replacements(
    steps: &mut [PlanStep],
    replacers: &[(&Rule, usize)],
    not_judged: &[NotJudged],
) {
    // The finding each unjudged info rule would replace, with that rule and what it lacked.
    // (Without users, a rule of some stages is not judged at all, its condition unread, and
    // the data may already rule it out: only a condition left undecided by what was
    // measured is noted.)
    let mut replacing: BTreeMap<&str, Vec<(&Rule, &NotJudged)>> = BTreeMap::new();
    for (rule, n) in replacers
        .iter()
        .filter_map(|(rule, at)| Some((*rule, not_judged.get(*at)?)))
        .filter(|(_, n)| n.can_wait.is_none() && !n.missing.contains(&MissingInput::Users))
    {
        for id in &rule.supersedes {
            replacing.entry(id.as_str()).or_default().push((rule, n));
        }
    }
    if replacing.is_empty() {
        return;
    }
    for step in steps.iter_mut().filter(|s| s.severity > Severity::Info) {
        let mut notes = Vec::new();
        for id in &step.findings {
            for (rule, n) in replacing.get(id.as_str()).into_iter().flatten() {
                let missing: Vec<String> = n.missing.iter().map(ToString::to_string).collect();
                let missing: Vec<&str> = missing.iter().map(String::as_str).collect();
                notes.push(format!(
                    "{} (\"{}\") replaces {id} when it holds, and could not be judged: give {} before acting on this step",
                    rule.id,
                    rule.title,
                    and_list(&missing)
                ));
            }
        }
        step.notes.extend(notes);
    }
}

/// The overdue moves (`overdue`, their findings' ids) whose stage step has nothing to add
/// now ([`NOTHING_TO_ADD_NOW`]): [`StageView::waiting`].
fn waiting_moves(overdue: &[String], plan: &[PlanStep]) -> Vec<String> {
    overdue
        .iter()
        .filter(|id| {
            plan.iter().any(|s| {
                matches!(s.key, StepKey::Stage(_))
                    && s.findings.contains(id)
                    && adds_nothing_now(&s.advice)
            })
        })
        .cloned()
        .collect()
}

/// Whether the plan calls for component `c` now: a step is the rung that installs it, or a
/// finding recommends it. (Such a finding is a
/// stage move, whose step calls for the component, or is placed at the rung installing it;
/// a move made has what it recommends in place.)
fn plan_calls_for(c: Component, plan: &[PlanStep], findings: &[AssessedFinding]) -> bool {
    plan.iter()
        .any(|s| matches!(s.key, StepKey::Remedy(r) if r.component() == Some(c)))
        || findings.iter().any(|f| f.recommends.contains(c))
}

/// The step holding a finding that recommends component `c` (a stage move's step, which
/// calls for it), as [`component_place`] names a step.
fn calling_step(c: Component, plan: &[PlanStep], findings: &[AssessedFinding]) -> Option<String> {
    let calling: Vec<&str> = findings
        .iter()
        .filter(|f| f.recommends.contains(c))
        .map(|f| f.id.as_str())
        .collect();
    if calling.is_empty() {
        return None;
    }
    plan.iter()
        .find(|s| s.findings.iter().any(|id| calling.contains(&id.as_str())))
        .map(|s| format!("step {}", s.rank))
}

/// The step that closes a checklist's gap component `c` answers: the step the gap folds
/// into (`closing`: a rung that installs it, a stage move that brings it, a step on what
/// the gap measures), else the checklist's own step listing it; as [`component_place`]
/// names a step.
fn closing_step(
    c: Component,
    plan: &[PlanStep],
    closing: &[(ChecklistItem, StepKey)],
) -> Option<String> {
    let key = closing
        .iter()
        .find(|(g, _)| g.component() == Some(c))
        .map(|(_, k)| k.clone())
        .or_else(|| {
            plan.iter().find_map(|s| match s.key {
                StepKey::Checklist(l) if l.items().iter().any(|i| i.component() == Some(c)) => {
                    Some(s.key.clone())
                }
                _ => None,
            })
        })?;
    plan.iter()
        .find(|s| s.key == key)
        .map(|s| format!("step {}", s.rank))
}

/// A host that runs both the application and the database: they share its CPU and memory.
pub(crate) fn shared_host(snapshot: &MetricsSnapshot) -> Option<&str> {
    snapshot.hosts.as_ref().and_then(|hosts| {
        hosts
            .iter()
            .find(|h| h.roles.contains(HostRole::App) && h.roles.contains(HostRole::Db))
            .map(|h| h.name.as_str())
    })
}

fn capitalised(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_capitalised(&mut out, s);
    out
}

/// `s` with its first letter in upper case, appended to `out`.
fn push_capitalised(out: &mut String, s: &str) {
    let mut c = s.chars();
    if let Some(first) = c.next() {
        out.extend(first.to_uppercase());
        out.push_str(c.as_str());
    }
}

/// What a used-up ladder's step does, as its title says it (before ": the guide's ladder
/// is used up"): the gist of [`beyond_the_ladder`].
const fn past_the_ladder(symptom: Symptom) -> &'static str {
    match symptom {
        Symptom::SlowPageLoads => "Trace where the slow pages spend their time",
        Symptom::DatabaseSlow => "Find what still loads the database",
        Symptom::ApiTimeouts => "Work on the provider's latency and limits",
        Symptom::HighServerCpu => "Profile the servers again",
        Symptom::HighMemory => "Find what holds the memory",
        // (A symptom added to the core later.)
        _ => "Find where the time goes",
    }
}

/// Where to look once every rung of `symptom`'s ladder is done: past the decision matrix,
/// in the guide's diagnosis guide for that layer.
const fn beyond_the_ladder(symptom: Symptom) -> &'static str {
    match symptom {
        Symptom::SlowPageLoads => {
            "trace slow requests end to end (distributed tracing) to find the layer that holds the time, and work on that layer; then revisit the capacity plan."
        }
        Symptom::DatabaseSlow => {
            "look at the statements that take the most total time (pg_stat_statements), at lock contention and table or index bloat, and at whether one shard is hotter than the others (a hot key or range, to split); then revisit the capacity plan."
        }
        Symptom::ApiTimeouts => {
            "look at the provider itself: its latency and rate limits (ask for higher limits, batch calls), cache its answers where they may be stale for a while, serve a fallback when it fails, or add a second provider."
        }
        Symptom::HighServerCpu => {
            "profile again (the cheap hot paths are gone; look for work done per request that could be done once), check that auto-scaling adds servers before the CPU saturates, and revisit the capacity plan."
        }
        Symptom::HighMemory => {
            "measure what holds the memory (heap profiles by type), put bounds on in-process caches and buffers, and revisit the instances' memory in the capacity plan."
        }
        // (A symptom added to the core later.)
        _ => "trace where the time goes, profile, and revisit the capacity plan.",
    }
}

/// The level a rung's evidence was compared with, as a note writes it (empty without one).
fn threshold_text(evidence: &scalability_advisor_core::Evidence) -> String {
    evidence
        .threshold
        .map_or_else(String::new, |t| t.to_string())
}

/// What is known of the rungs below and above the current one, as notes.
fn ladder_notes(p: &LadderPosition, snapshot: &MetricsSnapshot) -> Vec<String> {
    let mut notes = Vec::new();
    for r in &p.rungs {
        let what = match r.state {
            RungState::Declared => format!("{} ({}): declared done", r.remedy.title(), r.step),
            RungState::InPlace { component } => format!(
                "{} ({}): {}",
                r.remedy.title(),
                r.step,
                in_place_text(component, snapshot)
            ),
            RungState::Incomplete { evidence } => format!(
                "{} ({}): {}, but not finished: {}",
                r.remedy.title(),
                r.step,
                r.remedy
                    .in_place(snapshot.components_in_place())
                    .map_or_else(
                        || "declared done".to_owned(),
                        |c| in_place_text(c, snapshot)
                    ),
                evidence_text(&evidence)
            ),
            RungState::UnindexedTable { table } => {
                let shown = snapshot
                    .entity(scalability_advisor_core::EntityKind::Table, table)
                    .map_or_else(String::new, |(name, figures)| {
                        format!(": table `{name}` ({figures})")
                    });
                format!(
                    "{} ({}): declared done, but a table is still read only by sequential scans{shown}",
                    r.remedy.title(),
                    r.step
                )
            }
            // The climb's size is in the step's evidence (in points, for a ratio); the note
            // says only what it means for the rung.
            RungState::NotNeeded { evidence } if r.remedy == Remedy::IncreaseRam => format!(
                "{} ({}): skipped: memory use keeps rising{}, as a leak does, and more memory only delays a leak; add memory or restart the servers only as a stopgap until it is fixed",
                r.remedy.title(),
                r.step,
                match evidence.check {
                    scalability_advisor_core::Check::Degrading(_) => " over the series".to_owned(),
                    _ => format!(" (now {})", evidence.observed),
                }
            ),
            RungState::NotNeeded { evidence } if r.remedy == Remedy::Cdn => format!(
                "{} ({}): not needed: static assets take {} of the bandwidth, under the {} past which the guide adds a CDN, and no far-away users are measured waiting",
                r.remedy.title(),
                r.step,
                evidence.observed,
                threshold_text(&evidence),
            ),
            RungState::NotNeeded { evidence } if r.remedy == Remedy::EdgeCompute => format!(
                "{} ({}): not needed: {}",
                r.remedy.title(),
                r.step,
                if evidence.metric == Metric::UserRegions {
                    "the users are all in one region (user_regions = 1), so none is far enough from the servers for the edge to shorten their wait".to_owned()
                } else if evidence.threshold == snapshot.p95_response_time.map(Quantity::Duration) {
                    format!(
                        "the users far from the servers are served in {} (remote_user_p95), sooner than users overall ({}, p95_response_time): the distance adds nothing measured for the edge to shorten",
                        evidence.observed,
                        threshold_text(&evidence),
                    )
                } else {
                    format!(
                        "the users far from the servers are served in {} (remote_user_p95), under the {} level, so the edge has little to shorten",
                        evidence.observed,
                        threshold_text(&evidence),
                    )
                }
            ),
            RungState::NotDone
                if r.remedy == Remedy::Cdn
                    && p.current().map(|c| c.remedy) == Some(Remedy::Cdn)
                    && snapshot.static_asset_bandwidth_share.is_none()
                    && let Some((far, all)) = far_users_no_slower(snapshot) =>
            {
                format!(
                    "{} ({}): helps when static assets take much of the bandwidth or users are far from the servers; the far users wait {} (remote_user_p95), no longer than users overall ({}), so the distance is not what slows them, and the static assets' share is not measured: give static_asset_bandwidth_share before building it",
                    r.remedy.title(),
                    r.step,
                    Quantity::Duration(far),
                    Quantity::Duration(all),
                )
            }
            RungState::NotDone
                if r.remedy == Remedy::Cdn
                    && p.current().map(|c| c.remedy) == Some(Remedy::Cdn)
                    && snapshot.static_asset_bandwidth_share.is_none()
                    && snapshot.remote_user_p95.is_none() =>
            {
                format!(
                    "{} ({}): helps when static assets take much of the bandwidth or users are far from the servers, and neither is measured: give static_asset_bandwidth_share and remote_user_p95 before building it",
                    r.remedy.title(),
                    r.step,
                )
            }
            RungState::NotDone
                if r.remedy == Remedy::EdgeCompute
                    && p.current().map(|c| c.remedy) == Some(Remedy::EdgeCompute)
                    && snapshot.user_regions.is_none()
                    && snapshot.remote_user_p95.is_none() =>
            {
                format!(
                    "{} ({}): helps only users far from the servers, and where the users are is not measured: give user_regions and remote_user_p95 before building it",
                    r.remedy.title(),
                    r.step,
                )
            }
            RungState::NotNeeded { evidence } => format!(
                "{} ({}): not needed by the guide's measure: the busiest table had {} sequential scans, under the {} that mark a missing index{}",
                r.remedy.title(),
                r.step,
                evidence.observed,
                threshold_text(&evidence),
                snapshot
                    .slowest_query_time
                    .map_or_else(String::new, |t| format!(
                        ", and the slowest query takes {}",
                        scalability_advisor_core::Quantity::Duration(t)
                    ))
            ),
            RungState::NotDone => continue,
        };
        notes.push(what);
    }
    notes
}

/// A reopened rung's evidence as a plan's note reads it: `cache_hit_rate = 78% < 80%`
/// for a comparison with a level, as the findings' evidence reads; the core's own wording
/// for the rest (a trend, a flag).
fn evidence_text(e: &scalability_advisor_core::Evidence) -> String {
    use scalability_advisor_core::Check;
    match (e.check, e.threshold) {
        (Check::Above | Check::AtLeast | Check::Below, Some(t)) => {
            format!("{} = {} {} {t}", e.metric, e.observed.beside(t), e.check)
        }
        (Check::IsTrue, _) => format!("{} = {}", e.metric, e.observed),
        _ => e.to_string(),
    }
}

/// The remedy and rung a finding of `rule` advises: for a ladder rule, the rung its ladder
/// is on (none once every rung is done); otherwise the rule's own.
fn rung_advised(
    rule: &Rule,
    position: Option<&LadderPosition>,
) -> (Option<Remedy>, Option<LadderStep>) {
    match position.map(|p| p.next) {
        Some(NextStep::Try { step, remedy }) => (Some(remedy), Some(step)),
        Some(NextStep::Exhausted) => (None, None),
        None => (rule.remedy, rule.step),
    }
}

/// Whether `rule` is a transition whose stage is built: the move is made.
fn is_made(rule: &Rule, architecture: ComponentSet) -> bool {
    rule.move_made(architecture)
}

/// What the plan reads of a finding of `rule`, whose ladder (if it has one) is at `position`.
pub(crate) fn facts_of<'a>(
    rule: &'a Rule,
    finding: &Finding,
    position: Option<&LadderPosition>,
    architecture: ComponentSet,
) -> Facts<'a> {
    Facts {
        id: &rule.id,
        severity: finding.severity,
        priority: rule.priority,
        layer: rule.layer,
        symptom: rule.ladder.or(rule.symptom),
        ladder: rule.ladder,
        remedy: rung_advised(rule, position).0,
        moves_to: rule.moves_to,
        made: is_made(rule, architecture),
        action: rule.action.as_deref(),
        recommends: rule.recommends,
        // (Set by the caller, which has the engine: `lag_alone_rule`.)
        lag_alone: false,
    }
}

impl AssessedFinding {
    /// What the plan reads of the finding.
    fn facts(&self) -> Facts<'_> {
        Facts {
            id: &self.id,
            severity: self.severity,
            priority: self.priority,
            layer: self.layer,
            symptom: self.symptom,
            ladder: self.ladder,
            remedy: self.remedy,
            moves_to: self.moves_to,
            made: self.made,
            action: self.action.as_deref(),
            recommends: self.recommends,
            // (Set by the caller, which has the engine: `lag_alone_rule`.)
            lag_alone: false,
        }
    }
}

/// "cache in place", saying how it is known when the architecture does not declare it:
/// "cache in place (cache_hit_rate is measured)" ([`MetricsSnapshot::components_in_place`]).
fn in_place_text(component: Component, snapshot: &MetricsSnapshot) -> String {
    if snapshot.architecture.contains(component) {
        format!("{component} in place")
    } else {
        shown_line(component)
    }
}

/// A finding's title: the rule's, with the rung it advises for a ladder rule.
fn finding_title(
    rule: &Rule,
    position: Option<&LadderPosition>,
    architecture: ComponentSet,
) -> String {
    match position.map(|p| p.next) {
        Some(NextStep::Try { step, remedy }) => {
            let rung = rung_in_place(remedy, architecture).map_or(remedy.title(), |(t, _)| t);
            format!("{}: {step}, {rung}", rule.title)
        }
        Some(NextStep::Exhausted)
            if position.is_some_and(|p| {
                p.rungs
                    .iter()
                    .any(|r| matches!(r.state, RungState::NotNeeded { .. }))
            }) =>
        {
            format!(
                "{}: no rung of the guide's ladder is left to try",
                rule.title
            )
        }
        Some(NextStep::Exhausted) => {
            format!("{}: every rung of the guide's ladder is done", rule.title)
        }
        None => rule.title.to_string(),
    }
}

/// The entities that made `finding` fire: each one's line ("table `events`: 1,107
/// sequential scans ...") and name.
pub(crate) fn subject_lines<'e>(
    evaluation: &'e Evaluation,
    finding: &'e Finding,
    snapshot: &'e MetricsSnapshot,
) -> impl Iterator<Item = (String, String)> + 'e {
    evaluation.subjects(finding).filter_map(|subject| {
        snapshot
            .entity(subject.kind, subject.index)
            .map(|(name, figures)| {
                (
                    format!("{} `{name}`: {figures}", subject.kind),
                    name.to_owned(),
                )
            })
    })
}

/// A line of evidence for a component of the declared architecture that a finding's
/// condition needs: "multi_region in the declared architecture".
fn declared_line(c: Component) -> String {
    format!("{c} in the declared architecture")
}

/// A line of evidence for a component not declared but shown in place by a metric only it
/// reports, that a finding's condition needs: "cache in place (cache_hit_rate is
/// measured)"; or brought by a declared one: "load_balancer in place (auto_scaling is
/// declared)".
fn shown_line(c: Component) -> String {
    match (c.shown_by(), c.brought_by()) {
        (Some((m, how)), _) => format!("{c} in place ({m} {how})"),
        (None, Some(by)) => format!("{c} in place ({by} is declared)"),
        (None, None) => format!("{c} in place"),
    }
}

/// A line of evidence for a component whose absence a finding's condition needs: "no
/// microservices in the declared architecture".
fn absent_line(c: Component) -> String {
    format!("no {c} in the declared architecture")
}

fn assessed(
    rule: &Rule,
    f: &Finding,
    evidence: Vec<RuleEvidence>,
    positions: &BTreeMap<Symptom, LadderPosition>,
    snapshot: &MetricsSnapshot,
) -> AssessedFinding {
    let position = rule.ladder.and_then(|s| positions.get(&s));
    let title = finding_title(rule, position, snapshot.components_in_place());
    let mut advice = rule.advice.to_string();
    let (remedy, step) = rung_advised(rule, position);
    let symptom = rule.ladder.or(rule.symptom);
    if let Some(p) = position {
        match p.next {
            NextStep::Try { remedy: r, .. } => {
                advice = rung_in_place(r, snapshot.components_in_place())
                    .map_or_else(|| r.advice(), |(_, advice)| advice)
                    .to_owned();
                let notes = ladder_notes(p, snapshot);
                if !notes.is_empty() {
                    advice.push_str(" Known: ");
                    advice.push_str(&notes.join("; "));
                    advice.push('.');
                }
            }
            NextStep::Exhausted
                if p.rungs
                    .iter()
                    .any(|r| matches!(r.state, RungState::NotNeeded { .. })) =>
            {
                advice = format!(
                    "No rung of the guide's ladder is left to try ({}), yet the symptom persists: {}",
                    ladder_notes(p, snapshot).join("; "),
                    beyond_the_ladder(p.symptom)
                );
            }
            NextStep::Exhausted => {
                let [first, then, finally] = p.symptom.ladder();
                advice = format!(
                    "Every rung of the guide's ladder is in place or declared done ({}, {}, {}), yet the symptom persists: {}",
                    first.title(),
                    then.title(),
                    finally.title(),
                    beyond_the_ladder(p.symptom)
                );
            }
        }
    }
    if f.overdue
        && let (Some(to), Some(s)) = (rule.moves_to, f.stage)
    {
        let when = if s == to {
            format!("the user count is already in {to}")
        } else {
            format!("the user count is past it, in {s}")
        };
        advice =
            format!("{advice} Overdue: the guide calls for this move before {to}, and {when}.");
    }
    // (Made by what is in place, as the engine judges a move overdue.)
    let in_place = snapshot.components_in_place();
    let made = is_made(rule, in_place);
    if made && let Some(to) = rule.moves_to {
        advice = match &rule.made_advice {
            Some(made_advice) => made_advice.to_string(),
            None => format!(
                "{advice} The move itself is made: {}, so this is a symptom to work on within it, not a reason to move.",
                if to.is_built(in_place) {
                    format!("the architecture of {to} is in place")
                } else {
                    format!("what the rule calls for ({}) is in place", rule.recommends)
                }
            ),
        };
    } else if rule.moves_to.is_none()
        && rule.recommendation_taken(in_place)
        && let Some(made_advice) = &rule.made_advice
    {
        advice.clear();
        advice.push_str(made_advice);
    }
    AssessedFinding {
        id: rule.id.clone(),
        title,
        severity: f.severity,
        priority: rule.priority,
        layer: rule.layer,
        symptom,
        remedy,
        step,
        moves_to: rule.moves_to,
        overdue: f.overdue,
        made,
        action: rule.action.clone(),
        step_title: rule.step_title.clone(),
        recommends: rule.recommends,
        discourages: rule.discourages,
        ladder: rule.ladder,
        advice,
        evidence,
        declared: ComponentSet::EMPTY,
        shown: ComponentSet::EMPTY,
        absent: ComponentSet::EMPTY,
        subjects: Vec::new(),
        subject_names: Vec::new(),
        origin: rule.origin.clone(),
        references: rule.references.clone(),
    }
}

fn stage_view(snapshot: &MetricsSnapshot, findings: &[AssessedFinding]) -> StageView {
    // What is in place, when an architecture is declared: with none, a cache a metric
    // shows says nothing of the rest, so no stage is counted as built or reached.
    let counted = if snapshot.architecture.is_empty() {
        ComponentSet::EMPTY
    } else {
        snapshot.components_in_place()
    };
    let by_users = snapshot.users.map(Stage::for_users);
    let by_metrics = findings.iter().filter_map(|f| f.moves_to).max();
    let planning_for = match (by_users, by_metrics) {
        (Some(u), Some(m)) => Some(u.max(m)),
        (u, m) => u.or(m),
    };
    StageView {
        users: snapshot.users,
        by_users,
        band: by_users.map(Stage::user_band),
        by_metrics,
        planning_for,
        overdue: findings
            .iter()
            .filter(|f| f.overdue)
            .map(|f| f.id.clone())
            .collect(),
        made: findings
            .iter()
            .filter(|f| f.made)
            .map(|f| f.id.clone())
            .collect(),
        unmade: findings
            .iter()
            .filter(|f| !f.made)
            .filter_map(|f| f.moves_to)
            .max(),
        // (Known once the plan is built: `waiting_moves`.)
        waiting: Vec::new(),
        built: Stage::furthest_built(counted),
        reached: Stage::furthest_reached(counted),
        architecture: counted,
    }
}

/// What a stage move's finding `f`, planned two stages or more ahead of the user count,
/// has its step look at first instead of planning the move, if anything: far users' latency
/// alone ([`far_users_move`], served from a CDN or the edge first), a residency rule with
/// the user count given (a deployment per jurisdiction, `note_residency_before_regions`),
/// an availability target with the user count given (a standby region,
/// `note_standby_before_regions`),
/// the primary's writes past the level of the guide's write trigger with the user count
/// given, for a move calling for sharding (what writes so much, `note_writes_first`), or
/// replicas lagging alone while the writes do not explain it ([`replicas_first`]).
fn looks_first(
    engine: &Engine,
    f: &AssessedFinding,
    snapshot: &MetricsSnapshot,
    (write_level, long_query): (Ratio, bool),
) -> Option<LooksAt> {
    let to = f.moves_to?;
    let compares = |m: Metric| {
        engine
            .rule_index(&f.id)
            .is_some_and(|r| engine.compares(r, m))
    };
    if far_users_move(compares) {
        Some(LooksAt::FarUsers)
    } else if snapshot.users.is_some() && compares(Metric::DataResidencyRequired) {
        Some(LooksAt::Residency)
    } else if snapshot.users.is_some() && compares(Metric::AvailabilityTarget) {
        Some(LooksAt::Standby)
    } else if f.recommends.contains(Component::Sharding)
        && snapshot.users.is_some()
        && writes_past(snapshot, write_level)
    {
        Some(LooksAt::Writes)
    } else if f.recommends.contains(Component::Sharding)
        && f.evidence
            .iter()
            .any(|e| e.metric == Some(Metric::ReplicaLag))
        && replicas_first(
            snapshot,
            (write_level, long_query),
            snapshot.users.map(Stage::for_users),
            to,
        )
    {
        Some(LooksAt::Replicas)
    } else {
        None
    }
}

/// What the step of a move looks at first ([`looks_first`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LooksAt {
    /// Far users served from a CDN or the edge.
    FarUsers,
    /// A deployment per jurisdiction.
    Residency,
    /// A standby region.
    Standby,
    /// The replicas' own causes of lag.
    Replicas,
    /// What writes so much (`note_writes_first`).
    Writes,
}

impl LooksAt {
    /// A standby region with far users beside it, which its step takes in
    /// (`note_standby_before_regions`), as a set of [`LooksAt::bit`]. (Two distinct bits:
    /// their sum is their union.)
    const STANDBY_AND_FAR: u8 = LooksAt::Standby.bit() + LooksAt::FarUsers.bit();

    /// A deployment per jurisdiction with far users beside it, which its step takes in
    /// (`note_residency_before_regions`), as a set of [`LooksAt::bit`].
    const RESIDENCY_AND_FAR: u8 = LooksAt::Residency.bit() + LooksAt::FarUsers.bit();

    /// The kind's bit in a set of kinds.
    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The stage the report heads for: the one the metrics call for when it is ahead of the user
/// count, unless it is `looked_at_first` (two stages or more ahead, or with no user count,
/// every move to it looking at something first, [`looks_first`]); otherwise the one after
/// the user count's. With no user count and the metrics' stage looked at first, the
/// furthest stage `other_moves` (not made) call for, or failing one, the metrics' stage
/// with the reason. `instead`: what the plan does in place of the moves to the stage
/// looked at first, when they all rest on one requirement (a residency rule: a deployment
/// per jurisdiction; an availability target: a standby region), which the reason names.
fn next_stage(
    snapshot: &MetricsSnapshot,
    view: &StageView,
    (looked_at_first, other_moves, instead): (Option<Stage>, Option<Stage>, Option<&str>),
    additions: &AdditionConfig,
    asked_by_checklists: ComponentSet,
) -> Option<NextStage> {
    let (stage, reason) = match (view.by_users, view.by_metrics) {
        (Some(u), Some(m)) if looked_at_first == Some(m) => match u.next() {
            Some(n) => (
                n,
                format!(
                    "the next stage after {u}; the metrics' conditions for {m} hold, {} stages ahead of the user count, and the plan {}",
                    stages_short(Some(u), m).unwrap_or("several"),
                    instead.unwrap_or("looks first at what they measure")
                ),
            ),
            None => (u, "already reached, and the last stage".to_owned()),
        },
        (None, Some(m)) if looked_at_first == Some(m) => match other_moves {
            Some(o) => (
                o,
                format!(
                    "the metrics call for it; their conditions for {m} hold too, but the plan looks first at what those measure, and no user count says how far off {m} is (give `users`)"
                ),
            ),
            None => (
                m,
                "the metrics' conditions for it hold, but the plan looks first at what they measure, and no user count says how far off it is (give `users`)".to_owned(),
            ),
        },
        (u, Some(m)) if u.is_none_or(|u| m > u) => (
            m,
            match u {
                Some(u) => format!("the metrics call for it, ahead of the user count ({u})"),
                None => "the metrics call for it".to_owned(),
            },
        ),
        (Some(u), _) => match u.next() {
            Some(n) => (n, format!("the next stage after {u}")),
            // The lines that follow compare its architecture with the declared one.
            None => (u, "already reached, and the last stage".to_owned()),
        },
        (None, _) => return None,
    };
    let architecture = stage.cumulative_architecture();
    let missing = (!snapshot.architecture.is_empty()).then(|| {
        let mut m = architecture.difference(snapshot.components_in_place());
        m.remove(Component::SingleServer);
        m
    });
    let when_to_add = missing
        .into_iter()
        .flat_map(ComponentSet::iter)
        .filter_map(Addition::for_component)
        .filter_map(|add| {
            let outcome = add.evaluate(snapshot, additions);
            // A component a checklist of the report lists as a gap (the enterprise
            // checklist's global CDN) is called for by it, measured or not: unless its
            // condition holds, the line would tell the reader to wait for it.
            if asked_by_checklists.contains(add.component()) && !outcome.is_fired() {
                return None;
            }
            Some(WhenToAdd {
                component: add.component(),
                condition: add.condition(additions),
                observed: snapshot.quantity(add.signal()),
                level: outcome.evidence().and_then(|e| e.threshold),
                holds: (!outcome.is_not_evaluated()).then(|| outcome.is_fired()),
                in_plan: None,
            })
        })
        .collect();
    Some(NextStage {
        stage,
        reason,
        band: stage.user_band(),
        architecture,
        missing,
        indicative_cost: stage.indicative_cost(),
        cost_table_users: stage.cost_at_scale().users,
        cost_table_architecture: stage.cost_at_scale().architecture.to_owned(),
        cost_table_monthly: stage.cost_at_scale().monthly,
        when_to_add,
        // (Filled once the plan is built.)
        placed: Vec::new(),
        // (What the plan calls for is taken out once the plan is built.)
        uncalled: missing.map_or(ComponentSet::EMPTY, |m| {
            m.iter()
                .filter(|c| Addition::for_component(*c).is_none())
                .fold(ComponentSet::EMPTY, |set, c| {
                    set.union(ComponentSet::from_components(&[c]))
                })
                .difference(asked_by_checklists)
        }),
        shown: if snapshot.architecture.is_empty() {
            snapshot.components_in_place().intersection(architecture)
        } else {
            ComponentSet::EMPTY
        },
    })
}

/// The first of the guide's checklists for `stage` or an earlier one with an item that
/// component `c` answers (the enterprise checklist's global CDN, the scaling checklist's
/// auto-scaling): `c` is then called for by that checklist at `stage`, measured or not.
fn checklist_asking_for(c: Component, stage: Stage) -> Option<Checklist> {
    Checklist::ALL
        .into_iter()
        .filter(|l| l.stage() <= stage)
        .find(|l| l.items().iter().any(|i| i.component() == Some(c)))
}

/// Why a checklist item is a gap, in words that are true of the snapshot.
fn gap_reason(item: ChecklistItem, snapshot: &MetricsSnapshot) -> String {
    let regions = snapshot.deployed_regions.map(core::num::NonZeroU32::get);
    // With a region count given, these two items are gaps only in one region
    // (`ChecklistItem::status`), so the count is the reason.
    match (item, regions) {
        (ChecklistItem::MultiRegionDeployment, Some(n)) => {
            format!("{}: deployed_regions = {n}", item.name())
        }
        (ChecklistItem::FourNinesArchitecture, Some(n)) => format!(
            "{}: availability_target = {} served from deployed_regions = {n}",
            item.name(),
            snapshot
                .availability_target
                .map_or("unknown".to_owned(), |t| t.to_string())
        ),
        (ChecklistItem::AsyncNonCriticalPaths, _)
            if snapshot.background_tasks_block_requests == Some(true) =>
        {
            let queue = [Component::JobQueue, Component::MessageQueue]
                .into_iter()
                .find(|c| snapshot.components_in_place().contains(*c));
            match queue {
                Some(q) => format!(
                    "{}: background_tasks_block_requests = yes, with a {q} in place",
                    item.name()
                ),
                None => format!("{}: background_tasks_block_requests = yes", item.name()),
            }
        }
        _ => match item.component() {
            Some(c) => format!("{}: no {c} in the declared architecture", item.name()),
            None => format!("{}: missing", item.name()),
        },
    }
}

/// What makes two pieces of evidence the same fact: the entity, the left side, the
/// operator, the threshold and the observed value (not the series function that read it).
type EvidenceKey = (
    Option<String>,
    &'static str,
    String,
    &'static str,
    String,
    Option<u64>,
);

/// What one line of evidence states, for saying it once per step, and the level it states
/// it against when that level is a number on one side (`>`, `>=`, `<`, `<=`).
///
/// The same value on the same side of a level is one fact whichever parameter names the
/// level and whether the rule wrote `>` or `>=` ("memory_usage = 92% > 90%
/// ($memory_warning)" and "... >= 90% ($resources_maxed)"); and a value past a stricter
/// level is past the looser one too (CPU at 90% past 85% is past 70%), so the key leaves
/// such a level out and the step keeps the strictest line. A level without a number (a
/// trend) is told apart by its text, and a reading over a series (a trend, a share of a
/// window above a level) from a comparison of the snapshot's value (which is also what
/// `consistently_above` compares without a series).
fn evidence_key(e: &RuleEvidence) -> (EvidenceKey, Option<f64>) {
    let side = match e.op {
        crate::CmpOp::Gt | crate::CmpOp::Ge => ">",
        crate::CmpOp::Lt | crate::CmpOp::Le => "<",
        crate::CmpOp::Eq => "==",
        crate::CmpOp::Ne => "!=",
    };
    let numeric = !e.threshold.is_nan() && matches!(side, ">" | "<");
    let level = if numeric {
        String::new()
    } else if e.threshold.is_nan() {
        e.threshold_text.clone()
    } else {
        e.threshold.to_bits().to_string()
    };
    (
        (
            e.subject.as_ref().map(ToString::to_string),
            match e.reading {
                crate::Reading::Sustained { .. } => "sustained",
                crate::Reading::Trend { .. } => "trend",
                _ => "value",
            },
            e.left.clone(),
            side,
            level,
            e.observed.map(f64::to_bits),
        ),
        numeric.then_some(e.threshold),
    )
}

/// Whether `new` is a stricter level than `old` on `side`: higher for `>`, lower for `<`.
fn stricter(side: &str, new: f64, old: f64) -> bool {
    match side {
        ">" => new > old,
        "<" => new < old,
        _ => false,
    }
}

/// A step's title before the entities it names: a structured step's own, or `plain` (the
/// title of its first finding) for a step that stands for a rule or an action.
pub(crate) fn base_title(key: Key<'_>, plain: &str, by_users: Option<Stage>) -> String {
    let mut title = String::new();
    write_base_title(&mut title, key, plain, by_users);
    title
}

/// [`base_title`], appended to `out`.
pub(crate) fn write_base_title(
    out: &mut String,
    key: Key<'_>,
    plain: &str,
    by_users: Option<Stage>,
) {
    use fmt::Write as _;
    // (Writing to a `String` cannot fail.)
    let _ = match key {
        Key::Remedy(r) => {
            push_capitalised(out, r.title());
            Ok(())
        }
        Key::LadderExhausted(s) => {
            out.push_str(past_the_ladder(s));
            out.push_str(": the guide's ladder is used up");
            Ok(())
        }
        Key::Component(c) => {
            out.push_str("Add ");
            out.push_str(c.noun());
            Ok(())
        }
        Key::Stage(to) => {
            if by_users.is_some_and(|u| u > to) {
                write!(out, "Catch up with {to}: the user count is past it")
            } else if by_users.is_some_and(|u| u >= to) {
                write!(out, "Catch up with {to}: the user count has reached it")
            } else {
                write!(out, "Plan the move to {to}")
            }
        }
        Key::Checklist(c) => write!(out, "Close the gaps in the guide's {c} checklist"),
        Key::Diagnose => {
            out.push_str("Find where the time goes");
            Ok(())
        }
        Key::Action(_) | Key::Rule(_) => {
            out.push_str(plain);
            Ok(())
        }
    };
}

/// A title that names the first entity the step is about: "Add indexes: `events`".
pub(crate) fn with_subjects(mut title: String, subjects: &[String], names: &[String]) -> String {
    write_subjects(&mut title, subjects, names);
    title
}

/// [`with_subjects`] on a title written in `out`.
pub(crate) fn write_subjects(out: &mut String, subjects: &[String], names: &[String]) {
    if let Some(first) = names.first() {
        out.push_str(": `");
        out.push_str(first);
        out.push('`');
        out.push_str(&others(subjects));
    }
}

/// A finding that fired and was replaced by another finding (`supersedes`): when that one
/// is a stage move's, what the replaced one advises is what to do until the move is made
/// ([`note_until_the_move`]).
#[derive(Debug)]
struct Replaced<'a> {
    /// The id of the finding that replaced it.
    by: &'a str,
    /// The replaced rule's id.
    id: &'a str,
    /// What it advises.
    advice: &'a str,
}

/// The findings that others replaced, with their advice ([`Replaced`]): linear in the pack
/// (the replaced rules first, then each finding's `supersedes` looked up among them).
fn replaced_by_moves<'a>(engine: &'a Engine, evaluation: &Evaluation) -> Vec<Replaced<'a>> {
    let replaced: BTreeMap<&str, &str> = engine
        .rules()
        .zip(&evaluation.superseded)
        .filter(|(_, s)| **s)
        .map(|(r, _)| (r.id.as_str(), &*r.advice))
        .collect();
    if replaced.is_empty() {
        return Vec::new();
    }
    // (Every finding that replaced one: only the moves' are in a stage move's step, where
    // [`note_until_the_move`] looks.)
    let mut out = Vec::new();
    for rule in evaluation
        .findings
        .iter()
        .filter_map(|f| engine.rule(f.rule))
    {
        for id in &rule.supersedes {
            if let Some((id, advice)) = replaced.get_key_value(id.as_str()) {
                out.push(Replaced {
                    by: &rule.id,
                    id,
                    advice,
                });
            }
        }
    }
    out
}

#[expect(
    clippy::too_many_arguments,
    reason = "the plan reads every part of the assessment made before it"
)]
fn build_plan(
    engine: &Engine,
    findings: &[AssessedFinding],
    interim: &[Replaced<'_>],
    active: &Active,
    positions: &BTreeMap<Symptom, LadderPosition>,
    snapshot: &MetricsSnapshot,
    checklists: &[ChecklistReport],
    bottlenecks: &[RankedLayer],
    grounds: Grounds,
) -> (Vec<PlanStep>, Vec<HeldBack>, Vec<(ChecklistItem, StepKey)>) {
    let mut facts: Vec<Facts<'_>> = findings.iter().map(AssessedFinding::facts).collect();
    // (Read only where slow pages are placed: `first_step_on`.)
    if facts
        .iter()
        .any(|f| f.ladder == Some(Symptom::SlowPageLoads))
    {
        for f in &mut facts {
            f.lag_alone = f.layer == Some(Layer::Database)
                && engine
                    .rule_index(f.id)
                    .is_some_and(|r| lag_alone_rule(engine, r));
        }
    }
    // Overdue moves are one catch-up, with the furthest stage the user count has reached.
    fold_overdue_moves(&mut facts, snapshot.users.map(Stage::for_users));
    // Rungs and steps are judged against what is in place (declared or shown by a metric
    // only a component reports); whether an architecture was declared at all, and moves,
    // against the declaration.
    let in_place = snapshot.components_in_place();
    // A move with nothing to add now is for information.
    quiet_moves_with_nothing_to_add(&mut facts, snapshot, in_place, &grounds.additions);
    // A move for far users who wait no longer than the rest asks only to measure again.
    quiet_far_users_moves(&mut facts, snapshot, |i| {
        findings
            .get(i)
            .and_then(|f| engine.rule_index(&f.id))
            .is_some_and(|r| far_users_rule(engine, r))
    });
    quiet_cache_with_first_reads(&mut facts, snapshot, in_place, &grounds);
    let leak_critical = escalate_leak(
        &mut facts,
        grounds.memory_fill,
        grounds.leak_critical_within,
    );
    let planned = with_lowest_rungs(&facts, active, in_place);
    let deferred: Option<Deferral<'_>> =
        deferred_delivery(&facts, &planned, in_place, bottlenecks, grounds);
    // A gap whose component a rung of the plan installs (circuit breakers, on the ladder
    // for API timeouts) is that rung's work: it is noted on the rung's step, not listed
    // again as a gap to close.
    // So is a gap whose component a planned stage move brings (a multi-region deployment,
    // on the way to stage 4).
    let rung_for = |g: ChecklistItem| rung_installing(g, &planned, deferred.as_ref());
    // And a gap a measured value makes, whose metric a step's rule compares (requests that
    // still wait for background work, where a queue is in place; a 99.99% target served from
    // one region, the failover move's work). Each gap with the step that closes it, in
    // checklist order.
    let mut closing: Vec<(ChecklistItem, StepKey)> = Vec::new();
    let compares = |i: usize, m: Metric| {
        findings
            .get(i)
            .and_then(|f| engine.rule_index(&f.id))
            .is_some_and(|r| engine.compares(r, m))
    };
    let with_gaps: Vec<(Checklist, Vec<ChecklistItem>)> = checklists
        .iter()
        .map(|r| {
            let mut gaps = Vec::new();
            for g in r.gaps() {
                match rung_for(g) {
                    Some(rung) => closing.push((g, StepKey::Remedy(rung))),
                    None => match move_installing(g, &facts, &planned, in_place) {
                        Some(stage) => closing.push((g, StepKey::Stage(stage))),
                        None => {
                            match step_measuring(g, snapshot, &facts, compares, &planned, in_place)
                            {
                                Some(key) => closing.push((g, key.owned())),
                                None => gaps.push(g),
                            }
                        }
                    },
                }
            }
            (r.checklist, gaps)
        })
        .filter(|(_, gaps)| !gaps.is_empty())
        .collect();
    let lag_only = |i: usize| {
        findings
            .get(i)
            .and_then(|f| engine.rule_index(&f.id))
            .is_some_and(|r| lag_alone_rule(engine, r))
    };
    let skeleton = Skeleton::build(
        &facts,
        &planned,
        in_place,
        with_gaps
            .iter()
            .map(|(c, _)| (*c, grounds.by_users.is_some_and(|s| s >= c.stage()))),
        (deferred, grounds.cache_before_database),
        Some(&lag_only),
    );
    let mut steps: Vec<PlanStep> = skeleton
        .steps
        .iter()
        .map(|s| PlanStep {
            rank: 0,
            key: s.key.owned(),
            // A plain step's title is its advising finding's (or the step title one of its
            // findings gives, below); the others are set below.
            title: s
                .advice
                .and_then(|i| findings.get(i))
                .map(|f| f.step_title.as_deref().unwrap_or(&f.title).to_owned())
                .unwrap_or_default(),
            severity: s.severity,
            layer: s.layer,
            ladder: None,
            advice: s
                .advice
                .and_then(|i| findings.get(i))
                .map(|f| f.advice.clone())
                .unwrap_or_default(),
            why: Vec::new(),
            notes: Vec::new(),
            findings: Vec::new(),
            references: Vec::new(),
            subjects: Vec::new(),
            subject_names: Vec::new(),
        })
        .collect();
    // Whether each step's advising finding gives a step title: the step keeps it then.
    let advised_titled: Vec<bool> = skeleton
        .steps
        .iter()
        .map(|s| {
            s.advice
                .and_then(|i| findings.get(i))
                .is_some_and(|f| f.step_title.is_some())
        })
        .collect();
    let mut held = Vec::new();
    // The comparisons already shown in each step: two rules may test the same value against
    // the same threshold (a transition and a ladder on DB CPU), which is one fact.
    // Each with its level and its line's place, so that a stricter level of the same fact
    // replaces the looser one where it stands.
    let mut shown: BTreeMap<(usize, EvidenceKey), (Option<f64>, usize)> = BTreeMap::new();
    // Within a step, the findings that advise something come first and those that only
    // show a symptom (the slow pages a database step explains) after: the cause's evidence
    // leads.
    let placed = || findings.iter().zip(&skeleton.places).zip(&facts);
    let shows_symptom =
        |f: &Facts<'_>| evidence_only(f) || moved_evidence(f, &planned, in_place, deferred);
    let causes = placed().filter(|(_, f)| !shows_symptom(f));
    let symptoms = placed().filter(|(_, f)| shows_symptom(f));
    for ((f, place), _) in causes.chain(symptoms) {
        let why: Vec<String> = f.evidence.iter().map(ToString::to_string).collect();
        let declared = (f.declared.iter().map(declared_line))
            .chain(f.shown.iter().map(shown_line))
            .chain(f.absent.iter().map(absent_line));
        match *place {
            Place::Held {
                remedy,
                symptom,
                until,
            } => held.push(HeldBack {
                finding: f.id.clone(),
                title: f.title.clone(),
                remedy,
                symptom,
                until: until.owned(),
                after_step: None,
                why: why.into_iter().chain(declared).collect(),
                notes: Vec::new(),
            }),
            Place::Step(at) => {
                let Some(step) = steps.get_mut(at) else {
                    continue;
                };
                for (w, e) in why.into_iter().zip(&f.evidence) {
                    let (key, level) = evidence_key(e);
                    let side = key.3;
                    match shown.entry((at, key)) {
                        btree_map::Entry::Vacant(v) => {
                            let place = step.why.iter().position(|x| *x == w);
                            v.insert((level, place.unwrap_or(step.why.len())));
                            if place.is_none() {
                                step.why.push(w);
                            }
                        }
                        btree_map::Entry::Occupied(mut o) => {
                            let (old, place) = *o.get();
                            if let (Some(new), Some(old)) = (level, old)
                                && stricter(side, new, old)
                                && let Some(line) = step.why.get_mut(place)
                            {
                                *line = w;
                                o.get_mut().0 = Some(new);
                            }
                        }
                    }
                }
                for w in declared {
                    if !step.why.contains(&w) {
                        step.why.push(w);
                    }
                }
                step.findings.push(f.id.clone());
                for (line, name) in f.subjects.iter().zip(&f.subject_names) {
                    if !step.subjects.contains(line) {
                        step.subjects.push(line.clone());
                    }
                    if !step.subject_names.contains(name) {
                        step.subject_names.push(name.clone());
                    }
                }
                for r in &f.references {
                    if !step.references.contains(r) {
                        step.references.push(r.clone());
                    }
                }
                // Titles, for a plain step: its advising finding's step title, else the one
                // its other findings give (the pack refuses two different ones unless every
                // rule of the action gives one), else its advising finding's title; set
                // below for the others.
                if let Some(t) = f.step_title.as_deref() {
                    if !advised_titled.get(at).copied().unwrap_or(false) && step.title != t {
                        t.clone_into(&mut step.title);
                    }
                } else if step.title.is_empty() {
                    step.title.clone_from(&f.title);
                }
            }
        }
    }
    // Checklist gaps: the last steps opened, one per checklist.
    let first_checklist = steps.len().saturating_sub(with_gaps.len());
    for (step, (checklist, gaps)) in steps.iter_mut().skip(first_checklist).zip(&with_gaps) {
        step.advice = format!(
            "A {} system should have: {}.",
            checklist.stage(),
            gaps.iter()
                .map(|g| g.title())
                .collect::<Vec<_>>()
                .join("; ")
        );
        step.why = gaps.iter().map(|g| gap_reason(*g, snapshot)).collect();
        step.references = vec![Cow::Borrowed(match checklist {
            Checklist::Scaling => "guide: Scaling Checklist",
            Checklist::Enterprise => "guide: Enterprise Checklist",
        })];
        // A gap whose component brings another that is missing too (an auto-scaler, whose
        // servers are reached through a load balancer): the step brings both.
        for g in gaps {
            let Some(c) = g.component() else { continue };
            for other in Component::ALL {
                if other.brought_by() == Some(c)
                    && !in_place.contains(other)
                    && !snapshot.architecture.is_empty()
                {
                    step.notes.push(brought_note(c, other, in_place));
                }
            }
        }
    }
    // Titles, advice and notes for the structured steps.
    for (step, skeleton_step) in steps.iter_mut().zip(&skeleton.steps) {
        let mut title = base_title(skeleton_step.key, &step.title, grounds.by_users);
        if let Key::Remedy(r) = skeleton_step.key
            && let Some(t) = rung_in_place_title(r, in_place)
        {
            title = t;
        }
        step.title = with_subjects(title, &step.subjects, &step.subject_names);
        match &step.key {
            StepKey::Remedy(r) => {
                let (symptom, rung) = r.rung();
                step.ladder = Some((symptom, rung));
                step.advice = r.advice().to_owned();
                // A rung whose component is in place was reopened by a finding that says
                // it does not work well yet (a cache that misses): that finding's advice,
                // not the advice to put one in.
                // So does the leak rung reached without more memory having been added
                // (memory climbing at any level): the finding that shows the climb says so,
                // where the rung's own advice assumes the memory was added.
                let unadded_leak =
                    *r == Remedy::FixMemoryLeaks && !snapshot.tried.contains(Remedy::IncreaseRam);
                if (r.in_place(in_place).is_some() || unadded_leak)
                    && let Some(reopened) = findings
                        .iter()
                        .zip(&facts)
                        .filter(|(f, _)| step.findings.contains(&f.id))
                        .find(|(_, x)| x.ladder.is_none() && !evidence_only(x))
                {
                    step.advice.clone_from(&reopened.0.advice);
                }
                // Placed on its ladder only when that symptom is being worked on: a job
                // queue added for blocking background work is no rung for API timeouts, and
                // a cache that misses on pages under their target climbs no ladder for slow
                // pages (its rungs would be no context, its own only its evidence again).
                if active.get(&symptom).is_some() {
                    if let Some(p) = positions.get(&symptom) {
                        step.notes = ladder_notes(p, snapshot);
                    }
                    // The guide's columns are "first try", "then try", "finally": as an
                    // ordinal, the second and the last rung.
                    let nth = match rung {
                        LadderStep::First => "first",
                        LadderStep::Then => "second",
                        LadderStep::Finally => "last",
                    };
                    step.notes.insert(
                        0,
                        format!("{nth} rung of the guide's ladder for {}", symptom.title()),
                    );
                }
                // A rung that installs a component nobody said is missing: with no
                // architecture declared and no metric showing it, the plan presumes it
                // absent, and says so.
                if snapshot.architecture.is_empty()
                    && let Some(c) = r.component()
                    && r.in_place(in_place).is_none()
                {
                    let then = if rung == LadderStep::Finally {
                        "it is the ladder's last rung, and the plan then says what to look at past it"
                    } else {
                        "the plan then goes on from the rung after this one"
                    };
                    step.notes.push(format!(
                        "no architecture is declared, so this step takes `{c}` to be missing: if it is in place already, add \"{c}\" to `architecture`; {then}"
                    ));
                }
            }
            StepKey::Stage(to) => {
                let to = *to;
                let mut missing = to.cumulative_architecture().difference(in_place);
                missing.remove(Component::SingleServer);
                let shown = in_place.intersection(to.cumulative_architecture());
                step.advice = if snapshot.architecture.is_empty() && shown.is_empty() {
                    format!(
                        "The guide's conditions for {to} hold. Its architecture: {}. No architecture was declared, so what is missing is not known (declare `architecture`, [\"single_server\"] for one server with nothing else).",
                        to.cumulative_architecture()
                    )
                } else if snapshot.architecture.is_empty() {
                    format!(
                        "The guide's conditions for {to} hold. Its architecture: {}. No architecture was declared: the metrics show {shown} in place, and what else is missing is not known (declare `architecture`, [\"single_server\"] for one server with nothing else).",
                        to.cumulative_architecture()
                    )
                } else if missing.is_empty() {
                    format!(
                        "The guide's conditions for {to} hold and its architecture is in place; the steps for the symptoms above apply, and {} follows.",
                        to.next().map_or("nothing".to_owned(), |n| n.to_string())
                    )
                } else {
                    // What is missing, with where the plan adds it, once steps are ranked.
                    String::new()
                };
            }
            StepKey::Diagnose => {
                step.advice = DIAGNOSE_ADVICE.to_owned();
                // Held back from the edge, the last rung: the ladder's rungs, each with
                // where it stands (the edge's says what to measure to know whether users
                // far away are where the time goes), are the step's notes. Held back from
                // caching at stage 1: the guide's word against caching early.
                let edge = deferred.is_some_and(|d| d.held == Some(Remedy::EdgeCompute));
                if edge && let Some(p) = positions.get(&Symptom::SlowPageLoads) {
                    step.notes = ladder_notes(p, snapshot);
                }
                step.references = vec![
                    Cow::Borrowed("guide: Bottleneck Diagnosis Guide, Finding the Bottleneck"),
                    Cow::Borrowed(if edge {
                        "guide: Decision Matrix (slow page loads: caching, CDN, edge computing)"
                    } else {
                        "guide: Stage 1, What to Focus On (don't add caching before you need it)"
                    }),
                ];
            }
            StepKey::LadderExhausted(symptom) => {
                if let Some(p) = positions.get(symptom)
                    && p.rungs
                        .iter()
                        .any(|r| matches!(r.state, RungState::NotNeeded { .. }))
                {
                    // The rungs, each with why it is left behind, are the step's notes.
                    step.notes = ladder_notes(p, snapshot);
                    step.advice = format!(
                        "No rung of the guide's ladder is left to try (the notes say why), yet the symptom persists: {}",
                        beyond_the_ladder(*symptom)
                    );
                }
            }
            StepKey::Component(_)
            | StepKey::Checklist(_)
            | StepKey::Action(_)
            | StepKey::Rule(_) => {}
        }
        // The step a slow-page rung waits for says so (one that takes over the slow pages
        // only says so once the steps have their ranks, below).
        if let Some(d) = deferred
            && d.hold
            && d.instead == skeleton_step.key
            && let Some(held) = d.held
        {
            let why = d.why();
            step.notes.push(format!(
                "{why}, so this comes before \"{}\" on the ladder for {}",
                held.title(),
                held.rung().0.title()
            ));
        }
    }
    let mut opened: Vec<Option<PlanStep>> = steps.into_iter().map(Some).collect();
    let mut steps: Vec<PlanStep> = skeleton
        .order
        .iter()
        .filter_map(|&i| opened.get_mut(i).and_then(Option::take))
        .collect();
    for (i, s) in steps.iter_mut().enumerate() {
        s.rank = i + 1;
    }
    if let Some(d) = deferred
        && !d.hold
    {
        note_slow_pages_taken_over(&mut steps, d);
    }
    if let Some(d) = deferred {
        note_calls_on_the_request_path(&mut steps, d, snapshot);
    }
    for h in &mut held {
        h.after_step = steps.iter().find(|s| s.key == h.until).map(|s| s.rank);
    }
    // The far users' moves that ask only to measure again (`quiet_far_users_moves`): their
    // step adds no component.
    let measure_again: Vec<&str> = if far_users_no_slower(snapshot).is_some() {
        findings
            .iter()
            .filter(|f| measured_again(engine, f, snapshot, grounds.by_users))
            .map(|f| f.id.as_str())
            .collect()
    } else {
        Vec::new()
    };
    place_missing_components(
        &mut steps,
        &held,
        (engine, findings),
        snapshot,
        in_place,
        &grounds,
        (&with_gaps, &measure_again),
    );
    note_multi_region_pattern(&mut steps, engine, findings, snapshot, in_place);
    note_calls_between_premature_services(&mut steps, findings);
    note_indexes_cost_writes(&mut steps, findings, snapshot, &grounds);
    note_reads_before_sharding(
        &mut steps,
        snapshot,
        grounds.primary_write_level,
        grounds.additions.read_share,
    );
    note_write_capacity(&mut steps, findings, snapshot, grounds.primary_write_level);
    note_queries_load_the_database(&mut steps, findings, &grounds);
    note_no_slow_query(&mut steps, snapshot, in_place, &grounds);
    cache_for_a_saturated_cpu(&mut steps, bottlenecks, grounds.cpu_saturated);
    note_pool_held_by_slow_work(&mut steps, findings, snapshot.db_queries_per_request);
    note_writes_explain_lag(&mut steps, findings);
    note_writes_load_the_cpu(&mut steps, findings);
    note_made_moves_folded(&mut steps, findings);
    note_edge_after_far_users(&mut steps, findings, snapshot);
    note_overdue_moves_folded(&mut steps, findings);
    note_moves_on_one_reading(&mut steps, findings);
    note_one_resize(&mut steps);
    note_cpu_capacity(&mut steps, snapshot, grounds.cpu_target);
    note_single_server(&mut steps, snapshot);
    note_busy_cpu_beside_used_up_pages(&mut steps, snapshot, grounds.cpu_target);
    note_as_urgent_as_move(&mut steps, findings);
    note_until_the_move(&mut steps, interim);
    note_cache_plateau(&mut steps, findings, in_place);
    note_measure_after_indexes(&mut steps, findings);
    note_cache_after_fewer_queries(&mut steps, findings, in_place, grounds.many_queries);
    if grounds.cache_before_database
        && let (Some(repeats), Some(hits)) =
            (snapshot.repeated_query_share, snapshot.cache_hit_rate)
        && let Some(database) = steps.iter().find_map(|s| match s.key {
            StepKey::Remedy(Remedy::AddIndexes) => Some(
                "and nothing measured says an index is missing, so this comes before the database's index step",
            ),
            StepKey::Remedy(Remedy::ReadReplicas) => Some(
                "in days where read replicas take weeks, so this comes before the database's replica step: measure the database again after it",
            ),
            StepKey::Remedy(Remedy::Sharding) => Some(
                "in days where sharding takes months, so this comes before the database's sharding step: measure the database again after it",
            ),
            StepKey::LadderExhausted(Symptom::DatabaseSlow) => Some(
                "so this comes before the look past the database's used-up ladder: measure the database again after it",
            ),
            _ => None,
        })
    {
        note_on(
            &mut steps,
            Remedy::AddCaching,
            format!(
                "{repeats} of queries repeat and the cache answers {hits} of lookups: making it hit takes reads off the database at once, {database}"
            ),
        );
    }
    if let Some(fill) = grounds.memory_fill {
        let mut text = memory_fill_text(fill);
        if leak_critical {
            text.push_str(&format!(
                "; that is within {} h, so this step is critical",
                significant(grounds.leak_critical_within.as_secs_f64() / 3_600.0)
            ));
        }
        note_on(&mut steps, Remedy::FixMemoryLeaks, text);
    }
    note_cache_beside_full_memory(&mut steps, snapshot);
    note_cache_headroom(&mut steps, snapshot, grounds.cache_levels);
    note_early_cache_hit_rate(&mut steps, findings, snapshot, grounds.cache_levels.0);
    note_cache_few_repeats(
        &mut steps,
        &mut held,
        snapshot,
        (
            grounds.cache_levels.0,
            grounds.additions.repeated_query_share,
        ),
        facts
            .iter()
            .any(|f| f.ladder == Some(Symptom::SlowPageLoads)),
    );
    note_move_after_separating(&mut steps, findings, snapshot);
    note_bloat_before_memory(&mut steps, snapshot);
    // One note per step and checklist, however the gaps came to the step.
    for step in &mut steps {
        for checklist in Checklist::ALL {
            let titles: Vec<&str> = closing
                .iter()
                .filter(|(g, k)| *k == step.key && g.checklist() == checklist)
                .map(|(g, _)| g.title())
                .collect();
            if titles.is_empty() {
                continue;
            }
            step.notes.push(format!(
                "this also closes {} of the guide's {checklist} checklist: {}",
                if titles.len() == 1 { "a gap" } else { "gaps" },
                titles.join("; ")
            ));
        }
    }
    note_lag_with_write_headroom(
        &mut steps,
        findings,
        snapshot,
        (grounds.primary_write_level, grounds.long_query),
        grounds.by_users,
    );
    note_writes_first(
        &mut steps,
        findings,
        snapshot,
        grounds.primary_write_level,
        grounds.by_users,
    );
    note_reads_back_to_the_primary(&mut steps, findings, snapshot);
    note_lag_across_regions(&mut steps, findings, in_place);
    if grounds.long_query.is_some() {
        note_lag_after_long_queries(&mut steps, engine, findings, snapshot);
    }
    note_far_users_before_regions(&mut steps, engine, findings, snapshot, &grounds);
    note_residency_before_regions(&mut steps, engine, findings, snapshot, grounds.by_users);
    note_standby_before_regions(&mut steps, engine, findings, snapshot, grounds.by_users);
    note_far_users_no_slower(&mut steps, engine, findings, snapshot, grounds.by_users);
    note_far_users_regions_not_given(&mut steps, engine, findings, snapshot);
    note_paging_as_disk_wait(&mut steps, findings);
    note_bloat_on_waiting_disks(&mut steps, findings, snapshot);
    note_hot_row_writes(&mut steps, findings, snapshot);
    note_held_edge_unmeasured(&mut held, snapshot);
    if snapshot.data_residency_required == Some(true) {
        note_residency_bounds_replication(&mut steps, findings, in_place, &closing, &with_gaps);
    }
    if let Some((checklist, _)) = with_gaps
        .iter()
        .find(|(_, gaps)| gaps.contains(&ChecklistItem::DistributedTracing))
    {
        note_tracing_for_slow_calls(&mut steps, findings, *checklist);
    }
    (steps, held, closing)
}

/// A slow-page rung that another finding calls for on its own grounds stays in the plan, but
/// the slow pages are the likeliest bottleneck's doing: the step working on it takes them
/// over as its evidence and says why, naming the rung's step.
///
/// With no rung left to try (`d.held` is `None`: each in place, declared done or not
/// needed), the step says so instead: the used-up ladder's search for the layer is over.
fn note_slow_pages_taken_over(steps: &mut [PlanStep], d: Deferral<'_>) {
    let rung = d.held.map(|held| {
        steps
            .iter()
            .find(|s| s.key == StepKey::Remedy(held))
            .map(|s| format!("step {} (\"{}\")", s.rank, s.title))
            .unwrap_or_else(|| format!("\"{}\"", capitalised(held.title())))
    });
    let (Some(_), Some(step)) = (
        d.layer,
        steps.iter_mut().find(|s| s.key == d.instead.owned()),
    ) else {
        return;
    };
    step.notes.push(match rung {
        Some(rung) => format!(
            "{}, so the slow pages count as evidence here; {rung} stays in the plan for its own reasons",
            d.why()
        ),
        None => format!(
            "{}, and no rung of the guide's ladder for slow page loads is left to try, so the slow pages count as evidence here",
            d.why()
        ),
    });
}

/// The guide's ladder for API timeouts starts with moving slow work off the request path,
/// and a job or message queue in place counts as that rung ([`Remedy::in_place`]). A queue
/// shows that some work goes through it, not that the provider's calls do: when pages are
/// slow and the external APIs are their likeliest bottleneck (the slow pages are deferred
/// to the step on the provider: a rung of the API ladder, or the provider's rate limits),
/// some calls still hold the request. Unless the work was declared moved (`tried` async
/// processing), that step says so, with both P95s, and says to move the calls whose answer
/// the page does not need onto the queue.
fn note_calls_on_the_request_path(
    steps: &mut [PlanStep],
    d: Deferral<'_>,
    snapshot: &MetricsSnapshot,
) {
    let (Some(Layer::ExternalApi), Some(queue), false, Some(pages), Some(calls)) = (
        d.layer,
        Remedy::AsyncProcessing.in_place(snapshot.components_in_place()),
        snapshot.tried.contains(Remedy::AsyncProcessing),
        snapshot.p95_response_time,
        snapshot.external_api_p95_latency,
    ) else {
        return;
    };
    let Some(step) = steps.iter_mut().find(|s| s.key == d.instead.owned()) else {
        return;
    };
    step.notes.push(format!(
        "{} is in place, so the guide's ladder counts its first rung (moving slow work off the request path) as done; yet pages take {} at P95 while calls to the provider take {}: some of those calls still hold the request, so move the ones whose answer the page does not need onto the queue",
        queue.noun(),
        scalability_advisor_core::Quantity::Duration(pages),
        scalability_advisor_core::Quantity::Duration(calls),
    ));
}

/// Scaling up for CPU and adding memory are both a bigger machine: when the plan has both
/// steps, the later one says that one resize can bring both, naming the earlier.
fn note_one_resize(steps: &mut [PlanStep]) {
    let rank_of = |r: Remedy, steps: &[PlanStep]| {
        steps
            .iter()
            .find(|s| s.key == StepKey::Remedy(r))
            .map(|s| s.rank)
    };
    let (Some(cpu), Some(memory)) = (
        rank_of(Remedy::VerticalScale, steps),
        rank_of(Remedy::IncreaseRam, steps),
    ) else {
        return;
    };
    let (first, later, what) = if cpu < memory {
        (cpu, Remedy::IncreaseRam, "the memory")
    } else {
        (memory, Remedy::VerticalScale, "the CPU")
    };
    if let Some(step) = steps.iter_mut().find(|s| s.key == StepKey::Remedy(later)) {
        step.notes.push(format!(
            "the bigger machine of step {first} can bring {what} this step asks for: one resize, not two"
        ));
    }
}

/// A ladder's step whose severity came from a stage move that a finding showing the same
/// symptom calls for (memory maxed, and a move to stage 2: see [`Skeleton::build`]) says
/// so, naming the move's step: the rung works on the resource itself, at once, and the move
/// is the lasting answer.
///
/// [`Skeleton::build`]: crate::plan::Skeleton::build
fn note_as_urgent_as_move(steps: &mut [PlanStep], findings: &[AssessedFinding]) {
    // (One lookup table, so that the steps' findings are each looked up once.)
    let by_id: BTreeMap<&str, &AssessedFinding> =
        findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut notes = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let (StepKey::Remedy(r), Some(_)) = (&step.key, step.ladder) else {
            continue;
        };
        let symptom = r.rung().0;
        let own = step
            .findings
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).map(|f| f.severity))
            .max();
        if own.is_some_and(|own| own >= step.severity) {
            continue;
        }
        // (The severity came from such a finding, placed in a stage move's step.)
        let by_move = steps.iter().find(|s| {
            s.findings.iter().any(|id| {
                by_id
                    .get(id.as_str())
                    .is_some_and(|f| f.symptom == Some(symptom) && f.moves_to.is_some())
            })
        });
        if let Some(m) = by_move {
            notes.push((
                i,
                format!(
                    "{}, as step {} (\"{}\"), which the same {} calls for: this step works on it at once, the move is the lasting answer",
                    step.severity, m.rank, m.title, symptom.title()
                ),
            ));
        }
    }
    for (i, note) in notes {
        if let Some(step) = steps.get_mut(i) {
            step.notes.push(note);
        }
    }
}

/// The first step holding one of the findings `ids`.
fn step_holding<'s>(steps: &'s [PlanStep], ids: &[&str]) -> Option<&'s PlanStep> {
    steps
        .iter()
        .find(|s| s.findings.iter().any(|f| ids.contains(&f.as_str())))
}

/// The ids of the findings with a line of evidence on `metric`.
fn with_evidence_on(findings: &[AssessedFinding], metric: Metric) -> Vec<&str> {
    findings
        .iter()
        .filter(|f| f.evidence.iter().any(|e| e.metric == Some(metric)))
        .map(|f| f.id.as_str())
        .collect()
}

/// A cache to add while a step works on the servers' memory (the guide's ladder for high
/// memory): run where the servers run, it would take the memory that step tries to win
/// back, so the cache step says to give it an instance of its own, sized as the guide sizes
/// a cache (the stage-2 architecture draws Redis as a box of its own). A cache in place is
/// left alone: where it runs is not known.
fn note_cache_beside_full_memory(steps: &mut [PlanStep], snapshot: &MetricsSnapshot) {
    if snapshot.components_in_place().contains(Component::Cache) {
        return;
    }
    let Some(memory) = snapshot.memory_usage else {
        return;
    };
    let Some(rank) = steps
        .iter()
        .find(|s| match s.key {
            StepKey::Remedy(r) => r.rung().0 == Symptom::HighMemory,
            StepKey::LadderExhausted(symptom) => symptom == Symptom::HighMemory,
            _ => false,
        })
        .map(|s| s.rank)
    else {
        return;
    };
    note_on(
        steps,
        Remedy::AddCaching,
        format!(
            "the servers' memory is at {memory} (step {rank} works on it): run the cache on an instance of its own, sized for the working set (10-20% of the data x 1.5 for Redis), not on the servers, where it would take the memory that step wins back"
        ),
    );
}

/// A cache in place that misses (its hit rate under `floor`, [`LadderConfig::cache_hit_floor`])
/// with the free share of its memory measured: the step that tunes it says which half of
/// the tuning comes first. Under `full` free ([`LadderConfig::cache_full_headroom`], 10%)
/// the cache has used its memory up and evicts keys to store new ones (Redis applies its
/// `maxmemory` policy then), so its misses are likely keys evicted before they were read
/// again: memory for the working set first (the guide's cache sizing), then keys and TTLs.
/// With more free, the misses are not for lack of room: what is cached and for how long
/// comes first. A full cache that hits is an LRU cache at work, and nothing is said. With
/// the free share not measured, the note asks for it.
///
/// [`LadderConfig::cache_hit_floor`]: scalability_advisor_core::LadderConfig::cache_hit_floor
/// [`LadderConfig::cache_full_headroom`]:
///     scalability_advisor_core::LadderConfig::cache_full_headroom
fn note_cache_headroom(
    steps: &mut [PlanStep],
    snapshot: &MetricsSnapshot,
    (floor, full): (Ratio, Ratio),
) {
    if !snapshot.components_in_place().contains(Component::Cache) {
        return;
    }
    let Some(hits) = snapshot.cache_hit_rate.filter(|h| *h < floor) else {
        return;
    };
    let Some(free) = snapshot.cache_memory_headroom else {
        note_on(
            steps,
            Remedy::AddCaching,
            "the free share of the cache's memory is not measured (give cache_memory_headroom: 1 - used_memory / maxmemory for Redis): it tells whether the misses are keys evicted for lack of room, which memory answers, or keys and TTLs to review".to_owned(),
        );
        return;
    };
    note_on(
        steps,
        Remedy::AddCaching,
        if free < full {
            format!(
                "the cache has {free} of its memory free: it is full and evicts keys to store new ones (Redis does once its maxmemory is reached), so with {hits} of lookups answered its misses are likely keys evicted before they were read again: give it memory for the working set first (10-20% of the data x 1.5 for Redis), then review its keys and TTLs"
            )
        } else {
            format!(
                "the cache has {free} of its memory free, so it is not evicting for lack of room: its misses (it answers {hits} of lookups) come from what it holds and for how long, so review its keys and TTLs (data read far more often than written; query results for 1 to 5 minutes) before giving it memory"
            )
        },
    );
}

/// A cache in place that a finding of the plan calls early (`discourages` the cache:
/// `premature.cache`, the guide's "don't add caching before you need it"), its hit rate
/// measured: the step that asks what the cache absorbs says what the figure means. At or
/// past `floor` ([`LadderConfig::cache_hit_floor`], 80%), the database's load was measured
/// behind the cache, so its quiet is no proof the cache is idle: reads sent past the cache
/// tell. Under it, the cache absorbs little and costs little to remove.
///
/// [`LadderConfig::cache_hit_floor`]: scalability_advisor_core::LadderConfig::cache_hit_floor
fn note_early_cache_hit_rate(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
    floor: Ratio,
) {
    let Some(hits) = snapshot.cache_hit_rate else {
        return;
    };
    if !snapshot.components_in_place().contains(Component::Cache) {
        return;
    }
    let Some(step) =
        step_discouraging(steps, findings, Component::Cache).and_then(|i| steps.get_mut(i))
    else {
        return;
    };
    let database = snapshot
        .db_cpu
        .map_or_else(String::new, |cpu| format!(" ({cpu} CPU)"));
    step.notes.push(if hits >= floor {
        format!(
            "the cache answers {hits} of lookups: the database's load{database} is measured behind it, not what the database would carry alone; send a share of reads past the cache (or compare with the load before it came) before removing it"
        )
    } else {
        format!(
            "the cache answers only {hits} of lookups, under the {floor} this pack warns at: it absorbs little, so removing it costs little; leave it untuned while nothing needs it"
        )
    });
}

/// Few queries repeat: the share of repeated queries is measured at or under `level`
/// ([`AdditionConfig::repeated_query_share`], 25%: the guide's "same queries repeated
/// frequently", its condition for a Redis cache, does not hold).
///
/// - A cache in place that misses (its hit rate under `floor`,
///   [`LadderConfig::cache_hit_floor`]): the step that tunes it says its misses are mostly
///   first reads, which no key, TTL or memory turns into hits, so it promises little.
/// - No cache in place: the step that adds one, and the cache rung held back behind another
///   step, say that cached query results would answer few lookups, and that what pages
///   compute again (rendered fragments, API responses) is what to cache.
///
/// With `slow_pages` (a finding on the slow-page ladder), either says that pages still slow
/// after it call for finding where the time goes (the guide's first diagnosis step), not for
/// more cache. The step keeps its place in the ladder (it is the decision matrix's first
/// rung, and cheap), and a tuning step is for information unless it holds the slow pages
/// (`quiet_cache_with_first_reads`).
///
/// [`LadderConfig::cache_hit_floor`]: scalability_advisor_core::LadderConfig::cache_hit_floor
/// [`AdditionConfig::repeated_query_share`]:
///     scalability_advisor_core::patterns::AdditionConfig::repeated_query_share
fn note_cache_few_repeats(
    steps: &mut [PlanStep],
    held: &mut [HeldBack],
    snapshot: &MetricsSnapshot,
    (floor, level): (Ratio, Ratio),
    slow_pages: bool,
) {
    let Some(repeats) = snapshot.repeated_query_share.filter(|r| *r <= level) else {
        return;
    };
    let then = if slow_pages {
        "if pages stay slow after it, find where the time goes (distributed tracing, the guide's first diagnosis step) before growing the cache"
    } else {
        "measure the database's load again after it before growing the cache"
    };
    if snapshot.components_in_place().contains(Component::Cache) {
        if snapshot.cache_hit_rate.is_some_and(|h| h < floor) {
            note_on(
                steps,
                Remedy::AddCaching,
                format!(
                    "only {repeats} of queries repeat one issued shortly before, not past the {level} this pack reads as the guide's \"same queries repeated frequently\": most of its misses are likely first reads, which no key, TTL or memory turns into hits, so expect little from this step; {then}"
                ),
            );
        }
        return;
    }
    let note = format!(
        "only {repeats} of queries repeat one issued shortly before, not past the {level} this pack reads as the guide's \"same queries repeated frequently\", its condition for a Redis cache: cached query results would answer few lookups, so cache what pages compute again and again (rendered fragments, API responses) rather than queries; {}",
        then.replace("growing the cache", "caching more")
    );
    for h in held.iter_mut().filter(|h| h.remedy == Remedy::AddCaching) {
        h.notes.push(note.clone());
    }
    note_on(steps, Remedy::AddCaching, note);
}

/// A slow-page ladder held back at its last rung, logic at the edge, behind another step:
/// the edge serves only users far from the servers, and when neither where the users are
/// (`user_regions`) nor how long far users wait (`remote_user_p95`) is measured, the held
/// rung says to measure them before building it, as the ladder's own note says in a step
/// (`ladder_notes`).
fn note_held_edge_unmeasured(held: &mut [HeldBack], snapshot: &MetricsSnapshot) {
    if snapshot.user_regions.is_some() || snapshot.remote_user_p95.is_some() {
        return;
    }
    for h in held.iter_mut().filter(|h| h.remedy == Remedy::EdgeCompute) {
        h.notes.push(
            "logic at the edge helps only users far from the servers, and where the users are is not measured: give user_regions and remote_user_p95 before building it".to_owned(),
        );
    }
}

/// The rank of the plan's step for the action named `name`, if the plan has one.
fn action_rank(steps: &[PlanStep], name: &str) -> Option<usize> {
    steps
        .iter()
        .find(|s| matches!(&s.key, StepKey::Action(a) if a == name))
        .map(|s| s.rank)
}

/// The default pack's action that fits the database's working set in its buffer cache.
const FIT_WORKING_SET: &str = "fit_working_set_in_memory";

/// The default pack's action that reclaims the space bloat takes.
const REDUCE_BLOAT: &str = "reduce_bloat";

/// A plan with both a step that fits the working set in the buffer cache and a step that
/// reclaims bloat, the bloat's share measured: the buffer cache's step says to read less
/// per query first and to size memory only once the bloat's step is done. PostgreSQL
/// reads whole pages into shared buffers, dead rows with live ones, so bloat inflates the
/// pages the working set fills; only a rewrite (VACUUM FULL, or rebuilding a table) returns
/// the space (PostgreSQL manual, "Routine Vacuuming", "Recovering Disk Space").
fn note_bloat_before_memory(steps: &mut [PlanStep], snapshot: &MetricsSnapshot) {
    let Some(bloat) = snapshot.db_bloat_share else {
        return;
    };
    let Some(rank) = action_rank(steps, REDUCE_BLOAT) else {
        return;
    };
    if let Some(step) = steps
        .iter_mut()
        .find(|s| matches!(&s.key, StepKey::Action(a) if a == FIT_WORKING_SET))
    {
        step.notes.push(format!(
            "{bloat} of the tables' and indexes' space is bloat (step {rank}): PostgreSQL reads whole pages into its buffer cache, dead rows with live ones, so the bloat inflates what the working set fills; read less per query first, and size the database's memory only once step {rank} has rebuilt the worst tables, measuring the hit ratio again then"
        ));
    }
}

/// The default pack's action that moves the database off a host it shares with the
/// application.
const SEPARATE_DATABASE_HOST: &str = "separate_database_host";

/// A stage move that calls for a load balancer on the servers' resources (CPU or memory
/// maxed), in a plan with a step that moves the database off the host it shares with the
/// application: that step says more application servers would only load the same machine,
/// and the CPU and memory the move rests on are partly the database's. The move's step
/// names the host and that step, and says to measure what it rests on again once the
/// database has left, before the load balancer.
fn note_move_after_separating(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
) {
    let Some(host) = shared_host(snapshot) else {
        return;
    };
    let Some(separate) = action_rank(steps, SEPARATE_DATABASE_HOST) else {
        return;
    };
    // What each call for a load balancer rests on, among the host's resources: (CPU,
    // memory), by finding id (one pass over the findings, so that the steps' lookups stay
    // linear-logarithmic in a large pack).
    let mut calls: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
    for f in findings
        .iter()
        .filter(|f| f.recommends.contains(Component::LoadBalancer))
    {
        let on = |m: Metric| f.evidence.iter().any(|e| e.metric == Some(m));
        calls.insert(
            f.id.as_str(),
            (on(Metric::ServerCpu), on(Metric::MemoryUsage)),
        );
    }
    for step in steps.iter_mut() {
        if !matches!(step.key, StepKey::Stage(_)) {
            continue;
        }
        let (cpu, memory) = step
            .findings
            .iter()
            .filter_map(|id| calls.get(id.as_str()))
            .fold((false, false), |(c, m), (fc, fm)| (c || *fc, m || *fm));
        let rests_on = match (cpu, memory) {
            (true, true) => "server_cpu and memory_usage",
            (true, false) => "server_cpu",
            (false, true) => "memory_usage",
            (false, false) => continue,
        };
        step.notes.push(format!(
            "the application shares host `{host}` with the database, which step {separate} moves to its own server: measure {rests_on} again after it, before adding the load balancer this move calls for"
        ));
    }
}

/// Adds `note` to the step of `remedy`, when the plan has one.
fn note_on(steps: &mut [PlanStep], remedy: Remedy, note: String) {
    if let Some(step) = steps.iter_mut().find(|s| s.key == StepKey::Remedy(remedy)) {
        step.notes.push(note);
    }
}

/// A cache in place that misses is reopened for tuning (keys, TTLs, memory); when a stage
/// move of the plan rests on the cache's hit rate being flat (the guide's "cache hit rate
/// plateauing despite optimization", a stage-3 trigger), the tuning step says so and names
/// the move: once keys, TTLs and memory are tuned, a flat hit rate is what the guide
/// answers with the move, not with more tuning.
fn note_cache_plateau(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    architecture: ComponentSet,
) {
    if !architecture.contains(Component::Cache) {
        return;
    }
    let plateau: Vec<&str> = findings
        .iter()
        .filter(|f| {
            f.moves_to.is_some()
                && f.evidence.iter().any(|e| {
                    e.metric == Some(Metric::CacheHitRate)
                        && e.series == Some(crate::expr::SeriesFn::Plateauing)
                        && !e.negated
                })
        })
        .map(|f| f.id.as_str())
        .collect();
    let Some((rank, title)) = step_holding(steps, &plateau).map(|s| (s.rank, s.title.clone()))
    else {
        return;
    };
    note_on(
        steps,
        Remedy::AddCaching,
        format!(
            "the hit rate is flat (step {rank}, \"{title}\"): if keys, TTLs and memory are tuned already, this is the plateau the guide answers with that move, not with more tuning"
        ),
    );
}

/// A stage move's step says what the findings its moves replaced advise, to do until the
/// move is made: a move takes months, and what the replaced finding advised (keep reads
/// that must see their own writes on the primary, for replicas that lag) still holds
/// meanwhile.
fn note_until_the_move(steps: &mut [PlanStep], interim: &[Replaced<'_>]) {
    for r in interim {
        if let Some(step) = steps
            .iter_mut()
            .find(|s| matches!(s.key, StepKey::Stage(_)) && s.findings.iter().any(|f| f == r.by))
        {
            step.notes.push(format!(
                "until the move is made ({}, which {} replaces): {}",
                r.id, r.by, r.advice
            ));
        }
    }
}

/// Memory climbing as a leak does (a [`Metric::MemoryUsage`] series with a significant
/// rise, [`scalability_advisor_core::Trend::is_degrading`]): its rate by Sen's slope and the
/// hours left until 100% at that rate, a straight-line projection from the snapshot's
/// memory use (or the latest sample). A leak grows with traffic and time, not always
/// linearly, so the figure is a guide to how soon the stopgap is needed, not a forecast.
pub(crate) fn memory_fill(
    snapshot: &MetricsSnapshot,
    history: &History,
    config: &AdvisorConfig,
) -> Option<MemoryFill> {
    let series = history.get(Metric::MemoryUsage)?;
    let trend = series.trend(&config.triggers.series).ok()?;
    if !trend.is_degrading(
        scalability_advisor_core::Direction::LowerIsBetter,
        &config.triggers.series,
    ) {
        return None;
    }
    let per_hour = trend.slope_per_second * 3_600.0;
    let now = snapshot
        .memory_usage
        .map_or(series.latest().value, Ratio::as_fraction);
    (per_hour > 0.0 && per_hour.is_finite()).then(|| MemoryFill {
        per_hour,
        hours_left: ((1.0 - now) / per_hour).max(0.0),
    })
}

/// The leak step's note on how soon memory fills: `at the measured rate (Sen's slope, 0.95
/// points an hour), memory reaches 100% in about 8 h`.
fn memory_fill_text(fill: MemoryFill) -> String {
    let points = fill.per_hour * 100.0;
    let (amount, per) = if points >= 0.1 {
        (significant(points), "an hour")
    } else {
        (significant(points * 24.0), "a day")
    };
    // "1 point an hour", but "0.95 points" and "1.2 points": the noun agrees with the
    // number as written, not with the slope before rounding.
    let noun = if amount == "1" { "point" } else { "points" };
    let rate = format!("{amount} {noun} {per}");
    let left = if fill.hours_left < 0.5 {
        "already".to_owned()
    } else if fill.hours_left <= 72.0 {
        format!("in about {:.0} h", fill.hours_left)
    } else {
        format!("in about {:.0} days", fill.hours_left / 24.0)
    };
    format!(
        "at the measured rate (Sen's slope, {rate}), memory reaches 100% {left}: the stopgap (more memory, or restarts before it fills) is needed before then"
    )
}

/// `v` to two significant digits, without trailing zeros (`0.95`, `12`, `0.004`).
fn significant(v: f64) -> String {
    if v >= 10.0 {
        return format!("{v:.0}");
    }
    let decimals = if v >= 1.0 {
        1
    } else {
        // Two significant digits below 1: 0.95 -> 2, 0.012 -> 3.
        let lead = (-v.log10()).floor();
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "0 < v < 1 here: a small whole number of leading zeros"
        )]
        let lead = lead.clamp(0.0, 12.0) as usize;
        lead + 2
    };
    let text = format!("{v:.decimals$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// What an index step works on: the database's slow queries and the CPU that sequential
/// scans burn (the guide's first try for "database slow", with its symptoms "slow
/// queries, high CPU").
const INDEX_WORK: [Metric; 3] = [
    Metric::SlowestQueryTime,
    Metric::SlowestQueryMaxTime,
    Metric::DbCpu,
];

/// The slow-page ladder's cache, asked for by slow pages alone (no finding of its step
/// recommends a cache on its own grounds, such as queries that repeat), after a step that
/// cuts queries per request past their warning level ([`Grounds::many_queries`]): each query
/// a request makes is a round trip to the database, and an N+1 pattern multiplies them, so
/// the pages' time may largely go with them. The cache step says to measure the P95 again
/// after that step, naming it, before adding a cache: one put in front of N+1 queries
/// answers them from memory but leaves the pattern, and its invalidation, in the code.
fn note_cache_after_fewer_queries(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    architecture: ComponentSet,
    many_queries: Option<(
        scalability_advisor_core::units::QueriesPerRequest,
        scalability_advisor_core::units::QueriesPerRequest,
    )>,
) {
    let Some((queries, warning)) = many_queries else {
        return;
    };
    if architecture.contains(Component::Cache) {
        return;
    }
    let on_queries = with_evidence_on(findings, Metric::DbQueriesPerRequest);
    let Some(cutting) = step_holding(steps, &on_queries).map(|s| (s.rank, s.title.clone())) else {
        return;
    };
    let wanted: Vec<&str> = findings
        .iter()
        .filter(|f| f.recommends.contains(Component::Cache))
        .map(|f| f.id.as_str())
        .collect();
    // (The step cutting the queries comes first: its finding is critical past the warning
    // level, and the database goes before slow pages in the guide's diagnosis order.)
    let Some(cache) = steps.iter_mut().find(|s| {
        s.key == StepKey::Remedy(Remedy::AddCaching)
            && !s.findings.iter().any(|f| wanted.contains(&f.as_str()))
    }) else {
        return;
    };
    cache.notes.push(format!(
        "requests issue {}, past the {} warning level, and each is a round trip to the database: step {} (\"{}\") cuts them, and the pages' time may largely go with them, so measure the P95 again after it and add the cache if pages are still slow; a cache in front of N+1 queries answers them from memory but leaves the pattern in the code",
        Quantity::QueriesPerRequest(queries),
        Quantity::QueriesPerRequest(warning),
        cutting.0,
        cutting.1,
    ));
}

/// A stage move whose every condition rests on what an earlier index step works on (a slow
/// query, the database's CPU) says to measure those again after the indexes: a missing
/// index alone makes a query slow and scans burn CPU, so the guide's trigger may stop
/// holding once the step is done, and the move, months of work, may then wait. The move
/// keeps its place and severity: its conditions hold today. Not for a move the user count
/// has already reached (overdue: the stage's architecture is due anyway). When the move
/// rests on the database's CPU and an earlier step cuts the queries per request (a finding
/// with them as evidence: each query the requests no longer issue is work the database no
/// longer does), the note names that step too.
fn note_measure_after_indexes(steps: &mut [PlanStep], findings: &[AssessedFinding]) {
    let Some(indexes) = steps
        .iter()
        .find(|s| s.key == StepKey::Remedy(Remedy::AddIndexes))
        .map(|s| s.rank)
    else {
        return;
    };
    let on_queries = with_evidence_on(findings, Metric::DbQueriesPerRequest);
    let queries = step_holding(steps, &on_queries).map(|s| s.rank);
    for step in steps
        .iter_mut()
        .filter(|s| matches!(s.key, StepKey::Stage(_)) && s.rank > indexes)
    {
        let mut rests_on: Vec<Metric> = Vec::new();
        let mut moves = 0usize;
        let mut only_index_work = true;
        for f in findings
            .iter()
            .filter(|f| f.moves_to.is_some() && step.findings.contains(&f.id))
        {
            moves += 1;
            // A move the user count has already reached is due whatever the queries do. (A
            // move made is no stage step: its findings are symptoms to work on.)
            only_index_work &= !f.evidence.is_empty() && !f.overdue;
            for m in f.evidence.iter().map(|e| e.metric) {
                match m {
                    Some(m) if INDEX_WORK.contains(&m) => {
                        crate::engine::push_unique(&mut rests_on, m)
                    }
                    _ => only_index_work = false,
                }
            }
        }
        if moves > 0 && only_index_work {
            let names: Vec<&str> = rests_on.iter().map(|m| m.name()).collect();
            let mut ranks = vec![indexes];
            if let Some(q) = queries
                && q != indexes
                && rests_on.contains(&Metric::DbCpu)
            {
                ranks.push(q);
                ranks.sort_unstable();
            }
            let steps = match ranks.as_slice() {
                [a, b] => format!("steps {a} and {b} work"),
                _ => format!("step {indexes} works"),
            };
            step.notes.push(format!(
                "{steps} on what this move rests on ({}): measure again after {}; if the move's conditions no longer hold, the move can wait",
                names.join(", "),
                if ranks.len() > 1 { "them" } else { "it" },
            ));
        }
    }
}

/// Replicas that lag while the primary's writes are measured under the level of the
/// guide's write trigger (80% of what it sustains): the guide answers lag that replicas
/// cannot make up with sharding, which cuts the write volume per primary; but at this
/// volume the replicas may be behind for reasons of their own, which sharding does not
/// cure. A replica smaller than its primary, queries on the replica that hold replay back
/// (PostgreSQL delays replay up to `max_standby_streaming_delay` for conflicting queries:
/// "Hot Standby", Handling Query Conflicts, PostgreSQL documentation) and replay applied by
/// one thread (MySQL's `replica_parallel_workers`, "Replication Replica Options and
/// Variables", MySQL Reference Manual) are checked first. The step holding the move that
/// lag calls for says so, with the measured share. When that step is a move planned ahead
/// of the user count on lag alone, its title says what comes first
/// ([`write_lag_first_title`]) and the note leads its notes.
fn note_lag_with_write_headroom(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
    (level, long_query): (Ratio, Option<(core::time::Duration, core::time::Duration)>),
    by_users: Option<Stage>,
) {
    let lag_moves: Vec<&str> = findings
        .iter()
        .filter(|f| {
            f.moves_to.is_some()
                && f.recommends.contains(Component::Sharding)
                && f.evidence
                    .iter()
                    .any(|e| e.metric == Some(Metric::ReplicaLag))
        })
        .map(|f| f.id.as_str())
        .collect();
    let Some(step) = steps
        .iter_mut()
        .find(|s| s.findings.iter().any(|f| lag_moves.contains(&f.as_str())))
    else {
        return;
    };
    let lag_alone = |step: &PlanStep, to: Stage| {
        by_users.is_none_or(|u| u < to)
            && step
                .findings
                .iter()
                .all(|f| lag_moves.contains(&f.as_str()))
    };
    let (Some(writes), Some(capacity)) = (
        snapshot.primary_write_throughput,
        snapshot.primary_write_capacity,
    ) else {
        // The writes not measured behind a primary the pack finds too quiet for sharding
        // (a finding discouraging it, on the database's CPU far below its level): the
        // replicas' own causes come first.
        if let Some(quiet) = findings
            .iter()
            .find(|f| f.discourages.contains(Component::Sharding))
            && let Some(cpu) = snapshot.db_cpu
        {
            step.notes.push(format!(
                "db_cpu = {}, low enough that sharding is premature at this load ({}): a primary this quiet is unlikely to write faster than its replicas replay, so they more likely lag for reasons of their own (a replica smaller than the primary, queries on it that hold replay back, replay applied by one thread); check them before splitting a shard, and give the primary's writes (primary_write_throughput, primary_write_capacity) to know whether their volume explains the lag",
                scalability_advisor_core::Quantity::Ratio(cpu),
                quiet.id
            ));
            return;
        }
        // The writes not measured: a move two stages or more past the user count, or
        // beside a query slow enough to hold replay back, on the lag alone looks at the
        // replicas first. Any other move on the lag alone (at the user count's stage, or
        // one stage ahead) stays the step, and says what the lag may come from instead.
        if let StepKey::Stage(to) = step.key
            && step
                .findings
                .iter()
                .all(|f| lag_moves.contains(&f.as_str()))
        {
            let why = match (snapshot.users.zip(stages_short(by_users, to)), long_query) {
                _ if !lag_alone(step, to) => None,
                (Some((users, short)), _) => Some(format!(
                    "{users} are {short} stages short of {to}, whose trigger this is (the guide lists it under the stage before): replicas lagging at this size more likely lag for reasons of their own, which sharding does not cure"
                )),
                (None, Some((slowest, level))) => Some(format!(
                    "a query takes {}, past the guide's {} for a slow query, and a replica's replay waits for the conflicting queries running there (a PostgreSQL hot standby waits up to max_standby_streaming_delay, 30 s by default): the replicas may lag for that reason, which sharding does not cure",
                    Quantity::Duration(slowest),
                    Quantity::Duration(level)
                )),
                (None, None) => None,
            };
            let Some(why) = why else {
                step.notes.insert(
                    0,
                    "the move rests on the replicas' lag alone, and the primary's writes are not measured: sharding cures lag that comes from more writes than the replicas can replay, not replicas that lag for reasons of their own (a replica smaller than the primary, queries on it that hold replay back, replay applied by one thread); rule those out, and give the primary's writes (primary_write_throughput, primary_write_capacity) to know whether their volume explains the lag, before starting the move".to_owned(),
                );
                return;
            };
            step.title.clear();
            write_lag_first_title(&mut step.title, to);
            step.advice = lag_first_advice(to);
            step.notes.insert(
                0,
                format!(
                    "{why}; give the primary's writes (primary_write_throughput, primary_write_capacity) to know whether their volume explains the lag"
                ),
            );
        } else if let StepKey::Stage(_) = step.key
            && !findings.iter().any(|f| {
                f.recommends.contains(Component::Sharding)
                    && step.findings.contains(&f.id)
                    && !lag_moves.contains(&f.id.as_str())
            })
        {
            // A catch-up step that holds another stage's trigger too (a slow query's, for
            // stage 2) still calls for sharding on the lag alone: it says so, keeping its
            // title and advice, which serve the other trigger as well.
            let slow = long_query.map_or_else(String::new, |(slowest, level)| {
                format!(
                    "; a query takes {}, past the guide's {} for a slow query, and a replica's replay waits for the conflicting queries running there (a PostgreSQL hot standby waits up to max_standby_streaming_delay, 30 s by default), so the replicas may lag for that reason",
                    Quantity::Duration(slowest),
                    Quantity::Duration(level)
                )
            });
            step.notes.insert(
                0,
                format!(
                    "the call for sharding rests on the replicas' lag alone, and the primary's writes are not measured: sharding cures lag that comes from more writes than the replicas can replay, not replicas that lag for reasons of their own (a replica smaller than the primary, queries on it that hold replay back, replay applied by one thread){slow}; rule those out, and give the primary's writes (primary_write_throughput, primary_write_capacity) to know whether their volume explains the lag, before sharding"
                ),
            );
        }
        return;
    };
    let share = writes.as_per_second() / capacity.as_per_second();
    if !share.is_finite() {
        return;
    }
    let under = writes_under(snapshot, level);
    if !under {
        // Past the trigger, the writes explain the lag (and the move for the writes shares
        // the lag's step: both call for sharding, in the stage move's step or, made, in the
        // work on the shards).
        step.notes.push(format!(
            "the replicas fall behind a primary writing at {} of what it sustains: the writes explain the lag, and {} answers both; keep read-after-write paths on the primary meanwhile",
            crate::engine::percent_text(share),
            if snapshot.architecture.contains(Component::Sharding) {
                "the same work on the shards"
            } else {
                "sharding"
            }
        ));
        return;
    }
    let note = format!(
        "the primary's writes are at {} of what it sustains, under the {} at which the guide's write trigger fires: at this volume the replicas may lag for reasons of their own, which sharding does not cure",
        crate::engine::percent_text(share),
        crate::engine::percent_text(level.as_fraction()),
    );
    match step.key {
        // (The advice names the causes to check; the note says why.)
        StepKey::Stage(to) if lag_alone(step, to) => {
            step.title.clear();
            write_lag_first_title(&mut step.title, to);
            step.advice = lag_first_advice(to);
            step.notes.insert(0, note);
        }
        _ => step.notes.push(format!(
            "{note} (a replica smaller than the primary, queries on it that hold replay back, replay applied by one thread); check them before sharding for lag alone"
        )),
    }
}

/// Replica lag measured while cross-region replication is in place: one figure covers every
/// replica, and a replica in another region trails the primary by at least the round trip
/// between the regions and what the link carries (PostgreSQL's streaming replication ships
/// the WAL over the network and a standby replays it on arrival, documentation 27.2.5,
/// "Streaming Replication"), while one in the primary's region trails by its own load. The
/// step working on the lag says to find which replicas lag (`pg_stat_replication` gives
/// each standby's `replay_lag`, PostgreSQL 10 and later) before working on their load or
/// on the writes.
fn note_lag_across_regions(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    in_place: ComponentSet,
) {
    if !in_place.contains(Component::CrossRegionReplication) {
        return;
    }
    let lagging = with_evidence_on(findings, Metric::ReplicaLag);
    if let Some(step) = steps
        .iter_mut()
        .find(|s| s.findings.iter().any(|f| lagging.contains(&f.as_str())))
    {
        step.notes.push(
            "cross_region_replication is in place, and one replica_lag figure covers every replica: one in another region trails by at least the round trip between the regions and what the link carries, one in the primary's region by its own load; find which replicas lag (replay_lag per standby in pg_stat_replication) before working on their load or the writes"
                .to_owned(),
        );
    }
}

/// A step on the replicas' lag alone placed after the index step ([`Grounds::long_query`]:
/// a query measured past the slow-query level, the writes not past the write trigger). On a
/// PostgreSQL hot standby, WAL that conflicts with a running query waits for it, up to
/// `max_standby_streaming_delay` (30 s by default) before the query is cancelled
/// (PostgreSQL documentation, "Hot Standby", "Handling Query Conflicts"): slow queries run
/// on the replicas, which the index step shortens, are one cause of the lag, each wait as
/// long as its query. The lag step says so, with the slowest query's time against the lag,
/// and to measure the lag again after that step.
fn note_lag_after_long_queries(
    steps: &mut [PlanStep],
    engine: &Engine,
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
) {
    let (Some(slowest), Some(indexes)) = (
        snapshot.slowest_query_time,
        steps
            .iter()
            .find(|s| s.key == StepKey::Remedy(Remedy::AddIndexes))
            .map(|s| s.rank),
    ) else {
        return;
    };
    let lagging: Vec<&str> = findings
        .iter()
        .filter(|f| {
            engine
                .rule_index(&f.id)
                .is_some_and(|r| lag_alone_rule(engine, r))
        })
        .map(|f| f.id.as_str())
        .collect();
    for step in steps.iter_mut().filter(|s| s.rank > indexes).filter(|s| {
        !s.findings.is_empty() && s.findings.iter().all(|id| lagging.contains(&id.as_str()))
    }) {
        let how_much = match snapshot.replica_lag {
            Some(lag) if slowest < lag => format!(
                "each wait lasting as long as the query, so a lag of {} takes many in a row",
                Quantity::Duration(lag)
            ),
            _ => "a query that long is enough for the whole lag".to_owned(),
        };
        step.notes.push(format!(
            "step {indexes} shortens the slow queries (the slowest takes {}); a replica's replay waits for the queries running there that conflict with it (a PostgreSQL hot standby waits up to max_standby_streaming_delay, 30 s by default, before cancelling them), {how_much}: see whether the replicas run the slow queries (pg_stat_statements on them), and measure replica_lag again after that step before working on the replicas' load or the writes",
            Quantity::Duration(slowest)
        ));
    }
}

/// Replicas that lag while a finding says the database does not need them (it discourages
/// read replicas: the default pack's `premature.read_replicas`, its CPU under half of the
/// guide's level): the primary has room for the reads they serve, so reading from it ends
/// the stale reads at once, whatever makes the replicas lag. A replica kept as a failover
/// standby then lags without harm to readers, though with asynchronous replication its lag
/// is the committed data a failover would lose (PostgreSQL documentation, chapter "High
/// Availability, Load Balancing, and Replication": with asynchronous streaming replication,
/// transactions committed on the primary but not yet sent to a standby are lost if the
/// primary fails). The step working on the lag says so, with the
/// CPU figure and the step of the finding that discourages the replicas.
fn note_reads_back_to_the_primary(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
) {
    let Some(cpu) = snapshot.db_cpu else {
        return;
    };
    let Some(room) = findings
        .iter()
        .find(|f| f.discourages.contains(Component::ReadReplicas))
    else {
        return;
    };
    let Some(room_step) = steps
        .iter()
        .find(|s| s.findings.contains(&room.id))
        .map(|s| s.rank)
    else {
        return;
    };
    let lagging = |id: &String| {
        findings.iter().any(|f| {
            f.id == *id
                && f.evidence
                    .iter()
                    .any(|e| e.metric == Some(Metric::ReplicaLag))
        })
    };
    let Some(step) = steps.iter_mut().find(|s| s.findings.iter().any(lagging)) else {
        return;
    };
    step.notes.push(format!(
        "db_cpu = {}, and step {room_step} finds the replicas premature at this load ({}): the primary has room for the reads they serve, so sending those reads back to it ends the stale reads at once; a replica kept as a failover standby can lag without harm to readers, though its lag is what a failover would lose",
        scalability_advisor_core::Quantity::Ratio(cpu),
        room.id
    ));
}

/// Whether a move to `to` planned on replica lag alone looks at the replicas first: the
/// primary's writes measured under `level` of what it sustains, or not measured while a
/// query is measured past the slow-query level (`long_query`, [`Grounds::long_query`]:
/// replay waits for such queries on the replicas) or the users are two stages or more
/// short of `to` (`note_lag_with_write_headroom`, which the fleet summary follows).
pub(crate) fn replicas_first(
    snapshot: &MetricsSnapshot,
    (level, long_query): (Ratio, bool),
    by_users: Option<Stage>,
    to: Stage,
) -> bool {
    if writes_measured(snapshot) {
        writes_under(snapshot, level)
    } else {
        long_query || (snapshot.users.is_some() && stages_short(by_users, to).is_some())
    }
}

/// Whether rule `index` of `engine` compares the replicas' lag and nothing else: a finding
/// of it is on the lag alone.
pub(crate) fn lag_alone_rule(engine: &Engine, index: usize) -> bool {
    engine.compared_metrics(index) == 1u64 << Metric::ReplicaLag.index()
}

/// Whether rule `index` of `engine` compares whether data residency is required: a move
/// of it is called for by a residency rule (the default pack's `move.4.data_residency`).
pub(crate) fn residency_rule(engine: &Engine, index: usize) -> bool {
    engine.compared_metrics(index) & (1u64 << Metric::DataResidencyRequired.index()) != 0
}

/// Whether rule `index` of `engine` compares an availability target: a move of it is
/// called for by a target one region cannot meet (the default pack's
/// `move.4.single_region_failover`).
pub(crate) fn availability_rule(engine: &Engine, index: usize) -> bool {
    engine.compared_metrics(index) & (1u64 << Metric::AvailabilityTarget.index()) != 0
}

/// The title of a move to `to` planned two stages or more ahead of the user count on an
/// availability target alone (`note_standby_before_regions`). The fleet summary titles its
/// first step the same way.
pub(crate) fn write_standby_first_title(out: &mut String, to: Stage) {
    use fmt::Write as _;
    // (Writing to a `String` cannot fail.)
    let _ = write!(
        out,
        "Add a standby region with failover{BEFORE_THE_MOVE}{to}"
    );
}

/// The title of a move to `to` planned two stages or more ahead of the user count on a
/// residency rule alone (`note_residency_before_regions`). The fleet summary titles its
/// first step the same way.
pub(crate) fn write_residency_first_title(out: &mut String, to: Stage) {
    use fmt::Write as _;
    // (Writing to a `String` cannot fail.)
    let _ = write!(
        out,
        "Serve each jurisdiction from its own region{BEFORE_THE_MOVE}{to}"
    );
}

/// [`far_users_move`] for rule `index` of `engine`, its compared metrics read in one pass.
pub(crate) fn far_users_rule(engine: &Engine, index: usize) -> bool {
    let bits = engine.compared_metrics(index);
    far_users_move(|m| bits & (1u64 << m.index()) != 0)
}

/// Whether a move's rule rests on far users' latency alone (`compares` says which metrics its
/// condition compares): it compares the far users' wait or share, and nothing that makes the
/// move a requirement (data residency, an availability target, the regions deployed).
pub(crate) fn far_users_move(compares: impl Fn(Metric) -> bool) -> bool {
    [Metric::RemoteUserP95, Metric::RemoteUserShare]
        .into_iter()
        .any(&compares)
        && ![
            Metric::DataResidencyRequired,
            Metric::AvailabilityTarget,
            Metric::DeployedRegions,
        ]
        .into_iter()
        .any(compares)
}

/// The title of a move to `to` planned two stages or more ahead of the user count on far
/// users' latency alone (`note_far_users_before_regions`): a CDN first, or with one in
/// place (`cdn`), the edge. The fleet summary titles its first step the same way.
pub(crate) fn write_far_users_first_title(out: &mut String, to: Stage, cdn: bool) {
    use fmt::Write as _;
    let by = if cdn { "the edge" } else { "a CDN" };
    // (Writing to a `String` cannot fail.)
    let _ = write!(out, "Serve far users from {by}{BEFORE_THE_MOVE}{to}");
}

/// A stage move not yet made for far users (its rule [`far_users_rule`]: they wait past the
/// remote-latency level) while where the users are is not given (`user_regions`): the
/// guide's trigger, "need geographic distribution for latency", presumes users spread over
/// several regions, and users all in one region would find a second region near none of
/// them (`layer.network.far_users_one_region` then takes the case). The move's step asks
/// for the count before the regions are planned. Not said when the far users wait no
/// longer than the rest: that step asks to measure them again already.
fn note_far_users_regions_not_given(
    steps: &mut [PlanStep],
    engine: &Engine,
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
) {
    if snapshot.user_regions.is_some() || far_users_no_slower(snapshot).is_some() {
        return;
    }
    // (A move made already goes with the step for its symptom, never to a stage step.)
    let far_move = |id: &String| move_finding(engine, findings, id, far_users_rule);
    for step in steps
        .iter_mut()
        .filter(|s| matches!(s.key, StepKey::Stage(_)) && s.findings.iter().any(far_move))
    {
        step.notes.push(
            "where the users are is not given (user_regions): the guide's move for far users presumes them spread over several regions, and users all in one region would find a second region near none of them; give user_regions before planning the regions".to_owned(),
        );
    }
}

/// Whether `id` is a stage move's finding among `findings` whose rule `is` (one of
/// [`far_users_rule`], [`residency_rule`], [`availability_rule`]) says what calls for it.
fn move_finding(
    engine: &Engine,
    findings: &[AssessedFinding],
    id: &str,
    is: fn(&Engine, usize) -> bool,
) -> bool {
    findings.iter().any(|f| {
        f.id == id && f.moves_to.is_some() && engine.rule_index(id).is_some_and(|r| is(engine, r))
    })
}

/// What a move to stage 4 says of the guide's multi-region patterns when an availability
/// target alone calls for regions: one that stands by (`MultiRegionPattern::ActivePassive`).
const STANDBY_PATTERN: &str = " The target asks for a region to fail over to, which the guide's active-passive pattern gives: one region serves while the other stands by with the data replicated to it (strong consistency, little complexity, a slower failover). Automate the failover and rehearse it until it fits the target's downtime (the enterprise checklist's tested disaster recovery).";

/// What a move to stage 4 says of the guide's multi-region patterns when far users, slower
/// than the rest, call for regions near them: regions that all serve
/// (`MultiRegionPattern::ActiveActive`, `MultiRegionPattern::FollowTheSun`), chosen by
/// the consistency the data needs (the guide's CAP trade-offs).
const SERVING_PATTERNS: &str = " To bring far users near the servers, every region serves: the guide's active-active pattern (low latency, eventual consistency, much complexity), or follow-the-sun (strong consistency within each region, medium complexity). Choose by the consistency the data needs: the guide keeps financial transactions and inventory strongly consistent, and lets feeds and analytics be eventually consistent.";

/// Added to [`SERVING_PATTERNS`] when an availability target is among the move's grounds.
const SERVING_ALSO_FAILS_OVER: &str = " Regions that all serve also give the failover the target asks for, if each can carry the users of a region that fails.";

/// A move to stage 4 (enterprise) that adds regions (`multi_region` not in place) says which
/// of the guide's multi-region patterns its grounds call for. The guide lists three, by
/// consistency, latency and complexity (`MultiRegionPattern`); a move that named none
/// left the choice open. An availability target alone asks for a region to
/// fail over to: active-passive ([`STANDBY_PATTERN`]), which for a system short of the
/// stage's users costs at most a second copy of it, priced by the guide's table at the
/// users' own stage. Far users who wait longer than the rest ask for regions that serve
/// them: active-active or follow-the-sun, by the consistency the data needs
/// ([`SERVING_PATTERNS`]), which serve failover too with room for a failed region's users. Not for a residency rule (each jurisdiction's data stays home,
/// `note_residency_before_regions`), nor for far users who wait no longer than the rest
/// (regions would not shorten their wait, `note_far_users_no_slower`). The steps retitled
/// later (a standby region, a deployment per jurisdiction, far users measured again) write
/// their own advice.
fn note_multi_region_pattern(
    steps: &mut [PlanStep],
    engine: &Engine,
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
    in_place: ComponentSet,
) {
    if in_place.contains(Component::MultiRegion) {
        return;
    }
    let moves = |step: &PlanStep, is: fn(&Engine, usize) -> bool| {
        step.findings
            .iter()
            .any(|id| move_finding(engine, findings, id, is))
    };
    for step in steps.iter_mut() {
        if step.key != StepKey::Stage(Stage::Enterprise) || moves(step, residency_rule) {
            continue;
        }
        let failover = moves(step, availability_rule);
        let patterns = if far_users_no_slower(snapshot).is_none() && moves(step, far_users_rule) {
            let also = if failover {
                SERVING_ALSO_FAILS_OVER
            } else {
                ""
            };
            format!("{SERVING_PATTERNS}{also}")
        } else if failover {
            // (A standby sized for today's users costs at most a second copy of the system
            // running now, which the guide's table prices at the users' own stage.)
            match snapshot
                .users
                .map(Stage::for_users)
                .filter(|at| *at < Stage::Enterprise)
            {
                Some(at) => {
                    let row = at.cost_at_scale();
                    format!(
                        "{STANDBY_PATTERN} Sized for today's users, the standby adds at most the cost of the system running now, at the size of {at} ({} in the guide's table at {}), not that of the stage's whole architecture.",
                        row.monthly, row.users
                    )
                }
                None => STANDBY_PATTERN.to_owned(),
            }
        } else {
            continue;
        };
        // (Before the cost, which closes the advice.)
        let at = step
            .advice
            .find(" The indicative cost of")
            .unwrap_or(step.advice.len());
        step.advice.insert_str(at, &patterns);
    }
}

/// What the advice of a step planned per jurisdiction or for a standby region
/// (`note_residency_before_regions`, `note_standby_before_regions`) says of far users'
/// moves taken in while they wait no longer than users overall ([`far_users_no_slower`]);
/// `note_far_users_no_slower` leaves a step whose advice ends with it alone.
const FAR_USERS_NO_SLOWER_TOO: &str = " Far users wait past 500 ms too, but no longer than users overall: what slows them is what slows every page; measure remote_user_p95 again once the pages are faster.";

/// A stage move planned two stages or more ahead of the user count on a residency rule
/// (every finding of its step a move whose rule [`residency_rule`], or far users' moves
/// beside one). The guide lists
/// regulatory requirements (data residency) among its reasons for stage 4, whose
/// architecture and cost ($100,000+/mo in its table, at 10,000,000 users) are those of a
/// system of millions; what the rule asks of a small one is a deployment inside each
/// jurisdiction holding that jurisdiction's data, each sized for its own users (the guide's
/// cost for the stage the users are at), and a way to send each user to theirs. Regulated
/// data is replicated only inside its jurisdiction (the GDPR's chapter V, for one,
/// restricts transfers of personal data out of the EEA). The step is titled by that
/// ([`write_residency_first_title`]), its advice says it, and its first note says why. Far
/// users' moves in the same step are taken in (the deployments bring the servers near
/// them too), the advice saying what serves them meanwhile (a CDN's edge), or that they
/// wait no longer than users overall.
fn note_residency_before_regions(
    steps: &mut [PlanStep],
    engine: &Engine,
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
    by_users: Option<Stage>,
) {
    let (Some(users), Some(at)) = (snapshot.users, by_users) else {
        return;
    };
    let residency = |id: &String| move_finding(engine, findings, id, residency_rule);
    let far = |id: &String| move_finding(engine, findings, id, far_users_rule);
    for step in steps.iter_mut() {
        let StepKey::Stage(to) = step.key else {
            continue;
        };
        let Some(short) = stages_short(by_users, to) else {
            continue;
        };
        // (Far users' moves sharing the step are taken in: the deployments bring the
        // servers near them too, and the advice says what serves them meanwhile.)
        if !step.findings.iter().any(residency)
            || !step.findings.iter().all(|id| residency(id) || far(id))
        {
            continue;
        }
        let far_users = if !step.findings.iter().any(far) {
            ""
        } else if far_users_no_slower(snapshot).is_some() {
            FAR_USERS_NO_SLOWER_TOO
        } else {
            " Far users wait past 500 ms too: a deployment inside each of their places brings the servers near them as well; until those are up, serve their content from a CDN's edge, and measure remote_user_p95 again once they are."
        };
        step.title.clear();
        write_residency_first_title(&mut step.title, to);
        let places = snapshot
            .user_regions
            .map_or_else(|| "several".to_owned(), |n| n.to_string());
        let row = at.cost_at_scale();
        step.advice = format!(
            "A residency rule keeps each place's data inside it, and the users are in {places} places: deploy inside each jurisdiction what holds and processes its users' data (the database and any replicas, its backups and logs, and the services that read it), each deployment sized for its own users, at the size of {at} ({} in the guide's table at {}), and send each user to theirs (a domain per country, or GeoDNS). Replicate regulated data only inside its jurisdiction. The rest of the architecture of {to} waits until the load calls for it.{far_users}",
            row.monthly, row.users
        );
        step.notes.insert(
            0,
            format!(
                "{users} are {short} stages short of {to}, whose trigger this is: the guide {}, but a legal requirement does not wait for the load, and what it asks at this size is a deployment per jurisdiction, not the architecture of {to} (its indicative cost, {}, is that of {})",
                regions_wait(by_users),
                to.indicative_cost(),
                to.cost_at_scale().users
            ),
        );
    }
}

/// A stage move planned two stages or more ahead of the user count on an availability
/// target alone (every finding of its step a move whose rule [`availability_rule`]). The
/// guide moves to stage 4 when one region cannot handle failover, and a 99.99% target
/// leaves about 4.3 minutes of downtime a month, less than a region's outage; but the
/// architecture and cost of stage 4 ($100,000+/mo in its table, at 10,000,000 users) are a
/// system of millions'. What the target asks of a small one is a second region it can fail
/// over to: the guide's active-passive pattern (strong consistency, low complexity, a
/// slower failover), the database replicated there, the failover automated and rehearsed
/// so that it fits the budget. The step is titled by that ([`write_standby_first_title`]),
/// its advice says it, and its first note says why. Far users' moves in the same step are
/// taken in, the advice saying what serves them (a CDN first, or faster pages when they
/// wait no longer than users overall). With no count of regions and no
/// architecture declared, the system is taken to run in one region, and a note says so
/// (whatever the distance to the stage).
fn note_standby_before_regions(
    steps: &mut [PlanStep],
    engine: &Engine,
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
    by_users: Option<Stage>,
) {
    let availability = |id: &String| move_finding(engine, findings, id, availability_rule);
    let far = |id: &String| move_finding(engine, findings, id, far_users_rule);
    for step in steps.iter_mut() {
        if !step.findings.iter().any(availability) {
            continue;
        }
        if snapshot.deployed_regions.is_none() && snapshot.architecture.is_empty() {
            step.notes.push(
                "no count of regions is given (deployed_regions) and no architecture is declared: the system is taken to run in one region; give deployed_regions, or declare multi_region, if it runs in more"
                    .to_owned(),
            );
        }
        let StepKey::Stage(to) = step.key else {
            continue;
        };
        let (Some(users), Some(at), Some(short)) =
            (snapshot.users, by_users, stages_short(by_users, to))
        else {
            continue;
        };
        // (Far users' moves sharing the step are taken in: the standby region does not
        // serve them, and the advice says what does.)
        if !step.findings.iter().all(|id| availability(id) || far(id)) {
            continue;
        }
        step.title.clear();
        write_standby_first_title(&mut step.title, to);
        let row = at.cost_at_scale();
        let far_users = if !step.findings.iter().any(far) {
            ""
        } else if far_users_no_slower(snapshot).is_some() {
            FAR_USERS_NO_SLOWER_TOO
        } else {
            " Far users wait past 500 ms too, which a standby region does not change: serve their content from a CDN's edge first, and measure remote_user_p95 again before planning regions for them."
        };
        step.advice = format!(
            "The availability target is beyond what one region gives: run a standby copy of the system in a second region (the guide's active-passive pattern: strong consistency and little complexity, for a slower failover), the database replicated to it, sized for the users at {at} ({} in the guide's table at {}). Automate the failover (health checks that move the traffic, a replica promoted) and rehearse it until it fits the target's downtime. The rest of the architecture of {to} waits until the load calls for it.{far_users}",
            row.monthly, row.users
        );
        step.notes.insert(
            0,
            format!(
                "{users} are {short} stages short of {to}, whose trigger this is: the guide {}, but the target does not wait for the load, and what it asks at this size is a second region to fail over to, not the architecture of {to} (its indicative cost, {}, is that of {})",
                regions_wait(by_users),
                to.indicative_cost(),
                to.cost_at_scale().users
            ),
        );
        if by_users == Some(Stage::Startup)
            && let Some(note) = commitment_note(findings, snapshot)
        {
            step.notes.insert(1, note);
        }
    }
}

/// Minutes in a 30-day month, the month of the downtime a target leaves.
const MONTH_MINUTES: f64 = 30.0 * 24.0 * 60.0;

/// For a startup whose availability target calls for a standby region
/// (`note_standby_before_regions`): the downtime a month the target leaves, and the level of
/// the rule that fires on it (read from the availability finding's evidence), with what a
/// target allowing ten times the downtime of that level leaves (99.9% beside 99.99%: about
/// 43.2 minutes), when it is 90% or more. The guide tells a startup not to worry about
/// multi-region; a target that strict is rare at that size, and a standby region is a
/// second copy of the system, so the note asks to confirm the target is a commitment
/// before building for it. `None` without a target or a level to read.
fn commitment_note(findings: &[AssessedFinding], snapshot: &MetricsSnapshot) -> Option<String> {
    let target = snapshot.availability_target?.as_fraction();
    let level = findings
        .iter()
        .flat_map(|f| f.evidence.iter())
        .find(|e| e.metric == Some(Metric::AvailabilityTarget))?
        .threshold;
    let looser = 1.0 - (1.0 - level) * 10.0;
    let minutes =
        |availability: f64| crate::engine::trim_number((1.0 - availability) * MONTH_MINUTES);
    let percent = |f: f64| crate::engine::percent_text(f);
    // (A looser target named only while it is one a team would weigh: 90% or more.)
    let for_one = if looser >= 0.9 {
        format!(
            " ({}, for one, leaves about {} minutes a month)",
            percent(looser),
            minutes(looser)
        )
    } else {
        String::new()
    };
    Some(format!(
        "a {} target leaves about {} minutes of downtime a month, and a standby region is a second copy of the system to run, watch and rehearse: at this size, confirm with whoever set the target that it is a commitment (a contract's SLA, or an objective set knowingly) before building for it; under the pack's {} level this step would not be here{for_one}",
        percent(target),
        minutes(target),
        percent(level),
    ))
}

/// A stage move planned two stages or more ahead of the user count, or with no user count
/// given ([`far_users_first`]), on far users' latency alone (every finding of its step a
/// move whose rule [`far_users_move`]): the guide lists
/// that trigger ("need geographic distribution for latency") under the stage before the
/// move and tells a startup not to worry about multi-region yet, while its answer to latency
/// in the network layer is a CDN and edge caching, and its ladder for slow pages puts the
/// CDN before logic at the edge. The step is titled by that first move
/// ([`write_far_users_first_title`]) and its first note says why, with the figure to measure
/// again before planning regions.
fn note_far_users_before_regions(
    steps: &mut [PlanStep],
    engine: &Engine,
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
    grounds: &Grounds,
) {
    let by_users = grounds.by_users;
    // Far users who wait no longer than the rest: `note_far_users_no_slower` says what to do.
    if far_users_no_slower(snapshot).is_some() {
        return;
    }
    // The slow-page ladder's edge rung, when the plan has it: the far users' step leaves the
    // logic at the edge to it.
    let edge = steps
        .iter()
        .find(|s| s.key == StepKey::Remedy(Remedy::EdgeCompute))
        .map(|s| s.rank);
    let far = |id: &str| move_finding(engine, findings, id, far_users_rule);
    for step in steps.iter_mut() {
        let StepKey::Stage(to) = step.key else {
            continue;
        };
        if !far_users_first(
            snapshot.users,
            by_users,
            to,
            grounds.few_far_users.is_some(),
        ) {
            continue;
        }
        if step.findings.is_empty() || !step.findings.iter().all(|f| far(f)) {
            continue;
        }
        let cdn = snapshot.components_in_place().contains(Component::Cdn);
        step.title.clear();
        write_far_users_first_title(&mut step.title, to, cdn);
        let logic = match edge {
            Some(rank) => {
                format!("then bring logic to the edge, as step {rank} does for the slow pages")
            }
            None => "then bring logic to the edge (the decision matrix's last rung for slow pages)"
                .to_owned(),
        };
        step.advice = format!(
            "Users far from the servers wait too long, and the guide's move to {to} would give them regions of their own. {} {}, {logic}, and plan regions only if far users stay slow after it as the user count nears {to}.",
            if snapshot.users.is_some() {
                "At this size,"
            } else {
                "With the size unknown,"
            },
            if cdn {
                "check that the CDN serves them from its edge (cache headers, hits at the edge)"
            } else {
                "serve them from a CDN first, the guide's answer to latency in the network layer (static content and cacheable pages from its edge)"
            }
        );
        // The gaps the move closes close only if its regions come: the step starts at the
        // edge.
        for note in &mut step.notes {
            if let Some(rest) = note.strip_prefix("this also closes ") {
                *note = format!("regions, if they come, also close {rest}");
            }
        }
        let served = if cdn { "the edge" } else { "a CDN" };
        step.notes.insert(
            0,
            match (snapshot.users.zip(stages_short(by_users, to)), grounds.few_far_users) {
                (Some((users, short)), _) => format!(
                    "{users} are {short} stages short of {to}, whose trigger this is (the guide lists it under the stage before, and {}): measure remote_user_p95 again once far users are served from {served}, before planning regions",
                    regions_wait(by_users)
                ),
                (None, Some((share, level))) if snapshot.users.is_some() => format!(
                    "the far users are {share} of the users (remote_user_share), under the {level} this pack reads as a global user base, the guide's other trigger for {to}: a region near them would serve few of them at the cost of {to}'s architecture ({}); measure remote_user_p95 again once they are served from {served}, and plan regions if they stay slow or grow to a global user base",
                    to.indicative_cost()
                ),
                (None, _) => format!(
                    "no user count is given, so how far the system is from {to}, whose trigger this is, is not known (the guide lists it under the stage before, and tells a startup not to worry about multi-region yet): give `users`, and measure remote_user_p95 again once far users are served from {served}, before planning regions"
                ),
            },
        );
    }
}

/// Whether a move to `to` on far users' latency alone serves them from a CDN or the edge
/// first ([`note_far_users_before_regions`]): the user count is two stages or more short of
/// `to`, or not given (the distance unknown, the cheap and reversible rungs come before the
/// guide's dearest move), or short of `to` at all while the far users are measured to be
/// `few` ([`Grounds::few_far_users`]: under the share the pack reads as a global user base,
/// the guide's other trigger for the move; a region near them would serve few). The fleet
/// summary follows it.
pub(crate) fn far_users_first(
    users: Option<scalability_advisor_core::units::Users>,
    by_users: Option<Stage>,
    to: Stage,
    few: bool,
) -> bool {
    users.is_none()
        || stages_short(by_users, to).is_some()
        || (few && by_users.is_some_and(|u| u < to))
}

/// The far users' P95 and the P95 over all users, when both are measured and the far users
/// wait no longer than users overall (`remote_user_p95 <= p95_response_time`): the distance
/// adds nothing measured to their wait (see [`note_far_users_no_slower`]).
pub(crate) fn far_users_no_slower(
    snapshot: &MetricsSnapshot,
) -> Option<(core::time::Duration, core::time::Duration)> {
    let (far, all) = (snapshot.remote_user_p95?, snapshot.p95_response_time?);
    (far <= all).then_some((far, all))
}

/// Whether finding `f` is a move, not made and ahead of the user count's stage `by_users`,
/// that rests on far users' latency alone ([`far_users_move`]) while they wait no longer
/// than users overall ([`far_users_no_slower`]): its step asks only to measure them again
/// (`note_far_users_no_slower`).
fn measured_again(
    engine: &Engine,
    f: &AssessedFinding,
    snapshot: &MetricsSnapshot,
    by_users: Option<Stage>,
) -> bool {
    !f.made
        && f.moves_to.is_some_and(|to| by_users.is_none_or(|u| u < to))
        && far_users_no_slower(snapshot).is_some()
        && engine
            .rule_index(&f.id)
            .is_some_and(|r| far_users_rule(engine, r))
}

/// The title of a move to `to` planned ahead of the user count on far users' latency alone
/// while they wait no longer than users overall ([`far_users_no_slower`]). The fleet summary
/// titles its first step the same way.
pub(crate) fn write_far_users_again_title(out: &mut String, to: Stage) {
    use fmt::Write as _;
    // (Writing to a `String` cannot fail.)
    let _ = write!(out, "Measure far users again{BEFORE_THE_MOVE}{to}");
}

/// A stage move planned ahead of the user count on far users' latency alone (every finding
/// of its step a move whose rule [`far_users_move`]) while they wait no longer than users
/// overall ([`far_users_no_slower`]): the distance adds nothing measured to their wait, so
/// a region near them, the guide's answer to "geographic distribution for latency", and a
/// CDN's edge (`note_far_users_before_regions`, which leaves such a step alone) would leave
/// the wait every user has. The step is titled by what to do now
/// ([`write_far_users_again_title`]), its advice says why and when the move would come back,
/// and its note gives the two figures and names the step that works on the slow pages (the
/// one holding a finding with evidence on `p95_response_time`): the guide's trigger (far
/// users past 500 ms) may stop holding once every page is faster. The move keeps its place
/// and severity, as with the indexes (`note_measure_after_indexes`): its condition holds
/// today. Not for a move the user count has already reached (the stage's architecture is
/// due anyway).
///
/// Any other step on far users who wait past a level (their routing checked with the
/// regions in place, a region added) keeps its title and advice, and gets the same note:
/// the two figures, and the step working on the slow pages, after which their wait is
/// measured again before working on where they are served.
fn note_far_users_no_slower(
    steps: &mut [PlanStep],
    engine: &Engine,
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
    by_users: Option<Stage>,
) {
    let Some((far, all)) = far_users_no_slower(snapshot) else {
        return;
    };
    let on_pages = with_evidence_on(findings, Metric::P95ResponseTime);
    let pages = step_holding(steps, &on_pages).map(|s| s.rank);
    let far_move = |id: &str| move_finding(engine, findings, id, far_users_rule);
    // (Findings on far users who wait past a level: their wait compared from above.)
    let on_far_users: Vec<&str> = findings
        .iter()
        .filter(|f| {
            f.evidence.iter().any(|e| {
                e.metric == Some(Metric::RemoteUserP95)
                    && !e.negated
                    && matches!(e.op, crate::CmpOp::Gt | crate::CmpOp::Ge)
            })
        })
        .map(|f| f.id.as_str())
        .collect();
    let figures = format!(
        "the far users wait {} at P95 (remote_user_p95), no longer than users overall ({}, p95_response_time): the distance adds nothing measured",
        scalability_advisor_core::Quantity::Duration(far),
        scalability_advisor_core::Quantity::Duration(all),
    );
    for step in steps.iter_mut() {
        match step.key {
            // A move ahead of the users on far users' latency alone: retitled.
            StepKey::Stage(to)
                if by_users.is_none_or(|u| u < to)
                    && !step.findings.is_empty()
                    && step.findings.iter().all(|f| far_move(f)) =>
            {
                step.title.clear();
                write_far_users_again_title(&mut step.title, to);
                // (The trigger is their wait past a level, or only their number: users in
                // several regions, a share of them far away.)
                let trigger = if step
                    .findings
                    .iter()
                    .any(|f| on_far_users.contains(&f.as_str()))
                {
                    format!(
                        "Users far from the servers wait past the guide's level, its trigger for the regions of {to}, but no longer than users overall"
                    )
                } else {
                    format!(
                        "Enough users are far from the servers for the guide's trigger for the regions of {to}, but they wait no longer than users overall"
                    )
                };
                step.advice = format!(
                    "{trigger}: what slows them is what slows every page, not the distance, and neither a region near them nor a CDN's edge would take that away. Measure remote_user_p95 again once the pages are faster, and serve far users from nearer only if they then wait longer than the rest."
                );
                let then = match pages.filter(|p| *p != step.rank) {
                    Some(rank) => format!(
                        "step {rank} works on what slows every page: measure remote_user_p95 again after it"
                    ),
                    None => {
                        "find what slows every page first: measure remote_user_p95 again after that"
                            .to_owned()
                    }
                };
                step.notes.push(format!("{figures}; {then}"));
            }
            // A move ahead of the users that also rests on other grounds (an availability
            // target, a residency rule): it stays, but its regions are not for the far
            // users' wait, and the step says so before anyone counts on them for it.
            StepKey::Stage(to)
                if by_users.is_none_or(|u| u < to)
                    && step.findings.iter().any(|f| far_move(f))
                    && !step.advice.ends_with(FAR_USERS_NO_SLOWER_TOO) =>
            {
                let others: Vec<&str> = step
                    .findings
                    .iter()
                    .filter(|f| !far_move(f))
                    .map(String::as_str)
                    .collect();
                let then = match pages.filter(|p| *p != step.rank) {
                    Some(rank) => format!(
                        "step {rank} works on what slows every page: measure remote_user_p95 again after it"
                    ),
                    None => "find what slows every page first, and measure remote_user_p95 again after that".to_owned(),
                };
                step.notes.push(format!(
                    "{figures}, and the move's regions would not shorten their wait: the move rests on its other grounds ({}); {then}, before counting on the regions to serve the far users sooner",
                    others.join(", ")
                ));
            }
            // (Not a stage move the users have reached: its architecture is due anyway.)
            StepKey::Stage(_) => {}
            // Another step on the far users' wait (their routing checked with the regions in
            // place, a region added) keeps its work and says the same, before it is done.
            _ if pages != Some(step.rank)
                && step
                    .findings
                    .iter()
                    .any(|f| on_far_users.contains(&f.as_str())) =>
            {
                let then = match pages {
                    Some(rank) => format!(
                        "step {rank} works on what slows every page: measure remote_user_p95 again after it, before working on where far users are served"
                    ),
                    None => "find what slows every page first, and measure remote_user_p95 again after that".to_owned(),
                };
                step.notes.push(format!("{figures}; {then}"));
            }
            _ => {}
        }
    }
}

/// Whether the guide's checklist for stage `checklist` applies to a plan for `planning_for`
/// (the later of the stage by users and by metrics) with the user count in `by_users`: the
/// plan reaches the checklist's stage, and that stage is no further than the one after the
/// user count's. A stage move planned further ahead rests on one trigger (its step says
/// so); the checklist of a stage two or more past the users is not a gap list for them.
pub(crate) fn checklist_applies(
    planning_for: Option<Stage>,
    by_users: Option<Stage>,
    checklist: Stage,
) -> bool {
    planning_for.is_some_and(|s| s >= checklist)
        && by_users.is_none_or(|u| u.next().unwrap_or(u) >= checklist)
}

/// What the guide says of regions to a system at `by_users`, two or three stages short of
/// stage 4 (enterprise), after "the guide": a startup is told not to worry about
/// multi-region yet (also said when the user count is unknown, as the guide's general
/// word); a later stage's architecture has a single region.
fn regions_wait(by_users: Option<Stage>) -> Cow<'static, str> {
    match by_users {
        Some(Stage::Startup) | None => {
            Cow::Borrowed("tells a startup not to worry about multi-region yet")
        }
        Some(stage) => Cow::Owned(format!("keeps {stage} to a single region")),
    }
}

/// How many stages the user count's stage `by_users` is short of `to`, in words, when two
/// or more: a move that far ahead rests on a trigger the guide lists under a stage the
/// users have not reached.
pub(crate) fn stages_short(by_users: Option<Stage>, to: Stage) -> Option<&'static str> {
    match to.number().checked_sub(by_users?.number())? {
        2 => Some("two"),
        3 => Some("three"),
        _ => None,
    }
}

/// The title of a move to `to` planned ahead of the user count on replica lag alone, while
/// the primary's writes are measured under the level of the guide's write trigger: the
/// replicas' own causes come first (`note_lag_with_write_headroom`). The fleet summary
/// titles its first step the same way.
pub(crate) fn write_lag_first_title(out: &mut String, to: Stage) {
    use fmt::Write as _;
    // (Writing to a `String` cannot fail.)
    let _ = write!(out, "Find why the replicas lag{BEFORE_THE_MOVE}{to}");
}

/// What a move to `to` planned on replica lag alone advises when it looks at the replicas
/// first ([`write_lag_first_title`]): their own causes to check, in place of the stage's
/// architecture, and when to plan the move after all.
fn lag_first_advice(to: Stage) -> String {
    format!(
        "Replicas this far behind are a trigger of the guide's move to {to}, which answers them with sharding. First look at the replicas themselves: a replica smaller than the primary, queries on it that hold replay back, replay applied by one thread. Plan the move only if the lag stays once they are ruled out and the primary's writes explain it."
    )
}

/// Whether a step is a stage move on writes past the primary's capacity at a size two
/// stages or more short of its stage (`note_writes_first`): every finding of the step a
/// move that calls for sharding (`sharding_moves` says which findings are), the writes
/// measured past `level` ([`writes_past`]), and the user count known.
pub(crate) fn writes_first(
    snapshot: &MetricsSnapshot,
    level: Ratio,
    by_users: Option<Stage>,
    to: Stage,
    sharding_moves: bool,
) -> bool {
    sharding_moves
        && snapshot.users.is_some()
        && stages_short(by_users, to).is_some()
        && writes_past(snapshot, level)
}

/// The title of a move to `to` planned two stages or more ahead of the user count on writes
/// past the primary's capacity (`note_writes_first`). The fleet summary titles its first
/// step the same way.
pub(crate) fn write_writes_first_title(out: &mut String, to: Stage) {
    use fmt::Write as _;
    // (Writing to a `String` cannot fail.)
    let _ = write!(out, "Find what writes so much{BEFORE_THE_MOVE}{to}");
}

/// A stage move planned on the primary's writes past the level of the guide's write trigger
/// ("write traffic overwhelming single primary", 80% of what it sustains in the default
/// pack) at a size two stages or more short of the move's stage (a startup, for the move to
/// stage 3). The guide answers the trigger with sharding, several primaries each to run,
/// back up and rebalance, and tells a startup not to build for scale it does not have: at
/// that size, writes near a primary's limit more likely come from how the application
/// writes (a timestamp or counter updated on each request, sessions kept in the database,
/// rows rewritten unchanged, indexes no query reads, each one more write per row) than
/// from the number of its users. The step is titled by what comes first
/// ([`write_writes_first_title`]); its advice says where to look (pg_stat_statements gives
/// each statement's `rows` and, from PostgreSQL 13, `wal_bytes`), what to batch or move to
/// a queue, and the room a bigger primary gives (its disks first: a commit waits for the
/// WAL's flush); its first note says why. One stage short, the guide's move is on time and
/// stays as it is.
fn note_writes_first(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
    level: Ratio,
    by_users: Option<Stage>,
) {
    let Some(users) = snapshot.users else {
        return;
    };
    let sharding_move = |id: &String| {
        findings.iter().any(|f| {
            f.id == *id && f.moves_to.is_some() && f.recommends.contains(Component::Sharding)
        })
    };
    for step in steps.iter_mut() {
        let StepKey::Stage(to) = step.key else {
            continue;
        };
        let moves = !step.findings.is_empty() && step.findings.iter().all(sharding_move);
        if !writes_first(snapshot, level, by_users, to, moves) {
            continue;
        }
        let Some(short) = stages_short(by_users, to) else {
            continue;
        };
        step.title.clear();
        write_writes_first_title(&mut step.title, to);
        step.advice = format!(
            "Writes near what the primary sustains are a trigger of the guide's move to {to}, which answers them with sharding: several primaries, each to run, back up and rebalance. At this size, first find what writes so much: rank the statements by the rows they write and the WAL they generate (pg_stat_statements: rows, and wal_bytes from PostgreSQL 13), and look for writes the product does not need at that rate (a last-seen time or a counter updated on each request, sessions kept in the database, rows rewritten unchanged, indexes no query reads, each one more write per row). Batch the writes that remain, move those that need not be synchronous onto a queue, and give the primary room (a bigger primary, its disks first: each commit waits for the WAL's flush). Plan the move only if the writes are the users' own volume and outgrow the largest primary."
        );
        let startup = if by_users == Some(Stage::Startup) {
            ", and tells a startup not to over-engineer for scale it does not have"
        } else {
            ""
        };
        step.notes.insert(
            0,
            format!(
                "{users} are {short} stages short of {to}, whose trigger this is (the guide lists it under the stage before{startup}): writes near a primary's limit at this size more likely come from how the application writes than from the number of its users, and sharding would spread them over several primaries rather than remove them"
            ),
        );
    }
}

/// Whether the primary's writes are measured (throughput and capacity both given).
fn writes_measured(snapshot: &MetricsSnapshot) -> bool {
    snapshot.primary_write_throughput.is_some() && snapshot.primary_write_capacity.is_some()
}

/// Whether the sharding rung reads as a search for the reads still reaching the primary
/// ([`READS_BEFORE_SHARDING_TITLE`]): its writes measured under `write_level` of what it
/// sustains ([`writes_under`]), or not measured while its statements are reads past
/// `read_level` (the guide's read-replica trigger, 80%): nothing measured says the writes
/// overwhelm it, and reads are most of its work.
pub(crate) fn reads_before_sharding(
    snapshot: &MetricsSnapshot,
    write_level: Ratio,
    read_level: Ratio,
) -> bool {
    writes_under(snapshot, write_level)
        || (!writes_measured(snapshot) && snapshot.db_read_share.is_some_and(|r| r > read_level))
}

/// Whether a finding that recommends sharding finds the primary short of write capacity,
/// as the index step reads it (`note_indexes_cost_writes`, which the fleet summary
/// follows): always, unless its evidence is replica lag (`on_lag`) that the plan looks at as
/// the replicas' own ([`replicas_first`] for the move, `moves_to`, it calls for: the writes
/// measured under `level` of what the primary sustains, or not measured while the users
/// are two stages or more short of the move, or not measured behind a `quiet_primary`: a
/// finding of the plan discourages sharding, the pack's sign of a database far below its
/// CPU level), or the writes are measured under `level`.
pub(crate) fn finds_writes_short(
    (on_lag, made): (bool, bool),
    moves_to: Option<Stage>,
    snapshot: &MetricsSnapshot,
    (level, quiet_primary, long_query): (Ratio, bool, bool),
    by_users: Option<Stage>,
) -> bool {
    if writes_under(snapshot, level) {
        return false;
    }
    match moves_to {
        // A made move (sharding in place) whose replicas lag looks at them first, and
        // splits a shard only if its writes explain the lag: short of writes only when the
        // writes are measured (past `level`: under it returned above).
        Some(_) if on_lag && made => writes_measured(snapshot),
        Some(to) if on_lag => {
            !replicas_first(snapshot, (level, long_query), by_users, to)
                && (!quiet_primary || writes_measured(snapshot))
        }
        _ => true,
    }
}

/// Whether the primary's writes are measured at or past `level` of what it sustains (the
/// guide's write trigger, `move.3.write_saturation` in the default pack, holds).
pub(crate) fn writes_past(snapshot: &MetricsSnapshot, level: Ratio) -> bool {
    match (
        snapshot.primary_write_throughput,
        snapshot.primary_write_capacity,
    ) {
        (Some(w), Some(c)) => {
            let share = w.as_per_second() / c.as_per_second();
            share.is_finite() && share >= level.as_fraction()
        }
        _ => false,
    }
}

/// Whether the primary's writes are measured under `level` of what it sustains.
pub(crate) fn writes_under(snapshot: &MetricsSnapshot, level: Ratio) -> bool {
    match (
        snapshot.primary_write_throughput,
        snapshot.primary_write_capacity,
    ) {
        (Some(w), Some(c)) => {
            let share = w.as_per_second() / c.as_per_second();
            share.is_finite() && share < level.as_fraction()
        }
        _ => false,
    }
}

/// The first step of the plan holding a finding with a measured (not trend) comparison
/// showing `metric` above its level: the step and the value compared. (A finding's evidence
/// lists the comparisons that support it, the operator shown as it holds, negated under a
/// `not`.)
fn step_over_level<'s>(
    steps: &'s [PlanStep],
    findings: &[AssessedFinding],
    metric: Metric,
) -> Option<(&'s PlanStep, f64)> {
    let over = |f: &AssessedFinding| {
        f.evidence.iter().find_map(|e| {
            (e.metric == Some(metric)
                && e.series.is_none()
                && matches!(e.op, crate::CmpOp::Gt | crate::CmpOp::Ge))
            .then_some(e.observed)
            .flatten()
        })
    };
    steps.iter().find_map(|s| {
        findings
            .iter()
            .filter(|f| s.findings.contains(&f.id))
            .find_map(over)
            .map(|v| (s, v))
    })
}

/// Disk wait measured on hosts whose memory is past a level a rule of the plan holds it
/// to: a host short of memory pages to disk, and the time its CPUs then wait for the
/// paging is counted as I/O wait (B. Gregg, *Systems Performance*, 2nd ed., 2020, ch. 7:
/// memory saturation shows as paging and swapping; the `si` and `so` columns of
/// `vmstat(8)` count the pages swapped in and out each second). The guide's storage
/// answers (SSDs, object storage, caching) do not cure that wait; freeing memory does. The
/// storage step says so (the snapshot does not say which hosts the disk wait was
/// measured on, so the note holds for the application servers, whose memory is the one
/// measured), and that the wait is measured again once the memory step is done
/// (the default pack's memory findings are critical past 90%, its storage finding a
/// warning, so the memory step comes first).
fn note_paging_as_disk_wait(steps: &mut [PlanStep], findings: &[AssessedFinding]) {
    let (Some((memory, used)), Some((storage, _))) = (
        step_over_level(steps, findings, Metric::MemoryUsage),
        step_over_level(steps, findings, Metric::DiskIoWait),
    ) else {
        return;
    };
    let text = format!(
        "memory is at {} on the application servers: a host short of memory pages to disk, and its paging is counted as disk wait; if the wait is measured on those servers, check their swap activity (vmstat's si and so) and measure disk_io_wait again once step {} (\"{}\") is done, before changing the storage",
        crate::engine::percent_text(used),
        memory.rank,
        memory.title
    );
    let rank = storage.rank;
    if let Some(step) = steps.iter_mut().find(|s| s.rank == rank) {
        step.notes.push(text);
    }
}

/// Disk wait past a level a rule of the plan holds it to, in a plan that also reclaims
/// bloat (its share measured): PostgreSQL reads whole pages, dead rows with live ones, so
/// every scan of a bloated table or index reads the dead space from the disks that wait,
/// and only a rewrite (VACUUM FULL, or rebuilding a table) returns it (PostgreSQL manual,
/// "Routine Vacuuming", "Recovering Disk Space"). Faster storage would serve those reads
/// sooner; reclaiming the space removes them. The guide's health check lists both under
/// storage ("Disk I/O wait? Table/index bloat?"). The storage step names the bloat step and
/// says to measure the disk wait again once it is done, before moving the data files to
/// faster storage (a slow WAL, which the same step may also answer, is not read by scans).
fn note_bloat_on_waiting_disks(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
) {
    let Some(bloat) = snapshot.db_bloat_share else {
        return;
    };
    let Some(rank) = action_rank(steps, REDUCE_BLOAT) else {
        return;
    };
    let Some((storage, wait)) = step_over_level(steps, findings, Metric::DiskIoWait) else {
        return;
    };
    let at = storage.rank;
    let back = format!(
        "the CPUs wait on disk {} of the time (step {at}), and the dead space is part of what they read: do this step before moving the data files to faster storage",
        crate::engine::percent_text(wait)
    );
    if let Some(step) = steps.iter_mut().find(|s| s.rank == rank) {
        step.notes.push(back);
    }
    let text = format!(
        "{bloat} of the tables' and indexes' space is bloat (step {rank}): PostgreSQL reads whole pages, dead rows with live ones, so every scan of a bloated table reads its dead space from these disks; if the wait is on the database's data files, measure disk_io_wait again once step {rank} is done, before moving them to faster storage"
    );
    if let Some(step) = steps.iter_mut().find(|s| s.rank == at) {
        step.notes.push(text);
    }
}

/// Calls between services measured slow while distributed tracing, a gap of `checklist`,
/// is not in place: the guide's diagnosis begins with "where is time spent? distributed
/// tracing", and a trace is what shows which of the calls take the time. The step on the
/// calls says so and names the checklist's step. When that step ranks first, it says to
/// add tracing first. When it ranks after (it does when the calls' step is more severe, or
/// ranks first by the diagnosis order, as the network does before a checklist), it does
/// not send the reader back down the plan: the measured latency already places the time
/// in the calls, and the step's checks (name resolution, reused connections, placement)
/// hold for every call, so tracing is added alongside to show which calls to work on.
///
/// A step that itself asks for a trace (the used-up slow-page ladder's step, which traces
/// slow requests to find the layer; the diagnosis step) says that the tracing it needs is
/// that gap, naming the checklist's step: the two are one piece of work.
fn note_tracing_for_slow_calls(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    checklist: Checklist,
) {
    let Some(gaps) = steps
        .iter()
        .find(|s| s.key == StepKey::Checklist(checklist))
        .map(|s| s.rank)
    else {
        return;
    };
    // A step that asks for a trace (the used-up slow-page ladder's, the diagnosis step)
    // needs the gap closed to do its work.
    if let Some(step) = steps.iter_mut().find(|s| {
        matches!(
            s.key,
            StepKey::Diagnose | StepKey::LadderExhausted(Symptom::SlowPageLoads)
        )
    }) {
        step.notes.push(format!(
            "distributed tracing, which this step's trace needs, is not in place: it is a gap of the guide's {checklist} checklist (step {gaps}), and adding it for this step closes that gap"
        ));
    }
    let on_calls = with_evidence_on(findings, Metric::InterServiceP95Latency);
    if let Some(step) = steps
        .iter_mut()
        .find(|s| s.findings.iter().any(|f| on_calls.contains(&f.as_str())))
    {
        step.notes.push(if gaps < step.rank {
            format!(
                "distributed tracing is not in place (step {gaps}, a gap of the guide's {checklist} checklist), and a trace is what shows which calls between services take the time: add it first, then work on the calls it shows slow"
            )
        } else {
            format!(
                "distributed tracing is not in place (step {gaps}, a gap of the guide's {checklist} checklist): the latency measured says calls between services are slow, not which of them; this step's checks hold for every call, and a trace shows which calls take the time, so add it alongside and work on the calls it shows slowest"
            )
        });
    }
}

/// Under a data residency rule, the step that brings cross-region replication (a finding of
/// it recommends the component, or the step closes the enterprise checklist's gap "data
/// replicated across regions", as a stage-4 move does, or is that checklist's own step
/// listing the gap when nothing else closes it) says where the data may go. The
/// guide puts both on its enterprise checklist, "cross-region data replication" and
/// "compliance (SOC 2, GDPR, data residency)", without joining them; replicating every
/// dataset to every region for failover would carry regulated data out of its place (the
/// GDPR, for one, restricts transfers of personal data out of the EEA: Regulation (EU)
/// 2016/679, chapter V). So the note asks for each place's failover region inside its own
/// jurisdiction, its replicas, backups and logs with it. Nothing is said when the
/// architecture already has cross-region replication: `move.4.data_residency`'s advice for
/// regions in place covers the check.
fn note_residency_bounds_replication(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    architecture: ComponentSet,
    closing: &[(ChecklistItem, StepKey)],
    with_gaps: &[(Checklist, Vec<ChecklistItem>)],
) {
    if architecture.contains(Component::CrossRegionReplication) {
        return;
    }
    let replicating: Vec<&str> = findings
        .iter()
        .filter(|f| f.recommends.contains(Component::CrossRegionReplication))
        .map(|f| f.id.as_str())
        .collect();
    // (Or the step that closes the enterprise checklist's replication gap: a stage move
    // whose findings call for regions, not for the replication itself; or, when no other
    // step closes it, the checklist's own step, which lists the gap.)
    let closes = |s: &PlanStep| {
        closing
            .iter()
            .any(|(g, k)| *g == ChecklistItem::CrossRegionReplication && *k == s.key)
            || with_gaps.iter().any(|(cl, gaps)| {
                s.key == StepKey::Checklist(*cl)
                    && gaps.contains(&ChecklistItem::CrossRegionReplication)
            })
    };
    if let Some(step) = steps
        .iter_mut()
        .find(|s| s.findings.iter().any(|f| replicating.contains(&f.as_str())) || closes(s))
    {
        step.notes.push(String::from(
            "data residency is required: replicate each place's regulated data, with its backups and logs, only to regions inside its own jurisdiction, so that its failover region is there too; across jurisdictions, replicate only data allowed to leave them",
        ));
    }
}

/// How much CPU capacity the CPU ladder's capacity step (scaling up, or out) must bring: the
/// measured CPU over the target, as a factor of today's capacity. By the utilization law
/// (U = X·S: a resource's busy share is its throughput times the service demand per job;
/// Denning and Buzen, "The Operational Analysis of Queueing Network Models", ACM Computing
/// Surveys 10(3), 1978), the same load on c times the capacity keeps it busy U/c of the time,
/// so c = U / target brings it to the target at today's load. When scaling up is the step
/// and a load balancer is in place, the note adds that the same capacity can come as more
/// servers behind it. Nothing is added when the CPU is not measured above its target by at
/// least 1%.
///
/// With auto-scaling in place, the step (scaling, or optimising the code) first says to
/// check the scaler, in its title ([`scaler_first_title`]) and its first note: one that can act holds the servers near its own target, so servers past
/// theirs mean it is at its maximum size, scales on a metric that does not follow the load,
/// or adds servers more slowly than the load grows (the guide's checklist asks for
/// "auto-scaling configured with proper metrics"; the Kubernetes documentation's Horizontal
/// Pod Autoscaling describes the same three limits: `maxReplicas`, the metric's target, and
/// the scaling behavior's stabilisation windows).
fn note_cpu_capacity(steps: &mut [PlanStep], snapshot: &MetricsSnapshot, target: Ratio) {
    let (Some(cpu), Some(factor)) = (snapshot.server_cpu, cpu_factor(snapshot, target)) else {
        return;
    };
    let Some(step) = steps.iter_mut().find(|s| match s.key {
        StepKey::Remedy(r) => is_cpu_capacity_rung(r),
        _ => false,
    }) else {
        return;
    };
    if snapshot.architecture.contains(Component::AutoScaling) {
        scaler_first_title(&mut step.title);
        step.notes.insert(0, format!(
            "auto-scaling is in place, yet the servers run at {}, past the {} target: a scaler that can act keeps them near its own target, so check first whether it has reached its maximum size, whether it scales on CPU (or on the load that drives it) with a target under {}, and whether it adds servers as fast as the load grows; raising its maximum is the scale-out",
            crate::engine::percent_text(cpu.as_fraction()),
            crate::engine::percent_text(target.as_fraction()),
            crate::engine::percent_text(target.as_fraction()),
        ));
    }
    if step.key == StepKey::Remedy(Remedy::OptimizeCode) {
        return;
    }
    let mut note = format!(
        "capacity: about {factor:.2} times today's CPU ({} / {} target) brings the servers to their target at today's load (utilization law, U = X·S)",
        crate::engine::percent_text(cpu.as_fraction()),
        crate::engine::percent_text(target.as_fraction()),
    );
    if step.key == StepKey::Remedy(Remedy::VerticalScale)
        && snapshot.architecture.contains(Component::LoadBalancer)
    {
        note.push_str(
            "; a load balancer is in place, so it can also come as more servers behind it, without resizing the running ones",
        );
    }
    step.notes.push(note);
}

/// How many shards the writes call for, on the step that shards the data for them (a
/// finding that recommends sharding, for a move to stage 3, when the primary's writes are
/// measured past `level` of what it sustains: the default pack's `move.3.write_saturation`).
/// Kept under `level` of its capacity `c`, a primary carries `c × level`, so writes `w`
/// need `⌈w / (c × level)⌉` shards (the guide's replica formula applied to writes, with
/// the headroom capacity planning keeps: J. Allspaw, *The Art of Capacity Planning*,
/// O'Reilly, 2008, chapter 3), more as the writes grow; the note names the guide's three
/// ways to split the keys. With sharding in place the measured primary is a shard's: split
/// in `⌈(w / c) / level⌉` parts, each carries about `w / c` divided by that many, if its keys
/// spread evenly.
fn note_write_capacity(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
    level: Ratio,
) {
    let (Some(w), Some(c)) = (
        snapshot.primary_write_throughput,
        snapshot.primary_write_capacity,
    ) else {
        return;
    };
    if !writes_past(snapshot, level) {
        return;
    }
    let ids: Vec<&str> = findings
        .iter()
        .filter(|f| f.recommends.contains(Component::Sharding) && f.moves_to == Some(Stage::Scale))
        .map(|f| f.id.as_str())
        .collect();
    let Some(rank) = step_holding(steps, &ids).map(|s| s.rank) else {
        return;
    };
    let share = w.as_per_second() / c.as_per_second();
    // (At or past the level, the share over it is at least 1; only a level of 0 in a
    // pack makes it infinite.)
    let parts = (share / level.as_fraction()).ceil();
    if !parts.is_finite() {
        return;
    }
    let pct = |v: f64| crate::engine::percent_text(v);
    let note = if snapshot.architecture.contains(Component::Sharding) {
        format!(
            "capacity: the shard's primary writes {}, {} of the {} it sustains; split in {parts} (⌈{} / {}⌉), each part carries about {}, under the {} level, if the shard's keys spread evenly over the parts",
            Quantity::Rate(w),
            pct(share),
            Quantity::Rate(c),
            pct(share),
            pct(level.as_fraction()),
            pct(share / parts),
            pct(level.as_fraction()),
        )
    } else {
        format!(
            "capacity: the primary writes {}, {} of the {} it sustains; kept under the {} level, today's writes need {parts} shards (⌈{} / ({} × {})⌉), more as they grow: size them for the growth expected (a capacity plan given the primary's write capacity), and choose the shard key by the guide's three ways: by hash (even, but hard to add shards to), by range (easy to add shards, but hotspots can form) or by a directory (flexible, at a lookup's cost)",
            Quantity::Rate(w),
            pct(share),
            Quantity::Rate(c),
            pct(level.as_fraction()),
            Quantity::Rate(w),
            Quantity::Rate(c),
            pct(level.as_fraction()),
        )
    };
    if let Some(step) = steps.iter_mut().find(|s| s.rank == rank) {
        step.notes.push(note);
    }
}

/// The steps on the servers' CPU and memory when the declared architecture is one server
/// (`single_server`) and no hosts are listed: the guide's stage-1 server runs the
/// application and PostgreSQL together. The database's CPU is part of the server's, so
/// what lowers the database's load (the database ladder's step) frees CPU for the
/// application too; with the database's CPU not measured, the step asks for it. The
/// database's memory is part of the server's too: its shared buffers, reserved whole at
/// start, and each query's sorts and hashes (`work_mem`), so the memory step asks to read
/// the application's own memory apart before sizing the RAM. Either way, more application
/// servers behind a load balancer (the CPU ladder's next rung, the stage-2 move for maxed
/// resources) need the database on a server of its own first (the guide's stage-2
/// architecture puts the primary on its own, behind the application servers).
/// (Listed hosts say which roles share a machine; their own rules answer then.)
fn note_single_server(steps: &mut [PlanStep], snapshot: &MetricsSnapshot) {
    if !snapshot.architecture.contains(Component::SingleServer) || snapshot.hosts.is_some() {
        return;
    }
    let on = |s: &PlanStep, symptom: Symptom| matches!(s.key, StepKey::Remedy(r) if r.rung().0 == symptom);
    let database = steps
        .iter()
        .find(|s| on(s, Symptom::DatabaseSlow))
        .map(|s| format!("step {} (\"{}\")", s.rank, s.title));
    const ONE_SERVER: &str =
        "the architecture is one server, which runs the database too (the guide's stage 1)";
    // The memory step: PostgreSQL's shared buffers are reserved whole when it starts (its
    // manual, "Resource Consumption": a quarter of a dedicated server's memory to begin
    // with), and each sort or hash of a query may take up to `work_mem` beside them.
    if let Some(step) = steps.iter_mut().find(|s| on(s, Symptom::HighMemory)) {
        step.notes.push(format!(
            "{ONE_SERVER}: PostgreSQL's memory is part of this use, its shared buffers reserved whole when it starts (its manual suggests a quarter of a dedicated server's memory to begin with) and each sort or hash of a query taking up to work_mem beside them, so read the application's own memory apart from the database's before sizing the RAM; before more application servers behind a load balancer, move the database to a server of its own (the guide's stage 2 gives it one)"
        ));
    }
    let Some(step) = steps.iter_mut().find(|s| on(s, Symptom::HighServerCpu)) else {
        return;
    };
    let share = match (snapshot.db_cpu, database) {
        (Some(db), Some(step)) => format!(
            "the database's {db} of CPU is part of this load, so {step} frees CPU here as well"
        ),
        (Some(db), None) => format!(
            "the database's {db} of CPU is part of this load, so what lowers the database's load frees CPU here as well"
        ),
        (None, _) => {
            "part of this load may be the database's (give db_cpu to know how much)".to_owned()
        }
    };
    step.notes.push(format!(
        "{ONE_SERVER}: {share}; before more application servers behind a load balancer (the ladder's next rung), move the database to a server of its own (the guide's stage 2 gives it one): more copies of the application would otherwise share the database's machine"
    ));
}

/// With every rung of the slow-page ladder in place or not needed, its used-up step sends
/// the user to trace where the time goes (the guide's first diagnosis step). When the
/// servers' CPU runs past its `target` yet short of the warning level at which the
/// application would be the likeliest bottleneck (the slow pages then go to its step), the
/// used-up step names it and the step that works on it: a busy CPU is where requests start
/// to wait for a core, a first place for the trace to look.
fn note_busy_cpu_beside_used_up_pages(
    steps: &mut [PlanStep],
    snapshot: &MetricsSnapshot,
    target: Ratio,
) {
    let (Some(cpu), Some(_)) = (snapshot.server_cpu, cpu_factor(snapshot, target)) else {
        return;
    };
    let Some(named) = steps
        .iter()
        .find(|s| matches!(s.key, StepKey::Remedy(r) if is_cpu_capacity_rung(r)))
        .map(|s| format!("step {} (\"{}\")", s.rank, s.title))
    else {
        return;
    };
    if let Some(used_up) = steps
        .iter_mut()
        .find(|s| s.key == StepKey::LadderExhausted(Symptom::SlowPageLoads))
    {
        used_up.notes.push(format!(
            "the servers' CPU runs at {}, past its {} target: that is where requests start to wait for a core, a first place for the trace to look; {named} works on it",
            crate::engine::percent_text(cpu.as_fraction()),
            crate::engine::percent_text(target.as_fraction()),
        ));
    }
}

/// The steps of the CPU ladder that [`note_cpu_capacity`] sizes or (with auto-scaling in
/// place) retitles: scaling up, scaling out, optimising the code.
pub(crate) const fn is_cpu_capacity_rung(r: Remedy) -> bool {
    matches!(
        r,
        Remedy::VerticalScale | Remedy::HorizontalScale | Remedy::OptimizeCode
    )
}

/// The servers' CPU over its `target`, as a factor of today's capacity, when it is measured
/// past the target by at least 1%.
pub(crate) fn cpu_factor(snapshot: &MetricsSnapshot, target: Ratio) -> Option<f64> {
    let factor = snapshot.server_cpu?.as_fraction() / target.as_fraction();
    (factor.is_finite() && factor >= 1.01).then_some(factor)
}

/// Retitles a CPU step (`title`, the rung's) taken with auto-scaling in place and the
/// servers past their target: the scaler is checked first ([`note_cpu_capacity`]), "Check
/// the auto-scaler, then scale up to a bigger machine". The fleet summary titles its first
/// step the same way. The title is rewritten in place, so that the summary's warm buffer is
/// reused.
pub(crate) fn scaler_first_title(title: &mut String) {
    let mut bytes = title.bytes();
    if let (Some(first), Some(second)) = (bytes.next(), bytes.next())
        && first.is_ascii_uppercase()
        && !second.is_ascii_uppercase()
        && let Some(head) = title.get_mut(..1)
    {
        head.make_ascii_lowercase();
    }
    title.insert_str(0, "Check the auto-scaler, then ");
}

/// `s` appended to `out` with its first letter in lower case, unless it opens with an
/// acronym (a second letter in upper case: "CPU", "TLS").
fn push_lowercased(out: &mut String, s: &str) {
    let mut chars = s.chars();
    match (chars.next(), chars.clone().next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            out.extend(first.to_lowercase());
            out.push_str(chars.as_str());
        }
        _ => out.push_str(s),
    }
}

/// The default pack's action for the connection pool's steps (that for lock contention is
/// [`REDUCE_LOCKS`]).
const RELIEVE_POOL: &str = "relieve_connection_pool";
/// The default pack's action for too many queries per request.
const CUT_QUERIES: &str = "cut_queries_per_request";

/// A transaction that waits on a lock keeps its connection until it ends (PostgreSQL
/// documentation, 13.3 Explicit Locking: locks are held until the transaction ends), and a
/// query keeps its connection for as long as it runs: by Little's law the connections in
/// use are the queries a second times the time each holds one (J. D. C. Little, "A Proof
/// for the Queuing Formula L = λW", *Operations Research* 9(3), 1961). So with a pool step
/// in the plan beside a lock step, or beside an index step that works on a query measured
/// past the slow-query level, the pool step says that the other step frees connections too:
/// the pool may need less once it is done, and is measured again before it is resized. The
/// same goes for a step that cuts the queries per request (`queries`, as measured): each
/// query a request no longer issues is one arrival fewer.
fn note_pool_held_by_slow_work(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    queries: Option<scalability_advisor_core::units::QueriesPerRequest>,
) {
    let locks = steps
        .iter()
        .find(|s| s.key == StepKey::Action(REDUCE_LOCKS.to_owned()))
        .map(|s| s.rank);
    let fewer = queries.and_then(|q| {
        steps
            .iter()
            .find(|s| s.key == StepKey::Action(CUT_QUERIES.to_owned()))
            .map(|s| (s.rank, q))
    });
    // The slowest query past its level, as the index step's evidence shows it.
    let slow = steps
        .iter()
        .find(|s| s.key == StepKey::Remedy(Remedy::AddIndexes))
        .and_then(|s| {
            findings
                .iter()
                .filter(|f| s.findings.contains(&f.id))
                .flat_map(|f| &f.evidence)
                .find(|e| {
                    e.metric == Some(Metric::SlowestQueryTime)
                        && matches!(e.op, crate::CmpOp::Gt | crate::CmpOp::Ge)
                })
                .and_then(|e| e.observed)
                .and_then(|v| core::time::Duration::try_from_secs_f64(v).ok())
                .map(|d| (s.rank, d))
        });
    let Some(pool) = steps
        .iter_mut()
        .find(|s| s.key == StepKey::Action(RELIEVE_POOL.to_owned()))
    else {
        return;
    };
    if let Some(locks) = locks {
        pool.notes.push(format!(
            "transactions waiting on locks hold their connections until they end: step {locks} frees some of the pool, so measure its use again after it"
        ));
    }
    // (Both in one note: Little's law once, the two steps named.)
    let note = match (slow, fewer) {
        (Some((slow_step, slowest)), Some((fewer_step, q))) => format!(
            "a query taking {} holds its connection all that time, and requests issue {} queries each; the connections in use are the queries a second times the time each takes (Little's law): step {slow_step} shortens the slow queries and step {fewer_step} cuts the queries per request, each freeing some of the pool, so measure its use again after them before resizing the pool",
            Quantity::Duration(slowest),
            significant(q.as_f64())
        ),
        (Some((rank, slowest)), None) => format!(
            "a query taking {} holds its connection all that time, and the connections in use are the queries a second times the time each takes (Little's law): step {rank} shortens the slow queries and frees some of the pool, so measure its use again after it before resizing the pool",
            Quantity::Duration(slowest)
        ),
        (None, Some((rank, q))) => format!(
            "requests issue {} queries each, and the connections in use are the queries a second times the time each takes (Little's law): step {rank} cuts the queries per request and frees some of the pool, so measure its use again after it before resizing the pool",
            significant(q.as_f64())
        ),
        (None, None) => return,
    };
    pool.notes.push(note);
}

/// A stage move whose architecture is in place is a symptom to work on, and its finding
/// goes to the step on that symptom (a rung of its ladder), whose advice is the rung's. What
/// its own advice adds for a system that made the move (`made_advice`: behind a load
/// balancer, check that the load is spread evenly; with replicas and a cache, send the
/// reads still reaching the primary to them) would then be read only in the findings
/// list: the step carries it as a note, naming the finding.
fn note_made_moves_folded(steps: &mut [PlanStep], findings: &[AssessedFinding]) {
    // The folded findings by id (a pack's findings are many at most: looked up, not
    // searched, for each finding a step holds).
    let folded: BTreeMap<&str, &AssessedFinding> = findings
        .iter()
        .filter(|f| {
            f.made
                && f.moves_to.is_some()
                && f.symptom.is_some()
                && f.ladder.is_none()
                && f.remedy.is_none()
                && f.action.is_none()
        })
        .map(|f| (f.id.as_str(), f))
        .collect();
    if folded.is_empty() {
        return;
    }
    for step in steps.iter_mut() {
        let mut notes = Vec::new();
        for id in &step.findings {
            let Some(f) = folded.get(id.as_str()) else {
                continue;
            };
            if f.advice == step.advice {
                continue;
            }
            notes.push(folded_note(&f.advice, &f.id));
        }
        step.notes.append(&mut notes);
    }
}

/// A finding's advice as a note naming it: lower-cased as a note starts (unless it opens
/// with an acronym, "DB CPU ..."), without its full stop, the id after it.
fn folded_note(advice: &str, id: &str) -> String {
    let mut note = String::with_capacity(advice.len() + id.len() + 3);
    push_lowercased(&mut note, advice);
    if note.ends_with('.') {
        note.pop();
    }
    note.push_str(" (");
    note.push_str(id);
    note.push(')');
    note
}

/// The ids of the findings that find the primary short of write capacity: those that
/// recommend sharding on evidence other than replica lag.
fn write_findings(findings: &[AssessedFinding]) -> Vec<&str> {
    findings
        .iter()
        .filter(|f| {
            f.recommends.contains(Component::Sharding)
                && !f
                    .evidence
                    .iter()
                    .any(|e| e.metric == Some(Metric::ReplicaLag))
        })
        .map(|f| f.id.as_str())
        .collect()
}

/// The step on lock waits (a finding with evidence on `db_lock_wait_share` or
/// `db_deadlocks`) names the statements that write, or read FOR UPDATE, a few rows many
/// times a second, when the snapshot lists statements and tables (see the `locks` module
/// for the measure and its sources).
fn note_hot_row_writes(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
) {
    // (`None` at once without both lists.)
    let Some(note) = crate::locks::hot_writes_note(snapshot) else {
        return;
    };
    let mut waits = with_evidence_on(findings, Metric::DbLockWaitShare);
    waits.extend(with_evidence_on(findings, Metric::DbDeadlocks));
    let Some(step) = steps
        .iter_mut()
        .find(|s| s.findings.iter().any(|f| waits.contains(&f.as_str())))
    else {
        return;
    };
    step.notes.push(note);
}

/// Each write costs the primary CPU beyond the row itself: the indexes it updates and the
/// write-ahead log it appends (PostgreSQL documentation, chapter 11 "Indexes": indexes add
/// overhead to data modification; chapter 30 "Reliability and the Write-Ahead Log"). When
/// one step finds the primary short of write capacity and a later step looks past the
/// database's used-up ladder for its CPU, the later step says the writes are the likeliest
/// load and asks for the CPU again once the write step is done, rather than sending the
/// reader into `pg_stat_statements` for a load the first step already names.
fn note_writes_load_the_cpu(steps: &mut [PlanStep], findings: &[AssessedFinding]) {
    let writes = write_findings(findings);
    if writes.is_empty() {
        return;
    }
    let cpu = with_evidence_on(findings, Metric::DbCpu);
    // (Steps are in plan order: the note goes on a used-up step after the write step.)
    let mut write_step = None;
    for step in steps.iter_mut() {
        if step.findings.iter().any(|f| writes.contains(&f.as_str())) {
            write_step.get_or_insert(step.rank);
        } else if let Some(rank) = write_step
            && step.key == StepKey::LadderExhausted(Symptom::DatabaseSlow)
            && step.findings.iter().any(|f| cpu.contains(&f.as_str()))
        {
            step.notes.push(format!(
                "step {rank} finds this primary short of write capacity: writes, with the index and write-ahead-log upkeep each one brings, are the likeliest load on its CPU, and what takes them off relieves it; measure db_cpu again once step {rank} is done, and look past the ladder only if it stays high"
            ));
        }
    }
}

/// Users far from the region serving them weigh on the P95 over all users, and so on the
/// slow-page ladder's last rung, edge compute; a step on their distance (a region near
/// them, each routed to the nearest one: a finding with evidence on `remote_user_p95`)
/// shortens the same waits. When the system runs in two regions or more (so the first
/// thing that step checks, the routing to the nearest region, is quick) and such a step
/// comes before the edge step, the edge step names it, with the far users' wait and share,
/// and asks for the P95 again once it is done: what the edge then has left to shorten is
/// what is still slow for them. From one region, the step is a new region, months of work,
/// and the edge does not wait for it.
fn note_edge_after_far_users(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
) {
    let (Some(wait), true) = (
        snapshot.remote_user_p95,
        snapshot.deployed_regions.is_some_and(|r| r.get() >= 2),
    ) else {
        return;
    };
    let far = with_evidence_on(findings, Metric::RemoteUserP95);
    if far.is_empty() {
        return;
    }
    let share = snapshot.remote_user_share.map_or_else(String::new, |r| {
        format!(
            ", {} of the users",
            crate::engine::percent_text(r.as_fraction())
        )
    });
    // (Steps are in plan order: the note goes on an edge step after the far users' step.)
    let mut far_step = None;
    for step in steps.iter_mut() {
        if step.key == StepKey::Remedy(Remedy::EdgeCompute) {
            let Some(rank) = far_step else {
                return;
            };
            step.notes.push(format!(
                "the users far from the servers wait {} at P95 (remote_user_p95{share}), and their wait weighs on the P95 this step works on; step {rank} works on their distance first (each routed to the nearest of the regions, then a region near them): measure p95_response_time again once it is done, and bring to the edge what is still slow for them",
                scalability_advisor_core::Quantity::Duration(wait),
            ));
        } else if step.findings.iter().any(|f| far.contains(&f.as_str())) {
            far_step.get_or_insert(step.rank);
        }
    }
}

/// A replica replays every write the primary commits (PostgreSQL documentation, 27.2
/// "Log-Shipping Standby Servers": a standby applies the primary's WAL; MySQL's replicas
/// apply its binary log likewise), so when one step finds the primary short of write
/// capacity (a finding recommending sharding on evidence other than the lag) and another
/// step works on replica lag, the lag step says the writes are its likeliest cause and that
/// relieving them relieves the replicas. Read by the metrics and components the findings
/// carry, not by a pack's rule ids.
fn note_writes_explain_lag(steps: &mut [PlanStep], findings: &[AssessedFinding]) {
    let lagging = with_evidence_on(findings, Metric::ReplicaLag);
    let Some(rank) = step_holding(steps, &write_findings(findings)).map(|s| s.rank) else {
        return;
    };
    for step in steps.iter_mut() {
        if step.rank != rank && step.findings.iter().any(|f| lagging.contains(&f.as_str())) {
            step.notes.push(format!(
                "replicas replay every write the primary commits, and step {rank} finds the primary short of write capacity: the writes are the likeliest cause of this lag, and what relieves the primary relieves the replicas too; look at the replicas' own load and hardware if the lag stays once it does"
            ));
        }
    }
}

/// What the cache step advises when the servers' CPU is past its warning level and no
/// finding points at the database: what the servers compute, not query results.
const CACHE_FOR_SATURATED_CPU: &str = "Cache what the servers compute again and again, so the saturated CPU does less per request: rendered pages and fragments, API responses and computed values, each kept as long as it stays true (the costlier to compute, the longer it is worth keeping). Nothing measured points at the database, so caching its query results comes second.";

/// The slow-page ladder's first rung, caching, does not wait for the step on a saturated
/// CPU (it takes work off the servers too; see `plan::saturated_step`). Its own advice, a
/// cache "in front of the database", fits a busy database: when the CPU is saturated
/// (`cpu_saturated`) and no bottleneck is on the database or storage, the cache that helps
/// is one for what the servers compute (the guide's "What to Cache": computed values, API
/// responses), and the step says so.
fn cache_for_a_saturated_cpu(
    steps: &mut [PlanStep],
    bottlenecks: &[RankedLayer],
    cpu_saturated: bool,
) {
    let database = bottlenecks
        .iter()
        .any(|b| matches!(b.layer, Layer::Database | Layer::Storage));
    if !cpu_saturated || database {
        return;
    }
    for step in steps.iter_mut() {
        if step.key == StepKey::Remedy(Remedy::AddCaching)
            && step.advice == Remedy::AddCaching.advice()
        {
            CACHE_FOR_SATURATED_CPU.clone_into(&mut step.advice);
        }
    }
}

/// The index rung's title when no query is slow and the primary is short of write capacity.
pub(crate) const INDEXES_AFTER_THE_LOAD_TITLE: &str =
    "Find what loads the database before adding indexes";

/// The sharding rung's title when the primary's writes are measured under the guide's write
/// trigger ([`note_reads_before_sharding`]).
pub(crate) const READS_BEFORE_SHARDING_TITLE: &str =
    "Find which reads still reach the primary before sharding";

/// Its advice then.
const READS_BEFORE_SHARDING: &str = "Rank the statements that still run on the primary by total time (pg_stat_statements on the primary) and send the reads among them to the replicas or the cache; split the data over several primaries by a key only when the writes near what one primary sustains.";

/// A ladder finding whose rung the plan retitled reads as that rung's step: the index rung,
/// when nothing measured says an index is missing, is "Find what loads the database before
/// adding indexes" in the plan, and the findings list must not say "add the missing
/// indexes" beside it; the same goes for the sharding rung of a primary with write headroom
/// ([`READS_BEFORE_SHARDING_TITLE`]). The finding's title takes the step's title in place
/// of the rung's, and its advice the step's in place of the rung's own (what it knows of
/// the other rungs stays).
fn findings_read_as_their_steps(findings: &mut [AssessedFinding], plan: &[PlanStep]) {
    for (rung, retitled) in [
        (Remedy::AddIndexes, INDEXES_AFTER_THE_LOAD_TITLE),
        (Remedy::Sharding, READS_BEFORE_SHARDING_TITLE),
    ] {
        let Some(step) = plan
            .iter()
            .find(|s| s.key == StepKey::Remedy(rung) && s.title == retitled)
        else {
            continue;
        };
        // (A finding of the step that names the rung ends its title with the rung's title
        // and starts its advice with the rung's advice: those are what is rewritten.)
        for f in findings
            .iter_mut()
            .filter(|f| step.findings.contains(&f.id))
        {
            if let Some(head) = f.title.strip_suffix(rung.title()) {
                let mut title = head.to_owned();
                push_lowercased(&mut title, retitled);
                f.title = title;
            }
            if let Some(rest) = f.advice.strip_prefix(rung.advice()) {
                f.advice = format!("{}{rest}", step.advice);
            }
        }
    }
}

/// What every title of a stage move's step that looks at something first has before the
/// stage ([`write_far_users_first_title`], [`write_lag_first_title`],
/// [`write_residency_first_title`], [`write_far_users_again_title`]), and no other title
/// has: [`moves_point_to_their_steps`] finds those steps by it.
const BEFORE_THE_MOVE: &str = " before the move to ";

/// A stage move whose step looks at something first (its title has [`BEFORE_THE_MOVE`])
/// plans the move only if what it looks at leaves the trigger standing: the checklist gaps
/// the move would close close only if it comes. Its note "this also closes ..." is
/// rewritten so ("the move, if it comes, also closes ..."); the far users' steps, whose
/// move is regions, say "regions, if they come" already ([`note_far_users_before_regions`]).
fn gaps_close_if_the_move_comes(plan: &mut [PlanStep]) {
    for step in plan
        .iter_mut()
        .filter(|s| matches!(s.key, StepKey::Stage(_)) && s.title.contains(BEFORE_THE_MOVE))
    {
        for note in &mut step.notes {
            if let Some(rest) = note.strip_prefix("this also closes ") {
                *note = format!("the move, if it comes, also closes {rest}");
            }
        }
    }
}

/// A stage move whose step the plan retitled to look at something first (far users served
/// from a CDN or the edge, replicas looked at before sharding, a deployment per
/// jurisdiction, far users measured again: every such title reads "... before the move to
/// ...") keeps its rule's advice in the findings list, which plans the move as the guide
/// writes it. The finding's advice then ends by pointing at the step that comes first:
/// ` The plan starts with step 1, "Find why the replicas lag before the move to stage 3
/// (scale)", before the rest of this move.`
fn moves_point_to_their_steps(findings: &mut [AssessedFinding], plan: &[PlanStep]) {
    for step in plan {
        if !matches!(step.key, StepKey::Stage(_)) || !step.title.contains(BEFORE_THE_MOVE) {
            continue;
        }
        for f in findings
            .iter_mut()
            .filter(|f| step.findings.contains(&f.id))
        {
            f.advice.push_str(&format!(
                " The plan starts with step {}, \"{}\", before the rest of this move.",
                step.rank, step.title
            ));
        }
    }
}

/// The guide shards when "write traffic [is] overwhelming [the] single primary": sharding
/// is what scales writes. When the database ladder has reached its last rung (indexes and
/// replicas done) but the primary's writes are measured under the level of that trigger
/// (`level`, 80% of what it sustains, [`writes_under`]), the primary's CPU goes to
/// something sharding is not needed for, most likely reads that still reach it though the
/// replicas (and a cache, if there is one) are there to take them. The rung's step then asks
/// to find and route those reads first, in its title ([`READS_BEFORE_SHARDING_TITLE`]) and
/// advice, with the measured shares in its first note. So does the rung when the writes are
/// not measured while reads are past `read_level` of the statements (the guide's
/// read-replica trigger, 80%; [`reads_before_sharding`]): its first note says the writes
/// are what to measure before sharding. With the writes unmeasured and fewer reads, the
/// rung keeps its title and that note. The fleet summary titles its first step the same
/// way.
fn note_reads_before_sharding(
    steps: &mut [PlanStep],
    snapshot: &MetricsSnapshot,
    write_level: Ratio,
    read_level: Ratio,
) {
    if snapshot.architecture.contains(Component::Sharding) {
        return;
    }
    let Some(step) = steps
        .iter_mut()
        .find(|s| s.key == StepKey::Remedy(Remedy::Sharding) && s.subjects.is_empty())
    else {
        return;
    };
    let trigger = crate::engine::percent_text(write_level.as_fraction());
    let reads = snapshot.db_read_share.map_or_else(String::new, |r| {
        format!(
            ", and {} of its statements are reads",
            crate::engine::percent_text(r.as_fraction())
        )
    });
    let note = match (
        snapshot.primary_write_throughput,
        snapshot.primary_write_capacity,
    ) {
        (Some(writes), Some(capacity)) if writes_under(snapshot, write_level) => format!(
            "the primary's writes are at {} of what it sustains, under the {trigger} at which the guide shards (write traffic overwhelming a single primary){reads}: sharding scales writes, and the primary's CPU more likely goes to reads the replicas or the cache could serve",
            crate::engine::percent_text(writes.as_per_second() / capacity.as_per_second()),
        ),
        (Some(_), Some(_)) => return,
        _ if reads_before_sharding(snapshot, write_level, read_level) => format!(
            "the primary's writes are not measured (give primary_write_throughput and primary_write_capacity){reads}: the guide shards when write traffic overwhelms a single primary, and with reads this much of the work, its CPU more likely goes to reads the replicas or the cache could serve; measure the writes before sharding, and shard only if they pass {trigger} of what it sustains"
        ),
        _ => {
            step.notes.insert(
                0,
                format!(
                    "the primary's writes are not measured (give primary_write_throughput and primary_write_capacity){reads}: sharding is the guide's answer to write traffic overwhelming a single primary, and takes months, so measure the writes before committing to it: past {trigger} of what the primary sustains, sharding is the answer; under it, look for the reads and the heaviest statements that still load the primary"
                ),
            );
            return;
        }
    };
    READS_BEFORE_SHARDING_TITLE.clone_into(&mut step.title);
    if step.advice == Remedy::Sharding.advice() {
        READS_BEFORE_SHARDING.clone_into(&mut step.advice);
    }
    step.notes.insert(0, note);
}

/// Its advice then.
const INDEXES_AFTER_THE_LOAD: &str = "Rank the statements by total time (pg_stat_statements) and look at the heaviest: an index serves the reads among them that scan whole tables and costs every write, so index only the reads an EXPLAIN shows scanning.";

/// An index speeds the reads it serves and adds work to every write of its table. When a
/// step of the plan says the primary is short of write capacity (a finding that recommends
/// sharding: writes overwhelming the primary, replicas that cannot replay them), the index
/// step says so, names that step, and narrows itself to what the slow reads need, with the
/// unused indexes dropped (the guide's missing-index query reads `idx_scan`, which shows
/// those too). The note says the step finds the writes short only when it does (the writes
/// measured past the guide's level, or a finding on evidence other than replica lag); a
/// move planned for lagging replicas with the writes not measured presumes it, and the
/// note says so and names the figures that would tell.
///
/// When every query is measured under the slow-query level and nothing else says an index
/// is missing ([`Grounds::no_slow_query`]), there are no slow reads to serve: the note says
/// so, and that the database's CPU more likely goes to the writes.
fn note_indexes_cost_writes(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    snapshot: &MetricsSnapshot,
    grounds: &Grounds,
) {
    let no_slow_query = grounds.no_slow_query;
    let quiet_primary = findings
        .iter()
        .any(|f| f.discourages.contains(Component::Sharding));
    let writes: Vec<&str> = findings
        .iter()
        .filter(|f| {
            f.recommends.contains(Component::Sharding)
                && finds_writes_short(
                    (
                        f.evidence
                            .iter()
                            .any(|e| e.metric == Some(Metric::ReplicaLag)),
                        f.made,
                    ),
                    f.moves_to,
                    snapshot,
                    (
                        grounds.primary_write_level,
                        quiet_primary,
                        grounds.long_query.is_some(),
                    ),
                    grounds.by_users,
                )
        })
        .map(|f| f.id.as_str())
        .collect();
    let Some(step) = step_holding(steps, &writes) else {
        return;
    };
    let rank = step.rank;
    // Whether the step measured the writes short, or plans sharding for lagging replicas
    // with the writes not measured (the move then presumes what it cures: more writes than
    // the replicas replay).
    let found = writes_past(snapshot, grounds.primary_write_level)
        || findings.iter().any(|f| {
            writes.contains(&f.id.as_str())
                && step.findings.contains(&f.id)
                && !f
                    .evidence
                    .iter()
                    .any(|e| e.metric == Some(Metric::ReplicaLag))
        });
    let lead = if found {
        format!("step {rank} finds the primary short of write capacity")
    } else {
        format!(
            "step {rank} plans sharding for the replicas' lag, which more writes than they can replay would explain (the primary's writes are not measured: give primary_write_throughput and primary_write_capacity)"
        )
    };
    // With no slow query to serve, the rung's own title and advice ("Add the missing
    // indexes") would contradict the note: the step asks to find the load first.
    if no_slow_query.is_some()
        && let Some(step) = steps
            .iter_mut()
            .find(|s| s.key == StepKey::Remedy(Remedy::AddIndexes) && s.subjects.is_empty())
    {
        INDEXES_AFTER_THE_LOAD_TITLE.clone_into(&mut step.title);
        if step.advice == Remedy::AddIndexes.advice() {
            INDEXES_AFTER_THE_LOAD.clone_into(&mut step.advice);
        }
    }
    note_on(
        steps,
        Remedy::AddIndexes,
        match no_slow_query {
            Some((slowest, level)) => format!(
                "each index is one more structure every write updates, and {lead}; no query measured is slow (the slowest takes {}, under the {} level), so the database's CPU more likely goes to the writes: find the heaviest statements (pg_stat_statements) before adding any index, and drop those never scanned (idx_scan = 0)",
                Quantity::Duration(slowest),
                Quantity::Duration(level),
            ),
            None => format!(
                "each index is one more structure every write updates, and {lead}: add only the indexes the slow queries need, and drop those never scanned (idx_scan = 0)"
            ),
        },
    );
}

/// The title of a rung's step when its component is in place, where the rung's own title
/// would ask to put it there: only the cache's. The cache rung is current with a cache in
/// place only when the cache misses too often (its hit rate under
/// [`LadderConfig::cache_hit_floor`], 80% by default, reopens the rung), so the step is
/// about making that cache hit, and its advice, the finding's that shows the misses, says
/// so. (The other rungs that reopen read as well either way: indexes, moving slow work off
/// the request path, fixing a leak.)
///
/// [`LadderConfig::cache_hit_floor`]: scalability_advisor_core::LadderConfig::cache_hit_floor
pub(crate) fn rung_in_place_title(remedy: Remedy, architecture: ComponentSet) -> Option<String> {
    rung_in_place(remedy, architecture).map(|(title, _)| {
        let mut out = String::new();
        push_capitalised(&mut out, title);
        out
    })
}

/// The rung's title (in lower case, as [`Remedy::title`]: a finding's title reads "Slow page
/// loads: first, make the cache hit more often") and advice when its component is in place.
fn rung_in_place(
    remedy: Remedy,
    architecture: ComponentSet,
) -> Option<(&'static str, &'static str)> {
    (remedy == Remedy::AddCaching && architecture.contains(Component::Cache)).then_some((
        "make the cache hit more often",
        "The cache in place misses too often: review its keys and TTLs, and size its memory for the working set (10-20% of the data x 1.5 for Redis).",
    ))
}

/// The index rung's advice when many fast queries load the database.
const QUERIES_BEFORE_INDEXES: &str = "Rank the statements by total time (pg_stat_statements): with no query slow, the heaviest are the ones called most often, which fewer queries per request shrink; index only the reads an EXPLAIN shows scanning whole tables.";

/// With no query measured slow ([`Grounds::no_slow_query`]) and requests issuing more
/// queries than the warning level ([`Grounds::many_queries`]), the database's load is more
/// likely the number of queries (N+1 patterns) than a missing index: the guide ranks
/// statements by total time (Database Optimization, `ORDER BY total_time`), which many fast
/// calls fill as surely as one slow one. The index rung (with no table or statement named)
/// then asks to find the load first, and its note names the step that cuts the queries (a
/// finding with queries per request as evidence) and says to measure again after it, or,
/// with no such step (a pack without the rule), to cut them first.
fn note_queries_load_the_database(
    steps: &mut [PlanStep],
    findings: &[AssessedFinding],
    grounds: &Grounds,
) {
    let (Some((slowest, level)), Some((queries, warning))) =
        (grounds.no_slow_query, grounds.many_queries)
    else {
        return;
    };
    let on_queries = with_evidence_on(findings, Metric::DbQueriesPerRequest);
    let rank = step_holding(steps, &on_queries).map(|s| s.rank);
    let Some(step) = steps
        .iter_mut()
        .find(|s| s.key == StepKey::Remedy(Remedy::AddIndexes) && s.subjects.is_empty())
    else {
        return;
    };
    INDEXES_AFTER_THE_LOAD_TITLE.clone_into(&mut step.title);
    if step.advice == Remedy::AddIndexes.advice() {
        QUERIES_BEFORE_INDEXES.clone_into(&mut step.advice);
    }
    let then = match rank {
        Some(rank) => format!("which step {rank} cuts, than from a missing index; measure the database again after step {rank}"),
        None => "than from a missing index: cut the queries per request first (N+1 patterns: a query per item of a list)".to_owned(),
    };
    step.notes.push(format!(
        "no query measured is slow (the slowest takes {}, under the {} level), and requests issue {}, past the {} warning level: the database's load more likely comes from the number of queries, {then}",
        Quantity::Duration(slowest),
        Quantity::Duration(level),
        Quantity::QueriesPerRequest(queries),
        Quantity::QueriesPerRequest(warning),
    ));
}

/// With no query measured slow and nothing measured saying an index is missing
/// ([`Grounds::no_slow_query`]), the index rung (with no table or statement named) that no
/// other note has retitled has nothing that shows an index missing: the guide's ladder for
/// a slow database starts with indexes, but its own signal of a slow query (single queries
/// over 100 ms) is absent, and its query ranks statements by total time, which many fast
/// calls fill as surely as one slow one. The step asks to find the load first; its note
/// gives the slowest query against the level and, with reads measured past the share at
/// which the guide adds read replicas, says they more likely load the database (with
/// replicas in place, that some still reach the primary; without, that the replicas, the
/// ladder's next rung, answer them if no scan shows).
fn note_no_slow_query(
    steps: &mut [PlanStep],
    snapshot: &MetricsSnapshot,
    in_place: ComponentSet,
    grounds: &Grounds,
) {
    let Some((slowest, level)) = grounds.no_slow_query else {
        return;
    };
    let plain = base_title(Key::Remedy(Remedy::AddIndexes), "", grounds.by_users);
    // (A step naming a table or statement has it in its title.)
    let Some(step) = steps
        .iter_mut()
        .find(|s| s.key == StepKey::Remedy(Remedy::AddIndexes) && s.title == plain)
    else {
        return;
    };
    INDEXES_AFTER_THE_LOAD_TITLE.clone_into(&mut step.title);
    if step.advice == Remedy::AddIndexes.advice() {
        INDEXES_AFTER_THE_LOAD.clone_into(&mut step.advice);
    }
    let reads = snapshot
        .db_read_share
        .filter(|r| *r > grounds.additions.read_share)
        .map(|r| {
            let (r, level) = (Quantity::Ratio(r), Quantity::Ratio(grounds.additions.read_share));
            if in_place.contains(Component::ReadReplicas) {
                format!("; reads are {r} of its work, past the {level} at which the guide adds read replicas, and replicas are in place: see which reads still reach the primary before any index")
            } else {
                format!("; reads are {r} of its work, past the {level} at which the guide adds read replicas, the ladder's next rung: if the heaviest statements show no scan an index would end, the replicas are the answer")
            }
        })
        .unwrap_or_default();
    step.notes.push(format!(
        "no query measured is slow (the slowest takes {}, under the guide's {} for a slow query) and nothing measured says an index is missing: the database's CPU may go to many fast statements rather than to a missing index, so rank them by total time before adding any{reads}",
        Quantity::Duration(slowest),
        Quantity::Duration(level),
    ));
}

/// A catch-up step that holds the triggers of earlier stages too ([`fold_overdue_moves`])
/// names them: "the guide's conditions for stage 2 (growth) hold too (move.2.db_cpu): the
/// stages build on each other, so what it lacks is part of this move".
fn note_overdue_moves_folded(steps: &mut [PlanStep], findings: &[AssessedFinding]) {
    for step in steps.iter_mut() {
        let StepKey::Stage(to) = step.key else {
            continue;
        };
        // Each earlier stage once, in order, with the triggers that call for it.
        let mut earlier: BTreeMap<Stage, Vec<&str>> = BTreeMap::new();
        for f in findings
            .iter()
            .filter(|f| !f.made && step.findings.contains(&f.id))
        {
            if let Some(from) = f.moves_to.filter(|from| *from < to) {
                earlier.entry(from).or_default().push(f.id.as_str());
            }
        }
        for (from, ids) in earlier {
            step.notes.push(format!(
                "the guide's conditions for {from} hold too ({}): the stages build on each other, so what {from} lacks is part of this move",
                ids.join(", ")
            ));
        }
    }
}

/// The guide's triggers that describe a lasting state ("consistently", "can't keep up") are
/// read over a series, and with none the snapshot value stands in (its evidence says so). A
/// stage move whose every trigger stands in that way rests on one reading: its step says to
/// confirm the trigger over a day of samples before the move, which costs months of work
/// (sharding, services), is started. The steps that relieve the symptom now stand either way.
/// A move already made (its components in place) is a step of its own (split the busiest
/// shard, for replicas that lag behind a sharded primary); when every finding of that step
/// is such a move resting on one reading, it says to confirm it before the architecture
/// changes for it. (Only a move is made: a rule of a lasting state that moves nowhere
/// brings no such note.)
fn note_moves_on_one_reading(steps: &mut [PlanStep], findings: &[AssessedFinding]) {
    for step in steps.iter_mut() {
        let StepKey::Stage(_) = step.key else {
            // (No list of the step's findings is made for the test: most steps fail it at
            // their first finding.)
            let held = || findings.iter().filter(|f| step.findings.contains(&f.id));
            let made_on_one_reading =
                |f: &AssessedFinding| f.made && f.evidence.iter().any(one_reading);
            if held().next().is_none() || !held().all(made_on_one_reading) {
                continue;
            }
            let mut read_once: Vec<&str> = Vec::new();
            for e in held().flat_map(|f| &f.evidence).filter(|e| one_reading(e)) {
                if !read_once.contains(&e.left.as_str()) {
                    read_once.push(e.left.as_str());
                }
            }
            step.notes.push(format!(
                "the guide's trigger behind this step is a lasting state, and it rests on one reading here ({}): confirm it over a day of samples (a series) before changing the architecture for it",
                read_once.join(", ")
            ));
            continue;
        };
        let mut read_once: Vec<&str> = Vec::new();
        let mut every_trigger = true;
        // (The step's triggers: its moves not made. Both passes below read them.)
        let triggers: Vec<&AssessedFinding> = findings
            .iter()
            .filter(|f| f.moves_to.is_some() && !f.made && step.findings.contains(&f.id))
            .collect();
        for t in &triggers {
            every_trigger &= t.evidence.iter().any(one_reading);
            for e in t.evidence.iter().filter(|e| one_reading(e)) {
                if !read_once.contains(&e.left.as_str()) {
                    read_once.push(e.left.as_str());
                }
            }
        }
        if every_trigger && !read_once.is_empty() {
            // (A move with nothing to add now is not started: its trigger is confirmed
            // before the stage is read from it.)
            let before = if adds_nothing_now(&step.advice) {
                "before reading the stage from it"
            } else {
                "before starting the move"
            };
            step.notes.push(format!(
                "the guide's trigger for this move is a lasting state, and it rests on one reading here ({}): confirm it over a day of samples (a series) {before}",
                read_once.join(", ")
            ));
        } else if !read_once.is_empty() {
            // Other triggers of the step stand on their own readings (a slow query's), and
            // the move stands with them; but a trigger resting on one reading of a lasting
            // state may call for components no other trigger of the step calls for
            // (sharding, for the replicas' lag beside a stage-2 slow query): those wait
            // for its confirmation, and the note names them.
            let founded = triggers
                .iter()
                .filter(|f| !f.evidence.iter().any(one_reading))
                .fold(ComponentSet::EMPTY, |set, f| set.union(f.recommends));
            for t in triggers
                .iter()
                .filter(|f| f.evidence.iter().any(one_reading))
            {
                let own = t.recommends.difference(founded);
                if own.is_empty() {
                    continue;
                }
                let read: Vec<&str> = t
                    .evidence
                    .iter()
                    .filter(|e| one_reading(e))
                    .map(|e| e.left.as_str())
                    .collect();
                step.notes.push(format!(
                    "{}'s trigger is a lasting state, and it rests on one reading here ({}): confirm it over a day of samples (a series) before the {own} it alone calls for",
                    t.id,
                    read.join(", "),
                ));
            }
        }
    }
}

/// Whether `e` is a lasting condition read from the snapshot alone (no series, or too short
/// a one).
fn one_reading(e: &RuleEvidence) -> bool {
    matches!(
        e.reading,
        crate::engine::Reading::SnapshotFallback | crate::engine::Reading::ShortSeries { .. }
    )
}

/// Slow calls between services exist because the application is split into services; when
/// a finding of the plan calls that split premature (`discourages` microservices: the
/// guide's stage 1 keeps a monolith), the step on the network says so and names the step
/// that questions the split: tuning the calls is first aid, fewer services is the cure.
fn note_calls_between_premature_services(steps: &mut [PlanStep], findings: &[AssessedFinding]) {
    let Some(services) = step_discouraging(steps, findings, Component::Microservices)
        .and_then(|i| steps.get(i))
        .map(|s| s.rank)
    else {
        return;
    };
    for s in steps.iter_mut().filter(|s| s.layer == Some(Layer::Network)) {
        s.notes.push(format!(
            "these calls exist because the application is split into services, which step {services} questions at this size: merging the chattiest services removes the calls altogether"
        ));
    }
}

/// The index in `steps` of the first step holding a finding that `discourages` `c` (calls it
/// premature: `premature.cache`, `premature.microservices`).
fn step_discouraging(
    steps: &[PlanStep],
    findings: &[AssessedFinding],
    c: Component,
) -> Option<usize> {
    let early: Vec<&str> = findings
        .iter()
        .filter(|f| f.discourages.contains(c))
        .map(|f| f.id.as_str())
        .collect();
    steps
        .iter()
        .position(|s| s.findings.iter().any(|f| early.contains(&f.as_str())))
}

/// The note of a step that adds component `c` on the missing component `other` it brings
/// ([`Component::brought_by`]): the load balancer that spreads requests over the servers an
/// auto-scaler adds, which an API gateway in place may already be.
fn brought_note(c: Component, other: Component, in_place: ComponentSet) -> String {
    let why = if other == Component::LoadBalancer {
        " to spread requests over the servers it adds"
    } else {
        ""
    };
    let mut note = format!(
        "{} needs {}{why}, and none is declared: it comes with this step",
        c.noun(),
        other.noun()
    );
    if other == Component::LoadBalancer && in_place.contains(Component::ApiGateway) {
        note.push_str(
            "; if the API gateway in place already spreads requests over each service's instances, it is that load balancer: add \"load_balancer\" to `architecture`",
        );
    }
    note
}

/// Whether the step keyed `k` adds `c`: a rung that installs it, or a step for the component.
fn adds_component(k: &StepKey, c: Component) -> bool {
    match k {
        StepKey::Remedy(r) => r.component() == Some(c),
        StepKey::Component(k) => *k == c,
        _ => false,
    }
}

/// Where the plan already deals with a component: the step that adds it, or the step its
/// held-back addition waits for; with `by_ladder`, also the step whose ladder installs it on
/// a later rung (for a component nothing calls for now but the stage's architecture).
fn component_place(
    c: Component,
    steps: &[PlanStep],
    held: &[HeldBack],
    findings: &[AssessedFinding],
    by_ladder: bool,
) -> Option<String> {
    if let Some(s) = steps.iter().find(|s| adds_component(&s.key, c)) {
        return Some(format!("step {}", s.rank));
    }
    if let Some(h) = held.iter().find(|h| h.remedy.component() == Some(c)) {
        return Some(match h.after_step {
            Some(rank) => format!("after step {rank}"),
            None => format!("held back until \"{}\"", h.until_title(findings)),
        });
    }
    // A later rung of the ladder a step works on installs it (the load balancer of
    // horizontal scaling, after a vertical scale): it comes if that step does not relieve
    // the symptom. A component a trigger calls for is placed so only when the trigger shows
    // that ladder's symptom (a maxed CPU, for the load balancer); writes saturating the
    // primary, which call for sharding, are not the slow database's symptom.
    if !by_ladder {
        return None;
    }
    // The ladder must be climbed (its ladder rule found its symptom; the step on its rung
    // may hold that finding or not, as when slow pages count as the database's evidence):
    // a cache tuned for the database's sake, with pages fast, is no rung of the slow-page
    // ladder, and no CDN comes after it.
    let installs = Remedy::installing(c)?;
    let (symptom, rung) = installs.rung();
    if !findings.iter().any(|f| f.ladder == Some(symptom)) {
        return None;
    }
    steps.iter().find_map(|s| {
        let StepKey::Remedy(r) = s.key else {
            return None;
        };
        let (on, at) = r.rung();
        if on != symptom {
            return None;
        }
        match (at, rung) {
            (LadderStep::First, LadderStep::Then) | (LadderStep::Then, LadderStep::Finally) => {
                Some(format!("the next rung after step {}", s.rank))
            }
            (LadderStep::First, LadderStep::Finally) => {
                Some(format!("the ladder's last rung, after step {}", s.rank))
            }
            _ => None,
        }
    })
}

/// The step of the plan holding a finding whose rule supersedes one that recommends `c`
/// (`premature.add_read_replicas` over `add.read_replicas`): "step 2, \"Read replicas can
/// wait\"".
fn step_deferring(engine: &Engine, c: Component, steps: &[PlanStep]) -> Option<String> {
    steps.iter().find_map(|s| {
        let defers = s.findings.iter().any(|id| {
            engine
                .rule_index(id)
                .and_then(|i| engine.rule(i))
                .is_some_and(|rule| {
                    rule.supersedes.iter().any(|other| {
                        engine
                            .rule_index(other)
                            .and_then(|i| engine.rule(i))
                            .is_some_and(|o| o.recommends.contains(c))
                    })
                })
        });
        defers.then(|| format!("step {}, \"{}\"", s.rank, s.title))
    })
}

/// A stage step lists what its stage's architecture lacks; where another step of the plan
/// adds one of those components (or holds its addition back), the list says so, so that the
/// move and the steps read as one plan. The components its own findings (the stage's
/// triggers) recommend come first, each with the triggers that call for it: they say where
/// the move starts. The components no finding calls for and no step adds are what the
/// stage's architecture also includes: the guide adds each when its need shows ("don't
/// over-engineer for scale you don't have"), so they are listed with the condition for each
/// where there is one, not as work to do; one placed later in the plan, with what decides
/// when it comes ([`when_placed`]).
fn place_missing_components(
    steps: &mut [PlanStep],
    held: &[HeldBack],
    (engine, findings): (&Engine, &[AssessedFinding]),
    snapshot: &MetricsSnapshot,
    in_place: ComponentSet,
    grounds: &Grounds,
    (with_gaps, measure_again): (&[(Checklist, Vec<ChecklistItem>)], &[&str]),
) {
    if snapshot.architecture.is_empty() {
        // What is missing is not known, and the step lists the stage's whole architecture:
        // a part of it another step holds off says where the plan decides on it.
        for i in 0..steps.len() {
            let Some(StepKey::Stage(to)) = steps.get(i).map(|s| s.key.clone()) else {
                continue;
            };
            let pointers: Vec<String> = to
                .cumulative_architecture()
                .difference(in_place)
                .iter()
                .filter_map(|c| {
                    step_deferring(engine, c, steps)
                        .map(|step| format!(" For when to add {}, see {step}.", c.noun()))
                })
                .collect();
            if let Some(step) = steps.get_mut(i) {
                step.advice.extend(pointers);
            }
        }
        return;
    }
    // The step of a checklist whose gaps ask for a component (auto-scaling, on the
    // scaling checklist's step).
    let checklist_step = |c: Component| {
        let (list, _) = with_gaps
            .iter()
            .find(|(_, gaps)| gaps.iter().any(|g| g.component() == Some(c)))?;
        steps
            .iter()
            .find(|s| s.key == StepKey::Checklist(*list))
            .map(|s| s.rank)
    };
    let recommends: BTreeMap<&str, (ComponentSet, Option<Symptom>)> = findings
        .iter()
        .filter(|f| !f.recommends.is_empty())
        .map(|f| (f.id.as_str(), (f.recommends, f.symptom)))
        .collect();
    let mut rewrites = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let StepKey::Stage(to) = step.key else {
            continue;
        };
        let mut missing = to.cumulative_architecture().difference(in_place);
        missing.remove(Component::SingleServer);
        if missing.is_empty() {
            continue;
        }
        let callers = |c: Component| -> Vec<&str> {
            step.findings
                .iter()
                .map(String::as_str)
                .filter(|id| recommends.get(id).is_some_and(|(r, _)| r.contains(c)))
                .collect()
        };
        // Whether no finding calls for the component, or one that does shows the symptom
        // of the ladder a rung of which installs it (a maxed CPU calling for the load
        // balancer of horizontal scaling): then that ladder's step places it.
        let on_its_ladder = |c: Component, by: &[&str]| {
            let symptom = Remedy::installing(c).map(|r| r.rung().0);
            by.is_empty()
                || by.iter().any(|id| {
                    recommends
                        .get(id)
                        .is_some_and(|(_, s)| s.is_some() && *s == symptom)
                })
        };
        // Called-for components, grouped while consecutive ones share their note.
        let mut called: Vec<(Vec<&str>, String)> = Vec::new();
        let mut rest = Vec::new();
        let mut uncalled: Vec<&str> = Vec::new();
        let mut conditions: Vec<String> = Vec::new();
        let mut nothing_now = false;
        // The components that come with another the plan places: the move itself adds none
        // of them.
        let mut brought: Vec<String> = Vec::new();
        // Another stage step whose move calls for the component now (the far users' CDN):
        // sooner than a ladder's next rung. (Not a step that asks only to measure far users
        // again, `measure_again`.)
        let other_move = |c: Component| {
            steps
                .iter()
                .find(|s| {
                    s.rank != step.rank
                        && matches!(s.key, StepKey::Stage(_))
                        && !s
                            .findings
                            .iter()
                            .all(|id| measure_again.contains(&id.as_str()))
                        && s.findings.iter().any(|id| {
                            recommends
                                .get(id.as_str())
                                .is_some_and(|(r, _)| r.contains(c))
                        })
                })
                .map(|s| format!("step {}", s.rank))
        };
        for c in missing.iter() {
            let by = callers(c);
            let place = component_place(c, steps, held, findings, false)
                .or_else(|| other_move(c))
                .or_else(|| component_place(c, steps, held, findings, on_its_ladder(c, &by)));
            if by.is_empty() {
                // A component a checklist of the stage asks for (auto-scaling, at stage 3)
                // is called for by that checklist, measured or not.
                let checklist = checklist_asking_for(c, to);
                match (place, checklist) {
                    (Some(place), _) => {
                        // (Another move calling for it now has grounds of its own.)
                        let when = if other_move(c).is_some() {
                            String::new()
                        } else {
                            when_placed(engine, c, steps, snapshot, grounds)
                        };
                        rest.push(format!("{} ({place}{when})", c.noun()));
                    }
                    (None, Some(list)) => match checklist_step(c) {
                        Some(rank) => rest.push(format!("{} (step {rank})", c.noun())),
                        None => rest.push(format!("{} (the guide's {list} checklist)", c.noun())),
                    },
                    // A component another step holds off, its condition holding or not
                    // (reads past 80% of the work, with the database's CPU under its
                    // level): that step says when.
                    (None, None) => match step_deferring(engine, c, steps) {
                        Some(step) => rest.push(format!("{} (for when, see {step})", c.noun())),
                        // (The load balancer that comes with an auto-scaler the plan asks
                        // for: its own condition would hold off what that step needs. The
                        // auto-scaler may be this move's, asked by a checklist whose gap the
                        // move closes.)
                        None => match c.brought_by().and_then(|b| {
                            let place = component_place(b, steps, held, findings, false)
                                .or_else(|| checklist_step(b).map(|rank| format!("step {rank}")))
                                .map(|p| format!(" ({p})"))
                                .or_else(|| {
                                    // (Listed by this move as the checklist's: the
                                    // auto-scaler is missing, or its balancer would not
                                    // be.)
                                    let here = checklist_asking_for(b, to).is_some();
                                    here.then(String::new)
                                })?;
                            Some((b, place))
                        }) {
                            Some((b, place)) => {
                                brought.push(format!(
                                    "{} comes with {}{place}",
                                    c.noun(),
                                    b.noun()
                                ));
                            }
                            None => {
                                uncalled.push(c.noun());
                                conditions.extend(condition_to_add(c, snapshot, grounds));
                            }
                        },
                    },
                }
                continue;
            }
            let mut note = by.join(", ");
            if let Some(place) = place {
                note.push_str("; ");
                note.push_str(&place);
            }
            match called.last_mut() {
                Some((nouns, last)) if *last == note => nouns.push(c.noun()),
                _ => called.push((vec![c.noun()], note)),
            }
        }
        // (A stage the user count is past costs what the system's own stage costs, which
        // the stage section gives: its band would mislead.)
        let cost = if snapshot.users.map(Stage::for_users).is_some_and(|u| u > to) {
            String::new()
        } else {
            format!(
                " The indicative cost of {to} is {} ({} at {}).",
                to.indicative_cost(),
                to.cost_at_scale().monthly,
                to.cost_at_scale().users
            )
        };
        let mut advice = format!("The guide's conditions for {to} hold.");
        if !called.is_empty() {
            let called: Vec<String> = called
                .iter()
                .map(|(nouns, note)| format!("{} ({note})", and_list(nouns)))
                .collect();
            advice.push_str(&format!(" What they call for: {}.", called.join("; ")));
        }
        if !rest.is_empty() {
            let still = if called.is_empty() { "still" } else { "also" };
            advice.push_str(&format!(" The system {still} lacks: {}.", rest.join(", ")));
        }
        for b in &brought {
            advice.push_str(&format!(" {}.", capitalised(b)));
        }
        if called.is_empty() && rest.is_empty() {
            let recommends = step
                .findings
                .iter()
                .filter_map(|id| recommends.get(id.as_str()))
                .fold(ComponentSet::EMPTY, |all, (r, _)| all.union(*r));
            if nothing_to_add(to, recommends, snapshot, in_place, &grounds.additions) {
                nothing_now = true;
            }
        }
        if !uncalled.is_empty() {
            let when = if conditions.len() == uncalled.len() {
                "when its condition holds"
            } else {
                "when its need shows"
            };
            let conditions = match conditions.len() {
                0 => String::new(),
                1 => format!(" (the guide's condition for {})", conditions.join("")),
                _ => format!(" (the guide's conditions for {})", conditions.join("; ")),
            };
            let each = if uncalled.len() == 1 { "it" } else { "each" };
            advice.push_str(&format!(
                " The guide's architecture for {to} also includes {}, which nothing measured here calls for yet: add {each} {when}, not before{conditions}.",
                and_list(&uncalled)
            ));
        }
        if nothing_now {
            advice.push(' ');
            advice.push_str(if brought.is_empty() {
                NOTHING_TO_ADD_NOW
            } else {
                NOTHING_ELSE_NOW
            });
        }
        advice.push_str(&cost);
        rewrites.push((i, advice));
    }
    for (i, advice) in rewrites {
        if let Some(step) = steps.get_mut(i) {
            step.advice = advice;
        }
    }
}

/// What a stage step says when every component its stage lacks waits for a condition
/// measured as unmet ([`nothing_to_add`]); the step is then at info severity
/// ([`quiet_moves_with_nothing_to_add`]).
const NOTHING_TO_ADD_NOW: &str = "Nothing is to be added now: this step is for information.";

/// [`NOTHING_TO_ADD_NOW`] after the components that come with another step's (the load
/// balancer of the auto-scaler a checklist asks for).
const NOTHING_ELSE_NOW: &str = "Nothing else is to be added now: this step is for information.";

/// Whether a stage step's advice says it has nothing to add now ([`NOTHING_TO_ADD_NOW`],
/// [`NOTHING_ELSE_NOW`]).
fn adds_nothing_now(advice: &str) -> bool {
    // (Their common end, searched once.)
    advice.contains(NOTHING_NOW_END)
}

/// The end [`NOTHING_TO_ADD_NOW`] and [`NOTHING_ELSE_NOW`] share.
const NOTHING_NOW_END: &str = "is to be added now: this step is for information.";

/// The guide's condition for adding `c` and where the system stands against it, when the
/// guide gives one: a stage-2 addition's ([`Addition::condition`]), or the stage-3 triggers
/// for sharding ("write traffic overwhelming single primary") and microservices ("need
/// independent scaling of components").
fn condition_to_add(c: Component, snapshot: &MetricsSnapshot, grounds: &Grounds) -> Option<String> {
    if let Some(add) = Addition::for_component(c) {
        // (Beside the condition's level: a value just under it never reads as the level.)
        let level = add
            .evaluate(snapshot, &grounds.additions)
            .evidence()
            .and_then(|e| e.threshold);
        let now = snapshot
            .quantity(add.signal())
            .map_or("not measured".to_owned(), |v| {
                format!("now {}", v.beside(level.unwrap_or(v)))
            });
        return Some(format!(
            "{}: {}, {now}",
            c.noun(),
            add.condition(&grounds.additions)
        ));
    }
    if c == Component::Microservices {
        let now = snapshot
            .independent_scaling_needed
            .map_or("not measured", |b| if b { "now yes" } else { "now no" });
        return Some(format!(
            "{}: independent_scaling_needed is true, {now}",
            c.noun()
        ));
    }
    if c != Component::Sharding {
        return None;
    }
    let now = match (
        snapshot.primary_write_throughput,
        snapshot.primary_write_capacity,
    ) {
        // A share past 100% is possible (writes beyond the estimate): written as measured.
        (Some(w), Some(cap)) if cap.as_per_second() > 0.0 => {
            format!(
                "now {:.0}%",
                100.0 * w.as_per_second() / cap.as_per_second()
            )
        }
        _ => "not measured".to_owned(),
    };
    Some(format!(
        "{}: primary_write_throughput / primary_write_capacity >= {}, {now}",
        c.noun(),
        grounds.primary_write_level
    ))
}

/// For a component a stage step lists as placed later in the plan (a later rung of a
/// ladder, or held back behind another step; not added by a step now) though nothing calls
/// for it now, what decides
/// when it comes: the step that holds it off (`premature.add_read_replicas`: "; for when,
/// see step 3, \"Hold off on read replicas\""), else the guide's condition for adding it
/// when unmet ("; the guide's condition, repeated_query_share > 25%, does not hold: now
/// 10%") or not measured ("; the guide's condition, static_asset_bandwidth_share > 20%, is
/// not measured"); empty when neither.
fn when_placed(
    engine: &Engine,
    c: Component,
    steps: &[PlanStep],
    snapshot: &MetricsSnapshot,
    grounds: &Grounds,
) -> String {
    // A step that adds it now does so on grounds of its own (a rung of a ladder).
    if steps.iter().any(|s| adds_component(&s.key, c)) {
        return String::new();
    }
    if let Some(step) = step_deferring(engine, c, steps) {
        return format!("; for when, see {step}");
    }
    let Some(add) = Addition::for_component(c) else {
        return String::new();
    };
    match add.evaluate(snapshot, &grounds.additions) {
        Outcome::NotFired { evidence, .. } => {
            let now = evidence
                .observed
                .beside(evidence.threshold.unwrap_or(evidence.observed));
            format!(
                "; the guide's condition, {}, does not hold: now {now}",
                add.condition(&grounds.additions)
            )
        }
        Outcome::NotEvaluated(_) => format!(
            "; the guide's condition, {}, is not measured",
            add.condition(&grounds.additions)
        ),
        Outcome::Fired { .. } => String::new(),
    }
}

/// Items as a sentence lists them: "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The entities after the first, counted by kind: ` and 1 statement`, `, 2 more tables and
/// 1 host`. Each subject line starts with its kind (`table \`events\`: ...`).
fn others(subjects: &[String]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for line in subjects.iter().skip(1) {
        let kind = line.split(' ').next().unwrap_or("entity");
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    let first_kind = subjects.first().and_then(|l| l.split(' ').next());
    let parts: Vec<String> = counts
        .iter()
        .map(|(kind, n)| {
            let more = if Some(*kind) == first_kind {
                "more "
            } else {
                ""
            };
            let plural = if *n == 1 { "" } else { "s" };
            format!("{n} {more}{kind}{plural}")
        })
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => format!(" and {one}"),
        [init @ .., last] => format!(", {} and {last}", init.join(", ")),
    }
}

/// Most entities a report lists under one step; the rest are counted.
pub const MAX_SUBJECTS_SHOWN: usize = 10;

/// The subject lines a report prints: the first [`MAX_SUBJECTS_SHOWN`], then a count.
fn shown_subjects(subjects: &[String]) -> impl Iterator<Item = String> + '_ {
    let rest = subjects.len().saturating_sub(MAX_SUBJECTS_SHOWN);
    subjects
        .iter()
        .take(MAX_SUBJECTS_SHOWN)
        .cloned()
        .chain((rest > 0).then(|| format!("and {rest} more")))
}

/// Layers by independent evidence: each metric, or each named entity, counts once per layer
/// at the weight of its most severe finding. On a host shared by the application and the
/// database (`context.shared_host`), the application servers' CPU and memory are the
/// database's too, and count for the database layer. What describes the system, and the
/// far users' wait when it is no longer than everyone's, counts for none ([`rank_key`]).
fn rank_layers(findings: &[AssessedFinding], context: RankContext<'_>) -> Vec<RankedLayer> {
    rank_evidence(
        findings
            .iter()
            .map(|f| (f.layer, f.severity, f.id.as_str(), f.evidence.as_slice())),
        context,
    )
}

/// [`rank_layers`] over each finding's layer, severity, id and evidence.
/// What one line of evidence counts as when layers are ranked by independent evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RankKey<'a> {
    /// One entity is one piece of evidence, whatever fields of it held.
    Subject(scalability_advisor_core::EntityKind, &'a str),
    /// The CPU or memory of the host the application shares with the database: evidence
    /// for the database.
    SharedHost(Metric),
    /// A metric, by name, or another left side, as written.
    Name(&'a str),
}

/// What the ranking of layers reads of the snapshot besides the findings' evidence.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RankContext<'a> {
    /// The host that runs both the application and the database, if one does
    /// ([`shared_host`]).
    pub(crate) shared_host: Option<&'a str>,
    /// Whether far users wait no longer than users overall ([`far_users_no_slower`]): their
    /// wait is then no evidence about the network between them and the servers.
    pub(crate) far_no_slower: bool,
}

impl<'a> RankContext<'a> {
    /// The context of `snapshot`.
    pub(crate) fn of(snapshot: &'a MetricsSnapshot) -> Self {
        RankContext {
            shared_host: shared_host(snapshot),
            far_no_slower: far_users_no_slower(snapshot).is_some(),
        }
    }
}

/// Metrics that say what the system is or must do (its users and where they are, its
/// regions, a requirement, a need to scale parts apart) rather than where its time goes:
/// a rule reads them to know which advice applies, and they are no evidence of a
/// bottleneck in the ranking of layers.
const fn describes_the_system(m: Metric) -> bool {
    matches!(
        m,
        Metric::Users
            | Metric::DeployedRegions
            | Metric::UserRegions
            | Metric::RemoteUserShare
            | Metric::DataResidencyRequired
            | Metric::AvailabilityTarget
            | Metric::IndependentScalingNeeded
    )
}

/// The layer a line of evidence of a finding in `layer` counts for, and as what; `None`
/// for a line that is no evidence of a bottleneck: a metric that describes the system
/// ([`describes_the_system`]), or the far users' wait when they wait no longer than users
/// overall (`context.far_no_slower`: the distance adds nothing measured).
pub(crate) fn rank_key<'a>(
    layer: Layer,
    line: EvidenceRef<'a>,
    context: RankContext<'_>,
) -> Option<(Layer, RankKey<'a>)> {
    match (line.subject, line.metric) {
        (Some((kind, name)), _) => Some((layer, RankKey::Subject(kind, name))),
        (None, Some(m)) if describes_the_system(m) => None,
        (None, Some(Metric::RemoteUserP95)) if context.far_no_slower => None,
        (None, Some(m @ (Metric::ServerCpu | Metric::MemoryUsage)))
            if context.shared_host.is_some() && layer == Layer::Application =>
        {
            Some((Layer::Database, RankKey::SharedHost(m)))
        }
        (None, m) => Some((layer, RankKey::Name(m.map_or(line.left, |m| m.name())))),
    }
}

/// The weight of a finding's evidence in the ranking of layers.
pub(crate) const fn evidence_weight(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 3,
        Severity::Warning => 2,
        Severity::Info => 1,
    }
}

pub(crate) fn rank_evidence<'f>(
    findings: impl Iterator<Item = (Option<Layer>, Severity, &'f str, &'f [RuleEvidence])>,
    context: RankContext<'_>,
) -> Vec<RankedLayer> {
    // layer -> metric -> worst weight
    let mut per: BTreeMap<Layer, (BTreeMap<String, u32>, Vec<String>)> = BTreeMap::new();
    for (layer, severity, id, evidence) in findings {
        let Some(layer) = layer else { continue };
        let weight = evidence_weight(severity);
        for e in evidence {
            let line = EvidenceRef {
                subject: e.subject.as_ref().map(|s| (s.kind, s.name.as_str())),
                metric: e.metric,
                left: &e.left,
            };
            let Some((layer, key)) = rank_key(layer, line, context) else {
                continue;
            };
            let key = match key {
                RankKey::Subject(kind, name) => format!("{kind} `{name}`"),
                RankKey::SharedHost(m) => format!(
                    "{m} (host `{}` shared with the database)",
                    context.shared_host.unwrap_or_default()
                ),
                RankKey::Name(name) => name.to_owned(),
            };
            let entry = per.entry(layer).or_default();
            let w = entry.0.entry(key).or_insert(0);
            *w = (*w).max(weight);
            if !entry.1.iter().any(|known| known == id) {
                entry.1.push(id.to_owned());
            }
        }
    }
    let mut out: Vec<RankedLayer> = per
        .into_iter()
        .filter(|(_, (m, _))| !m.is_empty())
        .map(|(layer, (metrics, findings))| RankedLayer {
            layer,
            score: metrics.values().sum(),
            metrics: metrics.into_keys().collect(),
            findings,
        })
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.layer.cmp(&b.layer)));
    out
}

impl Assessment {
    /// Says where each metric's value came from in the evidence that reads it: every line
    /// about `metric` ends with `[from <source>]`, in the findings, the plan and the held-back
    /// rungs. For collectors: the query, server and time of each value.
    ///
    /// # Examples
    /// ```
    /// use std::collections::BTreeMap;
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, Metric, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, assess};
    /// let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(90.0)?);
    /// let mut a = assess(&Engine::default_pack(), &snap, &History::new());
    /// let source = "`cpu_busy` on prom at 1700000000".to_owned();
    /// a.cite_sources(&BTreeMap::from([(Metric::ServerCpu, source)]));
    /// let cited = "[from `cpu_busy` on prom at 1700000000]";
    /// assert!(a.plan.iter().flat_map(|s| &s.why).any(|w| w.ends_with(cited)));
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    pub fn cite_sources(&mut self, sources: &BTreeMap<Metric, String>) {
        let mut renamed: Vec<(String, String)> = Vec::new();
        for f in &mut self.findings {
            for e in &mut f.evidence {
                let Some(src) = e.metric.and_then(|m| sources.get(&m)) else {
                    continue;
                };
                let before = e.to_string();
                e.source = Some(src.clone());
                renamed.push((before, e.to_string()));
            }
        }
        let fix = |lines: &mut Vec<String>| {
            for line in lines.iter_mut() {
                if let Some((_, after)) = renamed.iter().find(|(b, _)| b == line) {
                    line.clone_from(after);
                }
            }
        };
        for step in &mut self.plan {
            fix(&mut step.why);
        }
        for h in &mut self.held_back {
            fix(&mut h.why);
        }
    }
}

impl StageView {
    /// One line on what the metrics say about the stage; never reads as a demotion.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot,
    ///     units::{Ratio, Users},
    /// };
    /// use scalability_advisor_rules::{Engine, assess};
    /// let snap = MetricsSnapshot::default()
    ///     .with_users(Users::new(5_000))
    ///     .with_db_cpu(Ratio::from_percent(82.0)?);
    /// let a = assess(&Engine::default_pack(), &snap, &History::new());
    /// assert_eq!(
    ///     a.stage.metrics_line(),
    ///     "the guide's conditions for stage 2 (growth) hold, ahead of the user count"
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn metrics_line(&self) -> String {
        let made = if self.made.is_empty() {
            String::new()
        } else {
            format!(
                "; made already, with what they call for in place: {}",
                self.made.join(", ")
            )
        };
        // An overdue move is to the furthest stage not built yet, which a made move to a
        // later stage must not be taken for: the line names each by its own stage.
        let (overdue_to, made_too) = match (self.unmade, self.by_metrics) {
            (Some(o), Some(m)) if o < m && !self.made.is_empty() => (
                o,
                format!(
                    "; those for {m} hold too, made already, with what they call for in place: {}",
                    self.made.join(", ")
                ),
            ),
            (_, m) => (m.unwrap_or(Stage::Startup), made.clone()),
        };
        match (self.by_users, self.by_metrics) {
            (_, None) => "no stage-transition condition holds".to_owned(),
            (Some(u), Some(m)) if m > u => {
                format!("the guide's conditions for {m} hold, ahead of the user count{made}")
            }
            (_, Some(_))
                if !self.overdue.is_empty()
                    && self.overdue.iter().all(|id| self.waiting.contains(id)) =>
            {
                format!(
                    "the guide's conditions for {overdue_to} hold and the user count is already there, but nothing the move would add is due yet: each missing part waits for a condition of its own, not measured to hold ({}){made_too}",
                    self.overdue.join(", ")
                )
            }
            (_, Some(_)) if !self.overdue.is_empty() => format!(
                "the guide's conditions for {overdue_to} hold; the user count is already there, so the move is overdue ({}){made_too}",
                self.overdue.join(", ")
            ),
            (_, Some(m)) if !self.made.is_empty() && self.unmade.is_none() => format!(
                "the guide's conditions for {m} hold, but what they call for is in place: they are symptoms to work on, not a move ({})",
                self.made.join(", ")
            ),
            (_, Some(m)) => format!("the guide's conditions for {m} hold{made}"),
        }
    }

    /// One line on what of each stage's architecture is in place, against the user count;
    /// `None` when no architecture was declared.
    ///
    /// Each stage from 2 up to the later of the user count's stage and
    /// [`StageView::reached`] is counted by the components it adds ([`Stage::new_components`]):
    /// "stage 2 (growth) 2 of 4 (load_balancer, cache), stage 3 (scale) none of 6". A
    /// count rather than the furthest stage fully built, because one component the guide
    /// adds only on need (a search cluster) would otherwise put a multi-region system at
    /// stage 2. Then, when the user count is in a later stage than the architecture reaches,
    /// how far; an architecture behind its users is not by itself a reason to build (the
    /// guide adds each component when its condition holds), so when no transition fires
    /// the line says that nothing measured calls for a move yet.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Component, History, MetricsSnapshot, units::Users,
    /// };
    /// use scalability_advisor_rules::{Engine, assess};
    /// let mut snap = MetricsSnapshot::default().with_users(Users::new(300_000));
    /// snap.architecture.insert(Component::LoadBalancer);
    /// let a = assess(&Engine::default_pack(), &snap, &History::new());
    /// assert_eq!(
    ///     a.stage.in_place_line().as_deref(),
    ///     Some(
    ///         "stage 2 (growth) 1 of 4 (load_balancer), stage 3 (scale) none of 6; the \
    ///          user count is in stage 3 (scale), one stage beyond the architecture, and no \
    ///          metric calls for a move yet: each missing component waits for its condition"
    ///     )
    /// );
    /// ```
    #[must_use]
    pub fn in_place_line(&self) -> Option<String> {
        let reached = self.reached?;
        let arch = self.architecture;
        let mut line = if reached == Stage::Startup {
            let one = if arch.contains(Component::SingleServer) {
                "one server, "
            } else {
                ""
            };
            format!("{one}nothing of {} or later", Stage::Growth)
        } else {
            let last = self.by_users.map_or(reached, |u| u.max(reached));
            let counts: Vec<String> = Stage::ALL
                .into_iter()
                .filter(|s| *s > Stage::Startup && *s <= last)
                .map(|s| {
                    let own = s.new_components();
                    let present = own.intersection(arch);
                    let absent = own.difference(arch);
                    let (k, n) = (present.len(), own.len());
                    if k == n {
                        format!("{s} all {n}")
                    } else if k == 0 {
                        format!("{s} none of {n}")
                    } else if absent.len() < k {
                        format!("{s} {k} of {n} (all but {absent})")
                    } else {
                        format!("{s} {k} of {n} ({present})")
                    }
                })
                .collect();
            counts.join(", ")
        };
        match self.by_users {
            Some(u) if u > reached => {
                let gap = match u.number() - reached.number() {
                    1 => "one stage",
                    2 => "two stages",
                    _ => "three stages",
                };
                line.push_str(&format!(
                    "; the user count is in {u}, {gap} beyond the architecture"
                ));
                if self.by_metrics.is_none() {
                    line.push_str(
                        ", and no metric calls for a move yet: each missing component waits for its condition",
                    );
                }
            }
            Some(u) if u < reached => {
                line.push_str(&format!("; ahead of the user count, in {u}"));
            }
            _ => {}
        }
        Some(line)
    }

    /// One line on the stage by users.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Users,
    /// };
    /// use scalability_advisor_rules::{Engine, assess};
    /// let a = assess(
    ///     &Engine::default_pack(),
    ///     &MetricsSnapshot::default().with_users(Users::new(5_000)),
    ///     &History::new(),
    /// );
    /// assert_eq!(
    ///     a.stage.users_line(),
    ///     "stage 1 (startup): 5000 users (0 to 10,000 users)"
    /// );
    /// ```
    #[must_use]
    pub fn users_line(&self) -> String {
        match (self.users, self.by_users, self.band) {
            (Some(u), Some(s), Some(b)) => format!("{s}: {u} ({b})"),
            _ => "unknown (give `users`)".to_owned(),
        }
    }
}

impl NextStage {
    fn lines(&self) -> Vec<String> {
        let mut o = vec![format!("{} ({}): {}", self.stage, self.band, self.reason)];
        o.push(format!("architecture: {}", self.architecture));
        match self.missing {
            Some(m) if m.is_empty() => o.push("missing: nothing declared missing".to_owned()),
            Some(m) => {
                o.push(format!("missing: {m}"));
                if !self.when_to_add.is_empty() {
                    o.push("add each when the guide's condition for it holds, not before:".to_owned());
                    o.extend(self.when_to_add.iter().map(|w| format!("  {w}")));
                }
                if !self.placed.is_empty() {
                    // The components one place holds are named together, places in the
                    // order their first component comes.
                    let mut places: Vec<(&str, Vec<String>)> = Vec::new();
                    for (c, place) in &self.placed {
                        match places.iter_mut().find(|(p, _)| p == place) {
                            Some((_, names)) => names.push(c.to_string()),
                            None => places.push((place, vec![c.to_string()])),
                        }
                    }
                    let each: Vec<String> = places
                        .iter()
                        .map(|(place, names)| format!("{} ({place})", names.join(", ")))
                        .collect();
                    o.push(format!("in the plan: {}", each.join("; ")));
                }
                if !self.uncalled.is_empty() {
                    o.push(format!(
                        "nothing measured calls for these yet: {}; the guide adds each as the system comes to need it, not before",
                        self.uncalled
                    ));
                }
            }
            None if self.shown.is_empty() => o.push(
                "missing: unknown (declare `architecture`, [\"single_server\"] for one server with nothing else)"
                    .to_owned(),
            ),
            None => o.push(format!(
                "missing: unknown (the metrics show {} in place; declare `architecture`, [\"single_server\"] for one server with nothing else)",
                self.shown
            )),
        }
        o.push(format!(
            "cost: {} (indicative); the guide's table gives {} at {} ({})",
            self.indicative_cost,
            self.cost_table_monthly,
            self.cost_table_users,
            self.cost_table_architecture
        ));
        o
    }
}

impl Assessment {
    /// The worst severity among findings and plan steps (checklist gaps included).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, Severity, assess};
    /// let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(95.0)?);
    /// let a = assess(&Engine::default_pack(), &snap, &History::new());
    /// assert_eq!(a.worst(), Some(Severity::Critical)); // beyond the 85% warning level
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn worst(&self) -> Option<Severity> {
        self.findings
            .iter()
            .map(|f| f.severity)
            .chain(self.plan.iter().map(|s| s.severity))
            .max()
    }

    /// What a held-back finding waits for, in words: `after step 2, "Add indexes"`.
    fn waits_for(&self, h: &HeldBack) -> String {
        match h
            .after_step
            .and_then(|rank| self.plan.iter().find(|s| s.rank == rank))
        {
            Some(s) => format!("after step {}, \"{}\"", s.rank, s.title),
            None => format!("after \"{}\"", h.until_title(&self.findings)),
        }
    }

    /// What an empty plan says: nothing to do in what was given, and how many rules could
    /// not be judged, so that missing data is not read as health.
    ///
    /// Practices of the guide's checklists that nothing given shows in place (a tested
    /// recovery, chaos engineering: no metric shows them) are counted too: an empty plan is
    /// no clean bill for them.
    fn nothing_to_do(&self) -> String {
        let mut said = match self.not_judged.len() {
            0 => "Nothing to do: no rule found a problem in what was given.".to_owned(),
            n => format!(
                "Nothing to do in what was given: no rule found a problem, but {n} {} could not be judged for lack of data (see \"Not judged\").",
                if n == 1 { "rule" } else { "rules" }
            ),
        };
        let to_verify: usize = self.checklists.iter().map(|c| c.to_verify().count()).sum();
        match to_verify {
            0 => {}
            1 => said.push_str(
                " 1 practice of the guide's checklists is still to verify: nothing given shows it in place (see the checklists).",
            ),
            n => said.push_str(&format!(
                " {n} practices of the guide's checklists are still to verify: nothing given shows them in place (see the checklists)."
            )),
        }
        said
    }

    /// Plain text, readable in an 80-column terminal; the plan of action comes first.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, assess};
    /// let snap = MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(90.0)?);
    /// let text = assess(&Engine::default_pack(), &snap, &History::new()).to_text();
    /// assert!(text.starts_with("Plan of action\n  1. [warning] Add read replicas"));
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn to_text(&self) -> String {
        use core::fmt::Write as _;
        // (A report of a few steps is some kilobytes, one of many steps tens: sized once
        // for the common report rather than grown a doubling at a time from nothing.)
        let mut o = String::with_capacity(16 * 1024);
        let _ = writeln!(o, "Plan of action");
        if self.plan.is_empty() {
            let _ = writeln!(o, "  {}", self.nothing_to_do());
        }
        for s in &self.plan {
            let _ = writeln!(o, "  {}. [{}] {}", s.rank, s.severity, s.title);
            for line in shown_subjects(&s.subjects) {
                let _ = writeln!(o, "       on:  {line}");
            }
            for w in &s.why {
                let _ = writeln!(o, "       why: {w}");
            }
            let _ = writeln!(o, "       do:  {}", s.advice);
            for n in &s.notes {
                let _ = writeln!(o, "       note: {n}");
            }
            if !s.findings.is_empty() {
                let _ = writeln!(o, "       from: {}", s.findings.join(", "));
            }
        }
        if !self.held_back.is_empty() {
            let _ = writeln!(o, "\n  Held back until the step they wait for is done");
            for h in &self.held_back {
                // The finding's own title: a ladder's names the ladder and the rung, and a
                // finding that reopened a rung says why ("Application cache hit rate is
                // low", not "Cache what is computed again and again" above a cache).
                let _ = writeln!(o, "  - {} ({}): {}", h.title, h.finding, self.waits_for(h));
                for w in &h.why {
                    let _ = writeln!(o, "       why: {w}");
                }
                for n in &h.notes {
                    let _ = writeln!(o, "       note: {n}");
                }
            }
        }
        let _ = writeln!(o, "\nStage");
        let _ = writeln!(o, "  by users:    {}", self.stage.users_line());
        let _ = writeln!(o, "  by metrics:  {}", self.stage.metrics_line());
        if let Some(in_place) = self.stage.in_place_line() {
            let _ = writeln!(o, "  in place:    {in_place}");
        }
        if let Some(n) = &self.next_stage {
            for (i, line) in n.lines().iter().enumerate() {
                let head = if i == 0 {
                    "  heading for: "
                } else {
                    "               "
                };
                let _ = writeln!(o, "{head}{line}");
            }
        }
        let _ = writeln!(o, "\nKey metrics");
        for h in &self.health {
            let _ = writeln!(o, "  {h}");
        }
        let _ = writeln!(o, "\nFindings ({})", self.findings.len());
        for f in &self.findings {
            for line in f.to_string().lines() {
                let _ = writeln!(o, "  {line}");
            }
        }
        for c in &self.checklists {
            let _ = writeln!(o, "\nThe guide's {} checklist", c.checklist);
            for (item, status) in &c.items {
                let mark = match status {
                    ChecklistStatus::Declared => "done (declared)",
                    ChecklistStatus::Shown => "done (shown)",
                    ChecklistStatus::Gap => "GAP",
                    ChecklistStatus::ToVerify => "to verify",
                };
                let _ = writeln!(o, "  {mark:<16} {}", item.title());
            }
        }
        if !self.bottlenecks.is_empty() {
            let _ = writeln!(o, "\nLikely bottlenecks (by independent evidence)");
            for b in &self.bottlenecks {
                let _ = writeln!(
                    o,
                    "  {} (score {}: {})",
                    b.layer,
                    b.score,
                    b.metrics.join(", ")
                );
            }
        }
        if !self.not_judged.is_empty() {
            let _ = writeln!(
                o,
                "\nNot judged ({} rules lacked data)",
                self.not_judged.len()
            );
            let (now, later) = self.missing_by_urgency();
            if !now.is_empty() {
                let _ = writeln!(o, "  worth measuring: {}", now.join(", "));
            }
            if !later.is_empty() {
                let _ = writeln!(o, "  can wait: {}", later.join(", "));
                let _ = writeln!(o, "      ({})", self.why_they_can_wait());
            }
        }
        o
    }

    /// What the rules not judged lacked, as text, sorted and each once: first what is worth
    /// measuring (some rule that concerns the system now needs it), then what can wait
    /// (only rules with [`NotJudged::can_wait`] need it).
    fn missing_by_urgency(&self) -> (Vec<String>, Vec<String>) {
        let texts = |wait: bool| {
            let mut t: Vec<String> = self
                .not_judged
                .iter()
                .filter(|n| n.can_wait.is_some() == wait)
                .flat_map(|n| n.missing.iter().map(ToString::to_string))
                .collect();
            t.sort();
            t.dedup();
            t
        };
        let now = texts(false);
        let mut later = texts(true);
        later.retain(|t| now.binary_search(t).is_err());
        (now, later)
    }

    /// Why the inputs that can wait can: the later stages the rules needing them are about,
    /// and whether some warn of components not in place.
    fn why_they_can_wait(&self) -> String {
        let mut stages: Vec<Stage> = Vec::new();
        let mut nothing_in_place = false;
        let mut absent = ComponentSet::EMPTY;
        for n in &self.not_judged {
            match n.can_wait {
                Some(CanWait::LaterStage { stage }) if !stages.contains(&stage) => {
                    stages.push(stage);
                }
                Some(CanWait::NothingInPlace) => nothing_in_place = true,
                Some(CanWait::NotInPlace { component }) => {
                    absent.insert(component);
                }
                _ => {}
            }
        }
        stages.sort_unstable();
        let mut why = Vec::new();
        if !stages.is_empty() {
            let names: Vec<String> = stages.iter().map(ToString::to_string).collect();
            why.push(format!(
                "rules about {}, beyond the next stage",
                names.join(" or ")
            ));
        }
        if nothing_in_place {
            why.push(
                "rules that warn of components added too early, none of which is in place"
                    .to_owned(),
            );
        }
        if !absent.is_empty() {
            why.push(format!(
                "rules that read what components not in place would report ({absent})"
            ));
        }
        format!("needed only by {}", why.join(", or by "))
    }

    /// Markdown, for tickets and chat; the same content as [`Assessment::to_text`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, assess};
    /// let snap = MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(90.0)?);
    /// let md = assess(&Engine::default_pack(), &snap, &History::new()).to_markdown();
    /// assert!(md.contains("1. **Add read replicas** (warning)"));
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn to_markdown(&self) -> String {
        use core::fmt::Write as _;
        let mut o = String::new();
        let _ = writeln!(o, "# Scalability assessment\n\n## Plan of action\n");
        if self.plan.is_empty() {
            let _ = writeln!(o, "{}", self.nothing_to_do());
        }
        for s in &self.plan {
            let _ = writeln!(o, "{}. **{}** ({})", s.rank, s.title, s.severity);
            for line in shown_subjects(&s.subjects) {
                let _ = writeln!(o, "   - on: {line}");
            }
            for w in &s.why {
                let _ = writeln!(o, "   - why: {w}");
            }
            let _ = writeln!(o, "   - do: {}", s.advice);
            for n in &s.notes {
                let _ = writeln!(o, "   - note: {n}");
            }
            if !s.findings.is_empty() {
                let ids: Vec<String> = s.findings.iter().map(|f| format!("`{f}`")).collect();
                let _ = writeln!(o, "   - from: {}", ids.join(", "));
            }
        }
        if !self.held_back.is_empty() {
            let _ = writeln!(o, "\n### Held back until the step they wait for is done\n");
            for h in &self.held_back {
                let notes: String = h.notes.iter().map(|n| format!("; note: {n}")).collect();
                let _ = writeln!(
                    o,
                    "- {} (`{}`): {}; {}{notes}",
                    h.title,
                    h.finding,
                    self.waits_for(h),
                    h.why.join("; ")
                );
            }
        }
        let _ = writeln!(o, "\n## Stage\n");
        let _ = writeln!(o, "- **By users:** {}", self.stage.users_line());
        let _ = writeln!(o, "- **By metrics:** {}", self.stage.metrics_line());
        if let Some(in_place) = self.stage.in_place_line() {
            let _ = writeln!(o, "- **In place:** {in_place}");
        }
        if let Some(n) = &self.next_stage {
            let lines = n.lines();
            let _ = writeln!(o, "- **Heading for:** {}", lines[0]);
            for l in &lines[1..] {
                // (An indented line belongs to the line above it: a nested item.)
                match l.strip_prefix("  ") {
                    Some(nested) => {
                        let _ = writeln!(o, "    - {nested}");
                    }
                    None => {
                        let _ = writeln!(o, "  - {l}");
                    }
                }
            }
        }
        let _ = writeln!(
            o,
            "\n## Key metrics\n\n| metric | value | health |\n|---|---|---|"
        );
        for h in &self.health {
            let v = h
                .observed
                .map_or("not measured".to_owned(), |q| q.to_string());
            let health = h.health.map_or("-".to_owned(), |x| x.to_string());
            let _ = writeln!(o, "| {} | {v} | {health} |", h.metric);
        }
        let _ = writeln!(o, "\n## Findings\n");
        if self.findings.is_empty() {
            let _ = writeln!(o, "None.");
        }
        for f in &self.findings {
            let overdue = if f.overdue { ", overdue" } else { "" };
            let _ = writeln!(o, "### {} `{}` ({}{overdue})\n", f.title, f.id, f.severity);
            for e in &f.evidence {
                let _ = writeln!(o, "- {e}");
            }
            for c in f.declared.iter() {
                let _ = writeln!(o, "- {}", declared_line(c));
            }
            for c in f.shown.iter() {
                let _ = writeln!(o, "- {}", shown_line(c));
            }
            for c in f.absent.iter() {
                let _ = writeln!(o, "- {}", absent_line(c));
            }
            let _ = writeln!(o, "\n{}\n", f.advice);
        }
        for c in &self.checklists {
            let _ = writeln!(o, "## The guide's {} checklist\n", c.checklist);
            for (item, status) in &c.items {
                let mark = match status {
                    ChecklistStatus::Declared | ChecklistStatus::Shown => "[x]",
                    ChecklistStatus::Gap => "[ ] **gap**",
                    ChecklistStatus::ToVerify => "[ ] to verify",
                };
                let _ = writeln!(o, "- {mark} {}", item.title());
            }
            let _ = writeln!(o);
        }
        if !self.bottlenecks.is_empty() {
            let _ = writeln!(o, "## Likely bottlenecks\n");
            for (i, b) in self.bottlenecks.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "{}. **{}** (score {}: {})",
                    i + 1,
                    b.layer,
                    b.score,
                    b.metrics.join(", ")
                );
            }
        }
        if !self.not_judged.is_empty() {
            let _ = writeln!(o, "\n## Not judged\n");
            let needs = |n: &NotJudged| {
                let m: Vec<String> = n.missing.iter().map(ToString::to_string).collect();
                m.join(", ")
            };
            for n in self.not_judged.iter().filter(|n| n.can_wait.is_none()) {
                let _ = writeln!(o, "- `{}`: needs {}", n.rule, needs(n));
            }
            if self.not_judged.iter().any(|n| n.can_wait.is_some()) {
                let _ = writeln!(o, "\nCan wait, {}:\n", self.why_they_can_wait());
                for n in &self.not_judged {
                    let why = match n.can_wait {
                        Some(CanWait::LaterStage { stage }) => format!("about {stage}"),
                        Some(CanWait::NothingInPlace) => {
                            "nothing it warns of is in place".to_owned()
                        }
                        Some(CanWait::NotInPlace { component }) => {
                            format!("no {component} in place to report it")
                        }
                        None => continue,
                    };
                    let _ = writeln!(o, "- `{}`: needs {} ({why})", n.rule, needs(n));
                }
            }
        }
        o
    }

    /// JSON (see the type docs for the shape).
    ///
    /// # Errors
    /// Never in practice: every field serializes; the `Result` is serde's.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Assessment, Engine, assess};
    /// let snap = MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(90.0)?);
    /// let json = assess(&Engine::default_pack(), &snap, &History::new()).to_json()?;
    /// let back: Assessment = serde_json::from_str(&json)?; // reads back
    /// assert_eq!(back.plan[0].findings, ["add.read_replicas"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_folded_note_starts_as_a_note_does_and_keeps_acronyms() {
        assert_eq!(
            super::folded_note("Servers sit behind a balancer: check the spread.", "m.2"),
            "servers sit behind a balancer: check the spread (m.2)"
        );
        assert_eq!(
            super::folded_note("DB CPU stays high", "m.3"),
            "DB CPU stays high (m.3)"
        );
        assert_eq!(super::folded_note("A", "x"), "A (x)");
    }

    #[test]
    fn both_sentences_of_nothing_to_add_end_alike() {
        for sentence in [super::NOTHING_TO_ADD_NOW, super::NOTHING_ELSE_NOW] {
            assert!(sentence.ends_with(super::NOTHING_NOW_END));
            assert!(super::adds_nothing_now(&format!("A. {sentence} B.")));
        }
        assert!(!super::adds_nothing_now("Nothing is to be added later."));
    }

    use super::*;
    use crate::Reading;

    /// The patterns' words in the stage-4 move's advice are the guide's table, as the core
    /// encodes it.
    #[test]
    fn the_pattern_texts_follow_the_guides_table() {
        use scalability_advisor_core::patterns::{ConsistencyModel, MultiRegionPattern, Rating};
        let passive = MultiRegionPattern::ActivePassive;
        assert_eq!(passive.consistency(), ConsistencyModel::Strong);
        assert_eq!(passive.complexity(), Rating::Low);
        assert_eq!(passive.latency(), Rating::High); // a slow failover
        assert!(
            STANDBY_PATTERN.contains("strong consistency, little complexity, a slower failover")
        );
        let active = MultiRegionPattern::ActiveActive;
        assert_eq!(
            (active.latency(), active.consistency(), active.complexity()),
            (Rating::Low, ConsistencyModel::Eventual, Rating::High)
        );
        assert!(SERVING_PATTERNS.contains(
            "active-active pattern (low latency, eventual consistency, much complexity)"
        ));
        let sun = MultiRegionPattern::FollowTheSun;
        assert_eq!(
            (sun.consistency(), sun.complexity()),
            (ConsistencyModel::StrongPerRegion, Rating::Medium)
        );
        assert!(
            SERVING_PATTERNS.contains(
                "follow-the-sun (strong consistency within each region, medium complexity)"
            )
        );
    }

    /// The stage ahead's "add each when" line writes a value just past its condition's
    /// level with the digits that show it past (by hand: 70.00004% is written 70% by
    /// `Display`, computed to one decimal), and a value apart from it as before.
    #[test]
    fn when_to_add_never_reads_as_its_level() {
        let line = |cpu: f64| {
            let mut snap = MetricsSnapshot::default()
                .with_users(Users::new(4_000))
                .with_server_cpu(Ratio::from_percent(cpu).unwrap());
            snap.architecture.insert(Component::SingleServer);
            let a = crate::assess(&crate::Engine::default_pack(), &snap, &History::new());
            let next = a.next_stage.unwrap();
            let lb = next
                .when_to_add
                .into_iter()
                .find(|w| w.component == Component::LoadBalancer)
                .unwrap();
            (lb.level.map(|l| l.to_string()), lb.to_string())
        };
        let (level, text) = line(70.000_04);
        assert_eq!(level.as_deref(), Some("70%"));
        assert!(
            text.starts_with("load_balancer when server_cpu > 70% (now 70.00004%: it holds"),
            "{text}"
        );
        assert_eq!(
            line(25.0).1,
            "load_balancer when server_cpu > 70% (now 25%)"
        );
    }

    /// A line of evidence on server_cpu at 88% against `threshold` (written `text`).
    fn cpu_evidence(
        op: crate::CmpOp,
        threshold: f64,
        text: &str,
        reading: Reading,
    ) -> RuleEvidence {
        RuleEvidence {
            subject: None,
            series: None,
            metric: Some(Metric::ServerCpu),
            field: None,
            left: "server_cpu".to_owned(),
            op,
            negated: false,
            threshold_text: text.to_owned(),
            threshold,
            observed: Some(0.88),
            margin: None,
            held: Some(true),
            dim: crate::Dim::Number,
            threshold_origin: None,
            threshold_percent: true,
            reading,
            source: None,
        }
    }

    #[test]
    fn a_stricter_level_is_further_out_on_its_side() {
        assert!(stricter(">", 0.85, 0.70));
        assert!(!stricter(">", 0.70, 0.85));
        assert!(!stricter(">", 0.85, 0.85));
        assert!(stricter("<", 0.20, 0.35));
        assert!(!stricter("<", 0.35, 0.20));
        assert!(!stricter("<", 0.35, 0.35));
        assert!(!stricter("==", 1.0, 0.0));
    }

    #[test]
    fn one_value_on_one_side_is_one_fact_whatever_its_level_and_reading_of_a_series_apart() {
        use crate::CmpOp;
        let value = Reading::Snapshot;
        let (gt70, level70) = evidence_key(&cpu_evidence(CmpOp::Ge, 0.70, "$cpu_target", value));
        let (gt85, level85) = evidence_key(&cpu_evidence(CmpOp::Gt, 0.85, "$cpu_warning", value));
        // One fact, told apart by the level kept beside the key.
        assert_eq!(gt70, gt85);
        assert_eq!((level70, level85), (Some(0.70), Some(0.85)));
        // Below a level is another fact.
        let (lt, _) = evidence_key(&cpu_evidence(CmpOp::Lt, 0.95, "95%", value));
        assert_ne!(lt, gt70);
        // Equality has no stricter level: each level is its own fact.
        let (eq1, l1) = evidence_key(&cpu_evidence(CmpOp::Eq, 0.88, "88%", value));
        let (eq2, _) = evidence_key(&cpu_evidence(CmpOp::Eq, 0.5, "50%", value));
        assert_ne!(eq1, eq2);
        assert_eq!(l1, None);
        // A share of a series window above a level is a fact beside the snapshot's value.
        let sustained = Reading::Sustained {
            share: 0.9,
            required: 0.8,
            samples: 48,
            span_s: 86_400.0,
        };
        let (over_time, _) = evidence_key(&cpu_evidence(CmpOp::Gt, 0.70, "$cpu_target", sustained));
        assert_ne!(over_time, gt70);
        // A level without a number (NaN) is told apart by its text, on any side.
        let (a, none) = evidence_key(&cpu_evidence(CmpOp::Gt, f64::NAN, "rising", value));
        let (b, _) = evidence_key(&cpu_evidence(CmpOp::Gt, f64::NAN, "falling", value));
        assert_ne!(a, b);
        assert_eq!(none, None);
    }

    #[test]
    fn memory_fill_reads_as_a_rate_and_the_time_left() {
        let text = |per_hour: f64, hours_left: f64| {
            memory_fill_text(MemoryFill {
                per_hour,
                hours_left,
            })
        };
        // 0.0095 of the memory an hour is 0.95 points; 8.4 h rounds to 8.
        assert!(
            text(0.0095, 8.42).starts_with(
                "at the measured rate (Sen's slope, 0.95 points an hour), memory reaches 100% in about 8 h:"
            ),
            "{}",
            text(0.0095, 8.42)
        );
        // 0.0005 an hour is 0.05 points an hour, written as 1.2 points a day; 200 h is
        // 8.3 days.
        let slow = text(0.0005, 200.0);
        assert!(slow.contains("1.2 points a day"), "{slow}");
        assert!(slow.contains("in about 8 days"), "{slow}");
        // Under half an hour left (or none): already full.
        assert!(text(0.02, 0.2).contains("reaches 100% already"));
        // One point an hour (a slope of 0.01, or 0.0099 written to two digits as 0.99,
        // and 0.00996 rounding to 1) is one point, not "1 points".
        assert!(text(0.01, 9.0).contains("(Sen's slope, 1 point an hour)"));
        assert!(text(0.0099, 9.0).contains("0.99 points an hour"));
        assert!(text(0.009_96, 9.0).contains("1 point an hour"));
        // 1/24 of a point an hour is 1 point a day.
        assert!(text(0.01 / 24.0, 500.0).contains("1 point a day"));
        assert!(text(0.02, 9.0).contains("2 points an hour"));
        assert_eq!(significant(12.4), "12");
        assert_eq!(significant(2.0), "2");
        assert_eq!(significant(0.012_3), "0.012");
    }

    #[test]
    fn a_held_back_finding_names_the_step_it_waits_for_even_outside_the_plan() {
        let held = |until: StepKey| HeldBack {
            finding: "f".to_owned(),
            title: "t".to_owned(),
            remedy: Remedy::EdgeCompute,
            symptom: Symptom::SlowPageLoads,
            until,
            after_step: None,
            why: Vec::new(),
            notes: Vec::new(),
        };
        assert_eq!(
            held(StepKey::Remedy(Remedy::AddIndexes)).until_title(&[]),
            "Add the missing indexes"
        );
        assert_eq!(
            held(StepKey::LadderExhausted(Symptom::DatabaseSlow)).until_title(&[]),
            "Find what still loads the database: the guide's ladder is used up"
        );
        assert_eq!(
            held(StepKey::Component(Component::GlobalLoadBalancer)).until_title(&[]),
            "Add a global load balancer"
        );
        assert_eq!(
            held(StepKey::Action("speed_up_service_calls".to_owned())).until_title(&[]),
            "speed_up_service_calls"
        );
        assert_eq!(
            held(StepKey::Rule("db.bloat".to_owned())).until_title(&[]),
            "db.bloat"
        );
        // A step of an action or a rule is titled as the plan would title it: by the step
        // title its finding gives ("Speed up the calls between services", the default
        // pack's for slow calls between services), not by the pack's id.
        let slow_calls = assess(
            &crate::Engine::default_pack(),
            &MetricsSnapshot::default()
                .with_inter_service_p95_latency(core::time::Duration::from_millis(300)),
            &History::new(),
        );
        for until in [
            StepKey::Action("speed_up_service_calls".to_owned()),
            StepKey::Rule("layer.network.latency".to_owned()),
        ] {
            assert_eq!(
                held(until).until_title(&slow_calls.findings),
                "Speed up the calls between services"
            );
        }
        let waiting = Assessment {
            held_back: vec![held(StepKey::Action("speed_up_service_calls".to_owned()))],
            ..slow_calls.clone()
        };
        assert_eq!(
            waiting.waits_for(&waiting.held_back[0]),
            "after \"Speed up the calls between services\""
        );
        // Without a step title, the finding's title.
        let mut untitled = slow_calls.findings.clone();
        untitled.iter_mut().for_each(|f| f.step_title = None);
        assert_eq!(
            held(StepKey::Rule("layer.network.latency".to_owned())).until_title(&untitled),
            "Slow calls between services"
        );
        // With no such step in the plan, the report names it by its key.
        let a = Assessment {
            held_back: vec![held(StepKey::Remedy(Remedy::AddIndexes))],
            ..assess(
                &crate::Engine::default_pack(),
                &MetricsSnapshot::default(),
                &History::new(),
            )
        };
        assert_eq!(
            a.waits_for(&a.held_back[0]),
            "after \"Add the missing indexes\""
        );
        assert!(
            a.to_text()
                .contains("  - t (f): after \"Add the missing indexes\"\n")
        );
    }

    #[test]
    fn each_used_up_ladder_says_where_its_own_layer_goes_on() {
        // Each layer's next place to look, from the guide's diagnosis guide: tracing for
        // pages, the health check for a database, the provider for APIs, profiles for the
        // servers.
        for (symptom, place) in [
            (Symptom::SlowPageLoads, "distributed tracing"),
            (Symptom::DatabaseSlow, "pg_stat_statements"),
            (Symptom::ApiTimeouts, "rate limits"),
            (Symptom::HighServerCpu, "auto-scaling"),
            (Symptom::HighMemory, "heap profiles"),
        ] {
            assert!(beyond_the_ladder(symptom).contains(place), "{symptom:?}");
        }
        // The step's title says the gist of it, each in words of its own layer.
        for (symptom, gist, word) in [
            (Symptom::SlowPageLoads, "Trace", "pages"),
            (Symptom::DatabaseSlow, "Find", "database"),
            (Symptom::ApiTimeouts, "Work", "provider"),
            (Symptom::HighServerCpu, "Profile", "servers"),
            (Symptom::HighMemory, "Find", "memory"),
        ] {
            let mut title = String::new();
            write_base_title(&mut title, Key::LadderExhausted(symptom), "", None);
            assert!(
                title.starts_with(gist)
                    && title.contains(word)
                    && title.ends_with(": the guide's ladder is used up"),
                "{title}"
            );
        }
    }

    #[test]
    fn discouraged_components_are_written_only_when_there_are_some() {
        let snap = MetricsSnapshot::default()
            .with_users(scalability_advisor_core::units::Users::new(2_000))
            .with_server_cpu(scalability_advisor_core::units::Ratio::from_percent(10.0).unwrap())
            .with_p95_response_time(core::time::Duration::from_millis(800))
            .with_component(Component::Microservices);
        let a = assess(&crate::Engine::default_pack(), &snap, &History::new());
        let json = serde_json::to_value(&a).unwrap();
        let findings = json["findings"].as_array().unwrap();
        assert!(findings.len() >= 2, "{json}");
        let premature = findings
            .iter()
            .find(|f| f["id"] == "premature.microservices")
            .unwrap();
        assert_eq!(
            premature["discourages"],
            serde_json::json!(["microservices"])
        );
        assert!(
            findings
                .iter()
                .filter(|f| f["id"] != "premature.microservices")
                .all(|f| f.get("discourages").is_none()),
            "{json}"
        );
        let back: Assessment = serde_json::from_value(json).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn and_lists_read_as_sentences() {
        assert_eq!(and_list(&[]), "");
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn titles_count_the_other_entities_by_kind() {
        let lines = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(others(&lines(&["table `a`: 1 rows"])), "");
        assert_eq!(
            others(&lines(&["table `a`: x", "statement `q`: y"])),
            " and 1 statement"
        );
        assert_eq!(
            others(&lines(&[
                "table `a`: x",
                "table `b`: y",
                "table `c`: z",
                "host `h`: w"
            ])),
            ", 2 more tables and 1 host"
        );
        assert_eq!(
            others(&lines(&["table `a`: x", "table `b`: y"])),
            " and 1 more table"
        );
    }

    /// A cache in place whose hit rate is exactly at the floor (80%) is not a cache that
    /// misses: its step (if one adds caching) gets no note on first reads, though few
    /// queries repeat (10%); just under the floor it does (by hand: 79.9% < 80%).
    #[test]
    fn few_repeats_note_a_cache_under_the_floor_only() {
        let pct = |p: f64| Ratio::from_percent(p).unwrap();
        let snap = |hits: f64| {
            let mut snap = MetricsSnapshot::default()
                .with_cache_hit_rate(pct(hits))
                .with_repeated_query_share(pct(10.0));
            snap.architecture.insert(Component::Cache);
            snap
        };
        // The step that tunes a cache that misses, as the plan makes it.
        let a = assess(&Engine::default_pack(), &snap(60.0), &History::new());
        let mut step = a
            .plan
            .into_iter()
            .find(|s| s.key == StepKey::Remedy(Remedy::AddCaching))
            .expect("a step tuning the cache");
        step.notes.clear();
        let notes = |hits: f64| {
            let mut steps = vec![step.clone()];
            note_cache_few_repeats(
                &mut steps,
                &mut [],
                &snap(hits),
                (pct(80.0), pct(25.0)),
                false,
            );
            steps.remove(0).notes
        };
        assert!(notes(80.0).is_empty());
        let under = notes(79.9);
        assert_eq!(under.len(), 1);
        assert!(under[0].contains("first reads"), "{under:?}");
    }
}
