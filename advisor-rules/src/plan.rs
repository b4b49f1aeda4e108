//! Where findings go in the plan of action and in which order its steps come: the plan's
//! skeleton, without a word of its text.
//!
//! [`crate::assess`] builds the skeleton and then dresses each step in words (evidence,
//! advice, notes); [`crate::summarize`] builds the same skeleton and writes the title of its
//! first step only. Both read the plan from here, so the two cannot disagree on which step
//! comes first.

use scalability_advisor_core::bottleneck::{DIAGNOSIS_ORDER, Layer};
use scalability_advisor_core::patterns::{Addition, AdditionConfig, Checklist};
use scalability_advisor_core::{Component, ComponentSet, LadderStep, Remedy, Stage, Symptom};

use crate::assessment::{RankedLayer, StepKey};
use crate::pack::Severity;

/// What the plan reads of a finding: its place-deciding facts, and no text but its id and
/// action (which name steps).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub(crate) id: &'a str,
    pub(crate) severity: Severity,
    pub(crate) priority: u32,
    pub(crate) layer: Option<Layer>,
    pub(crate) symptom: Option<Symptom>,
    pub(crate) ladder: Option<Symptom>,
    pub(crate) remedy: Option<Remedy>,
    pub(crate) moves_to: Option<Stage>,
    pub(crate) made: bool,
    pub(crate) action: Option<&'a str>,
    pub(crate) recommends: ComponentSet,
    /// A database finding whose rule compares the replicas' lag and nothing else: it makes
    /// reads stale, not slow, so it says nothing of where slow pages spend their time.
    /// (Read only where a finding on slow page loads is placed, [`first_step_on`]. The
    /// report sets it only when there is one, since it finds each rule by its id; the fleet
    /// summary, which has the rule's index, sets it for every finding, which costs it less
    /// than a second pass.)
    pub(crate) lag_alone: bool,
}

/// A [`StepKey`] that borrows its names; its order is `StepKey`'s (same variants in the
/// same order, `&str` ordered as `String`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key<'a> {
    Remedy(Remedy),
    LadderExhausted(Symptom),
    Component(Component),
    Stage(Stage),
    Checklist(Checklist),
    Action(&'a str),
    Rule(&'a str),
    Diagnose,
}

impl Key<'_> {
    pub(crate) fn owned(self) -> StepKey {
        match self {
            Key::Remedy(r) => StepKey::Remedy(r),
            Key::LadderExhausted(s) => StepKey::LadderExhausted(s),
            Key::Component(c) => StepKey::Component(c),
            Key::Stage(s) => StepKey::Stage(s),
            Key::Checklist(c) => StepKey::Checklist(c),
            Key::Action(a) => StepKey::Action(a.to_owned()),
            Key::Rule(r) => StepKey::Rule(r.to_owned()),
            Key::Diagnose => StepKey::Diagnose,
        }
    }
}

/// The ladders the report works on (those whose ladder rule fired), at their current rung;
/// `None` when every rung is done. One slot per symptom: no allocation.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Active([Option<Option<Remedy>>; Symptom::ALL.len()]);

fn symptom_slot(s: Symptom) -> Option<usize> {
    Symptom::ALL.iter().position(|x| *x == s)
}

impl Active {
    pub(crate) fn get(&self, s: &Symptom) -> Option<&Option<Remedy>> {
        symptom_slot(*s)
            .and_then(|i| self.0.get(i))
            .and_then(Option::as_ref)
    }

    /// Sets a ladder's rung; a later call for the same ladder replaces it.
    pub(crate) fn insert(&mut self, s: Symptom, rung: Option<Remedy>) {
        if let Some(slot) = symptom_slot(s).and_then(|i| self.0.get_mut(i)) {
            *slot = Some(rung);
        }
    }
}

impl FromIterator<(Symptom, Option<Remedy>)> for Active {
    fn from_iter<I: IntoIterator<Item = (Symptom, Option<Remedy>)>>(iter: I) -> Active {
        let mut active = Active::default();
        for (s, rung) in iter {
            active.insert(s, rung);
        }
        active
    }
}

/// The plan step a finding belongs to, given the ladders the report works on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Placement<'a> {
    Step(Key<'a>),
    Held {
        remedy: Remedy,
        symptom: Symptom,
        until: Key<'a>,
    },
}

pub(crate) fn placement<'a>(
    f: &Facts<'a>,
    active: &Active,
    architecture: ComponentSet,
) -> Placement<'a> {
    // A remedy that is a rung of an active ladder must be that ladder's current rung.
    let as_remedy = |r: Remedy| -> Placement<'a> {
        let (symptom, _) = r.rung();
        match active.get(&symptom) {
            Some(Some(current)) if *current != r => Placement::Held {
                remedy: r,
                symptom,
                until: Key::Remedy(*current),
            },
            // Every rung is declared done, yet the evidence calls for one of them: it joins
            // the "ladder used up" step, where the declarations are questioned.
            Some(None) => Placement::Step(Key::LadderExhausted(symptom)),
            _ => Placement::Step(Key::Remedy(r)),
        }
    };
    // A move already made is a symptom like any other (below): its step is its symptom's,
    // or its own.
    if let Some(to) = f.moves_to
        && !f.made
    {
        return Placement::Step(Key::Stage(to));
    }
    if let Some(s) = f.ladder {
        return match f.remedy {
            Some(r) => Placement::Step(Key::Remedy(r)),
            None => Placement::Step(Key::LadderExhausted(s)),
        };
    }
    if let Some(r) = f.remedy {
        return as_remedy(r);
    }
    if let Some(s) = f.symptom
        && let Some(current) = active.get(&s)
    {
        return match current {
            Some(r) => Placement::Step(Key::Remedy(*r)),
            None => Placement::Step(Key::LadderExhausted(s)),
        };
    }
    if let Some(symptom) = f.layer.and_then(used_up_looks_at)
        && active.get(&symptom) == Some(&None)
    {
        return Placement::Step(Key::LadderExhausted(symptom));
    }
    if let Some(a) = f.action {
        return Placement::Step(Key::Action(a));
    }
    if let Some(c) = f.recommends.iter().find(|c| !architecture.contains(*c)) {
        return match Remedy::installing(c) {
            Some(r) => as_remedy(r),
            None => Placement::Step(Key::Component(c)),
        };
    }
    Placement::Step(Key::Rule(f.id))
}

/// The used-up ladder whose step looks at `layer`: once every rung for API timeouts is in
/// place, its step turns to the provider itself (its latency and rate limits, caching its
/// answers, fallbacks, a second provider), which is what any other finding on the external
/// APIs advises; such a finding joins that step as evidence instead of asking for the same
/// work in a step of its own. The other ladders' used-up steps point at a diagnosis (tracing,
/// profiling, the heaviest statements), not at the fixes their layer's findings advise, so
/// those findings keep their steps.
const fn used_up_looks_at(layer: Layer) -> Option<Symptom> {
    match layer {
        Layer::ExternalApi => Some(Symptom::ApiTimeouts),
        _ => None,
    }
}

/// Folds every move the user count has reached (`by_users`) into the furthest such move
/// still to make: the guide's stages build on each other, so catching up with stage 3
/// brings what stage 2 lacks, and a second "catch up" step for stage 2 would repeat part of
/// the same work (often with nothing of its own left to add). Moves ahead of the user count
/// keep their own steps: what is overdue and what to prepare for are different horizons.
/// A move already made is left as it is (its finding is a symptom, not a move).
///
/// Both the assessment and the fleet summary fold their facts with this, before placing
/// them, so that they place alike.
pub(crate) fn fold_overdue_moves(facts: &mut [Facts<'_>], by_users: Option<Stage>) {
    let Some(users) = by_users else {
        return;
    };
    let overdue = |f: &Facts<'_>| !f.made && f.moves_to.is_some_and(|to| to <= users);
    let Some(furthest) = facts
        .iter()
        .filter(|f| overdue(f))
        .filter_map(|f| f.moves_to)
        .max()
    else {
        return;
    };
    for f in facts.iter_mut().filter(|f| overdue(f)) {
        f.moves_to = Some(furthest);
    }
}

/// Whether every component the architecture of `to` lacks (beyond `in_place`) is one of
/// the guide's stage-2 additions ([`Addition`]) whose condition does not hold, measured or,
/// for a stage the user count is past, not measured, and none is in `recommends` (what the
/// moves to `to` ask for themselves): the move then has nothing to add now. (A stage the
/// system has outgrown asks for its conditional parts only once their condition is
/// measured to hold; until then they are for the stage section, which gives each
/// condition, and for "Not judged", which asks for what it lacks.) `false` when nothing is
/// missing (the stage is built) or when the architecture is not declared (what is missing
/// is not known).
pub(crate) fn nothing_to_add(
    to: Stage,
    recommends: ComponentSet,
    snapshot: &scalability_advisor_core::MetricsSnapshot,
    in_place: ComponentSet,
    additions: &AdditionConfig,
) -> bool {
    if snapshot.architecture.is_empty() {
        return false;
    }
    let mut missing = to.cumulative_architecture().difference(in_place);
    missing.remove(Component::SingleServer);
    // (The set tests first: a missing component with no condition of its own, or one the
    // moves ask for, settles it without evaluating any condition.)
    let past = snapshot.users.is_some_and(|u| Stage::for_users(u) > to);
    !missing.is_empty()
        && missing.difference(CONDITIONAL).is_empty()
        && missing.intersection(recommends).is_empty()
        && missing.iter().all(|c| {
            Addition::for_component(c).is_some_and(|a| {
                let outcome = a.evaluate(snapshot, additions);
                !outcome.is_fired() && (past || !outcome.is_not_evaluated())
            })
        })
}

/// The components the guide adds on a condition of their own: those of [`Addition::ALL`].
const CONDITIONAL: ComponentSet = ComponentSet::from_components(&[
    Component::Cdn,
    Component::LoadBalancer,
    Component::ReadReplicas,
    Component::Cache,
    Component::JobQueue,
]);

/// Lowers to info the findings that tune a cache in place (they advise the slow-page
/// ladder's first rung, [`Remedy::AddCaching`], with no ladder or move of their own: the
/// default pack's `db.cache_hit_low`) when it misses (its hit rate under
/// [`Grounds::cache_levels`]'s floor, 80%) while few queries repeat
/// ([`Grounds::few_repeats`]: at or under the 25% the guide's "same queries repeated
/// frequently" is read at). Most misses are then first reads, which no key, TTL or memory
/// turns into hits: the step asks for no work worth a warning of its own, and its note says
/// so. The slow pages, when the cache's step holds them, keep it as severe as they are;
/// the findings keep their severity.
///
/// Both the assessment and the fleet summary apply this to their facts, so that they place
/// alike.
pub(crate) fn quiet_cache_with_first_reads(
    facts: &mut [Facts<'_>],
    snapshot: &scalability_advisor_core::MetricsSnapshot,
    in_place: ComponentSet,
    grounds: &Grounds,
) {
    let misses = snapshot
        .cache_hit_rate
        .is_some_and(|h| h < grounds.cache_levels.0);
    if !(grounds.few_repeats && misses && in_place.contains(Component::Cache)) {
        return;
    }
    for f in facts.iter_mut().filter(|f| {
        f.remedy == Some(Remedy::AddCaching) && f.ladder.is_none() && f.moves_to.is_none()
    }) {
        f.severity = Severity::Info;
    }
}

/// Lowers to info the moves not made, ahead of the user count, that rest on far users'
/// latency alone (`is_far(i)` for `facts[i]`: its rule compares the far users' wait or
/// share and nothing that makes the move a requirement, [`far_users_move`]) while the far
/// users wait no longer than users overall ([`far_users_no_slower`]): the distance adds
/// nothing measured, so the move's step asks only to measure them again once the pages
/// are faster, and it comes after the steps that make them so. The findings keep their
/// severity.
///
/// Both the assessment and the fleet summary apply this to their facts, after
/// [`fold_overdue_moves`], so that they place alike.
///
/// [`far_users_move`]: crate::assessment::far_users_move
/// [`far_users_no_slower`]: crate::assessment::far_users_no_slower
pub(crate) fn quiet_far_users_moves(
    facts: &mut [Facts<'_>],
    snapshot: &scalability_advisor_core::MetricsSnapshot,
    is_far: impl Fn(usize) -> bool,
) {
    if crate::assessment::far_users_no_slower(snapshot).is_none() {
        return;
    }
    let by_users = snapshot.users.map(Stage::for_users);
    for (i, f) in facts.iter_mut().enumerate() {
        if !f.made && f.moves_to.is_some_and(|to| by_users.is_none_or(|u| u < to)) && is_far(i) {
            f.severity = Severity::Info;
        }
    }
}

/// Lowers to info the moves not made whose stage lacks only what nothing calls for
/// ([`nothing_to_add`]): the guide adds each of its stage-2 components on a condition of
/// its own (a load balancer when the servers' CPU passes 70%, a cache when queries repeat),
/// and with every condition measured and unmet the move's step asks for no work, so it
/// stays in the plan for information, after the steps that do. The findings keep their
/// severity (the trigger is still a warning, worked on by the steps on its symptom).
///
/// Both the assessment and the fleet summary apply this to their facts, after
/// [`fold_overdue_moves`], so that they place alike.
pub(crate) fn quiet_moves_with_nothing_to_add(
    facts: &mut [Facts<'_>],
    snapshot: &scalability_advisor_core::MetricsSnapshot,
    in_place: ComponentSet,
    additions: &AdditionConfig,
) {
    if snapshot.architecture.is_empty() {
        return;
    }
    // What the moves not made to each stage ask for, and whether there is one (one pass;
    // most plans have no move). (A stage whose moves are all at info already is lowered
    // to info again: no change.)
    let mut moves = [(ComponentSet::EMPTY, false); Stage::ALL.len()];
    for f in facts.iter().filter(|f| !f.made) {
        if let Some((recommends, any)) = f.moves_to.and_then(|to| moves.get_mut(stage_slot(to))) {
            *recommends = recommends.union(f.recommends);
            *any = true;
        }
    }
    if moves.iter().all(|(_, any)| !any) {
        return;
    }
    let quiet = Stage::ALL.map(|to| {
        moves.get(stage_slot(to)).is_some_and(|(recommends, any)| {
            *any && nothing_to_add(to, *recommends, snapshot, in_place, additions)
        })
    });
    for f in facts.iter_mut().filter(|f| !f.made) {
        if f.moves_to
            .is_some_and(|to| quiet.get(stage_slot(to)).copied().unwrap_or(false))
        {
            f.severity = Severity::Info;
        }
    }
}

/// A stage's index in [`Stage::ALL`].
const fn stage_slot(to: Stage) -> usize {
    to.number() as usize - 1
}

/// The ladders the plan works on: `active`, and each ladder no ladder rule works on that
/// findings still reach (a cache and a CDN both called for) at its lowest rung among them,
/// which goes first while the others wait. (On a ladder already active, every finding placed
/// on it is at its current rung, so the lowest is that rung again: applying this twice gives
/// what applying it once does.)
pub(crate) fn with_lowest_rungs(
    facts: &[Facts<'_>],
    active: &Active,
    architecture: ComponentSet,
) -> Active {
    let mut active = *active;
    let mut lowest = [None::<Remedy>; Symptom::ALL.len()];
    for f in facts {
        if let Placement::Step(Key::Remedy(r)) = placement(f, &active, architecture) {
            let (symptom, step) = r.rung();
            if let Some(entry) = symptom_slot(symptom).and_then(|i| lowest.get_mut(i)) {
                match entry {
                    Some(low) if step >= low.rung().1 => {}
                    _ => *entry = Some(r),
                }
            }
        }
    }
    for r in lowest.into_iter().flatten() {
        active.insert(r.rung().0, Some(r));
    }
    active
}

/// Whether `f` only shows a symptom (such as the P95 levels for slow pages): it advises
/// nothing of its own, so it is evidence for whichever step works on that symptom.
pub(crate) fn evidence_only(f: &Facts<'_>) -> bool {
    f.symptom.is_some()
        && f.ladder.is_none()
        && f.remedy.is_none()
        && f.action.is_none()
        && (f.moves_to.is_none() || f.made)
}

/// A rung of the slow-page ladder that waits for the step working on the likeliest
/// bottleneck, which takes over the slow pages as its evidence; or, with every rung in
/// place, the used-up ladder's step, whose findings go to that step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Deferral<'a> {
    /// The slow-page rung that waits; `None` when every rung is in place (the ladder is
    /// used up): its step, which would send the user looking for the layer that holds the
    /// time, goes to the step on the layer the evidence names (`hold` is then false).
    pub(crate) held: Option<Remedy>,
    /// The step it waits for.
    pub(crate) instead: Key<'a>,
    /// The layer that step works on (the likeliest bottleneck); `None` for the diagnosis
    /// step ([`unexplained_slow_pages`]) and for a later rung called for on its own grounds
    /// ([`called_for_first`]).
    pub(crate) layer: Option<Layer>,
    /// Whether the rung's advice waits. It does not when another finding calls for the
    /// rung on its own grounds ([`wanted_for_itself`]), or when the rung is caching with a
    /// cache in place (reopened because it misses: making it work hides nothing): then
    /// only the findings that show slow pages go to the step that works instead, and the
    /// rung stays in the plan for its own reasons.
    pub(crate) hold: bool,
    /// Whether `layer` shares the top score with other layers (all of them layers a CDN
    /// does not help with) and was taken as the first of them in the guide's order
    /// ([`layer_deferral`]) that has a step to wait for.
    pub(crate) tied: bool,
    /// Tied, the layer that comes before `layer` in the guide's order but has no step the
    /// slow pages could wait for; `None` when `layer` is the first.
    pub(crate) passed_over: Option<Layer>,
    /// When `layer` is the application because one of its resources is saturated
    /// ([`saturated_step`]) rather than because requests wait for background work: the
    /// ladder of that resource ([`Symptom::HighServerCpu`] or [`Symptom::HighMemory`]).
    pub(crate) saturated: Option<Symptom>,
    /// When `layer` is the application because one of its servers runs past the CPU or the
    /// memory warning level while the servers as a whole have room ([`hot_server_step`]):
    /// the symptom of that resource ([`Symptom::HighServerCpu`] or
    /// [`Symptom::HighMemory`]).
    pub(crate) hot_server: Option<Symptom>,
    /// For the cache rung waiting for the diagnosis step ([`unexplained_slow_pages`]):
    /// whether few queries repeat ([`Grounds::few_repeats`]), which is then the reason given.
    pub(crate) few_repeats: bool,
    /// When the step waited for is the database's lock step ([`lock_step`]): its queries
    /// lose their time waiting on locks, which is then the reason given.
    pub(crate) locks: bool,
    /// For the CDN rung waiting for the diagnosis step ([`unexplained_slow_pages`]): whether
    /// far users are measured waiting no longer than users overall
    /// ([`Grounds::far_no_slower`]), which the reason then says.
    pub(crate) far_no_slower: bool,
}

impl<'a> Deferral<'a> {
    /// A deferral of `held` until `instead`, for the likeliest bottleneck `layer`, not tied
    /// (see [`layer_deferral`] for ties).
    const fn new(held: Remedy, instead: Key<'a>, layer: Option<Layer>, hold: bool) -> Self {
        Deferral {
            held: Some(held),
            instead,
            layer,
            hold,
            tied: false,
            passed_over: None,
            saturated: None,
            hot_server: None,
            few_repeats: false,
            locks: false,
            far_no_slower: false,
        }
    }

    /// Why the slow pages go to the step that works instead, as the plan's notes begin:
    /// "pages are slow and the database is the likeliest bottleneck".
    pub(crate) fn why(&self) -> String {
        let named = |layer: Layer| match self.saturated {
            _ if self.hot_server == Some(Symptom::HighMemory) => HOT_SERVER_MEMORY,
            _ if self.hot_server.is_some() => HOT_SERVER,
            Some(Symptom::HighMemory) => SATURATED_MEMORY,
            Some(_) => SATURATED_APPLICATION,
            None => likeliest(layer),
        };
        match (self.layer, self.tied) {
            (Some(Layer::Database), false) if self.locks => "pages are slow and the database is the likeliest bottleneck, its queries losing their time waiting on locks; a cache takes only reads off the database, and reads do not wait for row locks (PostgreSQL's multiversion concurrency control)".to_owned(),
            (Some(layer), false) => {
                format!("pages are slow and {} the likeliest bottleneck", named(layer))
            }
            (Some(layer), true) => match self.passed_over {
                None => format!(
                    "pages are slow and {} one of the likeliest bottlenecks (tied, and first in the guide's order of diagnosis)",
                    named(layer)
                ),
                Some(first) => format!(
                    "pages are slow and {} one of the likeliest bottlenecks (tied with {}, which the guide's order of diagnosis puts first but which has no step the slow pages could wait for)",
                    named(layer),
                    layer_noun(first)
                ),
            },
            (None, _) if matches!(self.instead, Key::Remedy(_)) => "pages are slow, and this rung is called for on its own measure while nothing measured calls for the one below it".to_owned(),
            (None, _) if self.held == Some(Remedy::EdgeCompute) => "pages are slow, nothing measured points at a layer, and the cache and the CDN are in place: logic at the edge would help only users far from the servers".to_owned(),
            (None, _) if self.held == Some(Remedy::Cdn) && self.far_no_slower => "pages are slow, nothing measured points at a layer, and nothing says a CDN would help: the static assets' share of the bandwidth (static_asset_bandwidth_share) is not measured, and far users wait no longer than users overall: the distance a CDN's edge shortens is not what slows them".to_owned(),
            (None, _) if self.held == Some(Remedy::Cdn) => "pages are slow, nothing measured points at a layer, and nothing says a CDN would help: neither the static assets' share of the bandwidth (static_asset_bandwidth_share) nor far users' wait (remote_user_p95) is measured".to_owned(),
            (None, _) if self.few_repeats => "pages are slow, nothing measured points at a layer, and few queries repeat, so a cache of query results would answer few lookups".to_owned(),
            (None, _) => "pages are slow, nothing measured points at a layer or calls for a cache, and at stage 1 the guide adds no cache before it is needed".to_owned(),
        }
    }
}

/// What the deferrals read of the system besides its findings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Grounds {
    /// The stage by users.
    pub(crate) by_users: Option<Stage>,
    /// Whether the share of repeated queries is measured at or under the level by which a
    /// cache is called for ([`AdditionConfig::repeated_query_share`], 25% by default): a
    /// measured sign that a cache would take little load off the database.
    ///
    /// [`AdditionConfig::repeated_query_share`]:
    ///     scalability_advisor_core::patterns::AdditionConfig::repeated_query_share
    pub(crate) few_repeats: bool,
    /// Whether nothing measured says what a CDN would answer (the guide adds one for static
    /// assets past 20% of the bandwidth; its edge also shortens far users' way): the static
    /// assets' share of the bandwidth is not measured, and far users' P95 is not measured
    /// either or shows them waiting no longer than users overall ([`Grounds::far_no_slower`]:
    /// the distance is not what slows them).
    pub(crate) cdn_unmeasured: bool,
    /// Whether far users are measured waiting no longer than users overall
    /// (`far_users_no_slower`).
    pub(crate) far_no_slower: bool,
    /// Whether far users are measured waiting longer than users overall: the distance adds
    /// measured time to their pages ([`layer_deferral`]).
    pub(crate) far_slower: bool,
    /// Whether the servers' CPU is measured past its warning level (the guide's 85% by
    /// default, [`KeyThresholds::server_cpu`]): saturated, so that every request queues for
    /// it, and the slow pages are its doing before anything a CDN or the edge changes.
    ///
    /// [`KeyThresholds::server_cpu`]: scalability_advisor_core::KeyThresholds::server_cpu
    pub(crate) cpu_saturated: bool,
    /// The servers' CPU target (the guide's 70% by default,
    /// [`KeyThresholds::server_cpu`]), for sizing the capacity a CPU step brings.
    ///
    /// [`KeyThresholds::server_cpu`]: scalability_advisor_core::KeyThresholds::server_cpu
    pub(crate) cpu_target: scalability_advisor_core::units::Ratio,
    /// The share of the primary's sustainable writes at which the guide's write trigger
    /// fires (80% by default, [`TriggerConfig::primary_write_level`]).
    ///
    /// [`TriggerConfig::primary_write_level`]:
    ///     scalability_advisor_core::TriggerConfig::primary_write_level
    pub(crate) primary_write_level: scalability_advisor_core::units::Ratio,
    /// Whether the primary's writes are measured at or past `primary_write_level` of what it
    /// sustains: the guide's "write traffic overwhelming single primary", which makes
    /// writes, and the pages that wait for them, slow (see [`first_step_on`]).
    pub(crate) writes_saturated: bool,
    /// The slowest query and the slow-query level ([`TriggerConfig::slow_query_level`], the
    /// guide's 100 ms), when the query is measured past the level while the writes are not
    /// measured past `primary_write_level` ([`long_query`]): queries that, run on a
    /// replica, hold its replay back (a PostgreSQL hot standby delays the WAL that
    /// conflicts with a running query, up to `max_standby_streaming_delay`, 30 s by
    /// default), while the writes do not explain the lag instead. A step on the lag alone
    /// then waits for the index step of its severity ([`Skeleton::build`]), which also
    /// carries the slow pages when they are the database's, and a move on the lag alone
    /// looks at the replicas first (`replicas_first`).
    ///
    /// [`TriggerConfig::slow_query_level`]: scalability_advisor_core::TriggerConfig::slow_query_level
    pub(crate) long_query: Option<(core::time::Duration, core::time::Duration)>,
    /// For memory climbing as a leak does: how fast (a fraction of the memory an hour, by
    /// Sen's slope) and in how many hours it reaches 100% at that rate. Set by
    /// [`crate::assess`], which has the series.
    pub(crate) memory_fill: Option<MemoryFill>,
    /// Whether a cache in place that misses comes before the database ladder's step,
    /// whichever rung it is at (indexes, read replicas, sharding, or the look past a used-up
    /// ladder): its hit rate under [`LadderConfig::cache_hit_floor`] (80%), the share of
    /// repeated queries measured above [`AdditionConfig::repeated_query_share`] (25%: a
    /// working cache would take reads off the database), and nothing measured saying an
    /// index is missing (no table past [`LadderConfig::missing_index_seq_scans`] sequential
    /// scans or read only by them, no query past the slow-query level). The guide's caching
    /// strategy answers repeated reads from the cache before the database, and tuning a
    /// cache in place (keys, TTLs, memory) is days of work against the weeks or months of
    /// replicas or shards.
    ///
    /// [`LadderConfig::cache_hit_floor`]: scalability_advisor_core::LadderConfig::cache_hit_floor
    /// [`LadderConfig::missing_index_seq_scans`]:
    ///     scalability_advisor_core::LadderConfig::missing_index_seq_scans
    /// [`AdditionConfig::repeated_query_share`]:
    ///     scalability_advisor_core::patterns::AdditionConfig::repeated_query_share
    pub(crate) cache_before_database: bool,
    /// When every query is measured under the slow-query level
    /// ([`TriggerConfig::slow_query_level`], 100 ms) and nothing else measured says an index
    /// is missing (no table past [`LadderConfig::missing_index_seq_scans`] sequential scans
    /// or read only by them): the slowest query's time and that level. The index step then
    /// has no slow query to serve.
    ///
    /// [`TriggerConfig::slow_query_level`]: scalability_advisor_core::TriggerConfig::slow_query_level
    /// [`LadderConfig::missing_index_seq_scans`]:
    ///     scalability_advisor_core::LadderConfig::missing_index_seq_scans
    pub(crate) no_slow_query: Option<(core::time::Duration, core::time::Duration)>,
    /// When requests issue more database queries than the warning level
    /// ([`KeyThresholds::db_queries_per_request`], the guide's 20 by default): the queries
    /// per request and that level. With no query slow ([`Grounds::no_slow_query`]), the
    /// database's load is then the number of queries (N+1 patterns) before any index.
    ///
    /// [`KeyThresholds::db_queries_per_request`]:
    ///     scalability_advisor_core::KeyThresholds::db_queries_per_request
    pub(crate) many_queries: Option<(
        scalability_advisor_core::units::QueriesPerRequest,
        scalability_advisor_core::units::QueriesPerRequest,
    )>,
    /// How soon a leak must fill memory for its step to be critical
    /// ([`LadderConfig::leak_critical_within`], 24 h).
    ///
    /// [`LadderConfig::leak_critical_within`]:
    ///     scalability_advisor_core::LadderConfig::leak_critical_within
    pub(crate) leak_critical_within: core::time::Duration,
    /// The application cache's hit rate below which it misses too often
    /// ([`LadderConfig::cache_hit_floor`], 80%) and the free share of its memory under which
    /// it is full ([`LadderConfig::cache_full_headroom`], 10%), for the note on what a cache
    /// that misses needs first.
    ///
    /// [`LadderConfig::cache_hit_floor`]: scalability_advisor_core::LadderConfig::cache_hit_floor
    /// [`LadderConfig::cache_full_headroom`]:
    ///     scalability_advisor_core::LadderConfig::cache_full_headroom
    pub(crate) cache_levels: (
        scalability_advisor_core::units::Ratio,
        scalability_advisor_core::units::Ratio,
    ),
    /// The guide's conditions for its stage-2 additions ([`AdditionConfig`]), which a stage
    /// step quotes for the components nothing measured calls for yet.
    ///
    /// [`AdditionConfig`]: scalability_advisor_core::patterns::AdditionConfig
    pub(crate) additions: scalability_advisor_core::patterns::AdditionConfig,
    /// When the share of users far from the servers is measured under the share the pack
    /// reads as a global user base ([`TriggerConfig::global_remote_share`], 25%): that share
    /// and the level. A move for far users' latency then serves them from a CDN's edge
    /// first (`far_users_first`): a region near them would serve few.
    ///
    /// [`TriggerConfig::global_remote_share`]:
    ///     scalability_advisor_core::TriggerConfig::global_remote_share
    pub(crate) few_far_users: Option<(
        scalability_advisor_core::units::Ratio,
        scalability_advisor_core::units::Ratio,
    )>,
}

/// Memory climbing toward its limit (see [`Grounds::memory_fill`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MemoryFill {
    /// Sen's slope of the memory series, as a fraction of the memory per hour (> 0).
    pub(crate) per_hour: f64,
    /// Hours until 100% at that rate, from the snapshot's memory use (or the series' latest
    /// sample).
    pub(crate) hours_left: f64,
}

impl Grounds {
    /// The grounds of `snapshot` under `config`.
    pub(crate) fn of(
        snapshot: &scalability_advisor_core::MetricsSnapshot,
        config: &scalability_advisor_core::AdvisorConfig,
    ) -> Grounds {
        let far_no_slower = crate::assessment::far_users_no_slower(snapshot).is_some();
        Grounds {
            by_users: snapshot.users.map(Stage::for_users),
            few_repeats: snapshot
                .repeated_query_share
                .is_some_and(|r| r <= config.additions.repeated_query_share),
            cdn_unmeasured: snapshot.static_asset_bandwidth_share.is_none()
                && (snapshot.remote_user_p95.is_none() || far_no_slower),
            far_no_slower,
            far_slower: snapshot
                .remote_user_p95
                .zip(snapshot.p95_response_time)
                .is_some_and(|(far, all)| far > all),
            cpu_target: config.thresholds.server_cpu.target(),
            primary_write_level: config.triggers.primary_write_level,
            writes_saturated: crate::assessment::writes_past(
                snapshot,
                config.triggers.primary_write_level,
            ),
            long_query: long_query(snapshot, config),
            cpu_saturated: snapshot.server_cpu.is_some_and(|c| {
                config.thresholds.server_cpu.classify(c)
                    == scalability_advisor_core::Health::Unhealthy
            }),
            memory_fill: None,
            cache_levels: (
                config.ladders.cache_hit_floor,
                config.ladders.cache_full_headroom,
            ),
            cache_before_database: cache_before_database(snapshot, config),
            no_slow_query: no_slow_query(snapshot, config),
            many_queries: snapshot.db_queries_per_request.and_then(|q| {
                let level = config.thresholds.db_queries_per_request;
                (level.classify(q) == scalability_advisor_core::Health::Unhealthy)
                    .then(|| (q, level.warning()))
            }),
            leak_critical_within: config.ladders.leak_critical_within,
            additions: config.additions,
            few_far_users: snapshot
                .remote_user_share
                .filter(|s| *s < config.triggers.global_remote_share)
                .map(|s| (s, config.triggers.global_remote_share)),
        }
    }
}

impl MemoryFill {
    /// Whether memory fills within `within` at this rate: the leak cannot wait for a ticket.
    pub(crate) fn within(self, within: core::time::Duration) -> bool {
        self.hours_left * 3_600.0 <= within.as_secs_f64()
    }
}

/// Makes the findings that fix a leak ([`Remedy::FixMemoryLeaks`]) critical when memory
/// fills within `within` at the measured rate (`fill`): their step then ranks with the
/// other critical work, and the worst severity says so. Returns whether it did.
pub(crate) fn escalate_leak(
    facts: &mut [Facts<'_>],
    fill: Option<MemoryFill>,
    within: core::time::Duration,
) -> bool {
    if !fill.is_some_and(|f| f.within(within)) {
        return false;
    }
    let mut escalated = false;
    for f in facts
        .iter_mut()
        .filter(|f| f.remedy == Some(Remedy::FixMemoryLeaks))
    {
        f.severity = Severity::Critical;
        escalated = true;
    }
    escalated
}

/// See [`Grounds::long_query`].
pub(crate) fn long_query(
    snapshot: &scalability_advisor_core::MetricsSnapshot,
    config: &scalability_advisor_core::AdvisorConfig,
) -> Option<(core::time::Duration, core::time::Duration)> {
    let level = config.triggers.slow_query_level;
    let slowest = snapshot.slowest_query_time.filter(|t| *t > level)?;
    (!crate::assessment::writes_past(snapshot, config.triggers.primary_write_level))
        .then_some((slowest, level))
}

/// See [`Grounds::no_slow_query`].
fn no_slow_query(
    snapshot: &scalability_advisor_core::MetricsSnapshot,
    config: &scalability_advisor_core::AdvisorConfig,
) -> Option<(core::time::Duration, core::time::Duration)> {
    let level = config.triggers.slow_query_level;
    let slowest = snapshot.slowest_query_time.filter(|t| *t <= level)?;
    let ladders = &config.ladders;
    (snapshot
        .db_max_seq_scans
        .is_none_or(|n| n <= ladders.missing_index_seq_scans)
        && ladders.first_unindexed(snapshot).is_none())
    .then_some((slowest, level))
}

/// See [`Grounds::cache_before_database`].
fn cache_before_database(
    snapshot: &scalability_advisor_core::MetricsSnapshot,
    config: &scalability_advisor_core::AdvisorConfig,
) -> bool {
    let ladders = &config.ladders;
    let unindexed = ladders.first_unindexed(snapshot).is_some();
    // (A measured hit rate shows a cache in place, declared or not.)
    snapshot
        .cache_hit_rate
        .is_some_and(|h| h < ladders.cache_hit_floor)
        && snapshot
            .repeated_query_share
            .is_some_and(|r| r > config.additions.repeated_query_share)
        && snapshot
            .db_max_seq_scans
            .is_none_or(|n| n <= ladders.missing_index_seq_scans)
        && snapshot
            .slowest_query_time
            .is_none_or(|t| t <= config.triggers.slow_query_level)
        && !unindexed
}

/// The rung of the plan (`planned`) that installs checklist item `gap`'s component, if
/// any (circuit breakers, on the ladder for API timeouts): the gap is then that rung's
/// work, noted on its step rather than listed again. A rung that `deferred` holds back
/// keeps its gap: the gap is to close now, the rung waits.
pub(crate) fn rung_installing(
    gap: scalability_advisor_core::patterns::ChecklistItem,
    planned: &Active,
    deferred: Option<&Deferral<'_>>,
) -> Option<Remedy> {
    let held = deferred.filter(|d| d.hold).and_then(|d| d.held);
    let c = gap.component()?;
    Symptom::ALL
        .iter()
        .filter_map(|s| planned.get(s).copied().flatten())
        .filter(|r| Some(*r) != held)
        .find(|r| r.component() == Some(c))
}

/// The stage of a planned move (a step of the plan, not a move already made) whose own
/// additions ([`Stage::architecture`]) have checklist item `gap`'s component: the gap is
/// then part of that move (a multi-region deployment, on the way to stage 4), noted on its
/// step rather than listed again. Components of earlier stages are not counted: a move to
/// stage 4 does not take over the scaling checklist's read replicas, which that checklist's
/// own step keeps.
pub(crate) fn move_installing(
    gap: scalability_advisor_core::patterns::ChecklistItem,
    facts: &[Facts<'_>],
    planned: &Active,
    architecture: ComponentSet,
) -> Option<Stage> {
    let c = gap.component()?;
    facts.iter().filter(|f| f.moves_to.is_some()).find_map(|f| {
        match placement(f, planned, architecture) {
            Placement::Step(Key::Stage(s)) if s.architecture().contains(c) => Some(s),
            _ => None,
        }
    })
}

/// The step of a finding that works on what makes checklist item `gap` a gap, when a
/// measured value does ([`ChecklistItem::gap_metric`]: requests still waiting for background
/// work while a queue is in place), or on the pressure its component takes off
/// ([`ChecklistItem::pressure_metrics`]: a pool under pressure, for the missing pooler): the
/// first finding of `facts` placed on a step whose rule compares one of those metrics
/// (`compares(i, metric)`, for the `i`th of `facts`); for a pressure metric, only a rule
/// that also recommends the item's component (a pool step past the warning level adds a
/// pooler; one past the target only checks for leaks and sizes the pool). The gap is then that step's work
/// (moving the rest of the work onto the queue; putting a pooler in front), noted on it
/// rather than listed again.
///
/// [`ChecklistItem::gap_metric`]: scalability_advisor_core::patterns::ChecklistItem::gap_metric
/// [`ChecklistItem::pressure_metrics`]: scalability_advisor_core::patterns::ChecklistItem::pressure_metrics
pub(crate) fn step_measuring<'a>(
    gap: scalability_advisor_core::patterns::ChecklistItem,
    snapshot: &scalability_advisor_core::MetricsSnapshot,
    facts: &[Facts<'a>],
    compares: impl Fn(usize, scalability_advisor_core::Metric) -> bool,
    planned: &Active,
    architecture: ComponentSet,
) -> Option<Key<'a>> {
    let made = gap.gap_metric(snapshot);
    let pressure = gap.pressure_metrics();
    if made.is_none() && pressure.is_empty() {
        return None;
    }
    // A step that relieves the pressure closes the gap only if it brings the component (a
    // pool step that only looks for leaks adds no pooler).
    let component = gap.component();
    facts
        .iter()
        .enumerate()
        .find_map(|(i, f)| match placement(f, planned, architecture) {
            Placement::Step(k)
                if made.is_some_and(|metric| compares(i, metric))
                    || (component.is_some_and(|c| f.recommends.contains(c))
                        && pressure.iter().any(|metric| compares(i, *metric))) =>
            {
                Some(k)
            }
            _ => None,
        })
}

/// The layers a slow-page rung can wait for: those where pages spend time that neither a
/// cache nor a CDN nor logic at the edge takes away. The application is among them for
/// requests that wait for background work ([`waiting_on_background_work`]), and for a CPU
/// or its memory past its warning level ([`saturated_step`]); otherwise its CPU and memory
/// ladders do not explain slow pages that a CDN (which takes static traffic off the
/// servers) would not also help with.
const DEFERRING_LAYERS: [Layer; 5] = [
    Layer::Database,
    Layer::ExternalApi,
    Layer::Storage,
    Layer::Network,
    Layer::Application,
];

/// The ladder that works on `layer`, for the layers that have one: the database's and the
/// external APIs'. Storage and the network have none in the guide.
const fn ladder_for_slow_pages(layer: Layer) -> Option<Symptom> {
    match layer {
        Layer::Database => Some(Symptom::DatabaseSlow),
        Layer::ExternalApi => Some(Symptom::ApiTimeouts),
        _ => None,
    }
}

/// Whether a finding that is not about slow pages calls for `remedy` (the guide's own
/// trigger for it: the same queries repeated call for a cache, static traffic for a CDN):
/// then it is advised for that reason, and does not wait. A stage move not yet made does not
/// count: it opens its own step, where what it recommends is the move's work, so no rung's
/// step would be there for the ladder to wait for.
pub(crate) fn wanted_for_itself(facts: &[Facts<'_>], remedy: Remedy) -> bool {
    facts.iter().any(|f| {
        f.symptom != Some(Symptom::SlowPageLoads)
            && f.ladder != Some(Symptom::SlowPageLoads)
            // (A stage move not yet made opens its own step, not the rung's: what it
            // recommends is the move's work.)
            && (f.moves_to.is_none() || f.made)
            && (f.remedy == Some(remedy)
                || remedy.component().is_some_and(|c| f.recommends.contains(c)))
    })
}

/// The deferral [`deferred_delivery`] makes when `layer` ranks first alone, or `None` when
/// there is none. `active` is the plan's ([`with_lowest_rungs`]), so that every step named
/// here is one the plan opens. The slow-page ladder must be active; when another finding
/// calls for its rung on its own grounds ([`wanted_for_itself`]), the rung does not wait
/// ([`Deferral::hold`] is false) but the slow pages still count as the evidence of the step
/// named here. That step is, in this order:
///
/// - the current rung of `layer`'s ladder, when that ladder is active (database slow, API
///   timeouts);
/// - the ladder's "used up" step, when every rung of it is done: the look beyond the
///   guide's ladder comes before a faster delivery of pages;
/// - otherwise the step of the first finding on `layer` (findings in the engine's order,
///   most severe first) that advises something of its own (storage and the network have
///   no ladder in the guide, and a database or an API can be in trouble without their
///   ladder's symptom).
///
/// The first rung, caching, takes reads off the database: when the database's ladder is
/// active, it waits only for that ladder's first rung, indexes, when that is the current
/// rung (a cache in front of unindexed queries hides them; read replicas and sharding are
/// dearer ways to take reads off the database than a cache). When the API-timeouts ladder
/// is active with external APIs the likeliest bottleneck, it waits for that ladder's rung
/// at every stage: the rung puts a cache in front of the database, while the pages wait
/// for a provider, whose own answers the guide caches in that ladder's later look
/// (circuit breakers, caching, fallbacks). Without an active
/// ladder it waits at stage 1 by users ([`Grounds::by_users`]), where the guide adds no
/// cache before it is needed: a pool that runs dry or a slow disk is fixed first. At later
/// stages it waits for a step on the database when few queries repeat
/// ([`Grounds::few_repeats`]): with the database's CPU and queries within the guide's
/// levels, what holds pages up there (a pool that runs dry, locks) is not load a cache
/// takes away, and few repeats say a cache would not take much. Otherwise, from stage 2
/// on, the first try stands (the guide lists caching among the remedies of the database,
/// storage, the network and external APIs). The later rungs (a CDN, logic at the edge)
/// wait for any of the steps above.
///
/// On the application, every rung waits, at any stage, for the step that moves background
/// work off the request path ([`waiting_on_background_work`]); failing that, the later
/// rungs (and at stage 1 the first too) wait for the CPU ladder's step when the CPU is past
/// its warning level, or the memory ladder's when memory is ([`saturated_step`]).
///
/// Only pages measured slow (the slow-page ladder's own finding fired) are deferred: a
/// rung reopened on other grounds (a cache in place that misses, on pages under their
/// target) has no slow pages to hand over, and no step says it has.
pub(crate) fn deferral_candidate<'a>(
    facts: &[Facts<'a>],
    active: &Active,
    architecture: ComponentSet,
    layer: Layer,
    grounds: Grounds,
) -> Option<Deferral<'a>> {
    if !facts
        .iter()
        .any(|f| f.ladder == Some(Symptom::SlowPageLoads))
    {
        return None;
    }
    let page = match active.get(&Symptom::SlowPageLoads) {
        Some(Some(page)) => *page,
        Some(None) => return used_up_deferral(facts, active, architecture, layer, grounds),
        None => return None,
    };
    if !DEFERRING_LAYERS.contains(&layer) {
        return None;
    }
    let first_rung = page.rung().1 == LadderStep::First;
    // Caching with a cache in place: the rung was reopened because the cache misses, and
    // making it work hides nothing new and takes reads off the database at once, so it
    // does not wait (the slow pages still go to the step on the bottleneck). Worked out
    // only for a deferral that is made: it scans every finding.
    let in_place = page.in_place(architecture).is_some();
    let hold = || !(first_rung && in_place || wanted_for_itself(facts, page));
    if layer == Layer::Application {
        if let Some(instead) = waiting_on_background_work(facts, active, architecture)
            .filter(|k| *k != Key::Remedy(page))
        {
            return Some(Deferral::new(page, instead, Some(layer), hold()));
        }
        // (The first rung takes work off the servers too, and waits only at stage 1, where
        // the guide adds no cache before it is needed.)
        let stage_one = grounds.by_users == Some(Stage::Startup);
        if !first_rung || stage_one {
            if let Some((resource, instead)) = saturated_step(active, grounds) {
                return Some(Deferral {
                    saturated: Some(resource),
                    ..Deferral::new(page, instead, Some(layer), hold())
                });
            }
            return hot_server_step(facts, active, architecture).map(|(resource, instead)| {
                Deferral {
                    hot_server: Some(resource),
                    ..Deferral::new(page, instead, Some(layer), hold())
                }
            });
        }
        return None;
    }
    // A cache in place that misses what repeats is itself the database's first work
    // (`Grounds::cache_before_database`): the slow pages stay with it.
    if layer == Layer::Database && page == Remedy::AddCaching && grounds.cache_before_database {
        return None;
    }
    let ladder = ladder_for_slow_pages(layer).map(|s| (s, active.get(&s)));
    let instead = match ladder {
        Some((_, Some(Some(other)))) => {
            // (A provider's step comes first at every rung: the first rung's cache goes in
            // front of the database, which is not where these pages wait, and the guide's
            // caching for external APIs (of the provider's answers) is that ladder's own
            // later look. Past the database's first rung a cache is the cheaper way to take
            // its reads, and stands.)
            let waits =
                !first_rung || layer != Layer::Database || other.rung().1 == LadderStep::First;
            return waits.then(|| Deferral::new(page, Key::Remedy(*other), Some(layer), hold()));
        }
        Some((symptom, Some(None))) => Key::LadderExhausted(symptom),
        // (A finding on the layer that advises the held rung itself is no step to wait for.)
        _ => {
            // Queries that wait on locks wait for writers, which no cache of reads takes
            // away: the slow pages wait for the lock step at every stage and every rung.
            if layer == Layer::Database
                && let Some(locks) = lock_step(facts, active, architecture)
            {
                return Some(Deferral {
                    locks: true,
                    ..Deferral::new(page, locks, Some(layer), hold())
                });
            }
            let step = first_step_on(facts, active, architecture, layer, grounds)
                .filter(|k| *k != Key::Remedy(page))?;
            // A database that ranks first while its ladder is not active (its CPU and
            // queries are within the guide's levels) holds pages up with something other
            // than load a cache takes away (a pool that runs dry, locks); when few queries
            // repeat, a cache would not even take much load off it. The cache waits for
            // that step at every stage.
            if layer == Layer::Database && grounds.few_repeats {
                return Some(Deferral::new(page, step, Some(layer), hold()));
            }
            step
        }
    };
    (!first_rung || grounds.by_users == Some(Stage::Startup))
        .then(|| Deferral::new(page, instead, Some(layer), hold()))
}

/// With every rung of the slow-page ladder in place, its used-up step says to trace slow
/// requests end to end to find the layer that holds the time. When the evidence names that
/// layer already (`layer`, one of [`DEFERRING_LAYERS`], ranking first as for
/// [`layer_deferral`]) and a step works on it (its ladder's current rung or used-up step,
/// or the first finding on it that advises something; on the application, the step that
/// moves background work off the request path or the step on a saturated CPU or memory),
/// the used-up step's findings go to that step: the search is over.
fn used_up_deferral<'a>(
    facts: &[Facts<'a>],
    active: &Active,
    architecture: ComponentSet,
    layer: Layer,
    grounds: Grounds,
) -> Option<Deferral<'a>> {
    let used_up = |instead: Key<'a>| Deferral {
        held: None,
        ..Deferral::new(Remedy::EdgeCompute, instead, Some(layer), false)
    };
    if !DEFERRING_LAYERS.contains(&layer) {
        return None;
    }
    if layer == Layer::Application {
        if let Some(instead) = waiting_on_background_work(facts, active, architecture) {
            return Some(used_up(instead));
        }
        if let Some((resource, instead)) = saturated_step(active, grounds) {
            return Some(Deferral {
                saturated: Some(resource),
                ..used_up(instead)
            });
        }
        return hot_server_step(facts, active, architecture).map(|(resource, instead)| Deferral {
            hot_server: Some(resource),
            ..used_up(instead)
        });
    }
    let instead = match ladder_for_slow_pages(layer).map(|s| (s, active.get(&s))) {
        Some((_, Some(Some(rung)))) => Key::Remedy(*rung),
        Some((symptom, Some(None))) => Key::LadderExhausted(symptom),
        // (A finding on a layer is never on the used-up slow-page step: a finding that
        // reopens a slow-page rung, such as a cache that misses, leaves the ladder unused.)
        _ => first_step_on(facts, active, architecture, layer, grounds)?,
    };
    Some(used_up(instead))
}

/// Slow pages that nothing explains yet: no finding names a layer (so no bottleneck
/// ranks), and no finding calls for the slow-page ladder's current rung on its own grounds.
/// Then that rung waits for a diagnosis step ([`Key::Diagnose`]): where the time goes,
/// traced first, as the guide's diagnosis order begins. It does so
///
/// - at the ladder's first rung (caching, no cache in place) while the user count is in
///   stage 1, where the guide adds no cache before it is needed, or at any stage when few
///   queries repeat ([`Grounds::few_repeats`]: the guide's condition for a Redis cache,
///   "same queries repeated frequently", measured not to hold, so a cache of query results
///   would answer few lookups); otherwise, at later stages a cache is part of the
///   architecture, and the decision matrix's first try stands;
/// - at its second rung, a CDN, when nothing measured says what a CDN would answer: the
///   static assets' share of the bandwidth is not measured, nor far users' wait, or far
///   users wait no longer than users overall ([`Grounds::cdn_unmeasured`]; the plan asks for
///   what is not measured before a CDN is built);
/// - at its last rung, logic at the edge (cache and CDN in place), at any stage: the edge
///   takes away the distance between far users and the servers, and no finding says the
///   time goes there (users far away measured slow name the network).
pub(crate) fn unexplained_slow_pages<'a>(
    facts: &[Facts<'a>],
    active: &Active,
    grounds: Grounds,
) -> Option<Deferral<'a>> {
    let Some(Some(page)) = active.get(&Symptom::SlowPageLoads) else {
        return None;
    };
    let waits = match *page {
        Remedy::AddCaching => grounds.by_users == Some(Stage::Startup) || grounds.few_repeats,
        Remedy::Cdn => grounds.cdn_unmeasured,
        Remedy::EdgeCompute => true,
        _ => false,
    };
    let unexplained =
        waits && facts.iter().all(|f| f.layer.is_none()) && !wanted_for_itself(facts, *page);
    unexplained.then_some(Deferral {
        few_repeats: *page == Remedy::AddCaching && grounds.few_repeats,
        far_no_slower: *page == Remedy::Cdn && grounds.far_no_slower,
        ..Deferral::new(*page, Key::Diagnose, None, true)
    })
}

/// The step that moves background work off the request path, when a finding on the
/// application says requests wait for it (it recommends a job queue that is not in place:
/// the guide's key addition for "background tasks blocking requests"). A request that waits
/// for such work is slow for that reason at any stage: a cache, a CDN or logic at the edge
/// does not take the wait away, and the guide's move from synchronous to asynchronous work
/// is what answers fast (Event-Driven Architecture: "API -> Service A -> Queue -> Response
/// (fast)"). So every rung of the slow-page ladder waits for this step.
fn waiting_on_background_work<'a>(
    facts: &[Facts<'a>],
    active: &Active,
    architecture: ComponentSet,
) -> Option<Key<'a>> {
    if architecture.contains(Component::JobQueue) {
        return None;
    }
    facts
        .iter()
        .filter(|f| {
            f.layer == Some(Layer::Application) && f.recommends.contains(Component::JobQueue)
        })
        .find_map(|f| match placement(f, active, architecture) {
            Placement::Step(Key::Stage(_)) | Placement::Held { .. } => None,
            Placement::Step(key) => Some(key),
        })
}

/// How [`Deferral::why`] names the application when its CPU is saturated.
const SATURATED_APPLICATION: &str =
    "the application's CPU, past its warning level so that every request queues for it, is";

/// How [`Deferral::why`] names the application when one of its servers is saturated.
const HOT_SERVER: &str = "one application server's CPU, past its warning level so that the requests sent to it queue, is";

/// How [`Deferral::why`] names the application when one of its servers' memory is full.
const HOT_SERVER_MEMORY: &str = "one application server's memory, past its warning level so that the requests sent to it wait on swapping, garbage collection or restarts, is";

/// The step on one application server running past its CPU or memory warning level while
/// the servers' mean is under its level (the default pack's `host.uneven_cpu` and
/// `host.uneven_memory`), with the resource's symptom: a finding on the application about
/// high server CPU or high memory (its symptom) with an action of its own, not a rung of
/// that resource's ladder (which is not active then: the servers as a whole have room). The
/// requests the balancer sends to that server queue for its CPU, or wait on its paging and
/// garbage collection, as on any saturated server (see [`saturated_step`]), so the
/// slow-page ladder's later rungs wait for the step that finds why the load does not
/// spread; a CDN or logic at the edge would leave that server as it is. The CPU's step
/// comes first when both fire.
fn hot_server_step<'a>(
    facts: &[Facts<'a>],
    active: &Active,
    architecture: ComponentSet,
) -> Option<(Symptom, Key<'a>)> {
    let on = |resource: Symptom| {
        facts
            .iter()
            .filter(|f| f.layer == Some(Layer::Application) && f.symptom == Some(resource))
            // (Its own action, not a rung: a ladder's rule, or a finding joining the active
            // ladder's step, is placed on the rung.)
            .find_map(|f| match placement(f, active, architecture) {
                Placement::Step(key @ Key::Action(_)) => Some((resource, key)),
                _ => None,
            })
    };
    on(Symptom::HighServerCpu).or_else(|| on(Symptom::HighMemory))
}

/// The default pack's action for lock contention (`db.lock_contention`, `db.deadlocks`).
pub(crate) const REDUCE_LOCKS: &str = "reduce_lock_contention";

/// The database's step on lock contention (the default pack's `db.lock_contention` and
/// `db.deadlocks`, action [`REDUCE_LOCKS`]): queries past the pack's share of their time
/// waiting on locks, or transactions deadlocked (each of which waited `deadlock_timeout`,
/// 1 s by default, before PostgreSQL looked for the cycle; documentation, 20.12 "Lock
/// Management").
///
/// In PostgreSQL a plain read takes no row lock and waits for none: "reading never blocks
/// writing and writing never blocks reading" (documentation, 13.1 "Introduction" to
/// concurrency control), and a row lock blocks only writers and lockers of the same row
/// (13.3.2 "Row-Level Locks"). What waits on locks is writes, and the requests that make
/// them; a cache, the slow-page ladder's first rung, takes reads off the database and
/// leaves those waits as they are. So when the database is the likeliest bottleneck and its
/// ladder is not active (its CPU and queries within the guide's levels), the slow pages
/// wait for this step rather than for a cache ([`deferral_candidate`]).
fn lock_step<'a>(
    facts: &[Facts<'a>],
    active: &Active,
    architecture: ComponentSet,
) -> Option<Key<'a>> {
    facts
        .iter()
        .filter(|f| f.layer == Some(Layer::Database) && f.action == Some(REDUCE_LOCKS))
        .find_map(|f| match placement(f, active, architecture) {
            Placement::Step(key @ Key::Action(_)) => Some(key),
            _ => None,
        })
}

/// How [`Deferral::why`] names the application when its memory is saturated.
const SATURATED_MEMORY: &str = "the application's memory, past its warning level so that requests wait on swapping, garbage collection or restarts, is";

/// The step on a saturated resource of the application, with that resource's ladder: the
/// CPU ladder's step (its current rung, or its "used up" step) when the servers' CPU is
/// past its warning level ([`Grounds::cpu_saturated`]); failing that, the memory ladder's
/// when that ladder is active (its rule fires past the pack's memory warning level, 90% in
/// the default pack).
///
/// Near saturation the time a request waits for a CPU grows without bound (in the M/M/1
/// queue the mean response time is S/(1-ρ): ten times the service time at 90% busy;
/// Kleinrock, *Queueing Systems*, vol. 1, 1975, §3.2), and memory near its limit makes
/// requests wait on paging, on garbage collections that come ever more often as free heap
/// shrinks, or on processes killed and restarted when it runs out (B. Gregg, *Systems
/// Performance*, 2nd ed., 2020, ch. 7: saturation of memory shows as paging, swapping and
/// OOM kills). Either way the slow pages are that resource's doing before anything a CDN or
/// logic at the edge changes: the slow-page ladder's later rungs wait for the resource's
/// step, and are tried if pages are still slow once it is back under its level. The first
/// rung, caching what is computed again and again, takes work off the servers too, and
/// does not wait, except at the guide's stage 1, where no cache is added before it is
/// needed: there it waits as it does for the other layers' steps (unless a finding calls
/// for a cache on its own grounds).
fn saturated_step<'a>(active: &Active, grounds: Grounds) -> Option<(Symptom, Key<'a>)> {
    let step = |symptom: Symptom| match active.get(&symptom) {
        Some(Some(rung)) => Some((symptom, Key::Remedy(*rung))),
        Some(None) => Some((symptom, Key::LadderExhausted(symptom))),
        None => None,
    };
    grounds
        .cpu_saturated
        .then(|| step(Symptom::HighServerCpu))
        .flatten()
        .or_else(|| step(Symptom::HighMemory))
}

/// The components that bring content or servers nearer to far-away users: a CDN, regions,
/// a global load balancer in front of them.
const NEARER_TO_USERS: [Component; 3] = [
    Component::Cdn,
    Component::MultiRegion,
    Component::GlobalLoadBalancer,
];

/// Whether a finding on the network is about the distance to users (it recommends a CDN,
/// regions or a global load balancer: far-away users wait, static traffic fills the links)
/// rather than about calls between services. The slow-page ladder's CDN and edge rungs work
/// on that distance too, so they wait for no such step.
fn nearer_to_users(f: &Facts<'_>) -> bool {
    NEARER_TO_USERS.iter().any(|c| f.recommends.contains(*c))
}

/// The step of the first finding on `layer` that advises something of its own: an action,
/// a rule of its own, a component, a used-up ladder, or the current rung of a ladder (a
/// finding held back for another rung has no step). On the network, only a finding about
/// calls between services counts ([`nearer_to_users`]).
///
/// A stage move counts only on the database, only when the primary's writes are measured
/// at or past the guide's write level ([`Grounds::writes_saturated`]), and only when no
/// other finding on the layer has a step: a primary short of write capacity has no ladder
/// of its own to climb, and the move the guide makes for it (sharding, at stage 3) is then
/// the only work on the database. Writes that queue on a saturated primary make the pages
/// that wait for them slow, which a CDN or logic at the edge does nothing for (the guide's
/// diagnosis asks "is it the database?" before anything about delivering pages). Replica
/// lag alone makes reads stale, not slow: neither a move made for it alone nor a finding
/// on it alone ([`Facts::lag_alone`]) counts.
fn first_step_on<'a>(
    facts: &[Facts<'a>],
    active: &Active,
    architecture: ComponentSet,
    layer: Layer,
    grounds: Grounds,
) -> Option<Key<'a>> {
    let stage_counts = layer == Layer::Database && grounds.writes_saturated;
    let mut stage = None;
    facts
        .iter()
        .filter(|f| f.layer == Some(layer) && !evidence_only(f) && !f.lag_alone)
        .filter(|f| layer != Layer::Network || !nearer_to_users(f))
        .find_map(|f| match placement(f, active, architecture) {
            Placement::Step(key @ Key::Stage(_)) => {
                if stage_counts {
                    stage = stage.or(Some(key));
                }
                None
            }
            Placement::Held { .. } => None,
            Placement::Step(key) => Some(key),
        })
        .or(stage)
}

/// Whether some ranking of the layers could defer a slow-page rung: [`deferral_candidate`]
/// gives one for some layer.
pub(crate) fn deferral_possible(
    facts: &[Facts<'_>],
    active: &Active,
    architecture: ComponentSet,
    grounds: Grounds,
) -> bool {
    DEFERRING_LAYERS
        .into_iter()
        .any(|l| deferral_candidate(facts, active, architecture, l, grounds).is_some())
}

/// The slow-page ladder's later rungs (a CDN, then logic at the edge) make delivering pages
/// faster; they do nothing for time spent in the database, on a disk, between services or
/// waiting on a third party. When the likeliest bottleneck is one of those layers (it ranks
/// first by independent evidence, see [`layer_deferral`] for ties) and a step works on it,
/// the slow-page rung waits for that step ([`deferral_candidate`] says which), following
/// the guide's diagnosis order (is it the database? ... is it external services?, before
/// the delivery of pages). `planned` is the plan's ladders ([`with_lowest_rungs`]).
pub(crate) fn deferred_delivery<'a>(
    facts: &[Facts<'a>],
    planned: &Active,
    architecture: ComponentSet,
    bottlenecks: &[RankedLayer],
    grounds: Grounds,
) -> Option<Deferral<'a>> {
    layer_deferral(at_top(bottlenecks), facts, planned, architecture, grounds)
        .or_else(|| called_for_first(facts, planned, architecture))
        .or_else(|| unexplained_slow_pages(facts, planned, grounds))
}

/// A later rung of the slow-page ladder that a finding calls for on its own grounds
/// ([`wanted_for_itself`]: static traffic past the guide's 20% calls for a CDN, one of its
/// key additions) while nothing but the slow pages calls for the current rung (a cache
/// nobody measured a need for, not in place): the called-for rung comes first and takes
/// the slow pages as its evidence, and the current rung waits for it (tried if pages are
/// still slow). Still one rung of the ladder at a time; only their order follows what was
/// measured. When both are called for, the lowest goes first, as the matrix orders them.
pub(crate) fn called_for_first<'a>(
    facts: &[Facts<'a>],
    active: &Active,
    architecture: ComponentSet,
) -> Option<Deferral<'a>> {
    let Some(Some(page)) = active.get(&Symptom::SlowPageLoads) else {
        return None;
    };
    let page = *page;
    let in_place = |r: Remedy| r.in_place(architecture).is_some();
    if in_place(page) || wanted_for_itself(facts, page) {
        return None;
    }
    // (Only the rungs above the current one: those below are done, if only declared.)
    Symptom::SlowPageLoads
        .ladder()
        .into_iter()
        .skip_while(|r| *r != page)
        .skip(1)
        .filter(|r| !in_place(*r))
        .find(|r| wanted_for_itself(facts, *r))
        .map(|r| Deferral::new(page, Key::Remedy(r), None, true))
}

/// The bit of `layer` in a set of layers: bit `i` for `Layer::ALL[i]`.
pub(crate) fn layer_bit(layer: Layer) -> u8 {
    Layer::ALL
        .iter()
        .position(|l| *l == layer)
        .map_or(0, |i| 1 << i)
}

/// The layers that rank first in `bottlenecks` (sorted, highest score first), all those
/// tied at the top score, as a set ([`layer_bit`]); empty with no evidence.
pub(crate) fn at_top(bottlenecks: &[RankedLayer]) -> u8 {
    let Some(top) = bottlenecks.first().filter(|t| t.score > 0) else {
        return 0;
    };
    bottlenecks
        .iter()
        .take_while(|b| b.score == top.score)
        .fold(0, |set, b| set | layer_bit(b.layer))
}

/// The deferral for the layers at the top of the ranking (`top`, from [`at_top`]): the
/// [`deferral_candidate`] of the one layer that ranks first alone, or, when several tie,
/// of the first of them in the guide's order of diagnosis (database, with storage after
/// it, application, network, external APIs) that gives one, marked [`Deferral::tied`]: a
/// tied database whose only step is no cause of slow pages (replica lag makes reads stale,
/// not slow, and has no step the rung could wait for) leaves the pages to the saturated CPU
/// it ties with. When no tied layer gives one (the only step is the slow-page rung itself,
/// say), nothing waits. A tie defers
/// only when every tied layer is one where pages lose time that a CDN does not win back:
/// each in [`DEFERRING_LAYERS`], the application only for requests that wait for
/// background work ([`waiting_on_background_work`]) or a CPU or memory past its warning
/// level ([`saturated_step`]). When the application's CPU ties below that level, a CDN
/// (which takes static traffic off the servers) may help as much as anything, and the
/// slow-page ladder stands, until the CDN is in place: then the rung that would wait is
/// logic at the edge, the CDN's gain for busy servers is already taken, and the first
/// excused layer of the tie in the guide's order (a busy database, say) is the one the
/// edge waits for.
pub(crate) fn layer_deferral<'a>(
    top: u8,
    facts: &[Facts<'a>],
    planned: &Active,
    architecture: ComponentSet,
    grounds: Grounds,
) -> Option<Deferral<'a>> {
    let layers = Layer::ALL.into_iter().filter(|l| top & layer_bit(*l) != 0);
    let tied = top.count_ones() > 1;
    let excused = |l: Layer| {
        DEFERRING_LAYERS.contains(&l)
            && (l != Layer::Application
                || waiting_on_background_work(facts, planned, architecture).is_some()
                || saturated_step(planned, grounds).is_some()
                || hot_server_step(facts, planned, architecture).is_some())
    };
    // Far users measured waiting longer than everyone, the network among the layers tied
    // first: the guide's first diagnosis question, where the time is spent, is answered for
    // them (the distance), so a rung that serves far users (a CDN, logic at the edge) waits
    // for no other layer of the tie and takes the slow pages, as it does with the network
    // alone at the top.
    if tied
        && top & layer_bit(Layer::Network) != 0
        && grounds.far_slower
        && matches!(
            planned.get(&Symptom::SlowPageLoads),
            Some(Some(Remedy::Cdn | Remedy::EdgeCompute))
        )
    {
        return None;
    }
    let all_excused = layers.clone().all(excused);
    // Past the CDN (the rung that waits is logic at the edge), what a CDN wins back for
    // busy servers is won already: the excused layers of the tie decide.
    let past_cdn = matches!(
        planned.get(&Symptom::SlowPageLoads),
        Some(Some(Remedy::EdgeCompute) | None)
    );
    if tied && !all_excused && !past_cdn {
        return None;
    }
    // (Alone at the top, a layer that is not excused gives no deferral either: the
    // candidate's own conditions are the excuse's.) Tied, the excused layers are tried in
    // the guide's order until one has a step to wait for. (`Layer::ALL` is not in that
    // order: a few layers, sorted on the stack.)
    let mut excused_layers = [None::<Layer>; Layer::ALL.len()];
    for (slot, l) in excused_layers
        .iter_mut()
        .zip(layers.filter(|l| excused(*l)))
    {
        *slot = Some(l);
    }
    // (Stable: storage, which ranks with the database, stays after it, as in `Layer::ALL`;
    // five items sort in place.)
    excused_layers.sort_by_key(|l| (l.is_none(), diagnosis_rank(*l)));
    let first = excused_layers.first().copied().flatten();
    excused_layers
        .into_iter()
        .flatten()
        .find_map(|l| deferral_candidate(facts, planned, architecture, l, grounds))
        .map(|d| Deferral {
            tied,
            passed_over: first.filter(|f| tied && d.layer != Some(*f)),
            ..d
        })
}

/// A layer as a sentence names it: "the database", "external APIs".
const fn layer_noun(layer: Layer) -> &'static str {
    match layer {
        Layer::Database => "the database",
        Layer::Application => "the application",
        Layer::Network => "the network between services",
        Layer::Storage => "storage",
        Layer::ExternalApi => "external APIs",
        // (A layer added to the taxonomy later.)
        _ => "another layer",
    }
}

/// The likeliest bottleneck as a plan's note names it: "the database is", "external APIs
/// are" (the layers [`deferral_candidate`] defers for), "storage is", "the network between
/// services is" (the layers the slow-page ladder's later rungs are pointed away from), and
/// for the application, which defers only for requests that wait for background work
/// ([`waiting_on_background_work`]), that reason first (a saturated CPU has its own text,
/// in [`Deferral::why`]).
pub(crate) const fn likeliest(layer: Layer) -> &'static str {
    match layer {
        Layer::Database => "the database is",
        Layer::ExternalApi => "external APIs are",
        Layer::Storage => "storage is",
        Layer::Network => "the network between services is",
        Layer::Application => "requests wait for background work, and the application is",
        _ => "this layer is",
    }
}

/// Whether `f` is a finding of the slow-page ladder that `deferred` moves to the step on the
/// layer the evidence names, where it is evidence, not advice: a finding of the used-up
/// slow-page step, or the ladder's own finding on a rung that stays in the plan for its own
/// reasons (its slow pages go to that step; what it advises is the rung's, which another
/// step carries). See [`deferred_placement`].
pub(crate) fn moved_evidence(
    f: &Facts<'_>,
    planned: &Active,
    architecture: ComponentSet,
    deferred: Option<Deferral<'_>>,
) -> bool {
    deferred.is_some() && deferred_placement(f, planned, architecture, deferred).1
}

/// [`placement`], with a [`Deferral`] applied: the held rung's advice waits (when it is held
/// at all), and the findings that only show slow pages join the step that works instead.
/// With it, whether the finding was moved there as evidence though it advises something
/// of its own ([`moved_evidence`]).
fn deferred_placement<'a>(
    f: &Facts<'a>,
    active: &Active,
    architecture: ComponentSet,
    deferred: Option<Deferral<'a>>,
) -> (Placement<'a>, bool) {
    let p = placement(f, active, architecture);
    match (p, deferred) {
        // The rung called for on its own grounds, which the held one now waits for.
        (Placement::Held { remedy, .. }, Some(d)) if d.instead == Key::Remedy(remedy) => {
            (Placement::Step(d.instead), false)
        }
        // Every rung in place: the used-up step's findings go to the step that works on
        // the layer the evidence names, as evidence: they advise the search that is over.
        // (A deferral of a rung, `held` set, comes only while a rung is left, when nothing
        // is placed on the used-up step.)
        (Placement::Step(Key::LadderExhausted(Symptom::SlowPageLoads)), Some(d)) => {
            (Placement::Step(d.instead), true)
        }
        (Placement::Step(Key::Remedy(r)), Some(d)) if d.held == Some(r) => {
            if evidence_only(f) {
                (Placement::Step(d.instead), false)
            } else if !d.hold && f.ladder == Some(Symptom::SlowPageLoads) {
                // The slow-page ladder's own finding reads the slow pages, which the step
                // working instead takes over, also when the rung stays for its own
                // reasons: there it is evidence, and the rung's step advises the rung.
                (Placement::Step(d.instead), true)
            } else if !d.hold {
                (p, false)
            } else {
                (
                    Placement::Held {
                        remedy: r,
                        symptom: r.rung().0,
                        until: d.instead,
                    },
                    false,
                )
            }
        }
        (p, _) => (p, false),
    }
}

/// The layer a symptom's ladder works on; slow page loads are end to end, with causes in
/// the other layers, so they name none.
pub(crate) const fn symptom_layer(symptom: Symptom) -> Option<Layer> {
    match symptom {
        Symptom::DatabaseSlow => Some(Layer::Database),
        Symptom::HighServerCpu | Symptom::HighMemory => Some(Layer::Application),
        Symptom::ApiTimeouts => Some(Layer::ExternalApi),
        _ => None,
    }
}

/// The position of a layer in the guide's diagnosis order (storage goes with the database,
/// whose health check covers it; no layer comes last).
fn diagnosis_rank(layer: Option<Layer>) -> usize {
    match layer {
        Some(Layer::Storage) => 2,
        Some(l) => DIAGNOSIS_ORDER
            .iter()
            .position(|s| s.layer == Some(l))
            .map_or(6, |p| p + 1),
        None => 6,
    }
}

/// A step of the plan before its text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step<'a> {
    pub(crate) key: Key<'a>,
    /// The most severe finding's severity (a checklist's: warning once the users are at its
    /// stage, info before).
    pub(crate) severity: Severity,
    /// The first layer a finding of the step names; for a remedy, its ladder's layer; for a
    /// stage move, its advising finding's.
    pub(crate) layer: Option<Layer>,
    /// The smallest priority of the findings behind it (one that only shows a symptom
    /// counts 1,000 later); 60 for a checklist.
    pub(crate) priority: u32,
    /// The first finding of the step's severity that advises something of its own (else
    /// the first of its severity): the step advises what it advises.
    pub(crate) advice: Option<usize>,
    /// Of the advising finding: whether it advises something of its own (it is no
    /// evidence only, [`evidence_only`], nor moved as evidence, [`moved_evidence`]), and
    /// its severity; findings that weigh more take over the advice.
    pub(crate) advice_weight: (bool, Severity),
    /// Whether every finding of the step is on the replicas' lag alone (a database finding,
    /// no ladder's, whose rule compares nothing but `replica_lag`), as the caller's
    /// `lag_only` says; false when the caller gave none.
    pub(crate) on_lag: bool,
}

/// Where one finding went.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place<'a> {
    /// Into the step at this index of [`Skeleton::steps`].
    Step(usize),
    /// Held back until another step.
    Held {
        remedy: Remedy,
        symptom: Symptom,
        until: Key<'a>,
    },
}

/// The plan without its text.
#[derive(Debug, Default)]
pub(crate) struct Skeleton<'a> {
    /// The steps, in the order they were opened (findings in order, then checklists).
    pub(crate) steps: Vec<Step<'a>>,
    /// Indices into `steps`, the step to take first first.
    pub(crate) order: Vec<usize>,
    /// Where each finding went, in the order of the findings.
    pub(crate) places: Vec<Place<'a>>,
}

impl<'a> Skeleton<'a> {
    /// Places `facts` (the findings, in their order) and the checklists with gaps
    /// (`(checklist, users at its stage)`), and orders the steps: most severe first; then,
    /// within a severity, a step on the replicas' lag alone (every finding one that
    /// `lag_only` says compares nothing else) after the other steps and before the
    /// checklists (stale reads wait for what every request waits for); then the guide's
    /// diagnosis order (database, application, network, external services); then
    /// immediate remedies before planning a stage move before checklist gaps; then the
    /// pack's priorities; then the key. `planned` is the plan's ladders
    /// ([`with_lowest_rungs`] of those whose ladder rule fired), worked out once by the
    /// caller, which needs them for the deferral too.
    pub(crate) fn build(
        facts: &[Facts<'a>],
        planned: &Active,
        architecture: ComponentSet,
        checklists: impl IntoIterator<Item = (Checklist, bool)>,
        (deferred, cache_first): (Option<Deferral<'a>>, bool),
        lag_only: Option<&dyn Fn(usize) -> bool>,
    ) -> Skeleton<'a> {
        Skeleton::build_in(
            facts,
            planned,
            architecture,
            checklists,
            (deferred, cache_first),
            lag_only,
            Skeleton::default(),
        )
    }

    /// [`Skeleton::build`] into the buffers of `into` (whatever they held is dropped), so
    /// that building one skeleton after another allocates nothing once they have grown.
    pub(crate) fn build_in(
        facts: &[Facts<'a>],
        planned: &Active,
        architecture: ComponentSet,
        checklists: impl IntoIterator<Item = (Checklist, bool)>,
        (deferred, cache_first): (Option<Deferral<'a>>, bool),
        lag_only: Option<&dyn Fn(usize) -> bool>,
        into: Skeleton<'a>,
    ) -> Skeleton<'a> {
        let Skeleton {
            mut steps,
            mut order,
            mut places,
        } = into;
        steps.clear();
        order.clear();
        places.clear();
        for (i, f) in facts.iter().enumerate() {
            let (placement, moved) = deferred_placement(f, planned, architecture, deferred);
            match placement {
                Placement::Held {
                    remedy,
                    symptom,
                    until,
                } => places.push(Place::Held {
                    remedy,
                    symptom,
                    until,
                }),
                Placement::Step(key) => {
                    // The slow-page ladder's findings moved to the step on the layer the
                    // evidence names are evidence there ([`moved_evidence`]).
                    let evidence = moved || evidence_only(f);
                    // The step advises what its most severe finding advises, and a finding
                    // that only shows a symptom gives way to one that advises something of
                    // its own (slow pages joining the database's step).
                    let weight = (!evidence, f.severity);
                    // A finding that only shows a symptom does not set the step's priority.
                    let priority = if evidence {
                        f.priority.saturating_add(1_000)
                    } else {
                        f.priority
                    };
                    // (The caller's question is asked only of database findings off the
                    // ladders, and only while the step's other findings are on the lag.)
                    let on_lag = || {
                        f.layer == Some(Layer::Database)
                            && f.ladder.is_none()
                            && lag_only.is_some_and(|lag| lag(i))
                    };
                    let at = match steps.iter().position(|s| s.key == key) {
                        Some(at) => at,
                        None => {
                            steps.push(Step {
                                key,
                                severity: f.severity,
                                layer: f.layer,
                                priority,
                                advice: Some(i),
                                advice_weight: weight,
                                on_lag: on_lag(),
                            });
                            steps.len() - 1
                        }
                    };
                    if let Some(step) = steps.get_mut(at) {
                        step.on_lag = step.on_lag && on_lag();
                        step.priority = step.priority.min(priority);
                        if step.advice.is_none() || weight > step.advice_weight {
                            step.advice = Some(i);
                            step.advice_weight = weight;
                        }
                        step.severity = step.severity.max(f.severity);
                        if step.layer.is_none() {
                            step.layer = f.layer;
                        }
                    }
                    places.push(Place::Step(at));
                }
            }
        }
        // Checklist gaps: one step per checklist.
        for (checklist, at_size) in checklists {
            steps.push(Step {
                key: Key::Checklist(checklist),
                severity: if at_size {
                    Severity::Warning
                } else {
                    Severity::Info
                },
                layer: None,
                priority: 60,
                advice: None,
                advice_weight: (false, Severity::Info),
                on_lag: false,
            });
        }
        // A remedy's step works on its ladder's layer, and is as urgent as a stage move that
        // a finding showing its ladder's symptom calls for (memory maxed: a move to stage
        // 2): the rung works on the resource itself, where the move is the lasting answer,
        // so it does not come after the move for want of a severity of its own.
        let mut shown_by_moves: [Option<Severity>; Symptom::ALL.len()] = [None; Symptom::ALL.len()];
        for (f, p) in facts.iter().zip(&places) {
            let (Some(symptom), Place::Step(at)) = (f.symptom, p) else {
                continue;
            };
            if f.moves_to.is_some()
                && steps
                    .get(*at)
                    .is_some_and(|s| matches!(s.key, Key::Stage(_)))
                && let Some(slot) = Symptom::ALL
                    .iter()
                    .position(|s| *s == symptom)
                    .and_then(|i| shown_by_moves.get_mut(i))
            {
                *slot = (*slot).max(Some(f.severity));
            }
        }
        for step in &mut steps {
            if let Key::Remedy(r) = step.key {
                let symptom = r.rung().0;
                step.layer = symptom_layer(symptom);
                // The cache that misses what repeats works on the database, ahead of its
                // ladder, whichever rung that is (`Grounds::cache_before_database`).
                if cache_first && r == Remedy::AddCaching {
                    step.layer = Some(Layer::Database);
                    step.priority = 0;
                }
                if let Some(Some(severity)) = Symptom::ALL
                    .iter()
                    .position(|s| *s == symptom)
                    .and_then(|i| shown_by_moves.get(i))
                {
                    step.severity = step.severity.max(*severity);
                }
            }
        }
        // A stage move's step works on what its advising finding's layer names: a move
        // made for a requirement (an availability target, a residency rule) names none,
        // whatever layer a finding it takes in names (far users' network).
        for step in &mut steps {
            if matches!(step.key, Key::Stage(_)) {
                step.layer = step.advice.and_then(|i| facts.get(i)).and_then(|f| f.layer);
            }
        }
        let kind = |k: &Key<'_>| match k {
            Key::Stage(_) => 1,
            Key::Checklist(_) => 2,
            _ => 0,
        };
        // Within a severity, a step on the replicas' lag alone comes after the others and
        // before the checklists: stale reads wait for what every request waits for (a
        // saturated resource, slow queries, slow pages), and the lag's own advice keeps
        // read-after-write paths on the primary meanwhile. (Checklists come last anyway:
        // no layer, and their kind.)
        let tier = |s: &Step<'_>| match s.key {
            Key::Checklist(_) => 2,
            _ => u8::from(s.on_lag),
        };
        order.extend(0..steps.len());
        // Steps differ in their keys, so the order is total and an unstable sort (which
        // needs no buffer) gives the one order there is.
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&steps[a], &steps[b]);
            b.severity
                .cmp(&a.severity)
                .then(tier(a).cmp(&tier(b)))
                .then(diagnosis_rank(a.layer).cmp(&diagnosis_rank(b.layer)))
                .then(kind(&a.key).cmp(&kind(&b.key)))
                .then(a.priority.cmp(&b.priority))
                .then(a.key.cmp(&b.key))
        });
        Skeleton {
            steps,
            order,
            places,
        }
    }

    /// The skeleton's buffers, emptied, for a skeleton borrowing from elsewhere (see
    /// [`recycle`]).
    pub(crate) fn recycle<'b>(self) -> Skeleton<'b> {
        let Skeleton {
            steps,
            mut order,
            places,
        } = self;
        order.clear();
        Skeleton {
            steps: recycle(steps),
            order,
            places: recycle(places),
        }
    }
}

/// `v` emptied, as a vector of items that differ from its own only in the lifetimes they
/// borrow for, keeping its allocation: the standard library collects an emptied vector's
/// iterator in place when the item layouts agree, as they do here. (Were it not to, this
/// would cost an allocation, never a wrong result.) It lets buffers of borrowing items be
/// kept from one call to the next.
pub(crate) fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(layer: Layer, score: u32) -> RankedLayer {
        RankedLayer {
            layer,
            score,
            metrics: Vec::new(),
            findings: Vec::new(),
        }
    }

    #[test]
    fn a_passed_over_layer_is_named_as_the_likeliest_bottleneck_names_it() {
        // The noun of each layer is its `likeliest` phrase without the verb (the
        // application's phrase says why it ranks, so its noun is its own).
        for layer in Layer::ALL {
            let phrase = likeliest(layer);
            let noun = layer_noun(layer);
            if layer == Layer::Application {
                assert_eq!(noun, "the application");
            } else {
                assert_eq!(
                    Some(noun),
                    phrase.strip_suffix(" is").or(phrase.strip_suffix(" are"))
                );
            }
        }
    }

    #[test]
    fn the_hot_server_step_is_an_application_finding_on_cpu_or_memory_with_its_own_action() {
        let fact = |layer: Layer, symptom: Option<Symptom>, action: Option<&'static str>| Facts {
            id: "x",
            severity: Severity::Warning,
            priority: 20,
            layer: Some(layer),
            symptom,
            ladder: None,
            remedy: None,
            moves_to: None,
            made: false,
            action,
            recommends: ComponentSet::EMPTY,
            lag_alone: false,
        };
        let none = Active::default();
        let cpu = Some(Symptom::HighServerCpu);
        let spread = Some("even_out_server_load");
        let step = |f: Facts<'static>| hot_server_step(&[f], &none, ComponentSet::EMPTY);
        assert_eq!(
            step(fact(Layer::Application, cpu, spread)),
            Some((Symptom::HighServerCpu, Key::Action("even_out_server_load")))
        );
        let memory = Some(Symptom::HighMemory);
        let fills = Some("find_why_one_server_fills");
        assert_eq!(
            step(fact(Layer::Application, memory, fills)),
            Some((
                Symptom::HighMemory,
                Key::Action("find_why_one_server_fills")
            ))
        );
        // Both: the CPU's step, whichever comes first among the findings.
        assert_eq!(
            hot_server_step(
                &[
                    fact(Layer::Application, memory, fills),
                    fact(Layer::Application, cpu, spread)
                ],
                &none,
                ComponentSet::EMPTY
            ),
            Some((Symptom::HighServerCpu, Key::Action("even_out_server_load")))
        );
        // Another layer, another symptom, no symptom, no action of its own: not it.
        assert_eq!(step(fact(Layer::Database, cpu, spread)), None);
        assert_eq!(step(fact(Layer::Database, memory, fills)), None);
        assert_eq!(
            step(fact(
                Layer::Application,
                Some(Symptom::SlowPageLoads),
                spread
            )),
            None
        );
        assert_eq!(step(fact(Layer::Application, None, spread)), None);
        assert_eq!(step(fact(Layer::Application, cpu, None)), None);
        // With the CPU ladder active, the finding joins its rung: no step of its own.
        let mut active = Active::default();
        active.insert(Symptom::HighServerCpu, Some(Remedy::VerticalScale));
        assert_eq!(
            hot_server_step(
                &[fact(Layer::Application, cpu, spread)],
                &active,
                ComponentSet::EMPTY
            ),
            None
        );
    }

    #[test]
    fn the_conditional_components_are_the_additions() {
        let additions = Addition::ALL
            .into_iter()
            .fold(ComponentSet::EMPTY, |set, a| {
                set.union(ComponentSet::from_components(&[a.component()]))
            });
        assert_eq!(CONDITIONAL, additions);
    }

    #[test]
    fn the_layers_at_the_top_are_those_tied_at_its_score() {
        // Sorted, highest first: the database alone; the network and external APIs tied
        // above the database; nothing scored; no evidence at all.
        let db = layer_bit(Layer::Database);
        assert_eq!(
            at_top(&[ranked(Layer::Database, 5), ranked(Layer::Storage, 2)]),
            db
        );
        assert_eq!(
            at_top(&[
                ranked(Layer::Network, 2),
                ranked(Layer::ExternalApi, 2),
                ranked(Layer::Database, 1),
            ]),
            layer_bit(Layer::Network) | layer_bit(Layer::ExternalApi)
        );
        assert_eq!(at_top(&[ranked(Layer::Database, 0)]), 0);
        assert_eq!(at_top(&[]), 0);
        // One bit per layer, in the guide's order.
        let bits: Vec<u8> = Layer::ALL.into_iter().map(layer_bit).collect();
        assert_eq!(bits, [1, 2, 4, 8, 16]);
    }

    #[test]
    fn no_slow_query_needs_every_query_under_the_level_and_no_scan_evidence() {
        use core::time::Duration;
        use scalability_advisor_core::{AdvisorConfig, MetricsSnapshot, units::Count};
        let config = AdvisorConfig::default();
        let ms = Duration::from_millis;
        let at = |slowest: u64| MetricsSnapshot::default().with_slowest_query_time(ms(slowest));
        // 90 ms is under the 100 ms level; so is 100 ms itself (the level is "> 100 ms").
        assert_eq!(no_slow_query(&at(90), &config), Some((ms(90), ms(100))));
        assert_eq!(no_slow_query(&at(100), &config), Some((ms(100), ms(100))));
        assert_eq!(no_slow_query(&at(250), &config), None);
        assert_eq!(no_slow_query(&MetricsSnapshot::default(), &config), None);
        // Sequential scans past the 10,000 of the guide's health check say an index is
        // missing; 5,000 do not.
        let scans = |n: u64| at(90).with_db_max_seq_scans(Count::new(n));
        assert_eq!(no_slow_query(&scans(25_000), &config), None);
        assert_eq!(
            no_slow_query(&scans(5_000), &config),
            Some((ms(90), ms(100)))
        );
    }
}
