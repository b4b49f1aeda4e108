//! Which comparisons a finding shows as its evidence: only those that made the condition
//! come out as it did, through `and`, `or`, `not`, `has(...)` and literals. Expected lines
//! are written from the language reference: an `or` that holds is shown by the parts that
//! held, an `and` that holds by all its parts.

use core::time::Duration;

use scalability_advisor_rules::scalability_advisor_core::units::Ratio;
use scalability_advisor_rules::scalability_advisor_core::{Component, History, MetricsSnapshot};
use scalability_advisor_rules::{Engine, RulePack};

fn pct(p: f64) -> Ratio {
    Ratio::from_percent(p).unwrap()
}

/// The evidence lines of rule `r` (with condition `when`) on `snap`; `None` if it did not
/// fire.
fn evidence(when: &str, snap: &MetricsSnapshot) -> Option<Vec<String>> {
    let text = format!(
        "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"{when}\"\nseverity = \"warning\"\nadvice = \"a\"\n"
    );
    let engine = Engine::new(RulePack::from_toml_str("p.toml", &text).unwrap()).unwrap();
    let eval = engine.evaluate(snap, &History::new());
    let f = eval.findings.iter().find(|f| f.id == "r")?;
    Some(
        engine
            .explain(&eval, f)
            .iter()
            .map(ToString::to_string)
            .collect(),
    )
}

fn busy() -> MetricsSnapshot {
    MetricsSnapshot::default()
        .with_db_cpu(pct(85.0))
        .with_server_cpu(pct(90.0))
        .with_memory_usage(pct(60.0))
}

#[test]
fn an_or_is_shown_by_the_branch_that_held_not_by_true_parts_of_one_that_failed() {
    // DB CPU is above 80%, but the server is not above 95%: the first branch fails; memory
    // above 50% is what fired the rule.
    let lines = evidence(
        "(db_cpu > 80% and server_cpu > 95%) or memory_usage > 50%",
        &busy(),
    );
    assert_eq!(lines, Some(vec!["memory_usage = 60% > 50%".to_owned()]));
}

#[test]
fn a_branch_that_held_through_a_component_or_a_literal_is_shown() {
    let mut cached = busy();
    cached.architecture.insert(Component::Cache);
    for when in [
        "(db_cpu > 80% and has(cache)) or db_cpu > 95%",
        "(db_cpu > 80% and true) or db_cpu > 95%",
        "(db_cpu > 80% and not has(cdn)) or db_cpu > 95%",
    ] {
        assert_eq!(
            evidence(when, &cached),
            Some(vec!["db_cpu = 85% > 80%".to_owned()]),
            "{when}"
        );
    }
}

#[test]
fn a_negated_comparison_is_shown_as_not_holding() {
    let lines = evidence("not (db_cpu < 50%)", &busy()).unwrap();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("db_cpu = 85%"), "{lines:?}");
}

#[test]
fn a_difference_of_durations_keeps_its_sign() {
    // Remote users wait 300 ms, everyone 500 ms: the difference is -200 ms.
    let snap = MetricsSnapshot::default()
        .with_remote_user_p95(Duration::from_millis(300))
        .with_p95_response_time(Duration::from_millis(500));
    let lines = evidence("remote_user_p95 - p95_response_time < 100ms", &snap).unwrap();
    assert_eq!(
        lines,
        ["remote_user_p95 - p95_response_time = -200 ms < 100 ms"]
    );
    let snap = snap.with_remote_user_p95(Duration::from_millis(500));
    let lines = evidence("remote_user_p95 - p95_response_time < 100ms", &snap).unwrap();
    assert_eq!(
        lines,
        ["remote_user_p95 - p95_response_time = 0 ms < 100 ms"]
    );
}
