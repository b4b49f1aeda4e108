//! The output columns, built row by row.

use std::sync::Arc;

use arrow_array::builder::{Int32Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use scalability_advisor_rules::scalability_advisor_core::{Health, KeyMetric, Stage};
use scalability_advisor_rules::{Assessment, MissingInput, Severity};

/// The names of the output columns, after the key columns, in order.
pub const OUTPUT_COLUMNS: [&str; 13] = [
    "stage_by_users",
    "stage_by_metrics",
    "health_p95_response_time",
    "health_db_queries_per_request",
    "health_server_cpu",
    "health_db_pool_usage",
    "worst_severity",
    "fired",
    "first_step",
    "first_step_severity",
    "not_judged",
    "missing",
    "error",
];

fn utf8(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn list(name: &str) -> Field {
    Field::new(name, DataType::new_list(DataType::Utf8, true), true)
}

/// The output schema: the key fields, then [`OUTPUT_COLUMNS`].
pub(crate) fn schema(keys: impl IntoIterator<Item = Arc<Field>>) -> SchemaRef {
    let mut fields: Vec<Arc<Field>> = keys.into_iter().collect();
    for name in OUTPUT_COLUMNS {
        let field = match name {
            "fired" | "missing" => list(name),
            "not_judged" => Field::new(name, DataType::Int32, true),
            _ => utf8(name),
        };
        fields.push(Arc::new(field));
    }
    Arc::new(Schema::new(fields))
}

pub(crate) const fn stage_name(s: Stage) -> &'static str {
    s.name()
}

pub(crate) const fn health_name(h: Health) -> &'static str {
    match h {
        Health::Healthy => "healthy",
        Health::Marginal => "marginal",
        Health::Unhealthy => "unhealthy",
    }
}

pub(crate) const fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    }
}

/// The builders of one output batch.
#[derive(Debug)]
pub(crate) struct Columns {
    stage_by_users: StringBuilder,
    stage_by_metrics: StringBuilder,
    health: [StringBuilder; 4],
    worst: StringBuilder,
    fired: ListBuilder<StringBuilder>,
    first_step: StringBuilder,
    first_severity: StringBuilder,
    not_judged: Int32Builder,
    missing: ListBuilder<StringBuilder>,
    error: StringBuilder,
    /// Reused for the missing inputs of one row.
    scratch: Vec<String>,
}

impl Columns {
    pub(crate) fn with_capacity(rows: usize) -> Columns {
        let s = || StringBuilder::with_capacity(rows, rows * 8);
        Columns {
            stage_by_users: s(),
            stage_by_metrics: s(),
            health: [s(), s(), s(), s()],
            worst: s(),
            fired: ListBuilder::with_capacity(StringBuilder::new(), rows),
            first_step: s(),
            first_severity: s(),
            not_judged: Int32Builder::with_capacity(rows),
            missing: ListBuilder::with_capacity(StringBuilder::new(), rows),
            error: s(),
            scratch: Vec::new(),
        }
    }

    /// A row that could not be read: every output null, and the reason.
    pub(crate) fn push_error(&mut self, message: &str) {
        self.stage_by_users.append_null();
        self.stage_by_metrics.append_null();
        for h in &mut self.health {
            h.append_null();
        }
        self.worst.append_null();
        self.fired.append_null();
        self.first_step.append_null();
        self.first_severity.append_null();
        self.not_judged.append_null();
        self.missing.append_null();
        self.error.append_value(message);
    }

    /// A row assessed.
    pub(crate) fn push(&mut self, a: &Assessment) {
        self.stage_by_users
            .append_option(a.stage.by_users.map(stage_name));
        self.stage_by_metrics
            .append_option(a.stage.by_metrics.map(stage_name));
        for (builder, key) in self.health.iter_mut().zip(KeyMetric::ALL) {
            let h = a
                .health
                .iter()
                .find(|h| h.metric == key)
                .and_then(|h| h.health);
            builder.append_option(h.map(health_name));
        }
        self.worst.append_option(a.worst().map(severity_name));
        for f in &a.findings {
            self.fired.values().append_value(&f.id);
        }
        self.fired.append(true);
        let first = a.plan.first();
        self.first_step
            .append_option(first.map(|s| s.title.as_str()));
        self.first_severity
            .append_option(first.map(|s| severity_name(s.severity)));
        self.not_judged
            .append_value(i32::try_from(a.not_judged.len()).unwrap_or(i32::MAX));
        self.scratch.clear();
        for n in &a.not_judged {
            for m in &n.missing {
                let text = missing_name(m);
                if !self.scratch.contains(&text) {
                    self.scratch.push(text);
                }
            }
        }
        self.scratch.sort_unstable();
        for m in &self.scratch {
            self.missing.values().append_value(m);
        }
        self.missing.append(true);
        self.error.append_null();
    }

    pub(crate) fn finish(
        mut self,
        schema: SchemaRef,
        keys: Vec<ArrayRef>,
    ) -> Result<RecordBatch, ArrowError> {
        let mut columns = keys;
        columns.push(Arc::new(self.stage_by_users.finish()));
        columns.push(Arc::new(self.stage_by_metrics.finish()));
        for h in &mut self.health {
            columns.push(Arc::new(h.finish()));
        }
        columns.push(Arc::new(self.worst.finish()));
        columns.push(Arc::new(self.fired.finish()));
        columns.push(Arc::new(self.first_step.finish()));
        columns.push(Arc::new(self.first_severity.finish()));
        columns.push(Arc::new(self.not_judged.finish()));
        columns.push(Arc::new(self.missing.finish()));
        columns.push(Arc::new(self.error.finish()));
        RecordBatch::try_new(schema, columns)
    }
}

/// A missing input as the report's "not judged" line names it.
pub(crate) fn missing_name(m: &MissingInput) -> String {
    m.to_string()
}
