//! `diff --format markdown`: a review comment. The verdict, a table of every change, the
//! source lines of each change that is not cosmetic, and the replay.

use std::fmt::Write;

use super::super::{Change, Effect, Place, Report};
use super::{group, heading, identity, subject, tally};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### Policy diff: **{}**\n", report.verdict.as_str());
    let _ = writeln!(
        out,
        "`{}` ({}) → `{}` ({}): {}.\n",
        report.old.label,
        identity(&report.old),
        report.new.label,
        identity(&report.new),
        tally(report)
    );
    if !report.changes.is_empty() {
        out.push_str("| effect | rule or item | change |\n| --- | --- | --- |\n");
        for effect in Effect::ALL {
            for c in group(report, effect) {
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} |",
                    effect.as_str(),
                    cell(subject(c)),
                    cell(&c.summary)
                );
            }
        }
        out.push('\n');
    }
    for effect in [Effect::Loosened, Effect::Changed, Effect::Tightened] {
        let changes = group(report, effect);
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {}\n", heading(effect));
        for c in changes {
            details(&mut out, c);
        }
    }
    if let Some(replay) = &report.replay {
        let _ = writeln!(
            out,
            "#### Replay\n\n{} of {} bundle(s) decide differently.\n",
            replay.flips.len(),
            replay.bundles
        );
        if !replay.flips.is_empty() {
            out.push_str("| bundle | old | new | rules |\n| --- | --- | --- | --- |\n");
            for f in &replay.flips {
                let rules: Vec<String> = f
                    .rules
                    .iter()
                    .map(|r| {
                        let show =
                            |o: Option<crate::levels::Outcome>| o.map_or("absent", |o| o.as_str());
                        format!("`{}` {} → {}", r.rule, show(r.old), show(r.new))
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "| `{}` | {} | **{}** | {} |",
                    cell(&f.bundle),
                    f.old,
                    f.new,
                    cell(&rules.join(", "))
                );
            }
            out.push('\n');
        }
    }
    out
}

/// One change with where it stands and its source lines, as a diff block.
fn details(out: &mut String, c: &Change) {
    let at = |p: &Place| format!("`{}:{}`", p.file, p.line);
    let place = match (&c.old, &c.new) {
        (Some(o), Some(n)) => format!(" ({} → {})", at(o), at(n)),
        (Some(o), None) => format!(" ({})", at(o)),
        (None, Some(n)) => format!(" ({})", at(n)),
        (None, None) => String::new(),
    };
    let _ = writeln!(out, "- `{}`: {}{place}", subject(c), c.summary);
    if c.old.is_none() && c.new.is_none() {
        return;
    }
    let _ = writeln!(out, "\n  ```diff");
    if let Some(p) = &c.old {
        let _ = writeln!(out, "  - {}", p.snippet);
    }
    if let Some(p) = &c.new {
        let _ = writeln!(out, "  + {}", p.snippet);
    }
    let _ = writeln!(out, "  ```\n");
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
