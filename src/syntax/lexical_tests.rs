#![allow(clippy::unwrap_used)]

use super::{scan, LexProblem};
use crate::syntax::limits::MAX_BRACKET_DEPTH;

#[test]
fn comments_stop_before_the_line_break_and_any_cr() {
    let text = "a # one\r\nb #two\n# three";
    let ranges: Vec<&str> = scan(text).comments.into_iter().map(|r| &text[r]).collect();
    assert_eq!(ranges, ["# one", "#two", "# three"]);
}

#[test]
fn hash_and_brackets_in_strings_are_text() {
    let s = scan(r##"x "# ( [ { \" still string" ) y"##);
    assert!(s.comments.is_empty());
    assert_eq!(
        s.problem,
        Some(LexProblem::Unmatched {
            close: 28,
            ch: b')'
        })
    );
}

#[test]
fn quotes_and_brackets_in_comments_are_text() {
    let s = scan("a # \" ( [ {\nb");
    assert_eq!(s.comments.len(), 1);
    assert_eq!(s.problem, None);
}

#[test]
fn unterminated_strings() {
    assert_eq!(
        scan("x \"abc\ny").problem,
        Some(LexProblem::UnterminatedString { start: 2, end: 6 })
    );
    assert_eq!(
        scan("x \"abc").problem,
        Some(LexProblem::UnterminatedString { start: 2, end: 6 })
    );
    assert_eq!(
        scan("\"a\\\"").problem,
        Some(LexProblem::UnterminatedString { start: 0, end: 4 })
    );
    assert_eq!(
        scan("\"a\\").problem,
        Some(LexProblem::UnterminatedString { start: 0, end: 3 })
    );
    assert_eq!(
        scan("\"a\r\n\"").problem,
        Some(LexProblem::UnterminatedString { start: 0, end: 2 })
    );
}

#[test]
fn bracket_problems() {
    assert_eq!(
        scan("(]").problem,
        Some(LexProblem::Mismatched {
            open: 0,
            open_ch: b'(',
            close: 1,
            close_ch: b']'
        })
    );
    assert_eq!(
        scan("{ ( }").problem,
        Some(LexProblem::Mismatched {
            open: 2,
            open_ch: b'(',
            close: 4,
            close_ch: b'}'
        })
    );
    assert_eq!(
        scan("{ [ ] ( ").problem,
        Some(LexProblem::Unclosed { open: 6, ch: b'(' })
    );
    assert_eq!(
        scan("}").problem,
        Some(LexProblem::Unmatched { close: 0, ch: b'}' })
    );
    assert_eq!(scan("{ [ ( ) ] }").problem, None);
}

#[test]
fn depth_limit_counts_every_bracket_kind() {
    let ok = "{[(".repeat(MAX_BRACKET_DEPTH / 3) + &"(".repeat(MAX_BRACKET_DEPTH % 3);
    assert_eq!(ok.len(), MAX_BRACKET_DEPTH);
    assert!(matches!(
        scan(&ok).problem,
        Some(LexProblem::Unclosed { .. })
    ));
    let deep = ok.clone() + "[";
    assert_eq!(
        scan(&deep).problem,
        Some(LexProblem::TooDeep {
            open: MAX_BRACKET_DEPTH
        })
    );
}
