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
/// let usage = Operand::metric(Metric::DbConnections)
///     .divided_by(Operand::metric(Metric::DbPoolSize));
/// assert_eq!(
///     usage.gt(Ratio::from_percent(80.0)?).to_string(),
///     "(db_connections / db_pool_size) > 80%"
/// );
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Operand(String);

impl Operand {
    /// A metric's value.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Operand::metric(Metric::DbCpu)
    ///         .gt(Operand::number(0.7))
    ///         .to_string(),
    ///     "db_cpu > 0.7"
    /// );
    /// ```
    #[must_use]
    pub fn metric(metric: Metric) -> Operand {
        Operand(metric.name().to_owned())
    }

    /// A plain number.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Operand::metric(Metric::DbQueriesPerRequest)
    ///         .ge(Operand::number(20.0))
    ///         .to_string(),
    ///     "db_queries_per_request >= 20"
    /// );
    /// ```
    #[must_use]
    pub fn number(value: f64) -> Operand {
        Operand(format!("{value}"))
    }

    /// A `$name` parameter of the pack.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Operand::metric(Metric::ServerCpu)
    ///         .gt(Operand::param("cpu_warning"))
    ///         .to_string(),
    ///     "server_cpu > $cpu_warning"
    /// );
    /// ```
    #[must_use]
    pub fn param(name: &str) -> Operand {
        Operand(format!("${name}"))
    }

    /// `self / other`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Cond, Operand};
    /// let share = Operand::metric(Metric::PrimaryWriteThroughput)
    ///     .divided_by(Metric::PrimaryWriteCapacity);
    /// assert_eq!(
    ///     share.ge(Ratio::from_percent(80.0)?).to_string(),
    ///     "(primary_write_throughput / primary_write_capacity) >= 80%"
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn divided_by(self, other: impl Into<Operand>) -> Operand {
        Operand(format!("({} / {})", self.0, other.into().0))
    }

    /// `self * other`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// let far_below = Operand::param("cpu_target").times(Operand::param("far_below"));
    /// assert_eq!(
    ///     Operand::metric(Metric::ServerCpu).lt(far_below).to_string(),
    ///     "server_cpu < ($cpu_target * $far_below)"
    /// );
    /// ```
    #[must_use]
    pub fn times(self, other: impl Into<Operand>) -> Operand {
        Operand(format!("({} * {})", self.0, other.into().0))
    }

    fn cmp(self, op: &str, other: impl Into<Operand>) -> Cond {
        Cond(format!("{} {op} {}", self.0, other.into().0))
    }

    /// `self > other`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Operand::metric(Metric::DbCpu)
    ///         .gt(Ratio::from_percent(70.0)?)
    ///         .to_string(),
    ///     "db_cpu > 70%"
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn gt(self, other: impl Into<Operand>) -> Cond {
        self.cmp(">", other)
    }

    /// `self >= other`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Operand::metric(Metric::P95ResponseTime)
    ///         .ge(Duration::from_millis(500))
    ///         .to_string(),
    ///     "p95_response_time >= 500ms"
    /// );
    /// ```
    #[must_use]
    pub fn ge(self, other: impl Into<Operand>) -> Cond {
        self.cmp(">=", other)
    }

    /// `self < other`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Operand::metric(Metric::CacheHitRate)
    ///         .lt(Ratio::from_percent(80.0)?)
    ///         .to_string(),
    ///     "cache_hit_rate < 80%"
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn lt(self, other: impl Into<Operand>) -> Cond {
        self.cmp("<", other)
    }

    /// `self <= other`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Rate};
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Operand::metric(Metric::ExternalApiRateLimitEvents)
    ///         .le(Rate::from_per_second(0.5)?)
    ///         .to_string(),
    ///     "external_api_rate_limit_events <= 0.5/s"
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
/// use scalability_advisor_rules::scalability_advisor_core::{
///     Component, Metric, units::Ratio,
/// };
/// use scalability_advisor_rules::{Cond, Operand};
/// let c = Operand::metric(Metric::DbReadShare)
///     .gt(Ratio::from_percent(80.0)?)
///     .and(Cond::has(Component::ReadReplicas).not());
/// assert_eq!(
///     c.to_string(),
///     "(db_read_share > 80%) and (not (has(read_replicas)))"
/// );
/// # Ok::<(), scalability_advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Cond(String);

impl Cond {
    /// Whether the architecture has `component`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Component;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(Cond::has(Component::Cdn).to_string(), "has(cdn)");
    /// ```
    #[must_use]
    pub fn has(component: Component) -> Cond {
        Cond(format!("has({})", component.name()))
    }

    /// Whether `metric` was measured.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Cond::present(Metric::ReplicaLag).to_string(),
    ///     "present(replica_lag)"
    /// );
    /// ```
    #[must_use]
    pub fn present(metric: Metric) -> Cond {
        Cond(format!("present({})", metric.name()))
    }

    /// A yes/no metric is yes.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Cond::flag(Metric::DataResidencyRequired).to_string(),
    ///     "data_residency_required"
    /// );
    /// ```
    #[must_use]
    pub fn flag(metric: Metric) -> Cond {
        Cond(metric.name().to_owned())
    }

    /// `metric` is consistently above `level` (see [`scalability_advisor_core::SeriesConfig`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Cond, Operand};
    /// let c = Cond::consistently_above(Metric::DbCpu, Ratio::from_percent(70.0)?);
    /// assert_eq!(c.to_string(), "consistently_above(db_cpu, 70%)");
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn consistently_above(metric: Metric, level: impl Into<Operand>) -> Cond {
        Cond(format!(
            "consistently_above({}, {})",
            metric.name(),
            level.into().0
        ))
    }

    /// `metric` is degrading.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Cond::degrading(Metric::P95ResponseTime).to_string(),
    ///     "degrading(p95_response_time)"
    /// );
    /// ```
    #[must_use]
    pub fn degrading(metric: Metric) -> Cond {
        Cond(format!("degrading({})", metric.name()))
    }

    /// `metric` is plateauing.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Cond::plateauing(Metric::CacheHitRate).to_string(),
    ///     "plateauing(cache_hit_rate)"
    /// );
    /// ```
    #[must_use]
    pub fn plateauing(metric: Metric) -> Cond {
        Cond(format!("plateauing({})", metric.name()))
    }

    /// Both hold.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Component, Metric, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Cond, Operand};
    /// let c = Operand::metric(Metric::ServerCpu)
    ///     .gt(Ratio::from_percent(70.0)?)
    ///     .and(Cond::has(Component::LoadBalancer).not());
    /// assert_eq!(
    ///     c.to_string(),
    ///     "(server_cpu > 70%) and (not (has(load_balancer)))"
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn and(self, other: Cond) -> Cond {
        Cond(format!("({}) and ({})", self.0, other.0))
    }

    /// Either holds.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Cond, Operand};
    /// let maxed = Operand::metric(Metric::ServerCpu)
    ///     .ge(Ratio::from_percent(90.0)?)
    ///     .or(Operand::metric(Metric::MemoryUsage).ge(Ratio::from_percent(90.0)?));
    /// assert_eq!(
    ///     maxed.to_string(),
    ///     "(server_cpu >= 90%) or (memory_usage >= 90%)"
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Component;
    /// use scalability_advisor_rules::{Cond, Operand};
    /// assert_eq!(
    ///     Cond::has(Component::Cache).not().to_string(),
    ///     "not (has(cache))"
    /// );
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "db.hot",
    ///     "Database hot",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(85.0)?),
    ///     Severity::Critical,
    ///     "Add read capacity.",
    /// );
    /// let pack = PackBuilder::new("mine").rule(rule).build()?;
    /// assert_eq!(pack.rule("db.hot").unwrap().severity, Severity::Critical);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Metric, Stage, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(85.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .stages(&[Stage::Startup, Stage::Growth]);
    /// let pack = PackBuilder::new("p").rule(rule).build()?;
    /// assert_eq!(pack.rules()[0].stages, [Stage::Startup, Stage::Growth]);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(85.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .priority(5);
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].priority,
    ///     5
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn priority(self, priority: u32) -> Self {
        self.set("priority", i64::from(priority))
    }

    /// The bottleneck layer.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Metric, bottleneck::Layer, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(85.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .layer(Layer::Database);
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].layer,
    ///     Some(Layer::Database)
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn layer(self, layer: Layer) -> Self {
        self.set("layer", layer.name())
    }

    /// The decision-matrix symptom.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Metric, Symptom, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::ServerCpu).gt(Ratio::from_percent(85.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .symptom(Symptom::HighServerCpu);
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].symptom,
    ///     Some(Symptom::HighServerCpu)
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn symptom(self, symptom: Symptom) -> Self {
        self.set("symptom", symptom.name())
    }

    /// The remedy and its rung.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     LadderStep, Metric, Remedy, Symptom,
    /// };
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "Tables scanned over and over",
    ///     Operand::metric(Metric::DbMaxSeqScans).gt(Operand::number(10_000.0)),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .symptom(Symptom::DatabaseSlow)
    /// .remedy(Remedy::AddIndexes, LadderStep::First);
    /// let rule = PackBuilder::new("p").rule(rule).build()?.rules()[0].clone();
    /// assert_eq!(
    ///     (rule.remedy, rule.step),
    ///     (Some(Remedy::AddIndexes), Some(LadderStep::First))
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Metric, Symptom, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "Memory nearly full",
    ///     Operand::metric(Metric::MemoryUsage).gt(Ratio::from_percent(90.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .ladder(Symptom::HighMemory);
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].ladder,
    ///     Some(Symptom::HighMemory)
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn ladder(self, symptom: Symptom) -> Self {
        self.set("ladder", symptom.name())
    }

    /// The stage the rule's condition says to move to (see [`crate::Rule::moves_to`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Metric, Stage, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(70.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .moves_to(Stage::Growth);
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].moves_to,
    ///     Some(Stage::Growth)
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn moves_to(self, stage: Stage) -> Self {
        self.set("moves_to", stage.name())
    }

    /// The severity of an overdue transition (see [`crate::Rule::overdue_severity`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Metric, Stage, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(70.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .moves_to(Stage::Growth)
    /// .overdue_severity(Severity::Critical);
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].overdue_severity,
    ///     Some(Severity::Critical)
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn overdue_severity(self, severity: Severity) -> Self {
        self.set("overdue_severity", severity_name(severity))
    }

    /// What to advise once a transition's move is made (see [`crate::Rule::made_advice`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Metric, Stage, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(70.0)?),
    ///     Severity::Warning,
    ///     "Move to replicas and a cache.",
    /// )
    /// .moves_to(Stage::Growth)
    /// .made_advice("Send more reads to the replicas and the cache.");
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].made_advice.as_deref(),
    ///     Some("Send more reads to the replicas and the cache.")
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn made_advice(self, advice: &str) -> Self {
        self.set("made_advice", advice)
    }

    /// The title of the plan step the finding opens when that step is its own (see
    /// [`crate::Rule::step_title`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "pool",
    ///     "Connection pool nearly full",
    ///     Operand::metric(Metric::DbPoolUsage).gt(Ratio::from_percent(80.0)?),
    ///     Severity::Warning,
    ///     "Find long transactions and size the pool.",
    /// )
    /// .step_title("Relieve the connection pool");
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].step_title.as_deref(),
    ///     Some("Relieve the connection pool")
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn step_title(self, title: &str) -> Self {
        self.set("step_title", title)
    }

    /// The plan step the finding belongs to (see [`crate::Rule::action`]).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbLockWaitShare).gt(Ratio::from_percent(10.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .action("reduce_lock_contention");
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0]
    ///         .action
    ///         .as_deref(),
    ///     Some("reduce_lock_contention")
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn action(self, action: &str) -> Self {
        self.set("action", action)
    }

    /// References for the rule's facts.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(70.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .references(&["runbook DB-7"]);
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].references,
    ///     ["runbook DB-7"]
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let warn = RuleBuilder::new(
    ///     "w",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(70.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// );
    /// let crit = RuleBuilder::new(
    ///     "c",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(90.0)?),
    ///     Severity::Critical,
    ///     "a",
    /// )
    /// .supersedes(&["w"]);
    /// let pack = PackBuilder::new("p").rule(warn).rule(crit).build()?;
    /// assert_eq!(pack.rule("c").unwrap().supersedes, ["w"]);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(85.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .hold_for(Duration::from_secs(600));
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].hold_for,
    ///     Some(Duration::from_secs(600))
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn hold_for(self, d: Duration) -> Self {
        self.set("for", format!("{}ms", d.as_secs_f64() * 1000.0))
    }

    /// Hold the condition this many consecutive evaluations before firing.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(85.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .hold_evaluations(3);
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].hold_evaluations,
    ///     Some(3)
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn hold_evaluations(self, n: u32) -> Self {
        self.set("for_evaluations", i64::from(n))
    }

    /// A separate clear condition (hysteresis).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(85.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .clear(Operand::metric(Metric::DbCpu).lt(Ratio::from_percent(60.0)?));
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0]
    ///         .clear
    ///         .as_deref(),
    ///     Some("db_cpu < 60%")
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn clear(self, cond: Cond) -> Self {
        self.set("clear", cond.0)
    }

    /// What missing data means.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{
    ///     MissingData, Operand, PackBuilder, RuleBuilder, Severity,
    /// };
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(85.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .missing(MissingData::Ignore);
    /// assert_eq!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0].missing,
    ///     MissingData::Ignore
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Component, Metric, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::DbReadShare).gt(Ratio::from_percent(80.0)?),
    ///     Severity::Warning,
    ///     "a",
    /// )
    /// .recommends(&[Component::ReadReplicas]);
    /// assert!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0]
    ///         .recommends
    ///         .contains(Component::ReadReplicas)
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{
    ///     Component, Metric, Stage, units::Ratio,
    /// };
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let rule = RuleBuilder::new(
    ///     "r",
    ///     "t",
    ///     Operand::metric(Metric::ServerCpu).lt(Ratio::from_percent(20.0)?),
    ///     Severity::Info,
    ///     "a",
    /// )
    /// .stages(&[Stage::Startup])
    /// .discourages(&[Component::Microservices]);
    /// assert!(
    ///     PackBuilder::new("p").rule(rule).build()?.rules()[0]
    ///         .discourages
    ///         .contains(Component::Microservices)
    /// );
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
/// use scalability_advisor_rules::scalability_advisor_core::{
///     History, Metric, MetricsSnapshot, units::Ratio,
/// };
/// use scalability_advisor_rules::{
///     Engine, Operand, PackBuilder, RuleBuilder, RuleStatus, Severity,
/// };
/// let pack = PackBuilder::new("mine")
///     .param_ratio("hot", Ratio::from_percent(75.0)?)
///     .rule(RuleBuilder::new(
///         "db.hot",
///         "DB hot",
///         Operand::metric(Metric::DbCpu).gt(Operand::param("hot")),
///         Severity::Warning,
///         "Cool it.",
///     ))
///     .build()?;
/// let engine = Engine::new(pack)?;
/// let e = engine.evaluate(
///     &MetricsSnapshot::default().with_db_cpu(Ratio::from_percent(80.0)?),
///     &History::new(),
/// );
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
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::PackBuilder;
    /// let pack = PackBuilder::new("empty").build()?;
    /// assert_eq!(pack.name(), "empty");
    /// assert!(pack.rules().is_empty());
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn new(name: &str) -> PackBuilder {
        PackBuilder {
            name: name.to_owned(),
            params: toml::Table::new(),
            rules: Vec::new(),
        }
    }

    /// A ratio parameter.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::PackBuilder;
    /// use scalability_advisor_rules::scalability_advisor_core::units::Ratio;
    /// let pack = PackBuilder::new("p")
    ///     .param_ratio("hot", Ratio::from_percent(85.0)?)
    ///     .build()?;
    /// assert!((pack.param("hot").unwrap().value - 0.85).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn param_ratio(mut self, name: &str, value: Ratio) -> Self {
        self.params
            .insert(name.into(), format!("{}%", value.as_percent()).into());
        self
    }

    /// A duration parameter.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_rules::PackBuilder;
    /// let pack = PackBuilder::new("p")
    ///     .param_duration("lag", Duration::from_millis(2_500))
    ///     .build()?;
    /// assert_eq!(pack.param("lag").unwrap().value, 2.5);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn param_duration(mut self, name: &str, value: Duration) -> Self {
        self.params.insert(
            name.into(),
            format!("{}ms", value.as_secs_f64() * 1000.0).into(),
        );
        self
    }

    /// A rate parameter.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::PackBuilder;
    /// use scalability_advisor_rules::scalability_advisor_core::units::Rate;
    /// let pack = PackBuilder::new("p")
    ///     .param_rate("writes", Rate::from_per_second(900.0)?)
    ///     .build()?;
    /// assert_eq!(pack.param("writes").unwrap().value, 900.0);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn param_rate(mut self, name: &str, value: Rate) -> Self {
        self.params
            .insert(name.into(), format!("{}/s", value.as_per_second()).into());
        self
    }

    /// A plain-number parameter.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::PackBuilder;
    /// let pack = PackBuilder::new("p")
    ///     .param_number("queries", 25.0)
    ///     .build()?;
    /// assert_eq!(pack.param("queries").unwrap().value, 25.0);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn param_number(mut self, name: &str, value: f64) -> Self {
        self.params.insert(name.into(), format!("{value}").into());
        self
    }

    /// Adds a rule.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let pack = PackBuilder::new("p")
    ///     .rule(RuleBuilder::new(
    ///         "a",
    ///         "t",
    ///         Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(70.0)?),
    ///         Severity::Warning,
    ///         "x",
    ///     ))
    ///     .rule(RuleBuilder::new(
    ///         "b",
    ///         "t",
    ///         Operand::metric(Metric::ServerCpu).gt(Ratio::from_percent(85.0)?),
    ///         Severity::Critical,
    ///         "y",
    ///     ))
    ///     .build()?;
    /// assert_eq!(pack.rules().len(), 2);
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    #[must_use]
    pub fn rule(mut self, rule: RuleBuilder) -> Self {
        self.rules.push(rule);
        self
    }

    /// The pack as TOML text, in the file format.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::{Metric, units::Ratio};
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// let text = PackBuilder::new("p")
    ///     .rule(RuleBuilder::new(
    ///         "a",
    ///         "t",
    ///         Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(70.0)?),
    ///         Severity::Warning,
    ///         "x",
    ///     ))
    ///     .to_toml();
    /// assert!(text.contains("when = \"db_cpu > 70%\""));
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// use scalability_advisor_rules::{Operand, PackBuilder, RuleBuilder, Severity};
    /// // A unit mistake is caught as in a file: a duration compared with a percentage.
    /// let bad = PackBuilder::new("p").rule(RuleBuilder::new(
    ///     "a",
    ///     "t",
    ///     Operand::metric(Metric::P95ResponseTime).gt(Operand::number(0.7)),
    ///     Severity::Warning,
    ///     "x",
    /// ));
    /// assert!(bad.build().is_err());
    /// ```
    pub fn build(&self) -> Result<RulePack, Error> {
        RulePack::from_toml_str("<builder>", &self.to_toml())
    }

    /// Checks and builds the pack layered over `base`.
    ///
    /// # Errors
    /// As [`PackBuilder::build`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::scalability_advisor_core::units::Ratio;
    /// use scalability_advisor_rules::{PackBuilder, RulePack};
    /// let pack = PackBuilder::new("prod")
    ///     .param_ratio("cpu_warning", Ratio::from_percent(90.0)?)
    ///     .build_over(&RulePack::default_pack())?;
    /// assert!((pack.param("cpu_warning").unwrap().value - 0.9).abs() < 1e-12);
    /// assert!(pack.rule("key.cpu.critical").is_some());
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    pub fn build_over(&self, base: &RulePack) -> Result<RulePack, Error> {
        base.layer("<builder>", &self.to_toml(), crate::pack::PackFormat::Toml)
    }
}
