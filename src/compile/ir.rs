//! The compiled form evaluation runs over: every name resolved to an index, every literal
//! folded into a value, no look-ups by name left.

use std::sync::Arc;

use crate::builtins::{FlagField, MetricField};
use crate::diagnostic::Location;
use crate::levels::Direction;
use crate::levels::{Outcome, Severity};
use crate::span::Span;

/// A compiled policy.
#[derive(Debug, Clone)]
pub struct Program {
    pub header: Header,
    pub metrics: Vec<MetricSlot>,
    pub families: Vec<FamilySlot>,
    /// Lets in dependency order; `Node::Let(i)` indexes this list.
    pub lets: Vec<LetSlot>,
    pub rules: Vec<Rule>,
    /// Roles named in `signed("…")`; `Node::Signed(i)` indexes this list.
    pub roles: Vec<String>,
    /// The keys trusted for roles (TRUST.md); inactive when the policy names no trust file.
    pub trust: crate::trust::Trust,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub version: Option<String>,
    pub owner: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MetricSlot {
    pub name: String,
    pub key: String,
    pub direction: Option<Direction>,
}

#[derive(Debug, Clone)]
pub struct FamilySlot {
    pub name: String,
    pub glob: String,
    pub direction: Option<Direction>,
    /// `adjusted by …`: its members' p-values are adjusted together.
    pub adjustment: Option<crate::stats::Adjustment>,
}

#[derive(Debug, Clone)]
pub struct LetSlot {
    pub name: String,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub title: Option<String>,
    pub clauses: Vec<Clause>,
    /// The `missing` outcome, when given; otherwise each clause's own severity.
    pub missing: Option<Outcome>,
    pub waivable_by: Vec<String>,
    pub message: Option<Vec<MessagePart>>,
    pub span: Span,
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct Clause {
    pub outcome: Outcome,
    /// `unless`: the clause fires when the condition is false.
    pub unless: bool,
    pub condition: Expr,
    /// The whole clause as written (`block when …`).
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum MessagePart {
    Text(String),
    Value(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Count,
    Any,
    None,
    Authors,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// A field of the element a `where` predicate is looking at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementField {
    Flag(FlagField),
    MetricName,
    Metric(MetricField),
}

/// A compiled expression: what it computes, and where it was written (for `--explain`, which
/// quotes the source of every step).
#[derive(Debug, Clone)]
pub struct Expr {
    pub node: Node,
    pub span: Span,
}

/// What an expression computes. Children are boxed; the checker bounds nesting depth.
#[derive(Debug, Clone)]
pub enum Node {
    Number(f64),
    Bool(bool),
    Str(Arc<str>),
    Severity(Severity),
    List(Vec<Expr>),
    /// A derived quantity of a declared metric.
    Metric {
        metric: usize,
        field: MetricField,
    },
    /// `n_needed(metric, effect)`.
    NNeeded {
        metric: usize,
        effect: Box<Expr>,
    },
    Has(usize),
    HasFamily(usize),
    Let(usize),
    Stage,
    Signed(usize),
    /// A field of the innermost `where` element.
    Field(ElementField),
    /// The bundle's flags.
    Flags,
    /// The metrics a family matched.
    Family(usize),
    /// `collection where predicate`.
    Where {
        collection: Box<Expr>,
        predicate: Box<Expr>,
    },
    Aggregate {
        op: Aggregate,
        collection: Box<Expr>,
    },
    Not(Box<Expr>),
    Neg(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare {
        op: Compare,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Arith {
        op: Arith,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    In {
        negated: bool,
        item: Box<Expr>,
        list: Box<Expr>,
    },
    Abs(Box<Expr>),
    Min(Vec<Expr>),
    Max(Vec<Expr>),
}

impl Expr {
    /// The direct sub-expressions, in source order: the one description of the IR's shape
    /// that walks over it (`--explain`, the reports' role search) share.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.node {
            Node::Where {
                collection,
                predicate,
            } => vec![collection, predicate],
            Node::Aggregate { collection, .. } => vec![collection],
            Node::Not(e) | Node::Neg(e) | Node::Abs(e) => vec![e],
            Node::NNeeded { effect, .. } => vec![effect],
            Node::And(l, r)
            | Node::Or(l, r)
            | Node::Compare { lhs: l, rhs: r, .. }
            | Node::Arith { lhs: l, rhs: r, .. }
            | Node::In {
                item: l, list: r, ..
            } => vec![l, r],
            Node::List(es) | Node::Min(es) | Node::Max(es) => es.iter().collect(),
            Node::Number(_)
            | Node::Bool(_)
            | Node::Str(_)
            | Node::Severity(_)
            | Node::Metric { .. }
            | Node::Has(_)
            | Node::HasFamily(_)
            | Node::Let(_)
            | Node::Stage
            | Node::Signed(_)
            | Node::Field(_)
            | Node::Flags
            | Node::Family(_) => Vec::new(),
        }
    }

    /// A constant written out in the source (`1%`, `"expert"`, `-2`, a list of constants).
    pub fn is_literal(&self) -> bool {
        match &self.node {
            Node::Number(_) | Node::Str(_) | Node::Bool(_) | Node::Severity(_) => true,
            Node::List(items) => items.iter().all(Expr::is_literal),
            Node::Neg(e) => e.is_literal(),
            _ => false,
        }
    }
}
