//! `check --format sarif`: the log validates against the SARIF 2.1.0 schema and carries each
//! diagnostic's code, level, message, help and location.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // The schema declares draft-07, whose meta-schema asserts `format: regex` on patterns, and
    // the schema's own pattern for `run.language` has a stray `]` (JavaScript accepts it; the
    // validator's strict check of the schema does not). So the schema is read as 2020-12,
    // whose meta-schema treats formats as annotations. For this schema that changes nothing
    // but strictness: it uses no keyword whose meaning differs between the drafts, and its
    // `$ref`s have only descriptions beside them. Formats in the log itself (`uri-reference`,
    // `date-time`, …) are still checked.
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid(log: &Value) {
    let v = validator();
    let errors: Vec<String> = v
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{log:#}");
}

/// Run `tollgate check --format sarif` in `dir` on `files`.
fn check(dir: &Path, files: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .current_dir(dir)
        .args(["check", "--format", "sarif"])
        .args(files)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

#[test]
fn clean_policies_give_a_valid_empty_log() {
    let (code, log) = check(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "policies/chat-mainline.gate",
            "policies/frontier-preparedness.gate",
        ],
    );
    assert_eq!(code, 0);
    assert_valid(&log);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["tool"]["driver"]["name"], "tollgate");
    assert!(results(&log).is_empty());
}

#[test]
fn errors_and_lints_are_results_with_regions() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "bad type.gate",
        "policy \"p\" {}\nmetric m from \"m\" lower is better\n\
         rule r {\n  block when m > \"high\"\n}\n",
    );
    write(
        "lint.gate",
        "policy \"p\" {}\nmetric unused from \"u\" lower is better\n\
         metric m from \"m\" lower is better\nrule r { block when m > 1 }\n",
    );
    write(
        "dup.gate",
        "policy \"p\" {}\nimport \"dup_part.gate\"\nmetric m from \"m\" lower is better\n\
         rule r { block when m > 1 }\n",
    );
    write("dup_part.gate", "metric m from \"other\" lower is better\n");
    write("unparsable.gate", "policy \"p\" {\nrule { when }\n");
    let (code, log) = check(
        dir.path(),
        &[
            "bad type.gate",
            "lint.gate",
            "dup.gate",
            "unparsable.gate",
            "missing.gate",
        ],
    );
    assert_eq!(code, 2);
    assert_valid(&log);

    let results = results(&log);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(id.starts_with("tollgate::"));
    }
    let by_uri = |uri: &str| -> Vec<&Value> {
        results
            .iter()
            .filter(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .collect()
    };

    let typed = by_uri("bad%20type.gate");
    assert!(!typed.is_empty(), "{log:#}");
    let t = typed[0];
    assert_eq!(t["ruleId"], "tollgate::type");
    assert_eq!(t["level"], "error");
    let region = &t["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 4);
    assert!(region["endColumn"].as_u64().unwrap() > region["startColumn"].as_u64().unwrap());

    let lint = by_uri("lint.gate");
    assert!(
        lint.iter().any(|r| r["level"] == "warning"),
        "a lint is a warning: {log:#}"
    );

    let dup = results
        .iter()
        .find(|r| r["ruleId"] == "tollgate::duplicate")
        .expect("a duplicate-name error");
    assert!(
        dup["relatedLocations"]
            .as_array()
            .is_some_and(|l| !l.is_empty()),
        "the second definition is a related location: {dup:#}"
    );

    assert!(!by_uri("unparsable.gate").is_empty());
    let missing = by_uri("missing.gate");
    assert_eq!(missing.len(), 1, "{log:#}");
    assert_eq!(missing[0]["ruleId"], "tollgate::io");
}

#[test]
fn help_is_part_of_the_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.gate"),
        "policy \"p\" {}\nmetric sycophancy from \"s\" lower is better\n\
         rule r { block when sycophanc > 1 }\n",
    )
    .unwrap();
    let (_, log) = check(dir.path(), &["p.gate"]);
    assert_valid(&log);
    let text = results(&log)[0]["message"]["text"].as_str().unwrap();
    assert!(text.contains("help:"), "{text}");
}

/// The validator is not a rubber stamp: a log with a wrong level or a path that is not a
/// URI reference fails it.
#[test]
fn the_schema_check_rejects_a_broken_log() {
    let (_, mut log) = check(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["policies/chat-mainline.gate", "no/such file.gate"],
    );
    assert_valid(&log);
    let result = &mut log["runs"][0]["results"][0];
    result["level"] = "fatal".into();
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "no/such file".into();
    let v = validator();
    let errors: Vec<String> = v.iter_errors(&log).map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
}
