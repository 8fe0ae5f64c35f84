//! Expressions: precedence, associativity, atoms, spans, word boundaries.

use tollgate::syntax::ast::ExprKind;

use super::{expr, slice, sx};

fn p(text: &str) -> String {
    sx(&expr(text))
}

#[test]
fn not_binds_looser_than_comparison_and_tighter_than_and() {
    assert_eq!(p("not a and b"), "(and (not a) b)");
    assert_eq!(p("not a == b"), "(not (== a b))");
    assert_eq!(p("not not a"), "(not (not a))");
    assert_eq!(p("a and not b or c"), "(or (and a (not b)) c)");
}

#[test]
fn or_is_looser_than_and() {
    assert_eq!(p("a or b and c"), "(or a (and b c))");
    assert_eq!(p("a and b or c and d"), "(or (and a b) (and c d))");
}

#[test]
fn logic_chains_are_left_associative() {
    assert_eq!(p("a or b or c"), "(or (or a b) c)");
    assert_eq!(p("a and b and c"), "(and (and a b) c)");
}

#[test]
fn arithmetic_precedence_and_associativity() {
    assert_eq!(p("-x * y"), "(* (neg x) y)");
    assert_eq!(p("a + b * c"), "(+ a (* b c))");
    assert_eq!(p("a - b - c"), "(- (- a b) c)");
    assert_eq!(p("a / b * c"), "(* (/ a b) c)");
    assert_eq!(p("a - -b"), "(- a (neg b))");
    assert_eq!(p("- - a"), "(neg (neg a))");
    assert_eq!(p("a+b>c*2"), "(> (+ a b) (* c 2))");
}

#[test]
fn where_binds_loosest_and_extends_right() {
    assert_eq!(
        p("count(flags where a and b) > 1"),
        "(> count((where flags (and a b))) 1)"
    );
    assert_eq!(p("flags where a or b"), "(where flags (or a b))");
    assert_eq!(p("a where b where c"), "(where a (where b c))");
    assert_eq!(
        p("any(refusals where regression > 1%)"),
        "any((where refusals (> regression 1%)))"
    );
}

#[test]
fn every_comparison_operator() {
    for op in ["==", "!=", "<", "<=", ">", ">=", "in", "not in"] {
        assert_eq!(p(&format!("a {op} b")), format!("({op} a b)"));
    }
    assert_eq!(p("category not in behavior"), "(not in category behavior)");
    assert_eq!(p("not a in b"), "(not (in a b))");
    assert_eq!(p("a==b"), "(== a b)");
}

#[test]
fn atoms() {
    assert_eq!(p("true"), "true");
    assert_eq!(p("false"), "false");
    for s in ["info", "low", "medium", "high", "critical"] {
        assert_eq!(p(s), format!("sev:{s}"));
    }
    assert_eq!(p("\"text\""), "\"text\"");
    assert_eq!(p("[1, 2, 3]"), "[1 2 3]");
    assert_eq!(p("[]"), "[]");
    assert_eq!(p("[a,\n b,\n]"), "[a b]", "a list may end with a comma");
    assert_eq!(p("(a)"), "(paren a)");
    assert_eq!(p("((a or b)) and c"), "(and (paren (paren (or a b))) c)");
    assert_eq!(p("min(a, b, 3)"), "min(a, b, 3)");
    assert_eq!(p("f()"), "f()");
    assert_eq!(p("signed (\"x\")"), "signed(\"x\")");
    assert_eq!(p("stage"), "stage");
}

#[test]
fn keywords_are_whole_words() {
    // Names that begin with a reserved word are ordinary names.
    for name in [
        "index",
        "notable",
        "information",
        "order",
        "android",
        "lowest",
        "high_score",
        "passes",
        "blocked",
        "whenever",
        "truely",
        "infos",
        "rules",
        "tests",
        "imports",
        "letter",
    ] {
        assert_eq!(p(name), name);
        assert_eq!(p(&format!("{name} > 1")), format!("(> {name} 1)"));
    }
    assert_eq!(p("notable and index"), "(and notable index)");
    assert_eq!(p("not notable"), "(not notable)");
    assert_eq!(p("a in index"), "(in a index)");
    assert_eq!(p("a or or_else"), "(or a or_else)");
    assert_eq!(p("_not"), "_not");
}

#[test]
fn spans_cover_what_was_written() {
    let text = "count(flags where a and b) > 1";
    let e = expr(text);
    assert_eq!(slice(text, e.span), text);
    let ExprKind::Binary { lhs, rhs, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(slice(text, lhs.span), "count(flags where a and b)");
    assert_eq!(slice(text, rhs.span), "1");
    let ExprKind::Call { func, args } = &lhs.kind else {
        panic!()
    };
    assert_eq!(slice(text, func.span), "count");
    assert_eq!(slice(text, args[0].span), "flags where a and b");
    let ExprKind::Where { predicate, .. } = &args[0].kind else {
        panic!()
    };
    assert_eq!(slice(text, predicate.span), "a and b");

    let text = "not  -x";
    let e = expr(text);
    assert_eq!(slice(text, e.span), text);
    let ExprKind::Unary { operand, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(slice(text, operand.span), "-x");

    let text = "( a )";
    assert_eq!(slice(text, expr(text).span), "( a )");
}

#[test]
fn comments_and_newlines_inside_expressions() {
    assert_eq!(
        p("a # first\n  and b # second\n  and c"),
        "(and (and a b) c)"
    );
    assert_eq!(p("f(\n  a, # one\n  b\n)"), "f(a, b)");
}

#[test]
fn parse_expr_spans_point_into_the_file() {
    let text = "let x = 1 + 2";
    let (s, id) = super::sources(text);
    let e = tollgate::syntax::parse_expr(&s, id, 8, text.len()).unwrap();
    assert_eq!((e.span.start, e.span.end), (8, 13));
    assert_eq!(sx(&e), "(+ 1 2)");
}
