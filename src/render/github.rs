//! `--format github`: GitHub Actions workflow commands, so findings show as annotations on
//! the policy line in a pull request.
//!
//! A rule that blocks is an `error`, one that needs review a `warning`, one that warns a
//! `notice`. A rule that missing evidence made block or review is an `error` whose message
//! starts `missing evidence: …` (a rule whose `missing` outcome is `warn` or `pass` gets a
//! `notice` saying the same). A waived rule is a `notice` naming the waiver. Warnings about the
//! evaluation (ignored waivers) are `warning`s without a file, and one last line states the
//! decision.
//!
//! An annotation points at the clause that decided the rule (the first that fired with the
//! rule's outcome, or the first whose evidence was missing) when explanations are given,
//! else at the rule.
//!
//! Escaping follows the runner: in the message `%`, `\r`, `\n` become `%25`, `%0D`, `%0A`; in
//! property values `:` and `,` become `%3A` and `%2C` as well.

use std::fmt::Write;

use chrono::SecondsFormat;

use crate::diagnostic::Location;
use crate::eval::explain::RuleExplanation;
use crate::levels::Outcome;
use crate::outcome::{Evaluation, RuleResult, Status};

/// Render the annotations. `explained` (from [`crate::eval::explain::explain`], or empty)
/// places each one on its deciding clause.
pub fn render(e: &Evaluation, explained: &[RuleExplanation]) -> String {
    let mut out = String::new();
    for r in &e.rules {
        if let Some((level, title, message)) = annotation(r) {
            let at = place(r, explained);
            let _ = writeln!(
                out,
                "::{level} file={},line={},col={},title={}::{}",
                property(&at.file),
                at.line,
                at.column,
                property(&title),
                data(&message)
            );
        }
    }
    for w in &e.warnings {
        let _ = writeln!(
            out,
            "::warning title={}::{}",
            property("tollgate: evidence warning"),
            data(w)
        );
    }
    let level = match e.decision {
        Outcome::Block => "error",
        Outcome::Review => "warning",
        Outcome::Warn | Outcome::Pass => "notice",
    };
    let mut subject = e.policy.name.clone();
    if let Some(v) = &e.policy.version {
        let _ = write!(subject, " {v}");
    }
    let mut message = format!("{subject}: decision {}", e.decision);
    if let Some(c) = &e.candidate {
        let _ = write!(message, " for {c}");
    }
    let counted = e.rules.iter().filter(|r| r.outcome > Outcome::Pass).count();
    let _ = write!(
        message,
        " ({counted} of {} rule(s) did not pass)",
        e.rules.len()
    );
    let _ = writeln!(
        out,
        "::{level} title={}::{}",
        property(&format!("tollgate: {}", e.decision)),
        data(&message)
    );
    out
}

/// The clause that decided a rule, else the rule itself.
fn place<'a>(r: &'a RuleResult, explained: &'a [RuleExplanation]) -> &'a Location {
    explained
        .iter()
        .find(|x| x.id == r.id)
        .and_then(|x| x.deciding(r))
        .map_or(&r.location, |c| &c.location)
}

/// Level, title and message for one rule; `None` for a rule that passed cleanly.
fn annotation(r: &RuleResult) -> Option<(&'static str, String, String)> {
    let name = match &r.title {
        Some(t) => format!("{} — {t}", r.id),
        None => r.id.clone(),
    };
    let missing = || format!("missing evidence: {}", r.missing.join(", "));
    let with_message = |head: String| match &r.message {
        Some(m) => format!("{head}\n{m}"),
        None => head,
    };
    if r.status == Status::Waived {
        let w = r.waiver.as_ref()?;
        return Some((
            "notice",
            format!("{}: waived", r.id),
            format!(
                "{name}\nwould {}; waived by {} ({}) until {}: {}",
                w.would_be,
                w.by,
                w.role,
                w.expires.to_rfc3339_opts(SecondsFormat::Secs, true),
                w.reason
            ),
        ));
    }
    if r.status == Status::Missing {
        let level = if r.outcome >= Outcome::Review {
            "error"
        } else {
            "notice"
        };
        return Some((
            level,
            format!("{}: {} (missing evidence)", r.id, r.outcome),
            with_message(format!("{}\n{name}", missing())),
        ));
    }
    let level = match r.outcome {
        Outcome::Block => "error",
        Outcome::Review => "warning",
        Outcome::Warn => "notice",
        Outcome::Pass => return None,
    };
    let mut message = with_message(name);
    if !r.missing.is_empty() {
        let _ = write!(message, "\nalso {}", missing());
    }
    Some((level, format!("{}: {}", r.id, r.outcome), message))
}

/// A message: `%`, `\r`, `\n` escaped.
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as [`data`], and `:` and `,` too.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
