//! Printing diagnostics and choosing colour.

use std::io::IsTerminal;

use tollgate::diagnostic::Diagnostic;
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
