//! A claim of `tollgate diff` that the evaluator can refute is a bug. This property test
//! generates a policy from a small grammar, one random edit of it (a threshold, a severity, a
//! list, a comparison, a clause, a `missing`, a rule, a `let`), and many random evidence
//! bundles, then checks every claim against both evaluations:
//! - a rule whose changes are all `tightened` never gets a less severe outcome, all `loosened`
//!   never a more severe one, and a rule with no change (or only cosmetic ones) keeps its
//!   outcome;
//! - the decision follows the verdict the same way when no change is `changed`.
//!
//! The grammar holds the shapes where names are easy to misread: a let-bound flag collection
//! (`let experts = flags where …`) used as `any(experts where …)` and `count(experts)`, a
//! `where` over a `where`, a `where` inside a predicate, and the let `n` (also the name of a
//! metric field) read inside predicates.
//!
//! Beside those edits, rewrites (`rewrite`): a clause turned from `when X` into `unless not
//! X`, a double negation, the sides of `and`/`or` swapped, `none` as `not any`, `any(C)` as
//! `count(C) >= 1` (over flags that are always known, and over `experts`, whose elements may be
//! uncertain), `worst` as `upper` or `lower`, a conjunct or disjunct added or dropped, a
//! `has(a) and` guard, and arithmetic with a literal around a compared value. Each rewrite is
//! replayed like an edit; the exact ones must moreover be reported cosmetic, and
//! `generated_rewrites_cover_every_kind` counts that the generator writes each of them.
//!
//! Bundles carry no waivers: a waiver only matters through `waivable by`, which is checked by
//! the unit tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use tollgate::diff::{self, Effect, Verdict, Version};
use tollgate::evidence::{self, Format};
use tollgate::{Now, Outcome, Policy};

const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];
const CATEGORIES: [&str; 4] = ["x", "y", "z", "w"];
const OUTCOMES: [&str; 3] = ["warn", "review", "block"];
const MISSING: [&str; 4] = ["pass", "warn", "review", "block"];
const OPS: [&str; 4] = [">", ">=", "<", "<="];
/// Arithmetic with a literal around a compared value.
const ARITH: [&str; 5] = [" * 0.5", " * 2", " / 2", " - 0.5%", " + 1%"];

#[derive(Clone, Debug)]
enum Num {
    RegA,
    RegB,
    ImpC,
    ValA,
    DeltaB,
    /// `worst(a)`, `upper(a)` and `lower(a)`: `a` is lower-is-better, so `worst` is `upper`.
    WorstA,
    UpperA,
    LowerA,
    /// `(NUM) ARITH[k]`
    Scaled(Box<Num>, usize),
}

impl Num {
    fn text(&self) -> String {
        String::from(match self {
            Num::RegA => "regression(a)",
            Num::RegB => "regression(b)",
            Num::ImpC => "improvement(c)",
            Num::ValA => "a",
            Num::DeltaB => "delta(b)",
            Num::WorstA => "worst(a)",
            Num::UpperA => "upper(a)",
            Num::LowerA => "lower(a)",
            Num::Scaled(n, k) => return format!("({}){}", n.text(), ARITH[*k]),
        })
    }
}

/// A filter on flags, as written after `where`.
#[derive(Clone, Debug)]
enum Filter {
    /// `severity >= S`
    Sev(usize),
    /// `category in [...]`
    Cat(Vec<usize>),
    /// `n > T`: a top-level let read inside the predicate.
    N(i32),
    /// `severity >= S and n > T`
    SevN(usize, i32),
    /// `count(flags where severity >= S) > T`: a `where` inside the predicate.
    Inner(usize, i32),
    /// `severity >= S or a > T%`: uncertain for flags below S when `a` is missing.
    SevOrA(usize, i32),
}

#[derive(Clone, Debug)]
enum Cond {
    /// `NUM OP T%`, or `NUM OP lim` when the threshold is `None`.
    Cmp(Num, usize, Option<i32>),
    Any(usize, Vec<usize>),
    Count(usize, usize, i32),
    None(usize),
    Signed,
    /// `any(experts where F)`
    AnyC(Filter),
    /// `count(experts) OP K`
    CountC(usize, i32),
    /// `any((experts where F) where G)`
    Nested(Filter, Filter),
    /// `count(flags where …) >= 1`, the count form of `Any`.
    CountAny(usize, Vec<usize>),
    /// `count(experts where F) >= 1`, the count form of `AnyC`.
    CountAnyC(Filter),
    /// `not any(flags where severity >= S)`, `None` written with `any`.
    NotAny(usize),
    /// `has(a) and (C)`
    HasA(Box<Cond>),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

#[derive(Clone, Debug)]
struct Clause {
    outcome: usize,
    unless: bool,
    cond: Cond,
}

#[derive(Clone, Debug)]
struct Rule {
    id: String,
    clauses: Vec<Clause>,
    missing: Option<usize>,
}

#[derive(Clone, Debug)]
struct Gate {
    limit: i32,
    /// `let n = …`
    n: i32,
    /// `let experts = flags where …`
    experts: Filter,
    rules: Vec<Rule>,
}

impl Filter {
    fn text(&self) -> String {
        match self {
            Filter::Sev(s) => format!("severity >= {}", SEVERITIES[*s]),
            Filter::Cat(cats) => {
                let list: Vec<String> = cats
                    .iter()
                    .map(|c| format!("\"{}\"", CATEGORIES[*c]))
                    .collect();
                format!("category in [{}]", list.join(", "))
            }
            Filter::N(t) => format!("n > {t}"),
            Filter::SevN(s, t) => format!("severity >= {} and n > {t}", SEVERITIES[*s]),
            Filter::Inner(s, t) => {
                format!("count(flags where severity >= {}) > {t}", SEVERITIES[*s])
            }
            Filter::SevOrA(s, t) => format!("severity >= {} or a > {t}%", SEVERITIES[*s]),
        }
    }

    /// Move a threshold to `value`; false when there is none.
    fn set_threshold(&mut self, value: i32) -> bool {
        match self {
            Filter::N(t) | Filter::SevN(_, t) | Filter::Inner(_, t) | Filter::SevOrA(_, t) => {
                *t = value;
                true
            }
            Filter::Sev(_) | Filter::Cat(_) => false,
        }
    }

    /// Move a severity literal to `s`; false when there is none.
    fn set_severity(&mut self, s: usize) -> bool {
        match self {
            Filter::Sev(x) | Filter::SevN(x, _) | Filter::Inner(x, _) | Filter::SevOrA(x, _) => {
                *x = s;
                true
            }
            Filter::Cat(_) | Filter::N(_) => false,
        }
    }

    /// Add category `cat`, or remove it when present and not the last.
    fn toggle_category(&mut self, cat: usize) -> bool {
        match self {
            Filter::Cat(cats) => {
                toggle(cats, cat);
                true
            }
            _ => false,
        }
    }

    fn reads_n(&self) -> bool {
        matches!(self, Filter::N(_) | Filter::SevN(..))
    }
}

fn toggle(cats: &mut Vec<usize>, cat: usize) {
    if let Some(i) = cats.iter().position(|x| *x == cat) {
        if cats.len() > 1 {
            cats.remove(i);
        }
    } else {
        cats.push(cat);
    }
}

impl Cond {
    fn text(&self) -> String {
        match self {
            Cond::Cmp(n, op, Some(t)) => format!("{} {} {t}%", n.text(), OPS[*op]),
            Cond::Cmp(n, op, None) => format!("{} {} lim", n.text(), OPS[*op]),
            Cond::Any(s, cats) => format!("any({})", flags_where(*s, cats)),
            Cond::CountAny(s, cats) => format!("count({}) >= 1", flags_where(*s, cats)),
            Cond::CountAnyC(f) => format!("count(experts where {}) >= 1", f.text()),
            Cond::NotAny(s) => format!("not any(flags where severity >= {})", SEVERITIES[*s]),
            Cond::HasA(c) => format!("has(a) and ({})", c.text()),
            Cond::Count(s, op, k) => format!(
                "count(flags where severity >= {}) {} {k}",
                SEVERITIES[*s], OPS[*op]
            ),
            Cond::None(s) => format!("none(flags where severity >= {})", SEVERITIES[*s]),
            Cond::Signed => String::from("signed(\"lead\")"),
            Cond::AnyC(f) => format!("any(experts where {})", f.text()),
            Cond::CountC(op, k) => format!("count(experts) {} {k}", OPS[*op]),
            Cond::Nested(f, g) => format!("any((experts where {}) where {})", f.text(), g.text()),
            Cond::Not(c) => format!("not ({})", c.text()),
            Cond::And(a, b) => format!("({}) and ({})", a.text(), b.text()),
            Cond::Or(a, b) => format!("({}) or ({})", a.text(), b.text()),
        }
    }

    /// Visit the leaves in order, letting `f` edit one; stops when `f` returns true.
    fn leaves(&mut self, f: &mut dyn FnMut(&mut Cond) -> bool) -> bool {
        match self {
            Cond::Not(c) | Cond::HasA(c) => c.leaves(f),
            Cond::And(a, b) | Cond::Or(a, b) => a.leaves(f) || b.leaves(f),
            leaf => f(leaf),
        }
    }
}

fn flags_where(s: usize, cats: &[usize]) -> String {
    let list: Vec<String> = cats
        .iter()
        .map(|c| format!("\"{}\"", CATEGORIES[*c]))
        .collect();
    format!(
        "flags where severity >= {} and category in [{}]",
        SEVERITIES[s],
        list.join(", ")
    )
}

/// A rewrite that was applied: its name, and whether it means exactly the same, unknowns
/// included (then diff must call it cosmetic).
#[derive(Clone, Copy, Debug)]
struct Rewrite {
    name: &'static str,
    exact: bool,
}

const REWRITES: [&str; 14] = [
    "when X -> unless not X",
    "not not X",
    "sides of and/or swapped",
    "none -> not any",
    "any -> count >= 1 (known)",
    "any -> count >= 1 (uncertain)",
    "worst -> upper",
    "worst -> lower",
    "conjunct added",
    "conjunct dropped",
    "has(a) and guard",
    "disjunct added",
    "disjunct dropped",
    "arithmetic around a value",
];

impl Gate {
    /// Apply rewrite `kind` (an index into `REWRITES`) to the clause or leaf at `at`.
    fn rewrite(&mut self, kind: u8, at: usize, value: i32) -> Option<Rewrite> {
        let kind = usize::from(kind) % REWRITES.len();
        let name = REWRITES[kind];
        let v = value.unsigned_abs() as usize;
        let clause_count: usize = self.rules.iter().map(|r| r.clauses.len()).sum();
        if clause_count == 0 {
            return None;
        }
        let mut i = at % clause_count;
        let mut clause = None;
        for r in &mut self.rules {
            if i < r.clauses.len() {
                clause = r.clauses.get_mut(i);
                break;
            }
            i -= r.clauses.len();
        }
        let clause = clause?;
        let take = |c: &mut Cond| std::mem::replace(c, Cond::Signed);
        let extra = || Cond::Cmp(Num::RegB, v % OPS.len(), Some(value % 3));
        let (done, exact) = match kind {
            0 => {
                clause.unless = !clause.unless;
                let c = take(&mut clause.cond);
                clause.cond = Cond::Not(Box::new(c));
                (true, true)
            }
            1 => {
                let c = take(&mut clause.cond);
                clause.cond = Cond::Not(Box::new(Cond::Not(Box::new(c))));
                (true, true)
            }
            2 => (swap_first(&mut clause.cond), true),
            3 => (
                clause.cond.leaves(&mut |c| match c {
                    Cond::None(s) => {
                        *c = Cond::NotAny(*s);
                        true
                    }
                    _ => false,
                }),
                true,
            ),
            4 => (
                clause.cond.leaves(&mut |c| match c {
                    Cond::Any(s, cats) => {
                        *c = Cond::CountAny(*s, std::mem::take(cats));
                        true
                    }
                    _ => false,
                }),
                true,
            ),
            5 => (
                clause.cond.leaves(&mut |c| match c {
                    Cond::AnyC(f) => {
                        *c = Cond::CountAnyC(f.clone());
                        true
                    }
                    _ => false,
                }),
                false,
            ),
            6 | 7 => {
                let to = if kind == 6 { Num::UpperA } else { Num::LowerA };
                (
                    clause.cond.leaves(&mut |c| match c {
                        Cond::Cmp(n @ Num::WorstA, _, _) => {
                            *n = to.clone();
                            true
                        }
                        _ => false,
                    }),
                    kind == 6,
                )
            }
            8 => {
                let c = take(&mut clause.cond);
                clause.cond = if value % 2 == 0 {
                    Cond::And(Box::new(c), Box::new(extra()))
                } else {
                    Cond::And(Box::new(extra()), Box::new(c))
                };
                (true, false)
            }
            9 => match take(&mut clause.cond) {
                Cond::And(a, b) => {
                    clause.cond = if value % 2 == 0 { *a } else { *b };
                    (true, false)
                }
                other => {
                    clause.cond = other;
                    (false, false)
                }
            },
            10 => {
                let c = take(&mut clause.cond);
                clause.cond = Cond::HasA(Box::new(c));
                (true, false)
            }
            11 => {
                let c = take(&mut clause.cond);
                clause.cond = Cond::Or(Box::new(c), Box::new(extra()));
                (true, false)
            }
            12 => match take(&mut clause.cond) {
                Cond::Or(a, b) => {
                    clause.cond = if value % 2 == 0 { *a } else { *b };
                    (true, false)
                }
                other => {
                    clause.cond = other;
                    (false, false)
                }
            },
            _ => (
                clause.cond.leaves(&mut |c| match c {
                    Cond::Cmp(n, _, _) => {
                        *n = match std::mem::replace(n, Num::ValA) {
                            Num::Scaled(inner, _) if value % 3 == 0 => *inner,
                            // Another step than the one there.
                            Num::Scaled(inner, k) => {
                                Num::Scaled(inner, (k + 1 + v % (ARITH.len() - 1)) % ARITH.len())
                            }
                            inner => Num::Scaled(Box::new(inner), v % ARITH.len()),
                        };
                        true
                    }
                    _ => false,
                }),
                false,
            ),
        };
        done.then_some(Rewrite { name, exact })
    }
}

/// Swap the sides of the first `and` or `or`; false when there is none.
fn swap_first(c: &mut Cond) -> bool {
    match c {
        Cond::And(a, b) | Cond::Or(a, b) => {
            std::mem::swap(a, b);
            true
        }
        Cond::Not(c) | Cond::HasA(c) => swap_first(c),
        _ => false,
    }
}

impl Gate {
    fn text(&self) -> String {
        let mut out = String::from(
            "policy \"g\" { version \"1\" }\n\
             metric a from \"m.a\" lower is better\n\
             metric b from \"m.b\" lower is better\n\
             metric c from \"m.c\" higher is better\n",
        );
        out.push_str(&format!("let lim = {}%\n", self.limit));
        out.push_str(&format!("let n = {}\n", self.n));
        out.push_str(&format!(
            "let experts = flags where {}\n",
            self.experts.text()
        ));
        for r in &self.rules {
            out.push_str(&format!("rule {} {{\n", r.id));
            for c in &r.clauses {
                let kind = if c.unless { "unless" } else { "when" };
                out.push_str(&format!(
                    "  {} {kind} {}\n",
                    OUTCOMES[c.outcome],
                    c.cond.text()
                ));
            }
            if let Some(m) = r.missing {
                out.push_str(&format!("  missing {}\n", MISSING[m]));
            }
            out.push_str("}\n");
        }
        out
    }

    /// Apply edit `kind` at position `at` with the random `value`. Returns false when the
    /// edit does not apply to this policy.
    fn edit(&mut self, kind: u8, at: usize, value: i32) -> bool {
        let v = value.unsigned_abs() as usize;
        let clause_count: usize = self.rules.iter().map(|r| r.clauses.len()).sum();
        let rule_count = self.rules.len();
        match kind % 14 {
            // A threshold (or a count bound) moves.
            0 => self.leaf(at, &mut |c| match c {
                Cond::Cmp(_, _, Some(t)) | Cond::Count(_, _, t) | Cond::CountC(_, t) => {
                    *t = value % 4;
                    true
                }
                Cond::AnyC(f) | Cond::CountAnyC(f) => f.set_threshold(value % 4),
                Cond::Nested(f, g) => g.set_threshold(value % 4) || f.set_threshold(value % 4),
                _ => false,
            }),
            // A severity literal in a flag filter moves.
            1 => self.leaf(at, &mut |c| match c {
                Cond::Any(s, _)
                | Cond::CountAny(s, _)
                | Cond::Count(s, _, _)
                | Cond::None(s)
                | Cond::NotAny(s) => {
                    *s = v % SEVERITIES.len();
                    true
                }
                Cond::AnyC(f) | Cond::CountAnyC(f) => f.set_severity(v % SEVERITIES.len()),
                Cond::Nested(f, g) => {
                    f.set_severity(v % SEVERITIES.len()) || g.set_severity(v % SEVERITIES.len())
                }
                _ => false,
            }),
            // A category list gains or loses a member.
            2 => self.leaf(at, &mut |c| match c {
                Cond::Any(_, cats) | Cond::CountAny(_, cats) => {
                    toggle(cats, v % CATEGORIES.len());
                    true
                }
                Cond::AnyC(f) | Cond::CountAnyC(f) => f.toggle_category(v % CATEGORIES.len()),
                Cond::Nested(f, g) => {
                    f.toggle_category(v % CATEGORIES.len())
                        || g.toggle_category(v % CATEGORIES.len())
                }
                _ => false,
            }),
            // A comparison operator changes.
            3 => self.leaf(at, &mut |c| match c {
                Cond::Cmp(_, op, _) | Cond::Count(_, op, _) | Cond::CountC(op, _) => {
                    *op = v % OPS.len();
                    true
                }
                _ => false,
            }),
            // The let moves.
            4 => {
                self.limit = value % 4;
                true
            }
            // A clause's severity changes.
            5 if clause_count > 0 => {
                let mut i = at % clause_count;
                for r in &mut self.rules {
                    if i < r.clauses.len() {
                        r.clauses[i].outcome = v % OUTCOMES.len();
                        return true;
                    }
                    i -= r.clauses.len();
                }
                false
            }
            // A clause is added.
            6 => {
                let r = at % rule_count;
                let cond = Cond::Cmp(Num::RegB, v % OPS.len(), Some(value % 3));
                self.rules[r].clauses.push(Clause {
                    outcome: v % OUTCOMES.len(),
                    unless: value % 2 == 0,
                    cond,
                });
                true
            }
            // A clause is removed.
            7 => {
                let r = at % rule_count;
                if self.rules[r].clauses.len() < 2 {
                    return false;
                }
                let i = v % self.rules[r].clauses.len();
                self.rules[r].clauses.remove(i);
                true
            }
            // `missing` changes.
            8 => {
                let r = at % rule_count;
                self.rules[r].missing = if v % 5 == 4 {
                    None
                } else {
                    Some(v % MISSING.len())
                };
                true
            }
            // A clause turns from `when` into `unless` or back.
            10 if clause_count > 0 => {
                let mut i = at % clause_count;
                for r in &mut self.rules {
                    if i < r.clauses.len() {
                        r.clauses[i].unless = !r.clauses[i].unless;
                        return true;
                    }
                    i -= r.clauses.len();
                }
                false
            }
            // A comparison reads another quantity.
            11 => self.leaf(at, &mut |c| match c {
                Cond::Cmp(n, _, _) => {
                    *n = match v % 6 {
                        0 => Num::RegA,
                        1 => Num::RegB,
                        2 => Num::ImpC,
                        3 => Num::ValA,
                        4 => Num::WorstA,
                        _ => Num::DeltaB,
                    };
                    true
                }
                _ => false,
            }),
            // The let read inside predicates moves.
            12 => {
                self.n = value % 4;
                true
            }
            // The let-bound collection's filter moves.
            13 => {
                self.experts.set_threshold(value % 4)
                    || self.experts.set_severity(v % SEVERITIES.len())
                    || self.experts.toggle_category(v % CATEGORIES.len())
            }
            // A rule is added or removed.
            _ => {
                if value % 2 == 0 && rule_count > 1 {
                    self.rules.remove(at % rule_count);
                } else {
                    self.rules.push(Rule {
                        id: String::from("added"),
                        clauses: vec![Clause {
                            outcome: v % OUTCOMES.len(),
                            unless: false,
                            cond: Cond::Cmp(Num::RegA, v % OPS.len(), Some(value % 3)),
                        }],
                        missing: None,
                    });
                }
                true
            }
        }
    }

    /// Edit the first leaf at or after position `at` (cyclically) that `f` accepts.
    fn leaf(&mut self, at: usize, f: &mut dyn FnMut(&mut Cond) -> bool) -> bool {
        let mut leaves = 0;
        for r in &mut self.rules {
            for c in &mut r.clauses {
                c.cond.leaves(&mut |_| {
                    leaves += 1;
                    false
                });
            }
        }
        for step in 0..leaves {
            let mut target = (at + step) % leaves;
            let mut done = false;
            for r in &mut self.rules {
                for c in &mut r.clauses {
                    if done {
                        break;
                    }
                    c.cond.leaves(&mut |leaf| {
                        if target == 0 {
                            done = f(leaf);
                            target = usize::MAX;
                            return true;
                        }
                        target = target.wrapping_sub(1);
                        false
                    });
                }
            }
            if done {
                return true;
            }
        }
        false
    }
}

fn num() -> impl Strategy<Value = Num> {
    prop_oneof![
        2 => Just(Num::RegA),
        2 => Just(Num::RegB),
        2 => Just(Num::ImpC),
        2 => Just(Num::ValA),
        2 => Just(Num::DeltaB),
        3 => Just(Num::WorstA),
        1 => Just(Num::UpperA),
        1 => Just(Num::LowerA),
        2 => (0..5usize).prop_map(|k| Num::Scaled(Box::new(Num::RegA), k)),
    ]
}

fn filter() -> impl Strategy<Value = Filter> {
    prop_oneof![
        (0..5usize).prop_map(Filter::Sev),
        prop::collection::btree_set(0..4usize, 1..3)
            .prop_map(|c| Filter::Cat(c.into_iter().collect())),
        (0..3i32).prop_map(Filter::N),
        (0..5usize, 0..3i32).prop_map(|(s, t)| Filter::SevN(s, t)),
        (0..5usize, 0..3i32).prop_map(|(s, t)| Filter::Inner(s, t)),
        (0..5usize, 0..3i32).prop_map(|(s, t)| Filter::SevOrA(s, t)),
    ]
}

fn leaf() -> impl Strategy<Value = Cond> {
    prop_oneof![
        4 => (num(), 0..4usize, prop::option::weighted(0.8, -3..4i32)).prop_map(|(n, o, t)| Cond::Cmp(n, o, t)),
        2 => (0..5usize, prop::collection::btree_set(0..4usize, 1..3))
            .prop_map(|(s, c)| Cond::Any(s, c.into_iter().collect())),
        1 => (0..5usize, 0..4usize, 0..4i32).prop_map(|(s, o, k)| Cond::Count(s, o, k)),
        1 => (0..5usize).prop_map(Cond::None),
        1 => Just(Cond::Signed),
        2 => filter().prop_map(Cond::AnyC),
        1 => (0..4usize, 0..4i32).prop_map(|(o, k)| Cond::CountC(o, k)),
        1 => (filter(), filter()).prop_map(|(f, g)| Cond::Nested(f, g)),
    ]
}

fn cond() -> impl Strategy<Value = Cond> {
    leaf().prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Cond::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Cond::Or(Box::new(a), Box::new(b))),
        ]
    })
}

fn gate() -> impl Strategy<Value = Gate> {
    let clause =
        (0..3usize, prop::bool::weighted(0.2), cond()).prop_map(|(outcome, unless, cond)| Clause {
            outcome,
            unless,
            cond,
        });
    let rule = (
        prop::collection::vec(clause, 1..3),
        prop::option::weighted(0.4, 0..4usize),
    );
    (
        -3..4i32,
        -1..4i32,
        filter(),
        prop::collection::vec(rule, 1..4),
    )
        .prop_map(|(limit, n, experts, rules)| Gate {
            limit,
            n,
            experts,
            rules: rules
                .into_iter()
                .enumerate()
                .map(|(i, (clauses, missing))| Rule {
                    id: format!("r{i}"),
                    clauses,
                    missing,
                })
                .collect(),
        })
}

/// A metric entry: absent, or a value with or without a baseline and a standard error, on a
/// grid of whole percents.
fn metric(key: &'static str) -> impl Strategy<Value = Option<String>> {
    let part = |name: &'static str| {
        prop::option::weighted(0.85, 0..7u32)
            .prop_map(move |x| x.map(|x| format!(", \"{name}\": {}", f64::from(x) / 100.0)))
    };
    prop::option::weighted(0.85, (0..7u32, part("baseline"), part("stderr"))).prop_map(move |m| {
        m.map(|(v, b, e)| {
            format!(
                "\"{key}\": {{ \"value\": {}{}{} }}",
                f64::from(v) / 100.0,
                b.unwrap_or_default(),
                e.unwrap_or_default()
            )
        })
    })
}

fn bundle() -> impl Strategy<Value = String> {
    let flag = (0..5usize, 0..4usize).prop_map(|(s, c)| {
        format!(
            "{{ \"source\": \"expert\", \"category\": \"{}\", \"severity\": \"{}\" }}",
            CATEGORIES[c], SEVERITIES[s]
        )
    });
    (
        metric("m.a"),
        metric("m.b"),
        metric("m.c"),
        prop::collection::vec(flag, 0..4),
        any::<bool>(),
    )
        .prop_map(|(a, b, c, flags, signed)| {
            let metrics: Vec<String> = [a, b, c].into_iter().flatten().collect();
            let signoffs = if signed {
                "{ \"role\": \"lead\", \"by\": \"someone\" }"
            } else {
                ""
            };
            format!(
                "{{ \"metrics\": {{ {} }}, \"flags\": [ {} ], \"signoffs\": [ {signoffs} ] }}",
                metrics.join(", "),
                flags.join(", ")
            )
        })
}

fn outcome(e: &tollgate::Evaluation, id: &str) -> Outcome {
    e.rule(id).map_or(Outcome::Pass, |r| r.outcome)
}

/// Whether the claim `effects` (all non-cosmetic effects on one thing) allows going from
/// `before` to `after`.
fn allowed(effects: &[Effect], before: Outcome, after: Outcome) -> bool {
    if effects.is_empty() {
        return before == after;
    }
    if effects.iter().all(|e| *e == Effect::Tightened) {
        return after >= before;
    }
    if effects.iter().all(|e| *e == Effect::Loosened) {
        return after <= before;
    }
    true
}

proptest! {
    // 256 cases take about a second; PROPTEST_CASES=5000 searches harder.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        // About a third of the rewrites do not apply to a given policy (no `or` to drop).
        max_global_rejects: 1 << 16,
        ..ProptestConfig::default()
    })]

    #[test]
    fn claims_hold_on_every_bundle(
        gate in gate(),
        kind in any::<u8>(),
        at in any::<usize>(),
        value in -7..8i32,
        bundles in prop::collection::vec(bundle(), 32),
    ) {
        let mut edited = gate.clone();
        // Edits and rewrites in turn; a rewrite that means the same must be cosmetic.
        let rewrite = if kind % 2 == 0 {
            prop_assume!(edited.edit(kind / 2, at, value));
            None
        } else {
            let applied = edited.rewrite(kind / 2, at, value);
            prop_assume!(applied.is_some());
            applied
        };
        let (old_text, new_text) = (gate.text(), edited.text());
        let old = Policy::from_source("old.gate", old_text.clone())
            .unwrap_or_else(|d| panic!("generated policy does not load: {d:?}\n{old_text}"));
        let new = Policy::from_source("new.gate", new_text.clone())
            .unwrap_or_else(|d| panic!("edited policy does not load: {d:?}\n{new_text}"));
        let report = diff::diff(Version::new(&old), Version::new(&new));
        if let Some(Rewrite { name, exact: true }) = rewrite {
            prop_assert!(
                matches!(report.verdict, Verdict::Cosmetic | Verdict::Unchanged),
                "{name} is {:?}\nold:\n{old_text}\nnew:\n{new_text}\nchanges: {:#?}",
                report.verdict,
                report.changes
            );
        }
        let now = Now::resolve(evidence::parse_instant("2025-06-01T00:00:00Z"), None);
        let mut ids: Vec<&str> = gate.rules.iter().map(|r| r.id.as_str()).collect();
        ids.extend(edited.rules.iter().map(|r| r.id.as_str()));
        ids.sort_unstable();
        ids.dedup();
        let all: Vec<Effect> = report.changes.iter().map(|c| c.effect).filter(|e| *e != Effect::Cosmetic).collect();
        for json in &bundles {
            let bundle = evidence::parse_str("bundle.json", json, Format::Json)
                .unwrap_or_else(|d| panic!("generated bundle is invalid: {d:?}\n{json}"));
            let (before, after) = (old.evaluate(&bundle, now), new.evaluate(&bundle, now));
            for id in &ids {
                let effects: Vec<Effect> = report
                    .changes
                    .iter()
                    .filter(|c| c.rule.as_deref() == Some(id) && c.effect != Effect::Cosmetic)
                    .map(|c| c.effect)
                    .collect();
                let (o, n) = (outcome(&before, id), outcome(&after, id));
                prop_assert!(
                    allowed(&effects, o, n),
                    "rule {id}: {o} -> {n} contradicts {effects:?}\nold:\n{old_text}\nnew:\n{new_text}\nbundle: {json}\nchanges: {:#?}",
                    report.changes
                );
            }
            let (o, n) = (before.decision, after.decision);
            let verdict_claim = match report.verdict {
                Verdict::Unchanged | Verdict::Cosmetic => o == n,
                _ => allowed(&all, o, n),
            };
            prop_assert!(
                verdict_claim,
                "decision {o} -> {n} contradicts verdict {:?}\nold:\n{old_text}\nnew:\n{new_text}\nbundle: {json}",
                report.verdict
            );
        }
    }
}

#[test]
fn generated_policies_hold_every_shape() {
    // The property says little about names if the grammar rarely writes the shapes that are
    // easy to misread: count them over a fixed sample of policies.
    let mut runner = TestRunner::deterministic();
    let strategy = gate();
    let (mut any_c, mut count_c, mut nested, mut inner, mut n_in_where) = (0, 0, 0, 0, 0);
    for _ in 0..500 {
        let mut gate = strategy.new_tree(&mut runner).unwrap().current();
        let (mut uses_experts, mut reads_n, mut has_inner) = (false, gate.experts.reads_n(), false);
        for rule in &mut gate.rules {
            for clause in &mut rule.clauses {
                clause.cond.leaves(&mut |leaf| {
                    let filters: Vec<&Filter> = match leaf {
                        Cond::AnyC(f) => {
                            any_c += 1;
                            vec![f]
                        }
                        Cond::CountC(..) => {
                            count_c += 1;
                            vec![]
                        }
                        Cond::Nested(f, g) => {
                            nested += 1;
                            vec![f, g]
                        }
                        _ => return false,
                    };
                    uses_experts = true;
                    reads_n |= filters.iter().any(|f| f.reads_n());
                    has_inner |= filters.iter().any(|f| matches!(f, Filter::Inner(..)));
                    false
                });
            }
        }
        // `n` read inside a `where`, directly or through `experts`.
        if uses_experts && reads_n {
            n_in_where += 1;
        }
        if has_inner || (uses_experts && matches!(gate.experts, Filter::Inner(..))) {
            inner += 1;
        }
    }
    eprintln!(
        "any(experts where …) {any_c}, count(experts) {count_c}, where over where {nested}, \
         where in a predicate {inner}, n read in a where {n_in_where} (of 500 policies)"
    );
    assert!(any_c >= 100, "any(experts where …): {any_c}");
    assert!(count_c >= 50, "count(experts): {count_c}");
    assert!(nested >= 50, "where over where: {nested}");
    assert!(inner >= 50, "where inside a predicate: {inner}");
    assert!(n_in_where >= 100, "n read inside a where: {n_in_where}");
}

#[test]
fn generated_rewrites_cover_every_kind() {
    // Each rewrite must be replayed often enough to say something: count those that apply
    // over a fixed sample of policies.
    let mut runner = TestRunner::deterministic();
    let strategy = (gate(), any::<usize>(), -7..8i32);
    let mut applied = [0usize; REWRITES.len()];
    for round in 0..4000usize {
        let (gate, at, value) = strategy.new_tree(&mut runner).unwrap().current();
        let kind = round % REWRITES.len();
        let mut edited = gate.clone();
        if let Some(r) = edited.rewrite(u8::try_from(kind).unwrap(), at, value) {
            assert_eq!(r.name, REWRITES[kind]);
            // Swapping equal sides writes the same text: that one says nothing.
            if gate.text() != edited.text() {
                applied[kind] += 1;
            }
        }
    }
    for (name, n) in REWRITES.iter().zip(applied) {
        eprintln!("{name}: {n}");
        assert!(n >= 25, "{name} applied {n} times in 4000 tries");
    }
}
