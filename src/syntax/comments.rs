//! Comments, from the offsets the lexical scan found.

use std::ops::Range;

use crate::source::Sources;
use crate::span::{FileId, Span};

use super::ast::Comment;

/// The comments at `ranges` (offsets relative to `base`) of `file`, in source order. Their
/// text starts at `#` and has no line break or trailing `\r`.
pub(crate) fn collect(
    sources: &Sources,
    file: FileId,
    ranges: &[Range<usize>],
    base: usize,
) -> Vec<Comment> {
    let text: &str = &sources.get(file).text;
    ranges
        .iter()
        .map(|r| Comment {
            text: text
                .get(base + r.start..base + r.end)
                .unwrap_or("")
                .to_string(),
            span: Span::new(file, base + r.start, base + r.end),
        })
        .collect()
}
