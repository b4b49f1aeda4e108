//! Which writes most likely cause the lock waits: statements that update the same few rows
//! many times a second.
//!
//! A row being updated or deleted is locked until the transaction that changed it ends;
//! another transaction writing the same row waits for it (PostgreSQL documentation, 13.3.2
//! "Row-Level Locks"; MySQL's InnoDB locks the rows it modifies likewise). Writes spread
//! over many rows rarely meet; writes concentrated on a few rows queue one behind another,
//! which is why the pgbench documentation asks for a scale factor (its number of branch
//! rows) at least as large as the number of clients, "else you'll mostly be measuring
//! update contention". So when the plan works on lock waits and the snapshot lists both
//! the statements (pg_stat_statements) and the tables (pg_stat_user_tables), the step
//! names the writes whose table is small for how often they write it.
//!
//! The measure is **writes per row per second**: a write statement's calls a second over
//! its period, divided by its table's row count. At [`HOT_WRITES_PER_ROW`] (one a second)
//! or more, a row is written again before a transaction of a second or so has ended: that
//! is where queues form. Only statements whose text says which table they lock are read:
//! `UPDATE [ONLY] table`, `DELETE FROM [ONLY] table`, `INSERT INTO table ... ON CONFLICT
//! ... DO UPDATE` (an upsert locks the row it updates), and reads of one table that lock
//! the rows they read and wait for them, `SELECT ... FROM table [[AS] alias] ... FOR
//! [NO KEY] UPDATE` (13.3.2: the rows are locked as if for update, so that other
//! transactions' locking reads and writes of them wait; with `SKIP LOCKED` or `NOWAIT`
//! nothing waits, and shared locks, `FOR [KEY] SHARE`, do not queue behind each other).
//! A locking read over several tables (a join, a list, a subquery) and statements
//! starting with `WITH` are not parsed: they are never named, which costs a missed hint,
//! never a false one.

use std::collections::HashMap;

use scalability_advisor_core::units::Count;
use scalability_advisor_core::{MetricsSnapshot, Quantity};

/// Writes a second per row at or past which a statement's table counts as written hot.
pub(crate) const HOT_WRITES_PER_ROW: f64 = 1.0;

/// At most this many statements are named in the note, the hottest first.
const NAMED: usize = 3;

/// How a statement locks the rows of its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    /// It writes them (`UPDATE`, `DELETE`, an upsert).
    Write,
    /// It reads them and locks them for update (`SELECT ... FOR [NO KEY] UPDATE`).
    ForUpdate,
}

/// A statement that locks rows of a table it locks hot.
struct HotWrite<'s> {
    query: &'s str,
    table: &'s str,
    lock: Lock,
    calls: Count,
    period: core::time::Duration,
    rows: u64,
    per_row: f64,
}

/// The note naming the writes that most likely queue on their rows' locks, or `None`
/// when the snapshot lists no write hot by [`HOT_WRITES_PER_ROW`]. Linear in the
/// statements and tables listed (one map of the tables by name).
pub(crate) fn hot_writes_note(snapshot: &MetricsSnapshot) -> Option<String> {
    let (Some(statements), Some(tables)) = (&snapshot.statements, &snapshot.tables) else {
        return None;
    };
    // Tables by unqualified, lower-case name; a name two schemas share is ambiguous and
    // left out (`None`).
    let mut by_name: HashMap<String, Option<(&str, u64)>> = HashMap::new();
    for t in tables {
        let Some(rows) = t.rows.map(Count::get).filter(|r| *r > 0) else {
            continue;
        };
        let key = unqualified(t.name.as_str()).to_ascii_lowercase();
        by_name
            .entry(key)
            .and_modify(|v| *v = None)
            .or_insert(Some((t.name.as_str(), rows)));
    }
    let mut hot: Vec<HotWrite<'_>> = statements
        .iter()
        .filter_map(|s| {
            let query = s.query.as_str();
            let (written, lock) = locked_table(query)?;
            let (table, rows) = (*by_name.get(&written.to_ascii_lowercase())?)?;
            let (calls, period) = (s.calls?, s.period?);
            let secs = period.as_secs_f64();
            #[expect(
                clippy::cast_precision_loss,
                reason = "counts far below 2^52 in practice; a ratio needs no more precision"
            )]
            let per_row = calls.get() as f64 / secs / rows as f64;
            // (A zero period or row count gives no finite rate.)
            (per_row.is_finite() && per_row >= HOT_WRITES_PER_ROW).then_some(HotWrite {
                query,
                table,
                lock,
                calls,
                period,
                rows,
                per_row,
            })
        })
        .collect();
    if hot.is_empty() {
        return None;
    }
    hot.sort_by(|a, b| b.per_row.total_cmp(&a.per_row));
    let named: Vec<String> = hot
        .iter()
        .take(NAMED)
        .map(|h| {
            let (verb, what) = match h.lock {
                Lock::Write => ("writes table", "writes"),
                Lock::ForUpdate => ("locks rows of table", "locks"),
            };
            format!(
                "statement `{}` {verb} `{}`, which holds {} rows, {} times in {}: {} {what} a row each second on average",
                h.query,
                h.table,
                Count::new(h.rows),
                h.calls,
                Quantity::Duration(h.period),
                per_row_text(h.per_row),
            )
        })
        .collect();
    let read_locked = hot.iter().take(NAMED).any(|h| h.lock == Lock::ForUpdate);
    Some(format!(
        "{}. A row being written{} stays locked until its transaction ends, so concurrent writers of the same rows queue one behind another: the likeliest source of these waits. Keep those transactions short (write the row last, commit at once), or spread the writes (a counter split over several rows and summed when read, or the updates queued and applied in batches by one worker{})",
        named.join("; "),
        if read_locked {
            ", or read FOR UPDATE,"
        } else {
            ""
        },
        if read_locked {
            "; a queue of jobs claimed FOR UPDATE skips the claimed ones with SKIP LOCKED"
        } else {
            ""
        }
    ))
}

/// The rate as the note writes it: whole above 10, one decimal below.
fn per_row_text(rate: f64) -> String {
    if rate >= 10.0 {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a finite rate of at least 10, rounded; saturates far past any real one"
        )]
        let whole = rate.round() as u64;
        Count::new(whole).to_string()
    } else {
        format!("{rate:.1}")
    }
}

/// The table a statement locks rows of, as its text names it (unqualified, unquoted), and
/// how, or `None` when it is not an `UPDATE`, a `DELETE`, an upsert or a locking read this
/// reads (see the module's notes). Leading comments are skipped. Linear in the text.
pub(crate) fn locked_table(query: &str) -> Option<(&str, Lock)> {
    let text = skip_comments(query);
    let mut words = text.split_ascii_whitespace();
    let first = words.next()?;
    let (name, lock) = if first.eq_ignore_ascii_case("update") {
        (after_only(&mut words)?, Lock::Write)
    } else if first.eq_ignore_ascii_case("delete") {
        if !words.next()?.eq_ignore_ascii_case("from") {
            return None;
        }
        (after_only(&mut words)?, Lock::Write)
    } else if first.eq_ignore_ascii_case("insert") {
        if !words.next()?.eq_ignore_ascii_case("into") {
            return None;
        }
        let name = words.next()?;
        // Only an upsert that updates the row it finds locks it.
        let rest: Vec<&str> = words.collect();
        let upsert = rest.windows(2).any(|w| {
            matches!(w, [a, b] if a.eq_ignore_ascii_case("on") && b.eq_ignore_ascii_case("conflict"))
        }) && rest.windows(2).any(|w| {
            matches!(w, [a, b] if a.eq_ignore_ascii_case("do") && b.eq_ignore_ascii_case("update"))
        });
        if !upsert {
            return None;
        }
        (name, Lock::Write)
    } else if first.eq_ignore_ascii_case("select") {
        (read_for_update(words)?, Lock::ForUpdate)
    } else {
        return None;
    };
    // `INSERT INTO t(a, b)`: the name ends at its column list.
    let name = name.split('(').next().unwrap_or(name);
    let table = unqualified(name);
    (!table.is_empty()).then_some((table, lock))
}

/// The one table a `SELECT` (its words past `SELECT`) reads and locks for update, waiting
/// for the rows: one `FROM`, no join, a `FROM` clause of the table alone or with its alias
/// (`t`, `t x`, `t AS x`), and a locking clause `FOR UPDATE` or `FOR NO KEY UPDATE`
/// without `SKIP LOCKED` or `NOWAIT`.
fn read_for_update<'q>(words: core::str::SplitAsciiWhitespace<'q>) -> Option<&'q str> {
    const CLAUSE_ENDS: [&str; 9] = [
        "where", "group", "order", "limit", "offset", "for", "having", "window", "fetch",
    ];
    let words: Vec<&str> = words.collect();
    let is = |w: &str, k: &str| w.eq_ignore_ascii_case(k);
    let mut froms = words
        .iter()
        .enumerate()
        .filter(|(_, w)| is(w, "from"))
        .map(|(i, _)| i);
    let from = froms.next()?;
    // (A join makes the clause longer than a table and its alias: refused below.)
    if froms.next().is_some() {
        return None;
    }
    let clause: Vec<&str> = words
        .get(from + 1..)?
        .iter()
        .copied()
        .take_while(|w| !CLAUSE_ENDS.iter().any(|k| is(w, k)))
        .collect();
    let plain = |w: &str| !w.contains(',') && !w.contains('(') && !w.contains(')');
    let table = match clause.as_slice() {
        [t] | [t, _] => *t,
        [t, a, _] if is(a, "as") => *t,
        _ => return None,
    };
    if !clause.iter().all(|w| plain(w)) {
        return None;
    }
    // The locking clause: FOR UPDATE or FOR NO KEY UPDATE, waiting.
    let at = words.iter().position(|w| is(w, "for"))?;
    let lock = words.get(at + 1..)?;
    let starts =
        |with: &[&str]| lock.len() >= with.len() && lock.iter().zip(with).all(|(w, k)| is(w, k));
    let updates = starts(&["update"]) || starts(&["no", "key", "update"]);
    let waits = !lock
        .iter()
        .any(|w| is(w, "nowait") || is(w, "skip") || is(w, "locked"));
    (updates && waits).then_some(table)
}

/// The next word, past an `ONLY` (which keeps a write off the table's children).
fn after_only<'q>(words: &mut core::str::SplitAsciiWhitespace<'q>) -> Option<&'q str> {
    let w = words.next()?;
    if w.eq_ignore_ascii_case("only") {
        words.next()
    } else {
        Some(w)
    }
}

/// `schema.table` or `"Schema"."Table"` without its schema and quotes.
fn unqualified(name: &str) -> &str {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.trim_matches('"')
}

/// `query` past its leading `/* ... */` and `-- ...` comments and white space.
fn skip_comments(query: &str) -> &str {
    let mut text = query.trim_start();
    loop {
        if let Some(rest) = text.strip_prefix("/*") {
            match rest.find("*/") {
                Some(end) => text = rest.get(end + 2..).unwrap_or("").trim_start(),
                None => return "",
            }
        } else if let Some(rest) = text.strip_prefix("--") {
            match rest.find('\n') {
                // (The line's end goes with the white space.)
                Some(end) => text = rest.get(end..).unwrap_or("").trim_start(),
                None => return "",
            }
        } else {
            return text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_table_is_read_from_updates_deletes_and_upserts() {
        let cases = [
            (
                "UPDATE pgbench_branches SET bbalance = 1",
                Some("pgbench_branches"),
            ),
            ("update only public.accounts set x = 1", Some("accounts")),
            (
                "  /* app */ -- x\n UPDATE \"Orders\" SET x = 1",
                Some("Orders"),
            ),
            ("DELETE FROM sessions WHERE id = $1", Some("sessions")),
            (
                "DELETE FROM ONLY s.sessions WHERE id = $1",
                Some("sessions"),
            ),
            ("DELETE sessions", None),
            (
                "INSERT INTO counters(id, n) VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET n = counters.n + 1",
                Some("counters"),
            ),
            (
                "INSERT INTO counters(id, n) VALUES ($1, 1) ON CONFLICT DO NOTHING",
                None,
            ),
            ("INSERT INTO events VALUES ($1)", None),
            ("SELECT * FROM accounts FOR SHARE", None),
            ("SELECT * FROM accounts", None),
            ("WITH x AS (SELECT 1) UPDATE t SET a = 1", None),
            ("/* never closed UPDATE t SET a = 1", None),
            ("UPDATE", None),
            ("", None),
        ];
        for (query, table) in cases {
            assert_eq!(
                locked_table(query),
                table.map(|t| (t, Lock::Write)),
                "{query}"
            );
        }
    }

    #[test]
    fn a_locking_read_of_one_table_that_waits_is_read() {
        let cases = [
            (
                "SELECT * FROM accounts WHERE id = $1 FOR UPDATE",
                Some("accounts"),
            ),
            (
                "select id from public.jobs where id = $1 for no key update",
                Some("jobs"),
            ),
            (
                "SELECT * FROM accounts AS a WHERE a.id = $1 FOR UPDATE OF a",
                Some("accounts"),
            ),
            ("SELECT * FROM \"Stock\" s FOR UPDATE", Some("Stock")),
            // (Those that skip locked rows or fail at once do not wait.)
            (
                "SELECT * FROM jobs WHERE state = $1 LIMIT 1 FOR UPDATE SKIP LOCKED",
                None,
            ),
            ("SELECT * FROM jobs FOR UPDATE NOWAIT", None),
            // (Shared locks do not queue behind each other.)
            ("SELECT * FROM jobs FOR SHARE", None),
            ("SELECT * FROM jobs FOR KEY SHARE", None),
            // (Several tables, or a table the text does not name plainly: not read.)
            ("SELECT * FROM a JOIN b ON a.id = b.a_id FOR UPDATE", None),
            ("SELECT * FROM a, b FOR UPDATE", None),
            ("SELECT * FROM a x, b y FOR UPDATE", None),
            ("SELECT (SELECT 1 FROM x) FROM y FOR UPDATE", None),
            ("SELECT * FROM (SELECT 1) s FOR UPDATE", None),
            ("SELECT 1 FOR UPDATE", None),
            ("SELECT * FROM a x y FOR UPDATE", None),
            ("SELECT * FROM a JOIN b FOR UPDATE", None),
            (
                "SELECT * FROM a WHERE id IN (SELECT id FROM b) FOR UPDATE",
                None,
            ),
            ("SELECT * FROM jobs FOR NO", None),
            ("SELECT * FROM jobs FOR NO KEY SHARE", None),
            ("SELECT * FROM FOR UPDATE", None),
        ];
        for (query, table) in cases {
            assert_eq!(
                locked_table(query),
                table.map(|t| (t, Lock::ForUpdate)),
                "{query}"
            );
        }
    }

    proptest::proptest! {
        /// Any text, however malformed: no panic, and a table named is a piece of the
        /// text, never empty.
        #[test]
        fn the_locked_table_is_a_piece_of_the_query(
            query in "((UPDATE|update|DELETE|FROM|ONLY|INSERT|INTO|ON|CONFLICT|DO|SELECT|FOR|NO|KEY|SKIP|LOCKED|JOIN|AS|,|/\\*|\\*/|--|\n|\"|\\.|\\(| |[a-z]{1,3}) ){0,12}"
        ) {
            if let Some((table, _)) = locked_table(&query) {
                proptest::prop_assert!(!table.is_empty());
                proptest::prop_assert!(query.contains(table));
            }
        }
    }

    #[test]
    fn an_empty_table_of_the_same_name_leaves_the_written_one_named() {
        use scalability_advisor_core::{
            Entities, EntityKind, EntityName, StatementStats, TableStats,
        };
        let table = |name: &str, rows: u64| {
            TableStats::new(EntityName::table(name).unwrap()).with_rows(Count::new(rows))
        };
        let statement = StatementStats {
            calls: Some(Count::new(600)),
            period: Some(core::time::Duration::from_secs(60)),
            ..StatementStats::new(
                EntityName::new(EntityKind::Statement, "UPDATE branches SET n = n + 1").unwrap(),
            )
        };
        let snap = |tables| MetricsSnapshot {
            statements: Some(Entities::new(vec![statement.clone()]).unwrap()),
            tables: Some(Entities::new(tables).unwrap()),
            ..MetricsSnapshot::default()
        };
        // 600 writes a minute on 10 rows: one a row each second, the level itself.
        let note = hot_writes_note(&snap(vec![
            table("archive.branches", 0),
            table("public.branches", 10),
        ]));
        assert!(
            note.as_deref()
                .is_some_and(|n| n.contains("`public.branches`") && n.contains("1.0 writes")),
            "{note:?}"
        );
        // Two tables of that name with rows: which one the statement writes is not known.
        assert_eq!(
            hot_writes_note(&snap(vec![
                table("archive.branches", 5),
                table("public.branches", 10),
            ])),
            None
        );
        // Eleven rows: under one write a row each second.
        assert_eq!(
            hot_writes_note(&snap(vec![table("public.branches", 11)])),
            None
        );
    }

    #[test]
    fn the_rate_reads_whole_from_ten() {
        assert_eq!(per_row_text(45.0), "45");
        assert_eq!(per_row_text(12_345.4), "12,345");
        assert_eq!(per_row_text(2.25), "2.2");
        assert_eq!(per_row_text(1.0), "1.0");
    }
}
