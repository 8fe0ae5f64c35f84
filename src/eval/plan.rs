//! The evaluation plan: every clause of every rule in one flat list, the common shapes of
//! condition recognised ahead of time so that deciding them is a few loads and a compare.
//!
//! - `quantity(metric) OP number` (either way round) reads the bound metric and compares;
//! - `any(flags where P)`, `none(…)` and `count(flags where P) OP number`, where `P` is made
//!   of flag fields compared with literals (`source == "expert"`, `severity >= medium`,
//!   `category in ["a", "b"]`, joined by `and`, `or`, `not`), run one loop over the flags
//!   that stops as soon as the answer is known;
//! - anything else is evaluated in general.
//!
//! A shape only ever answers true or false: whenever it meets an unknown it says so, and the
//! evaluator ([`super::expr`]) evaluates the clause in general, which also says why. So an
//! unknown is decided in one place, and the shapes share the evaluator's Kleene tables,
//! comparisons and aggregates ([`super::logic`]).

use std::cmp::Ordering;
use std::sync::Arc;

use indexmap::IndexSet;

use crate::builtins::{FlagField, MetricField};
use crate::compile::ir::{Aggregate, Compare, ElementField, Expr, Node};
use crate::compile::Program;
use crate::evidence::{Bundle, Flag};
use crate::index::to_u32;
use crate::levels::Direction;
use crate::levels::{Outcome, Severity};
use crate::outcome::Status;
use crate::text::same;

use super::bind::{Bound, Lane};
use super::logic::{contribution, holds, kleene, Fold, Keep, Tally};
use super::metric::{quantity, samples_for, Quantity};
use super::value::{compare_numbers, Value, NUMBER_TOLERANCE};

/// A compiled policy's plan: built once per policy.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Every clause's test, rule after rule.
    tests: Vec<Test>,
    /// Per rule, in source order: where its tests start in `tests` (they end where the next
    /// rule's start).
    starts: Vec<u32>,
    /// The rules that are one clause comparing a metric with a number, in source order: the
    /// decider runs them in one tight loop.
    pub(super) metric_rules: Vec<MetricRule>,
    /// The indices of the other rules.
    pub(super) clause_rules: Vec<u32>,
    /// Every text a planned predicate compares a flag's source or category with. Binding
    /// turns each flag's source and category into positions in this set ([`FlagCodes`]).
    texts: IndexSet<Arc<str>>,
}

/// A flag's source and category as positions in [`Plan::texts`], [`NO_TEXT`] for a text no
/// planned predicate names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagCodes {
    source: u32,
    category: u32,
}

const NO_TEXT: u32 = u32::MAX;

/// The two flag fields every flag has, compared by code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodedField {
    Source,
    Category,
}

impl FlagCodes {
    #[inline]
    fn get(self, field: CodedField) -> u32 {
        match field {
            CodedField::Source => self.source,
            CodedField::Category => self.category,
        }
    }
}

/// The commonest rule of all: one clause, `SEVERITY when|unless quantity(m) OP number`, for
/// a quantity a [`MetricView`](super::bind::MetricView) holds (`value`, `baseline`, `delta`,
/// `lower`, `upper`): `lane(a) - lane(b)` against `rhs`.
#[derive(Debug, Clone, Copy)]
pub(super) struct MetricRule {
    /// Its index in the policy's rules.
    pub rule: u32,
    slot: u32,
    a: Lane,
    b: Lane,
    rhs: f64,
    band: f64,
    /// The rule's outcome and status for each order of the quantity against the number
    /// (below, equal, above: the positions of [`LESS`], [`EQUAL`], [`GREATER`]), folded once,
    /// when planning, by the one clause fold ([`Fold`]): the tight loop only looks one up,
    /// with no branch on the data.
    verdicts: [(Outcome, Status); 3],
}

/// The verdict of a rule of one clause whose condition has the truth `truth`.
fn one_clause(
    clause: &crate::compile::ir::Clause,
    missing: Option<Outcome>,
    truth: bool,
) -> (Outcome, Status) {
    let mut fold = Fold::default();
    fold.add(contribution(
        clause.outcome,
        clause.unless,
        Some(truth),
        missing,
    ));
    fold.finish()
}

/// `quantity(metric) OP rhs`, the operator already turned to put the metric on the left.
#[derive(Debug, Clone, Copy)]
pub struct MetricTest {
    slot: u32,
    read: Read,
    /// The orders of the quantity against `rhs` that satisfy the operator: a set of
    /// [`LESS`], [`EQUAL`] and [`GREATER`].
    accepts: u8,
    rhs: f64,
    /// A quantity further than this from `rhs` is ordered by the sign of the difference
    /// alone: the tolerance band of `rhs` (see `band`) lies inside it.
    band: f64,
}

/// How a metric test reads its quantity.
#[derive(Debug, Clone, Copy)]
enum Read {
    /// `lane(a) - lane(b)` of the metric's [`MetricView`].
    Lanes(Lane, Lane),
    /// Any other quantity: computed from the bundle's entry.
    Quantity(MetricField, Option<Direction>),
}

const LESS: u8 = 0b001;
const EQUAL: u8 = 0b010;
const GREATER: u8 = 0b100;

#[derive(Debug, Clone)]
pub enum Test {
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
pub enum FlagPred {
    Const(bool),
    /// `source` or `category` `== value` (or `!=` when `negated`), `value` as its code.
    Code {
        field: CodedField,
        code: u32,
        negated: bool,
    },
    /// `source` or `category` `in [values]` (or `not in`), the values as codes.
    CodeIn {
        field: CodedField,
        codes: Vec<u32>,
        negated: bool,
    },
    /// `field == value` (or `!=` when `negated`) for a field a flag may lack.
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
    /// A chain of `and`, flattened (`a and b and c`, and the predicates of `where` after
    /// `where`), tried in order.
    All(Vec<FlagPred>),
    /// A chain of `or`, flattened.
    Any(Vec<FlagPred>),
    Not(Box<FlagPred>),
}

impl Plan {
    pub fn new(program: &Program) -> Plan {
        let mut tests = Vec::new();
        let mut starts = Vec::with_capacity(program.rules.len());
        let mut metric_rules = Vec::new();
        let mut clause_rules = Vec::new();
        let mut texts = IndexSet::new();
        for (index, rule) in program.rules.iter().enumerate() {
            starts.push(to_u32(tests.len()));
            for clause in &rule.clauses {
                tests.push(test(program, &clause.condition, &mut texts));
            }
            match (rule.clauses.as_slice(), tests.last()) {
                (
                    [clause],
                    Some(Test::Metric(
                        test @ MetricTest {
                            read: Read::Lanes(a, b),
                            ..
                        },
                    )),
                ) => metric_rules.push(MetricRule {
                    rule: to_u32(index),
                    slot: test.slot,
                    a: *a,
                    b: *b,
                    rhs: test.rhs,
                    band: test.band,
                    verdicts: [LESS, EQUAL, GREATER]
                        .map(|bit| one_clause(clause, rule.missing, test.accepts & bit != 0)),
                }),
                _ => clause_rules.push(to_u32(index)),
            }
        }
        Plan {
            tests,
            starts,
            metric_rules,
            clause_rules,
            texts,
        }
    }

    /// A plan with no shapes: every clause is evaluated in general. The reference the planned
    /// shapes are tested against.
    #[doc(hidden)]
    pub fn general(program: &Program) -> Plan {
        let mut tests = Vec::new();
        let mut starts = Vec::with_capacity(program.rules.len());
        for rule in &program.rules {
            starts.push(to_u32(tests.len()));
            tests.extend(rule.clauses.iter().map(|_| Test::General));
        }
        Plan {
            tests,
            starts,
            metric_rules: Vec::new(),
            clause_rules: (0..to_u32(program.rules.len())).collect(),
            texts: IndexSet::new(),
        }
    }

    /// The tests of rule `rule`'s clauses, in clause order.
    pub fn tests(&self, rule: usize) -> &[Test] {
        let start = self
            .starts
            .get(rule)
            .map_or(self.tests.len(), |s| *s as usize);
        let end = self
            .starts
            .get(rule + 1)
            .map_or(self.tests.len(), |s| *s as usize);
        self.tests.get(start..end).unwrap_or(&[])
    }

    /// Each flag's source and category as codes of this plan's texts, into `out`.
    pub(super) fn flag_codes(&self, flags: &[Flag], out: &mut Vec<FlagCodes>) {
        // A bundle stores each distinct source and category once and its flags share it
        // (`Ctx::intern`), so a text's address finds its code again without comparing text.
        let mut met = [(0usize, 0u32); 16];
        let mut len = 0;
        let mut code = |text: &Arc<str>| {
            let address = text.as_ptr() as usize;
            if let Some((_, code)) = met
                .get(..len)
                .and_then(|m| m.iter().find(|(a, _)| *a == address))
            {
                return *code;
            }
            let code = self.code(text);
            if let Some(slot) = met.get_mut(len) {
                *slot = (address, code);
                len += 1;
            }
            code
        };
        out.clear();
        out.extend(flags.iter().map(|flag| FlagCodes {
            source: code(&flag.source),
            category: code(&flag.category),
        }));
    }

    fn code(&self, text: &str) -> u32 {
        // Policies name a handful of sources and categories: a scan beats hashing.
        let found = if self.texts.len() <= 8 {
            self.texts.iter().position(|t| same(t, text))
        } else {
            self.texts.get_index_of(text)
        };
        found.map_or(NO_TEXT, to_u32)
    }
}

type Texts = IndexSet<Arc<str>>;

fn code_of(texts: &mut Texts, text: &Arc<str>) -> u32 {
    to_u32(texts.insert_full(text.clone()).0)
}

fn test(program: &Program, condition: &Expr, texts: &mut Texts) -> Test {
    match &condition.node {
        Node::Compare { op, lhs, rhs } => match (&lhs.node, &rhs.node) {
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
            ) => flags_test(collection, texts)
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
            ) => flags_test(collection, texts)
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
        } => flags_test(collection, texts)
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
            slot: to_u32(metric),
            read: match field {
                MetricField::Value => Read::Lanes(Lane::Value, Lane::Zero),
                MetricField::Baseline => Read::Lanes(Lane::Baseline, Lane::Zero),
                MetricField::Delta => Read::Lanes(Lane::Value, Lane::Baseline),
                MetricField::Lower => Read::Lanes(Lane::Lower, Lane::Zero),
                MetricField::Upper => Read::Lanes(Lane::Upper, Lane::Zero),
                field => Read::Quantity(field, slot.direction),
            },
            accepts: match op {
                Compare::Lt => LESS,
                Compare::Eq => EQUAL,
                Compare::Le => LESS | EQUAL,
                Compare::Gt => GREATER,
                Compare::Ne => LESS | GREATER,
                Compare::Ge => EQUAL | GREATER,
            },
            rhs,
            band: band(rhs),
        }),
        _ => Test::General,
    }
}

/// A bound on how far from `rhs` a number can be and still be equal to it within the
/// tolerance: `|x - rhs| <= NUMBER_TOLERANCE * max(|x|, |rhs|, 1)` implies
/// `|x - rhs| <= NUMBER_TOLERANCE * max(|rhs|, 1) / (1 - NUMBER_TOLERANCE)`, which the margin
/// of one part in a million covers along with rounding. An overflow to infinity only sends
/// every comparison to the exact path.
fn band(rhs: f64) -> f64 {
    NUMBER_TOLERANCE * rhs.abs().max(1.0) * (1.0 + 1e-6)
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
fn flags_test(collection: &Expr, texts: &mut Texts) -> Option<FlagPred> {
    match &collection.node {
        Node::Flags => Some(FlagPred::Const(true)),
        Node::Where {
            collection,
            predicate,
        } => {
            let inner = flags_test(collection, texts)?;
            let this = flag_pred(predicate, texts)?;
            Some(match inner {
                FlagPred::Const(true) => this,
                inner => all(inner, this),
            })
        }
        _ => None,
    }
}

fn text_field(e: &Expr) -> Option<FlagField> {
    match &e.node {
        Node::Field(ElementField::Flag(f)) if *f != FlagField::Severity => Some(*f),
        _ => None,
    }
}

fn coded(field: FlagField) -> Option<CodedField> {
    match field {
        FlagField::Source => Some(CodedField::Source),
        FlagField::Category => Some(CodedField::Category),
        _ => None,
    }
}

fn is_severity(e: &Expr) -> bool {
    matches!(e.node, Node::Field(ElementField::Flag(FlagField::Severity)))
}

fn flag_pred(e: &Expr, texts: &mut Texts) -> Option<FlagPred> {
    let mut sub = |e: &Expr| flag_pred(e, texts).map(Box::new);
    Some(match &e.node {
        Node::Bool(b) => FlagPred::Const(*b),
        Node::And(l, r) => all(*sub(l)?, *sub(r)?),
        Node::Or(l, r) => any(*sub(l)?, *sub(r)?),
        Node::Not(inner) => FlagPred::Not(sub(inner)?),
        Node::Compare { op, lhs, rhs } => match (&**lhs, &**rhs, op) {
            (
                field,
                Expr {
                    node: Node::Str(s), ..
                },
                Compare::Eq | Compare::Ne,
            )
            | (
                Expr {
                    node: Node::Str(s), ..
                },
                field,
                Compare::Eq | Compare::Ne,
            ) => {
                let field = text_field(field)?;
                let negated = *op == Compare::Ne;
                match coded(field) {
                    Some(field) => FlagPred::Code {
                        field,
                        code: code_of(texts, s),
                        negated,
                    },
                    None => FlagPred::Text {
                        field,
                        value: s.clone(),
                        negated,
                    },
                }
            }
            (
                field,
                Expr {
                    node: Node::Severity(s),
                    ..
                },
                _,
            ) if is_severity(field) => FlagPred::Severity { op: *op, value: *s },
            (
                Expr {
                    node: Node::Severity(s),
                    ..
                },
                field,
                _,
            ) if is_severity(field) => FlagPred::Severity {
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
            let Node::List(items) = &list_node.node else {
                return None;
            };
            if is_severity(item) {
                let values = items
                    .iter()
                    .map(|i| match &i.node {
                        Node::Severity(s) => Some(*s),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                FlagPred::SeverityIn {
                    values,
                    negated: *negated,
                }
            } else {
                let field = text_field(item)?;
                let values = items
                    .iter()
                    .map(|i| match &i.node {
                        Node::Str(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                match coded(field) {
                    Some(field) => FlagPred::CodeIn {
                        field,
                        codes: values.iter().map(|v| code_of(texts, v)).collect(),
                        negated: *negated,
                    },
                    None => FlagPred::TextIn {
                        field,
                        values,
                        negated: *negated,
                    },
                }
            }
        }
        _ => return None,
    })
}

fn flag_text(flag: &Flag, field: FlagField) -> Option<&str> {
    match field {
        FlagField::Source => Some(&flag.source),
        FlagField::Category => Some(&flag.category),
        FlagField::Id => flag.id(),
        FlagField::Author => flag.author.as_deref(),
        FlagField::Note => flag.note(),
        FlagField::Stage => flag.stage(),
        FlagField::Severity => None,
    }
}

impl FlagPred {
    /// True, false, or unknown (`None`) for one flag, its codes `codes`.
    fn eval(&self, flag: &Flag, codes: FlagCodes) -> Option<bool> {
        match self {
            FlagPred::Const(b) => Some(*b),
            FlagPred::Code {
                field,
                code,
                negated,
            } => Some((codes.get(*field) == *code) != *negated),
            FlagPred::CodeIn {
                field,
                codes: values,
                negated,
            } => Some(values.contains(&codes.get(*field)) != *negated),
            FlagPred::Text {
                field,
                value,
                negated,
            } => flag_text(flag, *field).map(|t| same(t, value) != *negated),
            FlagPred::TextIn {
                field,
                values,
                negated,
            } => flag_text(flag, *field).map(|t| values.iter().any(|v| same(t, v)) != *negated),
            FlagPred::Severity { op, value } => Some(holds(*op, flag.severity.cmp(value))),
            FlagPred::SeverityIn { values, negated } => {
                Some(values.contains(&flag.severity) != *negated)
            }
            FlagPred::All(preds) => kleene_flags(false, preds, flag, codes),
            FlagPred::Any(preds) => kleene_flags(true, preds, flag, codes),
            FlagPred::Not(inner) => inner.eval(flag, codes).map(|b| !b),
        }
    }
}

/// Kleene's `and` (`decisive` false) or `or` of a chain, folded left to right by the one
/// table ([`kleene`]); the chain stops at the first decisive answer.
fn kleene_flags(decisive: bool, preds: &[FlagPred], flag: &Flag, codes: FlagCodes) -> Option<bool> {
    let mut acc: Result<bool, ()> = Ok(!decisive);
    for p in preds {
        acc = kleene(decisive, acc, || p.eval(flag, codes).ok_or(()), |(), ()| ());
        if acc == Ok(decisive) {
            break;
        }
    }
    acc.ok()
}

/// `a and b`, one chain however it nests.
fn all(a: FlagPred, b: FlagPred) -> FlagPred {
    FlagPred::All(chain(a, b, |p| match p {
        FlagPred::All(v) => Ok(v),
        other => Err(other),
    }))
}

/// `a or b`, one chain however it nests.
fn any(a: FlagPred, b: FlagPred) -> FlagPred {
    FlagPred::Any(chain(a, b, |p| match p {
        FlagPred::Any(v) => Ok(v),
        other => Err(other),
    }))
}

/// The predicates of `a` then `b`, each unfolded by `unfold` when it is already a chain.
fn chain(
    a: FlagPred,
    b: FlagPred,
    unfold: fn(FlagPred) -> Result<Vec<FlagPred>, FlagPred>,
) -> Vec<FlagPred> {
    let mut out = Vec::new();
    for p in [a, b] {
        match unfold(p) {
            Ok(v) => out.extend(v),
            Err(single) => out.push(single),
        }
    }
    out
}

/// Run a planned test: `Some` when it knows the answer, `None` when it met an unknown or the
/// clause has no shape (the evaluator then evaluates the clause in general).
#[inline]
pub fn run(test: &Test, bundle: &Bundle, bound: &Bound) -> Option<bool> {
    match test {
        Test::Metric(test) => test.run(bundle, bound),
        Test::FlagsAny { pred, none } => {
            let op = if *none {
                Aggregate::None
            } else {
                Aggregate::Any
            };
            match flags_tally(op, pred, bundle, bound).finish(|_| 0.0) {
                Ok(Value::Bool(b)) => Some(b),
                _ => None,
            }
        }
        Test::FlagsCount { pred, op, rhs } => {
            let count = match &**pred {
                // A field every flag has: a plain loop over the codes, no flag is uncertain.
                FlagPred::Code {
                    field,
                    code,
                    negated,
                } => {
                    // Counting stops once more elements could not change the answer.
                    let mut count = 0.0;
                    for c in &bound.flag_codes {
                        if (c.get(*field) == *code) != *negated {
                            count += 1.0;
                            if count_settled(*op, count, *rhs) {
                                break;
                            }
                        }
                    }
                    count
                }
                pred => match flags_tally(Aggregate::Count, pred, bundle, bound).finish(|_| 0.0) {
                    Ok(Value::Number(n)) => n,
                    _ => return None,
                },
            };
            Some(holds(*op, compare_numbers(count, *rhs)))
        }
        Test::General => None,
    }
}

/// Whether `count OP rhs` is settled: a count only grows, so once `>`/`>=` hold, or
/// `<`/`<=` fail, or the count passes `rhs` (for `==`, `!=`), more elements change nothing.
fn count_settled(op: Compare, count: f64, rhs: f64) -> bool {
    let order = compare_numbers(count, rhs);
    match op {
        Compare::Gt | Compare::Ge => holds(op, order),
        Compare::Lt | Compare::Le => !holds(op, order),
        Compare::Eq | Compare::Ne => order.is_gt(),
    }
}

/// An aggregate over the flags a predicate keeps, through the evaluator's [`Tally`].
fn flags_tally(op: Aggregate, pred: &FlagPred, bundle: &Bundle, bound: &Bound) -> Tally<()> {
    let mut tally = Tally::new(op);
    for (i, (flag, codes)) in bundle.flags.iter().zip(&bound.flag_codes).enumerate() {
        let keep = match pred.eval(flag, *codes) {
            Some(true) => Keep::Sure,
            Some(false) => Keep::Drop,
            None => Keep::Uncertain(()),
        };
        if tally.add(to_u32(i), keep, false, |(), ()| ()) {
            break;
        }
    }
    tally
}

impl MetricTest {
    /// The comparison, or `None` when the metric or a field it needs is absent.
    #[inline]
    pub(super) fn run(&self, bundle: &Bundle, bound: &Bound) -> Option<bool> {
        self.order(bundle, bound)
            .map(|position| self.accepts & (1 << position) != 0)
    }

    /// How the quantity is ordered against `rhs`, as the position of its bit: 0 below
    /// ([`LESS`]), 1 equal ([`EQUAL`]), 2 above ([`GREATER`]); or `None` when the metric or a
    /// field it needs is absent.
    #[inline(always)]
    fn order(&self, bundle: &Bundle, bound: &Bound) -> Option<usize> {
        let Read::Lanes(a, b) = self.read else {
            return self.order_other(bundle, bound);
        };
        order_lanes(bound, self.slot, a, b, self.rhs, self.band)
    }

    /// The quantities a view does not hold, from the bundle's entry.
    #[inline(never)]
    fn order_other(&self, bundle: &Bundle, bound: &Bound) -> Option<usize> {
        let Read::Quantity(field, direction) = self.read else {
            return None;
        };
        let index = (*bound.metrics.get(self.slot as usize)?)?;
        let (key, m) = bundle.metrics.get_index(index as usize)?;
        match quantity(m, samples_for(bundle, key, field), direction, field) {
            Ok(Quantity::Number(x)) => Some(order_exact(x, self.rhs)),
            _ => None,
        }
    }
}

/// The order of `lane(a) - lane(b)` of view `slot` against `rhs`.
#[inline(always)]
fn order_lanes(bound: &Bound, slot: u32, a: Lane, b: Lane, rhs: f64, band: f64) -> Option<usize> {
    let view = bound.views.get(slot as usize)?;
    // NaN or finite (see `MetricView`).
    let x = view.lane(a) - view.lane(b);
    order_banded(x, rhs, band)
}

/// [`order_exact`], deciding by the sign of `x - rhs` alone outside `band` (see [`band`]);
/// `None` for NaN, which marks an absent metric or field, or a number too large for the lanes
/// (see `MetricView`): the evaluator then decides, and says why. Outside the band the position
/// is computed without a branch on which side: the sides of random data are not predictable.
#[inline(always)]
fn order_banded(x: f64, rhs: f64, band: f64) -> Option<usize> {
    let d = x - rhs;
    // One test for "outside the band", nearly always true, so predicted; then the side as a
    // number (NaN fails the test and goes on).
    if d.abs() > band {
        return Some(2 * usize::from(d > 0.0));
    }
    if x.is_nan() {
        return None;
    }
    Some(order_exact(x, rhs))
}

/// [`compare_numbers`] as a position (0 below, 1 equal, 2 above), for finite numbers
/// (evidence numbers are finite, and arithmetic that is not yields unknown): equal within the
/// tolerance, else by plain order.
#[inline(never)]
fn order_exact(x: f64, rhs: f64) -> usize {
    match compare_numbers(x, rhs) {
        Ordering::Less => 0,
        Ordering::Equal => 1,
        Ordering::Greater => 2,
    }
}

impl MetricRule {
    /// The rule's outcome and status, or `None` when the metric is unknown: the evaluator
    /// then decides the rule in general.
    #[inline(always)]
    pub(super) fn verdict(&self, bound: &Bound) -> Option<(Outcome, Status)> {
        let position = order_lanes(bound, self.slot, self.a, self.b, self.rhs, self.band)?;
        self.verdicts.get(position).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The band never decides a number the tolerance calls equal: around the edge of the
    /// tolerance, at every scale, the banded order is the exact one.
    #[test]
    fn banded_order_is_the_exact_order() {
        let mut checked = 0;
        for rhs in [
            0.0, 5e-6, 0.5, -0.5, 1.0, -1.0, 3.25, 1e6, -7e12, 1e300, -1e300,
        ] {
            let edge = NUMBER_TOLERANCE * f64::abs(rhs).max(1.0);
            for k in [-3.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0] {
                for wiggle in [-1e-3, -1e-7, -1e-12, 0.0, 1e-12, 1e-7, 1e-3] {
                    let x = rhs + k * edge * (1.0 + wiggle);
                    assert_eq!(
                        order_banded(x, rhs, band(rhs)),
                        Some(order_exact(x, rhs)),
                        "x = {x:e}, rhs = {rhs:e}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 11 * 9 * 7);
    }
}
