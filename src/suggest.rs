//! "Did you mean …": the one rule for calling a word a likely misspelling of another, used
//! for names and keywords in policies, keys and values in evidence, and the near misses
//! evaluation warns about.

/// The candidate closest to `word`, when it is close enough to be a plausible typo: a small
/// edit distance (a transposition counts as one edit) or a high Jaro–Winkler similarity,
/// ignoring case. A candidate equal to `word` is not a suggestion.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if word.is_empty() {
        return None;
    }
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .filter_map(|c| {
            let other = c.to_lowercase();
            let edits = strsim::damerau_levenshtein(&lower, &other);
            let similarity = strsim::jaro_winkler(&lower, &other);
            let close = edits <= 2.min(lower.len().max(other.len()) / 2) || similarity >= 0.85;
            close.then_some((edits, -similarity, c))
        })
        .min_by(|a, b| {
            (a.0, a.1)
                .partial_cmp(&(b.0, b.1))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .map(|(_, _, c)| c)
}

/// "did you mean `x`?" for the closest candidate, if any.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn typos_find_their_word_and_strangers_do_not() {
        let words = ["high", "medium", "critical", "pass_at_1", "safety-lead"];
        for (typo, meant) in [
            ("hgh", "high"),
            ("meduim", "medium"),
            ("Critical", "critical"),
            ("pass_at1", "pass_at_1"),
            ("saftey-lead", "safety-lead"),
        ] {
            assert_eq!(closest(typo, words), Some(meant), "{typo}");
        }
        for stranger in ["x", "banana", "high", ""] {
            assert_eq!(closest(stranger, words), None, "{stranger}");
        }
    }
}
