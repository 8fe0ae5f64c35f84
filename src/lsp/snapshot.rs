//! One policy as the editor sees it at one moment: an entry file and its imports, read from
//! the open documents first and the disk second, recovered from syntax errors, checked once.
//! Every request is answered from a snapshot; none resolves a name itself.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lsp_types::{Location, Position, Range, Url};

use crate::check::{self, normalise, Analysis, Loaded, SourceReader};
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

use super::diagnostics;
use super::occurrences::{self, Occurrence};
use super::text::LineIndex;
use super::tolerant;

/// The text of each open document, by normalised path.
pub type Open = HashMap<PathBuf, String>;

pub struct Snapshot {
    pub loaded: Loaded,
    pub analysis: Analysis,
    /// What to publish, by file: syntax errors, load errors, check errors and lints.
    pub diagnostics: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>>,
    /// Each file's normalised path and line index, by `FileId`.
    files: Vec<(PathBuf, LineIndex)>,
    occurrences: OnceLock<Vec<Occurrence>>,
}

/// Reads open documents before the disk.
pub struct OpenFirst<'a>(pub &'a Open);

impl SourceReader for OpenFirst<'_> {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        match self.0.get(&normalise(path)) {
            Some(text) => Ok(text.clone()),
            None => check::FsReader.read(path),
        }
    }
}

/// Reads open documents before the disk, and recovers each file from its syntax errors,
/// keeping the errors and the text as written for the diagnostics.
struct Reader<'a> {
    open: &'a Open,
    /// Imports are not followed at all (the fallback after an import cycle or a missing file).
    entry_only: bool,
    read: RefCell<Vec<Read>>,
}

/// One file as read: (the name diagnostics give it, its normalised path, its text as
/// written, its syntax errors).
type Read = (String, PathBuf, String, Vec<Diagnostic>);

impl Reader<'_> {
    fn text(&self, path: &Path) -> std::io::Result<String> {
        OpenFirst(self.open).read(path)
    }

    fn recover(&self, path: &Path, text: String) -> String {
        let recovered = tolerant::recover(path, &text);
        self.read.borrow_mut().push((
            path.display().to_string(),
            normalise(path),
            text,
            recovered.errors,
        ));
        recovered.text
    }
}

impl SourceReader for Reader<'_> {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        if self.entry_only {
            return Ok(String::new());
        }
        let text = self.text(path)?;
        Ok(self.recover(path, text))
    }

    fn read_trust(&self, path: &Path) -> std::io::Result<String> {
        self.text(path)
    }
}

impl Snapshot {
    /// Load and check the policy whose entry file is `entry` (a normalised absolute path).
    pub fn build(entry: &Path, open: &Open) -> Snapshot {
        let reader = Reader {
            open,
            entry_only: false,
            read: RefCell::new(Vec::new()),
        };
        let text = reader.text(entry).unwrap_or_default();
        let recovered = reader.recover(entry, text.clone());
        let (loaded, load_errors) = match check::load_text(entry, recovered.clone(), &reader) {
            Ok(loaded) => (loaded, Vec::new()),
            Err(errors) => {
                // A cycle or an unreadable import: still answer for the entry file alone.
                let fallback = Reader {
                    open,
                    entry_only: true,
                    read: RefCell::new(Vec::new()),
                };
                let alone = without_imports(&recovered);
                let loaded = check::load_text(entry, alone, &fallback).unwrap_or_else(|_| Loaded {
                    sources: crate::source::Sources::new(),
                    files: Vec::new(),
                    trust: Default::default(),
                });
                (loaded, errors.0)
            }
        };
        let analysis = check::analyse(&loaded);
        let files = loaded
            .sources
            .iter()
            .map(|(_, f)| (normalise(&f.path), LineIndex::new(&f.text)))
            .collect();
        let originals: HashMap<String, (PathBuf, String, LineIndex)> = reader
            .read
            .borrow()
            .iter()
            .map(|(name, path, text, _)| {
                (
                    name.clone(),
                    (path.clone(), text.clone(), LineIndex::new(text)),
                )
            })
            .collect();
        let mut found: Vec<&Diagnostic> = Vec::new();
        let read = reader.read.borrow();
        found.extend(read.iter().flat_map(|(_, _, _, errors)| errors));
        found.extend(&load_errors);
        if load_errors.is_empty() {
            found.extend(&analysis.errors);
            found.extend(analysis.test_errors.iter().flat_map(|(_, e)| e));
            if analysis.errors.is_empty() {
                found.extend(&analysis.warnings);
            }
        }
        let mut published: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
        // Every file read gets a list, empty or not, so that fixed errors are cleared.
        for (path, _, _) in originals.values() {
            published.entry(path.clone()).or_default();
        }
        let lookup = |name: &str| {
            let (path, text, lines) = originals.get(name)?;
            Some((path.clone(), text.as_str(), lines))
        };
        for d in found {
            if let Some((path, converted)) = diagnostics::convert(d, &lookup) {
                published.entry(path).or_default().push(converted);
            }
        }
        drop(read);
        Snapshot {
            loaded,
            analysis,
            diagnostics: published,
            files,
            occurrences: OnceLock::new(),
        }
    }

    /// Every occurrence in the policy's files, computed on first use.
    pub fn occurrences(&self) -> &[Occurrence] {
        self.occurrences
            .get_or_init(|| occurrences::collect(&self.loaded, &self.analysis))
    }

    /// The occurrence under the cursor.
    pub fn occurrence_at(&self, path: &Path, position: Position) -> Option<&Occurrence> {
        let file = self.file_id(path)?;
        let offset = self.offset(file, position);
        occurrences::at(self.occurrences(), file, offset)
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.file_id(path).is_some()
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|(p, _)| p == path)
            .map(|i| FileId(crate::index::to_u32(i)))
    }

    pub fn path(&self, file: FileId) -> Option<&Path> {
        self.files.get(file.0 as usize).map(|(p, _)| p.as_path())
    }

    pub fn text(&self, file: FileId) -> &str {
        &self.loaded.sources.get(file).text
    }

    /// The parsed file `file`, when it was loaded.
    pub fn ast(&self, file: FileId) -> Option<&crate::syntax::ast::File> {
        self.loaded
            .files
            .iter()
            .find(|(id, _)| *id == file)
            .map(|(_, f)| f)
    }

    pub fn offset(&self, file: FileId, position: Position) -> usize {
        match self.files.get(file.0 as usize) {
            Some((_, lines)) => lines.offset(self.text(file), position),
            None => 0,
        }
    }

    pub fn range(&self, span: Span) -> Range {
        match self.files.get(span.file.0 as usize) {
            Some((_, lines)) => {
                lines.range(self.text(span.file), span.start as usize, span.end as usize)
            }
            None => Range::default(),
        }
    }

    pub fn location(&self, span: Span) -> Option<Location> {
        let uri = Url::from_file_path(self.path(span.file)?).ok()?;
        Some(Location::new(uri, self.range(span)))
    }

    /// The source text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.loaded.sources.get(span.file).slice(span)
    }
}

/// The entry text with its `import` items blanked (one line each), for checking it alone.
fn without_imports(text: &str) -> String {
    let mut out = text.to_owned();
    for start in crate::syntax::item_starts(text) {
        let Some(rest) = text.get(start..) else {
            continue;
        };
        if rest.starts_with("import") {
            let end = rest.find('\n').map_or(text.len(), |i| start + i);
            tolerant::blank(&mut out, start, end);
        }
    }
    out
}
