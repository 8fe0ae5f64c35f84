//! How evidence errors look to a person: rendered by miette as the CLI does (no colour), with
//! the file name, the line and the label.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tollgate::evidence::{load_files, parse_str, Format};

use crate::evidence_support::render;

/// Every diagnostic of a failed parse, rendered, one after another.
fn rendered(name: &str, text: &str, format: Format) -> String {
    let err = parse_str(name, text, format).unwrap_err();
    err.0.iter().map(render).collect::<Vec<_>>().join("\n")
}

#[test]
fn interval_low_above_high_in_json() {
    // The evidence of the conformance case `invalid-evidence-rejected`.
    let text = "{\n  \"metrics\": {\n    \"behavior.x\": {\n      \"value\": 0.25,\n      \"ci\": [\n        0.3,\n        0.2\n      ]\n    }\n  }\n}\n";
    let out = rendered("evidence.json", text, Format::Json);
    assert!(out.contains("[evidence.json:5:7]"));
    insta::assert_snapshot!("interval_low_above_high_in_json", out);
}

#[test]
fn several_problems_in_yaml() {
    let text = "\
candidate: chat-2025-04-25
metricz:
  behavior.x: 0.2
metrics:
  behavior.sycophancy_rate: {value: 0.094, baseline: 0.09, n: 1800.5}
flags:
  - source: expert
    category: tone
    severity: severe
waivers:
  - rule: sycophancy_regression
    role: head-of-model-behavior
    by: reviewer-3
    reason: \"\"
";
    let out = rendered("evidence.yaml", text, Format::Yaml);
    assert!(out.contains("[evidence.yaml:2:1]"));
    insta::assert_snapshot!("several_problems_in_yaml", out);
}

#[test]
fn metric_repeated_across_files() {
    let err = load_files(&[
        "tests/fixtures/evidence/ab-part-a.json",
        "tests/fixtures/evidence/repeats-metric.yaml",
    ])
    .unwrap_err();
    let out = err.0.iter().map(render).collect::<Vec<_>>().join("\n");
    assert!(out.contains("[tests/fixtures/evidence/repeats-metric.yaml:4:3]"));
    insta::assert_snapshot!("metric_repeated_across_files", out);
}
