//! `--evidence` and `--baseline`, shared by the commands that read evidence:
//! `[PREFIX=][FORMAT:]PATH`, read by [`tollgate::evidence::load_specs`].

use tollgate::evidence::{self, Options};
use tollgate::Bundle;

use super::output::print_diagnostics;
use super::Exit;

#[derive(clap::Args)]
pub struct Inputs {
    /// Evidence about the candidate, merged in the order given. FORMAT is tollgate, lm-eval,
    /// inspect, promptfoo, helm or flags-csv (detected from the content when omitted);
    /// PREFIX= namespaces the file's metric keys (`offline=lm-eval:results.json` gives
    /// `offline.<task>.<metric>`).
    #[arg(
        long,
        required = true,
        num_args = 1..,
        action = clap::ArgAction::Append,
        value_name = "[PREFIX=][FORMAT:]PATH"
    )]
    pub evidence: Vec<String>,
    /// Results of the baseline, same syntax: each metric's baseline (and its stderr or
    /// interval) is the baseline file's metric of the same key.
    #[arg(
        long,
        num_args = 1..,
        action = clap::ArgAction::Append,
        value_name = "[PREFIX=][FORMAT:]PATH"
    )]
    pub baseline: Vec<String>,
    /// Use an Inspect log whose run did not finish (status other than success); the
    /// evaluation then carries a warning.
    #[arg(long)]
    pub allow_incomplete: bool,
}

impl Inputs {
    /// The bundle, or the exit status after printing why there is none.
    pub fn load(&self) -> Result<Bundle, Exit> {
        let options = Options {
            allow_incomplete: self.allow_incomplete,
        };
        evidence::load_specs(&self.evidence, &self.baseline, &options).map_err(|diags| {
            print_diagnostics(&diags.0);
            Exit::Unusable
        })
    }
}
