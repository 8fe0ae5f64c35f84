//! `tollgate diff`: what a policy change does to launch decisions (CLI.md, `diff`).
//!
//! Two versions are read into a `model::Model` each (every declaration of every file, by
//! name). Rules are matched by id, clauses within a rule by text, severity and shape
//! (`match_rules`); each difference becomes one [`Change`] whose [`Effect`] is derived from
//! the text: `compare` relates the new expression to the old by monotonicity
//! (`polarity`), and `effect` turns that into what a clause can add to its rule's outcome
//! under true, false and unknown conditions. Changes to lets and metrics are traced into every
//! rule they reach (`items`). [`replay`] evaluates both versions on past bundles; [`git`]
//! reads a version at a revision; [`render`] prints the report.

mod compare;
mod effect;
pub mod git;
mod items;
mod known;
mod match_rules;
mod model;
mod normal;
mod polarity;
pub mod render;
pub mod replay;
mod run;
mod summary;
mod trust;
mod truth;

use indexmap::IndexMap;

pub use effect::{Effect, Verdict};
pub use model::{Place, Version};
pub use replay::{Flip, Replay, RuleFlip};
pub use run::{run, Compared, Failure};

use model::Model;

/// One difference between the versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The rule the change reaches; `None` for a change that reaches no rule (policy
    /// metadata, a test, an unused declaration).
    pub rule: Option<String>,
    /// What changed, when `rule` is `None`: `policy version`, `metric sycophancy`, ….
    pub item: Option<String>,
    pub effect: Effect,
    pub summary: String,
    /// Where the changed text stands in the old version; `None` when it is new.
    pub old: Option<Place>,
    /// Where it stands in the new version; `None` when it was removed.
    pub new: Option<Place>,
}

impl Change {
    fn on_rule(
        rule: &str,
        effect: Effect,
        summary: String,
        old: Option<Place>,
        new: Option<Place>,
    ) -> Change {
        Change {
            rule: Some(rule.to_string()),
            item: None,
            effect,
            summary,
            old,
            new,
        }
    }

    fn on_item(
        item: String,
        effect: Effect,
        summary: String,
        old: Option<Place>,
        new: Option<Place>,
    ) -> Change {
        Change {
            rule: None,
            item: Some(item),
            effect,
            summary,
            old,
            new,
        }
    }
}

/// One version as the report names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// The path, or `REV:path`, as given.
    pub label: String,
    pub name: String,
    pub version: Option<String>,
}

impl Side {
    fn of(version: Version<'_>) -> Side {
        let info = version.policy.info();
        Side {
            label: match version.rev {
                Some(rev) => format!("{rev}:{}", info.path),
                None => info.path.clone(),
            },
            name: info.name.clone(),
            version: info.version.clone(),
        }
    }
}

/// The whole diff: every change, the verdict, and (when asked for) the replay.
#[derive(Clone, Debug)]
pub struct Report {
    pub old: Side,
    pub new: Side,
    pub verdict: Verdict,
    pub changes: Vec<Change>,
    pub replay: Option<Replay>,
    /// Things an auditor should look at that change no decision: a policy whose decisions
    /// changed under the same `version`.
    pub warnings: Vec<String>,
}

/// When `diff --fail-on` exits 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Any change `loosened` or `changed` (a direction that cannot be shown may loosen).
    Loosened,
    /// Any change that is not `cosmetic`.
    Changed,
}

impl Report {
    pub fn fails(&self, on: FailOn) -> bool {
        self.changes.iter().any(|c| match on {
            FailOn::Loosened => matches!(c.effect, Effect::Loosened | Effect::Changed),
            FailOn::Changed => c.effect != Effect::Cosmetic,
        })
    }

    /// How many changes have each effect, in report order.
    pub fn counts(&self) -> Vec<(Effect, usize)> {
        Effect::ALL
            .into_iter()
            .map(|e| (e, self.changes.iter().filter(|c| c.effect == e).count()))
            .collect()
    }
}

/// Compare two versions of a policy.
pub fn diff(old: Version<'_>, new: Version<'_>) -> Report {
    let changes = changes(old, new);
    let (old, new) = (Side::of(old), Side::of(new));
    let verdict = Verdict::of(changes.iter().map(|c| c.effect));
    let warnings = version_kept(&old, &new, verdict).into_iter().collect();
    Report {
        old,
        new,
        verdict,
        changes,
        replay: None,
        warnings,
    }
}

/// A change that can move a decision under the same `version` leaves two different gates
/// with one name in records and audits.
fn version_kept(old: &Side, new: &Side, verdict: Verdict) -> Option<String> {
    let kind = match verdict {
        Verdict::Unchanged | Verdict::Cosmetic => return None,
        Verdict::Loosened => "loosening",
        Verdict::Tightened => "tightening",
        Verdict::Mixed => "loosening and tightening",
        Verdict::Changed => "semantic",
    };
    match (&old.version, &new.version) {
        (Some(a), Some(b)) if a == b => {
            Some(format!("version {a} unchanged across a {kind} change"))
        }
        _ => None,
    }
}

/// Every change between two versions: first those that reach no rule, then each rule's, in
/// the new version's rule order, then removed rules.
pub fn changes(old: Version<'_>, new: Version<'_>) -> Vec<Change> {
    let old = Model::build(old);
    let new = Model::build(new);
    let mut items = Vec::new();
    let mut per_rule: IndexMap<String, Vec<Change>> = IndexMap::new();
    for (id, rule) in &new.rules {
        let list = per_rule.entry(id.to_string()).or_default();
        match old.rules.get(id) {
            Some(before) => list.extend(match_rules::rule_changes(&old, &new, before, rule)),
            None => list.push(match_rules::added(&new, rule)),
        }
    }
    for (id, rule) in &old.rules {
        if !new.rules.contains_key(id) {
            per_rule
                .entry(id.to_string())
                .or_default()
                .push(match_rules::removed(&old, rule));
        }
    }
    items::header(&old, &new, &mut items);
    items::imports(&old, &new, &mut items);
    items::metrics(&old, &new, &mut items, &mut per_rule);
    items::lets(&old, &new, &mut items, &mut per_rule);
    items::tests(&old, &new, &mut items);
    items::comments(&old, &new, &mut items);
    trust::changes(&old, &new, &mut items);
    let mut all: Vec<Change> = items;
    all.extend(per_rule.into_values().flatten());
    if all.is_empty() {
        items::layout(&old, &new, &mut all);
    }
    all
}
