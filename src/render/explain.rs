//! `--explain`: each clause's condition as written and, under it, every sub-expression with
//! the value it took. As text (appended to the human report, and inside the markdown report)
//! and as JSON (an `explain` field on each rule of `--format json`).

use std::fmt::Write;

use serde::Serialize;
use serde_json::Value as Json;

use crate::diagnostic::Location;
use crate::eval::explain::{ClauseExplanation, ClauseResult, RuleExplanation, Shown, Step};
use crate::eval::value::format_number;
use crate::levels::Outcome;
use crate::outcome::{Evaluation, Status};
use crate::render::json::{test_doc, TestDoc};

/// The explanation of every rule as indented text, one block per rule, in rule order.
pub fn render_text(e: &Evaluation, explained: &[RuleExplanation]) -> String {
    let mut out = String::new();
    for (i, rule) in explained.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&rule_text(e, rule));
    }
    out
}

/// One rule: a heading line, then each clause with its verdict and its steps.
pub fn rule_text(e: &Evaluation, rule: &RuleExplanation) -> String {
    let mut out = String::new();
    let result = e.rule(&rule.id);
    let _ = write!(out, "{}", rule.id);
    if let Some(r) = result {
        let _ = write!(out, ": {} ({})", r.outcome, r.status.as_str());
        if let (Status::Waived, Some(w)) = (r.status, &r.waiver) {
            let _ = write!(out, ", would {}", w.would_be);
        }
        if let Some(t) = &r.title {
            let _ = write!(out, " — {t}");
        }
        let _ = write!(
            out,
            "\n  at {}:{}:{}",
            r.location.file, r.location.line, r.location.column
        );
    }
    out.push('\n');
    for clause in &rule.clauses {
        let _ = writeln!(out, "  {}", clause.text);
        step_text(&mut out, &clause.condition, 4);
        let _ = writeln!(out, "    ⇒ {}", verdict(clause));
    }
    out
}

fn verdict(c: &ClauseExplanation) -> String {
    match (c.result, c.contributes) {
        (ClauseResult::Fired, Some(o)) => format!("fires: {o}"),
        (ClauseResult::Missing, Some(Outcome::Pass)) => {
            "unknown: missing evidence, which this rule lets pass".to_string()
        }
        (ClauseResult::Missing, Some(o)) => {
            format!("unknown: missing evidence counts as {o}")
        }
        _ => "does not fire".to_string(),
    }
}

fn step_text(out: &mut String, step: &Step, indent: usize) {
    let _ = write!(out, "{:indent$}{} = {}", "", step.text, step.value);
    if let Some(note) = &step.note {
        let _ = write!(out, "   [{note}]");
    }
    out.push('\n');
    for test in &step.tests {
        let _ = writeln!(out, "{:indent$}  test {test}", "", indent = indent);
    }
    for child in &step.children {
        step_text(out, child, indent + 2);
    }
}

#[derive(Serialize)]
struct RuleDoc<'a> {
    clauses: Vec<ClauseDoc<'a>>,
}

#[derive(Serialize)]
struct ClauseDoc<'a> {
    clause: &'a str,
    outcome: Outcome,
    kind: &'static str,
    location: &'a Location,
    result: &'static str,
    contributes: Option<Outcome>,
    condition: StepDoc<'a>,
}

#[derive(Serialize)]
struct StepDoc<'a> {
    expr: &'a str,
    value: Json,
    unknown: bool,
    missing: &'a [String],
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tests: Vec<TestDoc<'a>>,
    children: Vec<StepDoc<'a>>,
}

/// One rule's explanation as the JSON `explain` field.
pub fn rule_json(rule: &RuleExplanation) -> Json {
    let doc = RuleDoc {
        clauses: rule
            .clauses
            .iter()
            .map(|c| ClauseDoc {
                clause: &c.text,
                outcome: c.outcome,
                kind: if c.unless { "unless" } else { "when" },
                location: &c.location,
                result: c.result.as_str(),
                contributes: c.contributes,
                condition: step_doc(&c.condition),
            })
            .collect(),
    };
    serde_json::to_value(doc).unwrap_or(Json::Null)
}

fn step_doc(step: &Step) -> StepDoc<'_> {
    StepDoc {
        expr: &step.text,
        value: shown_json(&step.value),
        unknown: step.value.is_unknown(),
        missing: step.value.missing(),
        note: step.note.as_deref(),
        tests: step.tests.iter().map(test_doc).collect(),
        children: step.children.iter().map(step_doc).collect(),
    }
}

/// A value as JSON: numbers (rounded as reports print them), booleans, strings, lists; a
/// collection as `{count, kept, uncertain}`; unknown as null.
fn shown_json(v: &Shown) -> Json {
    match v {
        // Integers as integers; other numbers rounded as reports print them.
        // Integral and below 2^53 in magnitude: the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        Shown::Number(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Json::from(*x as i64),
        Shown::Number(x) => format_number(*x)
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Json::Null, Json::Number),
        Shown::Bool(b) => Json::Bool(*b),
        Shown::Str(s) => Json::String(s.clone()),
        Shown::Severity(s) => Json::String(s.as_str().to_string()),
        Shown::List(items) => Json::Array(items.iter().map(shown_json).collect()),
        Shown::Elements(e) => serde_json::json!({
            "count": e.count,
            "kind": e.kind,
            "kept": e.kept,
            "uncertain": e.uncertain.iter().map(|(element, missing)| serde_json::json!({
                "element": element,
                "missing": missing,
            })).collect::<Vec<_>>(),
            "empty_family": e.empty_family,
        }),
        Shown::Unknown(_) => Json::Null,
    }
}

/// `--format json --explain`: the JSON document of [`super::json`] with an `explain` field
/// added to each rule. Existing fields are unchanged.
pub fn json_with_explain(e: &Evaluation, explained: &[RuleExplanation]) -> Json {
    let mut doc = super::json::to_value(e);
    if let Some(Json::Array(rules)) = doc.get_mut("rules") {
        for rule in rules.iter_mut() {
            let id = rule.get("id").and_then(Json::as_str).map(str::to_string);
            let found = id.and_then(|id| explained.iter().find(|x| x.id == id));
            if let (Some(obj), Some(x)) = (rule.as_object_mut(), found) {
                obj.insert("explain".to_string(), rule_json(x));
            }
        }
    }
    doc
}

/// Pretty-printed [`json_with_explain`] with a trailing newline.
pub fn render_json(e: &Evaluation, explained: &[RuleExplanation]) -> String {
    let mut text =
        serde_json::to_string_pretty(&json_with_explain(e, explained)).unwrap_or_default();
    text.push('\n');
    text
}
