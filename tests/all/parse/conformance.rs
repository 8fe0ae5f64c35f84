//! The examples of LANGUAGE.md and the policies of the conformance cases, copied inline (the
//! shared directory may live elsewhere in CI).

use tollgate::levels::Outcome;
use tollgate::syntax::ast::{Item, RuleStmt, TemplatePart, TestStmt};

use super::{conditions, parse_ok, rules};

/// LANGUAGE.md section 1, verbatim.
const FIRST_POLICY: &str = r#"# Launch gate for mainline chat-model updates.
policy "chat-mainline" {
  version "2025.05.02"
  owner "model-behavior"
  description "Behavior issues block launch, even when A/B metrics look good."
}

import "common/behavior.gate"

metric sycophancy from "behavior.sycophancy_rate" lower is better
metric thumbs_up  from "ab.thumbs_up_rate"        higher is better
metric mmlu       from "offline.mmlu.acc"         higher is better
metric family refusals from "safety.refusal.*"    lower is better

let behavior = ["sycophancy", "hallucination", "deception", "reliability", "personality"]

rule expert_behavior_concern "Expert testers flagged model behavior" {
  block when any(flags where source == "expert" and category in behavior and severity >= medium)
  waivable by "head-of-model-behavior"
  message "{count(flags where source == \"expert\")} expert flag(s) on behavior"
}

rule sycophancy_regression {
  block  when regression(sycophancy) > 1%
  review when regression(sycophancy) > 0.5%
  missing review
}

rule metrics_disagree_with_experts {
  review when improvement(thumbs_up) > 0 and authors(flags where source == "expert") >= 2
}

rule safety_signoff {
  block unless signed("safety-lead")
}

rule refusal_regressions {
  block when any(refusals where significantly_worse)
}

test "a clean update launches" {
  evidence "../examples/clean/evidence.json"
  expect pass
}
"#;

#[test]
fn language_section_1() {
    let f = parse_ok(FIRST_POLICY);
    assert_eq!(f.items.len(), 13);
    assert_eq!(f.comments.len(), 1);
    assert_eq!(
        f.comments[0].text,
        "# Launch gate for mainline chat-model updates."
    );
    let r = rules(&f);
    let ids: Vec<&str> = r.iter().map(|r| r.id.name.as_str()).collect();
    assert_eq!(
        ids,
        [
            "expert_behavior_concern",
            "sycophancy_regression",
            "metrics_disagree_with_experts",
            "safety_signoff",
            "refusal_regressions"
        ]
    );
    assert_eq!(
        conditions(r[0]),
        ["any((where flags (and (and (== source \"expert\") (in category behavior)) (>= severity sev:medium))))"]
    );
    let RuleStmt::Message(m) = &r[0].body[2] else {
        panic!()
    };
    assert!(matches!(&m.parts[1], TemplatePart::Text(t) if t == " expert flag(s) on behavior"));
    assert_eq!(
        conditions(r[1]),
        [
            "(> regression(sycophancy) 1%)",
            "(> regression(sycophancy) 0.5%)"
        ]
    );
    assert_eq!(
        conditions(r[2]),
        ["(and (> improvement(thumbs_up) 0) (>= authors((where flags (== source \"expert\"))) 2))"]
    );
    assert_eq!(conditions(r[3]), ["signed(\"safety-lead\")"]);
    assert_eq!(
        conditions(r[4]),
        ["any((where refusals significantly_worse))"]
    );
}

/// LANGUAGE.md section 7, verbatim.
const SECTION_7: &str = r#"test "the April 25 update is blocked" {
  evidence "../examples/gpt-4o-2025-04-25/evidence.json"   # may repeat; files merge
  evidence { "metrics": { "behavior.sycophancy_rate": { "value": 0.2 } } }   # inline JSON
  now "2025-04-25T12:00:00Z"                                # evaluation time, optional
  expect block                                               # the decision
  expect fired expert_behavior_concern                       # a rule's status
  expect missing sycophancy_regression
  expect not fired safety_signoff
}
"#;

#[test]
fn language_section_7() {
    let f = parse_ok(SECTION_7);
    let [Item::Test(t)] = &f.items[..] else {
        panic!()
    };
    assert_eq!(t.body.len(), 7);
    assert!(
        matches!(&t.body[1], TestStmt::EvidenceInline { json, .. } if json.starts_with("{ \"metrics\""))
    );
    assert!(matches!(
        t.body[3],
        TestStmt::ExpectDecision {
            outcome: Outcome::Block,
            ..
        }
    ));
    assert_eq!(f.comments.len(), 5);
}

/// fmt-canonical-and-stable/policy.gate: odd layout on purpose.
const FMT_CASE: &str = "# header comment\npolicy   \"fmt\" {version \"3\"}\nmetric m from \"m\"   lower is better   # trailing comment\nlet limit=5%\nrule r {block when m>limit\nreview when m >   2%  missing   review}\n";

#[test]
fn conformance_fmt_case() {
    let f = parse_ok(FMT_CASE);
    assert_eq!(f.items.len(), 4);
    let texts: Vec<&str> = f.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["# header comment", "# trailing comment"]);
    let r = rules(&f)[0];
    assert_eq!(conditions(r), ["(> m limit)", "(> m 2%)"]);
    assert!(matches!(r.body[2], RuleStmt::Missing(ref m) if m.outcome == Outcome::Review));
}

/// flag-quorum-and-counts/policy.gate: whole rules on one line.
const FLAGS_CASE: &str = r#"policy "flags" {}

rule expert_quorum { block when authors(flags where source == "expert" and severity >= low) >= 2 }
rule any_critical { block when any(flags where severity >= critical) }
rule redteam_volume { review when count(flags where source == "redteam") >= 3 }
"#;

#[test]
fn conformance_flags_case() {
    let f = parse_ok(FLAGS_CASE);
    let r = rules(&f);
    assert_eq!(
        conditions(r[1]),
        ["any((where flags (>= severity sev:critical)))"]
    );
    assert_eq!(
        conditions(r[2]),
        ["(>= count((where flags (== source \"redteam\"))) 3)"]
    );
}

/// kleene-logic, waiver-applies and policy-tests-report, together.
const MIXED_CASES: &str = r#"policy "kleene" {}

metric good from "good" higher is better
metric absent from "absent" higher is better

rule a { block when good > 0.5 or absent > 1 }
rule b { block when good < 0.5 and absent > 1 }
rule c { warn when not (absent > 1) }

rule latency_budget {
  block when latency > 800
  waivable by "serving-lead", "vp-eng"
}

test "low value passes" {
  evidence { "metrics": { "m": 0.1 } }
  expect pass
}
"#;

#[test]
fn conformance_mixed_cases() {
    let f = parse_ok(MIXED_CASES);
    let r = rules(&f);
    assert_eq!(conditions(r[0]), ["(or (> good 0.5) (> absent 1))"]);
    assert_eq!(conditions(r[1]), ["(and (< good 0.5) (> absent 1))"]);
    assert_eq!(conditions(r[2]), ["(not (paren (> absent 1)))"]);
    let RuleStmt::Waivable(w) = &r[3].body[1] else {
        panic!()
    };
    assert_eq!(w.roles.len(), 2);
    let Some(Item::Test(t)) = f.items.last() else {
        panic!()
    };
    assert!(
        matches!(&t.body[0], TestStmt::EvidenceInline { json, .. } if json == r#"{ "metrics": { "m": 0.1 } }"#)
    );
}

#[test]
fn conformance_parse_error_points_at_line_3() {
    let d = super::one_err(
        "policy \"broken\" {}\nmetric m from \"m\" higher is better\nrule r { block when m > }\n",
    );
    assert_eq!(super::line_col(&d), (3, 25));
}

#[test]
fn conformance_static_error_cases_parse() {
    // These fail later (types, names), not in the parser.
    parse_ok("policy \"types\" {}\nmetric m from \"m\" higher is better\nrule r { block when \"a\" > 1 }\n");
    parse_ok("policy \"names\" {}\nmetric m from \"m\" higher is better\nrule r { block when sycophancy > 1 }\n");
}
