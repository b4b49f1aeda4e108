//! Every diagnostic kind, with its location.

use scalability_advisor_rules::{DiagnosticKind, DiagnosticLevel, PackFormat, RulePack};

fn rule(id: &str, when: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"{when}\"\n"
    )
}

fn errors(text: &str) -> Vec<scalability_advisor_rules::Diagnostic> {
    RulePack::from_toml_str("p.toml", text)
        .unwrap_err()
        .diagnostics()
        .to_vec()
}

#[track_caller]
fn check(
    text: &str,
    kind: DiagnosticKind,
    line: usize,
    column: usize,
) -> scalability_advisor_rules::Diagnostic {
    let ds = errors(text);
    let d = ds
        .iter()
        .find(|d| d.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {ds:?}"))
        .clone();
    assert_eq!((d.line, d.column), (line, column), "{d}");
    assert!(d.excerpt.contains('^'), "{d}");
    d
}

#[test]
fn syntax_error() {
    let d = check(
        &format!("name = \"p\"\n{}", rule("a", "db_cpu > > 5%")),
        DiagnosticKind::Syntax,
        7,
        18,
    );
    assert_eq!(d.rule.as_deref(), Some("a"));
}

#[test]
fn unknown_metric_with_suggestion() {
    let d = check(
        &format!("name = \"p\"\n{}", rule("a", "replica_lagg > 5s")),
        DiagnosticKind::UnknownMetric,
        7,
        9,
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `replica_lag`?"));
}

#[test]
fn unit_mismatch() {
    let d = check(
        &format!("name = \"p\"\n{}", rule("a", "p95 > 70%")),
        DiagnosticKind::UnitMismatch,
        7,
        9,
    );
    assert!(
        d.message
            .contains("cannot compare a duration with a number or percentage"),
        "{d}"
    );
}

#[test]
fn duplicate_id() {
    let text = format!(
        "name = \"p\"\n{}{}",
        rule("a", "db_cpu > 5%"),
        rule("a", "db_cpu > 6%")
    );
    let d = check(&text, DiagnosticKind::DuplicateId, 9, 6);
    assert!(d.help.unwrap().contains("line 3"));
}

#[test]
fn missing_parameter_with_suggestion() {
    let text = format!(
        "name = \"p\"\n[params]\nlevel = \"70%\"\n{}",
        rule("a", "db_cpu > $levle")
    );
    let d = check(&text, DiagnosticKind::MissingParameter, 9, 18);
    assert_eq!(d.help.as_deref(), Some("did you mean `$level`?"));
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = format!(
        "name = \"p\"\n{}{}{}",
        rule("a", "db_cpuu > 5%"),
        rule("b", "p95 > 5%"),
        rule("c", "(db_cpu > 5%")
    );
    let ds = errors(&text);
    let kinds: Vec<DiagnosticKind> = ds.iter().map(|d| d.kind).collect();
    assert!(kinds.contains(&DiagnosticKind::UnknownMetric));
    assert!(kinds.contains(&DiagnosticKind::UnitMismatch));
    assert!(kinds.contains(&DiagnosticKind::Syntax));
}

#[test]
fn format_error_has_location() {
    let ds = errors("name = \"p\"\n[[rule]]\nid = 3\n");
    let d = ds
        .iter()
        .find(|d| d.message.starts_with("`id`"))
        .unwrap_or_else(|| panic!("{ds:?}"));
    assert_eq!((d.line, d.column, d.level), (3, 6, DiagnosticLevel::Error));
    // The missing keys of the same rule are reported with it.
    for key in ["title", "when", "severity", "advice"] {
        assert!(
            ds.iter()
                .any(|d| d.message == format!("the rule has no `{key}`")),
            "{key}: {ds:?}"
        );
    }
}

#[test]
fn structural_problems_come_together_with_expression_errors() {
    // Six mistakes: an unknown key at the top, a bad value, an unknown key, an unknown
    // metric, a wrong type and a missing key in three rules.
    let text = r#"name = "p"
versoin = "1"

[[rule]]
id = "a"
title = "t"
when = "db_cpu > 70%"
severity = "urgent"
advice = "a"
priorty = 3

[[rule]]
id = "b"
title = "t"
when = "db_cpuu > 70%"
severity = "warning"
advice = "a"

[[rule]]
id = "c"
title = 7
when = "p95 > 1s"
advice = "a"
"#;
    let ds = errors(text);
    #[track_caller]
    fn has(ds: &[scalability_advisor_rules::Diagnostic], line: usize, words: &str) {
        assert!(
            ds.iter()
                .any(|d| d.line == line && d.to_string().contains(words)),
            "no `{words}` on line {line}: {ds:#?}"
        );
    }
    has(&ds, 2, "unknown key `versoin`");
    has(&ds, 2, "did you mean `version`?");
    has(&ds, 8, "`severity`");
    has(&ds, 10, "unknown key `priorty`");
    has(&ds, 10, "did you mean `priority`?");
    has(&ds, 15, "unknown metric");
    has(&ds, 21, "`title`");
    has(&ds, 19, "the rule has no `severity`");
    assert_eq!(ds.len(), 6, "{ds:#?}");
}

#[test]
fn json_pack_errors_are_located() {
    let text = "{\n  \"name\": \"p\",\n  \"rule\": [{\"id\": \"a\", \"title\": \"t\", \"severity\": \"warning\", \"advice\": \"a\", \"when\": \"p95 > 70%\"}]\n}";
    let ds = RulePack::parse("p.json", text, PackFormat::Json)
        .unwrap_err()
        .diagnostics()
        .to_vec();
    assert_eq!(ds[0].kind, DiagnosticKind::UnitMismatch);
    assert_eq!(ds[0].line, 3);
}

#[test]
fn never_fires_warning_with_example() {
    let pack = RulePack::from_toml_str(
        "p.toml",
        &format!(
            "name = \"p\"\n{}",
            rule("a", "db_cpu > 80% and db_cpu < 50%")
        ),
    )
    .unwrap();
    let d = &pack.warnings().diagnostics()[0];
    assert_eq!(d.kind, DiagnosticKind::NeverFires);
    assert_eq!((d.line, d.column), (7, 9));
    assert!(d.example.is_some());
}

#[test]
fn shadowed_warning_with_example() {
    let text = format!(
        "name = \"p\"\n{}{}",
        rule("wide", "db_cpu > 50%"),
        rule("narrow", "db_cpu > 80%")
    );
    let pack = RulePack::from_toml_str("p.toml", &text).unwrap();
    let d = pack
        .warnings()
        .iter()
        .find(|d| d.kind == DiagnosticKind::Shadowed)
        .unwrap();
    assert_eq!(d.rule.as_deref(), Some("narrow"));
    assert_eq!(d.line, 13);
    assert_eq!(d.example.as_deref(), Some("{\"db_cpu\": 0.81}"));
}

#[test]
fn contradictory_warning_with_example() {
    let text = "name = \"p\"\n[[rule]]\nid = \"add\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"server_cpu > 50%\"\nrecommends = [\"cache\"]\n[[rule]]\nid = \"dont\"\ntitle = \"t\"\nseverity = \"info\"\nadvice = \"a\"\nwhen = \"server_cpu < 60%\"\ndiscourages = [\"cache\"]\n";
    let pack = RulePack::from_toml_str("p.toml", text).unwrap();
    let d = pack
        .warnings()
        .iter()
        .find(|d| d.kind == DiagnosticKind::Contradictory)
        .unwrap();
    assert_eq!(d.example.as_deref(), Some("{\"server_cpu\": 0.55}"));
}

#[test]
fn unknown_rule_in_disable_and_supersedes() {
    let base = RulePack::default_pack();
    let err = base
        .layer(
            "u.toml",
            "name = \"u\"\ndisable = [\"key.cpu.warnin\"]\n",
            PackFormat::Toml,
        )
        .unwrap_err();
    let d = &err.diagnostics()[0];
    assert_eq!(d.kind, DiagnosticKind::UnknownRule);
    assert_eq!(d.help.as_deref(), Some("did you mean `key.cpu.warning`?"));
}

#[test]
fn deep_and_huge_input_is_refused() {
    let deep = format!("{}db_cpu > 1%{}", "(".repeat(100), ")".repeat(100));
    check(
        &format!("name = \"p\"\n{}", rule("a", &deep)),
        DiagnosticKind::TooComplex,
        7,
        41,
    );
    let huge = "x".repeat(scalability_advisor_rules::MAX_PACK_BYTES + 1);
    assert_eq!(errors(&huge)[0].kind, DiagnosticKind::TooComplex);
}

#[test]
fn supersession_cycles_are_errors() {
    // A rule superseding itself, on line 7 where its `when` is.
    let me = "name = \"p\"\n[[rule]]\nid = \"a\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"db_cpu > 70%\"\nsupersedes = [\"a\"]\n";
    let d = check(me, DiagnosticKind::SupersessionCycle, 7, 9);
    assert!(
        d.message.contains("rule `a` supersedes itself"),
        "{}",
        d.message
    );
    // a → b → c → a.
    let mut text = "name = \"p\"\n".to_owned();
    for (id, next) in [("a", "b"), ("b", "c"), ("c", "a")] {
        text.push_str(&rule(id, "db_cpu > 70%"));
        text.push_str(&format!("supersedes = [\"{next}\"]\n"));
    }
    let ds = errors(&text);
    let cycles: Vec<_> = ds
        .iter()
        .filter(|d| d.kind == DiagnosticKind::SupersessionCycle)
        .collect();
    assert_eq!(cycles.len(), 1, "one report per cycle: {ds:?}");
    assert!(
        cycles[0].message.contains("`a` → `b` → `c` → `a`"),
        "{}",
        cycles[0].message
    );
    // A chain without a cycle loads.
    let mut chain = "name = \"p\"\n".to_owned();
    chain.push_str(&rule("a", "db_cpu > 70%"));
    chain.push_str("supersedes = [\"b\"]\n");
    chain.push_str(&rule("b", "db_cpu > 80%"));
    assert!(RulePack::from_toml_str("p.toml", &chain).is_ok());
}

#[test]
fn diagnostics_are_capped_with_a_count_of_the_rest() {
    // 300 unknown rules to disable: 200 reported, then one error counting the other 100.
    let ids: Vec<String> = (0..300).map(|i| format!("\"nope{i}\"")).collect();
    let text = format!("name = \"p\"\ndisable = [{}]\n", ids.join(", "));
    let err = RulePack::default_pack()
        .layer("p.toml", &text, PackFormat::Toml)
        .unwrap_err();
    let ds = err.diagnostics();
    assert_eq!(ds.len(), scalability_advisor_rules::MAX_DIAGNOSTICS + 1);
    let last = ds.last().unwrap();
    assert_eq!(last.kind, DiagnosticKind::Omitted);
    assert_eq!(last.level, DiagnosticLevel::Error);
    assert!(
        last.message.starts_with("100 more problem(s)"),
        "{}",
        last.message
    );
    // The ones shown point at their own entries on the one line.
    let first = &ds[0];
    assert_eq!((first.line, first.column), (2, 12));
    assert!(ds[1].column > first.column);
}

#[test]
fn large_groups_of_threshold_rules_report_each_shadowed_rule_once() {
    // 150 rules `db_cpu > x%` for x = 40%, 40.4%, ..., 99.6%, all saying the same thing (a
    // group larger than the pairwise limit): `db_cpu > 40%` fires whenever any other does,
    // so each of the other 149 is shadowed, by it, once.
    let mut text = "name = \"p\"\n".to_owned();
    for x in 0..150 {
        text.push_str(&rule(
            &format!("r{x}"),
            &format!("db_cpu > {}%", 40.0 + f64::from(x) * 0.4),
        ));
    }
    let pack = RulePack::from_toml_str("p.toml", &text).unwrap();
    let shadowed: Vec<_> = pack
        .warnings()
        .diagnostics()
        .iter()
        .filter(|d| d.kind == DiagnosticKind::Shadowed)
        .collect();
    assert_eq!(shadowed.len(), 149);
    assert!(
        shadowed
            .iter()
            .all(|d| d.message.contains("is shadowed by `r0`"))
    );
    assert!(!shadowed.iter().any(|d| d.rule.as_deref() == Some("r0")));
}

#[test]
fn a_layer_that_zeroes_a_divisor_breaks_only_the_base_rule_dividing_by_it() {
    // The base divides by `$cores`; a layer may change it, but not to 0. The other base rule
    // reads no changed parameter and is not reported.
    let base_text = format!(
        "name = \"base\"\n[params]\ncores = \"4\"\n{}{}",
        rule("base.per_core", "server_cpu / $cores > 10%"),
        rule("base.db", "db_cpu > 90%")
    );
    let base = RulePack::from_toml_str("base.toml", &base_text).unwrap();
    let err = base
        .layer(
            "prod.toml",
            "name = \"prod\"\n[params]\ncores = \"0\"\n",
            PackFormat::Toml,
        )
        .unwrap_err();
    let ds = err.diagnostics();
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0].rule.as_deref(), Some("base.per_core"), "{}", ds[0]);
    assert!(ds[0].message.contains("divides by zero"), "{}", ds[0]);
    // Any other core count is fine.
    let fine = base.layer(
        "prod.toml",
        "name = \"prod\"\n[params]\ncores = \"8\"\n",
        PackFormat::Toml,
    );
    assert!(fine.is_ok(), "{:?}", fine.err());
}

#[test]
fn a_layer_rules_problems_are_placed_in_the_layer_file() {
    // Line 7 of the layer, `when = "db_cpu > $nope"`: the `$` is column 18.
    let text = format!("name = \"prod\"\n{}", rule("prod.bad", "db_cpu > $nope"));
    let err = RulePack::default_pack()
        .layer("prod.toml", &text, PackFormat::Toml)
        .unwrap_err();
    let d = err
        .diagnostics()
        .iter()
        .find(|d| d.kind == DiagnosticKind::MissingParameter)
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!((d.line, d.column), (7, 18), "{d}");
    assert_eq!(d.rule.as_deref(), Some("prod.bad"));
}

#[test]
fn layered_analysis_reports_the_layers_rules_not_the_base_ones() {
    // A wide P95 warning in the layer covers the default pack's `key.p95.warning` (same
    // kind of finding, narrower condition). Only the layer's rules are the layer author's
    // to fix, so the base rule is not reported as shadowed, and the layer's own rule is not
    // shadowed by anything.
    let text = format!(
        "name = \"prod\"\n{}",
        rule("prod.p95", "p95_response_time >= 100ms")
    );
    let pack = RulePack::default_pack()
        .layer("prod.toml", &text, PackFormat::Toml)
        .unwrap();
    let about_base: Vec<_> = pack
        .warnings()
        .iter()
        .filter(|d| d.rule.as_deref().is_some_and(|r| r != "prod.p95"))
        .collect();
    assert!(about_base.is_empty(), "{about_base:?}");
    // Loaded on its own with the same base rule, the narrower rule is reported.
    let alone = format!(
        "name = \"p\"\n{}{}",
        rule("narrow", "p95_response_time >= 500ms"),
        rule("wide", "p95_response_time >= 100ms")
    );
    let pack = RulePack::from_toml_str("p.toml", &alone).unwrap();
    assert!(
        pack.warnings()
            .iter()
            .any(|d| d.kind == DiagnosticKind::Shadowed && d.rule.as_deref() == Some("narrow")),
        "{:?}",
        pack.warnings()
    );
}

#[test]
fn made_advice_needs_a_transition_or_a_recommendation() {
    // `made_advice` speaks of what the rule calls for being in place: on a rule that moves
    // nowhere and recommends nothing it could never be shown, so it is refused where the
    // rule's id is.
    let text = format!(
        "name = \"p\"\n{}made_advice = \"m\"\n",
        rule("a", "db_cpu > 50%")
    );
    let d = check(&text, DiagnosticKind::Format, 3, 6);
    assert!(
        d.message
            .contains("`made_advice` but neither `moves_to` nor `recommends`"),
        "{d}"
    );
    // With `moves_to`, it loads and is kept.
    let ok = format!("{text}moves_to = \"growth\"\n");
    let pack = RulePack::from_toml_str("p.toml", &ok).expect("loads");
    assert_eq!(pack.rules()[0].made_advice.as_deref(), Some("m"));
    // With `recommends` and no move, too.
    let ok = format!("{text}recommends = [\"connection_pooler\"]\n");
    let pack = RulePack::from_toml_str("p.toml", &ok).expect("loads");
    assert_eq!(pack.rules()[0].made_advice.as_deref(), Some("m"));
}

#[test]
fn blank_titles_and_advice_are_refused() {
    // Each would print as an empty line in the report.
    for (key, line) in [("title", "title = \" \""), ("advice", "advice = \"\"")] {
        let text = format!("name = \"p\"\n{}", rule("r", "users > 5"))
            .replace(&format!("{key} = \"{}\"", &key[..1]), line);
        let ds = errors(&text);
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert_eq!(ds[0].message, format!("`{key}` is empty"));
        assert_eq!(ds[0].rule.as_deref(), Some("r"));
        assert_eq!(&text[ds[0].span.0..ds[0].span.1], &line[key.len() + 3..]);
    }
    let text = format!(
        "name = \"p\"\n{}made_advice = \"  \"\nmoves_to = \"growth\"\n",
        rule("r", "users > 5")
    );
    let ds = errors(&text);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(ds[0].message, "`made_advice` is empty");
    assert_eq!(
        ds[0].help.as_deref(),
        Some("write what to do once the move is made")
    );
}

#[test]
fn the_count_of_omitted_problems_points_nowhere_and_names_no_rule() {
    // 250 floors `db_cpu > x%`, each shadowed by the first (`> 10%`): 249 warnings, each
    // with a rule, a place, an excerpt and an example; the closing count has none of them.
    let mut text = "name = \"p\"\n".to_owned();
    for i in 0..250 {
        text.push_str(&rule(
            &format!("r{i}"),
            &format!("db_cpu > {}%", 10 + i / 4),
        ));
    }
    let pack = RulePack::from_toml_str("p.toml", &text).unwrap();
    let ds = pack.warnings().diagnostics();
    assert_eq!(ds.len(), scalability_advisor_rules::MAX_DIAGNOSTICS + 1);
    assert_eq!(pack.warnings().len(), 201);
    let shown = &ds[0];
    assert!(shown.rule.is_some() && shown.example.is_some() && shown.line > 0);
    let last = ds.last().unwrap();
    assert_eq!(last.kind, DiagnosticKind::Omitted);
    assert_eq!(last.level, DiagnosticLevel::Warning);
    assert_eq!(
        last.message,
        "49 more problem(s) are not shown (at most 200 are reported)"
    );
    assert_eq!((last.line, last.column), (0, 0));
    assert_eq!(last.excerpt, "");
    assert_eq!(last.rule, None);
    assert_eq!(last.example, None);
    assert_eq!(
        last.help.as_deref(),
        Some("fix the problems shown first; many of the rest often go with them")
    );
    // Printed: the file alone, no line or column.
    assert_eq!(
        last.to_string(),
        "warning: 49 more problem(s) are not shown (at most 200 are reported)\n  --> p.toml\n  = help: fix the problems shown first; many of the rest often go with them\n"
    );
    // The list closes with its counts.
    assert!(
        pack.warnings()
            .to_string()
            .ends_with("\n0 error(s), 201 warning(s)"),
        "{}",
        pack.warnings()
    );
}

#[test]
fn a_diagnostic_prints_its_place_excerpt_rule_example_and_help() {
    let text = format!(
        "name = \"p\"\n{}{}",
        rule("wide", "db_cpu > 50%"),
        rule("narrow", "db_cpu > 80%")
    );
    let pack = RulePack::from_toml_str("p.toml", &text).unwrap();
    assert_eq!(pack.warnings().len(), 1);
    assert!(!pack.warnings().is_empty());
    let d = &pack.warnings().diagnostics()[0];
    assert_eq!(
        d.to_string(),
        format!(
            "warning: {}\n  --> p.toml:13:9\n{}\n  = rule: narrow\n  = example snapshot: {{\"db_cpu\": 0.81}}\n  = help: {}\n",
            d.message,
            d.excerpt,
            d.help.as_deref().unwrap()
        )
    );
    assert!(
        d.excerpt.contains("13 | when = \"db_cpu > 80%\""),
        "{}",
        d.excerpt
    );
    assert_eq!(
        pack.warnings().to_string(),
        format!("{d}\n0 error(s), 1 warning(s)")
    );
}

#[test]
fn problems_are_listed_in_file_order() {
    // An unknown metric (line 7, found when conditions are compiled) and an unknown key
    // (line 14, found earlier, when the rules are read): listed by line.
    let text = format!(
        "name = \"p\"\n{}{}priorty = 3\n",
        rule("a", "db_cpux > 1%"),
        rule("b", "db_cpu > 1%")
    );
    let ds = errors(&text);
    let lines: Vec<usize> = ds.iter().map(|d| d.line).collect();
    assert_eq!(lines, [7, 14], "{ds:#?}");
}

#[test]
fn a_bad_parameter_is_placed_at_its_name_on_an_indented_line() {
    // 150% cannot be a share of DB CPU: the rule reading it would fire never.
    let text = format!(
        "name = \"p\"\n[params]\n    level = \"150%\"\n{}",
        rule("r", "db_cpu > $level")
    );
    let ds = errors(&text);
    let d = ds
        .iter()
        .find(|d| d.kind == DiagnosticKind::BadParameter)
        .unwrap_or_else(|| panic!("{ds:#?}"));
    assert_eq!((d.line, d.column), (3, 5), "{d}");
    assert_eq!(&text[d.span.0..d.span.1], "level");
}

#[test]
fn every_unit_scales_its_number() {
    // Each suffix of the language, as a parameter (parameters are read by the same lexer).
    let cases = [
        ("plain", "5", 5.0),
        ("share", "50%", 0.5),
        ("thousands", "2k", 2_000.0),
        ("millions", "2M", 2_000_000.0),
        ("millis", "250ms", 0.25),
        ("micros", "1500us", 0.0015),
        ("secs", "3s", 3.0),
        ("mins", "2min", 120.0),
        ("hours", "2h", 7_200.0),
        ("days", "2d", 172_800.0),
        ("per_sec", "5/s", 5.0),
        ("per_min", "120/min", 2.0),
        ("per_hour", "7200/h", 2.0),
        ("per_day", "86400/d", 1.0),
    ];
    let mut text = "name = \"p\"\n[params]\n".to_owned();
    for (name, value, _) in cases {
        text.push_str(&format!("{name} = \"{value}\"\n"));
    }
    let pack = RulePack::from_toml_str("p.toml", &text).unwrap();
    for (name, written, expected) in cases {
        let got = pack.param(name).unwrap().value;
        assert!(
            (got - expected).abs() <= 1e-12 * expected.abs(),
            "{written}: {got} != {expected}"
        );
    }
}

#[test]
fn a_stray_character_is_named_and_underlined_alone() {
    // `€` is three bytes: the caret covers exactly it.
    let text = format!("name = \"p\"\n{}", rule("a", "db_cpu > 5% €"));
    let d = check(&text, DiagnosticKind::Syntax, 7, 21);
    assert!(d.message.contains("unexpected character `€`"), "{d}");
    assert_eq!(&text[d.span.0..d.span.1], "€");
    // A name may start with an underscore: it is then an unknown metric, not a stray `_`.
    let text = format!("name = \"p\"\n{}", rule("a", "_db_cpu > 5%"));
    let d = check(&text, DiagnosticKind::UnknownMetric, 7, 9);
    assert!(d.message.contains("_db_cpu"), "{d}");
}

#[test]
fn a_value_of_the_wrong_kind_is_named_by_its_kind() {
    for (text, says) in [
        (
            "name = \"p\"\nparams = 5\n",
            "`params` is a table, found a number",
        ),
        (
            "name = \"p\"\nparams = \"x\"\n",
            "`params` is a table, found a string",
        ),
        (
            "name = \"p\"\ndisable = true\n",
            "`disable` is a list of rule ids, found a boolean",
        ),
        (
            "name = \"p\"\nrule = 1979-05-27\n",
            "`rule` is a list of rules, found a date",
        ),
        (
            "name = \"p\"\nrule = [[1]]\n",
            "a rule is a table of keys, found an array",
        ),
        (
            "name = \"p\"\ndisable = { a = 1 }\n",
            "`disable` is a list of rule ids, found a table",
        ),
    ] {
        let ds = errors(text);
        assert!(ds.iter().any(|d| d.message == says), "{text}: {ds:#?}");
    }
    // The same in JSON.
    for (text, says) in [
        (
            r#"{"name": "p", "params": 5}"#,
            "`params` is a table, found a number",
        ),
        (
            r#"{"name": "p", "params": "x"}"#,
            "`params` is a table, found a string",
        ),
        (
            r#"{"name": "p", "disable": true}"#,
            "`disable` is a list of rule ids, found a boolean",
        ),
        (
            r#"{"name": "p", "rule": [[1]]}"#,
            "a rule is a table of keys, found an array",
        ),
        (
            r#"{"name": "p", "disable": {"a": 1}}"#,
            "`disable` is a list of rule ids, found an object",
        ),
        (
            r#"{"name": "p", "disable": null}"#,
            "`disable` is a list of rule ids, found null",
        ),
    ] {
        let ds = RulePack::parse("p.json", text, PackFormat::Json)
            .unwrap_err()
            .diagnostics()
            .to_vec();
        assert!(ds.iter().any(|d| d.message == says), "{text}: {ds:#?}");
    }
}
