//! Source text → pest parse tree → typed AST with spans.

pub mod ast;
