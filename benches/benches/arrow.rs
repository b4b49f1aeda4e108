//! Benchmarks of the Arrow kernel: rows per second through a session on a synthetic fleet,
//! against single `assess` calls on the same services in the same run.

use std::hint::black_box;

use advisor_benches::LIGHT_COLUMNS;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scalability_advisor_arrow::Kernel;
use scalability_advisor_arrow::fleet::synthetic_fleet;

fn arrow(c: &mut Criterion) {
    let rows = 10_000;
    let fleet = synthetic_fleet(rows, 1, 0).expect("a fleet");
    let kernel = Kernel::default_pack();
    let mut group = c.benchmark_group("arrow_10k_rows");
    group.throughput(Throughput::Elements(rows as u64));
    group.sample_size(10);
    let mut session = kernel.session(fleet.schema_ref()).expect("bound");
    group.bench_function("kernel_default_pack", |b| {
        b.iter(|| session.assess(black_box(&fleet)).expect("assessed"));
    });
    // The columns that need neither the plan nor the missing inputs.
    let light = Kernel::default_pack()
        .with_columns(LIGHT_COLUMNS)
        .expect("known columns");
    let mut session = light.session(fleet.schema_ref()).expect("bound");
    group.bench_function("kernel_light_columns", |b| {
        b.iter(|| session.assess(black_box(&fleet)).expect("assessed"));
    });
    group.finish();
}

criterion_group!(benches, arrow);
criterion_main!(benches);
