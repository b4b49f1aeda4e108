//! Accessors, `Display` forms and the less travelled branches of each model, with expected
//! values worked out by hand in the comments (doc examples show some of them too, but doc
//! tests do not run under nextest or cargo-mutants).

use core::num::NonZeroU32;
use core::time::Duration;

use scalability_advisor_formulas::scalability_advisor_core::units::{
    Bytes, Concurrency, Factor, Rate, Ratio,
};
use scalability_advisor_formulas::{
    Availability, CacheInputs, Estimate, GrowthRate, MONTH, Mmc, Months, Placement, PlanInputs,
    Reach, Runway, ServerTarget, UslModel, active_active, erlang_b, error_budget, keys_moved,
    little_arrival_rate, little_concurrency, plan, plan_uncertain, servers_for, shards_needed,
};

const EPS: f64 = 1e-9;

fn rate(v: f64) -> Rate {
    Rate::from_per_second(v).unwrap()
}

#[test]
fn growth_displays_and_annual_rate() {
    let g = GrowthRate::from_monthly(0.1).unwrap();
    // 1.1^12 − 1 = 2.138428…
    assert!((g.annual() - 2.138_428_376_721).abs() < 1e-9);
    assert_eq!(g.to_string(), "+10.00%/month");
    assert_eq!(Months::new(2.5).unwrap().to_string(), "2.5 months");
    assert_eq!(Runway::Never.to_string(), "never at this growth");
    assert_eq!(Runway::AlreadyCrossed.to_string(), "already crossed");
    assert_eq!(
        Runway::After(Months::new(3.0).unwrap()).to_string(),
        "in 3.0 months"
    );
    assert!((f64::from(Months::new(4.0).unwrap()) - 4.0).abs() < EPS);
    assert!(GrowthRate::try_from(f64::NAN).is_err());
}

#[test]
fn queue_accessors_and_targets() {
    // λ = 2/s, S = 1 s, c = 3: a = 2 Erlangs, ρ = 2/3, C(3, 2) = 4/9 (by hand, see the unit test).
    let q = Mmc::new(rate(2.0), Duration::from_secs(1), 3).unwrap();
    assert_eq!(q.servers(), 3);
    assert!((q.offered_load() - 2.0).abs() < EPS);
    assert!((q.utilisation().as_fraction() - 2.0 / 3.0).abs() < EPS);
    assert!((q.probability_of_waiting().as_fraction() - 4.0 / 9.0).abs() < EPS);
    // B(3, 2) = (8/6) / (1 + 2 + 2 + 8/6) = 4/19.
    assert!((q.probability_of_blocking().as_fraction() - 4.0 / 19.0).abs() < EPS);
    // E[W] = C · S / (c − a) = 4/9 s; response = 4/9 + 1 s.
    assert!((q.mean_wait().as_secs_f64() - 4.0 / 9.0).abs() < 1e-9);
    assert!((q.mean_response_time().as_secs_f64() - 13.0 / 9.0).abs() < 1e-9);
    // L_q = λ · E[W] = 8/9.
    assert!((q.mean_queue_length() - 8.0 / 9.0).abs() < 1e-9);
    assert!((erlang_b(3, 2.0_f32).unwrap() - 4.0 / 19.0).abs() < 1e-6);

    let pct = |p| Ratio::from_percent(p).unwrap();
    for target in [
        ServerTarget::WaitPercentile {
            percentile: pct(90.0),
            max_wait: Duration::from_millis(200),
        },
        ServerTarget::MeanWait(Duration::from_millis(100)),
        ServerTarget::ProbabilityOfWaiting(pct(20.0)),
        ServerTarget::Utilisation(pct(75.0)),
    ] {
        let q = servers_for(rate(20.0), Duration::from_millis(500), target).unwrap();
        // 10 Erlangs: every target needs more than 10 servers and is met by the answer.
        assert!(q.servers() > 10, "{target}");
        let fewer = Mmc::new(rate(20.0), Duration::from_millis(500), q.servers() - 1);
        if let Ok(fewer) = fewer {
            let met = match target {
                ServerTarget::WaitPercentile {
                    percentile,
                    max_wait,
                } => fewer.wait_percentile(percentile) <= max_wait,
                ServerTarget::MeanWait(m) => fewer.mean_wait() <= m,
                ServerTarget::ProbabilityOfWaiting(p) => fewer.probability_of_waiting() <= p,
                ServerTarget::Utilisation(u) => fewer.utilisation() <= u,
                ServerTarget::ServiceLevel { .. } => unreachable!(),
            };
            assert!(!met, "{target}: one server fewer also meets it");
        }
        assert!(!target.to_string().is_empty());
    }
    // ρ = 10/14 = 71.4% <= 75% with 14 servers; 13 give 76.9%.
    let q = servers_for(
        rate(20.0),
        Duration::from_millis(500),
        ServerTarget::Utilisation(pct(75.0)),
    )
    .unwrap();
    assert_eq!(q.servers(), 14);
    assert!(
        (little_concurrency(rate(10.0), Duration::from_secs(2))
            .unwrap()
            .as_f64()
            - 20.0)
            .abs()
            < EPS
    );
    let l = little_concurrency(rate(10.0), Duration::from_secs(2)).unwrap();
    assert!(
        (little_arrival_rate(l, Duration::from_secs(4))
            .unwrap()
            .as_per_second()
            - 5.0)
            .abs()
            < EPS
    );
}

#[test]
fn usl_accessors_and_limits() {
    let n = |v: f64| Concurrency::new(v).unwrap();
    let m = UslModel::new(0.1, 0.0, rate(10.0)).unwrap();
    assert!(
        (m.sigma() - 0.1).abs() < EPS
            && m.kappa() == 0.0
            && (m.lambda().as_per_second() - 10.0).abs() < EPS
    );
    // Amdahl: X(N) = 10N / (1 + 0.1(N − 1)); X(11) = 110 / 2 = 55/s; speed-up 5.5;
    // R = N / X = 11 / 55 = 0.2 s.
    assert!((m.throughput_at(n(11.0)).as_per_second() - 55.0).abs() < EPS);
    assert!((m.speedup_at(n(11.0)) - 5.5).abs() < EPS);
    assert_eq!(m.latency_at(n(11.0)), Some(Duration::from_millis(200)));
    assert!((m.contention_limit().unwrap().as_per_second() - 100.0).abs() < EPS);
    assert!((m.optimal_concurrency().unwrap().as_f64() - 10.0).abs() < EPS);
    assert_eq!(m.throughput_at(Concurrency::ZERO), Rate::ZERO);
    let Reach::At(r) = m.latency_at_throughput(rate(55.0)) else {
        panic!()
    };
    assert!((r.as_secs_f64() - 0.2).abs() < 1e-9);
    // Linear scaling: no limit, no optimum.
    let linear = UslModel::new(0.0, 0.0, rate(10.0)).unwrap();
    assert_eq!(linear.max_throughput(), None);
    assert_eq!(linear.contention_limit(), None);
    assert_eq!(linear.optimal_concurrency(), None);
    assert!((linear.speedup_at(n(3.0)) - 3.0).abs() < EPS);
    // Nothing completes with λ = 0: speed-up 0, no latency.
    let stuck = UslModel::new(0.1, 0.0, Rate::ZERO).unwrap();
    assert!(stuck.speedup_at(n(3.0)).abs() < EPS);
    assert_eq!(stuck.latency_at(n(3.0)), None);
    assert!(m.to_string().starts_with("σ = 0.100000"));
}

#[test]
fn availability_branches() {
    let a = Availability::from_percent(99.9).unwrap();
    assert!((a.as_ratio().as_fraction() - 0.999).abs() < EPS);
    assert_eq!(a.to_string(), "99.9000%");
    assert!(Availability::from_downtime(Duration::from_secs(10), Duration::ZERO).is_err());
    assert!(Availability::from_downtime(MONTH + Duration::from_secs(1), MONTH).is_err());
    // 43.8 minutes allowed; 50 spent: exhausted, nothing left.
    let b = error_budget(a, MONTH, Duration::from_secs(50 * 60));
    assert!(b.exhausted && b.remaining.as_fraction() == 0.0);
    assert!((b.allowed.as_secs_f64() - 43.8 * 60.0).abs() < 1e-6);
    let perfect = Availability::from_fraction(1.0).unwrap();
    assert!(
        error_budget(perfect, MONTH, Duration::ZERO)
            .remaining
            .as_fraction()
            .abs()
            < EPS
    );
    // Three regions at 99%: 1 − 0.01³.
    assert!(
        (active_active(Availability::from_percent(99.0).unwrap(), 3).as_fraction() - 0.999_999)
            .abs()
            < 1e-12
    );
}

#[test]
fn sharding_branches() {
    let nz = |n| NonZeroU32::new(n).unwrap();
    // Consistent hashing 4 -> 5 moves 1/5; shrinking 5 -> 4 moves the departing shard's 1/5.
    assert!(
        (keys_moved(Placement::ConsistentHashing, nz(4), nz(5)).as_fraction() - 0.2).abs() < EPS
    );
    assert!(
        (keys_moved(Placement::ConsistentHashing, nz(5), nz(4)).as_fraction() - 0.2).abs() < EPS
    );
    // Modulo 3 -> 6: lcm 6, residues 0, 1, 2 stay: half move.
    assert!((keys_moved(Placement::HashModulo, nz(3), nz(6)).as_fraction() - 0.5).abs() < EPS);
    // 10,000 writes/s at 2,500 per shard, no headroom: exactly 4.
    assert_eq!(
        shards_needed(rate(10_000.0), rate(2_500.0), Ratio::ZERO)
            .unwrap()
            .get(),
        4
    );
}

#[test]
fn plan_estimates_and_figures() {
    let e = Estimate::range(
        Factor::new(1.0).unwrap(),
        Factor::new(2.0).unwrap(),
        Factor::new(3.0).unwrap(),
    )
    .unwrap();
    assert!(e.is_uncertain());
    assert_eq!(e.likely(), Factor::new(2.0).unwrap());
    let point: Estimate<Factor> = Factor::new(2.0).unwrap().into();
    assert!(!point.is_uncertain());
    let flat = Estimate::range(
        Factor::new(2.0).unwrap(),
        Factor::new(2.0).unwrap(),
        Factor::new(2.0).unwrap(),
    )
    .unwrap();
    assert!(!flat.is_uncertain());

    let mut inputs = PlanInputs::new(rate(100.0).into(), rate(1_000.0).into());
    inputs.cache = Some(CacheInputs::new(Bytes::from_gib(10.0).unwrap().into()));
    let p = plan(&inputs).unwrap();
    // 100 × 1 × 1.5 = 150 req/s: one instance; 10 GiB × 20% = 2 GiB working set, 3 GiB memory.
    assert_eq!(p.app_instances.value.get(), 1);
    assert_eq!(
        p.cache.as_ref().unwrap().memory.value,
        Bytes::from_gib(3.0).unwrap()
    );
    assert_eq!(
        p.app_instances.to_string(),
        "1 = ⌈capacity / per-instance capacity⌉, at least 1 (capacity = 150/s, per-instance capacity = 1000/s)"
    );
    let u = plan_uncertain(&inputs, 10, 3).unwrap();
    assert_eq!(u.draws, 10);
    assert_eq!(u.seed, 3);
    assert!(u.cache_memory.is_some());
    // Whole instances: 150 req/s at 1,000 each is one instance in every draw.
    assert_eq!(u.app_instances.to_string(), "P10 1 / P50 1 / P90 1");
}
