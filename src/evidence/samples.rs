//! Metrics defined by their per-item scores (STATISTICS.md section 1): after merging, each
//! metric key in `samples` gets the fields its scores imply and `metrics` does not state.

use super::model::{Bundle, Metric, Summary};

/// How far a stated value may be from its samples' mean before it is called out.
const TOLERANCE: f64 = 1e-6;

/// Fill each sampled metric's unstated fields from its samples, and warn where a stated field
/// disagrees with them or items have no partner. A warning already in the bundle (from an
/// earlier merge of the same parts) is not repeated.
pub(crate) fn define_metrics(bundle: &mut Bundle) {
    let mut warnings = Vec::new();
    for (key, samples) in &bundle.samples {
        let candidate = samples.candidate_summary().filter(|s| s.mean.is_finite());
        let baseline = samples.baseline_summary().filter(|s| s.mean.is_finite());
        let metric = match (bundle.metrics.get_mut(key), candidate) {
            (Some(metric), _) => metric,
            (None, Some(c)) => bundle
                .metrics
                .entry(key.clone())
                .or_insert(Metric::new(c.mean, samples.file())),
            (None, None) => {
                warnings.push(format!(
                    "the per-item scores of `{key}` have no `candidate` and `metrics` has no \
                     `{key}`: the metric is not defined"
                ));
                continue;
            }
        };
        if let Some(c) = candidate {
            agree(key, "value", Some(metric.value()), c.mean, &mut warnings);
            fill_side(metric, c, Side::Candidate, key, &mut warnings);
        }
        if let Some(b) = baseline {
            if metric.baseline().is_none() {
                metric.set_baseline(Some(b.mean));
            }
            agree(key, "baseline", metric.baseline(), b.mean, &mut warnings);
            fill_side(metric, b, Side::Baseline, key, &mut warnings);
        }
        let unpaired = samples.paired().unpaired;
        if samples.candidate().is_some() && samples.baseline().is_some() && unpaired > 0 {
            let noun = if unpaired == 1 { "item" } else { "items" };
            warnings.push(format!("{unpaired} {noun} of {key} have no partner"));
        }
    }
    for warning in warnings {
        if !bundle.warnings.contains(&warning) {
            bundle.warnings.push(warning);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Candidate,
    Baseline,
}

/// A stated number that differs from its samples' mean by more than [`TOLERANCE`] is a
/// warning naming both.
fn agree(key: &str, field: &str, stated: Option<f64>, mean: f64, warnings: &mut Vec<String>) {
    if let Some(stated) = stated.filter(|s| (s - mean).abs() > TOLERANCE) {
        warnings.push(format!(
            "`{key}`: the stated {field} {stated} differs from the mean of its per-item scores \
             {mean}; the stated {field} is used"
        ));
    }
}

/// The standard error (and, for the candidate, `n`) from the samples where not stated.
fn fill_side(metric: &mut Metric, s: Summary, side: Side, key: &str, warnings: &mut Vec<String>) {
    match side {
        Side::Candidate => {
            if metric.stderr().is_none() {
                metric.set_stderr(s.stderr.filter(|x| x.is_finite()));
            }
            match metric.n() {
                None => metric.set_n(Some(s.n)),
                Some(n) if n != s.n => warnings.push(format!(
                    "`{key}`: the stated n {n} differs from its {} per-item scores; the \
                     stated n is used",
                    s.n
                )),
                Some(_) => {}
            }
        }
        Side::Baseline => {
            if metric.baseline_stderr().is_none() {
                metric.set_baseline_stderr(s.stderr.filter(|x| x.is_finite()));
            }
        }
    }
}
