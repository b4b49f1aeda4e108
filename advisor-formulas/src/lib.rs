//! Capacity planning on top of [`advisor_core`]: how much to provision for 10x, 100x and
//! 1000x growth, when a metric will cross its threshold, how many servers keep waits short,
//! where a system stops scaling, and what an architecture's availability really is.
//!
//! This crate is being built: today it holds its error type and re-exports `advisor-core`;
//! the planning models arrive with the capacity-planning work. The core sizing formulas
//! (required capacity, pool size, read replicas, cache memory) are already available in
//! [`advisor_core::sizing`].
//!
//! ```
//! use advisor_formulas::advisor_core::{sizing, units::{Factor, Rate}};
//! let c = sizing::required_capacity(Rate::from_per_second(1_000.0)?, Factor::new(3.0)?, Factor::new(1.5)?)?;
//! assert_eq!(c.as_per_second(), 4_500.0);
//! # Ok::<(), advisor_formulas::Error>(())
//! ```
//!
//! # Crate features
//!
//! - `serde` (off by default): serde support, forwarded to `advisor-core/serde`.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs_advisor, feature(doc_cfg))]

mod error;

pub use advisor_core;
pub use error::Error;
