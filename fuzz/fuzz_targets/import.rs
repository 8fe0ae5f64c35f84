//! Harness outputs → `evidence::import::parse_str`, once with the format detected from the
//! content and once as each format: lm-eval, Inspect, promptfoo, HELM, flags CSV and the
//! native bundle. An accepted bundle holds only finite numbers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate::evidence::import::{parse_str, Options};
use tollgate::evidence::InputFormat;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let formats = std::iter::once(None).chain(InputFormat::ALL.iter().copied().map(Some));
    for format in formats {
        for allow_incomplete in [false, true] {
            let options = Options { allow_incomplete };
            match parse_str("fuzz.json", text, format, &options) {
                Ok(bundle) => {
                    for metric in bundle.metrics.values() {
                        assert!(metric.value().is_finite(), "{format:?}: {}", metric.value());
                    }
                }
                Err(diags) => assert!(!diags.0.is_empty(), "rejected without a diagnostic"),
            }
        }
    }
});
