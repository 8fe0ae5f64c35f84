//! `tollgate lsp`: a language server over stdio. Synchronous, on `lsp-server` and
//! `lsp-types` (as rust-analyzer, starlark-rust and Nickel are; docs/editors.md says why):
//! one thread reads messages, re-checks after a pause in typing, and answers every request
//! from the snapshot of the policy the document belongs to, which holds the checker's own
//! resolution ([`crate::check::Analysis`]).
//!
//! One module per feature: `hover`, `navigate` (definition, references, rename),
//! `completion`, `outline` (symbols, folding), `lens` (tests), `diagnostics`; `snapshot`
//! loads and checks, `tolerant` recovers from syntax errors, `workspace` tracks documents.

mod completion;
mod diagnostics;
mod hover;
mod lens;
mod navigate;
mod occurrences;
mod outline;
#[cfg(test)]
mod properties;
mod server;
mod snapshot;
mod text;
mod tolerant;
mod workspace;

use lsp_server::Connection;

/// Serve on stdin and stdout until the client says `exit`.
pub fn run_stdio() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    serve(connection)?;
    io_threads.join().map_err(|e| e.to_string())
}

/// Serve on `connection` (stdio, or an in-memory pair in tests) until `exit`.
pub fn serve(connection: Connection) -> Result<(), String> {
    let capabilities = serde_json::to_value(server::capabilities()).map_err(|e| e.to_string())?;
    connection
        .initialize(capabilities)
        .map_err(|e| e.to_string())?;
    server::Server::new(&connection).run()
}
