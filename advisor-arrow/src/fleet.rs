//! A seeded synthetic fleet in the input schema, for trying a pipeline end to end and for
//! benchmarks.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scalability_advisor_rules::scalability_advisor_core::units::Users;
use scalability_advisor_rules::scalability_advisor_core::{Component, Stage};

use crate::KernelError;

/// The columns of [`synthetic_fleet`], in order.
pub const FLEET_COLUMNS: [&str; 21] = [
    "service",
    "users",
    "p95_response_time_ms",
    "db_queries_per_request",
    "server_cpu",
    "memory_usage",
    "db_cpu",
    "db_pool_size",
    "db_connections",
    "slowest_query_time_ms",
    "db_read_share",
    "repeated_query_share",
    "cache_hit_rate",
    "replica_lag_ms",
    "remote_user_share",
    "remote_user_p95_ms",
    "data_residency_required",
    "availability_target",
    "architecture",
    "deployed_regions",
    "user_regions",
];

/// `rows` made-up services, the same for the same `seed` and `first` (the number of the
/// first service, so that a large fleet can be made in batches: `svc-{first}` onwards).
///
/// Users are spread evenly on a log scale from 100 to 5,000,000, so every stage is there.
/// Each metric is measured with probability 0.85 (otherwise null). A third of the services
/// are calm, every value on the good side of the guide's levels; the others' values are
/// drawn across them (a P95 from 50 ms to 2.5 s, CPU from 10% to 99%, ...), so that
/// healthy services, info, warnings and critical findings all appear. The architecture is
/// the stage's own with each component kept with probability 0.8, plus an occasional
/// component of the next stage. The regions deployed are 2 to 4 where the architecture
/// holds `multi_region`, else 1; the regions users are in, that many or one or two more
/// (each count, like the metrics, given with probability 0.85).
///
/// # Errors
/// [`KernelError::TooManyRows`] past [`MAX_BATCH_ROWS`](crate::MAX_BATCH_ROWS).
///
/// # Examples
/// ```
/// use scalability_advisor_arrow::{Kernel, fleet::synthetic_fleet};
/// let batch = synthetic_fleet(1_000, 7, 0)?;
/// assert_eq!(batch.num_rows(), 1_000);
/// assert_eq!(batch, synthetic_fleet(1_000, 7, 0)?); // seeded
/// let out = Kernel::default_pack().assess_batch(&batch)?;
/// assert_eq!(out.num_rows(), 1_000);
/// # Ok::<(), scalability_advisor_arrow::KernelError>(())
/// ```
pub fn synthetic_fleet(rows: usize, seed: u64, first: u64) -> Result<RecordBatch, KernelError> {
    crate::check_rows(rows)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ first.rotate_left(17));
    let f = |rng: &mut ChaCha8Rng, lo: f64, hi: f64| -> Option<f64> {
        rng.random_bool(0.85).then(|| rng.random_range(lo..=hi))
    };
    let mut cols: Vec<Vec<Option<f64>>> = (0..14).map(|_| Vec::with_capacity(rows)).collect();
    let mut users = Vec::with_capacity(rows);
    let mut residency = Vec::with_capacity(rows);
    let mut architecture = ListBuilder::new(StringBuilder::new());
    let mut multi_region = Vec::with_capacity(rows);
    for _ in 0..rows {
        // log10 of users from 2 (100) to 6.7 (5 million).
        let u: f64 = 10f64.powf(rng.random_range(2.0..6.7));
        #[expect(
            clippy::cast_possible_truncation,
            reason = "u is between 100 and 5,011,873"
        )]
        let u = u.round() as i64;
        users.push(rng.random_bool(0.95).then_some(u));
        let pool = rng.random_range(10.0..=300.0f64).round();
        // A third of the fleet is calm (every value on the good side of the guide's
        // levels); the rest is drawn over the whole range.
        let calm = rng.random_bool(1.0 / 3.0);
        let hi = |calm_hi: f64, hi: f64| if calm { calm_hi } else { hi };
        let values = [
            f(&mut rng, 50.0, hi(400.0, 2_500.0)),
            f(&mut rng, 2.0, hi(9.0, 30.0)),
            f(&mut rng, 0.10, hi(0.60, 0.99)),
            f(&mut rng, 0.20, hi(0.70, 0.97)),
            f(&mut rng, 0.10, hi(0.60, 0.98)),
            Some(pool),
            f(&mut rng, 0.0, hi(0.4, 1.0) * pool).map(f64::round),
            f(&mut rng, 5.0, hi(90.0, 600.0)),
            f(&mut rng, 0.40, hi(0.75, 0.98)),
            f(&mut rng, 0.0, hi(0.20, 0.60)),
            f(&mut rng, hi(0.90, 0.50), 0.99),
            f(&mut rng, 0.0, hi(900.0, 8_000.0)),
            f(&mut rng, 0.0, hi(0.20, 0.60)),
            f(&mut rng, 80.0, hi(450.0, 1_500.0)),
        ];
        for (c, v) in cols.iter_mut().zip(values) {
            c.push(v);
        }
        residency.push(rng.random_bool(0.5).then(|| !calm && rng.random_bool(0.1)));
        let stage = Stage::for_users(Users::new(u.unsigned_abs()));
        let next = stage.next().unwrap_or(stage).cumulative_architecture();
        for c in Component::ALL {
            let own = stage.cumulative_architecture().contains(c) && c != Component::SingleServer;
            let keep = if own {
                rng.random_bool(0.8)
            } else {
                next.contains(c) && rng.random_bool(0.1)
            };
            if keep {
                architecture.values().append_value(c.name());
            }
            if c == Component::MultiRegion {
                multi_region.push(keep);
            }
        }
        architecture.append(true);
    }
    let availability: Float64Array = (0..rows)
        .map(|_| {
            rng.random_bool(0.5)
                .then(|| [0.99, 0.999, 0.9999][rng.random_range(0..3)])
        })
        .collect();
    // (Drawn after the other columns, which stay as they were before these two came.)
    let (mut deployed, mut user_regions) = (Vec::with_capacity(rows), Vec::with_capacity(rows));
    for multi in multi_region {
        let n: i64 = if multi { rng.random_range(2..=4) } else { 1 };
        let more: i64 = if rng.random_bool(0.7) {
            0
        } else {
            rng.random_range(1..=2)
        };
        deployed.push(rng.random_bool(0.85).then_some(n));
        user_regions.push(rng.random_bool(0.85).then_some(n + more));
    }
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(FLEET_COLUMNS.len());
    columns.push(Arc::new(StringArray::from_iter_values(
        (first..).take(rows).map(|i| format!("svc-{i}")),
    )));
    columns.push(Arc::new(Int64Array::from(users)));
    for c in cols {
        columns.push(Arc::new(Float64Array::from(c)));
    }
    columns.push(Arc::new(BooleanArray::from(residency)));
    columns.push(Arc::new(availability));
    columns.push(Arc::new(architecture.finish()));
    columns.push(Arc::new(Int64Array::from(deployed)));
    columns.push(Arc::new(Int64Array::from(user_regions)));
    // Every column nullable, whatever this batch holds, so that all batches share a schema.
    Ok(RecordBatch::try_from_iter_with_nullable(
        FLEET_COLUMNS
            .iter()
            .copied()
            .zip(columns)
            .map(|(name, column)| (name, column, true)),
    )?)
}
