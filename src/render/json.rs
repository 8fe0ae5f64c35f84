//! `--format json`: the machine-readable evaluation of CLI.md.

use chrono::SecondsFormat;
use serde::Serialize;

use crate::diagnostic::Location;
use crate::levels::Outcome;
use crate::outcome::{Evaluation, NowSource, Status, TestFacts};

type Json = serde_json::Value;

#[derive(Serialize)]
struct Doc<'a> {
    policy: PolicyDoc<'a>,
    evidence: Vec<FileDoc<'a>>,
    candidate: Option<&'a str>,
    baseline: Option<&'a str>,
    now: NowDoc,
    decision: Outcome,
    rules: Vec<RuleDoc<'a>>,
    warnings: &'a [String],
    /// The signed approvals that counted, with their keys (TRUST.md); left out without trust.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    approvals: Vec<ApprovalDoc<'a>>,
    tool: ToolDoc,
}

#[derive(Serialize)]
struct ApprovalDoc<'a> {
    kind: &'static str,
    rule: Option<&'a str>,
    role: &'a str,
    by: &'a str,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    key: &'a str,
    trust_file: &'a str,
    trust_line: usize,
}

#[derive(Serialize)]
struct PolicyDoc<'a> {
    name: &'a str,
    version: Option<&'a str>,
    owner: Option<&'a str>,
    path: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct FileDoc<'a> {
    path: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct NowDoc {
    value: String,
    from: NowSource,
}

#[derive(Serialize)]
struct RuleDoc<'a> {
    id: &'a str,
    title: Option<&'a str>,
    outcome: Outcome,
    status: Status,
    message: Option<&'a str>,
    missing: &'a [String],
    waiver: Option<WaiverDoc<'a>>,
    location: &'a Location,
    /// The regression tests the rule read (STATISTICS.md section 4).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tests: Vec<TestDoc<'a>>,
}

#[derive(Serialize)]
struct WaiverDoc<'a> {
    role: &'a str,
    by: &'a str,
    reason: &'a str,
    expires: String,
    would_be: Outcome,
}

#[derive(Serialize)]
pub struct ToolDoc {
    pub name: &'static str,
    pub version: &'static str,
}

/// This build's name and version, as every record states it.
pub fn tool() -> ToolDoc {
    ToolDoc {
        name: "tollgate",
        version: env!("CARGO_PKG_VERSION"),
    }
}

/// The evaluation as a JSON value (for embedding in records and other documents).
pub fn to_value(e: &Evaluation) -> serde_json::Value {
    serde_json::to_value(doc(e)).unwrap_or(serde_json::Value::Null)
}

/// Pretty-printed JSON with a trailing newline. Serialized straight from the document, not
/// through a [`serde_json::Value`]: a report of 100,000 rules would hold both at once.
pub fn render(e: &Evaluation) -> String {
    let mut text = serde_json::to_string_pretty(&doc(e)).unwrap_or_default();
    text.push('\n');
    text
}

fn doc(e: &Evaluation) -> Doc<'_> {
    Doc {
        policy: PolicyDoc {
            name: &e.policy.name,
            version: e.policy.version.as_deref(),
            owner: e.policy.owner.as_deref(),
            path: &e.policy.path,
            sha256: &e.policy.sha256,
        },
        evidence: e
            .evidence
            .iter()
            .map(|f| FileDoc {
                path: &f.path,
                sha256: &f.sha256,
            })
            .collect(),
        candidate: e.candidate.as_deref(),
        baseline: e.baseline.as_deref(),
        now: NowDoc {
            value: e.now.value.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            from: e.now.from,
        },
        decision: e.decision,
        rules: e
            .rules
            .iter()
            .map(|r| RuleDoc {
                id: &r.id,
                title: r.title.as_deref(),
                outcome: r.outcome,
                status: r.status,
                message: r.message.as_deref(),
                missing: &r.missing,
                waiver: r.waiver.as_ref().map(|w| WaiverDoc {
                    role: &w.role,
                    by: &w.by,
                    reason: &w.reason,
                    expires: w.expires.to_rfc3339_opts(SecondsFormat::AutoSi, true),
                    would_be: w.would_be,
                }),
                location: &r.location,
                tests: r.tests.iter().map(test_doc).collect(),
            })
            .collect(),
        warnings: &e.warnings,
        approvals: e
            .approvals
            .iter()
            .map(|a| ApprovalDoc {
                kind: if a.rule.is_some() {
                    "waiver"
                } else {
                    "signoff"
                },
                rule: a.rule.as_deref(),
                role: &a.role,
                by: &a.by,
                key: &a.signer.fingerprint,
                trust_file: &a.signer.trust_file,
                trust_line: a.signer.line,
            })
            .collect(),
        tool: tool(),
    }
}

/// A regression test a rule or step read, numbers unrounded: a reader recomputes from them.
#[derive(Serialize)]
pub(crate) struct TestDoc<'a> {
    key: &'a str,
    method: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    k: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<u64>,
    r: f64,
    se: f64,
    /// ±infinity (a zero `se`) has no JSON number: it is written as a string.
    z: Json,
    p: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    adjustment: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    adjusted_p: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    adjusted_p_improvement: Option<f64>,
}

pub(crate) fn test_doc(t: &TestFacts) -> TestDoc<'_> {
    TestDoc {
        key: &t.key,
        method: &t.method,
        k: t.k,
        n: t.n,
        r: t.r,
        se: t.se,
        z: if t.z.is_finite() {
            Json::from(t.z)
        } else {
            Json::from(if t.z > 0.0 { "inf" } else { "-inf" })
        },
        p: t.p,
        adjustment: t.adjusted.map(|a| a.0),
        adjusted_p: t.adjusted.map(|a| a.1),
        adjusted_p_improvement: t.adjusted.map(|a| a.2),
    }
}
