//! Errors as Python sees them: every diagnostic of a failure, and panics as bugs.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::PyTypeInfo;
use tollgate::diagnostic::Diagnostic as RustDiagnostic;
use tollgate::render;

create_exception!(
    tollgate,
    TollgateError,
    PyException,
    "Base of the errors Tollgate raises. `diagnostics` lists every problem found."
);
create_exception!(
    tollgate,
    PolicyError,
    TollgateError,
    "A policy could not be read, resolved, checked or compiled (or has no rules)."
);
create_exception!(
    tollgate,
    EvidenceError,
    TollgateError,
    "Evidence could not be read: a missing file, a bad spec, a bundle that breaks the schema."
);
create_exception!(
    tollgate,
    InternalError,
    TollgateError,
    "A bug in Tollgate (a Rust panic); please report it with the input that caused it."
);

/// One problem: its stable code, where it is, what to do, and the rendered report.
#[pyclass(frozen, module = "tollgate")]
pub struct Diagnostic {
    #[pyo3(get)]
    code: &'static str,
    /// `error` or `warning`.
    #[pyo3(get)]
    level: &'static str,
    #[pyo3(get)]
    message: String,
    #[pyo3(get)]
    file: Option<String>,
    #[pyo3(get)]
    line: Option<usize>,
    #[pyo3(get)]
    column: Option<usize>,
    #[pyo3(get)]
    help: Option<String>,
    /// The report as `tollgate` prints it (source line, labels, help), without colour.
    #[pyo3(get)]
    rendered: String,
}

impl Diagnostic {
    pub fn of(d: &RustDiagnostic) -> Diagnostic {
        let location = d.location.as_ref();
        Diagnostic {
            code: d.code.as_str(),
            level: if d.is_error() { "error" } else { "warning" },
            message: d.message.clone(),
            file: location.map(|l| l.file.clone()),
            line: location.map(|l| l.line),
            column: location.map(|l| l.column),
            help: d.help.clone(),
            rendered: render::diagnostics::render(d, false),
        }
    }

    pub fn all(diags: &[RustDiagnostic]) -> Vec<Diagnostic> {
        diags.iter().map(Diagnostic::of).collect()
    }
}

#[pymethods]
impl Diagnostic {
    fn __repr__(&self) -> String {
        let place = match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!(" at {f}:{l}:{c}"),
            _ => String::new(),
        };
        format!(
            "<Diagnostic {} {}{place}: {}>",
            self.level, self.code, self.message
        )
    }

    fn __str__(&self) -> String {
        self.rendered.clone()
    }
}

pub fn policy_error(py: Python<'_>, diags: &[RustDiagnostic]) -> PyErr {
    with_diagnostics::<PolicyError>(py, diags)
}

pub fn evidence_error(py: Python<'_>, diags: &[RustDiagnostic]) -> PyErr {
    with_diagnostics::<EvidenceError>(py, diags)
}

/// An exception of type `E` whose text is every diagnostic rendered, and whose
/// `diagnostics` attribute lists them.
fn with_diagnostics<E: PyTypeInfo>(py: Python<'_>, diags: &[RustDiagnostic]) -> PyErr {
    let text = render::diagnostics::render_all(diags, false);
    let err = PyErr::new::<E, _>(text.trim_end().to_string());
    match err.value(py).setattr("diagnostics", Diagnostic::all(diags)) {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// Run `f` with the GIL released; a panic in it becomes `InternalError`.
pub fn unlocked<T: Send>(py: Python<'_>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    py.allow_threads(|| catch_unwind(AssertUnwindSafe(f)))
        .map_err(|payload| bug(py, payload.as_ref()))
}

/// Run `f` holding the GIL; a panic in it becomes `InternalError` (for renderers, which
/// need no release: they are called once per report).
pub fn guarded<T>(py: Python<'_>, f: impl FnOnce() -> T) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| bug(py, payload.as_ref()))
}

fn bug(py: Python<'_>, payload: &(dyn Any + Send)) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string());
    let err = InternalError::new_err(format!(
        "internal error in tollgate: {what}; this is a bug, please report it with the input \
         that caused it"
    ));
    match err
        .value(py)
        .setattr("diagnostics", Vec::<Diagnostic>::new())
    {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// Panics inside the guarded section, so the test suite can check that a panic arrives as
/// `InternalError`. Not part of the API.
#[pyfunction]
#[allow(clippy::panic, reason = "the panic is what the test suite checks")]
pub fn _panic_for_tests(py: Python<'_>) -> PyResult<()> {
    unlocked(py, || std::panic::panic_any("requested by the test suite"))
}
