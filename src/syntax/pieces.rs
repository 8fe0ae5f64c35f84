//! Large files parsed in pieces. pest keeps two tokens per rule it matched until the build of
//! the parsed text is done: hundreds of MB for a 10 MB policy parsed at once. Cut into pieces
//! that are each parsed, built and dropped in turn, it holds a piece's worth.
//!
//! A piece ends where a line outside all brackets starts with an item keyword. No item and no
//! expression goes on with an item keyword (an item keyword after an item that is not complete
//! fails that piece), so pieces that all parse give exactly the items of the whole text. When
//! one fails, the caller parses the whole text instead, so errors are found and worded as
//! before.

use pest::Parser;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::Sources;
use crate::span::FileId;

use super::context::{Ctx, Origin};
use super::grammar::{GateParser, Rule};
use super::{ast, build_file, comments, item_word, lexical};

/// Smallest piece, in bytes; a text no longer than this is parsed whole.
const PIECE_BYTES: usize = 64 * 1024;

/// The parse of `text` (file `file` of `sources`) in pieces; `None` when it is small, or when
/// the scan or a piece finds a problem.
pub(super) fn parse(
    sources: &Sources,
    file: FileId,
    text: &str,
) -> Option<Result<ast::File, Diagnostics>> {
    if text.len() <= PIECE_BYTES {
        return None;
    }
    let scan = lexical::scan(text);
    if scan.problem.is_some() {
        return None;
    }
    let starts = starts(text);
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    let mut items = Vec::new();
    let mut diags = Vec::new();
    for (&start, end) in starts.iter().zip(ends) {
        let pairs = GateParser::parse(Rule::file, text.get(start..end)?).ok()?;
        let mut ctx = Ctx::new(sources, file, Origin::Direct { base: start });
        items.extend(build_file(&mut ctx, pairs));
        diags.append(&mut ctx.diags);
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Some(Err(Diagnostics(diags)));
    }
    let comments = comments::collect(sources, file, &scan.comments, 0);
    Some(Ok(ast::File { items, comments }))
}

/// Where the pieces start: at 0, then at the first item keyword that starts a line outside
/// all brackets at least [`PIECE_BYTES`] after the previous start.
fn starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    for line in lexical::top_level_lines(text) {
        if starts.last().is_some_and(|&s| line >= s + PIECE_BYTES) {
            let rest = text.get(line..).unwrap_or("");
            let first = rest.split_inclusive('\n').next().unwrap_or("");
            if let Some(word) = item_word(first) {
                starts.push(line + word);
            }
        }
    }
    starts
}

#[cfg(test)]
#[path = "pieces_tests.rs"]
mod tests;
