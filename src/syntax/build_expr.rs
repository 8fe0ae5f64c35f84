//! Expression pairs to [`Expr`]. The grammar gives an expression as a flat run of operands and
//! operators; it is folded here by precedence, one function per binding level over slices of
//! that run, so the recursion is as deep as the levels (and brackets), never as long chains.
//! Every node's depth is tracked so no tree deeper than [`super::limits::MAX_EXPR_DEPTH`] is
//! ever built.

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

/// One element of an expression's flat run, with its source span.
struct Part<'i> {
    kind: PartKind<'i>,
    span: Span,
}

enum PartKind<'i> {
    Operand(Pair<'i, Rule>),
    Not,
    Neg,
    Where,
    Binary(BinaryOp),
}

/// Binding levels, loosest first. `Not` and `Neg` are the prefix levels.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Where,
    Or,
    And,
    Not,
    Compare,
    Sum,
    Product,
    Neg,
}

impl Level {
    /// The level of this level's operands.
    fn below(self) -> Level {
        match self {
            Level::Where => Level::Or,
            Level::Or => Level::And,
            Level::And => Level::Not,
            Level::Not => Level::Compare,
            Level::Compare => Level::Sum,
            Level::Sum => Level::Product,
            Level::Product | Level::Neg => Level::Neg,
        }
    }
}

impl Part<'_> {
    /// The level of a binary operator; `None` for operands and prefix operators.
    fn level(&self) -> Option<Level> {
        use BinaryOp as B;
        match self.kind {
            PartKind::Where => Some(Level::Where),
            PartKind::Binary(B::Or) => Some(Level::Or),
            PartKind::Binary(B::And) => Some(Level::And),
            PartKind::Binary(B::Eq | B::Ne | B::Lt | B::Le | B::Gt | B::Ge | B::In | B::NotIn) => {
                Some(Level::Compare)
            }
            PartKind::Binary(B::Add | B::Sub) => Some(Level::Sum),
            PartKind::Binary(B::Mul | B::Div) => Some(Level::Product),
            PartKind::Operand(_) | PartKind::Not | PartKind::Neg => None,
        }
    }
}

/// An `expr` pair to an [`Expr`].
pub(crate) fn build_expr(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<Expr> {
    build(ctx, pair).map(|d| d.expr)
}

fn build(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<Deep> {
    let whole = ctx.raw_span(&pair);
    let mut parts = Vec::new();
    for p in pair.into_inner() {
        // Operators and operands end where their last token ends: their pest span is exact.
        let s = p.as_span();
        let span = ctx.span_of(s.start(), s.end());
        let kind = match p.as_rule() {
            Rule::kw_not => PartKind::Not,
            Rule::neg => PartKind::Neg,
            Rule::kw_where => PartKind::Where,
            Rule::kw_or | Rule::kw_and | Rule::cmp_op | Rule::add_op | Rule::mul_op => {
                match binary_op(&p) {
                    Some(op) => PartKind::Binary(op),
                    None => return ctx.bug(span, "unknown operator"),
                }
            }
            _ => PartKind::Operand(p),
        };
        parts.push(Part { kind, span });
    }
    build_level(ctx, &parts, Level::Where, whole)
}

/// `parts` read at `level`; `whole` is the expression's span, for reports of internal errors.
fn build_level(ctx: &mut Ctx<'_>, parts: &[Part<'_>], level: Level, whole: Span) -> Built<Deep> {
    // A lone operand is the same at every level; most operands are.
    if let [Part {
        kind: PartKind::Operand(pair),
        span,
    }] = parts
    {
        return build_primary(ctx, pair.clone(), *span);
    }
    match level {
        Level::Where => build_where(ctx, parts, whole),
        Level::Or | Level::And | Level::Sum | Level::Product => {
            build_chain(ctx, parts, level, whole)
        }
        Level::Compare => build_comparison(ctx, parts, whole),
        Level::Not | Level::Neg => build_prefix(ctx, parts, level, whole),
    }
}

/// The operands of `level` in `parts`: the first, then each with the operator before it.
fn split<'p, 'i>(
    parts: &'p [Part<'i>],
    level: Level,
) -> (
    &'p [Part<'i>],
    impl Iterator<Item = (&'p Part<'i>, &'p [Part<'i>])>,
) {
    let at_level = move |p: &Part<'_>| p.level() == Some(level);
    let mut operands = parts.split(at_level);
    let first = operands.next().unwrap_or_default();
    (
        first,
        parts.iter().filter(move |p| at_level(p)).zip(operands),
    )
}

/// The span from the first to the last part of a non-empty run.
fn run_span(parts: &[Part<'_>]) -> Option<Span> {
    Some(parts.first()?.span.to(parts.last()?.span))
}

/// `a where b where c` is `a where (b where c)`: fold from the right.
fn build_where(ctx: &mut Ctx<'_>, parts: &[Part<'_>], whole: Span) -> Built<Deep> {
    let (first, rest) = split(parts, Level::Where);
    let mut built: Vec<(Deep, Option<Span>)> = Vec::new();
    built.push((build_level(ctx, first, Level::Or, whole)?, None));
    for (op, operand) in rest {
        let d = build_level(ctx, operand, Level::Or, whole)?;
        built.push((d, Some(op.span)));
    }
    // A long chain is too deep whatever its operands: say so at the `where` that crosses the
    // limit counting from the left, which is where a reader starts.
    if let Some((_, Some(at))) = built.get(MAX_EXPR_DEPTH) {
        let at = *at;
        ctx.check_depth(built.len(), at)?;
    }
    let Some((mut acc, mut op)) = built.pop() else {
        return ctx.bug(whole, "empty where chain");
    };
    while let Some((lhs, lhs_op)) = built.pop() {
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
fn build_chain(ctx: &mut Ctx<'_>, parts: &[Part<'_>], level: Level, whole: Span) -> Built<Deep> {
    let (first, rest) = split(parts, level);
    let mut acc = build_level(ctx, first, level.below(), whole)?;
    for (op, operand) in rest {
        let PartKind::Binary(bin) = op.kind else {
            return ctx.bug(op.span, "unknown operator");
        };
        let rhs = build_level(ctx, operand, level.below(), whole)?;
        let depth = acc.depth.max(rhs.depth) + 1;
        ctx.check_depth(depth, op.span)?;
        acc = binary(bin, acc, rhs, depth);
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
    match pair.as_rule() {
        Rule::kw_or => Some(BinaryOp::Or),
        Rule::kw_and => Some(BinaryOp::And),
        Rule::kw_in => Some(BinaryOp::In),
        Rule::not_in => Some(BinaryOp::NotIn),
        // `in` and `not in` are pairs inside `cmp_op`; a comparison symbol is its text.
        Rule::cmp_op => match pair.clone().into_inner().next() {
            Some(word) => binary_op(&word),
            None => symbol_op(pair.as_str()),
        },
        Rule::add_op | Rule::mul_op => symbol_op(pair.as_str()),
        _ => None,
    }
}

fn symbol_op(symbol: &str) -> Option<BinaryOp> {
    Some(match symbol {
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
    })
}

/// Comparisons do not associate: `a < b < c` is an error pointing at the second operator.
fn build_comparison(ctx: &mut Ctx<'_>, parts: &[Part<'_>], whole: Span) -> Built<Deep> {
    let mut ops = parts.iter().filter(|p| p.level() == Some(Level::Compare));
    if let (Some(first), Some(second)) = (ops.next(), ops.next()) {
        let operands: Vec<Span> = parts
            .split(|p| p.level() == Some(Level::Compare))
            .filter_map(run_span)
            .collect();
        let help = chained_help(ctx, &operands, first.span, second.span);
        let d = Diagnostic::error(Code::Syntax, "comparisons cannot be chained")
            .with_label(ctx.sources, second.span, "a second comparison")
            .with_label(ctx.sources, first.span, "after this one")
            .with_help(help);
        ctx.push(d);
        return None;
    }
    build_chain(ctx, parts, Level::Compare, whole)
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
fn build_prefix(ctx: &mut Ctx<'_>, parts: &[Part<'_>], level: Level, whole: Span) -> Built<Deep> {
    let (op, is_op): (UnaryOp, fn(&PartKind<'_>) -> bool) = match level {
        Level::Not => (UnaryOp::Not, |k| matches!(k, PartKind::Not)),
        _ => (UnaryOp::Neg, |k| matches!(k, PartKind::Neg)),
    };
    let (ops, operand) = parts.split_at(parts.iter().take_while(|p| is_op(&p.kind)).count());
    let mut acc = match (level, operand) {
        (Level::Not, _) => build_level(ctx, operand, level.below(), whole)?,
        (
            _,
            [Part {
                kind: PartKind::Operand(pair),
                span,
            }],
        ) => build_primary(ctx, pair.clone(), *span)?,
        _ => return ctx.bug(whole, "prefix operator without operand"),
    };
    if let Some(outer) = ops.first() {
        ctx.check_depth(acc.depth + ops.len(), outer.span)?;
    }
    for op_part in ops.iter().rev() {
        let span = op_part.span.to(acc.expr.span);
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

/// A primary; `span` is its pair's, which is exact: every primary ends with a required token.
fn build_primary(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>, span: Span) -> Built<Deep> {
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
        Rule::name => {
            let name = Ident {
                name: pair.as_str().to_string(),
                span,
            };
            leaf(ExprKind::Name(name), span)
        }
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
            let func = Ident {
                name: func.as_str().to_string(),
                span: ctx.raw_span(&func),
            };
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
    // Expressions alternate with commas between brackets: at most one per two pairs.
    let mut items = Vec::with_capacity(pairs.len() / 2);
    let mut depth = 0;
    for p in pairs.filter(|p| !is_punctuation(p.as_rule())) {
        let d = build(ctx, p)?;
        depth = depth.max(d.depth);
        items.push(d.expr);
    }
    Some((items, depth))
}
