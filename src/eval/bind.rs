//! Binding a bundle to a compiled policy: every metric key and family glob resolved to bundle
//! indices once, so evaluation itself never looks a name up.

use chrono::{DateTime, Utc};

use crate::compile::Program;
use crate::evidence::{Bundle, Metric};
use crate::index::to_u32;
use crate::text::same;

use super::adjust::{adjust, Adjusted};
use super::metric::interval;
use super::plan::{FlagCodes, Plan};

#[derive(Debug, Clone, Default)]
pub struct Bound {
    /// Per declared metric: its index in the bundle's metrics, if present.
    pub metrics: Vec<Option<u32>>,
    /// Per declared metric: the numbers planned comparisons read, side by side in one small
    /// record rather than spread over the bundle's larger entry.
    pub views: Vec<MetricView>,
    /// Per family: the bundle metrics its glob matches, in the order of their keys (not the
    /// bundle's, which follows the order of files and of keys in a file: neither may change
    /// a report).
    pub families: Vec<Vec<u32>>,
    /// Per family, beside `families`: its members' adjusted p-values, empty when the family
    /// has no adjustment.
    pub adjusted: Vec<Vec<Adjusted>>,
    /// Per role named in `signed(…)`: whether a sign-off for it holds at `now` (and, with
    /// trust, is signed by a key trusted for it).
    pub signed: Vec<bool>,
    /// Per sign-off and waiver of the bundle: whether its signature counts (TRUST.md).
    pub approvals: crate::trust::Approvals,
    /// Per flag of the bundle, in order: its source and category as codes of the plan's
    /// texts, so that planned predicates compare integers, not strings.
    pub flag_codes: Vec<FlagCodes>,
}

/// The numbers of one metric that planned comparisons read, as lanes: a planned test reads
/// `lane(a) - lane(b)` (`value - baseline` for `delta`, `upper - 0` for `upper`), so it needs
/// no branch on the quantity. NaN stands for "the planned test cannot answer": an absent
/// metric is all NaN (but the zero lane), a metric without a baseline has a NaN baseline, one
/// with neither `ci` nor `stderr` NaN interval ends — and so is a number of magnitude 2^1022
/// or more, whose difference with another lane could overflow. Every lane that is not NaN is
/// below 2^1022, so `lane(a) - lane(b)` is NaN or finite, and a test defers to the evaluator
/// exactly when it meets NaN.
#[derive(Debug, Clone, Copy)]
pub struct MetricView {
    lanes: [f64; 5],
}

/// A lane of a [`MetricView`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Lane {
    Value,
    Baseline,
    Lower,
    Upper,
    /// Always 0.0: `x - 0.0` is `x` for every finite `x`, and NaN for NaN.
    Zero,
}

impl MetricView {
    const ABSENT: MetricView = MetricView {
        lanes: [f64::NAN, f64::NAN, f64::NAN, f64::NAN, 0.0],
    };

    fn of(m: &Metric) -> MetricView {
        // The interval ends exactly as the general path computes them (`ci`, else from
        // `stderr`): one definition, no second copy to drift.
        let (lower, upper) = interval(m).unwrap_or((f64::NAN, f64::NAN));
        let lane = |x: f64| if x.abs() < LANE_LIMIT { x } else { f64::NAN };
        MetricView {
            lanes: [
                lane(m.value()),
                lane(m.baseline().unwrap_or(f64::NAN)),
                lane(lower),
                lane(upper),
                0.0,
            ],
        }
    }

    /// One lane. (A `Lane` is below 5, so the look-up never misses.)
    #[inline(always)]
    pub fn lane(&self, lane: Lane) -> f64 {
        self.lanes.get(lane as usize).copied().unwrap_or(f64::NAN)
    }
}

/// 2^1022: two lanes below it in magnitude differ by less than `f64::MAX`.
const LANE_LIMIT: f64 = 4.49423283715579e307;

pub fn bind(program: &Program, plan: &Plan, bundle: &Bundle, now: DateTime<Utc>) -> Bound {
    let mut bound = Bound::default();
    bind_into(&mut bound, program, plan, bundle, now);
    bound
}

/// [`bind`] into buffers kept from an earlier binding, so that binding again allocates
/// nothing once they are large enough.
pub fn bind_into(
    bound: &mut Bound,
    program: &Program,
    plan: &Plan,
    bundle: &Bundle,
    now: DateTime<Utc>,
) {
    bound.metrics.clear();
    // Policies tend to declare metrics in the order bundles list them: try the bundle entry
    // after the last one found before hashing the key.
    let mut next = 0usize;
    for slot in &program.metrics {
        let index = match bundle.metrics.get_index(next) {
            Some((key, _)) if same(key, &slot.key) => Some(next),
            _ => bundle.metrics.get_index_of(&slot.key),
        };
        if let Some(i) = index {
            next = i + 1;
        }
        bound.metrics.push(index.map(to_u32));
    }
    bound.views.clear();
    bound.views.extend(bound.metrics.iter().map(|index| {
        index
            .and_then(|i| bundle.metrics.get_index(i as usize))
            .map_or(MetricView::ABSENT, |(_, m)| MetricView::of(m))
    }));

    bound.families.resize_with(program.families.len(), Vec::new);
    for (members, family) in bound.families.iter_mut().zip(&program.families) {
        members.clear();
        members.extend(
            bundle
                .metrics
                .keys()
                .enumerate()
                .filter(|(_, key)| glob_match(&family.glob, key))
                .map(|(i, _)| to_u32(i)),
        );
        let key = |i: &u32| bundle.metrics.get_index(*i as usize).map(|(k, _)| k);
        if !members.is_sorted_by_key(key) {
            members.sort_unstable_by_key(key);
        }
    }

    bound.adjusted.resize_with(program.families.len(), Vec::new);
    for ((out, family), members) in (bound.adjusted.iter_mut())
        .zip(&program.families)
        .zip(&bound.families)
    {
        adjust(family, members, bundle, out);
    }

    crate::trust::approvals(&program.trust, bundle, now, &mut bound.approvals);
    bound.signed.clear();
    let verdicts = &bound.approvals.signoffs;
    bound.signed.extend(program.roles.iter().map(|role| {
        bundle
            .signoffs
            .iter()
            .zip(verdicts)
            .any(|(s, verdict)| &s.role == role && s.holds_at(now) && verdict.is_ok())
    }));

    plan.flag_codes(&bundle.flags, &mut bound.flag_codes);
}

/// `*` matches any run of characters (dots included); everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    crate::glob::matches(pattern.as_bytes(), text.as_bytes(), b'*', None)
}
