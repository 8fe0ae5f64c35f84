//! Changes outside rules: the policy header, imports, metrics, lets, tests, comments and
//! layout. A change to a metric or a let is reported against every rule whose conditions reach
//! it (directly or through other lets); one that reaches no rule is cosmetic.

use indexmap::IndexMap;

use crate::stats::Adjustment;
use crate::syntax::ast::{Comment, HeaderField, HeaderKey, MetricDecl, PolicyHeader};

use super::compare::Comparer;
use super::effect::{clause_effect, Contribution, Effect};
use super::model::{clauses, missing_stmt, Model, Place};
use super::summary;
use super::Change;

type PerRule = IndexMap<String, Vec<Change>>;

/// Names of `a` then those only in `b`, each once.
fn union<'a, V, W>(a: &IndexMap<&'a str, V>, b: &IndexMap<&'a str, W>) -> Vec<&'a str> {
    let mut out: Vec<&str> = a.keys().copied().collect();
    out.extend(b.keys().copied().filter(|k| !a.contains_key(k)));
    out
}

/// Rules in both versions whose new conditions reach `name`.
fn rules_reaching<'a>(old: &Model<'_>, new: &Model<'a>, name: &str) -> Vec<&'a str> {
    new.rules
        .iter()
        .filter(|(id, rule)| old.rules.contains_key(*id) && new.rule_reaches(rule, name))
        .map(|(id, _)| *id)
        .collect()
}

pub fn header(old: &Model<'_>, new: &Model<'_>, out: &mut Vec<Change>) {
    let (Some(a), Some(b)) = (old.header, new.header) else {
        return;
    };
    if a.name.value != b.name.value {
        out.push(Change::on_item(
            String::from("policy name"),
            Effect::Cosmetic,
            format!(
                "policy name changed from \"{}\" to \"{}\"",
                a.name.raw, b.name.raw
            ),
            Some(old.place(a.name.span)),
            Some(new.place(b.name.span)),
        ));
    }
    for key in [HeaderKey::Version, HeaderKey::Owner, HeaderKey::Description] {
        let (x, y) = (field(a, key), field(b, key));
        let word = key.as_str();
        let text = match (x, y) {
            (Some(x), Some(y)) if x.value.value == y.value.value => continue,
            (None, None) => continue,
            (Some(x), Some(y)) => format!(
                "{word} changed from \"{}\" to \"{}\"",
                x.value.raw, y.value.raw
            ),
            (None, Some(y)) => format!("{word} added: \"{}\"", y.value.raw),
            (Some(x), None) => format!("{word} removed (was \"{}\")", x.value.raw),
        };
        out.push(Change::on_item(
            format!("policy {word}"),
            Effect::Cosmetic,
            text,
            x.map(|x| old.place(x.span)),
            y.map(|y| new.place(y.span)),
        ));
    }
}

fn field(header: &PolicyHeader, key: HeaderKey) -> Option<&HeaderField> {
    header.fields.iter().find(|f| f.key == key)
}

/// Imports decide which rules exist, and rules are compared by id wherever they live, so an
/// import that comes or goes is cosmetic in itself.
pub fn imports(old: &Model<'_>, new: &Model<'_>, out: &mut Vec<Change>) {
    let key =
        |m: &Model<'_>, i: &crate::syntax::ast::Import| (m.file_key(i.span), i.path.value.clone());
    let before: Vec<_> = old.imports.iter().map(|i| (key(old, i), *i)).collect();
    let after: Vec<_> = new.imports.iter().map(|i| (key(new, i), *i)).collect();
    for (k, i) in &before {
        if !after.iter().any(|(n, _)| n == k) {
            out.push(Change::on_item(
                String::from("imports"),
                Effect::Cosmetic,
                format!("import \"{}\" removed", i.path.raw),
                Some(old.place(i.span)),
                None,
            ));
        }
    }
    for (k, i) in &after {
        if !before.iter().any(|(o, _)| o == k) {
            out.push(Change::on_item(
                String::from("imports"),
                Effect::Cosmetic,
                format!("import \"{}\" added", i.path.raw),
                None,
                Some(new.place(i.span)),
            ));
        }
    }
}

/// A metric bound to another key, turned into a family or back, with its direction flipped
/// or its adjustment changed reads different evidence: `changed` for every rule it reaches. Declaring a
/// direction where there was none (or dropping one nothing used) changes no decision.
pub fn metrics(old: &Model<'_>, new: &Model<'_>, out: &mut Vec<Change>, per_rule: &mut PerRule) {
    for name in union(&old.metrics, &new.metrics) {
        let item = format!("metric {name}");
        match (old.metrics.get(name), new.metrics.get(name)) {
            (Some(a), Some(b)) => {
                let mut parts = Vec::new();
                let mut semantic = false;
                if a.key.value != b.key.value {
                    parts.push(format!(
                        "now reads \"{}\" instead of \"{}\"",
                        b.key.raw, a.key.raw
                    ));
                    semantic = true;
                }
                if a.family != b.family {
                    parts.push(String::from(if b.family {
                        "is now a metric family"
                    } else {
                        "is no longer a metric family"
                    }));
                    semantic = true;
                }
                match (&a.direction, &b.direction) {
                    (Some(x), Some(y)) if x.direction != y.direction => {
                        parts.push(format!(
                            "direction flipped from {} to {}",
                            x.direction.as_str(),
                            y.direction.as_str()
                        ));
                        semantic = true;
                    }
                    (None, Some(y)) => parts.push(format!("now declared {}", y.direction.as_str())),
                    (Some(_), None) => parts.push(String::from("no longer declares a direction")),
                    _ => {}
                }
                let method = |m: &MetricDecl| m.adjustment.map(|a| a.method);
                if method(a) != method(b) {
                    let word = |m: Option<Adjustment>| m.map_or("none", Adjustment::name);
                    parts.push(format!(
                        "adjustment changed from {} to {}",
                        word(method(a)),
                        word(method(b))
                    ));
                    semantic = true;
                }
                if parts.is_empty() {
                    continue;
                }
                let text = format!("metric {name} {}", parts.join("; "));
                let places = (Some(old.place(a.span)), Some(new.place(b.span)));
                if semantic {
                    reach(old, new, name, item, text, places, out, per_rule);
                } else {
                    out.push(Change::on_item(
                        item,
                        Effect::Cosmetic,
                        text,
                        places.0,
                        places.1,
                    ));
                }
            }
            (Some(a), None) => match new.lets.get(name) {
                Some(l) => {
                    let text = format!("{name} was a metric, now a let");
                    let places = (Some(old.place(a.span)), Some(new.place(l.span)));
                    reach(old, new, name, item, text, places, out, per_rule);
                }
                None => out.push(Change::on_item(
                    item,
                    Effect::Cosmetic,
                    format!("metric {name} removed"),
                    Some(old.place(a.span)),
                    None,
                )),
            },
            (None, Some(b)) => match old.lets.get(name) {
                Some(l) => {
                    let text = format!("{name} was a let, now a metric");
                    let places = (Some(old.place(l.span)), Some(new.place(b.span)));
                    reach(old, new, name, item, text, places, out, per_rule);
                }
                None => out.push(Change::on_item(
                    item,
                    Effect::Cosmetic,
                    format!("metric {name} added"),
                    None,
                    Some(new.place(b.span)),
                )),
            },
            (None, None) => {}
        }
    }
}

/// A declaration change that no rule condition reaches: no decision can move.
fn unreached(item: String, text: &str, places: (Option<Place>, Option<Place>)) -> Change {
    Change::on_item(
        item,
        Effect::Cosmetic,
        format!("{text} (no rule condition uses it)"),
        places.0,
        places.1,
    )
}

/// Report a change whose direction cannot be shown against every rule it reaches.
#[allow(clippy::too_many_arguments)] // one call site per kind of declaration change
fn reach(
    old: &Model<'_>,
    new: &Model<'_>,
    name: &str,
    item: String,
    text: String,
    places: (Option<Place>, Option<Place>),
    out: &mut Vec<Change>,
    per_rule: &mut PerRule,
) {
    let reached = rules_reaching(old, new, name);
    if reached.is_empty() {
        out.push(unreached(item, &text, places));
        return;
    }
    for rule in reached {
        per_rule
            .entry(rule.to_string())
            .or_default()
            .push(Change::on_rule(
                rule,
                Effect::Changed,
                text.clone(),
                places.0.clone(),
                places.1.clone(),
            ));
    }
}

/// A let whose value moved: its direction is traced through every clause of every rule it
/// reaches, with the polarity of each place it stands in.
pub fn lets(old: &Model<'_>, new: &Model<'_>, out: &mut Vec<Change>, per_rule: &mut PerRule) {
    for name in union(&old.lets, &new.lets) {
        let item = format!("let {name}");
        let (a, b) = match (old.lets.get(name), new.lets.get(name)) {
            (Some(a), Some(b)) => (*a, *b),
            (Some(a), None) if !new.metrics.contains_key(name) => {
                out.push(Change::on_item(
                    item,
                    Effect::Cosmetic,
                    format!("let {name} removed"),
                    Some(old.place(a.span)),
                    None,
                ));
                continue;
            }
            (None, Some(b)) if !old.metrics.contains_key(name) => {
                out.push(Change::on_item(
                    item,
                    Effect::Cosmetic,
                    format!("let {name} added"),
                    None,
                    Some(new.place(b.span)),
                ));
                continue;
            }
            // A let that became a metric (or back) is reported with the metrics.
            _ => continue,
        };
        if a.value == b.value {
            continue;
        }
        let mut cmp = Comparer::text(old, new);
        let rel = cmp.expr(&a.value, &b.value);
        let places = (Some(old.place(a.span)), Some(new.place(b.span)));
        if rel.is_same() {
            out.push(Change::on_item(
                item,
                Effect::Cosmetic,
                format!(
                    "let {name} written differently: `{}` is now `{}`",
                    summary::quote(old, a.value.span),
                    summary::quote(new, b.value.span)
                ),
                places.0,
                places.1,
            ));
            continue;
        }
        let text = summary::let_changed(old, new, name, a, b, &cmp.slots);
        let reached = rules_reaching(old, new, name);
        if reached.is_empty() {
            out.push(unreached(item, &text, places));
            continue;
        }
        for id in reached {
            let Some(rule) = new.rules.get(id) else {
                continue;
            };
            let missing = missing_stmt(rule).map(|m| m.outcome);
            let effect = clauses(rule).fold(Effect::Cosmetic, |acc, c| {
                let firing = Comparer::tracing(new, name, rel).firing(c, c);
                let contribution = Contribution::new(c.outcome, missing);
                acc.join(clause_effect(contribution, contribution, firing))
            });
            per_rule
                .entry(id.to_string())
                .or_default()
                .push(Change::on_rule(
                    id,
                    effect,
                    text.clone(),
                    places.0.clone(),
                    places.1.clone(),
                ));
        }
    }
}

/// Tests check decisions; they make none.
pub fn tests(old: &Model<'_>, new: &Model<'_>, out: &mut Vec<Change>) {
    for name in union(&old.tests, &new.tests) {
        let (a, b) = (old.tests.get(name), new.tests.get(name));
        let text = match (a, b) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(_), Some(_)) => format!("test \"{name}\" changed"),
            (Some(_), None) => format!("test \"{name}\" removed"),
            (None, Some(_)) => format!("test \"{name}\" added"),
            (None, None) => continue,
        };
        out.push(Change::on_item(
            format!("test \"{name}\""),
            Effect::Cosmetic,
            text,
            a.map(|t| old.place(t.name.span)),
            b.map(|t| new.place(t.name.span)),
        ));
    }
}

/// Comments outside rules (those inside are reported with their rule), compared as a
/// multiset of lines: moving a comment with its item is not a change.
pub fn comments(old: &Model<'_>, new: &Model<'_>, out: &mut Vec<Change>) {
    let removed = unmatched(&old.loose_comments, &new.loose_comments);
    let added = unmatched(&new.loose_comments, &old.loose_comments);
    if removed.is_empty() && added.is_empty() {
        return;
    }
    let count = |n: usize, word: &str| match n {
        0 => None,
        1 => Some(format!("1 line {word}")),
        n => Some(format!("{n} lines {word}")),
    };
    let parts: Vec<String> = [count(added.len(), "added"), count(removed.len(), "removed")]
        .into_iter()
        .flatten()
        .collect();
    // Point at a comment that says something, not a bare `#`.
    let pick = |list: &[&Comment]| {
        list.iter()
            .find(|c| c.text.trim_end().len() > 1)
            .or_else(|| list.first())
            .map(|c| c.span)
    };
    out.push(Change::on_item(
        String::from("comments"),
        Effect::Cosmetic,
        format!("comments outside rules: {}", parts.join(", ")),
        pick(&removed).map(|s| old.place(s)),
        pick(&added).map(|s| new.place(s)),
    ));
}

/// The comments of `a` left over once each is matched with an equal one of `b`.
fn unmatched<'c>(a: &[&'c Comment], b: &[&Comment]) -> Vec<&'c Comment> {
    let mut used = vec![false; b.len()];
    let mut left = Vec::new();
    for c in a {
        let text = c.text.trim_end();
        let hit = b
            .iter()
            .enumerate()
            .find(|(i, d)| !used.get(*i).copied().unwrap_or(true) && d.text.trim_end() == text);
        match hit {
            Some((i, _)) => {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
            }
            None => left.push(*c),
        }
    }
    left
}

/// Nothing else differs, yet the text does: white space or the order of items.
pub fn layout(old: &Model<'_>, new: &Model<'_>, out: &mut Vec<Change>) {
    // Trust files are compared by `diff::trust`, comments and all.
    let policy_text = |m: &Model<'_>| -> Vec<String> {
        let trust = m.trust();
        (m.sources.iter())
            .filter(|(id, _)| !trust.files.iter().any(|t| t.file == *id))
            .map(|(_, f)| f.text.to_string())
            .collect()
    };
    let (a, b) = (policy_text(old), policy_text(new));
    if a != b {
        out.push(Change::on_item(
            String::from("layout"),
            Effect::Cosmetic,
            String::from("layout or item order changed"),
            None,
            None,
        ));
    }
}
