//! Reading input files: snapshots, series, packs, plans and CSV measurements.

use std::io::Read;
use std::path::Path;

use scalability_advisor_core::{History, MetricsSnapshot};

/// A failure reported to the user with exit code 2.
#[derive(Debug)]
pub(crate) struct Failure(pub(crate) String);

/// What an input file holds, and so how large it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A metrics snapshot: 16 MiB (a full snapshot without entities is about 2 KiB; the room
    /// is for lists of up to 10,000 tables and statements with their figures).
    Snapshot,
    /// Series: 64 MiB (a million CSV samples is about 25 MiB).
    Series,
    /// A rule pack: `MAX_PACK_BYTES`, the loader's own limit (4 MiB).
    Pack,
    /// Pack fixtures: 16 MiB.
    Fixtures,
    /// A plan file: 1 MiB.
    Plan,
    /// USL measurements: 16 MiB.
    Measurements,
    /// A load test's raw output (k6 JSON lines, Locust history): 256 MiB.
    LoadTest,
}

impl Kind {
    /// The most bytes a file of this kind may have.
    pub(crate) const fn limit(self) -> u64 {
        const MIB: u64 = 1024 * 1024;
        match self {
            Kind::Plan => MIB,
            Kind::Snapshot => 16 * MIB,
            Kind::Series => 64 * MIB,
            Kind::Pack => scalability_advisor_rules::MAX_PACK_BYTES as u64,
            Kind::Fixtures | Kind::Measurements => 16 * MIB,
            Kind::LoadTest => 256 * MIB,
        }
    }

    const fn name(self) -> &'static str {
        match self {
            Kind::Snapshot => "snapshot",
            Kind::Series => "series",
            Kind::Pack => "rule pack",
            Kind::Fixtures => "fixtures",
            Kind::Plan => "plan",
            Kind::Measurements => "measurements",
            Kind::LoadTest => "load-test output",
        }
    }
}

/// Reads a file, or stdin for `-`, of at most `kind`'s size (checked before anything is
/// parsed, and while reading, so that an endless stream stops at the limit); returns the
/// display name and the text without a leading byte-order mark.
pub(crate) fn read(path: &Path, kind: Kind) -> Result<(String, String), Failure> {
    let limit = kind.limit();
    let (name, mut reader): (String, Box<dyn Read>) = if path == Path::new("-") {
        ("<stdin>".to_owned(), Box::new(std::io::stdin().lock()))
    } else {
        let name = path.display().to_string();
        let file = std::fs::File::open(path)
            .map_err(|e| Failure(format!("cannot read {name}: {e}; check the path")))?;
        if let Ok(meta) = file.metadata()
            && meta.is_file()
            && meta.len() > limit
        {
            return Err(too_large(&name, kind, Some(meta.len())));
        }
        (name, Box::new(file))
    };
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure(format!("cannot read {name}: {e}")))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(too_large(&name, kind, None));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        Failure(format!(
            "{name}: not UTF-8 text (invalid byte at offset {}); save the file as UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok((name, text))
}

fn too_large(name: &str, kind: Kind, size: Option<u64>) -> Failure {
    let size = size.map_or_else(|| "more than that".to_owned(), |s| format!("{s} bytes"));
    Failure(format!(
        "{name}: a {} file may be at most {} bytes, this one is {size}; split or downsample it",
        kind.name(),
        kind.limit()
    ))
}

/// Whether the text should be read as JSON: a `.json` name, or stdin starting with `{`/`[`.
pub(crate) fn is_json(name: &str, text: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
        || (name == "<stdin>" && text.trim_start().starts_with(['{', '[']))
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    (
        before.matches('\n').count() + 1,
        before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
    )
}

/// Parses TOML or JSON into `T`, with file:line:column and the field's path in errors
/// (`plan.toml:3:12: hot_fraction: ratio must be in 0..=1, got 1.5`).
pub(crate) fn parse_document<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
) -> Result<T, Failure> {
    // The field's path, unless the problem is with the document as a whole.
    let field = |path: &serde_path_to_error::Path| {
        let p = path.to_string();
        if p == "." || p.is_empty() {
            String::new()
        } else {
            format!("{p}: ")
        }
    };
    if is_json(name, text) {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = field(e.path());
            let inner = e.into_inner();
            // serde_json ends its message with the place, which is printed first here.
            let message = inner.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            // serde_json puts an error found before the first character of a line (a value
            // of the wrong type at the very start) in column 0; columns here start at 1.
            Failure(format!(
                "{name}:{}:{}: {path}{message}; fix this value or key and retry",
                inner.line(),
                inner.column().max(1)
            ))
        })
    } else {
        let syntax = |e: toml::de::Error| {
            let at = e
                .span()
                .map(|s| line_col(text, s.start))
                .map(|(l, c)| format!(":{l}:{c}"))
                .unwrap_or_default();
            Failure(format!(
                "{name}{at}: {}; fix this value or key and retry",
                e.message().trim_end()
            ))
        };
        let de = toml::Deserializer::parse(text).map_err(syntax)?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = field(e.path());
            let inner = e.into_inner();
            let at = inner
                .span()
                .map(|s| line_col(text, s.start))
                .map(|(l, c)| format!(":{l}:{c}"))
                .unwrap_or_default();
            Failure(format!(
                "{name}{at}: {path}{}; fix this value or key and retry",
                inner.message().trim_end()
            ))
        })
    }
}

/// A document that must be a table (a TOML table, a JSON object). serde's derive also reads
/// a struct from a list, field by field in order; a plan file given as a JSON list would be
/// read that way, silently.
struct Table<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Table<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<T>(core::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = Table<T>;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a table of keys and values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Table<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Table)
            }
        }
        d.deserialize_map(Visitor(core::marker::PhantomData))
    }
}

/// [`parse_document`] for a document that must be a table.
pub(crate) fn parse_table<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
) -> Result<T, Failure> {
    parse_document::<Table<T>>(name, text).map(|t| t.0)
}

/// Reads a snapshot file.
pub(crate) fn snapshot(path: &Path) -> Result<MetricsSnapshot, Failure> {
    let (name, text) = read(path, Kind::Snapshot)?;
    parse_document(&name, &text)
}

/// Reads a series file: JSON (a list of `{ "metric", "samples": [{ "at_s", "value" }] }`) or
/// CSV with rows `metric,at_s,value` (a header row is allowed).
pub(crate) fn history(path: &Path) -> Result<History, Failure> {
    let (name, text) = read(path, Kind::Series)?;
    if is_json(&name, &text) {
        return parse_document(&name, &text);
    }
    History::from_csv(&text).map_err(|e| match e {
        scalability_advisor_core::Error::CsvRow {
            line,
            column,
            message,
        } => Failure(format!("{name}:{line}:{column}: {message}")),
        other => Failure(format!("{name}: {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_inside_a_character_is_that_characters() {
        // "é" is two bytes (1 and 2 of "aé"): byte 2 is inside it, and reads as its column.
        assert_eq!(line_col("aé", 1), (1, 2));
        assert_eq!(line_col("aé", 2), (1, 2));
        assert_eq!(line_col("aé", 3), (1, 3));
        // Past the end is the end; lines count from 1.
        assert_eq!(line_col("x\ny€z", 5), (2, 2));
        assert_eq!(line_col("x\ny", 99), (2, 2));
    }
}
