//! Capacity planning on top of [`scalability_advisor_core`]: how much to provision for 10x, 100x and
//! 1000x growth, when a metric will cross its threshold, how many servers keep waits short,
//! where a system stops scaling, and what an architecture's availability really is.
//!
//! Every model is a pure function or a small value type over `scalability-advisor-core`'s validated
//! units; each documents its formula, assumptions and source, and rejects inputs outside its
//! domain with a typed [`Error`] instead of returning NaN.
//!
//! ```
//! use core::time::Duration;
//! use scalability_advisor_formulas::{
//!     GrowthRate, Months, Runway, ServerTarget, runway,
//!     scalability_advisor_core::units::{Factor, Rate, Ratio},
//!     servers_for,
//! };
//!
//! // 3x in 12 months as a monthly rate, and when DB CPU at 45% reaches 70%.
//! let g = GrowthRate::from_factor_over(Factor::new(3.0)?, Months::new(12.0)?)?;
//! let Runway::After(m) =
//!     runway(Ratio::from_percent(45.0)?, Ratio::from_percent(70.0)?, g)
//! else {
//!     panic!()
//! };
//! assert!((m.get() - 4.83).abs() < 0.01);
//!
//! // Workers needed so 95% of jobs start within 100 ms: 800 jobs/s of 40 ms each.
//! let target = ServerTarget::ServiceLevel {
//!     within: Duration::from_millis(100),
//!     share: Ratio::from_percent(95.0)?,
//! };
//! let q = servers_for(
//!     Rate::from_per_second(800.0)?,
//!     Duration::from_millis(40),
//!     target,
//! )?;
//! assert!(q.servers() > 32);
//! # Ok::<(), scalability_advisor_formulas::Error>(())
//! ```
//!
//! # By task
//! - Capacity plans: [`PlanInputs`], [`plan`], [`plan_scenarios`] with [`SCENARIOS`]
//!   (10x, 100x, 1000x), [`plan_uncertain`] for [`Estimate`] ranges; every number is a
//!   [`Figure`] that carries its formula and inputs. The database part ([`DatabasePlan`])
//!   sizes the read replicas for the reads, the pools for the hosts, and, given a primary's
//!   write capacity, the shards for the writes past [`PRIMARY_WRITE_LEVEL`] of it.
//! - Growth and runway: [`GrowthRate`], [`Months`], [`runway`], [`Runway`].
//! - Queueing: [`little_concurrency`] and its inverses, [`erlang_b`], [`erlang_c`], [`Mmc`],
//!   [`servers_for`], [`servers_for_all`] and [`servers_for_offered_load`] with
//!   [`ServerTarget`].
//! - Universal Scalability Law: [`UslModel`] (throughput, latency, efficiency and
//!   [`UslOverhead`] per N, limits, inverses returning [`Reach`]); fits from [`Measurement`]s:
//!   [`fit_usl`] (all three coefficients), [`fit_usl_with_lambda`] and [`fit_usl_normalised`]
//!   (λ known), each giving a [`UslFit`] with its [`UslWarning`]s.
//! - Availability: [`Availability`], [`serial`], [`redundant`], [`active_passive`],
//!   [`active_active`], [`error_budget`].
//! - Sharding: [`shards_needed`], [`keys_moved`], [`Placement`].
//!
//! # Crate features
//!
//! - `serde` (off by default): serde support, forwarded to `advisor-core/serde`.
//! - `loadtest` (off by default): [`loadtest`], readers of k6, Locust and plain CSV results
//!   as [`Measurement`]s for the USL fits (brings serde_json).
//! - `schema` (off by default): JSON Schema (`schemars::JsonSchema`) for [`Estimate`], with
//!   `serde`; forwarded to `advisor-core/schema`.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs_advisor, feature(doc_cfg))]

mod availability;
mod error;
mod growth;
#[cfg(feature = "loadtest")]
#[cfg_attr(docsrs_advisor, doc(cfg(feature = "loadtest")))]
pub mod loadtest;
mod plan;
mod queueing;
mod sharding;
mod stats;
mod usl;

/// The README's code, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use availability::{
    Availability, ErrorBudget, MONTH, YEAR, active_active, active_passive, error_budget, redundant,
    serial,
};
pub use error::Error;
pub use growth::{
    GrowthRate, Magnitude, Months, Runway, runway, runway_to_capacity, runway_utilisation,
};
pub use plan::{
    CacheInputs, CachePlan, DatabaseInputs, DatabasePlan, Estimate, Figure, MAX_DRAWS,
    PRACTICAL_READ_REPLICAS, PRIMARY_WRITE_LEVEL, Percentiles, Plan, PlanInputs, SCENARIOS,
    Sampleable, StagePlan, UncertainPlan, plan, plan_scenarios, plan_uncertain,
};
pub use queueing::{
    Mmc, ServerTarget, erlang_b, erlang_c, little_arrival_rate, little_concurrency,
    little_time_in_system, servers_for, servers_for_all, servers_for_offered_load,
};
pub use scalability_advisor_core;
pub use sharding::{Placement, keys_moved, shards_needed};
pub use usl::{
    Measurement, Reach, USL_RECOMMENDED_POINTS, UslFit, UslModel, UslOverhead, UslParameter,
    UslWarning, fit_usl, fit_usl_normalised, fit_usl_with_lambda,
};
