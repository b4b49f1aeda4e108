//! Every refusal of a pack points at what it is about: the line and column a user jumps to,
//! and the text the diagnostic underlines (its span, printed as carets under the excerpt and
//! given as `span` in JSON output). TOML keeps spans; JSON does not, so the loader finds the
//! place in the text, and these tests hold it to the same answer in both formats.

use scalability_advisor_rules::{
    Diagnostic, DiagnosticKind, MAX_PACK_BYTES, MAX_RULES, PackFormat, RulePack,
};

/// The diagnostic of `kind` that loading `text` gives (it must be refused).
#[track_caller]
fn refusal(text: &str, format: PackFormat, kind: DiagnosticKind) -> Diagnostic {
    let err = RulePack::parse("p", text, format).unwrap_err();
    err.diagnostics()
        .iter()
        .find(|d| d.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {err}"))
        .clone()
}

/// The text a diagnostic underlines, and its line.
#[track_caller]
fn marked<'a>(text: &'a str, d: &Diagnostic) -> (&'a str, usize) {
    let under = text
        .get(d.span.0..d.span.1)
        .unwrap_or_else(|| panic!("span {:?} outside the text", d.span));
    (under, d.line)
}

fn toml_rule(id: &str, when: &str, extra: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"{when}\"\n{extra}"
    )
}

/// A JSON rule written over several lines, `id` first, like a person would write it.
fn json_rule(id: &str, when: &str, extra: &str) -> String {
    format!(
        "    {{\n      \"id\": \"{id}\",\n      \"title\": \"t\",\n      \"severity\": \"warning\",\n      \"advice\": \"a\",{extra}\n      \"when\": \"{when}\"\n    }}"
    )
}

/// A JSON pack named `p` holding `rules` (from [`json_rule`]), one key per line: the name
/// on line 2, the rules from line 4.
fn json_pack(rules: &[String]) -> String {
    format!(
        "{{\n  \"name\": \"p\",\n  \"rule\": [\n{}\n  ]\n}}\n",
        rules.join(",\n")
    )
}

/// A TOML pack named `p` holding `rules` (from [`toml_rule`]), from line 2.
fn toml_pack(rules: &str) -> String {
    format!("name = \"p\"\n{rules}")
}

#[test]
fn a_pack_of_exactly_the_size_limit_loads_and_one_byte_more_is_refused() {
    let head = toml_pack(&toml_rule("r", "db_cpu > 70%", ""));
    let mut text = head.clone();
    text.push('#');
    text.push_str(&"x".repeat(MAX_PACK_BYTES - head.len() - 2));
    text.push('\n');
    assert_eq!(text.len(), MAX_PACK_BYTES);
    assert!(RulePack::from_toml_str("p.toml", &text).is_ok());
    text.push(' ');
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::TooComplex);
    assert_eq!(
        d.message,
        format!(
            "pack is {} bytes, the limit is {MAX_PACK_BYTES}",
            MAX_PACK_BYTES + 1
        )
    );
}

#[test]
fn a_pack_of_exactly_the_rule_limit_loads() {
    // Rules on one metric with no overlap to report: each fires above its own share.
    let mut text = String::from("name = \"p\"\n");
    for i in 0..MAX_RULES {
        let level = format!("{}.{:02}%", i / 100, i % 100);
        text.push_str(&toml_rule(
            &format!("r{i}"),
            &format!("db_cpu > {level}"),
            "",
        ));
    }
    let pack = RulePack::from_toml_str("p.toml", &text)
        .unwrap_or_else(|e| panic!("{}", e.diagnostics()[0]));
    assert_eq!(pack.rules().len(), MAX_RULES);
}

#[test]
fn one_rule_more_than_the_limit_is_refused() {
    let mut text = String::from("name = \"p\"\n");
    for i in 0..=MAX_RULES {
        text.push_str(&toml_rule(&format!("r{i}"), "db_cpu > 70%", ""));
    }
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::TooComplex);
    assert_eq!(
        d.message,
        format!("pack has {} rules, the limit is {MAX_RULES}", MAX_RULES + 1)
    );
}

#[test]
fn a_json_syntax_error_underlines_the_character_where_it_is() {
    // The second comma of line 2 is where a key was expected: column 15.
    let text = "{\n  \"name\": \"p\",,\n  \"rule\": []\n}\n";
    let d = refusal(text, PackFormat::Json, DiagnosticKind::Format);
    assert_eq!((d.line, d.column), (2, 15), "{d}");
    assert_eq!(marked(text, &d), (",", 2));
}

#[test]
fn a_problem_inside_a_json_rule_is_placed_at_its_id() {
    // JSON keeps no spans, so a rule's unknown key is shown at the rule's id, on its line.
    let text = json_pack(&[
        json_rule("first", "db_cpu > 70%", ""),
        json_rule("second", "db_cpu > 80%", "\n      \"colour\": \"red\","),
    ]);
    let d = refusal(&text, PackFormat::Json, DiagnosticKind::Format);
    assert!(d.message.contains("colour"), "{d}");
    assert_eq!(d.rule.as_deref(), Some("second"));
    // Lines: 1 `{`, 2 name, 3 `"rule": [`, 4-10 the first rule, 11 `{`, 12 the second's id.
    assert_eq!(marked(&text, &d), ("\"second\"", 12));
}

#[test]
fn an_unsupported_format_underlines_the_format_key() {
    let text = format!(
        "name = \"p\"\nformat = 9\n{}",
        toml_rule("r", "db_cpu > 70%", "")
    );
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::Format);
    assert_eq!(d.message, "pack format 9 is not supported");
    assert_eq!(marked(&text, &d), ("format", 2));
    assert_eq!(d.column, 1);
}

#[test]
fn a_bad_parameter_underlines_its_name_in_every_way_it_can_be_written() {
    let rule = toml_rule("r", "db_cpu > 70%", "");
    // A [params] table, an inline table, a quoted key.
    for (params, line) in [
        ("[params]\nlevel = \"12 parsecs\"\n", 3),
        ("params = { level = \"12 parsecs\" }\n", 2),
        ("[params]\n\"level\" = \"12 parsecs\"\n", 3),
    ] {
        let text = format!("name = \"p\"\n{params}{rule}");
        let d = refusal(&text, PackFormat::Toml, DiagnosticKind::BadParameter);
        assert!(d.message.starts_with("parameter `level`: "), "{d}");
        assert_eq!(marked(&text, &d), ("level", line), "{params}");
    }
    // JSON: the name is found under "params", not in a rule that happens to use the same
    // text as its id.
    let text = format!(
        "{{\n  \"name\": \"p\",\n  \"rule\": [\n{}\n  ],\n  \"params\": {{\n    \"level\": \"12 parsecs\"\n  }}\n}}\n",
        json_rule("level", "db_cpu > 70%", ""),
    );
    let d = refusal(&text, PackFormat::Json, DiagnosticKind::BadParameter);
    assert!(d.message.starts_with("parameter `level`: "), "{d}");
    assert_eq!(marked(&text, &d), ("level", 13));
}

#[test]
fn a_parameter_that_is_not_a_finite_number_is_refused_at_its_name() {
    for (value, shown) in [("inf", "inf"), ("-inf", "-inf"), ("nan", "NaN")] {
        let text = format!(
            "name = \"p\"\n[params]\nlevel = {value}\n{}",
            toml_rule("r", "db_cpu > 70%", "")
        );
        let d = refusal(&text, PackFormat::Toml, DiagnosticKind::BadParameter);
        assert_eq!(
            d.message,
            format!("parameter `level` must be a finite number, got {shown}"),
            "{d}"
        );
        assert_eq!(marked(&text, &d), ("level", 3));
        assert!(d.help.as_deref().unwrap_or("").contains("\"85%\""), "{d}");
    }
}

#[test]
fn a_layer_cannot_change_a_parameters_unit() {
    let base = RulePack::from_toml_str(
        "base.toml",
        &format!(
            "name = \"base\"\n[params]\nlevel = \"70%\"\n{}",
            toml_rule("r", "db_cpu > $level", "")
        ),
    )
    .unwrap();
    let layer = "name = \"mine\"\n[params]\nlevel = \"500ms\"\n";
    let err = base
        .layer("mine.toml", layer, PackFormat::Toml)
        .unwrap_err();
    let d = err
        .diagnostics()
        .iter()
        .find(|d| d.kind == DiagnosticKind::BadParameter)
        .unwrap();
    assert!(d.message.starts_with("parameter `level` is "), "{d}");
    assert!(d.message.ends_with(" here"), "{d}");
    assert_eq!(
        d.help.as_deref(),
        Some("give it in the base unit, like `70%`")
    );
    assert_eq!(marked(layer, d), ("level", 3));
    // In the base unit it is taken.
    let fine = base
        .layer(
            "mine.toml",
            "name = \"mine\"\n[params]\nlevel = \"75%\"\n",
            PackFormat::Toml,
        )
        .unwrap();
    assert_eq!(fine.param("level").unwrap().text, "75%");
}

#[test]
fn disabling_an_unknown_rule_underlines_it_in_the_list_not_elsewhere() {
    // The same text is the pack's name, earlier in the file.
    let text = "name = \"gone\"\ndisable = [\"gone\"]\n";
    let d = refusal(text, PackFormat::Toml, DiagnosticKind::UnknownRule);
    assert_eq!(d.message, "cannot disable `gone`: no such rule");
    assert_eq!(marked(text, &d), ("\"gone\"", 2));
    let json = "{\n  \"name\": \"gone\",\n  \"disable\": [\"gone\"]\n}\n";
    let d = refusal(json, PackFormat::Json, DiagnosticKind::UnknownRule);
    assert_eq!(marked(json, &d), ("\"gone\"", 3));
}

#[test]
fn a_duplicate_json_id_points_at_the_second_use_and_names_the_first_line() {
    let text = json_pack(&[
        json_rule("r", "db_cpu > 70%", ""),
        json_rule("r", "db_cpu > 80%", ""),
    ]);
    let d = refusal(&text, PackFormat::Json, DiagnosticKind::DuplicateId);
    assert_eq!(d.message, "rule id `r` is used twice");
    assert_eq!(marked(&text, &d), ("\"r\"", 12));
    assert_eq!(
        d.help.as_deref(),
        Some("the first use is on line 5; give each rule its own id")
    );
}

#[test]
fn an_id_with_a_space_is_refused_and_underlined() {
    let text = toml_pack(&toml_rule("db cpu", "db_cpu > 70%", ""));
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::Format);
    assert_eq!(d.message, "rule id `db cpu` is not valid");
    assert_eq!(marked(&text, &d), ("\"db cpu\"", 3));
}

#[test]
fn an_error_in_a_json_condition_underlines_the_word_in_the_condition() {
    let text = json_pack(&[json_rule("r", "server_cpu > 70% and db_cpuu > 1%", "")]);
    let d = refusal(&text, PackFormat::Json, DiagnosticKind::UnknownMetric);
    assert_eq!(marked(&text, &d), ("db_cpuu", 9));
}

#[test]
fn a_hold_that_is_not_a_duration_underlines_the_value() {
    let text = toml_pack(&toml_rule("r", "db_cpu > 70%", "for = \"ten minutes\"\n"));
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::Format);
    assert_eq!(d.message, "`for = \"ten minutes\"` is not a duration");
    assert_eq!(marked(&text, &d), ("\"ten minutes\"", 8));
    let json = json_pack(&[json_rule(
        "r",
        "db_cpu > 70%",
        "\n      \"for\": \"ten minutes\",",
    )]);
    let d = refusal(&json, PackFormat::Json, DiagnosticKind::Format);
    assert_eq!(marked(&json, &d), ("\"ten minutes\"", 9));
}

#[test]
fn a_negative_hold_is_not_a_duration() {
    let text = toml_pack(&toml_rule("r", "db_cpu > 70%", "for = \"-10min\"\n"));
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::Format);
    assert_eq!(d.message, "`for = \"-10min\"` is not a duration");
}

#[test]
fn a_ladder_rule_with_a_fixed_step_alone_is_refused() {
    // `ladder` with `step` but no `remedy` is as contradictory as with both.
    let text = toml_pack(&toml_rule(
        "r",
        "db_cpu > 70%",
        "ladder = \"database_slow\"\nstep = \"first\"\n",
    ));
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::Format);
    assert_eq!(d.message, "rule `r` has both `ladder` and `remedy`/`step`");
}

#[test]
fn an_action_that_is_not_lowercase_words_is_refused() {
    for action in ["Add Indexes", "add-indexes", ""] {
        let text = format!(
            "name = \"p\"\n{}",
            toml_rule("r", "db_cpu > 70%", &format!("action = \"{action}\"\n"))
        );
        let d = refusal(&text, PackFormat::Toml, DiagnosticKind::Format);
        assert_eq!(
            d.message,
            format!("action `{action}` of rule `r` is not valid")
        );
    }
    let fine = toml_pack(&toml_rule(
        "r",
        "db_cpu > 70%",
        "action = \"add_indexes_2\"\n",
    ));
    assert!(RulePack::from_toml_str("p.toml", &fine).is_ok());
}

#[test]
fn a_condition_too_large_to_compile_underlines_the_whole_condition() {
    let when = (0..17)
        .map(|i| format!("db_cpu > {i}%"))
        .collect::<Vec<_>>()
        .join(" or ");
    let text = toml_pack(&toml_rule("r", &when, ""));
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::TooComplex);
    assert_eq!(marked(&text, &d), (when.as_str(), 7));
}

#[test]
fn a_unit_mismatch_underlines_inside_the_condition() {
    let when = "server_cpu > 70% and db_cpu > 500ms";
    let text = toml_pack(&toml_rule("r", when, ""));
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::UnitMismatch);
    let (under, line) = marked(&text, &d);
    assert_eq!(line, 7);
    // What is underlined is the faulty comparison's part, not its neighbour.
    assert!(
        under.contains("500ms") && !under.contains("server_cpu"),
        "{under}"
    );
}

#[test]
fn an_unknown_superseded_rule_is_underlined_where_supersedes_names_it() {
    // `supersedes` before `when`, and the same name used as a title far earlier in the file.
    let mut text = format!(
        "name = \"p\"\n{}",
        toml_rule("early", "db_cpu > 10%", "").replace("title = \"t\"", "title = \"ghost\"")
    );
    for i in 0..1000 {
        text.push_str(&toml_rule(
            &format!("filler{i}"),
            "server_cpu > 10%",
            &format!("references = [\"{}\"]\n", "x".repeat(60)),
        ));
    }
    text.push_str(
        "[[rule]]\nid = \"late\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nsupersedes = [\"ghost\"]\nwhen = \"db_cpu > 90%\"\n",
    );
    assert!(
        text.len() > 2 * 64 * 1024,
        "the filler must be far longer than the search window"
    );
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::UnknownRule);
    assert_eq!(d.message, "`late` supersedes `ghost`, which does not exist");
    let (under, line) = marked(&text, &d);
    assert_eq!(under, "\"ghost\"");
    assert_eq!(line, text.lines().count() - 1);
}

#[test]
fn superseding_a_rule_the_layer_disables_is_not_an_error() {
    let base = RulePack::from_toml_str(
        "base.toml",
        &format!(
            "name = \"base\"\n{}{}",
            toml_rule("old", "db_cpu > 70%", ""),
            toml_rule("other", "db_cpu > 90%", "")
        ),
    )
    .unwrap();
    let layer = format!(
        "name = \"mine\"\ndisable = [\"old\"]\n{}",
        toml_rule("new", "db_cpu > 75%", "supersedes = [\"old\"]\n")
    );
    let pack = base.layer("mine.toml", &layer, PackFormat::Toml).unwrap();
    assert!(pack.rule("old").is_none());
    assert!(pack.rule("new").is_some());
    // Superseding one that never existed still is.
    let layer = format!(
        "name = \"mine\"\n{}",
        toml_rule("new", "db_cpu > 75%", "supersedes = [\"olde\"]\n")
    );
    let err = base
        .layer("mine.toml", &layer, PackFormat::Toml)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`new` supersedes `olde`, which does not exist")
    );
}

#[test]
fn a_flag_compares_with_a_yes_or_no_parameter_only() {
    // A number is refused by the unit check, so no out-of-domain number can reach a flag.
    for (value, refused) in [("2", true), ("1", true), ("true", false), ("false", false)] {
        let text = format!(
            "name = \"p\"\n[params]\nwant = {value}\n{}",
            toml_rule("r", "data_residency_required == $want", "")
        );
        match RulePack::from_toml_str("p.toml", &text) {
            Ok(_) => assert!(!refused, "{value} was taken"),
            Err(err) => {
                assert!(refused, "{value}: {err}");
                let d = err
                    .diagnostics()
                    .iter()
                    .find(|d| d.kind == DiagnosticKind::UnitMismatch)
                    .unwrap();
                assert!(
                    d.message
                        .contains("cannot compare a condition with a number"),
                    "{d}"
                );
            }
        }
    }
}

#[test]
fn a_base_parameter_out_of_a_layer_rules_domain_is_shown_at_the_layers_comparison() {
    // The base sets a level no base rule compares with a share; the layer's rule does.
    let base = RulePack::from_toml_str(
        "base.toml",
        &format!(
            "name = \"base\"\n[params]\nlevel = \"150%\"\n{}",
            toml_rule("r", "queries_per_request > $level", "")
        ),
    )
    .unwrap();
    let layer = format!(
        "name = \"mine\"\n{}",
        toml_rule("mine", "server_cpu > 10% and db_cpu > $level", "")
    );
    let err = base
        .layer("mine.toml", &layer, PackFormat::Toml)
        .unwrap_err();
    let d = err
        .diagnostics()
        .iter()
        .find(|d| d.kind == DiagnosticKind::BadParameter)
        .unwrap();
    assert!(d.message.contains("db_cpu is a share"), "{d}");
    assert_eq!(marked(&layer, d), ("db_cpu > $level", 7));
}

#[test]
fn a_parameter_of_the_wrong_type_says_what_a_value_looks_like() {
    let text = format!(
        "name = \"p\"\n[params]\nlevel = [70]\n{}",
        toml_rule("r", "db_cpu > 70%", "")
    );
    let err = RulePack::from_toml_str("p.toml", &text).unwrap_err();
    assert!(
        err.to_string()
            .contains("a parameter value such as \"500ms\", \"70%\", 20 or true"),
        "{err}"
    );
}

#[test]
fn a_multi_line_condition_is_underlined_inside_its_quotes() {
    for quotes in ["\"\"\"", "'''"] {
        let text = format!(
            "name = \"p\"\n{}",
            toml_rule("r", "x", "").replace(
                "when = \"x\"",
                &format!("when = {quotes}server_cpu > 70% and db_cpuu > 1%{quotes}")
            )
        );
        let d = refusal(&text, PackFormat::Toml, DiagnosticKind::UnknownMetric);
        assert_eq!(marked(&text, &d), ("db_cpuu", 7), "{quotes}");
    }
}

#[test]
fn a_long_json_rule_still_has_its_condition_found() {
    // Two kilobytes of references between the id and the condition.
    let refs = format!(
        "\n      \"references\": [{}],",
        vec![format!("\"{}\"", "r".repeat(100)); 20].join(", ")
    );
    let text = json_pack(&[json_rule("r", "server_cpu > 70% and db_cpuu > 1%", &refs)]);
    let d = refusal(&text, PackFormat::Json, DiagnosticKind::UnknownMetric);
    assert_eq!(marked(&text, &d), ("db_cpuu", 10));
}

#[test]
fn a_json_id_is_found_however_it_is_spaced_and_whatever_precedes_it() {
    // The second rule's id follows its title (one with two-byte letters), written with
    // and without spaces around the colon; a problem in it is shown at that id.
    for (title, colon) in [("ééééééé", "\": "), ("aéééééé", "\" : "), ("éééé", "\":")]
    {
        let text = format!(
            "{{\"name\": \"p\", \"rule\": [{{\"id\": \"first\", \"title\": \"t\", \"severity\": \"warning\", \"advice\": \"a\", \"when\": \"db_cpu > 1%\"}},\n{{\"title\": \"{title}\", \"id{colon}\"second\", \"severity\": \"warning\", \"advice\": \"a\", \"when\": \"db_cpu > 2%\", \"colour\": 1}}]}}"
        );
        let d = refusal(&text, PackFormat::Json, DiagnosticKind::Format);
        assert!(d.message.contains("colour"), "{d}");
        assert_eq!(marked(&text, &d), ("\"second\"", 2), "{title} {colon}");
    }
}

#[test]
fn a_pack_prints_its_disabled_rules_only_when_it_has_some() {
    let base = RulePack::from_toml_str(
        "base.toml",
        &format!(
            "name = \"base\"\nversion = \"1.2.3\"\n{}{}",
            toml_rule("old", "db_cpu > 70%", ""),
            toml_rule("kept", "db_cpu > 90%", "")
        ),
    )
    .unwrap();
    assert_eq!(base.version(), "1.2.3");
    assert!(!base.to_string().contains("disabled"), "{base}");
    let layered = base
        .layer(
            "mine.toml",
            "name = \"mine\"\ndisable = [\"old\"]\n",
            PackFormat::Toml,
        )
        .unwrap();
    assert!(
        layered.to_string().ends_with("disabled: old\n"),
        "{layered}"
    );
    // Without a version, a pack is 0.0.0.
    let bare = RulePack::from_toml_str("p.toml", "name = \"p\"\n").unwrap();
    assert_eq!(bare.version(), "0.0.0");
}

#[test]
fn the_documented_limits_hold_their_values() {
    // The language reference promises 4 MiB per pack and 10,000 rules.
    assert_eq!(MAX_PACK_BYTES, 4_194_304);
    assert_eq!(MAX_RULES, 10_000);
}

#[cfg(feature = "serde")]
#[test]
fn a_deserialized_pack_is_held_to_the_rule_limit() {
    let mut v = serde_json::to_value(RulePack::default_pack()).unwrap();
    let one = v["rules"][0].clone();
    let rules: Vec<serde_json::Value> = (0..=MAX_RULES)
        .map(|i| {
            let mut r = one.clone();
            r["id"] = serde_json::Value::String(format!("copy{i}"));
            r["supersedes"] = serde_json::json!([]);
            r
        })
        .collect();
    v["rules"] = serde_json::Value::Array(rules[..MAX_RULES].to_vec());
    assert!(serde_json::from_value::<RulePack>(v.clone()).is_ok());
    v["rules"] = serde_json::Value::Array(rules);
    let err = serde_json::from_value::<RulePack>(v).unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "pack has {} rules, the limit is {MAX_RULES}",
            MAX_RULES + 1
        )),
        "{err}"
    );
}

#[test]
fn only_a_missing_parameter_is_offered_a_parameter_name() {
    // A parameter named like the metric must not turn a unit error's help into
    // "did you mean `$db_cpu`?".
    let text = format!(
        "name = \"p\"\n[params]\ndb_cpu = \"5%\"\n{}",
        toml_rule("r", "db_cpu > 500ms", "")
    );
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::UnitMismatch);
    assert!(
        !d.help.as_deref().unwrap_or("").contains("did you mean"),
        "{d}"
    );
    // An error naming `any` keeps its own help even beside a parameter one letter away.
    let text = format!(
        "name = \"p\"\n[params]\nanx = \"5%\"\n{}",
        toml_rule("r", "any(tables, seq_scans)", "")
    );
    let err = RulePack::from_toml_str("p.toml", &text).unwrap_err();
    let d = err
        .diagnostics()
        .iter()
        .find(|d| d.message.contains("`any` needs a condition"))
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        d.help.as_deref(),
        Some("compare a field with a level: any(tables, seq_scans > 1000)")
    );
    // A misspelt parameter is.
    let text = format!(
        "name = \"p\"\n[params]\nlevel = \"5%\"\n{}",
        toml_rule("r", "db_cpu > $levle", "")
    );
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::MissingParameter);
    assert_eq!(d.help.as_deref(), Some("did you mean `$level`?"));
}

#[cfg(feature = "schema")]
#[test]
fn the_schema_describes_a_parameter_value_with_its_unit() {
    // An editor validating a pack against the schema must accept "70%", 20 and true for a
    // parameter, and tell the user what one looks like.
    let schema = scalability_advisor_rules::pack_schema();
    let text = schema.to_string();
    let value = schema["$defs"]["ParamValue"].clone();
    assert_eq!(
        value["type"],
        serde_json::json!(["string", "number", "boolean"]),
        "{text}"
    );
    assert!(
        value["description"]
            .as_str()
            .unwrap()
            .contains("\"500ms\", \"70%\""),
        "{value}"
    );
    assert_eq!(
        schema["properties"]["params"]["additionalProperties"]["$ref"], "#/$defs/ParamValue",
        "{text}"
    );
}

#[test]
fn a_condition_that_ends_too_soon_is_marked_just_after_its_end() {
    // Nothing follows `>`: the caret (one wide, never none) stands where the missing number
    // would go, on the closing quote.
    let text = toml_pack(&toml_rule("r", "db_cpu >", ""));
    let d = refusal(&text, PackFormat::Toml, DiagnosticKind::Syntax);
    assert_eq!(marked(&text, &d), ("\"", 7), "{d}");
    assert!(d.excerpt.ends_with('^'), "{d}");
}

#[test]
fn a_json_id_is_not_mistaken_for_the_same_text_in_another_key() {
    // The first rule's title is the second rule's id; a problem in the second rule is still
    // shown at its id (line 12), not at that title (line 6).
    let text = json_pack(&[
        json_rule("first", "db_cpu > 70%", "").replace("\"title\": \"t\"", "\"title\": \"second\""),
        json_rule("second", "db_cpu > 80%", "\n      \"colour\": \"red\","),
    ]);
    let d = refusal(&text, PackFormat::Json, DiagnosticKind::Format);
    assert_eq!(d.rule.as_deref(), Some("second"));
    assert_eq!(marked(&text, &d), ("\"second\"", 12));
}

#[test]
fn a_condition_of_exactly_the_length_limit_loads() {
    // 4,096 bytes per condition: the comparison padded with spaces to exactly that.
    let at_limit = format!("{:<4096}", "db_cpu > 70%");
    assert!(RulePack::from_toml_str("p.toml", &toml_pack(&toml_rule("r", &at_limit, ""))).is_ok());
    let over = format!("{at_limit} ");
    let d = refusal(
        &toml_pack(&toml_rule("r", &over, "")),
        PackFormat::Toml,
        DiagnosticKind::TooComplex,
    );
    assert_eq!(d.message, "condition is 4097 bytes long, the limit is 4096");
}

#[test]
fn nesting_is_limited_in_depth_not_in_length() {
    // 64 parser levels: the condition itself takes one and each parenthesis two, so 31
    // nested parentheses fit (63 levels) and 32 do not (65).
    let nested = |n: usize| format!("{}db_cpu{} > 70%", "(".repeat(n), ")".repeat(n));
    assert!(
        RulePack::from_toml_str("p.toml", &toml_pack(&toml_rule("r", &nested(31), ""))).is_ok()
    );
    let d = refusal(
        &toml_pack(&toml_rule("r", &nested(32), "")),
        PackFormat::Toml,
        DiagnosticKind::TooComplex,
    );
    assert_eq!(d.message, "condition nests deeper than 64 levels");
    // `not` takes one level more: with 31 parentheses that is exactly 64, which fits.
    let deepest = format!("not {}", nested(31));
    assert!(RulePack::from_toml_str("p.toml", &toml_pack(&toml_rule("r", &deepest, ""))).is_ok());
    let d = refusal(
        &toml_pack(&toml_rule("r", &format!("not {}", nested(32)), "")),
        PackFormat::Toml,
        DiagnosticKind::TooComplex,
    );
    assert_eq!(d.message, "condition nests deeper than 64 levels");
    // Whatever comes before it side by side is left before the deepest part begins, so
    // the deepest part still fits: parentheses, `not`, a minus sign, a function's level and
    // `any(...)`, and forty of them in a row.
    for before in [
        "(db_cpu) > 1%".to_owned(),
        "not has(cdn)".to_owned(),
        "-db_cpu < 1%".to_owned(),
        "consistently_above(db_cpu, 35% * 2)".to_owned(),
        "any(hosts, colocated)".to_owned(),
        format!("{} > 70%", vec!["(db_cpu)"; 40].join(" + ")),
        vec!["not has(cdn)"; 40].join(" and "),
        format!("{} < -70%", vec!["-db_cpu"; 40].join(" + ")),
    ] {
        let when = format!("{before} and {deepest}");
        let text = toml_pack(&toml_rule("r", &when, ""));
        if let Err(e) = RulePack::from_toml_str("p.toml", &text) {
            panic!("{when}: {e}");
        }
    }
}

#[test]
fn a_misspelt_name_is_matched_by_closeness_for_its_length() {
    // Up to 3 edits, or a quarter of a long name: `statc_aset_bandwith_shre` is 4 edits
    // from `static_asset_bandwidth_share` (28 letters, so up to 7), and is recognised.
    let help = |when: &str| {
        refusal(
            &toml_pack(&toml_rule("r", when, "")),
            PackFormat::Toml,
            DiagnosticKind::UnknownMetric,
        )
        .help
        .unwrap_or_default()
    };
    assert_eq!(
        help("statc_aset_bandwith_shre > 20%"),
        "did you mean `static_asset_bandwidth_share`?"
    );
    assert_eq!(help("db_cpuu > 70%"), "did you mean `db_cpu`?");
    // A word far from every metric gets no guess.
    assert!(!help("banana > 70%").contains("did you mean"));
}

#[test]
fn a_syntax_error_names_what_it_found() {
    let message = |when: &str| {
        refusal(
            &toml_pack(&toml_rule("r", when, "")),
            PackFormat::Toml,
            DiagnosticKind::Syntax,
        )
        .message
    };
    assert_eq!(message("db_cpu > )"), "unexpected `)`");
    assert_eq!(message("db_cpu > ,"), "unexpected `,`");
    assert_eq!(
        message("any(3, rows > 1)"),
        "expected a list such as `tables`, found number"
    );
    assert_eq!(
        message("any($level, rows > 1)"),
        "expected a list such as `tables`, found `$level`"
    );
    assert_eq!(
        message("any((, rows > 1)"),
        "expected a list such as `tables`, found `(`"
    );
}

#[test]
fn arithmetic_keeps_track_of_units_as_the_language_reference_says() {
    let loads =
        |when: &str| RulePack::from_toml_str("p.toml", &toml_pack(&toml_rule("r", when, "")));
    for fine in [
        // Like quantities divided: a plain number.
        "p95_response_time / p95_response_time > 1",
        // By a plain number: the unit stays.
        "p95_response_time / 2 > 100ms",
        "p95_response_time * 2 > 100ms",
        "2 * p95_response_time > 100ms",
        // A number over a duration is a rate, over a rate a duration.
        "1 / p95_response_time > 2/s",
        "1 / primary_write_throughput > 1ms",
        // A rate times a duration: a plain number.
        "primary_write_throughput * p95_response_time > 10",
    ] {
        if let Err(e) = loads(fine) {
            panic!("{fine}: {e}");
        }
    }
    for (wrong, says) in [
        (
            "db_cpu + has(cdn) > 1",
            "arithmetic needs numbers, not conditions",
        ),
        (
            "has(cdn) + db_cpu > 1",
            "arithmetic needs numbers, not conditions",
        ),
        (
            "p95_response_time / primary_write_throughput > 1",
            "cannot divide",
        ),
        (
            "p95_response_time * p95_response_time > 1",
            "cannot multiply",
        ),
        ("p95_response_time + 1 > 1ms", "cannot add"),
    ] {
        let err = loads(wrong).unwrap_err();
        let d = err
            .diagnostics()
            .iter()
            .find(|d| d.kind == DiagnosticKind::UnitMismatch)
            .unwrap_or_else(|| panic!("{wrong}: {err}"));
        assert!(d.message.contains(says), "{wrong}: {}", d.message);
    }
}

#[test]
fn a_comparison_of_unlike_units_shows_a_level_in_the_right_one() {
    // The help gives the right-hand side in the left side's unit, with an example.
    let help = |when: &str| {
        refusal(
            &toml_pack(&toml_rule("r", when, "")),
            PackFormat::Toml,
            DiagnosticKind::UnitMismatch,
        )
        .help
        .unwrap_or_default()
    };
    assert!(help("p95_response_time > 70%").ends_with("for example 500ms"));
    assert!(help("primary_write_throughput > 5ms").ends_with("for example 1000/s"));
    assert!(help("db_cpu > 5ms").ends_with("for example 70% or 20"));
    assert!(help("has(cdn) == 5").ends_with("for example true"));
}
