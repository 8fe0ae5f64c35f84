//! Policy text → `format::format_str`. Whatever parses must format (the formatter's own
//! check that the output is the same policy never fails), formatting again changes nothing,
//! and a formatted policy that loads decides every fixed bundle as the original does.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use tollgate::diagnostic::Code;
use tollgate::format::format_str;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let formatted = match format_str(common::ENTRY, text) {
        Ok(formatted) => formatted,
        Err(diags) => {
            for d in &diags.0 {
                assert!(
                    d.code != Code::Internal,
                    "formatter bug: {}\n{text:?}",
                    d.message
                );
            }
            return;
        }
    };
    match format_str(common::ENTRY, &formatted) {
        Ok(again) => assert_eq!(again, formatted, "not idempotent\n{text:?}"),
        Err(diags) => panic!("formatted text does not format: {:?}\n{formatted}", diags.0),
    }
    let (before, after) = (common::load(text), common::load(&formatted));
    assert_eq!(
        before.is_some(),
        after.is_some(),
        "formatting changed whether it loads\n{text:?}"
    );
    let (Some(before), Some(after)) = (before, after) else {
        return;
    };
    let now = common::instant("2025-04-25T12:00:00Z");
    for bundle in common::fixed_bundles() {
        let (a, b) = (before.evaluate(&bundle, now), after.evaluate(&bundle, now));
        assert_eq!(
            a.decision, b.decision,
            "formatting changed the decision\n{text:?}"
        );
        assert_eq!(a.rules.len(), b.rules.len());
        for (x, y) in a.rules.iter().zip(&b.rules) {
            assert_eq!(
                (&x.id, x.status, x.outcome, &x.message, &x.missing),
                (&y.id, y.status, y.outcome, &y.message, &y.missing),
                "formatting changed a rule\n{text:?}"
            );
        }
    }
});
