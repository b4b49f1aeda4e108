//! The `scalability-advisor` command: assess a system's metrics, size it for growth, fit the
//! Universal Scalability Law, size queues, and work with rule packs.
//!
//! Exit codes: 0 success; 1 a finding at or above `--fail-on`; 2 bad usage or bad input (the
//! message names the file and, for parse errors, the line and column).
#![forbid(unsafe_code)]

#[cfg(feature = "batch")]
mod batch;
mod commands;
mod input;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    match commands::run(cli) {
        Ok(outcome) => {
            print!("{}", outcome.text);
            if outcome.gate_failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(input::Failure(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}
