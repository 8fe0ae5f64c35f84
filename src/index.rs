//! Indices into a policy or a bundle, stored in 32 bits to keep the compiled form and the
//! bound evidence small.

/// `i` as a 32-bit index. The limits keep every index below 2^32 (at most a million rules, and
/// files whose size a `u32` offset covers); should one not fit all the same, it saturates to
/// `u32::MAX`, a look-up with it finds nothing, and the value it stood for is unknown: the
/// rule fails closed rather than reading another element.
#[inline]
pub fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}
