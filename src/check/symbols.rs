//! The policy's one namespace: metrics, metric families, lets and rules, across all files.

use indexmap::IndexMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Sources;
use crate::span::Span;
use crate::syntax::ast;

use super::resolve::{Declarations, ItemAt};

/// What a declared name stands for, with the index of its declaration in source order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symbol {
    Metric(usize),
    Family(usize),
    Let(usize),
    Rule(usize),
}

impl Symbol {
    pub fn describe(self) -> &'static str {
        match self {
            Symbol::Metric(_) => "metric",
            Symbol::Family(_) => "metric family",
            Symbol::Let(_) => "let",
            Symbol::Rule(_) => "rule",
        }
    }
}

/// Names the language defines itself; a declaration may not take them.
pub const BUILTIN_NAMES: [&str; 2] = ["flags", "stage"];

/// All declarations of a policy, each list in source order (entry file first).
#[derive(Debug, Default)]
pub struct Symbols<'a> {
    pub names: IndexMap<&'a str, (Symbol, Span)>,
    pub metrics: Vec<&'a ast::MetricDecl>,
    pub families: Vec<&'a ast::MetricDecl>,
    pub lets: Vec<&'a ast::LetDecl>,
    pub rules: Vec<&'a ast::Rule>,
    /// Where each declaration above stands, for the compiler to find it again by index.
    pub at: Declarations,
}

impl<'a> Symbols<'a> {
    /// Gather declarations from every file; a clash reports both definitions.
    pub fn collect(
        files: &'a [(crate::span::FileId, ast::File)],
        sources: &Sources,
        errors: &mut Vec<Diagnostic>,
    ) -> Symbols<'a> {
        let mut symbols = Symbols::default();
        // One name per item at most: the table never grows (and rehashes) while filling.
        symbols
            .names
            .reserve(files.iter().map(|(_, file)| file.items.len()).sum());
        for (file_index, (_, file)) in files.iter().enumerate() {
            for (item_index, item) in file.items.iter().enumerate() {
                let at = ItemAt {
                    file: file_index,
                    item: item_index,
                };
                let (name, symbol) = match item {
                    ast::Item::Metric(m) if m.family => {
                        symbols.families.push(m);
                        symbols.at.families.push(at);
                        (&m.name, Symbol::Family(symbols.families.len() - 1))
                    }
                    ast::Item::Metric(m) => {
                        symbols.metrics.push(m);
                        symbols.at.metrics.push(at);
                        (&m.name, Symbol::Metric(symbols.metrics.len() - 1))
                    }
                    ast::Item::Let(l) => {
                        symbols.lets.push(l);
                        symbols.at.lets.push(at);
                        (&l.name, Symbol::Let(symbols.lets.len() - 1))
                    }
                    ast::Item::Rule(r) => {
                        symbols.rules.push(r);
                        symbols.at.rules.push(at);
                        (&r.id, Symbol::Rule(symbols.rules.len() - 1))
                    }
                    _ => continue,
                };
                symbols.declare(name, symbol, sources, errors);
            }
        }
        symbols
    }

    fn declare(
        &mut self,
        name: &'a ast::Ident,
        symbol: Symbol,
        sources: &Sources,
        errors: &mut Vec<Diagnostic>,
    ) {
        if BUILTIN_NAMES.contains(&name.name.as_str()) {
            errors.push(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("`{}` is a built-in name and cannot be declared", name.name),
                )
                .with_label(sources, name.span, "declared here")
                .with_help(format!("choose another name, such as `{}_`", name.name)),
            );
            return;
        }
        if let Some((previous, previous_span)) = self.names.get(name.name.as_str()) {
            let first = sources.get(previous_span.file);
            let (line, _) = first.line_col(previous_span.start as usize);
            errors.push(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("`{}` is defined twice", name.name),
                )
                .with_label(sources, name.span, format!("this {} reuses the name", symbol.describe()))
                .with_help(format!(
                    "names are shared by metrics, families, lets and rules across all imported files; \
                     rename one of them (the first is a {} in {} line {line})",
                    previous.describe(),
                    first.name
                ))
                .with_related(
                    Diagnostic::error(Code::Duplicate, format!("`{}` first defined here", name.name))
                        .with_label(sources, *previous_span, format!("first definition, a {}", previous.describe())),
                ),
            );
            return;
        }
        self.names.insert(name.name.as_str(), (symbol, name.span));
    }

    pub fn lookup(&self, name: &str) -> Option<Symbol> {
        self.names.get(name).map(|(s, _)| *s)
    }
}
