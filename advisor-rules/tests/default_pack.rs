//! The default pack: loads cleanly, and each rule fires and stays silent where the guide says.

use std::collections::BTreeSet;

use scalability_advisor_rules::{Engine, RulePack, run_fixtures};

const FIXTURES: &str = include_str!("data/default_pack_fixtures.toml");

#[test]
fn loads_with_zero_diagnostics() {
    let pack = RulePack::default_pack();
    assert!(pack.warnings().is_empty(), "{}", pack.warnings());
    assert_eq!(pack.name(), "default");
}

#[test]
fn every_rule_fires_and_stays_silent_on_hand_written_snapshots() {
    let engine = Engine::default_pack();
    let report = run_fixtures(&engine, "default_pack_fixtures.toml", FIXTURES).unwrap();
    assert!(report.passed(), "{report}");
    // Every rule of the pack is covered both ways.
    let covered: BTreeSet<&str> = FIXTURES
        .lines()
        .filter_map(|l| {
            l.strip_prefix("fired = [\"")
                .and_then(|r| r.strip_suffix("\"]"))
        })
        .collect();
    let silent: BTreeSet<&str> = FIXTURES
        .lines()
        .filter_map(|l| {
            l.strip_prefix("not_fired = [\"")
                .and_then(|r| r.strip_suffix("\"]"))
        })
        .collect();
    for rule in engine.rules() {
        assert!(
            covered.contains(rule.id.as_str()),
            "{} has no firing fixture",
            rule.id
        );
        assert!(
            silent.contains(rule.id.as_str()),
            "{} has no silent fixture",
            rule.id
        );
    }
}

#[test]
fn every_rule_cites_a_source() {
    for rule in RulePack::default_pack().rules() {
        assert!(!rule.references.is_empty(), "{} has no reference", rule.id);
    }
}

#[test]
fn one_ladder_rule_per_symptom_and_rungs_agree_with_the_core() {
    use scalability_advisor_rules::scalability_advisor_core::Symptom;
    let pack = RulePack::default_pack();
    for symptom in Symptom::ALL {
        let ladders: Vec<&str> = pack
            .rules()
            .iter()
            .filter(|r| r.ladder == Some(symptom))
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ladders.len(), 1, "{symptom}: {ladders:?}");
    }
    // A rule that names a fixed rung names it where scalability-advisor-core's ladder has it.
    for r in pack.rules() {
        if let Some(remedy) = r.remedy {
            let (symptom, step) = remedy.rung();
            assert_eq!(r.step, Some(step), "{}", r.id);
            assert_eq!(r.symptom, Some(symptom), "{}", r.id);
        }
        assert!(r.ladder.is_none() || r.remedy.is_none(), "{}", r.id);
    }
}

#[test]
fn every_evidence_line_on_every_fixture_is_true() {
    use scalability_advisor_rules::scalability_advisor_core::{History, MetricsSnapshot};
    use scalability_advisor_rules::{CmpOp, Reading, assess};
    #[derive(serde::Deserialize)]
    struct Fixtures {
        test: Vec<Fixture>,
    }
    #[derive(serde::Deserialize)]
    #[expect(dead_code, reason = "the expectations are checked by run_fixtures")]
    struct Fixture {
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
    let fixtures: Fixtures = toml::from_str(FIXTURES).unwrap();
    let engine = Engine::default_pack();
    let tol = scalability_advisor_rules::scalability_advisor_core::LEVEL_TOLERANCE;
    let mut lines = 0;
    let mut entity_lines = 0;
    for t in &fixtures.test {
        let a = assess(&engine, &t.snapshot, &t.history);
        for f in &a.findings {
            for e in &f.evidence {
                let line = e.to_string();
                lines += 1;
                match e.reading {
                    Reading::Sustained {
                        share, required, ..
                    } => {
                        assert!(share >= required, "{}: {line}", t.name);
                    }
                    Reading::Trend { .. } => {}
                    Reading::Snapshot | Reading::SnapshotFallback | Reading::ShortSeries { .. } => {
                        // "user_regions not measured (condition < 2)": a rule that fires on missing data
                        // (`missing = "fire"`) names what it took as holding. True when the
                        // snapshot lacks it.
                        let Some(v) = e.observed else {
                            assert_eq!(e.held, None, "{}: {line}", t.name);
                            if let Some(m) = e.metric {
                                assert_eq!(t.snapshot.value(m), None, "{}: {line}", t.name);
                            }
                            continue;
                        };
                        let th = e.threshold;
                        let margin = tol * th.abs();
                        let holds = match e.op {
                            CmpOp::Gt => v > th + margin,
                            CmpOp::Ge => v >= th - margin,
                            CmpOp::Lt => v < th - margin,
                            CmpOp::Le => v <= th + margin,
                            CmpOp::Eq => (v - th).abs() <= margin,
                            CmpOp::Ne => (v - th).abs() > margin,
                        };
                        assert!(holds, "{}: {line}", t.name);
                        if let Some(m) = e.metric {
                            assert_eq!(t.snapshot.value(m), Some(v), "{}: {line}", t.name);
                        }
                        // An entity's field is that entity's own value.
                        if let (Some(field), Some(subject)) = (e.field, &e.subject) {
                            use scalability_advisor_rules::scalability_advisor_core::{
                                Entity, EntityKind,
                            };
                            let s = &t.snapshot;
                            let own = match subject.kind {
                                EntityKind::Table => s.tables.as_ref().and_then(|l| {
                                    l.find(&subject.name).and_then(|x| x.field(field))
                                }),
                                EntityKind::Statement => s.statements.as_ref().and_then(|l| {
                                    l.find(&subject.name).and_then(|x| x.field(field))
                                }),
                                EntityKind::Host => s.hosts.as_ref().and_then(|l| {
                                    l.find(&subject.name).and_then(|x| x.field(field))
                                }),
                                _ => None,
                            };
                            assert_eq!(own, Some(v), "{}: {line}", t.name);
                            assert!(
                                line.starts_with(&format!("{subject}: ")),
                                "{}: {line}",
                                t.name
                            );
                            entity_lines += 1;
                        }
                    }
                }
                // Thresholds print as values; a `$name` only ever appears as the origin.
                assert!(!line.contains(" $") || line.contains("($"), "{line}");
            }
        }
    }
    // 45 firing fixtures, some with several comparisons: every line was checked.
    assert!(lines >= 45, "only {lines} evidence lines checked");
    // Seven entity fixtures fire, each with at least one field comparison.
    assert!(
        entity_lines >= 7,
        "only {entity_lines} entity lines checked"
    );
}

#[test]
fn every_snippet_of_the_language_reference_loads_and_compiles() {
    use scalability_advisor_rules::PackFormat;
    const DOC: &str = include_str!("../docs/language.md");
    let mut snippets = 0;
    let mut rest = DOC;
    while let Some(start) = rest.find("```toml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("a closed code block");
        let snippet = &body[..end];
        let pack = RulePack::default_pack()
            .layer("language.md", snippet, PackFormat::Toml)
            .unwrap_or_else(|e| panic!("snippet {snippets} does not load:\n{snippet}\n{e}"));
        Engine::new(pack).unwrap_or_else(|e| panic!("snippet {snippets}: {e}"));
        snippets += 1;
        rest = &body[end + 3..];
    }
    assert_eq!(snippets, 5);
}

#[test]
fn the_language_reference_lists_every_entity_field() {
    use scalability_advisor_rules::scalability_advisor_core::EntityField;
    const DOC: &str = include_str!("../docs/language.md");
    for f in EntityField::ALL {
        let list = f.kind().list_name();
        let listed = DOC.lines().any(|l| {
            l.starts_with(&format!("| `{list}` |"))
                && l.split('|')
                    .nth(2)
                    .is_some_and(|c| c.contains(&format!("`{}`", f.name())))
        });
        assert!(
            listed,
            "language.md does not list `{}` of `{list}`",
            f.name()
        );
    }
}

#[test]
fn a_fixture_that_expects_the_wrong_outcome_fails_and_says_why() {
    // 95% server CPU fires the critical CPU rule; a fixture claiming it stays silent fails.
    let text = "[[test]]\nname = \"hot\"\nsnapshot = { server_cpu = 0.95 }\nfired = [\"key.cpu.critical\"]\n\
        [[test]]\nname = \"wrong\"\nsnapshot = { server_cpu = 0.95 }\nnot_fired = [\"key.cpu.critical\"]\n";
    let report = run_fixtures(&Engine::default_pack(), "f.toml", text).unwrap();
    assert!(!report.passed());
    assert_eq!(
        report.to_string(),
        "ok      hot\nFAILED  wrong\n        key.cpu.critical: expected NotFired, got Fired\n1 passed, 1 failed"
    );
    // Two that pass and one that fails are counted as such.
    let calm = "[[test]]\nname = \"calm\"\nsnapshot = { server_cpu = 0.30 }\nnot_fired = [\"key.cpu.critical\"]\n";
    let report = run_fixtures(&Engine::default_pack(), "f.toml", &format!("{text}{calm}")).unwrap();
    assert!(
        report.to_string().ends_with("\n2 passed, 1 failed"),
        "{report}"
    );
}
