//! Text helpers for hot loops.

/// `a == b`, inlined for short strings (no call to `memcmp`): length first, as most
/// differ in length. Keys, field names, flag sources and categories are short.
#[inline]
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 32 {
        return a == b;
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}
