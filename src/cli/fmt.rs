//! `tollgate fmt [--check] PATH…`: rewrite policy files in canonical form.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use owo_colors::OwoColorize;
use similar::{ChangeTag, TextDiff};
use tollgate::diagnostic::{Code, Diagnostic};
use tollgate::{format, testing};

use super::output::{print_diagnostics, stdout_color};
use super::Exit;

/// Most lines of diff shown for one file by `--check`.
const MAX_DIFF_LINES: usize = 60;

#[derive(clap::Args)]
pub struct Args {
    /// Policy files, folders (searched for `*.gate`), or `-` to format standard input to
    /// standard output.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Rewrite nothing: show how each file that is not formatted would change, exit 1 if any.
    #[arg(long)]
    check: bool,
}

/// What became of one file.
enum Outcome {
    Unchanged,
    Changed,
    Unusable,
}

pub fn run(args: Args) -> Exit {
    let mut outcomes = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            outcomes.push(stdin(args.check));
            continue;
        }
        match testing::discover(std::slice::from_ref(path)) {
            Ok(found) => {
                for f in found {
                    outcomes.push(file(&f.path, args.check));
                }
            }
            Err(d) => {
                print_diagnostics([&d]);
                outcomes.push(Outcome::Unusable);
            }
        }
    }
    let changed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Changed))
        .count();
    if args.check && changed > 0 {
        let files = if changed == 1 { "file is" } else { "files are" };
        eprintln!("{changed} {files} not formatted; `tollgate fmt PATH…` rewrites them");
    }
    if outcomes.iter().any(|o| matches!(o, Outcome::Unusable)) {
        Exit::Unusable
    } else if args.check && changed > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

fn file(path: &Path, check: bool) -> Outcome {
    let name = path.display().to_string();
    // Read as policies are read: at most one byte past the size limit (docs/limits.md).
    let old = match tollgate::check::SourceReader::read(&tollgate::check::FsReader, path) {
        Ok(text) => text,
        Err(e) => {
            let d = Diagnostic::error(Code::Io, format!("cannot read {name}: {e}"))
                .with_help("name policy files (UTF-8 text) or folders that hold them");
            print_diagnostics([&d]);
            return Outcome::Unusable;
        }
    };
    let new = match format::format_str(&name, &old) {
        Ok(new) => new,
        Err(diags) => {
            print_diagnostics(&diags.0);
            return Outcome::Unusable;
        }
    };
    if new == old {
        return Outcome::Unchanged;
    }
    if check {
        print_diff(&name, &old, &new);
    } else if let Err(e) = std::fs::write(path, &new) {
        let d = Diagnostic::error(Code::Io, format!("cannot write {name}: {e}"))
            .with_help("check that the file is writable");
        print_diagnostics([&d]);
        return Outcome::Unusable;
    } else {
        eprintln!("formatted {name}");
    }
    Outcome::Changed
}

/// `-`: standard input to standard output (for editors). With `--check`, the diff instead.
fn stdin(check: bool) -> Outcome {
    let name = "<stdin>";
    let mut old = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut old) {
        let d = Diagnostic::error(Code::Io, format!("cannot read standard input: {e}"))
            .with_help("pipe UTF-8 policy text into `tollgate fmt -`");
        print_diagnostics([&d]);
        return Outcome::Unusable;
    }
    let new = match format::format_str(name, &old) {
        Ok(new) => new,
        Err(diags) => {
            print_diagnostics(&diags.0);
            return Outcome::Unusable;
        }
    };
    if check {
        if new == old {
            return Outcome::Unchanged;
        }
        print_diff(name, &old, &new);
        return Outcome::Changed;
    }
    // A closed pipe is the reader's choice, not an error of ours.
    let _ = std::io::stdout().write_all(new.as_bytes());
    if new == old {
        Outcome::Unchanged
    } else {
        Outcome::Changed
    }
}

/// A unified diff of what formatting would change, cut after [`MAX_DIFF_LINES`] lines.
fn print_diff(name: &str, old: &str, new: &str) {
    let color = stdout_color();
    let lf = old.replace("\r\n", "\n");
    let mut out = String::new();
    if lf.len() != old.len() {
        out.push_str(&format!("{name}: CRLF line endings become LF\n"));
    }
    if lf != new {
        out.push_str(&format!("--- {name}\n+++ {name} (formatted)\n"));
        let diff = TextDiff::from_lines(lf.as_str(), new);
        let mut shown = 0;
        let mut total = 0;
        for hunk in diff.unified_diff().context_radius(2).iter_hunks() {
            let mut lines = vec![(None, hunk.header().to_string())];
            for change in hunk.iter_changes() {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                let text = change.value().trim_end_matches('\n');
                lines.push((Some(change.tag()), format!("{sign}{text}")));
            }
            for (tag, line) in lines {
                total += 1;
                if shown >= MAX_DIFF_LINES {
                    continue;
                }
                shown += 1;
                let line = match tag {
                    Some(ChangeTag::Delete) if color => line.red().to_string(),
                    Some(ChangeTag::Insert) if color => line.green().to_string(),
                    None if color => line.cyan().to_string(),
                    _ => line,
                };
                out.push_str(&line);
                out.push('\n');
            }
        }
        if total > shown {
            out.push_str(&format!("… {} more lines of diff\n", total - shown));
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
}
