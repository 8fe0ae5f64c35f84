//! Evidence parsing and validation (EVIDENCE.md), in JSON and YAML: the shapes that are
//! accepted, and one test per rule that rejects, each checking the message names the key and
//! the error points at the right line and column.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{TimeZone, Utc};
use tollgate::diagnostic::Code;
use tollgate::evidence::{parse_instant, parse_str, Format, Metric};
use tollgate::levels::Severity;

use crate::evidence_support::*;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Accepted documents

#[test]
fn spec_example_yaml_reads_every_field() {
    let text = include_str!("../fixtures/evidence/spec-example.yaml");
    let b = yaml(text);
    assert_eq!(b.candidate.as_deref(), Some("gpt-4o-2025-04-25"));
    assert_eq!(b.baseline.as_deref(), Some("gpt-4o-2025-03-27"));
    assert_eq!(b.stage.as_deref(), Some("ab"));
    assert_eq!(b.as_of, Some(utc(2025, 4, 25, 9, 0, 0)));
    let keys: Vec<&str> = b.metrics.keys().map(String::as_str).collect();
    assert_eq!(keys, ["behavior.sycophancy_rate", "offline.mmlu.acc"]);
    let mut expected = Metric::new(0.21, 0);
    expected.set_baseline(Some(0.09));
    expected.set_stderr(Some(0.004));
    expected.set_baseline_stderr(Some(0.003));
    expected.set_ci(Some((0.19, 0.23)));
    expected.set_baseline_ci(Some((0.08, 0.10)));
    expected.set_n(Some(1800));
    assert_eq!(b.metrics["behavior.sycophancy_rate"], expected);
    let m = &b.metrics["behavior.sycophancy_rate"];
    assert_eq!(
        (m.baseline(), m.stderr(), m.baseline_stderr(), m.n()),
        (Some(0.09), Some(0.004), Some(0.003), Some(1800))
    );
    assert_eq!(
        (m.ci(), m.baseline_ci(), m.file(), m.baseline_file()),
        (Some((0.19, 0.23)), Some((0.08, 0.10)), 0, None)
    );
    assert_eq!(b.metrics["offline.mmlu.acc"].value(), 0.887);
    let flag = &b.flags[0];
    assert_eq!(flag.id(), Some("F-12"));
    assert_eq!(&*flag.source, "expert");
    assert_eq!(flag.author.as_deref(), Some("tester-3"));
    assert_eq!(&*flag.category, "personality");
    assert_eq!(flag.severity, Severity::Medium);
    assert_eq!(flag.note(), Some("feels slightly off; overly agreeable"));
    assert_eq!(flag.stage(), Some("alpha"));
    let signoff = &b.signoffs[0];
    assert_eq!(
        (signoff.role.as_str(), signoff.by.as_str()),
        ("safety-lead", "reviewer-7")
    );
    assert_eq!(
        signoff.at.as_ref().map(|s| s.at),
        Some(utc(2025, 4, 24, 10, 0, 0))
    );
    assert_eq!(
        signoff.expires.as_ref().map(|s| s.at),
        Some(utc(2025, 5, 24, 0, 0, 0))
    );
    let waiver = &b.waivers[0];
    assert_eq!(waiver.rule, "sycophancy_regression");
    assert_eq!(waiver.role, "head-of-model-behavior");
    assert_eq!(waiver.by, "reviewer-3");
    assert_eq!(waiver.reason, "Known eval artefact, see incident doc");
    assert_eq!(waiver.expires.at, utc(2025, 5, 1, 0, 0, 0));
}

#[test]
fn json_and_yaml_spellings_give_the_same_bundle() {
    let from_yaml = yaml(include_str!("../fixtures/evidence/spec-example.yaml"));
    let from_json = json(include_str!("../fixtures/evidence/spec-example.json"));
    assert_eq!(from_json.metrics, from_yaml.metrics);
    assert_eq!(from_json.flags, from_yaml.flags);
    assert_eq!(from_json.signoffs, from_yaml.signoffs);
    assert_eq!(from_json.waivers, from_yaml.waivers);
    assert_eq!(from_json.as_of, from_yaml.as_of);
    assert_eq!(from_json.candidate, from_yaml.candidate);
}

#[test]
fn file_record_is_the_name_and_the_sha256_of_the_text() {
    let b = json("{}");
    assert_eq!(b.files.len(), 1);
    assert_eq!(b.files[0].path, "evidence.json");
    // sha256("{}")
    assert_eq!(
        b.files[0].sha256,
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    );
}

#[test]
fn empty_object_is_an_empty_bundle() {
    let b = json("{}");
    assert!(b.metrics.is_empty() && b.flags.is_empty() && b.signoffs.is_empty());
    assert_eq!(b.candidate, None);
    let b = yaml("metrics: {}\nflags: []\n");
    assert!(b.metrics.is_empty() && b.flags.is_empty());
}

#[test]
fn shorthand_number_means_value() {
    let b = json(r#"{ "metrics": { "offline.mmlu.acc": 0.887, "count": 3, "delta": -2 } }"#);
    assert_eq!(b.metrics["offline.mmlu.acc"], Metric::new(0.887, 0));
    assert_eq!(b.metrics["count"].value(), 3.0);
    assert_eq!(b.metrics["delta"].value(), -2.0);
    let b = yaml("metrics:\n  offline.mmlu.acc: 0.887\n");
    assert_eq!(b.metrics["offline.mmlu.acc"].value(), 0.887);
    assert_eq!(b.metrics["offline.mmlu.acc"].ci(), None);
}

#[test]
fn metrics_keep_their_order_of_reading() {
    let b = json(r#"{ "metrics": { "z": 1, "a": 2, "m.k": 3 } }"#);
    let keys: Vec<&str> = b.metrics.keys().map(String::as_str).collect();
    assert_eq!(keys, ["z", "a", "m.k"]);
}

#[test]
fn null_on_an_optional_field_means_absent() {
    let b = json(
        r#"{ "candidate": null, "metrics": { "x": { "value": 1, "baseline": null, "ci": null } },
             "flags": null }"#,
    );
    assert_eq!(b.candidate, None);
    assert_eq!(b.metrics["x"].baseline(), None);
    assert_eq!(b.metrics["x"].ci(), None);
    assert!(b.flags.is_empty());
    let b = yaml("stage:\nmetrics:\n  x: { value: 1, n: ~ }\n");
    assert_eq!(b.stage, None);
    assert_eq!(b.metrics["x"].n(), None);
}

#[test]
fn n_accepts_a_whole_float() {
    // Pipelines that write every number as a float still give a whole count.
    let b = json(r#"{ "metrics": { "x": { "value": 1, "n": 1800.0 } } }"#);
    assert_eq!(b.metrics["x"].n(), Some(1800));
    let b = yaml("metrics:\n  x: { value: 1, n: 0 }\n");
    assert_eq!(b.metrics["x"].n(), Some(0));
}

#[test]
fn ci_may_touch_the_value_and_baseline_ci_needs_no_baseline() {
    let b = json(
        r#"{ "metrics": { "x": { "value": 0.2, "ci": [0.2, 0.2], "baseline_ci": [0.5, 0.6] } } }"#,
    );
    assert_eq!(b.metrics["x"].ci(), Some((0.2, 0.2)));
    assert_eq!(b.metrics["x"].baseline_ci(), Some((0.5, 0.6)));
}

#[test]
fn successes_make_a_proportion_with_a_wilson_interval() {
    // Read by both passes: JSON takes the fast path, YAML the validating one.
    for b in [
        json(
            r#"{ "metrics": { "x": { "successes": 40, "n": 40, "baseline_successes": 1,
                                       "baseline_n": 4, "baseline_stderr": 0.1 } } }"#,
        ),
        yaml(
            "metrics:\n  x: { successes: 40, n: 40, baseline_successes: 1, baseline_n: 4, \
              baseline_stderr: 0.1 }\n",
        ),
    ] {
        let x = &b.metrics["x"];
        assert_eq!((x.value(), x.stderr(), x.n()), (1.0, Some(0.0), Some(40)));
        let (low, high) = x.ci().unwrap();
        assert!(
            (low - 0.912_375_5).abs() < 1e-6 && high == 1.0,
            "{low} {high}"
        );
        assert_eq!((x.baseline(), x.baseline_stderr()), (Some(0.25), Some(0.1)));
        assert!(x.baseline_ci().is_some());
    }
}

#[test]
fn a_metric_of_no_items_and_no_value_is_unknown_not_an_error() {
    // STATISTICS.md section 7: with n = 0 the value is unknown. Both passes leave the metric
    // out (rules reading it fail closed) and say so; a stated value still stands.
    for b in [
        json(r#"{ "metrics": { "x": { "successes": 0, "n": 0 }, "y": { "n": 0 }, "z": 0.5 } }"#),
        yaml("metrics:\n  x: { successes: 0, n: 0 }\n  y: { n: 0 }\n  z: 0.5\n"),
    ] {
        assert_eq!(b.metrics.keys().collect::<Vec<_>>(), ["z"]);
        assert_eq!(b.warnings.len(), 2, "{:?}", b.warnings);
        assert!(b.warnings[0].contains("`x`") && b.warnings[0].contains("unknown"));
    }
    let b = json(r#"{ "metrics": { "x": { "value": 0.3, "n": 0 } } }"#);
    assert_eq!(b.metrics["x"].value(), 0.3);
    // Without `n` = 0, a missing value is still an error.
    assert_mentions(
        &json_error(r#"{ "metrics": { "x": { "n": 3 } } }"#),
        &["value"],
    );
}

#[test]
fn counts_that_contradict_a_metric_are_evidence_errors() {
    for (text, parts) in [
        (
            r#"{ "metrics": { "x": { "value": 0.5, "successes": 1, "n": 3 } } }"#,
            &["value` is 0.5", "the counts give 0.333"][..],
        ),
        (
            r#"{ "metrics": { "x": { "successes": 4, "n": 3 } } }"#,
            &["successes` is 4, more than the 3 trials of `n`"][..],
        ),
        (
            r#"{ "metrics": { "x": { "value": 0.5, "baseline_successes": 4 } } }"#,
            &["baseline_successes` is given without `baseline_n`"][..],
        ),
    ] {
        let d = json_error(text);
        assert_evidence(&d);
        assert_mentions(&d, parts);
    }
}

#[test]
fn dates_are_the_start_of_the_day_in_utc() {
    let b = json(
        r#"{ "as_of": "2025-04-25",
             "signoffs": [ { "role": "r", "by": "b", "expires": "2025-06-01" } ],
             "waivers": [ { "rule": "x", "role": "r", "by": "b", "reason": "why",
                            "expires": "2025-05-01T12:30:00+02:00" } ] }"#,
    );
    assert_eq!(b.as_of, Some(utc(2025, 4, 25, 0, 0, 0)));
    assert_eq!(
        b.signoffs[0].expires.as_ref().map(|s| s.at),
        Some(utc(2025, 6, 1, 0, 0, 0))
    );
    // An offset is converted to UTC.
    assert_eq!(b.waivers[0].expires.at, utc(2025, 5, 1, 10, 30, 0));
    let b = yaml("as_of: 2025-04-25T09:00:00.5Z\n");
    assert_eq!(
        b.as_of,
        Some(utc(2025, 4, 25, 9, 0, 0) + chrono::Duration::milliseconds(500))
    );
}

#[test]
fn parse_instant_accepts_date_times_and_dates_only() {
    assert_eq!(
        parse_instant("2025-04-25T09:00:00Z"),
        Some(utc(2025, 4, 25, 9, 0, 0))
    );
    assert_eq!(
        parse_instant("2025-04-25t09:00:00-01:00"),
        Some(utc(2025, 4, 25, 10, 0, 0))
    );
    assert_eq!(parse_instant("2025-04-25"), Some(utc(2025, 4, 25, 0, 0, 0)));
    for bad in [
        "",
        "2025-04-25T09:00:00",
        "2025-4-25",
        "2025-02-30",
        "25-04-2025",
        "2025-04-25 ",
        "+12025-04-25",
        "yesterday",
        "1745571600",
    ] {
        assert_eq!(parse_instant(bad), None, "{bad:?} should be rejected");
    }
}

// ---------------------------------------------------------------------------------------------
// Unknown keys

#[test]
fn unknown_top_level_key_is_named_with_a_suggestion() {
    let text = "{\n  \"metricz\": {}\n}";
    let d = json_error(text);
    assert_evidence(&d);
    assert_mentions(
        &d,
        &[
            "evidence.json",
            "unknown key `metricz` at the top level",
            "expected one of candidate, baseline, stage, as_of, metrics, flags, signoffs, waivers",
        ],
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `metrics`?"));
    assert_eq!(at(&d), (2, 3));
    assert_eq!(labelled(&d, text), "\"metricz\"");

    let text = "candidate: x\nmetricz: {}\n";
    let d = yaml_error(text);
    assert_mentions(
        &d,
        &["evidence.yaml", "unknown key `metricz` at the top level"],
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `metrics`?"));
    assert_eq!(at(&d), (2, 1));
    assert_eq!(labelled(&d, text), "metricz");
}

#[test]
fn unknown_key_far_from_any_field_has_no_suggestion() {
    let d = json_error(r#"{ "zzzzzz": 1 }"#);
    assert_mentions(&d, &["unknown key `zzzzzz`"]);
    assert_eq!(d.help, None);
}

#[test]
fn unknown_key_in_a_metric() {
    both(
        "{\"metrics\": {\"behavior.x\": {\"value\": 1, \"stdder\": 2}}}",
        "metrics:\n  behavior.x:\n    value: 1\n    stdder: 2\n",
        |format, text, d| {
            assert_mentions(
                &d,
                &[
                    "unknown key `stdder` in `metrics.\"behavior.x\"`",
                    "expected one of value, baseline, stderr, baseline_stderr, ci, baseline_ci, n",
                ],
            );
            assert_eq!(d.help.as_deref(), Some("did you mean `stderr`?"));
            match format {
                Format::Json => {
                    assert_eq!(at(&d), (1, 41));
                    assert_eq!(labelled(&d, text), "\"stdder\"");
                }
                Format::Yaml => {
                    assert_eq!(at(&d), (4, 5));
                    assert_eq!(labelled(&d, text), "stdder");
                }
            }
        },
    );
}

#[test]
fn unknown_key_in_a_flag() {
    both(
        r#"{"flags": [{"source": "expert", "category": "tone", "severity": "low", "sevrity": "x"}]}"#,
        "flags:\n  - source: expert\n    category: tone\n    severity: low\n    sevrity: x\n",
        |format, _, d| {
            assert_mentions(
                &d,
                &["unknown key `sevrity` in `flags[0]`", "id, source, author"],
            );
            assert_eq!(d.help.as_deref(), Some("did you mean `severity`?"));
            if format == Format::Yaml {
                assert_eq!(at(&d), (5, 5));
            }
        },
    );
}

#[test]
fn unknown_key_in_a_signoff() {
    both(
        r#"{"signoffs": [{"role": "r", "by": "b"}, {"role": "r", "by": "b", "when": "2025-01-01"}]}"#,
        "signoffs:\n  - role: r\n    by: b\n  - role: r\n    by: b\n    when: 2025-01-01\n",
        |format, _, d| {
            assert_mentions(
                &d,
                &[
                    "unknown key `when` in `signoffs[1]`",
                    "role, by, candidate, at, expires, evidence, signature",
                ],
            );
            match format {
                Format::Json => assert_eq!(at(&d), (1, 66)),
                Format::Yaml => assert_eq!(at(&d), (6, 5)),
            }
        },
    );
}

#[test]
fn unknown_key_in_a_waiver() {
    both(
        r#"{"waivers": [{"rule": "x", "role": "r", "by": "b", "reason": "y", "expires": "2025-01-01", "expiry": "2025-01-01"}]}"#,
        "waivers:\n- {rule: x, role: r, by: b, reason: y, expires: 2025-01-01, expiry: 2025-01-01}\n",
        |format, _, d| {
            assert_mentions(
                &d,
                &["unknown key `expiry` in `waivers[0]`", "rule, role, by, reason, expires"],
            );
            assert_eq!(d.help.as_deref(), Some("did you mean `expires`?"));
            match format {
                Format::Json => assert_eq!(at(&d), (1, 92)),
                Format::Yaml => assert_eq!(at(&d), (2, 61)),
            }
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Wrong types

#[test]
fn quoted_number_is_a_wrong_type() {
    both(
        "{\"metrics\": {\"x\": {\"value\": \"0.5\"}}}",
        "metrics:\n  x:\n    value: \"0.5\"\n",
        |format, text, d| {
            assert_mentions(
                &d,
                &["`metrics.\"x\".value` must be a number, found the string \"0.5\""],
            );
            assert_eq!(d.help.as_deref(), Some("write the number without quotes"));
            assert_eq!(labelled(&d, text), "\"0.5\"");
            match format {
                Format::Json => assert_eq!(at(&d), (1, 29)),
                Format::Yaml => assert_eq!(at(&d), (3, 12)),
            }
        },
    );
}

#[test]
fn metric_of_the_wrong_type() {
    both(
        r#"{"metrics": {"x": true}}"#,
        "metrics:\n  x: [1, 2]\n",
        |format, _, d| {
            assert_mentions(&d, &["`metrics.\"x\"` must be a number or"]);
            match format {
                Format::Json => assert_mentions(&d, &["an object with a `value`", "found `true`"]),
                Format::Yaml => assert_mentions(&d, &["a mapping with a `value`", "found a list"]),
            }
        },
    );
}

#[test]
fn metrics_must_be_a_map_and_flags_a_list() {
    let d = json_error(r#"{"metrics": [1, 2]}"#);
    assert_mentions(
        &d,
        &["`metrics` must be an object of metrics", "found a list"],
    );
    let d = yaml_error("flags:\n  source: expert\n");
    assert_mentions(&d, &["`flags` must be a list of flags, found a mapping"]);
    assert_eq!(at(&d), (2, 3));
}

#[test]
fn a_string_field_given_a_number() {
    let d = yaml_error("candidate: 2025\n");
    assert_mentions(&d, &["`candidate` must be a string, found the number 2025"]);
    assert_eq!(
        d.help.as_deref(),
        Some("put it in quotes so YAML reads it as a string")
    );
    assert_eq!(at(&d), (1, 12));
    let d = json_error(r#"{"signoffs": [{"role": "r", "by": 7}]}"#);
    assert_mentions(
        &d,
        &["`signoffs[0].by` must be a string, found the number 7"],
    );
    assert_eq!(
        d.help.as_deref(),
        Some("write it as a string, in double quotes")
    );
}

#[test]
fn the_document_must_be_an_object() {
    for (text, found) in [
        ("[]", "found a list"),
        ("\"x\"", "found the string \"x\""),
        ("3", "found the number 3"),
    ] {
        let d = json_error(text);
        assert_mentions(
            &d,
            &[
                "the document must be an object with the keys candidate",
                found,
            ],
        );
        assert_eq!(at(&d), (1, 1));
    }
    let d = yaml_error("- a\n- b\n");
    assert_mentions(&d, &["the document must be a mapping", "found a list"]);
}

#[test]
fn a_null_document_is_rejected() {
    let d = json_error("null");
    assert_mentions(&d, &["the document must be an object", "found null"]);
    assert_eq!(at(&d), (1, 1));
    let d = yaml_error("~\n");
    assert_mentions(&d, &["found null"]);
}

#[test]
fn null_on_a_required_field_is_rejected() {
    let d = json_error(r#"{"metrics": {"x": {"value": null}}}"#);
    assert_mentions(&d, &["`metrics.\"x\".value` must be a number, found null"]);
    let d = json_error(r#"{"metrics": {"x": null}}"#);
    assert_mentions(
        &d,
        &[
            "`metrics.\"x\"` must be a number or an object",
            "found null",
        ],
    );
    let d = yaml_error("flags:\n  - source:\n    category: c\n    severity: low\n");
    assert_mentions(&d, &["`flags[0].source` must be a string, found null"]);
}

#[test]
fn yaml_tags_are_rejected() {
    let d = yaml_error("metrics:\n  x: !weird 3\n");
    assert_mentions(&d, &["`metrics.\"x\"` has a YAML tag", "not allowed"]);
    assert_eq!(at(&d).0, 2);
}

// ---------------------------------------------------------------------------------------------
// Missing fields

#[test]
fn metric_without_value() {
    both(
        "{\"metrics\": {\n  \"behavior.x\": {\"baseline\": 0.1}\n}}",
        "metrics:\n  behavior.x:\n    baseline: 0.1\n",
        |format, text, d| {
            assert_mentions(
                &d,
                &["`metrics.\"behavior.x\"` has no `value`, which is required"],
            );
            match format {
                Format::Json => {
                    assert_eq!(at(&d), (2, 3));
                    assert_eq!(labelled(&d, text), "\"behavior.x\"");
                }
                Format::Yaml => {
                    assert_eq!(at(&d), (2, 3));
                    assert_eq!(labelled(&d, text), "behavior.x");
                }
            }
        },
    );
}

#[test]
fn flag_missing_each_required_field() {
    for (missing, json_text) in [
        (
            "source",
            r#"{"flags": [{"category": "c", "severity": "low"}]}"#,
        ),
        (
            "category",
            r#"{"flags": [{"source": "s", "severity": "low"}]}"#,
        ),
        (
            "severity",
            r#"{"flags": [{"source": "s", "category": "c"}]}"#,
        ),
    ] {
        let d = json_error(json_text);
        assert_mentions(&d, &[&format!("`flags[0]` has no `{missing}`")]);
        assert_eq!(at(&d), (1, 12));
    }
}

#[test]
fn signoff_missing_role_or_by() {
    let d = yaml_error("signoffs:\n  - by: reviewer-7\n");
    assert_mentions(&d, &["`signoffs[0]` has no `role`"]);
    assert_eq!(at(&d), (2, 5));
    let d = json_error(r#"{"signoffs": [{"role": "safety-lead"}]}"#);
    assert_mentions(&d, &["`signoffs[0]` has no `by`"]);
}

#[test]
fn waiver_without_a_reason() {
    both(
        r#"{"waivers": [{"rule": "x", "role": "r", "by": "b", "expires": "2025-05-01"}]}"#,
        "waivers:\n  - rule: x\n    role: r\n    by: b\n    expires: 2025-05-01\n",
        |_, _, d| {
            assert_mentions(&d, &["`waivers[0]` has no `reason`, which is required"]);
            assert!(d.help.as_deref().unwrap().contains("say why it is granted"));
        },
    );
}

#[test]
fn waiver_with_an_empty_or_blank_reason() {
    for reason in ["\"\"", "\"   \"", "\" \\t\\n \""] {
        let text = format!(
            r#"{{"waivers": [{{"rule": "x", "role": "r", "by": "b", "reason": {reason}, "expires": "2025-05-01"}}]}}"#
        );
        let d = json_error(&text);
        assert_mentions(&d, &["`waivers[0].reason` is empty"]);
        assert_eq!(labelled(&d, &text), reason);
    }
    let d =
        yaml_error("waivers:\n  - {rule: x, role: r, by: b, reason: '  ', expires: 2025-05-01}\n");
    assert_mentions(&d, &["`waivers[0].reason` is empty"]);
    assert_eq!(at(&d), (2, 39));
}

#[test]
fn waiver_without_an_expiry() {
    both(
        r#"{"waivers": [{"rule": "x", "role": "r", "by": "b", "reason": "why"}]}"#,
        "waivers:\n  - rule: x\n    role: r\n    by: b\n    reason: why\n",
        |format, _, d| {
            assert_mentions(&d, &["`waivers[0]` has no `expires`, which is required"]);
            if format == Format::Yaml {
                assert_eq!(at(&d), (2, 5));
            }
        },
    );
    let d = json_error(
        r#"{"waivers": [{"rule": "x", "role": "r", "by": "b", "reason": "why", "expires": null}]}"#,
    );
    assert_mentions(
        &d,
        &["`waivers[0].expires` must be a date-time or a date, as a string, found null"],
    );
}

#[test]
fn empty_required_strings_are_rejected() {
    for (field, text) in [
        (
            "signoffs[0].role",
            r#"{"signoffs": [{"role": "", "by": "b"}]}"#,
        ),
        (
            "signoffs[0].by",
            r#"{"signoffs": [{"role": "r", "by": " "}]}"#,
        ),
        (
            "flags[0].source",
            r#"{"flags": [{"source": "", "category": "c", "severity": "low"}]}"#,
        ),
        (
            "flags[0].category",
            r#"{"flags": [{"source": "s", "category": "", "severity": "low"}]}"#,
        ),
        (
            "waivers[0].rule",
            r#"{"waivers": [{"rule": "", "role": "r", "by": "b", "reason": "y", "expires": "2025-01-01"}]}"#,
        ),
        (
            "waivers[0].role",
            r#"{"waivers": [{"rule": "x", "role": "", "by": "b", "reason": "y", "expires": "2025-01-01"}]}"#,
        ),
        (
            "waivers[0].by",
            r#"{"waivers": [{"rule": "x", "role": "r", "by": "", "reason": "y", "expires": "2025-01-01"}]}"#,
        ),
    ] {
        let d = json_error(text);
        assert_mentions(&d, &[&format!("`{field}` is empty")]);
        assert!(labelled(&d, text).starts_with('"'));
    }
}

#[test]
fn empty_metric_key_is_rejected() {
    let d = json_error(r#"{"metrics": {"": 1}}"#);
    assert_mentions(&d, &["a metric key in `metrics` is empty"]);
    assert_eq!(at(&d), (1, 14));
}

// ---------------------------------------------------------------------------------------------
// Numbers

#[test]
fn yaml_nan_and_infinities_are_not_finite() {
    for (word, line_text) in [
        (".nan", ".nan"),
        (".inf", ".inf"),
        ("-.inf", "-.inf"),
        (".NaN", ".NaN"),
    ] {
        let text = format!("metrics:\n  x:\n    value: {word}\n");
        let d = yaml_error(&text);
        assert_mentions(&d, &["`metrics.\"x\".value` is not a finite number"]);
        assert_eq!(at(&d), (3, 12));
        assert_eq!(labelled(&d, &text), line_text);
    }
}

#[test]
fn out_of_range_numbers_are_not_finite() {
    // serde_json refuses 1e999 itself; the error still names the key and points at the number.
    let text = "{\"metrics\": {\n  \"x\": {\"value\": 1e999}\n}}";
    let d = json_error(text);
    assert_evidence(&d);
    assert_mentions(&d, &["`metrics.\"x\".value` is not a finite number"]);
    assert_eq!(at(&d).0, 2);
    assert_eq!(labelled(&d, text), "1e999");
    // YAML reads 1e999 as text; it is still reported as a number that is not finite.
    let text = "metrics:\n  x: {value: 1, stderr: -1e999}\n";
    let d = yaml_error(text);
    assert_mentions(
        &d,
        &["`metrics.\"x\".stderr` is not a finite number (`-1e999`)"],
    );
    assert_eq!(labelled(&d, text), "-1e999");
}

#[test]
fn shorthand_must_be_finite() {
    let d = yaml_error("metrics:\n  x: .inf\n");
    assert_mentions(&d, &["`metrics.\"x\"` is not a finite number"]);
    assert_eq!(at(&d), (2, 6));
}

#[test]
fn json_nan_literal_is_invalid_json() {
    let d = json_error(r#"{"metrics": {"x": NaN}}"#);
    assert_mentions(&d, &["invalid JSON", "(in `metrics.\"x\"`)"]);
    assert_eq!(at(&d), (1, 19));
}

#[test]
fn n_must_be_a_whole_number_not_below_zero() {
    for (n, shown) in [("-1", "-1"), ("1.5", "1.5"), ("-3.0", "-3")] {
        let text = format!("{{\"metrics\": {{\"x\": {{\"value\": 1, \"n\": {n}}}}}}}");
        let d = json_error(&text);
        assert_mentions(
            &d,
            &[&format!(
                "`metrics.\"x\".n` must be a whole number, 0 or more; found {shown}"
            )],
        );
        assert_eq!(labelled(&d, &text), n);
    }
    let d = yaml_error("metrics:\n  x: {value: 1, n: \"12\"}\n");
    assert_mentions(
        &d,
        &["`metrics.\"x\".n` must be a whole number, 0 or more, found the string \"12\""],
    );
    let d = json_error(r#"{"metrics": {"x": {"value": 1, "n": 1e300}}}"#);
    assert_mentions(&d, &["must be a whole number"]);
}

#[test]
fn stderr_must_not_be_negative() {
    let d = json_error(r#"{"metrics": {"x": {"value": 1, "baseline_stderr": -0.1}}}"#);
    assert_mentions(&d, &["`metrics.\"x\".baseline_stderr` is negative (-0.1)"]);
}

// ---------------------------------------------------------------------------------------------
// Intervals

#[test]
fn ci_low_above_high() {
    // The conformance case `invalid-evidence-rejected`.
    both(
        "{\n  \"metrics\": {\n    \"behavior.x\": {\n      \"value\": 0.25,\n      \"ci\": [\n        0.3,\n        0.2\n      ]\n    }\n  }\n}\n",
        "metrics:\n  behavior.x:\n    value: 0.25\n    ci: [0.3, 0.2]\n",
        |format, text, d| {
            assert_mentions(
                &d,
                &["`metrics.\"behavior.x\".ci` has its low end (0.3) above its high end (0.2)"],
            );
            match format {
                // The interval spans lines: the label sits on its key.
                Format::Json => {
                    assert_eq!(at(&d), (5, 7));
                    assert_eq!(labelled(&d, text), "\"ci\"");
                }
                Format::Yaml => {
                    assert_eq!(at(&d), (4, 9));
                    assert_eq!(labelled(&d, text), "[0.3, 0.2]");
                }
            }
        },
    );
}

#[test]
fn ci_that_does_not_contain_the_value() {
    both(
        r#"{"metrics": {"x": {"ci": [0.1, 0.2], "value": 0.25}}}"#,
        "metrics:\n  x:\n    value: 0.25\n    ci: [0.1, 0.2]\n",
        |format, text, d| {
            assert_mentions(
                &d,
                &["`metrics.\"x\".ci` is [0.1, 0.2], which does not contain the value 0.25"],
            );
            match format {
                Format::Json => assert_eq!(labelled(&d, text), "[0.1, 0.2]"),
                Format::Yaml => assert_eq!(at(&d), (4, 9)),
            }
        },
    );
}

#[test]
fn baseline_ci_must_contain_the_baseline() {
    let d = json_error(
        r#"{"metrics": {"x": {"value": 1, "baseline": 0.5, "baseline_ci": [0.6, 0.7]}}}"#,
    );
    assert_mentions(
        &d,
        &["`metrics.\"x\".baseline_ci` is [0.6, 0.7], which does not contain the baseline 0.5"],
    );
    let d = yaml_error("metrics:\n  x: {value: 1, baseline_ci: [0.7, 0.6]}\n");
    assert_mentions(
        &d,
        &["`metrics.\"x\".baseline_ci` has its low end (0.7) above"],
    );
}

#[test]
fn ci_must_have_two_numbers() {
    for (ci, count) in [
        ("[]", "0 elements"),
        ("[0.1]", "1 element"),
        ("[0.1, 0.2, 0.3]", "3 elements"),
    ] {
        let text = format!("{{\"metrics\": {{\"x\": {{\"value\": 0.15, \"ci\": {ci}}}}}}}");
        let d = json_error(&text);
        assert_mentions(
            &d,
            &[&format!(
                "`metrics.\"x\".ci` must be a list of two numbers, [low, high]; found {count}"
            )],
        );
        assert_eq!(labelled(&d, &text), ci);
    }
    let d = yaml_error("metrics:\n  x: {value: 1, ci: 0.5}\n");
    assert_mentions(
        &d,
        &["`metrics.\"x\".ci` must be a list of two numbers, [low, high], found the number 0.5"],
    );
    let d = json_error(r#"{"metrics": {"x": {"value": 1, "ci": [0.5, "1"]}}}"#);
    assert_mentions(&d, &["`metrics.\"x\".ci[1]` must be a number"]);
}

// ---------------------------------------------------------------------------------------------
// Severities and timestamps

#[test]
fn unknown_severity_lists_the_five() {
    both(
        r#"{"flags": [{"source": "s", "category": "c", "severity": "hgh"}]}"#,
        "flags:\n  - source: s\n    category: c\n    severity: hgh\n",
        |format, text, d| {
            assert_mentions(
                &d,
                &[
                    "`flags[0].severity` is an unknown severity \"hgh\"",
                    "info, low, medium, high, critical",
                ],
            );
            assert_eq!(d.help.as_deref(), Some("did you mean `high`?"));
            match format {
                Format::Json => assert_eq!(labelled(&d, text), "\"hgh\""),
                Format::Yaml => assert_eq!(at(&d), (4, 15)),
            }
        },
    );
    // Case matters: severities are lowercase words.
    let d = yaml_error("flags:\n  - {source: s, category: c, severity: High}\n");
    assert_eq!(d.help.as_deref(), Some("did you mean `high`?"));
}

#[test]
fn bad_timestamps_are_rejected() {
    for (field, value) in [
        ("as_of", "2025-04-25T09:00:00"),
        ("as_of", "2025-13-01"),
        ("as_of", "April 25"),
    ] {
        let text = format!("{{\"{field}\": \"{value}\"}}");
        let d = json_error(&text);
        assert_mentions(
            &d,
            &[&format!(
                "`{field}` is not a date-time or a date: \"{value}\""
            )],
        );
        assert!(d.help.as_deref().unwrap().contains("2025-04-25T09:00:00Z"));
        assert_eq!(labelled(&d, &text), format!("\"{value}\""));
    }
    let d = yaml_error("signoffs:\n  - role: r\n    by: b\n    expires: 2025-5-1\n");
    assert_mentions(
        &d,
        &["`signoffs[0].expires` is not a date-time or a date: \"2025-5-1\""],
    );
    assert_eq!(at(&d), (4, 14));
    let d = json_error(r#"{"signoffs": [{"role": "r", "by": "b", "at": 20250425}]}"#);
    assert_mentions(&d, &["`signoffs[0].at` must be a date-time or a date, as a string, found the number 20250425"]);
}

// ---------------------------------------------------------------------------------------------
// Duplicate keys

#[test]
fn duplicate_metric_in_one_file() {
    both(
        "{\"metrics\": {\n  \"x\": 1,\n  \"y\": 2,\n  \"x\": 3\n}}",
        "metrics:\n  x: 1\n  y: 2\n  x: 3\n",
        |_, text, d| {
            assert_mentions(&d, &["the metric `x` appears more than once in `metrics`"]);
            assert_eq!(at(&d), (4, 3));
            // A second label marks the first.
            assert_eq!(d.labels.len(), 2);
            let first = &d.labels[1];
            assert_eq!(first.label(), Some("first here"));
            assert!(
                text[first.offset()..].starts_with("\"x\"")
                    || text[first.offset()..].starts_with("x:")
            );
            assert!(first.offset() < d.labels[0].offset());
        },
    );
}

#[test]
fn duplicate_field_in_a_metric() {
    both(
        r#"{"metrics": {"x": {"value": 1, "value": 2}}}"#,
        "metrics:\n  x:\n    value: 1\n    value: 2\n",
        |format, _, d| {
            assert_mentions(
                &d,
                &["the key `value` appears more than once in `metrics.\"x\"`"],
            );
            match format {
                Format::Json => assert_eq!(at(&d), (1, 32)),
                Format::Yaml => assert_eq!(at(&d), (4, 5)),
            }
        },
    );
}

#[test]
fn duplicate_top_level_key_is_never_last_wins() {
    let d = json_error(r#"{"candidate": "a", "candidate": "b"}"#);
    assert_mentions(
        &d,
        &["the key `candidate` appears more than once in the top level"],
    );
    assert_eq!(at(&d), (1, 20));
    let d = yaml_error("stage: a\nflags: []\nstage: b\n");
    assert_mentions(&d, &["the key `stage` appears more than once"]);
    assert_eq!(at(&d), (3, 1));
}

#[test]
fn duplicate_field_in_a_waiver() {
    let d = json_error(
        r#"{"waivers": [{"rule": "x", "role": "r", "by": "b", "reason": "y", "reason": "", "expires": "2025-01-01"}]}"#,
    );
    assert_mentions(
        &d,
        &["the key `reason` appears more than once in `waivers[0]`"],
    );
}

#[test]
fn escaped_keys_are_compared_decoded() {
    // "a\u002eb" is "a.b": a repeat, found and pointed at.
    let text = r#"{"metrics": {"a.b": 1, "a\u002eb": 2}}"#;
    let d = json_error(text);
    assert_mentions(&d, &["the metric `a.b` appears more than once"]);
    assert_eq!(labelled(&d, text), r#""a\u002eb""#);
}

// ---------------------------------------------------------------------------------------------
// Many errors, one run

#[test]
fn every_problem_in_a_file_is_reported() {
    let text = r#"{
  "metricz": 1,
  "metrics": {
    "a": {"value": "x"},
    "b": {"ci": [2, 1], "value": 1.5},
    "c": {}
  },
  "flags": [{"source": "s", "category": "c", "severity": "severe"}],
  "waivers": [{"rule": "r", "role": "x", "by": "b", "reason": " "}]
}"#;
    let all = errors(text, Format::Json);
    let lines: Vec<usize> = all.iter().map(|d| at(d).0).collect();
    assert_eq!(lines, [2, 4, 5, 6, 8, 9, 9], "{all:#?}");
    assert!(all[3].message.contains("`metrics.\"c\"` has no `value`"));
    assert!(all[6].message.contains("has no `expires`"));
}

#[test]
fn errors_beyond_the_cap_are_counted() {
    let metrics: Vec<String> = (0..50).map(|i| format!("\"m{i}\": \"bad\"")).collect();
    let text = format!("{{\"metrics\": {{{}}}}}", metrics.join(", "));
    let all = errors(&text, Format::Json);
    assert_eq!(all.len(), 21);
    assert!(all[0].message.contains("`metrics.\"m0\"`"));
    assert!(all[19].message.contains("`metrics.\"m19\"`"));
    assert_eq!(all[20].message, "evidence.json: 30 more problems not shown");
}

#[test]
fn parse_errors_point_at_the_place() {
    let text = "{\n  \"metrics\": {\n    \"x\": 1\n    \"y\": 2\n  }\n}";
    let d = json_error(text);
    assert_mentions(
        &d,
        &[
            "evidence.json",
            "invalid JSON: expected `,` or `}`",
            "(in `metrics`)",
        ],
    );
    assert_eq!(at(&d), (4, 5));
    let d = yaml_error("metrics:\n  x: 1\n y: 2\n");
    assert_mentions(&d, &["evidence.yaml", "invalid YAML"]);
    assert_eq!(at(&d).0, 3);
    assert!(!d.message.contains("at line"), "{}", d.message);
}

#[test]
fn errors_have_a_source_to_show() {
    let d = json_error(r#"{"flags": 1}"#);
    assert!(d.source.is_some());
    assert_eq!(d.location.as_ref().unwrap().file, "evidence.json");
    assert_eq!(d.code.as_str(), "tollgate::evidence");
    assert!(!d.message.contains("f64") && !d.message.contains("Option"));
}

#[test]
fn parse_str_is_used_by_inline_test_evidence() {
    // Inline JSON in a test block is given a name and parsed the same way.
    let err = parse_str(
        "gate.gate:12 (test evidence)",
        "{\"metrics\": {\"x\": []}}",
        Format::Json,
    )
    .unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert!(err.0[0]
        .message
        .starts_with("gate.gate:12 (test evidence): "));
    assert_eq!(err.0[0].code, Code::Evidence);
}

#[test]
fn yaml_anchors_and_aliases_are_read() {
    let b = yaml(
        "signoffs:\n  - &lead {role: safety-lead, by: reviewer-7}\n  - *lead\nmetrics:\n  a: &v 0.5\n  b: *v\n",
    );
    assert_eq!(b.signoffs.len(), 2);
    assert_eq!(b.signoffs[0], b.signoffs[1]);
    assert_eq!(b.metrics["b"].value(), 0.5);
}

#[test]
fn yaml_merge_keys_are_unknown_keys() {
    let text = "metrics:\n  x:\n    <<: {value: 1}\n";
    let all = errors(text, Format::Yaml);
    assert!(all[0]
        .message
        .contains("unknown key `<<` in `metrics.\"x\"`"));
    assert!(all[1].message.contains("has no `value`"));
}

#[test]
fn a_metric_gives_back_what_was_set_and_nothing_else() {
    let mut m = Metric::new(0.5, 3);
    assert_eq!(
        (m.value(), m.baseline(), m.stderr(), m.ci(), m.n(), m.file()),
        (0.5, None, None, None, None, 3)
    );
    assert_eq!((m.baseline_file(), m.direction()), (None, None));
    m.set_baseline(Some(0.4));
    m.set_ci(Some((0.45, 0.55)));
    m.set_n(Some(0));
    m.set_baseline_file(Some(1));
    assert_eq!(
        (m.baseline(), m.ci(), m.n(), m.baseline_file()),
        (Some(0.4), Some((0.45, 0.55)), Some(0), Some(1))
    );
    // Clearing, and NaN (never a number in evidence), leave the field absent.
    m.set_n(Some(u64::MAX));
    assert_eq!(m.n(), Some(u64::MAX));
    m.set_baseline(Some(f64::NAN));
    m.set_ci(None);
    m.set_baseline_file(None);
    assert_eq!(
        (m.baseline(), m.ci(), m.baseline_file()),
        (None, None, None)
    );
    // Absent equals absent: two fresh metrics are equal, and differ once one has a baseline.
    let (a, mut b) = (Metric::new(1.0, 0), Metric::new(1.0, 0));
    assert_eq!(a, b);
    b.set_baseline(Some(1.0));
    assert_ne!(a, b);
}

#[test]
fn a_flag_keeps_its_optional_texts() {
    use tollgate::evidence::Flag;
    let bare = Flag::new("expert".into(), "tone".into(), Severity::Low);
    assert_eq!((bare.id(), bare.note(), bare.stage()), (None, None, None));
    assert_eq!(bare.author, None);
    let noted = bare.clone().with_author(Some("t-1".into())).with_texts(
        None,
        Some("felt off".to_string()),
        None,
    );
    assert_eq!(
        (noted.id(), noted.note(), noted.stage()),
        (None, Some("felt off"), None)
    );
    assert_eq!(noted.author.as_deref(), Some("t-1"));
    assert_ne!(noted, bare);
    // Clearing the texts gives back a flag equal to one that never had them.
    let cleared = noted.with_author(None).with_texts(None, None, None);
    assert_eq!(cleared, bare);
}

// ---------------------------------------------------------------------------------------------
// Per-item scores (STATISTICS.md section 1)

#[test]
fn samples_define_a_metric_by_their_mean_and_clustered_stderr() {
    let b = tollgate::evidence::merge(vec![yaml(
        "samples:\n  x.acc:\n    candidate: { q1: 1, q2: 0, 3: [1, 1, 0, 0] }\n    \
         baseline: { q1: 1, q2: 1 }\n    clusters: { q1: p7, q2: p7 }\n",
    )])
    .unwrap();
    let set = &b.samples["x.acc"];
    // A numeric id is its decimal text; repeats are averaged.
    assert_eq!(set.candidate().unwrap()["3"], 0.5);
    let m = &b.metrics["x.acc"];
    assert_eq!((m.value(), m.n(), m.baseline()), (0.5, Some(3), Some(1.0)));
    // Clusters {q1, q2} (deviations 0.5 - 0.5 = 0) and {3} (0): se 0.
    assert_eq!(m.stderr(), Some(0.0));
    // One baseline cluster: no standard error.
    assert_eq!(m.baseline_stderr(), None);
    let paired = set.paired();
    assert_eq!((paired.pairs, paired.unpaired), (2, 1));
    assert_eq!(paired.delta, Some(-0.5));
    assert!(b
        .warnings
        .iter()
        .any(|w| w == "1 item of x.acc have no partner"));
}

#[test]
fn a_stated_value_is_used_and_a_different_one_is_a_warning() {
    let b = tollgate::evidence::merge(vec![json(
        r#"{"metrics": {"x": {"value": 0.9, "n": 2}},
            "samples": {"x": {"candidate": {"a": 1, "b": 0}}}}"#,
    )])
    .unwrap();
    let m = &b.metrics["x"];
    assert_eq!((m.value(), m.n()), (0.9, Some(2)));
    assert_eq!(m.stderr(), Some(0.5));
    assert!(
        b.warnings
            .iter()
            .any(|w| w.contains("`x`") && w.contains("0.9") && w.contains("0.5")),
        "{:?}",
        b.warnings
    );
}

#[test]
fn bad_samples_name_the_key_and_the_item() {
    let e = json_error(r#"{"samples": {"x.acc": {"candidate": {"q1": "1e999"}}}}"#);
    assert_evidence(&e);
    assert_mentions(&e, &["x.acc", "q1", "finite"]);
    let e = json_error(r#"{"samples": {"x.acc": {"candidate": {"q2": []}}}}"#);
    assert_mentions(&e, &["x.acc", "q2", "empty list"]);
    let e = yaml_error("samples:\n  x.acc:\n    candidate: { q1: 1 }\n    clusters: { q9: p }\n");
    assert_mentions(&e, &["x.acc", "q9", "neither"]);
    assert_eq!(
        labelled(
            &e,
            "samples:\n  x.acc:\n    candidate: { q1: 1 }\n    clusters: { q9: p }\n"
        ),
        "q9"
    );
}
