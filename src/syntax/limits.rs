//! Hard limits on policy input, in one place. Each keeps a hostile or accidental input from
//! exhausting the stack or memory of the parser or of any later recursive pass. Hitting one
//! is a `tollgate::limit` error that names it.

/// Largest policy source file accepted by default, in bytes (64 MiB): the default of
/// [`crate::limits::POLICY_BYTES`], which owns it. Real policies are a few kilobytes;
/// generated ones (the benchmark at 100,000 rules) run to about 10 MB;
/// this bounds memory and keeps every offset well inside a `Span`'s `u32`.
#[allow(clippy::cast_possible_truncation)] // 64 MiB fits any usize Tollgate runs on
pub const MAX_SOURCE_BYTES: usize = crate::limits::POLICY_BYTES.default as usize;

/// Deepest nesting of brackets — `(`, `[` and `{` together, counted outside strings and
/// comments — in a file or a message interpolation. Checked by a linear scan before pest runs,
/// since pest and the builders recurse once per bracket.
pub const MAX_BRACKET_DEPTH: usize = 64;

/// Deepest expression tree the parser builds (an operator chain `a and b and …` or a run of
/// `not` counts one level per operator). Checked while building, so no tree deeper than this
/// ever exists and every later pass may recurse over expressions without running out of stack.
pub const MAX_EXPR_DEPTH: usize = 256;

/// Most syntax errors reported for one file. After an error the parser resumes at the next
/// item; past this many errors the rest is likely noise from the first ones.
pub const MAX_SYNTAX_ERRORS: usize = 20;
