//! What the collectors read from untrusted places: a Prometheus mapping file (arbitrary text),
//! and two PostgreSQL samples with arbitrary counters (what a server, or a proxy in front of
//! it, could send).
//!
//! Invariants: no panic; a mapping that loads has a non-empty query for each candidate, and
//! its PromQL for every metric is built without panicking; two samples make either a period
//! error (the second not after the first) or a snapshot whose every value is finite, not
//! negative, and a share in 0..=1 when it is one.
#![no_main]

use core::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use scalability_advisor_core::{Metric, UnitKind};
use scalability_advisor_postgres::{
    DatabaseCounters, Options, Sample, StatementCounters, TableCounters, WalCounters, snapshot,
};
use scalability_advisor_prometheus::Mapping;

#[derive(Debug, Arbitrary)]
struct RawSample {
    at: u32,
    reset: bool,
    db: Option<[u64; 10]>,
    read_ms: f64,
    tables: Vec<(u8, [u64; 6])>,
    statements: Option<Vec<(i8, bool, u64, f64, f64, u64)>>,
    wal: Option<(u64, f64)>,
}

#[derive(Debug, Arbitrary)]
enum Case {
    Mapping { text: String, selector: String },
    Diff { a: RawSample, b: RawSample, top: u8, max_tables: u8 },
}

fn sample(r: RawSample) -> Sample {
    let mut s = Sample::new(Duration::from_secs(u64::from(r.at)), 150_000);
    s.stats_reset = Some(if r.reset { "later" } else { "start" }.into());
    s.track_io_timing = true;
    s.track_wal_io_timing = true;
    s.database = r.db.map(|d| DatabaseCounters {
        xact_commit: d[0],
        xact_rollback: d[1],
        blks_read: d[2],
        blks_hit: d[3],
        tup_returned: d[4],
        tup_fetched: d[5],
        tup_inserted: d[6],
        tup_updated: d[7],
        tup_deleted: d[8],
        deadlocks: d[9],
        blk_read_time_ms: r.read_ms,
    });
    // Table names are unique by construction of the collector's query; keep the first of each.
    let mut seen = std::collections::HashSet::new();
    s.tables = r
        .tables
        .into_iter()
        .filter(|(n, _)| seen.insert(*n))
        .map(|(n, c)| TableCounters {
            name: format!("public.t{n}"),
            live_rows: c[0],
            dead_rows: c[1],
            size_bytes: c[2],
            seq_scan: c[3],
            seq_tup_read: c[4],
            idx_scan: c[5],
        })
        .collect();
    s.statements = r.statements.map(|list| {
        list.into_iter()
            .map(|(id, read, calls, total, max, rows)| StatementCounters {
                queryid: i64::from(id),
                query: if read { "SELECT 1".into() } else { "UPDATE t SET a = 1".into() },
                calls,
                total_time_ms: total,
                max_time_ms: max,
                rows,
            })
            .collect()
    });
    s.wal = r.wal.map(|(writes, ms)| WalCounters {
        writes,
        write_time_ms: ms,
    });
    s
}

fuzz_target!(|case: Case| match case {
    Case::Mapping { text, selector } => {
        if let Ok(m) = Mapping::from_toml_str(&text) {
            for metric in Metric::ALL {
                for c in m.candidates(metric) {
                    assert!(!c.query.trim().is_empty());
                    let _ = c.query_for(&selector);
                }
                let _ = m.promql(metric, &selector);
            }
        }
    }
    Case::Diff { a, b, top, max_tables } => {
        let (a, b) = (sample(a), sample(b));
        let options = Options {
            top_statements: usize::from(top),
            max_tables: usize::from(max_tables),
        };
        match snapshot(&a, &b, &options) {
            Err(_) => assert!(b.at <= a.at),
            Ok(c) => {
                assert!(b.at > a.at);
                for m in Metric::ALL {
                    if let Some(v) = c.snapshot.value(m) {
                        assert!(v.is_finite() && v >= 0.0, "{m} = {v}");
                        if m.unit() == UnitKind::Ratio {
                            assert!(v <= 1.0, "{m} = {v}");
                        }
                    }
                }
                // At most `max_tables` are named, the heaviest first.
                assert!(c.snapshot.tables.as_ref().map_or(0, |t| t.len()) <= usize::from(max_tables));
            }
        }
    }
});
