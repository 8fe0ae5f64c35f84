//! Message templates: `{expr}` interpolations, `{{`/`}}` braces, spans inside the literal.

use tollgate::syntax::ast::{File, RuleStmt, TemplatePart};

use super::{line_col, one_err, parse_ok, rules, slice, sx};

fn message(f: &File) -> (&tollgate::syntax::ast::StrLit, &[TemplatePart]) {
    for s in &rules(f)[0].body {
        if let RuleStmt::Message(m) = s {
            return (&m.template, &m.parts);
        }
    }
    panic!("no message");
}

fn parts(f: &File) -> Vec<String> {
    message(f)
        .1
        .iter()
        .map(|p| match p {
            TemplatePart::Text(t) => format!("text:{t}"),
            TemplatePart::Expr(e) => format!("expr:{}", sx(e)),
        })
        .collect()
}

#[test]
fn interpolation_with_escaped_quotes() {
    let text = r#"rule r { block when x message "{count(flags where source == \"expert\")} expert flag(s) on behavior" }"#;
    let f = parse_ok(text);
    assert_eq!(
        parts(&f),
        [
            "expr:count((where flags (== source \"expert\")))",
            "text: expert flag(s) on behavior"
        ]
    );
    // The interpolated expression's spans point at what was written, escapes included.
    let TemplatePart::Expr(e) = &message(&f).1[0] else {
        panic!()
    };
    assert_eq!(
        slice(text, e.span),
        r#"count(flags where source == \"expert\")"#
    );
    let tollgate::syntax::ast::ExprKind::Call { args, .. } = &e.kind else {
        panic!()
    };
    let tollgate::syntax::ast::ExprKind::Where { predicate, .. } = &args[0].kind else {
        panic!()
    };
    let tollgate::syntax::ast::ExprKind::Binary { rhs, .. } = &predicate.kind else {
        panic!()
    };
    assert_eq!(slice(text, rhs.span), r#"\"expert\""#);
}

#[test]
fn literal_braces_and_several_interpolations() {
    let f = parse_ok(r#"rule r { block when x message "{{literal}} {a} and {b + 1}}}" }"#);
    assert_eq!(
        parts(&f),
        [
            "text:{literal} ",
            "expr:a",
            "text: and ",
            "expr:(+ b 1)",
            "text:}"
        ]
    );
}

#[test]
fn plain_message_is_one_text_part_and_empty_message_has_none() {
    let f = parse_ok(r#"rule r { block when x message "no braces here" }"#);
    assert_eq!(parts(&f), ["text:no braces here"]);
    let f = parse_ok(r#"rule r { block when x message "" }"#);
    assert!(parts(&f).is_empty());
}

#[test]
fn escapes_are_applied_before_braces() {
    // `\u{7B}` is `{`: after unescaping it opens an interpolation.
    let f = parse_ok(r#"rule r { block when x message "a\u{7B}b}\n" }"#);
    assert_eq!(parts(&f), ["text:a", "expr:b", "text:\n"]);
    let (lit, _) = message(&f);
    assert_eq!(lit.raw, r"a\u{7B}b}\n");
}

#[test]
fn brace_inside_a_string_in_an_interpolation() {
    let f = parse_ok(r#"rule r { block when x message "{note == \"}\"}!" }"#);
    assert_eq!(parts(&f), ["expr:(== note \"}\")", "text:!"]);
}

#[test]
fn unbalanced_braces_are_errors() {
    let d = one_err(r#"rule r { block when x message "count: {x" }"#);
    assert_eq!(d.message, "unclosed `{` in a message");
    assert_eq!(line_col(&d), (1, 39));
    let d = one_err(r#"rule r { block when x message "a } b" }"#);
    assert_eq!(d.message, "unmatched `}` in a message");
    assert_eq!(line_col(&d), (1, 34));
    let d = one_err(r#"rule r { block when x message "a {} b" }"#);
    assert_eq!(d.message, "empty `{}` in a message");
}

#[test]
fn syntax_error_inside_an_interpolation_points_into_the_literal() {
    let text = "rule r {\n  block when x\n  message \"n = {count(flags) >}\"\n}";
    let d = one_err(text);
    assert_eq!(
        d.message,
        "expected an expression, found the end of the interpolation (`}`)"
    );
    assert_eq!(line_col(&d), (3, 31));
    super::assert_no_rule_names(&d);
    let d = one_err("rule r { block when x message \"{a b}\" }");
    assert_eq!(line_col(&d), (1, 35));
}
