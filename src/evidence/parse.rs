//! Parsing one document: a single serde pass through the shapes, then the report.

use serde::de::DeserializeSeed;

use crate::diagnostic::{Code, Diagnostic};

use super::ctx::Ctx;
use super::model::{Bundle, EvidenceFile};
use super::report::{Doc, Native};
use super::shape::{BundleShape, Seed};
use super::Format;

/// How deeply YAML flow collections (`[…]`, `{…}`) may nest. Valid evidence needs four
/// levels; libyaml takes time quadratic in this depth, so deeper text is refused before it
/// is parsed. (serde_json and serde_yaml_ng stop at 128 levels of recursion themselves.)
pub const MAX_NESTING: usize = 128;

/// Parse and check one document. `name` is shown in errors and recorded as the file's path,
/// with `sha256` (of the file's bytes). Every metric's `file` is 0.
pub(crate) fn parse_document(
    name: &str,
    text: &str,
    format: Format,
    sha256: &str,
) -> Result<Bundle, Vec<Diagnostic>> {
    // A byte order mark says nothing about the content; editors on some systems add one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = Doc::new(name, text, format);
    if is_blank(text, format) {
        let what = match format {
            Format::Json => "a JSON object",
            Format::Yaml => "a YAML mapping",
        };
        return Err(vec![doc
            .error(Code::Evidence, "the file is empty", None, "")
            .with_help(format!(
                "an evidence file is {what} with any of candidate, baseline, stage, as_of, \
                 metrics, flags, signoffs, waivers"
            ))]);
    }
    if format == Format::Yaml {
        if let Some(at) = too_deep(text) {
            let message =
                format!("nesting is too deep: evidence may be nested at most {MAX_NESTING} levels");
            return Err(vec![doc
                .error(Code::Limit, &message, Some(at..at + 1), "too deep")
                .with_help(super::report::NESTING_HELP)]);
        }
    }
    if format == Format::Json {
        if let Some(bundle) = super::fast_json::read(text) {
            return Ok(with_file(bundle, name, sha256));
        }
    }
    validate(&doc, sha256)
}

/// Both readers of a JSON document, each on its own (see [`super::json_readers`]).
pub(crate) fn json_readers(
    name: &str,
    text: &str,
) -> (Option<Bundle>, Result<Bundle, Vec<Diagnostic>>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fast = super::fast_json::read(text).map(|bundle| with_file(bundle, name, ""));
    (fast, validate(&Doc::new(name, text, Format::Json), ""))
}

/// The validating pass: the document's bundle, or every problem in it.
fn validate(doc: &Doc<'_>, sha256: &str) -> Result<Bundle, Vec<Diagnostic>> {
    let (text, format) = (doc.text, doc.format);
    let ctx = Ctx::new(format);
    let result = match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            Seed(BundleShape { ctx: &ctx })
                .deserialize(&mut de)
                .and_then(|bundle| de.end().map(|()| bundle))
                .map_err(Native::Json)
        }
        Format::Yaml => Seed(BundleShape { ctx: &ctx })
            .deserialize(serde_yaml_ng::Deserializer::from_str(text))
            .map_err(Native::Yaml),
    };
    let found = ctx.finish();
    match result {
        Ok(Some(bundle)) if found.problems.is_empty() && found.more == 0 => {
            Ok(with_file(bundle, doc.name, sha256))
        }
        Ok(_) => Err(doc.report(found, None)),
        Err(native) => Err(doc.report(found, Some(native))),
    }
}

/// The bundle, recorded as read from the file `name` with the given sha256.
fn with_file(mut bundle: Bundle, name: &str, sha256: &str) -> Bundle {
    bundle.files = vec![EvidenceFile {
        path: name.to_string(),
        sha256: sha256.to_string(),
        ..EvidenceFile::default()
    }];
    drop_unknown(&mut bundle, name);
    // A document read alone is a bundle too: its sampled metrics are defined here as after
    // a merge (defining them again there changes nothing).
    super::samples::define_metrics(&mut bundle);
    bundle
}

/// Leave out each metric whose value is unknown (`n` = 0 and no `value`: the schema builds
/// it with a NaN value), with a warning: a rule that reads it then finds it missing and
/// fails closed.
fn drop_unknown(bundle: &mut Bundle, name: &str) {
    let mut unknown = Vec::new();
    bundle.metrics.retain(|key, metric| {
        let known = !metric.value().is_nan();
        if !known {
            unknown.push(format!(
                "{name}: the metric `{key}` has n = 0 and no value: its value is unknown, so \
                 the rules that read it are missing evidence"
            ));
        }
        known
    });
    bundle.warnings.extend(unknown);
}

/// Nothing but white space (and, in YAML, comments).
fn is_blank(text: &str, format: Format) -> bool {
    match format {
        Format::Json => text.trim().is_empty(),
        Format::Yaml => text.lines().all(|line| {
            let line = line.trim();
            line.is_empty() || line.starts_with('#')
        }),
    }
}

/// The offset of the bracket that opens flow level [`MAX_NESTING`] + 1, if any. Quoted
/// scalars and comments are skipped; a quote only opens a scalar at the start of a token, so
/// `it's` in plain text does not. Over-counting is harmless: such text is not evidence.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    let mut prev = b'\n';
    while let Some(&b) = bytes.get(i) {
        let token_start = matches!(
            prev,
            b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':'
        );
        match b {
            b'#' if matches!(prev, b' ' | b'\t' | b'\n' | b'\r') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                prev = b'\n';
                continue;
            }
            b'"' if token_start => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 1,
                        b'"' => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'\'' if token_start => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    if c == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = b;
        i += 1;
    }
    None
}
