//! Running one policy file's tests.

use std::path::Path;

use indexmap::IndexMap;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::evidence::{self, Bundle, Format, Options, Role};
use crate::levels::Outcome;
use crate::outcome::{Evaluation, Now, Status};
use crate::policy::Policy;
use crate::syntax::ast::{self, RuleExpectation, TestStmt};

/// One expectation that did not hold, with what happened instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub expected: String,
    pub actual: String,
    /// The missing evidence that explains the actual result, if any.
    pub missing: Vec<String>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct TestResult {
    pub name: String,
    pub line: usize,
    /// Expectations that failed; empty when the test passed.
    pub failures: Vec<Expectation>,
    /// Evidence that could not be used: the test could not run.
    pub error: Option<Diagnostics>,
    pub evaluation: Option<Evaluation>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.error.is_none()
    }
}

/// Which rules the tests of a file exercised, for `--coverage`.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// Rule id → (seen fire, seen pass), in source order.
    pub rules: IndexMap<String, (bool, bool)>,
}

impl Coverage {
    pub fn never_fired(&self) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|(_, (fired, _))| !fired)
            .map(|(id, _)| id.as_str())
            .collect()
    }

    pub fn never_passed(&self) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|(_, (_, passed))| !passed)
            .map(|(id, _)| id.as_str())
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct FileReport {
    pub file: String,
    pub tests: Vec<TestResult>,
    pub coverage: Coverage,
}

/// Run the tests of the entry file of `policy` (tests of imported files belong to those
/// files and run when they are tested themselves). `filter` keeps tests whose name
/// contains it.
pub fn run_policy(policy: &Policy, filter: Option<&str>) -> FileReport {
    let entry = policy.sources().get(crate::span::FileId(0));
    let dir = entry
        .path
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .to_path_buf();
    let mut coverage = Coverage::default();
    for rule in &policy.program().rules {
        coverage.rules.insert(rule.id.clone(), (false, false));
    }
    let mut tests = Vec::new();
    let tests_in_entry = policy
        .files()
        .first()
        .map(|(_, f)| f.items.as_slice())
        .unwrap_or(&[]);
    for item in tests_in_entry {
        let ast::Item::Test(test) = item else {
            continue;
        };
        if filter.is_some_and(|f| !test.name.value.contains(f)) {
            continue;
        }
        let line = policy.sources().line_col(test.span).0;
        let result = run_test(policy, test, &dir, line);
        if let Some(e) = &result.evaluation {
            for r in &e.rules {
                if let Some(seen) = coverage.rules.get_mut(&r.id) {
                    seen.0 |= r.status == Status::Fired;
                    seen.1 |= r.status == Status::Passed;
                }
            }
        }
        tests.push(result);
    }
    FileReport {
        file: entry.name.clone(),
        tests,
        coverage,
    }
}

fn run_test(policy: &Policy, test: &ast::TestBlock, dir: &Path, line: usize) -> TestResult {
    let mut result = TestResult {
        name: test.name.value.clone(),
        line,
        failures: Vec::new(),
        error: None,
        evaluation: None,
    };
    // A test the checker found broken is reported on its own; the file's other tests run.
    if let Some(errors) = policy.errors_of_test(test.span) {
        result.error = Some(Diagnostics(errors.to_vec()));
        return result;
    }
    let bundle = match test_bundle(test, dir) {
        Ok(b) => b,
        Err(e) => {
            result.error = Some(e);
            return result;
        }
    };
    let now = test.body.iter().find_map(|s| match s {
        TestStmt::Now { time, .. } => evidence::parse_instant(&time.value),
        _ => None,
    });
    let evaluation = policy.evaluate(&bundle, Now::resolve(now, bundle.as_of));
    for stmt in &test.body {
        let line = policy.sources().line_col(stmt.span()).0;
        if let Some(failure) = check_expectation(stmt, &evaluation, line) {
            result.failures.push(failure);
        }
    }
    result.evaluation = Some(evaluation);
    result
}

/// Evidence files (relative to the test's file; harness outputs too, with the command line's
/// `[PREFIX=][FORMAT:]PATH`) and inline JSON, merged in the order written.
fn test_bundle(test: &ast::TestBlock, dir: &Path) -> Result<Bundle, Diagnostics> {
    let mut parts = Vec::new();
    for stmt in &test.body {
        match stmt {
            TestStmt::EvidenceFile { path, .. } => {
                // `[PREFIX=][FORMAT:]PATH`, as on the command line, relative to the file.
                let input = evidence::Input::parse(&path.value, Role::Evidence, dir)
                    .map_err(Diagnostics::one)?;
                parts.push(evidence::load_inputs(&[input], &Options::default())?);
            }
            TestStmt::EvidenceInline { json, .. } => {
                let name = format!("inline evidence of test \"{}\"", test.name.value);
                parts.push(evidence::parse_str(&name, json, Format::Json)?);
            }
            _ => {}
        }
    }
    if parts.is_empty() {
        return Err(Diagnostics::one(
            Diagnostic::error(
                Code::Test,
                format!("test \"{}\" has no evidence", test.name.value),
            )
            .with_help("add `evidence \"path/to/evidence.json\"` or inline `evidence { … }`"),
        ));
    }
    evidence::merge(parts)
}

fn check_expectation(stmt: &TestStmt, e: &Evaluation, line: usize) -> Option<Expectation> {
    match stmt {
        TestStmt::ExpectDecision { outcome, .. } => {
            if e.decision == *outcome {
                return None;
            }
            let reasons: Vec<String> = e
                .rules
                .iter()
                .filter(|r| r.outcome == e.decision && e.decision > Outcome::Pass)
                .map(|r| format!("{} {}", r.id, r.status.as_str()))
                .collect();
            let actual = if reasons.is_empty() {
                e.decision.to_string()
            } else {
                format!("{} ({})", e.decision, reasons.join(", "))
            };
            Some(Expectation {
                expected: format!("decision {outcome}"),
                actual: format!("decision {actual}"),
                missing: e
                    .rules
                    .iter()
                    .filter(|r| r.status == Status::Missing)
                    .flat_map(|r| r.missing.iter().cloned())
                    .collect(),
                line,
            })
        }
        TestStmt::ExpectRule {
            expectation, rule, ..
        } => {
            let r = e.rule(&rule.name)?;
            let holds = match expectation {
                RuleExpectation::Fired => r.status == Status::Fired,
                RuleExpectation::Missing => r.status == Status::Missing,
                RuleExpectation::Waived => r.status == Status::Waived,
                RuleExpectation::Passed => r.status == Status::Passed,
                RuleExpectation::NotFired => r.status != Status::Fired,
            };
            if holds {
                return None;
            }
            Some(Expectation {
                expected: format!("{} {}", rule.name, expectation.as_str()),
                actual: format!(
                    "{} {} (outcome {})",
                    rule.name,
                    r.status.as_str(),
                    r.outcome
                ),
                missing: r.missing.clone(),
                line,
            })
        }
        _ => None,
    }
}
