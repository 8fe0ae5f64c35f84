//! Name resolution and static checks: imports, one namespace across files, `let` cycles,
//! types (LANGUAGE.md sections 3–5, 7). Every error in every file is reported.

mod load;
mod resolve;
mod rules;
pub mod suggest;
mod symbols;
mod types;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::syntax::ast;
use symbols::Symbols;

pub use load::{load, load_text, normalise, FsReader, Loaded, SourceReader, MAX_IMPORT_DEPTH};
pub use resolve::{Declarations, ItemAt, Ranges, Resolution, Resolved};
pub use symbols::BUILTIN_NAMES;
pub use types::Type;

/// A policy that passed every check, with what the compiler needs from the checker.
#[derive(Debug)]
pub struct Checked {
    pub loaded: Loaded,
    /// Lets in dependency order: each after the lets it uses.
    pub let_order: Vec<usize>,
    /// Every declaration by kind, in the order [`Resolved`] indexes them.
    pub declarations: Declarations,
    /// What every name use and every `where` means.
    pub resolution: Resolution,
    /// Lints: suspicious but legal.
    pub warnings: Vec<Diagnostic>,
    /// Errors inside `test` blocks (an unknown rule, a malformed `now`, invalid inline
    /// evidence), by the test's span: each breaks its own test, not the policy, so that
    /// `tollgate test` still runs the others. `tollgate check` reports them as errors.
    pub test_errors: Vec<(crate::span::Span, Vec<Diagnostic>)>,
}

impl Checked {
    /// The item a declaration position points at.
    pub fn item(&self, at: ItemAt) -> Option<&ast::Item> {
        self.loaded.files.get(at.file)?.1.items.get(at.item)
    }

    /// The declared metrics (families excluded), in the order [`Resolved::Metric`] indexes.
    pub fn metrics(&self) -> impl Iterator<Item = &ast::MetricDecl> {
        self.declared(&self.declarations.metrics, metric)
    }

    /// The declared metric families, in the order [`Resolved::Family`] indexes.
    pub fn families(&self) -> impl Iterator<Item = &ast::MetricDecl> {
        self.declared(&self.declarations.families, metric)
    }

    /// The `let` at declaration index `index` (as [`Resolved::Let`] names it).
    pub fn let_decl(&self, index: usize) -> Option<&ast::LetDecl> {
        match self.item(*self.declarations.lets.get(index)?) {
            Some(ast::Item::Let(l)) => Some(l),
            _ => None,
        }
    }

    /// The rules, in source order.
    pub fn rules(&self) -> impl Iterator<Item = &ast::Rule> {
        self.declared(&self.declarations.rules, |item| match item {
            ast::Item::Rule(r) => Some(r),
            _ => None,
        })
    }

    /// The items at `positions`, as `pick` reads them.
    fn declared<'c, T: 'c>(
        &'c self,
        positions: &'c [ItemAt],
        pick: fn(&'c ast::Item) -> Option<&'c T>,
    ) -> impl Iterator<Item = &'c T> {
        positions
            .iter()
            .filter_map(move |&at| self.item(at).and_then(pick))
    }
}

fn metric(item: &ast::Item) -> Option<&ast::MetricDecl> {
    match item {
        ast::Item::Metric(m) => Some(m),
        _ => None,
    }
}

/// Everything the checker found, errors or not: the resolution of every name it could
/// resolve beside the errors. `check` turns it into [`Checked`] or the errors; the language
/// server answers hover and definitions from it while the policy still has errors.
#[derive(Debug, Default)]
pub struct Analysis {
    pub let_order: Vec<usize>,
    pub declarations: Declarations,
    pub resolution: Resolution,
    /// Each `let`'s type by declaration index (`None` for one not typed, as in a cycle).
    pub let_types: Vec<Option<Type>>,
    pub warnings: Vec<Diagnostic>,
    pub test_errors: Vec<(crate::span::Span, Vec<Diagnostic>)>,
    /// Errors outside tests, in the order found.
    pub errors: Vec<Diagnostic>,
}

/// Check a loaded policy. Errors come back all together.
pub fn check(loaded: Loaded) -> Result<Checked, Diagnostics> {
    let analysis = analyse(&loaded);
    let Analysis {
        let_order,
        declarations,
        resolution,
        warnings,
        test_errors,
        mut errors,
        ..
    } = analysis;
    if errors.is_empty() {
        Ok(Checked {
            loaded,
            let_order,
            declarations,
            resolution,
            warnings,
            test_errors,
        })
    } else {
        errors.extend(test_errors.into_iter().flat_map(|(_, e)| e));
        errors.sort_by_key(|d| {
            d.location
                .as_ref()
                .map(|l| (l.file.clone(), l.line, l.column))
        });
        // Lints are left out here: an unknown name also makes its intended target look
        // unused, and that second message would only mislead.
        Err(Diagnostics(errors))
    }
}

/// Run every check on a loaded policy and keep all it found (see [`Analysis`]).
pub fn analyse(loaded: &Loaded) -> Analysis {
    let sources = &loaded.sources;
    if let Err(limit) = too_many_rules(loaded) {
        return Analysis {
            errors: vec![limit],
            ..Analysis::default()
        };
    }
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let symbols = Symbols::collect(&loaded.files, sources, &mut errors);
    rules::check_headers(&loaded.files, sources, &mut errors);
    rules::check_adjustments(&symbols, sources, &mut errors);

    let mut types = types::TypeChecker::new(&symbols, sources);
    types.check_all_lets();
    for rule in &symbols.rules {
        rules::check_rule_shape(rule, sources, &mut errors);
        for stmt in &rule.body {
            match stmt {
                ast::RuleStmt::Clause(clause) => {
                    types.condition(&clause.condition, "a rule condition")
                }
                ast::RuleStmt::Message(message) => {
                    for part in &message.parts {
                        if let ast::TemplatePart::Expr(e) = part {
                            types.interpolation(e);
                        }
                    }
                }
                ast::RuleStmt::Missing(_) | ast::RuleStmt::Waivable(_) => {}
            }
        }
    }
    let mut test_errors = Vec::new();
    for (_, file) in &loaded.files {
        for item in &file.items {
            if let ast::Item::Test(test) = item {
                let mut broken = Vec::new();
                rules::check_test(test, &symbols, sources, &mut broken);
                if !broken.is_empty() {
                    test_errors.push((test.span, broken));
                }
            }
        }
    }
    rules::lint_unused(&symbols, &types.used, sources, &mut warnings);
    unauthenticated(loaded, &symbols, types.first_signed, &mut warnings);
    let let_order = std::mem::take(&mut types.let_order);
    let resolution = std::mem::take(&mut types.resolution);
    let let_types = types.let_types();
    errors.append(&mut types.errors);
    drop(types);
    Analysis {
        let_order,
        declarations: symbols.at,
        resolution,
        let_types,
        warnings,
        test_errors,
        errors,
    }
}

/// Note, once, that a policy which reads approvals (`signed(…)`, `waivable by`) but names no
/// trust file counts any sign-off or waiver anyone writes (TRUST.md section 3).
fn unauthenticated(
    loaded: &Loaded,
    symbols: &Symbols<'_>,
    first_signed: Option<crate::span::Span>,
    warnings: &mut Vec<Diagnostic>,
) {
    if loaded.trust.is_active() {
        return;
    }
    let first_waivable = symbols.rules.iter().find_map(|rule| {
        rule.body.iter().find_map(|stmt| match stmt {
            ast::RuleStmt::Waivable(w) => Some(w.span),
            _ => None,
        })
    });
    let Some(at) = first_signed.or(first_waivable) else {
        return;
    };
    warnings.push(
        Diagnostic::warning(
            Code::Trust,
            "approvals are not authenticated: the policy names no trust file, so any \
             sign-off or waiver written into the evidence counts",
        )
        .with_label(&loaded.sources, at, "approvals are read here")
        .with_help(
            "name an allowed_signers file with `trust \"allowed_signers\"` so that only \
             sign-offs and waivers signed by a trusted key count",
        ),
    );
}

/// Refuse a policy with more rules, imports included, than [`crate::limits::RULES`]: the
/// error points at the first rule past the limit.
fn too_many_rules(loaded: &Loaded) -> Result<(), Diagnostic> {
    let limit = crate::limits::RULES;
    let max = limit.get_usize();
    let rules = loaded.files.iter().flat_map(|(_, file)| {
        file.items.iter().filter_map(|item| match item {
            ast::Item::Rule(rule) => Some(rule),
            _ => None,
        })
    });
    let Some(first_past) = rules.clone().nth(max) else {
        return Ok(());
    };
    let count = rules.count();
    Err(Diagnostic::error(
        Code::Limit,
        format!("the policy has {count} rules, more than the limit of {max} rules"),
    )
    .with_label(
        &loaded.sources,
        first_past.id.span,
        format!("rule {} of {count}", max + 1),
    )
    .with_help(format!(
        "a policy a team writes has tens of rules; if this one is generated and meant to \
         be this large, {}",
        limit.how_to_raise()
    )))
}

/// A diagnostic for a problem inside the tool itself: reported, never a panic.
pub fn internal(message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(
        Code::Internal,
        format!("internal error: {}", message.into()),
    )
    .with_help("this is a bug in Tollgate; please report it with the policy that caused it")
}
