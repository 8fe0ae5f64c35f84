//! The binary as CI runs it: exit statuses of CLI.md, and no panic on hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

const POLICY: &str = "policy \"p\" {}\nmetric m from \"m\" lower is better\n\
rule blocker { block when m > 0.9 }\nrule reviewer { review when m > 0.5 }\nrule warner { warn when m > 0.1 }\n";

fn tollgate(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn assert_usable_error(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(!stderr.is_empty(), "{what}: an error must say something");
}

#[test]
fn exit_statuses_follow_the_decision_and_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", POLICY);
    let cases = [
        ("0.05", None, 0),
        ("0.2", None, 0),
        ("0.6", None, 3),
        ("0.95", None, 1),
        ("0.6", Some("review"), 1),
        ("0.2", Some("warn"), 1),
        ("0.6", Some("warn"), 1),
        ("0.05", Some("warn"), 0),
    ];
    for (value, fail_on, code) in cases {
        write(
            dir.path(),
            "e.json",
            &format!("{{\"metrics\": {{\"m\": {value}}}}}"),
        );
        let mut args = vec!["eval", "p.gate", "--evidence", "e.json"];
        if let Some(level) = fail_on {
            args.extend(["--fail-on", level]);
        }
        let out = tollgate(&args, dir.path());
        assert_eq!(
            out.status.code(),
            Some(code),
            "m = {value}, --fail-on {fail_on:?}"
        );
    }
}

#[test]
fn human_output_leads_with_the_decision() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", POLICY);
    write(dir.path(), "e.json", r#"{"metrics": {"m": 0.95}}"#);
    let out = tollgate(
        &[
            "eval",
            "p.gate",
            "--evidence",
            "e.json",
            "--now",
            "2025-01-01",
        ],
        dir.path(),
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("BLOCK  p"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}'),
        "no colour off a terminal: {stdout}"
    );
    insta::assert_snapshot!("human_block", stdout);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", POLICY);
    write(dir.path(), "e.json", r#"{"metrics": {"m": 0.95}}"#);
    for args in [
        vec!["eval", "p.gate"],
        vec![
            "eval",
            "p.gate",
            "--evidence",
            "e.json",
            "--now",
            "yesterday",
        ],
        vec!["eval", "p.gate", "--evidence", "e.json", "--format", "pdf"],
        vec!["eval", "missing.gate", "--evidence", "e.json"],
        vec!["eval", "p.gate", "--evidence", "missing.json"],
        vec!["eval", "p.gate", "--evidence", "e.txt"],
        vec!["check"],
        vec!["frobnicate"],
    ] {
        assert_usable_error(&tollgate(&args, dir.path()), &args.join(" "));
    }
}

#[test]
fn check_reports_success_and_failure() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.gate", POLICY);
    write(
        dir.path(),
        "bad.gate",
        "policy \"b\" {}\nrule r { block when nope > 1 }\n",
    );
    let out = tollgate(&["check", "good.gate"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let out = tollgate(&["check", "good.gate", "bad.gate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.gate:2:21"), "{stderr}");
    let out = tollgate(&["check", "--format", "json", "bad.gate"], dir.path());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["diagnostics"][0]["code"], "tollgate::unknown_name");
}

#[test]
fn only_a_family_is_adjusted_and_a_misspelt_method_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "one.gate",
        "policy \"p\" {}\nmetric m from \"m\" lower is better adjusted by holm\n\
         rule r { block when significantly_worse(m) }\n",
    );
    let out = tollgate(&["check", "one.gate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("only a `metric family` is `adjusted by`")
            && stderr.contains("one.gate:2:"),
        "{stderr}"
    );
    write(
        dir.path(),
        "typo.gate",
        "policy \"p\" {}\nmetric family f from \"f.*\" lower is better adjusted by holms\n",
    );
    let out = tollgate(&["check", "typo.gate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`holm` or `bh`"), "{stderr}");
    write(
        dir.path(),
        "good.gate",
        "policy \"p\" {}\nmetric family f from \"f.*\" lower is better adjusted by bh\n\
         rule r { block when any(f where significantly_worse) }\n",
    );
    let out = tollgate(&["check", "good.gate"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn diff_calls_a_changed_adjustment_a_change_to_the_rules_it_reaches() {
    let dir = tempfile::tempdir().unwrap();
    let policy = |adjusted: &str| {
        format!(
            "policy \"p\" {{}}\nmetric family f from \"f.*\" lower is better{adjusted}\n\
             rule r {{ block when any(f where significantly_worse) }}\n"
        )
    };
    write(dir.path(), "old.gate", &policy(""));
    write(dir.path(), "new.gate", &policy(" adjusted by holm"));
    write(dir.path(), "same.gate", &policy(" adjusted  by holm"));
    let out = tollgate(
        &["diff", "old.gate", "new.gate", "--format", "json"],
        dir.path(),
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verdict"], "changed", "{doc}");
    assert_eq!(doc["changes"][0]["rule"], "r");
    assert_eq!(
        doc["changes"][0]["summary"],
        "metric f adjustment changed from none to holm"
    );
    let out = tollgate(
        &["diff", "new.gate", "same.gate", "--format", "json"],
        dir.path(),
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(doc["verdict"], "changed", "{doc}");
}

#[test]
fn explain_states_each_regression_test_a_rule_used() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.gate",
        "policy \"p\" {}\nmetric acc from \"acc\" higher is better\n\
         metric family tox from \"tox.*\" lower is better adjusted by holm\n\
         rule paired { warn when pvalue(acc) > 0.5 }\n\
         rule family { block when any(tox where significantly_worse) }\n",
    );
    // Differences 1, 1, 0, 0 in clusters {q1, q2} and {q3, q4}: mean 0.5, cluster sums 1 and
    // -1, se = sqrt(2 / 1 * 2 / 16) = 0.5; higher is better, so r = -0.5 and z = -1.
    // tox.a: z = 3, p 0.0013499, Holm over 2 members 0.0026998; tox.b: z = 0, p 0.5.
    write(
        dir.path(),
        "e.json",
        r#"{"samples": {"acc": {
              "candidate": {"q1": 1, "q2": 1, "q3": 0, "q4": 1},
              "baseline": {"q1": 0, "q2": 0, "q3": 0, "q4": 1},
              "clusters": {"q1": "a", "q2": "a", "q3": "b", "q4": "b"}}},
            "metrics": {
              "tox.a": {"value": 0.13, "baseline": 0.1, "stderr": 0.01, "baseline_stderr": 0},
              "tox.b": {"value": 0.1, "baseline": 0.1, "stderr": 0.01, "baseline_stderr": 0}}}"#,
    );
    let args = ["eval", "p.gate", "--evidence", "e.json", "--explain"];
    let out = tollgate(&args, dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "test acc: paired, clustered (2 clusters), k 4; r -0.5, se 0.5, z -1, p 0.84134"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("test tox.a: unpaired; r 0.03, se 0.01, z 3, p 0.0013498")
            && stdout.contains("holm-adjusted p 0.0026997"),
        "{stdout}"
    );
    let out = tollgate(&[&args[..], &["--format", "json"]].concat(), dir.path());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rule = |id: &str| {
        doc["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let paired = &rule("paired")["explain"]["clauses"][0]["condition"]["children"][0]["tests"][0];
    assert_eq!(
        paired["method"], "paired, clustered (2 clusters)",
        "{paired}"
    );
    assert_eq!(
        (paired["k"].as_u64(), paired["se"].as_f64()),
        (Some(4), Some(0.5))
    );
    let family = rule("family");
    let tests = &family["explain"]["clauses"][0]["condition"]["children"][0]["tests"];
    assert_eq!(tests[0]["key"], "tox.a", "{family}");
    assert_eq!(tests[0]["adjustment"], "holm");
    let (raw, adjusted) = (
        tests[0]["p"].as_f64().unwrap(),
        tests[0]["adjusted_p"].as_f64().unwrap(),
    );
    assert!((adjusted - 2.0 * raw).abs() < 1e-15 && (raw - 0.001_349_9).abs() < 1e-7);
    assert_eq!(tests[1]["key"], "tox.b");
    assert_eq!(tests[1]["z"], 0.0);
}

#[test]
fn n_needed_takes_one_metric_and_an_effect() {
    let dir = tempfile::tempdir().unwrap();
    for (body, says) in [
        (
            "n_needed(m) > 1",
            "`n_needed` takes a metric and an effect size",
        ),
        (
            "n_needed(f, 1%) > 1",
            "`n_needed` takes one metric; `f` is a metric family",
        ),
        ("n_needed(m, \"big\") > 1", "`n_needed`'s effect"),
    ] {
        write(
            dir.path(),
            "p.gate",
            &format!(
                "policy \"p\" {{}}\nmetric m from \"m\" lower is better\n\
                 metric family f from \"f.*\"\nrule r {{ block when {body} }}\n"
            ),
        );
        let out = tollgate(&["check", "p.gate"], dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{body}: {stderr}");
        assert!(stderr.contains(says), "{body}: {stderr}");
    }
}

#[test]
fn hostile_evidence_is_rejected_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", POLICY);
    let deep = format!(
        "{{\"metrics\": {{\"m\": {}1{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let mut big = String::from("{\"metrics\": {");
    for i in 0..400_000 {
        big.push_str(&format!("\"k{i}\": {{\"value\": 0.{i}}},"));
    }
    big.push_str("\"m\": 0.1}, \"bogus\": 1}");
    assert!(big.len() > 10_000_000);
    let cases: Vec<(&str, String)> = vec![
        ("wrong type", r#"{"metrics": {"m": "high"}}"#.into()),
        ("NaN", r#"{"metrics": {"m": NaN}}"#.into()),
        ("1e999", r#"{"metrics": {"m": 1e999}}"#.into()),
        ("deep nesting", deep),
        ("10 MB with an unknown key at the end", big),
        ("not JSON", "\u{0}\u{1}garbage".into()),
        ("empty", String::new()),
        ("null", "null".into()),
        ("duplicate key", r#"{"metrics": {"m": 0.1, "m": 0.2}}"#.into()),
        ("waiver without reason", r#"{"waivers": [{"rule": "blocker", "role": "r", "by": "b", "expires": "2030-01-01"}]}"#.into()),
    ];
    for (what, text) in cases {
        write(dir.path(), "e.json", &text);
        assert_usable_error(
            &tollgate(&["eval", "p.gate", "--evidence", "e.json"], dir.path()),
            what,
        );
    }
    write(
        dir.path(),
        "bomb.yaml",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n",
    );
    assert_usable_error(
        &tollgate(&["eval", "p.gate", "--evidence", "bomb.yaml"], dir.path()),
        "YAML alias bomb",
    );
}

#[test]
fn hostile_policies_are_rejected_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "e.json", "{}");
    let cases: Vec<(&str, String)> = vec![
        (
            "deep parentheses",
            format!(
                "policy \"p\" {{}}\nrule r {{ block when {}true{} }}\n",
                "(".repeat(100_000),
                ")".repeat(100_000)
            ),
        ),
        (
            "long not chain",
            format!(
                "policy \"p\" {{}}\nrule r {{ block when {}true }}\n",
                "not ".repeat(100_000)
            ),
        ),
        (
            "long and chain",
            format!(
                "policy \"p\" {{}}\nrule r {{ block when true{} }}\n",
                " and true".repeat(100_000)
            ),
        ),
        (
            "deep lists",
            format!(
                "policy \"p\" {{}}\nlet l = {}1{}\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
        ),
        ("unterminated string", "policy \"p {}\n".into()),
        ("binary", "\u{0}\u{ff}\u{7}".into()),
        (
            "reserved word",
            "policy \"p\" {}\nrule block { block when true }\n".into(),
        ),
    ];
    for (what, text) in cases {
        write(dir.path(), "p.gate", &text);
        assert_usable_error(
            &tollgate(&["eval", "p.gate", "--evidence", "e.json"], dir.path()),
            what,
        );
        assert_usable_error(&tollgate(&["check", "p.gate"], dir.path()), what);
    }
    std::fs::write(dir.path().join("p.gate"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    assert_usable_error(&tollgate(&["check", "p.gate"], dir.path()), "not UTF-8");
}

/// Near misses between the evidence and the policy are warnings with "did you mean", and
/// baseline warnings name only metrics the policy reads.
#[test]
fn near_misses_are_called_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "p.gate",
        "policy \"p\" {}\n\
         metric pass1 from \"offline.humaneval.pass_at_1\" higher is better\n\
         metric other from \"other\" lower is better\n\
         rule coding { block when regression(pass1) > 1% }\n\
         rule other_rule { warn when regression(other) > 1% }\n\
         rule signoff { block unless signed(\"safety-lead\")\n  waivable by \"head-of-safety\" }\n",
    );
    write(
        d,
        "e.json",
        r#"{"metrics": {"offline.humaneval.pass_at1": {"value": 0.5, "baseline": 0.5},
                        "other": 0.1, "unread.a": 1, "unread.b": 2},
            "signoffs": [{"role": "saftey-lead", "by": "r"}],
            "waivers": [{"rule": "signoff", "role": "head-of-saftey", "by": "r",
                         "reason": "known", "expires": "2030-01-01"}]}"#,
    );
    write(d, "base.json", r#"{"metrics": {"other": 0.1}}"#);
    let out = tollgate(
        &[
            "eval",
            "p.gate",
            "--evidence",
            "e.json",
            "--baseline",
            "base.json",
            "--now",
            "2025-04-25",
            "--format",
            "json",
        ],
        d,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    let has = |needle: &str| warnings.iter().any(|w| w.contains(needle));
    assert!(
        has("the evidence has no `offline.humaneval.pass_at_1` (metric pass1), but has `offline.humaneval.pass_at1`, which no metric reads: did you mean `offline.humaneval.pass_at1`?"),
        "{warnings:#?}"
    );
    assert!(
        has("role `saftey-lead`, which the policy never asks for: did you mean `safety-lead`?"),
        "{warnings:#?}"
    );
    assert!(has("role head-of-saftey may not waive it (waivable by head-of-safety): did you mean `head-of-safety`?"), "{warnings:#?}");
    // `other` got its baseline; `offline.humaneval.pass_at1` has its own; the unread ones are
    // summarised in one line.
    assert!(
        !warnings.iter().any(|w| w.contains("metric `unread.")),
        "{warnings:#?}"
    );
    assert!(has("2 other metrics without a baseline"), "{warnings:#?}");
}

/// The first error points the right way: broken YAML says so first (not a shape error the
/// broken syntax caused), a file given as the wrong format says which format it looks like,
/// and a sign-off that expires before it was given is refused.
#[test]
fn first_errors_point_the_right_way() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "p.gate", POLICY);
    write(
        d,
        "broken.yaml",
        "metrics:\n  m:\n    value: 0.1\n    stderr: 0.0372\n  safety.x: {value: 1\nflags: []\n",
    );
    write(
        d,
        "signoff.json",
        r#"{"signoffs": [{"role": "lead", "by": "r", "at": "2025-04-24", "expires": "2025-04-01"}]}"#,
    );
    let lm_eval = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/lm-eval/typhoon2-3b-commonsense-en-th.json");
    let wrong_format = format!("inspect:{}", lm_eval.display());
    for (evidence, first) in [
        ("broken.yaml", "invalid YAML"),
        (
            wrong_format.as_str(),
            "this is not inspect output; it looks like lm-eval",
        ),
        (
            "signoff.json",
            "`signoffs[0].expires` is 2025-04-01T00:00:00Z, before",
        ),
    ] {
        let out = tollgate(&["eval", "p.gate", "--evidence", evidence], d);
        assert_usable_error(&out, evidence);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // miette wraps long lines, continuing them after a `│`.
        let flat = stderr
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" ");
        let first_error = flat.split('×').nth(1).unwrap_or_default();
        assert!(first_error.contains(first), "{evidence}: {flat}");
        if evidence == "broken.yaml" {
            assert_eq!(flat.matches('×').count(), 1, "{flat}");
        }
    }
}

#[test]
fn samples_of_one_metric_in_two_files_is_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", POLICY);
    let set = r#"{"samples": {"m": {"candidate": {"a": 0, "b": 1}}}}"#;
    write(dir.path(), "one.json", set);
    write(dir.path(), "two.json", set);
    let out = tollgate(
        &[
            "eval",
            "p.gate",
            "--evidence",
            "one.json",
            "--evidence",
            "two.json",
        ],
        dir.path(),
    );
    assert_usable_error(&out, "repeated samples");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("one.json") && stderr.contains("two.json") && stderr.contains("`m`"),
        "{stderr}"
    );
}

#[test]
fn a_bad_score_is_an_evidence_error_naming_file_key_and_item() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", POLICY);
    write(
        dir.path(),
        "e.yaml",
        "samples:\n  m:\n    candidate: { q1: .nan }\n",
    );
    let out = tollgate(&["eval", "p.gate", "--evidence", "e.yaml"], dir.path());
    assert_usable_error(&out, "non-finite score");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("e.yaml") && stderr.contains("\"m\"") && stderr.contains("q1"),
        "{stderr}"
    );
}

#[test]
fn a_metric_defined_by_samples_is_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", POLICY);
    // Mean 0.75 > 0.5: review.
    write(
        dir.path(),
        "e.json",
        r#"{"samples": {"m": {"candidate": {"a": 1, "b": 0.5}}}}"#,
    );
    let out = tollgate(&["eval", "p.gate", "--evidence", "e.json"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
