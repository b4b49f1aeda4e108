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

/// A history of one series of hourly values.
fn hourly(
    metric: scalability_advisor_rules::scalability_advisor_core::Metric,
    values: &[f64],
) -> History {
    use scalability_advisor_rules::scalability_advisor_core::Series;
    [Series::from_values(metric, Duration::from_secs(3_600), values).unwrap()]
        .into_iter()
        .collect()
}

fn series_evidence(when: &str, history: &History) -> Vec<String> {
    let text = format!(
        "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"{when}\"\nseverity = \"warning\"\nadvice = \"a\"\n"
    );
    let engine = Engine::new(RulePack::from_toml_str("p.toml", &text).unwrap()).unwrap();
    let eval = engine.evaluate(&MetricsSnapshot::default(), history);
    let f = eval.findings.iter().find(|f| f.id == "r").expect("fires");
    engine
        .explain(&eval, f)
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_sustained_level_says_how_often_over_how_long() {
    use scalability_advisor_rules::scalability_advisor_core::Metric;
    // Seven of eight hourly samples above 70% (87.5%, the default needs 80%), over 7 hours.
    let history = hourly(
        Metric::DbCpu,
        &[0.75, 0.8, 0.72, 0.9, 0.85, 0.6, 0.78, 0.81],
    );
    assert_eq!(
        series_evidence("consistently_above(db_cpu, 70%)", &history),
        ["db_cpu above 70% in 87.5% of 8 samples over 7.0 h (needs 80%)"]
    );
}

#[test]
fn a_trend_says_its_change_samples_span_and_significance() {
    use scalability_advisor_rules::scalability_advisor_core::Metric;
    // P95 rising 40 ms an hour from 300 ms for 12 hours: Sen's slope times the 11-hour span
    // is 440 ms, 84.6% of the 520 ms median; Mann-Kendall S = 66, z = 65 / sqrt(212.67) =
    // 4.457, p = 8e-6, written "< 0.001" (three decimals would print 0.000).
    let p95: Vec<f64> = (0..12).map(|h| 0.3 + 0.04 * f64::from(h)).collect();
    let history = hourly(Metric::P95ResponseTime, &p95);
    assert_eq!(
        series_evidence("degrading(p95_response_time)", &history),
        [
            "p95_response_time getting worse: +84.6% over 12 samples in 11.0 h (Mann-Kendall p < 0.001)"
        ]
    );
}

#[test]
fn numbers_read_as_people_write_them() {
    use scalability_advisor_rules::scalability_advisor_core::units::{
        QueriesPerRequest, Rate, Users,
    };
    let one = |when: &str, snap: &MetricsSnapshot| {
        let lines = evidence(when, snap).expect("fires");
        assert_eq!(lines.len(), 1, "{lines:?}");
        lines[0].clone()
    };
    // A slow rate in the first unit where it is whole (1000 a day, 6 a minute), and the
    // observed rate in the threshold's unit, so that the two read side by side: one every
    // 7 s is 12,342.857 a day, or 8.5714 a minute: four significant digits, as durations
    // (589.2 ms), and whole numbers grouped by thousands (12,343).
    let snap = MetricsSnapshot::default()
        .with_db_transaction_rate(Rate::from_per_second(1.0 / 7.0).unwrap());
    assert_eq!(
        one("db_transaction_rate > 1000/d", &snap),
        "db_transaction_rate = 12,343/d > 1000/d"
    );
    assert_eq!(
        one("db_transaction_rate > 6/min", &snap),
        "db_transaction_rate = 8.571/min > 6/min"
    );
    // Against zero, in the observed rate's own unit: one every 2 s is 30 a minute.
    let half =
        MetricsSnapshot::default().with_db_transaction_rate(Rate::from_per_second(0.5).unwrap());
    assert_eq!(
        one("db_transaction_rate > 0/s", &half),
        "db_transaction_rate = 30/min > 0/min"
    );
    // Within a billionth of a whole number of a unit, it is that whole number.
    let snap = MetricsSnapshot::default()
        .with_db_transaction_rate(Rate::from_per_second((1000.0 + 1e-7) / 86_400.0).unwrap());
    assert_eq!(
        one("db_transaction_rate > 1/d", &snap),
        "db_transaction_rate = 1000/d > 1/d"
    );
    // Four significant digits, whatever the magnitude (a mean read from a collector has
    // fifteen); more only where four would write the value as its level.
    let q = |v: f64| {
        MetricsSnapshot::default().with_db_queries_per_request(QueriesPerRequest::new(v).unwrap())
    };
    assert_eq!(
        one("db_queries_per_request > 0.01", &q(0.012_345_6)),
        "db_queries_per_request = 0.01235 > 0.01"
    );
    assert_eq!(
        one("db_queries_per_request > 100", &q(123.456_789)),
        "db_queries_per_request = 123.5 > 100"
    );
    assert_eq!(
        one("db_queries_per_request >= 10", &q(10.112_720_399_723_582)),
        "db_queries_per_request = 10.11 >= 10"
    );
    assert_eq!(
        one("db_queries_per_request > 10", &q(10.000_4)),
        "db_queries_per_request = 10.0004 > 10"
    );
    assert_eq!(
        one("db_queries_per_request < 10", &q(9.999_96)),
        "db_queries_per_request = 9.99996 < 10"
    );
    // Whole numbers from 10,000 up are grouped by thousands.
    let u = |n: u64| MetricsSnapshot::default().with_users(Users::new(n));
    assert_eq!(one("users > 10000", &u(12_345)), "users = 12,345 > 10,000");
    assert_eq!(one("users > 1000", &u(1_234)), "users = 1234 > 1000");
    // From 10^15 on, plain digits.
    assert_eq!(
        one("users > 1", &u(1_000_000_000_000_000)),
        "users = 1000000000000000 > 1"
    );
    assert_eq!(
        one("users > 1", &u(999_999_999_999_999)),
        "users = 999,999,999,999,999 > 1"
    );
}

#[test]
fn every_comparison_is_shown_as_it_read_held_or_not() {
    let text = "name = \"p\"\n\
        [[rule]]\nid = \"either\"\ntitle = \"t\"\nwhen = \"db_cpu > 80% or server_cpu > 95%\"\nseverity = \"warning\"\nadvice = \"a\"\n\
        [[rule]]\nid = \"hot\"\ntitle = \"t\"\nwhen = \"server_cpu > 85%\"\nclear = \"server_cpu < 70%\"\nseverity = \"warning\"\nadvice = \"a\"\n\
        [[rule]]\nid = \"tables\"\ntitle = \"t\"\nwhen = \"any(tables, rows > 1000 and dead_rows > 10)\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let all = |eval: &scalability_advisor_rules::Evaluation, id: &str| -> Vec<String> {
        let f = eval.findings.iter().find(|f| f.id == id).unwrap();
        engine
            .explain_all(eval, f)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    use scalability_advisor_rules::scalability_advisor_core::units::Count;
    use scalability_advisor_rules::scalability_advisor_core::{
        Entities, EntityKind, EntityName, TableStats,
    };
    let table = |name: &str, rows: u64, dead: u64| {
        TableStats::new(EntityName::new(EntityKind::Table, name).unwrap())
            .with_rows(Count::new(rows))
            .with_dead_rows(Count::new(dead))
    };
    let snap = MetricsSnapshot {
        tables: Some(
            Entities::new(vec![
                table("a", 5_000, 50),
                table("b", 10, 50),
                table("c", 7_000, 20),
            ])
            .unwrap(),
        ),
        ..busy()
    };
    let eval = engine.evaluate(&snap, &History::new());
    // The `or` held through DB CPU; server CPU at 90% did not pass 95%.
    assert_eq!(
        all(&eval, "either"),
        ["db_cpu = 85% > 80%", "server_cpu = 90% <= 95%"]
    );
    // Each matching table, every comparison of it.
    assert_eq!(
        all(&eval, "tables"),
        [
            "table `a`: rows = 5000 > 1000",
            "table `a`: dead_rows = 50 > 10",
            "table `c`: rows = 7000 > 1000",
            "table `c`: dead_rows = 20 > 10"
        ]
    );
    // Held open at 80%: the clear condition, which did not hold.
    use scalability_advisor_rules::State;
    let at = |m: u64| Duration::from_secs(60 * m);
    let one = engine.advance(&State::default(), &busy(), &History::new(), at(0));
    let cooler = busy().with_server_cpu(pct(80.0));
    let two = engine.advance(&one.state, &cooler, &History::new(), at(1));
    assert_eq!(all(&two.evaluation, "hot"), ["server_cpu = 80% >= 70%"]);
    assert_eq!(all(&one.evaluation, "hot"), ["server_cpu = 90% > 85%"]);
}

#[test]
fn arithmetic_is_shown_with_its_result() {
    use scalability_advisor_rules::scalability_advisor_core::units::Users;
    let eight = MetricsSnapshot::default().with_users(Users::new(8));
    assert_eq!(
        evidence("users + 5 > 10", &eight),
        Some(vec!["users + 5 = 13 > 10".to_owned()])
    );
    assert_eq!(
        evidence("-users > -10", &eight),
        Some(vec!["-users = -8 > -10".to_owned()])
    );
    assert_eq!(
        evidence("users * 3 - users / 2 > 19", &eight),
        Some(vec!["users * 3 - users / 2 = 20 > 19".to_owned()])
    );
}

fn status(when: &str, snap: &MetricsSnapshot) -> scalability_advisor_rules::RuleStatus {
    let text = format!(
        "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"{when}\"\nseverity = \"warning\"\nadvice = \"a\"\n"
    );
    let engine = Engine::new(RulePack::from_toml_str("p.toml", &text).unwrap()).unwrap();
    let eval = engine.evaluate(snap, &History::new());
    engine.status(&eval, "r").unwrap()
}

#[test]
fn every_operator_decides_as_written_on_computed_values() {
    use scalability_advisor_rules::RuleStatus::{Fired, NotFired};
    use scalability_advisor_rules::scalability_advisor_core::units::Users;
    // `users * 1` is computed, not read: these run the general evaluator. 8 users.
    let eight = MetricsSnapshot::default().with_users(Users::new(8));
    for (when, expected) in [
        ("users * 1 > 7", Fired),
        ("users * 1 > 8", NotFired),
        ("users * 1 >= 8", Fired),
        ("users * 1 >= 9", NotFired),
        ("users * 1 < 9", Fired),
        ("users * 1 < 8", NotFired),
        ("users * 1 <= 8", Fired),
        ("users * 1 <= 7", NotFired),
        ("users * 1 == 8", Fired),
        ("users * 1 == 9", NotFired),
        ("users * 1 != 9", Fired),
        ("users * 1 != 8", NotFired),
        ("users * 1 != 7", Fired),
        ("not (users * 1 > 5)", NotFired),
        ("not (users * 1 > 9)", Fired),
        ("not (users > 5)", NotFired),
        ("not has(cdn)", Fired),
        ("present(users)", Fired),
        ("present(db_cpu)", NotFired),
    ] {
        assert_eq!(status(when, &eight), expected, "{when}");
    }
}

#[test]
fn consistently_above_without_a_series_or_a_value_is_not_evaluated() {
    use scalability_advisor_rules::RuleStatus::{Fired, NotEvaluated};
    // No history: the snapshot value decides; without it, nothing can.
    assert_eq!(
        status(
            "consistently_above(db_cpu, 70%)",
            &MetricsSnapshot::default()
        ),
        NotEvaluated
    );
    assert_eq!(status("consistently_above(db_cpu, 70%)", &busy()), Fired);
    // A level that is itself unknown.
    assert_eq!(
        status("consistently_above(db_cpu, remote_user_share)", &busy()),
        NotEvaluated
    );
}

#[test]
fn a_series_rule_fired_on_missing_data_shows_what_the_snapshot_holds() {
    let text = "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"degrading(p95_response_time)\"\nmissing = \"fire\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let snap = MetricsSnapshot::default().with_p95_response_time(Duration::from_millis(700));
    let eval = engine.evaluate(&snap, &History::new());
    let f = &eval.findings[0];
    assert!(f.assumed);
    let lines: Vec<String> = engine
        .explain(&eval, f)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        ["p95_response_time trend unknown: no series long enough to judge (snapshot value 700 ms)"]
    );
}

#[test]
fn a_falling_hit_rate_is_degrading() {
    use scalability_advisor_rules::scalability_advisor_core::Metric;
    // The cache hit rate falls a point an hour from 95% for 12 hours: worse, since higher
    // is better for it. A ratio's change is written in points: -11 (Sen's slope, -1 point
    // an hour, over the 11 h span), not -12.3% of its 89.5% median.
    let hits: Vec<f64> = (0..12).map(|h| 0.95 - 0.01 * f64::from(h)).collect();
    let lines = series_evidence(
        "degrading(cache_hit_rate)",
        &hourly(Metric::CacheHitRate, &hits),
    );
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].starts_with("cache_hit_rate getting worse: -11 points over 12 samples in 11.0 h"),
        "{lines:?}"
    );
}

#[test]
fn a_parameter_threshold_is_shown_in_its_unit_with_where_it_was_set() {
    use scalability_advisor_rules::scalability_advisor_core::Metric;
    use scalability_advisor_rules::scalability_advisor_core::units::Count;
    use scalability_advisor_rules::scalability_advisor_core::{
        Entities, EntityKind, EntityName, TableStats,
    };
    let text = "name = \"p\"\n[params]\nscans = \"1000/d\"\nlevel = \"70%\"\n\
        [[rule]]\nid = \"scans\"\ntitle = \"t\"\nwhen = \"any(tables, seq_scan_rate > $scans)\"\nseverity = \"warning\"\nadvice = \"a\"\n\
        [[rule]]\nid = \"busy\"\ntitle = \"t\"\nwhen = \"consistently_above(db_cpu, $level)\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    // 100 sequential scans a minute: 1.66667 a second.
    let table = TableStats::new(EntityName::new(EntityKind::Table, "events").unwrap())
        .with_seq_scans(Count::new(100))
        .with_period(Duration::from_secs(60));
    let snap = MetricsSnapshot {
        tables: Some(Entities::new(vec![table]).unwrap()),
        ..MetricsSnapshot::default()
    };
    let history = hourly(
        Metric::DbCpu,
        &[0.75, 0.8, 0.72, 0.9, 0.85, 0.6, 0.78, 0.81],
    );
    let eval = engine.evaluate(&snap, &history);
    let why = |id: &str| -> Vec<String> {
        let f = eval.findings.iter().find(|f| f.id == id).unwrap();
        engine
            .explain(&eval, f)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(
        why("scans"),
        // (Both sides in the threshold's unit: 1.66667 a second is 144,000 a day.)
        ["table `events`: seq_scan_rate = 144,000/d > 1000/d ($scans, p.toml:3)"]
    );
    assert_eq!(
        why("busy"),
        ["db_cpu above 70% in 87.5% of 8 samples over 7.0 h (needs 80%) ($level, p.toml:4)"]
    );
}

#[test]
fn a_series_function_at_the_stack_limit_counts_its_slot() {
    // The trend's truth takes a slot under the 32 the comparison after it needs: 33.
    let deep = |k: usize| {
        let mut right = "users".to_owned();
        for _ in 0..k {
            right = format!("users + ({right})");
        }
        format!(
            "degrading(p95_response_time) and users * {} > {right}",
            k + 2
        )
    };
    let rule = |when: &str| {
        RulePack::from_toml_str(
            "p.toml",
            &format!(
                "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"{when}\"\nseverity = \"warning\"\nadvice = \"a\"\n"
            ),
        )
        .and_then(Engine::new)
        .map_err(|e| e.to_string())
    };
    assert!(rule(&deep(29)).is_ok());
    let err = rule(&deep(30)).unwrap_err();
    assert!(err.contains("nests too deeply to evaluate"), "{err}");
}

#[test]
fn a_comparison_written_constant_first_reads_measurement_first() {
    assert_eq!(
        evidence("80% < db_cpu", &busy()),
        Some(vec!["db_cpu = 85% > 80%".to_owned()])
    );
    let slow = busy().with_p95_response_time(Duration::from_millis(700));
    assert_eq!(
        evidence("500ms <= p95_response_time", &slow),
        Some(vec!["p95_response_time = 700 ms >= 500 ms".to_owned()])
    );
    // Both sides measured: left as written, and the right side named, since a bare 85%
    // would read as a level.
    assert_eq!(
        evidence("server_cpu > db_cpu", &busy()),
        Some(vec!["server_cpu = 90% > db_cpu = 85%".to_owned()])
    );
}

#[test]
fn operators_apply_as_their_symbols_say() {
    use scalability_advisor_rules::{CmpOp, SeriesFn};
    // Below, at and above 0.7, for each operator.
    for (op, expected) in [
        (CmpOp::Lt, [true, false, false]),
        (CmpOp::Le, [true, true, false]),
        (CmpOp::Gt, [false, false, true]),
        (CmpOp::Ge, [false, true, true]),
        (CmpOp::Eq, [false, true, false]),
        (CmpOp::Ne, [true, false, true]),
    ] {
        let got = [0.6, 0.7, 0.8].map(|a| op.apply(a, 0.7));
        assert_eq!(got, expected, "{op}");
    }
    let names = [
        SeriesFn::ConsistentlyAbove,
        SeriesFn::Degrading,
        SeriesFn::Plateauing,
    ]
    .map(SeriesFn::name);
    assert_eq!(names, ["consistently_above", "degrading", "plateauing"]);
}

#[test]
fn a_level_given_to_a_series_function_is_checked_and_read() {
    // An unknown parameter as the level is refused like anywhere else.
    let text = "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"consistently_above(db_cpu, $nope)\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let err = RulePack::from_toml_str("p.toml", text)
        .unwrap_err()
        .to_string();
    assert!(err.contains("$nope"), "{err}");
    // A measured level is an input of the rule: missing, it is named as missing.
    use scalability_advisor_rules::MissingInput;
    use scalability_advisor_rules::scalability_advisor_core::Metric;
    let text = "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"consistently_above(db_cpu, remote_user_share)\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let missing = engine.missing(0, &busy(), &History::new());
    assert_eq!(missing, [MissingInput::Value(Metric::RemoteUserShare)]);
}

#[test]
fn a_rules_comparisons_and_the_margin_of_each_reading() {
    let text = "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"db_cpu > 80% and users > 5\"\nmissing = \"fire\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let sites = engine.comparisons("r").unwrap();
    let written: Vec<(&str, String, &str)> = sites
        .iter()
        .map(|s| (s.left.as_str(), s.op.to_string(), s.right.as_str()))
        .collect();
    assert_eq!(
        written,
        [
            ("db_cpu", ">".to_owned(), "80%"),
            ("users", ">".to_owned(), "5")
        ]
    );
    assert!(engine.comparisons("nope").is_none());
    // DB CPU 85%: 5 points above; users unknown (the rule fires on the missing data), so
    // no margin.
    let eval = engine.evaluate(&busy(), &History::new());
    let all = engine.explain_all(&eval, &eval.findings[0]);
    assert_eq!(all.len(), 2);
    assert!((all[0].margin.unwrap() - 0.05).abs() < 1e-12);
    assert_eq!(all[1].observed, None);
    assert_eq!(all[1].margin, None);
}

#[test]
fn unknown_and_constant_readings_keep_their_units() {
    // Fired on missing data: the level is still shown, in its unit.
    let text = "name = \"p\"\n[params]\nslow = \"100ms\"\n\
        [[rule]]\nid = \"busy\"\ntitle = \"t\"\nwhen = \"consistently_above(db_cpu, 70%)\"\nmissing = \"fire\"\nseverity = \"warning\"\nadvice = \"a\"\n\
        [[rule]]\nid = \"fixed\"\ntitle = \"t\"\nwhen = \"1s > $slow\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let eval = engine.evaluate(&MetricsSnapshot::default(), &History::new());
    let why = |id: &str| -> Vec<String> {
        let f = eval.findings.iter().find(|f| f.id == id).unwrap();
        engine
            .explain(&eval, f)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(why("busy"), ["db_cpu not measured (condition > 70%)"]);
    // Two constants: a duration on both sides.
    assert_eq!(why("fixed"), ["1s = 1.0 s > 100 ms ($slow, p.toml:3)"]);
    // A level from a parameter keeps its origin inside the parentheses; a flag has no level.
    let text = "name = \"p\"\n[params]\nslow = \"100ms\"\n\
        [[rule]]\nid = \"slow\"\ntitle = \"t\"\nwhen = \"slowest_query_time > $slow\"\nmissing = \"fire\"\nseverity = \"warning\"\nadvice = \"a\"\n\
        [[rule]]\nid = \"flag\"\ntitle = \"t\"\nwhen = \"background_tasks_block_requests == true\"\nmissing = \"fire\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let eval = engine.evaluate(&MetricsSnapshot::default(), &History::new());
    let why = |id: &str| -> Vec<String> {
        let f = eval.findings.iter().find(|f| f.id == id).unwrap();
        engine
            .explain(&eval, f)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(
        why("slow"),
        ["slowest_query_time not measured (condition > 100 ms: $slow, p.toml:3)"]
    );
    assert_eq!(
        why("flag"),
        ["background_tasks_block_requests not measured"]
    );
}

#[test]
fn a_ratio_of_two_rates_against_a_percentage_level_reads_in_percent() {
    // The default pack writes the primary's write level as "80%"; the share of capacity the
    // primary uses is shown the same way, not as `0.85 >= 0.8`.
    use scalability_advisor_rules::scalability_advisor_core::units::Rate;
    let text = "name = \"p\"\n[params]\nlevel = \"80%\"\nplain = \"0.8\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"primary_write_throughput / primary_write_capacity >= $level\"\nseverity = \"warning\"\nadvice = \"a\"\n[[rule]]\nid = \"q\"\ntitle = \"t\"\nwhen = \"primary_write_throughput / primary_write_capacity >= $plain\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let snap = MetricsSnapshot::default()
        .with_primary_write_throughput(Rate::from_per_second(850.0).unwrap())
        .with_primary_write_capacity(Rate::from_per_second(1_000.0).unwrap());
    let eval = engine.evaluate(&snap, &History::new());
    let line = |id: &str| {
        let f = eval.findings.iter().find(|f| f.id == id).unwrap();
        engine.explain(&eval, f)[0].to_string()
    };
    assert_eq!(
        line("r"),
        "primary_write_throughput / primary_write_capacity = 85% >= 80% ($level, p.toml:3)"
    );
    // A level written as a plain number keeps plain numbers.
    assert_eq!(
        line("q"),
        "primary_write_throughput / primary_write_capacity = 0.85 >= 0.8 ($plain, p.toml:4)"
    );
}

#[test]
fn a_level_written_as_arithmetic_is_that_level() {
    // Every way of writing 70%: each fires at 71% and not at 69%, and reads as `> 70%`
    // (the pack's own `$cpu_target * $far_below` is such a level).
    let at = |p: f64| MetricsSnapshot::default().with_db_cpu(pct(p));
    for when in [
        "db_cpu > 50% + 20%",
        "db_cpu > 100% - 30%",
        "db_cpu > 35% * 2",
        "db_cpu > 140% / 2",
        "db_cpu > -(-70%)",
        "consistently_above(db_cpu, 35% * 2)",
    ] {
        assert_eq!(evidence(when, &at(69.0)), None, "{when}");
        let lines = evidence(when, &at(71.0)).unwrap_or_else(|| panic!("{when} did not fire"));
        assert!(lines[0].starts_with("db_cpu = 71%"), "{when}: {lines:?}");
        if !when.starts_with("consistently") {
            assert_eq!(lines, ["db_cpu = 71% > 70%"], "{when}");
        }
    }
}

#[test]
fn a_constant_written_first_is_read_measurement_first_wherever_it_stands() {
    let snap = MetricsSnapshot::default()
        .with_db_cpu(pct(71.0))
        .with_server_cpu(pct(40.0));
    // A computed level, a negated one, and constants first inside `not` and `and`.
    assert_eq!(
        evidence("50% + 20% < db_cpu", &snap),
        Some(vec!["db_cpu = 71% > 70%".to_owned()])
    );
    assert_eq!(
        evidence("-70% > -db_cpu", &snap),
        Some(vec!["-db_cpu = -71% < -70%".to_owned()])
    );
    assert_eq!(
        evidence("not (80% < db_cpu)", &snap),
        Some(vec!["db_cpu = 71% <= 80%".to_owned()])
    );
    assert_eq!(
        evidence("70% < db_cpu and 50% > server_cpu", &snap),
        Some(vec![
            "db_cpu = 71% > 70%".to_owned(),
            "server_cpu = 40% < 50%".to_owned()
        ])
    );
    // Two measurements: as written.
    let lines = evidence("2 * server_cpu > db_cpu", &snap).unwrap();
    assert!(lines[0].starts_with("2 * server_cpu = "), "{lines:?}");
}
