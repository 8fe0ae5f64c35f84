//! The fast path: three-valued evaluation that answers true, false or unknown and nothing
//! more. It allocates nothing, builds no selection (aggregates stream over their `where`
//! chains and stop as soon as the answer is known) and collects no missing keys.
//!
//! Its answers are those of [`Evaluator`] with the keys left out: the same Kleene tables, the
//! same number tolerance, the same handling of uncertain elements. Evaluation runs every rule
//! through here first; only a rule that met an unknown goes through [`Evaluator`] again, to
//! name the missing keys.

use crate::builtins::{FlagField, MetricField};
use crate::compile::ir::{Aggregate, Arith, Clause, Compare, ElementField, Node, Rule};
use crate::levels::{Outcome, Severity};
use crate::outcome::Status;

use super::expr::{Element, Evaluator};
use super::metric::{quantity, Quantity};
use super::plan::{self, Plan, PlannedClause, RulePlan};
use super::value::{compare_numbers, ElementKind, Selection, Value};

/// A value of the fast path. `Unknown` carries no keys.
#[derive(Clone, Copy, Debug)]
enum V<'e> {
    Unknown,
    Num(f64),
    Bool(bool),
    Str(&'e str),
    Sev(Severity),
    /// A list literal, its elements not evaluated yet.
    Nodes(&'e [Node]),
    /// A list a `let` computed.
    Values(&'e [Value<'e>]),
    /// A collection: only aggregates read one, through [`Fast::aggregate`].
    Collection,
}

/// Whether a `where` chain keeps an element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keep {
    Drop,
    Sure,
    Uncertain,
}

/// What a rule's clauses decided, before waivers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct FastVerdict {
    pub outcome: Outcome,
    pub status: Status,
    /// Some clause was unknown: the slow path must name the missing keys.
    pub unknown: bool,
}

pub(super) struct Fast<'e, 'a> {
    ev: &'e Evaluator<'a>,
}

impl<'e, 'a: 'e> Fast<'e, 'a> {
    pub fn new(ev: &'e Evaluator<'a>) -> Fast<'e, 'a> {
        Fast { ev }
    }

    /// The outcome and status of a rule, exactly as [`super::rules`] decides them, with
    /// whether some clause was unknown. `planned` is the rule's entry in `plan`.
    #[inline]
    pub fn rule_verdict(&self, plan: &Plan, planned: &RulePlan, rule: &'e Rule) -> FastVerdict {
        match planned {
            RulePlan::Metric(i) => match plan.metric_rules.get(*i as usize) {
                Some(rule) => rule.verdict(self.ev.bundle, self.ev.bound),
                None => FastVerdict {
                    outcome: Outcome::Pass,
                    status: Status::Passed,
                    unknown: false,
                },
            },
            RulePlan::Clauses { start, end } => {
                let planned = plan
                    .clauses
                    .get(*start as usize..*end as usize)
                    .unwrap_or(&[]);
                self.clauses_verdict(planned, &rule.clauses, rule.missing)
            }
        }
    }

    fn clauses_verdict(
        &self,
        planned: &[PlannedClause],
        clauses: &'e [Clause],
        missing: Option<Outcome>,
    ) -> FastVerdict {
        let ev = self.ev;
        let mut best: Option<(Outcome, Status)> = None;
        let mut unknown = false;
        for (k, p) in planned.iter().enumerate() {
            let result = plan::run(&p.test, ev.bundle, ev.bound, || {
                clauses
                    .get(k)
                    .and_then(|c| self.truth(&c.condition, Element::None))
            });
            let contribution = match result {
                Some(holds) if holds != p.unless => (p.outcome, Status::Fired),
                Some(_) => continue,
                None => {
                    unknown = true;
                    (missing.unwrap_or(p.outcome), Status::Missing)
                }
            };
            let (outcome, status) = contribution;
            best = match best {
                Some((o, _)) if outcome > o || (outcome == o && status == Status::Fired) => {
                    Some(contribution)
                }
                None => Some(contribution),
                keep => keep,
            };
        }
        let (outcome, status) = best.unwrap_or((Outcome::Pass, Status::Passed));
        FastVerdict {
            outcome,
            status,
            unknown,
        }
    }

    fn truth(&self, node: &'e Node, el: Element) -> Option<bool> {
        match self.val(node, el) {
            V::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn val(&self, node: &'e Node, el: Element) -> V<'e> {
        let ev = self.ev;
        match node {
            Node::Number(x) => V::Num(*x),
            Node::Bool(b) => V::Bool(*b),
            Node::Str(s) => V::Str(s),
            Node::Severity(s) => V::Sev(*s),
            Node::List(items) => V::Nodes(items),
            Node::Metric { metric, field } => self.declared_metric(*metric, *field),
            Node::Has(m) => V::Bool(ev.bound.metrics.get(*m).is_some_and(Option::is_some)),
            Node::HasFamily(f) => V::Bool(ev.bound.families.get(*f).is_some_and(|v| !v.is_empty())),
            Node::Let(i) => match ev.lets.get(*i) {
                Some(Ok(v)) => from_value(v),
                _ => V::Unknown,
            },
            Node::Stage => ev.bundle.stage.as_deref().map_or(V::Unknown, V::Str),
            Node::Signed(role) => V::Bool(ev.bound.signed.get(*role).copied().unwrap_or(false)),
            Node::Field(field) => self.element_field(*field, el),
            Node::Flags | Node::Family(_) | Node::Where { .. } => V::Collection,
            Node::Aggregate { op, collection } => self.aggregate(*op, collection),
            Node::Not(inner) => match self.val(inner, el) {
                V::Bool(b) => V::Bool(!b),
                _ => V::Unknown,
            },
            Node::Neg(inner) => match self.val(inner, el) {
                V::Num(x) => V::Num(-x),
                _ => V::Unknown,
            },
            Node::And(l, r) => self.and_or(l, r, el, false),
            Node::Or(l, r) => self.and_or(l, r, el, true),
            Node::Compare { op, lhs, rhs } => {
                match (
                    self.settle(self.val(lhs, el), el),
                    self.settle(self.val(rhs, el), el),
                ) {
                    (V::Unknown, _) | (_, V::Unknown) => V::Unknown,
                    (l, r) => V::Bool(compare(*op, l, r)),
                }
            }
            Node::Arith { op, lhs, rhs } => match (self.val(lhs, el), self.val(rhs, el)) {
                (V::Num(a), V::Num(b)) => {
                    let x = match op {
                        Arith::Add => a + b,
                        Arith::Sub => a - b,
                        Arith::Mul => a * b,
                        Arith::Div if b == 0.0 => return V::Unknown,
                        Arith::Div => a / b,
                    };
                    if x.is_finite() {
                        V::Num(x)
                    } else {
                        V::Unknown
                    }
                }
                _ => V::Unknown,
            },
            Node::In {
                negated,
                item,
                list,
            } => self.member(item, list, el, *negated),
            Node::Abs(inner) => match self.val(inner, el) {
                V::Num(x) => V::Num(x.abs()),
                _ => V::Unknown,
            },
            Node::Min(args) => self.fold(args, el, f64::min),
            Node::Max(args) => self.fold(args, el, f64::max),
        }
    }

    /// A list literal is unknown when any of its elements is.
    fn settle(&self, v: V<'e>, el: Element) -> V<'e> {
        match v {
            V::Nodes(nodes) if nodes.iter().any(|n| matches!(self.val(n, el), V::Unknown)) => {
                V::Unknown
            }
            v => v,
        }
    }

    fn and_or(&self, l: &'e Node, r: &'e Node, el: Element, decisive: bool) -> V<'e> {
        let left = self.settle(self.val(l, el), el);
        if let V::Bool(b) = left {
            if b == decisive {
                return V::Bool(decisive);
            }
        }
        match (left, self.settle(self.val(r, el), el)) {
            (_, V::Bool(b)) if b == decisive => V::Bool(decisive),
            // Both sides known: the slow path treats any known value that is not decisive
            // as the other truth value.
            (V::Unknown, _) | (_, V::Unknown) => V::Unknown,
            _ => V::Bool(!decisive),
        }
    }

    /// `item in list`: unknown when the item or any element of the list is.
    fn member(&self, item: &'e Node, list: &'e Node, el: Element, negated: bool) -> V<'e> {
        let item = self.val(item, el);
        if matches!(item, V::Unknown) {
            return V::Unknown;
        }
        let found = match self.val(list, el) {
            V::Unknown => return V::Unknown,
            V::Nodes(nodes) => {
                let mut found = false;
                for node in nodes {
                    match self.val(node, el) {
                        V::Unknown => return V::Unknown,
                        v => found = found || equals(v, item),
                    }
                }
                found
            }
            V::Values(values) => values.iter().any(|v| equals(from_value(v), item)),
            _ => false,
        };
        V::Bool(found != negated)
    }

    fn fold(&self, args: &'e [Node], el: Element, f: fn(f64, f64) -> f64) -> V<'e> {
        let mut acc: Option<f64> = None;
        for arg in args {
            match self.val(arg, el) {
                V::Num(x) => acc = Some(acc.map_or(x, |a| f(a, x))),
                _ => return V::Unknown,
            }
        }
        acc.map_or(V::Unknown, V::Num)
    }

    fn declared_metric(&self, metric: usize, field: MetricField) -> V<'e> {
        let ev = self.ev;
        let Some(Some(index)) = ev.bound.metrics.get(metric) else {
            return V::Unknown;
        };
        let (Some((_, m)), Some(slot)) = (
            ev.bundle.metrics.get_index(*index as usize),
            ev.program.metrics.get(metric),
        ) else {
            return V::Unknown;
        };
        from_quantity(quantity(m, slot.direction, field).ok())
    }

    fn element_field(&self, field: ElementField, el: Element) -> V<'e> {
        let ev = self.ev;
        match (field, el) {
            (ElementField::Flag(f), Element::Flag(i)) => {
                let Some(flag) = ev.bundle.flags.get(i as usize) else {
                    return V::Unknown;
                };
                let text = |v: Option<&'e str>| v.map_or(V::Unknown, V::Str);
                match f {
                    FlagField::Id => text(flag.id()),
                    FlagField::Source => V::Str(&flag.source),
                    FlagField::Author => text(flag.author.as_deref()),
                    FlagField::Category => V::Str(&flag.category),
                    FlagField::Severity => V::Sev(flag.severity),
                    FlagField::Note => text(flag.note()),
                    FlagField::Stage => text(flag.stage()),
                }
            }
            (ElementField::MetricName, Element::Metric { index, .. }) => ev
                .bundle
                .metrics
                .get_index(index as usize)
                .map_or(V::Unknown, |(k, _)| V::Str(k.as_str())),
            (ElementField::Metric(f), Element::Metric { index, family }) => {
                let direction = ev
                    .program
                    .families
                    .get(family as usize)
                    .and_then(|s| s.direction);
                match ev.bundle.metrics.get_index(index as usize) {
                    Some((_, m)) => from_quantity(quantity(m, direction, f).ok()),
                    None => V::Unknown,
                }
            }
            _ => V::Unknown,
        }
    }

    /// Whether the `where` chain ending in `node` keeps `item`. Predicates are tried from the
    /// innermost out, and a dropped element is not looked at again.
    fn keep(&self, node: &'e Node, item: Element, base: Keep) -> Keep {
        match node {
            Node::Where {
                collection,
                predicate,
            } => match self.keep(collection, item, base) {
                Keep::Drop => Keep::Drop,
                inner => match self.truth(predicate, item) {
                    Some(true) => inner,
                    Some(false) => Keep::Drop,
                    None => Keep::Uncertain,
                },
            },
            _ => base,
        }
    }

    /// `count`, `any`, `none`, `authors` over a collection, streaming: no selection is built.
    fn aggregate(&self, op: Aggregate, collection: &'e Node) -> V<'e> {
        let ev = self.ev;
        let mut base = collection;
        while let Node::Where { collection, .. } = base {
            base = collection;
        }
        let mut tally = Tally::new(op);
        match base {
            Node::Flags => {
                for i in 0..ev.bundle.flags.len() as u32 {
                    let keep = self.keep(collection, Element::Flag(i), Keep::Sure);
                    if tally.add(keep, Element::Flag(i)) {
                        break;
                    }
                }
            }
            Node::Family(f) => {
                let members = ev.bound.families.get(*f).map_or(&[][..], Vec::as_slice);
                if members.is_empty() {
                    return V::Unknown;
                }
                for &index in members {
                    let item = Element::Metric {
                        index,
                        family: *f as u32,
                    };
                    if tally.add(self.keep(collection, item, Keep::Sure), item) {
                        break;
                    }
                }
            }
            Node::Let(i) => match ev.lets.get(*i) {
                Some(Ok(Value::Selection(s))) => {
                    if !self.stream_selection(s, collection, &mut tally) {
                        return V::Unknown;
                    }
                }
                _ => return V::Unknown,
            },
            // The checker admits no other collection; should one come, fail closed.
            _ => return V::Unknown,
        }
        tally.finish(op, |items| self.authors(items))
    }

    /// Feed a `let`'s selection through the rest of the chain. False when the selection is
    /// over a family that matched nothing (every expression over it is unknown).
    fn stream_selection(&self, s: &'e Selection, chain: &'e Node, tally: &mut Tally) -> bool {
        if s.empty_family.is_some() {
            return false;
        }
        for (index, uncertain) in &s.items {
            let item = match s.kind {
                ElementKind::Flags => Element::Flag(*index),
                ElementKind::Metrics(family) => Element::Metric {
                    index: *index,
                    family,
                },
            };
            let base = if uncertain.is_some() {
                Keep::Uncertain
            } else {
                Keep::Sure
            };
            if tally.add(self.keep(chain, item, base), item) {
                break;
            }
        }
        true
    }

    /// Distinct authors of the flags kept; a flag without an author counts as its own.
    fn authors(&self, items: &[Element]) -> f64 {
        let mut names: Vec<&str> = Vec::new();
        let mut anonymous = 0usize;
        for item in items {
            let Element::Flag(i) = item else { continue };
            match self
                .ev
                .bundle
                .flags
                .get(*i as usize)
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

/// An aggregate's running state.
struct Tally {
    op: Aggregate,
    sure: usize,
    uncertain: bool,
    /// The elements kept, for `authors` only.
    kept: Vec<Element>,
}

impl Tally {
    fn new(op: Aggregate) -> Tally {
        Tally {
            op,
            sure: 0,
            uncertain: false,
            kept: Vec::new(),
        }
    }

    /// Count one element; true when the answer is settled and the rest need not be seen.
    fn add(&mut self, keep: Keep, item: Element) -> bool {
        match keep {
            Keep::Drop => false,
            Keep::Sure => {
                self.sure += 1;
                match self.op {
                    Aggregate::Any | Aggregate::None => true,
                    Aggregate::Count => false,
                    Aggregate::Authors => {
                        self.kept.push(item);
                        false
                    }
                }
            }
            Keep::Uncertain => {
                self.uncertain = true;
                // `any` may still find a sure element; `count` and `authors` are unknown now.
                !matches!(self.op, Aggregate::Any | Aggregate::None)
            }
        }
    }

    fn finish<'e>(self, op: Aggregate, authors: impl FnOnce(&[Element]) -> f64) -> V<'e> {
        match op {
            Aggregate::Any | Aggregate::None => {
                let any = if self.sure > 0 {
                    true
                } else if self.uncertain {
                    return V::Unknown;
                } else {
                    false
                };
                V::Bool(if op == Aggregate::Any { any } else { !any })
            }
            _ if self.uncertain => V::Unknown,
            Aggregate::Count => V::Num(self.sure as f64),
            Aggregate::Authors => V::Num(authors(&self.kept)),
        }
    }
}

fn from_value<'e>(v: &'e Value<'e>) -> V<'e> {
    match v {
        Value::Number(x) => V::Num(*x),
        Value::Bool(b) => V::Bool(*b),
        Value::Str(s) => V::Str(s),
        Value::Severity(s) => V::Sev(*s),
        Value::List(items) => V::Values(items),
        Value::Selection(_) => V::Collection,
    }
}

fn from_quantity<'e>(q: Option<Quantity>) -> V<'e> {
    match q {
        Some(Quantity::Number(x)) => V::Num(x),
        Some(Quantity::Bool(b)) => V::Bool(b),
        None => V::Unknown,
    }
}

/// Equality for `==`, `!=` and `in`, as [`Value::equals`] has it.
fn equals(a: V<'_>, b: V<'_>) -> bool {
    match (a, b) {
        (V::Num(x), V::Num(y)) => compare_numbers(x, y).is_eq(),
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Str(x), V::Str(y)) => x.len() == y.len() && x == y,
        (V::Sev(x), V::Sev(y)) => x == y,
        _ => false,
    }
}

fn compare(op: Compare, l: V<'_>, r: V<'_>) -> bool {
    use std::cmp::Ordering;
    let order = || match (l, r) {
        (V::Num(a), V::Num(b)) => Some(compare_numbers(a, b)),
        (V::Sev(a), V::Sev(b)) => Some(a.cmp(&b)),
        _ => None,
    };
    match op {
        Compare::Eq => equals(l, r),
        Compare::Ne => !equals(l, r),
        Compare::Lt => order() == Some(Ordering::Less),
        Compare::Le => matches!(order(), Some(Ordering::Less | Ordering::Equal)),
        Compare::Gt => order() == Some(Ordering::Greater),
        Compare::Ge => matches!(order(), Some(Ordering::Greater | Ordering::Equal)),
    }
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
