//! `tollgate.Evaluation` and its parts. The Rust evaluation is kept as it is; Python objects
//! are made when a property is read (rules once, on first access).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use tollgate::eval::explain::{self, RuleExplanation};
use tollgate::{render, Bundle};

use crate::convert;
use crate::errors::guarded;

#[pyclass(frozen, module = "tollgate")]
pub struct Evaluation {
    policy: Arc<tollgate::Policy>,
    bundle: Arc<Bundle>,
    result: tollgate::Evaluation,
    /// Present when `explain=True` was asked for.
    explained: Option<Vec<RuleExplanation>>,
    rules: GILOnceCell<Vec<Py<RuleResult>>>,
}

impl Evaluation {
    pub fn new(
        policy: Arc<tollgate::Policy>,
        bundle: Arc<Bundle>,
        result: tollgate::Evaluation,
        explained: Option<Vec<RuleExplanation>>,
    ) -> Evaluation {
        Evaluation {
            policy,
            bundle,
            result,
            explained,
            rules: GILOnceCell::new(),
        }
    }

    fn rule_objects(&self, py: Python<'_>) -> PyResult<&Vec<Py<RuleResult>>> {
        self.rules.get_or_try_init(py, || {
            self.result
                .rules
                .iter()
                .map(|r| Py::new(py, RuleResult { inner: r.clone() }))
                .collect()
        })
    }

    /// The explanations the reports quote: those asked for, else computed now.
    fn explanations(&self) -> std::borrow::Cow<'_, [RuleExplanation]> {
        match &self.explained {
            Some(x) => std::borrow::Cow::Borrowed(x.as_slice()),
            None => std::borrow::Cow::Owned(explain::explain(
                &self.policy,
                &self.bundle,
                self.result.now,
            )),
        }
    }
}

#[pymethods]
impl Evaluation {
    /// `pass`, `warn`, `review` or `block` (a `tollgate.Decision`).
    #[getter]
    fn decision(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::decision(py, self.result.decision)
    }

    /// Every rule's result, in source order.
    #[getter]
    fn rules(&self, py: Python<'_>) -> PyResult<Vec<Py<RuleResult>>> {
        Ok(self
            .rule_objects(py)?
            .iter()
            .map(|r| r.clone_ref(py))
            .collect())
    }

    /// The result of the rule with this id, or None.
    fn rule(&self, py: Python<'_>, id: &str) -> PyResult<Option<Py<RuleResult>>> {
        let Some(index) = self.result.rules.iter().position(|r| r.id == id) else {
            return Ok(None);
        };
        Ok(self.rule_objects(py)?.get(index).map(|r| r.clone_ref(py)))
    }

    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.result.warnings.clone()
    }

    #[getter]
    fn candidate(&self) -> Option<&str> {
        self.result.candidate.as_deref()
    }

    #[getter]
    fn baseline(&self) -> Option<&str> {
        self.result.baseline.as_deref()
    }

    /// The instant evaluated at (RFC 3339).
    #[getter]
    fn now(&self) -> String {
        convert::instant(&self.result.now.value)
    }

    /// The JSON report of `tollgate eval --format json` (with `--explain` when asked for).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || match &self.explained {
            Some(x) => render::explain::render_json(&self.result, x),
            None => render::json::render(&self.result),
        })
    }

    /// The JSON report as Python objects.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::json_value(py, &self.to_json(py)?)
    }

    /// The markdown launch report of `tollgate eval --format markdown`.
    fn to_markdown(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || {
            render::markdown::render(
                &self.result,
                &self.policy,
                &self.explanations(),
                self.explained.is_some(),
            )
        })
    }

    /// The self-contained HTML launch report of `tollgate eval --format html`.
    fn to_html(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || {
            render::html::render(
                &self.result,
                &self.policy,
                &self.bundle,
                &self.explanations(),
            )
        })
    }

    /// The report of `tollgate eval` for a terminal or a CI log, without colour.
    fn to_text(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || {
            render::human::render(&self.result, &self.explanations(), false)
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<Evaluation {} of {:?}: {} rules>",
            self.result.decision.as_str(),
            self.result.policy.name,
            self.result.rules.len()
        )
    }
}

/// One rule's result.
#[pyclass(frozen, module = "tollgate")]
pub struct RuleResult {
    inner: tollgate::RuleResult,
}

#[pymethods]
impl RuleResult {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    #[getter]
    fn title(&self) -> Option<&str> {
        self.inner.title.as_deref()
    }

    /// The rule's outcome (`pass` for a passed or waived rule).
    #[getter]
    fn outcome(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::decision(py, self.inner.outcome)
    }

    #[getter]
    fn status(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::status(py, self.inner.status)
    }

    /// The rendered message, for rules that did not pass.
    #[getter]
    fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }

    /// Evidence keys that were unknown, in the order met.
    #[getter]
    fn missing(&self) -> Vec<String> {
        self.inner.missing.clone()
    }

    #[getter]
    fn waiver(&self) -> Option<Waiver> {
        self.inner.waiver.as_ref().map(|w| Waiver {
            role: w.role.clone(),
            by: w.by.clone(),
            reason: w.reason.clone(),
            expires: convert::instant(&w.expires),
            would_be: w.would_be,
        })
    }

    #[getter]
    fn location(&self) -> Location {
        Location {
            file: self.inner.location.file.clone(),
            line: self.inner.location.line,
            column: self.inner.location.column,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "<RuleResult {} {} ({})>",
            self.inner.id,
            self.inner.outcome.as_str(),
            self.inner.status.as_str()
        )
    }
}

/// The waiver that set a rule aside.
#[pyclass(frozen, module = "tollgate")]
pub struct Waiver {
    #[pyo3(get)]
    role: String,
    #[pyo3(get)]
    by: String,
    #[pyo3(get)]
    reason: String,
    /// RFC 3339.
    #[pyo3(get)]
    expires: String,
    would_be: tollgate::Outcome,
}

#[pymethods]
impl Waiver {
    /// What the rule would have been without the waiver.
    #[getter]
    fn would_be(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::decision(py, self.would_be)
    }

    fn __repr__(&self) -> String {
        format!(
            "<Waiver by {:?} ({}) until {}>",
            self.by, self.role, self.expires
        )
    }
}

/// Where a rule is declared.
#[pyclass(frozen, module = "tollgate")]
pub struct Location {
    #[pyo3(get)]
    file: String,
    #[pyo3(get)]
    line: usize,
    #[pyo3(get)]
    column: usize,
}

#[pymethods]
impl Location {
    fn __repr__(&self) -> String {
        format!("<Location {}:{}:{}>", self.file, self.line, self.column)
    }

    fn __str__(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}
