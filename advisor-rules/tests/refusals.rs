//! Wrong inputs that used to be accepted and changed the answer without a word: each is now
//! refused where it is, or reported when it cannot be judged (issue 17).

use core::time::Duration;

use scalability_advisor_rules::scalability_advisor_core::units::{Connections, Ratio, Users};
use scalability_advisor_rules::scalability_advisor_core::{History, Metric, MetricsSnapshot};
use scalability_advisor_rules::{
    DiagnosticKind, Engine, MissingInput, Operand, PackBuilder, PackFormat, RuleBuilder, RulePack,
    RuleStatus, Severity,
};

fn pack(rules: &str) -> String {
    format!("name = \"p\"\n{rules}")
}

fn rule(id: &str, when: &str, extra: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\ntitle = \"t\"\nseverity = \"warning\"\nadvice = \"a\"\nwhen = \"{when}\"\n{extra}"
    )
}

#[track_caller]
fn refused(text: &str, kind: DiagnosticKind, says: &str) -> (usize, usize) {
    let err = RulePack::from_toml_str("p.toml", text).unwrap_err();
    let d = err
        .diagnostics()
        .iter()
        .find(|d| d.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {err}"));
    assert!(d.message.contains(says), "{}", d.message);
    (d.line, d.column)
}

#[test]
fn a_hold_too_long_for_a_duration_is_refused_not_dropped() {
    // Was: silently no hold, so the rule fired on the first step instead of never.
    let text = pack(&rule(
        "r",
        "db_cpu > 70%",
        "for = \"99999999999999999999d\"\n",
    ));
    let at = refused(
        &text,
        DiagnosticKind::Format,
        "longer than a duration can hold",
    );
    assert_eq!(at, (8, 7));
    let built = PackBuilder::new("p")
        .rule(
            RuleBuilder::new(
                "r",
                "t",
                Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(70.0).unwrap()),
                Severity::Warning,
                "a",
            )
            .hold_for(Duration::MAX),
        )
        .build();
    assert!(
        built
            .unwrap_err()
            .to_string()
            .contains("longer than a duration can hold")
    );
}

#[test]
fn a_constant_division_by_zero_is_refused_at_load() {
    let text = pack(&rule("r", "users > 1 / 0", ""));
    refused(&text, DiagnosticKind::TooComplex, "divides by zero");
}

#[test]
fn a_zero_divisor_at_run_time_is_named_in_the_not_judged_reason() {
    // db_connections / db_pool_size with an empty pool: not judged, and the reason says so
    // (was: not judged with nothing listed).
    let text = pack(&rule("r", "db_connections / db_pool_size > 80%", ""));
    let engine = Engine::new(RulePack::from_toml_str("p.toml", &text).unwrap()).unwrap();
    let snap = MetricsSnapshot::default()
        .with_db_connections(Connections::new(5))
        .with_db_pool_size(Connections::new(0));
    let e = engine.evaluate(&snap, &History::new());
    assert_eq!(e.statuses[0], RuleStatus::NotEvaluated);
    let why = engine.missing(0, &snap, &History::new());
    assert_eq!(why, vec![MissingInput::ZeroDivisor(Metric::DbPoolSize)]);
    assert!(why[0].to_string().contains("non-zero db_pool_size"));
}

#[test]
fn parameter_overrides_outside_the_metrics_domain_are_refused() {
    // Was: loaded cleanly, and the CPU rule then fired at 1%.
    let layer = "name = \"prod\"\n[params]\ncpu_warning = \"-50%\"\npool_target = \"5000%\"\n";
    let err = RulePack::default_pack()
        .layer("prod.toml", layer, PackFormat::Toml)
        .unwrap_err();
    let bad: Vec<_> = err
        .diagnostics()
        .iter()
        .filter(|d| d.kind == DiagnosticKind::BadParameter)
        .collect();
    assert_eq!(bad.len(), 2, "{err}");
    assert!(
        bad[0]
            .message
            .contains("parameter `cpu_warning` is -50%, but server_cpu is a share")
    );
    assert_eq!((bad[0].line, bad[0].column), (3, 1));
    assert!(bad[1].message.contains("`pool_target` is 5000%"));
    // In range, both load.
    let fine = "name = \"prod\"\n[params]\ncpu_warning = \"90%\"\n";
    assert!(
        RulePack::default_pack()
            .layer("prod.toml", fine, PackFormat::Toml)
            .is_ok()
    );
}

#[test]
fn loading_runs_every_check_compiling_would() {
    // 17 comparisons: was accepted by `rules check` and refused, without a place, by `assess`.
    let when = (0..17)
        .map(|i| format!("db_cpu > {}%", 10 + i))
        .collect::<Vec<_>>()
        .join(" or ");
    let text = pack(&rule("big", &when, ""));
    let at = refused(
        &text,
        DiagnosticKind::TooComplex,
        "more than 16 comparisons",
    );
    assert_eq!(at, (7, 9));
}

fn one_rule(when: &str) -> Result<Engine, String> {
    let text = format!(
        "name = \"p\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nwhen = \"{when}\"\nseverity = \"warning\"\nadvice = \"a\"\n"
    );
    RulePack::from_toml_str("p.toml", &text)
        .and_then(Engine::new)
        .map_err(|e| e.to_string())
}

#[test]
fn sixteen_comparisons_are_allowed_and_seventeen_refused() {
    let max = scalability_advisor_rules::MAX_COMPARISONS;
    let when = |n: usize| {
        (1..=n)
            .map(|i| format!("users > {i}"))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let engine = one_rule(&when(max)).unwrap();
    // With 20 users every comparison holds.
    let snap = MetricsSnapshot::default().with_users(Users::new(20));
    let eval = engine.evaluate(&snap, &History::new());
    assert_eq!(engine.status(&eval, "r"), Some(RuleStatus::Fired));
    let err = one_rule(&when(max + 1)).unwrap_err();
    assert!(err.contains("more than 16 comparisons"), "{err}");
}

#[test]
fn a_condition_needing_32_stack_slots_is_allowed_and_33_refused() {
    // `users > users + (users + (... + users))` with k additions needs k + 2 slots: the
    // left side, then every `users` of the right side before the first addition.
    let when = |k: usize| {
        let mut right = "users".to_owned();
        for _ in 0..k {
            right = format!("users + ({right})");
        }
        format!("users * {} > {right}", k + 2)
    };
    // 10 users: 10 * 32 = 320 > 31 * 10 = 310, so the rule fires.
    let engine = one_rule(&when(30)).unwrap();
    let snap = MetricsSnapshot::default().with_users(Users::new(10));
    let eval = engine.evaluate(&snap, &History::new());
    assert_eq!(engine.status(&eval, "r"), Some(RuleStatus::Fired));
    let err = one_rule(&when(31)).unwrap_err();
    assert!(err.contains("nests too deeply to evaluate"), "{err}");
}

#[test]
fn a_step_title_that_could_not_title_its_step_is_refused() {
    // A rung's step is titled by its rung: a step title there would never show.
    let on_rung = pack(&rule(
        "r",
        "db_cpu > 70%",
        "remedy = \"add_indexes\"\nstep = \"first\"\nstep_title = \"Index\"\n",
    ));
    refused(
        &on_rung,
        DiagnosticKind::Format,
        "has `step_title` and `remedy`",
    );
    // Two rules of one action open one step, titled by the rule that advises it. Each may
    // give its own step title: the step takes the advising one's, whichever fired.
    let two = pack(&format!(
        "{}{}",
        rule(
            "a",
            "db_cpu > 70%",
            "action = \"calm_db\"\npriority = 5\nstep_title = \"Calm the database\"\n"
        ),
        rule(
            "b",
            "db_cpu > 80%",
            "action = \"calm_db\"\npriority = 1\nstep_title = \"Cool the database\"\n"
        ),
    ));
    let engine = Engine::new(RulePack::from_toml_str("p.toml", &two).unwrap()).unwrap();
    for (cpu, title) in [(85.0, "Cool the database"), (75.0, "Calm the database")] {
        let snap = MetricsSnapshot::default().with_db_cpu(Ratio::from_percent(cpu).unwrap());
        let a = scalability_advisor_rules::assess(&engine, &snap, &History::new());
        assert_eq!(a.plan.len(), 1);
        assert_eq!(a.plan[0].title, title, "{cpu}");
        let eval = engine.evaluate(&snap, &History::new());
        let s = scalability_advisor_rules::summarize(
            &engine,
            &eval,
            &snap,
            &History::new(),
            &engine.pack().advisor_config(),
        );
        assert_eq!(s.first_step_title, title, "{cpu}");
    }
    // Different ones with a rule giving none: when that rule advised, the step would take
    // whichever title the others gave, by the order they fired in. Refused.
    let three = format!(
        "{two}{}",
        rule("c", "db_cpu > 90%", "action = \"calm_db\"\npriority = 0\n")
    );
    refused(
        &three,
        DiagnosticKind::Format,
        "share action `calm_db` but not its step title, and `c` gives none",
    );
    // The refusal points at the rule without one, quotes included, however far into the
    // file it is (here past 64 KiB of comments, beyond a search from the file's start).
    for padding in [0, 70_000] {
        let text = format!(
            "name = \"p\"\n# {}\n{}{}{}",
            "x".repeat(padding),
            rule(
                "calm_a",
                "db_cpu > 70%",
                "action = \"calm_db\"\nstep_title = \"Calm the database\"\n"
            ),
            rule(
                "calm_b",
                "db_cpu > 80%",
                "action = \"calm_db\"\nstep_title = \"Cool the database\"\n"
            ),
            rule("calm_c", "db_cpu > 90%", "action = \"calm_db\"\n"),
        );
        // Alone, and as a layer over the default pack (the rules are the layer's own).
        let errors = [
            RulePack::from_toml_str("p.toml", &text).unwrap_err(),
            RulePack::default_pack()
                .layer("p.toml", &text, PackFormat::Toml)
                .unwrap_err(),
        ];
        for err in errors {
            let d = err
                .diagnostics()
                .iter()
                .find(|d| d.message.contains("but not its step title"))
                .unwrap_or_else(|| panic!("not refused: {err}"));
            assert_eq!(&text[d.span.0..d.span.1], "\"calm_c\"", "{padding}");
            // name, the comment, eight lines of `calm_a` and of `calm_b`, `[[rule]]`: the
            // id is on line 20.
            assert_eq!(d.line, 20, "{padding}");
        }
    }
    // A blank one is refused as a blank title is.
    let blank = pack(&rule("r", "db_cpu > 70%", "step_title = \" \"\n"));
    assert!(RulePack::from_toml_str("p.toml", &blank).is_err());
    // One rule of the action giving it is enough: the step takes it, even when the rule
    // without one (`b`, first by priority) is the one that advises.
    let one = pack(&format!(
        "{}{}",
        rule(
            "a",
            "db_cpu > 70%",
            "action = \"calm_db\"\npriority = 5\nstep_title = \"Calm the database\"\n"
        ),
        rule("b", "db_cpu > 80%", "action = \"calm_db\"\npriority = 1\n"),
    ));
    let engine = Engine::new(RulePack::from_toml_str("p.toml", &one).unwrap()).unwrap();
    let snap = MetricsSnapshot::default().with_db_cpu(Ratio::from_percent(85.0).unwrap());
    let a = scalability_advisor_rules::assess(&engine, &snap, &History::new());
    assert_eq!(a.plan.len(), 1);
    assert_eq!(a.plan[0].title, "Calm the database");
    let eval = engine.evaluate(&snap, &History::new());
    let s = scalability_advisor_rules::summarize(
        &engine,
        &eval,
        &snap,
        &History::new(),
        &engine.pack().advisor_config(),
    );
    assert_eq!(s.first_step_title, "Calm the database");
}
