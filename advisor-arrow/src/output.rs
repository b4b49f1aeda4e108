//! The output columns, built row by row.

use std::sync::Arc;

use arrow_array::builder::{ArrayBuilder, Int32Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use scalability_advisor_rules::scalability_advisor_core::{EntityKind, Metric};
use scalability_advisor_rules::scalability_advisor_core::{Health, Stage};
use scalability_advisor_rules::{Evaluation, MissingInput, Severity, Summary, SummaryParts};

use crate::KernelError;

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
/// Which of [`OUTPUT_COLUMNS`] a kernel writes: one bit per column, in that list's order;
/// `error` always.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Selection(u16);

const _: () = assert!(OUTPUT_COLUMNS.len() <= 16);

/// The bit of the `error` column, the last.
const ERROR: u16 = 1 << (OUTPUT_COLUMNS.len() - 1);

impl Selection {
    pub(crate) const ALL: Selection = Selection((1 << OUTPUT_COLUMNS.len()) - 1);

    /// The columns named, and `error`.
    pub(crate) fn of<I, S>(names: I) -> Result<Selection, KernelError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut bits = ERROR;
        for name in names {
            let name = name.as_ref();
            let i = OUTPUT_COLUMNS
                .iter()
                .position(|c| *c == name)
                .ok_or_else(|| KernelError::UnknownOutputColumn {
                    column: name.to_owned(),
                })?;
            bits |= 1 << i;
        }
        Ok(Selection(bits))
    }

    /// Whether the column at `index` of [`OUTPUT_COLUMNS`] is written.
    const fn has(self, index: usize) -> bool {
        self.0 & (1 << index) != 0
    }

    /// Whether the column named `name` is written.
    fn named(self, name: &str) -> bool {
        OUTPUT_COLUMNS
            .iter()
            .position(|c| *c == name)
            .is_some_and(|i| self.has(i))
    }

    /// The names of the columns written, in order.
    pub(crate) fn names(self) -> impl Iterator<Item = &'static str> {
        OUTPUT_COLUMNS
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.has(*i))
            .map(|(_, c)| *c)
    }

    /// The parts of the summary the columns need.
    pub(crate) fn parts(self) -> SummaryParts {
        SummaryParts {
            plan: self.named("worst_severity")
                || self.named("first_step")
                || self.named("first_step_severity"),
            missing: self.named("missing"),
        }
    }
}

pub(crate) fn schema(
    keys: impl IntoIterator<Item = Arc<Field>>,
    selection: Selection,
) -> SchemaRef {
    let mut fields: Vec<Arc<Field>> = keys.into_iter().collect();
    for name in selection.names() {
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
    /// The reasons of the rows not assessed, with nulls written only up to the last such
    /// row: the others' nulls are added in one go when the batch is finished.
    error: StringBuilder,
    /// The rows pushed.
    rows: usize,
    /// Reused for the missing inputs of one row that have no fixed text.
    scratch: Vec<String>,
    /// The columns written; the others' builders stay empty.
    selection: Selection,
}

/// What the text columns of a batch held, for sizing the next batch's builders: growing a
/// builder copies all it holds, so a session sizes each batch's from the previous one's
/// (per row, with a margin) and its columns are written without copies once warm.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sizes {
    /// Rows of the batch measured (0: none yet).
    rows: usize,
    /// Bytes of each plain text column, in [`Columns::texts`] order.
    bytes: [usize; TEXTS],
    /// Items and bytes of the `fired_rules` and `missing_inputs` lists.
    fired: (usize, usize),
    missing: (usize, usize),
}

/// The plain text columns of a batch.
const TEXTS: usize = 10;

impl Sizes {
    /// Room for `rows` rows: what `total` held for the measured rows, scaled, plus
    /// `margin` per row (or `guess` per row before anything was measured).
    fn room(&self, total: usize, rows: usize, guess: usize, margin: usize) -> usize {
        total.checked_div(self.rows).map_or_else(
            || rows.saturating_mul(guess),
            |per_row| per_row.saturating_add(margin).saturating_mul(rows),
        )
    }
}

impl Columns {
    pub(crate) fn with_capacity(rows: usize, sizes: &Sizes, selection: Selection) -> Columns {
        let text = |k: usize| {
            let total = sizes.bytes.get(k).copied().unwrap_or(0);
            StringBuilder::with_capacity(rows, sizes.room(total, rows, 8, 4))
        };
        let list = |(items, bytes): (usize, usize)| {
            let values = StringBuilder::with_capacity(
                sizes.room(items, rows, 1, 1),
                sizes.room(bytes, rows, 16, 16),
            );
            ListBuilder::with_capacity(values, rows)
        };
        Columns {
            stage_by_users: text(0),
            stage_by_metrics: text(1),
            health: [text(2), text(3), text(4), text(5)],
            worst: text(6),
            fired: list(sizes.fired),
            first_step: text(7),
            first_severity: text(8),
            not_judged: Int32Builder::with_capacity(rows),
            missing: list(sizes.missing),
            error: text(9),
            rows: 0,
            scratch: Vec::new(),
            selection,
        }
    }

    /// The plain text columns, in a fixed order.
    fn texts(&self) -> [&StringBuilder; TEXTS] {
        let [h0, h1, h2, h3] = &self.health;
        [
            &self.stage_by_users,
            &self.stage_by_metrics,
            h0,
            h1,
            h2,
            h3,
            &self.worst,
            &self.first_step,
            &self.first_severity,
            &self.error,
        ]
    }

    /// What this batch's columns hold, for sizing the next batch's.
    pub(crate) fn sizes(&self) -> Sizes {
        Sizes {
            rows: self.rows,
            bytes: self.texts().map(|b| b.values_slice().len()),
            fired: (
                self.fired.values_ref().len(),
                self.fired.values_ref().values_slice().len(),
            ),
            missing: (
                self.missing.values_ref().len(),
                self.missing.values_ref().values_slice().len(),
            ),
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
        self.error
            .append_nulls(self.rows.saturating_sub(self.error.len()));
        self.error.append_value(message);
        self.rows += 1;
    }

    /// A row assessed: its summary, and the rules that fired in `evaluation`.
    /// Appends a row assessed; `names` is the table of missing inputs' texts, which the
    /// `missing` column needs (built once per session).
    pub(crate) fn push(&mut self, s: &Summary, evaluation: &Evaluation, names: &MissingNames) {
        let on = |i| self.selection.has(i);
        if on(0) {
            self.stage_by_users
                .append_option(s.stage_by_users.map(stage_name));
        }
        if on(1) {
            self.stage_by_metrics
                .append_option(s.stage_by_metrics.map(stage_name));
        }
        for (i, (builder, health)) in self.health.iter_mut().zip(s.health).enumerate() {
            if self.selection.has(2 + i) {
                builder.append_option(health.map(health_name));
            }
        }
        if on(6) {
            self.worst.append_option(s.worst.map(severity_name));
        }
        if on(7) {
            for f in &evaluation.findings {
                self.fired.values().append_value(&f.id);
            }
            self.fired.append(true);
        }
        match s.first_step_severity {
            Some(severity) => {
                if on(8) {
                    self.first_step.append_value(&s.first_step_title);
                }
                if on(9) {
                    self.first_severity.append_value(severity_name(severity));
                }
            }
            None => {
                if on(8) {
                    self.first_step.append_null();
                }
                if on(9) {
                    self.first_severity.append_null();
                }
            }
        }
        if on(10) {
            self.not_judged
                .append_value(i32::try_from(s.not_judged).unwrap_or(i32::MAX));
        }
        if on(11) {
            names.append(&s.missing, self.missing.values(), &mut self.scratch);
            self.missing.append(true);
        }
        self.rows += 1;
    }

    pub(crate) fn finish(
        mut self,
        schema: SchemaRef,
        keys: Vec<ArrayRef>,
        selection: Selection,
    ) -> Result<RecordBatch, ArrowError> {
        self.error
            .append_nulls(self.rows.saturating_sub(self.error.len()));
        let [h0, h1, h2, h3] = &mut self.health;
        // In `OUTPUT_COLUMNS` order.
        let all: [&mut dyn ArrayBuilder; OUTPUT_COLUMNS.len()] = [
            &mut self.stage_by_users,
            &mut self.stage_by_metrics,
            h0,
            h1,
            h2,
            h3,
            &mut self.worst,
            &mut self.fired,
            &mut self.first_step,
            &mut self.first_severity,
            &mut self.not_judged,
            &mut self.missing,
            &mut self.error,
        ];
        let mut columns = keys;
        for (i, builder) in all.into_iter().enumerate() {
            if selection.has(i) {
                columns.push(builder.finish());
            }
        }
        RecordBatch::try_new(schema, columns)
    }
}

/// The texts of the missing inputs that name a metric (a value, a series, a zero divisor),
/// the users or a list, written and sorted once per session: a row's `missing` list is then its set of inputs
/// walked in text order, with no text written per row.
#[derive(Debug)]
pub(crate) struct MissingNames {
    /// The position of each input's text in `texts`, by [`MissingNames::slot`].
    rank: Vec<usize>,
    /// The texts, sorted.
    texts: Vec<String>,
}

/// How many inputs have a fixed text: three kinds per metric, the users, and each list.
const FIXED: usize = 3 * Metric::COUNT + 1 + EntityKind::ALL.len();

impl MissingNames {
    pub(crate) fn new() -> MissingNames {
        let input =
            |slot: usize| match (slot / Metric::COUNT, Metric::ALL.get(slot % Metric::COUNT)) {
                (0, Some(m)) => MissingInput::Value(*m),
                (1, Some(m)) => MissingInput::Series(*m),
                (2, Some(m)) => MissingInput::ZeroDivisor(*m),
                _ => match slot
                    .checked_sub(3 * Metric::COUNT + 1)
                    .and_then(|i| EntityKind::ALL.get(i))
                {
                    Some(kind) => MissingInput::Entities(*kind),
                    None => MissingInput::Users,
                },
            };
        let mut by_text: Vec<(String, usize)> = (0..FIXED)
            .map(|slot| (input(slot).to_string(), slot))
            .collect();
        by_text.sort_unstable();
        let mut rank = vec![0; FIXED];
        for (position, (_, slot)) in by_text.iter().enumerate() {
            if let Some(r) = rank.get_mut(*slot) {
                *r = position;
            }
        }
        MissingNames {
            rank,
            texts: by_text.into_iter().map(|(text, _)| text).collect(),
        }
    }

    /// The index of an input with a fixed text.
    fn slot(m: &MissingInput) -> Option<usize> {
        match m {
            MissingInput::Value(m) => Some(m.index()),
            MissingInput::Series(m) => Some(Metric::COUNT + m.index()),
            MissingInput::ZeroDivisor(m) => Some(2 * Metric::COUNT + m.index()),
            MissingInput::Users => Some(3 * Metric::COUNT),
            MissingInput::Entities(kind) => EntityKind::ALL
                .iter()
                .position(|k| k == kind)
                .map(|i| 3 * Metric::COUNT + 1 + i),
            // (Texts with counts in them.)
            MissingInput::EntityField(..) | MissingInput::SeriesSamples { .. } => None,
        }
    }

    /// Appends the texts of `missing` (each input once) to `out`, sorted.
    fn append(&self, missing: &[MissingInput], out: &mut StringBuilder, scratch: &mut Vec<String>) {
        let mut ranks = [0u64; FIXED.div_ceil(64)];
        let mut fixed = true;
        for m in missing {
            match Self::slot(m).and_then(|slot| self.rank.get(slot)) {
                Some(&r) => {
                    if let Some(word) = ranks.get_mut(r / 64) {
                        *word |= 1 << (r % 64);
                    }
                }
                None => fixed = false,
            }
        }
        if fixed {
            for (w, word) in ranks.iter().enumerate() {
                let mut bits = *word;
                while bits != 0 {
                    let r = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if let Some(text) = self.texts.get(r) {
                        out.append_value(text);
                    }
                }
            }
            return;
        }
        // A list input among them: write every text and sort (rare).
        scratch.clear();
        scratch.extend(missing.iter().map(ToString::to_string));
        scratch.sort_unstable();
        for text in scratch.iter() {
            out.append_value(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every input with a fixed text, listed independently of the table's arithmetic.
    fn fixed_inputs() -> Vec<MissingInput> {
        let mut all: Vec<MissingInput> = Metric::ALL
            .iter()
            .flat_map(|m| {
                [
                    MissingInput::Value(*m),
                    MissingInput::Series(*m),
                    MissingInput::ZeroDivisor(*m),
                ]
            })
            .collect();
        all.push(MissingInput::Users);
        all.extend(EntityKind::ALL.map(MissingInput::Entities));
        all
    }

    #[test]
    fn the_table_holds_each_fixed_text_once_in_order_and_finds_it() {
        let table = MissingNames::new();
        let inputs = fixed_inputs();
        let mut expected: Vec<String> = inputs.iter().map(ToString::to_string).collect();
        expected.sort_unstable();
        assert_eq!(table.texts, expected);
        // Each input's slot leads to its own text: the rows take the fast path.
        for m in &inputs {
            let slot = MissingNames::slot(m).unwrap_or_else(|| panic!("{m:?} has no slot"));
            assert_eq!(table.texts[table.rank[slot]], m.to_string(), "{m:?}");
        }
        assert_eq!(
            MissingNames::slot(&MissingInput::EntityField(
                scalability_advisor_rules::scalability_advisor_core::EntityField::ALL[0],
                2
            )),
            None
        );
    }

    #[test]
    fn a_row_lists_its_missing_inputs_sorted_whichever_path() {
        use arrow_array::Array;
        let table = MissingNames::new();
        let field = scalability_advisor_rules::scalability_advisor_core::EntityField::ALL[0];
        let rows: [&[MissingInput]; 2] = [
            &[
                MissingInput::Users,
                MissingInput::Value(Metric::ServerCpu),
                MissingInput::Entities(EntityKind::Table),
                MissingInput::Series(Metric::DbCpu),
            ],
            &[
                MissingInput::Value(Metric::ServerCpu),
                MissingInput::EntityField(field, 3),
            ],
        ];
        for missing in rows {
            let mut out = StringBuilder::new();
            let mut scratch = Vec::new();
            table.append(missing, &mut out, &mut scratch);
            let out = out.finish();
            let got: Vec<&str> = (0..out.len()).map(|i| out.value(i)).collect();
            let mut expected: Vec<String> = missing.iter().map(ToString::to_string).collect();
            expected.sort_unstable();
            assert_eq!(got, expected);
        }
    }
}
