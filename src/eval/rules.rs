//! Rule results and waivers (LANGUAGE.md section 5, EVIDENCE.md Waivers). Whether a waiver
//! applies is decided here, once, for the report and the decider alike.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::compile::ir::{MessagePart, Rule};
use crate::evidence::Waiver;
use crate::levels::Outcome;
use crate::outcome::{AppliedWaiver, RuleResult, Status, TestFacts};
use crate::suggest::closest;
use crate::trust::{refusal_warning, Refusal, Verified};

use super::expr::{Element, Evaluator, Verdict};
use super::record::Record;
use super::value::{Missing, MissingKey};

/// Why a waiver in the bundle does not apply to its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaiverProblem {
    /// Its signature does not count (TRUST.md section 3).
    Refused(Refusal),
    NoSuchRule,
    NotWaivable,
    RoleMayNotWaive,
    Expired,
}

/// The rule `waiver` sets aside at `now`, or why it sets none aside.
pub fn waived_rule<'r>(
    waiver: &Waiver,
    verdict: &Verified,
    rules: &'r [Rule],
    now: DateTime<Utc>,
) -> Result<(usize, &'r Rule), WaiverProblem> {
    if let Err(refusal) = verdict {
        return Err(WaiverProblem::Refused(*refusal));
    }
    let (index, rule) = rules
        .iter()
        .enumerate()
        .find(|(_, r)| r.id == waiver.rule)
        .ok_or(WaiverProblem::NoSuchRule)?;
    if rule.waivable_by.is_empty() {
        return Err(WaiverProblem::NotWaivable);
    }
    if !rule.waivable_by.contains(&waiver.role) {
        return Err(WaiverProblem::RoleMayNotWaive);
    }
    if waiver.expired_at(now) {
        return Err(WaiverProblem::Expired);
    }
    Ok((index, rule))
}

/// A valid waiver sets aside only a rule that would have counted (an outcome above `pass`).
pub fn sets_aside(outcome: Outcome) -> bool {
    outcome > Outcome::Pass
}

/// The warning for a waiver that does not apply.
pub fn waiver_warning(
    waiver: &Waiver,
    file: Option<&str>,
    problem: WaiverProblem,
    rules: &[Rule],
) -> String {
    let rule = &waiver.rule;
    match problem {
        WaiverProblem::Refused(refusal) => {
            refusal_warning(&format!("waiver for {rule}"), file, waiver, refusal)
        }
        WaiverProblem::NoSuchRule => format!(
            "waiver for {rule} ignored: no rule has that id{}",
            hint(closest(rule, rules.iter().map(|r| r.id.as_str())))
        ),
        WaiverProblem::NotWaivable => {
            format!("waiver for {rule} ignored: the rule is not waivable (it has no `waivable by`)")
        }
        WaiverProblem::RoleMayNotWaive => {
            let roles: &[String] = rules
                .iter()
                .find(|r| &r.id == rule)
                .map_or(&[], |r| r.waivable_by.as_slice());
            format!(
                "waiver for {rule} ignored: role {} may not waive it (waivable by {}){}",
                waiver.role,
                roles.join(", "),
                hint(closest(&waiver.role, roles.iter().map(String::as_str)))
            )
        }
        WaiverProblem::Expired => format!(
            "waiver for {rule} ignored: expired at {}",
            waiver.expires.at.to_rfc3339_opts(SecondsFormat::Secs, true)
        ),
    }
}

/// `: did you mean `x`?` after a warning, when a near miss was found.
fn hint(near: Option<&str>) -> String {
    near.map_or_else(String::new, |n| format!(": did you mean `{n}`?"))
}

/// A rule's result from its verdict: the first valid waiver for it (in bundle order) sets it
/// aside, and a rule that did not pass gets its message rendered.
pub(super) fn result<'a, R: Record>(
    ev: &Evaluator<'a, R>,
    rule: &'a Rule,
    verdict: Verdict<Missing>,
    waiver: Option<&Waiver>,
    key_name: &dyn Fn(MissingKey) -> String,
    tests: Vec<TestFacts>,
) -> RuleResult {
    let waiver = waiver.filter(|_| sets_aside(verdict.outcome));
    let message = match (&rule.message, verdict.status) {
        (Some(parts), status) if status != Status::Passed => Some(render_message(ev, parts)),
        _ => None,
    };
    let (outcome, status, waiver) = match waiver {
        Some(w) => (
            Outcome::Pass,
            Status::Waived,
            Some(AppliedWaiver {
                role: w.role.clone(),
                by: w.by.clone(),
                reason: w.reason.clone(),
                expires: w.expires.at,
                would_be: verdict.outcome,
            }),
        ),
        None => (verdict.outcome, verdict.status, None),
    };
    RuleResult {
        id: rule.id.clone(),
        title: rule.title.clone(),
        outcome,
        status,
        message,
        missing: verdict
            .unknown
            .unwrap_or_default()
            .into_iter()
            .map(key_name)
            .collect(),
        waiver,
        location: rule.location.clone(),
        tests,
    }
}

fn render_message<'a, R: Record>(ev: &Evaluator<'a, R>, parts: &'a [MessagePart]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            MessagePart::Text(t) => out.push_str(t),
            MessagePart::Value(e) => match ev.eval(e, Element::None) {
                Ok(v) => out.push_str(&v.to_string()),
                Err(_) => out.push_str("unknown"),
            },
        }
    }
    out
}
