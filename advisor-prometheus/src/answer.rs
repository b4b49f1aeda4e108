//! The Prometheus HTTP API's answers, read from their JSON text: the layer under
//! [`Client`](crate::Client), public so that an embedder who fetches with an HTTP client of
//! its own (an async one, say) reads answers exactly as the collector does.
//!
//! Each function takes the server's base URL (for error messages), the HTTP status and the
//! body. A body that is not the API's JSON, or an answer whose `status` is not `"success"`,
//! is an [`Error::Response`] (or [`Error::Http`] when the HTTP status was an error and the
//! body is not JSON); sample values are read with Rust's float parser, so `NaN`, `+Inf` and
//! `-Inf` come back as such, never as a number that could be mistaken for a measurement.
//! Reference: <https://prometheus.io/docs/prometheus/latest/querying/api/>.

use std::collections::HashSet;

use crate::{Error, MAX_POINTS};

/// What one instant query answered.
///
/// # Examples
/// ```
/// use scalability_advisor_prometheus::answer::{InstantAnswer, instant};
/// let body = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
/// assert_eq!(instant("http://prom:9090", 200, body)?, InstantAnswer::Empty);
/// # Ok::<(), scalability_advisor_prometheus::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum InstantAnswer {
    /// One finite value.
    Value(f64),
    /// No series matched.
    Empty,
    /// One series whose value is `NaN` or infinite.
    NotFinite(f64),
    /// This many series, where one was expected.
    Many(usize),
}

/// The JSON of an answer, checked to be a success.
fn success(url: &str, status: u16, body: &str) -> Result<serde_json::Value, Error> {
    let ok = (200..300).contains(&status);
    let v: serde_json::Value = serde_json::from_str(body).map_err(|e| {
        if ok {
            Error::Response {
                url: url.to_owned(),
                message: e.to_string(),
            }
        } else {
            Error::Http {
                url: url.to_owned(),
                message: format!("HTTP {status}"),
            }
        }
    })?;
    if v["status"] != "success" {
        let why = v["error"].as_str().unwrap_or("no error message");
        return Err(Error::Response {
            url: url.to_owned(),
            message: format!("HTTP {status}: {why}"),
        });
    }
    Ok(v)
}

/// Reads the answer of `/api/v1/query`: a vector of at most one series, or a scalar.
///
/// # Errors
/// [`Error::Response`] for a body that is not a successful answer, a matrix or string result,
/// or a sample whose value is not a number; [`Error::Http`] for an HTTP error without a JSON
/// body.
///
/// # Examples
/// ```
/// use scalability_advisor_prometheus::answer::{InstantAnswer, instant};
/// let one = r#"{"status":"success","data":{"resultType":"vector",
///     "result":[{"metric":{},"value":[1700000000,"0.42"]}]}}"#;
/// assert_eq!(instant("http://prom:9090", 200, one)?, InstantAnswer::Value(0.42));
/// let nan = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"NaN"]}}"#;
/// let answer = instant("http://prom:9090", 200, nan)?;
/// assert!(matches!(answer, InstantAnswer::NotFinite(x) if x.is_nan()));
/// # Ok::<(), scalability_advisor_prometheus::Error>(())
/// ```
pub fn instant(url: &str, status: u16, body: &str) -> Result<InstantAnswer, Error> {
    let v = success(url, status, body)?;
    let data = &v["data"];
    let value = |pair: &serde_json::Value| -> Result<f64, Error> {
        pair[1]
            .as_str()
            .and_then(|s| s.parse::<f64>().ok())
            .ok_or_else(|| Error::Response {
                url: url.to_owned(),
                message: format!("a sample without a numeric value: {}", excerpt(pair)),
            })
    };
    let x = match data["resultType"].as_str() {
        Some("scalar") => value(&data["result"])?,
        Some("vector") => {
            let r = data["result"].as_array().map_or(&[][..], Vec::as_slice);
            match r {
                [] => return Ok(InstantAnswer::Empty),
                [one] => value(&one["value"])?,
                many => return Ok(InstantAnswer::Many(many.len())),
            }
        }
        other => {
            return Err(Error::Response {
                url: url.to_owned(),
                message: format!("an instant query gave {other:?}, not a vector or scalar"),
            });
        }
    };
    Ok(if x.is_finite() {
        InstantAnswer::Value(x)
    } else {
        InstantAnswer::NotFinite(x)
    })
}

/// Reads the answer of `/api/v1/query_range`: the points of its one series as (seconds since
/// the epoch, value), in the server's order; none when no series or several matched. Points
/// whose value is not a finite number are left out, and at most [`MAX_POINTS`] are read.
///
/// # Errors
/// As [`instant`], for a body that is not a successful answer.
///
/// # Examples
/// ```
/// use scalability_advisor_prometheus::answer::range;
/// let body = r#"{"status":"success","data":{"resultType":"matrix","result":[
///     {"metric":{},"values":[[1700000000,"0.4"],[1700000060,"NaN"],[1700000120,"0.5"]]}]}}"#;
/// assert_eq!(range("http://prom:9090", 200, body)?, [(1_700_000_000, 0.4), (1_700_000_120, 0.5)]);
/// # Ok::<(), scalability_advisor_prometheus::Error>(())
/// ```
pub fn range(url: &str, status: u16, body: &str) -> Result<Vec<(u64, f64)>, Error> {
    let v = success(url, status, body)?;
    let r = v["data"]["result"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let [one] = r else {
        return Ok(Vec::new());
    };
    let values = one["values"].as_array().map_or(&[][..], Vec::as_slice);
    let mut out = Vec::with_capacity(values.len().min(MAX_POINTS));
    for p in values.iter().take(MAX_POINTS) {
        let t = p[0].as_f64().filter(|t| t.is_finite() && *t >= 0.0);
        let x = p[1].as_str().and_then(|s| s.parse::<f64>().ok());
        if let (Some(t), Some(x)) = (t, x)
            && x.is_finite()
        {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "finite, not negative: seconds since 1970, saturating past u64"
            )]
            out.push((t as u64, x));
        }
    }
    Ok(out)
}

/// Reads the answer of `/api/v1/label/__name__/values`: every metric name the server holds.
///
/// # Errors
/// As [`instant`], and [`Error::Response`] when the answer has no `data` list.
///
/// # Examples
/// ```
/// use scalability_advisor_prometheus::answer::names;
/// let body = r#"{"status":"success","data":["up","node_cpu_seconds_total"]}"#;
/// assert!(names("http://prom:9090", 200, body)?.contains("up"));
/// # Ok::<(), scalability_advisor_prometheus::Error>(())
/// ```
pub fn names(url: &str, status: u16, body: &str) -> Result<HashSet<String>, Error> {
    let v = success(url, status, body)?;
    let list = v["data"].as_array().ok_or_else(|| Error::Response {
        url: url.to_owned(),
        message: "label values without a `data` list".into(),
    })?;
    Ok(list
        .iter()
        .filter_map(|n| n.as_str().map(str::to_owned))
        .collect())
}

/// A JSON value for an error message, cut to 200 characters.
fn excerpt(v: &serde_json::Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://prom:9090";

    #[test]
    fn an_error_answer_carries_the_servers_message() {
        let body = r#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#;
        let e = instant(URL, 400, body).unwrap_err();
        assert_eq!(
            e,
            Error::Response {
                url: URL.into(),
                message: "HTTP 400: parse error at char 3".into()
            }
        );
    }

    #[test]
    fn a_page_that_is_not_json_is_an_http_error_or_a_bad_answer() {
        assert!(matches!(
            names(URL, 502, "<html>Bad Gateway</html>").unwrap_err(),
            Error::Http { message, .. } if message == "HTTP 502"
        ));
        assert!(matches!(
            names(URL, 200, "<html>login</html>").unwrap_err(),
            Error::Response { .. }
        ));
    }

    #[test]
    fn several_series_and_odd_result_types_are_named() {
        let two = r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"value":[1,"2"]}]}}"#;
        assert_eq!(instant(URL, 200, two).unwrap(), InstantAnswer::Many(2));
        let matrix = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        let e = instant(URL, 200, matrix).unwrap_err().to_string();
        assert!(e.contains("not a vector or scalar"), "{e}");
        let text = r#"{"status":"success","data":{"resultType":"vector",
            "result":[{"metric":{},"value":[1,"fast"]}]}}"#;
        let e = instant(URL, 200, text).unwrap_err().to_string();
        assert!(
            e.ends_with(r#"a sample without a numeric value: [1,"fast"]"#),
            "{e}"
        );
        // A long value is cut to 200 characters in the message.
        let long = format!(
            r#"{{"status":"success","data":{{"resultType":"scalar","result":[1,"{}"]}}}}"#,
            "x".repeat(500)
        );
        let e = instant(URL, 200, &long).unwrap_err().to_string();
        let shown = e.rsplit_once(": ").unwrap().1;
        assert_eq!(shown.chars().count(), 201, "{e}");
        assert!(
            shown.starts_with(r#"[1,"xxx"#) && shown.ends_with('…'),
            "{e}"
        );
        let inf = r#"{"status":"success","data":{"resultType":"vector",
            "result":[{"metric":{},"value":[1,"+Inf"]}]}}"#;
        assert_eq!(
            instant(URL, 200, inf).unwrap(),
            InstantAnswer::NotFinite(f64::INFINITY)
        );
    }

    #[test]
    fn a_range_keeps_only_finite_points_with_valid_times() {
        let body = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{},"values":[[-5,"1"],[60,"-Inf"],[120,"2"],["x","3"],[180]]}]}}"#;
        assert_eq!(range(URL, 200, body).unwrap(), [(120, 2.0)]);
        let two = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{},"values":[[1,"1"]]},{"metric":{},"values":[[1,"1"]]}]}}"#;
        assert!(range(URL, 200, two).unwrap().is_empty());
    }
}
