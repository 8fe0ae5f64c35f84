//! Hostile evidence: every input ends in a clear diagnostic, never a panic, a hang or a stack
//! overflow. Big and deep inputs are generated here rather than committed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use tollgate::diagnostic::Code;
use tollgate::evidence::{load_files, parse_str, Format, MAX_FILE_BYTES};

use crate::evidence_support::*;

/// A fresh folder under the target directory for files a test writes.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("evidence-hostile")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn deeply_nested_json_arrays() {
    // serde_json skips unwanted values without recursion, and the shapes only go four levels
    // down, so depth ends in an ordinary error: the file ends, or a value has the wrong type.
    let deep = "[".repeat(100_000);
    for (text, expected) in [
        (deep.clone(), "the file ends in the middle of a list"),
        (
            format!("{{\"metrics\": {{\"x\": {deep}"),
            "the file ends in the middle of a list",
        ),
        (
            format!("{{\"flags\": {deep}"),
            "the file ends in the middle of a list",
        ),
        (
            format!("{{\"unknown\": {deep}"),
            "the file ends in the middle of a list",
        ),
        (
            format!("{deep}{}", "]".repeat(100_000)),
            "the document must be an object",
        ),
        (
            format!("{{\"metrics\": {{\"x\": {deep}{}}}}}", "]".repeat(100_000)),
            "`metrics.\"x\"` must be a number or an object",
        ),
        (
            format!("{{\"flags\": [{deep}{}]}}", "]".repeat(100_000)),
            "`flags[0]` must be a flag",
        ),
    ] {
        let all = errors(&text, Format::Json);
        let last = all.last().unwrap();
        assert!(last.message.contains(expected), "{all:#?}");
        assert!(last.location.is_some());
    }
}

#[test]
fn deeply_nested_yaml_flow_collections() {
    // libyaml's time grows with the square of flow depth, so depth is refused before parsing.
    let deep = "[".repeat(100_000);
    for text in [
        deep.clone(),
        format!("metrics:\n  x: {deep}\n"),
        format!("flags: {deep}\n"),
        format!("unknown: {deep}\n"),
        format!("{deep}{}", "]".repeat(100_000)),
        format!("metrics: {}", "{a: ".repeat(50_000)),
        format!(
            "# [[[[ in a comment is fine\nnote: \"[[[[\"\nmetrics: {}",
            "[".repeat(200)
        ),
    ] {
        let started = Instant::now();
        let d = yaml_error(&text);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(d.code, Code::Limit, "{d:#?}");
        assert!(
            d.message.contains("nested at most 128 levels"),
            "{}",
            d.message
        );
        let (line, column) = at(&d);
        assert!(line >= 1 && column >= 1);
    }
    assert_eq!(tollgate::evidence::MAX_NESTING, 128);
    // Brackets in comments and quoted text do not count.
    let text = format!(
        "# {}\ncandidate: \"{}\"\nbaseline: '{}'\nstage: it's [fine\n",
        "[".repeat(500),
        "{".repeat(500),
        "[".repeat(500)
    );
    assert_eq!(yaml(&text).candidate.unwrap().len(), 500);
    // Depth within the limit is parsed as usual.
    let d = yaml_error(&format!("flags: {}{}\n", "[".repeat(100), "]".repeat(100)));
    assert_mentions(&d, &["`flags[0]` must be a flag"]);
}

#[test]
fn deeply_nested_yaml_block_sequences_and_keys() {
    for text in [
        format!("{}x\n", "- ".repeat(50_000)),
        format!("flags:\n{}x\n", "- ".repeat(50_000)),
        format!("{}x\n", "? ".repeat(50_000)),
    ] {
        let started = Instant::now();
        let all = errors(&text, Format::Yaml);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
        assert!(!all.is_empty());
    }
}

#[test]
fn deeply_nested_yaml_blocks() {
    let mut text = String::from("metrics:\n");
    for depth in 1..200 {
        text.push_str(&" ".repeat(depth));
        text.push_str("a:\n");
    }
    let all = errors(&text, Format::Yaml);
    assert!(!all.is_empty());
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    // "Billion laughs": each level refers to the one below nine times.
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (below, name) = (pair[0], pair[1]);
        let refs = vec![format!("*{below}"); 9].join(", ");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    for use_it in [
        "metrics: *i\n",
        "flags: *i\n",
        "signoffs: [*i, *i]\n",
        "waivers: *i\n",
    ] {
        let doc = format!("{text}{use_it}");
        let started = Instant::now();
        let all = errors(&doc, Format::Yaml);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "took {:?}",
            started.elapsed()
        );
        assert!(!all.is_empty());
    }
    // Aliases to flags that are valid expand, but only so far.
    let mut text = String::from("x: &f {source: s, category: c, severity: low}\n");
    text.push_str("y: &l [");
    text.push_str(&vec!["*f"; 1000].join(", "));
    text.push_str("]\nflags: [");
    text.push_str(&vec!["*l"; 1000].join(", "));
    text.push_str("]\n");
    let started = Instant::now();
    let all = errors(&text, Format::Yaml);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(all
        .iter()
        .any(|d| d.code == Code::Limit || d.message.contains("unknown key")));
}

#[test]
fn yaml_alias_bomb_of_valid_metrics_hits_the_repetition_limit() {
    let mut text = String::from("m0: &m0 {value: 1}\n");
    for level in 1..12 {
        let below = level - 1;
        let refs: Vec<String> = (0..9).map(|i| format!("k{i}: *m{below}")).collect();
        text.push_str(&format!("m{level}: &m{level} {{{}}}\n", refs.join(", ")));
    }
    // Not valid (the keys are unknown), but the point is the time it takes.
    let started = Instant::now();
    let all = errors(&format!("{text}metrics: *m11\n"), Format::Yaml);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(!all.is_empty());
}

#[test]
fn empty_and_blank_files() {
    for (text, format) in [
        ("", Format::Json),
        ("  \n\t ", Format::Json),
        ("", Format::Yaml),
        ("\n# nothing here\n", Format::Yaml),
    ] {
        let d = error(text, format);
        assert_eq!(d.code, Code::Evidence);
        assert!(d.message.ends_with(": the file is empty"), "{}", d.message);
        assert!(d.help.is_some());
    }
}

#[test]
fn trailing_text_and_several_documents() {
    let d = json_error("{} {}");
    assert_mentions(&d, &["more text after the end of the document"]);
    assert_eq!(at(&d), (1, 4));
    let d = yaml_error("metrics: {}\n---\nflags: []\n");
    assert_mentions(&d, &["more than one YAML document"]);
    assert_eq!(at(&d), (2, 1));
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let b = json("\u{feff}{\"metrics\": {\"x\": 1}}");
    assert_eq!(b.metrics["x"].value(), 1.0);
    let b = yaml("\u{feff}metrics:\n  x: 1\n");
    assert_eq!(b.metrics["x"].value(), 1.0);
}

#[test]
fn truncated_documents() {
    let full = include_str!("../fixtures/evidence/spec-example.json");
    for cut in (1..full.trim_end().len()).step_by(7) {
        if !full.is_char_boundary(cut) {
            continue;
        }
        let result = parse_str("cut.json", &full[..cut], Format::Json);
        assert!(result.is_err(), "a document cut at {cut} was accepted");
    }
    let full = include_str!("../fixtures/evidence/spec-example.yaml");
    for cut in (1..full.len()).step_by(5) {
        if full.is_char_boundary(cut) {
            // A YAML document cut between entries may be valid; it must not panic.
            let _ = parse_str("cut.yaml", &full[..cut], Format::Yaml);
        }
    }
}

#[test]
fn a_ten_megabyte_file_loads() {
    let dir = scratch("big");
    let path = dir.join("big.json");
    let mut text = String::from("{\"candidate\": \"big\", \"metrics\": {\n");
    let mut i = 0;
    while text.len() < 10 * 1024 * 1024 {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&format!(
            "  \"behavior.group{}.metric_{i}\": {{\"value\": 0.5, \"baseline\": 0.4, \"ci\": [0.4, 0.6], \"n\": {i}}}",
            i % 100
        ));
        i += 1;
    }
    text.push_str("\n}}\n");
    fs::write(&path, &text).unwrap();
    let bundle = load_files(&[&path]).unwrap();
    assert_eq!(bundle.metrics.len(), i);
    assert_eq!(bundle.metrics.last().unwrap().1.n(), Some(i as u64 - 1));

    // The same file with one bad value near the end: one error, at the right line.
    let bad = text.replacen(
        "\"ci\": [0.4, 0.6], \"n\": 90000}",
        "\"ci\": [0.6, 0.4], \"n\": 90000}",
        1,
    );
    assert_ne!(bad, text);
    fs::write(&path, &bad).unwrap();
    let err = load_files(&[&path]).unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert_eq!(err.0[0].location.as_ref().unwrap().line, 90_002);
    assert!(err.0[0]
        .message
        .contains("metric_90000\".ci` has its low end"));
}

#[test]
fn a_file_over_the_limit_is_refused_before_reading() {
    let dir = scratch("limit");
    let path = dir.join("huge.json");
    let file = fs::File::create(&path).unwrap();
    // Sparse: no disk space is used.
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let err = load_files(&[&path]).unwrap_err();
    assert_eq!(err.0.len(), 1);
    let d = &err.0[0];
    assert_eq!(d.code, Code::Limit);
    assert!(d.message.contains("huge.json"), "{}", d.message);
    assert!(d.message.contains("64 MiB"), "{}", d.message);
    assert_eq!(MAX_FILE_BYTES, 64 * 1024 * 1024);
}

#[test]
fn a_file_that_is_not_utf8() {
    let dir = scratch("utf8");
    let path = dir.join("latin1.json");
    fs::write(&path, b"{\n  \"candidate\": \"caf\xe9\"\n}\n").unwrap();
    let err = load_files(&[&path]).unwrap_err();
    let d = &err.0[0];
    assert_eq!(d.code, Code::Evidence);
    assert!(d.message.contains("latin1.json"));
    assert!(d.message.contains("not UTF-8"));
    let loc = d.location.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), (2, 20));

    let path = dir.join("random.yaml");
    let bytes: Vec<u8> = (0..10_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fs::write(&path, bytes).unwrap();
    assert!(load_files(&[&path]).is_err());
}

#[test]
fn nul_bytes_and_control_characters() {
    assert!(parse_str("x.json", "{\"candidate\": \"a\u{0}b\"}", Format::Json).is_err());
    assert!(parse_str("x.yaml", "candidate: \"a\u{0}b\"\n", Format::Yaml).is_err());
    let b = json("{\"candidate\": \"a\\u0000b\"}");
    assert_eq!(b.candidate.as_deref(), Some("a\u{0}b"));
}

#[test]
fn huge_numbers_and_integers() {
    let d = json_error(r#"{"metrics": {"x": {"value": 1, "n": 18446744073709551616}}}"#);
    assert_mentions(&d, &["must be a whole number"]);
    let b = json(r#"{"metrics": {"x": {"value": 1, "n": 18446744073709551615}}}"#);
    assert_eq!(b.metrics["x"].n(), Some(u64::MAX));
    let d = yaml_error("metrics:\n  x: {value: 1, n: 99999999999999999999999999}\n");
    assert_mentions(&d, &["must be a whole number"]);
    let b = yaml("metrics:\n  x: 123456789012345678901234567890\n");
    assert!(b.metrics["x"].value() > 1e29);
}

#[test]
fn many_keys_with_every_error() {
    // 100,000 wrong values: reported up to the cap, the rest counted, quickly.
    let body: Vec<String> = (0..100_000).map(|i| format!("\"m{i}\": \"bad\"")).collect();
    let text = format!("{{\"metrics\": {{{}}}}}", body.join(","));
    let started = Instant::now();
    let all = errors(&text, Format::Json);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(all.len(), 21);
    assert!(all[20].message.contains("99980 more problems not shown"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = parse_str("fuzz.json", &text, Format::Json);
        let _ = parse_str("fuzz.yaml", &text, Format::Yaml);
    }

    #[test]
    fn evidence_like_text_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("{"), Just("}"), Just("["), Just("]"), Just(":"), Just(","), Just("\n  "),
                Just("- "), Just("\"metrics\""), Just("metrics"), Just("\"value\""), Just("value"),
                Just("ci"), Just("0.5"), Just("1e999"), Just(".nan"), Just("null"), Just("&a"),
                Just("*a"), Just("!t"), Just("\"x\""), Just("flags"), Just("severity"), Just("?"),
                Just("#"), Just("'"), Just("\\"), Just("\t"), Just("---"),
            ],
            0..60,
        )
    ) {
        let text: String = parts.concat();
        for format in [Format::Json, Format::Yaml] {
            if let Err(e) = parse_str("fuzz", &text, format) {
                prop_assert!(!e.0.is_empty());
                for d in &e.0 {
                    prop_assert!(d.message.starts_with("fuzz: "));
                    let _ = render(d);
                }
            }
        }
    }
}
