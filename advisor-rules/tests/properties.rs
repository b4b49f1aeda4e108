//! Properties of evaluation over generated snapshots and packs.

use core::time::Duration;

use proptest::prelude::*;
use scalability_advisor_rules::scalability_advisor_core::units::{
    Connections, QueriesPerRequest, Ratio, Users,
};
use scalability_advisor_rules::scalability_advisor_core::{History, MetricsSnapshot};
use scalability_advisor_rules::{Engine, RulePack, RuleStatus, Severity};

fn snapshot() -> impl Strategy<Value = MetricsSnapshot> {
    (
        proptest::option::of(0u64..2_000_000),
        proptest::option::of(0.0f64..=1.0),
        proptest::option::of(0.0f64..=1.0),
        proptest::option::of(0u64..3_000),
        proptest::option::of(0.0f64..=1.0),
        proptest::option::of(0.0f64..40.0),
    )
        .prop_map(|(users, cpu, db, p95, reads, q)| MetricsSnapshot {
            users: users.map(Users::new),
            server_cpu: cpu.map(|v| Ratio::from_fraction(v).unwrap()),
            db_cpu: db.map(|v| Ratio::from_fraction(v).unwrap()),
            p95_response_time: p95.map(Duration::from_millis),
            db_read_share: reads.map(|v| Ratio::from_fraction(v).unwrap()),
            db_queries_per_request: q.map(|v| QueriesPerRequest::new(v).unwrap()),
            ..MetricsSnapshot::default()
        })
}

const SMALL_PACK: [(&str, &str); 5] = [
    ("a", "server_cpu > 60%"),
    ("b", "db_cpu > 50% and db_read_share > 70%"),
    ("c", "p95 > 400ms or server_cpu > 90%"),
    ("d", "not (db_queries_per_request < 12)"),
    ("e", "db_cpu / server_cpu > 1.5"),
];

fn pack_text(order: &[usize], extra: Option<(&str, &str)>) -> String {
    let mut t = String::from("name = \"p\"\n");
    let rules: Vec<(&str, &str)> = order.iter().map(|&i| SMALL_PACK[i]).chain(extra).collect();
    for (id, when) in rules {
        t.push_str(&format!("[[rule]]\nid = \"{id}\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"{when}\"\n"));
    }
    t
}

fn statuses(engine: &Engine, snap: &MetricsSnapshot) -> Vec<(String, RuleStatus)> {
    let e = engine.evaluate(snap, &History::new());
    let mut v: Vec<(String, RuleStatus)> = engine
        .rules()
        .map(|r| (r.id.clone(), engine.status(&e, &r.id).unwrap()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn finding_ids(engine: &Engine, snap: &MetricsSnapshot) -> Vec<String> {
    let e = engine.evaluate(snap, &History::new());
    e.findings
        .iter()
        .map(|f| engine.rule(f.rule).unwrap().id.clone())
        .collect()
}

proptest! {
    #[test]
    fn evaluation_is_deterministic_and_independent_of_rule_order(snap in snapshot(), perm in Just(vec![0usize, 1, 2, 3, 4]).prop_shuffle()) {
        let a = Engine::new(RulePack::from_toml_str("p.toml", &pack_text(&[0, 1, 2, 3, 4], None)).unwrap()).unwrap();
        let b = Engine::new(RulePack::from_toml_str("p.toml", &pack_text(&perm, None)).unwrap()).unwrap();
        prop_assert_eq!(statuses(&a, &snap), statuses(&a, &snap));
        prop_assert_eq!(statuses(&a, &snap), statuses(&b, &snap));
        prop_assert_eq!(finding_ids(&a, &snap), finding_ids(&b, &snap));
    }

    #[test]
    fn adding_a_rule_never_removes_a_finding(snap in snapshot()) {
        let a = Engine::new(RulePack::from_toml_str("p.toml", &pack_text(&[0, 1, 2, 3, 4], None)).unwrap()).unwrap();
        let b = Engine::new(RulePack::from_toml_str("p.toml", &pack_text(&[0, 1, 2, 3, 4], Some(("z", "server_cpu > 10%")))).unwrap()).unwrap();
        let before = finding_ids(&a, &snap);
        let after = finding_ids(&b, &snap);
        for id in before {
            prop_assert!(after.contains(&id));
        }
    }

    #[test]
    fn default_pack_agrees_with_itself_on_repeated_evaluation(snap in snapshot()) {
        let engine = Engine::default_pack();
        let mut reused = scalability_advisor_rules::Evaluation::default();
        engine.evaluate_into(&snap, &History::new(), &mut reused);
        let fresh = engine.evaluate(&snap, &History::new());
        prop_assert_eq!(&reused.statuses, &fresh.statuses);
        prop_assert_eq!(&reused.findings, &fresh.findings);
        for f in &fresh.findings {
            let bits = |e: &scalability_advisor_rules::Evaluation| e.observations(f).iter().map(|o| (o.observed.to_bits(), o.threshold.to_bits())).collect::<Vec<_>>();
            prop_assert_eq!(bits(&reused), bits(&fresh));
        }
    }

    #[test]
    fn healthy_snapshot_gives_no_warning_or_critical(
        users in 0u64..2_000_000,
        cpu in 0.0f64..0.69, db in 0.0f64..0.69, p95 in 0u64..499, q in 0.0f64..9.9,
        reads in 0.0f64..0.79, conns in 0u32..10,
    ) {
        // Every key metric under its target and every other signal in its healthy range.
        let snap = MetricsSnapshot::default()
            .with_users(Users::new(users))
            .with_server_cpu(Ratio::from_fraction(cpu).unwrap())
            .with_memory_usage(Ratio::from_fraction(cpu).unwrap())
            .with_db_cpu(Ratio::from_fraction(db).unwrap())
            .with_p95_response_time(Duration::from_millis(p95))
            .with_db_queries_per_request(QueriesPerRequest::new(q).unwrap())
            .with_db_read_share(Ratio::from_fraction(reads).unwrap())
            .with_db_connections(Connections::new(conns))
            .with_db_pool_size(Connections::new(20))
            .with_slowest_query_time(Duration::from_millis(50))
            .with_cache_hit_rate(Ratio::from_percent(95.0).unwrap())
            .with_replica_lag(Duration::from_millis(100));
        let engine = Engine::default_pack();
        let e = engine.evaluate(&snap, &History::new());
        for f in &e.findings {
            prop_assert!(f.severity == Severity::Info, "{}", engine.rule(f.rule).unwrap().id);
        }
    }
}

/// A snapshot over most signals the default pack reads, with a random architecture and
/// `tried` list, and without users (the tests set them).
fn rich_snapshot() -> impl Strategy<Value = MetricsSnapshot> {
    use scalability_advisor_rules::scalability_advisor_core::units::{Count, Rate};
    use scalability_advisor_rules::scalability_advisor_core::{Component, Remedy};
    let ratio = || proptest::option::of(0.0f64..=1.0);
    let millis = |hi: u64| proptest::option::of(0u64..hi);
    (
        (ratio(), ratio(), ratio(), ratio(), ratio(), ratio()),
        (millis(3_000), millis(500), millis(10_000), millis(2_000)),
        (
            proptest::option::of(0u64..40_000),
            proptest::option::of((0.0f64..2_000.0, 1.0f64..2_000.0)),
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<bool>()),
            proptest::option::of(0.95f64..=1.0),
            proptest::option::of(1u32..4),
        ),
        (
            ratio(),
            ratio(),
            ratio(),
            any::<u32>(),
            any::<u16>(),
            proptest::option::of(1u32..4),
        ),
    )
        .prop_map(|(r, d, o, x)| {
            let ratio = |v: Option<f64>| v.map(|v| Ratio::from_fraction(v).unwrap());
            let mut s = MetricsSnapshot {
                server_cpu: ratio(r.0),
                memory_usage: ratio(r.1),
                db_cpu: ratio(r.2),
                db_read_share: ratio(r.3),
                cache_hit_rate: ratio(r.4),
                external_api_timeout_share: ratio(r.5.map(|v| v / 10.0)),
                p95_response_time: d.0.map(Duration::from_millis),
                slowest_query_time: d.1.map(Duration::from_millis),
                replica_lag: d.2.map(Duration::from_millis),
                remote_user_p95: d.3.map(Duration::from_millis),
                db_max_seq_scans: o.0.map(Count::new),
                primary_write_throughput: o.1.map(|(w, _)| Rate::from_per_second(w).unwrap()),
                primary_write_capacity: o.1.map(|(_, c)| Rate::from_per_second(c).unwrap()),
                data_residency_required: o.2,
                background_tasks_block_requests: o.3,
                availability_target: ratio(o.4),
                deployed_regions: o.5.and_then(core::num::NonZeroU32::new),
                user_regions: x.5.and_then(core::num::NonZeroU32::new),
                repeated_query_share: ratio(x.0),
                static_asset_bandwidth_share: ratio(x.1),
                remote_user_share: ratio(x.2),
                ..MetricsSnapshot::default()
            };
            for (bit, c) in Component::ALL.into_iter().enumerate() {
                if x.3 & (1 << bit) != 0 {
                    s.architecture.insert(c);
                }
            }
            for (bit, r) in Remedy::ALL.into_iter().enumerate() {
                if x.4 & (1 << bit) != 0 {
                    s.tried.insert(r);
                }
            }
            s
        })
}

/// Whether `observed op threshold` holds, with scalability-advisor-core's level tolerance.
fn holds(op: scalability_advisor_rules::CmpOp, observed: f64, threshold: f64) -> bool {
    use scalability_advisor_rules::CmpOp;
    let tol =
        scalability_advisor_rules::scalability_advisor_core::LEVEL_TOLERANCE * threshold.abs();
    match op {
        CmpOp::Gt => observed > threshold + tol,
        CmpOp::Ge => observed >= threshold - tol,
        CmpOp::Lt => observed < threshold - tol,
        CmpOp::Le => observed <= threshold + tol,
        CmpOp::Eq => (observed - threshold).abs() <= tol,
        CmpOp::Ne => (observed - threshold).abs() > tol,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn more_users_never_give_fewer_or_milder_transition_findings(
        snap in rich_snapshot(),
        a in 0u64..3_000_000,
        b in 0u64..3_000_000,
    ) {
        let (small, large) = if a <= b { (a, b) } else { (b, a) };
        let engine = Engine::default_pack();
        let moves = |n: u64| {
            let s = snap.clone().with_users(Users::new(n));
            scalability_advisor_rules::assess(&engine, &s, &History::new())
                .findings
                .into_iter()
                .filter(|f| f.moves_to.is_some())
                .map(|f| (f.id, f.severity))
                .collect::<Vec<_>>()
        };
        let before = moves(small);
        let after = moves(large);
        for (id, sev) in &before {
            let later = after.iter().find(|(i, _)| i == id);
            prop_assert!(later.is_some(), "{id} went silent from {small} to {large} users");
            prop_assert!(later.unwrap().1 >= *sev, "{id} got milder from {small} to {large} users");
        }
    }

    #[test]
    fn every_evidence_line_is_true_of_the_snapshot(snap in rich_snapshot(), n in proptest::option::of(0u64..3_000_000)) {
        let mut snap = snap;
        snap.users = n.map(Users::new);
        let a = scalability_advisor_rules::assess(&Engine::default_pack(), &snap, &History::new());
        for f in &a.findings {
            prop_assert!(!f.evidence.is_empty() || !f.declared.is_empty(), "{} has no evidence", f.id);
            for e in &f.evidence {
                let line = e.to_string();
                match e.reading {
                    scalability_advisor_rules::Reading::Sustained { share, required, .. } => {
                        prop_assert!(e.negated || share >= required, "{}: {line}", f.id);
                    }
                    scalability_advisor_rules::Reading::Trend { .. } => {}
                    // What a rule that fires on missing data took as holding: it says
                    // "unknown", which must be so.
                    _ if e.observed.is_none() => {
                        prop_assert_eq!(e.held, None, "{}: {}", f.id, line);
                        if let Some(m) = e.metric {
                            prop_assert_eq!(snap.value(m), None, "{}: {}", f.id, line);
                        }
                    }
                    _ => {
                        let observed = e.observed.expect("a supporting comparison has a value");
                        prop_assert!(holds(e.op, observed, e.threshold), "{}: {line}", f.id);
                        if let Some(m) = e.metric {
                            prop_assert_eq!(snap.value(m), Some(observed), "{}: {}", f.id, line);
                        }
                    }
                }
                prop_assert!(!line.contains('$') || line.contains("($"), "threshold printed as a name: {line}");
            }
        }
    }

    /// `evaluate` judges the simplest rules in a tight pass first; `step` from a fresh state
    /// (no rule of the default pack waits with `for`) judges every rule in order. Both give
    /// the same statuses, findings and evidence.
    #[test]
    fn the_tight_pass_changes_no_outcome(snap in rich_snapshot(), n in proptest::option::of(0u64..3_000_000)) {
        let mut snap = snap;
        snap.users = n.map(Users::new);
        let engine = Engine::default_pack();
        let fast = engine.evaluate(&snap, &History::new());
        let (_, ordered) = engine.step(&scalability_advisor_rules::State::default(), &snap, &History::new(), Duration::ZERO);
        prop_assert_eq!(&fast.statuses, &ordered.statuses);
        prop_assert_eq!(&fast.superseded, &ordered.superseded);
        prop_assert_eq!(&fast.findings, &ordered.findings);
        for f in &fast.findings {
            let bits = |e: &scalability_advisor_rules::Evaluation| {
                e.observations(f).iter().map(|o| (o.observed.to_bits(), o.threshold.to_bits(), o.held.to_bits())).collect::<Vec<_>>()
            };
            prop_assert_eq!(bits(&fast), bits(&ordered), "{}", f.id);
        }
    }

    /// A pack made only of independent threshold rules is judged in one straight pass
    /// (`evaluate`); `step` from a fresh state judges it in the ordered pass. Whatever the
    /// rules (metrics, operators, thresholds, severities, priorities, `not has(...)`), both
    /// give the same evaluation, field for field, also into an evaluation reused from a
    /// bigger pack.
    #[test]
    fn a_straight_pack_judges_as_the_ordered_pass(
        snap in rich_snapshot(),
        n in proptest::option::of(0u64..3_000_000),
        rules in proptest::collection::vec(
            (0usize..6, 0usize..6, 0.0f64..1.2, 0usize..3, 0u32..4, any::<bool>()),
            1..12,
        ),
    ) {
        let mut snap = snap;
        snap.users = n.map(Users::new);
        const METRICS: [&str; 6] =
            ["server_cpu", "db_cpu", "db_read_share", "cache_hit_rate", "memory_usage", "replica_lag"];
        const OPS: [&str; 6] = [">", ">=", "<", "<=", "==", "!="];
        const SEVERITIES: [&str; 3] = ["info", "warning", "critical"];
        let mut text = String::from("name = \"p\"\n");
        for (i, (m, op, k, sev, prio, not_has)) in rules.iter().enumerate() {
            // Ratios in whole percents, the lag in tenths of seconds: ties are likely.
            let k = if *m == 5 {
                format!("{:.1}s", k * 10.0)
            } else {
                format!("{}%", (k * 100.0).round())
            };
            let guard = if *not_has { " and not has(cache)" } else { "" };
            text.push_str(&format!(
                "[[rule]]\nid = \"r{i}\"\ntitle = \"t\"\nseverity = \"{}\"\npriority = {prio}\nadvice = \"a\"\nwhen = \"{} {} {k}{guard}\"\n",
                SEVERITIES[*sev], METRICS[*m], OPS[*op],
            ));
        }
        let engine = Engine::new(RulePack::from_toml_str("p.toml", &text).unwrap()).unwrap();
        let fast = engine.evaluate(&snap, &History::new());
        let (_, ordered) = engine.step(&scalability_advisor_rules::State::default(), &snap, &History::new(), Duration::ZERO);
        prop_assert_eq!(&fast, &ordered);
        let mut reused = Engine::default_pack().evaluate(&snap, &History::new());
        engine.evaluate_into(&snap, &History::new(), &mut reused);
        prop_assert_eq!(&reused, &ordered);
    }

    #[test]
    fn one_rung_per_ladder_in_any_report(snap in rich_snapshot(), n in 0u64..3_000_000) {
        let snap = snap.with_users(Users::new(n));
        let a = scalability_advisor_rules::assess(&Engine::default_pack(), &snap, &History::new());
        crate::scenarios::no_contradictions(&a);
        // And the plan has one step per key.
        let mut keys: Vec<_> = a.plan.iter().map(|s| s.key.clone()).collect();
        let len = keys.len();
        keys.sort();
        keys.dedup();
        prop_assert_eq!(keys.len(), len);
    }
}

/// Tables with optional figures, names unique by position.
fn tables()
-> impl Strategy<Value = Vec<scalability_advisor_rules::scalability_advisor_core::TableStats>> {
    use scalability_advisor_rules::scalability_advisor_core::units::Count;
    use scalability_advisor_rules::scalability_advisor_core::{EntityName, TableStats};
    proptest::collection::vec(
        (
            proptest::option::of(0u64..200_000),
            proptest::option::of(0u64..5_000),
            proptest::option::of(0u64..3),
            proptest::option::of(0u64..120_000),
        ),
        0..12,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (r, seq, idx, period))| {
                let mut t = TableStats::new(EntityName::table(format!("t{i}")).unwrap());
                t.rows = r.map(Count::new);
                t.seq_scans = seq.map(Count::new);
                t.index_scans = idx.map(Count::new);
                t.period = period.map(Duration::from_millis);
                t
            })
            .collect()
    })
}

proptest! {
    /// `any(tables, c)` is the disjunction of `c` over the tables, three-valued: it fires
    /// exactly when one table meets `c` alone, names exactly those tables in list order, and
    /// is not judged exactly when none meets it and one is undecided.
    #[test]
    fn any_is_the_disjunction_over_the_list(list in tables()) {
        use scalability_advisor_rules::scalability_advisor_core::Entities;
        let cond = "index_scans == 0 and seq_scan_rate > 1000/d and rows >= 10k";
        let pack = |when: &str| {
            RulePack::from_toml_str(
                "p.toml",
                &format!("name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"{when}\"\nseverity = \"warning\"\nadvice = \"a\"\n"),
            )
            .unwrap()
        };
        let engine = Engine::new(pack(&format!("any(tables, {cond})"))).unwrap();
        let snap = |tables| MetricsSnapshot {
            tables: Some(Entities::new(tables).unwrap()),
            ..MetricsSnapshot::default()
        };
        let mut alone = Vec::new();
        for t in &list {
            let e = engine.evaluate(&snap(vec![t.clone()]), &History::new());
            alone.push(engine.status(&e, "r").unwrap());
        }
        let all = engine.evaluate(&snap(list.clone()), &History::new());
        let status = engine.status(&all, "r").unwrap();
        let expected = if alone.contains(&RuleStatus::Fired) {
            RuleStatus::Fired
        } else if alone.contains(&RuleStatus::NotEvaluated) {
            RuleStatus::NotEvaluated
        } else {
            RuleStatus::NotFired
        };
        prop_assert_eq!(status, expected);
        if status == RuleStatus::Fired {
            let named: Vec<usize> = all.subjects(&all.findings[0]).map(|s| s.index).collect();
            let firing: Vec<usize> = alone
                .iter()
                .enumerate()
                .filter(|(_, s)| **s == RuleStatus::Fired)
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(named, firing);
            // Every evidence line is about a named table and says what held.
            for line in engine.explain(&all, &all.findings[0]) {
                prop_assert!(line.subject.is_some());
                prop_assert_eq!(line.held, Some(true));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The summary a fleet table reads is the full assessment's, on any input: the same
    /// stages, health, worst severity, first step (severity and title, entities named) and
    /// what was not judged. Tables make `any(...)` rules name entities in step titles.
    #[test]
    fn the_summary_is_the_assessments(
        snap in rich_snapshot(),
        users in proptest::option::of(0u64..3_000_000),
        list in proptest::option::of(tables()),
    ) {
        use scalability_advisor_rules::scalability_advisor_core::Entities;
        use scalability_advisor_rules::{Summary, summarize};
        let mut snap = snap;
        snap.users = users.map(Users::new);
        snap.tables = list.map(|l| Entities::new(l).unwrap());
        let engine = Engine::default_pack();
        let history = History::new();
        let eval = engine.evaluate(&snap, &history);
        let config = engine.pack().advisor_config();
        let full = scalability_advisor_rules::assess_with(&engine, &eval, &snap, &history, &config);
        prop_assert_eq!(summarize(&engine, &eval, &snap, &history, &config), Summary::of(&full));
    }

    /// The same on sparse snapshots (users, an architecture, the remedies tried, at most one
    /// CPU reading): there the stage checklists often make the worst severity and the first
    /// step, which rich snapshots leave to the findings.
    #[test]
    fn the_summary_is_the_assessments_on_sparse_snapshots(
        users in proptest::option::of(0u64..3_000_000),
        architecture in any::<u32>(),
        tried in any::<u16>(),
        cpu in proptest::option::of(0.0f64..=1.0),
    ) {
        use scalability_advisor_rules::scalability_advisor_core::{Component, Remedy};
        use scalability_advisor_rules::{Summary, summarize};
        let mut snap = MetricsSnapshot {
            users: users.map(Users::new),
            server_cpu: cpu.map(|c| Ratio::from_fraction(c).unwrap()),
            ..MetricsSnapshot::default()
        };
        for (bit, c) in Component::ALL.into_iter().enumerate() {
            if architecture & (1 << bit) != 0 {
                snap.architecture.insert(c);
            }
        }
        for (bit, r) in Remedy::ALL.into_iter().enumerate() {
            if tried & (1 << bit) != 0 {
                snap.tried.insert(r);
            }
        }
        let engine = Engine::default_pack();
        let history = History::new();
        let eval = engine.evaluate(&snap, &history);
        let config = engine.pack().advisor_config();
        let full = scalability_advisor_rules::assess_with(&engine, &eval, &snap, &history, &config);
        prop_assert_eq!(summarize(&engine, &eval, &snap, &history, &config), Summary::of(&full));
    }

    /// A summary of some parts has each field it computes equal to the full summary's, and
    /// the fields of the parts left out empty, whatever the parts computed before with the
    /// same buffers and output.
    #[test]
    fn summaries_of_some_parts_are_the_full_ones_in_those_parts(
        snaps in proptest::collection::vec(
            (rich_snapshot(), proptest::option::of(0u64..3_000_000), any::<bool>(), any::<bool>()),
            1..6,
        ),
    ) {
        use scalability_advisor_rules::{Summary, SummaryBuffers, SummaryParts, summarize, summarize_parts};
        let engine = Engine::default_pack();
        let history = History::new();
        let config = engine.pack().advisor_config();
        let (mut kept, mut buffers) = (Summary::default(), SummaryBuffers::default());
        for (snap, users, plan, missing) in snaps {
            let mut snap = snap;
            snap.users = users.map(Users::new);
            let eval = engine.evaluate(&snap, &history);
            let parts = SummaryParts { plan, missing };
            summarize_parts(&engine, &eval, &snap, &history, &config, parts, &mut kept, &mut buffers);
            let full = summarize(&engine, &eval, &snap, &history, &config);
            prop_assert_eq!(kept.stage_by_users, full.stage_by_users);
            prop_assert_eq!(kept.stage_by_metrics, full.stage_by_metrics);
            prop_assert_eq!(kept.health, full.health);
            prop_assert_eq!(kept.not_judged, full.not_judged);
            if plan {
                prop_assert_eq!(kept.worst, full.worst);
                prop_assert_eq!(kept.first_step_severity, full.first_step_severity);
                prop_assert_eq!(&kept.first_step_title, &full.first_step_title);
            } else {
                prop_assert_eq!(kept.worst, None);
                prop_assert_eq!(kept.first_step_severity, None);
                prop_assert!(kept.first_step_title.is_empty());
            }
            if missing {
                prop_assert_eq!(&kept.missing, &full.missing);
            } else {
                prop_assert!(kept.missing.is_empty());
            }
        }
    }

    /// Buffers kept from one snapshot to the next change nothing in the summaries.
    #[test]
    fn kept_buffers_change_no_summary(
        snaps in proptest::collection::vec((rich_snapshot(), proptest::option::of(0u64..3_000_000), proptest::option::of(tables())), 1..8),
    ) {
        use scalability_advisor_rules::scalability_advisor_core::Entities;
        use scalability_advisor_rules::{Evaluation, Summary, SummaryBuffers, summarize, summarize_with};
        let engine = Engine::default_pack();
        let history = History::new();
        let config = engine.pack().advisor_config();
        let (mut eval, mut kept, mut buffers) = (Evaluation::default(), Summary::default(), SummaryBuffers::default());
        for (snap, users, list) in snaps {
            let mut snap = snap;
            snap.users = users.map(Users::new);
            snap.tables = list.map(|l| Entities::new(l).unwrap());
            engine.evaluate_into(&snap, &history, &mut eval);
            summarize_with(&engine, &eval, &snap, &history, &config, &mut kept, &mut buffers);
            let fresh = summarize(&engine, &engine.evaluate(&snap, &history), &snap, &history, &config);
            prop_assert_eq!(&kept, &fresh);
        }
    }
}
