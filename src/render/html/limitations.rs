//! Known limitations: what the decision stands on less firmly — warnings, waivers in force,
//! missing evidence and the evaluation's notes (underpowered evals among them).

use std::fmt::Write;

use indexmap::IndexMap;

use crate::levels::Outcome;
use crate::outcome::{Evaluation, RuleResult, Status};

use super::{badge, code, escape, instant};

pub fn render(out: &mut String, e: &Evaluation) {
    out.push_str("<section id=\"limitations\">\n<h2>Known limitations</h2>\n<ul>\n");
    let mut any = false;
    for r in e.rules.iter().filter(|r| r.outcome == Outcome::Warn) {
        any = true;
        let _ = writeln!(
            out,
            "<li data-rule=\"{}\">{} {}: {}</li>",
            escape(&r.id),
            badge("warn", "warning"),
            code(&r.id),
            escape(
                r.message
                    .as_deref()
                    .or(r.title.as_deref())
                    .unwrap_or("warns")
            )
        );
    }
    for r in e.rules.iter().filter(|r| r.status == Status::Waived) {
        any = true;
        let _ = write!(
            out,
            "<li data-rule=\"{}\">{} {}",
            escape(&r.id),
            badge("waived", "waived"),
            code(&r.id)
        );
        if let Some(w) = &r.waiver {
            let _ = write!(
                out,
                ": would {}; waived by {} ({}) until {}. Reason: {}",
                w.would_be,
                escape(&w.by),
                code(&w.role),
                escape(&instant(w.expires)),
                escape(&w.reason)
            );
        }
        out.push_str("</li>\n");
    }
    let mut missing: IndexMap<&str, Vec<&RuleResult>> = IndexMap::new();
    for r in &e.rules {
        for key in &r.missing {
            missing.entry(key.as_str()).or_default().push(r);
        }
    }
    for (key, rules) in &missing {
        any = true;
        let needed: Vec<String> = rules
            .iter()
            .map(|r| format!("{} ({})", code(&r.id), r.outcome))
            .collect();
        let _ = writeln!(
            out,
            "<li>{} {} is missing; needed by {}</li>",
            badge("review", "missing"),
            code(key),
            needed.join(", ")
        );
    }
    for w in &e.warnings {
        any = true;
        let _ = writeln!(out, "<li>{} {}</li>", badge("waived", "note"), escape(w));
    }
    if !any {
        out.push_str("<li class=\"none\">None.</li>\n");
    }
    out.push_str("</ul>\n</section>\n");
}
