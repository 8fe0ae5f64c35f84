//! What formatting must not change, computed independently of the formatter's own check:
//! the items (inline JSON without its layout) and the comments' texts.

use tollgate::syntax::ast;

pub fn meaning(file: ast::File) -> (Vec<ast::Item>, Vec<String>) {
    let mut items = file.items;
    for item in &mut items {
        if let ast::Item::Test(t) = item {
            for s in &mut t.body {
                if let ast::TestStmt::EvidenceInline { json, .. } = s {
                    *json = strip_json_layout(json);
                }
            }
        }
    }
    let comments = file
        .comments
        .into_iter()
        .map(|c| c.text.trim_end().to_string())
        .collect();
    (items, comments)
}

/// JSON text without the whitespace outside strings.
fn strip_json_layout(json: &str) -> String {
    let mut out = String::new();
    let (mut in_str, mut esc) = (false, false);
    for c in json.chars() {
        if in_str {
            out.push(c);
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\r' | '\n') {
            out.push(c);
        }
    }
    out
}
