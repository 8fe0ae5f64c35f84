//! `--evidence`/`--baseline` with harness files and `tollgate import`, through the binary:
//! the lm-eval example as its README runs it, and the import round trip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const EXAMPLE: &str = "examples/lm-eval-typhoon";
const CANCELLED: &str = "tests/fixtures/import/inspect/popularity-gpt-4o-mini-cancelled.json";

fn tollgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The command of the example's README, without `cargo run --release --`.
fn readme_command() -> Vec<String> {
    let readme = std::fs::read_to_string(format!("{EXAMPLE}/README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- eval "))
        .expect("the README shows the command");
    line.trim_start_matches("cargo run --release -- ")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_readme_command_runs_the_example() {
    let args = readme_command();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tollgate(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("WARN  thai-continued-pretrain"), "{text}");
    assert!(text.contains("evidence: examples/lm-eval-typhoon/typhoon2-3b.json (lm-eval)"));
    assert!(text.contains("baseline: examples/lm-eval-typhoon/llama-3.2-3b.json (lm-eval)"));
}

#[test]
fn the_example_decision() {
    let mut args = readme_command();
    args.extend(["--now".to_string(), "2025-02-27T15:00:00Z".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let human = tollgate(&args);
    assert_eq!(human.status.code(), Some(0), "{}", stderr(&human));
    insta::assert_snapshot!("lm_eval_typhoon_human", stdout(&human));

    let mut json_args = args.clone();
    json_args.extend(["--format", "json"]);
    let json = tollgate(&json_args);
    insta::with_settings!({filters => vec![(r#""sha256": "[0-9a-f]{64}""#, r#""sha256": "[sha256]""#)]}, {
        insta::assert_snapshot!("lm_eval_typhoon_json", stdout(&json));
    });
}

#[test]
fn detection_is_said_in_the_report() {
    let out = tollgate(&[
        "eval",
        &format!("{EXAMPLE}/policy.gate"),
        "--evidence",
        &format!("{EXAMPLE}/typhoon2-3b.json"),
        "--baseline",
        &format!("{EXAMPLE}/llama-3.2-3b.json"),
        "--now",
        "2025-02-27T15:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out)
        .contains("evidence: examples/lm-eval-typhoon/typhoon2-3b.json (lm-eval, detected)"));
}

/// The rules of a JSON evaluation, and its decision.
fn decision(json: &str) -> (Value, Value) {
    let doc: Value = serde_json::from_str(json).unwrap();
    (doc["decision"].clone(), doc["rules"].clone())
}

#[test]
fn import_writes_a_native_bundle_that_evaluates_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let archived = dir.path().join("bundle.json");
    let archived = archived.to_str().unwrap();
    let inputs = [
        "--evidence",
        "lm-eval:examples/lm-eval-typhoon/typhoon2-3b.json",
        "--baseline",
        "lm-eval:examples/lm-eval-typhoon/llama-3.2-3b.json",
    ];
    let mut import = vec!["import"];
    import.extend(inputs);
    import.extend(["--output", archived]);
    let out = tollgate(&import);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(archived).unwrap()).unwrap();
    assert_eq!(bundle["candidate"], "scb10x/llama3.2-typhoon2-3b");
    assert_eq!(bundle["baseline"], "meta-llama/Llama-3.2-3B");
    assert_eq!(
        bundle["metrics"]["physical_en.acc"],
        serde_json::json!({
            "value": 0.25666666666666665,
            "baseline": 0.29333333333333333,
            "stderr": 0.02526044198731046,
            "baseline_stderr": 0.026330094490574305,
            "n": 300
        })
    );

    let policy = format!("{EXAMPLE}/policy.gate");
    let common = ["--now", "2025-02-27T15:00:00Z", "--format", "json"];
    let mut original = vec!["eval", policy.as_str()];
    original.extend(inputs);
    original.extend(common);
    let mut again = vec!["eval", policy.as_str(), "--evidence", archived];
    again.extend(common);
    let (a, b) = (tollgate(&original), tollgate(&again));
    assert_eq!(a.status.code(), b.status.code());
    assert_eq!(decision(&stdout(&a)), decision(&stdout(&b)));

    // The archive is a native bundle: importing it again changes nothing.
    let out = tollgate(&["import", "--evidence", archived]);
    assert_eq!(stdout(&out), std::fs::read_to_string(archived).unwrap());
}

#[test]
fn the_import_round_trip_holds_for_every_fixture() {
    let dir = tempfile::tempdir().unwrap();
    for (i, spec) in [
        "tests/fixtures/import/lm-eval/cpu-group-regression-expected-na-stderr.json",
        "tests/fixtures/import/promptfoo/sample-export-gpt5-vs-gpt5-mini.json",
        "tests/fixtures/import/helm/bbq-gpt-4o-2024-05-13-stats.json",
    ]
    .iter()
    .enumerate()
    {
        let archived = dir.path().join(format!("{i}.json"));
        let archived = archived.to_str().unwrap();
        let out = tollgate(&["import", "--evidence", spec, "-o", archived]);
        assert_eq!(out.status.code(), Some(0), "{spec}: {}", stderr(&out));
        let direct = tollgate(&["import", "--evidence", spec]);
        let again = tollgate(&["import", "--evidence", archived]);
        assert_eq!(stdout(&direct), stdout(&again), "{spec}");
    }
}

#[test]
fn an_unfinished_inspect_log_is_unusable_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.gate");
    std::fs::write(
        &policy,
        "policy \"p\" {}\nmetric acc from \"popularity.match.accuracy\" higher is better\n\
         rule floor { block when acc < 50% }\n",
    )
    .unwrap();
    let policy = policy.to_str().unwrap();
    let out = tollgate(&["eval", policy, "--evidence", CANCELLED]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("\"cancelled\""), "{}", stderr(&out));
    let out = tollgate(&[
        "eval",
        policy,
        "--evidence",
        CANCELLED,
        "--allow-incomplete",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["decision"], "pass");
    assert!(doc["warnings"][0]
        .as_str()
        .unwrap()
        .contains("--allow-incomplete"));
}

#[test]
fn bad_specs_are_usage_errors() {
    for spec in ["lmeval:x.json", "lm-eval:", "=x.json"] {
        let out = tollgate(&["import", "--evidence", spec]);
        assert_eq!(out.status.code(), Some(2), "{spec}");
        assert!(!stderr(&out).is_empty());
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[test]
fn test_blocks_read_harness_files_with_the_same_syntax() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/lm-eval/cpu-group-regression-expected-na-stderr.json");
    let gate = format!(
        "policy \"p\" {{}}\n\
         metric arc from \"offline.arc_easy.acc\" higher is better\n\
         rule arc_floor {{ block when arc < 50% }}\n\
         test \"lm-eval results\" {{\n  evidence \"offline=lm-eval:{}\"\n  expect block\n}}\n",
        fixture.display()
    );
    std::fs::write(dir.path().join("p.gate"), gate).unwrap();
    let out = tollgate(&["test", dir.path().join("p.gate").to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("1 passed, 0 failed"));
}

#[test]
fn import_archives_evidence_numbers_exactly() {
    // 61/126 from an lm-eval run: the default JSON float parser reads it one ulp off, which
    // the archive would then record as 0.4841269841269842.
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.json");
    std::fs::write(
        &results,
        r#"{"results": {"arc": {"alias": "arc", "acc,none": 0.48412698412698413,
            "acc_stderr,none": 0.014471169733376166}}, "n-shot": {"arc": 0}}"#,
    )
    .unwrap();
    let spec = format!("lm-eval:{}", results.display());
    let out = tollgate(&["import", "--evidence", &spec]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let archive = stdout(&out);
    assert!(
        archive.contains("\"value\": 0.48412698412698413,"),
        "{archive}"
    );
    assert!(
        archive.contains("\"stderr\": 0.014471169733376166"),
        "{archive}"
    );
}

/// HELM writes the population standard deviation; the standard error of the mean is
/// `stddev / √(count − 1)`, and a single item has none. Through `tollgate import`.
#[test]
fn helm_standard_errors_come_from_stddev_and_count() {
    // Scores 0.2, 0.4 and 0.9: mean 0.5, population variance 0.26 / 3.
    let population_sd = (0.26f64 / 3.0).sqrt();
    let dir = tempfile::tempdir().unwrap();
    let stats = dir.path().join("stats.json");
    std::fs::write(
        &stats,
        format!(
            r#"[{{"name": {{"name": "acc", "split": "test"}}, "count": 3, "sum": 1.5,
                 "sum_squared": 1.01, "mean": 0.5, "variance": {}, "stddev": {population_sd}}},
               {{"name": {{"name": "one", "split": "test"}}, "count": 1, "sum": 1.0,
                 "sum_squared": 1.0, "mean": 1.0, "variance": 0.0, "stddev": 0.0}}]"#,
            population_sd * population_sd
        ),
    )
    .unwrap();
    let spec = format!("helm:{}", stats.display());
    let out = tollgate(&["import", "--evidence", &spec]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let archive: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let se = archive["metrics"]["acc.test"]["stderr"].as_f64().unwrap();
    // The sample standard deviation (0.26 / 2)^½ over √3.
    let expected = (0.26f64 / 2.0).sqrt() / 3f64.sqrt();
    assert!((se - expected).abs() < 1e-12, "{se} vs {expected}");
    assert!(
        archive["metrics"]["one.test"].get("stderr").is_none(),
        "{archive:#}"
    );
}

/// The commands of the paired lm-eval example's README (lines continued with `\`), without
/// `cargo run --release --`.
fn copa_commands() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string("examples/lm-eval-copa-paired/README.md").unwrap();
    let joined = readme.replace("\\\n", " ");
    joined
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("cargo run --release -- eval "))
        .map(|l| {
            l.trim_start_matches("cargo run --release -- ")
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn the_paired_lm_eval_example_decides_as_its_readme_says() {
    let commands = copa_commands();
    assert_eq!(commands.len(), 2);
    let run = |args: &[String]| {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--format", "json"]);
        let out = tollgate(&args);
        let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
        (out.status.code(), doc)
    };
    let rule = |doc: &Value, id: &str| {
        doc["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    // With the samples files: the paired test flags the drop, and the eval is underpowered.
    let (code, paired) = run(&commands[0]);
    assert_eq!(code, Some(3));
    let regressed = rule(&paired, "copa_regressed");
    assert_eq!(regressed["status"], "fired");
    let test = &regressed["tests"][0];
    assert_eq!(
        (test["method"].as_str(), test["k"].as_u64()),
        (Some("paired"), Some(20))
    );
    assert!(
        (test["p"].as_f64().unwrap() - 0.0731).abs() < 1e-4,
        "{test}"
    );
    assert_eq!(paired["evidence"].as_array().unwrap().len(), 4);
    let warnings = paired["warnings"].to_string();
    assert!(
        warnings.contains("cannot see a regression of 30% (minimum detectable 39%")
            && warnings.contains("about 34 items needed"),
        "{warnings}"
    );
    // The summary numbers alone: unpaired, and it passes.
    let (code, unpaired) = run(&commands[1]);
    assert_eq!(code, Some(0));
    let regressed = rule(&unpaired, "copa_regressed");
    assert_eq!(regressed["status"], "passed");
    let test = &regressed["tests"][0];
    assert_eq!(
        (test["method"].as_str(), test["n"].as_u64()),
        (Some("unpaired"), Some(20))
    );
    assert!(
        (test["p"].as_f64().unwrap() - 0.0840).abs() < 1e-4,
        "{test}"
    );
}
