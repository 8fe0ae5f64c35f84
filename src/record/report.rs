//! What `verify` prints: whether the record holds, and if not, every difference.

use std::fmt::Write;

use chrono::SecondsFormat;
use serde_json::{json, Value as Json};

use super::read::compact;
use super::verify::{Difference, FileState, SignatureCheck, Verification};

fn value(v: Option<&Json>) -> String {
    v.map_or_else(|| "absent".to_string(), compact)
}

/// `block (fired)`, from a rule's result as the record writes it.
fn result(rule: &Json) -> String {
    let word = |key: &str| rule.get(key).and_then(Json::as_str).unwrap_or("?");
    format!("{} ({})", word("outcome"), word("status"))
}

/// One line per difference, as the human report and the JSON `differences` list say it.
pub fn describe(d: &Difference) -> String {
    match d {
        Difference::Field {
            path,
            recorded,
            now,
            ..
        } => format!(
            "{path}: recorded {}, now {}",
            value(recorded.as_ref()),
            value(now.as_ref())
        ),
        Difference::RuleGone { path, id } => {
            format!("{path}: rule {id} recorded, but the policy no longer has it")
        }
        Difference::RuleNew { id, now } => {
            format!("rule {id}: not in the record, now {}", result(now))
        }
        Difference::RuleMoved { path, id, now } => {
            format!("{path}: rule {id} recorded here, now at rules[{now}]")
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
    match &v.signature {
        Some(SignatureCheck::Valid { signer, roles }) => {
            let _ = writeln!(
                out,
                "  signed by {} with key {} ({}:{})",
                roles.join(","),
                signer.fingerprint,
                signer.trust_file,
                signer.line
            );
        }
        Some(SignatureCheck::Missing) => {
            let _ = writeln!(out, "  signature: missing (no {name}.sig)");
        }
        Some(SignatureCheck::Invalid(why)) => {
            let _ = writeln!(out, "  signature: invalid: {why}");
        }
        None => {}
    }
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
                "\nresults: every field reproduces (decision {}, {} rule(s))",
                e.decision,
                e.rules.len()
            );
        }
        Some(_) => {
            let _ = writeln!(out, "\nresults: {} difference(s)", v.differences.len());
            // A rule's fields under a line naming the rule, so that `rules[3]` need not be
            // counted by hand.
            let mut rule = None;
            for d in &v.differences {
                let of = match d {
                    Difference::Field { rule, .. } => rule.as_deref(),
                    _ => None,
                };
                if of != rule {
                    if let Some(id) = of {
                        let _ = writeln!(out, "  rule {id}:");
                    }
                    rule = of;
                }
                let indent = if rule.is_some() { "    " } else { "  " };
                let _ = writeln!(out, "{indent}{}", describe(d));
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
        "differences": v.differences.iter().map(difference).collect::<Vec<_>>(),
        "signature": match &v.signature {
            None => Json::Null,
            Some(SignatureCheck::Missing) => json!({"state": "missing"}),
            Some(SignatureCheck::Invalid(why)) => json!({"state": "invalid", "reason": why}),
            Some(SignatureCheck::Valid { signer, roles }) => json!({
                "state": "valid",
                "roles": roles,
                "key": signer.fingerprint,
                "trust_file": signer.trust_file,
                "trust_line": signer.line,
            }),
        },
        "recorded_with": v.record.tool_version,
        "tool": crate::render::json::tool(),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A difference in the JSON report: where, which rule, both values (absent when the field
/// is missing on that side) and the line the human report prints.
fn difference(d: &Difference) -> Json {
    let (path, rule, recorded, now) = match d {
        Difference::Field {
            path,
            rule,
            recorded,
            now,
        } => (
            Some(path.as_str()),
            rule.as_deref(),
            recorded.clone(),
            now.clone(),
        ),
        Difference::RuleGone { path, id } => (Some(path.as_str()), Some(id.as_str()), None, None),
        Difference::RuleNew { id, now } => (None, Some(id.as_str()), None, Some(now.clone())),
        Difference::RuleMoved { path, id, .. } => {
            (Some(path.as_str()), Some(id.as_str()), None, None)
        }
    };
    let mut out = json!({ "path": path, "rule": rule, "text": describe(d) });
    if let Some(o) = out.as_object_mut() {
        for (key, v) in [("recorded", recorded), ("now", now)] {
            if let Some(v) = v {
                o.insert(key.to_string(), v);
            }
        }
    }
    out
}
