//! Effect derivation of `tollgate diff`, one behaviour per test: each builds two versions of a
//! small policy and checks the effect reported for each rule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tollgate::check::SourceReader;
use tollgate::diff::{self, Change, Effect, Verdict, Version};
use tollgate::Policy;

const HEADER: &str = r#"policy "gate" { version "1" owner "behavior" }

metric syc from "behavior.sycophancy_rate" lower is better
metric hal from "behavior.hallucination_rate" lower is better
metric ups from "ab.thumbs_up_rate" higher is better
metric family refusals from "safety.refusal.*" lower is better
"#;

fn policy(name: &str, body: &str) -> Policy {
    let text = format!("{HEADER}\n{body}");
    Policy::from_source(name, text)
        .unwrap_or_else(|d| panic!("{name} does not load: {d:?}\n{body}"))
}

fn report(old: &str, new: &str) -> diff::Report {
    let (a, b) = (policy("old.gate", old), policy("new.gate", new));
    diff::diff(Version::new(&a), Version::new(&b))
}

/// The effects reported for `rule`, in order.
fn effects_of(changes: &[Change], rule: &str) -> Vec<Effect> {
    changes
        .iter()
        .filter(|c| c.rule.as_deref() == Some(rule))
        .map(|c| c.effect)
        .collect()
}

/// The single effect of the single rule `r` between two bodies.
fn effect(old: &str, new: &str) -> Effect {
    let r = report(old, new);
    let effects = effects_of(&r.changes, "r");
    assert_eq!(
        effects.len(),
        1,
        "expected one change, got {:#?}",
        r.changes
    );
    effects[0]
}

fn rule(body: &str) -> String {
    format!("rule r {{\n{body}\n}}\n")
}

#[test]
fn threshold_raised_loosens_and_lowered_tightens() {
    let at = |t: &str| rule(&format!("  block when regression(syc) > {t}"));
    assert_eq!(effect(&at("1%"), &at("3%")), Effect::Loosened);
    assert_eq!(effect(&at("3%"), &at("1%")), Effect::Tightened);
    let r = report(&at("1%"), &at("3%"));
    assert_eq!(r.verdict, Verdict::Loosened);
    assert_eq!(
        r.changes[0].summary,
        "block threshold on regression(syc) raised from 1% to 3%"
    );
}

#[test]
fn threshold_on_the_left_and_below_reads_the_other_way() {
    let lt = |t: &str| rule(&format!("  review when {t} > improvement(ups)"));
    assert_eq!(effect(&lt("0.01"), &lt("0.02")), Effect::Tightened);
    let below = |t: &str| rule(&format!("  block when ups < {t}"));
    assert_eq!(effect(&below("0.5"), &below("0.6")), Effect::Tightened);
}

#[test]
fn non_strict_comparison_is_weaker() {
    let gt = rule("  block when regression(syc) > 1%");
    let ge = rule("  block when regression(syc) >= 1%");
    assert_eq!(effect(&gt, &ge), Effect::Tightened);
    assert_eq!(effect(&ge, &gt), Effect::Loosened);
    // Strictness and threshold moving opposite ways cannot be ordered.
    let ge2 = rule("  block when regression(syc) >= 2%");
    assert_eq!(effect(&gt, &ge2), Effect::Changed);
}

#[test]
fn not_flips_polarity() {
    let at = |t: &str| rule(&format!("  block when not (regression(syc) > {t})"));
    assert_eq!(effect(&at("1%"), &at("3%")), Effect::Tightened);
}

#[test]
fn unless_flips_polarity() {
    let at = |t: &str| rule(&format!("  block unless regression(syc) < {t}"));
    assert_eq!(effect(&at("1%"), &at("3%")), Effect::Loosened);
    let signed = |t: &str| {
        rule(&format!(
            "  block unless signed(\"lead\") or regression(syc) < {t}"
        ))
    };
    assert_eq!(effect(&signed("1%"), &signed("3%")), Effect::Loosened);
}

#[test]
fn and_or_are_monotone_in_both_sides() {
    let and = |t: &str| {
        rule(&format!(
            "  block when regression(syc) > 1% and regression(hal) > {t}"
        ))
    };
    assert_eq!(effect(&and("1%"), &and("2%")), Effect::Loosened);
    let or = |t: &str| {
        rule(&format!(
            "  block when regression(syc) > {t} or regression(hal) > 1%"
        ))
    };
    assert_eq!(effect(&or("1%"), &or("0.5%")), Effect::Tightened);
    // Two slots moving the same way combine; opposite ways do not.
    let both = |a: &str, b: &str| {
        rule(&format!(
            "  block when regression(syc) > {a} or regression(hal) > {b}"
        ))
    };
    assert_eq!(
        effect(&both("1%", "1%"), &both("2%", "3%")),
        Effect::Loosened
    );
    assert_eq!(
        effect(&both("1%", "1%"), &both("2%", "0.5%")),
        Effect::Changed
    );
}

#[test]
fn where_predicates_inside_any_none_and_count() {
    let any = |s: &str| {
        rule(&format!(
            "  block when any(flags where source == \"expert\" and severity >= {s})"
        ))
    };
    assert_eq!(effect(&any("medium"), &any("high")), Effect::Loosened);
    assert_eq!(effect(&any("high"), &any("low")), Effect::Tightened);

    let none = |s: &str| rule(&format!("  review when none(flags where severity >= {s})"));
    assert_eq!(effect(&none("medium"), &none("high")), Effect::Tightened);

    let count = |s: &str, k: &str| {
        rule(&format!(
            "  block when count(flags where severity >= {s}) >= {k}"
        ))
    };
    assert_eq!(
        effect(&count("medium", "2"), &count("high", "2")),
        Effect::Loosened
    );
    assert_eq!(
        effect(&count("medium", "2"), &count("medium", "3")),
        Effect::Loosened
    );
    assert_eq!(
        effect(&count("medium", "3"), &count("low", "2")),
        Effect::Tightened
    );

    let fewer = |k: &str| {
        rule(&format!(
            "  warn when count(flags where severity >= high) < {k}"
        ))
    };
    assert_eq!(effect(&fewer("2"), &fewer("3")), Effect::Tightened);

    let family = |t: &str| {
        rule(&format!(
            "  review when any(refusals where regression > {t})"
        ))
    };
    assert_eq!(effect(&family("1%"), &family("2%")), Effect::Loosened);
}

/// A count whose elements may be uncertain (a missing metric decides some) is compared as a
/// count, whatever test is written on it: under a `not`, `count(C) <= 0` fires when `C` is
/// non-empty, so widening `C` tightens the rule.
#[test]
fn counts_over_uncertain_elements_under_not() {
    let gate = |t: &str, test: &str| {
        format!(
            "let experts = flags where severity >= high or regression(syc) > {t}\n{}",
            rule(&format!("  block when not (count(experts) {test})"))
        )
    };
    for test in ["<= 0", "< 1", "== 0"] {
        assert_eq!(
            effect(&gate("2%", test), &gate("1%", test)),
            Effect::Tightened,
            "{test}: widening the counted flags"
        );
        assert_eq!(
            effect(&gate("1%", test), &gate("2%", test)),
            Effect::Loosened,
            "{test}: narrowing the counted flags"
        );
    }
}

#[test]
fn list_membership_grows_and_shrinks() {
    let cats = |l: &str| rule(&format!("  block when any(flags where category in [{l}])"));
    assert_eq!(
        effect(&cats("\"tone\""), &cats("\"tone\", \"personality\"")),
        Effect::Tightened
    );
    assert_eq!(
        effect(&cats("\"tone\", \"personality\""), &cats("\"tone\"")),
        Effect::Loosened
    );
    assert_eq!(
        effect(&cats("\"tone\""), &cats("\"personality\"")),
        Effect::Changed
    );
    let not_in = |l: &str| {
        rule(&format!(
            "  block when any(flags where category not in [{l}])"
        ))
    };
    assert_eq!(
        effect(&not_in("\"tone\""), &not_in("\"tone\", \"style\"")),
        Effect::Loosened
    );
}

#[test]
fn let_change_is_reported_against_every_rule_it_reaches() {
    let body = |limit: &str| {
        format!(
            "let limit = {limit}\nlet double = limit * 2\n\
             rule a {{\n  block when regression(syc) > limit\n}}\n\
             rule b {{\n  review when regression(hal) > double\n}}\n\
             rule c {{\n  warn when improvement(ups) < limit\n}}\n\
             rule d {{\n  block when regression(syc) > 5%\n  message \"limit is {{limit}}\"\n}}\n"
        )
    };
    let r = report(&body("1%"), &body("2%"));
    assert_eq!(effects_of(&r.changes, "a"), [Effect::Loosened]);
    assert_eq!(effects_of(&r.changes, "b"), [Effect::Loosened]);
    assert_eq!(effects_of(&r.changes, "c"), [Effect::Tightened]);
    // Only a message reads it in d: no decision changes there.
    assert!(effects_of(&r.changes, "d").is_empty(), "{:#?}", r.changes);
    assert_eq!(r.verdict, Verdict::Mixed);
    let a = r
        .changes
        .iter()
        .find(|c| c.rule.as_deref() == Some("a"))
        .unwrap();
    assert_eq!(a.summary, "let limit raised from 1% to 2%");
    assert_eq!(a.old.as_ref().unwrap().line, 8);
}

#[test]
fn let_lists_reach_rules_through_membership() {
    let body = |l: &str| {
        format!(
            "let testers = [{l}]\n{}",
            rule("  block when any(flags where source in testers)")
        )
    };
    assert_eq!(
        effect(&body("\"expert\""), &body("\"expert\", \"alpha\"")),
        Effect::Tightened
    );
    assert_eq!(
        effect(&body("\"expert\", \"alpha\""), &body("\"alpha\"")),
        Effect::Loosened
    );
}

#[test]
fn inlined_let_is_compared_with_the_literal_it_replaces() {
    let old = rule("  block when regression(syc) > 1%");
    let new = format!(
        "let limit = 2%\n{}",
        rule("  block when regression(syc) > limit")
    );
    assert_eq!(effect(&old, &new), Effect::Loosened);
}

#[test]
fn multi_tier_clauses_are_matched_by_severity_and_shape() {
    let tiers = |b: &str, r: &str| {
        rule(&format!(
            "  block when regression(syc) > {b}\n  review when regression(syc) > {r}"
        ))
    };
    assert_eq!(
        effect(&tiers("2%", "1%"), &tiers("2%", "1.5%")),
        Effect::Loosened
    );
    assert_eq!(
        effect(&tiers("2%", "1%"), &tiers("1.5%", "1%")),
        Effect::Tightened
    );
    let r = report(&tiers("2%", "1%"), &tiers("2%", "1.5%"));
    assert_eq!(
        r.changes[0].summary,
        "review threshold on regression(syc) raised from 1% to 1.5%"
    );

    let one = rule("  block when regression(syc) > 2%");
    assert_eq!(effect(&one, &tiers("2%", "1%")), Effect::Tightened);
    assert_eq!(effect(&tiers("2%", "1%"), &one), Effect::Loosened);
}

#[test]
fn clause_severity_raised_and_lowered() {
    let sev = |s: &str| {
        rule(&format!(
            "  {s} when regression(syc) > 1%\n  block when regression(syc) > 5%"
        ))
    };
    assert_eq!(effect(&sev("review"), &sev("block")), Effect::Tightened);
    assert_eq!(effect(&sev("review"), &sev("warn")), Effect::Loosened);
    let r = report(&sev("review"), &sev("warn"));
    assert_eq!(
        r.changes[0].summary,
        "severity lowered from review to warn for `when regression(syc) > 1%`"
    );
}

#[test]
fn missing_outcome_more_or_less_severe() {
    let tiers = "  block when regression(syc) > 2%\n  review when regression(syc) > 1%";
    let with = |m: &str| rule(&format!("{tiers}\n  missing {m}"));
    let without = rule(tiers);
    // Absent means each clause's own severity: `missing review` lowers the block clause's.
    assert_eq!(effect(&without, &with("review")), Effect::Loosened);
    assert_eq!(effect(&without, &with("block")), Effect::Tightened);
    assert_eq!(effect(&with("review"), &with("block")), Effect::Tightened);
    assert_eq!(effect(&with("warn"), &with("pass")), Effect::Loosened);
    // Up for the warn clause, down for the block clause: no direction.
    let mixed = "  block when regression(syc) > 1%\n  warn when regression(hal) > 1%";
    assert_eq!(
        effect(&rule(mixed), &rule(&format!("{mixed}\n  missing review"))),
        Effect::Changed
    );
    let r = report(&without, &with("review"));
    assert_eq!(
        r.changes[0].summary,
        "missing evidence now gives review (was each clause's own severity)"
    );
}

#[test]
fn missing_above_the_clause_severity_needs_a_condition_that_stays_known() {
    // `missing block` on a review clause: unknown is worse than true. A threshold on one
    // comparison keeps what is unknown; one inside `or` may not.
    let one = |t: &str| {
        rule(&format!(
            "  review when regression(syc) > {t}\n  missing block"
        ))
    };
    assert_eq!(effect(&one("1%"), &one("2%")), Effect::Loosened);
    let or = |t: &str| {
        rule(&format!(
            "  review when regression(syc) > {t} or regression(hal) > 1%\n  missing block"
        ))
    };
    assert_eq!(effect(&or("1%"), &or("2%")), Effect::Changed);
}

#[test]
fn waivable_roles_added_loosen_and_removed_tighten() {
    let roles = |r: &str| {
        rule(&format!(
            "  block when regression(syc) > 1%\n  waivable by {r}"
        ))
    };
    assert_eq!(
        effect(&roles("\"a\""), &roles("\"a\", \"b\"")),
        Effect::Loosened
    );
    assert_eq!(
        effect(&roles("\"a\", \"b\""), &roles("\"b\"")),
        Effect::Tightened
    );
    assert_eq!(effect(&roles("\"a\""), &roles("\"b\"")), Effect::Changed);
    assert_eq!(
        effect(&rule("  block when regression(syc) > 1%"), &roles("\"a\"")),
        Effect::Loosened
    );
    assert_eq!(
        effect(&roles("\"a\", \"b\""), &roles("\"b\", \"a\"")),
        Effect::Cosmetic
    );
}

#[test]
fn metric_rebound_or_flipped_is_changed_for_every_rule_it_reaches() {
    let rules = "let syc_limit = syc + 1%\n\
                 rule a {\n  block when regression(syc) > 1%\n}\n\
                 rule b {\n  review when hal > syc_limit\n}\n\
                 rule c {\n  block when regression(hal) > 1%\n}\n";
    let old = policy("old.gate", rules);
    let rebound = Policy::from_source(
        "new.gate",
        format!(
            "{}\n{rules}",
            HEADER.replace("\"behavior.sycophancy_rate\"", "\"behavior.sycophancy_v2\"")
        ),
    )
    .unwrap();
    let r = diff::diff(Version::new(&old), Version::new(&rebound));
    assert_eq!(effects_of(&r.changes, "a"), [Effect::Changed]);
    assert_eq!(effects_of(&r.changes, "b"), [Effect::Changed]);
    assert!(effects_of(&r.changes, "c").is_empty());
    assert_eq!(r.verdict, Verdict::Changed);
    assert!(
        r.changes[0]
            .summary
            .contains("now reads \"behavior.sycophancy_v2\""),
        "{:#?}",
        r.changes
    );

    let flipped = Policy::from_source(
        "new.gate",
        format!(
            "{}\n{rules}",
            HEADER.replace(
                "\"behavior.sycophancy_rate\" lower",
                "\"behavior.sycophancy_rate\" higher"
            )
        ),
    )
    .unwrap();
    let r = diff::diff(Version::new(&old), Version::new(&flipped));
    assert_eq!(effects_of(&r.changes, "a"), [Effect::Changed]);
    assert_eq!(effects_of(&r.changes, "b"), [Effect::Changed]);
}

#[test]
fn condition_on_another_metric_is_changed() {
    let on = |m: &str| rule(&format!("  block when regression({m}) > 1%"));
    assert_eq!(effect(&on("syc"), &on("hal")), Effect::Changed);
    let test = |m: &str| rule(&format!("  block unless signed(\"{m}\")"));
    assert_eq!(effect(&test("a"), &test("b")), Effect::Changed);
}

#[test]
fn rules_and_clauses_added_or_removed() {
    let one = "rule a {\n  block when regression(syc) > 1%\n}\n";
    let two = format!("{one}rule b {{\n  review when regression(hal) > 1%\n}}\n");
    let r = report(one, &two);
    assert_eq!(effects_of(&r.changes, "b"), [Effect::Tightened]);
    assert!(r.changes[0].old.is_none());
    let r = report(&two, one);
    assert_eq!(effects_of(&r.changes, "b"), [Effect::Loosened]);
    assert!(r.changes[0].new.is_none());

    let base = rule("  block when regression(syc) > 1%");
    let more = rule("  block when regression(syc) > 1%\n  warn when regression(hal) > 1%");
    assert_eq!(effect(&base, &more), Effect::Tightened);
    assert_eq!(effect(&more, &base), Effect::Loosened);
}

#[test]
fn titles_messages_comments_and_layout_are_cosmetic() {
    let old = "# about r\nrule r \"Old title\" {\n  block when regression(syc) > 1%\n  message \"old\"\n}\n";
    let new = "# about rule r\nrule r \"New title\" {\n  # why\n  block   when regression(syc)>1%\n  message \"new {regression(syc)}\"\n}\n";
    let r = report(old, new);
    assert!(
        r.changes.iter().all(|c| c.effect == Effect::Cosmetic),
        "{:#?}",
        r.changes
    );
    assert_eq!(r.verdict, Verdict::Cosmetic);
    let written = report(
        &rule("  block when regression(syc) > 1%"),
        &rule("  block when regression(syc) > 0.01"),
    );
    assert_eq!(written.verdict, Verdict::Cosmetic);
    let layout = report(
        &rule("  block when regression(syc) > 1%"),
        &rule("  block  when  regression(syc) > 1%"),
    );
    assert_eq!(layout.verdict, Verdict::Cosmetic);
    assert_eq!(layout.changes[0].summary, "layout or comments changed");
    let clauses = |a: &str, b: &str| rule(&format!("  {a}\n  {b}"));
    let (x, y) = (
        "block when regression(syc) > 1%",
        "review when regression(hal) > 1%",
    );
    assert_eq!(
        report(&clauses(x, y), &clauses(y, x)).verdict,
        Verdict::Cosmetic
    );
}

#[test]
fn identical_versions_are_unchanged() {
    let body = rule("  block when regression(syc) > 1%");
    let r = report(&body, &body);
    assert_eq!(r.verdict, Verdict::Unchanged);
    assert!(r.changes.is_empty());
}

#[test]
fn header_metadata_changes_name_the_item_and_no_rule() {
    let body = rule("  block when regression(syc) > 1%");
    let old = policy("old.gate", &body);
    let new = Policy::from_source(
        "new.gate",
        format!(
            "{}\n{body}",
            HEADER.replace(
                "version \"1\" owner \"behavior\"",
                "version \"2\" owner \"safety\" description \"d\""
            )
        ),
    )
    .unwrap();
    let r = diff::diff(Version::new(&old), Version::new(&new));
    let items: Vec<(Option<&str>, Option<&str>, Effect)> = r
        .changes
        .iter()
        .map(|c| (c.rule.as_deref(), c.item.as_deref(), c.effect))
        .collect();
    assert_eq!(
        items,
        [
            (None, Some("policy version"), Effect::Cosmetic),
            (None, Some("policy owner"), Effect::Cosmetic),
            (None, Some("policy description"), Effect::Cosmetic),
        ]
    );
    assert_eq!(r.changes[0].summary, "version changed from \"1\" to \"2\"");
    assert!(r.changes[2].old.is_none());
    assert_eq!(r.verdict, Verdict::Cosmetic);
}

/// Files held in memory, for policies with imports.
struct Files(HashMap<PathBuf, String>);

impl SourceReader for Files {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    }
}

#[test]
fn rules_are_matched_across_imports() {
    let entry = format!(
        "{HEADER}\nimport \"common.gate\"\n{}",
        rule("  block when regression(syc) > 1%")
    );
    let common = |t: &str| format!("rule shared {{\n  review when regression(hal) > {t}\n}}\n");
    let load = |t: &str| {
        let files = Files(HashMap::from([
            (PathBuf::from("p/entry.gate"), entry.clone()),
            (PathBuf::from("p/common.gate"), common(t)),
        ]));
        Policy::load_with(Path::new("p/entry.gate"), &files).unwrap()
    };
    let (old, new) = (load("1%"), load("2%"));
    let r = diff::diff(Version::new(&old), Version::new(&new));
    assert_eq!(effects_of(&r.changes, "shared"), [Effect::Loosened]);
    let place = r.changes[0].new.as_ref().unwrap();
    assert_eq!(
        (place.file.as_str(), place.line, place.column),
        ("p/common.gate", 2, 3)
    );

    // The same rule moved from the entry file into the import: only a cosmetic move.
    let inline = format!(
        "{HEADER}\n{}{}",
        rule("  block when regression(syc) > 1%"),
        common("1%")
    );
    let files = Files(HashMap::from([(PathBuf::from("p/entry.gate"), inline)]));
    let before = Policy::load_with(Path::new("p/entry.gate"), &files).unwrap();
    let r = diff::diff(Version::new(&before), Version::new(&old));
    assert_eq!(r.verdict, Verdict::Cosmetic, "{:#?}", r.changes);
    assert_eq!(effects_of(&r.changes, "shared"), [Effect::Cosmetic]);
}

#[test]
fn fail_on_follows_the_effects() {
    let at = |t: &str| rule(&format!("  block when regression(syc) > {t}"));
    let loose = report(&at("1%"), &at("2%"));
    assert!(loose.fails(diff::FailOn::Loosened));
    assert!(loose.fails(diff::FailOn::Changed));
    let tight = report(&at("2%"), &at("1%"));
    assert!(!tight.fails(diff::FailOn::Loosened));
    assert!(tight.fails(diff::FailOn::Changed));
    let cosmetic = report(&at("1%"), &at("0.01"));
    assert!(!cosmetic.fails(diff::FailOn::Changed));
}
