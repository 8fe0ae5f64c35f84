//! Decision records: `eval --record FILE` writes one, `verify FILE` checks it. An untouched
//! record verifies; an edited evidence file, an edited policy (or import) and a record edited
//! by hand do not, and the report says what differs; an unusable record exits 2.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn tollgate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// A work folder holding a copy of the chat policy (split so that it has an import) and the
/// April 25 bundle, and a record of evaluating them, made from inside the folder.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.path().join("policies/common")).unwrap();
    std::fs::create_dir_all(dir.path().join("bundle")).unwrap();
    let policy = std::fs::read_to_string(root.join("policies/chat-mainline.gate")).unwrap();
    // Move the sign-off rules into an import, so the record lists two policy files; leave
    // out the tests, whose evidence paths are relative to the original file.
    let policy = &policy[..policy.find("\ntest ").unwrap_or(policy.len())];
    let (main, signoffs) = policy.split_at(policy.find("rule safety_signoff").unwrap());
    std::fs::write(
        dir.path().join("policies/chat.gate"),
        format!("{main}import \"common/signoffs.gate\"\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("policies/common/signoffs.gate"), signoffs).unwrap();
    std::fs::copy(
        root.join("policies/allowed_signers"),
        dir.path().join("policies/allowed_signers"),
    )
    .unwrap();
    std::fs::copy(
        root.join("examples/gpt-4o-2025-04-25/evidence.json"),
        dir.path().join("bundle/evidence.json"),
    )
    .unwrap();
    let out = tollgate(
        dir.path(),
        &[
            "eval",
            "policies/chat.gate",
            "--evidence",
            "bundle/evidence.json",
            "--record",
            "record.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    dir
}

/// Snapshot a verify report with hashes masked: they change whenever the shipped policy or
/// example does, and the tests above check them where they matter.
macro_rules! snapshot {
    ($name:expr, $text:expr) => {
        insta::with_settings!({ filters => vec![(r"\b[0-9a-f]{64}\b", "[sha256]")] }, {
            insta::assert_snapshot!($name, $text);
        })
    };
}

fn verify(dir: &Path, record: &str) -> Output {
    tollgate(dir, &["verify", record])
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_record_holds_the_json_result_and_every_policy_file() {
    let dir = setup();
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("record.json")).unwrap())
            .unwrap();
    let json: Value = serde_json::from_slice(
        &tollgate(
            dir.path(),
            &[
                "eval",
                "policies/chat.gate",
                "--evidence",
                "bundle/evidence.json",
                "--format",
                "json",
            ],
        )
        .stdout,
    )
    .unwrap();
    // Everything of `--format json`, unchanged, plus `record`.
    let mut without = record.clone();
    without.as_object_mut().unwrap().remove("record");
    assert_eq!(without, json);
    assert_eq!(record["record"]["format"], 1);
    let files: Vec<&str> = record["record"]["policy_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "policies/chat.gate",
            "policies/allowed_signers",
            "policies/common/signoffs.gate"
        ]
    );
    assert_eq!(record["evidence"][0]["path"], "bundle/evidence.json");
    assert_eq!(record["now"]["from"], "as_of");
    assert_eq!(record["tool"]["name"], "tollgate");
}

#[test]
fn an_untouched_record_verifies() {
    let dir = setup();
    let out = verify(dir.path(), "record.json");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    snapshot!("verify-untouched", stdout(&out));
}

#[test]
fn a_record_verifies_from_another_folder() {
    let dir = setup();
    let elsewhere = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.json");
    let out = verify(elsewhere.path(), record.to_str().unwrap());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("(read from "), "{}", stdout(&out));
}

#[test]
fn an_edited_evidence_file_fails_and_says_what_changed() {
    let dir = setup();
    // Remove the flags that made the rules fire.
    let path = dir.path().join("bundle/evidence.json");
    let mut bundle: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    bundle["flags"] = Value::Array(Vec::new());
    std::fs::write(&path, serde_json::to_string_pretty(&bundle).unwrap()).unwrap();
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("CHANGED   evidence bundle/evidence.json"),
        "{text}"
    );
    assert!(
        text.contains("decision: recorded \"block\", now \"pass\""),
        "{text}"
    );
    assert!(
        text.contains(
            "  rule tester_behavior_concern:\n    rules[0].outcome: recorded \"block\", now \"pass\"\n    \
             rules[0].status: recorded \"fired\", now \"passed\""
        ),
        "{text}"
    );
    snapshot!("verify-edited-evidence", text);
}

#[test]
fn an_edit_that_keeps_the_results_still_fails_on_the_hash() {
    let dir = setup();
    let path = dir.path().join("bundle/evidence.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n")).unwrap();
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("CHANGED   evidence"), "{text}");
    assert!(
        text.contains("results: every field reproduces (decision block, 11 rule(s))"),
        "{text}"
    );
}

#[test]
fn an_edited_policy_fails_and_says_what_changed() {
    let dir = setup();
    edit(
        &dir.path().join("policies/chat.gate"),
        "review when improvement(thumbs_up) > 0 and",
        "review when improvement(thumbs_up) > 5% and",
    );
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("CHANGED   policy policies/chat.gate"),
        "{text}"
    );
    assert!(
        text.contains(
            "  rule metrics_disagree_with_testers:\n    rules[6].outcome: recorded \"review\", now \"pass\""
        ),
        "{text}"
    );
    snapshot!("verify-edited-policy", text);
}

#[test]
fn an_edited_import_fails() {
    let dir = setup();
    edit(
        &dir.path().join("policies/common/signoffs.gate"),
        "block unless signed(\"safety-lead\")",
        "block unless signed(\"someone-else\")",
    );
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("CHANGED   policy policies/common/signoffs.gate"),
        "{text}"
    );
    assert!(
        text.contains("rules[9].outcome: recorded \"pass\", now \"block\""),
        "{text}"
    );
}

#[test]
fn a_policy_that_no_longer_loads_fails_with_its_errors() {
    let dir = setup();
    edit(
        &dir.path().join("policies/chat.gate"),
        "rule critical_flag",
        "rule critical flag",
    );
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("results: could not evaluate again"), "{text}");
}

#[test]
fn a_deleted_file_fails() {
    let dir = setup();
    std::fs::remove_file(dir.path().join("bundle/evidence.json")).unwrap();
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("MISSING   evidence bundle/evidence.json"));
}

#[test]
fn a_record_edited_by_hand_fails() {
    let dir = setup();
    let record = dir.path().join("record.json");
    let original = std::fs::read_to_string(&record).unwrap();

    // The decision.
    edit(&record, "\"decision\": \"block\"", "\"decision\": \"pass\"");
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("decision: recorded \"pass\", now \"block\""),
        "{}",
        stdout(&out)
    );
    snapshot!("verify-edited-record", stdout(&out));

    // A rule's status.
    std::fs::write(&record, &original).unwrap();
    let mut doc: Value = serde_json::from_str(&original).unwrap();
    doc["rules"][0]["status"] = "passed".into();
    doc["rules"][0]["outcome"] = "pass".into();
    std::fs::write(&record, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("rules[0].status: recorded \"passed\", now \"fired\""),
        "{}",
        stdout(&out)
    );

    // A hash.
    let mut doc: Value = serde_json::from_str(&original).unwrap();
    doc["evidence"][0]["sha256"] = "0".repeat(64).into();
    doc["record"]["evidence_files"][0]["sha256"] = "0".repeat(64).into();
    std::fs::write(&record, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("CHANGED   evidence"),
        "{}",
        stdout(&out)
    );

    // A rule removed from the record.
    let mut doc: Value = serde_json::from_str(&original).unwrap();
    doc["rules"].as_array_mut().unwrap().remove(1);
    std::fs::write(&record, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("rule critical_flag: not in the record"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_unusable_record_exits_2() {
    let dir = setup();
    let record = dir.path().join("record.json");
    let original = std::fs::read_to_string(&record).unwrap();
    let doc: Value = serde_json::from_str(&original).unwrap();

    let mut cases: Vec<(&str, String)> = vec![
        ("not JSON", original[..original.len() / 2].to_string()),
        ("empty", String::new()),
    ];
    let mut mutate = |what: &'static str, f: &dyn Fn(&mut Value)| {
        let mut d = doc.clone();
        f(&mut d);
        cases.push((what, serde_json::to_string(&d).unwrap()));
    };
    mutate("no record field", &|d| {
        d.as_object_mut().unwrap().remove("record");
    });
    mutate("another format", &|d| d["record"]["format"] = 99.into());
    mutate("no rules", &|d| {
        d.as_object_mut().unwrap().remove("rules");
    });
    mutate("a bad status", &|d| {
        d["rules"][0]["status"] = "exploded".into()
    });
    mutate("a bad outcome", &|d| {
        d["rules"][0]["outcome"] = "maybe".into()
    });
    mutate("a bad instant", &|d| d["now"]["value"] = "yesterday".into());
    mutate("a bad instant source", &|d| {
        d["now"]["from"] = "sundial".into()
    });
    mutate("a bad hash", &|d| d["evidence"][0]["sha256"] = "xyz".into());
    mutate("no policy files", &|d| {
        d["record"]["policy_files"] = Value::Array(Vec::new());
    });
    mutate("policy and its file disagree", &|d| {
        d["policy"]["sha256"] = "0".repeat(64).into();
    });
    mutate("no evidence", &|d| d["evidence"] = Value::Array(Vec::new()));
    mutate("evidence files disagree", &|d| {
        d["record"]["evidence_files"][0]["sha256"] = "0".repeat(64).into();
    });
    mutate("no evidence files", &|d| {
        d["record"]["evidence_files"] = Value::Array(Vec::new());
    });
    mutate("an unknown format", &|d| {
        d["record"]["evidence_files"][0]["format"] = "word".into();
    });
    mutate("an unknown role", &|d| {
        d["record"]["evidence_files"][0]["role"] = "witness".into();
    });
    mutate("a rule twice", &|d| {
        let first = d["rules"][0].clone();
        d["rules"].as_array_mut().unwrap().push(first);
    });
    for (what, text) in cases {
        std::fs::write(&record, text).unwrap();
        let out = verify(dir.path(), "record.json");
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stdout(&out));
        assert_eq!(stdout(&out), "", "{what}");
        assert!(
            stderr(&out).contains("record.json"),
            "{what}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"), "{what}");
    }
    let out = verify(dir.path(), "no-such-record.json");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn verify_json_reports_the_same() {
    let dir = setup();
    edit(
        &dir.path().join("policies/chat.gate"),
        "review when improvement(thumbs_up) > 0 and",
        "review when improvement(thumbs_up) > 5% and",
    );
    let out = tollgate(dir.path(), &["verify", "record.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verified"], false);
    assert_eq!(doc["decision"]["recorded"], "block");
    assert_eq!(doc["decision"]["now"], "block");
    assert_eq!(doc["files"][0]["state"], "changed");
    assert_eq!(doc["files"][1]["state"], "same");
    let first = &doc["differences"][0];
    assert_eq!(first["path"], "rules[6].outcome");
    assert_eq!(first["rule"], "metrics_disagree_with_testers");
    assert_eq!(first["recorded"], "review");
    assert_eq!(first["now"], "pass");
    assert_eq!(
        first["text"],
        "rules[6].outcome: recorded \"review\", now \"pass\""
    );
    // The message is gone now: `now` is null, not absent.
    let message = &doc["differences"][2];
    assert_eq!(message["path"], "rules[6].message");
    assert_eq!(message["now"], Value::Null);
    assert!(message.get("now").is_some());
}

#[test]
fn a_record_that_cannot_be_written_exits_2_after_printing() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = tollgate(
        Path::new(root),
        &[
            "eval",
            "policies/chat-mainline.gate",
            "--evidence",
            "examples/gpt-4o-2025-03-27/evidence.json",
            "--record",
            dir.path().join("no/such/folder/r.json").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).starts_with("PASS"));
    assert!(stderr(&out).contains("cannot write the record"));
}

#[test]
fn a_record_made_at_the_clock_instant_verifies_at_that_instant() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.gate"),
        "policy \"p\" {}\nrule s { block unless signed(\"lead\") }\n",
    )
    .unwrap();
    // The sign-off expires in 2000 years' time: still valid at the clock instant.
    std::fs::write(
        dir.path().join("e.json"),
        r#"{"signoffs": [{"role": "lead", "by": "x", "expires": "4025-01-01"}]}"#,
    )
    .unwrap();
    let out = tollgate(
        dir.path(),
        &[
            "eval",
            "p.gate",
            "--evidence",
            "e.json",
            "--record",
            "r.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(record["now"]["from"], "clock");
    assert_eq!(verify(dir.path(), "r.json").status.code(), Some(0));
}

/// Evidence read through an importer, with a key prefix and a baseline file, is read again
/// the same way on verify.
#[test]
fn a_record_of_imported_evidence_verifies_and_catches_edits() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "p.gate",
        "policy \"p\" {}\nmetric acc from \"offline.acc\" higher is better\n\
         rule drop { block when regression(acc) > 1% }\n\
         rule flagged { review when any(flags where severity >= high) }\n",
    );
    write("cand.json", r#"{"metrics": {"acc": 0.845}}"#);
    write("base.json", r#"{"metrics": {"acc": 0.85}}"#);
    write("flags.txt", "source,category,severity\nexpert,tone,high\n");
    let out = tollgate(
        dir.path(),
        &[
            "eval",
            "p.gate",
            "--evidence",
            "offline=cand.json",
            "--evidence",
            "flags-csv:flags.txt",
            "--baseline",
            "offline=base.json",
            "--now",
            "2025-01-01",
            "--record",
            "r.json",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let inputs = &record["record"]["evidence_files"];
    assert_eq!(inputs.as_array().unwrap().len(), 3, "{record:#}");
    let find = |path: &str| {
        inputs
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"] == path)
            .unwrap()
            .clone()
    };
    assert_eq!(find("cand.json")["prefix"], "offline");
    assert_eq!(find("flags.txt")["format"], "flags-csv");
    assert_eq!(find("base.json")["role"], "baseline");

    let out = verify(dir.path(), "r.json");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );

    // The baseline moves: the regression now blocks.
    write("base.json", r#"{"metrics": {"acc": 0.9}}"#);
    let out = verify(dir.path(), "r.json");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("CHANGED   evidence base.json"), "{text}");
    assert!(
        text.contains("rules[0].outcome: recorded \"pass\", now \"block\""),
        "{text}"
    );
    write("base.json", r#"{"metrics": {"acc": 0.85}}"#);

    // A record edited to read the flags file otherwise no longer evaluates.
    let mut edited = record.clone();
    for input in edited["record"]["evidence_files"].as_array_mut().unwrap() {
        if input["path"] == "flags.txt" {
            input["format"] = "tollgate".into();
        }
    }
    write("r.json", &serde_json::to_string_pretty(&edited).unwrap());
    let out = verify(dir.path(), "r.json");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("could not evaluate again"),
        "{}",
        stdout(&out)
    );
}

/// A record with a waiver, missing evidence and a warning: the waived chat bundle without
/// its sycophancy eval and with a waiver that is ignored (expired), evaluated from a work
/// folder.
fn setup_waived() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = std::fs::read_to_string(root.join("policies/chat-mainline.gate")).unwrap();
    let policy = &policy[..policy.find("\ntest ").unwrap_or(policy.len())];
    std::fs::write(dir.path().join("chat.gate"), policy).unwrap();
    std::fs::copy(
        root.join("policies/allowed_signers"),
        dir.path().join("allowed_signers"),
    )
    .unwrap();
    let mut bundle: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("examples/chat-waived/evidence.json")).unwrap(),
    )
    .unwrap();
    bundle["metrics"]
        .as_object_mut()
        .unwrap()
        .remove("behavior.sycophancy_rate");
    bundle["waivers"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "rule": "critical_flag", "role": "safety-lead", "by": "reviewer-7",
            "reason": "old", "expires": "2025-01-01"
        }));
    std::fs::write(
        dir.path().join("evidence.json"),
        serde_json::to_string_pretty(&bundle).unwrap(),
    )
    .unwrap();
    let out = tollgate(
        dir.path(),
        &[
            "eval",
            "chat.gate",
            "--evidence",
            "evidence.json",
            "--record",
            "record.json",
        ],
    );
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(verify(dir.path(), "record.json").status.code(), Some(0));
    dir
}

fn rule_index(doc: &Value, id: &str) -> usize {
    doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r["id"] == id)
        .unwrap()
}

/// Every field an auditor reads is verified: each forgery of the issue fails, and the report
/// names the field with what was recorded and what it is now.
#[test]
fn every_forged_field_is_named() {
    let dir = setup_waived();
    let record = dir.path().join("record.json");
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    let waived = rule_index(&original, "capability_floor");
    let missing = rule_index(&original, "sycophancy_regression");
    assert_eq!(original["rules"][waived]["status"], "waived");
    assert_eq!(
        original["rules"][missing]["missing"],
        serde_json::json!(["behavior.sycophancy_rate"])
    );
    // The ignored waiver (unsigned, under the policy's trust), then the evals too small to
    // see their thresholds (STATISTICS.md 5).
    let warnings = original["warnings"].as_array().unwrap();
    assert!(warnings[0]
        .as_str()
        .unwrap()
        .starts_with("waiver for critical_flag in evidence.json"));
    assert!(warnings[1..]
        .iter()
        .all(|w| w.as_str().unwrap().contains("the eval cannot see")));

    let forgeries: Vec<(&str, Value, String)> = vec![
        (
            "/waiver/by",
            "ceo".into(),
            format!("rules[{waived}].waiver.by: recorded \"ceo\", now \"reviewer-4\""),
        ),
        (
            "/waiver/reason",
            "approved by board".into(),
            format!("rules[{waived}].waiver.reason: recorded \"approved by board\", now \"MMLU"),
        ),
        (
            "/waiver/expires",
            "2099-01-01T00:00:00Z".into(),
            format!("rules[{waived}].waiver.expires: recorded \"2099-01-01T00:00:00Z\", now \"2025-07-15T00:00:00Z\""),
        ),
        (
            "/missing",
            serde_json::json!(["behavior.hallucination_rate"]),
            format!("rules[{missing}].missing[0]: recorded \"behavior.hallucination_rate\", now \"behavior.sycophancy_rate\""),
        ),
        (
            "/message",
            "all fine".into(),
            format!("rules[{missing}].message: recorded \"all fine\", now null"),
        ),
        (
            "/title",
            "Nothing to see".into(),
            format!("rules[{missing}].title: recorded \"Nothing to see\", now \"Sycophancy regressed\""),
        ),
        (
            "/warnings",
            Value::Array(Vec::new()),
            "warnings[0]: recorded absent, now \"waiver for critical_flag in evidence.json".to_string(),
        ),
        (
            "/candidate",
            "coder-v9".into(),
            "candidate: recorded \"coder-v9\", now \"chat-2025-07-01\"".to_string(),
        ),
        (
            "/baseline",
            Value::Null,
            "baseline: recorded null, now \"chat-2025-06-10\"".to_string(),
        ),
        (
            "/policy/version",
            "2099".into(),
            "policy.version: recorded \"2099\", now \"2025.05.02\"".to_string(),
        ),
        (
            "/policy/owner",
            "the board".into(),
            "policy.owner: recorded \"the board\", now".to_string(),
        ),
        (
            "/now/value",
            "2025-06-01T00:00:00Z".into(),
            "now.value: recorded \"2025-06-01T00:00:00Z\", now \"2025-06-30T18:00:00Z\"".to_string(),
        ),
        // (`option` with the bundle's own `as_of` is what `eval --now` at that instant
        // records: nothing tells the two apart.)
        (
            "/now/from",
            "clock".into(),
            "now.from: recorded \"clock\", now \"as_of\"".to_string(),
        ),
    ];
    for (field, forged, expected) in forgeries {
        let mut doc = original.clone();
        let target = match field {
            "/waiver/by" | "/waiver/reason" | "/waiver/expires" => {
                doc["rules"][waived].pointer_mut(field).unwrap()
            }
            "/missing" | "/message" | "/title" => doc["rules"][missing].pointer_mut(field).unwrap(),
            _ => doc.pointer_mut(field).unwrap(),
        };
        *target = forged;
        std::fs::write(&record, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
        let out = verify(dir.path(), "record.json");
        let text = stdout(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{field}: {text}{}",
            stderr(&out)
        );
        assert!(text.starts_with("NOT VERIFIED"), "{field}: {text}");
        assert!(text.contains(&expected), "{field}: {expected}\n{text}");
    }

    // A rule message rewritten, and the message of a passed rule invented (in the April
    // 25 record, where rules fired with messages).
    let dir = setup();
    let record = dir.path().join("record.json");
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    let mut doc = original.clone();
    doc["rules"][0]["message"] = "nothing of note".into();
    doc["rules"][1]["message"] = "blocked by the board".into();
    std::fs::write(&record, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(
            "rules[0].message: recorded \"nothing of note\", now \"2 behavior flag(s) of medium"
        ),
        "{text}"
    );
    assert!(
        text.contains("rules[1].message: recorded \"blocked by the board\", now null"),
        "{text}"
    );
    snapshot!("verify-forged-messages", text);

    // The same through `--format json`: the path, the rule and both values.
    let out = tollgate(dir.path(), &["verify", "record.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verified"], false);
    let first = &report["differences"][0];
    assert_eq!(first["path"], "rules[0].message");
    assert_eq!(first["recorded"], "nothing of note");
    assert_eq!(first["rule"], "tester_behavior_concern");
    let second = &report["differences"][1];
    assert_eq!(second["path"], "rules[1].message");
    assert_eq!(second["now"], Value::Null);
}

/// A field of the wrong form is named as such, with the path to it; the record is unusable.
#[test]
fn a_malformed_field_is_named() {
    let dir = setup_waived();
    let record = dir.path().join("record.json");
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    let waived = rule_index(&original, "capability_floor");
    let cases: Vec<(String, Value, String)> = vec![
        (
            "/rules/0/outcome".to_string(),
            "maybe".into(),
            "rules[0].outcome: not an outcome: \"maybe\"".to_string(),
        ),
        (
            "/rules/1/status".to_string(),
            3.into(),
            "rules[1].status: not a string: 3".to_string(),
        ),
        (
            format!("/rules/{waived}/waiver/expires"),
            "next summer".into(),
            format!("rules[{waived}].waiver.expires: not an RFC 3339 instant: \"next summer\""),
        ),
        (
            "/now/value".to_string(),
            "yesterday".into(),
            "now.value: not an RFC 3339 instant: \"yesterday\"".to_string(),
        ),
        (
            "/decision".to_string(),
            Value::Null,
            "decision: not a string: null".to_string(),
        ),
        (
            "/record/evidence_files/0/role".to_string(),
            "witness".into(),
            "record.evidence_files[0].role: not evidence or baseline: \"witness\"".to_string(),
        ),
    ];
    for (pointer, value, expected) in cases {
        let mut doc = original.clone();
        *doc.pointer_mut(&pointer).unwrap() = value;
        std::fs::write(&record, serde_json::to_string(&doc).unwrap()).unwrap();
        let out = verify(dir.path(), "record.json");
        assert_eq!(out.status.code(), Some(2), "{pointer}: {}", stdout(&out));
        // Diagnostics wrap long lines; compare with the line breaks and gutters folded.
        let err = stderr(&out)
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" ");
        assert!(err.contains(&expected), "{pointer}: {expected}\n{err}");
        assert!(!err.contains("contradicts"), "{pointer}: {err}");
    }
}

/// Only the tool's version may differ: it is reported, and the record still verifies.
#[test]
fn another_tool_version_is_a_note() {
    let dir = setup_waived();
    let record = dir.path().join("record.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    doc["tool"]["version"] = "0.0.1".into();
    std::fs::write(&record, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("recorded with tollgate 0.0.1; verified with"),
        "{}",
        stdout(&out)
    );
    // The tool's name is compared like any field.
    doc["tool"]["name"] = "other".into();
    std::fs::write(&record, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = verify(dir.path(), "record.json");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("tool.name: recorded \"other\", now \"tollgate\""),
        "{}",
        stdout(&out)
    );
}
