//! The checker's answer to "what does this name mean?", recorded once for every name use and
//! every `where`, so that the compiler, `diff`, `--explain` and the editor read it instead of
//! resolving names a second time.

use std::collections::HashMap;

use crate::builtins::{FlagField, MetricField};
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, Expr, ExprKind};

/// What one bare name in an expression stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resolved {
    /// A declared metric, by its index among the policy's metrics.
    Metric(usize),
    /// A declared metric family, by its index among the families.
    Family(usize),
    /// A `let`, by its index among the lets in declaration order.
    Let(usize),
    /// The bundle's flags.
    Flags,
    /// The bundle's `stage`.
    Stage,
    /// A field of the flag a `where` predicate is looking at.
    FlagField(FlagField),
    /// The evidence key of the family member a `where` predicate is looking at.
    MetricName,
    /// A quantity of the family member a `where` predicate is looking at.
    MetricField(MetricField),
}

impl Resolved {
    /// Whether the name is a field of the element a `where` looks at, rather than a
    /// top-level name.
    pub fn is_element_field(self) -> bool {
        matches!(
            self,
            Resolved::FlagField(_) | Resolved::MetricName | Resolved::MetricField(_)
        )
    }
}

/// What the elements of a `where` are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ranges {
    Flags,
    /// The members of a metric family, by its index among the families.
    Family(usize),
}

/// Every resolution the checker made. A name is a leaf, so its start offset identifies it; a
/// `where` starts where its collection starts, so it is identified by start and end.
#[derive(Debug, Default, Clone)]
pub struct Resolution {
    names: HashMap<(FileId, u32), Resolved>,
    wheres: HashMap<(FileId, u32, u32), Ranges>,
}

impl Resolution {
    pub(super) fn name(&mut self, ident: &ast::Ident, resolved: Resolved) {
        self.names
            .insert((ident.span.file, ident.span.start), resolved);
    }

    pub(super) fn range(&mut self, where_span: Span, ranges: Ranges) {
        self.wheres
            .insert((where_span.file, where_span.start, where_span.end), ranges);
    }

    /// What the name `ident` stands for; `None` only for a name the checker rejected, which
    /// a checked policy does not hold.
    pub fn of(&self, ident: &ast::Ident) -> Option<Resolved> {
        self.names
            .get(&(ident.span.file, ident.span.start))
            .copied()
    }

    /// What the `where` expression at `span` ranges over.
    pub fn ranges(&self, where_span: Span) -> Option<Ranges> {
        self.wheres
            .get(&(where_span.file, where_span.start, where_span.end))
            .copied()
    }

    /// What the bare name that `expr` is (through parentheses) stands for.
    pub fn of_expr(&self, expr: &Expr) -> Option<Resolved> {
        match &expr.kind {
            ExprKind::Paren(inner) => self.of_expr(inner),
            ExprKind::Name(ident) => self.of(ident),
            _ => None,
        }
    }
}

/// Where a declaration stands: its file's position in [`super::Loaded::files`] and its item's
/// position in that file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemAt {
    pub file: usize,
    pub item: usize,
}

/// The policy's declarations by kind, each list in source order (entry file first): the
/// indices [`Resolved`] uses.
#[derive(Debug, Default, Clone)]
pub struct Declarations {
    pub metrics: Vec<ItemAt>,
    pub families: Vec<ItemAt>,
    pub lets: Vec<ItemAt>,
    pub rules: Vec<ItemAt>,
}
