//! The SQL: one read-only pass over the statistics views per sample.

use core::time::Duration;

use postgres::{Client, NoTls};

use crate::Error;
use crate::sample::{
    ConnectionGauges, DatabaseCounters, ENABLE_STATEMENTS, Sample, StatementCounters,
    TableCounters, Unavailable, WalCounters,
};

/// A connection to one database, reading its statistics.
///
/// Needs only the `pg_monitor` role (or `pg_read_all_stats`): every query reads a statistics
/// view or a setting, and nothing is ever reset or written. Supported servers: PostgreSQL 13
/// to 17 (12 works with the older `pg_stat_statements` column names; WAL timing needs 14 to
/// 17).
///
/// # Examples
/// ```no_run
/// use std::{thread, time::Duration};
/// use scalability_advisor_postgres::{Collector, Options, snapshot};
/// let mut db = Collector::connect("host=127.0.0.1 user=monitor dbname=app")?;
/// let first = db.sample()?;
/// thread::sleep(Duration::from_secs(60));
/// let second = db.sample()?;
/// let collected = snapshot(&first, &second, &Options::default())?;
/// for missing in &collected.unavailable {
///     eprintln!("{missing}");
/// }
/// # Ok::<(), scalability_advisor_postgres::Error>(())
/// ```
pub struct Collector {
    client: Client,
    version: u32,
}

impl core::fmt::Debug for Collector {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Collector")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn small(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl Collector {
    /// Connects without TLS (loopback, or a tunnel), with a libpq-style connection string
    /// (`host=... user=... dbname=...` or `postgresql://...`).
    ///
    /// # Errors
    /// [`Error::Connect`] when the server cannot be reached or refuses the login, and
    /// [`Error::Query`] when its version cannot be read.
    ///
    /// # Examples
    /// ```no_run
    /// use scalability_advisor_postgres::Collector;
    /// let db = Collector::connect("postgresql://monitor@127.0.0.1/app")?;
    /// println!("PostgreSQL {}", db.server_version() / 10_000);
    /// # Ok::<(), scalability_advisor_postgres::Error>(())
    /// ```
    pub fn connect(params: &str) -> Result<Collector, Error> {
        let client = Client::connect(params, NoTls).map_err(|e| Error::Connect {
            message: e.to_string(),
        })?;
        Collector::from_client(client)
    }

    /// Wraps a client the caller connected (with TLS, say).
    ///
    /// # Errors
    /// [`Error::Query`] when the server's version cannot be read.
    ///
    /// # Examples
    /// ```no_run
    /// use scalability_advisor_postgres::Collector;
    /// let client = postgres::Client::connect("host=127.0.0.1 user=monitor", postgres::NoTls)
    ///     .expect("connects");
    /// let db = Collector::from_client(client)?;
    /// # Ok::<(), scalability_advisor_postgres::Error>(())
    /// ```
    pub fn from_client(mut client: Client) -> Result<Collector, Error> {
        // A monitor must never queue behind the application's locks or run long: every query
        // here reads catalogs and statistics, which take no table lock, and these limits
        // guard the rest.
        client
            .batch_execute("SET lock_timeout = '2s'; SET statement_timeout = '30s'")
            .map_err(|e| query("session settings", &e))?;
        let row = client
            .query_one("SELECT current_setting('server_version_num')::int", &[])
            .map_err(|e| query("server_version_num", &e))?;
        let version: i32 = row.get(0);
        Ok(Collector {
            client,
            version: u32::try_from(version).unwrap_or(0),
        })
    }

    /// The server's `server_version_num` (150004 for 15.4).
    ///
    /// # Examples
    /// ```no_run
    /// use scalability_advisor_postgres::Collector;
    /// let db = Collector::connect("host=127.0.0.1 user=monitor")?;
    /// assert!(db.server_version() >= 120_000);
    /// # Ok::<(), scalability_advisor_postgres::Error>(())
    /// ```
    #[must_use]
    pub fn server_version(&self) -> u32 {
        self.version
    }

    /// Reads one sample of the current database's statistics.
    ///
    /// # Errors
    /// [`Error::Query`] when the server's clock and settings cannot be read (the connection is
    /// gone). After that, a view that cannot be read (a missing privilege, a dropped
    /// connection) loses only its own figures: it is listed in [`Sample::unavailable`] with
    /// the server's message, like the optional statistics (`pg_stat_statements`, WAL timing)
    /// that are not enabled.
    ///
    /// # Examples
    /// ```no_run
    /// use scalability_advisor_postgres::Collector;
    /// let mut db = Collector::connect("host=127.0.0.1 user=monitor")?;
    /// let s = db.sample()?;
    /// println!("{} tables", s.tables.len());
    /// # Ok::<(), scalability_advisor_postgres::Error>(())
    /// ```
    pub fn sample(&mut self) -> Result<Sample, Error> {
        let c = &mut self.client;
        let head = c
            .query_one(
                "SELECT extract(epoch FROM clock_timestamp())::float8,
                        current_setting('track_io_timing') = 'on',
                        coalesce(current_setting('track_wal_io_timing', true), 'off') = 'on'",
                &[],
            )
            .map_err(|e| query("clock and settings", &e))?;
        let epoch: f64 = head.get(0);
        let mut s = Sample::new(
            Duration::try_from_secs_f64(epoch).unwrap_or_default(),
            self.version,
        );
        s.track_io_timing = head.get(1);
        s.track_wal_io_timing = head.get(2);

        // From here on a failing view (a missing privilege, a dropped connection) loses only
        // its own figures, listed in `unavailable`; the rest of the sample is kept.
        let lost = |what: &'static str, e: &postgres::Error| Unavailable {
            statistic: what,
            reason: format!("reading it failed: {}", db_message(e)),
            enable: "grant the pg_monitor role to this user, and check the connection",
        };
        let db = c.query_one(
            "SELECT xact_commit, xact_rollback, blks_read, blks_hit, tup_returned,
                        tup_fetched, tup_inserted, tup_updated, tup_deleted, deadlocks,
                        blk_read_time::float8, stats_reset::text
                 FROM pg_stat_database WHERE datname = current_database()",
            &[],
        );
        match db {
            Err(e) => s.unavailable.push(lost("pg_stat_database", &e)),
            Ok(db) => {
                s.database = Some(DatabaseCounters {
                    xact_commit: count(db.get(0)),
                    xact_rollback: count(db.get(1)),
                    blks_read: count(db.get(2)),
                    blks_hit: count(db.get(3)),
                    tup_returned: count(db.get(4)),
                    tup_fetched: count(db.get(5)),
                    tup_inserted: count(db.get(6)),
                    tup_updated: count(db.get(7)),
                    tup_deleted: count(db.get(8)),
                    deadlocks: count(db.get(9)),
                    blk_read_time_ms: db.get(10),
                });
                s.stats_reset = db.get(11);
            }
        }

        let act = c.query_one(
            "SELECT count(*),
                        count(*) FILTER (WHERE state = 'active'),
                        count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock'),
                        current_setting('max_connections')::int8
                 FROM pg_stat_activity
                 WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
            &[],
        );
        match act {
            Err(e) => s.unavailable.push(lost("pg_stat_activity", &e)),
            Ok(act) => {
                s.connections = Some(ConnectionGauges {
                    // The collector's own connection counts as open.
                    open: small(act.get::<_, i64>(0) + 1),
                    active: small(act.get(1)),
                    waiting_on_locks: small(act.get(2)),
                    max: small(act.get(3)),
                });
            }
        }

        let rows = c.query(
            "SELECT t.schemaname || '.' || t.relname, coalesce(t.n_live_tup, 0),
                        coalesce(t.n_dead_tup, 0),
                        (c.relpages::int8 + coalesce((SELECT sum(i.relpages)::int8
                             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                             WHERE x.indrelid = c.oid), 0))
                          * current_setting('block_size')::int8,
                        coalesce(t.seq_scan, 0), coalesce(t.seq_tup_read, 0),
                        coalesce(t.idx_scan, 0)
                 FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid
                 ORDER BY coalesce(t.seq_tup_read, 0) DESC
                 LIMIT 10000",
            &[],
        );
        let rows = rows.unwrap_or_else(|e| {
            s.unavailable.push(lost("pg_stat_user_tables", &e));
            Vec::new()
        });
        s.tables = rows
            .iter()
            .map(|r| TableCounters {
                name: r.get(0),
                live_rows: count(r.get(1)),
                dead_rows: count(r.get(2)),
                size_bytes: count(r.get(3)),
                seq_scan: count(r.get(4)),
                seq_tup_read: count(r.get(5)),
                idx_scan: count(r.get(6)),
            })
            .collect();

        s.statements = self.statements(&mut s.unavailable);
        s.wal = self.wal(&mut s.unavailable);

        let lag = self.client.query_one(
            "SELECT max(CASE WHEN replay_lsn IS NOT DISTINCT FROM sent_lsn THEN 0
                                 ELSE extract(epoch FROM replay_lag) END)::float8
                 FROM pg_stat_replication",
            &[],
        );
        match lag {
            Err(e) => s.unavailable.push(lost("pg_stat_replication", &e)),
            Ok(lag) => {
                s.replica_lag = lag
                    .get::<_, Option<f64>>(0)
                    .and_then(|secs| Duration::try_from_secs_f64(secs).ok());
            }
        }
        Ok(s)
    }

    /// `pg_stat_statements` of the current database, or why not. Statements that read the
    /// statistics views (this collector's own, and other monitors') are left out.
    fn statements(&mut self, unavailable: &mut Vec<Unavailable>) -> Option<Vec<StatementCounters>> {
        let installed = self
            .client
            .query_one(
                "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'",
                &[],
            )
            .map(|r| r.get::<_, i64>(0) > 0)
            .unwrap_or(false);
        if !installed {
            unavailable.push(Unavailable {
                statistic: "statements",
                reason: "the pg_stat_statements extension is not installed in this database".into(),
                enable: ENABLE_STATEMENTS,
            });
            return None;
        }
        let (total, max) = statement_time_columns(self.version);
        // pg_stat_statements keeps one entry per statement, role and nesting level: the same
        // statement run by two roles is two entries with one queryid. Summed per queryid here,
        // so that the two samples pair up by queryid alone.
        let sql = format!(
            "SELECT queryid, min(query), sum(calls)::int8, sum({total})::float8,
                    max({max})::float8, sum(rows)::int8
             FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND queryid IS NOT NULL
               AND query NOT LIKE '%pg\\_stat\\_%'
             GROUP BY queryid
             ORDER BY sum({total}) DESC
             LIMIT 5000"
        );
        match self.client.query(sql.as_str(), &[]) {
            Ok(rows) => Some(
                rows.iter()
                    .map(|r| StatementCounters {
                        queryid: r.get(0),
                        query: r.get::<_, Option<String>>(1).unwrap_or_default(),
                        calls: count(r.get(2)),
                        total_time_ms: r.get(3),
                        max_time_ms: r.get(4),
                        rows: count(r.get(5)),
                    })
                    .collect(),
            ),
            Err(e) => {
                unavailable.push(Unavailable {
                    statistic: "statements",
                    reason: format!("pg_stat_statements cannot be read: {}", db_message(&e)),
                    enable: ENABLE_STATEMENTS,
                });
                None
            }
        }
    }

    /// `pg_stat_wal` (PostgreSQL 14 to 17), or why not.
    fn wal(&mut self, unavailable: &mut Vec<Unavailable>) -> Option<WalCounters> {
        if !wal_times_in_pg_stat_wal(self.version) {
            unavailable.push(Unavailable {
                statistic: "wal_write_latency",
                reason: format!(
                    "pg_stat_wal has WAL write times on PostgreSQL 14 to 17, this server is {}",
                    self.version / 10_000
                ),
                enable: "read WAL write latency from the server's I/O statistics instead",
            });
            return None;
        }
        match self.client.query_one(
            "SELECT wal_write, wal_write_time::float8 FROM pg_stat_wal",
            &[],
        ) {
            Ok(r) => Some(WalCounters {
                writes: count(r.get(0)),
                write_time_ms: r.get(1),
            }),
            Err(e) => {
                unavailable.push(Unavailable {
                    statistic: "wal_write_latency",
                    reason: format!("pg_stat_wal cannot be read: {}", db_message(&e)),
                    enable: "grant the pg_monitor role",
                });
                None
            }
        }
    }
}

/// The columns of `pg_stat_statements` with a statement's total and largest execution time:
/// version 1.8 of the extension (PostgreSQL 13) renamed `total_time` and `max_time` to
/// `total_exec_time` and `max_exec_time`, when it began timing planning apart.
fn statement_time_columns(version: u32) -> (&'static str, &'static str) {
    if version >= 130_000 {
        ("total_exec_time", "max_exec_time")
    } else {
        ("total_time", "max_time")
    }
}

/// Whether `pg_stat_wal` has `wal_write` and `wal_write_time`: the view came with
/// PostgreSQL 14, and 18 moved WAL I/O into `pg_stat_io`.
fn wal_times_in_pg_stat_wal(version: u32) -> bool {
    (140_000..180_000).contains(&version)
}

/// The server's own message when there is one.
fn db_message(e: &postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| e.to_string(), |d| d.message().to_owned())
}

fn query(what: &'static str, e: &postgres::Error) -> Error {
    Error::Query {
        what,
        message: db_message(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_times_are_read_from_the_columns_of_each_version() {
        // PostgreSQL 12 (pg_stat_statements 1.7) and 13 to 17 (1.8 and later).
        assert_eq!(statement_time_columns(120_016), ("total_time", "max_time"));
        for v in [130_000, 140_011, 150_004, 160_002, 170_000] {
            assert_eq!(
                statement_time_columns(v),
                ("total_exec_time", "max_exec_time"),
                "{v}"
            );
        }
    }

    #[test]
    fn wal_write_times_are_read_only_where_pg_stat_wal_has_them() {
        for (v, has) in [
            (130_012, false),
            (140_000, true),
            (150_004, true),
            (160_002, true),
            (170_004, true),
            (180_000, false),
        ] {
            assert_eq!(wal_times_in_pg_stat_wal(v), has, "{v}");
        }
    }
}
