//! `tollgate verify RECORD`: check that a decision record still holds.

use std::path::{Path, PathBuf};

use tollgate::diagnostic::{Code, Diagnostic};
use tollgate::record;

use super::output::print_diagnostics;
use super::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// A decision record written by `tollgate eval --record FILE`.
    record: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Require RECORD.sig, made by a key the recorded policy trusts for ROLE (docs/trust.md).
    #[arg(long, value_name = "ROLE")]
    signer: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run(args: Args) -> Exit {
    let name = args.record.display().to_string();
    let unusable = |message: String| {
        print_diagnostics([&Diagnostic::error(Code::Usage, message)
            .with_help("pass a file written by `tollgate eval --record FILE`")]);
        Exit::Unusable
    };
    let text = match std::fs::read_to_string(&args.record) {
        Ok(t) => t,
        Err(e) => return unusable(format!("cannot read the record {name}: {e}")),
    };
    let parsed = match record::parse(&text) {
        Ok(r) => r,
        Err(e) => return unusable(format!("{name}: {e}")),
    };
    let dir = args
        .record
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut sig_path = args.record.as_os_str().to_owned();
    sig_path.push(".sig");
    let signature = std::fs::read_to_string(&sig_path).ok();
    let signed = record::Signed {
        bytes: text.as_bytes(),
        signature: signature.as_deref(),
        signer: args.signer.as_deref(),
    };
    let verification = record::verify_signed(parsed, dir, Some(signed));
    match args.format {
        Format::Human => print!("{}", record::render_human(&verification, &name)),
        Format::Json => print!("{}", record::render_json(&verification, &name)),
    }
    if verification.reproduces() {
        Exit::Ok
    } else {
        Exit::Failed
    }
}
