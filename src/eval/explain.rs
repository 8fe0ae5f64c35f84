//! `--explain`: for every clause of every rule, each sub-expression as written with the value
//! it took, so a reader sees why a rule fired, passed or was missing.
//!
//! Computed only when asked. Each clause's compiled expression is walked, its source text
//! read from the spans the compiler kept, and every sub-expression's value comes from the one
//! evaluator, recording missing keys as the report does: the values shown are the values the
//! decision used, and a clause's verdict is folded by the same rules.
//!
//! What is shown, and what is left out:
//! - literals (`1%`, `"expert"`, `medium`, a list of literals) are not repeated as steps; the
//!   text of the comparison that uses them already says them;
//! - a metric function shows the metric's evidence (key, value, baseline, intervals, count)
//!   in a note;
//! - a `let` shows its value and, when it is not a literal, its definition as a child step;
//! - `C where P` shows the elements kept (and those left uncertain, with the keys that made
//!   them so); the predicate is evaluated per element and is not expanded further;
//! - both sides of `and`/`or` are shown, even when the first side decided the result.

use std::fmt;

use chrono::SecondsFormat;

use crate::compile::ir::{Expr, Node};
use crate::compile::Program;
use crate::diagnostic::Location;
use crate::evidence::{Bundle, Metric};
use crate::levels::{Outcome, Severity};
use crate::outcome::{Now, Status};
use crate::policy::Policy;
use crate::source::Sources;

use super::bind;
use super::expr::{Element, Evaluator};
use super::logic::contribution;
use super::record::Report;
use super::tests_read::TestsRead;
use super::value::{format_number, ElementKind, Missing, MissingKey, Selection, Value};
pub use crate::outcome::TestFacts;

/// How deep `let` definitions are expanded; deeper steps are shown without children.
const MAX_DEPTH: usize = 300;

/// How many elements of a collection are listed by name.
pub const MAX_LISTED: usize = 20;

/// The explanation of one rule: each clause in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleExplanation {
    pub id: String,
    pub clauses: Vec<ClauseExplanation>,
}

/// What a clause contributed to its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClauseResult {
    /// The clause fired with its severity.
    Fired,
    /// The condition was unknown: the clause contributed the rule's `missing` outcome (or
    /// its own severity).
    Missing,
    /// The clause did not fire.
    Quiet,
}

impl ClauseResult {
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseResult::Fired => "fired",
            ClauseResult::Missing => "missing",
            ClauseResult::Quiet => "not fired",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClauseExplanation {
    /// The clause as written (`block when regression(sycophancy) > 1%`), white space runs
    /// folded to one space.
    pub text: String,
    pub location: Location,
    pub outcome: Outcome,
    pub unless: bool,
    pub result: ClauseResult,
    /// The outcome the clause contributed, if any (before waivers).
    pub contributes: Option<Outcome>,
    /// The condition and its sub-expressions.
    pub condition: Step,
}

/// One sub-expression with the value it took.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The expression as written, white space runs folded to one space.
    pub text: String,
    pub value: Shown,
    /// What the value was computed from, where that is not a child step (a metric's evidence,
    /// who signed).
    pub note: Option<String>,
    /// The regression tests the step read (STATISTICS.md section 4): one for a significance
    /// function, one per member for `where` over a family that reads one.
    pub tests: Vec<TestFacts>,
    pub children: Vec<Step>,
}

/// A value as explained.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    Number(f64),
    Bool(bool),
    Str(String),
    Severity(Severity),
    List(Vec<Shown>),
    /// A collection: the elements it holds.
    Elements(Elements),
    /// Unknown, with the evidence keys that were missing.
    Unknown(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Elements {
    /// `flag` or `metric`.
    pub kind: &'static str,
    /// How many elements are surely in the collection.
    pub count: usize,
    /// Those elements, as labels (`F-12 (expert, tester-3, …)`); the first
    /// [`MAX_LISTED`] only.
    pub kept: Vec<String>,
    /// Elements whose membership is unknown, with the keys that left them so.
    pub uncertain: Vec<(String, Vec<String>)>,
    /// A family that matched no metric: its glob.
    pub empty_family: Option<String>,
}

impl RuleExplanation {
    /// The clause that decided `result`: the first that contributed the rule's outcome (its
    /// outcome before a waiver), a fired clause before a missing one.
    pub fn deciding(&self, result: &crate::RuleResult) -> Option<&ClauseExplanation> {
        let wanted = match (&result.waiver, result.status) {
            (Some(w), Status::Waived) => w.would_be,
            _ => result.outcome,
        };
        let first = |kind: ClauseResult| {
            self.clauses
                .iter()
                .find(|c| c.result == kind && c.contributes == Some(wanted))
        };
        first(ClauseResult::Fired).or_else(|| first(ClauseResult::Missing))
    }
}

impl ClauseExplanation {
    /// The values the clause read, one level down: `regression(sycophancy) = 0.031`, with
    /// what they came from where that is a note (who signed, and until when).
    pub fn values(&self) -> String {
        let c = &self.condition;
        let steps: Vec<&Step> = if c.children.is_empty() {
            vec![c]
        } else {
            c.children.iter().collect()
        };
        let mut parts: Vec<String> = steps
            .iter()
            .map(|s| match &s.note {
                Some(note) if s.children.is_empty() => format!("{} = {} [{note}]", s.text, s.value),
                _ => format!("{} = {}", s.text, s.value),
            })
            .collect();
        if let (Some(note), false) = (&c.note, c.children.is_empty()) {
            parts.push(format!("[{note}]"));
        }
        parts.join("; ")
    }
}

impl Shown {
    pub fn is_unknown(&self) -> bool {
        matches!(self, Shown::Unknown(_))
    }

    /// The missing keys of an unknown value; empty otherwise.
    pub fn missing(&self) -> &[String] {
        match self {
            Shown::Unknown(keys) => keys,
            _ => &[],
        }
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Number(x) => f.write_str(&format_number(*x)),
            Shown::Bool(b) => write!(f, "{b}"),
            Shown::Str(s) => write!(f, "{s:?}"),
            Shown::Severity(s) => f.write_str(s.as_str()),
            Shown::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Shown::Elements(e) => {
                if let Some(glob) = &e.empty_family {
                    return write!(f, "no metric matches {glob}");
                }
                let n = e.count;
                write!(f, "{n} {}{}", e.kind, if n == 1 { "" } else { "s" })?;
                if !e.kept.is_empty() {
                    write!(f, ": {}", e.kept.join(", "))?;
                }
                if n > e.kept.len() {
                    write!(f, ", … {} more", n - e.kept.len())?;
                }
                if !e.uncertain.is_empty() {
                    write!(f, "; {} uncertain: ", e.uncertain.len())?;
                    for (i, (label, keys)) in e.uncertain.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{label} (missing {})", keys.join(", "))?;
                    }
                }
                Ok(())
            }
            Shown::Unknown(keys) => {
                // Keys are evidence keys; a parenthesised entry is a reason without a key
                // (`(division by zero)`).
                let (reasons, keys): (Vec<&String>, Vec<&String>) =
                    keys.iter().partition(|k| k.starts_with('('));
                let mut parts = Vec::new();
                if !keys.is_empty() {
                    let keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
                    parts.push(format!("missing {}", keys.join(", ")));
                }
                parts.extend(
                    reasons
                        .iter()
                        .map(|r| r.trim_matches(['(', ')']).to_string()),
                );
                if parts.is_empty() {
                    f.write_str("unknown")
                } else {
                    write!(f, "unknown ({})", parts.join("; "))
                }
            }
        }
    }
}

/// Explain every rule of `policy` on `bundle` at `now`, in the order of
/// [`crate::Evaluation::rules`].
pub fn explain(policy: &Policy, bundle: &Bundle, now: Now) -> Vec<RuleExplanation> {
    let program = policy.program();
    let bound = bind::bind(program, policy.plan(), bundle, now.value);
    let ev = Evaluator::<Report>::new(program, bundle, &bound);
    let explainer = Explainer {
        ev: &ev,
        program,
        bundle,
        sources: policy.sources(),
        now,
    };
    program
        .rules
        .iter()
        .enumerate()
        .map(|(index, rule)| explainer.rule(rule, policy.plan().tests(index)))
        .collect()
}

struct Explainer<'e, 'a> {
    ev: &'e Evaluator<'a, Report>,
    program: &'a Program,
    bundle: &'a Bundle,
    sources: &'a Sources,
    now: Now,
}

impl<'a> Explainer<'_, 'a> {
    fn rule(
        &self,
        rule: &'a crate::compile::ir::Rule,
        tests: &[super::plan::Test],
    ) -> RuleExplanation {
        let clauses = rule
            .clauses
            .iter()
            .enumerate()
            .map(|(k, clause)| {
                // The clause's truth exactly as the decision took it.
                let truth = self.ev.clause_truth(tests.get(k), clause);
                let value = match &truth {
                    Ok(b) => Shown::Bool(*b),
                    Err(keys) => Shown::Unknown(self.key_names(keys.clone())),
                };
                let contributes =
                    contribution(clause.outcome, clause.unless, truth.ok(), rule.missing);
                let result = match contributes {
                    Some((_, Status::Fired)) => ClauseResult::Fired,
                    Some(_) => ClauseResult::Missing,
                    None => ClauseResult::Quiet,
                };
                let mut condition = self.step_with(&clause.condition, value, 0);
                dedupe_notes(&mut condition, &mut Vec::new());
                ClauseExplanation {
                    text: self.text(clause.span),
                    location: self.location(clause.span),
                    outcome: clause.outcome,
                    unless: clause.unless,
                    result,
                    contributes: contributes.map(|(o, _)| o),
                    condition,
                }
            })
            .collect();
        RuleExplanation {
            id: rule.id.clone(),
            clauses,
        }
    }

    fn text(&self, span: crate::span::Span) -> String {
        fold_space(self.sources.get(span.file).slice(span))
    }

    fn location(&self, span: crate::span::Span) -> Location {
        let file = self.sources.get(span.file);
        let (line, column) = file.line_col(span.start as usize);
        Location {
            file: file.name.clone(),
            line,
            column,
        }
    }

    fn value(&self, e: &'a Expr) -> Shown {
        match self.ev.eval(e, Element::None) {
            Ok(v) => self.shown(&v),
            Err(keys) => Shown::Unknown(self.key_names(keys)),
        }
    }

    fn key_names(&self, keys: Missing) -> Vec<String> {
        keys.into_iter()
            .map(|k: MissingKey| super::missing_key_name(self.program, self.bundle, k))
            .collect()
    }

    fn shown(&self, v: &Value<'_, Missing>) -> Shown {
        match v {
            Value::Number(x) => Shown::Number(*x),
            Value::Bool(b) => Shown::Bool(*b),
            Value::Str(s) => Shown::Str((*s).to_string()),
            Value::Severity(s) => Shown::Severity(*s),
            Value::List(items) => Shown::List(items.iter().map(|i| self.shown(i)).collect()),
            Value::Selection(s) => Shown::Elements(self.elements(s)),
        }
    }

    fn elements(&self, s: &Selection<Missing>) -> Elements {
        let label = |index: u32| match s.kind {
            ElementKind::Flags => self.flag_label(index),
            ElementKind::Metrics(_) => self
                .bundle
                .metrics
                .get_index(index as usize)
                .map_or_else(|| format!("metrics[{index}]"), |(k, _)| k.clone()),
        };
        let mut kept = Vec::new();
        let mut uncertain = Vec::new();
        for (index, missing) in &s.items {
            match missing {
                None => kept.push(label(*index)),
                Some(keys) => uncertain.push((label(*index), self.key_names(keys.clone()))),
            }
        }
        let kept_count = kept.len();
        kept.truncate(MAX_LISTED);
        Elements {
            count: kept_count,
            kind: match s.kind {
                ElementKind::Flags => "flag",
                ElementKind::Metrics(_) => "metric",
            },
            kept,
            uncertain,
            empty_family: s.empty_family.map(|f| {
                self.program
                    .families
                    .get(f as usize)
                    .map_or_else(|| "?".to_string(), |f| f.glob.clone())
            }),
        }
    }

    fn flag_label(&self, index: u32) -> String {
        let Some(flag) = self.bundle.flags.get(index as usize) else {
            return format!("flags[{index}]");
        };
        let id = flag
            .id()
            .map_or_else(|| format!("flags[{index}]"), str::to_string);
        let mut parts = vec![&*flag.source];
        if let Some(author) = &flag.author {
            parts.push(author);
        }
        parts.push(&flag.category);
        parts.push(flag.severity.as_str());
        format!("{id} ({})", parts.join(", "))
    }

    fn step(&self, e: &'a Expr, depth: usize) -> Step {
        let value = self.value(e);
        self.step_with(e, value, depth)
    }

    fn step_with(&self, e: &'a Expr, value: Shown, depth: usize) -> Step {
        Step {
            text: self.text(e.span),
            value,
            note: self.note(e),
            tests: TestsRead::new(self.program, self.bundle, self.ev.bound).of_step(e),
            children: if depth >= MAX_DEPTH {
                Vec::new()
            } else {
                self.children(e, depth + 1)
            },
        }
    }

    fn children(&self, e: &'a Expr, depth: usize) -> Vec<Step> {
        let children = match &e.node {
            Node::Let(i) => return self.let_definition(*i, depth).into_iter().collect(),
            // A predicate is evaluated per element: the collection's step lists the elements.
            Node::Where { collection, .. } => vec![&**collection],
            _ => e.children(),
        };
        children
            .into_iter()
            .filter(|c| !c.is_literal())
            .map(|c| self.step(c, depth))
            .collect()
    }

    /// A `let`'s definition as a step, unless it is a literal.
    fn let_definition(&self, slot: usize, depth: usize) -> Option<Step> {
        let slot = self.program.lets.get(slot)?;
        if slot.value.is_literal() {
            return None;
        }
        Some(self.step(&slot.value, depth))
    }

    fn note(&self, e: &Expr) -> Option<String> {
        match &e.node {
            Node::Metric { metric, .. } | Node::NNeeded { metric, .. } => {
                let slot = self.program.metrics.get(*metric)?;
                let (_, m) = self.bundle.metrics.get_key_value(&slot.key)?;
                Some(format!("{}: {}", slot.key, metric_facts(m)))
            }
            Node::Has(metric) => {
                let slot = self.program.metrics.get(*metric)?;
                Some(slot.key.clone())
            }
            Node::HasFamily(f) | Node::Family(f) => {
                let slot = self.program.families.get(*f)?;
                Some(slot.glob.clone())
            }
            Node::Signed(role) => {
                let role = self.program.roles.get(*role)?;
                Some(self.signoff_note(role))
            }
            _ => None,
        }
    }

    fn signoff_note(&self, role: &str) -> String {
        let at = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut expired = Vec::new();
        let verdicts = &self.ev.bound.approvals.signoffs;
        for (s, verdict) in self.bundle.signoffs.iter().zip(verdicts) {
            if s.role != role {
                continue;
            }
            if let Err(refusal) = verdict {
                expired.push(format!("{} does not count ({})", s.by, refusal.reason(s)));
                continue;
            }
            match (s.holds_at(self.now.value), s.expires.as_ref().map(|e| e.at)) {
                (false, Some(e)) => expired.push(format!("{} expired {}", s.by, at(e))),
                (false, None) => {}
                (true, Some(e)) => return format!("{role}: signed by {} until {}", s.by, at(e)),
                (true, None) => return format!("{role}: signed by {}", s.by),
            }
        }
        if expired.is_empty() {
            let roles = self.bundle.signoffs.iter().map(|s| s.role.as_str());
            match crate::suggest::closest(role, roles) {
                Some(near) => format!(
                    "{role}: no sign-off in the evidence; one is for `{near}`: did you mean it?"
                ),
                None => format!("{role}: no sign-off in the evidence"),
            }
        } else {
            format!("{role}: sign-off by {}", expired.join(", "))
        }
    }
}

/// A metric's evidence, as a note: `value 0.21, baseline 0.09, stderr 0.004, n 1800`.
fn metric_facts(m: &Metric) -> String {
    let n = format_number;
    let mut parts = vec![format!("value {}", n(m.value()))];
    if let Some(b) = m.baseline() {
        parts.push(format!("baseline {}", n(b)));
    }
    if let Some(s) = m.stderr() {
        parts.push(format!("stderr {}", n(s)));
    }
    if let Some((lo, hi)) = m.ci() {
        parts.push(format!("ci [{}, {}]", n(lo), n(hi)));
    }
    if let Some(s) = m.baseline_stderr() {
        parts.push(format!("baseline_stderr {}", n(s)));
    }
    if let Some((lo, hi)) = m.baseline_ci() {
        parts.push(format!("baseline_ci [{}, {}]", n(lo), n(hi)));
    }
    if let Some(count) = m.n() {
        parts.push(format!("n {count}"));
    }
    parts.join(", ")
}

/// A note is said once per clause: where a metric appears twice, its evidence is shown at
/// its first appearance only.
fn dedupe_notes(step: &mut Step, seen: &mut Vec<String>) {
    if let Some(note) = step.note.take() {
        if !seen.contains(&note) {
            seen.push(note.clone());
            step.note = Some(note);
        }
    }
    for child in &mut step.children {
        dedupe_notes(child, seen);
    }
}

/// Source text on one line: each line break, with the indentation around it, becomes one
/// space; white space within a line is kept as written.
fn fold_space(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}
