//! One-line summaries a person can read: "block threshold on regression(sycophancy) raised
//! from 1% to 3%".

use crate::levels::Outcome;
use crate::span::Span;
use crate::syntax::ast::{Clause, LetDecl};

use super::compare::{collapse, Slot, SlotKind};
use super::model::Model;
use super::polarity::Dir;

/// Longest quoted expression before it is cut with an ellipsis.
const MAX_QUOTE: usize = 72;

/// `block when regression(sycophancy) > 1%`, on one line, cut when long.
pub fn clause_text(model: &Model<'_>, clause: &Clause) -> String {
    shorten(&format!(
        "{} {} {}",
        clause.outcome,
        clause.kind.as_str(),
        collapse(model.text(clause.condition.span))
    ))
}

pub fn quote(model: &Model<'_>, span: Span) -> String {
    shorten(&collapse(model.text(span)))
}

pub fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_QUOTE {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_QUOTE - 1).collect();
    format!("{}…", cut.trim_end())
}

fn moved(dir: Dir) -> &'static str {
    match dir {
        Dir::Up => "raised",
        Dir::Down => "lowered",
        Dir::Same | Dir::Unknown => "changed",
    }
}

/// A clause replaced by another (matched by position, severity or shape).
pub fn clause_changed(
    old_model: &Model<'_>,
    new_model: &Model<'_>,
    old: &Clause,
    new: &Clause,
    slots: &[Slot],
) -> String {
    let condition_same = old.condition == new.condition && old.kind == new.kind;
    let severity = || {
        let dir = if new.outcome > old.outcome {
            Dir::Up
        } else {
            Dir::Down
        };
        format!(
            "severity {} from {} to {}",
            moved(dir),
            old.outcome,
            new.outcome
        )
    };
    if condition_same {
        return format!(
            "{} for `{} {}`",
            severity(),
            new.kind.as_str(),
            quote(new_model, new.condition.span)
        );
    }
    let phrase = match slots {
        [slot] if old.kind == new.kind => slot_phrase(slot),
        _ => None,
    };
    match phrase {
        Some(p) if old.outcome == new.outcome => format!("{} {p}", new.outcome),
        Some(p) => format!("{}, and {p}", severity()),
        None if old.outcome == new.outcome && old.kind == new.kind => format!(
            "{} condition changed from `{}` to `{}`",
            new.outcome,
            quote(old_model, old.condition.span),
            quote(new_model, new.condition.span)
        ),
        None => format!(
            "clause changed from `{}` to `{}`",
            clause_text(old_model, old),
            clause_text(new_model, new)
        ),
    }
}

/// What differs in a clause that differs in one place, to follow its severity.
fn slot_phrase(slot: &Slot) -> Option<String> {
    match &slot.kind {
        SlotKind::Number {
            old,
            new,
            dir,
            subject,
        } => Some(match subject {
            Some(s) => format!("threshold on {s} {} from {old} to {new}", moved(*dir)),
            None => format!("condition: {old} {} to {new}", moved(*dir)),
        }),
        SlotKind::Severity { old, new, subject } => {
            let dir = if new > old { Dir::Up } else { Dir::Down };
            Some(match subject {
                Some(s) => format!("threshold on {s} {} from {old} to {new}", moved(dir)),
                None => format!("condition: {old} {} to {new}", moved(dir)),
            })
        }
        SlotKind::List {
            added,
            removed,
            subject,
        } => Some(match subject {
            Some(s) => format!(
                "condition: {s} in a list that {}",
                membership(added, removed)
            ),
            None => format!("condition: a list {}", membership(added, removed)),
        }),
        SlotKind::Operator { old, new } => Some(format!(
            "comparison changed from `{}` to `{}`",
            old.as_str(),
            new.as_str()
        )),
        SlotKind::Parts {
            all,
            added,
            dropped,
        } => {
            let word = if *all { "and" } else { "or" };
            let list = |parts: &[String]| {
                let quoted: Vec<String> = parts
                    .iter()
                    .map(|p| format!("`{word} {}`", shorten(p)))
                    .collect();
                quoted.join(", ")
            };
            Some(match (added.is_empty(), dropped.is_empty()) {
                (false, true) => format!("condition gains {}", list(added)),
                (true, false) => format!("condition loses {}", list(dropped)),
                _ => format!(
                    "condition gains {} and loses {}",
                    list(added),
                    list(dropped)
                ),
            })
        }
        SlotKind::Other => None,
    }
}

/// "gains "a", "b"", "loses "c"", or both.
pub fn membership(added: &[String], removed: &[String]) -> String {
    match (added.is_empty(), removed.is_empty()) {
        (false, true) => format!("gains {}", added.join(", ")),
        (true, false) => format!("loses {}", removed.join(", ")),
        _ => format!(
            "gains {} and loses {}",
            added.join(", "),
            removed.join(", ")
        ),
    }
}

/// `let NAME = …` changed.
pub fn let_changed(
    old_model: &Model<'_>,
    new_model: &Model<'_>,
    name: &str,
    old: &LetDecl,
    new: &LetDecl,
    slots: &[Slot],
) -> String {
    if let [slot] = slots {
        match &slot.kind {
            SlotKind::Number {
                old,
                new,
                dir,
                subject: Some(s),
            } => {
                return format!(
                    "let {name}: threshold on {s} {} from {old} to {new}",
                    moved(*dir)
                )
            }
            SlotKind::Number { old, new, dir, .. } => {
                return format!("let {name} {} from {old} to {new}", moved(*dir));
            }
            SlotKind::List { added, removed, .. } => {
                return format!("let {name} {}", membership(added, removed));
            }
            _ => {}
        }
    }
    format!(
        "let {name} changed from `{}` to `{}`",
        quote(old_model, old.value.span),
        quote(new_model, new.value.span)
    )
}

/// What `missing` means when absent: each clause's own severity.
pub fn missing_text(missing: Option<Outcome>) -> String {
    match missing {
        Some(o) => o.to_string(),
        None => String::from("each clause's own severity"),
    }
}

pub fn missing_changed(old: Option<Outcome>, new: Option<Outcome>) -> String {
    format!(
        "missing evidence now gives {} (was {})",
        missing_text(new),
        missing_text(old)
    )
}
