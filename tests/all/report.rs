//! Every report format, on every example bundle, through the `tollgate` binary: snapshots
//! of human, json, markdown, junit and github output, and of `--explain` (human and JSON).
//! Paths are relative to the crate root, so the snapshots are the same on every machine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

/// (bundle folder, policy, evidence file, exit status of `eval`).
const BUNDLES: [(&str, &str, &str, i32); 6] = [
    (
        "gpt-4o-2025-04-25",
        "policies/chat-mainline.gate",
        "examples/gpt-4o-2025-04-25/evidence.json",
        1,
    ),
    (
        "gpt-4o-2025-03-27",
        "policies/chat-mainline.gate",
        "examples/gpt-4o-2025-03-27/evidence.json",
        0,
    ),
    (
        "chat-missing-eval",
        "policies/chat-mainline.gate",
        "examples/chat-missing-eval/evidence.json",
        1,
    ),
    (
        "chat-waived",
        "policies/chat-mainline.gate",
        "examples/chat-waived/evidence.json",
        0,
    ),
    (
        "frontier-deploys",
        "policies/frontier-preparedness.gate",
        "examples/frontier-deploys/evidence.yaml",
        0,
    ),
    (
        "frontier-withheld",
        "policies/frontier-preparedness.gate",
        "examples/frontier-withheld/evidence.yaml",
        1,
    ),
];

fn eval(policy: &str, evidence: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["eval", policy, "--evidence", evidence])
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run tollgate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn snapshot_all(label: &str, args: &[&str]) {
    for (bundle, policy, evidence, status) in BUNDLES {
        let (code, stdout, stderr) = eval(policy, evidence, args);
        assert_eq!(code, status, "{bundle} {label}: {stderr}");
        assert_eq!(stderr, "", "{bundle} {label}");
        // Hashes change whenever a shipped policy or example does; `record.rs` checks them.
        insta::with_settings!({ filters => vec![(r"\b[0-9a-f]{64}\b", "[sha256]")] }, {
            insta::assert_snapshot!(format!("{label}@{bundle}"), stdout);
        });
    }
}

#[test]
fn human() {
    snapshot_all("human", &[]);
}

#[test]
fn json() {
    snapshot_all("json", &["--format", "json"]);
}

#[test]
fn markdown() {
    snapshot_all("markdown", &["--format", "markdown"]);
}

#[test]
fn junit() {
    snapshot_all("junit", &["--format", "junit"]);
}

#[test]
fn github() {
    snapshot_all("github", &["--format", "github"]);
}

#[test]
fn explain_human() {
    snapshot_all("explain", &["--explain"]);
}

#[test]
fn explain_json() {
    snapshot_all("explain-json", &["--format", "json", "--explain"]);
}

/// `--explain` adds an `explain` field to each rule and changes nothing else.
#[test]
fn explain_json_only_adds_a_field() {
    for (bundle, policy, evidence, _) in BUNDLES {
        let plain: serde_json::Value =
            serde_json::from_str(&eval(policy, evidence, &["--format", "json"]).1).unwrap();
        let mut explained: serde_json::Value =
            serde_json::from_str(&eval(policy, evidence, &["--format", "json", "--explain"]).1)
                .unwrap();
        for rule in explained["rules"].as_array_mut().unwrap() {
            let clauses = rule["explain"]["clauses"].as_array().unwrap();
            assert!(!clauses.is_empty(), "{bundle}: {}", rule["id"]);
            rule.as_object_mut().unwrap().remove("explain");
        }
        assert_eq!(plain, explained, "{bundle}");
    }
}

/// The explanation agrees with the result: a rule fired exactly when one of its clauses did,
/// and a missing rule names, under some clause, the keys it reports missing.
#[test]
fn explain_agrees_with_the_result() {
    for (bundle, policy, evidence, _) in BUNDLES {
        let doc: serde_json::Value =
            serde_json::from_str(&eval(policy, evidence, &["--format", "json", "--explain"]).1)
                .unwrap();
        for rule in doc["rules"].as_array().unwrap() {
            let clauses = rule["explain"]["clauses"].as_array().unwrap();
            let results: Vec<&str> = clauses
                .iter()
                .map(|c| c["result"].as_str().unwrap())
                .collect();
            let status = rule["status"].as_str().unwrap();
            let id = &rule["id"];
            match status {
                "fired" => assert!(results.contains(&"fired"), "{bundle} {id}"),
                "missing" => assert!(results.contains(&"missing"), "{bundle} {id}"),
                "passed" => assert!(results.iter().all(|r| *r == "not fired"), "{bundle} {id}"),
                _ => assert!(results.iter().any(|r| *r != "not fired"), "{bundle} {id}"),
            }
            let text = serde_json::to_string(&rule["explain"]).unwrap();
            for key in rule["missing"].as_array().unwrap() {
                assert!(text.contains(key.as_str().unwrap()), "{bundle} {id} {key}");
            }
        }
    }
}

#[test]
fn markdown_names_who_can_clear_a_rule() {
    let (_, md, _) = eval(
        "policies/chat-mainline.gate",
        "examples/gpt-4o-2025-04-25/evidence.json",
        &["--format", "markdown"],
    );
    assert!(md.contains("waiver: `head-of-model-behavior`"), "{md}");
    assert!(md.contains("| not waivable |"), "{md}");
    let (_, md, _) = eval(
        "policies/frontier-preparedness.gate",
        "examples/frontier-withheld/evidence.yaml",
        &["--format", "markdown"],
    );
    assert!(md.contains("sign-off: `safeguards-cybersecurity`"), "{md}");
}

#[test]
fn markdown_with_explain_folds_each_rule() {
    let (_, md, _) = eval(
        "policies/chat-mainline.gate",
        "examples/chat-missing-eval/evidence.json",
        &["--format", "markdown", "--explain"],
    );
    assert_eq!(md.matches("<details>").count(), 11, "{md}");
    assert_eq!(md.matches("</details>").count(), 11, "{md}");
    assert!(
        md.contains("unknown (missing behavior.sycophancy_rate)"),
        "{md}"
    );
}

#[test]
fn github_appends_the_markdown_report_to_the_step_summary() {
    let dir = std::env::temp_dir().join(format!("tollgate-report-summary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_tollgate"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "eval",
                "policies/chat-mainline.gate",
                "--evidence",
                "examples/gpt-4o-2025-04-25/evidence.json",
                "--format",
                "github",
            ])
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("::error "));
    let (_, markdown, _) = eval(
        "policies/chat-mainline.gate",
        "examples/gpt-4o-2025-04-25/evidence.json",
        &["--format", "markdown"],
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(text, format!("earlier step\n\n{markdown}"));
    run();
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(text, format!("earlier step\n\n{markdown}\n{markdown}"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn other_formats_leave_the_step_summary_alone() {
    let dir =
        std::env::temp_dir().join(format!("tollgate-report-nosummary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let summary = dir.join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "eval",
            "policies/chat-mainline.gate",
            "--evidence",
            "examples/gpt-4o-2025-04-25/evidence.json",
            "--format",
            "junit",
        ])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!summary.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
