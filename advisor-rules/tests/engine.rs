//! Evaluation: outcomes, evidence, time behaviour, layering.

use core::time::Duration;

use scalability_advisor_rules::scalability_advisor_core::units::{Ratio, Users};
use scalability_advisor_rules::scalability_advisor_core::{
    Component, History, Metric, MetricsSnapshot, Stage,
};
use scalability_advisor_rules::{
    Engine, MissingInput, Origin, PackFormat, RulePack, RuleStatus, State, assess,
};

fn pct(p: f64) -> Ratio {
    Ratio::from_percent(p).unwrap()
}

#[test]
fn missing_data_is_not_evaluated_with_names() {
    let engine = Engine::default_pack();
    let snap = MetricsSnapshot::default();
    let e = engine.evaluate(&snap, &History::new());
    assert_eq!(
        engine.status(&e, "key.cpu.warning"),
        Some(RuleStatus::NotEvaluated)
    );
    let i = engine.rule_index("key.cpu.warning").unwrap();
    assert_eq!(
        engine.missing(i, &snap, &History::new()),
        [MissingInput::Value(Metric::ServerCpu)]
    );
    // Transitions run at every size: they need their metric, not the user count.
    let i = engine.rule_index("move.2.db_cpu").unwrap();
    assert_eq!(
        engine.missing(i, &snap, &History::new()),
        [MissingInput::Value(Metric::DbCpu)]
    );
    // A stage-bound rule needs the user count.
    let i = engine.rule_index("premature.cache").unwrap();
    assert_eq!(
        engine.missing(i, &snap, &History::new())[0],
        MissingInput::Users
    );
    assert!(e.findings.is_empty());
}

#[test]
fn or_with_one_side_known_true_fires() {
    // ladder.api_timeouts: timeouts past 1% or the provider's P95 past 500 ms. Latency
    // unknown, timeouts at 4%: fired.
    let engine = Engine::default_pack();
    let snap = MetricsSnapshot::default()
        .with_users(Users::new(100))
        .with_external_api_timeout_share(pct(4.0));
    let e = engine.evaluate(&snap, &History::new());
    assert_eq!(
        engine.status(&e, "ladder.api_timeouts"),
        Some(RuleStatus::Fired)
    );
    // Timeouts fine and latency unknown: cannot say.
    let snap = MetricsSnapshot::default()
        .with_users(Users::new(100))
        .with_external_api_timeout_share(pct(0.5));
    let e = engine.evaluate(&snap, &History::new());
    assert_eq!(
        engine.status(&e, "ladder.api_timeouts"),
        Some(RuleStatus::NotEvaluated)
    );
}

#[test]
fn stage_filter_is_not_applicable_outside_its_stage() {
    // Microservices are questioned up to the growth stage only; 500,000 users is stage 3,
    // where the guide's architecture has them.
    let engine = Engine::default_pack();
    let snap = MetricsSnapshot::default()
        .with_users(Users::new(500_000))
        .with_server_cpu(pct(10.0))
        .with_component(
            scalability_advisor_rules::scalability_advisor_core::Component::Microservices,
        );
    let e = engine.evaluate(&snap, &History::new());
    assert_eq!(
        engine.status(&e, "premature.microservices"),
        Some(RuleStatus::NotApplicable)
    );
}

#[test]
fn transitions_hold_at_every_size_and_say_when_overdue() {
    // Database CPU at 90%: the guide's signal to leave stage 1. At 5,000 users it is a
    // plain warning; at 50,000 and at 2,000,000 users the move is overdue, never milder.
    let engine = Engine::default_pack();
    for (users, overdue) in [(5_000, false), (50_000, true), (2_000_000, true)] {
        let snap = MetricsSnapshot::default()
            .with_users(Users::new(users))
            .with_db_cpu(pct(90.0));
        let e = engine.evaluate(&snap, &History::new());
        let f = e
            .findings
            .iter()
            .find(|f| engine.rule(f.rule).unwrap().id == "move.2.db_cpu")
            .unwrap_or_else(|| panic!("silent at {users} users"));
        assert_eq!(f.overdue, overdue, "{users}");
        assert_eq!(
            f.severity,
            scalability_advisor_rules::Severity::Warning,
            "{users}"
        );
    }
    // Data residency: a warning inside stage 3, critical once overdue (the rule's
    // `overdue_severity`).
    let snap = |users| {
        MetricsSnapshot::default()
            .with_users(Users::new(users))
            .with_data_residency_required(true)
            .with_user_regions(core::num::NonZeroU32::new(2).unwrap())
    };
    let sev = |users| {
        let e = engine.evaluate(&snap(users), &History::new());
        e.findings
            .iter()
            .find(|f| engine.rule(f.rule).unwrap().id == "move.4.data_residency")
            .map(|f| f.severity)
    };
    assert_eq!(
        sev(400_000),
        Some(scalability_advisor_rules::Severity::Warning)
    );
    assert_eq!(
        sev(2_000_000),
        Some(scalability_advisor_rules::Severity::Critical)
    );
    // With stage 4's whole architecture declared, the move has been made: at 2,000,000 users
    // the condition still holds, but it is not overdue and keeps its own severity.
    let mut built = snap(2_000_000);
    built.architecture = Stage::Enterprise.cumulative_architecture();
    let e = engine.evaluate(&built, &History::new());
    let f = e
        .findings
        .iter()
        .find(|f| engine.rule(f.rule).unwrap().id == "move.4.data_residency")
        .expect("the condition still holds");
    assert!(!f.overdue);
    assert_eq!(f.severity, scalability_advisor_rules::Severity::Warning);
    // Short of cross-region replication, the move is still made: the rule's own call, a
    // multi-region deployment, is in place (`Rule::move_made`).
    built.architecture.remove(Component::CrossRegionReplication);
    let e = engine.evaluate(&built, &History::new());
    assert!(
        e.findings
            .iter()
            .any(|f| engine.rule(f.rule).unwrap().id == "move.4.data_residency" && !f.overdue)
    );
    // Without the regions themselves, the move is overdue again.
    built.architecture.remove(Component::MultiRegion);
    let e = engine.evaluate(&built, &History::new());
    assert!(
        e.findings
            .iter()
            .any(|f| engine.rule(f.rule).unwrap().id == "move.4.data_residency" && f.overdue)
    );
}

#[test]
fn evidence_names_threshold_origin_and_margin() {
    let pack = RulePack::default_pack()
        .layer(
            "prod.toml",
            "name = \"prod\"\n\n[params]\nread_replicas_share = \"85%\"\n",
            PackFormat::Toml,
        )
        .unwrap();
    let engine = Engine::new(pack).unwrap();
    let e = engine.evaluate(
        &MetricsSnapshot::default().with_db_read_share(pct(90.0)),
        &History::new(),
    );
    let f = e
        .findings
        .iter()
        .find(|f| engine.rule(f.rule).unwrap().id == "add.read_replicas")
        .unwrap();
    let ev = engine.explain(&e, f);
    assert_eq!(ev[0].metric, Some(Metric::DbReadShare));
    assert!((ev[0].observed.unwrap() - 0.90).abs() < 1e-12);
    assert!((ev[0].threshold - 0.85).abs() < 1e-12);
    assert!((ev[0].margin.unwrap() - 0.05).abs() < 1e-12);
    assert_eq!(
        ev[0].threshold_origin,
        Some((
            "read_replicas_share".into(),
            Origin::File {
                file: "prod.toml".into(),
                line: 4
            }
        ))
    );
    assert_eq!(f.stage, None);
}

#[test]
fn supersession_keeps_the_stronger_finding() {
    let engine = Engine::default_pack();
    let e = engine.evaluate(
        &MetricsSnapshot::default().with_server_cpu(pct(95.0)),
        &History::new(),
    );
    let ids: Vec<&str> = e
        .findings
        .iter()
        .map(|f| engine.rule(f.rule).unwrap().id.as_str())
        .collect();
    assert!(ids.contains(&"key.cpu.critical"));
    assert!(!ids.contains(&"key.cpu.warning"));
    assert_eq!(
        engine.status(&e, "key.cpu.warning"),
        Some(RuleStatus::Fired)
    );
    assert!(e.superseded[engine.rule_index("key.cpu.warning").unwrap()]);
    // Order: critical first.
    assert_eq!(ids[0], "key.cpu.critical");
}

#[test]
fn for_duration_needs_the_condition_to_hold() {
    let pack = RulePack::from_toml_str(
        "p.toml",
        "name = \"p\"\n[[rule]]\nid = \"lag\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"replica_lag > 1s\"\nfor = \"5min\"\n",
    )
    .unwrap();
    let engine = Engine::new(pack).unwrap();
    let lag = |ms| MetricsSnapshot::default().with_replica_lag(Duration::from_millis(ms));
    let min = |m: u64| Duration::from_secs(60 * m);
    let (s, e) = engine.step(&State::default(), &lag(2_000), &History::new(), min(0));
    assert_eq!(engine.status(&e, "lag"), Some(RuleStatus::NotFired));
    let (s, e) = engine.step(&s, &lag(2_000), &History::new(), min(4));
    assert_eq!(engine.status(&e, "lag"), Some(RuleStatus::NotFired));
    let (s, e) = engine.step(&s, &lag(2_000), &History::new(), min(5));
    assert_eq!(engine.status(&e, "lag"), Some(RuleStatus::Fired));
    // Without `clear`, it stops as soon as the condition stops.
    let (s, e) = engine.step(&s, &lag(500), &History::new(), min(6));
    assert_eq!(engine.status(&e, "lag"), Some(RuleStatus::NotFired));
    // A dip resets the timer.
    let (s, _) = engine.step(&s, &lag(2_000), &History::new(), min(7));
    let (_, e) = engine.step(&s, &lag(2_000), &History::new(), min(11));
    assert_eq!(engine.status(&e, "lag"), Some(RuleStatus::NotFired));
}

#[test]
fn layering_overrides_disables_replaces_and_adds_with_provenance() {
    let user = r#"name = "prod"
disable = ["db.bloat"]

[params]
cpu_warning = "90%"

[[rule]]
id = "key.cpu.warning"
title = "CPU past our target"
when = "server_cpu >= 80%"
severity = "warning"
advice = "ours"

[[rule]]
id = "prod.queue"
title = "Queue backlog"
when = "db_connection_wait > 1s"
severity = "critical"
advice = "ours"
"#;
    let base = RulePack::default_pack();
    let layered = base.layer("prod.toml", user, PackFormat::Toml).unwrap();
    assert!(layered.rule("db.bloat").is_none());
    assert_eq!(layered.disabled(), ["db.bloat"]);
    assert_eq!(
        layered.rule("key.cpu.warning").unwrap().origin,
        Origin::File {
            file: "prod.toml".into(),
            line: 8
        }
    );
    assert!(matches!(
        layered.rule("key.cpu.critical").unwrap().origin,
        Origin::DefaultPack { .. }
    ));
    assert_eq!(layered.rules().len(), base.rules().len());
    let printed = layered.to_string();
    assert!(
        printed.contains("$cpu_warning = 90%  (prod.toml:5)"),
        "{printed}"
    );
    assert!(
        printed.contains("prod.queue [critical] when db_connection_wait > 1s  (prod.toml:15)"),
        "{printed}"
    );
    let engine = Engine::new(layered).unwrap();
    let e = engine.evaluate(
        &MetricsSnapshot::default().with_server_cpu(pct(88.0)),
        &History::new(),
    );
    assert_eq!(
        engine.status(&e, "key.cpu.critical"),
        Some(RuleStatus::NotFired)
    ); // 88% < 90%
    assert_eq!(
        engine.status(&e, "key.cpu.warning"),
        Some(RuleStatus::Fired)
    ); // 88% >= 80%
}

#[test]
fn json_pack_equals_toml_pack() {
    let toml_text = "name = \"p\"\n[params]\nlag = \"2s\"\n[[rule]]\nid = \"a\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"x\"\nwhen = \"replica_lag > $lag\"\n";
    let json_text = r#"{"name": "p", "params": {"lag": "2s"}, "rules": [{"id": "a", "title": "t", "severity": "warning", "advice": "x", "when": "replica_lag > $lag"}]}"#;
    let a = RulePack::from_toml_str("p.toml", toml_text).unwrap();
    let b = RulePack::from_json_str("p.json", json_text).unwrap();
    assert_eq!(a.rules()[0].when, b.rules()[0].when);
    assert_eq!(
        a.param("lag").unwrap().value.to_bits(),
        b.param("lag").unwrap().value.to_bits()
    );
}

#[test]
fn assessment_json_shape() {
    let snap = MetricsSnapshot::default()
        .with_users(Users::new(45_000))
        .with_db_read_share(pct(90.0))
        .with_server_cpu(pct(88.0));
    let a = assess(&Engine::default_pack(), &snap, &History::new());
    let v: serde_json::Value = serde_json::from_str(&a.to_json().unwrap()).unwrap();
    assert_eq!(v["format"], 3);
    for key in [
        "plan",
        "stage",
        "next_stage",
        "health",
        "triggers_fired",
        "findings",
        "held_back",
        "checklists",
        "bottlenecks",
        "not_judged",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["stage"]["by_users"], "growth");
    assert_eq!(v["findings"][0]["id"], "key.cpu.critical");
    assert_eq!(v["findings"][0]["severity"], "critical");
    // 88% CPU: the high-CPU ladder's first rung is the plan's first step.
    assert_eq!(v["plan"][0]["key"]["kind"], "remedy");
    assert_eq!(v["plan"][0]["key"]["name"], "vertical_scale");
    assert_eq!(
        v["plan"][0]["ladder"],
        serde_json::json!(["high_server_cpu", "first"])
    );
    assert_eq!(v["bottlenecks"][0]["layer"], "application");
    assert!(v["not_judged"].as_array().unwrap().len() > 10);
    assert!(a.to_markdown().starts_with("# Scalability assessment"));
}

#[test]
fn a_rule_declares_what_missing_data_means() {
    let rule = |id: &str, missing: &str| {
        format!(
            "[[rule]]\nid = \"{id}\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"replica_lag > 1s\"\nmissing = \"{missing}\"\n"
        )
    };
    let text = format!(
        "name = \"p\"\n{}{}{}",
        rule("fire", "fire"),
        rule("ignore", "ignore"),
        rule("ask", "not_evaluated")
    );
    let engine = Engine::new(RulePack::from_toml_str("p.toml", &text).unwrap()).unwrap();
    let e = engine.evaluate(&MetricsSnapshot::default(), &History::new());
    assert_eq!(engine.status(&e, "fire"), Some(RuleStatus::Fired));
    assert_eq!(engine.status(&e, "ignore"), Some(RuleStatus::NotFired));
    assert_eq!(engine.status(&e, "ask"), Some(RuleStatus::NotEvaluated));
    let f = &e.findings[0];
    assert!(f.assumed);
    assert_eq!(engine.explain(&e, f)[0].observed, None);
}

#[test]
fn every_output_round_trips_through_json() {
    use scalability_advisor_rules::{Assessment, Evaluation, RuleEvidence, StepReport};
    let snap = MetricsSnapshot::default()
        .with_users(Users::new(45_000))
        .with_db_read_share(pct(90.0))
        .with_server_cpu(pct(88.0))
        .with_slowest_query_time(Duration::from_millis(300))
        .with_component(
            scalability_advisor_rules::scalability_advisor_core::Component::LoadBalancer,
        );
    // A series too, so trend evidence (with no threshold) is in the output.
    let p95: Vec<f64> = (0..12).map(|h| 0.3 + 0.04 * f64::from(h)).collect();
    let history: History = [
        scalability_advisor_rules::scalability_advisor_core::Series::from_values(
            Metric::P95ResponseTime,
            Duration::from_secs(3_600),
            &p95,
        )
        .unwrap(),
    ]
    .into_iter()
    .collect();
    let engine = Engine::default_pack();
    let a = assess(&engine, &snap, &history);
    let json = serde_json::to_string(&a).unwrap();
    let back: Assessment = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    assert_eq!(back.plan.len(), a.plan.len());

    let e = engine.evaluate(&snap, &history);
    let json = serde_json::to_string(&e).unwrap();
    let back: Evaluation = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    // The evaluation read back explains its findings as the original does.
    let f = &back.findings[0];
    assert_eq!(engine.explain(&back, f), engine.explain(&e, &e.findings[0]));

    let ev = engine.explain(&e, &e.findings[0]);
    let json = serde_json::to_string(&ev).unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<RuleEvidence>>(&json).unwrap(),
        ev
    );

    let step = engine.advance(&State::default(), &snap, &history, Duration::ZERO);
    let json = serde_json::to_string(&step).unwrap();
    let back: StepReport = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    // The state read back carries on where it left off: nothing starts again.
    let next = engine.advance(&back.state, &snap, &history, Duration::from_secs(60));
    assert!(next.changes.iter().all(|c| !c.is_started()));

    let pack = RulePack::default_pack();
    let json = serde_json::to_string(&pack).unwrap();
    let back: RulePack = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    assert_eq!(back.params(), pack.params());
    // A pack read back compiles and judges the same.
    let engine_back = Engine::new(back).unwrap();
    assert_eq!(engine_back.evaluate(&snap, &history).statuses, e.statuses);
    // A broken condition in stored JSON is refused, with the rule named.
    let broken = json.replacen(
        "p95_response_time > $p95_warning",
        "p95_response_time >> 1",
        1,
    );
    let err = serde_json::from_str::<RulePack>(&broken)
        .unwrap_err()
        .to_string();
    assert!(err.contains("key.p95.critical"), "{err}");
    // So is a stored pack that gives two rules one id, as a file would be.
    let twice = json.replacen(
        "\"id\":\"key.p95.critical\"",
        "\"id\":\"key.cpu.critical\"",
        1,
    );
    assert_ne!(twice, json);
    let err = serde_json::from_str::<RulePack>(&twice)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("rule id `key.cpu.critical` is used twice"),
        "{err}"
    );
}

#[test]
fn an_ops_loop_of_100_steps_reports_each_transition_once() {
    use scalability_advisor_rules::ChangeKind;
    // Two rules, one step a minute. `hot` needs three holds in a row and clears below 60%;
    // `lag` needs five minutes of lag and stops as soon as it stops.
    let pack = RulePack::from_toml_str(
        "ops.toml",
        r#"name = "ops"
[[rule]]
id = "hot"
title = "Database hot"
when = "db_cpu > 80%"
clear = "db_cpu < 60%"
for_evaluations = 3
severity = "warning"
advice = "a"

[[rule]]
id = "lag"
title = "Replicas lag"
when = "replica_lag > 1s"
for = "5min"
severity = "critical"
advice = "b"
"#,
    )
    .unwrap();
    let engine = Engine::new(pack).unwrap();
    let cpu = |step: u32| match step {
        10..=29 => 90.0,
        30..=39 => 70.0, // between the levels: a firing `hot` stays on
        60..=61 => 95.0, // two holds: not enough
        70..=99 => 85.0,
        _ => 50.0,
    };
    let lag_ms = |step: u32| match step {
        20..=50 => 2_000,
        80..=83 => 3_000, // four minutes: not enough
        _ => 500,
    };
    // Worked out by hand from the signals above.
    let expected = [
        (12, "hot", ChangeKind::Started),
        (25, "lag", ChangeKind::Started),
        (40, "hot", ChangeKind::Resolved),
        (51, "lag", ChangeKind::Resolved),
        (72, "hot", ChangeKind::Started),
    ];
    let mut state = State::default();
    let mut seen = Vec::new();
    let mut still = 0;
    for step in 0..100u32 {
        let snap = MetricsSnapshot::default()
            .with_db_cpu(pct(cpu(step)))
            .with_replica_lag(Duration::from_millis(lag_ms(step)));
        let report = engine.advance(
            &state,
            &snap,
            &History::new(),
            Duration::from_secs(60 * u64::from(step)),
        );
        for c in &report.changes {
            match c.kind {
                ChangeKind::StillFiring => still += 1,
                kind => seen.push((step, c.id.to_string(), kind)),
            }
            assert!(!c.evidence.is_empty(), "step {step}: {c:?}");
            // Between the levels, `hot` is kept open: its evidence is why it has not cleared.
            if step == 30 && c.id == "hot" {
                assert_eq!(c.evidence[0].to_string(), "db_cpu = 70% >= 60%");
            }
        }
        state = report.state;
    }
    let seen: Vec<(u32, &str, ChangeKind)> = seen
        .iter()
        .map(|(s, id, k)| (*s, id.as_str(), *k))
        .collect();
    assert_eq!(seen, expected);
    // Still firing: hot 13..=39 (27 steps) and 73..=99 (27), lag 26..=50 (25).
    assert_eq!(still, 27 + 27 + 25);
}

/// The evidence lines of the one rule `when`, fired on `snap`.
fn evidence_of(when: &str, snap: &MetricsSnapshot) -> Vec<String> {
    let text = format!(
        "name = \"p\"\n[[rule]]\nid = \"hot\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"{when}\"\n"
    );
    let engine = Engine::new(RulePack::from_toml_str("p.toml", &text).expect("valid pack"))
        .expect("compiles");
    let e = engine.evaluate(snap, &History::new());
    let finding = e.findings.first().expect("the rule fires");
    engine
        .explain(&e, finding)
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn evidence_of_an_or_shows_each_part_that_held_including_a_present_guard() {
    // Both sides of the `or` hold: the DB CPU comparison, and memory use, guarded by
    // `present(memory_usage)`. Each holding part is shown; the guard itself has no line.
    let snap = MetricsSnapshot::default()
        .with_db_cpu(pct(85.0))
        .with_memory_usage(pct(95.0));
    assert_eq!(
        evidence_of(
            "db_cpu > 80% or (present(memory_usage) and memory_usage > 90%)",
            &snap
        ),
        ["db_cpu = 85% > 80%", "memory_usage = 95% > 90%"]
    );
}

#[test]
fn evidence_reads_a_missing_metric_as_absent() {
    // Memory use is not measured, so `not present(memory_usage) and users > 100` holds
    // beside the DB CPU comparison: both parts of the `or` are shown.
    let snap = MetricsSnapshot::default()
        .with_db_cpu(pct(85.0))
        .with_users(Users::new(1_000));
    assert_eq!(
        evidence_of(
            "db_cpu > 80% or (not present(memory_usage) and users > 100)",
            &snap
        ),
        ["db_cpu = 85% > 80%", "users = 1000 > 100"]
    );
}

#[test]
fn counting_agrees_with_evaluating_at_every_stage() {
    // `count` is the allocation-free path for fleets: its (fired, not evaluated) pair must
    // be what a full evaluation reports, including for the pack's stage-limited rules
    // (premature-optimisation rules apply to stages 1 and 2 only), and with no user count
    // (those rules cannot be decided).
    let engine = Engine::default_pack();
    for users in [
        None,
        Some(4_000),
        Some(50_000),
        Some(400_000),
        Some(3_000_000),
    ] {
        let mut snap = MetricsSnapshot::default()
            .with_server_cpu(pct(25.0))
            .with_db_cpu(pct(20.0))
            .with_p95_response_time(Duration::from_millis(180))
            .with_component(Component::Cache)
            .with_component(Component::Sharding)
            .with_component(Component::Microservices);
        if let Some(n) = users {
            snap = snap.with_users(Users::new(n));
        }
        let e = engine.evaluate(&snap, &History::new());
        let fired = e
            .statuses
            .iter()
            .filter(|s| **s == RuleStatus::Fired)
            .count();
        let unknown = e
            .statuses
            .iter()
            .filter(|s| **s == RuleStatus::NotEvaluated)
            .count();
        assert_eq!(
            engine.count(&snap, &History::new()),
            (fired, unknown),
            "{users:?}"
        );
    }
}

#[test]
fn counting_follows_each_rules_missing_data_policy() {
    // Three rules on a metric the snapshot lacks: `fire` counts as fired, `not_evaluated`
    // as undecided, `ignore` as neither; one rule on a metric it has, holding.
    let pack = scalability_advisor_rules::RulePack::from_toml_str(
        "p.toml",
        r#"
name = "p"
[[rule]]
id = "lag.fire"
title = "Lag"
when = "replica_lag > 1s"
severity = "warning"
advice = "a"
missing = "fire"
[[rule]]
id = "lag.unknown"
title = "Lag"
when = "replica_lag > 2s"
severity = "warning"
advice = "a"
[[rule]]
id = "lag.ignore"
title = "Lag"
when = "replica_lag > 3s"
severity = "warning"
advice = "a"
missing = "ignore"
[[rule]]
id = "cpu"
title = "CPU"
when = "db_cpu > 50%"
severity = "warning"
advice = "a"
"#,
    )
    .expect("the pack loads");
    let engine = Engine::new(pack).expect("the pack compiles");
    let snap = MetricsSnapshot::default().with_db_cpu(pct(80.0));
    assert_eq!(engine.count(&snap, &History::new()), (2, 1));
}

#[test]
fn a_rule_id_compares_with_the_text_it_was_made_from() {
    use scalability_advisor_rules::RuleId;
    let id = RuleId::new("key.pool.critical");
    assert_eq!(id.as_str(), "key.pool.critical");
    assert!(id == *"key.pool.critical");
    assert!(id != *"key.pool.warning");
    assert!(id == "key.pool.critical");
    assert!(id != "key.pool");
    assert_eq!(id.to_string(), "key.pool.critical");
    let text: &str = id.as_ref();
    assert_eq!(text, "key.pool.critical");
}

#[test]
fn hysteresis_holds_a_finding_open_until_clear_holds_and_says_so() {
    use scalability_advisor_rules::{ChangeKind, State};
    // Fires above 90% server CPU, clears only below 70%.
    let text = "name = \"p\"\n[[rule]]\nid = \"hot\"\ntitle = \"t\"\nwhen = \"server_cpu > 90% and users > 5\"\nclear = \"server_cpu < 70%\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let cpu = |p: f64| {
        MetricsSnapshot::default()
            .with_server_cpu(pct(p))
            .with_users(Users::new(10))
    };
    let at = |m: u64| Duration::from_secs(60 * m);
    let h = History::new();
    // 95%: started, not held open.
    let one = engine.advance(&State::default(), &cpu(95.0), &h, at(0));
    assert_eq!(one.changes.len(), 1);
    assert!(one.changes[0].is_started() && !one.changes[0].is_resolved());
    assert!(!one.evaluation.findings[0].held_open);
    let why = |step: &scalability_advisor_rules::StepReport| -> Vec<String> {
        engine
            .explain(&step.evaluation, &step.evaluation.findings[0])
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(why(&one), ["server_cpu = 95% > 90%", "users = 10 > 5"]);
    // 80%: the condition no longer holds, `clear` does not yet: still firing, held open.
    let two = engine.advance(&one.state, &cpu(80.0), &h, at(1));
    assert!(
        two.changes
            .iter()
            .all(|c| c.kind == ChangeKind::StillFiring),
        "{:?}",
        two.changes
    );
    assert!(two.evaluation.findings[0].held_open);
    // Why it is still open: `clear` (below 70%) does not hold.
    assert_eq!(why(&two), ["server_cpu = 80% >= 70%"]);
    // 65%: `clear` holds; the change says so with the clear condition's reading.
    let three = engine.advance(&two.state, &cpu(65.0), &h, at(2));
    assert_eq!(three.changes.len(), 1);
    let c = &three.changes[0];
    assert!(c.is_resolved() && !c.is_started());
    let why: Vec<String> = c.evidence.iter().map(ToString::to_string).collect();
    assert_eq!(why, ["server_cpu = 65% < 70%"]);
}

#[test]
fn findings_stay_in_severity_order_when_an_overdue_move_is_raised() {
    use core::num::NonZeroU32;
    // At 200,000 users (stage 3), maxed-out servers call for the stage-2 move, overdue and
    // so raised; at 2,000,000 users in one region, the stage-4 moves. Warnings fire beside
    // them (read share, pool, queries).
    let snaps = [
        MetricsSnapshot::default()
            .with_users(Users::new(200_000))
            .with_server_cpu(pct(95.0))
            .with_db_read_share(pct(90.0))
            .with_db_pool_usage(pct(60.0)),
        MetricsSnapshot::default()
            .with_users(Users::new(2_000_000))
            .with_deployed_regions(NonZeroU32::MIN)
            .with_availability_target(pct(99.99))
            .with_db_read_share(pct(90.0))
            .with_db_pool_usage(pct(60.0)),
        // Data residency is a warning, critical once overdue: it must move ahead of the key
        // metrics' warnings, which come first among warnings.
        MetricsSnapshot::default()
            .with_users(Users::new(2_000_000))
            .with_data_residency_required(true)
            .with_user_regions(NonZeroU32::new(2).unwrap())
            .with_server_cpu(pct(75.0))
            .with_db_pool_usage(pct(60.0))
            .with_p95_response_time(Duration::from_millis(700)),
    ];
    let engine = Engine::default_pack();
    for snap in snaps {
        let eval = engine.evaluate(&snap, &History::new());
        assert!(eval.findings.iter().any(|f| f.overdue));
        let severities: Vec<_> = eval.findings.iter().map(|f| f.severity).collect();
        assert!(
            severities.windows(2).all(|w| w[0] >= w[1]),
            "{:?}",
            eval.findings
                .iter()
                .map(|f| (f.id.as_str(), f.severity))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn an_entity_rule_after_another_finding_shows_only_its_own_evidence() {
    use scalability_advisor_rules::scalability_advisor_core::units::Count;
    use scalability_advisor_rules::scalability_advisor_core::{
        Entities, EntityKind, EntityName, TableStats,
    };
    let text = "name = \"p\"\n\
        [[rule]]\nid = \"big\"\ntitle = \"t\"\nwhen = \"users > 5 and db_cpu > 50%\"\nseverity = \"critical\"\nadvice = \"a\"\n\
        [[rule]]\nid = \"tables\"\ntitle = \"t\"\nwhen = \"any(tables, rows > 1000)\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let table = |name: &str, rows: u64| {
        TableStats::new(EntityName::new(EntityKind::Table, name).unwrap())
            .with_rows(Count::new(rows))
    };
    let snap = MetricsSnapshot {
        tables: Some(
            Entities::new(vec![table("a", 5_000), table("b", 10), table("c", 7_000)]).unwrap(),
        ),
        ..MetricsSnapshot::default()
            .with_users(Users::new(50))
            .with_db_cpu(pct(70.0))
    };
    let eval = engine.evaluate(&snap, &History::new());
    let ids: Vec<&str> = eval.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["big", "tables"]);
    let why = |i: usize| -> Vec<String> {
        engine
            .explain(&eval, &eval.findings[i])
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(why(0), ["users = 50 > 5", "db_cpu = 70% > 50%"]);
    assert_eq!(
        why(1),
        [
            "table `a`: rows = 5000 > 1000",
            "table `c`: rows = 7000 > 1000"
        ]
    );
}

#[test]
fn a_finding_superseded_by_a_fired_rule_is_dropped_even_when_every_fired_rule_is_superseded() {
    // `top` replaces `mid`, which replaces `low`. At 85% CPU, `mid` and `low` fire, `top`
    // (above 95%) does not: `mid` stands, `low` goes.
    let text = "name = \"p\"\n\
        [[rule]]\nid = \"top\"\ntitle = \"t\"\nwhen = \"server_cpu > 95%\"\nseverity = \"critical\"\nadvice = \"a\"\nsupersedes = [\"mid\"]\n\
        [[rule]]\nid = \"mid\"\ntitle = \"t\"\nwhen = \"server_cpu > 80%\"\nseverity = \"warning\"\nadvice = \"a\"\nsupersedes = [\"low\"]\n\
        [[rule]]\nid = \"low\"\ntitle = \"t\"\nwhen = \"server_cpu > 70%\"\nseverity = \"info\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let eval = engine.evaluate(
        &MetricsSnapshot::default().with_server_cpu(pct(85.0)),
        &History::new(),
    );
    let ids: Vec<&str> = eval.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["mid"]);
}

#[test]
fn an_entity_rule_held_open_shows_why_it_has_not_cleared_not_its_entities() {
    use scalability_advisor_rules::State;
    use scalability_advisor_rules::scalability_advisor_core::units::Count;
    use scalability_advisor_rules::scalability_advisor_core::{
        Entities, EntityKind, EntityName, TableStats,
    };
    let text = "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"any(tables, rows > 1000) and db_cpu > 80%\"\nclear = \"db_cpu < 50%\"\nseverity = \"warning\"\nadvice = \"a\"\n";
    let engine = Engine::new(RulePack::from_toml_str("p.toml", text).unwrap()).unwrap();
    let snap = |db: f64| MetricsSnapshot {
        tables: Some(
            Entities::new(vec![
                TableStats::new(EntityName::new(EntityKind::Table, "a").unwrap())
                    .with_rows(Count::new(5_000)),
            ])
            .unwrap(),
        ),
        ..MetricsSnapshot::default().with_db_cpu(pct(db))
    };
    let h = History::new();
    let one = engine.advance(&State::default(), &snap(90.0), &h, Duration::ZERO);
    let why = |e: &scalability_advisor_rules::Evaluation| -> Vec<String> {
        engine
            .explain(e, &e.findings[0])
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(
        why(&one.evaluation),
        ["table `a`: rows = 5000 > 1000", "db_cpu = 90% > 80%"]
    );
    // DB CPU at 70%: the condition fails, `clear` (below 50%) does not hold: held open.
    let two = engine.advance(&one.state, &snap(70.0), &h, Duration::from_secs(60));
    assert!(two.evaluation.findings[0].held_open);
    assert_eq!(why(&two.evaluation), ["db_cpu = 70% >= 50%"]);
}

/// A pack of the given rules (`id`, severity, condition, extra keys), in that order.
fn small_pack(rules: &[(&str, &str, &str, &str)]) -> Engine {
    let mut toml = String::from("name = \"small\"\n");
    for (id, severity, when, extra) in rules {
        toml.push_str(&format!(
            "[[rule]]\nid = \"{id}\"\ntitle = \"t\"\nseverity = \"{severity}\"\nadvice = \"a\"\nwhen = \"{when}\"\n{extra}\n"
        ));
    }
    Engine::new(RulePack::from_toml_str("small.toml", &toml).unwrap()).unwrap()
}

fn fired(e: &scalability_advisor_rules::Evaluation) -> Vec<(String, String)> {
    e.findings
        .iter()
        .map(|f| (f.id.to_string(), f.severity.to_string()))
        .collect()
}

#[test]
fn an_overdue_move_of_several_comparisons_goes_first_at_its_raised_severity() {
    // An info move (two comparisons) whose stage the users have reached, with nothing of
    // that stage built, is raised to critical: it comes before the warning, whatever their
    // order as written.
    let engine = small_pack(&[
        ("busy", "warning", "server_cpu > 50%", "priority = 10"),
        (
            "move",
            "info",
            "server_cpu > 50% and db_cpu > 50%",
            "priority = 20\nmoves_to = \"growth\"\noverdue_severity = \"critical\"",
        ),
    ]);
    let snap = MetricsSnapshot::default()
        .with_users(Users::new(50_000))
        .with_server_cpu(pct(60.0))
        .with_db_cpu(pct(60.0));
    let e = engine.evaluate(&snap, &History::new());
    let expected = [
        ("move".to_owned(), "critical".to_owned()),
        ("busy".to_owned(), "warning".to_owned()),
    ];
    assert_eq!(fired(&e), expected);
    assert!(e.findings[0].overdue);
}

#[test]
fn a_rule_superseded_by_a_milder_rule_judged_after_it_is_dropped() {
    // Findings are judged critical first, so a warning that supersedes a critical is
    // judged after it: the critical's finding is dropped once the warning has fired, both
    // when the warning is one comparison and when it is several.
    for when in ["db_cpu > 40%", "db_cpu > 40% and server_cpu > 10%"] {
        let engine = small_pack(&[
            ("hot", "critical", "server_cpu > 50%", ""),
            ("why", "warning", when, "supersedes = [\"hot\"]"),
        ]);
        let snap = MetricsSnapshot::default()
            .with_server_cpu(pct(60.0))
            .with_db_cpu(pct(60.0));
        let e = engine.evaluate(&snap, &History::new());
        assert_eq!(
            fired(&e),
            [("why".to_owned(), "warning".to_owned())],
            "{when}"
        );
        let hot = engine.rule_index("hot").unwrap();
        assert_eq!(e.statuses[hot], RuleStatus::Fired, "{when}");
        assert!(e.superseded[hot], "{when}");
        // When the warning does not fire, the critical stays.
        let calm = snap.with_db_cpu(pct(20.0));
        let e = engine.evaluate(&calm, &History::new());
        assert_eq!(
            fired(&e),
            [("hot".to_owned(), "critical".to_owned())],
            "{when}"
        );
    }
}

#[test]
fn a_list_many_rules_lack_is_named_once_in_the_summary() {
    // Three rules over the table list, and no list: the summary names what is missing once.
    let engine = small_pack(&[
        ("a", "warning", "any(tables, rows > 1000)", ""),
        ("b", "warning", "any(tables, seq_scans > 10)", ""),
        ("c", "warning", "any(tables, index_scans == 0)", ""),
    ]);
    let snap = MetricsSnapshot::default();
    let e = engine.evaluate(&snap, &History::new());
    let config = engine.pack().advisor_config();
    let s = scalability_advisor_rules::summarize(&engine, &e, &snap, &History::new(), &config);
    assert_eq!(s.not_judged, 3);
    assert_eq!(
        s.missing,
        [MissingInput::Entities(
            scalability_advisor_rules::scalability_advisor_core::EntityKind::Table
        )]
    );
}

#[test]
fn a_later_superseding_rule_of_some_stages_replaces_only_at_those_stages() {
    // "add" (warning, judged first) is replaced by "wait" (info, judged after it), which
    // applies at the startup stage only. Both conditions hold: at 2,000 users only "wait"
    // is found; at 20,000 users "wait" does not apply and "add" stands; with no user count
    // "wait" is not judged and "add" stands too. The same with "add" also replaced by a
    // rule of every stage that fires.
    let engine = small_pack(&[
        ("add", "warning", "db_read_share > 80%", "priority = 10"),
        (
            "wait",
            "info",
            "db_read_share > 80%",
            "priority = 70\nstages = [\"startup\"]\nsupersedes = [\"add\"]",
        ),
    ]);
    let reads = |users: Option<u64>| {
        let snap =
            MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(92.0).unwrap());
        let snap = match users {
            Some(n) => snap.with_users(Users::new(n)),
            None => snap,
        };
        fired(&engine.evaluate(&snap, &History::new()))
    };
    let one = |id: &str, severity: &str| vec![(id.to_owned(), severity.to_owned())];
    assert_eq!(reads(Some(2_000)), one("wait", "info"));
    assert_eq!(reads(Some(20_000)), one("add", "warning"));
    assert_eq!(reads(None), one("add", "warning"));
    let also = small_pack(&[
        ("add", "warning", "db_read_share > 80%", "priority = 10"),
        (
            "wait",
            "info",
            "db_read_share > 80%",
            "priority = 70\nstages = [\"startup\"]\nsupersedes = [\"add\"]",
        ),
        (
            "always",
            "info",
            "db_read_share > 90%",
            "priority = 80\nsupersedes = [\"add\"]",
        ),
    ]);
    let snap = MetricsSnapshot::default()
        .with_db_read_share(Ratio::from_percent(92.0).unwrap())
        .with_users(Users::new(20_000));
    assert_eq!(
        fired(&also.evaluate(&snap, &History::new())),
        one("always", "info")
    );
    // A rule of every stage replaces with no user count too.
    let unknown = MetricsSnapshot::default().with_db_read_share(Ratio::from_percent(92.0).unwrap());
    assert_eq!(
        fired(&also.evaluate(&unknown, &History::new())),
        one("always", "info")
    );
}
