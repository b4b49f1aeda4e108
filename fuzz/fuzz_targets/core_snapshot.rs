//! Arbitrary bytes as a JSON snapshot -> validation -> classification.
//!
//! Invariants: parsing never panics; every accepted value is finite and within its unit's
//! domain; classification is deterministic and judges exactly the metrics that were given.
#![no_main]

use scalability_advisor_core::{AdvisorConfig, Classification, History, KeyMetric, Metric, MetricsSnapshot, UnitKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(snapshot) = serde_json::from_slice::<MetricsSnapshot>(data) else { return };
    for metric in Metric::ALL {
        if let Some(v) = snapshot.value(metric) {
            assert!(v.is_finite() && v >= 0.0, "{metric} = {v}");
            if metric.unit() == UnitKind::Ratio {
                assert!(v <= 1.0, "{metric} = {v}");
            }
        }
    }
    let config = AdvisorConfig::default();
    let a = Classification::of(&snapshot, &History::new(), &config);
    let b = Classification::of(&snapshot, &History::new(), &config);
    assert_eq!(a, b);
    for m in KeyMetric::ALL {
        assert_eq!(a.health.get(m).health.is_some(), snapshot.value(m.metric()).is_some());
    }
    // A serialized snapshot reads back as itself.
    let json = serde_json::to_vec(&snapshot).expect("a valid snapshot serializes");
    let again: MetricsSnapshot = serde_json::from_slice(&json).expect("a serialized snapshot parses");
    assert_eq!(again, snapshot);
});
