//! The evaluator: compiled expressions over a bound bundle, in Kleene's three-valued logic
//! (LANGUAGE.md section 6). It is the only one. It is generic over what it records about an
//! unknown ([`Record`]): nothing when deciding, the missing keys when reporting, and
//! `--explain` reads every sub-value from it.

use std::marker::PhantomData;
use std::rc::Rc;

use crate::builtins::{FlagField, MetricField};
use crate::compile::ir::{Aggregate, Arith, Clause, ElementField, Expr, Node, Rule};
use crate::compile::Program;
use crate::evidence::{Bundle, Metric, Samples};
use crate::index::to_u32;
use crate::levels::Direction;
use crate::levels::Outcome;
use crate::outcome::Status;

use super::adjust::adjusted_field;
use super::bind::Bound;
use super::logic::{self, contribution, Fold, Keep, Tally};
use super::metric::{items_needed, quantity, samples_for, Gap, Quantity};
use super::plan::{self, Test};
use super::record::Record;
use super::value::{ElementKind, MissingKey, Selection, Tri, Value};

/// The element a `where` predicate is looking at.
#[derive(Clone, Copy, Debug)]
pub enum Element {
    None,
    Flag(u32),
    Metric { index: u32, family: u32 },
}

/// A truth value, or unknown with why.
pub type Truth<W> = Result<bool, W>;

/// A rule's outcome and status before waivers, and why some clause was unknown, if one was.
#[derive(Clone, Debug)]
pub struct Verdict<W> {
    pub outcome: Outcome,
    pub status: Status,
    pub unknown: Option<W>,
}

pub struct Evaluator<'a, R: Record> {
    pub program: &'a Program,
    pub bundle: &'a Bundle,
    pub bound: &'a Bound,
    /// Let values, filled in dependency order before any rule runs.
    lets: Vec<Tri<'a, R::Why>>,
    record: PhantomData<R>,
}

impl<'a, R: Record> Evaluator<'a, R> {
    pub fn new(program: &'a Program, bundle: &'a Bundle, bound: &'a Bound) -> Evaluator<'a, R> {
        let mut ev = Evaluator {
            program,
            bundle,
            bound,
            lets: Vec::with_capacity(program.lets.len()),
            record: PhantomData,
        };
        for slot in &program.lets {
            let v = ev.eval(&slot.value, Element::None);
            ev.lets.push(v);
        }
        ev
    }

    /// The outcome and status of a rule's clauses (before waivers), each clause through its
    /// planned shape where it has one, with why any clause was unknown.
    pub fn rule_verdict(&self, planned: &[Test], rule: &'a Rule) -> Verdict<R::Why> {
        let mut fold = Fold::default();
        let mut unknown: Option<R::Why> = None;
        for (k, clause) in rule.clauses.iter().enumerate() {
            let truth = match self.clause_truth(planned.get(k), clause) {
                Ok(b) => Some(b),
                Err(w) => {
                    unknown = Some(join_some::<R>(unknown, w));
                    None
                }
            };
            fold.add(contribution(
                clause.outcome,
                clause.unless,
                truth,
                rule.missing,
            ));
        }
        let (outcome, status) = fold.finish();
        Verdict {
            outcome,
            status,
            unknown,
        }
    }

    /// A clause's condition. A planned shape answers when it knows; an unknown (or a clause
    /// without a shape) is evaluated in general, which says why.
    pub fn clause_truth(&self, planned: Option<&Test>, clause: &'a Clause) -> Truth<R::Why> {
        if let Some(known) = planned.and_then(|test| plan::run(test, self.bundle, self.bound)) {
            return Ok(known);
        }
        self.truth(&clause.condition, Element::None)
    }

    pub fn truth(&self, e: &'a Expr, el: Element) -> Truth<R::Why> {
        match self.eval(e, el)? {
            Value::Bool(b) => Ok(b),
            _ => Err(ill_typed::<R>()),
        }
    }

    fn number(&self, e: &'a Expr, el: Element) -> Result<f64, R::Why> {
        match self.eval(e, el)? {
            Value::Number(x) => Ok(x),
            _ => Err(ill_typed::<R>()),
        }
    }

    pub fn eval(&self, e: &'a Expr, el: Element) -> Tri<'a, R::Why> {
        match &e.node {
            Node::Number(x) => Ok(Value::Number(*x)),
            Node::Bool(b) => Ok(Value::Bool(*b)),
            Node::Str(s) => Ok(Value::Str(s)),
            Node::Severity(s) => Ok(Value::Severity(*s)),
            Node::List(items) => {
                let values = all::<R, _>(items.iter().map(|i| self.eval(i, el)))?;
                Ok(Value::List(Rc::from(values)))
            }
            Node::Metric { metric, field } => {
                self.declared_metric(*metric, *field, |m, s, d| quantity(m, s, d, *field))
            }
            Node::NNeeded { metric, effect } => match self.number(effect, el) {
                Ok(effect) => self.declared_metric(*metric, MetricField::Mde, |m, s, d| {
                    items_needed(m, s, d, effect)
                }),
                // Both unknowns are reported: the effect's and the metric's.
                Err(why) => {
                    let mde = self.declared_metric(*metric, MetricField::Mde, |m, s, d| {
                        quantity(m, s, d, MetricField::Mde)
                    });
                    Err(match mde {
                        Err(also) => R::join(why, also),
                        Ok(_) => why,
                    })
                }
            },
            Node::Has(m) => Ok(Value::Bool(
                self.bound.metrics.get(*m).is_some_and(Option::is_some),
            )),
            Node::HasFamily(f) => Ok(Value::Bool(
                self.bound.families.get(*f).is_some_and(|v| !v.is_empty()),
            )),
            Node::Let(i) => self
                .lets
                .get(*i)
                .cloned()
                .unwrap_or_else(|| Err(ill_typed::<R>())),
            Node::Stage => self
                .bundle
                .stage
                .as_deref()
                .map(Value::Str)
                .ok_or_else(|| R::why(MissingKey::Stage)),
            Node::Signed(role) => Ok(Value::Bool(
                self.bound.signed.get(*role).copied().unwrap_or(false),
            )),
            Node::Field(field) => self.element_field(*field, el),
            Node::Flags | Node::Family(_) | Node::Where { .. } => self.selection(e, el),
            Node::Aggregate { op, collection } => self.aggregate(*op, collection, el),
            Node::Not(inner) => self.truth(inner, el).map(|b| Value::Bool(!b)),
            Node::Neg(inner) => self.number(inner, el).map(|x| Value::Number(-x)),
            Node::And(l, r) => self.kleene(false, l, r, el),
            Node::Or(l, r) => self.kleene(true, l, r, el),
            Node::Compare { op, lhs, rhs } => {
                let (l, r) = both::<R, _, _>(self.eval(lhs, el), self.eval(rhs, el))?;
                Ok(Value::Bool(logic::compare(*op, &l, &r)))
            }
            Node::Arith { op, lhs, rhs } => {
                let (a, b) = both::<R, _, _>(self.number(lhs, el), self.number(rhs, el))?;
                let x = match op {
                    Arith::Add => a + b,
                    Arith::Sub => a - b,
                    Arith::Mul => a * b,
                    Arith::Div if b == 0.0 => return Err(R::why(MissingKey::DivisionByZero)),
                    Arith::Div => a / b,
                };
                finite::<R>(x)
            }
            Node::In {
                negated,
                item,
                list,
            } => {
                let item = self.eval(item, el);
                let found = self.member(item.as_ref().ok(), list, el);
                let (_, found) = both::<R, _, _>(item, found)?;
                Ok(Value::Bool(found != *negated))
            }
            Node::Abs(inner) => self.number(inner, el).map(|x| Value::Number(x.abs())),
            Node::Min(args) => self.fold_numbers(args, el, f64::min),
            Node::Max(args) => self.fold_numbers(args, el, f64::max),
        }
    }

    fn kleene(&self, decisive: bool, l: &'a Expr, r: &'a Expr, el: Element) -> Tri<'a, R::Why> {
        logic::kleene(decisive, self.truth(l, el), || self.truth(r, el), R::join).map(Value::Bool)
    }

    /// Whether `item` (when known) is in `list`: unknown when any element of the list is. A
    /// list written out is read element by element, without building it.
    fn member(
        &self,
        item: Option<&Value<'a, R::Why>>,
        list: &'a Expr,
        el: Element,
    ) -> Truth<R::Why> {
        let is = |v: &Value<'a, R::Why>| item.is_some_and(|item| v.equals(item));
        match &list.node {
            Node::List(items) => {
                let mut found = false;
                let mut unknown: Option<R::Why> = None;
                for v in items.iter().map(|i| self.eval(i, el)) {
                    match v {
                        Ok(v) => found = found || is(&v),
                        Err(w) => unknown = Some(join_some::<R>(unknown, w)),
                    }
                }
                unknown.map_or(Ok(found), Err)
            }
            _ => match self.eval(list, el)? {
                Value::List(values) => Ok(values.iter().any(is)),
                _ => Err(ill_typed::<R>()),
            },
        }
    }

    fn fold_numbers(
        &self,
        args: &'a [Expr],
        el: Element,
        f: fn(f64, f64) -> f64,
    ) -> Tri<'a, R::Why> {
        let numbers = all::<R, _>(args.iter().map(|a| self.number(a, el)))?;
        numbers
            .into_iter()
            .reduce(f)
            .map(Value::Number)
            .ok_or_else(ill_typed::<R>)
    }

    /// A quantity of declared metric `metric`, computed by `compute` from the metric, its
    /// samples (when `field` reads them) and its direction.
    fn declared_metric(
        &self,
        metric: usize,
        field: MetricField,
        compute: impl FnOnce(&Metric, Option<&Samples>, Option<Direction>) -> Result<Quantity, Gap>,
    ) -> Tri<'a, R::Why> {
        let key = to_u32(metric);
        let Some(Some(index)) = self.bound.metrics.get(metric) else {
            return Err(R::why(MissingKey::Metric(key)));
        };
        let (Some((evidence_key, m)), Some(slot)) = (
            self.bundle.metrics.get_index(*index as usize),
            self.program.metrics.get(metric),
        ) else {
            return Err(R::why(MissingKey::Metric(key)));
        };
        let samples = samples_for(self.bundle, evidence_key, field);
        from_quantity::<R>(compute(m, samples, slot.direction), |f| {
            MissingKey::MetricField(key, f)
        })
    }

    fn element_field(&self, field: ElementField, el: Element) -> Tri<'a, R::Why> {
        match (field, el) {
            (ElementField::Flag(f), Element::Flag(i)) => {
                let absent = || R::why(MissingKey::FlagField(i, f));
                let Some(flag) = self.bundle.flags.get(i as usize) else {
                    return Err(absent());
                };
                let text = |v: Option<&'a str>| v.map(Value::Str).ok_or_else(absent);
                match f {
                    FlagField::Id => text(flag.id()),
                    FlagField::Source => Ok(Value::Str(&flag.source)),
                    FlagField::Author => text(flag.author.as_deref()),
                    FlagField::Category => Ok(Value::Str(&flag.category)),
                    FlagField::Severity => Ok(Value::Severity(flag.severity)),
                    FlagField::Note => text(flag.note()),
                    FlagField::Stage => text(flag.stage()),
                }
            }
            (ElementField::MetricName, Element::Metric { index, .. }) => self
                .bundle
                .metrics
                .get_index(index as usize)
                .map(|(k, _)| Value::Str(k.as_str()))
                .ok_or_else(|| R::why(MissingKey::EvidenceField(index, "value"))),
            (ElementField::Metric(f), Element::Metric { index, family }) => {
                let direction = self
                    .program
                    .families
                    .get(family as usize)
                    .and_then(|s| s.direction);
                let Some((key, m)) = self.bundle.metrics.get_index(index as usize) else {
                    return Err(R::why(MissingKey::EvidenceField(index, "value")));
                };
                let family = family as usize;
                let adjusted = (self.bound.adjusted.get(family))
                    .zip(self.bound.families.get(family))
                    .and_then(|(adjusted, members)| {
                        adjusted_field(adjusted, members, self.bundle, index, f)
                    });
                let q = adjusted.map_or_else(
                    || quantity(m, samples_for(self.bundle, key, f), direction, f),
                    Ok,
                );
                from_quantity::<R>(q, |name| MissingKey::EvidenceField(index, name))
            }
            // The checker only admits fields inside a matching `where`.
            _ => Err(ill_typed::<R>()),
        }
    }

    /// The elements a collection expression ranges over before any `where`: its base (`flags`,
    /// a family, or a `let` holding a selection), with how surely each is in.
    fn base(&self, e: &'a Expr, el: Element) -> Result<Base<'a, R::Why>, R::Why> {
        match &e.node {
            Node::Where { collection, .. } => self.base(collection, el),
            Node::Flags => Ok(Base::Flags(to_u32(self.bundle.flags.len()))),
            Node::Family(f) => match self.bound.families.get(*f) {
                Some(members) if !members.is_empty() => Ok(Base::Family {
                    members,
                    family: to_u32(*f),
                }),
                _ => Err(R::why(MissingKey::Family(to_u32(*f)))),
            },
            _ => match self.eval(e, el)? {
                Value::Selection(s) => match s.empty_family {
                    Some(f) => Err(R::why(MissingKey::Family(f))),
                    None => Ok(Base::Selection(s)),
                },
                _ => Err(ill_typed::<R>()),
            },
        }
    }

    /// Run `each` over every element of the collection `e` with whether its `where` chain
    /// keeps it, until `each` says the answer is settled.
    fn scan(
        &self,
        e: &'a Expr,
        el: Element,
        mut each: impl FnMut(u32, Element, Keep<R::Why>) -> bool,
    ) -> Result<ElementKind, R::Why> {
        let base = self.base(e, el)?;
        let mut visit = |index: u32, element: Element, start: Keep<R::Why>| {
            each(index, element, self.keep(e, element, start))
        };
        match &base {
            Base::Flags(n) => {
                for i in 0..*n {
                    if visit(i, Element::Flag(i), Keep::Sure) {
                        break;
                    }
                }
                Ok(ElementKind::Flags)
            }
            Base::Family { members, family } => {
                for &index in *members {
                    let element = Element::Metric {
                        index,
                        family: *family,
                    };
                    if visit(index, element, Keep::Sure) {
                        break;
                    }
                }
                Ok(ElementKind::Metrics(*family))
            }
            Base::Selection(s) => {
                for (index, uncertain) in &s.items {
                    let element = match s.kind {
                        ElementKind::Flags => Element::Flag(*index),
                        ElementKind::Metrics(family) => Element::Metric {
                            index: *index,
                            family,
                        },
                    };
                    let start = uncertain.clone().map_or(Keep::Sure, Keep::Uncertain);
                    if visit(*index, element, start) {
                        break;
                    }
                }
                Ok(s.kind)
            }
        }
    }

    /// Whether the `where` chain ending in `e` keeps `element`: its predicates from the
    /// innermost out, joined by Kleene's `and`; a dropped element is not looked at again.
    fn keep(&self, e: &'a Expr, element: Element, start: Keep<R::Why>) -> Keep<R::Why> {
        match &e.node {
            Node::Where {
                collection,
                predicate,
            } => match self.keep(collection, element, start) {
                Keep::Drop => Keep::Drop,
                inner => inner.and(self.truth(predicate, element), R::join),
            },
            _ => start,
        }
    }

    /// A collection as a value (for a `let`, or for `--explain` to list its elements). One
    /// over a family that matched nothing is a value too; aggregates over it are unknown.
    fn selection(&self, e: &'a Expr, el: Element) -> Tri<'a, R::Why> {
        if let Some(f) = self.empty_family(e) {
            return Ok(Value::Selection(Rc::new(Selection {
                kind: ElementKind::Metrics(f),
                items: Vec::new(),
                empty_family: Some(f),
            })));
        }
        let mut items = Vec::new();
        let kind = self.scan(e, el, |index, _, keep| {
            match keep {
                Keep::Drop => {}
                Keep::Sure => items.push((index, None)),
                Keep::Uncertain(w) => items.push((index, Some(w))),
            }
            false
        })?;
        Ok(Value::Selection(Rc::new(Selection {
            kind,
            items,
            empty_family: None,
        })))
    }

    /// The family a collection ranges over, when it matched nothing.
    fn empty_family(&self, e: &'a Expr) -> Option<u32> {
        match &e.node {
            Node::Where { collection, .. } => self.empty_family(collection),
            Node::Family(f) if self.bound.families.get(*f).is_none_or(Vec::is_empty) => {
                Some(to_u32(*f))
            }
            Node::Let(i) => match self.lets.get(*i) {
                Some(Ok(Value::Selection(s))) => s.empty_family,
                _ => None,
            },
            _ => None,
        }
    }

    /// `count`, `any`, `none`, `authors`: streamed over the collection, no selection built.
    fn aggregate(&self, op: Aggregate, collection: &'a Expr, el: Element) -> Tri<'a, R::Why> {
        let mut tally = Tally::new(op);
        self.scan(collection, el, |index, _, keep| {
            tally.add(index, keep, R::ALL_REASONS, R::join)
        })?;
        tally.finish(|kept| self.authors(kept))
    }

    /// Distinct authors of the flags kept. A flag without an author counts as one author of
    /// its own: anonymous feedback is still a voice, and counting it errs toward review.
    fn authors(&self, kept: &[u32]) -> f64 {
        let mut names: Vec<&str> = Vec::new();
        let mut anonymous = 0usize;
        for index in kept {
            match self
                .bundle
                .flags
                .get(*index as usize)
                .and_then(|f| f.author.as_deref())
            {
                Some(name) if !names.contains(&name) => names.push(name),
                Some(_) => {}
                None => anonymous += 1,
            }
        }
        (names.len() + anonymous) as f64
    }
}

/// The elements a collection starts from.
enum Base<'a, W> {
    Flags(u32),
    Family { members: &'a [u32], family: u32 },
    Selection(Rc<Selection<W>>),
}

/// A value of the wrong shape, which the checker rules out. Should it ever happen, the
/// expression is unknown, so the rule fails closed instead of passing.
fn ill_typed<R: Record>() -> R::Why {
    R::why(MissingKey::IllTyped)
}

/// A number, or unknown when arithmetic left the finite numbers: no honest value exists.
fn finite<'a, R: Record>(x: f64) -> Tri<'a, R::Why> {
    if x.is_finite() {
        Ok(Value::Number(x))
    } else {
        Err(R::why(MissingKey::Overflow))
    }
}

fn from_quantity<'a, R: Record>(
    q: Result<Quantity, Gap>,
    field_key: impl FnOnce(&'static str) -> MissingKey,
) -> Tri<'a, R::Why> {
    match q {
        Ok(Quantity::Number(x)) => finite::<R>(x),
        Ok(Quantity::Bool(b)) => Ok(Value::Bool(b)),
        Err(Gap::Field(f)) => Err(R::why(field_key(f))),
        Err(Gap::DivisionByZero) => Err(R::why(MissingKey::DivisionByZero)),
        Err(Gap::Overflow) => Err(R::why(MissingKey::Overflow)),
        Err(Gap::TooFew) => Err(R::why(MissingKey::TooFew)),
        Err(Gap::NotPositive) => Err(R::why(MissingKey::NotPositive)),
    }
}

fn join_some<R: Record>(acc: Option<R::Why>, w: R::Why) -> R::Why {
    match acc {
        Some(a) => R::join(a, w),
        None => w,
    }
}

/// Every item known, or unknown with the reasons of every unknown item.
fn all<R: Record, T>(items: impl Iterator<Item = Result<T, R::Why>>) -> Result<Vec<T>, R::Why> {
    let mut values = Vec::new();
    let mut unknown: Option<R::Why> = None;
    for item in items {
        match item {
            Ok(v) => values.push(v),
            Err(w) => unknown = Some(join_some::<R>(unknown, w)),
        }
    }
    unknown.map_or(Ok(values), Err)
}

/// Both operands known, or unknown with the reasons of every unknown side.
fn both<R: Record, A, B>(l: Result<A, R::Why>, r: Result<B, R::Why>) -> Result<(A, B), R::Why> {
    match (l, r) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(a), Err(b)) => Err(R::join(a, b)),
        (Err(a), Ok(_)) | (Ok(_), Err(a)) => Err(a),
    }
}
