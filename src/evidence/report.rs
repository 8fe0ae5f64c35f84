//! Turning problems and parser errors into diagnostics that name the file, the key path, the
//! line and column, and show the source.

use std::cell::{Cell, OnceCell};
use std::ops::Range;
use std::sync::Arc;

use miette::LabeledSpan;

use crate::diagnostic::{Code, Diagnostic};

use super::ctx::{place, Findings, Problem, Seg, Target};
use super::locate::{locate, next_char, yaml_token_len};
use super::Format;

/// One document being reported on.
pub(crate) struct Doc<'a> {
    pub name: &'a str,
    pub text: &'a str,
    pub format: Format,
    shared: OnceCell<Arc<str>>,
    /// How many more problems may be placed: placing one in YAML parses the file again, so
    /// a large YAML file gets fewer labels (the messages still name the key path).
    placements: Cell<usize>,
}

/// Bytes of YAML that may be parsed again to place problems, per file.
const YAML_PLACEMENT_BYTES: usize = 32 * 1024 * 1024;

/// A parser error: the format's own complaint, with its position.
pub(crate) enum Native {
    Json(serde_json::Error),
    Yaml(serde_yaml_ng::Error),
}

impl<'a> Doc<'a> {
    pub(crate) fn new(name: &'a str, text: &'a str, format: Format) -> Doc<'a> {
        Doc {
            name,
            text,
            format,
            shared: OnceCell::new(),
            placements: Cell::new(match format {
                Format::Json => usize::MAX,
                Format::Yaml => (YAML_PLACEMENT_BYTES / text.len().max(1)).max(1),
            }),
        }
    }

    /// The text as miette wants it, copied once and only when something is reported.
    fn shared(&self) -> Arc<str> {
        Arc::clone(self.shared.get_or_init(|| Arc::from(self.text)))
    }

    /// A diagnostic for this file with `message`, labelled at `range` when there is one.
    pub(crate) fn error(
        &self,
        code: Code,
        message: &str,
        range: Option<Range<usize>>,
        label: &str,
    ) -> Diagnostic {
        let diagnostic = Diagnostic::error(code, format!("{}: {message}", self.name));
        match range {
            Some(range) => diagnostic.with_text_label(
                self.name,
                self.shared(),
                range.start,
                range.len(),
                label,
            ),
            None => diagnostic,
        }
    }

    /// Every problem of a pass, then the error that stopped it (if any), then a count of the
    /// problems not shown; or the syntax error alone, when the parser failed.
    pub(crate) fn report(&self, found: Findings, native: Option<Native>) -> Vec<Diagnostic> {
        if let (None, Some(native)) = (&found.fatal, &native) {
            // The parser itself failed: the document is not valid JSON or YAML. What the shape
            // pass saw before that point may be an artefact of the broken syntax (YAML reads
            // `1\nflags` after a missing `}` as one string), so the syntax error stands alone.
            return vec![self.native(native, &found.path)];
        }
        let mut out: Vec<Diagnostic> = found
            .problems
            .iter()
            .map(|p| self.problem(p, None))
            .collect();
        match (found.fatal, native) {
            (Some(fatal), native) => {
                let at = native.and_then(|n| self.native_offset(&n));
                out.push(self.problem(&fatal, at));
            }
            (None, Some(native)) => out.push(self.native(&native, &found.path)),
            (None, None) => {}
        }
        if found.more > 0 {
            out.push(Diagnostic::error(
                Code::Evidence,
                format!(
                    "{}: {} more problem{} not shown",
                    self.name,
                    found.more,
                    if found.more == 1 { "" } else { "s" }
                ),
            ));
        }
        if out.is_empty() {
            // A rejected document always says why; this is a bug if it shows.
            out.push(Diagnostic::error(
                Code::Internal,
                format!("{}: the evidence was rejected without a reason", self.name),
            ));
        }
        out
    }

    /// A problem, placed by its path (or at `fallback` when the path cannot be found).
    fn problem(&self, problem: &Problem, fallback: Option<usize>) -> Diagnostic {
        let range = self
            .locate(&problem.path, problem.target)
            .or_else(|| fallback.map(|at| at..self.token_end(at)));
        let mut diagnostic = self.error(problem.code, &problem.message, range, &problem.label);
        if let Target::Occurrence(n) = problem.target {
            if n > 0 {
                if let Some(first) = self.locate(&problem.path, Target::Occurrence(0)) {
                    diagnostic.labels.push(LabeledSpan::new(
                        Some(String::from("first here")),
                        first.start,
                        first.len(),
                    ));
                }
            }
        }
        if let Some(help) = &problem.help {
            diagnostic = diagnostic.with_help(help.clone());
        }
        diagnostic
    }

    /// Place a path in the text, within the budget.
    fn locate(&self, path: &[Seg], target: Target) -> Option<Range<usize>> {
        let left = self.placements.get();
        if left == 0 {
            return None;
        }
        self.placements.set(left - 1);
        locate(self.text, self.format, path, target)
    }

    fn token_end(&self, at: usize) -> usize {
        match self.format {
            Format::Json => next_char(self.text, at),
            Format::Yaml => at + yaml_token_len(self.text, at),
        }
    }

    /// The byte offset a parser error points at.
    fn native_offset(&self, native: &Native) -> Option<usize> {
        match native {
            Native::Json(e) if e.line() > 0 => Some(offset_of(self.text, e.line(), e.column())),
            Native::Json(_) => None,
            Native::Yaml(e) => e
                .location()
                .map(|l| floor_char_boundary(self.text, l.index())),
        }
    }

    /// A parser error, in plain words, at its position.
    fn native(&self, native: &Native, path: &[Seg]) -> Diagnostic {
        let raw = match native {
            Native::Json(e) => e.to_string(),
            Native::Yaml(e) => e.to_string(),
        };
        let raw = strip_positions(&raw);
        let within = if path.is_empty() {
            String::new()
        } else {
            format!(" (in {})", place(path))
        };
        let at = self.native_offset(native);
        let (code, message, label, help) = translate(self.format, &raw, path);
        // Syntax errors say where in the structure they are; the others name their key.
        let message = if message.starts_with("invalid ") || message.starts_with("the file ends") {
            format!("{message}{within}")
        } else {
            message
        };
        let range = match at {
            Some(at) if raw == "number out of range" => Some(number_before(self.text, at)),
            Some(at) => Some(at..self.token_end(at)),
            None if raw.contains("more than one document") => second_document(self.text),
            None => None,
        };
        let diagnostic = self.error(code, &message, range, label);
        match help {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        }
    }
}

/// Help for evidence nested past [`super::MAX_NESTING`] levels.
pub(crate) const NESTING_HELP: &str =
    "valid evidence nests four levels deep (`metrics`, a metric, \
     its `ci`, a number); write the document flat. The limit guards the parser's stack and is \
     fixed: the recursion limit of serde_json and serde_yaml_ng, and MAX_NESTING in \
     src/evidence/parse.rs for YAML flow collections";

/// Plain words for a parser's message: code, message, label, help.
fn translate(
    format: Format,
    raw: &str,
    path: &[Seg],
) -> (Code, String, &'static str, Option<String>) {
    let depth = "nesting is too deep: evidence may be nested at most 128 levels";
    match raw {
        "recursion limit exceeded" => (
            Code::Limit,
            String::from(depth),
            "too deep",
            Some(String::from(NESTING_HELP)),
        ),
        "repetition limit exceeded" => (
            Code::Limit,
            String::from("aliases expand the document too much (an alias bomb?)"),
            "here",
            Some(String::from(
                "write the values out instead of repeating aliases",
            )),
        ),
        "number out of range" => (
            Code::Evidence,
            format!("{} is not a finite number (out of range)", place(path)),
            "not a finite number",
            Some(String::from(
                "evidence numbers must be finite: no NaN, no infinity, nothing out of range",
            )),
        ),
        "trailing characters" => (
            Code::Evidence,
            String::from("there is more text after the end of the document"),
            "unexpected text",
            None,
        ),
        _ if raw.contains("invalid type: ") && raw.contains("key") => (
            Code::Evidence,
            format!("{} has a key that is not a string", place(path)),
            "not a string key",
            Some(String::from("keys must be plain strings")),
        ),
        "EOF while parsing a value" if format == Format::Yaml => (
            Code::Evidence,
            String::from("the document is empty"),
            "here",
            None,
        ),
        _ => {
            let plain = if let Some(what) = raw.strip_prefix("EOF while parsing ") {
                format!("the file ends in the middle of {what}")
            } else if raw == "key must be a string" {
                String::from("an object key must be a string in double quotes")
            } else if raw == "trailing comma" {
                String::from("a comma before a closing bracket is not allowed in JSON")
            } else if raw == "expected value" {
                String::from("expected a value")
            } else if raw == "expected ident" {
                String::from("expected a value (`true`, `false`, `null`, a number, a string, a list or an object)")
            } else if raw.starts_with("deserializing from YAML containing more than one document") {
                String::from("the file holds more than one YAML document; evidence is one document")
            } else if raw == "unknown anchor" {
                String::from("an alias (`*name`) refers to an anchor that is not defined")
            } else {
                raw.to_string()
            };
            (
                Code::Evidence,
                format!("invalid {}: {plain}", format.as_str()),
                "here",
                None,
            )
        }
    }
}

/// Drop " at line N column M" and " at position N" from a parser message.
fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at ") {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let tail = after.get(4..).unwrap_or("");
        let skipped = skip_position(tail);
        match skipped {
            Some(remaining) => rest = remaining,
            None => {
                out.push_str(" at ");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// After " at ": `line N column M` or `position N`; the text after it.
fn skip_position(tail: &str) -> Option<&str> {
    let digits = |s: &str| -> Option<usize> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        (n > 0).then_some(n)
    };
    if let Some(s) = tail.strip_prefix("line ") {
        let n = digits(s)?;
        let s = s.get(n..)?.strip_prefix(" column ")?;
        let m = digits(s)?;
        return s.get(m..);
    }
    if let Some(s) = tail.strip_prefix("position ") {
        let n = digits(s)?;
        return s.get(n..);
    }
    None
}

/// The byte offset of a 1-based line and a 1-based byte column (serde_json's way of counting).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    floor_char_boundary(text, line_start + column.saturating_sub(1))
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The `---` that starts a second YAML document (the first may start with one too).
fn second_document(text: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    let mut seen_content = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") {
            if seen_content {
                return Some(offset..offset + 3);
            }
            seen_content = true;
        } else if !trimmed.is_empty() && !trimmed.starts_with('#') {
            seen_content = true;
        }
        offset += line.len();
    }
    None
}

/// The number that ends at `at` (serde_json stops on its last digit).
fn number_before(text: &str, at: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let is_num = |b: u8| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-');
    let mut end = at;
    while bytes.get(end).copied().is_some_and(is_num) {
        end += 1;
    }
    let mut start = at.min(end);
    while start > 0 && bytes.get(start - 1).copied().is_some_and(is_num) {
        start -= 1;
    }
    if start == end {
        at..next_char(text, at)
    } else {
        start..end
    }
}
