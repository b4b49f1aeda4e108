//! Any two samples, however odd their counters (resets, counters near 2^64, NaN or infinite
//! times), make a snapshot without panicking, and every share in it is a share.

use std::time::Duration;

use proptest::prelude::*;
use scalability_advisor_postgres::{
    DatabaseCounters, Options, Sample, StatementCounters, TableCounters, WalCounters, snapshot,
};
use scalability_advisor_rules::scalability_advisor_core::{Metric, UnitKind};

fn counter() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..1_000_000,
        Just(u64::MAX),
        Just(u64::MAX - 1),
        any::<u64>()
    ]
}

fn millis() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.0f64..1e9,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::MAX),
        Just(-1.0)
    ]
}

fn sample() -> impl Strategy<Value = Sample> {
    (
        0u64..10_000,
        proptest::array::uniform4(counter()),
        proptest::collection::vec((counter(), counter(), counter(), counter()), 0..4),
        proptest::collection::vec((counter(), millis(), millis(), counter()), 0..4),
        (counter(), millis(), millis()),
    )
        .prop_map(|(at, db, tables, statements, (wal, wal_ms, read_ms))| {
            let mut s = Sample::new(Duration::from_secs(at), 150_000);
            s.track_io_timing = true;
            s.track_wal_io_timing = true;
            s.database = Some(DatabaseCounters {
                xact_commit: db[0],
                xact_rollback: db[1],
                blks_hit: db[2],
                blks_read: db[3],
                tup_returned: db[0],
                tup_fetched: db[1],
                tup_inserted: db[2],
                tup_updated: db[3],
                tup_deleted: db[0],
                deadlocks: db[1],
                blk_read_time_ms: read_ms,
            });
            s.tables = tables
                .into_iter()
                .enumerate()
                .map(|(i, (a, b, c, d))| TableCounters {
                    name: format!("public.t{i}"),
                    live_rows: a,
                    dead_rows: b,
                    size_bytes: c,
                    seq_scan: d,
                    seq_tup_read: a,
                    idx_scan: b,
                })
                .collect();
            s.statements = Some(
                statements
                    .into_iter()
                    .enumerate()
                    .map(|(i, (calls, ms, max, rows))| StatementCounters {
                        queryid: i64::try_from(i).unwrap_or(0),
                        query: if i % 2 == 0 {
                            "SELECT 1".into()
                        } else {
                            "UPDATE t SET a = 1".into()
                        },
                        calls,
                        total_time_ms: ms,
                        max_time_ms: max,
                        rows,
                    })
                    .collect(),
            );
            s.wal = Some(WalCounters {
                writes: wal,
                write_time_ms: wal_ms,
            });
            s
        })
}

proptest! {
    #[test]
    fn any_two_samples_make_a_valid_snapshot_or_a_period_error(a in sample(), b in sample()) {
        match snapshot(&a, &b, &Options::default()) {
            Err(_) => prop_assert!(b.at <= a.at),
            Ok(c) => {
                prop_assert!(b.at > a.at);
                for m in Metric::ALL {
                    if let Some(v) = c.snapshot.value(m) {
                        prop_assert!(v.is_finite() && v >= 0.0, "{m} = {v}");
                        if m.unit() == UnitKind::Ratio {
                            prop_assert!(v <= 1.0, "{m} = {v}");
                        }
                    }
                }
            }
        }
    }
}
