//! The limits a user may raise: sizes and counts that bound memory and time, each with a
//! default and an environment variable that overrides it. No policy or bundle a team writes
//! comes near a default; a generated one might, and its owner can raise the limit without a
//! rebuild.
//!
//! The defaults live here, and `syntax` and `evidence` read theirs from here
//! (`syntax::limits::MAX_SOURCE_BYTES`, `evidence::MAX_FILE_BYTES`): this module depends on
//! no other, so any module may use it.
//!
//! The limits that guard the stack — nesting of brackets, expressions, imports and evidence
//! — are fixed when Tollgate is built (`syntax::limits`, `check::MAX_IMPORT_DEPTH`,
//! `evidence::MAX_NESTING`): raising them at run time could turn a refused input into a
//! crash. docs/limits.md lists every limit with its default and its error.
//!
//! A limit never changes a decision: an input within every limit is evaluated the same
//! whatever the limits are, and one past a limit is refused (exit status 2).

/// A limit with a default and an environment variable that overrides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The environment variable that overrides the default.
    pub var: &'static str,
    /// The value when the variable is unset.
    pub default: u64,
    /// The largest value the variable may set (a larger one is taken as this).
    pub ceiling: u64,
}

/// Largest policy file, in bytes: 64 MiB by default. Also bounded by `Span` offsets, which
/// are `u32`: the variable may raise it to 1 GiB.
pub const POLICY_BYTES: Limit = Limit {
    var: "TOLLGATE_MAX_POLICY_BYTES",
    default: 64 * 1024 * 1024,
    ceiling: 1 << 30,
};

/// Largest evidence file, in bytes: 64 MiB by default.
pub const EVIDENCE_BYTES: Limit = Limit {
    var: "TOLLGATE_MAX_EVIDENCE_BYTES",
    default: 64 * 1024 * 1024,
    ceiling: u64::MAX,
};

/// Most rules in a policy, imports included: 1,000,000 by default (the largest generated
/// benchmark policy has 100,003).
pub const RULES: Limit = Limit {
    var: "TOLLGATE_MAX_RULES",
    default: 1_000_000,
    ceiling: u32::MAX as u64,
};

impl Limit {
    /// The value in force: the environment variable when it holds a whole number above 0
    /// (up to the ceiling), else the default. A value that is not such a number is ignored.
    pub fn get(&self) -> u64 {
        std::env::var(self.var)
            .ok()
            .and_then(|v| v.trim().replace('_', "").parse::<u64>().ok())
            .filter(|&v| v > 0)
            .map_or(self.default, |v| v.min(self.ceiling))
    }

    /// [`Limit::get`] as a `usize` (saturating on 32-bit targets).
    pub fn get_usize(&self) -> usize {
        usize::try_from(self.get()).unwrap_or(usize::MAX)
    }

    /// How to raise the limit, for the help of the error that names it.
    pub fn how_to_raise(&self) -> String {
        let now = self.get();
        let set = if now == self.default {
            String::new()
        } else {
            format!("; it is set to {now}, the default is {}", self.default)
        };
        format!(
            "to raise the limit, set the environment variable {var} (for example \
             {var}={example}){set}",
            var = self.var,
            example = now.saturating_mul(2).min(self.ceiling),
        )
    }
}

/// ` (64 MiB)` for a whole number of MiB, else nothing: for messages that state a size.
pub fn in_mib(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes % MIB == 0 {
        format!(" ({} MiB)", bytes / MIB)
    } else {
        String::new()
    }
}
