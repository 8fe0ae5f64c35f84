//! Evaluating compiled expressions over a bound bundle, in Kleene's three-valued logic
//! (LANGUAGE.md section 6).

use std::cmp::Ordering;
use std::rc::Rc;

use crate::builtins::{FlagField, MetricField};
use crate::compile::ir::{Aggregate, Arith, Compare, ElementField, Node};
use crate::compile::Program;
use crate::evidence::Bundle;

use super::bind::Bound;
use super::metric::{quantity, Gap, Quantity};
use super::value::{union, ElementKind, MissingKey, Selection, Tri, Value};

/// The element a `where` predicate is looking at.
#[derive(Clone, Copy, Debug)]
pub enum Element {
    None,
    Flag(u32),
    Metric { index: u32, family: u32 },
}

pub struct Evaluator<'a> {
    pub program: &'a Program,
    pub bundle: &'a Bundle,
    pub bound: &'a Bound,
    /// Let values, filled in dependency order before any rule runs.
    pub lets: Vec<Tri<'a>>,
}

impl<'a> Evaluator<'a> {
    pub fn new(program: &'a Program, bundle: &'a Bundle, bound: &'a Bound) -> Evaluator<'a> {
        let mut ev = Evaluator {
            program,
            bundle,
            bound,
            lets: Vec::with_capacity(program.lets.len()),
        };
        for slot in &program.lets {
            let v = ev.eval(&slot.value, Element::None);
            ev.lets.push(v);
        }
        ev
    }

    pub fn eval(&self, node: &'a Node, el: Element) -> Tri<'a> {
        match node {
            Node::Number(x) => Ok(Value::Number(*x)),
            Node::Bool(b) => Ok(Value::Bool(*b)),
            Node::Str(s) => Ok(Value::Str(s)),
            Node::Severity(s) => Ok(Value::Severity(*s)),
            Node::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                let mut missing: Option<Vec<MissingKey>> = None;
                for item in items {
                    match self.eval(item, el) {
                        Ok(v) => values.push(v),
                        Err(m) => missing = Some(union(missing.unwrap_or_default(), m)),
                    }
                }
                match missing {
                    Some(m) => Err(m),
                    None => Ok(Value::List(Rc::from(values))),
                }
            }
            Node::Metric { metric, field } => self.declared_metric(*metric, *field),
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
                .unwrap_or_else(|| Err(ill_typed())),
            Node::Stage => self
                .bundle
                .stage
                .as_deref()
                .map(Value::Str)
                .ok_or_else(|| vec![MissingKey::Stage]),
            Node::Signed(role) => Ok(Value::Bool(
                self.bound.signed.get(*role).copied().unwrap_or(false),
            )),
            Node::Field(field) => self.element_field(*field, el),
            Node::Flags => Ok(Value::Selection(Rc::new(Selection {
                kind: ElementKind::Flags,
                items: (0..self.bundle.flags.len() as u32)
                    .map(|i| (i, None))
                    .collect(),
                empty_family: None,
            }))),
            Node::Family(f) => {
                let members = self
                    .bound
                    .families
                    .get(*f)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                Ok(Value::Selection(Rc::new(Selection {
                    kind: ElementKind::Metrics(*f as u32),
                    items: members.iter().map(|&i| (i, None)).collect(),
                    empty_family: members.is_empty().then_some(*f as u32),
                })))
            }
            Node::Where {
                collection,
                predicate,
            } => self.filter(collection, predicate, el),
            Node::Aggregate { op, collection } => self.aggregate(*op, collection, el),
            Node::Not(inner) => match self.eval(inner, el)? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                _ => Err(ill_typed()),
            },
            Node::Neg(inner) => match self.eval(inner, el)? {
                Value::Number(x) => Ok(Value::Number(-x)),
                _ => Err(ill_typed()),
            },
            Node::And(l, r) => self.and_or(l, r, el, false),
            Node::Or(l, r) => self.and_or(l, r, el, true),
            Node::Compare { op, lhs, rhs } => {
                let (l, r) = both(self.eval(lhs, el), self.eval(rhs, el))?;
                Ok(Value::Bool(compare(*op, &l, &r)))
            }
            Node::Arith { op, lhs, rhs } => {
                let (l, r) = both(self.eval(lhs, el), self.eval(rhs, el))?;
                let (Value::Number(a), Value::Number(b)) = (l, r) else {
                    return Err(ill_typed());
                };
                let x = match op {
                    Arith::Add => a + b,
                    Arith::Sub => a - b,
                    Arith::Mul => a * b,
                    Arith::Div if b == 0.0 => return Err(vec![MissingKey::DivisionByZero]),
                    Arith::Div => a / b,
                };
                if x.is_finite() {
                    Ok(Value::Number(x))
                } else {
                    // Overflow: no honest value exists, so the expression is unknown.
                    Err(vec![MissingKey::Overflow])
                }
            }
            Node::In {
                negated,
                item,
                list,
            } => {
                let (item, list) = both(self.eval(item, el), self.eval(list, el))?;
                let found = match &list {
                    Value::List(values) => values.iter().any(|v| v.equals(&item)),
                    _ => false,
                };
                Ok(Value::Bool(found != *negated))
            }
            Node::Abs(inner) => match self.eval(inner, el)? {
                Value::Number(x) => Ok(Value::Number(x.abs())),
                _ => Err(ill_typed()),
            },
            Node::Min(args) => self.fold(args, el, f64::min),
            Node::Max(args) => self.fold(args, el, f64::max),
        }
    }

    /// Kleene `and`/`or`: a decisive side (false for `and`, true for `or`) wins even when the
    /// other side is unknown.
    fn and_or(&self, l: &'a Node, r: &'a Node, el: Element, is_or: bool) -> Tri<'a> {
        let decisive = is_or;
        let left = self.eval(l, el);
        if let Ok(Value::Bool(b)) = left {
            if b == decisive {
                return Ok(Value::Bool(decisive));
            }
        }
        let right = self.eval(r, el);
        match (left, right) {
            (_, Ok(Value::Bool(b))) if b == decisive => Ok(Value::Bool(decisive)),
            (Ok(_), Ok(_)) => Ok(Value::Bool(!decisive)),
            (Err(a), Err(b)) => Err(union(a, b)),
            (Err(a), Ok(_)) | (Ok(_), Err(a)) => Err(a),
        }
    }

    fn fold(&self, args: &'a [Node], el: Element, f: fn(f64, f64) -> f64) -> Tri<'a> {
        let mut acc: Option<f64> = None;
        let mut missing: Option<Vec<MissingKey>> = None;
        for arg in args {
            match self.eval(arg, el) {
                Ok(Value::Number(x)) => acc = Some(acc.map_or(x, |a| f(a, x))),
                Ok(_) => missing = Some(union(missing.unwrap_or_default(), ill_typed())),
                Err(m) => missing = Some(union(missing.unwrap_or_default(), m)),
            }
        }
        match (missing, acc) {
            (Some(m), _) => Err(m),
            (None, Some(x)) => Ok(Value::Number(x)),
            (None, None) => Err(ill_typed()),
        }
    }

    fn declared_metric(&self, metric: usize, field: MetricField) -> Tri<'a> {
        let key = metric as u32;
        let Some(Some(index)) = self.bound.metrics.get(metric) else {
            return Err(vec![MissingKey::Metric(key)]);
        };
        let (Some(m), Some(slot)) = (
            self.bundle
                .metrics
                .get_index(*index as usize)
                .map(|(_, m)| m),
            self.program.metrics.get(metric),
        ) else {
            return Err(vec![MissingKey::Metric(key)]);
        };
        match quantity(m, slot.direction, field) {
            Ok(q) => Ok(from_quantity(q)),
            Err(Gap::Field(f)) => Err(vec![MissingKey::MetricField(key, f)]),
            Err(Gap::DivisionByZero) => Err(vec![MissingKey::DivisionByZero]),
        }
    }

    fn element_field(&self, field: ElementField, el: Element) -> Tri<'a> {
        match (field, el) {
            (ElementField::Flag(f), Element::Flag(i)) => {
                let Some(flag) = self.bundle.flags.get(i as usize) else {
                    return Err(vec![MissingKey::FlagField(i, f)]);
                };
                let text = |v: Option<&'a str>| {
                    v.map(Value::Str)
                        .ok_or_else(|| vec![MissingKey::FlagField(i, f)])
                };
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
                .ok_or_else(|| vec![MissingKey::EvidenceField(index, "value")]),
            (ElementField::Metric(f), Element::Metric { index, family }) => {
                let direction = self
                    .program
                    .families
                    .get(family as usize)
                    .and_then(|s| s.direction);
                let Some((_, m)) = self.bundle.metrics.get_index(index as usize) else {
                    return Err(vec![MissingKey::EvidenceField(index, "value")]);
                };
                match quantity(m, direction, f) {
                    Ok(q) => Ok(from_quantity(q)),
                    Err(Gap::Field(name)) => Err(vec![MissingKey::EvidenceField(index, name)]),
                    Err(Gap::DivisionByZero) => Err(vec![MissingKey::DivisionByZero]),
                }
            }
            // The checker only admits fields inside a matching `where`.
            _ => Err(ill_typed()),
        }
    }

    fn selection(&self, node: &'a Node, el: Element) -> Result<Rc<Selection>, Vec<MissingKey>> {
        match self.eval(node, el)? {
            Value::Selection(s) => Ok(s),
            _ => Err(ill_typed()),
        }
    }

    /// `C where P`: keep elements whose predicate is true; an unknown predicate leaves the
    /// element in, uncertain, with the keys that made it so.
    fn filter(&self, collection: &'a Node, predicate: &'a Node, el: Element) -> Tri<'a> {
        let input = self.selection(collection, el)?;
        let mut items = Vec::with_capacity(input.items.len());
        for (index, uncertain) in &input.items {
            let inner = match input.kind {
                ElementKind::Flags => Element::Flag(*index),
                ElementKind::Metrics(family) => Element::Metric {
                    index: *index,
                    family,
                },
            };
            match self.eval(predicate, inner) {
                Ok(Value::Bool(true)) => items.push((*index, uncertain.clone())),
                Ok(_) => {}
                Err(m) => items.push((
                    *index,
                    Some(union(uncertain.clone().unwrap_or_default(), m)),
                )),
            }
        }
        Ok(Value::Selection(Rc::new(Selection {
            kind: input.kind,
            items,
            empty_family: input.empty_family,
        })))
    }

    fn aggregate(&self, op: Aggregate, collection: &'a Node, el: Element) -> Tri<'a> {
        let s = self.selection(collection, el)?;
        if let Some(family) = s.empty_family {
            return Err(vec![MissingKey::Family(family)]);
        }
        let sure = s.items.iter().filter(|(_, u)| u.is_none()).count();
        let uncertain = || {
            s.items
                .iter()
                .filter_map(|(_, u)| u.clone())
                .fold(Vec::new(), union)
        };
        let any_uncertain = sure < s.items.len();
        match op {
            Aggregate::Any | Aggregate::None => {
                let any = if sure > 0 {
                    true
                } else if any_uncertain {
                    return Err(uncertain());
                } else {
                    false
                };
                Ok(Value::Bool(if op == Aggregate::Any { any } else { !any }))
            }
            Aggregate::Count if any_uncertain => Err(uncertain()),
            Aggregate::Count => Ok(Value::Number(s.items.len() as f64)),
            Aggregate::Authors if any_uncertain => Err(uncertain()),
            Aggregate::Authors => {
                // A flag without an author counts as one author of its own: anonymous
                // feedback is still a voice, and counting it errs toward review.
                let mut names: Vec<&str> = Vec::new();
                let mut anonymous = 0usize;
                for (index, _) in &s.items {
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
                Ok(Value::Number((names.len() + anonymous) as f64))
            }
        }
    }
}

/// A value of the wrong shape, which the checker rules out. Should it ever happen, the
/// expression is unknown, so the rule fails closed instead of passing.
fn ill_typed() -> Vec<MissingKey> {
    vec![MissingKey::IllTyped]
}

fn from_quantity<'a>(q: Quantity) -> Value<'a> {
    match q {
        Quantity::Number(x) => Value::Number(x),
        Quantity::Bool(b) => Value::Bool(b),
    }
}

/// Both operands known, or unknown with the keys of every unknown side.
fn both<'a>(l: Tri<'a>, r: Tri<'a>) -> Result<(Value<'a>, Value<'a>), Vec<MissingKey>> {
    match (l, r) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(a), Err(b)) => Err(union(a, b)),
        (Err(a), Ok(_)) | (Ok(_), Err(a)) => Err(a),
    }
}

fn compare(op: Compare, l: &Value<'_>, r: &Value<'_>) -> bool {
    match op {
        Compare::Eq => l.equals(r),
        Compare::Ne => !l.equals(r),
        Compare::Lt => l.order(r) == Some(Ordering::Less),
        Compare::Le => matches!(l.order(r), Some(Ordering::Less | Ordering::Equal)),
        Compare::Gt => l.order(r) == Some(Ordering::Greater),
        Compare::Ge => matches!(l.order(r), Some(Ordering::Greater | Ordering::Equal)),
    }
}
