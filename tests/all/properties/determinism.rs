//! One input, one answer: the same policy and bundle give byte-identical reports, however
//! often and in whichever process they are evaluated; evidence files whose contents do not
//! overlap may be given in any order (only the report's `evidence` list follows it); and
//! the order of flags changes nothing.

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use serde_json::{json, Value};
use tollgate::evidence::{self, Format};
use tollgate::render;

use super::support::{self, flag};

const POLICIES: &[(&str, &str)] = &[
    (
        "policies/chat-mainline.gate",
        include_str!("../../../policies/chat-mainline.gate"),
    ),
    (
        "policies/frontier-preparedness.gate",
        include_str!("../../../policies/frontier-preparedness.gate"),
    ),
];

const RATES: &[&str] = &[
    "behavior.sycophancy_rate",
    "behavior.hallucination_rate",
    "behavior.deception_rate",
    "ab.thumbs_up_rate",
    "offline.mmlu.acc",
    "safety.over_refusal.a",
    "safety.over_refusal.b",
    "safety.over_refusal.c",
    "unrelated.metric",
];

const LEVELS: &[&str] = &[
    "preparedness.biological_chemical.level",
    "preparedness.cybersecurity.level",
    "preparedness.ai_self_improvement.level",
];

const ROLES: &[&str] = &[
    "safety-lead",
    "model-behavior-lead",
    "safety-advisory-group",
    "safeguards-cybersecurity",
    "head-of-model-behavior",
    "research-lead",
];

const RULES: &[&str] = &[
    "tester_behavior_concern",
    "sycophancy_regression",
    "capability_floor",
    "over_refusal_regression",
    "safety_signoff",
    "cybersecurity",
    "redteam_high",
    "no_such_rule",
];

/// A metric: a bare number, or an object with some of the optional fields.
fn metric(level: bool) -> BoxedStrategy<Value> {
    let value = if level {
        (0u32..5).prop_map(f64::from).boxed()
    } else {
        (0u32..1000).prop_map(|v| f64::from(v) / 1000.0).boxed()
    };
    (
        value,
        prop::option::of(0u32..1000),
        prop::option::of(1u32..50),
        prop::option::of(1u32..50),
        prop::option::of(0u64..100_000),
        any::<bool>(),
    )
        .prop_map(|(value, baseline, stderr, baseline_stderr, n, bare)| {
            if bare {
                return json!(value);
            }
            let mut m = json!({"value": value});
            if let Some(b) = baseline {
                m["baseline"] = json!(f64::from(b) / 1000.0);
            }
            if let Some(s) = stderr {
                m["stderr"] = json!(f64::from(s) / 1000.0);
            }
            if let Some(s) = baseline_stderr {
                m["baseline_stderr"] = json!(f64::from(s) / 1000.0);
            }
            if let Some(n) = n {
                m["n"] = json!(n);
            }
            m
        })
        .boxed()
}

fn signoff() -> impl Strategy<Value = Value> {
    (prop::sample::select(ROLES), prop::option::of(0u32..2)).prop_map(|(role, expired)| {
        let mut s = json!({"role": role, "by": "someone"});
        if let Some(e) = expired {
            s["expires"] = json!(if e == 0 { "2025-01-01" } else { "2030-01-01" });
        }
        s
    })
}

fn waiver() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(RULES),
        prop::sample::select(ROLES),
        any::<bool>(),
    )
        .prop_map(|(rule, role, expired)| {
            json!({
                "rule": rule, "role": role, "by": "someone", "reason": "generated",
                "expires": if expired { "2025-01-01" } else { "2030-01-01" },
            })
        })
}

/// A bundle already cut into parts whose contents do not overlap: each metric, flag,
/// sign-off and waiver goes to one part; the candidate and stage to the first.
#[derive(Debug, Clone)]
struct Split {
    parts: Vec<Value>,
}

fn split() -> impl Strategy<Value = Split> {
    let metrics = (
        prop::collection::vec(
            (prop::sample::select(RATES), metric(false), 0usize..4),
            0..9,
        ),
        prop::collection::vec(
            (prop::sample::select(LEVELS), metric(true), 0usize..4),
            0..3,
        ),
    );
    (
        1usize..5,
        metrics,
        prop::collection::vec((flag(), 0usize..4), 0..6),
        prop::collection::vec((signoff(), 0usize..4), 0..5),
        prop::collection::vec((waiver(), 0usize..4), 0..4),
    )
        .prop_map(|(n, (rates, levels), flags, signoffs, waivers)| {
            let mut parts: Vec<Value> = (0..n)
                .map(|_| json!({"metrics": {}, "flags": [], "signoffs": [], "waivers": []}))
                .collect();
            parts[0]["candidate"] = json!("cand");
            parts[0]["stage"] = json!("ab");
            for (key, m, at) in rates.into_iter().chain(levels) {
                let taken = parts.iter().any(|p| p["metrics"].get(key).is_some());
                if !taken {
                    parts[at % n]["metrics"][key] = m;
                }
            }
            for (list, items) in [
                ("flags", flags),
                ("signoffs", signoffs),
                ("waivers", waivers),
            ] {
                for (item, at) in items {
                    parts[at % n][list].as_array_mut().unwrap().push(item);
                }
            }
            Split { parts }
        })
}

fn merged(parts: &[Value], order: &[usize]) -> tollgate::Bundle {
    let bundles = order
        .iter()
        .map(|&i| {
            let text = serde_json::to_string(&parts[i]).unwrap();
            evidence::parse_str(&format!("part-{i}.json"), &text, Format::Json).unwrap()
        })
        .collect();
    evidence::merge(bundles).unwrap()
}

/// The report without the list of evidence files, and with warnings sorted (one per
/// waiver that does not apply, in the order the waivers were read).
fn without_evidence(mut report: Value) -> Value {
    report.as_object_mut().unwrap().remove("evidence");
    if let Some(w) = report.get_mut("warnings").and_then(Value::as_array_mut) {
        w.sort_by_key(|v| v.to_string());
    }
    report
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn evaluating_twice_gives_the_same_bytes(split in split(), which in 0..POLICIES.len()) {
        let (name, text) = POLICIES[which];
        let bundle = merged(&split.parts, &(0..split.parts.len()).collect::<Vec<_>>());
        let first = tollgate::Policy::from_source(name, text).unwrap();
        let second = tollgate::Policy::from_source(name, text).unwrap();
        let a = render::json::render(&support::evaluate(&first, &bundle));
        let b = render::json::render(&support::evaluate(&first, &bundle));
        let c = render::json::render(&support::evaluate(&second, &bundle));
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &c);
    }

    #[test]
    fn the_order_of_evidence_files_changes_only_the_evidence_list(
        (split, order) in split().prop_flat_map(|s| {
            let order = Just((0..s.parts.len()).collect::<Vec<_>>()).prop_shuffle();
            (Just(s), order)
        }),
        which in 0..POLICIES.len(),
    ) {
        let (name, text) = POLICIES[which];
        let policy = tollgate::Policy::from_source(name, text).unwrap();
        let given = merged(&split.parts, &(0..split.parts.len()).collect::<Vec<_>>());
        let shuffled = merged(&split.parts, &order);
        let a = render::json::to_value(&support::evaluate(&policy, &given));
        let b = render::json::to_value(&support::evaluate(&policy, &shuffled));
        let files = |v: &Value| v["evidence"].as_array().unwrap().len();
        prop_assert_eq!(files(&a), files(&b));
        prop_assert_eq!(without_evidence(a), without_evidence(b));
    }

    #[test]
    fn the_order_of_flags_changes_nothing(
        (flags, shuffled) in prop::collection::vec(flag(), 0..8).prop_flat_map(|f| {
            (Just(f.clone()), Just(f).prop_shuffle())
        }),
        which in 0..POLICIES.len(),
    ) {
        let (name, text) = POLICIES[which];
        let policy = tollgate::Policy::from_source(name, text).unwrap();
        let doc = |flags: &[Value]| support::bundle(&json!({
            "metrics": {"behavior.sycophancy_rate": {"value": 0.1, "baseline": 0.1}},
            "flags": flags,
            "signoffs": [{"role": "safety-lead", "by": "x"}],
        }));
        // The evidence list differs: the two texts, so their sha256, are not the same.
        let a = render::json::to_value(&support::evaluate(&policy, &doc(&flags)));
        let b = render::json::to_value(&support::evaluate(&policy, &doc(&shuffled)));
        prop_assert_eq!(without_evidence(a), without_evidence(b));
    }
}

/// Across processes: a hash map iterated in a report would show here first.
#[test]
fn the_binary_prints_the_same_bytes_every_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |evidence: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tollgate"));
        cmd.current_dir(root)
            .args(["eval", "policies/chat-mainline.gate", "--now", support::NOW])
            .args(["--format", "json"]);
        for e in evidence {
            cmd.args(["--evidence", e]);
        }
        let out = cmd.output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1 | 3)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    for bundle in [
        "examples/gpt-4o-2025-04-25/evidence.json",
        "examples/chat-waived/evidence.json",
    ] {
        let first = run(&[bundle]);
        for _ in 0..2 {
            assert_eq!(run(&[bundle]), first, "{bundle}");
        }
    }
    let a = "tests/fixtures/evidence/ab-part-a.json";
    let b = "tests/fixtures/evidence/ab-part-b.yaml";
    let forward: Value = serde_json::from_slice(&run(&[a, b])).unwrap();
    let backward: Value = serde_json::from_slice(&run(&[b, a])).unwrap();
    assert_eq!(without_evidence(forward), without_evidence(backward));
}
