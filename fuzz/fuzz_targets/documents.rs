//! The TOML and JSON documents a user hands the command line: snapshots (TOML; JSON is
//! `core_snapshot`'s) and plan files, whose fields are the types below (the same field types
//! as the command line's plan file: three-point estimates of rates, factors, ratios and
//! queries per request, and a component list). The first byte picks the document kind and
//! format; the rest is the text.
//!
//! Invariants: no panic; an accepted snapshot holds finite values in each metric's domain and
//! reads back as itself through JSON; an accepted estimate is finite with low <= likely <=
//! high, and a known component list reads back as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalability_advisor_core::units::{Factor, QueriesPerRequest, Rate, Ratio};
use scalability_advisor_core::{ComponentSet, Metric, MetricsSnapshot, UnitKind};
use scalability_advisor_formulas::{Estimate, Sampleable};

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PlanDocument {
    peak: Option<Estimate<Rate>>,
    growth: Option<Estimate<Factor>>,
    margin: Option<Estimate<Factor>>,
    per_instance: Option<Estimate<Rate>>,
    db_cores: Option<u32>,
    max_connections: Option<u32>,
    queries_per_request: Option<Estimate<QueriesPerRequest>>,
    read_share: Option<Estimate<Ratio>>,
    per_replica: Option<Estimate<Rate>>,
    data_gib: Option<f64>,
    hot_fraction: Option<Estimate<Ratio>>,
    users: Option<u64>,
    #[serde(default)]
    architecture: ComponentSet,
}

fn ordered<T: Sampleable>(e: Option<Estimate<T>>) {
    match e {
        None => {}
        Some(Estimate::Point(v)) => assert!(v.to_f64().is_finite()),
        Some(Estimate::Range { low, likely, high }) => {
            let (l, m, h) = (low.to_f64(), likely.to_f64(), high.to_f64());
            assert!(l.is_finite() && m.is_finite() && h.is_finite());
            assert!(l <= m && m <= h, "{l} {m} {h}");
        }
    }
}

fn snapshot_is_valid(s: &MetricsSnapshot) {
    for metric in Metric::ALL {
        if let Some(v) = s.value(metric) {
            assert!(v.is_finite() && v >= 0.0, "{metric} = {v}");
            if metric.unit() == UnitKind::Ratio {
                assert!(v <= 1.0, "{metric} = {v}");
            }
        }
    }
    let json = serde_json::to_vec(s).expect("a valid snapshot serializes");
    let again: MetricsSnapshot = serde_json::from_slice(&json).expect("and parses back");
    assert_eq!(&again, s);
}

fn plan_is_valid(p: PlanDocument) {
    ordered(p.peak);
    ordered(p.growth);
    ordered(p.margin);
    ordered(p.per_instance);
    ordered(p.queries_per_request);
    ordered(p.read_share);
    ordered(p.per_replica);
    ordered(p.hot_fraction);
    let json = serde_json::to_string(&p.architecture).expect("a component set serializes");
    let again: ComponentSet = serde_json::from_str(&json).expect("and parses back");
    assert_eq!(again, p.architecture);
}

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = core::str::from_utf8(rest) else {
        return;
    };
    match head % 3 {
        0 => {
            if let Ok(s) = toml::from_str::<MetricsSnapshot>(text) {
                snapshot_is_valid(&s);
            }
        }
        1 => {
            if let Ok(p) = toml::from_str::<PlanDocument>(text) {
                plan_is_valid(p);
            }
        }
        _ => {
            if let Ok(p) = serde_json::from_str::<PlanDocument>(text) {
                plan_is_valid(p);
            }
        }
    }
});
