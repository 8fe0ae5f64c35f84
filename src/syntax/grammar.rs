//! The pest parser derived from `grammar/tollgate.pest`, and nothing else.

use pest_derive::Parser;

/// The derived parser. Its `Rule` names never reach users: see [`super::errors`].
#[derive(Parser)]
#[grammar = "grammar/tollgate.pest"]
pub(crate) struct GateParser;
