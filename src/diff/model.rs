//! One version of a policy as the diff sees it: every declaration of every file, by name.

use std::path::Path;

use indexmap::IndexMap;

use crate::check::{Checked, Ranges, Resolution, Resolved};
use crate::policy::Policy;
use crate::source::Sources;
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, Expr, ExprKind, Item};

/// A version to compare: a loaded policy and, when it was read from git, the revision, which
/// is put in front of file names in reports (`HEAD~1:policies/x.gate`).
#[derive(Clone, Copy)]
pub struct Version<'a> {
    pub policy: &'a Policy,
    pub rev: Option<&'a str>,
}

impl<'a> Version<'a> {
    pub fn new(policy: &'a Policy) -> Version<'a> {
        Version { policy, rev: None }
    }

    pub fn at_rev(policy: &'a Policy, rev: &'a str) -> Version<'a> {
        Version {
            policy,
            rev: Some(rev),
        }
    }
}

/// Where something stands in one version: file, 1-based line and column, and that line's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The source line, trimmed, for reports that quote it.
    pub snippet: String,
}

/// The declarations of one version. Names are unique across files (the checker saw to it).
/// What a name in an expression stands for is read from the checker's [`Resolution`] of this
/// version, never worked out again here.
pub struct Model<'a> {
    pub sources: &'a Sources,
    checked: &'a Checked,
    resolution: &'a Resolution,
    /// Metrics and families by the index [`Resolved`] and [`Ranges`] give them.
    metric_at: Vec<&'a ast::MetricDecl>,
    family_at: Vec<&'a ast::MetricDecl>,
    rev: Option<&'a str>,
    pub header: Option<&'a ast::PolicyHeader>,
    /// Import paths as written, with the statement, in file order.
    pub imports: Vec<&'a ast::Import>,
    pub metrics: IndexMap<&'a str, &'a ast::MetricDecl>,
    pub lets: IndexMap<&'a str, &'a ast::LetDecl>,
    pub rules: IndexMap<&'a str, &'a ast::Rule>,
    pub tests: IndexMap<&'a str, &'a ast::TestBlock>,
    /// Comments that stand outside every rule, in file order.
    pub loose_comments: Vec<&'a ast::Comment>,
}

impl<'a> Model<'a> {
    pub fn build(version: Version<'a>) -> Model<'a> {
        let policy = version.policy;
        let mut model = Model {
            sources: policy.sources(),
            checked: policy.checked(),
            resolution: policy.resolution(),
            metric_at: policy.checked().metrics().collect(),
            family_at: policy.checked().families().collect(),
            rev: version.rev,
            header: None,
            imports: Vec::new(),
            metrics: IndexMap::new(),
            lets: IndexMap::new(),
            rules: IndexMap::new(),
            tests: IndexMap::new(),
            loose_comments: Vec::new(),
        };
        for (index, (_, file)) in policy.files().iter().enumerate() {
            for item in &file.items {
                match item {
                    // Only the entry file may hold a header.
                    Item::Policy(h) if index == 0 => model.header = Some(h),
                    Item::Policy(_) => {}
                    Item::Import(i) => model.imports.push(i),
                    // Trust files are compared by what they trust (`diff::trust`).
                    Item::Trust(_) => {}
                    Item::Metric(m) => {
                        model.metrics.insert(&m.name.name, m);
                    }
                    Item::Let(l) => {
                        model.lets.insert(&l.name.name, l);
                    }
                    Item::Rule(r) => {
                        model.rules.insert(&r.id.name, r);
                    }
                    Item::Test(t) => {
                        model.tests.insert(&t.name.value, t);
                    }
                }
            }
            let rule_spans: Vec<Span> = file
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Rule(r) => Some(r.span),
                    _ => None,
                })
                .collect();
            model.loose_comments.extend(
                file.comments
                    .iter()
                    .filter(|c| !rule_spans.iter().any(|r| within(c.span, *r))),
            );
        }
        model
    }

    /// What the name `ident` of this version stands for.
    pub fn resolved(&self, ident: &ast::Ident) -> Option<Resolved> {
        self.resolution.of(ident)
    }

    /// What the `where` expression at `span` ranges over.
    pub fn ranges(&self, span: Span) -> Option<Ranges> {
        self.resolution.ranges(span)
    }

    /// The let the name `ident` stands for, if it stands for one.
    pub fn let_of(&self, ident: &ast::Ident) -> Option<&'a ast::LetDecl> {
        match self.resolved(ident)? {
            Resolved::Let(i) => self.checked.let_decl(i),
            _ => None,
        }
    }

    /// The metric or family the name `ident` stands for, if it stands for one.
    pub fn metric_of(&self, ident: &ast::Ident) -> Option<&'a ast::MetricDecl> {
        match self.resolved(ident)? {
            Resolved::Metric(i) => self.metric_at.get(i).copied(),
            Resolved::Family(i) => self.family(i),
            _ => None,
        }
    }

    /// The family at index `i` (as [`Resolved::Family`] and [`Ranges::Family`] count).
    pub fn family(&self, i: usize) -> Option<&'a ast::MetricDecl> {
        self.family_at.get(i).copied()
    }

    /// The name of the declaration (metric, family or let) that `ident` stands for; `None`
    /// for a field of the element a `where` looks at, `flags` and `stage`.
    fn declaration_of(&self, ident: &ast::Ident) -> Option<&'a str> {
        match self.resolved(ident)? {
            Resolved::Let(_) => self.let_of(ident).map(|l| l.name.name.as_str()),
            Resolved::Metric(_) | Resolved::Family(_) => {
                self.metric_of(ident).map(|m| m.name.name.as_str())
            }
            _ => None,
        }
    }

    pub fn place(&self, span: Span) -> Place {
        let file = self.sources.get(span.file);
        let (line, column) = file.line_col(span.start as usize);
        let snippet = file
            .text
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim()
            .to_string();
        let name = match self.rev {
            Some(rev) => format!("{rev}:{}", file.name),
            None => file.name.clone(),
        };
        Place {
            file: name,
            line,
            column,
            snippet,
        }
    }

    /// Line `line` (1-based) of file `file`, as a place.
    pub fn place_line(&self, file: FileId, line: usize) -> Place {
        let text = &self.sources.get(file).text;
        let offset: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        self.place(Span::new(file, offset, offset))
    }

    /// The trust files of this version.
    pub fn trust(&self) -> &'a crate::trust::Trust {
        &self.checked.loaded.trust
    }

    /// The source text of a span, as written.
    pub fn text(&self, span: Span) -> &'a str {
        self.sources.get(span.file).slice(span)
    }

    /// The file a span is in, relative to the entry file's folder, so that a rule that stays
    /// in the entry file (or in the same import) keeps its key when the entry is renamed.
    pub fn file_key(&self, span: Span) -> String {
        if span.file == FileId(0) {
            return String::new();
        }
        let entry = self
            .sources
            .get(FileId(0))
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let path = &self.sources.get(span.file).path;
        path.strip_prefix(&entry)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// The file a span is in, by the name it is shown under.
    pub fn file_name(&self, span: Span) -> &'a str {
        &self.sources.get(span.file).name
    }

    /// Whether `expr` depends on the declaration named `target`, directly or through lets.
    pub fn reaches(&self, expr: &Expr, target: &str) -> bool {
        let mut seen = Vec::new();
        self.reaches_inner(expr, target, &mut seen)
    }

    fn reaches_inner(&self, expr: &Expr, target: &str, seen: &mut Vec<&'a str>) -> bool {
        let mut found = false;
        visit_names(expr, &mut |ident| {
            if found {
                return;
            }
            let Some(name) = self.declaration_of(ident) else {
                return;
            };
            if name == target {
                found = true;
                return;
            }
            if let Some(l) = self.let_of(ident) {
                if !seen.contains(&name) {
                    seen.push(name);
                    found = self.reaches_inner(&l.value, target, seen);
                }
            }
        });
        found
    }

    /// Whether any clause of `rule` depends on `target`.
    pub fn rule_reaches(&self, rule: &ast::Rule, target: &str) -> bool {
        clauses(rule).any(|c| self.reaches(&c.condition, target))
    }
}

/// The clauses of a rule, in order.
pub fn clauses(rule: &ast::Rule) -> impl Iterator<Item = &ast::Clause> {
    rule.body.iter().filter_map(|s| match s {
        ast::RuleStmt::Clause(c) => Some(c),
        _ => None,
    })
}

pub fn missing_stmt(rule: &ast::Rule) -> Option<&ast::MissingStmt> {
    rule.body.iter().find_map(|s| match s {
        ast::RuleStmt::Missing(m) => Some(m),
        _ => None,
    })
}

pub fn waivable_stmt(rule: &ast::Rule) -> Option<&ast::WaivableStmt> {
    rule.body.iter().find_map(|s| match s {
        ast::RuleStmt::Waivable(w) => Some(w),
        _ => None,
    })
}

pub fn message_stmt(rule: &ast::Rule) -> Option<&ast::MessageStmt> {
    rule.body.iter().find_map(|s| match s {
        ast::RuleStmt::Message(m) => Some(m),
        _ => None,
    })
}

fn within(inner: Span, outer: Span) -> bool {
    inner.file == outer.file && inner.start >= outer.start && inner.end <= outer.end
}

/// Call `f` on every bare name in `expr`.
pub fn visit_names(expr: &Expr, f: &mut dyn FnMut(&ast::Ident)) {
    match &expr.kind {
        ExprKind::Name(ident) => f(ident),
        ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Severity(_) => {}
        ExprKind::List(items) => items.iter().for_each(|e| visit_names(e, f)),
        ExprKind::Call { args, .. } => args.iter().for_each(|e| visit_names(e, f)),
        ExprKind::Unary { operand, .. } => visit_names(operand, f),
        ExprKind::Binary { lhs, rhs, .. } => {
            visit_names(lhs, f);
            visit_names(rhs, f);
        }
        ExprKind::Where {
            collection,
            predicate,
        } => {
            visit_names(collection, f);
            visit_names(predicate, f);
        }
        ExprKind::Paren(inner) => visit_names(inner, f),
    }
}
