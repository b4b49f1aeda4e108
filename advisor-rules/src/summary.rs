//! The conclusions of an assessment without its text, for tables of many services.

use scalability_advisor_core::patterns::{Checklist, ChecklistStatus};
use scalability_advisor_core::{
    AdvisorConfig, Health, History, KeyMetric, LadderPosition, Metric, MetricsSnapshot, Stage,
    Symptom,
};

use crate::assessment::{
    Assessment, base_title, facts_of, rank_evidence, shared_host, subject_lines, with_subjects,
};
use crate::engine::{Engine, Evaluation, Finding, MissingInput, RuleStatus};
use crate::pack::{Rule, Severity};
use crate::plan::{
    Active, Facts, Key, Place, Skeleton, cache_wanted, deferral_candidate, deferred_delivery,
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
/// assert_eq!(s.not_judged, engine.rules().len());
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
    // Ladder positions, read only for the ladders of rules that fired.
    let mut positions: [Option<LadderPosition>; Symptom::ALL.len()] = Default::default();
    let mut found: Vec<(&Rule, &Finding)> = Vec::with_capacity(evaluation.findings.len());
    let mut facts: Vec<Facts<'_>> = Vec::with_capacity(evaluation.findings.len());
    for f in &evaluation.findings {
        let Some(rule) = engine.rule(f.rule) else {
            continue;
        };
        let position = rule.ladder.and_then(|s| {
            let i = Symptom::ALL.iter().position(|x| *x == s)?;
            let slot = positions.get_mut(i)?;
            Some(&*slot.get_or_insert_with(|| s.position(snapshot, history, config)))
        });
        facts.push(facts_of(rule, f, position, snapshot.architecture));
        found.push((rule, f));
    }
    let active: Active = facts
        .iter()
        .filter_map(|f| f.ladder.map(|s| (s, f.remedy)))
        .collect();
    // Whether slow pages wait for the database depends on how the layers rank by their
    // evidence (read only when both ladders are active).
    let wanted = cache_wanted(facts.iter().copied());
    let deferred = deferral_candidate(&active, wanted).and_then(|_| {
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
            shared_host(snapshot),
        );
        deferred_delivery(&active, &ranked, wanted)
    });

    let by_users = snapshot.users.map(Stage::for_users);
    let by_metrics = facts.iter().filter_map(|f| f.moves_to).max();
    let planning_for = match (by_users, by_metrics) {
        (Some(u), Some(m)) => Some(u.max(m)),
        (u, m) => u.or(m),
    };
    let checklists = Checklist::ALL
        .into_iter()
        .filter(|cl| planning_for.is_some_and(|s| s >= cl.stage()))
        .filter(|cl| {
            cl.items()
                .iter()
                .any(|i| i.status(snapshot) == ChecklistStatus::Gap)
        })
        .map(|cl| (cl, by_users.is_some_and(|s| s >= cl.stage())));
    let skeleton = Skeleton::build(&facts, &active, snapshot.architecture, checklists, deferred);

    out.stage_by_users = by_users;
    out.stage_by_metrics = by_metrics;
    let report = config.thresholds.assess(snapshot);
    out.health = KeyMetric::ALL.map(|k| report.get(k).health);
    out.worst = found
        .iter()
        .map(|(_, f)| f.severity)
        .chain(skeleton.steps.iter().map(|s| s.severity))
        .max();
    out.first_step_title.clear();
    out.first_step_severity = None;
    if let Some(&at) = skeleton.order.first()
        && let Some(step) = skeleton.steps.get(at)
    {
        out.first_step_severity = Some(step.severity);
        out.first_step_title = first_title(
            step.key,
            at,
            &skeleton.places,
            &found,
            evaluation,
            snapshot,
            by_users,
        );
    }
    out.not_judged = 0;
    out.missing.clear();
    // Each input once: values, series and zero divisors by metric bit, the rest by search.
    let mut seen = [0u64; 3];
    let mut users = false;
    let missing = &mut out.missing;
    let mut add = |m: MissingInput| {
        let mut bit = |kind: usize, metric: Metric| {
            let bit = 1u64 << (metric.index() % 64);
            seen.get_mut(kind)
                .map(|w| core::mem::replace(w, *w | bit) & bit != 0)
        };
        let known = match m {
            MissingInput::Value(metric) => bit(0, metric),
            MissingInput::Series(metric) => bit(1, metric),
            MissingInput::ZeroDivisor(metric) => bit(2, metric),
            MissingInput::Users => Some(core::mem::replace(&mut users, true)),
            MissingInput::Entities(_) | MissingInput::EntityField(..) => None,
        };
        if !known.unwrap_or_else(|| missing.contains(&m)) {
            missing.push(m);
        }
    };
    for (i, status) in evaluation.statuses.iter().enumerate() {
        if *status == RuleStatus::NotEvaluated && engine.rule(i).is_some() {
            out.not_judged += 1;
            engine.missing_each(i, snapshot, history, Some(evaluation.known()), &mut add);
        }
    }
}

/// The title of the step at index `at` of the skeleton, as the assessment writes it: its
/// own for a structured step, its first finding's for the others, naming the entities its
/// findings are about.
fn first_title(
    key: Key<'_>,
    at: usize,
    places: &[Place],
    found: &[(&Rule, &Finding)],
    evaluation: &Evaluation,
    snapshot: &MetricsSnapshot,
    by_users: Option<Stage>,
) -> String {
    let members = || {
        found
            .iter()
            .zip(places)
            .filter(move |(_, p)| matches!(p, Place::Step(i) if *i == at))
            .map(|(f, _)| *f)
    };
    // A step that stands for a rule or an action holds no ladder rule (those go to their
    // rung's step), so it has its first finding's title (never empty: packs refuse that).
    let plain = if matches!(key, Key::Action(_) | Key::Rule(_)) {
        members().next().map_or("", |(rule, _)| rule.title.as_str())
    } else {
        ""
    };
    let title = base_title(key, plain, by_users);
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
    with_subjects(title, &subjects, &names)
}
