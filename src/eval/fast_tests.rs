//! The fast path and the plan against the general evaluator: for every rule of a policy
//! that exercises each shape, on bundles with and without the evidence it needs, the same
//! outcome and status, and `unknown` exactly when the general path names missing keys.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::eval::{bind, expr::Evaluator, plan::Plan, rules};
use crate::evidence::{self, Format};
use crate::Policy;

use super::Fast;

const POLICY: &str = r#"
policy "shapes" { version "1" }
metric syc from "behavior.sycophancy_rate" lower is better
metric thumbs from "ab.thumbs_up_rate" higher is better
metric absent from "not.there" lower is better
metric family refusals from "safety.refusal.*" lower is better
metric family nothing from "no.such.*" lower is better

let behavior = ["sycophancy", "tone"]
let experts = flags where source == "expert"
let limit = max(1%, 0.5%)

rule m_value { block when syc > 0.1 }
rule m_mirror { block when 0.1 < syc }
rule m_delta { review when delta(syc) >= 0.02 }
rule m_regression { block when regression(thumbs) > 1% missing warn }
rule m_rel { warn when rel_regression(syc) > 10% }
rule m_upper { block when upper(thumbs) <= 0.7 }
rule m_lower_stderr { review when lower(syc) != 0.2 }
rule m_worst { block when worst(syc) > 0.3 }
rule m_n { warn when n(syc) < 1000 }
rule m_absent { block when absent > 0.1 }
rule m_absent_missing_pass { block when absent > 0.1 missing pass }
rule m_sig { block when significantly_worse(syc) }
rule unless_metric { block unless syc < 0.5 }
rule two_clauses {
  block when absent > 0.1
  review when syc > 0.1
}
rule two_clauses_fired_first {
  review when syc > 0.1
  review when absent > 0.1
}
rule kleene_and { block when absent > 0.1 and syc > 0.9 }
rule kleene_or { block when absent > 0.1 or syc > 0.1 }
rule arith { block when (value(syc) - baseline(syc)) / baseline(syc) > limit }
rule div_zero { warn when syc / (syc - syc) > 1 }
rule any_expert { block when any(flags where source == "expert" and category in behavior and severity >= medium) }
rule none_redteam { warn when none(flags where source != "redteam" or severity < low) }
rule count_tone { review when count(flags where category == "tone") >= 2 }
rule count_mirror { review when 2 <= count(flags where not (category != "tone")) }
rule count_author { review when count(flags where author == "tester-1") >= 1 }
rule any_author { review when any(flags where author == "tester-1") }
rule any_id_in { review when any(flags where id in ["F-1", "F-9"]) }
rule sev_in { review when any(flags where severity in [high, critical]) }
rule source_in { review when any(flags where source in ["alpha", "beta"] and category not in ["tone"]) }
rule count_source_ne { warn when count(flags where source != "expert") >= 2 }
rule many_texts { warn when count(flags where category in ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "tone"]) >= 2 }
rule chain { review when count((flags where source == "expert") where category == "tone") > 0 }
rule let_sel { review when count(experts where severity >= high) >= 1 }
rule let_authors { review when authors(experts) >= 2 }
rule authors_all { review when authors(flags) > 2 }
rule family_any { block when any(refusals where significantly_worse) }
rule family_empty { block when count(nothing) > 0 }
rule family_names { warn when any(refusals where name == "safety.refusal.bio" and value > 0.01) }
rule has_signed { block unless has(syc) and signed("safety-lead") }
rule stage_rule { warn when stage == "ab" }
rule in_let { warn when "tone" in behavior }
rule minmax { warn when min(syc, thumbs, absent) < 0.2 }
rule abs_neg { warn when abs(-delta(syc)) > 0.01 }
"#;

const FULL: &str = r#"{
  "stage": "ab",
  "metrics": {
    "behavior.sycophancy_rate": { "value": 0.12, "baseline": 0.09, "stderr": 0.004, "baseline_stderr": 0.003, "n": 800 },
    "ab.thumbs_up_rate": { "value": 0.69, "baseline": 0.7, "ci": [0.68, 0.70] },
    "safety.refusal.bio": { "value": 0.02, "baseline": 0.01, "stderr": 0.001, "baseline_stderr": 0.001 },
    "safety.refusal.cyber": { "value": 0.01 }
  },
  "flags": [
    { "id": "F-1", "source": "expert", "category": "sycophancy", "severity": "medium", "author": "tester-1" },
    { "source": "alpha", "category": "tone", "severity": "low" },
    { "source": "expert", "category": "tone", "severity": "high", "author": "tester-2" },
    { "source": "redteam", "category": "safety", "severity": "critical", "author": "tester-1" }
  ],
  "signoffs": [ { "role": "safety-lead", "by": "r" } ]
}"#;

const SPARSE: &str = r#"{
  "metrics": {
    "behavior.sycophancy_rate": 0.3,
    "ab.thumbs_up_rate": { "value": 0.5, "baseline": 0.5 }
  },
  "flags": [
    { "source": "alpha", "category": "tone", "severity": "info" },
    { "source": "expert", "category": "personality", "severity": "low" }
  ]
}"#;

const EMPTY: &str = r#"{}"#;

#[test]
fn fast_path_agrees_with_the_general_evaluator() {
    let policy = Policy::from_source("shapes.gate", POLICY).expect("the policy compiles");
    let program = policy.program();
    let plan = Plan::new(program);
    let now = evidence::parse_instant("2025-05-01T00:00:00Z").expect("instant");
    let mut compared = 0;
    let mut seen = std::collections::HashSet::new();
    for text in [FULL, SPARSE, EMPTY] {
        let bundle = evidence::parse_str("e.json", text, Format::Json).expect("evidence");
        let bound = bind::bind(program, &plan, &bundle, now);
        let ev = Evaluator::new(program, &bundle, &bound);
        let fast = Fast::new(&ev);
        for (rule, planned) in program.rules.iter().zip(&plan.rules) {
            let slow = rules::verdict(&ev, rule);
            let quick = fast.rule_verdict(&plan, planned, rule);
            assert_eq!(
                (quick.outcome, quick.status, quick.unknown),
                (slow.outcome, slow.status, !slow.missing.is_empty()),
                "rule {} on {}",
                rule.id,
                text.lines().nth(1).unwrap_or(text)
            );
            seen.insert((quick.status, quick.unknown));
            compared += 1;
        }
    }
    assert_eq!(compared, 3 * program.rules.len());
    // Every kind of verdict was met, fired ones with unknown clauses among them.
    use crate::Status::{Fired, Missing, Passed};
    for kind in [
        (Fired, false),
        (Fired, true),
        (Missing, true),
        (Passed, false),
    ] {
        assert!(seen.contains(&kind), "no rule came out {kind:?}");
    }
}

#[test]
fn decider_matches_the_report() {
    let policy = Policy::from_source("shapes.gate", POLICY).expect("the policy compiles");
    let now = crate::Now::resolve(evidence::parse_instant("2025-05-01T00:00:00Z"), None);
    let mut decider = policy.decider();
    for text in [FULL, SPARSE, EMPTY] {
        let bundle = evidence::parse_str("e.json", text, Format::Json).expect("evidence");
        let report = policy.evaluate(&bundle, now);
        let decision = decider.decide(&bundle, now);
        assert_eq!(decision.decision, report.decision);
        let statuses: Vec<_> = report.rules.iter().map(|r| (r.outcome, r.status)).collect();
        let decided: Vec<_> = decision
            .rules
            .iter()
            .map(|r| (r.outcome, r.status))
            .collect();
        assert_eq!(decided, statuses);
        let bound = decider.bind(&bundle, now);
        let again: Vec<_> = decider
            .decide_bound(&bound)
            .rules
            .iter()
            .map(|r| (r.outcome, r.status))
            .collect();
        assert_eq!(again, statuses);
    }
}
