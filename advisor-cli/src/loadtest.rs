//! Load-test results as USL measurements: k6's JSON lines, Locust's CSV history, and plain
//! CSV with either concurrency or latency. Concurrency the tool did not record is derived by
//! Little's law, N = X × R (throughput times mean latency), and the output says so.

use std::collections::BTreeMap;
use std::path::Path;

use scalability_advisor_core::units::{Concurrency, Rate};
use scalability_advisor_formulas::Measurement;

use crate::input::{self, Failure, Kind};

/// Fewest seconds at one level of virtual users for a k6 point (ours: a shorter level is
/// mostly ramp).
const MIN_SECONDS_PER_LEVEL: usize = 3;
/// Fewest load levels a fit can use (the fit's own minimum).
const MIN_POINTS: usize = 4;
/// The window over which k6 requests are counted when no virtual-user count was recorded
/// (aligned on the clock; a window's rate is over the seconds it holds).
const WINDOW_SECONDS: i64 = 10;

/// Measurements and how their concurrency was obtained.
pub(crate) struct Imported {
    pub(crate) points: Vec<Measurement>,
    /// Set when the concurrency was derived by Little's law: says so in the report.
    pub(crate) note: Option<String>,
}

fn point(name: &str, n: f64, x: f64) -> Result<Measurement, Failure> {
    let c = Concurrency::new(n).map_err(|e| Failure(format!("{name}: concurrency {n}: {e}")))?;
    let r =
        Rate::from_per_second(x).map_err(|e| Failure(format!("{name}: throughput {x}: {e}")))?;
    Measurement::new(c, r).map_err(|e| Failure(format!("{name}: {e}")))
}

const LITTLE: &str = "concurrency derived by Little's law, N = X × R (throughput times mean latency): the tool recorded no concurrency";

/// Plain CSV: `concurrency,throughput`, or `throughput,latency_ms` (Little's law).
pub(crate) fn csv(path: &Path) -> Result<Imported, Failure> {
    let (name, text) = input::read(path, Kind::Measurements)?;
    let header = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let by_latency = header.is_some_and(|h| {
        let h = h.to_ascii_lowercase();
        h.starts_with("throughput") && h.contains("latency")
    });
    if !by_latency {
        return Ok(Imported {
            points: input::measurements(path)?,
            note: None,
        });
    }
    let mut points = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty()
            || line.starts_with('#')
            || line.to_ascii_lowercase().starts_with("throughput")
        {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let [x, r] = cells.as_slice() else {
            return Err(Failure(format!(
                "{name}:{}:1: expected 2 columns `throughput,latency_ms`, got {}",
                i + 1,
                cells.len()
            )));
        };
        let num = |v: &str, col: usize| {
            v.parse::<f64>()
                .map_err(|_| Failure(format!("{name}:{}:{col}: `{v}` is not a number", i + 1)))
        };
        let (x, r) = (num(x, 1)?, num(r, 2)?);
        points.push(point(&format!("{name}:{}", i + 1), x * r / 1_000.0, x)?);
    }
    Ok(Imported {
        points,
        note: Some(LITTLE.to_owned()),
    })
}

/// Seconds since the Unix epoch of an RFC 3339 time (`2026-11-29T14:34:45.62+02:00`).
fn rfc3339(t: &str) -> Option<f64> {
    let (date, rest) = t.split_once('T')?;
    let mut d = date.split('-');
    let (y, m, day): (i64, i64, i64) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(k) => (&rest[..k], &rest[k..]),
        None => (rest, "Z"),
    };
    let mut c = clock.split(':');
    let (hh, mm): (i64, i64) = (c.next()?.parse().ok()?, c.next()?.parse().ok()?);
    let ss: f64 = c.next()?.parse().ok()?;
    let off = if offset.eq_ignore_ascii_case("z") {
        0
    } else {
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (oh, om) = offset[1..].split_once(':')?;
        sign * (oh.parse::<i64>().ok()? * 3_600 + om.parse::<i64>().ok()? * 60)
    };
    // Days from the civil date (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    #[expect(
        clippy::cast_precision_loss,
        reason = "seconds since 1970 fit f64 exactly"
    )]
    let whole = (days * 86_400 + hh * 3_600 + mm * 60 - off) as f64;
    Some(whole + ss)
}

/// k6's JSON lines (`k6 run --out json=FILE`): requests per second at each level of virtual
/// users held for at least three seconds; without `vus` points, Little's law over ten-second
/// windows.
pub(crate) fn k6(path: &Path) -> Result<Imported, Failure> {
    let (name, text) = input::read(path, Kind::LoadTest)?;
    // second -> (requests, duration sum in ms, duration count)
    let mut per_second: BTreeMap<i64, (u64, f64, u64)> = BTreeMap::new();
    let mut vus: BTreeMap<i64, f64> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| Failure(format!("{name}:{}: not a k6 JSON line: {e}", i + 1)))?;
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
            .ok_or_else(|| {
                Failure(format!(
                    "{name}:{}: a point without a readable `data.time`",
                    i + 1
                ))
            })?;
        let value = v["data"]["value"]
            .as_f64()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| {
                Failure(format!(
                    "{name}:{}: a point without a non-negative `data.value`",
                    i + 1
                ))
            })?;
        #[expect(
            clippy::cast_possible_truncation,
            reason = "seconds since 1970 fit i64"
        )]
        let sec = time.floor() as i64;
        let e = per_second.entry(sec).or_default();
        match metric {
            "http_reqs" => e.0 += 1,
            "http_req_duration" => {
                e.1 += value;
                e.2 += 1;
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
    let note = if vus.is_empty() {
        // window -> (requests, duration sum, durations, seconds present)
        let mut windows: BTreeMap<i64, (u64, f64, u64, u64)> = BTreeMap::new();
        for (sec, (n, ms, k)) in inner {
            let w = windows.entry(sec.div_euclid(WINDOW_SECONDS)).or_default();
            w.0 += n;
            w.1 += ms;
            w.2 += k;
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
            points.push(point(&name, x * r / 1_000.0, x)?);
        }
        Some(LITTLE.to_owned())
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
                reason = "a count of virtual users"
            )]
            let level = level.round() as u64;
            if level == 0 {
                continue;
            }
            let e = levels.entry(level).or_default();
            e.0 += 1;
            e.1 += n;
        }
        for (level, (secs, n)) in levels {
            if secs >= MIN_SECONDS_PER_LEVEL {
                #[expect(clippy::cast_precision_loss, reason = "small counts")]
                points.push(point(&name, level as f64, n as f64 / secs as f64)?);
            }
        }
        None
    };
    if points.len() < MIN_POINTS {
        return Err(Failure(format!(
            "{name}: {} load level(s) found; a USL fit needs at least {MIN_POINTS}: run k6 with stages that hold each level of virtual users for a few seconds",
            points.len()
        )));
    }
    Ok(Imported { points, note })
}

/// Locust's history CSV (`locust --csv PREFIX`, file `PREFIX_stats_history.csv`): the mean of
/// the aggregated requests per second at each user count, leaving out the first row after
/// each change (Locust's rate is a moving average that lags a change).
pub(crate) fn locust(path: &Path) -> Result<Imported, Failure> {
    let (name, text) = input::read(path, Kind::LoadTest)?;
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = lines
        .next()
        .map(|(_, h)| h.split(',').map(|c| c.trim().trim_matches('"')).collect())
        .unwrap_or_default();
    let col = |want: &str| {
        header.iter().position(|h| *h == want).ok_or_else(|| {
            Failure(format!(
                "{name}:1: no `{want}` column; give Locust's `*_stats_history.csv`"
            ))
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
                .ok_or_else(|| Failure(format!("{name}:{}:{}: not a number", i + 1, k + 1)))
        };
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a user count"
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
        points.push(point(&name, u as f64, sum / k as f64)?);
    }
    if points.len() < MIN_POINTS {
        return Err(Failure(format!(
            "{name}: {} user level(s) found; a USL fit needs at least {MIN_POINTS}: run Locust with a load shape that holds several user counts",
            points.len()
        )));
    }
    Ok(Imported { points, note: None })
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
    }
}
