//! What most programs use, in one import: `use scalability_advisor::prelude::*;`.
//!
//! The model's main types and the units; with `rules`, the engine, packs and assessments;
//! with `formulas`, plans and their inputs. Everything else stays one path away.
//!
//! ```
//! use scalability_advisor::prelude::*;
//! let snap = MetricsSnapshot::default().with_users(Users::new(12_000));
//! assert_eq!(snap.users.map(Stage::for_users), Some(Stage::Growth));
//! ```

pub use scalability_advisor_core::units::{
    Bytes, Connections, Count, Factor, QueriesPerRequest, Rate, Ratio, Users,
};
pub use scalability_advisor_core::{
    AdvisorConfig, Classification, Component, History, LadderStep, Metric, MetricsSnapshot, Remedy,
    Series, Stage, Symptom, Trigger,
};

#[cfg(feature = "rules")]
pub use scalability_advisor_rules::{
    Assessment, Engine, PackFormat, RulePack, Severity, StepKey, assess,
};

#[cfg(feature = "formulas")]
pub use scalability_advisor_formulas::{Estimate, PlanInputs, plan, plan_scenarios};
