//! `[PREFIX=][FORMAT:]PATH`: how an evidence or baseline file is named on the command line
//! and in a test's `evidence "…"`.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::evidence::model::{InputFormat, Role};
use crate::evidence::shape::did_you_mean;

/// One file to read evidence from, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// The format named with `FORMAT:`; `None` to detect it from the content.
    pub format: Option<InputFormat>,
    /// Prepended, with a dot, to every metric key the file yields.
    pub prefix: Option<String>,
    pub role: Role,
}

impl Input {
    /// A file whose format is detected, with no prefix, as evidence.
    pub fn file(path: impl Into<PathBuf>) -> Input {
        Input {
            path: path.into(),
            format: None,
            prefix: None,
            role: Role::Evidence,
        }
    }

    /// Read `[PREFIX=][FORMAT:]PATH`, with relative paths taken from `base`. A spec that
    /// names an existing file as a whole is that file, whatever `=` or `:` it contains;
    /// likewise what follows a prefix. `PREFIX` is letters, digits, `_`, `-` and inner dots;
    /// `FORMAT` is one of [`InputFormat::ALL`].
    pub fn parse(spec: &str, role: Role, base: &Path) -> Result<Input, Diagnostic> {
        let flag = match role {
            Role::Evidence => "--evidence",
            Role::Baseline => "--baseline",
        };
        let plain = |path: &str, prefix: Option<&str>, format: Option<InputFormat>| Input {
            path: base.join(path),
            format,
            prefix: prefix.map(str::to_string),
            role,
        };
        if spec.trim().is_empty() {
            return Err(Diagnostic::error(
                Code::Usage,
                format!("{flag} needs a file: [PREFIX=][FORMAT:]PATH"),
            ));
        }
        if base.join(spec).is_file() {
            return Ok(plain(spec, None, None));
        }
        let (prefix, rest) = match spec.split_once('=') {
            Some((prefix, rest)) if is_prefix(prefix) => (Some(prefix), rest),
            _ => (None, spec),
        };
        if prefix.is_some() && base.join(rest).is_file() {
            return Ok(plain(rest, prefix, None));
        }
        let Some((word, path)) = rest.split_once(':') else {
            return Ok(plain(rest, prefix, None));
        };
        // A one-letter word is a Windows drive (`C:`), and a word with a slash is a path.
        let looks_like_format =
            word.len() > 1 && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !looks_like_format {
            return Ok(plain(rest, prefix, None));
        }
        let Some(format) = InputFormat::parse(&word.to_ascii_lowercase()) else {
            let names: Vec<&str> = InputFormat::ALL.iter().map(|f| f.as_str()).collect();
            let mut help = format!("the formats are {}", names.join(", "));
            if let Some(guess) = did_you_mean(word, &names) {
                help = format!("{guess} ({help})");
            }
            return Err(Diagnostic::error(
                Code::Usage,
                format!(
                    "{flag} {spec}: `{word}` is not an evidence format, and no file is named \
                     `{spec}`"
                ),
            )
            .with_help(help));
        };
        if path.is_empty() {
            return Err(Diagnostic::error(
                Code::Usage,
                format!("{flag} {spec}: the path after `{word}:` is empty"),
            ));
        }
        Ok(plain(path, prefix, Some(format)))
    }

    /// The spec that reads this input again: `[PREFIX=][FORMAT:]PATH`.
    pub fn spec(&self) -> String {
        let mut out = String::new();
        if let Some(prefix) = &self.prefix {
            out.push_str(prefix);
            out.push('=');
        }
        if let Some(format) = self.format {
            out.push_str(format.as_str());
            out.push(':');
        }
        out.push_str(&self.path.display().to_string());
        out
    }
}

/// Every `--evidence` and `--baseline` spec, parsed with relative paths taken from the
/// current folder; all bad specs are reported together.
pub(super) fn parse_specs<E, B>(
    evidence: &[E],
    baseline: &[B],
) -> Result<Vec<Input>, Vec<Diagnostic>>
where
    E: AsRef<str>,
    B: AsRef<str>,
{
    let specs = evidence
        .iter()
        .map(|s| (s.as_ref(), Role::Evidence))
        .chain(baseline.iter().map(|s| (s.as_ref(), Role::Baseline)));
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for (spec, role) in specs {
        match Input::parse(spec, role, Path::new("")) {
            Ok(input) => inputs.push(input),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(errors)
    }
}

/// Letters, digits, `_` and `-`, with dots inside (not first or last, not two together).
fn is_prefix(word: &str) -> bool {
    !word.is_empty()
        && !word.starts_with('.')
        && !word.ends_with('.')
        && !word.contains("..")
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}
