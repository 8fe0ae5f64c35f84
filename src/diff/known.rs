//! Which expressions can never be unknown, whatever the bundle holds. A change next to such an
//! expression cannot turn a known condition into an unknown one (LANGUAGE.md section 6).

use crate::builtins::{FlagField, Function, MetricField};
use crate::check::{Ranges, Resolved};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind};

use super::model::Model;

/// How deep let definitions are followed before giving up (the checker rejects cycles; this
/// only bounds the work).
const MAX_DEPTH: usize = 64;

/// True when `expr` is known on every bundle.
pub fn never_unknown(model: &Model<'_>, expr: &Expr) -> bool {
    known(model, expr, 0)
}

fn known(model: &Model<'_>, expr: &Expr, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let go = |e: &Expr| known(model, e, depth + 1);
    match &expr.kind {
        ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Severity(_) => true,
        ExprKind::List(items) => items.iter().all(go),
        ExprKind::Name(ident) => match model.resolved(ident) {
            // Fields every element carries (EVIDENCE.md: a flag's `source`, `category` and
            // `severity` are required; a metric always has a name and a value).
            Some(Resolved::FlagField(f)) => matches!(
                f,
                FlagField::Source | FlagField::Category | FlagField::Severity
            ),
            Some(Resolved::MetricName | Resolved::MetricField(MetricField::Value)) => true,
            Some(Resolved::Flags) => true,
            Some(Resolved::Let(_)) => model.let_of(ident).is_some_and(|l| go(&l.value)),
            _ => false,
        },
        ExprKind::Call { func, args } => match Function::from_name(&func.name) {
            Some(Function::Signed | Function::Has) => true,
            Some(Function::Any | Function::None | Function::Count | Function::Authors) => args
                .iter()
                .all(|a| flags_collection_known(model, a, depth + 1)),
            Some(Function::Abs | Function::Min | Function::Max) => args.iter().all(go),
            Some(Function::Metric(_) | Function::NNeeded) | None => false,
        },
        ExprKind::Unary { operand, .. } => go(operand),
        ExprKind::Binary { op, lhs, rhs } => *op != BinaryOp::Div && go(lhs) && go(rhs),
        ExprKind::Where { .. } => flags_collection_known(model, expr, depth + 1),
        ExprKind::Paren(inner) => go(inner),
    }
}

/// `flags` filtered by predicates that are always known. A metric family may match nothing,
/// which makes everything over it unknown.
fn flags_collection_known(model: &Model<'_>, expr: &Expr, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match &expr.kind {
        ExprKind::Paren(inner) => flags_collection_known(model, inner, depth + 1),
        ExprKind::Name(ident) => match model.resolved(ident) {
            Some(Resolved::Flags) => true,
            Some(Resolved::Let(_)) => model
                .let_of(ident)
                .is_some_and(|l| flags_collection_known(model, &l.value, depth + 1)),
            _ => false,
        },
        ExprKind::Where {
            collection,
            predicate,
        } => {
            model.ranges(expr.span) == Some(Ranges::Flags)
                && flags_collection_known(model, collection, depth + 1)
                && known(model, predicate, depth + 1)
        }
        _ => false,
    }
}
