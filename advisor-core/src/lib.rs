//! Placeholder, replaced below.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs_advisor, feature(doc_cfg))]

mod architecture;
mod error;
#[cfg(feature = "serde")]
mod serde_ms;
mod snapshot;
mod thresholds;
pub mod units;

pub use architecture::{Component, ComponentSet};
pub use error::Error;
pub use snapshot::{Metric, MetricsSnapshot, Quantity, UnitKind};
pub use thresholds::{LEVEL_TOLERANCE, Direction, Health, HealthReport, KeyMetric, KeyThresholds, Level, MetricHealth, Threshold};
mod series;
pub use series::{History, Sample, Series, SeriesConfig, Sustained, Trend, TrendDirection};
mod stage;
pub use stage::{COST_AT_SCALE, CostBand, CostRow, Stage, UserBand};
mod evidence;
mod triggers;
pub use evidence::{Basis, Check, Evidence, Missing, Need, Outcome};
pub use triggers::{Trigger, TriggerConfig, TriggerReport, TriggerResult};
