//! Which expressions can never be unknown, whatever the bundle holds. A change next to such an
//! expression cannot turn a known condition into an unknown one (LANGUAGE.md section 6).

use crate::builtins::Function;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind};

use super::model::Model;
use super::scope::Scope;

/// How deep let definitions are followed before giving up (the checker rejects cycles; this
/// only bounds the work).
const MAX_DEPTH: usize = 64;

/// True when `expr`, read in `scope`, is known on every bundle.
pub fn never_unknown(model: &Model<'_>, expr: &Expr, scope: Scope) -> bool {
    known(model, expr, scope, 0)
}

fn known(model: &Model<'_>, expr: &Expr, scope: Scope, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let go = |e: &Expr, s: Scope| known(model, e, s, depth + 1);
    match &expr.kind {
        ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Severity(_) => true,
        ExprKind::List(items) => items.iter().all(|e| go(e, scope)),
        ExprKind::Name(ident) => {
            let name = ident.name.as_str();
            if scope.is_field(name) {
                return scope.field_always_known(name);
            }
            if name == "flags" {
                return true;
            }
            match model.let_named(name, scope) {
                Some(l) => go(&l.value, Scope::Top),
                None => false,
            }
        }
        ExprKind::Call { func, args } => match Function::from_name(&func.name) {
            Some(Function::Signed | Function::Has) => true,
            Some(Function::Any | Function::None | Function::Count | Function::Authors) => args
                .iter()
                .all(|a| flags_collection_known(model, a, scope, depth + 1)),
            Some(Function::Abs | Function::Min | Function::Max) => {
                args.iter().all(|a| go(a, scope))
            }
            Some(Function::Metric(_)) | None => false,
        },
        ExprKind::Unary { operand, .. } => go(operand, scope),
        ExprKind::Binary { op, lhs, rhs } => {
            *op != BinaryOp::Div && go(lhs, scope) && go(rhs, scope)
        }
        ExprKind::Where { .. } => flags_collection_known(model, expr, scope, depth + 1),
        ExprKind::Paren(inner) => go(inner, scope),
    }
}

/// `flags` filtered by predicates that are always known. A metric family may match nothing,
/// which makes everything over it unknown.
fn flags_collection_known(model: &Model<'_>, expr: &Expr, scope: Scope, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match &expr.kind {
        ExprKind::Paren(inner) => flags_collection_known(model, inner, scope, depth + 1),
        ExprKind::Name(ident) if ident.name == "flags" => true,
        ExprKind::Name(ident) => match model.let_named(&ident.name, scope) {
            Some(l) => flags_collection_known(model, &l.value, Scope::Top, depth + 1),
            None => false,
        },
        ExprKind::Where {
            collection,
            predicate,
        } => {
            flags_collection_known(model, collection, scope, depth + 1)
                && known(model, predicate, Scope::Flag, depth + 1)
        }
        _ => false,
    }
}
