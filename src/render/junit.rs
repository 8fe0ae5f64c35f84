//! `--format junit`: one test case per rule, for CI systems that show test reports.
//!
//! A rule that blocks or needs review is a failure (`type` is its outcome, or `missing` when
//! missing evidence put it there, and the message says which keys were missing). A rule that
//! warns passes, with the warning in its `system-out`; so does a waived rule, with the waiver.
//! Warnings about the evaluation itself (ignored waivers) go to the suite's `system-out`.

use std::fmt::Write;

use chrono::SecondsFormat;

use crate::eval::explain::RuleExplanation;
use crate::levels::Outcome;
use crate::outcome::{Evaluation, RuleResult, Status};

/// Render the report. `explained`, when given, adds each rule's explanation to its failure
/// text or output.
pub fn render(e: &Evaluation, explained: Option<&[RuleExplanation]>) -> String {
    let failures = e.rules.iter().filter(|r| is_failure(r)).count();
    let tests = e.rules.len();
    let mut suite_name = e.policy.name.clone();
    if let Some(v) = &e.policy.version {
        let _ = write!(suite_name, " {v}");
    }
    let timestamp = e.now.value.to_rfc3339_opts(SecondsFormat::Secs, true);

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"tollgate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\" timestamp=\"{}\">",
        attr(&suite_name),
        attr(&timestamp)
    );
    let _ = writeln!(out, "    <properties>");
    let mut prop = |name: &str, value: &str| {
        let _ = writeln!(
            out,
            "      <property name=\"{}\" value=\"{}\"/>",
            attr(name),
            attr(value)
        );
    };
    prop("decision", e.decision.as_str());
    if let Some(c) = &e.candidate {
        prop("candidate", c);
    }
    if let Some(b) = &e.baseline {
        prop("baseline", b);
    }
    prop("policy", &e.policy.path);
    prop("policy.sha256", &e.policy.sha256);
    for (i, f) in e.evidence.iter().enumerate() {
        prop(&format!("evidence.{i}"), &f.path);
        prop(&format!("evidence.{i}.sha256"), &f.sha256);
    }
    prop("now", &timestamp);
    let _ = writeln!(out, "    </properties>");

    for r in &e.rules {
        let explanation = explained
            .and_then(|x| x.iter().find(|x| x.id == r.id))
            .map(|x| super::explain::rule_text(e, x));
        case(&mut out, e, r, explanation.as_deref());
    }

    if !e.warnings.is_empty() {
        let text: Vec<String> = e.warnings.iter().map(|w| format!("warning: {w}")).collect();
        let _ = writeln!(
            out,
            "    <system-out>{}</system-out>",
            body(&text.join("\n"))
        );
    }
    let _ = writeln!(out, "  </testsuite>");
    let _ = writeln!(out, "</testsuites>");
    out
}

fn is_failure(r: &RuleResult) -> bool {
    r.outcome >= Outcome::Review
}

fn case(out: &mut String, e: &Evaluation, r: &RuleResult, explanation: Option<&str>) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"0\"",
        attr(&r.id),
        attr(&e.policy.name),
        attr(&r.location.file),
        r.location.line
    );
    let location = format!(
        "at {}:{}:{}",
        r.location.file, r.location.line, r.location.column
    );
    let missing = if r.missing.is_empty() {
        None
    } else {
        Some(format!("missing evidence: {}", r.missing.join(", ")))
    };

    if is_failure(r) {
        let (kind, message) = if r.status == Status::Missing {
            (
                "missing",
                format!(
                    "{}: {}",
                    r.outcome,
                    missing.clone().unwrap_or_else(|| "missing evidence".into())
                ),
            )
        } else {
            (r.outcome.as_str(), format!("{}: {}", r.outcome, summary(r)))
        };
        let mut detail = vec![message.clone()];
        if r.status != Status::Missing {
            detail.extend(missing.clone());
        } else {
            detail.push(summary(r));
        }
        detail.push(location);
        detail.extend(explanation.map(str::to_string));
        let _ = writeln!(out, ">");
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{kind}\">{}</failure>",
            attr(&message),
            body(&detail.join("\n"))
        );
        let _ = writeln!(out, "    </testcase>");
        return;
    }

    let mut lines = Vec::new();
    match (r.outcome, r.status, &r.waiver) {
        (_, Status::Waived, Some(w)) => lines.push(format!(
            "waived: would {}; waived by {} ({}) until {}: {}",
            w.would_be,
            w.by,
            w.role,
            w.expires.to_rfc3339_opts(SecondsFormat::Secs, true),
            w.reason
        )),
        (Outcome::Warn, _, _) => lines.push(format!("warning: {}", summary(r))),
        _ => {}
    }
    if let Some(m) = &missing {
        lines.push(m.clone());
    }
    if !lines.is_empty() {
        lines.push(location);
    }
    lines.extend(explanation.map(str::to_string));
    if lines.is_empty() {
        let _ = writeln!(out, "/>");
    } else {
        let _ = writeln!(out, ">");
        let _ = writeln!(
            out,
            "      <system-out>{}</system-out>",
            body(&lines.join("\n"))
        );
        let _ = writeln!(out, "    </testcase>");
    }
}

/// The rule's title and message, whichever it has; its id when it has neither.
fn summary(r: &RuleResult) -> String {
    match (&r.title, &r.message) {
        (Some(t), Some(m)) => format!("{t}: {m}"),
        (Some(t), None) => t.clone(),
        (None, Some(m)) => m.clone(),
        (None, None) => r.id.clone(),
    }
}

/// Characters XML 1.0 cannot hold at all become U+FFFD.
fn xml_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        c if (c as u32) < 0x20 => '\u{fffd}',
        '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
        c => c,
    }
}

/// An attribute value (double-quoted): line breaks kept as character references.
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(xml_char) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// Element text.
pub fn body(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(xml_char) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}
