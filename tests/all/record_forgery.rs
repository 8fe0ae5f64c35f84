//! "Verified means verified", over random forgeries: take a real record (a shipped policy
//! evaluated against a shipped bundle), change one leaf anywhere in it, and `verify` must
//! fail and name the field changed (or, for a value of the wrong type, the field or its
//! parent).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;

fn tollgate(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The record of the waived chat bundle: a waiver, a baseline, every rule with a title.
/// Made once, from the repository root, so that its relative paths resolve from there.
fn record() -> &'static Value {
    static RECORD: OnceLock<Value> = OnceLock::new();
    RECORD.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        let out = tollgate(&[
            "eval",
            "policies/chat-mainline.gate",
            "--evidence",
            "examples/chat-waived/evidence.json",
            "--record",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0));
        let record: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(verify(&record).0, Some(0), "the untouched record verifies");
        record
    })
}

/// Verify `record` from the repository root: the exit status and everything printed.
fn verify(record: &Value) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forged.json");
    std::fs::write(&path, serde_json::to_string_pretty(record).unwrap()).unwrap();
    let out = tollgate(&["verify", path.to_str().unwrap()]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

/// Every leaf of the record (scalars, empty lists and objects), as a JSON pointer to edit it
/// by and the path the report names it by.
fn leaves(value: &Value, pointer: String, path: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(v, format!("{pointer}/{k}"), sub, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{pointer}/{i}"), format!("{path}[{i}]"), out);
            }
        }
        _ => out.push((pointer, path)),
    }
}

/// Not forgeries: the tool's version may differ (a note, tested in tests/all/record.rs), and
/// `allow_incomplete` only changes how an unfinished Inspect log reads, so on this record it
/// changes nothing verify can see.
const NOT_FORGERIES: [&str; 2] = ["tool.version", "record.allow_incomplete"];

/// How a file was read is what verify reads it again with, not a result it computes: a
/// different prefix, format or role fails (the evidence reads otherwise, or not at all), but
/// through the results, not by name.
fn read_with(path: &str) -> bool {
    path.starts_with("record.evidence_files[")
        && ["format", "prefix", "role"]
            .iter()
            .any(|k| path.ends_with(&format!(".{k}")))
}

#[derive(Debug, Clone)]
enum Edit {
    /// Same type, another value.
    Keep(String, f64),
    /// Another type.
    Break(Value),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        ("[ -~]{1,12}", 1.0..1e6f64).prop_map(|(s, n)| Edit::Keep(s, n)),
        prop_oneof![
            Just(Value::Null),
            Just(Value::Bool(true)),
            any::<i32>().prop_map(Value::from),
            "[a-z]{0,6}".prop_map(Value::from),
            Just(serde_json::json!([])),
            Just(serde_json::json!({"x": 1})),
        ]
        .prop_map(Edit::Break),
    ]
}

/// The value after the edit, and whether its type is the original's.
fn apply(original: &Value, edit: &Edit) -> (Value, bool) {
    match (edit, original) {
        (Edit::Keep(s, _), Value::String(o)) => {
            // Appending keeps it different from the original and from every valid word.
            (Value::String(format!("{o}{s}")), true)
        }
        (Edit::Keep(_, n), Value::Number(o)) => {
            let v = o.as_f64().unwrap_or(0.0) + n.ceil();
            (serde_json::json!(v as i64), true)
        }
        (Edit::Keep(..), Value::Bool(b)) => (Value::Bool(!b), true),
        (Edit::Keep(s, _), Value::Array(_)) => (serde_json::json!([s]), true),
        (Edit::Keep(s, _), Value::Object(_)) => (serde_json::json!({ "x": s }), true),
        (Edit::Keep(s, _), Value::Null) => (Value::String(s.clone()), false),
        (Edit::Break(v), _) => (v.clone(), false),
    }
}

fn parent(path: &str) -> &str {
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    &path[..cut]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_forged_leaf_fails_and_is_named(pick in any::<prop::sample::Index>(), e in edit()) {
        let record = record();
        let mut all = Vec::new();
        leaves(record, String::new(), String::new(), &mut all);
        all.retain(|(_, path)| !NOT_FORGERIES.contains(&path.as_str()));
        let (pointer, path) = &all[pick.index(all.len())];
        let original = record.pointer(pointer).unwrap();
        let (value, same_type) = apply(original, &e);
        prop_assume!(&value != original);
        let mut forged = record.clone();
        *forged.pointer_mut(pointer).unwrap() = value.clone();

        let (status, text) = verify(&forged);
        prop_assert!(
            status.is_some() && status != Some(0),
            "{path} = {value}: verify exited {status:?}\n{text}"
        );
        prop_assert!(!text.contains("panicked"), "{text}");
        // A list grown from empty names its new element.
        let named = text.contains(path.as_str())
            || (!same_type && text.contains(parent(path)))
            || (original.as_array().is_some_and(Vec::is_empty) && text.contains(&format!("{path}[0]")));
        prop_assert!(
            named || read_with(path),
            "{path} = {value} (was {original}) is not named:\n{text}"
        );
    }
}

/// The leaves above are all of them: the walk reaches every part of the record an auditor
/// reads, so the property covers them.
#[test]
fn the_forgeries_reach_every_part_of_the_record() {
    let mut all = Vec::new();
    leaves(record(), String::new(), String::new(), &mut all);
    for wanted in [
        "decision",
        "candidate",
        "baseline",
        "policy.version",
        "policy.owner",
        "now.value",
        "now.from",
        "evidence[0].sha256",
        "record.policy_files[0].sha256",
    ] {
        assert!(all.iter().any(|(_, p)| p == wanted), "{wanted}");
    }
    // The list itself when empty, else its elements (this evidence has underpowered evals).
    assert!(all
        .iter()
        .any(|(_, p)| p == "warnings" || p.starts_with("warnings[")));
    for wanted in [
        "waiver.by",
        "waiver.reason",
        "waiver.expires",
        "title",
        "location.line",
    ] {
        assert!(
            all.iter()
                .any(|(_, p)| p.starts_with("rules[") && p.ends_with(wanted)),
            "{wanted}"
        );
    }
    assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/chat-waived")
        .exists());
}
