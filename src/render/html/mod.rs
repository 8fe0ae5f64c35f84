//! `--format html`: the launch report as one self-contained page — inline CSS and SVG, no
//! script, nothing fetched — for people who read a decision in a meeting or on paper.
//!
//! It reads what the other reports read ([`Evaluation`], the explanations, the policy's
//! [`super::context`]) plus the bundle's flags and approvals, and the forest plot's rows from
//! [`crate::eval::plotted`]. Every text that comes from a file goes through [`escape`].
//!
//! - [`page`]: the document and its style sheet (also used by `diff --format html`);
//! - [`banner`]: the decision, the policy, candidate and baseline, the files read;
//! - [`why`]: each rule that did not pass, and the passed rules folded away;
//! - [`forest`]: the forest plot of every metric a rule reads;
//! - [`flags`]: flags by source and severity;
//! - [`approvals`]: sign-offs and waivers;
//! - [`limitations`]: warnings, waivers in force, missing evidence, notes.

mod approvals;
mod banner;
mod flags;
mod forest;
mod limitations;
pub mod page;
mod why;

use crate::eval::explain::RuleExplanation;
use crate::eval::plotted;
use crate::evidence::Bundle;
use crate::levels::Outcome;
use crate::outcome::{Evaluation, RuleResult, Status};
use crate::policy::Policy;

/// Render the launch report. `explained` comes from [`crate::eval::explain::explain`] on the
/// same bundle and instant as `e`.
pub fn render(
    e: &Evaluation,
    policy: &Policy,
    bundle: &Bundle,
    explained: &[RuleExplanation],
) -> String {
    let rows = plotted::plotted(policy, bundle);
    let mut body = String::new();
    banner::render(&mut body, e, policy);
    why::render(&mut body, e, policy, explained);
    forest::render(&mut body, e, &rows);
    flags::render(&mut body, bundle);
    approvals::render(&mut body, e, policy, bundle);
    limitations::render(&mut body, e);
    why::passed(&mut body, e);
    let subject = e.candidate.as_deref().unwrap_or("this update");
    page::document(
        &format!("Launch report for {subject}: {}", e.decision),
        &body,
    )
}

/// Text or an attribute value that holds any string: `& < > " '` as references, and control
/// characters that HTML does not allow as U+FFFD. The one escaping function of the HTML
/// reports. (A carriage return is kept: the parser reads it as a line break, as HTML reads
/// every line break; no character reference can carry it.)
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if is_disallowed(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Characters an HTML document may not hold (controls and noncharacters): a parser reports
/// them, so the report never writes them.
fn is_disallowed(c: char) -> bool {
    let n = u32::from(c);
    (c.is_control() && c != '\n' && c != '\t' && c != '\r')
        || (0xFDD0..=0xFDEF).contains(&n)
        || (n & 0xFFFE) == 0xFFFE
}

/// The CSS class and the word of an outcome; the word always goes beside the colour.
fn outcome_class(o: Outcome) -> &'static str {
    match o {
        Outcome::Block => "block",
        Outcome::Review => "review",
        Outcome::Warn => "warn",
        Outcome::Pass => "pass",
    }
}

/// How a rule's result is labelled: its outcome, or `waived` for a waived rule.
fn result_label(r: &RuleResult) -> (&'static str, String) {
    match (r.status, &r.waiver) {
        (Status::Waived, Some(w)) => ("waived", format!("waived (would {})", w.would_be)),
        (Status::Waived, None) => ("waived", "waived".to_string()),
        (Status::Missing, _) => (
            outcome_class(r.outcome),
            format!("{} (missing evidence)", r.outcome),
        ),
        _ => (outcome_class(r.outcome), r.outcome.as_str().to_string()),
    }
}

/// A badge: the outcome's colour and its word.
fn badge(class: &str, label: &str) -> String {
    format!("<span class=\"badge {class}\">{}</span>", escape(label))
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", escape(s))
}

fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
