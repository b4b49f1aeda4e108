//! The compiled form of a pack and its evaluation: three outcomes per rule, evidence on every
//! finding, deterministic order, and explicit state for `for` and hysteresis.

use core::fmt;
use core::time::Duration;

use scalability_advisor_core::units::{Ratio, digits_apart};
use scalability_advisor_core::{
    Component, ComponentSet, Direction, Entities, Entity, EntityField, EntityKind, History, Metric,
    MetricsSnapshot, Quantity, SeriesConfig, Stage, TrendSummary, UnitKind,
};

use crate::error::Error;
use crate::expr::{ArithOp, CmpOp, Dim, Expr, SeriesFn, fold, resolve};
use crate::pack::{MissingData, Origin, Rule, RulePack, Severity};

/// Most comparisons one rule may contain (each keeps a slot of evidence).
pub const MAX_COMPARISONS: usize = 16;
/// Deepest evaluation stack a rule may need.
const MAX_STACK: usize = 32;
/// Canonical value meaning "unknown" during evaluation.
const UNKNOWN: f64 = f64::NAN;
/// The evaluation's value array: every metric, then the fields of the entity `any(...)` is
/// looking at.
const VALUES: usize = Metric::COUNT + EntityField::MAX_PER_KIND;

// Sets of metrics are bits of a `u64` (the pack's read set, the known set): checked when
// compiling.
const _: () = assert!(Metric::COUNT <= 64, "metric sets no longer fit a u64");

/// The snapshot's metrics in canonical units, with the entity part unknown.
fn load_values(snapshot: &MetricsSnapshot) -> [f64; VALUES] {
    let mut values = [UNKNOWN; VALUES];
    if let Some(metrics) = values.first_chunk_mut::<{ Metric::COUNT }>() {
        snapshot.fill_canonical(metrics);
    }
    values
}

/// Bit i set when metric i has a value.
/// The most metrics a pack may read for [`Engine::evaluate`] to load them one by one
/// (about ten instructions each) rather than all of them in one pass (about seven each, for
/// every metric): measured with `benches/examples/instructions.rs`.
const LOAD_ONE_BY_ONE: u32 = 24;

fn known_bits(values: &[f64; VALUES]) -> u64 {
    // Branch-free: one or-ed bit per metric.
    values[..Metric::COUNT]
        .iter()
        .enumerate()
        .fold(0u64, |k, (i, v)| k | (u64::from(!v.is_nan()) << i))
}

/// How many entities of `kind` the snapshot lists; `None` when it has no such list.
fn entity_count(snapshot: &MetricsSnapshot, kind: EntityKind) -> Option<usize> {
    match kind {
        EntityKind::Table => snapshot.tables.as_ref().map(Entities::len),
        EntityKind::Statement => snapshot.statements.as_ref().map(Entities::len),
        EntityKind::Host => snapshot.hosts.as_ref().map(Entities::len),
        _ => None,
    }
}

/// Writes entity `i` of `kind`'s fields into `out` and returns its name.
fn entity_at<'s>(
    snapshot: &'s MetricsSnapshot,
    kind: EntityKind,
    i: usize,
    out: &mut [f64; EntityField::MAX_PER_KIND],
) -> &'s str {
    fn one<'s, T: Entity>(
        list: Option<&'s Entities<T>>,
        i: usize,
        out: &mut [f64; EntityField::MAX_PER_KIND],
    ) -> &'s str {
        match list.and_then(|l| l.as_slice().get(i)) {
            Some(e) => {
                e.fill(out);
                e.name().as_str()
            }
            None => {
                out.fill(UNKNOWN);
                ""
            }
        }
    }
    match kind {
        EntityKind::Table => one(snapshot.tables.as_ref(), i, out),
        EntityKind::Statement => one(snapshot.statements.as_ref(), i, out),
        EntityKind::Host => one(snapshot.hosts.as_ref(), i, out),
        _ => {
            out.fill(UNKNOWN);
            ""
        }
    }
}

// Generated from the compiled default pack by `codegen::tests::compiled_default_pack_is_current`;
// not formatted by rustfmt.
#[rustfmt::skip]
mod default_pack_run;
#[cfg(test)]
mod codegen;

/// NaN ("unknown") as `null`, so observations round-trip through JSON.
#[cfg(feature = "serde")]
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_nan() {
            s.serialize_none()
        } else {
            s.serialize_some(v)
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// What one comparison slot recorded during an evaluation.
#[derive(Debug, Clone, Copy)]
struct Slot {
    observed: f64,
    threshold: f64,
    held: f64,
    reading: Reading,
}

const EMPTY_SLOT: Slot = Slot {
    observed: UNKNOWN,
    threshold: UNKNOWN,
    held: UNKNOWN,
    reading: Reading::Snapshot,
};

impl Slot {
    const fn snapshot(observed: f64, threshold: f64, held: f64) -> Slot {
        Slot {
            observed,
            threshold,
            held,
            reading: Reading::Snapshot,
        }
    }
}

/// A comparison with a constant and the level tolerance of `scalability-advisor-core`
/// (values within one part in 10⁹ of the constant count as equal to it), its band `k ± tol`
/// worked out once: compiled conditions keep one per comparison, and
/// [`cmp_with_tolerance`] makes one on the spot.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Threshold {
    op: CmpOp,
    k: f64,
    /// `k - tol`: below it, `l` is below `k`.
    lo: f64,
    /// `k + tol`: above it, `l` is above `k`.
    hi: f64,
}

impl Threshold {
    fn new(op: CmpOp, k: f64) -> Threshold {
        let tol = scalability_advisor_core::LEVEL_TOLERANCE * k.abs();
        Threshold {
            op,
            k,
            lo: k - tol,
            hi: k + tol,
        }
    }

    #[inline]
    fn test(&self, l: f64) -> bool {
        let above = l > self.hi;
        let below = l < self.lo;
        match self.op {
            CmpOp::Gt => above,
            CmpOp::Ge => !below,
            CmpOp::Lt => below,
            CmpOp::Le => !above,
            CmpOp::Eq => !above && !below,
            CmpOp::Ne => above || below,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Const(f64),
    Load(u8),
    Neg,
    Arith(ArithOp),
    Cmp(CmpOp, u8),
    Not,
    And,
    Or,
    Series(SeriesFn, Metric, u8),
    Has(Component),
    /// `not has(c)`, fused.
    NotHas(Component),
    /// `metric op constant`, fused from Load, Const, Cmp.
    CmpMetricConst(u8, Threshold, u8),
    Present(u8),
}

/// What one comparison (or series function) of a rule looks at, fixed at compile time.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ComparisonSite {
    /// The series function, when the site is one (`consistently_above`, `degrading`,
    /// `plateauing`) rather than a comparison.
    pub series: Option<SeriesFn>,
    /// The metric on the left, when the left side is a metric.
    pub metric: Option<Metric>,
    /// The entity field on the left, when the left side is one (inside `any(...)`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub field: Option<EntityField>,
    /// The left side as written.
    pub left: String,
    /// The operator.
    pub op: CmpOp,
    /// The right side as written (the parameter name for `$param`).
    pub right: String,
    /// The unit of both sides.
    pub dim: Dim,
    /// Where the threshold came from, when it is a parameter.
    pub threshold_origin: Option<(String, Origin)>,
    /// Whether the threshold is written as a percentage (`80%`, or a parameter set to
    /// `"80%"`): a side with no unit of its own (a ratio of two rates, say) is then shown in
    /// percent too. (A metric or a field is shown in its own unit.)
    pub threshold_percent: bool,
}

#[derive(Debug, Clone)]
struct Program {
    ops: Vec<Op>,
    shape: Shape,
}

/// Common program shapes, evaluated without the stack machine.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    /// `metric op constant`.
    Single(u8, Threshold, u8),
    /// `metric op constant and not has(component)`.
    SingleNotHas(u8, Threshold, u8, Component),
    /// Two or more atoms (`metric op constant`, `has`, `not has`, `present`) joined by one
    /// connective throughout, `and` (true) or `or` (false): evaluated in one pass over the
    /// atoms, without the stack. (Kleene's `and` and `or` are associative and commutative, so
    /// any nesting of one connective reads as a flat list.)
    Flat(bool),
    /// Anything else.
    General,
}

impl Program {
    fn new(ops: Vec<Op>) -> Program {
        let shape = match ops.as_slice() {
            [Op::CmpMetricConst(i, t, s)] => Shape::Single(*i, *t, *s),
            [Op::CmpMetricConst(i, t, s), Op::NotHas(comp), Op::And] => {
                Shape::SingleNotHas(*i, *t, *s, *comp)
            }
            _ => flat_shape(&ops).unwrap_or(Shape::General),
        };
        Program { ops, shape }
    }
}

/// [`Shape::Flat`] when `ops` is atoms joined by one connective only.
fn flat_shape(ops: &[Op]) -> Option<Shape> {
    let (mut atoms, mut ands, mut ors) = (0usize, 0usize, 0usize);
    for op in ops {
        match op {
            Op::CmpMetricConst(..) | Op::Has(_) | Op::NotHas(_) | Op::Present(_) => atoms += 1,
            Op::And => ands += 1,
            Op::Or => ors += 1,
            _ => return None,
        }
    }
    // A program that compiled is well formed: n atoms take n - 1 connectives.
    match (ands, ors) {
        (n, 0) if n > 0 && n + 1 == atoms => Some(Shape::Flat(true)),
        (0, n) if n > 0 && n + 1 == atoms => Some(Shape::Flat(false)),
        _ => None,
    }
}

/// A rule's comparison sites: its `when` condition's, and its `clear` condition's, which
/// explain a finding kept open by hysteresis.
#[derive(Debug, Clone, Default)]
struct Sites {
    when: Vec<ComparisonSite>,
    clear: Vec<ComparisonSite>,
}

/// Where one rule's list of metrics sits in [`Engine::lists`]: the lists of every rule
/// share one buffer, so that compiling a pack allocates for them once, not three times a
/// rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ListRange {
    start: u32,
    end: u32,
}

impl ListRange {
    /// Whether the list is empty.
    const fn is_empty(self) -> bool {
        self.start >= self.end
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    /// The rule's id, shared with its findings. The rule itself is the pack's rule at the
    /// same index ([`Engine::rule`]); what evaluation reads of it is copied below.
    id: RuleId,
    severity: Severity,
    priority: u32,
    missing: MissingData,
    moves_to: Option<Stage>,
    /// What the rule recommends: a move is made once all of it is in place.
    recommends: ComponentSet,
    overdue_severity: Option<Severity>,
    hold_for: Option<Duration>,
    hold_evaluations: Option<u32>,
    when: Program,
    clear: Option<Program>,
    /// How many comparisons `when` and `clear` record (their sites, in order: see
    /// [`Engine::sites`]).
    site_count: usize,
    clear_site_count: usize,
    clear_logic: Option<Logic>,
    /// Metrics (and series) the condition reads, for "not evaluated" reports, in the order
    /// it first names them: a range of [`Engine::lists`].
    metrics: ListRange,
    /// The same as bits (by [`metric_index`]).
    metric_bits: u64,
    /// Bits (by [`metric_index`]) of the metrics the condition tests with `present(...)`:
    /// its author handled their absence, so they are reported missing only when nothing
    /// else is (see [`Engine::missing`]).
    guarded: u64,
    /// Metrics the condition reads as series, a range of [`Engine::lists`].
    series: ListRange,
    /// Metrics the condition divides by (a 0 there leaves it undecided), a range of
    /// [`Engine::lists`].
    divisors: ListRange,
    superseded_by: Vec<usize>,
    /// Whether some rules supersede this one and all are evaluated before it: its finding is
    /// then dropped as it is made, when one of them fired.
    supersede_now: bool,
    /// Whether some rule superseding this one is evaluated after it: its finding is then
    /// judged after the run.
    supersede_later: bool,
    /// The stages (bits of [`CompiledRule::stage_mask`]) in which a rule superseding this
    /// one, evaluated after it, can fire: `u8::MAX` when one applies at every stage (and
    /// with no user count); 0 when none is evaluated after it. A finding made at a stage
    /// outside them needs no judging after the run ([`may_be_superseded_later`]).
    later_stages: u8,
    /// Whether the rule is among [`Engine`]'s prejudged ones.
    prejudged: bool,
    /// Position of the rule's id in sorted order, for the deterministic finding order.
    id_rank: u32,
    /// Bit i set when the rule applies to stage i; 0 when it applies to every stage.
    stage_mask: u8,
    /// The condition's logical skeleton, to tell which comparisons support a finding.
    logic: Logic,
    /// The entity list the condition ranges over (`any(...)`), if any.
    each: Option<EntityKind>,
}

impl CompiledRule {
    /// Its finding, rule `rule` of the engine, at `stage` with `architecture`: whether it
    /// fired on unknown data and whether hysteresis keeps it open (`assumed, held_open`), and
    /// where its observations and entities sit in the evaluation (start, length).
    #[inline]
    fn finding(
        &self,
        rule: usize,
        stage: Option<Stage>,
        architecture: ComponentSet,
        (assumed, held_open): (bool, bool),
        (evidence_start, evidence_len): (usize, usize),
        (subjects_start, subjects_len): (usize, usize),
    ) -> Finding {
        make_finding(
            &self.id,
            rule,
            (self.severity_at(stage, architecture), self.priority),
            stage,
            (assumed, held_open),
            (evidence_start, evidence_len),
            (subjects_start, subjects_len),
        )
    }

    /// The severity of a finding of this rule at `stage` with `architecture`, and whether
    /// the move it is is overdue: users are in or past the stage the rule moves to, and the
    /// move is not made ([`Rule::move_made`](crate::Rule::move_made)); an overdue move takes
    /// its `overdue_severity` when that is higher.
    #[inline]
    fn severity_at(&self, stage: Option<Stage>, architecture: ComponentSet) -> (Severity, bool) {
        let overdue = self.moves_to.is_some_and(|to| {
            stage.is_some_and(|s| s >= to)
                && !crate::pack::move_made(to, self.recommends, architecture)
        });
        let severity = if overdue {
            self.overdue_severity
                .unwrap_or(self.severity)
                .max(self.severity)
        } else {
            self.severity
        };
        (severity, overdue)
    }
}

/// A finding of rule `rule` (id `id`) with its severity, whether it is an overdue move, and
/// its priority; the rest as [`CompiledRule::finding`] takes it. The compiled default pack
/// calls it with the severity and priority of a rule that moves to no stage as constants.
#[inline(always)]
fn make_finding(
    id: &RuleId,
    rule: usize,
    ((severity, overdue), priority): ((Severity, bool), u32),
    stage: Option<Stage>,
    (assumed, held_open): (bool, bool),
    (evidence_start, evidence_len): (usize, usize),
    (subjects_start, subjects_len): (usize, usize),
) -> Finding {
    let u32_of = |n: usize, or: u32| u32::try_from(n).unwrap_or(or);
    Finding {
        id: id.clone(),
        rule,
        severity,
        priority,
        stage,
        assumed,
        overdue,
        held_open,
        evidence_start: u32_of(evidence_start, u32::MAX),
        evidence_len: u32_of(evidence_len, 0),
        subjects_start: u32_of(subjects_start, u32::MAX),
        subjects_len: u32_of(subjects_len, 0),
    }
}

/// The and/or/not structure of a condition over its comparison slots.
#[derive(Debug, Clone)]
enum Logic {
    /// A comparison or series function, by slot.
    Slot(usize),
    /// `has(component)`.
    Has(Component),
    /// `present(metric)`.
    Present(usize),
    /// A literal truth value.
    Const(bool),
    /// Anything whose truth the evaluation does not keep (a bare flag metric).
    Opaque,
    Not(Box<Logic>),
    And(Vec<Logic>),
    Or(Vec<Logic>),
}

impl Logic {
    fn of(e: &Expr, next: &mut usize) -> Logic {
        match e {
            Expr::Cmp { .. } | Expr::Series { .. } => {
                let slot = *next;
                *next += 1;
                Logic::Slot(slot)
            }
            Expr::Has { component, .. } => Logic::Has(*component),
            Expr::Present { metric, .. } => Logic::Present(metric_index(*metric)),
            Expr::Bool { value, .. } => Logic::Const(*value),
            Expr::Not { inner, .. } => Logic::Not(Box::new(Logic::of(inner, next))),
            Expr::And { items, .. } => {
                Logic::And(items.iter().map(|i| Logic::of(i, next)).collect())
            }
            Expr::Or { items, .. } => Logic::Or(items.iter().map(|i| Logic::of(i, next)).collect()),
            // Per entity, `any(list, c)` reads as `c` (it stands where that is exact).
            Expr::Any { inner, .. } => Logic::of(inner, next),
            _ => Logic::Opaque,
        }
    }

    /// Three-valued truth: `None` for unknown.
    fn value(&self, obs: &[Observation], architecture: ComponentSet, known: u64) -> Option<bool> {
        match self {
            Logic::Slot(i) => obs
                .get(*i)
                .and_then(|o| (!o.held.is_nan()).then_some(o.held > 0.5)),
            Logic::Has(c) => Some(architecture.contains(*c)),
            Logic::Present(i) => Some(known & (1u64 << i) != 0),
            Logic::Const(b) => Some(*b),
            Logic::Opaque => None,
            Logic::Not(x) => x.value(obs, architecture, known).map(|b| !b),
            Logic::And(items) => {
                let mut unknown = false;
                for i in items {
                    match i.value(obs, architecture, known) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown { None } else { Some(true) }
            }
            Logic::Or(items) => {
                let mut unknown = false;
                for i in items {
                    match i.value(obs, architecture, known) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown { None } else { Some(false) }
            }
        }
    }

    /// Calls `leaf` with each leaf whose outcome made this node come out `want`, and the
    /// outcome it supports with (negations flip it). An `and` that holds needs every part;
    /// one that fails is shown by its failing parts. An `or` that holds is shown by its
    /// holding parts; one that fails needs every part to fail. So a part is visited only
    /// when its value is `want`, or when every part has that value.
    fn support(
        &self,
        want: bool,
        obs: &[Observation],
        architecture: ComponentSet,
        known: u64,
        leaf: &mut impl FnMut(&Logic, bool),
    ) {
        match self {
            Logic::Not(x) => x.support(!want, obs, architecture, known, leaf),
            Logic::And(items) | Logic::Or(items) => {
                let every = matches!(self, Logic::And(_)) == want;
                for i in items {
                    if every || i.value(obs, architecture, known) == Some(want) {
                        i.support(want, obs, architecture, known, leaf);
                    }
                }
            }
            _ => leaf(self, want),
        }
    }

    /// Marks in `out` the slots whose outcome made this node come out `want`: `Some(want)`
    /// for each supporting slot. Only slots whose value is known and equal to `want` (after
    /// negations) are marked, so nothing that did not hold is ever shown as support.
    fn mark(
        &self,
        want: bool,
        obs: &[Observation],
        architecture: ComponentSet,
        known: u64,
        out: &mut [Option<bool>],
    ) {
        self.support(want, obs, architecture, known, &mut |l, want| {
            if let Logic::Slot(i) = l {
                let held = obs
                    .get(*i)
                    .and_then(|o| (!o.held.is_nan()).then_some(o.held > 0.5));
                if held == Some(want)
                    && let Some(slot) = out.get_mut(*i)
                {
                    *slot = Some(want);
                }
            }
        });
    }

    /// Adds to `out` each component whose `has(...)` supports the condition's outcome
    /// `want`, as [`Logic::mark`] walks the comparisons. With `present`, those that support
    /// by holding (in the declared architecture, where the condition needs it); without,
    /// those that support by failing (`not has(cache)`: the component is absent). A `has`
    /// reached by [`Logic::support`] is in the architecture exactly when it is reached
    /// wanting true, so the two lists never share a component.
    fn mark_declared(
        &self,
        want: bool,
        obs: &[Observation],
        architecture: ComponentSet,
        known: u64,
        present: bool,
        out: &mut ComponentSet,
    ) {
        self.support(want, obs, architecture, known, &mut |l, wanted| {
            if let Logic::Has(c) = l
                && wanted == present
                && architecture.contains(*c) == present
            {
                out.insert(*c);
            }
        });
    }
}

/// A compiled rule pack, ready to evaluate snapshots without parsing, string lookups or
/// allocation (beyond the caller's reusable [`Evaluation`]).
///
/// # Examples
/// ```
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, MetricsSnapshot, units::Ratio,
/// };
/// use scalability_advisor_rules::{Engine, RuleStatus};
///
/// let engine = Engine::default_pack();
/// let snap = MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(90.0)?);
/// let eval = engine.evaluate(&snap, &History::new());
/// assert_eq!(
///     engine.status(&eval, "add.read_replicas"),
///     Some(RuleStatus::Fired)
/// );
/// let finding = eval
///     .findings
///     .iter()
///     .find(|f| f.id == "add.read_replicas")
///     .unwrap();
/// let why = engine.explain(&eval, finding)[0].to_string();
/// assert!(
///     why.starts_with(
///         "db_read_share = 90% > 80% ($read_replicas_share, default pack, line "
///     ),
///     "{why}"
/// );
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    pack: RulePack,
    rules: Vec<CompiledRule>,
    /// Rule indices sorted by severity (critical first), priority and id: evaluating in this
    /// order yields findings already in their documented order.
    order: Vec<usize>,
    series_config: SeriesConfig,
    /// The metrics a condition (`when` or `clear`) of some rule reads, bit [`Metric::index`].
    reads: u64,
    /// The metrics of `reads` when they are few enough to load one by one (see
    /// [`Engine::load`]); `None` when the pack reads more, and every metric is loaded.
    read_list: Option<Vec<Metric>>,
    /// The rules judged in one tight pass before the ordered one (see [`Prejudged`]).
    prejudged: Vec<Prejudged>,
    /// Whether every rule is prejudged, supersedes and is superseded by none, moves to no
    /// stage and is not reported when undecided: the pack is then judged, without time
    /// behaviour, in the tight pass alone (see [`Engine::run_straight`]).
    straight: bool,
    /// What each comparison of rule `i` looks at, as written: wanted only to explain a
    /// finding, so written out the first time one is (most rules of a run do not fire).
    sites: Vec<std::sync::OnceLock<Sites>>,
    /// The metric lists of the rules ([`CompiledRule::metrics`], `series`, `divisors`),
    /// one after the other.
    lists: Vec<Metric>,
    /// The default pack compiled to Rust ([`default_pack_run`]), set only by
    /// [`Engine::default_pack`]: evaluation without time behaviour then runs it instead of
    /// interpreting the rules. A property test holds the two to the same evaluation.
    compiled: bool,
}

/// A rule whose condition is one comparison of a metric with a constant (optionally with
/// `not has(component)`), for every stage and over no entity list: most rules of a pack.
/// Without time behaviour, [`Engine::evaluate`] judges these first, in a loop that reads one
/// value and two bounds each, and the ordered pass then skips those that did not fire and
/// are not reported (held false, or undecided under `missing = "not_evaluated"`); the
/// others it judges again in full, so that findings and evidence come from one place.
#[derive(Debug, Clone, Copy)]
struct Prejudged {
    rule: usize,
    /// The metric compared, at slot `value` of the loaded values.
    metric: Metric,
    value: u8,
    threshold: Threshold,
    not_has: Option<Component>,
}

impl Prejudged {
    /// The rule's status for the compared value `l` (NaN: not measured) with `in_place`
    /// components (`not has(c)` with `c` in place is false, whatever `l` is).
    #[inline]
    fn status(&self, l: f64, in_place: ComponentSet) -> RuleStatus {
        if self.not_has.is_some_and(|c| in_place.contains(c)) {
            RuleStatus::NotFired
        } else if l.is_nan() {
            RuleStatus::NotEvaluated
        } else if self.threshold.test(l) {
            RuleStatus::Fired
        } else {
            RuleStatus::NotFired
        }
    }
}

/// The four outcomes of a rule for one snapshot: it fired, it did not, it could not be
/// decided for lack of data, or it does not apply at the snapshot's stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RuleStatus {
    /// The condition holds.
    Fired,
    /// The condition was evaluated and does not hold.
    NotFired,
    /// The condition could not be decided: a metric, series or the stage is missing.
    NotEvaluated,
    /// The rule does not apply to the snapshot's stage.
    NotApplicable,
}

/// Why a rule could not be judged: an input it needs is missing, or a value it divides by
/// is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum MissingInput {
    /// A snapshot value.
    Value(Metric),
    /// A series in the history.
    Series(Metric),
    /// A series with too few samples in the window to judge a trend.
    SeriesSamples {
        /// The metric.
        metric: Metric,
        /// Samples of the series in the window.
        samples: usize,
        /// Samples a verdict needs ([`SeriesConfig::min_samples`], at least 3).
        required: usize,
        /// The window ([`SeriesConfig::window`]).
        window: Duration,
    },
    /// The user count, needed to know the stage.
    Users,
    /// The condition divides by this metric, and it is 0: the quotient has no value.
    ZeroDivisor(Metric),
    /// The condition ranges over a list of entities the snapshot does not have.
    Entities(EntityKind),
    /// Entities of the list lack a field the condition reads (how many of them).
    EntityField(EntityField, usize),
}

impl fmt::Display for MissingInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MissingInput::Value(m) => write!(f, "{m}"),
            MissingInput::Series(m) => write!(f, "a series of {m}"),
            MissingInput::SeriesSamples {
                metric,
                samples,
                required,
                window,
            } => write!(
                f,
                "{required} samples of {metric} in the last {} (the series has {samples}; widen the window or sample more often)",
                Quantity::Duration(*window)
            ),
            MissingInput::Users => f.write_str("users (to know the stage)"),
            MissingInput::ZeroDivisor(m) => {
                write!(f, "a non-zero {m} (the condition divides by it)")
            }
            MissingInput::Entities(kind) => write!(f, "the snapshot's `{}` list", kind.list_name()),
            MissingInput::EntityField(field, n) => {
                let kind = field.kind();
                let (noun, verb) = if *n == 1 {
                    (kind.name(), "lacks")
                } else {
                    (kind.list_name(), "lack")
                };
                write!(f, "{field} of each {} ({n} {noun} {verb} it)", kind.name())
            }
        }
    }
}

/// What a series function saw, or that a plain snapshot value was compared.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case", tag = "basis"))]
pub enum Reading {
    /// A snapshot value compared with a threshold.
    #[default]
    Snapshot,
    /// `consistently_above` without a series: the snapshot value was compared.
    SnapshotFallback,
    /// `consistently_above` with a series too short to judge in the window: the snapshot
    /// value was compared.
    ShortSeries {
        /// Samples of the series in the window.
        samples: u32,
        /// Samples a verdict needs ([`SeriesConfig::min_samples`], at least 3).
        required: u32,
        /// The window, in seconds ([`SeriesConfig::window`]).
        window_s: f64,
    },
    /// The share of a series window above a level.
    Sustained {
        /// Share of the window's samples above the level (0 to 1).
        share: f64,
        /// Share required (0 to 1).
        required: f64,
        /// Samples in the window.
        samples: u32,
        /// Seconds between the window's first and last sample.
        span_s: f64,
    },
    /// A trend test over a series window (Mann-Kendall with Sen's slope).
    Trend {
        /// Change over the window relative to its median (0.25 is +25%).
        relative_change: f64,
        /// Change over the window in the metric's canonical units (Sen's slope times the
        /// window's span): for a ratio, 0.24 is 24 percentage points. NaN when not known
        /// (evidence read from JSON written before this field).
        #[cfg_attr(
            feature = "serde",
            serde(default = "unknown_change", with = "nan_as_null")
        )]
        change: f64,
        /// Two-sided p-value of "no trend".
        p_value: f64,
        /// Samples in the window.
        samples: u32,
        /// Seconds between the window's first and last sample.
        span_s: f64,
    },
}

/// The default of [`Reading::Trend`]'s `change` when evidence read from JSON lacks it.
#[cfg(feature = "serde")]
fn unknown_change() -> f64 {
    f64::NAN
}

/// A signed number of percentage points: a whole number from 10 up, one decimal below
/// (`+24`, `-3.5`).
struct SignedPoints(f64);

impl fmt::Display for SignedPoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.abs() >= 10.0 || (self.0 * 10.0).round() % 10.0 == 0.0 {
            write!(f, "{:+.0}", self.0)
        } else {
            write!(f, "{:+.1}", self.0)
        }
    }
}

/// A p-value as a statistician writes it: `= 0.012`, and `< 0.001` below that.
struct PValue(f64);

impl fmt::Display for PValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < 0.001 {
            f.write_str("< 0.001")
        } else {
            write!(f, "= {:.3}", self.0)
        }
    }
}

/// What identifies one line of a finding's evidence (see [`Engine::for_each_evidence`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct EvidenceRef<'a> {
    /// The entity, for a line about one of its fields.
    pub(crate) subject: Option<(EntityKind, &'a str)>,
    /// The metric on the left, when it is one.
    pub(crate) metric: Option<Metric>,
    /// The left side as written.
    pub(crate) left: &'a str,
}

/// One sub-condition's evidence on a finding: the observed value, the operator and the
/// threshold with its unit and origin, or what a series function saw.
///
/// [`Engine::explain`] returns only the evidence that supports a finding: a comparison that
/// held (or, under a `not`, one that failed, shown with its operator negated). A branch of an
/// `or` that did not hold is never shown.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RuleEvidence {
    /// The entity the comparison was made on, for `any(...)` rules.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub subject: Option<EvidenceSubject>,
    /// The series function, when the evidence comes from one.
    pub series: Option<SeriesFn>,
    /// The metric compared, when the left side is a metric.
    pub metric: Option<Metric>,
    /// The entity field compared, when the left side is one.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub field: Option<EntityField>,
    /// The left side as written.
    pub left: String,
    /// The operator as shown: negated when a comparison supports the finding by failing
    /// under a `not`.
    pub op: CmpOp,
    /// Whether `op` is the written operator negated.
    pub negated: bool,
    /// The threshold as written (`$pool_warning`, `80%`).
    pub threshold_text: String,
    /// The threshold, canonical units; NaN when the evidence has none (a trend; `null` in
    /// JSON).
    #[cfg_attr(feature = "serde", serde(with = "nan_as_null"))]
    pub threshold: f64,
    /// The observed left-hand value, canonical units (`None` when unknown).
    pub observed: Option<f64>,
    /// Observed minus threshold, canonical units.
    pub margin: Option<f64>,
    /// Whether the written comparison held.
    pub held: Option<bool>,
    /// The unit of both sides.
    pub dim: Dim,
    /// Where the threshold came from: the parameter and its origin.
    pub threshold_origin: Option<(String, Origin)>,
    /// Whether the threshold is written as a percentage (see
    /// [`ComparisonSite::threshold_percent`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub threshold_percent: bool,
    /// What a series function saw.
    pub reading: Reading,
    /// Where the observed value came from, when the caller said
    /// ([`crate::Assessment::cite_sources`]): a collector's query, server and time.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub source: Option<String>,
}

/// The entity a piece of evidence is about: `table \`events\``.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EvidenceSubject {
    /// The kind of entity.
    pub kind: EntityKind,
    /// Its name.
    pub name: String,
}

impl fmt::Display for EvidenceSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind, self.name)
    }
}

impl RuleEvidence {
    /// The unit of the left side, when it is a metric or an entity field.
    fn unit(&self) -> Option<UnitKind> {
        self.metric
            .map(Metric::unit)
            .or_else(|| self.field.map(EntityField::unit))
    }

    /// Whether values of this evidence's quantity are written as percentages.
    fn percent(&self) -> bool {
        self.unit()
            .map_or(self.threshold_percent, |u| u == UnitKind::Ratio)
    }

    /// Formats a canonical value of this evidence's quantity with its unit.
    fn show(&self, v: f64) -> String {
        show_value(v, self.dim, self.unit(), self.percent())
    }

    /// The observed value `v` as [`RuleEvidence::show`] writes it (in `rate`, the unit of a
    /// rate), beside the level `t` it was compared with: with the digits that tell them
    /// apart when it would read as `t` (a P95 of 1,026 ms is `1.03 s > 1.0 s`, not
    /// `1.0 s > 1.0 s`; see [`Quantity::beside`]).
    fn show_beside(&self, v: f64, t: f64, rate: Option<(&str, f64)>) -> String {
        let shown = |x: f64| match rate {
            Some(unit) => show_rate_in(x, unit),
            None => self.show(x),
        };
        if !v.is_finite() || !t.is_finite() {
            return shown(v);
        }
        // Durations and percentages as `show` writes them, through the core's quantities
        // (a negative duration or a percentage past 0..=100% as `show` writes it).
        if self.dim == Dim::Duration {
            if let (Ok(v), Ok(t)) = (
                Duration::try_from_secs_f64(v),
                Duration::try_from_secs_f64(t),
            ) {
                return Quantity::Duration(v)
                    .beside(Quantity::Duration(t))
                    .to_string();
            }
            return shown(v);
        }
        if self.percent() && rate.is_none() {
            if let (Ok(v), Ok(t)) = (Ratio::from_fraction(v), Ratio::from_fraction(t)) {
                return Quantity::Ratio(v).beside(Quantity::Ratio(t)).to_string();
            }
            return shown(v);
        }
        // Plain numbers and rates, written to four significant digits, unless the level
        // would read alike.
        let text = shown(v);
        if text != shown(t) {
            return text;
        }
        let (per, suffix) = rate.map_or((1.0, String::new()), |(unit, per)| {
            (per, format!("/{unit}"))
        });
        digits_apart(v * per, t * per, 1).map_or(text, |digits| digits + &suffix)
    }
}

/// Formats a canonical value with its unit, as people write it.
fn show_value(v: f64, dim: Dim, unit: Option<UnitKind>, percent: bool) -> String {
    match (dim, unit) {
        (Dim::Duration, _) => Duration::try_from_secs_f64(v.abs()).map_or_else(
            |_| format!("{v} s"),
            |d| {
                let sign = if v < 0.0 { "-" } else { "" };
                format!("{sign}{}", Quantity::Duration(d))
            },
        ),
        (_, Some(UnitKind::Flag)) | (Dim::Bool, _) => if v > 0.5 { "yes" } else { "no" }.to_owned(),
        // Slow rates in a unit that makes them at least 1, a whole number when one does:
        // `1000/d`, `41.67/h`, never `0.01157/s`.
        (Dim::Rate, _) => show_rate_in(v, rate_unit(v)),
        _ if percent => percent_text(v),
        _ => trim_number(v),
    }
}

/// The unit a rate of `v` per second is shown in, with the seconds it spans: per second
/// from 1 up (and for 0), else the first of minute, hour and day in which it is a whole
/// number, else the first in which it is at least 1 (`1000/d`, `41.67/h`, never
/// `0.01157/s`).
fn rate_unit(v: f64) -> (&'static str, f64) {
    const UNITS: [(&str, f64); 4] = [("s", 1.0), ("min", 60.0), ("h", 3_600.0), ("d", 86_400.0)];
    let a = v.abs();
    if a == 0.0 || a >= 1.0 || !a.is_finite() {
        return UNITS[0];
    }
    let whole = |x: f64| (x - x.round()).abs() <= 1e-9 * x.abs();
    UNITS
        .iter()
        .find(|(_, k)| whole(a * k))
        .or_else(|| UNITS.iter().find(|(_, k)| a * k >= 1.0))
        .copied()
        .unwrap_or(("d", 86_400.0))
}

/// A rate of `v` per second in `unit` (from [`rate_unit`]).
fn show_rate_in(v: f64, (unit, per): (&str, f64)) -> String {
    format!("{}/{unit}", trim_number(v * per))
}

/// A fraction as a percentage with the digits that matter (99.99%, 87.5%, 80%).
pub(crate) fn percent_text(fraction: f64) -> String {
    match scalability_advisor_core::units::Ratio::from_fraction(fraction) {
        Ok(r) => r.to_string(),
        Err(_) => format!("{}%", trim_number(fraction * 100.0)),
    }
}

/// A number without trailing zeros, to at most four significant digits (the precision the
/// core gives durations, `589.2 ms`); numbers written whole (`12,343`), from 10,000 up to
/// 10¹⁵ (excluded), with thousands separators (`500,000`), as people read them. Rounding
/// to significant digits never reverses an order, so two numbers written differently read
/// in their true order; where they would read alike, [`RuleEvidence::show_beside`] adds
/// the digits that tell them apart.
pub(crate) fn trim_number(v: f64) -> String {
    const SIGNIFICANT: i32 = 4;
    let grouped = |w: f64| {
        // Grouped as the core writes counts (`Count`'s display), so both read alike.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a whole number under 1e15 in magnitude: exact as a u64"
        )]
        let whole = scalability_advisor_core::units::Count::new(w.abs() as u64);
        let sign = if w < 0.0 { "-" } else { "" };
        format!("{sign}{whole}")
    };
    // (Whole numbers at once: most evidence counts things.)
    if v.fract() == 0.0 {
        return if v.abs() < 1e15 {
            grouped(v)
        } else {
            format!("{v:.0}")
        };
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "log10 of a finite, non-zero value is well within i32"
    )]
    let magnitude = if v == 0.0 {
        0
    } else {
        v.abs().log10().floor() as i32
    };
    let decimals = usize::try_from((SIGNIFICANT - 1 - magnitude).clamp(0, 12)).unwrap_or(0);
    if decimals == 0 && v.abs() < 1e15 {
        return grouped(v.round());
    }
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A duration in the most readable unit.
fn show_span(secs: f64) -> String {
    Duration::try_from_secs_f64(secs).map_or_else(
        |_| format!("{secs} s"),
        |d| Quantity::Duration(d).to_string(),
    )
}

impl fmt::Display for RuleEvidence {
    /// One readable sentence: `db_pool_usage = 85% > 80% ($pool_warning, default pack, line
    /// 17)`, or for a series `db_cpu above 70% in 87.5% of 48 samples over 1.0 d (needs
    /// 80%)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(subject) = &self.subject {
            write!(f, "{subject}: ")?;
        }
        let threshold = self.show(self.threshold);
        match (self.series, self.reading) {
            (
                Some(_),
                Reading::Sustained {
                    share,
                    required,
                    samples,
                    span_s,
                },
            ) => {
                let only = if self.negated { "only " } else { "" };
                write!(
                    f,
                    "{} above {threshold} in {only}{} of {samples} samples over {} (needs {})",
                    self.left,
                    percent_text(share),
                    show_span(span_s),
                    percent_text(required)
                )?;
            }
            (
                Some(func),
                Reading::Trend {
                    relative_change,
                    change,
                    p_value,
                    samples,
                    span_s,
                },
            ) => {
                let what = match (func, self.negated) {
                    (SeriesFn::Plateauing, false) => "flat",
                    (SeriesFn::Plateauing, true) => "not flat",
                    (_, false) => "getting worse",
                    (_, true) => "not getting worse",
                };
                write!(f, "{} {what}: ", self.left)?;
                // A ratio's change in percentage points (memory from 58% to 82% is +24
                // points; "+34%" of its median would read as points); other units relative.
                if self.metric.is_some_and(|m| m.unit() == UnitKind::Ratio) && change.is_finite() {
                    write!(f, "{} points", SignedPoints(change * 100.0))?;
                } else {
                    write!(
                        f,
                        "{}",
                        TrendSummary {
                            relative_change,
                            p_value
                        }
                        .change()
                    )?;
                }
                write!(
                    f,
                    " over {samples} samples in {} (Mann-Kendall p {})",
                    show_span(span_s),
                    PValue(p_value)
                )?;
            }
            // A trend that could not be read (no series, or too short a one): say so, with
            // the snapshot's value for what it is worth, rather than a comparison the rule
            // never wrote.
            (Some(SeriesFn::Degrading | SeriesFn::Plateauing), _) => {
                write!(
                    f,
                    "{} trend unknown: no series long enough to judge",
                    self.left
                )?;
                if let Some(v) = self.observed {
                    write!(f, " (snapshot value {})", self.show(v))?;
                }
            }
            _ => {
                // Two rates in one unit, the threshold's: `144,000/d > 1000/d`, not
                // `1.66667/s > 1000/d`; against zero, the observed rate's: `30/min > 0/min`.
                let unit = (self.dim == Dim::Rate).then(|| {
                    rate_unit(if self.threshold == 0.0 {
                        self.observed.unwrap_or(0.0)
                    } else {
                        self.threshold
                    })
                });
                let observed = |v: f64| match unit {
                    Some(unit) => show_rate_in(v, unit),
                    None => self.show(v),
                };
                let threshold = observed(self.threshold);
                match self.observed {
                    // Beside the level of an ordering (an equality that held reads as
                    // its level, rightly).
                    Some(v) if self.op != CmpOp::Eq => write!(
                        f,
                        "{} = {}",
                        self.left,
                        self.show_beside(v, self.threshold, unit)
                    )?,
                    Some(v) => write!(f, "{} = {}", self.left, observed(v))?,
                    // Not measured (a rule that fires on missing data, or a condition kept
                    // open): the comparison it was not measured against, with the level's
                    // origin inside the parentheses: `user_regions not measured (condition
                    // < 2)`.
                    None => {
                        write!(f, "{} not measured", self.left)?;
                        if self.unit() != Some(UnitKind::Flag) {
                            write!(f, " (condition {}", self.op)?;
                            if self.threshold_origin.is_none()
                                && names_a_value(&self.threshold_text)
                            {
                                write!(f, " {} = {threshold}", self.threshold_text)?;
                            } else {
                                write!(f, " {threshold}")?;
                            }
                            if let Some((name, origin)) = &self.threshold_origin {
                                write!(f, ": ${name}, {origin}")?;
                            }
                            f.write_str(")")?;
                        }
                        if let Some(source) = &self.source {
                            write!(f, " [from {source}]")?;
                        }
                        return Ok(());
                    }
                }
                // `index_scans = 0`, not `index_scans = 0 == 0`: an equality that held says
                // it all.
                let flag = self.unit() == Some(UnitKind::Flag);
                let equal = self.op == CmpOp::Eq
                    && self.held == Some(true)
                    && self.observed.map(observed) == Some(threshold.clone());
                if !flag && !equal {
                    if self.threshold_origin.is_none() && names_a_value(&self.threshold_text) {
                        // `deployed_regions = 2 < user_regions = 3`: a bare 3 would not say
                        // what it is.
                        write!(f, " {} {} = {threshold}", self.op, self.threshold_text)?;
                    } else {
                        write!(f, " {} {threshold}", self.op)?;
                        if self.threshold_origin.is_none() && self.threshold_text.contains('$') {
                            // A threshold computed from parameters:
                            // `35% ($cpu_target * $far_below)` says where it comes from.
                            write!(f, " ({})", self.threshold_text)?;
                        }
                    }
                }
                match self.reading {
                    Reading::SnapshotFallback => {
                        f.write_str(" (snapshot value; no series given)")?;
                    }
                    Reading::ShortSeries {
                        samples,
                        required,
                        window_s,
                    } => write!(
                        f,
                        " (snapshot value; the series has {samples} sample{} in the last {}, {required} needed)",
                        if samples == 1 { "" } else { "s" },
                        show_span(window_s)
                    )?,
                    _ => {}
                }
            }
        }
        if let Some((name, origin)) = &self.threshold_origin {
            write!(f, " (${name}, {origin})")?;
        }
        if let Some(source) = &self.source {
            write!(f, " [from {source}]")?;
        }
        Ok(())
    }
}

/// Whether a comparison's right side, as written, is something other than a level: not a
/// literal (`80%`, `500ms`, `2`, `-1`, `true`) and not a parameter (`$pool_warning`), so a
/// metric or an expression starting with one (`user_regions`). In the language a literal
/// starts with a digit, a point or a minus sign and a digit, or is a boolean; a name starts
/// with a letter.
fn names_a_value(right: &str) -> bool {
    let right = right.trim();
    right.chars().next().is_some_and(char::is_alphabetic) && !matches!(right, "true" | "false")
}

/// A rule's id, shared cheaply between the engine and its findings (cloning it does not
/// allocate). Serialized as a plain string.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::RuleId;
/// let id = RuleId::new("key.cpu.warning");
/// assert_eq!(id.as_str(), "key.cpu.warning");
/// assert_eq!(id, "key.cpu.warning");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(std::sync::Arc<str>);

impl RuleId {
    /// A rule id from text.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RuleId;
    /// let id = RuleId::new("db.hot");
    /// assert_eq!(id.to_string(), "db.hot");
    /// ```
    #[must_use]
    pub fn new(id: &str) -> RuleId {
        RuleId(std::sync::Arc::from(id))
    }

    /// The id as text.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RuleId;
    /// assert_eq!(RuleId::new("db.hot").as_str(), "db.hot");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl AsRef<str> for RuleId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        Ok(RuleId::new(&s))
    }
}

/// A fired rule: which rule, and where its evidence sits in the [`Evaluation`].
///
/// Findings hold the rule's shared id, numbers and indices, so evaluating allocates nothing
/// once the evaluation's buffers have grown; [`Engine::explain`] turns one into owned
/// [`RuleEvidence`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Finding {
    /// The rule's id.
    pub id: RuleId,
    /// Index of the rule in [`Engine::rules`].
    pub rule: usize,
    /// Its severity.
    pub severity: Severity,
    /// Its priority (smaller first).
    pub priority: u32,
    /// The snapshot's stage, when known.
    pub stage: Option<Stage>,
    /// Whether it fired on unknown data under `missing = "fire"`.
    pub assumed: bool,
    /// Whether the rule is a stage transition (`moves_to`), the user count is already in or
    /// past the stage it moves to, and the move is not made ([`Rule::move_made`]: the
    /// declared architecture lacks part of that stage's and part of what the rule
    /// recommends): the move is overdue, and the severity was raised. A made move is not
    /// overdue.
    pub overdue: bool,
    /// Whether the condition no longer holds but the finding is kept open by hysteresis
    /// ([`Engine::step`] with a `clear` condition that has not held yet); its evidence then
    /// shows why `clear` does not hold.
    #[cfg_attr(feature = "serde", serde(default))]
    pub held_open: bool,
    evidence_start: u32,
    evidence_len: u32,
    #[cfg_attr(feature = "serde", serde(default))]
    subjects_start: u32,
    #[cfg_attr(feature = "serde", serde(default))]
    subjects_len: u32,
}

/// An entity that made a finding fire, as the evaluation keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct SubjectSlot {
    kind: EntityKind,
    index: u32,
    name_start: u32,
    name_end: u32,
}

/// An entity (table, statement, host) that made a finding of an `any(...)` rule fire, with
/// the observations of the condition on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Subject<'a> {
    /// The kind of entity.
    pub kind: EntityKind,
    /// Its position in the snapshot's list.
    pub index: usize,
    /// Its name.
    pub name: &'a str,
    /// The condition's comparisons on this entity, in comparison order.
    pub observations: &'a [Observation],
}

/// The observed numbers of one comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Observation {
    /// Left-hand value (canonical units); NaN when unknown (`null` in JSON).
    #[cfg_attr(feature = "serde", serde(with = "nan_as_null"))]
    pub observed: f64,
    /// Threshold (canonical units); NaN when unknown (`null` in JSON).
    #[cfg_attr(feature = "serde", serde(with = "nan_as_null"))]
    pub threshold: f64,
    /// 1 held, 0 did not, NaN unknown (`null` in JSON).
    #[cfg_attr(feature = "serde", serde(with = "nan_as_null"))]
    pub held: f64,
    /// What a series function saw.
    pub reading: Reading,
}

/// The result of evaluating a pack on one snapshot; reusable across snapshots with
/// [`Engine::evaluate_into`] to avoid allocation.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Evaluation {
    /// One status per rule, in [`Engine::rules`] order.
    pub statuses: Vec<RuleStatus>,
    /// Rules whose finding was replaced by a superseding rule's.
    pub superseded: Vec<bool>,
    /// Findings in order: severity (critical first), priority, id.
    pub findings: Vec<Finding>,
    observations: Vec<Observation>,
    /// The components in place (declared, or shown by a metric only a component reports:
    /// [`MetricsSnapshot::components_in_place`]), for explaining `has(...)`.
    #[cfg_attr(feature = "serde", serde(default))]
    architecture: ComponentSet,
    /// Whether the snapshot declared no architecture (a component absent from
    /// `architecture` is then not known to be missing), for explaining `not has(...)`.
    #[cfg_attr(feature = "serde", serde(default))]
    undeclared: bool,
    /// Bit i set when metric i, read by some rule of the pack, had a value, for explaining
    /// `present(...)`.
    #[cfg_attr(feature = "serde", serde(default))]
    known: u64,
    /// Entities that made findings fire, each finding's in one run.
    #[cfg_attr(feature = "serde", serde(default))]
    subjects: Vec<SubjectSlot>,
    /// Their names, end to end (reused across evaluations).
    #[cfg_attr(feature = "serde", serde(default))]
    subject_names: String,
}

impl Evaluation {
    /// Bit i set when metric i, read by some rule of the pack, had a value.
    pub(crate) const fn known(&self) -> u64 {
        self.known
    }

    /// The observations behind a finding, in comparison order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// let engine = Engine::default_pack();
    /// let e = engine.evaluate(
    ///     &MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(90.0)?),
    ///     &History::new(),
    /// );
    /// let f = e
    ///     .findings
    ///     .iter()
    ///     .find(|f| f.id == "add.read_replicas")
    ///     .unwrap();
    /// assert_eq!(e.observations(f)[0].observed, 0.9);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn observations(&self, finding: &Finding) -> &[Observation] {
        let start = finding.evidence_start as usize;
        self.observations
            .get(start..start + finding.evidence_len as usize)
            .unwrap_or(&[])
    }

    /// The entities that made a finding of an `any(...)` rule fire, in the snapshot's list
    /// order, each with its observations; empty for other findings.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Entities, EntityName, History, MetricsSnapshot, TableStats, units::Count,
    /// };
    /// use scalability_advisor_rules::{Engine, RulePack};
    /// let pack = RulePack::from_toml_str(
    ///     "p.toml",
    ///     r#"
    /// name = "p"
    /// [[rule]]
    /// id = "big"
    /// title = "A big table"
    /// when = "any(tables, rows > 1M)"
    /// severity = "info"
    /// advice = "a"
    /// "#,
    /// )?;
    /// let engine = Engine::new(pack)?;
    /// let t = |n: &str, rows: u64| {
    ///     TableStats::new(EntityName::table(n).unwrap()).with_rows(Count::new(rows))
    /// };
    /// let snap = MetricsSnapshot {
    ///     tables: Some(Entities::new(vec![t("small", 10), t("events", 5_000_000)])?),
    ///     ..MetricsSnapshot::default()
    /// };
    /// let eval = engine.evaluate(&snap, &History::new());
    /// let names: Vec<&str> = eval.subjects(&eval.findings[0]).map(|s| s.name).collect();
    /// assert_eq!(names, ["events"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn subjects<'a>(&'a self, finding: &Finding) -> impl Iterator<Item = Subject<'a>> + 'a {
        let start = finding.subjects_start as usize;
        let slots = self
            .subjects
            .get(start..start + finding.subjects_len as usize)
            .unwrap_or(&[]);
        let all = self.observations(finding);
        let per = if slots.is_empty() {
            0
        } else {
            all.len() / slots.len()
        };
        slots.iter().enumerate().map(move |(k, s)| Subject {
            kind: s.kind,
            index: s.index as usize,
            name: self
                .subject_names
                .get(s.name_start as usize..s.name_end as usize)
                .unwrap_or(""),
            observations: all.get(k * per..(k + 1) * per).unwrap_or(&[]),
        })
    }
}

/// Per-rule memory for `for` and hysteresis, and which findings were out at the last step,
/// carried between evaluations by the caller (and serializable, so a long-running loop can
/// keep it across restarts).
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, MetricsSnapshot, units::Ratio,
/// };
/// use scalability_advisor_rules::{Engine, State};
/// let engine = Engine::default_pack();
/// let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(90.0)?);
/// let step = engine.advance(&State::default(), &snap, &History::new(), Duration::ZERO);
/// // Keep `step.state` for the next call.
/// let again =
///     engine.advance(&step.state, &snap, &History::new(), Duration::from_secs(60));
/// assert!(again.changes.iter().all(|c| !c.is_started()));
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct State {
    rules: Vec<RuleState>,
    /// Rule i had a finding out (not superseded) at the last step.
    #[cfg_attr(feature = "serde", serde(default))]
    firing: Vec<bool>,
}

/// What happened to a rule's finding between two steps of [`Engine::advance`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ChangeKind {
    /// Not out at the previous step, out now.
    Started,
    /// Out at both steps.
    StillFiring,
    /// Out at the previous step, not now.
    Resolved,
}

/// One rule's change between two steps, with its evidence.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Change {
    /// The rule.
    pub id: RuleId,
    /// What happened.
    pub kind: ChangeKind,
    /// The finding's severity (the rule's, for a resolved one).
    pub severity: Severity,
    /// For a started or still-firing finding, the evidence that supports it; for a resolved
    /// one, every comparison of its condition as it reads now.
    pub evidence: Vec<RuleEvidence>,
}

impl Change {
    /// Whether the finding started at this step.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, State};
    /// let engine = Engine::default_pack();
    /// let hot = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(95.0)?);
    /// let step = engine.advance(&State::default(), &hot, &History::new(), Duration::ZERO);
    /// assert!(step.changes.iter().all(|c| c.is_started()));
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn is_started(&self) -> bool {
        self.kind == ChangeKind::Started
    }

    /// Whether the finding resolved at this step.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, State};
    /// let engine = Engine::default_pack();
    /// let cpu = |p: f64| {
    ///     MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(p).unwrap())
    /// };
    /// let one = engine.advance(
    ///     &State::default(),
    ///     &cpu(95.0),
    ///     &History::new(),
    ///     Duration::ZERO,
    /// );
    /// let two = engine.advance(
    ///     &one.state,
    ///     &cpu(40.0),
    ///     &History::new(),
    ///     Duration::from_secs(60),
    /// );
    /// assert!(
    ///     two.changes
    ///         .iter()
    ///         .any(|c| c.id == "key.cpu.critical" && c.is_resolved())
    /// );
    /// ```
    #[must_use]
    pub fn is_resolved(&self) -> bool {
        self.kind == ChangeKind::Resolved
    }
}

/// The result of [`Engine::advance`]: the state for the next step, the evaluation, and what
/// started, stayed and resolved since the previous step.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StepReport {
    /// Keep it for the next step.
    pub state: State,
    /// This step's evaluation.
    pub evaluation: Evaluation,
    /// Changes since the previous step, in finding order (resolved ones last, by id).
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct RuleState {
    active: bool,
    consecutive: u32,
    since: Option<Duration>,
}

impl Engine {
    /// Whether `e` compiles within the engine's limits ([`MAX_COMPARISONS`], the evaluation
    /// stack), with parameters from `lookup`; the loader runs it so that a pack that loads
    /// also compiles, and its problems come with their place.
    pub(crate) fn check_compiles(
        e: &Expr,
        lookup: &impl Fn(&str) -> Option<(f64, Dim)>,
    ) -> Result<(), String> {
        let mut resolved = e.clone();
        resolve(&mut resolved, lookup);
        fold(&mut resolved);
        let mut by_zero = false;
        resolved.walk(&mut |n| {
            if let Expr::Arith {
                op: crate::expr::ArithOp::Div,
                right,
                ..
            } = n
                && matches!(right.as_ref(), Expr::Num { value, .. } if *value == 0.0)
            {
                by_zero = true;
            }
        });
        if by_zero {
            return Err("divides by zero, so it can never be decided; fix the divisor".into());
        }
        // Compiled as `Engine::new` compiles it (oriented), so that the same limits hold.
        let mut ops = Vec::new();
        let mut cmp = 0u8;
        emit_oriented(e, lookup, &mut ops, &mut cmp)?;
        let ops = fuse(ops);
        if usize::from(cmp) > MAX_COMPARISONS {
            return Err(format!(
                "more than {MAX_COMPARISONS} comparisons; split the rule in two"
            ));
        }
        if stack_depth(&ops) > MAX_STACK {
            return Err(
                "the condition nests too deeply to evaluate; flatten it or split the rule".into(),
            );
        }
        Ok(())
    }

    /// Compiles a pack.
    ///
    /// # Errors
    /// [`Error::Invalid`] when a rule needs more than [`MAX_COMPARISONS`] comparisons or a
    /// deeper stack than the evaluator allows (packs from files are already checked
    /// otherwise).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::{Engine, RulePack};
    /// let pack = RulePack::from_toml_str("p.toml", r#"name = "p"
    /// [[rule]]
    /// id = "hot"
    /// title = "t"
    /// when = "db_cpu > 80%"
    /// severity = "warning"
    /// advice = "a"
    /// "#)?;
    /// let engine = Engine::new(pack)?;
    /// assert_eq!(engine.rules().len(), 1);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    pub fn new(pack: RulePack) -> Result<Engine, Error> {
        let mut rules = Vec::with_capacity(pack.rules.len());
        let mut problems = Vec::new();
        // Every rule's metric lists, in one buffer; `list` appends one and gives its range.
        let mut lists: Vec<Metric> = Vec::new();
        let mut list = |items: &[Metric]| {
            let start = u32::try_from(lists.len()).unwrap_or(u32::MAX);
            lists.extend_from_slice(items);
            let end = u32::try_from(lists.len()).unwrap_or(u32::MAX);
            ListRange { start, end }
        };
        // (Reused from rule to rule: no allocation once grown.)
        let (mut metrics, mut series, mut divisors) = (Vec::new(), Vec::new(), Vec::new());
        // The metrics a condition (`when` or `clear`) of some rule reads, bit
        // [`Metric::index`] (fewer than 64 metrics: asserted at the top of this file).
        let mut reads = 0u64;
        let params = ParamTable::new(&pack.params);
        for rule in &pack.rules {
            let lookup = |n: &str| params.get(n).map(|p| (p.value, p.dim));
            // `sites` and `nodes` counted by the walk over `e` that reads its metrics.
            let compile_one =
                |e: &Expr, sites: usize, nodes: usize| -> Result<(Program, usize), String> {
                    // Its sites are written out when first wanted ([`Engine::sites`]); here only
                    // counted (orienting a comparison does not change how many there are).
                    // Each node emits one instruction, a connective of n items n - 1: twice the
                    // nodes is room enough, so the list is allocated once.
                    let mut ops = Vec::with_capacity(2 * nodes);
                    let mut cmp = 0u8;
                    emit_oriented(e, &lookup, &mut ops, &mut cmp)?;
                    let ops = fuse(ops);
                    if usize::from(cmp) > MAX_COMPARISONS {
                        return Err(format!("more than {MAX_COMPARISONS} comparisons"));
                    }
                    if stack_depth(&ops) > MAX_STACK {
                        return Err("condition too deep to evaluate".into());
                    }
                    Ok((Program::new(ops), sites))
                };
            // A comparison or a series function is a site of evidence.
            let site = |n: &Expr| usize::from(matches!(n, Expr::Cmp { .. } | Expr::Series { .. }));
            // One walk over the condition: what it reads (for "not evaluated" reports and the
            // pack's read set), what it divides by, and its nodes and sites.
            metrics.clear();
            series.clear();
            divisors.clear();
            let mut guarded = 0u64;
            let (mut when_sites, mut when_nodes) = (0usize, 0usize);
            rule.when_expr.walk(&mut |n| {
                when_sites += site(n);
                when_nodes += 1;
                match n {
                    Expr::Metric { metric, .. } => {
                        reads |= 1 << metric_index(*metric);
                        push_unique(&mut metrics, *metric);
                    }
                    Expr::Present { metric, .. } => {
                        reads |= 1 << metric_index(*metric);
                        guarded |= 1 << metric_index(*metric);
                        push_unique(&mut metrics, *metric);
                    }
                    // "Consistently above" falls back to the snapshot value without a series.
                    Expr::Series {
                        func: SeriesFn::ConsistentlyAbove,
                        metric,
                        ..
                    } => {
                        reads |= 1 << metric_index(*metric);
                        push_unique(&mut metrics, *metric);
                    }
                    Expr::Series { metric, .. } => {
                        reads |= 1 << metric_index(*metric);
                        push_unique(&mut series, *metric);
                    }
                    Expr::Arith {
                        op: crate::expr::ArithOp::Div,
                        right,
                        ..
                    } => right.walk(&mut |d| {
                        if let Expr::Metric { metric, .. } = d {
                            push_unique(&mut divisors, *metric);
                        }
                    }),
                    _ => {}
                }
            });
            let (mut clear_sites, mut clear_nodes) = (0usize, 0usize);
            if let Some(clear) = &rule.clear_expr {
                clear.walk(&mut |n| {
                    clear_sites += site(n);
                    clear_nodes += 1;
                    match n {
                        Expr::Metric { metric, .. }
                        | Expr::Present { metric, .. }
                        | Expr::Series { metric, .. } => reads |= 1 << metric_index(*metric),
                        _ => {}
                    }
                });
            }
            let when = match compile_one(&rule.when_expr, when_sites, when_nodes) {
                Ok(w) => w,
                Err(e) => {
                    problems.push(format!("rule `{}`: {e}", rule.id));
                    continue;
                }
            };
            let clear = match rule
                .clear_expr
                .as_ref()
                .map(|e| compile_one(e, clear_sites, clear_nodes))
                .transpose()
            {
                Ok(c) => c,
                Err(e) => {
                    problems.push(format!("rule `{}` clear: {e}", rule.id));
                    continue;
                }
            };
            let clear_logic = rule.clear_expr.as_ref().map(|e| Logic::of(e, &mut 0));
            let (clear_prog, clear_site_count) = match clear {
                Some((p, sites)) => (Some(p), sites),
                None => (None, 0),
            };
            let logic = Logic::of(&rule.when_expr, &mut 0);
            let each = match crate::expr::quantifier(&rule.when_expr) {
                Ok(each) => each,
                Err(e) => {
                    problems.push(format!("rule `{}`: {}", rule.id, e.message));
                    continue;
                }
            };
            rules.push(CompiledRule {
                id: RuleId::new(&rule.id),
                severity: rule.severity,
                priority: rule.priority,
                missing: rule.missing,
                moves_to: rule.moves_to,
                recommends: rule.recommends,
                overdue_severity: rule.overdue_severity,
                hold_for: rule.hold_for,
                hold_evaluations: rule.hold_evaluations,
                when: when.0,
                clear: clear_prog,
                site_count: when.1,
                clear_site_count,
                clear_logic,
                metric_bits: metrics.iter().fold(0, |b, m| b | 1 << metric_index(*m)),
                metrics: list(&metrics),
                guarded,
                series: list(&series),
                divisors: list(&divisors),
                superseded_by: Vec::new(),
                supersede_now: false,
                supersede_later: false,
                later_stages: 0,
                prejudged: false,
                id_rank: 0,
                stage_mask: rule
                    .stages
                    .iter()
                    .fold(0u8, |m, s| m | (1 << (s.number() - 1))),
                logic,
                each,
            });
        }
        if !problems.is_empty() {
            return Err(Error::Compile(problems));
        }
        // On success every rule compiled: `rules[i]` is `pack.rules[i]`.
        // Ids are unique (a pack refuses duplicates), so the unstable sort's order is the
        // only one. The ids sit beside their indices, after their first 16 bytes as one
        // integer (zero-padded: the integers' order is the bytes' order), so most
        // comparisons are one integer's and read no rule.
        let mut by_id: Vec<(u128, &str, usize)> = pack
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (id_prefix(&r.id), r.id.as_str(), i))
            .collect();
        by_id.sort_unstable();
        for (rank, &(_, _, i)) in by_id.iter().enumerate() {
            rules[i].id_rank = u32::try_from(rank).unwrap_or(u32::MAX);
        }
        // Who supersedes whom, through the rules sorted by id: O((rules + edges) log rules).
        let find = |id: &str| {
            by_id
                .binary_search_by(|&(_, other, _)| other.cmp(id))
                .ok()
                .map(|k| by_id[k].2)
        };
        let mut superseded_by: Vec<Vec<usize>> = vec![Vec::new(); rules.len()];
        for (j, r) in pack.rules.iter().enumerate() {
            for id in &r.supersedes {
                if let Some(i) = find(id.as_str())
                    && !superseded_by[i].contains(&j)
                {
                    superseded_by[i].push(j);
                }
            }
        }
        for (r, by) in rules.iter_mut().zip(superseded_by) {
            r.superseded_by = by;
        }
        let by_rank: Vec<usize> = by_id.iter().map(|&(_, _, i)| i).collect();
        let order = finding_order(&rules, &by_rank);
        // A rule whose superseding rules all come earlier in evaluation order is judged as
        // its finding is made; the others after the run.
        let mut position = vec![0usize; rules.len()];
        for (k, &i) in order.iter().enumerate() {
            position[i] = k;
        }
        let masks: Vec<u8> = rules.iter().map(|r| r.stage_mask).collect();
        for (i, r) in rules.iter_mut().enumerate() {
            let early = r.superseded_by.iter().all(|&j| position[j] < position[i]);
            r.supersede_now = early && !r.superseded_by.is_empty();
            r.supersede_later = !early;
            r.later_stages = r
                .superseded_by
                .iter()
                .filter(|&&j| position[j] > position[i])
                .fold(0u8, |m, &j| match masks[j] {
                    0 => u8::MAX,
                    s => m | s,
                });
        }
        let prejudged: Vec<Prejudged> = order
            .iter()
            .filter_map(|&i| {
                let r = &rules[i];
                if r.each.is_some() || r.stage_mask != 0 {
                    return None;
                }
                let (value, threshold, not_has) = match r.when.shape {
                    Shape::Single(value, threshold, _) => (value, threshold, None),
                    Shape::SingleNotHas(value, threshold, _, c) => (value, threshold, Some(c)),
                    Shape::Flat(_) | Shape::General => return None,
                };
                Some(Prejudged {
                    rule: i,
                    metric: *Metric::ALL.get(usize::from(value))?,
                    value,
                    threshold,
                    not_has,
                })
            })
            .collect();
        for p in &prejudged {
            rules[p.rule].prejudged = true;
        }
        let straight = rules.iter().all(|r| {
            r.prejudged
                && r.superseded_by.is_empty()
                && !r.supersede_later
                && r.moves_to.is_none()
                && r.missing == MissingData::NotEvaluated
        }) && !pack.rules.iter().any(|r| !r.supersedes.is_empty())
            && prejudged.iter().fold(0u64, |m, p| m | (1 << p.value)) == reads;
        let sites = (0..rules.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Ok(Engine {
            pack,
            rules,
            order,
            series_config: SeriesConfig::default(),
            reads,
            read_list: (reads.count_ones() <= LOAD_ONE_BY_ONE).then(|| {
                Metric::ALL
                    .iter()
                    .copied()
                    .filter(|m| reads & (1 << metric_index(*m)) != 0)
                    .collect()
            }),
            prejudged,
            straight,
            sites,
            lists,
            compiled: false,
        })
    }

    /// The built-in default pack, compiled.
    ///
    /// # Panics
    /// Never in a released build: the default pack is checked by this crate's tests.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// let engine = Engine::default_pack();
    /// assert!(engine.rule_index("ladder.database_slow").is_some());
    /// ```
    #[must_use]
    pub fn default_pack() -> Engine {
        // Cannot fail: the embedded pack compiles, as `tests::default_pack_loads_without_diagnostics` checks.
        #[expect(
            clippy::expect_used,
            reason = "the embedded pack is checked by the test suite"
        )]
        let mut engine =
            Engine::new(RulePack::default_pack()).expect("the embedded default pack compiles");
        engine.compiled = true;
        engine
    }

    /// The pack this engine runs.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// assert_eq!(Engine::default_pack().pack().name(), "default");
    /// ```
    #[must_use]
    pub fn pack(&self) -> &RulePack {
        &self.pack
    }

    /// How series functions read the vague words (defaults: [`SeriesConfig::default`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// use scalability_advisor_rules::scalability_advisor_core::{SeriesConfig, units::Ratio};
    /// // Read "consistently" as 90% of the window instead of 80%.
    /// let strict = SeriesConfig {
    ///     consistency_share: Ratio::from_percent(90.0)?,
    ///     ..SeriesConfig::default()
    /// };
    /// let _engine = Engine::default_pack().with_series_config(strict);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn with_series_config(mut self, config: SeriesConfig) -> Self {
        self.series_config = config;
        self
    }

    /// How series functions read the vague words ([`Engine::with_series_config`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// use scalability_advisor_rules::scalability_advisor_core::SeriesConfig;
    /// assert_eq!(Engine::default_pack().series_config(), &SeriesConfig::default());
    /// ```
    #[must_use]
    pub fn series_config(&self) -> &SeriesConfig {
        &self.series_config
    }

    /// The levels the assessment reads ([`RulePack::advisor_config`]), with the engine's
    /// series configuration ([`Engine::series_config`]), so that the core's transition
    /// triggers read series as the rules do. [`crate::assess`] uses it.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::Engine;
    /// use scalability_advisor_rules::scalability_advisor_core::SeriesConfig;
    /// let month = SeriesConfig {
    ///     window: Duration::from_secs(30 * 86_400),
    ///     ..SeriesConfig::default()
    /// };
    /// let engine = Engine::default_pack().with_series_config(month);
    /// assert_eq!(engine.advisor_config().triggers.series, month);
    /// ```
    #[must_use]
    pub fn advisor_config(&self) -> scalability_advisor_core::AdvisorConfig {
        let mut config = self.pack.advisor_config();
        config.triggers.series = self.series_config;
        config
    }

    /// Evaluates every rule on a snapshot (and series from `history`), ignoring `for` and
    /// `clear` (use [`Engine::step`] for those).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, RuleStatus};
    /// let engine = Engine::default_pack();
    /// let e = engine.evaluate(
    ///     &MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(75.0)?),
    ///     &History::new(),
    /// );
    /// assert_eq!(
    ///     engine.status(&e, "key.cpu.warning"),
    ///     Some(RuleStatus::Fired)
    /// );
    /// assert_eq!(
    ///     engine.status(&e, "key.p95.warning"),
    ///     Some(RuleStatus::NotEvaluated)
    /// ); // no P95 given
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn evaluate(&self, snapshot: &MetricsSnapshot, history: &History) -> Evaluation {
        let mut out = Evaluation::default();
        self.evaluate_into(snapshot, history, &mut out);
        out
    }

    /// As [`Engine::evaluate`], reusing `out`'s buffers.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::{Engine, Evaluation};
    /// use scalability_advisor_rules::scalability_advisor_core::{History, MetricsSnapshot, units::Ratio};
    /// let engine = Engine::default_pack();
    /// let mut out = Evaluation::default(); // reused across snapshots: no allocation once grown
    /// for cpu in [40.0, 75.0, 95.0] {
    ///     let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(cpu)?);
    ///     engine.evaluate_into(&snap, &History::new(), &mut out);
    /// }
    /// assert_eq!(out.findings[0].id, "key.cpu.critical");
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    pub fn evaluate_into(
        &self,
        snapshot: &MetricsSnapshot,
        history: &History,
        out: &mut Evaluation,
    ) {
        self.run(snapshot, history, None, out);
    }

    /// Evaluates with time behaviour: `(state, snapshot at time at) -> (state', findings)`.
    ///
    /// A rule with `for = "10min"` fires only once its condition has held at every
    /// evaluation for at least that long; `for_evaluations = n` needs n consecutive holds.
    /// Once firing, a rule with `clear` keeps firing until the `clear` condition holds
    /// (hysteresis); without `clear` it stops when its condition stops holding. A firing rule
    /// whose condition cannot be decided (a metric went missing) stays firing, marked
    /// [`Finding::held_open`]: missing data is never read as "resolved". No clock is read:
    /// `at` is the caller's timestamp of the snapshot.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, RulePack, RuleStatus, State};
    /// let pack = RulePack::from_toml_str(
    ///     "p.toml",
    ///     r#"
    /// name = "p"
    /// [[rule]]
    /// id = "hot"
    /// title = "DB hot"
    /// when = "db_cpu > 80%"
    /// clear = "db_cpu < 60%"
    /// for_evaluations = 2
    /// severity = "warning"
    /// advice = "a"
    /// "#,
    /// )?;
    /// let engine = Engine::new(pack)?;
    /// let at = |m: u64| Duration::from_secs(60 * m);
    /// let snap =
    ///     |p: f64| MetricsSnapshot::default().with_db_cpu(Ratio::from_percent(p).unwrap());
    /// let status = |e: &scalability_advisor_rules::Evaluation| engine.status(e, "hot");
    /// let (s, e) = engine.step(&State::default(), &snap(85.0), &History::new(), at(0));
    /// assert_eq!(status(&e), Some(RuleStatus::NotFired)); // held once
    /// let (s, e) = engine.step(&s, &snap(85.0), &History::new(), at(1));
    /// assert_eq!(status(&e), Some(RuleStatus::Fired));
    /// let (s, e) = engine.step(&s, &snap(70.0), &History::new(), at(2));
    /// assert_eq!(status(&e), Some(RuleStatus::Fired)); // not yet below 60%
    /// let (_, e) = engine.step(&s, &snap(55.0), &History::new(), at(3));
    /// assert_eq!(status(&e), Some(RuleStatus::NotFired));
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn step(
        &self,
        state: &State,
        snapshot: &MetricsSnapshot,
        history: &History,
        at: Duration,
    ) -> (State, Evaluation) {
        let mut next = state.clone();
        next.rules.resize(self.rules.len(), RuleState::default());
        let mut out = Evaluation::default();
        self.run(snapshot, history, Some((&mut next, at)), &mut out);
        next.firing.clear();
        next.firing.resize(self.rules.len(), false);
        for f in &out.findings {
            if let Some(slot) = next.firing.get_mut(f.rule) {
                *slot = true;
            }
        }
        (next, out)
    }

    /// [`Engine::step`] for a long-running loop: also reports which findings started, which
    /// are still out and which resolved since the previous step, each with its evidence.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{ChangeKind, Engine, RulePack, State};
    /// let engine = Engine::new(RulePack::from_toml_str(
    ///     "p.toml",
    ///     r#"
    /// name = "p"
    /// [[rule]]
    /// id = "hot"
    /// title = "DB hot"
    /// when = "db_cpu > 80%"
    /// severity = "warning"
    /// advice = "Cool it."
    /// "#,
    /// )?)?;
    /// let snap =
    ///     |p: f64| MetricsSnapshot::default().with_db_cpu(Ratio::from_percent(p).unwrap());
    /// let minute = |m: u64| Duration::from_secs(60 * m);
    /// let kinds = |s: &scalability_advisor_rules::StepReport| {
    ///     s.changes.iter().map(|c| c.kind).collect::<Vec<_>>()
    /// };
    /// let s1 = engine.advance(&State::default(), &snap(85.0), &History::new(), minute(0));
    /// assert_eq!(kinds(&s1), [ChangeKind::Started]);
    /// assert_eq!(s1.changes[0].id, "hot");
    /// let s2 = engine.advance(&s1.state, &snap(90.0), &History::new(), minute(1));
    /// assert_eq!(kinds(&s2), [ChangeKind::StillFiring]);
    /// let s3 = engine.advance(&s2.state, &snap(40.0), &History::new(), minute(2));
    /// assert_eq!(kinds(&s3), [ChangeKind::Resolved]);
    /// // Why it resolved: the condition no longer holds.
    /// assert_eq!(s3.changes[0].evidence[0].to_string(), "db_cpu = 40% <= 80%");
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn advance(
        &self,
        state: &State,
        snapshot: &MetricsSnapshot,
        history: &History,
        at: Duration,
    ) -> StepReport {
        let was = |i: usize| state.firing.get(i).copied().unwrap_or(false);
        let (next, evaluation) = self.step(state, snapshot, history, at);
        let mut changes: Vec<Change> = evaluation
            .findings
            .iter()
            .map(|f| Change {
                id: f.id.clone(),
                kind: if was(f.rule) {
                    ChangeKind::StillFiring
                } else {
                    ChangeKind::Started
                },
                severity: f.severity,
                evidence: self.explain(&evaluation, f),
            })
            .collect();
        let mut resolved: Vec<usize> = (0..self.rules.len())
            .filter(|&i| was(i) && !next.firing.get(i).copied().unwrap_or(false))
            .collect();
        resolved.sort_by_key(|&i| self.rules[i].id_rank);
        for i in resolved {
            let r = &self.rules[i];
            changes.push(Change {
                id: r.id.clone(),
                kind: ChangeKind::Resolved,
                severity: r.severity,
                evidence: self.evidence_now(i, snapshot, history),
            });
        }
        StepReport {
            state: next,
            evaluation,
            changes,
        }
    }

    /// Calls `each` with what identifies each line [`Engine::explain`] would give for
    /// `finding` (its entity, metric and left side), in the same order, without writing the
    /// lines out (and so without allocating).
    pub(crate) fn for_each_evidence<'a>(
        &'a self,
        evaluation: &'a Evaluation,
        finding: &Finding,
        mut each: impl FnMut(EvidenceRef<'a>),
    ) {
        let Some(r) = self.rules.get(finding.rule) else {
            return;
        };
        let written = self.sites(finding.rule);
        let line = |site: &'a ComparisonSite, subject: Option<(EntityKind, &'a str)>| EvidenceRef {
            subject: subject.filter(|_| site.field.is_some()),
            metric: site.metric,
            left: site.left.as_str(),
        };
        let support = |sites: &[ComparisonSite], logic: &Logic, want: bool, obs: &[Observation]| {
            let mut support = [None; MAX_COMPARISONS];
            let n = sites.len().min(MAX_COMPARISONS);
            logic.mark(
                want,
                obs,
                evaluation.architecture,
                evaluation.known,
                &mut support[..n],
            );
            support
        };
        if finding.subjects_len > 0 {
            for subject in evaluation.subjects(finding) {
                let marks = support(&written.when, &r.logic, true, subject.observations);
                for ((site, _), m) in written.when.iter().zip(subject.observations).zip(marks) {
                    if m.is_some() {
                        each(line(site, Some((subject.kind, subject.name))));
                    }
                }
            }
            return;
        }
        let obs = evaluation.observations(finding);
        let (sites, logic, want) = match (&r.clear_logic, finding.held_open) {
            (Some(clear), true) => (&written.clear, clear, false),
            _ => (&written.when, &r.logic, true),
        };
        let obs = &obs[..sites.len().min(obs.len())];
        let marks = support(sites, logic, want, obs);
        let supported = sites
            .iter()
            .zip(obs)
            .zip(marks)
            .filter(|(_, m)| m.is_some())
            .count();
        // As `explain`: with no supporting line, a finding fired on unknown data or held
        // open shows every comparison.
        let every = supported == 0 && (finding.assumed || finding.held_open);
        for ((site, _), m) in sites.iter().zip(obs).zip(marks) {
            if every || m.is_some() {
                each(line(site, None));
            }
        }
        // As `explain`: a finding fired on unknown data beside what held shows the unknowns
        // it took as holding, after the supporting lines.
        if finding.assumed && !every {
            for (site, o) in sites.iter().zip(obs) {
                if o.held.is_nan() {
                    each(line(site, None));
                }
            }
        }
    }

    /// Every comparison of rule `index`'s condition as it reads on `snapshot` now.
    fn evidence_now(
        &self,
        index: usize,
        snapshot: &MetricsSnapshot,
        history: &History,
    ) -> Vec<RuleEvidence> {
        let Some(r) = self.rules.get(index) else {
            return Vec::new();
        };
        let written = self.sites(index);
        let values = load_values(snapshot);
        let ctx = Ctx {
            stack: core::cell::RefCell::new([0.0; MAX_STACK]),
            values: &values,
            snapshot,
            in_place: snapshot.components_in_place(),
            history,
            series: &self.series_config,
        };
        let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
        // A rule with `clear` resolved because `clear` holds: show that. Otherwise show why its
        // condition no longer holds (each failing comparison, its operator negated).
        let (program, sites, logic, want) = match (&r.clear, &r.clear_logic) {
            (Some(clear), Some(clear_logic)) => (clear, &written.clear, clear_logic, true),
            _ => (&r.when, &written.when, &r.logic, false),
        };
        let _ = exec(program, &ctx, &mut slots);
        let obs: Vec<Observation> = slots[..sites.len()]
            .iter()
            .map(|s| Observation {
                observed: s.observed,
                threshold: s.threshold,
                held: s.held,
                reading: s.reading,
            })
            .collect();
        let known = known_bits(&values);
        supporting(
            sites,
            logic,
            want,
            &obs,
            snapshot.components_in_place(),
            known,
        )
    }

    fn run(
        &self,
        snapshot: &MetricsSnapshot,
        history: &History,
        mut state: Option<(&mut State, Duration)>,
        out: &mut Evaluation,
    ) {
        if state.is_none() {
            if self.straight {
                self.run_straight(snapshot, out);
                return;
            }
            // (`false` when the engine is not the one the code was generated from.)
            if self.compiled && default_pack_run::run(self, snapshot, history, out) {
                return;
            }
        }
        let mut values = [UNKNOWN; VALUES];
        let known = self.load(snapshot, &mut values);
        let ctx = Ctx {
            stack: core::cell::RefCell::new([0.0; MAX_STACK]),
            values: &values,
            snapshot,
            in_place: snapshot.components_in_place(),
            history,
            series: &self.series_config,
        };
        let stage = snapshot.users.map(Stage::for_users);
        let stage_bit = stage.map_or(0u8, |s| 1 << (s.number() - 1));
        refill(
            &mut out.statuses,
            self.rules.len(),
            RuleStatus::NotEvaluated,
        );
        refill(&mut out.superseded, self.rules.len(), false);
        out.findings.clear();
        out.observations.clear();
        out.subjects.clear();
        out.subject_names.clear();
        out.architecture = ctx.in_place;
        out.undeclared = snapshot.architecture.is_empty();
        out.known = known;
        // The tight pass: each prejudged rule's raw outcome, as a status (fired: held; not
        // fired: did not hold; not evaluated: undecided).
        let prejudge = state.is_none();
        if prejudge {
            for p in &self.prejudged {
                let l = values[usize::from(p.value)];
                // (`unknown and false` is false.)
                out.statuses[p.rule] = p.status(l, ctx.in_place);
            }
        }
        let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
        let mut any_supersedes = false;
        let mut any_overdue = false;
        for &i in &self.order {
            let r = &self.rules[i];
            // A prejudged rule that neither fired nor is reported stays as the tight pass
            // left it; one that fired needs only its comparison recorded.
            let prejudged_fired = if prejudge && r.prejudged {
                match out.statuses[i] {
                    RuleStatus::NotFired => continue,
                    RuleStatus::NotEvaluated if r.missing == MissingData::NotEvaluated => {
                        continue;
                    }
                    status => status == RuleStatus::Fired,
                }
            } else {
                false
            };
            if prejudged_fired {
                // Its finding, straight: one comparison, held, on the snapshot.
                let replaced = r.supersede_now
                    && r.superseded_by
                        .iter()
                        .any(|&j| out.statuses[j] == RuleStatus::Fired);
                if replaced {
                    out.superseded[i] = true;
                    continue;
                }
                any_supersedes |= may_be_superseded_later(r.later_stages, stage_bit);
                let start = out.observations.len();
                if let Shape::Single(v, t, _) | Shape::SingleNotHas(v, t, _, _) = r.when.shape {
                    out.observations.push(Observation {
                        observed: values[usize::from(v)],
                        threshold: t.k,
                        held: 1.0,
                        reading: Reading::Snapshot,
                    });
                }
                let subjects = out.subjects.len();
                let f = r.finding(
                    i,
                    stage,
                    ctx.in_place,
                    (false, false),
                    (start, out.observations.len() - start),
                    (subjects, 0),
                );
                any_overdue |= f.overdue;
                out.findings.push(f);
                continue;
            }
            let mut assumed = false;
            let mut held_open = false;
            // An `any(...)` rule records the entities that meet it as it runs; kept only if
            // it fires.
            let marks = (
                out.observations.len(),
                out.subjects.len(),
                out.subject_names.len(),
            );
            let status = if r.stage_mask != 0 && stage_bit == 0 {
                RuleStatus::NotEvaluated
            } else if r.stage_mask != 0 && r.stage_mask & stage_bit == 0 {
                RuleStatus::NotApplicable
            } else {
                let v = match r.each {
                    Some(kind) => each_entity(r, kind, &ctx, &mut slots, Some(&mut *out)),
                    None => match fast(&r.when, &ctx, &mut slots) {
                        Some(v) => v,
                        None => exec(&r.when, &ctx, &mut slots),
                    },
                };
                let (mut raw, fired_unknown) = judge(v, r.missing);
                assumed = fired_unknown;
                let condition = raw;
                if let Some((st, at)) = state.as_mut() {
                    raw = apply_time(r, &mut st.rules[i], raw, &ctx, *at);
                }
                // Kept firing by hysteresis (record why `clear` has not held instead), or
                // because the condition cannot be decided now.
                if raw == RuleStatus::Fired && condition != RuleStatus::Fired && !assumed {
                    held_open = true;
                    if let Some(clear) = &r.clear {
                        let _ = exec(clear, &ctx, &mut slots);
                    }
                }
                raw
            };
            out.statuses[i] = status;
            // Its superseding rules, all judged already, replace its finding.
            let replaced = status == RuleStatus::Fired
                && r.supersede_now
                && r.superseded_by
                    .iter()
                    .any(|&j| out.statuses[j] == RuleStatus::Fired);
            if replaced {
                out.superseded[i] = true;
            }
            // Whether it makes a finding.
            let finding = status == RuleStatus::Fired && !replaced;
            let mut named = 0;
            if r.each.is_some() {
                named = out.subjects.len() - marks.1;
                // (A rule held open matched no entity: its condition did not hold.)
                if !finding {
                    out.observations.truncate(marks.0);
                    out.subjects.truncate(marks.1);
                    out.subject_names.truncate(marks.2);
                    named = 0;
                }
            }
            if finding {
                any_supersedes |= may_be_superseded_later(r.later_stages, stage_bit);
                let (start, recorded, subjects) = if named > 0 {
                    (marks.0, out.observations.len() - marks.0, named)
                } else {
                    let recorded = if held_open && r.clear.is_some() {
                        r.clear_site_count
                    } else {
                        r.site_count
                    };
                    out.observations
                        .extend(slots[..recorded].iter().map(observation_of));
                    (marks.0, recorded, 0)
                };
                let f = r.finding(
                    i,
                    stage,
                    ctx.in_place,
                    (assumed, held_open),
                    (start, recorded),
                    (marks.1, subjects),
                );
                any_overdue |= f.overdue;
                out.findings.push(f);
            }
        }
        self.finish(out, any_supersedes, any_overdue);
    }

    /// The end of a run: drops the findings of rules replaced by a fired superseding rule
    /// judged after them (`any_supersedes`: some finding's rule has one), and moves overdue
    /// transitions, raised in severity, back to their documented place (`any_overdue`).
    #[inline]
    fn finish(&self, out: &mut Evaluation, any_supersedes: bool, any_overdue: bool) {
        // Supersession by rules judged later: drop findings of rules replaced by a fired
        // superseding rule.
        if any_supersedes {
            for f in &out.findings {
                if self.rules[f.rule]
                    .superseded_by
                    .iter()
                    .any(|&j| out.statuses[j] == RuleStatus::Fired)
                {
                    out.superseded[f.rule] = true;
                }
            }
            let superseded = &out.superseded;
            out.findings.retain(|f| !superseded[f.rule]);
        }
        // Overdue transitions were raised in severity: restore the documented order. Only
        // they can be out of place, and only too late (a raised severity sorts earlier), so
        // each moves back to its place; the findings before it are in order already.
        if any_overdue {
            let rules = &self.rules;
            let precedes = |a: &Finding, b: &Finding| {
                b.severity
                    .cmp(&a.severity)
                    .then(a.priority.cmp(&b.priority))
                    .then(rules[a.rule].id_rank.cmp(&rules[b.rule].id_rank))
                    .is_lt()
            };
            for k in 1..out.findings.len() {
                if !out.findings[k].overdue {
                    continue;
                }
                let mut j = k;
                while j > 0 && precedes(&out.findings[j], &out.findings[j - 1]) {
                    out.findings.swap(j, j - 1);
                    j -= 1;
                }
            }
        }
    }

    /// [`Engine::run`] for a pack whose rules are all prejudged and independent
    /// ([`Engine::straight`]), without time behaviour: one pass in finding order judges each
    /// rule and makes its finding at once. No rule supersedes another and none moves to a
    /// stage (so none is overdue), so the findings come out in their documented order; an
    /// undecided rule is not reported. A property test holds it to the ordered path.
    fn run_straight(&self, snapshot: &MetricsSnapshot, out: &mut Evaluation) {
        let stage = snapshot.users.map(Stage::for_users);
        let n = self.rules.len();
        // Every status is written below.
        if out.statuses.len() != n {
            refill(&mut out.statuses, n, RuleStatus::NotEvaluated);
        }
        refill(&mut out.superseded, n, false);
        out.findings.clear();
        out.observations.clear();
        out.subjects.clear();
        out.subject_names.clear();
        let in_place = snapshot.components_in_place();
        out.architecture = in_place;
        out.undeclared = snapshot.architecture.is_empty();
        let mut known = 0u64;
        for p in &self.prejudged {
            // (Read where it is, not loaded first: a straight pack reads no other metric.)
            let l = snapshot.canonical(p.metric);
            known |= u64::from(!l.is_nan()) << p.value;
            let status = p.status(l, in_place);
            out.statuses[p.rule] = status;
            if status == RuleStatus::Fired {
                let r = &self.rules[p.rule];
                let start = out.observations.len();
                out.observations.push(Observation {
                    observed: l,
                    threshold: p.threshold.k,
                    held: 1.0,
                    reading: Reading::Snapshot,
                });
                out.findings.push(Finding {
                    id: r.id.clone(),
                    rule: p.rule,
                    severity: r.severity,
                    priority: r.priority,
                    stage,
                    assumed: false,
                    overdue: false,
                    held_open: false,
                    evidence_start: u32::try_from(start).unwrap_or(u32::MAX),
                    evidence_len: 1,
                    subjects_start: 0,
                    subjects_len: 0,
                });
            }
        }
        out.known = known;
    }

    /// Writes the values of the metrics the pack reads into `values` and returns which of
    /// them are known (bit [`Metric::index`]). A pack that reads a few (at most
    /// [`LOAD_ONE_BY_ONE`]) loads them one by one; one that reads more, every metric in one
    /// pass, which is then cheaper. The other slots, and the entity fields after the metrics,
    /// are left as they are: unknown, from the caller.
    #[inline(never)] // (inlined, it costs `run` more in registers than the call saves)
    fn load(&self, snapshot: &MetricsSnapshot, values: &mut [f64; VALUES]) -> u64 {
        let Some(list) = &self.read_list else {
            if let Some(metrics) = values.first_chunk_mut::<{ Metric::COUNT }>() {
                snapshot.fill_canonical(metrics);
            }
            return known_bits(values) & self.reads;
        };
        let mut known = 0u64;
        for &m in list {
            let i = metric_index(m);
            let v = snapshot.canonical(m);
            if let Some(slot) = values.get_mut(i) {
                *slot = v;
            }
            known |= u64::from(!v.is_nan()) << i;
        }
        known
    }

    /// The rules, in evaluation order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// let engine = Engine::default_pack();
    /// assert!(engine.rules().all(|r| !r.references.is_empty()));
    /// ```
    #[must_use = "the iterator does nothing unless consumed"]
    pub fn rules(&self) -> impl ExactSizeIterator<Item = &Rule> {
        self.pack.rules.iter()
    }

    /// The rule at `index` (as in [`Finding::rule`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// let engine = Engine::default_pack();
    /// let i = engine.rule_index("add.cdn").unwrap();
    /// assert_eq!(engine.rule(i).unwrap().title, "Add a CDN");
    /// ```
    #[must_use]
    pub fn rule(&self, index: usize) -> Option<&Rule> {
        self.pack.rules.get(index)
    }

    /// The index of rule `id`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// let engine = Engine::default_pack();
    /// assert!(engine.rule_index("add.cdn").is_some());
    /// assert_eq!(engine.rule_index("no.such.rule"), None);
    /// ```
    #[must_use]
    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.pack.rules.iter().position(|r| r.id == id)
    }

    /// The status of rule `id` in an evaluation.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, RuleStatus};
    /// let engine = Engine::default_pack();
    /// let e = engine.evaluate(
    ///     &MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(60.0)?),
    ///     &History::new(),
    /// );
    /// assert_eq!(
    ///     engine.status(&e, "add.read_replicas"),
    ///     Some(RuleStatus::NotFired)
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn status(&self, evaluation: &Evaluation, id: &str) -> Option<RuleStatus> {
        self.rule_index(id)
            .and_then(|i| evaluation.statuses.get(i).copied())
    }

    /// What rule `index` lacked, when it was not evaluated (or fired on assumed data).
    ///
    /// A metric the condition tests with `present(...)` is one whose absence the rule's
    /// author handled (`not present(x) or x < level`): it is named only when nothing else
    /// is lacking, since giving the others is then what decides the rule.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, Metric, MetricsSnapshot,
    /// };
    /// use scalability_advisor_rules::{Engine, MissingInput};
    /// let engine = Engine::default_pack();
    /// let i = engine.rule_index("move.3.write_saturation").unwrap();
    /// let missing = engine.missing(i, &MetricsSnapshot::default(), &History::new());
    /// assert_eq!(
    ///     missing,
    ///     [
    ///         MissingInput::Value(Metric::PrimaryWriteThroughput),
    ///         MissingInput::Value(Metric::PrimaryWriteCapacity)
    ///     ]
    /// );
    /// ```
    #[must_use]
    pub fn missing(
        &self,
        index: usize,
        snapshot: &MetricsSnapshot,
        history: &History,
    ) -> Vec<MissingInput> {
        let mut out = Vec::new();
        self.missing_into(index, snapshot, history, &mut out);
        out
    }

    /// As [`Engine::missing`], adding to `out` what it does not hold yet (each input once,
    /// in the order first named): the inputs a set of rules lacks, without a list per rule.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{History, Metric, MetricsSnapshot};
    /// use scalability_advisor_rules::{Engine, MissingInput};
    /// let engine = Engine::default_pack();
    /// let snap = MetricsSnapshot::default();
    /// let mut lacking = Vec::new();
    /// for id in ["add.read_replicas", "add.read_replicas"] {
    ///     let i = engine.rule_index(id).unwrap();
    ///     engine.missing_into(i, &snap, &History::new(), &mut lacking);
    /// }
    /// assert_eq!(lacking, [MissingInput::Value(Metric::DbReadShare)]);
    /// ```
    pub fn missing_into(
        &self,
        index: usize,
        snapshot: &MetricsSnapshot,
        history: &History,
        out: &mut Vec<MissingInput>,
    ) {
        self.missing_each(index, snapshot, history, None, &mut |m| {
            if !out.contains(&m) {
                out.push(m);
            }
        });
    }

    /// Calls `add` with each input rule `index` lacks, in [`Engine::missing`]'s order.
    /// `known`, the [`Evaluation`]'s bits of the metrics it found (when the caller has it),
    /// saves reading the snapshot's values again.
    pub(crate) fn missing_each(
        &self,
        index: usize,
        snapshot: &MetricsSnapshot,
        history: &History,
        known: Option<u64>,
        add: &mut impl FnMut(MissingInput),
    ) {
        let Some(r) = self.rules.get(index) else {
            return;
        };
        // Whether anything but a guarded metric was named: those wait for the end.
        let named = core::cell::Cell::new(false);
        let outer = add;
        let mut add = |m: MissingInput| {
            named.set(true);
            outer(m);
        };
        if r.stage_mask != 0 && snapshot.users.is_none() {
            add(MissingInput::Users);
        }
        // The pack reads every metric of a condition, so `known` has its bit.
        let lacks = |m: Metric| match known {
            Some(bits) => bits & (1u64 << metric_index(m)) == 0,
            None => snapshot.value(m).is_none(),
        };
        let is_guarded = |m: Metric| r.guarded & (1u64 << metric_index(m)) != 0;
        for m in self.list(r.metrics) {
            if lacks(*m) && !is_guarded(*m) {
                add(MissingInput::Value(*m));
            }
        }
        for m in self.list(r.series) {
            match history.get(*m) {
                None => add(MissingInput::Series(*m)),
                Some(series) => {
                    let samples = series.window(self.series_config.window).len();
                    let required = self.series_config.min_samples.max(3);
                    if samples < required {
                        add(MissingInput::SeriesSamples {
                            metric: *m,
                            samples,
                            required,
                            window: self.series_config.window,
                        });
                    }
                }
            }
        }
        for m in self.list(r.divisors) {
            if snapshot.value(*m).is_some_and(|v| v == 0.0) {
                add(MissingInput::ZeroDivisor(*m));
            }
        }
        if let Some(kind) = r.each {
            match entity_count(snapshot, kind) {
                None => add(MissingInput::Entities(kind)),
                Some(n) => self.missing_fields(index, kind, n, snapshot, &mut add),
            }
        }
        // A metric the condition tests with `present(...)` is one whose absence its author
        // handled (`not present(x) or x < level`): it is what was lacking only when nothing
        // else was.
        if !named.get() {
            for m in self.list(r.metrics) {
                if lacks(*m) && is_guarded(*m) {
                    add(MissingInput::Value(*m));
                }
            }
        }
    }

    /// The metrics of a rule's list (`range` of [`Engine::lists`]).
    #[inline]
    fn list(&self, range: ListRange) -> &[Metric] {
        if range.is_empty() {
            return &[];
        }
        self.lists
            .get(range.start as usize..range.end as usize)
            .unwrap_or_default()
    }

    /// What [`Engine::missing_each`] names for rule `index` when the rule reads nothing but
    /// values of the snapshot (no series, divisor or entity list; `None` otherwise): whether
    /// it names the user count, and the bits (by [`metric_index`]) of the values it names,
    /// given the bits of the metrics `known`. A caller that has already named all of them
    /// can skip the rule without the walk over its metrics.
    #[inline]
    pub(crate) fn missing_values(
        &self,
        index: usize,
        snapshot: &MetricsSnapshot,
        known: u64,
    ) -> Option<(bool, u64)> {
        let r = self.rules.get(index)?;
        if !(r.series.is_empty() && r.divisors.is_empty() && r.each.is_none()) {
            return None;
        }
        let users = r.stage_mask != 0 && snapshot.users.is_none();
        let lacking = r.metric_bits & !known;
        let plain = lacking & !r.guarded;
        // Guarded metrics are named only when nothing else is.
        Some((users, if users || plain != 0 { plain } else { lacking }))
    }

    /// The fields of entity list `kind` (of `n` entities) that rule `index` reads and some
    /// entity lacks, with how many lack each. (Apart from [`Engine::missing_each`], whose
    /// common paths it would otherwise burden with its working space.)
    #[inline(never)]
    fn missing_fields(
        &self,
        index: usize,
        kind: EntityKind,
        n: usize,
        snapshot: &MetricsSnapshot,
        add: &mut impl FnMut(MissingInput),
    ) {
        let mut fields = Vec::new();
        self.pack.rules[index].when_expr.walk(&mut |e| {
            if let Expr::Field { field, .. } = e {
                push_unique(&mut fields, *field);
            }
        });
        let mut row = [UNKNOWN; EntityField::MAX_PER_KIND];
        let mut lacking = vec![0usize; fields.len()];
        for i in 0..n {
            entity_at(snapshot, kind, i, &mut row);
            for (k, f) in fields.iter().enumerate() {
                if row.get(f.slot()).is_none_or(|v| v.is_nan()) {
                    lacking[k] += 1;
                }
            }
        }
        for (f, n) in fields.into_iter().zip(lacking) {
            if n > 0 {
                add(MissingInput::EntityField(f, n));
            }
        }
    }

    /// The evidence that supports a finding: each comparison (or series function) whose
    /// outcome made the condition hold, with the metric, the observed value, the operator,
    /// the threshold and where it came from.
    ///
    /// Comparisons that did not contribute are left out: a branch of an `or` that failed is
    /// not support. A comparison under a `not` supports by failing and is shown with its
    /// operator negated. A finding fired on missing data (`missing = "fire"`) lists the
    /// unknown comparisons instead. [`Engine::explain_all`] gives every comparison.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, RulePack};
    /// let pack = RulePack::from_toml_str(
    ///     "p.toml",
    ///     r#"
    /// name = "p"
    /// [[rule]]
    /// id = "db"
    /// title = "Database busy or slow"
    /// when = "db_cpu > 70% or slowest_query_time > 100ms"
    /// severity = "warning"
    /// advice = "Look at the database."
    /// "#,
    /// )?;
    /// let engine = Engine::new(pack)?;
    /// let snap = MetricsSnapshot::default()
    ///     .with_db_cpu(Ratio::from_percent(82.0)?)
    ///     .with_slowest_query_time(Duration::from_millis(90));
    /// let eval = engine.evaluate(&snap, &History::new());
    /// let lines: Vec<String> = engine
    ///     .explain(&eval, &eval.findings[0])
    ///     .iter()
    ///     .map(ToString::to_string)
    ///     .collect();
    /// assert_eq!(lines, ["db_cpu = 82% > 70%"]); // the query branch failed: not shown
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn explain(&self, evaluation: &Evaluation, finding: &Finding) -> Vec<RuleEvidence> {
        self.explain_lines(evaluation, finding)
    }

    /// The components of the declared architecture whose `has(...)` supports a finding:
    /// what [`Engine::explain`] gives for comparisons, for the architecture. A `has` that
    /// supports by failing (`not has(cache)`: no cache) is not listed; neither is anything
    /// for a finding kept open by hysteresis (its `clear` condition is what it shows) or
    /// fired on missing data.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Component, ComponentSet, History, MetricsSnapshot, units::Users,
    /// };
    /// use scalability_advisor_rules::Engine;
    /// let engine = Engine::default_pack();
    /// // Regions declared but not counted: the global load balancer is still called for.
    /// let snap = MetricsSnapshot::default()
    ///     .with_users(Users::new(400_000))
    ///     .with_component(Component::MultiRegion);
    /// let eval = engine.evaluate(&snap, &History::new());
    /// let f = eval
    ///     .findings
    ///     .iter()
    ///     .find(|f| f.id == "add.global_load_balancer")
    ///     .unwrap();
    /// assert_eq!(
    ///     engine.declared(&eval, f),
    ///     ComponentSet::from_components(&[Component::MultiRegion])
    /// );
    /// ```
    #[must_use]
    pub fn declared(&self, evaluation: &Evaluation, finding: &Finding) -> ComponentSet {
        self.architecture_support(evaluation, finding, true)
    }

    /// The components whose absence from the declared architecture supports a finding:
    /// each `not has(...)` (or `has(...)` that had to fail) that the finding's condition
    /// needed, such as the microservices an API gateway has nothing to route to. The
    /// counterpart of [`Engine::declared`]. Nothing is listed when the snapshot declares no
    /// architecture at all (an absence there says nothing about the system), for a finding
    /// kept open by hysteresis, or for one fired on missing data.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Component, ComponentSet, History, MetricsSnapshot, units::{Ratio, Users},
    /// };
    /// use scalability_advisor_rules::Engine;
    /// let engine = Engine::default_pack();
    /// let snap = MetricsSnapshot::default()
    ///     .with_users(Users::new(40_000))
    ///     .with_db_read_share(Ratio::from_percent(90.0)?)
    ///     .with_component(Component::LoadBalancer);
    /// let eval = engine.evaluate(&snap, &History::new());
    /// let f = eval
    ///     .findings
    ///     .iter()
    ///     .find(|f| f.id == "add.read_replicas")
    ///     .unwrap();
    /// assert_eq!(
    ///     engine.absent(&eval, f),
    ///     ComponentSet::from_components(&[Component::ReadReplicas])
    /// );
    /// # Ok::<(), scalability_advisor_rules::scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn absent(&self, evaluation: &Evaluation, finding: &Finding) -> ComponentSet {
        if evaluation.undeclared || evaluation.architecture.is_empty() {
            return ComponentSet::EMPTY;
        }
        self.architecture_support(evaluation, finding, false)
    }

    /// The components whose presence (`present`) or absence supports a finding: what
    /// [`Engine::declared`] and [`Engine::absent`] give.
    fn architecture_support(
        &self,
        evaluation: &Evaluation,
        finding: &Finding,
        present: bool,
    ) -> ComponentSet {
        let mut out = ComponentSet::EMPTY;
        let Some(r) = self.rules.get(finding.rule) else {
            return out;
        };
        if finding.held_open || finding.assumed {
            return out;
        }
        // (An `any(...)` finding's condition is judged per entity; its observations begin
        // with its first entity's, which say which branches held.)
        let obs = evaluation.observations(finding);
        r.logic.mark_declared(
            true,
            obs,
            evaluation.architecture,
            evaluation.known,
            present,
            &mut out,
        );
        out
    }

    /// [`Engine::explain`]'s lines.
    fn explain_lines(&self, evaluation: &Evaluation, finding: &Finding) -> Vec<RuleEvidence> {
        let Some(r) = self.rules.get(finding.rule) else {
            return Vec::new();
        };
        let written = self.sites(finding.rule);
        if finding.subjects_len > 0 {
            let mut lines = Vec::new();
            for subject in evaluation.subjects(finding) {
                let mine = supporting(
                    &written.when,
                    &r.logic,
                    true,
                    subject.observations,
                    evaluation.architecture,
                    evaluation.known,
                );
                add_subject_lines(&mut lines, mine, &subject);
            }
            return lines;
        }
        let obs = evaluation.observations(finding);
        let (sites, logic, want) = match (&r.clear_logic, finding.held_open) {
            (Some(clear), true) => (&written.clear, clear, false),
            _ => (&written.when, &r.logic, true),
        };
        let obs = &obs[..sites.len().min(obs.len())];
        let lines = supporting(
            sites,
            logic,
            want,
            obs,
            evaluation.architecture,
            evaluation.known,
        );
        if lines.is_empty() && (finding.assumed || finding.held_open) {
            // Fired on unknown data (`missing = "fire"`), or kept open because the condition
            // cannot be decided now: show every comparison as it reads.
            return evidence_from(sites, obs);
        }
        let mut lines = lines;
        if finding.assumed {
            // Fired on unknown data beside what held: the unknowns it took as holding are
            // part of why it fired, so they are shown too (`user_regions unknown < 2`).
            lines.extend(
                sites
                    .iter()
                    .zip(obs)
                    .filter(|(_, o)| o.held.is_nan())
                    .map(|(site, o)| evidence_of(site, o)),
            );
        }
        lines
    }

    /// Every comparison of a finding's condition, whether or not it supports the finding
    /// (compare [`Engine::explain`]). A comparison that did not hold is shown with its
    /// operator negated (`server_cpu = 90% <= 95%`), so that every line is true of the
    /// snapshot.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::Engine;
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// let engine = Engine::default_pack();
    /// let snap = MetricsSnapshot::default()
    ///     .with_db_cpu(Ratio::from_percent(78.0)?)
    ///     .with_slowest_query_time(Duration::from_millis(90));
    /// let e = engine.evaluate(&snap, &History::new());
    /// let f = e
    ///     .findings
    ///     .iter()
    ///     .find(|f| f.id == "ladder.database_slow")
    ///     .unwrap();
    /// assert_eq!(engine.explain(&e, f).len(), 1); // only the CPU held
    /// assert_eq!(engine.explain_all(&e, f).len(), 2); // both comparisons
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn explain_all(&self, evaluation: &Evaluation, finding: &Finding) -> Vec<RuleEvidence> {
        if self.rules.get(finding.rule).is_none() {
            return Vec::new();
        }
        let written = self.sites(finding.rule);
        if finding.held_open {
            as_read(evidence_from(
                &written.clear,
                evaluation.observations(finding),
            ))
        } else if finding.subjects_len > 0 {
            evaluation
                .subjects(finding)
                .fold(Vec::new(), |mut lines, subject| {
                    let mine = as_read(evidence_from(&written.when, subject.observations));
                    add_subject_lines(&mut lines, mine, &subject);
                    lines
                })
        } else {
            as_read(evidence_from(
                &written.when,
                evaluation.observations(finding),
            ))
        }
    }

    /// Rule `index`'s comparison sites, written out the first time they are wanted.
    fn sites(&self, index: usize) -> &Sites {
        static NONE: Sites = Sites {
            when: Vec::new(),
            clear: Vec::new(),
        };
        match (self.sites.get(index), self.pack.rules.get(index)) {
            (Some(cell), Some(rule)) => cell.get_or_init(|| write_sites(&self.pack, rule)),
            _ => &NONE,
        }
    }

    /// Counts the findings of a snapshot without building them: the fast path for fleets.
    ///
    /// Returns (fired, not evaluated) rule counts; allocates nothing.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     History, MetricsSnapshot, units::Ratio,
    /// };
    /// let engine = Engine::default_pack();
    /// let (fired, unknown) = engine.count(
    ///     &MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(95.0)?),
    ///     &History::new(),
    /// );
    /// assert!(fired >= 3 && unknown > 20);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn count(&self, snapshot: &MetricsSnapshot, history: &History) -> (usize, usize) {
        let values = load_values(snapshot);
        let ctx = Ctx {
            stack: core::cell::RefCell::new([0.0; MAX_STACK]),
            values: &values,
            snapshot,
            in_place: snapshot.components_in_place(),
            history,
            series: &self.series_config,
        };
        let stage = snapshot.users.map(Stage::for_users);
        let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
        let (mut fired, mut unknown) = (0, 0);
        for r in &self.rules {
            if r.stage_mask != 0 {
                match stage {
                    None => {
                        unknown += 1;
                        continue;
                    }
                    Some(s) if r.stage_mask & (1 << (s.number() - 1)) == 0 => continue,
                    Some(_) => {}
                }
            }
            let v = match r.each {
                Some(kind) => each_entity(r, kind, &ctx, &mut slots, None),
                None => exec(&r.when, &ctx, &mut slots),
            };
            if v.is_nan() {
                match r.missing {
                    MissingData::NotEvaluated => unknown += 1,
                    MissingData::Fire => fired += 1,
                    MissingData::Ignore => {}
                }
            } else if v != 0.0 {
                fired += 1;
            }
        }
        (fired, unknown)
    }

    /// Whether the condition of the rule at `index` compares `metric`.
    /// The metrics rule `index`'s condition compares, as bits (`1 << metric.index()`): one
    /// pass over its comparison sites, for several [`Engine::compares`] questions at once.
    pub(crate) fn compared_metrics(&self, index: usize) -> u64 {
        self.sites(index)
            .when
            .iter()
            .filter_map(|s| s.metric)
            .fold(0, |bits, m| bits | 1u64 << metric_index(m))
    }

    pub(crate) fn compares(&self, index: usize, metric: Metric) -> bool {
        self.sites(index)
            .when
            .iter()
            .any(|s| s.metric == Some(metric))
    }

    /// The compiled rules' comparison sites, for documentation and tooling.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// let engine = Engine::default_pack();
    /// let sites = engine.comparisons("ladder.database_slow").unwrap();
    /// assert_eq!(sites.len(), 2);
    /// assert_eq!(sites[0].right, "$slow_query");
    /// ```
    #[must_use]
    pub fn comparisons(&self, id: &str) -> Option<&[ComparisonSite]> {
        self.rule_index(id).map(|i| self.sites(i).when.as_slice())
    }
}

/// The lines of `sites` whose outcome made `logic` come out `want`, with the operator negated
/// where a comparison supports by failing.
fn supporting(
    sites: &[ComparisonSite],
    logic: &Logic,
    want: bool,
    obs: &[Observation],
    architecture: ComponentSet,
    known: u64,
) -> Vec<RuleEvidence> {
    // (A compiled condition has at most MAX_COMPARISONS sites.)
    let mut support = [None; MAX_COMPARISONS];
    let n = sites.len().min(MAX_COMPARISONS);
    logic.mark(want, obs, architecture, known, &mut support[..n]);
    // A slot is marked only when its reading equals the mark, so the kept lines are negated
    // exactly where they support by failing. Only they are written out.
    as_read(
        sites
            .iter()
            .zip(obs)
            .zip(support)
            .filter_map(|((site, o), s)| s.map(|_| evidence_of(site, o)))
            .collect(),
    )
}

/// Adds one entity's evidence lines: a field's line is the entity's and says so; a metric
/// beside `any(...)` is the snapshot's, shown once whatever the number of entities.
fn add_subject_lines(
    lines: &mut Vec<RuleEvidence>,
    mine: Vec<RuleEvidence>,
    subject: &Subject<'_>,
) {
    for mut line in mine {
        if line.field.is_some() {
            line.subject = Some(EvidenceSubject {
                kind: subject.kind,
                name: subject.name.to_owned(),
            });
            lines.push(line);
        } else if !lines.contains(&line) {
            lines.push(line);
        }
    }
}

/// `lines` with the operator of each comparison that did not hold negated, so that each
/// says what the snapshot shows.
fn as_read(mut lines: Vec<RuleEvidence>) -> Vec<RuleEvidence> {
    for e in &mut lines {
        if e.held == Some(false) {
            e.op = e.op.negated();
            e.negated = true;
        }
    }
    lines
}

/// Evidence lines for `sites` from their observations, in order.
fn evidence_from(sites: &[ComparisonSite], obs: &[Observation]) -> Vec<RuleEvidence> {
    sites
        .iter()
        .zip(obs)
        .map(|(site, o)| evidence_of(site, o))
        .collect()
}

/// Whether a finding made at `stage_bit` (the snapshot's stage as a bit of
/// [`CompiledRule::stage_mask`], 0 without a user count) may be replaced by a rule judged
/// after it, whose stages are `later_stages` ([`CompiledRule::later_stages`]): only then is
/// the supersession judged after the run.
#[inline]
pub(crate) const fn may_be_superseded_later(later_stages: u8, stage_bit: u8) -> bool {
    later_stages == u8::MAX || later_stages & stage_bit != 0
}

/// One comparison as it read.
fn evidence_of(site: &ComparisonSite, o: &Observation) -> RuleEvidence {
    RuleEvidence {
        subject: None,
        series: site.series,
        metric: site.metric,
        field: site.field,
        left: site.left.clone(),
        op: site.op,
        negated: false,
        threshold_text: site.right.clone(),
        threshold: o.threshold,
        observed: (!o.observed.is_nan()).then_some(o.observed),
        margin: (!o.observed.is_nan() && !o.threshold.is_nan()).then_some(o.observed - o.threshold),
        held: (!o.held.is_nan()).then_some(o.held > 0.5),
        dim: site.dim,
        threshold_origin: site.threshold_origin.clone(),
        threshold_percent: site.threshold_percent,
        reading: o.reading,
        source: None,
    }
}

fn apply_time(
    r: &CompiledRule,
    st: &mut RuleState,
    raw: RuleStatus,
    ctx: &Ctx<'_>,
    at: Duration,
) -> RuleStatus {
    if st.active {
        let cleared = match &r.clear {
            Some(p) => {
                let mut scratch = [EMPTY_SLOT; MAX_COMPARISONS];
                let v = exec(p, ctx, &mut scratch);
                !v.is_nan() && v > 0.5
            }
            None => raw == RuleStatus::NotFired,
        };
        if cleared {
            *st = RuleState::default();
            return RuleStatus::NotFired;
        }
        return RuleStatus::Fired;
    }
    if raw != RuleStatus::Fired {
        *st = RuleState::default();
        return raw;
    }
    st.consecutive = st.consecutive.saturating_add(1);
    let since = *st.since.get_or_insert(at);
    let long_enough = r.hold_for.is_none_or(|d| at.saturating_sub(since) >= d);
    let often_enough = r.hold_evaluations.is_none_or(|n| st.consecutive >= n);
    if long_enough && often_enough {
        st.active = true;
        RuleStatus::Fired
    } else {
        RuleStatus::NotFired
    }
}

struct Ctx<'a> {
    /// Scratch stack shared by every rule of one evaluation (zeroed once, not per rule).
    stack: core::cell::RefCell<[f64; MAX_STACK]>,
    values: &'a [f64; VALUES],
    snapshot: &'a MetricsSnapshot,
    /// The snapshot's components in place ([`MetricsSnapshot::components_in_place`]).
    in_place: ComponentSet,
    history: &'a History,
    series: &'a SeriesConfig,
}

fn observation_of(s: &Slot) -> Observation {
    Observation {
        observed: s.observed,
        threshold: s.threshold,
        held: s.held,
        reading: s.reading,
    }
}

/// Evaluates an `any(list, ...)` rule on every entity of the list: 1 when one meets it, 0
/// when every one is known not to, unknown when the list is absent or no entity meets it
/// and some could not be decided. With `record`, each entity that meets it is kept with
/// its observations, in list order.
fn each_entity(
    r: &CompiledRule,
    kind: EntityKind,
    ctx: &Ctx<'_>,
    slots: &mut [Slot; MAX_COMPARISONS],
    mut record: Option<&mut Evaluation>,
) -> f64 {
    let sites = r.site_count.min(MAX_COMPARISONS);
    let Some(n) = entity_count(ctx.snapshot, kind) else {
        slots[..sites].fill(EMPTY_SLOT);
        return UNKNOWN;
    };
    if n == 0 {
        slots[..sites].fill(EMPTY_SLOT);
        return 0.0;
    }
    let mut values = *ctx.values;
    let mut fields = [UNKNOWN; EntityField::MAX_PER_KIND];
    let (mut matched, mut unknown) = (false, false);
    for i in 0..n {
        let name = entity_at(ctx.snapshot, kind, i, &mut fields);
        values[Metric::COUNT..].copy_from_slice(&fields);
        let one = Ctx {
            stack: core::cell::RefCell::new([0.0; MAX_STACK]),
            values: &values,
            snapshot: ctx.snapshot,
            in_place: ctx.in_place,
            history: ctx.history,
            series: ctx.series,
        };
        let v = exec(&r.when, &one, slots);
        if v.is_nan() {
            unknown = true;
        } else if v != 0.0 {
            matched = true;
            let Some(out) = record.as_deref_mut() else {
                // Counting only: one entity is enough.
                return 1.0;
            };
            let start = out.subject_names.len();
            out.subject_names.push_str(name);
            out.subjects.push(SubjectSlot {
                kind,
                index: u32::try_from(i).unwrap_or(u32::MAX),
                name_start: u32::try_from(start).unwrap_or(u32::MAX),
                name_end: u32::try_from(out.subject_names.len()).unwrap_or(u32::MAX),
            });
            out.observations
                .extend(slots[..sites].iter().map(observation_of));
        }
    }
    if matched {
        1.0
    } else if unknown {
        UNKNOWN
    } else {
        0.0
    }
}

/// Sets `v` to `n` copies of `value`: a fill in place when its length is already `n` (the
/// case for an evaluation reused on one engine), which is cheaper than clearing and growing.
fn refill<T: Copy>(v: &mut Vec<T>, n: usize, value: T) {
    if v.len() == n {
        v.fill(value);
    } else {
        v.clear();
        v.resize(n, value);
    }
}

fn metric_index(m: Metric) -> usize {
    m.index()
}

pub(crate) fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Compares value `i` with threshold `t` and records the comparison in slot `slot`: 1 held,
/// 0 did not, unknown (NaN) when the value is.
#[inline(always)]
fn compare(
    i: u8,
    t: Threshold,
    slot: u8,
    ctx: &Ctx<'_>,
    slots: &mut [Slot; MAX_COMPARISONS],
) -> f64 {
    let (v, recorded) = compare_value(ctx.values[usize::from(i)], t);
    slots[usize::from(slot)] = recorded;
    v
}

/// `l op k` for a compiled threshold: its truth (1, 0, or unknown when `l` is) and what it
/// records. One of the primitives that [`exec`] and the compiled default pack
/// (`engine/default_pack_run.rs`) share, so that the two cannot judge differently.
#[inline(always)]
fn compare_value(l: f64, t: Threshold) -> (f64, Slot) {
    let v = if l.is_nan() {
        UNKNOWN
    } else {
        truth(t.test(l))
    };
    (v, Slot::snapshot(l, t.k, v))
}

/// `l op r` for two computed sides (the level tolerance applied to `r`): its truth and what
/// it records.
#[inline(always)]
fn compare_values(op: CmpOp, l: f64, r: f64) -> (f64, Slot) {
    let v = if l.is_nan() || r.is_nan() {
        UNKNOWN
    } else {
        truth(cmp_with_tolerance(op, l, r))
    };
    (v, Slot::snapshot(l, r, v))
}

/// `l / r`, unknown when `r` is 0.
#[inline(always)]
fn divide(l: f64, r: f64) -> f64 {
    if r == 0.0 { UNKNOWN } else { l / r }
}

/// Kleene's `not`.
#[inline(always)]
fn kleene_not(x: f64) -> f64 {
    if x.is_nan() { UNKNOWN } else { 1.0 - x }
}

/// Kleene's `and`: false when one side is, else unknown when one is, else true.
#[inline(always)]
fn kleene_and(l: f64, r: f64) -> f64 {
    if l == 0.0 || r == 0.0 {
        0.0
    } else if l.is_nan() || r.is_nan() {
        UNKNOWN
    } else {
        1.0
    }
}

/// Kleene's `or`: true when one side is, else unknown when one is, else false.
#[inline(always)]
#[expect(
    clippy::float_cmp,
    reason = "truth values are exactly 0.0 or 1.0 (or NaN for unknown)"
)]
fn kleene_or(l: f64, r: f64) -> f64 {
    if l == 1.0 || r == 1.0 {
        1.0
    } else if l.is_nan() || r.is_nan() {
        UNKNOWN
    } else {
        0.0
    }
}

/// A rule's status from its condition's value `v` (1, 0 or unknown) under its `missing`
/// setting, and whether it fired on unknown data.
#[inline(always)]
fn judge(v: f64, missing: MissingData) -> (RuleStatus, bool) {
    if v.is_nan() {
        match missing {
            MissingData::NotEvaluated => (RuleStatus::NotEvaluated, false),
            MissingData::Fire => (RuleStatus::Fired, true),
            MissingData::Ignore => (RuleStatus::NotFired, false),
        }
    } else if v != 0.0 {
        // A truth value: 1 or 0.
        (RuleStatus::Fired, false)
    } else {
        (RuleStatus::NotFired, false)
    }
}

/// Evaluates the common program shapes without the stack machine; `None` for the rest.
#[inline(always)]
fn fast(p: &Program, ctx: &Ctx<'_>, slots: &mut [Slot; MAX_COMPARISONS]) -> Option<f64> {
    match p.shape {
        Shape::Single(i, t, slot) => Some(compare(i, t, slot, ctx, slots)),
        Shape::SingleNotHas(i, t, slot, comp) => {
            let v = compare(i, t, slot, ctx, slots);
            Some(if ctx.in_place.contains(comp) { 0.0 } else { v })
        }
        Shape::Flat(and) => Some(flat(p, and, ctx, slots)),
        Shape::General => None,
    }
}

/// Evaluates a [`Shape::Flat`] program: every atom in order (each comparison recorded in
/// its slot, as the stack machine does), then Kleene's connective over their truth values:
/// for `and`, false when one is false, else unknown when one is unknown, else true; `or`
/// the same with true and false swapped.
#[expect(
    clippy::float_cmp,
    reason = "truth values are exactly 0.0 or 1.0 (or NaN for unknown)"
)]
fn flat(p: &Program, and: bool, ctx: &Ctx<'_>, slots: &mut [Slot; MAX_COMPARISONS]) -> f64 {
    // The value that decides the connective alone: false for `and`, true for `or`.
    let decisive = if and { 0.0 } else { 1.0 };
    let (mut decided, mut unknown) = (false, false);
    for op in &p.ops {
        let v = match *op {
            Op::CmpMetricConst(i, t, slot) => compare(i, t, slot, ctx, slots),
            Op::Has(c) => truth(ctx.in_place.contains(c)),
            Op::NotHas(c) => truth(!ctx.in_place.contains(c)),
            Op::Present(i) => truth(!ctx.values[usize::from(i)].is_nan()),
            // The connectives.
            _ => continue,
        };
        if v == decisive {
            decided = true;
        } else if v.is_nan() {
            unknown = true;
        }
    }
    if decided {
        decisive
    } else if unknown {
        UNKNOWN
    } else {
        1.0 - decisive
    }
}

/// Runs a program; comparisons record (left, right, result) into `slots`.
fn exec(p: &Program, ctx: &Ctx<'_>, slots: &mut [Slot; MAX_COMPARISONS]) -> f64 {
    if let Some(v) = fast(p, ctx, slots) {
        return v;
    }
    let stack = &mut *ctx.stack.borrow_mut();
    let mut sp = 0usize;
    macro_rules! pop {
        () => {{
            sp -= 1;
            stack[sp]
        }};
    }
    for op in &p.ops {
        let v = match *op {
            Op::Const(c) => c,
            Op::Load(i) => ctx.values[usize::from(i)],
            Op::Neg => -pop!(),
            Op::Arith(a) => {
                let r = pop!();
                let l = pop!();
                match a {
                    ArithOp::Add => l + r,
                    ArithOp::Sub => l - r,
                    ArithOp::Mul => l * r,
                    ArithOp::Div => divide(l, r),
                }
            }
            Op::Cmp(c, slot) => {
                let r = pop!();
                let l = pop!();
                let (v, recorded) = compare_values(c, l, r);
                slots[usize::from(slot)] = recorded;
                v
            }
            Op::Not => kleene_not(pop!()),
            Op::And => {
                let r = pop!();
                let l = pop!();
                kleene_and(l, r)
            }
            Op::Or => {
                let r = pop!();
                let l = pop!();
                kleene_or(l, r)
            }
            Op::Has(c) => truth(ctx.in_place.contains(c)),
            Op::NotHas(c) => truth(!ctx.in_place.contains(c)),
            Op::CmpMetricConst(i, t, slot) => compare(i, t, slot, ctx, slots),
            Op::Present(i) => truth(!ctx.values[usize::from(i)].is_nan()),
            Op::Series(f, m, slot) => {
                let level = if f == SeriesFn::ConsistentlyAbove {
                    pop!()
                } else {
                    0.0
                };
                let recorded = series_value(f, m, level, ctx);
                slots[usize::from(slot)] = recorded;
                recorded.held
            }
        };
        stack[sp] = v;
        sp += 1;
    }
    if sp == 0 { UNKNOWN } else { stack[sp - 1] }
}

/// Comparison with the level tolerance of `scalability-advisor-core`: values within one part in 10⁹ of
/// the threshold count as equal, so 99.99% equals 0.9999.
#[inline]
fn cmp_with_tolerance(op: CmpOp, l: f64, r: f64) -> bool {
    Threshold::new(op, r).test(l)
}

fn series_value(f: SeriesFn, m: Metric, level: f64, ctx: &Ctx<'_>) -> Slot {
    series_slot(f, m, level, ctx.values, ctx.history, ctx.series)
}

/// [`series_value`] from the values, the history and the series settings: inlined up to
/// the common case of no series for the metric, the series read out of line.
#[inline(always)]
fn series_slot(
    f: SeriesFn,
    m: Metric,
    level: f64,
    values: &[f64; VALUES],
    history: &History,
    config: &SeriesConfig,
) -> Slot {
    match history.get(m) {
        None => series_fallback(f, values[metric_index(m)], level, Reading::SnapshotFallback),
        Some(series) => series_read(f, m, level, values, series, config),
    }
}

/// What a series function records without a usable series: "consistently above" falls back
/// to the snapshot value (`snapshot_value`), as scalability-advisor-core's triggers do; the
/// trend functions are unknown.
#[inline(always)]
fn series_fallback(f: SeriesFn, snapshot_value: f64, level: f64, reading: Reading) -> Slot {
    match f {
        SeriesFn::ConsistentlyAbove if !snapshot_value.is_nan() && !level.is_nan() => Slot {
            observed: snapshot_value,
            threshold: level,
            held: truth(cmp_with_tolerance(CmpOp::Gt, snapshot_value, level)),
            reading,
        },
        _ => Slot {
            observed: snapshot_value,
            threshold: level,
            ..EMPTY_SLOT
        },
    }
}

/// [`series_slot`] for a metric with a series.
#[inline(never)]
fn series_read(
    f: SeriesFn,
    m: Metric,
    level: f64,
    values: &[f64; VALUES],
    series: &scalability_advisor_core::Series,
    config: &SeriesConfig,
) -> Slot {
    let snapshot_value = values[metric_index(m)];
    let unknown = Slot {
        observed: snapshot_value,
        threshold: level,
        ..EMPTY_SLOT
    };
    let fallback = |reading: Reading| series_fallback(f, snapshot_value, level, reading);
    let window = series.window(config.window);
    let samples = u32::try_from(window.len()).unwrap_or(u32::MAX);
    let short = Reading::ShortSeries {
        samples,
        required: u32::try_from(config.min_samples.max(3)).unwrap_or(u32::MAX),
        window_s: config.window.as_secs_f64(),
    };
    let span_s = match (window.first(), window.last()) {
        (Some(a), Some(b)) => b.at.saturating_sub(a.at).as_secs_f64(),
        _ => 0.0,
    };
    let latest = series.latest().value;
    match f {
        SeriesFn::ConsistentlyAbove => {
            if level.is_nan() {
                return unknown;
            }
            match series.sustained(level, Direction::LowerIsBetter, config) {
                Ok(s) => Slot {
                    observed: latest,
                    threshold: level,
                    held: truth(s.holds),
                    reading: Reading::Sustained {
                        share: s.share.as_fraction(),
                        required: config.consistency_share.as_fraction(),
                        samples: u32::try_from(s.samples).unwrap_or(u32::MAX),
                        span_s: s.span.as_secs_f64(),
                    },
                },
                // Too short a series: the snapshot value decides, as in scalability-advisor-core.
                Err(_) => fallback(short),
            }
        }
        SeriesFn::Degrading | SeriesFn::Plateauing => {
            // (A plateau may be read from the window's later half: `Series::plateau_trend`;
            // the reading then gives that half's samples and span.)
            let trend = if f == SeriesFn::Plateauing {
                series.plateau_trend(config).map(|(t, read)| {
                    let span = match (read.first(), read.last()) {
                        (Some(a), Some(b)) => b.at.saturating_sub(a.at).as_secs_f64(),
                        _ => 0.0,
                    };
                    (t, u32::try_from(read.len()).unwrap_or(u32::MAX), span)
                })
            } else {
                series.trend(config).map(|t| (t, samples, span_s))
            };
            let Ok((t, samples, span_s)) = trend else {
                return unknown;
            };
            let held = if f == SeriesFn::Degrading {
                let dir = if metric_higher_is_better(m) {
                    Direction::HigherIsBetter
                } else {
                    Direction::LowerIsBetter
                };
                t.is_degrading(dir, config)
            } else {
                t.is_plateau(config)
            };
            Slot {
                observed: latest,
                threshold: UNKNOWN,
                held: truth(held),
                reading: Reading::Trend {
                    relative_change: t.relative_change,
                    change: t.slope_per_second * span_s,
                    p_value: t.p_value,
                    samples,
                    span_s,
                },
            }
        }
    }
}

fn metric_higher_is_better(m: Metric) -> bool {
    matches!(
        m,
        Metric::CacheHitRate | Metric::CacheMemoryHeadroom | Metric::AvailabilityTarget
    )
}

/// Compiles a condition as written: the instructions [`emit`] gives for it once oriented
/// ([`crate::expr::orient`]), its parameters resolved ([`resolve`]) and its literal arithmetic
/// folded ([`fold`]), without copying the condition to rewrite it. Orientation happens at
/// each comparison, folding as instructions are emitted: a constant subexpression leaves one
/// `Const` at the end of the list, which its parent folds further. Returns the value and unit
/// of that `Const` when `e` is a literal number after folding. `emit_oriented_is_the_rewrite`
/// holds the two paths equal.
fn emit_oriented(
    e: &Expr,
    lookup: &impl Fn(&str) -> Option<(f64, Dim)>,
    ops: &mut Vec<Op>,
    cmp: &mut u8,
) -> Result<Option<(f64, Dim)>, String> {
    fn slot(cmp: &mut u8) -> Result<u8, String> {
        let slot = *cmp;
        *cmp = cmp.saturating_add(1);
        if usize::from(slot) >= MAX_COMPARISONS {
            return Err(format!("more than {MAX_COMPARISONS} comparisons"));
        }
        Ok(slot)
    }
    let literal = |ops: &mut Vec<Op>, value: f64, dim: Dim| {
        ops.push(Op::Const(value));
        Some((value, dim))
    };
    Ok(match e {
        Expr::Num { value, dim, .. } => literal(ops, *value, *dim),
        Expr::Param { name, .. } => match lookup(name) {
            Some((value, dim)) => literal(ops, value, dim),
            None => return Err(format!("parameter `${name}` is not defined")),
        },
        Expr::Bool { value, .. } => {
            ops.push(Op::Const(truth(*value)));
            None
        }
        Expr::Metric { metric, .. } => {
            ops.push(Op::Load(index_u8(*metric)));
            None
        }
        Expr::Neg { inner, .. } => match emit_oriented(inner, lookup, ops, cmp)? {
            Some((value, dim)) => {
                ops.pop();
                literal(ops, -value, dim)
            }
            None => {
                ops.push(Op::Neg);
                None
            }
        },
        Expr::Arith {
            op, left, right, ..
        } => {
            let l = emit_oriented(left, lookup, ops, cmp)?;
            let r = emit_oriented(right, lookup, ops, cmp)?;
            let folded = match (l, r) {
                (Some((l, ld)), Some((r, rd))) => {
                    let dim = match (ld, rd) {
                        (Dim::Number, d) | (d, Dim::Number) => Some(d),
                        _ => None,
                    };
                    let value = match op {
                        ArithOp::Add => Some(l + r),
                        ArithOp::Sub => Some(l - r),
                        ArithOp::Mul => Some(l * r),
                        ArithOp::Div if r != 0.0 => Some(l / r),
                        ArithOp::Div => None,
                    };
                    dim.zip(value)
                }
                _ => None,
            };
            match folded {
                Some((dim, value)) => {
                    ops.truncate(ops.len() - 2);
                    literal(ops, value, dim)
                }
                None => {
                    ops.push(Op::Arith(*op));
                    None
                }
            }
        }
        Expr::Cmp {
            op, left, right, ..
        } => {
            // Measurement first: `80% < db_cpu` compiles as `db_cpu > 80%`.
            let (first, second, op) =
                if crate::expr::constant(left) && !crate::expr::constant(right) {
                    (right, left, op.flipped())
                } else {
                    (left, right, *op)
                };
            emit_oriented(first, lookup, ops, cmp)?;
            emit_oriented(second, lookup, ops, cmp)?;
            ops.push(Op::Cmp(op, slot(cmp)?));
            None
        }
        Expr::Not { inner, .. } => {
            emit_oriented(inner, lookup, ops, cmp)?;
            ops.push(Op::Not);
            None
        }
        Expr::And { items, .. } | Expr::Or { items, .. } => {
            let join = if matches!(e, Expr::And { .. }) {
                Op::And
            } else {
                Op::Or
            };
            for (k, item) in items.iter().enumerate() {
                emit_oriented(item, lookup, ops, cmp)?;
                if k > 0 {
                    ops.push(join);
                }
            }
            None
        }
        Expr::Series {
            func,
            metric,
            level,
            ..
        } => {
            if let Some(l) = level {
                emit_oriented(l, lookup, ops, cmp)?;
            }
            ops.push(Op::Series(*func, *metric, slot(cmp)?));
            None
        }
        Expr::Has { component, .. } => {
            ops.push(Op::Has(*component));
            None
        }
        Expr::Present { metric, .. } => {
            ops.push(Op::Present(index_u8(*metric)));
            None
        }
        Expr::Field { field, .. } => {
            ops.push(Op::Load(
                u8::try_from(Metric::COUNT + field.slot()).unwrap_or(0),
            ));
            None
        }
        // Evaluated once per entity, with the entity's fields loaded.
        Expr::Any { inner, .. } => {
            emit_oriented(inner, lookup, ops, cmp)?;
            None
        }
    })
}

/// The instructions of a condition already oriented, resolved and folded: the reference
/// [`emit_oriented`] is held to.
#[cfg(test)]
fn emit(e: &Expr, ops: &mut Vec<Op>, cmp: &mut u8) -> Result<(), String> {
    match e {
        Expr::Num { value, .. } => ops.push(Op::Const(*value)),
        Expr::Bool { value, .. } => ops.push(Op::Const(truth(*value))),
        Expr::Metric { metric, .. } => ops.push(Op::Load(index_u8(*metric))),
        Expr::Param { name, .. } => return Err(format!("parameter `${name}` is not defined")),
        Expr::Neg { inner, .. } => {
            emit(inner, ops, cmp)?;
            ops.push(Op::Neg);
        }
        Expr::Arith {
            op, left, right, ..
        } => {
            emit(left, ops, cmp)?;
            emit(right, ops, cmp)?;
            ops.push(Op::Arith(*op));
        }
        Expr::Cmp {
            op, left, right, ..
        } => {
            emit(left, ops, cmp)?;
            emit(right, ops, cmp)?;
            let slot = *cmp;
            *cmp = cmp.saturating_add(1);
            if usize::from(slot) >= MAX_COMPARISONS {
                return Err(format!("more than {MAX_COMPARISONS} comparisons"));
            }
            ops.push(Op::Cmp(*op, slot));
        }
        Expr::Not { inner, .. } => {
            emit(inner, ops, cmp)?;
            ops.push(Op::Not);
        }
        Expr::And { items, .. } | Expr::Or { items, .. } => {
            let join = if matches!(e, Expr::And { .. }) {
                Op::And
            } else {
                Op::Or
            };
            for (k, item) in items.iter().enumerate() {
                emit(item, ops, cmp)?;
                if k > 0 {
                    ops.push(join);
                }
            }
        }
        Expr::Series {
            func,
            metric,
            level,
            ..
        } => {
            if let Some(l) = level {
                emit(l, ops, cmp)?;
            }
            let slot = *cmp;
            *cmp = cmp.saturating_add(1);
            if usize::from(slot) >= MAX_COMPARISONS {
                return Err(format!("more than {MAX_COMPARISONS} comparisons"));
            }
            ops.push(Op::Series(*func, *metric, slot));
        }
        Expr::Has { component, .. } => ops.push(Op::Has(*component)),
        Expr::Present { metric, .. } => ops.push(Op::Present(index_u8(*metric))),
        Expr::Field { field, .. } => ops.push(Op::Load(
            u8::try_from(Metric::COUNT + field.slot()).unwrap_or(0),
        )),
        // Evaluated once per entity, with the entity's fields loaded.
        Expr::Any { inner, .. } => emit(inner, ops, cmp)?,
    }
    Ok(())
}

/// The first 16 bytes of `id` as a big-endian integer, zero-padded: for two ids `a` and `b`,
/// `id_prefix(a) < id_prefix(b)` implies `a < b`, and equal prefixes leave the order to the
/// rest of the bytes.
fn id_prefix(id: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = id.len().min(16);
    bytes[..n].copy_from_slice(&id.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// The order in which findings are reported: indices into `rules`.
///
/// `by_rank[k]` is the index of the rule whose id ranks `k`. Each rule's place is one
/// integer, severity (descending), then priority, then id rank, so the sort compares keys,
/// not rules.
fn finding_order(rules: &[CompiledRule], by_rank: &[usize]) -> Vec<usize> {
    let mut keys: Vec<u128> = rules
        .iter()
        .map(|r| {
            let severity = 2 - u128::from(r.severity as u8);
            (severity << 64) | (u128::from(r.priority) << 32) | u128::from(r.id_rank)
        })
        .collect();
    // Id ranks are unique: the order is total, and an unstable sort gives the same one.
    keys.sort_unstable();
    keys.iter()
        .filter_map(|&k| {
            by_rank
                .get(usize::try_from(k & u128::from(u32::MAX)).ok()?)
                .copied()
        })
        .collect()
}

/// Peephole fusion of common instruction sequences; the result computes the same values.
///
/// In place: the fused list is never longer than what has been read, so it is written over
/// the front of the same list.
fn fuse(mut ops: Vec<Op>) -> Vec<Op> {
    let mut len = 0;
    for read in 0..ops.len() {
        let op = ops[read];
        let fused = match (op, &ops[..len]) {
            (Op::Cmp(c, slot), [.., Op::Load(i), Op::Const(k)]) => {
                let fused = Op::CmpMetricConst(*i, Threshold::new(c, *k), slot);
                len -= 2;
                fused
            }
            (Op::Not, [.., Op::Has(c)]) => {
                let fused = Op::NotHas(*c);
                len -= 1;
                fused
            }
            (op, _) => op,
        };
        ops[len] = fused;
        len += 1;
    }
    ops.truncate(len);
    ops
}

fn index_u8(m: Metric) -> u8 {
    u8::try_from(metric_index(m)).unwrap_or(0)
}

fn stack_depth(ops: &[Op]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for op in ops {
        match op {
            Op::Const(_)
            | Op::Load(_)
            | Op::Has(_)
            | Op::NotHas(_)
            | Op::CmpMetricConst(..)
            | Op::Present(_) => depth += 1,
            Op::Arith(_) | Op::Cmp(..) | Op::And | Op::Or => depth = depth.saturating_sub(1),
            Op::Series(SeriesFn::ConsistentlyAbove, ..) => {}
            Op::Series(..) => depth += 1,
            Op::Neg | Op::Not => {}
        }
        max = max.max(depth);
    }
    max
}

/// A pack's parameters by name, for compiling its rules: an open-addressed table of their
/// indices, hashed on the name's bytes (FNV-1a, 32 bits) and probed linearly, at most half
/// full. Each `$name` of a condition then costs one hash and, almost always, one string
/// comparison, where [`RulePack::param`]'s binary search compares about six names: the
/// default pack's 75 references cost some 20,000 instructions fewer to compile. Linear in
/// the number of parameters to build.
struct ParamTable<'p> {
    params: &'p [crate::pack::Param],
    /// A parameter's index in `params`, or `u32::MAX` for an empty slot; a power of two
    /// long.
    slots: Vec<u32>,
}

impl<'p> ParamTable<'p> {
    fn new(params: &'p [crate::pack::Param]) -> ParamTable<'p> {
        let len = (params.len() * 2).max(16).next_power_of_two();
        let mut table = ParamTable {
            params,
            slots: vec![u32::MAX; len],
        };
        let mask = len - 1;
        for (i, p) in params.iter().enumerate() {
            let Ok(index) = u32::try_from(i) else { break };
            let mut at = fnv1a(&p.name) & mask;
            // (Less than half full: an empty slot is always found.)
            while let Some(slot) = table.slots.get_mut(at) {
                if *slot == u32::MAX {
                    *slot = index;
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        table
    }

    /// The parameter named `name`, as [`RulePack::param`] finds it.
    fn get(&self, name: &str) -> Option<&'p crate::pack::Param> {
        let mask = self.slots.len() - 1;
        let mut at = fnv1a(name) & mask;
        loop {
            let index = *self.slots.get(at)?;
            let p = self.params.get(usize::try_from(index).ok()?)?;
            if p.name == name {
                return Some(p);
            }
            at = (at + 1) & mask;
        }
    }
}

/// The 32-bit FNV-1a hash of `text` (Fowler, Noll and Vo; IETF draft
/// draft-eastlake-fnv), as an index.
fn fnv1a(text: &str) -> usize {
    let hash = text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash as usize
}

/// What each comparison of `rule`'s conditions looks at, as written (see [`Engine::sites`]):
/// collected from the condition oriented as [`Engine::new`] compiles it, so that site `k` is
/// the comparison that records observation `k`.
fn write_sites(pack: &RulePack, rule: &crate::pack::Rule) -> Sites {
    let param_of = |n: &str| pack.param(n);
    let of = |e: &Expr, text: &str| {
        let mut e = e.clone();
        crate::expr::orient(&mut e);
        let mut sites = Vec::new();
        collect_sites(&e, text, &param_of, &mut sites);
        sites
    };
    Sites {
        when: of(&rule.when_expr, &rule.when),
        clear: rule
            .clear_expr
            .as_ref()
            .map(|e| of(e, rule.clear.as_deref().unwrap_or("")))
            .unwrap_or_default(),
    }
}

fn collect_sites<'p>(
    e: &Expr,
    text: &str,
    param_of: &impl Fn(&str) -> Option<&'p crate::pack::Param>,
    out: &mut Vec<ComparisonSite>,
) {
    let slice = |s: crate::expr::Span| text.get(s.start..s.end).unwrap_or("").to_owned();
    let origin_of = |n: &str| param_of(n).map(|p| (p.name.clone(), p.origin.clone()));
    // Whether a threshold is written as a percentage, directly or through its parameter.
    let in_percent = |level: &Expr| match level {
        Expr::Param { name, .. } => {
            param_of(name).is_some_and(|p| p.text.trim_end().ends_with('%'))
        }
        l => slice(l.span()).trim_end().ends_with('%'),
    };
    e.walk(&mut |n| match n {
        Expr::Cmp {
            op, left, right, ..
        } => {
            let metric = match left.as_ref() {
                Expr::Metric { metric, .. } => Some(*metric),
                _ => None,
            };
            let field = match left.as_ref() {
                Expr::Field { field, .. } => Some(*field),
                _ => None,
            };
            let threshold_origin = match right.as_ref() {
                Expr::Param { name, .. } => origin_of(name),
                _ => None,
            };
            let dim = match left.as_ref() {
                Expr::Metric { metric, .. } => crate::expr::metric_dim(*metric),
                Expr::Field { field, .. } => crate::expr::unit_dim(field.unit()),
                Expr::Num { dim, .. } => *dim,
                _ => match right.as_ref() {
                    Expr::Num { dim, .. } => *dim,
                    _ => Dim::Number,
                },
            };
            out.push(ComparisonSite {
                series: None,
                metric,
                field,
                left: slice(left.span()),
                op: *op,
                right: slice(right.span()),
                dim,
                threshold_origin,
                threshold_percent: in_percent(right),
            });
        }
        Expr::Series {
            func,
            metric,
            level,
            ..
        } => {
            let threshold_origin = match level.as_deref() {
                Some(Expr::Param { name, .. }) => origin_of(name),
                _ => None,
            };
            out.push(ComparisonSite {
                series: Some(*func),
                metric: Some(*metric),
                field: None,
                left: metric.name().to_owned(),
                op: CmpOp::Gt,
                right: level.as_deref().map_or(String::new(), |l| slice(l.span())),
                dim: crate::expr::metric_dim(*metric),
                threshold_origin,
                threshold_percent: level.as_deref().is_some_and(in_percent),
            });
        }
        _ => {}
    });
}

/// A straightforward recursive interpreter of a rule's condition, used by tests to check the
/// compiled evaluator.
#[cfg(test)]
pub(crate) fn interpret(
    e: &Expr,
    values: &[f64; Metric::ALL.len()],
    snapshot: &MetricsSnapshot,
) -> Option<bool> {
    fn num(e: &Expr, values: &[f64; Metric::ALL.len()]) -> Option<f64> {
        match e {
            Expr::Num { value, .. } => Some(*value),
            Expr::Bool { value, .. } => Some(truth(*value)),
            Expr::Metric { metric, .. } => {
                let v = values[metric_index(*metric)];
                (!v.is_nan()).then_some(v)
            }
            Expr::Neg { inner, .. } => num(inner, values).map(|v| -v),
            Expr::Arith {
                op, left, right, ..
            } => {
                let (l, r) = (num(left, values)?, num(right, values)?);
                match op {
                    ArithOp::Add => Some(l + r),
                    ArithOp::Sub => Some(l - r),
                    ArithOp::Mul => Some(l * r),
                    ArithOp::Div => (r != 0.0).then(|| l / r),
                }
            }
            _ => None,
        }
    }
    match e {
        Expr::Bool { value, .. } => Some(*value),
        Expr::Metric { metric, .. } => num(e, values)
            .map(|v| v > 0.5)
            .filter(|_| metric.unit() == scalability_advisor_core::UnitKind::Flag),
        Expr::Cmp {
            op, left, right, ..
        } => Some(cmp_with_tolerance(
            *op,
            num(left, values)?,
            num(right, values)?,
        )),
        Expr::Not { inner, .. } => interpret(inner, values, snapshot).map(|b| !b),
        Expr::And { items, .. } => {
            let r: Vec<Option<bool>> = items
                .iter()
                .map(|i| interpret(i, values, snapshot))
                .collect();
            if r.contains(&Some(false)) {
                Some(false)
            } else if r.contains(&None) {
                None
            } else {
                Some(true)
            }
        }
        Expr::Or { items, .. } => {
            let r: Vec<Option<bool>> = items
                .iter()
                .map(|i| interpret(i, values, snapshot))
                .collect();
            if r.contains(&Some(true)) {
                Some(true)
            } else if r.contains(&None) {
                None
            } else {
                Some(false)
            }
        }
        Expr::Has { component, .. } => Some(snapshot.components_in_place().contains(*component)),
        Expr::Present { metric, .. } => Some(!values[metric_index(*metric)].is_nan()),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) fn values_of(snapshot: &MetricsSnapshot) -> [f64; Metric::ALL.len()] {
    let mut values = [UNKNOWN; Metric::ALL.len()];
    for (i, m) in Metric::ALL.iter().enumerate() {
        if let Some(v) = snapshot.value(*m) {
            values[i] = v;
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str) -> crate::pack::Param {
        crate::pack::Param {
            name: name.to_owned(),
            value: 1.0,
            dim: Dim::Number,
            text: "1".to_owned(),
            origin: Origin::Code,
        }
    }

    #[test]
    fn compared_metrics_has_a_bit_for_each_metric_compared_however_often() {
        let text = "name = \"p\"\n[[rule]]\nid = \"band\"\ntitle = \"t\"\n\
                    when = \"db_cpu > 50% and db_cpu < 90% and server_cpu > 10%\"\n\
                    severity = \"info\"\nadvice = \"a\"\n";
        let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
        let bits = engine.compared_metrics(0);
        let want =
            (1u64 << metric_index(Metric::DbCpu)) | (1u64 << metric_index(Metric::ServerCpu));
        assert_eq!(bits, want);
        for m in [Metric::DbCpu, Metric::ServerCpu, Metric::MemoryUsage] {
            assert_eq!(bits & (1u64 << metric_index(m)) != 0, engine.compares(0, m));
        }
        // No such rule: no bits.
        assert_eq!(engine.compared_metrics(1), 0);
    }

    #[test]
    fn the_param_table_finds_what_the_pack_finds() {
        let pack = RulePack::default_pack();
        let table = ParamTable::new(&pack.params);
        for p in &pack.params {
            let found = table.get(&p.name).map(|f| f.name.as_str());
            assert_eq!(found, Some(p.name.as_str()));
            for absent in [format!("{}x", p.name), p.name.to_uppercase()] {
                assert!(table.get(&absent).is_none(), "{absent}");
            }
        }
        assert!(table.get("").is_none());
        let empty = ParamTable::new(&[]);
        assert!(empty.get("cpu_target").is_none());
    }

    #[test]
    fn fnv1a_gives_the_reference_values() {
        // Test vectors of the FNV reference code (L. C. Noll, "FNV Hash"; draft-eastlake-fnv):
        // a wrong hash would still find every parameter, only slower.
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
    }

    proptest::proptest! {
        #[test]
        fn the_param_table_agrees_with_a_scan(
            names in proptest::collection::btree_set("[a-z_]{0,6}", 0..80),
            queries in proptest::collection::vec("[a-z_]{0,6}", 0..20),
        ) {
            let params: Vec<crate::pack::Param> = names.iter().map(|n| param(n)).collect();
            let table = ParamTable::new(&params);
            for q in names.iter().chain(&queries) {
                let scan = params.iter().find(|p| p.name == *q).map(|p| p.name.as_str());
                proptest::prop_assert_eq!(table.get(q).map(|p| p.name.as_str()), scan);
            }
        }
    }

    #[test]
    fn a_rule_compares_the_metrics_its_condition_names_and_no_other() {
        let engine = Engine::default_pack();
        let bypass = engine.rule_index("layer.app.work_bypasses_queue").unwrap();
        let cpu = engine.rule_index("key.cpu.warning").unwrap();
        assert!(engine.compares(bypass, Metric::BackgroundTasksBlockRequests));
        assert!(!engine.compares(bypass, Metric::ServerCpu));
        assert!(engine.compares(cpu, Metric::ServerCpu));
        assert!(!engine.compares(cpu, Metric::BackgroundTasksBlockRequests));
        assert!(!engine.compares(usize::MAX, Metric::ServerCpu));
    }

    #[test]
    fn emit_oriented_is_the_rewrite() {
        // The instructions compiled straight from a condition are those of the condition
        // copied, oriented, resolved and folded, then emitted; errors too.
        let pack = RulePack::default_pack();
        let lookup = |n: &str| pack.param(n).map(|p| (p.value, p.dim));
        let rewritten = |e: &Expr| {
            let mut e = e.clone();
            crate::expr::orient(&mut e);
            resolve(&mut e, &lookup);
            fold(&mut e);
            let (mut ops, mut cmp) = (Vec::new(), 0u8);
            emit(&e, &mut ops, &mut cmp).map(|()| (ops, cmp))
        };
        let direct = |e: &Expr| {
            let (mut ops, mut cmp) = (Vec::new(), 0u8);
            emit_oriented(e, &lookup, &mut ops, &mut cmp).map(|_| (ops, cmp))
        };
        let mut conditions: Vec<Expr> = pack
            .rules
            .iter()
            .flat_map(|r| core::iter::once(r.when_expr.clone()).chain(r.clear_expr.clone()))
            .collect();
        for text in [
            "80% < db_cpu",
            "$cpu_target * 2 > server_cpu",
            "-$p95_target < -p95_response_time",
            "db_cpu > 50% + 10%",
            "1s / 0 < p95_response_time",
            "500ms * 2 < p95_response_time",
            "500ms + 1s < p95_response_time",
            "-(-$slow_query) < slowest_query_time and 2 * 3 > db_queries_per_request",
            "not (70% < db_cpu) or has(cache)",
            "$undefined > db_cpu",
            "consistently_above(db_cpu, $cpu_target - 10%)",
            "any(statements, 100ms < mean_time and calls > 10 * 100)",
            "db_cpu / server_cpu > 2 and present(db_cpu)",
            "true and 1 < 2",
        ] {
            conditions.push(crate::expr::parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}")));
        }
        let mut refused = 0;
        for e in &conditions {
            let (a, b) = (rewritten(e), direct(e));
            refused += usize::from(a.is_err());
            assert_eq!(a, b, "{e:?}");
        }
        assert_eq!(refused, 1, "only `$undefined` is refused");
    }

    #[test]
    fn a_pack_that_reads_a_few_metrics_loads_them_one_by_one() {
        // Both ways of loading give the same values (what the other tests check); this pins
        // which one a pack takes. The default pack reads more than `LOAD_ONE_BY_ONE` metrics,
        // a pack of two rules two.
        let default = Engine::default_pack();
        assert!(default.reads.count_ones() > LOAD_ONE_BY_ONE);
        assert!(default.read_list.is_none());
        let two = RulePack::from_toml_str(
            "two.toml",
            "name = 'two'\n[[rule]]\nid = 'a'\ntitle = 't'\nseverity = 'info'\nadvice = 'a'\n\
             when = 'db_cpu > 50% and replica_lag > 1s'\n[[rule]]\nid = 'b'\ntitle = 't'\n\
             severity = 'info'\nadvice = 'a'\nwhen = 'db_cpu > 80%'\n",
        )
        .unwrap();
        let engine = Engine::new(two).unwrap();
        assert_eq!(
            engine.read_list.as_deref(),
            Some(&[Metric::DbCpu, Metric::ReplicaLag][..])
        );
        let snap = MetricsSnapshot::default()
            .with_db_cpu(scalability_advisor_core::units::Ratio::from_percent(90.0).unwrap());
        let mut values = [UNKNOWN; VALUES];
        let known = engine.load(&snap, &mut values);
        assert_eq!(known, 1 << Metric::DbCpu.index());
        assert!((values[Metric::DbCpu.index()] - 0.9).abs() < 1e-12);
        assert!(values[Metric::ReplicaLag.index()].is_nan());
    }

    #[test]
    fn declared_lists_the_components_that_support_by_holding() {
        // For each condition, with a cache and a CDN declared and the database at 60%: the
        // components whose `has` the finding needs, by hand.
        use scalability_advisor_core::units::Ratio;
        let snap = MetricsSnapshot::default()
            .with_db_cpu(Ratio::from_percent(60.0).unwrap())
            .with_component(Component::Cache)
            .with_component(Component::Cdn);
        let cases: [(&str, &[Component]); 7] = [
            ("has(cache) and db_cpu > 50%", &[Component::Cache]),
            // Both branches of an `or` hold: both support.
            (
                "has(cache) or has(cdn)",
                &[Component::Cache, Component::Cdn],
            ),
            // The branch that failed does not.
            ("has(sharding) or has(cdn)", &[Component::Cdn]),
            ("(has(cache) and db_cpu > 90%) or db_cpu > 50%", &[]),
            // Absent, and needed absent: shown by nothing.
            ("not has(sharding) and db_cpu > 50%", &[]),
            // Under a double negation, present again.
            ("not (not has(cdn)) and db_cpu > 50%", &[Component::Cdn]),
            // "Not both": the absent one supports, the present one does not.
            ("not (has(cache) and has(sharding)) and db_cpu > 50%", &[]),
        ];
        for (when, expected) in cases {
            let pack = RulePack::from_toml_str(
                "p.toml",
                &format!(
                    "name = 'p'\n[[rule]]\nid = 'r'\ntitle = 't'\nseverity = 'info'\nadvice = 'a'\nwhen = '{when}'\n"
                ),
            )
            .unwrap();
            let engine = Engine::new(pack).unwrap();
            let e = engine.evaluate(&snap, &History::new());
            assert_eq!(e.findings.len(), 1, "{when}");
            assert_eq!(
                engine.declared(&e, &e.findings[0]),
                ComponentSet::from_components(expected),
                "{when}"
            );
        }
        // Kept open by hysteresis, a finding shows its `clear` condition, not `when`: no
        // component; fired on missing data, it shows what was missing: none either.
        let pack = RulePack::from_toml_str(
            "p.toml",
            "name = 'p'\n[[rule]]\nid = 'open'\ntitle = 't'\nseverity = 'info'\nadvice = 'a'\n\
             when = 'has(cache) and db_cpu > 80%'\nclear = 'db_cpu < 60%'\n[[rule]]\n\
             id = 'assumed'\ntitle = 't'\nseverity = 'info'\nadvice = 'a'\n\
             when = 'has(cdn) and replica_lag > 1s'\nmissing = 'fire'\n",
        )
        .unwrap();
        let engine = Engine::new(pack).unwrap();
        let at = |cpu: f64| snap.clone().with_db_cpu(Ratio::from_percent(cpu).unwrap());
        let (state, first) = engine.step(
            &State::default(),
            &at(85.0),
            &History::new(),
            Duration::ZERO,
        );
        let open = |e: &Evaluation| e.findings.iter().find(|f| f.id == "open").cloned();
        assert_eq!(
            engine.declared(&first, &open(&first).unwrap()),
            ComponentSet::from_components(&[Component::Cache])
        );
        let (_, second) = engine.step(&state, &at(70.0), &History::new(), Duration::from_secs(60));
        let held = open(&second).unwrap();
        assert!(held.held_open);
        assert_eq!(engine.declared(&second, &held), ComponentSet::EMPTY);
        let assumed = first.findings.iter().find(|f| f.id == "assumed").unwrap();
        assert!(assumed.assumed);
        assert_eq!(engine.declared(&first, assumed), ComponentSet::EMPTY);
    }

    #[test]
    fn a_metric_tested_for_presence_is_named_only_when_nothing_else_lacks() {
        // `not present(availability_target) or availability_target < 99.99%` decides
        // without the target, so a rule lacking the users' regions lacks those alone; with
        // the regions given, nothing lacks. A rule that can only be decided by the guarded
        // metric (`deployed_regions >= 2 or (has(multi_region) and not
        // present(deployed_regions))`, with no multi-region declared) names it. (`missing`
        // answers for rules left undecided; with the regions given, the first one fires.)
        let pack = RulePack::from_toml_str(
            "p.toml",
            "name = 'p'\n[[rule]]\nid = 'regions'\ntitle = 't'\nseverity = 'info'\n\
             advice = 'a'\nwhen = 'user_regions < 2 and (not present(availability_target) \
             or availability_target < 99.99%)'\n[[rule]]\nid = 'glb'\ntitle = 't'\n\
             severity = 'info'\nadvice = 'a'\nwhen = 'deployed_regions >= 2 or \
             (has(multi_region) and not present(deployed_regions))'\n",
        )
        .unwrap();
        let engine = Engine::new(pack).unwrap();
        let regions = engine.rule_index("regions").unwrap();
        let glb = engine.rule_index("glb").unwrap();
        let none = MetricsSnapshot::default();
        let h = History::new();
        assert_eq!(
            engine.missing(regions, &none, &h),
            [MissingInput::Value(Metric::UserRegions)]
        );
        let one = none.clone().with_user_regions(core::num::NonZeroU32::MIN);
        assert_eq!(
            engine.status(&engine.evaluate(&one, &h), "regions"),
            Some(RuleStatus::Fired)
        );
        assert_eq!(
            engine.missing(glb, &none, &h),
            [MissingInput::Value(Metric::DeployedRegions)]
        );
    }

    /// A value that `Display` would round to its level is written with the digits that
    /// tell them apart, in every dimension; values already apart, equalities and flags as
    /// before. (Expected texts worked out by hand from the rounding of each unit.)
    #[test]
    fn evidence_never_reads_as_its_own_level() {
        let pack = RulePack::from_toml_str(
            "p.toml",
            "name = 'p'\n\
             [[rule]]\nid = 'p95'\ntitle = 't'\nseverity = 'info'\nadvice = 'a'\n\
             when = 'p95_response_time > 1s'\n\
             [[rule]]\nid = 'cpu'\ntitle = 't'\nseverity = 'info'\nadvice = 'a'\n\
             when = 'server_cpu > 85%'\n\
             [[rule]]\nid = 'hit'\ntitle = 't'\nseverity = 'info'\nadvice = 'a'\n\
             when = 'cache_hit_rate < 80%'\n\
             [[rule]]\nid = 'queries'\ntitle = 't'\nseverity = 'info'\nadvice = 'a'\n\
             when = 'db_queries_per_request > 20'\n",
        )
        .unwrap();
        let engine = Engine::new(pack).unwrap();
        let lines = |snap: &MetricsSnapshot| {
            let e = engine.evaluate(snap, &History::new());
            // (In the pack's order, whatever order the findings come in.)
            let mut lines: Vec<_> = e
                .findings
                .iter()
                .map(|f| (f.rule, engine.explain(&e, f)[0].to_string()))
                .collect();
            lines.sort_unstable();
            lines.into_iter().map(|(_, l)| l).collect::<Vec<_>>()
        };
        let close = MetricsSnapshot::default()
            .with_p95_response_time(Duration::from_micros(1_026_600))
            .with_server_cpu(Ratio::from_percent(85.00004).unwrap())
            .with_cache_hit_rate(Ratio::from_percent(79.99999).unwrap())
            .with_db_queries_per_request(
                scalability_advisor_core::units::QueriesPerRequest::new(20.000_000_1).unwrap(),
            );
        assert_eq!(
            lines(&close),
            [
                "p95_response_time = 1.03 s > 1.0 s",
                "server_cpu = 85.00004% > 85%",
                "cache_hit_rate = 79.99999% < 80%",
                "db_queries_per_request = 20.0000001 > 20",
            ]
        );
        let apart = MetricsSnapshot::default()
            .with_p95_response_time(Duration::from_millis(1_400))
            .with_server_cpu(Ratio::from_percent(93.0).unwrap())
            .with_cache_hit_rate(Ratio::from_percent(55.27).unwrap())
            .with_db_queries_per_request(
                scalability_advisor_core::units::QueriesPerRequest::new(28.5).unwrap(),
            );
        assert_eq!(
            lines(&apart),
            [
                "p95_response_time = 1.4 s > 1.0 s",
                "server_cpu = 93% > 85%",
                "cache_hit_rate = 55.27% < 80%",
                "db_queries_per_request = 28.5 > 20",
            ]
        );
    }

    #[test]
    fn a_series_too_short_for_the_window_is_named_as_such() {
        use scalability_advisor_core::units::Ratio;
        use scalability_advisor_core::{Sample, Series};
        // "Consistently above" falls back to the snapshot value without a usable series; the
        // evidence says which: none given, or too few samples in the window (2 of 6 in the
        // default 24 h: samples a day apart). A trend with too few is not judged, and says
        // what it lacks.
        let pack = RulePack::from_toml_str(
            "p.toml",
            "name = 'p'\n[[rule]]\nid = 'hot'\ntitle = 't'\nseverity = 'info'\nadvice = 'a'\n\
             when = 'consistently_above(db_cpu, 70%)'\n[[rule]]\nid = 'worse'\ntitle = 't'\n\
             severity = 'info'\nadvice = 'a'\nwhen = 'degrading(db_cpu)'\n",
        )
        .unwrap();
        let engine = Engine::new(pack).unwrap();
        let snap = MetricsSnapshot::default().with_db_cpu(Ratio::from_percent(77.0).unwrap());
        let line = |history: &History| {
            let e = engine.evaluate(&snap, history);
            engine.explain(&e, &e.findings[0])[0].to_string()
        };
        assert_eq!(
            line(&History::new()),
            "db_cpu = 77% > 70% (snapshot value; no series given)"
        );
        let daily = (0..2u64)
            .map(|d| Sample {
                at: Duration::from_secs(d * 86_400),
                value: 0.77,
            })
            .collect();
        let mut history = History::new();
        history.insert(Series::new(Metric::DbCpu, daily).unwrap());
        assert_eq!(
            line(&history),
            "db_cpu = 77% > 70% (snapshot value; the series has 2 samples in the last 24.0 h, 6 needed)"
        );
        let worse = engine.rule_index("worse").unwrap();
        assert_eq!(
            engine.missing(worse, &snap, &history),
            [MissingInput::SeriesSamples {
                metric: Metric::DbCpu,
                samples: 2,
                required: 6,
                window: Duration::from_secs(86_400),
            }]
        );
        // Six samples in the window are enough: nothing lacks.
        let hourly = (0..6u64)
            .map(|h| Sample {
                at: Duration::from_secs(h * 3_600),
                value: 0.7 + 0.01 * f64::from(u32::try_from(h).unwrap()),
            })
            .collect();
        let mut six = History::new();
        six.insert(Series::new(Metric::DbCpu, hourly).unwrap());
        assert_eq!(engine.missing(worse, &snap, &six), []);
        // Over a month-long window both samples count, still short of six.
        let month = SeriesConfig {
            window: Duration::from_secs(30 * 86_400),
            ..SeriesConfig::default()
        };
        let engine = engine.with_series_config(month);
        assert_eq!(engine.series_config(), &month);
        assert_eq!(engine.advisor_config().triggers.series, month);
        assert_eq!(
            engine.missing(worse, &snap, &history)[0].to_string(),
            "6 samples of db_cpu in the last 30.0 d (the series has 2; widen the window or sample more often)"
        );
    }

    #[test]
    fn only_packs_of_independent_thresholds_are_straight() {
        // Which packs take the straight pass; the property tests hold its outcome to the
        // ordered pass's.
        let pack = |rules: &str| {
            Engine::new(RulePack::from_toml_str("p.toml", &format!("name = 'p'\n{rules}")).unwrap())
                .unwrap()
        };
        let rule = |id: &str, when: &str, extra: &str| {
            format!(
                "[[rule]]\nid = '{id}'\ntitle = 't'\nseverity = 'warning'\nadvice = 'a'\n\
                 when = '{when}'\n{extra}"
            )
        };
        let cpu = rule("a", "server_cpu > 70%", "");
        let guarded = rule("b", "db_cpu > 70% and not has(cache)", "");
        assert!(pack(&format!("{cpu}{guarded}")).straight);
        assert!(!Engine::default_pack().straight);
        for (why, other) in [
            (
                "two comparisons",
                rule("b", "db_cpu > 70% and p95 > 1s", ""),
            ),
            (
                "supersedes",
                rule("b", "server_cpu > 90%", "supersedes = ['a']\n"),
            ),
            (
                "fires on missing data",
                rule("b", "db_cpu > 70%", "missing = 'fire'\n"),
            ),
            (
                "a stage move",
                rule(
                    "b",
                    "db_cpu > 70%",
                    "moves_to = 'growth'\nrecommends = ['cache']\n",
                ),
            ),
            (
                "a stage",
                rule("b", "db_cpu > 70%", "stages = ['growth']\n"),
            ),
            (
                "clear reads another metric",
                rule("b", "db_cpu > 70%", "clear = 'db_cpu < 50% and p95 < 1s'\n"),
            ),
        ] {
            assert!(!pack(&format!("{cpu}{other}")).straight, "{why}");
        }
        // A `clear` on the same metric changes nothing without time behaviour.
        let hysteresis = rule("b", "db_cpu > 70%", "clear = 'db_cpu < 50%'\n");
        assert!(pack(&format!("{cpu}{hysteresis}")).straight);
    }

    #[test]
    fn counted_sites_are_the_sites_written_later() {
        // The sites are written out when first wanted; the counts taken while compiling must
        // match them, or observations would be matched with the wrong comparisons.
        let layered = RulePack::default_pack()
            .layer(
                "extra.toml",
                r#"name = "extra"
[[rule]]
id = "extra.hysteresis"
title = "t"
when = "db_cpu > 80% and (p95_response_time > 1s or not has(cache))"
clear = "db_cpu < 70% or consistently_above(db_cpu, 60%)"
severity = "warning"
advice = "a"
[[rule]]
id = "extra.each"
title = "t"
when = "any(statements, mean_time > 100ms and calls > 1000)"
severity = "warning"
advice = "a"
"#,
                crate::pack::PackFormat::Toml,
            )
            .unwrap();
        let engine = Engine::new(layered).unwrap();
        let mut cleared = 0;
        for (i, r) in engine.rules.iter().enumerate() {
            let written = engine.sites(i);
            assert_eq!(r.site_count, written.when.len(), "{}", r.id.as_str());
            assert_eq!(r.clear_site_count, written.clear.len(), "{}", r.id.as_str());
            cleared += usize::from(r.clear_site_count > 0);
        }
        assert!(cleared > 0 && engine.rules.len() > 50);
        assert!(engine.sites(engine.rules.len()).when.is_empty());
    }

    #[test]
    fn numbers_and_rates_read_as_people_write_them() {
        assert_eq!(trim_number(1_107.0), "1107");
        assert_eq!(trim_number(500_000.0), "500,000");
        assert_eq!(trim_number(-184_500_000.0), "-184,500,000");
        assert_eq!(trim_number(18.45), "18.45");
        let rate = |v: f64| show_value(v, Dim::Rate, Some(UnitKind::Rate), false);
        assert_eq!(rate(18.45), "18.45/s");
        assert_eq!(rate(1_000.0 / 86_400.0), "1000/d");
        assert_eq!(rate(1.0 / 60.0), "1/min");
        assert_eq!(rate(0.0115), "41.4/h");
        assert_eq!(rate(0.0), "0/s");
    }
    #[test]
    fn a_right_side_that_names_a_metric_is_told_from_a_level() {
        for level in [
            "80%", "500ms", "2", "-1", ".5", "0/s", "true", "false", " 3 ",
        ] {
            assert!(!names_a_value(level), "{level}");
        }
        for value in ["user_regions", "primary_write_capacity * 0.85", " db_cpu"] {
            assert!(names_a_value(value), "{value}");
        }
        // Through a pack: the right side's metric is named with its value.
        let pack = RulePack::from_toml_str(
            "p.toml",
            r#"
name = "p"
[[rule]]
id = "r"
title = "t"
when = "deployed_regions < user_regions"
severity = "warning"
advice = "a"
"#,
        )
        .unwrap();
        let engine = Engine::new(pack).unwrap();
        let snap = MetricsSnapshot::default()
            .with_deployed_regions(core::num::NonZeroU32::new(2).unwrap())
            .with_user_regions(core::num::NonZeroU32::new(3).unwrap());
        let e = engine.evaluate(&snap, &History::new());
        let lines = engine.explain(&e, &e.findings[0]);
        assert_eq!(
            lines[0].to_string(),
            "deployed_regions = 2 < user_regions = 3"
        );
    }

    use proptest::prelude::*;
    use scalability_advisor_core::units::{Ratio, Users};

    fn snapshot() -> impl Strategy<Value = MetricsSnapshot> {
        (
            proptest::option::of(0.0f64..=1.0),
            proptest::option::of(0.0f64..=1.0),
            proptest::option::of(0u64..3_000),
            proptest::option::of(0.0f64..=1.0),
            proptest::option::of(0.0f64..=1.0),
            proptest::option::of(any::<bool>()),
            proptest::option::of(0u64..2_000_000),
            0u32..64,
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<bool>()),
            (
                proptest::option::of(1u32..6),
                proptest::option::of(0.0f64..=1.0),
            ),
        )
            .prop_map(
                |(
                    cpu,
                    db,
                    p95,
                    reads,
                    timeouts,
                    blocking,
                    users,
                    arch,
                    independent,
                    residency,
                    (regions, remote),
                )| {
                    let mut s = MetricsSnapshot {
                        server_cpu: cpu.map(|v| Ratio::from_fraction(v).unwrap()),
                        db_cpu: db.map(|v| Ratio::from_fraction(v).unwrap()),
                        p95_response_time: p95.map(Duration::from_millis),
                        db_read_share: reads.map(|v| Ratio::from_fraction(v).unwrap()),
                        external_api_timeout_share: timeouts
                            .map(|v| Ratio::from_fraction(v).unwrap()),
                        background_tasks_block_requests: blocking,
                        users: users.map(Users::new),
                        // Moves whose severity is raised when overdue.
                        independent_scaling_needed: independent,
                        data_residency_required: residency,
                        // (A move of two comparisons, judged in the ordered pass.)
                        user_regions: regions.and_then(core::num::NonZeroU32::new),
                        remote_user_share: remote.map(|v| Ratio::from_fraction(v).unwrap()),
                        ..MetricsSnapshot::default()
                    };
                    for (bit, c) in [
                        Component::Cache,
                        Component::Cdn,
                        Component::LoadBalancer,
                        Component::ReadReplicas,
                        Component::JobQueue,
                        Component::Sharding,
                    ]
                    .into_iter()
                    .enumerate()
                    {
                        if arch & (1 << bit) != 0 {
                            s.architecture.insert(c);
                        }
                    }
                    s
                },
            )
    }

    /// Atoms a flat condition can be made of, as a rule writes them.
    const ATOMS: [&str; 8] = [
        "server_cpu > 70%",
        "db_cpu <= 40%",
        "p95_response_time >= 500ms",
        "db_read_share == 50%",
        "has(cache)",
        "not has(cdn)",
        "present(external_api_timeout_share)",
        "background_tasks_block_requests == true",
    ];

    /// Holds [`Engine::for_each_evidence`] to [`Engine::explain`]: the same lines, in order,
    /// by entity, metric and left side.
    fn identities_match_explain(engine: &Engine, e: &Evaluation) -> Result<(), TestCaseError> {
        for f in &e.findings {
            let mut refs = Vec::new();
            engine.for_each_evidence(e, f, |line| {
                refs.push((
                    line.subject.map(|(k, n)| (k, n.to_owned())),
                    line.metric,
                    line.left.to_owned(),
                ));
            });
            let lines: Vec<_> = engine
                .explain(e, f)
                .into_iter()
                .map(|l| (l.subject.map(|s| (s.kind, s.name)), l.metric, l.left))
                .collect();
            prop_assert_eq!(refs, lines, "{}", f.id);
        }
        Ok(())
    }

    proptest! {
        /// Ordering ids by their integer prefix, then by the whole id, is ordering them by
        /// the whole id: the sort that ranks a pack's rules relies on it. Short ids, shared
        /// prefixes and a NUL byte (which the zero padding looks like) are all drawn.
        #[test]
        fn id_prefixes_order_ids_as_their_bytes_do(
            a in "[a-c.\\x00]{0,20}",
            b in "[a-c.\\x00]{0,20}",
        ) {
            prop_assert_eq!((id_prefix(&a), a.as_str()).cmp(&(id_prefix(&b), b.as_str())), a.cmp(&b));
        }

        /// A finding's declared components are in place (declared, or shown by a metric)
        /// and its absent ones are not; with no architecture declared, nothing is called
        /// absent.
        #[test]
        fn declared_and_absent_components_are_what_the_architecture_says(snap in snapshot()) {
            let engine = Engine::default_pack();
            let eval = engine.evaluate(&snap, &History::new());
            let in_place = snap.components_in_place();
            for f in &eval.findings {
                let (declared, absent) = (engine.declared(&eval, f), engine.absent(&eval, f));
                prop_assert!(declared.iter().all(|c| in_place.contains(c)), "{}", f.id);
                prop_assert!(absent.iter().all(|c| !in_place.contains(c)), "{}", f.id);
                if snap.architecture.is_empty() {
                    prop_assert!(absent.is_empty(), "{}", f.id);
                }
            }
        }

        /// What identifies each line of evidence, walked without writing it, is what the
        /// written evidence says: on the default pack, and on findings fired on unknown
        /// data (`missing = "fire"`) or kept open by hysteresis, where every comparison shows.
        #[test]
        fn evidence_identities_are_the_written_evidences(snap in snapshot(), later in snapshot()) {
            let engine = Engine::default_pack();
            identities_match_explain(&engine, &engine.evaluate(&snap, &History::new()))?;
            let pack = RulePack::from_toml_str(
                "p.toml",
                "name = \"p\"\n\
                 [[rule]]\nid = \"assumed\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\n\
                 when = \"db_read_share > 80% and p95_response_time > 400ms\"\nmissing = \"fire\"\n\
                 [[rule]]\nid = \"open\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\n\
                 when = \"server_cpu > 50%\"\nclear = \"server_cpu < 30% and db_cpu < 30%\"\n",
            )
            .unwrap();
            let engine = Engine::new(pack).unwrap();
            let (state, first) = engine.step(&State::default(), &snap, &History::new(), Duration::ZERO);
            identities_match_explain(&engine, &first)?;
            let (_, second) = engine.step(&state, &later, &History::new(), Duration::from_secs(60));
            identities_match_explain(&engine, &second)?;
        }

        /// For a rule that reads snapshot values alone, [`Engine::missing_values`] says
        /// exactly what [`Engine::missing_each`] names (the user count, and the values by
        /// their bits), guarded metrics and stage filters included; it answers for every
        /// such rule of the default pack, and for no other.
        #[test]
        fn missing_values_are_what_missing_each_names(snap in snapshot()) {
            let engine = Engine::default_pack();
            let history = History::new();
            let known = engine.evaluate(&snap, &history).known();
            for (i, r) in engine.rules.iter().enumerate() {
                let values_alone = r.series.is_empty() && r.divisors.is_empty() && r.each.is_none();
                let Some((users, bits)) = engine.missing_values(i, &snap, known) else {
                    prop_assert!(!values_alone, "{} reads values alone", r.id);
                    continue;
                };
                prop_assert!(values_alone, "{} reads more than values", r.id);
                let (mut named_users, mut named_bits) = (false, 0u64);
                let mut other = Vec::new();
                engine.missing_each(i, &snap, &history, Some(known), &mut |m| match m {
                    MissingInput::Users => named_users = true,
                    MissingInput::Value(m) => named_bits |= 1 << metric_index(m),
                    m => other.push(m),
                });
                prop_assert!(other.is_empty(), "{}: {:?}", r.id, other);
                prop_assert_eq!((users, bits), (named_users, named_bits), "{}", r.id);
            }
        }

        /// A comparison with a constant decides as the language reference says: within one
        /// part in 10⁹ of the constant counts as equal to it; for every operator, at and
        /// around the band's edges.
        #[test]
        fn thresholds_compare_as_comparisons_do(
            op in proptest::sample::select(vec![CmpOp::Gt, CmpOp::Ge, CmpOp::Lt, CmpOp::Le, CmpOp::Eq, CmpOp::Ne]),
            k in prop_oneof![Just(0.0), Just(1.0), Just(0.8), -1e6f64..1e6],
            nudge in prop_oneof![Just(0.0), Just(1e-12), Just(-1e-12), Just(1e-6), Just(-1e-6), -10.0f64..10.0],
        ) {
            let l = k + nudge * k.abs().max(1.0);
            let band = scalability_advisor_core::LEVEL_TOLERANCE * k.abs();
            let equal = (k - band..=k + band).contains(&l);
            let expected = match op {
                CmpOp::Gt => l > k && !equal,
                CmpOp::Ge => l > k || equal,
                CmpOp::Lt => l < k && !equal,
                CmpOp::Le => l < k || equal,
                CmpOp::Eq => equal,
                CmpOp::Ne => !equal,
            };
            prop_assert_eq!(Threshold::new(op, k).test(l), expected, "{} {:?} {}", l, op, k);
        }

        /// A condition of atoms under one connective, however nested, runs as
        /// [`Shape::Flat`] and gives what the stack machine gives: the same truth value and
        /// the same recorded comparisons.
        #[test]
        fn flat_conditions_agree_with_the_stack_machine(
            picks in proptest::collection::vec(0usize..ATOMS.len(), 2..6),
            and in any::<bool>(),
            nest in any::<bool>(),
            snap in snapshot(),
        ) {
            let join = if and { " and " } else { " or " };
            let atoms: Vec<&str> = picks.iter().map(|&i| ATOMS[i]).collect();
            // Nested: the first two in parentheses, `(a and b) and c ...`.
            let when = if nest {
                format!("({}){join}{}", atoms[..2].join(join), atoms[2..].join(join))
                    .trim_end_matches(join)
                    .to_string()
            } else {
                atoms.join(join)
            };
            let text = format!(
                "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"{when}\"\n"
            );
            let engine = Engine::new(RulePack::from_toml_str("p.toml", &text).unwrap()).unwrap();
            let program = &engine.rules[0].when;
            // (`m op k and not has(c)` has a shape of its own.)
            prop_assert!(
                program.shape == Shape::Flat(and) || matches!(program.shape, Shape::SingleNotHas(..)),
                "{}: {:?}", when, program.shape
            );
            let stack_machine = Program { ops: program.ops.clone(), shape: Shape::General };
            let full = load_values(&snap);
            let ctx = Ctx { stack: core::cell::RefCell::new([0.0; MAX_STACK]), values: &full, snapshot: &snap, in_place: snap.components_in_place(), history: &History::new(), series: &SeriesConfig::default() };
            let (mut flat_slots, mut stack_slots) = ([EMPTY_SLOT; MAX_COMPARISONS], [EMPTY_SLOT; MAX_COMPARISONS]);
            let got = exec(program, &ctx, &mut flat_slots);
            let want = exec(&stack_machine, &ctx, &mut stack_slots);
            prop_assert_eq!(got.to_bits(), want.to_bits(), "{}", when);
            let sites = engine.rules[0].site_count;
            for (a, b) in flat_slots[..sites].iter().zip(&stack_slots[..sites]) {
                prop_assert_eq!(a.observed.to_bits(), b.observed.to_bits());
                prop_assert_eq!(a.threshold.to_bits(), b.threshold.to_bits());
                prop_assert_eq!(a.held.to_bits(), b.held.to_bits());
            }
        }

        /// Findings come in the documented order (severity, critical first; priority; id),
        /// overdue moves included, and a rule's finding is dropped exactly when a rule
        /// superseding it fired: what sorting and filtering every finding would give.
        #[test]
        fn findings_are_ordered_and_superseded_ones_dropped(snap in snapshot()) {
            let engine = Engine::default_pack();
            let e = engine.evaluate(&snap, &History::new());
            let mut expected: Vec<(usize, Severity)> = (0..engine.rules.len())
                .filter(|&i| e.statuses[i] == RuleStatus::Fired)
                .filter(|&i| {
                    !engine.rules[i]
                        .superseded_by
                        .iter()
                        .any(|&j| e.statuses[j] == RuleStatus::Fired)
                })
                .map(|i| {
                    let r = &engine.rules[i];
                    let stage = snap.users.map(Stage::for_users);
                    let overdue = r.moves_to.is_some_and(|to| {
                        stage.is_some_and(|s| s >= to)
                            && !crate::pack::move_made(
                                to,
                                r.recommends,
                                snap.components_in_place(),
                            )
                    });
                    let severity = if overdue {
                        r.overdue_severity.unwrap_or(r.severity).max(r.severity)
                    } else {
                        r.severity
                    };
                    (i, severity)
                })
                .collect();
            expected.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then(engine.rules[a.0].priority.cmp(&engine.rules[b.0].priority))
                    .then(engine.pack.rules[a.0].id.cmp(&engine.pack.rules[b.0].id))
            });
            let got: Vec<(usize, Severity)> = e.findings.iter().map(|f| (f.rule, f.severity)).collect();
            prop_assert_eq!(got, expected);
            for (i, &dropped) in e.superseded.iter().enumerate() {
                prop_assert_eq!(
                    dropped,
                    e.statuses[i] == RuleStatus::Fired
                        && engine.rules[i].superseded_by.iter().any(|&j| e.statuses[j] == RuleStatus::Fired),
                    "rule {}", engine.pack.rules[i].id
                );
            }
        }

        #[test]
        fn compiled_evaluation_agrees_with_the_interpreter(snap in snapshot()) {
            let engine = Engine::default_pack();
            let values = values_of(&snap);
            let full = load_values(&snap);
            let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
            let ctx = Ctx { stack: core::cell::RefCell::new([0.0; MAX_STACK]), values: &full, snapshot: &snap, in_place: snap.components_in_place(), history: &History::new(), series: &SeriesConfig::default() };
            for (r, rule) in engine.rules.iter().zip(&engine.pack.rules) {
                let mut e = rule.when_expr.clone();
                resolve(&mut e, &|n| engine.pack.param(n).map(|p| (p.value, p.dim)));
                // Series functions need a history; the interpreter covers the rest.
                let mut has_series = false;
                e.walk(&mut |n| has_series |= matches!(n, Expr::Series { .. } | Expr::Any { .. }));
                if has_series {
                    continue;
                }
                let expected = interpret(&e, &values, &snap);
                let got = exec(&r.when, &ctx, &mut slots);
                let got = if got.is_nan() { None } else { Some(got > 0.5) };
                prop_assert_eq!(got, expected, "rule {}", rule.id);
            }
        }
    }
}
