//! Deciding without a report: the decision and each rule's outcome and status, for a service
//! that answers per request or a replay over many bundles. A [`Decider`] keeps its buffers
//! between decisions, so deciding again allocates nothing in the common case (a policy
//! without `let` lists or selections, and without `authors(…)`).
//!
//! The outcomes and statuses are those of [`super::evaluate`]; what is left out is the
//! report: missing keys, messages, waiver details and warnings. Evaluate to get those.

use crate::compile::Program;
use crate::evidence::Bundle;
use crate::levels::Outcome;
use crate::outcome::{Now, Status};

use super::bind::{bind_into, Bound};
use super::expr::Evaluator;
use super::plan::Plan;
use super::record::Decide;
use super::rules::{sets_aside, waived_rule};

/// One rule's outcome and status (after waivers), as in [`crate::RuleResult`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleVerdict {
    pub outcome: Outcome,
    pub status: Status,
}

/// A decision: the most severe rule outcome, and every rule's verdict in the order of
/// [`Program::rules`].
#[derive(Clone, Copy, Debug)]
pub struct Decision<'d> {
    pub decision: Outcome,
    pub rules: &'d [RuleVerdict],
}

impl<'d> Decision<'d> {
    /// Indices (into [`Program::rules`]) of the rules whose status is `fired`.
    pub fn fired(&self) -> impl Iterator<Item = usize> + 'd {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, v)| v.status == Status::Fired)
            .map(|(i, _)| i)
    }
}

/// A bundle bound to one policy at one instant: metric keys resolved to indices, family
/// globs matched, sign-offs checked. Bind once and decide as often as needed.
#[derive(Debug, Clone)]
pub struct BoundEvidence<'b> {
    bundle: &'b Bundle,
    now: Now,
    bound: Bound,
}

impl BoundEvidence<'_> {
    pub fn now(&self) -> Now {
        self.now
    }
}

/// Decides bundles for one compiled policy, reusing its buffers from one decision to the
/// next. Make one per thread.
#[derive(Debug)]
pub struct Decider<'p> {
    program: &'p Program,
    plan: &'p Plan,
    bound: Bound,
    verdicts: Vec<RuleVerdict>,
}

impl<'p> Decider<'p> {
    pub fn new(program: &'p Program, plan: &'p Plan) -> Decider<'p> {
        Decider {
            program,
            plan,
            bound: Bound::default(),
            verdicts: Vec::with_capacity(program.rules.len()),
        }
    }

    pub fn program(&self) -> &'p Program {
        self.program
    }

    /// Bind `bundle` for this decider's policy at `now`.
    pub fn bind<'b>(&self, bundle: &'b Bundle, now: Now) -> BoundEvidence<'b> {
        let mut bound = Bound::default();
        bind_into(&mut bound, self.program, self.plan, bundle, now.value);
        BoundEvidence { bundle, now, bound }
    }

    /// Bind and decide `bundle` at `now`.
    pub fn decide(&mut self, bundle: &Bundle, now: Now) -> Decision<'_> {
        bind_into(&mut self.bound, self.program, self.plan, bundle, now.value);
        run(
            self.program,
            self.plan,
            bundle,
            &self.bound,
            now,
            &mut self.verdicts,
        )
    }

    /// Decide evidence bound with [`Decider::bind`].
    pub fn decide_bound(&mut self, evidence: &BoundEvidence<'_>) -> Decision<'_> {
        run(
            self.program,
            self.plan,
            evidence.bundle,
            &evidence.bound,
            evidence.now,
            &mut self.verdicts,
        )
    }
}

fn run<'d>(
    program: &Program,
    plan: &Plan,
    bundle: &Bundle,
    bound: &Bound,
    now: Now,
    verdicts: &'d mut Vec<RuleVerdict>,
) -> Decision<'d> {
    let ev = Evaluator::<Decide>::new(program, bundle, bound);
    verdicts.clear();
    verdicts.resize(
        program.rules.len(),
        RuleVerdict {
            outcome: Outcome::Pass,
            status: Status::Passed,
        },
    );
    // A rule through the evaluator; its outcome.
    let decide = |index: usize, verdicts: &mut Vec<RuleVerdict>| {
        let (Some(rule), Some(slot)) = (program.rules.get(index), verdicts.get_mut(index)) else {
            return Outcome::Pass;
        };
        let v = ev.rule_verdict(plan.tests(index), rule);
        *slot = RuleVerdict {
            outcome: v.outcome,
            status: v.status,
        };
        v.outcome
    };
    // The commonest rules in one tight loop, then the others. A metric rule whose metric is
    // unknown goes to the evaluator like any other rule, after the loop, which so calls
    // nothing.
    let mut decision = Outcome::Pass;
    let mut deferred = false;
    for rule in &plan.metric_rules {
        match rule.verdict(bound) {
            Some((outcome, status)) => {
                decision = decision.max(outcome);
                if let Some(slot) = verdicts.get_mut(rule.rule as usize) {
                    *slot = RuleVerdict { outcome, status };
                }
            }
            None => deferred = true,
        }
    }
    if deferred {
        for rule in &plan.metric_rules {
            if rule.verdict(bound).is_none() {
                decision = decision.max(decide(rule.rule as usize, verdicts));
            }
        }
    }
    for &index in &plan.clause_rules {
        decision = decision.max(decide(index as usize, verdicts));
    }
    let mut waived = false;
    for (waiver, verdict) in bundle.waivers.iter().zip(&bound.approvals.waivers) {
        if let Ok((index, _)) = waived_rule(waiver, verdict, &program.rules, now.value) {
            if let Some(verdict) = verdicts.get_mut(index) {
                if sets_aside(verdict.outcome) {
                    *verdict = RuleVerdict {
                        outcome: Outcome::Pass,
                        status: Status::Waived,
                    };
                    waived = true;
                }
            }
        }
    }
    // A waiver lowers an outcome, so the decision is counted again; and a policy without
    // rules blocks (`super::decision`).
    if waived || verdicts.is_empty() {
        decision = super::decision(verdicts.iter().map(|v| v.outcome));
    }
    Decision {
        decision,
        rules: verdicts,
    }
}
