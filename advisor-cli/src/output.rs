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

/// Wraps lines longer than 80 columns at spaces, indenting continuations under the text.
/// One pass over the text, keeping the current line's width as a count.
pub(crate) fn wrap80(text: &str) -> String {
    const WIDTH: usize = 80;
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.lines() {
        let ascii = line.is_ascii();
        if line.len() <= WIDTH || (!ascii && line.chars().count() <= WIDTH) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let hang = (indent + 4).min(40);
        out.push_str(&line[..indent]);
        if ascii && !body.ends_with(' ') && !body.contains("  ") {
            wrap_single_spaced(&mut out, body.as_bytes(), indent, hang, WIDTH);
            continue;
        }
        let mut col = indent;
        let mut fresh = true; // nothing written on this output line yet
        // The words placed on the current output line are `body[seg_start..seg_end]` (words
        // sit one space apart, as in the text), copied out in one piece when the line ends.
        // Words are cut with a byte loop: `split(' ')` searches with `memchr`, whose set-up
        // costs more than the few bytes of a word. A space is one byte in UTF-8, so every cut
        // falls on a character boundary and `get` always succeeds.
        let bytes = body.as_bytes();
        let (mut start, mut seg_start, mut seg_end) = (0usize, 0usize, 0usize);
        loop {
            let end = bytes
                .get(start..)
                .and_then(|b| b.iter().position(|&c| c == b' '))
                .map_or(bytes.len(), |i| start + i);
            let w = if ascii {
                end - start
            } else {
                body.get(start..end).map_or(0, |word| word.chars().count())
            };
            if !fresh && col + 1 + w > WIDTH {
                out.push_str(body.get(seg_start..seg_end).unwrap_or_default());
                // Drop the spaces a run of empty words left at the end.
                while out.ends_with(' ') {
                    out.pop();
                }
                out.push('\n');
                push_spaces(&mut out, hang);
                col = hang;
                fresh = true;
            }
            if fresh {
                seg_start = start;
            } else {
                col += 1;
            }
            seg_end = end;
            col += w;
            fresh = false;
            if end >= bytes.len() {
                break;
            }
            start = end + 1;
        }
        out.push_str(body.get(seg_start..seg_end).unwrap_or_default());
        while out.ends_with(' ') {
            out.pop();
        }
        out.push('\n');
    }
    out
}

/// Forty spaces, the deepest hanging indent.
const SPACES: &str = "                                        ";

/// Appends `n` spaces (at most 40) in one copy.
fn push_spaces(out: &mut String, n: usize) {
    out.push_str(SPACES.get(..n).unwrap_or(SPACES));
}

/// [`wrap80`] for an ASCII line whose words sit one space apart (no run of spaces, none at
/// the end), `body` after an indent of `indent` columns already written: each output line
/// takes the longest run of whole words that fits, found by looking back from the width
/// for a space (one backward scan of at most `width` bytes per output line, instead of one
/// test per byte and per word), and a first word longer than the room left goes on its line
/// alone, as the word-by-word loop places it.
fn wrap_single_spaced(out: &mut String, body: &[u8], indent: usize, hang: usize, width: usize) {
    // ASCII, so every byte is a character and every cut is a character boundary.
    let text = |range: core::ops::Range<usize>| {
        core::str::from_utf8(body.get(range).unwrap_or_default()).unwrap_or_default()
    };
    let mut start = 0;
    let mut col = indent;
    loop {
        let rest = body.len() - start;
        let room = width.saturating_sub(col);
        if rest <= room {
            out.push_str(text(start..body.len()));
            break;
        }
        // The last space at most `room` bytes in: the words before it fit.
        let fits = body
            .get(start..=start + room)
            .and_then(|window| window.iter().rposition(|&c| c == b' '))
            .filter(|&p| p > 0);
        // Otherwise the first word, too long for the room, alone.
        let Some(cut) = fits.or_else(|| {
            body.get(start..)
                .and_then(|tail| tail.iter().position(|&c| c == b' '))
        }) else {
            out.push_str(text(start..body.len()));
            break;
        };
        out.push_str(text(start..start + cut));
        out.push('\n');
        push_spaces(out, hang);
        col = hang;
        start += cut + 1;
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first implementation (word by word into a growing `current` line), kept as the
    /// reference the one-pass version must agree with.
    fn wrap80_reference(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for line in text.lines() {
            if line.chars().count() <= 80 {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            let hang = " ".repeat((indent + 4).min(40));
            let mut current = String::new();
            for word in line.trim_start().split(' ') {
                let prefix = if current.is_empty() {
                    if out.ends_with('\n') || out.is_empty() {
                        " ".repeat(indent)
                    } else {
                        hang.clone()
                    }
                } else {
                    String::new()
                };
                let candidate_len = current.chars().count()
                    + prefix.chars().count()
                    + word.chars().count()
                    + usize::from(!current.is_empty());
                if !current.is_empty() && candidate_len > 80 {
                    out.push_str(current.trim_end());
                    out.push('\n');
                    current = format!("{hang}{word}");
                } else if current.is_empty() {
                    current = format!("{prefix}{word}");
                } else {
                    current.push(' ');
                    current.push_str(word);
                }
            }
            out.push_str(current.trim_end());
            out.push('\n');
        }
        out
    }

    /// Lines of words one space apart, each after its indent.
    fn text_of(lines: &[(usize, Vec<String>)]) -> String {
        lines
            .iter()
            .map(|(indent, words)| format!("{}{}\n", " ".repeat(*indent), words.join(" ")))
            .collect()
    }

    proptest! {
        #[test]
        fn one_pass_wrap_agrees_with_the_reference(
            lines in proptest::collection::vec(
                (0usize..12, proptest::collection::vec("[a-zé→]{1,14}|[a-z]{60,90}|", 0..40)),
                1..6,
            )
        ) {
            let text = text_of(&lines);
            prop_assert_eq!(wrap80(&text), wrap80_reference(&text));
        }

        /// The single-spaced ASCII lines of reports take the backward-scan path: the
        /// strategy above rarely draws one (its words hold `é` and `→`, and empty words make
        /// runs of spaces).
        #[test]
        fn single_spaced_ascii_lines_wrap_as_the_reference_does(
            lines in proptest::collection::vec(
                (0usize..100, proptest::collection::vec("[a-z]{1,14}|[a-z]{60,90}|[a-z.,:()]{1,6}", 1..60)),
                1..6,
            )
        ) {
            let text = text_of(&lines);
            prop_assert_eq!(wrap80(&text), wrap80_reference(&text));
        }
    }

    #[test]
    fn wraps_long_lines_with_hanging_indent() {
        let long = format!("  {}", "word ".repeat(30).trim_end());
        let wrapped = wrap80(&long);
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 80),
            "{wrapped}"
        );
        assert!(wrapped.lines().nth(1).unwrap().starts_with("      word"));
        assert_eq!(wrap80("short\n"), "short\n");
    }
}
