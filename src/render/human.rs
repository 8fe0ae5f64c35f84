//! The human report: what a release manager reads in a CI log. Decision first, then every
//! rule that blocks, needs review or warns — with its message, else the clause that decided it
//! and the values it read — then waived rules, then passed rules on one line.

use std::fmt::Write;

use chrono::SecondsFormat;
use owo_colors::{OwoColorize, Style};

use crate::eval::explain::RuleExplanation;
use crate::evidence::{InputFormat, Role};
use crate::levels::Outcome;
use crate::outcome::{Evaluation, NowSource, RuleResult, Status};

/// Render the report; `explained` (from [`crate::eval::explain::explain`]) gives the deciding
/// clause of a rule without a message; `color` adds ANSI colours (only for a terminal).
pub fn render(e: &Evaluation, explained: &[RuleExplanation], color: bool) -> String {
    let deciding = |r: &RuleResult| {
        explained
            .iter()
            .find(|x| x.id == r.id)
            .and_then(|x| x.deciding(r))
    };
    let paint = |text: &str, style: Style| {
        if color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    };
    let outcome_style = |o: Outcome| match o {
        Outcome::Block => Style::new().red().bold(),
        Outcome::Review => Style::new().yellow().bold(),
        Outcome::Warn => Style::new().magenta().bold(),
        Outcome::Pass => Style::new().green().bold(),
    };

    let mut out = String::new();
    let decision = e.decision.as_str().to_uppercase();
    let _ = write!(out, "{}", paint(&decision, outcome_style(e.decision)));
    let _ = write!(out, "  {}", e.policy.name);
    if let Some(v) = &e.policy.version {
        let _ = write!(out, " {v}");
    }
    if let Some(c) = &e.candidate {
        let _ = write!(out, " · candidate {c}");
    }
    if let Some(b) = &e.baseline {
        let _ = write!(out, " vs {b}");
    }
    let from = match e.now.from {
        NowSource::Option => "--now",
        NowSource::AsOf => "the bundle's as_of",
        NowSource::Clock => "the system clock",
    };
    let _ = writeln!(
        out,
        "\n  evaluated at {} (from {from})",
        e.now.value.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    // Files read through an importer, or as a baseline, say how they were read.
    for f in &e.evidence {
        if f.format == InputFormat::Tollgate && f.role == Role::Evidence {
            continue;
        }
        let role = match f.role {
            Role::Evidence => "evidence",
            Role::Baseline => "baseline",
        };
        let detected = if f.detected { ", detected" } else { "" };
        let prefix = f
            .prefix
            .as_ref()
            .map_or_else(String::new, |p| format!(", keys {p}.*"));
        let _ = writeln!(out, "  {role}: {} ({}{detected}{prefix})", f.path, f.format);
    }

    let counted: Vec<&RuleResult> = {
        let mut v: Vec<&RuleResult> = e
            .rules
            .iter()
            .filter(|r| r.outcome > Outcome::Pass)
            .collect();
        // Most severe first; source order within a severity.
        v.sort_by_key(|r| std::cmp::Reverse(r.outcome));
        v
    };
    if !counted.is_empty() {
        out.push('\n');
    }
    for r in counted {
        let label = format!("{:<6}", r.outcome.as_str());
        let _ = write!(out, "{}  {}", paint(&label, outcome_style(r.outcome)), r.id);
        if let Some(t) = &r.title {
            let _ = write!(out, " — {t}");
        }
        if r.status == Status::Missing {
            let _ = write!(out, " (missing evidence)");
        }
        out.push('\n');
        match (&r.message, deciding(r)) {
            (Some(m), _) => {
                let _ = writeln!(out, "        {m}");
            }
            (None, Some(c)) => {
                let _ = writeln!(out, "        {}", c.text);
                // A missing rule's values are unknown; the `missing:` line below says why.
                if r.status != Status::Missing {
                    let _ = writeln!(out, "          {}", c.values());
                }
            }
            (None, None) => {}
        }
        if !r.missing.is_empty() {
            let _ = writeln!(out, "        missing: {}", r.missing.join(", "));
        }
        for t in &r.tests {
            let _ = writeln!(out, "        test {t}");
        }
        let _ = writeln!(
            out,
            "        at {}:{}:{}",
            r.location.file, r.location.line, r.location.column
        );
    }

    let waived: Vec<&RuleResult> = e
        .rules
        .iter()
        .filter(|r| r.status == Status::Waived)
        .collect();
    if !waived.is_empty() {
        out.push('\n');
    }
    for r in waived {
        let _ = write!(out, "{}  {}", paint("waived", Style::new().cyan()), r.id);
        if let Some(w) = &r.waiver {
            let _ = write!(
                out,
                " — would {}; waived by {} ({}) until {}: {}",
                w.would_be,
                w.by,
                w.role,
                w.expires.to_rfc3339_opts(SecondsFormat::Secs, true),
                w.reason
            );
        }
        out.push('\n');
        if let Some(m) = &r.message {
            let _ = writeln!(out, "        {m}");
        }
    }

    let passed: Vec<&str> = e
        .rules
        .iter()
        .filter(|r| r.outcome == Outcome::Pass && r.status != Status::Waived)
        .map(|r| r.id.as_str())
        .collect();
    if !passed.is_empty() {
        let _ = writeln!(
            out,
            "\n{} ({}): {}",
            paint("passed", Style::new().green()),
            passed.len(),
            passed.join(", ")
        );
    }
    if !e.approvals.is_empty() {
        let _ = writeln!(out, "\nsigned approvals:");
        for a in &e.approvals {
            let _ = writeln!(
                out,
                "  - {} ({}, by {}): {}",
                a.what(),
                a.role,
                a.by,
                a.key()
            );
        }
    }
    if !e.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", paint("warnings:", Style::new().yellow()));
        for w in &e.warnings {
            let _ = writeln!(out, "  - {w}");
        }
    }
    out
}
