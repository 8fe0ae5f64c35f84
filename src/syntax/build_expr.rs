//! Expression pairs to [`Expr`]. Operator chains are repetitions in the grammar and are folded
//! here without recursion; every node's depth is tracked so no tree deeper than
//! [`super::limits::MAX_EXPR_DEPTH`] is ever built.

use pest::iterators::Pair;

use crate::diagnostic::{Code, Diagnostic};
use crate::levels::Severity;
use crate::span::Span;

use super::ast::{BinaryOp, Expr, ExprKind, Ident, UnaryOp};
use super::context::{is_punctuation, Built, Ctx};
use super::grammar::Rule;
use super::limits::MAX_EXPR_DEPTH;
use super::literals::{build_number, build_string};

/// An expression and the depth of its tree (a leaf is 1).
struct Deep {
    expr: Expr,
    depth: usize,
}

/// An `expr` pair (or any pair of an expression level) to an [`Expr`].
pub(crate) fn build_expr(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<Expr> {
    build(ctx, pair).map(|d| d.expr)
}

fn build(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<Deep> {
    match pair.as_rule() {
        Rule::expr => build_where(ctx, pair),
        Rule::or_expr => build_chain(ctx, pair),
        Rule::and_expr => build_chain(ctx, pair),
        Rule::not_expr | Rule::unary => build_prefix(ctx, pair),
        Rule::cmp_expr => build_comparison(ctx, pair),
        Rule::sum | Rule::product => build_chain(ctx, pair),
        _ => build_primary(ctx, pair),
    }
}

/// `a where b where c` is `a where (b where c)`: fold from the right.
fn build_where(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<Deep> {
    let span = ctx.raw_span(&pair);
    let mut parts: Vec<(Deep, Option<Span>)> = Vec::new();
    let mut pending_where: Option<Span> = None;
    for p in pair.into_inner() {
        if p.as_rule() == Rule::kw_where {
            pending_where = Some(ctx.span(&p));
        } else {
            let d = build(ctx, p)?;
            parts.push((d, pending_where.take()));
        }
    }
    // A long chain is too deep whatever its operands: say so at the `where` that crosses the
    // limit counting from the left, which is where a reader starts.
    if let Some((_, Some(at))) = parts.get(MAX_EXPR_DEPTH) {
        let at = *at;
        ctx.check_depth(parts.len(), at)?;
    }
    let Some((mut acc, mut op)) = parts.pop() else {
        return ctx.bug(span, "empty where chain");
    };
    while let Some((lhs, lhs_op)) = parts.pop() {
        let at = op.unwrap_or(acc.expr.span);
        let depth = lhs.depth.max(acc.depth) + 1;
        ctx.check_depth(depth, at)?;
        let span = lhs.expr.span.to(acc.expr.span);
        acc = Deep {
            expr: Expr {
                kind: ExprKind::Where {
                    collection: Box::new(lhs.expr),
                    predicate: Box::new(acc.expr),
                },
                span,
            },
            depth,
        };
        op = lhs_op;
    }
    Some(acc)
}

/// A left-associative chain: `operand (op operand)*`.
fn build_chain(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<Deep> {
    let span = ctx.raw_span(&pair);
    let mut inner = pair.into_inner();
    let first = ctx.next(&mut inner, span, "operand")?;
    let mut acc = build(ctx, first)?;
    while let Some(op_pair) = inner.next() {
        let op_span = ctx.span(&op_pair);
        let Some(op) = binary_op(&op_pair) else {
            return ctx.bug(op_span, "unknown operator");
        };
        let rhs_pair = ctx.next(&mut inner, span, "right operand")?;
        let rhs = build(ctx, rhs_pair)?;
        let depth = acc.depth.max(rhs.depth) + 1;
        ctx.check_depth(depth, op_span)?;
        acc = binary(op, acc, rhs, depth);
    }
    Some(acc)
}

fn binary(op: BinaryOp, lhs: Deep, rhs: Deep, depth: usize) -> Deep {
    let span = lhs.expr.span.to(rhs.expr.span);
    Deep {
        expr: Expr {
            kind: ExprKind::Binary {
                op,
                lhs: Box::new(lhs.expr),
                rhs: Box::new(rhs.expr),
            },
            span,
        },
        depth,
    }
}

fn binary_op(pair: &Pair<'_, Rule>) -> Option<BinaryOp> {
    Some(match pair.as_rule() {
        Rule::kw_or => BinaryOp::Or,
        Rule::kw_and => BinaryOp::And,
        Rule::add_op | Rule::mul_op | Rule::cmp_sym => match pair.as_str() {
            "+" => BinaryOp::Add,
            "-" => BinaryOp::Sub,
            "*" => BinaryOp::Mul,
            "/" => BinaryOp::Div,
            "==" => BinaryOp::Eq,
            "!=" => BinaryOp::Ne,
            "<" => BinaryOp::Lt,
            "<=" => BinaryOp::Le,
            ">" => BinaryOp::Gt,
            ">=" => BinaryOp::Ge,
            _ => return None,
        },
        Rule::kw_in => BinaryOp::In,
        Rule::not_in => BinaryOp::NotIn,
        Rule::cmp_op => return pair.clone().into_inner().next().and_then(|p| binary_op(&p)),
        _ => return None,
    })
}

/// Comparisons do not associate: `a < b < c` is an error pointing at the second operator.
fn build_comparison(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<Deep> {
    let ops: Vec<Span> = pair
        .clone()
        .into_inner()
        .filter(|p| p.as_rule() == Rule::cmp_op)
        .map(|p| ctx.span(&p))
        .collect();
    if let [first, second, ..] = ops[..] {
        let operands: Vec<Span> = pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::sum)
            .map(|p| ctx.span(&p))
            .collect();
        let help = chained_help(ctx, &operands, first, second);
        let d = Diagnostic::error(Code::Syntax, "comparisons cannot be chained")
            .with_label(ctx.sources, second, "a second comparison")
            .with_label(ctx.sources, first, "after this one")
            .with_help(help);
        ctx.push(d);
        return None;
    }
    build_chain(ctx, pair)
}

/// "write `a < b and b < c`", quoting the author's operands when they are short.
fn chained_help(ctx: &Ctx<'_>, operands: &[Span], first: Span, second: Span) -> String {
    let file = ctx.sources.get(ctx.file);
    let text = |s: Span| {
        file.slice(s)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let [a, b, c, ..] = operands {
        let (a, b, c) = (text(*a), text(*b), text(*c));
        if a.len() + b.len() + c.len() <= 60 {
            let (op1, op2) = (text(first), text(second));
            return format!("a comparison gives true or false; compare twice and join with `and`: `{a} {op1} {b} and {b} {op2} {c}`");
        }
    }
    "a comparison gives true or false; compare twice and join with `and`, as in `0 < x and x < 1`"
        .into()
}

/// `not* operand` and `-* operand`: a run of prefix operators, built from the inside out.
fn build_prefix(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<Deep> {
    let span = ctx.raw_span(&pair);
    let (op, op_rule) = match pair.as_rule() {
        Rule::not_expr => (UnaryOp::Not, Rule::kw_not),
        _ => (UnaryOp::Neg, Rule::neg),
    };
    let mut ops: Vec<Span> = Vec::new();
    let mut operand = None;
    for p in pair.into_inner() {
        if p.as_rule() == op_rule {
            ops.push(ctx.span(&p));
        } else {
            operand = Some(p);
        }
    }
    let Some(operand) = operand else {
        return ctx.bug(span, "prefix operator without operand");
    };
    let mut acc = build(ctx, operand)?;
    if let Some(&outer) = ops.first() {
        ctx.check_depth(acc.depth + ops.len(), outer)?;
    }
    while let Some(op_span) = ops.pop() {
        let span = op_span.to(acc.expr.span);
        acc = Deep {
            expr: Expr {
                kind: ExprKind::Unary {
                    op,
                    operand: Box::new(acc.expr),
                },
                span,
            },
            depth: acc.depth + 1,
        };
    }
    Some(acc)
}

fn leaf(kind: ExprKind, span: Span) -> Built<Deep> {
    Some(Deep {
        expr: Expr { kind, span },
        depth: 1,
    })
}

fn build_primary(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<Deep> {
    let span = ctx.span(&pair);
    match pair.as_rule() {
        Rule::number => {
            let n = build_number(ctx, pair)?;
            leaf(ExprKind::Number(n), span)
        }
        Rule::string => {
            let s = build_string(ctx, pair)?;
            leaf(ExprKind::Str(s), span)
        }
        Rule::boolean => leaf(ExprKind::Bool(pair.as_str() == "true"), span),
        Rule::severity => match Severity::parse(pair.as_str()) {
            Some(s) => leaf(ExprKind::Severity(s), span),
            None => ctx.bug(span, "unknown severity"),
        },
        Rule::name => leaf(ExprKind::Name(ident(ctx, &pair)), span),
        Rule::paren => {
            let mut inner = pair.into_inner();
            let e = ctx.next(&mut inner, span, "parenthesised expression")?;
            let e = build(ctx, e)?;
            let depth = e.depth + 1;
            ctx.check_depth(depth, span)?;
            Some(Deep {
                expr: Expr {
                    kind: ExprKind::Paren(Box::new(e.expr)),
                    span,
                },
                depth,
            })
        }
        Rule::list => {
            let (items, depth) = build_all(ctx, pair.into_inner())?;
            ctx.check_depth(depth + 1, span)?;
            Some(Deep {
                expr: Expr {
                    kind: ExprKind::List(items),
                    span,
                },
                depth: depth + 1,
            })
        }
        Rule::call => {
            let mut inner = pair.into_inner();
            let func = ctx.next(&mut inner, span, "function name")?;
            let func = ident(ctx, &func);
            let (args, depth) = build_all(ctx, inner)?;
            ctx.check_depth(depth + 1, span)?;
            Some(Deep {
                expr: Expr {
                    kind: ExprKind::Call { func, args },
                    span,
                },
                depth: depth + 1,
            })
        }
        _ => ctx.bug(span, "unexpected expression form"),
    }
}

/// Every expression among `pairs` (punctuation skipped), and the deepest one's depth.
fn build_all<'i>(
    ctx: &mut Ctx<'_>,
    pairs: pest::iterators::Pairs<'i, Rule>,
) -> Built<(Vec<Expr>, usize)> {
    let mut items = Vec::new();
    let mut depth = 0;
    for p in pairs.filter(|p| !is_punctuation(p.as_rule())) {
        let d = build(ctx, p)?;
        depth = depth.max(d.depth);
        items.push(d.expr);
    }
    Some((items, depth))
}

pub(crate) fn ident(ctx: &Ctx<'_>, pair: &Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: ctx.span(pair),
    }
}
