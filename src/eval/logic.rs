//! The rules of three-valued evaluation, each written once: Kleene's `and`/`or`, comparisons,
//! aggregates over elements that may be uncertain, and the fold of a rule's clauses into its
//! outcome (LANGUAGE.md section 6). The evaluator, the planned shapes and `--explain` all
//! decide through these functions.

use std::cmp::Ordering;

use crate::compile::ir::{Aggregate, Compare};
use crate::levels::Outcome;
use crate::outcome::Status;

use super::value::Value;

/// Kleene's `and` (`decisive` false) and `or` (`decisive` true): the decisive truth on either
/// side wins even when the other side is unknown; both known and neither decisive gives the
/// other truth; otherwise unknown, with the reasons of every unknown side. `right` is only
/// evaluated when `left` does not decide.
#[inline]
pub fn kleene<U>(
    decisive: bool,
    left: Result<bool, U>,
    right: impl FnOnce() -> Result<bool, U>,
    join: impl FnOnce(U, U) -> U,
) -> Result<bool, U> {
    if matches!(left, Ok(b) if b == decisive) {
        return Ok(decisive);
    }
    match (left, right()) {
        (_, Ok(b)) if b == decisive => Ok(decisive),
        (Ok(_), Ok(_)) => Ok(!decisive),
        (Err(a), Err(b)) => Err(join(a, b)),
        (Err(a), Ok(_)) | (Ok(_), Err(a)) => Err(a),
    }
}

/// Does `order` satisfy `op`?
#[inline]
pub fn holds(op: Compare, order: Ordering) -> bool {
    match op {
        Compare::Eq => order.is_eq(),
        Compare::Ne => order.is_ne(),
        Compare::Lt => order.is_lt(),
        Compare::Le => order.is_le(),
        Compare::Gt => order.is_gt(),
        Compare::Ge => order.is_ge(),
    }
}

/// `l OP r` on two known values of one type (the checker sees to the type).
pub fn compare<W>(op: Compare, l: &Value<'_, W>, r: &Value<'_, W>) -> bool {
    match op {
        Compare::Eq => l.equals(r),
        Compare::Ne => !l.equals(r),
        _ => l.order(r).is_some_and(|o| holds(op, o)),
    }
}

/// Whether a `where` chain keeps one element: surely, not at all, or uncertainly (some
/// predicate was unknown), with why.
#[derive(Clone, Debug)]
pub enum Keep<W> {
    Drop,
    Sure,
    Uncertain(W),
}

impl<W> Keep<W> {
    /// The element after one more predicate: Kleene's `and` of what kept it so far and the
    /// predicate's truth.
    pub fn and(self, predicate: Result<bool, W>, join: impl FnOnce(W, W) -> W) -> Keep<W> {
        match (self, predicate) {
            (Keep::Drop, _) | (_, Ok(false)) => Keep::Drop,
            (keep, Ok(true)) => keep,
            (Keep::Sure, Err(w)) => Keep::Uncertain(w),
            (Keep::Uncertain(a), Err(b)) => Keep::Uncertain(join(a, b)),
        }
    }
}

/// An aggregate's running state over the elements of a collection.
#[derive(Debug)]
pub struct Tally<W> {
    op: Aggregate,
    sure: usize,
    uncertain: Option<W>,
    /// The elements surely kept, for `authors` only.
    kept: Vec<u32>,
}

impl<W> Tally<W> {
    pub fn new(op: Aggregate) -> Tally<W> {
        Tally {
            op,
            sure: 0,
            uncertain: None,
            kept: Vec::new(),
        }
    }

    /// Count one element. True when the answer is settled and the rest need not be seen:
    /// `any` and `none` once an element is surely in; `count` and `authors` once one is
    /// uncertain, unless every reason is wanted (`all_reasons`).
    pub fn add(
        &mut self,
        index: u32,
        keep: Keep<W>,
        all_reasons: bool,
        join: impl FnOnce(W, W) -> W,
    ) -> bool {
        match keep {
            Keep::Drop => false,
            Keep::Sure => {
                self.sure += 1;
                match self.op {
                    Aggregate::Any | Aggregate::None => true,
                    Aggregate::Count => false,
                    Aggregate::Authors => {
                        self.kept.push(index);
                        false
                    }
                }
            }
            Keep::Uncertain(w) => {
                self.uncertain = Some(match self.uncertain.take() {
                    Some(u) => join(u, w),
                    None => w,
                });
                !all_reasons && !matches!(self.op, Aggregate::Any | Aggregate::None)
            }
        }
    }

    /// The aggregate's value: an uncertain element leaves `count` and `authors` unknown, and
    /// `any`/`none` unknown unless some element is surely in.
    pub fn finish<'a>(self, authors: impl FnOnce(&[u32]) -> f64) -> Result<Value<'a, W>, W> {
        match (self.op, self.uncertain) {
            (op @ (Aggregate::Any | Aggregate::None), uncertain) => {
                let any = match (self.sure, uncertain) {
                    (0, Some(w)) => return Err(w),
                    (sure, _) => sure > 0,
                };
                Ok(Value::Bool(any == (op == Aggregate::Any)))
            }
            (_, Some(w)) => Err(w),
            (Aggregate::Count, None) => Ok(Value::Number(self.sure as f64)),
            (Aggregate::Authors, None) => Ok(Value::Number(authors(&self.kept))),
        }
    }
}

/// What one clause contributes to its rule: its severity when it fires, the rule's `missing`
/// outcome (else its own severity) when its condition is unknown, nothing when it is quiet.
pub fn contribution(
    outcome: Outcome,
    unless: bool,
    truth: Option<bool>,
    missing: Option<Outcome>,
) -> Option<(Outcome, Status)> {
    match truth {
        Some(holds) if holds != unless => Some((outcome, Status::Fired)),
        Some(_) => None,
        None => Some((missing.unwrap_or(outcome), Status::Missing)),
    }
}

/// The fold of a rule's clause contributions into its outcome and status.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fold {
    best: Option<(Outcome, Status)>,
}

impl Fold {
    pub fn add(&mut self, contribution: Option<(Outcome, Status)>) {
        let Some((outcome, status)) = contribution else {
            return;
        };
        self.best = match self.best {
            // The more severe contribution wins; at equal severity, a fired clause explains
            // the outcome better than missing evidence does.
            Some((o, _)) if outcome > o || (outcome == o && status == Status::Fired) => {
                Some((outcome, status))
            }
            None => Some((outcome, status)),
            keep => keep,
        };
    }

    pub fn finish(self) -> (Outcome, Status) {
        self.best.unwrap_or((Outcome::Pass, Status::Passed))
    }
}
