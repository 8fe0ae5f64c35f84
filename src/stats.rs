//! The statistics of STATISTICS.md, as plain formulas over numbers: means, clustered standard
//! errors (section 2), the normal distribution for p-values (section 4). Evidence loading and
//! evaluation both read them from here, so each formula exists once.

/// z above which a difference is significant (two-sided 95%).
pub const Z_95: f64 = 1.96;

/// z of 80% power (the 80th percentile of the standard normal).
pub const Z_POWER_80: f64 = 0.841_621_233_572_914_3;

/// The mean of `scores`; `None` for none.
pub fn mean(scores: &[f64]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    // As a float: item counts are far below 2^53.
    let n = scores.len() as f64;
    Some(scores.iter().sum::<f64>() / n)
}

/// Which cluster each score is in.
#[derive(Clone, Copy, Debug)]
pub enum Clusters<'a> {
    /// Each score is a cluster of its own (no clusters were given).
    Singletons,
    /// `[i]` is the cluster of score `i`, a dense index below the number of clusters.
    Of(&'a [usize]),
}

/// The clustered standard error of the mean of `scores` (section 2):
/// `sqrt(C / (C - 1) * sum_c (sum_{i in c} (s_i - m))^2 / n^2)`. `None` with fewer than 2
/// clusters.
pub fn clustered_stderr(scores: &[f64], clusters: Clusters) -> Option<f64> {
    let m = mean(scores)?;
    let (count, squares) = match clusters {
        // The same sum as one cluster per item, without a cluster table a million long.
        Clusters::Singletons => (
            scores.len(),
            scores.iter().map(|s| (s - m) * (s - m)).sum::<f64>(),
        ),
        Clusters::Of(cluster_of) => {
            let count = cluster_of.iter().max().map_or(0, |c| c + 1);
            if cluster_of.len() != scores.len() {
                return None;
            }
            let mut sums = vec![0.0; count];
            for (s, &c) in scores.iter().zip(cluster_of) {
                if let Some(sum) = sums.get_mut(c) {
                    *sum += s - m;
                }
            }
            (count, sums.iter().map(|s| s * s).sum())
        }
    };
    if count < 2 {
        return None;
    }
    // As a float: item and cluster counts are far below 2^53.
    let (c, n) = (count as f64, scores.len() as f64);
    Some((c / (c - 1.0) * squares / (n * n)).sqrt())
}

/// A proportion of `successes` in `n` trials (section 7): the rate `p`, its standard error
/// `sqrt(p(1-p)/n)`, and the Wilson score interval at z = 1.96. `None` when `n` is 0.
pub fn proportion(successes: u64, n: u64) -> Option<(f64, f64, (f64, f64))> {
    if n == 0 {
        return None;
    }
    // As a float: counts are far below 2^53.
    let (s, n) = (successes as f64, n as f64);
    let p = s / n;
    let z2 = Z_95 * Z_95;
    let center = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z_95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // The interval lies in [0, 1] and contains p; rounding must not move an end past either.
    let low = (center - half).min(p).max(0.0);
    let high = (center + half).max(p).min(1.0);
    Some((p, (p * (1.0 - p) / n).sqrt(), (low, high)))
}

/// The smallest regression detected with 80% power by a test of standard error `se`.
pub fn mde(se: f64) -> f64 {
    (Z_95 + Z_POWER_80) * se
}

/// The items a test of `items` items with minimum detectable effect `mde` needs for it to
/// reach `effect`: `ceil(items * (mde / effect)^2)`. `None` for an `effect` that is not
/// positive, or a count too large for a number.
pub fn n_needed(items: u64, mde: f64, effect: f64) -> Option<f64> {
    if effect.is_nan() || effect <= 0.0 {
        return None;
    }
    // As a float: item counts are far below 2^53.
    let needed = (items as f64 * (mde / effect).powi(2)).ceil();
    needed.is_finite().then_some(needed)
}

/// How a family's p-values are adjusted for testing many at once (section 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Adjustment {
    /// Holm's step-down: controls the chance of any false alarm.
    Holm,
    /// Benjamini–Hochberg: controls the expected share of false alarms.
    Bh,
}

impl Adjustment {
    pub const ALL: [Adjustment; 2] = [Adjustment::Holm, Adjustment::Bh];

    /// The word after `adjusted by`.
    pub const fn name(self) -> &'static str {
        match self {
            Adjustment::Holm => "holm",
            Adjustment::Bh => "bh",
        }
    }

    pub fn from_name(name: &str) -> Option<Adjustment> {
        Adjustment::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The adjusted p-values of `ps`, in their order. With `ps` sorted ascending and M of
    /// them, Holm's is `max_{j <= i} min(1, (M - j + 1) p_j)` and BH's
    /// `min_{j >= i} min(1, M / j * p_j)` (j counted from 1).
    pub fn adjust(self, ps: &[f64]) -> Vec<f64> {
        let mut order: Vec<(usize, f64)> = ps.iter().copied().enumerate().collect();
        order.sort_by(|a, b| a.1.total_cmp(&b.1));
        // As a float: family sizes are far below 2^53.
        let m = ps.len() as f64;
        let mut adjusted = vec![1.0; ps.len()];
        let mut set = |i: usize, p: f64| {
            if let Some(slot) = adjusted.get_mut(i) {
                *slot = p;
            }
        };
        match self {
            Adjustment::Holm => {
                let mut running = 0.0f64;
                for (rank, &(i, p)) in order.iter().enumerate() {
                    let factor = m - rank as f64;
                    running = running.max((factor * p).min(1.0));
                    set(i, running);
                }
            }
            Adjustment::Bh => {
                let mut running = 1.0f64;
                for (rank, &(i, p)) in order.iter().enumerate().rev() {
                    let j = (rank + 1) as f64;
                    running = running.min((m / j * p).min(1.0));
                    set(i, running);
                }
            }
        }
        adjusted
    }
}

/// The one-sided p-value below which a regression is significant: `1 - Phi(1.96)`.
pub fn alpha() -> f64 {
    upper_tail(Z_95)
}

/// The upper tail of the standard normal distribution, `1 - Phi(z)`, to about 1e-7
/// (the Chebyshev fit of `erfc` in Numerical Recipes, 2nd ed., section 6.2), scaled so that it
/// is exactly 0.5 at 0 and exact at the infinities. It decreases in `z`, so
/// `upper_tail(z) < upper_tail(Z_95)` when `z > Z_95`.
pub fn upper_tail(z: f64) -> f64 {
    let half = 0.5 * erfc_fit(z.abs() / std::f64::consts::SQRT_2) / erfc_fit(0.0);
    if z >= 0.0 {
        half
    } else {
        // NaN falls here too, and stays NaN.
        1.0 - half
    }
}

/// `erfc(z)` for `z >= 0`.
fn erfc_fit(z: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    t * poly.exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn one_item_per_cluster_is_the_sample_deviation_over_root_n() {
        // 1, 0, 1, 1: mean 0.75, sample variance 0.25, se = 0.5 / 2.
        let scores = [1.0, 0.0, 1.0, 1.0];
        let se = clustered_stderr(&scores, Clusters::Of(&[0, 1, 2, 3]));
        assert!(se.is_some_and(|se| close(se, 0.25, 1e-12)), "{se:?}");
        assert_eq!(se, clustered_stderr(&scores, Clusters::Singletons));
    }

    #[test]
    fn clusters_sum_their_deviations_before_squaring() {
        // Mean 0.5; clusters {1, 1} and {0, 0}: sums 1 and -1; 2/1 * 2 / 16 = 0.25; se 0.5.
        let se = clustered_stderr(&[1.0, 1.0, 0.0, 0.0], Clusters::Of(&[0, 0, 1, 1]));
        assert!(se.is_some_and(|se| close(se, 0.5, 1e-12)), "{se:?}");
    }

    #[test]
    fn fewer_than_two_clusters_have_no_standard_error() {
        assert_eq!(clustered_stderr(&[1.0, 0.0], Clusters::Of(&[0, 0])), None);
        assert_eq!(clustered_stderr(&[1.0], Clusters::Of(&[0])), None);
        assert_eq!(clustered_stderr(&[1.0], Clusters::Singletons), None);
        assert_eq!(clustered_stderr(&[], Clusters::Of(&[])), None);
    }

    #[test]
    fn a_proportion_has_the_wilson_interval() {
        // 48/50: center 0.998416 / 1.076832, half 1.96 / 1.076832 * sqrt(0.00115216).
        let (p, se, (low, high)) = proportion(48, 50).unwrap_or_default();
        assert!(close(p, 0.96, 1e-12));
        assert!(close(se, (0.96f64 * 0.04 / 50.0).sqrt(), 1e-12));
        assert!(close(low, 0.865_396_6, 1e-6), "{low}");
        assert!(close(high, 0.988_961_3, 1e-6), "{high}");
        // 40/40 is not [1, 1].
        let (p, se, (low, high)) = proportion(40, 40).unwrap_or_default();
        assert_eq!((p, se, high), (1.0, 0.0, 1.0));
        assert!(close(low, 0.912_375_5, 1e-6), "{low}");
        assert_eq!(proportion(0, 0), None);
    }

    #[test]
    fn items_needed_grow_with_the_square_of_the_ratio() {
        // Ratios exact in binary: 100 * 1.5^2 = 225; 100 * 0.5^2 = 25; 3 * (1/4)^2 rounds up.
        assert_eq!(n_needed(100, 0.75, 0.5), Some(225.0));
        assert_eq!(n_needed(100, 0.125, 0.25), Some(25.0));
        assert_eq!(n_needed(3, 0.25, 1.0), Some(1.0));
        assert_eq!(n_needed(100, 0.01, 0.0), None);
        assert_eq!(n_needed(100, 0.01, -1.0), None);
        assert!(close(mde(0.01), 0.028_016_212_335_729_14, 1e-15));
    }

    #[test]
    fn holm_multiplies_by_the_count_left_and_never_decreases() {
        // Sorted 0.01, 0.02, 0.04 of 3: 0.03, 0.04, 0.04 (monotone, not 0.04 then 0.04).
        let adj = Adjustment::Holm.adjust(&[0.04, 0.01, 0.02]);
        let want = [0.04, 0.03, 0.04];
        assert!(
            adj.iter().zip(want).all(|(a, b)| close(*a, b, 1e-12)),
            "{adj:?}"
        );
        // The conformance example's numbers: 3 * 0.00135, 2 * 0.0179, 0.5; capped at 1.
        let adj = Adjustment::Holm.adjust(&[0.5, 0.00135, 0.0179, 0.9]);
        let want = [1.0, 0.0054, 0.0537, 1.0];
        assert!(
            adj.iter().zip(want).all(|(a, b)| close(*a, b, 1e-12)),
            "{adj:?}"
        );
    }

    #[test]
    fn bh_scales_by_m_over_rank_from_the_top() {
        // Sorted 0.01, 0.03, 0.04 of 3: 0.03, min(0.045, 0.04) = 0.04, 0.04.
        let adj = Adjustment::Bh.adjust(&[0.04, 0.01, 0.03]);
        let want = [0.04, 0.03, 0.04];
        assert!(
            adj.iter().zip(want).all(|(a, b)| close(*a, b, 1e-12)),
            "{adj:?}"
        );
        assert!(Adjustment::Bh.adjust(&[]).is_empty());
        assert_eq!(Adjustment::Bh.adjust(&[0.7]), [0.7]);
    }

    #[test]
    fn the_upper_tail_matches_tables() {
        assert_eq!(upper_tail(0.0), 0.5);
        assert!(close(upper_tail(Z_95), 0.024_997_9, 1e-7));
        assert!(close(upper_tail(-Z_95), 1.0 - 0.024_997_9, 1e-7));
        assert!(close(upper_tail(3.0), 0.001_349_9, 1e-7));
        assert_eq!(upper_tail(f64::INFINITY), 0.0);
        assert_eq!(upper_tail(f64::NEG_INFINITY), 1.0);
    }

    #[test]
    fn the_upper_tail_decreases() {
        let mut last = 1.0;
        for i in -400..=400 {
            let p = upper_tail(f64::from(i) / 100.0);
            assert!(p <= last, "at {i}");
            last = p;
        }
    }
}
