//! Properties of evaluation, checked on generated policies and bundles (proptest): the
//! report, the decider and `--explain` agreeing on every rule;
//! Kleene's three-valued logic against a reference implementation (LANGUAGE.md section 6),
//! determinism and independence from the order of evidence files and flags, and
//! monotonicity of flag rules; and the line and column lookup every location relies on.
//! Case counts keep the whole suite to a few seconds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod agreement;
mod determinism;
mod kleene;
mod monotone;
mod positions;
mod statistics;
mod support;
