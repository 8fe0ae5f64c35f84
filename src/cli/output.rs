//! Printing diagnostics and choosing colour.

use std::io::{IsTerminal, Write};
use std::path::Path;

use tollgate::diagnostic::{Code, Diagnostic};
use tollgate::render;

/// Colour only when writing to a terminal and NO_COLOR is unset.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn print_diagnostics<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) {
    let color = stderr_color();
    for d in diags {
        eprint!("{}", render::diagnostics::render(d, color));
    }
}

/// `--now TIME`: an RFC 3339 date-time or a date. A bad value is reported here.
pub fn parse_now(text: Option<&str>) -> Result<Option<chrono::DateTime<chrono::Utc>>, ()> {
    let Some(text) = text else {
        return Ok(None);
    };
    match tollgate::evidence::parse_instant(text) {
        Some(instant) => Ok(Some(instant)),
        None => {
            print_diagnostics([&Diagnostic::error(
                Code::Usage,
                format!("--now {text} is not a date-time"),
            )
            .with_help("write it like 2025-04-25T12:00:00Z or 2025-04-25")]);
            Err(())
        }
    }
}

/// Write a report to `-o FILE`, else to stdout. A file that cannot be written is reported
/// here; `false` then, for exit status 2.
pub fn emit(file: Option<&Path>, text: &str) -> bool {
    let Some(path) = file else {
        print!("{text}");
        let _ = std::io::stdout().flush();
        return true;
    };
    match std::fs::write(path, text) {
        Ok(()) => true,
        Err(e) => {
            print_diagnostics([&Diagnostic::error(
                Code::Io,
                format!("cannot write the report {}: {e}", path.display()),
            )
            .with_help("check that the folder exists and can be written")]);
            false
        }
    }
}
