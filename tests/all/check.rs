//! Static checks: every error carries a span, names the file, line and column, and helps.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tollgate::diagnostic::Code;
use tollgate::render::diagnostics::render_all;
use tollgate::{Diagnostics, Policy};

fn errors(name: &str, text: &str) -> Diagnostics {
    Policy::from_source(name, text).expect_err("the policy should be rejected")
}

fn codes(d: &Diagnostics) -> Vec<Code> {
    d.0.iter()
        .filter(|d| d.is_error())
        .map(|d| d.code)
        .collect()
}

fn rendered(d: &Diagnostics) -> String {
    render_all(&d.0, false)
}

#[test]
fn type_error_is_reported_with_its_span() {
    let d = errors(
        "types.gate",
        "policy \"types\" {}\nmetric m from \"m\" higher is better\nrule r { block when \"a\" > 1 }\n",
    );
    assert_eq!(codes(&d), vec![Code::Type]);
    let loc = d.0[0].location.clone().unwrap();
    assert_eq!(
        (loc.file.as_str(), loc.line, loc.column),
        ("types.gate", 3, 21)
    );
    insta::assert_snapshot!("type_error", rendered(&d));
}

#[test]
fn unknown_name_suggests_the_closest() {
    let d = errors(
        "names.gate",
        "policy \"names\" {}\nmetric sycophancy from \"s\" lower is better\nrule r { block when sycophacy > 1 }\n",
    );
    assert_eq!(codes(&d), vec![Code::UnknownName]);
    assert_eq!(d.0[0].help.as_deref(), Some("did you mean `sycophancy`?"));
    insta::assert_snapshot!("unknown_name", rendered(&d));
}

#[test]
fn unknown_function_suggests_the_closest() {
    let d = errors(
        "f.gate",
        "policy \"f\" {}\nmetric m from \"m\" lower is better\nrule r { block when regresion(m) > 1 }\n",
    );
    assert_eq!(d.0[0].help.as_deref(), Some("did you mean `regression`?"));
}

#[test]
fn duplicate_across_an_import_shows_both_definitions() {
    let d = Policy::load("tests/fixtures/check/dup/policy.gate").unwrap_err();
    assert_eq!(codes(&d), vec![Code::Duplicate]);
    let text = rendered(&d);
    assert!(text.contains("policy.gate:5:8"), "{text}");
    assert!(text.contains("shared.gate:2:8"), "{text}");
    insta::assert_snapshot!("duplicate_across_import", text);
}

#[test]
fn import_cycle_names_both_ends() {
    let d = Policy::load("tests/fixtures/check/cycle/policy.gate").unwrap_err();
    assert_eq!(codes(&d), vec![Code::ImportCycle]);
    let text = rendered(&d);
    assert!(text.contains("b.gate:1:1"), "{text}");
    assert!(text.contains("a.gate:1:1"), "{text}");
}

#[test]
fn missing_import_points_at_the_import() {
    let d = errors(
        "tests/fixtures/check/missing.gate",
        "policy \"m\" {}\nimport \"nowhere.gate\"\n",
    );
    assert_eq!(codes(&d), vec![Code::Import]);
    assert_eq!(d.0[0].location.as_ref().unwrap().line, 2);
}

#[test]
fn every_error_in_a_file_is_reported() {
    let d = errors(
        "many.gate",
        "policy \"many\" {}\nmetric m from \"m\"\nrule a { block when nope > 1 }\nrule b { block when regression(m) > 1 }\nrule c { block when m + true > 1 }\n",
    );
    assert_eq!(codes(&d), vec![Code::UnknownName, Code::Type, Code::Type]);
    let lines: Vec<usize> =
        d.0.iter()
            .map(|d| d.location.as_ref().unwrap().line)
            .collect();
    assert_eq!(lines, vec![3, 4, 5]);
}

#[test]
fn let_cycles_are_rejected_and_use_before_definition_is_not() {
    let d = errors(
        "lets.gate",
        "policy \"l\" {}\nlet a = b + 1\nlet b = a * 2\nrule r { block when a > 1 }\n",
    );
    assert_eq!(codes(&d), vec![Code::LetCycle]);

    let ok = Policy::from_source(
        "order.gate",
        "policy \"o\" {}\nrule r { block when limit > 1 }\nlet limit = base * 2\nlet base = 3\n",
    );
    assert!(ok.is_ok(), "{:?}", ok.err());
}

#[test]
fn direction_dependent_functions_need_a_direction() {
    let d = errors(
        "dir.gate",
        "policy \"d\" {}\nmetric m from \"m\"\nrule r { block when significantly_worse(m) }\n",
    );
    assert_eq!(codes(&d), vec![Code::Type]);
    assert!(
        d.0[0].message.contains("which way is better"),
        "{}",
        d.0[0].message
    );
    // Direction-free functions are fine without one.
    assert!(Policy::from_source(
        "dir.gate",
        "policy \"d\" {}\nmetric m from \"m\"\nrule r { block when delta(m) > 0 }\n"
    )
    .is_ok());
}

#[test]
fn type_rules_of_section_4() {
    let cases = [
        ("rule r { block when \"a\" < \"b\" }", "cannot order a string against a string"),
        ("rule r { block when true + 1 > 0 }", "works on numbers"),
        ("rule r { block when count(flags) }", "must be true or false"),
        ("rule r { block when severity >= high }", "unknown name `severity`"),
        ("rule r { block when any(flags where severity >= 2) }", "cannot order"),
        ("rule r { block when \"x\" in [1, 2] }", "needs a list"),
        ("rule r { block when [1, \"a\"] == [1] }", "one type of element"),
        ("rule r { block when authors(fam) > 1 }", "metrics have none"),
        ("rule r { block when regression(fam) > 1 }", "is a metric family"),
        ("rule r { block when signed(role) }", "role name in quotes"),
        ("rule r { block when r > 1 }", "is a rule, not a value"),
        ("rule r { block when m > 1 }\nrule q { block when m > 1 \n missing warn\n missing block }", "`missing` twice"),
        ("rule r { message \"x\" }", "has no clause"),
        ("rule r { block when count(flags where stage == \"ab\") > abs(1, 2) }", "takes one number"),
    ];
    let mut wrong = Vec::new();
    for (rule, expected) in cases {
        let text = format!(
            "policy \"t\" {{}}\nmetric m from \"m\" lower is better\nmetric family fam from \"f.*\" lower is better\n{rule}\n"
        );
        let d = errors("t.gate", &text);
        let all: Vec<String> = d.0.iter().map(|d| d.message.clone()).collect();
        if !all.iter().any(|m| m.contains(expected)) {
            wrong.push(format!("{rule}: {all:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn headers_are_checked() {
    let d = errors("h.gate", "rule r { block when true }\n");
    assert_eq!(codes(&d), vec![Code::Header]);
    let d = errors(
        "h.gate",
        "policy \"a\" { version \"1\" version \"2\" }\nrule r { block when true }\n",
    );
    assert_eq!(codes(&d), vec![Code::Header]);
}

#[test]
fn tests_naming_unknown_rules_are_errors() {
    // A broken test breaks that test, not the policy: the error is the test's own.
    let policy = Policy::from_source(
        "t.gate",
        "policy \"t\" {}\nrule too_high { block when true }\ntest \"x\" {\n  evidence { \"metrics\": {} }\n  expect fired too_hgh\n}\n",
    )
    .unwrap();
    let errors: Vec<_> = policy.test_errors().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, Code::Test);
    assert_eq!(errors[0].help.as_deref(), Some("did you mean `too_high`?"));
}

#[test]
fn unused_names_are_warnings_not_errors() {
    let p = Policy::from_source(
        "u.gate",
        "policy \"u\" {}\nmetric unused from \"x\"\nlet spare = 3\nrule r { block when true }\n",
    )
    .unwrap();
    let messages: Vec<&str> = p.warnings().iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        vec!["metric `unused` is never used", "let `spare` is never used"]
    );
}

/// Mistakes a newcomer makes, each answered with the specific help, through the binary.
#[test]
fn newcomer_mistakes_explain_themselves() {
    let dir = tempfile::tempdir().unwrap();
    for (condition, help) in [
        ("any(flags where severity >= hgh)", "did you mean `high`?"),
        (
            "any(flags where severity >= \"medium\")",
            "drop the quotes: `medium` is a severity",
        ),
        (
            "any(flags where severity in [\"high\", \"critical\"])",
            "drop the quotes: `high` is a severity",
        ),
        (
            "regression(m) > 2 %",
            "write `2%` with no space: a `%` belongs to the number it follows",
        ),
    ] {
        let path = dir.path().join("p.gate");
        std::fs::write(
            &path,
            format!(
                "policy \"p\" {{}}\nmetric m from \"m\" lower is better\nrule r {{\n  block when {condition}\n}}\n"
            ),
        )
        .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tollgate"))
            .arg("check")
            .arg(&path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).replace('\n', " ");
        let err = err.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(out.status.code(), Some(2), "{condition}: {err}");
        assert!(
            err.contains(help),
            "{condition}: expected help `{help}` in\n{err}"
        );
    }
}
