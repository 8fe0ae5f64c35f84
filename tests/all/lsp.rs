//! The language server (`tollgate lsp`), one test per feature, over an in-memory
//! connection: a fixture of files, requests at positions, the answers as insta snapshots
//! (Nickel's style). Paths in answers read `file:///TMP/…`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};

use crate::lsp_client::{pretty, Client};

const COMMON: &str = r#"# Shared by every chat policy.
metric sycophancy from "behavior.sycophancy_rate" lower is better
metric family over_refusal from "safety.over_refusal.*" lower is better
"#;

/// Who may waive: a role pattern with a (public) example key.
const SIGNERS: &str = "# the demo's approvers\nhead-of-* ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHbJP90K2Jgmtb+1CvcvZDU25sGxOOK8KstCB/mHMlD4 demo (EXAMPLE ONLY)\n";

const MAIN: &str = r#"policy "demo" {
  version "1"
}

import "common.gate"
trust "allowed_signers"

let limit = 1%
let testers = ["expert", "alpha"]

rule syco "Sycophancy regressed" {
  block when regression(sycophancy) > limit
  review when any(flags where source in testers and severity >= medium)
  waivable by "head-of-behavior"
}

rule refusals {
  warn when any(over_refusal where regression > 2%)
  missing pass
}

test "regression blocks" {
  evidence { "metrics": { "behavior.sycophancy_rate": { "value": 0.2, "baseline": 0.1 } } }
  expect block
  expect fired syco
}

test "wrong on purpose" {
  evidence { "metrics": { "behavior.sycophancy_rate": { "value": 0.1, "baseline": 0.1 } } }
  expect block
}
"#;

fn demo() -> Client {
    let mut client = Client::start(&[
        ("common.gate", COMMON),
        ("allowed_signers", SIGNERS),
        ("main.gate", MAIN),
    ]);
    client.open("main.gate");
    client
}

/// Requests and answers as one snapshot text.
fn transcript(entries: &[(&str, Value)]) -> String {
    entries
        .iter()
        .map(|(what, answer)| format!("=== {what}\n{}\n", pretty(answer)))
        .collect()
}

fn no_extra() -> Value {
    json!({})
}

#[test]
fn diagnostics_are_published_with_related_locations() {
    let main = "policy \"d\" {\n  version \"1\"\n}\nimport \"common.gate\"\nmetric sycophancy from \"x\" lower is better\nlet unused = 1\nrule r {\n  block when regression(sycophancy) > \"a\"\n}\n";
    let mut client = Client::start(&[("common.gate", COMMON), ("main.gate", main)]);
    client.open("main.gate");
    let published = client.diagnostics("main.gate");
    assert_eq!(published[0]["code"], "tollgate::type");
    // The second definition is the one in the imported file: reported there, pointing back.
    let imported = client.diagnostics("common.gate");
    assert_eq!(imported[0]["code"], "tollgate::duplicate");
    assert_eq!(
        imported[0]["relatedInformation"][0]["location"]["uri"],
        "file:///TMP/main.gate"
    );
    let published = json!({ "main.gate": published, "common.gate": imported });
    insta::assert_snapshot!("diagnostics", pretty(&published));
}

#[test]
fn editing_an_imported_file_rechecks_its_importer() {
    let mut client = demo();
    assert_eq!(client.diagnostics("main.gate"), json!([]));
    client.open("common.gate");
    // Renaming the metric in the imported file breaks the rule that reads it.
    client.edit(
        "common.gate",
        COMMON,
        "metric sycophancy",
        "metric sycophancy_rate",
    );
    let after = client.diagnostics("main.gate");
    assert_eq!(after[0]["code"], "tollgate::unknown_name");
    assert!(after[0]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `sycophancy_rate`"));
    // And the file it imports is not told about names only its importer uses.
    insta::assert_snapshot!("import_recheck", pretty(&after));
}

#[test]
fn hover() {
    let mut client = demo();
    let mut at = |needle: &str, shift: usize| {
        let answer = client.at("textDocument/hover", "main.gate", needle, shift, no_extra());
        (format!("hover {needle:?}+{shift}"), answer)
    };
    let answers = vec![
        at("regression(", 2),
        at("(sycophancy)", 3),
        at("> limit", 4),
        at("in testers", 5),
        at("fired syco", 7),
        at(">= medium", 5),
        at("block when regression", 1),
        at("head-of", 3),
        at("where source", 8),
        at("where regression", 8),
        at("over_refusal where", 2),
        at("trust \"allowed", 8),
    ];
    for (what, answer) in &answers {
        assert!(
            answer["contents"]["value"].is_string(),
            "{what} has a hover"
        );
    }
    insta::assert_snapshot!(
        "hover",
        transcript(
            &answers
                .iter()
                .map(|(w, a)| (w.as_str(), a.clone()))
                .collect::<Vec<_>>()
        )
    );
}

#[test]
fn definition_and_references() {
    let mut client = demo();
    let metric = client.at(
        "textDocument/definition",
        "main.gate",
        "(sycophancy)",
        1,
        no_extra(),
    );
    assert_eq!(metric[0]["uri"], "file:///TMP/common.gate");
    let answers = vec![
        ("definition of a metric from an import", metric),
        (
            "definition of an import path",
            client.at(
                "textDocument/definition",
                "main.gate",
                "\"common.gate\"",
                2,
                no_extra(),
            ),
        ),
        (
            "definition of `expect fired` rule",
            client.at(
                "textDocument/definition",
                "main.gate",
                "fired syco",
                7,
                no_extra(),
            ),
        ),
        (
            "definition of a let",
            client.at(
                "textDocument/definition",
                "main.gate",
                "in testers",
                4,
                no_extra(),
            ),
        ),
        (
            "definition of a role: where it is named, and the trust lines for it",
            client.at(
                "textDocument/definition",
                "main.gate",
                "head-of",
                3,
                no_extra(),
            ),
        ),
        (
            "definition of a trust path",
            client.at(
                "textDocument/definition",
                "main.gate",
                "trust \"allowed",
                8,
                no_extra(),
            ),
        ),
        (
            "references of a metric, with its declaration",
            client.at(
                "textDocument/references",
                "main.gate",
                "(sycophancy)",
                1,
                json!({ "context": { "includeDeclaration": true } }),
            ),
        ),
        (
            "references of a rule, without",
            client.at(
                "textDocument/references",
                "main.gate",
                "rule syco",
                6,
                json!({ "context": { "includeDeclaration": false } }),
            ),
        ),
    ];
    insta::assert_snapshot!("definition_references", transcript(&answers));
}

fn labels(answer: &Value) -> String {
    answer
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn completion_by_position() {
    let mut client = demo();
    let cases = [
        ("a statement in a rule", "  waivable by", 0, "  "),
        ("a flag field in `where`", "where source", 6, ""),
        (
            "a family member field in `where`",
            "where regression",
            6,
            "",
        ),
        ("a rule after `expect fired`", "fired syco", 6, ""),
        ("after `expect`", "expect block\n  expect", 7, ""),
        ("a top-level item", "rule refusals", 0, ""),
        ("an expression", "> limit", 2, ""),
    ];
    let mut out = String::new();
    for (what, needle, shift, _) in cases {
        let answer = client.at(
            "textDocument/completion",
            "main.gate",
            needle,
            shift,
            no_extra(),
        );
        out.push_str(&format!("=== {what}\n{}\n", labels(&answer)));
    }
    assert!(out.contains("severity"));
    insta::assert_snapshot!("completion", out);
    let function = client.at(
        "textDocument/completion",
        "main.gate",
        "> limit",
        2,
        no_extra(),
    );
    let worst = function
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "worst")
        .unwrap();
    assert_eq!(worst["insertText"], "worst($1)");
    assert_eq!(worst["detail"], "worst(m) → number");
}

#[test]
fn rename_across_files_and_refusals() {
    let mut client = demo();
    client.open("common.gate");
    let rename = |client: &mut Client, new_name: &str| {
        client.at(
            "textDocument/rename",
            "main.gate",
            "(sycophancy)",
            1,
            json!({ "newName": new_name }),
        )
    };
    let ok = rename(&mut client, "flattery");
    assert_eq!(
        ok["changes"]["file:///TMP/common.gate"][0]["newText"],
        "flattery"
    );
    let rule = stable_edit(client.at(
        "textDocument/rename",
        "main.gate",
        "rule syco",
        6,
        json!({ "newName": "sycophancy_rule" }),
    ));
    let ok_sorted = stable_edit(ok);
    let answers = vec![
        ("rename a metric across files", ok_sorted),
        ("rename a rule, its test expectations too", rule),
        ("refused: a reserved word", rename(&mut client, "block")),
        ("refused: a clash", rename(&mut client, "limit")),
        ("refused: not a name", rename(&mut client, "9lives")),
        (
            "refused: a function is not renamed",
            client.at(
                "textDocument/rename",
                "main.gate",
                "regression(",
                1,
                json!({ "newName": "x" }),
            ),
        ),
        (
            "prepare",
            client.at(
                "textDocument/prepareRename",
                "main.gate",
                "> limit",
                3,
                no_extra(),
            ),
        ),
    ];
    insta::assert_snapshot!("rename", transcript(&answers));
}

/// A workspace edit in a stable order: files by URI (the protocol's map has no order), each
/// file's edits by line.
fn stable_edit(edit: Value) -> Value {
    let Some(changes) = edit["changes"].as_object() else {
        return edit;
    };
    let mut files: Vec<(String, Value)> = changes
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut sorted = serde_json::Map::new();
    for (uri, mut edits) in files {
        edits
            .as_array_mut()
            .unwrap()
            .sort_by_key(|e| e["range"]["start"]["line"].as_u64());
        sorted.insert(uri, edits);
    }
    json!({ "changes": sorted })
}

#[test]
fn formatting() {
    let messy = "policy \"f\" {version \"1\"}\nmetric m from \"m\" lower is better\nrule r {block when m>1   # high\n}\n";
    let mut client = Client::start(&[("f.gate", messy)]);
    client.open("f.gate");
    let edits = client.document(
        "textDocument/formatting",
        "f.gate",
        json!({ "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let expected = tollgate::format::format_str("f.gate", messy).unwrap();
    assert_eq!(edits[0]["newText"], expected.as_str());
    insta::assert_snapshot!("formatting", pretty(&edits));
}

#[test]
fn symbols_and_folding() {
    let mut client = demo();
    let answers = vec![
        (
            "documentSymbol",
            client.document("textDocument/documentSymbol", "main.gate", no_extra()),
        ),
        (
            "foldingRange",
            client.document("textDocument/foldingRange", "main.gate", no_extra()),
        ),
    ];
    insta::assert_snapshot!("symbols_folding", transcript(&answers));
}

#[test]
fn code_lens_runs_the_tests() {
    let mut client = demo();
    let lenses = client.document("textDocument/codeLens", "main.gate", no_extra());
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles[0], "▶ tests: 1 passed, 1 failed");
    assert!(titles[1].starts_with("✓ passed · decision block"));
    assert!(titles[2].starts_with("✗ failed"));
    insta::assert_snapshot!("code_lens", pretty(&lenses));
    // The lens's command runs the tests and says how they went.
    let uri = client.uri("main.gate").to_string();
    client.request_raw(
        "workspace/executeCommand",
        json!({ "command": "tollgate.runTests", "arguments": [uri] }),
    );
    let shown = client.take("window/showMessage");
    assert!(shown[0]["message"]
        .as_str()
        .unwrap()
        .contains("regression blocks: ✓ passed"));
}

#[test]
fn a_syntax_error_in_one_rule_leaves_the_others_working() {
    let broken = MAIN.replace(
        "warn when any(over_refusal where regression > 2%)",
        "warn when any(over_refusal where regression >",
    );
    let mut client = Client::start(&[
        ("common.gate", COMMON),
        ("allowed_signers", SIGNERS),
        ("main.gate", &broken),
    ]);
    client.open("main.gate");
    let published = client.diagnostics("main.gate");
    assert_eq!(published[0]["code"], "tollgate::syntax");
    let hover = client.at(
        "textDocument/hover",
        "main.gate",
        "regression(",
        2,
        no_extra(),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("regression(m) → number"));
    let definition = client.at(
        "textDocument/definition",
        "main.gate",
        "(sycophancy)",
        1,
        no_extra(),
    );
    assert_eq!(definition[0]["uri"], "file:///TMP/common.gate");
    let symbols = client.document("textDocument/documentSymbol", "main.gate", no_extra());
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"syco") && !names.contains(&"refusals"),
        "{names:?}"
    );
    insta::assert_snapshot!(
        "tolerance",
        transcript(&[("diagnostics", published), ("symbols", symbols)])
    );
}

#[test]
fn typing_is_checked_after_a_pause() {
    let mut client = demo();
    assert_eq!(client.diagnostics("main.gate"), json!([]));
    let text = client.edit("main.gate", MAIN, "> limit", "> limt");
    let typo = client.diagnostics("main.gate");
    assert_eq!(typo[0]["code"], "tollgate::unknown_name");
    client.edit("main.gate", &text, "> limt", "> limit");
    assert_eq!(client.diagnostics("main.gate"), json!([]));
}

/// The editor's highlighting knows every built-in function the language has: the TextMate
/// grammar's function names are exactly those of `FUNCTIONS`.
#[test]
fn the_textmate_grammar_names_every_function() {
    let grammar: Value = serde_json::from_str(
        &std::fs::read_to_string("editors/vscode/syntaxes/gate.tmLanguage.json").unwrap(),
    )
    .unwrap();
    let pattern = grammar["repository"]["expression"]["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "support.function.builtin.gate")
        .unwrap()["match"]
        .as_str()
        .unwrap()
        .to_owned();
    let inner = pattern
        .split_once("\\b(")
        .unwrap()
        .1
        .split_once(")(?=")
        .unwrap()
        .0;
    let mut in_grammar: Vec<&str> = inner.split('|').collect();
    let mut in_table: Vec<&str> = tollgate::builtins::FUNCTIONS
        .iter()
        .map(|f| f.name)
        .collect();
    in_grammar.sort_unstable();
    in_table.sort_unstable();
    assert_eq!(in_grammar, in_table);
}
