//! Property: for random well-formed policies laid out at random (spaces, tabs, CRLF, blank
//! lines and comments between any two tokens, comments inside inline JSON),
//! `fmt(fmt(p)) == fmt(p)` and `parse(fmt(p))` is `parse(p)` with positions ignored, with the
//! same comments in the same order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use proptest::test_runner::Config;

use tollgate::format::format_str;
use tollgate::source::Sources;
use tollgate::syntax::{self, ast};

// ---------------------------------------------------------------------------------------------
// Policies as token lists.

/// A policy or part of one as its tokens; any layout may stand between two of them.
type Tokens = Vec<String>;

fn tok(s: &str) -> String {
    s.to_string()
}

fn leaf() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        prop::sample::select(vec![
            "m",
            "n",
            "flags",
            "severity",
            "source",
            "a_metric_with_a_name_long_enough_to_push_conditions_past_the_width",
        ]),
        prop::sample::select(vec!["1", "0.5", "5%", "1e-3", "12", "2.5E+2%"]),
        prop::sample::select(vec!["\"a\"", "\"b c\"", "\"#x\"", "\"q\\\"\""]),
        prop::sample::select(vec!["true", "false", "low", "critical"]),
    ]
    .prop_map(|s| vec![tok(s)])
}

/// Whether `t` is more than one atom, a bracketed group or a call.
fn is_compound(t: &Tokens) -> bool {
    let open = match t.first().map(String::as_str) {
        _ if t.len() == 1 => return false,
        Some("(" | "[") => 0,
        Some(f) if f != "not" && t.get(1).is_some_and(|s| s == "(") => 1,
        _ => return true,
    };
    // The bracket at `open` must close at the last token.
    let mut depth = 0;
    for (i, s) in t.iter().enumerate().skip(open) {
        match s.as_str() {
            "(" | "[" => depth += 1,
            ")" | "]" => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return i + 1 != t.len();
        }
    }
    true
}

fn paren(t: Tokens) -> Tokens {
    let mut v = vec![tok("(")];
    v.extend(t);
    v.push(tok(")"));
    v
}

fn expr() -> impl Strategy<Value = Tokens> {
    leaf().prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            // and / or chains: any operands.
            (
                inner.clone(),
                prop::sample::select(vec!["and", "or"]),
                inner.clone()
            )
                .prop_map(|(l, op, r)| {
                    let mut v = l;
                    v.push(tok(op));
                    v.extend(r);
                    v
                }),
            // Comparisons are non-associative and arithmetic binds tighter than `not`:
            // compound operands go in parentheses.
            (
                inner.clone(),
                prop::sample::select(vec![
                    "==", "!=", "<", "<=", ">", ">=", "in", "not in", "+", "-", "*", "/"
                ]),
                inner.clone()
            )
                .prop_map(|(l, op, r)| {
                    let l = if is_compound(&l) { paren(l) } else { l };
                    let r = if is_compound(&r) { paren(r) } else { r };
                    let mut v = l;
                    v.extend(op.split(' ').map(tok));
                    v.extend(r);
                    v
                }),
            inner.clone().prop_map(|e| {
                let mut v = vec![tok("not")];
                v.extend(e);
                v
            }),
            inner.clone().prop_map(|e| {
                let mut v = vec![tok("-")];
                v.extend(if is_compound(&e) { paren(e) } else { e });
                v
            }),
            inner.clone().prop_map(paren),
            (
                prop::sample::select(vec!["any", "count", "max", "regression"]),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(f, args)| {
                    let mut v = vec![tok(f), tok("(")];
                    for (i, a) in args.into_iter().enumerate() {
                        if i > 0 {
                            v.push(tok(","));
                        }
                        v.extend(a);
                    }
                    v.push(tok(")"));
                    v
                }),
            (prop::collection::vec(inner.clone(), 0..4), any::<bool>()).prop_map(
                |(items, trailing)| {
                    let mut v = vec![tok("[")];
                    let n = items.len();
                    for (i, a) in items.into_iter().enumerate() {
                        if i > 0 {
                            v.push(tok(","));
                        }
                        v.extend(a);
                    }
                    if trailing && n > 0 {
                        v.push(tok(","));
                    }
                    v.push(tok("]"));
                    v
                }
            ),
            // `where` inside a call, as the language asks collections to be written.
            (inner.clone(), inner.clone()).prop_map(|(c, p)| {
                let mut v = vec![tok("any"), tok("(")];
                v.extend(c);
                v.push(tok("where"));
                v.extend(p);
                v.push(tok(")"));
                v
            }),
        ]
    })
}

fn json_value() -> impl Strategy<Value = Tokens> {
    let scalar = prop::sample::select(vec!["1", "0.25", "\"s\"", "\"#h\"", "true", "null"])
        .prop_map(|s| vec![tok(s)]);
    scalar.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(
                (
                    prop::sample::select(vec!["\"metrics\"", "\"m\"", "\"value\""]),
                    inner.clone()
                ),
                0..3
            )
            .prop_map(json_object),
            prop::collection::vec(inner, 0..3).prop_map(|items| {
                let mut v = vec![tok("[")];
                for (i, a) in items.into_iter().enumerate() {
                    if i > 0 {
                        v.push(tok(","));
                    }
                    v.extend(a);
                }
                v.push(tok("]"));
                v
            }),
        ]
    })
}

fn json_object(members: Vec<(&'static str, Tokens)>) -> Tokens {
    let mut v = vec![tok("{")];
    for (i, (k, val)) in members.into_iter().enumerate() {
        if i > 0 {
            v.push(tok(","));
        }
        v.push(tok(k));
        v.push(tok(":"));
        v.extend(val);
    }
    v.push(tok("}"));
    v
}

fn rule_stmt() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        4 => (
            prop::sample::select(vec!["block", "review", "warn"]),
            prop::sample::select(vec!["when", "unless"]),
            expr()
        )
            .prop_map(|(s, k, e)| {
                let mut v = vec![tok(s), tok(k)];
                v.extend(e);
                v
            }),
        1 => prop::sample::select(vec!["pass", "warn", "review", "block"])
            .prop_map(|o| vec![tok("missing"), tok(o)]),
        1 => prop::collection::vec(prop::sample::select(vec!["\"lead\"", "\"x y\""]), 1..3)
            .prop_map(|roles| {
                let mut v = vec![tok("waivable"), tok("by")];
                for (i, r) in roles.into_iter().enumerate() {
                    if i > 0 {
                        v.push(tok(","));
                    }
                    v.push(tok(r));
                }
                v
            }),
        1 => prop::sample::select(vec![
            "\"plain\"",
            "\"m is {m * 100}\"",
            "\"{count(flags where source == \\\"x\\\")} flag(s) {{braces}}\"",
        ])
        .prop_map(|m| vec![tok("message"), tok(m)]),
    ]
}

fn test_stmt() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        Just(vec![tok("evidence"), tok("\"e.json\"")]),
        prop::collection::vec(
            (
                prop::sample::select(vec!["\"metrics\"", "\"flags\""]),
                json_value()
            ),
            0..3
        )
        .prop_map(|members| {
            let mut v = vec![tok("evidence")];
            v.extend(json_object(members));
            v
        }),
        Just(vec![tok("now"), tok("\"2025-01-01T00:00:00Z\"")]),
        prop::sample::select(vec!["pass", "block"]).prop_map(|o| vec![tok("expect"), tok(o)]),
        prop::sample::select(vec!["fired", "missing", "waived", "passed"]).prop_map(|s| vec![
            tok("expect"),
            tok(s),
            tok("r1")
        ]),
        Just(vec![tok("expect"), tok("not"), tok("fired"), tok("r2")]),
    ]
}

fn block(head: Tokens, body: Vec<Tokens>) -> Tokens {
    let mut v = head;
    v.push(tok("{"));
    for s in body {
        v.extend(s);
    }
    v.push(tok("}"));
    v
}

fn item() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        1 => prop::sample::select(vec!["\"a.gate\"", "\"lib/b.gate\""])
            .prop_map(|p| vec![tok("import"), tok(p)]),
        2 => (
            any::<bool>(),
            prop::sample::select(vec!["m", "n", "family_x"]),
            prop::sample::select(vec!["", "higher", "lower"])
        )
            .prop_map(|(family, name, dir)| {
                let mut v = vec![tok("metric")];
                if family {
                    v.push(tok("family"));
                }
                v.extend([tok(name), tok("from"), tok("\"k.*\"")]);
                if !dir.is_empty() {
                    v.extend([tok(dir), tok("is"), tok("better")]);
                }
                v
            }),
        2 => (prop::sample::select(vec!["k", "limit"]), expr()).prop_map(|(n, e)| {
            let mut v = vec![tok("let"), tok(n), tok("=")];
            v.extend(e);
            v
        }),
        4 => (
            prop::sample::select(vec!["r1", "r2"]),
            prop::option::of(prop::sample::select(vec!["\"Title\"", "\"A # title\""])),
            prop::collection::vec(rule_stmt(), 0..4)
        )
            .prop_map(|(id, title, body)| {
                let mut head = vec![tok("rule"), tok(id)];
                head.extend(title.map(tok));
                block(head, body)
            }),
        2 => prop::collection::vec(test_stmt(), 0..4)
            .prop_map(|body| block(vec![tok("test"), tok("\"t\"")], body)),
    ]
}

fn policy() -> impl Strategy<Value = Tokens> {
    (
        any::<bool>(),
        prop::collection::vec(
            prop::sample::select(vec!["version", "owner", "description"]),
            0..3,
        ),
        prop::collection::vec(item(), 0..6),
    )
        .prop_map(|(header, fields, items)| {
            let mut v = Vec::new();
            if header {
                let body = fields
                    .into_iter()
                    .map(|f| vec![tok(f), tok("\"v\"")])
                    .collect();
                v.extend(block(vec![tok("policy"), tok("\"p\"")], body));
            }
            for i in items {
                v.extend(i);
            }
            v
        })
}

// ---------------------------------------------------------------------------------------------
// Random layout between tokens.

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '%' || c == '"' || c == '.'
}

/// Lay `tokens` out with separators chosen by `choices`, numbering comments in order.
fn lay_out(tokens: &[String], choices: &[u8]) -> String {
    const SEPARATORS: [&str; 9] = [
        " ",
        " ",
        "  ",
        "\n",
        "\t",
        "\r\n",
        "\n\n\n",
        "COMMENT\n",
        "\n  COMMENT\n\n",
    ];
    let mut out = String::new();
    let mut comment = 0;
    let mut choice = choices.iter().cycle();
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            let c = usize::from(*choice.next().unwrap_or(&0));
            let glue_ok = !(out.ends_with(is_word) && t.starts_with(is_word));
            let sep = if glue_ok && c % 5 == 0 {
                ""
            } else {
                SEPARATORS[c % SEPARATORS.len()]
            };
            if sep.contains("COMMENT") {
                comment += 1;
                out.push_str(&sep.replace("COMMENT", &format!(" # c{comment} {{ ( \"")));
            } else {
                out.push_str(sep);
            }
        }
        out.push_str(t);
    }
    out
}

// ---------------------------------------------------------------------------------------------

fn parse(text: &str) -> Result<ast::File, String> {
    let mut s = Sources::new();
    let id = s.add("p.gate", "p.gate", text);
    syntax::parse(&s, id).map_err(|e| {
        e.0.iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

proptest! {
    #![proptest_config(Config { cases: 500, ..Config::default() })]

    #[test]
    fn formatting_is_idempotent_and_keeps_the_policy(
        tokens in policy(),
        choices in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let text = lay_out(&tokens, &choices);
        let before = parse(&text).map_err(|e| TestCaseError::fail(format!("generator: {e}\n{text}")))?;
        let once = format_str("p.gate", &text)
            .map_err(|e| TestCaseError::fail(format!("{:?}\n{text}", e.0.iter().map(|d| d.message.clone()).collect::<Vec<_>>())))?;
        let twice = format_str("p.gate", &once).map_err(|_| TestCaseError::fail("second run failed"))?;
        prop_assert_eq!(&once, &twice, "not idempotent on\n{}", text);
        let after = parse(&once).map_err(TestCaseError::fail)?;
        prop_assert_eq!(crate::fmt_support::meaning(before), crate::fmt_support::meaning(after), "meaning changed:\n{}\n---\n{}", text, once);
    }
}
