//! `tollgate._native`: the Rust side of the `tollgate` Python package. Every call goes to the
//! library the CLI uses (no second implementation); the pure-Python `tollgate` package
//! re-exports these names and adds the string enums.
//!
//! Conventions of every entry point here:
//! - the work runs with the GIL released ([`errors::unlocked`]), so threads evaluate in
//!   parallel, and a Rust panic there becomes `tollgate.InternalError` saying it is a bug;
//! - results are Rust values behind frozen pyclasses, converted to Python objects only when a
//!   property is read (an evaluation's rules are built once, on first access).

mod convert;
mod errors;
mod evaluation;
mod evidence;
mod policy;
mod tools;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("TollgateError", py.get_type::<errors::TollgateError>())?;
    m.add("PolicyError", py.get_type::<errors::PolicyError>())?;
    m.add("EvidenceError", py.get_type::<errors::EvidenceError>())?;
    m.add("InternalError", py.get_type::<errors::InternalError>())?;
    m.add_class::<errors::Diagnostic>()?;
    m.add_class::<policy::Policy>()?;
    m.add_class::<evidence::Evidence>()?;
    m.add_class::<evaluation::Evaluation>()?;
    m.add_class::<evaluation::RuleResult>()?;
    m.add_class::<evaluation::Waiver>()?;
    m.add_class::<evaluation::Location>()?;
    m.add_class::<tools::CheckReport>()?;
    m.add_class::<tools::FileCheck>()?;
    m.add_class::<tools::TestReport>()?;
    m.add_class::<tools::Diff>()?;
    m.add_function(wrap_pyfunction!(evidence::import_evidence, m)?)?;
    m.add_function(wrap_pyfunction!(tools::check, m)?)?;
    m.add_function(wrap_pyfunction!(tools::test, m)?)?;
    m.add_function(wrap_pyfunction!(tools::diff, m)?)?;
    m.add_function(wrap_pyfunction!(errors::_panic_for_tests, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
