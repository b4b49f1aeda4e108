//! Output formats and terminal colour.

use std::io::IsTerminal;

use clap::ValueEnum;

/// Output format of every subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Plain text for an 80-column terminal.
    Text,
    /// Markdown for tickets and chat.
    Markdown,
    /// JSON for programs (stable, documented shapes).
    Json,
}

/// Whether to colour text output: only on a terminal, and never when `NO_COLOR` is set.
pub(crate) fn use_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Colours severity tags in text output.
pub(crate) fn colour(text: String) -> String {
    if !use_colour() {
        return text;
    }
    text.replace("[critical]", "\u{1b}[1;31m[critical]\u{1b}[0m")
        .replace("[warning]", "\u{1b}[33m[warning]\u{1b}[0m")
        .replace("[info]", "\u{1b}[36m[info]\u{1b}[0m")
}

/// Serializes to pretty JSON with a trailing newline.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<String, crate::input::Failure> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| crate::input::Failure(format!("cannot write JSON: {e}")))
}
