//! Structural checks on items: the policy header, rule bodies, test blocks, unused names.

use std::collections::HashSet;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Sources;
use crate::span::FileId;
use crate::syntax::ast::{self, RuleStmt, TestStmt};

use super::suggest;
use super::symbols::{Symbol, Symbols};

/// The entry file holds exactly one `policy` header; imported files hold none.
pub fn check_headers(
    files: &[(FileId, ast::File)],
    sources: &Sources,
    errors: &mut Vec<Diagnostic>,
) {
    for (index, (id, file)) in files.iter().enumerate() {
        let headers: Vec<&ast::PolicyHeader> = file
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Policy(h) => Some(h),
                _ => None,
            })
            .collect();
        if index == 0 {
            if headers.is_empty() {
                let text = sources.get(*id);
                let d = Diagnostic::error(Code::Header, format!("{} has no `policy` header", text.name))
                    .with_help("start the file with `policy \"name\" { version \"…\" owner \"…\" }`; only imported files go without one");
                errors.push(d);
            }
            for extra in headers.iter().skip(1) {
                errors.push(
                    Diagnostic::error(
                        Code::Header,
                        "a policy file has exactly one `policy` header",
                    )
                    .with_label(sources, extra.span, "second header")
                    .with_help("merge the two headers into one"),
                );
            }
        } else {
            for h in headers {
                errors.push(
                    Diagnostic::error(Code::Header, "an imported file cannot have a `policy` header")
                        .with_label(sources, h.span, "header in an imported file")
                        .with_help("only the entry file names the policy; remove this header or evaluate this file directly"),
                );
            }
        }
        for h in file.items.iter().filter_map(|i| match i {
            ast::Item::Policy(h) => Some(h),
            _ => None,
        }) {
            let mut seen = HashSet::new();
            for field in &h.fields {
                if !seen.insert(field.key) {
                    errors.push(
                        Diagnostic::error(
                            Code::Header,
                            format!(
                                "`{}` is given twice in the policy header",
                                field.key.as_str()
                            ),
                        )
                        .with_label(sources, field.span, "repeated field")
                        .with_help("each header field appears at most once"),
                    );
                }
            }
        }
    }
}

/// A rule has at least one clause and at most one `missing`, `waivable by` and `message`.
/// `adjusted by` belongs to a family: one metric has nothing to be adjusted with.
pub fn check_adjustments(symbols: &Symbols, sources: &Sources, errors: &mut Vec<Diagnostic>) {
    for m in &symbols.metrics {
        if let Some(a) = &m.adjustment {
            errors.push(
                Diagnostic::error(
                    Code::Type,
                    format!(
                        "metric `{}` is one metric: only a `metric family` is `adjusted by`",
                        m.name.name
                    ),
                )
                .with_label(sources, a.span, "not a family")
                .with_help(format!(
                    "declare `metric family {} from \"…*\"`, or drop `adjusted by {}`",
                    m.name.name,
                    a.method.name()
                )),
            );
        }
    }
}

pub fn check_rule_shape(rule: &ast::Rule, sources: &Sources, errors: &mut Vec<Diagnostic>) {
    if !rule.body.iter().any(|s| matches!(s, RuleStmt::Clause(_))) {
        errors.push(
            Diagnostic::error(
                Code::Rule,
                format!(
                    "rule `{}` has no clause, so it can never fire",
                    rule.id.name
                ),
            )
            .with_label(
                sources,
                rule.id.span,
                "no `block`, `review` or `warn` clause",
            )
            .with_help("add a clause such as `block when …`"),
        );
    }
    let mut seen: Vec<(&str, crate::span::Span)> = Vec::new();
    for stmt in &rule.body {
        let kind = match stmt {
            RuleStmt::Clause(_) => continue,
            RuleStmt::Missing(_) => "missing",
            RuleStmt::Waivable(_) => "waivable by",
            RuleStmt::Message(_) => "message",
        };
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == kind) {
            errors.push(
                Diagnostic::error(
                    Code::Rule,
                    format!("rule `{}` has `{kind}` twice", rule.id.name),
                )
                .with_label(sources, stmt.span(), "second one")
                .with_label(sources, *first, "first one")
                .with_help(format!("keep one `{kind}` statement")),
            );
        } else {
            seen.push((kind, stmt.span()));
        }
        if let RuleStmt::Waivable(w) = stmt {
            let mut roles = HashSet::new();
            for role in &w.roles {
                if role.value.trim().is_empty() {
                    errors.push(
                        Diagnostic::error(Code::Rule, "a waiver role cannot be empty")
                            .with_label(sources, role.span, "empty role")
                            .with_help("name the role that may waive this rule, for example \"head-of-model-behavior\""),
                    );
                } else if !roles.insert(role.value.as_str()) {
                    errors.push(
                        Diagnostic::error(
                            Code::Rule,
                            format!("role \"{}\" is listed twice", role.value),
                        )
                        .with_label(sources, role.span, "repeated role")
                        .with_help("list each role once"),
                    );
                }
            }
        }
    }
}

/// Static parts of a test block: the rules it names exist, its `now` is a valid instant and
/// its inline evidence is a valid bundle.
pub fn check_test(
    test: &ast::TestBlock,
    symbols: &Symbols<'_>,
    sources: &Sources,
    errors: &mut Vec<Diagnostic>,
) {
    let expects = test.body.iter().any(|s| {
        matches!(
            s,
            TestStmt::ExpectDecision { .. } | TestStmt::ExpectRule { .. }
        )
    });
    if !expects {
        errors.push(
            Diagnostic::error(
                Code::Test,
                format!(
                    "test \"{}\" has no `expect`, so it checks nothing",
                    test.name.value
                ),
            )
            .with_label(sources, test.name.span, "no expectation")
            .with_help("add `expect block` (the decision) or `expect fired RULE`"),
        );
    }
    for stmt in &test.body {
        match stmt {
            TestStmt::ExpectRule { rule, .. } => {
                if !matches!(symbols.lookup(&rule.name), Some(Symbol::Rule(_))) {
                    let rules = symbols.rules.iter().map(|r| r.id.name.as_str());
                    let help = suggest::did_you_mean(
                        &rule.name,
                        rules,
                        "expectations name a rule id of this policy",
                    );
                    errors.push(
                        Diagnostic::error(
                            Code::Test,
                            format!(
                                "test \"{}\" expects a rule `{}` that does not exist",
                                test.name.value, rule.name
                            ),
                        )
                        .with_label(sources, rule.span, "no such rule")
                        .with_help(help),
                    );
                }
            }
            TestStmt::Now { time, .. } => {
                if crate::evidence::parse_instant(&time.value).is_none() {
                    errors.push(
                        Diagnostic::error(
                            Code::Test,
                            format!("`{}` is not a date-time", time.value),
                        )
                        .with_label(sources, time.span, "not RFC 3339")
                        .with_help("write it like \"2025-04-25T12:00:00Z\" or \"2025-04-25\""),
                    );
                }
            }
            TestStmt::EvidenceInline {
                json, json_span, ..
            } => {
                if let Err(diags) = crate::evidence::parse_str(
                    "inline evidence",
                    json,
                    crate::evidence::Format::Json,
                ) {
                    for d in diags.0 {
                        errors.push(
                            Diagnostic::error(
                                Code::Test,
                                format!("invalid inline evidence: {}", d.message),
                            )
                            .with_label(sources, *json_span, "this evidence is rejected")
                            .with_help(d.help.clone().unwrap_or_else(|| {
                                "inline evidence follows the bundle format (docs/reference.md, Evidence bundles)".into()
                            })),
                        );
                    }
                }
            }
            TestStmt::EvidenceFile { .. } | TestStmt::ExpectDecision { .. } => {}
        }
    }
}

/// Metrics and lets that nothing uses are probably mistakes: warn, do not fail.
pub fn lint_unused(
    symbols: &Symbols<'_>,
    used: &HashSet<Symbol>,
    sources: &Sources,
    warnings: &mut Vec<Diagnostic>,
) {
    let unused = symbols
        .metrics
        .iter()
        .enumerate()
        .map(|(i, m)| (Symbol::Metric(i), &m.name, "metric"))
        .chain(
            symbols
                .families
                .iter()
                .enumerate()
                .map(|(i, m)| (Symbol::Family(i), &m.name, "metric family")),
        )
        .chain(
            symbols
                .lets
                .iter()
                .enumerate()
                .map(|(i, l)| (Symbol::Let(i), &l.name, "let")),
        )
        .filter(|(s, _, _)| !used.contains(s));
    for (_, name, what) in unused {
        warnings.push(
            Diagnostic::warning(
                Code::Unused,
                format!("{what} `{}` is never used", name.name),
            )
            .with_label(sources, name.span, "declared but not used by any rule")
            .with_help("use it in a rule, or remove it"),
        );
    }
}
