//! Parser tests: every item kind, expressions and precedence, literals, templates, comments,
//! syntax error messages and the nesting limits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod comments;
mod conformance;
mod errors;
mod exprs;
mod fuzz;
mod items;
mod limits;
mod literals;
mod templates;

use tollgate::diagnostic::{Code, Diagnostic};
use tollgate::source::Sources;
use tollgate::span::{FileId, Span};
use tollgate::syntax::ast::{Expr, ExprKind, File, Item, Rule, RuleStmt, UnaryOp};
use tollgate::syntax::{parse, parse_expr};

/// A one-file source table named `policy.gate`.
pub fn sources(text: &str) -> (Sources, FileId) {
    let mut s = Sources::new();
    let id = s.add("policy.gate", "policy.gate", text);
    (s, id)
}

/// Parse, failing the test with the rendered diagnostics on error.
pub fn parse_ok(text: &str) -> File {
    let (s, id) = sources(text);
    match parse(&s, id) {
        Ok(f) => f,
        Err(ds) => panic!(
            "unexpected parse errors:\n{}",
            ds.0.iter().map(render).collect::<Vec<_>>().join("\n")
        ),
    }
}

/// Parse, expecting failure; returns the diagnostics.
pub fn parse_err(text: &str) -> Vec<Diagnostic> {
    let (s, id) = sources(text);
    match parse(&s, id) {
        Ok(f) => panic!("expected a parse error, got {} items", f.items.len()),
        Err(ds) => ds.0,
    }
}

/// The only diagnostic of a failing parse.
pub fn one_err(text: &str) -> Diagnostic {
    let mut ds = parse_err(text);
    assert_eq!(ds.len(), 1, "expected one diagnostic, got {ds:?}");
    ds.remove(0)
}

/// Parse a whole text as one expression.
pub fn expr(text: &str) -> Expr {
    let (s, id) = sources(text);
    match parse_expr(&s, id, 0, text.len()) {
        Ok(e) => e,
        Err(ds) => panic!(
            "unexpected expression errors:\n{}",
            ds.0.iter().map(render).collect::<Vec<_>>().join("\n")
        ),
    }
}

/// A compact rendering of an expression tree, for precedence assertions.
pub fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number(n) => n.raw.clone(),
        ExprKind::Str(s) => format!("{:?}", s.value),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Severity(s) => format!("sev:{s}"),
        ExprKind::List(items) => {
            format!("[{}]", items.iter().map(sx).collect::<Vec<_>>().join(" "))
        }
        ExprKind::Name(i) => i.name.clone(),
        ExprKind::Call { func, args } => {
            format!(
                "{}({})",
                func.name,
                args.iter().map(sx).collect::<Vec<_>>().join(", ")
            )
        }
        ExprKind::Unary { op, operand } => {
            let op = match op {
                UnaryOp::Not => "not",
                UnaryOp::Neg => "neg",
            };
            format!("({op} {})", sx(operand))
        }
        ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", op.as_str(), sx(lhs), sx(rhs)),
        ExprKind::Where {
            collection,
            predicate,
        } => format!("(where {} {})", sx(collection), sx(predicate)),
        ExprKind::Paren(inner) => format!("(paren {})", sx(inner)),
    }
}

/// Render a diagnostic as a user sees it, without colour.
pub fn render(d: &Diagnostic) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let mut out = String::new();
    handler.render_report(&mut out, d).unwrap();
    out
}

/// The rules of a file, in order.
pub fn rules(f: &File) -> Vec<&Rule> {
    f.items
        .iter()
        .filter_map(|i| match i {
            Item::Rule(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// The conditions of a rule's clauses, rendered.
pub fn conditions(r: &Rule) -> Vec<String> {
    r.body
        .iter()
        .filter_map(|s| match s {
            RuleStmt::Clause(c) => Some(sx(&c.condition)),
            _ => None,
        })
        .collect()
}

/// The source text a span covers.
pub fn slice(text: &str, span: Span) -> &str {
    &text[span.start as usize..span.end as usize]
}

/// (line, column) of a diagnostic's primary label.
pub fn line_col(d: &Diagnostic) -> (usize, usize) {
    let loc = d.location.as_ref().expect("diagnostic has a location");
    assert_eq!(loc.file, "policy.gate");
    (loc.line, loc.column)
}

/// Rule names pest might leak into a message.
pub fn assert_no_rule_names(d: &Diagnostic) {
    let words = [
        "EOI",
        "SOI",
        "expr",
        "or_expr",
        "and_expr",
        "not_expr",
        "cmp_expr",
        "cmp_op",
        "add_op",
        "mul_op",
        "rule_stmt",
        "test_stmt",
        "decl_name",
        "lbrace",
        "rbrace",
        "lparen",
        "rparen",
        "comma",
        "string_raw",
        "json_object",
        "header_field",
        "primary",
        "unary",
        "positives",
    ];
    let labels: Vec<&str> = d.labels.iter().filter_map(|l| l.label()).collect();
    let text = format!(
        "{}\n{}\n{}",
        d.message,
        d.help.clone().unwrap_or_default(),
        labels.join("\n")
    );
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    for w in words {
        for (i, _) in text.match_indices(w) {
            let alone = !text[..i].ends_with(is_word) && !text[i + w.len()..].starts_with(is_word);
            assert!(!alone, "rule name `{w}` leaked into: {text}");
        }
    }
    assert!(!text.contains("kw_"), "keyword rule leaked into: {text}");
}

pub fn is_syntax(d: &Diagnostic) -> bool {
    d.code == Code::Syntax
}
