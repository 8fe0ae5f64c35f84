//! Comments are collected with their text and spans, wherever they stand.

use super::{parse_ok, slice};

#[test]
fn comments_everywhere_with_text_and_spans() {
    let text = "# header comment\r\npolicy   \"fmt\" {version \"3\"} # after header\n\
                metric m from \"m\"   lower is better   # trailing comment\n\
                rule r { # in a body\n  block when m > 1 # after a clause\n    and m < 2 # inside an expression\n}\n\
                # last line, no newline";
    let f = parse_ok(text);
    let texts: Vec<&str> = f.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "# header comment",
            "# after header",
            "# trailing comment",
            "# in a body",
            "# after a clause",
            "# inside an expression",
            "# last line, no newline",
        ]
    );
    for c in &f.comments {
        assert_eq!(slice(text, c.span), c.text);
    }
    assert_eq!(f.comments[0].span.start, 0);
}

#[test]
fn hash_inside_strings_is_not_a_comment() {
    let f =
        parse_ok("policy \"p#1\" {}\nrule r { block when x == \"#\" message \"# {x}\" } # real");
    let texts: Vec<&str> = f.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["# real"]);
}

#[test]
fn comment_with_quotes_and_braces_is_ignored_by_the_parser() {
    let f = parse_ok("rule r { # \" { ( [ unbalanced in a comment\n block when x }");
    assert_eq!(f.items.len(), 1);
    assert_eq!(f.comments.len(), 1);
}
