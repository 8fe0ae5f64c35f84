//! `tollgate import --evidence SPEC… [--baseline SPEC…]`: the normalized native bundle for a
//! set of inputs, so a pipeline can archive exactly what was evaluated.

use std::path::PathBuf;

use tollgate::diagnostic::{Code, Diagnostic};
use tollgate::evidence;

use super::inputs::Inputs;
use super::output::print_diagnostics;
use super::Exit;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// Write the bundle to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Exit {
    let bundle = match args.inputs.load() {
        Ok(bundle) => bundle,
        Err(exit) => return exit,
    };
    // Loading warnings are not part of the native format: say them here.
    let warnings: Vec<Diagnostic> = bundle
        .warnings
        .iter()
        .map(|w| Diagnostic::warning(Code::Evidence, w.clone()))
        .collect();
    print_diagnostics(&warnings);
    let text = evidence::to_native_json(&bundle);
    match &args.output {
        None => {
            print!("{text}");
            Exit::Ok
        }
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => Exit::Ok,
            Err(e) => {
                print_diagnostics([&Diagnostic::error(
                    Code::Io,
                    format!("cannot write {}: {e}", path.display()),
                )
                .with_help("check that the folder exists and can be written")]);
                Exit::Unusable
            }
        },
    }
}
