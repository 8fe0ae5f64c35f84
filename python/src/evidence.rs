//! `tollgate.Evidence`: a loaded bundle, read by the CLI's own loader.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use tollgate::evidence::{self, Options};
use tollgate::Bundle;

use crate::convert;
use crate::errors::{evidence_error, unlocked};

#[pyclass(frozen, module = "tollgate")]
pub struct Evidence {
    inner: Arc<Bundle>,
}

impl Evidence {
    pub fn bundle(&self) -> &Arc<Bundle> {
        &self.inner
    }

    fn load_specs(
        py: Python<'_>,
        specs: &Bound<'_, PyAny>,
        baseline: Option<&Bound<'_, PyAny>>,
        allow_incomplete: bool,
        cluster_by: Option<String>,
    ) -> PyResult<Evidence> {
        let specs = convert::paths(specs)?;
        let baseline = convert::optional_paths(baseline)?;
        let options = Options {
            allow_incomplete,
            cluster_by,
        };
        let loaded = unlocked(py, || evidence::load_specs(&specs, &baseline, &options))?;
        let bundle = loaded.map_err(|d| evidence_error(py, &d.0))?;
        Ok(Evidence {
            inner: Arc::new(bundle),
        })
    }
}

#[pymethods]
impl Evidence {
    /// Read and merge evidence as `--evidence` and `--baseline` do: `[PREFIX=][FORMAT:]PATH`;
    /// `cluster_by` is `--cluster-by` (the Inspect metadata field that clusters items).
    #[staticmethod]
    #[pyo3(signature = (specs, baseline = None, allow_incomplete = false, cluster_by = None))]
    fn load(
        py: Python<'_>,
        specs: &Bound<'_, PyAny>,
        baseline: Option<&Bound<'_, PyAny>>,
        allow_incomplete: bool,
        cluster_by: Option<String>,
    ) -> PyResult<Evidence> {
        Evidence::load_specs(py, specs, baseline, allow_incomplete, cluster_by)
    }

    /// A native bundle built in Python (the shape of EVIDENCE.md). It is written as indented
    /// JSON and read by the same validating reader, so errors name lines of that text;
    /// `datetime` and `date` values are written in ISO 8601.
    #[staticmethod]
    #[pyo3(signature = (obj, name = "<dict>"))]
    fn from_dict(py: Python<'_>, obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Evidence> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("indent", 2)?;
        kwargs.set_item(
            "default",
            py.import("tollgate._support")?.getattr("json_default")?,
        )?;
        let text: String = py
            .import("json")?
            .call_method("dumps", (obj,), Some(&kwargs))?
            .extract()?;
        let name = name.to_string();
        let parsed = unlocked(py, move || {
            evidence::parse_str(&name, &text, evidence::Format::Json)
        })?;
        let bundle = parsed.map_err(|d| evidence_error(py, &d.0))?;
        Ok(Evidence {
            inner: Arc::new(bundle),
        })
    }

    #[getter]
    fn candidate(&self) -> Option<&str> {
        self.inner.candidate.as_deref()
    }

    #[getter]
    fn baseline(&self) -> Option<&str> {
        self.inner.baseline.as_deref()
    }

    #[getter]
    fn stage(&self) -> Option<&str> {
        self.inner.stage.as_deref()
    }

    /// The bundle's `as_of` (RFC 3339), if it has one.
    #[getter]
    fn as_of(&self) -> Option<String> {
        self.inner.as_of.as_ref().map(convert::instant)
    }

    /// The metric keys, in the order read.
    #[getter]
    fn metrics(&self) -> Vec<String> {
        self.inner.metrics.keys().cloned().collect()
    }

    /// The files read, in the order given.
    #[getter]
    fn files(&self) -> Vec<String> {
        self.inner.files.iter().map(|f| f.path.clone()).collect()
    }

    /// What loading noticed without rejecting the evidence.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings.clone()
    }

    /// The bundle in the native format, as `tollgate import` writes it.
    fn to_json(&self) -> String {
        evidence::to_native_json(&self.inner)
    }

    /// The native bundle as Python objects.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::json_value(py, &self.to_json())
    }

    fn __repr__(&self) -> String {
        format!(
            "<Evidence {} metrics from {} files>",
            self.inner.metrics.len(),
            self.inner.files.len()
        )
    }
}

/// `tollgate import`: read evidence and baselines and return the one native bundle.
#[pyfunction]
#[pyo3(signature = (specs, baseline = None, allow_incomplete = false, cluster_by = None))]
pub fn import_evidence(
    py: Python<'_>,
    specs: &Bound<'_, PyAny>,
    baseline: Option<&Bound<'_, PyAny>>,
    allow_incomplete: bool,
    cluster_by: Option<String>,
) -> PyResult<Py<PyAny>> {
    Evidence::load_specs(py, specs, baseline, allow_incomplete, cluster_by)?.to_dict(py)
}
