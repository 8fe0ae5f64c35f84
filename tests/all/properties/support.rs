//! Building policies and bundles for the properties, and evaluating them.

use proptest::prelude::*;
use serde_json::{json, Value};
use tollgate::evidence::{self, Bundle, Format};
use tollgate::{Evaluation, Now, Policy};

pub const NOW: &str = "2025-04-25T12:00:00Z";

pub fn now() -> Now {
    Now::resolve(Some(evidence::parse_instant(NOW).unwrap()), None)
}

/// A policy from its items (a `policy` header is added).
pub fn policy(items: &str) -> Policy {
    let text = format!("policy \"properties\" {{}}\n{items}");
    match Policy::from_source("properties.gate", text.clone()) {
        Ok(p) => p,
        Err(d) => panic!("{d:?}\n{text}"),
    }
}

pub fn bundle(doc: &Value) -> Bundle {
    let text = serde_json::to_string_pretty(doc).unwrap();
    match evidence::parse_str("properties.json", &text, Format::Json) {
        Ok(b) => b,
        Err(d) => panic!("{d:?}\n{text}"),
    }
}

pub fn evaluate(policy: &Policy, bundle: &Bundle) -> Evaluation {
    policy.evaluate(bundle, now())
}

pub const SEVERITIES: &[&str] = &["info", "low", "medium", "high", "critical"];
pub const SOURCES: &[&str] = &["expert", "alpha", "redteam", "user"];
pub const CATEGORIES: &[&str] = &["sycophancy", "hallucination", "personality", "other"];
pub const AUTHORS: &[&str] = &["a", "b", "c"];

/// A flag; `author` and `id` are sometimes absent (a predicate on them is then unknown).
pub fn flag() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(SOURCES),
        prop::sample::select(CATEGORIES),
        prop::sample::select(SEVERITIES),
        prop::option::of(prop::sample::select(AUTHORS)),
        prop::option::of(0u32..1000),
    )
        .prop_map(|(source, category, severity, author, id)| {
            let mut f = json!({"source": source, "category": category, "severity": severity});
            if let Some(a) = author {
                f["author"] = json!(a);
            }
            if let Some(id) = id {
                f["id"] = json!(format!("F-{id}"));
            }
            f
        })
}
