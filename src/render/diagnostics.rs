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
    // The renderer is third-party code: should it ever panic on odd input, fall back to a
    // plain line rather than lose the diagnostic.
    let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut out = String::new();
        handler.render_report(&mut out, d).map(|_| out)
    }));
    match rendered {
        Ok(Ok(out)) => out,
        _ => plain(d),
    }
}

/// One line per diagnostic: code, location, message, help.
fn plain(d: &Diagnostic) -> String {
    let at = d
        .location
        .as_ref()
        .map(|l| format!("{}:{}:{}: ", l.file, l.line, l.column))
        .unwrap_or_default();
    let help = d
        .help
        .as_ref()
        .map(|h| format!("\n  help: {h}"))
        .unwrap_or_default();
    format!("{}: {at}{}{help}\n", d.code.as_str(), d.message)
}

/// Render several, separated by blank lines, as `check` prints them.
pub fn render_all<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, color: bool) -> String {
    diags
        .into_iter()
        .map(|d| render(d, color))
        .collect::<Vec<_>>()
        .join("\n")
}
