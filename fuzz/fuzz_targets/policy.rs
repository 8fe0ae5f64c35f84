//! Policy text → parse, resolve imports (from an in-memory tree), check, compile; a policy
//! that loads is then evaluated on fixed bundles and rendered in every format.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(policy) = common::load(text) else {
        return;
    };
    let now = common::instant("2025-04-25T12:00:00Z");
    for bundle in common::fixed_bundles() {
        common::evaluate_all(&policy, &bundle, now);
    }
});
