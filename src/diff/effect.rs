//! Effects of changes on launch decisions, and the verdict over all of them (CLI.md `diff`).

use serde::Serialize;

use crate::levels::Outcome;

use super::truth::{Pairs, Truth};

/// What one change does to what the policy lets through.
///
/// Declared in the order reports group them: what may let more through comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// The new version lets through at least what the old one blocked or escalated, and maybe
    /// more: no decision can get more severe.
    Loosened,
    /// Neither direction can be shown from the text.
    Changed,
    /// No decision can get less severe.
    Tightened,
    /// No decision can change.
    Cosmetic,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Loosened => "loosened",
            Effect::Changed => "changed",
            Effect::Tightened => "tightened",
            Effect::Cosmetic => "cosmetic",
        }
    }

    /// Two changes made together.
    pub fn join(self, other: Effect) -> Effect {
        match (self, other) {
            (Effect::Cosmetic, e) | (e, Effect::Cosmetic) => e,
            (a, b) if a == b => a,
            _ => Effect::Changed,
        }
    }

    pub const ALL: [Effect; 4] = [
        Effect::Loosened,
        Effect::Changed,
        Effect::Tightened,
        Effect::Cosmetic,
    ];
}

/// The verdict of a whole diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Unchanged,
    Cosmetic,
    Tightened,
    Loosened,
    Changed,
    Mixed,
}

impl Verdict {
    /// CLI.md: `mixed` when some change tightens and some loosens; else `loosened` or
    /// `tightened` when some change does; else `changed` when some change is `changed`; else
    /// `cosmetic` when anything differs; else `unchanged`.
    pub fn of(effects: impl IntoIterator<Item = Effect>) -> Verdict {
        let (mut any, mut tight, mut loose, mut changed) = (false, false, false, false);
        for e in effects {
            any = true;
            match e {
                Effect::Tightened => tight = true,
                Effect::Loosened => loose = true,
                Effect::Changed => changed = true,
                Effect::Cosmetic => {}
            }
        }
        match (tight, loose) {
            (true, true) => Verdict::Mixed,
            (false, true) => Verdict::Loosened,
            (true, false) => Verdict::Tightened,
            (false, false) if changed => Verdict::Changed,
            (false, false) if any => Verdict::Cosmetic,
            (false, false) => Verdict::Unchanged,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unchanged => "unchanged",
            Verdict::Cosmetic => "cosmetic",
            Verdict::Tightened => "tightened",
            Verdict::Loosened => "loosened",
            Verdict::Changed => "changed",
            Verdict::Mixed => "mixed",
        }
    }
}

/// What one clause adds to its rule's outcome: its severity when the condition is true, the
/// `missing` outcome (else its own severity) when it is unknown, nothing when false.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contribution {
    pub fired: Outcome,
    pub unknown: Outcome,
}

impl Contribution {
    /// A clause of severity `severity` in a rule whose `missing` statement says `missing`.
    pub fn new(severity: Outcome, missing: Option<Outcome>) -> Contribution {
        Contribution {
            fired: severity,
            unknown: missing.unwrap_or(severity),
        }
    }

    fn at(self, truth: Truth) -> Outcome {
        match truth {
            Truth::False => Outcome::Pass,
            Truth::Unknown => self.unknown,
            Truth::True => self.fired,
        }
    }
}

/// The effect of replacing one clause by another, where `pairs` says which truth values the
/// old and new firing conditions can take together. Every such pair is tried: the change is
/// `tightened` when the new contribution is never below the old one, `loosened` when never
/// above, `cosmetic` when both, else `changed`.
pub fn clause_effect(old: Contribution, new: Contribution, pairs: impl Into<Pairs>) -> Effect {
    let mut never_lower = true;
    let mut never_higher = true;
    for (a, b) in pairs.into().iter() {
        let (before, after) = (old.at(a), new.at(b));
        never_lower &= after >= before;
        never_higher &= after <= before;
    }
    match (never_lower, never_higher) {
        (true, true) => Effect::Cosmetic,
        (true, false) => Effect::Tightened,
        (false, true) => Effect::Loosened,
        (false, false) => Effect::Changed,
    }
}

#[cfg(test)]
#[path = "effect_tests.rs"]
mod tests;
