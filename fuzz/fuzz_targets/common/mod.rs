//! What the targets share: an in-memory file tree for imports, fixed instants, and the
//! invariants every evaluation must keep whatever its input.

#![allow(dead_code)]

use std::io;
use std::path::Path;

use tollgate::eval::explain;
use tollgate::evidence::{self, Bundle, Format};
use tollgate::{render, Now, NowSource, Outcome, Policy, Status};

/// The entry file's name in [`Tree`].
pub const ENTRY: &str = "fuzz.gate";

/// Files a fuzzed policy may import: a small library with rules, and one that imports back.
const LIBRARY: &[(&str, &str)] = &[
    (
        "lib.gate",
        "metric lib_m from \"lib.m\" lower is better\n\
         rule lib_rule \"From the library\" { review when lib_m > 0.5\n missing warn }\n",
    ),
    ("loop.gate", "import \"fuzz.gate\"\n"),
    ("bad.gate", "rule { block when }\n"),
];

/// Policy files in memory: the entry file and [`LIBRARY`]. Nothing is read from disk, so a
/// fuzzed `import "/dev/zero"` costs nothing.
pub struct Tree<'t> {
    pub entry: &'t str,
}

impl tollgate::check::SourceReader for Tree<'_> {
    fn read(&self, path: &Path) -> io::Result<String> {
        let name = path.to_string_lossy();
        let name = name.trim_start_matches("./");
        if name == ENTRY {
            return Ok(self.entry.to_string());
        }
        LIBRARY
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| (*text).to_string())
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "not in the fuzz tree"))
    }
}

/// Load `text` as the entry file of a policy.
pub fn load(text: &str) -> Option<Policy> {
    Policy::load_with(Path::new(ENTRY), &Tree { entry: text }).ok()
}

pub fn instant(text: &str) -> Now {
    let value = evidence::parse_instant(text).unwrap_or_default();
    Now {
        value,
        from: NowSource::Option,
    }
}

/// Bundles a fuzzed policy is evaluated on: one rich (metrics, flags, sign-offs, a waiver),
/// one empty.
pub fn fixed_bundles() -> Vec<Bundle> {
    let rich = r#"{
      "candidate": "c", "baseline": "b", "stage": "ab", "as_of": "2025-04-25T09:00:00Z",
      "metrics": {
        "m": {"value": 0.21, "baseline": 0.09, "stderr": 0.004, "baseline_stderr": 0.003,
              "ci": [0.19, 0.23], "baseline_ci": [0.08, 0.10], "n": 1800},
        "x": 0.5, "lib.m": 0.7, "zero": {"value": 0, "baseline": 0},
        "safety.refusal.a": {"value": 0.1, "baseline": 0.2, "stderr": 0.01},
        "safety.refusal.b": {"value": 0.3, "baseline": 0.1, "stderr": 0.01},
        "big": 1e308, "neg": -1e308
      },
      "flags": [
        {"id": "F-1", "source": "expert", "author": "a", "category": "sycophancy", "severity": "medium"},
        {"source": "alpha", "author": "b", "category": "personality", "severity": "critical", "note": "n", "stage": "alpha"},
        {"source": "user", "category": "x", "severity": "info"}
      ],
      "signoffs": [{"role": "safety-lead", "by": "r", "expires": "2030-01-01"}],
      "waivers": [{"rule": "r", "role": "lead", "by": "w", "reason": "ok", "expires": "2030-01-01"}]
    }"#;
    [rich, "{}"]
        .iter()
        .filter_map(|text| evidence::parse_str("fixed.json", text, Format::Json).ok())
        .collect()
}

/// Evaluate, render every format, and check what must hold for any policy and bundle:
/// the same answer twice, the decision is the most severe rule outcome, the fast decider
/// agrees with the full evaluation, the JSON report is JSON.
pub fn evaluate_all(policy: &Policy, bundle: &Bundle, now: Now) {
    let e = policy.evaluate(bundle, now);
    let again = policy.evaluate(bundle, now);
    assert!(e == again, "evaluation is not deterministic");

    let max = e
        .rules
        .iter()
        .map(|r| r.outcome)
        .max()
        .unwrap_or(Outcome::Pass);
    assert_eq!(
        e.decision, max,
        "decision is not the most severe rule outcome"
    );
    for r in &e.rules {
        match r.status {
            Status::Passed | Status::Waived => assert_eq!(r.outcome, Outcome::Pass, "{}", r.id),
            Status::Fired | Status::Missing => {}
        }
        if r.status == Status::Waived {
            assert!(r.waiver.is_some(), "{} waived without a waiver", r.id);
        }
    }

    let mut decider = policy.decider();
    let fast = decider.decide(bundle, now);
    assert_eq!(
        fast.decision, e.decision,
        "the decider disagrees with evaluate"
    );
    assert_eq!(fast.rules.len(), e.rules.len());
    for (v, r) in fast.rules.iter().zip(&e.rules) {
        assert_eq!(
            (v.outcome, v.status),
            (r.outcome, r.status),
            "rule {}",
            r.id
        );
    }

    let json = render::json::render(&e);
    let doc: serde_json::Value = match serde_json::from_str(&json) {
        Ok(doc) => doc,
        Err(err) => panic!("the JSON report is not JSON ({err}): {json}"),
    };
    assert_eq!(doc["decision"], e.decision.to_string());
    assert_eq!(json, render::json::render(&again), "JSON report differs");

    let _ = render::human::render(&e, false);
    let _ = render::human::render(&e, true);
    let explained = explain::explain(policy, bundle, now);
    let _ = render::github::render(&e, &explained);
    let _ = render::explain::render_text(&e, &explained);
    let with = render::explain::render_json(&e, &explained);
    assert!(
        serde_json::from_str::<serde_json::Value>(&with).is_ok(),
        "explain JSON: {with}"
    );
    let _ = render::markdown::render(&e, policy, &explained, true);
    let _ = render::junit::render(&e, Some(&explained));
    let _ = tollgate::record::render(&e, policy, &tollgate::evidence::Options::default());
}
