//! `diff --format html`: the review as one page. The verdict, the changes grouped by effect
//! with the old and new source side by side, and the replay table. Shares the launch report's
//! page and its one escaping function.

use std::fmt::Write;

use crate::levels::Outcome;
use crate::render::html::{escape, page};

use super::super::{Change, Effect, Place, Report};
use super::{group, heading, identity, subject, tally};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let verdict = report.verdict.as_str();
    let _ = writeln!(
        out,
        "<section class=\"banner {class}\" id=\"decision\">\n<h1>Policy diff: <span class=\"decision\">{verdict}</span></h1>\n\
<p class=\"verdict\">{old} ({old_id}) → {new} ({new_id}): {tally}.</p>\n</section>",
        class = verdict_class(report),
        verdict = escape(verdict),
        old = code(&report.old.label),
        old_id = escape(&identity(&report.old)),
        new = code(&report.new.label),
        new_id = escape(&identity(&report.new)),
        tally = escape(&tally(report)),
    );
    out.push_str("<section id=\"changes\">\n<h2>Changes</h2>\n");
    if report.changes.is_empty() {
        out.push_str("<p class=\"none\">No changes.</p>\n");
    }
    for effect in Effect::ALL {
        let changes = group(report, effect);
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<h3>{} ({})</h3>",
            escape(heading(effect)),
            changes.len()
        );
        for c in changes {
            change(&mut out, c, effect);
        }
    }
    out.push_str("</section>\n");
    if let Some(replay) = &report.replay {
        let _ = writeln!(
            out,
            "<section id=\"replay\">\n<h2>Replay</h2>\n<p>{} of {} bundle(s) decide differently.</p>",
            replay.flips.len(),
            replay.bundles
        );
        if !replay.flips.is_empty() {
            out.push_str(
                "<table class=\"replay\">\n<thead><tr><th>Bundle</th><th>Old</th><th>New</th><th>Rules</th></tr></thead>\n<tbody>\n",
            );
            for f in &replay.flips {
                let rules: Vec<String> = f
                    .rules
                    .iter()
                    .map(|r| {
                        let show = |o: Option<Outcome>| o.map_or("absent", Outcome::as_str);
                        format!("{} {} → {}", code(&r.rule), show(r.old), show(r.new))
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    code(&f.bundle),
                    outcome(f.old),
                    outcome(f.new),
                    rules.join("<br>")
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        out.push_str("</section>\n");
    }
    page::document(&format!("Policy diff: {verdict}"), &out)
}

/// One change: what it is about, its summary, and the old and new lines side by side.
fn change(out: &mut String, c: &Change, effect: Effect) {
    let class = match effect {
        Effect::Loosened => "block",
        Effect::Changed => "review",
        Effect::Tightened => "pass",
        Effect::Cosmetic => "waived",
    };
    let _ = writeln!(
        out,
        "<div class=\"rule {class}\">\n<p><span class=\"badge {class}\">{}</span> <strong>{}</strong> {}</p>",
        escape(effect.as_str()),
        code(subject(c)),
        escape(&c.summary)
    );
    if c.old.is_some() || c.new.is_some() {
        let side = |p: &Option<Place>, which: &str, none: &str| {
            match p {
            Some(p) => format!(
                "<div><span class=\"where\">{which} {}:{}</span><pre class=\"{which}\">{}</pre></div>",
                escape(&p.file),
                p.line,
                escape(&p.snippet)
            ),
            None => format!("<div><span class=\"where\">{which}</span><pre class=\"{which}\">{none}</pre></div>"),
        }
        };
        let _ = writeln!(
            out,
            "<div class=\"side\">{}{}</div>",
            side(&c.old, "old", "(not in the old version)"),
            side(&c.new, "new", "(removed)")
        );
    }
    out.push_str("</div>\n");
}

fn verdict_class(report: &Report) -> &'static str {
    let has = |e: Effect| report.changes.iter().any(|c| c.effect == e);
    if has(Effect::Loosened) {
        "block"
    } else if has(Effect::Changed) {
        "review"
    } else {
        "pass"
    }
}

fn outcome(o: Outcome) -> String {
    let class = match o {
        Outcome::Block => "block",
        Outcome::Review => "review",
        Outcome::Warn => "warn",
        Outcome::Pass => "pass",
    };
    format!("<span class=\"badge {class}\">{}</span>", o.as_str())
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", escape(s))
}
