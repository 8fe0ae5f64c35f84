//! `tollgate diff` through the binary: the report on the example policy history in every
//! format, exit statuses, errors, and versions read from git.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::scratch::Scratch;

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

/// Diff `old` against `new` (written into a scratch folder with one evidence bundle) under
/// `--fail-on loosened`, with a replay of that bundle; returns the exit status and the report.
fn diff_with_bundle(
    tag: &str,
    old: &str,
    new: &str,
    bundle: &str,
) -> (Option<i32>, serde_json::Value) {
    let scratch = Scratch::new(tag);
    let dir = &scratch.0;
    write(&dir.join("v1.gate"), old);
    write(&dir.join("v2.gate"), new);
    write(&dir.join("bundles/one/evidence.json"), bundle);
    let out = tollgate(
        dir,
        &[
            "diff",
            "v1.gate",
            "v2.gate",
            "--fail-on",
            "loosened",
            "--replay",
            "bundles",
            "--format",
            "json",
        ],
    );
    let doc = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), doc)
}

/// The effects the report gives rule `r`.
fn effects_on_r(doc: &serde_json::Value) -> Vec<String> {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rule"] == "r")
        .map(|c| c["effect"].as_str().unwrap().to_string())
        .collect()
}

/// A let read inside `where` over a let-bound flag collection is the let, not the metric
/// field of the same name (`n`): lowering it lets a blocked bundle through, so the change is
/// a loosening of `r`, never cosmetic.
#[test]
fn let_inside_where_over_a_let_bound_flag_collection_is_traced() {
    let gate = |n: &str| {
        format!(
            "policy \"p\" {{}}\n\
             let n = {n}\n\
             let experts = flags where source == \"expert\"\n\
             rule r {{ block when any(experts where severity >= high and n > 2) }}\n"
        )
    };
    let bundle = r#"{ "metrics": {}, "flags": [
        { "source": "expert", "category": "behavior", "severity": "high" } ] }"#;
    let (status, doc) = diff_with_bundle("diff-let-flags", &gate("3"), &gate("0"), bundle);
    // The evaluator agrees this bundle goes from block to pass.
    assert_eq!(doc["replay"][0]["old"], "block", "{doc:#}");
    assert_eq!(doc["replay"][0]["new"], "pass", "{doc:#}");
    assert_eq!(doc["verdict"], "loosened", "{doc:#}");
    assert_eq!(effects_on_r(&doc), ["loosened"], "{doc:#}");
    assert_eq!(doc["changes"][0]["summary"], "let n lowered from 3 to 0");
    assert_eq!(status, Some(1));
}

/// The same through a let-bound metric family whose predicate reads a let; inside it, `n` is
/// the member's sample count, so the let `n` stays unused there.
#[test]
fn let_inside_where_over_a_let_bound_family_is_traced() {
    let gate = |cap: &str| {
        format!(
            "policy \"p\" {{}}\n\
             metric family refusals from \"safety.refusal.*\" lower is better\n\
             let cap = {cap}\n\
             let n = 5\n\
             let hot = refusals where value > cap and n > 10\n\
             rule r {{ block when any(hot where name != \"safety.refusal.x\") }}\n\
             rule s {{ warn when n > 2 }}\n"
        )
    };
    let bundle = r#"{ "metrics": { "safety.refusal.medical": { "value": 0.04, "n": 100 } },
        "flags": [] }"#;
    let (status, doc) = diff_with_bundle("diff-let-family", &gate("3%"), &gate("5%"), bundle);
    assert_eq!(doc["replay"][0]["old"], "block", "{doc:#}");
    assert_eq!(doc["replay"][0]["new"], "warn", "{doc:#}");
    assert_eq!(doc["verdict"], "loosened", "{doc:#}");
    assert_eq!(effects_on_r(&doc), ["loosened"], "{doc:#}");
    assert_eq!(status, Some(1));

    // `n` inside the family's `where` is the field: moving the let reaches only rule `s`.
    let n_moved = |n: &str| gate("3%").replace("let n = 5", &format!("let n = {n}"));
    let (status, doc) = diff_with_bundle("diff-let-field", &n_moved("5"), &n_moved("1"), bundle);
    assert_eq!(doc["verdict"], "loosened", "{doc:#}");
    assert_eq!(effects_on_r(&doc), Vec::<String>::new(), "{doc:#}");
    let on_s: Vec<_> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rule"] == "s")
        .map(|c| c["effect"].clone())
        .collect();
    assert_eq!(on_s, ["loosened"], "{doc:#}");
    assert_eq!(status, Some(1));
}
