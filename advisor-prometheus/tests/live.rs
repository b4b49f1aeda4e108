//! Against a real Prometheus seeded with two hours of known history:
//! `scripts/prometheus-test-server.sh start` prints the settings; `.ci/run` starts it and runs
//! these with `--ignored`. Every expected value is worked out from the seeded rates in the
//! script's header, not read from the collector.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::time::Duration;

use scalability_advisor_prometheus::scalability_advisor_core::Metric;
use scalability_advisor_prometheus::{Client, Mapping};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run `eval \"$(scripts/prometheus-test-server.sh start)\"` first")
    })
}

fn client() -> (Client, u64) {
    let at: u64 = env("ADVISOR_PROM_AT").parse().unwrap();
    (
        Client::new(&env("ADVISOR_PROM_URL"), Duration::from_secs(10)),
        at,
    )
}

fn near(got: Option<f64>, want: f64) -> bool {
    got.is_some_and(|g| (g - want).abs() < 1e-9)
}

#[test]
#[ignore = "needs a Prometheus server: scripts/prometheus-test-server.sh"]
fn every_seeded_metric_reads_back_with_its_provenance() {
    let (prom, at) = client();
    let c = prom
        .collect(&Mapping::default_mapping(), r#"job="web""#, Some(at), None)
        .unwrap();
    let s = &c.snapshot;
    // idle +0.1/s -> 90% busy; iowait +0.05/s; 2 of 8 GB free; buckets 50/90/100 per second
    // -> the 95th percentile interpolates to 0.25 + (95 - 90) / (100 - 90) * 0.25 = 0.375 s;
    // 45 of 50 connections; 60 hits and 40 misses per second.
    assert!(near(s.value(Metric::ServerCpu), 0.9), "{s:?}");
    assert!(near(s.value(Metric::DiskIoWait), 0.05), "{s:?}");
    assert!(near(s.value(Metric::MemoryUsage), 0.75), "{s:?}");
    assert!(near(s.value(Metric::P95ResponseTime), 0.375), "{s:?}");
    assert!(near(s.value(Metric::DbPoolUsage), 0.9), "{s:?}");
    assert!(near(s.value(Metric::CacheHitRate), 0.6), "{s:?}");
    // 0.5 s of waiting per 100 acquisitions; no new deadlock; 990 of 1,000 block reads hit;
    // 400 commits and 50 rollbacks per second; 1 GB of 4 GB cache memory free; 45 of 50
    // pooled connections.
    assert!(near(s.value(Metric::DbConnectionWait), 0.005), "{s:?}");
    assert_eq!(s.value(Metric::DbDeadlocks), Some(0.0), "{s:?}");
    assert!(near(s.value(Metric::DbBufferHitRatio), 0.99), "{s:?}");
    assert!(near(s.value(Metric::DbTransactionRate), 450.0), "{s:?}");
    assert!(near(s.value(Metric::CacheMemoryHeadroom), 0.25), "{s:?}");
    assert_eq!(s.value(Metric::DbConnections), Some(45.0), "{s:?}");
    assert_eq!(s.value(Metric::DbPoolSize), Some(50.0), "{s:?}");
    let cpu = c
        .provenance
        .iter()
        .find(|p| p.metric == Metric::ServerCpu)
        .unwrap();
    assert_eq!(cpu.server, env("ADVISOR_PROM_URL"));
    assert_eq!(cpu.at, at);
    assert!(
        cpu.query
            .contains(r#"node_cpu_seconds_total{mode="idle",job="web"}"#),
        "{cpu}"
    );
    // NaN is never a value; a metric the server lacks is said to be missing.
    let why = |m: Metric| {
        c.not_collected
            .iter()
            .find(|n| n.metric == m)
            .map(|n| n.reason.clone())
            .unwrap_or_default()
    };
    assert_eq!(s.replica_lag, None);
    assert_eq!(why(Metric::ReplicaLag), "the query returned NaN");
    assert_eq!(
        why(Metric::DbPoolExhaustionEvents),
        "the server has no metric hikaricp_connections_timeout_total"
    );
    // Every mapped metric is either read or listed with its reason, never both or neither.
    for m in Mapping::default_mapping().metrics() {
        assert!(
            s.value(m).is_some() != c.not_collected.iter().any(|n| n.metric == m),
            "{m}: read and missing, or neither"
        );
    }
}

#[test]
#[ignore = "needs a Prometheus server: scripts/prometheus-test-server.sh"]
fn a_range_gives_series_and_the_assessment_follows_the_seeded_data() {
    use scalability_advisor_rules::{Engine, RuleStatus, assess};
    let (prom, at) = client();
    let c = prom
        .collect(
            &Mapping::default_mapping(),
            r#"job="web""#,
            Some(at),
            Some(Duration::from_secs(3_600)),
        )
        .unwrap();
    // An hour at one point a minute: 61 samples, all 90% busy.
    let cpu = c.history.get(Metric::ServerCpu).unwrap();
    assert_eq!(cpu.len(), 61);
    // Written from the guide's levels before running: CPU 90% is past the 85% warning and
    // the 90% "CPU maxed" transition; the pool at 90% is past 80%; a 60% cache hit
    // rate is under 80%; P95 375 ms is under the 500 ms target; 5% I/O wait is under 20%.
    let engine = Engine::default_pack();
    let eval = engine.evaluate(&c.snapshot, &c.history);
    for id in [
        "key.cpu.critical",
        "key.pool.critical",
        "db.cache_hit_low",
        "move.2.cpu_maxed",
    ] {
        assert_eq!(engine.status(&eval, id), Some(RuleStatus::Fired), "{id}");
    }
    for id in [
        "key.p95.warning",
        "key.p95.critical",
        "layer.storage.io_wait",
    ] {
        assert_eq!(engine.status(&eval, id), Some(RuleStatus::NotFired), "{id}");
    }
    let a = assess(&engine, &c.snapshot, &c.history);
    assert!(!a.plan.is_empty());
}

#[test]
#[ignore = "needs a Prometheus server: scripts/prometheus-test-server.sh"]
fn a_query_with_several_series_asks_to_be_aggregated() {
    let (prom, at) = client();
    let m = Mapping::from_toml_str(
        "[[metric.server_cpu]]\nquery = 'rate(node_cpu_seconds_total{{selector}}[5m])'\nneeds = ['node_cpu_seconds_total']",
    )
    .unwrap();
    let c = prom.collect(&m, r#"job="web""#, Some(at), None).unwrap();
    assert_eq!(c.snapshot.server_cpu, None);
    assert_eq!(
        c.not_collected[0].reason,
        "the query returned 3 series; aggregate it to one (sum, avg or max)"
    );
}
