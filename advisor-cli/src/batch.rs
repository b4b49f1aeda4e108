//! `assess --batch`: a fleet, one service per row, streamed through the Arrow kernel.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, BufWriter, IsTerminal, Seek, Write as _};
use std::path::Path;
use std::sync::Arc;

use scalability_advisor_arrow::arrow_array::cast::AsArray;
use scalability_advisor_arrow::arrow_array::{Array, RecordBatch, RecordBatchReader, StringArray};
use scalability_advisor_arrow::arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use scalability_advisor_arrow::fleet::synthetic_fleet;
use scalability_advisor_arrow::{Kernel, MAX_BATCH_ROWS};
use scalability_advisor_core::{Metric, UnitKind};
use scalability_advisor_rules::{Engine, Severity};

use crate::input::Failure;

/// Rows read at a time: memory stays flat whatever the file's size.
const READ_ROWS: usize = 8_192;

/// How many of the most frequent findings the summary lists.
const TOP_FINDINGS: usize = 10;

/// The input formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputFormat {
    Parquet,
    Arrow,
    Csv,
}

fn input_format(path: &Path) -> Result<InputFormat, Failure> {
    match extension(path).as_str() {
        "parquet" | "pq" => Ok(InputFormat::Parquet),
        "arrow" | "arrows" | "ipc" | "feather" => Ok(InputFormat::Arrow),
        "csv" => Ok(InputFormat::Csv),
        _ => Err(Failure(format!(
            "{}: a batch is read from .parquet, .arrow (Arrow IPC, file or stream) or .csv; rename the file or convert it",
            path.display()
        ))),
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn failed(path: &Path, e: impl std::fmt::Display) -> Failure {
    Failure(format!("{}: {e}", path.display()))
}

/// What a CSV column must hold when its name says: metrics as numbers (booleans for yes/no
/// metrics), names as text. Inference from the first rows would read a metric that is
/// empty there as text.
fn csv_type(name: &str, inferred: &DataType) -> DataType {
    if matches!(name, "architecture" | "tried" | "practices") {
        return DataType::Utf8;
    }
    let metric = Metric::from_name(name).or_else(|| {
        name.strip_suffix("_ms")
            .and_then(Metric::from_name)
            .filter(|m| m.unit() == UnitKind::Duration)
    });
    match metric.map(Metric::unit) {
        Some(UnitKind::Flag) => DataType::Boolean,
        Some(_) => DataType::Float64,
        None => inferred.clone(),
    }
}

/// Opens `path` as a stream of record batches, and says how many rows it holds when the
/// format tells (Parquet and Arrow IPC files do).
fn open(path: &Path) -> Result<(Box<dyn RecordBatchReader>, Option<u64>), Failure> {
    let format = input_format(path)?;
    let file = File::open(path).map_err(|e| failed(path, e))?;
    match format {
        InputFormat::Parquet => {
            let builder =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                    .map_err(|e| failed(path, e))?;
            let rows = u64::try_from(builder.metadata().file_metadata().num_rows()).ok();
            let reader = builder
                .with_batch_size(READ_ROWS)
                .build()
                .map_err(|e| failed(path, e))?;
            Ok((Box::new(reader), rows))
        }
        InputFormat::Arrow => {
            match arrow_ipc::reader::FileReader::try_new(BufReader::new(file), None) {
                Ok(reader) => {
                    let rows = None;
                    Ok((Box::new(reader), rows))
                }
                Err(_) => {
                    // Not the random-access file format: the streaming one.
                    let file = File::open(path).map_err(|e| failed(path, e))?;
                    let reader =
                        arrow_ipc::reader::StreamReader::try_new(BufReader::new(file), None)
                            .map_err(|e| failed(path, e))?;
                    Ok((Box::new(reader), None))
                }
            }
        }
        InputFormat::Csv => {
            let mut file = file;
            let format = arrow_csv::reader::Format::default().with_header(true);
            let (inferred, _) = format
                .infer_schema(BufReader::new(&mut file), Some(1_000))
                .map_err(|e| failed(path, e))?;
            file.rewind().map_err(|e| failed(path, e))?;
            let fields: Vec<Field> = inferred
                .fields()
                .iter()
                .map(|f| Field::new(f.name(), csv_type(f.name(), f.data_type()), true))
                .collect();
            let reader = arrow_csv::ReaderBuilder::new(Arc::new(Schema::new(fields)))
                .with_format(format)
                .with_batch_size(READ_ROWS)
                .build(BufReader::new(file))
                .map_err(|e| failed(path, e))?;
            Ok((Box::new(reader), None))
        }
    }
}

/// Where assessed rows go.
enum Sink {
    Parquet(parquet::arrow::ArrowWriter<File>),
    Jsonl(arrow_json::LineDelimitedWriter<BufWriter<File>>),
}

impl Sink {
    fn create(path: &Path, schema: SchemaRef) -> Result<Sink, Failure> {
        let ext = extension(path);
        if !matches!(ext.as_str(), "parquet" | "pq" | "jsonl" | "ndjson") {
            return Err(Failure(format!(
                "{}: results are written as .parquet or .jsonl (JSON Lines)",
                path.display()
            )));
        }
        let file = File::create(path).map_err(|e| failed(path, e))?;
        if ext == "jsonl" || ext == "ndjson" {
            return Ok(Sink::Jsonl(arrow_json::LineDelimitedWriter::new(
                BufWriter::new(file),
            )));
        }
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::ZSTD(
                parquet::basic::ZstdLevel::default(),
            ))
            .build();
        parquet::arrow::ArrowWriter::try_new(file, schema, Some(props))
            .map(Sink::Parquet)
            .map_err(|e| failed(path, e))
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<(), String> {
        match self {
            Sink::Parquet(w) => w.write(batch).map_err(|e| e.to_string()),
            Sink::Jsonl(w) => w.write(batch).map_err(|e| e.to_string()),
        }
    }

    fn finish(self) -> Result<(), String> {
        match self {
            Sink::Parquet(w) => w.close().map(|_| ()).map_err(|e| e.to_string()),
            Sink::Jsonl(mut w) => w.finish().map_err(|e| e.to_string()),
        }
    }
}

/// What the fleet looks like, counted as batches go by (memory bounded by the number of
/// rules, not of services).
#[derive(Debug, Default, serde::Serialize)]
pub(crate) struct Summary {
    services: u64,
    errors: u64,
    first_error: Option<String>,
    /// `None` when `--columns` left `stage_by_users` out.
    by_stage: Option<Vec<(String, u64)>>,
    /// `None` when `--columns` left `worst_severity` out.
    by_worst_severity: Option<Vec<(String, u64)>>,
    /// `None` when `--columns` left `fired` out.
    top_findings: Option<Vec<(String, u64)>>,
    /// The plan's first steps by title, most frequent first: what the fleet has to do first.
    /// `None` when `--columns` left `first_step` out.
    top_first_steps: Option<Vec<(String, u64)>>,
    #[serde(skip)]
    findings: HashMap<String, u64>,
    #[serde(skip)]
    first_steps: HashMap<String, u64>,
}

/// The most distinct first-step titles counted one by one; any further title is counted
/// under [`OTHER_STEPS`]. Titles come from the pack's rules and the guide's remedies, so a
/// fleet has a few dozen; the cap keeps memory bounded whatever a custom pack writes.
const MAX_STEP_TITLES: usize = 4_096;

/// The key under which first steps past [`MAX_STEP_TITLES`] are counted.
const OTHER_STEPS: &str = "(other steps)";

fn text(a: &StringArray, i: usize) -> Option<&str> {
    (!a.is_null(i)).then(|| a.value(i))
}

fn bump(counts: &mut Vec<(String, u64)>, key: &str) {
    match counts.iter_mut().find(|(k, _)| k == key) {
        Some((_, n)) => *n += 1,
        None => counts.push((key.to_owned(), 1)),
    }
}

impl Summary {
    fn add(&mut self, out: &RecordBatch, first_row: u64) {
        let column = |name: &str| out.column_by_name(name).map(|c| c.as_string::<i32>());
        let (stage, worst) = (column("stage_by_users"), column("worst_severity"));
        let Some(error) = column("error") else {
            return;
        };
        // A breakdown is kept for the columns written (all of them but with `--columns`).
        if stage.is_some() {
            self.by_stage.get_or_insert_with(Vec::new);
        }
        if worst.is_some() {
            self.by_worst_severity.get_or_insert_with(Vec::new);
        }
        for i in 0..out.num_rows() {
            self.services += 1;
            if let Some(e) = text(error, i) {
                self.errors += 1;
                if self.first_error.is_none() {
                    self.first_error = Some(format!("row {}: {e}", first_row + i as u64));
                }
                continue;
            }
            if let (Some(counts), Some(stage)) = (self.by_stage.as_mut(), stage) {
                bump(counts, text(stage, i).unwrap_or("unknown (no users)"));
            }
            if let (Some(counts), Some(worst)) = (self.by_worst_severity.as_mut(), worst) {
                bump(counts, text(worst, i).unwrap_or("none"));
            }
        }
        if let Some(first) = column("first_step") {
            self.top_first_steps.get_or_insert_with(Vec::new);
            for i in 0..out.num_rows() {
                if text(error, i).is_some() {
                    continue;
                }
                let Some(title) = text(first, i) else {
                    continue;
                };
                if let Some(n) = self.first_steps.get_mut(title) {
                    *n += 1;
                } else if self.first_steps.len() < MAX_STEP_TITLES {
                    self.first_steps.insert(title.to_owned(), 1);
                } else {
                    *self.first_steps.entry(OTHER_STEPS.to_owned()).or_insert(0) += 1;
                }
            }
        }
        if let Some(fired) = out.column_by_name("fired").map(|c| c.as_list::<i32>()) {
            self.top_findings.get_or_insert_with(Vec::new);
            let ids = fired.values().as_string::<i32>();
            for i in 0..ids.len() {
                if !ids.is_null(i) {
                    let id = ids.value(i);
                    match self.findings.get_mut(id) {
                        Some(n) => *n += 1,
                        None => {
                            self.findings.insert(id.to_owned(), 1);
                        }
                    }
                }
            }
        }
    }

    fn finish(&mut self) {
        let order =
            |v: &mut Vec<(String, u64)>| v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if let Some(v) = self.by_stage.as_mut() {
            order(v);
        }
        if let Some(v) = self.by_worst_severity.as_mut() {
            order(v);
        }
        let mut top: Vec<(String, u64)> = self.findings.drain().collect();
        order(&mut top);
        top.truncate(TOP_FINDINGS);
        if let Some(t) = self.top_findings.as_mut() {
            *t = top;
        }
        let mut steps: Vec<(String, u64)> = self.first_steps.drain().collect();
        order(&mut steps);
        steps.truncate(TOP_FINDINGS);
        if let Some(t) = self.top_first_steps.as_mut() {
            *t = steps;
        }
    }

    /// The worst severity a `--fail-on` gate can act on (warning or critical; a note is
    /// below every gate).
    fn worst(&self) -> Option<Severity> {
        self.by_worst_severity
            .iter()
            .flatten()
            .filter_map(|(s, _)| match s.as_str() {
                "critical" => Some(Severity::Critical),
                "warning" => Some(Severity::Warning),
                _ => None,
            })
            .max()
    }

    pub(crate) fn to_text(&self, input: &Path, out: Option<&Path>) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Fleet: {} services in {} ({} could not be assessed)",
            self.services,
            input.display(),
            self.errors
        );
        if let Some(e) = &self.first_error {
            let _ = writeln!(s, "  first error: {e}");
        }
        const LEFT_OUT: &str = "not computed (its column is not among --columns)";
        let line = |s: &mut String, title: &str, counts: Option<&Vec<(String, u64)>>| {
            let parts: Vec<String> = counts
                .map(|c| c.iter().map(|(k, n)| format!("{k} {n}")).collect())
                .unwrap_or_else(|| vec![LEFT_OUT.to_owned()]);
            let _ = writeln!(s, "  {title}: {}", parts.join(", "));
        };
        line(&mut s, "by stage (users)", self.by_stage.as_ref());
        line(&mut s, "by worst severity", self.by_worst_severity.as_ref());
        match &self.top_findings {
            Some(top) => {
                let _ = writeln!(s, "  most frequent findings (services):");
                for (id, n) in top {
                    let _ = writeln!(s, "    {n:>10}  {id}");
                }
            }
            None => {
                let _ = writeln!(s, "  most frequent findings: {LEFT_OUT}");
            }
        }
        match &self.top_first_steps {
            Some(top) => {
                let _ = writeln!(s, "  most frequent first steps of the plan (services):");
                for (title, n) in top {
                    let _ = writeln!(s, "    {n:>10}  {title}");
                }
            }
            None => {
                let _ = writeln!(s, "  most frequent first steps: {LEFT_OUT}");
            }
        }
        if let Some(p) = out {
            let _ = writeln!(s, "Written: {} ({} rows)", p.display(), self.services);
        }
        s
    }
}

/// Streams `input` through the kernel into `out`, and sums the fleet up.
pub(crate) fn run(
    engine: Engine,
    input: &Path,
    out: Option<&Path>,
    keys: &[String],
    columns: Option<&[String]>,
) -> Result<(Summary, Option<Severity>), Failure> {
    let (reader, total) = open(input)?;
    let mut kernel = Kernel::new(engine).with_keys(keys.iter().cloned());
    if let Some(columns) = columns {
        kernel = kernel
            .with_columns(columns)
            .map_err(|e| Failure(format!("--columns: {e}")))?;
    }
    let schema = reader.schema();
    let mut session = kernel.session(&schema).map_err(|e| failed(input, e))?;
    let mut sink = match out {
        Some(p) => Some(Sink::create(p, session.output_schema())?),
        None => None,
    };
    let progress = std::io::stderr().is_terminal();
    let mut summary = Summary::default();
    let mut done = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e: ArrowError| failed(input, e))?;
        for (offset, len) in chunks(batch.num_rows(), MAX_BATCH_ROWS) {
            let part = batch.slice(offset, len);
            let assessed = session.assess(&part).map_err(|e| failed(input, e))?;
            summary.add(&assessed, done);
            if let (Some(s), Some(p)) = (sink.as_mut(), out) {
                s.write(&assessed).map_err(|e| failed(p, e))?;
            }
            done += len as u64;
        }
        if progress {
            let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
            let mut err = std::io::stderr();
            let _ = write!(err, "\rassessed {done}{of} services");
            let _ = err.flush();
        }
    }
    if progress {
        eprintln!();
    }
    if let (Some(s), Some(p)) = (sink, out) {
        s.finish().map_err(|e| failed(p, e))?;
    }
    summary.finish();
    let worst = summary.worst();
    Ok((summary, worst))
}

/// `(start, length)` of the consecutive chunks of at most `size` rows (at least 1) that
/// cover `total` rows, in order.
fn chunks(total: usize, size: usize) -> impl Iterator<Item = (usize, usize)> {
    let size = size.max(1);
    (0..total)
        .step_by(size)
        .map(move |start| (start, (total - start).min(size)))
}

/// Rows generated at a time by [`write_fleet`].
const FLEET_ROWS: usize = 65_536;

/// Writes `services` synthetic services (seeded) to `path`, in batches; returns how many.
pub(crate) fn write_fleet(services: u64, seed: u64, path: &Path) -> Result<u64, Failure> {
    let ext = extension(path);
    let first = synthetic_fleet(0, seed, 0).map_err(|e| failed(path, e))?;
    let csv_schema = |schema: &Schema| {
        let fields: Vec<Field> = schema
            .fields()
            .iter()
            .map(|f| {
                let t = if f.name() == "architecture" {
                    DataType::Utf8
                } else {
                    f.data_type().clone()
                };
                Field::new(f.name(), t, true)
            })
            .collect();
        Arc::new(Schema::new(fields))
    };
    let file = File::create(path).map_err(|e| failed(path, e))?;
    enum FleetSink {
        Parquet(parquet::arrow::ArrowWriter<File>),
        Arrow(arrow_ipc::writer::FileWriter<BufWriter<File>>),
        Csv(arrow_csv::Writer<BufWriter<File>>, SchemaRef),
    }
    let mut sink = match ext.as_str() {
        "parquet" | "pq" => FleetSink::Parquet(
            parquet::arrow::ArrowWriter::try_new(file, first.schema(), None)
                .map_err(|e| failed(path, e))?,
        ),
        "arrow" | "ipc" | "feather" => FleetSink::Arrow(
            arrow_ipc::writer::FileWriter::try_new(BufWriter::new(file), first.schema_ref())
                .map_err(|e| failed(path, e))?,
        ),
        "csv" => FleetSink::Csv(
            arrow_csv::Writer::new(BufWriter::new(file)),
            csv_schema(first.schema_ref()),
        ),
        _ => {
            return Err(Failure(format!(
                "{}: a fleet is written as .parquet, .arrow or .csv",
                path.display()
            )));
        }
    };
    let total = usize::try_from(services).map_err(|_| {
        Failure(format!(
            "{}: {services} services are more than this machine can count",
            path.display()
        ))
    })?;
    let mut made = 0u64;
    for (_, rows) in chunks(total, FLEET_ROWS) {
        let batch = synthetic_fleet(rows, seed, made).map_err(|e| failed(path, e))?;
        let written = match &mut sink {
            FleetSink::Parquet(w) => w.write(&batch).map_err(|e| e.to_string()),
            FleetSink::Arrow(w) => w.write(&batch).map_err(|e| e.to_string()),
            FleetSink::Csv(w, schema) => joined_architecture(&batch, Arc::clone(schema))
                .and_then(|b| w.write(&b))
                .map_err(|e| e.to_string()),
        };
        written.map_err(|e| failed(path, e))?;
        made += rows as u64;
    }
    let closed = match sink {
        FleetSink::Parquet(w) => w.close().map(|_| ()).map_err(|e| e.to_string()),
        FleetSink::Arrow(mut w) => w.finish().map_err(|e| e.to_string()),
        FleetSink::Csv(w, _) => w.into_inner().flush().map_err(|e| e.to_string()),
    };
    closed.map_err(|e| failed(path, e))?;
    Ok(made)
}

/// The batch with its `architecture` list turned into one string of names joined by `;`
/// (CSV has no lists).
fn joined_architecture(batch: &RecordBatch, schema: SchemaRef) -> Result<RecordBatch, ArrowError> {
    let mut columns = batch.columns().to_vec();
    if let Some(i) = schema
        .fields()
        .iter()
        .position(|f| f.name() == "architecture")
        && let Some(list) = batch.column(i).as_list_opt::<i32>()
    {
        let names = list.values().as_string::<i32>();
        let offsets = list.value_offsets();
        let joined: StringArray = offsets
            .windows(2)
            .map(|w| {
                let (start, end) = (w[0].unsigned_abs() as usize, w[1].unsigned_abs() as usize);
                Some(
                    (start..end)
                        .map(|j| names.value(j))
                        .collect::<Vec<_>>()
                        .join(";"),
                )
            })
            .collect();
        columns[i] = Arc::new(joined);
    }
    RecordBatch::try_new(schema, columns)
}

#[cfg(test)]
mod tests {
    use super::chunks;
    use super::{MAX_STEP_TITLES, OTHER_STEPS, Summary};
    use scalability_advisor_arrow::arrow_array::{ArrayRef, RecordBatch, StringArray};
    use std::sync::Arc;

    #[test]
    fn first_steps_past_the_cap_are_counted_together() {
        // Two more distinct titles than the cap, then the first title again, and a row in
        // error (not counted) and one with no step.
        let mut titles: Vec<Option<String>> = (0..MAX_STEP_TITLES + 2)
            .map(|i| Some(format!("step {i}")))
            .collect();
        titles.push(Some("step 0".to_owned()));
        titles.push(Some("step 1".to_owned()));
        titles.push(None);
        let rows = titles.len();
        let mut errors: Vec<Option<&str>> = vec![None; rows];
        errors[rows - 2] = Some("column `x`: bad");
        let batch = RecordBatch::try_from_iter([
            (
                "first_step",
                Arc::new(StringArray::from(titles)) as ArrayRef,
            ),
            ("error", Arc::new(StringArray::from(errors)) as ArrayRef),
        ])
        .expect("a batch");
        let mut summary = Summary::default();
        summary.add(&batch, 0);
        summary.finish();
        let top = summary.top_first_steps.expect("counted");
        // "step 0" twice; the two titles past the cap under one key; the rest once each.
        assert_eq!(top[0], ("(other steps)".to_owned(), 2));
        assert_eq!(top[1], ("step 0".to_owned(), 2));
        assert!(top.iter().skip(2).all(|(_, n)| *n == 1), "{top:?}");
        assert_eq!(top.len(), super::TOP_FINDINGS);
        assert_eq!(OTHER_STEPS, "(other steps)");
    }

    #[test]
    fn chunks_cover_every_row_once_in_order() {
        let all = |total, size| chunks(total, size).collect::<Vec<_>>();
        assert_eq!(all(7, 3), [(0, 3), (3, 3), (6, 1)]);
        assert_eq!(all(6, 3), [(0, 3), (3, 3)]);
        assert_eq!(all(2, 5), [(0, 2)]);
        assert_eq!(all(0, 3), []);
        // A size of 0 is taken as 1 rather than looping forever.
        assert_eq!(all(2, 0), [(0, 1), (1, 1)]);
    }
}
