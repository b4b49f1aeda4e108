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
use scalability_advisor_rules::{Assessment, Engine, RulePack, assess};

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
                if !expected.contains(&r.as_str()) {
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
            "\nNot judged ({} rules lacked data)\n  missing: ",
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
