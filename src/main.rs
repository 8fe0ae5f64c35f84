//! The `tollgate` command: a thin layer over the library. Parses arguments, calls the
//! library, prints, and maps results to the exit statuses of CLI.md.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::install_panic_hook();
    match std::panic::catch_unwind(cli::run) {
        Ok(code) => code.into(),
        Err(_) => cli::Exit::Unusable.into(),
    }
}
