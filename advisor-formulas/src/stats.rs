//! Special functions the models need: the regularized incomplete beta function and the
//! Student t distribution.

/// Regularized incomplete beta function Iₓ(a, b), by the continued fraction of Lentz's method.
///
/// # References
/// W. H. Press et al., *Numerical Recipes*, 3rd ed., Cambridge University Press, 2007,
/// section 6.4 (equation 6.4.5 and the `betacf` evaluation).
pub(crate) fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front =
        libm::lgamma(a + b) - libm::lgamma(a) - libm::lgamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    // The continued fraction converges quickly for x < (a + 1) / (a + b + 2); use symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// Cumulative distribution function of Student's t with `dof` degrees of freedom.
pub(crate) fn student_t_cdf(t: f64, dof: f64) -> f64 {
    let x = dof / (dof + t * t);
    let tail = 0.5 * inc_beta(dof / 2.0, 0.5, x);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The `p`-quantile of Student's t with `dof` degrees of freedom, `0 < p < 1`, found by
/// bisection on the CDF to 1e-12.
pub(crate) fn student_t_quantile(p: f64, dof: f64) -> f64 {
    if (p - 0.5).abs() < f64::EPSILON {
        return 0.0;
    }
    if p < 0.5 {
        return -student_t_quantile(1.0 - p, dof);
    }
    let (mut lo, mut hi) = (0.0, 1.0);
    while student_t_cdf(hi, dof) < p && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if student_t_cdf(mid, dof) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 * hi.max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four decimals, as printed in t tables.
    const TABLE_TOLERANCE: f64 = 5e-4;

    #[test]
    fn t_quantiles_match_tables() {
        // Two-sided 95% critical values from standard t tables (for example NIST/SEMATECH
        // e-Handbook of Statistical Methods, section 1.3.6.7.2).
        #[track_caller]
        fn check(dof: f64, expected: f64) {
            let q = student_t_quantile(0.975, dof);
            assert!((q - expected).abs() < TABLE_TOLERANCE, "dof {dof}: {q}");
        }
        check(1.0, 12.706);
        check(4.0, 2.776);
        check(8.0, 2.306);
        check(29.0, 2.045);
        check(100.0, 1.984);
    }

    #[test]
    fn beta_and_t_by_hand() {
        // For integer a, b: I_x(a, b) = P(Binomial(a + b - 1, x) >= a).
        // I_0.4(2, 3) = C(4,2)·0.4²·0.6² + C(4,3)·0.4³·0.6 + 0.4⁴ = 0.3456 + 0.1536 + 0.0256.
        assert!((inc_beta(2.0, 3.0, 0.4) - 0.5248).abs() < 1e-12);
        // Above the switch point (a + 1) / (a + b + 2) = 3/7 the symmetric branch is used:
        // I_0.8(2, 3) = 6·0.64·0.04 + 4·0.512·0.2 + 0.4096 = 0.1536 + 0.4096 + 0.4096.
        assert!((inc_beta(2.0, 3.0, 0.8) - 0.9728).abs() < 1e-12);
        assert!(inc_beta(2.0, 3.0, -0.5).abs() < 1e-15);
        assert!((inc_beta(2.0, 3.0, 1.5) - 1.0).abs() < 1e-15);
        // t with 1 degree of freedom is Cauchy: F(t) = 1/2 + atan(t)/π; F(1) = 0.75.
        assert!((student_t_cdf(1.0, 1.0) - 0.75).abs() < 1e-12);
        assert!((student_t_cdf(-1.0, 1.0) - 0.25).abs() < 1e-12);
        assert!((student_t_cdf(0.0, 7.0) - 0.5).abs() < 1e-12);
        // t with 2 degrees of freedom: F(t) = 1/2 + t / (2 sqrt(2 + t²)); F(2) = 0.5 + 2/(2·√6).
        let expected = 0.5 + 1.0 / 6f64.sqrt();
        assert!((student_t_cdf(2.0, 2.0) - expected).abs() < 1e-12);
        // Quantiles: the median is 0, the lower tail mirrors the upper one.
        assert!(student_t_quantile(0.5, 4.0).abs() < 1e-15);
        assert!((student_t_quantile(0.025, 4.0) + 2.776).abs() < TABLE_TOLERANCE);
        assert!((student_t_quantile(0.75, 1.0) - 1.0).abs() < 1e-9);
        // Far in the tail (1 dof, p = 0.9999: tan(π·0.4999) = 3183.1) the bracket must widen.
        assert!((student_t_quantile(0.9999, 1.0) - 3_183.098_8).abs() < 1e-3);
    }

    #[test]
    fn continued_fraction_by_hand() {
        // I_x(a, b) = front · cf / a with front = x^a (1 − x)^b / B(a, b).
        // a = b = 1: I_x = x and front = x (1 − x), so cf = 1 / (1 − x).
        assert!((beta_cf(1.0, 1.0, 0.3) - 1.0 / 0.7).abs() < 1e-12);
        // a = 2, b = 3, x = 0.4: front = 12 · 0.16 · 0.216 = 0.41472 and I = 0.5248,
        // so cf = 0.5248 · 2 / 0.41472.
        assert!((beta_cf(2.0, 3.0, 0.4) - 0.5248 * 2.0 / 0.41472).abs() < 1e-12);
    }

    #[test]
    fn t_quantiles_for_many_degrees_of_freedom() {
        // Cornish-Fisher: t_p(ν) ≈ z + (z³ + z) / (4ν) + (5z⁵ + 16z³ + 3z) / (96ν²), with
        // z = 1.959963985 the normal 97.5% point (Abramowitz and Stegun 26.7.5).
        let z: f64 = 1.959_963_985;
        for nu in [1_000.0, 100_000.0, 1e7] {
            let expected = z
                + (z.powi(3) + z) / (4.0 * nu)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * nu * nu);
            let q = student_t_quantile(0.975, nu);
            assert!((q - expected).abs() < 1e-6, "ν = {nu}: {q} vs {expected}");
        }
        // Tables (NIST/SEMATECH): ν = 30 → 2.042, ν = 60 → 2.000.
        assert!((student_t_quantile(0.975, 30.0) - 2.042).abs() < TABLE_TOLERANCE);
        assert!((student_t_quantile(0.975, 60.0) - 2.000).abs() < TABLE_TOLERANCE);
        // One-sided 99.5% with 10 degrees of freedom: 3.169.
        assert!((student_t_quantile(0.995, 10.0) - 3.169).abs() < TABLE_TOLERANCE);
    }

    /// P(Binomial(n, x) >= k), summed term by term in log space: an independent way to
    /// compute I_x(k, n − k + 1) for whole numbers.
    fn binomial_tail(n: u32, k: u32, x: f64) -> f64 {
        let nf = f64::from(n);
        (k..=n)
            .map(|j| {
                let j = f64::from(j);
                let ln_choose =
                    libm::lgamma(nf + 1.0) - libm::lgamma(j + 1.0) - libm::lgamma(nf - j + 1.0);
                (ln_choose + j * x.ln() + (nf - j) * (1.0 - x).ln()).exp()
            })
            .sum()
    }

    #[test]
    fn beta_agrees_with_binomial_sums_on_both_branches() {
        // I_x(a, b) = P(Binomial(a + b − 1, x) >= a) for whole a, b. Large a and b make the
        // continued fraction fail on the wrong side of (a + 1)/(a + b + 2), so these also
        // check that each x takes the branch that converges.
        for (a, b, x) in [
            (1_000_u32, 1_000_u32, 0.55),
            (1_000, 1_000, 0.45),
            (1_000, 1_000, 0.499),
            (200, 50, 0.9),
            (200, 50, 0.75),
            (50, 200, 0.1),
            (20, 30, 0.3),
            (3, 2, 0.7),
        ] {
            let expected = binomial_tail(a + b - 1, a, x);
            let got = inc_beta(f64::from(a), f64::from(b), x);
            assert!(
                (got - expected).abs() < 1e-9,
                "I_{x}({a}, {b}) = {got}, binomial sum {expected}"
            );
        }
    }

    #[test]
    fn beta_edges_and_symmetry() {
        assert!(inc_beta(2.0, 3.0, 0.0).abs() < 1e-15);
        assert!((inc_beta(2.0, 3.0, 1.0) - 1.0).abs() < 1e-15);
        // I_x(a, b) = 1 - I_{1-x}(b, a).
        let (a, b, x) = (2.5, 4.0, 0.3);
        assert!((inc_beta(a, b, x) - (1.0 - inc_beta(b, a, 1.0 - x))).abs() < 1e-12);
        // I_x(1, 1) = x.
        assert!((inc_beta(1.0, 1.0, 0.37) - 0.37).abs() < 1e-12);
    }
}
