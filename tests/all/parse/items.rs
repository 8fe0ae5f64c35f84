//! Each item kind, item order, and rule/test statements.

use tollgate::levels::{Direction, Outcome};
use tollgate::syntax::ast::{ClauseKind, HeaderKey, Item, RuleExpectation, RuleStmt, TestStmt};

use super::{conditions, parse_ok, rules, slice};

#[test]
fn policy_header_with_fields_in_any_order() {
    let text =
        "policy \"chat\" {\n  owner \"mb\"\n  version \"2025.05.02\"\n  description \"d\"\n}\n";
    let f = parse_ok(text);
    let [Item::Policy(p)] = &f.items[..] else {
        panic!("{:?}", f.items)
    };
    assert_eq!(p.name.value, "chat");
    let keys: Vec<HeaderKey> = p.fields.iter().map(|f| f.key).collect();
    assert_eq!(
        keys,
        [HeaderKey::Owner, HeaderKey::Version, HeaderKey::Description]
    );
    assert_eq!(p.fields[1].value.value, "2025.05.02");
    assert_eq!(slice(text, p.fields[1].key_span), "version");
    assert_eq!(slice(text, p.fields[1].span), "version \"2025.05.02\"");
    assert_eq!(slice(text, p.span), &text[..text.len() - 1]);
}

#[test]
fn policy_header_on_one_line_or_empty() {
    let f = parse_ok("policy \"fmt\" {version \"3\"}");
    let Item::Policy(p) = &f.items[0] else {
        panic!()
    };
    assert_eq!(p.fields.len(), 1);
    assert_eq!(p.fields[0].value.value, "3");

    let f = parse_ok("policy \"flags\" {}");
    let Item::Policy(p) = &f.items[0] else {
        panic!()
    };
    assert_eq!(p.name.value, "flags");
    assert!(p.fields.is_empty());
}

#[test]
fn repeated_header_fields_are_kept_for_the_checker() {
    let f = parse_ok("policy \"p\" { version \"1\" version \"2\" }");
    let Item::Policy(p) = &f.items[0] else {
        panic!()
    };
    assert_eq!(p.fields.len(), 2);
}

#[test]
fn import_item() {
    let text = "import \"common/behavior.gate\"";
    let f = parse_ok(text);
    let [Item::Import(i)] = &f.items[..] else {
        panic!()
    };
    assert_eq!(i.path.value, "common/behavior.gate");
    assert_eq!(slice(text, i.span), text);
}

#[test]
fn metric_items_with_and_without_direction() {
    let text = "metric sycophancy from \"behavior.sycophancy_rate\" lower is better\n\
                metric thumbs_up  from \"ab.thumbs_up_rate\"        higher is better\n\
                metric plain from \"x.y\"\n\
                metric family refusals from \"safety.refusal.*\"    lower is better\n";
    let f = parse_ok(text);
    let metrics: Vec<_> = f
        .items
        .iter()
        .map(|i| match i {
            Item::Metric(m) => m,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(metrics.len(), 4);
    assert_eq!(metrics[0].name.name, "sycophancy");
    assert_eq!(metrics[0].key.value, "behavior.sycophancy_rate");
    assert!(!metrics[0].family);
    let d = metrics[0].direction.as_ref().unwrap();
    assert_eq!(d.direction, Direction::LowerIsBetter);
    assert_eq!(slice(text, d.span), "lower is better");
    assert_eq!(
        metrics[1].direction.as_ref().unwrap().direction,
        Direction::HigherIsBetter
    );
    assert!(metrics[2].direction.is_none());
    assert!(metrics[3].family);
    assert_eq!(metrics[3].name.name, "refusals");
    assert_eq!(metrics[3].key.value, "safety.refusal.*");
}

#[test]
fn contextual_words_can_be_metric_names() {
    // `family`, `from`, `missing`, `message` are keywords only where they stand.
    let f = parse_ok(
        "metric family from \"a\"\nmetric from from \"b\"\nmetric missing from \"c\"\nmetric message from \"d\"",
    );
    let names: Vec<(&str, bool)> = f
        .items
        .iter()
        .map(|i| match i {
            Item::Metric(m) => (m.name.name.as_str(), m.family),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            ("family", false),
            ("from", false),
            ("missing", false),
            ("message", false)
        ]
    );
}

#[test]
fn let_item() {
    let text = "let behavior = [\"sycophancy\", \"hallucination\"]\nlet limit=5%";
    let f = parse_ok(text);
    let [Item::Let(a), Item::Let(b)] = &f.items[..] else {
        panic!()
    };
    assert_eq!(a.name.name, "behavior");
    assert_eq!(super::sx(&a.value), "[\"sycophancy\" \"hallucination\"]");
    assert_eq!(b.name.name, "limit");
    assert_eq!(super::sx(&b.value), "5%");
    assert_eq!(slice(text, b.span), "let limit=5%");
}

#[test]
fn rule_with_title_and_every_statement_kind() {
    let text = r#"rule expert_behavior_concern "Expert testers flagged model behavior" {
  block when any(flags where source == "expert")
  review unless signed("safety-lead")
  missing review
  waivable by "head-of-model-behavior", "vp"
  message "{count(flags)} flag(s)"
}"#;
    let f = parse_ok(text);
    let [r] = rules(&f)[..] else { panic!() };
    assert_eq!(r.id.name, "expert_behavior_concern");
    assert_eq!(
        r.title.as_ref().unwrap().value,
        "Expert testers flagged model behavior"
    );
    assert_eq!(r.body.len(), 5);
    let RuleStmt::Clause(c) = &r.body[0] else {
        panic!()
    };
    assert_eq!((c.outcome, c.kind), (Outcome::Block, ClauseKind::When));
    assert_eq!(slice(text, c.outcome_span), "block");
    assert_eq!(
        slice(text, c.span),
        "block when any(flags where source == \"expert\")"
    );
    let RuleStmt::Clause(c) = &r.body[1] else {
        panic!()
    };
    assert_eq!((c.outcome, c.kind), (Outcome::Review, ClauseKind::Unless));
    let RuleStmt::Missing(m) = &r.body[2] else {
        panic!()
    };
    assert_eq!(m.outcome, Outcome::Review);
    assert_eq!(slice(text, m.outcome_span), "review");
    let RuleStmt::Waivable(w) = &r.body[3] else {
        panic!()
    };
    let roles: Vec<&str> = w.roles.iter().map(|r| r.value.as_str()).collect();
    assert_eq!(roles, ["head-of-model-behavior", "vp"]);
    let RuleStmt::Message(m) = &r.body[4] else {
        panic!()
    };
    assert_eq!(m.template.value, "{count(flags)} flag(s)");
    assert_eq!(m.parts.len(), 2);
    assert_eq!(slice(text, r.span), text);
}

#[test]
fn missing_accepts_every_outcome() {
    for (word, outcome) in [
        ("pass", Outcome::Pass),
        ("warn", Outcome::Warn),
        ("review", Outcome::Review),
        ("block", Outcome::Block),
    ] {
        let f = parse_ok(&format!("rule r {{ warn when x missing {word} }}"));
        let RuleStmt::Missing(m) = &rules(&f)[0].body[1] else {
            panic!()
        };
        assert_eq!(m.outcome, outcome);
    }
}

#[test]
fn whole_rule_on_one_line() {
    let f = parse_ok(
        "rule expert_quorum { block when authors(flags where source == \"expert\" and severity >= low) >= 2 }",
    );
    let r = rules(&f)[0];
    assert_eq!(
        conditions(r),
        ["(>= authors((where flags (and (== source \"expert\") (>= severity sev:low)))) 2)"]
    );
}

#[test]
fn statements_separated_by_spaces_only() {
    // From the fmt conformance case: a clause followed by `missing review` on the same line.
    let f = parse_ok("rule r {block when m>limit\nreview when m >   2%  missing   review}");
    let r = rules(&f)[0];
    assert_eq!(r.body.len(), 3);
    assert_eq!(conditions(r), ["(> m limit)", "(> m 2%)"]);
    assert!(matches!(&r.body[2], RuleStmt::Missing(m) if m.outcome == Outcome::Review));
}

#[test]
fn a_metric_named_missing_inside_a_condition() {
    let f = parse_ok("rule r { block when missing > 1 missing review }");
    let r = rules(&f)[0];
    assert_eq!(conditions(r), ["(> missing 1)"]);
    assert!(matches!(&r.body[1], RuleStmt::Missing(_)));
}

#[test]
fn statement_order_is_kept_and_empty_bodies_parse() {
    let f =
        parse_ok("rule r { message \"m\" missing pass block when a warn when b }\nrule empty {}");
    let r = rules(&f);
    let kinds: Vec<&str> = r[0]
        .body
        .iter()
        .map(|s| match s {
            RuleStmt::Clause(_) => "clause",
            RuleStmt::Missing(_) => "missing",
            RuleStmt::Waivable(_) => "waivable",
            RuleStmt::Message(_) => "message",
        })
        .collect();
    assert_eq!(kinds, ["message", "missing", "clause", "clause"]);
    assert!(r[1].body.is_empty());
}

#[test]
fn test_block_with_every_statement_kind() {
    let text = r#"test "the April 25 update is blocked" {
  evidence "../examples/gpt-4o-2025-04-25/evidence.json"   # may repeat; files merge
  evidence { "metrics": { "behavior.sycophancy_rate": { "value": 0.2 } } }   # inline JSON
  now "2025-04-25T12:00:00Z"                                # evaluation time, optional
  expect block                                               # the decision
  expect fired expert_behavior_concern                       # a rule's status
  expect missing sycophancy_regression
  expect waived w
  expect passed p
  expect not fired safety_signoff
}"#;
    let f = parse_ok(text);
    let [Item::Test(t)] = &f.items[..] else {
        panic!()
    };
    assert_eq!(t.name.value, "the April 25 update is blocked");
    assert_eq!(t.body.len(), 9);
    let TestStmt::EvidenceFile { path, .. } = &t.body[0] else {
        panic!()
    };
    assert_eq!(path.value, "../examples/gpt-4o-2025-04-25/evidence.json");
    let TestStmt::EvidenceInline {
        json,
        json_span,
        span,
    } = &t.body[1]
    else {
        panic!()
    };
    assert_eq!(
        json,
        r#"{ "metrics": { "behavior.sycophancy_rate": { "value": 0.2 } } }"#
    );
    assert_eq!(slice(text, *json_span), json);
    assert!(slice(text, *span).starts_with("evidence {"));
    let TestStmt::Now { time, .. } = &t.body[2] else {
        panic!()
    };
    assert_eq!(time.value, "2025-04-25T12:00:00Z");
    assert!(matches!(
        t.body[3],
        TestStmt::ExpectDecision {
            outcome: Outcome::Block,
            ..
        }
    ));
    let expectations: Vec<(RuleExpectation, &str)> = t.body[4..]
        .iter()
        .map(|s| match s {
            TestStmt::ExpectRule {
                expectation, rule, ..
            } => (*expectation, rule.name.as_str()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        expectations,
        [
            (RuleExpectation::Fired, "expert_behavior_concern"),
            (RuleExpectation::Missing, "sycophancy_regression"),
            (RuleExpectation::Waived, "w"),
            (RuleExpectation::Passed, "p"),
            (RuleExpectation::NotFired, "safety_signoff"),
        ]
    );
    assert_eq!(f.comments.len(), 5);
}

#[test]
fn expect_decision_for_each_outcome() {
    for o in Outcome::ALL {
        let f = parse_ok(&format!("test \"t\" {{ expect {o} }}"));
        let Item::Test(t) = &f.items[0] else { panic!() };
        assert!(matches!(t.body[0], TestStmt::ExpectDecision { outcome, .. } if outcome == o));
    }
}

#[test]
fn inline_json_keeps_strings_with_braces_and_blanks_comments() {
    let text = "test \"t\" {\n  evidence {\n    \"a\": \"}{#\\\"\", # a comment }\n    \"b\": [1, {\"c\": 2}]\n  }\n  expect pass\n}";
    let f = parse_ok(text);
    let Item::Test(t) = &f.items[0] else { panic!() };
    let TestStmt::EvidenceInline {
        json, json_span, ..
    } = &t.body[0]
    else {
        panic!()
    };
    let source = slice(text, *json_span);
    assert_eq!(
        json.len(),
        source.len(),
        "offsets inside the JSON match the source"
    );
    assert!(!json.contains("a comment"));
    assert!(json.contains(r#""a": "}{#\"", "#));
    assert!(json.ends_with("\"b\": [1, {\"c\": 2}]\n  }"));
    assert_eq!(f.comments.len(), 1);
    assert_eq!(f.comments[0].text, "# a comment }");
    assert!(matches!(
        t.body[1],
        TestStmt::ExpectDecision {
            outcome: Outcome::Pass,
            ..
        }
    ));
}

#[test]
fn items_in_any_order() {
    let f = parse_ok(
        "test \"t\" { expect pass }\nrule r { warn when m > 1 }\nlet l = 1\nmetric m from \"m\"\nimport \"x.gate\"\ntrust \"k\"\npolicy \"p\" {}",
    );
    let kinds: Vec<&str> = f
        .items
        .iter()
        .map(|i| match i {
            Item::Policy(_) => "policy",
            Item::Import(_) => "import",
            Item::Trust(_) => "trust",
            Item::Metric(_) => "metric",
            Item::Let(_) => "let",
            Item::Rule(_) => "rule",
            Item::Test(_) => "test",
        })
        .collect();
    assert_eq!(
        kinds,
        ["test", "rule", "let", "metric", "import", "trust", "policy"]
    );
}

#[test]
fn crlf_line_endings_and_tabs() {
    let text = "policy \"p\" {\r\n\tversion \"1\"\r\n}\r\n# note\r\nrule r {\r\n\tblock when a > 1\r\n\tmissing warn\r\n}\r\n";
    let f = parse_ok(text);
    assert_eq!(f.items.len(), 2);
    let r = rules(&f)[0];
    assert_eq!(conditions(r), ["(> a 1)"]);
    assert_eq!(f.comments[0].text, "# note");
    assert_eq!(slice(text, f.comments[0].span), "# note");
}

#[test]
fn empty_file_and_comment_only_file() {
    assert!(parse_ok("").items.is_empty());
    let f = parse_ok("# nothing here\n\n   # or here");
    assert!(f.items.is_empty());
    assert_eq!(f.comments.len(), 2);
}

#[test]
fn byte_order_mark_is_ignored() {
    let f = parse_ok("\u{FEFF}policy \"p\" {}");
    assert_eq!(f.items.len(), 1);
}

#[test]
fn spans_end_at_the_last_token_not_at_trailing_layout() {
    let text = "metric m from \"m\"   lower is better   # trailing\n\
                metric n from \"n\"  # no direction\n\
                let l = a and b   # why\n\
                rule r {\n  block when x > 1   # c\n  waivable by \"a\"  \n  message \"m\"\n}\n\
                test \"t\" { expect fired r   # c\n}";
    let f = parse_ok(text);
    let spans: Vec<&str> = f.items.iter().map(|i| slice(text, i.span())).collect();
    assert_eq!(spans[0], "metric m from \"m\"   lower is better");
    assert_eq!(spans[1], "metric n from \"n\"");
    assert_eq!(spans[2], "let l = a and b");
    assert!(spans[3].starts_with("rule r {") && spans[3].ends_with('}'));
    let r = rules(&f)[0];
    let stmts: Vec<&str> = r.body.iter().map(|s| slice(text, s.span())).collect();
    assert_eq!(
        stmts,
        ["block when x > 1", "waivable by \"a\"", "message \"m\""]
    );
    let Item::Test(t) = &f.items[4] else { panic!() };
    assert_eq!(slice(text, t.body[0].span()), "expect fired r");
}
