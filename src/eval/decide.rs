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
use super::fast::Fast;

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

/// Decides bundles for one compiled policy, reusing its buffers from one decision to the
/// next. Make one per thread.
#[derive(Debug)]
pub struct Decider<'p> {
    program: &'p Program,
    bound: Bound,
    verdicts: Vec<RuleVerdict>,
}

impl<'p> Decider<'p> {
    pub fn new(program: &'p Program) -> Decider<'p> {
        Decider {
            program,
            bound: Bound::default(),
            verdicts: Vec::with_capacity(program.rules.len()),
        }
    }

    pub fn program(&self) -> &'p Program {
        self.program
    }

    /// Decide `bundle` at `now`.
    pub fn decide(&mut self, bundle: &Bundle, now: Now) -> Decision<'_> {
        let Decider {
            program,
            bound,
            verdicts,
        } = self;
        let program: &Program = program;
        bind_into(bound, program, bundle, now.value);
        let ev = Evaluator::new(program, bundle, bound);
        let fast = Fast::new(&ev);
        verdicts.clear();
        verdicts.extend(program.rules.iter().map(|rule| {
            let v = fast.verdict(&rule.clauses, rule.missing);
            RuleVerdict {
                outcome: v.outcome,
                status: v.status,
            }
        }));
        // A waiver applies when its rule exists, is waivable by the waiver's role, and the
        // waiver has not expired; it sets aside a rule that would have counted.
        for waiver in &bundle.waivers {
            if waiver.expires <= now.value {
                continue;
            }
            let Some((rule, verdict)) = program
                .rules
                .iter()
                .zip(verdicts.iter_mut())
                .find(|(r, _)| r.id == waiver.rule)
            else {
                continue;
            };
            if rule.waivable_by.contains(&waiver.role) && verdict.outcome > Outcome::Pass {
                *verdict = RuleVerdict {
                    outcome: Outcome::Pass,
                    status: Status::Waived,
                };
            }
        }
        let decision = verdicts
            .iter()
            .map(|v| v.outcome)
            .max()
            .unwrap_or(Outcome::Pass);
        Decision {
            decision,
            rules: verdicts,
        }
    }
}
