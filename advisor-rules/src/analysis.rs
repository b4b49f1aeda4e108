//! Static analysis of numeric conditions: rules that can never fire, rules shadowed by
//! another, and contradictory rules, each with an example snapshot.
//!
//! A condition is analysed when it is a conjunction of comparisons between one metric and a
//! constant (after parameters are resolved), optionally with `has(component)` and
//! `not has(component)`. Such a conjunction is a box: one interval per metric plus required
//! and forbidden components. Other conditions are skipped (the analysis is sound, not
//! complete: it reports only what it can prove).

use std::collections::BTreeMap;

use scalability_advisor_core::{ComponentSet, Metric, UnitKind};

use crate::diagnostic::{Diagnostic, DiagnosticKind, DiagnosticLevel, Diagnostics, Source};
use crate::expr::{CmpOp, Expr, fold, resolve};
use crate::pack::{Rule, RulePack};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Interval {
    lo: f64,
    lo_closed: bool,
    hi: f64,
    hi_closed: bool,
}

impl Interval {
    const ALL: Interval = Interval {
        lo: f64::NEG_INFINITY,
        lo_closed: false,
        hi: f64::INFINITY,
        hi_closed: false,
    };

    fn from_cmp(op: CmpOp, c: f64) -> Option<Interval> {
        let mut i = Interval::ALL;
        match op {
            CmpOp::Gt => (i.lo, i.lo_closed) = (c, false),
            CmpOp::Ge => (i.lo, i.lo_closed) = (c, true),
            CmpOp::Lt => (i.hi, i.hi_closed) = (c, false),
            CmpOp::Le => (i.hi, i.hi_closed) = (c, true),
            CmpOp::Eq => {
                i = Interval {
                    lo: c,
                    lo_closed: true,
                    hi: c,
                    hi_closed: true,
                }
            }
            CmpOp::Ne => return None,
        }
        Some(i)
    }

    fn intersect(self, o: Interval) -> Interval {
        let (lo, lo_closed) = if self.lo > o.lo {
            (self.lo, self.lo_closed)
        } else if o.lo > self.lo {
            (o.lo, o.lo_closed)
        } else {
            (self.lo, self.lo_closed && o.lo_closed)
        };
        let (hi, hi_closed) = if self.hi < o.hi {
            (self.hi, self.hi_closed)
        } else if o.hi < self.hi {
            (o.hi, o.hi_closed)
        } else {
            (self.hi, self.hi_closed && o.hi_closed)
        };
        Interval {
            lo,
            lo_closed,
            hi,
            hi_closed,
        }
    }

    #[expect(
        clippy::float_cmp,
        reason = "interval endpoints are compared exactly, by design"
    )]
    fn is_empty(self) -> bool {
        self.lo > self.hi || (self.lo == self.hi && !(self.lo_closed && self.hi_closed))
    }

    #[expect(
        clippy::float_cmp,
        reason = "interval endpoints are compared exactly, by design"
    )]
    fn contains(self, o: Interval) -> bool {
        let lo_ok = self.lo < o.lo || (self.lo == o.lo && (self.lo_closed || !o.lo_closed));
        let hi_ok = self.hi > o.hi || (self.hi == o.hi && (self.hi_closed || !o.hi_closed));
        lo_ok && hi_ok
    }

    /// A point inside a non-empty interval.
    #[expect(
        clippy::float_cmp,
        reason = "a degenerate interval has exactly equal endpoints"
    )]
    fn witness(self) -> f64 {
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) if self.lo == self.hi => self.lo,
            (true, true) => (self.lo + self.hi) / 2.0,
            (true, false) => {
                if self.lo_closed {
                    self.lo
                } else {
                    self.lo + self.lo.abs().max(1.0) * 0.01
                }
            }
            (false, true) => {
                if self.hi_closed {
                    self.hi
                } else {
                    self.hi - self.hi.abs().max(1.0) * 0.01
                }
            }
            (false, false) => 0.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Region {
    intervals: BTreeMap<Metric, Interval>,
    required: ComponentSet,
    forbidden: ComponentSet,
}

impl Region {
    fn add(&mut self, m: Metric, i: Interval) {
        let cur = self.intervals.get(&m).copied().unwrap_or(Interval::ALL);
        self.intervals.insert(m, cur.intersect(i));
    }

    fn empty_metric(&self) -> Option<Metric> {
        self.intervals
            .iter()
            .find(|(_, i)| i.is_empty())
            .map(|(m, _)| *m)
    }

    fn is_empty(&self) -> bool {
        self.empty_metric().is_some() || !self.required.intersection(self.forbidden).is_empty()
    }

    fn intersect(&self, o: &Region) -> Region {
        let mut r = self.clone();
        for (m, i) in &o.intervals {
            r.add(*m, *i);
        }
        r.required = r.required.union(o.required);
        r.forbidden = r.forbidden.union(o.forbidden);
        r
    }

    /// Whether every point of `o` is in `self`.
    fn contains(&self, o: &Region) -> bool {
        self.intervals
            .iter()
            .all(|(m, i)| o.intervals.get(m).is_some_and(|oi| i.contains(*oi)))
            && o.required.union(self.required) == o.required
            && o.forbidden.union(self.forbidden) == o.forbidden
    }

    fn example(&self) -> String {
        let mut parts = Vec::new();
        for (m, i) in &self.intervals {
            let v = i.witness();
            let (key, value) = match m.unit() {
                // In milliseconds, rounded to a nanosecond: `0.81 * 1000.0` is not 810.
                UnitKind::Duration => (
                    format!("{}_ms", m.name()),
                    format!("{}", (v * 1e9).round() / 1e6),
                ),
                UnitKind::Flag => (m.name().to_owned(), (v >= 0.5).to_string()),
                UnitKind::Ratio => (m.name().to_owned(), format!("{}", v.clamp(0.0, 1.0))),
                _ => (m.name().to_owned(), format!("{}", v.max(0.0).ceil())),
            };
            parts.push(format!("\"{key}\": {value}"));
        }
        if !self.required.is_empty() {
            let names: Vec<String> = self
                .required
                .iter()
                .map(|c| format!("\"{}\"", c.name()))
                .collect();
            parts.push(format!("\"architecture\": [{}]", names.join(", ")));
        }
        format!("{{{}}}", parts.join(", "))
    }
}

/// The region of a condition, when it is a conjunction of analysable atoms.
fn region(e: &Expr) -> Option<Region> {
    let mut r = Region::default();
    let items: Vec<&Expr> = match e {
        Expr::And { items, .. } => items.iter().collect(),
        other => vec![other],
    };
    for item in items {
        match item {
            Expr::Cmp {
                op, left, right, ..
            } => match (left.as_ref(), right.as_ref()) {
                (Expr::Metric { metric, .. }, Expr::Num { value, .. }) => {
                    r.add(*metric, Interval::from_cmp(*op, *value)?)
                }
                (Expr::Num { value, .. }, Expr::Metric { metric, .. }) => {
                    r.add(*metric, Interval::from_cmp(op.flipped(), *value)?);
                }
                _ => return None,
            },
            Expr::Has { component, .. } => {
                r.required.insert(*component);
            }
            Expr::Not { inner, .. } => match inner.as_ref() {
                Expr::Has { component, .. } => {
                    r.forbidden.insert(*component);
                }
                _ => return None,
            },
            Expr::Metric { metric, .. } if metric.unit() == UnitKind::Flag => {
                r.add(*metric, Interval::from_cmp(CmpOp::Eq, 1.0)?)
            }
            _ => return None,
        }
    }
    Some(r)
}

fn stages_overlap(a: &Rule, b: &Rule) -> bool {
    a.stages.is_empty() || b.stages.is_empty() || a.stages.iter().any(|s| b.stages.contains(s))
}

fn stages_cover(outer: &Rule, inner: &Rule) -> bool {
    outer.stages.is_empty()
        || (!inner.stages.is_empty() && inner.stages.iter().all(|s| outer.stages.contains(s)))
}

/// Runs the analysis; `layered` limits reports to pairs involving the newest file's rules.
pub(crate) fn analyse(pack: &RulePack, src: &Source<'_>, layered: bool) -> Diagnostics {
    analyse_pruned(pack, src, layered, true)
}

/// [`analyse`], computing regions only for the rules that can matter to this file's reports
/// when `prune` is set (the tests compare both ways).
fn analyse_pruned(pack: &RulePack, src: &Source<'_>, layered: bool, prune: bool) -> Diagnostics {
    let mut out = Diagnostics::default();
    let from_this_file = |r: &Rule| match &r.origin {
        crate::pack::Origin::File { file, .. } => file == src.name,
        crate::pack::Origin::DefaultPack { .. } => !layered,
        crate::pack::Origin::Code => true,
    };
    // Only this file's rules are reported, so only they and the rules they can be compared
    // with need a region: those of their shadowing groups, and those discouraging what they
    // recommend or recommending what they discourage. (Layered over a large base, most of
    // the base's rules are left out; the reports are the same.)
    let mut keys = std::collections::HashSet::new();
    let (mut recommended, mut discouraged) = (ComponentSet::EMPTY, ComponentSet::EMPTY);
    for r in pack.rules.iter().filter(|r| from_this_file(r)) {
        keys.insert(group_key(r));
        recommended = recommended.union(r.recommends);
        discouraged = discouraged.union(r.discourages);
    }
    let regions: Vec<Option<Region>> = pack
        .rules
        .iter()
        .map(|r| {
            let needed = || {
                from_this_file(r)
                    || keys.contains(&group_key(r))
                    || !r.discourages.intersection(recommended).is_empty()
                    || !r.recommends.intersection(discouraged).is_empty()
            };
            if prune && !needed() {
                return None;
            }
            let mut e = r.when_expr.clone();
            resolve(&mut e, &|n| pack.param(n).map(|p| (p.value, p.dim)));
            fold(&mut e);
            region(&e)
        })
        .collect();
    let span = |r: &Rule| {
        if from_this_file(r) {
            (r.when_offset, r.when_offset + r.when.len())
        } else {
            (0, 0)
        }
    };
    for (i, rule) in pack.rules.iter().enumerate() {
        let Some(ri) = &regions[i] else { continue };
        if !from_this_file(rule) {
            continue;
        }
        if ri.is_empty() {
            let what = ri.empty_metric().map_or(
                "its component requirements contradict each other".to_owned(),
                |m| format!("no value of {} satisfies every comparison", m.name()),
            );
            out.push(
                Diagnostic::new(
                    DiagnosticKind::NeverFires,
                    DiagnosticLevel::Warning,
                    format!("rule `{}` can never fire: {what}", rule.id),
                    src,
                    span(rule),
                )
                .with_rule(&rule.id)
                .with_help(Some(
                    "check the comparison directions and the parameter values".into(),
                ))
                .with_example("{}".into()),
            );
            continue;
        }
    }
    shadowing(pack, &regions, src, &from_this_file, &span, &mut out);
    contradictions(pack, &regions, src, &from_this_file, &span, &mut out);
    out
}

/// Groups up to this size are compared pair by pair; larger ones by sorting (see
/// [`shadowing`]).
const PAIRWISE: usize = 64;
/// The most rules one rule's contradiction check looks at.
const CONTRADICTION_CANDIDATES: usize = 256;

/// Whether `other` (j) shadows `rule` (i): it fires whenever `rule` does, says the same kind
/// of thing (same layer, severity, remedy, ladder, transition, action and recommended
/// components, checked by the caller's grouping), covers its stages, neither supersedes the
/// other, and of two identical conditions only the later rule is reported.
fn shadows(pack: &RulePack, regions: &[Option<Region>], i: usize, j: usize) -> bool {
    let (rule, other) = (&pack.rules[i], &pack.rules[j]);
    let (Some(ri), Some(rj)) = (&regions[i], &regions[j]) else {
        return false;
    };
    i != j
        && stages_cover(other, rule)
        && !other.supersedes.contains(&rule.id)
        && !rule.supersedes.contains(&other.id)
        && rj.contains(ri)
        && !(ri.contains(rj) && j > i)
}

/// An interval's ends as sortable keys: a lower end is looser when smaller (closed before
/// open at one value), an upper end when larger (open before closed).
fn lower_key(i: &Interval) -> (f64, bool) {
    (i.lo, !i.lo_closed)
}

fn upper_key(i: &Interval) -> (f64, bool) {
    (i.hi, i.hi_closed)
}

fn cmp_key(a: (f64, bool), b: (f64, bool)) -> core::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// What a rule says, apart from its condition: only rules that say the same can shadow each
/// other.
type GroupKey<'a> = (
    Option<scalability_advisor_core::bottleneck::Layer>,
    crate::pack::Severity,
    Option<scalability_advisor_core::Remedy>,
    Option<scalability_advisor_core::Symptom>,
    Option<scalability_advisor_core::Stage>,
    Option<&'a str>,
    ComponentSet,
);

fn group_key(r: &Rule) -> GroupKey<'_> {
    (
        r.layer,
        r.severity,
        r.remedy,
        r.ladder,
        r.moves_to,
        r.action.as_deref(),
        r.recommends,
    )
}

/// Shadowed rules, at most one report per rule.
///
/// Rules are grouped by what they say (layer, severity, remedy, ladder, transition, action,
/// recommended components); only rules of one group can shadow each other. A group of up to
/// [`PAIRWISE`] rules is compared pair by pair. In a larger group, rules are compared with
/// the rules constraining the same metrics and components: for one metric, by sorting the
/// intervals by their lower ends and keeping the widest upper end seen so far (a rule is
/// shadowed when an earlier interval reaches at least as far), which is O(n log n); for
/// several metrics, pair by pair up to [`PAIRWISE`] rules. A rule contained only by a rule
/// of another shape in a large group is not reported: the analysis stays sound (every report
/// is proven) and near-linear, at the price of completeness there.
fn shadowing(
    pack: &RulePack,
    regions: &[Option<Region>],
    src: &Source<'_>,
    from_this_file: &dyn Fn(&Rule) -> bool,
    span: &dyn Fn(&Rule) -> (usize, usize),
    out: &mut Diagnostics,
) {
    let mut groups: std::collections::HashMap<GroupKey<'_>, Vec<usize>> =
        std::collections::HashMap::new();
    for (i, r) in pack.rules.iter().enumerate() {
        if regions[i].as_ref().is_some_and(|g| !g.is_empty()) {
            groups.entry(group_key(r)).or_default().push(i);
        }
    }
    // A rule's shadowing rule, the first found.
    let mut shadowed_by: Vec<Option<usize>> = vec![None; pack.rules.len()];
    let pairwise = |members: &[usize], shadowed_by: &mut Vec<Option<usize>>| {
        for &i in members {
            if shadowed_by[i].is_some() || !from_this_file(&pack.rules[i]) {
                continue;
            }
            shadowed_by[i] = members
                .iter()
                .copied()
                .find(|&j| shadows(pack, regions, i, j));
        }
    };
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    groups.sort_unstable(); // a fixed order, whatever the hashing
    for members in &groups {
        if members.len() <= PAIRWISE {
            pairwise(members, &mut shadowed_by);
            continue;
        }
        // Same metrics and components.
        let mut shapes: std::collections::HashMap<
            (Vec<Metric>, ComponentSet, ComponentSet),
            Vec<usize>,
        > = std::collections::HashMap::new();
        for &i in members {
            if let Some(r) = &regions[i] {
                let metrics: Vec<Metric> = r.intervals.keys().copied().collect();
                shapes
                    .entry((metrics, r.required, r.forbidden))
                    .or_default()
                    .push(i);
            }
        }
        let mut shapes: Vec<_> = shapes.into_iter().collect();
        shapes.sort_unstable_by(|a, b| a.1.cmp(&b.1));
        for ((metrics, _, _), same) in shapes {
            if same.len() <= PAIRWISE {
                pairwise(&same, &mut shadowed_by);
                continue;
            }
            let [metric] = metrics.as_slice() else {
                continue;
            };
            let interval = |i: usize| {
                regions[i]
                    .as_ref()
                    .and_then(|r| r.intervals.get(metric).copied())
                    .unwrap_or(Interval::ALL)
            };
            let mut sorted = same.clone();
            sorted.sort_by(|&a, &b| {
                let (ia, ib) = (interval(a), interval(b));
                cmp_key(lower_key(&ia), lower_key(&ib))
                    .then(cmp_key(upper_key(&ib), upper_key(&ia)))
                    .then(a.cmp(&b))
            });
            // The widest upper end among the intervals seen so far (earliest rule on ties).
            let mut widest: Option<usize> = None;
            for &i in &sorted {
                if let Some(j) = widest
                    && shadowed_by[i].is_none()
                    && from_this_file(&pack.rules[i])
                    && shadows(pack, regions, i, j)
                {
                    shadowed_by[i] = Some(j);
                }
                let wider = widest.is_none_or(|j| {
                    cmp_key(upper_key(&interval(i)), upper_key(&interval(j))).is_gt()
                });
                if wider {
                    widest = Some(i);
                }
            }
        }
    }
    for (i, by) in shadowed_by.iter().enumerate() {
        let Some(j) = *by else { continue };
        let (rule, other) = (&pack.rules[i], &pack.rules[j]);
        let example = regions[i].as_ref().map(Region::example).unwrap_or_default();
        out.push(
            Diagnostic::new(
                DiagnosticKind::Shadowed,
                DiagnosticLevel::Warning,
                format!("rule `{}` is shadowed by `{}`: every snapshot that fires it fires `{}` too, with the same layer, severity and remedy", rule.id, other.id, other.id),
                src,
                span(rule),
            )
            .with_rule(&rule.id)
            .with_help(Some(format!("narrow the condition, change its severity, or declare `supersedes = [\"{}\"]` on one of them", other.id)))
            .with_example(example),
        );
    }
}

/// Rules that can fire together while one recommends what the other discourages, at most
/// one report per rule. A rule's candidates come from an index by component (the rules
/// discouraging what it recommends and recommending what it discourages), at most
/// [`CONTRADICTION_CANDIDATES`] of them.
fn contradictions(
    pack: &RulePack,
    regions: &[Option<Region>],
    src: &Source<'_>,
    from_this_file: &dyn Fn(&Rule) -> bool,
    span: &dyn Fn(&Rule) -> (usize, usize),
    out: &mut Diagnostics,
) {
    let mut recommending: BTreeMap<scalability_advisor_core::Component, Vec<usize>> =
        BTreeMap::new();
    let mut discouraging: BTreeMap<scalability_advisor_core::Component, Vec<usize>> =
        BTreeMap::new();
    for (j, r) in pack.rules.iter().enumerate() {
        if regions[j].as_ref().is_some_and(|g| !g.is_empty()) {
            for c in r.recommends.iter() {
                recommending.entry(c).or_default().push(j);
            }
            for c in r.discourages.iter() {
                discouraging.entry(c).or_default().push(j);
            }
        }
    }
    for (i, rule) in pack.rules.iter().enumerate() {
        let Some(ri) = regions[i].as_ref().filter(|g| !g.is_empty()) else {
            continue;
        };
        if !from_this_file(rule) {
            continue;
        }
        let candidates = rule
            .recommends
            .iter()
            .filter_map(|c| discouraging.get(&c))
            .chain(rule.discourages.iter().filter_map(|c| recommending.get(&c)))
            .flatten()
            .copied()
            .filter(|&j| j != i)
            .take(CONTRADICTION_CANDIDATES);
        for j in candidates {
            let other = &pack.rules[j];
            // Each pair once: from the earlier rule, unless the other is not this file's.
            if i >= j && from_this_file(other) {
                continue;
            }
            let Some(rj) = &regions[j] else { continue };
            let clash = rule
                .recommends
                .intersection(other.discourages)
                .union(rule.discourages.intersection(other.recommends));
            if clash.is_empty() || !stages_overlap(rule, other) {
                continue;
            }
            let both = ri.intersect(rj);
            // A component that is in place wherever both fire cannot be the one added:
            // `recommends` names components to add.
            let clash = clash.difference(both.required);
            if clash.is_empty() || both.is_empty() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    DiagnosticKind::Contradictory,
                    DiagnosticLevel::Warning,
                    format!("rules `{}` and `{}` contradict each other on {clash}: both can fire on one snapshot", rule.id, other.id),
                    src,
                    span(rule),
                )
                .with_rule(&rule.id)
                .with_help(Some("make their conditions exclusive, for example with has(...) or a stage filter".into()))
                .with_example(both.example()),
            );
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A layer rule: metric and threshold, severity, and what it says, drawn so that it often
    /// shares a shadowing group or a component with rules of the default pack.
    fn layer_rule() -> impl Strategy<Value = String> {
        let metric = prop_oneof![
            (1u32..100).prop_map(|v| format!("server_cpu > {v}%")),
            (1u32..100).prop_map(|v| format!("db_cpu >= {v}%")),
            (1u32..40).prop_map(|v| format!("db_queries_per_request > {v}")),
            (100u32..3_000).prop_map(|v| format!("p95_response_time > {v}ms")),
            (1u32..100).prop_map(|v| format!("db_read_share < {v}%")),
        ];
        let says = prop_oneof![
            Just(String::new()),
            Just("layer = \"database\"\naction = \"cut_queries_per_request\"\n".to_owned()),
            Just("symptom = \"slow_page_loads\"\n".to_owned()),
            Just("recommends = [\"cache\"]\n".to_owned()),
            Just("discourages = [\"cache\"]\n".to_owned()),
            Just("recommends = [\"read_replicas\"]\n".to_owned()),
            Just("discourages = [\"read_replicas\", \"cdn\"]\n".to_owned()),
        ];
        let severity = prop_oneof![Just("warning"), Just("critical"), Just("info")];
        (metric, says, severity).prop_map(|(when, says, severity)| {
            format!("title = \"t\"\nwhen = \"{when}\"\nseverity = \"{severity}\"\nadvice = \"a\"\n{says}")
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Leaving out the regions of rules that cannot be compared with this file's changes
        /// no report: a layer over the default pack is analysed the same either way.
        #[test]
        fn pruned_analysis_reports_what_the_full_one_does(
            rules in proptest::collection::vec(layer_rule(), 1..6)
        ) {
            let mut text = "name = \"l\"\n".to_owned();
            for (i, r) in rules.iter().enumerate() {
                text.push_str(&format!("[[rule]]\nid = \"layer.{i}\"\n{r}"));
            }
            let pack = match RulePack::default_pack().layer("l.toml", &text, crate::PackFormat::Toml) {
                Ok(p) => p,
                Err(e) => return Err(TestCaseError::fail(format!("{e}\n{text}"))),
            };
            let src = Source::new("l.toml", &text);
            let full = analyse_pruned(&pack, &src, true, false);
            let pruned = analyse_pruned(&pack, &src, true, true);
            prop_assert_eq!(pruned, full);
        }
    }

    #[test]
    fn intervals() {
        let gt = Interval::from_cmp(CmpOp::Gt, 5.0).unwrap();
        let lt = Interval::from_cmp(CmpOp::Lt, 3.0).unwrap();
        assert!(gt.intersect(lt).is_empty());
        let le5 = Interval::from_cmp(CmpOp::Le, 5.0).unwrap();
        let ge5 = Interval::from_cmp(CmpOp::Ge, 5.0).unwrap();
        assert!(!le5.intersect(ge5).is_empty());
        assert!(gt.intersect(le5).is_empty());
        assert!(Interval::from_cmp(CmpOp::Gt, 3.0).unwrap().contains(gt));
        assert!(!gt.contains(Interval::from_cmp(CmpOp::Gt, 3.0).unwrap()));
        let w = gt
            .intersect(Interval::from_cmp(CmpOp::Lt, 9.0).unwrap())
            .witness();
        assert!((w - 7.0).abs() < 1e-12);
    }
}
