//! The Arrow kernel against single assessments, and its refusals.
//!
//! Expectations come from the guide (levels quoted in comments) or from `assess` itself on a
//! snapshot built independently of the kernel's column reading.

use std::sync::Arc;

use proptest::prelude::*;
use scalability_advisor_arrow::arrow_array::builder::{ListBuilder, StringBuilder};
use scalability_advisor_arrow::arrow_array::cast::AsArray;
use scalability_advisor_arrow::arrow_array::types::Int32Type;
use scalability_advisor_arrow::arrow_array::{
    Array, ArrayRef, BooleanArray, DurationMicrosecondArray, DurationMillisecondArray,
    DurationNanosecondArray, DurationSecondArray, Float32Array, Float64Array, Int64Array,
    RecordBatch, StringArray, UInt64Array,
};
use scalability_advisor_arrow::scalability_advisor_rules::scalability_advisor_core::{
    Component, History, KeyMetric, Metric, MetricsSnapshot, Remedy,
};
use scalability_advisor_arrow::scalability_advisor_rules::{Engine, Severity, assess};
use scalability_advisor_arrow::{Kernel, KernelError, MAX_BATCH_ROWS};

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).expect("a valid batch")
}

fn strings<'a>(
    out: &'a RecordBatch,
    name: &str,
) -> &'a scalability_advisor_arrow::arrow_array::StringArray {
    out.column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .as_string::<i32>()
}

fn opt(a: &StringArray, row: usize) -> Option<&str> {
    (!a.is_null(row)).then(|| a.value(row))
}

fn list(out: &RecordBatch, name: &str, row: usize) -> Option<Vec<String>> {
    let l = out
        .column_by_name(name)
        .expect("list column")
        .as_list::<i32>();
    if l.is_null(row) {
        return None;
    }
    let v = l.value(row);
    let s = v.as_string::<i32>();
    Some((0..s.len()).map(|i| s.value(i).to_owned()).collect())
}

#[test]
fn durations_read_the_same_in_seconds_milliseconds_and_arrow_durations() {
    // P95 of 780 ms: past the guide's 500 ms target, under its 1 s warning.
    let seconds = batch(vec![(
        "p95_response_time",
        Arc::new(Float64Array::from(vec![0.78])) as _,
    )]);
    let millis = batch(vec![(
        "p95_response_time_ms",
        Arc::new(Float32Array::from(vec![780.0f32])) as _,
    )]);
    let duration = batch(vec![(
        "p95_response_time",
        Arc::new(DurationMillisecondArray::from(vec![780])) as _,
    )]);
    let micros = batch(vec![(
        "p95_response_time",
        Arc::new(DurationMicrosecondArray::from(vec![780_000])) as _,
    )]);
    let nanos = batch(vec![(
        "p95_response_time",
        Arc::new(DurationNanosecondArray::from(vec![780_000_000])) as _,
    )]);
    let whole_seconds = batch(vec![(
        "slowest_query_time",
        Arc::new(DurationSecondArray::from(vec![2])) as _,
    )]);
    let kernel = Kernel::default_pack();
    // Two seconds for the slowest query: past the guide's 100 ms for single queries.
    let out = kernel.assess_batch(&whole_seconds).expect("assessed");
    assert!(
        list(&out, "fired", 0)
            .expect("a list")
            .contains(&"move.2.slow_queries".to_owned())
    );
    for b in [seconds, millis, duration, micros, nanos] {
        let out = kernel.assess_batch(&b).expect("assessed");
        assert_eq!(
            strings(&out, "health_p95_response_time").value(0),
            "marginal"
        );
        assert!(strings(&out, "error").is_null(0));
    }
}

#[test]
fn decimals_read_as_their_value() {
    // Spark reads an unsigned 64-bit Parquet column as decimal(20, 0), and sums as decimals:
    // 45,000 users is stage 2 (growth) either way; 0.92 as decimal(5, 2) is past the guide's
    // 85% CPU warning.
    use scalability_advisor_arrow::arrow_array::Decimal128Array;
    let users = Decimal128Array::from(vec![45_000i128])
        .with_precision_and_scale(20, 0)
        .expect("valid decimal");
    let cpu = Decimal128Array::from(vec![92i128])
        .with_precision_and_scale(5, 2)
        .expect("valid decimal");
    let out = Kernel::default_pack()
        .assess_batch(&batch(vec![
            ("users", Arc::new(users) as _),
            ("server_cpu", Arc::new(cpu) as _),
        ]))
        .expect("assessed");
    assert_eq!(strings(&out, "stage_by_users").value(0), "growth");
    assert_eq!(strings(&out, "health_server_cpu").value(0), "unhealthy");
}

#[test]
fn a_null_or_an_absent_column_is_not_measured_never_zero() {
    // DB CPU unknown: the transition on it ("consistently above 70%") is not judged, and
    // nothing about the database is said. A zero would have read as healthy.
    let out = Kernel::default_pack()
        .assess_batch(&batch(vec![
            ("users", Arc::new(UInt64Array::from(vec![45_000])) as _),
            (
                "db_cpu",
                Arc::new(Float64Array::from(vec![None::<f64>])) as _,
            ),
        ]))
        .expect("assessed");
    let missing = list(&out, "missing", 0).expect("a list");
    assert!(missing.contains(&"db_cpu".to_owned()), "{missing:?}");
    assert!(strings(&out, "health_server_cpu").is_null(0));
    let fired = list(&out, "fired", 0).expect("a list");
    assert!(
        !fired.iter().any(|id| id.starts_with("move.2.db_cpu")),
        "{fired:?}"
    );
}

#[test]
fn bad_values_spoil_their_row_only() {
    // A negative user count and a DB CPU above 100% cannot be measurements.
    let out = Kernel::default_pack()
        .assess_batch(&batch(vec![
            (
                "service",
                Arc::new(StringArray::from(vec!["a", "b", "c"])) as _,
            ),
            (
                "users",
                Arc::new(Int64Array::from(vec![50_000, -3, 50_000])) as _,
            ),
            (
                "db_cpu",
                Arc::new(Float64Array::from(vec![0.8, 0.5, 1.2])) as _,
            ),
        ]))
        .expect("assessed");
    let error = strings(&out, "error");
    assert!(error.is_null(0));
    assert!(
        error.value(1).contains("`users`") && error.value(1).contains("-3"),
        "{}",
        error.value(1)
    );
    assert!(
        error.value(2).contains("`db_cpu`") && error.value(2).contains("1.2"),
        "{}",
        error.value(2)
    );
    for row in [1, 2] {
        assert!(strings(&out, "stage_by_users").is_null(row));
        assert!(list(&out, "fired", row).is_none());
    }
    // Keys pass through untouched, bad rows included.
    assert_eq!(strings(&out, "service").value(1), "b");
    assert_eq!(strings(&out, "stage_by_users").value(0), "growth");
}

#[test]
fn names_come_as_lists_or_joined_strings_and_unknown_ones_are_named() {
    let mut lists = ListBuilder::new(StringBuilder::new());
    for names in [["cdn", "cache"], ["load_balancer", "read_replicas"]] {
        for n in names {
            lists.values().append_value(n);
        }
        lists.append(true);
    }
    lists.append_null();
    let as_list = batch(vec![
        (
            "users",
            Arc::new(UInt64Array::from(vec![5_000, 5_000, 5_000])) as _,
        ),
        ("architecture", Arc::new(lists.finish()) as _),
    ]);
    let joined = batch(vec![
        (
            "users",
            Arc::new(UInt64Array::from(vec![5_000, 5_000, 5_000])) as _,
        ),
        (
            "architecture",
            Arc::new(StringArray::from(vec![
                Some("cdn, cache"),
                Some("load_balancer;read_replicas"),
                None,
            ])) as _,
        ),
    ]);
    let kernel = Kernel::default_pack();
    let a = kernel.assess_batch(&as_list).expect("assessed");
    let b = kernel.assess_batch(&joined).expect("assessed");
    for row in 0..3 {
        assert_eq!(list(&a, "fired", row), list(&b, "fired", row), "row {row}");
        assert_eq!(
            opt(strings(&a, "first_step"), row),
            opt(strings(&b, "first_step"), row)
        );
    }
    let bad = batch(vec![(
        "architecture",
        Arc::new(StringArray::from(vec!["cdn,redis"])) as _,
    )]);
    let out = kernel.assess_batch(&bad).expect("assessed");
    assert_eq!(
        strings(&out, "error").value(0),
        "column `architecture`: unknown name `redis`"
    );
}

#[test]
fn schemas_that_do_not_fit_are_refused_with_the_column_named() {
    let kernel = Kernel::default_pack();
    let err =
        |columns: Vec<(&str, ArrayRef)>| kernel.assess_batch(&batch(columns)).expect_err("refused");
    match err(vec![(
        "db_cpu",
        Arc::new(StringArray::from(vec!["78%"])) as _,
    )]) {
        KernelError::WrongType { column, .. } => assert_eq!(column, "db_cpu"),
        other => panic!("{other}"),
    }
    match err(vec![(
        "data_residency_required",
        Arc::new(Float64Array::from(vec![1.0])) as _,
    )]) {
        KernelError::WrongType { expected, .. } => assert_eq!(expected, "a boolean"),
        other => panic!("{other}"),
    }
    match err(vec![
        (
            "p95_response_time",
            Arc::new(Float64Array::from(vec![0.5])) as _,
        ),
        (
            "p95_response_time_ms",
            Arc::new(Float64Array::from(vec![500.0])) as _,
        ),
    ]) {
        KernelError::Duplicate { metric, .. } => assert_eq!(metric, "p95_response_time"),
        other => panic!("{other}"),
    }
    match err(vec![(
        "service_name",
        Arc::new(StringArray::from(vec!["a"])) as _,
    )]) {
        KernelError::UnknownColumn { column, .. } => assert_eq!(column, "service_name"),
        other => panic!("{other}"),
    }
    // `_ms` names only durations: a CPU in milliseconds means nothing.
    match err(vec![(
        "db_cpu_ms",
        Arc::new(Float64Array::from(vec![1.0])) as _,
    )]) {
        KernelError::UnknownColumn { suggestion, .. } => assert_eq!(suggestion, Some("db_cpu")),
        other => panic!("{other}"),
    }
    // Types are checked when a session is opened, before any batch.
    use scalability_advisor_arrow::arrow_schema::{DataType, Field, Schema};
    let refused = |field: Field| match kernel.session(&Schema::new(vec![field])) {
        Err(KernelError::WrongType { column, .. }) => column,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        refused(Field::new("db_cpu", DataType::Utf8, true)),
        "db_cpu"
    );
    assert_eq!(
        refused(Field::new(
            "architecture",
            DataType::new_list(DataType::Int64, true),
            true
        )),
        "architecture"
    );
    assert_eq!(
        refused(Field::new("tried", DataType::Float64, true)),
        "tried"
    );
    let colliding = Kernel::default_pack().with_keys(["error"]);
    assert!(matches!(
        colliding.assess_batch(&batch(vec![(
            "error",
            Arc::new(StringArray::from(vec!["x"])) as _
        )])),
        Err(KernelError::KeyCollision { .. })
    ));
}

#[test]
fn a_session_refuses_another_schema_and_oversized_batches() {
    let kernel = Kernel::default_pack();
    let cpu = batch(vec![(
        "db_cpu",
        Arc::new(Float64Array::from(vec![0.5])) as _,
    )]);
    let mut session = kernel.session(cpu.schema_ref()).expect("bound");
    let other = batch(vec![(
        "server_cpu",
        Arc::new(Float64Array::from(vec![0.5])) as _,
    )]);
    assert!(matches!(
        session.assess(&other),
        Err(KernelError::SchemaChanged { .. })
    ));
    let big = batch(vec![(
        "db_cpu",
        Arc::new(Float64Array::from(vec![0.5; MAX_BATCH_ROWS + 1])) as _,
    )]);
    assert!(matches!(
        session.assess(&big),
        Err(KernelError::TooManyRows { rows, .. }) if rows == MAX_BATCH_ROWS + 1
    ));
    // The session still works after refusing.
    assert_eq!(session.assess(&cpu).expect("assessed").num_rows(), 1);
}

/// One generated service: the metrics the default pack reads most, and an architecture.
#[derive(Debug, Clone)]
struct Service {
    users: Option<u64>,
    p95_ms: Option<f64>,
    queries: Option<f64>,
    server_cpu: Option<f64>,
    memory: Option<f64>,
    db_cpu: Option<f64>,
    pool: Option<(u32, u32)>,
    slowest_ms: Option<f64>,
    read_share: Option<f64>,
    repeated: Option<f64>,
    cache_hit: Option<f64>,
    lag_ms: Option<f64>,
    residency: Option<bool>,
    components: Vec<Component>,
    tried: Vec<Remedy>,
}

fn service() -> impl Strategy<Value = Service> {
    let ratio = || proptest::option::of(0.0..=1.0f64);
    (
        (
            proptest::option::of(0u64..3_000_000),
            proptest::option::of(0.0..3_000.0f64),
            proptest::option::of(0.0..40.0f64),
            ratio(),
            ratio(),
            ratio(),
            proptest::option::of((1u32..400, 0u32..400)),
        ),
        (
            proptest::option::of(0.0..800.0f64),
            ratio(),
            ratio(),
            ratio(),
            proptest::option::of(0.0..20_000.0f64),
            proptest::option::of(any::<bool>()),
            proptest::sample::subsequence(Component::ALL.to_vec(), 0..8),
            proptest::sample::subsequence(Remedy::ALL.to_vec(), 0..3),
        ),
    )
        .prop_map(
            |(
                (users, p95_ms, queries, server_cpu, memory, db_cpu, pool),
                (slowest_ms, read_share, repeated, cache_hit, lag_ms, residency, components, tried),
            )| Service {
                users,
                p95_ms,
                queries,
                server_cpu,
                memory,
                db_cpu,
                pool: pool.map(|(size, used)| (size, used.min(size))),
                slowest_ms,
                read_share,
                repeated,
                cache_hit,
                lag_ms,
                residency,
                components,
                tried,
            },
        )
}

/// The snapshot of a service, built with the core's own setters (not the kernel's reader).
fn snapshot(s: &Service) -> MetricsSnapshot {
    let mut snap = MetricsSnapshot::default();
    let mut set = |m: Metric, v: Option<f64>| {
        if let Some(v) = v {
            snap.set(m, v).expect("generated in range");
        }
    };
    #[expect(clippy::cast_precision_loss, reason = "users below 2^53")]
    set(Metric::Users, s.users.map(|u| u as f64));
    set(Metric::P95ResponseTime, s.p95_ms.map(|v| v / 1e3));
    set(Metric::DbQueriesPerRequest, s.queries);
    set(Metric::ServerCpu, s.server_cpu);
    set(Metric::MemoryUsage, s.memory);
    set(Metric::DbCpu, s.db_cpu);
    set(Metric::DbPoolSize, s.pool.map(|(size, _)| f64::from(size)));
    set(
        Metric::DbConnections,
        s.pool.map(|(_, used)| f64::from(used)),
    );
    set(Metric::SlowestQueryTime, s.slowest_ms.map(|v| v / 1e3));
    set(Metric::DbReadShare, s.read_share);
    set(Metric::RepeatedQueryShare, s.repeated);
    set(Metric::CacheHitRate, s.cache_hit);
    set(Metric::ReplicaLag, s.lag_ms.map(|v| v / 1e3));
    set(
        Metric::DataResidencyRequired,
        s.residency.map(|b| if b { 1.0 } else { 0.0 }),
    );
    for c in &s.components {
        snap.architecture.insert(*c);
    }
    for r in &s.tried {
        snap.tried.insert(*r);
    }
    snap
}

fn fleet_batch(fleet: &[Service]) -> RecordBatch {
    let f = |get: fn(&Service) -> Option<f64>| -> ArrayRef {
        Arc::new(fleet.iter().map(get).collect::<Float64Array>())
    };
    let mut architecture = ListBuilder::new(StringBuilder::new());
    for s in fleet {
        for c in &s.components {
            architecture.values().append_value(c.name());
        }
        architecture.append(true);
    }
    let tried: StringArray = fleet
        .iter()
        .map(|s| {
            Some(
                s.tried
                    .iter()
                    .map(|r| r.name())
                    .collect::<Vec<_>>()
                    .join(","),
            )
        })
        .collect();
    batch(vec![
        (
            "service",
            Arc::new(StringArray::from_iter_values(
                (0..fleet.len()).map(|i| format!("svc-{i}")),
            )) as _,
        ),
        (
            "users",
            Arc::new(fleet.iter().map(|s| s.users).collect::<UInt64Array>()) as _,
        ),
        ("p95_response_time_ms", f(|s| s.p95_ms)),
        ("db_queries_per_request", f(|s| s.queries)),
        ("server_cpu", f(|s| s.server_cpu)),
        ("memory_usage", f(|s| s.memory)),
        ("db_cpu", f(|s| s.db_cpu)),
        (
            "db_pool_size",
            f(|s| s.pool.map(|(size, _)| f64::from(size))),
        ),
        (
            "db_connections",
            f(|s| s.pool.map(|(_, used)| f64::from(used))),
        ),
        ("slowest_query_time_ms", f(|s| s.slowest_ms)),
        ("db_read_share", f(|s| s.read_share)),
        ("repeated_query_share", f(|s| s.repeated)),
        ("cache_hit_rate", f(|s| s.cache_hit)),
        ("replica_lag_ms", f(|s| s.lag_ms)),
        (
            "data_residency_required",
            Arc::new(fleet.iter().map(|s| s.residency).collect::<BooleanArray>()) as _,
        ),
        ("architecture", Arc::new(architecture.finish()) as _),
        ("tried", Arc::new(tried) as _),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every output row is what `assess` says of that service alone.
    #[test]
    fn every_row_equals_a_single_assessment(fleet in proptest::collection::vec(service(), 1..12)) {
        let kernel = Kernel::default_pack();
        let out = kernel.assess_batch(&fleet_batch(&fleet)).expect("assessed");
        let engine = Engine::default_pack();
        let name = |s: Severity| match s {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        };
        for (row, s) in fleet.iter().enumerate() {
            let a = assess(&engine, &snapshot(s), &History::new());
            prop_assert!(strings(&out, "error").is_null(row));
            prop_assert_eq!(strings(&out, "service").value(row), format!("svc-{row}"));
            prop_assert_eq!(opt(strings(&out, "stage_by_users"), row), a.stage.by_users.map(|s| s.name()));
            prop_assert_eq!(opt(strings(&out, "stage_by_metrics"), row), a.stage.by_metrics.map(|s| s.name()));
            for key in KeyMetric::ALL {
                let column = format!("health_{}", key.metric().name());
                let expected = a.health.iter().find(|h| h.metric == key).and_then(|h| h.health).map(|h| match h {
                    scalability_advisor_arrow::scalability_advisor_rules::scalability_advisor_core::Health::Healthy => "healthy",
                    scalability_advisor_arrow::scalability_advisor_rules::scalability_advisor_core::Health::Marginal => "marginal",
                    scalability_advisor_arrow::scalability_advisor_rules::scalability_advisor_core::Health::Unhealthy => "unhealthy",
                });
                prop_assert_eq!(opt(strings(&out, &column), row), expected, "{}", column);
            }
            prop_assert_eq!(opt(strings(&out, "worst_severity"), row), a.worst().map(name));
            let ids: Vec<String> = a.findings.iter().map(|f| f.id.clone()).collect();
            prop_assert_eq!(list(&out, "fired", row), Some(ids));
            prop_assert_eq!(opt(strings(&out, "first_step"), row), a.plan.first().map(|p| p.title.as_str()));
            prop_assert_eq!(opt(strings(&out, "first_step_severity"), row), a.plan.first().map(|p| name(p.severity)));
            let not_judged = out.column_by_name("not_judged").expect("column").as_primitive::<Int32Type>();
            prop_assert_eq!(usize::try_from(not_judged.value(row)).ok(), Some(a.not_judged.len()));
            let mut missing: Vec<String> = a.not_judged.iter().flat_map(|n| n.missing.iter().map(ToString::to_string)).collect();
            missing.sort_unstable();
            missing.dedup();
            prop_assert_eq!(list(&out, "missing", row), Some(missing));
        }
    }

    /// A kernel asked for some columns writes those (in the output schema's order, after the
    /// keys, with `error`), each equal to the full output's column, whichever are left out.
    #[test]
    fn a_projection_writes_the_full_outputs_columns(
        fleet in proptest::collection::vec(service(), 1..12),
        mask in 0u16..(1 << 12),
    ) {
        use scalability_advisor_arrow::OUTPUT_COLUMNS;
        let batch = fleet_batch(&fleet);
        let full = Kernel::default_pack().assess_batch(&batch).expect("assessed");
        // Asked for in reverse order: the output keeps the schema's.
        let asked: Vec<&str> = OUTPUT_COLUMNS[..12]
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, c)| *c)
            .collect();
        let kernel = Kernel::default_pack().with_columns(&asked).expect("known columns");
        let out = kernel.assess_batch(&batch).expect("assessed");
        let mut expected: Vec<&str> = vec!["service"];
        expected.extend(OUTPUT_COLUMNS.iter().filter(|c| asked.contains(c) || **c == "error"));
        let names: Vec<&str> = out.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
        prop_assert_eq!(&names, &expected);
        prop_assert_eq!(kernel.columns(), expected[1..].to_vec());
        for name in &expected {
            prop_assert_eq!(
                out.column_by_name(name).expect("written").as_ref(),
                full.column_by_name(name).expect("in the full output").as_ref(),
                "{}", name
            );
        }
    }
}

#[test]
fn projections_name_what_they_do_not_know() {
    let err = Kernel::default_pack()
        .with_columns(["fired", "first_stepp"])
        .expect_err("a misspelt column");
    assert!(
        matches!(&err, KernelError::UnknownOutputColumn { column } if column == "first_stepp"),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("`first_stepp` is not an output column; choose among stage_by_users"),
        "{text}"
    );
    // None asked for: the keys and `error` alone (every row still says whether it failed).
    let none: [&str; 0] = [];
    let kernel = Kernel::default_pack()
        .with_columns(none)
        .expect("nothing is fine");
    assert_eq!(kernel.columns(), ["error"]);
    let out = kernel
        .assess_batch(&batch(vec![
            (
                "service",
                Arc::new(StringArray::from(vec!["a", "b"])) as ArrayRef,
            ),
            (
                "db_cpu",
                Arc::new(Float64Array::from(vec![0.5, -1.0])) as ArrayRef,
            ),
        ]))
        .expect("assessed");
    assert_eq!(out.num_columns(), 2);
    let error = strings(&out, "error");
    assert!(error.is_null(0));
    assert!(error.value(1).contains("db_cpu"), "{}", error.value(1));
}

#[test]
fn the_synthetic_fleet_shows_every_stage_and_every_severity() {
    let fleet = scalability_advisor_arrow::fleet::synthetic_fleet(5_000, 42, 0).expect("made");
    let out = Kernel::default_pack()
        .assess_batch(&fleet)
        .expect("assessed");
    let error = strings(&out, "error");
    assert_eq!(error.null_count(), out.num_rows(), "{:?}", opt(error, 0));
    let seen = |column: &str| {
        let a = strings(&out, column);
        let mut v: Vec<&str> = (0..a.len()).filter_map(|i| opt(a, i)).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    assert_eq!(
        seen("stage_by_users"),
        ["enterprise", "growth", "scale", "startup"]
    );
    assert_eq!(seen("worst_severity"), ["critical", "info", "warning"]);
    assert_eq!(
        seen("health_server_cpu"),
        ["healthy", "marginal", "unhealthy"]
    );
    // Some services are missing users, so their stage is unknown.
    assert!(strings(&out, "stage_by_users").null_count() > 0);
}

#[test]
fn every_numeric_width_reads_as_its_value() {
    // 25 queries per request is past the guide's warning of 20: critical, whatever the
    // column's integer or float type.
    use scalability_advisor_arrow::arrow_array::{
        Int8Array, Int16Array, Int32Array, UInt8Array, UInt16Array, UInt32Array,
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int8Array::from(vec![25])),
        Arc::new(Int16Array::from(vec![25])),
        Arc::new(Int32Array::from(vec![25])),
        Arc::new(Int64Array::from(vec![25])),
        Arc::new(UInt8Array::from(vec![25])),
        Arc::new(UInt16Array::from(vec![25])),
        Arc::new(UInt32Array::from(vec![25])),
        Arc::new(UInt64Array::from(vec![25])),
        Arc::new(Float32Array::from(vec![25.0])),
        Arc::new(Float64Array::from(vec![25.0])),
    ];
    let kernel = Kernel::default_pack();
    for c in columns {
        let t = c.data_type().clone();
        let out = kernel
            .assess_batch(&batch(vec![("db_queries_per_request", c)]))
            .expect("assessed");
        assert_eq!(
            strings(&out, "health_db_queries_per_request").value(0),
            "unhealthy",
            "{t}"
        );
    }
}

#[test]
fn errors_suggest_only_close_names_and_say_what_a_duration_column_holds() {
    let kernel = Kernel::default_pack();
    let suggestion = |name: &str| match kernel.assess_batch(&batch(vec![(
        name,
        Arc::new(Float64Array::from(vec![1.0])) as _,
    )])) {
        Err(KernelError::UnknownColumn { suggestion, .. }) => suggestion,
        other => panic!("{other:?}"),
    };
    assert_eq!(suggestion("replica_lagg"), Some("replica_lag"));
    // One letter in common out of eleven is no hint; nor is an empty name.
    assert_eq!(suggestion("dzzzzzzzzzz"), None);
    assert_eq!(suggestion(""), None);
    match kernel.assess_batch(&batch(vec![(
        "p95_response_time",
        Arc::new(StringArray::from(vec!["780ms"])) as _,
    )])) {
        Err(KernelError::WrongType { expected, .. }) => {
            assert!(
                expected.contains("seconds") && expected.contains("_ms"),
                "{expected}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn name_lists_in_every_string_layout_and_their_limits() {
    use scalability_advisor_arrow::arrow_array::builder::{LargeListBuilder, StringViewBuilder};
    use scalability_advisor_arrow::arrow_array::{LargeStringArray, StringViewArray};
    use scalability_advisor_arrow::{MAX_LIST_ITEMS, MAX_NAME_BYTES};
    let kernel = Kernel::default_pack();
    let users = || Arc::new(UInt64Array::from(vec![5_000, 5_000])) as ArrayRef;
    let fired = |architecture: ArrayRef| {
        let out = kernel
            .assess_batch(&batch(vec![
                ("users", users()),
                (
                    "server_cpu",
                    Arc::new(Float64Array::from(vec![0.25, 0.25])) as _,
                ),
                (
                    "p95_response_time_ms",
                    Arc::new(Float64Array::from(vec![180.0, 180.0])) as _,
                ),
                (
                    "db_cpu",
                    Arc::new(Float64Array::from(vec![0.30, 0.30])) as _,
                ),
                ("architecture", architecture),
            ]))
            .expect("assessed");
        assert!(strings(&out, "error").is_null(0) && strings(&out, "error").is_null(1));
        (list(&out, "fired", 0), list(&out, "fired", 1))
    };
    // 5,000 users at 25% CPU, 180 ms and the database at 30% with a cache and read
    // replicas: added before the metrics asked for them (the startup example's finding).
    let plain = fired(Arc::new(StringArray::from(vec![
        Some("cache;read_replicas"),
        None,
    ])));
    assert!(plain.0.as_ref().is_some_and(|f| !f.is_empty()), "{plain:?}");
    assert_ne!(plain.0, plain.1);
    assert_eq!(
        fired(Arc::new(LargeStringArray::from(vec![
            Some("cache;read_replicas"),
            None
        ]))),
        plain
    );
    assert_eq!(
        fired(Arc::new(StringViewArray::from(vec![
            Some("cache;read_replicas"),
            None
        ]))),
        plain
    );
    let mut large = LargeListBuilder::new(StringBuilder::new());
    large.values().append_value("cache");
    large.values().append_value("read_replicas");
    large.append(true);
    large.append_null();
    assert_eq!(fired(Arc::new(large.finish())), plain);
    let mut view = ListBuilder::new(StringViewBuilder::new());
    view.values().append_value("cache");
    view.values().append_value("read_replicas");
    view.append(true);
    view.append(true);
    let (first, second) = fired(Arc::new(view.finish()));
    assert_eq!(first, plain.0);
    assert_eq!(second, plain.1); // an empty list is nothing declared, like a null
    // At most MAX_LIST_ITEMS names of at most MAX_NAME_BYTES bytes.
    let row_error = |cell: String| {
        let out = kernel
            .assess_batch(&batch(vec![(
                "architecture",
                Arc::new(StringArray::from(vec![cell])) as _,
            )]))
            .expect("assessed");
        opt(strings(&out, "error"), 0).map(str::to_owned)
    };
    assert_eq!(row_error(vec!["cdn"; MAX_LIST_ITEMS].join(",")), None);
    assert!(
        row_error(vec!["cdn"; MAX_LIST_ITEMS + 1].join(","))
            .is_some_and(|e| e.contains("more than 64 names")),
    );
    assert!(row_error("x".repeat(MAX_NAME_BYTES)).is_some_and(|e| e.contains("unknown name")),);
    assert!(
        row_error("x".repeat(MAX_NAME_BYTES + 1)).is_some_and(|e| e.contains("a name of 65 bytes")),
    );
}

/// A value of a `db_cpu` cell: not measured, a NaN, a valid fraction or a negative.
fn cell() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        Just(Some(f64::NAN)),
        (0.0..1.0f64).prop_map(Some),
        Just(Some(-0.5)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A null is "not measured" and a NaN or a negative is the row's error, wherever they
    /// sit among more than 64 rows (nulls are read 64 at a time) and whatever the column's
    /// offset (a sliced batch): read value by value, not from the neighbours.
    #[test]
    fn nulls_and_nans_are_told_apart_row_by_row(
        cells in proptest::collection::vec(cell(), 1..200),
        skip in 0usize..70,
    ) {
        let skip = skip.min(cells.len() - 1);
        let full = batch(vec![("db_cpu", Arc::new(Float64Array::from(cells.clone())) as _)]);
        let sliced = full.slice(skip, cells.len() - skip);
        let out = Kernel::default_pack().assess_batch(&sliced).expect("assessed");
        let error = strings(&out, "error");
        for (row, cell) in cells[skip..].iter().enumerate() {
            match cell {
                None => {
                    prop_assert!(error.is_null(row), "row {}: {:?}", row, opt(error, row));
                    let missing = list(&out, "missing", row).expect("a list");
                    prop_assert!(missing.iter().any(|m| m == "db_cpu"), "row {}: {:?}", row, missing);
                }
                Some(v) if v.is_nan() || *v < 0.0 => {
                    let e = opt(error, row).unwrap_or_default();
                    prop_assert!(e.starts_with("column `db_cpu`"), "row {}: {}", row, e);
                }
                Some(_) => {
                    prop_assert!(error.is_null(row), "row {}: {:?}", row, opt(error, row));
                    let missing = list(&out, "missing", row).expect("a list");
                    prop_assert!(!missing.iter().any(|m| m == "db_cpu"), "row {}: {:?}", row, missing);
                }
            }
        }
    }
}

/// An item of an `architecture` list: a known name, an unknown one, one too long, or a null.
fn list_item() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        8 => proptest::sample::select(Component::ALL.to_vec()).prop_map(|c| Some(c.name().to_owned())),
        1 => Just(Some("redis".to_owned())),
        1 => Just(Some("x".repeat(65))),
        1 => Just(None),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A list column (whose names are read once per batch) says what the same names joined
    /// in one string (read name by name) say: the same rules fire, and a row with an unknown
    /// name, a name too long or more than 64 names has the same error. Null items are
    /// skipped, as a joined string leaves them out.
    #[test]
    fn list_columns_read_as_their_names_joined(
        rows in proptest::collection::vec(
            prop_oneof![
                4 => proptest::collection::vec(list_item(), 0..6),
                1 => proptest::collection::vec(
                    proptest::sample::select(vec![Some("cdn".to_owned()), None]),
                    60..70,
                ),
            ],
            1..40,
        ),
        skip in 0usize..3,
    ) {
        let mut as_list = ListBuilder::new(StringBuilder::new());
        for items in &rows {
            for item in items {
                as_list.values().append_option(item.as_deref());
            }
            as_list.append(true);
        }
        let joined: Vec<String> = rows
            .iter()
            .map(|items| items.iter().flatten().cloned().collect::<Vec<_>>().join(","))
            .collect();
        let users = Arc::new(UInt64Array::from(vec![5_000; rows.len()])) as ArrayRef;
        let kernel = Kernel::default_pack();
        // Sliced past the first rows too: a sliced list array keeps all of its child's values.
        let skip = skip.min(rows.len() - 1);
        let kept = rows.len() - skip;
        let a = kernel
            .assess_batch(&batch(vec![("users", Arc::clone(&users)), ("architecture", Arc::new(as_list.finish()) as _)]).slice(skip, kept))
            .expect("assessed");
        let b = kernel
            .assess_batch(&batch(vec![("users", users), ("architecture", Arc::new(StringArray::from(joined)) as _)]).slice(skip, kept))
            .expect("assessed");
        for row in 0..kept {
            prop_assert_eq!(opt(strings(&a, "error"), row), opt(strings(&b, "error"), row), "row {}", row);
            prop_assert_eq!(list(&a, "fired", row), list(&b, "fired", row), "row {}", row);
        }
    }
}

#[test]
fn every_name_list_is_read_in_the_order_of_its_all() {
    // The kernel codes a name by its enum's value and decodes it by its place in `ALL`:
    // both must agree, or a list column would read one component as another.
    use scalability_advisor_arrow::scalability_advisor_rules::scalability_advisor_core::patterns::ChecklistItem;
    for (i, c) in Component::ALL.iter().enumerate() {
        assert_eq!(*c as usize, i, "{c:?}");
    }
    for (i, r) in Remedy::ALL.iter().enumerate() {
        assert_eq!(*r as usize, i, "{r:?}");
    }
    for (i, p) in ChecklistItem::ALL.iter().enumerate() {
        assert_eq!(*p as usize, i, "{p:?}");
    }
}

#[test]
fn a_null_list_row_declares_nothing_whatever_its_offsets_span() {
    // Arrow lets a null list row keep a non-empty range of values; the row is still null:
    // nothing declared. Row 0 is null over "cache" and "read_replicas", row 1 an empty
    // list: both are assessed alike. (5,000 users at low load: with a cache and replicas
    // declared, the rules on components added too early would fire.)
    use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
    use scalability_advisor_arrow::arrow_array::GenericListArray;
    use scalability_advisor_arrow::arrow_array::OffsetSizeTrait;
    use scalability_advisor_arrow::arrow_schema::{DataType, Field};
    fn null_over_values<O: OffsetSizeTrait>(offsets: [O; 3]) -> ArrayRef {
        let field = Arc::new(Field::new("item", DataType::Utf8, true));
        Arc::new(
            GenericListArray::<O>::try_new(
                field,
                OffsetBuffer::new(ScalarBuffer::from(offsets.to_vec())),
                Arc::new(StringArray::from(vec!["cache", "read_replicas"])),
                Some(NullBuffer::from(vec![false, true])),
            )
            .expect("a valid list array"),
        )
    }
    let kernel = Kernel::default_pack();
    for architecture in [
        null_over_values::<i32>([0, 2, 2]),
        null_over_values::<i64>([0, 2, 2]),
    ] {
        let out = kernel
            .assess_batch(&batch(vec![
                (
                    "users",
                    Arc::new(UInt64Array::from(vec![5_000, 5_000])) as _,
                ),
                (
                    "server_cpu",
                    Arc::new(Float64Array::from(vec![0.25, 0.25])) as _,
                ),
                (
                    "db_cpu",
                    Arc::new(Float64Array::from(vec![0.30, 0.30])) as _,
                ),
                ("architecture", architecture),
            ]))
            .expect("assessed");
        assert!(strings(&out, "error").is_null(0));
        let (null_row, empty_row) = (list(&out, "fired", 0), list(&out, "fired", 1));
        assert_eq!(null_row, empty_row);
        assert!(
            null_row
                .as_ref()
                .is_some_and(|f| f.iter().all(|id| !id.starts_with("premature."))),
            "{null_row:?}"
        );
    }
}
