//! Reads a PostgreSQL server's statistics into a
//! [`MetricsSnapshot`](scalability_advisor_core::MetricsSnapshot) for scalability-advisor: the
//! database's metrics, and the tables and statements named, so that a finding can say which
//! table lacks an index and which statement is slow.
//!
//! Two [`Sample`]s some time apart become one snapshot of the period between them
//! ([`snapshot`]): rates and per-period counts come from the difference of cumulative
//! counters, and a counter that went down (a statistics reset, an evicted statement) is left
//! out and reported, never read as a negative number. The arithmetic is pure and works on
//! samples built by hand; [`Collector`] reads samples from a live server with plain SQL.
//!
//! - **Read-only, SQL only**: works on managed databases; the `pg_monitor` role is enough.
//!   `pg_stat_statements` is never reset.
//! - **What is missing says how to enable it**: [`Collected::unavailable`] lists each
//!   statistic that could not be read with the setting or command that provides it
//!   (`shared_preload_libraries` and `CREATE EXTENSION pg_stat_statements`,
//!   `track_io_timing`, `track_wal_io_timing`).
//! - **Versions**: PostgreSQL 13 to 17; 12 with the older `pg_stat_statements` column
//!   names; WAL write latency on 14 to 17 (`pg_stat_wal`).
//! - **Blocking**: the client is the synchronous [`postgres`] crate, which runs its own small
//!   runtime inside; callers need no async runtime.
//!
//! | snapshot key | source |
//! |---|---|
//! | `db_connections`, `db_pool_size` | client connections in `pg_stat_activity` against `max_connections` |
//! | `db_lock_wait_share` | active client connections waiting for a lock, at the later sample |
//! | `db_transaction_rate` | commits and rollbacks (`pg_stat_database`) per second |
//! | `db_buffer_hit_ratio` | `blks_hit / (blks_hit + blks_read)` over the period |
//! | `db_deadlocks` | `deadlocks` over the period |
//! | `db_read_share` | calls of reading statements over calls of reading and writing ones (`pg_stat_statements`) |
//! | `primary_write_throughput` | calls of writing statements (`INSERT`, `UPDATE`, `DELETE`, `MERGE`, `COPY`) per second |
//! | `db_read_share_rows` | rows returned and fetched over those plus rows inserted, updated, deleted |
//! | `slowest_query_time` | the largest mean execution time over the period |
//! | `slowest_query_max_time` | the largest `max_exec_time` (since the entry was created) |
//! | `db_max_seq_scans`, `tables` | `pg_stat_user_tables`: scans and rows read over the period, live and dead rows; size from the catalog's page counts (no lock taken) |
//! | `db_bloat_share` | dead rows over all rows of the user tables (an estimate of bloat) |
//! | `statements` | the heaviest statements by execution time over the period ([`Options::top_statements`]) |
//! | `db_io_read_share` | block read time (`track_io_timing`) over statement execution time |
//! | `wal_write_latency` | `wal_write_time / wal_write` over the period (`track_wal_io_timing`) |
//! | `replica_lag` | the slowest replica's `replay_lag`, 0 for a replica that replayed all it was sent |
//!
//! # Examples
//! ```
//! use core::time::Duration;
//! use scalability_advisor_postgres::{Options, Sample, TableCounters, snapshot};
//! let table = |seq_scan, seq_tup_read| TableCounters {
//!     name: "public.events".into(),
//!     live_rows: 500_000,
//!     seq_scan,
//!     seq_tup_read,
//!     ..TableCounters::default()
//! };
//! let mut first = Sample::new(Duration::from_secs(1_000), 150_004);
//! first.tables = vec![table(100, 1_000_000)];
//! let mut second = Sample::new(Duration::from_secs(1_060), 150_004);
//! second.tables = vec![table(1_207, 185_500_000)];
//! let c = snapshot(&first, &second, &Options::default())?;
//! let events = &c.snapshot.tables.as_ref().unwrap().as_slice()[0];
//! assert_eq!(events.seq_scans.map(|n| n.get()), Some(1_107));
//! assert_eq!(events.period, Some(Duration::from_secs(60)));
//! # Ok::<(), scalability_advisor_postgres::Error>(())
//! ```

#![forbid(unsafe_code)]
#![cfg_attr(docsrs_advisor, feature(doc_cfg))]

mod collect;
mod diff;
mod sample;

pub use collect::Collector;
pub use diff::{Collected, MIN_BLOCKS, MIN_STATEMENTS, Options, snapshot};
pub use sample::{
    ConnectionGauges, DatabaseCounters, Sample, StatementCounters, TableCounters, Unavailable,
    WalCounters,
};
pub use scalability_advisor_core;

use core::time::Duration;

/// Longest statement text kept, in characters (longer normalised texts are cut).
pub const MAX_QUERY_CHARS: usize = 1_024;

/// What can go wrong reading a server.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_postgres::{Error, Options, Sample, snapshot};
/// let s = Sample::new(Duration::from_secs(5), 150_000);
/// let err = snapshot(&s, &s, &Options::default()).unwrap_err();
/// assert!(matches!(err, Error::Period { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server could not be reached or refused the login.
    #[error(
        "cannot connect to PostgreSQL: {message}; check the host, port, user and password, and that the server accepts this client in pg_hba.conf"
    )]
    Connect {
        /// The client's message.
        message: String,
    },
    /// A statistics query failed.
    #[error("reading {what} failed: {message}; grant the pg_monitor role to this user")]
    Query {
        /// The view or setting read.
        what: &'static str,
        /// The server's message.
        message: String,
    },
    /// The later sample is not after the earlier one.
    #[error(
        "the second sample ({later:?} since the epoch) must be taken after the first ({earlier:?}); sample again, some seconds apart"
    )]
    Period {
        /// When the earlier sample was taken.
        earlier: Duration,
        /// When the later one was.
        later: Duration,
    },
    /// A value read does not make a valid snapshot (an empty table name, say).
    #[error(transparent)]
    Snapshot(#[from] scalability_advisor_core::Error),
}
