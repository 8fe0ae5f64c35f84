//! Underpowered evals (STATISTICS.md section 5): a clause that blocks on a regression
//! smaller than the eval can detect is called out, without changing the decision.

use crate::builtins::MetricField;
use crate::compile::ir::{Compare, Expr, Node};
use crate::compile::Program;
use crate::evidence::Bundle;
use crate::stats;

use super::bind::Bound;
use super::metric::{regression_test, samples_for};

/// One warning per clause `regression(m) > c`, `regression(m) >= c` or `rel_regression(m) >
/// c` (c a constant), alone or joined to others by `and`/`or`, whose metric's minimum
/// detectable regression exceeds c. A rule that states one threshold twice is warned once.
pub fn warnings(program: &Program, bundle: &Bundle, bound: &Bound) -> Vec<String> {
    let mut out = Vec::new();
    for rule in &program.rules {
        let mut found = Vec::new();
        for clause in &rule.clauses {
            thresholds(&clause.condition, &mut found);
        }
        let mut seen: Vec<(usize, bool, u64)> = Vec::new();
        for (metric, relative, c) in found {
            let id = (metric, relative, c.to_bits());
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            if let Some(text) = underpowered(program, bundle, bound, metric, relative, c) {
                out.push(format!("`{}`: {text}", rule.id));
            }
        }
    }
    out
}

/// The thresholds of `e` and of the operands of its `and`s and `or`s, in reading order.
fn thresholds(e: &Expr, out: &mut Vec<(usize, bool, f64)>) {
    match &e.node {
        Node::And(a, b) | Node::Or(a, b) => {
            thresholds(a, out);
            thresholds(b, out);
        }
        _ => out.extend(threshold(e)),
    }
}

/// The metric, whether the change is relative, and the constant of a clause of one of the
/// forms; `None` for any other clause.
fn threshold(e: &Expr) -> Option<(usize, bool, f64)> {
    let Node::Compare { op, lhs, rhs } = &e.node else {
        return None;
    };
    let (Node::Metric { metric, field }, Node::Number(c)) = (&lhs.node, &rhs.node) else {
        return None;
    };
    match (field, op) {
        (MetricField::Regression, Compare::Gt | Compare::Ge) => Some((*metric, false, *c)),
        (MetricField::RelRegression, Compare::Gt) => Some((*metric, true, *c)),
        _ => None,
    }
}

/// What the eval of `metric` cannot see, when its minimum detectable regression (relative
/// to the baseline for a relative change) exceeds `c`.
fn underpowered(
    program: &Program,
    bundle: &Bundle,
    bound: &Bound,
    metric: usize,
    relative: bool,
    c: f64,
) -> Option<String> {
    let slot = program.metrics.get(metric)?;
    let index = (*bound.metrics.get(metric)?)? as usize;
    let (key, m) = bundle.metrics.get_index(index)?;
    let samples = samples_for(bundle, key, MetricField::Mde);
    let test = regression_test(m, samples, slot.direction).ok()?;
    let scale = if relative {
        m.baseline().map(f64::abs).filter(|b| *b > 0.0)?
    } else {
        1.0
    };
    let mde = stats::mde(test.se) / scale;
    if c <= 0.0 || !mde.is_finite() || mde <= c {
        return None;
    }
    let needed = test
        .items(m)
        .and_then(|k| stats::n_needed(k, mde, c))
        .map_or_else(String::new, |n| {
            format!("; about {} items needed", rounded_count(n))
        });
    let change = if relative {
        "relative regression"
    } else {
        "regression"
    };
    Some(format!(
        "the eval cannot see a {change} of {} (minimum detectable {} at 80% power{needed})",
        amount(c, c),
        amount(mde, c)
    ))
}

/// `x` as a reader would write it next to the threshold `c`: as a percentage when `c` is a
/// fraction below 1 (rates and relative changes), else as a number; two significant digits.
fn amount(x: f64, c: f64) -> String {
    if c.abs() < 1.0 {
        format!("{}%", significant(x * 100.0))
    } else {
        significant(x)
    }
}

/// Two significant digits, without trailing zeros.
fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return super::value::format_number(x);
    }
    // The decimals that leave two significant digits: a small whole number.
    #[allow(clippy::cast_possible_truncation)]
    let decimals = (1.0 - x.abs().log10().floor()).max(0.0) as usize;
    let rounded = format!("{x:.decimals$}");
    let rounded: f64 = rounded.parse().unwrap_or(x);
    super::value::format_number(rounded)
}

/// A count rounded to two significant digits, with thousands separated: `9,200`.
fn rounded_count(n: f64) -> String {
    let magnitude = 10f64.powf((n.log10().floor() - 1.0).max(0.0));
    // A count of items: whole, positive, far below 2^64.
    #[allow(clippy::cast_possible_truncation)]
    let rounded = ((n / magnitude).round() * magnitude) as u64;
    let digits = rounded.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_written() {
        assert_eq!(amount(0.01, 0.01), "1%");
        assert_eq!(amount(0.032_14, 0.01), "3.2%");
        assert_eq!(amount(23.7, 20.0), "24");
        assert_eq!(rounded_count(9216.0), "9,200");
        assert_eq!(rounded_count(7.0), "7");
        assert_eq!(rounded_count(1_234_567.0), "1,200,000");
    }
}
