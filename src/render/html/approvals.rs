//! Sign-offs and waivers: role, person, when, until when, whether each counts now, and the
//! key that signed it. Whether an approval counts is the one verification of
//! [`crate::trust::approvals`], the same the decision used.

use std::fmt::Write;

use crate::evidence::{Bundle, Waiver};
use crate::outcome::{Evaluation, Status};
use crate::policy::Policy;
use crate::trust::{self, Approvals, Verified};

use super::{code, escape, instant};

pub fn render(out: &mut String, e: &Evaluation, policy: &Policy, bundle: &Bundle) {
    let now = e.now.value;
    let mut verified = Approvals::default();
    trust::approvals(&policy.checked().loaded.trust, bundle, now, &mut verified);
    out.push_str(
        "<section id=\"approvals\">\n<h2>Sign-offs and waivers</h2>\n<h3>Sign-offs</h3>\n",
    );
    if bundle.signoffs.is_empty() {
        out.push_str("<p class=\"none\">None.</p>\n");
    } else {
        out.push_str(
            "<table class=\"signoffs\">\n<thead><tr><th>Role</th><th>Signed by</th><th>At</th>\
<th>Expires</th><th>Counts now</th><th>Key</th></tr></thead>\n<tbody>\n",
        );
        for (s, v) in bundle.signoffs.iter().zip(&verified.signoffs) {
            let counts = match v {
                Err(refusal) => format!("no: {}", escape(&refusal.reason(s))),
                Ok(_) if !s.holds_at(now) => String::from("no: expired"),
                Ok(_) => String::from("yes"),
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{counts}</td><td>{}</td></tr>",
                code(&s.role),
                escape(&s.by),
                s.at.as_ref()
                    .map_or_else(|| "—".to_string(), |t| escape(&instant(t.at))),
                s.expires
                    .as_ref()
                    .map_or_else(|| "no expiry".to_string(), |t| escape(&instant(t.at))),
                key(v)
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
<th>Expires</th><th>In force</th><th>Key</th></tr></thead>\n<tbody>\n",
        );
        for (w, v) in bundle.waivers.iter().zip(&verified.waivers) {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                code(&w.rule),
                code(&w.role),
                escape(&w.by),
                escape(&w.reason),
                escape(&instant(w.expires.at)),
                waiver_state(e, w, v),
                key(v)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

/// The key that signed an approval and the trust line that trusts it: the single place an
/// approval's signature is rendered.
fn key(v: &Verified) -> String {
    match v {
        Ok(Some(signer)) => format!(
            "{} ({}:{})",
            code(&signer.fingerprint),
            escape(&signer.trust_file),
            signer.line
        ),
        Ok(None) => String::from("not authenticated: the policy names no trust file"),
        Err(_) => String::from("—"),
    }
}

/// Whether the waiver set its rule aside, as the evaluation decided it.
fn waiver_state(e: &Evaluation, w: &Waiver, v: &Verified) -> String {
    let applied = e.rule(&w.rule).is_some_and(|r| {
        r.status == Status::Waived
            && r.waiver
                .as_ref()
                .is_some_and(|a| a.role == w.role && a.by == w.by && a.expires == w.expires.at)
    });
    let why = if applied {
        "yes: sets the rule aside"
    } else if let Err(refusal) = v {
        return format!("no: {}", escape(&refusal.reason(w)));
    } else if w.expired_at(e.now.value) {
        "no: expired"
    } else if e.rule(&w.rule).is_none() {
        "no: the policy has no such rule"
    } else {
        "no: not applied"
    };
    why.to_string()
}
