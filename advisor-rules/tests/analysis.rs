//! What the static analysis of a pack (`rules check`) says about rules that can never fire,
//! rules shadowed by another, and rules that contradict each other: which rules it names, and
//! the example snapshot it gives. Expected answers are worked out by hand from the conditions.

use scalability_advisor_rules::{Diagnostic, DiagnosticKind, RulePack};

/// A warning-level rule with `when` and any extra lines (stages, components).
fn rule(id: &str, when: &str, extra: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"{when}\"\n{extra}"
    )
}

fn warnings(rules: &[String]) -> Vec<Diagnostic> {
    let text = format!("name = \"p\"\n{}", rules.concat());
    match RulePack::from_toml_str("p.toml", &text) {
        Ok(pack) => pack.warnings().diagnostics().to_vec(),
        Err(e) => panic!("the pack should load: {e}\n{text}"),
    }
}

/// The rules a kind of warning names, in report order.
fn named(rules: &[String], kind: DiagnosticKind) -> Vec<String> {
    warnings(rules)
        .into_iter()
        .filter(|d| d.kind == kind)
        .filter_map(|d| d.rule)
        .collect()
}

/// The example of the one shadowed-rule warning.
#[track_caller]
fn shadow_example(rules: &[String]) -> String {
    let ds: Vec<Diagnostic> = warnings(rules)
        .into_iter()
        .filter(|d| d.kind == DiagnosticKind::Shadowed)
        .collect();
    assert_eq!(ds.len(), 1, "{ds:?}");
    ds[0].example.clone().unwrap_or_default()
}

fn never(when: &str) -> Vec<String> {
    named(&[rule("r", when, "")], DiagnosticKind::NeverFires)
}

#[test]
fn an_open_end_excludes_its_value_whichever_comparison_comes_first() {
    // Above 50% and at most 50%: nothing. Written in every order, with the closed
    // comparison on the same value before or after the open one.
    for when in [
        "db_cpu > 50% and db_cpu >= 50% and db_cpu <= 50%",
        "db_cpu >= 50% and db_cpu > 50% and db_cpu <= 50%",
        "db_cpu < 50% and db_cpu <= 50% and db_cpu >= 50%",
        "db_cpu <= 50% and db_cpu < 50% and db_cpu >= 50%",
    ] {
        assert_eq!(never(when), ["r"], "{when}");
    }
    // Exactly 50% meets both closed comparisons.
    assert!(never("db_cpu >= 50% and db_cpu <= 50%").is_empty());
    assert!(never("db_cpu >= 50% and db_cpu >= 50% and db_cpu <= 50%").is_empty());
}

#[test]
fn the_whole_condition_is_underlined() {
    let when = "db_cpu > 80% and db_cpu < 50%";
    let text = format!("name = \"p\"\n{}", rule("r", when, ""));
    let pack = RulePack::from_toml_str("p.toml", &text).unwrap();
    let d = &pack.warnings().diagnostics()[0];
    assert_eq!(d.kind, DiagnosticKind::NeverFires);
    assert_eq!(&text[d.span.0..d.span.1], when);
    assert_eq!(
        d.message,
        "rule `r` can never fire: no value of db_cpu satisfies every comparison"
    );
}

#[test]
fn requiring_and_forbidding_one_component_never_fires() {
    let ds = warnings(&[rule("r", "has(cache) and not has(cache)", "")]);
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0].kind, DiagnosticKind::NeverFires);
    assert_eq!(
        ds[0].message,
        "rule `r` can never fire: its component requirements contradict each other"
    );
}

#[test]
fn a_closed_threshold_shadows_an_open_one_at_the_same_value_not_the_reverse() {
    // `>= 80%` fires at exactly 80%, where `> 80%` does not: only the open one is shadowed,
    // whichever comes first in the file.
    for (low, high) in [
        ("db_cpu >= 80%", "db_cpu > 80%"),
        ("db_cpu <= 30%", "db_cpu < 30%"),
    ] {
        let closed = rule("closed", low, "");
        let open = rule("open", high, "");
        for rules in [
            [closed.clone(), open.clone()],
            [open.clone(), closed.clone()],
        ] {
            assert_eq!(
                named(&rules, DiagnosticKind::Shadowed),
                ["open"],
                "{low} / {high}"
            );
        }
    }
}

#[test]
fn of_two_identical_conditions_the_later_rule_is_reported() {
    for when in [
        "db_cpu > 80%",
        "db_cpu >= 80%",
        "db_cpu < 30%",
        "db_cpu <= 30%",
    ] {
        let rules = [rule("first", when, ""), rule("second", when, "")];
        assert_eq!(
            named(&rules, DiagnosticKind::Shadowed),
            ["second"],
            "{when}"
        );
    }
}

#[test]
fn a_lower_ceiling_is_shadowed_by_a_higher_one() {
    let rules = [
        rule("wide", "db_cpu < 60%", ""),
        rule("narrow", "db_cpu < 50%", ""),
    ];
    assert_eq!(named(&rules, DiagnosticKind::Shadowed), ["narrow"]);
    // The example is just under the ceiling: 50% less 1% of the unit.
    assert_eq!(shadow_example(&rules), "{\"db_cpu\": 0.49}");
}

#[test]
fn overlapping_conditions_that_do_not_nest_shadow_nothing() {
    // 95% fires the first only, 45% the second only.
    let rules = [
        rule("above", "db_cpu > 50%", ""),
        rule("band", "db_cpu > 40% and db_cpu < 90%", ""),
    ];
    assert!(named(&rules, DiagnosticKind::Shadowed).is_empty());
}

#[test]
fn examples_are_written_in_the_snapshot_units() {
    // A duration is given in milliseconds: just above 800 ms (1% of a second above it).
    let rules = [
        rule("wide", "p95_response_time > 500ms", ""),
        rule("narrow", "p95_response_time > 800ms", ""),
    ];
    assert_eq!(shadow_example(&rules), "{\"p95_response_time_ms\": 810}");
    // A flag is written as true, a number of users rounded up to a whole user.
    let rules = [
        rule("wide", "data_residency_required", ""),
        rule("narrow", "data_residency_required and users > 1000", ""),
    ];
    let example = shadow_example(&rules);
    assert!(
        example.contains("\"data_residency_required\": true"),
        "{example}"
    );
    assert!(example.contains("\"users\": 1010"), "{example}");
}

#[test]
fn an_example_stays_inside_the_condition_at_the_ends_of_the_number_range() {
    // The midpoint of [1e308, 1e308] must not overflow to infinity (numbers are written
    // out in full: the rule language has no exponents).
    let (big, bigger) = (format!("{:.0}", 1e307), format!("{:.0}", 1e308));
    let rules = [
        rule("wide", &format!("users > {big}"), ""),
        rule(
            "narrow",
            &format!("users >= {bigger} and users <= {bigger}"),
            "",
        ),
    ];
    assert_eq!(shadow_example(&rules), format!("{{\"users\": {}}}", 1e308));
}

#[test]
fn components_and_reversed_comparisons_are_analysed() {
    let wide = rule("wide", "db_cpu > 50%", "");
    // Each narrower condition fires only where `wide` does.
    for when in [
        "has(cache) and db_cpu > 80%",
        "not has(cache) and db_cpu > 80%",
        "80% < db_cpu",
    ] {
        let rules = [wide.clone(), rule("narrow", when, "")];
        assert_eq!(
            named(&rules, DiagnosticKind::Shadowed),
            ["narrow"],
            "{when}"
        );
    }
    let rules = [wide, rule("narrow", "has(cache) and db_cpu > 80%", "")];
    assert_eq!(
        shadow_example(&rules),
        "{\"db_cpu\": 0.81, \"architecture\": [\"cache\"]}"
    );
}

#[test]
fn a_rule_limited_to_fewer_stages_is_not_shadowed_outside_them() {
    let wide = rule("wide", "db_cpu > 50%", "stages = [\"growth\", \"scale\"]\n");
    let narrow = |stages: &str| rule("narrow", "db_cpu > 80%", stages);
    // Every stage: it fires at the startup stage, where `wide` does not.
    assert!(named(&[wide.clone(), narrow("")], DiagnosticKind::Shadowed).is_empty());
    // Startup only: never where `wide` fires.
    let startup = narrow("stages = [\"startup\"]\n");
    assert!(named(&[wide.clone(), startup], DiagnosticKind::Shadowed).is_empty());
    // Scale only: inside `wide`'s stages.
    let scale = narrow("stages = [\"scale\"]\n");
    assert_eq!(named(&[wide, scale], DiagnosticKind::Shadowed), ["narrow"]);
}

#[test]
fn contradicting_rules_are_reported_only_when_their_stages_meet() {
    let add = |stages: &str| {
        rule(
            "add",
            "server_cpu > 50%",
            &format!("recommends = [\"cache\"]\n{stages}"),
        )
    };
    let avoid = |stages: &str| {
        rule(
            "avoid",
            "server_cpu < 60%",
            &format!("discourages = [\"cache\"]\n{stages}"),
        )
    };
    let growth = "stages = [\"growth\"]\n";
    let scale = "stages = [\"scale\"]\n";
    let both = "stages = [\"growth\", \"scale\"]\n";
    let cases = [
        (add(growth), avoid(scale), false),
        (add(both), avoid(scale), true),
        (add(""), avoid(scale), true),
        (add(growth), avoid(""), true),
        (add(""), avoid(""), true),
    ];
    // Each pair is reported once, on the rule written first.
    for (a, b, reported) in cases {
        let found = named(&[a.clone(), b.clone()], DiagnosticKind::Contradictory);
        let expected: &[&str] = if reported { &["add"] } else { &[] };
        assert_eq!(found, expected, "{a}{b}");
        let found = named(&[b.clone(), a.clone()], DiagnosticKind::Contradictory);
        let expected: &[&str] = if reported { &["avoid"] } else { &[] };
        assert_eq!(found, expected, "{b}{a}");
    }
}

#[test]
fn recommending_a_component_already_required_is_no_contradiction() {
    // `recommends` names components to add. Where both rules fire, `avoid` has the cache in
    // place (it requires it), so `add` cannot be adding one: they do not contradict each
    // other. Without that requirement they can, and are reported.
    let add = rule("add", "server_cpu > 50%", "recommends = [\"cache\"]\n");
    let avoid_present = rule(
        "avoid",
        "has(cache) and server_cpu < 60%",
        "discourages = [\"cache\"]\n",
    );
    assert!(named(&[add.clone(), avoid_present], DiagnosticKind::Contradictory).is_empty());
    let avoid = rule("avoid", "server_cpu < 60%", "discourages = [\"cache\"]\n");
    assert_eq!(named(&[add, avoid], DiagnosticKind::Contradictory), ["add"]);
    // Only the components in place are dropped from the clash: recommending a cache and a
    // CDN against a rule that discourages both and requires only the cache still clashes,
    // on the CDN.
    let add_both = rule(
        "add",
        "server_cpu > 50%",
        "recommends = [\"cache\", \"cdn\"]\n",
    );
    let avoid_both = rule(
        "avoid",
        "has(cache) and server_cpu < 60%",
        "discourages = [\"cache\", \"cdn\"]\n",
    );
    let found = warnings(&[add_both, avoid_both])
        .into_iter()
        .filter(|d| d.kind == DiagnosticKind::Contradictory)
        .map(|d| d.message)
        .collect::<Vec<_>>();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("on cdn:"), "{}", found[0]);
}

/// The shadowed rules of a pack and the rule each is shadowed by, from the messages.
fn shadowed_by(rules: &[String]) -> Vec<(String, String)> {
    warnings(rules)
        .into_iter()
        .filter(|d| d.kind == DiagnosticKind::Shadowed)
        .map(|d| {
            let by = d.message.split('`').nth(3).unwrap_or_default().to_owned();
            (d.rule.unwrap_or_default(), by)
        })
        .collect()
}

/// `n` tenths, written exactly (`99.6`, not `99.6 - 59.6`'s `40.00000000000001`).
fn tenths(n: u32) -> String {
    format!("{}.{}", n / 10, n % 10)
}

#[test]
fn in_a_large_group_the_loosest_floor_shadows_the_others_wherever_it_is_written() {
    // 150 floors `db_cpu > x%` written from the highest (99.6%) down to 40%, then a closed
    // floor at 40%: `db_cpu >= 40%` fires whenever any other does, including `> 40%`, so
    // it shadows all 150 (a group this large is analysed by sorting, not pair by pair).
    let mut rules: Vec<String> = (0..150)
        .map(|k| {
            rule(
                &format!("r{k}"),
                &format!("db_cpu > {}%", tenths(996 - 4 * k)),
                "",
            )
        })
        .collect();
    rules.push(rule("loosest", "db_cpu >= 40%", ""));
    // Two rules on two metrics in the same group: compared with each other, pair by pair.
    rules.push(rule("pair_wide", "db_cpu > 50% and users > 100", ""));
    rules.push(rule("pair_narrow", "db_cpu > 60% and users > 200", ""));
    let mut found = shadowed_by(&rules);
    let pair = found.pop();
    assert_eq!(pair, Some(("pair_narrow".into(), "pair_wide".into())));
    assert_eq!(found.len(), 150, "{found:?}");
    assert!(
        found
            .iter()
            .all(|(r, by)| r != "loosest" && by == "loosest"),
        "{found:?}"
    );
}

#[test]
fn in_a_large_group_the_highest_ceiling_shadows_the_others_wherever_it_is_written() {
    // 150 ceilings `db_cpu < x%` from 40% up to 99.6%, then a closed ceiling at 99.6%.
    let mut rules: Vec<String> = (0..150)
        .map(|k| {
            rule(
                &format!("r{k}"),
                &format!("db_cpu < {}%", tenths(400 + 4 * k)),
                "",
            )
        })
        .collect();
    rules.push(rule("highest", "db_cpu <= 99.6%", ""));
    let found = shadowed_by(&rules);
    assert_eq!(found.len(), 150, "{found:?}");
    assert!(
        found
            .iter()
            .all(|(r, by)| r != "highest" && by == "highest"),
        "{found:?}"
    );
}
