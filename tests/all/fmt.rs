//! The formatter on deliberately messy inputs (tests/fixtures/fmt/): each formatted text is
//! snapshotted, is stable under a second run, and parses to the same policy with the same
//! comments. Also: the shipped policies are already in canonical form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use tollgate::format::format_str;
use tollgate::source::Sources;
use tollgate::syntax::{self, ast};

fn parse(text: &str) -> ast::File {
    let mut s = Sources::new();
    let id = s.add("t.gate", "t.gate", text);
    syntax::parse(&s, id).unwrap_or_else(|e| panic!("does not parse: {:?}\n{text}", e.0.len()))
}

/// The items with inline JSON stripped of layout, and the comments' texts: what formatting
/// must not change.
fn meaning(text: &str) -> (Vec<ast::Item>, Vec<String>) {
    crate::fmt_support::meaning(parse(text))
}

/// Format `text` and check the formatter's promises on it.
fn format_checked(name: &str, text: &str) -> String {
    let once = format_str(name, text).unwrap_or_else(|e| panic!("{name}: {:?}", e.0.len()));
    let twice = format_str(name, &once).unwrap();
    assert_eq!(once, twice, "{name}: formatting is not idempotent");
    assert_eq!(meaning(text), meaning(&once), "{name}: meaning changed");
    assert!(!once.contains('\r'), "{name}: CR left");
    for line in once.lines() {
        assert_eq!(line.trim_end(), line, "{name}: trailing whitespace");
        let indented = line.trim_start_matches(' ');
        assert!(!indented.starts_with('\t'), "{name}: tab in indentation");
    }
    assert!(
        once.is_empty() || (once.ends_with('\n') && !once.ends_with("\n\n")),
        "{name}: must end with exactly one newline"
    );
    once
}

#[test]
fn messy_inputs() {
    insta::glob!("../fixtures", "fmt/*.gate", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let formatted = format_checked(&name, &text);
        insta::assert_snapshot!(formatted);
    });
}

#[test]
fn the_conformance_example() {
    let text = "# header comment\npolicy   \"fmt\" {version \"3\"}\n\
        metric m from \"m\"   lower is better   # trailing comment\nlet limit=5%\n\
        rule r {block when m>limit\nreview when m >   2%  missing   review}";
    assert_eq!(
        format_checked("c.gate", text),
        "# header comment\npolicy \"fmt\" {\n  version \"3\"\n}\n\n\
         metric m from \"m\" lower is better # trailing comment\n\n\
         let limit = 5%\n\n\
         rule r {\n  block when m > limit\n  review when m > 2%\n  missing review\n}\n"
    );
}

#[test]
fn an_adjusted_family_keeps_its_adjustment() {
    for method in ["holm", "bh"] {
        let text = format!(
            "metric  family tox from \"tox.*\"  lower is better   adjusted  by {method}\n\
             metric family raw from \"raw.*\" adjusted by {method} # no direction\n"
        );
        assert_eq!(
            format_checked("p.gate", &text),
            format!(
                "metric family tox from \"tox.*\" lower is better adjusted by {method}\n\
                 metric family raw from \"raw.*\" adjusted by {method} # no direction\n"
            )
        );
    }
}

#[test]
fn crlf_tabs_and_trailing_whitespace_go() {
    let text = "policy \"p\" {}  \r\n\r\nrule r {\r\n\tblock when x > 1\t \r\n}\r\n\r\n\r\n";
    assert_eq!(
        format_checked("p.gate", text),
        "policy \"p\" {}\n\nrule r {\n  block when x > 1\n}\n"
    );
}

#[test]
fn a_long_condition_breaks_before_and_or() {
    let cond = (0..8)
        .map(|i| format!("regression(metric_number_{i}) > 1%"))
        .collect::<Vec<_>>()
        .join(" and ");
    let out = format_checked("p.gate", &format!("rule r {{ block when {cond} }}"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[1], "  block when regression(metric_number_0) > 1%");
    assert_eq!(lines[2], "      and regression(metric_number_1) > 1%");
    assert!(out.lines().all(|l| l.chars().count() <= 100));
}

#[test]
fn a_where_predicate_breaks_inside_the_call() {
    let text = "rule r { block when any(flags where source == \"expert\" and category in \
        behavior_categories and severity >= medium and note != \"known\") }";
    assert_eq!(
        format_checked("p.gate", text),
        "rule r {\n  block when any(flags where source == \"expert\"\n      \
         and category in behavior_categories\n      and severity >= medium\n      \
         and note != \"known\")\n}\n"
    );
}

#[test]
fn numbers_and_strings_stay_as_written() {
    let text = "let a = 1e-3+2E+5*0.50-5%\nlet b = \"\\u{e9}\\t\\\"q\\\"\"\n";
    assert_eq!(
        format_checked("p.gate", text),
        "let a = 1e-3 + 2E+5 * 0.50 - 5%\nlet b = \"\\u{e9}\\t\\\"q\\\"\"\n"
    );
}

#[test]
fn runs_of_declarations_stay_together_other_items_get_a_blank_line() {
    let text = "metric a from \"a\"\nmetric b from \"b\"\n\nmetric c from \"c\"\nlet x = 1\n\
        let y = 2\nrule r { warn when a > x }\nrule s { warn when b > y }\n";
    assert_eq!(
        format_checked("p.gate", text),
        "metric a from \"a\"\nmetric b from \"b\"\n\nmetric c from \"c\"\n\nlet x = 1\n\
         let y = 2\n\nrule r {\n  warn when a > x\n}\n\nrule s {\n  warn when b > y\n}\n"
    );
}

#[test]
fn syntax_errors_are_reported_not_formatted() {
    let err = format_str("bad.gate", "rule r { block when }").unwrap_err();
    assert!(err.0.iter().all(|d| d.code.as_str() == "tollgate::syntax"));
}

/// Every `.gate` file under `dir`.
fn gate_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            gate_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "gate") {
            out.push(path);
        }
    }
}

#[test]
fn shipped_policies_are_formatted() {
    let mut files = Vec::new();
    gate_files(Path::new("policies"), &mut files);
    gate_files(Path::new("examples"), &mut files);
    assert!(files.len() >= 2);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let formatted = format_checked(&path.display().to_string(), &text);
        assert!(
            formatted == text,
            "{} is not formatted: run `tollgate fmt {}`",
            path.display(),
            path.display()
        );
    }
}
