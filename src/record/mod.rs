//! Decision records: what `eval --record FILE` writes, and what `tollgate verify FILE` checks.
//!
//! A record is the JSON evaluation of [`crate::render::json`] (policy and evidence with their
//! sha256, the instant used and where it came from, the tool version, every rule's result)
//! plus a `record` object: the record format, every policy file the decision read (the
//! entry file, then imports) with its sha256, and every evidence file with how it was read
//! (format, key prefix, evidence or baseline), so that it can be read again the same way.
//!
//! Verifying re-reads every file the record names, compares hashes, evaluates again at the
//! recorded instant, writes the record of that evaluation and compares the two trees field by
//! field. The record verifies only when every hash matches and every field but the tool's
//! version reproduces. Paths are stored as
//! they were given (relative to the folder `eval` ran in); on verify a relative path is
//! looked up from the current folder first, then from the record's folder.

mod read;
mod report;
mod tree;
mod verify;

use serde::Serialize;
use serde_json::Value as Json;

use crate::evidence::{self, InputFormat, Role};
use crate::outcome::Evaluation;
use crate::policy::Policy;
use crate::render::context::{self, PolicyFile};

pub use report::{render_human, render_json};
pub use verify::{
    parse, resolve, verify, verify_signed, Difference, FileCheck, FileKind, FileState, Invalid,
    Record, RecordedEvidence, SignatureCheck, Signed, Verification,
};

/// The record format written; `verify` reads this one only.
pub const FORMAT: u32 = 1;

#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub format: u32,
    /// Every policy file read, the entry file first.
    pub policy_files: Vec<PolicyFile>,
    /// Every evidence file, in the order of the result's `evidence`, with how it was read.
    pub evidence_files: Vec<EvidenceInput>,
    /// Whether unfinished Inspect logs were accepted (`--allow-incomplete`).
    pub allow_incomplete: bool,
    /// The Inspect metadata field clusters were read from (`--cluster-by`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_by: Option<String>,
}

/// An evidence file and how it was read.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct EvidenceInput {
    pub path: String,
    pub sha256: String,
    /// `tollgate`, `lm-eval`, `inspect`, `promptfoo`, `helm` or `flags-csv`.
    pub format: String,
    /// The prefix given to the file's metric keys, if any.
    pub prefix: Option<String>,
    /// `evidence` or `baseline`.
    pub role: String,
    /// Brought by the file before it (an lm-eval samples file beside its results file), so
    /// `verify` does not read it on its own.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub beside: bool,
}

pub(crate) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Evidence => "evidence",
        Role::Baseline => "baseline",
    }
}

pub(crate) fn parse_role(name: &str) -> Option<Role> {
    match name {
        "evidence" => Some(Role::Evidence),
        "baseline" => Some(Role::Baseline),
        _ => None,
    }
}

pub(crate) fn parse_format(name: &str) -> Option<InputFormat> {
    InputFormat::parse(name)
}

/// The record of one evaluation, as a JSON value. `options` are those the evidence was read
/// with.
pub fn to_value(e: &Evaluation, policy: &Policy, options: &evidence::Options) -> Json {
    build(e, context::policy_files(policy), options)
}

/// The record of an evaluation of a policy read from `policy_files`: what `eval` writes and
/// what `verify` writes again to compare.
fn build(e: &Evaluation, policy_files: Vec<PolicyFile>, options: &evidence::Options) -> Json {
    let mut doc = crate::render::json::to_value(e);
    let meta = Meta {
        format: FORMAT,
        policy_files,
        evidence_files: e
            .evidence
            .iter()
            .map(|f| EvidenceInput {
                path: f.path.clone(),
                sha256: f.sha256.clone(),
                format: f.format.as_str().to_string(),
                prefix: f.prefix.clone(),
                role: role_name(f.role).to_string(),
                beside: f.beside,
            })
            .collect(),
        allow_incomplete: options.allow_incomplete,
        cluster_by: options.cluster_by.clone(),
    };
    if let (Some(obj), Ok(meta)) = (doc.as_object_mut(), serde_json::to_value(meta)) {
        obj.insert("record".to_string(), meta);
    }
    doc
}

/// The record as pretty-printed JSON with a trailing newline, ready to write to a file.
pub fn render(e: &Evaluation, policy: &Policy, options: &evidence::Options) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(e, policy, options)).unwrap_or_default();
    text.push('\n');
    text
}
