//! The synthetic fleet keeps the promises of its documentation: seeded, every stage there,
//! architectures drawn from each service's own stage (and a little of the next), pools never
//! over-full, a minority needing data residency.

use scalability_advisor_arrow::arrow_array::cast::AsArray;
use scalability_advisor_arrow::arrow_array::types::{Float64Type, Int64Type};
use scalability_advisor_arrow::arrow_array::{Array, RecordBatch};
use scalability_advisor_arrow::fleet::synthetic_fleet;
use scalability_advisor_arrow::scalability_advisor_rules::scalability_advisor_core::units::Users;
use scalability_advisor_arrow::scalability_advisor_rules::scalability_advisor_core::{
    Component, Stage,
};

fn fleet() -> RecordBatch {
    synthetic_fleet(20_000, 9, 0).expect("made")
}

fn architecture(b: &RecordBatch, row: usize) -> Vec<Component> {
    let l = b
        .column_by_name("architecture")
        .expect("column")
        .as_list::<i32>();
    let v = l.value(row);
    let s = v.as_string::<i32>();
    (0..s.len())
        .map(|i| Component::from_name(s.value(i)).expect("a component name"))
        .collect()
}

#[test]
fn seeds_and_first_numbers_make_different_fleets() {
    let users = |b: &RecordBatch| {
        let u = b
            .column_by_name("users")
            .expect("users")
            .as_primitive::<Int64Type>();
        (0..u.len())
            .map(|i| u.is_valid(i).then(|| u.value(i)))
            .collect::<Vec<_>>()
    };
    // A `first` whose rotation sets the seed's low bits: mixing must still tell seeds apart.
    for first in [0u64, 3 << 47] {
        let fleets: Vec<_> = (0..4)
            .map(|seed| users(&synthetic_fleet(200, seed, first).expect("made")))
            .collect();
        for i in 0..4 {
            for j in i + 1..4 {
                assert_ne!(fleets[i], fleets[j], "seeds {i} and {j} at first {first}");
            }
        }
    }
    let later = synthetic_fleet(3, 1, 500).expect("made");
    let names = later
        .column_by_name("service")
        .expect("service")
        .as_string::<i32>();
    assert_eq!(names.value(0), "svc-500");
}

#[test]
fn architectures_come_from_the_services_own_stage_and_a_little_of_the_next() {
    let b = fleet();
    let users = b
        .column_by_name("users")
        .expect("users")
        .as_primitive::<Int64Type>();
    let (mut startups, mut with_next) = (0u32, 0u32);
    for row in 0..b.num_rows() {
        let arch = architecture(&b, row);
        assert!(
            !arch.contains(&Component::SingleServer),
            "row {row}: {arch:?}"
        );
        if users.is_null(row) {
            continue;
        }
        let stage = Stage::for_users(Users::new(users.value(row).unsigned_abs()));
        let allowed = stage
            .next()
            .unwrap_or(stage)
            .cumulative_architecture()
            .union(stage.cumulative_architecture());
        for c in &arch {
            assert!(allowed.contains(*c), "row {row}: {c} at {stage}");
        }
        if stage == Stage::Startup {
            startups += 1;
            with_next += u32::from(arch.contains(&Component::LoadBalancer));
        }
    }
    // A load balancer (stage 2) is drawn for a startup one time in ten.
    let share = f64::from(with_next) / f64::from(startups);
    assert!((0.07..0.13).contains(&share), "{share} of {startups}");
}

#[test]
fn pools_are_never_over_full_and_some_are_nearly_full() {
    let b = fleet();
    let size = b
        .column_by_name("db_pool_size")
        .expect("size")
        .as_primitive::<Float64Type>();
    let used = b
        .column_by_name("db_connections")
        .expect("used")
        .as_primitive::<Float64Type>();
    let mut fullest: f64 = 0.0;
    for row in 0..b.num_rows() {
        if used.is_null(row) {
            continue;
        }
        let share = used.value(row) / size.value(row);
        assert!(share <= 1.0, "row {row}: {share}");
        fullest = fullest.max(share);
    }
    assert!(fullest > 0.95, "{fullest}");
}

#[test]
fn data_residency_is_required_by_a_minority_of_the_restless_services() {
    // Measured for half the services; required by one in ten of the two thirds that are not
    // calm: about 6.7% of those measured.
    let b = fleet();
    let r = b
        .column_by_name("data_residency_required")
        .expect("column")
        .as_boolean();
    let measured = r.len() - r.null_count();
    let required = r.true_count();
    #[expect(clippy::cast_precision_loss, reason = "counts below 2^53")]
    let share = required as f64 / measured as f64;
    assert!((0.05..0.085).contains(&share), "{share}");
}
