//! What evaluation records about an unknown: nothing when deciding, the missing evidence keys
//! when reporting. The evaluator is written once, generic over this choice, so the decision a
//! service makes and the report a person reads come from the same code.

use super::value::{union, Missing, MissingKey};

/// How an evaluation records why a value is unknown.
pub trait Record {
    /// What an unknown carries.
    type Why: Clone + std::fmt::Debug;
    /// Whether every reason is wanted: when it is not, a `count` may stop at its first
    /// uncertain element, since its value is unknown whatever follows.
    const ALL_REASONS: bool;
    fn why(key: MissingKey) -> Self::Why;
    fn join(a: Self::Why, b: Self::Why) -> Self::Why;
}

/// Deciding: an unknown is just unknown.
#[derive(Clone, Copy, Debug)]
pub struct Decide;

impl Record for Decide {
    type Why = ();
    const ALL_REASONS: bool = false;
    #[inline]
    fn why(_: MissingKey) {}
    #[inline]
    fn join((): (), (): ()) {}
}

/// Reporting and explaining: an unknown names the evidence keys (or the reason, such as a
/// division by zero) that made it so.
#[derive(Clone, Copy, Debug)]
pub struct Report;

impl Record for Report {
    type Why = Missing;
    const ALL_REASONS: bool = true;
    fn why(key: MissingKey) -> Missing {
        vec![key]
    }
    fn join(a: Missing, b: Missing) -> Missing {
        union(a, b)
    }
}
