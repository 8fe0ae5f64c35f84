//! The table of source files a policy was read from, for spans and diagnostics.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use miette::NamedSource;

use crate::span::{FileId, Span};

/// One policy file's text and the name it is shown under.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as it was reached (the command-line path, joined with import paths).
    pub path: PathBuf,
    /// The name shown in diagnostics and reports.
    pub name: String,
    pub text: Arc<str>,
    /// Byte offsets where lines start, computed on first use: finding a line is then a
    /// binary search, not a scan from the start of the file (which made placing every rule
    /// of a large policy quadratic).
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// 1-based line and column of a byte offset (columns count characters).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if !self.text.is_char_boundary(offset) {
            return (1, 1);
        }
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        // The number of lines that start at or before `offset`; the first starts at 0.
        let line = starts.partition_point(|&start| start <= offset).max(1);
        let line_start = starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line, column)
    }

    pub fn named_source(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(&self.name, Arc::clone(&self.text))
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// All the files of one policy: the entry file first, then imports in the order reached.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    pub fn add(
        &mut self,
        path: impl AsRef<Path>,
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
    ) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            path: path.as_ref().to_path_buf(),
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        });
        id
    }

    /// The file a span or id refers to. Ids only come from `add`, so a miss is a bug; an empty
    /// placeholder keeps diagnostics rendering rather than panicking.
    pub fn get(&self, id: FileId) -> &SourceFile {
        static EMPTY: std::sync::OnceLock<SourceFile> = std::sync::OnceLock::new();
        self.files.get(id.0 as usize).unwrap_or_else(|| {
            EMPTY.get_or_init(|| SourceFile {
                path: PathBuf::new(),
                name: String::from("<unknown>"),
                text: Arc::from(""),
                line_starts: OnceLock::new(),
            })
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(crate::index::to_u32(i)), f))
    }

    /// 1-based line and column of a span's start.
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        self.get(span.file).line_col(span.start as usize)
    }
}
