//! `tollgate test PATH…` as one call: find the policy files, run each one's tests, and say
//! when nothing was tested. The CLI and the Python package both run tests through [`run`].

use std::path::PathBuf;

use serde_json::json;

use crate::diagnostic::{Code, Diagnostic};
use crate::policy::Policy;

use super::{discover, is_fragment, run_policy, FileReport};

/// Every file's report, and the files that could not be loaded (their tests did not run).
#[derive(Debug, Clone)]
pub struct Suite {
    pub reports: Vec<FileReport>,
    /// Errors of policy files that failed to load, all of them.
    pub load_errors: Vec<Diagnostic>,
}

impl Suite {
    pub fn passed(&self) -> usize {
        self.tests().filter(|t| t.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.tests().filter(|t| !t.passed()).count()
    }

    /// A file could not be loaded, or a test could not run: the run says nothing either way.
    pub fn unusable(&self) -> bool {
        !self.load_errors.is_empty() || self.tests().any(|t| t.error.is_some())
    }

    /// The run as `tollgate test --format json` writes it (CLI.md).
    pub fn to_json(&self) -> serde_json::Value {
        let files: Vec<_> = self
            .reports
            .iter()
            .map(|r| {
                json!({
                    "file": r.file,
                    "tests": r.tests.iter().map(|t| json!({
                        "name": t.name,
                        "line": t.line,
                        "passed": t.passed(),
                        "failures": t.failures.iter().map(|f| json!({
                            "line": f.line,
                            "expected": f.expected,
                            "actual": f.actual,
                            "missing": f.missing,
                        })).collect::<Vec<_>>(),
                        "error": t.error.as_ref().map(|e| e.0.iter().map(|d| d.message.clone()).collect::<Vec<_>>()),
                    })).collect::<Vec<_>>(),
                    "coverage": {
                        "never_fired": r.coverage.never_fired(),
                        "never_passed": r.coverage.never_passed(),
                    },
                })
            })
            .collect();
        json!({ "files": files, "passed": self.passed(), "failed": self.failed() })
    }

    fn tests(&self) -> impl Iterator<Item = &super::TestResult> {
        self.reports.iter().flat_map(|r| &r.tests)
    }
}

/// Run the tests of the policy files named or found under `paths` (fragments found in
/// folders are skipped). Nothing tested is an error, not a success: a CI step pointed at
/// the wrong folder would otherwise stay green.
pub fn run(paths: &[PathBuf], filter: Option<&str>) -> Result<Suite, Diagnostic> {
    let mut suite = Suite {
        reports: Vec::new(),
        load_errors: Vec::new(),
    };
    for file in discover(paths)? {
        if !file.named && is_fragment(&file.path) {
            continue;
        }
        match Policy::load(&file.path) {
            Ok(policy) => suite.reports.push(run_policy(&policy, filter)),
            Err(diags) => suite.load_errors.extend(diags.0),
        }
    }
    let total: usize = suite.reports.iter().map(|r| r.tests.len()).sum();
    if total == 0 && suite.load_errors.is_empty() {
        let what = match filter {
            Some(f) => format!("no test name contains \"{f}\""),
            None => "no tests found".to_string(),
        };
        return Err(Diagnostic::error(Code::Test, what)
            .with_help("name policy files or folders that hold `test` blocks"));
    }
    Ok(suite)
}
