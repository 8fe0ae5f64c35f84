//! The result of evaluating a policy on a bundle: the decision and each rule's result.
//! Renderers read this; nothing here formats for a particular output.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::diagnostic::Location;
use crate::evidence::EvidenceFile;
use crate::levels::Outcome;

/// How a rule's outcome came about (LANGUAGE.md section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// No clause contributed.
    Passed,
    /// The outcome came from a clause whose condition held.
    Fired,
    /// The outcome came from a clause whose condition was unknown (missing evidence).
    Missing,
    /// A valid waiver set aside an outcome that would have counted.
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Fired => "fired",
            Status::Missing => "missing",
            Status::Waived => "waived",
        }
    }
}

/// Where the evaluation instant came from (EVIDENCE.md, Time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NowSource {
    /// `--now` or a test's `now`.
    Option,
    /// The bundle's `as_of`.
    AsOf,
    /// The system clock.
    Clock,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now {
    pub value: DateTime<Utc>,
    pub from: NowSource,
}

impl Now {
    /// The instant to evaluate at: the option when given, else the bundle's `as_of`, else
    /// the system clock.
    pub fn resolve(option: Option<DateTime<Utc>>, as_of: Option<DateTime<Utc>>) -> Now {
        match (option, as_of) {
            (Some(value), _) => Now {
                value,
                from: NowSource::Option,
            },
            (None, Some(value)) => Now {
                value,
                from: NowSource::AsOf,
            },
            (None, None) => Now {
                value: Utc::now(),
                from: NowSource::Clock,
            },
        }
    }
}

/// The waiver that set a rule aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedWaiver {
    pub role: String,
    pub by: String,
    pub reason: String,
    pub expires: DateTime<Utc>,
    /// What the rule would have been without the waiver.
    pub would_be: Outcome,
}

/// One regression test as a report states it.
#[derive(Clone, Debug, PartialEq)]
pub struct TestFacts {
    /// The evidence key tested.
    pub key: String,
    /// `paired`, `paired, clustered (C clusters)` or `unpaired`.
    pub method: String,
    /// The paired items (paired), or the candidate's `n` when stated (unpaired).
    pub k: Option<u64>,
    pub n: Option<u64>,
    pub r: f64,
    pub se: f64,
    pub z: f64,
    pub p: f64,
    /// For a member of an adjusted family: the adjustment, and the adjusted p-values of a
    /// regression and of an improvement.
    pub adjusted: Option<(&'static str, f64, f64)>,
}

impl std::fmt::Display for TestFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = crate::eval::value::format_number;
        write!(f, "{}: {}", self.key, self.method)?;
        if let Some(k) = self.k {
            write!(f, ", k {k}")?;
        }
        if let Some(count) = self.n {
            write!(f, ", n {count}")?;
        }
        write!(
            f,
            "; r {}, se {}, z {}, p {}",
            n(self.r),
            n(self.se),
            n(self.z),
            n(self.p)
        )?;
        if let Some((method, worse, better)) = self.adjusted {
            write!(
                f,
                ", {method}-adjusted p {} (of an improvement {})",
                n(worse),
                n(better)
            )?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleResult {
    pub id: String,
    pub title: Option<String>,
    /// `pass` for a passed or waived rule.
    pub outcome: Outcome,
    pub status: Status,
    /// The rendered `message`, for rules that did not pass.
    pub message: Option<String>,
    /// Evidence keys that were unknown, in the order met.
    pub missing: Vec<String>,
    pub waiver: Option<AppliedWaiver>,
    pub location: Location,
    /// The regression tests the rule's clauses read (STATISTICS.md section 4), each once.
    pub tests: Vec<TestFacts>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PolicyInfo {
    pub name: String,
    pub version: Option<String>,
    pub owner: Option<String>,
    /// sha256 of the entry file's bytes, covering the trust files when there are any
    /// (`policy::Policy`'s `policy_sha256`).
    pub sha256: String,
    /// The entry file as named when loaded.
    pub path: String,
}

/// A signed approval that counted (TRUST.md section 3), with the key that signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedApproval {
    /// The rule a waiver set aside; `None` for a sign-off.
    pub rule: Option<String>,
    pub role: String,
    pub by: String,
    pub signer: crate::trust::Signer,
}

impl SignedApproval {
    /// `sign-off` or `waiver for RULE`.
    pub fn what(&self) -> String {
        self.rule
            .as_ref()
            .map_or_else(|| String::from("sign-off"), |r| format!("waiver for {r}"))
    }

    /// `SHA256:… (allowed_signers:3)`: the key and the trust line that trusts it.
    pub fn key(&self) -> String {
        format!(
            "{} ({}:{})",
            self.signer.fingerprint, self.signer.trust_file, self.signer.line
        )
    }
}

/// One decision with its reasons.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub policy: PolicyInfo,
    pub evidence: Vec<EvidenceFile>,
    pub candidate: Option<String>,
    pub baseline: Option<String>,
    pub now: Now,
    pub decision: Outcome,
    /// Every rule, in source order (entry file first, then imports in import order).
    pub rules: Vec<RuleResult>,
    pub warnings: Vec<String>,
    /// The signed approvals that counted, sign-offs first (empty without trust).
    pub approvals: Vec<SignedApproval>,
}

impl Evaluation {
    pub fn rule(&self, id: &str) -> Option<&RuleResult> {
        self.rules.iter().find(|r| r.id == id)
    }
}
