//! Trust files compared (TRUST.md section 1): a role gaining a key or a key gaining a role
//! loosens the gate (more people can approve), the reverse tightens it, and a change to
//! comments or layout alone is cosmetic.

use indexmap::IndexMap;

use crate::trust::Entry;

use super::model::Model;
use super::{Change, Effect};

const ITEM: &str = "trust";

/// Each (role pattern, key fingerprint) a version trusts, with the entry that trusts it.
fn grants<'m>(model: &Model<'m>) -> IndexMap<(String, String), (crate::span::FileId, &'m Entry)> {
    let mut out = IndexMap::new();
    for file in &model.trust().files {
        for entry in &file.entries {
            for role in &entry.principals {
                out.entry((role.clone(), entry.fingerprint.clone()))
                    .or_insert((file.file, entry));
            }
        }
    }
    out
}

/// What an entry allows beyond its role and key: namespaces and validity.
fn limits(entry: &Entry) -> (Option<&Vec<String>>, Option<String>, Option<String>) {
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339());
    (
        entry.namespaces.as_ref(),
        at(entry.valid_after),
        at(entry.valid_before),
    )
}

pub fn changes(old: &Model<'_>, new: &Model<'_>, out: &mut Vec<Change>) {
    let (was, is) = (old.trust().is_active(), new.trust().is_active());
    match (was, is) {
        (false, false) => return,
        (false, true) => out.push(Change::on_item(
            String::from(ITEM),
            Effect::Tightened,
            String::from("trust files added: sign-offs and waivers now count only when signed"),
            None,
            None,
        )),
        (true, false) => out.push(Change::on_item(
            String::from(ITEM),
            Effect::Loosened,
            String::from("trust files removed: unsigned sign-offs and waivers now count"),
            None,
            None,
        )),
        (true, true) => {}
    }
    let before = grants(old);
    let after = grants(new);
    let had_key = |g: &IndexMap<(String, String), _>, fp: &str| g.keys().any(|(_, k)| k == fp);
    let before_len = out.len();
    for ((role, fp), (file, entry)) in &after {
        let place = Some(new.place_line(*file, entry.line));
        match before.get(&(role.clone(), fp.clone())) {
            None => {
                let summary = if had_key(&before, fp) {
                    format!("key {fp} gains role {role}")
                } else {
                    format!("role {role} gains key {fp}")
                };
                out.push(Change::on_item(
                    String::from(ITEM),
                    Effect::Loosened,
                    summary,
                    None,
                    place,
                ));
            }
            Some((old_file, old_entry)) if limits(old_entry) != limits(entry) => {
                out.push(Change::on_item(
                    String::from(ITEM),
                    Effect::Changed,
                    format!("key {fp} for role {role}: namespaces or validity changed"),
                    Some(old.place_line(*old_file, old_entry.line)),
                    place,
                ));
            }
            Some(_) => {}
        }
    }
    for ((role, fp), (file, entry)) in &before {
        if after.contains_key(&(role.clone(), fp.clone())) {
            continue;
        }
        let summary = if had_key(&after, fp) {
            format!("key {fp} loses role {role}")
        } else {
            format!("role {role} loses key {fp}")
        };
        out.push(Change::on_item(
            String::from(ITEM),
            Effect::Tightened,
            summary,
            Some(old.place_line(*file, entry.line)),
            None,
        ));
    }
    let text = |m: &Model<'_>| -> Vec<String> {
        (m.trust().files.iter())
            .map(|f| m.sources.get(f.file).text.to_string())
            .collect()
    };
    if out.len() == before_len && was && is && text(old) != text(new) {
        out.push(Change::on_item(
            String::from(ITEM),
            Effect::Cosmetic,
            String::from("trust file comments or layout changed; no role gains or loses a key"),
            None,
            None,
        ));
    }
}
