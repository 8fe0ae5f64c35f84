//! `--evidence` and `--baseline`, shared by the commands that read evidence:
//! `[PREFIX=][FORMAT:]PATH`, read by [`tollgate::evidence::Input::parse`].

use std::path::Path;

use tollgate::diagnostic::Diagnostic;
use tollgate::evidence::{self, Input, Options, Role};
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
    /// Take each Inspect sample's cluster (the items that share a context, for clustered
    /// standard errors) from this field of its metadata.
    #[arg(long, value_name = "FIELD")]
    pub cluster_by: Option<String>,
}

impl Inputs {
    /// Every input, parsed; all bad specs are reported together.
    pub fn parse(&self) -> Result<Vec<Input>, Vec<Diagnostic>> {
        let specs = self
            .evidence
            .iter()
            .map(|s| (s, Role::Evidence))
            .chain(self.baseline.iter().map(|s| (s, Role::Baseline)));
        let mut inputs = Vec::new();
        let mut errors = Vec::new();
        for (spec, role) in specs {
            match Input::parse(spec, role, Path::new("")) {
                Ok(input) => inputs.push(input),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(inputs)
        } else {
            Err(errors)
        }
    }

    /// The bundle, or the exit status after printing why there is none.
    pub fn load(&self) -> Result<Bundle, Exit> {
        let inputs = self.parse().map_err(|errors| {
            print_diagnostics(&errors);
            Exit::Unusable
        })?;
        let options = Options {
            allow_incomplete: self.allow_incomplete,
            cluster_by: self.cluster_by.clone(),
        };
        evidence::load_inputs(&inputs, &options).map_err(|diags| {
            print_diagnostics(&diags.0);
            Exit::Unusable
        })
    }
}
