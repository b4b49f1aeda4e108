//! Assesses a fleet of services in Apache Arrow record batches: one row per service in, one
//! row of answers out, each equal to what [`assess`](scalability_advisor_rules::assess) says
//! of that service alone.
//!
//! Spark (`mapInArrow`), Polars, DataFusion, DuckDB, Ray and Beam all exchange Arrow batches,
//! so one kernel serves each of them; nothing here distributes work. The crate depends on
//! `arrow-array` and `arrow-schema` only (no DataFusion, no async runtime).
//!
//! # Input schema
//!
//! Every column is one of:
//!
//! | column | type | meaning |
//! |---|---|---|
//! | a metric's name ([`Metric::name`](scalability_advisor_rules::scalability_advisor_core::Metric::name)), e.g. `db_cpu` | any integer, float or 128-bit decimal (Spark reads unsigned 64-bit Parquet columns as decimals); boolean for yes/no metrics | the metric in canonical units: ratios as fractions (0.74), durations in seconds, rates per second |
//! | a duration metric's name with `_ms`, e.g. `p95_response_time_ms` | any integer or float | the duration in milliseconds, as in snapshot files |
//! | a duration metric's name | an Arrow `Duration` of any unit | the duration |
//! | `architecture`, `tried`, `practices` | a list of strings, or one string of names separated by `,`, `;` or `\|` | the components in place, the remedies declared done, the checklist practices in place (the names of snapshot files) |
//! | a key named in [`Kernel::with_keys`] (`service` and `time` by default) | any | passed through to the output unchanged |
//!
//! A null, or a column left out, is "not measured": the rules that need it are not judged,
//! never judged on a zero. Any other column is an error that names it (a misspelt metric
//! must not go unnoticed); so is a column of the wrong type, and two columns for one metric.
//! Entity lists (tables, statements, hosts) have no columns: rules over them are not judged.
//!
//! # Output schema
//!
//! The key columns, then [`OUTPUT_COLUMNS`]:
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `stage_by_users` | string | `startup`, `growth`, `scale` or `enterprise`; null without `users` |
//! | `stage_by_metrics` | string | the furthest stage a fired transition moves to; null when none fired |
//! | `health_p95_response_time`, `health_db_queries_per_request`, `health_server_cpu`, `health_db_pool_usage` | string | `healthy`, `marginal` (between target and warning) or `unhealthy`; null when not measured |
//! | `worst_severity` | string | `info`, `warning` or `critical` over findings and plan steps ([`Assessment::worst`](scalability_advisor_rules::Assessment::worst)); null when nothing was found |
//! | `fired` | list of strings | the rule ids of the findings, most severe first |
//! | `first_step`, `first_step_severity` | string | the title and severity of the plan's first step; null when the plan is empty |
//! | `not_judged` | int32 (signed, for engines without unsigned types such as Spark) | how many rules lacked data |
//! | `missing` | list of strings | what they lacked, sorted, each once (`db_cpu`, `a series of p95_response_time`) |
//! | `error` | string | why the row could not be assessed (a NaN, a negative, an out-of-range value, an unknown name), naming the column and the value; the other outputs are then null |
//!
//! A bad value spoils its row, not the batch: the rest are assessed.
//!
//! [`Kernel::with_columns`] computes and writes only some of these columns (and `error`).
//! Most of a row's cost is in `worst_severity`, `first_step` and `first_step_severity`
//! (the findings placed in the plan) and in `missing`: without them a row costs about a
//! third as much (docs/performance.md).
//!
//! # Limits
//!
//! At most [`MAX_BATCH_ROWS`] rows per batch (split bigger ones; Parquet readers and Spark
//! deliver far smaller batches), [`MAX_LIST_ITEMS`] names per list cell and
//! [`MAX_NAME_BYTES`] bytes per name.
//!
//! # Examples
//! ```
//! use std::sync::Arc;
//! use scalability_advisor_arrow::Kernel;
//! use scalability_advisor_arrow::arrow_array::{
//!     Array, Float64Array, RecordBatch, StringArray, UInt64Array, cast::AsArray,
//! };
//! let batch = RecordBatch::try_from_iter([
//!     ("service", Arc::new(StringArray::from(vec!["checkout", "search"])) as _),
//!     ("users", Arc::new(UInt64Array::from(vec![45_000, 4_000])) as _),
//!     ("db_cpu", Arc::new(Float64Array::from(vec![Some(0.78), None])) as _),
//!     ("architecture", Arc::new(StringArray::from(vec!["load_balancer,cdn", ""])) as _),
//! ])?;
//! let out = Kernel::default_pack().assess_batch(&batch)?;
//! let stage = out.column_by_name("stage_by_users").unwrap().as_string::<i32>();
//! assert_eq!(stage.value(0), "growth");
//! assert_eq!(stage.value(1), "startup");
//! let by_metrics = out.column_by_name("stage_by_metrics").unwrap().as_string::<i32>();
//! assert_eq!(by_metrics.value(0), "growth"); // DB CPU above 70%: overdue at 45,000 users
//! assert!(by_metrics.is_null(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, Field, Schema, SchemaRef};
use scalability_advisor_rules::scalability_advisor_core::{
    AdvisorConfig, History, MetricsSnapshot,
};
use scalability_advisor_rules::{Engine, Evaluation, Summary, SummaryBuffers, summarize_parts};

pub use arrow_array;
pub use arrow_schema;
pub use scalability_advisor_rules;

pub mod fleet;
mod input;
mod output;

pub use output::OUTPUT_COLUMNS;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The most rows one batch may have: 1,048,576.
pub const MAX_BATCH_ROWS: usize = 1 << 20;

/// The most names one `architecture`, `tried` or `practices` cell may list.
pub const MAX_LIST_ITEMS: usize = 64;

/// The longest name a list cell may hold, in bytes.
pub const MAX_NAME_BYTES: usize = 64;

/// Refuses more than [`MAX_BATCH_ROWS`] rows.
fn check_rows(rows: usize) -> Result<(), KernelError> {
    if rows > MAX_BATCH_ROWS {
        return Err(KernelError::TooManyRows {
            rows,
            max: MAX_BATCH_ROWS,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_limit_admits_its_own_value() {
        assert!(check_rows(MAX_BATCH_ROWS).is_ok());
        assert!(matches!(
            check_rows(MAX_BATCH_ROWS + 1),
            Err(KernelError::TooManyRows { rows, max }) if rows == MAX_BATCH_ROWS + 1 && max == MAX_BATCH_ROWS
        ));
    }
}

/// Why a schema or a batch cannot be assessed. Bad values in a row are not errors of the
/// batch: they go to that row's `error` column.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KernelError {
    /// A column is neither a metric, a list nor a declared key.
    #[error(
        "column `{column}` is not a metric, `architecture`, `tried` or `practices`{}; declare it with Kernel::with_keys to pass it through",
        suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
    )]
    UnknownColumn {
        /// The column's name.
        column: String,
        /// The metric whose name is closest, when one is close.
        suggestion: Option<&'static str>,
    },
    /// A column's type does not suit what it holds.
    #[error("column `{column}` has type {found}, but should hold {expected}; cast it")]
    WrongType {
        /// The column's name.
        column: String,
        /// Its Arrow type.
        found: String,
        /// What the column should hold.
        expected: &'static str,
    },
    /// Two columns give the same metric (`p95_response_time` and `p95_response_time_ms`).
    #[error("columns `{first}` and `{second}` both give {metric}; keep one")]
    Duplicate {
        /// The metric.
        metric: &'static str,
        /// The first column.
        first: String,
        /// The second column.
        second: String,
    },
    /// A column asked of [`Kernel::with_columns`] is not an output column.
    #[error(
        "`{column}` is not an output column; choose among {}",
        OUTPUT_COLUMNS.join(", ")
    )]
    UnknownOutputColumn {
        /// The name asked for.
        column: String,
    },
    /// A key column has the name of an output column.
    #[error("key column `{column}` has the name of an output column; rename it")]
    KeyCollision {
        /// The column's name.
        column: String,
    },
    /// A batch has more rows than [`MAX_BATCH_ROWS`].
    #[error("a batch of {rows} rows; at most {max} are assessed at once, so split it")]
    TooManyRows {
        /// The batch's rows.
        rows: usize,
        /// [`MAX_BATCH_ROWS`].
        max: usize,
    },
    /// A batch's schema differs from the one its session was bound to.
    #[error("the batch's schema differs from the session's: {found}; open a session per schema")]
    SchemaChanged {
        /// The batch's schema.
        found: String,
    },
    /// Arrow refused to build the output batch.
    #[error("building the output batch: {0}")]
    Arrow(#[from] ArrowError),
}

/// Assesses batches with one engine (a rule pack) and its levels.
///
/// # Examples
/// ```
/// use scalability_advisor_arrow::Kernel;
/// let kernel = Kernel::default_pack().with_keys(["service", "region"]);
/// assert_eq!(kernel.keys(), ["service", "region"]);
/// ```
#[derive(Debug)]
pub struct Kernel {
    engine: Engine,
    config: AdvisorConfig,
    keys: Vec<String>,
    columns: output::Selection,
}

impl Kernel {
    /// A kernel over `engine`, with `service` and `time` as key columns.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_arrow::Kernel;
    /// use scalability_advisor_arrow::scalability_advisor_rules::Engine;
    /// let kernel = Kernel::new(Engine::default_pack());
    /// assert_eq!(kernel.keys(), ["service", "time"]);
    /// ```
    #[must_use]
    pub fn new(engine: Engine) -> Kernel {
        let config = engine.pack().advisor_config();
        Kernel {
            engine,
            config,
            keys: vec!["service".to_owned(), "time".to_owned()],
            columns: output::Selection::ALL,
        }
    }

    /// A kernel over the built-in default pack.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_arrow::Kernel;
    /// assert_eq!(Kernel::default_pack().engine().pack().name(), "default");
    /// ```
    #[must_use]
    pub fn default_pack() -> Kernel {
        Kernel::new(Engine::default_pack())
    }

    /// Computes and writes only the output columns named (among [`OUTPUT_COLUMNS`], in any
    /// order; they come out in that list's order, after the keys), and `error`, which is
    /// always written: a row that could not be assessed must say so.
    ///
    /// What a row costs depends on the columns: `worst_severity`, `first_step` and
    /// `first_step_severity` need the findings placed in the plan, and `missing` needs what
    /// each rule not judged lacked; together those are most of a row's cost. The stages,
    /// the health columns, `fired` and `not_judged` come almost with the evaluation alone
    /// (docs/performance.md has the figures). Each column written is the one the full
    /// output has.
    ///
    /// # Errors
    /// [`KernelError::UnknownOutputColumn`] for a name that is not an output column.
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use scalability_advisor_arrow::Kernel;
    /// use scalability_advisor_arrow::arrow_array::{Float64Array, RecordBatch, UInt64Array};
    /// let kernel = Kernel::default_pack().with_columns(["fired", "stage_by_users"])?;
    /// assert_eq!(kernel.columns(), ["stage_by_users", "fired", "error"]);
    /// let batch = RecordBatch::try_from_iter([
    ///     ("users", Arc::new(UInt64Array::from(vec![45_000])) as _),
    ///     ("db_cpu", Arc::new(Float64Array::from(vec![0.78])) as _),
    /// ])?;
    /// let out = kernel.assess_batch(&batch)?;
    /// assert_eq!(out.num_columns(), 3);
    /// assert!(Kernel::default_pack().with_columns(["first_stepp"]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_columns<I, S>(mut self, columns: I) -> Result<Kernel, KernelError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.columns = output::Selection::of(columns)?;
        Ok(self)
    }

    /// The output columns written after the keys, in order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_arrow::{Kernel, OUTPUT_COLUMNS};
    /// assert_eq!(Kernel::default_pack().columns(), OUTPUT_COLUMNS);
    /// ```
    #[must_use]
    pub fn columns(&self) -> Vec<&'static str> {
        self.columns.names().collect()
    }

    /// Replaces the key columns: columns passed through to the output unchanged.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_arrow::Kernel;
    /// assert_eq!(Kernel::default_pack().with_keys(["host"]).keys(), ["host"]);
    /// ```
    #[must_use]
    pub fn with_keys<I, S>(mut self, keys: I) -> Kernel
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.keys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// The key columns.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_arrow::Kernel;
    /// assert!(Kernel::default_pack().keys().contains(&"service".to_owned()));
    /// ```
    #[must_use]
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The engine.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_arrow::Kernel;
    /// assert!(Kernel::default_pack().engine().rule_index("add.cdn").is_some());
    /// ```
    #[must_use]
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// A session for batches of `schema`: the columns are bound once.
    ///
    /// # Errors
    /// [`KernelError::UnknownColumn`], [`KernelError::WrongType`], [`KernelError::Duplicate`]
    /// or [`KernelError::KeyCollision`] when the schema does not follow the input schema.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_arrow::Kernel;
    /// use scalability_advisor_arrow::arrow_schema::{DataType, Field, Schema};
    /// let kernel = Kernel::default_pack();
    /// let schema = Schema::new(vec![Field::new("db_cpux", DataType::Float64, true)]);
    /// let err = kernel.session(&schema).unwrap_err();
    /// assert!(err.to_string().contains("did you mean `db_cpu`?"), "{err}");
    /// ```
    pub fn session(&self, schema: &Schema) -> Result<Session<'_>, KernelError> {
        let binding = input::Binding::new(schema, &self.keys)?;
        let key_fields: Vec<Arc<Field>> = binding
            .roles
            .iter()
            .filter(|(_, r)| *r == input::Role::Key)
            .filter_map(|(i, _)| schema.fields().get(*i).cloned())
            .collect();
        Ok(Session {
            kernel: self,
            input: Arc::new(schema.clone()),
            output: output::schema(key_fields, self.columns),
            binding,
            snapshot: MetricsSnapshot::default(),
            history: History::new(),
            evaluation: Evaluation::default(),
            summary: Summary::default(),
            buffers: SummaryBuffers::default(),
            sizes: output::Sizes::default(),
            missing_names: output::MissingNames::new(),
        })
    }

    /// Assesses one batch (a session for its schema, used once).
    ///
    /// # Errors
    /// As [`Kernel::session`], and [`KernelError::TooManyRows`].
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use scalability_advisor_arrow::Kernel;
    /// use scalability_advisor_arrow::arrow_array::{Float64Array, RecordBatch, cast::AsArray};
    /// // 25 queries per request: past the guide's warning of 20.
    /// let batch = RecordBatch::try_from_iter([(
    ///     "db_queries_per_request",
    ///     Arc::new(Float64Array::from(vec![25.0])) as _,
    /// )])?;
    /// let out = Kernel::default_pack().assess_batch(&batch)?;
    /// let worst = out.column_by_name("worst_severity").unwrap().as_string::<i32>();
    /// assert_eq!(worst.value(0), "critical");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assess_batch(&self, batch: &RecordBatch) -> Result<RecordBatch, KernelError> {
        self.session(batch.schema_ref())?.assess(batch)
    }
}

/// Batches of one schema, assessed with buffers kept from row to row.
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// use scalability_advisor_arrow::Kernel;
/// use scalability_advisor_arrow::arrow_array::{Float64Array, RecordBatch, cast::AsArray};
/// let kernel = Kernel::default_pack();
/// let batch = |cpu: f64| {
///     RecordBatch::try_from_iter([("server_cpu", Arc::new(Float64Array::from(vec![cpu])) as _)])
/// };
/// let mut session = kernel.session(batch(0.5)?.schema_ref())?;
/// for (cpu, health) in [(0.5, "healthy"), (0.8, "marginal"), (0.95, "unhealthy")] {
///     let out = session.assess(&batch(cpu)?)?;
///     let h = out.column_by_name("health_server_cpu").unwrap().as_string::<i32>();
///     assert_eq!(h.value(0), health);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Session<'k> {
    kernel: &'k Kernel,
    input: SchemaRef,
    output: SchemaRef,
    binding: input::Binding,
    snapshot: MetricsSnapshot,
    history: History,
    evaluation: Evaluation,
    summary: Summary,
    buffers: SummaryBuffers,
    /// What the previous batch's output held, to size the next one's.
    sizes: output::Sizes,
    /// The texts of the missing inputs, sorted: built once per session.
    missing_names: output::MissingNames,
}

impl Session<'_> {
    /// The schema of the batches this session returns.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_arrow::{Kernel, OUTPUT_COLUMNS};
    /// use scalability_advisor_arrow::arrow_schema::{DataType, Field, Schema};
    /// let kernel = Kernel::default_pack();
    /// let input = Schema::new(vec![Field::new("service", DataType::Utf8, false)]);
    /// let session = kernel.session(&input)?;
    /// assert_eq!(session.output_schema().fields().len(), 1 + OUTPUT_COLUMNS.len());
    /// assert_eq!(session.output_schema().field(0).name(), "service");
    /// # Ok::<(), scalability_advisor_arrow::KernelError>(())
    /// ```
    #[must_use]
    pub fn output_schema(&self) -> SchemaRef {
        Arc::clone(&self.output)
    }

    /// Assesses every row of `batch`; a row with a bad value gets its reason in `error`.
    ///
    /// # Errors
    /// [`KernelError::SchemaChanged`] when the batch's fields differ from the session's,
    /// [`KernelError::TooManyRows`], [`KernelError::WrongType`] when a column's type differs
    /// from the bound one, [`KernelError::Arrow`] if the output cannot be built.
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use scalability_advisor_arrow::Kernel;
    /// use scalability_advisor_arrow::arrow_array::{Array, Float64Array, RecordBatch, cast::AsArray};
    /// let batch = RecordBatch::try_from_iter([(
    ///     "db_cpu",
    ///     Arc::new(Float64Array::from(vec![0.5, f64::NAN, 1.7])) as _,
    /// )])?;
    /// let kernel = Kernel::default_pack();
    /// let out = kernel.session(batch.schema_ref())?.assess(&batch)?;
    /// let error = out.column_by_name("error").unwrap().as_string::<i32>();
    /// assert!(error.is_null(0));
    /// assert!(error.value(1).starts_with("column `db_cpu`"), "{}", error.value(1));
    /// assert!(error.value(2).contains("1.7"), "{}", error.value(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assess(&mut self, batch: &RecordBatch) -> Result<RecordBatch, KernelError> {
        if batch.schema_ref().fields() != self.input.fields() {
            return Err(KernelError::SchemaChanged {
                found: batch.schema_ref().to_string(),
            });
        }
        let rows = batch.num_rows();
        check_rows(rows)?;
        let reader = input::Reader::new(&self.binding, batch)?;
        let kernel = self.kernel;
        let mut columns = output::Columns::with_capacity(rows, &self.sizes, kernel.columns);
        let parts = kernel.columns.parts();
        for row in 0..rows {
            match reader.read(row, &mut self.snapshot) {
                Ok(()) => {
                    kernel.engine.evaluate_into(
                        &self.snapshot,
                        &self.history,
                        &mut self.evaluation,
                    );
                    summarize_parts(
                        &kernel.engine,
                        &self.evaluation,
                        &self.snapshot,
                        &self.history,
                        &kernel.config,
                        parts,
                        &mut self.summary,
                        &mut self.buffers,
                    );
                    columns.push(&self.summary, &self.evaluation, &self.missing_names);
                }
                Err(message) => columns.push_error(&message),
            }
        }
        self.sizes = columns.sizes();
        let keys: Vec<ArrayRef> = self
            .binding
            .roles
            .iter()
            .filter(|(_, r)| *r == input::Role::Key)
            .filter_map(|(i, _)| batch.columns().get(*i).cloned())
            .collect();
        Ok(columns.finish(self.output_schema(), keys, kernel.columns)?)
    }
}
