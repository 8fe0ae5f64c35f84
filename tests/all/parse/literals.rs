//! Numbers (with `%`) and strings (with escapes).

use tollgate::syntax::ast::ExprKind;

use super::{expr, line_col, one_err, slice};

fn num(text: &str) -> (f64, String) {
    match expr(text).kind {
        ExprKind::Number(n) => (n.value, n.raw),
        other => panic!("not a number: {other:?}"),
    }
}

fn string(text: &str) -> (String, String) {
    match expr(text).kind {
        ExprKind::Str(s) => (s.value, s.raw),
        other => panic!("not a string: {other:?}"),
    }
}

#[test]
fn numbers() {
    assert_eq!(num("12"), (12.0, "12".into()));
    assert_eq!(num("0.5"), (0.5, "0.5".into()));
    assert_eq!(num("1e-3"), (1e-3, "1e-3".into()));
    assert_eq!(num("2.5E+2"), (250.0, "2.5E+2".into()));
    assert_eq!(num("007"), (7.0, "007".into()));
}

#[test]
fn percent_divides_by_100_and_keeps_the_spelling() {
    assert_eq!(num("5%"), (0.05, "5%".into()));
    assert_eq!(num("0.5%"), (0.005, "0.5%".into()));
    assert_eq!(num("100%"), (1.0, "100%".into()));
    assert_eq!(num("1e2%"), (1.0, "1e2%".into()));
}

#[test]
fn huge_number_is_out_of_range() {
    let d = one_err("let x = 1e999");
    assert_eq!(d.message, "number out of range");
    assert_eq!(line_col(&d), (1, 9));
    assert!(super::is_syntax(&d));
    // Large but finite is fine, and so is underflow to zero.
    assert_eq!(num("1e308").0, 1e308);
    assert_eq!(num("1e-999").0, 0.0);
}

#[test]
fn leading_dot_is_not_a_number() {
    let d = one_err("rule r { block when m > .5 }");
    assert_eq!(d.message, "a number cannot start with `.`");
    assert_eq!(d.help.as_deref(), Some("write `0.5`"));
    assert_eq!(line_col(&d), (1, 25));
}

#[test]
fn trailing_dot_and_space_before_percent_are_errors() {
    let d = one_err("let x = 1.");
    assert_eq!(line_col(&d), (1, 10));
    let d = one_err("let x = 5 %");
    assert_eq!(line_col(&d), (1, 11));
}

#[test]
fn escapes() {
    assert_eq!(string(r#""a\"b""#), ("a\"b".into(), r#"a\"b"#.into()));
    assert_eq!(
        string(r#""back\\slash""#),
        ("back\\slash".into(), r"back\\slash".into())
    );
    assert_eq!(string(r#""l1\nl2\tx""#).0, "l1\nl2\tx");
    assert_eq!(string(r#""\u{41}\u{1F600}\u{e9}""#).0, "A😀é");
    assert_eq!(string(r#""""#), (String::new(), String::new()));
    assert_eq!(
        string("\"héllo # not a comment\"").0,
        "héllo # not a comment"
    );
}

#[test]
fn string_span_includes_quotes() {
    let text = "\"a\\tb\"";
    let e = expr(text);
    assert_eq!(slice(text, e.span), text);
}

#[test]
fn invalid_escape_points_at_it() {
    let text = "import \"a\\qb\"";
    let d = one_err(text);
    assert_eq!(d.message, "unknown escape `\\q` in a string");
    assert_eq!(line_col(&d), (1, 10));
    let label = &d.labels[0];
    assert_eq!(&text[label.offset()..label.offset() + label.len()], "\\q");
    assert!(d.help.as_deref().unwrap().contains("\\u{HEX}"));
}

#[test]
fn invalid_unicode_escapes() {
    for (src, msg) in [
        (
            r#"import "\u{D800}""#,
            "`\\u{D800}` is not a Unicode character",
        ),
        (
            r#"import "\u{110000}""#,
            "`\\u{110000}` is not a Unicode character",
        ),
        (
            r#"import "\u41""#,
            "malformed unicode escape: write `\\u{` then 1 to 6 hex digits then `}`",
        ),
        (
            r#"import "\u{}""#,
            "malformed unicode escape: write `\\u{` then 1 to 6 hex digits then `}`",
        ),
        (
            r#"import "\u{1234567}""#,
            "malformed unicode escape: write `\\u{` then 1 to 6 hex digits then `}`",
        ),
        (
            r#"import "\u{12x}""#,
            "malformed unicode escape: write `\\u{` then 1 to 6 hex digits then `}`",
        ),
    ] {
        let d = one_err(src);
        assert_eq!(d.message, msg, "for {src}");
        assert_eq!(line_col(&d), (1, 9), "for {src}");
    }
}

#[test]
fn unterminated_string() {
    let d = one_err("policy \"p\" {}\nimport \"common.gate\nrule r { block when x }");
    assert_eq!(d.message, "unterminated string");
    assert_eq!(line_col(&d), (2, 8));
    assert!(d.help.as_deref().unwrap().contains("\\n"));
}

#[test]
fn strings_do_not_span_lines() {
    let d = one_err("import \"a\nb\"");
    assert_eq!(d.message, "unterminated string");
    assert_eq!(line_col(&d), (1, 8));
}
