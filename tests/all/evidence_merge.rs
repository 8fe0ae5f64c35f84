//! Loading evidence files from disk and merging several into one bundle (EVIDENCE.md
//! "Merging").

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use sha2::{Digest, Sha256};
use tollgate::diagnostic::Code;
use tollgate::evidence::{load_files, merge, parse_str, Bundle, Format};

use crate::evidence_support::*;

const A: &str = "tests/fixtures/evidence/ab-part-a.json";
const B: &str = "tests/fixtures/evidence/ab-part-b.yaml";
const SPEC_JSON: &str = "tests/fixtures/evidence/spec-example.json";
const SPEC_YAML: &str = "tests/fixtures/evidence/spec-example.yaml";
const CONFLICT: &str = "tests/fixtures/evidence/conflict-candidate.json";
const REPEATS: &str = "tests/fixtures/evidence/repeats-metric.yaml";

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("evidence-merge")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn sha256_of(path: &str) -> String {
    let digest = Sha256::digest(fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn files_merge_in_order() {
    let b = load_files(&[A, B]).unwrap();
    assert_eq!(b.candidate.as_deref(), Some("chat-2025-04-25"));
    assert_eq!(b.stage.as_deref(), Some("ab"));
    // "2025-04-25" and "2025-04-25T00:00:00Z" are the same instant: they agree.
    assert_eq!(
        b.as_of,
        Some(Utc.with_ymd_and_hms(2025, 4, 25, 0, 0, 0).unwrap())
    );
    let keys: Vec<&str> = b.metrics.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "behavior.sycophancy_rate",
            "offline.mmlu.acc",
            "ab.thumbs_up_rate"
        ]
    );
    // Flags, signoffs and waivers are concatenated in file order.
    let ids: Vec<&str> = b.flags.iter().map(|f| f.id().unwrap()).collect();
    assert_eq!(ids, ["F-1", "F-2"]);
    assert_eq!(b.signoffs.len(), 1);
    assert_eq!(b.waivers[0].rule, "latency_budget");
}

#[test]
fn files_are_recorded_with_their_sha256_and_metrics_point_at_them() {
    let b = load_files(&[A, B]).unwrap();
    let paths: Vec<&str> = b.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, [A, B]);
    assert_eq!(b.files[0].sha256, sha256_of(A));
    assert_eq!(b.files[1].sha256, sha256_of(B));
    assert_eq!(b.files[0].sha256.len(), 64);
    assert!(b.files[0]
        .sha256
        .chars()
        .all(|c| matches!(c, '0'..='9' | 'a'..='f')));
    assert_eq!(b.metrics["behavior.sycophancy_rate"].file(), 0);
    assert_eq!(b.metrics["offline.mmlu.acc"].file(), 0);
    assert_eq!(b.metrics["ab.thumbs_up_rate"].file(), 1);
    // The other order: indexes follow.
    let b = load_files(&[B, A]).unwrap();
    assert_eq!(b.metrics["ab.thumbs_up_rate"].file(), 0);
    assert_eq!(b.metrics["offline.mmlu.acc"].file(), 1);
    assert_eq!(b.flags[0].id(), Some("F-2"));
}

#[test]
fn one_file_loads_like_parse_str() {
    let loaded = load_files(&[SPEC_JSON]).unwrap();
    let text = fs::read_to_string(SPEC_JSON).unwrap();
    let parsed = parse_str(SPEC_JSON, &text, Format::Json).unwrap();
    assert_eq!(loaded, parsed);
    let yaml = load_files(&[SPEC_YAML]).unwrap();
    assert_eq!(yaml.metrics, loaded.metrics);
}

#[test]
fn the_same_metric_in_two_files_names_both() {
    let err = load_files(&[A, REPEATS]).unwrap_err();
    assert_eq!(err.0.len(), 1);
    let d = &err.0[0];
    assert_eq!(d.code, Code::Evidence);
    assert_mentions(d, &["`offline.mmlu.acc`", A, REPEATS]);
    // The label is on the key in the second file.
    let loc = d.location.as_ref().unwrap();
    assert_eq!((loc.file.as_str(), loc.line, loc.column), (REPEATS, 4, 3));
    assert!(d.help.is_some());
}

#[test]
fn the_same_metric_twice_in_the_merge_api() {
    let one = parse_str("one.json", r#"{"metrics": {"x": 1}}"#, Format::Json).unwrap();
    let two = parse_str("two.yaml", "metrics:\n  x: 2\n", Format::Yaml).unwrap();
    let err = merge(vec![one, two]).unwrap_err();
    assert_mentions(&err.0[0], &["`x`", "one.json", "two.yaml"]);
}

#[test]
fn disagreeing_candidates_name_both_files_and_values() {
    let err = load_files(&[A, CONFLICT]).unwrap_err();
    assert_eq!(err.0.len(), 1);
    let d = &err.0[0];
    assert_mentions(
        d,
        &[
            "`candidate`",
            A,
            "\"chat-2025-04-25\"",
            CONFLICT,
            "\"chat-2025-05-02\"",
        ],
    );
    let loc = d.location.as_ref().unwrap();
    assert_eq!((loc.file.as_str(), loc.line), (CONFLICT, 2));
    // The first setting is shown too.
    assert_eq!(d.related.len(), 1);
    let first = d.related[0].location.as_ref().unwrap();
    assert_eq!((first.file.as_str(), first.line), (A, 2));
}

#[test]
fn each_bundle_field_must_agree() {
    for (field, x, y) in [
        ("candidate", "\"a\"", "\"b\""),
        ("baseline", "\"a\"", "\"b\""),
        ("stage", "\"alpha\"", "\"ab\""),
        ("as_of", "\"2025-04-25\"", "\"2025-04-25T00:00:01Z\""),
    ] {
        let one = parse_str("one.json", &format!("{{\"{field}\": {x}}}"), Format::Json).unwrap();
        let two = parse_str("two.json", &format!("{{\"{field}\": {y}}}"), Format::Json).unwrap();
        let err = merge(vec![one, two]).unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_mentions(&err.0[0], &[&format!("`{field}`"), "one.json", "two.json"]);
    }
    let err = merge(vec![
        json(r#"{"as_of": "2025-04-25"}"#),
        json(r#"{"as_of": "2025-04-25T00:00:01Z"}"#),
    ])
    .unwrap_err();
    assert_mentions(&err.0[0], &["2025-04-25T00:00:00Z", "2025-04-25T00:00:01Z"]);
}

#[test]
fn a_field_set_in_one_file_only_is_kept() {
    let one = json(r#"{"stage": "ab"}"#);
    let two = json(r#"{"candidate": "c"}"#);
    let three = json(r#"{"stage": "ab"}"#);
    let b = merge(vec![one, two, three]).unwrap();
    assert_eq!(b.stage.as_deref(), Some("ab"));
    assert_eq!(b.candidate.as_deref(), Some("c"));
    assert_eq!(b.files.len(), 3);
}

#[test]
fn merging_nothing_is_an_empty_bundle() {
    assert_eq!(merge(Vec::new()).unwrap(), Bundle::default());
}

#[test]
fn every_conflict_is_reported() {
    let err = merge(vec![
        json(r#"{"candidate": "a", "stage": "x", "metrics": {"m": 1, "n": 2}}"#),
        json(r#"{"candidate": "b", "stage": "y", "metrics": {"m": 1, "n": 2}}"#),
    ])
    .unwrap_err();
    assert_eq!(err.0.len(), 4, "{:#?}", err.0);
}

#[test]
fn unknown_extension_names_the_accepted_ones() {
    let err = load_files(&["evidence.txt"]).unwrap_err();
    let d = &err.0[0];
    assert_eq!(d.code, Code::Evidence);
    assert_mentions(d, &["evidence.txt", ".json, .yaml or .yml"]);
    let err = load_files(&["evidence"]).unwrap_err();
    assert_mentions(&err.0[0], &[".json, .yaml or .yml"]);
}

#[test]
fn extensions_are_matched_without_case_and_yml_is_yaml() {
    let dir = scratch("ext");
    let upper = dir.join("E.JSON");
    fs::write(&upper, "{\"stage\": \"ab\"}").unwrap();
    let yml = dir.join("e.yml");
    fs::write(&yml, "candidate: c\n").unwrap();
    let b = load_files(&[&upper, &yml]).unwrap();
    assert_eq!(b.stage.as_deref(), Some("ab"));
    assert_eq!(b.candidate.as_deref(), Some("c"));
}

#[test]
fn a_missing_file_is_an_io_error_naming_path_and_reason() {
    let err = load_files(&["no/such/evidence.json"]).unwrap_err();
    let d = &err.0[0];
    assert_eq!(d.code, Code::Io);
    assert_mentions(d, &["no/such/evidence.json", "No such file or directory"]);
}

#[test]
fn a_folder_is_an_io_error() {
    let dir = scratch("folder");
    let folder = dir.join("looks-like.json");
    fs::create_dir_all(&folder).unwrap();
    let err = load_files(&[&folder]).unwrap_err();
    assert_eq!(err.0[0].code, Code::Io);
    assert_mentions(&err.0[0], &["looks-like.json", "folder"]);
}

#[test]
fn errors_of_every_file_are_reported_and_nothing_is_merged() {
    let dir = scratch("several");
    let bad = dir.join("bad.json");
    fs::write(&bad, "{\"metrics\": {\"x\": \"1\"}}").unwrap();
    let worse = dir.join("worse.yaml");
    fs::write(&worse, "flags:\n  - source: s\n").unwrap();
    let err = load_files(&[
        bad.as_path(),
        Path::new(A),
        worse.as_path(),
        Path::new("missing.json"),
    ])
    .unwrap_err();
    let files: Vec<String> = err
        .0
        .iter()
        .map(|d| {
            d.location
                .as_ref()
                .map_or(String::from("-"), |l| l.file.clone())
        })
        .collect();
    assert_eq!(err.0.len(), 4, "{:#?}", err.0);
    assert!(files[0].ends_with("bad.json"));
    assert!(files[1].ends_with("worse.yaml"));
    assert!(files[2].ends_with("worse.yaml"));
    assert_eq!(err.0[3].code, Code::Io);
}
