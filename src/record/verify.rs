//! Reading a record back and checking that it still holds.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

use crate::diagnostic::Diagnostic;
use crate::evidence::{self, Input, InputFormat, Role};
use crate::levels::Outcome;
use crate::outcome::{Evaluation, Now, NowSource, Status};
use crate::policy::{sha256_hex, Policy};
use crate::render::context::{self, PolicyFile};

use super::read::At;
use super::{parse_format, parse_role, tree, FORMAT};

/// A record that parsed and is consistent with itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub policy_name: String,
    pub policy_version: Option<String>,
    pub policy_files: Vec<PolicyFile>,
    pub evidence: Vec<RecordedEvidence>,
    pub allow_incomplete: bool,
    /// The Inspect metadata field clusters were read from (`--cluster-by`).
    pub cluster_by: Option<String>,
    pub candidate: Option<String>,
    pub now: Now,
    pub decision: Outcome,
    pub tool_version: String,
    /// The whole record as read: every field of it is compared with the record written
    /// again.
    pub doc: Json,
}

/// An evidence file as recorded, with how to read it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvidence {
    pub path: String,
    pub sha256: String,
    pub format: InputFormat,
    pub prefix: Option<String>,
    pub role: Role,
    /// Brought by the file before it (an lm-eval samples file beside its results file).
    pub beside: bool,
}

/// Why a record cannot be used at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
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

fn source(word: &str) -> Option<NowSource> {
    match word {
        "option" => Some(NowSource::Option),
        "as_of" => Some(NowSource::AsOf),
        "clock" => Some(NowSource::Clock),
        _ => None,
    }
}

fn instant(word: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(word)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A file as the record names it: a path and a well-formed sha256.
fn file(at: &At) -> Result<PolicyFile, Invalid> {
    let sha256 = at.key("sha256")?;
    let trust = match at.value.get("trust") {
        None => false,
        Some(_) => at.key("trust")?.bool()?,
    };
    Ok(PolicyFile {
        path: at.key("path")?.str()?.to_string(),
        sha256: sha256.word("a sha256 (64 lowercase hex digits)", |s| {
            is_sha256(s).then(|| s.to_string())
        })?,
        trust,
    })
}

/// Two fields that must hold the same value.
fn agree(a: &At, b: &At) -> Result<(), Invalid> {
    if a.value == b.value {
        Ok(())
    } else {
        Err(Invalid(format!(
            "the record contradicts itself: {} is {} but {} is {}",
            a.path,
            super::read::compact(a.value),
            b.path,
            super::read::compact(b.value)
        )))
    }
}

/// Parse a record's text and check that it is a record of this format and agrees with
/// itself. Fields whose meaning verify needs (how to read the files again, the instant, the
/// outcomes, statuses and dates) must be well-formed; every field is then compared as a
/// value, so a field checked here for its form is not the only place it is checked.
pub fn parse(text: &str) -> Result<Record, Invalid> {
    let doc: Json =
        serde_json::from_str(text).map_err(|e| Invalid(format!("not a decision record: {e}")))?;
    let root = At::root(&doc);
    let meta = root.optional("record")?.ok_or_else(|| {
        Invalid(
            "not a decision record: it has no `record` field (write one with `tollgate eval \
             --record FILE`)"
                .to_string(),
        )
    })?;
    let format = meta.key("format")?;
    if format.u64()? != u64::from(FORMAT) {
        return Err(Invalid(format!(
            "{}: record format {} is not supported (this tollgate reads format {FORMAT})",
            format.path,
            super::read::compact(format.value)
        )));
    }
    let policy_files_at = meta.key("policy_files")?.items()?;
    let policy_files = policy_files_at
        .iter()
        .map(file)
        .collect::<Result<Vec<_>, _>>()?;
    let Some(entry) = policy_files_at.first() else {
        return Err(Invalid(
            "record.policy_files: the record lists no policy file".to_string(),
        ));
    };
    let policy = root.key("policy")?;
    agree(&policy.key("path")?, &entry.key("path")?)?;
    // The policy's sha256 covers its trust files (TRUST.md section 1).
    let trust_shas: Vec<&str> = policy_files
        .iter()
        .filter(|f| f.trust)
        .map(|f| f.sha256.as_str())
        .collect();
    let entry_sha = policy_files.first().map_or("", |f| f.sha256.as_str());
    let expected = crate::trust::policy_sha256(entry_sha, &trust_shas);
    let stated = policy.key("sha256")?;
    if stated.value.as_str() != Some(expected.as_str()) {
        // Name every field the digest was made from.
        let mut from = vec![format!("{}.sha256", entry.path)];
        for (at, f) in policy_files_at.iter().zip(&policy_files).skip(1) {
            if f.trust {
                from.push(format!("{}.sha256", at.path));
            }
            if at.value.get("trust").is_some() {
                from.push(format!("{}.trust", at.path));
            }
        }
        return Err(Invalid(format!(
            "the record contradicts itself: {} is {} but {} give \"{expected}\"",
            stated.path,
            super::read::compact(stated.value),
            from.join(", ")
        )));
    }
    let listed = root.key("evidence")?.items()?;
    if listed.is_empty() {
        return Err(Invalid(
            "evidence: the record lists no evidence file".to_string(),
        ));
    }
    let inputs = meta.key("evidence_files")?.items()?;
    if listed.len() != inputs.len() {
        return Err(Invalid(format!(
            "the record contradicts itself: {} evidence file(s) in evidence, {} in \
             record.evidence_files",
            listed.len(),
            inputs.len()
        )));
    }
    let mut evidence = Vec::with_capacity(inputs.len());
    for (l, i) in listed.iter().zip(&inputs) {
        file(l)?;
        let recorded = file(i)?;
        for key in ["path", "sha256"] {
            agree(&l.key(key)?, &i.key(key)?)?;
        }
        evidence.push(RecordedEvidence {
            path: recorded.path,
            sha256: recorded.sha256,
            format: i.key("format")?.word("a known format", parse_format)?,
            prefix: match i.optional("prefix")? {
                Some(p) => Some(p.str()?.to_string()),
                None => None,
            },
            role: i.key("role")?.word("evidence or baseline", parse_role)?,
            beside: match i.optional("beside")? {
                Some(b) => b.bool()?,
                None => false,
            },
        });
    }
    let allow_incomplete = match meta.optional("allow_incomplete")? {
        Some(a) => a.bool()?,
        None => false,
    };
    let cluster_by = match meta.optional("cluster_by")? {
        Some(c) => Some(c.str()?.to_string()),
        None => None,
    };
    let now = root.key("now")?;
    let now = Now {
        value: now.key("value")?.word("an RFC 3339 instant", instant)?,
        from: now.key("from")?.word("option, as_of or clock", source)?,
    };
    let decision = root.key("decision")?.word("an outcome", Outcome::parse)?;
    let mut ids: Vec<&str> = Vec::new();
    for rule in root.key("rules")?.items()? {
        let id = rule.key("id")?.str()?;
        if ids.contains(&id) {
            return Err(Invalid(format!(
                "{}: rule {id} is recorded twice",
                rule.path
            )));
        }
        ids.push(id);
        rule.key("outcome")?.word("an outcome", Outcome::parse)?;
        rule.key("status")?
            .word("passed, fired, missing or waived", status)?;
        if let Some(waiver) = rule.optional("waiver")? {
            waiver
                .key("expires")?
                .word("an RFC 3339 instant", instant)?;
            waiver.key("would_be")?.word("an outcome", Outcome::parse)?;
        }
    }
    let policy_name = policy.key("name")?.str()?.to_string();
    let policy_version = match policy.optional("version")? {
        Some(v) => Some(v.str()?.to_string()),
        None => None,
    };
    let candidate = match root.optional("candidate")? {
        Some(c) => Some(c.str()?.to_string()),
        None => None,
    };
    let tool_version = root.key("tool")?.key("version")?.str()?.to_string();
    Ok(Record {
        policy_name,
        policy_version,
        policy_files,
        evidence,
        allow_incomplete,
        cluster_by,
        candidate,
        now,
        decision,
        tool_version,
        doc,
    })
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

/// A field of the record that the record written again does not hold as recorded.
#[derive(Clone, Debug, PartialEq)]
pub enum Difference {
    /// `path` is where the field is in the record (`rules[3].waiver.by`); `rule` the id of
    /// the rule it belongs to, if any. `None` for a value: the field is absent on that side.
    Field {
        path: String,
        rule: Option<String>,
        recorded: Option<Json>,
        now: Option<Json>,
    },
    /// A recorded rule the policy no longer has.
    RuleGone { path: String, id: String },
    /// A rule the policy has now that the record does not; `now` is its result.
    RuleNew { id: String, now: Json },
    /// A rule recorded in another place among the rules than it has now (at `now`).
    RuleMoved {
        path: String,
        id: String,
        now: usize,
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
    /// Every field that differs, except a sha256 already reported as a changed file.
    pub differences: Vec<Difference>,
    /// The record's signature (`RECORD.sig`), when there is one or `--signer` asks for one.
    pub signature: Option<SignatureCheck>,
}

/// What checking a record's signature found (TRUST.md section 5).
#[derive(Debug, Clone, PartialEq)]
pub enum SignatureCheck {
    /// `--signer` asked for a signature and there is none.
    Missing,
    /// A key trusted for the roles `roles` signed the record.
    Valid {
        signer: crate::trust::Signer,
        roles: Vec<String>,
    },
    /// The signature does not verify, or its key is not trusted (for the role asked).
    Invalid(String),
}

/// A record's signature to check: the record's bytes, the armored signature beside it (if
/// any), and the role that must have signed (`--signer`).
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub bytes: &'a [u8],
    pub signature: Option<&'a str>,
    pub signer: Option<&'a str>,
}

impl Verification {
    /// Every file hashes as recorded, and the decision and every rule's result reproduce.
    pub fn reproduces(&self) -> bool {
        self.files.iter().all(|f| f.state == FileState::Same)
            && self.errors.is_empty()
            && self.evaluation.is_some()
            && self.differences.is_empty()
            && self
                .signature
                .as_ref()
                .is_none_or(|s| matches!(s, SignatureCheck::Valid { .. }))
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
    verify_signed(record, record_dir, None)
}

/// [`verify`], and the record's signature checked against the trust files of the recorded
/// policy (as it reads now: a changed trust file is reported as a changed policy file).
pub fn verify_signed(
    record: Record,
    record_dir: &Path,
    signed: Option<Signed<'_>>,
) -> Verification {
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
    // Each file read again as it was read: same format, prefix and role. A file another
    // brought is brought by it again.
    let inputs: Vec<Input> = files
        .iter()
        .filter(|f| f.kind == FileKind::Evidence)
        .zip(&record.evidence)
        .filter(|(_, e)| !e.beside)
        .map(|(f, e)| Input {
            path: f.resolved.clone(),
            format: Some(e.format),
            prefix: e.prefix.clone(),
            role: e.role,
        })
        .collect();
    let options = evidence::Options {
        allow_incomplete: record.allow_incomplete,
        cluster_by: record.cluster_by.clone(),
    };
    let bundle = match evidence::load_inputs(&inputs, &options) {
        Ok(b) => Some(b),
        Err(d) => {
            errors.extend(d.0);
            None
        }
    };
    let signature = signed.and_then(|s| {
        let trust = policy.as_ref().map(|p| &p.program().trust);
        check_signature(trust, s, record.now.value)
    });
    let (evaluation, differences) = match (policy, bundle) {
        (Some(p), Some(b)) => {
            let e = p.evaluate(&b, instant_now(record.now, b.as_of));
            let differences = compare(&record, &e, &p, &files, &options);
            (Some(e), differences)
        }
        _ => (None, Vec::new()),
    };
    Verification {
        record,
        files,
        errors,
        evaluation,
        differences,
        signature,
    }
}

fn check_signature(
    trust: Option<&crate::trust::Trust>,
    signed: Signed<'_>,
    now: DateTime<Utc>,
) -> Option<SignatureCheck> {
    let Some(armored) = signed.signature else {
        return signed.signer.map(|_| SignatureCheck::Missing);
    };
    let Some(trust) = trust else {
        return Some(SignatureCheck::Invalid(String::from(
            "the recorded policy could not be read for its trust files",
        )));
    };
    Some(
        match crate::trust::verify_record(trust, signed.bytes, armored, signed.signer, now) {
            Ok((signer, roles)) => SignatureCheck::Valid { signer, roles },
            Err(refusal) => SignatureCheck::Invalid(match (refusal, signed.signer) {
                (crate::trust::Refusal::NotTrusted, Some(role)) => {
                    format!("key not trusted for role {role}")
                }
                (crate::trust::Refusal::NotTrusted, None) => {
                    String::from("key not trusted by the policy's trust files")
                }
                (crate::trust::Refusal::KeyExpired, _) => String::from("key expired"),
                _ => String::from("bad signature"),
            }),
        },
    )
}

/// The instant `eval` would take now: the recorded one when it was given with `--now`;
/// else the bundle's `as_of` when it has one; else the clock's reading, which cannot be
/// taken again, so the recorded one.
fn instant_now(recorded: Now, as_of: Option<DateTime<Utc>>) -> Now {
    match (recorded.from, as_of) {
        (NowSource::Option, _) => recorded,
        (_, Some(value)) => Now {
            value,
            from: NowSource::AsOf,
        },
        (_, None) => Now {
            value: recorded.value,
            from: NowSource::Clock,
        },
    }
}

/// Write the record again from the evaluation and compare the two, field by field.
fn compare(
    record: &Record,
    e: &Evaluation,
    policy: &Policy,
    files: &[FileCheck],
    options: &evidence::Options,
) -> Vec<Difference> {
    let mut now = super::build(e, context::policy_files(policy), options);
    // Files read from beside the record are named as recorded, as `eval` named them.
    let renames: Vec<(String, &str)> = files
        .iter()
        .map(|f| (f.resolved.display().to_string(), f.path.as_str()))
        .filter(|(resolved, path)| resolved != path)
        .collect();
    if !renames.is_empty() {
        as_recorded(&mut now, &renames);
    }
    tree::differences(&record.doc, &now)
        .into_iter()
        .filter(|d| !reported_as_file(d, files))
        .collect()
}

fn as_recorded(value: &mut Json, renames: &[(String, &str)]) {
    match value {
        Json::String(s) => {
            for (resolved, path) in renames {
                if s.contains(resolved.as_str()) {
                    *s = s.replace(resolved.as_str(), path);
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|v| as_recorded(v, renames)),
        Json::Object(map) => map.values_mut().for_each(|v| as_recorded(v, renames)),
        _ => {}
    }
}

/// A sha256 that differs because its file changed: the file list already says so.
fn reported_as_file(d: &Difference, files: &[FileCheck]) -> bool {
    let Difference::Field {
        path,
        recorded: Some(Json::String(recorded)),
        now: Some(Json::String(now)),
        ..
    } = d
    else {
        return false;
    };
    // With trust files, the policy's sha256 covers several files (TRUST.md section 1).
    let policy_changed = files
        .iter()
        .any(|f| f.kind == FileKind::Policy && matches!(f.state, FileState::Changed { .. }));
    if path == "policy.sha256" && policy_changed {
        return true;
    }
    files.iter().any(|f| {
        f.sha256 == *recorded && matches!(&f.state, FileState::Changed { sha256 } if sha256 == now)
    })
}
