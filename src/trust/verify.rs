//! Whether a signed sign-off or waiver counts (TRUST.md section 3), decided here once for the
//! decider, the report, `explain` and `verify` alike.

use chrono::{DateTime, Utc};
use ssh_key::{PublicKey, SshSig};

use crate::evidence::statement::Approval;
use crate::evidence::Bundle;

use super::{role_matches, Entry, Trust, NAMESPACE};

/// The trusted key that made a signature that counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// The trust file and 1-based line that trust the key.
    pub trust_file: String,
    pub line: usize,
}

/// Why a signed approval does not count: the first of TRUST.md section 3's conditions that
/// failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotSigned,
    BadSignature,
    NotTrusted,
    KeyExpired,
    OtherCandidate,
    OtherEvidence,
}

impl Refusal {
    /// The reason in TRUST.md's words, for `approval`.
    pub fn reason(self, approval: &dyn Approval) -> String {
        match self {
            Refusal::NotSigned => String::from("not signed"),
            Refusal::BadSignature => String::from("bad signature"),
            Refusal::NotTrusted => format!("key not trusted for role {}", approval.role()),
            Refusal::KeyExpired => String::from("key expired"),
            Refusal::OtherCandidate => match approval.candidate() {
                Some(c) => format!("signed for candidate {c}"),
                None => String::from("signed for no candidate"),
            },
            Refusal::OtherEvidence => String::from("signed for other evidence"),
        }
    }
}

/// `Ok(None)` when the policy has no trust (the approval is not authenticated), `Ok(Some)`
/// with the key when it counts, or why it does not.
pub type Verified = Result<Option<Signer>, Refusal>;

/// The verdict on every sign-off and waiver of a bundle, in bundle order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Approvals {
    pub signoffs: Vec<Verified>,
    pub waivers: Vec<Verified>,
}

/// Verify every approval of `bundle` at `now`. Without trust, each is `Ok(None)`, and
/// nothing is allocated once `out` has room (the decider binds bundle after bundle).
pub fn approvals(trust: &Trust, bundle: &Bundle, now: DateTime<Utc>, out: &mut Approvals) {
    out.signoffs.clear();
    out.waivers.clear();
    if !trust.is_active() {
        out.signoffs.resize(bundle.signoffs.len(), Ok(None));
        out.waivers.resize(bundle.waivers.len(), Ok(None));
        return;
    }
    let digests: Vec<&str> = bundle.files.iter().map(|f| f.sha256.as_str()).collect();
    let candidate = bundle.candidate.as_deref();
    let verdict = |a: &dyn Approval| verify_approval(trust, a, candidate, &digests, now).map(Some);
    out.signoffs
        .extend(bundle.signoffs.iter().map(|s| verdict(s)));
    out.waivers
        .extend(bundle.waivers.iter().map(|w| verdict(w)));
}

/// Whether `approval` counts for a bundle about `candidate` read from files with the sha256
/// `digests`, at `now`: conditions 1 to 5 of TRUST.md section 3 (expiry and who may waive
/// what are the evaluator's).
pub fn verify_approval(
    trust: &Trust,
    approval: &dyn Approval,
    candidate: Option<&str>,
    digests: &[&str],
    now: DateTime<Utc>,
) -> Result<Signer, Refusal> {
    let armored = approval.signature().ok_or(Refusal::NotSigned)?;
    let statement = approval.statement();
    let key = signed_by(armored, statement.as_bytes(), NAMESPACE)?;
    let signer = trusted(trust, &key, NAMESPACE, Some(approval.role()), now)?;
    if approval.candidate().is_none() || approval.candidate() != candidate {
        return Err(Refusal::OtherCandidate);
    }
    let reviewed = approval.evidence().unwrap_or(&[]);
    if !reviewed.iter().all(|d| digests.contains(&d.as_str())) {
        return Err(Refusal::OtherEvidence);
    }
    Ok(signer.0)
}

/// The key that made `armored`, an `SSHSIG` over `message` in `namespace`, if it verifies.
fn signed_by(armored: &str, message: &[u8], namespace: &str) -> Result<PublicKey, Refusal> {
    let signature = SshSig::from_pem(armored.trim()).map_err(|_| Refusal::BadSignature)?;
    let key = PublicKey::from(signature.public_key().clone());
    key.verify(namespace, message, &signature)
        .map_err(|_| Refusal::BadSignature)?;
    Ok(key)
}

/// The first trust line for `key` that allows `namespace`, covers `role` (any role when
/// `None`) and is valid at `now`; with its principals.
fn trusted<'t>(
    trust: &'t Trust,
    key: &PublicKey,
    namespace: &str,
    role: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Signer, &'t Entry), Refusal> {
    let mut expired = false;
    for (file, entry) in trust.entries() {
        let covers = entry.key.key_data() == key.key_data()
            && role.is_none_or(|r| role_matches(&entry.principals, r))
            && entry
                .namespaces
                .as_ref()
                .is_none_or(|ns| role_matches(ns, namespace));
        if !covers {
            continue;
        }
        let valid = entry.valid_after.is_none_or(|t| t <= now)
            && entry.valid_before.is_none_or(|t| now < t);
        if !valid {
            expired = true;
            continue;
        }
        let signer = Signer {
            fingerprint: entry.fingerprint.clone(),
            trust_file: file.to_string(),
            line: entry.line,
        };
        return Ok((signer, entry));
    }
    Err(if expired {
        Refusal::KeyExpired
    } else {
        Refusal::NotTrusted
    })
}

/// Verify a decision record's signature (TRUST.md section 5): made over `record` in the
/// `tollgate-record` namespace by a key trusted for `role` (any role when `None`) at `now`.
/// Returns the signer and the roles its trust line names.
pub fn verify_record(
    trust: &Trust,
    record: &[u8],
    armored: &str,
    role: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Signer, Vec<String>), Refusal> {
    let key = signed_by(armored, record, super::RECORD_NAMESPACE)?;
    let (signer, entry) = trusted(trust, &key, super::RECORD_NAMESPACE, role, now)?;
    Ok((signer, entry.principals.clone()))
}

/// The warning for an approval that does not count: the entry (file, role, by) and the first
/// reason. `what` is `sign-off` or `waiver for RULE`.
pub fn refusal_warning(
    what: &str,
    file: Option<&str>,
    approval: &dyn Approval,
    refusal: Refusal,
) -> String {
    let from = file.map_or_else(String::new, |f| format!(" in {f}"));
    format!(
        "{what}{from} (role {}, by {}) does not count: {}",
        approval.role(),
        approval.by(),
        refusal.reason(approval)
    )
}
