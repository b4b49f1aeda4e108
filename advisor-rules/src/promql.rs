//! A rule's condition as PromQL, for alerting where the metrics already live.
//!
//! Each metric is replaced by the caller's query for it, parameters by their values in
//! canonical units (fractions, seconds, per second, as Prometheus' own conventions use), and
//! the logic by PromQL's (`and`, `or`, comparisons that filter). What PromQL cannot say the
//! same way is refused with a reason rather than approximated: `has(...)`, `present(...)`,
//! the series words, `any(...)`, and rules limited to some stages (the stage needs the user
//! count, which Prometheus rarely holds).

use scalability_advisor_core::Metric;

use crate::expr::{ArithOp, CmpOp, Expr, fold, resolve};
use crate::pack::{Rule, RulePack, Severity};

/// A rule of a pack as a Prometheus alerting rule.
#[derive(Debug, Clone, PartialEq)]
pub struct PromqlRule {
    /// The rule's id.
    pub id: String,
    /// The alert's condition: PromQL that returns a series while the rule holds.
    pub expr: String,
    /// How long the condition must hold first (`for`).
    pub hold_for: Option<core::time::Duration>,
    /// The rule's severity.
    pub severity: Severity,
    /// Its title.
    pub title: String,
    /// What to do.
    pub advice: String,
    /// Its sources.
    pub references: Vec<String>,
}

/// A rule that could not be written as PromQL, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotExported {
    /// The rule's id.
    pub id: String,
    /// Why.
    pub reason: String,
}

impl RulePack {
    /// Every rule of the pack as PromQL where it can be written so: `query` gives the PromQL
    /// of a metric (`None` when there is none), and the rest are listed with the reason.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// use scalability_advisor_rules::scalability_advisor_core::Metric;
    /// let pack = RulePack::default_pack();
    /// let (rules, skipped) = pack.to_promql(&|m: Metric| {
    ///     (m == Metric::ServerCpu).then(|| "cpu_busy".to_owned())
    /// });
    /// let cpu = rules.iter().find(|r| r.id == "key.cpu.critical").unwrap();
    /// assert_eq!(cpu.expr, "(cpu_busy) > 0.85");
    /// assert!(skipped.iter().any(|s| s.id == "key.p95.critical"));
    /// ```
    #[must_use]
    pub fn to_promql(
        &self,
        query: &dyn Fn(Metric) -> Option<String>,
    ) -> (Vec<PromqlRule>, Vec<NotExported>) {
        let mut out = Vec::new();
        let mut skipped = Vec::new();
        for rule in self.rules() {
            match self.rule_promql(rule, query) {
                Ok(expr) => out.push(PromqlRule {
                    id: rule.id.clone(),
                    expr,
                    hold_for: rule.hold_for,
                    severity: rule.severity,
                    title: rule.title.to_string(),
                    advice: rule.advice.to_string(),
                    references: rule.references.iter().map(|r| r.to_string()).collect(),
                }),
                Err(reason) => skipped.push(NotExported {
                    id: rule.id.clone(),
                    reason,
                }),
            }
        }
        (out, skipped)
    }

    fn rule_promql(
        &self,
        rule: &Rule,
        query: &dyn Fn(Metric) -> Option<String>,
    ) -> Result<String, String> {
        if !rule.stages.is_empty() {
            return Err("it applies only at some growth stages, which need the user count".into());
        }
        if rule.hold_evaluations.is_some() {
            return Err("it counts evaluations (`for_evaluations`), which an alert cannot".into());
        }
        let mut e = rule.when_expr.clone();
        resolve(&mut e, &|n| self.param(n).map(|p| (p.value, p.dim)));
        fold(&mut e);
        condition(&e, query, false)
    }
}

fn number(v: f64) -> String {
    let t = format!("{v}");
    if t.contains('e') { format!("{v:e}") } else { t }
}

fn op(c: CmpOp) -> &'static str {
    match c {
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
    }
}

/// The condition `e` as PromQL; `negate` asks for its negation, pushed down to the
/// comparisons (De Morgan), since PromQL has no `not` for a filter.
fn condition(
    e: &Expr,
    query: &dyn Fn(Metric) -> Option<String>,
    negate: bool,
) -> Result<String, String> {
    Ok(match e {
        Expr::Cmp {
            op: c, left, right, ..
        } => {
            let c = if negate { c.negated() } else { *c };
            format!("{} {} {}", value(left, query)?, op(c), value(right, query)?)
        }
        Expr::Not { inner, .. } => condition(inner, query, !negate)?,
        Expr::And { items, .. } | Expr::Or { items, .. } => {
            let is_and = matches!(e, Expr::And { .. }) != negate;
            let parts: Result<Vec<String>, String> = items
                .iter()
                .map(|i| condition(i, query, negate).map(|p| format!("({p})")))
                .collect();
            parts?.join(if is_and { " and " } else { " or " })
        }
        // A flag standing alone holds when it is set (1), as the engine reads it; PromQL
        // keeps a series whatever its value, so the test is written out.
        Expr::Metric { .. } => {
            format!(
                "{} {} 0",
                value(e, query)?,
                if negate { "==" } else { "!=" }
            )
        }
        Expr::Has { .. } => return Err("`has(...)` reads the declared architecture".into()),
        Expr::Present { .. } => return Err("`present(...)` has no PromQL form".into()),
        Expr::Series { .. } => {
            return Err(
                "the series words (consistently_above, degrading, plateauing) are not exported"
                    .into(),
            );
        }
        Expr::Any { .. } | Expr::Field { .. } => {
            return Err("`any(...)` reads the snapshot's tables, statements or hosts".into());
        }
        Expr::Bool { .. } => return Err("a constant condition has no PromQL form".into()),
        // The compiler refuses a number as a condition, so a loaded pack never gets here.
        Expr::Num { .. } | Expr::Neg { .. } | Expr::Arith { .. } | Expr::Param { .. } => {
            return Err("a number is not a condition".into());
        }
    })
}

/// The number `e` as PromQL.
fn value(e: &Expr, query: &dyn Fn(Metric) -> Option<String>) -> Result<String, String> {
    Ok(match e {
        Expr::Num { value: v, .. } => number(*v),
        // A flag compared with `true` or `false`: flags are 1 and 0 as gauges.
        Expr::Bool { value: b, .. } => u8::from(*b).to_string(),
        Expr::Metric { metric, .. } => {
            let q = query(*metric)
                .ok_or_else(|| format!("no PromQL for `{}` in the mapping", metric.name()))?;
            format!("({q})")
        }
        Expr::Neg { inner, .. } => format!("-{}", value(inner, query)?),
        Expr::Arith {
            op: a, left, right, ..
        } => {
            let sym = match a {
                ArithOp::Add => "+",
                ArithOp::Sub => "-",
                ArithOp::Mul => "*",
                ArithOp::Div => "/",
            };
            format!("({} {sym} {})", value(left, query)?, value(right, query)?)
        }
        // Parameters were resolved and a loaded pack has no undefined ones; conditions are
        // not numbers (the compiler refuses both), so this is never reached from a pack.
        _ => return Err("only numbers, metrics and arithmetic have a PromQL value".into()),
    })
}

/// Rules as a Prometheus rule file (YAML), in one group named `group`.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::{RulePack, promql_rule_file};
/// use scalability_advisor_rules::scalability_advisor_core::Metric;
/// let (rules, _) = RulePack::default_pack().to_promql(&|m: Metric| {
///     (m == Metric::ServerCpu).then(|| "cpu_busy".to_owned())
/// });
/// let yaml = promql_rule_file("scalability-advisor", &rules);
/// assert!(yaml.contains("  - alert: key_cpu_critical\n    expr: \"(cpu_busy) > 0.85\"\n"));
/// ```
#[must_use]
pub fn promql_rule_file(group: &str, rules: &[PromqlRule]) -> String {
    use core::fmt::Write as _;
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut o = String::new();
    let _ = writeln!(o, "groups:\n- name: {}\n  rules:", q(group));
    for r in rules {
        let alert: String =
            r.id.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
        let _ = writeln!(o, "  - alert: {alert}\n    expr: {}", q(&r.expr));
        if let Some(d) = r.hold_for {
            let _ = writeln!(o, "    for: {}s", d.as_secs().max(1));
        }
        let _ = writeln!(
            o,
            "    labels:\n      severity: {}\n      rule: {}",
            q(&r.severity.to_string()),
            q(&r.id)
        );
        let _ = writeln!(
            o,
            "    annotations:\n      summary: {}\n      description: {}",
            q(&r.title),
            q(&r.advice)
        );
        if !r.references.is_empty() {
            let _ = writeln!(o, "      references: {}", q(&r.references.join("; ")));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(when: &str) -> RulePack {
        RulePack::from_toml_str(
            "p.toml",
            &format!(
                "name = \"p\"\n[params]\nlevel = \"70%\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"{when}\"\nseverity = \"warning\"\nadvice = \"a\"\n"
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn q(m: Metric) -> Option<String> {
        match m {
            Metric::DbCpu => Some("db".into()),
            Metric::ServerCpu => Some("app".into()),
            Metric::P95ResponseTime => Some("p95".into()),
            Metric::DataResidencyRequired => Some("residency".into()),
            _ => None,
        }
    }

    fn one(when: &str) -> Result<String, String> {
        let (rules, skipped) = pack(when).to_promql(&q);
        match (rules.first(), skipped.first()) {
            (Some(r), _) => Ok(r.expr.clone()),
            (None, Some(s)) => Err(s.reason.clone()),
            _ => Err("nothing".into()),
        }
    }

    #[test]
    fn conditions_translate_with_their_levels_in_canonical_units() {
        assert_eq!(one("db_cpu > $level"), Ok("(db) > 0.7".into()));
        assert_eq!(one("p95 >= 500ms"), Ok("(p95) >= 0.5".into()));
        assert_eq!(
            one("db_cpu > 70% and server_cpu < 50%"),
            Ok("((db) > 0.7) and ((app) < 0.5)".into())
        );
        assert_eq!(
            one("db_cpu / server_cpu > 1.5"),
            Ok("((db) / (app)) > 1.5".into())
        );
        // A negation is pushed down to the comparisons (De Morgan).
        assert_eq!(
            one("not (db_cpu > 70% or server_cpu > 80%)"),
            Ok("((db) <= 0.7) and ((app) <= 0.8)".into())
        );
    }

    #[test]
    fn levels_written_as_arithmetic_are_exported_as_one_number() {
        assert_eq!(one("db_cpu > 50% + 20%"), Ok("(db) > 0.7".into()));
        assert_eq!(one("db_cpu > -(-70%)"), Ok("(db) > 0.7".into()));
        assert_eq!(
            one("not (db_cpu > 140% / 2 and server_cpu < 100% - 50%)"),
            Ok("((db) <= 0.7) or ((app) >= 0.5)".into())
        );
        assert_eq!(
            one("db_cpu > 35% * 2 or p95 > 1s"),
            Ok("((db) > 0.7) or ((p95) > 1)".into())
        );
    }

    #[test]
    fn a_flag_standing_alone_is_tested_for_being_set() {
        // PromQL keeps a series whatever its value, so a bare `(residency)` would fire on 0
        // as well: the export must compare with 0, both ways under a negation.
        assert_eq!(
            one("data_residency_required"),
            Ok("(residency) != 0".into())
        );
        assert_eq!(
            one("not data_residency_required"),
            Ok("(residency) == 0".into())
        );
        assert_eq!(
            one("not (data_residency_required and db_cpu > 70%)"),
            Ok("((residency) == 0) or ((db) <= 0.7)".into())
        );
        // As the default pack writes it: compared with `true`.
        assert_eq!(
            one("data_residency_required == true"),
            Ok("(residency) == 1".into())
        );
        assert_eq!(
            one("not (data_residency_required == false)"),
            Ok("(residency) != 0".into())
        );
    }

    #[test]
    fn minus_signs_and_arithmetic_survive_a_negation() {
        // The negation reaches the comparison only; the numbers on its sides are unchanged.
        assert_eq!(one("-db_cpu < -70%"), Ok("-(db) < -0.7".into()));
        assert_eq!(
            one("not (db_cpu - server_cpu > 10%)"),
            Ok("((db) - (app)) <= 0.1".into())
        );
        assert_eq!(
            one("not (db_cpu * 2 >= 1.5 and -server_cpu > -0.9)"),
            Ok("(((db) * 2) < 1.5) or (-(app) <= -0.9)".into())
        );
    }

    #[test]
    fn what_promql_cannot_say_is_refused_with_a_reason() {
        assert!(
            one("has(cdn) and db_cpu > 1%")
                .unwrap_err()
                .contains("has(...)")
        );
        assert!(
            one("degrading(db_cpu)")
                .unwrap_err()
                .contains("series words")
        );
        assert!(
            one("cache_hit_rate < 80%")
                .unwrap_err()
                .contains("no PromQL for `cache_hit_rate`")
        );
        assert!(
            one("any(tables, rows > 1)")
                .unwrap_err()
                .contains("any(...)")
        );
    }

    #[test]
    fn the_rule_file_quotes_every_string() {
        let (rules, _) = pack("db_cpu > $level").to_promql(&q);
        let yaml = promql_rule_file("g", &rules);
        assert_eq!(
            yaml,
            "groups:\n- name: \"g\"\n  rules:\n  - alert: r\n    expr: \"(db) > 0.7\"\n    labels:\n      severity: \"warning\"\n      rule: \"r\"\n    annotations:\n      summary: \"t\"\n      description: \"a\"\n"
        );
    }
}
