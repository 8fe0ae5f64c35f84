//! The derived quantities of one metric (LANGUAGE.md section 4, metric functions).
//! A quantity that needs an absent field reports which field, so the caller can name the key.

use crate::builtins::MetricField;
use crate::evidence::{Bundle, Metric, Paired, Samples};
use crate::levels::Direction;
use crate::stats::{self, Z_95};

/// Why a quantity could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// The named field is absent from the evidence.
    Field(&'static str),
    /// The computation divided by zero.
    DivisionByZero,
    /// The result is too large for a number (evidence near ±1.8e308, or a tiny baseline
    /// under a relative change): no honest value exists.
    Overflow,
    /// Fewer than 2 paired items, or clusters, for a statistic of per-item scores.
    TooFew,
    /// An effect size that is not positive.
    NotPositive,
}

/// A number or a boolean quantity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quantity {
    Number(f64),
    Bool(bool),
}

fn baseline(m: &Metric) -> Result<f64, Gap> {
    m.baseline().ok_or(Gap::Field("baseline"))
}

/// Regression: positive when the value got worse than the baseline.
fn regression(m: &Metric, direction: Option<Direction>) -> Result<f64, Gap> {
    let b = baseline(m)?;
    Ok(match direction {
        Some(Direction::HigherIsBetter) => b - m.value(),
        // The checker only lets direction-free metrics reach direction-free quantities.
        Some(Direction::LowerIsBetter) | None => m.value() - b,
    })
}

fn relative(x: f64, base: f64) -> Result<f64, Gap> {
    if base == 0.0 {
        Err(Gap::DivisionByZero)
    } else {
        Ok(x / base.abs())
    }
}

/// Standard error from `stderr`, else from the interval's half-width.
fn standard_error(
    stderr: Option<f64>,
    ci: Option<(f64, f64)>,
    field: &'static str,
) -> Result<f64, Gap> {
    stderr
        .or_else(|| ci.map(|(low, high)| (high - low) / 2.0 / Z_95))
        .ok_or(Gap::Field(field))
}

pub(super) fn interval(m: &Metric) -> Result<(f64, f64), Gap> {
    if let Some(ci) = m.ci() {
        return Ok(ci);
    }
    let se = m.stderr().ok_or(Gap::Field("ci"))?;
    Ok((m.value() - Z_95 * se, m.value() + Z_95 * se))
}

/// How the regression test compared the metric (STATISTICS.md section 4).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    /// Candidate minus baseline item by item, over `pairs` items in `clusters` clusters.
    Paired { pairs: u64, clusters: u64 },
    /// Two independent standard errors.
    Unpaired,
}

/// The regression test of one metric: the regression `r` (positive when worse), its standard
/// error, and `z = r / se` (by the sign of `r` when `se` is 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Test {
    pub method: Method,
    pub r: f64,
    pub se: f64,
    pub z: f64,
}

impl Test {
    /// The one-sided p-value of a regression, `1 - Phi(z)`.
    pub fn pvalue(&self) -> f64 {
        stats::upper_tail(self.z)
    }

    /// The items the test rests on: the paired items, or the candidate's `n` for the
    /// unpaired test.
    pub fn items(&self, m: &Metric) -> Option<u64> {
        match self.method {
            Method::Paired { pairs, .. } => Some(pairs),
            Method::Unpaired => m.n(),
        }
    }
}

/// The one regression test every significance function uses: paired when at least 2 items
/// have scores on both sides, else unpaired.
pub fn regression_test(
    m: &Metric,
    samples: Option<&Samples>,
    direction: Option<Direction>,
) -> Result<Test, Gap> {
    let paired = samples.map(Samples::paired).filter(|p| p.pairs >= 2);
    let (method, r, se) = match paired {
        Some(p) => {
            let d = p.delta.ok_or(Gap::TooFew)?;
            let r = match direction {
                Some(Direction::HigherIsBetter) => -d,
                Some(Direction::LowerIsBetter) | None => d,
            };
            let method = Method::Paired {
                pairs: p.pairs,
                clusters: p.clusters,
            };
            (method, r, p.stderr.ok_or(Gap::TooFew)?)
        }
        None => {
            let r = regression(m, direction)?;
            let se_v = standard_error(m.stderr(), m.ci(), "stderr")?;
            let se_b = standard_error(m.baseline_stderr(), m.baseline_ci(), "baseline_stderr")?;
            // `hypot` does not overflow where the squares would.
            (Method::Unpaired, r, se_v.hypot(se_b))
        }
    };
    if !(r.is_finite() && se.is_finite()) {
        return Err(Gap::Overflow);
    }
    // With no sampling error the sign of the regression decides: identical answers on every
    // item are neither worse nor better.
    let z = if se == 0.0 {
        if r > 0.0 {
            f64::INFINITY
        } else if r < 0.0 {
            f64::NEG_INFINITY
        } else {
            0.0
        }
    } else {
        r / se
    };
    Ok(Test { method, r, se, z })
}

/// `n_needed(m, effect)` (STATISTICS.md section 5): the items the regression test needs for
/// its minimum detectable regression to reach `effect`.
pub fn items_needed(
    m: &Metric,
    samples: Option<&Samples>,
    direction: Option<Direction>,
    effect: f64,
) -> Result<Quantity, Gap> {
    if effect.is_nan() || effect <= 0.0 {
        return Err(Gap::NotPositive);
    }
    let test = regression_test(m, samples, direction)?;
    let items = test.items(m).ok_or(Gap::Field("n"))?;
    stats::n_needed(items, stats::mde(test.se), effect)
        .map(Quantity::Number)
        .ok_or(Gap::Overflow)
}

/// The paired comparison of a metric's samples; unknown without both sides.
fn paired(samples: Option<&Samples>) -> Result<Paired, Gap> {
    let samples = samples.ok_or(Gap::Field("samples"))?;
    if samples.candidate().is_none() {
        return Err(Gap::Field("samples.candidate"));
    }
    if samples.baseline().is_none() {
        return Err(Gap::Field("samples.baseline"));
    }
    Ok(samples.paired())
}

/// The metric's samples when `field` reads them; `None` otherwise, so that the other
/// quantities pay no lookup.
pub fn samples_for<'b>(bundle: &'b Bundle, key: &str, field: MetricField) -> Option<&'b Samples> {
    if field.reads_samples() && !bundle.samples.is_empty() {
        bundle.samples.get(key)
    } else {
        None
    }
}

/// A derived quantity of one metric. Every quantity is finite or unknown: a non-finite
/// intermediate or result is [`Gap::Overflow`], never a number a rule could pass on.
pub fn quantity(
    m: &Metric,
    samples: Option<&Samples>,
    direction: Option<Direction>,
    field: MetricField,
) -> Result<Quantity, Gap> {
    match computed(m, samples, direction, field)? {
        Quantity::Number(x) if !x.is_finite() => Err(Gap::Overflow),
        q => Ok(q),
    }
}

fn computed(
    m: &Metric,
    samples: Option<&Samples>,
    direction: Option<Direction>,
    field: MetricField,
) -> Result<Quantity, Gap> {
    use Quantity::{Bool, Number};
    Ok(match field {
        MetricField::Value => Number(m.value()),
        MetricField::Baseline => Number(baseline(m)?),
        MetricField::Delta => Number(m.value() - baseline(m)?),
        MetricField::RelDelta => {
            let b = baseline(m)?;
            Number(relative(m.value() - b, b)?)
        }
        MetricField::Regression => Number(regression(m, direction)?),
        MetricField::Improvement => Number(-regression(m, direction)?),
        MetricField::RelRegression => Number(relative(regression(m, direction)?, baseline(m)?)?),
        MetricField::Lower => Number(interval(m)?.0),
        MetricField::Upper => Number(interval(m)?.1),
        MetricField::Worst => {
            let (low, high) = interval(m)?;
            Number(match direction {
                Some(Direction::HigherIsBetter) => low,
                _ => high,
            })
        }
        MetricField::N => Number(m.n().ok_or(Gap::Field("n"))? as f64),
        MetricField::Stderr => Number(standard_error(m.stderr(), m.ci(), "stderr")?),
        // By the p-value, so that `significantly_worse(m)` is exactly `pvalue(m) < ALPHA`
        // (z > 1.96 but for the last bits of a float, where the two could part).
        MetricField::SignificantlyWorse => {
            Bool(regression_test(m, samples, direction)?.pvalue() < stats::alpha())
        }
        MetricField::SignificantlyBetter => {
            Bool(stats::upper_tail(-regression_test(m, samples, direction)?.z) < stats::alpha())
        }
        // A family's adjustment is applied by the evaluator, which knows the family.
        MetricField::Pvalue | MetricField::RawPvalue => {
            Number(regression_test(m, samples, direction)?.pvalue())
        }
        MetricField::Mde => Number(stats::mde(regression_test(m, samples, direction)?.se)),
        MetricField::PairedDelta => Number(paired(samples)?.delta.ok_or(Gap::TooFew)?),
        MetricField::PairedStderr => Number(paired(samples)?.stderr.ok_or(Gap::TooFew)?),
        // As a float: item counts are far below 2^53.
        MetricField::Pairs => Number(paired(samples)?.pairs as f64),
        MetricField::Unpaired => Number(paired(samples)?.unpaired as f64),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use indexmap::IndexMap;

    use super::*;

    fn scores(values: &[f64]) -> IndexMap<String, f64> {
        values
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("q{i}"), *s))
            .collect()
    }

    fn number(q: Result<Quantity, Gap>) -> f64 {
        match q {
            Ok(Quantity::Number(x)) => x,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_paired_test_is_used_when_items_pair() {
        // d = c - b = [-1, 0, 0, 0]: mean -0.25, sd 0.5, se 0.25; higher is better, so
        // r = 0.25 and z = 1.
        let samples = Samples::new(
            Some(scores(&[0.0, 1.0, 1.0, 0.0])),
            Some(scores(&[1.0, 1.0, 1.0, 0.0])),
            IndexMap::new(),
        );
        let m = Metric::new(0.5, 0);
        let up = Some(Direction::HigherIsBetter);
        let test = regression_test(&m, Some(&samples), up).unwrap();
        assert_eq!(
            test.method,
            Method::Paired {
                pairs: 4,
                clusters: 4
            }
        );
        assert_eq!((test.r, test.se, test.z), (0.25, 0.25, 1.0));
        let p = number(quantity(&m, Some(&samples), up, MetricField::Pvalue));
        assert!((p - 0.158_655_25).abs() < 1e-7, "{p}");
        let mde = number(quantity(&m, Some(&samples), up, MetricField::Mde));
        assert!((mde - 0.25 * 2.801_621_233_572_914).abs() < 1e-12, "{mde}");
        assert_eq!(
            number(quantity(&m, Some(&samples), up, MetricField::PairedDelta)),
            -0.25
        );
    }

    #[test]
    fn without_pairs_the_unpaired_test_is_used() {
        let mut m = Metric::new(0.5, 0);
        m.set_baseline(Some(0.8));
        m.set_stderr(Some(0.03));
        m.set_baseline_stderr(Some(0.04));
        let test = regression_test(&m, None, Some(Direction::HigherIsBetter)).unwrap();
        assert_eq!(test.method, Method::Unpaired);
        assert!((test.z - 6.0).abs() < 1e-9, "{}", test.z);
    }

    #[test]
    fn a_zero_standard_error_is_decided_by_the_sign() {
        let same = Samples::new(
            Some(scores(&[1.0, 0.0])),
            Some(scores(&[1.0, 0.0])),
            IndexMap::new(),
        );
        let m = Metric::new(0.5, 0);
        let up = Some(Direction::HigherIsBetter);
        assert_eq!(
            quantity(&m, Some(&same), up, MetricField::SignificantlyWorse),
            Ok(Quantity::Bool(false))
        );
        assert_eq!(
            quantity(&m, Some(&same), up, MetricField::SignificantlyBetter),
            Ok(Quantity::Bool(false))
        );
        assert_eq!(
            number(quantity(&m, Some(&same), up, MetricField::Pvalue)),
            0.5
        );
        let lost = Samples::new(
            Some(scores(&[0.0, 0.0])),
            Some(scores(&[1.0, 1.0])),
            IndexMap::new(),
        );
        assert_eq!(
            quantity(&m, Some(&lost), up, MetricField::SignificantlyWorse),
            Ok(Quantity::Bool(true))
        );
        assert_eq!(
            number(quantity(&m, Some(&lost), up, MetricField::Pvalue)),
            0.0
        );
    }

    #[test]
    fn paired_functions_name_what_is_missing() {
        let m = Metric::new(0.5, 0);
        assert_eq!(
            quantity(&m, None, None, MetricField::Pairs),
            Err(Gap::Field("samples"))
        );
        let one_side = Samples::new(Some(scores(&[1.0])), None, IndexMap::new());
        assert_eq!(
            quantity(&m, Some(&one_side), None, MetricField::Unpaired),
            Err(Gap::Field("samples.baseline"))
        );
        let one_pair = Samples::new(
            Some(scores(&[1.0, 0.0])),
            Some(scores(&[1.0])),
            IndexMap::new(),
        );
        assert_eq!(
            number(quantity(&m, Some(&one_pair), None, MetricField::Pairs)),
            1.0
        );
        assert_eq!(
            number(quantity(&m, Some(&one_pair), None, MetricField::Unpaired)),
            1.0
        );
        assert_eq!(
            quantity(&m, Some(&one_pair), None, MetricField::PairedDelta),
            Err(Gap::TooFew)
        );
    }
}
