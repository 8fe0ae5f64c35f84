//! Promises of STATISTICS.md, on random inputs: singleton clusters give the textbook standard
//! error; Holm is never less conservative than Benjamini–Hochberg; an unknown member never
//! makes another member of an adjusted family significant; `significantly_worse(m)` holds
//! exactly when `pvalue(m) < ALPHA`; and the order of items, of evidence files and of a
//! family's members changes no number.

use indexmap::IndexMap;
use proptest::prelude::*;
use serde_json::{json, Value};
use tollgate::evidence::{self, Input, Options, Samples};
use tollgate::stats::Adjustment;
use tollgate::{Evaluation, Status};

use super::support::{bundle, evaluate, policy};

/// Scores of `n` items `q0`, `q1`, …: whole or fractional, as evals give them.
fn scores(max: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![
            (0u8..=1).prop_map(f64::from),
            (0u32..=1000).prop_map(|x| f64::from(x) / 1000.0),
        ],
        2..max,
    )
}

fn items(scores: &[f64]) -> IndexMap<String, f64> {
    scores
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("q{i}"), *s))
        .collect()
}

/// A metric for a family member: value, baseline and standard errors; `None` leaves the
/// stderr out, so the member's test is unknown.
fn member() -> impl Strategy<Value = (f64, f64, Option<f64>)> {
    (
        0u32..1000,
        0u32..1000,
        prop::option::weighted(0.85, 1u32..200),
    )
        .prop_map(|(v, b, se)| {
            (
                f64::from(v) / 1000.0,
                f64::from(b) / 1000.0,
                se.map(|s| f64::from(s) / 2000.0),
            )
        })
}

fn member_json((value, baseline, se): (f64, f64, Option<f64>)) -> Value {
    let mut m = json!({"value": value, "baseline": baseline});
    if let Some(se) = se {
        m["stderr"] = json!(se);
        m["baseline_stderr"] = json!(se);
    }
    m
}

/// One rule per member `fam.<i>` that fires when that member is significantly worse.
fn family_policy(adjustment: &str, members: usize) -> String {
    let mut text =
        format!("metric family fam from \"fam.*\" lower is better adjusted by {adjustment}\n");
    for i in 0..members {
        text.push_str(&format!(
            "rule m{i} {{ warn when any(fam where name == \"fam.{i}\" and significantly_worse) }}\n"
        ));
    }
    text
}

fn fired(e: &Evaluation) -> Vec<&str> {
    e.rules
        .iter()
        .filter(|r| r.status == Status::Fired)
        .map(|r| r.id.as_str())
        .collect()
}

/// Every number a report states about the rules' tests, as bits.
fn test_numbers(e: &Evaluation) -> Vec<(String, Vec<u64>)> {
    e.rules
        .iter()
        .flat_map(|r| &r.tests)
        .map(|t| {
            let mut bits = vec![t.r.to_bits(), t.se.to_bits(), t.z.to_bits(), t.p.to_bits()];
            if let Some((_, w, b)) = t.adjusted {
                bits.extend([w.to_bits(), b.to_bits()]);
            }
            (t.key.clone(), bits)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn singleton_clusters_give_the_textbook_standard_error(s in scores(60), named in any::<bool>()) {
        // Every item its own cluster: named explicitly, or left out of `clusters`.
        let clusters: IndexMap<String, String> = if named {
            (0..s.len()).map(|i| (format!("q{i}"), format!("c{i}"))).collect()
        } else {
            IndexMap::new()
        };
        let set = Samples::new(Some(items(&s)), None, clusters);
        let summary = set.candidate_summary().unwrap();
        let n = s.len() as f64;
        let mean = s.iter().sum::<f64>() / n;
        let sd = (s.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let textbook = sd / n.sqrt();
        let se = summary.stderr.unwrap();
        prop_assert!((se - textbook).abs() <= 1e-12 * (1.0 + textbook), "{} vs {}", se, textbook);
    }

    #[test]
    fn holm_is_never_less_conservative_than_bh(
        ps in prop::collection::vec((0u32..=10_000).prop_map(|p| f64::from(p) / 10_000.0), 1..40)
    ) {
        let holm = Adjustment::Holm.adjust(&ps);
        let bh = Adjustment::Bh.adjust(&ps);
        for ((h, b), p) in holm.iter().zip(&bh).zip(&ps) {
            prop_assert!(h >= b, "holm {} < bh {} for p {}", h, b, p);
            // Neither makes a p-value smaller.
            prop_assert!(*b >= *p);
        }
    }

    #[test]
    fn an_unknown_member_never_makes_another_significant(
        members in prop::collection::vec(member(), 1..12),
        unknown_value in 0u32..1000,
        holm in any::<bool>(),
    ) {
        let adjustment = if holm { "holm" } else { "bh" };
        let p = policy(&family_policy(adjustment, members.len()));
        let metrics = |extra: bool| {
            let mut doc: serde_json::Map<String, Value> = members
                .iter()
                .enumerate()
                .map(|(i, m)| (format!("fam.{i}"), member_json(*m)))
                .collect();
            if extra {
                // No stderr: its test is unknown.
                doc.insert(
                    String::from("fam.zz"),
                    json!({"value": f64::from(unknown_value) / 1000.0, "baseline": 0.0}),
                );
            }
            json!({ "metrics": doc })
        };
        let before = evaluate(&p, &bundle(&metrics(false)));
        let after = evaluate(&p, &bundle(&metrics(true)));
        for id in fired(&after) {
            prop_assert!(fired(&before).contains(&id), "{} became significant", id);
        }
    }

    #[test]
    fn significantly_worse_exactly_when_the_p_value_is_below_alpha(
        (value, baseline, se) in member(),
        paired in prop::option::of(scores(30)),
        higher in any::<bool>(),
    ) {
        let direction = if higher { "higher" } else { "lower" };
        let alpha = tollgate::stats::alpha();
        let p = policy(&format!(
            "metric m from \"m\" {direction} is better\n\
             rule worse {{ warn when significantly_worse(m) }}\n\
             rule better {{ warn when significantly_better(m) }}\n\
             rule p {{ warn when pvalue(m) < {alpha:?} }}\n\
             rule q {{ warn when 1 - pvalue(m) < {alpha:?} }}\n"
        ));
        let mut doc = json!({"metrics": {"m": member_json((value, baseline, se))}});
        if let Some(s) = paired {
            let base: Vec<f64> = s.iter().rev().copied().collect();
            doc["samples"] = json!({"m": {"candidate": items(&s), "baseline": items(&base)}});
        }
        let e = evaluate(&p, &bundle(&doc));
        let status = |id: &str| e.rule(id).unwrap().status;
        prop_assert_eq!(status("worse"), status("p"));
        // Of an improvement, `1 - pvalue` is Phi(z) up to rounding: the same but at the edge.
        if status("better") != status("q") {
            let t = &e.rule("better").unwrap().tests[0];
            prop_assert!((t.z.abs() - 1.96).abs() < 1e-9, "{:?}", t);
        }
    }

    #[test]
    fn the_order_of_items_and_of_family_members_changes_no_number(
        cand in scores(40),
        seed in any::<u64>(),
        members in prop::collection::vec(member(), 1..8),
    ) {
        let base: Vec<f64> = cand.iter().map(|s| 1.0 - s).collect();
        let clusters: serde_json::Map<String, Value> = (0..cand.len())
            .map(|i| (format!("q{i}"), json!(format!("c{}", i % 3))))
            .collect();
        let shuffled = |xs: Vec<(String, Value)>| -> serde_json::Map<String, Value> {
            let mut xs = xs;
            let mut state = seed | 1;
            for i in (1..xs.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                xs.swap(i, (state % (i as u64 + 1)) as usize);
            }
            xs.into_iter().collect()
        };
        let doc = |shuffle: bool| {
            let side = |s: &[f64]| -> Vec<(String, Value)> {
                items(s).into_iter().map(|(k, v)| (k, json!(v))).collect()
            };
            let fam: Vec<(String, Value)> = members
                .iter()
                .enumerate()
                .map(|(i, m)| (format!("fam.{i}"), member_json(*m)))
                .collect();
            let order = |xs: Vec<(String, Value)>| {
                if shuffle { shuffled(xs) } else { xs.into_iter().collect() }
            };
            json!({
                "metrics": order(fam),
                "samples": {"acc": {
                    "candidate": order(side(&cand)),
                    "baseline": order(side(&base)),
                    "clusters": clusters.clone(),
                }}
            })
        };
        let p = policy(
            "metric acc from \"acc\" higher is better\n\
             metric family fam from \"fam.*\" lower is better adjusted by bh\n\
             rule a { warn when significantly_worse(acc) or mde(acc) > 0 }\n\
             rule f { warn when any(fam where significantly_worse) }\n",
        );
        let a = evaluate(&p, &bundle(&doc(false)));
        let b = evaluate(&p, &bundle(&doc(true)));
        // The paired test of `acc`, and one per member that has a test.
        prop_assert!(test_numbers(&a).iter().any(|(k, _)| k == "acc"));
        prop_assert_eq!(test_numbers(&a), test_numbers(&b));
        prop_assert_eq!(fired(&a), fired(&b));
    }
}

#[test]
fn the_order_of_evidence_files_changes_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, doc: Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, doc.to_string()).unwrap();
        path
    };
    let one = write(
        "one.json",
        json!({"samples": {"acc": {"candidate": {"a": 1, "b": 0, "c": 1}, "baseline": {"a": 1, "b": 1, "c": 1}}}}),
    );
    let two = write(
        "two.json",
        json!({"metrics": {"fam.x": {"value": 0.3, "baseline": 0.1, "stderr": 0.05, "baseline_stderr": 0.05},
                           "fam.y": {"value": 0.2, "baseline": 0.1, "stderr": 0.04, "baseline_stderr": 0.04}}}),
    );
    let p = policy(
        "metric acc from \"acc\" higher is better\n\
         metric family fam from \"fam.*\" lower is better adjusted by holm\n\
         rule a { warn when pvalue(acc) < 0.5 }\n\
         rule f { warn when any(fam where significantly_worse) }\n",
    );
    let load = |paths: [&std::path::Path; 2]| {
        let inputs: Vec<Input> = paths.iter().map(|p| Input::file(*p)).collect();
        evidence::load_inputs(&inputs, &Options::default()).unwrap()
    };
    let a = evaluate(&p, &load([&one, &two]));
    let b = evaluate(&p, &load([&two, &one]));
    assert_eq!(test_numbers(&a), test_numbers(&b));
    assert_eq!(test_numbers(&a).len(), 3);
}
