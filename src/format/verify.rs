//! The formatter's proof of innocence: its output, parsed again, is the same policy (the
//! trees equal with positions ignored, inline JSON equal up to whitespace) with the same
//! comments in the same order. Anything else is a bug, reported instead of written.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Sources;
use crate::span::FileId;
use crate::syntax::{self, ast};

/// Check that `formatted` says what the file `file` of `sources`, parsed as `before`, says.
pub(crate) fn same_policy(
    sources: &Sources,
    file: FileId,
    before: &ast::File,
    formatted: &str,
) -> Result<(), Diagnostic> {
    let name = &sources.get(file).name;
    let mut again = Sources::new();
    let id = again.add(name, name.as_str(), formatted);
    let after = syntax::parse(&again, id)
        .map_err(|_| internal(sources, file, before, None, "its output does not parse"))?;
    let old = normalized(before);
    let new = normalized(&after);
    if let Some(i) =
        (0..old.items.len().max(new.items.len())).find(|&i| old.items.get(i) != new.items.get(i))
    {
        return Err(internal(
            sources,
            file,
            before,
            Some(i),
            "it would change an item",
        ));
    }
    let texts = |f: &ast::File| -> Vec<String> {
        f.comments
            .iter()
            .map(|c| c.text.trim_end().to_string())
            .collect()
    };
    if texts(before) != texts(&after) {
        return Err(internal(
            sources,
            file,
            before,
            None,
            "it would lose or reorder comments",
        ));
    }
    Ok(())
}

/// A copy of `file` with the whitespace outside strings removed from inline JSON, the one
/// place where the tree keeps layout.
fn normalized(file: &ast::File) -> ast::File {
    let mut file = file.clone();
    for item in &mut file.items {
        if let ast::Item::Test(t) = item {
            for stmt in &mut t.body {
                if let ast::TestStmt::EvidenceInline { json, .. } = stmt {
                    *json = without_layout(json);
                }
            }
        }
    }
    file.comments.clear();
    file
}

/// JSON text without its whitespace (JSON's four layout characters) outside strings.
fn without_layout(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\r' | '\n') {
            out.push(c);
        }
    }
    out
}

fn internal(
    sources: &Sources,
    file: FileId,
    before: &ast::File,
    item: Option<usize>,
    what: &str,
) -> Diagnostic {
    let name = &sources.get(file).name;
    let d = Diagnostic::error(
        Code::Internal,
        format!("internal error: formatting {name} failed its own check: {what}"),
    )
    .with_help(
        "the file was left as it was; this is a bug in tollgate fmt, please report it with the file",
    );
    match item.and_then(|i| before.items.get(i)) {
        Some(item) => d.with_label(sources, item.span(), "this item"),
        None => d,
    }
}
