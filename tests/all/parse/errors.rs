//! Syntax errors: words instead of rule names, the right position, helpful text, several
//! errors per file, and rendered snapshots.

use super::{assert_no_rule_names, is_syntax, line_col, one_err, parse_err, render};

/// (source, expected message, line, column)
const CASES: &[(&str, &str, usize, usize)] = &[
    ("rul r {}", "expected an item (`policy`, `import`, `metric`, `let`, `rule`, `test`), found `rul`", 1, 1),
    ("policy \"p\" {}\nrule r { block when m > }", "expected an expression, found `}`", 2, 25),
    ("rule r { block if m > 1 }", "expected `when` or `unless`, found `if`", 1, 16),
    ("rule r { block when m > 1 x }", "expected a comparison, `and`, `or` or the end of the clause, found `x`", 1, 27),
    ("rule r {\n  bock when m > 1\n}", "expected a rule statement (`block when …`, `review when …`, `warn when …`, `missing …`, `waivable by …`, `message …`) or `}`, found `bock`", 2, 3),
    ("let x 5", "expected `=`, found `5`", 1, 7),
    ("let x =", "expected an expression, found the end of the file", 1, 8),
    ("metric m \"k\"", "expected `from`, found a string", 1, 10),
    ("metric m from k", "expected a string in double quotes, found `k`", 1, 15),
    ("metric m from \"k\" higher better", "expected `is`, found `better`", 1, 26),
    ("policy \"x\" { versoin \"1\" }", "expected a header field (`version`, `owner`, `description`) or `}`, found `versoin`", 1, 14),
    ("policy x {}", "expected a string in double quotes, found `x`", 1, 8),
    ("test \"t\" { expect foo }", "expected an outcome (`pass`, `warn`, `review`, `block`) or a rule status (`fired`, `missing`, `waived`, `passed`, `not fired`), found `foo`", 1, 19),
    ("test \"t\" { expect not x }", "expected `fired`, found `x`", 1, 23),
    ("test \"t\" { evidence x }", "expected a string in double quotes or an inline JSON object, found `x`", 1, 21),
    ("test \"t\" { evidnce \"x\" }", "expected a test statement (`evidence …`, `now …`, `expect …`) or `}`, found `evidnce`", 1, 12),
    ("rule r { block when f(x y) }", "expected an operator (such as `>`, `+`, `and`, `or`), `,` or `)`, found `y`", 1, 25),
    ("rule r { block when [x y] }", "expected an operator (such as `>`, `+`, `and`, `or`), `,` or `]`, found `y`", 1, 24),
    ("rule r { block when x not y }", "expected `in` (after `not`, as in `x not in list`), found `y`", 1, 27),
    ("rule r { warn when x missing revew }", "expected an outcome (`pass`, `warn`, `review`, `block`), found `revew`", 1, 30),
    ("rule r { waivable by \"a\", }", "expected a string in double quotes, found `}`", 1, 27),
    ("rule r { waivable \"a\" }", "expected `by`, found a string", 1, 19),
    ("rule r \"T\" block when x", "expected `{`, found `block`", 1, 12),
    ("rule r block when x", "expected a title in double quotes or `{`, found `block`", 1, 8),
    ("let a = b c", "expected an operator (such as `>`, `+`, `and`, `or`) or an item (`policy`, `import`, `metric`, `let`, `rule`, `test`), found `c`", 1, 11),
];

#[test]
fn messages_name_what_was_expected_in_words() {
    for &(src, message, line, column) in CASES {
        let d = one_err(src);
        assert!(is_syntax(&d), "{src}: {:?}", d.code);
        assert_eq!(d.message, message, "for {src:?}");
        assert_eq!(line_col(&d), (line, column), "for {src:?}");
        assert_no_rule_names(&d);
        assert!(!d.labels.is_empty(), "for {src:?}");
    }
}

#[test]
fn misspelt_keywords_get_a_suggestion() {
    for (src, suggestion) in [
        ("rul r {}", "rule"),
        ("metirc m from \"m\"", "metric"),
        ("rule r { blok when x }", "block"),
        ("rule r { block wehn x }", "when"),
        ("rule r { warn when x missing revew }", "review"),
        ("policy \"p\" { onwer \"me\" }", "owner"),
        ("test \"t\" { expcet pass }", "expect"),
    ] {
        let d = one_err(src);
        assert_eq!(
            d.help.as_deref(),
            Some(format!("did you mean `{suggestion}`?").as_str()),
            "for {src}"
        );
    }
}

#[test]
fn reserved_words_cannot_be_names() {
    let d = one_err("rule block { warn when x }");
    assert_eq!(
        d.message,
        "`block` is a reserved word and cannot name a rule"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("choose another name, such as `block_rule`")
    );
    assert_eq!(line_col(&d), (1, 6));

    for (src, message) in [
        (
            "let when = 1",
            "`when` is a reserved word and cannot name a constant",
        ),
        (
            "metric low from \"x\"",
            "`low` is a reserved word and cannot name a metric",
        ),
        (
            "metric family test from \"x\"",
            "`test` is a reserved word and cannot name a metric family",
        ),
        (
            "test \"t\" { expect fired pass }",
            "`pass` is a reserved word and cannot be a rule's name, so no rule can have it",
        ),
    ] {
        assert_eq!(one_err(src).message, message, "for {src}");
    }

    let d = one_err("rule r { block when x == pass }");
    assert_eq!(
        d.message,
        "expected an expression, found the reserved word `pass`"
    );
    assert!(d.help.as_deref().unwrap().contains("outcome"));
    // Reserved words that share a prefix with another ("in", "info", "import").
    for word in ["in", "import", "test", "where", "policy"] {
        let d = one_err(&format!("let x = {word} + 1"));
        assert!(
            d.message.contains(&format!("`{word}`")),
            "{word}: {}",
            d.message
        );
    }
    let d = one_err("rule r { block when when > 1 }");
    assert_eq!(
        d.message,
        "expected an expression, found the reserved word `when`"
    );
    assert_eq!(line_col(&d), (1, 21));
}

#[test]
fn chained_comparison_is_rejected_clearly() {
    let d = one_err("rule r {\n  block when 0 < x < 1\n}");
    assert_eq!(d.message, "comparisons cannot be chained");
    assert_eq!(line_col(&d), (2, 20));
    assert_eq!(
        d.help.as_deref(),
        Some("a comparison gives true or false; compare twice and join with `and`: `0 < x and x < 1`")
    );
    assert_eq!(
        one_err("let a = x == y == z").message,
        "comparisons cannot be chained"
    );
    assert_eq!(
        one_err("let a = x in y in z").message,
        "comparisons cannot be chained"
    );
}

#[test]
fn operator_words_where_an_operand_belongs() {
    let d = one_err("let x = a == not b");
    assert_eq!(
        d.message,
        "expected an expression, found the reserved word `not`"
    );
    assert!(d.help.as_deref().unwrap().contains("`a == (not b)`"));
    let d = one_err("rule r { block when and x }");
    assert_eq!(
        d.help.as_deref(),
        Some("`and` needs an expression on each side; one is missing before it")
    );
}

#[test]
fn common_slips_get_help() {
    assert_eq!(
        one_err("rule r { block when x = 5 }").help.as_deref(),
        Some("to compare, write `==`")
    );
    assert_eq!(
        one_err("rule r { block when x > 1 && y }").help.as_deref(),
        Some("write `and`")
    );
    assert_eq!(
        one_err("rule r { block when x > 1 || y }").help.as_deref(),
        Some("write `or`")
    );
    assert_eq!(
        one_err("rule r { block when x == 'a' }").message,
        "strings use double quotes"
    );
    let d = one_err("rule r { pass when x }");
    assert_eq!(d.message, "`pass` cannot start a clause");
}

#[test]
fn bracket_problems_point_at_the_bracket() {
    let d = one_err("rule r { block when m > 1");
    assert_eq!(d.message, "unclosed `{`");
    assert_eq!(line_col(&d), (1, 8));

    let d = one_err("rule r { block when (x > 1 }");
    assert_eq!(d.message, "expected `)`, found `}`");
    assert_eq!(line_col(&d), (1, 28));
    assert_eq!(d.labels.len(), 2, "the opening bracket is labelled too");

    let d = one_err("rule r { }}");
    assert_eq!(d.message, "unmatched `}`");
    assert_eq!(line_col(&d), (1, 11));

    // An unclosed rule body is blamed on its `{`, not on the next rule.
    let d = one_err("rule a {\n  block when x\n\nrule b { warn when y }\n");
    assert_eq!(d.message, "unclosed `{`");
    assert_eq!(line_col(&d), (1, 8));
}

#[test]
fn every_error_of_a_file_is_reported() {
    let ds = parse_err(
        "policy \"p\" {}\nrule a { block when x > }\nrule ok { warn when y }\nrule b { block if y }\nlet block = 1\n",
    );
    let found: Vec<(String, (usize, usize))> = ds
        .iter()
        .map(|d| (d.message.clone(), line_col(d)))
        .collect();
    assert_eq!(
        found,
        [
            ("expected an expression, found `}`".to_string(), (2, 25)),
            (
                "expected `when` or `unless`, found `if`".to_string(),
                (4, 16)
            ),
            (
                "`block` is a reserved word and cannot name a constant".to_string(),
                (5, 5)
            ),
        ]
    );
}

#[test]
fn errors_in_items_before_a_syntax_error_are_reported_too() {
    let ds = parse_err("let when = 1\nimport \"a\\qb\"\nrule r { block when x > }\n");
    let found: Vec<(String, (usize, usize))> = ds
        .iter()
        .map(|d| (d.message.clone(), line_col(d)))
        .collect();
    assert_eq!(
        found,
        [
            (
                "`when` is a reserved word and cannot name a constant".to_string(),
                (1, 5)
            ),
            ("unknown escape `\\q` in a string".to_string(), (2, 10)),
            ("expected an expression, found `}`".to_string(), (3, 25)),
        ]
    );
}

#[test]
fn error_at_end_of_file_is_zero_width_at_the_end() {
    let text = "rule r { block when x }\nlet y =";
    let d = one_err(text);
    assert_eq!(d.labels[0].offset(), text.len());
    assert_eq!(d.labels[0].len(), 0);
    assert_eq!(line_col(&d), (2, 8));
}

#[test]
fn snapshot_conformance_parse_error() {
    let d = one_err(
        "policy \"broken\" {}\nmetric m from \"m\" higher is better\nrule r { block when m > }\n",
    );
    insta::assert_snapshot!("missing_operand", render(&d));
}

#[test]
fn snapshot_chained_comparison() {
    let d = one_err("rule band {\n  review when 0.1 < m < 0.2\n}\n");
    insta::assert_snapshot!("chained_comparison", render(&d));
}

#[test]
fn snapshot_reserved_rule_name() {
    let d = one_err("policy \"p\" {}\n\nrule block {\n  block when x > 1\n}\n");
    insta::assert_snapshot!("reserved_rule_name", render(&d));
}

#[test]
fn snapshot_unterminated_string() {
    let d = one_err("rule r {\n  block when x\n  message \"the model regressed\n}\n");
    insta::assert_snapshot!("unterminated_string", render(&d));
}

#[test]
fn snapshot_clause_end() {
    let d = one_err("rule r {\n  block when regression(m) > 1% m2 > 3\n}\n");
    insta::assert_snapshot!("clause_end", render(&d));
}

#[test]
fn snapshot_clause_without_when() {
    let d = one_err("rule r {\n  block when regression(m) > 1% review\n}\n");
    insta::assert_snapshot!("clause_without_when", render(&d));
}

#[test]
fn snapshot_mismatched_bracket() {
    let d = one_err("rule r {\n  block when any(flags where (severity >= high)\n}\n");
    insta::assert_snapshot!("mismatched_bracket", render(&d));
}

#[test]
fn snapshot_template_error() {
    let d = one_err("rule r {\n  block when x\n  message \"{count(flags where note == \\\"a\\\") +} flags\"\n}\n");
    insta::assert_snapshot!("template_error", render(&d));
}

#[test]
fn snapshot_leading_dot() {
    let d = one_err("rule r { review when m > .25 }\n");
    insta::assert_snapshot!("leading_dot", render(&d));
}
