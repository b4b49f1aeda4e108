//! Scaling know-how as a library: hand it what a system measured and get back typed,
//! explainable answers: its growth stage, the thresholds it crosses, the likely bottleneck,
//! a plan of action, and how much capacity, how many replicas, how large a pool and cache it
//! needs to grow.
//!
//! This crate is the one dependency to start with. It puts the model of
//! [`scalability-advisor-core`](scalability_advisor_core) at its root (snapshots, units,
//! stages, thresholds, triggers, the decision matrix, the guide's reference material, the
//! sizing formulas), the rule engine and its assessments under [`rules`], and capacity
//! planning under [`formulas`]. [`Error`] wraps the errors of all three, so `?` works across
//! them, and [`prelude`] imports what most programs use.
//!
//! "The guide" is the scaling guide the workspace encodes: four growth stages from one server
//! to several regions, the key-metric targets and warning levels, the conditions for moving
//! on, the bottleneck taxonomy, the decision matrix, the sizing formulas with their worked
//! examples, caching, sharding and multi-region patterns, two checklists and the cost bands.
//! Every figure taken from it is cited where it is used; where it is vague, the precise
//! reading is documented and configurable.
//!
//! # Quick start
//!
//! ```
//! use core::time::Duration;
//! use scalability_advisor::prelude::*;
//!
//! // What the system measured; every field is optional and validated by its type.
//! let snapshot = MetricsSnapshot::default()
//!     .with_users(Users::new(45_000))
//!     .with_db_cpu(Ratio::from_percent(82.0)?)
//!     .with_slowest_query_time(Duration::from_millis(340))
//!     .with_db_read_share(Ratio::from_percent(88.0)?);
//!
//! // The built-in rule pack's assessment: a plan of action first.
//! let assessment = assess(&Engine::default_pack(), &snapshot, &History::new());
//! assert_eq!(assessment.stage.by_users, Some(Stage::Growth));
//! assert_eq!(assessment.plan[0].key, StepKey::Remedy(Remedy::AddIndexes));
//! println!("{}", assessment.to_text());
//!
//! // Sizing for 3x growth with the guide's 1.5x margin.
//! let mut inputs = PlanInputs::new(
//!     Rate::from_per_second(1_000.0)?.into(),
//!     Rate::from_per_second(400.0)?.into(),
//! );
//! inputs.growth = Factor::new(3.0)?.into();
//! let p = plan(&inputs)?;
//! assert_eq!(p.required_capacity.value.as_per_second(), 4_500.0);
//! assert_eq!(p.app_instances.value.get(), 12);
//! # Ok::<(), scalability_advisor::Error>(())
//! ```
//!
//! # By task
//!
//! - **Describe a system**: [`MetricsSnapshot`], [`Metric`], [`units`], [`History`] and
//!   [`Series`] for samples over time, [`Component`] for the architecture, [`Remedy`] for
//!   what was tried.
//! - **Judge it with the guide's model**: [`Stage`], [`KeyThresholds`], [`Trigger`],
//!   [`Classification`], [`Symptom::position`] (where it stands on the decision matrix),
//!   [`bottleneck`], [`patterns`].
//! - **Get advice** (feature `rules`): [`rules::assess`] gives an [`rules::Assessment`] with
//!   a plan of action; [`rules::Engine`] and [`rules::RulePack`] run your own rules.
//! - **Size it** (feature `formulas`): [`sizing`] for the guide's formulas,
//!   [`formulas::plan`] and [`formulas::plan_scenarios`] for 10x/100x/1000x plans, queueing
//!   ([`formulas::servers_for`]), the Universal Scalability Law ([`formulas::fit_usl`]),
//!   availability and sharding.
//! - **Read the guide**: [`guide::Topic`] (caching TTLs, sharding trade-offs, checklists, ...).
//!
//! # Crate features
//!
//! - `rules` (on by default): the rule engine and assessments, as [`rules`]; turns on `serde`.
//! - `formulas` (on by default): capacity planning, as [`formulas`].
//! - `loadtest` (off by default): `formulas::loadtest`, readers of k6, Locust and CSV
//!   load-test results for the USL fits; turns on `formulas`.
//! - `serde` (on with `rules`): `Serialize` and `Deserialize` for the data types.
//! - `schema` (off by default): JSON Schemas of the input formats (`schemars`).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs_advisor, feature(doc_cfg))]

pub use scalability_advisor_core::*;

/// Capacity planning: plans, growth runway, queueing, the Universal Scalability Law,
/// availability and sharding (the `scalability-advisor-formulas` crate).
#[cfg(feature = "formulas")]
#[cfg_attr(docsrs_advisor, doc(cfg(feature = "formulas")))]
pub use scalability_advisor_formulas as formulas;

/// Rule packs, the engine, the built-in default pack and assessments (the
/// `scalability-advisor-rules` crate).
#[cfg(feature = "rules")]
#[cfg_attr(docsrs_advisor, doc(cfg(feature = "rules")))]
pub use scalability_advisor_rules as rules;

mod error;
pub mod prelude;

/// The README's example, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use error::Error;
