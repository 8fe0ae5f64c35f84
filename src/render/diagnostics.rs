//! Diagnostics rendered by miette, for terminals, logs and snapshots.

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::diagnostic::Diagnostic;

/// Render one diagnostic with its source excerpt and labels. `color` for a terminal only.
pub fn render(d: &Diagnostic, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, d).is_err() {
        out = format!("{}: {}\n", d.code.as_str(), d.message);
    }
    out
}

/// Render several, separated by blank lines, as `check` prints them.
pub fn render_all<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, color: bool) -> String {
    diags
        .into_iter()
        .map(|d| render(d, color))
        .collect::<Vec<_>>()
        .join("\n")
}
