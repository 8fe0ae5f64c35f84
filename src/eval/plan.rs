//! The evaluation plan: every clause of every rule in one flat list, the common shapes of
//! condition recognised ahead of time so that deciding them is a few loads and a compare.
//!
//! - `quantity(metric) OP number` (either way round) reads the bound metric and compares;
//! - `any(flags where P)`, `none(…)` and `count(flags where P) OP number`, where `P` is made
//!   of flag fields compared with literals (`source == "expert"`, `severity >= medium`,
//!   `category in ["a", "b"]`, joined by `and`, `or`, `not`), run one loop over the flags
//!   that stops as soon as the answer is known;
//! - anything else goes to the general fast path ([`super::fast`]) on the clause's node.
//!
//! Every shape keeps the three-valued semantics of the general path exactly: an absent
//! metric or field is unknown, a flag whose predicate is unknown is uncertain.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::builtins::{FlagField, MetricField};
use crate::compile::ir::{Aggregate, Compare, ElementField, Node};
use crate::compile::Program;
use crate::evidence::{Bundle, Flag};
use crate::levels::{Outcome, Severity};
use crate::outcome::Status;
use crate::syntax::ast::Direction;

use super::bind::Bound;
use super::fast::FastVerdict;
use super::metric::{quantity, Quantity};
use super::value::{compare_numbers, NUMBER_TOLERANCE};

/// A compiled policy's plan: built once per policy.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The clauses of the rules planned clause by clause, rule after rule.
    pub(super) clauses: Vec<PlannedClause>,
    /// One per rule, in source order.
    pub(super) rules: Vec<RulePlan>,
}

#[derive(Debug, Clone)]
pub(super) enum RulePlan {
    /// The commonest rule of all: one clause, `SEVERITY when|unless quantity(m) OP number`.
    Metric {
        test: MetricTest,
        outcome: Outcome,
        unless: bool,
        /// The outcome when the metric is unknown: the rule's `missing`, else `outcome`.
        missing: Outcome,
    },
    /// Any other rule: its clauses are `clauses[start..end]`.
    Clauses { start: u32, end: u32 },
}

#[derive(Debug, Clone)]
pub(super) struct PlannedClause {
    pub outcome: Outcome,
    pub unless: bool,
    pub test: Test,
}

/// `quantity(metric) OP rhs`, the operator already turned to put the metric on the left.
#[derive(Debug, Clone, Copy)]
pub(super) struct MetricTest {
    slot: u32,
    field: MetricField,
    direction: Option<Direction>,
    op: Compare,
    rhs: f64,
}

#[derive(Debug, Clone)]
pub(super) enum Test {
    Metric(MetricTest),
    /// `any(flags where P)`, or `none(…)` when `none` is set.
    FlagsAny {
        pred: Box<FlagPred>,
        none: bool,
    },
    /// `count(flags where P) OP rhs`.
    FlagsCount {
        pred: Box<FlagPred>,
        op: Compare,
        rhs: f64,
    },
    /// Evaluate the clause's node with the general fast path.
    General,
}

/// A predicate over one flag that needs nothing but the flag.
#[derive(Debug, Clone)]
pub(super) enum FlagPred {
    Const(bool),
    /// `field == value` (or `!=` when `negated`).
    Text {
        field: FlagField,
        value: Arc<str>,
        negated: bool,
    },
    /// `field in [values]` (or `not in`).
    TextIn {
        field: FlagField,
        values: Vec<Arc<str>>,
        negated: bool,
    },
    /// `severity OP value`.
    Severity {
        op: Compare,
        value: Severity,
    },
    /// `severity in [values]` (or `not in`).
    SeverityIn {
        values: Vec<Severity>,
        negated: bool,
    },
    And(Box<FlagPred>, Box<FlagPred>),
    Or(Box<FlagPred>, Box<FlagPred>),
    Not(Box<FlagPred>),
}

impl Plan {
    pub fn new(program: &Program) -> Plan {
        let mut clauses = Vec::new();
        let mut rules = Vec::with_capacity(program.rules.len());
        for rule in &program.rules {
            if let [clause] = rule.clauses.as_slice() {
                if let Test::Metric(test) = test(program, &clause.condition) {
                    rules.push(RulePlan::Metric {
                        test,
                        outcome: clause.outcome,
                        unless: clause.unless,
                        missing: rule.missing.unwrap_or(clause.outcome),
                    });
                    continue;
                }
            }
            let start = clauses.len() as u32;
            for clause in &rule.clauses {
                clauses.push(PlannedClause {
                    outcome: clause.outcome,
                    unless: clause.unless,
                    test: test(program, &clause.condition),
                });
            }
            rules.push(RulePlan::Clauses {
                start,
                end: clauses.len() as u32,
            });
        }
        Plan { clauses, rules }
    }
}

fn test(program: &Program, node: &Node) -> Test {
    match node {
        Node::Compare { op, lhs, rhs } => match (&**lhs, &**rhs) {
            (Node::Metric { metric, field }, Node::Number(x)) => {
                metric_test(program, *metric, *field, *op, *x)
            }
            (Node::Number(x), Node::Metric { metric, field }) => {
                metric_test(program, *metric, *field, flip(*op), *x)
            }
            (
                Node::Aggregate {
                    op: Aggregate::Count,
                    collection,
                },
                Node::Number(x),
            ) => flags_test(collection)
                .map(Box::new)
                .map_or(Test::General, |pred| Test::FlagsCount {
                    pred,
                    op: *op,
                    rhs: *x,
                }),
            (
                Node::Number(x),
                Node::Aggregate {
                    op: Aggregate::Count,
                    collection,
                },
            ) => flags_test(collection)
                .map(Box::new)
                .map_or(Test::General, |pred| Test::FlagsCount {
                    pred,
                    op: flip(*op),
                    rhs: *x,
                }),
            _ => Test::General,
        },
        Node::Aggregate {
            op: op @ (Aggregate::Any | Aggregate::None),
            collection,
        } => flags_test(collection)
            .map(Box::new)
            .map_or(Test::General, |pred| Test::FlagsAny {
                pred,
                none: *op == Aggregate::None,
            }),
        _ => Test::General,
    }
}

fn metric_test(
    program: &Program,
    metric: usize,
    field: MetricField,
    op: Compare,
    rhs: f64,
) -> Test {
    // Significance tests are booleans: comparing them with a number is for the general path.
    match program.metrics.get(metric) {
        Some(slot) if !field.is_bool() => Test::Metric(MetricTest {
            slot: metric as u32,
            field,
            direction: slot.direction,
            op,
            rhs,
        }),
        _ => Test::General,
    }
}

/// `a OP b` as `b OP' a`.
fn flip(op: Compare) -> Compare {
    match op {
        Compare::Lt => Compare::Gt,
        Compare::Le => Compare::Ge,
        Compare::Gt => Compare::Lt,
        Compare::Ge => Compare::Le,
        other => other,
    }
}

/// A chain `flags where P1 where P2 …` as one predicate: an element is kept when every
/// predicate holds, dropped when one is false, uncertain otherwise — Kleene's `and`.
fn flags_test(collection: &Node) -> Option<FlagPred> {
    match collection {
        Node::Flags => Some(FlagPred::Const(true)),
        Node::Where {
            collection,
            predicate,
        } => {
            let inner = flags_test(collection)?;
            let this = flag_pred(predicate)?;
            Some(match inner {
                FlagPred::Const(true) => this,
                inner => FlagPred::And(Box::new(inner), Box::new(this)),
            })
        }
        _ => None,
    }
}

fn text_field(node: &Node) -> Option<FlagField> {
    match node {
        Node::Field(ElementField::Flag(f)) if *f != FlagField::Severity => Some(*f),
        _ => None,
    }
}

fn is_severity(node: &Node) -> bool {
    matches!(node, Node::Field(ElementField::Flag(FlagField::Severity)))
}

fn flag_pred(node: &Node) -> Option<FlagPred> {
    Some(match node {
        Node::Bool(b) => FlagPred::Const(*b),
        Node::And(l, r) => FlagPred::And(Box::new(flag_pred(l)?), Box::new(flag_pred(r)?)),
        Node::Or(l, r) => FlagPred::Or(Box::new(flag_pred(l)?), Box::new(flag_pred(r)?)),
        Node::Not(inner) => FlagPred::Not(Box::new(flag_pred(inner)?)),
        Node::Compare { op, lhs, rhs } => match (&**lhs, &**rhs, op) {
            (field, Node::Str(s), Compare::Eq | Compare::Ne)
            | (Node::Str(s), field, Compare::Eq | Compare::Ne) => FlagPred::Text {
                field: text_field(field)?,
                value: s.clone(),
                negated: *op == Compare::Ne,
            },
            (field, Node::Severity(s), _) if is_severity(field) => {
                FlagPred::Severity { op: *op, value: *s }
            }
            (Node::Severity(s), field, _) if is_severity(field) => FlagPred::Severity {
                op: flip(*op),
                value: *s,
            },
            _ => return None,
        },
        Node::In {
            negated,
            item,
            list: list_node,
        } => {
            let Node::List(items) = &**list_node else {
                return None;
            };
            if is_severity(item) {
                let values = items
                    .iter()
                    .map(|i| match i {
                        Node::Severity(s) => Some(*s),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                FlagPred::SeverityIn {
                    values,
                    negated: *negated,
                }
            } else {
                let values = items
                    .iter()
                    .map(|i| match i {
                        Node::Str(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                FlagPred::TextIn {
                    field: text_field(item)?,
                    values,
                    negated: *negated,
                }
            }
        }
        _ => return None,
    })
}

/// `a == b`, inlined for short strings (no call to `memcmp`): length first, as most
/// differ in length.
#[inline]
pub(super) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 32 {
        return a == b;
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

fn flag_text(flag: &Flag, field: FlagField) -> Option<&str> {
    match field {
        FlagField::Source => Some(&flag.source),
        FlagField::Category => Some(&flag.category),
        FlagField::Id => flag.id.as_deref(),
        FlagField::Author => flag.author.as_deref(),
        FlagField::Note => flag.note.as_deref(),
        FlagField::Stage => flag.stage.as_deref(),
        FlagField::Severity => None,
    }
}

/// Does `order` satisfy `op`?
#[inline]
pub(super) fn holds(op: Compare, order: Ordering) -> bool {
    match op {
        Compare::Eq => order.is_eq(),
        Compare::Ne => order.is_ne(),
        Compare::Lt => order.is_lt(),
        Compare::Le => order.is_le(),
        Compare::Gt => order.is_gt(),
        Compare::Ge => order.is_ge(),
    }
}

impl FlagPred {
    /// True, false, or unknown (`None`) for one flag.
    fn eval(&self, flag: &Flag) -> Option<bool> {
        match self {
            FlagPred::Const(b) => Some(*b),
            FlagPred::Text {
                field,
                value,
                negated,
            } => flag_text(flag, *field).map(|t| same_text(t, value) != *negated),
            FlagPred::TextIn {
                field,
                values,
                negated,
            } => {
                flag_text(flag, *field).map(|t| values.iter().any(|v| same_text(t, v)) != *negated)
            }
            FlagPred::Severity { op, value } => Some(holds(*op, flag.severity.cmp(value))),
            FlagPred::SeverityIn { values, negated } => {
                Some(values.contains(&flag.severity) != *negated)
            }
            FlagPred::And(l, r) => match l.eval(flag) {
                Some(false) => Some(false),
                left => match (left, r.eval(flag)) {
                    (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
            },
            FlagPred::Or(l, r) => match l.eval(flag) {
                Some(true) => Some(true),
                left => match (left, r.eval(flag)) {
                    (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
            },
            FlagPred::Not(inner) => inner.eval(flag).map(|b| !b),
        }
    }
}

/// Run a planned test. `None` is unknown; `general` evaluates the clause's node.
#[inline]
pub(super) fn run(
    test: &Test,
    bundle: &Bundle,
    bound: &Bound,
    general: impl FnOnce() -> Option<bool>,
) -> Option<bool> {
    match test {
        Test::Metric(test) => test.run(bundle, bound),
        Test::FlagsAny { pred, none } => {
            let mut uncertain = false;
            for flag in &bundle.flags {
                match pred.eval(flag) {
                    Some(true) => return Some(!*none),
                    Some(false) => {}
                    None => uncertain = true,
                }
            }
            if uncertain {
                None
            } else {
                Some(*none)
            }
        }
        Test::FlagsCount { pred, op, rhs } => {
            let flags = &bundle.flags;
            let count = match &**pred {
                // Fields every flag has: a plain loop.
                FlagPred::Text {
                    field: FlagField::Category,
                    value,
                    negated,
                } => flags
                    .iter()
                    .filter(|f| same_text(&f.category, value) != *negated)
                    .count(),
                FlagPred::Text {
                    field: FlagField::Source,
                    value,
                    negated,
                } => flags
                    .iter()
                    .filter(|f| same_text(&f.source, value) != *negated)
                    .count(),
                pred => {
                    let mut count = 0usize;
                    for flag in flags {
                        match pred.eval(flag) {
                            Some(true) => count += 1,
                            Some(false) => {}
                            None => return None,
                        }
                    }
                    count
                }
            };
            Some(holds(*op, compare_numbers(count as f64, *rhs)))
        }
        Test::General => general(),
    }
}

impl MetricTest {
    /// The comparison, or `None` when the metric or a field it needs is absent.
    #[inline]
    pub(super) fn run(&self, bundle: &Bundle, bound: &Bound) -> Option<bool> {
        let index = (*bound.metrics.get(self.slot as usize)?)?;
        let (_, m) = bundle.metrics.get_index(index as usize)?;
        let x = match self.field {
            MetricField::Value => m.value,
            MetricField::Baseline => m.baseline?,
            MetricField::Delta => m.value - m.baseline?,
            MetricField::Upper if m.ci.is_some() => m.ci?.1,
            MetricField::Lower if m.ci.is_some() => m.ci?.0,
            field => match quantity(m, self.direction, field) {
                Ok(Quantity::Number(x)) => x,
                _ => return None,
            },
        };
        Some(holds_fast(self.op, x, self.rhs))
    }
}

/// `holds(op, compare_numbers(x, rhs))` for finite numbers (evidence numbers are finite and
/// arithmetic that is not yields unknown), without the calls: equal within the tolerance,
/// else by plain order.
#[inline]
fn holds_fast(op: Compare, x: f64, rhs: f64) -> bool {
    let scale = x.abs().max(rhs.abs()).max(1.0);
    let d = x - rhs;
    // Bit 0 for less, 1 for equal, 2 for greater: which orders satisfy `op`.
    let accepts: u8 = match op {
        Compare::Lt => 0b001,
        Compare::Eq => 0b010,
        Compare::Le => 0b011,
        Compare::Gt => 0b100,
        Compare::Ne => 0b101,
        Compare::Ge => 0b110,
    };
    let bit = if d.abs() <= NUMBER_TOLERANCE * scale {
        0b010
    } else if d > 0.0 {
        0b100
    } else {
        0b001
    };
    accepts & bit != 0
}

/// A rule planned as [`RulePlan::Metric`]: its verdict.
#[inline]
pub(super) fn metric_rule_verdict(
    test: &MetricTest,
    outcome: Outcome,
    unless: bool,
    missing: Outcome,
    bundle: &Bundle,
    bound: &Bound,
) -> FastVerdict {
    match test.run(bundle, bound) {
        Some(holds) if holds != unless => FastVerdict {
            outcome,
            status: Status::Fired,
            unknown: false,
        },
        Some(_) => FastVerdict {
            outcome: Outcome::Pass,
            status: Status::Passed,
            unknown: false,
        },
        None => FastVerdict {
            outcome: missing,
            status: Status::Missing,
            unknown: true,
        },
    }
}
