//! Python arguments into library values, and library values into the `tollgate` string enums.

use chrono::{DateTime, Utc};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::PyString;

/// A path as `os.fspath` gives it (a `str` or an `os.PathLike`), as text.
pub fn path(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let os = obj.py().import("os")?;
    os.call_method1("fspath", (obj,))?
        .extract::<String>()
        .map_err(|_| PyTypeError::new_err("paths must be str or os.PathLike[str], not bytes"))
}

/// One path or spec, or an iterable of them.
pub fn paths(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
        return Ok(vec![path(obj)?]);
    }
    obj.try_iter()
        .map_err(|_| PyTypeError::new_err("expected a path or a list of paths"))?
        .map(|item| path(&item?))
        .collect()
}

/// `paths` for an optional argument.
pub fn optional_paths(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
    match obj {
        Some(obj) if !obj.is_none() => paths(obj),
        _ => Ok(Vec::new()),
    }
}

/// `now=`: `None`, a string (RFC 3339 or a date), or a timezone-aware `datetime` or a `date`.
pub fn now(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DateTime<Utc>>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let text: String = if let Ok(text) = obj.extract::<String>() {
        text
    } else if obj.hasattr("isoformat")? {
        obj.call_method0("isoformat")?.extract()?
    } else {
        return Err(PyTypeError::new_err(
            "now must be a str, a datetime or a date",
        ));
    };
    tollgate::evidence::parse_instant(&text)
        .map(Some)
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "now={text:?} is not a date-time with a UTC offset: write it like \
                 2025-04-25T12:00:00Z or 2025-04-25, or pass a timezone-aware datetime"
            ))
        })
}

/// An instant as the JSON report writes it.
pub fn instant(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The member of `tollgate._support.<class>` whose value is `value`.
fn member(
    py: Python<'_>,
    cell: &'static GILOnceCell<Py<PyAny>>,
    class: &str,
    value: &str,
) -> PyResult<Py<PyAny>> {
    let cls = cell.get_or_try_init(py, || {
        py.import("tollgate._support")?
            .getattr(class)
            .map(Bound::unbind)
    })?;
    cls.bind(py).call1((value,)).map(Bound::unbind)
}

pub fn decision(py: Python<'_>, o: tollgate::Outcome) -> PyResult<Py<PyAny>> {
    static CLASS: GILOnceCell<Py<PyAny>> = GILOnceCell::new();
    member(py, &CLASS, "Decision", o.as_str())
}

pub fn status(py: Python<'_>, s: tollgate::Status) -> PyResult<Py<PyAny>> {
    static CLASS: GILOnceCell<Py<PyAny>> = GILOnceCell::new();
    member(py, &CLASS, "Status", s.as_str())
}

pub fn verdict(py: Python<'_>, v: tollgate::diff::Verdict) -> PyResult<Py<PyAny>> {
    static CLASS: GILOnceCell<Py<PyAny>> = GILOnceCell::new();
    member(py, &CLASS, "Verdict", v.as_str())
}

/// A JSON document as Python objects (`json.loads`): the reports' own JSON is the one
/// description of their dict form.
pub fn json_value(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    py.import("json")?
        .call_method1("loads", (text,))
        .map(Bound::unbind)
}
