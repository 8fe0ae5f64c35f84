//! Warnings for metrics bound with the opposite of the direction their evidence file states
//! (lm-eval's `higher_is_better`): the policy's direction is the one used, but one of the
//! two is probably wrong.

use crate::compile::Program;
use crate::evidence::{Bundle, Metric};
use crate::levels::Direction;

use super::bind::Bound;

/// One warning per binding (a metric, or a family member) whose stated direction differs.
pub(crate) fn warnings(program: &Program, bundle: &Bundle, bound: &Bound) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |name: &str, declared: Option<Direction>, index: u32| {
        let Some(declared) = declared else { return };
        let Some((key, metric)) = bundle.metrics.get_index(index as usize) else {
            return;
        };
        if let Some(stated) = metric.direction().filter(|d| *d != declared) {
            out.push(message(name, declared, key, metric, stated, bundle));
        }
    };
    for (slot, index) in program.metrics.iter().zip(&bound.metrics) {
        if let Some(index) = index {
            check(&slot.name, slot.direction, *index);
        }
    }
    for (family, members) in program.families.iter().zip(&bound.families) {
        for index in members {
            check(&family.name, family.direction, *index);
        }
    }
    out
}

fn message(
    name: &str,
    declared: Direction,
    key: &str,
    metric: &Metric,
    stated: Direction,
    bundle: &Bundle,
) -> String {
    let file = bundle
        .files
        .get(metric.file())
        .map_or_else(String::new, |f| format!(" ({} says so)", f.path));
    format!(
        "metric `{name}` is declared {}, but its evidence `{key}` is {}{file}; the policy's \
         direction is used",
        declared.as_str(),
        stated.as_str()
    )
}
