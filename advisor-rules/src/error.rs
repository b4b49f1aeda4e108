//! The error type of `advisor-rules`.

/// Everything that can go wrong in a rule pack or its evaluation.
///
/// # Examples
/// ```
/// use advisor_rules::{Error, advisor_core::units::Ratio};
/// let core_err = Ratio::from_fraction(2.0).unwrap_err();
/// let err = Error::from(core_err);
/// assert!(matches!(err, Error::Core(_)));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input was rejected by `advisor-core`'s validation.
    #[error(transparent)]
    Core(#[from] advisor_core::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_static_and_keeps_the_source() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
        let e = Error::from(advisor_core::Error::Overflow { what: "x" });
        assert_eq!(
            e.to_string(),
            advisor_core::Error::Overflow { what: "x" }.to_string()
        );
    }
}
