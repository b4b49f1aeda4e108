//! What a Prometheus server (or anything answering in its place) sends back: arbitrary bodies
//! read as the answer of an instant query, a range query or the metric-name list, under an
//! arbitrary HTTP status. The first byte picks the reader (its value modulo 3) and the status
//! (bit 2 set: 200, else 400 plus the byte's upper bits); the rest is the body.
//!
//! Invariants: no panic; a value read is finite (`NaN` and infinities are reported as such,
//! never as values); a range has at most `MAX_POINTS` points, all finite; an error names the
//! server.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalability_advisor_prometheus::answer::{InstantAnswer, instant, names, range};
use scalability_advisor_prometheus::{Error, MAX_POINTS};

const URL: &str = "http://fuzz:9090";

fn names_the_server(e: &Error) {
    match e {
        Error::Http { url, .. } | Error::Response { url, .. } => assert_eq!(url, URL),
        other => panic!("unexpected error kind: {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = core::str::from_utf8(rest) else {
        return;
    };
    let status = if head & 4 != 0 { 200 } else { 400 + u16::from(head >> 3) };
    match head % 3 {
        0 => match instant(URL, status, body) {
            Ok(InstantAnswer::Value(x)) => assert!(x.is_finite()),
            Ok(InstantAnswer::NotFinite(x)) => assert!(!x.is_finite()),
            Ok(InstantAnswer::Many(n)) => assert!(n >= 2),
            Ok(_) => {}
            Err(e) => names_the_server(&e),
        },
        1 => match range(URL, status, body) {
            Ok(points) => {
                assert!(points.len() <= MAX_POINTS);
                assert!(points.iter().all(|(_, x)| x.is_finite()));
            }
            Err(e) => names_the_server(&e),
        },
        _ => {
            if let Err(e) = names(URL, status, body) {
                names_the_server(&e);
            }
        }
    }
});
