//! Helpers shared by the evidence tests (`tests/all/evidence*.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tollgate::diagnostic::{Code, Diagnostic};
use tollgate::evidence::{parse_str, Bundle, Format};

pub fn json(text: &str) -> Bundle {
    match parse_str("evidence.json", text, Format::Json) {
        Ok(bundle) => bundle,
        Err(e) => panic!("expected valid JSON evidence, got {:#?}", e.0),
    }
}

pub fn yaml(text: &str) -> Bundle {
    match parse_str("evidence.yaml", text, Format::Yaml) {
        Ok(bundle) => bundle,
        Err(e) => panic!("expected valid YAML evidence, got {:#?}", e.0),
    }
}

/// The errors for an invalid document.
pub fn errors(text: &str, format: Format) -> Vec<Diagnostic> {
    let name = match format {
        Format::Json => "evidence.json",
        Format::Yaml => "evidence.yaml",
    };
    match parse_str(name, text, format) {
        Ok(bundle) => panic!("expected an error, got {bundle:#?}"),
        Err(e) => {
            assert!(!e.0.is_empty());
            assert!(e.has_errors());
            e.0
        }
    }
}

/// The single error for an invalid document (fails if there are several).
pub fn error(text: &str, format: Format) -> Diagnostic {
    let mut all = errors(text, format);
    assert_eq!(all.len(), 1, "expected exactly one error, got {all:#?}");
    all.remove(0)
}

pub fn json_error(text: &str) -> Diagnostic {
    error(text, Format::Json)
}

pub fn yaml_error(text: &str) -> Diagnostic {
    error(text, Format::Yaml)
}

/// The (line, column) an error points at.
pub fn at(d: &Diagnostic) -> (usize, usize) {
    let loc = d
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("no location on {d:#?}"));
    (loc.line, loc.column)
}

/// The text under the first label.
pub fn labelled<'a>(d: &Diagnostic, text: &'a str) -> &'a str {
    let label = d
        .labels
        .first()
        .unwrap_or_else(|| panic!("no label on {d:#?}"));
    &text[label.offset()..label.offset() + label.len()]
}

/// Assert that a message mentions every one of `parts`.
#[track_caller]
pub fn assert_mentions(d: &Diagnostic, parts: &[&str]) {
    for part in parts {
        assert!(
            d.message.contains(part),
            "message {:?} does not mention {part:?}",
            d.message
        );
    }
}

#[track_caller]
pub fn assert_evidence(d: &Diagnostic) {
    assert_eq!(d.code, Code::Evidence, "{d:#?}");
}

/// Render like the CLI, without colour.
pub fn render(d: &Diagnostic) -> String {
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, d)
        .unwrap();
    out
}

/// The same check on the JSON and the YAML spelling of one document.
pub fn both(json_text: &str, yaml_text: &str, check: impl Fn(Format, &str, Diagnostic)) {
    check(Format::Json, json_text, error(json_text, Format::Json));
    check(Format::Yaml, yaml_text, error(yaml_text, Format::Yaml));
}
