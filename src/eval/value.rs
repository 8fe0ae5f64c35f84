//! Runtime values and the unknown side of three-valued logic.

use std::cmp::Ordering;
use std::rc::Rc;

use crate::builtins::FlagField;
use crate::levels::Severity;

/// An evidence key that evaluation needed and did not find. Rendered to text only for rules
/// that did not pass, so the common path never formats a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MissingKey {
    /// A declared metric absent from the bundle.
    Metric(u32),
    /// A field of a declared metric (`baseline`, `stderr`, …).
    MetricField(u32, &'static str),
    /// A field of a bundle metric reached through a family.
    EvidenceField(u32, &'static str),
    /// A family whose glob matched no metric.
    Family(u32),
    /// The bundle's `stage`.
    Stage,
    /// An optional field of one flag.
    FlagField(u32, FlagField),
    /// A division by zero: no key is missing, but the value is unknown all the same.
    DivisionByZero,
    /// Arithmetic that overflowed to infinity.
    Overflow,
    /// A statistic of per-item scores with fewer than 2 paired items or clusters.
    TooFew,
    /// An effect size that is not positive (`n_needed`).
    NotPositive,
    /// A value of the wrong type reached an operator (a checker bug; fails closed).
    IllTyped,
}

/// The keys behind an unknown value. Usually one or two, so a plain vector.
pub type Missing = Vec<MissingKey>;

/// A value, or unknown with why: `W` is `()` when deciding (nothing is recorded) and
/// [`Missing`] when reporting (see `eval::record`).
pub type Tri<'a, W> = Result<Value<'a, W>, W>;

/// Union of two sets of missing keys, keeping first-seen order without duplicates.
pub fn union(mut a: Missing, b: Missing) -> Missing {
    for key in b {
        if !a.contains(&key) {
            a.push(key);
        }
    }
    a
}

#[derive(Clone, Debug)]
pub enum Value<'a, W> {
    Number(f64),
    Bool(bool),
    Str(&'a str),
    Severity(Severity),
    List(Rc<[Value<'a, W>]>),
    Selection(Rc<Selection<W>>),
}

/// What a collection expression produced: the elements kept, each surely or uncertainly.
#[derive(Clone, Debug)]
pub struct Selection<W> {
    pub kind: ElementKind,
    /// Element indices (into the bundle's flags or metrics), with why an element is
    /// uncertain, if it is.
    pub items: Vec<(u32, Option<W>)>,
    /// For a family that matched nothing: every expression over it is unknown.
    pub empty_family: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementKind {
    Flags,
    /// Metrics of a family, with the family's index for its direction.
    Metrics(u32),
}

/// Numbers closer than this (relative above 1, absolute below) compare equal, so that
/// `0.1 - 0.08 > 2%` is false as its author means it, not true by a rounding error.
pub const NUMBER_TOLERANCE: f64 = 1e-9;

/// The order of two numbers, equal within [`NUMBER_TOLERANCE`]. Evaluation turns every
/// non-finite quantity into an unknown before it is compared; should one arrive all the same,
/// it is ordered exactly, never called equal to everything (the tolerance of an infinite
/// scale is infinite).
#[inline]
pub fn compare_numbers(a: f64, b: f64) -> Ordering {
    if !(a.is_finite() && b.is_finite()) {
        return a.total_cmp(&b);
    }
    let scale = a.abs().max(b.abs()).max(1.0);
    if (a - b).abs() <= NUMBER_TOLERANCE * scale {
        Ordering::Equal
    } else {
        a.total_cmp(&b)
    }
}

impl<W> Value<'_, W> {
    /// Equality for `==`, `!=` and `in`; the checker guarantees both sides share a type.
    pub fn equals(&self, other: &Value<'_, W>) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => compare_numbers(*a, *b) == Ordering::Equal,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Severity(a), Value::Severity(b)) => a == b,
            _ => false,
        }
    }

    /// Order for `<`, `<=`, `>`, `>=`: numbers and severities only.
    pub fn order(&self, other: &Value<'_, W>) -> Option<Ordering> {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => Some(compare_numbers(*a, *b)),
            (Value::Severity(a), Value::Severity(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// A number as people write it: integers without a decimal point, others with up to 12
/// significant digits so float noise does not leak into messages; very large and very small
/// magnitudes in exponent form (`1.5e308`, not 309 digits).
pub fn format_number(x: f64) -> String {
    let text = format!("{:.12e}", x);
    let rounded = text.parse::<f64>().unwrap_or(x);
    if rounded == 0.0 {
        return "0".to_string();
    }
    if !(1e-6..1e15).contains(&rounded.abs()) {
        // `{:e}` prints the shortest digits that read back as this number.
        return format!("{rounded:e}");
    }
    format!("{rounded}")
}

impl<W> std::fmt::Display for Value<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(x) => f.write_str(&format_number(*x)),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Str(s) => f.write_str(s),
            Value::Severity(s) => f.write_str(s.as_str()),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Value::Selection(s) => write!(f, "{} element(s)", s.items.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn numbers_print_as_people_write_them() {
        for (x, text) in [
            (3.0, "3"),
            (-0.0, "0"),
            (0.1 + 0.2, "0.3"),
            (0.031, "0.031"),
            (1e14, "100000000000000"),
            (1e15, "1e15"),
            (1.5e308, "1.5e308"),
            (-1.5e308, "-1.5e308"),
            (5e-324, "5e-324"),
            (1.25e-7, "1.25e-7"),
        ] {
            assert_eq!(format_number(x), text, "{x:e}");
        }
    }
}
