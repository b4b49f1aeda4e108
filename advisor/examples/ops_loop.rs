//! An ops loop: every "minute", read the metrics, step the rules, print what started and what
//! resolved. Run: `cargo run -p scalability-advisor --example ops_loop`.
//!
//! The metrics here are a replayed day of database CPU and replica lag; a real loop would read
//! them from its monitoring system instead, and keep `state` between iterations (it
//! serializes, so it can survive a restart).

use core::time::Duration;

use scalability_advisor::prelude::*;
use scalability_advisor::rules::{ChangeKind, State};

fn main() -> Result<(), scalability_advisor::Error> {
    // The built-in pack, with one house rule that needs a sustained signal and clears with
    // hysteresis, as alerting rules usually do.
    let pack = RulePack::default_pack().layer(
        "ops.toml",
        r#"name = "ops"
[[rule]]
id = "ops.db_hot"
title = "Database hot for three minutes"
when = "db_cpu > 80%"
clear = "db_cpu < 60%"
for = "3min"
severity = "critical"
layer = "database"
advice = "Page the database on-call."
"#,
        PackFormat::Toml,
    )?;
    let engine = Engine::new(pack)?;
    let mut state = State::default();
    for minute in 0..60u32 {
        let cpu = match minute {
            10..=29 => 88.0,
            30..=34 => 70.0,
            _ => 45.0,
        };
        let lag_ms = if (40..50).contains(&minute) {
            2_500
        } else {
            300
        };
        let snapshot = MetricsSnapshot::default()
            .with_users(Users::new(40_000))
            .with_db_cpu(Ratio::from_percent(cpu)?)
            .with_slowest_query_time(Duration::from_millis(40))
            .with_replica_lag(Duration::from_millis(lag_ms));
        let step = engine.advance(
            &state,
            &snapshot,
            &History::new(),
            Duration::from_secs(60 * u64::from(minute)),
        );
        for change in &step.changes {
            let what = match change.kind {
                ChangeKind::Started => "started ",
                ChangeKind::Resolved => "resolved",
                ChangeKind::StillFiring => continue,
            };
            let why: Vec<String> = change.evidence.iter().map(ToString::to_string).collect();
            println!(
                "minute {minute:>2}: {what} [{}] {}: {}",
                change.severity,
                change.id,
                why.join("; ")
            );
        }
        state = step.state;
    }
    Ok(())
}
