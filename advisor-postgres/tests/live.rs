//! Against a real server, one test at a time (`--test-threads=1`: they read server-wide
//! figures): `scripts/postgres-test-server.sh start` prints the connection
//! strings; `.ci/run` starts it and runs these with `--ignored`. Expectations come from the
//! workload each test runs (the counts it issues), not from the collector's output.

use std::time::Duration;

use postgres::{Client, NoTls};
use scalability_advisor_postgres::{Collector, Options, snapshot};
use scalability_advisor_rules::scalability_advisor_core::{History, Remedy, units::Count};
use scalability_advisor_rules::{Engine, StepKey, assess};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run `eval \"$(scripts/postgres-test-server.sh start)\"` first")
    })
}

/// Makes the server publish this connection's statistics now (PostgreSQL 15 and later keep
/// them in the backend for up to a second).
fn flush(c: &mut Client) {
    let _ = c.batch_execute("SELECT pg_stat_force_next_flush()");
}

#[test]
#[ignore = "needs a PostgreSQL server: scripts/postgres-test-server.sh"]
fn an_unindexed_table_is_named_and_comes_first_in_the_plan() {
    let mut admin = Client::connect(&env("ADVISOR_PG_ADMIN"), NoTls).unwrap();
    admin
        .batch_execute(
            "DROP TABLE IF EXISTS events, settings;
             CREATE TABLE events (id bigserial PRIMARY KEY, customer_id int, payload text);
             INSERT INTO events (customer_id, payload)
               SELECT g % 1000, repeat('x', 40) FROM generate_series(1, 20000) g;
             CREATE TABLE settings (name text, value text);
             INSERT INTO settings SELECT 'k' || g, 'v' FROM generate_series(1, 10) g;
             ANALYZE events; ANALYZE settings;",
        )
        .unwrap();
    flush(&mut admin);
    std::thread::sleep(Duration::from_millis(1_100));
    let mut db = Collector::connect(&env("ADVISOR_PG_MONITOR")).unwrap();
    let first = db.sample().unwrap();
    // 40 lookups of `events` by the unindexed column, 100 reads of the 10-row table.
    for i in 0..40 {
        admin
            .query("SELECT * FROM events WHERE customer_id = $1", &[&i])
            .unwrap();
    }
    for _ in 0..100 {
        admin.query("SELECT * FROM settings", &[]).unwrap();
    }
    flush(&mut admin);
    std::thread::sleep(Duration::from_millis(1_100));
    let second = db.sample().unwrap();
    let c = snapshot(&first, &second, &Options::default()).unwrap();
    let s = &c.snapshot;

    let tables = s.tables.as_ref().unwrap();
    let events = tables.find("public.events").unwrap();
    assert_eq!(events.seq_scans, Some(Count::new(40)), "{events:?}");
    assert_eq!(
        events.seq_rows_read,
        Some(Count::new(40 * 20_000)),
        "{events:?}"
    );
    assert_eq!(events.index_scans, Some(Count::new(0)), "{events:?}");
    assert_eq!(events.rows, Some(Count::new(20_000)), "{events:?}");
    assert_eq!(
        tables.find("public.settings").unwrap().seq_scans,
        Some(Count::new(100))
    );
    let statements = s.statements.as_ref().unwrap();
    let lookup = statements
        .iter()
        .find(|st| st.query.as_str() == "SELECT * FROM events WHERE customer_id = $1")
        .unwrap_or_else(|| panic!("{statements:?}"));
    assert_eq!(lookup.calls, Some(Count::new(40)));
    // The collector's own queries over the statistics views are not the application's.
    assert!(
        !statements
            .iter()
            .any(|st| st.query.as_str().contains("pg_stat_")),
        "{statements:?}"
    );
    assert!(
        s.db_transaction_rate.is_some() && s.db_buffer_hit_ratio.is_some(),
        "{s:?}"
    );
    // 140 reading calls and no writing ones between the samples.
    assert_eq!(s.db_read_share.map(|r| r.as_fraction()), Some(1.0), "{s:?}");
    assert_eq!(
        s.primary_write_throughput.map(|r| r.as_per_second()),
        Some(0.0),
        "{s:?}"
    );
    assert!(
        s.slowest_query_time.is_some() && s.slowest_query_max_time.is_some(),
        "{s:?}"
    );
    assert!(
        s.db_connections.is_some() && s.db_pool_size.is_some(),
        "{s:?}"
    );
    assert!(
        !c.unavailable.iter().any(|u| u.statistic == "statements"),
        "{:?}",
        c.unavailable
    );

    // The default pack names the table in the plan: the guide's missing-index check holds
    // (no index scans, more than 1,000 sequential scans a day, 10,000 rows or more); the
    // 10-row table is left alone.
    let a = assess(&Engine::default_pack(), s, &History::new());
    let step = &a.plan[0];
    assert_eq!(
        step.key,
        StepKey::Remedy(Remedy::AddIndexes),
        "{}",
        a.to_text()
    );
    assert_eq!(
        step.subject_names.first().map(String::as_str),
        Some("public.events")
    );
    assert!(
        !step.subject_names.iter().any(|n| n == "public.settings"),
        "{}",
        a.to_text()
    );
}

#[test]
#[ignore = "needs a PostgreSQL server: scripts/postgres-test-server.sh"]
fn without_pg_stat_statements_the_collector_says_how_to_enable_it() {
    let mut db = Collector::connect(&env("ADVISOR_PG_PLAIN")).unwrap();
    let first = db.sample().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let second = db.sample().unwrap();
    let c = snapshot(&first, &second, &Options::default()).unwrap();
    let missing = c
        .unavailable
        .iter()
        .find(|u| u.statistic == "statements")
        .unwrap_or_else(|| panic!("{:?}", c.unavailable));
    assert_eq!(
        missing.reason,
        "the pg_stat_statements extension is not installed in this database"
    );
    assert!(
        missing.enable.contains("shared_preload_libraries"),
        "{missing}"
    );
    assert!(
        missing
            .enable
            .contains("CREATE EXTENSION pg_stat_statements"),
        "{missing}"
    );
    assert!(c.snapshot.statements.is_none());
    // The rest is still read.
    assert!(c.snapshot.db_buffer_hit_ratio.is_some() || c.snapshot.db_transaction_rate.is_some());
}

#[test]
#[ignore = "needs a PostgreSQL server: scripts/postgres-test-server.sh"]
fn a_wrong_port_is_a_connect_error_that_says_what_to_check() {
    let err =
        Collector::connect("host=127.0.0.1 port=1 user=monitor connect_timeout=2").unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("cannot connect to PostgreSQL"), "{text}");
    assert!(text.contains("pg_hba.conf"), "{text}");
}

#[test]
#[ignore = "needs a PostgreSQL server: scripts/postgres-test-server.sh"]
fn sampling_writes_nothing() {
    // The monitor role has pg_monitor only; sampling twice changes no table and resets no
    // statistic: the statement counts of pg_stat_statements only grow.
    let mut db = Collector::connect(&env("ADVISOR_PG_MONITOR")).unwrap();
    let a = db.sample().unwrap();
    let b = db.sample().unwrap();
    assert_eq!(a.stats_reset, b.stats_reset);
    let calls = |s: &scalability_advisor_postgres::Sample| -> u64 {
        s.statements
            .as_ref()
            .unwrap()
            .iter()
            .map(|st| st.calls)
            .sum()
    };
    assert!(calls(&b) >= calls(&a));
}

#[test]
#[ignore = "needs a PostgreSQL server: scripts/postgres-test-server.sh"]
fn a_held_lock_a_deadlock_and_dead_rows_are_each_read() {
    // A table of 1,000 rows, all updated once: 1,000 dead rows beside 1,000 live ones.
    let mut admin = Client::connect(&env("ADVISOR_PG_ADMIN"), NoTls).unwrap();
    admin
        .batch_execute(
            "DROP TABLE IF EXISTS accounts;
             CREATE TABLE accounts (id int PRIMARY KEY, balance int) WITH (autovacuum_enabled = off);
             INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 1000) g;",
        )
        .unwrap();
    let mut db = Collector::connect(&env("ADVISOR_PG_MONITOR")).unwrap();
    let first = db.sample().unwrap();
    admin
        .batch_execute("UPDATE accounts SET balance = 1")
        .unwrap();

    // A deadlock: two transactions take rows 1 and 2 in opposite orders.
    let mut one = Client::connect(&env("ADVISOR_PG_ADMIN"), NoTls).unwrap();
    let mut two = Client::connect(&env("ADVISOR_PG_ADMIN"), NoTls).unwrap();
    one.batch_execute("BEGIN; UPDATE accounts SET balance = 2 WHERE id = 1")
        .unwrap();
    two.batch_execute("BEGIN; UPDATE accounts SET balance = 2 WHERE id = 2")
        .unwrap();
    let t = std::thread::spawn(move || {
        let r = one.batch_execute("UPDATE accounts SET balance = 3 WHERE id = 2");
        let _ = one.batch_execute("ROLLBACK");
        (r.is_err(), one)
    });
    std::thread::sleep(Duration::from_millis(200));
    let r2 = two.batch_execute("UPDATE accounts SET balance = 3 WHERE id = 1");
    let _ = two.batch_execute("ROLLBACK");
    let (failed_one, mut one) = t.join().unwrap();
    assert!(
        failed_one != r2.is_err(),
        "exactly one side is the deadlock victim"
    );
    // The victim counts the deadlock in its own pending statistics, which a busy backend
    // flushes at most once a second: both sides flush now, or the count can miss the
    // sample (a CI run saw 0).
    flush(&mut one);
    flush(&mut two);

    // A held lock: one session holds the table, another waits for it while we sample.
    one.batch_execute("BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let waiter = std::thread::spawn(move || {
        two.query("SELECT count(*) FROM accounts", &[]).unwrap();
    });
    std::thread::sleep(Duration::from_millis(300));
    flush(&mut admin);
    std::thread::sleep(Duration::from_millis(1_100));
    let second = db.sample().unwrap();
    one.batch_execute("COMMIT").unwrap();
    waiter.join().unwrap();

    let c = snapshot(&first, &second, &Options::default()).unwrap();
    let s = &c.snapshot;
    assert_eq!(s.db_deadlocks, Some(Count::new(1)), "{s:?}");
    // The only active client connection besides the collector is the waiting one.
    assert_eq!(
        s.db_lock_wait_share.map(|r| r.as_fraction()),
        Some(1.0),
        "{s:?}"
    );
    let accounts = s.tables.as_ref().unwrap().find("public.accounts").unwrap();
    assert!(
        accounts.dead_rows.is_some_and(|d| d.get() >= 1_000),
        "{accounts:?}"
    );
    assert!(
        s.db_bloat_share.is_some_and(|b| b.as_fraction() > 0.0),
        "{s:?}"
    );
    // Writes between the samples: WAL was written and timed (track_wal_io_timing is on),
    // writing statements ran, and rows were both read and written.
    assert!(s.wal_write_latency.is_some(), "{s:?} {:?}", c.unavailable);
    assert!(
        s.primary_write_throughput
            .is_some_and(|r| r.as_per_second() > 0.0),
        "{s:?}"
    );
    assert!(
        s.db_read_share_rows.is_some_and(|r| r.as_fraction() < 1.0),
        "{s:?}"
    );
    assert!(s.db_io_read_share.is_some(), "{s:?} {:?}", c.unavailable);
}

/// Waits until the replica has replayed everything the primary sent, for at most ten seconds.
fn wait_caught_up(admin: &mut Client) {
    for _ in 0..100 {
        let row = admin
            .query_opt(
                "SELECT replay_lsn = sent_lsn AND sent_lsn = pg_current_wal_lsn()
                   FROM pg_stat_replication WHERE state = 'streaming'",
                &[],
            )
            .expect("pg_stat_replication is readable by the admin role");
        if row.is_some_and(|r| r.get::<_, Option<bool>>(0) == Some(true)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "the replica did not catch up within ten seconds: is it running (scripts/postgres-test-server.sh)?"
    );
}

#[test]
#[ignore = "needs a PostgreSQL server: scripts/postgres-test-server.sh"]
fn a_paused_replica_shows_growing_lag_and_a_caught_up_one_none() {
    let started = std::time::Instant::now();
    let mut admin = Client::connect(&env("ADVISOR_PG_ADMIN"), NoTls).unwrap();
    let mut replica = Client::connect(&env("ADVISOR_PG_REPLICA"), NoTls).unwrap();
    admin
        .batch_execute("DROP TABLE IF EXISTS ticks; CREATE TABLE ticks (at timestamptz)")
        .unwrap();
    wait_caught_up(&mut admin);
    let mut db = Collector::connect(&env("ADVISOR_PG_MONITOR")).unwrap();
    // A replica that has replayed all it was sent lags by nothing, however long ago its
    // last replay was (the guard against idle replicas).
    let before = db.sample().unwrap();
    assert_eq!(before.replica_lag, Some(Duration::ZERO));

    // Replay paused, then a write every 200 ms for 3 s: none of it is replayed, and the
    // replica reports its stuck position every second, so the primary's replay_lag is at
    // least the 3 s since the first of those writes once a report follows the last one.
    replica
        .batch_execute("SELECT pg_wal_replay_pause()")
        .unwrap();
    for _ in 0..15 {
        admin
            .batch_execute("INSERT INTO ticks VALUES (now())")
            .unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(1_500));
    let lagging = db.sample().unwrap();
    let upper = started.elapsed();
    replica
        .batch_execute("SELECT pg_wal_replay_resume()")
        .unwrap();
    let lag = lagging.replica_lag.unwrap();
    assert!(
        lag >= Duration::from_millis(2_500) && lag <= upper,
        "lag {lag:?}, test running for {upper:?}"
    );
    // The default pack warns from 1 s of lag.
    let c = snapshot(&before, &lagging, &Options::default()).unwrap();
    assert_eq!(c.snapshot.replica_lag, Some(lag));
    let a = assess(&Engine::default_pack(), &c.snapshot, &History::new());
    assert!(
        a.findings.iter().any(|f| f.id == "db.replica_lag"),
        "{}",
        a.to_text()
    );

    // Resumed, it catches up and lags by nothing again.
    wait_caught_up(&mut admin);
    assert_eq!(db.sample().unwrap().replica_lag, Some(Duration::ZERO));
}

/// Runs pgbench with `args` against the test database.
fn pgbench(args: &[&str]) {
    let out = std::process::Command::new(env("ADVISOR_PGBENCH"))
        .args(args)
        .arg(env("ADVISOR_PG_ADMIN"))
        .output()
        .expect("ADVISOR_PGBENCH names pgbench (scripts/postgres-test-server.sh prints it)");
    assert!(
        out.status.success(),
        "pgbench {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "needs a PostgreSQL server and pgbench: scripts/postgres-test-server.sh"]
fn a_pgbench_run_is_read_as_its_transactions_and_statements() {
    // Scale 1: 100,000 accounts, 10 tellers, 1 branch, an empty history.
    pgbench(&["-i", "-s", "1", "-q"]);
    let mut admin = Client::connect(&env("ADVISOR_PG_ADMIN"), NoTls).unwrap();
    flush(&mut admin);
    std::thread::sleep(Duration::from_millis(1_100));
    let mut db = Collector::connect(&env("ADVISOR_PG_MONITOR")).unwrap();
    let first = db.sample().unwrap();
    // 2 clients x 250 of pgbench's TPC-B-like transactions: each is BEGIN, UPDATE accounts,
    // SELECT accounts, UPDATE tellers, UPDATE branches, INSERT history, END. So 500
    // transactions, 500 reading and 2,000 writing statements, 1,000 index lookups of
    // accounts by its key and 500 new history rows.
    pgbench(&["-n", "-c", "2", "-t", "250"]);
    std::thread::sleep(Duration::from_millis(1_100));
    let second = db.sample().unwrap();
    let c = snapshot(&first, &second, &Options::default()).unwrap();
    let s = &c.snapshot;
    let secs = c.period.as_secs_f64();

    // The period's other commits are pgbench's set-up queries and the collector's own
    // (one per statement of a sample): a few dozen at most.
    let commits = s.db_transaction_rate.unwrap().as_per_second() * secs;
    assert!((500.0..560.0).contains(&commits), "{commits} commits");
    let writes = s.primary_write_throughput.unwrap().as_per_second() * secs;
    assert!((writes - 2_000.0).abs() < 0.5, "{writes} writing calls");
    // 500 of 2,500 calls read, give or take pgbench's scale check and the collector's
    // extension check.
    let reads = s.db_read_share.unwrap().as_fraction();
    assert!((0.2..0.205).contains(&reads), "read share {reads}");

    let statements = s.statements.as_ref().unwrap();
    let update = statements
        .iter()
        .find(|st| st.query.as_str().starts_with("UPDATE pgbench_accounts"))
        .unwrap_or_else(|| panic!("{statements:?}"));
    assert_eq!(update.calls, Some(Count::new(500)));

    let tables = s.tables.as_ref().unwrap();
    let accounts = tables.find("public.pgbench_accounts").unwrap();
    assert_eq!(accounts.rows, Some(Count::new(100_000)), "{accounts:?}");
    assert_eq!(
        accounts.index_scans,
        Some(Count::new(1_000)),
        "{accounts:?}"
    );
    assert_eq!(accounts.seq_scans, Some(Count::new(0)), "{accounts:?}");
    let history = tables.find("public.pgbench_history").unwrap();
    assert_eq!(history.rows, Some(Count::new(500)), "{history:?}");

    // The only table of 10,000 rows or more is read through its key: no missing index.
    let a = assess(&Engine::default_pack(), s, &History::new());
    assert!(
        !a.findings
            .iter()
            .any(|f| f.id.starts_with("db.missing_index")),
        "{}",
        a.to_text()
    );
}

#[test]
#[ignore = "needs a PostgreSQL server: scripts/postgres-test-server.sh"]
fn the_server_version_and_open_connections_are_the_servers() {
    let mut admin = Client::connect(&env("ADVISOR_PG_ADMIN"), NoTls).unwrap();
    let version: i32 = admin
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .unwrap()
        .get(0);
    let mut db = Collector::connect(&env("ADVISOR_PG_MONITOR")).unwrap();
    assert_eq!(i64::from(db.server_version()), i64::from(version));
    assert_eq!(
        format!("{db:?}"),
        format!("Collector {{ version: {version}, .. }}")
    );
    // Client connections: this test's admin one and the collector's own, counted by the
    // server the same way. A connection an earlier test closed may linger for a moment, so
    // the two counts are taken again until they are taken in a quiet moment.
    let mut seen = Vec::new();
    for _ in 0..10 {
        let gauges = db.sample().unwrap().connections.unwrap();
        let open: i64 = admin
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'",
                &[],
            )
            .unwrap()
            .get(0);
        if i64::from(gauges.open) == open {
            return;
        }
        seen.push((gauges.open, open));
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the collector's open connections never matched the server's count: {seen:?}");
}

#[test]
#[ignore = "needs a PostgreSQL server: scripts/postgres-test-server.sh"]
fn a_failing_query_reports_the_servers_own_message() {
    // A client left in a failed transaction refuses every statement; the error carries
    // what the server said.
    let mut client = Client::connect(&env("ADVISOR_PG_ADMIN"), NoTls).unwrap();
    client.batch_execute("BEGIN").unwrap();
    assert!(client.batch_execute("SELECT 1 / 0").is_err());
    let err = Collector::from_client(client).unwrap_err().to_string();
    assert!(
        err.starts_with(
            "reading session settings failed: current transaction is aborted, commands ignored until end of transaction block"
        ),
        "{err}"
    );
}

#[test]
#[ignore = "needs a PostgreSQL server: scripts/postgres-test-server.sh"]
fn a_statement_run_by_two_roles_is_one_statement_with_both_counts() {
    // pg_stat_statements keeps one entry per role: 30 runs by the admin role and 20 by the
    // monitor role are one statement called 50 times between the samples.
    let mut admin = Client::connect(&env("ADVISOR_PG_ADMIN"), NoTls).unwrap();
    let mut other = Client::connect(&env("ADVISOR_PG_MONITOR"), NoTls).unwrap();
    let mut db = Collector::connect(&env("ADVISOR_PG_MONITOR")).unwrap();
    let first = db.sample().unwrap();
    for _ in 0..30 {
        admin.query("SELECT 6 * 7 AS two_roles", &[]).unwrap();
    }
    for _ in 0..20 {
        other.query("SELECT 6 * 7 AS two_roles", &[]).unwrap();
    }
    flush(&mut admin);
    flush(&mut other);
    std::thread::sleep(Duration::from_millis(1_100));
    let second = db.sample().unwrap();
    let c = snapshot(&first, &second, &Options::default()).unwrap();
    let statements = c.snapshot.statements.as_ref().unwrap();
    let mine: Vec<_> = statements
        .iter()
        .filter(|st| st.query.as_str().contains("two_roles"))
        .collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0].calls, Some(Count::new(50)), "{mine:?}");
}
