//! Reads a service's metrics from a Prometheus server into a
//! [`MetricsSnapshot`] and, over a range, a
//! [`History`], for scalability-advisor.
//!
//! A [`Mapping`] says which PromQL query measures each metric, with `{selector}` standing for
//! the service's label matchers. [`Mapping::default_mapping`] covers the client libraries' HTTP
//! histograms and the OpenTelemetry names, node_exporter, postgres_exporter, redis_exporter
//! and HikariCP; a metric may list several candidate queries, and the first whose metric
//! names all exist on the server is used (exporters renamed metrics between versions).
//!
//! Nothing is read as zero: an empty result, `NaN` or `Inf`, several series where one is
//! expected, or a mapped metric that does not exist on the server leaves the metric out and
//! is listed in [`Collected::not_collected`] with the query and the reason. Each value kept
//! has its [`Provenance`] (query, server, time).
//!
//! Blocking: the client is `ureq` without default features (plain HTTP; the `tls` feature adds
//! HTTPS), and no async runtime is needed.
//!
//! # Examples
//! ```
//! use scalability_advisor_prometheus::Mapping;
//! use scalability_advisor_prometheus::scalability_advisor_core::Metric;
//! let m = Mapping::default_mapping();
//! let q = &m.candidates(Metric::ServerCpu)[0];
//! assert_eq!(
//!     q.query_for(r#"job="web""#),
//!     r#"1 - avg(rate(node_cpu_seconds_total{mode="idle",job="web"}[5m]))"#
//! );
//! ```

#![forbid(unsafe_code)]

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use scalability_advisor_core::{History, Metric, MetricsSnapshot, Sample, Series};

pub use scalability_advisor_core;

pub mod answer;

use answer::InstantAnswer;

/// Longest mapping file accepted, in bytes.
pub const MAX_MAPPING_BYTES: usize = 1 << 20;
/// Longest response body read from the server, in bytes.
pub const MAX_RESPONSE_BYTES: u64 = 64 << 20;
/// Most points a range query may return per metric (as a series may hold).
pub const MAX_POINTS: usize = Series::MAX_SAMPLES;

/// What can go wrong talking to Prometheus.
///
/// # Examples
/// ```
/// use scalability_advisor_prometheus::{Error, Mapping};
/// let err = Mapping::from_toml_str("[[metric.no_such_metric]]\nquery = 'up'").unwrap_err();
/// assert!(matches!(err, Error::Mapping { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The mapping file is not valid.
    #[error("mapping: {message}")]
    Mapping {
        /// What is wrong and where.
        message: String,
    },
    /// The server could not be reached, or answered with an HTTP error.
    #[error("cannot query Prometheus at {url}: {message}; check the URL and that the server is up")]
    Http {
        /// The server's base URL.
        url: String,
        /// The client's message.
        message: String,
    },
    /// The server's answer is not the Prometheus HTTP API's JSON.
    #[error("Prometheus at {url} answered something that is not its API's JSON: {message}")]
    Response {
        /// The server's base URL.
        url: String,
        /// What was wrong.
        message: String,
    },
    /// A range that is empty or too fine.
    #[error("range: {message}")]
    Range {
        /// What is wrong.
        message: String,
    },
}

/// One candidate query for a metric.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// PromQL, with `{selector}` for the service's label matchers.
    pub query: String,
    /// Metric names the query reads; all must exist on the server for it to be used.
    #[serde(default)]
    pub needs: Vec<String>,
}

impl Candidate {
    /// The query with `selector` in place of `{selector}`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_prometheus::Candidate;
    /// let c = Candidate { query: "up{{selector}}".into(), needs: vec![] };
    /// assert_eq!(c.query_for(r#"job="db""#), r#"up{job="db"}"#);
    /// ```
    #[must_use]
    pub fn query_for(&self, selector: &str) -> String {
        self.query.replace("{selector}", selector)
    }
}

/// Which PromQL measures each metric.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mapping {
    metrics: BTreeMap<Metric, Vec<Candidate>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    #[serde(default)]
    metric: BTreeMap<String, Vec<Candidate>>,
}

const DEFAULT_MAPPING: &str = include_str!("../mappings/default.toml");

impl Mapping {
    /// The default mapping (`mappings/default.toml` of this crate).
    ///
    /// # Panics
    /// Never: the embedded mapping is checked by this crate's tests.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_prometheus::Mapping;
    /// use scalability_advisor_prometheus::scalability_advisor_core::Metric;
    /// assert!(Mapping::default_mapping().candidates(Metric::CacheHitRate).len() >= 1);
    /// ```
    #[must_use]
    pub fn default_mapping() -> Mapping {
        Mapping::from_toml_str(DEFAULT_MAPPING).unwrap_or_default()
    }

    /// Reads a mapping: `[[metric.<name>]]` tables with `query` and `needs`.
    ///
    /// # Errors
    /// [`Error::Mapping`] for TOML errors, unknown metric names, empty queries, and files
    /// over [`MAX_MAPPING_BYTES`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_prometheus::Mapping;
    /// use scalability_advisor_prometheus::scalability_advisor_core::Metric;
    /// let m = Mapping::from_toml_str(
    ///     "[[metric.db_cpu]]\nquery = 'avg(rate(process_cpu_seconds_total{{selector}}[5m]))'",
    /// )?;
    /// assert_eq!(m.candidates(Metric::DbCpu).len(), 1);
    /// # Ok::<(), scalability_advisor_prometheus::Error>(())
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Mapping, Error> {
        if text.len() > MAX_MAPPING_BYTES {
            return Err(Error::Mapping {
                message: format!(
                    "{} bytes, more than the {MAX_MAPPING_BYTES} a mapping may have",
                    text.len()
                ),
            });
        }
        let raw: RawMapping = toml::from_str(text).map_err(|e| Error::Mapping {
            message: e.to_string(),
        })?;
        let mut metrics = BTreeMap::new();
        for (name, candidates) in raw.metric {
            let metric = Metric::from_name(&name).ok_or_else(|| Error::Mapping {
                message: format!("unknown metric `{name}`; use the snapshot's metric names (`scalability-advisor init`)"),
            })?;
            if let Some(c) = candidates.iter().find(|c| c.query.trim().is_empty()) {
                return Err(Error::Mapping {
                    message: format!("metric `{name}` has an empty query ({c:?})"),
                });
            }
            metrics.insert(metric, candidates);
        }
        Ok(Mapping { metrics })
    }

    /// The candidate queries of `metric`, in order of preference.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_prometheus::Mapping;
    /// use scalability_advisor_prometheus::scalability_advisor_core::Metric;
    /// assert!(Mapping::default().candidates(Metric::DbCpu).is_empty());
    /// ```
    #[must_use]
    pub fn candidates(&self, metric: Metric) -> &[Candidate] {
        self.metrics.get(&metric).map_or(&[], Vec::as_slice)
    }

    /// The PromQL for `metric` for the service `selector`, without asking a server: the first
    /// candidate, or for [`Metric::DbPoolUsage`] without one of its own, connections over the
    /// pool size.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_prometheus::Mapping;
    /// use scalability_advisor_prometheus::scalability_advisor_core::Metric;
    /// let q = Mapping::default_mapping().promql(Metric::DbPoolUsage, r#"job="web""#).unwrap();
    /// assert_eq!(
    ///     q,
    ///     r#"(sum(hikaricp_connections_active{job="web"})) / (sum(hikaricp_connections_max{job="web"}))"#
    /// );
    /// ```
    #[must_use]
    pub fn promql(&self, metric: Metric, selector: &str) -> Option<String> {
        if let Some(c) = self.candidates(metric).first() {
            return Some(c.query_for(selector));
        }
        if metric == Metric::DbPoolUsage {
            let used = self.promql(Metric::DbConnections, selector)?;
            let size = self.promql(Metric::DbPoolSize, selector)?;
            return Some(format!("({used}) / ({size})"));
        }
        None
    }

    /// The metrics the mapping covers.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_prometheus::Mapping;
    /// assert!(Mapping::default_mapping().metrics().count() >= 10);
    /// ```
    pub fn metrics(&self) -> impl Iterator<Item = Metric> + '_ {
        self.metrics.keys().copied()
    }
}

/// Where a collected value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The metric.
    pub metric: Metric,
    /// The query run.
    pub query: String,
    /// The server's base URL.
    pub server: String,
    /// The evaluation time, seconds since the Unix epoch.
    pub at: u64,
}

impl core::fmt::Display for Provenance {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{}: `{}` on {} at {}",
            self.metric, self.query, self.server, self.at
        )
    }
}

/// A metric left out, with the query and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCollected {
    /// The metric.
    pub metric: Metric,
    /// The query that was run, or would have been.
    pub query: String,
    /// Why nothing was kept.
    pub reason: String,
}

impl core::fmt::Display for NotCollected {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {} (`{}`)", self.metric, self.reason, self.query)
    }
}

/// What [`Client::collect`] read.
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    /// The snapshot at the evaluation time.
    pub snapshot: MetricsSnapshot,
    /// Series over the range, when one was asked for.
    pub history: History,
    /// Where each value came from.
    pub provenance: Vec<Provenance>,
    /// What was left out, and why.
    pub not_collected: Vec<NotCollected>,
}

/// A blocking client of one Prometheus server's HTTP API.
///
/// # Examples
/// ```no_run
/// use std::time::Duration;
/// use scalability_advisor_prometheus::{Client, Mapping};
/// let prom = Client::new("http://127.0.0.1:9090", Duration::from_secs(10));
/// let c = prom.collect(&Mapping::default_mapping(), r#"job="web""#, None, None)?;
/// for n in &c.not_collected {
///     eprintln!("not collected: {n}");
/// }
/// # Ok::<(), scalability_advisor_prometheus::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    /// A client of the server at `base` (`http://host:9090`), each request bounded by
    /// `timeout`.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use scalability_advisor_prometheus::Client;
    /// let c = Client::new("http://127.0.0.1:9090/", Duration::from_secs(5));
    /// assert_eq!(c.base(), "http://127.0.0.1:9090");
    /// ```
    #[must_use]
    pub fn new(base: &str, timeout: Duration) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .new_agent();
        Client {
            base: base.trim_end_matches('/').to_owned(),
            agent,
        }
    }

    /// The server's base URL.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use scalability_advisor_prometheus::Client;
    /// assert_eq!(Client::new("http://p:9090", Duration::from_secs(1)).base(), "http://p:9090");
    /// ```
    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The status and body of a GET of `path` with `params`.
    fn get(&self, path: &str, params: &[(&str, String)]) -> Result<(u16, String), Error> {
        let url = format!("{}{path}", self.base);
        let mut req = self.agent.get(&url);
        for (k, v) in params {
            req = req.query(k, v);
        }
        let http = |message: String| Error::Http {
            url: self.base.clone(),
            message,
        };
        let mut resp = req.call().map_err(|e| http(e.to_string()))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .map_err(|e| http(e.to_string()))?;
        Ok((status, body))
    }

    /// Every metric name the server holds.
    ///
    /// # Errors
    /// [`Error::Http`], [`Error::Response`].
    ///
    /// # Examples
    /// ```no_run
    /// use std::time::Duration;
    /// use scalability_advisor_prometheus::Client;
    /// let names = Client::new("http://127.0.0.1:9090", Duration::from_secs(5)).names()?;
    /// assert!(names.contains("up"));
    /// # Ok::<(), scalability_advisor_prometheus::Error>(())
    /// ```
    pub fn names(&self) -> Result<HashSet<String>, Error> {
        let (status, body) = self.get("/api/v1/label/__name__/values", &[])?;
        answer::names(&self.base, status, &body)
    }

    /// One instant query at `at` (the server's now when `None`).
    fn instant(&self, query: &str, at: Option<u64>) -> Result<InstantAnswer, Error> {
        let mut params = vec![("query", query.to_owned())];
        if let Some(t) = at {
            params.push(("time", t.to_string()));
        }
        let (status, body) = self.get("/api/v1/query", &params)?;
        answer::instant(&self.base, status, &body)
    }

    fn range(
        &self,
        query: &str,
        start: u64,
        end: u64,
        step: u64,
    ) -> Result<Vec<(u64, f64)>, Error> {
        let (status, body) = self.get(
            "/api/v1/query_range",
            &[
                ("query", query.to_owned()),
                ("start", start.to_string()),
                ("end", end.to_string()),
                ("step", step.to_string()),
            ],
        )?;
        answer::range(&self.base, status, &body)
    }

    /// Reads every mapped metric for the service `selector` (label matchers such as
    /// `job="web"`) at `at` (seconds since the epoch; the server's now when `None`), and,
    /// with `range`, its series over the range before `at` at one point a minute (or coarser,
    /// to stay under [`MAX_POINTS`]).
    ///
    /// Metric names are checked first (one request), so a query over a metric the server
    /// does not have is reported as such rather than as "no data".
    ///
    /// # Errors
    /// [`Error::Http`] and [`Error::Response`] when the server cannot be reached or does not
    /// speak its API at the first request (the metric names). After that, a query that fails
    /// (a timeout, a bad answer) loses only its own metric, listed in
    /// [`Collected::not_collected`] with the error; what was collected is kept.
    ///
    /// # Examples
    /// ```no_run
    /// use std::time::Duration;
    /// use scalability_advisor_prometheus::{Client, Mapping};
    /// let prom = Client::new("http://127.0.0.1:9090", Duration::from_secs(10));
    /// let day = Some(Duration::from_secs(86_400));
    /// let c = prom.collect(&Mapping::default_mapping(), r#"job="web""#, None, day)?;
    /// println!("{} series", c.history.iter().count());
    /// # Ok::<(), scalability_advisor_prometheus::Error>(())
    /// ```
    pub fn collect(
        &self,
        mapping: &Mapping,
        selector: &str,
        at: Option<u64>,
        range: Option<Duration>,
    ) -> Result<Collected, Error> {
        let names = self.names()?;
        let at = match at {
            Some(t) => t,
            None => self.server_time()?,
        };
        let mut out = Collected {
            snapshot: MetricsSnapshot::default(),
            history: History::new(),
            provenance: Vec::new(),
            not_collected: Vec::new(),
        };
        for metric in mapping.metrics() {
            let candidates = mapping.candidates(metric);
            let Some(c) = candidates
                .iter()
                .find(|c| c.needs.iter().all(|n| names.contains(n)))
            else {
                let missing: Vec<&str> = candidates
                    .iter()
                    .flat_map(|c| c.needs.iter().map(String::as_str))
                    .filter(|n| !names.contains(*n))
                    .collect();
                out.not_collected.push(NotCollected {
                    metric,
                    query: candidates
                        .first()
                        .map_or(String::new(), |c| c.query_for(selector)),
                    reason: format!("the server has no metric {}", missing.join(", ")),
                });
                continue;
            };
            let query = c.query_for(selector);
            let answer = match self.instant(&query, Some(at)) {
                Ok(a) => a,
                // One failing query (a timeout, a server error) loses only its metric.
                Err(e) => {
                    out.not_collected.push(NotCollected {
                        metric,
                        query,
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            let reason = match answer {
                InstantAnswer::Value(x) => match out.snapshot.set(metric, x) {
                    Ok(()) => {
                        out.provenance.push(Provenance {
                            metric,
                            query: query.clone(),
                            server: self.base.clone(),
                            at,
                        });
                        None
                    }
                    Err(e) => Some(format!("the value is not valid: {e}")),
                },
                InstantAnswer::Empty => Some("the query returned no series".to_owned()),
                InstantAnswer::NotFinite(x) => Some(format!("the query returned {x}")),
                InstantAnswer::Many(n) => Some(format!(
                    "the query returned {n} series; aggregate it to one (sum, avg or max)"
                )),
            };
            if let Some(reason) = reason {
                out.not_collected.push(NotCollected {
                    metric,
                    query: query.clone(),
                    reason,
                });
                continue;
            }
            if let Some(r) = range {
                let span = r.as_secs().max(60);
                let step = (span / MAX_POINTS as u64).max(60);
                let points = match self.range(&query, at.saturating_sub(span), at, step) {
                    Ok(p) => p,
                    Err(e) => {
                        out.not_collected.push(NotCollected {
                            metric,
                            query,
                            reason: format!("its series could not be read: {e}"),
                        });
                        continue;
                    }
                };
                let samples: Vec<Sample> = points
                    .into_iter()
                    .map(|(t, value)| Sample {
                        at: Duration::from_secs(t),
                        value,
                    })
                    .collect();
                match Series::new(metric, samples) {
                    Ok(s) => {
                        out.history.insert(s);
                    }
                    Err(e) => out.not_collected.push(NotCollected {
                        metric,
                        query,
                        reason: format!("no usable series over the range: {e}"),
                    }),
                }
            }
        }
        Ok(out)
    }

    /// The server's clock, seconds since the epoch (`time()`).
    fn server_time(&self) -> Result<u64, Error> {
        match self.instant("time()", None)? {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "seconds since 1970"
            )]
            InstantAnswer::Value(t) if t > 0.0 => Ok(t as u64),
            other => Err(Error::Response {
                url: self.base.clone(),
                message: format!("time() gave {other:?}"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_mapping_loads_and_names_what_each_query_reads() {
        let m = Mapping::from_toml_str(DEFAULT_MAPPING).unwrap();
        assert!(m.metrics().count() >= 14, "{}", m.metrics().count());
        for metric in m.metrics() {
            for c in m.candidates(metric) {
                assert!(!c.needs.is_empty(), "{metric}: {}", c.query);
                for n in &c.needs {
                    assert!(
                        c.query.contains(n.as_str()),
                        "{metric}: {n} not in {}",
                        c.query
                    );
                }
                assert!(c.query.contains("{selector}"), "{metric}: {}", c.query);
            }
        }
    }

    #[test]
    fn mappings_refuse_unknown_metrics_and_empty_queries() {
        let e = Mapping::from_toml_str("[[metric.cpu]]\nquery = 'x'").unwrap_err();
        assert!(e.to_string().contains("unknown metric `cpu`"), "{e}");
        let e = Mapping::from_toml_str("[[metric.db_cpu]]\nquery = ' '").unwrap_err();
        assert!(e.to_string().contains("empty query"), "{e}");
        let e = Mapping::from_toml_str("[[metric.db_cpu]]\nquery = 'x'\nneed = []").unwrap_err();
        assert!(e.to_string().contains("need"), "{e}");
    }

    #[test]
    fn an_unreachable_server_is_an_http_error() {
        let c = Client::new("http://127.0.0.1:1", Duration::from_secs(2));
        let e = c
            .collect(&Mapping::default_mapping(), "", Some(1), None)
            .unwrap_err();
        assert!(matches!(e, Error::Http { .. }), "{e}");
        assert!(e.to_string().contains("check the URL"), "{e}");
    }
}

#[cfg(test)]
mod served {
    //! Against a tiny HTTP server in the test that answers fixed bodies, to check what a
    //! misbehaving Prometheus does to a collection.
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// Serves `answer(path)` to each request, for `n` requests.
    fn serve(n: usize, answer: fn(&str) -> (u16, String)) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(n) {
                let mut stream = stream.unwrap();
                let mut buf = [0u8; 8192];
                let got = stream.read(&mut buf).unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..got]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                let (status, body) = answer(&path);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        url
    }

    fn mapping() -> Mapping {
        Mapping::from_toml_str(
            "[[metric.server_cpu]]\nquery = 'good'\nneeds = ['a']\n[[metric.db_cpu]]\nquery = 'broken'\nneeds = ['a']\n[[metric.memory_usage]]\nquery = 'notjson'\nneeds = ['a']",
        )
        .unwrap()
    }

    #[test]
    fn a_failing_query_loses_only_its_metric() {
        let url = serve(4, |path| {
            if path.starts_with("/api/v1/label") {
                (200, r#"{"status":"success","data":["a"]}"#.into())
            } else if path.contains("query=good") {
                (200, r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0.5"]}]}}"#.into())
            } else if path.contains("query=broken") {
                (
                    422,
                    r#"{"status":"error","errorType":"execution","error":"query timed out"}"#
                        .into(),
                )
            } else {
                (200, "<html>not the API</html>".into())
            }
        });
        let c = Client::new(&url, Duration::from_secs(5))
            .collect(&mapping(), "", Some(1), None)
            .unwrap();
        assert_eq!(c.snapshot.value(Metric::ServerCpu), Some(0.5));
        let why = |m: Metric| {
            c.not_collected
                .iter()
                .find(|n| n.metric == m)
                .map(|n| n.reason.clone())
                .unwrap_or_default()
        };
        assert!(
            why(Metric::DbCpu).contains("query timed out"),
            "{}",
            why(Metric::DbCpu)
        );
        assert!(
            why(Metric::MemoryUsage).contains("not its API's JSON"),
            "{}",
            why(Metric::MemoryUsage)
        );
    }

    /// One metric, `server_cpu`, read by the query `good`.
    fn one_metric() -> Mapping {
        Mapping::from_toml_str("[[metric.server_cpu]]\nquery = 'good'\nneeds = ['a']").unwrap()
    }

    #[test]
    fn without_a_time_the_servers_clock_is_used_and_a_range_becomes_a_series() {
        // The server's time() is 1,700,000,000; the range query's answer has two points a
        // minute apart and a NaN between them, which is left out.
        let url = serve(4, |path| {
            if path.starts_with("/api/v1/label") {
                (200, r#"{"status":"success","data":["a"]}"#.into())
            } else if path.starts_with("/api/v1/query_range") {
                (200, r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1699999880,"0.25"],[1699999910,"NaN"],[1699999940,"0.5"]]}]}}"#.into())
            } else if path.contains("query=time") {
                (200, r#"{"status":"success","data":{"resultType":"scalar","result":[1700000000.1,"1700000000"]}}"#.into())
            } else {
                (200, r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"0.5"]}]}}"#.into())
            }
        });
        let c = Client::new(&url, Duration::from_secs(5))
            .collect(&one_metric(), "", None, Some(Duration::from_secs(3_600)))
            .unwrap();
        assert_eq!(c.provenance.len(), 1);
        assert_eq!(c.provenance[0].at, 1_700_000_000);
        let series = c.history.get(Metric::ServerCpu).unwrap();
        let points: Vec<(u64, f64)> = series
            .samples()
            .iter()
            .map(|p| (p.at.as_secs(), p.value))
            .collect();
        assert_eq!(points, [(1_699_999_880, 0.25), (1_699_999_940, 0.5)]);
        assert!(c.not_collected.is_empty(), "{:?}", c.not_collected);
    }

    #[test]
    fn a_mapping_may_hold_exactly_its_limit() {
        // A comment of MAX_MAPPING_BYTES bytes is read (and maps nothing); one byte more is
        // refused before parsing.
        let at_limit = format!("#{}", "x".repeat(MAX_MAPPING_BYTES - 1));
        let m = Mapping::from_toml_str(&at_limit).unwrap();
        assert_eq!(m.metrics().count(), 0);
        let over = format!("{at_limit}x");
        let e = Mapping::from_toml_str(&over).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "mapping: {} bytes, more than the {MAX_MAPPING_BYTES} a mapping may have",
                MAX_MAPPING_BYTES + 1
            )
        );
    }

    #[test]
    fn provenance_and_what_was_not_collected_read_as_one_line() {
        let p = Provenance {
            metric: Metric::DbCpu,
            query: "avg(x)".into(),
            server: "http://prom:9090".into(),
            at: 1_700_000_000,
        };
        assert_eq!(
            p.to_string(),
            "db_cpu: `avg(x)` on http://prom:9090 at 1700000000"
        );
        let n = NotCollected {
            metric: Metric::ServerCpu,
            query: "up".into(),
            reason: "the query returned no series".into(),
        };
        assert_eq!(
            n.to_string(),
            "server_cpu: the query returned no series (`up`)"
        );
    }

    #[test]
    fn a_server_clock_at_zero_is_refused() {
        let url = serve(2, |path| {
            if path.starts_with("/api/v1/label") {
                (200, r#"{"status":"success","data":["a"]}"#.into())
            } else {
                (
                    200,
                    r#"{"status":"success","data":{"resultType":"scalar","result":[0,"0"]}}"#
                        .into(),
                )
            }
        });
        let e = Client::new(&url, Duration::from_secs(5))
            .collect(&one_metric(), "", None, None)
            .unwrap_err();
        assert_eq!(
            e,
            Error::Response {
                url,
                message: "time() gave Value(0.0)".into()
            }
        );
    }

    #[test]
    fn a_server_that_is_not_prometheus_is_an_error_at_once() {
        let url = serve(1, |_| (200, "hello".into()));
        let e = Client::new(&url, Duration::from_secs(5))
            .collect(&mapping(), "", Some(1), None)
            .unwrap_err();
        assert!(matches!(e, Error::Response { .. }), "{e}");
    }
}
