//! Load-test results as a user hands them to `usl fit`: arbitrary text read as k6 JSON lines,
//! Locust's history CSV or plain CSV (the first byte, modulo 3, picks the reader; the rest is
//! the file).
//!
//! Invariants: no panic; an import holds measurements with finite, positive concurrency and
//! throughput; k6 and Locust imports hold at least `MIN_POINTS` levels; a derived concurrency
//! is flagged exactly when the reader had to use Little's law; every error names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalability_advisor_formulas::loadtest::{self, Imported, MIN_POINTS};

const FILE: &str = "fuzz.txt";

fn valid(i: &Imported) {
    for p in &i.points {
        let (n, x) = (p.concurrency().as_f64(), p.throughput().as_per_second());
        assert!(n.is_finite() && n > 0.0, "{n}");
        assert!(x.is_finite() && x >= 0.0, "{x}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = core::str::from_utf8(rest) else {
        return;
    };
    let result = match head % 3 {
        0 => loadtest::k6(FILE, text),
        1 => loadtest::locust(FILE, text),
        _ => loadtest::csv(FILE, text),
    };
    match result {
        Ok(i) => {
            valid(&i);
            if head % 3 != 2 {
                assert!(i.points.len() >= MIN_POINTS);
            }
            if head % 3 == 1 {
                assert!(i.derived.is_none());
            }
        }
        Err(e) => assert!(e.to_string().starts_with(FILE), "{e}"),
    }
});
