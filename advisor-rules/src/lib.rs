//! Declarative rule packs evaluated over [`scalability_advisor_core`] metrics: the condition language,
//! the engine, the built-in default pack, assessments and their reports.
//!
//! A pack is a TOML or JSON file of named parameters and rules. Each rule has a condition in
//! a small, typed language over the metric vocabulary of [`scalability_advisor_core::Metric`], with
//! unit-bearing literals (`db_cpu > 70%`, `p95 > 500ms`, `replica_lag > 5s`), arithmetic
//! between metrics, and series functions for the guidance's vague words
//! (`consistently_above`, `degrading`, `plateauing`). Loading reports every problem at once,
//! each with file, line, column and a caret excerpt. Evaluation gives each rule one of three
//! outcomes (fired, not fired, not evaluated with what was missing), evidence for every
//! finding, and a deterministic order.
//!
//! ```
//! use scalability_advisor_rules::{assess, Engine, PackFormat, RulePack};
//! use scalability_advisor_rules::scalability_advisor_core::units::{Ratio, Users};
//! use scalability_advisor_rules::scalability_advisor_core::{History, MetricsSnapshot};
//!
//! // The default pack, with one threshold overridden for this environment.
//! let pack = RulePack::default_pack().layer("prod.toml", r#"name = "prod"
//! [params]
//! cpu_warning = "90%"
//! "#, PackFormat::Toml)?;
//! let engine = Engine::new(pack)?;
//! let snap = MetricsSnapshot::default()
//!     .with_users(Users::new(30_000))
//!     .with_server_cpu(Ratio::from_percent(88.0)?)
//!     .with_db_read_share(Ratio::from_percent(91.0)?);
//! let a = assess(&engine, &snap, &History::new());
//! // 88% is past the 70% target but below the 90% override of the warning level:
//! let ids: Vec<&str> = a.findings.iter().map(|f| f.id.as_str()).collect();
//! assert!(ids.contains(&"key.cpu.warning") && !ids.contains(&"key.cpu.critical"));
//! assert!(a.findings.iter().any(|f| f.id == "add.read_replicas"));
//! println!("{}", a.to_text());
//! # Ok::<(), scalability_advisor_rules::Error>(())
//! ```
//!
//! The language of packs is described in [`language`].
//!
//! # By task
//! - **Get a report**: [`assess`] (or [`assess_with`] and an [`AdvisorConfig`](scalability_advisor_core::AdvisorConfig))
//!   gives an [`Assessment`]: a [`PlanStep`] list first, then the [`StageView`],
//!   [`NextStage`], [`AssessedFinding`]s, [`HeldBack`] rungs and [`ChecklistReport`]s, as
//!   text, Markdown or JSON. How the plan is built: [`advice`].
//! - **Write and load rules**: [`RulePack`] (load TOML or JSON, layer, print with origins),
//!   [`PackFormat`], [`Rule`], [`Param`], [`Origin`]; the language reference is
//!   [`language`]; from code, [`PackBuilder`], [`RuleBuilder`], [`Cond`], [`Operand`].
//! - **Fix a pack**: every problem at once as [`Diagnostics`] of [`Diagnostic`]s with line,
//!   column and help; test a pack with [`run_fixtures`].
//! - **Evaluate once**: [`Engine::evaluate`] gives an [`Evaluation`] of [`Finding`]s (each
//!   with its [`RuleId`]) and [`RuleStatus`]es; [`Engine::explain`] gives the
//!   [`RuleEvidence`].
//! - **Run in a loop**: [`Engine::advance`] carries a [`State`] (for `for` and `clear`
//!   hysteresis) and returns a [`StepReport`] of [`Change`]s: started, still firing,
//!   resolved, each with evidence.
//! - **Know the built-in rules**: [`default_pack`] documents every rule and its source.
//!
//! # Crate features
//! - `serde` (on by default): forwards to `advisor-core/serde`; packs are always read with
//!   serde, so the feature cannot be turned off (a build without it stops with a message
//!   that says so).
//! - `schema` (off by default): `pack_schema()`, the JSON Schema of the pack format, and
//!   `advisor-core/schema`.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs_advisor, feature(doc_cfg))]

// Packs are read and assessments written with serde whatever the features say; without the
// feature the derives it gates are missing. Say so, instead of a screen of trait errors.
#[cfg(not(feature = "serde"))]
compile_error!(
    "scalability-advisor-rules needs its `serde` feature (on by default): packs are read and \
     reports written with serde. Keep `default-features = true`, or list `features = [\"serde\"]`."
);

/// The rule-pack language: every key, operator, function, literal, unit, missing-data
/// policy and limit.
#[doc = include_str!("../docs/language.md")]
pub mod language {}

/// How an assessment turns findings into a plan of action: evidence, the roles of rules,
/// ladders, transitions, held-back rungs, ordering, stages and checklists.
#[doc = include_str!("../docs/advice.md")]
pub mod advice {}

mod analysis;
mod assessment;
mod builder;
pub mod default_pack;
// Generated from packs/default.toml (see `default_pack::load`); not formatted by rustfmt.
#[rustfmt::skip]
mod default_pack_generated;
mod diagnostic;
mod engine;
mod error;
mod expr;
mod fixtures;
mod locks;
mod pack;
mod plan;
mod promql;
mod structure;
mod summary;

/// The README's code, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use assessment::{
    ASSESSMENT_FORMAT, AssessedFinding, Assessment, CanWait, ChecklistReport, HeldBack,
    MAX_SUBJECTS_SHOWN, NextStage, NotJudged, PlanStep, RankedLayer, StageView, StepKey, WhenToAdd,
    assess, assess_with,
};
pub use builder::{Cond, Operand, PackBuilder, RuleBuilder};
pub use diagnostic::{Diagnostic, DiagnosticKind, DiagnosticLevel, Diagnostics, MAX_DIAGNOSTICS};
pub use engine::{
    Change, ChangeKind, ComparisonSite, Engine, Evaluation, EvidenceSubject, Finding,
    MAX_COMPARISONS, MissingInput, Observation, Reading, RuleEvidence, RuleId, RuleStatus, State,
    StepReport, Subject,
};
pub use error::Error;
pub use expr::{CmpOp, Dim, SeriesFn, Span};
pub use fixtures::{FixtureReport, FixtureResult, run_fixtures};
#[cfg(feature = "schema")]
pub use pack::pack_schema;
pub use pack::{
    FORMAT_VERSION, MAX_PACK_BYTES, MAX_RULES, MissingData, Origin, PackFormat, Param, Rule,
    RulePack, Severity,
};
pub use promql::{NotExported, PromqlRule, promql_rule_file};
pub use scalability_advisor_core;
pub use summary::{
    Summary, SummaryBuffers, SummaryParts, summarize, summarize_into, summarize_parts,
    summarize_with,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pack_loads_without_diagnostics() {
        let pack =
            RulePack::from_toml_str(default_pack::FILE_NAME, default_pack::DEFAULT_PACK_TOML)
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(pack.warnings().is_empty(), "{}", pack.warnings());
        let engine = Engine::new(pack).unwrap();
        assert!(engine.rules().len() > 40);
    }
}
