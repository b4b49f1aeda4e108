//! Sharding: how many shards a write load needs, and how many keys move when shards are added.

use core::num::NonZeroU32;

use scalability_advisor_core::units::{Rate, Ratio};

use crate::error::Error;

/// The number of shards for a write load, keeping `headroom` of each shard free.
///
/// # Formula
/// ```text
/// S = max(1, ⌈w / (c · (1 − h))⌉)
/// ```
/// w: writes per second; c: writes per second one shard sustains; h: headroom kept free.
///
/// # Errors
/// [`Error::OutOfRange`] when `per_shard` is zero or `headroom` is 100%;
/// [`Error::Overflow`] above `u32::MAX` shards.
///
/// # Examples
/// 45,000 writes/s at 10,000 per shard with 30% headroom: ⌈45,000 / 7,000⌉ = 7 shards.
/// ```
/// use scalability_advisor_formulas::{
///     scalability_advisor_core::units::{Rate, Ratio},
///     shards_needed,
/// };
/// let s = shards_needed(
///     Rate::from_per_second(45_000.0)?,
///     Rate::from_per_second(10_000.0)?,
///     Ratio::from_percent(30.0)?,
/// )?;
/// assert_eq!(s.get(), 7);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// The guide's replica formula applied to writes, with a headroom term as in capacity
/// planning practice (for example J. Allspaw, *The Art of Capacity Planning*, O'Reilly, 2008,
/// chapter 3, "ceilings").
pub fn shards_needed(writes: Rate, per_shard: Rate, headroom: Ratio) -> Result<NonZeroU32, Error> {
    let usable = per_shard.as_per_second() * headroom.complement().as_fraction();
    if usable <= 0.0 {
        return Err(Error::OutOfRange {
            what: "usable per-shard capacity",
            value: usable,
            min: f64::MIN_POSITIVE,
            max: f64::MAX,
        });
    }
    let shards = (writes.as_per_second() / usable).ceil().max(1.0);
    if shards.is_nan() || shards > f64::from(u32::MAX) {
        return Err(Error::Overflow {
            what: "shard count",
        });
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "1 <= shards <= u32::MAX, integral"
    )]
    NonZeroU32::new(shards as u32).ok_or(Error::Overflow {
        what: "shard count",
    })
}

/// How keys map to shards, for [`keys_moved`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Placement {
    /// shard = hash(key) mod n.
    HashModulo,
    /// A hash ring with many virtual nodes per shard (Karger et al., 1997).
    ConsistentHashing,
    /// Jump consistent hash (Lamping and Veach, 2014).
    JumpHash,
}

/// The expected share of keys that move when the shard count changes from `from` to `to`,
/// with uniformly hashed keys.
///
/// # Formula
/// ```text
/// hash-modulo:          1 − min(n, m) / lcm(n, m)
/// consistent, jump:     |m − n| / max(n, m)
/// ```
/// n: shards before; m: shards after. Under hash-modulo a key stays only if `k mod n = k mod m`,
/// which holds for min(n, m) residues of every lcm(n, m); the consistent schemes move only the
/// keys that must change owner (for a hash ring, in expectation with enough virtual nodes).
///
/// # Examples
/// Going from 4 to 5 shards moves 80% of keys under modulo, 20% under consistent hashing.
/// ```
/// use core::num::NonZeroU32;
/// use scalability_advisor_formulas::{Placement, keys_moved};
/// let (four, five) = (NonZeroU32::new(4).unwrap(), NonZeroU32::new(5).unwrap());
/// assert!(
///     (keys_moved(Placement::HashModulo, four, five).as_fraction() - 0.8).abs() < 1e-12
/// );
/// assert!(
///     (keys_moved(Placement::JumpHash, four, five).as_fraction() - 0.2).abs() < 1e-12
/// );
/// ```
///
/// # References
/// D. Karger et al., "Consistent Hashing and Random Trees", STOC 1997; J. Lamping and E. Veach,
/// "A Fast, Minimal Memory, Consistent Hash Algorithm", arXiv:1406.2294, 2014.
#[must_use]
pub fn keys_moved(placement: Placement, from: NonZeroU32, to: NonZeroU32) -> Ratio {
    let (n, m) = (u64::from(from.get()), u64::from(to.get()));
    let moved = match placement {
        Placement::HashModulo => {
            let lcm = n / gcd(n, m) * m;
            #[expect(
                clippy::cast_precision_loss,
                reason = "exact below 2^53; the ratio tolerates rounding above"
            )]
            let stay = n.min(m) as f64 / lcm as f64;
            1.0 - stay
        }
        Placement::ConsistentHashing | Placement::JumpHash => {
            f64::from(from.get().abs_diff(to.get())) / f64::from(from.get().max(to.get()))
        }
    };
    Ratio::from_fraction(moved.clamp(0.0, 1.0)).unwrap_or(Ratio::ONE)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nz(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    #[test]
    fn modulo_by_hand() {
        // 2 -> 4: lcm 4, residues 0 and 1 stay (k mod 2 = k mod 4 for k = 0, 1): half move.
        assert!(
            (keys_moved(Placement::HashModulo, nz(2), nz(4)).as_fraction() - 0.5).abs() < 1e-12
        );
        // Same count: nothing moves.
        assert!(
            keys_moved(Placement::HashModulo, nz(7), nz(7))
                .as_fraction()
                .abs()
                < 1e-12
        );
    }

    #[test]
    fn more_moves_by_hand() {
        // Modulo 4 -> 5: lcm 20; a key stays when k mod 4 = k mod 5, i.e. k mod 20 in 0..4:
        // 4 of 20 stay, 80% move. 6 -> 4: lcm 12, 4 of 12 stay, 2/3 move.
        let m = keys_moved(Placement::HashModulo, nz(4), nz(5)).as_fraction();
        assert!((m - 0.8).abs() < 1e-12, "{m}");
        let m = keys_moved(Placement::HashModulo, nz(6), nz(4)).as_fraction();
        assert!((m - 2.0 / 3.0).abs() < 1e-12, "{m}");
        // Jump hash 10 -> 11 moves 1/11; 1 -> 3 moves 2/3.
        let m = keys_moved(Placement::JumpHash, nz(10), nz(11)).as_fraction();
        assert!((m - 1.0 / 11.0).abs() < 1e-12, "{m}");
        let m = keys_moved(Placement::JumpHash, nz(1), nz(3)).as_fraction();
        assert!((m - 2.0 / 3.0).abs() < 1e-12, "{m}");
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(7, 5), 1);
        assert_eq!(gcd(9, 0), 9);
    }

    #[test]
    fn shards_by_hand() {
        let r = |v: f64| Rate::from_per_second(v).unwrap();
        let h = Ratio::from_percent(20.0).unwrap();
        // 2,500 writes/s per shard with 20% headroom: 2,000 usable. 10,000 -> 5; 10,001 -> 6.
        assert_eq!(shards_needed(r(10_000.0), r(2_500.0), h).unwrap().get(), 5);
        assert_eq!(shards_needed(r(10_001.0), r(2_500.0), h).unwrap().get(), 6);
        assert_eq!(
            shards_needed(r(1.0), r(2.0), Ratio::ONE),
            Err(Error::OutOfRange {
                what: "usable per-shard capacity",
                value: 0.0,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            })
        );
        // 1e12 writes/s at 1e-3 per shard: 1e15 shards do not fit in a u32.
        assert_eq!(
            shards_needed(r(1e12), r(1e-3), Ratio::ZERO),
            Err(Error::Overflow {
                what: "shard count"
            })
        );
        // Exactly u32::MAX shards still fit.
        assert_eq!(
            shards_needed(r(f64::from(u32::MAX)), r(1.0), Ratio::ZERO)
                .unwrap()
                .get(),
            u32::MAX
        );
    }

    #[test]
    fn zero_headroom_capacity_is_an_error() {
        assert!(
            shards_needed(Rate::from_per_second(1.0).unwrap(), Rate::ZERO, Ratio::ZERO).is_err()
        );
        assert!(
            shards_needed(
                Rate::from_per_second(1.0).unwrap(),
                Rate::from_per_second(1.0).unwrap(),
                Ratio::ONE
            )
            .is_err()
        );
        assert_eq!(
            shards_needed(Rate::ZERO, Rate::from_per_second(1.0).unwrap(), Ratio::ZERO)
                .unwrap()
                .get(),
            1
        );
    }

    proptest! {
        #[test]
        fn consistent_schemes_move_no_more_than_modulo(n in 1u32..500, m in 1u32..500) {
            let modulo = keys_moved(Placement::HashModulo, nz(n), nz(m));
            let jump = keys_moved(Placement::JumpHash, nz(n), nz(m));
            prop_assert!(jump <= modulo);
        }

        #[test]
        fn shards_cover_the_load(w in 0.0f64..1e7, c in 1.0f64..1e5, h in 0.0f64..0.9) {
            let s = shards_needed(Rate::from_per_second(w).unwrap(), Rate::from_per_second(c).unwrap(), Ratio::from_fraction(h).unwrap()).unwrap();
            prop_assert!(f64::from(s.get()) * c * (1.0 - h) >= w * (1.0 - 1e-12));
        }
    }
}
