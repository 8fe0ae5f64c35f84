//! `tollgate diff` through the binary: the report on the example policy history in every
//! format, exit statuses, errors, and versions read from git.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tollgate(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn history() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/history")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

const V3: &str = "policies/chat-mainline.v3.gate";
const V4: &str = "policies/chat-mainline.v4.gate";

#[test]
fn history_loosening_human() {
    let out = tollgate(&history(), &["diff", V3, V4, "--replay", "bundles"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("history_human", stdout(&out));
}

#[test]
fn history_loosening_json() {
    let out = tollgate(
        &history(),
        &["diff", V3, V4, "--replay", "bundles", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("history_json", stdout(&out));
}

#[test]
fn history_loosening_markdown() {
    let out = tollgate(
        &history(),
        &[
            "diff", V3, V4, "--replay", "bundles", "--format", "markdown",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("history_markdown", stdout(&out));
}

#[test]
fn history_tightening_human() {
    let out = tollgate(
        &history(),
        &[
            "diff",
            "policies/chat-mainline.v1.gate",
            "policies/chat-mainline.v2.gate",
            "--replay",
            "bundles",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("history_v1_v2_human", stdout(&out));
}

#[test]
fn fail_on_sets_the_exit_status() {
    let h = history();
    let status = |args: &[&str]| tollgate(&h, args).status.code();
    assert_eq!(status(&["diff", V3, V4, "--fail-on", "loosened"]), Some(1));
    assert_eq!(status(&["diff", V3, V4, "--fail-on", "changed"]), Some(1));
    let v2 = "policies/chat-mainline.v2.gate";
    // v2 → v3 only tightens: it fails on any change, not on loosening.
    assert_eq!(status(&["diff", v2, V3, "--fail-on", "loosened"]), Some(0));
    assert_eq!(status(&["diff", v2, V3, "--fail-on", "changed"]), Some(1));
    assert_eq!(status(&["diff", V3, V3, "--fail-on", "changed"]), Some(0));
}

#[test]
fn unusable_input_exits_2_with_diagnostics() {
    let h = history();
    let missing = tollgate(&h, &["diff", V3, "policies/nope.gate"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.gate"));
    let no_bundles = tollgate(&h, &["diff", V3, V4, "--replay", "policies"]);
    assert_eq!(no_bundles.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_bundles.stderr).contains("no evidence bundles"));
}

/// A scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("tollgate-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn versions_are_read_from_git_revisions_with_their_imports() {
    let repo = Scratch::new("diff-git");
    let root = &repo.0;
    git(root, &["init", "-q"]);
    let entry = "policy \"g\" { version \"1\" }\n\
                 import \"common/rules.gate\"\n\
                 metric syc from \"behavior.sycophancy_rate\" lower is better\n\
                 rule entry_rule {\n  block when syc > 10%\n}\n";
    let common =
        |t: &str| format!("rule imported_rule {{\n  block when regression(syc) > {t}\n}}\n");
    write(&root.join("policies/gate.gate"), entry);
    write(&root.join("policies/common/rules.gate"), &common("1%"));
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "v1"]);
    write(&root.join("policies/common/rules.gate"), &common("3%"));
    git(root, &["commit", "-q", "-am", "v2"]);
    // The working tree moves on again; the diff below reads both versions from git.
    write(&root.join("policies/common/rules.gate"), &common("0.5%"));

    let json = |cwd: &Path, args: &[&str]| -> serde_json::Value {
        let mut all = vec!["diff"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let out = tollgate(cwd, &all);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(&stdout(&out)).unwrap()
    };

    let doc = json(
        root,
        &["HEAD~1:policies/gate.gate", "HEAD:policies/gate.gate"],
    );
    assert_eq!(doc["verdict"], "loosened");
    assert_eq!(doc["changes"][0]["rule"], "imported_rule");
    assert_eq!(
        doc["changes"][0]["old"]["file"],
        "HEAD~1:policies/common/rules.gate"
    );
    assert_eq!(
        doc["changes"][0]["new"]["file"],
        "HEAD:policies/common/rules.gate"
    );

    // From a sub-folder, paths are relative to it, as for plain files; a path on disk is read
    // from disk.
    let doc = json(&root.join("policies"), &["HEAD:gate.gate", "gate.gate"]);
    assert_eq!(doc["verdict"], "tightened");
    assert_eq!(
        doc["changes"][0]["summary"],
        "block threshold on regression(syc) lowered from 3% to 0.5%"
    );

    let bad = tollgate(
        root,
        &["diff", "nosuchrev:policies/gate.gate", "policies/gate.gate"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nosuchrev"));
    let absent = tollgate(
        root,
        &["diff", "HEAD:policies/absent.gate", "policies/gate.gate"],
    );
    assert_eq!(absent.status.code(), Some(2));
}
