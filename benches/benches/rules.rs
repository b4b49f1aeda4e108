//! Benchmarks of scalability-advisor-rules: compiling the default pack, assessing snapshots, and ten
//! threshold rules compiled versus hand-written Rust with the same evidence.

use std::hint::black_box;

use advisor_benches::{TEN_RULES, full_snapshot, hand_written, snapshots};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use scalability_advisor_core::History;
use scalability_advisor_rules::{Engine, Evaluation, PackFormat, RulePack, assess};

fn rules(c: &mut Criterion) {
    c.bench_function("rules_compile_default_pack", |b| {
        b.iter(|| Engine::new(black_box(RulePack::default_pack())));
    });
    let engine = Engine::default_pack();
    let snap = full_snapshot();
    let history = History::new();
    c.bench_function("rules_assess_one_snapshot", |b| {
        b.iter(|| assess(black_box(&engine), black_box(&snap), &history))
    });
    let mut eval = Evaluation::default();
    c.bench_function("rules_evaluate_default_pack_one_snapshot", |b| {
        b.iter(|| engine.evaluate_into(black_box(&snap), &history, &mut eval));
    });

    let many = snapshots(100_000);
    let mut group = c.benchmark_group("rules_100k_snapshots");
    group.throughput(Throughput::Elements(many.len() as u64));
    group.sample_size(10);
    group.bench_function("evaluate_default_pack", |b| {
        b.iter(|| {
            for s in &many {
                engine.evaluate_into(s, &history, &mut eval);
            }
            eval.findings.len()
        });
    });
    group.bench_function("count_default_pack", |b| {
        b.iter(|| {
            many.iter()
                .map(|s| engine.count(s, &history).0)
                .sum::<usize>()
        })
    });
    group.finish();

    let ten = Engine::new(RulePack::from_toml_str("ten.toml", TEN_RULES).expect("valid pack"))
        .expect("compiles");
    let mut group = c.benchmark_group("ten_threshold_rules");
    group.bench_function("engine_with_evidence", |b| {
        b.iter(|| ten.evaluate_into(black_box(&snap), &history, &mut eval))
    });
    let mut hand = Vec::with_capacity(16);
    group.bench_function("hand_written_with_evidence", |b| {
        b.iter(|| {
            let unknown = hand_written(black_box(&snap), &mut hand);
            // Read the evidence as a report would: rule, observed value, margin.
            (
                unknown,
                hand.iter()
                    .map(|e| f64::from(e.rule) + e.observed - e.threshold)
                    .sum::<f64>(),
            )
        });
    });
    group.bench_function("engine_batch_setup", |b| {
        b.iter_batched(
            || snap.clone(),
            |s| ten.evaluate_into(&s, &history, &mut eval),
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

/// Ten thousand rules (the most a pack may hold): on ten metrics with distinct thresholds,
/// and all on one metric with overlapping thresholds (every one shadowed by another), as
/// TOML, and the first as one line of JSON; load, analyse and compile.
fn big_packs(c: &mut Criterion) {
    let metrics = [
        "db_cpu",
        "server_cpu",
        "memory_usage",
        "cache_hit_rate",
        "db_read_share",
        "db_lock_wait_share",
        "disk_io_wait",
        "db_bloat_share",
        "repeated_query_share",
        "external_api_timeout_share",
    ];
    let toml = |when: &dyn Fn(usize) -> String| {
        let mut text = String::from("name = \"big\"\n");
        for i in 0..10_000 {
            text.push_str(&format!(
                "[[rule]]\nid = \"r{i}\"\ntitle = \"Rule {i}\"\nseverity = \"warning\"\nwhen = \"{}\"\nadvice = \"a\"\n",
                when(i)
            ));
        }
        text
    };
    let distinct = toml(&|i| {
        format!(
            "{} > {}%",
            metrics[i % 10],
            1.0 + f64::from(u32::try_from(i / 10).unwrap_or(0)) * 0.09
        )
    });
    let overlapping = toml(&|i| format!("db_cpu > {}%", 50 + i % 40));
    let json = {
        let rules: Vec<String> = (0..10_000)
            .map(|i| {
                format!(
                    r#"{{"id": "r{i}", "title": "t", "severity": "warning", "when": "{} > {}%", "advice": "a"}}"#,
                    metrics[i % 10],
                    1.0 + f64::from(u32::try_from(i / 10).unwrap_or(0)) * 0.09
                )
            })
            .collect();
        format!(r#"{{"name": "big", "rules": [{}]}}"#, rules.join(", "))
    };
    let mut group = c.benchmark_group("pack_10000_rules");
    group.sample_size(10);
    for (name, text, format) in [
        ("toml_distinct", &distinct, PackFormat::Toml),
        ("toml_overlapping", &overlapping, PackFormat::Toml),
        ("json_one_line", &json, PackFormat::Json),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let pack = RulePack::parse("big", black_box(text), format).expect("valid pack");
                Engine::new(pack).expect("compiles")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, rules, big_packs);
criterion_main!(benches);
