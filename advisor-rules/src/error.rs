//! The error type of `scalability-advisor-rules`.

use crate::diagnostic::Diagnostics;

/// Everything that can go wrong loading or compiling a rule pack.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::{Error, RulePack};
/// let err = RulePack::from_toml_str("bad.toml", "name = ").unwrap_err();
/// assert!(matches!(err, Error::Invalid(_)));
/// assert_eq!(err.diagnostics().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input was rejected by `scalability-advisor-core`'s validation.
    #[error(transparent)]
    Core(#[from] scalability_advisor_core::Error),
    /// The pack has problems; every one is listed, with file, line, column and excerpt.
    #[error("the rule pack has problems; fix them and load it again:\n{0}")]
    Invalid(Diagnostics),
    /// A rule cannot be compiled (too many comparisons, too deep).
    #[error("rules cannot be compiled: {}; simplify them", .0.join("; "))]
    Compile(Vec<String>),
    /// A fixture file is malformed.
    #[error("fixture file {file}: {message}; fix the file and run it again")]
    Fixture {
        /// The file name given.
        file: String,
        /// What is wrong, with its line and column when known.
        message: String,
    },
}

impl Error {
    /// The diagnostics of an [`Error::Invalid`] (empty for other variants).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let err = RulePack::from_toml_str("p.toml", r#"name = "p"
    /// [[rule]]
    /// id = "a"
    /// title = "t"
    /// when = "db_cpuu > 70%"
    /// severity = "warning"
    /// advice = "a"
    /// "#).unwrap_err();
    /// let d = &err.diagnostics()[0];
    /// assert_eq!((d.line, d.column), (5, 9));
    /// assert_eq!(d.help.as_deref(), Some("did you mean `db_cpu`?"));
    /// ```
    #[must_use]
    pub fn diagnostics(&self) -> &[crate::Diagnostic] {
        match self {
            Error::Invalid(d) => d.diagnostics(),
            _ => &[],
        }
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
}
