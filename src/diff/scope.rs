//! Where a bare name is read: at the top level, or inside `flags where …` or
//! `family where …`, where the element's fields shadow top-level names.

use crate::builtins::{FlagField, MetricField, METRIC_NAME_FIELD};
use crate::syntax::ast::{Expr, ExprKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Top,
    Flag,
    Metric,
}

impl Scope {
    /// The scope of a `where` predicate over `collection`.
    pub fn of_collection(collection: &Expr) -> Scope {
        match &collection.kind {
            ExprKind::Paren(inner) => Scope::of_collection(inner),
            ExprKind::Where { collection, .. } => Scope::of_collection(collection),
            ExprKind::Name(ident) if ident.name == "flags" => Scope::Flag,
            _ => Scope::Metric,
        }
    }

    /// Whether `name` is an element field here rather than a top-level name.
    pub fn is_field(self, name: &str) -> bool {
        match self {
            Scope::Top => false,
            Scope::Flag => FlagField::from_name(name).is_some(),
            Scope::Metric => name == METRIC_NAME_FIELD || MetricField::from_name(name).is_some(),
        }
    }

    /// Fields that every element carries, so they are never unknown (EVIDENCE.md: a flag's
    /// `source`, `category` and `severity` are required; a metric always has a name and value).
    pub fn field_always_known(self, name: &str) -> bool {
        match self {
            Scope::Top => false,
            Scope::Flag => matches!(
                FlagField::from_name(name),
                Some(FlagField::Source | FlagField::Category | FlagField::Severity)
            ),
            Scope::Metric => name == METRIC_NAME_FIELD || name == MetricField::Value.name(),
        }
    }
}
