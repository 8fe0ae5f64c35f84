//! `--format markdown`: the launch report a release manager signs off on. GitHub-flavoured
//! markdown: the decision, what blocks, what needs review and who can clear it, known
//! limitations (warnings and waivers), missing evidence, and the files the decision was
//! made from with their sha256.

use std::fmt::Write;

use chrono::SecondsFormat;
use indexmap::IndexMap;

use crate::eval::explain::{ClauseResult, RuleExplanation};
use crate::eval::value::format_number;
use crate::evidence::Role;
use crate::levels::Outcome;
use crate::outcome::{Evaluation, NowSource, RuleResult, Status};
use crate::policy::Policy;

use super::context::{self, Roles};

/// Render the report. `explained` (from [`crate::eval::explain::explain`], or empty) gives
/// the clause that fired for a rule without a message; `details` adds a collapsed
/// explanation of every rule.
pub fn render(
    e: &Evaluation,
    policy: &Policy,
    explained: &[RuleExplanation],
    details: bool,
) -> String {
    let program = policy.program();
    let roles = |id: &str| context::roles(program, id);
    let mut out = String::new();

    let (icon, verdict) = match e.decision {
        Outcome::Block => ("⛔", "blocked"),
        Outcome::Review => ("🔍", "needs review"),
        Outcome::Warn => ("⚠️", "may launch, with warnings"),
        Outcome::Pass => ("✅", "may launch"),
    };
    let subject = e
        .candidate
        .as_deref()
        .map_or_else(|| "this update".to_string(), code);
    let _ = writeln!(out, "## {icon} Launch report for {subject}: {verdict}\n");

    let _ = writeln!(out, "| | |\n| --- | --- |");
    let _ = writeln!(out, "| Decision | **{}** |", e.decision);
    let _ = writeln!(
        out,
        "| Candidate | {} |",
        e.candidate
            .as_deref()
            .map_or_else(|| "(not stated)".into(), code)
    );
    let _ = writeln!(
        out,
        "| Baseline | {} |",
        e.baseline
            .as_deref()
            .map_or_else(|| "(not stated)".into(), code)
    );
    let mut policy_cell = text(&e.policy.name);
    if let Some(v) = &e.policy.version {
        let _ = write!(policy_cell, " {}", text(v));
    }
    if let Some(o) = &e.policy.owner {
        let _ = write!(policy_cell, " (owner: {})", text(o));
    }
    let _ = writeln!(out, "| Policy | {policy_cell} |");
    let from = match e.now.from {
        NowSource::Option => "given with --now",
        NowSource::AsOf => "the evidence's as_of",
        NowSource::Clock => "the system clock",
    };
    let _ = writeln!(
        out,
        "| Evaluated at | {} ({from}) |",
        e.now.value.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    let count = |pred: &dyn Fn(&RuleResult) -> bool| e.rules.iter().filter(|r| pred(r)).count();
    let _ = writeln!(
        out,
        "| Rules | {} in all: {} block, {} review, {} warn, {} waived, {} passed |",
        e.rules.len(),
        count(&|r| r.outcome == Outcome::Block),
        count(&|r| r.outcome == Outcome::Review),
        count(&|r| r.outcome == Outcome::Warn),
        count(&|r| r.status == Status::Waived),
        count(&|r| r.outcome == Outcome::Pass && r.status != Status::Waived),
    );

    let blocking: Vec<&RuleResult> = e
        .rules
        .iter()
        .filter(|r| r.outcome == Outcome::Block)
        .collect();
    let _ = writeln!(out, "\n### Blocking reasons\n");
    if blocking.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        rule_table(&mut out, &blocking, &roles, explained);
    }

    let review: Vec<&RuleResult> = e
        .rules
        .iter()
        .filter(|r| r.outcome == Outcome::Review)
        .collect();
    let _ = writeln!(out, "\n### Needs review\n");
    if review.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        rule_table(&mut out, &review, &roles, explained);
    }

    let _ = writeln!(out, "\n### Known limitations\n");
    let mut any = false;
    for r in e.rules.iter().filter(|r| r.outcome == Outcome::Warn) {
        any = true;
        let _ = writeln!(out, "- **Warning** {}: {}", rule_name(r), why(r, explained));
    }
    for r in e.rules.iter().filter(|r| r.status == Status::Waived) {
        any = true;
        let _ = write!(out, "- **Waived** {}", rule_name(r));
        if let Some(w) = &r.waiver {
            let _ = write!(
                out,
                ": would {}; waived by {} ({}) until {}. Reason: {}",
                w.would_be,
                text(&w.by),
                code(&w.role),
                w.expires.to_rfc3339_opts(SecondsFormat::Secs, true),
                text(&w.reason)
            );
        }
        out.push('\n');
    }
    for w in &e.warnings {
        any = true;
        let _ = writeln!(out, "- **Note** {}", text(w));
    }

    if !any {
        let _ = writeln!(out, "None.");
    }

    let _ = writeln!(out, "\n### Missing evidence\n");
    let mut missing: IndexMap<&str, Vec<&RuleResult>> = IndexMap::new();
    for r in &e.rules {
        for key in &r.missing {
            missing.entry(key.as_str()).or_default().push(r);
        }
    }
    if missing.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        let _ = writeln!(out, "| Evidence key | Needed by |\n| --- | --- |");
        for (key, rules) in &missing {
            let needed: Vec<String> = rules
                .iter()
                .map(|r| format!("{} ({}, {})", code(&r.id), r.outcome, r.status.as_str()))
                .collect();
            let _ = writeln!(out, "| {} | {} |", code(key), needed.join(", "));
        }
    }

    let passed: Vec<String> = e
        .rules
        .iter()
        .filter(|r| r.outcome == Outcome::Pass && r.status != Status::Waived)
        .map(|r| code(&r.id))
        .collect();
    if !passed.is_empty() {
        let _ = writeln!(out, "\n### Passed\n\n{}", passed.join(", "));
    }
    regression_tests(&mut out, e);

    if !e.approvals.is_empty() {
        let _ = writeln!(out, "\n### Signed approvals\n");
        for a in &e.approvals {
            let _ = writeln!(
                out,
                "- {} ({}, by {}): key {}",
                text(&a.what()),
                code(&a.role),
                text(&a.by),
                code(&a.key())
            );
        }
    }
    let _ = writeln!(out, "\n### Evidence\n");
    let _ = writeln!(out, "| File | Read as | sha256 |\n| --- | --- | --- |");
    for f in &e.evidence {
        let mut read_as = f.format.as_str().to_string();
        if f.role == Role::Baseline {
            read_as.push_str(", baseline");
        }
        if let Some(p) = &f.prefix {
            let _ = write!(read_as, ", keys prefixed {}", code(p));
        }
        let _ = writeln!(
            out,
            "| {} | {read_as} | {} |",
            code(&f.path),
            code(&f.sha256)
        );
    }
    let _ = writeln!(out, "\n| Policy file | sha256 |\n| --- | --- |");
    for f in context::policy_files(policy) {
        let _ = writeln!(out, "| {} | {} |", code(&f.path), code(&f.sha256));
    }

    if details {
        let _ = writeln!(out, "\n### Explanation\n");
        for x in explained {
            let _ = writeln!(
                out,
                "<details><summary>{}</summary>\n\n```text\n{}```\n\n</details>\n",
                html(&x.id),
                super::explain::rule_text(e, x).replace("```", "'''")
            );
        }
    }

    let _ = writeln!(
        out,
        "\n<sub>{} {}</sub>",
        super::json::tool().name,
        super::json::tool().version
    );
    out
}

/// Each regression test a rule read (STATISTICS.md section 4), numbers as reports print them.
fn regression_tests(out: &mut String, e: &Evaluation) {
    if e.rules.iter().all(|r| r.tests.is_empty()) {
        return;
    }
    let _ = writeln!(
        out,
        "\n### Regression tests\n\n| Rule | Metric | Method | Items | r | se | z | p | Adjusted p |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    let n = format_number;
    for r in &e.rules {
        for t in &r.tests {
            let items = match (t.k, t.n) {
                (Some(k), _) => format!("k {k}"),
                (None, Some(count)) => format!("n {count}"),
                (None, None) => String::from("—"),
            };
            let adjusted = t.adjusted.map_or_else(
                || String::from("—"),
                |(how, p, _)| format!("{} ({how})", n(p)),
            );
            let _ = writeln!(
                out,
                "| {} | {} | {} | {items} | {} | {} | {} | {} | {adjusted} |",
                code(&r.id),
                code(&t.key),
                text(&t.method),
                n(t.r),
                n(t.se),
                n(t.z),
                n(t.p)
            );
        }
    }
}

fn rule_table(
    out: &mut String,
    rules: &[&RuleResult],
    roles: &dyn Fn(&str) -> Roles,
    explained: &[RuleExplanation],
) {
    let _ = writeln!(
        out,
        "| Rule | Why | Sign-off or waiver | Where |\n| --- | --- | --- | --- |"
    );
    for r in rules {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            rule_name(r),
            why(r, explained),
            who_can(&roles(&r.id)),
            code(&format!("{}:{}", r.location.file, r.location.line))
        );
    }
}

fn rule_name(r: &RuleResult) -> String {
    match &r.title {
        Some(t) => format!("{} {}", code(&r.id), text(t)),
        None => code(&r.id),
    }
}

/// Why a rule did not pass: the missing evidence, and its message, else the clauses that
/// fired as written.
fn why(r: &RuleResult, explained: &[RuleExplanation]) -> String {
    let mut parts = Vec::new();
    if r.status == Status::Missing {
        parts.push(format!(
            "missing evidence: {}",
            r.missing
                .iter()
                .map(|k| code(k))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let fired: Vec<String> = explained
        .iter()
        .find(|x| x.id == r.id)
        .map(|x| {
            x.clauses
                .iter()
                .filter(|c| c.result == ClauseResult::Fired && c.contributes == Some(r.outcome))
                .map(|c| code(&c.text))
                .collect()
        })
        .unwrap_or_default();
    match &r.message {
        Some(m) => parts.push(text(m)),
        None if r.status == Status::Missing => {}
        None if !fired.is_empty() => parts.push(fired.join("; ")),
        None => parts.push(format!("{} fired", code(&r.id))),
    }
    if r.status != Status::Missing && !r.missing.is_empty() {
        parts.push(format!(
            "also missing: {}",
            r.missing
                .iter()
                .map(|k| code(k))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    parts.join("; ")
}

fn who_can(roles: &Roles) -> String {
    let list = |v: &[String]| v.iter().map(|r| code(r)).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    if !roles.sign.is_empty() {
        parts.push(format!("sign-off: {}", list(&roles.sign)));
    }
    if roles.waive.is_empty() {
        parts.push("not waivable".to_string());
    } else {
        parts.push(format!("waiver: {}", list(&roles.waive)));
    }
    parts.join("; ")
}

/// Text in a table cell or list item: markdown and HTML specials escaped, one line.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A code span that holds any text: a fence longer than any run of backticks inside, and
/// `|` escaped so a table cell stays whole.
pub fn code(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let longest = one_line
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if one_line.starts_with('`') || one_line.ends_with('`') || one_line.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{one_line}{pad}{fence}")
}

/// Text inside an HTML element.
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
