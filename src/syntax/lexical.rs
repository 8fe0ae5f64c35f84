//! One linear, string- and comment-aware pass over source text, run before pest.
//!
//! It finds what the grammar handles badly or not at all: bracket nesting deeper than the
//! limit (which would otherwise recurse in pest and in the builders), the first bracket or
//! string problem (reported in better words than a pest error can give), and every comment.
//! Its notion of strings and comments is the grammar's: a string runs from `"` to the next
//! unescaped `"` on the same line, a comment from `#` outside a string to the end of the line.
//! JSON strings in inline evidence have the same shape, so one scanner serves both.

use std::ops::Range;

use super::limits::MAX_BRACKET_DEPTH;

/// What the scanner learnt about a text.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// Byte ranges of comments: from `#` to the end of the line, without the line break and
    /// any `\r` before it.
    pub comments: Vec<Range<usize>>,
    /// The first bracket or string problem, if any. Scanning stops there.
    pub problem: Option<LexProblem>,
}

/// A lexical problem, by byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LexProblem {
    /// A string opened at `start` and cut at `end` by a line break or the end of the text.
    UnterminatedString { start: usize, end: usize },
    /// A bracket still open at the end of the text (the innermost one).
    Unclosed { open: usize, ch: u8 },
    /// A closing bracket with nothing to close.
    Unmatched { close: usize, ch: u8 },
    /// A closing bracket of the wrong kind for the innermost open one.
    Mismatched {
        open: usize,
        open_ch: u8,
        close: usize,
        close_ch: u8,
    },
    /// Bracket nesting deeper than [`MAX_BRACKET_DEPTH`]; `open` is the first bracket too deep.
    TooDeep { open: usize },
}

impl LexProblem {
    /// The offset a reader should look at first.
    pub fn position(&self) -> usize {
        match *self {
            LexProblem::UnterminatedString { start, .. } => start,
            LexProblem::Unclosed { open, .. } => open,
            LexProblem::Unmatched { close, .. } | LexProblem::Mismatched { close, .. } => close,
            LexProblem::TooDeep { open } => open,
        }
    }
}

/// The bracket that closes `open`.
pub(crate) fn closing(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// Scan `text` (see the module documentation).
pub(crate) fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut open: Vec<(usize, u8)> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' => {
                let end = line_end(bytes, i);
                let trimmed = if end > i && bytes.get(end - 1) == Some(&b'\r') {
                    end - 1
                } else {
                    end
                };
                out.comments.push(i..trimmed);
                i = end;
                continue;
            }
            b'"' => match string_end(bytes, i) {
                Ok(end) => {
                    i = end;
                    continue;
                }
                Err(end) => {
                    out.problem = Some(LexProblem::UnterminatedString { start: i, end });
                    return out;
                }
            },
            b'(' | b'[' | b'{' => {
                if open.len() >= MAX_BRACKET_DEPTH {
                    out.problem = Some(LexProblem::TooDeep { open: i });
                    return out;
                }
                open.push((i, b));
            }
            b')' | b']' | b'}' => match open.pop() {
                None => {
                    out.problem = Some(LexProblem::Unmatched { close: i, ch: b });
                    return out;
                }
                Some((at, ch)) if closing(ch) != b => {
                    out.problem = Some(LexProblem::Mismatched {
                        open: at,
                        open_ch: ch,
                        close: i,
                        close_ch: b,
                    });
                    return out;
                }
                Some(_) => {}
            },
            _ => {}
        }
        i += 1;
    }
    if let Some(&(at, ch)) = open.last() {
        out.problem = Some(LexProblem::Unclosed { open: at, ch });
    }
    out
}

/// The offset of every line start outside all brackets, in order, except the first line's.
/// Strings and comments end at a line break, so no line starts inside one. Brackets are
/// counted as in [`scan`], for a text it found no problem in.
pub(crate) fn top_level_lines(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    std::iter::from_fn(move || {
        while let Some(&b) = bytes.get(i) {
            match b {
                b'#' => i = line_end(bytes, i),
                b'"' => i = string_end(bytes, i).unwrap_or_else(|cut| cut),
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                b'\n' if depth == 0 => {
                    i += 1;
                    return Some(i);
                }
                _ => i += 1,
            }
        }
        None
    })
}

/// The offset of the line break ending the line that holds `from`, or the end of the text.
fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |n| from + n)
}

/// The offset just past the string opened by the quote at `start`: `Ok` after its closing
/// quote, `Err` at the line break or end of text that cuts it short.
fn string_end(bytes: &[u8], start: usize) -> Result<usize, usize> {
    let mut i = start + 1;
    loop {
        match bytes.get(i) {
            None => return Err(i),
            Some(b'"') => return Ok(i + 1),
            Some(b'\n' | b'\r') => return Err(i),
            Some(b'\\') => match bytes.get(i + 1) {
                None | Some(b'\n' | b'\r') => return Err(i + 1),
                Some(_) => i += 2,
            },
            Some(_) => i += 1,
        }
    }
}

#[cfg(test)]
#[path = "lexical_tests.rs"]
mod tests;
