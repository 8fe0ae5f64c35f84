//! Tollgate diagnostics as the protocol's: the primary label's range, the other labels and
//! the related diagnostics (both definitions of a duplicate, a cycle's two ends) as related
//! information, help appended to the message, the stable code kept.

use std::path::PathBuf;

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Url};

use crate::diagnostic::{Diagnostic, Level};

use super::text::LineIndex;

/// A file's path, text and line index, by the name diagnostics give it.
pub type Lookup<'a> = dyn Fn(&str) -> Option<(PathBuf, &'a str, &'a LineIndex)> + 'a;

/// The file a diagnostic is about and the diagnostic in protocol form; `None` for one with
/// no place in a file the snapshot read.
pub fn convert(d: &Diagnostic, lookup: &Lookup<'_>) -> Option<(PathBuf, lsp_types::Diagnostic)> {
    let name = d.location.as_ref()?.file.as_str();
    let (path, text, lines) = lookup(name)?;
    let uri = Url::from_file_path(&path).ok()?;
    let range_of = |offset: usize, len: usize| lines.range(text, offset, offset + len);
    let primary = d.labels.first()?;
    let mut related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .skip(1)
        .map(|label| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range_of(label.offset(), label.len())),
            message: label.label().unwrap_or("here").to_owned(),
        })
        .collect();
    for other in &d.related {
        let Some(file) = other.location.as_ref().map(|l| l.file.as_str()) else {
            continue;
        };
        let (Some((other_path, other_text, other_lines)), Some(label)) =
            (lookup(file), other.labels.first())
        else {
            continue;
        };
        let Ok(other_uri) = Url::from_file_path(&other_path) else {
            continue;
        };
        let start = label.offset();
        related.push(DiagnosticRelatedInformation {
            location: Location::new(
                other_uri,
                other_lines.range(other_text, start, start + label.len()),
            ),
            message: other.message.clone(),
        });
    }
    let mut message = d.message.clone();
    if let Some(label) = primary.label().filter(|l| !l.is_empty()) {
        message.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let converted = lsp_types::Diagnostic {
        range: range_of(primary.offset(), primary.len()),
        severity: Some(match d.level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_owned())),
        source: Some("tollgate".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    };
    Some((path, converted))
}
