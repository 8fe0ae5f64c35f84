//! Expressions: single spaces around binary operators, `not x`, `-x`, `f(a, b)`, `[a, b]`,
//! parentheses as written. A chain of `and` (or of `or`) that does not fit breaks before each
//! operator, the continuation lines indented [`CONTINUATION`] columns further; a list that
//! does not fit, or that its author wrote one element a line, puts each element on a line of
//! its own.

use crate::span::Span;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

use super::doc::{concat, group, group_if, nest, text, Doc};
use super::layout::{Fmt, INDENT};
use super::notes::{breaks_between, Note};

/// Extra indentation of the continuation lines of a broken `and`/`or` chain or argument list.
pub(crate) const CONTINUATION: usize = 4;

impl Fmt<'_> {
    pub fn expr(&mut self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::Number(n) => text(n.raw.as_str()),
            ExprKind::Str(s) => text(format!("\"{}\"", s.raw)),
            ExprKind::Bool(b) => text(if *b { "true" } else { "false" }),
            ExprKind::Severity(s) => text(s.as_str()),
            ExprKind::Name(i) => text(i.name.as_str()),
            ExprKind::List(items) => self.list(e.span, items),
            ExprKind::Call { func, args } => self.call(&func.name, args),
            ExprKind::Unary { op, operand } => {
                let op = match (op, &operand.kind) {
                    (UnaryOp::Not, _) => "not ",
                    // `- -x`, not `--x`, which reads as one operator.
                    (
                        UnaryOp::Neg,
                        ExprKind::Unary {
                            op: UnaryOp::Neg, ..
                        },
                    ) => "- ",
                    (UnaryOp::Neg, _) => "-",
                };
                concat(vec![text(op), self.expr(operand)])
            }
            ExprKind::Binary {
                op: op @ (BinaryOp::And | BinaryOp::Or),
                ..
            } => self.chain(*op, e),
            ExprKind::Binary { op, lhs, rhs } => concat(vec![
                self.expr(lhs),
                text(format!(" {} ", op.as_str())),
                self.expr(rhs),
            ]),
            ExprKind::Where {
                collection,
                predicate,
            } => concat(vec![
                self.expr(collection),
                text(" where "),
                self.expr(predicate),
            ]),
            ExprKind::Paren(inner) => concat(vec![text("("), self.expr(inner), text(")")]),
        }
    }

    /// `a and b and c`: flat when it fits, else one operand a line, each after the first
    /// starting with the operator.
    fn chain(&mut self, op: BinaryOp, e: &Expr) -> Doc {
        let mut operands = Vec::new();
        flatten(op, e, &mut operands);
        let mut parts = Vec::new();
        for (i, operand) in operands.into_iter().enumerate() {
            if i > 0 {
                let notes = self.notes.take_before(operand.span.start as usize);
                place_notes(&mut parts, notes, Doc::Line);
                parts.push(text(format!("{} ", op.as_str())));
            }
            parts.push(self.expr(operand));
        }
        group(nest(CONTINUATION, concat(parts)))
    }

    /// `f(a, b)`; arguments break after their commas when they do not fit.
    fn call(&mut self, func: &str, args: &[Expr]) -> Doc {
        let mut parts = vec![text(format!("{func}("))];
        if let [only] = args {
            parts.push(self.expr(only));
        } else {
            let mut inner = Vec::new();
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    inner.push(text(","));
                    let notes = self.notes.take_before(arg.span.start as usize);
                    place_notes(&mut inner, notes, Doc::Line);
                }
                inner.push(self.expr(arg));
            }
            parts.push(group(nest(CONTINUATION, concat(inner))));
        }
        parts.push(text(")"));
        concat(parts)
    }

    /// `[a, b]`, or one element a line with a trailing comma.
    fn list(&mut self, span: Span, items: &[Expr]) -> Doc {
        let open = span.start as usize;
        let close = (span.end as usize).saturating_sub(1);
        let first = items.first().map_or(close, |i| i.span.start as usize);
        let broken = breaks_between(self.src, open, first);
        let mut inner = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                inner.push(text(","));
            }
            let notes = self.notes.take_before(item.span.start as usize);
            let sep = if i == 0 { Doc::SoftLine } else { Doc::Line };
            place_notes(&mut inner, notes, sep);
            inner.push(self.expr(item));
        }
        if !items.is_empty() {
            inner.push(Doc::IfBreak(","));
        }
        let notes = self.notes.take_before(close);
        if items.is_empty() && notes.is_empty() {
            return text("[]");
        }
        place_end_notes(&mut inner, notes);
        group_if(
            concat(vec![
                text("["),
                nest(INDENT, concat(inner)),
                Doc::SoftLine,
                text("]"),
            ]),
            broken,
        )
    }
}

/// The operands of a chain of `op`, left to right (parentheses end a chain).
fn flatten<'e>(op: BinaryOp, e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary { op: o, lhs, rhs } if *o == op => {
            flatten(op, lhs, out);
            flatten(op, rhs, out);
        }
        _ => out.push(e),
    }
}

/// The separator `sep` before the next element of a list or chain, with the comments written
/// before that element: the first, when it trailed code, at the end of the line before; the
/// others on lines of their own. Any comment breaks the enclosing group.
pub(crate) fn place_notes(parts: &mut Vec<Doc>, notes: Vec<Note>, sep: Doc) {
    let mut notes = notes.into_iter().peekable();
    if notes.peek().is_some() {
        parts.push(Doc::BreakParent);
    }
    if let Some(first) = notes.next_if(|n| !n.own_line) {
        parts.push(Doc::Suffix(first.text));
    }
    parts.push(sep);
    for n in notes {
        parts.push(text(n.text));
        parts.push(Doc::HardLine);
    }
}

/// The comments after the last element of a list or JSON value, before its closing bracket.
pub(crate) fn place_end_notes(parts: &mut Vec<Doc>, notes: Vec<Note>) {
    let mut notes = notes.into_iter().peekable();
    if notes.peek().is_some() {
        parts.push(Doc::BreakParent);
    }
    if let Some(first) = notes.next_if(|n| !n.own_line) {
        parts.push(Doc::Suffix(first.text));
    }
    for n in notes {
        parts.push(Doc::HardLine);
        parts.push(text(n.text));
    }
}
