//! Writes `default_pack_run.rs`: the default pack's evaluation as Rust, generated from the
//! compiled engine (its rules' instructions after orientation, parameter resolution and
//! folding, in evaluation order).
//!
//! The interpreter ([`Engine::run`](super::Engine)) decides at run time, for every rule and
//! every snapshot, what the rule is: its shape, its stage mask, whether it ranges over an
//! entity list, what supersedes it, how many comparisons it records. For the default pack
//! these are known when the crate is built, so the generated code has them as constants and
//! keeps only the comparisons themselves: each rule is a few straight lines, its comparisons
//! kept in locals (in registers) and copied out only when it makes a finding. The
//! comparisons, the connectives, the series functions, the entity lists and the making of a
//! finding call the very functions the interpreter calls ([`super::compare_value`],
//! [`super::kleene_and`], [`super::series_value`], [`super::each_entity`],
//! `CompiledRule::finding`), so the two cannot judge differently; a property test holds
//! them to the same evaluation on random snapshots.

use core::fmt::Write as _;

use super::{CompiledRule, Engine, Op};
use crate::expr::ArithOp;
use crate::pack::MissingData;

/// A float as a Rust literal that reads back to the same bits.
fn float(v: f64) -> String {
    assert!(v.is_finite(), "a compiled constant is finite: {v}");
    let text = format!("{v:?}");
    if v.is_sign_negative() {
        format!("({text})")
    } else {
        text
    }
}

/// The condition of `r` as `let` lines (appended to `o`, indented by `pad`); returns the
/// expression of its value and the number of comparisons it records, each in a local
/// `o{slot}`.
fn condition(r: &CompiledRule, pad: &str, o: &mut String) -> (String, usize) {
    let mut stack: Vec<String> = Vec::new();
    let mut slots: Vec<u8> = Vec::new();
    let mut next = 0usize;
    let mut fresh = || {
        next += 1;
        format!("v{next}")
    };
    let pop = |stack: &mut Vec<String>| stack.pop().expect("a compiled program is well formed");
    for op in &r.when.ops {
        match *op {
            Op::Const(c) => stack.push(float(c)),
            Op::Load(i) => stack.push(format!("values[{i}]")),
            Op::Neg => {
                let x = pop(&mut stack);
                let v = fresh();
                let _ = writeln!(o, "{pad}let {v} = -{x};");
                stack.push(v);
            }
            Op::Arith(a) => {
                let rhs = pop(&mut stack);
                let lhs = pop(&mut stack);
                let v = fresh();
                let e = match a {
                    ArithOp::Add => format!("{lhs} + {rhs}"),
                    ArithOp::Sub => format!("{lhs} - {rhs}"),
                    ArithOp::Mul => format!("{lhs} * {rhs}"),
                    ArithOp::Div => format!("divide({lhs}, {rhs})"),
                };
                let _ = writeln!(o, "{pad}let {v} = {e};");
                stack.push(v);
            }
            Op::Cmp(c, slot) => {
                let rhs = pop(&mut stack);
                let lhs = pop(&mut stack);
                let v = fresh();
                let _ = writeln!(
                    o,
                    "{pad}let ({v}, o{slot}) = compare_values(CmpOp::{c:?}, {lhs}, {rhs});"
                );
                slots.push(slot);
                stack.push(v);
            }
            Op::CmpMetricConst(i, t, slot) => {
                let v = fresh();
                let _ = writeln!(
                    o,
                    "{pad}let ({v}, o{slot}) = compare_value(values[{i}], Threshold {{ op: CmpOp::{:?}, k: {}, lo: {}, hi: {} }});",
                    t.op,
                    float(t.k),
                    float(t.lo),
                    float(t.hi)
                );
                slots.push(slot);
                stack.push(v);
            }
            Op::Not => {
                let x = pop(&mut stack);
                let v = fresh();
                let _ = writeln!(o, "{pad}let {v} = kleene_not({x});");
                stack.push(v);
            }
            Op::And | Op::Or => {
                let rhs = pop(&mut stack);
                let lhs = pop(&mut stack);
                let v = fresh();
                let f = if *op == Op::And {
                    "kleene_and"
                } else {
                    "kleene_or"
                };
                let _ = writeln!(o, "{pad}let {v} = {f}({lhs}, {rhs});");
                stack.push(v);
            }
            Op::Has(c) => {
                let v = fresh();
                let _ = writeln!(o, "{pad}let {v} = truth(arch.contains(Component::{c:?}));");
                stack.push(v);
            }
            Op::NotHas(c) => {
                let v = fresh();
                let _ = writeln!(o, "{pad}let {v} = truth(!arch.contains(Component::{c:?}));");
                stack.push(v);
            }
            Op::Present(i) => {
                let v = fresh();
                let _ = writeln!(o, "{pad}let {v} = truth(!values[{i}].is_nan());");
                stack.push(v);
            }
            Op::Series(f, m, slot) => {
                let level = if f == crate::expr::SeriesFn::ConsistentlyAbove {
                    pop(&mut stack)
                } else {
                    "0.0".to_owned()
                };
                let v = fresh();
                let _ = writeln!(
                    o,
                    "{pad}let o{slot} = series_slot(SeriesFn::{f:?}, Metric::{m:?}, {level}, &values, history, &engine.series_config);"
                );
                let _ = writeln!(o, "{pad}let {v} = o{slot}.held;");
                slots.push(slot);
                stack.push(v);
            }
        }
    }
    assert!(
        stack.len() <= 1,
        "{}: a compiled program leaves one value",
        r.id
    );
    // Every comparison the rule records is written once, in slot order, by its condition.
    slots.sort_unstable();
    assert!(
        slots.iter().copied().map(usize::from).eq(0..r.site_count),
        "{}: slots {slots:?} for {} sites",
        r.id,
        r.site_count
    );
    (
        stack.pop().unwrap_or_else(|| "UNKNOWN".to_owned()),
        r.site_count,
    )
}

/// Whether one of `r`'s superseding rules fired, as an expression over `st`.
fn superseded(r: &CompiledRule) -> String {
    r.superseded_by
        .iter()
        .map(|j| format!("st[{j}] == RuleStatus::Fired"))
        .collect::<Vec<_>>()
        .join(" || ")
}

/// The lines that make rule `i`'s finding, with what it recorded at `start` (`len` of them)
/// and its entities at `subjects` (`named` of them).
fn finding(r: &CompiledRule, i: usize, args: (&str, &str, &str, &str), pad: &str) -> String {
    let (start, len, subjects, named) = args;
    let mut o = String::new();
    if r.later_stages == u8::MAX {
        let _ = writeln!(o, "{pad}any_supersedes = true;");
    } else if r.later_stages != 0 {
        // (Its later superseding rules apply at some stages only.)
        let _ = writeln!(
            o,
            "{pad}any_supersedes |= may_be_superseded_later({}, stage_bit);",
            r.later_stages
        );
    }
    if r.moves_to.is_some() {
        let _ = writeln!(
            o,
            "{pad}let f = r.finding({i}, stage, arch, (assumed, false), ({start}, {len}), ({subjects}, {named}));"
        );
    } else {
        // (Not a move: never overdue, its severity its own.)
        let _ = writeln!(
            o,
            "{pad}let f = make_finding(&r.id, {i}, ((Severity::{:?}, false), {}), stage, (assumed, false), ({start}, {len}), ({subjects}, {named}));",
            r.severity, r.priority
        );
    }
    if r.moves_to.is_some() {
        let _ = writeln!(o, "{pad}any_overdue |= f.overdue;");
    }
    let _ = writeln!(o, "{pad}out.findings.push(f);");
    o
}

/// Rule `i`'s evaluation once it applies (its stage checked).
fn body(r: &CompiledRule, i: usize, pad: &str) -> String {
    let mut o = String::new();
    let inner = format!("{pad}    ");
    let missing = format!("MissingData::{:?}", r.missing);
    if let Some(kind) = r.each {
        // Without the list, a rule not reported when undecided stays "not evaluated" (its
        // status from the start), and its comparisons are not read.
        let (pad, close) = if r.missing == MissingData::NotEvaluated {
            let _ = writeln!(
                o,
                "{pad}if entity_count(snapshot, EntityKind::{kind:?}).is_some() {{"
            );
            (format!("{pad}    "), format!("{pad}}}\n"))
        } else {
            (pad.to_owned(), String::new())
        };
        let pad = pad.as_str();
        let inner = format!("{pad}    ");
        let _ = writeln!(
            o,
            "{pad}let ctx = Ctx {{ stack: core::cell::RefCell::new([0.0; MAX_STACK]), values: &values, snapshot, in_place: arch, history, series: &engine.series_config }};"
        );
        let _ = writeln!(
            o,
            "{pad}let marks = (out.observations.len(), out.subjects.len(), out.subject_names.len());"
        );
        // (Made here, not once per evaluation: most snapshots list no entities, and
        // filling 16 slots for every evaluation cost more than the rest of many rules.)
        let _ = writeln!(o, "{pad}let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];");
        let _ = writeln!(
            o,
            "{pad}let v = each_entity(r, EntityKind::{kind:?}, &ctx, &mut slots, Some(&mut *out));"
        );
        let _ = writeln!(o, "{pad}let (status, assumed) = judge(v, {missing});");
        let _ = writeln!(o, "{pad}st[{i}] = status;");
        if r.supersede_now {
            let _ = writeln!(
                o,
                "{pad}let replaced = status == RuleStatus::Fired && ({});",
                superseded(r)
            );
            let _ = writeln!(o, "{pad}sup[{i}] = replaced;");
            let _ = writeln!(o, "{pad}if status == RuleStatus::Fired && !replaced {{");
        } else {
            let _ = writeln!(o, "{pad}if status == RuleStatus::Fired {{");
        }
        let _ = writeln!(o, "{inner}let named = out.subjects.len() - marks.1;");
        let _ = writeln!(o, "{inner}let (recorded, subjects) = if named > 0 {{");
        let _ = writeln!(o, "{inner}    (out.observations.len() - marks.0, named)");
        let _ = writeln!(o, "{inner}}} else {{");
        let _ = writeln!(
            o,
            "{inner}    out.observations.extend(slots.iter().take({}).map(observation_of));",
            r.site_count
        );
        let _ = writeln!(o, "{inner}    ({}, 0)", r.site_count);
        let _ = writeln!(o, "{inner}}};");
        o.push_str(&finding(
            r,
            i,
            ("marks.0", "recorded", "marks.1", "subjects"),
            &inner,
        ));
        let _ = writeln!(o, "{pad}}} else {{");
        let _ = writeln!(o, "{inner}out.observations.truncate(marks.0);");
        let _ = writeln!(o, "{inner}out.subjects.truncate(marks.1);");
        let _ = writeln!(o, "{inner}out.subject_names.truncate(marks.2);");
        let _ = writeln!(o, "{pad}}}");
        o.push_str(&close);
        return o;
    }
    let (value, sites) = condition(r, pad, &mut o);
    let _ = writeln!(o, "{pad}let (status, assumed) = judge({value}, {missing});");
    let _ = writeln!(o, "{pad}st[{i}] = status;");
    let _ = writeln!(o, "{pad}if status == RuleStatus::Fired {{");
    let mut make = String::new();
    let (body_pad, close) = if r.supersede_now {
        let _ = writeln!(o, "{inner}if {} {{", superseded(r));
        let _ = writeln!(o, "{inner}    sup[{i}] = true;");
        let _ = writeln!(o, "{inner}}} else {{");
        (format!("{inner}    "), format!("{inner}}}\n"))
    } else {
        (inner.clone(), String::new())
    };
    let _ = writeln!(make, "{body_pad}let start = out.observations.len();");
    if sites == 1 {
        let _ = writeln!(
            make,
            "{body_pad}out.observations.push(observation_of(&o0));"
        );
    } else if sites > 1 {
        let recorded: Vec<String> = (0..sites)
            .map(|s| format!("observation_of(&o{s})"))
            .collect();
        let _ = writeln!(
            make,
            "{body_pad}out.observations.extend_from_slice(&[{}]);",
            recorded.join(", ")
        );
    }
    make.push_str(&finding(
        r,
        i,
        ("start", &sites.to_string(), "out.subjects.len()", "0"),
        &body_pad,
    ));
    o.push_str(&make);
    o.push_str(&close);
    let _ = writeln!(o, "{pad}}}");
    o
}

/// The whole generated file for `engine` (the default pack's).
pub(super) fn generate(engine: &Engine) -> String {
    let n = engine.rules.len();
    let mut o = String::new();
    o.push_str(
        "//! The default pack's evaluation compiled to Rust: generated from the compiled default\n\
         //! pack by the test `engine::codegen::tests::compiled_default_pack_is_current` (after\n\
         //! editing the pack, `UPDATE_DEFAULT_PACK=1 cargo test -p scalability-advisor-rules\n\
         //! default_pack` rewrites it). Do not edit by hand; see\n\
         //! `engine/codegen.rs` for what it is and why.\n\n\
         use super::*;\n\n",
    );
    let _ = writeln!(o, "/// How many rules the code was generated for.");
    let _ = writeln!(o, "const RULES: usize = {n};\n");
    let _ = writeln!(
        o,
        "/// [`Engine::run`] without time behaviour, for the default pack: the same evaluation,\n\
         /// with what the interpreter decides per rule decided when the crate is built. `false`\n\
         /// (and nothing written) when `engine` does not have the rules the code was generated\n\
         /// for."
    );
    let _ = writeln!(
        o,
        "#[expect(clippy::too_many_lines, reason = \"generated: one block per rule\")]"
    );
    let _ = writeln!(
        o,
        "pub(super) fn run(engine: &Engine, snapshot: &MetricsSnapshot, history: &History, out: &mut Evaluation) -> bool {{"
    );
    o.push_str(
        "    let Some(rules) = engine.rules.first_chunk::<RULES>() else {\n\
         \x20       return false;\n\
         \x20   };\n\
         \x20   let mut values = [UNKNOWN; VALUES];\n\
         \x20   let known = engine.load(snapshot, &mut values);\n\
         \x20   let arch = snapshot.components_in_place();\n\
         \x20   let stage = snapshot.users.map(Stage::for_users);\n\
         \x20   let stage_bit = stage.map_or(0u8, |s| 1 << (s.number() - 1));\n\
         \x20   out.findings.clear();\n\
         \x20   out.observations.clear();\n\
         \x20   out.subjects.clear();\n\
         \x20   out.subject_names.clear();\n\
         \x20   out.architecture = arch;\n\
         \x20   out.undeclared = snapshot.architecture.is_empty();\n\
         \x20   out.known = known;\n\
         \x20   let mut st = [RuleStatus::NotEvaluated; RULES];\n\
         \x20   let mut sup = [false; RULES];\n",
    );
    if engine.rules.iter().any(|r| r.supersede_later) {
        o.push_str("    let mut any_supersedes = false;\n");
    } else {
        o.push_str("    let any_supersedes = false;\n");
    }
    if engine.rules.iter().any(|r| r.moves_to.is_some()) {
        o.push_str("    let mut any_overdue = false;\n");
    } else {
        o.push_str("    let any_overdue = false;\n");
    }
    for &i in &engine.order {
        let r = &engine.rules[i];
        let _ = writeln!(o, "    // {}", r.id.as_str());
        let _ = writeln!(o, "    {{");
        let _ = writeln!(o, "        let r = &rules[{i}];");
        if r.stage_mask == 0 {
            o.push_str(&body(r, i, "        "));
        } else {
            let _ = writeln!(o, "        if stage_bit & {} == 0 {{", r.stage_mask);
            let _ = writeln!(
                o,
                "            st[{i}] = if stage_bit == 0 {{ RuleStatus::NotEvaluated }} else {{ RuleStatus::NotApplicable }};"
            );
            let _ = writeln!(o, "        }} else {{");
            o.push_str(&body(r, i, "            "));
            let _ = writeln!(o, "        }}");
        }
        let _ = writeln!(o, "    }}");
    }
    o.push_str(
        "    out.statuses.clear();\n\
         \x20   out.statuses.extend_from_slice(&st);\n\
         \x20   out.superseded.clear();\n\
         \x20   out.superseded.extend_from_slice(&sup);\n\
         \x20   engine.finish(out, any_supersedes, any_overdue);\n\
         \x20   true\n\
         }\n",
    );
    o
}

#[cfg(test)]
mod tests {
    use super::super::Evaluation;
    use super::*;
    use core::time::Duration;
    use proptest::prelude::*;
    use scalability_advisor_core::units::{Count, Ratio, Users};
    use scalability_advisor_core::{
        Component, Entities, EntityKind, EntityName, History, HostRole, HostStats, Metric,
        MetricsSnapshot, Remedy, Sample, Series, StatementStats, TableStats,
    };

    /// Values every metric may take: the default pack's thresholds and their neighbours
    /// (ratios, seconds, counts and flags alike), and anything in a wide range; a value a
    /// metric cannot hold (a ratio above 1, a flag of 0.5) leaves it unmeasured.
    fn value() -> impl Strategy<Value = Option<f64>> {
        let edges = Engine::default_pack()
            .rules
            .iter()
            .flat_map(|r| r.when.ops.clone())
            .filter_map(|op| match op {
                Op::CmpMetricConst(_, t, _) => Some([t.k, t.lo, t.hi]),
                _ => None,
            })
            .flatten()
            .chain([0.0, 1.0, 2.0, 3.0])
            .collect::<Vec<f64>>();
        prop_oneof![
            2 => Just(None),
            3 => proptest::sample::select(edges).prop_map(Some),
            2 => (0.0f64..=1.0).prop_map(Some),
            1 => (0.0f64..200_000.0).prop_map(Some),
        ]
    }

    /// Snapshots over every metric, with entity lists (or none), an architecture, tried
    /// remedies, users, and series for the metrics the default pack's series functions read.
    fn snapshot() -> impl Strategy<Value = (MetricsSnapshot, History)> {
        (
            proptest::collection::vec(value(), Metric::COUNT),
            proptest::option::of(0u64..3_000_000),
            (any::<u32>(), any::<u16>()),
            (
                proptest::option::of(proptest::collection::vec(
                    proptest::sample::select(vec![40.0, 70.0, 80.0, 85.0, 90.0, 97.0]),
                    0..4,
                )),
                proptest::option::of(0u32..4),
                proptest::option::of(0u32..3),
                any::<bool>(),
            ),
            proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        Metric::DbCpu,
                        Metric::P95ResponseTime,
                        Metric::CacheHitRate,
                        Metric::ReplicaLag,
                        Metric::MemoryUsage,
                    ]),
                    0usize..40,
                    -0.02f64..0.02,
                    0.0f64..=1.0,
                ),
                0..4,
            ),
        )
            .prop_map(
                |(values, users, (arch, tried), (hosts, tables, statements, shared), series)| {
                    let mut s = MetricsSnapshot::default();
                    for (m, v) in Metric::ALL.into_iter().zip(values) {
                        if let Some(v) = v {
                            let _ = s.set(m, v);
                        }
                    }
                    s.users = users.map(Users::new);
                    for (bit, c) in Component::ALL.into_iter().enumerate() {
                        if arch & (1 << (bit % 32)) != 0 {
                            s.architecture.insert(c);
                        }
                    }
                    for (bit, r) in Remedy::ALL.into_iter().enumerate() {
                        if tried & (1 << (bit % 16)) != 0 {
                            s.tried.insert(r);
                        }
                    }
                    s.hosts = hosts.map(|cpus| {
                        let list = (0..)
                            .zip(cpus)
                            .map(|(i, cpu)| {
                                let mut h = HostStats::new(
                                    EntityName::new(EntityKind::Host, format!("h{i}")).unwrap(),
                                );
                                h.roles.insert(HostRole::App);
                                if shared && i == 0u32 {
                                    h.roles.insert(HostRole::Db);
                                }
                                h.cpu = Some(Ratio::from_percent(cpu).unwrap());
                                h
                            })
                            .collect();
                        Entities::new(list).unwrap()
                    });
                    s.tables = tables.map(|n| {
                        let list = (0..n)
                            .map(|i| {
                                let mut t =
                                    TableStats::new(EntityName::table(format!("t{i}")).unwrap());
                                t.rows = Some(Count::new(20_000 * u64::from(i + 1)));
                                t.seq_scans = Some(Count::new(6_000 * u64::from(i)));
                                t.index_scans = (i != 1).then(|| Count::new(0));
                                t.period = Some(Duration::from_secs(3_600));
                                t
                            })
                            .collect();
                        Entities::new(list).unwrap()
                    });
                    s.statements = statements.map(|n| {
                        let list = (0..n)
                            .map(|i| {
                                let mut st = StatementStats::new(
                                    EntityName::new(EntityKind::Statement, format!("select {i}"))
                                        .unwrap(),
                                );
                                st.mean_time = Some(Duration::from_millis(60 + 80 * u64::from(i)));
                                st
                            })
                            .collect();
                        Entities::new(list).unwrap()
                    });
                    let mut history = History::new();
                    for (m, n, slope, start) in series {
                        let samples = (0..n as u64)
                            .map(|k| Sample {
                                at: Duration::from_secs(k * 1_800),
                                #[expect(clippy::cast_precision_loss, reason = "k < 40")]
                                value: (start + slope * k as f64).clamp(0.0, 1.0),
                            })
                            .collect();
                        if let Ok(series) = Series::new(m, samples) {
                            history.insert(series);
                        }
                    }
                    (s, history)
                },
            )
    }

    /// Everything an evaluation holds, compared bit for bit.
    fn same(a: &Evaluation, b: &Evaluation) -> Result<(), TestCaseError> {
        prop_assert_eq!(&a.statuses, &b.statuses);
        prop_assert_eq!(&a.superseded, &b.superseded);
        prop_assert_eq!(&a.findings, &b.findings);
        let bits = |e: &Evaluation| {
            e.observations
                .iter()
                .map(|o| {
                    (
                        o.observed.to_bits(),
                        o.threshold.to_bits(),
                        o.held.to_bits(),
                        o.reading,
                    )
                })
                .collect::<Vec<_>>()
        };
        prop_assert_eq!(bits(a), bits(b));
        prop_assert_eq!(a.architecture, b.architecture);
        prop_assert_eq!(a.known, b.known);
        prop_assert_eq!(&a.subjects, &b.subjects);
        prop_assert_eq!(&a.subject_names, &b.subject_names);
        Ok(())
    }

    /// Overdue moves raised in severity are moved to their place after the rules' order
    /// made them: at 2M users in two regions, residency required (a warning raised to
    /// critical) behind warnings on busy servers and database.
    #[test]
    fn overdue_moves_are_put_in_place_as_the_interpreter_does() {
        let snap = MetricsSnapshot::default()
            .with_users(Users::new(2_000_000))
            .with_user_regions(core::num::NonZeroU32::new(2).unwrap())
            .with_data_residency_required(true)
            .with_independent_scaling_needed(true)
            .with_server_cpu(Ratio::from_percent(75.0).unwrap())
            .with_db_cpu(Ratio::from_percent(75.0).unwrap());
        let compiled = Engine::default_pack();
        let mut interpreted = compiled.clone();
        interpreted.compiled = false;
        let want = interpreted.evaluate(&snap, &History::new());
        let raised = want
            .findings
            .iter()
            .position(|f| f.id == "move.4.data_residency")
            .unwrap();
        assert!(want.findings[raised].overdue);
        // Critical, so ahead of every warning, which the rules' order had put before it.
        let first_warning = want
            .findings
            .iter()
            .position(|f| f.severity == crate::pack::Severity::Warning)
            .unwrap();
        assert!(raised < first_warning, "{:?}", want.findings);
        same(&compiled.evaluate(&snap, &History::new()), &want).unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The compiled default pack evaluates as the interpreter does: statuses,
        /// supersession, findings in order, every recorded comparison (bit for bit), the
        /// entities that fired and what was known; into a fresh evaluation and into one
        /// reused from another snapshot.
        #[test]
        fn the_compiled_default_pack_is_the_interpreted_one(
            (snap, history) in snapshot(),
            (before, before_history) in snapshot(),
        ) {
            let compiled = Engine::default_pack();
            let mut interpreted = compiled.clone();
            interpreted.compiled = false;
            let want = interpreted.evaluate(&snap, &history);
            let got = compiled.evaluate(&snap, &history);
            same(&got, &want)?;
            let mut reused = compiled.evaluate(&before, &before_history);
            compiled.evaluate_into(&snap, &history, &mut reused);
            same(&reused, &want)?;
        }
    }

    /// The generated file is what the default pack compiles to now: what `packs/default.toml`
    /// loads to, so that one run with `UPDATE_DEFAULT_PACK=1` rewrites this file and
    /// `default_pack_generated.rs` together.
    #[test]
    fn compiled_default_pack_is_current() {
        use crate::default_pack::{DEFAULT_PACK_TOML, FILE_NAME};
        let pack = crate::RulePack::from_toml_str(FILE_NAME, DEFAULT_PACK_TOML).unwrap();
        let engine = Engine::new(pack).unwrap();
        assert!(!engine.compiled);
        let text = generate(&engine);
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/engine/default_pack_run.rs"
        );
        if std::env::var_os("UPDATE_DEFAULT_PACK").is_some() {
            std::fs::write(path, &text).unwrap();
        }
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            on_disk == text,
            "src/engine/default_pack_run.rs is stale: run `UPDATE_DEFAULT_PACK=1 cargo test -p \
             scalability-advisor-rules default_pack` (which rewrites both generated files) and \
             commit them"
        );
    }
}
