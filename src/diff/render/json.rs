//! `diff --format json`, in the shape of CLI.md.

use serde::Serialize;

use super::super::{Change, Effect, Flip, Place, Report, Side, Verdict};
use crate::levels::Outcome;

#[derive(Serialize)]
struct Doc<'a> {
    verdict: Verdict,
    changes: Vec<ChangeDoc<'a>>,
    replay: Vec<FlipDoc<'a>>,
    /// How many bundles were replayed; null when `--replay` was not given.
    replayed: Option<usize>,
    policies: Policies<'a>,
    tool: Tool,
}

#[derive(Serialize)]
struct ChangeDoc<'a> {
    rule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'a str>,
    effect: Effect,
    summary: &'a str,
    old: Option<PlaceDoc<'a>>,
    new: Option<PlaceDoc<'a>>,
}

#[derive(Serialize)]
struct PlaceDoc<'a> {
    file: &'a str,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct FlipDoc<'a> {
    bundle: &'a str,
    old: Outcome,
    new: Outcome,
    rules: Vec<RuleDoc<'a>>,
}

#[derive(Serialize)]
struct RuleDoc<'a> {
    rule: &'a str,
    old: Option<Outcome>,
    new: Option<Outcome>,
}

#[derive(Serialize)]
struct Policies<'a> {
    old: SideDoc<'a>,
    new: SideDoc<'a>,
}

#[derive(Serialize)]
struct SideDoc<'a> {
    path: &'a str,
    name: &'a str,
    version: Option<&'a str>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

pub fn render(report: &Report) -> String {
    let doc = Doc {
        verdict: report.verdict,
        changes: report.changes.iter().map(change).collect(),
        replay: report
            .replay
            .as_ref()
            .map(|r| r.flips.iter().map(flip).collect())
            .unwrap_or_default(),
        replayed: report.replay.as_ref().map(|r| r.bundles),
        policies: Policies {
            old: side(&report.old),
            new: side(&report.new),
        },
        tool: Tool {
            name: "tollgate",
            version: env!("CARGO_PKG_VERSION"),
        },
    };
    let mut text =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

fn change(c: &Change) -> ChangeDoc<'_> {
    ChangeDoc {
        rule: c.rule.as_deref(),
        item: c.item.as_deref(),
        effect: c.effect,
        summary: &c.summary,
        old: c.old.as_ref().map(place),
        new: c.new.as_ref().map(place),
    }
}

fn place(p: &Place) -> PlaceDoc<'_> {
    PlaceDoc {
        file: &p.file,
        line: p.line,
        column: p.column,
    }
}

fn flip(f: &Flip) -> FlipDoc<'_> {
    FlipDoc {
        bundle: &f.bundle,
        old: f.old,
        new: f.new,
        rules: f
            .rules
            .iter()
            .map(|r| RuleDoc {
                rule: &r.rule,
                old: r.old,
                new: r.new,
            })
            .collect(),
    }
}

fn side(s: &Side) -> SideDoc<'_> {
    SideDoc {
        path: &s.label,
        name: &s.name,
        version: s.version.as_deref(),
    }
}
