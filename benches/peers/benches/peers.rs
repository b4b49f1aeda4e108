//! The same ten threshold rules over eight metrics in scalability-advisor-rules, hand-written Rust, zen's
//! compiled expressions and rhai, measured side by side in one run.
//!
//! Run: `cargo bench --manifest-path benches/peers/Cargo.toml -- --warm-up-time 1 --measurement-time 3 --noplot`

use std::hint::black_box;
use std::time::Duration;

use scalability_advisor_core::units::{QueriesPerRequest, Ratio};
use scalability_advisor_core::{History, Metric, MetricsSnapshot};
use scalability_advisor_rules::{Engine, Evaluation, RulePack};
use criterion::{Criterion, criterion_group, criterion_main};

/// (id, metric name, operator, threshold in canonical units)
const RULES: [(&str, &str, &str, f64); 10] = [
    ("r1", "p95_response_time", ">", 1.0),
    ("r2", "p95_response_time", ">=", 0.5),
    ("r3", "server_cpu", ">", 0.85),
    ("r4", "server_cpu", ">=", 0.70),
    ("r5", "db_cpu", ">", 0.70),
    ("r6", "db_queries_per_request", ">", 20.0),
    ("r7", "slowest_query_time", ">", 0.1),
    ("r8", "db_read_share", ">", 0.80),
    ("r9", "replica_lag", ">", 5.0),
    ("r10", "cache_hit_rate", "<", 0.80),
];

fn snapshot() -> MetricsSnapshot {
    MetricsSnapshot::default()
        .with_p95_response_time(Duration::from_millis(780))
        .with_server_cpu(Ratio::from_percent(74.0).unwrap())
        .with_db_cpu(Ratio::from_percent(78.0).unwrap())
        .with_db_queries_per_request(QueriesPerRequest::new(14.0).unwrap())
        .with_slowest_query_time(Duration::from_millis(340))
        .with_db_read_share(Ratio::from_percent(88.0).unwrap())
        .with_replica_lag(Duration::from_millis(1500))
        .with_cache_hit_rate(Ratio::from_percent(82.0).unwrap())
}

fn pack() -> String {
    let mut t = String::from("name = \"ten\"\n");
    for (id, m, op, k) in RULES {
        t.push_str(&format!("[[rule]]\nid = \"{id}\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"{m} {op} {k}\"\n"));
    }
    // Durations are seconds in canonical units; give them units in the pack.
    t.replace("p95_response_time > 1\"", "p95_response_time > 1s\"")
        .replace("p95_response_time >= 0.5\"", "p95_response_time >= 500ms\"")
        .replace("slowest_query_time > 0.1\"", "slowest_query_time > 100ms\"")
        .replace("replica_lag > 5\"", "replica_lag > 5s\"")
}

/// Evidence as the engine records it: rule, observed value, threshold.
struct Hand {
    rule: usize,
    observed: f64,
    threshold: f64,
}

fn hand_written(s: &MetricsSnapshot, metrics: &[Metric; 10], out: &mut Vec<Hand>) -> usize {
    out.clear();
    let mut unknown = 0;
    for (i, (m, (_, _, op, k))) in metrics.iter().zip(RULES).enumerate() {
        match s.value(*m) {
            None => unknown += 1,
            Some(v) => {
                let held = match op {
                    ">" => v > k,
                    ">=" => v >= k,
                    _ => v < k,
                };
                if held {
                    out.push(Hand { rule: i, observed: v, threshold: k });
                }
            }
        }
    }
    unknown
}

fn peers(c: &mut Criterion) {
    let snap = snapshot();
    let history = History::new();
    let engine = Engine::new(RulePack::from_toml_str("ten.toml", &pack()).unwrap()).unwrap();
    let mut eval = Evaluation::default();
    let metrics: [Metric; 10] = RULES.map(|(_, m, _, _)| Metric::from_name(m).unwrap());

    // The context the other engines see: the metrics as a JSON object of canonical values.
    let context = || {
        let mut obj = serde_json::Map::new();
        for m in metrics {
            if let Some(v) = snap.value(m) {
                obj.insert(m.name().to_owned(), serde_json::json!(v));
            }
        }
        serde_json::Value::Object(obj)
    };

    let mut group = c.benchmark_group("ten_rules_side_by_side");
    group.bench_function("advisor_rules_with_evidence", |b| b.iter(|| engine.evaluate_into(black_box(&snap), &history, &mut eval)));
    let mut hand = Vec::with_capacity(16);
    group.bench_function("hand_written_with_evidence", |b| {
        b.iter(|| {
            let u = hand_written(black_box(&snap), &metrics, &mut hand);
            (u, hand.iter().map(|h| h.rule as f64 + h.observed - h.threshold).sum::<f64>())
        });
    });

    // zen: ten compiled expressions evaluated against the snapshot's variables.
    let zen_exprs: Vec<_> = RULES
        .iter()
        .map(|(_, m, op, k)| zen_expression::compile_expression(&format!("{m} {op} {k}")).unwrap())
        .collect();
    group.bench_function("zen_compiled_expressions", |b| {
        b.iter(|| {
            let vars: zen_expression::Variable = context().into();
            zen_exprs.iter().filter(|e| e.evaluate(vars.clone()).map(|v| v.as_bool() == Some(true)).unwrap_or(false)).count()
        });
    });

    // rhai: ten compiled ASTs over a scope holding the metrics.
    let rhai_engine = rhai::Engine::new();
    let asts: Vec<rhai::AST> = RULES.iter().map(|(_, m, op, k)| rhai_engine.compile_expression(format!("{m} {op} {k:?}")).unwrap()).collect();
    group.bench_function("rhai_compiled_asts", |b| {
        b.iter(|| {
            let mut scope = rhai::Scope::new();
            for m in metrics {
                if let Some(v) = snap.value(m) {
                    scope.push(m.name(), v);
                }
            }
            asts.iter().filter(|a| rhai_engine.eval_ast_with_scope::<bool>(&mut scope, a).unwrap_or(false)).count()
        });
    });
    group.finish();
}

criterion_group!(benches, peers);
criterion_main!(benches);
