//! Checked AST → the compiled, index-based form that evaluation runs over.

pub mod ir;
mod lower;

pub use ir::Program;
pub use lower::lower;
