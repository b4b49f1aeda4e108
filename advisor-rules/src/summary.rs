//! The conclusions of an assessment without its text, for tables of many services.

use scalability_advisor_core::bottleneck::Layer;
use scalability_advisor_core::patterns::{Checklist, ChecklistStatus};
use scalability_advisor_core::{
    AdvisorConfig, EntityKind, Health, History, KeyMetric, LadderPosition, Metric, MetricsSnapshot,
    Remedy, Stage, Symptom,
};

use crate::assessment::{
    Assessment, INDEXES_AFTER_THE_LOAD_TITLE, READS_BEFORE_SHARDING_TITLE, RankContext, RankKey,
    availability_rule, base_title, checklist_applies, cpu_factor, evidence_weight, facts_of,
    far_users_first, far_users_no_slower, far_users_rule, is_cpu_capacity_rung, lag_alone_rule,
    memory_fill, rank_evidence, rank_key, reads_before_sharding, replicas_first, residency_rule,
    rung_in_place_title, scaler_first_title, stages_short, subject_lines, write_base_title,
    write_far_users_again_title, write_far_users_first_title, write_lag_first_title,
    write_residency_first_title, write_standby_first_title, write_subjects,
    write_writes_first_title, writes_first,
};
use crate::engine::{Engine, Evaluation, Finding, MissingInput, RuleStatus};
use crate::pack::{Rule, Severity};
use crate::plan::{
    Active, Facts, Grounds, Key, Place, Skeleton, at_top, called_for_first, deferral_possible,
    escalate_leak, fold_overdue_moves, layer_bit, layer_deferral, move_installing,
    quiet_cache_with_first_reads, quiet_far_users_moves, quiet_moves_with_nothing_to_add, recycle,
    step_measuring, unexplained_slow_pages, with_lowest_rungs,
};

// One bit per metric in a `u64`.
const _: () = assert!(Metric::COUNT <= 64);

/// What an assessment concludes, without its text: the stage by users and by metrics, the
/// health of the four key metrics, the worst severity, the first step of the plan, and what
/// could not be judged.
///
/// [`summarize`] computes it equal to [`Summary::of`] the full [`assess`](crate::assess) of
/// the same input, for a fraction of the cost: it places the findings in the plan and orders
/// its steps as the assessment does, but writes no evidence, advice or notes, and only the
/// title of the first step. It is what a table of many services needs of each (the
/// fleet kernel of `scalability-advisor-arrow` writes one row of it per service).
///
/// # Examples
/// ```
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, MetricsSnapshot,
///     units::{Ratio, Users},
/// };
/// use scalability_advisor_rules::{Engine, Severity, Summary, assess, summarize};
/// let engine = Engine::default_pack();
/// let snap = MetricsSnapshot::default()
///     .with_users(Users::new(4_000))
///     .with_server_cpu(Ratio::from_percent(92.0)?);
/// let history = History::new();
/// let eval = engine.evaluate(&snap, &history);
/// let config = engine.pack().advisor_config();
/// let summary = summarize(&engine, &eval, &snap, &history, &config);
/// assert_eq!(summary.first_step_severity, Some(Severity::Critical));
/// assert_eq!(summary.first_step_title, "Scale up to a bigger machine");
/// assert_eq!(summary, Summary::of(&assess(&engine, &snap, &history)));
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// The stage by user count ([`Stage::for_users`]), when the users are known.
    pub stage_by_users: Option<Stage>,
    /// The furthest stage a fired transition leads into.
    pub stage_by_metrics: Option<Stage>,
    /// The health of each key metric, in [`KeyMetric::ALL`] order; `None` when not measured.
    pub health: [Option<Health>; 4],
    /// The worst severity among the findings and the steps of the plan.
    pub worst: Option<Severity>,
    /// The severity of the plan's first step; `None` when the plan is empty.
    pub first_step_severity: Option<Severity>,
    /// The title of the plan's first step, as the report prints it; empty when the plan is.
    pub first_step_title: String,
    /// How many rules could not be evaluated.
    pub not_judged: usize,
    /// What they lacked, each input once, in the order the rules name them.
    pub missing: Vec<MissingInput>,
}

impl Summary {
    /// The health of one key metric; `None` when it was not measured.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Health, History, KeyMetric, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, summarize};
    /// let engine = Engine::default_pack();
    /// let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(75.0)?);
    /// let eval = engine.evaluate(&snap, &History::new());
    /// let config = engine.pack().advisor_config();
    /// let s = summarize(&engine, &eval, &snap, &History::new(), &config);
    /// assert_eq!(s.health_of(KeyMetric::ServerCpu), Some(Health::Marginal));
    /// assert_eq!(s.health_of(KeyMetric::DbPoolUsage), None);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn health_of(&self, metric: KeyMetric) -> Option<Health> {
        KeyMetric::ALL
            .iter()
            .position(|k| *k == metric)
            .and_then(|i| self.health.get(i).copied().flatten())
    }

    /// The summary of an assessment already made.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Health, History, KeyMetric, MetricsSnapshot, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Engine, Summary, assess};
    /// let snap = MetricsSnapshot::default().with_db_pool_usage(Ratio::from_percent(92.0)?);
    /// let a = assess(&Engine::default_pack(), &snap, &Default::default());
    /// let s = Summary::of(&a);
    /// assert_eq!(s.health_of(KeyMetric::DbPoolUsage), Some(Health::Unhealthy));
    /// assert_eq!(s.first_step_title, a.plan[0].title);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn of(assessment: &Assessment) -> Summary {
        let mut missing = Vec::new();
        for m in assessment.not_judged.iter().flat_map(|n| &n.missing) {
            if !missing.contains(m) {
                missing.push(*m);
            }
        }
        let first = assessment.plan.first();
        Summary {
            stage_by_users: assessment.stage.by_users,
            stage_by_metrics: assessment.stage.by_metrics,
            health: KeyMetric::ALL.map(|k| {
                assessment
                    .health
                    .iter()
                    .find(|h| h.metric == k)
                    .and_then(|h| h.health)
            }),
            worst: assessment.worst(),
            first_step_severity: first.map(|s| s.severity),
            first_step_title: first.map(|s| s.title.clone()).unwrap_or_default(),
            not_judged: assessment.not_judged.len(),
            missing,
        }
    }
}

/// The [`Summary`] of `evaluation` (made by `engine` on `snapshot` and `history`), with the
/// core's levels from `config`; equal to `Summary::of(&assess_with(...))` on the same
/// arguments.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::scalability_advisor_core::{History, MetricsSnapshot};
/// use scalability_advisor_rules::{Engine, summarize};
/// let engine = Engine::default_pack();
/// let snap = MetricsSnapshot::default(); // nothing measured
/// let eval = engine.evaluate(&snap, &History::new());
/// let config = engine.pack().advisor_config();
/// let s = summarize(&engine, &eval, &snap, &History::new(), &config);
/// assert!(s.first_step_title.is_empty());
/// // Every rule lacks data but two: work bypassing a queue is judged not to happen, since
/// // no queue is in place, and residency in one region, since no residency rule is stated.
/// assert_eq!(s.not_judged, engine.rules().len() - 2);
/// ```
#[must_use]
pub fn summarize(
    engine: &Engine,
    evaluation: &Evaluation,
    snapshot: &MetricsSnapshot,
    history: &History,
    config: &AdvisorConfig,
) -> Summary {
    let mut out = Summary::default();
    summarize_into(engine, evaluation, snapshot, history, config, &mut out);
    out
}

/// As [`summarize`], reusing `out`'s buffers.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, MetricsSnapshot, units::Ratio,
/// };
/// use scalability_advisor_rules::{Engine, Evaluation, Summary, summarize_into};
/// let engine = Engine::default_pack();
/// let config = engine.pack().advisor_config();
/// let (mut eval, mut summary) = (Evaluation::default(), Summary::default());
/// for cpu in [40.0, 75.0, 95.0] {
///     let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(cpu)?);
///     engine.evaluate_into(&snap, &History::new(), &mut eval);
///     summarize_into(&engine, &eval, &snap, &History::new(), &config, &mut summary);
/// }
/// assert_eq!(summary.first_step_title, "Scale up to a bigger machine");
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
pub fn summarize_into(
    engine: &Engine,
    evaluation: &Evaluation,
    snapshot: &MetricsSnapshot,
    history: &History,
    config: &AdvisorConfig,
    out: &mut Summary,
) {
    summarize_with(
        engine,
        evaluation,
        snapshot,
        history,
        config,
        out,
        &mut SummaryBuffers::default(),
    );
}

/// The working space of [`summarize_with`], kept from one call to the next so that
/// summarizing one snapshot after another allocates nothing once it has grown (the table of
/// findings, their facts, the plan's steps and order).
///
/// # Examples
/// See [`summarize_with`].
#[derive(Debug, Default)]
pub struct SummaryBuffers {
    found: Vec<(&'static Rule, &'static Finding)>,
    facts: Vec<Facts<'static>>,
    skeleton: Skeleton<'static>,
}

/// As [`summarize_into`], with working space kept in `buffers`: what a loop over many
/// snapshots calls, allocating nothing per snapshot once the buffers have grown (except
/// to name the entities in the first step's title, when it has some).
///
/// # Examples
/// ```
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, MetricsSnapshot, units::Ratio,
/// };
/// use scalability_advisor_rules::{Engine, Evaluation, Summary, SummaryBuffers, summarize_with};
/// let engine = Engine::default_pack();
/// let config = engine.pack().advisor_config();
/// let (mut eval, mut summary) = (Evaluation::default(), Summary::default());
/// let mut buffers = SummaryBuffers::default();
/// for cpu in [40.0, 75.0, 95.0] {
///     let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(cpu)?);
///     engine.evaluate_into(&snap, &History::new(), &mut eval);
///     summarize_with(&engine, &eval, &snap, &History::new(), &config, &mut summary, &mut buffers);
/// }
/// assert_eq!(summary.first_step_title, "Scale up to a bigger machine");
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
pub fn summarize_with(
    engine: &Engine,
    evaluation: &Evaluation,
    snapshot: &MetricsSnapshot,
    history: &History,
    config: &AdvisorConfig,
    out: &mut Summary,
    buffers: &mut SummaryBuffers,
) {
    summarize_parts(
        engine,
        evaluation,
        snapshot,
        history,
        config,
        SummaryParts::ALL,
        out,
        buffers,
    );
}

/// Which of the dearer parts of a [`Summary`] [`summarize_parts`] computes. The stages, the
/// health of the key metrics and the count of rules not judged are always computed (they
/// cost little); the plan (`worst`, `first_step_severity`, `first_step_title`: the findings
/// placed in the plan and its steps ordered) and the inputs the rules lacked (`missing`)
/// only when asked for, since together they are most of the cost of a summary. A table that
/// does not show them (the Arrow kernel with a projection of its columns) leaves them out.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::SummaryParts;
/// assert_eq!(SummaryParts::default(), SummaryParts::ALL);
/// assert!(!SummaryParts::NONE.plan && !SummaryParts::NONE.missing);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SummaryParts {
    /// The plan: [`Summary::worst`], [`Summary::first_step_severity`] and
    /// [`Summary::first_step_title`]. Left `None` and empty when not computed.
    pub plan: bool,
    /// What the rules not judged lacked: [`Summary::missing`]. Left empty when not computed
    /// ([`Summary::not_judged`] is always counted).
    pub missing: bool,
}

impl SummaryParts {
    /// Every part: the whole [`Summary`], equal to [`Summary::of`] the assessment.
    pub const ALL: SummaryParts = SummaryParts {
        plan: true,
        missing: true,
    };
    /// None of the dearer parts: the stages, the health and the count of rules not judged.
    pub const NONE: SummaryParts = SummaryParts {
        plan: false,
        missing: false,
    };
}

impl Default for SummaryParts {
    /// [`SummaryParts::ALL`].
    fn default() -> SummaryParts {
        SummaryParts::ALL
    }
}

/// As [`summarize_with`], computing only the `parts` asked for (the fields of the others
/// are left `None` or empty); each field computed equals the full summary's.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, MetricsSnapshot, Stage,
///     units::{Ratio, Users},
/// };
/// use scalability_advisor_rules::{
///     Engine, Summary, SummaryBuffers, SummaryParts, summarize, summarize_parts,
/// };
/// let engine = Engine::default_pack();
/// let config = engine.pack().advisor_config();
/// let snap = MetricsSnapshot::default()
///     .with_users(Users::new(45_000))
///     .with_db_cpu(Ratio::from_percent(78.0)?);
/// let eval = engine.evaluate(&snap, &History::new());
/// let (mut light, mut buffers) = (Summary::default(), SummaryBuffers::default());
/// summarize_parts(
///     &engine, &eval, &snap, &History::new(), &config,
///     SummaryParts::NONE, &mut light, &mut buffers,
/// );
/// let full = summarize(&engine, &eval, &snap, &History::new(), &config);
/// assert_eq!(light.stage_by_metrics, Some(Stage::Growth));
/// assert_eq!(light.stage_by_metrics, full.stage_by_metrics);
/// assert_eq!(light.not_judged, full.not_judged);
/// assert!(light.first_step_title.is_empty() && !full.first_step_title.is_empty());
/// assert!(light.missing.is_empty() && !full.missing.is_empty());
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[expect(
    clippy::too_many_arguments,
    reason = "summarize_with's arguments and the parts to compute"
)]
pub fn summarize_parts(
    engine: &Engine,
    evaluation: &Evaluation,
    snapshot: &MetricsSnapshot,
    history: &History,
    config: &AdvisorConfig,
    parts: SummaryParts,
    out: &mut Summary,
    buffers: &mut SummaryBuffers,
) {
    let by_users = snapshot.users.map(Stage::for_users);
    out.stage_by_users = by_users;
    // (Only the health: the full report's targets, warnings and observed values are not
    // needed here.)
    out.health = KeyMetric::ALL.map(|k| config.thresholds.classify(k, snapshot));
    out.first_step_title.clear();
    out.first_step_severity = None;
    if parts.plan {
        place_in_plan(engine, evaluation, snapshot, history, config, out, buffers);
    } else {
        // The furthest stage a finding moves to, as the plan's facts carry it.
        out.stage_by_metrics = evaluation
            .findings
            .iter()
            .filter_map(|f| engine.rule(f.rule).and_then(|r| r.moves_to))
            .max();
        out.worst = None;
    }
    out.missing.clear();
    if parts.missing {
        name_missing(engine, evaluation, snapshot, history, out);
    } else {
        // (A status past the engine's rules belongs to no rule: not counted, as below.)
        let rules = evaluation.statuses.len().min(engine.rules().len());
        // (Summed in 8-bit lanes, 255 statuses at a time: a few instructions for a pack.)
        out.not_judged = evaluation.statuses.get(..rules).map_or(0, |statuses| {
            statuses
                .chunks(255)
                .map(|chunk| {
                    let n: u8 = chunk
                        .iter()
                        .map(|s| u8::from(*s == RuleStatus::NotEvaluated))
                        .sum();
                    usize::from(n)
                })
                .sum()
        });
    }
}

/// The plan's part of [`summarize_parts`]: the stage by metrics, the worst severity and the
/// first step, from the findings placed in the plan as the assessment places them.
fn place_in_plan(
    engine: &Engine,
    evaluation: &Evaluation,
    snapshot: &MetricsSnapshot,
    history: &History,
    config: &AdvisorConfig,
    out: &mut Summary,
    buffers: &mut SummaryBuffers,
) {
    // Rungs and steps are judged against what is in place; moves against the declaration,
    // as in `assess`.
    let in_place = snapshot.components_in_place();
    // Ladder positions, read only for the ladders of rules that fired.
    let mut positions: [Option<LadderPosition>; Symptom::ALL.len()] = Default::default();
    let mut found: Vec<(&Rule, &Finding)> = recycle(core::mem::take(&mut buffers.found));
    let mut facts: Vec<Facts<'_>> = recycle(core::mem::take(&mut buffers.facts));
    for f in &evaluation.findings {
        let Some(rule) = engine.rule(f.rule) else {
            continue;
        };
        let position = rule.ladder.and_then(|s| {
            let i = Symptom::ALL.iter().position(|x| *x == s)?;
            let slot = positions.get_mut(i)?;
            Some(&*slot.get_or_insert_with(|| s.position(snapshot, history, config)))
        });
        let mut fact = facts_of(rule, f, position, in_place);
        fact.lag_alone = rule.layer == Some(Layer::Database) && lag_alone_rule(engine, f.rule);
        facts.push(fact);
        found.push((rule, f));
    }
    // Overdue moves are one catch-up, as in `assess`.
    fold_overdue_moves(&mut facts, snapshot.users.map(Stage::for_users));
    quiet_moves_with_nothing_to_add(&mut facts, snapshot, in_place, &config.additions);
    let grounds = Grounds::of(snapshot, config);
    quiet_cache_with_first_reads(&mut facts, snapshot, in_place, &grounds);
    quiet_far_users_moves(&mut facts, snapshot, |i| {
        found
            .get(i)
            .is_some_and(|(_, f)| far_users_rule(engine, f.rule))
    });
    let active: Active = facts
        .iter()
        .filter_map(|f| f.ladder.map(|s| (s, f.remedy)))
        .collect();
    // A leak that fills memory soon makes its step critical, as in `assess` (the series is
    // read only when a finding fixes a leak).
    if facts
        .iter()
        .any(|f| f.remedy == Some(Remedy::FixMemoryLeaks))
    {
        escalate_leak(
            &mut facts,
            memory_fill(snapshot, history, config),
            config.ladders.leak_critical_within,
        );
    }
    // Whether slow pages wait for the database or the external APIs depends on how the
    // layers rank by their evidence (read only when the slow-page ladder and one of theirs
    // are active).
    let by_users = snapshot.users.map(Stage::for_users);
    let planned = with_lowest_rungs(&facts, &active, in_place);
    let deferred = if deferral_possible(&facts, &planned, in_place, grounds) {
        let top = layers_at_top::<EVIDENCE_PIECES>(engine, evaluation, &found, snapshot)
            .unwrap_or_else(|| layers_at_top_written(engine, evaluation, &found, snapshot));
        layer_deferral(top, &facts, &planned, in_place, grounds)
    } else {
        None
    }
    .or_else(|| called_for_first(&facts, &planned, in_place))
    .or_else(|| unexplained_slow_pages(&facts, &planned, grounds));

    let by_metrics = facts.iter().filter_map(|f| f.moves_to).max();
    let planning_for = match (by_users, by_metrics) {
        (Some(u), Some(m)) => Some(u.max(m)),
        (u, m) => u.or(m),
    };
    // (The assessment leaves far users' moves that ask only to measure again out of the
    // stage its checklists are for; kept here, they can bring a checklist whose gaps all
    // fold into that move's step, as gaps a planned stage move brings do below, so that
    // no step of the summary differs.)
    let checklists = Checklist::ALL
        .into_iter()
        .filter(|cl| checklist_applies(planning_for, by_users, cl.stage()))
        // A gap that a planned stage move brings is that move's work, as in `assess`; so
        // is a gap a measured value makes when a step's rule compares it. (It
        // also folds a gap that a rung of the plan installs into the rung's step; that can
        // drop a checklist's step, but never the first step or the worst severity the
        // summary reads: the rung's step is at least as severe and ranks before it.)
        .filter(|cl| {
            cl.items().iter().any(|i| {
                i.status(snapshot) == ChecklistStatus::Gap
                    && move_installing(*i, &facts, &planned, in_place).is_none()
                    && step_measuring(
                        *i,
                        snapshot,
                        &facts,
                        |k, m| {
                            found
                                .get(k)
                                .is_some_and(|(_, f)| engine.compares(f.rule, m))
                        },
                        &planned,
                        in_place,
                    )
                    .is_none()
            })
        })
        .map(|cl| (cl, by_users.is_some_and(|s| s >= cl.stage())));
    let lag_only = |i: usize| {
        found
            .get(i)
            .is_some_and(|(_, f)| lag_alone_rule(engine, f.rule))
    };
    let skeleton = Skeleton::build_in(
        &facts,
        &planned,
        in_place,
        checklists,
        (deferred, grounds.cache_before_database),
        Some(&lag_only),
        core::mem::take(&mut buffers.skeleton).recycle(),
    );

    out.stage_by_metrics = by_metrics;
    out.worst = found
        .iter()
        .map(|(_, f)| f.severity)
        .chain(skeleton.steps.iter().map(|s| s.severity))
        .max();
    if let Some(&at) = skeleton.order.first()
        && let Some(step) = skeleton.steps.get(at)
    {
        out.first_step_severity = Some(step.severity);
        write_first_title(
            &mut out.first_step_title,
            step.key,
            (at, step.advice),
            &skeleton.places,
            &found,
            evaluation,
            snapshot,
            by_users,
        );
        // As the assessment titles a rung whose component is in place (a cache that misses).
        if let Key::Remedy(r) = step.key
            && out.first_step_title == base_title(step.key, "", by_users)
            && let Some(t) = rung_in_place_title(r, in_place)
        {
            out.first_step_title = t;
        }
        // As the assessment retitles it (`note_indexes_cost_writes`,
        // `note_queries_load_the_database`, `note_no_slow_query`): the index rung, with no
        // entity named, when no query is slow and nothing measured says an index is
        // missing.
        if step.key == Key::Remedy(Remedy::AddIndexes)
            && grounds.no_slow_query.is_some()
            && out.first_step_title == base_title(step.key, "", by_users)
        {
            INDEXES_AFTER_THE_LOAD_TITLE.clone_into(&mut out.first_step_title);
        }
        // (The rules and findings the plan places at this step.)
        let at_step = || {
            found
                .iter()
                .zip(&skeleton.places)
                .filter(|(_, place)| matches!(place, Place::Step(i) if *i == at))
                .map(|(found, _)| found)
        };
        // (Whether a rule is a move calling for sharding.)
        let sharding_move = |rule: &Rule| {
            rule.moves_to.is_some()
                && rule
                    .recommends
                    .contains(scalability_advisor_core::Component::Sharding)
        };
        // As the assessment retitles it (`note_lag_with_write_headroom`): a move planned
        // ahead of the user count on replica lag alone, the writes measured light.
        if let Key::Stage(to) = step.key
            && by_users.is_none_or(|u| u < to)
            && replicas_first(
                snapshot,
                (grounds.primary_write_level, grounds.long_query.is_some()),
                by_users,
                to,
            )
            && at_step()
                .all(|(rule, f)| sharding_move(rule) && engine.compares(f.rule, Metric::ReplicaLag))
        {
            out.first_step_title.clear();
            write_lag_first_title(&mut out.first_step_title, to);
        }
        // As the assessment retitles it (`note_writes_first`): a move two stages or more
        // ahead of the user count, every finding of its step a move calling for sharding,
        // the writes measured past the primary's level.
        if let Key::Stage(to) = step.key
            && writes_first(
                snapshot,
                grounds.primary_write_level,
                by_users,
                to,
                at_step().all(|(rule, _)| sharding_move(rule)),
            )
        {
            out.first_step_title.clear();
            write_writes_first_title(&mut out.first_step_title, to);
        }
        // As the assessment retitles it (`note_far_users_no_slower`,
        // `note_far_users_before_regions`): a move ahead of the user count on far users'
        // latency alone, while they wait no longer than users overall; or failing that, two
        // stages or more ahead, or with no user count given (`far_users_first`).
        if let Key::Stage(to) = step.key
            && by_users.is_none_or(|u| u < to)
            && at_step().all(|(rule, f)| rule.moves_to.is_some() && far_users_rule(engine, f.rule))
        {
            if far_users_no_slower(snapshot).is_some() {
                out.first_step_title.clear();
                write_far_users_again_title(&mut out.first_step_title, to);
            } else if far_users_first(
                snapshot.users,
                by_users,
                to,
                grounds.few_far_users.is_some(),
            ) {
                out.first_step_title.clear();
                write_far_users_first_title(
                    &mut out.first_step_title,
                    to,
                    in_place.contains(scalability_advisor_core::Component::Cdn),
                );
            }
        }
        // (Whether the step's findings are moves whose rule `is`, with far users' moves at
        // most beside them.)
        let with_far_users = |is: fn(&Engine, usize) -> bool| {
            let (mut any, mut all) = (false, true);
            for (rule, f) in at_step() {
                let this = rule.moves_to.is_some() && is(engine, f.rule);
                any |= this;
                all &= this || (rule.moves_to.is_some() && far_users_rule(engine, f.rule));
            }
            any && all
        };
        // As the assessment retitles it (`note_residency_before_regions`): a move two stages
        // or more ahead of the user count on a residency rule, with far users' moves at most
        // beside it (far users alone are titled above).
        if let Key::Stage(to) = step.key
            && snapshot.users.is_some()
            && stages_short(by_users, to).is_some()
            && with_far_users(residency_rule)
        {
            out.first_step_title.clear();
            write_residency_first_title(&mut out.first_step_title, to);
        }
        // As the assessment retitles it (`note_standby_before_regions`): a move two stages
        // or more ahead of the user count on an availability target, with far users' moves
        // at most beside it (far users alone are titled above).
        if let Key::Stage(to) = step.key
            && snapshot.users.is_some()
            && stages_short(by_users, to).is_some()
            && with_far_users(availability_rule)
        {
            out.first_step_title.clear();
            write_standby_first_title(&mut out.first_step_title, to);
        }
        // As the assessment retitles it (`note_reads_before_sharding`): the sharding rung,
        // with no entity named, of a primary whose writes are measured under the trigger,
        // or not measured while reads are past the replicas' trigger.
        if step.key == Key::Remedy(Remedy::Sharding)
            && !snapshot
                .architecture
                .contains(scalability_advisor_core::Component::Sharding)
            && reads_before_sharding(
                snapshot,
                grounds.primary_write_level,
                grounds.additions.read_share,
            )
            && out.first_step_title == base_title(step.key, "", by_users)
        {
            READS_BEFORE_SHARDING_TITLE.clone_into(&mut out.first_step_title);
        }
        // As the assessment retitles it (`note_cpu_capacity`): a CPU step past the target
        // with auto-scaling in place checks the scaler first.
        if let Key::Remedy(r) = step.key
            && is_cpu_capacity_rung(r)
            && snapshot
                .architecture
                .contains(scalability_advisor_core::Component::AutoScaling)
            && cpu_factor(snapshot, grounds.cpu_target).is_some()
        {
            scaler_first_title(&mut out.first_step_title);
        }
    }
    buffers.skeleton = skeleton.recycle();
    buffers.facts = recycle(facts);
    buffers.found = recycle(found);
}

/// The missing inputs' part of [`summarize_parts`]: the rules not judged, counted, and what
/// they lacked, each input once.
fn name_missing(
    engine: &Engine,
    evaluation: &Evaluation,
    snapshot: &MetricsSnapshot,
    history: &History,
    out: &mut Summary,
) {
    out.not_judged = 0;
    out.missing.clear();
    // Each input once: values, series and zero divisors by metric bit, lists by kind, the
    // rest by search.
    let seen = [(); 4].map(|()| core::cell::Cell::new(0u64));
    let named_users = core::cell::Cell::new(false);
    let seen_values = &seen[0];
    let missing = &mut out.missing;
    let mut add = |m: MissingInput| {
        let bit = |kind: usize, metric: Metric| {
            let bit = 1u64 << (metric.index() % 64);
            seen.get(kind).map(|w| w.replace(w.get() | bit) & bit != 0)
        };
        let known = match m {
            MissingInput::Value(metric) => bit(0, metric),
            MissingInput::Series(metric) | MissingInput::SeriesSamples { metric, .. } => {
                bit(1, metric)
            }
            MissingInput::ZeroDivisor(metric) => bit(2, metric),
            MissingInput::Users => Some(named_users.replace(true)),
            MissingInput::Entities(kind) => {
                let i = EntityKind::ALL.iter().position(|k| *k == kind);
                let bit = 1u64 << i.unwrap_or(63);
                seen.get(3).map(|w| w.replace(w.get() | bit) & bit != 0)
            }
            MissingInput::EntityField(..) => None,
        };
        if !known.unwrap_or_else(|| missing.contains(&m)) {
            missing.push(m);
        }
    };
    let known = evaluation.known();
    for (i, status) in evaluation.statuses.iter().enumerate() {
        if *status == RuleStatus::NotEvaluated && engine.rule(i).is_some() {
            out.not_judged += 1;
            // A rule of values alone whose missing inputs were all named already adds
            // nothing, and one lacking a single value adds it: neither needs the walk.
            if let Some((lacks_users, values)) = engine.missing_values(i, snapshot, known) {
                let users_named = !lacks_users || named_users.get();
                let new = values & !seen_values.get();
                if users_named && new == 0 {
                    continue;
                }
                if users_named && values.is_power_of_two() {
                    let metric = Metric::ALL.get(values.trailing_zeros() as usize);
                    if let Some(metric) = metric {
                        add(MissingInput::Value(*metric));
                        continue;
                    }
                }
            }
            engine.missing_each(i, snapshot, history, Some(known), &mut add);
        }
    }
}

/// The layers that rank first by independent evidence (all those tied at the top score, as
/// a set: [`at_top`]), as [`rank_evidence`] ranks them (each layer scores, for each
/// distinct piece of evidence behind its findings, the weight of its worst finding),
/// without writing the evidence out: the pieces are kept, by what identifies them, in a
/// table on the stack of `PIECES` rows. `None` when they are more than it holds (the caller
/// then ranks the long way); `Some(0)` when there is no evidence.
fn layers_at_top<const PIECES: usize>(
    engine: &Engine,
    evaluation: &Evaluation,
    found: &[(&Rule, &Finding)],
    snapshot: &MetricsSnapshot,
) -> Option<u8> {
    let context = RankContext::of(snapshot);
    let mut table = [(Layer::Database, RankKey::Name(""), 0u32); PIECES];
    let mut n = 0;
    let mut overflow = false;
    for (rule, f) in found {
        let Some(layer) = rule.layer else {
            continue;
        };
        let weight = evidence_weight(f.severity);
        engine.for_each_evidence(evaluation, f, |line| {
            let Some((layer, key)) = rank_key(layer, line, context) else {
                return;
            };
            if let Some(known) = table[..n]
                .iter_mut()
                .find(|(l, k, _)| *l == layer && *k == key)
            {
                known.2 = known.2.max(weight);
            } else if let Some(free) = table.get_mut(n) {
                *free = (layer, key, weight);
                n += 1;
            } else {
                overflow = true;
            }
        });
    }
    if overflow {
        return None;
    }
    let score = |of: Layer| -> u32 {
        table[..n]
            .iter()
            .filter(|(l, _, _)| *l == of)
            .map(|(_, _, w)| w)
            .sum()
    };
    // The top score and the layers that have it. (With no evidence every layer scores 0:
    // none is at the top.)
    let scores = Layer::ALL.map(|l| (l, score(l)));
    let top = scores.iter().map(|(_, s)| *s).max().unwrap_or(0);
    Some(if top == 0 {
        0
    } else {
        scores
            .iter()
            .filter(|(_, s)| *s == top)
            .fold(0, |set, (l, _)| set | layer_bit(*l))
    })
}

/// Rows of [`layers_at_top`]'s table in [`summarize_with`]: more pieces of evidence
/// than rules of a pack usually have findings with, times their comparisons.
const EVIDENCE_PIECES: usize = 64;

/// [`layers_at_top`] the long way: the evidence written out and ranked by
/// [`rank_evidence`], as the assessment does.
fn layers_at_top_written(
    engine: &Engine,
    evaluation: &Evaluation,
    found: &[(&Rule, &Finding)],
    snapshot: &MetricsSnapshot,
) -> u8 {
    let evidence: Vec<_> = found
        .iter()
        .map(|(rule, f)| {
            if rule.layer.is_some() {
                engine.explain(evaluation, f)
            } else {
                Vec::new()
            }
        })
        .collect();
    let ranked = rank_evidence(
        found
            .iter()
            .zip(&evidence)
            .map(|((rule, f), e)| (rule.layer, f.severity, rule.id.as_str(), e.as_slice())),
        RankContext::of(snapshot),
    );
    at_top(&ranked)
}

/// The title of the step at index `at` of the skeleton, as the assessment writes it: its
/// own for a structured step, its first finding's for the others, naming the entities its
/// findings are about.
#[expect(
    clippy::too_many_arguments,
    reason = "the step, where findings went, and what the title reads of the input"
)]
fn write_first_title(
    out: &mut String,
    key: Key<'_>,
    (at, advice): (usize, Option<usize>),
    places: &[Place<'_>],
    found: &[(&Rule, &Finding)],
    evaluation: &Evaluation,
    snapshot: &MetricsSnapshot,
    by_users: Option<Stage>,
) {
    let members = || {
        found
            .iter()
            .zip(places)
            .filter(move |(_, p)| matches!(p, Place::Step(i) if *i == at))
            .map(|(f, _)| *f)
    };
    // A step that stands for a rule or an action is advised by no ladder rule (those go to
    // their rung's step, or are evidence on the step that works instead: `moved_evidence`),
    // so it has its advising finding's title (never empty: packs refuse that).
    let plain = if matches!(key, Key::Action(_) | Key::Rule(_)) {
        advice.and_then(|i| found.get(i)).map_or("", |(rule, _)| {
            // (Its own step title, else the one the other members give: the pack refuses
            // two different ones unless every rule of the action gives one.)
            rule.step_title
                .as_deref()
                .or_else(|| members().find_map(|(r, _)| r.step_title.as_deref()))
                .unwrap_or(&rule.title)
        })
    } else {
        ""
    };
    write_base_title(out, key, plain, by_users);
    let (mut subjects, mut names) = (Vec::new(), Vec::new());
    for (_, f) in members() {
        for (line, name) in subject_lines(evaluation, f, snapshot) {
            if !subjects.contains(&line) {
                subjects.push(line);
            }
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    write_subjects(out, &subjects, &names);
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::time::Duration;
    use proptest::prelude::*;
    use scalability_advisor_core::units::{Count, Ratio, Users};
    use scalability_advisor_core::{
        Entities, EntityKind, EntityName, HostRole, HostStats, StatementStats, TableStats,
    };

    /// Snapshots that load several layers at once: slow pages and queries, busy hosts (one
    /// of them, at times, running the application and the database), tables without
    /// indexes, slow statements, a slow disk, a slow network and failing external calls.
    fn layered() -> impl Strategy<Value = MetricsSnapshot> {
        let ratio = || proptest::option::of(0.0f64..=1.0);
        let millis = |hi: u64| proptest::option::of(0u64..hi);
        (
            (ratio(), ratio(), ratio(), ratio(), ratio()),
            (millis(3_000), millis(800), millis(600), millis(400)),
            (0u32..4, any::<bool>(), 0u32..4, 0u64..3),
            proptest::option::of(0u64..3_000_000),
        )
            .prop_map(|(r, d, e, users)| {
                let ratio = |v: Option<f64>| v.map(|v| Ratio::from_fraction(v).unwrap());
                let mut s = MetricsSnapshot {
                    server_cpu: ratio(r.0),
                    memory_usage: ratio(r.1),
                    db_cpu: ratio(r.2),
                    disk_io_wait: ratio(r.3),
                    external_api_timeout_share: ratio(r.4.map(|v| v / 5.0)),
                    p95_response_time: d.0.map(Duration::from_millis),
                    slowest_query_time: d.1.map(Duration::from_millis),
                    inter_service_p95_latency: d.2.map(Duration::from_millis),
                    db_connection_wait: d.3.map(Duration::from_millis),
                    users: users.map(Users::new),
                    ..MetricsSnapshot::default()
                };
                let hosts = (0..e.0)
                    .map(|i| {
                        let mut h = HostStats::new(
                            EntityName::new(EntityKind::Host, format!("h{i}")).unwrap(),
                        );
                        h.roles.insert(HostRole::App);
                        if e.1 && i == 0 {
                            h.roles.insert(HostRole::Db);
                        }
                        h.cpu = Some(Ratio::from_percent(60.0 + 12.0 * f64::from(i)).unwrap());
                        h
                    })
                    .collect();
                s.hosts = Some(Entities::new(hosts).unwrap());
                let tables = (0..e.2)
                    .map(|i| {
                        let mut t = TableStats::new(EntityName::table(format!("t{i}")).unwrap());
                        t.rows = Some(Count::new(50_000));
                        t.seq_scans = Some(Count::new(4_000));
                        t.index_scans = Some(Count::new(0));
                        t.period = Some(Duration::from_secs(3_600));
                        t
                    })
                    .collect();
                s.tables = Some(Entities::new(tables).unwrap());
                let statements = (0..e.3)
                    .map(|i| {
                        let mut st = StatementStats::new(
                            EntityName::new(EntityKind::Statement, format!("select {i}")).unwrap(),
                        );
                        st.mean_time = Some(Duration::from_millis(150 + 100 * i));
                        st
                    })
                    .collect();
                s.statements = Some(Entities::new(statements).unwrap());
                s
            })
    }

    #[test]
    fn the_layers_at_the_top_are_found_whichever_they_are() {
        let engine = Engine::default_pack();
        let first = |snap: &MetricsSnapshot| {
            let eval = engine.evaluate(snap, &History::new());
            let found: Vec<(&Rule, &Finding)> = eval
                .findings
                .iter()
                .filter_map(|f| Some((engine.rule(f.rule)?, f)))
                .collect();
            let fast = layers_at_top::<EVIDENCE_PIECES>(&engine, &eval, &found, snap);
            let written = layers_at_top_written(&engine, &eval, &found, snap);
            assert_eq!(fast, Some(written));
            let mut layers = Layer::ALL
                .into_iter()
                .filter(|l| written & layer_bit(*l) != 0);
            // One layer alone, or none (the tie's layers are checked below).
            match written.count_ones() {
                1 => layers.next(),
                _ => None,
            }
        };
        let ratio = |p: f64| Ratio::from_percent(p).unwrap();
        // The database at 75% CPU (one warning reading) against external calls timing out
        // (4%) and slow (2.5 s): the external APIs, a later layer, outscore it.
        let external = MetricsSnapshot::default()
            .with_db_cpu(ratio(75.0))
            .with_external_api_timeout_share(ratio(4.0))
            .with_external_api_p95_latency(Duration::from_millis(2_500));
        assert_eq!(first(&external), Some(Layer::ExternalApi));
        // The database alone.
        let database = MetricsSnapshot::default().with_db_cpu(ratio(75.0));
        assert_eq!(first(&database), Some(Layer::Database));
        // The database and the servers, one warning reading each: a tie of both.
        let tie = database.clone().with_server_cpu(ratio(75.0));
        assert_eq!(first(&tie), None);
        let eval = engine.evaluate(&tie, &History::new());
        let found: Vec<(&Rule, &Finding)> = eval
            .findings
            .iter()
            .filter_map(|f| Some((engine.rule(f.rule)?, f)))
            .collect();
        assert_eq!(
            layers_at_top_written(&engine, &eval, &found, &tie),
            layer_bit(Layer::Database) | layer_bit(Layer::Application)
        );
        // No evidence: no layer.
        assert_eq!(first(&MetricsSnapshot::default()), None);
    }

    #[test]
    fn slow_pages_waiting_on_the_likeliest_layer_open_the_summary_with_its_rung() {
        // Pages at 1.3-1.4 s with a cache and a CDN in place: the slow-page ladder alone would
        // say "run logic at the edge". With the database at 91% CPU its ladder's first rung
        // comes first; with a provider slower than the pages' target, the API-timeouts
        // ladder's. The summary's first step is the assessment's.
        let engine = Engine::default_pack();
        let ratio = |p: f64| Ratio::from_percent(p).unwrap();
        let mut database = MetricsSnapshot::default()
            .with_users(Users::new(320_000))
            .with_p95_response_time(Duration::from_millis(1_300))
            .with_db_cpu(ratio(91.0));
        let mut external = MetricsSnapshot::default()
            .with_users(Users::new(400_000))
            .with_p95_response_time(Duration::from_millis(1_400))
            .with_external_api_p95_latency(Duration::from_millis(2_500));
        for snap in [&mut database, &mut external] {
            snap.architecture
                .insert(scalability_advisor_core::Component::Cache);
            snap.architecture
                .insert(scalability_advisor_core::Component::Cdn);
        }
        for (snap, title) in [
            (&database, "Add the missing indexes"),
            (&external, "Move slow work off the request path"),
        ] {
            let eval = engine.evaluate(snap, &History::new());
            let config = engine.pack().advisor_config();
            let s = summarize(&engine, &eval, snap, &History::new(), &config);
            assert_eq!(s.first_step_title, title);
            let a = crate::assess(&engine, snap, &History::new());
            assert_eq!(a.plan[0].title, title);
        }
    }

    #[test]
    fn the_index_rung_is_named_as_the_report_names_it_with_writes_in_question() {
        // Found by the Arrow kernel's property test: pages at 1.36 s, the database at 89% CPU,
        // no query slow (the slowest at 0 ms) and replicas 11.5 s behind, a stage-3 trigger
        // that recommends sharding. The report retitles the index rung, which comes first
        // here, "Find what loads the database before adding indexes"; the summary must too.
        // Without the lag nothing questions the writes, but no query is slow either, and
        // the title is the same (`note_no_slow_query`); with a query at 300 ms, the rung
        // keeps its name.
        let engine = Engine::default_pack();
        let config = engine.pack().advisor_config();
        let lagging = MetricsSnapshot::default()
            .with_p95_response_time(Duration::from_micros(1_362_912))
            .with_db_cpu(Ratio::from_fraction(0.889).unwrap())
            .with_slowest_query_time(Duration::ZERO)
            .with_replica_lag(Duration::from_millis(11_494));
        let mut calm = lagging.clone();
        calm.replica_lag = None;
        let slow = calm
            .clone()
            .with_slowest_query_time(Duration::from_millis(300));
        for (snap, title) in [
            (
                &lagging,
                "Find what loads the database before adding indexes",
            ),
            (&calm, "Find what loads the database before adding indexes"),
            (&slow, "Add the missing indexes"),
        ] {
            let a = crate::assess(&engine, snap, &History::new());
            assert_eq!(a.plan[0].title, title, "{}", a.to_text());
            let eval = engine.evaluate(snap, &History::new());
            let s = summarize(&engine, &eval, snap, &History::new(), &config);
            assert_eq!(s.first_step_title, title);
        }
    }

    /// Asserts that the report's first step and the summary's are both titled `title`, and
    /// returns the assessment.
    fn first_step_titled(engine: &Engine, snap: &MetricsSnapshot, title: &str) -> Assessment {
        let a = crate::assess(engine, snap, &History::new());
        assert_eq!(a.plan[0].title, title, "{}", a.to_text());
        let config = engine.pack().advisor_config();
        let eval = engine.evaluate(snap, &History::new());
        let s = summarize(engine, &eval, snap, &History::new(), &config);
        assert_eq!(s.first_step_title, title);
        a
    }

    #[test]
    fn a_cache_in_place_that_misses_is_named_as_the_report_names_it() {
        // Pages at 650 ms, 45% of queries repeated, the database calm: the cache rung comes
        // first. With a cache in place hitting 72% (under the 80% floor), the report titles
        // the step "Make the cache hit more often", and so must the summary; without a
        // cache, the rung's own title.
        let engine = Engine::default_pack();
        let mut snap = MetricsSnapshot::default()
            .with_p95_response_time(Duration::from_millis(650))
            .with_db_cpu(Ratio::from_fraction(0.5).unwrap())
            .with_slowest_query_time(Duration::from_millis(40))
            .with_repeated_query_share(Ratio::from_fraction(0.45).unwrap())
            .with_cache_hit_rate(Ratio::from_fraction(0.72).unwrap());
        snap.architecture
            .insert(scalability_advisor_core::Component::Cache);
        let mut uncached = snap.clone();
        uncached.architecture = scalability_advisor_core::ComponentSet::EMPTY;
        uncached.cache_hit_rate = None;
        for (snap, title) in [
            (&snap, "Make the cache hit more often"),
            (&uncached, "Cache what is computed again and again"),
        ] {
            first_step_titled(&engine, snap, title);
        }
    }

    #[test]
    fn the_index_rung_is_named_as_the_report_names_it_with_many_fast_queries() {
        // 45 queries a request (the guide's warning is 20), the database at 82% CPU, pages at
        // 1.4 s, the slowest query at 30 ms: the report retitles the index rung "Find what
        // loads the database before adding indexes". With the default pack the step on the
        // queries comes first; with a pack that has no rule on queries per request, the
        // index rung does, and the summary must name it as the report does. With a query
        // measured slow (300 ms) it keeps its name.
        let text = include_str!("../packs/default.toml");
        let kept: Vec<&str> = text
            .split("\n[[rule]]\n")
            .filter(|block| !block.starts_with("id = \"key.queries."))
            .collect();
        assert_eq!(kept.len() + 2, text.split("\n[[rule]]\n").count());
        let pack = crate::RulePack::from_toml_str("p.toml", &kept.join("\n[[rule]]\n")).unwrap();
        let engine = Engine::new(pack).unwrap();
        let fast = MetricsSnapshot::default()
            .with_p95_response_time(Duration::from_millis(1_400))
            .with_db_queries_per_request(
                scalability_advisor_core::units::QueriesPerRequest::new(45.0).unwrap(),
            )
            .with_db_cpu(Ratio::from_fraction(0.82).unwrap())
            .with_slowest_query_time(Duration::from_millis(30));
        let slow = fast
            .clone()
            .with_slowest_query_time(Duration::from_millis(300));
        for (snap, title) in [
            (&fast, "Find what loads the database before adding indexes"),
            (&slow, "Add the missing indexes"),
        ] {
            let a = first_step_titled(&engine, snap, title);
            // (No step cuts the queries here, so the note says to cut them first.)
            assert_eq!(
                a.plan[0]
                    .notes
                    .iter()
                    .any(|n| n.contains("cut the queries per request first")),
                snap.slowest_query_time == fast.slowest_query_time,
                "{}",
                a.to_text()
            );
        }
    }

    proptest! {
        /// The ranking kept on the stack agrees with the evidence written out and ranked.
        #[test]
        fn ranking_without_text_agrees_with_the_written_one(snap in layered()) {
            let engine = Engine::default_pack();
            let eval = engine.evaluate(&snap, &History::new());
            let found: Vec<(&Rule, &Finding)> = eval
                .findings
                .iter()
                .filter_map(|f| Some((engine.rule(f.rule)?, f)))
                .collect();
            let written = layers_at_top_written(&engine, &eval, &found, &snap);
            let fast = layers_at_top::<EVIDENCE_PIECES>(&engine, &eval, &found, &snap);
            prop_assert_eq!(fast, Some(written));
            // A table too small for the distinct pieces gives up (and the caller ranks the
            // long way); one that holds them agrees. (The ranking lists each distinct piece
            // once, under its layer.)
            let evidence: Vec<_> = found.iter().map(|(_, f)| engine.explain(&eval, f)).collect();
            let ranked = rank_evidence(
                found
                    .iter()
                    .zip(&evidence)
                    .map(|((rule, f), e)| (rule.layer, f.severity, rule.id.as_str(), e.as_slice())),
                RankContext::of(&snap),
            );
            let distinct: usize = ranked.iter().map(|r| r.metrics.len()).sum();
            let small = layers_at_top::<2>(&engine, &eval, &found, &snap);
            prop_assert_eq!(small, (distinct <= 2).then_some(written), "{} pieces", distinct);
        }
    }
}
