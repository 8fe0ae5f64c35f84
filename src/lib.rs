//! Tollgate: a declarative policy language that decides whether a model update may launch.

pub mod diagnostic;
pub mod evidence;
pub mod levels;
pub mod source;
pub mod span;
pub mod syntax;
