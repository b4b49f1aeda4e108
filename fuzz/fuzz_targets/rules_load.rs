//! Arbitrary rule-pack text -> parse, validate, compile, evaluate over an arbitrary snapshot.
//!
//! Invariants: no panic, no stack overflow, bounded time (the loader's documented limits);
//! every diagnostic's span and line/column lie inside the text; a pack that loads compiles,
//! and evaluation gives one status per rule with findings only for fired rules.
#![no_main]

use scalability_advisor_core::units::{Ratio, Users};
use scalability_advisor_core::{Component, History, MetricsSnapshot};
use scalability_advisor_rules::{Engine, PackFormat, RulePack, RuleStatus};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    text: String,
    json: bool,
    layer: bool,
    users: Option<u32>,
    cpu: Option<u8>,
    db: Option<u8>,
    arch: u8,
}

/// The default pack, built once: layering reads it and never changes it.
fn default_pack() -> &'static RulePack {
    static PACK: std::sync::OnceLock<RulePack> = std::sync::OnceLock::new();
    PACK.get_or_init(RulePack::default_pack)
}

fuzz_target!(|input: Input| {
    let format = if input.json { PackFormat::Json } else { PackFormat::Toml };
    let result = if input.layer {
        default_pack().layer("fuzz", &input.text, format)
    } else {
        RulePack::parse("fuzz", &input.text, format)
    };
    let pack = match result {
        Ok(p) => p,
        Err(e) => {
            for d in e.diagnostics() {
                assert!(d.span.0 <= d.span.1 || d.span.1 == 0, "{d:?}");
                assert!(d.span.0 <= input.text.len() && d.span.1 <= input.text.len() + 1, "{d:?}");
                assert!(d.line >= 1 && d.column >= 1);
            }
            return;
        }
    };
    for d in pack.warnings().iter() {
        assert!(d.line >= 1 && d.column >= 1);
    }
    let Ok(engine) = Engine::new(pack) else { return };
    let mut snap = MetricsSnapshot::default();
    snap.users = input.users.map(|u| Users::new(u64::from(u)));
    snap.server_cpu = input.cpu.and_then(|c| Ratio::from_fraction(f64::from(c) / 255.0).ok());
    snap.db_cpu = input.db.and_then(|c| Ratio::from_fraction(f64::from(c) / 255.0).ok());
    for (bit, c) in Component::ALL.iter().take(8).enumerate() {
        if input.arch & (1 << bit) != 0 {
            snap.architecture.insert(*c);
        }
    }
    let e = engine.evaluate(&snap, &History::new());
    assert_eq!(e.statuses.len(), engine.rules().len());
    for f in &e.findings {
        assert_eq!(e.statuses[f.rule], RuleStatus::Fired);
        let _ = engine.explain(&e, f);
    }
});
