//! The JSON fast path accepts nothing the validating pass rejects, and builds the same bundle.
//!
//! A JSON document is read first by serde's derived code; when that gives up, the validating
//! pass reads it and reports the problems. A document the fast path accepted but the
//! validating pass would reject would be evidence let through unchecked, so every test here
//! checks: fast path accepts ⇒ validating pass accepts, and the bundles are equal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use tollgate::evidence::json_readers;

/// How the two readers treated one document.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Both accepted it, with equal bundles.
    BothAccept,
    /// The fast path left it to the validating pass, which accepted it.
    OnlyValidatingAccepts,
    /// Both rejected it.
    BothReject,
}

/// Compare the readers on `text`; panic if the fast path accepted what the validating pass
/// rejects, or built a different bundle.
fn compare(text: &str) -> Verdict {
    let (fast, validated) = json_readers("doc.json", text);
    match (fast, validated) {
        (Some(fast), Ok(validated)) => {
            assert_eq!(
                fast, validated,
                "the readers built different bundles:\n{text}"
            );
            Verdict::BothAccept
        }
        (Some(_), Err(diagnostics)) => panic!(
            "the fast path accepted a document the validating pass rejects ({}):\n{text}",
            diagnostics.0[0].message
        ),
        (None, Ok(_)) => Verdict::OnlyValidatingAccepts,
        (None, Err(_)) => Verdict::BothReject,
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every JSON and YAML file of the repository, as JSON text (YAML converted; files that are
/// not YAML data are skipped).
fn repository_documents() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["examples", "policies", "tests"] {
        files_under(&root.join(dir), &mut paths);
    }
    paths.sort();
    let mut documents = Vec::new();
    for path in paths {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        match ext {
            "json" => documents.push((path, text)),
            "yaml" | "yml" => {
                if let Ok(value) = serde_yaml_ng::from_str::<serde_json::Value>(&text) {
                    documents.push((path, serde_json::to_string(&value).unwrap()));
                }
            }
            _ => {}
        }
    }
    documents
}

#[test]
fn every_evidence_file_of_the_repository_reads_the_same_both_ways() {
    let documents = repository_documents();
    assert!(
        documents.len() > 20,
        "only {} documents found",
        documents.len()
    );
    let mut accepted = Vec::new();
    for (path, text) in &documents {
        match compare(text) {
            Verdict::BothAccept => accepted.push(path),
            // Per-item scores are checked against each other with key paths for the
            // messages: by design, the validating pass reads them.
            Verdict::OnlyValidatingAccepts if has_samples(text) => {}
            Verdict::OnlyValidatingAccepts => {
                panic!(
                    "the fast path gave up on the valid bundle {}",
                    path.display()
                )
            }
            Verdict::BothReject => {}
        }
    }
    // The shipped examples are what CI reads most; they must take the fast path.
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("gpt-4o-2025-04-25")
        .join("evidence.json");
    assert!(accepted.contains(&&example), "{accepted:?}");
    assert!(accepted.len() > 10, "only {} accepted", accepted.len());
}

fn has_samples(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text)
        .is_ok_and(|doc| doc.get("samples").is_some_and(|s| !s.is_null()))
}

#[test]
fn rare_spellings_are_left_to_the_validating_pass() {
    // Per-item scores.
    let sampled = r#"{"samples": {"m": {"candidate": {"q1": 1, "q2": 0}}}}"#;
    assert!(has_samples(sampled));
    assert_eq!(compare(sampled), Verdict::OnlyValidatingAccepts);
    // Valid, but not on the fast path: a count written as a float.
    assert_eq!(
        compare(r#"{"metrics": {"m": {"value": 1, "n": 1800.0}}}"#),
        Verdict::OnlyValidatingAccepts
    );
    // A byte order mark is removed before either reader sees the text.
    assert_eq!(
        compare("\u{feff}{\"metrics\": {\"m\": 1}}"),
        Verdict::BothAccept
    );
}

#[test]
fn structs_are_never_read_from_lists() {
    // serde's derived code reads a struct from a list of its fields in order; evidence is
    // always objects.
    for text in [
        r#"[null, null, null, null, {}, [], [], []]"#,
        r#"{"metrics": {"m": [0.5]}}"#,
        r#"{"flags": [["expert", null, "tone", "high"]]}"#,
        r#"{"signoffs": [["safety", "a"]]}"#,
        r#"{"waivers": [["r", "safety", "a", "why", "2030-01-01"]]}"#,
    ] {
        assert_eq!(compare(text), Verdict::BothReject, "{text}");
    }
}

// ---------------------------------------------------------------------------------------
// Generated documents: valid evidence, with mutations at a rate chosen per document (none,
// some, many): wrong types, nulls, blanks, out-of-range and badly placed numbers, repeated
// and unknown keys, missing fields, bad intervals, dates and severities.

/// A JSON value written out by hand, so that keys can repeat.
#[derive(Debug, Clone)]
enum J {
    Raw(&'static str),
    Str(&'static str),
    List(Vec<J>),
    Object(Vec<(String, J)>),
}

impl J {
    fn write(&self, out: &mut String) {
        match self {
            J::Raw(raw) => out.push_str(raw),
            J::Str(s) => out.push_str(&serde_json::to_string(s).unwrap()),
            J::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            J::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(key).unwrap());
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// How often a value is replaced by a mutation, in percent; 0 keeps the document valid.
type Noise = u32;

/// Values from `valid`, mixed with `invalid` ones when there is noise, written with `make`
/// (`J::Raw` for numbers, `J::Str` for texts).
fn pick(
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
    noise: Noise,
    make: fn(&'static str) -> J,
) -> BoxedStrategy<J> {
    let valid = prop::sample::select(valid).prop_map(make);
    if noise == 0 || invalid.is_empty() {
        return valid.boxed();
    }
    prop_oneof![100 => valid, noise => prop::sample::select(invalid).prop_map(make)].boxed()
}

/// A number from `valid`; with noise, sometimes from `invalid` or of another kind.
fn numbers(
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
    noise: Noise,
) -> BoxedStrategy<J> {
    mostly(pick(valid, invalid, noise, J::Raw), noise)
}

/// A text from `valid`; with noise, sometimes from `invalid` or of another kind.
fn texts(
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
    noise: Noise,
) -> BoxedStrategy<J> {
    mostly(pick(valid, invalid, noise, J::Str), noise)
}

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "0.5",
    "-0.0",
    "0.25",
    "2",
    "1800",
    "1e3",
    "-3.5",
    "1e-400",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
];
const OUT_OF_RANGE: &[&str] = &["1e400", "-1e400"];
const STDERRS: &[&str] = &["0", "-0.0", "0.5", "2", "1e3"];
const COUNTS: &[&str] = &["0", "1800", "18446744073709551615", "1800.0", "1e3"];
const NOT_COUNTS: &[&str] = &["-1", "0.5", "18446744073709551616"];
const NEGATIVE: &[&str] = &["-1", "-0.5", "1e400"];
const WORDS: &[&str] = &["expert", "alpha", "tone", "safety", "x", "a\"b", "é", " y "];
const BLANK: &[&str] = &["", " ", "\t"];
const ANY_TEXT: &[&str] = &["", " ", "x", "a\"b", "é", "2025-04-25"];
const SEVERITIES: &[&str] = &["info", "low", "medium", "high", "critical"];
const NOT_SEVERITIES: &[&str] = &["HIGH", "severe", "", " high"];
const DATES: &[&str] = &[
    "2025-04-25",
    "2025-04-25T09:00:00Z",
    "2030-01-01T00:00:00+02:00",
];
const NOT_DATES: &[&str] = &["2025-04-25T09:00:00", "not a date", "", "2025-13-01"];
const DIGESTS: &[&str] = &[
    "0000000000000000000000000000000000000000000000000000000000000000",
    "9f2ce1a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8",
];
const NOT_DIGESTS: &[&str] = &[
    "9F2CE1A0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B9C0D1E2F3A4B5C6D7E8",
    "abc",
    "",
];

/// The signed fields of a sign-off or waiver (TRUST.md): `candidate`, `evidence`, `signature`.
fn signed_fields(noise: Noise) -> Vec<Field> {
    let text = || texts(ANY_TEXT, &[], noise);
    vec![
        field("candidate", text(), false),
        field(
            "evidence",
            mostly(list(texts(DIGESTS, NOT_DIGESTS, noise), noise), noise),
            false,
        ),
        field("signature", text(), false),
    ]
}

/// Anything at all, for a value of the wrong kind.
fn other() -> BoxedStrategy<J> {
    prop_oneof![
        Just(J::Raw("null")),
        Just(J::Raw("true")),
        prop::sample::select(NUMBERS).prop_map(J::Raw),
        prop::sample::select(ANY_TEXT).prop_map(J::Str),
        Just(J::List(vec![])),
        Just(J::Object(vec![])),
        prop::collection::vec(prop::sample::select(NUMBERS).prop_map(J::Raw), 0..4)
            .prop_map(J::List),
    ]
    .boxed()
}

/// `expected`, or with noise sometimes a value of another kind.
fn mostly(expected: BoxedStrategy<J>, noise: Noise) -> BoxedStrategy<J> {
    if noise == 0 {
        return expected;
    }
    prop_oneof![100 => expected, noise => other()].boxed()
}

/// Interval ends in order: wide enough to contain every number generated, or narrow, so
/// that it may not contain its value.
fn interval(noise: Noise) -> BoxedStrategy<J> {
    let pair = |low, high| J::List(vec![J::Raw(low), J::Raw(high)]);
    let wide = prop_oneof![
        4 => Just(pair("-1e19", "1e20")),
        1 => Just(pair("0", "1")),
        1 => Just(pair("-1", "0.25")),
    ]
    .boxed();
    if noise == 0 {
        return wide;
    }
    let any = prop::sample::select(NUMBERS).prop_map(J::Raw);
    prop_oneof![
        100 => wide,
        noise => (any.clone(), any.clone()).prop_map(|(a, b)| J::List(vec![a, b])),
        noise => prop::collection::vec(any, 0..4).prop_map(J::List),
    ]
    .boxed()
}

/// A field of an object: its name, its value, and whether it must be present.
struct Field {
    name: &'static str,
    value: BoxedStrategy<J>,
    required: bool,
}

fn field(name: &'static str, value: BoxedStrategy<J>, required: bool) -> Field {
    Field {
        name,
        value,
        required,
    }
}

/// An object with `fields` in a random order; optional fields are present half the time.
/// With noise, required fields go missing, and keys repeat or are unknown.
fn object(fields: Vec<Field>, noise: Noise) -> BoxedStrategy<J> {
    let parts: Vec<BoxedStrategy<Option<(String, J)>>> = fields
        .into_iter()
        .map(
            |Field {
                 name,
                 value,
                 required,
             }| {
                let present = value.prop_map(move |v| Some((name.to_string(), v)));
                match (required, noise) {
                    (true, 0) => present.boxed(),
                    (true, _) => prop_oneof![100 => present, noise => Just(None)].boxed(),
                    (false, _) => prop_oneof![present, Just(None)].boxed(),
                }
            },
        )
        .collect();
    let (unknown, repeat) = if noise == 0 {
        (Just(None).boxed(), Just(None).boxed())
    } else {
        let odd = f64::from(noise) / 100.0;
        (
            prop::option::weighted(odd, (prop::sample::select(WORDS), other())).boxed(),
            prop::option::weighted(odd, any::<prop::sample::Index>()).boxed(),
        )
    };
    (parts, unknown, repeat, any::<prop::sample::Index>())
        .prop_map(|(entries, unknown, repeat, rotate)| {
            let mut entries: Vec<(String, J)> = entries.into_iter().flatten().collect();
            if let Some((key, value)) = unknown {
                entries.push((key.to_string(), value));
            }
            if let (Some(i), false) = (repeat, entries.is_empty()) {
                let twice = entries[i.index(entries.len())].clone();
                entries.push(twice);
            }
            if !entries.is_empty() {
                let by = rotate.index(entries.len());
                entries.rotate_left(by);
            }
            J::Object(entries)
        })
        .boxed()
}

fn metric(noise: Noise) -> BoxedStrategy<J> {
    let number = || numbers(NUMBERS, OUT_OF_RANGE, noise);
    let object = object(
        vec![
            field("value", number(), true),
            field("baseline", number(), false),
            field("stderr", numbers(STDERRS, NEGATIVE, noise), false),
            field("baseline_stderr", numbers(STDERRS, NEGATIVE, noise), false),
            field("ci", mostly(interval(noise), noise), false),
            field("baseline_ci", mostly(interval(noise), noise), false),
            field("n", numbers(COUNTS, NOT_COUNTS, noise), false),
        ],
        noise,
    );
    prop_oneof![4 => object, 1 => number()].boxed()
}

fn metrics(noise: Noise) -> BoxedStrategy<J> {
    const KEYS: &[&str] = &["a", "b", "c", "d", "e.f", "g \"h\"", "i", "j", "k", "l"];
    let key = prop::sample::select(KEYS).prop_map(String::from);
    let key = if noise == 0 {
        key.boxed()
    } else {
        prop_oneof![100 => key, noise => Just(String::new())].boxed()
    };
    prop::collection::vec((key, metric(noise)), 0..6)
        .prop_map(move |mut entries| {
            // Repeated keys are a mutation, not something a valid document has.
            if noise == 0 {
                let mut seen = std::collections::HashSet::new();
                entries.retain(|(key, _)| seen.insert(key.clone()));
            }
            J::Object(entries)
        })
        .boxed()
}

fn flag(noise: Noise) -> BoxedStrategy<J> {
    let word = || texts(WORDS, BLANK, noise);
    let text = || texts(ANY_TEXT, &[], noise);
    object(
        vec![
            field("id", text(), false),
            field("source", word(), true),
            field("author", text(), false),
            field("category", word(), true),
            field("severity", texts(SEVERITIES, NOT_SEVERITIES, noise), true),
            field("note", text(), false),
            field("stage", text(), false),
        ],
        noise,
    )
}

fn signoff(noise: Noise) -> BoxedStrategy<J> {
    let word = || texts(WORDS, BLANK, noise);
    let date = || texts(DATES, NOT_DATES, noise);
    object(
        vec![
            field("role", word(), true),
            field("by", word(), true),
            field("at", date(), false),
            field("expires", date(), false),
        ]
        .into_iter()
        .chain(signed_fields(noise))
        .collect(),
        noise,
    )
}

fn waiver(noise: Noise) -> BoxedStrategy<J> {
    let word = || texts(WORDS, BLANK, noise);
    object(
        vec![
            field("rule", word(), true),
            field("role", word(), true),
            field("by", word(), true),
            field("reason", word(), true),
            field("expires", texts(DATES, NOT_DATES, noise), true),
        ]
        .into_iter()
        .chain(signed_fields(noise))
        .collect(),
        noise,
    )
}

fn list(element: BoxedStrategy<J>, noise: Noise) -> BoxedStrategy<J> {
    prop::collection::vec(mostly(element, noise), 0..4)
        .prop_map(J::List)
        .boxed()
}

fn bundle(noise: Noise) -> BoxedStrategy<J> {
    let text = || texts(ANY_TEXT, &[], noise);
    let object = object(
        vec![
            field("candidate", text(), false),
            field("baseline", text(), false),
            field("stage", text(), false),
            field("as_of", texts(DATES, NOT_DATES, noise), false),
            field("metrics", mostly(metrics(noise), noise), false),
            field("flags", mostly(list(flag(noise), noise), noise), false),
            field(
                "signoffs",
                mostly(list(signoff(noise), noise), noise),
                false,
            ),
            field("waivers", mostly(list(waiver(noise), noise), noise), false),
        ],
        noise,
    );
    mostly(object, noise)
}

fn document() -> impl Strategy<Value = String> {
    prop_oneof![Just(0), Just(1), Just(5), Just(20)]
        .prop_flat_map(bundle)
        .prop_map(|j| {
            let mut out = String::new();
            j.write(&mut out);
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_documents_read_the_same_both_ways(text in document()) {
        compare(&text);
    }
}

#[test]
fn generated_documents_cover_all_three_verdicts() {
    // The property above means little if the fast path never accepts, or never gives up on
    // a valid document: count the verdicts over a fixed sample.
    let mut runner = TestRunner::deterministic();
    let strategy = document();
    let (mut both, mut only_validating, mut neither) = (0, 0, 0);
    for _ in 0..2000 {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        match compare(&text) {
            Verdict::BothAccept => both += 1,
            Verdict::OnlyValidatingAccepts => only_validating += 1,
            Verdict::BothReject => neither += 1,
        }
    }
    eprintln!("accepted by both {both}, by the validating pass only {only_validating}, by neither {neither}");
    assert!(both >= 400, "fast path accepted {both}");
    assert!(
        only_validating >= 10,
        "valid but not fast: {only_validating}"
    );
    assert!(neither >= 400, "rejected {neither}");
}
