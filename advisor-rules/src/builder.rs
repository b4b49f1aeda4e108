//! A typed Rust builder for rules and packs; it lowers into the same compiled form as files.

use core::time::Duration;

use scalability_advisor_core::bottleneck::Layer;
use scalability_advisor_core::units::{Rate, Ratio};
use scalability_advisor_core::{Component, LadderStep, Metric, Remedy, Stage, Symptom};

use crate::error::Error;
use crate::pack::{MissingData, RulePack, Severity};

/// A value in a condition: a metric, a literal with its unit, a parameter, or arithmetic.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::Operand;
/// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
/// let usage = Operand::metric(Metric::DbConnections).divided_by(Operand::metric(Metric::DbPoolSize));
/// assert_eq!(usage.gt(Ratio::from_percent(80.0)?).to_string(), "(db_connections / db_pool_size) > 80%");
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Operand(String);

impl Operand {
    /// A metric's value.
    #[must_use]
    pub fn metric(metric: Metric) -> Operand {
        Operand(metric.name().to_owned())
    }

    /// A plain number.
    #[must_use]
    pub fn number(value: f64) -> Operand {
        Operand(format!("{value}"))
    }

    /// A `$name` parameter of the pack.
    #[must_use]
    pub fn param(name: &str) -> Operand {
        Operand(format!("${name}"))
    }

    /// `self / other`.
    #[must_use]
    pub fn divided_by(self, other: impl Into<Operand>) -> Operand {
        Operand(format!("({} / {})", self.0, other.into().0))
    }

    /// `self * other`.
    #[must_use]
    pub fn times(self, other: impl Into<Operand>) -> Operand {
        Operand(format!("({} * {})", self.0, other.into().0))
    }

    fn cmp(self, op: &str, other: impl Into<Operand>) -> Cond {
        Cond(format!("{} {op} {}", self.0, other.into().0))
    }

    /// `self > other`.
    #[must_use]
    pub fn gt(self, other: impl Into<Operand>) -> Cond {
        self.cmp(">", other)
    }

    /// `self >= other`.
    #[must_use]
    pub fn ge(self, other: impl Into<Operand>) -> Cond {
        self.cmp(">=", other)
    }

    /// `self < other`.
    #[must_use]
    pub fn lt(self, other: impl Into<Operand>) -> Cond {
        self.cmp("<", other)
    }

    /// `self <= other`.
    #[must_use]
    pub fn le(self, other: impl Into<Operand>) -> Cond {
        self.cmp("<=", other)
    }
}

impl From<Metric> for Operand {
    fn from(m: Metric) -> Operand {
        Operand::metric(m)
    }
}

impl From<Ratio> for Operand {
    fn from(r: Ratio) -> Operand {
        Operand(format!("{}%", r.as_percent()))
    }
}

impl From<Duration> for Operand {
    fn from(d: Duration) -> Operand {
        Operand(format!("{}ms", d.as_secs_f64() * 1000.0))
    }
}

impl From<Rate> for Operand {
    fn from(r: Rate) -> Operand {
        Operand(format!("{}/s", r.as_per_second()))
    }
}

/// A condition.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::{Cond, Operand};
/// use scalability_advisor_rules::scalability_advisor_core::{Component, Metric, units::Ratio};
/// let c = Operand::metric(Metric::DbReadShare).gt(Ratio::from_percent(80.0)?).and(Cond::has(Component::ReadReplicas).not());
/// assert_eq!(c.to_string(), "(db_read_share > 80%) and (not (has(read_replicas)))");
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Cond(String);

impl Cond {
    /// Whether the architecture has `component`.
    #[must_use]
    pub fn has(component: Component) -> Cond {
        Cond(format!("has({})", component.name()))
    }

    /// Whether `metric` was measured.
    #[must_use]
    pub fn present(metric: Metric) -> Cond {
        Cond(format!("present({})", metric.name()))
    }

    /// A yes/no metric is yes.
    #[must_use]
    pub fn flag(metric: Metric) -> Cond {
        Cond(metric.name().to_owned())
    }

    /// `metric` is consistently above `level` (see [`scalability_advisor_core::SeriesConfig`]).
    #[must_use]
    pub fn consistently_above(metric: Metric, level: impl Into<Operand>) -> Cond {
        Cond(format!(
            "consistently_above({}, {})",
            metric.name(),
            level.into().0
        ))
    }

    /// `metric` is degrading.
    #[must_use]
    pub fn degrading(metric: Metric) -> Cond {
        Cond(format!("degrading({})", metric.name()))
    }

    /// `metric` is plateauing.
    #[must_use]
    pub fn plateauing(metric: Metric) -> Cond {
        Cond(format!("plateauing({})", metric.name()))
    }

    /// Both hold.
    #[must_use]
    pub fn and(self, other: Cond) -> Cond {
        Cond(format!("({}) and ({})", self.0, other.0))
    }

    /// Either holds.
    #[must_use]
    pub fn or(self, other: Cond) -> Cond {
        Cond(format!("({}) or ({})", self.0, other.0))
    }

    /// Does not hold.
    #[must_use]
    #[expect(
        clippy::should_implement_trait,
        reason = "a builder method reads better than the `!` operator here"
    )]
    pub fn not(self) -> Cond {
        Cond(format!("not ({})", self.0))
    }
}

impl core::fmt::Display for Cond {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Builds one rule.
///
/// # Examples
/// See [`PackBuilder`].
#[derive(Debug, Clone, PartialEq)]
pub struct RuleBuilder {
    table: toml::Table,
}

impl RuleBuilder {
    /// A rule with an id, a title, a condition, a severity and advice.
    #[must_use]
    pub fn new(id: &str, title: &str, when: Cond, severity: Severity, advice: &str) -> RuleBuilder {
        let mut table = toml::Table::new();
        table.insert("id".into(), id.into());
        table.insert("title".into(), title.into());
        table.insert("when".into(), when.0.into());
        table.insert("severity".into(), severity_name(severity).into());
        table.insert("advice".into(), advice.into());
        RuleBuilder { table }
    }

    fn set(mut self, key: &str, value: impl Into<toml::Value>) -> Self {
        self.table.insert(key.into(), value.into());
        self
    }

    /// Stages the rule applies to.
    #[must_use]
    pub fn stages(self, stages: &[Stage]) -> Self {
        self.set(
            "stages",
            stages
                .iter()
                .map(|s| toml::Value::from(s.name()))
                .collect::<Vec<_>>(),
        )
    }

    /// Priority (smaller first).
    #[must_use]
    pub fn priority(self, priority: u32) -> Self {
        self.set("priority", i64::from(priority))
    }

    /// The bottleneck layer.
    #[must_use]
    pub fn layer(self, layer: Layer) -> Self {
        self.set("layer", layer.name())
    }

    /// The decision-matrix symptom.
    #[must_use]
    pub fn symptom(self, symptom: Symptom) -> Self {
        self.set("symptom", symptom.name())
    }

    /// The remedy and its rung.
    #[must_use]
    pub fn remedy(self, remedy: Remedy, step: LadderStep) -> Self {
        let step = match step {
            LadderStep::First => "first",
            LadderStep::Then => "then",
            LadderStep::Finally => "finally",
        };
        self.set("remedy", remedy.name()).set("step", step)
    }

    /// The decision-matrix ladder the rule detects; its finding advises the system's current
    /// rung (see [`crate::Rule::ladder`]).
    #[must_use]
    pub fn ladder(self, symptom: Symptom) -> Self {
        self.set("ladder", symptom.name())
    }

    /// The stage the rule's condition says to move to (see [`crate::Rule::moves_to`]).
    #[must_use]
    pub fn moves_to(self, stage: Stage) -> Self {
        self.set("moves_to", stage.name())
    }

    /// The severity of an overdue transition (see [`crate::Rule::overdue_severity`]).
    #[must_use]
    pub fn overdue_severity(self, severity: Severity) -> Self {
        self.set("overdue_severity", severity_name(severity))
    }

    /// The plan step the finding belongs to (see [`crate::Rule::action`]).
    #[must_use]
    pub fn action(self, action: &str) -> Self {
        self.set("action", action)
    }

    /// References for the rule's facts.
    #[must_use]
    pub fn references(self, refs: &[&str]) -> Self {
        self.set(
            "references",
            refs.iter()
                .map(|r| toml::Value::from(*r))
                .collect::<Vec<_>>(),
        )
    }

    /// Rules this one supersedes.
    #[must_use]
    pub fn supersedes(self, ids: &[&str]) -> Self {
        self.set(
            "supersedes",
            ids.iter()
                .map(|r| toml::Value::from(*r))
                .collect::<Vec<_>>(),
        )
    }

    /// Hold the condition this long before firing (with [`crate::Engine::step`]).
    #[must_use]
    pub fn hold_for(self, d: Duration) -> Self {
        self.set("for", format!("{}ms", d.as_secs_f64() * 1000.0))
    }

    /// Hold the condition this many consecutive evaluations before firing.
    #[must_use]
    pub fn hold_evaluations(self, n: u32) -> Self {
        self.set("for_evaluations", i64::from(n))
    }

    /// A separate clear condition (hysteresis).
    #[must_use]
    pub fn clear(self, cond: Cond) -> Self {
        self.set("clear", cond.0)
    }

    /// What missing data means.
    #[must_use]
    pub fn missing(self, m: MissingData) -> Self {
        self.set(
            "missing",
            match m {
                MissingData::NotEvaluated => "not_evaluated",
                MissingData::Fire => "fire",
                MissingData::Ignore => "ignore",
            },
        )
    }

    /// Components the rule recommends.
    #[must_use]
    pub fn recommends(self, components: &[Component]) -> Self {
        self.set(
            "recommends",
            components
                .iter()
                .map(|c| toml::Value::from(c.name()))
                .collect::<Vec<_>>(),
        )
    }

    /// Components the rule discourages.
    #[must_use]
    pub fn discourages(self, components: &[Component]) -> Self {
        self.set(
            "discourages",
            components
                .iter()
                .map(|c| toml::Value::from(c.name()))
                .collect::<Vec<_>>(),
        )
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    }
}

/// Builds a pack from code; [`PackBuilder::build`] goes through the same loader, checks and
/// analysis as a file, so both lower into one compiled form.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::{Engine, Operand, PackBuilder, RuleBuilder, RuleStatus, Severity};
/// use scalability_advisor_rules::scalability_advisor_core::{History, Metric, MetricsSnapshot, units::Ratio};
/// let pack = PackBuilder::new("mine")
///     .param_ratio("hot", Ratio::from_percent(75.0)?)
///     .rule(RuleBuilder::new("db.hot", "DB hot", Operand::metric(Metric::DbCpu).gt(Operand::param("hot")), Severity::Warning, "Cool it."))
///     .build()?;
/// let engine = Engine::new(pack)?;
/// let e = engine.evaluate(&MetricsSnapshot::default().with_db_cpu(Ratio::from_percent(80.0)?), &History::new());
/// assert_eq!(engine.status(&e, "db.hot"), Some(RuleStatus::Fired));
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PackBuilder {
    name: String,
    params: toml::Table,
    rules: Vec<RuleBuilder>,
}

impl PackBuilder {
    /// An empty pack.
    #[must_use]
    pub fn new(name: &str) -> PackBuilder {
        PackBuilder {
            name: name.to_owned(),
            params: toml::Table::new(),
            rules: Vec::new(),
        }
    }

    /// A ratio parameter.
    #[must_use]
    pub fn param_ratio(mut self, name: &str, value: Ratio) -> Self {
        self.params
            .insert(name.into(), format!("{}%", value.as_percent()).into());
        self
    }

    /// A duration parameter.
    #[must_use]
    pub fn param_duration(mut self, name: &str, value: Duration) -> Self {
        self.params.insert(
            name.into(),
            format!("{}ms", value.as_secs_f64() * 1000.0).into(),
        );
        self
    }

    /// A rate parameter.
    #[must_use]
    pub fn param_rate(mut self, name: &str, value: Rate) -> Self {
        self.params
            .insert(name.into(), format!("{}/s", value.as_per_second()).into());
        self
    }

    /// A plain-number parameter.
    #[must_use]
    pub fn param_number(mut self, name: &str, value: f64) -> Self {
        self.params.insert(name.into(), format!("{value}").into());
        self
    }

    /// Adds a rule.
    #[must_use]
    pub fn rule(mut self, rule: RuleBuilder) -> Self {
        self.rules.push(rule);
        self
    }

    /// The pack as TOML text, in the file format.
    #[must_use]
    pub fn to_toml(&self) -> String {
        let mut doc = toml::Table::new();
        doc.insert(
            "format".into(),
            i64::from(crate::pack::FORMAT_VERSION).into(),
        );
        doc.insert("name".into(), self.name.clone().into());
        doc.insert("params".into(), toml::Value::Table(self.params.clone()));
        let rules: Vec<toml::Value> = self
            .rules
            .iter()
            .map(|r| toml::Value::Table(r.table.clone()))
            .collect();
        doc.insert("rule".into(), toml::Value::Array(rules));
        toml::to_string(&doc).unwrap_or_default()
    }

    /// Checks and builds the pack.
    ///
    /// # Errors
    /// [`Error::Invalid`] with the same diagnostics a file would get (the file is named
    /// `<builder>`).
    pub fn build(&self) -> Result<RulePack, Error> {
        RulePack::from_toml_str("<builder>", &self.to_toml())
    }

    /// Checks and builds the pack layered over `base`.
    ///
    /// # Errors
    /// As [`PackBuilder::build`].
    pub fn build_over(&self, base: &RulePack) -> Result<RulePack, Error> {
        base.layer("<builder>", &self.to_toml(), crate::pack::PackFormat::Toml)
    }
}
