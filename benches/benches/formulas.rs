//! Benchmarks of scalability-advisor-formulas: server search, USL fit, plans.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use scalability_advisor_core::units::{Bytes, Concurrency, Factor, QueriesPerRequest, Rate, Ratio};
use scalability_advisor_formulas::{
    CacheInputs, DatabaseInputs, Estimate, Measurement, PlanInputs, SCENARIOS, ServerTarget,
    UslModel, fit_usl, plan_scenarios, plan_uncertain, servers_for,
};

fn queueing(c: &mut Criterion) {
    // 10,000 Erlangs: 100 arrivals/s of 100 s each; 80% answered within 20 s.
    let rate = Rate::from_per_second(100.0).expect("valid rate");
    let service = Duration::from_secs(100);
    let target = ServerTarget::ServiceLevel {
        within: Duration::from_secs(20),
        share: Ratio::from_percent(80.0).expect("valid ratio"),
    };
    c.bench_function("erlang_c_servers_for_10000_erlangs", |b| {
        b.iter(|| servers_for(black_box(rate), black_box(service), black_box(target)));
    });
    // 4·10⁹ Erlangs: 4·10⁹ arrivals/s of 1 s each; 80% within 200 ms.
    let huge = Rate::from_per_second(4e9).expect("valid rate");
    let level = ServerTarget::ServiceLevel {
        within: Duration::from_millis(200),
        share: Ratio::from_percent(80.0).expect("valid ratio"),
    };
    c.bench_function("erlang_c_servers_for_4e9_erlangs", |b| {
        b.iter(|| servers_for(black_box(huge), Duration::from_secs(1), black_box(level)));
    });
}

fn usl(c: &mut Criterion) {
    // 1,000 points from a known model with a deterministic ±2% ripple.
    let truth = UslModel::new(
        0.03,
        0.0005,
        Rate::from_per_second(1_000.0).expect("valid rate"),
    )
    .expect("valid model");
    let points: Vec<Measurement> = (1..=1_000u32)
        .map(|i| {
            let n = Concurrency::new(f64::from(i) * 0.1).expect("valid concurrency");
            let ripple = 1.0 + 0.02 * (f64::from(i) * 0.7).sin();
            let x = Rate::from_per_second(truth.throughput_at(n).as_per_second() * ripple)
                .expect("valid rate");
            Measurement::new(n, x).expect("valid measurement")
        })
        .collect();
    c.bench_function("usl_fit_1000_points", |b| {
        b.iter(|| fit_usl(black_box(&points)))
    });
}

fn inputs() -> PlanInputs {
    let rate = |v: f64| Rate::from_per_second(v).expect("valid rate");
    let mut i = PlanInputs::new(rate(1_000.0).into(), rate(400.0).into());
    i.growth = Estimate::range(
        Factor::new(2.0).expect("valid"),
        Factor::new(3.0).expect("valid"),
        Factor::new(6.0).expect("valid"),
    )
    .expect("ordered");
    let mut db = DatabaseInputs::new(
        8,
        QueriesPerRequest::new(2.0).expect("valid").into(),
        Estimate::range(
            Ratio::from_percent(70.0).expect("valid"),
            Ratio::from_percent(85.0).expect("valid"),
            Ratio::from_percent(95.0).expect("valid"),
        )
        .expect("ordered"),
        rate(3_000.0).into(),
    );
    db.max_connections = Some(500);
    i.database = Some(db);
    i.cache = Some(CacheInputs::new(
        Bytes::from_gib(50.0).expect("valid").into(),
    ));
    i
}

fn plans(c: &mut Criterion) {
    let i = inputs();
    c.bench_function("plan_three_scenarios", |b| {
        b.iter(|| plan_scenarios(black_box(&i), black_box(&SCENARIOS)))
    });
    c.bench_function("plan_uncertain_10000_draws", |b| {
        b.iter(|| plan_uncertain(black_box(&i), 10_000, 42))
    });
}

criterion_group!(benches, queueing, usl, plans);
criterion_main!(benches);
