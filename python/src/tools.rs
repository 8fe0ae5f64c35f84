//! `tollgate.check`, `tollgate.test` and `tollgate.diff`: the library calls the CLI commands
//! make, with their reports as Python objects.

use std::path::PathBuf;

use pyo3::prelude::*;
use tollgate::diff::{self as lib_diff, FailOn, Failure};
use tollgate::policy::check_file;
use tollgate::testing;

use crate::convert;
use crate::errors::{evidence_error, guarded, policy_error, unlocked, Diagnostic};

/// What `tollgate check` found in one file.
#[pyclass(frozen, module = "tollgate")]
pub struct FileCheck {
    #[pyo3(get)]
    path: String,
    /// No error (lints may remain).
    #[pyo3(get)]
    ok: bool,
    diagnostics: Vec<tollgate::Diagnostic>,
}

#[pymethods]
impl FileCheck {
    /// Errors first, then lints.
    #[getter]
    fn diagnostics(&self) -> Vec<Diagnostic> {
        Diagnostic::all(&self.diagnostics)
    }

    fn __repr__(&self) -> String {
        format!(
            "<FileCheck {} {}: {} diagnostics>",
            self.path,
            if self.ok { "ok" } else { "failed" },
            self.diagnostics.len()
        )
    }
}

/// Every file's check.
#[pyclass(frozen, module = "tollgate")]
pub struct CheckReport {
    #[pyo3(get)]
    files: Vec<Py<FileCheck>>,
}

#[pymethods]
impl CheckReport {
    /// Every file is free of errors.
    #[getter]
    fn ok(&self, py: Python<'_>) -> bool {
        self.files.iter().all(|f| f.bind(py).get().ok)
    }

    fn __bool__(&self, py: Python<'_>) -> bool {
        self.ok(py)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "<CheckReport {} files, {}>",
            self.files.len(),
            if self.ok(py) { "ok" } else { "failed" }
        )
    }
}

/// Parse, resolve, type-check and lint policy files, as `tollgate check` does. Problems are
/// reported, not raised.
#[pyfunction]
pub fn check(py: Python<'_>, paths: &Bound<'_, PyAny>) -> PyResult<CheckReport> {
    let paths = convert::paths(paths)?;
    let checks = unlocked(py, || {
        paths
            .iter()
            .map(|p| (p.clone(), check_file(std::path::Path::new(p))))
            .collect::<Vec<_>>()
    })?;
    let files = checks
        .into_iter()
        .map(|(path, c)| {
            Py::new(
                py,
                FileCheck {
                    path,
                    ok: c.ok,
                    diagnostics: c.diagnostics,
                },
            )
        })
        .collect::<PyResult<_>>()?;
    Ok(CheckReport { files })
}

/// The tests of policy files, as `tollgate test` runs them.
#[pyclass(frozen, module = "tollgate")]
pub struct TestReport {
    #[pyo3(get)]
    passed: usize,
    #[pyo3(get)]
    failed: usize,
    /// No test failed, and every test could run.
    #[pyo3(get)]
    ok: bool,
    json: String,
}

#[pymethods]
impl TestReport {
    /// Per file: its tests (name, line, passed, failures, error) and coverage, as
    /// `tollgate test --format json` writes them.
    #[getter]
    fn files(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::json_value(py, &self.json)?
            .bind(py)
            .get_item("files")
            .map(Bound::unbind)
    }

    /// The report of `tollgate test --format json`.
    fn to_json(&self) -> String {
        self.json.clone()
    }

    fn __bool__(&self) -> bool {
        self.ok
    }

    fn __repr__(&self) -> String {
        format!(
            "<TestReport {} passed, {} failed>",
            self.passed, self.failed
        )
    }
}

/// Run the `test` blocks of policy files (folders are searched for `*.gate`). Raises
/// `PolicyError` when a file cannot be loaded or no test is found.
#[pyfunction]
#[pyo3(signature = (paths, filter = None))]
pub fn test(
    py: Python<'_>,
    paths: &Bound<'_, PyAny>,
    filter: Option<String>,
) -> PyResult<TestReport> {
    let paths: Vec<PathBuf> = convert::paths(paths)?
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let run = unlocked(py, || testing::run(&paths, filter.as_deref()))?;
    let suite = run.map_err(|d| policy_error(py, &[d]))?;
    if !suite.load_errors.is_empty() {
        return Err(policy_error(py, &suite.load_errors));
    }
    let json = serde_json::to_string_pretty(&suite.to_json()).unwrap_or_default();
    Ok(TestReport {
        passed: suite.passed(),
        failed: suite.failed(),
        ok: !suite.unusable() && suite.failed() == 0,
        json,
    })
}

/// What a policy change does to launch decisions.
#[pyclass(frozen, module = "tollgate")]
pub struct Diff {
    report: lib_diff::Report,
    test_errors: Vec<tollgate::Diagnostic>,
}

#[pymethods]
impl Diff {
    /// The change as a whole (a `tollgate.Verdict`).
    #[getter]
    fn verdict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::verdict(py, self.report.verdict)
    }

    /// Every change, as in `tollgate diff --format json`.
    #[getter]
    fn changes(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.json_field(py, "changes")
    }

    /// The replayed bundles whose decision differs, as in `tollgate diff --format json`.
    #[getter]
    fn flips(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.json_field(py, "replay")
    }

    /// How many bundles were replayed; None without `replay`.
    #[getter]
    fn replayed(&self) -> Option<usize> {
        self.report.replay.as_ref().map(|r| r.bundles)
    }

    /// Things an auditor should look at that change no decision.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.report.warnings.clone()
    }

    /// Errors in either version's tests (tests decide nothing, so the diff stands).
    #[getter]
    fn test_errors(&self) -> Vec<Diagnostic> {
        Diagnostic::all(&self.test_errors)
    }

    /// Whether `tollgate diff --fail-on loosened|changed` would exit 1.
    fn fails(&self, on: &str) -> PyResult<bool> {
        let on = match on {
            "loosened" => FailOn::Loosened,
            "changed" => FailOn::Changed,
            _ => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "on={on:?}: expected \"loosened\" or \"changed\""
                )))
            }
        };
        Ok(self.report.fails(on))
    }

    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || lib_diff::render::json::render(&self.report))
    }

    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::json_value(py, &self.to_json(py)?)
    }

    fn to_markdown(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || lib_diff::render::markdown::render(&self.report))
    }

    fn to_html(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || lib_diff::render::html::render(&self.report))
    }

    fn to_text(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || lib_diff::render::human::render(&self.report, false))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Diff {} with {} changes>",
            self.report.verdict.as_str(),
            self.report.changes.len()
        )
    }
}

impl Diff {
    fn json_field(&self, py: Python<'_>, key: &str) -> PyResult<Py<PyAny>> {
        convert::json_value(py, &self.to_json(py)?)?
            .bind(py)
            .get_item(key)
            .map(Bound::unbind)
    }
}

/// Compare two versions of a policy (files, or `REV:path` read with git) and, with
/// `replay`, evaluate both on past bundles. Raises `PolicyError` when a version cannot be
/// loaded and `EvidenceError` when a replayed bundle cannot.
#[pyfunction]
#[pyo3(signature = (old, new, replay = None, now = None))]
pub fn diff(
    py: Python<'_>,
    old: &Bound<'_, PyAny>,
    new: &Bound<'_, PyAny>,
    replay: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<Diff> {
    let (old, new) = (convert::path(old)?, convert::path(new)?);
    let replay: Vec<PathBuf> = convert::optional_paths(replay)?
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let now = convert::now(now)?;
    let compared = unlocked(py, || lib_diff::run(&old, &new, &replay, now))?;
    match compared {
        Ok(c) => Ok(Diff {
            report: c.report,
            test_errors: c.test_errors,
        }),
        Err(Failure::Policies(d)) => Err(policy_error(py, &d.0)),
        Err(Failure::Replay(d)) => Err(evidence_error(py, &d.0)),
    }
}
