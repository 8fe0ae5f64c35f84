//! The words of the language: reserved words (never names) and the keywords that matter only
//! where they stand. Shared by the builders, the error messages and later passes.

/// Words that can never be names (LANGUAGE.md section 2).
pub const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "where", "when", "unless", "true", "false", "info", "low", "medium",
    "high", "critical", "pass", "warn", "review", "block", "policy", "import", "metric", "let",
    "rule", "test",
];

/// Whether `word` is reserved and so can never name a metric, constant or rule.
pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely misspelling.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    crate::suggest::closest(word, candidates.iter().copied())
}
