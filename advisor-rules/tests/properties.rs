//! Properties of evaluation over generated snapshots and packs.

use core::time::Duration;

use advisor_rules::advisor_core::units::{Connections, QueriesPerRequest, Ratio, Users};
use advisor_rules::advisor_core::{History, MetricsSnapshot};
use advisor_rules::{Engine, RulePack, RuleStatus, Severity};
use proptest::prelude::*;

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
        let mut reused = advisor_rules::Evaluation::default();
        engine.evaluate_into(&snap, &History::new(), &mut reused);
        let fresh = engine.evaluate(&snap, &History::new());
        prop_assert_eq!(&reused.statuses, &fresh.statuses);
        prop_assert_eq!(&reused.findings, &fresh.findings);
        for f in &fresh.findings {
            let bits = |e: &advisor_rules::Evaluation| e.observations(f).iter().map(|o| (o.observed.to_bits(), o.threshold.to_bits())).collect::<Vec<_>>();
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
