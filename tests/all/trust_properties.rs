//! Verify means verified: a sign-off or waiver with any one field changed after signing never
//! counts, whatever the fields hold (TRUST.md sections 2 and 3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use tollgate::evidence::statement::Approval;
use tollgate::evidence::{parse_instant, Signoff, Stamp, Waiver};
use tollgate::source::Sources;
use tollgate::trust::{self, Refusal, Trust};

/// A committed example key (examples/keys): never trusted outside the examples and tests.
fn key() -> ssh_key::PrivateKey {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/keys/EXAMPLE-ONLY-reviewer-7"
    );
    trust::read_private_key(&std::fs::read_to_string(path).unwrap(), || None).unwrap()
}

/// A trust file that trusts the key for every role: a refusal can only be the signature's.
fn trust_all() -> Trust {
    let public = key().public_key().to_openssh().unwrap();
    let mut sources = Sources::new();
    let file = sources.add(
        "allowed_signers",
        "allowed_signers",
        format!("* {public}\n"),
    );
    Trust {
        files: vec![trust::parse(&sources, file).unwrap()],
    }
}

fn stamp(text: &str) -> Stamp {
    Stamp {
        at: parse_instant(text).unwrap(),
        text: text.to_string(),
    }
}

/// Texts with quotes, escapes, control characters and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    "[a-z\"\\\\\u{1}\n\té€😀 -]{1,12}"
}

fn when() -> impl Strategy<Value = String> {
    prop_oneof![
        (2020u32..2030, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        (2020u32..2030, 1u32..13, 0u32..24)
            .prop_map(|(y, m, h)| format!("{y}-{m:02}-01T{h:02}:00:00Z")),
    ]
}

fn digest() -> impl Strategy<Value = String> {
    "[0-9a-f]{64}"
}

/// Another spelling of the same instant, or another instant: either way other text.
fn other_when(old: &str) -> String {
    if old.contains('T') {
        old.replace('Z', "+00:00")
    } else {
        format!("{old}T00:00:00Z")
    }
}

fn other(old: &str, new: &str) -> String {
    if old == new {
        format!("{new}x")
    } else {
        new.to_string()
    }
}

/// Whether `approval` counts, with every digest it names in the bundle.
fn verdict(trust: &Trust, approval: &dyn Approval) -> Result<(), Refusal> {
    let digests: Vec<&str> = approval
        .evidence()
        .unwrap_or(&[])
        .iter()
        .map(String::as_str)
        .collect();
    let now = parse_instant("2025-01-01").unwrap();
    trust::verify_approval(trust, approval, approval.candidate(), &digests, now).map(|_| ())
}

fn sign(statement: &str) -> String {
    trust::sign(&key(), trust::NAMESPACE, statement.as_bytes()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_signoff_changed_after_signing_never_counts(
        role in text(), by in text(), candidate in text(), at in when(),
        expires in proptest::option::of(when()),
        evidence in proptest::option::of(proptest::collection::vec(digest(), 0..3)),
        field in 0usize..7, new in text(), new_digest in digest(),
    ) {
        let trust = trust_all();
        let mut signoff = Signoff {
            role, by, candidate: Some(candidate), at: Some(stamp(&at)),
            expires: expires.as_deref().map(stamp), evidence, signature: None, file: 0,
        };
        signoff.signature = Some(sign(&signoff.statement()));
        prop_assert_eq!(verdict(&trust, &signoff), Ok(()));
        let before = signoff.statement();
        match field {
            0 => signoff.role = other(&signoff.role, &new),
            1 => signoff.by = other(&signoff.by, &new),
            2 => signoff.candidate = Some(other(signoff.candidate.as_deref().unwrap(), &new)),
            3 => signoff.at = Some(stamp(&other_when(&at))),
            4 => signoff.expires = match &signoff.expires {
                Some(e) => Some(stamp(&other_when(&e.text))),
                None => Some(stamp("2030-01-01")),
            },
            5 => signoff.at = None,
            _ => signoff.evidence = match signoff.evidence.take() {
                Some(mut list) if !list.is_empty() => {
                    list[0] = other(&list[0], &new_digest).chars().take(64).collect();
                    if list[0] == before { list.clear(); }
                    Some(list)
                }
                Some(_) => Some(vec![new_digest]),
                None => Some(Vec::new()),
            },
        }
        prop_assume!(signoff.statement() != before);
        prop_assert_eq!(verdict(&trust, &signoff), Err(Refusal::BadSignature));
    }

    #[test]
    fn a_waiver_changed_after_signing_never_counts(
        rule in text(), role in text(), by in text(), reason in text(), expires in when(),
        candidate in text(), field in 0usize..7, new in text(),
    ) {
        let trust = trust_all();
        let mut waiver = Waiver {
            rule, role, by, reason, expires: stamp(&expires), candidate: Some(candidate),
            evidence: None, signature: None, file: 0,
        };
        waiver.signature = Some(sign(&waiver.statement()));
        prop_assert_eq!(verdict(&trust, &waiver), Ok(()));
        match field {
            0 => waiver.rule = other(&waiver.rule, &new),
            1 => waiver.role = other(&waiver.role, &new),
            2 => waiver.by = other(&waiver.by, &new),
            3 => waiver.reason = other(&waiver.reason, &new),
            4 => waiver.expires = stamp(&other_when(&expires)),
            5 => waiver.candidate = Some(other(waiver.candidate.as_deref().unwrap(), &new)),
            _ => waiver.evidence = Some(Vec::new()),
        }
        prop_assert_eq!(verdict(&trust, &waiver), Err(Refusal::BadSignature));
    }
}
