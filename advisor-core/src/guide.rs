//! Concept notes: how the growth-stage model and its thresholds were turned into code.
//!
//! Each note is a markdown file under `advisor-core/docs/` (inside the crate, so it ships with it); its examples run as doc tests.

#[doc = include_str!("../docs/growth-stages.md")]
pub mod growth_stages {}

#[doc = include_str!("../docs/reading-vague-words.md")]
pub mod reading_vague_words {}
