//! Evidence text → `evidence::parse_str` as JSON and as YAML; an accepted bundle is merged
//! with a fixed one and with itself (which must fail: its metric keys repeat). The JSON fast
//! path must accept nothing the validating pass rejects, and build the same bundle.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate::evidence::{self, Format};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (fast, validated) = evidence::json_readers("fuzz", text);
    if let Some(fast) = fast {
        match validated {
            Ok(validated) => assert_eq!(fast, validated, "the readers built different bundles"),
            Err(_) => panic!("the fast path accepted a document the validating pass rejects"),
        }
    }
    for format in [Format::Json, Format::Yaml] {
        match evidence::parse_str("fuzz", text, format) {
            Ok(bundle) => {
                assert_eq!(bundle.files.len(), 1);
                for metric in bundle.metrics.values() {
                    assert!(metric.value().is_finite());
                }
                let other = evidence::parse_str(
                    "other.json",
                    r#"{"metrics": {"other.key.only.here": 1}}"#,
                    Format::Json,
                );
                if let Ok(other) = other {
                    let _ = evidence::merge(vec![bundle.clone(), other]);
                }
                let twice = evidence::merge(vec![bundle.clone(), bundle.clone()]);
                if !bundle.metrics.is_empty() {
                    assert!(twice.is_err(), "a repeated metric key was merged");
                }
            }
            Err(diags) => {
                assert!(!diags.0.is_empty(), "rejected without a diagnostic");
                for d in &diags.0 {
                    assert!(d.message.starts_with("fuzz: "), "{}", d.message);
                    let _ = tollgate::render::diagnostics::render(d, false);
                }
            }
        }
    }
});
