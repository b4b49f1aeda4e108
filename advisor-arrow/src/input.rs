//! Binding an input schema to metrics, and reading one row into a snapshot.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType, DurationSecondType,
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, GenericListArray, OffsetSizeTrait, RecordBatch};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, Schema, TimeUnit};
use scalability_advisor_rules::scalability_advisor_core::patterns::ChecklistItem;
use scalability_advisor_rules::scalability_advisor_core::{
    Component, Metric, MetricsSnapshot, Remedy, UnitKind,
};

use crate::{KernelError, MAX_LIST_ITEMS, MAX_NAME_BYTES, OUTPUT_COLUMNS};

/// What a column of the input is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// A metric, with the factor that takes its values to canonical units.
    Metric { metric: Metric, scale: Scale },
    /// A list of names: the architecture, the remedies tried, the practices in place.
    Names(NameList),
    /// Passed through to the output unchanged.
    Key,
}

/// The factor from a column's values to canonical units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scale {
    /// Already canonical.
    One,
    /// Milliseconds (a `_ms` column of a duration metric, or a millisecond Duration type).
    Milli,
    /// Microseconds (a microsecond Duration type).
    Micro,
    /// Nanoseconds (a nanosecond Duration type).
    Nano,
}

impl Scale {
    /// What a value is divided by into canonical units (dividing by 1 changes no value,
    /// not even a NaN or a negative zero).
    const fn divisor(self) -> f64 {
        match self {
            Scale::One => 1.0,
            Scale::Milli => 1e3,
            Scale::Micro => 1e6,
            Scale::Nano => 1e9,
        }
    }
}

/// The three list columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameList {
    Architecture,
    Tried,
    Practices,
}

impl NameList {
    const ALL: [NameList; 3] = [NameList::Architecture, NameList::Tried, NameList::Practices];

    pub(crate) const fn column(self) -> &'static str {
        match self {
            NameList::Architecture => "architecture",
            NameList::Tried => "tried",
            NameList::Practices => "practices",
        }
    }
}

/// An input schema, bound once: the role of each column.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) roles: Vec<(usize, Role)>,
}

fn is_numeric(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Float32
            | DataType::Float64
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Decimal128(_, _)
    )
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn is_name_list(t: &DataType) -> bool {
    match t {
        DataType::List(f) | DataType::LargeList(f) => is_string(f.data_type()),
        other => is_string(other),
    }
}

/// The metric a column name gives, and the scale of its values when the type says nothing:
/// `db_cpu`, or `p95_response_time_ms` for a duration in milliseconds.
fn metric_of(name: &str) -> Option<(Metric, Scale)> {
    if let Some(m) = Metric::from_name(name) {
        return Some((m, Scale::One));
    }
    let base = name.strip_suffix("_ms")?;
    Metric::from_name(base)
        .filter(|m| m.unit() == UnitKind::Duration)
        .map(|m| (m, Scale::Milli))
}

/// The closest metric name to an unknown column, for the error's hint: the one that shares
/// the longest prefix, if it shares at least half of the name.
fn suggestion(name: &str) -> Option<&'static str> {
    let common = |m: &Metric| {
        m.name()
            .bytes()
            .zip(name.bytes())
            .take_while(|(a, b)| a == b)
            .count()
    };
    Metric::ALL
        .iter()
        .map(|m| (common(m), m.name()))
        .max_by_key(|(n, _)| *n)
        .filter(|(n, _)| *n * 2 >= name.len() && *n > 0)
        .map(|(_, n)| n)
}

fn type_expected(metric: Metric) -> &'static str {
    match metric.unit() {
        UnitKind::Flag => "a boolean",
        UnitKind::Duration => {
            "a number of seconds (or of milliseconds with the `_ms` suffix) or an Arrow duration"
        }
        _ => "a number (integer or floating point)",
    }
}

impl Binding {
    /// Binds `schema`: each column is a metric, one of the three name lists, or a key named
    /// in `keys`; anything else is an error.
    pub(crate) fn new(schema: &Schema, keys: &[String]) -> Result<Binding, KernelError> {
        let mut roles = Vec::with_capacity(schema.fields().len());
        let mut seen: Vec<(Metric, &str)> = Vec::new();
        for (i, field) in schema.fields().iter().enumerate() {
            let name = field.name().as_str();
            let t = field.data_type();
            if keys.iter().any(|k| k == name) {
                if OUTPUT_COLUMNS.contains(&name) {
                    return Err(KernelError::KeyCollision {
                        column: name.to_owned(),
                    });
                }
                roles.push((i, Role::Key));
                continue;
            }
            if let Some(list) = NameList::ALL.into_iter().find(|l| l.column() == name) {
                if !is_name_list(t) {
                    return Err(KernelError::WrongType {
                        column: name.to_owned(),
                        found: t.to_string(),
                        expected: "a list of strings, or one string of names separated by commas",
                    });
                }
                roles.push((i, Role::Names(list)));
                continue;
            }
            let Some((metric, name_scale)) = metric_of(name) else {
                return Err(KernelError::UnknownColumn {
                    column: name.to_owned(),
                    suggestion: suggestion(name),
                });
            };
            if let Some((_, first)) = seen.iter().find(|(m, _)| *m == metric) {
                return Err(KernelError::Duplicate {
                    metric: metric.name(),
                    first: (*first).to_owned(),
                    second: name.to_owned(),
                });
            }
            seen.push((metric, name));
            let scale = match (metric.unit(), t) {
                (UnitKind::Flag, DataType::Boolean) => Some(Scale::One),
                (UnitKind::Flag, _) => None,
                (UnitKind::Duration, DataType::Duration(unit)) if name_scale == Scale::One => {
                    Some(match unit {
                        TimeUnit::Second => Scale::One,
                        TimeUnit::Millisecond => Scale::Milli,
                        TimeUnit::Microsecond => Scale::Micro,
                        TimeUnit::Nanosecond => Scale::Nano,
                    })
                }
                (_, t) if is_numeric(t) => Some(name_scale),
                _ => None,
            }
            .or_wrong(name, t, metric)?;
            roles.push((i, Role::Metric { metric, scale }));
        }
        Ok(Binding { roles })
    }
}

trait OrWrongType<T> {
    fn or_wrong(self, column: &str, t: &DataType, metric: Metric) -> Result<T, KernelError>;
}

impl<T> OrWrongType<T> for Option<T> {
    fn or_wrong(self, column: &str, t: &DataType, metric: Metric) -> Result<T, KernelError> {
        self.ok_or_else(|| KernelError::WrongType {
            column: column.to_owned(),
            found: t.to_string(),
            expected: type_expected(metric),
        })
    }
}

/// A numeric or boolean column, downcast once per batch.
#[derive(Debug)]
enum Values<'a> {
    F64(&'a arrow_array::Float64Array),
    F32(&'a arrow_array::Float32Array),
    I64(&'a arrow_array::Int64Array),
    I32(&'a arrow_array::Int32Array),
    I16(&'a arrow_array::Int16Array),
    I8(&'a arrow_array::Int8Array),
    U64(&'a arrow_array::UInt64Array),
    U32(&'a arrow_array::UInt32Array),
    U16(&'a arrow_array::UInt16Array),
    U8(&'a arrow_array::UInt8Array),
    DurS(&'a arrow_array::DurationSecondArray),
    DurMs(&'a arrow_array::DurationMillisecondArray),
    DurUs(&'a arrow_array::DurationMicrosecondArray),
    DurNs(&'a arrow_array::DurationNanosecondArray),
    Bool(&'a arrow_array::BooleanArray),
    /// A decimal, with 10 to the power of its scale.
    Dec(&'a arrow_array::Decimal128Array, f64),
}

impl<'a> Values<'a> {
    fn of(a: &'a ArrayRef) -> Option<Values<'a>> {
        Some(match a.data_type() {
            DataType::Float64 => Values::F64(a.as_primitive::<Float64Type>()),
            DataType::Float32 => Values::F32(a.as_primitive::<Float32Type>()),
            DataType::Int64 => Values::I64(a.as_primitive::<Int64Type>()),
            DataType::Int32 => Values::I32(a.as_primitive::<Int32Type>()),
            DataType::Int16 => Values::I16(a.as_primitive::<Int16Type>()),
            DataType::Int8 => Values::I8(a.as_primitive::<Int8Type>()),
            DataType::UInt64 => Values::U64(a.as_primitive::<UInt64Type>()),
            DataType::UInt32 => Values::U32(a.as_primitive::<UInt32Type>()),
            DataType::UInt16 => Values::U16(a.as_primitive::<UInt16Type>()),
            DataType::UInt8 => Values::U8(a.as_primitive::<UInt8Type>()),
            DataType::Duration(TimeUnit::Second) => {
                Values::DurS(a.as_primitive::<DurationSecondType>())
            }
            DataType::Duration(TimeUnit::Millisecond) => {
                Values::DurMs(a.as_primitive::<DurationMillisecondType>())
            }
            DataType::Duration(TimeUnit::Microsecond) => {
                Values::DurUs(a.as_primitive::<DurationMicrosecondType>())
            }
            DataType::Duration(TimeUnit::Nanosecond) => {
                Values::DurNs(a.as_primitive::<DurationNanosecondType>())
            }
            DataType::Boolean => Values::Bool(a.as_boolean()),
            DataType::Decimal128(_, scale) => Values::Dec(
                a.as_primitive::<arrow_array::types::Decimal128Type>(),
                10f64.powi(i32::from(*scale)),
            ),
            _ => return None,
        })
    }

    /// Every row's value in canonical units (divided by `scale`'s factor, as a file's
    /// milliseconds are), into `out`, column by column: one tight loop per column instead
    /// of a dispatch per value. Null rows hold 0 here; [`Values::nulls`] says which they are.
    #[expect(
        clippy::cast_precision_loss,
        reason = "64-bit counts above 2^53 lose only digits no threshold can see"
    )]
    fn canonical_into(&self, scale: Scale, out: &mut Vec<f64>) {
        out.clear();
        let divisor = scale.divisor();
        macro_rules! num {
            ($a:expr) => {
                out.extend($a.values().iter().map(|v| *v as f64 / divisor))
            };
        }
        match self {
            Values::F64(a) => num!(a),
            Values::F32(a) => num!(a),
            Values::I64(a) => num!(a),
            Values::I32(a) => num!(a),
            Values::I16(a) => num!(a),
            Values::I8(a) => num!(a),
            Values::U64(a) => num!(a),
            Values::U32(a) => num!(a),
            Values::U16(a) => num!(a),
            Values::U8(a) => num!(a),
            Values::DurS(a) => num!(a),
            Values::DurMs(a) => num!(a),
            Values::DurUs(a) => num!(a),
            Values::DurNs(a) => num!(a),
            Values::Bool(a) => out.extend(
                a.values()
                    .iter()
                    .map(|v| (if v { 1.0 } else { 0.0 }) / divisor),
            ),
            Values::Dec(a, unit) => {
                out.extend(a.values().iter().map(|v| *v as f64 / unit / divisor))
            }
        }
    }

    /// Which rows are null, when some may be.
    fn nulls(&self) -> Option<&'a NullBuffer> {
        match *self {
            Values::F64(a) => a.nulls(),
            Values::F32(a) => a.nulls(),
            Values::I64(a) => a.nulls(),
            Values::I32(a) => a.nulls(),
            Values::I16(a) => a.nulls(),
            Values::I8(a) => a.nulls(),
            Values::U64(a) => a.nulls(),
            Values::U32(a) => a.nulls(),
            Values::U16(a) => a.nulls(),
            Values::U8(a) => a.nulls(),
            Values::DurS(a) => a.nulls(),
            Values::DurMs(a) => a.nulls(),
            Values::DurUs(a) => a.nulls(),
            Values::DurNs(a) => a.nulls(),
            Values::Bool(a) => a.nulls(),
            Values::Dec(a, _) => a.nulls(),
        }
    }
}

#[derive(Debug)]
enum Names<'a> {
    List(&'a GenericListArray<i32>, Strings<'a>),
    LargeList(&'a GenericListArray<i64>, Strings<'a>),
    Joined(Strings<'a>),
}

/// A string array of any of Arrow's three layouts.
#[derive(Debug)]
enum Strings<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl<'a> Strings<'a> {
    fn of(a: &'a dyn Array) -> Option<Strings<'a>> {
        Some(match a.data_type() {
            DataType::Utf8 => Strings::Utf8(a.as_string::<i32>()),
            DataType::LargeUtf8 => Strings::Large(a.as_string::<i64>()),
            DataType::Utf8View => Strings::View(a.as_string_view()),
            _ => return None,
        })
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strings::Utf8(a) => (!a.is_null(i)).then(|| a.value(i)),
            Strings::Large(a) => (!a.is_null(i)).then(|| a.value(i)),
            Strings::View(a) => (!a.is_null(i)).then(|| a.value(i)),
        }
    }
}

fn list_range<O: OffsetSizeTrait>(list: &GenericListArray<O>, row: usize) -> (usize, usize) {
    let offsets = list.value_offsets();
    let start = offsets.get(row).map_or(0, |o| o.as_usize());
    let end = offsets.get(row + 1).map_or(start, |o| o.as_usize());
    (start, end)
}

/// The first and past-the-last values a list array's rows list.
fn list_span<O: OffsetSizeTrait>(list: &GenericListArray<O>) -> Option<(usize, usize)> {
    let offsets = list.value_offsets();
    Some((offsets.first()?.as_usize(), offsets.last()?.as_usize()))
}

impl<'a> Names<'a> {
    fn of(a: &'a ArrayRef) -> Option<Names<'a>> {
        match a.data_type() {
            DataType::List(_) => {
                let l = a.as_list::<i32>();
                Some(Names::List(l, Strings::of(l.values().as_ref())?))
            }
            DataType::LargeList(_) => {
                let l = a.as_list::<i64>();
                Some(Names::LargeList(l, Strings::of(l.values().as_ref())?))
            }
            _ => Strings::of(a.as_ref()).map(Names::Joined),
        }
    }

    /// The values of a list's `row` (empty for a null); `None` for a joined string.
    #[inline]
    fn range(&self, row: usize) -> Option<(usize, usize)> {
        match self {
            Names::List(l, _) if l.is_null(row) => Some((0, 0)),
            Names::List(l, _) => Some(list_range(l, row)),
            Names::LargeList(l, _) if l.is_null(row) => Some((0, 0)),
            Names::LargeList(l, _) => Some(list_range(l, row)),
            Names::Joined(_) => None,
        }
    }

    /// Calls `each` with every name of `row` (none for a null), or stops at the first error.
    fn for_each(
        &self,
        row: usize,
        column: &str,
        mut each: impl FnMut(&str) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut count = 0usize;
        let mut one = |name: &str| {
            count += 1;
            if count > MAX_LIST_ITEMS {
                return Err(format!(
                    "column `{column}`: more than {MAX_LIST_ITEMS} names in one row"
                ));
            }
            if name.len() > MAX_NAME_BYTES {
                return Err(format!(
                    "column `{column}`: a name of {} bytes (at most {MAX_NAME_BYTES})",
                    name.len()
                ));
            }
            each(name)
        };
        match self {
            Names::List(l, s) => {
                if l.is_null(row) {
                    return Ok(());
                }
                let (start, end) = list_range(l, row);
                (start..end).filter_map(|i| s.get(i)).try_for_each(&mut one)
            }
            Names::LargeList(l, s) => {
                if l.is_null(row) {
                    return Ok(());
                }
                let (start, end) = list_range(l, row);
                (start..end).filter_map(|i| s.get(i)).try_for_each(&mut one)
            }
            Names::Joined(s) => s.get(row).map_or(Ok(()), |text| {
                text.split([',', ';', '|'])
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .try_for_each(&mut one)
            }),
        }
    }
}

/// One metric's column in canonical units, with its null rows written as NaN so that a row
/// is told present or not by its value alone, without a look at the null bitmap.
#[derive(Debug)]
struct MetricColumn<'a> {
    metric: Metric,
    name: &'a str,
    values: Vec<f64>,
    /// Which rows are null, kept only when some non-null row holds a NaN (an error to
    /// report): only then does a NaN not mean "null".
    nulls_when_nan: Option<&'a NullBuffer>,
    /// Whether some non-null row holds a NaN.
    nan_in_data: bool,
}

impl<'a> MetricColumn<'a> {
    fn new(metric: Metric, name: &'a str, values: &Values<'a>, scale: Scale, len: usize) -> Self {
        let mut canonical = Vec::with_capacity(len);
        values.canonical_into(scale, &mut canonical);
        let nulls = values.nulls();
        // (A fold rather than `any`: it runs branch-free over the whole column.)
        let nan_in_data = canonical.iter().fold(false, |a, v| a | v.is_nan())
            && canonical
                .iter()
                .enumerate()
                .any(|(i, v)| v.is_nan() && nulls.is_none_or(|n| n.is_valid(i)));
        if let Some(n) = nulls {
            // 64 rows at a time: most words have no null.
            let chunks = n.inner().bit_chunks();
            for (word, chunk) in chunks.iter_padded().zip(canonical.chunks_mut(64)) {
                let mut unset = !word;
                while unset != 0 {
                    if let Some(v) = chunk.get_mut(unset.trailing_zeros() as usize) {
                        *v = f64::NAN;
                    }
                    unset &= unset - 1;
                }
            }
        }
        MetricColumn {
            metric,
            name,
            values: canonical,
            nulls_when_nan: if nan_in_data { nulls } else { None },
            nan_in_data,
        }
    }

    /// The value at `row`; `None` when it is null (or past the end).
    #[inline]
    fn get(&self, row: usize) -> Option<f64> {
        let v = *self.values.get(row)?;
        if v.is_nan() && (!self.nan_in_data || self.nulls_when_nan.is_some_and(|n| n.is_null(row)))
        {
            return None;
        }
        Some(v)
    }
}

/// The code of a null name in [`NameCodes`].
const NULL_NAME: u8 = u8::MAX - 1;
/// The code of a name that is unknown or too long in [`NameCodes`].
const BAD_NAME: u8 = u8::MAX;

/// A list column's names read once per batch, each value to a one-byte code (its place in
/// its type's `ALL`), so that a row's list is a run of codes rather than of strings to
/// match. A row with a bad name, or with more names than a row may hold, is read again name
/// by name, which words its error.
#[derive(Debug)]
struct NameCodes {
    /// The codes of the list's values from `base` on.
    codes: Vec<u8>,
    base: usize,
}

impl NameCodes {
    /// The codes of a list column's values, when it is a list (a joined string is read
    /// name by name).
    fn of(list: NameList, names: &Names<'_>) -> Option<NameCodes> {
        // The values this batch's rows list (a sliced list array keeps all of its child's).
        let (values, (first, last)) = match names {
            Names::List(l, s) => (s, list_span(l)?),
            Names::LargeList(l, s) => (s, list_span(l)?),
            Names::Joined(_) => return None,
        };
        let len = last.checked_sub(first)?;
        fn code(name: Option<&str>, parse: impl Fn(&str) -> Option<usize>) -> u8 {
            match name {
                None => NULL_NAME,
                Some(n) if n.len() > MAX_NAME_BYTES => BAD_NAME,
                Some(n) => parse(n)
                    .and_then(|p| u8::try_from(p).ok())
                    .unwrap_or(BAD_NAME),
            }
        }
        // One loop per list and layout, each with its parser inlined.
        fn all(
            values: &Strings<'_>,
            (first, len): (usize, usize),
            parse: impl Fn(&str) -> Option<usize> + Copy,
        ) -> Vec<u8> {
            match values {
                Strings::Utf8(a) => arrow_array::StringArray::slice(a, first, len)
                    .iter()
                    .map(|n| code(n, parse))
                    .collect(),
                Strings::Large(a) => arrow_array::LargeStringArray::slice(a, first, len)
                    .iter()
                    .map(|n| code(n, parse))
                    .collect(),
                Strings::View(a) => arrow_array::StringViewArray::slice(a, first, len)
                    .iter()
                    .map(|n| code(n, parse))
                    .collect(),
            }
        }
        // (`as usize` is the place in `ALL`: a unit test holds each `ALL` to that order.)
        let codes = match list {
            NameList::Architecture => all(values, (first, len), |n| {
                Component::from_name(n).map(|c| c as usize)
            }),
            NameList::Tried => all(values, (first, len), |n| {
                Remedy::from_name(n).map(|r| r as usize)
            }),
            NameList::Practices => all(values, (first, len), |n| {
                ChecklistItem::from_name(n).map(|p| p as usize)
            }),
        };
        Some(NameCodes { codes, base: first })
    }

    /// Adds the names of values `start..end` to `snap`; `false` (and nothing to rely on
    /// added) when a name is bad or there are too many to read without counting.
    #[inline]
    fn add(&self, list: NameList, start: usize, end: usize, snap: &mut MetricsSnapshot) -> bool {
        if end.saturating_sub(start) > MAX_LIST_ITEMS {
            return false;
        }
        let Some(codes) = self
            .codes
            .get(start.wrapping_sub(self.base)..end.wrapping_sub(self.base))
        else {
            return false;
        };
        for &c in codes {
            if c == NULL_NAME {
                continue;
            }
            let added = match list {
                NameList::Architecture => Component::ALL
                    .get(usize::from(c))
                    .map(|x| snap.architecture.insert(*x)),
                NameList::Tried => Remedy::ALL
                    .get(usize::from(c))
                    .map(|x| snap.tried.insert(*x)),
                NameList::Practices => ChecklistItem::ALL
                    .get(usize::from(c))
                    .map(|x| snap.practices.insert(*x)),
            };
            if added.is_none() {
                return false;
            }
        }
        true
    }
}

/// One batch's columns, downcast, ready to be read row by row.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    /// Each metric column, read column by column when the reader is made.
    metrics: Vec<MetricColumn<'a>>,
    lists: Vec<(NameList, &'a str, Names<'a>, Option<NameCodes>)>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(
        binding: &Binding,
        batch: &'a RecordBatch,
    ) -> Result<Reader<'a>, KernelError> {
        let schema = batch.schema_ref();
        let mut metrics = Vec::new();
        let mut lists = Vec::new();
        for (i, role) in &binding.roles {
            let (Some(column), Some(field)) = (batch.columns().get(*i), schema.fields().get(*i))
            else {
                continue;
            };
            let name = field.name().as_str();
            match role {
                Role::Metric { metric, scale } => {
                    let values = Values::of(column).or_wrong(name, column.data_type(), *metric)?;
                    metrics.push(MetricColumn::new(
                        *metric,
                        name,
                        &values,
                        *scale,
                        column.len(),
                    ));
                }
                Role::Names(list) => {
                    let names = Names::of(column).ok_or_else(|| KernelError::WrongType {
                        column: name.to_owned(),
                        found: column.data_type().to_string(),
                        expected: "a list of strings, or one string of names separated by commas",
                    })?;
                    let codes = NameCodes::of(*list, &names);
                    lists.push((*list, name, names, codes));
                }
                Role::Key => {}
            }
        }
        Ok(Reader { metrics, lists })
    }

    /// Fills `snap` (cleared first) with `row`; an invalid value is the row's error, naming
    /// the column and the value.
    pub(crate) fn read(&self, row: usize, snap: &mut MetricsSnapshot) -> Result<(), String> {
        *snap = MetricsSnapshot::default();
        for column in &self.metrics {
            let Some(value) = column.get(row) else {
                continue;
            };
            snap.set(column.metric, value)
                .map_err(|e| format!("column `{}`: {e}", column.name))?;
        }
        for (list, column, names, codes) in &self.lists {
            if let Some(codes) = codes
                && let Some((start, end)) = names.range(row)
                && codes.add(*list, start, end, snap)
            {
                continue;
            }
            names.for_each(row, column, |name| {
                let known = match list {
                    NameList::Architecture => Component::from_name(name)
                        .map(|c| snap.architecture.insert(c))
                        .is_some(),
                    NameList::Tried => Remedy::from_name(name)
                        .map(|r| snap.tried.insert(r))
                        .is_some(),
                    NameList::Practices => ChecklistItem::from_name(name)
                        .map(|p| snap.practices.insert(p))
                        .is_some(),
                };
                if known {
                    Ok(())
                } else {
                    Err(format!("column `{column}`: unknown name `{name}`"))
                }
            })?;
        }
        Ok(())
    }
}
