//! CI in one step (issue 18): `action.yml` and `.pre-commit-hooks.yaml` parse and refer only
//! to what exists, and the action's script, run with the environment a GitHub runner sets,
//! writes the step summary, the annotations, the HTML report and its outputs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use serde_yaml_ng::Value;

fn yaml(path: &str) -> Value {
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every `<prefix>NAME` inside `${{ … }}` expressions of the text.
fn references(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for expr in text.split("${{").skip(1) {
        let expr = expr.split("}}").next().unwrap();
        for part in expr.split(prefix).skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

#[test]
fn the_action_refers_only_to_what_it_declares() {
    let text = std::fs::read_to_string("action.yml").unwrap();
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let inputs = action["inputs"].as_mapping().unwrap();
    let declared: BTreeSet<String> = inputs
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    for name in ["policy", "evidence", "baseline", "fail-on"] {
        assert!(declared.contains(name), "input {name} is missing");
    }
    for (name, input) in inputs {
        assert!(
            input["description"].is_string(),
            "{name:?} has no description"
        );
    }
    let used = references(&text, "inputs.");
    assert!(
        used.is_subset(&declared),
        "undeclared inputs: {used:?} vs {declared:?}"
    );
    // Every input is used somewhere.
    assert_eq!(used, declared);

    // Steps are named, composite `run` steps say their shell, and the outputs read from the
    // evaluation step are those its script writes.
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let ids: BTreeSet<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    for step in steps {
        assert!(step["name"].is_string(), "{step:?}");
        if step["run"].is_string() {
            assert_eq!(step["shell"].as_str(), Some("bash"), "{step:?}");
        } else {
            assert!(step["uses"]
                .as_str()
                .unwrap()
                .starts_with("actions/upload-artifact@v"));
        }
    }
    for id in references(&text, "steps.") {
        assert!(ids.contains(id.as_str()), "step {id} does not exist");
    }
    let script = std::fs::read_to_string("action/eval.sh").unwrap();
    assert!(text.contains("$GITHUB_ACTION_PATH/action/eval.sh"));
    for output in references(&text, "steps.eval.outputs.") {
        assert!(
            script.contains(&format!("output {output} ")),
            "eval.sh never writes {output}"
        );
    }
    // The environment the script reads is the one the step sets.
    let eval = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("eval"))
        .unwrap();
    let env: BTreeSet<&str> = eval["env"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    for var in [
        "TOLLGATE_POLICY",
        "TOLLGATE_EVIDENCE",
        "TOLLGATE_BASELINE",
        "TOLLGATE_FAIL_ON",
        "TOLLGATE_NOW",
    ] {
        assert!(env.contains(var) && script.contains(var), "{var}");
    }
}

#[test]
fn the_pre_commit_hooks_run_real_commands() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["tollgate-fmt", "tollgate-check"]);
    for hook in hooks {
        for field in ["name", "entry", "language", "files"] {
            assert!(hook[field].is_string(), "{field} of {hook:?}");
        }
        assert_eq!(hook["language"].as_str(), Some("rust"));
        assert_eq!(hook["files"].as_str(), Some("\\.gate$"));
        // pre-commit appends the staged files to the entry: run it so on a shipped policy.
        let entry: Vec<&str> = hook["entry"].as_str().unwrap().split(' ').collect();
        assert_eq!(entry[0], "tollgate");
        let out = Command::new(env!("CARGO_BIN_EXE_tollgate"))
            .args(&entry[1..])
            .arg("policies/chat-mainline.gate")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{entry:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Run action/eval.sh as the runner would: inputs as the step's env, GITHUB_* files in a
/// temporary folder. Returns the script's status, its stdout, the step summary and outputs.
fn run_action(inputs: &[(&str, &str)]) -> (i32, String, String, HashMap<String, String>) {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let output = dir.path().join("output.txt");
    let out = Command::new("bash")
        .arg("action/eval.sh")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("TOLLGATE_BIN", env!("CARGO_BIN_EXE_tollgate"))
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_WORKSPACE", std::env::current_dir().unwrap())
        .env("RUNNER_TEMP", dir.path())
        .envs(inputs.iter().copied())
        .output()
        .unwrap();
    let outputs: HashMap<String, String> = std::fs::read_to_string(&output)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Some(report) = outputs.get("report").filter(|r| !r.is_empty()) {
        let html = std::fs::read_to_string(report).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(Path::new(report).starts_with(dir.path()));
    }
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(&summary).unwrap_or_default(),
        outputs,
    )
}

#[test]
fn the_action_script_reports_a_block_and_fails_the_job() {
    let (status, stdout, summary, outputs) = run_action(&[
        ("TOLLGATE_POLICY", "policies/chat-mainline.gate"),
        (
            "TOLLGATE_EVIDENCE",
            "examples/gpt-4o-2025-04-25/evidence.json\n",
        ),
        ("TOLLGATE_FAIL_ON", "block"),
    ]);
    // The script succeeds so the report is uploaded; the action's last step fails the job.
    assert_eq!(status, 0);
    assert_eq!(outputs["decision"], "block");
    assert_eq!(outputs["failed"], "true");
    assert!(!outputs["report"].is_empty());
    assert!(
        stdout.contains("::error file=policies/chat-mainline.gate,line=34,"),
        "{stdout}"
    );
    assert!(
        summary.contains("Launch report for `gpt-4o-2025-04-25`: blocked"),
        "{summary}"
    );
}

#[test]
fn the_action_script_honours_fail_on_baselines_and_now() {
    let inputs = [
        ("TOLLGATE_POLICY", "examples/lm-eval-typhoon/policy.gate"),
        (
            "TOLLGATE_EVIDENCE",
            "  lm-eval:examples/lm-eval-typhoon/typhoon2-3b.json  ",
        ),
        (
            "TOLLGATE_BASELINE",
            "lm-eval:examples/lm-eval-typhoon/llama-3.2-3b.json",
        ),
        ("TOLLGATE_NOW", "2025-01-01"),
    ];
    let (_, _, summary, outputs) =
        run_action(&[&inputs[..], &[("TOLLGATE_FAIL_ON", "block")]].concat());
    assert_eq!(
        (outputs["decision"].as_str(), outputs["failed"].as_str()),
        ("warn", "false")
    );
    assert!(summary.contains("2025-01-01T00:00:00Z"), "{summary}");
    let (_, _, _, outputs) = run_action(&[&inputs[..], &[("TOLLGATE_FAIL_ON", "warn")]].concat());
    assert_eq!(
        (outputs["decision"].as_str(), outputs["failed"].as_str()),
        ("warn", "true")
    );
}

#[test]
fn the_action_script_fails_on_unusable_input() {
    let (status, _, _, outputs) = run_action(&[
        ("TOLLGATE_POLICY", "policies/chat-mainline.gate"),
        ("TOLLGATE_EVIDENCE", "no/such/evidence.json"),
    ]);
    assert_eq!(status, 0);
    assert_eq!(outputs["failed"], "true");
    assert_eq!(outputs["report"], "");
    assert_eq!(outputs["decision"], "");
}
