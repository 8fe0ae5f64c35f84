//! Running the `test` blocks of policy files (LANGUAGE.md section 7) and rule coverage.

mod discover;
mod run;
mod suite;

pub use discover::{discover, is_fragment, Found};
pub use run::{run_policy, Coverage, Expectation, FileReport, TestResult};
pub use suite::{run, Suite};
