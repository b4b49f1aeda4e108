//! Subcommands.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use scalability_advisor_core::units::{
    Bytes, Concurrency, Factor, QueriesPerRequest, Rate, Ratio, Users,
};
use scalability_advisor_core::{AdvisorConfig, ComponentSet, History, Stage};
use scalability_advisor_formulas::{
    CacheInputs, DatabaseInputs, Estimate, Mmc, PlanInputs, Reach, SCENARIOS, ServerTarget,
    fit_usl, fit_usl_normalised, fit_usl_with_lambda, plan, plan_scenarios, plan_uncertain,
    servers_for_all,
};
use scalability_advisor_rules::{
    Engine, PackFormat, RulePack, Severity, assess_with, run_fixtures,
};

use crate::input::{self, Failure, Kind};
use crate::output::{self, Format};

/// Turns measured metrics into growth-stage advice, capacity plans and scalability models.
#[derive(Debug, Parser)]
#[command(name = "scalability-advisor", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    format: Format,
}

/// A subcommand's arguments (or nested subcommands), defined only when that subcommand
/// runs ([`clap::Command::defer`]). Otherwise clap defines every argument of every
/// subcommand at each start, which was a fifth of a short command's instructions.
#[derive(Debug)]
pub(crate) struct Lazy<T>(T);

impl<T: clap::FromArgMatches> clap::FromArgMatches for Lazy<T> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

impl<T: Args> Args for Lazy<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_args)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_args_for_update)
    }
}

impl<T: Subcommand> Subcommand for Lazy<T> {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_subcommands)
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_subcommands_for_update)
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assess a snapshot (TOML or JSON; `-` reads stdin) against the rule pack.
    Assess(Lazy<AssessArgs>),
    /// A capacity plan with 10x/100x/1000x scenarios, from flags or a plan file.
    Plan(Lazy<PlanArgs>),
    /// The growth stage for a number of users, its architecture and costs.
    Stage {
        /// Number of users.
        #[arg(long)]
        users: u64,
    },
    /// Work with rule packs.
    #[command(subcommand)]
    Rules(Lazy<RulesCommand>),
    /// Universal Scalability Law.
    #[command(subcommand)]
    Usl(Lazy<UslCommand>),
    /// Erlang C figures and the servers needed for a target.
    Queue(Lazy<QueueArgs>),
    /// The guide's reference material: stages, key metrics, transitions, additions, startup
    /// do's and don'ts, caching, sharding, multi-region, consistency, diagnosis, the database
    /// health check, the decision matrix, sizing, costs, checklists.
    Guide {
        /// One topic (for example `caching`, `decision-matrix`); all of them when omitted.
        topic: Option<String>,
    },
    /// Print a commented example snapshot to start from.
    Init,
    /// Read a live system into a snapshot that `assess` reads.
    #[cfg(any(feature = "postgres", feature = "prometheus"))]
    #[command(subcommand)]
    Collect(Lazy<CollectCommand>),
    /// Write a seeded synthetic fleet, to try `assess --batch` and pipelines: every stage,
    /// healthy services, warnings and critical findings, some values not measured.
    #[cfg(feature = "batch")]
    Fleet {
        /// Services to make.
        #[arg(long, default_value_t = 10_000)]
        services: u64,
        /// The seed: the same seed gives the same fleet.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write it: `.parquet`, `.arrow` (Arrow IPC file) or `.csv` (with the
        /// architecture as names separated by `;`).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Print the JSON Schema of an input format.
    Schema {
        /// Which format.
        #[arg(value_enum)]
        kind: SchemaKind,
    },
}

#[cfg(any(feature = "postgres", feature = "prometheus"))]
#[derive(Debug, Subcommand)]
enum CollectCommand {
    /// A PostgreSQL server's statistics: two samples `--seconds` apart, printed as TOML
    /// (JSON with `--format json`). Read-only; the `pg_monitor` role is enough. What could
    /// not be read goes to stderr with how to enable it.
    #[cfg(feature = "postgres")]
    Postgres(CollectPostgresArgs),
    /// A service's metrics from Prometheus through a metric-to-PromQL mapping, printed as
    /// TOML (JSON with `--format json`); with `--range`, series too (`--series-out`). What
    /// was left out goes to stderr with the query and the reason; where each value came from
    /// goes there too.
    #[cfg(feature = "prometheus")]
    Prometheus(CollectPrometheusArgs),
}

#[cfg(feature = "prometheus")]
#[derive(Debug, Args)]
struct CollectPrometheusArgs {
    /// The server's base URL (`http://127.0.0.1:9090`).
    #[arg(long)]
    url: String,
    /// Label matchers that select the service (`job="web"`), put where queries say
    /// `{selector}`.
    #[arg(long, default_value = "")]
    service: String,
    /// Read series over this span before the evaluation time (`24h`, `90m`, `7d`; for the
    /// rules' words "consistently", "degrading", "plateauing"); none when omitted.
    #[arg(long, value_parser = parse_span)]
    range: Option<core::time::Duration>,
    /// Where to write the series as CSV (`metric,at_s,value`, what `assess --series` reads).
    #[arg(long)]
    series_out: Option<PathBuf>,
    /// A mapping file (`[[metric.NAME]]` with `query` and `needs`) instead of the default.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// Evaluate at this time (seconds since the epoch) instead of the server's now.
    #[arg(long)]
    at: Option<u64>,
}

#[cfg(feature = "postgres")]
#[derive(Debug, Args)]
struct CollectPostgresArgs {
    /// A libpq-style connection string (`host=127.0.0.1 user=monitor dbname=app`) or URL.
    #[arg(long)]
    dsn: String,
    /// Seconds between the two samples (the period the counters cover); 0.1 to 3600.
    #[arg(long, default_value_t = 60.0)]
    seconds: f64,
    /// How many statements to name, the heaviest by execution time.
    #[arg(long, default_value_t = 20)]
    top_statements: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaKind {
    /// Snapshot files (`assess`).
    Snapshot,
    /// Rule packs (`--rules`, `rules check`).
    Rules,
    /// Plan files (`plan --file`).
    Plan,
}

#[derive(Debug, Args)]
struct AssessArgs {
    /// The snapshot file, or `-` for stdin (or one of `--from-prometheus`,
    /// `--from-postgres`, `--batch`).
    file: Option<PathBuf>,
    /// A fleet, one service per row: `.parquet`, `.arrow` (Arrow IPC) or `.csv`, with the
    /// columns of the scalability-advisor-arrow input schema (metrics by name in canonical
    /// units or `_ms`, `architecture`, key columns). Read in batches of 8,192 rows, so any
    /// size fits in flat memory; prints a summary of the fleet.
    #[cfg(feature = "batch")]
    #[arg(long, value_name = "FILE", conflicts_with_all = ["file", "series"])]
    batch: Option<PathBuf>,
    /// With `--batch`: where to write one result row per service (`.parquet` or `.jsonl`).
    #[cfg(feature = "batch")]
    #[arg(long, value_name = "FILE", requires = "batch")]
    out: Option<PathBuf>,
    /// With `--batch`: the columns passed through to the results unchanged.
    #[cfg(feature = "batch")]
    #[arg(long, value_delimiter = ',', default_value = "service,time")]
    keys: Vec<String>,
    /// With `--batch`: the output columns to compute and write (comma-separated, among
    /// stage_by_users, stage_by_metrics, health_*, worst_severity, fired, first_step,
    /// first_step_severity, not_judged, missing; `error` is always written). The plan's
    /// columns (worst_severity, first_step*) and `missing` are most of a row's cost; leaving
    /// them out makes a fleet several times faster. Default: all.
    #[cfg(feature = "batch")]
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    columns: Option<Vec<String>>,
    /// Collect the snapshot from Prometheus instead (its base URL), for the service
    /// `--service`, with series over `--range`.
    #[cfg(feature = "prometheus")]
    #[arg(long, value_name = "URL", conflicts_with = "file")]
    from_prometheus: Option<String>,
    /// With `--from-prometheus`: label matchers that select the service (`job="web"`).
    #[cfg(feature = "prometheus")]
    #[arg(long, default_value = "")]
    service: String,
    /// With `--from-prometheus`: the span of series to read (`24h`, `90m`, `7d`).
    #[cfg(feature = "prometheus")]
    #[arg(long, value_parser = parse_span)]
    range: Option<core::time::Duration>,
    /// With `--from-prometheus`: evaluate at this time (seconds since the epoch) instead of
    /// the server's now, to assess the service as it was (after an incident, say).
    #[cfg(feature = "prometheus")]
    #[arg(long, value_name = "EPOCH_SECONDS", requires = "from_prometheus")]
    at: Option<u64>,
    /// Collect the snapshot from a PostgreSQL server instead (a DSN, as for
    /// `collect postgres`), sampling `--seconds` apart.
    #[cfg(feature = "postgres")]
    #[cfg_attr(
        feature = "prometheus",
        arg(long, value_name = "DSN", conflicts_with_all = ["file", "from_prometheus"])
    )]
    #[cfg_attr(
        not(feature = "prometheus"),
        arg(long, value_name = "DSN", conflicts_with = "file")
    )]
    from_postgres: Option<String>,
    /// With `--from-postgres`: seconds between the two samples.
    #[cfg(feature = "postgres")]
    #[arg(long, default_value_t = 60.0)]
    seconds: f64,
    /// Samples over time: CSV (`metric,at_s,value`) or JSON.
    #[arg(long)]
    series: Option<PathBuf>,
    /// How far back from a series' latest sample "consistently" and trends look: `24h`
    /// unless given (or `--range`, with `--from-prometheus`); `30d` for daily samples over
    /// a month. At least 6 samples must fall in it.
    #[arg(long, value_parser = parse_span)]
    window: Option<core::time::Duration>,
    /// A rule pack layered over the default pack.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Warning,
    Critical,
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// List the rules of the (layered) pack.
    List {
        /// A pack layered over the default pack.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Show one rule in full.
    Show {
        /// The rule id.
        id: String,
        /// A pack layered over the default pack.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Check a pack: every diagnostic with its excerpt; exit 2 on errors.
    Check {
        /// The pack file (layered over the default pack).
        file: PathBuf,
    },
    /// Run a pack's fixture tests.
    Test {
        /// The fixture file.
        fixtures: PathBuf,
        /// A pack layered over the default pack.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Print the effective pack: every parameter and rule with its origin.
    Effective {
        /// A pack layered over the default pack.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Write the (layered) pack as Prometheus alerting rules (YAML on stdout): thresholds,
    /// `for`, severities, the advice and references as annotations, for the rules whose
    /// metrics have PromQL in the mapping (its first query for each metric). Rules left out
    /// are listed on stderr with the reason.
    #[cfg(feature = "prometheus")]
    Export {
        /// The target system.
        #[arg(value_enum)]
        target: ExportTarget,
        /// A pack layered over the default pack.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// A mapping file instead of the default mapping.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Label matchers that select the service (`job="web"`).
        #[arg(long, default_value = "")]
        service: String,
    },
}

/// Where `rules export` writes for.
#[cfg(feature = "prometheus")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportTarget {
    /// Prometheus alerting rules.
    Prometheus,
}

#[derive(Debug, Subcommand)]
enum UslCommand {
    /// Fit the USL to `concurrency,throughput` measurements.
    Fit {
        /// CSV of measurements: `concurrency,throughput`, or `throughput,latency_ms` (the
        /// concurrency then comes from Little's law).
        #[arg(required_unless_present_any = ["k6", "locust"], conflicts_with_all = ["k6", "locust"])]
        file: Option<PathBuf>,
        /// k6's JSON lines (`k6 run --out json=FILE`): requests per second at each level of
        /// virtual users.
        #[arg(long, value_name = "FILE", conflicts_with = "locust")]
        k6: Option<PathBuf>,
        /// Locust's `*_stats_history.csv` (`locust --csv PREFIX`): requests per second at
        /// each user count.
        #[arg(long, value_name = "FILE")]
        locust: Option<PathBuf>,
        /// Write an SVG plot of the points and the fitted curve.
        #[arg(long)]
        plot: Option<PathBuf>,
        /// Hold λ at this single-unit throughput (per second) and fit only σ and κ.
        #[arg(long, conflicts_with = "normalise")]
        lambda: Option<f64>,
        /// Take λ from the measurements at concurrency 1 and fit only σ and κ
        /// (Gunther's normalisation, R usl 1.x's default method).
        #[arg(long)]
        normalise: bool,
        /// Also report the concurrency at which the mean response time reaches this many
        /// milliseconds.
        #[arg(long)]
        latency_ms: Option<f64>,
    },
}

// Defaults suit a web service: 95% of requests start within 100 ms (a fifth of the guide's
// 500 ms P95 response-time target, leaving the rest for the work itself), and no more than
// the guide's 70% CPU target busy. (A code comment: a doc comment here would replace the
// subcommand's help line, since the arguments are defined after it; see `Lazy`.)
#[derive(Debug, Args)]
struct QueueArgs {
    /// Arrivals per second.
    #[arg(long)]
    rate: f64,
    /// Mean service time in milliseconds.
    #[arg(long)]
    service_ms: f64,
    /// Servers to evaluate (omit to search for the count that meets the targets).
    #[arg(long)]
    servers: Option<u32>,
    /// Target share of requests that start within `--within-ms`.
    #[arg(long, default_value_t = 0.95)]
    service_level: f64,
    /// The wait target of the service level, in milliseconds.
    #[arg(long, default_value_t = 100.0)]
    within_ms: f64,
    /// Highest utilisation the search accepts (default: the guide's 70% CPU target).
    #[arg(long, default_value_t = 0.70)]
    max_utilisation: f64,
}

#[derive(Debug, Args)]
struct PlanArgs {
    /// A plan file (TOML or JSON) with the fields below; flags override it.
    #[arg(long)]
    file: Option<PathBuf>,
    /// Current peak traffic, requests per second.
    #[arg(long)]
    peak: Option<f64>,
    /// Growth factor over the planning horizon.
    #[arg(long)]
    growth: Option<f64>,
    /// Safety margin (default 1.5).
    #[arg(long)]
    margin: Option<f64>,
    /// Requests per second one application instance serves.
    #[arg(long)]
    per_instance: Option<f64>,
    /// Database cores per host (enables database sizing).
    #[arg(long)]
    db_cores: Option<u32>,
    /// Database max_connections.
    #[arg(long)]
    max_connections: Option<u32>,
    /// Mean queries per request (default 1).
    #[arg(long)]
    queries_per_request: Option<f64>,
    /// Share of queries that are reads (default 0.8).
    #[arg(long)]
    read_share: Option<f64>,
    /// Reads per second one replica sustains (default 3000).
    #[arg(long)]
    per_replica: Option<f64>,
    /// Share of reads a cache in front of the database answers (0 to 1; default: none, every
    /// read reaches the database).
    #[arg(long)]
    cache_hit_rate: Option<f64>,
    /// Writes per second one primary sustains (sizes the shards; default: the writes are
    /// counted, not compared).
    #[arg(long)]
    primary_write_capacity: Option<f64>,
    /// Total data in GiB (enables cache sizing).
    #[arg(long)]
    data_gib: Option<f64>,
    /// Hot fraction of the data (default 0.2).
    #[arg(long)]
    hot_fraction: Option<f64>,
    /// Current users (places the target in a stage).
    #[arg(long)]
    users: Option<u64>,
    /// Components already in place, comma-separated (cdn,load_balancer,...).
    #[arg(long, value_delimiter = ',')]
    has: Vec<String>,
    /// Seed for the Monte Carlo of a plan file's ranges.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// A plan file: every field optional except `peak` and `per_instance`; any numeric field may
/// be `{ low, likely, high }` in the file for a Monte Carlo plan.
#[derive(Debug, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    peak: Option<Estimate<Rate>>,
    growth: Option<Estimate<Factor>>,
    margin: Option<Estimate<Factor>>,
    per_instance: Option<Estimate<Rate>>,
    db_cores: Option<u32>,
    max_connections: Option<u32>,
    queries_per_request: Option<Estimate<QueriesPerRequest>>,
    read_share: Option<Estimate<Ratio>>,
    per_replica: Option<Estimate<Rate>>,
    cache_hit_rate: Option<Estimate<Ratio>>,
    primary_write_capacity: Option<Estimate<Rate>>,
    primary_write_level: Option<Ratio>,
    data_gib: Option<Estimate<Gib>>,
    hot_fraction: Option<Estimate<Ratio>>,
    users: Option<u64>,
    #[serde(default)]
    architecture: ComponentSet,
}

/// An amount of data in GiB (2³⁰ bytes), 0 or more.
// (Checked as it is read, so that an error names the key and its place in the file.)
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, schemars::JsonSchema)]
#[schemars(transparent)]
struct Gib(#[schemars(range(min = 0.0))] f64);

impl<'de> serde::Deserialize<'de> for Gib {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let gib = <f64 as serde::Deserialize>::deserialize(d)?;
        Bytes::from_gib(gib)
            .map(|_| Gib(gib))
            .map_err(serde::de::Error::custom)
    }
}

impl scalability_advisor_formulas::Sampleable for Gib {
    fn to_f64(self) -> f64 {
        self.0
    }
    fn from_f64(value: f64) -> Result<Self, scalability_advisor_formulas::Error> {
        Bytes::from_gib(value)?;
        Ok(Gib(value))
    }
}

/// The data of a plan file as the plan takes it: bytes, a point or a range.
fn data_size(data: Estimate<Gib>) -> Result<Estimate<Bytes>, Failure> {
    use scalability_advisor_formulas::Sampleable as _;
    let bytes = |g: Gib| Bytes::from_gib(g.to_f64()).map_err(|e| Failure(format!("data_gib: {e}")));
    match data {
        Estimate::Point(g) => Ok(Estimate::Point(bytes(g)?)),
        Estimate::Range { low, likely, high } => {
            Estimate::range(bytes(low)?, bytes(likely)?, bytes(high)?)
                .map_err(|e| Failure(format!("data_gib: {e}")))
        }
    }
}

/// What a command produced.
pub(crate) struct Outcome {
    pub(crate) text: String,
    pub(crate) gate_failed: bool,
}

fn ok(text: String) -> Result<Outcome, Failure> {
    Ok(Outcome {
        text,
        gate_failed: false,
    })
}

pub(crate) fn run(cli: Cli) -> Result<Outcome, Failure> {
    let format = cli.format;
    let raw = match cli.command {
        Command::Init | Command::Schema { .. } => true,
        #[cfg(feature = "prometheus")]
        Command::Rules(Lazy(RulesCommand::Export { .. })) => true,
        #[cfg(any(feature = "postgres", feature = "prometheus"))]
        Command::Collect(_) => true,
        _ => false,
    };
    let mut outcome = dispatch(cli.command, format)?;
    if format == Format::Text && !raw {
        outcome.text = output::colour(output::wrap80(&outcome.text));
    }
    Ok(outcome)
}

fn dispatch(command: Command, format: Format) -> Result<Outcome, Failure> {
    match command {
        Command::Assess(Lazy(a)) => assess(&a, format),
        Command::Plan(Lazy(p)) => plan_cmd(&p, format),
        Command::Stage { users } => stage(users, format),
        Command::Rules(Lazy(r)) => rules(r, format),
        Command::Usl(Lazy(UslCommand::Fit {
            file,
            k6,
            locust,
            plot,
            lambda,
            normalise,
            latency_ms,
        })) => {
            let how = match (lambda, normalise) {
                (Some(l), _) => UslMethod::Lambda(l),
                (None, true) => UslMethod::Normalised,
                (None, false) => UslMethod::LeastSquares,
            };
            use scalability_advisor_formulas::loadtest;
            let (path, kind, reader): (_, _, fn(&str, &str) -> _) = match (file, k6, locust) {
                (_, Some(p), _) => (p, Kind::LoadTest, loadtest::k6),
                (_, None, Some(p)) => (p, Kind::LoadTest, loadtest::locust),
                (Some(p), None, None) => (p, Kind::Measurements, loadtest::csv),
                (None, None, None) => {
                    return Err(Failure("give a measurements file, --k6 or --locust".into()));
                }
            };
            let (name, text) = crate::input::read(&path, kind)?;
            let imported = reader(&name, &text).map_err(|e| Failure(e.to_string()))?;
            usl_fit(&path, imported, plot.as_deref(), how, latency_ms, format)
        }
        Command::Queue(Lazy(q)) => queue(&q, format),
        Command::Guide { topic } => guide(topic.as_deref(), format),
        Command::Init => ok(INIT.to_owned()),
        #[cfg(feature = "batch")]
        Command::Fleet {
            services,
            seed,
            out,
        } => crate::batch::write_fleet(services, seed, &out).map(|n| Outcome {
            text: format!("Written: {} ({n} services)\n", out.display()),
            gate_failed: false,
        }),
        #[cfg(feature = "postgres")]
        Command::Collect(Lazy(CollectCommand::Postgres(c))) => collect_postgres(&c, format),
        #[cfg(feature = "prometheus")]
        Command::Collect(Lazy(CollectCommand::Prometheus(c))) => collect_prometheus(&c, format),
        Command::Schema { kind } => {
            let schema = match kind {
                SchemaKind::Snapshot => serde_json::to_value(schemars::schema_for!(
                    scalability_advisor_core::MetricsSnapshot
                )),
                SchemaKind::Rules => Ok(scalability_advisor_rules::pack_schema()),
                SchemaKind::Plan => serde_json::to_value(schemars::schema_for!(PlanFile)),
            }
            .map_err(|e| Failure(format!("cannot write the schema: {e}")))?;
            Ok(Outcome {
                text: output::json(&schema)?,
                gate_failed: false,
            })
        }
    }
}

fn pack(rules: Option<&Path>) -> Result<RulePack, Failure> {
    let base = RulePack::default_pack();
    let Some(path) = rules else { return Ok(base) };
    let (name, text) = input::read(path, input::Kind::Pack)?;
    base.layer(&name, &text, PackFormat::from_file_name(&name))
        .map_err(|e| Failure(e.to_string()))
}

fn engine(rules: Option<&Path>) -> Result<Engine, Failure> {
    // The default pack alone runs compiled (`Engine::default_pack`); a layered one is
    // interpreted.
    if rules.is_none() {
        return Ok(Engine::default_pack());
    }
    Engine::new(pack(rules)?).map_err(|e| Failure(e.to_string()))
}

/// What `assess` reads: the snapshot, where it came from, the collected series and where
/// each collected value came from.
type Assessed = (
    scalability_advisor_core::MetricsSnapshot,
    String,
    Option<History>,
    std::collections::BTreeMap<scalability_advisor_core::Metric, String>,
);

/// The snapshot to assess and where it came from: a file, or a live server (with its series
/// and sources, for Prometheus).
fn assessed_snapshot(a: &AssessArgs) -> Result<Assessed, Failure> {
    #[cfg(feature = "prometheus")]
    if let Some(url) = &a.from_prometheus {
        let args = CollectPrometheusArgs {
            url: url.clone(),
            service: a.service.clone(),
            range: a.range,
            series_out: None,
            mapping: None,
            at: a.at,
        };
        let c = collect_prom(&args)?;
        let sources = c
            .provenance
            .iter()
            .map(|p| {
                (
                    p.metric,
                    format!("`{}` on {} at {}", p.query, p.server, p.at),
                )
            })
            .collect();
        return Ok((
            c.snapshot,
            format!("Prometheus at {url}"),
            Some(c.history),
            sources,
        ));
    }
    #[cfg(feature = "postgres")]
    if let Some(dsn) = &a.from_postgres {
        let (collected, _) = collect_pg(dsn, a.seconds, 20)?;
        return Ok((
            collected.snapshot,
            "the PostgreSQL server".to_owned(),
            None,
            std::collections::BTreeMap::new(),
        ));
    }
    match &a.file {
        Some(file) => Ok((
            input::snapshot(file)?,
            file.display().to_string(),
            None,
            std::collections::BTreeMap::new(),
        )),
        None => Err(Failure(
            "give a snapshot file (or `-` for standard input), or one of --from-prometheus, --from-postgres and --batch (for those this build has)".into(),
        )),
    }
}

fn assess(a: &AssessArgs, format: Format) -> Result<Outcome, Failure> {
    #[cfg(feature = "batch")]
    if let Some(input) = &a.batch {
        return assess_batch(a, input, format);
    }
    let stdin = Path::new("-");
    let from_stdin = [a.file.as_deref(), a.series.as_deref(), a.rules.as_deref()]
        .into_iter()
        .flatten()
        .filter(|p| *p == stdin)
        .count();
    if from_stdin > 1 {
        return Err(Failure(
            "standard input can be read only once: give all but one of the snapshot, series and rules as files".into(),
        ));
    }
    let (snapshot, source, collected_history, sources) = assessed_snapshot(a)?;
    if snapshot.measured_count() == 0 {
        return Err(Failure(format!(
            "{source}: the snapshot measures nothing, so there is nothing to judge; give at least the users or one metric (`scalability-advisor init` lists them)"
        )));
    }
    let history = match (&a.series, collected_history) {
        (Some(p), _) => input::history(p)?,
        (None, Some(h)) => h,
        (None, None) => History::new(),
    };
    let mut engine = engine(a.rules.as_deref())?;
    #[cfg(feature = "prometheus")]
    let window = a.window.or(a.range.filter(|_| a.from_prometheus.is_some()));
    #[cfg(not(feature = "prometheus"))]
    let window = a.window;
    if let Some(window) = window {
        let series = scalability_advisor_core::SeriesConfig {
            window,
            ..*engine.series_config()
        };
        engine = engine.with_series_config(series);
    }
    let evaluation = engine.evaluate(&snapshot, &history);
    let mut assessment = assess_with(
        &engine,
        &evaluation,
        &snapshot,
        &history,
        &engine.advisor_config(),
    );
    assessment.cite_sources(&sources);
    let text = match format {
        Format::Text => assessment.to_text(),
        Format::Markdown => assessment.to_markdown(),
        Format::Json => output::json(&assessment)?,
    };
    let threshold = a.fail_on.map(|f| match f {
        FailOn::Warning => Severity::Warning,
        FailOn::Critical => Severity::Critical,
    });
    let gate_failed = threshold.is_some_and(|t| assessment.worst().is_some_and(|w| w >= t));
    // The process ends right after printing: freeing the compiled rules, the evaluation and
    // the assessment piece by piece would cost more than the rest of the run (a seventh of
    // its instructions); the operating system takes the memory back at exit.
    core::mem::forget((engine, evaluation, assessment, snapshot, history));
    Ok(Outcome { text, gate_failed })
}

#[cfg(feature = "batch")]
fn assess_batch(a: &AssessArgs, input: &Path, format: Format) -> Result<Outcome, Failure> {
    #[cfg(feature = "postgres")]
    if a.from_postgres.is_some() {
        return Err(Failure(
            "--batch and --from-postgres: give one source".into(),
        ));
    }
    #[cfg(feature = "prometheus")]
    if a.from_prometheus.is_some() {
        return Err(Failure(
            "--batch and --from-prometheus: give one source".into(),
        ));
    }
    let engine = engine(a.rules.as_deref())?;
    if a.fail_on.is_some()
        && a.columns
            .as_ref()
            .is_some_and(|c| !c.iter().any(|c| c == "worst_severity"))
    {
        return Err(Failure(
            "--fail-on reads the worst severity: add worst_severity to --columns".to_owned(),
        ));
    }
    let (summary, worst) = crate::batch::run(
        engine,
        input,
        a.out.as_deref(),
        &a.keys,
        a.columns.as_deref(),
    )?;
    let text = match format {
        Format::Json => output::json(&summary)?,
        Format::Text | Format::Markdown => summary.to_text(input, a.out.as_deref()),
    };
    let threshold = a.fail_on.map(|f| match f {
        FailOn::Warning => Severity::Warning,
        FailOn::Critical => Severity::Critical,
    });
    let gate_failed = threshold.is_some_and(|t| worst.is_some_and(|w| w >= t));
    Ok(Outcome { text, gate_failed })
}

fn stage(count: u64, format: Format) -> Result<Outcome, Failure> {
    let users = Users::new(count);
    let stage = Stage::for_users(users);
    let row = stage.cost_at_scale();
    let next = stage.next();
    match format {
        Format::Json => ok(output::json(&serde_json::json!({
            "users": count,
            "stage": stage,
            "number": stage.number(),
            "user_band": stage.user_band(),
            "architecture": stage.cumulative_architecture(),
            "indicative_cost": stage.indicative_cost(),
            "cost_at_scale": row,
            "next_stage": next.map(|n| serde_json::json!({
                "stage": n,
                "number": n.number(),
                "user_band": n.user_band(),
                "adds": n.cumulative_architecture().difference(stage.cumulative_architecture()),
                "indicative_cost": n.indicative_cost(),
                "cost_at_scale": n.cost_at_scale(),
            })),
        }))?),
        Format::Text | Format::Markdown => {
            let bullet = if format == Format::Markdown { "- " } else { "" };
            let mut o = format!(
                "{bullet}{users}: {stage}, {band}\n{bullet}architecture: {arch}\n{bullet}indicative cost: {ind}; the guide's cost table at {at}: {cost} ({what})\n",
                band = stage.user_band(),
                arch = stage.cumulative_architecture(),
                ind = stage.indicative_cost(),
                at = row.users,
                cost = row.monthly,
                what = row.architecture,
            );
            if let Some(n) = next {
                let _ = writeln!(
                    o,
                    "{bullet}next: {n} from {}, adding {}; {} ({} at {})",
                    n.user_band().min,
                    n.cumulative_architecture()
                        .difference(stage.cumulative_architecture()),
                    n.indicative_cost(),
                    n.cost_at_scale().monthly,
                    n.cost_at_scale().users,
                );
            }
            ok(o)
        }
    }
}

fn guide(topic: Option<&str>, format: Format) -> Result<Outcome, Failure> {
    use scalability_advisor_core::guide::Topic;
    let topics: Vec<Topic> = match topic {
        None => Topic::ALL.to_vec(),
        Some(name) => vec![Topic::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Topic::ALL.iter().map(|t| t.name()).collect();
            Failure(format!(
                "no guide topic `{name}`; topics: {}",
                names.join(", ")
            ))
        })?],
    };
    let sections: Vec<_> = topics.iter().map(|t| t.section()).collect();
    match format {
        Format::Json => ok(output::json(&sections)?),
        Format::Text => ok(sections
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")),
        Format::Markdown => {
            let mut o = String::new();
            for s in &sections {
                let _ = writeln!(o, "## {}\n", s.title);
                for e in &s.entries {
                    let _ = writeln!(o, "- **{}**: {}", e.term, e.text);
                }
                let _ = writeln!(o);
            }
            ok(o)
        }
    }
}

fn rules(cmd: RulesCommand, format: Format) -> Result<Outcome, Failure> {
    match cmd {
        RulesCommand::List { rules } => {
            let pack = pack(rules.as_deref())?;
            if format == Format::Json {
                return ok(output::json(&pack.rules())?);
            }
            let mut o = String::new();
            for r in pack.rules() {
                let _ = writeln!(o, "{:<30} {:<8} {}", r.id, r.severity.to_string(), r.title);
            }
            ok(o)
        }
        RulesCommand::Show { id, rules } => {
            let pack = pack(rules.as_deref())?;
            let rule = pack.rule(&id).ok_or_else(|| {
                Failure(format!(
                    "no rule `{id}`; `scalability-advisor rules list` shows the ids"
                ))
            })?;
            if format == Format::Json {
                return ok(output::json(rule)?);
            }
            let mut o = String::new();
            let _ = writeln!(o, "{} ({})\n  {}", rule.id, rule.severity, rule.title);
            let _ = writeln!(o, "  when: {}", rule.when);
            if !rule.stages.is_empty() {
                let _ = writeln!(
                    o,
                    "  stages: {}",
                    rule.stages
                        .iter()
                        .map(|s| s.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if let Some(l) = rule.ladder {
                let rungs: Vec<&str> = l.ladder().iter().map(|r| r.title()).collect();
                let _ = writeln!(
                    o,
                    "  ladder: {l} (advises the system's rung of: {})",
                    rungs.join(", then ")
                );
            }
            if let Some(s) = rule.symptom {
                let _ = writeln!(o, "  evidence of: {s}");
            }
            if let Some(r) = rule.remedy {
                let step = rule.step.map_or(String::new(), |s| format!(" ({s})"));
                let _ = writeln!(o, "  remedy: {r}{step}");
            }
            if let Some(to) = rule.moves_to {
                let overdue = rule.overdue_severity.unwrap_or(rule.severity);
                let _ = writeln!(
                    o,
                    "  moves to: {to}; at or past it the move is overdue ({overdue})"
                );
            }
            if let Some(a) = &rule.action {
                let _ = writeln!(o, "  plan step: {a}");
            }
            if !rule.recommends.is_empty() {
                let _ = writeln!(o, "  recommends: {}", rule.recommends);
            }
            if !rule.discourages.is_empty() {
                let _ = writeln!(o, "  discourages: {}", rule.discourages);
            }
            let _ = writeln!(o, "  advice: {}", rule.advice);
            for r in &rule.references {
                let _ = writeln!(o, "  source: {r}");
            }
            let _ = writeln!(o, "  origin: {}", rule.origin);
            ok(o)
        }
        RulesCommand::Check { file } => {
            let (name, text) = input::read(&file, input::Kind::Pack)?;
            match RulePack::default_pack().layer(&name, &text, PackFormat::from_file_name(&name)) {
                Ok(p) => {
                    let own: Vec<_> = p.warnings().iter().filter(|d| d.file == name).collect();
                    if format == Format::Json {
                        return ok(output::json(&own)?);
                    }
                    let mut o = String::new();
                    for d in &own {
                        let _ = writeln!(o, "{d}");
                    }
                    let _ = writeln!(o, "{name}: 0 errors, {} warning(s)", own.len());
                    ok(o)
                }
                Err(e) => {
                    if format == Format::Json {
                        eprint!("{}", output::json(&e.diagnostics())?);
                    }
                    Err(Failure(format!(
                        "{name} has problems:\n{}",
                        diagnostics_text(&e)
                    )))
                }
            }
        }
        RulesCommand::Test { fixtures, rules } => {
            let engine = engine(rules.as_deref())?;
            let (name, text) = input::read(&fixtures, input::Kind::Fixtures)?;
            let report = run_fixtures(&engine, &name, &text).map_err(|e| Failure(e.to_string()))?;
            let text = if format == Format::Json {
                output::json(&report)?
            } else {
                format!("{report}\n")
            };
            Ok(Outcome {
                text,
                gate_failed: !report.passed(),
            })
        }
        RulesCommand::Effective { rules } => {
            let pack = pack(rules.as_deref())?;
            if format == Format::Json {
                return ok(output::json(&pack)?);
            }
            ok(pack.to_string())
        }
        #[cfg(feature = "prometheus")]
        RulesCommand::Export {
            target: ExportTarget::Prometheus,
            rules,
            mapping,
            service,
        } => {
            use scalability_advisor_prometheus::Mapping;
            let pack = pack(rules.as_deref())?;
            let mapping = match &mapping {
                Some(p) => {
                    let (name, text) = input::read(p, input::Kind::Pack)?;
                    Mapping::from_toml_str(&text).map_err(|e| Failure(format!("{name}: {e}")))?
                }
                None => Mapping::default_mapping(),
            };
            let (exported, skipped) = pack.to_promql(&|m| mapping.promql(m, &service));
            for s in &skipped {
                eprintln!("not exported: {}: {}", s.id, s.reason);
            }
            ok(scalability_advisor_rules::promql_rule_file(
                &format!("scalability-advisor {}", pack.name()),
                &exported,
            ))
        }
    }
}

fn diagnostics_text(e: &scalability_advisor_rules::Error) -> String {
    let mut o = String::new();
    for d in e.diagnostics() {
        let _ = writeln!(o, "{d}");
    }
    o
}

fn num<T>(what: &str, r: Result<T, scalability_advisor_core::Error>) -> Result<T, Failure> {
    r.map_err(|e| Failure(format!("--{what}: {e}")))
}

fn plan_cmd(p: &PlanArgs, format: Format) -> Result<Outcome, Failure> {
    let file: PlanFile = match &p.file {
        Some(path) => {
            let (name, text) = input::read(path, input::Kind::Plan)?;
            input::parse_table(&name, &text)?
        }
        None => PlanFile::default(),
    };
    let peak = match p.peak {
        Some(v) => Estimate::Point(num("peak", Rate::from_per_second(v))?),
        None => file.peak.ok_or_else(|| {
            Failure("give the current peak with --peak (requests per second)".into())
        })?,
    };
    let per_instance = match p.per_instance {
        Some(v) => Estimate::Point(num("per-instance", Rate::from_per_second(v))?),
        None => file.per_instance.ok_or_else(|| {
            Failure("give one instance's capacity with --per-instance (requests per second)".into())
        })?,
    };
    let mut inputs = PlanInputs::new(peak, per_instance);
    if let Some(g) = p.growth {
        inputs.growth = Estimate::Point(num("growth", Factor::new(g))?);
    } else if let Some(g) = file.growth {
        inputs.growth = g;
    }
    if let Some(m) = p.margin {
        inputs.safety_margin = Estimate::Point(num("margin", Factor::new(m))?);
    } else if let Some(m) = file.margin {
        inputs.safety_margin = m;
    }
    if let Some(cores) = p.db_cores.or(file.db_cores) {
        let qpr = match p.queries_per_request {
            Some(v) => Estimate::Point(num("queries-per-request", QueriesPerRequest::new(v))?),
            None => file.queries_per_request.unwrap_or(Estimate::Point(num(
                "queries-per-request",
                QueriesPerRequest::new(1.0),
            )?)),
        };
        let reads = match p.read_share {
            Some(v) => Estimate::Point(num("read-share", Ratio::from_fraction(v))?),
            None => file
                .read_share
                .unwrap_or(Estimate::Point(Ratio::from_fraction_const(0.8))),
        };
        let per_replica = match p.per_replica {
            Some(v) => Estimate::Point(num("per-replica", Rate::from_per_second(v))?),
            None => file.per_replica.unwrap_or(Estimate::Point(num(
                "per-replica",
                Rate::from_per_second(3_000.0),
            )?)),
        };
        let mut db = DatabaseInputs::new(cores, qpr, reads, per_replica);
        db.max_connections = p.max_connections.or(file.max_connections);
        db.cache_hit_rate = match p.cache_hit_rate {
            Some(v) => Some(Estimate::Point(num(
                "cache-hit-rate",
                Ratio::from_fraction(v),
            )?)),
            None => file.cache_hit_rate,
        };
        db.primary_write_capacity = match p.primary_write_capacity {
            Some(v) => Some(Estimate::Point(num(
                "primary-write-capacity",
                Rate::from_per_second(v),
            )?)),
            None => file.primary_write_capacity,
        };
        if let Some(level) = file.primary_write_level {
            db.primary_write_level = level;
        }
        inputs.database = Some(db);
    }
    // A value from the command line is named by its flag, one from the file by its key.
    let data = match (p.data_gib, file.data_gib) {
        (Some(gib), _) => Some(Estimate::Point(num("data-gib", Bytes::from_gib(gib))?)),
        (None, Some(gib)) => Some(data_size(gib)?),
        (None, None) => None,
    };
    if let Some(data) = data {
        let mut cache = CacheInputs::new(data);
        if let Some(h) = p.hot_fraction {
            cache.hot_fraction = Estimate::Point(num("hot-fraction", Ratio::from_fraction(h))?);
        } else if let Some(h) = file.hot_fraction {
            cache.hot_fraction = h;
        }
        inputs.cache = Some(cache);
    }
    inputs.users = p.users.or(file.users).map(Users::new);
    inputs.architecture = file.architecture;
    for name in &p.has {
        let c = scalability_advisor_core::Component::from_name(name)
            .ok_or_else(|| Failure(format!("--has: unknown component `{name}`; use names such as cdn, load_balancer, read_replicas, cache")))?;
        inputs.architecture.insert(c);
    }

    let fail = |e: scalability_advisor_formulas::Error| Failure(format!("cannot plan: {e}"));
    let base = plan(&inputs).map_err(fail)?;
    let scenarios = plan_scenarios(&inputs, &SCENARIOS).map_err(fail)?;
    // (Any range makes the plan a simulation: a range of the database's or the cache's
    // inputs is as uncertain as one of the traffic's.)
    let db_ranges = inputs.database.as_ref().is_some_and(|d| {
        d.queries_per_request.is_uncertain()
            || d.read_share.is_uncertain()
            || d.per_replica_reads.is_uncertain()
            || d.cache_hit_rate.is_some_and(|h| h.is_uncertain())
            || d.primary_write_capacity.is_some_and(|w| w.is_uncertain())
    });
    let cache_ranges = inputs
        .cache
        .as_ref()
        .is_some_and(|c| c.data_size.is_uncertain() || c.hot_fraction.is_uncertain());
    let uncertain = [
        inputs.peak.is_uncertain(),
        inputs.growth.is_uncertain(),
        inputs.safety_margin.is_uncertain(),
        inputs.per_instance.is_uncertain(),
        db_ranges,
        cache_ranges,
    ]
    .contains(&true)
    .then(|| plan_uncertain(&inputs, 10_000, p.seed))
    .transpose()
    .map_err(fail)?;
    if format == Format::Json {
        return ok(output::json(
            &serde_json::json!({ "plan": base, "scenarios": scenarios, "uncertain": uncertain }),
        )?);
    }
    let mut o = String::new();
    let md = format == Format::Markdown;
    for (label, pl) in std::iter::once(("Plan".to_owned(), &base)).chain(
        scenarios
            .iter()
            .map(|s| (format!("{} scenario", s.growth), s)),
    ) {
        let _ = writeln!(o, "{}{label}", if md { "## " } else { "" });
        let _ = writeln!(o, "  capacity:       {}", pl.required_capacity);
        let _ = writeln!(o, "  app instances:  {}", pl.app_instances);
        if let Some(d) = &pl.database {
            let _ = writeln!(o, "  db reads:       {}", d.reads);
            let _ = writeln!(o, "  read replicas:  {}", d.read_replicas);
            let _ = writeln!(
                o,
                "  db connections: {}, active, on each database host",
                d.connections_per_host
            );
            let _ = writeln!(o, "  pool/instance:  {}", d.pool_per_instance);
            let _ = writeln!(o, "  connections:    {}", d.total_connections);
            let _ = writeln!(o, "  db writes:      {}", d.writes);
            if let Some(shards) = &d.shards {
                let _ = writeln!(o, "  shards:         {shards}");
            }
            if let Some(per_shard) = &d.replicas_per_shard {
                let _ = writeln!(o, "  replicas/shard: {per_shard}");
            }
            match (&d.replicas_per_shard, d.replicas_beyond_limit) {
                (Some(per_shard), true) => {
                    let _ = writeln!(
                        o,
                        "  !! {} read replicas a shard is more than the {} one primary feeds in practice (Amazon RDS's limit): cache the hot reads, or split the data into more shards than the writes alone need",
                        per_shard.value, d.replica_limit
                    );
                }
                (None, true) => {
                    let _ = writeln!(
                        o,
                        "  !! {} read replicas is more than the {} one primary feeds in practice (Amazon RDS's limit): cache the hot reads or shard the data instead of adding replicas",
                        d.read_replicas.value, d.replica_limit
                    );
                }
                _ => {}
            }
            if d.writes_beyond_primary
                && let Some(shards) = &d.shards
                && let Some(db) = &inputs.database
                && let Some(per_primary) = &db.primary_write_capacity
            {
                let _ = writeln!(
                    o,
                    "  !! {} of writes pass {} of the {} one primary sustains: the guide's trigger for stage 3 (write traffic overwhelming a single primary); neither replicas nor a cache take writes, so shard the data, about {} shards at this load",
                    d.writes.value,
                    db.primary_write_level,
                    per_primary.likely(),
                    shards.value
                );
            }
            let per_host = d.connections_per_host.value.get();
            let budget = match d.max_connections {
                Some(max) if max < per_host => {
                    format!("the {max} connections max_connections allows")
                }
                _ => format!("the {per_host} connections a database host runs well"),
            };
            if d.one_connection_each {
                let _ = writeln!(
                    o,
                    "  !! each of the {} app instances gets 1 of {budget}: its queries run one at a time, each waiting for the one in flight; put a pooler such as PgBouncer (transaction pooling) in front of each host, so that each instance keeps a pool for its own concurrency while the pooler holds the host's connections",
                    pl.app_instances.value
                );
            }
            if d.pooler_needed {
                let _ = writeln!(
                    o,
                    "  !! {} app instances outnumber {budget}: put a pooler such as PgBouncer (transaction pooling) in front of each host, holding that many connections to the database for all of them",
                    pl.app_instances.value
                );
            }
        }
        if let Some(c) = &pl.cache {
            let _ = writeln!(o, "  working set:    {}", c.working_set);
            let _ = writeln!(o, "  cache memory:   {}", c.memory);
        }
        let s = &pl.stage;
        let why = match (s.users, s.stage_by_users) {
            (Some(u), Some(by_users)) if by_users >= s.stage_by_load => {
                format!("{u} at the target")
            }
            (Some(u), Some(by_users)) => {
                format!("the load needs it; {u} at the target alone would be {by_users}")
            }
            _ => "from the load".to_owned(),
        };
        let _ = writeln!(
            o,
            "  stage:          {} ({why}); {} (the guide's cost at {})",
            s.stage, s.cost.monthly, s.cost.users
        );
        if !s.missing_components.is_empty() {
            let _ = writeln!(o, "  missing:        {}", s.missing_components);
        }
        let _ = writeln!(o);
    }
    if base.cache.is_some() && !scenarios.is_empty() {
        let _ = writeln!(
            o,
            "The scenarios multiply traffic, not data: their working sets and caches are sized from the data given (data_gib). Give the data expected at the target to size the cache for it.\n"
        );
    }
    let cache_in_place = inputs
        .architecture
        .contains(scalability_advisor_core::Component::Cache);
    if cache_in_place && inputs.database.is_some_and(|d| d.cache_hit_rate.is_none()) {
        let _ = writeln!(
            o,
            "A cache is in place, and its hit rate is not given: the read replicas are sized for every read reaching the database. Give cache_hit_rate (--cache-hit-rate) to size them for its misses alone.\n"
        );
    }
    if let Some(u) = uncertain {
        let _ = writeln!(o, "Uncertain inputs: {} draws, seed {}", u.draws, u.seed);
        let _ = writeln!(o, "  capacity:       {}", u.required_capacity);
        let _ = writeln!(o, "  app instances:  {}", u.app_instances);
        // (An output the ranges leave fixed is the plan's own figure: not repeated.)
        if let Some(r) = u.read_replicas.as_ref().filter(|r| r.p10 != r.p90) {
            let _ = writeln!(o, "  read replicas:  {r}");
        }
        if let Some(r) = u.shards.as_ref().filter(|r| r.p10 != r.p90) {
            let _ = writeln!(o, "  shards:         {r}");
        }
        if let Some(m) = u.cache_memory.as_ref().filter(|m| m.p10 != m.p90) {
            let _ = writeln!(o, "  cache memory:   {m}");
        }
    }
    ok(o)
}

/// How `usl fit` treats λ.
#[derive(Debug, Clone, Copy)]
enum UslMethod {
    LeastSquares,
    Lambda(f64),
    Normalised,
}

fn usl_fit(
    file: &Path,
    imported: scalability_advisor_formulas::loadtest::Imported,
    plot: Option<&Path>,
    how: UslMethod,
    latency_ms: Option<f64>,
    format: Format,
) -> Result<Outcome, Failure> {
    let points = imported.points;
    let note = imported.derived;
    let fail = |e: scalability_advisor_formulas::Error| Failure(format!("{}: {e}", file.display()));
    let fit = match how {
        UslMethod::LeastSquares => fit_usl(&points).map_err(fail)?,
        UslMethod::Normalised => fit_usl_normalised(&points).map_err(fail)?,
        UslMethod::Lambda(l) => {
            let rate =
                Rate::from_per_second(l).map_err(|e| Failure(format!("--lambda {l}: {e}")))?;
            fit_usl_with_lambda(&points, rate).map_err(fail)?
        }
    };
    let m = fit.model;
    let objective = latency_ms
        .map(|ms| {
            (ms > 0.0)
                .then(|| std::time::Duration::try_from_secs_f64(ms / 1_000.0).ok())
                .flatten()
                .ok_or_else(|| {
                    Failure(format!(
                        "--latency-ms {ms}: give a positive, finite number of milliseconds"
                    ))
                })
        })
        .transpose()?;
    let at_objective = objective.map(|r| (r, m.concurrency_at_latency(r)));
    let warnings = fit.warnings();
    let max_n = points
        .iter()
        .map(|p| p.concurrency().as_f64())
        .fold(1.0, f64::max);
    let peak = m.peak_concurrency().map(|n| n.as_f64());
    let max_throughput = m.max_throughput().map(|x| x.as_per_second());
    let horizon = peak.map_or(max_n * 2.0, |p| p.max(max_n) * 1.5);
    let table: Vec<(f64, f64, f64)> = (1..=10)
        .map(|i| {
            let n = horizon * f64::from(i) / 10.0;
            let at = Concurrency::new(n).unwrap_or(Concurrency::ZERO);
            let latency = m.latency_at(at).map_or(f64::INFINITY, |d| d.as_secs_f64());
            (n, m.throughput_at(at).as_per_second(), latency)
        })
        .collect();
    if let Some(path) = plot {
        plot_usl(path, &points, &m, horizon)?;
    }
    if format == Format::Json {
        return ok(output::json(&serde_json::json!({
            "fit": fit,
            "peak_concurrency": peak,
            "max_throughput": max_throughput,
            "confidence_intervals_95": fit.confidence_intervals(0.95),
            "warnings": warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "latency_objective": at_objective.map(|(r, reach)| serde_json::json!({
                "latency_seconds": r.as_secs_f64(),
                "reach": reach,
            })),
            "predictions": table.iter().map(|(n, x, r)| serde_json::json!({"concurrency": n, "throughput": x, "latency": r})).collect::<Vec<_>>(),
            "measurements": points.iter().map(|p| serde_json::json!({"concurrency": p.concurrency().as_f64(), "throughput": p.throughput().as_per_second()})).collect::<Vec<_>>(),
            "note": note,
        }))?);
    }
    let mut o = String::new();
    if let Some(n) = &note {
        let _ = writeln!(o, "Note: {n}.");
    }
    let _ = writeln!(
        o,
        "USL fit of {} points ({} degrees of freedom{})",
        points.len(),
        fit.degrees_of_freedom,
        if fit.lambda_fixed { ", λ held" } else { "" }
    );
    let names = [
        "sigma (contention)",
        "kappa (coherency)",
        "lambda (per unit)",
    ];
    let est = [m.sigma(), m.kappa(), m.lambda().as_per_second()];
    let ci = fit.confidence_intervals(0.95);
    for i in 0..3 {
        let se = fit
            .std_errors
            .map_or("n/a".into(), |s| format!("{:.4e}", s[i]));
        let interval = ci.map_or(String::new(), |c| {
            format!("  95% CI [{:.4e}, {:.4e}]", c[i].0, c[i].1)
        });
        let _ = writeln!(o, "  {:<20} {:>12.6e}  SE {se}{interval}", names[i], est[i]);
    }
    let _ = writeln!(
        o,
        "  R² {:.5}, residual SE {:.4}",
        fit.r_squared, fit.residual_std_error
    );
    match peak {
        Some(n) => {
            let _ = writeln!(
                o,
                "  peak at N* = {n:.2}: max throughput {:.2}",
                max_throughput.unwrap_or(f64::INFINITY)
            );
        }
        None => {
            let _ = writeln!(
                o,
                "  no peak (kappa = 0): throughput approaches {:.2}",
                max_throughput.unwrap_or(f64::INFINITY)
            );
        }
    }
    if let Some((r, reach)) = at_objective {
        let ms = r.as_secs_f64() * 1_000.0;
        let _ = match reach {
            Reach::At(n) => writeln!(
                o,
                "  mean latency reaches {ms} ms at N = {:.2} (throughput {:.2} there)",
                n.as_f64(),
                m.throughput_at(n).as_per_second()
            ),
            Reach::Unreachable { limit } => writeln!(
                o,
                "  {ms} ms is below the fastest the model answers ({:.3} ms at N = 1)",
                limit.as_secs_f64() * 1_000.0
            ),
        };
    }
    for w in &warnings {
        let _ = writeln!(o, "  warning: {w}");
    }
    let _ = writeln!(
        o,
        "\n  {:>10} {:>14} {:>12} {:>11}",
        "N", "throughput", "latency", "efficiency"
    );
    for (n, x, r) in table {
        let e = Concurrency::new(n).map_or(0.0, |at| m.efficiency_at(at));
        let _ = writeln!(o, "  {n:>10.2} {x:>14.2} {r:>12.6} {e:>11.3}");
    }
    if let Some(p) = plot {
        let _ = writeln!(o, "\nplot written to {}", p.display());
    }
    ok(o)
}

fn plot_usl(
    path: &Path,
    points: &[scalability_advisor_formulas::Measurement],
    m: &scalability_advisor_formulas::UslModel,
    horizon: f64,
) -> Result<(), Failure> {
    use plotters::prelude::*;
    let fail = |e: String| Failure(format!("cannot draw {}: {e}", path.display()));
    let measured = points
        .iter()
        .map(|p| p.throughput().as_per_second())
        .fold(1.0, f64::max);
    let curve: Vec<(f64, f64)> = (0..=200)
        .map(|i| {
            let n = horizon * f64::from(i) / 200.0;
            let at = Concurrency::new(n).unwrap_or(Concurrency::ZERO);
            (n, m.throughput_at(at).as_per_second())
        })
        .collect();
    // A tenth of headroom above the highest point, measured or modelled (a model with no
    // peak still rises to the right edge).
    let y_top = curve.iter().map(|&(_, x)| x).fold(measured, f64::max) * 1.1;
    let root = SVGBackend::new(path, (800, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
    let mut chart = ChartBuilder::on(&root)
        .margin(20)
        .build_cartesian_2d(0.0..horizon, 0.0..y_top)
        .map_err(|e| fail(e.to_string()))?;
    // Axes (text labels would need a font backend; the CLI prints the numbers instead).
    chart
        .draw_series(LineSeries::new([(0.0, 0.0), (horizon, 0.0)], &BLACK))
        .map_err(|e| fail(e.to_string()))?;
    chart
        .draw_series(LineSeries::new([(0.0, 0.0), (0.0, y_top)], &BLACK))
        .map_err(|e| fail(e.to_string()))?;
    chart
        .draw_series(LineSeries::new(curve, &BLUE))
        .map_err(|e| fail(e.to_string()))?;
    chart
        .draw_series(points.iter().map(|p| {
            Circle::new(
                (p.concurrency().as_f64(), p.throughput().as_per_second()),
                4,
                RED.filled(),
            )
        }))
        .map_err(|e| fail(e.to_string()))?;
    root.present().map_err(|e| fail(e.to_string()))?;
    Ok(())
}

fn queue(q: &QueueArgs, format: Format) -> Result<Outcome, Failure> {
    let rate = Rate::from_per_second(q.rate).map_err(|e| Failure(format!("--rate: {e}")))?;
    let service =
        scalability_advisor_core::units::duration_from_millis("--service-ms", q.service_ms)
            .map_err(|e| Failure(e.to_string()))?;
    let within = scalability_advisor_core::units::duration_from_millis("--within-ms", q.within_ms)
        .map_err(|e| Failure(e.to_string()))?;
    let share = Ratio::from_fraction(q.service_level)
        .map_err(|e| Failure(format!("--service-level: {e}")))?;
    let max_utilisation = Ratio::from_fraction(q.max_utilisation)
        .map_err(|e| Failure(format!("--max-utilisation: {e}")))?;
    let target = ServerTarget::ServiceLevel { within, share };
    let fail =
        |e: scalability_advisor_formulas::Error| Failure(format!("cannot size the queue: {e}"));
    let mmc: Mmc = match q.servers {
        Some(c) => Mmc::new(rate, service, c).map_err(fail)?,
        None => servers_for_all(
            rate,
            service,
            &[target, ServerTarget::Utilisation(max_utilisation)],
        )
        .map_err(fail)?,
    };
    let p95 = mmc.wait_percentile(Ratio::from_fraction_const(0.95));
    let levels = AdvisorConfig::default().thresholds.server_cpu;
    let busy = mmc.utilisation();
    let health = levels.classify(busy);
    if format == Format::Json {
        return ok(output::json(&serde_json::json!({
            "servers": mmc.servers(),
            "offered_load_erlangs": mmc.offered_load(),
            "utilisation": busy,
            "utilisation_target": levels.target(),
            "utilisation_warning": levels.warning(),
            "utilisation_health": health,
            "probability_of_waiting": mmc.probability_of_waiting(),
            "service_level": mmc.service_level(within),
            "service_level_target": share,
            "within_ms": q.within_ms,
            "max_utilisation": max_utilisation,
            "mean_wait_ms": mmc.mean_wait().as_secs_f64() * 1000.0,
            "p95_wait_ms": p95.as_secs_f64() * 1000.0,
        }))?);
    }
    let mut o = String::new();
    let within_text = scalability_advisor_core::Quantity::Duration(within);
    if q.servers.is_none() {
        let _ = writeln!(
            o,
            "servers needed for {share} of requests to start within {within_text} at no more than {max_utilisation} busy: {}",
            mmc.servers()
        );
    }
    let _ = writeln!(o, "servers:               {}", mmc.servers());
    let _ = writeln!(
        o,
        "offered load:          {:.3} Erlangs",
        mmc.offered_load()
    );
    let _ = writeln!(
        o,
        "utilisation:           {busy} ({health}; the guide's CPU target is below {}, warning above {})",
        levels.target(),
        levels.warning()
    );
    let _ = writeln!(o, "probability of waiting {}", mmc.probability_of_waiting());
    let _ = writeln!(
        o,
        "service level:         {} start within {within_text} (target {share})",
        mmc.service_level(within),
    );
    let _ = writeln!(
        o,
        "mean wait:             {:.1} ms",
        mmc.mean_wait().as_secs_f64() * 1000.0
    );
    let _ = writeln!(
        o,
        "95th percentile wait:  {:.1} ms",
        p95.as_secs_f64() * 1000.0
    );
    ok(o)
}

/// A span of time as `30s`, `90m`, `24h` or `7d`: from one minute to 90 days.
fn parse_span(text: &str) -> Result<core::time::Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: f64 = n
        .parse()
        .map_err(|_| format!("`{text}` is not a span; write 24h, 90m or 7d"))?;
    let secs = match unit {
        "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3_600.0,
        "d" => n * 86_400.0,
        _ => return Err(format!("`{text}`: use s, m, h or d, as in 24h")),
    };
    if !(60.0..=90.0 * 86_400.0).contains(&secs) {
        return Err(format!("`{text}` must be from 1m to 90d"));
    }
    Ok(core::time::Duration::from_secs_f64(secs))
}

/// Reads a service from Prometheus; what was left out and where values came from go to
/// stderr.
#[cfg(feature = "prometheus")]
fn collect_prom(
    args: &CollectPrometheusArgs,
) -> Result<scalability_advisor_prometheus::Collected, Failure> {
    use scalability_advisor_prometheus::{Client, Mapping};

    let mapping = match &args.mapping {
        Some(p) => {
            let (name, text) = input::read(p, input::Kind::Pack)?;
            Mapping::from_toml_str(&text).map_err(|e| Failure(format!("{name}: {e}")))?
        }
        None => Mapping::default_mapping(),
    };
    let range = args.range;
    let client = Client::new(&args.url, core::time::Duration::from_secs(30));
    let c = client
        .collect(&mapping, &args.service, args.at, range)
        .map_err(|e| Failure(e.to_string()))?;
    for n in &c.not_collected {
        eprintln!("not collected: {n}");
    }
    for p in &c.provenance {
        eprintln!("from {p}");
    }
    Ok(c)
}

/// `collect prometheus`.
#[cfg(feature = "prometheus")]
fn collect_prometheus(args: &CollectPrometheusArgs, format: Format) -> Result<Outcome, Failure> {
    let c = collect_prom(args)?;
    if let Some(path) = &args.series_out {
        let mut csv = String::from("metric,at_s,value\n");
        for series in c.history.iter() {
            for s in series.samples() {
                csv.push_str(&format!(
                    "{},{},{}\n",
                    series.metric(),
                    s.at.as_secs_f64(),
                    s.value
                ));
            }
        }
        std::fs::write(path, csv)
            .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
    }
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&c.snapshot)
            .map_err(|e| Failure(format!("cannot write the snapshot: {e}")))?,
        _ => {
            let body = toml::to_string(&c.snapshot)
                .map_err(|e| Failure(format!("cannot write the snapshot: {e}")))?;
            format!(
                "# Collected from Prometheus at {} for `{}` by scalability-advisor collect prometheus.\n# Add users and architecture, then: scalability-advisor assess FILE\n{body}",
                args.url, args.service
            )
        }
    };
    ok(text)
}

/// Two samples `seconds` apart from a PostgreSQL server, one snapshot, and the server's major
/// version; what could not be read is written to stderr.
#[cfg(feature = "postgres")]
fn collect_pg(
    dsn: &str,
    seconds: f64,
    top_statements: usize,
) -> Result<(scalability_advisor_postgres::Collected, u32), Failure> {
    use scalability_advisor_postgres::{Collector, Options, snapshot};
    if !(0.1..=3_600.0).contains(&seconds) {
        return Err(Failure(format!(
            "--seconds must be between 0.1 and 3600, got {seconds}; counters need time to move, and an hour is the longest wait"
        )));
    }
    let fail = |e: scalability_advisor_postgres::Error| Failure(e.to_string());
    let mut db = Collector::connect(dsn).map_err(fail)?;
    let first = db.sample().map_err(fail)?;
    std::thread::sleep(core::time::Duration::from_secs_f64(seconds));
    let second = db.sample().map_err(fail)?;
    let options = Options {
        top_statements,
        ..Options::default()
    };
    let collected = snapshot(&first, &second, &options).map_err(fail)?;
    for u in &collected.unavailable {
        eprintln!("not collected: {u}");
    }
    Ok((collected, second.major_version()))
}

/// `collect postgres`: two samples, one snapshot.
#[cfg(feature = "postgres")]
fn collect_postgres(args: &CollectPostgresArgs, format: Format) -> Result<Outcome, Failure> {
    let (collected, version) = collect_pg(&args.dsn, args.seconds, args.top_statements)?;
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&collected.snapshot)
            .map_err(|e| Failure(format!("cannot write the snapshot: {e}")))?,
        _ => {
            let body = toml::to_string(&collected.snapshot)
                .map_err(|e| Failure(format!("cannot write the snapshot: {e}")))?;
            format!(
                "# Collected from PostgreSQL {} over {:.1} s by scalability-advisor collect postgres.\n# Add users, architecture and the application's metrics, then: scalability-advisor assess FILE\n{body}",
                version,
                collected.period.as_secs_f64()
            )
        }
    };
    ok(text)
}

const INIT: &str = r#"# A scalability-advisor snapshot: every key it reads, grouped by layer. Every key is
# optional: give what you measure, delete or comment out the rest.
# Units: ratios are fractions (0.74) or percentages in quotes ("74%"); keys ending in _ms
# are milliseconds; rates are per second; counts are whole numbers over the snapshot's
# period.
# Assess it with: scalability-advisor assess snapshot.toml
# The JSON Schema of this file: scalability-advisor schema snapshot

# --- System -------------------------------------------------------------------------------
users = 25000                       # count: active users (decides the growth stage)
deployed_regions = 1                # count: regions the system runs in
# user_regions = 1                  # count: regions holding a significant share of users
# Components in place: single_server, load_balancer, cdn, cache, read_replicas, job_queue,
# sharding, microservices, multi_region, ... (a measured cache_hit_rate, replica_lag or
# inter_service_p95_latency shows its cache, read replicas or services all the same)
architecture = ["load_balancer"]
# Remedies of the guide's decision matrix already carried out, so advice moves up the
# ladder: add_indexes, vertical_scale, increase_ram, fix_memory_leaks, optimize_code, ...
tried = ["add_indexes"]
# Checklist practices in place (scaling and enterprise checklists), for example
# stateless_app_servers, disaster_recovery_tested, zero_downtime_deployments.
# practices = ["stateless_app_servers"]
# availability_target = 0.999       # ratio: the availability committed to (SLA or SLO)
# independent_scaling_needed = false  # yes/no: parts must scale independently
# data_residency_required = false   # yes/no: regulation keeps data in given regions

# --- Application --------------------------------------------------------------------------
p95_response_time_ms = 650.0        # ms: P95 of user requests
server_cpu = 0.62                   # ratio: application servers' CPU
memory_usage = 0.55                 # ratio: application servers' memory
# background_tasks_block_requests = false  # yes/no: background work blocks requests

# --- Database: load and queries -----------------------------------------------------------
db_queries_per_request = 8.0        # mean queries a request issues
db_cpu = 0.58                       # ratio: database server CPU
slowest_query_time_ms = 85.0        # ms: mean time of the slowest statement
# slowest_query_max_time_ms = 900.0 # ms: the slowest single execution (worst run)
# db_transaction_rate = 450.0       # per second: commits and rollbacks
# db_max_seq_scans = 2000           # count: sequential scans of the busiest table
# db_lock_wait_share = 0.05         # ratio: query time spent waiting for locks
# db_deadlocks = 0                  # count: deadlocks over the period

# --- Database: connections ----------------------------------------------------------------
db_connections = 30                 # count: connections in use at peak
db_pool_size = 60                   # count: size of the connection pool
# db_pool_usage = 0.5               # ratio: the pool's own gauge, instead of the two counts
# db_connection_wait_ms = 2.0       # ms: time requests wait for a connection
# db_pool_exhaustion_events = 0     # count: times the pool ran out

# --- Database: reads, writes and replication ----------------------------------------------
db_read_share = 0.85                # ratio: statements that are reads (by statement count)
# db_read_share_rows = 0.95         # ratio: rows touched that were read (context only)
repeated_query_share = 0.20         # ratio: queries identical to a recent one
# db_buffer_hit_ratio = 0.995       # ratio: block reads served from the buffer cache
# replica_lag_ms = 300.0            # ms: lag of the slowest read replica
# primary_write_throughput = 800.0  # per second: writes on the primary
# primary_write_capacity = 2000.0   # per second: writes the primary can sustain

# --- Storage ------------------------------------------------------------------------------
# disk_io_wait = 0.05               # ratio: CPU time waiting on disk I/O
# wal_write_latency_ms = 2.0        # ms: write-ahead-log write latency
# db_bloat_share = 0.10             # ratio: table and index space that is bloat
# db_io_read_share = 0.10           # ratio: statement time spent reading from storage

# --- Cache --------------------------------------------------------------------------------
# cache_hit_rate = 0.9              # ratio: application cache hits
# cache_memory_headroom = 0.3       # ratio: cache memory still free

# --- Network and external services --------------------------------------------------------
# static_asset_bandwidth_share = 0.25  # ratio: bandwidth spent on images, JS, CSS
# inter_service_p95_latency_ms = 40.0  # ms: P95 between internal services
# external_api_p95_latency_ms = 300.0  # ms: P95 of calls to external APIs
# external_api_timeout_share = 0.002   # ratio: external calls that time out
# external_api_rate_limit_events = 0.0 # per second: rate-limit responses
# remote_user_share = 0.10          # ratio: users far from the region serving them
# remote_user_p95_ms = 700.0        # ms: P95 those remote users see

# --- Named tables, statements and hosts (rules name the culprit) ---------------------------
# Counters cover period_ms: two samples that far apart, or totals since the statistics reset.
# [[tables]]                        # pg_stat_user_tables, one entry per table
# name = "events"
# rows = 500000                     # count: live rows
# size_bytes = 73400320             # bytes: table with its indexes
# seq_scans = 1107                  # count: sequential scans over the period
# seq_rows_read = 184500000         # count: rows read by those scans
# index_scans = 0                   # count: index scans over the period
# dead_rows = 1200                  # count: dead rows waiting for vacuum
# period_ms = 60000                 # ms: what the counters cover
#
# [[statements]]                    # pg_stat_statements, one entry per statement
# query = "SELECT * FROM events WHERE customer_id = $1"   # normalised text or query id
# calls = 1107                      # count: executions over the period
# mean_time_ms = 161.0              # ms: mean execution time
# max_time_ms = 1250.0              # ms: the slowest execution
# rows = 1107                       # count: rows returned or affected
# time_share = 0.62                 # ratio: share of all statements' time
# period_ms = 60000                 # ms: what the counters cover
#
# [[hosts]]                         # machines; two roles on one host declare a co-location
# name = "vm-1"
# roles = ["app", "db"]             # app, db, cache
# cpu = 0.97                        # ratio
# memory = 0.55                     # ratio
# io_wait = 0.03                    # ratio
"#;

#[cfg(all(test, feature = "prometheus"))]
mod span_tests {
    use super::parse_span;

    #[test]
    fn spans_read_in_seconds_minutes_hours_and_days_from_a_minute_to_ninety_days() {
        let secs = |t: &str| parse_span(t).map(|d| d.as_secs_f64());
        assert_eq!(secs("60s"), Ok(60.0));
        assert_eq!(secs("90m"), Ok(5_400.0));
        assert_eq!(secs("90min"), Ok(5_400.0));
        assert_eq!(secs("1.5h"), Ok(5_400.0));
        assert_eq!(secs("24h"), Ok(86_400.0));
        assert_eq!(secs("7d"), Ok(604_800.0));
        assert_eq!(secs(" 90d "), Ok(7_776_000.0));
        assert!(secs("59s").unwrap_err().contains("from 1m to 90d"));
        assert!(secs("91d").unwrap_err().contains("from 1m to 90d"));
        assert!(secs("2w").unwrap_err().contains("use s, m, h or d"));
        assert!(secs("h").unwrap_err().contains("is not a span"));
    }
}
