//! `scalability_advisor`, the Python module: scalability-advisor's Arrow kernel over pyarrow
//! record batches, crossing through the Arrow C data interface (no copy of the columns).
//!
//! ```python
//! import scalability_advisor as sa
//! out = sa.assess_batch(batch)                 # one pyarrow.RecordBatch
//! for out in sa.assess_batches(batches): ...   # any iterator of them (Spark's mapInArrow)
//! schema = sa.output_schema(batch.schema)      # what comes out, for mapInArrow's schema
//! light = sa.assess_batch(batch, columns=["stage_by_users", "fired"])  # some columns
//! ```
//!
//! The input and output schemas are those of the `scalability-advisor-arrow` crate: one row
//! per service, metrics in canonical units (null = not measured), `architecture` as a list
//! of names, key columns (`service`, `time` unless `keys` says otherwise) passed through.
// pyo3's macros allow unsafe code in what they generate; nothing else here uses it.
#![deny(unsafe_code)]

use std::sync::Mutex;

use arrow_array::RecordBatch;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use arrow_schema::Schema;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyIterator;
use scalability_advisor_arrow::{Kernel, Session};

/// The kernel for a set of key columns and output columns, made once per set and kept for
/// the life of the process (a Python worker assesses many partitions with the same ones).
fn kernel(keys: Option<Vec<String>>, columns: Option<Vec<String>>) -> PyResult<&'static Kernel> {
    type Made = (Vec<String>, Option<Vec<String>>, &'static Kernel);
    static KERNELS: Mutex<Vec<Made>> = Mutex::new(Vec::new());
    let keys = keys.unwrap_or_else(|| vec!["service".to_owned(), "time".to_owned()]);
    let mut cache = KERNELS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, _, k)) = cache.iter().find(|(k, c, _)| *k == keys && *c == columns) {
        return Ok(k);
    }
    let mut kernel = Kernel::default_pack().with_keys(keys.clone());
    if let Some(c) = &columns {
        kernel = kernel.with_columns(c).map_err(value_error)?;
    }
    let k: &'static Kernel = Box::leak(Box::new(kernel));
    cache.push((keys, columns, k));
    Ok(k)
}

fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The assessed batches of an iterator of record batches, lazily, one out per one in.
#[pyclass(module = "scalability_advisor", unsendable)]
struct Assessed {
    batches: Py<PyIterator>,
    kernel: &'static Kernel,
    session: Option<Session<'static>>,
}

#[pymethods]
impl Assessed {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let mut batches = self.batches.bind(py).clone();
        let Some(item) = batches.next() else {
            return Ok(None);
        };
        let batch = RecordBatch::from_pyarrow_bound(&item?)?;
        if self.session.is_none() {
            self.session = Some(
                self.kernel
                    .session(batch.schema_ref())
                    .map_err(value_error)?,
            );
        }
        let Some(session) = self.session.as_mut() else {
            return Ok(None);
        };
        let out = session.assess(&batch).map_err(value_error)?;
        out.to_pyarrow(py).map(Some)
    }
}

/// Assesses every batch of `batches` (an iterable of `pyarrow.RecordBatch` of one schema),
/// lazily: `df.mapInArrow(lambda it: assess_batches(it), schema)`. `columns` (a list of
/// output column names) computes and writes only those, and `error`.
#[pyfunction]
#[pyo3(signature = (batches, keys = None, columns = None))]
fn assess_batches(
    batches: &Bound<'_, PyAny>,
    keys: Option<Vec<String>>,
    columns: Option<Vec<String>>,
) -> PyResult<Assessed> {
    Ok(Assessed {
        batches: batches.try_iter()?.unbind(),
        kernel: kernel(keys, columns)?,
        session: None,
    })
}

/// Assesses one `pyarrow.RecordBatch`.
#[pyfunction]
#[pyo3(signature = (batch, keys = None, columns = None))]
fn assess_batch<'py>(
    py: Python<'py>,
    batch: &Bound<'py, PyAny>,
    keys: Option<Vec<String>>,
    columns: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let batch = RecordBatch::from_pyarrow_bound(batch)?;
    let out = kernel(keys, columns)?
        .assess_batch(&batch)
        .map_err(value_error)?;
    out.to_pyarrow(py)
}

/// The schema of what `assess_batches` yields for input of `schema` (a `pyarrow.Schema`).
#[pyfunction]
#[pyo3(signature = (schema, keys = None, columns = None))]
fn output_schema<'py>(
    py: Python<'py>,
    schema: &Bound<'py, PyAny>,
    keys: Option<Vec<String>>,
    columns: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let schema = Schema::from_pyarrow_bound(schema)?;
    let session = kernel(keys, columns)?
        .session(&schema)
        .map_err(value_error)?;
    session.output_schema().as_ref().to_pyarrow(py)
}

/// scalability-advisor's Arrow kernel for Python.
#[pymodule]
fn scalability_advisor(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Assessed>()?;
    m.add_function(wrap_pyfunction!(assess_batches, m)?)?;
    m.add_function(wrap_pyfunction!(assess_batch, m)?)?;
    m.add_function(wrap_pyfunction!(output_schema, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
