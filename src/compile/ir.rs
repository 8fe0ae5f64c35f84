//! The compiled form evaluation runs over: every name resolved to an index, every literal
//! folded into a value, no look-ups by name left.

use std::sync::Arc;

use crate::builtins::{FlagField, MetricField};
use crate::diagnostic::Location;
use crate::levels::{Outcome, Severity};
use crate::span::Span;
use crate::syntax::ast::Direction;

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
}

#[derive(Debug, Clone)]
pub struct LetSlot {
    pub name: String,
    pub value: Node,
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
    pub condition: Node,
}

#[derive(Debug, Clone)]
pub enum MessagePart {
    Text(String),
    Value(Node),
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

/// An expression node. Children are boxed; the checker bounds nesting depth.
#[derive(Debug, Clone)]
pub enum Node {
    Number(f64),
    Bool(bool),
    Str(Arc<str>),
    Severity(Severity),
    List(Vec<Node>),
    /// A derived quantity of a declared metric.
    Metric {
        metric: usize,
        field: MetricField,
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
        collection: Box<Node>,
        predicate: Box<Node>,
    },
    Aggregate {
        op: Aggregate,
        collection: Box<Node>,
    },
    Not(Box<Node>),
    Neg(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Compare {
        op: Compare,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    Arith {
        op: Arith,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    In {
        negated: bool,
        item: Box<Node>,
        list: Box<Node>,
    },
    Abs(Box<Node>),
    Min(Vec<Node>),
    Max(Vec<Node>),
}
