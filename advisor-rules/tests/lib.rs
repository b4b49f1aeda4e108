//! scalability-advisor-rules through its public API.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod analysis;
mod builder;
mod config;
mod default_pack;
mod diagnostics;
mod engine;
mod entities;
mod evidence;
mod plan_order;
mod positions;
mod properties;
mod refusals;
mod report;
mod scenarios;
mod trial;
