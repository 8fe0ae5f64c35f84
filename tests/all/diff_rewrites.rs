//! `tollgate diff` through the binary on rewrites: conditions written another way must be
//! cosmetic (and pass `--fail-on loosened`); conditions made weaker or stronger must be ordered
//! rather than `changed`; and diff finishes its job when a version's tests name a rule it
//! removed, and warns when decisions change under the same `version`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use crate::scratch::Scratch;

const HEADER: &str = r#"policy "gate" { version "2025.05.02" owner "behavior" }

metric syc from "behavior.sycophancy_rate" lower is better
metric hal from "behavior.hallucination_rate" lower is better
metric ups from "ab.thumbs_up_rate" higher is better
"#;

struct Run {
    code: Option<i32>,
    doc: serde_json::Value,
    stderr: String,
}

/// `tollgate diff old.gate new.gate --format json --fail-on loosened` on two whole files.
fn diff_files(tag: &str, old: &str, new: &str) -> Run {
    let scratch = Scratch::new(&format!("rewrite-{tag}"));
    let dir: &Path = &scratch.0;
    std::fs::write(dir.join("old.gate"), old).unwrap();
    std::fs::write(dir.join("new.gate"), new).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args([
            "diff",
            "old.gate",
            "new.gate",
            "--format",
            "json",
            "--fail-on",
            "loosened",
        ])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{tag}: {e}: {stderr}"));
    Run {
        code: out.status.code(),
        doc,
        stderr,
    }
}

/// Rule `r` with `old` and then `new` as its body.
fn diff_rule(tag: &str, old: &str, new: &str) -> Run {
    let file = |body: &str| format!("{HEADER}\nrule r {{\n  {body}\n}}\n");
    diff_files(tag, &file(old), &file(new))
}

fn effects(doc: &serde_json::Value, rule: &str) -> Vec<String> {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rule"] == rule)
        .map(|c| c["effect"].as_str().unwrap().to_string())
        .collect()
}

/// Each rewrite, run through the binary: the verdict, the effect on `r`, and the exit status
/// under `--fail-on loosened` (1 exactly when something loosened or changed).
fn check(tag: &str, old: &str, new: &str, verdict: &str, effect: &str) {
    let run = diff_rule(tag, old, new);
    assert_eq!(
        run.doc["verdict"], verdict,
        "{tag}: `{old}` -> `{new}`: {:#}",
        run.doc["changes"]
    );
    assert_eq!(effects(&run.doc, "r"), [effect], "{tag}: {:#}", run.doc);
    let fails = matches!(effect, "loosened" | "changed");
    assert_eq!(run.code, Some(i32::from(fails)), "{tag}: {}", run.stderr);
}

#[test]
fn unless_and_when_not_are_the_same_clause() {
    check(
        "unless-when-not",
        r#"block unless signed("safety-lead")"#,
        r#"block when not signed("safety-lead")"#,
        "cosmetic",
        "cosmetic",
    );
    check(
        "when-unless-not",
        "block when regression(syc) > 1%",
        "block unless not regression(syc) > 1%",
        "cosmetic",
        "cosmetic",
    );
    check(
        "triple-not",
        "block unless regression(syc) < 1%",
        "block when not not not regression(syc) < 1%",
        "cosmetic",
        "cosmetic",
    );
}

#[test]
fn any_none_and_count_of_a_known_collection_are_the_same() {
    let c = r#"flags where source == "tester" and severity >= high"#;
    check(
        "any-unless-none",
        &format!("block when any({c})"),
        &format!("block unless none({c})"),
        "cosmetic",
        "cosmetic",
    );
    check(
        "any-count",
        &format!("block when any({c})"),
        &format!("block when count({c}) >= 1"),
        "cosmetic",
        "cosmetic",
    );
    check(
        "none-count",
        &format!("review when none({c})"),
        &format!("review when 0 == count({c})"),
        "cosmetic",
        "cosmetic",
    );
}

/// `count` is unknown where an element is uncertain and `any` may still be true: true may
/// become unknown. That changes nothing when unknown contributes the clause's own severity,
/// and loosens when `missing pass` makes unknown pass.
#[test]
fn any_and_count_of_an_uncertain_collection_differ_by_the_missing_outcome() {
    let c = r#"flags where note == "regression""#;
    check(
        "any-count-uncertain",
        &format!("block when any({c})"),
        &format!("block when count({c}) >= 1"),
        "cosmetic",
        "cosmetic",
    );
    check(
        "any-count-missing-pass",
        &format!("block when any({c})\n  missing pass"),
        &format!("block when count({c}) >= 1\n  missing pass"),
        "loosened",
        "loosened",
    );
    check(
        "count-any-missing-pass",
        &format!("block when count({c}) > 0\n  missing pass"),
        &format!("block when any({c})\n  missing pass"),
        "tightened",
        "tightened",
    );
}

#[test]
fn and_and_or_are_commutative() {
    check(
        "and-swapped",
        "block when regression(syc) > 1% and regression(hal) > 2%",
        "block when regression(hal) > 2% and regression(syc) > 1%",
        "cosmetic",
        "cosmetic",
    );
    check(
        "or-regrouped",
        r#"review when (signed("a") or regression(syc) > 1%) or regression(hal) > 2%"#,
        r#"review when regression(hal) > 2% or (regression(syc) > 1% or signed("a"))"#,
        "cosmetic",
        "cosmetic",
    );
}

#[test]
fn conjuncts_and_disjuncts_order_by_strength() {
    check(
        "conjunct-added",
        "block when regression(syc) > 1%",
        "block when regression(syc) > 1% and regression(hal) > 1%",
        "loosened",
        "loosened",
    );
    check(
        "conjunct-dropped",
        "block when regression(hal) > 1% and regression(syc) > 1%",
        "block when regression(syc) > 1%",
        "tightened",
        "tightened",
    );
    check(
        "disjunct-added",
        "block when regression(syc) > 1%",
        "block when regression(hal) > 1% or regression(syc) > 1%",
        "tightened",
        "tightened",
    );
    check(
        "conjunct-added-to-unless",
        r#"block unless signed("a")"#,
        r#"block unless signed("a") and signed("b")"#,
        "tightened",
        "tightened",
    );
    // A conjunct added and the threshold of the kept one moved the same way.
    check(
        "conjunct-added-threshold-raised",
        "block when regression(syc) > 1%",
        "block when regression(hal) > 1% and regression(syc) > 2%",
        "loosened",
        "loosened",
    );
}

/// `has(m) and X` is false where `m` is absent and `X` unknown: a `missing` contribution
/// becomes a pass.
#[test]
fn a_has_guard_loosens() {
    check(
        "has-guard",
        "block when regression(syc) > 1%",
        "block when has(syc) and regression(syc) > 1%",
        "loosened",
        "loosened",
    );
    check(
        "has-guard-dropped",
        "block when has(syc) and regression(syc) > 1%",
        "block when regression(syc) > 1%",
        "tightened",
        "tightened",
    );
}

#[test]
fn worst_is_the_interval_end_its_direction_names() {
    check(
        "worst-upper",
        "block when worst(syc) > 5%",
        "block when upper(syc) > 5%",
        "cosmetic",
        "cosmetic",
    );
    check(
        "worst-lower",
        "block when worst(ups) < 40%",
        "block when lower(ups) < 40%",
        "cosmetic",
        "cosmetic",
    );
    check(
        "worst-wrong-end",
        "block when worst(syc) > 5%",
        "block when lower(syc) > 5%",
        "changed",
        "changed",
    );
}

#[test]
fn arithmetic_against_a_threshold_orders_by_sign() {
    let at = |lhs: &str| format!("block when {lhs} > 1%");
    let x = "regression(syc)";
    for (tag, new, effect) in [
        ("times-half", format!("{x} * 0.5"), "loosened"),
        ("div-two", format!("{x} / 2"), "loosened"),
        ("minus", format!("{x} - 0.5%"), "loosened"),
        ("times-two", format!("{x} * 2"), "tightened"),
        ("plus", format!("{x} + 0.5%"), "tightened"),
    ] {
        check(tag, &at(x), &at(&new), effect, effect);
    }
    // Below a negative threshold, halving moves a value towards zero: `x * 0.5 < -1%` needs
    // `x < -2%`.
    check(
        "negative-threshold",
        "block when delta(ups) < -1%",
        "block when delta(ups) * 0.5 < -1%",
        "loosened",
        "loosened",
    );
    // Against a threshold that is not a literal, the sign of the value is unknown.
    check(
        "let-threshold",
        "block when regression(syc) > regression(hal)",
        "block when regression(syc) * 0.5 > regression(hal)",
        "changed",
        "changed",
    );
}

/// A version whose tests name a rule it removed still gets its diff: the removal is
/// reported (loosened, so `--fail-on loosened` fails with 1, not 2) and the test error is
/// printed beside it.
#[test]
fn a_removed_rule_that_tests_still_name_is_a_removal_and_a_test_error() {
    let test = r#"
test "s fires" {
  evidence { "metrics": { "behavior.sycophancy_rate": { "value": 0.5 } } }
  expect block
  expect fired s
}
"#;
    let old = format!(
        "{HEADER}\nrule r {{\n  block when syc > 10%\n}}\nrule s {{\n  block when syc > 20%\n}}\n{test}"
    );
    let new = format!("{HEADER}\nrule r {{\n  block when syc > 10%\n}}\n{test}");
    let run = diff_files("removed-rule-test", &old, &new);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.doc["verdict"], "loosened");
    assert_eq!(effects(&run.doc, "s"), ["loosened"]);
    assert!(
        run.stderr
            .contains("test \"s fires\" expects a rule `s` that does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_semantic_change_under_the_same_version_is_a_warning() {
    let run = diff_rule(
        "same-version",
        "block when regression(syc) > 1%",
        "block when regression(syc) > 2%",
    );
    assert!(
        run.stderr
            .contains("version 2025.05.02 unchanged across a loosening change"),
        "{}",
        run.stderr
    );
    let cosmetic = diff_rule(
        "same-version-cosmetic",
        "block when regression(syc) > 1%",
        "block when regression(syc) > 0.01",
    );
    assert!(
        !cosmetic.stderr.contains("unchanged across"),
        "{}",
        cosmetic.stderr
    );
}
