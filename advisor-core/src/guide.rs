//! The guide as reference material ([`Topic`], [`Section`]), and concept notes on how its
//! growth-stage model and thresholds were turned into code.
//!
//! ```
//! use scalability_advisor_core::guide::Topic;
//! for topic in Topic::ALL {
//!     println!("{}", topic.section()); // caching TTLs, sharding trade-offs, checklists, ...
//! }
//! ```
//!
//! Each note is a markdown file under `advisor-core/docs/` (inside the crate, so it ships with it); its examples run as doc tests.

#[doc = include_str!("../docs/growth-stages.md")]
pub mod growth_stages {}

#[doc = include_str!("../docs/reading-vague-words.md")]
pub mod reading_vague_words {}

pub use crate::topics::{Entry, Section, Topic};
