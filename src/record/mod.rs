//! Decision records: what `eval --record FILE` writes, and what `tollgate verify FILE` checks.
//!
//! A record is the JSON evaluation of [`crate::render::json`] (policy and evidence with their
//! sha256, the instant used and where it came from, the tool version, every rule's result)
//! plus a `record` object: the record format and every policy file the decision read (the
//! entry file, then imports) with its sha256.
//!
//! Verifying re-reads every file the record names, compares hashes, evaluates again at the
//! recorded instant and compares the decision and each rule's outcome and status. The record
//! verifies only when every hash matches and every result reproduces. Paths are stored as
//! they were given (relative to the folder `eval` ran in); on verify a relative path is
//! looked up from the current folder first, then from the record's folder.

mod report;
mod verify;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::outcome::Evaluation;
use crate::policy::Policy;
use crate::render::context::{self, PolicyFile};

pub use report::{render_human, render_json};
pub use verify::{
    parse, verify, Difference, FileCheck, FileKind, FileState, Invalid, Record, Verification,
};

/// The record format written; `verify` reads this one only.
pub const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub format: u32,
    /// Every policy file read, the entry file first.
    pub policy_files: Vec<PolicyFile>,
}

/// The record of one evaluation, as a JSON value.
pub fn to_value(e: &Evaluation, policy: &Policy) -> Json {
    let mut doc = crate::render::json::to_value(e);
    let meta = Meta {
        format: FORMAT,
        policy_files: context::policy_files(policy),
    };
    if let (Some(obj), Ok(meta)) = (doc.as_object_mut(), serde_json::to_value(meta)) {
        obj.insert("record".to_string(), meta);
    }
    doc
}

/// The record as pretty-printed JSON with a trailing newline, ready to write to a file.
pub fn render(e: &Evaluation, policy: &Policy) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(e, policy)).unwrap_or_default();
    text.push('\n');
    text
}
