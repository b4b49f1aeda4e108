//! The default pack: loads cleanly, and each rule fires and stays silent where the guide says.

use std::collections::BTreeSet;

use advisor_rules::{Engine, RulePack, run_fixtures};

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
