//! The shipped policies on arbitrary evidence: evaluate at a fixed instant and at the
//! bundle's own, check the invariants and render every format. The text is read as JSON
//! when it starts with `{`, else as YAML.

#![no_main]

mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tollgate::evidence::{self, Format};
use tollgate::{Now, Policy};

const POLICIES: &[&str] = &[
    include_str!("../../policies/chat-mainline.gate"),
    include_str!("../../policies/frontier-preparedness.gate"),
];

fn policies() -> &'static [Policy] {
    static LOADED: OnceLock<Vec<Policy>> = OnceLock::new();
    LOADED.get_or_init(|| {
        POLICIES
            .iter()
            .map(|text| match common::load(text) {
                Some(p) => p,
                None => panic!("a shipped policy does not load"),
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let format = if text.trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Yaml
    };
    let Ok(bundle) = evidence::parse_str("fuzz", text, format) else {
        return;
    };
    let fixed = common::instant("2025-04-25T12:00:00Z");
    for policy in policies() {
        common::evaluate_all(policy, &bundle, fixed);
        if let Some(as_of) = bundle.as_of {
            common::evaluate_all(policy, &bundle, Now::resolve(None, Some(as_of)));
        }
    }
});
