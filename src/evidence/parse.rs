//! Parsing one document: a single serde pass through the shapes, then the report.

use serde::de::DeserializeSeed;

use crate::diagnostic::{Code, Diagnostic};

use super::ctx::Ctx;
use super::model::{Bundle, EvidenceFile};
use super::report::{Doc, Native};
use super::shape::{BundleShape, Seed};
use super::Format;

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
    if text.trim().is_empty() {
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
        Ok(Some(mut bundle)) if found.problems.is_empty() && found.more == 0 => {
            bundle.files = vec![EvidenceFile {
                path: name.to_string(),
                sha256: sha256.to_string(),
            }];
            Ok(bundle)
        }
        Ok(_) => Err(doc.report(found, None)),
        Err(native) => Err(doc.report(found, Some(native))),
    }
}
