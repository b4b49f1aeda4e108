//! The `scalability-advisor` command: reads what a system measured and prints its growth
//! stage, key-metric health, fired transition triggers and the components the data calls for.
//!
//! Exit codes: 0 on success, 2 for bad usage or bad input (the message names the file and,
//! for parse errors, the line and column).
#![forbid(unsafe_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use advisor_rules::advisor_core::{
    AdvisorConfig, Classification, History, MetricsSnapshot, Stage, units::Users,
};
use clap::{Parser, Subcommand, ValueEnum};

/// Turns measured metrics into growth-stage advice.
#[derive(Debug, Parser)]
#[command(name = "scalability-advisor", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assess a snapshot file (TOML or JSON; `-` reads JSON or TOML from stdin).
    Assess {
        /// The snapshot file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show the growth stage for a number of users, its architecture and costs.
    Stage {
        /// Number of users.
        #[arg(long)]
        users: u64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// A failure reported to the user, with exit code 2.
#[derive(Debug)]
struct Failure(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(Failure(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<String, Failure> {
    match cli.command {
        Command::Assess { file, format } => {
            let snapshot = read_snapshot(&file)?;
            let c = Classification::of(&snapshot, &History::new(), &AdvisorConfig::default());
            match format {
                Format::Text => Ok(c.to_string()),
                Format::Json => to_json(&c),
            }
        }
        Command::Stage { users, format } => {
            let stage = Stage::for_users(Users::new(users));
            match format {
                Format::Text => Ok(stage_text(stage)),
                Format::Json => to_json(&serde_json::json!({
                    "stage": stage,
                    "number": stage.number(),
                    "user_band": stage.user_band(),
                    "architecture": stage.architecture(),
                    "indicative_cost": stage.indicative_cost(),
                    "cost_at_scale": stage.cost_at_scale(),
                })),
            }
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Failure(format!("cannot write JSON: {e}")))
}

fn stage_text(stage: Stage) -> String {
    let row = stage.cost_at_scale();
    format!(
        "{stage}: {band}\narchitecture: {arch}\nindicative cost: {ind}\ncost at {users}: {cost} ({what})\n",
        band = stage.user_band(),
        arch = stage.architecture(),
        ind = stage.indicative_cost(),
        users = row.users,
        cost = row.monthly,
        what = row.architecture,
    )
}

fn read_snapshot(path: &Path) -> Result<MetricsSnapshot, Failure> {
    let (name, text) = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure(format!("cannot read stdin: {e}")))?;
        ("<stdin>".to_owned(), text)
    } else {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure(format!(
                "cannot read {}: {e}; check the path",
                path.display()
            ))
        })?;
        (path.display().to_string(), text)
    };
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || (path == Path::new("-") && text.trim_start().starts_with('{'));
    if is_json {
        serde_json::from_str(&text).map_err(|e| {
            Failure(format!(
                "{name}:{}:{}: {e}; fix this value or key and retry",
                e.line(),
                e.column()
            ))
        })
    } else {
        toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|s| line_col(&text, s.start))
                .map(|(l, c)| format!(":{l}:{c}"))
                .unwrap_or_default();
            Failure(format!(
                "{name}{at}: {}; fix this value or key and retry",
                e.message()
            ))
        })
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}
