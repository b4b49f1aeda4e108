//! Serde helpers: durations as bare numbers of milliseconds or seconds, validated on input.

use core::time::Duration;

use serde::{Deserialize, Deserializer, Serializer};

use crate::units::duration_from_millis;

/// Writes `Some(d)` as milliseconds (a float), `None` as nothing (the field is skipped).
pub(crate) fn serialize<S: Serializer>(
    value: &Option<Duration>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(d) => serializer.serialize_f64(crate::units::millis_of(*d)),
        None => serializer.serialize_none(),
    }
}

/// Reads milliseconds through [`duration_from_millis`], so NaN and negatives are rejected.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    let millis = Option::<f64>::deserialize(deserializer)?;
    millis
        .map(|ms| {
            duration_from_millis("duration in milliseconds", ms).map_err(serde::de::Error::custom)
        })
        .transpose()
}

/// A required `Duration` as milliseconds.
pub(crate) mod required {
    use super::*;

    /// Writes the duration as milliseconds.
    pub(crate) fn serialize<S: Serializer>(
        value: &Duration,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(crate::units::millis_of(*value))
    }

    /// Reads milliseconds through [`duration_from_millis`].
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Duration, D::Error> {
        let millis = f64::deserialize(deserializer)?;
        duration_from_millis("duration in milliseconds", millis).map_err(serde::de::Error::custom)
    }
}

/// A required `Duration` as a bare number of seconds.
pub(crate) mod secs {
    use super::*;

    /// Writes the duration as seconds.
    pub(crate) fn serialize<S: Serializer>(
        value: &Duration,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(value.as_secs_f64())
    }

    /// Reads seconds through [`crate::units::duration_from_secs`].
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(deserializer)?;
        crate::units::duration_from_secs("duration in seconds", secs)
            .map_err(serde::de::Error::custom)
    }
}
