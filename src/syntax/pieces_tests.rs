#![allow(clippy::unwrap_used, clippy::panic)]

use super::{parse, PIECE_BYTES};
use crate::source::Sources;
use crate::span::FileId;
use crate::syntax::parse_whole;

/// A policy of several pieces, with the forms a cut must not fall inside: bodies and
/// expressions across lines, comments, strings and inline JSON holding item keywords.
fn large_policy() -> String {
    let mut text = String::from("\u{feff}policy \"p\" {\n  version \"1\"\n}\n");
    let mut i = 0;
    while text.len() < 3 * PIECE_BYTES {
        text.push_str(&format!(
            "metric m{i} from \"m{i}\" higher is better # rule {i} (\n\
             let l{i} = m{i} +\n  2 *\n(m{i}\n)\n\
             rule r{i} \"rule ( {i}\" {{\n  block when l{i} > 1 and\n  not m{i} in [1,\n 2]\n\
               message \"{{m{i}}} }}}}\"\n}}\n\
             test \"t{i}\" {{\n  evidence {{\n\"a\": \"{{\",\nrule\n}}\n  expect block\n}}\n"
        ));
        i += 1;
    }
    text
}

fn both(text: &str) -> (String, String) {
    let mut sources = Sources::new();
    let id: FileId = sources.add("p.gate", "p.gate", text);
    let pieces = parse(&sources, id, text).unwrap();
    let whole = parse_whole(&sources, id, text);
    // Debug output shows spans, which `==` on the AST ignores.
    (format!("{pieces:?}"), format!("{whole:?}"))
}

#[test]
fn pieces_give_the_items_and_spans_of_the_whole() {
    let text = large_policy();
    assert!(super::starts(&text).len() >= 3);
    let (pieces, whole) = both(&text);
    assert!(whole.starts_with("Ok"), "{}", &whole[..200]);
    assert_eq!(pieces, whole);
}

#[test]
fn builder_errors_are_the_same_in_pieces() {
    let mut text = large_policy();
    text.push_str("rule block { warn when x }\nlet s = \"\\q\"\n");
    let (pieces, whole) = both(&text);
    assert!(whole.starts_with("Err"));
    assert_eq!(pieces, whole);
}

#[test]
fn a_syntax_error_leaves_the_whole_text_to_the_caller() {
    let mut sources = Sources::new();
    let mut text = large_policy();
    text.push_str("let x = 1 +\nrule r { block when x }\n");
    let id = sources.add("p.gate", "p.gate", text.as_str());
    assert!(parse(&sources, id, &text).is_none());
    let small = "rule r { block when x }";
    assert!(parse(&sources, id, small).is_none());
}
