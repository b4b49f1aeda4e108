//! Structured arbitrary inputs to every public formula and model of scalability-advisor-formulas (and the
//! sizing formulas of scalability-advisor-core).
//!
//! Invariants: no panic; every `Ok` is finite and respects the documented invariants
//! (probabilities in 0..=1, counts at least 1, required servers above the offered load,
//! inverses agreeing with the forward model); everything else is a typed `Err`.
#![no_main]

use core::num::NonZeroU32;
use core::time::Duration;

use scalability_advisor_core::sizing;
use scalability_advisor_core::units::{Bytes, Concurrency, Factor, Rate, Ratio};
use scalability_advisor_formulas::{
    Availability, Estimate, GrowthRate, Measurement, Mmc, Months, Placement, PlanInputs, Reach, Runway, SCENARIOS,
    ServerTarget, UslModel, active_active, active_passive, erlang_b, erlang_c, fit_usl, keys_moved, plan_scenarios,
    plan_uncertain, redundant, runway, serial, servers_for, shards_needed,
};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Case {
    Sizing { peak: f64, growth: f64, margin: f64, cores: u32, spindles: u32, reads: f64, per_replica: f64, bytes: u64, k: f64 },
    Growth { factor: f64, months: f64, current: f64, threshold: f64 },
    Queue { rate: f64, service_ms: u32, servers: u16, within_ms: u32, share: f64 },
    Erlang { servers: u16, load: f64 },
    Usl { points: Vec<(f64, f64)>, sigma: f64, kappa: f64, lambda: f64, x: f64, r: f64 },
    Availability { parts: Vec<f64>, nines: f64, regions: u8, failover: f64 },
    Sharding { writes: f64, per_shard: f64, headroom: f64, from: u16, to: u16 },
    Plan { peak: f64, per_instance: f64, low: f64, likely: f64, high: f64, seed: u64 },
}

fn finite(v: f64) {
    assert!(v.is_finite(), "non-finite result {v}");
}

fuzz_target!(|case: Case| match case {
    Case::Sizing { peak, growth, margin, cores, spindles, reads, per_replica, bytes, k } => {
        if let (Ok(p), Ok(g), Ok(m)) = (Rate::from_per_second(peak), Factor::new(growth), Factor::new(margin)) {
            if let Ok(c) = sizing::required_capacity(p, g, m) {
                finite(c.as_per_second());
            }
        }
        if let Ok(pool) = sizing::connection_pool_size(cores, spindles) {
            assert!(pool.get() >= 1);
        }
        if let (Ok(r), Ok(q)) = (Rate::from_per_second(reads), Rate::from_per_second(per_replica)) {
            if let Ok(n) = sizing::read_replicas(r, q) {
                assert!(n.get() >= 1);
            }
        }
        if let Ok(k) = Factor::new(k) {
            if let Ok(m) = sizing::cache_memory(Bytes::from_bytes(bytes), k) {
                assert!(m.as_bytes() >= bytes);
            }
        }
    }
    Case::Growth { factor, months, current, threshold } => {
        if let (Ok(f), Ok(m)) = (Factor::new(factor), Months::new(months)) {
            if let Ok(g) = GrowthRate::from_factor_over(f, m) {
                finite(g.monthly());
                if let (Ok(c), Ok(t)) = (Rate::from_per_second(current), Rate::from_per_second(threshold)) {
                    if let Runway::After(t) = runway(c, t, g) {
                        finite(t.get());
                        assert!(t.get() >= 0.0);
                    }
                }
            }
        }
    }
    Case::Queue { rate, service_ms, servers, within_ms, share } => {
        let Ok(rate) = Rate::from_per_second(rate) else { return };
        let service = Duration::from_millis(u64::from(service_ms));
        if let Ok(q) = Mmc::new(rate, service, u32::from(servers)) {
            let pw = q.probability_of_waiting().as_fraction();
            assert!((0.0..=1.0).contains(&pw));
            let _ = q.mean_wait();
            let _ = q.service_level(Duration::from_millis(u64::from(within_ms)));
        }
        if rate.as_per_second() * service.as_secs_f64() < 100_000.0 {
            if let Ok(share) = Ratio::from_fraction(share) {
                let target = ServerTarget::ServiceLevel { within: Duration::from_millis(u64::from(within_ms)), share };
                if let Ok(q) = servers_for(rate, service, target) {
                    assert!(f64::from(q.servers()) > q.offered_load());
                }
            }
        }
    }
    Case::Erlang { servers, load } => {
        if let Ok(b) = erlang_b(u32::from(servers), load) {
            assert!((0.0..=1.0).contains(&b));
        }
        if let Ok(c) = erlang_c(u32::from(servers), load) {
            assert!((0.0..=1.0).contains(&c));
        }
    }
    Case::Usl { points, sigma, kappa, lambda, x, r } => {
        let pts: Vec<Measurement> = points
            .iter()
            .take(64)
            .filter_map(|&(n, x)| {
                let n = Concurrency::new(n).ok()?;
                let x = Rate::from_per_second(x).ok()?;
                Measurement::new(n, x).ok()
            })
            .collect();
        if let Ok(fit) = fit_usl(&pts) {
            finite(fit.model.sigma());
            finite(fit.model.kappa());
            finite(fit.model.lambda().as_per_second());
            assert!((0.0..=1.0).contains(&fit.model.sigma()) && (0.0..=1.0).contains(&fit.model.kappa()));
        }
        let model = Rate::from_per_second(lambda).ok().and_then(|l| UslModel::new(sigma, kappa, l).ok());
        if let Some(m) = model {
            if let Ok(target) = Rate::from_per_second(x) {
                if let Reach::At(n) = m.concurrency_at_throughput(target) {
                    let back = m.throughput_at(n).as_per_second();
                    assert!((back - x).abs() <= 1e-6 * x.abs().max(1.0), "{back} vs {x}");
                }
            }
            if let Ok(r) = Duration::try_from_secs_f64(r) {
                if let Reach::At(t) = m.throughput_at_latency(r) {
                    finite(t.as_per_second());
                }
            }
        }
    }
    Case::Availability { parts, nines, regions, failover } => {
        let parts: Vec<Availability> = parts.iter().take(16).filter_map(|&a| Availability::from_fraction(a).ok()).collect();
        if !parts.is_empty() {
            let weakest = parts.iter().map(|a| a.as_fraction()).fold(1.0, f64::min);
            let strongest = parts.iter().map(|a| a.as_fraction()).fold(0.0, f64::max);
            assert!(serial(&parts).as_fraction() <= weakest + 1e-12);
            assert!(redundant(&parts).as_fraction() >= strongest - 1e-12);
            if let Ok(f) = Ratio::from_fraction(failover) {
                let _ = active_passive(parts[0], f);
            }
            let _ = active_active(parts[0], u32::from(regions));
        }
        if let Ok(a) = Availability::from_nines(nines) {
            let _ = a.downtime_per_year();
        }
    }
    Case::Sharding { writes, per_shard, headroom, from, to } => {
        if let (Ok(w), Ok(c), Ok(h)) = (Rate::from_per_second(writes), Rate::from_per_second(per_shard), Ratio::from_fraction(headroom)) {
            if let Ok(s) = shards_needed(w, c, h) {
                assert!(s.get() >= 1);
            }
        }
        if let (Some(n), Some(m)) = (NonZeroU32::new(u32::from(from)), NonZeroU32::new(u32::from(to))) {
            for p in [Placement::HashModulo, Placement::ConsistentHashing, Placement::JumpHash] {
                let moved = keys_moved(p, n, m).as_fraction();
                assert!((0.0..=1.0).contains(&moved));
            }
        }
    }
    Case::Plan { peak, per_instance, low, likely, high, seed } => {
        let (Ok(peak), Ok(per)) = (Rate::from_per_second(peak), Rate::from_per_second(per_instance)) else { return };
        let mut inputs = PlanInputs::new(peak.into(), per.into());
        if let (Ok(l), Ok(m), Ok(h)) = (Factor::new(low), Factor::new(likely), Factor::new(high)) {
            if let Ok(e) = Estimate::range(l, m, h) {
                inputs.growth = e;
            }
        }
        if let Ok(plans) = plan_scenarios(&inputs, &SCENARIOS) {
            for p in plans {
                finite(p.required_capacity.value.as_per_second());
                assert!(p.app_instances.value.get() >= 1);
            }
        }
        if let Ok(u) = plan_uncertain(&inputs, 64, seed) {
            let c = u.required_capacity;
            assert!(c.p10.as_per_second() <= c.p50.as_per_second() + 1e-9);
            assert!(c.p50.as_per_second() <= c.p90.as_per_second() + 1e-9);
            assert!(u.app_instances.p10 <= u.app_instances.p90);
        }
    }
});
