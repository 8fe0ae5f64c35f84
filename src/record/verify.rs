//! Reading a record back and checking that it still holds.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::evidence::{self, Input, InputFormat, Role};
use crate::levels::Outcome;
use crate::outcome::{Evaluation, Now, NowSource, Status};
use crate::policy::{sha256_hex, Policy};
use crate::render::context::PolicyFile;

use super::{parse_format, parse_role, EvidenceInput, Meta, FORMAT};

/// A record that parsed and is consistent with itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub policy_name: String,
    pub policy_version: Option<String>,
    pub policy_files: Vec<PolicyFile>,
    pub evidence: Vec<RecordedEvidence>,
    pub allow_incomplete: bool,
    pub candidate: Option<String>,
    pub now: Now,
    pub decision: Outcome,
    pub rules: Vec<RecordedRule>,
    pub tool_version: String,
}

/// An evidence file as recorded, with how to read it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvidence {
    pub path: String,
    pub sha256: String,
    pub format: InputFormat,
    pub prefix: Option<String>,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRule {
    pub id: String,
    pub outcome: Outcome,
    pub status: Status,
}

/// Why a record cannot be used at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

// The shape read from the file. Fields the verifier does not need are ignored.
#[derive(Deserialize)]
struct RawRecord {
    record: Option<Meta>,
    policy: RawPolicy,
    evidence: Vec<PolicyFile>,
    candidate: Option<String>,
    now: RawNow,
    decision: Outcome,
    rules: Vec<RawRule>,
    tool: RawTool,
}

#[derive(Deserialize)]
struct RawPolicy {
    name: String,
    version: Option<String>,
    path: String,
    sha256: String,
}

#[derive(Deserialize)]
struct RawNow {
    value: String,
    from: String,
}

#[derive(Deserialize)]
struct RawRule {
    id: String,
    outcome: Outcome,
    status: String,
}

#[derive(Deserialize)]
struct RawTool {
    version: String,
}

fn status(word: &str) -> Option<Status> {
    [
        Status::Passed,
        Status::Fired,
        Status::Missing,
        Status::Waived,
    ]
    .into_iter()
    .find(|s| s.as_str() == word)
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Parse a record's text and check that it is a record of this format and agrees with
/// itself.
pub fn parse(text: &str) -> Result<Record, Invalid> {
    let raw: RawRecord =
        serde_json::from_str(text).map_err(|e| Invalid(format!("not a decision record: {e}")))?;
    let meta = raw.record.ok_or_else(|| {
        Invalid(
            "not a decision record: it has no `record` field (write one with `tollgate eval \
             --record FILE`)"
                .to_string(),
        )
    })?;
    if meta.format != FORMAT {
        return Err(Invalid(format!(
            "record format {} is not supported (this tollgate reads format {FORMAT})",
            meta.format
        )));
    }
    let Some(entry) = meta.policy_files.first() else {
        return Err(Invalid("the record lists no policy file".to_string()));
    };
    if entry.path != raw.policy.path || entry.sha256 != raw.policy.sha256 {
        return Err(Invalid(format!(
            "the record contradicts itself: policy {} ({}) is not its first policy file {} ({})",
            raw.policy.path, raw.policy.sha256, entry.path, entry.sha256
        )));
    }
    let hashes = meta
        .policy_files
        .iter()
        .map(|f| (&f.path, &f.sha256))
        .chain(raw.evidence.iter().map(|f| (&f.path, &f.sha256)));
    for (path, sha256) in hashes {
        if !is_sha256(sha256) {
            return Err(Invalid(format!(
                "the sha256 recorded for {path} is not 64 lowercase hex digits"
            )));
        }
    }
    if raw.evidence.is_empty() {
        return Err(Invalid("the record lists no evidence file".to_string()));
    }
    let evidence = recorded_evidence(&raw.evidence, &meta.evidence_files)?;
    let value = DateTime::parse_from_rfc3339(&raw.now.value)
        .map_err(|e| {
            Invalid(format!(
                "the recorded instant {} is invalid: {e}",
                raw.now.value
            ))
        })?
        .with_timezone(&Utc);
    let from = match raw.now.from.as_str() {
        "option" => NowSource::Option,
        "as_of" => NowSource::AsOf,
        "clock" => NowSource::Clock,
        other => {
            return Err(Invalid(format!(
                "the recorded instant's source {other:?} is not option, as_of or clock"
            )))
        }
    };
    let mut rules = Vec::with_capacity(raw.rules.len());
    for r in raw.rules {
        let Some(status) = status(&r.status) else {
            return Err(Invalid(format!(
                "rule {}: status {:?} is not passed, fired, missing or waived",
                r.id, r.status
            )));
        };
        if rules.iter().any(|x: &RecordedRule| x.id == r.id) {
            return Err(Invalid(format!("rule {} is recorded twice", r.id)));
        }
        rules.push(RecordedRule {
            id: r.id,
            outcome: r.outcome,
            status,
        });
    }
    Ok(Record {
        policy_name: raw.policy.name,
        policy_version: raw.policy.version,
        policy_files: meta.policy_files,
        evidence,
        allow_incomplete: meta.allow_incomplete,
        candidate: raw.candidate,
        now: Now { value, from },
        decision: raw.decision,
        rules,
        tool_version: raw.tool.version,
    })
}

/// The evidence files of the record: the result's list, which must agree file by file with
/// the record's, which says how each was read.
fn recorded_evidence(
    listed: &[PolicyFile],
    inputs: &[EvidenceInput],
) -> Result<Vec<RecordedEvidence>, Invalid> {
    if listed.len() != inputs.len() {
        return Err(Invalid(format!(
            "the record contradicts itself: {} evidence file(s) in the result, {} in the record",
            listed.len(),
            inputs.len()
        )));
    }
    listed
        .iter()
        .zip(inputs)
        .map(|(l, i)| {
            if l.path != i.path || l.sha256 != i.sha256 {
                return Err(Invalid(format!(
                    "the record contradicts itself: evidence {} ({}) is recorded as {} ({})",
                    l.path, l.sha256, i.path, i.sha256
                )));
            }
            let format = parse_format(&i.format).ok_or_else(|| {
                Invalid(format!(
                    "evidence {}: unknown format {:?}",
                    i.path, i.format
                ))
            })?;
            let role = parse_role(&i.role).ok_or_else(|| {
                Invalid(format!(
                    "evidence {}: role {:?} is not evidence or baseline",
                    i.path, i.role
                ))
            })?;
            Ok(RecordedEvidence {
                path: i.path.clone(),
                sha256: i.sha256.clone(),
                format,
                prefix: i.prefix.clone(),
                role,
            })
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Policy,
    Evidence,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Policy => "policy",
            FileKind::Evidence => "evidence",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    /// The bytes hash to the recorded sha256.
    Same,
    /// They do not; this is their sha256 now.
    Changed { sha256: String },
    /// The file cannot be read.
    Unreadable { reason: String },
}

/// One file the record names, and what was found there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCheck {
    pub kind: FileKind,
    /// As recorded.
    pub path: String,
    /// Where it was read from.
    pub resolved: PathBuf,
    pub sha256: String,
    pub state: FileState,
}

/// A result that did not reproduce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    Decision {
        recorded: Outcome,
        now: Outcome,
    },
    Rule {
        id: String,
        recorded: (Outcome, Status),
        now: (Outcome, Status),
    },
    /// A recorded rule the policy no longer has.
    RuleGone {
        id: String,
    },
    /// A rule the policy has now that the record does not.
    RuleNew {
        id: String,
        now: (Outcome, Status),
    },
}

/// What verifying found.
#[derive(Debug)]
pub struct Verification {
    pub record: Record,
    pub files: Vec<FileCheck>,
    /// Why the policy or evidence could not be evaluated again, if it could not.
    pub errors: Vec<Diagnostic>,
    /// The evaluation at the recorded instant, when the files could be used.
    pub evaluation: Option<Evaluation>,
    pub differences: Vec<Difference>,
}

impl Verification {
    /// Every file hashes as recorded, and the decision and every rule's result reproduce.
    pub fn reproduces(&self) -> bool {
        self.files.iter().all(|f| f.state == FileState::Same)
            && self.errors.is_empty()
            && self.evaluation.is_some()
            && self.differences.is_empty()
    }

    /// The tool version that wrote the record, when it is not this one.
    pub fn other_tool_version(&self) -> Option<&str> {
        let ours = crate::render::json::tool().version;
        (self.record.tool_version != ours).then_some(self.record.tool_version.as_str())
    }
}

/// A recorded path as it can be read now: as given when it exists relative to the current
/// folder (or is absolute); else relative to the record's folder when it exists there; else
/// as given (and reading it will say it is missing).
pub fn resolve(recorded: &str, record_dir: &Path) -> PathBuf {
    let path = Path::new(recorded);
    if path.is_absolute() || path.exists() {
        return path.to_path_buf();
    }
    let beside = record_dir.join(path);
    if beside.exists() {
        beside
    } else {
        path.to_path_buf()
    }
}

fn check_file(kind: FileKind, path: &str, recorded: &str, record_dir: &Path) -> FileCheck {
    let resolved = resolve(path, record_dir);
    let state = match std::fs::read(&resolved) {
        Ok(bytes) => {
            let sha256 = sha256_hex(&bytes);
            if sha256 == recorded {
                FileState::Same
            } else {
                FileState::Changed { sha256 }
            }
        }
        Err(e) => FileState::Unreadable {
            reason: e.to_string(),
        },
    };
    FileCheck {
        kind,
        path: path.to_string(),
        resolved,
        sha256: recorded.to_string(),
        state,
    }
}

/// Check a record: hashes of every file it names, then evaluate again at the recorded
/// instant and compare. `record_dir` is the folder holding the record.
pub fn verify(record: Record, record_dir: &Path) -> Verification {
    let mut files: Vec<FileCheck> = record
        .policy_files
        .iter()
        .map(|f| check_file(FileKind::Policy, &f.path, &f.sha256, record_dir))
        .collect();
    files.extend(
        record
            .evidence
            .iter()
            .map(|f| check_file(FileKind::Evidence, &f.path, &f.sha256, record_dir)),
    );

    let mut errors = Vec::new();
    let entry = files
        .first()
        .map(|f| f.resolved.clone())
        .unwrap_or_default();
    let policy = match Policy::load(&entry) {
        Ok(p) => Some(p),
        Err(d) => {
            errors.extend(d.0.into_iter().filter(Diagnostic::is_error));
            None
        }
    };
    // Each file read again as it was read: same format, prefix and role.
    let inputs: Vec<Input> = files
        .iter()
        .filter(|f| f.kind == FileKind::Evidence)
        .zip(&record.evidence)
        .map(|(f, e)| Input {
            path: f.resolved.clone(),
            format: Some(e.format),
            prefix: e.prefix.clone(),
            role: e.role,
        })
        .collect();
    let options = evidence::Options {
        allow_incomplete: record.allow_incomplete,
    };
    let bundle = match evidence::load_inputs(&inputs, &options) {
        Ok(b) => Some(b),
        Err(d) => {
            errors.extend(d.0);
            None
        }
    };
    let evaluation = match (policy, bundle) {
        (Some(p), Some(b)) => Some(p.evaluate(&b, record.now)),
        _ => None,
    };
    let differences = evaluation
        .as_ref()
        .map(|e| compare(&record, e))
        .unwrap_or_default();
    Verification {
        record,
        files,
        errors,
        evaluation,
        differences,
    }
}

fn compare(record: &Record, e: &Evaluation) -> Vec<Difference> {
    let mut out = Vec::new();
    if record.decision != e.decision {
        out.push(Difference::Decision {
            recorded: record.decision,
            now: e.decision,
        });
    }
    for r in &record.rules {
        match e.rule(&r.id) {
            None => out.push(Difference::RuleGone { id: r.id.clone() }),
            Some(now) if (now.outcome, now.status) != (r.outcome, r.status) => {
                out.push(Difference::Rule {
                    id: r.id.clone(),
                    recorded: (r.outcome, r.status),
                    now: (now.outcome, now.status),
                });
            }
            Some(_) => {}
        }
    }
    for now in &e.rules {
        if !record.rules.iter().any(|r| r.id == now.id) {
            out.push(Difference::RuleNew {
                id: now.id.clone(),
                now: (now.outcome, now.status),
            });
        }
    }
    out
}
