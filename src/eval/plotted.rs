//! What a forest plot of the evaluation shows: every metric a rule reads, its change against
//! the baseline with a 95% interval from the same regression test the significance functions
//! use (paired where per-item scores pair, [`super::metric::regression_test`]), and the
//! thresholds the rules set on it. All on one scale, the regression: positive when worse.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::builtins::MetricField;
use crate::compile::ir::{Compare, ElementField, Expr, Node};
use crate::compile::Program;
use crate::evidence::Bundle;
use crate::levels::{Direction, Outcome};
use crate::policy::Policy;
use crate::stats::Z_95;

use super::bind;
use super::metric::{quantity, regression_test, Gap, Method, Quantity};
use super::value::format_number;

/// One plotted metric: one evidence key.
#[derive(Clone, Debug, PartialEq)]
pub struct Plotted {
    /// The evidence key.
    pub key: String,
    /// The metric or family name the policy reads it by.
    pub name: String,
    /// Ids of the rules that read it, in rule order.
    pub rules: Vec<String>,
    pub change: Change,
    /// Thresholds clauses set on its regression, in clause order.
    pub thresholds: Vec<Threshold>,
}

/// A metric's change against the baseline, as a regression (positive when worse).
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// The regression test's estimate and 95% interval, `r ± 1.96 se`.
    Interval {
        r: f64,
        low: f64,
        high: f64,
        /// `paired` (with item and cluster counts) or `unpaired`.
        method: String,
    },
    /// The regression without an interval: the test lacks the named field.
    Point { r: f64, why: String },
    /// No change can be shown: the metric or its baseline is absent.
    Unknown { why: String },
}

/// A threshold a clause sets on a regression: `regression(m) > c` and its kin
/// (`improvement`, `delta`), mapped onto the regression scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    pub at: f64,
    pub rule: String,
    pub outcome: Outcome,
}

/// The plotted metrics of `policy` on `bundle`, in order of first reading by a rule.
pub fn plotted(policy: &Policy, bundle: &Bundle) -> Vec<Plotted> {
    let program = policy.program();
    // Family membership does not depend on the instant.
    let bound = bind::bind(program, policy.plan(), bundle, chrono::DateTime::UNIX_EPOCH);
    // A bundle metric a declared metric reads (as binding found it) is shown by that metric's
    // name and direction, however a rule reads it.
    let mut declared: HashMap<u32, usize> = HashMap::new();
    for (i, at) in bound.metrics.iter().enumerate() {
        if let Some(at) = *at {
            declared.entry(at).or_insert(i);
        }
    }
    // By evidence key: a metric read by many rules is one row.
    let mut rows: IndexMap<String, Plotted> = IndexMap::new();
    for rule in &program.rules {
        for clause in &rule.clauses {
            let mut walk = Walk {
                program,
                families: &bound.families,
                reads: Vec::new(),
            };
            walk.expr(&clause.condition, None, 0);
            for read in walk.reads {
                let Some((key, name, direction)) = target(program, bundle, &declared, &read.target)
                else {
                    continue;
                };
                let row = rows.entry(key).or_insert_with_key(|key| Plotted {
                    change: change(bundle, key, direction),
                    key: key.clone(),
                    name,
                    rules: Vec::new(),
                    thresholds: Vec::new(),
                });
                // Reads come rule by rule, so the rule is new unless it is the last.
                if row.rules.last() != Some(&rule.id) {
                    row.rules.push(rule.id.clone());
                }
                let baseline = bundle.metrics.get(&row.key).and_then(|m| m.baseline());
                let at = read
                    .threshold
                    .and_then(|(field, c)| on_regression_scale(field, c, direction, baseline));
                if let Some(at) = at {
                    let t = Threshold {
                        at,
                        rule: rule.id.clone(),
                        outcome: clause.outcome,
                    };
                    if !row.thresholds.contains(&t) {
                        row.thresholds.push(t);
                    }
                }
            }
        }
    }
    rows.into_values().collect()
}

/// A metric a clause reads: a declared metric, or a member of a family (its bundle index).
#[derive(Clone, Copy)]
enum Target {
    Metric(usize),
    Member(usize, u32),
}

struct Read {
    target: Target,
    /// The clause compares this field of the metric with this constant.
    threshold: Option<(MetricField, f64)>,
}

/// The evidence key, the name the policy reads it by, and its direction: a family member's
/// are its family's unless a declared metric names the key.
fn target(
    program: &Program,
    bundle: &Bundle,
    declared: &HashMap<u32, usize>,
    target: &Target,
) -> Option<(String, String, Option<Direction>)> {
    let metric = |i: usize| {
        let slot = program.metrics.get(i)?;
        Some((slot.key.clone(), slot.name.clone(), slot.direction))
    };
    match *target {
        Target::Metric(i) => metric(i),
        Target::Member(family, member) => {
            if let Some(&i) = declared.get(&member) {
                return metric(i);
            }
            let slot = program.families.get(family)?;
            let (key, m) = bundle.metrics.get_index(usize::try_from(member).ok()?)?;
            Some((
                key.clone(),
                slot.name.clone(),
                slot.direction.or(m.direction()),
            ))
        }
    }
}

struct Walk<'a> {
    program: &'a Program,
    families: &'a [Vec<u32>],
    reads: Vec<Read>,
}

impl Walk<'_> {
    /// Collect the metrics `expr` reads. `family` is the family whose members a `where`
    /// predicate is looking at.
    fn expr(&mut self, expr: &Expr, family: Option<usize>, depth: usize) {
        // Lets are acyclic and nesting is bounded by the checker; the depth guard is a backstop.
        if depth > 256 {
            return;
        }
        match &expr.node {
            Node::Metric { metric, .. } | Node::NNeeded { metric, .. } | Node::Has(metric) => {
                self.reads.push(Read {
                    target: Target::Metric(*metric),
                    threshold: None,
                });
            }
            Node::Family(f) | Node::HasFamily(f) => self.members(*f, None),
            Node::Let(i) => {
                if let Some(slot) = self.program.lets.get(*i) {
                    self.expr(&slot.value, family, depth + 1);
                }
                return;
            }
            Node::Where {
                collection,
                predicate,
            } => {
                self.expr(collection, family, depth + 1);
                let inner = match collection.node {
                    Node::Family(f) => Some(f),
                    _ => None,
                };
                self.expr(predicate, inner, depth + 1);
                return;
            }
            Node::Compare { op, lhs, rhs } if *op != Compare::Eq && *op != Compare::Ne => {
                for (side, other) in [(lhs, rhs), (rhs, lhs)] {
                    let Some(c) = self.constant(other, depth) else {
                        continue;
                    };
                    match side.node {
                        Node::Metric { metric, field } => self.reads.push(Read {
                            target: Target::Metric(metric),
                            threshold: Some((field, c)),
                        }),
                        Node::Field(ElementField::Metric(field)) => {
                            if let Some(f) = family {
                                self.members(f, Some((field, c)));
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        for child in expr.children() {
            self.expr(child, family, depth + 1);
        }
    }

    fn members(&mut self, family: usize, threshold: Option<(MetricField, f64)>) {
        for &m in self.families.get(family).map(Vec::as_slice).unwrap_or(&[]) {
            self.reads.push(Read {
                target: Target::Member(family, m),
                threshold,
            });
        }
    }

    /// A number written as a constant, directly or through a `let`.
    fn constant(&self, expr: &Expr, depth: usize) -> Option<f64> {
        if depth > 256 {
            return None;
        }
        match &expr.node {
            Node::Number(c) => Some(*c),
            Node::Neg(e) => self.constant(e, depth + 1).map(|c| -c),
            Node::Let(i) => self.constant(&self.program.lets.get(*i)?.value, depth + 1),
            _ => None,
        }
    }
}

/// Where `field op c` stands on the regression scale: `regression > c` at `c`,
/// `improvement < c` at `-c`, `delta` by the metric's direction, and the relative forms
/// (`rel_regression`, `rel_delta`) times the baseline's magnitude, as they are computed.
/// Other fields are on other scales and are not drawn.
fn on_regression_scale(
    field: MetricField,
    c: f64,
    direction: Option<Direction>,
    baseline: Option<f64>,
) -> Option<f64> {
    let worse_when_up = |x: f64| match direction {
        Some(Direction::HigherIsBetter) => -x,
        _ => x,
    };
    let at = match field {
        MetricField::Regression => c,
        MetricField::Improvement => -c,
        MetricField::Delta => worse_when_up(c),
        MetricField::RelRegression => c * baseline?.abs(),
        MetricField::RelDelta => worse_when_up(c * baseline?.abs()),
        _ => return None,
    };
    at.is_finite().then_some(at)
}

fn change(bundle: &Bundle, key: &str, direction: Option<Direction>) -> Change {
    let Some(m) = bundle.metrics.get(key) else {
        return Change::Unknown {
            why: "missing from the evidence".to_string(),
        };
    };
    match regression_test(m, bundle.samples.get(key), direction) {
        Ok(test) if !(Z_95 * test.se + test.r.abs()).is_finite() => Change::Point {
            r: test.r,
            why: gap_text(Gap::Overflow),
        },
        Ok(test) => Change::Interval {
            r: test.r,
            low: test.r - Z_95 * test.se,
            high: test.r + Z_95 * test.se,
            method: match test.method {
                Method::Paired { pairs, clusters } if clusters < pairs => {
                    format!("paired, {pairs} items in {clusters} clusters")
                }
                Method::Paired { pairs, .. } => format!("paired, {pairs} items"),
                Method::Unpaired => "unpaired".to_string(),
            },
        },
        // No interval: the point estimate alone, as `regression(m)` computes it.
        Err(gap) => match quantity(m, None, direction, MetricField::Regression) {
            Ok(Quantity::Number(r)) => Change::Point {
                r,
                why: gap_text(gap),
            },
            Err(Gap::Field(_)) => Change::Unknown {
                why: format!("no baseline (value {})", format_number(m.value())),
            },
            Ok(Quantity::Bool(_)) | Err(_) => Change::Unknown {
                why: gap_text(Gap::Overflow),
            },
        },
    }
}

fn gap_text(gap: Gap) -> String {
    match gap {
        Gap::Field(f) => format!("no interval: no {f}"),
        Gap::DivisionByZero => "no interval: division by zero".to_string(),
        Gap::Overflow => "no interval: the numbers overflow".to_string(),
        Gap::TooFew => "no interval: fewer than 2 paired items".to_string(),
        Gap::NotPositive => "no interval".to_string(),
    }
}
