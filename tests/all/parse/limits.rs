//! Size and nesting limits: at the limit parses, past it is a `tollgate::limit` error, and no
//! input overflows the stack.

use tollgate::diagnostic::Code;
use tollgate::syntax::limits::{MAX_BRACKET_DEPTH, MAX_EXPR_DEPTH, MAX_SOURCE_BYTES};

use super::{expr, line_col, parse_err, parse_ok, sx};

fn limit_error(text: &str) -> tollgate::diagnostic::Diagnostic {
    let ds = parse_err(text);
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0].code, Code::Limit, "{ds:?}");
    ds.into_iter().next().unwrap()
}

/// `let x = ` and `depth` nested brackets around `a`.
fn nested(open: &str, close: &str, depth: usize) -> String {
    format!("let x = {}a{}", open.repeat(depth), close.repeat(depth))
}

#[test]
fn parentheses_at_the_limit_parse() {
    // A `let` body holds no other bracket, so all 64 levels are parentheses.
    let f = parse_ok(&nested("(", ")", MAX_BRACKET_DEPTH));
    let tollgate::syntax::ast::Item::Let(l) = &f.items[0] else {
        panic!()
    };
    assert!(sx(&l.value).starts_with("(paren (paren"));
}

#[test]
fn parentheses_past_the_limit_are_rejected() {
    let d = limit_error(&nested("(", ")", MAX_BRACKET_DEPTH + 1));
    assert_eq!(d.message, "expression nesting deeper than 64 levels");
    assert!(d.help.as_deref().unwrap().contains("let"));
    assert_eq!(line_col(&d), (1, 9 + MAX_BRACKET_DEPTH));
}

#[test]
fn hundred_thousand_brackets_do_not_overflow() {
    for (open, close) in [("(", ")"), ("[", "]"), ("f(", ")")] {
        limit_error(&nested(open, close, 100_000));
        // Unclosed too.
        limit_error(&format!("let x = {}", open.repeat(100_000)));
    }
    limit_error(&format!(
        "test \"t\" {{ evidence {} }}",
        "{".repeat(100_000)
    ));
}

#[test]
fn rule_braces_count_towards_bracket_depth() {
    let inner = "(".repeat(MAX_BRACKET_DEPTH - 1) + "a" + &")".repeat(MAX_BRACKET_DEPTH - 1);
    parse_ok(&format!("rule r {{ block when {inner} }}"));
    let inner = "(".repeat(MAX_BRACKET_DEPTH) + "a" + &")".repeat(MAX_BRACKET_DEPTH);
    limit_error(&format!("rule r {{ block when {inner} }}"));
}

#[test]
fn long_operator_chains_are_limited_by_tree_depth() {
    // `a and a and …` with n terms is n-1 levels of `and` over leaves: depth n.
    let chain = |op: &str, n: usize| vec!["a"; n].join(op);
    parse_ok(&format!("let x = {}", chain(" and ", MAX_EXPR_DEPTH)));
    let d = limit_error(&format!("let x = {}", chain(" and ", MAX_EXPR_DEPTH + 1)));
    assert_eq!(d.message, "expression nested deeper than 256 levels");
    limit_error(&format!("let x = {}", chain(" and ", 100_000)));
    // The other chains more briefly: an unoptimised build parses about 30,000 terms a second.
    for op in [" or ", " + ", " - ", " * ", " / ", " where "] {
        parse_ok(&format!("let x = {}", chain(op, MAX_EXPR_DEPTH)));
        limit_error(&format!("let x = {}", chain(op, 20_000)));
    }
    // A long `where` chain is reported near its start, not 20,000 terms along the line.
    let d = limit_error(&format!("let x = {}", chain(" where ", 20_000)));
    let (line, column) = line_col(&d);
    assert_eq!(line, 1);
    assert!(column < 4_000, "column {column}");
}

#[test]
fn long_prefix_runs_are_limited_by_tree_depth() {
    let run = |op: &str, n: usize| format!("let x = {}a", op.repeat(n));
    parse_ok(&run("not ", MAX_EXPR_DEPTH - 1));
    limit_error(&run("not ", MAX_EXPR_DEPTH));
    limit_error(&run("not ", 100_000));
    parse_ok(&run("-", MAX_EXPR_DEPTH - 1));
    limit_error(&run("- ", 100_000));
}

#[test]
fn nesting_limit_applies_inside_message_templates() {
    let deep = |n: usize| {
        format!(
            "rule r {{ block when x message \"{{{}a{}}}\" }}",
            "(".repeat(n),
            ")".repeat(n)
        )
    };
    parse_ok(&deep(MAX_BRACKET_DEPTH));
    limit_error(&deep(MAX_BRACKET_DEPTH + 1));
    limit_error(&deep(100_000));
}

#[test]
fn parse_expr_applies_the_limits() {
    let text = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
    let (s, id) = super::sources(&text);
    let ds = tollgate::syntax::parse_expr(&s, id, 0, text.len()).unwrap_err();
    assert_eq!(ds.0[0].code, Code::Limit);
    assert_eq!(sx(&expr("not not a")), "(not (not a))");
}

#[test]
fn source_size_limit() {
    // Exactly at the limit the size is accepted: the file is read and fails on its first
    // character instead (parsing 64 MiB of valid text would take a debug build too long).
    let mut text = String::from("@");
    text.push_str(&"x".repeat(MAX_SOURCE_BYTES - text.len()));
    assert_eq!(text.len(), MAX_SOURCE_BYTES);
    let (s, id) = super::sources(&text);
    let at_limit = tollgate::syntax::parse(&s, id).unwrap_err();
    assert_eq!(at_limit.0[0].code, Code::Syntax);
    text.push('x');
    let d = limit_error(&text);
    let over = format!("{} bytes", MAX_SOURCE_BYTES + 1);
    assert!(d.message.contains(&over), "{}", d.message);
}
