//! What `verify` prints: whether the record holds, and if not, every difference.

use std::fmt::Write;

use chrono::SecondsFormat;
use serde_json::{json, Value as Json};

use crate::levels::Outcome;
use crate::outcome::Status;

use super::verify::{Difference, FileState, Verification};

fn result(r: (Outcome, Status)) -> String {
    format!("{} ({})", r.0, r.1.as_str())
}

/// One line per difference, as the human report and the JSON `differences` list say it.
pub fn describe(d: &Difference) -> String {
    match d {
        Difference::Decision { recorded, now } => {
            format!("decision: recorded {recorded}, now {now}")
        }
        Difference::Rule { id, recorded, now } => format!(
            "rule {id}: recorded {}, now {}",
            result(*recorded),
            result(*now)
        ),
        Difference::RuleGone { id } => {
            format!("rule {id}: recorded, but the policy no longer has it")
        }
        Difference::RuleNew { id, now } => {
            format!("rule {id}: not in the record, now {}", result(*now))
        }
    }
}

/// The human report. `name` is the record's path as given.
pub fn render_human(v: &Verification, name: &str) -> String {
    let mut out = String::new();
    let r = &v.record;
    let mut subject = r.policy_name.clone();
    if let Some(version) = &r.policy_version {
        let _ = write!(subject, " {version}");
    }
    if let Some(c) = &r.candidate {
        let _ = write!(subject, " · candidate {c}");
    }
    let at = r.now.value.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    if v.reproduces() {
        let _ = writeln!(out, "verified: {name} reproduces");
    } else {
        let _ = writeln!(out, "NOT VERIFIED: {name} does not reproduce");
    }
    let _ = writeln!(
        out,
        "  {subject}\n  recorded decision {} at {at}",
        r.decision
    );
    if let Some(other) = v.other_tool_version() {
        let _ = writeln!(
            out,
            "  recorded with tollgate {other}; verified with {}",
            crate::render::json::tool().version
        );
    }

    let same = v
        .files
        .iter()
        .filter(|f| f.state == FileState::Same)
        .count();
    let _ = writeln!(out, "\nfiles: {same} of {} as recorded", v.files.len());
    for f in &v.files {
        let place = if f.resolved.as_os_str() == f.path.as_str() {
            String::new()
        } else {
            format!(" (read from {})", f.resolved.display())
        };
        match &f.state {
            FileState::Same => {
                let _ = writeln!(out, "  same      {} {}{place}", f.kind.as_str(), f.path);
            }
            FileState::Changed { sha256 } => {
                let _ = writeln!(
                    out,
                    "  CHANGED   {} {}{place}\n            sha256 recorded {}\n            sha256 now      {sha256}",
                    f.kind.as_str(),
                    f.path,
                    f.sha256
                );
            }
            FileState::Unreadable { reason } => {
                let _ = writeln!(
                    out,
                    "  MISSING   {} {}{place}: {reason}",
                    f.kind.as_str(),
                    f.path
                );
            }
        }
    }

    match &v.evaluation {
        None => {
            let _ = writeln!(out, "\nresults: could not evaluate again");
            for d in &v.errors {
                let place = d
                    .location
                    .as_ref()
                    .map(|l| format!("{}:{}:{}: ", l.file, l.line, l.column))
                    .unwrap_or_default();
                let _ = writeln!(out, "  {place}{}", d.message);
            }
        }
        Some(e) if v.differences.is_empty() => {
            let _ = writeln!(
                out,
                "\nresults: decision {} and all {} rule result(s) reproduce",
                e.decision,
                e.rules.len()
            );
        }
        Some(_) => {
            let _ = writeln!(out, "\nresults: {} difference(s)", v.differences.len());
            for d in &v.differences {
                let _ = writeln!(out, "  {}", describe(d));
            }
        }
    }
    out
}

/// The report as JSON.
pub fn render_json(v: &Verification, name: &str) -> String {
    let files: Vec<Json> = v
        .files
        .iter()
        .map(|f| {
            let (state, now) = match &f.state {
                FileState::Same => ("same", Some(f.sha256.as_str())),
                FileState::Changed { sha256 } => ("changed", Some(sha256.as_str())),
                FileState::Unreadable { .. } => ("missing", None),
            };
            json!({
                "kind": f.kind.as_str(),
                "path": f.path,
                "read_from": f.resolved.display().to_string(),
                "state": state,
                "recorded_sha256": f.sha256,
                "sha256": now,
            })
        })
        .collect();
    let doc = json!({
        "record": name,
        "verified": v.reproduces(),
        "decision": {
            "recorded": v.record.decision,
            "now": v.evaluation.as_ref().map(|e| e.decision),
        },
        "files": files,
        "errors": v.errors.iter().map(|d| d.message.clone()).collect::<Vec<_>>(),
        "differences": v.differences.iter().map(describe).collect::<Vec<_>>(),
        "recorded_with": v.record.tool_version,
        "tool": crate::render::json::tool(),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
