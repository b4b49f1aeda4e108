//! The built-in default pack, embedded at compile time.
//!
//! The pack's source is `advisor-rules/packs/default.toml`; [`DEFAULT_PACK_TOML`] holds it
//! verbatim, so it can be printed, diffed and copied as the starting point of a user pack.
//! Every rule, its condition and its source:
#![doc = include_str!("../docs/default-pack.md")]

use crate::pack::RulePack;

/// The file name the default pack's diagnostics and origins refer to.
pub const FILE_NAME: &str = "default.toml";

/// The default pack's TOML source.
pub const DEFAULT_PACK_TOML: &str = include_str!("../packs/default.toml");

pub(crate) fn load() -> RulePack {
    // Cannot fail: `tests::default_pack_loads_without_diagnostics` loads this exact text.
    match RulePack::from_toml_str(FILE_NAME, DEFAULT_PACK_TOML) {
        Ok(pack) => pack,
        Err(_) => RulePack::from_parts(
            "default (failed to load)".into(),
            "0.0.0".into(),
            Vec::new(),
            Vec::new(),
        ),
    }
}

/// The reference table of the default pack in Markdown (the table in these docs; a test
/// keeps the two equal).
///
/// # Examples
/// ```
/// let table = scalability_advisor_rules::default_pack::reference_table();
/// assert!(table.contains("| `key.p95.warning` |"));
/// ```
#[must_use]
pub fn reference_table() -> String {
    let pack = load();
    let mut out =
        String::from("| rule | severity | role | condition | source |\n|---|---|---|---|---|\n");
    for r in pack.rules() {
        let mut role: Vec<String> = Vec::new();
        if let Some(l) = r.ladder {
            role.push(format!("ladder: {l}"));
        }
        if let Some(s) = r.moves_to {
            role.push(format!("moves to {}", s.name()));
        }
        if let Some(s) = r.symptom {
            role.push(format!("evidence of {s}"));
        }
        if let Some(rem) = r.remedy {
            role.push(format!("remedy: {rem}"));
        }
        if let Some(a) = &r.action {
            role.push(format!("action: {a}"));
        }
        if !r.recommends.is_empty() {
            role.push(format!("adds {}", r.recommends));
        }
        if !r.discourages.is_empty() {
            role.push(format!("premature: {}", r.discourages));
        }
        if !r.stages.is_empty() {
            role.push(format!(
                "stages: {}",
                r.stages
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let stages = if role.is_empty() {
            "-".to_owned()
        } else {
            role.join("; ")
        };
        let when = r.when.replace('|', "\\|");
        let source = r.references.join("; ").replace('|', "\\|");
        out.push_str(&format!(
            "| `{}` | {} | {} | `{}` | {} |\n",
            r.id, r.severity, stages, when, source
        ));
    }
    out.push_str("\nParameters (override any of them in a layered pack):\n\n| parameter | value |\n|---|---|\n");
    for p in pack.params() {
        out.push_str(&format!("| `${}` | {} |\n", p.name, p.text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_table_is_up_to_date() {
        let expected = reference_table();
        let actual = include_str!("../docs/default-pack.md");
        assert!(
            actual == expected,
            "advisor-rules/docs/default-pack.md is stale; replace its content with:\n{expected}"
        );
    }
}
