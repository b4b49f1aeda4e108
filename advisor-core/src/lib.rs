//! Typed metrics, growth stages, thresholds, transition triggers, the bottleneck taxonomy and
//! the sizing formulas of scaling a system from one server to many regions.
//!
//! `scalability-advisor-core` is the pure model under the scalability advisor: you describe what you
//! measured as a [`MetricsSnapshot`] (and, optionally, a [`History`] of [`Series`]), and read
//! back typed, explainable answers: the growth [`Stage`] by users, the [`Health`] of each key
//! metric against its [`Threshold`], which stage-transition [`Trigger`]s fired and on what
//! [`Evidence`], which growth-stage additions the data calls for, what to try next for a
//! [`Symptom`], and the sizing formulas in [`sizing`].
//! It does no I/O and reads no clock, randomness, environment or global state.
//!
//! # A tour
//!
//! ```
//! use core::time::Duration;
//! use scalability_advisor_core::{
//!     AdvisorConfig, Classification, Component, History, Metric, MetricsSnapshot, Series,
//!     Stage, Trigger, sizing,
//!     units::{Bytes, Factor, Rate, Ratio, Users},
//! };
//!
//! // What a growing service measured, partial as real data is.
//! let snapshot = MetricsSnapshot::default()
//!     .with_users(Users::new(45_000))
//!     .with_p95_response_time(Duration::from_millis(780))
//!     .with_server_cpu(Ratio::from_percent(74.0)?)
//!     .with_db_read_share(Ratio::from_percent(88.0)?)
//!     .with_slowest_query_time(Duration::from_millis(340))
//!     .with_component(Component::LoadBalancer);
//!
//! // A day of hourly database CPU readings: above 70% for most of it.
//! let cpu: Vec<f64> = (0..24)
//!     .map(|h| if h % 6 == 0 { 0.62 } else { 0.78 })
//!     .collect();
//! let history: History = [Series::from_values(
//!     Metric::DbCpu,
//!     Duration::from_secs(3_600),
//!     &cpu,
//! )?]
//! .into_iter()
//! .collect();
//!
//! let c = Classification::of(&snapshot, &history, &AdvisorConfig::default());
//! assert_eq!(c.stage, Some(Stage::Growth));
//! assert!(c.triggers.get(Trigger::DbCpuSustained).outcome.is_fired());
//! assert!(
//!     c.triggers
//!         .get(Trigger::ReplicaLagUnsustainable)
//!         .outcome
//!         .is_not_evaluated()
//! ); // no data, no guess
//! let adds: Vec<_> = c
//!     .recommended_additions()
//!     .map(|a| a.addition.component())
//!     .collect();
//! assert_eq!(adds, [Component::ReadReplicas]); // the load balancer is already in place
//! println!("{c}");
//!
//! // Sizing for 3x growth with a 1.5x margin, and the replicas that load needs.
//! let need = sizing::required_capacity(
//!     Rate::from_per_second(1_000.0)?,
//!     Factor::new(3.0)?,
//!     Factor::new(1.5)?,
//! )?;
//! assert_eq!(need.as_per_second(), 4_500.0);
//! let replicas = sizing::read_replicas(
//!     Rate::from_per_second(10_000.0)?,
//!     Rate::from_per_second(3_000.0)?,
//! )?;
//! assert_eq!(replicas.get(), 4);
//! let redis =
//!     sizing::cache_memory(Bytes::from_gib(10.0)?, sizing::REDIS_MEMORY_MULTIPLIER)?;
//! assert_eq!(redis, Bytes::from_gib(15.0)?);
//! # Ok::<(), scalability_advisor_core::Error>(())
//! ```
//!
//! # By task
//!
//! - **Describe what you measured**: values in [`units`] ([`units::Ratio`], [`units::Rate`],
//!   [`units::Bytes`], …) go into a [`MetricsSnapshot`] (one [`Metric`] per field, the
//!   architecture as [`Component`]s, what was [`Remedy`]-tried and which
//!   [`patterns::ChecklistItem`]s are in place); time series into [`Series`] and [`History`].
//! - **Find the stage**: [`Stage::for_users`], its [`UserBand`], [`CostBand`] and
//!   [`COST_AT_SCALE`] row, and [`Stage::cumulative_architecture`].
//! - **Judge the system**: [`Classification::of`] does it all with an [`AdvisorConfig`]; the
//!   parts are [`KeyThresholds`] ([`Threshold`], [`Health`]), the stage-transition
//!   [`Trigger`]s ([`TriggerConfig`], [`Outcome`] with [`Evidence`]), and the growth-stage
//!   additions ([`AdditionResult`]).
//! - **Decide what to do**: the decision matrix, [`Symptom::position`] on a ladder of
//!   [`Remedy`] rungs ([`LadderPosition`], [`LadderConfig`]); the [`bottleneck`] taxonomy and
//!   diagnosis order; the caching, sharding, multi-region and consistency [`patterns`] and
//!   the guide's checklists.
//! - **Size for growth**: the guide's formulas in [`sizing`] (capacity, connection pool,
//!   replicas, cache memory).
//! - **Read the guide**: [`guide`] defines "the guide" and prints its topics.
//! - **Handle errors**: one [`Error`] type naming the field, the value and the fix.
//!
//! How the guide's vague words are read is documented on [`SeriesConfig`] and
//! [`TriggerConfig`]; the concept notes are in [`guide`].
//!
//! # Crate features
//!
//! - `serde` (off by default): `Serialize` and `Deserialize` for every data type.
//!   Deserialization runs the same validation as the constructors. Quantities serialize as
//!   bare numbers in their canonical unit (ratios as fractions, rates per second, bytes);
//!   durations in snapshot files as milliseconds in keys ending `_ms`.
//! - `schema` (off by default; implies `serde`): `schemars::JsonSchema` for
//!   [`MetricsSnapshot`] and the types it holds, describing exactly the serialized form (so
//!   editors and pipelines can validate snapshot files).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs_advisor, feature(doc_cfg))]

#[cfg(feature = "serde")]
#[macro_use]
mod serde_map;

mod architecture;
mod beside;
pub mod bottleneck;
mod classify;
mod decision;
pub mod entities;
mod error;
mod evidence;
pub mod guide;
pub mod patterns;
#[cfg(feature = "serde")]
mod serde_ms;
mod series;
pub mod sizing;
mod snapshot;
mod stage;
mod thresholds;
mod topics;
mod trend;
mod triggers;
pub mod units;

/// The README's code, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use architecture::{Component, ComponentSet};
pub use beside::Beside;
pub use classify::{AdditionResult, AdvisorConfig, Classification};
pub use decision::{
    LadderConfig, LadderPosition, LadderStep, NextStep, Remedy, RemedySet, Rung, RungState, Symptom,
};
pub use entities::{
    Entities, Entity, EntityField, EntityKind, EntityName, HostRole, HostRoles, HostStats,
    StatementStats, TableStats,
};
pub use error::Error;
pub use evidence::{Basis, Check, Evidence, Missing, Need, Outcome, TrendSummary};
pub use series::{History, Sample, Series, SeriesConfig, Sustained, Trend, TrendDirection};
pub use snapshot::{Metric, MetricsSnapshot, Quantity, UnitKind};
pub use stage::{COST_AT_SCALE, CostBand, CostRow, Stage, UserBand};
pub use thresholds::{
    Direction, Health, HealthReport, KeyMetric, KeyThresholds, LEVEL_TOLERANCE, MetricHealth,
    Threshold, ThresholdLevel,
};
pub use triggers::{Trigger, TriggerConfig, TriggerReport, TriggerResult};
