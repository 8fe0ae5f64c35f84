//! `check --format sarif`: errors and lints as SARIF 2.1.0, for code-scanning tools.
//!
//! One run; one result per diagnostic, its `ruleId` the diagnostic's stable code. The region
//! spans the primary label (columns count characters: `columnKind` is `unicodeCodePoints`,
//! and `endColumn` is one past the last character); further labels and related diagnostics
//! (a clash's second definition, an import's other end) are `relatedLocations`. A diagnostic
//! with no place in a file (an unreadable file) points at the file that was checked.

use serde_json::{json, Value as Json};

use crate::diagnostic::{Code, Diagnostic, Level};

/// The SARIF schema URI written into every log.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Every code a result can carry, in the order of the `rules` table.
const CODES: [Code; 17] = [
    Code::Syntax,
    Code::Io,
    Code::Import,
    Code::ImportCycle,
    Code::Duplicate,
    Code::UnknownName,
    Code::LetCycle,
    Code::Type,
    Code::Rule,
    Code::Header,
    Code::Test,
    Code::Evidence,
    Code::Usage,
    Code::Internal,
    Code::Limit,
    Code::Unused,
    Code::Trust,
];

fn describe(code: Code) -> &'static str {
    match code {
        Code::Syntax => "The file does not parse.",
        Code::Io => "A file could not be read.",
        Code::Import => "An import cannot be resolved.",
        Code::ImportCycle => "Files import each other in a cycle.",
        Code::Duplicate => "A name or statement is defined twice.",
        Code::UnknownName => "A name or function is not defined.",
        Code::LetCycle => "A let refers to itself, directly or not.",
        Code::Type => "An expression has the wrong type.",
        Code::Rule => "A rule is malformed or suspicious.",
        Code::Header => "The policy header is missing, repeated or malformed.",
        Code::Test => "A test block is malformed.",
        Code::Evidence => "An evidence file is invalid.",
        Code::Usage => "The command was used wrongly.",
        Code::Internal => "An internal error in Tollgate.",
        Code::Limit => "An input exceeds a size or depth limit.",
        Code::Unused => "A declared name is never used.",
        Code::Trust => {
            "A trust file is unreadable or malformed, or approvals are not authenticated."
        }
    }
}

/// The SARIF log for the diagnostics of each checked file (`(path as named, diagnostics)`).
pub fn to_value(files: &[(String, Vec<Diagnostic>)]) -> Json {
    let rules: Vec<Json> = CODES
        .iter()
        .map(|code| {
            let id = code.as_str();
            json!({
                "id": id,
                "name": id.trim_start_matches("tollgate::"),
                "shortDescription": { "text": describe(*code) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (file, diags) in files {
        for d in diags {
            results.push(result(file, d));
        }
    }
    let tool = super::json::tool();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": tool.name,
                    "version": tool.version,
                    "semanticVersion": tool.version,
                    "rules": rules,
                }
            },
            "invocations": [{ "executionSuccessful": true }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// Pretty-printed [`to_value`] with a trailing newline.
pub fn render(files: &[(String, Vec<Diagnostic>)]) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(files)).unwrap_or_default();
    text.push('\n');
    text
}

fn level(d: &Diagnostic) -> &'static str {
    match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

fn result(file: &str, d: &Diagnostic) -> Json {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let (primary, secondary) = locations(file, d);
    let mut related = secondary;
    for r in &d.related {
        let (loc, _) = locations(file, r);
        let mut loc = loc;
        if let Some(obj) = loc.as_object_mut() {
            obj.insert("message".into(), json!({ "text": r.message }));
        }
        related.push(loc);
    }
    for (i, loc) in related.iter_mut().enumerate() {
        if let Some(obj) = loc.as_object_mut() {
            obj.insert("id".into(), json!(i + 1));
        }
    }
    let rule_index = CODES.iter().position(|c| *c == d.code).unwrap_or(0);
    let mut result = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": rule_index,
        "level": level(d),
        "message": { "text": text },
        "locations": [primary],
    });
    if !related.is_empty() {
        if let Some(obj) = result.as_object_mut() {
            obj.insert("relatedLocations".into(), Json::Array(related));
        }
    }
    result
}

/// The primary location of a diagnostic and one location for each further label.
fn locations(file: &str, d: &Diagnostic) -> (Json, Vec<Json>) {
    let Some(loc) = &d.location else {
        return (
            json!({ "physicalLocation": { "artifactLocation": { "uri": uri(file) } } }),
            Vec::new(),
        );
    };
    let artifact = json!({ "uri": uri(&loc.file) });
    let text = d.source.as_ref().map(|s| s.inner().as_ref());
    let region = |offset: usize, len: usize| -> Option<Json> {
        let text = text?;
        let (sl, sc) = line_col(text, offset);
        let (el, ec) = line_col(text, offset + len);
        Some(json!({ "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec }))
    };
    let mut labels = d.labels.iter();
    let first = labels.next();
    let primary_region = first
        .and_then(|l| region(l.offset(), l.len()))
        .unwrap_or_else(|| json!({ "startLine": loc.line, "startColumn": loc.column }));
    let mut primary = json!({
        "physicalLocation": { "artifactLocation": artifact.clone(), "region": primary_region }
    });
    if let (Some(label), Some(obj)) = (first.and_then(|l| l.label()), primary.as_object_mut()) {
        obj.insert("message".into(), json!({ "text": label }));
    }
    let secondary = labels
        .filter_map(|l| {
            let r = region(l.offset(), l.len())?;
            let mut loc = json!({
                "physicalLocation": { "artifactLocation": artifact.clone(), "region": r }
            });
            if let (Some(label), Some(obj)) = (l.label(), loc.as_object_mut()) {
                obj.insert("message".into(), json!({ "text": label }));
            }
            Some(loc)
        })
        .collect();
    (primary, secondary)
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// A path as a relative URI reference: `/` separators, and every byte outside the
/// unreserved set and `/` percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
