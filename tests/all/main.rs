//! Tollgate's integration tests, built as one test binary (`cargo test --test all`): each
//! former `tests/*.rs` file is a module here, so the library and the dev-dependencies are
//! linked once rather than once per file. Filter by module path, e.g.
//! `cargo test --test all diff_soundness` or `cargo test --test all parse::errors`.
//!
//! Where things live: fixtures, schemas and consumers stay in `tests/`; insta snapshots are
//! in `snapshots/` next to each module's folder, named `all__<module>__<name>.snap`; proptest
//! regressions are in `tests/proptest-regressions/<module path>.txt`.

// Tests index and convert numbers freely: a wrong index or a truncation here is a failing
// test, which is the point. (The library denies both: Cargo.toml `[lints]`.)
#![allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]

mod check;
mod ci_action;
mod cli;
mod diff_cli;
mod diff_effects;
mod diff_rewrites;
mod diff_soundness;
mod eval;
mod evidence;
mod evidence_fast_path;
mod evidence_hostile;
mod evidence_merge;
mod evidence_snapshots;
mod evidence_support;
mod examples;
mod fail_closed;
mod fmt;
mod fmt_cli;
mod fmt_properties;
mod fmt_support;
mod import;
mod import_cli;
mod import_samples;
mod limits;
mod lsp;
mod lsp_client;
mod parse;
mod properties;
mod record;
mod record_forgery;
mod report;
mod report_escaping;
mod report_explain;
mod report_html;
mod report_sarif;
mod scratch;
mod test_cli;
mod trust;
mod trust_properties;
