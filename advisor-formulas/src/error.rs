//! The error type of `scalability-advisor-formulas`.

/// Everything that can go wrong in a capacity-planning formula.
///
/// Variants name the quantity and the offending value; messages say what would be accepted.
/// Match on variants: message text is not a stable API.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{Error, scalability_advisor_core::units::Ratio};
/// let err = Error::from(Ratio::from_fraction(2.0).unwrap_err());
/// assert!(matches!(err, Error::Core(_)));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input was rejected by `scalability-advisor-core`'s validation.
    #[error(transparent)]
    Core(#[from] scalability_advisor_core::Error),
    /// A value was outside the range the formula accepts.
    #[error("{what} must be {}, got {}", describe_range(*min, *max), number(*value))]
    OutOfRange {
        /// The quantity.
        what: &'static str,
        /// The rejected value.
        value: f64,
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
    },
    /// A queue would grow without bound: utilisation at or above 1.
    #[error(
        "utilisation must be below 1 for a stable queue, got {utilisation}; add servers or reduce the load"
    )]
    Unstable {
        /// Offered load divided by servers.
        utilisation: f64,
    },
    /// Too few data points for a fit.
    #[error("{what} needs at least {needed} points, got {got}; measure at more concurrency levels")]
    TooFewPoints {
        /// The fit.
        what: &'static str,
        /// Points required.
        needed: usize,
        /// Points given.
        got: usize,
    },
    /// The data cannot determine the model (for example every point at one concurrency).
    #[error("{what} is degenerate: {reason}")]
    Degenerate {
        /// The fit or model.
        what: &'static str,
        /// Why it is degenerate, and what to measure instead.
        reason: &'static str,
    },
    /// A search found no answer within its limit.
    #[error("{what}: no answer up to {limit}; the target may be unreachable, relax it")]
    NotFound {
        /// The search.
        what: &'static str,
        /// The largest candidate tried.
        limit: f64,
    },
    /// A low / likely / high range was not ordered.
    #[error("{what}: range must satisfy low <= likely <= high, got {low} / {likely} / {high}")]
    UnorderedRange {
        /// The input.
        what: &'static str,
        /// Low value.
        low: f64,
        /// Most likely value.
        likely: f64,
        /// High value.
        high: f64,
    },
    /// A result does not fit its type or is not finite.
    #[error("{what} overflows; the inputs are far beyond any real system, check their units")]
    Overflow {
        /// The quantity computed.
        what: &'static str,
    },
}

/// Checks that `value` is finite and in `min..=max`.
pub(crate) fn in_range(what: &'static str, value: f64, min: f64, max: f64) -> Result<f64, Error> {
    if !(min..=max).contains(&value) {
        return Err(Error::OutOfRange {
            what,
            value,
            min,
            max,
        });
    }
    Ok(value + 0.0)
}

/// Checks that a computed value is finite.
pub(crate) fn finite(what: &'static str, value: f64) -> Result<f64, Error> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::Overflow { what })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_static_and_keeps_the_source() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
        let e = Error::from(scalability_advisor_core::Error::Overflow { what: "x" });
        assert_eq!(
            e.to_string(),
            scalability_advisor_core::Error::Overflow { what: "x" }.to_string()
        );
        assert!(std::error::Error::source(&e).is_none() || matches!(e, Error::Core(_)));
    }

    #[test]
    fn range_check_rejects_nan() {
        assert!(in_range("x", f64::NAN, 0.0, 1.0).is_err());
        assert!(in_range("x", 0.5, 0.0, 1.0).is_ok());
        assert!(finite("x", f64::INFINITY).is_err());
        assert!(finite("x", f64::NAN).is_err());
        assert!((finite("x", 2.5).unwrap() - 2.5).abs() < 1e-15);
    }

    #[test]
    fn range_check_names_the_value_and_normalises_negative_zero() {
        assert_eq!(
            in_range("months", -2.0, 0.0, 10.0),
            Err(Error::OutOfRange {
                what: "months",
                value: -2.0,
                min: 0.0,
                max: 10.0,
            })
        );
        assert!(in_range("x", 10.0, 0.0, 10.0).is_ok());
        assert!(in_range("x", 0.0, 0.0, 10.0).is_ok());
        // -0.0 is accepted as zero and returned as +0.0, so it never prints as "-0".
        assert!(in_range("x", -0.0, 0.0, 1.0).unwrap().is_sign_positive());
    }
}

/// A number as people write it: plain, or in exponent form when very large or very small.
fn number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-6..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The accepted range in words: "positive" for (0, ∞), "at least 0" for [0, ∞), and
/// "in a..=b" otherwise, with "above 0" for a lower bound of the smallest positive number.
fn describe_range(min: f64, max: f64) -> String {
    let lower_open = min.to_bits() == f64::MIN_POSITIVE.to_bits();
    match (lower_open, max.to_bits() == f64::MAX.to_bits()) {
        (true, true) => "positive".to_owned(),
        (false, true) => format!("at least {}", number(min)),
        (true, false) => format!("above 0 and at most {}", number(max)),
        (false, false) => format!("in {}..={}", number(min), number(max)),
    }
}

#[cfg(test)]
mod range_words {
    use super::*;

    #[test]
    fn ranges_read_as_words() {
        let e = |min, max| {
            Error::OutOfRange {
                what: "x",
                value: -1.0,
                min,
                max,
            }
            .to_string()
        };
        assert_eq!(e(f64::MIN_POSITIVE, f64::MAX), "x must be positive, got -1");
        assert_eq!(e(0.0, f64::MAX), "x must be at least 0, got -1");
        assert_eq!(
            e(f64::MIN_POSITIVE, 1e15),
            "x must be above 0 and at most 1e15, got -1"
        );
        assert_eq!(e(0.0, 1.0), "x must be in 0..=1, got -1");
    }
}
