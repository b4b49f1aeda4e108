//! Load-test results read as [`Measurement`]s for a USL fit: k6's JSON lines, Locust's
//! history CSV, and plain CSV with either concurrency or latency (feature `loadtest`).
//!
//! Where the tool recorded no concurrency, it is derived by Little's law, N = X × R
//! (throughput times mean latency; J. D. C. Little, "A Proof for the Queuing Formula
//! L = λW", Operations Research 9(3), 1961), and [`Imported::derived`] says so, so that a
//! report can tell its reader.
//!
//! Pure: each reader takes the file's name (for messages) and text; reading the file, and
//! its size limit, are the caller's. Every reader is linear in the text.
//!
//! # Examples
//! ```
//! use scalability_advisor_formulas::loadtest;
//! let text = "throughput,latency_ms\n100,20\n190,21\n260,23\n300,27\n";
//! let imported = loadtest::csv("run.csv", text)?;
//! // 100 requests/s at 20 ms: 2 requests in flight (Little's law).
//! assert_eq!(imported.points[0].concurrency().as_f64(), 2.0);
//! assert!(imported.derived.is_some());
//! # Ok::<(), scalability_advisor_formulas::loadtest::ImportError>(())
//! ```

use std::collections::BTreeMap;

use scalability_advisor_core::units::{Concurrency, Rate};

use crate::Measurement;

/// Fewest seconds at one level of virtual users for a k6 point (ours: a shorter level is
/// mostly ramp).
pub const MIN_SECONDS_PER_LEVEL: usize = 3;
/// Fewest load levels a reader returns: the fewest a USL fit can use.
pub const MIN_POINTS: usize = 4;
/// The window over which k6 requests are counted when no virtual-user count was recorded
/// (aligned on the clock; a window's rate is over the seconds it holds).
pub const WINDOW_SECONDS: i64 = 10;

/// How the concurrency of [`Imported::points`] was obtained, when the tool did not record it.
pub const LITTLE: &str = "concurrency derived by Little's law, N = X × R (throughput times mean latency): the tool recorded no concurrency";

/// Measurements read from a load test, and how their concurrency was obtained.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Imported {
    /// One measurement per load level, in increasing order of load for k6 and Locust, in
    /// file order for CSV.
    pub points: Vec<Measurement>,
    /// Set (to [`LITTLE`]) when the concurrency was derived by Little's law.
    pub derived: Option<&'static str>,
}

/// A load-test file that cannot be read as measurements: where, and what to do.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::loadtest::{self, ImportError};
/// let err = loadtest::csv("run.csv", "concurrency,throughput\n1,ten\n").unwrap_err();
/// assert_eq!(err.to_string(), "run.csv:2:2: `ten` is not a number");
/// assert!(matches!(err, ImportError::Cell { line: 2, column: 2, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A cell (line and column from 1) that is not what the format needs.
    #[error("{file}:{line}:{column}: {message}")]
    Cell {
        /// The file's name.
        file: String,
        /// Line, from 1.
        line: usize,
        /// Column (CSV cell), from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A line that is not what the format needs.
    #[error("{file}:{line}: {message}")]
    Line {
        /// The file's name.
        file: String,
        /// Line, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file as a whole: a missing column, a measurement out of range, or too few load
    /// levels for a fit.
    #[error("{file}: {message}")]
    File {
        /// The file's name.
        file: String,
        /// What is wrong, and what to do.
        message: String,
    },
}

fn point(file: &str, line: Option<usize>, n: f64, x: f64) -> Result<Measurement, ImportError> {
    let fail = |message: String| match line {
        Some(line) => ImportError::Line {
            file: file.to_owned(),
            line,
            message,
        },
        None => ImportError::File {
            file: file.to_owned(),
            message,
        },
    };
    let c = Concurrency::new(n).map_err(|e| fail(format!("concurrency {n}: {e}")))?;
    let r = Rate::from_per_second(x).map_err(|e| fail(format!("throughput {x}: {e}")))?;
    Measurement::new(c, r).map_err(|e| fail(e.to_string()))
}

/// Plain CSV of `concurrency,throughput` rows, or of `throughput,latency_ms` rows (told apart
/// by the header: one starting with `throughput` and naming `latency`), concurrency then
/// derived by Little's law. Blank lines and lines starting with `#` are skipped, as is a
/// header on the first line.
///
/// # Errors
/// [`ImportError::Cell`] for a cell that is not a number, [`ImportError::Line`] for a row
/// without two cells or a measurement out of range (negative, not finite).
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::loadtest;
/// let imported = loadtest::csv("usl.csv", "concurrency,throughput\n1,100\n2,190\n4,350\n")?;
/// assert_eq!(imported.points.len(), 3);
/// assert_eq!(imported.points[2].throughput().as_per_second(), 350.0);
/// assert_eq!(imported.derived, None);
/// # Ok::<(), scalability_advisor_formulas::loadtest::ImportError>(())
/// ```
pub fn csv(file: &str, text: &str) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let by_latency = header.is_some_and(|h| {
        let h = h.to_ascii_lowercase();
        h.starts_with("throughput") && h.contains("latency")
    });
    let columns = if by_latency {
        "`throughput,latency_ms`"
    } else {
        "`concurrency,throughput`"
    };
    let mut points = Vec::new();
    let mut first = true;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let is_header = first && line.chars().next().is_some_and(char::is_alphabetic);
        first = false;
        if is_header {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let [a, b] = cells.as_slice() else {
            return Err(ImportError::Line {
                file: file.to_owned(),
                line: i + 1,
                message: format!("expected 2 columns {columns}, got {}", cells.len()),
            });
        };
        let num = |v: &str, column: usize| {
            v.parse::<f64>().map_err(|_| ImportError::Cell {
                file: file.to_owned(),
                line: i + 1,
                column,
                message: format!("`{v}` is not a number"),
            })
        };
        let (a, b) = (num(a, 1)?, num(b, 2)?);
        let (n, x) = if by_latency {
            (a * b / 1_000.0, a)
        } else {
            (a, b)
        };
        points.push(point(file, Some(i + 1), n, x)?);
    }
    Ok(Imported {
        points,
        derived: by_latency.then_some(LITTLE),
    })
}

/// Seconds since the Unix epoch of an RFC 3339 time (`2026-11-29T14:34:45.62+02:00`), or
/// `None` when it is not one.
fn rfc3339(t: &str) -> Option<f64> {
    let (date, rest) = t.split_once('T')?;
    let mut d = date.split('-');
    let (y, m, day): (i64, i64, i64) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    if !(0..=9_999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(k) => (&rest[..k], &rest[k..]),
        None => (rest, "Z"),
    };
    let mut c = clock.split(':');
    let (hh, mm): (i64, i64) = (c.next()?.parse().ok()?, c.next()?.parse().ok()?);
    let ss: f64 = c.next()?.parse().ok()?;
    if !(0..=23).contains(&hh) || !(0..=59).contains(&mm) || !(0.0..61.0).contains(&ss) {
        return None;
    }
    let off = if offset.eq_ignore_ascii_case("z") {
        0
    } else {
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (oh, om) = offset.get(1..)?.split_once(':')?;
        let (oh, om) = (oh.parse::<i64>().ok()?, om.parse::<i64>().ok()?);
        if !(0..=23).contains(&oh) || !(0..=59).contains(&om) {
            return None;
        }
        sign * (oh * 3_600 + om * 60)
    };
    // Days from the civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms",
    // days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    #[expect(
        clippy::cast_precision_loss,
        reason = "seconds of years 0 to 9999 fit f64 exactly"
    )]
    let whole = (days * 86_400 + hh * 3_600 + mm * 60 - off) as f64;
    Some(whole + ss)
}

/// k6's JSON lines (`k6 run --out json=FILE`): requests per second at each level of virtual
/// users held for at least [`MIN_SECONDS_PER_LEVEL`] seconds (the first and last seconds of
/// the run, which are partial, left out); without `vus` points, Little's law over
/// [`WINDOW_SECONDS`]-second windows of `http_reqs` and `http_req_duration`.
///
/// # Errors
/// [`ImportError::Line`] for a line that is not JSON, or a `Point` of those metrics without a
/// readable `data.time` or a non-negative `data.value`; [`ImportError::File`] with fewer than
/// [`MIN_POINTS`] load levels, saying how to run k6 so that a fit can be made.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::loadtest;
/// let err = loadtest::k6("run.json", "{\"type\":\"Metric\"}\n").unwrap_err();
/// assert!(err.to_string().starts_with("run.json: 0 load level(s) found"));
/// ```
pub fn k6(file: &str, text: &str) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // second -> (requests, duration sum in ms, duration count)
    let mut per_second: BTreeMap<i64, (u64, f64, u64)> = BTreeMap::new();
    let mut vus: BTreeMap<i64, f64> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| ImportError::Line {
            file: file.to_owned(),
            line: i + 1,
            message,
        };
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| bad(format!("not a k6 JSON line: {e}")))?;
        if v["type"] != "Point" {
            continue;
        }
        let metric = v["metric"].as_str().unwrap_or("");
        if !matches!(metric, "http_reqs" | "http_req_duration" | "vus") {
            continue;
        }
        let time = v["data"]["time"]
            .as_str()
            .and_then(rfc3339)
            .ok_or_else(|| bad("a point without a readable `data.time`".into()))?;
        let value = v["data"]["value"]
            .as_f64()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| bad("a point without a non-negative `data.value`".into()))?;
        #[expect(
            clippy::cast_possible_truncation,
            reason = "seconds of years 0 to 9999 fit i64"
        )]
        let sec = time.floor() as i64;
        let e = per_second.entry(sec).or_default();
        match metric {
            "http_reqs" => e.0 = e.0.saturating_add(1),
            "http_req_duration" => {
                e.1 += value;
                e.2 = e.2.saturating_add(1);
            }
            _ => {
                vus.insert(sec, value);
            }
        }
    }
    // The first and last seconds are partial.
    let seconds: Vec<(i64, (u64, f64, u64))> = per_second.into_iter().collect();
    let inner = seconds
        .get(1..seconds.len().saturating_sub(1))
        .unwrap_or(&[]);
    let mut points = Vec::new();
    let derived = if vus.is_empty() {
        // window -> (requests, duration sum, durations, seconds present)
        let mut windows: BTreeMap<i64, (u64, f64, u64, u64)> = BTreeMap::new();
        for (sec, (n, ms, k)) in inner {
            let w = windows.entry(sec.div_euclid(WINDOW_SECONDS)).or_default();
            w.0 = w.0.saturating_add(*n);
            w.1 += ms;
            w.2 = w.2.saturating_add(*k);
            w.3 += 1;
        }
        for (_, (n, ms, k, secs)) in windows {
            if n == 0 || k == 0 {
                continue;
            }
            #[expect(
                clippy::cast_precision_loss,
                reason = "request counts are far below 2^53"
            )]
            let (x, r) = (n as f64 / secs as f64, ms / k as f64);
            points.push(point(file, None, x * r / 1_000.0, x)?);
        }
        Some(LITTLE)
    } else {
        // The level in force at each second: the latest `vus` point at or before it.
        let mut levels: BTreeMap<u64, (usize, u64)> = BTreeMap::new();
        for (sec, (n, _, _)) in inner {
            let Some((_, level)) = vus.range(..=*sec).next_back() else {
                continue;
            };
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a count of virtual users, finite and not negative"
            )]
            let level = level.round() as u64;
            if level == 0 {
                continue;
            }
            let e = levels.entry(level).or_default();
            e.0 += 1;
            e.1 = e.1.saturating_add(*n);
        }
        for (level, (secs, n)) in levels {
            if secs >= MIN_SECONDS_PER_LEVEL {
                #[expect(clippy::cast_precision_loss, reason = "small counts")]
                points.push(point(file, None, level as f64, n as f64 / secs as f64)?);
            }
        }
        None
    };
    if points.len() < MIN_POINTS {
        return Err(ImportError::File {
            file: file.to_owned(),
            message: format!(
                "{} load level(s) found; a USL fit needs at least {MIN_POINTS}: run k6 with stages that hold each level of virtual users for a few seconds",
                points.len()
            ),
        });
    }
    Ok(Imported { points, derived })
}

/// Locust's history CSV (`locust --csv PREFIX`, file `PREFIX_stats_history.csv`): the mean of
/// the `Aggregated` rows' `Requests/s` at each `User Count`, leaving out the first row after
/// each change (Locust's rate is a moving average that lags a change) and rows with no
/// requests.
///
/// # Errors
/// [`ImportError::File`] without the `User Count`, `Name` or `Requests/s` column, or with
/// fewer than [`MIN_POINTS`] user levels; [`ImportError::Cell`] for an `Aggregated` row whose
/// user count or rate is not a non-negative number.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::loadtest;
/// let err = loadtest::locust("run.csv", "Timestamp,Name\n").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "run.csv: no `User Count` column; give Locust's `*_stats_history.csv`"
/// );
/// ```
pub fn locust(file: &str, text: &str) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = lines
        .next()
        .map(|(_, h)| h.split(',').map(|c| c.trim().trim_matches('"')).collect())
        .unwrap_or_default();
    let col = |want: &str| {
        header
            .iter()
            .position(|h| *h == want)
            .ok_or_else(|| ImportError::File {
                file: file.to_owned(),
                message: format!("no `{want}` column; give Locust's `*_stats_history.csv`"),
            })
    };
    let (users, label, rps) = (col("User Count")?, col("Name")?, col("Requests/s")?);
    let mut levels: BTreeMap<u64, (f64, usize)> = BTreeMap::new();
    let mut previous: Option<u64> = None;
    for (i, line) in lines {
        let cells: Vec<&str> = line
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        if cells.get(label) != Some(&"Aggregated") {
            continue;
        }
        let num = |k: usize| {
            cells
                .get(k)
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| ImportError::Cell {
                    file: file.to_owned(),
                    line: i + 1,
                    column: k + 1,
                    message: "not a non-negative number".into(),
                })
        };
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a user count, finite and not negative (saturating)"
        )]
        let u = num(users)?.round() as u64;
        let x = num(rps)?;
        let changed = previous != Some(u);
        previous = Some(u);
        if u == 0 || changed || x == 0.0 {
            continue;
        }
        let e = levels.entry(u).or_default();
        e.0 += x;
        e.1 += 1;
    }
    let mut points = Vec::new();
    for (u, (sum, k)) in levels {
        #[expect(clippy::cast_precision_loss, reason = "small counts")]
        points.push(point(file, None, u as f64, sum / k as f64)?);
    }
    if points.len() < MIN_POINTS {
        return Err(ImportError::File {
            file: file.to_owned(),
            message: format!(
                "{} user level(s) found; a USL fit needs at least {MIN_POINTS}: run Locust with a load shape that holds several user counts",
                points.len()
            ),
        });
    }
    Ok(Imported {
        points,
        derived: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_read_as_epoch_seconds() {
        // 2017-05-09T12:34:45Z is 1,494,333,285 s after the epoch (date -d ... +%s).
        assert_eq!(rfc3339("2017-05-09T12:34:45Z"), Some(1_494_333_285.0));
        assert_eq!(rfc3339("2017-05-09T14:34:45+02:00"), Some(1_494_333_285.0));
        assert_eq!(
            rfc3339("2017-05-09T14:34:45.5+02:00"),
            Some(1_494_333_285.5)
        );
        assert_eq!(rfc3339("1970-01-01T00:00:00-01:00"), Some(3_600.0));
        assert_eq!(rfc3339("yesterday"), None);
        // Out-of-range fields are not times (and cannot overflow the arithmetic).
        assert_eq!(rfc3339("99999999999999-01-01T00:00:00Z"), None);
        assert_eq!(rfc3339("2017-13-01T00:00:00Z"), None);
        assert_eq!(rfc3339("2017-05-09T24:00:00Z"), None);
        assert_eq!(rfc3339("2017-05-09T12:00:00+"), None);
        assert_eq!(rfc3339("2017-05-09T12:60:00Z"), None);
        assert_eq!(rfc3339("2017-05-09T12:00:61Z"), None);
        assert_eq!(rfc3339("2017-05-09T12:00:00+02:60"), None);
        assert_eq!(rfc3339("2017-05-09T12:00:00+24:00"), None);
        // January and February count as months of the previous year in the day arithmetic:
        // 2017-01-01 is day 17,167 after the epoch, so 2017-02-15 is day 17,212
        // (1,487,116,800 s), and 2016-02-29 is day 16,860 (plus 12 h: 1,456,747,200 s).
        assert_eq!(rfc3339("2017-02-15T00:00:00Z"), Some(1_487_116_800.0));
        assert_eq!(rfc3339("2016-02-29T12:00:00Z"), Some(1_456_747_200.0));
        // Offsets with minutes: 18:04:45 at +05:30 and 07:04:45 at -05:30 are 12:34:45Z.
        assert_eq!(rfc3339("2017-05-09T18:04:45+05:30"), Some(1_494_333_285.0));
        assert_eq!(rfc3339("2017-05-09T07:04:45-05:30"), Some(1_494_333_285.0));
    }

    #[test]
    fn csv_by_latency_derives_concurrency_and_says_so() {
        // 200 requests/s at 50 ms mean latency: 10 in flight.
        let imported = csv("r.csv", "throughput,latency_ms\n200,50\n").unwrap();
        assert!((imported.points[0].concurrency().as_f64() - 10.0).abs() < 1e-12);
        assert_eq!(imported.derived, Some(LITTLE));
    }

    #[test]
    fn csv_rows_out_of_range_name_their_line() {
        let err = csv("r.csv", "concurrency,throughput\n1,100\n-2,150\n").unwrap_err();
        assert!(
            matches!(&err, ImportError::Line { line: 3, message, .. } if message.starts_with("concurrency -2")),
            "{err}"
        );
        let err = csv("r.csv", "1,2,3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.csv:1: expected 2 columns `concurrency,throughput`, got 3"
        );
    }

    fn points(i: &Imported) -> Vec<(f64, f64)> {
        i.points
            .iter()
            .map(|p| (p.concurrency().as_f64(), p.throughput().as_per_second()))
            .collect()
    }

    fn close(a: &[(f64, f64)], b: &[(f64, f64)]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x.0 - y.0).abs() < 1e-9 && (x.1 - y.1).abs() < 1e-9)
    }

    /// A k6 line: `metric` at `second` seconds after 2026-01-01T00:00:00Z.
    fn k6_point(metric: &str, second: u32, value: f64) -> String {
        let (m, s) = (second / 60, second % 60);
        format!(
            "{{\"type\":\"Point\",\"metric\":\"{metric}\",\"data\":{{\"time\":\"2026-01-01T00:{m:02}:{s:02}.5Z\",\"value\":{value}}}}}\n"
        )
    }

    #[test]
    fn k6_levels_of_virtual_users_become_points() {
        // Seconds 0-4 at 1 virtual user, 5-9 at 2, 10-14 at 4, 15-19 at 8, second 20 at 8;
        // each second L users make 10 L requests. The first and last seconds are partial and
        // left out: level 1 keeps seconds 1-4, level 8 seconds 15-19.
        let mut text = String::from("{\"type\":\"Metric\",\"metric\":\"vus\"}\n");
        for second in 0..=20u32 {
            let level = match second {
                0..=4 => 1,
                5..=9 => 2,
                10..=14 => 4,
                _ => 8,
            };
            text.push_str(&k6_point("vus", second, f64::from(level)));
            for _ in 0..10 * level {
                text.push_str(&k6_point("http_reqs", second, 1.0));
                text.push_str(&k6_point("http_req_duration", second, 12.0));
            }
            text.push_str(&k6_point("iterations", second, 1.0));
        }
        let i = k6("k6.json", &text).unwrap();
        let want = [(1.0, 10.0), (2.0, 20.0), (4.0, 40.0), (8.0, 80.0)];
        assert!(close(&points(&i), &want), "{:?}", points(&i));
        assert_eq!(i.derived, None);
        // A level held under three seconds is ramp, not a point: with only 2 seconds at the
        // last level, three levels remain, too few for a fit.
        let short: String = text
            .lines()
            .filter(|l| {
                !l.contains("00:00:17") && !l.contains("00:00:18") && !l.contains("00:00:19")
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let err = k6("k6.json", &short).unwrap_err();
        assert_eq!(
            err,
            ImportError::File {
                file: "k6.json".into(),
                message: "3 load level(s) found; a USL fit needs at least 4: run k6 with stages that hold each level of virtual users for a few seconds".into()
            }
        );
    }

    #[test]
    fn k6_without_virtual_users_derives_concurrency_over_ten_second_windows() {
        // Seconds 0-41. In window w (seconds 10w to 10w+9), each second has 5(w+1) requests
        // of 100(w+1) ms. Seconds 0 and 41 are partial and left out, so window 0 holds
        // seconds 1-9 and window 4 only second 40. N = X x R: 5/s x 0.1 s = 0.5, then 2, 4.5,
        // 8 and 12.5.
        let mut text = String::new();
        for second in 0..=41u32 {
            let w = f64::from(second / 10 + 1);
            for _ in 0..5 * (second / 10 + 1) {
                text.push_str(&k6_point("http_reqs", second, 1.0));
                text.push_str(&k6_point("http_req_duration", second, 100.0 * w));
            }
        }
        let i = k6("k6.json", &text).unwrap();
        let want = [
            (0.5, 5.0),
            (2.0, 10.0),
            (4.5, 15.0),
            (8.0, 20.0),
            (12.5, 25.0),
        ];
        assert!(close(&points(&i), &want), "{:?}", points(&i));
        assert_eq!(i.derived, Some(LITTLE));
    }

    #[test]
    fn k6_lines_that_cannot_be_read_are_named() {
        let err = k6("k6.json", "{\"type\":\"Point\"}\nnot json\n").unwrap_err();
        assert!(
            matches!(&err, ImportError::Line { line: 2, message, .. } if message.starts_with("not a k6 JSON line")),
            "{err}"
        );
        let no_time = "{\"type\":\"Point\",\"metric\":\"vus\",\"data\":{\"value\":1}}\n";
        assert_eq!(
            k6("k6.json", no_time).unwrap_err().to_string(),
            "k6.json:1: a point without a readable `data.time`"
        );
        let negative = k6_point("http_reqs", 1, -1.0);
        assert_eq!(
            k6("k6.json", &negative).unwrap_err().to_string(),
            "k6.json:1: a point without a non-negative `data.value`"
        );
        // Requests without durations (or durations without requests) make no window.
        let mut reqs_only = String::new();
        for second in 0..30 {
            reqs_only.push_str(&k6_point("http_reqs", second, 1.0));
        }
        assert_eq!(
            k6("k6.json", &reqs_only).unwrap_err().to_string(),
            "k6.json: 0 load level(s) found; a USL fit needs at least 4: run k6 with stages that hold each level of virtual users for a few seconds"
        );
        // Points of other metrics are not read at all, whatever they hold.
        let other = "{\"type\":\"Point\",\"metric\":\"data_sent\",\"data\":{}}\n";
        assert!(
            k6("k6.json", other)
                .unwrap_err()
                .to_string()
                .contains("0 load level(s)")
        );
    }

    const LOCUST_HEADER: &str = "\"Timestamp\",\"User Count\",\"Type\",\"Name\",\"Requests/s\"\n";

    #[test]
    fn locust_history_averages_each_user_count_after_its_first_row() {
        // Per user count, the first row after a change lags (moving average) and is left out;
        // so are rows with no requests and other names than `Aggregated`.
        let rows = [
            (10, "Aggregated", 0.0),
            (10, "Aggregated", 100.0),
            (10, "/api", 999.0),
            (10, "Aggregated", 110.0),
            (20, "Aggregated", 150.0),
            (20, "Aggregated", 190.0),
            (20, "Aggregated", 210.0),
            (20, "Aggregated", 0.0),
            (40, "Aggregated", 300.0),
            (40, "Aggregated", 350.0),
            (40, "Aggregated", 370.0),
            (80, "Aggregated", 420.0),
            (80, "Aggregated", 500.0),
            (80, "Aggregated", 520.0),
            (0, "Aggregated", 0.0),
        ];
        let mut text = LOCUST_HEADER.to_owned();
        for (t, (users, name, rps)) in rows.iter().enumerate() {
            text.push_str(&format!("{t},{users},\"\",\"{name}\",{rps}\n"));
        }
        let i = locust("h.csv", &text).unwrap();
        let want = [(10.0, 105.0), (20.0, 200.0), (40.0, 360.0), (80.0, 510.0)];
        assert!(close(&points(&i), &want), "{:?}", points(&i));
        assert_eq!(i.derived, None);
        // Three user counts are too few.
        let three: String = text
            .lines()
            .filter(|l| !l.contains(",80,"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(
            locust("h.csv", &three)
                .unwrap_err()
                .to_string()
                .starts_with("h.csv: 3 user level(s) found"),
        );
    }

    #[test]
    fn locust_cells_that_are_not_numbers_are_named() {
        let text = format!("{LOCUST_HEADER}1,ten,\"\",Aggregated,5\n");
        assert_eq!(
            locust("h.csv", &text).unwrap_err(),
            ImportError::Cell {
                file: "h.csv".into(),
                line: 2,
                column: 2,
                message: "not a non-negative number".into()
            }
        );
        let text = format!("{LOCUST_HEADER}1,3,\"\",Aggregated,-5\n");
        assert!(matches!(
            locust("h.csv", &text).unwrap_err(),
            ImportError::Cell { column: 5, .. }
        ));
        for (missing, header) in [
            ("Name", "User Count,Requests/s\n"),
            ("Requests/s", "User Count,Name\n"),
        ] {
            assert_eq!(
                locust("h.csv", header).unwrap_err().to_string(),
                format!("h.csv: no `{missing}` column; give Locust's `*_stats_history.csv`")
            );
        }
    }

    #[test]
    fn csv_skips_blank_lines_comments_and_one_header() {
        let text = "# a sweep\n\nConcurrency,Throughput\n1,100\n\n# warm\n2,190\n";
        let i = csv("c.csv", text).unwrap();
        assert!(close(&points(&i), &[(1.0, 100.0), (2.0, 190.0)]));
        assert_eq!(i.derived, None);
        // Only the first line may be a header.
        let err = csv("c.csv", "1,100\nconcurrency,throughput\n").unwrap_err();
        assert_eq!(err.to_string(), "c.csv:2:1: `concurrency` is not a number");
        // The latency form is told apart by its header, in any case.
        let i = csv("c.csv", "Throughput, Latency_ms\n400,5\n").unwrap();
        assert!(close(&points(&i), &[(2.0, 400.0)]));
        assert_eq!(i.derived, Some(LITTLE));
        // Comments before the header do not hide it.
        let i = csv("c.csv", "# run 3\n\nthroughput,latency_ms\n400,5\n").unwrap();
        assert_eq!(i.derived, Some(LITTLE));
        // A throughput-only header is not the latency form.
        assert_eq!(csv("c.csv", "throughput,x\n1,2\n").unwrap().derived, None);
        let err = csv("c.csv", "throughput,latency_ms\n1\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.csv:2: expected 2 columns `throughput,latency_ms`, got 1"
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_header() {
        let imported = csv("r.csv", "\u{feff}throughput,latency_ms\n100,10\n").unwrap();
        assert_eq!(imported.derived, Some(LITTLE));
        assert_eq!(imported.points.len(), 1);
    }
}
