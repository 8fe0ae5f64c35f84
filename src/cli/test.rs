//! `tollgate test [PATH…]`: run the `test` blocks of policy files.

use std::path::PathBuf;

use tollgate::testing::{self, FileReport};

use super::output::print_diagnostics;
use super::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Policy files, or folders searched for `*.gate` (default: the current folder).
    paths: Vec<PathBuf>,
    /// Run only the tests whose names contain this text.
    #[arg(long)]
    filter: Option<String>,
    /// List, per file, the rules no test saw fire and the rules no test saw pass.
    #[arg(long)]
    coverage: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run(args: Args) -> Exit {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let suite = match testing::run(&paths, args.filter.as_deref()) {
        Ok(suite) => suite,
        Err(d) => {
            print_diagnostics([&d]);
            return Exit::Unusable;
        }
    };
    // Files that failed to load are reported first, as they are met.
    print_diagnostics(&suite.load_errors);
    let (passed, failed) = (suite.passed(), suite.failed());
    let reports = &suite.reports;

    match args.format {
        Format::Human => print_human(reports, args.coverage, passed, failed),
        Format::Json => print_json(&suite),
    }
    if suite.unusable() {
        Exit::Unusable
    } else if failed > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

fn print_human(reports: &[FileReport], coverage: bool, passed: usize, failed: usize) {
    for report in reports {
        for t in &report.tests {
            let mark = if t.passed() { "ok  " } else { "FAIL" };
            println!("{mark} {}: {}", report.file, t.name);
            for f in &t.failures {
                println!(
                    "       line {}: expected {}, got {}",
                    f.line, f.expected, f.actual
                );
                if !f.missing.is_empty() {
                    println!("       missing evidence: {}", f.missing.join(", "));
                }
            }
            if let Some(e) = &t.error {
                for d in &e.0 {
                    println!("       the test could not run: {}", d.message);
                }
                print_diagnostics(&e.0);
            }
        }
    }
    if coverage {
        println!();
        for report in reports {
            let fired = report.coverage.never_fired();
            let passed = report.coverage.never_passed();
            println!("coverage {}:", report.file);
            println!("  never fired:  {}", list(&fired));
            println!("  never passed: {}", list(&passed));
        }
    }
    println!("{passed} passed, {failed} failed");
}

fn list(ids: &[&str]) -> String {
    if ids.is_empty() {
        "(none)".to_string()
    } else {
        ids.join(", ")
    }
}

fn print_json(suite: &testing::Suite) {
    let doc = suite.to_json();
    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
}
