//! Fail closed, everywhere: every way an input can be broken, missing or ambiguous ends in
//! exit status 2 (the input could not be used) or in a blocking decision — never in exit 0.
//!
//! Each case pairs the broken input with evidence that would otherwise pass, so a status 0
//! would mean the error was swallowed. (Hostile inputs that must not crash the parsers are
//! in tests/all/cli.rs and tests/all/evidence_hostile.rs; the limits are in tests/all/limits.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit 2 with an error, no panic, and no decision printed.
fn assert_unusable(out: &Output, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert!(!err.is_empty(), "{what}: an error must say something");
    assert!(!err.contains("panicked"), "{what}: {err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for decision in ["PASS", "WARN", "\"decision\""] {
        assert!(
            !stdout.contains(decision),
            "{what}: printed a decision\n{stdout}"
        );
    }
}

fn assert_blocks(out: &Output, what: &str) {
    assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(out));
}

/// A policy that passes on [`PASSING`]: one metric rule, one waivable rule, one flag rule
/// and one sign-off rule.
const POLICY: &str = r#"policy "p" {}
metric m from "m" lower is better
metric family refusals from "safety.refusal.*" lower is better
rule regress { block when regression(m) > 1%
  waivable by "lead" }
rule refusal { block when any(refusals where regression > 1%) }
rule flagged { block when any(flags where severity >= high) }
rule signoff { block unless signed("safety-lead") }
"#;

const PASSING: &str = r#"{
  "metrics": {
    "m": {"value": 0.10, "baseline": 0.10},
    "safety.refusal.a": {"value": 0.1, "baseline": 0.1}
  },
  "flags": [{"source": "expert", "category": "c", "severity": "low"}],
  "signoffs": [{"role": "safety-lead", "by": "x"}]
}"#;

/// A folder with [`POLICY`] as `p.gate` and [`PASSING`] as `ok.json`, checked to pass.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", POLICY);
    write(dir.path(), "ok.json", PASSING);
    let out = run(dir.path(), &["eval", "p.gate", "--evidence", "ok.json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the baseline case must pass: {}",
        stderr(&out)
    );
    dir
}

fn eval(dir: &Path, policy: &str, evidence: &[&str]) -> Output {
    let mut args = vec!["eval", policy, "--now", "2025-04-25T12:00:00Z"];
    for e in evidence {
        args.extend(["--evidence", e]);
    }
    run(dir, &args)
}

#[test]
fn imports_that_cannot_be_used() {
    let dir = setup();
    let d = dir.path();
    std::fs::create_dir_all(d.join("folder.gate")).unwrap();
    std::fs::write(
        d.join("latin1.gate"),
        b"rule r { warn when false } # caf\xe9\n",
    )
    .unwrap();
    write(d, "syntax.gate", "rule broken { block when }\n");
    write(d, "types.gate", "rule typed { block when \"a\" > 1 }\n");
    write(d, "header.gate", "policy \"second\" {}\n");
    write(d, "cycle_a.gate", "import \"cycle_b.gate\"\n");
    write(d, "cycle_b.gate", "import \"cycle_a.gate\"\n");
    write(d, "clash.gate", "rule regress { block when false }\n");
    for (import, what) in [
        ("missing.gate", "a missing file"),
        ("folder.gate", "a folder"),
        ("latin1.gate", "a file that is not UTF-8"),
        ("syntax.gate", "a syntax error in the import"),
        ("types.gate", "a type error in the import"),
        ("header.gate", "an import with its own policy header"),
        ("cycle_a.gate", "an import cycle"),
        ("clash.gate", "a rule id defined twice"),
        ("", "an empty path"),
    ] {
        write(
            d,
            "with_import.gate",
            &format!("{POLICY}import \"{import}\"\n"),
        );
        assert_unusable(&eval(d, "with_import.gate", &["ok.json"]), what);
    }
}

#[test]
fn policies_that_cannot_be_used() {
    let dir = setup();
    let d = dir.path();
    std::fs::create_dir_all(d.join("folder.gate")).unwrap();
    for (name, text, what) in [
        ("empty.gate", "", "an empty file"),
        (
            "no_header.gate",
            "rule r { block when false }\n",
            "no policy header",
        ),
        (
            "unknown.gate",
            "policy \"p\" {}\nrule r { block when nope > 1 }\n",
            "an unknown name",
        ),
        (
            "empty_rule.gate",
            "policy \"p\" {}\nrule r { }\n",
            "a rule without a clause",
        ),
        (
            "let_cycle.gate",
            "policy \"p\" {}\nlet a = b\nlet b = a\nrule r { block when a }\n",
            "a let cycle",
        ),
    ] {
        write(d, name, text);
        assert_unusable(&eval(d, name, &["ok.json"]), what);
    }
    assert_unusable(&eval(d, "folder.gate", &["ok.json"]), "a folder");
    assert_unusable(&eval(d, "absent.gate", &["ok.json"]), "a missing file");
}

/// A policy without a rule would pass every candidate: `eval` refuses it.
#[test]
fn a_policy_without_rules_is_refused() {
    let dir = setup();
    let d = dir.path();
    write(d, "none.gate", "policy \"none\" {}\nmetric m from \"m\"\n");
    let out = eval(d, "none.gate", &["ok.json"]);
    assert_unusable(&out, "a policy without rules");
    assert!(stderr(&out).contains("has no rules"), "{}", stderr(&out));
    // Rules that come only from imports count.
    write(d, "lib.gate", "rule r { block when true }\n");
    write(d, "imports.gate", "policy \"i\" {}\nimport \"lib.gate\"\n");
    assert_blocks(
        &eval(d, "imports.gate", &["ok.json"]),
        "rules from an import",
    );
}

#[test]
fn evidence_that_breaks_partway() {
    let dir = setup();
    let d = dir.path();
    // Every prefix of a passing file that is not the whole file: none may be used.
    let full = PASSING.trim_end();
    for cut in (1..full.len()).step_by(9) {
        write(d, "cut.json", &full[..cut]);
        assert_unusable(&eval(d, "p.gate", &["cut.json"]), &format!("cut at {cut}"));
    }
    // A valid first file does not carry a broken second one, in either order.
    write(
        d,
        "extra.json",
        r#"{"flags": [{"source": "x", "category": "y", "severity": "severe"}]}"#,
    );
    assert_unusable(
        &eval(d, "p.gate", &["ok.json", "extra.json"]),
        "bad second file",
    );
    assert_unusable(
        &eval(d, "p.gate", &["extra.json", "ok.json"]),
        "bad first file",
    );
    // Nor a missing one.
    assert_unusable(
        &eval(d, "p.gate", &["ok.json", "gone.json"]),
        "missing second file",
    );
    // The same file twice repeats its metrics.
    assert_unusable(
        &eval(d, "p.gate", &["ok.json", "ok.json"]),
        "a file given twice",
    );
    // A file that is a folder.
    std::fs::create_dir_all(d.join("dir.json")).unwrap();
    assert_unusable(&eval(d, "p.gate", &["ok.json", "dir.json"]), "a folder");
}

#[test]
fn empty_evidence() {
    let dir = setup();
    let d = dir.path();
    for (name, text) in [
        ("empty.json", ""),
        ("blank.json", " \n\t\n"),
        ("null.json", "null"),
        ("list.json", "[]"),
        ("string.json", "\"\""),
        ("number.json", "0"),
        ("empty.yaml", ""),
        ("comments.yaml", "# nothing\n# at all\n"),
        ("null.yaml", "~\n"),
        ("list.yaml", "- a\n"),
        ("scalar.yaml", "metrics\n"),
    ] {
        write(d, name, text);
        assert_unusable(&eval(d, "p.gate", &[name]), name);
    }
    assert_unusable(
        &run(d, &["eval", "p.gate", "--evidence"]),
        "--evidence without a file",
    );
    assert_unusable(
        &run(d, &["eval", "p.gate", "--evidence", ""]),
        "--evidence \"\"",
    );
}

/// An evidence bundle with no metrics leaves every metric rule unknown, and unknown blocks.
#[test]
fn evidence_without_metrics_blocks() {
    let dir = setup();
    let d = dir.path();
    write(d, "nothing.json", "{}");
    write(
        d,
        "flags_only.json",
        r#"{"flags": [], "signoffs": [{"role": "safety-lead", "by": "x"}]}"#,
    );
    write(
        d,
        "other_keys.json",
        r#"{"metrics": {"M": {"value": 0.1, "baseline": 0.1}, "safety.refusal": 0}}"#,
    );
    for name in ["nothing.json", "flags_only.json", "other_keys.json"] {
        let out = run(
            d,
            &[
                "eval",
                "p.gate",
                "--evidence",
                name,
                "--now",
                "2025-04-25",
                "--format",
                "json",
            ],
        );
        assert_blocks(&out, name);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let regress = &doc["rules"][0];
        assert_eq!(regress["status"], "missing", "{name}: {regress}");
        assert_eq!(
            doc["rules"][1]["status"], "missing",
            "{name}: an empty family is unknown"
        );
    }
}

/// A policy whose rules all ask about flags passes on an empty bundle, as LANGUAGE.md
/// section 6 says (no flags is an empty list, not missing evidence). But `{}` is also what a
/// broken export step writes, so the decision carries a warning that says the bundle is empty.
#[test]
fn an_empty_bundle_is_called_out() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "flags.gate",
        "policy \"f\" {}\nrule crit { block when any(flags where severity >= high) }\n",
    );
    write(d, "nothing.json", "{}");
    let out = run(
        d,
        &[
            "eval",
            "flags.gate",
            "--evidence",
            "nothing.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["warnings"][0],
        "the evidence bundle is empty: no metrics, flags, sign-offs or waivers"
    );
}

/// Every place a JSON key may repeat: a parser that keeps the last value would let the
/// second undo the first.
#[test]
fn repeated_keys_are_refused() {
    let dir = setup();
    let d = dir.path();
    let cases = [
        (
            "top.json",
            r#"{"flags": [{"source": "s", "category": "c", "severity": "critical"}], "flags": [], "metrics": {"m": {"value": 0.1, "baseline": 0.1}}, "signoffs": [{"role": "safety-lead", "by": "x"}]}"#,
        ),
        (
            "field.json",
            r#"{"metrics": {"m": {"value": 0.9, "baseline": 0.1, "value": 0.1}}}"#,
        ),
        (
            "flag.json",
            r#"{"flags": [{"source": "s", "category": "c", "severity": "critical", "severity": "low"}]}"#,
        ),
        (
            "waiver.json",
            r#"{"waivers": [{"rule": "regress", "role": "lead", "by": "b", "reason": "r", "expires": "2020-01-01", "expires": "2099-01-01"}]}"#,
        ),
        (
            "signoff.json",
            r#"{"signoffs": [{"role": "intern", "by": "x", "role": "safety-lead"}]}"#,
        ),
        ("top.yaml", "stage: ab\nstage: ga\n"),
        ("flag.yaml", "flags:\n  - {source: s, category: c, severity: critical, severity: low}\n"),
        ("waiver.yaml", "waivers:\n  - rule: regress\n    role: lead\n    role: lead\n    by: b\n    reason: r\n    expires: 2099-01-01\n"),
    ];
    for (name, text) in cases {
        write(d, name, text);
        let out = eval(d, "p.gate", &["ok.json", name]);
        // `ok.json` repeats no key of these files except `m`, whose repeat across files is
        // an error anyway: use the file alone when it sets `m`.
        let out = if text.contains("\"m\"") {
            eval(d, "p.gate", &[name])
        } else {
            out
        };
        assert_unusable(&out, name);
        assert!(
            stderr(&out).contains("more than once"),
            "{name}: {}",
            stderr(&out)
        );
    }
}

/// Unknown keys anywhere are refused, above all in waivers, where an ignored field (a scope,
/// a condition) would widen what the waiver covers.
#[test]
fn unknown_fields_are_refused() {
    let dir = setup();
    let d = dir.path();
    let waiver =
        r#""rule": "regress", "role": "lead", "by": "b", "reason": "r", "expires": "2099-01-01""#;
    for (name, text) in [
        ("waiver.json", format!(r#"{{"waivers": [{{{waiver}, "scope": "staging only"}}]}}"#)),
        ("waiver_case.json", format!(r#"{{"waivers": [{{{waiver}, "Expires": "2020-01-01"}}]}}"#)),
        ("flag.json", r#"{"flags": [{"source": "s", "category": "c", "severity": "high", "sevrity": "low"}]}"#.into()),
        ("signoff.json", r#"{"signoffs": [{"role": "safety-lead", "by": "x", "conditional": true}]}"#.into()),
        ("metric.json", r#"{"metrics": {"n": {"value": 0.1, "basline": 0.1}}}"#.into()),
        ("top.json", r#"{"metric": {"m": 0.1}}"#.into()),
        ("top.yaml", "metrics: {}\nwaiver: []\n".into()),
        ("merge.yaml", format!("base: &b {{{waiver}}}\nwaivers:\n  - <<: *b\n")),
        ("merge_only.yaml", "waivers:\n  - <<: {rule: regress, role: lead, by: b, reason: r, expires: 2099-01-01}\n".into()),
    ] {
        write(d, name, &text);
        assert_unusable(&eval(d, "p.gate", &["ok.json", name]), name);
    }
}

#[test]
fn yaml_features_that_could_hide_content() {
    let dir = setup();
    let d = dir.path();
    let mut bomb = String::from("x: &f {source: s, category: c, severity: low}\n");
    bomb.push_str(&format!("y: &l [{}]\n", vec!["*f"; 100].join(", ")));
    bomb.push_str(&format!("flags: [{}]\n", vec!["*l"; 100].join(", ")));
    for (name, text) in [
        (
            "two_documents.yaml",
            "signoffs: []\n---\nsignoffs: [{role: safety-lead, by: x}]\n".to_string(),
        ),
        (
            "tagged.yaml",
            "stage: !!str ab\nflags: !custom []\n".to_string(),
        ),
        ("nan.yaml", "metrics:\n  n: .nan\n".to_string()),
        ("inf.yaml", "metrics:\n  n: -.inf\n".to_string()),
        ("alias_bomb.yaml", bomb),
    ] {
        write(d, name, &text);
        assert_unusable(&eval(d, "p.gate", &["ok.json", name]), name);
    }
}

/// Unknown reaches the decision through arithmetic: overflow and division by zero are
/// unknown, and unknown blocks.
#[test]
fn arithmetic_that_cannot_be_computed_blocks() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "math.gate",
        "policy \"math\" {}\nmetric m from \"m\" lower is better\n\
         rule overflow { block when m * 10 > 1 }\n\
         rule divide { block when m / (m - m) > 1 }\n\
         rule relative { block when rel_regression(m) > 10% }\n",
    );
    write(
        d,
        "big.json",
        r#"{"metrics": {"m": {"value": 1e308, "baseline": 0}}}"#,
    );
    let out = run(
        d,
        &[
            "eval",
            "math.gate",
            "--evidence",
            "big.json",
            "--now",
            "2025-04-25",
            "--format",
            "json",
        ],
    );
    assert_blocks(&out, "overflow and division by zero");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for rule in doc["rules"].as_array().unwrap() {
        assert_eq!(rule["status"], "missing", "{rule}");
        assert_eq!(rule["outcome"], "block", "{rule}");
    }
}

/// A metric quantity too large for a number is unknown on every path: the planned shape
/// (`delta(m) > 1`), the general one (`… and true`), the report's missing keys and
/// `--explain`, which names the reason and prints evidence in exponent form.
#[test]
fn quantities_too_large_for_a_number_fail_closed() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "big.gate",
        "policy \"big\" {}\nmetric m from \"m\" lower is better\n\
         rule planned { block when delta(m) > 1 }\n\
         rule general { block when delta(m) > 1 and true }\n\
         rule relative { block when rel_delta(m) > 10% }\n",
    );
    for (name, evidence) in [
        (
            "wide.json",
            r#"{"metrics": {"m": {"value": 1.5e308, "baseline": -1.5e308}}}"#,
        ),
        (
            "tiny.json",
            r#"{"metrics": {"m": {"value": 1e10, "baseline": 1e-300}}}"#,
        ),
    ] {
        write(d, name, evidence);
        let out = run(
            d,
            &[
                "eval",
                "big.gate",
                "--evidence",
                name,
                "--now",
                "2025-04-25",
                "--format",
                "json",
            ],
        );
        assert_blocks(&out, name);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let rules = doc["rules"].as_array().unwrap();
        let unknown: Vec<&str> = rules
            .iter()
            .filter(|r| r["status"] == "missing")
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        let expected: &[&str] = if name == "wide.json" {
            &["planned", "general", "relative"]
        } else {
            &["relative"]
        };
        assert_eq!(unknown, expected, "{name}: {doc:#}");
        for rule in rules.iter().filter(|r| r["status"] == "missing") {
            assert_eq!(
                rule["missing"],
                serde_json::json!(["(number too large)"]),
                "{rule}"
            );
        }

        let out = run(
            d,
            &[
                "eval",
                "big.gate",
                "--evidence",
                name,
                "--now",
                "2025-04-25",
                "--explain",
            ],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains("does not fire"),
            "{name}: explain disagrees\n{text}"
        );
        assert!(
            text.contains("unknown (number too large)"),
            "{name}:\n{text}"
        );
        let longest_digits = text
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        assert!(
            longest_digits < 20,
            "{name}: a number printed in full\n{text}"
        );
    }
    let text = String::from_utf8_lossy(
        &run(
            d,
            &[
                "eval",
                "big.gate",
                "--evidence",
                "wide.json",
                "--now",
                "2025-04-25",
                "--explain",
            ],
        )
        .stdout,
    )
    .into_owned();
    assert!(text.contains("value 1.5e308, baseline -1.5e308"), "{text}");
}

/// A waiver that does not apply leaves the rule blocking, and so does a sign-off that has
/// expired (at `now` exactly counts as expired).
#[test]
fn waivers_and_signoffs_that_do_not_count() {
    let dir = setup();
    let d = dir.path();
    let regressed = r#""m": {"value": 0.5, "baseline": 0.1}, "safety.refusal.a": {"value": 0.1, "baseline": 0.1}"#;
    let signed = r#"{"role": "safety-lead", "by": "x"}"#;
    let waiver = |fields: &str| {
        format!(
            r#"{{"metrics": {{{regressed}}}, "signoffs": [{signed}], "waivers": [{{"by": "b", "reason": "r", {fields}}}]}}"#
        )
    };
    let cases = [
        ("expired", waiver(r#""rule": "regress", "role": "lead", "expires": "2025-04-01""#)),
        ("expires now", waiver(r#""rule": "regress", "role": "lead", "expires": "2025-04-25T12:00:00Z""#)),
        ("wrong role", waiver(r#""rule": "regress", "role": "intern", "expires": "2099-01-01""#)),
        ("unknown rule", waiver(r#""rule": "regres", "role": "lead", "expires": "2099-01-01""#)),
        (
            "rule not waivable",
            format!(r#"{{"metrics": {{{regressed}}}, "signoffs": [{signed}], "flags": [{{"source": "s", "category": "c", "severity": "high"}}], "waivers": [{{"rule": "flagged", "role": "lead", "by": "b", "reason": "r", "expires": "2099-01-01"}}]}}"#),
        ),
        (
            "expired sign-off",
            r#"{"metrics": {"m": {"value": 0.1, "baseline": 0.1}, "safety.refusal.a": {"value": 0.1, "baseline": 0.1}}, "signoffs": [{"role": "safety-lead", "by": "x", "expires": "2025-04-25T12:00:00Z"}]}"#.to_string(),
        ),
        (
            "sign-off for another role",
            r#"{"metrics": {"m": {"value": 0.1, "baseline": 0.1}, "safety.refusal.a": {"value": 0.1, "baseline": 0.1}}, "signoffs": [{"role": "Safety-Lead", "by": "x"}]}"#.to_string(),
        ),
    ];
    for (what, text) in cases {
        write(d, "case.json", &text);
        assert_blocks(&eval(d, "p.gate", &["case.json"]), what);
    }
}

/// The evidence of a policy test that cannot be used makes `tollgate test` exit 2, even when
/// the test expects the policy to pass.
#[test]
fn tests_with_unusable_evidence() {
    let dir = setup();
    let d = dir.path();
    write(d, "cut.json", &PASSING[..40]);
    let test = |evidence: &str| {
        format!("{POLICY}\ntest \"launches\" {{\n  {evidence}\n  now \"2025-04-25\"\n  expect pass\n}}\n")
    };
    for (name, evidence) in [
        ("missing_file.gate", "evidence \"gone.json\""),
        ("cut_file.gate", "evidence \"cut.json\""),
        ("folder.gate", "evidence \".\""),
        ("no_evidence.gate", ""),
        (
            "good_then_bad.gate",
            "evidence \"ok.json\"\n  evidence \"gone.json\"",
        ),
        (
            "repeats.gate",
            "evidence \"ok.json\"\n  evidence \"ok.json\"",
        ),
    ] {
        write(d, name, &test(evidence));
        let out = run(d, &["test", name]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{name}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("0 passed, 1 failed"), "{name}: {stdout}");
    }
    // Inline evidence is checked with the policy: a broken one is a check error.
    write(
        d,
        "inline.gate",
        &test("evidence { \"metrics\": { \"m\": \"low\" } }"),
    );
    let out = run(d, &["test", "inline.gate"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Sanity: the same test with usable evidence passes.
    write(d, "good.gate", &test("evidence \"ok.json\""));
    assert_eq!(run(d, &["test", "good.gate"]).status.code(), Some(0));
}

/// `tollgate test` on a folder with no tests, or on a test with no `expect`, is not a
/// success: CI would be green with nothing tested.
#[test]
fn nothing_tested_is_not_success() {
    let dir = setup();
    let d = dir.path();
    std::fs::create_dir_all(d.join("empty")).unwrap();
    assert_ne!(
        run(d, &["test", "empty"]).status.code(),
        Some(0),
        "no tests found"
    );
    write(
        d,
        "no_expect.gate",
        &format!("{POLICY}\ntest \"t\" {{\n  evidence \"ok.json\"\n}}\n"),
    );
    assert_ne!(
        run(d, &["test", "no_expect.gate"]).status.code(),
        Some(0),
        "a test without expect"
    );
}

/// A decision that cannot be delivered is not a success: the report or the record cannot
/// be written.
#[test]
fn output_that_cannot_be_written() {
    let dir = setup();
    let d = dir.path();
    let out = run(
        d,
        &[
            "eval",
            "p.gate",
            "--evidence",
            "ok.json",
            "--record",
            "no/such/folder/record.json",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    if Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_tollgate"))
            .args([
                "eval",
                "p.gate",
                "--evidence",
                "ok.json",
                "--format",
                "json",
            ])
            .current_dir(d)
            .env_remove("RUST_BACKTRACE")
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "stdout on a full disk: {}",
            stderr(&out)
        );
    }
}

/// `verify` fails when anything a record names has changed, and cannot be fooled by a
/// record that is not one.
#[test]
fn records_that_do_not_hold() {
    let dir = setup();
    let d = dir.path();
    let out = run(
        d,
        &[
            "eval",
            "p.gate",
            "--evidence",
            "ok.json",
            "--now",
            "2025-04-25",
            "--record",
            "rec.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(run(d, &["verify", "rec.json"]).status.code(), Some(0));
    // The evidence changed after the decision.
    write(d, "ok.json", &PASSING.replace("0.10}", "0.10 }"));
    assert_eq!(
        run(d, &["verify", "rec.json"]).status.code(),
        Some(1),
        "changed evidence"
    );
    write(d, "ok.json", PASSING);
    // The policy changed.
    write(d, "p.gate", &format!("{POLICY}# edited\n"));
    assert_eq!(
        run(d, &["verify", "rec.json"]).status.code(),
        Some(1),
        "changed policy"
    );
    write(d, "p.gate", POLICY);
    assert_eq!(run(d, &["verify", "rec.json"]).status.code(), Some(0));
    // The record's decision was edited.
    let record = std::fs::read_to_string(d.join("rec.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&record).unwrap();
    doc["decision"] = serde_json::json!("block");
    write(
        d,
        "edited.json",
        &serde_json::to_string_pretty(&doc).unwrap(),
    );
    assert_ne!(
        run(d, &["verify", "edited.json"]).status.code(),
        Some(0),
        "edited record"
    );
    // A field no decision depends on, edited: still not the record of this evaluation.
    let mut doc: serde_json::Value = serde_json::from_str(&record).unwrap();
    doc["policy"]["version"] = serde_json::json!("2099");
    write(
        d,
        "edited.json",
        &serde_json::to_string_pretty(&doc).unwrap(),
    );
    let out = run(d, &["verify", "edited.json"]);
    assert_eq!(out.status.code(), Some(1), "edited policy version");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("policy.version: recorded \"2099\""),
        "edited policy version"
    );
    for (name, text) in [
        ("garbage.json", "not json"),
        ("empty.json", ""),
        ("other.json", "{}"),
    ] {
        write(d, name, text);
        assert_eq!(run(d, &["verify", name]).status.code(), Some(2), "{name}");
    }
    assert_eq!(run(d, &["verify", "absent.json"]).status.code(), Some(2));
}

/// `diff --fail-on` cannot be passed by a version that does not load.
#[test]
fn diff_with_a_version_that_cannot_be_used() {
    let dir = setup();
    let d = dir.path();
    write(d, "broken.gate", "policy \"p\" {}\nrule r { block when }\n");
    for args in [
        ["diff", "p.gate", "broken.gate", "--fail-on", "loosened"],
        ["diff", "broken.gate", "p.gate", "--fail-on", "loosened"],
        ["diff", "p.gate", "absent.gate", "--fail-on", "changed"],
    ] {
        assert_unusable(&run(d, &args), &args.join(" "));
    }
    let out = run(
        d,
        &[
            "diff",
            "p.gate",
            "p.gate",
            "--replay",
            "absent",
            "--fail-on",
            "loosened",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "replay over a missing folder: {}",
        stderr(&out)
    );
}

/// Usage errors never fall back to a default that passes.
#[test]
fn usage_errors() {
    let dir = setup();
    let d = dir.path();
    for args in [
        vec![
            "eval",
            "p.gate",
            "--evidence",
            "ok.json",
            "--fail-on",
            "never",
        ],
        vec![
            "eval",
            "p.gate",
            "--evidence",
            "ok.json",
            "--now",
            "2025-13-01",
        ],
        vec!["eval", "p.gate", "--evidence", "ok.json", "--now", ""],
        vec!["eval", "p.gate", "--evidence", "ok.json", "--format", ""],
        vec![
            "eval",
            "p.gate",
            "--evidence",
            "ok.json",
            "--unknown-option",
        ],
        vec!["eval", "--evidence", "ok.json"],
        vec!["eval", "p.gate", "extra.gate", "--evidence", "ok.json"],
    ] {
        assert_unusable(&run(d, &args), &args.join(" "));
    }
}
