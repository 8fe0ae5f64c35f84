//! Renderers: an [`crate::outcome::Evaluation`] or diagnostics → text for one audience.
//!
//! - [`html`]: the launch report as one self-contained page, with a forest plot.
//! - [`human`]: the terminal and CI log report; [`explain`] adds each clause's values.
//! - [`json`]: the machine-readable evaluation (CLI.md); decision records build on it.
//! - [`markdown`]: the launch report for release managers (and GitHub step summaries).
//! - [`junit`]: one test case per rule, for CI test reports.
//! - [`github`]: GitHub Actions workflow commands (annotations on the policy lines).
//! - [`sarif`]: `check` diagnostics for code-scanning tools.
//! - [`diagnostics`]: miette rendering of errors and lints.

pub mod context;
pub mod diagnostics;
pub mod explain;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
