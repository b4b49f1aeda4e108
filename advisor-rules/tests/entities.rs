//! `any(list, condition)`: where it may stand, what it says when data is missing, and how its
//! findings name their entities. Expectations are written from the language reference.

use core::time::Duration;

use scalability_advisor_rules::scalability_advisor_core::units::{Count, Ratio};
use scalability_advisor_rules::scalability_advisor_core::{
    Entities, EntityField, EntityKind, EntityName, History, HostRole, HostStats, MetricsSnapshot,
    TableStats,
};
use scalability_advisor_rules::{Engine, MissingInput, RulePack, RuleStatus};

fn pack(when: &str) -> Result<RulePack, String> {
    RulePack::from_toml_str(
        "p.toml",
        &format!(
            "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"{when}\"\nseverity = \"warning\"\nadvice = \"a\"\n"
        ),
    )
    .map_err(|e| e.to_string())
}

fn engine(when: &str) -> Engine {
    Engine::new(pack(when).unwrap()).unwrap()
}

fn table(name: &str, rows: u64, seq: u64, idx: Option<u64>) -> TableStats {
    let t = TableStats::new(EntityName::table(name).unwrap())
        .with_rows(Count::new(rows))
        .with_seq_scans(Count::new(seq))
        .with_period(Duration::from_secs(60));
    match idx {
        Some(i) => t.with_index_scans(Count::new(i)),
        None => t,
    }
}

fn with_tables(tables: Vec<TableStats>) -> MetricsSnapshot {
    MetricsSnapshot {
        tables: Some(Entities::new(tables).unwrap()),
        ..MetricsSnapshot::default()
    }
}

const BIG_UNINDEXED: &str = "any(tables, index_scans == 0 and rows >= 10k)";

#[test]
fn any_must_stand_alone_or_under_the_top_level_and() {
    for bad in [
        "any(tables, rows > 1) or db_cpu > 50%",
        "not any(tables, rows > 1)",
        "any(tables, rows > 1) and any(hosts, cpu > 50%)",
        "(db_cpu > 50% or any(tables, rows > 1)) and users > 1",
    ] {
        let err = pack(bad).unwrap_err();
        assert!(err.contains("any("), "{bad}: {err}");
        assert!(
            err.contains("p.toml:5:"),
            "{bad}: the error has no place: {err}"
        );
    }
    let nested = pack("any(tables, any(hosts, cpu > 1%))").unwrap_err();
    assert!(nested.contains("cannot be nested"), "{nested}");
    for good in [
        "any(tables, rows > 1)",
        "db_cpu > 50% and any(tables, rows > 1 or dead_rows > 5)",
        "any(hosts, not (colocated == true))",
    ] {
        assert!(pack(good).is_ok(), "{good}: {:?}", pack(good).err());
    }
}

#[test]
fn any_is_not_allowed_in_clear() {
    let err = RulePack::from_toml_str(
        "p.toml",
        "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"db_cpu > 80%\"\nclear = \"any(tables, rows > 1)\"\nseverity = \"warning\"\nadvice = \"a\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("clear"), "{err}");
}

#[test]
fn unknown_fields_and_lists_are_named_with_a_suggestion() {
    let err = pack("any(tables, seq_scan > 1000)").unwrap_err();
    assert!(
        err.contains("unknown table field or metric `seq_scan`"),
        "{err}"
    );
    assert!(err.contains("did you mean `seq_scans`?"), "{err}");
    let err = pack("any(table, rows > 1)").unwrap_err();
    assert!(
        err.contains("`table` is not a list of the snapshot"),
        "{err}"
    );
    // A field of another kind is not a field here.
    let err = pack("any(hosts, rows > 1)").unwrap_err();
    assert!(err.contains("unknown host field or metric `rows`"), "{err}");
}

#[test]
fn only_the_entities_that_meet_the_condition_are_named() {
    let e = engine(BIG_UNINDEXED);
    let snap = with_tables(vec![
        table("settings", 10, 2079, Some(0)),
        table("events", 500_000, 1107, Some(0)),
        table("accounts", 1_000_000, 0, Some(27_000)),
        table("orders", 80_000, 300, Some(0)),
    ]);
    let eval = e.evaluate(&snap, &History::new());
    assert_eq!(e.status(&eval, "r"), Some(RuleStatus::Fired));
    let f = &eval.findings[0];
    let named: Vec<(EntityKind, usize, &str)> = eval
        .subjects(f)
        .map(|s| (s.kind, s.index, s.name))
        .collect();
    assert_eq!(
        named,
        [
            (EntityKind::Table, 1, "events"),
            (EntityKind::Table, 3, "orders")
        ]
    );
    let lines: Vec<String> = e
        .explain(&eval, f)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "table `events`: index_scans = 0",
            "table `events`: rows = 500,000 >= 10,000",
            "table `orders`: index_scans = 0",
            "table `orders`: rows = 80,000 >= 10,000",
        ]
    );
}

#[test]
fn a_metric_beside_any_is_shown_once() {
    let e = engine("any(tables, rows >= 10k) and db_cpu > 80%");
    let mut snap = with_tables(vec![
        table("a", 20_000, 1, None),
        table("b", 30_000, 1, None),
    ]);
    snap.db_cpu = Some(Ratio::from_percent(90.0).unwrap());
    let eval = e.evaluate(&snap, &History::new());
    let lines: Vec<String> = e
        .explain(&eval, &eval.findings[0])
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "table `a`: rows = 20,000 >= 10,000",
            "db_cpu = 90% > 80%",
            "table `b`: rows = 30,000 >= 10,000",
        ]
    );
}

#[test]
fn missing_lists_and_fields_are_not_read_as_false() {
    let e = engine(BIG_UNINDEXED);
    // No list at all: not judged, and the reason names the list.
    let eval = e.evaluate(&MetricsSnapshot::default(), &History::new());
    assert_eq!(e.status(&eval, "r"), Some(RuleStatus::NotEvaluated));
    assert_eq!(
        e.missing(0, &MetricsSnapshot::default(), &History::new()),
        [MissingInput::Entities(EntityKind::Table)]
    );
    // An empty list: collected, none there: not fired.
    let eval = e.evaluate(&with_tables(Vec::new()), &History::new());
    assert_eq!(e.status(&eval, "r"), Some(RuleStatus::NotFired));
    // Two tables without index counts, one known to be small: not judged; the reason counts
    // the tables lacking the field.
    let snap = with_tables(vec![
        table("a", 20_000, 5, None),
        table("b", 50, 5, Some(0)),
        table("c", 90_000, 5, None),
    ]);
    let eval = e.evaluate(&snap, &History::new());
    assert_eq!(e.status(&eval, "r"), Some(RuleStatus::NotEvaluated));
    let missing = e.missing(0, &snap, &History::new());
    assert_eq!(
        missing,
        [MissingInput::EntityField(EntityField::IndexScans, 2)]
    );
    assert_eq!(
        missing[0].to_string(),
        "index_scans of each table (2 tables lack it)"
    );
    // One table that meets it is enough, whatever the others lack.
    let snap = with_tables(vec![
        table("a", 20_000, 5, None),
        table("d", 20_000, 5, Some(0)),
    ]);
    let eval = e.evaluate(&snap, &History::new());
    assert_eq!(e.status(&eval, "r"), Some(RuleStatus::Fired));
}

#[test]
fn hosts_flags_read_as_conditions() {
    let e = engine("any(hosts, colocated == true and db == true and cpu > 85%)");
    let host = |name: &str, roles: &[HostRole], cpu: f64| {
        let mut h = HostStats::new(EntityName::new(EntityKind::Host, name).unwrap())
            .with_cpu(Ratio::from_percent(cpu).unwrap());
        for r in roles {
            h = h.with_role(*r);
        }
        h
    };
    let snap = |hosts| MetricsSnapshot {
        hosts: Some(Entities::new(hosts).unwrap()),
        ..MetricsSnapshot::default()
    };
    let fired = |s: &MetricsSnapshot| {
        let eval = e.evaluate(s, &History::new());
        e.status(&eval, "r")
    };
    assert_eq!(
        fired(&snap(vec![host(
            "vm",
            &[HostRole::App, HostRole::Db],
            97.0
        )])),
        Some(RuleStatus::Fired)
    );
    assert_eq!(
        fired(&snap(vec![
            host("app", &[HostRole::App], 97.0),
            host("db", &[HostRole::Db], 97.0)
        ])),
        Some(RuleStatus::NotFired)
    );
    assert_eq!(
        fired(&snap(vec![host(
            "vm",
            &[HostRole::App, HostRole::Cache],
            97.0
        )])),
        Some(RuleStatus::NotFired)
    );
}

#[test]
fn evaluation_buffers_are_reused_and_stale_subjects_never_leak() {
    let e = engine(BIG_UNINDEXED);
    let mut out = scalability_advisor_rules::Evaluation::default();
    let hit = with_tables(vec![table("events", 500_000, 1, Some(0))]);
    let miss = with_tables(vec![table("events", 500_000, 1, Some(3))]);
    e.evaluate_into(&hit, &History::new(), &mut out);
    assert_eq!(out.findings.len(), 1);
    e.evaluate_into(&miss, &History::new(), &mut out);
    assert!(out.findings.is_empty());
    e.evaluate_into(&hit, &History::new(), &mut out);
    let names: Vec<&str> = out.subjects(&out.findings[0]).map(|s| s.name).collect();
    assert_eq!(names, ["events"]);
}
