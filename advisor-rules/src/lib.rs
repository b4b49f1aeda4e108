//! Declarative rule packs evaluated over [`advisor_core`] metrics: the engine, the built-in
//! default pack, assessments and their reports.
//!
//! This crate is being built: today it holds its error type and re-exports `advisor-core`,
//! whose [`Classification`](advisor_core::Classification) already gives the stage, key-metric
//! health, transition triggers and growth-stage additions of a snapshot; the rule engine
//! arrives with the rules work.
//!
//! ```
//! use advisor_rules::advisor_core::{AdvisorConfig, Classification, History, MetricsSnapshot, units::Users};
//! let snap = MetricsSnapshot::default().with_users(Users::new(50_000));
//! let c = Classification::of(&snap, &History::new(), &AdvisorConfig::default());
//! assert_eq!(c.stage.map(|s| s.number()), Some(2));
//! ```
//!
//! # Crate features
//!
//! - `serde` (on by default, since rule packs are read from files): serde support, forwarded
//!   to `advisor-core/serde`.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs_advisor, feature(doc_cfg))]

mod error;

pub use advisor_core;
pub use error::Error;
