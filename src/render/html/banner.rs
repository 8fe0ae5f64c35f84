//! The verdict banner: the decision, the policy, candidate and baseline, when and from what.

use std::fmt::Write;

use crate::evidence::Role;
use crate::levels::Outcome;
use crate::outcome::{Evaluation, NowSource};
use crate::policy::Policy;
use crate::render::context;

use super::{code, escape, instant, outcome_class};

pub fn render(out: &mut String, e: &Evaluation, policy: &Policy) {
    let verdict = match e.decision {
        Outcome::Block => "blocked: may not launch",
        Outcome::Review => "needs review before it may launch",
        Outcome::Warn => "may launch, with warnings",
        Outcome::Pass => "may launch",
    };
    let subject = e.candidate.as_deref().unwrap_or("this update");
    let _ = writeln!(
        out,
        "<section class=\"banner {class}\" id=\"decision\">\n<h1>Decision: <span class=\"decision\">{decision}</span></h1>\n\
<p class=\"verdict\">{subject} {verdict}</p>\n<dl class=\"facts\">",
        class = outcome_class(e.decision),
        decision = e.decision.as_str().to_uppercase(),
        subject = escape(subject),
    );
    let mut policy_text = escape(&e.policy.name);
    if let Some(v) = &e.policy.version {
        let _ = write!(policy_text, " {}", escape(v));
    }
    if let Some(o) = &e.policy.owner {
        let _ = write!(policy_text, " (owner: {})", escape(o));
    }
    fact(out, "Policy", &policy_text);
    fact(out, "Policy sha256", &code(&e.policy.sha256));
    let side = |s: &Option<String>| s.as_deref().map_or("(not stated)".to_string(), code);
    fact(out, "Candidate", &side(&e.candidate));
    fact(out, "Baseline", &side(&e.baseline));
    let from = match e.now.from {
        NowSource::Option => "--now",
        NowSource::AsOf => "the evidence's as_of",
        NowSource::Clock => "the system clock",
    };
    fact(
        out,
        "Evaluated at",
        &format!("{} (from {from})", escape(&instant(e.now.value))),
    );
    out.push_str("</dl>\n");

    let _ = writeln!(
        out,
        "<h3>Files read ({} evidence, {} policy)</h3>\n<table class=\"files\">\n<thead><tr><th>File</th><th>Read as</th><th>sha256</th></tr></thead>\n<tbody>",
        e.evidence.len(),
        context::policy_files(policy).len()
    );
    for f in &e.evidence {
        let mut read_as = f.format.as_str().to_string();
        if f.role == Role::Baseline {
            read_as.push_str(", baseline");
        }
        if let Some(p) = &f.prefix {
            let _ = write!(read_as, ", keys prefixed {p}");
        }
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            code(&f.path),
            escape(&read_as),
            code(&f.sha256)
        );
    }
    for f in context::policy_files(policy) {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>policy</td><td>{}</td></tr>",
            code(&f.path),
            code(&f.sha256)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// One line of the banner's facts; `value` is HTML.
fn fact(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "<dt>{name}</dt><dd>{value}</dd>");
}
