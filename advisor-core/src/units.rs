//! Unit-bearing quantities: every measured number has its own type.
//!
//! Each type stores one canonical unit and validates at construction, so a value that exists is
//! finite and within its domain.
//! Units appear only in constructor and accessor names and in `Display`.
//! Time spans are [`core::time::Duration`]; [`duration_from_millis`] and
//! [`duration_from_secs`] build one from a float with the same validation as the types here.
//!
//! Mixing two quantities does not compile:
//! ```compile_fail
//! use scalability_advisor_core::units::{Rate, Ratio};
//! fn takes_ratio(_: Ratio) {}
//! takes_ratio(Rate::from_per_second(10.0).unwrap());
//! ```
//! ```compile_fail
//! use scalability_advisor_core::units::{Bytes, Users};
//! let _: Users = Bytes::from_bytes(10);
//! ```

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::time::Duration;

use crate::Error;
pub use crate::beside::digits_apart;

/// Checks that `value` is finite and not negative, and maps `-0.0` to `0.0`.
pub(crate) fn non_negative(what: &'static str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        return Err(Error::NotFinite { what, value });
    }
    if value < 0.0 {
        return Err(Error::Negative { what, value });
    }
    Ok(value + 0.0)
}

/// Checks that `value` is finite and strictly positive.
pub(crate) fn positive(what: &'static str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        return Err(Error::NotFinite { what, value });
    }
    if value <= 0.0 {
        return Err(Error::NotPositive { what, value });
    }
    Ok(value)
}

/// The longest span [`duration_from_millis`] accepts: 2³² ms, about 49.7 days.
///
/// Below it, milliseconds held in an `f64` convert to whole nanoseconds and back without
/// loss, so snapshot files (which store durations as milliseconds) round-trip exactly. Every
/// duration the advisor reads (latencies, lags, waits) is far shorter.
pub const MAX_MILLIS: f64 = 4_294_967_296.0;

/// Builds a [`Duration`] from milliseconds, rounded to the nearest nanosecond, rejecting NaN,
/// infinities, negatives and spans above [`MAX_MILLIS`].
///
/// `what` names the quantity in the error.
///
/// # Errors
/// [`Error::NotFinite`] for NaN or infinities, [`Error::Negative`] below zero,
/// [`Error::OutOfRange`] above [`MAX_MILLIS`].
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::duration_from_millis;
/// let p95 = duration_from_millis("p95_response_time", 850.0)?;
/// assert_eq!(p95.as_millis(), 850);
/// assert!(duration_from_millis("p95_response_time", -1.0).is_err());
/// assert!(duration_from_millis("p95_response_time", 1e18).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
pub fn duration_from_millis(what: &'static str, millis: f64) -> Result<Duration, Error> {
    let millis = non_negative(what, millis)?;
    if millis > MAX_MILLIS {
        return Err(Error::OutOfRange {
            what,
            value: millis,
            min: 0.0,
            max: MAX_MILLIS,
        });
    }
    // The exact product millis · 10⁶ is p + e (an error-free transformation with a fused
    // multiply-add), so the rounding to whole nanoseconds is exact, not subject to the
    // rounding of the product.
    // `p.round()` rounds a tie up (away from zero). Rounding is monotone and every k + ½ is
    // representable here, so p can land on a tie the exact product falls short of (then the
    // answer is one lower) but never below a tie the exact product reaches.
    let p = millis * 1e6;
    let e = millis.mul_add(1e6, -p);
    let mut nanos = p.round();
    if (p - nanos) + e < -0.5 {
        nanos -= 1.0;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "0 <= nanos <= 2^32 · 10^6 < 2^53, integral"
    )]
    Ok(Duration::from_nanos(nanos.max(0.0) as u64))
}

/// Builds a [`Duration`] from seconds with the checks of [`duration_from_millis`].
///
/// # Errors
/// As [`duration_from_millis`].
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::duration_from_secs;
/// assert_eq!(duration_from_secs("replica_lag", 2.5)?.as_millis(), 2500);
/// assert!(duration_from_secs("replica_lag", f64::NAN).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
pub fn duration_from_secs(what: &'static str, secs: f64) -> Result<Duration, Error> {
    let secs = non_negative(what, secs)?;
    if let Some(d) = nearest_nanos_if_clear(secs) {
        return Ok(d);
    }
    Duration::try_from_secs_f64(secs).map_err(|_| Error::OutOfRange {
        what,
        value: secs,
        min: 0.0,
        max: Duration::MAX.as_secs_f64(),
    })
}

/// The nearest whole nanosecond to `secs` seconds (finite, not negative) when the product
/// computed in floating point decides it, or `None` (then the caller asks the standard
/// library, which works in integers).
///
/// The exact product x = secs · 10⁹ and its rounding p differ by at most half a unit in the
/// last place of p: 2⁻¹¹ below 2⁴³ (about 2 h 26 min). With w the whole part of p and
/// f = p − w (both exact there), x lies in [w + f − 2⁻¹¹, w + f + 2⁻¹¹], so f below 0.499
/// rounds x to w and f above 0.501 rounds it to w + 1, as the standard library's
/// `Duration::try_from_secs_f64` does (to the nearest; the property test
/// `secs_fast_path_is_the_standard_conversion` holds the two together). A value within
/// 0.001 of a half, or longer, takes the slow path. A third of the instructions of the
/// standard conversion: the kernel converts a few durations per row.
#[inline]
fn nearest_nanos_if_clear(secs: f64) -> Option<Duration> {
    let p = secs * 1e9;
    if p >= 8_796_093_022_208.0 {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "0 <= p < 2^43: the truncation is exact and fits"
    )]
    let whole = p as i64;
    #[expect(clippy::cast_precision_loss, reason = "whole < 2^43: exact")]
    let frac = p - whole as f64;
    #[expect(clippy::cast_sign_loss, reason = "whole >= 0")]
    let whole = whole as u64;
    if frac < 0.499 {
        Some(Duration::from_nanos(whole))
    } else if frac > 0.501 {
        Some(Duration::from_nanos(whole + 1))
    } else {
        None
    }
}

/// A duration in milliseconds as a float, exact for whole nanosecond counts below 2⁵³.
#[cfg(any(feature = "serde", test))]
#[expect(
    clippy::cast_precision_loss,
    reason = "exact below 2^53 ns; durations built by duration_from_millis are far below"
)]
pub(crate) fn millis_of(d: Duration) -> f64 {
    d.as_nanos() as f64 / 1e6
}

/// Rounds a non-negative finite float up to a `u64`, or reports an overflow.
pub(crate) fn ceil_to_u64(what: &'static str, value: f64) -> Result<u64, Error> {
    let up = value.ceil();
    // 2^64 is exactly representable; anything at or above it does not fit.
    if !(0.0..18_446_744_073_709_551_616.0).contains(&up) {
        return Err(Error::Overflow { what });
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "range checked above: 0 <= up < 2^64 and up is integral"
    )]
    Ok(up as u64)
}

/// Implements the traits shared by the float newtypes: total order, hashing, conversions and
/// serde through the validating constructor.
macro_rules! float_quantity {
    ($name:ident, $ctor:ident) => {
        impl Eq for $name {}

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> Ordering {
                self.0.total_cmp(&other.0)
            }
        }

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.0.to_bits().hash(state);
            }
        }

        impl TryFrom<f64> for $name {
            type Error = Error;
            fn try_from(value: f64) -> Result<Self, Error> {
                Self::$ctor(value)
            }
        }

        impl From<$name> for f64 {
            fn from(value: $name) -> f64 {
                value.0
            }
        }
    };
}

/// A share of a whole: a fraction in `0.0..=1.0` (CPU use, pool use, hit rate, read share).
///
/// Stored and serialized as a fraction (`0.85`); displayed as a percentage (`85%`).
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::Ratio;
/// let cpu = Ratio::from_percent(85.0)?;
/// assert_eq!(cpu, Ratio::from_fraction(0.85)?);
/// assert_eq!(cpu.to_string(), "85%");
/// assert!(Ratio::from_fraction(1.2).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(into = "f64"))]
pub struct Ratio(f64);

/// Reads a fraction (`0.85`), or a percentage written as a string (`"85%"`, as the guide
/// writes its levels), through the validating constructors.
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::Ratio;
/// let a: Ratio = serde_json::from_str("0.85")?;
/// let b: Ratio = serde_json::from_str(r#""85%""#)?;
/// assert_eq!(a, b);
/// assert!(serde_json::from_str::<Ratio>(r#""85""#).is_err()); // a string needs its %
/// assert!(serde_json::from_str::<Ratio>(r#""120%""#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Ratio {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Ratio;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a fraction (0.85) or a percentage in a string (\"85%\")")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Ratio, E> {
                Ratio::from_fraction(v).map_err(E::custom)
            }
            #[expect(
                clippy::cast_precision_loss,
                reason = "an integer ratio is 0 or 1, or out of range whatever its precision"
            )]
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Ratio, E> {
                self.visit_f64(v as f64)
            }
            #[expect(
                clippy::cast_precision_loss,
                reason = "an integer ratio is 0 or 1, or out of range whatever its precision"
            )]
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Ratio, E> {
                self.visit_f64(v as f64)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Ratio, E> {
                let percent = v
                    .trim()
                    .strip_suffix('%')
                    .and_then(|p| p.trim_end().parse::<f64>().ok())
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(v), &self))?;
                Ratio::from_percent(percent).map_err(|_| {
                    E::custom(format_args!(
                        "a percentage must be in 0%..=100%, got {}; give the share of the whole",
                        v.trim()
                    ))
                })
            }
        }
        d.deserialize_any(Visit)
    }
}

impl Ratio {
    /// Nothing of the whole (0%).
    pub const ZERO: Ratio = Ratio(0.0);
    /// All of the whole (100%).
    pub const ONE: Ratio = Ratio(1.0);

    /// Builds a ratio from a fraction in `0.0..=1.0`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] unless `0.0 <= fraction <= 1.0` (NaN is rejected).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Ratio;
    /// assert_eq!(Ratio::from_fraction(0.5)?.as_percent(), 50.0);
    /// assert!(Ratio::from_fraction(f64::NAN).is_err());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn from_fraction(fraction: f64) -> Result<Self, Error> {
        if !(0.0..=1.0).contains(&fraction) {
            return Err(Error::OutOfRange {
                what: "ratio",
                value: fraction,
                min: 0.0,
                max: 1.0,
            });
        }
        Ok(Ratio(fraction + 0.0))
    }

    /// Builds a ratio from a percentage in `0.0..=100.0`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] unless `0.0 <= percent <= 100.0` (NaN is rejected); the error
    /// reports the value as a fraction.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Ratio;
    /// assert_eq!(Ratio::from_percent(70.0)?.as_fraction(), 0.7);
    /// assert!(Ratio::from_percent(-5.0).is_err());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn from_percent(percent: f64) -> Result<Self, Error> {
        Self::from_fraction(percent / 100.0)
    }

    /// Builds a constant ratio from a fraction.
    ///
    /// # Panics
    /// Panics (at compile time in a `const` context) unless `0.0 <= fraction <= 1.0`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Ratio;
    /// const TARGET: Ratio = Ratio::from_fraction_const(0.7);
    /// assert_eq!(TARGET.as_percent(), 70.0);
    /// ```
    #[must_use]
    pub const fn from_fraction_const(fraction: f64) -> Self {
        assert!(fraction >= 0.0 && fraction <= 1.0, "ratio must be in 0..=1");
        Ratio(fraction + 0.0)
    }

    /// The fraction, in `0.0..=1.0`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Ratio;
    /// assert_eq!(Ratio::from_percent(85.0)?.as_fraction(), 0.85);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub const fn as_fraction(self) -> f64 {
        self.0
    }

    /// The percentage, in `0.0..=100.0`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Ratio;
    /// assert_eq!(Ratio::from_fraction(0.25)?.as_percent(), 25.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn as_percent(self) -> f64 {
        self.0 * 100.0
    }

    /// The remaining share, `1 - self` (for example headroom from utilisation).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Ratio;
    /// assert_eq!(
    ///     Ratio::from_percent(75.0)?.complement(),
    ///     Ratio::from_percent(25.0)?
    /// );
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn complement(self) -> Ratio {
        // 1 − x for x in 0..=1 is never −0.0.
        Ratio((1.0 - self.0).clamp(0.0, 1.0))
    }
}

float_quantity!(Ratio, from_fraction);

impl fmt::Display for Ratio {
    /// At most one decimal place, none when it is a zero (`74%`, `90.9%`), except where that
    /// would misstate the value: a level people write with more digits keeps them (`99.99%`,
    /// `0.04%`), and a value that one decimal would round to `100%` or `0%` gets as many
    /// digits as it takes (`99.99999%`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_percent(f, self.as_percent())
    }
}

/// Writes a percentage as [`Ratio`]'s `Display` describes.
pub(crate) fn write_percent(f: &mut fmt::Formatter<'_>, percent: f64) -> fmt::Result {
    // A ratio's percentage lies in 0..=100; there the "written with up to four decimals" test
    // needs no text. With `k = round(p * 10^d)`, `k / 10^d` is the value `{p:.d}` reads back
    // as whenever either is within the tolerance of `p` (the tolerance, at most 1e-7, is far
    // below half a unit of the fourth decimal, so `p` is nowhere near a rounding tie and both
    // roundings give the same `k`), and the digits of `k` are the text `{p:.d}` writes.
    // `written_decimals_agree_with_formatting` holds this to the formatting version below.
    if (0.0..=100.0).contains(&percent) {
        let tolerance = 1e-9 * percent.max(1.0);
        let mut scale = 1u32;
        for decimals in 1..=4usize {
            scale *= 10;
            let k = (percent * f64::from(scale)).round();
            if (k / f64::from(scale) - percent).abs() <= tolerance {
                // 0 <= k <= 1e6: exact as an integer.
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "k is a whole number in 0..=1e6"
                )]
                let k = k as u32;
                // No trailing zero to trim (the formatting version trims them): were the last
                // digit of `k` a zero, `k / 10` at one decimal fewer is the same value, the
                // same division correctly rounded, and would have matched there first. At
                // one decimal, a zero is left out (`74%`).
                if decimals == 1 && k.is_multiple_of(10) {
                    return write!(f, "{}%", k / 10);
                }
                return write!(f, "{}.{:0decimals$}%", k / scale, k % scale);
            }
        }
        return write_computed_percent(f, percent);
    }
    write_percent_by_formatting(f, percent)
}

/// [`write_percent`] for any value, by writing each candidate and reading it back.
fn write_percent_by_formatting(f: &mut fmt::Formatter<'_>, percent: f64) -> fmt::Result {
    let exact = |decimals: usize| {
        let text = format!("{percent:.decimals$}");
        let close = text
            .parse::<f64>()
            .is_ok_and(|shown| (shown - percent).abs() <= 1e-9 * percent.abs().max(1.0));
        close.then_some(text)
    };
    // A value written with up to four decimals is shown as written.
    for decimals in 1..=4 {
        if let Some(text) = exact(decimals) {
            let trimmed = if decimals == 1 {
                text.strip_suffix(".0").unwrap_or(&text)
            } else {
                text.trim_end_matches('0')
            };
            return write!(f, "{trimmed}%");
        }
    }
    write_computed_percent(f, percent)
}

/// A computed percentage: one decimal (none when it is a zero), unless that reads as exactly
/// 0% or 100%.
fn write_computed_percent(f: &mut fmt::Formatter<'_>, percent: f64) -> fmt::Result {
    let mut decimals = 1;
    loop {
        let text = format!("{percent:.decimals$}");
        // The text reads as a round 0% or 100% exactly when it is "0.0..." or "100.0...".
        let misleading = text.trim_start_matches('-').trim_end_matches('0') == "0."
            || text.trim_end_matches('0') == "100.";
        if !misleading || decimals >= 12 {
            let text = if decimals == 1 {
                text.strip_suffix(".0").unwrap_or(&text)
            } else {
                &text
            };
            return write!(f, "{text}%");
        }
        decimals += 1;
    }
}

/// Events per second (requests, reads, writes, rate-limit responses), finite and not negative.
///
/// Stored and serialized as events per second.
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::Rate;
/// let peak = Rate::from_per_second(1_000.0)?;
/// assert_eq!(peak.to_string(), "1000/s");
/// assert_eq!(Rate::from_per_minute(60.0)?, Rate::from_per_second(1.0)?);
/// assert!(Rate::from_per_second(-3.0).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct Rate(f64);

impl Rate {
    /// No events.
    pub const ZERO: Rate = Rate(0.0);

    /// Builds a rate from events per second.
    ///
    /// # Errors
    /// [`Error::NotFinite`] for NaN or infinities, [`Error::Negative`] below zero.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Rate;
    /// assert_eq!(Rate::from_per_second(2.5)?.as_per_second(), 2.5);
    /// assert!(Rate::from_per_second(f64::INFINITY).is_err());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn from_per_second(per_second: f64) -> Result<Self, Error> {
        non_negative("rate", per_second).map(Rate)
    }

    /// Builds a rate from events per minute.
    ///
    /// # Errors
    /// As [`Rate::from_per_second`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Rate;
    /// assert_eq!(Rate::from_per_minute(120.0)?.as_per_second(), 2.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn from_per_minute(per_minute: f64) -> Result<Self, Error> {
        non_negative("rate", per_minute).map(|v| Rate(v / 60.0))
    }

    /// Builds a rate from events per hour.
    ///
    /// # Errors
    /// As [`Rate::from_per_second`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Rate;
    /// assert_eq!(Rate::from_per_hour(7_200.0)?.as_per_second(), 2.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn from_per_hour(per_hour: f64) -> Result<Self, Error> {
        non_negative("rate", per_hour).map(|v| Rate(v / 3600.0))
    }

    /// Events per second.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Rate;
    /// assert_eq!(Rate::from_per_minute(600.0)?.as_per_second(), 10.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub const fn as_per_second(self) -> f64 {
        self.0
    }

    /// Multiplies the rate by a factor, failing instead of overflowing to infinity.
    ///
    /// # Errors
    /// [`Error::NotFinite`] when the product is too large for an `f64`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::{Factor, Rate};
    /// let tripled = Rate::from_per_second(1_000.0)?.checked_scale(Factor::new(3.0)?)?;
    /// assert_eq!(tripled.as_per_second(), 3_000.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn checked_scale(self, factor: Factor) -> Result<Rate, Error> {
        let value = self.0 * factor.0;
        if value.is_finite() {
            Ok(Rate(value))
        } else {
            Err(Error::NotFinite {
                what: "rate",
                value,
            })
        }
    }

    /// Mean number of events in progress when each lasts `time_in_system` (Little's law).
    ///
    /// # Formula
    /// ```text
    /// L = λ · W
    /// ```
    /// λ: arrival rate (events/s); W: mean time in system (s); L: mean number in the system.
    /// Holds for any stable system in steady state, whatever the arrival and service processes.
    ///
    /// # Errors
    /// [`Error::NotFinite`] when the product is too large for an `f64`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::units::Rate;
    /// // 200 req/s that each take 50 ms keep 10 requests in flight on average.
    /// let inflight =
    ///     Rate::from_per_second(200.0)?.checked_concurrency(Duration::from_millis(50))?;
    /// assert!((inflight.as_f64() - 10.0).abs() < 1e-9);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    ///
    /// # References
    /// J. D. C. Little, "A Proof for the Queuing Formula L = λW", Operations Research 9(3),
    /// 383-387, 1961.
    pub fn checked_concurrency(self, time_in_system: Duration) -> Result<Concurrency, Error> {
        let value = self.0 * time_in_system.as_secs_f64();
        if value.is_finite() {
            Ok(Concurrency(value))
        } else {
            Err(Error::NotFinite {
                what: "concurrency",
                value,
            })
        }
    }
}

float_quantity!(Rate, from_per_second);

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_trimmed(f, self.0)?;
        f.write_str("/s")
    }
}

/// Mean number of things in progress at once (requests in flight, busy connections).
///
/// Dimensionless, finite and not negative; the result of Little's law
/// ([`Rate::checked_concurrency`]).
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::Concurrency;
/// assert_eq!(Concurrency::new(12.5)?.as_f64(), 12.5);
/// assert!(Concurrency::new(-1.0).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct Concurrency(f64);

impl Concurrency {
    /// Nothing in progress.
    pub const ZERO: Concurrency = Concurrency(0.0);

    /// Builds a concurrency level.
    ///
    /// # Errors
    /// [`Error::NotFinite`] for NaN or infinities, [`Error::Negative`] below zero.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Concurrency;
    /// assert!(Concurrency::new(f64::NAN).is_err());
    /// ```
    pub fn new(value: f64) -> Result<Self, Error> {
        non_negative("concurrency", value).map(Concurrency)
    }

    /// The mean number in progress.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Concurrency;
    /// assert_eq!(Concurrency::new(12.5)?.as_f64(), 12.5);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub const fn as_f64(self) -> f64 {
        self.0
    }
}

float_quantity!(Concurrency, new);

impl fmt::Display for Concurrency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_trimmed(f, self.0)?;
        f.write_str(" in flight")
    }
}

/// Mean database queries issued per request served, finite and not negative.
///
/// Its one natural unit is "queries per request"; it is a mean, so fractions are allowed.
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::QueriesPerRequest;
/// let q = QueriesPerRequest::new(12.0)?;
/// assert_eq!(q.to_string(), "12 queries/request");
/// assert!(QueriesPerRequest::new(-1.0).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct QueriesPerRequest(f64);

impl QueriesPerRequest {
    /// Builds a queries-per-request mean.
    ///
    /// # Errors
    /// [`Error::NotFinite`] for NaN or infinities, [`Error::Negative`] below zero.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::QueriesPerRequest;
    /// assert!(QueriesPerRequest::new(f64::INFINITY).is_err());
    /// ```
    pub fn new(queries: f64) -> Result<Self, Error> {
        non_negative("db_queries_per_request", queries).map(QueriesPerRequest)
    }

    /// Builds a constant value.
    ///
    /// # Panics
    /// Panics (at compile time in a `const` context) unless `queries` is finite and not negative.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::QueriesPerRequest;
    /// const TEN: QueriesPerRequest = QueriesPerRequest::new_const(10.0);
    /// assert_eq!(TEN.as_f64(), 10.0);
    /// ```
    #[must_use]
    pub const fn new_const(queries: f64) -> Self {
        assert!(
            queries >= 0.0 && queries < f64::INFINITY,
            "queries per request must be finite and >= 0"
        );
        QueriesPerRequest(queries + 0.0)
    }

    /// The mean number of queries per request.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::QueriesPerRequest;
    /// assert_eq!(QueriesPerRequest::new(14.0)?.as_f64(), 14.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub const fn as_f64(self) -> f64 {
        self.0
    }
}

float_quantity!(QueriesPerRequest, new);

impl fmt::Display for QueriesPerRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_trimmed(f, self.0)?;
        f.write_str(" queries/request")
    }
}

/// Money spent per month, in US dollars, finite and not negative.
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::UsdPerMonth;
/// assert_eq!(UsdPerMonth::from_usd(3_000.0)?.to_string(), "$3,000/mo");
/// assert!(UsdPerMonth::from_usd(-1.0).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct UsdPerMonth(f64);

impl UsdPerMonth {
    /// Builds a monthly amount in US dollars.
    ///
    /// # Errors
    /// [`Error::NotFinite`] for NaN or infinities, [`Error::Negative`] below zero.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::UsdPerMonth;
    /// assert_eq!(UsdPerMonth::from_usd(100.0)?.as_usd(), 100.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn from_usd(usd: f64) -> Result<Self, Error> {
        non_negative("monthly cost", usd).map(UsdPerMonth)
    }

    /// Builds a constant amount.
    ///
    /// # Panics
    /// Panics (at compile time in a `const` context) unless `usd` is finite and not negative.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::UsdPerMonth;
    /// const BUDGET: UsdPerMonth = UsdPerMonth::from_usd_const(1_000.0);
    /// assert_eq!(BUDGET.as_usd(), 1_000.0);
    /// ```
    #[must_use]
    pub const fn from_usd_const(usd: f64) -> Self {
        assert!(
            usd >= 0.0 && usd < f64::INFINITY,
            "monthly cost must be finite and >= 0"
        );
        UsdPerMonth(usd + 0.0)
    }

    /// US dollars per month.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::UsdPerMonth;
    /// assert_eq!(UsdPerMonth::from_usd(3_000.0)?.as_usd(), 3_000.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub const fn as_usd(self) -> f64 {
        self.0
    }
}

float_quantity!(UsdPerMonth, from_usd);

impl fmt::Display for UsdPerMonth {
    /// `$300/mo`, `$1,000/mo`: dollars grouped by thousands from 1,000 up, as the guide's
    /// cost table writes them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        fmt_usd(f, self.0)?;
        f.write_str("/mo")
    }
}

/// A dimensionless multiplier, finite and strictly positive (growth factor, safety margin,
/// memory overhead).
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::Factor;
/// let margin = Factor::new(1.5)?;
/// assert_eq!(margin.to_string(), "1.5x");
/// assert!(Factor::new(0.0).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct Factor(f64);

impl Factor {
    /// The neutral multiplier, 1x.
    pub const ONE: Factor = Factor(1.0);

    /// Builds a factor.
    ///
    /// # Errors
    /// [`Error::NotFinite`] for NaN or infinities, [`Error::NotPositive`] at or below zero.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Factor;
    /// assert!(Factor::new(-2.0).is_err());
    /// ```
    pub fn new(multiplier: f64) -> Result<Self, Error> {
        positive("factor", multiplier).map(Factor)
    }

    /// Builds a constant factor.
    ///
    /// # Panics
    /// Panics (at compile time in a `const` context) unless `multiplier` is finite and positive.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Factor;
    /// const REDIS: Factor = Factor::new_const(1.5);
    /// assert_eq!(REDIS.as_f64(), 1.5);
    /// ```
    #[must_use]
    pub const fn new_const(multiplier: f64) -> Self {
        assert!(
            multiplier > 0.0 && multiplier < f64::INFINITY,
            "factor must be finite and > 0"
        );
        Factor(multiplier)
    }

    /// The multiplier.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Factor;
    /// assert_eq!(Factor::new(1.5)?.as_f64(), 1.5);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub const fn as_f64(self) -> f64 {
        self.0
    }
}

float_quantity!(Factor, new);

impl fmt::Display for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_trimmed(f, self.0)?;
        f.write_str("x")
    }
}

/// An amount of memory or data, in bytes.
///
/// Stored and serialized as a whole number of bytes; displayed in binary units (`1.5 GiB`).
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::Bytes;
/// let ws = Bytes::from_gib(10.0)?;
/// assert_eq!(ws.as_bytes(), 10 * 1024 * 1024 * 1024);
/// assert_eq!(ws.to_string(), "10.0 GiB");
/// assert!(Bytes::from_gib(-1.0).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Bytes(u64);

/// Bytes in one gibibyte.
const GIB: f64 = 1_073_741_824.0;

impl Bytes {
    /// No data.
    pub const ZERO: Bytes = Bytes(0);

    /// Builds an amount from a whole number of bytes.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Bytes;
    /// assert_eq!(Bytes::from_bytes(1024).to_string(), "1.0 KiB");
    /// ```
    #[must_use]
    pub const fn from_bytes(bytes: u64) -> Self {
        Bytes(bytes)
    }

    /// Builds an amount from gibibytes (2³⁰ bytes), rounding up to a whole byte.
    ///
    /// # Errors
    /// [`Error::NotFinite`] for NaN or infinities, [`Error::Negative`] below zero,
    /// [`Error::Overflow`] above `u64::MAX` bytes.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Bytes;
    /// assert_eq!(Bytes::from_gib(0.5)?.as_bytes(), 536_870_912);
    /// assert!(Bytes::from_gib(f64::NAN).is_err());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn from_gib(gib: f64) -> Result<Self, Error> {
        let gib = non_negative("bytes", gib)?;
        ceil_to_u64("bytes", gib * GIB).map(Bytes)
    }

    /// Builds an amount from decimal gigabytes (10⁹ bytes), rounding up to a whole byte.
    ///
    /// # Errors
    /// As [`Bytes::from_gib`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Bytes;
    /// assert_eq!(Bytes::from_gb(2.0)?.as_bytes(), 2_000_000_000);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn from_gb(gb: f64) -> Result<Self, Error> {
        let gb = non_negative("bytes", gb)?;
        ceil_to_u64("bytes", gb * 1e9).map(Bytes)
    }

    /// The number of bytes.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Bytes;
    /// assert_eq!(Bytes::from_gib(1.0)?.as_bytes(), 1_073_741_824);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub const fn as_bytes(self) -> u64 {
        self.0
    }

    /// The amount in gibibytes, as a float (may round for amounts above 2⁵³ bytes).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Bytes;
    /// assert_eq!(Bytes::from_gib(15.0)?.as_gib_f64(), 15.0);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn as_gib_f64(self) -> f64 {
        u64_to_f64(self.0) / GIB
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        if self.0 < 1024 {
            return write!(f, "{} B", self.0);
        }
        let mut value = u64_to_f64(self.0);
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        write!(f, "{value:.1} {}", UNITS[unit])
    }
}

/// A number of users (registered or active: say which in your own reporting).
///
/// Its one natural unit is "users".
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::Users;
/// assert_eq!(Users::new(25_000).to_string(), "25,000 users");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Users(u64);

impl Users {
    /// Builds a user count.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Users;
    /// assert_eq!(Users::new(45_000).to_string(), "45,000 users");
    /// ```
    #[must_use]
    pub const fn new(users: u64) -> Self {
        Users(users)
    }

    /// The number of users.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Users;
    /// assert_eq!(Users::new(45_000).get(), 45_000);
    /// ```
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Users {
    /// `2000 users`, `45,000 users`: thousands separated from 10,000 up (see [`Count`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_whole(f, self.0)?;
        f.write_str(" users")
    }
}

/// Writes a whole number as people read it: its digits alone below 10,000 (`2000`), with
/// commas between thousands from there (`45,000`, `1,000,000`).
pub(crate) fn write_whole(f: &mut fmt::Formatter<'_>, n: u64) -> fmt::Result {
    write_whole_from(f, n, 10_000)
}

/// [`write_whole`] with grouping from `from` up.
fn write_whole_from(f: &mut fmt::Formatter<'_>, n: u64, from: u64) -> fmt::Result {
    if n < from {
        return write!(f, "{n}");
    }
    // u64::MAX has 20 digits: seven groups at most.
    let mut groups = [0u16; 7];
    let mut len = 0;
    let mut rest = n;
    while rest > 0 {
        if let Some(slot) = groups.get_mut(len) {
            // rest % 1000 < 1000: fits a u16.
            *slot = u16::try_from(rest % 1000).unwrap_or(0);
        }
        rest /= 1000;
        len += 1;
    }
    let mut first = true;
    for g in groups.iter().take(len).rev() {
        if first {
            write!(f, "{g}")?;
            first = false;
        } else {
            write!(f, ",{g:03}")?;
        }
    }
    Ok(())
}

/// A number of database connections (in use, or a pool's size).
///
/// Its one natural unit is "connections".
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::Connections;
/// assert_eq!(Connections::new(17).to_string(), "17 connections");
/// assert_eq!(Connections::new(1).to_string(), "1 connection");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Connections(u32);

impl Connections {
    /// Builds a connection count.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Connections;
    /// assert_eq!(Connections::new(17).to_string(), "17 connections");
    /// assert_eq!(Connections::new(1).to_string(), "1 connection");
    /// ```
    #[must_use]
    pub const fn new(connections: u32) -> Self {
        Connections(connections)
    }

    /// The number of connections.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Connections;
    /// assert_eq!(Connections::new(17).get(), 17);
    /// ```
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Connections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.0 == 1 {
            "connection"
        } else {
            "connections"
        };
        write_whole(f, u64::from(self.0))?;
        write!(f, " {unit}")
    }
}

/// A count of discrete events over the snapshot's period (pool exhaustions, sequential scans).
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::Count;
/// assert_eq!(Count::new(12_000).to_string(), "12,000");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Count(u64);

impl Count {
    /// Builds a count.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Count;
    /// assert_eq!(Count::new(25_000).get(), 25_000);
    /// ```
    #[must_use]
    pub const fn new(count: u64) -> Self {
        Count(count)
    }

    /// The count.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::units::Count;
    /// assert_eq!(Count::new(3).get(), 3);
    /// ```
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Count {
    /// `800`, `25,000`: thousands separated from 10,000 up, as the rules' evidence writes
    /// numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_whole(f, self.0)
    }
}

/// JSON Schemas of the unit types: the bare number each serializes as, with its range.
#[cfg(feature = "schema")]
mod schema {
    use super::*;
    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
    use std::borrow::Cow;

    macro_rules! number_schema {
        ($ty:ty, $name:literal, $schema:tt) => {
            impl JsonSchema for $ty {
                fn schema_name() -> Cow<'static, str> {
                    $name.into()
                }
                fn json_schema(_: &mut SchemaGenerator) -> Schema {
                    json_schema!($schema)
                }
            }
        };
    }

    number_schema!(Ratio, "Ratio", { "oneOf": [{ "type": "number", "minimum": 0.0, "maximum": 1.0 }, { "type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*%\\s*$" }], "description": "a fraction in 0..=1 (0.85), or a percentage in a string (\"85%\")" });
    number_schema!(Rate, "Rate", { "type": "number", "minimum": 0.0, "description": "events per second" });
    number_schema!(Concurrency, "Concurrency", { "type": "number", "minimum": 0.0, "description": "mean number in progress" });
    number_schema!(QueriesPerRequest, "QueriesPerRequest", { "type": "number", "minimum": 0.0, "description": "mean database queries per request" });
    number_schema!(UsdPerMonth, "UsdPerMonth", { "type": "number", "minimum": 0.0, "description": "US dollars per month" });
    number_schema!(Factor, "Factor", { "type": "number", "exclusiveMinimum": 0.0, "description": "a positive multiplier" });
    number_schema!(Bytes, "Bytes", { "type": "integer", "minimum": 0, "description": "bytes" });
    number_schema!(Users, "Users", { "type": "integer", "minimum": 0, "description": "users" });
    number_schema!(Connections, "Connections", { "type": "integer", "minimum": 0, "maximum": 4_294_967_295_u64, "description": "database connections" });
    number_schema!(Count, "Count", { "type": "integer", "minimum": 0, "description": "a count of events" });
}

/// Converts a `u64` to `f64`, rounding above 2⁵³ (documented wherever it is used).
#[expect(
    clippy::cast_precision_loss,
    reason = "counts above 2^53 lose only their lowest digits"
)]
pub(crate) fn u64_to_f64(value: u64) -> f64 {
    value as f64
}

/// Writes a float with at most two decimals and no trailing zeros.
///
/// From 10,000 up (below 2^53, where every whole number is exact) the whole part is grouped
/// by thousands, as [`Count`] writes numbers: `270,000/s`, `12,500.5/s` (dollars
/// from 1,000 up: [`fmt_usd`]).
pub(crate) fn fmt_trimmed(f: &mut fmt::Formatter<'_>, value: f64) -> fmt::Result {
    fmt_grouped(f, value, 10_000)
}

/// Writes dollars as [`fmt_trimmed`] does, grouped by thousands from 1,000 up, as the guide's
/// cost table writes them (`$1,000-3,000`).
pub(crate) fn fmt_usd(f: &mut fmt::Formatter<'_>, value: f64) -> fmt::Result {
    fmt_grouped(f, value, 1_000)
}

/// [`fmt_trimmed`] with grouping from `from` (1,000 or 10,000) up.
fn fmt_grouped(f: &mut fmt::Formatter<'_>, value: f64, from: u64) -> fmt::Result {
    #[expect(clippy::cast_precision_loss, reason = "from is 1,000 or 10,000: exact")]
    let lowest = from as f64;
    if (lowest..9.007_199_254_740_992e15).contains(&value) {
        // The decimals the branches below would write, then the value rounded to them as
        // a whole number of hundredths or tenths.
        let places: u32 = if (value - value.round()).abs() < 1e-9 {
            0
        } else if (value * 10.0 - (value * 10.0).round()).abs() < 1e-9 {
            1
        } else {
            2
        };
        let scale = 10u64.pow(places);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "10,000 <= value < 2^53, so value x 100 fits a u64"
        )]
        let scaled = (value * scale as f64).round() as u64;
        write_whole_from(f, scaled / scale, from)?;
        return match places {
            0 => Ok(()),
            1 => write!(f, ".{}", scaled % scale),
            _ => write!(f, ".{:02}", scaled % scale),
        };
    }
    if (value - value.round()).abs() < 1e-9 {
        write!(f, "{value:.0}")
    } else if (value * 10.0 - (value * 10.0).round()).abs() < 1e-9 {
        write!(f, "{value:.1}")
    } else {
        write!(f, "{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_and_money_are_grouped_by_thousands_from_ten_thousand() {
        let rate = |v: f64| Rate::from_per_second(v).map(|r| r.to_string());
        assert_eq!(rate(8_100.0).as_deref(), Ok("8100/s"));
        assert_eq!(rate(9_999.5).as_deref(), Ok("9999.5/s"));
        assert_eq!(rate(10_000.0).as_deref(), Ok("10,000/s"));
        assert_eq!(rate(270_000.0).as_deref(), Ok("270,000/s"));
        assert_eq!(rate(12_500.5).as_deref(), Ok("12,500.5/s"));
        assert_eq!(rate(12_500.25).as_deref(), Ok("12,500.25/s"));
        assert_eq!(rate(12_500.05).as_deref(), Ok("12,500.05/s"));
        assert_eq!(rate(1_234_567.891).as_deref(), Ok("1,234,567.89/s"));
    }

    #[test]
    fn money_is_grouped_by_thousands_from_one_thousand_as_the_guide_writes_it() {
        // The guide's cost table: "$1,000-3,000", "$10,000-30,000", "$100,000+".
        let usd = |v: f64| UsdPerMonth::from_usd(v).map(|u| u.to_string());
        assert_eq!(usd(999.0).as_deref(), Ok("$999/mo"));
        assert_eq!(usd(999.5).as_deref(), Ok("$999.5/mo"));
        assert_eq!(usd(1_000.0).as_deref(), Ok("$1,000/mo"));
        assert_eq!(usd(3_000.0).as_deref(), Ok("$3,000/mo"));
        assert_eq!(usd(1_234.56).as_deref(), Ok("$1,234.56/mo"));
        assert_eq!(usd(30_000.0).as_deref(), Ok("$30,000/mo"));
        assert_eq!(
            crate::Stage::Growth.cost_at_scale().monthly.to_string(),
            "$1,000-3,000/mo"
        );
        assert_eq!(
            crate::Stage::Growth.indicative_cost().to_string(),
            "$1,000/mo"
        );
    }

    #[test]
    fn whole_numbers_are_grouped_by_thousands_from_ten_thousand() {
        for (n, text) in [
            (0, "0"),
            (800, "800"),
            (9_999, "9999"),
            (10_000, "10,000"),
            (45_007, "45,007"),
            (1_000_000, "1,000,000"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ] {
            assert_eq!(Count::new(n).to_string(), text);
        }
        assert_eq!(Users::new(45_000).to_string(), "45,000 users");
        assert_eq!(Users::new(2_000).to_string(), "2000 users");
        assert_eq!(Connections::new(1).to_string(), "1 connection");
        assert_eq!(Connections::new(12_000).to_string(), "12,000 connections");
    }

    #[test]
    fn percentages_keep_the_digits_that_matter() {
        #[track_caller]
        fn check(fraction: f64, expected: &str) {
            assert_eq!(
                Ratio::from_fraction(fraction).unwrap().to_string(),
                expected
            );
        }
        check(0.74, "74%");
        check(0.875, "87.5%");
        check(0.9999, "99.99%");
        check(0.99999, "99.999%");
        check(0.0004, "0.04%");
        check(0.12345, "12.345%");
        check(1.0, "100%");
        check(0.0, "0%");
        check(0.739_999_9, "74%");
        check(1.0 / 3.0, "33.3%");
        check(10.0 / 11.0, "90.9%");
        check(0.999_999_9, "99.99999%");
        check(0.000_000_1, "0.00001%");
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn millisecond_durations_round_exactly() {
        // Exact values worked out with rational arithmetic: 3,529,807.8502085 ms (as an f64) is
        // 3,529,807,850,208.4999… ns, but the rounded f64 product is exactly …208.5, which
        // `round` would take to …209.
        let d = duration_from_millis("x", 3_529_807.850_208_5).unwrap();
        assert_eq!(d.as_nanos(), 3_529_807_850_208);
        let d = duration_from_millis("x", 3_796_562.258_292_5).unwrap();
        assert_eq!(d.as_nanos(), 3_796_562_258_292);
        // 1/128 ms is exactly 7,812.5 ns: a true tie rounds up.
        assert_eq!(
            duration_from_millis("x", 1.0 / 128.0).unwrap().as_nanos(),
            7_813
        );
        assert_eq!(
            duration_from_millis("x", 850.0).unwrap(),
            Duration::from_millis(850)
        );
        // The cap is inclusive.
        assert_eq!(
            duration_from_millis("x", MAX_MILLIS).unwrap(),
            Duration::from_millis(4_294_967_296)
        );
        assert_eq!(
            duration_from_millis("lag", MAX_MILLIS + 1.0),
            Err(Error::OutOfRange {
                what: "lag",
                value: MAX_MILLIS + 1.0,
                min: 0.0,
                max: MAX_MILLIS,
            })
        );
        assert_eq!(duration_from_millis("x", -0.0).unwrap(), Duration::ZERO);
    }

    #[test]
    fn queries_per_request_display() {
        assert_eq!(
            QueriesPerRequest::new(12.0).unwrap().to_string(),
            "12 queries/request"
        );
        assert_eq!(
            QueriesPerRequest::new(2.5).unwrap().to_string(),
            "2.5 queries/request"
        );
        assert!(Ratio::ONE.complement().as_fraction().is_sign_positive());
    }

    #[test]
    fn counts_and_sizes_display() {
        assert_eq!(Connections::new(17).to_string(), "17 connections");
        assert_eq!(Bytes::from_bytes(1_023).to_string(), "1023 B");
        assert_eq!(Bytes::from_bytes(1_024).to_string(), "1.0 KiB");
        assert_eq!(Bytes::from_bytes(1_536).to_string(), "1.5 KiB");
        assert_eq!(Bytes::from_gib(15.0).unwrap().to_string(), "15.0 GiB");
        assert_eq!(Bytes::from_bytes(u64::MAX).to_string(), "16.0 EiB");
    }

    #[test]
    fn negative_zero_reads_as_zero() {
        assert!(non_negative("x", -0.0).unwrap().is_sign_positive());
        assert!(
            Rate::from_per_second(-0.0)
                .unwrap()
                .as_per_second()
                .is_sign_positive()
        );
    }

    #[test]
    fn const_constructors_accept_their_domain() {
        assert!((Ratio::from_fraction_const(0.7).as_percent() - 70.0).abs() < 1e-12);
        assert!((Ratio::from_fraction_const(1.0).as_fraction() - 1.0).abs() < 1e-15);
        // -0.0 is stored as +0.0, like the checked constructors do.
        assert!(
            Ratio::from_fraction_const(-0.0)
                .as_fraction()
                .is_sign_positive()
        );
        assert!(
            QueriesPerRequest::new_const(-0.0)
                .as_f64()
                .is_sign_positive()
        );
        assert!(
            UsdPerMonth::from_usd_const(-0.0)
                .as_usd()
                .is_sign_positive()
        );
        assert!((QueriesPerRequest::new_const(0.0).as_f64()).abs() < 1e-15);
        assert!((UsdPerMonth::from_usd_const(0.0).as_usd()).abs() < 1e-15);
        assert!((Factor::new_const(f64::MIN_POSITIVE).as_f64() - f64::MIN_POSITIVE).abs() < 1e-300);
        assert!((Factor::new_const(1.5).as_f64() - 1.5).abs() < 1e-15);
        assert!((Ratio::from_fraction(0.255).unwrap().as_percent() - 25.5).abs() < 1e-12);
    }

    /// The message a call panics with, or `None` when it returns.
    fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> Option<String> {
        let payload = std::panic::catch_unwind(f).err()?;
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
    }

    #[test]
    fn const_constructors_panic_outside_their_domain_with_a_message() {
        let cases: [(&str, fn()); 8] = [
            ("ratio must be in 0..=1", || {
                let _ = Ratio::from_fraction_const(1.5);
            }),
            ("ratio must be in 0..=1", || {
                let _ = Ratio::from_fraction_const(-0.5);
            }),
            ("queries per request must be finite and >= 0", || {
                let _ = QueriesPerRequest::new_const(f64::INFINITY);
            }),
            ("queries per request must be finite and >= 0", || {
                let _ = QueriesPerRequest::new_const(-1.0);
            }),
            ("monthly cost must be finite and >= 0", || {
                let _ = UsdPerMonth::from_usd_const(-1.0);
            }),
            ("monthly cost must be finite and >= 0", || {
                let _ = UsdPerMonth::from_usd_const(f64::INFINITY);
            }),
            ("factor must be finite and > 0", || {
                let _ = Factor::new_const(0.0);
            }),
            ("factor must be finite and > 0", || {
                let _ = Factor::new_const(f64::INFINITY);
            }),
        ];
        for (expected, call) in cases {
            assert_eq!(panic_message(call).as_deref(), Some(expected));
        }
        assert_eq!(
            panic_message(|| {
                let _ = Ratio::from_fraction_const(0.5);
            }),
            None
        );
    }

    #[test]
    fn units_are_send_sync_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Ratio>();
        check::<Rate>();
        check::<Concurrency>();
        check::<QueriesPerRequest>();
        check::<UsdPerMonth>();
        check::<Factor>();
        check::<Bytes>();
        check::<Users>();
        check::<Connections>();
        check::<Count>();
    }

    #[test]
    fn ratio_maps_negative_zero_to_zero() {
        let r = Ratio::from_fraction(-0.0).unwrap();
        assert_eq!(r.as_fraction().to_bits(), 0.0f64.to_bits());
        assert_eq!(r, Ratio::ZERO);
    }

    #[test]
    fn ratio_error_names_value() {
        assert_eq!(
            Ratio::from_percent(150.0),
            Err(Error::OutOfRange {
                what: "ratio",
                value: 1.5,
                min: 0.0,
                max: 1.0
            })
        );
    }

    #[test]
    fn rejects_nan_rate() {
        assert!(matches!(
            Rate::from_per_second(f64::NAN),
            Err(Error::NotFinite { what: "rate", .. })
        ));
    }

    #[test]
    fn rejects_negative_rate_with_value() {
        assert_eq!(
            Rate::from_per_second(-2.0),
            Err(Error::Negative {
                what: "rate",
                value: -2.0
            })
        );
    }

    #[test]
    fn checked_scale_reports_overflow() {
        let huge = Rate::from_per_second(f64::MAX).unwrap();
        assert!(huge.checked_scale(Factor::new(2.0).unwrap()).is_err());
    }

    #[test]
    fn display_shows_value_and_unit() {
        #[track_caller]
        fn check(shown: String, expected: &str) {
            assert_eq!(shown, expected);
        }
        check(Ratio::from_fraction(0.855).unwrap().to_string(), "85.5%");
        check(Rate::from_per_second(1200.0).unwrap().to_string(), "1200/s");
        check(Rate::from_per_second(0.25).unwrap().to_string(), "0.25/s");
        check(Factor::new(3.0).unwrap().to_string(), "3x");
        check(Bytes::from_bytes(512).to_string(), "512 B");
        check(Bytes::from_gib(1.5).unwrap().to_string(), "1.5 GiB");
        check(
            UsdPerMonth::from_usd(100_000.0).unwrap().to_string(),
            "$100,000/mo",
        );
        check(Concurrency::new(2.5).unwrap().to_string(), "2.5 in flight");
    }

    #[test]
    fn duration_helpers_reject_bad_input() {
        assert!(duration_from_millis("p95", f64::NAN).is_err());
        assert!(duration_from_millis("p95", f64::INFINITY).is_err());
        assert!(duration_from_millis("p95", -0.5).is_err());
        assert!(matches!(
            duration_from_secs("lag", 1e30),
            Err(Error::OutOfRange { .. })
        ));
        assert_eq!(
            duration_from_millis("p95", 1500.0).unwrap(),
            Duration::from_millis(1500)
        );
    }

    #[test]
    fn bytes_overflow_is_an_error() {
        assert_eq!(
            Bytes::from_gib(1e12),
            Err(Error::Overflow { what: "bytes" })
        );
    }

    /// `write_percent` and the version that writes each candidate and reads it back.
    struct Fast(f64);
    struct ByFormatting(f64);
    impl fmt::Display for Fast {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_percent(f, self.0)
        }
    }
    impl fmt::Display for ByFormatting {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_percent_by_formatting(f, self.0)
        }
    }

    /// Percentages a ratio can show: any fraction times 100, levels written with up to six
    /// decimals, the same a hair off, and exact binary ties (`74.25`, `0.125`) where rounding
    /// half-even and half-away differ.
    fn percentages() -> impl Strategy<Value = f64> {
        let decimal = (0u32..=100_000_000, 0i32..=6)
            .prop_map(|(k, d)| (f64::from(k) / 10f64.powi(d)).min(100.0));
        prop_oneof![
            (0.0f64..=1.0).prop_map(|x| x * 100.0),
            decimal.clone(),
            (decimal, -1e-6f64..1e-6).prop_map(|(p, e)| (p + e).clamp(0.0, 100.0)),
            (0u32..=800, 1i32..=6)
                .prop_map(|(k, e)| { (f64::from(2 * k + 1) / 2f64.powi(e)).min(100.0) }),
            Just(0.0),
            Just(100.0),
            Just(99.999_999_9),
            Just(1e-12),
        ]
    }

    #[test]
    fn written_decimals_examples() {
        for (p, text) in [
            (74.0, "74%"),
            (85.5, "85.5%"),
            (99.99, "99.99%"),
            (0.04, "0.04%"),
            (12.3456, "12.3456%"),
            (78.333_333, "78.3%"),
            (74.25, "74.25%"),
            (0.031_25, "0.03%"),
            (99.999_99, "99.99999%"),
            (100.0, "100%"),
            (0.0, "0%"),
            (73.999_99, "74%"),
            (8.0, "8%"),
        ] {
            assert_eq!(Fast(p).to_string(), text, "{p}");
            assert_eq!(ByFormatting(p).to_string(), text, "{p}");
        }
    }

    fn bad_float() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            (f64::MIN..-f64::MIN_POSITIVE),
        ]
    }

    /// A percentage written in a string reads as the fraction it is: "85%" is 0.85, with or
    /// without spaces, and 0%, 100% are the ends; beyond them, or without the sign, it is an
    /// error that names the value.
    #[cfg(feature = "serde")]
    #[test]
    fn ratios_read_from_percentages_in_strings() {
        use super::Ratio;
        let read = |text: &str| serde_json::from_str::<Ratio>(text).map_err(|e| e.to_string());
        assert_eq!(read(r#""85%""#), Ok(Ratio::from_percent(85.0).unwrap()));
        assert_eq!(read(r#"" 85 %""#), Ok(Ratio::from_percent(85.0).unwrap()));
        assert_eq!(read(r#""0%""#), Ok(Ratio::ZERO));
        assert_eq!(read(r#""100%""#), Ok(Ratio::ONE));
        assert_eq!(read("1"), Ok(Ratio::ONE));
        assert_eq!(read("0"), Ok(Ratio::ZERO));
        let over = read(r#""100.5%""#).unwrap_err();
        assert!(over.contains("0%..=100%, got 100.5%"), "{over}");
        let bare = read(r#""85""#).unwrap_err();
        assert!(bare.contains("a percentage in a string"), "{bare}");
        assert!(read(r#""-5%""#).is_err());
        assert!(read(r#""NaN%""#).is_err());
        assert!(read("2").is_err());
    }

    proptest! {
        /// Any percentage from 0 to 100, written with its sign, reads as `from_percent` of it.
        #[cfg(feature = "serde")]
        #[test]
        fn percent_strings_read_as_from_percent(p in 0.0f64..=100.0) {
            let text = format!("\"{p}%\"");
            let read: super::Ratio = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(read, super::Ratio::from_percent(p).unwrap());
        }

        #[test]
        fn written_decimals_agree_with_formatting(p in percentages()) {
            prop_assert_eq!(Fast(p).to_string(), ByFormatting(p).to_string());
        }

        #[test]
        fn every_constructor_rejects_nan_inf_negative(x in bad_float()) {
            prop_assert!(Ratio::from_fraction(x).is_err());
            prop_assert!(Ratio::from_percent(x).is_err());
            prop_assert!(Rate::from_per_second(x).is_err());
            prop_assert!(Rate::from_per_minute(x).is_err());
            prop_assert!(Rate::from_per_hour(x).is_err());
            prop_assert!(Concurrency::new(x).is_err());
            prop_assert!(QueriesPerRequest::new(x).is_err());
            prop_assert!(UsdPerMonth::from_usd(x).is_err());
            prop_assert!(Factor::new(x).is_err());
            prop_assert!(Bytes::from_gib(x).is_err());
            prop_assert!(Bytes::from_gb(x).is_err());
            prop_assert!(duration_from_millis("d", x).is_err());
            prop_assert!(duration_from_secs("d", x).is_err());
        }

        #[test]
        fn secs_fast_path_is_the_standard_conversion(
            secs in prop_oneof![
                0.0f64..1.0,
                0.0f64..10_000.0,
                (0u64..10_000_000_000u64, 0u32..4).prop_map(|(n, k)| {
                    // Whole nanoseconds plus a half (or near it), scaled: ties and near ties.
                    #[expect(clippy::cast_precision_loss, reason = "test values")]
                    let n = n as f64;
                    (n + [0.5, 0.499, 0.501, 0.4999][k as usize]) / 1e9
                }),
                proptest::num::f64::POSITIVE | proptest::num::f64::ZERO | proptest::num::f64::SUBNORMAL,
            ]
        ) {
            prop_assume!(secs.is_finite() && secs < 1e15);
            let std = Duration::try_from_secs_f64(secs).expect("in range");
            prop_assert_eq!(duration_from_secs("d", secs).expect("in range"), std);
        }

        #[test]
        fn ratio_accepts_exactly_unit_interval(x in -2.0f64..2.0) {
            prop_assert_eq!(Ratio::from_fraction(x).is_ok(), (0.0..=1.0).contains(&x));
        }

        #[test]
        fn ratio_order_matches_float_order(a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
            let (ra, rb) = (Ratio::from_fraction(a).unwrap(), Ratio::from_fraction(b).unwrap());
            prop_assert_eq!(ra.cmp(&rb), a.partial_cmp(&b).unwrap());
        }

        #[test]
        fn millis_round_trip_exactly(ms in 0.0f64..=MAX_MILLIS) {
            let d = duration_from_millis("d", ms).unwrap();
            let again = duration_from_millis("d", millis_of(d)).unwrap();
            prop_assert_eq!(d, again);
        }

        #[test]
        fn rate_round_trips_through_f64(x in 0.0f64..1e12) {
            let r = Rate::from_per_second(x).unwrap();
            prop_assert_eq!(Rate::try_from(f64::from(r)).unwrap(), r);
        }
    }
}
