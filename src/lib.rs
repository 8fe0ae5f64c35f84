//! Tollgate: a declarative policy language that decides whether a model update may launch.
//!
//! The pipeline, one module per stage: source text → [`syntax`] (pest parse tree → typed AST
//! with spans) → [`check`] (imports, names, types; it resolves every name once, into a
//! [`check::Resolution`] that the compiler, `diff` and `--explain` read) → [`compile`] (an
//! index-based form with spans) → [`eval`] (one three-valued evaluator over a bound
//! [`evidence`] bundle, generic over what it records) → [`outcome`] → [`render`] (human, JSON,
//! …). The library never prints or exits; the `tollgate` binary is a thin layer over it.
//!
//! ```
//! use tollgate::{evidence, Now, Outcome, Policy, Status};
//!
//! let policy = Policy::from_source("gate.gate", r#"
//!     policy "demo" { version "1" }
//!     metric sycophancy from "behavior.sycophancy_rate" lower is better
//!     rule sycophancy_regression {
//!       block when regression(sycophancy) > 1%
//!     }
//! "#).unwrap();
//!
//! let bundle = evidence::parse_str("evidence.json", r#"{
//!     "metrics": { "behavior.sycophancy_rate": { "value": 0.12, "baseline": 0.09 } }
//! }"#, evidence::Format::Json).unwrap();
//!
//! let now = evidence::parse_instant("2025-04-25T12:00:00Z").unwrap();
//! let result = policy.evaluate(&bundle, Now::resolve(Some(now), bundle.as_of));
//! assert_eq!(result.decision, Outcome::Block);
//! assert_eq!(result.rule("sycophancy_regression").unwrap().status, Status::Fired);
//! ```

pub mod builtins;
pub mod check;
pub mod compile;
pub mod diagnostic;
pub mod diff;
mod digest;
pub mod eval;
pub mod evidence;
pub mod format;
mod glob;
mod index;
pub mod levels;
pub mod limits;
pub mod lsp;
pub mod outcome;
pub mod policy;
pub mod record;
pub mod render;
pub mod source;
pub mod span;
pub mod stats;
mod suggest;
pub mod syntax;
pub mod testing;
mod text;
pub mod trust;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use evidence::Bundle;
pub use levels::{Outcome, Severity};
pub use outcome::{Evaluation, Now, NowSource, RuleResult, Status};
pub use policy::Policy;
