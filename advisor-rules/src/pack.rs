//! Rule packs: the file format, loading with diagnostics, parameters and layering.

use core::fmt;
use core::time::Duration;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use scalability_advisor_core::bottleneck::Layer;
use scalability_advisor_core::{Component, ComponentSet, LadderStep, Remedy, Stage, Symptom};
use serde::Deserialize;

use crate::diagnostic::{
    Diagnostic, DiagnosticKind, DiagnosticLevel, Diagnostics, Source, floor_char_boundary,
};
use crate::error::Error;
use crate::expr::{self, Dim, Expr, ExprErrorKind};

/// The rule-pack format version this crate reads.
pub const FORMAT_VERSION: u32 = 1;

/// How urgent a finding is.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Good to know.
    Info,
    /// Act soon.
    Warning,
    /// Act now.
    Critical,
}

impl Severity {
    /// The next severity up (critical stays critical).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Severity;
    /// assert_eq!(Severity::Info.raised(), Severity::Warning);
    /// assert_eq!(Severity::Critical.raised(), Severity::Critical);
    /// ```
    #[must_use]
    pub const fn raised(self) -> Severity {
        match self {
            Severity::Info => Severity::Warning,
            Severity::Warning | Severity::Critical => Severity::Critical,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        })
    }
}

/// What a rule does when a metric its condition needs is missing.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[serde(rename_all = "snake_case")]
pub enum MissingData {
    /// Report the rule as not evaluated, naming what is missing (the default).
    #[default]
    NotEvaluated,
    /// Treat the unknown as "holds": fire, noting the missing data in the evidence.
    Fire,
    /// Treat the unknown as "does not hold".
    Ignore,
}

/// Where a rule or a parameter value came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Origin {
    /// The built-in default pack.
    DefaultPack {
        /// Line in the default pack's source.
        line: usize,
    },
    /// A user file.
    File {
        /// The file name given when loading.
        file: String,
        /// 1-based line.
        line: usize,
    },
    /// Built in Rust with [`crate::RuleBuilder`].
    Code,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::DefaultPack { line } => write!(f, "default pack, line {line}"),
            Origin::File { file, line } => write!(f, "{file}:{line}"),
            Origin::Code => f.write_str("code"),
        }
    }
}

/// A named threshold that rules reference as `$name`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Param {
    /// The name, without `$`.
    pub name: String,
    /// The value in canonical units (fractions, seconds, per second).
    pub value: f64,
    /// Its dimension.
    pub dim: Dim,
    /// The value as written (`500ms`).
    pub text: String,
    /// Where the value came from.
    pub origin: Origin,
}

/// One rule of a pack.
///
/// Serialized with every public field; reading one back parses its conditions again.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RuleData"))]
pub struct Rule {
    /// Unique id (`key.p95.warning`).
    pub id: String,
    /// One-line title. (Borrowed for the default pack, owned for a pack read from a file, as
    /// [`Rule::references`].)
    pub title: Cow<'static, str>,
    /// The condition as written. (Borrowed for the default pack, owned for a pack read from a
    /// file.)
    pub when: Cow<'static, str>,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) when_expr: Expr,
    /// Stages the rule applies to (empty: all).
    pub stages: Vec<Stage>,
    /// Severity of its finding.
    pub severity: Severity,
    /// Order among findings of the same severity (smaller first).
    pub priority: u32,
    /// The bottleneck layer it points at.
    pub layer: Option<Layer>,
    /// The decision-matrix symptom it addresses.
    pub symptom: Option<Symptom>,
    /// The remedy it recommends.
    pub remedy: Option<Remedy>,
    /// The rung of the symptom's ladder that remedy is.
    pub step: Option<LadderStep>,
    /// The decision-matrix ladder this rule detects: its finding advises the ladder's
    /// current rung, worked out by [`scalability_advisor_core::Symptom::position`] (file key `ladder`).
    pub ladder: Option<Symptom>,
    /// The stage this rule's condition says to move to (file key `moves_to`). The rule runs
    /// at every size; once the user count is in or past that stage, the move is overdue and
    /// the finding's severity is raised to [`Rule::overdue_severity`].
    pub moves_to: Option<Stage>,
    /// Severity of an overdue transition (default: one level above `severity`).
    pub overdue_severity: Option<Severity>,
    /// The plan step this finding belongs to, when it is not derived from the ladder, the
    /// remedy, the recommended components or the transition (file key `action`): findings
    /// with the same action are merged into one step.
    pub action: Option<String>,
    /// The title of the plan step the rule's finding opens when that step is its own (an
    /// [`Rule::action`] step, or the rule's alone), as an instruction: "Relieve the
    /// connection pool" where [`Rule::title`] says what was found, "Connection pool past its
    /// warning level" (file key `step_title`; default: the title). A step on a ladder's rung,
    /// a stage move or a component has a title of its own, so the key is refused on a rule
    /// with `remedy` or `ladder`. Rules that share an action open one step, titled by the
    /// step title of the rule that advises it (the first by severity, then priority), or,
    /// when it gives none, by the others' (which must then agree: different ones are refused
    /// unless every rule of the action gives one). (Borrowed for the default pack, owned for
    /// a pack read from a file, as [`Rule::references`].)
    pub step_title: Option<Cow<'static, str>>,
    /// What to do, in words. (Borrowed for the default pack, owned for a pack read from a
    /// file.)
    pub advice: Cow<'static, str>,
    /// What to do once what the rule calls for is in place, replacing [`Rule::advice`], which
    /// speaks of putting it there (file key `made_advice`). For a transition (`moves_to`),
    /// once the move is made ([`Rule::move_made`]: the declared architecture has everything
    /// its stage calls for, or everything the rule `recommends`); for another rule, once the
    /// declared architecture has everything it `recommends` ([`Rule::recommendation_taken`]).
    /// (Borrowed for the default pack, owned for a pack read from a file.)
    pub made_advice: Option<Cow<'static, str>>,
    /// Where the rule's facts and figures come from. (Borrowed for the default pack, whose
    /// texts are built into the library, so that loading it copies none of them; owned for
    /// a pack read from a file.)
    pub references: Vec<Cow<'static, str>>,
    /// Rules whose findings this one replaces when both fire.
    pub supersedes: Vec<String>,
    /// For how long the condition must hold before the rule fires (with [`crate::Engine::step`]).
    pub hold_for: Option<Duration>,
    /// For how many consecutive evaluations it must hold (with [`crate::Engine::step`]).
    pub hold_evaluations: Option<u32>,
    /// A separate condition that clears a firing rule (hysteresis).
    pub clear: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) clear_expr: Option<Expr>,
    /// What missing data means for the rule.
    pub missing: MissingData,
    /// Components the rule recommends adding.
    pub recommends: ComponentSet,
    /// Components the rule says are premature.
    pub discourages: ComponentSet,
    /// Where the rule came from.
    pub origin: Origin,
    /// Byte span of the condition in its source (for diagnostics).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) when_offset: usize,
}

/// A loaded, checked rule pack: parameters and rules with their origins.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::RulePack;
/// let pack = RulePack::from_toml_str(
///     "mine.toml",
///     r#"
/// name = "mine"
/// version = "1.0.0"
/// [params]
/// lag = "2s"
/// [[rule]]
/// id = "lag"
/// title = "Replica lag"
/// when = "replica_lag > $lag"
/// severity = "warning"
/// advice = "Find what holds the replicas back."
/// "#,
/// )?;
/// assert_eq!(pack.rules().len(), 1);
/// assert_eq!(pack.param("lag").unwrap().value, 2.0);
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PackData"))]
pub struct RulePack {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) params: Vec<Param>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) disabled: Vec<String>,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) warnings: Diagnostics,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPack {
    pub(crate) format: Option<u32>,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) version: Option<String>,
    #[serde(default)]
    pub(crate) params: BTreeMap<String, RawValue>,
    #[serde(default)]
    pub(crate) disable: Vec<String>,
    #[serde(default, alias = "rules")]
    pub(crate) rule: Vec<RawRule>,
    /// Where each parameter's key and each `disable` entry are (TOML keeps spans; JSON does
    /// not, and these stay empty).
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub(crate) param_spans: BTreeMap<String, (usize, usize)>,
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub(crate) disable_spans: Vec<(usize, usize)>,
}

/// Where a rule's keys' values are in the source, when the format keeps spans (TOML).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RuleSpans {
    pub(crate) id: Option<(usize, usize)>,
    pub(crate) when: Option<(usize, usize)>,
    pub(crate) clear: Option<(usize, usize)>,
    pub(crate) hold_for: Option<(usize, usize)>,
}

pub(crate) enum RawValue {
    Text(String),
    Number(f64),
    Flag(bool),
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for RawValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ParamValue".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "a value with its unit, such as \"500ms\", \"70%\", \"1000/s\", or a plain number",
            "type": ["string", "number", "boolean"]
        })
    }
}

/// The JSON Schema of the rule-pack file format (TOML files follow the same structure).
///
/// # Examples
/// ```
/// let schema = scalability_advisor_rules::pack_schema();
/// assert_eq!(schema["title"], "RawPack");
/// assert!(schema["properties"]["rule"].is_object());
/// ```
#[cfg(feature = "schema")]
#[cfg_attr(docsrs_advisor, doc(cfg(feature = "schema")))]
#[must_use]
pub fn pack_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(RawPack)).unwrap_or_default()
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RawValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a parameter value such as \"500ms\", \"70%\", 20 or true")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Text(v.to_owned()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v))
            }
            #[expect(
                clippy::cast_precision_loss,
                reason = "parameter values are small numbers"
            )]
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v as f64))
            }
            #[expect(
                clippy::cast_precision_loss,
                reason = "parameter values are small numbers"
            )]
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v as f64))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<RawValue, E> {
                Ok(RawValue::Flag(v))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) when: String,
    #[serde(default)]
    pub(crate) stages: Vec<Stage>,
    pub(crate) severity: Severity,
    #[serde(default)]
    pub(crate) priority: u32,
    pub(crate) layer: Option<Layer>,
    pub(crate) symptom: Option<Symptom>,
    pub(crate) remedy: Option<Remedy>,
    pub(crate) step: Option<LadderStep>,
    pub(crate) ladder: Option<Symptom>,
    pub(crate) moves_to: Option<Stage>,
    pub(crate) overdue_severity: Option<Severity>,
    pub(crate) action: Option<String>,
    pub(crate) step_title: Option<String>,
    pub(crate) advice: String,
    pub(crate) made_advice: Option<String>,
    #[serde(default)]
    pub(crate) references: Vec<String>,
    #[serde(default)]
    pub(crate) supersedes: Vec<String>,
    #[serde(rename = "for")]
    #[cfg_attr(
        feature = "schema",
        schemars(description = "how long the condition must hold, such as \"10min\"")
    )]
    pub(crate) hold_for: Option<String>,
    #[serde(rename = "for_evaluations")]
    pub(crate) hold_evaluations: Option<u32>,
    pub(crate) clear: Option<String>,
    #[serde(default)]
    pub(crate) missing: MissingData,
    #[serde(default)]
    pub(crate) recommends: Vec<Component>,
    #[serde(default)]
    pub(crate) discourages: Vec<Component>,
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub(crate) spans: RuleSpans,
}

/// The file formats a pack can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackFormat {
    /// TOML (`[[rule]]` tables).
    Toml,
    /// JSON (`"rule": [...]` or `"rules": [...]`).
    Json,
}

impl PackFormat {
    /// Guesses the format from a file name: `.json` is JSON, anything else TOML.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::PackFormat;
    /// assert_eq!(PackFormat::from_file_name("prod.JSON"), PackFormat::Json);
    /// assert_eq!(PackFormat::from_file_name("prod.toml"), PackFormat::Toml);
    /// ```
    #[must_use]
    pub fn from_file_name(name: &str) -> PackFormat {
        if name.to_ascii_lowercase().ends_with(".json") {
            PackFormat::Json
        } else {
            PackFormat::Toml
        }
    }
}

/// Largest pack file accepted, in bytes.
pub const MAX_PACK_BYTES: usize = 4 * 1024 * 1024;
/// Most rules a pack may hold.
pub const MAX_RULES: usize = 10_000;

impl Rule {
    /// Whether the transition this rule detects (`moves_to`) has been made with
    /// `architecture`: everything its stage calls for is in place
    /// ([`Stage::is_built`]), or everything the rule itself `recommends` is (the move's
    /// answer to this trigger is built: a load balancer for a maxed server, sharding for
    /// saturated writes). Its condition is then a symptom to work on, not a move to plan.
    /// `false` for a rule that is no transition.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// use scalability_advisor_rules::scalability_advisor_core::{Component, ComponentSet};
    /// let pack = RulePack::default_pack();
    /// let maxed = pack.rules().iter().find(|r| r.id == "move.2.cpu_maxed").unwrap();
    /// assert!(!maxed.move_made(ComponentSet::from_components(&[Component::Cdn])));
    /// assert!(maxed.move_made(ComponentSet::from_components(&[Component::LoadBalancer])));
    /// ```
    #[must_use]
    pub fn move_made(&self, architecture: ComponentSet) -> bool {
        self.moves_to
            .is_some_and(|to| move_made(to, self.recommends, architecture))
    }
}

impl Rule {
    /// Whether the declared `architecture` has every component this rule recommends (and it
    /// recommends some): its [`Rule::made_advice`] then replaces its advice, as for a
    /// transition whose move is made.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::Engine;
    /// use scalability_advisor_rules::scalability_advisor_core::{Component, ComponentSet};
    /// let engine = Engine::default_pack();
    /// let pool = engine.rules().find(|r| r.id == "key.pool.critical").unwrap();
    /// assert!(!pool.recommendation_taken(ComponentSet::EMPTY));
    /// let pooled = ComponentSet::from_components(&[Component::ConnectionPooler]);
    /// assert!(pool.recommendation_taken(pooled));
    /// ```
    #[must_use]
    pub fn recommendation_taken(&self, architecture: ComponentSet) -> bool {
        all_in_place(self.recommends, architecture)
    }
}

/// Whether `recommends` is not empty and `architecture` has all of it.
const fn all_in_place(recommends: ComponentSet, architecture: ComponentSet) -> bool {
    !recommends.is_empty() && recommends.difference(architecture).is_empty()
}

/// [`Rule::move_made`] for a rule moving to `to` that recommends `recommends`.
pub(crate) const fn move_made(
    to: Stage,
    recommends: ComponentSet,
    architecture: ComponentSet,
) -> bool {
    to.is_built(architecture) || all_in_place(recommends, architecture)
}

impl RulePack {
    /// Reads a pack from TOML text; `file` names it in diagnostics.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found (see [`Diagnostic`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let pack = RulePack::from_toml_str("p.toml", r#"name = "p"
    /// [[rule]]
    /// id = "lag"
    /// title = "Replica lag"
    /// when = "replica_lag > 2s"
    /// severity = "warning"
    /// advice = "a"
    /// "#)?;
    /// assert_eq!(pack.rules()[0].id, "lag");
    /// // Problems are reported with their place.
    /// let err = RulePack::from_toml_str("p.toml", "name = 1").unwrap_err();
    /// assert_eq!(err.diagnostics()[0].line, 1);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    pub fn from_toml_str(file: &str, text: &str) -> Result<RulePack, Error> {
        RulePack::from_str(file, text, PackFormat::Toml, None)
    }

    /// Reads a pack from JSON text; `file` names it in diagnostics.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let text = r#"{"name": "p", "rules": [
    ///   {"id": "lag", "title": "t", "when": "replica_lag > 2s", "severity": "warning", "advice": "a"}
    /// ]}"#;
    /// let pack = RulePack::from_json_str("p.json", text)?;
    /// assert_eq!(pack.rules().len(), 1);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    pub fn from_json_str(file: &str, text: &str) -> Result<RulePack, Error> {
        RulePack::from_str(file, text, PackFormat::Json, None)
    }

    /// Reads a pack in `format`.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::{PackFormat, RulePack};
    /// let text = r#"{"name": "p"}"#;
    /// let pack = RulePack::parse("p.json", text, PackFormat::from_file_name("p.json"))?;
    /// assert_eq!(pack.name(), "p");
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    pub fn parse(file: &str, text: &str, format: PackFormat) -> Result<RulePack, Error> {
        RulePack::from_str(file, text, format, None)
    }

    /// Layers a user pack over this one: its `[params]` override values of the same name,
    /// `disable = [...]` removes rules by id, a rule with an existing id replaces it, and new
    /// ids add rules. Conditions of every rule see the overridden parameters.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem of the user pack.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::{Origin, PackFormat, RulePack};
    /// let layered = RulePack::default_pack().layer(
    ///     "prod.toml",
    ///     "name = \"prod\"\n[params]\np95_warning = \"2s\"\n",
    ///     PackFormat::Toml,
    /// )?;
    /// let p = layered.param("p95_warning").unwrap();
    /// assert_eq!(p.value, 2.0);
    /// assert_eq!(
    ///     p.origin,
    ///     Origin::File {
    ///         file: "prod.toml".into(),
    ///         line: 3
    ///     }
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    pub fn layer(&self, file: &str, text: &str, format: PackFormat) -> Result<RulePack, Error> {
        RulePack::from_str(file, text, format, Some(self))
    }

    /// The built-in default pack (see [`crate::default_pack`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let pack = RulePack::default_pack();
    /// assert_eq!(pack.name(), "default");
    /// assert!(pack.rule("ladder.database_slow").is_some());
    /// ```
    #[must_use]
    pub fn default_pack() -> RulePack {
        crate::default_pack::load()
    }

    /// The pack's name.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// assert_eq!(RulePack::default_pack().name(), "default");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pack's version.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// assert_eq!(RulePack::default_pack().version(), "0.2.0");
    /// ```
    #[must_use]
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The rules, in file order (layered rules after the base's).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// assert_eq!(RulePack::default_pack().rules()[0].id, "key.p95.critical");
    /// ```
    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with `id`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let rule = RulePack::default_pack().rule("add.cdn").cloned().unwrap();
    /// assert_eq!(
    ///     rule.when,
    ///     "static_asset_bandwidth_share > $cdn_static_share and not has(cdn)"
    /// );
    /// ```
    #[must_use]
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The parameters, sorted by name.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let pack = RulePack::default_pack();
    /// assert!(pack.params().windows(2).all(|w| w[0].name < w[1].name)); // sorted by name
    /// ```
    #[must_use]
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The parameter `name`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let p = RulePack::default_pack()
    ///     .param("p95_warning")
    ///     .cloned()
    ///     .unwrap();
    /// assert_eq!((p.value, p.text.as_str()), (1.0, "1s"));
    /// ```
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&Param> {
        // Parameters are kept sorted by name.
        self.params
            .binary_search_by(|p| p.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.params[i])
    }

    /// Ids disabled by layering.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::{PackFormat, RulePack};
    /// let pack = RulePack::default_pack().layer(
    ///     "prod.toml",
    ///     "name = \"prod\"\ndisable = [\"db.bloat\"]\n",
    ///     PackFormat::Toml,
    /// )?;
    /// assert_eq!(pack.disabled(), ["db.bloat"]);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn disabled(&self) -> &[String] {
        &self.disabled
    }

    /// Warnings found while loading (static analysis).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let pack = RulePack::from_toml_str("p.toml", r#"name = "p"
    /// [[rule]]
    /// id = "never"
    /// title = "t"
    /// when = "db_cpu > 70% and db_cpu < 50%"
    /// severity = "warning"
    /// advice = "a"
    /// "#)?;
    /// assert_eq!(pack.warnings().len(), 1);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    fn from_str(
        file: &str,
        text: &str,
        format: PackFormat,
        base: Option<&RulePack>,
    ) -> Result<RulePack, Error> {
        let src = Source::new(file, text);
        let mut diags = Diagnostics::default();
        if text.len() > MAX_PACK_BYTES {
            diags.push(Diagnostic::new(
                DiagnosticKind::TooComplex,
                DiagnosticLevel::Error,
                format!(
                    "pack is {} bytes, the limit is {MAX_PACK_BYTES}",
                    text.len()
                ),
                &src,
                (0, 0),
            ));
            return Err(Error::Invalid(diags));
        }
        let syntax_error = |message: String, span: (usize, usize)| {
            let mut d = Diagnostics::default();
            d.push(Diagnostic::new(
                DiagnosticKind::Format,
                DiagnosticLevel::Error,
                message,
                &src,
                span,
            ));
            Error::Invalid(d)
        };
        let (raw, problems) = match format {
            PackFormat::Toml => match toml::de::DeTable::parse(text) {
                Ok(table) => {
                    let span = table.span();
                    let root =
                        toml::Spanned::new(span, toml::de::DeValue::Table(table.into_inner()));
                    crate::structure::read_pack(root)
                }
                Err(e) => {
                    let span = e.span().map_or((0, 0), |s| (s.start, s.end));
                    return Err(syntax_error(e.message().to_owned(), span));
                }
            },
            PackFormat::Json => match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => crate::structure::read_pack(crate::structure::JsonNode(v)),
                Err(e) => {
                    let offset = offset_of(text, e.line(), e.column());
                    return Err(syntax_error(e.to_string(), (offset, offset + 1)));
                }
            },
        };
        for p in problems {
            // JSON keeps no spans: place a problem at its rule's id.
            let span = match (p.span, &p.rule) {
                ((0, 0), Some(id)) if !diags.is_full() => {
                    find_id(text, id, 0).map_or((0, 0), |at| (at, at + id.len() + 2))
                }
                (span, _) => span,
            };
            let mut d = Diagnostic::new(
                DiagnosticKind::Format,
                DiagnosticLevel::Error,
                p.message,
                &src,
                span,
            )
            .with_help(p.help);
            if let Some(id) = &p.rule {
                d = d.with_rule(id);
            }
            diags.push(d);
        }
        let Some(raw) = raw else {
            diags.sort();
            return Err(Error::Invalid(diags));
        };
        if let Some(v) = raw.format
            && v != FORMAT_VERSION
        {
            let at = find_from(text, "format", 0).unwrap_or(0);
            diags.push(
                Diagnostic::new(
                    DiagnosticKind::Format,
                    DiagnosticLevel::Error,
                    format!("pack format {v} is not supported"),
                    &src,
                    (at, at + 6),
                )
                .with_help(Some(format!("this version reads format {FORMAT_VERSION}"))),
            );
        }
        if raw.rule.len() > MAX_RULES {
            diags.push(Diagnostic::new(
                DiagnosticKind::TooComplex,
                DiagnosticLevel::Error,
                format!(
                    "pack has {} rules, the limit is {MAX_RULES}",
                    raw.rule.len()
                ),
                &src,
                (0, 0),
            ));
            return Err(Error::Invalid(diags));
        }
        let origin_at = |offset: usize| -> Origin {
            let (line, _) = src.line_col(offset);
            if base.is_none() && file == crate::default_pack::FILE_NAME {
                Origin::DefaultPack { line }
            } else {
                Origin::File {
                    file: file.to_owned(),
                    line,
                }
            }
        };

        // Parameters: the base's, overridden or extended by this file's.
        let mut params: Vec<Param> = base.map(|b| b.params.clone()).unwrap_or_default();
        let mut param_index: HashMap<String, usize> = params
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i))
            .collect();
        let params_at = if format == PackFormat::Json {
            find_string(text, "params", 0).unwrap_or(0)
        } else {
            0
        };
        for (name, value) in &raw.params {
            let at = match raw.param_spans.get(name) {
                Some(span) if *span != (0, 0) => span.0,
                // JSON keeps no spans (TOML always does): search near the `"params"` key.
                _ => find_string_near(text, name, params_at).unwrap_or(0),
            };
            // A quoted key (`"max-lag" = ...`, and every JSON key): the name starts after
            // the quote.
            let at = if matches!(text.as_bytes().get(at), Some(b'"' | b'\'')) {
                at + 1
            } else {
                at
            };
            let text_value = match value {
                RawValue::Text(t) => t.clone(),
                RawValue::Number(n) if !n.is_finite() => {
                    diags.push(
                        Diagnostic::new(
                            DiagnosticKind::BadParameter,
                            DiagnosticLevel::Error,
                            format!("parameter `{name}` must be a finite number, got {n}"),
                            &src,
                            (at, at + name.len()),
                        )
                        .with_help(Some(
                            "write a value with its unit, such as \"85%\" or \"500ms\"".into(),
                        )),
                    );
                    continue;
                }
                RawValue::Number(n) => n.to_string(),
                RawValue::Flag(b) => b.to_string(),
            };
            match expr::parse_literal(&text_value) {
                Ok((v, dim)) => {
                    let param = Param {
                        name: name.clone(),
                        value: v,
                        dim,
                        text: text_value,
                        origin: origin_at(at),
                    };
                    match param_index.get(name).map(|&i| &mut params[i]) {
                        Some(existing) if existing.dim != dim => diags.push(
                            Diagnostic::new(
                                DiagnosticKind::BadParameter,
                                DiagnosticLevel::Error,
                                format!(
                                    "parameter `{name}` is {} in the base pack but {} here",
                                    existing.dim, dim
                                ),
                                &src,
                                (at, at + name.len()),
                            )
                            .with_help(Some(format!(
                                "give it in the base unit, like `{}`",
                                existing.text
                            ))),
                        ),
                        Some(existing) => *existing = param,
                        None => {
                            param_index.insert(param.name.clone(), params.len());
                            params.push(param);
                        }
                    }
                }
                Err(e) => diags.push(
                    Diagnostic::new(
                        DiagnosticKind::BadParameter,
                        DiagnosticLevel::Error,
                        format!("parameter `{name}`: {}", e.message),
                        &src,
                        (at, at + name.len()),
                    )
                    .with_help(e.help),
                ),
            }
        }
        params.sort_by(|a, b| a.name.cmp(&b.name));

        // Rules: the base's minus disabled ones, replaced or extended by this file's.
        let mut rules: Vec<Rule> = base.map(|b| b.rules.clone()).unwrap_or_default();
        let mut disabled: Vec<String> = base.map(|b| b.disabled.clone()).unwrap_or_default();
        let mut to_disable: HashSet<&str> = HashSet::new();
        let known: HashSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        // JSON keeps no spans: the list is searched from its key on.
        let mut disable_cursor = if format == PackFormat::Json {
            find_string(text, "disable", 0).unwrap_or(0)
        } else {
            0
        };
        for (k, id) in raw.disable.iter().enumerate() {
            let at = match raw.disable_spans.get(k) {
                Some(span) if *span != (0, 0) => span.0,
                _ => {
                    // JSON keeps no spans; the list is in order, so search on from the last.
                    let at = find_string_near(text, id, disable_cursor).unwrap_or(disable_cursor);
                    disable_cursor = at;
                    at
                }
            };
            if known.contains(id.as_str()) {
                if to_disable.insert(id.as_str()) {
                    disabled.push(id.clone());
                }
            } else {
                diags.push(
                    Diagnostic::new(
                        DiagnosticKind::UnknownRule,
                        DiagnosticLevel::Error,
                        format!("cannot disable `{id}`: no such rule"),
                        &src,
                        (at, at + id.len() + 2),
                    )
                    .with_help(if diags.is_full() {
                        None
                    } else {
                        expr::did_you_mean(id, rules.iter().map(|r| r.id.as_str()))
                            .map(|s| format!("did you mean `{s}`?"))
                    }),
                );
            }
        }
        drop(known);
        if !to_disable.is_empty() {
            rules.retain(|r| !to_disable.contains(r.id.as_str()));
        }
        let mut rule_index: HashMap<String, usize> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let mut cursor = 0;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for raw_rule in raw.rule {
            let spans = raw_rule.spans;
            let id_at = match spans.id {
                Some(span) => span.0,
                // JSON: rules are in order, so search on from the last one.
                None => find_id(text, &raw_rule.id, cursor).unwrap_or(cursor),
            };
            cursor = id_at + 1;
            let id_span = (id_at, id_at + raw_rule.id.len() + 2);
            if let Some(&first) = seen.get(&raw_rule.id) {
                let (line, _) = src.line_col(first);
                diags.push(
                    Diagnostic::new(
                        DiagnosticKind::DuplicateId,
                        DiagnosticLevel::Error,
                        format!("rule id `{}` is used twice", raw_rule.id),
                        &src,
                        id_span,
                    )
                    .with_help(Some(format!(
                        "the first use is on line {line}; give each rule its own id"
                    )))
                    .with_rule(&raw_rule.id),
                );
                continue;
            }
            seen.insert(raw_rule.id.clone(), id_at);
            if raw_rule.id.is_empty()
                || !raw_rule
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            {
                diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Format,
                        DiagnosticLevel::Error,
                        format!("rule id `{}` is not valid", raw_rule.id),
                        &src,
                        id_span,
                    )
                    .with_help(Some("use letters, digits, `.`, `_` and `-`".into())),
                );
                continue;
            }
            // Where a string value's text starts: after its quotes.
            let inside = |span: Option<(usize, usize)>, value: &str| match span {
                Some(span) => string_start(text, span),
                None => find_string_near(text, value, id_at).map_or(id_at, |i| i + 1),
            };
            let when_at = inside(spans.when, &raw_rule.when);
            let when_expr =
                parse_condition(&raw_rule.when, when_at, &src, &raw_rule.id, &mut diags);
            let clear_expr = raw_rule.clear.as_ref().and_then(|c| {
                let at = inside(spans.clear, c);
                parse_condition(c, at, &src, &raw_rule.id, &mut diags)
            });
            let hold_for = raw_rule.hold_for.as_ref().and_then(|h| {
                let problem = match expr::parse_literal(h) {
                    Ok((secs, Dim::Duration)) if secs >= 0.0 => {
                        match Duration::try_from_secs_f64(secs) {
                            Ok(d) => return Some(d),
                            // Never silently "no hold": a hold too long to represent is
                            // refused, not dropped.
                            Err(_) => (
                                format!("`for = \"{h}\"` is longer than a duration can hold"),
                                "give a hold below 584 billion years, for example \"30d\"",
                            ),
                        }
                    }
                    _ => (
                        format!("`for = \"{h}\"` is not a duration"),
                        "write it like \"10min\" or \"30s\"",
                    ),
                };
                let at = inside(spans.hold_for, h).saturating_sub(1);
                diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Format,
                        DiagnosticLevel::Error,
                        problem.0,
                        &src,
                        (at, at + h.len() + 2),
                    )
                    .with_help(Some(problem.1.into()))
                    .with_rule(&raw_rule.id),
                );
                None
            });
            if raw_rule.ladder.is_some() && (raw_rule.remedy.is_some() || raw_rule.step.is_some()) {
                diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Format,
                        DiagnosticLevel::Error,
                        format!(
                            "rule `{}` has both `ladder` and `remedy`/`step`",
                            raw_rule.id
                        ),
                        &src,
                        id_span,
                    )
                    .with_help(Some(
                        "a ladder rule advises the rung the system is on; drop `remedy` and `step`"
                            .into(),
                    ))
                    .with_rule(&raw_rule.id),
                );
            }
            if raw_rule.made_advice.is_some()
                && raw_rule.moves_to.is_none()
                && raw_rule.recommends.is_empty()
            {
                diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Format,
                        DiagnosticLevel::Error,
                        format!(
                            "rule `{}` has `made_advice` but neither `moves_to` nor `recommends`",
                            raw_rule.id
                        ),
                        &src,
                        id_span,
                    )
                    .with_help(Some(
                        "`made_advice` is what a rule advises once what it calls for is in place (the stage it moves to, or the components it recommends); add `moves_to` or `recommends`, or drop it"
                            .into(),
                    ))
                    .with_rule(&raw_rule.id),
                );
            }
            if raw_rule.step_title.is_some()
                && (raw_rule.remedy.is_some() || raw_rule.ladder.is_some())
            {
                diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Format,
                        DiagnosticLevel::Error,
                        format!(
                            "rule `{}` has `step_title` and `{}`",
                            raw_rule.id,
                            if raw_rule.remedy.is_some() { "remedy" } else { "ladder" }
                        ),
                        &src,
                        id_span,
                    )
                    .with_help(Some(
                        "a rule on a ladder's rung joins that rung's step, whose title is the rung's; drop `step_title`"
                            .into(),
                    ))
                    .with_rule(&raw_rule.id),
                );
            }
            if let Some(action) = &raw_rule.action
                && (action.is_empty()
                    || !action
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            {
                diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Format,
                        DiagnosticLevel::Error,
                        format!("action `{action}` of rule `{}` is not valid", raw_rule.id),
                        &src,
                        id_span,
                    )
                    .with_help(Some("use lowercase letters, digits and `_`".into()))
                    .with_rule(&raw_rule.id),
                );
            }
            let Some(when_expr) = when_expr else { continue };
            let rule = Rule {
                id: raw_rule.id.clone(),
                title: Cow::Owned(raw_rule.title),
                when: Cow::Owned(raw_rule.when),
                when_expr,
                stages: raw_rule.stages,
                severity: raw_rule.severity,
                priority: raw_rule.priority,
                layer: raw_rule.layer,
                symptom: raw_rule.symptom,
                remedy: raw_rule.remedy,
                step: raw_rule.step,
                ladder: raw_rule.ladder,
                moves_to: raw_rule.moves_to,
                overdue_severity: raw_rule.overdue_severity,
                action: raw_rule.action,
                step_title: raw_rule.step_title.map(Cow::Owned),
                advice: Cow::Owned(raw_rule.advice),
                made_advice: raw_rule.made_advice.map(Cow::Owned),
                references: raw_rule.references.into_iter().map(Cow::Owned).collect(),
                supersedes: raw_rule.supersedes,
                hold_for,
                hold_evaluations: raw_rule.hold_evaluations,
                clear: raw_rule.clear,
                clear_expr,
                missing: raw_rule.missing,
                recommends: raw_rule.recommends.into_iter().collect(),
                discourages: raw_rule.discourages.into_iter().collect(),
                origin: origin_at(id_at),
                when_offset: when_at,
            };
            match rule_index.get(&rule.id) {
                Some(&i) => rules[i] = rule,
                None => {
                    rule_index.insert(rule.id.clone(), rules.len());
                    rules.push(rule);
                }
            }
        }

        let pack = RulePack {
            name: raw.name,
            version: raw.version.unwrap_or_else(|| "0.0.0".into()),
            params,
            rules,
            disabled,
            warnings: Diagnostics::default(),
        };
        // Checks that need the whole layered pack: parameters, units, references.
        pack.check(&src, base, &mut diags);
        if diags.has_errors() {
            diags.sort();
            return Err(Error::Invalid(diags));
        }
        let mut pack = pack;
        let mut warnings = base.map(|b| b.warnings.clone()).unwrap_or_default();
        let mut fresh = crate::analysis::analyse(&pack, &src, base.is_some());
        fresh.sort();
        warnings.extend(fresh);
        pack.warnings = warnings;
        Ok(pack)
    }

    /// Resolves every rule's parameters and checks units and references. Layered over `base`,
    /// a base rule is re-checked only when it reads a parameter the layer changed: the rest
    /// were checked with the base and read the same values.
    fn check(&self, src: &Source<'_>, base: Option<&RulePack>, diags: &mut Diagnostics) {
        let base_rules: HashMap<&str, &Rule> = base
            .map(|b| b.rules.iter().map(|r| (r.id.as_str(), r)).collect())
            .unwrap_or_default();
        let ids: HashMap<&str, usize> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let disabled: HashSet<&str> = self.disabled.iter().map(String::as_str).collect();
        // The parameters this layer gives a new value (a base rule naming none of them reads
        // exactly what it read when the base was checked). A layer cannot change a
        // parameter's unit: that was refused when the parameters were read.
        let changed: HashSet<&str> = match base {
            None => HashSet::new(),
            Some(b) => self
                .params
                .iter()
                .filter(|p| {
                    b.param(&p.name)
                        .is_none_or(|old| old.value.to_bits() != p.value.to_bits())
                })
                .map(|p| p.name.as_str())
                .collect(),
        };
        for rule in &self.rules {
            // Rules from the base were checked against the base source; only re-check those
            // that read a parameter this layer changed, and report in this file.
            let own = base.is_none() || base_rules.get(rule.id.as_str()) != Some(&rule);
            let recheck = own || reads_any(rule, &changed);
            for (expr, what) in [
                (Some(&rule.when_expr), "when"),
                (rule.clear_expr.as_ref(), "clear"),
            ] {
                let Some(expr) = expr.filter(|_| recheck) else {
                    continue;
                };
                let mut resolved = expr.clone();
                crate::expr::resolve(&mut resolved, &|n| self.param(n).map(|p| (p.value, p.dim)));
                let checked = crate::expr::check(&resolved).and_then(|dim| {
                    let ranges = crate::expr::quantifier(&resolved)?;
                    match (ranges, what) {
                        (Some(_), "clear") => Err(crate::expr::ExprError {
                            kind: crate::expr::ExprErrorKind::Syntax,
                            message: "`any(...)` is for `when`; a `clear` condition reads the snapshot's metrics".into(),
                            span: resolved.span(),
                            help: Some("state `clear` over metrics, or drop it".into()),
                        }),
                        _ => Ok(dim),
                    }
                });
                if checked.is_ok()
                    && let Err(why) = crate::engine::Engine::check_compiles(expr, &|n| {
                        self.param(n).map(|p| (p.value, p.dim))
                    })
                {
                    let span = if own {
                        (rule.when_offset, rule.when_offset + rule.when.len())
                    } else {
                        (0, 0)
                    };
                    diags.push(
                        Diagnostic::new(
                            DiagnosticKind::TooComplex,
                            DiagnosticLevel::Error,
                            format!("{what}: {why}"),
                            src,
                            span,
                        )
                        .with_rule(&rule.id),
                    );
                }
                if let Err(e) = checked {
                    let offset = if own { rule.when_offset } else { 0 };
                    let kind = if e.message.starts_with("parameter") {
                        DiagnosticKind::MissingParameter
                    } else {
                        map_kind(e.kind)
                    };
                    let span = if own {
                        (offset + e.span.start, offset + e.span.end)
                    } else {
                        (0, 0)
                    };
                    let mut d = Diagnostic::new(
                        kind,
                        DiagnosticLevel::Error,
                        format!("{what}: {}", e.message),
                        src,
                        span,
                    )
                    .with_help(e.help)
                    .with_rule(&rule.id);
                    if kind == DiagnosticKind::MissingParameter && !diags.is_full() {
                        let name = e
                            .message
                            .split('`')
                            .nth(1)
                            .unwrap_or("")
                            .trim_start_matches('$');
                        if let Some(s) = crate::expr::did_you_mean(
                            name,
                            self.params.iter().map(|p| p.name.as_str()),
                        ) {
                            d.help = Some(format!("did you mean `${s}`?"));
                        }
                    }
                    diags.push(d);
                }
            }
            for sup in &rule.supersedes {
                if !ids.contains_key(sup.as_str()) && !disabled.contains(sup.as_str()) {
                    let near = if own {
                        rule.when_offset.saturating_sub(SEARCH_WINDOW / 2)
                    } else {
                        0
                    };
                    let at = find_string_near(src.text, sup, near).unwrap_or(0);
                    diags.push(
                        Diagnostic::new(
                            DiagnosticKind::UnknownRule,
                            DiagnosticLevel::Error,
                            format!("`{}` supersedes `{sup}`, which does not exist", rule.id),
                            src,
                            (at, at + sup.len() + 2),
                        )
                        .with_rule(&rule.id),
                    );
                }
            }
        }
        self.check_supersession_cycles(src, &ids, diags);
        self.check_parameter_domains(src, base_rules.is_empty(), diags);
        self.check_step_titles(src, base_rules.is_empty(), diags);
    }

    /// Rules that share an action open one step, titled by the step title of the finding
    /// that advises it (the first by severity, then priority), or, when that rule gives
    /// none, by the one the others give. So the others' must agree: when two rules of an
    /// action give different step titles, every rule of the action must give one, or the
    /// step's title would depend on which of them fired and in what order. Linear in the
    /// rules. The refusal points at the id of the first rule without one, found near its
    /// condition when the rule is this file's (`no_base`, or its origin is `src`), as the
    /// other checks place theirs.
    fn check_step_titles(&self, src: &Source<'_>, no_base: bool, diags: &mut Diagnostics) {
        /// What one action's rules give: the first step title (with its rule), a rule
        /// giving another, and the first rule giving none.
        #[derive(Default)]
        struct Titles<'r> {
            first: Option<(&'r str, &'r str)>,
            other: Option<&'r str>,
            untitled: Option<&'r Rule>,
        }
        let mut actions: Vec<&str> = Vec::new();
        let mut by_action: HashMap<&str, Titles<'_>> = HashMap::new();
        for rule in &self.rules {
            let Some(action) = rule.action.as_deref() else {
                continue;
            };
            let titles = by_action.entry(action).or_insert_with(|| {
                actions.push(action);
                Titles::default()
            });
            match (rule.step_title.as_deref(), titles.first) {
                (None, _) => {
                    titles.untitled.get_or_insert(rule);
                }
                (Some(title), None) => titles.first = Some((rule.id.as_str(), title)),
                (Some(title), Some((_, first))) if title != first => {
                    titles.other.get_or_insert(rule.id.as_str());
                }
                (Some(_), Some(_)) => {}
            }
        }
        for action in actions {
            let Some(Titles {
                first: Some((first, _)),
                other: Some(other),
                untitled: Some(rule),
            }) = by_action.get(action)
            else {
                continue;
            };
            let own =
                no_base || matches!(&rule.origin, Origin::File { file, .. } if file == src.name);
            let near = if own {
                rule.when_offset.saturating_sub(SEARCH_WINDOW / 2)
            } else {
                0
            };
            let at = find_string_near(src.text, &rule.id, near).unwrap_or(0);
            diags.push(
                Diagnostic::new(
                    DiagnosticKind::Format,
                    DiagnosticLevel::Error,
                    format!(
                        "rules `{first}` and `{other}` share action `{action}` but not its step title, and `{}` gives none",
                        rule.id
                    ),
                    src,
                    (at, at + rule.id.len() + 2),
                )
                .with_help(Some(
                    "the step takes the step title of the rule that advises it: give every rule of the action a `step_title`, or give them all the same one".into(),
                ))
                .with_rule(&rule.id),
            );
        }
    }

    /// A parameter compared with a metric must lie in the metric's domain: a share between
    /// 0% and 100%, a flag 0 or 1, anything else at least 0. A value outside could only make
    /// the rule fire always or never (`cpu_warning = "-50%"` fires at 1% CPU), so it is an
    /// error, placed at the comparison when the rule is this file's, and naming where the
    /// parameter was set.
    fn check_parameter_domains(&self, src: &Source<'_>, no_base: bool, diags: &mut Diagnostics) {
        let mut reported: HashSet<&str> = HashSet::new();
        for rule in &self.rules {
            let own =
                no_base || matches!(&rule.origin, Origin::File { file, .. } if file == src.name);
            let mut visit = |e: &Expr| {
                let Expr::Cmp {
                    left, right, span, ..
                } = e
                else {
                    return;
                };
                let (metric, name) = match (left.as_ref(), right.as_ref()) {
                    (Expr::Metric { metric, .. }, Expr::Param { name, .. })
                    | (Expr::Param { name, .. }, Expr::Metric { metric, .. }) => (*metric, name),
                    _ => return,
                };
                let Some(param) = self.param(name) else {
                    return;
                };
                let v = param.value;
                let (ok, what, range) = match metric.unit() {
                    scalability_advisor_core::UnitKind::Ratio => {
                        ((0.0..=1.0).contains(&v), "a share", "from 0% to 100%")
                    }
                    // A flag compares only with `true` or `false` (the unit check refuses a
                    // number), which are 1 and 0: never out of its domain.
                    _ => (v >= 0.0, "never negative", "of at least 0"),
                };
                if ok || !reported.insert(param.name.as_str()) {
                    return;
                }
                // At the parameter when this file sets it, else at the comparison when the
                // rule is this file's.
                let at = match &param.origin {
                    Origin::File { file, line } if file == src.name => {
                        let start = src.line_start(*line);
                        (start, start + param.name.len())
                    }
                    _ if own => (rule.when_offset + span.start, rule.when_offset + span.end),
                    _ => (0, 0),
                };
                diags.push(
                    Diagnostic::new(
                        DiagnosticKind::BadParameter,
                        DiagnosticLevel::Error,
                        format!(
                            "parameter `{}` is {}, but {} is {what}, so rule `{}` would fire always or never",
                            param.name, param.text, metric.name(), rule.id
                        ),
                        src,
                        at,
                    )
                    .with_help(Some(format!(
                        "give `{}` a value {range} (set at {})",
                        param.name, param.origin
                    )))
                    .with_rule(&rule.id),
                );
            };
            rule.when_expr.walk(&mut visit);
            if let Some(clear) = &rule.clear_expr {
                clear.walk(&mut visit);
            }
        }
    }

    /// Reports a rule that supersedes itself, and each cycle of rules superseding each other
    /// (which would leave every rule of the cycle silenced), once per cycle; depth-first
    /// search over the `supersedes` edges, linear in rules and edges.
    fn check_supersession_cycles(
        &self,
        src: &Source<'_>,
        ids: &HashMap<&str, usize>,
        diags: &mut Diagnostics,
    ) {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            OnPath,
            Done,
        }
        let edges: Vec<Vec<usize>> = self
            .rules
            .iter()
            .map(|r| {
                r.supersedes
                    .iter()
                    .filter_map(|s| ids.get(s.as_str()).copied())
                    .collect()
            })
            .collect();
        let mut mark = vec![Mark::New; self.rules.len()];
        for root in 0..self.rules.len() {
            if mark[root] != Mark::New {
                continue;
            }
            // (node, next edge to follow), with the path of nodes on the stack.
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            mark[root] = Mark::OnPath;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&to) = edges[node].get(*next) {
                    *next += 1;
                    match mark[to] {
                        Mark::New => {
                            mark[to] = Mark::OnPath;
                            stack.push((to, 0));
                        }
                        Mark::OnPath => {
                            let from = stack.iter().position(|&(n, _)| n == to).unwrap_or(0);
                            let cycle: Vec<&str> = stack[from..]
                                .iter()
                                .map(|&(n, _)| self.rules[n].id.as_str())
                                .collect();
                            let rule = &self.rules[node];
                            let message = if cycle.len() == 1 {
                                format!("rule `{}` supersedes itself", rule.id)
                            } else {
                                format!(
                                    "rules {} supersede each other in a cycle, so each silences the next",
                                    cycle
                                        .iter()
                                        .chain([&cycle[0]])
                                        .map(|id| format!("`{id}`"))
                                        .collect::<Vec<_>>()
                                        .join(" → ")
                                )
                            };
                            diags.push(
                                Diagnostic::new(
                                    DiagnosticKind::SupersessionCycle,
                                    DiagnosticLevel::Error,
                                    message,
                                    src,
                                    (rule.when_offset, rule.when_offset),
                                )
                                .with_help(Some(
                                    "let one rule of the cycle supersede the others, not each other".into(),
                                ))
                                .with_rule(&rule.id),
                            );
                        }
                        Mark::Done => {}
                    }
                } else {
                    mark[node] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
}

fn parse_condition(
    text: &str,
    offset: usize,
    src: &Source<'_>,
    rule: &str,
    diags: &mut Diagnostics,
) -> Option<Expr> {
    match expr::parse(text) {
        Ok(e) => Some(e),
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    map_kind(e.kind),
                    DiagnosticLevel::Error,
                    e.message,
                    src,
                    (
                        offset + e.span.start,
                        offset + e.span.end.max(e.span.start + 1),
                    ),
                )
                .with_help(e.help)
                .with_rule(rule),
            );
            None
        }
    }
}

fn map_kind(k: ExprErrorKind) -> DiagnosticKind {
    match k {
        ExprErrorKind::Syntax => DiagnosticKind::Syntax,
        ExprErrorKind::UnknownMetric => DiagnosticKind::UnknownMetric,
        ExprErrorKind::UnknownComponent => DiagnosticKind::UnknownComponent,
        ExprErrorKind::UnitMismatch => DiagnosticKind::UnitMismatch,
        ExprErrorKind::TooDeep => DiagnosticKind::TooComplex,
    }
}

/// How far past `from` the searches for a JSON value look (JSON keeps no spans). A rule's
/// text is far shorter; the bound keeps a value that is not found (written with escapes)
/// from costing a scan of the whole file per rule.
const SEARCH_WINDOW: usize = 64 * 1024;

/// Where a search from `from` for the quoted `needle` stops: [`SEARCH_WINDOW`] bytes on,
/// plus the needle and its quotes, at a character boundary.
fn window_end(text: &str, from: usize, needle: &str) -> usize {
    floor_char_boundary(text, from.saturating_add(SEARCH_WINDOW + needle.len() + 2))
}

/// [`find_string`] within [`SEARCH_WINDOW`] bytes after `from`.
fn find_string_near(text: &str, s: &str, from: usize) -> Option<usize> {
    find_string(text.get(..window_end(text, from, s))?, s, from)
}

/// The offset where the text of a string value with this span starts: after its opening
/// quote, or three quotes for a multi-line string.
fn string_start(text: &str, span: (usize, usize)) -> usize {
    let rest = text.get(span.0..).unwrap_or("");
    if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        span.0 + 3
    } else {
        span.0 + 1
    }
}

/// Byte offset of the quoted string `s` at or after `from` (the offset of its opening quote).
fn find_string(text: &str, s: &str, from: usize) -> Option<usize> {
    let from = from.min(text.len());
    let needle_dq = format!("\"{s}\"");
    let needle_sq = format!("'{s}'");
    let hay = text.get(from..)?;
    [hay.find(&needle_dq), hay.find(&needle_sq)]
        .into_iter()
        .flatten()
        .min()
        .map(|i| from + i)
}

/// Whether `rule`'s conditions name any of the parameters in `names`.
fn reads_any(rule: &Rule, names: &HashSet<&str>) -> bool {
    if names.is_empty() {
        return false;
    }
    let mut found = false;
    let mut visit = |e: &Expr| {
        if let Expr::Param { name, .. } = e {
            found |= names.contains(name.as_ref());
        }
    };
    rule.when_expr.walk(&mut visit);
    if let Some(clear) = &rule.clear_expr {
        clear.walk(&mut visit);
    }
    found
}

/// Byte offset of the quoted `id` value of a JSON rule (the string after an `"id"` key), at
/// or after `from` and within [`SEARCH_WINDOW`] bytes of it.
fn find_id(text: &str, id: &str, from: usize) -> Option<usize> {
    let text = text.get(..window_end(text, from, id))?;
    let mut at = from;
    while let Some(i) = find_string(text, id, at) {
        // An id value follows `"id"` and a colon, with any spaces between. Only the few
        // bytes before the value are read, which keeps a one-line JSON file from being
        // rescanned per rule.
        let before = &text[floor_char_boundary(text, i.saturating_sub(16))..i];
        if let Some(key) = before.trim_end().strip_suffix(':')
            && key.trim_end().ends_with("\"id\"")
        {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

fn find_from(text: &str, s: &str, from: usize) -> Option<usize> {
    text.get(from..)?.find(s).map(|i| from + i)
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            return (off + column.saturating_sub(1)).min(text.len());
        }
        off += l.len() + 1;
    }
    text.len()
}

impl fmt::Display for RulePack {
    /// Prints the effective pack: every parameter and rule with its origin.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "pack {} {}", self.name, self.version)?;
        writeln!(f, "parameters:")?;
        for p in &self.params {
            writeln!(f, "  ${} = {}  ({})", p.name, p.text, p.origin)?;
        }
        writeln!(f, "rules:")?;
        for r in &self.rules {
            writeln!(
                f,
                "  {} [{}] when {}  ({})",
                r.id, r.severity, r.when, r.origin
            )?;
        }
        if !self.disabled.is_empty() {
            writeln!(f, "disabled: {}", self.disabled.join(", "))?;
        }
        Ok(())
    }
}

/// The serialized form of a [`Rule`], read back through [`Rule`]'s `TryFrom`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleData {
    id: String,
    title: String,
    when: String,
    stages: Vec<Stage>,
    severity: Severity,
    priority: u32,
    layer: Option<Layer>,
    symptom: Option<Symptom>,
    remedy: Option<Remedy>,
    step: Option<LadderStep>,
    ladder: Option<Symptom>,
    moves_to: Option<Stage>,
    overdue_severity: Option<Severity>,
    action: Option<String>,
    #[serde(default)]
    step_title: Option<String>,
    advice: String,
    made_advice: Option<String>,
    references: Vec<String>,
    supersedes: Vec<String>,
    hold_for: Option<Duration>,
    hold_evaluations: Option<u32>,
    clear: Option<String>,
    missing: MissingData,
    recommends: ComponentSet,
    discourages: ComponentSet,
    origin: Origin,
}

impl TryFrom<RuleData> for Rule {
    type Error = String;
    fn try_from(d: RuleData) -> Result<Rule, String> {
        let parse = |text: &str| {
            expr::parse(text)
                .map_err(|e| format!("rule `{}`: condition `{text}`: {}", d.id, e.message))
        };
        let when_expr = parse(&d.when)?;
        let clear_expr = d.clear.as_deref().map(parse).transpose()?;
        Ok(Rule {
            when_expr,
            clear_expr,
            when_offset: 0,
            id: d.id,
            title: Cow::Owned(d.title),
            when: Cow::Owned(d.when),
            stages: d.stages,
            severity: d.severity,
            priority: d.priority,
            layer: d.layer,
            symptom: d.symptom,
            remedy: d.remedy,
            step: d.step,
            ladder: d.ladder,
            moves_to: d.moves_to,
            overdue_severity: d.overdue_severity,
            action: d.action,
            step_title: d.step_title.map(Cow::Owned),
            advice: Cow::Owned(d.advice),
            made_advice: d.made_advice.map(Cow::Owned),
            references: d.references.into_iter().map(Cow::Owned).collect(),
            supersedes: d.supersedes,
            hold_for: d.hold_for,
            hold_evaluations: d.hold_evaluations,
            clear: d.clear,
            missing: d.missing,
            recommends: d.recommends,
            discourages: d.discourages,
            origin: d.origin,
        })
    }
}

/// The serialized form of a [`RulePack`], read back through its `TryFrom`, which runs the
/// loader's checks of parameters, units and references again.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackData {
    name: String,
    version: String,
    params: Vec<Param>,
    rules: Vec<Rule>,
    disabled: Vec<String>,
}

impl TryFrom<PackData> for RulePack {
    type Error = String;
    fn try_from(d: PackData) -> Result<RulePack, String> {
        if d.rules.len() > MAX_RULES {
            return Err(format!(
                "pack has {} rules, the limit is {MAX_RULES}",
                d.rules.len()
            ));
        }
        // As a file would be: one rule per id (supersession and ordering name rules by id).
        let mut ids: Vec<&str> = d.rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(twice) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!(
                "rule id `{}` is used twice; give each rule its own id",
                twice[0]
            ));
        }
        let mut params = d.params;
        params.sort_by(|a, b| a.name.cmp(&b.name));
        let pack = RulePack {
            name: d.name,
            version: d.version,
            params,
            rules: d.rules,
            disabled: d.disabled,
            warnings: Diagnostics::default(),
        };
        let src = Source::new("<deserialized pack>", "");
        let mut diags = Diagnostics::default();
        pack.check(&src, None, &mut diags);
        if diags.has_errors() {
            return Err(diags.to_string());
        }
        Ok(pack)
    }
}
