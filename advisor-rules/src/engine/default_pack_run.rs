//! The default pack's evaluation compiled to Rust: generated from the compiled default
//! pack by the test `engine::codegen::tests::compiled_default_pack_is_current` (after
//! editing the pack, `UPDATE_DEFAULT_PACK=1 cargo test -p scalability-advisor-rules
//! default_pack` rewrites it). Do not edit by hand; see
//! `engine/codegen.rs` for what it is and why.

use super::*;

/// How many rules the code was generated for.
const RULES: usize = 69;

/// [`Engine::run`] without time behaviour, for the default pack: the same evaluation,
/// with what the interpreter decides per rule decided when the crate is built. `false`
/// (and nothing written) when `engine` does not have the rules the code was generated
/// for.
#[expect(clippy::too_many_lines, reason = "generated: one block per rule")]
pub(super) fn run(engine: &Engine, snapshot: &MetricsSnapshot, history: &History, out: &mut Evaluation) -> bool {
    let Some(rules) = engine.rules.first_chunk::<RULES>() else {
        return false;
    };
    let mut values = [UNKNOWN; VALUES];
    let known = engine.load(snapshot, &mut values);
    let arch = snapshot.components_in_place();
    let stage = snapshot.users.map(Stage::for_users);
    let stage_bit = stage.map_or(0u8, |s| 1 << (s.number() - 1));
    out.findings.clear();
    out.observations.clear();
    out.subjects.clear();
    out.subject_names.clear();
    out.architecture = arch;
    out.undeclared = snapshot.architecture.is_empty();
    out.known = known;
    let mut st = [RuleStatus::NotEvaluated; RULES];
    let mut sup = [false; RULES];
    let mut any_supersedes = false;
    let mut any_overdue = false;
    // db.missing_index.table.critical
    {
        let r = &rules[48];
        if entity_count(snapshot, EntityKind::Table).is_some() {
            let ctx = Ctx { stack: core::cell::RefCell::new([0.0; MAX_STACK]), values: &values, snapshot, in_place: arch, history, series: &engine.series_config };
            let marks = (out.observations.len(), out.subjects.len(), out.subject_names.len());
            let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
            let v = each_entity(r, EntityKind::Table, &ctx, &mut slots, Some(&mut *out));
            let (status, assumed) = judge(v, MissingData::NotEvaluated);
            st[48] = status;
            if status == RuleStatus::Fired {
                let named = out.subjects.len() - marks.1;
                let (recorded, subjects) = if named > 0 {
                    (out.observations.len() - marks.0, named)
                } else {
                    out.observations.extend(slots.iter().take(4).map(observation_of));
                    (4, 0)
                };
                let f = make_finding(&r.id, 48, ((Severity::Critical, false), 1), stage, (assumed, false), (marks.0, recorded), (marks.1, subjects));
                out.findings.push(f);
            } else {
                out.observations.truncate(marks.0);
                out.subjects.truncate(marks.1);
                out.subject_names.truncate(marks.2);
            }
        }
    }
    // host.colocated_cpu.critical
    {
        let r = &rules[53];
        if entity_count(snapshot, EntityKind::Host).is_some() {
            let ctx = Ctx { stack: core::cell::RefCell::new([0.0; MAX_STACK]), values: &values, snapshot, in_place: arch, history, series: &engine.series_config };
            let marks = (out.observations.len(), out.subjects.len(), out.subject_names.len());
            let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
            let v = each_entity(r, EntityKind::Host, &ctx, &mut slots, Some(&mut *out));
            let (status, assumed) = judge(v, MissingData::NotEvaluated);
            st[53] = status;
            if status == RuleStatus::Fired {
                let named = out.subjects.len() - marks.1;
                let (recorded, subjects) = if named > 0 {
                    (out.observations.len() - marks.0, named)
                } else {
                    out.observations.extend(slots.iter().take(3).map(observation_of));
                    (3, 0)
                };
                let f = make_finding(&r.id, 53, ((Severity::Critical, false), 5), stage, (assumed, false), (marks.0, recorded), (marks.1, subjects));
                out.findings.push(f);
            } else {
                out.observations.truncate(marks.0);
                out.subjects.truncate(marks.1);
                out.subject_names.truncate(marks.2);
            }
        }
    }
    // key.cpu.critical
    {
        let r = &rules[4];
        let (v1, o0) = compare_value(values[5], Threshold { op: CmpOp::Gt, k: 0.85, lo: 0.84999999915, hi: 0.8500000008499999 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[4] = status;
        if status == RuleStatus::Fired {
            if st[53] == RuleStatus::Fired {
                sup[4] = true;
            } else {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                let f = make_finding(&r.id, 4, ((Severity::Critical, false), 10), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // key.p95.critical
    {
        let r = &rules[0];
        let (v1, o0) = compare_value(values[3], Threshold { op: CmpOp::Gt, k: 1.0, lo: 0.999999999, hi: 1.000000001 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[0] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 0, ((Severity::Critical, false), 10), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // key.pool.critical
    {
        let r = &rules[6];
        let (v1, o0) = compare_value(values[9], Threshold { op: CmpOp::Gt, k: 0.8, lo: 0.7999999992000001, hi: 0.8000000008 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[6] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 6, ((Severity::Critical, false), 10), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // key.queries.critical
    {
        let r = &rules[2];
        let (v1, o0) = compare_value(values[4], Threshold { op: CmpOp::Gt, k: 20.0, lo: 19.99999998, hi: 20.00000002 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[2] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 2, ((Severity::Critical, false), 10), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // db.pool_exhaustion
    {
        let r = &rules[41];
        let (v1, o0) = compare_value(values[14], Threshold { op: CmpOp::Gt, k: 0.0, lo: 0.0, hi: 0.0 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[41] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 41, ((Severity::Critical, false), 20), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // move.3.write_saturation
    {
        let r = &rules[18];
        let v1 = divide(values[29], values[30]);
        let (v2, o0) = compare_values(CmpOp::Ge, v1, 0.8);
        let (status, assumed) = judge(v2, MissingData::NotEvaluated);
        st[18] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = r.finding(18, stage, arch, (assumed, false), (start, 1), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // move.2.cpu_maxed
    {
        let r = &rules[16];
        let (v1, o0) = compare_value(values[5], Threshold { op: CmpOp::Ge, k: 0.9, lo: 0.8999999991000001, hi: 0.9000000009 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[16] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = r.finding(16, stage, arch, (assumed, false), (start, 1), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // move.2.memory_maxed
    {
        let r = &rules[17];
        let (v1, o0) = compare_value(values[6], Threshold { op: CmpOp::Ge, k: 0.9, lo: 0.8999999991000001, hi: 0.9000000009 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[17] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = r.finding(17, stage, arch, (assumed, false), (start, 1), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // move.3.replica_lag
    {
        let r = &rules[20];
        let o0 = series_slot(SeriesFn::ConsistentlyAbove, Metric::ReplicaLag, 5.0, &values, history, &engine.series_config);
        let v1 = o0.held;
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[20] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = r.finding(20, stage, arch, (assumed, false), (start, 1), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // move.4.single_region_failover
    {
        let r = &rules[25];
        let (v1, o0) = compare_value(values[40], Threshold { op: CmpOp::Ge, k: 0.9998999999999999, lo: 0.9998999990000998, hi: 0.9999000009999 });
        let v2 = truth(!values[1].is_nan());
        let (v3, o1) = compare_value(values[1], Threshold { op: CmpOp::Lt, k: 2.0, lo: 1.999999998, hi: 2.000000002 });
        let v4 = kleene_and(v2, v3);
        let v5 = truth(!values[1].is_nan());
        let v6 = kleene_not(v5);
        let v7 = truth(!arch.contains(Component::MultiRegion));
        let v8 = kleene_and(v6, v7);
        let v9 = kleene_or(v4, v8);
        let v10 = kleene_and(v1, v9);
        let (status, assumed) = judge(v10, MissingData::NotEvaluated);
        st[25] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
            let f = r.finding(25, stage, arch, (assumed, false), (start, 2), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // db.missing_index.table
    {
        let r = &rules[49];
        if entity_count(snapshot, EntityKind::Table).is_some() {
            let ctx = Ctx { stack: core::cell::RefCell::new([0.0; MAX_STACK]), values: &values, snapshot, in_place: arch, history, series: &engine.series_config };
            let marks = (out.observations.len(), out.subjects.len(), out.subject_names.len());
            let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
            let v = each_entity(r, EntityKind::Table, &ctx, &mut slots, Some(&mut *out));
            let (status, assumed) = judge(v, MissingData::NotEvaluated);
            st[49] = status;
            let replaced = status == RuleStatus::Fired && (st[48] == RuleStatus::Fired);
            sup[49] = replaced;
            if status == RuleStatus::Fired && !replaced {
                let named = out.subjects.len() - marks.1;
                let (recorded, subjects) = if named > 0 {
                    (out.observations.len() - marks.0, named)
                } else {
                    out.observations.extend(slots.iter().take(3).map(observation_of));
                    (3, 0)
                };
                let f = make_finding(&r.id, 49, ((Severity::Warning, false), 15), stage, (assumed, false), (marks.0, recorded), (marks.1, subjects));
                out.findings.push(f);
            } else {
                out.observations.truncate(marks.0);
                out.subjects.truncate(marks.1);
                out.subject_names.truncate(marks.2);
            }
        }
    }
    // host.colocated_cpu.warning
    {
        let r = &rules[54];
        if entity_count(snapshot, EntityKind::Host).is_some() {
            let ctx = Ctx { stack: core::cell::RefCell::new([0.0; MAX_STACK]), values: &values, snapshot, in_place: arch, history, series: &engine.series_config };
            let marks = (out.observations.len(), out.subjects.len(), out.subject_names.len());
            let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
            let v = each_entity(r, EntityKind::Host, &ctx, &mut slots, Some(&mut *out));
            let (status, assumed) = judge(v, MissingData::NotEvaluated);
            st[54] = status;
            let replaced = status == RuleStatus::Fired && (st[53] == RuleStatus::Fired);
            sup[54] = replaced;
            if status == RuleStatus::Fired && !replaced {
                let named = out.subjects.len() - marks.1;
                let (recorded, subjects) = if named > 0 {
                    (out.observations.len() - marks.0, named)
                } else {
                    out.observations.extend(slots.iter().take(3).map(observation_of));
                    (3, 0)
                };
                let f = make_finding(&r.id, 54, ((Severity::Warning, false), 15), stage, (assumed, false), (marks.0, recorded), (marks.1, subjects));
                out.findings.push(f);
            } else {
                out.observations.truncate(marks.0);
                out.subjects.truncate(marks.1);
                out.subject_names.truncate(marks.2);
            }
        }
    }
    // host.uneven_cpu
    {
        let r = &rules[55];
        if entity_count(snapshot, EntityKind::Host).is_some() {
            let ctx = Ctx { stack: core::cell::RefCell::new([0.0; MAX_STACK]), values: &values, snapshot, in_place: arch, history, series: &engine.series_config };
            let marks = (out.observations.len(), out.subjects.len(), out.subject_names.len());
            let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
            let v = each_entity(r, EntityKind::Host, &ctx, &mut slots, Some(&mut *out));
            let (status, assumed) = judge(v, MissingData::NotEvaluated);
            st[55] = status;
            if status == RuleStatus::Fired {
                let named = out.subjects.len() - marks.1;
                let (recorded, subjects) = if named > 0 {
                    (out.observations.len() - marks.0, named)
                } else {
                    out.observations.extend(slots.iter().take(4).map(observation_of));
                    (4, 0)
                };
                let f = make_finding(&r.id, 55, ((Severity::Warning, false), 20), stage, (assumed, false), (marks.0, recorded), (marks.1, subjects));
                out.findings.push(f);
            } else {
                out.observations.truncate(marks.0);
                out.subjects.truncate(marks.1);
                out.subject_names.truncate(marks.2);
            }
        }
    }
    // host.uneven_memory
    {
        let r = &rules[56];
        if entity_count(snapshot, EntityKind::Host).is_some() {
            let ctx = Ctx { stack: core::cell::RefCell::new([0.0; MAX_STACK]), values: &values, snapshot, in_place: arch, history, series: &engine.series_config };
            let marks = (out.observations.len(), out.subjects.len(), out.subject_names.len());
            let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
            let v = each_entity(r, EntityKind::Host, &ctx, &mut slots, Some(&mut *out));
            let (status, assumed) = judge(v, MissingData::NotEvaluated);
            st[56] = status;
            if status == RuleStatus::Fired {
                let named = out.subjects.len() - marks.1;
                let (recorded, subjects) = if named > 0 {
                    (out.observations.len() - marks.0, named)
                } else {
                    out.observations.extend(slots.iter().take(4).map(observation_of));
                    (4, 0)
                };
                let f = make_finding(&r.id, 56, ((Severity::Warning, false), 20), stage, (assumed, false), (marks.0, recorded), (marks.1, subjects));
                out.findings.push(f);
            } else {
                out.observations.truncate(marks.0);
                out.subjects.truncate(marks.1);
                out.subject_names.truncate(marks.2);
            }
        }
    }
    // layer.external.rate_limits
    {
        let r = &rules[36];
        let (v1, o0) = compare_value(values[35], Threshold { op: CmpOp::Gt, k: 0.0, lo: 0.0, hi: 0.0 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[36] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 36, ((Severity::Warning, false), 29), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // ladder.api_timeouts
    {
        let r = &rules[10];
        let (v1, o0) = compare_value(values[34], Threshold { op: CmpOp::Gt, k: 0.01, lo: 0.00999999999, hi: 0.010000000010000001 });
        let (v2, o1) = compare_value(values[33], Threshold { op: CmpOp::Gt, k: 0.5, lo: 0.4999999995, hi: 0.5000000005 });
        let v3 = kleene_or(v1, v2);
        let (status, assumed) = judge(v3, MissingData::NotEvaluated);
        st[10] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
            let f = make_finding(&r.id, 10, ((Severity::Warning, false), 30), stage, (assumed, false), (start, 2), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // ladder.database_slow
    {
        let r = &rules[9];
        let (v1, o0) = compare_value(values[11], Threshold { op: CmpOp::Gt, k: 0.1, lo: 0.09999999990000001, hi: 0.1000000001 });
        let (v2, o1) = compare_value(values[10], Threshold { op: CmpOp::Gt, k: 0.7, lo: 0.6999999993, hi: 0.7000000006999999 });
        let v3 = kleene_or(v1, v2);
        let (status, assumed) = judge(v3, MissingData::NotEvaluated);
        st[9] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
            let f = make_finding(&r.id, 9, ((Severity::Warning, false), 30), stage, (assumed, false), (start, 2), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // ladder.high_memory
    {
        let r = &rules[12];
        let (v1, o0) = compare_value(values[6], Threshold { op: CmpOp::Gt, k: 0.9, lo: 0.8999999991000001, hi: 0.9000000009 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[12] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 12, ((Severity::Warning, false), 30), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // ladder.high_server_cpu
    {
        let r = &rules[11];
        let (v1, o0) = compare_value(values[5], Threshold { op: CmpOp::Ge, k: 0.7, lo: 0.6999999993, hi: 0.7000000006999999 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[11] = status;
        if status == RuleStatus::Fired {
            if st[53] == RuleStatus::Fired || st[54] == RuleStatus::Fired {
                sup[11] = true;
            } else {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                let f = make_finding(&r.id, 11, ((Severity::Warning, false), 30), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // ladder.slow_page_loads
    {
        let r = &rules[8];
        let (v1, o0) = compare_value(values[3], Threshold { op: CmpOp::Ge, k: 0.5, lo: 0.4999999995, hi: 0.5000000005 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[8] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 8, ((Severity::Warning, false), 30), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // db.deadlocks
    {
        let r = &rules[51];
        let (v1, o0) = compare_value(values[17], Threshold { op: CmpOp::Gt, k: 0.0, lo: 0.0, hi: 0.0 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[51] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 51, ((Severity::Warning, false), 32), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // db.lock_contention
    {
        let r = &rules[43];
        let (v1, o0) = compare_value(values[16], Threshold { op: CmpOp::Gt, k: 0.1, lo: 0.09999999990000001, hi: 0.1000000001 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[43] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 43, ((Severity::Warning, false), 32), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // db.slow_statement
    {
        let r = &rules[50];
        if entity_count(snapshot, EntityKind::Statement).is_some() {
            let ctx = Ctx { stack: core::cell::RefCell::new([0.0; MAX_STACK]), values: &values, snapshot, in_place: arch, history, series: &engine.series_config };
            let marks = (out.observations.len(), out.subjects.len(), out.subject_names.len());
            let mut slots = [EMPTY_SLOT; MAX_COMPARISONS];
            let v = each_entity(r, EntityKind::Statement, &ctx, &mut slots, Some(&mut *out));
            let (status, assumed) = judge(v, MissingData::NotEvaluated);
            st[50] = status;
            if status == RuleStatus::Fired {
                let named = out.subjects.len() - marks.1;
                let (recorded, subjects) = if named > 0 {
                    (out.observations.len() - marks.0, named)
                } else {
                    out.observations.extend(slots.iter().take(1).map(observation_of));
                    (1, 0)
                };
                let f = make_finding(&r.id, 50, ((Severity::Warning, false), 35), stage, (assumed, false), (marks.0, recorded), (marks.1, subjects));
                out.findings.push(f);
            } else {
                out.observations.truncate(marks.0);
                out.subjects.truncate(marks.1);
                out.subject_names.truncate(marks.2);
            }
        }
    }
    // key.cpu.warning
    {
        let r = &rules[5];
        let (v1, o0) = compare_value(values[5], Threshold { op: CmpOp::Ge, k: 0.7, lo: 0.6999999993, hi: 0.7000000006999999 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[5] = status;
        if status == RuleStatus::Fired {
            if st[4] == RuleStatus::Fired || st[53] == RuleStatus::Fired || st[54] == RuleStatus::Fired {
                sup[5] = true;
            } else {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                let f = make_finding(&r.id, 5, ((Severity::Warning, false), 35), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // key.p95.warning
    {
        let r = &rules[1];
        let (v1, o0) = compare_value(values[3], Threshold { op: CmpOp::Ge, k: 0.5, lo: 0.4999999995, hi: 0.5000000005 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[1] = status;
        if status == RuleStatus::Fired {
            if st[0] == RuleStatus::Fired {
                sup[1] = true;
            } else {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                let f = make_finding(&r.id, 1, ((Severity::Warning, false), 35), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // key.pool.warning
    {
        let r = &rules[7];
        let (v1, o0) = compare_value(values[9], Threshold { op: CmpOp::Ge, k: 0.5, lo: 0.4999999995, hi: 0.5000000005 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[7] = status;
        if status == RuleStatus::Fired {
            if st[6] == RuleStatus::Fired {
                sup[7] = true;
            } else {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                let f = make_finding(&r.id, 7, ((Severity::Warning, false), 35), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // key.queries.warning
    {
        let r = &rules[3];
        let (v1, o0) = compare_value(values[4], Threshold { op: CmpOp::Ge, k: 10.0, lo: 9.99999999, hi: 10.00000001 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[3] = status;
        if status == RuleStatus::Fired {
            if st[2] == RuleStatus::Fired {
                sup[3] = true;
            } else {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                let f = make_finding(&r.id, 3, ((Severity::Warning, false), 35), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // add.global_load_balancer
    {
        let r = &rules[31];
        if stage_bit & 14 == 0 {
            st[31] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let (v1, o0) = compare_value(values[1], Threshold { op: CmpOp::Ge, k: 2.0, lo: 1.999999998, hi: 2.000000002 });
            let v2 = truth(arch.contains(Component::MultiRegion));
            let v3 = truth(!values[1].is_nan());
            let v4 = kleene_not(v3);
            let v5 = kleene_and(v2, v4);
            let v6 = kleene_or(v1, v5);
            let v7 = truth(!arch.contains(Component::GlobalLoadBalancer));
            let v8 = kleene_and(v6, v7);
            let v9 = truth(!values[38].is_nan());
            let v10 = kleene_not(v9);
            let (v11, o1) = compare_value(values[38], Threshold { op: CmpOp::Gt, k: 0.5, lo: 0.4999999995, hi: 0.5000000005 });
            let v12 = kleene_or(v10, v11);
            let v13 = kleene_and(v8, v12);
            let (status, assumed) = judge(v13, MissingData::NotEvaluated);
            st[31] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
                any_supersedes |= may_be_superseded_later(3, stage_bit);
                let f = make_finding(&r.id, 31, ((Severity::Warning, false), 39), stage, (assumed, false), (start, 2), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // add.region
    {
        let r = &rules[33];
        let (v1, o0) = compare_value(values[1], Threshold { op: CmpOp::Ge, k: 2.0, lo: 1.999999998, hi: 2.000000002 });
        let (v2, o1) = compare_values(CmpOp::Lt, values[1], values[2]);
        let v3 = kleene_and(v1, v2);
        let (v4, o2) = compare_value(values[38], Threshold { op: CmpOp::Gt, k: 0.5, lo: 0.4999999995, hi: 0.5000000005 });
        let v5 = kleene_and(v3, v4);
        let (status, assumed) = judge(v5, MissingData::NotEvaluated);
        st[33] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1), observation_of(&o2)]);
            let f = make_finding(&r.id, 33, ((Severity::Warning, false), 40), stage, (assumed, false), (start, 3), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // db.buffer_hit_low
    {
        let r = &rules[52];
        let (v1, o0) = compare_value(values[24], Threshold { op: CmpOp::Lt, k: 0.99, lo: 0.98999999901, hi: 0.99000000099 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[52] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 52, ((Severity::Warning, false), 40), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // db.cache_hit_low
    {
        let r = &rules[47];
        let (v1, o0) = compare_value(values[27], Threshold { op: CmpOp::Lt, k: 0.8, lo: 0.7999999992000001, hi: 0.8000000008 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[47] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            any_supersedes |= may_be_superseded_later(1, stage_bit);
            let f = make_finding(&r.id, 47, ((Severity::Warning, false), 40), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // db.connection_wait
    {
        let r = &rules[40];
        let (v1, o0) = compare_value(values[13], Threshold { op: CmpOp::Gt, k: 0.01, lo: 0.00999999999, hi: 0.010000000010000001 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[40] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 40, ((Severity::Warning, false), 40), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // db.missing_indexes
    {
        let r = &rules[42];
        let (v1, o0) = compare_value(values[15], Threshold { op: CmpOp::Gt, k: 10000.0, lo: 9999.99999, hi: 10000.00001 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[42] = status;
        if status == RuleStatus::Fired {
            if st[48] == RuleStatus::Fired || st[49] == RuleStatus::Fired {
                sup[42] = true;
            } else {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                let f = make_finding(&r.id, 42, ((Severity::Warning, false), 40), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // db.replica_lag
    {
        let r = &rules[44];
        let (v1, o0) = compare_value(values[28], Threshold { op: CmpOp::Gt, k: 1.0, lo: 0.999999999, hi: 1.000000001 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[44] = status;
        if status == RuleStatus::Fired {
            if st[20] == RuleStatus::Fired {
                sup[44] = true;
            } else {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                let f = make_finding(&r.id, 44, ((Severity::Warning, false), 40), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // db.wal_latency
    {
        let r = &rules[46];
        let (v1, o0) = compare_value(values[19], Threshold { op: CmpOp::Gt, k: 0.01, lo: 0.00999999999, hi: 0.010000000010000001 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[46] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 46, ((Severity::Warning, false), 40), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // layer.network.far_users_one_region
    {
        let r = &rules[35];
        if stage_bit & 14 == 0 {
            st[35] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let (v1, o0) = compare_value(values[38], Threshold { op: CmpOp::Gt, k: 0.5, lo: 0.4999999995, hi: 0.5000000005 });
            let (v2, o1) = compare_value(values[2], Threshold { op: CmpOp::Lt, k: 2.0, lo: 1.999999998, hi: 2.000000002 });
            let v3 = kleene_and(v1, v2);
            let (status, assumed) = judge(v3, MissingData::NotEvaluated);
            st[35] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
                let f = make_finding(&r.id, 35, ((Severity::Warning, false), 40), stage, (assumed, false), (start, 2), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // move.2.db_cpu
    {
        let r = &rules[13];
        let o0 = series_slot(SeriesFn::ConsistentlyAbove, Metric::DbCpu, 0.7, &values, history, &engine.series_config);
        let v1 = o0.held;
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[13] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = r.finding(13, stage, arch, (assumed, false), (start, 1), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // move.2.response_degrading
    {
        let r = &rules[14];
        let o0 = series_slot(SeriesFn::Degrading, Metric::P95ResponseTime, 0.0, &values, history, &engine.series_config);
        let v1 = o0.held;
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[14] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = r.finding(14, stage, arch, (assumed, false), (start, 1), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // move.2.slow_queries
    {
        let r = &rules[15];
        let (v1, o0) = compare_value(values[11], Threshold { op: CmpOp::Gt, k: 0.1, lo: 0.09999999990000001, hi: 0.1000000001 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[15] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = r.finding(15, stage, arch, (assumed, false), (start, 1), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // move.3.cache_plateau
    {
        let r = &rules[19];
        let o0 = series_slot(SeriesFn::Plateauing, Metric::CacheHitRate, 0.0, &values, history, &engine.series_config);
        let v1 = o0.held;
        let (v2, o1) = compare_value(values[27], Threshold { op: CmpOp::Lt, k: 0.9, lo: 0.8999999991000001, hi: 0.9000000009 });
        let v3 = kleene_and(v1, v2);
        let (status, assumed) = judge(v3, MissingData::NotEvaluated);
        st[19] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
            let f = r.finding(19, stage, arch, (assumed, false), (start, 2), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // move.4.data_residency
    {
        let r = &rules[23];
        let (v1, o0) = compare_value(values[39], Threshold { op: CmpOp::Eq, k: 1.0, lo: 0.999999999, hi: 1.000000001 });
        let (v2, o1) = compare_value(values[2], Threshold { op: CmpOp::Ge, k: 2.0, lo: 1.999999998, hi: 2.000000002 });
        let v3 = kleene_and(v1, v2);
        let (status, assumed) = judge(v3, MissingData::NotEvaluated);
        st[23] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
            let f = r.finding(23, stage, arch, (assumed, false), (start, 2), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // move.4.remote_latency
    {
        let r = &rules[22];
        let (v1, o0) = compare_value(values[38], Threshold { op: CmpOp::Gt, k: 0.5, lo: 0.4999999995, hi: 0.5000000005 });
        let v2 = truth(!values[2].is_nan());
        let v3 = kleene_not(v2);
        let (v4, o1) = compare_value(values[2], Threshold { op: CmpOp::Ge, k: 2.0, lo: 1.999999998, hi: 2.000000002 });
        let v5 = kleene_or(v3, v4);
        let v6 = kleene_and(v1, v5);
        let (status, assumed) = judge(v6, MissingData::NotEvaluated);
        st[22] = status;
        if status == RuleStatus::Fired {
            if st[33] == RuleStatus::Fired {
                sup[22] = true;
            } else {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
                let f = r.finding(22, stage, arch, (assumed, false), (start, 2), (out.subjects.len(), 0));
                any_overdue |= f.overdue;
                out.findings.push(f);
            }
        }
    }
    // add.cache
    {
        let r = &rules[29];
        let (v1, o0) = compare_value(values[26], Threshold { op: CmpOp::Gt, k: 0.25, lo: 0.24999999975, hi: 0.25000000025 });
        let v2 = truth(!arch.contains(Component::Cache));
        let v3 = kleene_and(v1, v2);
        let (status, assumed) = judge(v3, MissingData::NotEvaluated);
        st[29] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            any_supersedes |= may_be_superseded_later(1, stage_bit);
            let f = make_finding(&r.id, 29, ((Severity::Warning, false), 45), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // add.cdn
    {
        let r = &rules[27];
        let (v1, o0) = compare_value(values[31], Threshold { op: CmpOp::Gt, k: 0.2, lo: 0.19999999980000002, hi: 0.2000000002 });
        let v2 = truth(!arch.contains(Component::Cdn));
        let v3 = kleene_and(v1, v2);
        let (status, assumed) = judge(v3, MissingData::NotEvaluated);
        st[27] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 27, ((Severity::Warning, false), 45), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // add.job_queue
    {
        let r = &rules[30];
        let (v1, o0) = compare_value(values[32], Threshold { op: CmpOp::Eq, k: 1.0, lo: 0.999999999, hi: 1.000000001 });
        let v2 = truth(!arch.contains(Component::JobQueue));
        let v3 = kleene_and(v1, v2);
        let v4 = truth(!arch.contains(Component::MessageQueue));
        let v5 = kleene_and(v3, v4);
        let (status, assumed) = judge(v5, MissingData::NotEvaluated);
        st[30] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 30, ((Severity::Warning, false), 45), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // add.read_replicas
    {
        let r = &rules[28];
        let (v1, o0) = compare_value(values[21], Threshold { op: CmpOp::Gt, k: 0.8, lo: 0.7999999992000001, hi: 0.8000000008 });
        let v2 = truth(!arch.contains(Component::ReadReplicas));
        let v3 = kleene_and(v1, v2);
        let (status, assumed) = judge(v3, MissingData::NotEvaluated);
        st[28] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            any_supersedes |= may_be_superseded_later(1, stage_bit);
            let f = make_finding(&r.id, 28, ((Severity::Warning, false), 45), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // layer.app.memory_rising
    {
        let r = &rules[38];
        let o0 = series_slot(SeriesFn::Degrading, Metric::MemoryUsage, 0.0, &values, history, &engine.series_config);
        let v1 = o0.held;
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[38] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 38, ((Severity::Warning, false), 45), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // layer.app.work_bypasses_queue
    {
        let r = &rules[39];
        let (v1, o0) = compare_value(values[32], Threshold { op: CmpOp::Eq, k: 1.0, lo: 0.999999999, hi: 1.000000001 });
        let v2 = truth(arch.contains(Component::JobQueue));
        let v3 = truth(arch.contains(Component::MessageQueue));
        let v4 = kleene_or(v2, v3);
        let v5 = kleene_and(v1, v4);
        let (status, assumed) = judge(v5, MissingData::NotEvaluated);
        st[39] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 39, ((Severity::Warning, false), 45), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // layer.network.latency
    {
        let r = &rules[34];
        let (v1, o0) = compare_value(values[36], Threshold { op: CmpOp::Gt, k: 0.1, lo: 0.09999999990000001, hi: 0.1000000001 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[34] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 34, ((Severity::Warning, false), 50), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // layer.storage.io_wait
    {
        let r = &rules[37];
        let (v1, o0) = compare_value(values[20], Threshold { op: CmpOp::Gt, k: 0.2, lo: 0.19999999980000002, hi: 0.2000000002 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[37] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 37, ((Severity::Warning, false), 50), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // add.region_failover
    {
        let r = &rules[32];
        if stage_bit & 14 == 0 {
            st[32] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let (v1, o0) = compare_value(values[1], Threshold { op: CmpOp::Ge, k: 2.0, lo: 1.999999998, hi: 2.000000002 });
            let v2 = truth(arch.contains(Component::MultiRegion));
            let v3 = truth(!values[1].is_nan());
            let v4 = kleene_not(v3);
            let v5 = kleene_and(v2, v4);
            let v6 = kleene_or(v1, v5);
            let v7 = truth(!arch.contains(Component::GlobalLoadBalancer));
            let v8 = kleene_and(v6, v7);
            let (v9, o1) = compare_value(values[38], Threshold { op: CmpOp::Le, k: 0.5, lo: 0.4999999995, hi: 0.5000000005 });
            let v10 = kleene_and(v8, v9);
            let (status, assumed) = judge(v10, MissingData::NotEvaluated);
            st[32] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
                any_supersedes |= may_be_superseded_later(3, stage_bit);
                let f = make_finding(&r.id, 32, ((Severity::Info, false), 39), stage, (assumed, false), (start, 2), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // move.3.independent_scaling
    {
        let r = &rules[21];
        let (v1, o0) = compare_value(values[41], Threshold { op: CmpOp::Eq, k: 1.0, lo: 0.999999999, hi: 1.000000001 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[21] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = r.finding(21, stage, arch, (assumed, false), (start, 1), (out.subjects.len(), 0));
            any_overdue |= f.overdue;
            out.findings.push(f);
        }
    }
    // move.4.global_users
    {
        let r = &rules[26];
        let (v1, o0) = compare_value(values[2], Threshold { op: CmpOp::Ge, k: 3.0, lo: 2.999999997, hi: 3.000000003 });
        let (v2, o1) = compare_value(values[37], Threshold { op: CmpOp::Ge, k: 0.25, lo: 0.24999999975, hi: 0.25000000025 });
        let v3 = kleene_and(v1, v2);
        let (status, assumed) = judge(v3, MissingData::NotEvaluated);
        st[26] = status;
        if status == RuleStatus::Fired {
            if st[33] == RuleStatus::Fired {
                sup[26] = true;
            } else {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
                let f = r.finding(26, stage, arch, (assumed, false), (start, 2), (out.subjects.len(), 0));
                any_overdue |= f.overdue;
                out.findings.push(f);
            }
        }
    }
    // db.bloat
    {
        let r = &rules[45];
        let (v1, o0) = compare_value(values[18], Threshold { op: CmpOp::Gt, k: 0.2, lo: 0.19999999980000002, hi: 0.2000000002 });
        let (status, assumed) = judge(v1, MissingData::NotEvaluated);
        st[45] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.push(observation_of(&o0));
            let f = make_finding(&r.id, 45, ((Severity::Info, false), 60), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // residency.one_region
    {
        let r = &rules[24];
        let v1 = truth(!values[39].is_nan());
        let (v2, o0) = compare_value(values[39], Threshold { op: CmpOp::Eq, k: 1.0, lo: 0.999999999, hi: 1.000000001 });
        let v3 = kleene_and(v1, v2);
        let (v4, o1) = compare_value(values[2], Threshold { op: CmpOp::Lt, k: 2.0, lo: 1.999999998, hi: 2.000000002 });
        let v5 = kleene_and(v3, v4);
        let (status, assumed) = judge(v5, MissingData::Fire);
        st[24] = status;
        if status == RuleStatus::Fired {
            let start = out.observations.len();
            out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
            let f = make_finding(&r.id, 24, ((Severity::Info, false), 60), stage, (assumed, false), (start, 2), (out.subjects.len(), 0));
            out.findings.push(f);
        }
    }
    // premature.add_cache
    {
        let r = &rules[58];
        if stage_bit & 1 == 0 {
            st[58] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let (v1, o0) = compare_value(values[26], Threshold { op: CmpOp::Gt, k: 0.25, lo: 0.24999999975, hi: 0.25000000025 });
            let v2 = truth(!arch.contains(Component::Cache));
            let v3 = kleene_and(v1, v2);
            let (v4, o1) = compare_value(values[5], Threshold { op: CmpOp::Lt, k: 0.35, lo: 0.34999999965, hi: 0.35000000034999995 });
            let v5 = kleene_and(v3, v4);
            let (v6, o2) = compare_value(values[10], Threshold { op: CmpOp::Lt, k: 0.35, lo: 0.34999999965, hi: 0.35000000034999995 });
            let v7 = kleene_and(v5, v6);
            let (status, assumed) = judge(v7, MissingData::NotEvaluated);
            st[58] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1), observation_of(&o2)]);
                let f = make_finding(&r.id, 58, ((Severity::Info, false), 70), stage, (assumed, false), (start, 3), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // premature.add_read_replicas
    {
        let r = &rules[59];
        if stage_bit & 1 == 0 {
            st[59] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let (v1, o0) = compare_value(values[21], Threshold { op: CmpOp::Gt, k: 0.8, lo: 0.7999999992000001, hi: 0.8000000008 });
            let v2 = truth(!arch.contains(Component::ReadReplicas));
            let v3 = kleene_and(v1, v2);
            let (v4, o1) = compare_value(values[10], Threshold { op: CmpOp::Lt, k: 0.7, lo: 0.6999999993, hi: 0.7000000006999999 });
            let v5 = kleene_and(v3, v4);
            let (status, assumed) = judge(v5, MissingData::NotEvaluated);
            st[59] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
                let f = make_finding(&r.id, 59, ((Severity::Info, false), 70), stage, (assumed, false), (start, 2), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // premature.api_gateway
    {
        let r = &rules[67];
        if stage_bit & 1 == 0 {
            st[67] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let v1 = truth(arch.contains(Component::ApiGateway));
            let v2 = truth(!arch.contains(Component::Microservices));
            let v3 = kleene_and(v1, v2);
            let (status, assumed) = judge(v3, MissingData::NotEvaluated);
            st[67] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                let f = make_finding(&r.id, 67, ((Severity::Info, false), 70), stage, (assumed, false), (start, 0), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // premature.auto_scaling
    {
        let r = &rules[66];
        if stage_bit & 1 == 0 {
            st[66] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let v1 = truth(arch.contains(Component::AutoScaling));
            let (v2, o0) = compare_value(values[5], Threshold { op: CmpOp::Lt, k: 0.35, lo: 0.34999999965, hi: 0.35000000034999995 });
            let v3 = kleene_and(v1, v2);
            let (status, assumed) = judge(v3, MissingData::NotEvaluated);
            st[66] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                let f = make_finding(&r.id, 66, ((Severity::Info, false), 70), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // premature.cache
    {
        let r = &rules[57];
        if stage_bit & 1 == 0 {
            st[57] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let v1 = truth(arch.contains(Component::Cache));
            let (v2, o0) = compare_value(values[5], Threshold { op: CmpOp::Lt, k: 0.35, lo: 0.34999999965, hi: 0.35000000034999995 });
            let v3 = kleene_and(v1, v2);
            let (v4, o1) = compare_value(values[3], Threshold { op: CmpOp::Lt, k: 0.25, lo: 0.24999999975, hi: 0.25000000025 });
            let v5 = kleene_and(v3, v4);
            let (v6, o2) = compare_value(values[10], Threshold { op: CmpOp::Lt, k: 0.35, lo: 0.34999999965, hi: 0.35000000034999995 });
            let v7 = kleene_and(v5, v6);
            let (status, assumed) = judge(v7, MissingData::NotEvaluated);
            st[57] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1), observation_of(&o2)]);
                let f = make_finding(&r.id, 57, ((Severity::Info, false), 70), stage, (assumed, false), (start, 3), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // premature.load_balancer
    {
        let r = &rules[63];
        if stage_bit & 1 == 0 {
            st[63] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let v1 = truth(arch.contains(Component::LoadBalancer));
            let (v2, o0) = compare_value(values[5], Threshold { op: CmpOp::Lt, k: 0.35, lo: 0.34999999965, hi: 0.35000000034999995 });
            let v3 = kleene_and(v1, v2);
            let (status, assumed) = judge(v3, MissingData::NotEvaluated);
            st[63] = status;
            if status == RuleStatus::Fired {
                if st[66] == RuleStatus::Fired {
                    sup[63] = true;
                } else {
                    let start = out.observations.len();
                    out.observations.push(observation_of(&o0));
                    let f = make_finding(&r.id, 63, ((Severity::Info, false), 70), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                    out.findings.push(f);
                }
            }
        }
    }
    // premature.message_queue
    {
        let r = &rules[68];
        if stage_bit & 1 == 0 {
            st[68] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let v1 = truth(arch.contains(Component::MessageQueue));
            let v2 = truth(!arch.contains(Component::Microservices));
            let v3 = kleene_and(v1, v2);
            let (status, assumed) = judge(v3, MissingData::NotEvaluated);
            st[68] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                let f = make_finding(&r.id, 68, ((Severity::Info, false), 70), stage, (assumed, false), (start, 0), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // premature.microservices
    {
        let r = &rules[60];
        if stage_bit & 3 == 0 {
            st[60] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let v1 = truth(arch.contains(Component::Microservices));
            let (v2, o0) = compare_value(values[5], Threshold { op: CmpOp::Lt, k: 0.35, lo: 0.34999999965, hi: 0.35000000034999995 });
            let v3 = kleene_and(v1, v2);
            let v4 = truth(!values[41].is_nan());
            let v5 = kleene_not(v4);
            let (v6, o1) = compare_value(values[41], Threshold { op: CmpOp::Eq, k: 0.0, lo: 0.0, hi: 0.0 });
            let v7 = kleene_or(v5, v6);
            let v8 = kleene_and(v3, v7);
            let (status, assumed) = judge(v8, MissingData::NotEvaluated);
            st[60] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
                let f = make_finding(&r.id, 60, ((Severity::Info, false), 70), stage, (assumed, false), (start, 2), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // premature.multi_region
    {
        let r = &rules[61];
        if stage_bit & 1 == 0 {
            st[61] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let v1 = truth(arch.contains(Component::MultiRegion));
            let (v2, o0) = compare_value(values[5], Threshold { op: CmpOp::Lt, k: 0.35, lo: 0.34999999965, hi: 0.35000000034999995 });
            let v3 = kleene_and(v1, v2);
            let (status, assumed) = judge(v3, MissingData::NotEvaluated);
            st[61] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                any_supersedes |= may_be_superseded_later(3, stage_bit);
                let f = make_finding(&r.id, 61, ((Severity::Info, false), 70), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // premature.read_replicas
    {
        let r = &rules[65];
        if stage_bit & 1 == 0 {
            st[65] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let v1 = truth(arch.contains(Component::ReadReplicas));
            let (v2, o0) = compare_value(values[10], Threshold { op: CmpOp::Lt, k: 0.35, lo: 0.34999999965, hi: 0.35000000034999995 });
            let v3 = kleene_and(v1, v2);
            let v4 = truth(!values[21].is_nan());
            let v5 = kleene_not(v4);
            let (v6, o1) = compare_value(values[21], Threshold { op: CmpOp::Le, k: 0.8, lo: 0.7999999992000001, hi: 0.8000000008 });
            let v7 = kleene_or(v5, v6);
            let v8 = kleene_and(v3, v7);
            let (status, assumed) = judge(v8, MissingData::NotEvaluated);
            st[65] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1)]);
                let f = make_finding(&r.id, 65, ((Severity::Info, false), 70), stage, (assumed, false), (start, 2), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // premature.regions
    {
        let r = &rules[62];
        if stage_bit & 3 == 0 {
            st[62] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let (v1, o0) = compare_value(values[1], Threshold { op: CmpOp::Ge, k: 2.0, lo: 1.999999998, hi: 2.000000002 });
            let (v2, o1) = compare_value(values[2], Threshold { op: CmpOp::Lt, k: 2.0, lo: 1.999999998, hi: 2.000000002 });
            let v3 = kleene_and(v1, v2);
            let v4 = truth(!values[40].is_nan());
            let v5 = kleene_not(v4);
            let (v6, o2) = compare_value(values[40], Threshold { op: CmpOp::Lt, k: 0.9998999999999999, lo: 0.9998999990000998, hi: 0.9999000009999 });
            let v7 = kleene_or(v5, v6);
            let v8 = kleene_and(v3, v7);
            let (status, assumed) = judge(v8, MissingData::NotEvaluated);
            st[62] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.extend_from_slice(&[observation_of(&o0), observation_of(&o1), observation_of(&o2)]);
                let f = make_finding(&r.id, 62, ((Severity::Info, false), 70), stage, (assumed, false), (start, 3), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    // premature.sharding
    {
        let r = &rules[64];
        if stage_bit & 3 == 0 {
            st[64] = if stage_bit == 0 { RuleStatus::NotEvaluated } else { RuleStatus::NotApplicable };
        } else {
            let v1 = truth(arch.contains(Component::Sharding));
            let (v2, o0) = compare_value(values[10], Threshold { op: CmpOp::Lt, k: 0.35, lo: 0.34999999965, hi: 0.35000000034999995 });
            let v3 = kleene_and(v1, v2);
            let (status, assumed) = judge(v3, MissingData::NotEvaluated);
            st[64] = status;
            if status == RuleStatus::Fired {
                let start = out.observations.len();
                out.observations.push(observation_of(&o0));
                let f = make_finding(&r.id, 64, ((Severity::Info, false), 70), stage, (assumed, false), (start, 1), (out.subjects.len(), 0));
                out.findings.push(f);
            }
        }
    }
    out.statuses.clear();
    out.statuses.extend_from_slice(&st);
    out.superseded.clear();
    out.superseded.extend_from_slice(&sup);
    engine.finish(out, any_supersedes, any_overdue);
    true
}
