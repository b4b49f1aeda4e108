//! The guide's worked examples and tables, checked through the public API.
//! Expected numbers are copied from `scalability-advisor-SKILL.md`.

use core::time::Duration;

use scalability_advisor_core::sizing::{
    REDIS_MEMORY_MULTIPLIER, SSD_EFFECTIVE_SPINDLES, cache_memory, connection_pool_size,
    read_replicas, required_capacity, working_set,
};
use scalability_advisor_core::units::{Bytes, Factor, Rate, Ratio, Users};
use scalability_advisor_core::{Health, KeyMetric, KeyThresholds, MetricsSnapshot, Stage};

/// Tolerance for comparing computed rates with the guide's round figures.
const RATE_TOLERANCE: f64 = 1e-9;

#[test]
fn capacity_planning_example() {
    // Seed: 1,000 req/s × 3 (growth in 12 months) × 1.5 (margin) = 4,500 req/s.
    let c = required_capacity(
        Rate::from_per_second(1_000.0).unwrap(),
        Factor::new(3.0).unwrap(),
        Factor::new(1.5).unwrap(),
    )
    .unwrap();
    assert!((c.as_per_second() - 4_500.0).abs() < RATE_TOLERANCE);
}

#[test]
fn database_sizing_examples() {
    // Seed: (8 × 2) + 1 = 17 connections per instance for 8 cores on SSD.
    assert_eq!(
        connection_pool_size(8, SSD_EFFECTIVE_SPINDLES)
            .unwrap()
            .get(),
        17
    );
    // Seed: ceiling(10,000 / 3,000) = 4 replicas.
    let r = read_replicas(
        Rate::from_per_second(10_000.0).unwrap(),
        Rate::from_per_second(3_000.0).unwrap(),
    )
    .unwrap();
    assert_eq!(r.get(), 4);
}

#[test]
fn cache_sizing_example() {
    // Seed: 10 GB working set × 1.5 = 15 GB of Redis memory.
    assert_eq!(
        cache_memory(Bytes::from_gb(10.0).unwrap(), REDIS_MEMORY_MULTIPLIER).unwrap(),
        Bytes::from_gb(15.0).unwrap()
    );
    // Working set as 10-20% of total data: 100 GB of data -> 10 to 20 GB.
    let total = Bytes::from_gb(100.0).unwrap();
    assert_eq!(
        working_set(total, Ratio::from_percent(10.0).unwrap()).unwrap(),
        Bytes::from_gb(10.0).unwrap()
    );
    assert_eq!(
        working_set(total, Ratio::from_percent(20.0).unwrap()).unwrap(),
        Bytes::from_gb(20.0).unwrap()
    );
}

#[test]
fn stage_bands() {
    #[track_caller]
    fn check(users: u64, stage: Stage) {
        assert_eq!(Stage::for_users(Users::new(users)), stage);
    }
    check(5_000, Stage::Startup);
    check(50_000, Stage::Growth);
    check(500_000, Stage::Scale);
    check(5_000_000, Stage::Enterprise);
}

#[test]
fn key_metric_table() {
    #[track_caller]
    fn check(snap: MetricsSnapshot, metric: KeyMetric, expected: Health) {
        assert_eq!(
            KeyThresholds::default().classify(metric, &snap),
            Some(expected)
        );
    }
    let s = MetricsSnapshot::default;
    // P95: target < 500 ms, warning > 1 s.
    check(
        s().with_p95_response_time(Duration::from_millis(450)),
        KeyMetric::P95ResponseTime,
        Health::Healthy,
    );
    check(
        s().with_p95_response_time(Duration::from_millis(750)),
        KeyMetric::P95ResponseTime,
        Health::Marginal,
    );
    check(
        s().with_p95_response_time(Duration::from_millis(1_500)),
        KeyMetric::P95ResponseTime,
        Health::Unhealthy,
    );
    // Server CPU: target < 70%, warning > 85%.
    check(
        s().with_server_cpu(Ratio::from_percent(60.0).unwrap()),
        KeyMetric::ServerCpu,
        Health::Healthy,
    );
    check(
        s().with_server_cpu(Ratio::from_percent(90.0).unwrap()),
        KeyMetric::ServerCpu,
        Health::Unhealthy,
    );
}
