//! How the plan orders and merges its steps, on small packs built for each rule of the
//! order: the guide's diagnosis order (is it the database? the application? the network? an
//! external service?), the rungs of a ladder, immediate steps before checklist gaps, and
//! which finding a merged step takes its advice from.

use scalability_advisor_rules::scalability_advisor_core::units::{Ratio, Users};
use scalability_advisor_rules::scalability_advisor_core::{
    Component, History, MetricsSnapshot, Remedy,
};
use scalability_advisor_rules::{Assessment, Engine, RulePack, StepKey, assess};

/// A pack of warning rules that all fire on any measured server CPU; each entry is
/// `(id, extra keys)`.
fn pack(rules: &[(&str, &str)]) -> Engine {
    let mut toml = String::from("name = \"order\"\n");
    for (id, extra) in rules {
        toml.push_str(&format!(
            "[[rule]]\nid = \"{id}\"\ntitle = \"Title of {id}\"\nwhen = \"server_cpu >= 0%\"\nseverity = \"warning\"\nadvice = \"Advice of {id}.\"\n{extra}\n"
        ));
    }
    Engine::new(RulePack::from_toml_str("order.toml", &toml).unwrap()).unwrap()
}

fn run(engine: &Engine, snap: MetricsSnapshot) -> Assessment {
    assess(
        engine,
        &snap.with_server_cpu(Ratio::from_percent(50.0).unwrap()),
        &History::new(),
    )
}

fn titles(a: &Assessment) -> Vec<&str> {
    a.plan.iter().map(|s| s.title.as_str()).collect()
}

#[test]
fn steps_follow_the_guides_diagnosis_order_before_priorities() {
    // Priorities say the opposite of the diagnosis order; the order wins. Storage goes with
    // the database (the database health check covers it); a step with no layer comes last.
    let engine = pack(&[
        ("none", "priority = 0"),
        ("ext", "layer = \"external_api\"\npriority = 1"),
        ("net", "layer = \"network\"\npriority = 2"),
        ("app", "layer = \"application\"\npriority = 3"),
        ("store", "layer = \"storage\"\npriority = 5"),
        ("db", "layer = \"database\"\npriority = 4"),
    ]);
    let a = run(&engine, MetricsSnapshot::default());
    assert_eq!(
        titles(&a),
        [
            "Title of db",
            "Title of store",
            "Title of app",
            "Title of net",
            "Title of ext",
            "Title of none"
        ]
    );
}

#[test]
fn a_remedy_for_api_timeouts_is_worked_on_at_the_external_services() {
    // The API-timeout ladder's remedies act on external calls: that step ranks with the
    // external-service layer, ahead of a step that names no layer, whatever the priorities.
    let engine = pack(&[
        ("none", "priority = 0"),
        ("timeouts", "remedy = \"async_processing\"\npriority = 9"),
    ]);
    let a = run(&engine, MetricsSnapshot::default());
    assert_eq!(a.plan[0].key, StepKey::Remedy(Remedy::AsyncProcessing));
    assert_eq!(titles(&a)[1], "Title of none");
}

#[test]
fn of_two_rungs_called_for_on_one_ladder_the_lower_goes_first() {
    // The guide's ladder for slow pages: caching first, then a CDN. Called for by two rules
    // (in either order of their ids), caching is the step and the CDN waits for it.
    for (first, second) in [("a", "b"), ("b", "a")] {
        let engine = pack(&[
            (&format!("{first}_cdn"), "remedy = \"cdn\""),
            (&format!("{second}_cache"), "remedy = \"add_caching\""),
        ]);
        let a = run(&engine, MetricsSnapshot::default());
        let text = a.to_text();
        assert_eq!(a.plan.len(), 1, "{text}");
        assert_eq!(a.plan[0].key, StepKey::Remedy(Remedy::AddCaching), "{text}");
        assert_eq!(a.held_back.len(), 1, "{text}");
        assert_eq!(a.held_back[0].remedy, Remedy::Cdn, "{text}");
        assert_eq!(
            a.held_back[0].until,
            StepKey::Remedy(Remedy::AddCaching),
            "{text}"
        );
    }
}

#[test]
fn a_merged_step_advises_what_its_first_finding_advises() {
    // Two rules of one severity share an action: one step, in the order of their priorities,
    // with the first one's title and advice.
    let engine = pack(&[
        ("later", "action = \"shared\"\npriority = 7"),
        ("first", "action = \"shared\"\npriority = 3"),
    ]);
    let a = run(&engine, MetricsSnapshot::default());
    assert_eq!(a.plan.len(), 1);
    assert_eq!(a.plan[0].findings, ["first", "later"]);
    assert_eq!(a.plan[0].title, "Title of first");
    assert_eq!(a.plan[0].advice, "Advice of first.");
}

#[test]
fn immediate_steps_come_before_checklist_gaps() {
    // 200,000 users is stage 3 (scale); with a load balancer declared and no circuit
    // breakers, the scaling checklist has gaps, a warning at that size. A warning rule with
    // no layer and a later priority than the checklist's still comes first: it is something
    // to do now.
    let engine = pack(&[("now", "priority = 80")]);
    let snap = MetricsSnapshot::default()
        .with_users(Users::new(200_000))
        .with_component(Component::LoadBalancer);
    let a = run(&engine, snap);
    let text = a.to_text();
    assert_eq!(a.plan[0].title, "Title of now", "{text}");
    assert!(matches!(a.plan[1].key, StepKey::Checklist(_)), "{text}");
}

#[test]
fn a_step_shared_through_an_action_is_titled_by_its_first_finding() {
    // Two findings share a step through an action; the one with the earlier priority comes
    // first and names the step, in the report and in its summary alike.
    use scalability_advisor_rules::{Summary, summarize};
    let toml = "name = \"t\"\n\
        [[rule]]\nid = \"b\"\ntitle = \"Second\"\nwhen = \"server_cpu >= 0%\"\nseverity = \"warning\"\nadvice = \"B.\"\naction = \"shared\"\npriority = 2\n\
        [[rule]]\nid = \"a\"\ntitle = \"First\"\nwhen = \"server_cpu >= 0%\"\nseverity = \"warning\"\nadvice = \"A.\"\naction = \"shared\"\npriority = 1\n";
    let engine = Engine::new(RulePack::from_toml_str("t.toml", toml).unwrap()).unwrap();
    let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(50.0).unwrap());
    let a = run(&engine, snap.clone());
    assert_eq!(a.plan.len(), 1);
    assert_eq!(a.plan[0].title, "First");
    let eval = engine.evaluate(&snap, &History::new());
    let config = engine.pack().advisor_config();
    let s = summarize(&engine, &eval, &snap, &History::new(), &config);
    assert_eq!(s, Summary::of(&a));
    assert_eq!(s.first_step_title, "First");
}

#[test]
fn a_rung_called_for_on_a_used_up_ladder_joins_the_used_up_step() {
    // The slow database's three rungs (indexes, read replicas, sharding) are declared done,
    // yet DB CPU is at 82% and 90% of its load is reads, which calls for read replicas: the
    // call joins the step that questions the declarations, instead of a step of its own.
    use scalability_advisor_rules::scalability_advisor_core::Symptom;
    let mut snap = MetricsSnapshot::default()
        .with_db_cpu(Ratio::from_percent(82.0).unwrap())
        .with_db_read_share(Ratio::from_percent(90.0).unwrap());
    for r in [Remedy::AddIndexes, Remedy::ReadReplicas, Remedy::Sharding] {
        snap.tried.insert(r);
    }
    let a = assess(&Engine::default_pack(), &snap, &History::new());
    let text = a.to_text();
    let used_up = a
        .plan
        .iter()
        .find(|s| s.key == StepKey::LadderExhausted(Symptom::DatabaseSlow))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        used_up.findings.iter().any(|f| f == "add.read_replicas"),
        "{text}"
    );
    assert!(
        !a.plan
            .iter()
            .any(|s| s.key == StepKey::Remedy(Remedy::ReadReplicas)),
        "{text}"
    );
}

#[test]
fn a_component_no_remedy_installs_is_added_by_name() {
    // A search cluster is no rung of any ladder of the guide: the step is to add it, named
    // as people write it.
    let engine = pack(&[("search", "recommends = [\"search_cluster\"]")]);
    let a = run(&engine, MetricsSnapshot::default());
    assert_eq!(titles(&a), ["Add a search cluster"]);
}

#[test]
fn a_slow_page_rung_never_waits_for_itself() {
    // A pack whose only finding on a layer (the network) advises the slow-page ladder's
    // current rung itself (a CDN, the cache being in place): the network ranks first, but
    // the rung cannot wait for the step that is itself. One CDN step, nothing held back.
    let engine = pack(&[
        ("pages", "ladder = \"slow_page_loads\""),
        ("p95", "symptom = \"slow_page_loads\""),
        (
            "netcdn",
            "layer = \"network\"\nsymptom = \"slow_page_loads\"\nremedy = \"cdn\"",
        ),
    ]);
    let a = run(
        &engine,
        MetricsSnapshot::default()
            .with_users(Users::new(50_000))
            .with_component(Component::Cache),
    );
    let text = a.to_text();
    assert!(a.held_back.is_empty(), "{text}");
    let cdn = a
        .plan
        .iter()
        .find(|s| s.key == StepKey::Remedy(Remedy::Cdn))
        .unwrap_or_else(|| panic!("no CDN step:\n{text}"));
    for id in ["pages", "p95", "netcdn"] {
        assert!(cdn.findings.iter().any(|f| f == id), "{text}");
    }
}
