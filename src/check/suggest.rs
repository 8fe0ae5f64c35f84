//! Help lines for unknown names, on the one "did you mean" rule of `crate::suggest`.

/// A help line for an unknown name: the suggestion when there is one, else `fallback`.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback: &str,
) -> String {
    crate::suggest::did_you_mean(name, candidates).unwrap_or_else(|| fallback.to_string())
}
