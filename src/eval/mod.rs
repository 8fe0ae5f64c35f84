//! Evaluation: a compiled policy and a bound bundle at one instant → an [`Evaluation`].

mod adjust;
mod bind;
mod decide;
mod direction;
pub mod explain;
mod expr;
mod logic;
mod metric;
mod near_miss;
mod plan;
pub mod plotted;
mod power;
mod record;
mod rules;
mod tests_read;
pub mod value;

use std::cell::OnceCell;

use crate::compile::Program;
use crate::evidence::{Bundle, Waiver};
use crate::levels::Outcome;
use crate::outcome::{Evaluation, Now, PolicyInfo};

pub use bind::glob_match;
pub use decide::{BoundEvidence, Decider, Decision, RuleVerdict};
use expr::{Evaluator, Verdict};
pub use plan::Plan;
use record::{Decide, Report};
use value::MissingKey;

/// Evaluate every rule of `program` on `bundle` at `now`.
pub fn evaluate(program: &Program, policy: PolicyInfo, bundle: &Bundle, now: Now) -> Evaluation {
    evaluate_planned(program, &Plan::new(program), policy, bundle, now)
}

/// [`evaluate`] with the program's plan made ahead of time. Each rule is decided as the
/// [`Decider`] decides it; only a rule that met an unknown is evaluated again, recording the
/// missing keys, and only rules that did not pass get their message rendered.
pub fn evaluate_planned(
    program: &Program,
    plan: &Plan,
    policy: PolicyInfo,
    bundle: &Bundle,
    now: Now,
) -> Evaluation {
    let bound = bind::bind(program, plan, bundle, now.value);
    let decider = Evaluator::<Decide>::new(program, bundle, &bound);
    // Built only when some rule met an unknown.
    let reporter = OnceCell::new();

    // What loading noticed, then directions the evidence states against the policy's.
    let mut warnings = bundle.warnings.clone();
    if states_nothing(bundle) {
        // Valid (no flags is an empty list), but what a broken export step writes: say so.
        warnings.push(
            "the evidence bundle is empty: no metrics, flags, sign-offs or waivers".to_string(),
        );
    }
    warnings.extend(direction::warnings(program, bundle, &bound));
    warnings.extend(near_miss::warnings(program, bundle, &bound));
    if program.rules.is_empty() {
        warnings.push(NO_RULES.to_string());
    }
    let file_name = |i: usize| bundle.files.get(i).map(|f| f.path.as_str());
    for (signoff, verdict) in bundle.signoffs.iter().zip(&bound.approvals.signoffs) {
        if let Err(refusal) = verdict {
            let file = file_name(signoff.file);
            warnings.push(crate::trust::refusal_warning(
                "sign-off", file, signoff, *refusal,
            ));
        }
    }
    let waivers = applicable_waivers(program, bundle, &bound, now, |w, problem| {
        let file = file_name(w.file);
        warnings.push(rules::waiver_warning(w, file, problem, &program.rules));
    });
    // What the statistics say about the policy's tests, after what is wrong with the inputs.
    warnings.extend(adjust::warnings(program, &bound.families));
    warnings.extend(power::warnings(program, bundle, &bound));

    let key_name = |key: MissingKey| missing_key_name(program, bundle, key);
    let tests_read = tests_read::TestsRead::new(program, bundle, &bound);
    let mut results = Vec::with_capacity(program.rules.len());
    for (index, rule) in program.rules.iter().enumerate() {
        let tests = plan.tests(index);
        let decided = decider.rule_verdict(tests, rule);
        let verdict = if decided.unknown.is_some() {
            reporter
                .get_or_init(|| Evaluator::<Report>::new(program, bundle, &bound))
                .rule_verdict(tests, rule)
        } else {
            Verdict {
                outcome: decided.outcome,
                status: decided.status,
                unknown: None,
            }
        };
        let waiver = waivers.get(index).copied().flatten();
        let read = tests_read.of_rule(rule);
        results.push(rules::result(
            &decider, rule, verdict, waiver, &key_name, read,
        ));
    }
    let decision = decision(results.iter().map(|r| r.outcome));
    let approvals = signed_approvals(bundle, &bound, now, &waivers);

    Evaluation {
        policy,
        evidence: bundle.files.clone(),
        candidate: bundle.candidate.clone(),
        baseline: bundle.baseline.clone(),
        now,
        decision,
        rules: results,
        warnings,
        approvals,
    }
}

/// The signed sign-offs that hold at `now` and the signed waivers that apply, with their keys.
fn signed_approvals(
    bundle: &Bundle,
    bound: &bind::Bound,
    now: Now,
    waivers: &[Option<&Waiver>],
) -> Vec<crate::outcome::SignedApproval> {
    let signoffs = (bundle.signoffs.iter().zip(&bound.approvals.signoffs))
        .filter(|(s, _)| s.holds_at(now.value))
        .filter_map(|(s, verdict)| {
            Some(crate::outcome::SignedApproval {
                rule: None,
                role: s.role.clone(),
                by: s.by.clone(),
                signer: verdict.as_ref().ok()?.clone()?,
            })
        });
    let applied = (bundle.waivers.iter().zip(&bound.approvals.waivers))
        .filter(|(w, _)| waivers.iter().flatten().any(|a| std::ptr::eq(*a, *w)))
        .filter_map(|(w, verdict)| {
            Some(crate::outcome::SignedApproval {
                rule: Some(w.rule.clone()),
                role: w.role.clone(),
                by: w.by.clone(),
                signer: verdict.as_ref().ok()?.clone()?,
            })
        });
    signoffs.chain(applied).collect()
}

/// Why a policy without rules blocks.
pub const NO_RULES: &str =
    "the policy has no rules: it would let every candidate launch, so it blocks";

/// The decision: the most severe rule outcome. A policy without rules decides nothing, so
/// it blocks: no launch passes a gate that checks nothing.
fn decision(outcomes: impl Iterator<Item = Outcome>) -> Outcome {
    outcomes.max().unwrap_or(Outcome::Block)
}

/// Per rule, the first waiver in the bundle that applies to it at `now`; `problem` hears of
/// every waiver that applies to nothing.
fn applicable_waivers<'b>(
    program: &Program,
    bundle: &'b Bundle,
    bound: &bind::Bound,
    now: Now,
    mut problem: impl FnMut(&'b Waiver, rules::WaiverProblem),
) -> Vec<Option<&'b Waiver>> {
    let mut per_rule = Vec::new();
    for (waiver, verdict) in bundle.waivers.iter().zip(&bound.approvals.waivers) {
        match rules::waived_rule(waiver, verdict, &program.rules, now.value) {
            Ok((index, _)) => {
                if per_rule.len() <= index {
                    per_rule.resize(index + 1, None);
                }
                if let Some(slot @ None) = per_rule.get_mut(index) {
                    *slot = Some(waiver);
                }
            }
            Err(p) => problem(waiver, p),
        }
    }
    per_rule
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
        MissingKey::TooFew => "(fewer than 2 paired items or clusters)".to_string(),
        MissingKey::NotPositive => "(effect not positive)".to_string(),
        MissingKey::IllTyped => "(internal: ill-typed value)".to_string(),
    }
}
