//! Mann-Kendall's S and Sen's slope in O(n log n) time and O(n) memory.
//!
//! Both statistics are defined over all n(n − 1)/2 pairs of samples; neither is computed by
//! visiting the pairs.
//!
//! - **S** = P − Q, where Q counts the pairs (i < j) with vⱼ < vᵢ (inversions, counted while
//!   merge-sorting the values), T the pairs with equal values (runs of the sorted values),
//!   and P = n(n − 1)/2 − Q − T.
//! - **Sen's slope** is the median of the slopes (vⱼ − vᵢ)/(tⱼ − tᵢ) over the pairs with
//!   tⱼ > tᵢ. For a trial slope β, a pair's slope is at most β exactly when the pair is out of
//!   order under z = v − β·t, so the number of slopes at most β is an inversion count, again
//!   by merge sort. The slopes of 0 (pairs of equal values, common in integer metrics) are
//!   counted exactly first, from the values alone, and answer at once when the median is
//!   among them. Otherwise the median is found by shrinking an interval (lo, hi] of slopes
//!   that holds it: the first round draws random pairs and takes the sample quantiles just
//!   around the median's rank as new ends; once the interval holds under 5% of the slopes,
//!   the ends are interpolated linearly between the current ones; every trial end is
//!   counted. When a round does not halve the interval, it is halved by value (or, with an
//!   infinite end, in the order of floating-point numbers, which ends after at most 64
//!   halvings). Once the interval holds at most a budget of pairs (8n, at most 2^22), those
//!   pairs are listed (they are the pairs whose order differs between z at lo and z at hi)
//!   and the median is selected among them.
//!
//! The answer is exact: it is an order statistic of the slopes as the direct computation
//! forms them, (vⱼ − vᵢ)/(tⱼ − tᵢ) in floating point, with t in seconds since the first
//! sample. The only approximation is in deciding which pairs lie inside the interval, where
//! z is rounded: a pair whose slope is within rounding of an end can be placed on the wrong
//! side. That changes nothing unless such slopes sit at the median's rank, and then moves the
//! answer by rounding only. The random draws come from a fixed-seed generator, so results
//! are reproducible; they affect only the time taken. On this project's 2-core machine the
//! whole trend test takes about 55 ms and 16 MB for 86,400 samples and 0.7 s for 1,000,000
//! (`benches/benches/core.rs`, docs/performance.md).
//!
//! # References
//! M. G. Kendall, *Rank Correlation Methods*, 4th ed., Griffin, 1975; W. R. Knight, "A
//! computer method for calculating Kendall's tau with ungrouped data", JASA 61(314), 436-439,
//! 1966 (S by merge sort); P. K. Sen, "Estimates of the regression coefficient based on
//! Kendall's tau", JASA 63(324), 1379-1389, 1968; J. Matoušek, "Randomized optimal algorithm
//! for slope selection", Information Processing Letters 39(4), 183-187, 1991 (selection by
//! random sampling and inversion counting); I. van den Hoven, quadsort, 2020 (the
//! "parity merge" from both ends).

use crate::series::Sample;

/// Pairs among `n` items, n(n − 1)/2.
fn pairs(n: u64) -> u64 {
    if n < 2 { 0 } else { n * (n - 1) / 2 }
}

fn len_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Counts the pairs (i < j) of `seq` with `seq[j] < seq[i]` (`strict`) or `seq[j] <= seq[i]`,
/// sorting `seq` ascending in the process (bottom-up merge sort, `tmp` as scratch).
fn count_inversions<T: Copy + PartialOrd + Default>(
    seq: &mut [T],
    tmp: &mut Vec<T>,
    strict: bool,
) -> u64 {
    if strict {
        count_inversions_by(seq, tmp, |a, b| a < b)
    } else {
        count_inversions_by(seq, tmp, |a, b| a <= b)
    }
}

/// [`count_inversions`] with `before(a, b)` saying whether `a`, later in the sequence, counts
/// as out of order with `b` (monomorphised per comparison, so the merge has no branch on
/// strictness).
fn count_inversions_by<T: Copy + Default>(
    seq: &mut [T],
    tmp: &mut Vec<T>,
    before: impl Fn(T, T) -> bool + Copy,
) -> u64 {
    /// Runs sorted by insertion before merging (each shift is one inversion).
    const RUN: usize = 8;
    let n = seq.len();
    let mut count = 0u64;
    for run in seq.chunks_mut(RUN) {
        for j in 1..run.len() {
            let x = run[j];
            let mut k = j;
            while k > 0 && before(x, run[k - 1]) {
                run[k] = run[k - 1];
                k -= 1;
            }
            run[k] = x;
            count += len_u64(j - k);
        }
    }
    tmp.clear();
    tmp.resize(n, T::default());
    // Merge runs of `width` back and forth between `seq` and `tmp`.
    let mut width = RUN;
    let mut in_seq = true;
    while width < n {
        let (src, dst): (&[T], &mut [T]) = if in_seq {
            (&*seq, tmp.as_mut_slice())
        } else {
            (tmp.as_slice(), &mut *seq)
        };
        count += merge_pass(src, dst, width, before);
        in_seq = !in_seq;
        width *= 2;
    }
    if !in_seq {
        seq.copy_from_slice(tmp);
    }
    count
}

/// Merges each pair of sorted runs of `width` from `src` into `dst` and counts, over the
/// elements of each right run, the elements of its left run they come before.
///
/// Each merge runs from both ends at once (a "parity merge": the front takes the smaller
/// head, the back the larger tail, each for half of the output), which gives the processor
/// two independent chains of work. The count needs no per-step arithmetic: a right element
/// at output position k with index r in its run has k − r left elements before it, so the
/// run's count is L·R − Σk + Σr.
fn merge_pass<T: Copy>(
    src: &[T],
    dst: &mut [T],
    width: usize,
    before: impl Fn(T, T) -> bool,
) -> u64 {
    let n = src.len();
    let mut count = 0u64;
    let mut lo = 0;
    while lo < n {
        let mid = (lo + width).min(n);
        let hi = (lo + 2 * width).min(n);
        let (left, right) = (&src[lo..mid], &src[mid..hi]);
        let out = &mut dst[lo..hi];
        let (nl, nr) = (left.len(), right.len());
        let total = nl + nr;
        let (mut i, mut j) = (0, 0);
        let (mut bi, mut bj) = (nl, nr);
        let mut right_positions = 0u64;
        let half = total / 2;
        if nl == nr {
            // Equal runs of m: after s < m steps from either end, i + j = s < m, so no
            // side runs out and no emptiness check is needed.
            for step in 0..half {
                let (l, r) = (left[i], right[j]);
                let take_right = before(r, l);
                out[step] = if take_right { r } else { l };
                right_positions += u64::from(take_right) * len_u64(step);
                j += usize::from(take_right);
                i += usize::from(!take_right);
                let k = total - 1 - step;
                let (l, r) = (left[bi - 1], right[bj - 1]);
                let put_left = before(r, l);
                out[k] = if put_left { l } else { r };
                right_positions += u64::from(!put_left) * len_u64(k);
                bi -= usize::from(put_left);
                bj -= usize::from(!put_left);
            }
            let (l, r) = (len_u64(nl), len_u64(nr));
            count += (l * r + r * r.saturating_sub(1) / 2).saturating_sub(right_positions);
            lo = hi;
            continue;
        }
        for step in 0..half {
            // Front: the smaller head (a right head goes first when it comes before).
            let take_right = match (left.get(i), right.get(j)) {
                (Some(&l), Some(&r)) => before(r, l),
                (None, _) => true,
                (_, None) => false,
            };
            out[step] = if take_right { right[j] } else { left[i] };
            right_positions += u64::from(take_right) * len_u64(step);
            j += usize::from(take_right);
            i += usize::from(!take_right);
            // Back: the larger tail (a left tail goes last when the right tail comes before it).
            let k = total - 1 - step;
            let put_left = match (bi.checked_sub(1), bj.checked_sub(1)) {
                (Some(l), Some(r)) => before(right[r], left[l]),
                (Some(_), None) => true,
                (None, _) => false,
            };
            out[k] = if put_left {
                left[bi - 1]
            } else {
                right[bj - 1]
            };
            right_positions += u64::from(!put_left) * len_u64(k);
            bi -= usize::from(put_left);
            bj -= usize::from(!put_left);
        }
        if total % 2 == 1 {
            // The middle element: whichever the front would take next.
            let take_right = match (left.get(i), right.get(j)) {
                (Some(&l), Some(&r)) => before(r, l),
                (None, _) => true,
                (_, None) => false,
            };
            out[half] = if take_right { right[j] } else { left[i] };
            right_positions += u64::from(take_right) * len_u64(half);
        }
        let (l, r) = (len_u64(nl), len_u64(nr));
        let right_indices = r * r.saturating_sub(1) / 2;
        count += (l * r + right_indices).saturating_sub(right_positions);
        lo = hi;
    }
    count
}

/// Pairs of equal values in sorted `values`.
fn tied_pairs(sorted: &[f64]) -> u64 {
    sorted
        .chunk_by(|a, b| a.total_cmp(b).is_eq())
        .map(|g| pairs(len_u64(g.len())))
        .sum()
}

/// Mann-Kendall's S = Σ_{i<j} sgn(vⱼ − vᵢ) over `values` in time order, in O(n log n), and
/// the values sorted (for the tie groups and the median).
pub(crate) fn kendall_s(values: &[f64]) -> (i64, Vec<f64>) {
    let mut sorted = values.to_vec();
    let mut tmp = Vec::new();
    let q = count_inversions(&mut sorted, &mut tmp, true);
    let t = tied_pairs(&sorted);
    let p = pairs(len_u64(values.len())).saturating_sub(q + t);
    let s = i64::try_from(p).unwrap_or(i64::MAX) - i64::try_from(q).unwrap_or(i64::MAX);
    (s, sorted)
}

/// Sen's slope of `w` (samples in time order), per second: the median of the pairwise
/// slopes over pairs at different instants, 0 when there are none.
pub(crate) fn sen_slope(w: &[Sample]) -> f64 {
    let budget = (8 * len_u64(w.len())).clamp(4_096, 1 << 22);
    SlopeSelection::new(w).median(budget)
}

/// The `k`-th smallest (0-based) of `v`, reordering it; `None` when `v` is empty.
fn select(v: &mut [f64], k: usize) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let k = k.min(v.len() - 1);
    Some(*v.select_nth_unstable_by(k, f64::total_cmp).1)
}

/// A point of the order of `f64`s as an integer, so that an interval can be halved in the
/// number of representable values between its ends.
fn key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits(); // −0.0 + 0.0 = +0.0: one key for zero
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

fn from_key(k: u64) -> f64 {
    if k >> 63 == 1 {
        f64::from_bits(k & !(1 << 63))
    } else {
        f64::from_bits(!k)
    }
}

/// A small fixed-seed generator (SplitMix64, Steele, Lea and Flood, 2014) for the draws.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index below `n` (n > 0), by Lemire's multiply-shift.
    fn below(&mut self, n: usize) -> usize {
        let n = len_u64(n);
        let wide = u128::from(self.next()) * u128::from(n);
        usize::try_from(wide >> 64).unwrap_or(0)
    }
}

/// One end of an interval of slopes: the slopes at most `beta`, or below it when `strict`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct End {
    beta: f64,
    strict: bool,
}

impl End {
    const fn at_most(beta: f64) -> Self {
        End {
            beta,
            strict: false,
        }
    }
}

/// An interval of slopes (lo, hi] with the counts of slopes up to each end, `c_lo <= c_hi`.
#[derive(Debug, Clone, Copy)]
struct Bracket {
    lo: End,
    c_lo: u64,
    hi: End,
    c_hi: u64,
}

impl Bracket {
    fn holds(&self, s: f64) -> bool {
        let above_lo = s > self.lo.beta || (self.lo.strict && key(s) == key(self.lo.beta));
        let below_hi = s < self.hi.beta || (!self.hi.strict && key(s) == key(self.hi.beta));
        above_lo && below_hi
    }
}

/// Bits of an order key that hold the position.
const POSITION_BITS: u32 = 24;
const POSITION_MASK: u64 = (1 << POSITION_BITS) - 1;
// Positions must fit in the tie bits of an order key.
const _: () = assert!(crate::Series::MAX_SAMPLES < 1 << POSITION_BITS);

/// The state of one median-slope selection.
struct SlopeSelection {
    /// Seconds since the first sample, in time order; each instant's samples by value,
    /// largest first, so that every pair at one instant counts as out of order under every
    /// trial slope.
    t: Vec<f64>,
    /// Values in the same order.
    v: Vec<f64>,
    /// Both together, for random access in the draws (one cache line per sample).
    tv: Vec<(f64, f64)>,
    /// Pairs at one instant (always counted out of order, so subtracted from counts).
    same_instant: u64,
    /// Pairs at one instant with different values.
    same_instant_unequal: u64,
    /// Pairs at different instants: the slopes.
    slopes: u64,
    z: Vec<u64>,
    tmp: Vec<u64>,
}

impl SlopeSelection {
    fn new(w: &[Sample]) -> Self {
        let mut order: Vec<usize> = (0..w.len()).collect();
        order.sort_by(|&a, &b| {
            w[a].at
                .cmp(&w[b].at)
                .then(w[b].value.total_cmp(&w[a].value))
                .then(a.cmp(&b))
        });
        let origin = w.first().map_or(core::time::Duration::ZERO, |s| s.at);
        let t: Vec<f64> = order
            .iter()
            .map(|&i| w[i].at.saturating_sub(origin).as_secs_f64())
            .collect();
        let v: Vec<f64> = order.iter().map(|&i| w[i].value).collect();
        let (mut same_instant, mut same_instant_unequal) = (0, 0);
        for g in order.chunk_by(|&a, &b| w[a].at == w[b].at) {
            let all = pairs(len_u64(g.len()));
            let values: Vec<f64> = g.iter().map(|&i| w[i].value).collect();
            same_instant += all;
            same_instant_unequal += all - tied_pairs(&values);
        }
        let slopes = pairs(len_u64(w.len())) - same_instant;
        SlopeSelection {
            tv: t.iter().copied().zip(v.iter().copied()).collect(),
            t,
            v,
            same_instant,
            same_instant_unequal,
            slopes,
            z: Vec::new(),
            tmp: Vec::new(),
        }
    }

    /// The slope between positions `p` and `q` (either order): value change over seconds;
    /// `None` at one instant.
    fn slope_of(&self, p: usize, q: usize) -> Option<f64> {
        let dt = self.t[q] - self.t[p];
        (dt != 0.0).then(|| (self.v[q] - self.v[p]) / dt)
    }

    /// Slopes at most `beta` (as the rounded z-order decides).
    fn count_at_most(&mut self, beta: f64) -> u64 {
        if beta == f64::INFINITY {
            return self.slopes;
        }
        if beta == f64::NEG_INFINITY {
            return 0;
        }
        self.z.clear();
        self.z
            .extend(self.t.iter().zip(&self.v).map(|(&t, &v)| key(v - beta * t)));
        let out_of_order = count_inversions(&mut self.z, &mut self.tmp, false);
        out_of_order.saturating_sub(self.same_instant)
    }

    /// Slopes below 0 and at most 0, exactly: the sign of a slope is the sign of its value
    /// change, so both are inversion counts of the values themselves.
    fn zero_counts(&mut self) -> (u64, u64) {
        self.z.clear();
        self.z.extend(self.v.iter().map(|&v| key(v)));
        let at_most = count_inversions(&mut self.z, &mut self.tmp, false);
        // "At most" counts every pair of equal values as well (the keys are now sorted).
        let equal: u64 = self
            .z
            .chunk_by(|a, b| a == b)
            .map(|g| pairs(len_u64(g.len())))
            .sum();
        (
            (at_most - equal.min(at_most)).saturating_sub(self.same_instant_unequal),
            at_most.saturating_sub(self.same_instant),
        )
    }

    /// The sort key of position `p` at an end: z, then the tie rule of the end (later
    /// position first for "at most", earlier for "below"). At ±∞ only the tie rule of time
    /// applies: see [`SlopeSelection::order_at`].
    fn order_key(&self, end: End, p: usize) -> u128 {
        let pos = len_u64(p) & POSITION_MASK;
        let tie = if end.strict { pos } else { POSITION_MASK - pos };
        let z = if end.beta == f64::INFINITY {
            // Latest time first; one instant's group by value ascending.
            key(-self.t[p])
        } else if end.beta == f64::NEG_INFINITY {
            key(self.t[p])
        } else {
            key(self.v[p] - end.beta * self.t[p])
        };
        (u128::from(z) << 64) | u128::from(tie)
    }

    /// Positions ordered by z at an end, so that a pair (earlier position first) appears
    /// reversed exactly when its slope is up to that end: ties in z put the later position
    /// first for "at most", the earlier for "below".
    fn order_at(&self, end: End) -> Vec<usize> {
        let n = self.t.len();
        let mut order: Vec<usize> = (0..n).collect();
        if end.beta == f64::NEG_INFINITY {
            // Time order, each instant's group reversed.
            order.sort_by(|&a, &b| self.t[a].total_cmp(&self.t[b]).then(b.cmp(&a)));
            return order;
        }
        if end.beta == f64::INFINITY {
            order.reverse();
            return order;
        }
        let mut keys: Vec<u128> = (0..n).map(|p| self.order_key(end, p)).collect();
        keys.sort_unstable();
        let tie_of = |k: u128| u64::try_from(k & u128::from(POSITION_MASK)).unwrap_or(0);
        keys.into_iter()
            .map(|k| {
                let tie = tie_of(k);
                let p = if end.strict { tie } else { POSITION_MASK - tie };
                usize::try_from(p).unwrap_or(0)
            })
            .collect()
    }

    /// The slopes in the bracket: the pairs in order at `lo` and reversed at `hi`, listed
    /// while merge-sorting the `lo` order by rank at `hi`; `None` past `cap` of them.
    fn slopes_between(&self, br: &Bracket, cap: u64) -> Option<Vec<f64>> {
        /// A sample as the listing merges it: its rank at `hi`, position, time and value
        /// (carried along so that listing a pair reads memory in order).
        #[derive(Clone, Copy, Default)]
        struct Item {
            rank_hi: u32,
            position: u32,
            t: f64,
            v: f64,
        }
        let at_hi = self.order_at(br.hi);
        let mut rank_hi = vec![0u32; at_hi.len()];
        for (r, &p) in at_hi.iter().enumerate() {
            rank_hi[p] = u32::try_from(r).unwrap_or(u32::MAX);
        }
        drop(at_hi);
        let mut seq: Vec<Item> = self
            .order_at(br.lo)
            .into_iter()
            .map(|p| Item {
                rank_hi: rank_hi[p],
                position: u32::try_from(p).unwrap_or(u32::MAX),
                t: self.t[p],
                v: self.v[p],
            })
            .collect();
        drop(rank_hi);
        let mut tmp = vec![Item::default(); seq.len()];
        let mut out =
            Vec::with_capacity(usize::try_from((br.c_hi - br.c_lo).min(cap)).unwrap_or(0));
        let n = seq.len();
        let mut width = 1;
        while width < n {
            let mut lo_i = 0;
            while lo_i < n {
                let mid = (lo_i + width).min(n);
                let hi_i = (lo_i + 2 * width).min(n);
                let (mut i, mut j, mut k) = (lo_i, mid, lo_i);
                while i < mid && j < hi_i {
                    let r = seq[j];
                    if r.rank_hi < seq[i].rank_hi {
                        // `r` overtakes seq[i..mid]; a pair is listed when it was in order
                        // at `lo` (the earlier position first).
                        for e in &seq[i..mid] {
                            let dt = r.t - e.t;
                            if e.position < r.position && dt != 0.0 {
                                if len_u64(out.len()) >= cap {
                                    return None;
                                }
                                out.push((r.v - e.v) / dt);
                            }
                        }
                        tmp[k] = r;
                        j += 1;
                    } else {
                        tmp[k] = seq[i];
                        i += 1;
                    }
                    k += 1;
                }
                tmp[k..k + (mid - i)].copy_from_slice(&seq[i..mid]);
                k += mid - i;
                tmp[k..k + (hi_i - j)].copy_from_slice(&seq[j..hi_i]);
                seq[lo_i..hi_i].copy_from_slice(&tmp[lo_i..hi_i]);
                lo_i = hi_i;
            }
            width *= 2;
        }
        Some(out)
    }

    /// Every slope, for small inputs.
    fn all_slopes(&self) -> Vec<f64> {
        let n = self.t.len();
        let mut out = Vec::new();
        for p in 0..n {
            out.extend((p + 1..n).filter_map(|q| self.slope_of(p, q)));
        }
        out
    }

    /// The median slope, listing at most `budget` slopes at once.
    fn median(&mut self, budget: u64) -> f64 {
        let total = self.slopes;
        if total == 0 {
            return 0.0;
        }
        // 0-based ranks of the two middle slopes (equal when the count is odd).
        let (k1, k2) = ((total - 1) / 2, total / 2);
        let (a, b) = if total <= budget {
            let mut all = self.all_slopes();
            ranks_of(&mut all, k1, k2, 0)
        } else {
            self.median_ranks(k1, k2, budget)
        };
        if k1 == k2 { a } else { a + (b - a) / 2.0 }
    }

    /// The slopes of ranks `k1` and `k2`: 0 exactly when the rank falls among the slopes of
    /// 0 (pairs of equal values, common in integer metrics), otherwise selected among the
    /// negative or the positive slopes.
    fn median_ranks(&mut self, k1: u64, k2: u64, budget: u64) -> (f64, f64) {
        let (below0, upto0) = self.zero_counts();
        let negative = Bracket {
            lo: End::at_most(f64::NEG_INFINITY),
            c_lo: 0,
            hi: End {
                beta: 0.0,
                strict: true,
            },
            c_hi: below0,
        };
        let positive = Bracket {
            lo: End::at_most(0.0),
            c_lo: upto0,
            hi: End::at_most(f64::INFINITY),
            c_hi: self.slopes,
        };
        let side = |k: u64| {
            if k < below0 {
                Some(negative)
            } else if k >= upto0 {
                Some(positive)
            } else {
                None
            }
        };
        let mut rng = SplitMix(0x5EED_0F5E_0000_0000 ^ len_u64(self.t.len()));
        match (side(k1), side(k2)) {
            (Some(a), Some(b)) if a.c_lo == b.c_lo => self.select(k1, k2, a, budget, &mut rng),
            (a, b) => {
                let mut one = |k: u64, br: Option<Bracket>, rng: &mut SplitMix| {
                    br.map_or(0.0, |br| self.select(k, k, br, budget, rng).0)
                };
                let x = one(k1, a, &mut rng);
                let y = if k1 == k2 { x } else { one(k2, b, &mut rng) };
                (x, y)
            }
        }
    }

    /// The slopes of ranks `k1 <= k2` (0-based, `k2 <= k1 + 1`), starting from a bracket
    /// with `c_lo <= k1` and `k2 < c_hi`.
    fn select(
        &mut self,
        k1: u64,
        k2: u64,
        mut br: Bracket,
        budget: u64,
        rng: &mut SplitMix,
    ) -> (f64, f64) {
        let mut sample = Vec::new();
        while br.c_hi - br.c_lo > budget {
            let before = br.c_hi - br.c_lo;
            let share = u64_to_f64(before) / u64_to_f64(self.slopes.max(1));
            let finite = br.lo.beta.is_finite() && br.hi.beta.is_finite();
            let trials = if finite && share < 0.05 {
                // Random pairs rarely land in a narrow interval; the slopes near the median
                // are dense and smooth, so interpolate linearly between the ends instead, a
                // third of the budget either side of the ranks wanted.
                let margin = budget / 3;
                let (lo, hi, width) = (br.lo.beta, br.hi.beta, u64_to_f64(before));
                let at = |rank: u64| lo + (hi - lo) * (u64_to_f64(rank - br.c_lo) / width);
                let ra = k1.saturating_sub(margin).max(br.c_lo);
                let rb = (k2 + 1 + margin).min(br.c_hi);
                [
                    (ra > br.c_lo).then(|| at(ra)),
                    (rb < br.c_hi).then(|| at(rb)),
                ]
            } else {
                self.sample_trials(k1, k2, &br, rng, &mut sample)
            };
            for beta in trials.into_iter().flatten() {
                if !br.holds(beta) || key(beta) == key(br.hi.beta) {
                    continue;
                }
                let c = self.count_at_most(beta).clamp(br.c_lo, br.c_hi);
                if c <= k1 {
                    (br.lo, br.c_lo) = (End::at_most(beta), c);
                } else if c > k2 {
                    (br.hi, br.c_hi) = (End::at_most(beta), c);
                } else {
                    return self.split(k1, k2, br, beta, c, budget, rng);
                }
            }
            if br.c_hi - br.c_lo > before / 2 {
                // Too little learnt: halve the interval, by value when both ends are finite
                // and apart, else in the order of f64 values (which ends after 64 halvings).
                let (a, b) = (key(br.lo.beta), key(br.hi.beta));
                if b.saturating_sub(a) <= 1 {
                    // No value between the ends: every slope left inside is at `hi`.
                    return (br.hi.beta, br.hi.beta);
                }
                let by_value = br.lo.beta + (br.hi.beta - br.lo.beta) / 2.0;
                let mid = if by_value.is_finite() && br.holds(by_value) && by_value < br.hi.beta {
                    by_value
                } else {
                    from_key(a + (b - a) / 2)
                };
                let c = self.count_at_most(mid).clamp(br.c_lo, br.c_hi);
                if c <= k1 {
                    (br.lo, br.c_lo) = (End::at_most(mid), c);
                } else if c > k2 {
                    (br.hi, br.c_hi) = (End::at_most(mid), c);
                } else {
                    return self.split(k1, k2, br, mid, c, budget, rng);
                }
            }
        }
        match self.slopes_between(&br, budget.saturating_mul(2)) {
            Some(mut inside) if !inside.is_empty() => ranks_of(&mut inside, k1, k2, br.c_lo),
            _ => (br.hi.beta, br.hi.beta),
        }
    }

    /// Trial ends from random pairs: the sample quantiles 1.5 standard deviations outside
    /// the ranks wanted (about 6.7% of draws miss on each side, which only costs progress on
    /// that side).
    fn sample_trials(
        &self,
        k1: u64,
        k2: u64,
        br: &Bracket,
        rng: &mut SplitMix,
        sample: &mut Vec<f64>,
    ) -> [Option<f64>; 2] {
        self.draw(rng, br, sample);
        let mut trials = [None, None];
        if sample.len() >= 16 {
            let m = usize_to_f64(sample.len());
            let spread = 1.5 * m.sqrt();
            let width = u64_to_f64(br.c_hi - br.c_lo);
            let r1 = u64_to_f64(k1 - br.c_lo) / width * m - spread;
            let r2 = (u64_to_f64(k2 + 1 - br.c_lo) / width * m + spread).ceil();
            if r1 >= 0.0 {
                trials[0] = select(sample, f64_to_index(r1));
            }
            if r2 < m {
                trials[1] = select(sample, f64_to_index(r2));
            }
        }
        trials
    }

    /// `beta` falls between the two middle slopes (exactly `k2 = k1 + 1` slopes are at most
    /// it): each is then selected alone, on its side.
    #[expect(clippy::too_many_arguments, reason = "the state of one selection step")]
    fn split(
        &mut self,
        k1: u64,
        k2: u64,
        br: Bracket,
        beta: f64,
        c: u64,
        budget: u64,
        rng: &mut SplitMix,
    ) -> (f64, f64) {
        let below = Bracket {
            hi: End::at_most(beta),
            c_hi: c,
            ..br
        };
        let above = Bracket {
            lo: End::at_most(beta),
            c_lo: c,
            ..br
        };
        let (a, _) = self.select(k1, k1, below, budget, rng);
        let (b, _) = self.select(k2, k2, above, budget, rng);
        (a, b)
    }

    /// Slopes inside the bracket from random pairs: about 8,192 expected (fewer draws the
    /// wider the bracket), from 4,096 to 2^19 draws, or 2^17 slopes at most. m slopes narrow
    /// the next bracket to about 6/√m of this one.
    fn draw(&self, rng: &mut SplitMix, br: &Bracket, out: &mut Vec<f64>) {
        const WANT: usize = 1 << 17;
        out.clear();
        let n = self.t.len();
        let share = u64_to_f64(br.c_hi - br.c_lo) / u64_to_f64(self.slopes.max(1));
        let draws = if share >= 0.5 {
            WANT
        } else {
            f64_to_index((2_048.0 / share.max(1e-12)).min(131_072.0)).max(4_096)
        };
        let (lo, hi) = (br.lo.beta, br.hi.beta);
        for _ in 0..draws {
            let (a, b) = (self.tv[rng.below(n)], self.tv[rng.below(n)]);
            let (mut dt, mut dv) = (b.0 - a.0, b.1 - a.1);
            if dt < 0.0 {
                (dt, dv) = (-dt, -dv);
            }
            // A cheap test first, without dividing: lo·dt < dv <= hi·dt for slopes inside
            // (a draw only guides the search, so rounding at the ends does not matter).
            if !(dt > 0.0 && dv > lo * dt && dv <= hi * dt) {
                continue;
            }
            let s = dv / dt;
            if br.holds(s) {
                out.push(s);
                if out.len() >= WANT {
                    break;
                }
            }
        }
    }
}

/// The slopes of ranks `k1` and `k2` of a whole list, given `list` holding the slopes of ranks
/// `offset..`.
fn ranks_of(list: &mut [f64], k1: u64, k2: u64, offset: u64) -> (f64, f64) {
    let at = |k: u64| usize::try_from(k.saturating_sub(offset)).unwrap_or(usize::MAX);
    let a = select(list, at(k1)).unwrap_or(0.0);
    let b = if k1 == k2 {
        a
    } else {
        select(list, at(k2)).unwrap_or(a)
    };
    (a, b)
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counts far below 2^53 are exact"
)]
fn u64_to_f64(v: u64) -> f64 {
    v as f64
}

#[expect(
    clippy::cast_precision_loss,
    reason = "lengths far below 2^53 are exact"
)]
fn usize_to_f64(v: usize) -> f64 {
    v as f64
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "callers pass a non-negative, finite index"
)]
fn f64_to_index(v: f64) -> usize {
    v as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::time::Duration;
    use proptest::prelude::*;

    fn brute_s(values: &[f64]) -> i64 {
        let mut s = 0;
        for i in 0..values.len() {
            for j in i + 1..values.len() {
                s += match values[j].total_cmp(&values[i]) {
                    core::cmp::Ordering::Greater => 1,
                    core::cmp::Ordering::Less => -1,
                    core::cmp::Ordering::Equal => 0,
                };
            }
        }
        s
    }

    fn brute_median(w: &[Sample]) -> f64 {
        let mut all = SlopeSelection::new(w).all_slopes();
        if all.is_empty() {
            return 0.0;
        }
        all.sort_by(f64::total_cmp);
        let n = all.len();
        if n % 2 == 1 {
            all[n / 2]
        } else {
            all[n / 2 - 1] + (all[n / 2] - all[n / 2 - 1]) / 2.0
        }
    }

    fn samples(points: &[(u64, f64)]) -> Vec<Sample> {
        let mut v: Vec<Sample> = points
            .iter()
            .map(|&(ms, value)| Sample {
                at: Duration::from_millis(ms),
                value,
            })
            .collect();
        v.sort_by_key(|s| s.at);
        v
    }

    #[test]
    fn s_by_hand() {
        // 1 3 2 5 4: pairs up 8, down 2, so S = 6; with a tie (1 1 2): up 2, tie 1, S = 2.
        assert_eq!(kendall_s(&[1.0, 3.0, 2.0, 5.0, 4.0]).0, 6);
        assert_eq!(kendall_s(&[1.0, 1.0, 2.0]).0, 2);
        assert_eq!(kendall_s(&[]).0, 0);
        assert_eq!(kendall_s(&[7.0]).0, 0);
    }

    #[test]
    fn inversion_counts_by_hand() {
        // 3 1 2 1: strict inversions (3,1) (3,2) (3,1) (2,1) = 4; non-strict adds (1,1) = 5.
        let mut tmp = Vec::new();
        assert_eq!(
            count_inversions(&mut [3.0, 1.0, 2.0, 1.0], &mut tmp, true),
            4
        );
        assert_eq!(
            count_inversions(&mut [3.0, 1.0, 2.0, 1.0], &mut tmp, false),
            5
        );
    }

    #[test]
    fn keys_follow_the_order_of_floats() {
        let xs = [
            f64::NEG_INFINITY,
            -2.0,
            -0.0,
            0.0,
            1e-300,
            3.0,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(key(w[0]) <= key(w[1]), "{w:?}");
            assert_eq!(from_key(key(w[0])).to_bits(), (w[0] + 0.0).to_bits());
        }
    }

    #[test]
    fn large_linear_series_has_its_slope() {
        // v = 0.5 + 1e-6·t over 86,400 one-second samples: every pairwise slope is 1e-6
        // (up to rounding), so the median is.
        let w: Vec<Sample> = (0..86_400u64)
            .map(|s| Sample {
                at: Duration::from_secs(s),
                value: 0.5 + 1e-6 * f64::from(u32::try_from(s).unwrap()),
            })
            .collect();
        let slope = sen_slope(&w);
        assert!((slope - 1e-6).abs() < 1e-15, "{slope}");
        assert_eq!(
            kendall_s(&w.iter().map(|s| s.value).collect::<Vec<_>>()).0,
            86_400 * 86_399 / 2
        );
    }

    #[test]
    fn step_series_median_is_a_tie() {
        // 4,000 samples, the first half at 0.2 and the second at 0.4: most pairs (within a
        // half) have slope 0 and those across the step positive ones; 2·C(2000,2) =
        // 3,998,000 zeros against 4,000,000 positive slopes, so the median lies among the
        // positive ones and the sampling path has to handle heavy ties.
        let w: Vec<Sample> = (0..4_000u64)
            .map(|s| Sample {
                at: Duration::from_secs(s),
                value: if s < 2_000 { 0.2 } else { 0.4 },
            })
            .collect();
        assert_eq!(
            SlopeSelection::new(&w).median(4_096).to_bits(),
            brute_median(&w).to_bits()
        );
        // All equal: every slope 0.
        let flat: Vec<Sample> = (0..3_000u64)
            .map(|s| Sample {
                at: Duration::from_secs(s),
                value: 0.3,
            })
            .collect();
        assert_eq!(
            SlopeSelection::new(&flat).median(100).to_bits(),
            0.0f64.to_bits()
        );
    }

    #[test]
    fn realistic_series_agree_with_sorting_every_pair() {
        // 1,500 samples (1,124,250 pairs) of a noisy rise, raw and rounded to whole percent
        // (so that many slopes tie at 0), with instants repeated: the interval path (random
        // first round, interpolation, listing) against sorting every slope.
        for (step, round) in [(1u64, false), (1, true), (3, true)] {
            let w: Vec<Sample> = (0..1_500u32)
                .map(|i| {
                    let t = f64::from(i);
                    let raw = 0.4 + 0.1 * t / 1_500.0 + 0.05 * (t * 0.37).sin() * (t * 0.011).cos();
                    Sample {
                        at: Duration::from_secs(u64::from(i) / step),
                        value: if round {
                            (raw * 100.0).round() / 100.0
                        } else {
                            raw
                        },
                    }
                })
                .collect();
            let fast = SlopeSelection::new(&w).median(8 * 1_500);
            let slow = brute_median(&w);
            assert_eq!(
                fast.to_bits(),
                slow.to_bits(),
                "{fast} vs {slow} (step {step}, rounded {round})"
            );
        }
    }

    proptest! {
        #[test]
        fn s_matches_the_pairwise_definition(values in proptest::collection::vec(prop_oneof![Just(0.1f64), Just(0.2), 0.0f64..1.0], 0..200)) {
            let (s, sorted) = kendall_s(&values);
            prop_assert_eq!(s, brute_s(&values));
            prop_assert!(sorted.windows(2).all(|w| w[0] <= w[1]));
        }

        #[test]
        fn median_slope_matches_sorting_every_pair(
            points in proptest::collection::vec((0u64..400, prop_oneof![Just(0.5f64), 0.0f64..1.0]), 2..160),
            budget in 16u64..200,
        ) {
            // Small budgets force the sampling and halving path; repeated instants and
            // values exercise the tie handling.
            let w = samples(&points);
            let fast = SlopeSelection::new(&w).median(budget);
            let slow = brute_median(&w);
            prop_assert!((fast - slow).abs() <= 1e-9 * slow.abs().max(1.0), "{} vs {}", fast, slow);
        }
    }
}
