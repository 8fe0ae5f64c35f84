//! Why: each rule that did not pass, with the clause that decided it; the passed rules folded
//! away at the end.

use std::fmt::Write;

use crate::eval::explain::RuleExplanation;
use crate::levels::Outcome;
use crate::outcome::{Evaluation, RuleResult, Status};
use crate::policy::Policy;
use crate::render::context;

use super::{badge, code, escape, result_label};

pub fn render(out: &mut String, e: &Evaluation, policy: &Policy, explained: &[RuleExplanation]) {
    out.push_str("<section id=\"why\">\n<h2>Why</h2>\n");
    // Worst first; waived rules are listed under known limitations and approvals.
    let mut shown = 0;
    for level in [Outcome::Block, Outcome::Review, Outcome::Warn] {
        for r in e.rules.iter().filter(|r| r.outcome == level) {
            shown += 1;
            rule(out, r, policy, explained);
        }
    }
    if shown == 0 {
        out.push_str("<p class=\"none\">Every rule passed or was waived.</p>\n");
    }
    out.push_str("</section>\n");
}

fn rule(out: &mut String, r: &RuleResult, policy: &Policy, explained: &[RuleExplanation]) {
    let (class, label) = result_label(r);
    let _ = writeln!(
        out,
        "<div class=\"rule {class}\" data-rule=\"{id}\">\n<p>{badge} <strong>{id_code}</strong> {title} <span class=\"where\">{file}:{line}</span></p>",
        id = escape(&r.id),
        badge = badge(class, &label),
        id_code = code(&r.id),
        title = r.title.as_deref().map(escape).unwrap_or_default(),
        file = escape(&r.location.file),
        line = r.location.line,
    );
    let deciding = explained
        .iter()
        .find(|x| x.id == r.id)
        .and_then(|x| x.deciding(r));
    if let Some(c) = deciding {
        let _ = writeln!(
            out,
            "<p>Decided by {} <span class=\"where\">line {}</span>: {}</p>",
            code(&c.text),
            c.location.line,
            escape(&c.values())
        );
    }
    if let Some(m) = &r.message {
        let _ = writeln!(out, "<p class=\"message\">{}</p>", escape(m));
    }
    if !r.missing.is_empty() {
        let keys: Vec<String> = r.missing.iter().map(|k| code(k)).collect();
        let what = if r.status == Status::Missing {
            "Missing evidence"
        } else {
            "Also missing"
        };
        let _ = writeln!(out, "<p>{what}: {}</p>", keys.join(", "));
    }
    let roles = context::roles(policy.program(), &r.id);
    let mut who = Vec::new();
    if !roles.sign.is_empty() {
        let list: Vec<String> = roles.sign.iter().map(|s| code(s)).collect();
        who.push(format!("sign-off by {}", list.join(", ")));
    }
    if roles.waive.is_empty() {
        who.push("not waivable".to_string());
    } else {
        let list: Vec<String> = roles.waive.iter().map(|s| code(s)).collect();
        who.push(format!("waivable by {}", list.join(", ")));
    }
    let _ = writeln!(
        out,
        "<p class=\"where\">Cleared by: {}</p>\n</div>",
        who.join("; ")
    );
}

/// The rules that passed (not waived), folded away.
pub fn passed(out: &mut String, e: &Evaluation) {
    let passed: Vec<&RuleResult> = e
        .rules
        .iter()
        .filter(|r| r.outcome == Outcome::Pass && r.status != Status::Waived)
        .collect();
    let _ = writeln!(
        out,
        "<section id=\"passed\">\n<h2>Passed rules</h2>\n<details><summary>{} rule{} passed</summary>\n<table>\n<thead><tr><th>Rule</th><th>Title</th><th>Where</th></tr></thead>\n<tbody>",
        passed.len(),
        if passed.len() == 1 { "" } else { "s" }
    );
    for r in passed {
        let _ = writeln!(
            out,
            "<tr data-rule=\"{}\"><td>{} {}</td><td>{}</td><td class=\"where\">{}:{}</td></tr>",
            escape(&r.id),
            super::badge("pass", "pass"),
            code(&r.id),
            r.title.as_deref().map(escape).unwrap_or_default(),
            escape(&r.location.file),
            r.location.line
        );
    }
    out.push_str("</tbody>\n</table>\n</details>\n</section>\n");
}
