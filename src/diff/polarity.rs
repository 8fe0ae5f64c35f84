//! Directions of change and how they combine.
//!
//! A [`Rel`] says how a sub-expression of the new version relates to the one it replaces, for
//! every possible bundle. For a condition the order is Kleene's truth order
//! `false < unknown < true`; for a number, the usual order; for a list, inclusion; for a
//! filtered collection, inclusion of the elements kept. `defined_same` says the two are unknown
//! on exactly the same bundles, which matters because unknown evidence has its own outcome.

/// Which way a value moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Equal on every bundle.
    Same,
    /// Never smaller (truer, larger, more members), sometimes larger.
    Up,
    /// Never larger.
    Down,
    /// Nothing can be shown.
    Unknown,
}

impl Dir {
    pub fn flip(self) -> Dir {
        match self {
            Dir::Up => Dir::Down,
            Dir::Down => Dir::Up,
            other => other,
        }
    }

    /// Two changes applied together: same direction stays, opposite ones cannot be ordered.
    pub fn join(self, other: Dir) -> Dir {
        match (self, other) {
            (Dir::Same, d) | (d, Dir::Same) => d,
            (a, b) if a == b => a,
            _ => Dir::Unknown,
        }
    }

    /// Direction of a value from an ordered comparison of the old and new constant.
    pub fn of_order(ordering: Option<std::cmp::Ordering>) -> Dir {
        match ordering {
            Some(std::cmp::Ordering::Less) => Dir::Up,
            Some(std::cmp::Ordering::Greater) => Dir::Down,
            Some(std::cmp::Ordering::Equal) => Dir::Same,
            None => Dir::Unknown,
        }
    }
}

/// How the new sub-expression relates to the old one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rel {
    pub dir: Dir,
    /// Unknown in exactly the same bundles in both versions.
    pub defined_same: bool,
}

impl Rel {
    pub const SAME: Rel = Rel {
        dir: Dir::Same,
        defined_same: true,
    };
    pub const UNKNOWN: Rel = Rel {
        dir: Dir::Unknown,
        defined_same: false,
    };

    pub fn new(dir: Dir, defined_same: bool) -> Rel {
        if dir == Dir::Same {
            Rel::SAME
        } else {
            Rel { dir, defined_same }
        }
    }

    pub fn is_same(self) -> bool {
        self.dir == Dir::Same
    }

    pub fn flip(self) -> Rel {
        Rel::new(self.dir.flip(), self.defined_same)
    }

    /// Both changes together, where the result depends on each the same way it does on
    /// `self` and `other` (already flipped for antitone positions).
    pub fn join(self, other: Rel) -> Rel {
        Rel::new(
            self.dir.join(other.dir),
            self.defined_same && other.defined_same,
        )
    }

    /// A number (or other ordered value) is only comparable when both versions are known on
    /// the same bundles: once one side may be unknown where the other is known, an order on
    /// the known values says nothing about the comparison built on it.
    pub fn numeric(self) -> Rel {
        if self.dir != Dir::Same && !self.defined_same {
            Rel::UNKNOWN
        } else {
            self
        }
    }
}

#[cfg(test)]
#[path = "polarity_tests.rs"]
mod tests;
