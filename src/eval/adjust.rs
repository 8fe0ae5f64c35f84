//! Families adjusted for many comparisons (STATISTICS.md section 6): the members' p-values
//! adjusted together, once per evaluation, and the warning for a large family whose
//! significance is tested without an adjustment.

use crate::builtins::MetricField;
use crate::compile::ir::{ElementField, Expr, FamilySlot, Node};
use crate::compile::Program;
use crate::evidence::Bundle;
use crate::stats::{alpha, upper_tail};

use super::metric::{regression_test, samples_for, Quantity};

/// A member's adjusted p-values: of a regression (`pvalue`, `significantly_worse`) and of an
/// improvement (`significantly_better`); `None` where its own test is unknown.
pub type Adjusted = [Option<f64>; 2];

/// The adjusted p-values of `family`'s members, in the order of `members`, into `out`
/// (left empty for a family without an adjustment). A member whose test is unknown counts as
/// p = 1 for the others: an unknown is never evidence of safety.
pub fn adjust(family: &FamilySlot, members: &[u32], bundle: &Bundle, out: &mut Vec<Adjusted>) {
    out.clear();
    let Some(method) = family.adjustment else {
        return;
    };
    let tests: Vec<Option<f64>> = members
        .iter()
        .map(|&i| {
            let (key, m) = bundle.metrics.get_index(i as usize)?;
            let samples = samples_for(bundle, key, MetricField::Pvalue);
            regression_test(m, samples, family.direction)
                .ok()
                .map(|t| t.z)
        })
        .collect();
    let side = |p: fn(f64) -> f64| {
        let ps: Vec<f64> = tests.iter().map(|z| z.map_or(1.0, p)).collect();
        method.adjust(&ps)
    };
    let worse = side(upper_tail);
    let better = side(|z| upper_tail(-z));
    out.extend(
        tests
            .iter()
            .zip(worse.into_iter().zip(better))
            .map(|(z, (w, b))| z.map_or([None, None], |_| [Some(w), Some(b)])),
    );
}

/// What `field` of member `index` of an adjusted family reads, when the adjustment decides
/// it: `None` for the other fields, for a family without an adjustment, and for a member
/// whose own test is unknown (the unadjusted quantity then says why).
pub fn adjusted_field(
    adjusted: &[Adjusted],
    members: &[u32],
    bundle: &Bundle,
    index: u32,
    field: MetricField,
) -> Option<Quantity> {
    let [worse, better] = member(adjusted, members, bundle, index)?;
    match field {
        MetricField::Pvalue => worse.map(Quantity::Number),
        MetricField::SignificantlyWorse => worse.map(|p| Quantity::Bool(p < alpha())),
        MetricField::SignificantlyBetter => better.map(|p| Quantity::Bool(p < alpha())),
        _ => None,
    }
}

/// The adjusted p-values of member `index` (a bundle index); `None` for a family without an
/// adjustment.
pub fn member(
    adjusted: &[Adjusted],
    members: &[u32],
    bundle: &Bundle,
    index: u32,
) -> Option<Adjusted> {
    if adjusted.is_empty() {
        return None;
    }
    // Members are sorted by key (see `Bound::families`).
    let key = |i: u32| bundle.metrics.get_index(i as usize).map(|(k, _)| k);
    let at = members
        .binary_search_by_key(&key(index), |&i| key(i))
        .ok()?;
    adjusted.get(at).copied()
}

/// Above this many members, testing each at ALPHA raises false alarms too often.
const MANY_MEMBERS: usize = 5;

/// A warning for each family without an adjustment that has more than 5 members and feeds
/// `significantly_worse`.
pub fn warnings(program: &Program, families: &[Vec<u32>]) -> Vec<String> {
    program
        .families
        .iter()
        .zip(families)
        .enumerate()
        .filter(|(_, (slot, members))| slot.adjustment.is_none() && members.len() > MANY_MEMBERS)
        .filter(|(f, _)| {
            let exprs = program.rules.iter().flat_map(|r| r.clauses.iter());
            exprs
                .map(|c| &c.condition)
                .chain(program.lets.iter().map(|l| &l.value))
                .any(|e| feeds_significance(program, e, *f))
        })
        .map(|(_, (slot, members))| {
            format!(
                "metric family `{}` has {} members and feeds `significantly_worse` without an \
                 adjustment: with that many tests a false alarm is likely; declare it \
                 `adjusted by holm` (or `bh`)",
                slot.name,
                members.len()
            )
        })
        .collect()
}

/// Whether `e` filters family `family` by `significantly_worse`.
fn feeds_significance(program: &Program, e: &Expr, family: usize) -> bool {
    if let Node::Where {
        collection,
        predicate,
    } = &e.node
    {
        if ranges_over(program, collection, family) && tests_worse(predicate) {
            return true;
        }
    }
    e.children()
        .into_iter()
        .any(|c| feeds_significance(program, c, family))
}

/// Whether a collection's elements are members of family `family`.
fn ranges_over(program: &Program, e: &Expr, family: usize) -> bool {
    match &e.node {
        Node::Family(f) => *f == family,
        Node::Where { collection, .. } => ranges_over(program, collection, family),
        Node::Let(i) => program
            .lets
            .get(*i)
            .is_some_and(|l| ranges_over(program, &l.value, family)),
        _ => false,
    }
}

/// Whether a predicate reads `significantly_worse` of its own element (a nested `where`
/// looks at other elements).
fn tests_worse(e: &Expr) -> bool {
    match &e.node {
        Node::Field(ElementField::Metric(MetricField::SignificantlyWorse)) => true,
        Node::Where { collection, .. } => tests_worse(collection),
        _ => e.children().into_iter().any(tests_worse),
    }
}
