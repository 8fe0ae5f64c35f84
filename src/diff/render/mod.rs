//! Printing a diff [`Report`]: `human` for a terminal or CI log, `json` for
//! machines (CLI.md shape), `markdown` to paste into a review, `html` as one page.

pub mod html;
pub mod human;
pub mod json;
pub mod markdown;

use super::{Change, Effect, Report};

/// The heading a group of changes is shown under.
fn heading(effect: Effect) -> &'static str {
    match effect {
        Effect::Loosened => "Loosened",
        Effect::Changed => "Changed (direction cannot be shown)",
        Effect::Tightened => "Tightened",
        Effect::Cosmetic => "Cosmetic",
    }
}

/// What a change is about: the rule id, else the item.
fn subject(change: &Change) -> &str {
    change
        .rule
        .as_deref()
        .or(change.item.as_deref())
        .unwrap_or("policy")
}

/// The changes with one effect, in report order.
fn group(report: &Report, effect: Effect) -> Vec<&Change> {
    report
        .changes
        .iter()
        .filter(|c| c.effect == effect)
        .collect()
}

/// `2 loosened, 1 cosmetic`
fn tally(report: &Report) -> String {
    let parts: Vec<String> = report
        .counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(e, n)| format!("{n} {}", e.as_str()))
        .collect();
    if parts.is_empty() {
        String::from("no changes")
    } else {
        parts.join(", ")
    }
}

/// `chat-mainline 2025.05.02`
fn identity(side: &super::Side) -> String {
    match &side.version {
        Some(v) => format!("{} {v}", side.name),
        None => side.name.clone(),
    }
}
