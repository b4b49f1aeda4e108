//! Runs one hot path a given number of times, for counting instructions under callgrind
//! (`scripts/instruction-counts.py` runs each case twice, with N and with 0 repetitions, and
//! divides the difference by N, so set-up is not counted).
//!
//! ```text
//! cargo run --release -p advisor-benches --example instructions -- CASE N
//! ```
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Duration;

use advisor_benches::{TEN_RULES, full_snapshot, hand_written};
use scalability_advisor_core::units::{Rate, Ratio};
use scalability_advisor_core::{
    AdvisorConfig, Classification, History, Metric, Series, SeriesConfig,
};
use scalability_advisor_formulas::{ServerTarget, servers_for};
use scalability_advisor_rules::{Engine, Evaluation, PackFormat, RulePack, assess};

/// The cases, with what one repetition does.
const CASES: [(&str, &str); 12] = [
    ("classify", "classify a full snapshot (advisor-core)"),
    (
        "evaluate_default_pack",
        "evaluate the default pack on a full snapshot, with evidence",
    ),
    (
        "evaluate_ten_rules",
        "ten threshold rules on a full snapshot, with evidence",
    ),
    (
        "hand_written_ten_rules",
        "the same ten rules written by hand, with evidence",
    ),
    (
        "assess",
        "a whole assessment of a full snapshot with the default pack",
    ),
    (
        "load_default_pack",
        "parse, check and analyse the default pack",
    ),
    (
        "layer_one_rule",
        "layer a one-rule pack over the default pack (load, check, analyse)",
    ),
    ("erlang_10000", "staff 10,000 Erlangs for 80% within 20 s"),
    (
        "trend_86400",
        "Mann-Kendall and Sen's slope over 86,400 samples",
    ),
    (
        "pack_10000_rules",
        "load, analyse and compile 10,000 rules (TOML)",
    ),
    (
        "arrow_1000_rows",
        "assess a 1,000-row synthetic fleet batch through the Arrow kernel",
    ),
    (
        "arrow_1000_rows_light",
        "the same, writing the stages, health, fired rules and count not judged only",
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(case), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u32>().ok()))
    else {
        eprintln!("usage: instructions CASE N; cases:");
        for (name, what) in CASES {
            eprintln!("  {name:<24} {what}");
        }
        std::process::exit(2);
    };
    let snap = full_snapshot();
    let history = History::new();
    match case.as_str() {
        "classify" => {
            let config = AdvisorConfig::default();
            for _ in 0..n {
                black_box(Classification::of(black_box(&snap), &history, &config));
            }
        }
        "evaluate_default_pack" => {
            let engine = Engine::default_pack();
            let mut eval = Evaluation::default();
            engine.evaluate_into(&snap, &history, &mut eval); // buffers grown before counting
            for _ in 0..n {
                engine.evaluate_into(black_box(&snap), &history, &mut eval);
            }
        }
        "evaluate_ten_rules" => {
            let pack = RulePack::from_toml_str("ten.toml", TEN_RULES).expect("valid pack");
            let engine = Engine::new(pack).expect("compiles");
            let mut eval = Evaluation::default();
            engine.evaluate_into(&snap, &history, &mut eval);
            for _ in 0..n {
                engine.evaluate_into(black_box(&snap), &history, &mut eval);
            }
        }
        "hand_written_ten_rules" => {
            let mut out = Vec::with_capacity(16);
            for _ in 0..n {
                black_box(hand_written(black_box(&snap), &mut out));
            }
        }
        "assess" => {
            let engine = Engine::default_pack();
            for _ in 0..n {
                black_box(assess(&engine, black_box(&snap), &history));
            }
        }
        "load_default_pack" => {
            for _ in 0..n {
                black_box(RulePack::default_pack());
            }
        }
        "layer_one_rule" => {
            let base = RulePack::default_pack();
            let text = "name = \"prod\"\n[[rule]]\nid = \"prod.db_cpu\"\ntitle = \"t\"\n\
                        severity = \"warning\"\nwhen = \"db_cpu > 50%\"\nadvice = \"a\"\n";
            for _ in 0..n {
                black_box(
                    base.layer("prod.toml", black_box(text), PackFormat::Toml)
                        .ok(),
                );
            }
        }
        "arrow_1000_rows" | "arrow_1000_rows_light" => {
            let fleet =
                scalability_advisor_arrow::fleet::synthetic_fleet(1_000, 1, 0).expect("a fleet");
            let kernel = if case == "arrow_1000_rows" {
                scalability_advisor_arrow::Kernel::default_pack()
            } else {
                scalability_advisor_arrow::Kernel::default_pack()
                    .with_columns(advisor_benches::LIGHT_COLUMNS)
                    .expect("known columns")
            };
            let mut session = kernel.session(fleet.schema_ref()).expect("bound");
            for _ in 0..n {
                black_box(session.assess(black_box(&fleet)).expect("assessed"));
            }
        }
        "erlang_10000" => {
            let rate = Rate::from_per_second(100.0).expect("valid rate");
            let target = ServerTarget::ServiceLevel {
                within: Duration::from_secs(20),
                share: Ratio::from_percent(80.0).expect("valid ratio"),
            };
            for _ in 0..n {
                black_box(servers_for(black_box(rate), Duration::from_secs(100), target).ok());
            }
        }
        "trend_86400" => {
            let values: Vec<f64> = (0..86_400u32)
                .map(|i| {
                    let t = f64::from(i);
                    0.4 + 0.2 * t / 86_400.0 + 0.05 * (t * 0.37).sin() * (t * 0.011).cos()
                })
                .collect();
            let base = Series::from_values(Metric::DbCpu, Duration::from_secs(1), &values)
                .expect("valid series");
            let config = SeriesConfig {
                window: Duration::from_secs(10_000_000),
                ..SeriesConfig::default()
            };
            let samples = base.samples().to_vec();
            for _ in 0..n {
                // A fresh series each time: a series keeps its first trend.
                let s = Series::new(Metric::DbCpu, samples.clone()).expect("valid series");
                black_box(s.trend(&config).ok());
            }
        }
        "pack_10000_rules" => {
            let mut text = String::from("name = \"big\"\n");
            for i in 0..10_000 {
                text.push_str(&format!(
                    "[[rule]]\nid = \"r{i}\"\ntitle = \"t\"\nseverity = \"warning\"\nwhen = \"db_cpu > {}%\"\nadvice = \"a\"\n",
                    50 + i % 40
                ));
            }
            for _ in 0..n {
                let pack = RulePack::parse("big", &text, PackFormat::Toml).expect("valid pack");
                black_box(Engine::new(pack).expect("compiles"));
            }
        }
        other => {
            eprintln!("unknown case `{other}`");
            std::process::exit(2);
        }
    }
}
