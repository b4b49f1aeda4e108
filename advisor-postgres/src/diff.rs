//! Two samples in, one snapshot out: pure arithmetic over counters, with reset detection.

use core::time::Duration;

use scalability_advisor_core::units::{Bytes, Connections, Count, Rate, Ratio};
use scalability_advisor_core::{
    Entities, EntityKind, EntityName, MetricsSnapshot, StatementStats, TableStats,
};

use crate::Error;
use crate::sample::{ENABLE_IO_TIMING, ENABLE_WAL_TIMING, Sample, StatementCounters, Unavailable};

/// Fewest reading and writing statements (and rows) in a period for a read share: a share of
/// a handful of calls says nothing about the workload (ours).
pub const MIN_STATEMENTS: u64 = 100;
/// Fewest block reads in a period for a buffer cache hit ratio (ours).
pub const MIN_BLOCKS: u64 = 1_000;

/// Choices for [`snapshot`].
///
/// # Examples
/// ```
/// use scalability_advisor_postgres::Options;
/// assert_eq!(Options::default().top_statements, 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// How many statements to name, the heaviest by execution time over the period.
    pub top_statements: usize,
    /// How many tables to name at most (the most rows read by sequential scans first); at
    /// most [`Entities::MAX`].
    pub max_tables: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            top_statements: 20,
            max_tables: Entities::<TableStats>::MAX,
        }
    }
}

/// A snapshot read from a server, with what could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    /// The snapshot: database metrics, tables and statements over the period between the
    /// samples.
    pub snapshot: MetricsSnapshot,
    /// The period the counters cover.
    pub period: Duration,
    /// Statistics that are missing from the snapshot, each with how to enable it.
    pub unavailable: Vec<Unavailable>,
}

/// `later - earlier` for a cumulative counter; `None` when it went down (a reset).
fn delta(earlier: u64, later: u64) -> Option<u64> {
    later.checked_sub(earlier)
}

fn delta_f(earlier: f64, later: f64) -> Option<f64> {
    (later >= earlier).then_some(later - earlier)
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counters above 2^53 lose only their lowest digits"
)]
fn f(v: u64) -> f64 {
    v as f64
}

fn ratio(part: f64, whole: f64) -> Option<Ratio> {
    if whole > 0.0 {
        Ratio::from_fraction((part / whole).clamp(0.0, 1.0)).ok()
    } else {
        None
    }
}

/// Whether a statement reads (`Some(true)`), writes (`Some(false)`) or is neither (utility
/// statements such as `BEGIN` or `SET`), by its first keyword after comments.
fn is_read(query: &str) -> Option<bool> {
    let mut q = query.trim_start();
    loop {
        if let Some(rest) = q.strip_prefix("--") {
            q = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(rest) = q.strip_prefix("/*") {
            q = rest.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    let word: String = q
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    match word.as_str() {
        "select" | "table" | "values" => Some(true),
        "insert" | "update" | "delete" | "merge" | "copy" => Some(false),
        "with" => {
            let lower = q.to_ascii_lowercase();
            let writes = ["insert ", "update ", "delete ", "merge "]
                .iter()
                .any(|w| lower.contains(w));
            Some(!writes)
        }
        _ => None,
    }
}

/// Turns two samples into a snapshot of the period between them.
///
/// Filled: `db_connections` and `db_pool_size` (client connections against
/// `max_connections`, at the later sample), `db_lock_wait_share` (active connections waiting
/// for a lock, at the later sample), `db_transaction_rate`, `db_buffer_hit_ratio`,
/// `db_deadlocks`, `db_read_share` (by statements: calls of reads over calls of reads and
/// writes, from `pg_stat_statements`; from [`MIN_STATEMENTS`] calls, like the row share; the
/// buffer ratio from [`MIN_BLOCKS`] block reads), `db_read_share_rows`, `slowest_query_time` (the
/// largest mean over the period), `slowest_query_max_time` (the largest `max_exec_time`,
/// since the entry was created), `primary_write_throughput` (calls of writing statements per
/// second), `db_max_seq_scans`, `db_bloat_share` (dead rows over all
/// rows, an estimate of bloat), `db_io_read_share` (block read time over statement time),
/// `wal_write_latency`, `replica_lag`, and the `tables` and `statements` lists. A counter
/// that went down between the samples (a statistics reset, an evicted statement) is never
/// read as negative: the figure is left out and the reason is in
/// [`Collected::unavailable`].
///
/// # Errors
/// [`Error::Period`] when the later sample is not after the earlier one.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_postgres::{DatabaseCounters, Options, Sample, snapshot};
/// let mut a = Sample::new(Duration::from_secs(1_000), 150_000);
/// let counters = |xact_commit, blks_hit, blks_read| DatabaseCounters {
///     xact_commit,
///     blks_hit,
///     blks_read,
///     ..Default::default()
/// };
/// a.database = Some(counters(1_000, 9_900, 100));
/// let mut b = Sample::new(Duration::from_secs(1_060), 150_000);
/// b.database = Some(counters(28_000, 108_900, 1_100));
/// let c = snapshot(&a, &b, &Options::default())?;
/// // 27,000 commits in 60 s; 99,000 of 100,000 block reads were hits.
/// assert_eq!(c.snapshot.db_transaction_rate.map(|r| r.as_per_second()), Some(450.0));
/// assert_eq!(c.snapshot.db_buffer_hit_ratio.map(|r| r.as_fraction()), Some(0.99));
/// # Ok::<(), scalability_advisor_postgres::Error>(())
/// ```
pub fn snapshot(earlier: &Sample, later: &Sample, options: &Options) -> Result<Collected, Error> {
    let period = later
        .at
        .checked_sub(earlier.at)
        .filter(|p| !p.is_zero())
        .ok_or(Error::Period {
            earlier: earlier.at,
            later: later.at,
        })?;
    let secs = period.as_secs_f64();
    let mut s = MetricsSnapshot::default();
    let mut unavailable = later.unavailable.clone();
    let reset = earlier.stats_reset != later.stats_reset;

    // Database counters.
    match (&earlier.database, &later.database) {
        (Some(a), Some(b)) if !reset => {
            let d = |x: fn(&crate::DatabaseCounters) -> u64| delta(x(a), x(b));
            if let (Some(c), Some(r)) = (d(|c| c.xact_commit), d(|c| c.xact_rollback)) {
                s.db_transaction_rate = Rate::from_per_second((f(c) + f(r)) / secs).ok();
            }
            if let (Some(hit), Some(read)) = (d(|c| c.blks_hit), d(|c| c.blks_read)) {
                if hit.saturating_add(read) >= MIN_BLOCKS {
                    s.db_buffer_hit_ratio = ratio(f(hit), f(hit) + f(read));
                } else {
                    unavailable.push(Unavailable {
                        statistic: "db_buffer_hit_ratio",
                        reason: format!(
                            "only {} block reads in the period, fewer than the {MIN_BLOCKS} a ratio needs",
                            hit.saturating_add(read)
                        ),
                        enable: "sample over a longer period, or while the application is under load",
                    });
                }
            }
            s.db_deadlocks = d(|c| c.deadlocks).map(Count::new);
            let reads = d(|c| c.tup_returned).zip(d(|c| c.tup_fetched));
            let writes = d(|c| c.tup_inserted)
                .zip(d(|c| c.tup_updated))
                .zip(d(|c| c.tup_deleted));
            if let (Some((ret, fet)), Some(((ins, upd), del))) = (reads, writes) {
                let r = f(ret) + f(fet);
                let all = r + f(ins) + f(upd) + f(del);
                if all >= f(MIN_STATEMENTS) {
                    s.db_read_share_rows = ratio(r, all);
                }
            }
        }
        (Some(_), Some(_)) => unavailable.push(Unavailable {
            statistic: "database counters",
            reason: "the statistics were reset between the two samples".into(),
            enable: "take the two samples again",
        }),
        _ => {}
    }

    // Gauges at the later sample.
    if let Some(c) = later.connections {
        s.db_connections = Some(Connections::new(c.open));
        s.db_pool_size = Some(Connections::new(c.max));
        if c.active > 0 {
            s.db_lock_wait_share = ratio(f(u64::from(c.waiting_on_locks)), f(u64::from(c.active)));
        }
    }
    s.replica_lag = later.replica_lag;

    tables(earlier, later, period, options, &mut s, &mut unavailable)?;
    statements(earlier, later, period, options, &mut s, &mut unavailable)?;

    // Block read time over statement time.
    if let (Some(a), Some(b), Some(stmt_ms)) =
        (&earlier.database, &later.database, total_ms(earlier, later))
    {
        if !later.track_io_timing {
            unavailable.push(Unavailable {
                statistic: "db_io_read_share",
                reason: "track_io_timing is off, so block read times are not measured".into(),
                enable: ENABLE_IO_TIMING,
            });
        } else if let Some(read_ms) =
            delta_f(a.blk_read_time_ms, b.blk_read_time_ms).filter(|_| !reset)
        {
            s.db_io_read_share = ratio(read_ms, stmt_ms);
        }
    }

    // WAL write latency.
    match (&earlier.wal, &later.wal) {
        (Some(a), Some(b)) if later.track_wal_io_timing => {
            if let (Some(n), Some(ms)) = (
                delta(a.writes, b.writes),
                delta_f(a.write_time_ms, b.write_time_ms),
            ) && n > 0
            {
                s.wal_write_latency = Duration::try_from_secs_f64(ms / f(n) / 1_000.0).ok();
            }
        }
        (Some(_), Some(_)) => unavailable.push(Unavailable {
            statistic: "wal_write_latency",
            reason: "track_wal_io_timing is off, so WAL write times are not measured".into(),
            enable: ENABLE_WAL_TIMING,
        }),
        _ => {}
    }

    Ok(Collected {
        snapshot: s,
        period,
        unavailable,
    })
}

/// Total statement execution time over the period, in milliseconds.
fn total_ms(earlier: &Sample, later: &Sample) -> Option<f64> {
    let (a, b) = (earlier.statements.as_ref()?, later.statements.as_ref()?);
    let before: std::collections::HashMap<i64, &StatementCounters> =
        a.iter().map(|s| (s.queryid, s)).collect();
    let mut total = 0.0;
    for s in b {
        let prior = before.get(&s.queryid).map_or(0.0, |p| p.total_time_ms);
        total += delta_f(prior, s.total_time_ms).unwrap_or(0.0);
    }
    (total > 0.0).then_some(total)
}

fn tables(
    earlier: &Sample,
    later: &Sample,
    period: Duration,
    options: &Options,
    s: &mut MetricsSnapshot,
    unavailable: &mut Vec<Unavailable>,
) -> Result<(), Error> {
    if later.tables.is_empty() && earlier.tables.is_empty() {
        return Ok(());
    }
    let before: std::collections::HashMap<&str, &crate::TableCounters> = earlier
        .tables
        .iter()
        .map(|t| (t.name.as_str(), t))
        .collect();
    let mut reset_tables = 0usize;
    let mut rows: Vec<(u64, TableStats)> = Vec::with_capacity(later.tables.len());
    let (mut live, mut dead) = (0u64, 0u64);
    let mut max_scans: Option<u64> = None;
    for t in &later.tables {
        live = live.saturating_add(t.live_rows);
        dead = dead.saturating_add(t.dead_rows);
        let mut stats = TableStats::new(EntityName::new(EntityKind::Table, t.name.clone())?)
            .with_rows(Count::new(t.live_rows))
            .with_dead_rows(Count::new(t.dead_rows))
            .with_size(Bytes::from_bytes(t.size_bytes));
        let mut weight = 0;
        // A table new since the earlier sample counts from zero.
        let prior = before
            .get(t.name.as_str())
            .copied()
            .cloned()
            .unwrap_or_default();
        match (
            delta(prior.seq_scan, t.seq_scan),
            delta(prior.seq_tup_read, t.seq_tup_read),
            delta(prior.idx_scan, t.idx_scan),
        ) {
            (Some(seq), Some(read), Some(idx)) => {
                stats = stats
                    .with_seq_scans(Count::new(seq))
                    .with_seq_rows_read(Count::new(read))
                    .with_index_scans(Count::new(idx))
                    .with_period(period);
                weight = read;
                max_scans = Some(max_scans.map_or(seq, |m| m.max(seq)));
            }
            _ => reset_tables += 1,
        }
        rows.push((weight, stats));
    }
    if reset_tables > 0 {
        unavailable.push(Unavailable {
            statistic: "tables",
            reason: format!(
                "the counters of {reset_tables} table(s) went down between the samples (a statistics reset); their scans are left out"
            ),
            enable: "take the two samples again",
        });
    }
    // The heaviest first when there are more than the limit; list order otherwise kept.
    let keep = options.max_tables.min(Entities::<TableStats>::MAX);
    if rows.len() > keep {
        rows.sort_by_key(|r| core::cmp::Reverse(r.0));
        rows.truncate(keep);
    }
    s.tables = Some(Entities::new(rows.into_iter().map(|(_, t)| t).collect())?);
    s.db_max_seq_scans = max_scans.map(Count::new);
    s.db_bloat_share = ratio(f(dead), f(live.saturating_add(dead)));
    Ok(())
}

fn statements(
    earlier: &Sample,
    later: &Sample,
    period: Duration,
    options: &Options,
    s: &mut MetricsSnapshot,
    unavailable: &mut Vec<Unavailable>,
) -> Result<(), Error> {
    let (Some(a), Some(b)) = (&earlier.statements, &later.statements) else {
        return Ok(());
    };
    let before: std::collections::HashMap<i64, &StatementCounters> =
        a.iter().map(|s| (s.queryid, s)).collect();
    struct Row<'a> {
        c: &'a StatementCounters,
        calls: u64,
        ms: f64,
        rows: u64,
    }
    let mut out: Vec<Row<'_>> = Vec::new();
    let mut evicted = 0usize;
    for c in b {
        let zero = StatementCounters::default();
        let p = before.get(&c.queryid).copied().unwrap_or(&zero);
        match (
            delta(p.calls, c.calls),
            delta_f(p.total_time_ms, c.total_time_ms),
            delta(p.rows, c.rows),
        ) {
            (Some(calls), Some(ms), Some(rows)) if calls > 0 => {
                out.push(Row { c, calls, ms, rows })
            }
            (Some(_), Some(_), Some(_)) => {}
            _ => evicted += 1,
        }
    }
    if evicted > 0 {
        unavailable.push(Unavailable {
            statistic: "statements",
            reason: format!(
                "{evicted} statement(s) were reset or evicted between the samples and are left out"
            ),
            enable: "raise pg_stat_statements.max if entries are evicted, or take the two samples again",
        });
    }
    let total: f64 = out.iter().map(|r| r.ms).sum();
    let (mut reads, mut writes) = (0u64, 0u64);
    let mut slowest_mean: Option<f64> = None;
    let mut slowest_max: Option<f64> = None;
    for r in &out {
        match is_read(&r.c.query) {
            Some(true) => reads = reads.saturating_add(r.calls),
            Some(false) => writes = writes.saturating_add(r.calls),
            None => {}
        }
        let mean = r.ms / f(r.calls);
        slowest_mean = Some(slowest_mean.map_or(mean, |m| m.max(mean)));
        slowest_max = Some(slowest_max.map_or(r.c.max_time_ms, |m| m.max(r.c.max_time_ms)));
    }
    if reads.saturating_add(writes) >= MIN_STATEMENTS {
        s.db_read_share = ratio(f(reads), f(reads) + f(writes));
    } else {
        unavailable.push(Unavailable {
            statistic: "db_read_share",
            reason: format!(
                "only {} reading or writing statement(s) ran in the period, fewer than the {MIN_STATEMENTS} a share needs",
                reads.saturating_add(writes)
            ),
            enable: "sample over a longer period, or while the application is under load",
        });
    }
    s.primary_write_throughput = Rate::from_per_second(f(writes) / period.as_secs_f64()).ok();
    s.slowest_query_time = slowest_mean.and_then(|ms| Duration::try_from_secs_f64(ms / 1e3).ok());
    s.slowest_query_max_time =
        slowest_max.and_then(|ms| Duration::try_from_secs_f64(ms / 1e3).ok());
    out.sort_by(|x, y| y.ms.total_cmp(&x.ms));
    out.truncate(options.top_statements.min(Entities::<StatementStats>::MAX));
    let mut list = Vec::with_capacity(out.len());
    let mut seen = std::collections::HashSet::new();
    for r in out {
        // Two query ids can share a text (different users or search paths): name the
        // heavier one only, so names stay unique.
        let text: String = r.c.query.chars().take(crate::MAX_QUERY_CHARS).collect();
        let text = if text.is_empty() {
            format!("queryid {}", r.c.queryid)
        } else {
            text
        };
        if !seen.insert(text.clone()) {
            continue;
        }
        let mut st = StatementStats::new(EntityName::new(EntityKind::Statement, text)?)
            .with_calls(Count::new(r.calls))
            .with_rows(Count::new(r.rows))
            .with_period(period);
        st.mean_time = Duration::try_from_secs_f64(r.ms / f(r.calls) / 1e3).ok();
        st.max_time = Duration::try_from_secs_f64(r.c.max_time_ms / 1e3).ok();
        st.time_share = ratio(r.ms, total);
        list.push(st);
    }
    s.statements = Some(Entities::new(list)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConnectionGauges, DatabaseCounters, TableCounters, WalCounters};

    fn at(secs: u64) -> Sample {
        let mut s = Sample::new(Duration::from_secs(secs), 150_004);
        s.stats_reset = Some("2026-11-29 10:00:00+00".into());
        s.track_io_timing = true;
        s.track_wal_io_timing = true;
        s
    }

    fn table(name: &str, live: u64, seq: u64, read: u64, idx: u64) -> TableCounters {
        TableCounters {
            name: name.into(),
            live_rows: live,
            dead_rows: 0,
            size_bytes: 8_192,
            seq_scan: seq,
            seq_tup_read: read,
            idx_scan: idx,
        }
    }

    fn stmt(id: i64, q: &str, calls: u64, ms: f64, max: f64) -> StatementCounters {
        StatementCounters {
            queryid: id,
            query: q.into(),
            calls,
            total_time_ms: ms,
            max_time_ms: max,
            rows: calls,
        }
    }

    #[test]
    fn the_trial_reads_as_issue_15_describes_it() {
        // Hand calculation: over 60 s, `events` (500,000 rows, no index) was scanned 1,107
        // times reading 184.5M rows; the 10-row branches table 2,079 times.
        let mut a = at(1_000);
        a.tables = vec![
            table("public.events", 500_000, 100, 1_000_000, 0),
            table("public.pgbench_branches", 10, 50, 500, 0),
        ];
        a.statements = Some(vec![
            stmt(
                1,
                "SELECT * FROM events WHERE customer_id = $1",
                100,
                16_100.0,
                900.0,
            ),
            stmt(
                2,
                "UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2",
                1_000,
                4_000.0,
                300.0,
            ),
            stmt(3, "BEGIN", 1_000, 10.0, 1.0),
        ]);
        let mut b = at(1_060);
        b.tables = vec![
            table("public.events", 500_000, 1_207, 185_500_000, 0),
            table("public.pgbench_branches", 10, 2_129, 21_290, 0),
        ];
        b.statements = Some(vec![
            stmt(
                1,
                "SELECT * FROM events WHERE customer_id = $1",
                1_207,
                194_327.0,
                1_250.0,
            ),
            stmt(
                2,
                "UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2",
                28_000,
                114_700.0,
                310.0,
            ),
            stmt(3, "BEGIN", 28_000, 280.0, 1.0),
        ]);
        b.connections = Some(ConnectionGauges {
            open: 30,
            max: 40,
            active: 20,
            waiting_on_locks: 6,
        });
        let c = snapshot(&a, &b, &Options::default()).unwrap();
        let s = &c.snapshot;
        let events = s.tables.as_ref().unwrap().find("public.events").unwrap();
        assert_eq!(events.seq_scans, Some(Count::new(1_107)));
        assert_eq!(events.seq_rows_read, Some(Count::new(184_500_000)));
        assert_eq!(events.index_scans, Some(Count::new(0)));
        assert_eq!(events.period, Some(Duration::from_secs(60)));
        assert_eq!(s.db_max_seq_scans, Some(Count::new(2_079)));
        // 1,107 reads and 27,000 writes by statements (BEGIN is neither): 3.9% reads.
        let share = s.db_read_share.unwrap().as_fraction();
        assert!((share - 1_107.0 / 28_107.0).abs() < 1e-12, "{share}");
        // Mean of the SELECT over the period: 178,227 ms / 1,107 calls = 161 ms.
        assert_eq!(s.slowest_query_time, Some(Duration::from_millis(161)));
        assert_eq!(s.slowest_query_max_time, Some(Duration::from_millis(1_250)));
        assert_eq!(s.db_pool_usage().map(Ratio::as_fraction), Some(0.75));
        assert_eq!(s.db_lock_wait_share.map(Ratio::as_fraction), Some(0.3));
        // 27,000 UPDATE calls in 60 s.
        assert_eq!(
            s.primary_write_throughput.map(Rate::as_per_second),
            Some(450.0)
        );
        let st = s.statements.as_ref().unwrap();
        assert_eq!(
            st.as_slice()[0].query.as_str(),
            "SELECT * FROM events WHERE customer_id = $1"
        );
        assert_eq!(st.as_slice()[0].calls, Some(Count::new(1_107)));
        assert!(c.unavailable.is_empty(), "{:?}", c.unavailable);
    }

    #[test]
    fn counters_that_go_down_are_never_negative() {
        let mut a = at(0);
        a.database = Some(DatabaseCounters {
            xact_commit: 500,
            ..Default::default()
        });
        a.tables = vec![table("public.t", 10, 900, 9_000, 5)];
        a.statements = Some(vec![stmt(1, "SELECT 1", 100, 100.0, 2.0)]);
        let mut b = at(60);
        b.database = Some(DatabaseCounters {
            xact_commit: 20,
            ..Default::default()
        });
        b.stats_reset = Some("2026-11-29 10:00:30+00".into());
        b.tables = vec![table("public.t", 10, 3, 30, 0)];
        b.statements = Some(vec![stmt(1, "SELECT 1", 3, 3.0, 1.0)]);
        let c = snapshot(&a, &b, &Options::default()).unwrap();
        let s = &c.snapshot;
        assert_eq!(s.db_transaction_rate, None);
        assert_eq!(s.tables.as_ref().unwrap().as_slice()[0].seq_scans, None);
        assert_eq!(
            s.tables.as_ref().unwrap().as_slice()[0].rows,
            Some(Count::new(10))
        );
        assert!(s.statements.as_ref().unwrap().is_empty());
        let what: Vec<&str> = c.unavailable.iter().map(|u| u.statistic).collect();
        // The evicted statement leaves no call to compute a read share from.
        assert_eq!(
            what,
            ["database counters", "tables", "statements", "db_read_share"]
        );
    }

    #[test]
    fn missing_timing_says_how_to_enable_it() {
        let mut a = at(0);
        a.database = Some(DatabaseCounters::default());
        a.statements = Some(vec![stmt(1, "SELECT 1", 0, 0.0, 0.0)]);
        a.wal = Some(WalCounters::default());
        let mut b = at(10);
        b.database = Some(DatabaseCounters {
            blk_read_time_ms: 0.0,
            ..Default::default()
        });
        b.statements = Some(vec![stmt(1, "SELECT 1", 10, 50.0, 9.0)]);
        b.wal = Some(WalCounters {
            writes: 10,
            write_time_ms: 0.0,
        });
        b.track_io_timing = false;
        b.track_wal_io_timing = false;
        let c = snapshot(&a, &b, &Options::default()).unwrap();
        let found: Vec<(&str, &str)> = c
            .unavailable
            .iter()
            .filter(|u| u.statistic == "db_io_read_share" || u.statistic == "wal_write_latency")
            .map(|u| (u.statistic, u.enable))
            .collect();
        assert_eq!(
            found,
            [
                ("db_io_read_share", ENABLE_IO_TIMING),
                ("wal_write_latency", ENABLE_WAL_TIMING)
            ]
        );
        // With timing on: 40 ms of reads in 50 ms of statements; 20 ms for 10 WAL writes.
        b.track_io_timing = true;
        b.track_wal_io_timing = true;
        b.database = Some(DatabaseCounters {
            blk_read_time_ms: 40.0,
            ..Default::default()
        });
        b.wal = Some(WalCounters {
            writes: 10,
            write_time_ms: 20.0,
        });
        let c = snapshot(&a, &b, &Options::default()).unwrap();
        assert_eq!(
            c.snapshot.db_io_read_share.map(Ratio::as_fraction),
            Some(0.8)
        );
        assert_eq!(c.snapshot.wal_write_latency, Some(Duration::from_millis(2)));
    }

    #[test]
    fn shares_need_enough_work_to_mean_something() {
        // 99 reading calls: no share; 100: a share. 999 block reads: no ratio; 1,000: one.
        let mut a = at(0);
        a.database = Some(DatabaseCounters::default());
        a.statements = Some(vec![stmt(1, "SELECT 1", 0, 0.0, 0.0)]);
        let mut b = at(10);
        b.database = Some(DatabaseCounters {
            blks_hit: 999,
            ..Default::default()
        });
        b.statements = Some(vec![stmt(1, "SELECT 1", 99, 9.9, 1.0)]);
        let c = snapshot(&a, &b, &Options::default()).unwrap();
        assert_eq!(c.snapshot.db_read_share, None);
        assert_eq!(c.snapshot.db_buffer_hit_ratio, None);
        let what: Vec<&str> = c.unavailable.iter().map(|u| u.statistic).collect();
        assert!(what.contains(&"db_read_share") && what.contains(&"db_buffer_hit_ratio"));
        b.database = Some(DatabaseCounters {
            blks_hit: 1_000,
            ..Default::default()
        });
        b.statements = Some(vec![stmt(1, "SELECT 1", 100, 10.0, 1.0)]);
        let c = snapshot(&a, &b, &Options::default()).unwrap();
        assert_eq!(c.snapshot.db_read_share.map(Ratio::as_fraction), Some(1.0));
        assert_eq!(
            c.snapshot.db_buffer_hit_ratio.map(Ratio::as_fraction),
            Some(1.0)
        );
    }

    #[test]
    fn a_period_must_be_positive() {
        assert!(matches!(
            snapshot(&at(10), &at(10), &Options::default()),
            Err(Error::Period { .. })
        ));
        assert!(snapshot(&at(10), &at(5), &Options::default()).is_err());
    }

    #[test]
    fn statements_are_classified_by_their_first_keyword() {
        assert_eq!(is_read("  select 1"), Some(true));
        assert_eq!(is_read("/* app */ SELECT 1"), Some(true));
        assert_eq!(is_read("-- x\nUPDATE t SET a = 1"), Some(false));
        assert_eq!(is_read("WITH x AS (SELECT 1) SELECT * FROM x"), Some(true));
        assert_eq!(
            is_read("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"),
            Some(false)
        );
        assert_eq!(is_read("BEGIN"), None);
        assert_eq!(is_read(""), None);
    }

    #[test]
    fn only_the_heaviest_tables_are_kept_past_the_limit() {
        let mut a = at(0);
        a.tables = (0..5)
            .map(|i| table(&format!("public.t{i}"), 1, 0, 0, 0))
            .collect();
        let mut b = at(60);
        b.tables = (0..5)
            .map(|i| table(&format!("public.t{i}"), 1, 1, i * 10, 0))
            .collect();
        let c = snapshot(
            &a,
            &b,
            &Options {
                max_tables: 2,
                ..Options::default()
            },
        )
        .unwrap();
        let names: Vec<&str> = c
            .snapshot
            .tables
            .as_ref()
            .unwrap()
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["public.t4", "public.t3"]);
    }
}
