//! The guidance tables and the small accessors and `Display` forms of the public types, checked
//! value by value (doc examples show them too, but doc tests do not run under nextest or
//! cargo-mutants).

use core::time::Duration;

use scalability_advisor_core::bottleneck::{DIAGNOSIS_ORDER, HealthCheckItem, Layer, Tool};
use scalability_advisor_core::patterns::{
    Addition, CacheableData, ChecklistItem, ConsistencyModel, ENTERPRISE_CHECKLIST,
    MultiRegionPattern, Rating, SCALING_CHECKLIST, ShardingStrategy, Ttl, UseCase,
};
use scalability_advisor_core::units::{Bytes, Count, Factor, Rate, Ratio, UsdPerMonth, Users};
use scalability_advisor_core::{
    Basis, Check, Component, ComponentSet, Direction, Evidence, Health, History, KeyMetric,
    KeyThresholds, Metric, MetricsSnapshot, Missing, Need, Outcome, Quantity, Remedy, Series,
    SeriesConfig, Stage, Symptom, Trigger, TriggerConfig, TriggerReport, UnitKind,
};

#[test]
fn unit_conversions_and_displays() {
    assert!(
        (Ratio::from_percent(75.0)
            .unwrap()
            .complement()
            .as_fraction()
            - 0.25)
            .abs()
            < 1e-12
    );
    assert!((Rate::from_per_minute(120.0).unwrap().as_per_second() - 2.0).abs() < 1e-12);
    assert!((Rate::from_per_hour(7_200.0).unwrap().as_per_second() - 2.0).abs() < 1e-12);
    let l = Rate::from_per_second(200.0)
        .unwrap()
        .checked_concurrency(Duration::from_millis(50))
        .unwrap();
    assert!((l.as_f64() - 10.0).abs() < 1e-9);
    assert_eq!(Bytes::from_gb(2.0).unwrap().as_bytes(), 2_000_000_000);
    assert!((Bytes::from_gib(3.0).unwrap().as_gib_f64() - 3.0).abs() < 1e-12);
    assert_eq!(Bytes::from_bytes(1536).to_string(), "1.5 KiB");
    assert_eq!(Users::new(7).get(), 7);
    assert_eq!(Users::new(7).to_string(), "7 users");
    assert_eq!(Count::new(3).to_string(), "3");
    assert_eq!(UsdPerMonth::from_usd(12.5).unwrap().to_string(), "$12.5/mo");
    assert_eq!(Factor::new(2.25).unwrap().to_string(), "2.25x");
}

#[test]
fn stage_tables() {
    assert_eq!(Stage::ALL.map(Stage::number), [1, 2, 3, 4]);
    assert_eq!(
        Stage::ALL.map(Stage::name),
        ["startup", "growth", "scale", "enterprise"]
    );
    assert_eq!(Stage::Scale.indicative_cost().to_string(), "$10,000/mo");
    assert_eq!(
        Stage::Enterprise.indicative_cost().to_string(),
        "$100,000+/mo"
    );
    assert_eq!(
        Stage::Growth.cost_at_scale().monthly.to_string(),
        "$1,000-3,000/mo"
    );
    assert_eq!(
        Stage::Enterprise.user_band().to_string(),
        "1,000,001+ users"
    );
    assert!(
        Stage::Growth
            .architecture()
            .contains(Component::ReadReplicas)
    );
    assert!(
        Stage::Enterprise
            .architecture()
            .contains(Component::GlobalLoadBalancer)
    );
    assert_eq!(
        Stage::Startup.architecture(),
        ComponentSet::from_components(&[Component::SingleServer])
    );
}

#[test]
fn thresholds_and_health() {
    assert_eq!(Health::Healthy.to_string(), "healthy");
    assert_eq!(Health::Marginal.to_string(), "between target and warning");
    assert_eq!(Health::Unhealthy.to_string(), "beyond warning");
    assert_eq!(Direction::HigherIsBetter.to_string(), "higher-is-better");
    let t = KeyThresholds::default();
    assert_eq!(t.target(KeyMetric::ServerCpu).to_string(), "70%");
    assert_eq!(t.warning(KeyMetric::P95ResponseTime).to_string(), "1.0 s");
    assert_eq!(KeyMetric::DbPoolUsage.to_string(), "db_pool_usage");
    let snap = MetricsSnapshot::default().with_server_cpu(Ratio::from_percent(90.0).unwrap());
    let report = t.assess(&snap);
    assert_eq!(
        report.get(KeyMetric::ServerCpu).health,
        Some(Health::Unhealthy)
    );
    assert_eq!(
        report.unmeasured().collect::<Vec<_>>(),
        [
            KeyMetric::P95ResponseTime,
            KeyMetric::DbQueriesPerRequest,
            KeyMetric::DbPoolUsage
        ]
    );
    assert_eq!(
        report.get(KeyMetric::ServerCpu).to_string(),
        "server_cpu: 90% (beyond warning; target 70%, warning 85%)"
    );
    assert_eq!(
        report.get(KeyMetric::DbPoolUsage).to_string(),
        "db_pool_usage: not measured"
    );
}

#[test]
fn series_statistics_by_hand() {
    let s = Series::from_values(
        Metric::DbCpu,
        Duration::from_secs(60),
        &[0.6, 0.75, 0.8, 0.9],
    )
    .unwrap();
    // Three of four samples above 70%.
    assert!(
        (s.share_beyond(0.7, Direction::LowerIsBetter, Duration::MAX)
            .as_fraction()
            - 0.75)
            .abs()
            < 1e-12
    );
    // Below 65% for the higher-is-better reading: one of four.
    assert!(
        (s.share_beyond(0.65, Direction::HigherIsBetter, Duration::MAX)
            .as_fraction()
            - 0.25)
            .abs()
            < 1e-12
    );
    assert!((s.mean(Duration::MAX) - 0.7625).abs() < 1e-12);
    assert_eq!(s.metric(), Metric::DbCpu);
    assert_eq!(s.len(), 4);
    assert!(!s.is_empty());
    let h: History = [s].into_iter().collect();
    assert!(!h.is_empty() && h.iter().count() == 1);
    assert!(History::new().is_empty());
    assert_eq!(SeriesConfig::default().min_samples, 6);
}

#[test]
fn evidence_displays() {
    let e = Evidence {
        metric: Metric::DbCpu,
        observed: Quantity::Ratio(Ratio::from_percent(80.0).unwrap()),
        check: Check::SustainedAbove {
            share: Ratio::from_percent(90.0).unwrap(),
            required: Ratio::from_percent(80.0).unwrap(),
        },
        threshold: Some(Quantity::Ratio(Ratio::from_percent(70.0).unwrap())),
        basis: Basis::Series {
            samples: 24,
            span: Duration::from_secs(23 * 3600),
        },
    };
    assert_eq!(
        e.to_string(),
        "db_cpu = 80%, test > in 90% of samples (needs 80%) 70% (24 samples over 23.0 h)"
    );
    let m = Missing {
        metric: Metric::DbCpu,
        need: Need::MoreSamples { needed: 6, got: 2 },
    };
    assert_eq!(
        m.to_string(),
        "needs 6 samples of db_cpu in the window, has 2"
    );
    assert_eq!(
        Missing {
            metric: Metric::DbCpu,
            need: Need::UsableValue
        }
        .to_string(),
        "needs a non-zero db_cpu"
    );
    assert_eq!(
        Outcome::NotEvaluated(m).to_string(),
        "not evaluated: needs 6 samples of db_cpu in the window, has 2"
    );
    assert_eq!(Check::Below.to_string(), "<");
    assert_eq!(Check::AtLeast.to_string(), ">=");
    assert_eq!(Check::IsTrue.to_string(), "is");
    assert_eq!(Quantity::Flag(true).to_string(), "yes");
    assert_eq!(
        Quantity::Duration(Duration::from_secs(300)).to_string(),
        "5.0 min"
    );
}

#[test]
fn triggers_and_reports() {
    assert_eq!(Trigger::ALL.map(Trigger::name)[0], "db_cpu_sustained");
    assert_eq!(Trigger::GlobalUserBase.to_string(), "global_user_base");
    let snap = MetricsSnapshot::default().with_slowest_query_time(Duration::from_millis(240));
    let r = TriggerReport::evaluate(&snap, &History::new(), &TriggerConfig::default());
    let fired = r.get(Trigger::SlowSingleQueries);
    assert_eq!(
        fired.to_string(),
        "slow_single_queries (1 -> 2): fired: slowest_query_time = 240 ms, test > 100 ms (snapshot)"
    );
    assert!(r.any_fired_from(Stage::Startup));
    assert!(!r.any_fired_from(Stage::Growth));
    assert_eq!(r.iter().count(), 12);
}

#[test]
fn decision_matrix_and_taxonomy() {
    assert_eq!(
        Remedy::AsyncProcessing.component(),
        Some(Component::JobQueue)
    );
    assert_eq!(
        Remedy::EventDriven.component(),
        Some(Component::MessageQueue)
    );
    assert_eq!(
        Remedy::HorizontalScale.component(),
        Some(Component::LoadBalancer)
    );
    assert_eq!(Remedy::AddIndexes.component(), None);
    assert_eq!(Remedy::OptimizeCode.to_string(), "optimize_code");
    assert_eq!(
        Symptom::DatabaseSlow.signals(),
        [Metric::SlowestQueryTime, Metric::DbCpu]
    );
    assert_eq!(Symptom::HighMemory.to_string(), "high_memory");
    assert_eq!(Layer::ExternalApi.to_string(), "external_api");
    assert_eq!(Layer::Database.symptoms().len(), 2);
    assert_eq!(Tool::DistributedTracing.examples(), ["Jaeger", "Datadog"]);
    assert!(Tool::CpuProfiling.examples().is_empty());
    assert_eq!(DIAGNOSIS_ORDER[0].tools, [Tool::DistributedTracing]);
    let snap = MetricsSnapshot::default().with_db_max_seq_scans(Count::new(25_000));
    assert_eq!(
        HealthCheckItem::MissingIndexes.observe(&snap),
        Some(Quantity::Count(Count::new(25_000)))
    );
    assert_eq!(HealthCheckItem::Bloat.observe(&snap), None);
    assert_eq!(Metric::ReplicaLag.unit(), UnitKind::Duration);
}

#[test]
fn patterns_tables() {
    assert_eq!(
        CacheableData::ALL.map(CacheableData::ttl),
        [
            Ttl::SessionDuration,
            Ttl::Minutes { min: 5, max: 15 },
            Ttl::FreshnessDependent,
            Ttl::Minutes { min: 1, max: 5 },
            Ttl::ComputationCostDependent,
        ]
    );
    assert_eq!(
        ShardingStrategy::RangeBased.pro(),
        "new shards are simple to add"
    );
    assert_eq!(
        ShardingStrategy::DirectoryBased.con(),
        "every access pays for a lookup"
    );
    let p = MultiRegionPattern::FollowTheSun;
    assert_eq!(
        (p.consistency(), p.latency(), p.complexity()),
        (
            ConsistencyModel::StrongPerRegion,
            Rating::Medium,
            Rating::Medium
        )
    );
    let p = MultiRegionPattern::ActivePassive;
    assert_eq!(
        (p.consistency(), p.latency(), p.complexity()),
        (ConsistencyModel::Strong, Rating::High, Rating::Low)
    );
    assert_eq!(
        ConsistencyModel::Strong.use_cases(),
        [UseCase::FinancialTransactions, UseCase::Inventory]
    );
    assert_eq!(ConsistencyModel::Eventual.write_latency(), Rating::Low);
    assert_eq!(ConsistencyModel::Strong.write_latency(), Rating::High);
    let have = ComponentSet::from_components(&[Component::ConnectionPooler, Component::Cdn]);
    assert_eq!(
        ChecklistItem::ConnectionPooling.satisfied_by(have),
        Some(true)
    );
    assert_eq!(ChecklistItem::AutoScaling.satisfied_by(have), Some(false));
    assert_eq!(ChecklistItem::GlobalCdn.satisfied_by(have), Some(true));
    assert_eq!(ChecklistItem::Compliance.satisfied_by(have), None);
    assert_eq!(SCALING_CHECKLIST[6], ChecklistItem::ConnectionPooling);
    assert_eq!(
        ENTERPRISE_CHECKLIST[0],
        ChecklistItem::MultiRegionDeployment
    );
    assert_eq!(Addition::Cache.component(), Component::Cache);
    assert_eq!(Addition::JobQueue.to_string(), "job_queue");
}

#[test]
fn remedy_sets() {
    use scalability_advisor_core::RemedySet;
    let set = RemedySet::from_remedies(&[Remedy::Cdn, Remedy::AddCaching]);
    assert!(
        set.contains(Remedy::Cdn)
            && set.contains(Remedy::AddCaching)
            && !set.contains(Remedy::Sharding)
    );
    assert_eq!(
        set.iter().collect::<Vec<_>>(),
        [Remedy::AddCaching, Remedy::Cdn]
    );
    let mut s = RemedySet::EMPTY;
    assert!(s.insert(Remedy::Sharding));
    assert!(!s.insert(Remedy::Sharding));
    assert_eq!(s.iter().count(), 1);
    assert!(RemedySet::from_remedies(&[]).iter().next().is_none());
}

#[test]
fn recommended_additions_skip_components_in_place() {
    use scalability_advisor_core::patterns::Addition;
    use scalability_advisor_core::{AdvisorConfig, Classification};
    let snap = MetricsSnapshot::default()
        .with_db_read_share(Ratio::from_percent(90.0).unwrap())
        .with_static_asset_bandwidth_share(Ratio::from_percent(40.0).unwrap())
        .with_component(Component::Cdn);
    let c = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
    let recommended: Vec<Addition> = c.recommended_additions().map(|a| a.addition).collect();
    assert_eq!(recommended, [Addition::ReadReplicas]);
    let cdn = c
        .additions
        .iter()
        .find(|a| a.addition == Addition::Cdn)
        .unwrap();
    assert!(cdn.outcome.is_fired() && cdn.in_place && !cdn.is_recommended());
}

#[test]
fn error_hints() {
    let ratio = Ratio::from_fraction(2.0).unwrap_err().to_string();
    assert!(
        ratio.ends_with("; give a fraction, 0.85 for 85%"),
        "{ratio}"
    );
    let other = scalability_advisor_core::Error::OutOfRange {
        what: "lag",
        value: 2.0,
        min: 0.0,
        max: 1.0,
    }
    .to_string();
    assert_eq!(other, "lag must be in 0..=1, got 2");
    assert_eq!(Tool::SlowQueryLog.examples(), ["pg_stat_statements"]);
}

#[test]
fn checklist_components() {
    let expect = [
        (ChecklistItem::StatelessAppServers, None),
        (
            ChecklistItem::ReadWriteSeparation,
            Some(Component::ReadReplicas),
        ),
        (
            ChecklistItem::AsyncNonCriticalPaths,
            Some(Component::JobQueue),
        ),
        (
            ChecklistItem::CircuitBreakers,
            Some(Component::CircuitBreakers),
        ),
        (
            ChecklistItem::DistributedTracing,
            Some(Component::DistributedTracing),
        ),
        (ChecklistItem::AutoScaling, Some(Component::AutoScaling)),
        (
            ChecklistItem::ConnectionPooling,
            Some(Component::ConnectionPooler),
        ),
        (
            ChecklistItem::MultiRegionDeployment,
            Some(Component::MultiRegion),
        ),
        (
            ChecklistItem::CrossRegionReplication,
            Some(Component::CrossRegionReplication),
        ),
        (ChecklistItem::GlobalCdn, Some(Component::Cdn)),
        (ChecklistItem::DisasterRecoveryTested, None),
        (ChecklistItem::ZeroDowntimeDeployments, None),
        (ChecklistItem::ChaosEngineering, None),
        (ChecklistItem::FourNinesArchitecture, None),
    ];
    for (item, component) in expect {
        assert_eq!(item.component(), component, "{item:?}");
    }
}

#[test]
fn trend_verdicts_at_their_boundaries() {
    use scalability_advisor_core::{Trend, TrendDirection};
    let cfg = SeriesConfig::default();
    // One-sided p is the upper tail of z; the 5% point is z = 1.6449.
    let at_alpha = Trend {
        samples: 10,
        s: 20,
        z: 1.64,
        p_value: 0.1,
        slope_per_second: 1.0,
        relative_change: 0.5,
        direction: TrendDirection::Flat,
    };
    assert!(!at_alpha.is_degrading(Direction::LowerIsBetter, &cfg));
    let clearly = Trend {
        z: 1.65,
        ..at_alpha
    };
    assert!(clearly.is_degrading(Direction::LowerIsBetter, &cfg));
    // The same rise is not "degrading" for a higher-is-better metric.
    assert!(!clearly.is_degrading(Direction::HigherIsBetter, &cfg));
    // A significant rise of exactly the 10% minimum counts; just under does not.
    assert!(
        Trend {
            relative_change: 0.10,
            ..clearly
        }
        .is_degrading(Direction::LowerIsBetter, &cfg)
    );
    assert!(
        !Trend {
            relative_change: 0.099,
            ..clearly
        }
        .is_degrading(Direction::LowerIsBetter, &cfg)
    );
    // A change of exactly the tolerance (2%) with a significant trend is not flat.
    let edge = Trend {
        p_value: 0.01,
        relative_change: 0.02,
        ..at_alpha
    };
    assert!(!edge.is_plateau(&cfg));
    let flat = Trend {
        p_value: 0.01,
        relative_change: 0.019,
        ..at_alpha
    };
    assert!(flat.is_plateau(&cfg));
    let insignificant = Trend {
        p_value: 0.05,
        relative_change: 0.5,
        ..at_alpha
    };
    assert!(insignificant.is_plateau(&cfg));
    // Exactly at the significance level is not significant: with z = 0 the one-sided p is
    // exactly 0.5, so at a 50% level a large rise is still not "degrading".
    let half = SeriesConfig {
        significance: scalability_advisor_core::units::Ratio::from_fraction(0.5).unwrap(),
        ..SeriesConfig::default()
    };
    let z0 = Trend { z: 0.0, ..at_alpha };
    assert!(!z0.is_degrading(Direction::LowerIsBetter, &half));
    assert!(
        Trend {
            z: 0.01,
            ..at_alpha
        }
        .is_degrading(Direction::LowerIsBetter, &half)
    );
}

#[test]
fn series_values_and_quantiles() {
    let s = Series::from_values(
        Metric::BackgroundTasksBlockRequests,
        Duration::from_secs(1),
        &[0.0, 1.0, -0.0],
    )
    .unwrap();
    assert_eq!(s.samples().len(), 3);
    assert_eq!(s.samples()[2].value.to_bits(), 0.0f64.to_bits()); // -0.0 is stored as 0.0
    let q =
        Series::from_values(Metric::DbCpu, Duration::from_secs(1), &[0.1, 0.4, 0.2, 0.3]).unwrap();
    // Sorted 0.1 0.2 0.3 0.4: p = 0.5 -> h = 1.5 -> 0.25; p = 0.9 -> h = 2.7 -> 0.37.
    assert!((q.percentile(Duration::MAX, Ratio::from_percent(50.0).unwrap()) - 0.25).abs() < 1e-12);
    assert!((q.percentile(Duration::MAX, Ratio::from_percent(90.0).unwrap()) - 0.37).abs() < 1e-12);
    assert!((q.percentile(Duration::MAX, Ratio::ONE) - 0.4).abs() < 1e-12);
}

#[test]
fn unbounded_ranges_read_in_words_not_digits() {
    // The cache multiplier has no upper bound: "at least 1", not 1..=(309 digits).
    let err = scalability_advisor_core::sizing::cache_memory(
        scalability_advisor_core::units::Bytes::from_gib(1.0).unwrap(),
        scalability_advisor_core::units::Factor::new(0.5).unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(err, "cache memory multiplier must be at least 1, got 0.5");
}
