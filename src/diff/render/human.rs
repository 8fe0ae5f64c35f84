//! The human report: verdict first, then the changes grouped by effect (loosened first), each
//! with the old and new source line, then the replay.

use std::fmt::Write;

use owo_colors::{OwoColorize, Style};

use super::super::{Effect, Place, Report, Verdict};
use super::{group, heading, identity, subject, tally};

pub fn render(report: &Report, color: bool) -> String {
    let paint = |text: &str, style: Style| {
        if color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    };
    let effect_style = |e: Effect| match e {
        Effect::Loosened => Style::new().red().bold(),
        Effect::Changed => Style::new().yellow().bold(),
        Effect::Tightened => Style::new().green().bold(),
        Effect::Cosmetic => Style::new().dimmed(),
    };
    let verdict_style = match report.verdict {
        Verdict::Loosened | Verdict::Mixed => Style::new().red().bold(),
        Verdict::Changed => Style::new().yellow().bold(),
        Verdict::Tightened => Style::new().green().bold(),
        Verdict::Cosmetic | Verdict::Unchanged => Style::new().bold(),
    };

    let mut out = String::new();
    let verdict = report.verdict.as_str().to_uppercase();
    let _ = writeln!(out, "{}  {}", paint(&verdict, verdict_style), tally(report));
    let _ = writeln!(
        out,
        "  old  {}  ({})",
        report.old.label,
        identity(&report.old)
    );
    let _ = writeln!(
        out,
        "  new  {}  ({})",
        report.new.label,
        identity(&report.new)
    );

    for effect in Effect::ALL {
        let changes = group(report, effect);
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{} ({})",
            paint(heading(effect), effect_style(effect)),
            changes.len()
        );
        for c in changes {
            let _ = writeln!(
                out,
                "  {}: {}",
                paint(subject(c), Style::new().bold()),
                c.summary
            );
            if let Some(p) = &c.old {
                let _ = writeln!(out, "    {} {}", paint("-", Style::new().red()), line(p));
            }
            if let Some(p) = &c.new {
                let _ = writeln!(out, "    {} {}", paint("+", Style::new().green()), line(p));
            }
        }
    }

    if let Some(replay) = &report.replay {
        let _ = writeln!(
            out,
            "\nReplay: {} of {} bundle(s) decide differently",
            replay.flips.len(),
            replay.bundles
        );
        for f in &replay.flips {
            let _ = writeln!(out, "  {}  {} -> {}", f.bundle, f.old, f.new);
            for r in &f.rules {
                let show = |o: Option<crate::levels::Outcome>| o.map_or("absent", |o| o.as_str());
                let _ = writeln!(out, "    {}: {} -> {}", r.rule, show(r.old), show(r.new));
            }
        }
    }
    out
}

fn line(p: &Place) -> String {
    format!("{}:{}:{}  {}", p.file, p.line, p.column, p.snippet)
}
