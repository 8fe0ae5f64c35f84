//! Every place in a policy's files where something with a meaning is written: declarations
//! and uses of names (as the checker's [`Resolution`] resolved them), function names,
//! element fields, severities, outcomes, import paths and waiver roles. Hover, definition,
//! references, highlights and rename all read this one list.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::builtins::{FlagField, Function, FunctionDoc, MetricField};
use crate::check::{normalise, Analysis, Declarations, ItemAt, Loaded, Resolution, Resolved};
use crate::levels::{Outcome, Severity};
use crate::span::Span;
use crate::syntax::ast::{self, Expr, ExprKind};

/// A declared name, by its index in [`Declarations`] (the indices [`Resolved`] uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decl {
    Metric(usize),
    Family(usize),
    Let(usize),
    Rule(usize),
}

impl Decl {
    /// Where the declaration stands.
    pub fn at(self, declarations: &Declarations) -> Option<ItemAt> {
        match self {
            Decl::Metric(i) => declarations.metrics.get(i),
            Decl::Family(i) => declarations.families.get(i),
            Decl::Let(i) => declarations.lets.get(i),
            Decl::Rule(i) => declarations.rules.get(i),
        }
        .copied()
    }
}

/// What an occurrence means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Decl(Decl),
    Function(&'static FunctionDoc),
    FlagField(FlagField),
    MetricName,
    MetricField(MetricField),
    Flags,
    Stage,
    Severity(Severity),
    Outcome(Outcome),
    /// An `import` path, as the file it names.
    Import(PathBuf),
    /// A `trust` path, as the allowed_signers file it names.
    TrustFile(PathBuf),
    /// A waiver role, in `waivable by` or `signed(…)`.
    Role(String),
}

#[derive(Clone, Debug)]
pub struct Occurrence {
    pub span: Span,
    pub target: Target,
    /// Whether this is the declaration itself rather than a use.
    pub declaration: bool,
}

/// Every occurrence in every file of `loaded`, in file order then source order.
pub fn collect(loaded: &Loaded, analysis: &Analysis) -> Vec<Occurrence> {
    let mut walker = Walker {
        resolution: &analysis.resolution,
        rules_by_id: HashMap::new(),
        out: Vec::new(),
    };
    let declared = declaration_sites(&analysis.declarations);
    for (file_index, (_, file)) in loaded.files.iter().enumerate() {
        for (item_index, item) in file.items.iter().enumerate() {
            if let (ast::Item::Rule(rule), Some(Decl::Rule(i))) =
                (item, declared.get(&(file_index, item_index)))
            {
                walker.rules_by_id.insert(rule.id.name.clone(), *i);
            }
        }
    }
    for (file_index, (file_id, file)) in loaded.files.iter().enumerate() {
        let dir = loaded
            .sources
            .get(*file_id)
            .path
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default();
        for (item_index, item) in file.items.iter().enumerate() {
            let decl = declared.get(&(file_index, item_index)).copied();
            walker.item(item, decl, &dir);
        }
    }
    walker.out.sort_by_key(|o| (o.span.file, o.span.start));
    walker.out
}

/// The occurrence whose span holds `offset` of `file` (its end included, where a cursor
/// after the last letter still means the word).
pub fn at(
    occurrences: &[Occurrence],
    file: crate::span::FileId,
    offset: usize,
) -> Option<&Occurrence> {
    let offset = crate::index::to_u32(offset);
    occurrences
        .iter()
        .filter(|o| o.span.file == file && o.span.start <= offset && offset <= o.span.end)
        .min_by_key(|o| o.span.len())
}

fn declaration_sites(declarations: &Declarations) -> HashMap<(usize, usize), Decl> {
    type Kind<'d> = (&'d [ItemAt], fn(usize) -> Decl);
    let kinds: [Kind<'_>; 4] = [
        (&declarations.metrics, Decl::Metric),
        (&declarations.families, Decl::Family),
        (&declarations.lets, Decl::Let),
        (&declarations.rules, Decl::Rule),
    ];
    kinds
        .iter()
        .flat_map(|(positions, make)| {
            positions
                .iter()
                .enumerate()
                .map(move |(i, at)| ((at.file, at.item), make(i)))
        })
        .collect()
}

struct Walker<'a> {
    resolution: &'a Resolution,
    /// Rules by id, for `expect fired ID`: tests name rules the way the test runner does.
    rules_by_id: HashMap<String, usize>,
    out: Vec<Occurrence>,
}

impl Walker<'_> {
    fn push(&mut self, span: Span, target: Target, declaration: bool) {
        self.out.push(Occurrence {
            span,
            target,
            declaration,
        });
    }

    fn item(&mut self, item: &ast::Item, decl: Option<Decl>, dir: &std::path::Path) {
        match item {
            ast::Item::Policy(_) => {}
            ast::Item::Import(import) => {
                let target = normalise(&dir.join(&import.path.value));
                self.push(import.path.span, Target::Import(target), false);
            }
            ast::Item::Trust(trust) => {
                let target = normalise(&dir.join(&trust.path.value));
                self.push(trust.path.span, Target::TrustFile(target), false);
            }
            ast::Item::Metric(m) => {
                if let Some(decl) = decl {
                    self.push(m.name.span, Target::Decl(decl), true);
                }
            }
            ast::Item::Let(l) => {
                if let Some(decl) = decl {
                    self.push(l.name.span, Target::Decl(decl), true);
                }
                self.expr(&l.value);
            }
            ast::Item::Rule(rule) => {
                if let Some(decl) = decl {
                    self.push(rule.id.span, Target::Decl(decl), true);
                }
                for stmt in &rule.body {
                    self.rule_stmt(stmt);
                }
            }
            ast::Item::Test(test) => {
                for stmt in &test.body {
                    if let ast::TestStmt::ExpectRule { rule, .. } = stmt {
                        if let Some(&i) = self.rules_by_id.get(&rule.name) {
                            self.push(rule.span, Target::Decl(Decl::Rule(i)), false);
                        }
                    }
                }
            }
        }
    }

    fn rule_stmt(&mut self, stmt: &ast::RuleStmt) {
        match stmt {
            ast::RuleStmt::Clause(c) => {
                self.push(c.outcome_span, Target::Outcome(c.outcome), false);
                self.expr(&c.condition);
            }
            ast::RuleStmt::Missing(m) => {
                self.push(m.outcome_span, Target::Outcome(m.outcome), false);
            }
            ast::RuleStmt::Waivable(w) => {
                for role in &w.roles {
                    self.push(role.span, Target::Role(role.value.clone()), false);
                }
            }
            ast::RuleStmt::Message(m) => {
                for part in &m.parts {
                    if let ast::TemplatePart::Expr(e) = part {
                        self.expr(e);
                    }
                }
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Bool(_) => {}
            ExprKind::Severity(s) => self.push(expr.span, Target::Severity(*s), false),
            ExprKind::List(items) => items.iter().for_each(|e| self.expr(e)),
            ExprKind::Name(ident) => {
                if let Some(target) = self.resolution.of(ident).map(from_resolved) {
                    self.push(ident.span, target, false);
                }
            }
            ExprKind::Call { func, args } => {
                if let Some(doc) = Function::from_name(&func.name).and_then(Function::doc) {
                    self.push(func.span, Target::Function(doc), false);
                    if doc.function == Function::Signed {
                        for arg in args {
                            if let ExprKind::Str(role) = &arg.kind {
                                self.push(role.span, Target::Role(role.value.clone()), false);
                            }
                        }
                    }
                }
                args.iter().for_each(|e| self.expr(e));
            }
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Where {
                collection,
                predicate,
            } => {
                self.expr(collection);
                self.expr(predicate);
            }
            ExprKind::Paren(inner) => self.expr(inner),
        }
    }
}

fn from_resolved(resolved: Resolved) -> Target {
    match resolved {
        Resolved::Metric(i) => Target::Decl(Decl::Metric(i)),
        Resolved::Family(i) => Target::Decl(Decl::Family(i)),
        Resolved::Let(i) => Target::Decl(Decl::Let(i)),
        Resolved::Flags => Target::Flags,
        Resolved::Stage => Target::Stage,
        Resolved::FlagField(f) => Target::FlagField(f),
        Resolved::MetricName => Target::MetricName,
        Resolved::MetricField(f) => Target::MetricField(f),
    }
}
