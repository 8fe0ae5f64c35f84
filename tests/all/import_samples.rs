//! Per-item scores from harness files (STATISTICS.md section 8): lm-eval samples files,
//! Inspect logs (`.json` and `.eval`), promptfoo tests; and every real per-sample fixture
//! imports or is refused with an error naming it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use tollgate::diagnostic::Diagnostic;
use tollgate::evidence::{self, Bundle, Input, Options, Role};

const PERSAMPLE: &str = "tests/fixtures/import/persample";
const COPA_CAND: &str =
    "tests/fixtures/import/persample/lm_eval/errorbars/lm_eval_output/sshleifer__tiny-gpt2";
const COPA_BASE: &str = "tests/fixtures/import/persample/lm_eval/errorbars/lm_eval_output/hf-internal-testing__tiny-random-gpt2";
const CAND_RESULTS: &str = "results_2026-10-01T23-15-32.942677.json";
const BASE_RESULTS: &str = "results_2026-10-01T23-15-52.736695.json";
const BASE_SAMPLES: &str = "samples_copa_2026-10-01T23-15-52.736695.jsonl";
const INSPECT: &str = "tests/fixtures/import/persample/inspect/inspect_ai_tests";
const PROMPTFOO: &str = "tests/fixtures/import/promptfoo/sample-export-gpt5-vs-gpt5-mini.json";

fn load(
    evidence: &[&Path],
    baselines: &[&Path],
    options: &Options,
) -> Result<Bundle, Vec<Diagnostic>> {
    let inputs: Vec<Input> = evidence
        .iter()
        .map(|p| Input::file(*p))
        .chain(baselines.iter().map(|p| Input {
            role: Role::Baseline,
            ..Input::file(*p)
        }))
        .collect();
    evidence::load_inputs(&inputs, options).map_err(|d| d.0)
}

fn copa_pair() -> Result<Bundle, Vec<Diagnostic>> {
    load(
        &[&Path::new(COPA_CAND).join(CAND_RESULTS)],
        &[&Path::new(COPA_BASE).join(BASE_RESULTS)],
        &Options::default(),
    )
}

/// Every file under `dir`, in name order.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn every_real_per_sample_fixture_imports_or_is_refused_naming_the_file_and_why() {
    // Files that are not evaluation results Tollgate reads, and the one cancelled run.
    let refused = [
        "SOURCES.md",
        "verify_lmeval_hashes.py",
        "per_instance_stats.json",
        "run_spec.json",
        "scenario.json",
        "scenario_state.json",
        "2025-05-12T20-28-13-04-00_popularity.json",
    ];
    let all = files(Path::new(PERSAMPLE));
    assert!(all.len() >= 20, "{all:?}");
    let mut sampled = 0;
    for path in &all {
        let name = path.file_name().unwrap().to_str().unwrap();
        match load(&[path], &[], &Options::default()) {
            Ok(bundle) => {
                assert!(
                    !refused.contains(&name),
                    "{name} was expected to be refused"
                );
                sampled += usize::from(!bundle.samples.is_empty());
            }
            Err(errors) => {
                assert!(refused.contains(&name), "{name}: {errors:?}");
                let first = &errors[0];
                assert!(
                    first.message.contains(&path.display().to_string()),
                    "the error does not name {}: {}",
                    path.display(),
                    first.message
                );
                // The reason is more than the name.
                assert!(first.message.len() > path.display().to_string().len() + 20);
            }
        }
    }
    // Every lm-eval and scored Inspect file gives per-item scores.
    assert_eq!(sampled, 12);
}

#[test]
fn lm_eval_results_bring_their_samples_and_pair_with_the_baseline_on_doc_id() {
    let b = copa_pair().unwrap();
    let set = &b.samples["copa.acc"];
    let paired = set.paired();
    assert_eq!((paired.pairs, paired.unpaired), (20, 0));
    // Computed here from the rows: 0.6 - 0.8, over 20 items.
    let rows = |dir: &str| -> Vec<(String, f64)> {
        let path = files(Path::new(dir))
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .unwrap();
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                let row: Value = serde_json::from_str(l).unwrap();
                (row["doc_id"].to_string(), row["acc"].as_f64().unwrap())
            })
            .collect()
    };
    let (cand, base) = (rows(COPA_CAND), rows(COPA_BASE));
    let d: Vec<f64> = cand
        .iter()
        .map(|(id, c)| c - base.iter().find(|(j, _)| j == id).unwrap().1)
        .collect();
    let mean = d.iter().sum::<f64>() / 20.0;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 19.0).sqrt();
    assert!((paired.delta.unwrap() - mean).abs() < 1e-12);
    assert!((mean + 0.2).abs() < 1e-12);
    assert!((paired.stderr.unwrap() - sd / 20f64.sqrt()).abs() < 1e-12);
    // The results files' stated numbers stand; the samples agree with them, so no warning.
    let m = &b.metrics["copa.acc"];
    assert_eq!((m.value(), m.baseline()), (0.6, Some(0.8)));
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    // The samples files are evidence files of the record, marked as brought by another.
    let brought: Vec<&str> = b
        .files
        .iter()
        .filter(|f| f.beside)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(brought.len(), 2, "{:?}", b.files);
    assert!(brought.iter().all(|p| p.contains("samples_copa_")));
}

#[test]
fn a_samples_file_named_alone_defines_its_metric() {
    let b = load(
        &[&Path::new(COPA_BASE).join(BASE_SAMPLES)],
        &[],
        &Options::default(),
    )
    .unwrap();
    let m = &b.metrics["copa.acc"];
    assert_eq!((m.value(), m.n()), (0.8, Some(20)));
    // sd of sixteen 1s and four 0s, over sqrt(20).
    let want = (0.8f64 * 0.2 * 20.0 / 19.0).sqrt() / 20f64.sqrt();
    assert!((m.stderr().unwrap() - want).abs() < 1e-12);
}

#[test]
fn a_large_samples_file_is_hashed_whole_while_it_is_parsed() {
    // Several megabytes: the bytes reach the hashing thread in many chunks.
    let dir = crate::scratch::Scratch::new("samples-hash");
    let path = dir.0.join("samples_copa_2026-01-01T00-00-00.jsonl");
    let rows: String = (0..20_000)
        .map(|i| {
            format!(
                "{{\"doc_id\": {i}, \"doc\": \"{}\", \"acc\": {}, \"filter\": \"none\"}}\n",
                "x".repeat(200),
                i % 3 % 2
            )
        })
        .collect();
    std::fs::write(&path, &rows).unwrap();
    let b = load(&[&path], &[], &Options::default()).unwrap();
    assert_eq!(
        b.files[0].sha256,
        tollgate::policy::sha256_hex(rows.as_bytes())
    );
    assert_eq!(b.metrics["copa.acc"].n(), Some(20_000));
}

#[test]
fn filters_are_keys_and_repeated_rows_are_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("samples_toy_2026-01-01T00-00-00.000001.jsonl");
    let row = |id: u32, filter: &str, score: f64| {
        serde_json::json!({"doc_id": id, "doc": {"q": "x".repeat(100)}, "filter": filter,
            "metrics": ["exact_match"], "exact_match": score, "target": 7})
        .to_string()
    };
    let text = [
        row(0, "none", 1.0),
        row(0, "none", 0.0),
        row(1, "none", 1.0),
        row(0, "maj@8", 1.0),
    ]
    .join("\n");
    std::fs::write(&path, text).unwrap();
    let b = load(&[&path], &[], &Options::default()).unwrap();
    let plain = b.samples["toy.exact_match"].candidate().unwrap();
    assert_eq!(plain["0"], 0.5);
    assert_eq!(plain["1"], 1.0);
    assert_eq!(
        b.samples["toy.exact_match.maj@8"].candidate().unwrap()["0"],
        1.0
    );
    // `target` is a number but not a metric the row names.
    assert!(!b.samples.keys().any(|k| k.contains("target")));
}

#[test]
fn a_bad_row_is_an_error_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("samples_toy_2026-01-01T00-00-00.000001.jsonl");
    std::fs::write(
        &path,
        "{\"doc_id\": 0, \"metrics\": [\"acc\"], \"acc\": 1.0}\n{\"doc_id\": 1, \"metrics\": [\"acc\"], \"acc\": NaN}\n{\"acc\": 1.0}\nnot json\n",
    )
    .unwrap();
    let errors = load(&[&path], &[], &Options::default()).unwrap_err();
    let text: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
    assert!(text.iter().all(|m| m.contains("samples_toy_")), "{text:?}");
    assert!(
        text.iter()
            .any(|m| m.contains("line 2") && m.contains("item 1")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|m| m.contains("line 3") && m.contains("doc_id")),
        "{text:?}"
    );
    assert!(text.iter().any(|m| m.contains("line 4")), "{text:?}");
}

#[test]
fn a_doc_hash_that_differs_across_a_pair_is_an_evidence_error() {
    let dir = tempfile::tempdir().unwrap();
    for file in files(Path::new(COPA_BASE)) {
        std::fs::copy(&file, dir.path().join(file.file_name().unwrap())).unwrap();
    }
    let samples = dir.path().join(BASE_SAMPLES);
    let text = std::fs::read_to_string(&samples).unwrap();
    let rows: Vec<String> = text
        .lines()
        .map(|l| {
            let mut row: Value = serde_json::from_str(l).unwrap();
            if row["doc_id"] == 7 {
                row["doc_hash"] = Value::from("f".repeat(64));
            }
            row.to_string()
        })
        .collect();
    std::fs::write(&samples, rows.join("\n")).unwrap();
    let errors = load(
        &[&Path::new(COPA_CAND).join(CAND_RESULTS)],
        &[&dir.path().join(BASE_RESULTS)],
        &Options::default(),
    )
    .unwrap_err();
    let m = &errors[0].message;
    assert!(
        m.contains("copa.acc") && m.contains("doc_hash") && m.contains(": 7"),
        "{m}"
    );
    assert!(m.contains(BASE_SAMPLES), "{m}");
}

#[test]
fn an_eval_archive_reads_like_the_same_json_log() {
    for name in ["log_formats", "log_read_sample"] {
        let dir = Path::new(INSPECT);
        let json = load(
            &[&dir.join(format!("{name}.json"))],
            &[],
            &Options::default(),
        )
        .unwrap();
        let eval = load(
            &[&dir.join(format!("{name}.eval"))],
            &[],
            &Options::default(),
        )
        .unwrap();
        assert_eq!(json.metrics, eval.metrics, "{name}");
        assert_eq!(json.samples, eval.samples, "{name}");
        assert_eq!(json.samples.len(), 1, "{name}");
    }
}

#[test]
fn inspect_letters_are_scores_of_accuracy() {
    let path =
        Path::new(INSPECT).join("2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval");
    let b = load(&[&path], &[], &Options::default()).unwrap();
    let items = b.samples["popularity.match.accuracy"].candidate().unwrap();
    assert_eq!(items.len(), 10);
    assert_eq!(items.values().filter(|s| **s == 1.0).count(), 8);
    assert_eq!(b.metrics["popularity.match.accuracy"].value(), 0.8);
}

/// A `.json` Inspect log with the given samples in place of the fixture's one.
fn log_with(dir: &Path, samples: Vec<Value>) -> PathBuf {
    let text = std::fs::read_to_string(Path::new(INSPECT).join("log_formats.json")).unwrap();
    let mut log: Value = serde_json::from_str(&text).unwrap();
    log["samples"] = Value::Array(samples);
    let path = dir.join("log.json");
    std::fs::write(&path, log.to_string()).unwrap();
    path
}

#[test]
fn epochs_are_repeats_letters_are_numbers_and_cluster_by_reads_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let sample = |id: Value, epoch: u32, value: &str, passage: &str| {
        serde_json::json!({"id": id, "epoch": epoch, "input": "…",
            "scores": {"match": {"value": value}}, "metadata": {"passage": passage}})
    };
    let path = log_with(
        dir.path(),
        vec![
            sample(Value::from(1), 1, "C", "p1"),
            sample(Value::from(1), 2, "P", "p1"),
            sample(Value::from("two"), 1, "I", "p1"),
            sample(Value::from(3), 1, "N", "p2"),
        ],
    );
    let options = Options {
        cluster_by: Some(String::from("passage")),
        ..Options::default()
    };
    let b = load(&[&path], &[], &options).unwrap();
    let set = &b.samples["popularity.match.accuracy"];
    let items = set.candidate().unwrap();
    assert_eq!((items["1"], items["two"], items["3"]), (0.75, 0.0, 0.0));
    assert_eq!(set.clusters()["1"], "p1");
    assert_eq!(set.clusters()["3"], "p2");
    // Without --cluster-by, no clusters.
    let plain = load(&[&path], &[], &Options::default()).unwrap();
    assert!(plain.samples["popularity.match.accuracy"]
        .clusters()
        .is_empty());
    // A field no sample has is a warning, not silence.
    let missing = Options {
        cluster_by: Some(String::from("nope")),
        ..Options::default()
    };
    let b = load(&[&path], &[], &missing).unwrap();
    assert!(
        b.warnings.iter().any(|w| w.contains("`nope`")),
        "{:?}",
        b.warnings
    );
}

#[test]
fn promptfoo_tests_are_items_of_score_and_pass_rate() {
    let b = load(&[Path::new(PROMPTFOO)], &[], &Options::default()).unwrap();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(PROMPTFOO).unwrap()).unwrap();
    for row in doc["results"]["results"].as_array().unwrap() {
        let provider = row["provider"]["id"].as_str().unwrap();
        let test = row["testIdx"].to_string();
        let score = &b.samples[&format!("{provider}.score")].candidate().unwrap()[&test];
        assert_eq!(*score, row["score"].as_f64().unwrap());
        let pass = &b.samples[&format!("{provider}.pass_rate")]
            .candidate()
            .unwrap()[&test];
        assert_eq!(*pass, if row["success"] == true { 1.0 } else { 0.0 });
    }
}
