//! The built-in default pack, embedded at compile time.
//!
//! The pack's source is `advisor-rules/packs/default.toml`; [`DEFAULT_PACK_TOML`] holds it
//! verbatim, so it can be printed, diffed and copied as the starting point of a user pack.

use crate::pack::RulePack;

/// The file name the default pack's diagnostics and origins refer to.
pub const FILE_NAME: &str = "default.toml";

/// The default pack's TOML source.
pub const DEFAULT_PACK_TOML: &str = include_str!("../packs/default.toml");

pub(crate) fn load() -> RulePack {
    // Cannot fail: `tests::default_pack_loads_without_diagnostics` loads this exact text.
    match RulePack::from_toml_str(FILE_NAME, DEFAULT_PACK_TOML) {
        Ok(pack) => pack,
        Err(_) => RulePack::from_parts(
            "default (failed to load)".into(),
            "0.0.0".into(),
            Vec::new(),
            Vec::new(),
        ),
    }
}
