//! Reading the entry file and, transitively, every file it imports.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::Sources;
use crate::span::{FileId, Span};
use crate::syntax::{self, ast};

/// How deep imports may nest before we call it a mistake rather than a design.
pub const MAX_IMPORT_DEPTH: usize = 32;

/// Every file of a policy, parsed: the entry file first, then imports depth-first in the
/// order they are written (the order rules are reported in).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub sources: Sources,
    pub files: Vec<(FileId, ast::File)>,
    /// The trust files the policy's `trust` items name (TRUST.md), their text in `sources`.
    pub trust: crate::trust::Trust,
}

/// Where policy text comes from: the file system, or (for `diff REV:path`) a git revision.
pub trait SourceReader {
    fn read(&self, path: &Path) -> std::io::Result<String>;

    /// A trust file's text. Apart from `read` because it is not policy source: a reader that
    /// repairs policy text (the language server's) must hand it over untouched.
    fn read_trust(&self, path: &Path) -> std::io::Result<String> {
        self.read(path)
    }
}

/// Reads policy files from disk.
pub struct FsReader;

impl SourceReader for FsReader {
    /// Reads at most one byte more than the policy size limit ([`crate::limits::POLICY_BYTES`]),
    /// so that `/dev/zero` or a runaway generated file is refused by the parser's size check
    /// instead of filling memory.
    fn read(&self, path: &Path) -> std::io::Result<String> {
        use std::io::Read;
        let limit = crate::limits::POLICY_BYTES.get();
        let mut bytes = Vec::new();
        std::fs::File::open(path)?
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            // Too large to be used: the size check reports it, whatever the bytes are.
            return Ok(String::from_utf8_lossy(&bytes).into_owned());
        }
        String::from_utf8(bytes).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            )
        })
    }
}

/// Load an entry file and its imports. Parse errors in several files are all reported.
pub fn load(entry: &Path, reader: &dyn SourceReader) -> Result<Loaded, Diagnostics> {
    let text = reader.read(entry).map_err(|e| {
        Diagnostic::error(Code::Io, format!("cannot read {}: {e}", entry.display()))
            .with_help("check the path; policy files are read relative to the current folder")
    })?;
    load_text(entry, text, reader)
}

/// Like [`load`], with the entry file's text already in hand (stdin, tests, embedding).
pub fn load_text(
    entry: &Path,
    text: String,
    reader: &dyn SourceReader,
) -> Result<Loaded, Diagnostics> {
    let mut loader = Loader {
        reader,
        loaded: Loaded {
            sources: Sources::new(),
            files: Vec::new(),
            trust: crate::trust::Trust::default(),
        },
        seen: HashMap::new(),
        trust_seen: Vec::new(),
        errors: Vec::new(),
    };
    let id = loader
        .loaded
        .sources
        .add(entry, entry.display().to_string(), text);
    loader.visit(id, &mut Vec::new());
    if loader.errors.is_empty() {
        Ok(loader.loaded)
    } else {
        Err(Diagnostics(loader.errors))
    }
}

struct Loader<'r> {
    reader: &'r dyn SourceReader,
    loaded: Loaded,
    /// Normalised path → file, so a file imported twice (a diamond) is read once.
    seen: HashMap<PathBuf, FileId>,
    /// Normalised paths of the trust files read.
    trust_seen: Vec<PathBuf>,
    errors: Vec<Diagnostic>,
}

impl Loader<'_> {
    /// Parse `id`, record it, then follow its imports. `stack` holds the import chain that led
    /// here, as (file, span of the import statement), to report cycles with both ends.
    fn visit(&mut self, id: FileId, stack: &mut Vec<(FileId, Span)>) {
        let path = self.loaded.sources.get(id).path.clone();
        self.seen.insert(normalise(&path), id);
        let file = match syntax::parse(&self.loaded.sources, id) {
            Ok(file) => file,
            Err(diags) => {
                self.errors.extend(diags.0);
                return;
            }
        };
        let imports: Vec<ast::Import> = file
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Import(i) => Some(i.clone()),
                _ => None,
            })
            .collect();
        let trusts: Vec<ast::Trust> = file
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Trust(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        self.loaded.files.push((id, file));
        for trust in trusts {
            self.trust(&path, &trust);
        }
        for import in imports {
            self.follow(id, &path, &import, stack);
        }
    }

    fn follow(
        &mut self,
        from: FileId,
        from_path: &Path,
        import: &ast::Import,
        stack: &mut Vec<(FileId, Span)>,
    ) {
        let sources = &self.loaded.sources;
        let target = from_path
            .parent()
            .unwrap_or_else(|| Path::new(""))
            .join(&import.path.value);
        let key = normalise(&target);
        if stack.len() >= MAX_IMPORT_DEPTH {
            self.errors.push(
                Diagnostic::error(
                    Code::Limit,
                    format!("imports nest deeper than {MAX_IMPORT_DEPTH} files"),
                )
                .with_label(sources, import.span, "this import is one level too deep")
                .with_help(format!(
                    "flatten the import chain: import shared files from the entry policy (the \
                     limit guards the stack and is fixed: MAX_IMPORT_DEPTH = {MAX_IMPORT_DEPTH} \
                     in src/check/load.rs)"
                )),
            );
            return;
        }
        let on_stack = std::iter::once(from)
            .chain(stack.iter().map(|(f, _)| *f))
            .any(|f| normalise(&sources.get(f).path) == key);
        if on_stack {
            let mut diag = Diagnostic::error(
                Code::ImportCycle,
                format!(
                    "import cycle: `{}` leads back to a file that imports it",
                    import.path.value
                ),
            )
            .with_label(sources, import.span, "this import closes the cycle")
            .with_help("move the shared items into a file that both can import");
            // The chain's import that left the file the cycle returns to.
            if let Some((_, first)) = stack
                .iter()
                .find(|(f, _)| normalise(&sources.get(*f).path) == key)
            {
                diag = diag.with_related(
                    Diagnostic::error(Code::ImportCycle, "the cycle starts here").with_label(
                        sources,
                        *first,
                        "first import on the cycle",
                    ),
                );
            }
            self.errors.push(diag);
            return;
        }
        if self.seen.contains_key(&key) {
            return;
        }
        let text = match self.reader.read(&target) {
            Ok(text) => text,
            Err(e) => {
                self.errors.push(
                    Diagnostic::error(
                        Code::Import,
                        format!("cannot import {}: {e}", target.display()),
                    )
                    .with_label(sources, import.path.span, "imported here")
                    .with_help("import paths are relative to the file that imports them"),
                );
                return;
            }
        };
        let name = target.display().to_string();
        let id = self.loaded.sources.add(&target, name, text);
        stack.push((from, import.span));
        self.visit(id, stack);
        stack.pop();
    }
}

impl Loader<'_> {
    /// Read and parse the trust file `trust` names, relative to the file naming it. A file
    /// named twice is read once.
    fn trust(&mut self, from_path: &Path, trust: &ast::Trust) {
        let target = from_path
            .parent()
            .unwrap_or_else(|| Path::new(""))
            .join(&trust.path.value);
        let key = normalise(&target);
        if self.trust_seen.contains(&key) {
            return;
        }
        self.trust_seen.push(key);
        let text = match self.reader.read_trust(&target) {
            Ok(text) => text,
            Err(e) => {
                self.errors.push(
                    Diagnostic::error(
                        Code::Trust,
                        format!("cannot read trust file {}: {e}", target.display()),
                    )
                    .with_label(&self.loaded.sources, trust.path.span, "named here")
                    .with_help(
                        "a trust path is relative to the file that names it, and names an \
                         allowed_signers file (ssh-keygen(1), ALLOWED SIGNERS)",
                    ),
                );
                return;
            }
        };
        if text.len() as u64 > crate::limits::POLICY_BYTES.get() {
            self.errors.push(
                Diagnostic::error(
                    Code::Limit,
                    format!(
                        "trust file {} is larger than the policy size limit",
                        target.display()
                    ),
                )
                .with_label(&self.loaded.sources, trust.path.span, "named here")
                .with_help(crate::limits::POLICY_BYTES.how_to_raise()),
            );
            return;
        }
        let name = target.display().to_string();
        let id = self.loaded.sources.add(&target, name, text);
        match crate::trust::parse(&self.loaded.sources, id) {
            Ok(file) => self.loaded.trust.files.push(file),
            Err(errors) => self.errors.extend(errors),
        }
    }
}

/// A path with `.` and `x/..` removed, so that two spellings of one file compare equal
/// without touching the file system (git revisions have no files to canonicalise).
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
