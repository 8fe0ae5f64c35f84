//! The value rules of EVIDENCE.md that both readers of a document apply: the validating pass
//! (`shape`), which reports a value that breaks one, and the JSON fast path (`fast_json`),
//! which hands such a document to the validating pass. Keeping them here keeps the two
//! readers from drifting apart.

/// A required text must contain more than white space.
pub(crate) fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// A standard error is 0 or more.
pub(crate) fn is_negative(x: f64) -> bool {
    x < 0.0
}

/// An interval is written `[low, high]`.
pub(crate) fn is_ordered(low: f64, high: f64) -> bool {
    low <= high
}

/// An interval must contain the number it is about (its value, or its baseline).
pub(crate) fn contains((low, high): (f64, f64), center: f64) -> bool {
    low <= center && center <= high
}

/// A sha256 digest as `sha256sum` prints it: 64 lowercase hex digits.
pub(crate) fn is_digest(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
