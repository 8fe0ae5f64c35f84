//! `tollgate check FILE…`: parse, resolve, type-check and lint.

use std::path::PathBuf;

use serde::Serialize;
use tollgate::diagnostic::Location;
use tollgate::policy::{check_file, FileCheck};
use tollgate::render;

use super::output::print_diagnostics;
use super::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Policy files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Diagnostics with the source line, for a terminal or a CI log.
    Human,
    /// One JSON document listing every diagnostic.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    level: &'static str,
    code: &'static str,
    message: &'a str,
    location: Option<&'a Location>,
    help: Option<&'a str>,
}

pub fn run(args: Args) -> Exit {
    let mut failed = false;
    let mut json = Vec::new();
    let mut sarif = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let FileCheck {
            ok,
            diagnostics: diags,
        } = check_file(path);
        failed |= !ok;
        match args.format {
            Format::Human => {
                print_diagnostics(&diags);
                if ok {
                    println!("{name}: ok");
                }
            }
            Format::Json => {
                for d in &diags {
                    json.push(serde_json::json!(JsonDiagnostic {
                        file: &name,
                        level: if d.is_error() { "error" } else { "warning" },
                        code: d.code.as_str(),
                        message: &d.message,
                        location: d.location.as_ref(),
                        help: d.help.as_deref(),
                    }));
                }
            }
            Format::Sarif => sarif.push((name, diags)),
        }
    }
    if let Format::Sarif = args.format {
        print!("{}", render::sarif::render(&sarif));
    }
    if let Format::Json = args.format {
        let doc = serde_json::json!({ "ok": !failed, "diagnostics": json });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    if failed {
        Exit::Unusable
    } else {
        Exit::Ok
    }
}
