//! One error type over the three libraries, so `?` works whichever one failed.

/// An error from any of the libraries: the model, the rules or the formulas.
///
/// Each library's own error converts into it with `?`, and its [`source`] is the original,
/// so callers can still match on the library's variants.
///
/// [`source`]: std::error::Error::source
///
/// # Examples
/// ```
/// use scalability_advisor::prelude::*;
/// fn both() -> Result<(), scalability_advisor::Error> {
///     let _pack = RulePack::from_toml_str("mine.toml", "name = \"mine\"")?; // a rules error
///     let _cpu = Ratio::from_percent(120.0)?;                               // a core error
///     Ok(())
/// }
/// let err = both().unwrap_err();
/// assert!(matches!(err, scalability_advisor::Error::Core(_)));
/// assert!(err.to_string().starts_with("ratio must be in 0..=1, got 1.2"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value was rejected by `scalability-advisor-core`'s validation.
    #[error(transparent)]
    Core(#[from] scalability_advisor_core::Error),
    /// A plan or model of `scalability-advisor-formulas` could not be computed.
    #[cfg(feature = "formulas")]
    #[cfg_attr(docsrs_advisor, doc(cfg(feature = "formulas")))]
    #[error(transparent)]
    Formulas(#[from] scalability_advisor_formulas::Error),
    /// A rule pack or fixture of `scalability-advisor-rules` was refused.
    #[cfg(feature = "rules")]
    #[cfg_attr(docsrs_advisor, doc(cfg(feature = "rules")))]
    #[error(transparent)]
    Rules(#[from] scalability_advisor_rules::Error),
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
    fn every_library_error_converts_and_keeps_its_source() {
        use std::error::Error as _;
        let core = scalability_advisor_core::units::Ratio::from_fraction(2.0).unwrap_err();
        let e: Error = core.clone().into();
        assert_eq!(e, Error::Core(core));
        #[cfg(feature = "formulas")]
        {
            let f = scalability_advisor_formulas::erlang_c(0, 1.0).unwrap_err();
            let e: Error = f.into();
            assert!(matches!(e, Error::Formulas(_)));
        }
        #[cfg(feature = "rules")]
        {
            let r =
                scalability_advisor_rules::RulePack::from_toml_str("x.toml", "nope").unwrap_err();
            let e: Error = r.into();
            assert!(matches!(e, Error::Rules(_)));
            assert!(e.to_string().contains("x.toml"));
        }
        let _ = e.source();
    }
}
