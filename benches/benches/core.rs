//! Benchmarks of scalability-advisor-core: classifying a full snapshot and its parts.

use std::hint::black_box;

use advisor_benches::full_snapshot;
use core::time::Duration;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

use scalability_advisor_core::{
    AdvisorConfig, Classification, History, KeyThresholds, Metric, Series, SeriesConfig, Stage,
    TriggerConfig, TriggerReport,
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

/// A day of database CPU at one sample per second (an ordinary Prometheus range query), and a
/// million samples: a slow rise under deterministic noise. Each iteration builds a fresh
/// series (outside the timing), since a series keeps its first trend.
fn trend(c: &mut Criterion) {
    let series = |n: u32| {
        let values: Vec<f64> = (0..n)
            .map(|i| {
                let t = f64::from(i);
                0.4 + 0.2 * t / f64::from(n) + 0.05 * (t * 0.37).sin() * (t * 0.011).cos()
            })
            .collect();
        Series::from_values(Metric::DbCpu, Duration::from_secs(1), &values).expect("valid ratios")
    };
    let config = SeriesConfig {
        window: Duration::from_secs(10_000_000),
        ..SeriesConfig::default()
    };
    let mut group = c.benchmark_group("trend");
    group.sample_size(10);
    for n in [86_400, 1_000_000] {
        let samples = series(n).samples().to_vec();
        group.bench_function(format!("mann_kendall_sen_{n}"), |b| {
            b.iter_batched(
                || Series::new(Metric::DbCpu, samples.clone()).expect("valid series"),
                |s| s.trend(black_box(&config)).expect("enough samples"),
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, classify, trend);
criterion_main!(benches);
