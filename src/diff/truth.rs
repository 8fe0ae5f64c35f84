//! How two conditions' truth values can pair up on one bundle.
//!
//! A [`Pairs`] is the set of (old, new) truth values that can occur together. It says more
//! than a [`Rel`]: `any(C)` rewritten as `count(C) >= 1` may turn true into unknown and
//! nothing else, which no direction with or without definedness describes. Conditions built
//! with `and`, `or` and `not` get their pairs from their parts', every combination tried
//! (parts may be correlated, so this may allow more pairs than occur: never fewer).

use super::polarity::{Dir, Rel};

/// A truth value in Kleene's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Truth {
    False,
    Unknown,
    True,
}

pub const TRUTHS: [Truth; 3] = [Truth::False, Truth::Unknown, Truth::True];

impl Truth {
    fn index(self) -> u16 {
        match self {
            Truth::False => 0,
            Truth::Unknown => 1,
            Truth::True => 2,
        }
    }

    pub fn not(self) -> Truth {
        match self {
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
            Truth::True => Truth::False,
        }
    }

    /// Kleene's `and` is the minimum in truth order, `or` the maximum.
    pub fn and(self, other: Truth) -> Truth {
        self.min(other)
    }

    pub fn or(self, other: Truth) -> Truth {
        self.max(other)
    }
}

/// A set of (old, new) truth pairs, one bit each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pairs(u16);

impl Pairs {
    pub const NONE: Pairs = Pairs(0);

    fn bit(a: Truth, b: Truth) -> u16 {
        1 << (a.index() * 3 + b.index())
    }

    pub fn contains(self, a: Truth, b: Truth) -> bool {
        self.0 & Pairs::bit(a, b) != 0
    }

    pub fn with(self, a: Truth, b: Truth) -> Pairs {
        Pairs(self.0 | Pairs::bit(a, b))
    }

    pub fn iter(self) -> impl Iterator<Item = (Truth, Truth)> {
        TRUTHS
            .into_iter()
            .flat_map(|a| TRUTHS.into_iter().map(move |b| (a, b)))
            .filter(move |&(a, b)| self.contains(a, b))
    }

    /// The pairs `f` keeps.
    pub fn filter(self, f: impl Fn(Truth, Truth) -> bool) -> Pairs {
        self.iter()
            .filter(|&(a, b)| f(a, b))
            .fold(Pairs::NONE, |p, (a, b)| p.with(a, b))
    }

    /// The two are equal on every bundle.
    pub fn same() -> Pairs {
        Pairs::of(Rel::SAME)
    }

    /// The pairs a direction allows: `Up` never lowers the truth value, and keeps it known
    /// exactly when the old one is when `defined_same`.
    pub fn of(rel: Rel) -> Pairs {
        let mut out = Pairs::NONE;
        for a in TRUTHS {
            for b in TRUTHS {
                let moves_definedness = (a == Truth::Unknown) != (b == Truth::Unknown);
                let possible = match rel.dir {
                    Dir::Same => a == b,
                    Dir::Up => b >= a && !(rel.defined_same && moves_definedness),
                    Dir::Down => b <= a && !(rel.defined_same && moves_definedness),
                    Dir::Unknown => true,
                };
                if possible {
                    out = out.with(a, b);
                }
            }
        }
        out
    }

    /// Equal on every bundle where both can be evaluated at all.
    pub fn is_same(self) -> bool {
        self.iter().all(|(a, b)| a == b)
    }

    pub fn not(self) -> Pairs {
        self.iter()
            .fold(Pairs::NONE, |p, (a, b)| p.with(a.not(), b.not()))
    }

    /// `x op y` on both sides, for every pair of `x` with every pair of `y`.
    pub fn combine(self, other: Pairs, op: fn(Truth, Truth) -> Truth) -> Pairs {
        let mut out = Pairs::NONE;
        for (a, b) in self.iter() {
            for (c, d) in other.iter() {
                out = out.with(op(a, c), op(b, d));
            }
        }
        out
    }

    /// `self` relates old to middle, `next` middle to new: how old relates to new.
    pub fn then(self, next: Pairs) -> Pairs {
        let mut out = Pairs::NONE;
        for (a, m) in self.iter() {
            for (n, b) in next.iter() {
                if m == n {
                    out = out.with(a, b);
                }
            }
        }
        out
    }

    /// The same relation read from new to old.
    pub fn reversed(self) -> Pairs {
        self.iter().fold(Pairs::NONE, |p, (a, b)| p.with(b, a))
    }
}

impl From<Rel> for Pairs {
    fn from(rel: Rel) -> Pairs {
        Pairs::of(rel)
    }
}
