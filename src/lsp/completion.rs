//! Completion by position. The context (which item, inside its braces or not, after
//! `expect`, inside a `where`) is read from the text as typed, since the item being typed
//! rarely parses; the names offered come from the snapshot's declarations.

use lsp_types::{CompletionItem, CompletionItemKind, InsertTextFormat};

use crate::builtins::{FlagField, MetricField, FUNCTIONS, METRIC_NAME_FIELD};
use crate::levels::{Outcome, Severity};
use crate::syntax::ast;

use super::navigate::decl_name;
use super::occurrences::Decl;
use super::snapshot::Snapshot;

/// Completions at byte `offset` of `text` (the document as typed), `snap` its snapshot.
pub fn complete(snap: &Snapshot, text: &str, offset: usize) -> Vec<CompletionItem> {
    let before = text.get(..offset).unwrap_or(text);
    let word_start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let line = before
        .get(..word_start)
        .and_then(|b| b.rsplit('\n').next())
        .unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().collect();
    let (item, inside) = enclosing_item(before);
    if words.is_empty() {
        return match (item, inside) {
            (Some("rule"), true) => keywords(RULE_STATEMENTS),
            (Some("test"), true) => keywords(TEST_STATEMENTS),
            (Some("policy"), true) => keywords(HEADER_FIELDS),
            _ => keywords(ITEMS),
        };
    }
    match words.as_slice() {
        [.., "expect", "not", "fired"]
        | [.., "expect", "fired" | "missing" | "waived" | "passed"] => return rules(snap),
        [.., "expect"] => {
            let mut out = outcomes();
            out.extend(keywords(EXPECTATIONS));
            return out;
        }
        [.., "missing"] if item == Some("rule") => return outcomes(),
        _ => {}
    }
    let mut out = Vec::new();
    if let Some(collection) = where_collection(before) {
        out.extend(fields(snap, collection));
    }
    out.extend(names(snap));
    out.extend(FUNCTIONS.iter().map(|f| CompletionItem {
        label: f.name.to_owned(),
        kind: Some(CompletionItemKind::FUNCTION),
        detail: Some(f.signature.to_owned()),
        documentation: Some(lsp_types::Documentation::String(f.meaning.to_owned())),
        insert_text: Some(format!("{}($1)", f.name)),
        insert_text_format: Some(InsertTextFormat::SNIPPET),
        ..Default::default()
    }));
    out.extend(
        Severity::ALL
            .iter()
            .map(|s| simple(s.as_str(), CompletionItemKind::ENUM_MEMBER, "severity")),
    );
    out.extend(
        ["and", "or", "not", "in", "where", "true", "false"]
            .iter()
            .map(|k| simple(k, CompletionItemKind::KEYWORD, "keyword")),
    );
    // Inside `where` an element field shadows the top-level name or function it spells.
    let mut seen = std::collections::HashSet::new();
    out.retain(|item| seen.insert(item.label.clone()));
    out
}

/// The keyword of the item the cursor is in, and whether the cursor is inside its braces.
fn enclosing_item(before: &str) -> (Option<&str>, bool) {
    let Some(start) = crate::syntax::item_starts(before).last() else {
        return (None, false);
    };
    let rest = before.get(start..).unwrap_or("");
    let keyword = rest.split(|c: char| !c.is_ascii_alphabetic()).next();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    for c in rest.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string => depth -= 1,
            _ => {}
        }
    }
    (keyword, depth > 0)
}

/// The collection word before the innermost `where` still open at the cursor.
fn where_collection(before: &str) -> Option<&str> {
    let start = crate::syntax::item_starts(before).last().unwrap_or(0);
    let stmt = before.get(start..)?;
    let at = stmt.rfind(" where ")?;
    let after = stmt.get(at..)?;
    if after.matches(')').count() > after.matches('(').count() {
        return None;
    }
    let head = stmt.get(..at)?.trim_end();
    let word_start = head
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    head.get(word_start..)
}

/// The element fields inside `collection where …`: flag fields, or a family's.
fn fields(snap: &Snapshot, collection: &str) -> Vec<CompletionItem> {
    if collection == "flags" {
        return FlagField::ALL
            .iter()
            .map(|f| simple(f.name(), CompletionItemKind::FIELD, "flag field"))
            .collect();
    }
    let is_family = (0..snap.analysis.declarations.families.len())
        .filter_map(|i| decl_name(snap, Decl::Family(i)))
        .any(|ident| ident.name == collection);
    if !is_family {
        return Vec::new();
    }
    std::iter::once(METRIC_NAME_FIELD)
        .chain(MetricField::ALL.iter().map(|f| f.name()))
        .map(|name| simple(name, CompletionItemKind::FIELD, "family member field"))
        .collect()
}

/// Every top-level name: declarations, `flags` and `stage`.
fn names(snap: &Snapshot) -> Vec<CompletionItem> {
    let d = &snap.analysis.declarations;
    let decls = (0..d.metrics.len())
        .map(Decl::Metric)
        .chain((0..d.families.len()).map(Decl::Family))
        .chain((0..d.lets.len()).map(Decl::Let));
    let mut out: Vec<CompletionItem> = decls
        .filter_map(|decl| {
            let ident = decl_name(snap, decl)?;
            let (kind, detail) = match (decl, item(snap, decl)) {
                (_, Some(ast::Item::Metric(m))) if m.family => (
                    CompletionItemKind::VARIABLE,
                    format!("metric family \"{}\"", m.key.value),
                ),
                (_, Some(ast::Item::Metric(m))) => (
                    CompletionItemKind::VARIABLE,
                    format!("metric \"{}\"", m.key.value),
                ),
                (Decl::Let(i), _) => (
                    CompletionItemKind::CONSTANT,
                    snap.analysis
                        .let_types
                        .get(i)
                        .and_then(Option::as_ref)
                        .map_or("let".to_owned(), |t| format!("let: {t}")),
                ),
                _ => (CompletionItemKind::VARIABLE, String::new()),
            };
            Some(simple(&ident.name, kind, &detail))
        })
        .collect();
    out.push(simple(
        "flags",
        CompletionItemKind::VARIABLE,
        "the bundle's flags",
    ));
    out.push(simple(
        "stage",
        CompletionItemKind::VARIABLE,
        "the bundle's stage",
    ));
    out
}

fn item(snap: &Snapshot, decl: Decl) -> Option<&ast::Item> {
    let at = decl.at(&snap.analysis.declarations)?;
    snap.loaded.files.get(at.file)?.1.items.get(at.item)
}

fn rules(snap: &Snapshot) -> Vec<CompletionItem> {
    (0..snap.analysis.declarations.rules.len())
        .filter_map(|i| decl_name(snap, Decl::Rule(i)))
        .map(|ident| simple(&ident.name, CompletionItemKind::CLASS, "rule"))
        .collect()
}

fn outcomes() -> Vec<CompletionItem> {
    Outcome::ALL
        .iter()
        .map(|o| simple(o.as_str(), CompletionItemKind::ENUM_MEMBER, "outcome"))
        .collect()
}

/// Keywords that start a statement, as snippets.
const ITEMS: &[(&str, &str)] = &[
    ("policy", "policy \"$1\" {\n  version \"$2\"\n}"),
    ("import", "import \"$1\""),
    (
        "metric",
        "metric ${1:name} from \"$2\" ${3|higher,lower|} is better",
    ),
    (
        "metric family",
        "metric family ${1:name} from \"$2.*\" ${3|higher,lower|} is better",
    ),
    ("let", "let ${1:name} = $2"),
    (
        "rule",
        "rule ${1:id} \"$2\" {\n  ${3|block,review,warn|} when $4\n}",
    ),
    (
        "test",
        "test \"$1\" {\n  evidence \"$2\"\n  expect ${3|pass,warn,review,block|}\n}",
    ),
];
const RULE_STATEMENTS: &[(&str, &str)] = &[
    ("block when", "block when $1"),
    ("review when", "review when $1"),
    ("warn when", "warn when $1"),
    ("block unless", "block unless $1"),
    ("review unless", "review unless $1"),
    ("warn unless", "warn unless $1"),
    ("missing", "missing ${1|pass,warn,review,block|}"),
    ("waivable by", "waivable by \"$1\""),
    ("message", "message \"$1\""),
];
const TEST_STATEMENTS: &[(&str, &str)] = &[
    ("evidence", "evidence \"$1\""),
    ("now", "now \"$1\""),
    ("expect", "expect "),
];
const HEADER_FIELDS: &[(&str, &str)] = &[
    ("version", "version \"$1\""),
    ("owner", "owner \"$1\""),
    ("description", "description \"$1\""),
];
const EXPECTATIONS: &[(&str, &str)] = &[
    ("fired", "fired "),
    ("not fired", "not fired "),
    ("missing", "missing "),
    ("waived", "waived "),
    ("passed", "passed "),
];

fn keywords(list: &[(&str, &str)]) -> Vec<CompletionItem> {
    list.iter()
        .map(|(label, snippet)| CompletionItem {
            label: (*label).to_owned(),
            kind: Some(CompletionItemKind::KEYWORD),
            insert_text: Some((*snippet).to_owned()),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            ..Default::default()
        })
        .collect()
}

fn simple(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_owned()),
        ..Default::default()
    }
}
