//! Code lenses: on the policy header, the file's tests summed up; on each `test` block,
//! whether it passes and the decision it got (Regal's "Evaluate" lens, for gates). Tests run
//! as `tollgate test` runs them, on the open documents' text.

use std::path::Path;

use lsp_types::{CodeLens, Command, Url};

use crate::policy::Policy;
use crate::syntax::ast;
use crate::testing::{self, TestResult};

use super::snapshot::{OpenFirst, Snapshot};

/// The command a lens carries; the server runs it (`workspace/executeCommand`) and reports
/// the tests' outcome as a message.
pub const RUN_TESTS: &str = "tollgate.runTests";

pub fn lenses(snap: &Snapshot, path: &Path, open: &super::snapshot::Open) -> Vec<CodeLens> {
    let Some(file) = snap.file_id(path).and_then(|id| snap.ast(id)) else {
        return Vec::new();
    };
    let Ok(uri) = Url::from_file_path(path) else {
        return Vec::new();
    };
    let header = file.items.iter().find_map(|item| match item {
        ast::Item::Policy(p) => Some(p),
        _ => None,
    });
    let tests: Vec<&ast::TestBlock> = file
        .items
        .iter()
        .filter_map(|item| match item {
            ast::Item::Test(t) => Some(t),
            _ => None,
        })
        .collect();
    if header.is_none() && tests.is_empty() {
        return Vec::new();
    }
    let results = run(path, open);
    let mut out = Vec::new();
    if let Some(header) = header {
        let title = match &results {
            Err(e) => format!("✗ {e}"),
            Ok(results) if results.is_empty() => "no tests".to_owned(),
            Ok(results) => {
                let passed = results.iter().filter(|r| r.passed()).count();
                format!(
                    "▶ tests: {passed} passed, {} failed",
                    results.len() - passed
                )
            }
        };
        out.push(lens(snap, header.name.span, title, &uri));
    }
    for test in tests {
        let line = snap.loaded.sources.line_col(test.span).0;
        let title = match &results {
            Err(_) => "✗ not run: the policy has errors".to_owned(),
            Ok(results) => match results.iter().find(|r| r.line == line) {
                Some(result) => describe(result),
                None => "not run".to_owned(),
            },
        };
        out.push(lens(snap, test.name.span, title, &uri));
    }
    out
}

/// Run the tests of the file at `path` (the open text first, then the disk).
pub fn run(path: &Path, open: &super::snapshot::Open) -> Result<Vec<TestResult>, String> {
    let policy = Policy::load_with(path, &OpenFirst(open)).map_err(|e| {
        let n = e.0.len();
        format!("the policy has {n} error{}", if n == 1 { "" } else { "s" })
    })?;
    Ok(testing::run_policy(&policy, None).tests)
}

/// One test's outcome in a line.
pub fn describe(result: &TestResult) -> String {
    if let Some(error) = &result.error {
        let first = error.0.first().map_or("error", |d| d.message.as_str());
        return format!("✗ error: {first}");
    }
    let decision = result
        .evaluation
        .as_ref()
        .map_or(String::new(), |e| format!(" · decision {}", e.decision));
    match result.failures.first() {
        None => format!("✓ passed{decision}"),
        Some(f) => format!("✗ failed: expected {}, got {}", f.expected, f.actual),
    }
}

fn lens(snap: &Snapshot, span: crate::span::Span, title: String, uri: &Url) -> CodeLens {
    CodeLens {
        range: snap.range(span),
        command: Some(Command {
            title,
            command: RUN_TESTS.to_owned(),
            arguments: Some(vec![serde_json::Value::String(uri.to_string())]),
        }),
        data: None,
    }
}
