//! The error type of `scalability-advisor-core`.

use crate::thresholds::Direction;

/// Everything that can go wrong when building or evaluating `scalability-advisor-core` values.
///
/// Each variant names the quantity (`what`) and the offending value so that a caller can report
/// it precisely; the message says what an acceptable value looks like.
/// Match on variants, not on message text: the text is not a stable API.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Error, units::Ratio};
///
/// let err = Ratio::from_percent(120.0).unwrap_err();
/// assert!(matches!(err, Error::OutOfRange { what: "ratio", .. }));
/// assert_eq!(
///     err.to_string(),
///     "ratio must be in 0..=1, got 1.2; give a fraction, 0.85 for 85%"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The value was NaN or infinite.
    #[error(
        "{what} must be a finite number, got {value}; check the source for a division by zero or a missing sample"
    )]
    NotFinite {
        /// The quantity being built.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// The value was negative where only zero or more makes sense.
    #[error(
        "{what} must not be negative, got {value}; a negative reading usually means a counter reset"
    )]
    Negative {
        /// The quantity being built.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// The value had to be strictly positive.
    #[error("{what} must be greater than zero, got {value}")]
    NotPositive {
        /// The quantity being built.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// The value was outside its closed range.
    #[error("{what} must be {}, got {}{hint}", describe_range(*min, *max), number(*value), hint = range_hint(what))]
    OutOfRange {
        /// The quantity being built.
        what: &'static str,
        /// The rejected value.
        value: f64,
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
    },
    /// A threshold's target and warning levels are not ordered for its direction.
    #[error("{what}: target {target} must be strictly {order} warning {warning} for a {direction} metric; swap or fix the two levels", order = direction.target_order())]
    ThresholdOrder {
        /// The metric the threshold applies to.
        what: &'static str,
        /// The target level, in the metric's canonical unit.
        target: f64,
        /// The warning level, in the metric's canonical unit.
        warning: f64,
        /// Which way is better for this metric.
        direction: Direction,
    },
    /// An integer result does not fit its type.
    #[error(
        "{what} overflows its integer type; the inputs are far beyond any real system, check their units"
    )]
    Overflow {
        /// The quantity being computed.
        what: &'static str,
    },
    /// A series had no samples.
    #[error("series of {what} has no samples; give at least one sample")]
    EmptySeries {
        /// The metric of the series.
        what: &'static str,
    },
    /// A series' samples were not in time order.
    #[error(
        "series of {what} is not in time order at sample {index}; sort samples by time before building the series"
    )]
    UnorderedSamples {
        /// The metric of the series.
        what: &'static str,
        /// Index of the first sample that is earlier than its predecessor.
        index: usize,
    },
    /// Two samples of a series are at the same instant.
    #[error(
        "series of {what} has two samples at the same instant (samples {} and {index}); keep one sample per instant, for example their mean", index - 1
    )]
    DuplicateSample {
        /// The metric of the series.
        what: &'static str,
        /// Index of the second of the two samples.
        index: usize,
    },
    /// A history has two series of one metric.
    #[error("the history has two series of {what}; give one series per metric")]
    DuplicateSeries {
        /// The metric.
        what: &'static str,
    },
    /// A statistic needs more samples than the window holds.
    #[error(
        "series of {what} has {got} samples in the window, {needed} are needed; widen the window or sample more often"
    )]
    TooFewSamples {
        /// The metric of the series.
        what: &'static str,
        /// Samples required.
        needed: usize,
        /// Samples available.
        got: usize,
    },
    /// A row of a series CSV text ([`History::from_csv`](crate::History::from_csv)) is
    /// wrong; `line` and `column` are 1-based.
    #[error("line {line}, column {column}: {message}")]
    CsvRow {
        /// The line of the text.
        line: usize,
        /// The column (1 for the metric, 2 for the time, 3 for the value).
        column: usize,
        /// What is wrong and what to write instead.
        message: String,
    },
    /// An entity list ([`Entities`](crate::Entities)) names one entity twice.
    #[error(
        "{kind} `{name}` appears twice (entries {first} and {second}); give each {kind} once, merging or summing its figures"
    )]
    DuplicateEntity {
        /// The kind of entity (`table`, `statement`, `host`).
        kind: &'static str,
        /// The repeated name.
        name: String,
        /// 1-based position of the first entry.
        first: usize,
        /// 1-based position of the second entry.
        second: usize,
    },
    /// An entity list holds more than [`Entities::MAX`](crate::Entities::MAX) entries.
    #[error(
        "{got} {kind} entries given, more than the {max} a snapshot may hold; keep the heaviest (for example the top {max} by time or rows read)"
    )]
    TooManyEntities {
        /// The kind of entity.
        kind: &'static str,
        /// The limit.
        max: usize,
        /// Entries given.
        got: usize,
    },
    /// An entity's name is empty or longer than
    /// [`EntityName::MAX_BYTES`](crate::EntityName::MAX_BYTES).
    #[error(
        "{kind} name must be 1 to {max} bytes long, got {got} bytes; name it by its table name, query id or host name"
    )]
    EntityName {
        /// The kind of entity.
        kind: &'static str,
        /// The limit.
        max: usize,
        /// The name's length in bytes.
        got: usize,
    },
    /// A series has more samples than [`Series::MAX_SAMPLES`](crate::Series::MAX_SAMPLES).
    #[error(
        "series of {what} has {got} samples, more than the {max} a series may hold; downsample it (for example with a coarser query step)"
    )]
    TooManySamples {
        /// The metric of the series.
        what: &'static str,
        /// The limit.
        max: usize,
        /// Samples given.
        got: usize,
    },
}

/// A number as people write it: plain, or in exponent form when it is very large or very
/// small (`1.7976931348623157e308`, not 309 digits).
#[must_use]
pub(crate) fn number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-6..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The accepted range in words: "at least 1" when there is no upper end, "in 0..=1"
/// otherwise.
fn describe_range(min: f64, max: f64) -> String {
    if max.to_bits() == f64::MAX.to_bits() {
        format!("at least {}", number(min))
    } else {
        format!("in {}..={}", number(min), number(max))
    }
}

/// Extra guidance appended to range errors of well-known quantities.
fn range_hint(what: &str) -> &'static str {
    if what == "ratio" {
        "; give a fraction, 0.85 for 85%"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }

    #[test]
    fn messages_are_lowercase_without_trailing_period() {
        let errors = [
            Error::NotFinite {
                what: "rate",
                value: f64::NAN,
            },
            Error::Negative {
                what: "rate",
                value: -1.0,
            },
            Error::NotPositive {
                what: "factor",
                value: 0.0,
            },
            Error::Overflow { what: "pool size" },
            Error::EmptySeries { what: "db_cpu" },
            Error::UnorderedSamples {
                what: "db_cpu",
                index: 3,
            },
            Error::TooFewSamples {
                what: "db_cpu",
                needed: 3,
                got: 1,
            },
            Error::ThresholdOrder {
                what: "server_cpu",
                target: 0.9,
                warning: 0.8,
                direction: Direction::LowerIsBetter,
            },
        ];
        for e in errors {
            let text = e.to_string();
            assert!(!text.ends_with('.'), "{text}");
            assert!(
                text.chars().next().is_some_and(|c| !c.is_uppercase()),
                "{text}"
            );
        }
    }

    #[test]
    fn threshold_order_message_names_direction() {
        let e = Error::ThresholdOrder {
            what: "cache_hit_rate",
            target: 0.5,
            warning: 0.8,
            direction: Direction::HigherIsBetter,
        };
        assert_eq!(
            e.to_string(),
            "cache_hit_rate: target 0.5 must be strictly above warning 0.8 for a higher-is-better metric; swap or fix the two levels"
        );
    }
}
