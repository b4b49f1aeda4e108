//! Behaviour of scalability-advisor-formulas together with scalability-advisor-core, through the public API.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly on unexpected errors"
)]

mod models;

use scalability_advisor_formulas::scalability_advisor_core::units::{Factor, Rate, Ratio, Users};
use scalability_advisor_formulas::scalability_advisor_core::{Stage, TriggerConfig};
use scalability_advisor_formulas::{
    Estimate, GrowthRate, Months, PlanInputs, Runway, SCENARIOS, plan_scenarios, plan_uncertain,
    runway_utilisation,
};

fn rate(v: f64) -> Rate {
    Rate::from_per_second(v).unwrap()
}

#[test]
fn scenarios_walk_up_the_stages() {
    // 8,000 users today: 80K, 800K and 8M users at 10x, 100x, 1000x; the load (100 req/s ×
    // g × 1.5 over 500 each: 3, 30 and 300 instances) needs only stage 2.
    let mut inputs = PlanInputs::new(rate(100.0).into(), rate(500.0).into());
    inputs.users = Some(Users::new(8_000));
    let stages: Vec<Stage> = plan_scenarios(&inputs, &SCENARIOS)
        .unwrap()
        .into_iter()
        .map(|p| p.stage.stage)
        .collect();
    assert_eq!(stages, [Stage::Growth, Stage::Scale, Stage::Enterprise]);
}

#[test]
fn runway_to_the_default_db_cpu_trigger() {
    // DB CPU at 49% growing 3x a year reaches the 70% trigger level in
    // ln(70/49) / ln(3^(1/12)) = 0.35667 / 0.09155 = 3.896 months.
    let growth =
        GrowthRate::from_factor_over(Factor::new(3.0).unwrap(), Months::new(12.0).unwrap())
            .unwrap();
    let level = TriggerConfig::default().db_cpu_level;
    let Runway::After(m) = runway_utilisation(Ratio::from_percent(49.0).unwrap(), level, growth)
    else {
        panic!()
    };
    assert!((m.get() - 3.896).abs() < 1e-3, "{m}");
}

#[test]
fn uncertain_plan_brackets_the_point_plan() {
    let mut inputs = PlanInputs::new(rate(1_000.0).into(), rate(400.0).into());
    inputs.growth = Estimate::range(
        Factor::new(2.0).unwrap(),
        Factor::new(3.0).unwrap(),
        Factor::new(4.0).unwrap(),
    )
    .unwrap();
    let u = plan_uncertain(&inputs, 5_000, 7).unwrap();
    // PERT(2, 3, 4) is symmetric about 3: the median capacity is close to 1,000 × 3 × 1.5.
    let c = u.required_capacity;
    assert!((c.p50.as_per_second() / 4_500.0 - 1.0).abs() < 0.02, "{c}");
    assert!(c.p10.as_per_second() < 4_500.0 && c.p90.as_per_second() > 4_500.0);
    // Another seed gives another (but similar) answer; the same seed the same one.
    assert_ne!(plan_uncertain(&inputs, 5_000, 8).unwrap(), u);
    assert_eq!(plan_uncertain(&inputs, 5_000, 7).unwrap(), u);
}

#[cfg(feature = "serde")]
#[test]
fn plan_serializes_with_explanations() {
    let inputs = PlanInputs::new(rate(1_000.0).into(), rate(400.0).into());
    let plans = plan_scenarios(&inputs, &SCENARIOS[..1]).unwrap();
    let v = serde_json::to_value(&plans[0]).unwrap();
    assert_eq!(v["required_capacity"]["value"], 15_000.0);
    assert_eq!(v["required_capacity"]["formula"], "peak × growth × margin");
    assert_eq!(v["app_instances"]["value"], 38);
}

#[cfg(feature = "serde")]
#[test]
fn every_output_round_trips_through_json() {
    use core::time::Duration;
    use scalability_advisor_formulas::scalability_advisor_core::units::{
        Bytes, Concurrency, QueriesPerRequest,
    };
    use scalability_advisor_formulas::{
        Availability, CacheInputs, DatabaseInputs, ErrorBudget, MONTH, Measurement, Mmc, Plan,
        Reach, UncertainPlan, UslFit, UslModel, UslOverhead, error_budget, fit_usl, plan,
    };

    /// Serializes, reads back, and checks that the copy serializes identically and equals
    /// the original.
    macro_rules! round_trip {
        ($value:expr) => {{
            let value = $value;
            let json = serde_json::to_string(&value).unwrap();
            let back = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&back).unwrap(), json);
            assert_eq!(back, value);
            back
        }};
    }

    let mut inputs = PlanInputs::new(rate(1_000.0).into(), rate(400.0).into());
    inputs.users = Some(Users::new(40_000));
    inputs.database = Some(DatabaseInputs::new(
        8,
        QueriesPerRequest::new(2.0).unwrap().into(),
        Ratio::from_percent(90.0).unwrap().into(),
        rate(3_000.0).into(),
    ));
    inputs.cache = Some(CacheInputs::new(Bytes::from_gb(50.0).unwrap().into()));
    let p: Plan = round_trip!(plan(&inputs).unwrap());
    // The figures keep their explanation; the cost row comes back as the guide's row.
    assert_eq!(p.required_capacity.formula, "peak × growth × margin");
    assert_eq!(
        p.stage.cost.architecture,
        p.stage.stage.cost_at_scale().architecture
    );
    inputs.peak = Estimate::range(rate(800.0), rate(1_000.0), rate(1_500.0)).unwrap();
    let _: UncertainPlan = round_trip!(plan_uncertain(&inputs, 200, 7).unwrap());

    let q: Mmc = round_trip!(Mmc::new(rate(50.0), Duration::from_millis(180), 13).unwrap());
    assert_eq!(q.servers(), 13);
    let _: ErrorBudget = round_trip!(error_budget(
        Availability::from_percent(99.9).unwrap(),
        MONTH,
        Duration::from_secs(1_800),
    ));

    let data: Vec<Measurement> = [(1.0, 64.9), (18.0, 995.9), (36.0, 1652.4), (72.0, 1853.2)]
        .iter()
        .map(|&(n, x)| Measurement::new(Concurrency::new(n).unwrap(), rate(x)).unwrap())
        .collect();
    let fit: UslFit = round_trip!(fit_usl(&data).unwrap());
    let _: UslOverhead = round_trip!(fit.model.overhead_at(Concurrency::new(18.0).unwrap()));
    let _: Reach<Concurrency, Rate> = round_trip!(fit.model.concurrency_at_throughput(rate(500.0)));
    let _: Runway = round_trip!(runway_utilisation(
        Ratio::from_percent(50.0).unwrap(),
        Ratio::from_percent(80.0).unwrap(),
        GrowthRate::from_monthly(0.10).unwrap(),
    ));

    // Stored values are checked as they are read: an invalid model, a queue that cannot
    // drain and a cost row the guide does not have are refused.
    let bad = r#"{"sigma": 1.5, "kappa": 0.0, "lambda": 10.0}"#;
    assert!(
        serde_json::from_str::<UslModel>(bad)
            .unwrap_err()
            .to_string()
            .contains("sigma")
    );
    let unstable = r#"{"arrival_rate": 100.0, "service_time_s": 1.0, "servers": 2}"#;
    let err = serde_json::from_str::<Mmc>(unstable)
        .unwrap_err()
        .to_string();
    assert!(err.contains("utilisation"), "{err}");
    let mut v = serde_json::to_value(&p).unwrap();
    v["stage"]["cost"]["users"] = serde_json::json!(12_345);
    let err = serde_json::from_value::<Plan>(v).unwrap_err().to_string();
    assert!(err.contains("12345 users is not a row"), "{err}");
}
