//! Positions as the protocol counts them (line, UTF-16 code unit) and byte offsets as spans
//! count them, both ways; and applying an incremental edit to a document's text.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Where each line of one text starts, for converting in O(log lines).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The protocol position of byte `offset` in `text` (clamped to the text).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_boundary(text, offset);
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum::<usize>());
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of a protocol position; past the end of a line is its end.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |&next| next.saturating_sub(1));
        let line = text.get(start..end).unwrap_or("");
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

/// Apply one change from `textDocument/didChange`: a range replaced, or the whole text.
pub fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        Some(range) => {
            let index = LineIndex::new(text);
            let start = index.offset(text, range.start);
            let end = index.offset(text, range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
        None => *text = change.text,
    }
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

pub fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every character boundary survives offset → position → offset.
        #[test]
        fn positions_round_trip(text in "[a-z é𝄞\\n]{0,40}") {
            let index = LineIndex::new(&text);
            for (offset, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                let position = index.position(&text, offset);
                prop_assert_eq!(index.offset(&text, position), offset);
            }
        }

        /// An incremental change gives the text a whole-text replacement gives.
        #[test]
        fn incremental_change_is_a_splice(text in "[a-z\\n]{0,30}", a in 0usize..31, b in 0usize..31, new in "[xy\\n]{0,4}") {
            let (a, b) = (a.min(text.len()), b.min(text.len()));
            let (start, end) = (a.min(b), a.max(b));
            let index = LineIndex::new(&text);
            let mut edited = text.clone();
            apply_change(&mut edited, TextDocumentContentChangeEvent {
                range: Some(index.range(&text, start, end)),
                range_length: None,
                text: new.clone(),
            });
            let expected = format!("{}{}{}", &text[..start], new, &text[end..]);
            prop_assert_eq!(edited, expected);
        }
    }
}
