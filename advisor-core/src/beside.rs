//! A measured value written beside the level it is compared with, with the digits it takes
//! not to read as that level.
//!
//! `Display` rounds: a P95 of 1,026 ms is `1.0 s`, a CPU of 85.00004% is `85%`. Beside the
//! guide's warning level that would print `1.0 s > 1.0 s` or `85% > 85%`, a comparison that
//! reads as false although it held. [`Quantity::beside`] writes such a value with more
//! digits (`1.03 s > 1.0 s`), and leaves every other value as `Display` writes it.

use core::fmt;
use core::time::Duration;

use crate::Quantity;

/// The most decimals a refined value is written with: past this, two different values of
/// any unit here read differently (durations are whole nanoseconds; a ratio, a rate or a
/// number of queries per request closer to its level than 10⁻¹² is written as `Display`
/// writes it).
const MAX_DECIMALS: usize = 12;

/// A [`Quantity`] written beside a level it is compared with; made by [`Quantity::beside`].
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::Quantity;
///
/// let p95 = Quantity::Duration(Duration::from_millis(1_026));
/// let warning = Quantity::Duration(Duration::from_secs(1));
/// assert_eq!(p95.to_string(), "1.0 s");
/// assert_eq!(format!("{} > {warning}", p95.beside(warning)), "1.03 s > 1.0 s");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beside {
    value: Quantity,
    level: Quantity,
}

impl Quantity {
    /// This quantity as text beside `level`, a level it is compared with: as its `Display`
    /// writes it, unless that would read as the level while the value is not the level;
    /// then in the same unit with the fewest decimals that tell the two apart (`1.03 s`
    /// beside `1.0 s`, `85.00004%` beside `85%`, `999.96 ms` beside `1.0 s`).
    ///
    /// Whole-number quantities (connections, counts, users) and flags are always written
    /// as `Display` writes them, since they never round; so are quantities of another kind
    /// than the level's, and values closer to the level than 10⁻¹² of their unit.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Quantity, units::Ratio};
    ///
    /// let level = Quantity::Ratio(Ratio::from_percent(85.0)?);
    /// let cpu = |p| Ratio::from_percent(p).map(Quantity::Ratio);
    /// // Rounded by `Display` to the level itself: more digits.
    /// assert_eq!(cpu(85.00004)?.to_string(), "85%");
    /// assert_eq!(cpu(85.00004)?.beside(level).to_string(), "85.00004%");
    /// // Already distinct, or equal: as `Display` writes it.
    /// assert_eq!(cpu(93.0)?.beside(level).to_string(), "93%");
    /// assert_eq!(cpu(85.0)?.beside(level).to_string(), "85%");
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn beside(self, level: Quantity) -> Beside {
        Beside { value: self, level }
    }
}

impl fmt::Display for Beside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(text) = self.refined() {
            return f.write_str(&text);
        }
        fmt::Display::fmt(&self.value, f)
    }
}

impl Beside {
    /// The value's text with more decimals, when `Display` would make it read as the level.
    ///
    /// A value further from the level than the finest step `Display` rounds its unit to
    /// (a tenth of a percentage point, a hundredth of a query per request or of a rate;
    /// for durations, see [`refine_duration`]) reads apart from it, and is not written at
    /// all here: two numbers more than a rounding step apart never round to the same one.
    fn refined(&self) -> Option<String> {
        let number = |x: f64, y: f64, step: f64| {
            ((x - y).abs() <= step)
                .then(|| refine_number(&self.value.to_string(), &self.level.to_string(), x, y))
                .flatten()
        };
        match (self.value, self.level) {
            (Quantity::Duration(v), Quantity::Duration(l)) if v != l => refine_duration(v, l),
            (Quantity::Ratio(v), Quantity::Ratio(l)) => number(v.as_percent(), l.as_percent(), 0.1),
            (Quantity::QueriesPerRequest(v), Quantity::QueriesPerRequest(l)) => {
                number(v.as_f64(), l.as_f64(), 0.01)
            }
            (Quantity::Rate(v), Quantity::Rate(l)) => {
                number(v.as_per_second(), l.as_per_second(), 0.01)
            }
            _ => None,
        }
    }
}

/// The unit a duration of `secs` is written in, its length in seconds, and the decimals
/// `Display` writes (see `fmt_duration`: whole milliseconds without a fraction).
fn duration_layout(secs: f64) -> (&'static str, f64, usize) {
    if secs < 1.0 {
        let ms = secs * 1000.0;
        let whole = (ms - ms.round()).abs() < 1e-6;
        ("ms", 1e-3, if whole { 0 } else { 1 })
    } else if secs < 120.0 {
        ("s", 1.0, 1)
    } else if secs < 7200.0 {
        ("min", 60.0, 1)
    } else if secs < 172_800.0 {
        ("h", 3600.0, 1)
    } else {
        ("d", 86_400.0, 1)
    }
}

/// `value` (a duration) in its own unit with the fewest decimals that tell it from `level`,
/// when `Display` writes it as the level.
fn refine_duration(value: Duration, level: Duration) -> Option<String> {
    let (unit, per, shown) = duration_layout(value.as_secs_f64());
    let (x, y) = (value.as_secs_f64() / per, level.as_secs_f64() / per);
    // More than a rounding step apart (a tenth of the unit, or a whole millisecond for
    // whole milliseconds): written apart, as `Display` writes them.
    let step = if shown == 0 { 1.0 } else { 0.1 };
    if (x - y).abs() > step {
        return None;
    }
    // Read as the level: the value at the decimals `Display` gives it is the level written
    // with them, in the value's unit.
    if format!("{x:.shown$}") != format!("{y:.shown$}") {
        return None;
    }
    digits_apart(x, y, shown + 1).map(|digits| format!("{digits} {unit}"))
}

/// A number written by `Display` as `value_text` beside a level written `level_text`, with
/// the fewest decimals that tell `x` from `y` (both in the unit the texts write) when the
/// two texts read as the same number in the same unit.
fn refine_number(value_text: &str, level_text: &str, x: f64, y: f64) -> Option<String> {
    let (a, unit) = leading_number(value_text)?;
    let (b, level_unit) = leading_number(level_text)?;
    // (The numbers as written, compared exactly: equal texts read back as equal floats.)
    if a.to_bits() != b.to_bits() || unit != level_unit {
        return None;
    }
    digits_apart(x, y, 1).map(|digits| format!("{digits}{unit}"))
}

/// The number at the start of `text` (digits, a point, a minus sign; thousands separators
/// skipped) and what follows it.
fn leading_number(text: &str) -> Option<(f64, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-')))
        .unwrap_or(text.len());
    let (number, rest) = text.split_at(end);
    let number: String = number.chars().filter(|c| *c != ',').collect();
    number.parse().ok().map(|n| (n, rest))
}

/// `x` written with the fewest decimals, from `from` up to 12, at which it reads differently
/// from `y`, trailing zeros trimmed; `None` when no such number of decimals tells them apart.
///
/// The building block of [`Quantity::beside`], for values kept as plain numbers in a unit
/// of the caller's (a rate per hour, a percentage computed from two metrics).
///
/// # Examples
/// ```
/// use scalability_advisor_core::units::digits_apart;
/// assert_eq!(digits_apart(1.0266, 1.0, 1).as_deref(), Some("1.03"));
/// assert_eq!(digits_apart(20.004, 20.0, 1).as_deref(), Some("20.004"));
/// assert_eq!(digits_apart(93.0, 85.0, 1).as_deref(), Some("93"));
/// assert_eq!(digits_apart(85.0, 85.0, 1), None);
/// ```
#[must_use]
pub fn digits_apart(x: f64, y: f64, from: usize) -> Option<String> {
    (from..=MAX_DECIMALS).find_map(|d| {
        let text = format!("{x:.d$}");
        (text != format!("{y:.d$}")).then(|| {
            let trimmed = text.trim_end_matches('0');
            trimmed.strip_suffix('.').unwrap_or(trimmed).to_owned()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{QueriesPerRequest, Rate, Ratio};

    fn ms(v: f64) -> Quantity {
        Quantity::Duration(Duration::from_secs_f64(v / 1000.0))
    }

    fn pct(p: f64) -> Quantity {
        Quantity::Ratio(Ratio::from_percent(p).expect("a valid percentage"))
    }

    /// Expected texts worked out by hand from the rounding `Display` does.
    #[test]
    fn a_value_that_rounds_to_its_level_gets_the_digits_that_tell_them_apart() {
        // 1,026.6 ms is 1.0266 s: one decimal reads 1.0, two read 1.03.
        assert_eq!(ms(1_026.6).beside(ms(1_000.0)).to_string(), "1.03 s");
        // 1,000.04 ms: 1.0000 s at four decimals, 1.00004 at five.
        assert_eq!(ms(1_000.04).beside(ms(1_000.0)).to_string(), "1.00004 s");
        // 999.96 ms is written 1000.0 ms by `Display`, which reads as 1 s.
        assert_eq!(ms(999.96).to_string(), "1000.0 ms");
        assert_eq!(ms(999.96).beside(ms(1_000.0)).to_string(), "999.96 ms");
        // 500.04 ms beside the 500 ms target: 500.0 at one decimal, 500.04 at two.
        assert_eq!(ms(500.04).beside(ms(500.0)).to_string(), "500.04 ms");
        // 85.00004% (written 85% by `Display`: five decimals are computed, not kept) beside
        // 85%.
        assert_eq!(pct(85.00004).to_string(), "85%");
        assert_eq!(pct(85.00004).beside(pct(85.0)).to_string(), "85.00004%");
        // 69.99999% beside 70%: `Display` computes 70%; five decimals tell them apart.
        assert_eq!(pct(69.999_99).beside(pct(70.0)).to_string(), "69.99999%");
        // 20.004 queries per request, written 20.00 by `Display`, beside 20.
        let q = |v| Quantity::QueriesPerRequest(QueriesPerRequest::new(v).expect("valid"));
        assert_eq!(q(20.004).to_string(), "20.00 queries/request");
        assert_eq!(
            q(20.004).beside(q(20.0)).to_string(),
            "20.004 queries/request"
        );
        let r = |v| Quantity::Rate(Rate::from_per_second(v).expect("valid"));
        assert_eq!(r(100.001).beside(r(100.0)).to_string(), "100.001/s");
    }

    #[test]
    fn values_that_already_read_apart_or_equal_are_written_as_display_writes_them() {
        for (value, level) in [
            (ms(780.0), ms(1_000.0)),
            (ms(1_400.0), ms(1_000.0)),
            (ms(1_000.0), ms(1_000.0)),
            (ms(1_060.0), ms(1_000.0)),
            (pct(93.0), pct(85.0)),
            (pct(85.0), pct(85.0)),
            (pct(55.27), pct(80.0)),
            (
                Quantity::Count(crate::units::Count::new(3)),
                Quantity::Count(crate::units::Count::new(2)),
            ),
            // Another kind: nothing to compare.
            (ms(1_026.0), pct(100.0)),
        ] {
            assert_eq!(
                value.beside(level).to_string(),
                value.to_string(),
                "{value:?}"
            );
        }
    }

    proptest::proptest! {
        /// Beside a level it differs from, a value never reads as the level: its text is not
        /// the level's text at the decimals written, and reads back (in its unit) on the
        /// same side of the level.
        #[test]
        fn a_value_beside_its_level_reads_on_its_own_side(
            level_ms in 1u64..5_000,
            off in -2_000_000i64..2_000_000,
            level_pct in 1u32..100,
            off_pct in -1e-3f64..1e-3,
        ) {
            let level = Duration::from_millis(level_ms);
            let nanos = (level_ms * 1_000_000).saturating_add_signed(off);
            let value = Duration::from_nanos(nanos);
            let text = Quantity::Duration(value).beside(Quantity::Duration(level)).to_string();
            let (n, unit) = leading_number(&text).expect("a number");
            let per = match unit { " ms" => 1e-3, " s" => 1.0, " min" => 60.0, _ => 3600.0 };
            let read = n * per;
            let (v, l) = (value.as_secs_f64(), level.as_secs_f64());
            if v > l {
                proptest::prop_assert!(read > l, "{text} beside {level:?}");
            } else if v < l {
                proptest::prop_assert!(read < l, "{text} beside {level:?}");
            }
            let l = f64::from(level_pct);
            let v = (l + off_pct).clamp(0.0, 100.0);
            let value = pct(v);
            let text = value.beside(pct(l)).to_string();
            let (read, _) = leading_number(&text).expect("a number");
            let v = match value { Quantity::Ratio(r) => r.as_percent(), _ => v };
            if v > l {
                proptest::prop_assert!(read > l, "{text} beside {l}%");
            } else if v < l {
                proptest::prop_assert!(read < l, "{text} beside {l}%");
            }
        }
    }
}
