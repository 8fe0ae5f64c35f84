//! Evaluation: a compiled policy and a bound bundle at one instant → an [`Evaluation`].

mod bind;
mod decide;
mod direction;
pub mod explain;
mod expr;
mod fast;
mod metric;
mod plan;
mod rules;
pub mod value;

use crate::compile::Program;
use crate::evidence::Bundle;
use crate::levels::Outcome;
use crate::outcome::{Evaluation, Now, PolicyInfo};

pub use bind::glob_match;
pub use decide::{BoundEvidence, Decider, Decision, RuleVerdict};
pub use plan::Plan;
use value::MissingKey;

/// Evaluate every rule of `program` on `bundle` at `now`.
pub fn evaluate(program: &Program, policy: PolicyInfo, bundle: &Bundle, now: Now) -> Evaluation {
    evaluate_planned(program, &Plan::new(program), policy, bundle, now)
}

/// [`evaluate`] with the program's plan made ahead of time. Each rule goes through the fast
/// path first; only rules that met an unknown are evaluated again to name the missing keys,
/// and only rules that did not pass get their message rendered.
pub fn evaluate_planned(
    program: &Program,
    plan: &Plan,
    policy: PolicyInfo,
    bundle: &Bundle,
    now: Now,
) -> Evaluation {
    let bound = bind::bind(program, plan, bundle, now.value);
    let ev = expr::Evaluator::new(program, bundle, &bound);
    let fast = fast::Fast::new(&ev);

    // What loading noticed, then directions the evidence states against the policy's.
    let mut warnings = bundle.warnings.clone();
    if states_nothing(bundle) {
        // Valid (no flags is an empty list), but what a broken export step writes: say so.
        warnings.push(
            "the evidence bundle is empty: no metrics, flags, sign-offs or waivers".to_string(),
        );
    }
    warnings.extend(direction::warnings(program, bundle, &bound));
    let mut valid = Vec::new();
    for waiver in &bundle.waivers {
        match rules::waiver_problem(waiver, &program.rules, now.value) {
            Some(problem) => warnings.push(problem),
            None => valid.push(waiver),
        }
    }

    let key_name = |key: MissingKey| missing_key_name(program, bundle, key);
    let mut results = Vec::with_capacity(program.rules.len());
    for (rule, planned) in program.rules.iter().zip(&plan.rules) {
        let verdict = fast.rule_verdict(plan, planned, rule);
        results.push(rules::evaluate_rule(
            &ev, verdict, rule, &valid, now.value, &key_name,
        ));
    }
    let decision = results
        .iter()
        .map(|r| r.outcome)
        .max()
        .unwrap_or(Outcome::Pass);

    Evaluation {
        policy,
        evidence: bundle.files.clone(),
        candidate: bundle.candidate.clone(),
        baseline: bundle.baseline.clone(),
        now,
        decision,
        rules: results,
        warnings,
    }
}

fn states_nothing(bundle: &Bundle) -> bool {
    bundle.metrics.is_empty()
        && bundle.flags.is_empty()
        && bundle.signoffs.is_empty()
        && bundle.waivers.is_empty()
}

/// The evidence key a report names for an unknown.
fn missing_key_name(program: &Program, bundle: &Bundle, key: MissingKey) -> String {
    let metric_key = |i: u32| {
        program
            .metrics
            .get(i as usize)
            .map_or("?", |m| m.key.as_str())
    };
    let bundle_key = |i: u32| {
        bundle
            .metrics
            .get_index(i as usize)
            .map_or("?", |(k, _)| k.as_str())
    };
    match key {
        MissingKey::Metric(i) => metric_key(i).to_string(),
        MissingKey::MetricField(i, field) => format!("{}.{field}", metric_key(i)),
        MissingKey::EvidenceField(i, field) => format!("{}.{field}", bundle_key(i)),
        MissingKey::Family(i) => program
            .families
            .get(i as usize)
            .map_or_else(|| "?".to_string(), |f| f.glob.clone()),
        MissingKey::Stage => "stage".to_string(),
        MissingKey::FlagField(i, field) => {
            let id = bundle
                .flags
                .get(i as usize)
                .and_then(|f| f.id())
                .map_or_else(|| format!("flags[{i}]"), str::to_string);
            format!("{id}.{}", field.name())
        }
        MissingKey::DivisionByZero => "(division by zero)".to_string(),
        MissingKey::Overflow => "(number too large)".to_string(),
        MissingKey::IllTyped => "(internal: ill-typed value)".to_string(),
    }
}
