//! Arbitrary bytes as series input, CSV or JSON -> validation -> every series statistic.
//!
//! Invariants: reading never panics; accepted series are in time order with values in their
//! metric's domain; a history read from CSV writes back to CSV that reads as itself; the
//! statistics are finite where defined (p-values and shares in 0..=1), and the trend of a
//! series is what a fresh copy of it computes.
#![no_main]

use core::time::Duration;
use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use scalability_advisor_core::units::Ratio;
use scalability_advisor_core::{Direction, History, Series, SeriesConfig, UnitKind};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let history = if text.trim_start().starts_with(['{', '[']) {
        match serde_json::from_str::<History>(text) {
            Ok(h) => h,
            Err(_) => return,
        }
    } else {
        match History::from_csv(text) {
            Ok(h) => h,
            Err(_) => return,
        }
    };
    let mut csv = String::from("metric,at_s,value\n");
    for series in history.iter() {
        let metric = series.metric();
        let samples = series.samples();
        assert!(!samples.is_empty());
        assert!(samples.windows(2).all(|w| w[0].at <= w[1].at), "{metric} out of order");
        for s in samples {
            assert!(s.value.is_finite() && s.value >= 0.0, "{metric} = {}", s.value);
            if matches!(metric.unit(), UnitKind::Ratio | UnitKind::Flag) {
                assert!(s.value <= 1.0, "{metric} = {}", s.value);
            }
            let _ = writeln!(csv, "{},{:?},{:?}", metric.name(), s.at.as_secs_f64(), s.value);
        }
        let config = SeriesConfig {
            window: Duration::from_secs(u64::MAX / 4),
            min_samples: 3,
            ..SeriesConfig::default()
        };
        if let Ok(t) = series.trend(&config) {
            assert!((0.0..=1.0).contains(&t.p_value), "p = {}", t.p_value);
            assert!(t.slope_per_second.is_finite() && t.relative_change.is_finite());
            let fresh = Series::new(metric, samples.to_vec()).expect("a valid series rebuilds");
            assert_eq!(fresh.trend(&config).ok(), Some(t));
        }
        let mean = series.mean(config.window);
        assert!(mean.is_finite());
        let p = series.percentile(config.window, Ratio::from_percent(95.0).unwrap());
        assert!(p.is_finite());
        if let Ok(s) = series.sustained(mean, Direction::LowerIsBetter, &config) {
            assert!((0.0..=1.0).contains(&s.share.as_fraction()));
        }
    }
    // Times printed in seconds may not reproduce nanoseconds exactly, so compare counts and
    // values, not instants.
    let again = History::from_csv(&csv).expect("written CSV reads back");
    for a in history.iter() {
        let b = again.get(a.metric()).expect("every metric written reads back");
        assert_eq!(a.len(), b.len());
        assert!(a.samples().iter().zip(b.samples()).all(|(x, y)| x.value.to_bits() == y.value.to_bits()));
    }
});
