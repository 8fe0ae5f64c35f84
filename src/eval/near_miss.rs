//! Warnings for evidence that almost met the policy: a typo in an evidence key or a role
//! turns a rule into "missing evidence" or a plain block without a word, so the evaluation
//! says what it saw. Also which metrics the policy reads lack the baseline that baseline
//! files were given for.

use crate::compile::Program;
use crate::evidence::{Bundle, Role};
use crate::suggest::closest;

use super::bind::Bound;

/// Every near miss, in a stable order: metric keys, then sign-off roles, then baselines.
pub(crate) fn warnings(program: &Program, bundle: &Bundle, bound: &Bound) -> Vec<String> {
    let mut out = Vec::new();
    keys(program, bundle, bound, &mut out);
    roles(program, bundle, bound, &mut out);
    baselines(bundle, bound, &mut out);
    out
}

/// An evidence key no metric or family reads, close to a key the policy reads and did not find.
fn keys(program: &Program, bundle: &Bundle, bound: &Bound, out: &mut Vec<String>) {
    let missing: Vec<(&str, &str)> = program
        .metrics
        .iter()
        .zip(&bound.metrics)
        .filter(|(_, index)| index.is_none())
        .map(|(slot, _)| (slot.key.as_str(), slot.name.as_str()))
        .collect();
    if missing.is_empty() {
        return;
    }
    let read = read_by_policy(bundle, bound);
    let unread: Vec<&str> = (bundle.metrics.keys().zip(&read))
        .filter(|(_, is_read)| !**is_read)
        .map(|(k, _)| k.as_str())
        .collect();
    for (key, name) in missing {
        if let Some(near) = closest(key, unread.iter().copied()) {
            out.push(format!(
                "the evidence has no `{key}` (metric {name}), but has `{near}`, which no metric \
                 reads: did you mean `{near}`?"
            ));
        }
    }
}

/// A sign-off whose role the policy never asks for, close to a role it asks for and did not get.
fn roles(program: &Program, bundle: &Bundle, bound: &Bound, out: &mut Vec<String>) {
    let unsigned: Vec<&str> = program
        .roles
        .iter()
        .zip(&bound.signed)
        .filter(|(_, signed)| !**signed)
        .map(|(role, _)| role.as_str())
        .collect();
    for signoff in &bundle.signoffs {
        if program.roles.contains(&signoff.role) {
            continue;
        }
        if let Some(near) = closest(&signoff.role, unsigned.iter().copied()) {
            out.push(format!(
                "sign-off by {} is for role `{}`, which the policy never asks for: did you mean \
                 `{near}`?",
                signoff.by, signoff.role
            ));
        }
    }
}

/// With baseline files given: each metric the policy reads that got no baseline from them,
/// and one line for the metrics it does not read.
fn baselines(bundle: &Bundle, bound: &Bound, out: &mut Vec<String>) {
    if !bundle.files.iter().any(|f| f.role == Role::Baseline) {
        return;
    }
    let read = read_by_policy(bundle, bound);
    let mut unread = 0usize;
    for ((key, metric), is_read) in bundle.metrics.iter().zip(&read) {
        if metric.baseline().is_some() {
            continue;
        }
        if !is_read {
            unread += 1;
            continue;
        }
        let file = bundle
            .files
            .get(metric.file())
            .map_or("?", |f| f.path.as_str());
        out.push(format!(
            "metric `{key}` (from {file}) has no baseline in the baseline files"
        ));
    }
    if unread > 0 {
        let metrics = if unread == 1 { "metric" } else { "metrics" };
        out.push(format!(
            "{unread} other {metrics} without a baseline in the baseline files; the policy does \
             not read them"
        ));
    }
}

/// Per bundle metric, whether a metric or a family of the policy reads it, as binding found.
fn read_by_policy(bundle: &Bundle, bound: &Bound) -> Vec<bool> {
    let mut read = vec![false; bundle.metrics.len()];
    let bound_indices = bound.metrics.iter().flatten();
    for &i in bound_indices.chain(bound.families.iter().flatten()) {
        if let Some(r) = read.get_mut(i as usize) {
            *r = true;
        }
    }
    read
}
