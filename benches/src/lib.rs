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
use scalability_advisor_core::{Component, MetricsSnapshot};

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
