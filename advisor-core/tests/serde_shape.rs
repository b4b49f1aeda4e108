//! The serialized shapes are public API: round trips and exact shapes.

use core::time::Duration;

use proptest::prelude::*;
use scalability_advisor_core::units::{Connections, Ratio, Users};
use scalability_advisor_core::{AdvisorConfig, Classification, History, MetricsSnapshot, Stage};

#[test]
fn stage_serializes_in_snake_case() {
    assert_eq!(
        serde_json::to_string(&Stage::Enterprise).unwrap(),
        r#""enterprise""#
    );
}

#[test]
fn config_round_trips() {
    let cfg = AdvisorConfig::default();
    let json = serde_json::to_string(&cfg).unwrap();
    assert_eq!(serde_json::from_str::<AdvisorConfig>(&json).unwrap(), cfg);
    // An empty object means every default.
    assert_eq!(serde_json::from_str::<AdvisorConfig>("{}").unwrap(), cfg);
}

#[test]
fn classification_serializes() {
    let snap = MetricsSnapshot::default()
        .with_users(Users::new(20_000))
        .with_db_cpu(Ratio::from_percent(75.0).unwrap());
    let c = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
    let v: serde_json::Value = serde_json::to_value(c).unwrap();
    assert_eq!(v["stage"], "growth");
    assert_eq!(v["triggers"]["results"][0]["trigger"], "db_cpu_sustained");
    assert_eq!(v["triggers"]["results"][0]["outcome"]["status"], "fired");
    assert_eq!(
        v["triggers"]["results"][1]["outcome"]["status"],
        "not_evaluated"
    );
}

proptest! {
    #[test]
    fn snapshot_round_trips(
        users in proptest::option::of(any::<u64>()),
        cpu in proptest::option::of(0.0f64..=1.0),
        p95_ms in proptest::option::of(0u64..10_000_000),
        conns in proptest::option::of(any::<u32>()),
        flag in proptest::option::of(any::<bool>()),
    ) {
        let snap = MetricsSnapshot {
            users: users.map(Users::new),
            server_cpu: cpu.map(|c| Ratio::from_fraction(c).unwrap()),
            p95_response_time: p95_ms.map(Duration::from_millis),
            db_connections: conns.map(Connections::new),
            background_tasks_block_requests: flag,
            ..MetricsSnapshot::default()
        };
        let json = serde_json::to_string(&snap).unwrap();
        prop_assert_eq!(serde_json::from_str::<MetricsSnapshot>(&json).unwrap(), snap);
    }

    #[test]
    fn deserialization_accepts_exactly_valid_ratios(x in -1.0f64..2.0) {
        let parsed = serde_json::from_str::<MetricsSnapshot>(&format!(r#"{{"db_cpu": {x}}}"#));
        prop_assert_eq!(parsed.is_ok(), (0.0..=1.0).contains(&x));
    }
}

/// Inputs that once broke the `core_snapshot` fuzz target, replayed on stable Rust with the
/// target's invariants: a snapshot either fails to parse, or serializes back to itself.
#[test]
fn fuzz_regressions_replay() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        count += 1;
        let Ok(snapshot) =
            serde_json::from_slice::<scalability_advisor_core::MetricsSnapshot>(&bytes)
        else {
            continue;
        };
        let json = serde_json::to_vec(&snapshot).unwrap();
        let again: scalability_advisor_core::MetricsSnapshot =
            serde_json::from_slice(&json).unwrap();
        assert_eq!(again, snapshot);
    }
    assert!(count >= 1);
}

#[test]
fn sets_read_from_name_lists_with_helpful_errors() {
    use scalability_advisor_core::{Component, ComponentSet, Remedy, RemedySet};
    let err = serde_json::from_str::<ComponentSet>("5")
        .unwrap_err()
        .to_string();
    assert!(err.contains("a list of component names"), "{err}");
    let set: ComponentSet = serde_json::from_str(r#"["cdn", "cdn", "cache"]"#).unwrap();
    assert_eq!(
        set,
        ComponentSet::from_components(&[Component::Cdn, Component::Cache])
    );
    let remedies: RemedySet = serde_json::from_str(r#"["cdn", "sharding"]"#).unwrap();
    assert_eq!(
        remedies,
        RemedySet::from_remedies(&[Remedy::Cdn, Remedy::Sharding])
    );
    assert_eq!(
        serde_json::to_string(&remedies).unwrap(),
        r#"["cdn","sharding"]"#
    );
}

#[test]
fn the_guides_reference_views_round_trip() {
    use scalability_advisor_core::bottleneck::{DIAGNOSIS_ORDER, DiagnosisStep};
    use scalability_advisor_core::guide::{Section, Topic};
    use scalability_advisor_core::{COST_AT_SCALE, CostRow};
    for topic in Topic::ALL {
        let s = topic.section();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Section>(&json).unwrap(), s);
    }
    for step in DIAGNOSIS_ORDER {
        let json = serde_json::to_string(&step).unwrap();
        assert_eq!(serde_json::from_str::<DiagnosisStep>(&json).unwrap(), step);
    }
    for row in COST_AT_SCALE {
        let json = serde_json::to_string(&row).unwrap();
        assert_eq!(serde_json::from_str::<CostRow>(&json).unwrap(), row);
    }
    let err = serde_json::from_str::<DiagnosisStep>(r#"{"number": 6}"#).unwrap_err();
    assert!(err.to_string().contains("steps are 1 to 5"), "{err}");
    // An analysis read back is the analysis.
    let snap = MetricsSnapshot::default()
        .with_users(Users::new(20_000))
        .with_db_cpu(Ratio::from_percent(75.0).unwrap());
    let c = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<Classification>(&json).unwrap(), c);
}

#[test]
fn pool_use_reads_from_a_gauge_or_from_counts() {
    // A collector that reads the pool's own gauge writes `db_pool_usage`; one that reads
    // counts writes `db_connections` and `db_pool_size`. Both give the key metric.
    let gauge: MetricsSnapshot = serde_json::from_str(r#"{"db_pool_usage": 0.85}"#).unwrap();
    assert_eq!(
        gauge.db_pool_usage(),
        Some(Ratio::from_percent(85.0).unwrap())
    );
    let counts: MetricsSnapshot =
        serde_json::from_str(r#"{"db_connections": 17, "db_pool_size": 20}"#).unwrap();
    assert_eq!(
        counts.db_pool_usage(),
        Some(Ratio::from_percent(85.0).unwrap())
    );
    assert_eq!(
        serde_json::to_string(&gauge).unwrap(),
        r#"{"db_pool_usage":0.85}"#
    );
    assert!(serde_json::from_str::<MetricsSnapshot>(r#"{"db_pool_usage": 1.2}"#).is_err());
}

#[test]
fn a_history_has_one_series_per_metric() {
    // A second series of db_cpu would shadow or be shadowed by the first: refused.
    let two = r#"[
        {"metric": "db_cpu", "samples": [{"at_s": 0, "value": 0.99}]},
        {"metric": "db_cpu", "samples": [{"at_s": 0, "value": 0.10}]}
    ]"#;
    let err = serde_json::from_str::<History>(two)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the history has two series of db_cpu"),
        "{err}"
    );
    // Samples at one instant are refused too.
    let burst = r#"[{"metric": "db_cpu", "samples": [{"at_s": 0, "value": 0.9}, {"at_s": 0, "value": 0.9}]}]"#;
    let err = serde_json::from_str::<History>(burst)
        .unwrap_err()
        .to_string();
    assert!(err.contains("two samples at the same instant"), "{err}");
}

#[test]
fn inputs_are_read_from_tables_only() {
    use scalability_advisor_core::{Series, entities::TableStats};
    // serde's derive would fill a struct's fields from a list, in declaration order: `[1, 2]`
    // as a snapshot of 1 user in 2 regions. Each input type takes a table or an object only.
    let err = serde_json::from_str::<MetricsSnapshot>("[1, 2]").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid type: sequence, expected a snapshot"),
        "{err}"
    );
    assert!(serde_json::from_str::<TableStats>(r#"["events", 5]"#).is_err());
    let series = r#"{"metric": "db_cpu", "samples": [[0, 0.5]]}"#;
    let err = serde_json::from_str::<Series>(series).unwrap_err();
    assert!(err.to_string().contains("expected a sample"), "{err}");
    assert!(serde_json::from_str::<Series>(r#"["db_cpu", []]"#).is_err());
    // Tables still read as before, and round trip.
    let snap: MetricsSnapshot =
        serde_json::from_str(r#"{"users": 1, "tables": [{"name": "events"}]}"#).unwrap();
    assert_eq!(snap.users, Some(Users::new(1)));
    let again: MetricsSnapshot =
        serde_json::from_str(&serde_json::to_string(&snap).unwrap()).unwrap();
    assert_eq!(again, snap);
}
