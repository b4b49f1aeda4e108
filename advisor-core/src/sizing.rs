//! The guide's sizing formulas: required capacity, connection pool, read replicas, cache memory.

use core::num::NonZeroU32;

use crate::Error;
use crate::units::{Bytes, Connections, Factor, Rate, Ratio, ceil_to_u64, u64_to_f64};

/// Share of the total data that is hot, low end of the guide's usual range (10%).
pub const HOT_FRACTION_LOW: Ratio = Ratio::from_fraction_const(0.10);
/// Share of the total data that is hot, high end of the guide's usual range (20%).
pub const HOT_FRACTION_HIGH: Ratio = Ratio::from_fraction_const(0.20);
/// The hot fraction used when none is given: the high end, so caches are not undersized.
pub const DEFAULT_HOT_FRACTION: Ratio = HOT_FRACTION_HIGH;
/// Memory multiplier for Redis data structures over the raw working set (1.5x).
pub const REDIS_MEMORY_MULTIPLIER: Factor = Factor::new_const(1.5);
/// Effective spindle count of a solid-state disk in the pool-size formula.
pub const SSD_EFFECTIVE_SPINDLES: u32 = 1;

/// The capacity to provision for expected growth.
///
/// # Formula
/// ```text
/// C = P · g · m
/// ```
/// P: current peak traffic (req/s); g: expected growth factor over the planning horizon;
/// m: safety margin; C: capacity to provision (req/s).
///
/// # Errors
/// [`Error::NotFinite`] when the product overflows an `f64`.
///
/// # Examples
/// The guide's example: a 1,000 req/s peak, 3x growth in 12 months and a 1.5x margin.
/// ```
/// use scalability_advisor_core::{
///     sizing::required_capacity,
///     units::{Factor, Rate},
/// };
/// let c = required_capacity(
///     Rate::from_per_second(1_000.0)?,
///     Factor::new(3.0)?,
///     Factor::new(1.5)?,
/// )?;
/// assert_eq!(c.as_per_second(), 4_500.0);
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
///
/// # References
/// The guide, "Scaling Calculations", "Capacity Planning
/// Formula".
pub fn required_capacity(peak: Rate, growth: Factor, safety_margin: Factor) -> Result<Rate, Error> {
    peak.checked_scale(growth)?.checked_scale(safety_margin)
}

/// The connection pool size for one database host.
///
/// # Formula
/// ```text
/// N = 2 · c + s
/// ```
/// c: CPU cores of the database host; s: effective spindle count (1 for an SSD, see
/// [`SSD_EFFECTIVE_SPINDLES`]; 0 when the working set is fully cached); N: connections.
/// A starting point for pools in front of disk-backed databases such as PostgreSQL; measure
/// and adjust. N counts the connections active at the database host at once: the guide's
/// "per instance" is the database's instance, and the application instances share N (see
/// `scalability_advisor_formulas::plan`, which splits it among them and says when a pooler
/// must hold it for them).
///
/// # Errors
/// [`Error::NotPositive`] when `cores` is 0; [`Error::Overflow`] when the result exceeds
/// `u32::MAX`.
///
/// # Examples
/// The guide's example: 8 cores with an SSD give 17 connections.
/// ```
/// use scalability_advisor_core::sizing::{SSD_EFFECTIVE_SPINDLES, connection_pool_size};
/// assert_eq!(connection_pool_size(8, SSD_EFFECTIVE_SPINDLES)?.get(), 17);
/// assert!(connection_pool_size(0, 1).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
///
/// # References
/// The guide, "Database Sizing"; PostgreSQL wiki, "Number Of Database Connections" (the
/// `(core_count * 2) + effective_spindle_count` rule); B. Wooldridge, HikariCP wiki, "About
/// Pool Sizing".
pub fn connection_pool_size(cores: u32, effective_spindles: u32) -> Result<Connections, Error> {
    if cores == 0 {
        return Err(Error::NotPositive {
            what: "database cores",
            value: 0.0,
        });
    }
    cores
        .checked_mul(2)
        .and_then(|c| c.checked_add(effective_spindles))
        .map(Connections::new)
        .ok_or(Error::Overflow {
            what: "connection pool size",
        })
}

/// The number of read replicas for a read load; never below one.
///
/// # Formula
/// ```text
/// R = max(1, ⌈r / q⌉)
/// ```
/// r: read traffic (reads/s); q: reads per second one replica sustains; R: replicas.
///
/// # Errors
/// [`Error::NotPositive`] when `per_replica` is zero; [`Error::Overflow`] when the count
/// exceeds `u32::MAX`.
///
/// # Examples
/// The guide's example: 10,000 reads/s at 3,000 per replica need 4 replicas.
/// ```
/// use scalability_advisor_core::{sizing::read_replicas, units::Rate};
/// let r = read_replicas(
///     Rate::from_per_second(10_000.0)?,
///     Rate::from_per_second(3_000.0)?,
/// )?;
/// assert_eq!(r.get(), 4);
/// assert!(read_replicas(Rate::from_per_second(1.0)?, Rate::ZERO).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
///
/// # References
/// The guide, "Database Sizing", "Read Replica Sizing". The floor of one replica is ours: a
/// read-replica plan with no replica is not a plan.
pub fn read_replicas(read_traffic: Rate, per_replica: Rate) -> Result<NonZeroU32, Error> {
    if per_replica.as_per_second() == 0.0 {
        return Err(Error::NotPositive {
            what: "per-replica read capacity",
            value: 0.0,
        });
    }
    let needed = ceil_to_u64(
        "read replicas",
        read_traffic.as_per_second() / per_replica.as_per_second(),
    )?;
    let needed = u32::try_from(needed.max(1)).map_err(|_| Error::Overflow {
        what: "read replicas",
    })?;
    NonZeroU32::new(needed).ok_or(Error::Overflow {
        what: "read replicas",
    })
}

/// The working set: the hot part of the data, rounded up to a whole byte.
///
/// # Formula
/// ```text
/// W = ⌈D · h⌉
/// ```
/// D: total data (bytes); h: hot fraction, usually 10-20% ([`HOT_FRACTION_LOW`],
/// [`HOT_FRACTION_HIGH`]; [`DEFAULT_HOT_FRACTION`] when unknown); W: working set (bytes).
/// Totals above 2⁵³ bytes (8 PiB) are rounded to the nearest representable float first.
///
/// # Errors
/// [`Error::Overflow`] cannot occur for `h <= 1` but is reported rather than assumed.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{
///     sizing::{DEFAULT_HOT_FRACTION, working_set},
///     units::Bytes,
/// };
/// let ws = working_set(Bytes::from_gib(50.0)?, DEFAULT_HOT_FRACTION)?;
/// assert_eq!(ws, Bytes::from_gib(10.0)?);
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
///
/// # References
/// The guide, "Cache Sizing" ("usually 10-20% of total").
pub fn working_set(total: Bytes, hot_fraction: Ratio) -> Result<Bytes, Error> {
    ceil_to_u64(
        "working set",
        u64_to_f64(total.as_bytes()) * hot_fraction.as_fraction(),
    )
    .map(Bytes::from_bytes)
}

/// The cache memory for a working set, rounded up to a whole byte.
///
/// # Formula
/// ```text
/// M = ⌈W · k⌉,  k ≥ 1
/// ```
/// W: working set (bytes); k: memory multiplier for the cache's data structures
/// ([`REDIS_MEMORY_MULTIPLIER`] = 1.5 for Redis); M: cache memory (bytes).
///
/// The guide writes `W · (1 + overhead)` with an overhead of "~1.5x", which would give 2.5x,
/// but its worked example turns 10 GB into 15 GB. We follow the example: k is the whole
/// multiplier, 1.5 for Redis.
///
/// # Errors
/// [`Error::OutOfRange`] when the multiplier is below 1 (a cache cannot hold data in less
/// memory than the data); [`Error::Overflow`] above `u64::MAX` bytes.
///
/// # Examples
/// The guide's example: a 10 GB working set needs 15 GB of Redis memory.
/// ```
/// use scalability_advisor_core::{
///     sizing::{REDIS_MEMORY_MULTIPLIER, cache_memory},
///     units::{Bytes, Factor},
/// };
/// assert_eq!(
///     cache_memory(Bytes::from_gib(10.0)?, REDIS_MEMORY_MULTIPLIER)?,
///     Bytes::from_gib(15.0)?
/// );
/// assert!(cache_memory(Bytes::from_gib(10.0)?, Factor::new(0.5)?).is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
///
/// # References
/// The guide, "Cache Sizing".
pub fn cache_memory(working_set: Bytes, multiplier: Factor) -> Result<Bytes, Error> {
    let k = multiplier.as_f64();
    if k < 1.0 {
        return Err(Error::OutOfRange {
            what: "cache memory multiplier",
            value: k,
            min: 1.0,
            max: f64::MAX,
        });
    }
    let memory = ceil_to_u64("cache memory", u64_to_f64(working_set.as_bytes()) * k)?;
    // Rounding of sizes above 2^53 bytes must never undercut the working set itself.
    Ok(Bytes::from_bytes(memory.max(working_set.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn guide_worked_examples() {
        // 1,000 × 3 × 1.5 = 4,500 req/s.
        let c = required_capacity(
            Rate::from_per_second(1_000.0).unwrap(),
            Factor::new(3.0).unwrap(),
            Factor::new(1.5).unwrap(),
        )
        .unwrap();
        assert!((c.as_per_second() - 4_500.0).abs() < 1e-9);
        // (8 × 2) + 1 = 17.
        assert_eq!(
            connection_pool_size(8, SSD_EFFECTIVE_SPINDLES)
                .unwrap()
                .get(),
            17
        );
        // ⌈10,000 / 3,000⌉ = 4.
        let r = read_replicas(
            Rate::from_per_second(10_000.0).unwrap(),
            Rate::from_per_second(3_000.0).unwrap(),
        );
        assert_eq!(r.unwrap().get(), 4);
        // 10 GB × 1.5 = 15 GB.
        let m = cache_memory(Bytes::from_gb(10.0).unwrap(), REDIS_MEMORY_MULTIPLIER).unwrap();
        assert_eq!(m, Bytes::from_gb(15.0).unwrap());
    }

    #[test]
    fn cache_multiplier_of_exactly_one_is_allowed_and_below_one_is_not() {
        let ws = Bytes::from_gib(10.0).unwrap();
        assert_eq!(cache_memory(ws, Factor::ONE).unwrap(), ws);
        assert!(matches!(
            cache_memory(ws, Factor::new(0.5).unwrap()),
            Err(Error::OutOfRange {
                what: "cache memory multiplier",
                ..
            })
        ));
        assert!(matches!(
            cache_memory(ws, Factor::new(0.999).unwrap()),
            Err(Error::OutOfRange { .. })
        ));
    }

    #[test]
    fn zero_reads_still_need_one_replica() {
        let r = read_replicas(Rate::ZERO, Rate::from_per_second(3_000.0).unwrap()).unwrap();
        assert_eq!(r.get(), 1);
    }

    #[test]
    fn overflow_is_reported() {
        assert_eq!(
            connection_pool_size(u32::MAX, 1),
            Err(Error::Overflow {
                what: "connection pool size"
            })
        );
        let r = read_replicas(
            Rate::from_per_second(1e300).unwrap(),
            Rate::from_per_second(1e-300).unwrap(),
        );
        assert!(matches!(r, Err(Error::Overflow { .. })));
        let big = Factor::new(1e300).unwrap();
        assert!(
            required_capacity(Rate::from_per_second(1e300).unwrap(), big, Factor::ONE).is_err()
        );
        assert!(cache_memory(Bytes::from_bytes(u64::MAX), Factor::new(2.0).unwrap()).is_err());
    }

    #[test]
    fn hot_fraction_defaults() {
        assert_eq!(HOT_FRACTION_LOW, Ratio::from_percent(10.0).unwrap());
        assert_eq!(HOT_FRACTION_HIGH, Ratio::from_percent(20.0).unwrap());
        assert_eq!(DEFAULT_HOT_FRACTION, HOT_FRACTION_HIGH);
    }

    fn rate() -> impl Strategy<Value = Rate> {
        (0.0f64..1e9).prop_map(|v| Rate::from_per_second(v).unwrap())
    }

    fn factor() -> impl Strategy<Value = Factor> {
        (1e-3f64..1e3).prop_map(|v| Factor::new(v).unwrap())
    }

    proptest! {
        #[test]
        fn replicas_never_below_one(read in rate(), per in 1e-3f64..1e9) {
            let r = read_replicas(read, Rate::from_per_second(per).unwrap()).unwrap();
            prop_assert!(r.get() >= 1);
            // Enough replicas to carry the load.
            prop_assert!(f64::from(r.get()) * per >= read.as_per_second() * (1.0 - 1e-12));
        }

        #[test]
        fn replicas_monotone_in_read_traffic(a in rate(), b in rate(), per in 1.0f64..1e6) {
            let per = Rate::from_per_second(per).unwrap();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(read_replicas(lo, per).unwrap() <= read_replicas(hi, per).unwrap());
        }

        #[test]
        fn capacity_monotone_in_every_factor(p1 in rate(), p2 in rate(), g1 in factor(), g2 in factor(), m1 in factor(), m2 in factor()) {
            let (plo, phi) = (p1.min(p2), p1.max(p2));
            let (glo, ghi) = (g1.min(g2), g1.max(g2));
            let (mlo, mhi) = (m1.min(m2), m1.max(m2));
            let base = required_capacity(plo, glo, mlo).unwrap();
            prop_assert!(base <= required_capacity(phi, glo, mlo).unwrap());
            prop_assert!(base <= required_capacity(plo, ghi, mlo).unwrap());
            prop_assert!(base <= required_capacity(plo, glo, mhi).unwrap());
        }

        #[test]
        fn pool_size_at_least_one(cores in 1u32..100_000, spindles in 0u32..1000) {
            let n = connection_pool_size(cores, spindles).unwrap().get();
            prop_assert!(n >= 1);
            prop_assert_eq!(n, cores * 2 + spindles);
        }

        #[test]
        fn cache_memory_at_least_working_set(ws in any::<u64>().prop_map(|b| b >> 2), k in 1.0f64..4.0) {
            let ws = Bytes::from_bytes(ws);
            let m = cache_memory(ws, Factor::new(k).unwrap()).unwrap();
            prop_assert!(m >= ws);
        }

        #[test]
        fn working_set_within_total(total in any::<u64>(), h in 0.0f64..=1.0) {
            let total = Bytes::from_bytes(total);
            // Float rounding of totals above 2^53 can add at most one ulp.
            if let Ok(ws) = working_set(total, Ratio::from_fraction(h).unwrap()) {
                prop_assert!(u64_to_f64(ws.as_bytes()) <= u64_to_f64(total.as_bytes()) * (1.0 + 1e-15) + 1.0);
            }
        }
    }
}
