//! What the printed reports (`to_text`, `to_markdown`) say: the plan's numbering, the
//! entities under a step, where each step's facts come from, the stage lines, the likely
//! bottlenecks and what was not judged. Expected lines are written from the report's
//! documented layout and the guide's stage bands.

use core::time::Duration;
use std::collections::BTreeMap;

use scalability_advisor_rules::scalability_advisor_core::units::{
    Count, QueriesPerRequest, Ratio, Users,
};
use scalability_advisor_rules::scalability_advisor_core::{
    Component, Entities, EntityKind, EntityName, History, HostRole, HostStats, Metric,
    MetricsSnapshot, TableStats,
};
use scalability_advisor_rules::{Assessment, CanWait, Engine, RulePack, assess};

fn pct(p: f64) -> Ratio {
    Ratio::from_percent(p).unwrap()
}

fn run(snap: &MetricsSnapshot) -> Assessment {
    assess(&Engine::default_pack(), snap, &History::new())
}

/// The 60,000-user SaaS of the read-through: DB CPU 82%, 35 queries per request, pool 88%,
/// no cache and no replicas.
fn busy_saas() -> MetricsSnapshot {
    MetricsSnapshot::default()
        .with_users(Users::new(60_000))
        .with_db_cpu(pct(82.0))
        .with_db_queries_per_request(QueriesPerRequest::new(35.0).unwrap())
        .with_db_pool_usage(pct(88.0))
        .with_db_read_share(pct(85.0))
        .with_p95_response_time(Duration::from_millis(1_400))
        .with_server_cpu(pct(60.0))
}

/// `n` tables of 50,000 rows read only by sequential scans (100 a minute, far above the
/// default pack's 1,000 a day).
fn unindexed_tables(n: usize) -> MetricsSnapshot {
    let tables = (0..n)
        .map(|i| {
            TableStats::new(EntityName::new(EntityKind::Table, format!("t{i:02}")).unwrap())
                .with_rows(Count::new(50_000))
                .with_seq_scans(Count::new(100))
                .with_index_scans(Count::new(0))
                .with_period(Duration::from_secs(60))
        })
        .collect();
    MetricsSnapshot {
        tables: Some(Entities::new(tables).unwrap()),
        ..MetricsSnapshot::default().with_users(Users::new(40_000))
    }
}

fn lines_after<'t>(text: &'t str, prefix: &str) -> Vec<&'t str> {
    text.lines().filter(|l| l.starts_with(prefix)).collect()
}

#[test]
fn a_step_lists_ten_entities_and_counts_the_rest() {
    let a = run(&unindexed_tables(12));
    let step = a.plan.iter().find(|s| s.subjects.len() == 12).unwrap();
    assert_eq!(step.rank, 1);
    let text = a.to_text();
    let on = lines_after(&text, "       on:  ");
    assert_eq!(on.len(), 11, "{text}");
    assert_eq!(on[10], "       on:  and 2 more");
    let md = a.to_markdown();
    let on = lines_after(&md, "   - on: ");
    assert_eq!(on.len(), 11, "{md}");
    assert_eq!(on[10], "   - on: and 2 more");
    // Exactly ten: all shown, nothing counted.
    let a = run(&unindexed_tables(10));
    let text = a.to_text();
    let on = lines_after(&text, "       on:  ");
    assert_eq!(on.len(), 10, "{text}");
    assert!(on.iter().all(|l| l.contains("table `t")), "{text}");
}

#[test]
fn steps_are_numbered_from_one_and_say_which_findings_and_sources_they_come_from() {
    let engine = Engine::default_pack();
    let a = assess(&engine, &busy_saas(), &History::new());
    assert!(a.plan.len() >= 3, "{}", a.to_text());
    let ranks: Vec<usize> = a.plan.iter().map(|s| s.rank).collect();
    assert_eq!(ranks, (1..=a.plan.len()).collect::<Vec<_>>());
    let text = a.to_text();
    let md = a.to_markdown();
    for s in &a.plan {
        assert!(
            text.contains(&format!("\n  {}. [{}] {}\n", s.rank, s.severity, s.title)),
            "{text}"
        );
        assert!(
            md.contains(&format!("\n{}. **{}** ({})\n", s.rank, s.title, s.severity)),
            "{md}"
        );
        if s.findings.is_empty() {
            continue;
        }
        assert!(
            text.contains(&format!("\n       from: {}\n", s.findings.join(", "))),
            "{text}"
        );
        let quoted: Vec<String> = s.findings.iter().map(|f| format!("`{f}`")).collect();
        assert!(
            md.contains(&format!("\n   - from: {}\n", quoted.join(", "))),
            "{md}"
        );
        // Every reference of every finding of the step, once.
        let mut expected: Vec<&str> = Vec::new();
        for id in &s.findings {
            let rule = engine.rules().find(|r| &r.id == id).unwrap();
            for r in &rule.references {
                if !expected.contains(&&**r) {
                    expected.push(r);
                }
            }
        }
        assert!(!expected.is_empty(), "{}", s.title);
        assert_eq!(s.references, expected, "{}", s.title);
    }
}

#[test]
fn bottlenecks_name_each_finding_once_and_only_when_there_are_some() {
    let a = run(&busy_saas());
    assert!(!a.bottlenecks.is_empty());
    let text = a.to_text();
    let md = a.to_markdown();
    assert!(
        text.contains("\nLikely bottlenecks (by independent evidence)\n"),
        "{text}"
    );
    assert!(md.contains("## Likely bottlenecks\n"), "{md}");
    for (i, b) in a.bottlenecks.iter().enumerate() {
        // The findings of the layer's evidence, each once.
        let mut expected: Vec<&str> = a
            .findings
            .iter()
            .filter(|f| f.layer == Some(b.layer) && !f.evidence.is_empty())
            .map(|f| f.id.as_str())
            .collect();
        expected.sort_unstable();
        let mut found: Vec<&str> = b.findings.iter().map(String::as_str).collect();
        found.sort_unstable();
        assert_eq!(found, expected, "{}", b.layer);
        let line = format!("{} (score {}: {})", b.layer, b.score, b.metrics.join(", "));
        assert!(text.contains(&format!("\n  {line}\n")), "{text}");
        assert!(
            md.contains(&format!("\n{}. **{}** (score", i + 1, b.layer)),
            "{md}"
        );
    }
    // Nothing found, no section.
    let calm = run(&MetricsSnapshot::default().with_users(Users::new(3_000)));
    assert!(calm.bottlenecks.is_empty());
    assert!(!calm.to_text().contains("Likely bottlenecks"));
    assert!(!calm.to_markdown().contains("Likely bottlenecks"));
}

#[test]
fn a_host_shared_with_the_database_moves_only_the_application_layers_cpu() {
    // The same server CPU reading behind an application rule and a network rule: on a host
    // that runs both the application and the database, the application's CPU is the
    // database's too; the network rule's reading stays in the network layer.
    let pack = RulePack::from_toml_str(
        "p.toml",
        "name = \"p\"\n\
         [[rule]]\nid = \"app\"\ntitle = \"App\"\nwhen = \"server_cpu > 80%\"\nseverity = \"warning\"\nadvice = \"a\"\nlayer = \"application\"\n\
         [[rule]]\nid = \"net\"\ntitle = \"Net\"\nwhen = \"server_cpu > 80%\"\nseverity = \"warning\"\nadvice = \"n\"\nlayer = \"network\"\n",
    )
    .unwrap();
    let host = HostStats::new(EntityName::new(EntityKind::Host, "vm1").unwrap())
        .with_role(HostRole::App)
        .with_role(HostRole::Db);
    let snap = MetricsSnapshot {
        hosts: Some(Entities::new(vec![host]).unwrap()),
        ..MetricsSnapshot::default().with_server_cpu(pct(90.0))
    };
    let a = assess(&Engine::new(pack).unwrap(), &snap, &History::new());
    let layers: BTreeMap<String, Vec<String>> = a
        .bottlenecks
        .iter()
        .map(|b| (b.layer.to_string(), b.metrics.clone()))
        .collect();
    assert_eq!(
        layers.get("database"),
        Some(&vec![
            "server_cpu (host `vm1` shared with the database)".to_owned()
        ]),
        "{layers:?}"
    );
    assert_eq!(
        layers.get("network"),
        Some(&vec!["server_cpu".to_owned()]),
        "{layers:?}"
    );
}

#[test]
fn what_was_not_judged_is_listed_only_when_something_was_not() {
    let a = run(&MetricsSnapshot::default().with_users(Users::new(50_000)));
    let text = a.to_text();
    assert!(
        text.contains(&format!(
            "\nNot judged ({} rules lacked data)\n  worth measuring: ",
            a.not_judged.len()
        )),
        "{text}"
    );
    let md = a.to_markdown();
    assert!(md.contains("\n## Not judged\n"), "{md}");
    let n = &a.not_judged[0];
    let needs: Vec<String> = n.missing.iter().map(ToString::to_string).collect();
    assert!(
        md.contains(&format!("\n- `{}`: needs {}\n", n.rule, needs.join(", "))),
        "{md}"
    );
    // A pack whose one rule has what it reads.
    let pack = RulePack::from_toml_str(
        "p.toml",
        "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"users > 5\"\nseverity = \"info\"\nadvice = \"a\"\n",
    )
    .unwrap();
    let snap = MetricsSnapshot::default().with_users(Users::new(50_000));
    let a = assess(&Engine::new(pack).unwrap(), &snap, &History::new());
    assert!(a.not_judged.is_empty());
    assert!(!a.to_text().contains("Not judged"));
    assert!(!a.to_markdown().contains("Not judged"));
}

#[test]
fn the_stage_lines_give_the_band_the_next_stage_and_what_it_lacks() {
    // Guide: stage 1 is up to 10K users, stage 2 from 10K to 100K (10,000 itself is stage 1:
    // `Stage::for_users`, so stage 2's band starts at 10,001).
    let a = run(&MetricsSnapshot::default().with_users(Users::new(5_000)));
    let text = a.to_text();
    assert!(
        text.contains("\n  by users:    stage 1 (startup): 5000 users (0 to 10,000 users)\n"),
        "{text}"
    );
    let heading =
        "stage 2 (growth) (10,001 to 100,000 users): the next stage after stage 1 (startup)";
    assert!(
        text.contains(&format!("\n  heading for: {heading}\n")),
        "{text}"
    );
    // Later lines are indented under the first.
    assert!(
        text.contains("\n               missing: unknown (declare `architecture`, [\"single_server\"] for one server with nothing else)\n"),
        "{text}"
    );
    let md = a.to_markdown();
    assert!(
        md.contains(&format!("\n- **Heading for:** {heading}\n")),
        "{md}"
    );
    assert!(
        md.contains("\n  - missing: unknown (declare `architecture`, [\"single_server\"] for one server with nothing else)\n"),
        "{md}"
    );
    // Without users.
    let a = run(&MetricsSnapshot::default().with_db_cpu(pct(20.0)));
    assert!(
        a.to_text()
            .contains("\n  by users:    unknown (give `users`)\n")
    );
    // The growth stage's pieces declared: nothing missing. One of them declared: the rest.
    let growth = [
        Component::LoadBalancer,
        Component::Cdn,
        Component::ReadReplicas,
        Component::Cache,
    ];
    let mut all = MetricsSnapshot::default().with_users(Users::new(5_000));
    for c in growth {
        all.architecture.insert(c);
    }
    let text = run(&all).to_text();
    assert!(
        text.contains("\n               missing: nothing declared missing\n"),
        "{text}"
    );
    let mut one = MetricsSnapshot::default().with_users(Users::new(5_000));
    one.architecture.insert(Component::LoadBalancer);
    let text = run(&one).to_text();
    let missing = lines_after(&text, "               missing: ");
    assert_eq!(missing.len(), 1, "{text}");
    for c in &growth[1..] {
        assert!(missing[0].contains(&c.to_string()), "{text}");
    }
    assert!(
        !missing[0].contains(&Component::LoadBalancer.to_string()),
        "{text}"
    );
}

#[test]
fn cited_sources_end_the_lines_about_their_metric_and_no_other() {
    let mut a = run(&busy_saas());
    let before: Vec<String> = a.plan.iter().flat_map(|s| s.why.clone()).collect();
    let source = "`pg_cpu` on prom at 1700000000".to_owned();
    a.cite_sources(&BTreeMap::from([(Metric::DbCpu, source)]));
    let cited = " [from `pg_cpu` on prom at 1700000000]";
    let after: Vec<String> = a.plan.iter().flat_map(|s| s.why.clone()).collect();
    assert!(before.iter().any(|w| w.starts_with("db_cpu")), "{before:?}");
    assert!(
        before.iter().any(|w| !w.starts_with("db_cpu")),
        "{before:?}"
    );
    // Line by line: the DB CPU lines gain the source, every other line is left as it was.
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        if b.starts_with("db_cpu") {
            assert_eq!(a, &format!("{b}{cited}"));
        } else {
            assert_eq!(a, b);
        }
    }
    for f in &a.findings {
        for e in &f.evidence {
            let line = e.to_string();
            assert_eq!(
                e.metric == Some(Metric::DbCpu),
                line.ends_with(cited),
                "{line}"
            );
        }
    }
}

/// The guide tells a startup not to worry about multi-region yet: a single server at 4,000
/// users is not asked for its region counts, residency or write capacity as if they were
/// worth measuring now. They are listed apart, as what can wait.
#[test]
fn what_only_later_stages_need_is_listed_as_what_can_wait() {
    // examples/startup.toml: 4,000 users on one server with a cache, every key metric
    // under target.
    let mut startup = MetricsSnapshot::default()
        .with_users(Users::new(4_000))
        .with_p95_response_time(Duration::from_millis(180))
        .with_db_queries_per_request(QueriesPerRequest::new(6.0).unwrap())
        .with_server_cpu(pct(25.0))
        .with_memory_usage(pct(40.0))
        .with_db_cpu(pct(30.0))
        .with_slowest_query_time(Duration::from_millis(45));
    startup.architecture.insert(Component::SingleServer);
    startup.architecture.insert(Component::Cache);
    let a = run(&startup);
    let waits = |a: &Assessment| -> BTreeMap<String, Option<CanWait>> {
        a.not_judged
            .iter()
            .map(|n| (n.rule.clone(), n.can_wait))
            .collect()
    };
    let w = waits(&a);
    // Stage 1 plans for stage 2 next: the stage-3 transitions (write saturation, a cache
    // hit rate that plateaus, replica lag, independent scaling) and stage 4's (remote
    // latency, residency, failover, global users), and adding a region (multi-region is a
    // stage-4 component), are about later stages.
    let later = |stage| Some(Some(CanWait::LaterStage { stage }));
    use scalability_advisor_rules::scalability_advisor_core::Stage;
    for id in [
        "move.3.write_saturation",
        "move.3.cache_plateau",
        "move.3.replica_lag",
        "move.3.independent_scaling",
    ] {
        assert_eq!(w.get(id).copied(), later(Stage::Scale), "{id}");
    }
    for id in [
        "move.4.remote_latency",
        "move.4.data_residency",
        "move.4.single_region_failover",
        "move.4.global_users",
        "add.region",
    ] {
        assert_eq!(w.get(id).copied(), later(Stage::Enterprise), "{id}");
    }
    // Regions deployed too early: one server is declared, so none are.
    assert_eq!(
        w.get("premature.regions").copied(),
        Some(Some(CanWait::NothingInPlace))
    );
    // Replica lag, with no replicas declared: nothing reports it yet.
    assert_eq!(
        w.get("db.replica_lag").copied(),
        Some(Some(CanWait::NotInPlace {
            component: Component::ReadReplicas
        }))
    );
    // Nor are there calls between services to time on one server.
    assert_eq!(
        w.get("layer.network.latency").copied(),
        Some(Some(CanWait::NotInPlace {
            component: Component::Microservices
        }))
    );
    // What decides stage 2's additions is worth measuring: the read share (replicas), the
    // static bandwidth (CDN), blocking background work (a job queue), a degrading P95.
    for id in [
        "add.read_replicas",
        "add.cdn",
        "add.job_queue",
        "move.2.response_degrading",
        "db.cache_hit_low",
    ] {
        assert_eq!(w.get(id).copied(), Some(None), "{id}");
    }
    let text = a.to_text();
    let worth = text
        .split("  worth measuring: ")
        .nth(1)
        .and_then(|t| t.split("  can wait: ").next())
        .unwrap_or_else(|| panic!("{text}"));
    let wait = text
        .split("  can wait: ")
        .nth(1)
        .unwrap_or_else(|| panic!("{text}"));
    // The region counts and the rest appear only under "can wait"; the cache hit rate,
    // which the cache in place makes worth watching, under "worth measuring" (its series,
    // for the plateau, can wait).
    for input in [
        "availability_target",
        "data_residency_required",
        "deployed_regions",
        "independent_scaling_needed",
        "primary_write_capacity",
        "primary_write_throughput",
        "remote_user_p95",
        "remote_user_share",
        "user_regions",
        "a series of cache_hit_rate",
        "replica_lag",
    ] {
        assert!(!worth.contains(input), "{input} in {worth}");
        assert!(wait.contains(input), "{input} not in {wait}");
    }
    assert!(worth.contains("cache_hit_rate,"), "{worth}");
    assert!(worth.contains("db_read_share"), "{worth}");
    assert!(
        wait.contains("needed only by rules about stage 3 (scale) or stage 4 (enterprise)"),
        "{wait}"
    );
    let md = a.to_markdown();
    assert!(
        md.contains("- `premature.regions`: needs deployed_regions, user_regions (nothing it warns of is in place)\n"),
        "{md}"
    );
    assert!(
        md.contains("\nCan wait, needed only by rules about stage 3 (scale) or stage 4 (enterprise), beyond the next stage, or by rules that warn of components added too early, none of which is in place, or by rules that read what components not in place would report (read_replicas, microservices):\n"),
        "{md}"
    );
    assert!(
        md.contains(
            "- `db.replica_lag`: needs replica_lag (no read_replicas in place to report it)\n"
        ),
        "{md}"
    );

    // At 50,000 users (stage 2) the next stage is 3: its transitions are worth measuring,
    // stage 4's can wait. With nothing declared, whether regions are in place is unknown.
    let growth = MetricsSnapshot::default().with_users(Users::new(50_000));
    let w = waits(&run(&growth));
    assert_eq!(w.get("move.3.write_saturation").copied(), Some(None));
    assert_eq!(
        w.get("move.4.data_residency").copied(),
        later(Stage::Enterprise)
    );
    assert_eq!(w.get("premature.regions").copied(), Some(None));
    assert_eq!(w.get("db.replica_lag").copied(), Some(None));
    // At 300,000 users (stage 3) nothing is beyond the next stage.
    let scale = MetricsSnapshot::default().with_users(Users::new(300_000));
    let a = run(&scale);
    assert!(a.not_judged.iter().all(|n| n.can_wait.is_none()));
    assert!(!a.to_text().contains("can wait"));
    // Without users (or a transition that fired) the stage is unknown: nothing can wait.
    let a = run(&MetricsSnapshot::default());
    assert!(a.not_judged.iter().all(|n| n.can_wait.is_none()));
}

/// A rule that warns of a component added too early has something to find when the
/// component is in place, declared or shown by its metric: a replica lag is measured on
/// read replicas. Such a rule, not judged for lack of the database's CPU, is then worth
/// measuring, not something that "can wait" because "nothing it warns of is in place".
#[test]
fn a_warning_of_early_replicas_is_worth_judging_when_their_lag_shows_them() {
    // 4,000 users on one declared server, whose replica lag is measured; the database's
    // CPU is not, so `premature.read_replicas` cannot be judged.
    let mut startup = MetricsSnapshot::default()
        .with_users(Users::new(4_000))
        .with_p95_response_time(Duration::from_millis(180))
        .with_replica_lag(Duration::from_millis(300));
    startup.architecture.insert(Component::SingleServer);
    let a = run(&startup);
    let wait = |id: &str| {
        a.not_judged
            .iter()
            .find(|n| n.rule == id)
            .map(|n| n.can_wait)
    };
    assert_eq!(
        wait("premature.read_replicas"),
        Some(None),
        "{:?}",
        a.not_judged
    );
    // Regions are neither declared nor shown: that warning still has nothing to find.
    assert_eq!(
        wait("premature.regions"),
        Some(Some(CanWait::NothingInPlace))
    );
    let md = a.to_markdown();
    assert!(
        md.contains("- `premature.read_replicas`: needs db_cpu\n"),
        "{md}"
    );
    // Without the lag, nothing shows replicas on the declared single server: the rule is
    // judged silent (`has(read_replicas)` is false), with no database CPU needed.
    startup.replica_lag = None;
    let a = run(&startup);
    assert!(
        a.not_judged
            .iter()
            .all(|n| n.rule != "premature.read_replicas"),
        "{:?}",
        a.not_judged
    );
    assert!(a.findings.iter().all(|f| f.id != "premature.read_replicas"));
}

/// The guide adds each of stage 2's components when its own condition holds ("When to
/// Add": a CDN when static assets take more than 20% of bandwidth, a load balancer when one
/// server's CPU passes 70%, read replicas when more than 80% of database operations are
/// reads, a cache when the same queries repeat). The next stage's missing components come
/// with those conditions and where the system stands, so that "missing" does not read as
/// "add now".
#[test]
fn the_next_stages_missing_additions_come_with_their_conditions() {
    // A startup: 4,000 users on one server at 25% CPU, read share and static bandwidth
    // not measured.
    let mut startup = MetricsSnapshot::default()
        .with_users(Users::new(4_000))
        .with_server_cpu(pct(25.0));
    startup.architecture.insert(Component::SingleServer);
    let a = run(&startup);
    let text = a.to_text();
    let md = a.to_markdown();
    assert!(
        md.contains("\n  - add each when the guide's condition for it holds, not before:\n    - cdn when static_asset_bandwidth_share > 20% (not measured)\n    - load_balancer when server_cpu > 70% (now 25%)\n"),
        "{md}"
    );
    for line in [
        "\n               missing: cdn, load_balancer, read_replicas, cache\n",
        "\n               add each when the guide's condition for it holds, not before:\n",
        "\n                 cdn when static_asset_bandwidth_share > 20% (not measured)\n",
        "\n                 load_balancer when server_cpu > 70% (now 25%)\n",
        "\n                 read_replicas when db_read_share > 80% (not measured)\n",
        "\n                 cache when repeated_query_share > 25% (not measured)\n",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    // 88% of reads, 31% of queries repeated, a CDN and a load balancer in place: the
    // replicas' and the cache's conditions hold, and only they are listed.
    let mut growth = MetricsSnapshot::default()
        .with_users(Users::new(45_000))
        .with_db_read_share(pct(88.0))
        .with_repeated_query_share(pct(31.0));
    growth.architecture.insert(Component::Cdn);
    growth.architecture.insert(Component::LoadBalancer);
    let a = run(&growth);
    let next = a.next_stage.as_ref().unwrap();
    // Both hold, and the plan adds them: each condition names the step that does.
    let step_with = |id: &str| {
        a.plan
            .iter()
            .find(|s| s.findings.iter().any(|f| f == id))
            .map(|s| s.rank)
            .unwrap_or_else(|| panic!("no step for {id}:\n{}", a.to_text()))
    };
    let (replicas, cache) = (step_with("add.read_replicas"), step_with("add.cache"));
    let listed: Vec<String> = next.when_to_add.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            format!(
                "read_replicas when db_read_share > 80% (now 88%: it holds; plan: step {replicas})"
            ),
            format!(
                "cache when repeated_query_share > 25% (now 31%: it holds; plan: step {cache})"
            ),
        ]
    );
    // With no architecture declared, what is missing is unknown: no conditions listed.
    let a = run(&MetricsSnapshot::default().with_users(Users::new(4_000)));
    assert!(a.next_stage.unwrap().when_to_add.is_empty());
}

/// A condition that holds for a component whose step is held back must say so: the plan
/// holds the CDN behind the cache (the decision matrix's slow-page ladder tries caching
/// first), and the next stage's list must not read as "add it now".
#[test]
fn a_condition_that_holds_for_a_held_back_component_names_the_step_it_waits_for() {
    // 30,000 users behind a load balancer; pages at 800 ms (past the 500 ms target); 40% of
    // queries repeat (the pack's cache trigger is 25%) and static assets are 30% of the
    // bandwidth (the guide's CDN trigger is 20%). The ladder for slow pages: caching first,
    // then a CDN. So step 1 caches, the CDN waits for it, and the condition says so.
    let mut snap = MetricsSnapshot::default()
        .with_users(Users::new(30_000))
        .with_p95_response_time(Duration::from_millis(800))
        .with_server_cpu(pct(50.0))
        .with_db_cpu(pct(40.0))
        .with_repeated_query_share(pct(40.0))
        .with_static_asset_bandwidth_share(pct(30.0));
    snap.architecture.insert(Component::LoadBalancer);
    let a = run(&snap);
    let text = a.to_text();
    assert!(
        a.plan[0].findings.iter().any(|f| f == "add.cache"),
        "{text}"
    );
    assert!(a.held_back.iter().any(|h| h.finding == "add.cdn"), "{text}");
    let next = a.next_stage.as_ref().unwrap();
    let listed: Vec<String> = next.when_to_add.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "cdn when static_asset_bandwidth_share > 20% (now 30%: it holds; plan: after step 1)",
            "read_replicas when db_read_share > 80% (not measured)",
            "cache when repeated_query_share > 25% (now 40%: it holds; plan: step 1)",
        ],
        "{text}"
    );
}

/// The summary (what the fleet kernel writes per service) agrees with the assessment where
/// checklists come and go: a stage-3 system with its checklist done has no checklist step;
/// one with gaps has it; a stage-4 move takes the enterprise checklist's region gaps over.
#[test]
fn the_summary_agrees_with_the_assessment_on_checklist_steps() {
    use scalability_advisor_rules::scalability_advisor_core::patterns::ChecklistItem;
    use scalability_advisor_rules::{Summary, summarize};
    let engine = Engine::default_pack();
    let config = engine.pack().advisor_config();
    // The guide's stage-3 architecture with the scaling checklist's components.
    let scale = crate::scenarios::scale_architecture();
    let mut done = MetricsSnapshot::default()
        .with_users(Users::new(500_000))
        .with_practice(ChecklistItem::StatelessAppServers)
        .with_p95_response_time(Duration::from_millis(280))
        .with_server_cpu(pct(50.0));
    for c in scale {
        done.architecture.insert(c);
    }
    let mut gaps = MetricsSnapshot::default()
        .with_users(Users::new(500_000))
        .with_server_cpu(pct(50.0));
    gaps.architecture.insert(Component::LoadBalancer);
    let mut one_region = MetricsSnapshot::default()
        .with_users(Users::new(2_000_000))
        .with_deployed_regions(core::num::NonZeroU32::MIN)
        .with_availability_target(pct(99.99));
    one_region.architecture.insert(Component::LoadBalancer);
    one_region.architecture.insert(Component::Cdn);
    // The checklist done but for requests that still wait for background work, with a
    // queue in place: the step moving the work onto the queue closes that gap.
    let mut bypassing = done.clone().with_background_tasks_block_requests(true);
    bypassing.architecture.insert(Component::JobQueue);
    let cases = [
        (&done, ""),
        (
            &bypassing,
            "Move the remaining background work onto the queue",
        ),
        (&gaps, "Close the gaps in the guide's scaling checklist"),
        (
            &one_region,
            "Catch up with stage 4 (enterprise): the user count has reached it",
        ),
    ];
    for (snap, first) in cases {
        let a = assess(&engine, snap, &History::new());
        let eval = engine.evaluate(snap, &History::new());
        let s = summarize(&engine, &eval, snap, &History::new(), &config);
        assert_eq!(s, Summary::of(&a), "{}", a.to_text());
        assert_eq!(s.first_step_title, first, "{}", a.to_text());
    }
}
