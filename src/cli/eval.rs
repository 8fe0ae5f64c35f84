//! `tollgate eval POLICY --evidence FILE…`: the decision, and the exit status CI acts on.

use std::path::PathBuf;

use tollgate::diagnostic::{Code, Diagnostic};
use tollgate::{evidence, render, Now, Outcome, Policy};

use super::output::{print_diagnostics, stdout_color};
use super::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,
    /// Evidence files (JSON or YAML), merged in the order given.
    #[arg(long, required = true, num_args = 1.., action = clap::ArgAction::Append)]
    evidence: Vec<PathBuf>,
    /// Evaluation instant (RFC 3339 or a date); default: the bundle's as_of, else the clock.
    #[arg(long)]
    now: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// The least severe decision that exits 1.
    #[arg(long, value_enum, default_value = "block")]
    fail_on: FailOn,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Warn,
    Review,
    Block,
}

pub fn run(args: Args) -> Exit {
    let now = match args.now.as_deref().map(|t| (t, evidence::parse_instant(t))) {
        None => None,
        Some((_, Some(instant))) => Some(instant),
        Some((text, None)) => {
            print_diagnostics([&Diagnostic::error(
                Code::Usage,
                format!("--now {text} is not a date-time"),
            )
            .with_help("write it like 2025-04-25T12:00:00Z or 2025-04-25")]);
            return Exit::Unusable;
        }
    };
    let policy = match Policy::load(&args.policy) {
        Ok(p) => p,
        Err(diags) => {
            print_diagnostics(&diags.0);
            return Exit::Unusable;
        }
    };
    let bundle = match evidence::load_files(&args.evidence) {
        Ok(b) => b,
        Err(diags) => {
            print_diagnostics(&diags.0);
            return Exit::Unusable;
        }
    };
    let result = policy.evaluate(&bundle, Now::resolve(now, bundle.as_of));
    match args.format {
        Format::Human => print!("{}", render::human::render(&result, stdout_color())),
        Format::Json => print!("{}", render::json::render(&result)),
    }
    exit_for(result.decision, args.fail_on)
}

fn exit_for(decision: Outcome, fail_on: FailOn) -> Exit {
    let line = match fail_on {
        FailOn::Warn => Outcome::Warn,
        FailOn::Review => Outcome::Review,
        FailOn::Block => Outcome::Block,
    };
    if decision >= line {
        Exit::Failed
    } else if decision == Outcome::Review {
        Exit::Review
    } else {
        Exit::Ok
    }
}
