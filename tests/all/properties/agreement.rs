//! One evaluator, three readers: on random policies and bundles, the report
//! (`Policy::evaluate`), the decider (`Policy::decider`) and `--explain` agree on every rule;
//! the planned shapes agree with evaluating every clause in general; and no rule passes on a
//! quantity that is not a finite number.
//!
//! Policies come from a small grammar that reaches every shape the evaluator knows: planned
//! metric comparisons and flag scans, `let`-bound numbers and collections, `where` nested in
//! `where`, lets read inside predicates, arithmetic, aggregates, `has`, `signed`, `stage`.
//! Bundles mix ordinary numbers with extreme ones (±1e308, −0, subnormals, tiny baselines,
//! counts near 2^64), so overflow and division by zero are met often.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};
use tollgate::eval::explain::{self, ClauseResult, Shown, Step};
use tollgate::levels::Outcome;
use tollgate::Status;

use super::support::{self, flag};

/// A small deterministic generator: a seed from proptest drives every choice, so a failing
/// case is reproduced from its seed and printed whole.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'t>(&mut self, items: &[&'t str]) -> &'t str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const METRICS: &[&str] = &["m0", "m1", "m2"];
const QUANTITIES: &[&str] = &[
    "value",
    "baseline",
    "delta",
    "rel_delta",
    "regression",
    "improvement",
    "rel_regression",
    "lower",
    "upper",
    "worst",
    "stderr",
    "n",
    "paired_delta",
    "paired_stderr",
    "pairs",
    "unpaired",
    "pvalue",
    "raw_pvalue",
    "mde",
];
const LITERALS: &[&str] = &[
    "0", "1", "2", "-1", "0.5", "1%", "10%", "1000", "1e300", "-1e300", "1e-300", "0.001",
];
const CMP: &[&str] = &[">", ">=", "<", "<=", "==", "!="];
const ARITH: &[&str] = &["+", "-", "*", "/"];
const FLAG_COLLECTIONS: &[&str] = &["flags", "experts", "loud"];
const FAMILY_COLLECTIONS: &[&str] = &["fam", "fam_bad", "holm", "bh"];

/// The declarations every generated policy shares: three metrics with directions, a family,
/// a number let, and lets bound to collections (one built on another).
const PRELUDE: &str = r#"
metric m0 from "k0" higher is better
metric m1 from "k1" lower is better
metric m2 from "k2" lower is better
metric family fam from "fam.*" lower is better
metric family holm from "fam.*" lower is better adjusted by holm
metric family bh from "fam.*" higher is better adjusted by bh
let t = 2
let experts = flags where source == "expert"
let loud = experts where severity >= medium
let fam_bad = fam where regression > 0 or value > t
"#;

fn number(g: &mut Gen, depth: usize) -> String {
    match if depth == 0 { g.below(3) } else { g.below(8) } {
        0 => format!("{}({})", g.pick(QUANTITIES), g.pick(METRICS)),
        1 => g.pick(LITERALS).to_string(),
        2 => g.pick(&["t", "m0", "m1"]).to_string(),
        3 => format!(
            "({} {} {})",
            number(g, depth - 1),
            g.pick(ARITH),
            number(g, depth - 1)
        ),
        4 => format!("abs({})", number(g, depth - 1)),
        5 => format!(
            "{}({}, {})",
            g.pick(&["min", "max"]),
            number(g, depth - 1),
            number(g, depth - 1)
        ),
        6 => format!("count({})", collection(g, depth - 1)),
        _ => format!("n_needed({}, {})", g.pick(METRICS), number(g, depth - 1)),
    }
}

fn flag_predicate(g: &mut Gen, depth: usize) -> String {
    match if depth == 0 { g.below(5) } else { g.below(8) } {
        0 => format!("source == \"{}\"", g.pick(support::SOURCES)),
        1 => format!("severity {} {}", g.pick(CMP), g.pick(support::SEVERITIES)),
        2 => format!(
            "category in [\"{}\", \"{}\"]",
            g.pick(support::CATEGORIES),
            g.pick(support::CATEGORIES)
        ),
        3 => format!("author == \"{}\"", g.pick(support::AUTHORS)),
        4 => "id != \"F-1\"".to_string(),
        // A let read inside a predicate.
        5 => format!(
            "({} or t {} {})",
            flag_predicate(g, depth - 1),
            g.pick(CMP),
            g.pick(LITERALS)
        ),
        6 => format!(
            "{} and {}",
            flag_predicate(g, depth - 1),
            flag_predicate(g, depth - 1)
        ),
        _ => format!("not ({})", flag_predicate(g, depth - 1)),
    }
}

fn family_predicate(g: &mut Gen) -> String {
    match g.below(4) {
        0 => format!(
            "{} {} {}",
            g.pick(QUANTITIES),
            g.pick(CMP),
            g.pick(LITERALS)
        ),
        1 => "name == \"fam.a\"".to_string(),
        2 => g
            .pick(&["significantly_worse", "significantly_better"])
            .to_string(),
        _ => format!("regression > t * {}", g.pick(LITERALS)),
    }
}

fn collection(g: &mut Gen, depth: usize) -> String {
    if g.chance(60) {
        let base = g.pick(FLAG_COLLECTIONS);
        match g.below(3) {
            0 => base.to_string(),
            1 => format!("({base} where {})", flag_predicate(g, depth)),
            // `where` nested in `where`.
            _ => format!(
                "(({base} where {}) where {})",
                flag_predicate(g, depth),
                flag_predicate(g, depth)
            ),
        }
    } else {
        let base = g.pick(FAMILY_COLLECTIONS);
        if g.chance(50) {
            base.to_string()
        } else {
            format!("({base} where {})", family_predicate(g))
        }
    }
}

fn condition(g: &mut Gen, depth: usize) -> String {
    match if depth == 0 { g.below(4) } else { g.below(9) } {
        // The planned shape: a quantity against a literal.
        0 => format!(
            "{}({}) {} {}",
            g.pick(QUANTITIES),
            g.pick(METRICS),
            g.pick(CMP),
            g.pick(LITERALS)
        ),
        1 => format!(
            "{}({})",
            g.pick(&["any", "none"]),
            collection(g, depth.min(1))
        ),
        2 => format!(
            "{}({})",
            g.pick(&["significantly_worse", "significantly_better", "has"]),
            g.pick(METRICS)
        ),
        3 => g
            .pick(&["signed(\"lead\")", "stage == \"ab\"", "has(fam)", "true"])
            .to_string(),
        4 | 5 => format!(
            "{} {} {}",
            number(g, depth - 1),
            g.pick(CMP),
            number(g, depth - 1)
        ),
        6 => format!(
            "({} and {})",
            condition(g, depth - 1),
            condition(g, depth - 1)
        ),
        7 => format!(
            "({} or {})",
            condition(g, depth - 1),
            condition(g, depth - 1)
        ),
        _ => format!("not ({})", condition(g, depth - 1)),
    }
}

fn policy_text(g: &mut Gen) -> String {
    let mut text = PRELUDE.to_string();
    for r in 0..1 + g.below(4) {
        text.push_str(&format!("rule r{r} {{\n"));
        for _ in 0..1 + g.below(2) {
            text.push_str(&format!(
                "  {} {} {}\n",
                g.pick(&["warn", "review", "block"]),
                g.pick(&["when", "when", "unless"]),
                condition(g, 2)
            ));
        }
        if g.chance(30) {
            text.push_str(&format!(
                "  missing {}\n",
                g.pick(&["pass", "warn", "review", "block"])
            ));
        }
        text.push_str("}\n");
    }
    text
}

/// Numbers that meet every edge: extremes that overflow, signed zeros, subnormals.
fn evidence_number(g: &mut Gen) -> f64 {
    const EDGES: &[f64] = &[
        1.5e308,
        -1.5e308,
        f64::MAX,
        -0.0,
        0.0,
        5e-324,
        1e-300,
        1e10,
        -3.0,
    ];
    if g.chance(40) {
        EDGES[g.below(EDGES.len())]
    } else {
        (g.below(2001) as f64 - 1000.0) / 1000.0
    }
}

fn metric(g: &mut Gen) -> Value {
    let value = evidence_number(g);
    let mut m = json!({ "value": value });
    if g.chance(70) {
        // A zero baseline now and then: relative quantities divide by it (zero standard
        // errors no longer do, since the sign of the regression decides).
        let baseline = if g.chance(10) {
            0.0
        } else {
            evidence_number(g)
        };
        m["baseline"] = json!(baseline);
    }
    if g.chance(50) {
        m["stderr"] = json!(evidence_number(g).abs());
    }
    if g.chance(50) {
        m["baseline_stderr"] = json!(evidence_number(g).abs());
    }
    if g.chance(30) {
        let half = evidence_number(g).abs();
        let (low, high) = (value - half, value + half);
        if low.is_finite() && high.is_finite() {
            m["ci"] = json!([low, high]);
        }
    }
    if g.chance(30) {
        m["n"] = json!(if g.chance(50) {
            u64::MAX
        } else {
            1 + g.next() % 5000
        });
    }
    // A proportion now and then: its counts give the baseline, its interval and its error.
    if g.chance(15) {
        let n = g.next() % 60;
        m["baseline_n"] = json!(n);
        m["baseline_successes"] = json!(g.next() % (n + 1));
        for derived in ["baseline", "baseline_stderr", "baseline_ci"] {
            if let Some(fields) = m.as_object_mut() {
                fields.remove(derived);
            }
        }
    }
    m
}

/// Per-item scores: a few items, some on one side only, some sharing a cluster, some huge
/// (their difference overflows), so every paired statistic is sometimes known, sometimes
/// unknown, and sometimes has a zero `se`.
fn sample_set(g: &mut Gen) -> Value {
    const SCORES: &[f64] = &[0.0, 1.0, 0.5, 1e308, -1e308];
    let side = |g: &mut Gen| {
        let mut items = serde_json::Map::new();
        for i in 0..g.below(5) {
            if g.chance(80) {
                items.insert(format!("q{i}"), json!(SCORES[g.below(SCORES.len())]));
            }
        }
        items
    };
    let candidate = side(g);
    let baseline = g.chance(70).then(|| side(g));
    let mut set = json!({ "candidate": candidate });
    if g.chance(30) {
        let scored = |id: &str| {
            candidate.contains_key(id) || baseline.as_ref().is_some_and(|b| b.contains_key(id))
        };
        let clusters: serde_json::Map<String, Value> = ["q0", "q1", "q2"]
            .into_iter()
            .filter(|id| scored(id))
            .map(|id| (id.to_string(), json!(if id == "q2" { "d" } else { "c" })))
            .collect();
        set["clusters"] = Value::Object(clusters);
    }
    if let Some(baseline) = baseline {
        set["baseline"] = Value::Object(baseline);
    }
    set
}

fn bundle_doc(g: &mut Gen, flags: Vec<Value>) -> Value {
    let mut metrics = serde_json::Map::new();
    for key in ["k0", "k1", "k2", "fam.a", "fam.b"] {
        if g.chance(80) {
            metrics.insert(key.to_string(), metric(g));
        }
    }
    let mut samples = serde_json::Map::new();
    for key in ["k0", "k1", "fam.a"] {
        if g.chance(40) {
            samples.insert(key.to_string(), sample_set(g));
        }
    }
    let mut doc = json!({ "metrics": metrics, "flags": flags, "samples": samples });
    if g.chance(50) {
        doc["stage"] = json!(g.pick(&["ab", "offline"]));
    }
    if g.chance(50) {
        doc["signoffs"] = json!([{ "role": "lead", "by": "someone" }]);
    }
    doc
}

/// Every number an explanation shows is finite, and a clause whose condition is unknown
/// contributes (it never passes quietly).
fn check_steps(step: &Step) -> Result<(), TestCaseError> {
    if let Shown::Number(x) = step.value {
        prop_assert!(x.is_finite(), "explain shows {x} for `{}`", step.text);
    }
    for child in &step.children {
        check_steps(child)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn report_decider_and_explain_agree(
        seed in any::<u64>(),
        flags in prop::collection::vec(flag(), 0..5),
    ) {
        let mut g = Gen(seed | 1);
        let text = policy_text(&mut g);
        let policy = support::policy(&text);
        let doc = bundle_doc(&mut g, flags);
        let bundle = support::bundle(&doc);
        let now = support::now();

        let report = policy.evaluate(&bundle, now);
        let general = policy.evaluate_unplanned(&bundle, now);
        let mut decider = policy.decider();
        let decided = decider.decide(&bundle, now);
        let explained = explain::explain(&policy, &bundle, now);
        let case = format!("{text}\n{doc:#}");

        prop_assert_eq!(decided.decision, report.decision, "{}", case);
        // The planned shapes answer exactly as the general evaluation does.
        prop_assert_eq!(&general.rules, &report.rules, "{}", case);
        prop_assert_eq!(explained.len(), report.rules.len());
        for ((rule, verdict), why) in report.rules.iter().zip(decided.rules).zip(&explained) {
            prop_assert_eq!((verdict.outcome, verdict.status), (rule.outcome, rule.status),
                "rule {} decided otherwise than reported\n{}", rule.id, case);
            // Explain's clauses fold to the report's outcome (no waivers in these bundles).
            let mut outcome = Outcome::Pass;
            let mut any_fired_at_top = false;
            let mut any_missing = false;
            for clause in &why.clauses {
                check_steps(&clause.condition)?;
                if let Some(o) = clause.contributes {
                    outcome = outcome.max(o);
                }
                match clause.result {
                    ClauseResult::Missing => {
                        any_missing = true;
                        prop_assert!(clause.condition.value.is_unknown(), "{}", case);
                    }
                    ClauseResult::Fired => any_fired_at_top = true,
                    ClauseResult::Quiet => {
                        prop_assert!(!clause.condition.value.is_unknown(), "{}", case);
                    }
                }
            }
            prop_assert_eq!(outcome, rule.outcome, "explain folds rule {} otherwise\n{}", rule.id, case);
            match rule.status {
                Status::Fired => prop_assert!(any_fired_at_top, "{}", case),
                Status::Missing => {
                    prop_assert!(any_missing, "{}", case);
                    prop_assert!(!rule.missing.is_empty(), "a missing rule names no key\n{}", case);
                }
                Status::Passed => prop_assert!(!any_missing && !any_fired_at_top, "{}", case),
                Status::Waived => prop_assert!(false, "no waivers here\n{}", case),
            }
        }
    }
}

/// The generator reaches what the property is about: overflow, division by zero and every
/// status, over many seeds.
#[test]
fn the_generator_reaches_every_case() {
    let mut overflow = 0;
    let mut division = 0;
    let mut statuses = std::collections::HashSet::new();
    for seed in 1..300u64 {
        let mut g = Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let policy = support::policy(&policy_text(&mut g));
        let bundle = support::bundle(&bundle_doc(&mut g, Vec::new()));
        let report = policy.evaluate(&bundle, support::now());
        for rule in &report.rules {
            statuses.insert(rule.status);
            overflow += usize::from(rule.missing.iter().any(|k| k == "(number too large)"));
            division += usize::from(rule.missing.iter().any(|k| k == "(division by zero)"));
        }
    }
    assert!(overflow >= 10, "only {overflow} rules met an overflow");
    assert!(
        division >= 5,
        "only {division} rules met a division by zero"
    );
    for status in [Status::Fired, Status::Missing, Status::Passed] {
        assert!(statuses.contains(&status), "no rule came out {status:?}");
    }
}
