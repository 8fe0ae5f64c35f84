//! Rule outcomes, statuses and waivers (LANGUAGE.md section 5, EVIDENCE.md Waivers).

use chrono::{DateTime, SecondsFormat, Utc};

use crate::compile::ir::{MessagePart, Rule};
use crate::evidence::Waiver;
use crate::levels::Outcome;
use crate::outcome::{AppliedWaiver, RuleResult, Status};

use super::expr::{Element, Evaluator};
use super::fast::FastVerdict;
use super::value::{union, Missing, MissingKey, Value};

/// The outcome and status of a rule before waivers, with the unknown keys met.
pub(super) struct Verdict {
    pub outcome: Outcome,
    pub status: Status,
    pub missing: Missing,
}

pub(super) fn verdict<'a>(ev: &Evaluator<'a>, rule: &'a Rule) -> Verdict {
    let mut best: Option<(Outcome, Status)> = None;
    let mut missing = Missing::new();
    for clause in &rule.clauses {
        let contribution = match ev.eval(&clause.condition, Element::None) {
            Ok(Value::Bool(holds)) if holds != clause.unless => {
                Some((clause.outcome, Status::Fired))
            }
            Ok(Value::Bool(_)) => None,
            Ok(_) => {
                missing = union(missing, vec![MissingKey::IllTyped]);
                Some((rule.missing.unwrap_or(clause.outcome), Status::Missing))
            }
            Err(keys) => {
                missing = union(missing, keys);
                Some((rule.missing.unwrap_or(clause.outcome), Status::Missing))
            }
        };
        if let Some((outcome, status)) = contribution {
            best = match best {
                None => Some((outcome, status)),
                // The more severe contribution wins; at equal severity, a fired clause
                // explains the outcome better than missing evidence does.
                Some((o, _)) if outcome > o || (outcome == o && status == Status::Fired) => {
                    Some((outcome, status))
                }
                keep => keep,
            };
        }
    }
    match best {
        Some((outcome, status)) => Verdict {
            outcome,
            status,
            missing,
        },
        None => Verdict {
            outcome: Outcome::Pass,
            status: Status::Passed,
            missing,
        },
    }
}

/// A rule's result, from its verdict on the fast path: the clauses are evaluated again,
/// collecting missing keys, only when one of them was unknown.
pub(super) fn evaluate_rule<'a>(
    ev: &Evaluator<'a>,
    fast: FastVerdict,
    rule: &'a Rule,
    waivers: &[&'a Waiver],
    now: DateTime<Utc>,
    key_name: &dyn Fn(MissingKey) -> String,
) -> RuleResult {
    let v = if fast.unknown {
        verdict(ev, rule)
    } else {
        Verdict {
            outcome: fast.outcome,
            status: fast.status,
            missing: Missing::new(),
        }
    };
    result(ev, rule, v, waivers, now, key_name)
}

fn result<'a>(
    ev: &Evaluator<'a>,
    rule: &'a Rule,
    v: Verdict,
    waivers: &[&'a Waiver],
    now: DateTime<Utc>,
    key_name: &dyn Fn(MissingKey) -> String,
) -> RuleResult {
    let waiver = if v.outcome > Outcome::Pass {
        waivers
            .iter()
            .find(|w| w.rule == rule.id && rule.waivable_by.contains(&w.role) && w.expires > now)
    } else {
        None
    };
    let message = match (&rule.message, v.status) {
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
                expires: w.expires,
                would_be: v.outcome,
            }),
        ),
        None => (v.outcome, v.status, None),
    };
    RuleResult {
        id: rule.id.clone(),
        title: rule.title.clone(),
        outcome,
        status,
        message,
        missing: v.missing.into_iter().map(key_name).collect(),
        waiver,
        location: rule.location.clone(),
    }
}

fn render_message<'a>(ev: &Evaluator<'a>, parts: &'a [MessagePart]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            MessagePart::Text(t) => out.push_str(t),
            MessagePart::Value(node) => match ev.eval(node, Element::None) {
                Ok(v) => out.push_str(&v.to_string()),
                Err(_) => out.push_str("unknown"),
            },
        }
    }
    out
}

/// Why a waiver in the bundle does not apply, or `None` when it does.
pub fn waiver_problem(waiver: &Waiver, rules: &[Rule], now: DateTime<Utc>) -> Option<String> {
    let at = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let Some(rule) = rules.iter().find(|r| r.id == waiver.rule) else {
        return Some(format!(
            "waiver for {} ignored: no rule has that id",
            waiver.rule
        ));
    };
    if rule.waivable_by.is_empty() {
        return Some(format!(
            "waiver for {} ignored: the rule is not waivable (it has no `waivable by`)",
            waiver.rule
        ));
    }
    if !rule.waivable_by.contains(&waiver.role) {
        return Some(format!(
            "waiver for {} ignored: role {} may not waive it (waivable by {})",
            waiver.rule,
            waiver.role,
            rule.waivable_by.join(", ")
        ));
    }
    if waiver.expires <= now {
        return Some(format!(
            "waiver for {} ignored: expired at {}",
            waiver.rule,
            at(waiver.expires)
        ));
    }
    None
}
