//! Inputs shared by the criterion benchmarks of the scalability-advisor workspace.
//!
//! Run: `cargo bench -p advisor-benches -- --warm-up-time 0.5 --measurement-time 2 --noplot`.
#![forbid(unsafe_code)]

/// The workspace README's code, compiled and run as a doc test (this crate is not published,
/// so it may reach outside its folder).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadmeDoctests;

use core::num::NonZeroU32;
use core::time::Duration;

use scalability_advisor_core::units::{Connections, Count, QueriesPerRequest, Rate, Ratio, Users};
use scalability_advisor_core::{Component, Metric, MetricsSnapshot};

/// A snapshot with every metric the classification reads set to a realistic value.
///
/// # Panics
/// Never: every constant is in its type's domain.
#[must_use]
pub fn full_snapshot() -> MetricsSnapshot {
    #[expect(
        clippy::unwrap_used,
        reason = "constants within their domains; benchmark set-up only"
    )]
    let pct = |p: f64| Ratio::from_percent(p).unwrap();
    #[expect(
        clippy::unwrap_used,
        reason = "constants within their domains; benchmark set-up only"
    )]
    let rate = |r: f64| Rate::from_per_second(r).unwrap();
    #[expect(
        clippy::unwrap_used,
        reason = "constants within their domains; benchmark set-up only"
    )]
    let qpr = QueriesPerRequest::new(14.0).unwrap();
    let regions = NonZeroU32::MIN;
    MetricsSnapshot::default()
        .with_users(Users::new(45_000))
        .with_deployed_regions(regions)
        .with_user_regions(regions)
        .with_p95_response_time(Duration::from_millis(780))
        .with_db_queries_per_request(qpr)
        .with_server_cpu(pct(74.0))
        .with_memory_usage(pct(66.0))
        .with_db_connections(Connections::new(68))
        .with_db_pool_size(Connections::new(80))
        .with_db_cpu(pct(78.0))
        .with_slowest_query_time(Duration::from_millis(340))
        .with_db_max_seq_scans(Count::new(12_000))
        .with_db_read_share(pct(88.0))
        .with_repeated_query_share(pct(31.0))
        .with_cache_hit_rate(pct(82.0))
        .with_replica_lag(Duration::from_millis(1_500))
        .with_primary_write_throughput(rate(900.0))
        .with_primary_write_capacity(rate(2_000.0))
        .with_static_asset_bandwidth_share(pct(12.0))
        .with_background_tasks_block_requests(false)
        .with_remote_user_share(pct(15.0))
        .with_remote_user_p95(Duration::from_millis(640))
        .with_data_residency_required(false)
        .with_availability_target(pct(99.9))
        .with_independent_scaling_needed(false)
        .with_component(Component::LoadBalancer)
        .with_component(Component::Cdn)
}

/// Ten threshold rules over eight metrics, as a pack.
pub const TEN_RULES: &str = r#"
name = "ten"
[[rule]]
id = "r1"
title = "t"
severity = "critical"
advice = "a"
when = "p95_response_time > 1s"
[[rule]]
id = "r2"
title = "t"
severity = "warning"
advice = "a"
when = "p95_response_time >= 500ms"
[[rule]]
id = "r3"
title = "t"
severity = "critical"
advice = "a"
when = "server_cpu > 85%"
[[rule]]
id = "r4"
title = "t"
severity = "warning"
advice = "a"
when = "server_cpu >= 70%"
[[rule]]
id = "r5"
title = "t"
severity = "warning"
advice = "a"
when = "db_cpu > 70%"
[[rule]]
id = "r6"
title = "t"
severity = "warning"
advice = "a"
when = "db_queries_per_request > 20"
[[rule]]
id = "r7"
title = "t"
severity = "warning"
advice = "a"
when = "slowest_query_time > 100ms"
[[rule]]
id = "r8"
title = "t"
severity = "warning"
advice = "a"
when = "db_read_share > 80%"
[[rule]]
id = "r9"
title = "t"
severity = "warning"
advice = "a"
when = "replica_lag > 5s"
[[rule]]
id = "r10"
title = "t"
severity = "warning"
advice = "a"
when = "cache_hit_rate < 80%"
"#;

/// The hand-written equivalent: each rule compares one metric and records evidence
/// (observed, threshold, held) exactly as the engine does; missing metrics are "unknown".
#[derive(Debug, Clone, Copy, Default)]
pub struct HandEvidence {
    /// The rule's number.
    pub rule: u8,
    /// The observed value.
    pub observed: f64,
    /// The threshold it was compared with.
    pub threshold: f64,
}

/// Evaluates the ten rules of [`TEN_RULES`] by hand, recording evidence of those that hold;
/// returns how many could not be judged.
#[must_use]
pub fn hand_written(s: &MetricsSnapshot, out: &mut Vec<HandEvidence>) -> u32 {
    out.clear();
    let rules: [(u8, Metric, f64, bool); 10] = [
        (1, Metric::P95ResponseTime, 1.0, true),
        (2, Metric::P95ResponseTime, 0.5, true),
        (3, Metric::ServerCpu, 0.85, true),
        (4, Metric::ServerCpu, 0.70, true),
        (5, Metric::DbCpu, 0.70, true),
        (6, Metric::DbQueriesPerRequest, 20.0, true),
        (7, Metric::SlowestQueryTime, 0.1, true),
        (8, Metric::DbReadShare, 0.80, true),
        (9, Metric::ReplicaLag, 5.0, true),
        (10, Metric::CacheHitRate, 0.80, false),
    ];
    let mut unknown = 0;
    for (rule, metric, threshold, above) in rules {
        match s.value(metric) {
            None => unknown += 1,
            Some(v) => {
                if (above && v > threshold) || (!above && v < threshold) {
                    out.push(HandEvidence {
                        rule,
                        observed: v,
                        threshold,
                    });
                }
            }
        }
    }
    unknown
}

/// `n` variations of [`full_snapshot`].
///
/// # Panics
/// Never: every value is in its domain.
#[must_use]
pub fn snapshots(n: u32) -> Vec<MetricsSnapshot> {
    let base = full_snapshot();
    (0..n)
        .map(|i| {
            let f = f64::from(i % 100) / 100.0;
            base.clone()
                .with_server_cpu(Ratio::from_fraction(f).unwrap_or(Ratio::ZERO))
                .with_db_cpu(Ratio::from_fraction(1.0 - f).unwrap_or(Ratio::ZERO))
                .with_users(Users::new(u64::from(i) * 37))
        })
        .collect()
}

/// The output columns of the `arrow_1000_rows_light` instruction count and of the criterion
/// bench `arrow_10k_rows/kernel_light_columns`: those that need neither the plan nor the missing inputs.
pub const LIGHT_COLUMNS: [&str; 8] = [
    "stage_by_users",
    "stage_by_metrics",
    "health_p95_response_time",
    "health_db_queries_per_request",
    "health_server_cpu",
    "health_db_pool_usage",
    "fired",
    "not_judged",
];
