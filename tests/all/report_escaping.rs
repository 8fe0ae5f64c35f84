//! Reports survive hostile text: rule titles, messages, candidate names and waiver reasons
//! full of markup, line breaks, percent signs and control characters. JUnit stays
//! well-formed XML; GitHub workflow commands parse back, the way the Actions runner parses
//! them, to exactly the text that was meant; markdown tables keep their columns.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tollgate::evidence::{self, Format};
use tollgate::{render, Evaluation, Now, Policy};

const NASTY: &str = "a<b>&c \"q\" 's' 100% :: x,y\r\nnext]]> line\u{1}\u{7}";

fn policy_text() -> String {
    // `\n` and `\u{…}` escapes in string literals put line breaks and control characters
    // into titles and messages.
    r#"policy "esc" { version "1" }
metric m from "m.key" lower is better
rule nasty "Title <&> \"quoted\" 100% a:b,c\nsecond line\u{1}" {
  block when m > 1
  message "value {m} is 50% over <limit> & more: a,b\u{d}\nnext"
}
rule quiet_warn "Warn: 5%, <ok>" {
  warn when m > 1
}
rule gone "Needs, evidence: here" {
  review when has(m) and regression(m) > 0
  missing review
}
rule waived_rule "Waived" {
  block when m > 1
  waivable by "lead:ops,1"
}
rule fine { block when m > 100 }
"#
    .to_string()
}

fn evaluation() -> (Policy, tollgate::Bundle, Evaluation) {
    let policy = Policy::from_source("dir, with:colon/esc%20.gate", policy_text()).unwrap();
    let evidence = serde_json::json!({
        "candidate": NASTY,
        "baseline": "base<&>",
        "metrics": { "m.key": { "value": 5 } },
        "waivers": [
            { "rule": "waived_rule", "role": "lead:ops,1", "by": "o'brien <ob@x>",
              "reason": NASTY, "expires": "2030-01-01" },
            { "rule": "no_such_rule", "role": "r", "by": "b", "reason": "because 100%\nreally",
              "expires": "2030-01-01" }
        ]
    });
    let bundle = evidence::parse_str("ev%,:.json", &evidence.to_string(), Format::Json).unwrap();
    let now = evidence::parse_instant("2025-01-01T00:00:00Z").unwrap();
    let e = policy.evaluate(&bundle, Now::resolve(Some(now), None));
    (policy, bundle, e)
}

// ---- XML well-formedness, checked at the string level ----

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// Text between markup: no `<`, every `&` starts a known entity or a character reference,
/// and no character XML 1.0 forbids.
fn check_text(text: &str) {
    for c in text.chars() {
        let code = c as u32;
        assert!(
            code >= 0x20 || matches!(c, '\t' | '\n' | '\r'),
            "forbidden character {code:#x} in {text:?}"
        );
        assert!(c != '<', "raw < in {text:?}");
    }
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        rest = &rest[i + 1..];
        let end = rest.find(';').expect("unterminated entity");
        let entity = &rest[..end];
        let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
            || entity
                .strip_prefix('#')
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        assert!(ok, "bad entity &{entity}; in {text:?}");
    }
}

/// Parse the document well enough to prove it well-formed: one declaration, balanced
/// elements, quoted attributes with escaped values, clean text. Returns the element names
/// in document order.
fn well_formed(xml: &str) -> Vec<String> {
    let rest = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = rest;
    let mut roots = 0;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            assert!(rest.trim().is_empty(), "text after the root: {rest:?}");
            break;
        };
        let text = &rest[..lt];
        if stack.is_empty() {
            assert!(text.trim().is_empty(), "text outside the root: {text:?}");
        }
        check_text(text);
        let gt = rest[lt..].find('>').expect("unterminated tag") + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(is_name(name), "bad element name {name:?}");
        let mut names = Vec::new();
        while !attrs.trim().is_empty() {
            attrs = attrs.trim_start();
            let eq = attrs.find("=\"").expect("attribute without a quoted value");
            let attr = &attrs[..eq];
            assert!(is_name(attr), "bad attribute name {attr:?}");
            assert!(!names.contains(&attr), "attribute {attr} twice");
            names.push(attr);
            let value_end = attrs[eq + 2..].find('"').expect("unterminated value") + eq + 2;
            let value = &attrs[eq + 2..value_end];
            check_text(value);
            assert!(!value.contains('\n'), "raw line break in attribute {attr}");
            attrs = &attrs[value_end + 1..];
        }
        if stack.is_empty() {
            roots += 1;
        }
        seen.push(name.to_string());
        if !empty {
            stack.push(name.to_string());
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1, "one root element");
    seen
}

fn attr_value(xml: &str, element: &str, attr: &str) -> String {
    let start = xml.find(&format!("<{element} ")).unwrap();
    let tag = &xml[start..start + xml[start..].find('>').unwrap()];
    let at = tag.find(&format!(" {attr}=\"")).unwrap() + attr.len() + 3;
    tag[at..at + tag[at..].find('"').unwrap()].to_string()
}

#[test]
fn junit_is_well_formed_with_hostile_text() {
    let (policy, bundle, e) = evaluation();
    let x = tollgate::eval::explain::explain(&policy, &bundle, e.now);
    for explained in [false, true] {
        let xml = render::junit::render(&e, explained.then_some(x.as_slice()));
        let elements = well_formed(&xml);
        assert_eq!(elements.iter().filter(|n| *n == "testcase").count(), 5);
        assert_eq!(elements.iter().filter(|n| *n == "failure").count(), 2);
        assert_eq!(attr_value(&xml, "testsuites", "tests"), "5");
        assert_eq!(attr_value(&xml, "testsuites", "failures"), "2");
        assert_eq!(attr_value(&xml, "testsuite", "failures"), "2");
        assert!(xml.contains("type=\"missing\""), "{xml}");
        assert!(
            xml.contains("review: missing evidence: m.key.baseline"),
            "{xml}"
        );
        assert!(
            xml.contains("<system-out>warning: Warn: 5%, &lt;ok&gt;"),
            "{xml}"
        );
        assert!(xml.contains("waived: would block"), "{xml}");
        assert!(
            xml.contains("warning: waiver for no_such_rule ignored"),
            "{xml}"
        );
        assert!(!xml.contains('\u{1}') && !xml.contains('\u{7}'));
    }
}

#[test]
fn junit_of_every_example_is_well_formed() {
    for (policy, evidence) in [
        (
            "policies/chat-mainline.gate",
            "examples/gpt-4o-2025-04-25/evidence.json",
        ),
        (
            "policies/chat-mainline.gate",
            "examples/chat-missing-eval/evidence.json",
        ),
        (
            "policies/chat-mainline.gate",
            "examples/chat-waived/evidence.json",
        ),
        (
            "policies/frontier-preparedness.gate",
            "examples/frontier-withheld/evidence.yaml",
        ),
    ] {
        let root = env!("CARGO_MANIFEST_DIR");
        let p = Policy::load(format!("{root}/{policy}")).unwrap();
        let b = evidence::load_files(&[format!("{root}/{evidence}")]).unwrap();
        let e = p.evaluate(&b, Now::resolve(None, b.as_of));
        let xml = render::junit::render(&e, None);
        let elements = well_formed(&xml);
        let cases = elements.iter().filter(|n| *n == "testcase").count();
        assert_eq!(cases, e.rules.len());
        let failures = e
            .rules
            .iter()
            .filter(|r| r.outcome >= tollgate::Outcome::Review)
            .count();
        assert_eq!(
            elements.iter().filter(|n| *n == "failure").count(),
            failures
        );
        assert_eq!(
            attr_value(&xml, "testsuites", "failures"),
            failures.to_string()
        );
    }
}

// ---- GitHub workflow commands, parsed the way the Actions runner parses them ----

struct Command {
    name: String,
    properties: Vec<(String, String)>,
    message: String,
}

fn unescape_data(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

fn unescape_property(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// `::name key=value,key=value::message`: the command ends at the first `::` after the
/// opening one; properties split on `,` and then on the first `=`.
fn parse_command(line: &str) -> Command {
    let body = line.strip_prefix("::").expect("starts with ::");
    let end = body.find("::").expect("a second ::");
    let (info, data) = (&body[..end], &body[end + 2..]);
    let (name, props) = info.split_once(' ').unwrap_or((info, ""));
    let properties = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape_property(v))
        })
        .collect();
    Command {
        name: name.to_string(),
        properties,
        message: unescape_data(data),
    }
}

fn prop<'a>(c: &'a Command, key: &str) -> Option<&'a str> {
    c.properties
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[test]
fn github_commands_parse_back_to_the_text_meant() {
    let (_, _, e) = evaluation();
    let out = render::github::render(&e, &[]);
    // One command a line: a message's line breaks are escaped, never raw.
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    let commands: Vec<Command> = lines.iter().map(|l| parse_command(l)).collect();
    let names: Vec<&str> = commands.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["error", "notice", "error", "notice", "warning", "error"],
        "{out}"
    );

    let nasty = &commands[0];
    assert_eq!(prop(nasty, "file"), Some("dir, with:colon/esc%20.gate"));
    assert_eq!(prop(nasty, "line"), Some("3"));
    assert_eq!(prop(nasty, "col"), Some("1"));
    assert_eq!(prop(nasty, "title"), Some("nasty: block"));
    assert_eq!(
        nasty.message,
        "nasty — Title <&> \"quoted\" 100% a:b,c\nsecond line\u{1}\n\
         value 5 is 50% over <limit> & more: a,b\r\nnext"
    );

    let missing = &commands[2];
    assert_eq!(
        prop(missing, "title"),
        Some("gone: review (missing evidence)")
    );
    assert!(
        missing
            .message
            .starts_with("missing evidence: m.key.baseline\n"),
        "{}",
        missing.message
    );

    let waived = &commands[3];
    assert_eq!(prop(waived, "title"), Some("waived_rule: waived"));
    assert!(waived.message.ends_with(NASTY), "{:?}", waived.message);
    assert!(waived.message.contains("(lead:ops,1)"));

    let ignored = &commands[4];
    assert_eq!(prop(ignored, "file"), None);
    assert!(ignored.message.contains("no_such_rule"));

    let decision = &commands[5];
    assert_eq!(prop(decision, "title"), Some("tollgate: block"));
    assert!(decision.message.contains(NASTY));
}

#[test]
fn github_escapes_per_the_runner() {
    assert_eq!(render::github::data("100%\r\n:,"), "100%25%0D%0A:,");
    assert_eq!(render::github::property("100%\r\n:,"), "100%25%0D%0A%3A%2C");
    // A message ending in a `%` followed by hex-looking text stays what it was.
    let tricky = "%0A%25%3A";
    assert_eq!(unescape_data(&render::github::data(tricky)), tricky);
    assert_eq!(unescape_property(&render::github::property(tricky)), tricky);
}

// ---- Markdown ----

#[test]
fn markdown_tables_keep_their_columns() {
    let (policy, _, e) = evaluation();
    let md = render::markdown::render(&e, &policy, &[], false);
    for line in md.lines().filter(|l| l.starts_with('|')) {
        // Unescaped pipes delimit cells: every table here has 2, 3 or 4 columns.
        let mut cells = 0;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '|' if !escaped => cells += 1,
                _ => escaped = false,
            }
        }
        assert!((3..=5).contains(&cells), "{cells} pipes in {line:?}");
    }
    assert!(
        !md.contains("<limit>") && md.contains("&lt;limit&gt;"),
        "{md}"
    );
    assert!(!md.contains('\u{1}') && !md.contains('\r'));
    assert!(md.contains("(`lead:ops,1`)"), "{md}");
}
