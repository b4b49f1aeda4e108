//! What one reading of a server holds: cumulative counters and gauges, as PostgreSQL reports
//! them, before any arithmetic. Plain data, so that samples can be stored, compared and
//! built by hand (in tests, or from another collector).

use core::time::Duration;

/// One reading of a server's statistics.
///
/// Counters are cumulative since the statistics were last reset; [`crate::snapshot`] turns two
/// samples into per-period figures.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_postgres::Sample;
/// let s = Sample::new(Duration::from_secs(1_700_000_000), 150_000);
/// assert!(s.tables.is_empty());
/// assert_eq!(s.major_version(), 15);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sample {
    /// When the sample was taken, by the server's clock, since the Unix epoch.
    pub at: Duration,
    /// `server_version_num` (150004 is 15.4).
    pub server_version: u32,
    /// `pg_stat_database.stats_reset` as text, to tell a reset between two samples.
    pub stats_reset: Option<String>,
    /// The current database's counters (`pg_stat_database`).
    pub database: Option<DatabaseCounters>,
    /// Connections and lock waits at the moment of the sample (`pg_stat_activity`).
    pub connections: Option<ConnectionGauges>,
    /// User tables (`pg_stat_user_tables`), schema-qualified.
    pub tables: Vec<TableCounters>,
    /// Statements of the current database (`pg_stat_statements`); `None` when unavailable.
    pub statements: Option<Vec<StatementCounters>>,
    /// WAL write counters (`pg_stat_wal`, PostgreSQL 14 to 17); `None` when unavailable.
    pub wal: Option<WalCounters>,
    /// Replication lag of the slowest replica, zero for a replica that has replayed all it
    /// was sent; `None` without replicas.
    pub replica_lag: Option<Duration>,
    /// Whether `track_io_timing` is on (block read times are measured).
    pub track_io_timing: bool,
    /// Whether `track_wal_io_timing` is on (WAL write times are measured).
    pub track_wal_io_timing: bool,
    /// Statistics this sample could not read, with how to enable each.
    pub unavailable: Vec<Unavailable>,
}

impl Sample {
    /// An empty sample at `at` from a server of version `server_version`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_postgres::Sample;
    /// let s = Sample::new(Duration::from_secs(60), 170_002);
    /// assert_eq!(s.at, Duration::from_secs(60));
    /// ```
    #[must_use]
    pub fn new(at: Duration, server_version: u32) -> Sample {
        Sample {
            at,
            server_version,
            ..Sample::default()
        }
    }

    /// The major version (15 for 150004).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_postgres::Sample;
    /// assert_eq!(Sample::new(Duration::ZERO, 130_012).major_version(), 13);
    /// ```
    #[must_use]
    pub const fn major_version(&self) -> u32 {
        self.server_version / 10_000
    }
}

/// Cumulative counters of one database (`pg_stat_database`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DatabaseCounters {
    /// Transactions committed.
    pub xact_commit: u64,
    /// Transactions rolled back.
    pub xact_rollback: u64,
    /// Blocks read from storage (or the OS cache).
    pub blks_read: u64,
    /// Blocks found in shared buffers.
    pub blks_hit: u64,
    /// Rows returned by sequential scans and index reads.
    pub tup_returned: u64,
    /// Rows fetched by index scans.
    pub tup_fetched: u64,
    /// Rows inserted.
    pub tup_inserted: u64,
    /// Rows updated.
    pub tup_updated: u64,
    /// Rows deleted.
    pub tup_deleted: u64,
    /// Deadlocks detected.
    pub deadlocks: u64,
    /// Time spent reading blocks, in milliseconds (0 unless `track_io_timing` is on).
    pub blk_read_time_ms: f64,
}

/// Connections and waits at the moment of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConnectionGauges {
    /// Client connections open.
    pub open: u32,
    /// `max_connections`.
    pub max: u32,
    /// Client connections running a statement.
    pub active: u32,
    /// Of those, how many wait for a lock (`wait_event_type = 'Lock'`).
    pub waiting_on_locks: u32,
}

/// One table's counters and gauges (`pg_stat_user_tables`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableCounters {
    /// Schema-qualified name (`public.events`).
    pub name: String,
    /// Live rows (`n_live_tup`, a gauge).
    pub live_rows: u64,
    /// Dead rows (`n_dead_tup`, a gauge).
    pub dead_rows: u64,
    /// Size of the table and its indexes from the catalog's page counts (`relpages`, as of
    /// the last VACUUM or ANALYZE), which reads without taking a lock on the table.
    pub size_bytes: u64,
    /// Sequential scans (`seq_scan`).
    pub seq_scan: u64,
    /// Rows read by sequential scans (`seq_tup_read`).
    pub seq_tup_read: u64,
    /// Index scans (`idx_scan`; 0 for a table without indexes).
    pub idx_scan: u64,
}

/// One statement's counters (`pg_stat_statements`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatementCounters {
    /// `queryid`.
    pub queryid: i64,
    /// The normalised text (`query`).
    pub query: String,
    /// Executions (`calls`).
    pub calls: u64,
    /// Total execution time in milliseconds (`total_exec_time`; `total_time` before 13).
    pub total_time_ms: f64,
    /// The slowest execution since the entry was created, in milliseconds
    /// (`max_exec_time`; `max_time` before 13).
    pub max_time_ms: f64,
    /// Rows returned or affected (`rows`).
    pub rows: u64,
}

/// WAL write counters (`pg_stat_wal`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WalCounters {
    /// WAL buffer writes (`wal_write`).
    pub writes: u64,
    /// Time spent writing, in milliseconds (`wal_write_time`; 0 unless
    /// `track_wal_io_timing` is on).
    pub write_time_ms: f64,
}

/// A statistic that could not be read, why, and how to make it available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    /// What is missing (a snapshot key or view).
    pub statistic: &'static str,
    /// Why.
    pub reason: String,
    /// What to do on the server to have it.
    pub enable: &'static str,
}

impl core::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}; {}", self.statistic, self.reason, self.enable)
    }
}

/// How to enable `pg_stat_statements`.
pub(crate) const ENABLE_STATEMENTS: &str = "add pg_stat_statements to shared_preload_libraries, restart the server, then run CREATE EXTENSION pg_stat_statements in this database";
/// How to enable block read timing.
pub(crate) const ENABLE_IO_TIMING: &str =
    "run ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf(); (a superuser)";
/// How to enable WAL write timing.
pub(crate) const ENABLE_WAL_TIMING: &str =
    "run ALTER SYSTEM SET track_wal_io_timing = on; SELECT pg_reload_conf(); (PostgreSQL 14 to 17)";
