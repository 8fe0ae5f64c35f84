//! Go to definition, find references and rename: all from the occurrences of one snapshot.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{Location, Position, Range, TextEdit, Url, WorkspaceEdit};

use crate::check::normalise;
use crate::syntax::{ast, keywords};
use crate::trust::{role_matches, Entry, TrustFile};

use super::occurrences::{Decl, Target};
use super::snapshot::Snapshot;

/// Where the thing under the cursor is defined: a declaration's name, an imported or trust
/// file's start, or (for a role, which has no declaration in the policy) every place it is
/// named and every trust line that trusts a key for it.
pub fn definition(snap: &Snapshot, path: &Path, position: Position) -> Vec<Location> {
    let Some(occurrence) = snap.occurrence_at(path, position) else {
        return Vec::new();
    };
    match &occurrence.target {
        Target::Decl(decl) => decl_name(snap, *decl)
            .and_then(|ident| snap.location(ident.span))
            .into_iter()
            .collect(),
        Target::Import(file) | Target::TrustFile(file) => Url::from_file_path(normalise(file))
            .ok()
            .map(|uri| Location::new(uri, Range::default()))
            .into_iter()
            .collect(),
        target @ Target::Role(role) => {
            let mut found = same(snap, target, true);
            found.extend(trusted_for(snap, role).filter_map(|(file, entry)| {
                let uri = Url::from_file_path(snap.path(file.file)?).ok()?;
                let line = u32::try_from(entry.line.saturating_sub(1)).ok()?;
                let range = Range::new(Position::new(line, 0), Position::new(line + 1, 0));
                Some(Location::new(uri, range))
            }));
            found
        }
        _ => Vec::new(),
    }
}

/// Every place the thing under the cursor is named, across all files of the policy.
pub fn references(
    snap: &Snapshot,
    path: &Path,
    position: Position,
    include_declaration: bool,
) -> Vec<Location> {
    match snap.occurrence_at(path, position) {
        Some(occurrence) => same(snap, &occurrence.target, include_declaration),
        None => Vec::new(),
    }
}

/// The lines of the policy's trust files whose principals cover `role` (as verification
/// matches them: [`crate::trust::role_matches`]).
pub fn trusted_for<'s>(
    snap: &'s Snapshot,
    role: &'s str,
) -> impl Iterator<Item = (&'s TrustFile, &'s Entry)> {
    snap.loaded.trust.files.iter().flat_map(move |file| {
        file.entries
            .iter()
            .filter(move |e| role_matches(&e.principals, role))
            .map(move |e| (file, e))
    })
}

fn same(snap: &Snapshot, target: &Target, include_declaration: bool) -> Vec<Location> {
    snap.occurrences()
        .iter()
        .filter(|o| &o.target == target && (include_declaration || !o.declaration))
        .filter_map(|o| snap.location(o.span))
        .collect()
}

/// The name of a declaration.
pub fn decl_name(snap: &Snapshot, decl: Decl) -> Option<&ast::Ident> {
    let at = decl.at(&snap.analysis.declarations)?;
    match snap.loaded.files.get(at.file)?.1.items.get(at.item)? {
        ast::Item::Metric(m) => Some(&m.name),
        ast::Item::Let(l) => Some(&l.name),
        ast::Item::Rule(r) => Some(&r.id),
        _ => None,
    }
}

/// The range of a renamable name under the cursor.
pub fn prepare_rename(snap: &Snapshot, path: &Path, position: Position) -> Option<Range> {
    let occurrence = snap.occurrence_at(path, position)?;
    matches!(occurrence.target, Target::Decl(_)).then(|| snap.range(occurrence.span))
}

/// Rename a metric, family, let or rule everywhere it is named, or say why not.
pub fn rename(
    snap: &Snapshot,
    path: &Path,
    position: Position,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    let Some(occurrence) = snap.occurrence_at(path, position) else {
        return Err("there is no name here to rename".to_owned());
    };
    let Target::Decl(decl) = occurrence.target else {
        return Err("only metrics, families, lets and rules can be renamed".to_owned());
    };
    check_new_name(snap, decl, new_name)?;
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for o in snap.occurrences() {
        if o.target != Target::Decl(decl) {
            continue;
        }
        if let Some(location) = snap.location(o.span) {
            changes
                .entry(location.uri)
                .or_default()
                .push(TextEdit::new(location.range, new_name.to_owned()));
        }
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

fn check_new_name(snap: &Snapshot, decl: Decl, new_name: &str) -> Result<(), String> {
    let mut chars = new_name.chars();
    let is_ident = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_ident {
        return Err(format!(
            "`{new_name}` is not a name: a name is letters, digits and `_`, not starting with a digit"
        ));
    }
    if keywords::is_reserved(new_name) {
        return Err(format!("`{new_name}` is a reserved word of the language"));
    }
    if crate::check::BUILTIN_NAMES.contains(&new_name) {
        return Err(format!("`{new_name}` is a built-in name"));
    }
    let clash = snap.occurrences().iter().find(|o| {
        o.declaration && o.target != Target::Decl(decl) && snap.slice(o.span) == new_name
    });
    if let Some(clash) = clash {
        let (line, _) = snap.loaded.sources.line_col(clash.span);
        let file = snap.loaded.sources.get(clash.span.file).name.clone();
        return Err(format!(
            "`{new_name}` is already declared ({file} line {line}); names are shared by metrics, families, lets and rules across all files"
        ));
    }
    Ok(())
}
