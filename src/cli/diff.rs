//! `tollgate diff OLD NEW`: what a policy change does to launch decisions.

use std::path::PathBuf;

use tollgate::diagnostic::{Code, Diagnostic};
use tollgate::diff::{self, render, Compared, FailOn as LibFailOn};

use super::output::{parse_now, print_diagnostics, stdout_color};
use super::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// The old version: a file, or REV:path read with git.
    old: String,
    /// The new version: a file, or REV:path read with git.
    new: String,
    /// Evidence bundles to evaluate both versions on: files, or folders searched for
    /// evidence.json / *.yaml bundles.
    #[arg(long, num_args = 1.., action = clap::ArgAction::Append)]
    replay: Vec<PathBuf>,
    /// Evaluation instant for the replay; default: each bundle's as_of, else the clock.
    #[arg(long)]
    now: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 when a change is loosened or changed (`loosened`), or not cosmetic (`changed`).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Markdown,
    /// The review as one self-contained HTML page.
    Html,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Loosened,
    Changed,
}

pub fn run(args: Args) -> Exit {
    let Ok(now) = parse_now(args.now.as_deref()) else {
        return Exit::Unusable;
    };
    let Compared {
        report,
        test_errors,
    } = match diff::run(&args.old, &args.new, &args.replay, now) {
        Ok(compared) => compared,
        Err(failure) => {
            print_diagnostics(failure.diagnostics());
            return Exit::Unusable;
        }
    };
    let text = match args.format {
        Format::Human => render::human::render(&report, stdout_color()),
        Format::Json => render::json::render(&report),
        Format::Markdown => render::markdown::render(&report),
        Format::Html => render::html::render(&report),
    };
    if !super::output::emit(args.output.as_deref(), &text) {
        return Exit::Unusable;
    }
    // After the report, so that neither hides the other: tests that name rules a version
    // does not have (they decide nothing, so the diff stands), and warnings.
    print_diagnostics(&test_errors);
    let warnings: Vec<Diagnostic> = report
        .warnings
        .iter()
        .map(|w| Diagnostic::warning(Code::Header, w.clone()))
        .collect();
    print_diagnostics(&warnings);
    let fail_on = args.fail_on.map(|f| match f {
        FailOn::Loosened => LibFailOn::Loosened,
        FailOn::Changed => LibFailOn::Changed,
    });
    match fail_on {
        Some(on) if report.fails(on) => Exit::Failed,
        _ => Exit::Ok,
    }
}
