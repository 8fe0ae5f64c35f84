//! Evaluation semantics: outcomes and statuses (section 5), three-valued logic (section 6),
//! families, flags, sign-offs and waivers (EVIDENCE.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tollgate::evidence::{self, Format};
use tollgate::{Evaluation, Now, NowSource, Outcome, Policy, Status};

const NOW: &str = "2025-04-25T12:00:00Z";

fn eval(policy: &str, evidence_json: &str) -> Evaluation {
    let policy = Policy::from_source("t.gate", format!("policy \"t\" {{}}\n{policy}")).unwrap();
    let bundle = evidence::parse_str("e.json", evidence_json, Format::Json).unwrap();
    let now = evidence::parse_instant(NOW).unwrap();
    policy.evaluate(&bundle, Now::resolve(Some(now), bundle.as_of))
}

fn status(e: &Evaluation, id: &str) -> (Status, Outcome) {
    let r = e.rule(id).unwrap();
    (r.status, r.outcome)
}

#[test]
fn kleene_tables() {
    let e = eval(
        "metric good from \"good\" higher is better\nmetric absent from \"absent\" higher is better\n\
         rule t_or_u { block when good > 0.5 or absent > 1 }\n\
         rule u_or_f { block when absent > 1 or good < 0.5 }\n\
         rule f_and_u { block when good < 0.5 and absent > 1 }\n\
         rule t_and_u { block when good > 0.5 and absent > 1 }\n\
         rule not_u { warn when not (absent > 1) }\n\
         rule unless_u { review unless absent > 1 }\n",
        r#"{"metrics": {"good": 0.9}}"#,
    );
    assert_eq!(status(&e, "t_or_u"), (Status::Fired, Outcome::Block));
    assert_eq!(status(&e, "u_or_f"), (Status::Missing, Outcome::Block));
    assert_eq!(status(&e, "f_and_u"), (Status::Passed, Outcome::Pass));
    assert_eq!(status(&e, "t_and_u"), (Status::Missing, Outcome::Block));
    assert_eq!(status(&e, "not_u"), (Status::Missing, Outcome::Warn));
    assert_eq!(status(&e, "unless_u"), (Status::Missing, Outcome::Review));
    assert_eq!(e.rule("not_u").unwrap().missing, vec!["absent"]);
}

#[test]
fn the_most_severe_contribution_wins_and_fired_explains_a_tie() {
    let e = eval(
        "metric m from \"m\" lower is better\nmetric gone from \"gone\" lower is better\n\
         rule tiers { block when m > 0.9\n review when m > 0.5\n warn when m > 0.1 }\n\
         rule tie { block when m > 0.5\n block when gone > 1 }\n\
         rule missing_wins { review when m > 0.5\n block when gone > 1 }\n\
         rule missing_outcome { block when gone > 1\n missing warn }\n\
         rule missing_pass { block when gone > 1\n missing pass }\n",
        r#"{"metrics": {"m": 0.6}}"#,
    );
    assert_eq!(status(&e, "tiers"), (Status::Fired, Outcome::Review));
    assert_eq!(status(&e, "tie"), (Status::Fired, Outcome::Block));
    assert_eq!(
        e.rule("tie").unwrap().missing,
        vec!["gone"],
        "missing keys are still reported"
    );
    assert_eq!(
        status(&e, "missing_wins"),
        (Status::Missing, Outcome::Block)
    );
    assert_eq!(
        status(&e, "missing_outcome"),
        (Status::Missing, Outcome::Warn)
    );
    assert_eq!(status(&e, "missing_pass"), (Status::Missing, Outcome::Pass));
    assert_eq!(e.decision, Outcome::Block);
}

#[test]
fn missing_fields_name_the_key_and_field() {
    let e = eval(
        "metric m from \"a.m\" lower is better\n\
         rule r { block when regression(m) > 0 }\n\
         rule s { block when significantly_worse(m) }\n\
         rule i { block when upper(m) > 1 }\n",
        r#"{"metrics": {"a.m": {"value": 0.5, "baseline": 0.4}}}"#,
    );
    assert_eq!(status(&e, "r"), (Status::Fired, Outcome::Block));
    assert_eq!(e.rule("s").unwrap().missing, vec!["a.m.stderr"]);
    assert_eq!(e.rule("i").unwrap().missing, vec!["a.m.ci"]);
    let e = eval(
        "metric m from \"a.m\" lower is better\nrule r { block when regression(m) > 0 }\n",
        r#"{"metrics": {"a.m": 0.5}}"#,
    );
    assert_eq!(e.rule("r").unwrap().missing, vec!["a.m.baseline"]);
}

#[test]
fn metric_functions_follow_the_direction() {
    let e = eval(
        "metric acc from \"acc\" higher is better\nmetric err from \"err\" lower is better\n\
         rule acc_reg { block when regression(acc) > 0.015 and regression(acc) < 0.025 }\n\
         rule acc_imp { block when improvement(acc) < -0.015 }\n\
         rule acc_rel { block when rel_regression(acc) > 0.024 and rel_regression(acc) < 0.026 }\n\
         rule acc_worst { block when worst(acc) == 0.7 }\n\
         rule err_worst { block when worst(err) == 0.3 }\n\
         rule err_reg { block when regression(err) == 0.1 }\n\
         rule lower_from_stderr { block when lower(err) == 0.2 - 1.96 * 0.01 }\n\
         rule rel_delta_err { block when rel_delta(err) == 1 }\n\
         rule n_and_stderr { block when n(acc) == 300 and stderr(acc) == 0.1 / 1.96 }\n",
        r#"{"metrics": {
            "acc": {"value": 0.78, "baseline": 0.8, "ci": [0.7, 0.9], "n": 300},
            "err": {"value": 0.2, "baseline": 0.1, "stderr": 0.01, "ci": [0.1, 0.3]}
        }}"#,
    );
    for id in [
        "acc_reg",
        "acc_imp",
        "acc_rel",
        "acc_worst",
        "err_worst",
        "err_reg",
        "rel_delta_err",
        "n_and_stderr",
    ] {
        assert_eq!(status(&e, id).0, Status::Fired, "{id}");
    }
    // `ci` wins over stderr for the interval.
    assert_eq!(status(&e, "lower_from_stderr").0, Status::Passed);
}

#[test]
fn significance_uses_both_standard_errors() {
    let e = eval(
        "metric refusal from \"r\" lower is better\nmetric helpful from \"h\" higher is better\n\
         rule refusal_sig { block when significantly_worse(refusal) }\n\
         rule helpful_sig { block when significantly_worse(helpful) }\n\
         rule refusal_better { block when significantly_better(refusal) }\n",
        r#"{"metrics": {
            "r": {"value": 0.12, "baseline": 0.1, "stderr": 0.005, "baseline_stderr": 0.005},
            "h": {"value": 0.7, "baseline": 0.71, "ci": [0.68, 0.72], "baseline_ci": [0.69, 0.73]}
        }}"#,
    );
    assert_eq!(status(&e, "refusal_sig").0, Status::Fired);
    assert_eq!(status(&e, "helpful_sig").0, Status::Passed);
    assert_eq!(status(&e, "refusal_better").0, Status::Passed);
}

#[test]
fn division_by_zero_is_unknown() {
    let e = eval(
        "metric m from \"m\" lower is better\nrule r { block when rel_delta(m) > 0.1\n missing warn }\nrule q { block when 1 / (m - m) > 0 }\n",
        r#"{"metrics": {"m": {"value": 0.2, "baseline": 0}}}"#,
    );
    assert_eq!(status(&e, "r"), (Status::Missing, Outcome::Warn));
    assert_eq!(status(&e, "q"), (Status::Missing, Outcome::Block));
}

#[test]
fn float_noise_does_not_cross_a_threshold() {
    // 0.1 - 0.08 is 0.020000000000000004 in binary floating point.
    let e = eval(
        "metric m from \"m\" lower is better\nrule r { block when regression(m) > 2% }\nrule eq { warn when delta(m) == 2% }\n",
        r#"{"metrics": {"m": {"value": 0.1, "baseline": 0.08}}}"#,
    );
    assert_eq!(status(&e, "r").0, Status::Passed);
    assert_eq!(status(&e, "eq").0, Status::Fired);
}

const FLAGS: &str = r#"{"flags": [
    {"source": "expert", "author": "a1", "category": "tone", "severity": "low"},
    {"source": "expert", "author": "a1", "category": "sycophancy", "severity": "medium", "stage": "alpha"},
    {"source": "expert", "category": "personality", "severity": "high"},
    {"source": "redteam", "author": "r1", "category": "jailbreak", "severity": "critical", "id": "RT-1"}
]}"#;

#[test]
fn flag_collections() {
    let e = eval(
        "let behavior = [\"sycophancy\", \"personality\"]\n\
         rule count_expert { block when count(flags where source == \"expert\") == 3 }\n\
         rule authors_expert { block when authors(flags where source == \"expert\") == 2 }\n\
         rule in_list { block when count(flags where category in behavior) == 2 }\n\
         rule not_in_list { block when count(flags where category not in behavior) == 2 }\n\
         rule none_info { block when none(flags where severity == info) }\n\
         rule severity_order { block when count(flags where severity > medium) == 2 }\n\
         rule filtered_twice { block when count((flags where source == \"expert\") where severity >= medium) == 2 }\n\
         rule empty { block when any(flags where source == \"user\") }\n",
        FLAGS,
    );
    for id in [
        "count_expert",
        "authors_expert",
        "in_list",
        "not_in_list",
        "none_info",
        "severity_order",
        "filtered_twice",
    ] {
        assert_eq!(status(&e, id).0, Status::Fired, "{id}");
    }
    assert_eq!(status(&e, "empty").0, Status::Passed);
}

#[test]
fn uncertain_elements_follow_section_6() {
    // Only one flag has a stage: the predicate is unknown for the other three.
    let e = eval(
        "rule any_sure { block when any(flags where stage == \"alpha\") }\n\
         rule any_uncertain { block when any(flags where stage == \"beta\") }\n\
         rule none_uncertain { block when none(flags where stage == \"beta\") }\n\
         rule count_uncertain { block when count(flags where stage == \"alpha\") >= 1 }\n\
         rule decided_by_other_field { block when any(flags where source == \"nobody\" and stage == \"beta\") }\n",
        FLAGS,
    );
    assert_eq!(status(&e, "any_sure").0, Status::Fired);
    assert_eq!(status(&e, "any_uncertain").0, Status::Missing);
    assert_eq!(status(&e, "none_uncertain").0, Status::Missing);
    assert_eq!(status(&e, "count_uncertain").0, Status::Missing);
    assert_eq!(status(&e, "decided_by_other_field").0, Status::Passed);
    assert_eq!(
        e.rule("any_uncertain").unwrap().missing,
        vec!["flags[0].stage", "flags[2].stage", "RT-1.stage"]
    );
}

#[test]
fn no_flags_is_an_empty_list_not_missing_evidence() {
    let e = eval("rule r { block when any(flags where severity >= high) }\nrule c { warn when count(flags) == 0 }\n", "{}");
    assert_eq!(status(&e, "r").0, Status::Passed);
    assert_eq!(status(&e, "c").0, Status::Fired);
}

#[test]
fn families() {
    let e = eval(
        "metric family refusals from \"safety.refusal.*\" lower is better\n\
         metric family nothing from \"absent.*\" lower is better\n\
         rule reg { block when any(refusals where regression > 1%) }\n\
         rule count3 { block when count(refusals) == 3 }\n\
         rule by_name { block when any(refusals where name == \"safety.refusal.cyber\" and value > 0.07) }\n\
         rule empty_family { block when count(nothing) > 0 }\n\
         rule has_family { warn unless has(nothing) }\n",
        r#"{"metrics": {
            "safety.refusal.bio": {"value": 0.05, "baseline": 0.05},
            "safety.refusal.cyber": {"value": 0.08, "baseline": 0.06},
            "safety.refusal.sub.self_harm": {"value": 0.02, "baseline": 0.03},
            "safety.refusal_overall": {"value": 0.5, "baseline": 0.05}
        }}"#,
    );
    assert_eq!(status(&e, "reg").0, Status::Fired);
    assert_eq!(
        status(&e, "count3").0,
        Status::Fired,
        "`*` spans dots, and the prefix must match"
    );
    assert_eq!(status(&e, "by_name").0, Status::Fired);
    assert_eq!(status(&e, "empty_family").0, Status::Missing);
    assert_eq!(e.rule("empty_family").unwrap().missing, vec!["absent.*"]);
    assert_eq!(status(&e, "has_family").0, Status::Fired);
}

/// Lower is better; standard errors 0.01 and 0: z = 3 (p 0.0013499) for `.a`, z = 2.1
/// (p 0.0178644) for `.b`; `.c` has no baseline, so its test is unknown.
const THREE_TESTS: &str = r#"{"metrics": {
    "tox.a": {"value": 0.13, "baseline": 0.1, "stderr": 0.01, "baseline_stderr": 0},
    "tox.b": {"value": 0.121, "baseline": 0.1, "stderr": 0.01, "baseline_stderr": 0},
    "tox.c": {"value": 0.1},
    "gain.a": {"value": 0.07, "baseline": 0.1, "stderr": 0.01, "baseline_stderr": 0},
    "gain.b": {"value": 0.079, "baseline": 0.1, "stderr": 0.01, "baseline_stderr": 0},
    "gain.c": {"value": 0.1, "baseline": 0.1, "stderr": 0.01, "baseline_stderr": 0}
}}"#;

/// Rules reading the adjusted p-values of `.a` and `.b` against `[low, high)` bounds.
fn adjusted_rules(a: (f64, f64), b: (f64, f64)) -> String {
    format!(
        "rule a {{ warn when any(tox where name == \"tox.a\" and pvalue > {} and pvalue < {}) }}\n\
         rule b {{ warn when any(tox where name == \"tox.b\" and pvalue > {} and pvalue < {}) }}\n\
         rule b_worse {{ warn when any(tox where name == \"tox.b\" and significantly_worse) }}\n\
         rule b_raw {{ warn when any(tox where name == \"tox.b\" and raw_pvalue < 0.025) }}\n\
         rule c {{ warn when any(tox where name == \"tox.c\" and pvalue < 1) }}\n",
        a.0, a.1, b.0, b.1
    )
}

#[test]
fn holm_adjusts_a_family_and_counts_an_unknown_member_as_p_one() {
    // M = 3 (`.c` counts as p = 1): 3 * 0.0013499 = 0.0040497, 2 * 0.0178644 = 0.0357288.
    let e = eval(
        &format!(
            "metric family tox from \"tox.*\" lower is better adjusted by holm\n{}",
            adjusted_rules((0.00404, 0.00406), (0.0357, 0.0358))
        ),
        THREE_TESTS,
    );
    assert_eq!(status(&e, "a").0, Status::Fired);
    assert_eq!(status(&e, "b").0, Status::Fired);
    // z = 2.1 is significant alone, not once adjusted; the raw p-value is still there.
    assert_eq!(status(&e, "b_worse").0, Status::Passed);
    assert_eq!(status(&e, "b_raw").0, Status::Fired);
    assert_eq!(status(&e, "c").0, Status::Missing);
    assert_eq!(e.rule("c").unwrap().missing, vec!["tox.c.baseline"]);
}

#[test]
fn bh_adjusts_by_m_over_rank() {
    // 3 / 1 * 0.0013499 = 0.0040497; 3 / 2 * 0.0178644 = 0.0267966 (below `.c`'s 1).
    let e = eval(
        &format!(
            "metric family tox from \"tox.*\" lower is better adjusted by bh\n{}",
            adjusted_rules((0.00404, 0.00406), (0.0267, 0.0269))
        ),
        THREE_TESTS,
    );
    for id in ["a", "b", "b_raw"] {
        assert_eq!(status(&e, id).0, Status::Fired, "{id}");
    }
    assert_eq!(status(&e, "b_worse").0, Status::Passed);
}

#[test]
fn significantly_better_adjusts_the_other_tail() {
    // Improvements with z = -3, -2.1, 0: Holm gives 0.0040497, 0.0357288, 0.5.
    let e = eval(
        "metric family gain from \"gain.*\" lower is better adjusted by holm\n\
         metric family plain from \"gain.*\" lower is better\n\
         metric gain_b from \"gain.b\" lower is better\n\
         rule adjusted { warn when count(gain where significantly_better) == 1 }\n\
         rule unadjusted { warn when count(plain where significantly_better) == 2 }\n\
         rule alone { warn when significantly_better(gain_b) }\n",
        THREE_TESTS,
    );
    for id in ["adjusted", "unadjusted", "alone"] {
        assert_eq!(status(&e, id).0, Status::Fired, "{id}");
    }
}

#[test]
fn a_large_family_tested_without_adjustment_is_warned_about() {
    let metrics = |n: usize| {
        let body: Vec<String> = (0..n)
            .map(|i| format!("\"s.{i}\": {{\"value\": 0.1, \"baseline\": 0.1, \"stderr\": 0.01}}"))
            .collect();
        format!("{{\"metrics\": {{{}}}}}", body.join(", "))
    };
    let policy = |adjusted: &str| {
        format!(
            "metric family s from \"s.*\" lower is better{adjusted}\n\
             rule r {{ block when any(s where significantly_worse) }}\n"
        )
    };
    let warned = |e: &Evaluation| e.warnings.iter().any(|w| w.contains("family `s` has"));
    let e = eval(&policy(""), &metrics(6));
    assert!(warned(&e), "{:?}", e.warnings);
    assert!(e.warnings.iter().any(|w| w.contains("has 6 members")));
    assert!(!warned(&eval(&policy(""), &metrics(5))));
    assert!(!warned(&eval(&policy(" adjusted by holm"), &metrics(6))));
    // A family that is not tested for significance needs no adjustment.
    let untested = "metric family s from \"s.*\" lower is better\n\
                    rule r { block when any(s where regression > 1) }\n";
    assert!(!warned(&eval(untested, &metrics(6))));
}

#[test]
fn a_regression_below_what_the_eval_detects_is_called_out() {
    // se = sqrt(0.01^2 + 0.01^2) = 0.0141421; mde = 2.8016212 * se = 0.0396213 (4%);
    // items to see 1%: ceil(900 * 3.96213^2) = 14129, about 14,000.
    let e = eval(
        "metric syc from \"syc\" lower is better\n\
         rule sycophancy_regression { block when regression(syc) > 1% }\n\
         rule coarse { block when regression(syc) >= 5% }\n\
         rule relative { review when rel_regression(syc) > 50% }\n\
         rule other_form { warn when regression(syc) < 1% }\n",
        r#"{"metrics": {"syc": {"value": 0.05, "baseline": 0.04, "stderr": 0.01,
                                "baseline_stderr": 0.01, "n": 900}}}"#,
    );
    let power: Vec<&String> = e
        .warnings
        .iter()
        .filter(|w| w.contains("cannot see"))
        .collect();
    assert_eq!(
        power,
        [
            "`sycophancy_regression`: the eval cannot see a regression of 1% (minimum \
             detectable 4% at 80% power; about 14,000 items needed)",
            // Relative to the baseline 0.04: 0.0396213 / 0.04 = 99%.
            "`relative`: the eval cannot see a relative regression of 50% (minimum \
             detectable 99% at 80% power; about 3,500 items needed)",
        ],
        "{:?}",
        e.warnings
    );
    // The decision is the rules' own.
    assert_eq!(status(&e, "sycophancy_regression").0, Status::Passed);
}

#[test]
fn thresholds_inside_and_or_are_called_out_too() {
    // The same evidence as above: mde 4%.
    let e = eval(
        "metric syc from \"syc\" lower is better\n\
         rule both { block when regression(syc) > 1% and value(syc) > 0 }\n\
         rule either { review when value(syc) > 0.5 or (regression(syc) > 2% and n(syc) > 1) }\n\
         rule twice { warn when regression(syc) > 1% or regression(syc) > 1% }\n\
         rule negated { warn when not (regression(syc) > 1%) }\n\
         rule seen { warn when regression(syc) > 5% or value(syc) > 0.9 }\n",
        r#"{"metrics": {"syc": {"value": 0.05, "baseline": 0.04, "stderr": 0.01,
                                "baseline_stderr": 0.01, "n": 900}}}"#,
    );
    let power: Vec<&str> = e
        .warnings
        .iter()
        .filter(|w| w.contains("cannot see"))
        .map(|w| w.split(':').next().unwrap())
        .collect();
    // `not` turns a threshold into its opposite, so it is not one; 5% is above the mde.
    assert_eq!(power, ["`both`", "`either`", "`twice`"], "{:?}", e.warnings);
    assert!(e
        .warnings
        .iter()
        .any(|w| w.starts_with("`either`") && w.contains("of 2%")));
}

#[test]
fn n_needed_scales_the_items_by_the_squared_ratio_of_mde_to_effect() {
    // Unpaired: mde 0.0396209 over n = 900; for 2%: ceil(900 * 1.98105^2) = ceil(3532.09).
    // Paired: differences 1, 1, 0, 0 in two clusters, se 0.5, k 4: ceil(4 * 2.80162^2) = 32.
    let e = eval(
        "metric syc from \"syc\" lower is better\nmetric acc from \"acc\" higher is better\n\
         metric bare from \"bare\" lower is better\n\
         rule unpaired { warn when n_needed(syc, 2%) == 3533 }\n\
         rule paired { warn when n_needed(acc, 0.5) == 32 }\n\
         rule zero { warn when n_needed(syc, 0) > 0 }\n\
         rule no_n { warn when n_needed(bare, 1%) > 0 }\n\
         rule both_unknown { warn when n_needed(bare, value(gone)) > 0 }\n\
         metric gone from \"gone\"\n",
        r#"{"metrics": {
              "syc": {"value": 0.05, "baseline": 0.04, "stderr": 0.01, "baseline_stderr": 0.01,
                      "n": 900},
              "bare": {"value": 0.05, "baseline": 0.04, "stderr": 0.01, "baseline_stderr": 0.01},
              "acc": {"value": 0.75, "baseline": 0.25}},
            "samples": {"acc": {
              "candidate": {"q1": 1, "q2": 1, "q3": 0, "q4": 1},
              "baseline": {"q1": 0, "q2": 0, "q3": 0, "q4": 1},
              "clusters": {"q1": "a", "q2": "a", "q3": "b", "q4": "b"}}}}"#,
    );
    assert_eq!(status(&e, "unpaired").0, Status::Fired);
    assert_eq!(status(&e, "paired").0, Status::Fired);
    assert_eq!(status(&e, "zero").0, Status::Missing);
    assert_eq!(
        e.rule("zero").unwrap().missing,
        vec!["(effect not positive)"]
    );
    assert_eq!(e.rule("no_n").unwrap().missing, vec!["bare.n"]);
    assert_eq!(e.rule("both_unknown").unwrap().missing, vec!["gone"]);
}

#[test]
fn lets_stage_and_messages() {
    let e = eval(
        "metric m from \"m\" lower is better\nlet limit = base * 2\nlet base = 5%\n\
         let experts = flags where source == \"expert\"\n\
         rule r { block when m > limit\n message \"m is {m}, over {limit * 100}% with {count(experts)} expert flag(s) at {stage}; {{braces}}\" }\n\
         rule s { warn when stage == \"ab\" }\n",
        r#"{"stage": "ab", "metrics": {"m": 0.2}, "flags": [{"source": "expert", "category": "c", "severity": "low"}]}"#,
    );
    let r = e.rule("r").unwrap();
    assert_eq!(r.status, Status::Fired);
    assert_eq!(
        r.message.as_deref(),
        Some("m is 0.2, over 10% with 1 expert flag(s) at ab; {braces}")
    );
    assert_eq!(status(&e, "s").0, Status::Fired);

    let e = eval("rule s { warn when stage == \"ab\" }\n", "{}");
    assert_eq!(e.rule("s").unwrap().missing, vec!["stage"]);
}

#[test]
fn signoffs_expire_at_now() {
    let e = eval(
        "rule a { block unless signed(\"a\") }\nrule b { block unless signed(\"b\") }\nrule c { block unless signed(\"c\") }\nrule d { block unless signed(\"d\") }\n",
        r#"{"signoffs": [
            {"role": "a", "by": "x"},
            {"role": "b", "by": "x", "expires": "2025-04-25T12:00:00Z"},
            {"role": "c", "by": "x", "expires": "2025-04-26"}
        ]}"#,
    );
    assert_eq!(status(&e, "a").0, Status::Passed);
    assert_eq!(
        status(&e, "b").0,
        Status::Fired,
        "expiry at now does not count"
    );
    assert_eq!(status(&e, "c").0, Status::Passed);
    assert_eq!(status(&e, "d").0, Status::Fired);
}

#[test]
fn waivers() {
    let policy = "metric m from \"m\" lower is better\n\
        rule soft { block when m > 1\n waivable by \"lead\" }\n\
        rule hard { block when m > 1 }\n\
        rule gone { block when missing_metric > 1\n waivable by \"lead\" }\n\
        rule fine { block when m > 100\n waivable by \"lead\" }\n\
        metric missing_metric from \"nope\" lower is better\n";
    let e = eval(
        policy,
        r#"{"metrics": {"m": 5}, "waivers": [
            {"rule": "soft", "role": "lead", "by": "p", "reason": "known", "expires": "2025-05-01"},
            {"rule": "hard", "role": "lead", "by": "p", "reason": "r", "expires": "2025-05-01"},
            {"rule": "gone", "role": "lead", "by": "p", "reason": "eval pending", "expires": "2025-05-01"},
            {"rule": "fine", "role": "boss", "by": "p", "reason": "r", "expires": "2025-05-01"},
            {"rule": "soft", "role": "lead", "by": "p", "reason": "old", "expires": "2025-04-25T12:00:00Z"}
        ]}"#,
    );
    let soft = e.rule("soft").unwrap();
    assert_eq!((soft.status, soft.outcome), (Status::Waived, Outcome::Pass));
    let w = soft.waiver.as_ref().unwrap();
    assert_eq!(
        (w.by.as_str(), w.reason.as_str(), w.would_be),
        ("p", "known", Outcome::Block)
    );
    assert_eq!(status(&e, "hard"), (Status::Fired, Outcome::Block));
    assert_eq!(
        status(&e, "gone"),
        (Status::Waived, Outcome::Pass),
        "missing evidence can be waived"
    );
    assert_eq!(status(&e, "fine"), (Status::Passed, Outcome::Pass));
    assert_eq!(e.decision, Outcome::Block);
    assert_eq!(
        e.warnings,
        vec![
            "waiver for hard ignored: the rule is not waivable (it has no `waivable by`)",
            "waiver for fine ignored: role boss may not waive it (waivable by lead)",
            "waiver for soft ignored: expired at 2025-04-25T12:00:00Z",
        ]
    );
}

#[test]
fn now_comes_from_the_option_then_as_of_then_the_clock() {
    let policy = Policy::from_source(
        "t.gate",
        "policy \"t\" {}\nrule r { block unless signed(\"x\") }\n",
    )
    .unwrap();
    let with_as_of = evidence::parse_str(
        "e.json",
        r#"{"as_of": "2025-01-01T00:00:00Z", "signoffs": [{"role": "x", "by": "y", "expires": "2025-02-01"}]}"#,
        Format::Json,
    )
    .unwrap();
    let e = policy.evaluate(&with_as_of, Now::resolve(None, with_as_of.as_of));
    assert_eq!((e.now.from, e.decision), (NowSource::AsOf, Outcome::Pass));
    let later = evidence::parse_instant("2025-03-01").unwrap();
    let e = policy.evaluate(&with_as_of, Now::resolve(Some(later), with_as_of.as_of));
    assert_eq!(
        (e.now.from, e.decision),
        (NowSource::Option, Outcome::Block)
    );
    assert_eq!(Now::resolve(None, None).from, NowSource::Clock);
}

#[test]
fn rules_are_listed_entry_file_first_then_imports() {
    let p = Policy::load("tests/fixtures/eval/order/policy.gate").unwrap();
    let ids: Vec<&str> = p.program().rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "entry_a",
            "entry_b",
            "first_import",
            "nested_import",
            "second_import"
        ]
    );
}

/// The library fails closed on a policy without rules, for the report and the decider alike:
/// a gate that checks nothing blocks, and says why.
#[test]
fn a_policy_without_rules_blocks() {
    let policy = Policy::from_source(
        "t.gate",
        "policy \"t\" {}\nmetric m from \"m\" lower is better\n",
    )
    .unwrap();
    let bundle = evidence::parse_str("e.json", r#"{"metrics": {"m": 0.1}}"#, Format::Json).unwrap();
    let now = Now::resolve(Some(evidence::parse_instant(NOW).unwrap()), None);
    let report = policy.evaluate(&bundle, now);
    assert_eq!(report.decision, Outcome::Block);
    assert!(
        report.warnings.iter().any(|w| w.contains("has no rules")),
        "{:?}",
        report.warnings
    );
    assert_eq!(
        policy.decider().decide(&bundle, now).decision,
        Outcome::Block
    );
}
