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

/// The default pack, built directly from code generated from [`DEFAULT_PACK_TOML`]: no
/// parsing, checking or analysis at start-up. `tests::generated_pack_is_current` loads the
/// TOML with every check and keeps the generated code equal to the result.
pub(crate) fn load() -> RulePack {
    crate::default_pack_generated::pack()
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

    #[test]
    fn generated_pack_is_current() {
        // What the TOML loads to, with every check and the analysis.
        let parsed = RulePack::from_toml_str(FILE_NAME, DEFAULT_PACK_TOML).unwrap();
        assert!(parsed.warnings().is_empty(), "{}", parsed.warnings());
        let code = super::codegen::generate(&parsed);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/default_pack_generated.rs");
        if std::env::var_os("UPDATE_DEFAULT_PACK").is_some() {
            std::fs::write(path, &code).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == code,
            "src/default_pack_generated.rs is stale: run `UPDATE_DEFAULT_PACK=1 cargo test -p \
             scalability-advisor-rules default_pack` (which rewrites both generated files) and \
             commit them"
        );
        // The pack the binary uses is the one the TOML loads to.
        assert_eq!(load(), parsed);
    }
}

/// Writes a loaded pack as Rust code that builds it directly, for
/// `default_pack_generated.rs`: the default pack costs no parsing at start-up, and the test
/// below keeps that file equal to what `packs/default.toml` loads to.
#[cfg(test)]
mod codegen {
    use core::fmt::Debug;
    use core::fmt::Write as _;

    use crate::expr::Expr;
    use crate::pack::{Origin, Param, Rule, RulePack};

    fn string(s: &str) -> String {
        format!("String::from({s:?})")
    }

    fn float(v: f64) -> String {
        let text = format!("{v:?}");
        if text.contains(['.', 'e']) {
            text
        } else {
            format!("{text}.0")
        }
    }

    fn path<T: Debug>(prefix: &str, v: T) -> String {
        format!("{prefix}::{v:?}")
    }

    fn option<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
        v.map_or_else(|| "None".into(), |v| format!("Some({})", f(v)))
    }

    fn list<T>(v: impl IntoIterator<Item = T>, f: impl Fn(T) -> String) -> String {
        let items: Vec<String> = v.into_iter().map(f).collect();
        if items.is_empty() {
            "Vec::new()".into()
        } else {
            format!("vec![{}]", items.join(", "))
        }
    }

    fn span(s: crate::expr::Span) -> String {
        format!("Span {{ start: {}, end: {} }}", s.start, s.end)
    }

    fn boxed(e: &Expr) -> String {
        format!("Box::new({})", expr(e))
    }

    fn expr(e: &Expr) -> String {
        match e {
            Expr::Num {
                value,
                dim,
                span: s,
            } => format!(
                "Expr::Num {{ value: {}, dim: {}, span: {} }}",
                float(*value),
                path("Dim", dim),
                span(*s)
            ),
            Expr::Bool { value, span: s } => {
                format!("Expr::Bool {{ value: {value}, span: {} }}", span(*s))
            }
            Expr::Metric { metric, span: s } => format!(
                "Expr::Metric {{ metric: {}, span: {} }}",
                path("Metric", metric),
                span(*s)
            ),
            Expr::Param { name, span: s } => {
                format!(
                    "Expr::Param {{ name: Cow::Borrowed({:?}), span: {} }}",
                    name.as_ref(),
                    span(*s)
                )
            }
            Expr::Neg { inner, span: s } => {
                format!(
                    "Expr::Neg {{ inner: {}, span: {} }}",
                    boxed(inner),
                    span(*s)
                )
            }
            Expr::Not { inner, span: s } => {
                format!(
                    "Expr::Not {{ inner: {}, span: {} }}",
                    boxed(inner),
                    span(*s)
                )
            }
            Expr::Arith {
                op,
                left,
                right,
                span: s,
            } => format!(
                "Expr::Arith {{ op: {}, left: {}, right: {}, span: {} }}",
                path("ArithOp", op),
                boxed(left),
                boxed(right),
                span(*s)
            ),
            Expr::Cmp {
                op,
                left,
                right,
                span: s,
            } => format!(
                "Expr::Cmp {{ op: {}, left: {}, right: {}, span: {} }}",
                path("CmpOp", op),
                boxed(left),
                boxed(right),
                span(*s)
            ),
            Expr::And { items, span: s } => format!(
                "Expr::And {{ items: {}, span: {} }}",
                list(items, expr),
                span(*s)
            ),
            Expr::Or { items, span: s } => format!(
                "Expr::Or {{ items: {}, span: {} }}",
                list(items, expr),
                span(*s)
            ),
            Expr::Series {
                func,
                metric,
                level,
                span: s,
            } => format!(
                "Expr::Series {{ func: {}, metric: {}, level: {}, span: {} }}",
                path("SeriesFn", func),
                path("Metric", metric),
                option(level.as_deref(), boxed),
                span(*s)
            ),
            Expr::Has { component, span: s } => format!(
                "Expr::Has {{ component: {}, span: {} }}",
                path("Component", component),
                span(*s)
            ),
            Expr::Present { metric, span: s } => format!(
                "Expr::Present {{ metric: {}, span: {} }}",
                path("Metric", metric),
                span(*s)
            ),
            Expr::Field { field, span: s } => format!(
                "Expr::Field {{ field: {}, span: {} }}",
                path("EntityField", field),
                span(*s)
            ),
            Expr::Any {
                kind,
                inner,
                span: s,
            } => format!(
                "Expr::Any {{ kind: {}, inner: {}, span: {} }}",
                path("EntityKind", kind),
                boxed(inner),
                span(*s)
            ),
        }
    }

    fn origin(o: &Origin) -> String {
        match o {
            Origin::DefaultPack { line } => format!("Origin::DefaultPack {{ line: {line} }}"),
            Origin::File { file, line } => {
                format!("Origin::File {{ file: {}, line: {line} }}", string(file))
            }
            Origin::Code => "Origin::Code".into(),
        }
    }

    fn components(c: scalability_advisor_core::ComponentSet) -> String {
        format!(
            "ComponentSet::from_components(&[{}])",
            c.iter()
                .map(|c| path("Component", c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn param(p: &Param) -> String {
        format!(
            "Param {{ name: {}, value: {}, dim: {}, text: {}, origin: {} }}",
            string(&p.name),
            float(p.value),
            path("Dim", p.dim),
            string(&p.text),
            origin(&p.origin)
        )
    }

    fn rule(r: &Rule) -> String {
        let mut o = String::from("Rule {\n");
        let mut field = |name: &str, value: String| {
            let _ = writeln!(o, "        {name}: {value},");
        };
        field("id", string(&r.id));
        field("title", format!("Cow::Borrowed({:?})", &*r.title));
        field("when", format!("Cow::Borrowed({:?})", &*r.when));
        field("when_expr", expr(&r.when_expr));
        field("stages", list(&r.stages, |s| path("Stage", s)));
        field("severity", path("Severity", r.severity));
        field("priority", r.priority.to_string());
        field("layer", option(r.layer, |v| path("Layer", v)));
        field("symptom", option(r.symptom, |v| path("Symptom", v)));
        field("remedy", option(r.remedy, |v| path("Remedy", v)));
        field("step", option(r.step, |v| path("LadderStep", v)));
        field("ladder", option(r.ladder, |v| path("Symptom", v)));
        field("moves_to", option(r.moves_to, |v| path("Stage", v)));
        field(
            "overdue_severity",
            option(r.overdue_severity, |v| path("Severity", v)),
        );
        field("action", option(r.action.as_deref(), string));
        field(
            "step_title",
            option(r.step_title.as_deref(), |s| format!("Cow::Borrowed({s:?})")),
        );
        field("advice", format!("Cow::Borrowed({:?})", &*r.advice));
        field(
            "made_advice",
            option(r.made_advice.as_deref(), |s| {
                format!("Cow::Borrowed({s:?})")
            }),
        );
        field(
            "references",
            list(&r.references, |s| format!("Cow::Borrowed({:?})", &**s)),
        );
        field("supersedes", list(&r.supersedes, |s| string(s)));
        field(
            "hold_for",
            option(r.hold_for, |d| {
                format!(
                    "core::time::Duration::new({}, {})",
                    d.as_secs(),
                    d.subsec_nanos()
                )
            }),
        );
        field(
            "hold_evaluations",
            option(r.hold_evaluations, |v| v.to_string()),
        );
        field("clear", option(r.clear.as_deref(), string));
        field("clear_expr", option(r.clear_expr.as_ref(), expr));
        field("missing", path("MissingData", r.missing));
        field("recommends", components(r.recommends));
        field("discourages", components(r.discourages));
        field("origin", origin(&r.origin));
        field("when_offset", r.when_offset.to_string());
        o.push_str("    }");
        o
    }

    /// The whole generated file.
    pub(super) fn generate(pack: &RulePack) -> String {
        let mut o = String::new();
        o.push_str(
            "//! The default pack, built directly: generated from `packs/default.toml` by the test\n\
             //! `default_pack::tests::generated_pack_is_current` (run it with\n\
             //! `UPDATE_DEFAULT_PACK=1` after editing the TOML). Do not edit by hand.\n\n\
             use std::borrow::Cow;\n\n\
             use scalability_advisor_core::bottleneck::Layer;\n\
             use scalability_advisor_core::{Component, ComponentSet, EntityField, EntityKind, LadderStep, Metric, Remedy, Stage, Symptom};\n\n\
             use crate::diagnostic::Diagnostics;\n\
             use crate::expr::{ArithOp, CmpOp, Dim, Expr, SeriesFn, Span};\n\
             use crate::pack::{MissingData, Origin, Param, Rule, RulePack, Severity};\n\n",
        );
        let _ = writeln!(o, "/// The default pack, as `packs/default.toml` loads it.");
        let _ = writeln!(o, "pub(crate) fn pack() -> RulePack {{");
        let _ = writeln!(o, "    RulePack {{");
        let _ = writeln!(o, "        name: {},", string(&pack.name));
        let _ = writeln!(o, "        version: {},", string(&pack.version));
        let _ = writeln!(o, "        params: vec![");
        for p in &pack.params {
            let _ = writeln!(o, "            {},", param(p));
        }
        let _ = writeln!(o, "        ],");
        let _ = writeln!(o, "        rules: rules(),");
        let _ = writeln!(o, "        disabled: Vec::new(),");
        let _ = writeln!(o, "        warnings: Diagnostics::default(),");
        let _ = writeln!(o, "    }}");
        let _ = writeln!(o, "}}\n");
        let _ = writeln!(o, "fn rules() -> Vec<Rule> {{");
        let _ = writeln!(o, "    vec![");
        for r in &pack.rules {
            let _ = writeln!(o, "    {},", rule(r));
        }
        let _ = writeln!(o, "    ]");
        let _ = writeln!(o, "}}");
        o
    }
}
