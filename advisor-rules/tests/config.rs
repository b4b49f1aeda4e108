//! A pack's parameters set the levels that the key-metric health, the core triggers and the
//! ladders read (`RulePack::advisor_config`), so a layered level moves the report as a whole.

use core::time::Duration;

use scalability_advisor_rules::scalability_advisor_core::units::{Count, QueriesPerRequest};
use scalability_advisor_rules::scalability_advisor_core::{
    AdvisorConfig, History, MetricsSnapshot, units::Ratio,
};
use scalability_advisor_rules::{Engine, PackFormat, RulePack, assess};

fn layered(params: &str) -> AdvisorConfig {
    let text = format!("name = \"prod\"\n[params]\n{params}");
    match RulePack::default_pack().layer("prod.toml", &text, PackFormat::Toml) {
        Ok(pack) => pack.advisor_config(),
        Err(e) => panic!("the layer should load: {e}"),
    }
}

#[track_caller]
fn ratio(r: Ratio, expected: f64) {
    assert!(
        (r.as_fraction() - expected).abs() < 1e-12,
        "{r} != {expected}"
    );
}

#[track_caller]
fn duration(d: Duration, expected_ms: f64) {
    assert!(
        (d.as_secs_f64() * 1000.0 - expected_ms).abs() < 1e-6,
        "{d:?} != {expected_ms} ms"
    );
}

#[test]
fn every_level_parameter_moves_its_level() {
    // Every value differs from the default pack's.
    let c = layered(
        "p95_target = \"150ms\"\np95_warning = \"450ms\"\n\
         queries_target = \"4\"\nqueries_warning = \"12\"\n\
         cpu_target = \"55%\"\ncpu_warning = \"90%\"\n\
         pool_target = \"65%\"\npool_warning = \"88%\"\n\
         db_cpu_level = \"77%\"\nslow_query = \"750ms\"\nresources_maxed = \"93%\"\n\
         primary_write_level = \"66%\"\ncache_hit_ceiling = \"92%\"\n\
         replica_lag_level = \"3s\"\nremote_latency = \"333ms\"\n\
         multi_region_availability = \"99.95%\"\nglobal_user_regions = \"4\"\n\
         global_remote_share = \"35%\"\ncdn_static_share = \"45%\"\n\
         read_replicas_share = \"85%\"\ncache_repeated_share = \"35%\"\n\
         missing_index_seq_scans = \"25k\"\nmissing_index_table_scans = \"500/d\"\n\
         missing_index_min_rows = \"50k\"\ncache_hit_warning = \"85%\"\n\
         cache_full_headroom = \"25%\"\n",
    );
    let t = &c.thresholds;
    duration(t.p95_response_time.target(), 150.0);
    duration(t.p95_response_time.warning(), 450.0);
    assert_eq!(
        t.db_queries_per_request.target(),
        QueriesPerRequest::new(4.0).unwrap()
    );
    assert_eq!(
        t.db_queries_per_request.warning(),
        QueriesPerRequest::new(12.0).unwrap()
    );
    ratio(t.server_cpu.target(), 0.55);
    ratio(t.server_cpu.warning(), 0.90);
    ratio(t.db_pool_usage.target(), 0.65);
    ratio(t.db_pool_usage.warning(), 0.88);
    let tr = &c.triggers;
    ratio(tr.db_cpu_level, 0.77);
    duration(tr.slow_query_level, 750.0);
    ratio(tr.resources_maxed_level, 0.93);
    ratio(tr.primary_write_level, 0.66);
    ratio(tr.cache_hit_ceiling, 0.92);
    duration(tr.replica_lag_level, 3_000.0);
    duration(tr.remote_latency_level, 333.0);
    ratio(tr.multi_region_availability, 0.9995);
    assert_eq!(tr.global_user_regions, 4);
    ratio(tr.global_remote_share, 0.35);
    ratio(c.additions.static_asset_share, 0.45);
    ratio(c.additions.read_share, 0.85);
    ratio(c.additions.repeated_query_share, 0.35);
    let l = &c.ladders;
    assert_eq!(l.missing_index_seq_scans, Count::new(25_000));
    assert!((l.missing_index_table_scans.as_per_second() - 500.0 / 86_400.0).abs() < 1e-12);
    assert_eq!(l.missing_index_min_rows, Count::new(50_000));
    ratio(l.cache_hit_floor, 0.85);
    ratio(l.cache_full_headroom, 0.25);
}

#[test]
fn whole_number_levels_refuse_fractions_and_numbers_out_of_range() {
    let default = AdvisorConfig::default();
    // A number of regions is whole and fits in 32 bits.
    for bad in ["2.5", "5000000000"] {
        let c = layered(&format!("global_user_regions = \"{bad}\"\n"));
        assert_eq!(
            c.triggers.global_user_regions, default.triggers.global_user_regions,
            "{bad}"
        );
    }
    // Counts are whole and below 9e15 (exact in a 64-bit float).
    for bad in ["2.5", "9000000000000000"] {
        let c = layered(&format!(
            "missing_index_seq_scans = \"{bad}\"\nmissing_index_min_rows = \"{bad}\"\n"
        ));
        assert_eq!(c.ladders, default.ladders, "{bad}");
    }
    let c = layered("missing_index_seq_scans = \"8000000000000000\"\n");
    assert_eq!(
        c.ladders.missing_index_seq_scans,
        Count::new(8_000_000_000_000_000)
    );
}

#[test]
fn a_layered_warning_level_changes_the_key_metric_health() {
    // Server CPU at 87%: above the default pack's 85% warning level, below a layered 90%.
    let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(87.0).unwrap());
    let text = "name = \"prod\"\n[params]\ncpu_warning = \"90%\"\n";
    let prod = RulePack::default_pack()
        .layer("prod.toml", text, PackFormat::Toml)
        .unwrap();
    let fired = |engine: &Engine| {
        assess(engine, &snap, &History::new())
            .findings
            .iter()
            .map(|f| f.id.clone())
            .collect::<Vec<_>>()
    };
    assert!(fired(&Engine::default_pack()).contains(&"key.cpu.critical".to_owned()));
    assert!(!fired(&Engine::new(prod).unwrap()).contains(&"key.cpu.critical".to_owned()));
}

#[test]
fn a_finding_prints_its_heading_evidence_and_advice() {
    let engine = Engine::default_pack();
    let snap = MetricsSnapshot::default().with_db_pool_usage(Ratio::from_percent(92.0).unwrap());
    let a = assess(&engine, &snap, &History::new());
    let f = a
        .findings
        .iter()
        .find(|f| f.id == "key.pool.critical")
        .unwrap();
    let rule = engine
        .rules()
        .find(|r| r.id == "key.pool.critical")
        .unwrap();
    let text = f.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!("[critical] {} (key.pool.critical)", rule.title)
    );
    assert!(lines[1].starts_with("    db_pool_usage = 92%"), "{text}");
    assert_eq!(
        lines.last().copied(),
        Some(format!("    -> {}", rule.advice).as_str())
    );
}
