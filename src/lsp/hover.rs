//! Hover: what the word under the cursor means, from the checker's resolution and the one
//! table of built-in functions ([`crate::builtins::FUNCTIONS`]).

use std::path::Path;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use crate::builtins::Function;
use crate::levels::{Outcome, Severity};
use crate::syntax::ast;

use super::navigate::trusted_for;
use super::occurrences::{Decl, Target};
use super::snapshot::Snapshot;

pub fn hover(snap: &Snapshot, path: &Path, position: Position) -> Option<Hover> {
    let occurrence = snap.occurrence_at(path, position)?;
    let value = describe(snap, &occurrence.target)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(snap.range(occurrence.span)),
    })
}

/// The Markdown that explains `target`.
pub fn describe(snap: &Snapshot, target: &Target) -> Option<String> {
    Some(match target {
        Target::Decl(decl) => declaration(snap, *decl)?,
        Target::Function(doc) => function(doc.signature, doc.meaning, doc.unknown_when),
        Target::MetricField(field) => {
            let doc = Function::Metric(*field).doc()?;
            format!(
                "field `{}` of each family member\n\n{}",
                field.name(),
                function(doc.signature, doc.meaning, doc.unknown_when)
            )
        }
        Target::MetricName => "field `name` of each family member: its evidence key".to_owned(),
        Target::FlagField(field) => format!("field `{}` of each flag", field.name()),
        Target::Flags => {
            "`flags`: the bundle's flags, a collection to filter with `where`".to_owned()
        }
        Target::Stage => "`stage`: the bundle's launch stage, a string".to_owned(),
        Target::Severity(s) => rank(
            "severity",
            s.as_str(),
            Severity::ALL.iter().map(|s| s.as_str()),
        )?,
        Target::Outcome(o) => rank(
            "outcome",
            o.as_str(),
            Outcome::ALL.iter().map(|o| o.as_str()),
        )?,
        Target::Import(path) => format!("imports `{}`", path.display()),
        Target::TrustFile(path) => trust_file(snap, path),
        Target::Role(role) => {
            let rules = waivable_by(snap, role);
            let keys: Vec<String> = trusted_for(snap, role)
                .map(|(file, e)| format!("`{}` ({}:{})", e.fingerprint, file.name, e.line))
                .collect();
            let keys = if !snap.loaded.trust.is_active() {
                "approvals are not authenticated: the policy names no trust file".to_owned()
            } else if keys.is_empty() {
                "no key is trusted for it: no approval for this role can count".to_owned()
            } else {
                format!("trusted keys: {}", keys.join(", "))
            };
            format!(
                "role `{role}`: a sign-off for it in the evidence waives the rules that name it\n\nwaives: {}\n\n{keys}",
                if rules.is_empty() { "no rule".to_owned() } else { rules.join(", ") }
            )
        }
    })
}

/// A trust file: each key with the roles it is trusted for.
fn trust_file(snap: &Snapshot, path: &Path) -> String {
    let file = snap
        .loaded
        .trust
        .files
        .iter()
        .find(|f| snap.path(f.file) == Some(path));
    let Some(file) = file else {
        return format!(
            "trust file `{}` (not read: see the diagnostics)",
            path.display()
        );
    };
    let mut out = format!(
        "trust file `{}`: sign-offs and waivers count only when signed by a key it trusts for their role\n",
        file.name
    );
    for e in &file.entries {
        out.push_str(&format!(
            "\n- line {}: `{}` for {}",
            e.line,
            e.fingerprint,
            e.principals
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

fn declaration(snap: &Snapshot, decl: Decl) -> Option<String> {
    let at = decl.at(&snap.analysis.declarations)?;
    let (file_id, file) = snap.loaded.files.get(at.file)?;
    let item = file.items.get(at.item)?;
    let _ = file_id;
    Some(match item {
        ast::Item::Metric(m) => {
            let what = if m.family {
                format!(
                    "metric family: the evidence keys matching `{}`",
                    m.key.value
                )
            } else {
                format!("metric: evidence key `{}`", m.key.value)
            };
            let direction = m
                .direction
                .as_ref()
                .map_or("no direction declared", |d| d.direction.as_str());
            let adjusted = m
                .adjustment
                .map(|a| {
                    format!(
                        "; adjusted by {}",
                        snap.slice(a.span).trim_start_matches("adjusted by ")
                    )
                })
                .unwrap_or_default();
            format!(
                "```gate\n{}\n```\n\n{what}; {direction}{adjusted}",
                snap.slice(m.span)
            )
        }
        ast::Item::Let(l) => {
            let index = match decl {
                Decl::Let(i) => i,
                _ => return None,
            };
            let ty = snap
                .analysis
                .let_types
                .get(index)
                .and_then(Option::as_ref)
                .map_or(
                    "not known (it has an error)".to_owned(),
                    ToString::to_string,
                );
            format!("```gate\n{}\n```\n\ntype: {ty}", snap.slice(l.span))
        }
        ast::Item::Rule(rule) => {
            let mut head = format!("rule {}", rule.id.name);
            if let Some(title) = &rule.title {
                head.push_str(&format!(" \"{}\"", title.raw));
            }
            let clauses: Vec<String> = rule
                .body
                .iter()
                .filter(|s| !matches!(s, ast::RuleStmt::Message(_)))
                .map(|s| format!("  {}", snap.slice(s.span())))
                .collect();
            format!("```gate\n{head}\n{}\n```", clauses.join("\n"))
        }
        _ => return None,
    })
}

fn function(signature: &str, meaning: &str, unknown_when: &str) -> String {
    format!("```\n{signature}\n```\n\n{meaning}\n\nunknown when: {unknown_when}")
}

fn rank<'a>(kind: &str, word: &str, order: impl Iterator<Item = &'a str>) -> Option<String> {
    let order: Vec<&str> = order.collect();
    let position = order.iter().position(|w| *w == word)? + 1;
    Some(format!(
        "{kind} `{word}`: rank {position} of {} ({})",
        order.len(),
        order.join(" < ")
    ))
}

/// The rules whose `waivable by` names `role`.
fn waivable_by(snap: &Snapshot, role: &str) -> Vec<String> {
    let mut rules: Vec<String> = snap
        .loaded
        .files
        .iter()
        .flat_map(|(_, f)| &f.items)
        .filter_map(|item| match item {
            ast::Item::Rule(r) => Some(r),
            _ => None,
        })
        .filter(|r| {
            r.body.iter().any(|s| {
                matches!(s, ast::RuleStmt::Waivable(w) if w.roles.iter().any(|x| x.value == role))
            })
        })
        .map(|r| format!("`{}`", r.id.name))
        .collect();
    rules.dedup();
    rules
}
