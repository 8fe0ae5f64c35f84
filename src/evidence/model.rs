//! A validated, merged evidence bundle: what is known about one candidate at one moment.

use chrono::{DateTime, Utc};
use indexmap::IndexMap;

use crate::levels::Severity;
use crate::syntax::ast::Direction;

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
    /// What loading noticed without rejecting the evidence (a baseline metric with no
    /// candidate, an incomplete run kept on request, …). Evaluation reports them.
    pub warnings: Vec<String>,
}

/// A file that contributed to a bundle, with the sha256 of its bytes for records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceFile {
    pub path: String,
    pub sha256: String,
    /// The format the file was read as.
    pub format: InputFormat,
    /// Whether a harness format was told from the content (no `FORMAT:` was given). A
    /// native bundle is never said to be detected.
    pub detected: bool,
    /// The prefix given to every metric key of the file (`offline` for `offline=…`).
    pub prefix: Option<String>,
    /// Whether the file was given as evidence about the candidate or as a baseline.
    pub role: Role,
}

/// The formats evidence is read from: the native bundle and the outputs of eval harnesses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// The native bundle of EVIDENCE.md, JSON or YAML.
    #[default]
    Tollgate,
    /// lm-evaluation-harness results JSON.
    LmEval,
    /// Inspect AI eval log JSON (log versions 1 and 2).
    Inspect,
    /// promptfoo output JSON (`promptfoo eval -o`, `promptfoo export`).
    Promptfoo,
    /// HELM `stats.json` of one run.
    Helm,
    /// Qualitative flags in CSV with a header row.
    FlagsCsv,
}

impl InputFormat {
    pub const ALL: [InputFormat; 6] = [
        InputFormat::Tollgate,
        InputFormat::LmEval,
        InputFormat::Inspect,
        InputFormat::Promptfoo,
        InputFormat::Helm,
        InputFormat::FlagsCsv,
    ];

    /// The name used in `FORMAT:PATH` and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Tollgate => "tollgate",
            InputFormat::LmEval => "lm-eval",
            InputFormat::Inspect => "inspect",
            InputFormat::Promptfoo => "promptfoo",
            InputFormat::Helm => "helm",
            InputFormat::FlagsCsv => "flags-csv",
        }
    }

    pub fn parse(name: &str) -> Option<InputFormat> {
        InputFormat::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl std::fmt::Display for InputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a file says: measurements of the candidate, or of the baseline it is compared with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Role {
    #[default]
    Evidence,
    Baseline,
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
    /// Index into [`Bundle::files`] of the `--baseline` file its baseline came from, when
    /// it came from one.
    pub baseline_file: Option<usize>,
    /// The direction the file that measured it states (lm-eval's `higher_is_better`);
    /// `None` when it says nothing. The policy's direction is the one evaluation uses.
    pub direction: Option<Direction>,
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
