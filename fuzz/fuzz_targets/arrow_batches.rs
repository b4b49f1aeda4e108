//! Arbitrary columns of arbitrary types and values as an Arrow batch -> the fleet kernel.
//!
//! Invariants: no panic on any schema or value; a refused schema is a typed error; an
//! accepted batch gives one output row per input row, each either assessed (its `fired`
//! list present) or carrying its `error`, never both.
#![no_main]

use std::sync::{Arc, OnceLock};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use scalability_advisor_arrow::Kernel;
use scalability_advisor_arrow::arrow_array::builder::{ListBuilder, StringBuilder};
use scalability_advisor_arrow::arrow_array::cast::AsArray;
use scalability_advisor_arrow::arrow_array::{
    Array, ArrayRef, BooleanArray, DurationMillisecondArray, Float32Array, Float64Array,
    Int64Array, RecordBatch, StringArray, UInt8Array,
};
use scalability_advisor_arrow::arrow_schema::{Field, Schema};
use scalability_advisor_core::{Component, Metric, UnitKind};

#[derive(Arbitrary, Debug)]
struct Column {
    name: u8,
    kind: u8,
    values: Vec<(bool, f64, u8)>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    rows: u8,
    columns: Vec<Column>,
}

fn names() -> Vec<String> {
    let mut v: Vec<String> = Metric::ALL.iter().map(|m| m.name().to_owned()).collect();
    v.extend(
        Metric::ALL
            .iter()
            .filter(|m| m.unit() == UnitKind::Duration)
            .map(|m| format!("{}_ms", m.name())),
    );
    v.extend(["architecture", "tried", "practices", "service", "time", "error", "bogus", "db_cpu_ms"].map(String::from));
    v
}

fn word(b: u8) -> &'static str {
    match Component::ALL.get(usize::from(b) % (Component::ALL.len() + 3)) {
        Some(c) => c.name(),
        None => ["", "redis", "add_indexes"][usize::from(b) % 3],
    }
}

fn build(c: &Column, rows: usize) -> ArrayRef {
    let at = |i: usize| c.values.get(i % c.values.len().max(1)).copied().unwrap_or((false, 0.0, 0));
    let cells = (0..rows).map(at);
    match c.kind % 8 {
        0 => Arc::new(cells.map(|(some, v, _)| some.then_some(v)).collect::<Float64Array>()),
        1 => Arc::new(cells.map(|(some, v, _)| some.then_some(v as f32)).collect::<Float32Array>()),
        2 => Arc::new(cells.map(|(some, v, _)| some.then_some(v as i64)).collect::<Int64Array>()),
        3 => Arc::new(cells.map(|(some, _, b)| some.then_some(b)).collect::<UInt8Array>()),
        4 => Arc::new(cells.map(|(some, _, b)| some.then_some(b % 2 == 0)).collect::<BooleanArray>()),
        5 => Arc::new(
            cells
                .map(|(some, _, b)| some.then(|| format!("{},{};{}", word(b), word(b / 3), word(b / 7))))
                .collect::<StringArray>(),
        ),
        6 => Arc::new(
            cells.map(|(some, v, _)| some.then_some(v as i64)).collect::<DurationMillisecondArray>(),
        ),
        _ => {
            let mut l = ListBuilder::new(StringBuilder::new());
            for (some, _, b) in cells {
                if some {
                    for k in 0..(b % 5) {
                        l.values().append_value(word(b.wrapping_add(k)));
                    }
                }
                l.append(some);
            }
            Arc::new(l.finish())
        }
    }
}

fuzz_target!(|input: Input| {
    static KERNEL: OnceLock<Kernel> = OnceLock::new();
    let kernel = KERNEL.get_or_init(Kernel::default_pack);
    let names = names();
    let rows = usize::from(input.rows % 33);
    let mut fields = Vec::new();
    let mut columns = Vec::new();
    for c in input.columns.iter().take(12) {
        let array = build(c, rows);
        let name = &names[usize::from(c.name) % names.len()];
        fields.push(Field::new(name, array.data_type().clone(), true));
        columns.push(array);
    }
    let Ok(batch) = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns) else { return };
    let Ok(out) = kernel.assess_batch(&batch) else { return };
    assert_eq!(out.num_rows(), batch.num_rows());
    let error = out.column_by_name("error").expect("an error column").as_string::<i32>();
    let fired = out.column_by_name("fired").expect("a fired column");
    for row in 0..out.num_rows() {
        assert_ne!(error.is_null(row), fired.is_null(row), "row {row}");
    }
});
