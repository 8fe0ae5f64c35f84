//! The normal form of a clause's firing condition, the one shape the comparison reads.
//!
//! Writing the same condition another way must not look like a change, so each clause is
//! first put in this form: `unless X` fires on `not X`; `not not X` is `X`; `none(C)` is
//! `not any(C)`; `count(C) >= 1` (and `> 0`, `!= 0`; `< 1`, `<= 0`, `== 0` negated) is
//! `any(C)`; `and` and `or` are flattened into lists whose order does not matter. Each of
//! these keeps unknown where it was under Kleene's logic (LANGUAGE.md section 6) with one
//! exception, which the form records: `count(C)` is unknown when any element of `C` is
//! uncertain, while `any(C)` can then still be true ([`Cond::NonEmpty::counted`]).

use crate::builtins::Function;
use crate::syntax::ast::{BinaryOp, Clause, ClauseKind, Expr, ExprKind, UnaryOp};

use super::compare::strip_parens;
use super::known::never_unknown;
use super::model::Model;

/// A firing condition in normal form. `at` is the expression each part stands for, for
/// quoting and for what can be unknown.
#[derive(Debug)]
pub enum Cond<'e> {
    /// True when every part is (`and`).
    All(Vec<Cond<'e>>, &'e Expr),
    /// True when some part is (`or`).
    Either(Vec<Cond<'e>>, &'e Expr),
    Not(Box<Cond<'e>>),
    /// `any(collection)`.
    NonEmpty {
        collection: &'e Expr,
        /// Written as a test of a count (`count(C) >= 1`, or `== 0` under a `not`) that can
        /// be unknown where `any` is true: that count.
        counted: Option<&'e Expr>,
        at: &'e Expr,
    },
    /// Any other condition, compared as an expression.
    Atom(&'e Expr),
}

impl<'e> Cond<'e> {
    /// The expression this part stands for (for `not`, its operand's).
    pub fn at(&self) -> &'e Expr {
        match self {
            Cond::All(_, at) | Cond::Either(_, at) | Cond::NonEmpty { at, .. } | Cond::Atom(at) => {
                at
            }
            Cond::Not(inner) => inner.at(),
        }
    }

    fn negate(self) -> Cond<'e> {
        match self {
            Cond::Not(inner) => *inner,
            other => Cond::Not(Box::new(other)),
        }
    }

    /// Whether this condition can be unknown on some bundle of `model`'s version.
    pub fn may_be_unknown(&self, model: &Model<'_>) -> bool {
        match self {
            Cond::All(parts, _) | Cond::Either(parts, _) => {
                parts.iter().any(|p| p.may_be_unknown(model))
            }
            Cond::Not(inner) => inner.may_be_unknown(model),
            Cond::NonEmpty { at, .. } | Cond::Atom(at) => !never_unknown(model, at),
        }
    }
}

/// The condition on which `clause` fires, in normal form.
pub fn firing<'e>(model: &Model<'_>, clause: &'e Clause) -> Cond<'e> {
    let cond = condition(model, &clause.condition);
    match clause.kind {
        ClauseKind::When => cond,
        ClauseKind::Unless => cond.negate(),
    }
}

fn condition<'e>(model: &Model<'_>, expr: &'e Expr) -> Cond<'e> {
    let e = strip_parens(expr);
    match &e.kind {
        ExprKind::Binary { op, lhs, rhs } if matches!(op, BinaryOp::And | BinaryOp::Or) => {
            let is_and = *op == BinaryOp::And;
            let mut parts = Vec::new();
            for side in [lhs, rhs] {
                match (condition(model, side), is_and) {
                    (Cond::All(inner, _), true) | (Cond::Either(inner, _), false) => {
                        parts.extend(inner)
                    }
                    (other, _) => parts.push(other),
                }
            }
            if is_and {
                Cond::All(parts, e)
            } else {
                Cond::Either(parts, e)
            }
        }
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => condition(model, operand).negate(),
        ExprKind::Call { func, args } => match (Function::from_name(&func.name), &args[..]) {
            (Some(Function::Any), [c]) => non_empty(c, None, e),
            (Some(Function::None), [c]) => non_empty(c, None, e).negate(),
            _ => Cond::Atom(e),
        },
        ExprKind::Binary { op, lhs, rhs } => match count_test(*op, lhs, rhs) {
            Some((count, collection, holds)) => {
                // Exactly `any` when the count can never be unknown.
                let counted = (!never_unknown(model, count)).then_some(count);
                let cond = non_empty(collection, counted, e);
                if holds {
                    cond
                } else {
                    cond.negate()
                }
            }
            None => Cond::Atom(e),
        },
        _ => Cond::Atom(e),
    }
}

fn non_empty<'e>(collection: &'e Expr, counted: Option<&'e Expr>, at: &'e Expr) -> Cond<'e> {
    Cond::NonEmpty {
        collection,
        counted,
        at,
    }
}

/// `count(C)` compared with a literal so that it says whether `C` is non-empty: the count,
/// `C`, and whether the comparison holds when `C` is non-empty.
fn count_test<'e>(
    op: BinaryOp,
    lhs: &'e Expr,
    rhs: &'e Expr,
) -> Option<(&'e Expr, &'e Expr, bool)> {
    let count = |e: &'e Expr| match &strip_parens(e).kind {
        ExprKind::Call { func, args }
            if Function::from_name(&func.name) == Some(Function::Count) =>
        {
            match &args[..] {
                [c] => Some((strip_parens(e), c)),
                _ => None,
            }
        }
        _ => None,
    };
    let number = |e: &Expr| match &strip_parens(e).kind {
        ExprKind::Number(n) => Some(n.value),
        _ => None,
    };
    // Written with the count on the left: `count(C) OP k`.
    let (op, (whole, collection), k) = match (count(lhs), count(rhs)) {
        (Some(c), None) => (op, c, number(rhs)?),
        (None, Some(c)) => (mirror(op)?, c, number(lhs)?),
        _ => return None,
    };
    // A count is a whole number: `>= 1`, `> 0` and `!= 0` all say "at least one".
    let holds = match (op, k) {
        (BinaryOp::Ge, 1.0) | (BinaryOp::Gt | BinaryOp::Ne, 0.0) => true,
        (BinaryOp::Lt, 1.0) | (BinaryOp::Le | BinaryOp::Eq, 0.0) => false,
        _ => return None,
    };
    Some((whole, collection, holds))
}

/// `k OP x` as `x OP' k`.
fn mirror(op: BinaryOp) -> Option<BinaryOp> {
    Some(match op {
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Ge => BinaryOp::Le,
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Eq | BinaryOp::Ne => op,
        _ => return None,
    })
}

/// The interval end `worst(m)` reads, by `m`'s direction: `upper` when lower is better,
/// `lower` when higher is better; any other function name as it is.
pub fn function_name<'n>(model: &Model<'_>, name: &'n str, args: &[Expr]) -> &'n str {
    if Function::from_name(name) != Some(Function::Metric(crate::builtins::MetricField::Worst)) {
        return name;
    }
    let direction = match args {
        [arg] => match &strip_parens(arg).kind {
            ExprKind::Name(ident) => model
                .metric_of(ident)
                .and_then(|m| m.direction.as_ref())
                .map(|d| d.direction),
            _ => None,
        },
        _ => None,
    };
    match direction {
        Some(crate::levels::Direction::LowerIsBetter) => "upper",
        Some(crate::levels::Direction::HigherIsBetter) => "lower",
        None => name,
    }
}
