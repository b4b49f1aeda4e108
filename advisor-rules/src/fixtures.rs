//! Fixture tests for rule packs: snapshots in, expected rule outcomes out (in the spirit of
//! `promtool test rules`).
//!
//! ```toml
//! [[test]]
//! name = "hot database"
//! snapshot = { users = 5000, db_cpu = 0.82 }
//! fired = ["move.2.db_cpu"]
//! not_fired = ["key.cpu.warning"]
//! not_evaluated = ["move.2.response_degrading"]
//! ```

use scalability_advisor_core::{History, MetricsSnapshot};
use serde::Deserialize;

use crate::engine::{Engine, RuleStatus};
use crate::error::Error;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFixtures {
    #[serde(rename = "test")]
    tests: Vec<RawFixture>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFixture {
    name: String,
    snapshot: MetricsSnapshot,
    #[serde(default)]
    history: History,
    #[serde(default)]
    fired: Vec<String>,
    #[serde(default)]
    not_fired: Vec<String>,
    #[serde(default)]
    not_evaluated: Vec<String>,
}

/// The result of one fixture test.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FixtureResult {
    /// The test's name.
    pub name: String,
    /// Each failed expectation, in words; empty when the test passed.
    pub failures: Vec<String>,
}

/// The results of a fixture file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FixtureReport {
    /// One result per test, in file order.
    pub results: Vec<FixtureResult>,
}

impl FixtureReport {
    /// Whether every test passed.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::{run_fixtures, Engine};
    /// let report = run_fixtures(&Engine::default_pack(), "f.toml", r#"[[test]]
    /// name = "hot"
    /// snapshot = { server_cpu = 0.95 }
    /// fired = ["key.cpu.critical"]
    /// "#)?;
    /// assert!(report.passed());
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn passed(&self) -> bool {
        self.results.iter().all(|r| r.failures.is_empty())
    }
}

impl core::fmt::Display for FixtureReport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for r in &self.results {
            if r.failures.is_empty() {
                writeln!(f, "ok      {}", r.name)?;
            } else {
                writeln!(f, "FAILED  {}", r.name)?;
                for x in &r.failures {
                    writeln!(f, "        {x}")?;
                }
            }
        }
        let failed = self
            .results
            .iter()
            .filter(|r| !r.failures.is_empty())
            .count();
        write!(f, "{} passed, {failed} failed", self.results.len() - failed)
    }
}

/// Runs the fixture tests in `text` (TOML) against `engine`.
///
/// # Errors
/// [`Error::Fixture`] when the file is malformed (with line and column) or names a rule the
/// engine lacks.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::{Engine, run_fixtures};
/// let report = run_fixtures(
///     &Engine::default_pack(),
///     "t.toml",
///     r#"
/// [[test]]
/// name = "reads"
/// snapshot = { db_read_share = 0.9 }
/// fired = ["add.read_replicas"]
/// not_evaluated = ["add.cdn"]
/// "#,
/// )?;
/// assert!(report.passed(), "{report}");
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
pub fn run_fixtures(engine: &Engine, file: &str, text: &str) -> Result<FixtureReport, Error> {
    let raw: RawFixtures = toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| {
            let before = &text[..s.start.min(text.len())];
            format!(
                " at line {}, column {}",
                before.matches('\n').count() + 1,
                before.rsplit('\n').next().map_or(0, str::len) + 1
            )
        });
        Error::Fixture {
            file: file.to_owned(),
            message: format!("{}{}", e.message(), at.unwrap_or_default()),
        }
    })?;
    let mut results = Vec::new();
    for t in raw.tests {
        let eval = engine.evaluate(&t.snapshot, &t.history);
        let mut failures = Vec::new();
        for (ids, want) in [
            (&t.fired, RuleStatus::Fired),
            (&t.not_fired, RuleStatus::NotFired),
            (&t.not_evaluated, RuleStatus::NotEvaluated),
        ] {
            for id in ids {
                match engine.status(&eval, id) {
                    None => {
                        return Err(Error::Fixture {
                            file: file.to_owned(),
                            message: format!("test `{}` names unknown rule `{id}`", t.name),
                        });
                    }
                    Some(got) if got != want => {
                        failures.push(format!("{id}: expected {want:?}, got {got:?}"))
                    }
                    Some(_) => {}
                }
            }
        }
        results.push(FixtureResult {
            name: t.name,
            failures,
        });
    }
    Ok(FixtureReport { results })
}
