//! `tollgate test`: one line per test, failures explained, coverage, JSON, exit statuses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn tollgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn failures_say_what_was_expected_and_what_happened() {
    let out = tollgate(&["test", "tests/fixtures/testing", "--coverage"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().last(), Some("2 passed, 1 failed"));
    insta::assert_snapshot!("test_run", stdout);
}

#[test]
fn filter_and_json() {
    let out = tollgate(&[
        "test",
        "tests/fixtures/testing/gate.gate",
        "--filter",
        "passes",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (doc["passed"].as_u64(), doc["failed"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(doc["files"][0]["tests"][0]["name"], "low value passes");
    assert_eq!(
        doc["files"][0]["coverage"]["never_fired"],
        serde_json::json!(["too_high", "other_high", "never_seen"])
    );

    let out = tollgate(&[
        "test",
        "tests/fixtures/testing/gate.gate",
        "--filter",
        "no such test",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a filter that matches nothing is not a success"
    );
}

#[test]
fn a_named_fragment_is_an_error_not_skipped() {
    let out = tollgate(&["test", "tests/fixtures/testing/common/fragment.gate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `policy` header"));
}

/// A broken test block is that test's failure: the file's other tests still run, and the
/// summary counts it.
#[test]
fn each_test_stands_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tt.gate");
    std::fs::write(
        &path,
        "policy \"p\" {}\nmetric m from \"m\" lower is better\nrule r { block when m > 1 }\n\
         test \"bad inline\" {\n evidence {\"metrics\": {\"m\": \"x\"}}\n expect pass\n}\n\
         test \"bad now\" {\n evidence {\"metrics\": {\"m\": 2}}\n now \"yesterday\"\n expect block\n}\n\
         test \"good\" {\n evidence {\"metrics\": {\"m\": 2}}\n expect block\n}\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .arg("test")
        .arg(&path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ok   "), "{stdout}");
    assert!(stdout.contains("good"), "{stdout}");
    assert!(stdout.contains("1 passed, 2 failed"), "{stdout}");
    assert!(
        stdout.contains("`yesterday` is not a date-time"),
        "{stdout}"
    );
    assert!(stdout.contains("invalid inline evidence"), "{stdout}");
    // Tests that could not run make the input unusable: exit 2, as before.
    assert_eq!(out.status.code(), Some(2), "{stdout}");
}
