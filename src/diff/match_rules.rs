//! The changes inside one rule: clauses matched across versions, `missing`, `waivable by`,
//! title and message.
//!
//! A rule's outcome is the most severe contribution of its clauses, so the rule is compared
//! clause by clause. Old and new clauses are paired in passes, strictest first: identical
//! clauses; the same condition (a severity change); the same severity and the same shape of
//! condition (a threshold moved); the same shape; the same severity, in order. What is left was
//! removed (loosened) or added (tightened).
//!
//! The changes are read as steps from old to new: first the `missing` statement changes
//! (judged on the old clauses), then each clause (judged under the new `missing`). Each step's
//! effect holds whatever the others did, so steps that agree give that direction overall.

use crate::levels::Outcome;
use crate::syntax::ast::{BinaryOp, Clause, Expr, ExprKind, Rule};

use super::compare::{strip_parens, Comparer};
use super::effect::{clause_effect, Contribution, Effect};
use super::model::{clauses, message_stmt, missing_stmt, waivable_stmt, Model};
use super::summary;
use super::truth::Pairs;
use super::Change;

/// A rule that only the new version has: it can only add outcomes.
pub fn added(new: &Model<'_>, rule: &Rule) -> Change {
    Change::on_rule(
        &rule.id.name,
        Effect::Tightened,
        format!("rule added: {}", describe(new, rule)),
        None,
        Some(new.place(rule.id.span)),
    )
}

/// A rule that only the old version has: it can only have added outcomes.
pub fn removed(old: &Model<'_>, rule: &Rule) -> Change {
    Change::on_rule(
        &rule.id.name,
        Effect::Loosened,
        format!("rule removed: {}", describe(old, rule)),
        Some(old.place(rule.id.span)),
        None,
    )
}

/// What a rule does, in a few words: its clauses.
fn describe(model: &Model<'_>, rule: &Rule) -> String {
    let parts: Vec<String> = clauses(rule)
        .map(|c| summary::clause_text(model, c))
        .collect();
    summary::shorten(&parts.join("; "))
}

/// Every change inside a rule present in both versions.
pub fn rule_changes(old_m: &Model<'_>, new_m: &Model<'_>, old: &Rule, new: &Rule) -> Vec<Change> {
    let id = new.id.name.as_str();
    let mut out = Vec::new();
    let here = |model: &Model<'_>, rule: &Rule| Some(model.place(rule.id.span));
    if old_m.file_key(old.span) != new_m.file_key(new.span) {
        out.push(Change::on_rule(
            id,
            Effect::Cosmetic,
            format!(
                "rule moved from {} to {}",
                old_m.file_name(old.span),
                new_m.file_name(new.span)
            ),
            here(old_m, old),
            here(new_m, new),
        ));
    }
    if old == new {
        if old_m.text(old.span) != new_m.text(new.span) {
            out.push(Change::on_rule(
                id,
                Effect::Cosmetic,
                String::from("layout or comments changed"),
                here(old_m, old),
                here(new_m, new),
            ));
        }
        return out;
    }
    let before = out.len();
    out.extend(clause_changes(
        old_m,
        new_m,
        old,
        new,
        missing_stmt(new).map(|m| m.outcome),
    ));
    out.extend(missing(old_m, new_m, old, new));
    out.extend(waivable(old_m, new_m, old, new));
    out.extend(wording(old_m, new_m, old, new));
    if out.len() == before {
        // Statements reordered or spelled differently: nothing a decision can see.
        out.push(Change::on_rule(
            id,
            Effect::Cosmetic,
            String::from("rewritten without changing what it decides"),
            here(old_m, old),
            here(new_m, new),
        ));
    }
    out
}

/// `missing` made more or less severe, judged on the old clauses: absent means each
/// clause's own severity.
fn missing(old_m: &Model<'_>, new_m: &Model<'_>, old: &Rule, new: &Rule) -> Option<Change> {
    let (old_missing, new_missing) = (missing_stmt(old), missing_stmt(new));
    let (om, nm) = (
        old_missing.map(|m| m.outcome),
        new_missing.map(|m| m.outcome),
    );
    if om == nm {
        return None;
    }
    let effect = clauses(old).fold(Effect::Cosmetic, |acc, c| {
        acc.join(clause_effect(
            Contribution::new(c.outcome, om),
            Contribution::new(c.outcome, nm),
            Pairs::same(),
        ))
    });
    Some(Change::on_rule(
        &new.id.name,
        effect,
        summary::missing_changed(om, nm),
        old_missing.map(|m| old_m.place(m.span)),
        new_missing.map(|m| new_m.place(m.span)),
    ))
}

/// Title and message: what people read, not what decides.
fn wording(old_m: &Model<'_>, new_m: &Model<'_>, old: &Rule, new: &Rule) -> Vec<Change> {
    let id = new.id.name.as_str();
    let mut out = Vec::new();
    let title = |r: &Rule| r.title.as_ref().map(|t| t.value.clone());
    if title(old) != title(new) {
        let show =
            |t: Option<String>| t.map_or_else(|| String::from("none"), |t| format!("\"{t}\""));
        out.push(Change::on_rule(
            id,
            Effect::Cosmetic,
            format!(
                "title changed from {} to {}",
                show(title(old)),
                show(title(new))
            ),
            Some(old_m.place(old.id.span)),
            Some(new_m.place(new.id.span)),
        ));
    }
    let (old_msg, new_msg) = (message_stmt(old), message_stmt(new));
    if old_msg != new_msg {
        out.push(Change::on_rule(
            id,
            Effect::Cosmetic,
            String::from(match (old_msg, new_msg) {
                (None, _) => "message added",
                (_, None) => "message removed",
                _ => "message changed",
            }),
            old_msg.map(|m| old_m.place(m.span)),
            new_msg.map(|m| new_m.place(m.span)),
        ));
    }
    out
}

/// Roles added to `waivable by` let more waivers apply (loosened); roles removed, fewer.
fn waivable(old_m: &Model<'_>, new_m: &Model<'_>, old: &Rule, new: &Rule) -> Option<Change> {
    let (ow, nw) = (waivable_stmt(old), waivable_stmt(new));
    let roles = |w: Option<&crate::syntax::ast::WaivableStmt>| -> Vec<String> {
        w.map(|w| w.roles.iter().map(|r| r.value.clone()).collect())
            .unwrap_or_default()
    };
    let (before, after) = (roles(ow), roles(nw));
    let quoted = |v: Vec<&String>| v.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>();
    let added = quoted(after.iter().filter(|r| !before.contains(r)).collect());
    let removed = quoted(before.iter().filter(|r| !after.contains(r)).collect());
    if added.is_empty() && removed.is_empty() {
        return None;
    }
    let effect = match (added.is_empty(), removed.is_empty()) {
        (false, true) => Effect::Loosened,
        (true, false) => Effect::Tightened,
        _ => Effect::Changed,
    };
    let text = match (before.is_empty(), after.is_empty()) {
        (true, _) => format!("now waivable by {}", added.join(", ")),
        (_, true) => String::from("no longer waivable"),
        _ => format!("waivable by {}", summary::membership(&added, &removed)),
    };
    Some(Change::on_rule(
        &new.id.name,
        effect,
        text,
        ow.map(|w| old_m.place(w.span)),
        nw.map(|w| new_m.place(w.span)),
    ))
}

/// A pass of clause pairing: the two clauses and whether their firing conditions are
/// equivalent (the same normal form).
type Pass = fn(&Clause, &Clause, bool) -> bool;

const PASSES: [Pass; 5] = [
    |a, b, _| a == b,
    |_, _, equivalent| equivalent,
    |a, b, _| a.outcome == b.outcome && a.kind == b.kind && same_shape(&a.condition, &b.condition),
    |a, b, _| a.kind == b.kind && same_shape(&a.condition, &b.condition),
    // `when` against `unless` too: their firing conditions are compared in normal form.
    |a, b, _| a.outcome == b.outcome,
];

/// Pair old and new clauses; returns the pairs (old index, new index).
fn pair_clauses(
    old_m: &Model<'_>,
    new_m: &Model<'_>,
    old: &[&Clause],
    new: &[&Clause],
) -> Vec<(usize, usize)> {
    let equivalent: Vec<Vec<bool>> = old
        .iter()
        .map(|a| {
            new.iter()
                .map(|b| Comparer::text(old_m, new_m).firing(a, b).is_same())
                .collect()
        })
        .collect();
    let mut taken = vec![false; new.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for pass in PASSES {
        for (i, a) in old.iter().enumerate() {
            if pairs.iter().any(|(p, _)| *p == i) {
                continue;
            }
            let found = new.iter().enumerate().find(|(j, b)| {
                let same = equivalent
                    .get(i)
                    .and_then(|row| row.get(*j))
                    .copied()
                    .unwrap_or(false);
                !taken.get(*j).copied().unwrap_or(true) && pass(a, b, same)
            });
            if let Some((j, _)) = found {
                if let Some(t) = taken.get_mut(j) {
                    *t = true;
                }
                pairs.push((i, j));
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

fn clause_changes(
    old_m: &Model<'_>,
    new_m: &Model<'_>,
    old: &Rule,
    new: &Rule,
    missing: Option<Outcome>,
) -> Vec<Change> {
    let id = new.id.name.as_str();
    let old_clauses: Vec<&Clause> = clauses(old).collect();
    let new_clauses: Vec<&Clause> = clauses(new).collect();
    let pairs = pair_clauses(old_m, new_m, &old_clauses, &new_clauses);
    let mut out = Vec::new();
    for (i, a) in old_clauses.iter().enumerate() {
        if !pairs.iter().any(|(p, _)| *p == i) {
            out.push(Change::on_rule(
                id,
                Effect::Loosened,
                format!("clause removed: `{}`", summary::clause_text(old_m, a)),
                Some(old_m.place(a.span)),
                None,
            ));
        }
    }
    for &(i, j) in &pairs {
        let (Some(a), Some(b)) = (old_clauses.get(i), new_clauses.get(j)) else {
            continue;
        };
        if a == b {
            continue;
        }
        let mut cmp = Comparer::text(old_m, new_m);
        let firing = cmp.firing(a, b);
        let effect = clause_effect(
            Contribution::new(a.outcome, missing),
            Contribution::new(b.outcome, missing),
            firing,
        );
        let text = if effect == Effect::Cosmetic && a.outcome == b.outcome {
            format!(
                "clause written differently: `{} {}` is now `{} {}`",
                a.kind.as_str(),
                summary::quote(old_m, a.condition.span),
                b.kind.as_str(),
                summary::quote(new_m, b.condition.span)
            )
        } else {
            summary::clause_changed(old_m, new_m, a, b, &cmp.slots)
        };
        out.push(Change::on_rule(
            id,
            effect,
            text,
            Some(old_m.place(a.span)),
            Some(new_m.place(b.span)),
        ));
    }
    for (j, b) in new_clauses.iter().enumerate() {
        if !pairs.iter().any(|(_, q)| *q == j) {
            out.push(Change::on_rule(
                id,
                Effect::Tightened,
                format!("clause added: `{}`", summary::clause_text(new_m, b)),
                None,
                Some(new_m.place(b.span)),
            ));
        }
    }
    let reordered = pairs
        .windows(2)
        .any(|w| matches!(w, [(_, x), (_, y)] if x > y));
    if reordered {
        out.push(Change::on_rule(
            id,
            Effect::Cosmetic,
            String::from("clauses reordered"),
            Some(old_m.place(old.id.span)),
            Some(new_m.place(new.id.span)),
        ));
    }
    out
}

/// The same tree up to literal values and the strictness of comparisons.
pub fn same_shape(a: &Expr, b: &Expr) -> bool {
    let (a, b) = (strip_parens(a), strip_parens(b));
    match (&a.kind, &b.kind) {
        (ExprKind::Number(_), ExprKind::Number(_))
        | (ExprKind::Str(_), ExprKind::Str(_))
        | (ExprKind::Bool(_), ExprKind::Bool(_))
        | (ExprKind::Severity(_), ExprKind::Severity(_))
        | (ExprKind::List(_), ExprKind::List(_)) => true,
        (ExprKind::Name(x), ExprKind::Name(y)) => x.name == y.name,
        (ExprKind::Call { func: f, args: xs }, ExprKind::Call { func: g, args: ys }) => {
            f.name == g.name
                && xs.len() == ys.len()
                && xs.iter().zip(ys).all(|(x, y)| same_shape(x, y))
        }
        (ExprKind::Unary { op: o, operand: x }, ExprKind::Unary { op: p, operand: y }) => {
            o == p && same_shape(x, y)
        }
        (
            ExprKind::Binary {
                op: o,
                lhs: l1,
                rhs: r1,
            },
            ExprKind::Binary {
                op: p,
                lhs: l2,
                rhs: r2,
            },
        ) => same_op_family(*o, *p) && same_shape(l1, l2) && same_shape(r1, r2),
        (
            ExprKind::Where {
                collection: c1,
                predicate: p1,
            },
            ExprKind::Where {
                collection: c2,
                predicate: p2,
            },
        ) => same_shape(c1, c2) && same_shape(p1, p2),
        _ => false,
    }
}

fn same_op_family(a: BinaryOp, b: BinaryOp) -> bool {
    use BinaryOp::{Ge, Gt, Le, Lt};
    a == b || matches!((a, b), (Gt | Ge, Gt | Ge) | (Lt | Le, Lt | Le))
}
