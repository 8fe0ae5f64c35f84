//! The regression tests a rule reads, as reports state them (STATISTICS.md section 4): the
//! method, k or n, r, se, z, p and a family member's adjusted p. One place computes them for
//! every report: `--explain` asks per step, the evaluation per rule.

use crate::builtins::MetricField;
use crate::compile::ir::{ElementField, Expr, Node, Rule};
use crate::compile::Program;
use crate::evidence::Bundle;
use crate::index::to_u32;
use crate::outcome::TestFacts;

use super::adjust::member;
use super::bind::Bound;
use super::explain::MAX_LISTED;
use super::metric::{regression_test, samples_for, Method};

/// How deep `let` definitions are followed when collecting a rule's tests.
const MAX_DEPTH: usize = 300;

/// Reads the regression tests of expressions over one bound bundle.
pub(crate) struct TestsRead<'a> {
    program: &'a Program,
    bundle: &'a Bundle,
    bound: &'a Bound,
}

impl<'a> TestsRead<'a> {
    pub(crate) fn new(program: &'a Program, bundle: &'a Bundle, bound: &'a Bound) -> Self {
        TestsRead {
            program,
            bundle,
            bound,
        }
    }

    /// Every test the clauses of `rule` read (through `let`s too), each key once, in reading
    /// order.
    pub(crate) fn of_rule(&self, rule: &Rule) -> Vec<TestFacts> {
        let mut out: Vec<TestFacts> = Vec::new();
        for clause in &rule.clauses {
            self.collect(&clause.condition, 0, &mut out);
        }
        out
    }

    fn collect(&self, e: &Expr, depth: usize, out: &mut Vec<TestFacts>) {
        if depth > MAX_DEPTH {
            return;
        }
        for test in self.of_step(e) {
            if !out.iter().any(|t| t.key == test.key) {
                out.push(test);
            }
        }
        match &e.node {
            Node::Let(i) => {
                if let Some(slot) = self.program.lets.get(*i) {
                    self.collect(&slot.value, depth + 1, out);
                }
            }
            // The predicate is read per element: `of_step` has listed those tests.
            Node::Where { collection, .. } => self.collect(collection, depth + 1, out),
            _ => {
                for child in e.children() {
                    self.collect(child, depth + 1, out);
                }
            }
        }
    }

    /// The regression tests `e` reads: of its metric, or of each member of the family a
    /// `where` ranges over when its predicate reads a test (the first [`MAX_LISTED`]).
    pub(crate) fn of_step(&self, e: &Expr) -> Vec<TestFacts> {
        match &e.node {
            Node::Metric { metric, field } if field.reads_test() => self.metric_test(*metric),
            Node::NNeeded { metric, .. } => self.metric_test(*metric),
            Node::Where {
                collection,
                predicate,
            } if reads_test(predicate) => {
                let Some(f) = family_of(collection) else {
                    return Vec::new();
                };
                let slot = self.program.families.get(f);
                let members = self.bound.families.get(f).map_or(&[][..], Vec::as_slice);
                members
                    .iter()
                    .take(MAX_LISTED)
                    .filter_map(|&i| {
                        self.test_facts(i as usize, slot.and_then(|s| s.direction), Some(f))
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The test of declared metric `metric`, when it is known.
    fn metric_test(&self, metric: usize) -> Vec<TestFacts> {
        let Some(slot) = self.program.metrics.get(metric) else {
            return Vec::new();
        };
        let index = self.bundle.metrics.get_index_of(&slot.key);
        index
            .and_then(|i| self.test_facts(i, slot.direction, None))
            .into_iter()
            .collect()
    }

    /// The test of bundle metric `index`, as a member of `family` when given; `None` when
    /// the test is unknown (the step's value then names what is missing).
    fn test_facts(
        &self,
        index: usize,
        direction: Option<crate::levels::Direction>,
        family: Option<usize>,
    ) -> Option<TestFacts> {
        let (key, m) = self.bundle.metrics.get_index(index)?;
        let samples = samples_for(self.bundle, key, MetricField::Pvalue);
        let test = regression_test(m, samples, direction).ok()?;
        let (method, k, n) = match test.method {
            Method::Paired { pairs, clusters } if clusters < pairs => (
                format!("paired, clustered ({clusters} clusters)"),
                Some(pairs),
                None,
            ),
            Method::Paired { pairs, .. } => (String::from("paired"), Some(pairs), None),
            Method::Unpaired => (String::from("unpaired"), None, m.n()),
        };
        let adjusted = family.and_then(|f| {
            let method = self.program.families.get(f)?.adjustment?;
            let adjusted = self.bound.adjusted.get(f)?;
            let members = self.bound.families.get(f)?;
            let [worse, better] = member(adjusted, members, self.bundle, to_u32(index))?;
            Some((method.name(), worse?, better?))
        });
        Some(TestFacts {
            key: key.clone(),
            method,
            k,
            n,
            r: test.r,
            se: test.se,
            z: test.z,
            p: test.pvalue(),
            adjusted,
        })
    }
}

/// Whether a `where` predicate reads a regression test of its element.
fn reads_test(e: &Expr) -> bool {
    match &e.node {
        Node::Field(ElementField::Metric(field)) => field.reads_test(),
        // A nested `where` looks at other elements.
        Node::Where { collection, .. } => reads_test(collection),
        _ => e.children().into_iter().any(reads_test),
    }
}

/// The family a collection ranges over, when it is one written out (a `let` holding one is
/// explained in its own step).
fn family_of(e: &Expr) -> Option<usize> {
    match &e.node {
        Node::Family(f) => Some(*f),
        Node::Where { collection, .. } => family_of(collection),
        _ => None,
    }
}
