//! `tollgate lsp`: the language server, over stdin and stdout (docs/editors.md).

use super::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Accepted for editors that pass it (VS Code's client does); stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

pub fn run(_args: Args) -> Exit {
    match tollgate::lsp::run_stdio() {
        Ok(()) => Exit::Ok,
        Err(e) => {
            eprintln!("error: the language server stopped: {e}");
            Exit::Unusable
        }
    }
}
