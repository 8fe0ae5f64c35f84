//! Sign-offs and waivers: role, person, when, until when, and whether each counts now.

use std::fmt::Write;

use crate::evidence::{Bundle, Signoff, Waiver};
use crate::outcome::{Evaluation, Status};

use super::{code, escape, instant};

pub fn render(out: &mut String, e: &Evaluation, bundle: &Bundle) {
    let now = e.now.value;
    out.push_str(
        "<section id=\"approvals\">\n<h2>Sign-offs and waivers</h2>\n<h3>Sign-offs</h3>\n",
    );
    if bundle.signoffs.is_empty() {
        out.push_str("<p class=\"none\">None.</p>\n");
    } else {
        out.push_str(
            "<table class=\"signoffs\">\n<thead><tr><th>Role</th><th>Signed by</th><th>At</th>\
<th>Expires</th><th>Counts now</th><th>Details</th></tr></thead>\n<tbody>\n",
        );
        for s in &bundle.signoffs {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                code(&s.role),
                escape(&s.by),
                s.at.map_or_else(|| "—".to_string(), |t| escape(&instant(t))),
                s.expires
                    .map_or_else(|| "no expiry".to_string(), |t| escape(&instant(t))),
                if s.holds_at(now) {
                    "yes"
                } else {
                    "no: expired"
                },
                signoff_details(s)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("<h3>Waivers</h3>\n");
    if bundle.waivers.is_empty() {
        out.push_str("<p class=\"none\">None.</p>\n");
    } else {
        out.push_str(
            "<table class=\"waivers\">\n<thead><tr><th>Rule</th><th>Role</th><th>By</th><th>Reason</th>\
<th>Expires</th><th>In force</th></tr></thead>\n<tbody>\n",
        );
        for w in &bundle.waivers {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                code(&w.rule),
                code(&w.role),
                escape(&w.by),
                escape(&w.reason),
                escape(&instant(w.expires)),
                waiver_state(e, w)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

/// What more is known of a sign-off than its role, person and times. The single place an
/// approval's extra details (such as a signing key's fingerprint) are rendered.
fn signoff_details(_s: &Signoff) -> String {
    "—".to_string()
}

/// Whether the waiver set its rule aside, as the evaluation decided it.
fn waiver_state(e: &Evaluation, w: &Waiver) -> &'static str {
    let applied = e.rule(&w.rule).is_some_and(|r| {
        r.status == Status::Waived
            && r.waiver
                .as_ref()
                .is_some_and(|a| a.role == w.role && a.by == w.by && a.expires == w.expires)
    });
    if applied {
        "yes: sets the rule aside"
    } else if w.expired_at(e.now.value) {
        "no: expired"
    } else if e.rule(&w.rule).is_none() {
        "no: the policy has no such rule"
    } else {
        "no: not applied"
    }
}
