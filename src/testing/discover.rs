//! Finding policy files: named files as given, folders searched for `*.gate`.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};

/// A policy file to test, and whether it was named (strict) or found in a folder (a file
/// without a `policy` header found in a folder is an import fragment and is skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub named: bool,
}

/// The `.gate` files named or found below the named folders, sorted within each folder so
/// runs are reproducible.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Found>, Diagnostic> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            out.extend(found.into_iter().map(|path| Found { path, named: false }));
        } else if path.exists() {
            out.push(Found {
                path: path.clone(),
                named: true,
            });
        } else {
            return Err(
                Diagnostic::error(Code::Io, format!("{} does not exist", path.display()))
                    .with_help("name policy files or folders that hold them"),
            );
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Diagnostic> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(
            Code::Io,
            format!("cannot read folder {}: {e}", dir.display()),
        )
    })?;
    for entry in entries {
        let entry = entry.map_err(|e| {
            Diagnostic::error(
                Code::Io,
                format!("cannot read folder {}: {e}", dir.display()),
            )
        })?;
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            // Build output and hidden folders hold no policies worth testing.
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "gate") {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether a file found in a folder is an import fragment (no `policy` header): such files
/// hold shared items for other policies and are tested through them.
pub fn is_fragment(path: &Path) -> bool {
    // Read as policies are read: at most one byte past the size limit (docs/limits.md).
    let Ok(text) = crate::check::SourceReader::read(&crate::check::FsReader, path) else {
        return false;
    };
    let mut sources = crate::source::Sources::new();
    let id = sources.add(path, path.display().to_string(), text);
    match crate::syntax::parse(&sources, id) {
        Ok(file) => !file
            .items
            .iter()
            .any(|i| matches!(i, crate::syntax::ast::Item::Policy(_))),
        Err(_) => false,
    }
}
