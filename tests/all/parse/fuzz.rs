//! Token soup: whatever the input, the parser returns (never panics), and every diagnostic
//! has a location, a label inside the text and no grammar rule names.

use proptest::prelude::*;

use tollgate::diagnostic::Code;

use super::{assert_no_rule_names, sources};

const TOKENS: &[&str] = &[
    "rule", "r", "{", "}", "block", "review", "when", "unless", "x", ">", ">=", "==", "1", "5%",
    "0.5", ".5", "1e999", "and", "or", "not", "in", "where", "(", ")", "[", "]", ",", "\"s\"",
    "\"", "# c\n", "\n", " ", "message", "\"{x}\"", "\"{\"", "\"a\\q\"", "test", "evidence",
    "expect", "fired", "pass", "let", "=", "metric", "family", "from", "lower", "is", "better",
    "policy", "version", "missing", "waivable", "by", "import", "-", "*", "count", "flags",
    "medium", "true", "'", ";", "&&", "é",
];

/// Valid beginnings, so the soup reaches past the first token into every part of the grammar.
const PREFIXES: &[&str] = &[
    "",
    "rule r { block when ",
    "rule r { block when x > 1 ",
    "rule r { message \"{",
    "test \"t\" { ",
    "test \"t\" { evidence { ",
    "let x = ",
    "policy \"p\" { ",
    "metric ",
];

fn soup() -> impl Strategy<Value = String> {
    let tokens = prop::collection::vec((prop::sample::select(TOKENS), prop::bool::ANY), 0..40);
    (prop::sample::select(PREFIXES), tokens).prop_map(|(prefix, toks)| {
        let body: String = toks
            .into_iter()
            .map(|(t, space)| {
                if space {
                    format!("{t} ")
                } else {
                    t.to_string()
                }
            })
            .collect();
        format!("{prefix}{body}")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn parser_always_answers_in_words(text in soup()) {
        let (s, id) = sources(&text);
        match tollgate::syntax::parse(&s, id) {
            Ok(file) => {
                for c in &file.comments {
                    prop_assert!((c.span.end as usize) <= text.len());
                    prop_assert!(c.text.starts_with('#'));
                }
            }
            Err(ds) => {
                prop_assert!(!ds.0.is_empty());
                for d in &ds.0 {
                    prop_assert!(matches!(d.code, Code::Syntax | Code::Limit), "{:?} for {:?}", d, text);
                    prop_assert!(d.location.is_some());
                    prop_assert!(!d.labels.is_empty());
                    for l in &d.labels {
                        prop_assert!(l.offset() + l.len() <= text.len());
                    }
                    assert_no_rule_names(d);
                }
            }
        }
    }
}
