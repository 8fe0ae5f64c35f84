//! `--format html` (issue 18): the launch report of every example, and the diff report,
//! snapshotted and parsed by a real HTML5 parser (html5ever, through scraper): no parse
//! errors, every element closed, every SVG element inside its plot, ids unique, nothing
//! loaded or run. Text from evidence is escaped by one function, checked over random strings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::process::Command;

use proptest::prelude::*;
use scraper::{ElementRef, Html, Selector};
use tollgate::eval::explain;
use tollgate::evidence::{self, Format};
use tollgate::render::html::escape;
use tollgate::{render, Now, Policy};

const SVG: &str = "http://www.w3.org/2000/svg";

/// The examples and their policies: the list `tests/browser/check.sh` renders in Chromium.
fn examples() -> Vec<(String, String, Vec<String>)> {
    std::fs::read_to_string("tests/browser/examples.txt")
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split('|').map(str::trim).collect();
            let args = parts[2].split_whitespace().map(String::from).collect();
            (parts[0].to_string(), parts[1].to_string(), args)
        })
        .collect()
}

fn tollgate(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Every structural promise of a report page; returns the parsed document.
fn check_page(text: &str) -> Html {
    let doc = Html::parse_document(text);
    assert!(
        doc.errors.is_empty(),
        "HTML5 parse errors: {:?}",
        doc.errors
    );
    assert_balanced(text);
    let mut ids = HashSet::new();
    for el in doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        let v = el.value();
        if let Some(id) = v.id() {
            assert!(ids.insert(id.to_string()), "id {id} twice");
        }
        assert_ne!(v.name(), "script", "a script element");
        for (name, value) in v.attrs() {
            assert!(!name.starts_with("on"), "an event handler {name}");
            if matches!(name, "src" | "href") {
                panic!("a reference {name}={value}: the page must load nothing");
            }
        }
        if &*v.name.ns == SVG {
            let in_plot = el.ancestors().filter_map(ElementRef::wrap).any(|a| {
                a.value().name() == "svg"
                    && &*a.value().name.ns == SVG
                    && a.value().classes().any(|c| c == "plot")
            }) || (v.name() == "svg" && v.classes().any(|c| c == "plot"));
            assert!(in_plot, "an SVG <{}> outside a plot", v.name());
        }
    }
    doc
}

/// Every element that is not void is closed explicitly, in order (html5ever forgives a
/// missing end tag; a report should not need forgiving). Text is escaped, so `<` only
/// starts a tag.
fn assert_balanced(text: &str) {
    const VOID: &[&str] = &["meta", "br", "hr", "img", "input", "link", "col", "wbr"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').expect("an unterminated tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop();
            assert_eq!(
                open.as_deref(),
                Some(name.trim()),
                "</{name}> closes {open:?}"
            );
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        if name == "style" {
            let close = rest.find("</style>").expect("an unclosed style");
            rest = &rest[close + "</style>".len()..];
            continue;
        }
        stack.push(name);
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
}

fn texts(doc: &Html, selector: &str) -> Vec<String> {
    let s = Selector::parse(selector).unwrap();
    doc.select(&s)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn attrs(doc: &Html, selector: &str, attr: &str) -> Vec<String> {
    let s = Selector::parse(selector).unwrap();
    doc.select(&s)
        .filter_map(|e| e.value().attr(attr).map(String::from))
        .collect()
}

#[test]
fn every_example_report_is_snapshotted_and_well_formed() {
    let examples = examples();
    assert!(examples.len() >= 7, "{examples:?}");
    for (name, policy, evidence) in examples {
        let mut args = vec!["eval", policy.as_str()];
        args.extend(evidence.iter().map(String::as_str));
        let (_, json) = tollgate(&[args.clone(), vec!["--format", "json"]].concat());
        let (status, html) = tollgate(&[args, vec!["--format", "html"]].concat());
        assert!(matches!(status, 0 | 1 | 3), "{name}: exit {status}");
        let doc = check_page(&html);

        // The decision, every rule and every metric plotted, against the JSON report.
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            texts(&doc, "#decision .decision"),
            [json["decision"].as_str().unwrap().to_uppercase()],
            "{name}"
        );
        let rule_rows: HashSet<String> = attrs(&doc, "[data-rule]", "data-rule")
            .into_iter()
            .collect();
        for rule in json["rules"].as_array().unwrap() {
            let id = rule["id"].as_str().unwrap();
            assert!(rule_rows.contains(id), "{name}: rule {id} has no row");
        }
        let plotted = attrs(&doc, "svg.plot g.row", "data-metric");
        assert_eq!(
            plotted,
            attrs(&doc, "table.metrics tr", "data-metric"),
            "{name}: plot and table differ"
        );
        assert!(!plotted.is_empty(), "{name}: nothing plotted");
        assert!(html.len() < 200_000, "{name}: {} bytes", html.len());
        insta::assert_snapshot!(format!("example_{name}"), html);
    }
}

#[test]
fn the_blocked_example_says_why_and_plots_thresholds() {
    let (_, html) = tollgate(&[
        "eval",
        "policies/chat-mainline.gate",
        "--evidence",
        "examples/gpt-4o-2025-04-25/evidence.json",
        "--format",
        "html",
    ]);
    let doc = check_page(&html);
    let why = texts(&doc, "#why .rule");
    assert_eq!(why.len(), 2, "{why:?}");
    assert!(
        why[0].starts_with("block tester_behavior_concern"),
        "{}",
        why[0]
    );
    assert!(
        why[1].starts_with("review metrics_disagree_with_testers"),
        "{}",
        why[1]
    );
    assert!(why[0].contains("line 34"), "{}", why[0]);
    // `regression(sycophancy) > 1%` is drawn at 0.01, `improvement(thumbs_up) > 0` at 0.
    let sycophancy =
        Selector::parse("g.row[data-metric='behavior.sycophancy_rate'] line.threshold").unwrap();
    assert_eq!(doc.select(&sycophancy).count(), 1);
    let thumbs = texts(&doc, "tr[data-metric='ab.thumbs_up_rate']");
    assert!(thumbs[0].contains("review at 0"), "{thumbs:?}");
    // Rows say their outcome in words, not by colour alone.
    let labels = texts(&doc, "g.row[data-metric='ab.thumbs_up_rate'] text");
    assert!(
        labels
            .iter()
            .any(|t| t == "review: metrics_disagree_with_testers"),
        "{labels:?}"
    );
    // Flags grouped by source, with authors and notes.
    let sources = texts(&doc, "#flags h3");
    assert!(sources.iter().any(|s| s.contains("expert")), "{sources:?}");
    assert!(!texts(&doc, "#flags td.note").is_empty());
    // Passed rules are folded away.
    assert_eq!(texts(&doc, "#passed details summary").len(), 1);
}

const HOSTILE: &str = "<script>alert(1)</script></svg></table><!-- &amp; \"'\u{0}\u{7}\u{fffe}";

#[test]
fn text_from_evidence_renders_as_text() {
    let policy = Policy::from_source(
        "hostile.gate",
        r#"policy "hostile" { version "1" }
metric m from "m.key" lower is better
metric family fam from "fam.*" lower is better
rule r "R" {
  block when regression(m) > 1%
  review when any(fam where regression > 2%)
  block when any(flags where severity >= high)
  waivable by "lead"
  message "{count(flags where severity >= high)} flags"
}
"#
        .to_string(),
    )
    .unwrap();
    let evidence = serde_json::json!({
        "candidate": HOSTILE,
        "baseline": HOSTILE,
        "metrics": {
            "m.key": { "value": 0.5, "baseline": 0.4, "stderr": 0.01, "baseline_stderr": 0.01 },
            format!("fam.{HOSTILE}"): { "value": 0.5, "baseline": 0.4, "stderr": 0.01, "baseline_stderr": 0.01 }
        },
        "flags": [
            { "source": HOSTILE, "author": HOSTILE, "category": HOSTILE, "severity": "critical",
              "note": HOSTILE, "id": HOSTILE }
        ],
        "signoffs": [ { "role": HOSTILE, "by": HOSTILE } ],
        "waivers": [ { "rule": "r", "role": "lead", "by": HOSTILE, "reason": HOSTILE,
                       "expires": "2030-01-01" } ]
    });
    let bundle = evidence::parse_str(HOSTILE, &evidence.to_string(), Format::Json).unwrap();
    let now = Now::resolve(evidence::parse_instant("2025-01-01T00:00:00Z"), None);
    let e = policy.evaluate(&bundle, now);
    let explained = explain::explain(&policy, &bundle, now);
    let html = render::html::render(&e, &policy, &bundle, &explained);
    let doc = check_page(&html);
    let shown = HOSTILE.replace(['\u{0}', '\u{7}', '\u{fffe}'], "\u{fffd}");
    let notes = texts(&doc, "#flags td.note");
    assert_eq!(notes, std::slice::from_ref(&shown));
    assert!(html.contains("&lt;script&gt;"), "the note is not escaped");
    // The family member with the hostile key is plotted inside the plot.
    let keys = attrs(&doc, "svg.plot g.row", "data-metric");
    assert!(keys.contains(&format!("fam.{shown}")), "{keys:?}");
}

#[test]
fn the_diff_report_is_well_formed() {
    let (status, html) = tollgate(&[
        "diff",
        "examples/history/policies/chat-mainline.v3.gate",
        "examples/history/policies/chat-mainline.v4.gate",
        "--replay",
        "examples/history/bundles",
        "--format",
        "html",
    ]);
    assert_eq!(status, 0);
    let doc = check_page(&html);
    assert!(!texts(&doc, "#changes h3").is_empty());
    assert!(!texts(&doc, ".side pre.old").is_empty() || !texts(&doc, ".side pre.new").is_empty());
    assert_eq!(texts(&doc, "#replay h2"), ["Replay"]);
    insta::assert_snapshot!("diff_v3_v4", html);
}

#[test]
fn output_goes_to_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    let (status, stdout) = tollgate(&[
        "eval",
        "policies/chat-mainline.gate",
        "--evidence",
        "examples/chat-waived/evidence.json",
        "--format",
        "html",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!((status, stdout.as_str()), (0, ""));
    check_page(&std::fs::read_to_string(&file).unwrap());
    let missing = dir.path().join("no/such/dir/report.html");
    let (status, _) = tollgate(&[
        "eval",
        "policies/chat-mainline.gate",
        "--evidence",
        "examples/chat-waived/evidence.json",
        "-o",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(status, 2);
}

/// What a string reads as after escaping: characters HTML does not allow become U+FFFD, and
/// line breaks are read as HTML reads them (CR LF and CR as LF).
fn allowed(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .map(|c| {
            let n = u32::from(c);
            let bad = (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                || (0xFDD0..=0xFDEF).contains(&n)
                || (n & 0xFFFE) == 0xFFFE;
            if bad {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any string, escaped, reads back as itself in text and in an attribute, and adds no
    /// element.
    #[test]
    fn escaped_text_reads_back(s in any::<String>(), t in "[<>&\"'a-z/!\\-\\r\\n ]{0,40}") {
        for s in [s, t] {
            let page = format!(
                "<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><p title=\"{e}\">{e}</p></body></html>",
                e = escape(&s)
            );
            let doc = Html::parse_document(&page);
            prop_assert!(doc.errors.is_empty(), "{:?}", doc.errors);
            let p = Selector::parse("body *").unwrap();
            let elements: Vec<_> = doc.select(&p).collect();
            prop_assert_eq!(elements.len(), 1);
            let expected = allowed(&s);
            prop_assert_eq!(elements[0].text().collect::<String>(), expected.clone());
            prop_assert_eq!(elements[0].value().attr("title"), Some(expected.as_str()));
        }
    }
}

#[test]
fn per_item_scores_give_the_paired_interval() {
    use tollgate::eval::plotted::{plotted, Change};
    let policy = Policy::from_source(
        "p.gate",
        "policy \"p\" { version \"1\" }\nmetric acc from \"acc\" higher is better\n\
rule acc_drop { block when significantly_worse(acc)\n review when improvement(acc) < -2% }\n"
            .to_string(),
    )
    .unwrap();
    // Differences 1, 1, 0, 0 in clusters {q1, q2} and {q3, q4}: the paired test has r -0.5
    // and se 0.5 (tests/all/cli.rs states the same test through --explain).
    let evidence = r#"{"samples": {"acc": {
          "candidate": {"q1": 1, "q2": 1, "q3": 0, "q4": 1},
          "baseline": {"q1": 0, "q2": 0, "q3": 0, "q4": 1},
          "clusters": {"q1": "a", "q2": "a", "q3": "b", "q4": "b"}}}}"#;
    let bundle = evidence::parse_str("e.json", evidence, Format::Json).unwrap();
    // Merging defines the metric from its scores, as loading files does.
    let bundle = evidence::merge(vec![bundle]).unwrap();
    let rows = plotted(&policy, &bundle);
    assert_eq!(rows.len(), 1);
    match &rows[0].change {
        Change::Interval {
            r,
            low,
            high,
            method,
        } => {
            assert_eq!(
                (*r, method.as_str()),
                (-0.5, "paired, 4 items in 2 clusters")
            );
            assert!(
                (low + 0.5 + 1.96 * 0.5).abs() < 1e-12 && (high + 0.5 - 1.96 * 0.5).abs() < 1e-12
            );
        }
        other => panic!("{other:?}"),
    }
    // `improvement(acc) < -2%` is a regression above 2%.
    assert_eq!(rows[0].thresholds.len(), 1);
    assert!((rows[0].thresholds[0].at - 0.02).abs() < 1e-15);
    let now = Now::resolve(evidence::parse_instant("2025-01-01"), None);
    let e = policy.evaluate(&bundle, now);
    let html = render::html::render(
        &e,
        &policy,
        &bundle,
        &explain::explain(&policy, &bundle, now),
    );
    let doc = check_page(&html);
    assert!(texts(&doc, "tr[data-metric='acc']")[0].contains("paired, 4 items in 2 clusters"));
}

#[path = "../../benches/workload/mod.rs"]
mod workload;

/// Issue 18's size budget: the report of the S = 1000 benchmark workload stays under 1.5 MB
/// (its time budget, 20 ms, is measured by `cargo bench --bench gate -- report`).
#[test]
fn the_report_of_the_large_workload_stays_small() {
    let w = workload::Workload::generate(1000, 1);
    let policy = Policy::from_source("bench.gate", w.policy_text()).unwrap();
    let bundle = evidence::parse_str("bench.json", &w.evidence_json(), Format::Json).unwrap();
    let now = Now::resolve(evidence::parse_instant("2025-05-01T00:00:00Z"), None);
    let e = policy.evaluate(&bundle, now);
    let html = render::html::render(
        &e,
        &policy,
        &bundle,
        &explain::explain(&policy, &bundle, now),
    );
    assert!(html.len() < 1_500_000, "{} bytes", html.len());
    let doc = check_page(&html);
    assert_eq!(
        attrs(&doc, "svg.plot g.row", "data-metric").len(),
        attrs(&doc, "table.metrics tr", "data-metric").len()
    );
    eprintln!("S = 1000: {} bytes, {} rules", html.len(), e.rules.len());
}

/// A number as evidence may hold it: ordinary, zero, tiny or near the largest double.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        -2.0..2.0f64,
        Just(0.0),
        prop::sample::select(vec![
            1e-300, -1e-300, 1e300, -1e300, 1.7e308, -1.7e308, 5e-324
        ]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the numbers, the plot is drawn with finite coordinates and the page stays
    /// well-formed.
    #[test]
    fn any_numbers_give_a_finite_plot(
        metrics in prop::collection::vec(
            (number(), prop::option::of(number()), prop::option::of(0.0..1.0f64), prop::option::of(number())),
            1..6,
        )
    ) {
        let mut text = String::from("policy \"p\" { version \"1\" }\nmetric family f from \"m.*\" lower is better\n");
        text.push_str("rule r { block when any(f where regression > 1%)\n review when any(f where significantly_worse) }\n");
        let policy = Policy::from_source("p.gate", text).unwrap();
        let mut map = serde_json::Map::new();
        for (i, (value, baseline, stderr, baseline_stderr)) in metrics.iter().enumerate() {
            let mut m = serde_json::json!({ "value": value });
            if let Some(b) = baseline { m["baseline"] = serde_json::json!(b); }
            if let Some(s) = stderr { m["stderr"] = serde_json::json!(s); }
            if let Some(s) = baseline_stderr { m["baseline_stderr"] = serde_json::json!(s.abs()); }
            map.insert(format!("m.{i}"), m);
        }
        let evidence = serde_json::json!({ "metrics": map }).to_string();
        let bundle = evidence::parse_str("e.json", &evidence, Format::Json).unwrap();
        let now = Now::resolve(evidence::parse_instant("2025-01-01"), None);
        let e = policy.evaluate(&bundle, now);
        let html = render::html::render(&e, &policy, &bundle, &explain::explain(&policy, &bundle, now));
        let doc = check_page(&html);
        prop_assert_eq!(attrs(&doc, "svg.plot g.row", "data-metric").len(), metrics.len());
        for attr in ["x1", "x2", "cx", "x", "y", "y1", "y2", "cy"] {
            let selector = format!("svg.plot [{attr}]");
            for v in attrs(&doc, &selector, attr) {
                let x: f64 = v.parse().unwrap();
                prop_assert!(x.is_finite() && x.abs() < 1e6, "{}={}", attr, v);
            }
        }
    }
}

#[test]
fn thresholds_of_every_kin_are_placed_on_the_regression_scale() {
    use tollgate::eval::plotted::plotted;
    let policy = Policy::from_source(
        "p.gate",
        "policy \"p\" { version \"1\" }\nmetric acc from \"acc\" higher is better\n\
let limit = 3%\n\
rule r {\n block when rel_regression(acc) > 10%\n warn when delta(acc) < -5%\n\
 review when regression(acc) >= limit\n warn when 1% < improvement(acc)\n\
 warn when rel_delta(acc) < -20%\n review when value(acc) < 0.5 }\n"
            .to_string(),
    )
    .unwrap();
    let evidence = r#"{"metrics": {"acc": {"value": 0.7, "baseline": 0.8}}}"#;
    let bundle = evidence::parse_str("e.json", evidence, Format::Json).unwrap();
    let rows = plotted(&policy, &bundle);
    let at: Vec<f64> = rows[0].thresholds.iter().map(|t| t.at).collect();
    // 10% of |0.8|; a delta of -5% on a higher-is-better metric; the let; an improvement
    // above 1% (the constant on the left); 20% of |0.8|. `value` is on another scale.
    let expected = [0.08, 0.05, 0.03, -0.01, 0.16];
    assert_eq!(at.len(), expected.len(), "{at:?}");
    for (a, e) in at.iter().zip(expected) {
        assert!((a - e).abs() < 1e-12, "{at:?}");
    }
}

#[test]
fn a_key_a_metric_declares_is_plotted_by_that_metric() {
    use tollgate::eval::plotted::plotted;
    // The family's rule reads the key first; the row still carries the metric's name and
    // direction, and both rules.
    let policy = Policy::from_source(
        "p.gate",
        "policy \"p\" { version \"1\" }\nmetric family behavior from \"behavior.*\" lower is better\n\
metric helpful from \"behavior.helpfulness\" higher is better\n\
rule fam { block when any(behavior where regression > 5%) }\n\
rule one { warn when regression(helpful) > 1% }\n"
            .to_string(),
    )
    .unwrap();
    let evidence = r#"{"metrics": {"behavior.helpfulness": {"value": 0.7, "baseline": 0.8}}}"#;
    let bundle = evidence::parse_str("e.json", evidence, Format::Json).unwrap();
    let rows = plotted(&policy, &bundle);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].name, "helpful");
    assert_eq!(rows[0].rules, ["fam", "one"]);
    // Higher is better: 0.8 -> 0.7 is a regression of 0.1 (the family would say -0.1).
    let r = match rows[0].change {
        tollgate::eval::plotted::Change::Interval { r, .. }
        | tollgate::eval::plotted::Change::Point { r, .. } => r,
        tollgate::eval::plotted::Change::Unknown { ref why } => panic!("{why}"),
    };
    assert!((r - 0.1).abs() < 1e-12, "{r}");
}
