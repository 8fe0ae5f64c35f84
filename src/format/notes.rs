//! Comments as the formatter sees them: where each stood relative to the code, and a cursor
//! that hands them out in source order.
//!
//! Every comment is printed exactly once and in its original order: the layout asks the
//! cursor for "the comments before offset N" at each place a comment may go (before an item
//! or statement, between the operands of `and`/`or`, between list elements and JSON members,
//! at the end of a body or the file). A comment written where no such place is (inside a call,
//! between a key and its value) goes to the next one.

use crate::syntax::ast::Comment;

/// One comment with what the layout needs to know about its surroundings.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    /// From `#` to the end of the line, trailing whitespace removed.
    pub text: String,
    pub start: usize,
    /// Nothing but whitespace before it on its line.
    pub own_line: bool,
    /// A blank line between it and whatever comes before it.
    pub blank_before: bool,
}

/// The comments of a file, handed out in order.
pub(crate) struct Cursor {
    notes: Vec<Note>,
    next: usize,
}

impl Cursor {
    pub fn new(src: &str, comments: &[Comment]) -> Cursor {
        let notes = comments
            .iter()
            .map(|c| {
                let start = c.span.start as usize;
                Note {
                    text: c.text.trim_end().to_string(),
                    start,
                    own_line: own_line(src, start),
                    blank_before: blank_before(src, start),
                }
            })
            .collect();
        Cursor { notes, next: 0 }
    }

    /// The comments not yet handed out that start before `pos`.
    pub fn take_before(&mut self, pos: usize) -> Vec<Note> {
        let from = self.next;
        while self.notes.get(self.next).is_some_and(|n| n.start < pos) {
            self.next += 1;
        }
        self.notes.get(from..self.next).unwrap_or_default().to_vec()
    }

    /// Whether any comment starts in `from..to` (handed out or not).
    pub fn any_in(&self, from: usize, to: usize) -> bool {
        let i = self.notes.partition_point(|n| n.start < from);
        self.notes.get(i).is_some_and(|n| n.start < to)
    }
}

/// Whitespace as the grammar has it, plus the byte-order mark it ignores at the start.
fn is_layout(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{feff}')
}

/// Whether only whitespace precedes `pos` on its line.
fn own_line(src: &str, pos: usize) -> bool {
    let before = src.get(..pos).unwrap_or("");
    before
        .chars()
        .rev()
        .take_while(|&c| c != '\n')
        .all(is_layout)
}

/// Whether the whitespace just before `pos` holds a blank line.
pub(crate) fn blank_before(src: &str, pos: usize) -> bool {
    let before = src.get(..pos).unwrap_or("");
    before
        .chars()
        .rev()
        .take_while(|&c| is_layout(c))
        .filter(|&c| c == '\n')
        .nth(1)
        .is_some()
}

/// Whether `src[from..to]` holds a line break: the author wrote the bracket opened at `from`
/// over several lines.
pub(crate) fn breaks_between(src: &str, from: usize, to: usize) -> bool {
    src.get(from..to).is_some_and(|s| s.contains('\n'))
}
