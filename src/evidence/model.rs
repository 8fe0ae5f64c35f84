//! A validated, merged evidence bundle: what is known about one candidate at one moment.

use chrono::{DateTime, Utc};
use indexmap::IndexMap;

use crate::levels::Severity;

/// A bundle after loading, validation and merging. Nothing in it needs checking again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bundle {
    pub candidate: Option<String>,
    pub baseline: Option<String>,
    pub stage: Option<String>,
    pub as_of: Option<DateTime<Utc>>,
    /// Keyed by the evidence key (`behavior.sycophancy_rate`), in the order read.
    pub metrics: IndexMap<String, Metric>,
    pub flags: Vec<Flag>,
    pub signoffs: Vec<Signoff>,
    pub waivers: Vec<Waiver>,
    /// The files the bundle was read from, in the order given.
    pub files: Vec<EvidenceFile>,
}

/// A file that contributed to a bundle, with the sha256 of its bytes for records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    pub path: String,
    pub sha256: String,
}

/// One measured metric. Every number is finite; `ci` ends are ordered and contain the value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metric {
    pub value: f64,
    pub baseline: Option<f64>,
    pub stderr: Option<f64>,
    pub baseline_stderr: Option<f64>,
    pub ci: Option<(f64, f64)>,
    pub baseline_ci: Option<(f64, f64)>,
    pub n: Option<u64>,
    /// Index into [`Bundle::files`] of the file this metric came from.
    pub file: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub id: Option<String>,
    pub source: String,
    pub author: Option<String>,
    pub category: String,
    pub severity: Severity,
    pub note: Option<String>,
    pub stage: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signoff {
    pub role: String,
    pub by: String,
    pub at: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    pub rule: String,
    pub role: String,
    pub by: String,
    pub reason: String,
    pub expires: DateTime<Utc>,
}
