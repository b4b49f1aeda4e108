//! Benchmarks of scalability-advisor-core: classifying a full snapshot and its parts.

use std::hint::black_box;

use advisor_benches::full_snapshot;
use criterion::{Criterion, criterion_group, criterion_main};
use scalability_advisor_core::{
    AdvisorConfig, Classification, History, KeyThresholds, Stage, TriggerConfig, TriggerReport,
};

fn classify(c: &mut Criterion) {
    let snapshot = full_snapshot();
    let history = History::new();
    let config = AdvisorConfig::default();
    c.bench_function("classify_full_snapshot", |b| {
        b.iter(|| {
            Classification::of(
                black_box(&snapshot),
                black_box(&history),
                black_box(&config),
            )
        });
    });
    let thresholds = KeyThresholds::default();
    c.bench_function("key_metric_health", |b| {
        b.iter(|| thresholds.assess(black_box(&snapshot)))
    });
    let triggers = TriggerConfig::default();
    c.bench_function("transition_triggers", |b| {
        b.iter(|| {
            TriggerReport::evaluate(
                black_box(&snapshot),
                black_box(&history),
                black_box(&triggers),
            )
        });
    });
    c.bench_function("stage_for_users", |b| {
        b.iter(|| black_box(&snapshot).users.map(Stage::for_users))
    });
}

criterion_group!(benches, classify);
criterion_main!(benches);
