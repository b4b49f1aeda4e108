//! Classification across stages, thresholds, triggers and additions.

use core::time::Duration;

use proptest::prelude::*;
use scalability_advisor_core::units::{Ratio, Users};
use scalability_advisor_core::{
    AdvisorConfig, Classification, Component, Health, History, KeyThresholds, Metric,
    MetricsSnapshot, Series, Stage, Trigger,
};

fn pct(p: f64) -> Ratio {
    Ratio::from_percent(p).unwrap()
}

#[test]
fn healthy_startup_fires_nothing() {
    // Every key metric at or under its target, small user base.
    let snap = MetricsSnapshot::default()
        .with_users(Users::new(2_000))
        .with_p95_response_time(Duration::from_millis(200))
        .with_server_cpu(pct(30.0))
        .with_memory_usage(pct(40.0))
        .with_db_cpu(pct(25.0))
        .with_slowest_query_time(Duration::from_millis(20));
    let c = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
    assert_eq!(c.stage, Some(Stage::Startup));
    assert_eq!(c.health.worst(), Some(Health::Healthy));
    assert_eq!(c.triggers.fired().count(), 0);
    assert_eq!(c.suggested_stage(), None);
}

#[test]
fn series_drives_the_degrading_trigger() {
    // P95 climbing 40 ms an hour from 300 ms over 12 hours: 300 -> 740 ms, +85% of the median.
    let p95: Vec<f64> = (0..12).map(|h| 0.3 + 0.04 * f64::from(h)).collect();
    let history: History =
        [Series::from_values(Metric::P95ResponseTime, Duration::from_secs(3_600), &p95).unwrap()]
            .into_iter()
            .collect();
    let c = Classification::of(
        &MetricsSnapshot::default(),
        &history,
        &AdvisorConfig::default(),
    );
    assert!(
        c.triggers
            .get(Trigger::ResponseTimesDegrading)
            .outcome
            .is_fired()
    );
    assert_eq!(c.suggested_stage(), Some(Stage::Growth));
}

#[test]
fn additions_in_place_are_not_recommended() {
    let snap = MetricsSnapshot::default()
        .with_db_read_share(pct(90.0))
        .with_component(Component::ReadReplicas);
    let c = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
    assert_eq!(c.recommended_additions().count(), 0);
}

#[test]
fn overridden_thresholds_change_health() {
    let snap = MetricsSnapshot::default().with_server_cpu(pct(80.0));
    let strict = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
    let relaxed_cpu = scalability_advisor_core::Threshold::new(
        "server_cpu",
        pct(85.0),
        pct(95.0),
        scalability_advisor_core::Direction::LowerIsBetter,
    )
    .unwrap();
    let cfg = AdvisorConfig {
        thresholds: KeyThresholds {
            server_cpu: relaxed_cpu,
            ..KeyThresholds::default()
        },
        ..AdvisorConfig::default()
    };
    let relaxed = Classification::of(&snap, &History::new(), &cfg);
    assert_eq!(strict.health.worst(), Some(Health::Marginal));
    assert_eq!(relaxed.health.worst(), Some(Health::Healthy));
}

proptest! {
    #[test]
    fn classification_is_deterministic(cpu in 0.0f64..=1.0, db in 0.0f64..=1.0, users in any::<u64>()) {
        let snap = MetricsSnapshot::default()
            .with_users(Users::new(users))
            .with_server_cpu(Ratio::from_fraction(cpu).unwrap())
            .with_db_cpu(Ratio::from_fraction(db).unwrap());
        let a = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
        let b = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
        prop_assert_eq!(a, b);
    }

    #[test]
    fn worse_cpu_never_improves_health(a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let health = |v: f64| {
            let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_fraction(v).unwrap());
            KeyThresholds::default().assess(&snap).worst()
        };
        prop_assert!(health(lo) <= health(hi));
    }
}
