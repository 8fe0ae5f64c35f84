//! Flags: what testers and other sources said, grouped by source, most severe first, with
//! their authors and notes.

use std::fmt::Write;

use indexmap::IndexMap;

use crate::evidence::{Bundle, Flag};

use super::{code, escape};

pub fn render(out: &mut String, bundle: &Bundle) {
    let _ = writeln!(
        out,
        "<section id=\"flags\">\n<h2>Flags ({})</h2>",
        bundle.flags.len()
    );
    if bundle.flags.is_empty() {
        out.push_str("<p class=\"none\">The evidence holds no flags.</p>\n</section>\n");
        return;
    }
    let mut by_source: IndexMap<&str, Vec<&Flag>> = IndexMap::new();
    for f in &bundle.flags {
        by_source.entry(&f.source).or_default().push(f);
    }
    for (source, mut flags) in by_source {
        // Stable: flags of one severity keep the evidence's order.
        flags.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let _ = writeln!(
            out,
            "<h3>Source {} ({})</h3>\n<table class=\"flags\">\n<thead><tr><th>Severity</th><th>Category</th>\
<th>Id</th><th>Author</th><th>Stage</th><th>Note</th></tr></thead>\n<tbody>",
            code(source),
            flags.len()
        );
        for f in flags {
            let text = |s: Option<&str>| s.map_or_else(|| "—".to_string(), escape);
            let _ = writeln!(
                out,
                "<tr><td><span class=\"severity\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"note\">{}</td></tr>",
                f.severity.as_str(),
                escape(&f.category),
                text(f.id()),
                text(f.author.as_deref()),
                text(f.stage()),
                text(f.note())
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}
