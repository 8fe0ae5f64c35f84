//! Importers on the real files of tests/fixtures/import (SOURCES.md says where each comes
//! from): the keys and values each yields, or the error it must give.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use serde_json::Value;
use tollgate::diagnostic::Diagnostic;
use tollgate::evidence::{self, Bundle, Input, InputFormat, Options, Role};
use tollgate::levels::Direction;
use tollgate::{Now, Outcome, Policy, Status};

const FIXTURES: &str = "tests/fixtures/import";
const TYPHOON: &str = "tests/fixtures/import/lm-eval/typhoon2-3b-commonsense-en-th.json";
const LLAMA: &str = "tests/fixtures/import/lm-eval/llama-3.2-3b-base-commonsense-en-th.json";
const NA: &str = "tests/fixtures/import/lm-eval/cpu-group-regression-expected-na-stderr.json";
const CANCELLED: &str = "tests/fixtures/import/inspect/popularity-gpt-4o-mini-cancelled.json";
const LEGACY_NAN: &str = "tests/fixtures/import/inspect/legacy-v1-wikipedia-nan.json";
const PROMPTFOO: &str = "tests/fixtures/import/promptfoo/sample-export-gpt5-vs-gpt5-mini.json";
const HELM: &str = "tests/fixtures/import/helm/bbq-gpt-4o-2024-05-13-stats.json";

fn input(spec: &str, role: Role) -> Input {
    Input::parse(spec, role, Path::new("")).unwrap()
}

fn load(evidence: &[&str], baselines: &[&str]) -> Result<Bundle, Vec<Diagnostic>> {
    load_with(evidence, baselines, Options::default())
}

fn load_with(
    evidence: &[&str],
    baselines: &[&str],
    options: Options,
) -> Result<Bundle, Vec<Diagnostic>> {
    let inputs: Vec<Input> = evidence
        .iter()
        .map(|s| input(s, Role::Evidence))
        .chain(baselines.iter().map(|s| input(s, Role::Baseline)))
        .collect();
    evidence::load_inputs(&inputs, &options).map_err(|d| d.0)
}

fn ok(evidence: &[&str], baselines: &[&str]) -> Bundle {
    match load(evidence, baselines) {
        Ok(bundle) => bundle,
        Err(errors) => panic!("expected the evidence to load, got {errors:#?}"),
    }
}

fn err(evidence: &[&str], baselines: &[&str]) -> Vec<Diagnostic> {
    match load(evidence, baselines) {
        Ok(bundle) => panic!("expected an error, got {bundle:#?}"),
        Err(errors) => errors,
    }
}

fn keys(bundle: &Bundle) -> Vec<&str> {
    bundle.metrics.keys().map(String::as_str).collect()
}

fn json_file(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn now() -> Now {
    Now::resolve(evidence::parse_instant("2025-03-01T00:00:00Z"), None)
}

fn assert_mentions(d: &Diagnostic, words: &[&str]) {
    let text = format!("{} {}", d.message, d.help.as_deref().unwrap_or(""));
    for word in words {
        assert!(text.contains(word), "`{word}` not in: {text}");
    }
}

// ---- lm-evaluation-harness ----

#[test]
fn lm_eval_results_give_task_dot_metric_with_stderr_n_and_direction() {
    let b = ok(&[TYPHOON], &[]);
    assert_eq!(
        keys(&b),
        [
            "physical_en.acc",
            "physical_th.acc",
            "psychological_en.acc",
            "psychological_th.acc",
            "social_en.acc",
            "social_th.acc",
            "spatial_en.acc",
            "spatial_th.acc",
            "temporal_en.acc",
            "temporal_th.acc",
        ]
    );
    let m = &b.metrics["physical_en.acc"];
    assert_eq!(m.value(), 0.25666666666666665);
    assert_eq!(m.stderr(), Some(0.02526044198731046));
    assert_eq!(m.n(), Some(300));
    assert_eq!(m.direction(), Some(Direction::HigherIsBetter));
    assert_eq!(m.baseline(), None);
    assert_eq!(b.metrics["social_th.acc"].value(), 0.7166666666666667);
    assert_eq!(b.candidate.as_deref(), Some("scb10x/llama3.2-typhoon2-3b"));
    assert_eq!(b.files.len(), 1);
    assert_eq!(b.files[0].format, InputFormat::LmEval);
    assert!(b.files[0].detected);
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);

    // Every `acc,none` of the file, and its stderr, as written.
    let results = json_file(TYPHOON)["results"].clone();
    for (task, entry) in results.as_object().unwrap() {
        let m = &b.metrics[&format!("{task}.acc")];
        assert_eq!(m.value(), entry["acc,none"].as_f64().unwrap());
        assert_eq!(m.stderr(), entry["acc_stderr,none"].as_f64());
    }
}

#[test]
fn a_baseline_file_gives_each_metric_its_baseline() {
    let b = ok(&[TYPHOON], &[LLAMA]);
    assert_eq!(b.baseline.as_deref(), Some("meta-llama/Llama-3.2-3B"));
    assert_eq!(b.candidate.as_deref(), Some("scb10x/llama3.2-typhoon2-3b"));
    let m = &b.metrics["physical_en.acc"];
    assert_eq!(m.value(), 0.25666666666666665);
    assert_eq!(m.baseline(), Some(0.29333333333333333));
    assert_eq!(m.baseline_stderr(), Some(0.026330094490574305));
    assert_eq!(m.file(), 0);
    assert_eq!(m.baseline_file(), Some(1));
    assert_eq!(b.files[1].path, LLAMA);
    assert_eq!(b.files[1].role, Role::Baseline);
    let base = json_file(LLAMA)["results"].clone();
    for (task, entry) in base.as_object().unwrap() {
        let m = &b.metrics[&format!("{task}.acc")];
        assert_eq!(m.baseline(), entry["acc,none"].as_f64());
        assert_eq!(m.baseline_stderr(), entry["acc_stderr,none"].as_f64());
    }
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
}

#[test]
fn a_prefix_namespaces_every_key_of_both_files() {
    let b = ok(
        &["offline=lm-eval:tests/fixtures/import/lm-eval/typhoon2-3b-commonsense-en-th.json"],
        &["offline=tests/fixtures/import/lm-eval/llama-3.2-3b-base-commonsense-en-th.json"],
    );
    assert_eq!(b.metrics.len(), 10);
    assert!(b.metrics.keys().all(|k| k.starts_with("offline.")));
    assert_eq!(
        b.metrics["offline.temporal_th.acc"].baseline(),
        Some(0.5566666666666666)
    );
    assert_eq!(b.files[0].prefix.as_deref(), Some("offline"));
    assert!(!b.files[0].detected);
    assert!(b.files[1].detected);
}

#[test]
fn na_stderr_is_absent_and_groups_load_with_their_subtasks() {
    let b = ok(&[NA], &[]);
    assert_eq!(
        keys(&b),
        [
            "arc_challenge.acc",
            "arc_challenge.acc_norm",
            "arc_easy.acc",
            "arc_easy.acc_norm",
            "regression_arc.acc",
            "regression_arc.acc_norm",
        ]
    );
    for m in b.metrics.values() {
        assert_eq!(m.stderr(), None);
        assert_eq!(m.direction(), Some(Direction::HigherIsBetter));
    }
    assert_eq!(b.metrics["arc_easy.acc"].value(), 0.3);
    assert_eq!(b.metrics["arc_easy.acc"].n(), Some(10));
    assert_eq!(b.metrics["arc_easy.acc_norm"].value(), 0.1);
    assert_eq!(b.metrics["regression_arc.acc"].value(), 0.15);
    // A group's count is its `sample_count`.
    assert_eq!(b.metrics["regression_arc.acc"].n(), Some(20));
    // No model_name and no config: no candidate.
    assert_eq!(b.candidate, None);
}

#[test]
fn without_stderr_significance_is_unknown_and_the_rule_fails_closed() {
    let b = ok(&[NA], &[NA]);
    assert_eq!(b.metrics["arc_easy.acc"].baseline(), Some(0.3));
    assert_eq!(b.metrics["arc_easy.acc"].baseline_stderr(), None);
    let policy = Policy::from_source(
        "na.gate",
        "policy \"na\" {}\n\
         metric arc from \"arc_easy.acc\" higher is better\n\
         rule arc_regression { block when significantly_worse(arc) }\n\
         rule arc_drop { block when regression(arc) > 5% }\n",
    )
    .unwrap();
    let e = policy.evaluate(&b, now());
    let r = e.rule("arc_regression").unwrap();
    assert_eq!(r.status, Status::Missing);
    assert_eq!(r.outcome, Outcome::Block);
    assert!(
        r.missing.iter().any(|k| k.starts_with("arc_easy.acc")),
        "{:?}",
        r.missing
    );
    // What needs no stderr is known.
    assert_eq!(e.rule("arc_drop").unwrap().status, Status::Passed);
    assert_eq!(e.decision, Outcome::Block);
}

#[test]
fn lm_eval_filters_old_layouts_and_non_finite_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.json");
    std::fs::write(
        &path,
        r#"{
          "results": {
            "gsm8k": {"alias": "gsm8k", "exact_match,strict-match": 0.5,
                      "exact_match_stderr,strict-match": 0.01,
                      "exact_match,flexible-extract": 0.6,
                      "exact_match_stderr,flexible-extract": NaN},
            "old_task": {"acc": 0.7, "acc_stderr": 0.02, "acc_norm": 0.8}
          },
          "versions": {"gsm8k": 3, "old_task": 0},
          "config": {"model": "hf", "model_args": "pretrained=org/model,dtype=bfloat16"}
        }"#,
    )
    .unwrap();
    let b = ok(&[path.to_str().unwrap()], &[]);
    assert_eq!(
        keys(&b),
        [
            "gsm8k.exact_match.strict-match",
            "gsm8k.exact_match.flexible-extract",
            "old_task.acc",
            "old_task.acc_norm",
        ]
    );
    assert_eq!(
        b.metrics["gsm8k.exact_match.strict-match"].stderr(),
        Some(0.01)
    );
    // A NaN stderr is absent, and said so.
    assert_eq!(
        b.metrics["gsm8k.exact_match.flexible-extract"].stderr(),
        None
    );
    assert!(
        b.warnings.iter().any(|w| w.contains("NaN")),
        "{:?}",
        b.warnings
    );
    assert_eq!(b.metrics["old_task.acc"].stderr(), Some(0.02));
    assert_eq!(b.candidate.as_deref(), Some("org/model"));

    std::fs::write(
        &path,
        r#"{"results": {"t": {"acc,none": NaN}}, "versions": {"t": 1}}"#,
    )
    .unwrap();
    let errors = err(&[path.to_str().unwrap()], &[]);
    assert_mentions(&errors[0], &["results.json", "`t.acc`", "NaN"]);
}

// ---- Inspect ----

#[test]
fn a_cancelled_inspect_log_is_rejected_and_says_why() {
    let errors = err(&[CANCELLED], &[]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_mentions(
        &errors[0],
        &[
            CANCELLED,
            "status is \"cancelled\"",
            "not \"success\"",
            "--allow-incomplete",
        ],
    );
    assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(3));
}

#[test]
fn allow_incomplete_keeps_a_cancelled_log_with_a_warning() {
    let b = load_with(
        &[CANCELLED],
        &[],
        Options {
            allow_incomplete: true,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(keys(&b), ["popularity.match.accuracy"]);
    let m = &b.metrics["popularity.match.accuracy"];
    assert_eq!(m.value(), 0.6666666666666666);
    assert_eq!(m.stderr(), Some(0.33333333333333337));
    assert_eq!(m.n(), Some(3));
    assert_eq!(b.candidate.as_deref(), Some("openai/gpt-4o-mini"));
    assert_eq!(b.files[0].format, InputFormat::Inspect);
    assert_eq!(b.warnings.len(), 1);
    assert!(b.warnings[0].contains("cancelled"), "{:?}", b.warnings);
    // The warning reaches the evaluation.
    let policy = Policy::from_source(
        "p.gate",
        "policy \"p\" {}\nmetric acc from \"popularity.match.accuracy\" higher is better\n\
         rule floor { block when acc < 50% }\n",
    )
    .unwrap();
    let e = policy.evaluate(&b, now());
    assert_eq!(e.decision, Outcome::Pass);
    assert_eq!(e.warnings, b.warnings);
}

#[test]
fn a_nan_metric_in_a_legacy_log_is_an_error_naming_it() {
    let errors = err(&[LEGACY_NAN], &[]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_mentions(
        &errors[0],
        &[
            LEGACY_NAN,
            "wikipedia.model_graded_fact.accuracy",
            "accuracy is NaN",
        ],
    );
    // Labelled at the bare NaN, line 41.
    assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(41));
}

#[test]
fn a_version_2_log_with_success_reads_every_scorer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.json");
    let mut log = json_file(CANCELLED);
    log["status"] = Value::from("success");
    log["results"]["scores"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "name": "model_graded_qa", "scorer": "model_graded_qa", "scored_samples": 2,
            "metrics": {
                "mean": {"name": "mean", "value": 0.5},
                "stderr": {"name": "stderr", "value": 0.25},
                "std": {"name": "std", "value": 0.3}
            }
        }));
    std::fs::write(&path, serde_json::to_string(&log).unwrap()).unwrap();
    let b = ok(&[path.to_str().unwrap()], &[]);
    assert_eq!(
        keys(&b),
        [
            "popularity.match.accuracy",
            "popularity.model_graded_qa.mean",
            "popularity.model_graded_qa.std",
        ]
    );
    assert_eq!(
        b.metrics["popularity.model_graded_qa.mean"].stderr(),
        Some(0.25)
    );
    assert_eq!(b.metrics["popularity.model_graded_qa.mean"].n(), Some(2));
    assert_eq!(b.metrics["popularity.model_graded_qa.std"].stderr(), None);
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
}

// ---- promptfoo ----

/// The Wilson 95% interval as the roots of (p̂ − p)² = z²·p(1 − p)/n, at STATISTICS.md
/// section 7's z = 1.96.
fn wilson_roots(successes: f64, n: f64) -> (f64, f64) {
    let z: f64 = 1.96;
    let phat = successes / n;
    let a = n + z * z;
    let b = -(2.0 * n * phat + z * z);
    let c = n * phat * phat;
    let d = (b * b - 4.0 * a * c).sqrt();
    ((-b - d) / (2.0 * a), (-b + d) / (2.0 * a))
}

#[test]
fn promptfoo_gives_pass_rates_with_wilson_intervals_and_mean_scores() {
    let b = ok(&[PROMPTFOO], &[]);
    assert_eq!(
        keys(&b),
        [
            "openai:gpt-5-mini.pass_rate",
            "openai:gpt-5-mini.score",
            "openai:gpt-5.pass_rate",
            "openai:gpt-5.score",
        ]
    );
    assert_eq!(b.files[0].format, InputFormat::Promptfoo);
    // Two providers: no single candidate.
    assert_eq!(b.candidate, None);

    // Computed here from the file's results, independently of the importer.
    let doc = json_file(PROMPTFOO);
    for provider in ["openai:gpt-5", "openai:gpt-5-mini"] {
        let rows: Vec<&Value> = doc["results"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["provider"]["id"] == provider)
            .collect();
        let n = rows.len() as f64;
        let passed = rows.iter().filter(|r| r["success"] == true).count() as f64;
        let scores: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
        let mean = scores.iter().sum::<f64>() / n;
        let sd = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();

        let rate = &b.metrics[&format!("{provider}.pass_rate")];
        assert_eq!(rate.n(), Some(2));
        assert_eq!(rate.value(), passed / n);
        assert_eq!(rate.value(), 0.0);
        let (low, high) = rate.ci().unwrap();
        let (want_low, want_high) = wilson_roots(passed, n);
        assert!(
            (low - want_low.max(0.0)).abs() < 1e-12,
            "{low} vs {want_low}"
        );
        assert!((high - want_high).abs() < 1e-12, "{high} vs {want_high}");
        // 0 of 2: [0, z²/(n + z²)].
        assert!((high - 3.8416 / 5.8416).abs() < 1e-12);
        // A proportion's standard error, sqrt(p(1-p)/n): 0 at p = 0.
        assert_eq!(rate.stderr(), Some(0.0));

        let score = &b.metrics[&format!("{provider}.score")];
        assert!((score.value() - mean).abs() < 1e-12);
        assert!((score.stderr().unwrap() - sd / n.sqrt()).abs() < 1e-12);
        assert_eq!(score.n(), Some(2));
    }
    assert!((b.metrics["openai:gpt-5.score"].value() - 0.5833333333333333).abs() < 1e-12);
    assert!((b.metrics["openai:gpt-5-mini.score"].value() - 0.7083333333333333).abs() < 1e-12);
}

#[test]
fn promptfoo_named_scores_labels_and_a_lone_provider() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    let row = |success: bool, helpful: f64| {
        serde_json::json!({
            "provider": {"id": "openai:gpt-4.1", "label": "candidate"},
            "success": success, "score": if success { 1.0 } else { 0.0 },
            "namedScores": {"helpfulness": helpful}
        })
    };
    let doc = serde_json::json!({
        "version": 3, "timestamp": "2025-10-01T00:00:00Z", "prompts": [], "stats": {},
        "results": [row(true, 0.9), row(true, 0.7), row(false, 0.2), row(true, 0.8)]
    });
    std::fs::write(&path, doc.to_string()).unwrap();
    let b = ok(&[path.to_str().unwrap()], &[]);
    assert_eq!(
        keys(&b),
        [
            "candidate.pass_rate",
            "candidate.score",
            "candidate.named.helpfulness"
        ]
    );
    let rate = &b.metrics["candidate.pass_rate"];
    assert_eq!(rate.value(), 0.75);
    let (low, high) = rate.ci().unwrap();
    let (want_low, want_high) = wilson_roots(3.0, 4.0);
    assert!((low - want_low).abs() < 1e-12 && (high - want_high).abs() < 1e-12);
    assert!((b.metrics["candidate.named.helpfulness"].value() - 0.65).abs() < 1e-12);
    assert_eq!(b.candidate.as_deref(), Some("candidate"));
}

// ---- HELM ----

#[test]
fn helm_stats_give_metric_dot_split_with_perturbations() {
    let b = ok(&[HELM], &[]);
    assert_eq!(b.files[0].format, InputFormat::Helm);
    // 84 stats, of which the two with count 0 have no mean.
    assert_eq!(b.metrics.len(), 82);
    assert_eq!(
        &keys(&b)[..3],
        [
            "bbq_accuracy.test",
            "bbq_metric_ambiguous_bias.test",
            "bbq_metric_unambiguous_bias.test",
        ]
    );
    let m = &b.metrics["bbq_accuracy.test"];
    assert_eq!((m.value(), m.n(), m.stderr()), (1.0, Some(1), None));
    assert_eq!(b.metrics["num_prompt_tokens.test"].value(), 66.5);
    assert_eq!(b.metrics["inference_runtime.test"].value(), 0.335205078125);
    assert_eq!(b.metrics["exact_match.test.robustness.worst"].value(), 1.0);
    assert_eq!(b.metrics["exact_match.test.fairness.worst"].n(), Some(1));
    assert_eq!(b.metrics["num_instances.test"].value(), 2.0);
    assert!(!b.metrics.contains_key("training_co2_cost.test"));
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    // Every stat with a count is there, with its mean.
    for stat in json_file(HELM).as_array().unwrap() {
        if stat["count"] == 0 {
            continue;
        }
        let name = &stat["name"];
        let mut key = format!(
            "{}.{}",
            name["name"].as_str().unwrap(),
            name["split"].as_str().unwrap()
        );
        if let Some(p) = name.get("perturbation") {
            key = format!(
                "{key}.{}.{}",
                p["name"].as_str().unwrap(),
                p["computed_on"].as_str().unwrap()
            );
        }
        assert_eq!(
            b.metrics[&key].value(),
            stat["mean"].as_f64().unwrap(),
            "{key}"
        );
    }
}

// ---- flags CSV ----

fn csv_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_flags_csv_gives_flags() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(
        dir.path(),
        "flags.csv",
        "\u{feff}ID,Source,Author,Category,Severity,Note,Timestamp\n\
         F-1,expert,tester-3,personality,High,\"feels off, overly agreeable\",2025-04-24\n\
         ,,,,,,\n\
         F-2,alpha,,tone,low,,\n",
    );
    let b = ok(&[&path], &[]);
    assert_eq!(b.flags.len(), 2);
    let f = &b.flags[0];
    assert_eq!(f.id(), Some("F-1"));
    assert_eq!(&*f.source, "expert");
    assert_eq!(f.author.as_deref(), Some("tester-3"));
    assert_eq!(&*f.category, "personality");
    assert_eq!(f.severity, tollgate::Severity::High);
    assert_eq!(f.note(), Some("feels off, overly agreeable"));
    assert_eq!(b.flags[1].author, None);
    assert_eq!(b.files[0].format, InputFormat::FlagsCsv);
    assert!(b.metrics.is_empty());
    // The column that is not read is named.
    assert_eq!(b.warnings.len(), 1);
    assert!(b.warnings[0].contains("`Timestamp`"), "{:?}", b.warnings);

    // Semicolons, as some spreadsheets write, and any file name with `flags-csv:`.
    let path = csv_file(
        dir.path(),
        "flags.txt",
        "source;category;severity\nuser;tone;medium\n",
    );
    let b = ok(&[&format!("flags-csv:{path}")], &[]);
    assert_eq!(b.flags[0].severity, tollgate::Severity::Medium);
    // ... and detected from the header without it.
    let b = ok(&[&path], &[]);
    assert_eq!(b.flags.len(), 1);
}

#[test]
fn flags_csv_errors_name_the_row_and_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(
        dir.path(),
        "flags.csv",
        "source,category,severity\nexpert,tone,hgh\n,personality,low\n",
    );
    let errors = err(&[&path], &[]);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_mentions(
        &errors[0],
        &[
            "flags.csv",
            "row 1 (line 2)",
            "column `severity`",
            "hgh",
            "high",
        ],
    );
    assert_mentions(&errors[1], &["row 2 (line 3)", "column `source`", "empty"]);
    assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(2));

    let path = csv_file(
        dir.path(),
        "no-severity.csv",
        "source,category,sevrity\nexpert,tone,high\n",
    );
    let errors = err(&[&path], &[]);
    assert_mentions(&errors[0], &["no `severity` column", "`sevrity`"]);
}

#[test]
fn a_flags_csv_cannot_be_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(dir.path(), "f.csv", "source,category,severity\n");
    let errors = err(&[TYPHOON], &[&path]);
    assert_mentions(&errors[0], &["flags CSV", "baseline"]);
}

// ---- combining files ----

#[test]
fn baseline_and_candidate_keys_that_do_not_match_are_warnings() {
    let b = ok(&[NA], &[TYPHOON]);
    // Every baseline metric lacks a candidate. (Candidate metrics without a baseline are
    // reported by evaluation, only for the metrics a policy reads: tests/all/cli.rs.)
    assert_eq!(b.warnings.len(), 10, "{:#?}", b.warnings);
    assert!(b
        .warnings
        .iter()
        .any(|w| w.contains("baseline metric `physical_en.acc`")
            && w.contains("has no candidate metric")));
    assert!(!b.warnings.iter().any(|w| w.contains("has no baseline")));
}

#[test]
fn a_baseline_given_twice_is_an_error_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let native = csv_file(
        dir.path(),
        "evidence.json",
        r#"{"metrics": {"physical_en.acc": {"value": 0.3, "baseline": 0.2}}}"#,
    );
    let errors = err(&[&native], &[LLAMA]);
    assert_mentions(&errors[0], &["physical_en.acc", "evidence.json", LLAMA]);
}

#[test]
fn harness_and_native_evidence_merge_and_model_names_may_differ() {
    let dir = tempfile::tempdir().unwrap();
    let native = csv_file(
        dir.path(),
        "evidence.yaml",
        "candidate: typhoon2-3b\nflags:\n  - source: expert\n    category: tone\n    severity: low\n",
    );
    let b = ok(&[&native, TYPHOON], &[]);
    assert_eq!(b.candidate.as_deref(), Some("typhoon2-3b"));
    assert_eq!(b.flags.len(), 1);
    assert_eq!(b.metrics.len(), 10);
    assert_eq!(b.metrics["physical_en.acc"].file(), 1);
    assert_eq!(b.warnings.len(), 1);
    assert!(
        b.warnings[0].contains("scb10x/llama3.2-typhoon2-3b"),
        "{:?}",
        b.warnings
    );
    // The same key from two files is the native error naming both.
    let errors = err(&[TYPHOON, LLAMA], &[]);
    assert_mentions(&errors[0], &["physical_en.acc", TYPHOON, LLAMA]);
}

#[test]
fn a_stated_direction_against_the_policy_is_a_warning() {
    let b = ok(&[TYPHOON], &[LLAMA]);
    let policy = Policy::from_source(
        "p.gate",
        "policy \"p\" {}\n\
         metric physical from \"physical_en.acc\" lower is better\n\
         metric social from \"social_en.acc\" higher is better\n\
         metric family thai from \"*_th.acc\" lower is better\n\
         rule r { warn when regression(physical) > 50% }\n\
         rule s { warn when regression(social) > 50% or any(thai where regression > 50%) }\n",
    )
    .unwrap();
    let e = policy.evaluate(&b, now());
    assert_eq!(e.warnings.len(), 1 + 5, "{:#?}", e.warnings);
    assert!(e.warnings[0].contains("metric `physical` is declared lower is better"));
    assert!(e.warnings[0].contains("`physical_en.acc` is higher is better"));
    assert!(e.warnings[0].contains(TYPHOON));
    assert!(e.warnings[1].contains("metric `thai`"));
}

// ---- detection and specs ----

#[test]
fn load_files_detects_harness_json_but_keeps_native_errors() {
    let b = evidence::load_files(&[TYPHOON, HELM]).unwrap();
    assert_eq!(b.metrics.len(), 10 + 82);
    assert_eq!(b.files[1].format, InputFormat::Helm);
    // A misspelt native bundle is still reported as one.
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(
        dir.path(),
        "evidence.json",
        r#"{"metrics": {"a": 1}, "flagz": []}"#,
    );
    let errors = evidence::load_files(&[&path]).unwrap_err().0;
    assert_mentions(&errors[0], &["flagz"]);
}

#[test]
fn a_named_format_wins_over_detection_and_a_wrong_one_says_so() {
    // A file given as the wrong format is named for what it looks like, in one error.
    let errors = err(&[&format!("helm:{TYPHOON}")], &[]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_mentions(
        &errors[0],
        &[
            "this is not helm output; it looks like lm-eval",
            "`lm-eval:",
        ],
    );
    let errors = err(&[&format!("inspect:{HELM}")], &[]);
    assert_mentions(
        &errors[0],
        &["this is not inspect output; it looks like helm"],
    );
}

#[test]
fn specs_read_prefix_format_and_path() {
    let base = Path::new("");
    let i = Input::parse("offline=lm-eval:r.json", Role::Evidence, base).unwrap();
    assert_eq!(i.prefix.as_deref(), Some("offline"));
    assert_eq!(i.format, Some(InputFormat::LmEval));
    assert_eq!(i.path, Path::new("r.json"));
    assert_eq!(i.spec(), "offline=lm-eval:r.json");
    let i = Input::parse("flags-csv:sheets/flags.csv", Role::Evidence, base).unwrap();
    assert_eq!((i.prefix, i.format), (None, Some(InputFormat::FlagsCsv)));
    let i = Input::parse("a.b=x.json", Role::Baseline, base).unwrap();
    assert_eq!((i.prefix.as_deref(), i.format), (Some("a.b"), None));
    assert_eq!(i.role, Role::Baseline);
    let i = Input::parse("C:\\runs\\r.json", Role::Evidence, base).unwrap();
    assert_eq!((i.prefix, i.format), (None, None));
    let i = Input::parse("runs/a=b/r.json", Role::Evidence, base).unwrap();
    assert_eq!(
        (i.prefix, i.path),
        (None, Path::new("runs/a=b/r.json").to_path_buf())
    );

    let e = Input::parse("lmeval:r.json", Role::Evidence, base).unwrap_err();
    assert_mentions(&e, &["`lmeval` is not an evidence format", "lm-eval"]);

    // An existing file named with `=` and `:` is that file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x=lm-eval:y.json"), "{}").unwrap();
    let i = Input::parse("x=lm-eval:y.json", Role::Evidence, dir.path()).unwrap();
    assert_eq!((i.prefix, i.format), (None, None));
    assert_eq!(i.path, dir.path().join("x=lm-eval:y.json"));
}

#[test]
fn every_fixture_is_listed_in_sources() {
    let sources = std::fs::read_to_string(format!("{FIXTURES}/SOURCES.md")).unwrap();
    for dir in ["lm-eval", "inspect", "promptfoo", "helm"] {
        for entry in std::fs::read_dir(format!("{FIXTURES}/{dir}")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(sources.contains(&format!("`{dir}/{name}`")), "{dir}/{name}");
        }
    }
}

// ---- hostile input ----

#[test]
fn cut_and_mangled_files_never_panic_and_errors_name_the_file() {
    let formats = [
        None,
        Some(InputFormat::Tollgate),
        Some(InputFormat::LmEval),
        Some(InputFormat::Inspect),
        Some(InputFormat::Promptfoo),
        Some(InputFormat::Helm),
        Some(InputFormat::FlagsCsv),
    ];
    let options = Options {
        allow_incomplete: true,
        ..Options::default()
    };
    for path in [NA, LEGACY_NAN, CANCELLED, PROMPTFOO, HELM, TYPHOON] {
        let full = std::fs::read_to_string(path).unwrap();
        let step = (full.len() / 60).max(1);
        let mut cuts: Vec<String> = (0..full.len())
            .step_by(step)
            .filter(|&cut| full.is_char_boundary(cut))
            .map(|cut| full[..cut].to_string())
            .collect();
        // Numbers become text, NaN and infinities, and lists become objects.
        cuts.push(full.replace("0.", "\"N/A\", \"x\": 0."));
        cuts.push(full.replace(": 0", ": NaN").replace(": 1", ": -Infinity"));
        cuts.push(full.replace('[', "{\"a\": [").replace(']', "]}"));
        cuts.push(full.replace("\"name\"", "\"nom\""));
        for text in &cuts {
            for format in formats {
                if let Err(errors) =
                    evidence::import::parse_str("mangled.json", text, format, &options)
                {
                    for e in &errors.0 {
                        assert!(e.message.contains("mangled.json"), "{}", e.message);
                    }
                }
            }
        }
    }
}

#[test]
fn a_broken_inspect_archive_says_what_it_is_and_why_it_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2025-05-12_popularity.eval");
    std::fs::write(&path, b"PK\x03\x04\x14\x00\x00\x00binary").unwrap();
    let errors = err(&[path.to_str().unwrap()], &[]);
    assert_mentions(
        &errors[0],
        &["popularity.eval", "zip archive", "cannot be read"],
    );
}

/// A bundle of one metric with every number field set from `numbers` (`value`, `baseline`,
/// two standard errors, and interval ends, arranged so that the bundle is valid).
fn metric_bundle([value, baseline, stderr, low, high]: [f64; 5]) -> Bundle {
    let mut metric = evidence::Metric::new(value, 0);
    metric.set_baseline(Some(baseline));
    metric.set_stderr(Some(stderr.abs()));
    metric.set_baseline_stderr(Some(low.abs()));
    metric.set_ci(Some((low.min(value), high.max(value))));
    metric.set_baseline_ci(Some((low.min(baseline), high.max(baseline))));
    let mut bundle = Bundle::default();
    bundle.metrics.insert(String::from("m"), metric);
    bundle
}

/// The numbers of the bundle's metric `m`, as bits (so `-0.0` and `0.0` differ).
fn metric_bits(bundle: &Bundle) -> Vec<u64> {
    let m = &bundle.metrics["m"];
    let (low, high) = m.ci().unwrap();
    let (base_low, base_high) = m.baseline_ci().unwrap();
    [
        m.value(),
        m.baseline().unwrap(),
        m.stderr().unwrap(),
        m.baseline_stderr().unwrap(),
        low,
        high,
        base_low,
        base_high,
    ]
    .map(f64::to_bits)
    .to_vec()
}

/// `to_native_json`, read back by both JSON readers: each gives the numbers bit for bit.
fn assert_numbers_round_trip(numbers: [f64; 5]) {
    let bundle = metric_bundle(numbers);
    let text = evidence::to_native_json(&bundle);
    let (fast, validated) = evidence::json_readers("archive.json", &text);
    let want = metric_bits(&bundle);
    assert_eq!(metric_bits(&validated.unwrap()), want, "{text}");
    assert_eq!(metric_bits(&fast.unwrap()), want, "{text}");
}

#[test]
fn the_import_writer_writes_numbers_that_read_back_exactly() {
    for x in [
        0.484_126_984_126_984_13,
        0.1 + 0.2,
        -0.0,
        f64::MIN_POSITIVE,
        f64::from_bits(1), // the smallest subnormal
        f64::MAX,
        f64::MIN,
        9_007_199_254_740_993.0,
        1e-300,
    ] {
        assert_numbers_round_trip([x, -x, x, x, x]);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    #[test]
    fn every_finite_number_written_reads_back_bit_identical(
        bits in proptest::array::uniform5(proptest::prelude::any::<u64>())
    ) {
        // Any bit pattern: subnormals, huge exponents and both zeros included.
        let numbers = bits.map(f64::from_bits);
        proptest::prop_assume!(numbers.iter().all(|x| x.is_finite()));
        assert_numbers_round_trip(numbers);
    }
}
