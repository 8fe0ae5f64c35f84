//! `tollgate.Policy`: parsed, resolved, checked and compiled once; shared by threads.

use std::sync::Arc;

use pyo3::prelude::*;
use tollgate::Now;

use crate::convert;
use crate::errors::{policy_error, unlocked, Diagnostic};
use crate::evaluation::Evaluation;
use crate::evidence::Evidence;

#[pyclass(frozen, module = "tollgate")]
pub struct Policy {
    inner: Arc<tollgate::Policy>,
}

impl Policy {
    fn fit(
        py: Python<'_>,
        loaded: Result<tollgate::Policy, tollgate::Diagnostics>,
    ) -> PyResult<Policy> {
        let policy = loaded.map_err(|d| policy_error(py, &d.0))?;
        // A policy with no rules would pass everything: refuse it here, as `tollgate eval` does.
        if let Some(unfit) = policy.unfit_to_decide() {
            return Err(policy_error(py, &[unfit]));
        }
        Ok(Policy {
            inner: Arc::new(policy),
        })
    }
}

#[pymethods]
impl Policy {
    /// Load a policy file and its imports.
    #[staticmethod]
    fn load(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Policy> {
        let path = convert::path(path)?;
        let loaded = unlocked(py, move || tollgate::Policy::load(&path))?;
        Policy::fit(py, loaded)
    }

    /// Compile policy text; `name` is shown in diagnostics and imports are read relative to it.
    #[staticmethod]
    fn from_source(py: Python<'_>, name: &Bound<'_, PyAny>, text: String) -> PyResult<Policy> {
        let name = convert::path(name)?;
        let loaded = unlocked(py, move || tollgate::Policy::from_source(&name, text))?;
        Policy::fit(py, loaded)
    }

    #[getter]
    fn name(&self) -> &str {
        &self.inner.info().name
    }

    #[getter]
    fn version(&self) -> Option<&str> {
        self.inner.info().version.as_deref()
    }

    #[getter]
    fn owner(&self) -> Option<&str> {
        self.inner.info().owner.as_deref()
    }

    #[getter]
    fn path(&self) -> &str {
        &self.inner.info().path
    }

    #[getter]
    fn sha256(&self) -> &str {
        &self.inner.info().sha256
    }

    /// The rule ids, in evaluation order.
    #[getter]
    fn rules(&self) -> Vec<String> {
        self.inner
            .program()
            .rules
            .iter()
            .map(|r| r.id.clone())
            .collect()
    }

    /// Lints found while checking.
    #[getter]
    fn warnings(&self) -> Vec<Diagnostic> {
        Diagnostic::all(self.inner.warnings())
    }

    /// Decide on `evidence` at `now` (default: the bundle's `as_of`, else the clock).
    #[pyo3(signature = (evidence, now = None, explain = false))]
    fn evaluate(
        &self,
        py: Python<'_>,
        evidence: &Evidence,
        now: Option<&Bound<'_, PyAny>>,
        explain: bool,
    ) -> PyResult<Evaluation> {
        let option = convert::now(now)?;
        let policy = Arc::clone(&self.inner);
        let bundle = Arc::clone(evidence.bundle());
        let (result, explained) = unlocked(py, || {
            let at = Now::resolve(option, bundle.as_of);
            let result = policy.evaluate(&bundle, at);
            let explained = explain.then(|| tollgate::eval::explain::explain(&policy, &bundle, at));
            (result, explained)
        })?;
        Ok(Evaluation::new(policy, bundle, result, explained))
    }

    fn __repr__(&self) -> String {
        let info = self.inner.info();
        format!(
            "<Policy {:?} version {} ({})>",
            info.name,
            info.version.as_deref().unwrap_or("-"),
            info.path
        )
    }
}
