//! The outline (document symbols) and folding ranges of one file, from its syntax tree.

use std::path::Path;

use lsp_types::{DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind};

use crate::syntax::ast;

use super::snapshot::Snapshot;

pub fn symbols(snap: &Snapshot, path: &Path) -> Vec<DocumentSymbol> {
    let Some(file) = snap.file_id(path).and_then(|id| snap.ast(id)) else {
        return Vec::new();
    };
    file.items
        .iter()
        .filter_map(|item| symbol(snap, item))
        .collect()
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written; `tags` replaced it.
fn symbol(snap: &Snapshot, item: &ast::Item) -> Option<DocumentSymbol> {
    let (name, detail, kind, selection) = match item {
        ast::Item::Policy(p) => (p.name.value.clone(), None, SymbolKind::MODULE, p.name.span),
        ast::Item::Import(i) => (i.path.value.clone(), None, SymbolKind::FILE, i.path.span),
        ast::Item::Trust(t) => (
            t.path.value.clone(),
            Some("trust".to_owned()),
            SymbolKind::KEY,
            t.path.span,
        ),
        ast::Item::Metric(m) => (
            m.name.name.clone(),
            Some(m.key.value.clone()),
            if m.family {
                SymbolKind::ARRAY
            } else {
                SymbolKind::VARIABLE
            },
            m.name.span,
        ),
        ast::Item::Let(l) => (l.name.name.clone(), None, SymbolKind::CONSTANT, l.name.span),
        ast::Item::Rule(r) => (
            r.id.name.clone(),
            r.title.as_ref().map(|t| t.value.clone()),
            SymbolKind::FUNCTION,
            r.id.span,
        ),
        ast::Item::Test(t) => (t.name.value.clone(), None, SymbolKind::METHOD, t.name.span),
    };
    Some(DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: snap.range(item.span()),
        selection_range: snap.range(selection),
        children: None,
    })
}

/// Each item that spans lines, and each run of two or more comment lines.
pub fn folding(snap: &Snapshot, path: &Path) -> Vec<FoldingRange> {
    let Some(file) = snap.file_id(path).and_then(|id| snap.ast(id)) else {
        return Vec::new();
    };
    let lines = |span: crate::span::Span| {
        let range = snap.range(span);
        (range.start.line, range.end.line)
    };
    let mut out: Vec<FoldingRange> = file
        .items
        .iter()
        .map(|item| lines(item.span()))
        .filter(|(start, end)| end > start)
        .map(|(start, end)| fold(start, end, None))
        .collect();
    let mut run: Option<(u32, u32)> = None;
    for comment in &file.comments {
        let (line, _) = lines(comment.span);
        run = match run {
            Some((start, end)) if line == end + 1 => Some((start, line)),
            Some((start, end)) => {
                if end > start {
                    out.push(fold(start, end, Some(FoldingRangeKind::Comment)));
                }
                Some((line, line))
            }
            None => Some((line, line)),
        };
    }
    if let Some((start, end)) = run.filter(|(s, e)| e > s) {
        out.push(fold(start, end, Some(FoldingRangeKind::Comment)));
    }
    out.sort_by_key(|f| f.start_line);
    out
}

fn fold(start: u32, end: u32, kind: Option<FoldingRangeKind>) -> FoldingRange {
    FoldingRange {
        start_line: start,
        end_line: end,
        kind,
        ..Default::default()
    }
}
