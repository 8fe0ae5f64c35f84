//! `--explain` over every kind of expression: parentheses, lets (literal and computed),
//! arithmetic, `not`, `in`, `min`/`max`/`abs`, families that match nothing, `where`
//! predicates that are unknown for some element, division by zero, `unless` and `missing`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tollgate::eval::explain::{self, ClauseResult, Shown};
use tollgate::evidence::{self, Format};
use tollgate::{render, Now, Policy};

const POLICY: &str = r#"policy "constructs" { version "1" }
metric acc from "eval.acc" higher is better
metric lat from "perf.latency_ms" lower is better
metric gone from "eval.gone" higher is better
metric family safety from "safety.*" lower is better
metric family nothing from "none.*" lower is better

let floor = 0.8
let margin = (baseline(acc) - acc) * 100
let sources = ["expert", "alpha"]

rule arithmetic "Parentheses, lets and arithmetic" {
  block when (margin > 2) and not (acc >= floor)
  review when max(abs(delta(lat)), 0) / (baseline(lat) - baseline(lat)) > 1
}

rule collections {
  review when any(flags where source in sources and note == "x")
  warn when count(safety where regression > 0) >= 1
  block when any(nothing where value > 0)
}

rule missing_things {
  block unless has(gone) and gone > 0.5
  missing warn
}

rule literal_only { warn when 1 > 2 }
"#;

const EVIDENCE: &str = r#"{
  "metrics": {
    "eval.acc": { "value": 0.75, "baseline": 0.79 },
    "perf.latency_ms": { "value": 120, "baseline": 100 },
    "safety.a": { "value": 0.2, "baseline": 0.1 },
    "safety.b": { "value": 0.1 }
  },
  "flags": [
    { "id": "F-1", "source": "expert", "category": "tone", "severity": "low", "note": "x" },
    { "id": "F-2", "source": "alpha", "category": "tone", "severity": "low" },
    { "source": "user", "category": "tone", "severity": "low" }
  ]
}"#;

fn explained() -> (tollgate::Evaluation, Vec<explain::RuleExplanation>) {
    let policy = Policy::from_source("constructs.gate", POLICY).unwrap();
    let bundle = evidence::parse_str("e.json", EVIDENCE, Format::Json).unwrap();
    let now = Now::resolve(evidence::parse_instant("2025-01-01T00:00:00Z"), None);
    let e = policy.evaluate(&bundle, now);
    let x = explain::explain(&policy, &bundle, now);
    (e, x)
}

#[test]
fn every_construct_snapshot() {
    let (e, x) = explained();
    insta::assert_snapshot!("explain-constructs", render::explain::render_text(&e, &x));
}

#[test]
fn clause_results_agree_with_the_evaluation() {
    let (e, x) = explained();
    assert_eq!(x.len(), e.rules.len());
    let results = |id: &str| -> Vec<ClauseResult> {
        x.iter()
            .find(|r| r.id == id)
            .unwrap()
            .clauses
            .iter()
            .map(|c| c.result)
            .collect()
    };
    // margin = 4 > 2 and acc 0.75 < 0.8: fires; the latency clause divides by zero.
    assert_eq!(
        results("arithmetic"),
        [ClauseResult::Fired, ClauseResult::Missing]
    );
    assert_eq!(
        e.rule("arithmetic").unwrap().outcome,
        tollgate::Outcome::Block
    );
    // F-1 is kept, F-2 uncertain (no note): any is true. safety.b has no baseline, so the
    // count is unknown. `nothing` matches no metric.
    assert_eq!(
        results("collections"),
        [
            ClauseResult::Fired,
            ClauseResult::Missing,
            ClauseResult::Missing
        ]
    );
    // `has(gone)` is false, so the `and` is false and `unless` fires.
    assert_eq!(results("missing_things"), [ClauseResult::Fired]);
    assert_eq!(results("literal_only"), [ClauseResult::Quiet]);
}

#[test]
fn parentheses_are_seen_through_and_lets_expanded() {
    let (_, x) = explained();
    let arithmetic = &x[0].clauses[0].condition;
    assert_eq!(arithmetic.text, "(margin > 2) and not (acc >= floor)");
    // The children are the inner expressions, without their parentheses.
    let texts: Vec<&str> = arithmetic
        .children
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(texts, ["margin > 2", "not (acc >= floor)"]);
    let margin = &arithmetic.children[0].children[0];
    assert_eq!(margin.text, "margin");
    assert!(matches!(margin.value, Shown::Number(v) if (v - 4.0).abs() < 1e-9));
    // A computed let shows its definition; a literal one does not.
    assert_eq!(margin.children[0].text, "(baseline(acc) - acc) * 100");
    let floor = &arithmetic.children[1].children[0].children[1];
    assert_eq!(floor.text, "floor");
    assert!(floor.children.is_empty());
}

#[test]
fn unknowns_name_their_keys() {
    let (_, x) = explained();
    let division = &x[0].clauses[1].condition;
    assert_eq!(
        division.value,
        Shown::Unknown(vec!["(division by zero)".to_string()])
    );
    let count = &x[1].clauses[1].condition;
    assert_eq!(
        count.value,
        Shown::Unknown(vec!["safety.b.baseline".to_string()])
    );
    let empty = &x[1].clauses[2].condition.children[0].children[0];
    match &empty.value {
        Shown::Elements(e) => assert_eq!(e.empty_family.as_deref(), Some("none.*")),
        other => panic!("{other:?}"),
    }
}

/// The deepest expressions the parser admits are explained whole, without running out of
/// stack on a test thread.
#[test]
fn deep_expressions_are_explained_whole() {
    let nots = "not ".repeat(250);
    let ands = vec!["m > 0"; 200].join(" and ");
    let policy = Policy::from_source(
        "deep.gate",
        format!(
            "policy \"deep\" {{}}\nmetric m from \"m\" lower is better\n\
             rule nots {{ warn when {nots}m > 0 }}\nrule ands {{ warn when {ands} }}\n"
        ),
    )
    .unwrap();
    let bundle = evidence::parse_str("e.json", r#"{"metrics": {"m": 1}}"#, Format::Json).unwrap();
    let now = Now::resolve(evidence::parse_instant("2025-01-01T00:00:00Z"), None);
    let x = explain::explain(&policy, &bundle, now);
    let depth = |mut step: &explain::Step| {
        let mut d = 1;
        while let Some(child) = step.children.first() {
            step = child;
            d += 1;
        }
        d
    };
    assert_eq!(depth(&x[0].clauses[0].condition), 252);
    assert_eq!(depth(&x[1].clauses[0].condition), 201);
    let e = policy.evaluate(&bundle, now);
    assert!(render::explain::render_text(&e, &x).contains("⇒ fires: warn"));
}

/// Every test a step of `step` reads, depth first.
fn step_tests(step: &explain::Step, out: &mut Vec<explain::TestFacts>) {
    out.extend(step.tests.iter().cloned());
    for child in &step.children {
        step_tests(child, out);
    }
}

#[test]
fn the_reports_state_the_tests_explain_states_from_one_place() {
    let policy = Policy::from_source(
        "t.gate",
        "policy \"t\" {}\n\
         metric acc from \"acc\" higher is better\n\
         metric family s from \"s.*\" lower is better adjusted by holm\n\
         rule worse { block when significantly_worse(acc) or mde(acc) > 0.5 }\n\
         rule fam { review when any(s where significantly_worse) }\n\
         rule plain { warn when value(acc) < 0 }\n",
    )
    .unwrap();
    let bundle = evidence::parse_str(
        "e.json",
        r#"{ "metrics": { "s.a": { "value": 0.3, "baseline": 0.1, "stderr": 0.05, "baseline_stderr": 0.05 },
                          "s.b": { "value": 0.1, "baseline": 0.1, "stderr": 0.05, "baseline_stderr": 0.05 } },
             "samples": { "acc": { "candidate": { "q1": 1, "q2": 0, "q3": 1, "q4": 0 },
                                   "baseline":  { "q1": 1, "q2": 1, "q3": 1, "q4": 1 } } } }"#,
        Format::Json,
    )
    .unwrap();
    let now = Now::resolve(evidence::parse_instant("2025-01-01T00:00:00Z"), None);
    let e = policy.evaluate(&bundle, now);
    let x = explain::explain(&policy, &bundle, now);
    for (rule, explained) in e.rules.iter().zip(&x) {
        let mut from_steps = Vec::new();
        for clause in &explained.clauses {
            step_tests(&clause.condition, &mut from_steps);
        }
        from_steps.dedup_by(|a, b| a.key == b.key);
        assert_eq!(rule.tests, from_steps, "{}", rule.id);
    }
    let worse = &e.rule("worse").unwrap().tests;
    assert_eq!(worse.len(), 1, "one test, though two clauses read it");
    assert_eq!((worse[0].method.as_str(), worse[0].k), ("paired", Some(4)));
    // d = 0, -1, 0, -1 (higher is better, so r = 0.5), sd 0.57735, se 0.288675.
    assert!(
        (worse[0].r - 0.5).abs() < 1e-12 && (worse[0].se - 0.288_675_134_594_812_9).abs() < 1e-12
    );
    let fam = &e.rule("fam").unwrap().tests;
    assert_eq!(fam.len(), 2);
    assert!(fam
        .iter()
        .all(|t| t.adjusted.is_some_and(|a| a.0 == "holm")));
    assert!(e.rule("plain").unwrap().tests.is_empty());
    // Each report prints them.
    let json = tollgate::render::json::render(&e);
    assert!(json.contains("\"method\": \"paired\"") && json.contains("\"adjusted_p\""));
    let md = tollgate::render::markdown::render(&e, &policy, &x, false);
    assert!(md.contains("| `worse` | `acc` | paired | k 4 |"), "{md}");
    let human = tollgate::render::human::render(&e, &x, false);
    assert!(human.contains("test acc: paired, k 4;"), "{human}");
}
