//! One call from a snapshot to an explained assessment, and its text, Markdown and JSON forms.

use core::fmt::Write as _;

use advisor_core::bottleneck::Layer;
use advisor_core::{
    AdvisorConfig, Classification, History, MetricHealth, MetricsSnapshot, Stage, TriggerResult,
};

use crate::engine::{Engine, Evaluation, Evidence, Missing, RuleStatus};
use crate::pack::{Origin, Severity};

/// One finding of an assessment, with its evidence spelled out.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AssessedFinding {
    /// Rule id.
    pub id: String,
    /// Rule title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Priority (smaller first).
    pub priority: u32,
    /// Bottleneck layer.
    pub layer: Option<Layer>,
    /// Remedy and rung, when the rule recommends one.
    pub remedy: Option<advisor_core::Remedy>,
    /// The rung of the remedy.
    pub step: Option<advisor_core::LadderStep>,
    /// What to do.
    pub advice: String,
    /// Evidence for each sub-condition.
    pub evidence: Vec<Evidence>,
    /// Where the rule came from.
    pub origin: Origin,
    /// References for the rule.
    pub references: Vec<String>,
}

/// A bottleneck layer ranked by the findings that point at it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RankedLayer {
    /// The layer.
    pub layer: Layer,
    /// Score: 3 per critical, 2 per warning, 1 per info finding.
    pub score: u32,
    /// Ids of the findings behind the score.
    pub findings: Vec<String>,
}

/// Something the assessment could not judge.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NotJudged {
    /// The rule that could not be evaluated.
    pub rule: String,
    /// What it lacked.
    pub missing: Vec<Missing>,
}

/// The assessment of one snapshot: stage by users and by metrics, key-metric health,
/// transition triggers, rule findings, ranked bottleneck layers, next steps, and what could not
/// be judged.
///
/// The JSON form (`serde_json::to_string(&assessment)`) is stable within a format version:
/// `format`, `stage_by_users`, `stage_suggested`, `health`, `triggers_fired`, `findings`,
/// `bottlenecks`, `next_steps`, `not_judged`.
///
/// # Examples
/// ```
/// use advisor_rules::{assess, Engine};
/// use advisor_rules::advisor_core::{History, MetricsSnapshot, units::{Ratio, Users}};
/// let snap = MetricsSnapshot::default()
///     .with_users(Users::new(4_000))
///     .with_server_cpu(Ratio::from_percent(92.0)?);
/// let a = assess(&Engine::default_pack(), &snap, &History::new());
/// assert_eq!(a.stage_by_users.map(|s| s.number()), Some(1));
/// assert_eq!(a.findings[0].id, "key.cpu.warning");
/// assert!(a.to_text().contains("key.cpu.warning"));
/// # Ok::<(), advisor_rules::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assessment {
    /// JSON shape version.
    pub format: u32,
    /// Stage by user count.
    pub stage_by_users: Option<Stage>,
    /// The furthest stage a fired transition trigger leads into.
    pub stage_suggested: Option<Stage>,
    /// Health of the key metrics.
    pub health: Vec<MetricHealth>,
    /// Transition triggers that fired, with evidence.
    pub triggers_fired: Vec<TriggerResult>,
    /// Rule findings, ordered by severity, priority, id.
    pub findings: Vec<AssessedFinding>,
    /// Layers ranked by their findings.
    pub bottlenecks: Vec<RankedLayer>,
    /// Findings that recommend a remedy, in order.
    pub next_steps: Vec<String>,
    /// Rules that could not be evaluated, and why.
    pub not_judged: Vec<NotJudged>,
}

/// Assesses a snapshot with an engine and advisor-core's default levels.
#[must_use]
pub fn assess(engine: &Engine, snapshot: &MetricsSnapshot, history: &History) -> Assessment {
    let evaluation = engine.evaluate(snapshot, history);
    assess_with(
        engine,
        &evaluation,
        snapshot,
        history,
        &AdvisorConfig::default(),
    )
}

/// Builds an assessment from an evaluation already made.
#[must_use]
pub fn assess_with(
    engine: &Engine,
    evaluation: &Evaluation,
    snapshot: &MetricsSnapshot,
    history: &History,
    config: &AdvisorConfig,
) -> Assessment {
    let c = Classification::of(snapshot, history, config);
    let findings: Vec<AssessedFinding> = evaluation
        .findings
        .iter()
        .filter_map(|f| {
            let rule = engine.rule(f.rule)?;
            Some(AssessedFinding {
                id: rule.id.clone(),
                title: rule.title.clone(),
                severity: rule.severity,
                priority: rule.priority,
                layer: rule.layer,
                remedy: rule.remedy,
                step: rule.step,
                advice: rule.advice.clone(),
                evidence: engine.explain(evaluation, f),
                origin: rule.origin.clone(),
                references: rule.references.clone(),
            })
        })
        .collect();
    let mut bottlenecks: Vec<RankedLayer> = Vec::new();
    for f in &findings {
        let Some(layer) = f.layer else { continue };
        let weight = match f.severity {
            Severity::Critical => 3,
            Severity::Warning => 2,
            Severity::Info => 1,
        };
        match bottlenecks.iter_mut().find(|b| b.layer == layer) {
            Some(b) => {
                b.score += weight;
                b.findings.push(f.id.clone());
            }
            None => bottlenecks.push(RankedLayer {
                layer,
                score: weight,
                findings: vec![f.id.clone()],
            }),
        }
    }
    bottlenecks.sort_by(|a, b| b.score.cmp(&a.score).then(a.layer.cmp(&b.layer)));
    let next_steps = findings
        .iter()
        .filter(|f| f.remedy.is_some() || f.severity >= Severity::Warning)
        .map(|f| format!("{}: {}", f.title, f.advice))
        .collect();
    let not_judged = engine
        .rules()
        .enumerate()
        .filter(|(i, _)| evaluation.statuses.get(*i) == Some(&RuleStatus::NotEvaluated))
        .map(|(i, r)| NotJudged {
            rule: r.id.clone(),
            missing: engine.missing(i, snapshot, history),
        })
        .collect();
    Assessment {
        format: 1,
        stage_by_users: c.stage,
        stage_suggested: c.suggested_stage(),
        health: c.health.iter().copied().collect(),
        triggers_fired: c.triggers.fired().copied().collect(),
        findings,
        bottlenecks,
        next_steps,
        not_judged,
    }
}

impl Assessment {
    /// The worst severity among findings.
    #[must_use]
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Plain text, readable in an 80-column terminal.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let stage =
            |s: Option<Stage>| s.map_or("unknown (give users)".to_owned(), |s| s.to_string());
        let _ = writeln!(o, "Stage by users:   {}", stage(self.stage_by_users));
        if let Some(s) = self.stage_suggested {
            let _ = writeln!(o, "Metrics suggest:  {s}");
        }
        let _ = writeln!(o, "\nKey metrics");
        for h in &self.health {
            let _ = writeln!(o, "  {h}");
        }
        if !self.triggers_fired.is_empty() {
            let _ = writeln!(o, "\nStage-transition triggers fired");
            for t in &self.triggers_fired {
                let _ = writeln!(o, "  {t}");
            }
        }
        let _ = writeln!(o, "\nFindings ({})", self.findings.len());
        for f in &self.findings {
            let _ = writeln!(o, "  [{}] {} ({})", f.severity, f.title, f.id);
            for e in &f.evidence {
                let _ = writeln!(o, "      {e}");
            }
            let _ = writeln!(o, "      -> {}", f.advice);
        }
        if !self.bottlenecks.is_empty() {
            let _ = writeln!(o, "\nLikely bottlenecks");
            for b in &self.bottlenecks {
                let _ = writeln!(
                    o,
                    "  {} (score {}): {}",
                    b.layer,
                    b.score,
                    b.findings.join(", ")
                );
            }
        }
        if !self.not_judged.is_empty() {
            let _ = writeln!(
                o,
                "\nNot judged ({} rules lacked data)",
                self.not_judged.len()
            );
            let mut missing: Vec<String> = self
                .not_judged
                .iter()
                .flat_map(|n| n.missing.iter().map(ToString::to_string))
                .collect();
            missing.sort();
            missing.dedup();
            let _ = writeln!(o, "  missing: {}", missing.join(", "));
        }
        o
    }

    /// Markdown, for tickets and chat.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# Scalability assessment\n");
        let stage = |s: Option<Stage>| s.map_or("unknown".to_owned(), |s| s.to_string());
        let _ = writeln!(o, "- **Stage by users:** {}", stage(self.stage_by_users));
        let _ = writeln!(
            o,
            "- **Metrics suggest:** {}\n",
            stage(self.stage_suggested)
        );
        let _ = writeln!(
            o,
            "## Key metrics\n\n| metric | value | health |\n|---|---|---|"
        );
        for h in &self.health {
            let v = h
                .observed
                .map_or("not measured".to_owned(), |q| q.to_string());
            let health = h.health.map_or("-".to_owned(), |x| x.to_string());
            let _ = writeln!(o, "| {} | {v} | {health} |", h.metric);
        }
        let _ = writeln!(o, "\n## Findings\n");
        if self.findings.is_empty() {
            let _ = writeln!(o, "None.");
        }
        for f in &self.findings {
            let _ = writeln!(o, "### {} `{}` ({})\n", f.title, f.id, f.severity);
            for e in &f.evidence {
                let _ = writeln!(o, "- {e}");
            }
            let _ = writeln!(o, "\n{}\n", f.advice);
        }
        if !self.bottlenecks.is_empty() {
            let _ = writeln!(o, "## Likely bottlenecks\n");
            for (i, b) in self.bottlenecks.iter().enumerate() {
                let _ = writeln!(o, "{}. **{}** (score {})", i + 1, b.layer, b.score);
            }
        }
        if !self.not_judged.is_empty() {
            let _ = writeln!(o, "\n## Not judged\n");
            for n in &self.not_judged {
                let m: Vec<String> = n.missing.iter().map(ToString::to_string).collect();
                let _ = writeln!(o, "- `{}`: needs {}", n.rule, m.join(", "));
            }
        }
        o
    }

    /// JSON (see the type docs for the shape).
    ///
    /// # Errors
    /// Never in practice: every field serializes; the `Result` is serde's.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }
}
