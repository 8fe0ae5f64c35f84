//! Signed sign-offs and waivers (TRUST.md), end to end through the binary and against the
//! stock OpenSSH `ssh-keygen`: signatures it makes count in Tollgate, signatures Tollgate makes
//! verify with it; every refusal gives its reason; hostile trust files and signatures are
//! clear errors or refused approvals, never a panic and never an approval that counts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

const POLICY: &str = "policy \"trusted\" { version \"1\" }\ntrust \"allowed_signers\"\n\
metric m from \"x.acc\" higher is better\n\
rule floor {\n  block when m < 0.5\n  waivable by \"head-of-model-behavior\"\n}\n\
rule safety_signoff { block unless signed(\"safety-lead\") }\n";

const NOW: &str = "2025-04-25T12:00:00Z";
const CANDIDATE: &str = "chat-2025-04-25";

fn tollgate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // Small enough that the huge-file case below is quick to write.
        .env("TOLLGATE_MAX_POLICY_BYTES", "1000000")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn ssh_keygen(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new("ssh-keygen")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssh-keygen (openssh-client) must be installed: .ci/run installs it");
    if let Some(bytes) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// A key made by `ssh-keygen -t TYPE`, unencrypted: its public line.
/// The key types ssh-keygen makes that signatures are tested with: a file name and its flags.
const KEY_TYPES: [(&str, &[&str]); 3] = [
    ("ed", &["-t", "ed25519"]),
    ("ec", &["-t", "ecdsa", "-b", "256"]),
    ("rsa", &["-t", "rsa", "-b", "2048"]),
];

/// Trust file lines giving `role` a new key of each of [`KEY_TYPES`], made in `dir`.
fn every_key_type(dir: &Path, role: &str) -> String {
    KEY_TYPES
        .iter()
        .map(|(name, args)| format!("{role} {}\n", keygen(dir, name, args)))
        .collect()
}

fn keygen(dir: &Path, name: &str, args: &[&str]) -> String {
    let mut all = vec!["-q", "-N", "", "-C", name, "-f", name];
    all.extend_from_slice(args);
    let out = ssh_keygen(dir, &all, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = read(dir, &format!("{name}.pub"));
    public
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A case folder: the policy, passing metrics, and an allowed_signers file.
fn case(allowed: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policy.gate", POLICY);
    write(
        dir.path(),
        "metrics.json",
        &json!({"candidate": CANDIDATE, "metrics": {"x.acc": 0.8}}).to_string(),
    );
    write(dir.path(), "allowed_signers", allowed);
    dir
}

fn eval(dir: &Path, evidence: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["eval", "policy.gate", "--format", "json", "--now", NOW];
    for e in evidence {
        args.extend(["--evidence", e]);
    }
    let out = tollgate(dir, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), doc)
}

fn status(doc: &Value, rule: &str) -> String {
    doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == rule)
        .map(|r| r["status"].as_str().unwrap().to_string())
        .unwrap()
}

fn warnings(doc: &Value) -> Vec<String> {
    doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

/// `tollgate sign signoff … --statement`: the bytes to sign.
fn statement(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "sign",
        "signoff",
        "--role",
        "safety-lead",
        "--by",
        "alice@example.com",
        "--candidate",
        CANDIDATE,
        "--at",
        "2025-04-23T08:00:00Z",
        "--expires",
        "2025-05-24",
        "--statement",
    ];
    args.extend_from_slice(extra);
    let out = tollgate(dir, &args);
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

/// An evidence file with the sign-off of [`statement`] and `signature`.
fn signoff_file(statement: &str, signature: &str) -> String {
    let mut entry: Value = serde_json::from_str(statement).unwrap();
    entry["signature"] = Value::String(signature.to_string());
    json!({ "signoffs": [entry] }).to_string()
}

#[test]
fn signatures_made_by_ssh_keygen_count_for_each_key_type_and_hash() {
    let dir = tempfile::tempdir().unwrap();
    let case = case(&every_key_type(dir.path(), "safety-lead"));
    let text = statement(case.path(), &[]);
    write(case.path(), "statement", &text);
    for (name, _) in KEY_TYPES {
        for hash in ["sha512", "sha256"] {
            let key = dir.path().join(name);
            let out = ssh_keygen(
                case.path(),
                &[
                    "-Y",
                    "sign",
                    "-n",
                    "tollgate",
                    "-O",
                    &format!("hashalg={hash}"),
                    "-f",
                    key.to_str().unwrap(),
                    "statement",
                ],
                None,
            );
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let signature = read(case.path(), "statement.sig");
            std::fs::remove_file(case.path().join("statement.sig")).unwrap();
            write(case.path(), "a.json", &signoff_file(&text, &signature));
            let (code, doc) = eval(case.path(), &["metrics.json", "a.json"]);
            assert_eq!(code, Some(0), "{name} {hash}: {doc}");
            assert_eq!(status(&doc, "safety_signoff"), "passed", "{name} {hash}");
            let fingerprint = ssh_keygen(dir.path(), &["-l", "-f", &format!("{name}.pub")], None);
            let fingerprint = String::from_utf8(fingerprint.stdout).unwrap();
            let key = doc["approvals"][0]["key"].as_str().unwrap();
            assert!(fingerprint.contains(key), "{fingerprint} lacks {key}");
        }
    }
}

#[test]
fn signatures_made_by_tollgate_verify_with_ssh_keygen() {
    let dir = tempfile::tempdir().unwrap();
    let case = case(&every_key_type(dir.path(), "safety-lead"));
    for (name, _) in KEY_TYPES {
        let key = dir.path().join(name);
        let out = tollgate(
            case.path(),
            &[
                "sign",
                "signoff",
                "--role",
                "safety-lead",
                "--by",
                "alice@example.com",
                "--candidate",
                CANDIDATE,
                "--at",
                "2025-04-23T08:00:00Z",
                "--expires",
                "2025-05-24",
                "--evidence",
                "metrics.json",
                "--key",
                key.to_str().unwrap(),
                "-o",
                "signed.json",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (code, doc) = eval(case.path(), &["metrics.json", "signed.json"]);
        assert_eq!(code, Some(0), "{name}: {doc}");
        // The same check with stock OpenSSH: the statement is the entry without its signature.
        let doc: Value = serde_json::from_str(&read(case.path(), "signed.json")).unwrap();
        let mut entry = doc["signoffs"][0].clone();
        let signature = entry["signature"].as_str().unwrap().to_string();
        entry.as_object_mut().unwrap().remove("signature");
        let text = statement(case.path(), &["--evidence", "metrics.json"]);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), entry);
        write(case.path(), "entry.sig", &signature);
        let out = ssh_keygen(
            case.path(),
            &[
                "-Y",
                "verify",
                "-n",
                "tollgate",
                "-I",
                "safety-lead",
                "-f",
                "allowed_signers",
                "-s",
                "entry.sig",
            ],
            Some(text.as_bytes()),
        );
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_signed_record_verifies_with_tollgate_and_ssh_keygen() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice", &["-t", "ed25519"]);
    let ci = keygen(dir.path(), "ci", &["-t", "ed25519"]);
    let case = case(&format!(
        "safety-lead {alice}\nci namespaces=\"tollgate-record\" {ci}\n"
    ));
    let key = dir.path().join("alice");
    let out = tollgate(
        case.path(),
        &[
            "sign",
            "signoff",
            "--role",
            "safety-lead",
            "--by",
            "alice",
            "--candidate",
            CANDIDATE,
            "--key",
            key.to_str().unwrap(),
            "-o",
            "signed.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let ci_key = dir.path().join("ci");
    let out = tollgate(
        case.path(),
        &[
            "eval",
            "policy.gate",
            "--evidence",
            "metrics.json",
            "--evidence",
            "signed.json",
            "--now",
            NOW,
            "--record",
            "rec.json",
            "--sign-key",
            ci_key.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: Value = serde_json::from_str(&read(case.path(), "rec.json")).unwrap();
    assert_eq!(record["approvals"][0]["trust_line"], 1);
    let out = ssh_keygen(
        case.path(),
        &[
            "-Y",
            "verify",
            "-n",
            "tollgate-record",
            "-I",
            "ci",
            "-f",
            "allowed_signers",
            "-s",
            "rec.json.sig",
        ],
        Some(read(case.path(), "rec.json").as_bytes()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let verify = |args: &[&str]| {
        let mut all = vec!["verify", "rec.json", "--format", "json"];
        all.extend_from_slice(args);
        let out = tollgate(case.path(), &all);
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), doc)
    };
    let (code, doc) = verify(&["--signer", "ci"]);
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["signature"]["state"], "valid");
    assert_eq!(doc["signature"]["roles"], json!(["ci"]));
    // The signing key is trusted for records only as `ci`.
    let (code, doc) = verify(&["--signer", "safety-lead"]);
    assert_eq!(code, Some(1));
    assert_eq!(doc["signature"]["state"], "invalid");
    // A record rewritten consistently without the key no longer verifies.
    let text =
        read(case.path(), "rec.json").replace("\"decision\": \"pass\"", "\"decision\": \"pass\" ");
    write(case.path(), "rec.json", &text);
    let (code, doc) = verify(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(doc["signature"]["reason"], "bad signature");
    // Without its signature, `--signer` fails; without `--signer`, none is needed.
    std::fs::remove_file(case.path().join("rec.json.sig")).unwrap();
    assert_eq!(verify(&["--signer", "ci"]).0, Some(1));
    assert_eq!(verify(&[]).1["signature"], Value::Null);
}

/// A sign-off signed with `key` by `tollgate sign`, with `extra` arguments.
fn signed(case: &Path, key: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "sign",
        "signoff",
        "--role",
        "safety-lead",
        "--by",
        "alice",
        "--key",
        key.to_str().unwrap(),
    ];
    if !extra.contains(&"--candidate") {
        args.extend(["--candidate", CANDIDATE]);
    }
    args.extend_from_slice(extra);
    let out = tollgate(case, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The one warning about the sign-off, after evaluating with `approvals`.
fn refusal(case: &Path, approvals: &str) -> String {
    write(case, "approvals.json", approvals);
    let (code, doc) = eval(case, &["metrics.json", "approvals.json"]);
    assert_eq!(code, Some(1), "{doc}");
    assert_eq!(status(&doc, "safety_signoff"), "fired");
    let found: Vec<String> = warnings(&doc)
        .into_iter()
        .filter(|w| w.starts_with("sign-off"))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap()
}

#[test]
fn each_refusal_gives_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice", &["-t", "ed25519"]);
    let mallory = keygen(dir.path(), "mallory", &["-t", "ed25519"]);
    let key = dir.path().join("alice");
    let case = case(&format!(
        "safety-lead {alice}\nhead-of-model-behavior {mallory}\n"
    ));
    let c = case.path();
    let good = signed(c, &key, &[]);
    let doc: Value = serde_json::from_str(&good).unwrap();

    // Not signed.
    let mut unsigned = doc.clone();
    unsigned["signoffs"][0]
        .as_object_mut()
        .unwrap()
        .remove("signature");
    let w = refusal(c, &unsigned.to_string());
    assert!(w.ends_with("does not count: not signed"), "{w}");
    assert!(w.contains("approvals.json") && w.contains("safety-lead") && w.contains("alice"));

    // Tampered: a field changed after signing.
    let mut tampered = doc.clone();
    tampered["signoffs"][0]["by"] = json!("someone-else");
    assert!(refusal(c, &tampered.to_string()).ends_with(": bad signature"));

    // Forged: a signature copied from another statement.
    let other = signed(c, &key, &["--expires", "2099-01-01"]);
    let other: Value = serde_json::from_str(&other).unwrap();
    let mut forged = doc.clone();
    forged["signoffs"][0]["signature"] = other["signoffs"][0]["signature"].clone();
    assert!(refusal(c, &forged.to_string()).ends_with(": bad signature"));

    // Truncated and re-armored signatures.
    let armored = doc["signoffs"][0]["signature"]
        .as_str()
        .unwrap()
        .to_string();
    for broken in [
        armored[..armored.len() / 2].to_string(),
        armored.replace("SSH SIGNATURE", "PGP SIGNATURE"),
        armored.replace('A', "B"),
        String::from("not a signature"),
    ] {
        let mut d = doc.clone();
        d["signoffs"][0]["signature"] = json!(broken);
        assert!(refusal(c, &d.to_string()).ends_with(": bad signature"));
    }

    // Wrong role: mallory's key is trusted, but not for safety-lead.
    let by_mallory = signed(c, &dir.path().join("mallory"), &[]);
    assert!(refusal(c, &by_mallory).ends_with(": key not trusted for role safety-lead"));

    // Wrong candidate.
    let other_candidate = signed(c, &key, &["--candidate", "chat-2025-05-01"]);
    let w = refusal(c, &other_candidate);
    assert!(w.ends_with(": signed for candidate chat-2025-05-01"), "{w}");

    // Other evidence: the signer reviewed a file this bundle does not hold.
    write(c, "reviewed.json", "{\"metrics\": {}}");
    let other_evidence = signed(c, &key, &["--evidence", "reviewed.json"]);
    assert!(refusal(c, &other_evidence).ends_with(": signed for other evidence"));
    // With that file in the bundle, it counts.
    write(c, "approvals.json", &other_evidence);
    let (code, _) = eval(c, &["metrics.json", "reviewed.json", "approvals.json"]);
    assert_eq!(code, Some(0));

    // Expired key: valid only before the evaluation instant.
    write(
        c,
        "allowed_signers",
        &format!("safety-lead valid-before=\"20250401\" {alice}\n"),
    );
    assert!(refusal(c, &good).ends_with(": key expired"));
    // A key whose namespaces exclude `tollgate` is not trusted for Tollgate.
    write(
        c,
        "allowed_signers",
        &format!("safety-lead namespaces=\"git\" {alice}\n"),
    );
    assert!(refusal(c, &good).ends_with(": key not trusted for role safety-lead"));
}

#[test]
fn a_forged_waiver_is_refused_and_a_signed_one_applies() {
    let dir = tempfile::tempdir().unwrap();
    let bob = keygen(dir.path(), "bob", &["-t", "ed25519"]);
    keygen(dir.path(), "mallory", &["-t", "ed25519"]);
    let case = case(&format!("head-of-* {bob}\n"));
    let c = case.path();
    write(
        c,
        "metrics.json",
        &json!({"candidate": CANDIDATE, "metrics": {"x.acc": 0.4}}).to_string(),
    );
    let waiver = |key: &str| {
        let key = dir.path().join(key);
        let out = tollgate(
            c,
            &[
                "sign",
                "waiver",
                "--rule",
                "floor",
                "--role",
                "head-of-model-behavior",
                "--by",
                "bob",
                "--reason",
                "known artefact",
                "--expires",
                "2025-05-02",
                "--candidate",
                CANDIDATE,
                "--key",
                key.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    write(c, "w.json", &waiver("bob"));
    let (_, doc) = eval(c, &["metrics.json", "w.json"]);
    assert_eq!(status(&doc, "floor"), "waived");
    assert_eq!(doc["approvals"][0]["kind"], "waiver");
    write(c, "w.json", &waiver("mallory"));
    let (_, doc) = eval(c, &["metrics.json", "w.json"]);
    assert_eq!(status(&doc, "floor"), "fired");
    let w = warnings(&doc);
    assert!(
        w.iter().any(|w| w.starts_with("waiver for floor in w.json")
            && w.ends_with("key not trusted for role head-of-model-behavior")),
        "{w:?}"
    );
}

/// `check` on the policy with `allowed_signers` as the trust file: exit status and stderr.
fn check(allowed: &str) -> (Option<i32>, String) {
    let case = case(allowed);
    let out = tollgate(case.path(), &["check", "policy.gate"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code(), stderr)
}

#[test]
fn malformed_trust_files_are_check_errors_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let ed = keygen(dir.path(), "ed", &["-t", "ed25519"]);
    let ec384 = keygen(dir.path(), "ec384", &["-t", "ecdsa", "-b", "384"]);
    let cases = [
        (
            format!("# ok\n\nsafety-lead cert-authority {ed}\n"),
            "cert-authority",
            3,
        ),
        (format!("safety-lead {ec384}\n"), "unsupported key type", 1),
        (
            String::from("safety-lead ssh-ed25519 AAAAnotbase64!\n"),
            "not an OpenSSH public key",
            1,
        ),
        (String::from("safety-lead\n"), "has no key", 1),
        (
            format!("safety-lead bogus=\"1\" {ed}\n"),
            "unknown trust option",
            1,
        ),
        (
            format!("safety-lead valid-after=\"yesterday\" {ed}\n"),
            "not an OpenSSH time",
            1,
        ),
        (format!("\"safety-lead {ed}\n"), "unterminated quote", 1),
        (format!("safety-lead,,x {ed}\n"), "empty role", 1),
        (
            format!("safety-lead ssh-rsa {}\n", ed.split(' ').nth(1).unwrap()),
            "not an OpenSSH public key",
            1,
        ),
    ];
    for (text, message, line) in cases {
        let (code, stderr) = check(&text);
        assert_eq!(code, Some(2), "{text}: {stderr}");
        assert!(stderr.contains(message), "{text}: {stderr}");
        assert!(
            stderr.contains(&format!("allowed_signers:{line}:")),
            "{text}: {stderr}"
        );
    }
    // Huge files are refused by the size limit, not read whole.
    let huge = format!("# {}\n", "x".repeat(2_000_000));
    let (code, stderr) = check(&huge);
    assert_eq!(code, Some(2), "{stderr}");
    // A line of garbage, however long, is one error.
    let (code, _) = check(&"\u{0}\u{7f}é ".repeat(10_000));
    assert_eq!(code, Some(2));
}

#[test]
fn trust_paths_that_are_not_files_are_errors() {
    let case = case("");
    let c = case.path();
    std::fs::create_dir(c.join("dir")).unwrap();
    std::os::unix::fs::symlink("loop_b", c.join("loop_a")).unwrap();
    std::os::unix::fs::symlink("loop_a", c.join("loop_b")).unwrap();
    for target in [
        "dir",
        "loop_a",
        "missing",
        "../../../../../../etc/shadow-nope",
    ] {
        write(c, "policy.gate", &POLICY.replace("allowed_signers", target));
        let out = tollgate(c, &["check", "policy.gate"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {stderr}");
        assert!(
            stderr.contains("cannot read trust file"),
            "{target}: {stderr}"
        );
        assert!(stderr.contains("policy.gate:2:"), "{target}: {stderr}");
    }
}

#[test]
fn trust_from_an_import_is_relative_to_the_import_and_united() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice", &["-t", "ed25519"]);
    let bob = keygen(dir.path(), "bob", &["-t", "ed25519"]);
    let case = case(&format!("safety-lead {alice}\n"));
    let c = case.path();
    std::fs::create_dir(c.join("shared")).unwrap();
    write(c, "shared/keys.gate", "trust \"more_signers\"\n");
    write(c, "shared/more_signers", &format!("safety-lead {bob}\n"));
    write(
        c,
        "policy.gate",
        &format!("{POLICY}import \"shared/keys.gate\"\n"),
    );
    write(c, "a.json", &signed(c, &dir.path().join("bob"), &[]));
    let (code, doc) = eval(c, &["metrics.json", "a.json"]);
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["approvals"][0]["trust_file"], "shared/more_signers");
}

#[test]
fn check_notes_once_that_approvals_without_trust_are_not_authenticated() {
    let case = case("");
    let c = case.path();
    write(
        c,
        "policy.gate",
        &POLICY.replace("trust \"allowed_signers\"\n", ""),
    );
    let out = tollgate(c, &["check", "policy.gate"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr.matches("approvals are not authenticated").count(),
        1,
        "{stderr}"
    );
    // With trust, not a word.
    let out = tollgate(c, &["check", "policy.gate"]);
    assert!(out.status.success());
    write(c, "policy.gate", POLICY);
    let out = tollgate(c, &["check", "policy.gate"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("not authenticated"));
    // The policy's sha256 covers the trust file.
    let sha = |c: &Path| {
        let (_, doc) = eval(c, &["metrics.json"]);
        doc["policy"]["sha256"].as_str().unwrap().to_string()
    };
    let before = sha(c);
    write(c, "allowed_signers", "# a comment\n");
    assert_ne!(before, sha(c));
    // fmt keeps the item, and formatting changes no decision.
    let out = tollgate(c, &["fmt", "policy.gate"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(read(c, "policy.gate").contains("\ntrust \"allowed_signers\"\n"));
}

#[test]
fn diff_reads_trust_files() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice", &["-t", "ed25519"]);
    let bob = keygen(dir.path(), "bob", &["-t", "ed25519"]);
    let diff = |old: &str, new: &str| {
        let c = tempfile::tempdir().unwrap();
        for (side, text) in [("old", old), ("new", new)] {
            std::fs::create_dir(c.path().join(side)).unwrap();
            write(c.path(), &format!("{side}/policy.gate"), POLICY);
            write(c.path(), &format!("{side}/allowed_signers"), text);
        }
        let out = tollgate(
            c.path(),
            &[
                "diff",
                "old/policy.gate",
                "new/policy.gate",
                "--format",
                "json",
            ],
        );
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["verdict"].as_str().unwrap().to_string()
    };
    let one = format!("safety-lead {alice}\n");
    assert_eq!(diff(&one, &format!("{one}safety-lead {bob}\n")), "loosened");
    assert_eq!(
        diff(
            &one,
            &format!("safety-lead,head-of-model-behavior {alice}\n")
        ),
        "loosened"
    );
    assert_eq!(
        diff(&format!("{one}safety-lead {bob}\n"), &one),
        "tightened"
    );
    assert_eq!(
        diff(&one, &format!("# rotated next quarter\n{one}")),
        "cosmetic"
    );
}

#[test]
fn encrypted_keys_open_with_their_passphrase_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = ssh_keygen(
        dir.path(),
        &["-q", "-t", "ed25519", "-N", "correct horse", "-f", "enc"],
        None,
    );
    assert!(out.status.success());
    let text = read(dir.path(), "enc");
    let asked = std::cell::Cell::new(0);
    let open = |pass: Option<&str>| {
        tollgate::trust::read_private_key(&text, || {
            asked.set(asked.get() + 1);
            pass.map(str::to_string)
        })
    };
    assert!(open(Some("correct horse")).is_ok());
    assert_eq!(
        open(Some("wrong")).unwrap_err(),
        tollgate::trust::KeyProblem::WrongPassphrase
    );
    assert_eq!(
        open(None).unwrap_err(),
        tollgate::trust::KeyProblem::WrongPassphrase
    );
    assert_eq!(asked.get(), 3);
    // Without a terminal, `tollgate sign` cannot ask: a clear error, exit 2.
    let key = dir.path().join("enc");
    let out = tollgate(
        dir.path(),
        &[
            "sign",
            "signoff",
            "--role",
            "r",
            "--by",
            "b",
            "--candidate",
            "c",
            "--key",
            key.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("passphrase"));
}

#[test]
fn unusable_keys_and_digests_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path(), "ec384", &["-t", "ecdsa", "-b", "384"]);
    write(
        dir.path(),
        "garbage",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n",
    );
    for key in ["ec384", "garbage", "missing"] {
        let out = tollgate(
            dir.path(),
            &[
                "sign",
                "signoff",
                "--role",
                "r",
                "--by",
                "b",
                "--candidate",
                "c",
                "--key",
                key,
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{key}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // An `evidence` digest must be a sha256, as sha256sum prints it.
    let case = case("");
    write(
        case.path(),
        "a.json",
        &json!({"signoffs": [{"role": "r", "by": "b", "evidence": ["ABC"]}]}).to_string(),
    );
    let out = tollgate(
        case.path(),
        &["eval", "policy.gate", "--evidence", "a.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a sha256 digest"));
}

#[test]
fn import_archives_signed_approvals_that_still_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive.json");
    let out = tollgate(
        root,
        &[
            "import",
            "--evidence",
            "examples/chat-waived/evidence.json",
            "-o",
            archive.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tollgate(
        root,
        &[
            "eval",
            "policies/chat-mainline.gate",
            "--evidence",
            archive.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["decision"], "pass", "{doc}");
    assert_eq!(doc["approvals"].as_array().unwrap().len(), 3);
}
