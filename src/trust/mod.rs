//! Signed sign-offs and waivers (TRUST.md): the trust files a policy names, in OpenSSH's
//! `allowed_signers` format, and the one check of whether a signed approval counts.
//!
//! Keys and `SSHSIG` signatures are read, verified and made by RustCrypto's `ssh-key`, with
//! its `ed25519`, `p256` and `rsa` features (the three key types TRUST.md accepts) and
//! `encryption` (passphrase-protected private keys for `tollgate sign`). Only the
//! allowed_signers format, which no maintained crate reads, is parsed here.

mod allowed_signers;
mod sign;
mod verify;

pub use allowed_signers::{role_matches, Entry};
pub use sign::{read_private_key, sign, KeyProblem};
pub use verify::{
    approvals, refusal_warning, verify_approval, verify_record, Approvals, Refusal, Signer,
    Verified,
};

use crate::diagnostic::Diagnostic;
use crate::source::Sources;
use crate::span::FileId;

/// The namespace of approval signatures.
pub const NAMESPACE: &str = "tollgate";
/// The namespace of decision record signatures (TRUST.md section 5).
pub const RECORD_NAMESPACE: &str = "tollgate-record";

/// One trust file of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustFile {
    /// Where its text is in the policy's sources.
    pub file: FileId,
    /// The name it is shown under (its path as reached).
    pub name: String,
    pub entries: Vec<Entry>,
}

/// Every trust file of a policy, in the order named. With none, approvals are not
/// authenticated (EVIDENCE.md rules alone).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trust {
    pub files: Vec<TrustFile>,
}

impl Trust {
    /// Whether the policy names any trust file: then every approval must be signed.
    pub fn is_active(&self) -> bool {
        !self.files.is_empty()
    }

    /// Every trusted key with its file's name.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.files
            .iter()
            .flat_map(|f| f.entries.iter().map(move |e| (f.name.as_str(), e)))
    }
}

/// The policy's sha256 (TRUST.md section 1): the entry file's, or with trust files the
/// sha256 of the lines `HEX\n` giving the sha256 of the entry file, then of each trust file.
pub fn policy_sha256(entry: &str, trust: &[&str]) -> String {
    if trust.is_empty() {
        return entry.to_string();
    }
    let mut lines = format!("{entry}\n");
    for sha in trust {
        lines.push_str(sha);
        lines.push('\n');
    }
    crate::digest::sha256_hex(lines.as_bytes())
}

/// Read the trust file `file` (already in `sources`).
pub fn parse(sources: &Sources, file: FileId) -> Result<TrustFile, Vec<Diagnostic>> {
    Ok(TrustFile {
        file,
        name: sources.get(file).name.clone(),
        entries: allowed_signers::parse(sources, file)?,
    })
}
