//! Cross-module behaviour of scalability-advisor-core through its public API.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly on unexpected errors"
)]

mod classification;
mod guide;
#[cfg(feature = "serde")]
mod serde_shape;
mod tables;
