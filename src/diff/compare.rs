//! Structural comparison of an old and a new expression: how the new value relates to the old
//! one on every bundle ([`Rel`]), and which parts of the text differ ([`Slot`]s, for summaries).
//!
//! Each operator is read by its monotonicity: `and`, `or`, `any`, `count`, `+`, `min`, `max` are
//! monotone in every argument; `not`, `none` and unary `-` reverse; `a > b` is monotone in `a`
//! and antitone in `b`; `x in L` grows with `L`; `C where P` keeps more elements as `P` gets
//! truer. Where the new and old tree differ in a place no such rule covers, the answer is
//! [`Dir::Unknown`]: a direction is only claimed when it can be shown.

use crate::builtins::Function;
use crate::check::Ranges;
use crate::levels::Severity;
use crate::span::Span;
use crate::syntax::ast::{BinaryOp, Clause, Expr, ExprKind, Ident, MetricDecl, UnaryOp};

use super::known::never_unknown;
use super::model::{visit_names, Model};
use super::normal::{self, Cond};
use super::polarity::{Dir, Rel};
use super::truth::{Pairs, Truth};

/// How deep the comparison goes (nesting and let definitions) before it gives up.
const MAX_DEPTH: usize = 128;

/// One place where the old and new text differ.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    pub old: Span,
    pub new: Span,
    pub kind: SlotKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SlotKind {
    /// A number moved; `subject` is the other side of the comparison it stands in.
    Number {
        old: String,
        new: String,
        dir: Dir,
        subject: Option<String>,
    },
    /// A severity literal moved.
    Severity {
        old: Severity,
        new: Severity,
        subject: Option<String>,
    },
    /// A list of literals gained or lost members.
    List {
        added: Vec<String>,
        removed: Vec<String>,
        subject: Option<String>,
    },
    /// `>` became `>=` or the like.
    Operator { old: BinaryOp, new: BinaryOp },
    /// Parts of an `and` (`all` true) or an `or` added to or dropped from it.
    Parts {
        all: bool,
        added: Vec<String>,
        dropped: Vec<String>,
    },
    /// Anything else: the sub-expressions differ and no direction follows.
    Other,
}

impl SlotKind {
    fn set_subject(&mut self, text: &str) {
        match self {
            SlotKind::Number { subject, .. }
            | SlotKind::Severity { subject, .. }
            | SlotKind::List { subject, .. } => {
                if subject.is_none() {
                    *subject = Some(text.to_string());
                }
            }
            SlotKind::Operator { .. } | SlotKind::Parts { .. } | SlotKind::Other => {}
        }
    }
}

/// Compares expressions of two versions.
pub struct Comparer<'m, 'a> {
    old: &'m Model<'a>,
    new: &'m Model<'a>,
    /// When tracing the change of one `let`: its name and how its value moved. Both sides are
    /// then the same text, and only that name differs.
    injected: Option<(&'m str, Rel)>,
    pub slots: Vec<Slot>,
    depth: usize,
}

impl<'m, 'a> Comparer<'m, 'a> {
    /// Compare the text of two versions; names that are declared in both compare equal (a
    /// change to their declaration is reported on its own).
    pub fn text(old: &'m Model<'a>, new: &'m Model<'a>) -> Comparer<'m, 'a> {
        Comparer {
            old,
            new,
            injected: None,
            slots: Vec::new(),
            depth: 0,
        }
    }

    /// Trace the change of one let through text that is otherwise the same.
    pub fn tracing(model: &'m Model<'a>, name: &'m str, rel: Rel) -> Comparer<'m, 'a> {
        Comparer {
            old: model,
            new: model,
            injected: Some((name, rel)),
            slots: Vec::new(),
            depth: 0,
        }
    }

    /// How the firing conditions of two clauses relate, each read in its normal form.
    pub fn firing(&mut self, old: &Clause, new: &Clause) -> Pairs {
        let a = normal::firing(self.old, old);
        let b = normal::firing(self.new, new);
        self.cond(&a, &b)
    }

    fn cond(&mut self, a: &Cond<'_>, b: &Cond<'_>) -> Pairs {
        let before = self.slots.len();
        let pairs = match (a, b) {
            (Cond::Not(x), Cond::Not(y)) => self.cond(x, y).not(),
            (Cond::All(xs, _), Cond::All(ys, _)) => self.parts(a, xs, b, ys, true),
            (Cond::Either(xs, _), Cond::Either(ys, _)) => self.parts(a, xs, b, ys, false),
            // One side is an `and` (or `or`) the other is a single part of.
            (Cond::All(xs, _), _) => self.parts(a, xs, b, std::slice::from_ref(b), true),
            (_, Cond::All(ys, _)) => self.parts(a, std::slice::from_ref(a), b, ys, true),
            (Cond::Either(xs, _), _) => self.parts(a, xs, b, std::slice::from_ref(b), false),
            (_, Cond::Either(ys, _)) => self.parts(a, std::slice::from_ref(a), b, ys, false),
            (
                Cond::NonEmpty {
                    collection: ca,
                    counted: counted_a,
                    ..
                },
                Cond::NonEmpty {
                    collection: cb,
                    counted: counted_b,
                    ..
                },
            ) => {
                // Two counts compare as counts (a larger count is non-empty more often); going
                // through `any` would lose that both turn unknown on the same bundles. Not the
                // tests as written: under a `not`, `count(C) == 0` stands for `any(C)`.
                if let (Some(count_a), Some(count_b)) = (counted_a, counted_b) {
                    return Pairs::of(self.expr(count_a, count_b));
                }
                let mut pairs = Pairs::of(self.any(ca, cb));
                if counted_a.is_some() {
                    pairs = counted().reversed().then(pairs);
                }
                if counted_b.is_some() {
                    pairs = pairs.then(counted());
                }
                pairs
            }
            (Cond::Atom(x), Cond::Atom(y)) => Pairs::of(self.expr(x, y)),
            _ => Pairs::of(self.opaque(a.at(), b.at(), before)),
        };
        // Unknown only where a side can be unknown at all.
        let (old_unknown, new_unknown) = (a.may_be_unknown(self.old), b.may_be_unknown(self.new));
        pairs.filter(|x, y| {
            (x != Truth::Unknown || old_unknown) && (y != Truth::Unknown || new_unknown)
        })
    }

    /// Two `and`s (`all`) or `or`s, whatever the order of their parts: equivalent parts are
    /// paired first, then parts of the same shape; a part left over was added or dropped. A
    /// dropped part of an `and` is read as `true` in the new version (the condition gets
    /// weaker), an added one as `true` in the old; for `or`, `false`.
    fn parts(
        &mut self,
        a: &Cond<'_>,
        xs: &[Cond<'_>],
        b: &Cond<'_>,
        ys: &[Cond<'_>],
        all: bool,
    ) -> Pairs {
        let (unit, op): (Truth, fn(Truth, Truth) -> Truth) = if all {
            (Truth::True, Truth::and)
        } else {
            (Truth::False, Truth::or)
        };
        let mut new_used = vec![false; ys.len()];
        let mut matched: Vec<Option<usize>> = vec![None; xs.len()];
        let passes: [fn(&mut Self, &Cond<'_>, &Cond<'_>) -> bool; 2] = [
            |c, x, y| {
                let before = c.slots.len();
                let same = c.cond(x, y).is_same();
                c.slots.truncate(before);
                same
            },
            |_, x, y| same_shape(x, y),
        ];
        // Tracing a let reads one text twice: each part is itself.
        let passes = if self.injected.is_some() {
            matched = (0..xs.len()).map(Some).collect();
            new_used = vec![true; ys.len()];
            &passes[..0]
        } else {
            &passes[..]
        };
        for pass in passes {
            for (i, x) in xs.iter().enumerate() {
                if matched.get(i).copied().flatten().is_some() {
                    continue;
                }
                let found = ys
                    .iter()
                    .enumerate()
                    .find(|(j, y)| !new_used.get(*j).copied().unwrap_or(true) && pass(self, x, y));
                if let Some((j, _)) = found {
                    if let Some(u) = new_used.get_mut(j) {
                        *u = true;
                    }
                    if let Some(m) = matched.get_mut(i) {
                        *m = Some(j);
                    }
                }
            }
        }
        let mut pairs = Pairs::NONE.with(unit, unit);
        let mut dropped = Vec::new();
        for (i, x) in xs.iter().enumerate() {
            let part = match matched.get(i).copied().flatten().and_then(|j| ys.get(j)) {
                Some(y) => self.cond(x, y),
                None => {
                    dropped.push(collapse(self.old.text(x.at().span)));
                    values(x.may_be_unknown(self.old)).fold(Pairs::NONE, |p, v| p.with(v, unit))
                }
            };
            pairs = pairs.combine(part, op);
        }
        let mut added = Vec::new();
        for (j, y) in ys.iter().enumerate() {
            if !new_used.get(j).copied().unwrap_or(true) {
                added.push(collapse(self.new.text(y.at().span)));
                let part =
                    values(y.may_be_unknown(self.new)).fold(Pairs::NONE, |p, v| p.with(unit, v));
                pairs = pairs.combine(part, op);
            }
        }
        if !added.is_empty() || !dropped.is_empty() {
            self.push(
                a.at(),
                b.at(),
                SlotKind::Parts {
                    all,
                    added,
                    dropped,
                },
            );
        }
        pairs
    }

    /// `any(C)`: true more often as `C` keeps more elements; whether it is unknown may change
    /// unless the collection is always known.
    fn any(&mut self, ca: &Expr, cb: &Expr) -> Rel {
        let rel = self.expr(ca, cb);
        let defined = never_unknown(self.old, ca) && never_unknown(self.new, cb);
        Rel::new(rel.dir, defined)
    }

    pub fn expr(&mut self, a: &Expr, b: &Expr) -> Rel {
        let a = strip_parens(a);
        let b = strip_parens(b);
        if self.depth > MAX_DEPTH {
            return self.opaque(a, b, self.slots.len());
        }
        self.depth += 1;
        let rel = self.expr_inner(a, b);
        self.depth -= 1;
        rel
    }

    fn expr_inner(&mut self, a: &Expr, b: &Expr) -> Rel {
        match self.injected {
            // The same text means the same only when every name in it does.
            None if a == b && self.same_names(a, b) => return Rel::SAME,
            Some((name, _)) if !self.new.reaches(b, name) => return Rel::SAME,
            _ => {}
        }
        if let (ExprKind::Name(x), ExprKind::Name(y)) = (&a.kind, &b.kind) {
            return self.names(x, y, a, b);
        }
        // A let on one side only: compare its definition with the other side.
        if let ExprKind::Name(x) = &a.kind {
            if let Some(l) = self.old.let_of(x) {
                return self.expr(&l.value, b);
            }
        }
        if let ExprKind::Name(y) = &b.kind {
            if let Some(l) = self.new.let_of(y) {
                return self.expr(a, &l.value);
            }
        }
        let before = self.slots.len();
        if let (Some(x), Some(y)) = (literal_number(a), literal_number(b)) {
            return self.number(a, x, b, y);
        }
        if let Some(rel) = self.affine(a, b, None) {
            return rel;
        }
        match (&a.kind, &b.kind) {
            (ExprKind::Severity(x), ExprKind::Severity(y)) => {
                let dir = Dir::of_order(Some(x.cmp(y)));
                if dir != Dir::Same {
                    self.push(
                        a,
                        b,
                        SlotKind::Severity {
                            old: *x,
                            new: *y,
                            subject: None,
                        },
                    );
                }
                Rel::new(dir, true)
            }
            (ExprKind::Bool(x), ExprKind::Bool(y)) => {
                let dir = Dir::of_order(Some(x.cmp(y)));
                if dir != Dir::Same {
                    self.push(a, b, SlotKind::Other);
                }
                Rel::new(dir, true)
            }
            (ExprKind::Str(x), ExprKind::Str(y)) if x.value == y.value => Rel::SAME,
            (ExprKind::List(xs), ExprKind::List(ys)) => self.list(a, xs, b, ys),
            (
                ExprKind::Unary {
                    op: oa,
                    operand: ea,
                },
                ExprKind::Unary {
                    op: ob,
                    operand: eb,
                },
            ) if oa == ob => {
                let inner = self.expr(ea, eb);
                match oa {
                    UnaryOp::Not => inner.flip(),
                    UnaryOp::Neg => inner.numeric().flip(),
                }
            }
            (
                ExprKind::Binary {
                    op: oa,
                    lhs: la,
                    rhs: ra,
                },
                ExprKind::Binary {
                    op: ob,
                    lhs: lb,
                    rhs: rb,
                },
            ) => self.binary(a, b, (*oa, la, ra), (*ob, lb, rb)),
            (ExprKind::Call { func: fa, args: aa }, ExprKind::Call { func: fb, args: ab }) => {
                self.call(a, b, (fa, aa), (fb, ab))
            }
            (
                ExprKind::Where {
                    collection: ca,
                    predicate: pa,
                },
                ExprKind::Where {
                    collection: cb,
                    predicate: pb,
                },
            ) => {
                // Predicates over different kinds of element cannot be compared.
                if !self.same_ranges(a, b) {
                    return self.opaque(a, b, before);
                }
                let collection = self.expr(ca, cb);
                let predicate = self.expr(pa, pb);
                collection.join(predicate)
            }
            _ => self.opaque(a, b, before),
        }
    }

    fn names(&mut self, x: &Ident, y: &Ident, a: &Expr, b: &Expr) -> Rel {
        let before = self.slots.len();
        let (Some(rx), Some(ry)) = (self.old.resolved(x), self.new.resolved(y)) else {
            return self.opaque(a, b, before);
        };
        if rx.is_element_field() || ry.is_element_field() {
            return if rx == ry {
                Rel::SAME
            } else {
                self.opaque(a, b, before)
            };
        }
        if x.name == y.name {
            return match self.injected {
                None => Rel::SAME,
                Some((name, rel)) if name == x.name => rel,
                Some(_) => match self.new.let_of(y) {
                    Some(l) => self.expr(&l.value, &l.value),
                    None => Rel::SAME,
                },
            };
        }
        if let Some(l) = self.old.let_of(x) {
            return self.expr(&l.value, b);
        }
        if let Some(l) = self.new.let_of(y) {
            return self.expr(a, &l.value);
        }
        // Two metrics under different names: the same if they read the same evidence the
        // same way.
        match (self.old.metric_of(x), self.new.metric_of(y)) {
            (Some(m), Some(n)) if same_evidence(m, n) => Rel::SAME,
            _ => self.opaque(a, b, before),
        }
    }

    /// Whether every name in `a` (old) means what the name at the same place in `b` (new)
    /// means: the same element field, or the same top-level name (a change to that
    /// declaration is reported on its own).
    fn same_names(&self, a: &Expr, b: &Expr) -> bool {
        let mut names = Vec::new();
        visit_names(a, &mut |x| names.push(self.old.resolved(x)));
        let mut at = 0;
        let mut same = true;
        visit_names(b, &mut |y| {
            let new = self.new.resolved(y);
            same &= match (names.get(at).copied().flatten(), new) {
                (Some(x), Some(y)) if x.is_element_field() || y.is_element_field() => x == y,
                (Some(_), Some(_)) => true,
                _ => false,
            };
            at += 1;
        });
        same && at == names.len()
    }

    /// Whether two `where`s look at the same kind of element: both at flags, or both at the
    /// members of families that read the same evidence.
    fn same_ranges(&self, a: &Expr, b: &Expr) -> bool {
        match (self.old.ranges(a.span), self.new.ranges(b.span)) {
            (Some(Ranges::Flags), Some(Ranges::Flags)) => true,
            (Some(Ranges::Family(i)), Some(Ranges::Family(j))) => {
                match (self.old.family(i), self.new.family(j)) {
                    (Some(m), Some(n)) => same_evidence(m, n),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn number(
        &mut self,
        a: &Expr,
        (x, x_raw): (f64, String),
        b: &Expr,
        (y, y_raw): (f64, String),
    ) -> Rel {
        let dir = Dir::of_order(x.partial_cmp(&y));
        if dir != Dir::Same {
            self.push(
                a,
                b,
                SlotKind::Number {
                    old: x_raw,
                    new: y_raw,
                    dir,
                    subject: None,
                },
            );
        }
        Rel::new(dir, true)
    }

    /// Lists of literals compare by membership: more members is up. Other lists must not move.
    fn list(&mut self, a: &Expr, xs: &[Expr], b: &Expr, ys: &[Expr]) -> Rel {
        let before = self.slots.len();
        if let (Some(old), Some(new)) = (literal_members(xs), literal_members(ys)) {
            let added: Vec<String> = new
                .iter()
                .filter(|(k, _)| !old.iter().any(|(o, _)| o == k))
                .map(|(_, shown)| shown.clone())
                .collect();
            let removed: Vec<String> = old
                .iter()
                .filter(|(k, _)| !new.iter().any(|(n, _)| n == k))
                .map(|(_, shown)| shown.clone())
                .collect();
            let dir = match (added.is_empty(), removed.is_empty()) {
                (true, true) => Dir::Same,
                (false, true) => Dir::Up,
                (true, false) => Dir::Down,
                (false, false) => Dir::Unknown,
            };
            if dir != Dir::Same {
                self.push(
                    a,
                    b,
                    SlotKind::List {
                        added,
                        removed,
                        subject: None,
                    },
                );
            }
            return Rel::new(dir, true);
        }
        if xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| self.expr(x, y).is_same()) {
            return Rel::SAME;
        }
        self.opaque(a, b, before)
    }

    fn binary(
        &mut self,
        a: &Expr,
        b: &Expr,
        (oa, la, ra): (BinaryOp, &Expr, &Expr),
        (ob, lb, rb): (BinaryOp, &Expr, &Expr),
    ) -> Rel {
        let before = self.slots.len();
        if oa != ob {
            return match (order_class(oa), order_class(ob)) {
                (Some(ca), Some(cb)) if ca == cb => {
                    // Same comparison, strictness changed: `>=` holds whenever `>` does.
                    let dir = if matches!(ob, BinaryOp::Ge | BinaryOp::Le) {
                        Dir::Up
                    } else {
                        Dir::Down
                    };
                    self.push(a, b, SlotKind::Operator { old: oa, new: ob });
                    let operands = self.ordered(ca, (la, ra), (lb, rb));
                    Rel::new(dir, true).join(operands)
                }
                _ => self.opaque(a, b, before),
            };
        }
        match oa {
            BinaryOp::And | BinaryOp::Or => {
                let l = self.expr(la, lb);
                let r = self.expr(ra, rb);
                // Kleene's `and`/`or` can turn unknown into known (or back) when one side
                // moves, unless the other side is never unknown.
                let defined = l.defined_same
                    && r.defined_same
                    && (l.is_same() || self.known_both(ra, rb))
                    && (r.is_same() || self.known_both(la, lb));
                Rel::new(l.dir.join(r.dir), defined)
            }
            BinaryOp::Gt | BinaryOp::Ge => self.ordered(Order::Greater, (la, ra), (lb, rb)),
            BinaryOp::Lt | BinaryOp::Le => self.ordered(Order::Less, (la, ra), (lb, rb)),
            BinaryOp::Eq | BinaryOp::Ne => {
                let l = self.expr(la, lb);
                let r = self.expr(ra, rb);
                if l.is_same() && r.is_same() {
                    Rel::SAME
                } else {
                    self.opaque(a, b, before)
                }
            }
            BinaryOp::In | BinaryOp::NotIn => {
                let element = self.expr(la, lb);
                if !element.is_same() {
                    return self.opaque(a, b, before);
                }
                let at = self.slots.len();
                let list = self.expr(ra, rb).numeric();
                self.set_subjects(at, lb);
                if oa == BinaryOp::In {
                    list
                } else {
                    list.flip()
                }
            }
            BinaryOp::Add => {
                let l = self.expr(la, lb).numeric();
                let r = self.expr(ra, rb).numeric();
                l.join(r)
            }
            BinaryOp::Sub => {
                let l = self.expr(la, lb).numeric();
                let r = self.expr(ra, rb).numeric();
                l.join(r.flip())
            }
            BinaryOp::Mul | BinaryOp::Div => {
                let l = self.expr(la, lb).numeric();
                let r = self.expr(ra, rb).numeric();
                if l.is_same() && r.is_same() {
                    Rel::SAME
                } else if r.is_same() && positive_literal(ra) && positive_literal(rb) {
                    // x * c and x / c grow with x for a positive constant c.
                    l
                } else if oa == BinaryOp::Mul
                    && l.is_same()
                    && positive_literal(la)
                    && positive_literal(lb)
                {
                    r
                } else {
                    self.opaque(a, b, before)
                }
            }
        }
    }

    /// `l > r` (or `l < r`): monotone in one side, antitone in the other.
    fn ordered(&mut self, class: Order, (la, ra): (&Expr, &Expr), (lb, rb): (&Expr, &Expr)) -> Rel {
        let at = self.slots.len();
        let l = self.operand(la, lb, rb);
        self.set_subjects(at, rb);
        let at = self.slots.len();
        let r = self.operand(ra, rb, lb);
        self.set_subjects(at, lb);
        match class {
            Order::Greater => l.join(r.flip()),
            Order::Less => l.flip().join(r),
        }
    }

    /// One side of a comparison whose other side in the new version is `against`. Scaling a
    /// value by a positive constant moves it away from zero, so against a literal threshold
    /// `t` it moves the comparison the way a larger value would when `t > 0` and the other way
    /// when `t < 0`: where `x * c > t` and `x > t` disagree, `x` lies between `t` and `t / c`,
    /// which has the sign of `t`. (The threshold may itself have moved: that is a second step
    /// from the new threshold, judged on its own.)
    fn operand(&mut self, a: &Expr, b: &Expr, against: &Expr) -> Rel {
        let sign = literal_number(against).map(|(t, _)| t);
        match self.affine(a, b, sign) {
            Some(rel) => rel,
            None => self.expr(a, b).numeric(),
        }
    }

    /// `x` against `x + c`, `x - c`, `x * c` or `x / c` (`c` a literal, positive for a
    /// factor), or two such forms of the same `x`. An offset moves the value by its sign; a
    /// factor moves it by its sign and that of `x`, which is known only against a threshold
    /// (`sign`, see [`Comparer::operand`]). A factor compared against `0` changes nothing
    /// (`x * c > 0` exactly when `x > 0`).
    fn affine(&mut self, a: &Expr, b: &Expr, sign: Option<f64>) -> Option<Rel> {
        let (xa, sa) = affine_parts(a);
        let (xb, sb) = affine_parts(b);
        if sa == Step::Id && sb == Step::Id {
            return None;
        }
        let before = self.slots.len();
        let base = self.expr(xa, xb);
        self.slots.truncate(before);
        if !base.is_same() {
            return None;
        }
        let dir = match (sa.offset(), sb.offset(), sa.scale(), sb.scale()) {
            (Some(x), Some(y), _, _) => Dir::of_order(x.partial_cmp(&y)),
            (_, _, Some(x), Some(y)) if x == y => Dir::Same,
            (_, _, Some(x), Some(y)) => match sign {
                Some(0.0) => Dir::Same,
                Some(t) if (t > 0.0) == (y > x) => Dir::Up,
                Some(_) => Dir::Down,
                None => return None,
            },
            _ => return None,
        };
        if dir != Dir::Same {
            self.push(a, b, SlotKind::Other);
        }
        Some(Rel::new(dir, true))
    }

    fn call(
        &mut self,
        a: &Expr,
        b: &Expr,
        (fa, aa): (&Ident, &[Expr]),
        (fb, ab): (&Ident, &[Expr]),
    ) -> Rel {
        let before = self.slots.len();
        let (na, nb) = (
            normal::function_name(self.old, &fa.name, aa),
            normal::function_name(self.new, &fb.name, ab),
        );
        if na != nb || aa.len() != ab.len() {
            return self.opaque(a, b, before);
        }
        let rels: Vec<Rel> = aa.iter().zip(ab).map(|(x, y)| self.expr(x, y)).collect();
        if rels.iter().all(|r| r.is_same()) {
            return Rel::SAME;
        }
        let joined = rels.iter().fold(Rel::SAME, |acc, r| acc.join(*r));
        match Function::from_name(na) {
            Some(Function::Any | Function::None) => {
                // Truth-monotone in the elements kept; whether it is unknown may change unless
                // the filter is always known.
                let defined = aa.iter().all(|x| never_unknown(self.old, x))
                    && ab.iter().all(|y| never_unknown(self.new, y));
                let rel = Rel::new(joined.dir, defined);
                if na == "none" {
                    rel.flip()
                } else {
                    rel
                }
            }
            Some(Function::Count | Function::Authors) => joined.numeric(),
            Some(Function::Min | Function::Max) => {
                rels.iter().fold(Rel::SAME, |acc, r| acc.join(r.numeric()))
            }
            _ => self.opaque(a, b, before),
        }
    }

    fn known_both(&self, x: &Expr, y: &Expr) -> bool {
        never_unknown(self.old, x) && never_unknown(self.new, y)
    }

    /// The two sides differ in a way no direction follows from: one slot for the whole.
    fn opaque(&mut self, a: &Expr, b: &Expr, before: usize) -> Rel {
        self.slots.truncate(before);
        self.push(a, b, SlotKind::Other);
        Rel::UNKNOWN
    }

    fn push(&mut self, a: &Expr, b: &Expr, kind: SlotKind) {
        if self.injected.is_none() {
            self.slots.push(Slot {
                old: a.span,
                new: b.span,
                kind,
            });
        }
    }

    /// Name the other side of a comparison in the slots found since `at`.
    fn set_subjects(&mut self, at: usize, subject: &Expr) {
        let text = collapse(self.new.text(subject.span));
        for slot in self.slots.iter_mut().skip(at) {
            slot.kind.set_subject(&text);
        }
    }
}

/// From `any(C)` to `count(C) >= 1` when elements may be uncertain: true may become unknown
/// (LANGUAGE.md section 6); false and unknown stay.
fn counted() -> Pairs {
    Pairs::NONE
        .with(Truth::True, Truth::True)
        .with(Truth::True, Truth::Unknown)
        .with(Truth::Unknown, Truth::Unknown)
        .with(Truth::False, Truth::False)
}

/// The truth values a condition takes: unknown only when it can be.
fn values(may_be_unknown: bool) -> impl Iterator<Item = Truth> {
    [Truth::False, Truth::Unknown, Truth::True]
        .into_iter()
        .filter(move |v| may_be_unknown || *v != Truth::Unknown)
}

/// The same kind of part, and for an expression the same tree up to literals.
fn same_shape(a: &Cond<'_>, b: &Cond<'_>) -> bool {
    match (a, b) {
        (Cond::Not(x), Cond::Not(y)) => same_shape(x, y),
        (Cond::All(..), Cond::All(..)) | (Cond::Either(..), Cond::Either(..)) => true,
        (Cond::NonEmpty { collection: x, .. }, Cond::NonEmpty { collection: y, .. }) => {
            super::match_rules::same_shape(x, y)
        }
        (Cond::Atom(x), Cond::Atom(y)) => super::match_rules::same_shape(x, y),
        _ => false,
    }
}

/// One arithmetic step with a literal around a value.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    Id,
    Offset(f64),
    Scale(f64),
}

impl Step {
    fn offset(self) -> Option<f64> {
        match self {
            Step::Id => Some(0.0),
            Step::Offset(c) => Some(c),
            Step::Scale(_) => None,
        }
    }

    fn scale(self) -> Option<f64> {
        match self {
            Step::Id => Some(1.0),
            Step::Scale(c) => Some(c),
            Step::Offset(_) => None,
        }
    }
}

/// `x + c`, `c + x`, `x - c`, `x * c`, `c * x`, `x / c` as `x` and the step; anything else
/// as itself.
fn affine_parts(e: &Expr) -> (&Expr, Step) {
    let e = strip_parens(e);
    let ExprKind::Binary { op, lhs, rhs } = &e.kind else {
        return (e, Step::Id);
    };
    let (l, r) = (
        literal_number(lhs).map(|x| x.0),
        literal_number(rhs).map(|x| x.0),
    );
    match (op, l, r) {
        (BinaryOp::Add, _, Some(c)) => (lhs, Step::Offset(c)),
        (BinaryOp::Add, Some(c), None) => (rhs, Step::Offset(c)),
        (BinaryOp::Sub, _, Some(c)) => (lhs, Step::Offset(-c)),
        (BinaryOp::Mul, _, Some(c)) if c > 0.0 => (lhs, Step::Scale(c)),
        (BinaryOp::Mul, Some(c), None) if c > 0.0 => (rhs, Step::Scale(c)),
        (BinaryOp::Div, _, Some(c)) if c > 0.0 => (lhs, Step::Scale(1.0 / c)),
        _ => (e, Step::Id),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Greater,
    Less,
}

fn order_class(op: BinaryOp) -> Option<Order> {
    match op {
        BinaryOp::Gt | BinaryOp::Ge => Some(Order::Greater),
        BinaryOp::Lt | BinaryOp::Le => Some(Order::Less),
        _ => None,
    }
}

/// Metric declarations that read the same evidence the same way.
fn same_evidence(m: &MetricDecl, n: &MetricDecl) -> bool {
    m.key.value == n.key.value
        && m.family == n.family
        && m.direction.as_ref().map(|d| d.direction) == n.direction.as_ref().map(|d| d.direction)
        && m.adjustment.map(|a| a.method) == n.adjustment.map(|a| a.method)
}

pub fn strip_parens(mut e: &Expr) -> &Expr {
    while let ExprKind::Paren(inner) = &e.kind {
        e = inner;
    }
    e
}

/// A number literal, or a negated one (`-1%`), with its value and its text.
fn literal_number(e: &Expr) -> Option<(f64, String)> {
    match &strip_parens(e).kind {
        ExprKind::Number(n) => Some((n.value, n.raw.clone())),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => literal_number(operand).map(|(v, raw)| (-v, format!("-{raw}"))),
        _ => None,
    }
}

fn positive_literal(e: &Expr) -> bool {
    matches!(&strip_parens(e).kind, ExprKind::Number(n) if n.value > 0.0)
}

/// The members of a list of literals as (identity, as shown), or None for other lists.
fn literal_members(items: &[Expr]) -> Option<Vec<(String, String)>> {
    items
        .iter()
        .map(|e| match &strip_parens(e).kind {
            ExprKind::Str(s) => Some((format!("s:{}", s.value), format!("\"{}\"", s.raw))),
            ExprKind::Number(n) => Some((format!("n:{}", n.value), n.raw.clone())),
            ExprKind::Severity(s) => Some((format!("v:{s}"), s.to_string())),
            ExprKind::Bool(b) => Some((format!("b:{b}"), b.to_string())),
            _ => None,
        })
        .collect()
}

/// Source text on one line, runs of white space made one space.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
