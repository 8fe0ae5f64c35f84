//! `tollgate eval POLICY --evidence FILE…`: the decision, and the exit status CI acts on.

use std::io::Write;
use std::path::{Path, PathBuf};

use tollgate::diagnostic::{Code, Diagnostic};
use tollgate::eval::explain;
use tollgate::{evidence, record, render, Now, Outcome, Policy};

use super::output::{parse_now, print_diagnostics, stdout_color};
use super::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,
    /// Evidence (native bundles or harness outputs) and baselines.
    #[command(flatten)]
    inputs: super::inputs::Inputs,
    /// Evaluation instant (RFC 3339 or a date); default: the bundle's as_of, else the clock.
    #[arg(long)]
    now: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Show, for every rule, each sub-expression with the value it took.
    #[arg(long)]
    explain: bool,
    /// Also write a decision record (JSON) to this file, for `tollgate verify`.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Sign the record with this OpenSSH private key, writing RECORD.sig (docs/trust.md).
    #[arg(long, value_name = "KEY", requires = "record")]
    sign_key: Option<PathBuf>,
    /// The least severe decision that exits 1.
    #[arg(long, value_enum, default_value = "block")]
    fail_on: FailOn,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// The report for a terminal or a CI log.
    Human,
    /// The machine-readable evaluation.
    Json,
    /// A launch report in GitHub-flavoured markdown.
    Markdown,
    /// JUnit XML, one test case per rule.
    Junit,
    /// GitHub Actions annotations; the markdown report goes to $GITHUB_STEP_SUMMARY if set.
    Github,
    /// A launch report as one self-contained HTML page, with a forest plot of the metrics.
    Html,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Warn,
    Review,
    Block,
}

pub fn run(args: Args) -> Exit {
    let Ok(now) = parse_now(args.now.as_deref()) else {
        return Exit::Unusable;
    };
    // Read (and unlock) the signing key first: a decision is not made to be left unsigned.
    let sign_key = match args
        .sign_key
        .as_deref()
        .map(super::sign::load_key)
        .transpose()
    {
        Ok(key) => key,
        Err(d) => {
            print_diagnostics([&d]);
            return Exit::Unusable;
        }
    };
    let policy = match Policy::load(&args.policy) {
        Ok(p) => p,
        Err(diags) => {
            print_diagnostics(&diags.0);
            return Exit::Unusable;
        }
    };
    if let Some(unfit) = policy.unfit_to_decide() {
        // The decision would be `pass` whatever the evidence: fail closed instead.
        print_diagnostics([&unfit]);
        return Exit::Unusable;
    }
    let bundle = match args.inputs.load() {
        Ok(b) => b,
        Err(exit) => return exit,
    };
    let now = Now::resolve(now, bundle.as_of);
    let result = policy.evaluate(&bundle, now);
    // Explanations are computed only when asked for, or for the reports that quote them.
    let wants_explain = args.explain
        || matches!(
            args.format,
            Format::Human | Format::Markdown | Format::Github | Format::Html
        );
    let explanations = if wants_explain {
        explain::explain(&policy, &bundle, now)
    } else {
        Vec::new()
    };
    let explained = args.explain.then_some(explanations.as_slice());

    let text = match (args.format, explained) {
        (Format::Human, None) => render::human::render(&result, &explanations, stdout_color()),
        (Format::Human, Some(x)) => format!(
            "{}\nexplain:\n\n{}",
            render::human::render(&result, &explanations, stdout_color()),
            render::explain::render_text(&result, x)
        ),
        (Format::Json, None) => render::json::render(&result),
        (Format::Json, Some(x)) => render::explain::render_json(&result, x),
        (Format::Markdown, _) => {
            render::markdown::render(&result, &policy, &explanations, args.explain)
        }
        (Format::Junit, x) => render::junit::render(&result, x),
        (Format::Github, _) => render::github::render(&result, &explanations),
        (Format::Html, _) => render::html::render(&result, &policy, &bundle, &explanations),
    };
    let mut unusable = !super::output::emit(args.output.as_deref(), &text);
    if args.format == Format::Github {
        if let Some(summary) = step_summary() {
            let report = render::markdown::render(&result, &policy, &explanations, args.explain);
            if let Err(e) = append(Path::new(&summary), &report) {
                print_diagnostics([&Diagnostic::warning(
                    Code::Io,
                    format!(
                        "cannot append the report to GITHUB_STEP_SUMMARY ({}): {e}",
                        Path::new(&summary).display()
                    ),
                )]);
            }
        }
    }
    if let Some(path) = &args.record {
        let options = evidence::Options {
            allow_incomplete: args.inputs.allow_incomplete,
            cluster_by: args.inputs.cluster_by.clone(),
        };
        let text = record::render(&result, &policy, &options);
        if let Err(e) = std::fs::write(path, &text) {
            print_diagnostics([&Diagnostic::error(
                Code::Io,
                format!("cannot write the record {}: {e}", path.display()),
            )
            .with_help("check that the folder exists and can be written")]);
            unusable = true;
        } else if let Some(key) = &sign_key {
            if let Err(d) = sign_record(key, path, &text) {
                print_diagnostics([&d]);
                unusable = true;
            }
        }
    }
    if unusable {
        return Exit::Unusable;
    }
    exit_for(result.decision, args.fail_on)
}

/// Write `RECORD.sig`: an `SSHSIG` over the record's bytes, namespace `tollgate-record`.
fn sign_record(key: &ssh_key::PrivateKey, path: &Path, text: &str) -> Result<(), Diagnostic> {
    let signature = tollgate::trust::sign(key, tollgate::trust::RECORD_NAMESPACE, text.as_bytes())
        .map_err(|e| Diagnostic::error(Code::Internal, format!("cannot sign: {e}")))?;
    let mut sig_path = path.as_os_str().to_owned();
    sig_path.push(".sig");
    std::fs::write(&sig_path, signature).map_err(|e| {
        Diagnostic::error(
            Code::Io,
            format!("cannot write {}: {e}", Path::new(&sig_path).display()),
        )
    })
}

/// The file GitHub Actions collects the step summary from, when running there.
fn step_summary() -> Option<std::ffi::OsString> {
    std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty())
}

/// Append to a file, creating it, with a blank line before the text when the file is not
/// empty (step summaries collect several reports).
fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    if file.metadata()?.len() > 0 {
        file.write_all(b"\n")?;
    }
    file.write_all(text.as_bytes())
}

fn exit_for(decision: Outcome, fail_on: FailOn) -> Exit {
    let line = match fail_on {
        FailOn::Warn => Outcome::Warn,
        FailOn::Review => Outcome::Review,
        FailOn::Block => Outcome::Block,
    };
    if decision >= line {
        Exit::Failed
    } else if decision == Outcome::Review {
        Exit::Review
    } else {
        Exit::Ok
    }
}
