//! Command-line parsing and dispatch; one file per subcommand.

mod check;
mod diff;
mod eval;
mod fmt;
mod import;
mod inputs;
mod lsp;
mod output;
mod sign;
mod test;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit statuses, for every command (CLI.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Success; for `eval`, the decision is `pass` or `warn`.
    Ok = 0,
    /// `eval` blocked, a test failed, a file is not formatted, `diff --fail-on` met.
    Failed = 1,
    /// The input could not be used.
    Unusable = 2,
    /// `eval`: the decision is `review`.
    Review = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

#[derive(Parser)]
#[command(
    name = "tollgate",
    version,
    about = "Decide whether a model update may launch."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse, resolve imports, check names and types, lint.
    Check(check::Args),
    /// Evaluate a policy on an evidence bundle.
    Eval(eval::Args),
    /// Run the `test` blocks of policy files.
    Test(test::Args),
    /// Check that a decision record still holds: same files, same results.
    Verify(verify::Args),
    /// Compare two policy versions: what the change does to launch decisions.
    Diff(diff::Args),
    /// Rewrite policy files in canonical form (`--check`: only list those that differ).
    Fmt(fmt::Args),
    /// Read evidence (native bundles, harness outputs, baselines) and write it as one native
    /// bundle.
    Import(import::Args),
    /// Run the language server on stdin and stdout, for editors.
    Lsp(lsp::Args),
    /// Sign a sign-off or a waiver with an OpenSSH key (docs/trust.md).
    Sign(sign::Args),
}

pub fn run() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Unusable
            } else {
                Exit::Ok
            };
        }
    };
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Test(args) => test::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Import(args) => import::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Sign(args) => sign::run(args),
    }
}

/// A panic is a bug: say so plainly, with no backtrace unless RUST_BACKTRACE asks for one.
pub fn install_panic_hook() {
    let wants_backtrace = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    if wants_backtrace {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error in tollgate{location}; this is a bug, please report it with the input that caused it"
        );
    }));
}
