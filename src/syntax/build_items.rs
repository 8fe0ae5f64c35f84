//! Item pairs to AST items: the policy header, imports, metrics, constants and rules.
//! Tests are in [`super::build_test`], expressions in [`super::build_expr`].

use pest::iterators::Pair;

use crate::diagnostic::{Code, Diagnostic};
use crate::levels::Direction;
use crate::levels::Outcome;
use crate::span::Span;

use crate::stats::Adjustment;

use super::ast::{
    AdjustmentSpec, Clause, ClauseKind, DirectionSpec, HeaderField, HeaderKey, Ident, Import, Item,
    LetDecl, MessageStmt, MetricDecl, MissingStmt, PolicyHeader, Rule, RuleStmt, Trust,
    WaivableStmt,
};
use super::build_expr::build_expr;
use super::build_test::build_test;
use super::context::{is_punctuation, Built, Ctx};
use super::grammar::Rule as R;
use super::keywords::is_reserved;
use super::literals::build_string;
use super::template::build_template;

type P<'i> = Pair<'i, R>;

/// The items of a `file` pair, in source order. An item with an error is left out; its
/// diagnostics are in `ctx`.
pub(crate) fn build_items(ctx: &mut Ctx<'_>, file: P<'_>) -> Vec<Item> {
    let pairs = file.into_inner();
    let mut items = Vec::with_capacity(pairs.len());
    items.extend(
        pairs
            .filter(|p| p.as_rule() != R::EOI)
            .filter_map(|p| build_item(ctx, p)),
    );
    items
}

fn build_item(ctx: &mut Ctx<'_>, pair: P<'_>) -> Built<Item> {
    match pair.as_rule() {
        R::policy_item => build_policy(ctx, pair).map(Item::Policy),
        R::import_item => build_import(ctx, pair).map(Item::Import),
        R::trust_item => build_trust(ctx, pair).map(Item::Trust),
        R::metric_item => build_metric(ctx, pair).map(Item::Metric),
        R::let_item => build_let(ctx, pair).map(Item::Let),
        R::rule_item => build_rule(ctx, pair).map(Item::Rule),
        R::test_item => build_test(ctx, pair).map(Item::Test),
        _ => ctx.bug(ctx.raw_span(&pair), "unknown item"),
    }
}

/// What a declared name names, for the reserved-word message.
#[derive(Clone, Copy)]
pub(crate) enum NameKind {
    Rule,
    Metric,
    Family,
    Constant,
    RuleRef,
}

/// A `decl_name` pair to an [`Ident`], rejecting reserved words.
pub(crate) fn decl_name(ctx: &mut Ctx<'_>, pair: &P<'_>, kind: NameKind) -> Built<Ident> {
    let name = pair.as_str();
    let span = ctx.span(pair);
    if is_reserved(name) {
        let (what, suffix) = match kind {
            NameKind::Rule => ("name a rule", "rule"),
            NameKind::Metric => ("name a metric", "metric"),
            NameKind::Family => ("name a metric family", "family"),
            NameKind::Constant => ("name a constant", "value"),
            NameKind::RuleRef => ("be a rule's name, so no rule can have it", "rule"),
        };
        let d = Diagnostic::error(
            Code::Syntax,
            format!("`{name}` is a reserved word and cannot {what}"),
        )
        .with_label(ctx.sources, span, "reserved word")
        .with_help(format!("choose another name, such as `{name}_{suffix}`"));
        ctx.push(d);
        return None;
    }
    Some(Ident {
        name: name.to_string(),
        span,
    })
}

fn build_policy(ctx: &mut Ctx<'_>, pair: P<'_>) -> Built<PolicyHeader> {
    let span = ctx.span(&pair);
    let mut name = None;
    let mut fields = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            R::string => name = Some(build_string(ctx, p)?),
            R::header_field => fields.push(build_header_field(ctx, p)?),
            _ => {}
        }
    }
    let Some(name) = name else {
        return ctx.bug(span, "policy header without a name");
    };
    Some(PolicyHeader { name, fields, span })
}

fn build_header_field(ctx: &mut Ctx<'_>, pair: P<'_>) -> Built<HeaderField> {
    let span = ctx.span(&pair);
    let mut inner = pair.into_inner();
    let key_pair = ctx.next(&mut inner, span, "header key")?;
    let key_span = ctx.span(&key_pair);
    let key = match key_pair.as_str() {
        "version" => HeaderKey::Version,
        "owner" => HeaderKey::Owner,
        "description" => HeaderKey::Description,
        _ => return ctx.bug(key_span, "unknown header key"),
    };
    let value = ctx.next(&mut inner, span, "header value")?;
    let value = build_string(ctx, value)?;
    Some(HeaderField {
        key,
        key_span,
        value,
        span,
    })
}

fn build_import(ctx: &mut Ctx<'_>, pair: P<'_>) -> Built<Import> {
    let span = ctx.span(&pair);
    let Some(path) = pair.into_inner().find(|p| p.as_rule() == R::string) else {
        return ctx.bug(span, "import without a path");
    };
    let path = build_string(ctx, path)?;
    Some(Import { path, span })
}

fn build_trust(ctx: &mut Ctx<'_>, pair: P<'_>) -> Built<Trust> {
    let span = ctx.span(&pair);
    let Some(path) = pair.into_inner().find(|p| p.as_rule() == R::string) else {
        return ctx.bug(span, "trust without a path");
    };
    let path = build_string(ctx, path)?;
    Some(Trust { path, span })
}

fn build_metric(ctx: &mut Ctx<'_>, pair: P<'_>) -> Built<MetricDecl> {
    let span = ctx.span(&pair);
    let mut family = false;
    let mut name = None;
    let mut key = None;
    let mut direction = None;
    let mut adjustment = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            R::kw_family => family = true,
            R::decl_name => {
                let kind = if family {
                    NameKind::Family
                } else {
                    NameKind::Metric
                };
                name = Some(decl_name(ctx, &p, kind));
            }
            R::string => key = Some(build_string(ctx, p)),
            R::direction => {
                let dspan = ctx.span(&p);
                let higher = p.into_inner().any(|w| w.as_rule() == R::kw_higher);
                direction = Some(DirectionSpec {
                    direction: if higher {
                        Direction::HigherIsBetter
                    } else {
                        Direction::LowerIsBetter
                    },
                    span: dspan,
                });
            }
            R::adjustment => {
                let aspan = ctx.span(&p);
                let method = p
                    .into_inner()
                    .find(|w| w.as_rule() == R::adjust_method)
                    .and_then(|w| Adjustment::from_name(w.as_str()));
                let Some(method) = method else {
                    return ctx.bug(aspan, "adjustment without a method");
                };
                adjustment = Some(AdjustmentSpec {
                    method,
                    span: aspan,
                });
            }
            _ => {}
        }
    }
    // Both parts are built before giving up, so both can report their errors.
    let (Some(name), Some(key)) = (name, key) else {
        return ctx.bug(span, "metric without name or key");
    };
    Some(MetricDecl {
        name: name?,
        family,
        key: key?,
        direction,
        adjustment,
        span,
    })
}

fn build_let(ctx: &mut Ctx<'_>, pair: P<'_>) -> Built<LetDecl> {
    let raw = ctx.raw_span(&pair);
    let mut inner = pair
        .into_inner()
        .filter(|p| !is_punctuation(p.as_rule()) && p.as_rule() != R::kw_let);
    let (Some(name), Some(value)) = (inner.next(), inner.next()) else {
        return ctx.bug(raw, "let without name or value");
    };
    let name = decl_name(ctx, &name, NameKind::Constant);
    let value = build_expr(ctx, value)?;
    Some(LetDecl {
        name: name?,
        span: ends_with(raw, value.span),
        value,
    })
}

fn build_rule(ctx: &mut Ctx<'_>, pair: P<'_>) -> Built<Rule> {
    let span = ctx.span(&pair);
    let mut id = None;
    let mut title = None;
    let inner = pair.into_inner();
    // Besides statements a rule has four pairs (`rule`, its id, `{`, `}`) and maybe a title.
    let mut body = Vec::with_capacity(inner.len().saturating_sub(4));
    let mut failed = false;
    for p in inner {
        match p.as_rule() {
            R::decl_name => id = Some(decl_name(ctx, &p, NameKind::Rule)),
            R::string => match build_string(ctx, p) {
                Some(t) => title = Some(t),
                None => failed = true,
            },
            R::clause | R::missing_stmt | R::waivable_stmt | R::message_stmt => {
                match build_rule_stmt(ctx, p) {
                    Some(s) => body.push(s),
                    None => failed = true,
                }
            }
            _ => {}
        }
    }
    let Some(id) = id else {
        return ctx.bug(span, "rule without an id");
    };
    let id = id?;
    if failed {
        return None;
    }
    Some(Rule {
        id,
        title,
        body,
        span,
    })
}

fn build_rule_stmt(ctx: &mut Ctx<'_>, stmt: P<'_>) -> Built<RuleStmt> {
    // A clause ends with its condition and takes its span from it.
    if stmt.as_rule() == R::clause {
        return build_clause(ctx, stmt).map(RuleStmt::Clause);
    }
    let span = ctx.span(&stmt);
    match stmt.as_rule() {
        R::missing_stmt => {
            let outcome = stmt
                .clone()
                .into_inner()
                .find(|p| p.as_rule() == R::outcome);
            let Some(outcome) = outcome else {
                return ctx.bug(span, "missing without outcome");
            };
            let outcome_span = ctx.span(&outcome);
            let Some(o) = Outcome::parse(outcome.as_str()) else {
                return ctx.bug(outcome_span, "unknown outcome");
            };
            Some(RuleStmt::Missing(MissingStmt {
                outcome: o,
                outcome_span,
                span,
            }))
        }
        R::waivable_stmt => {
            let mut roles = Vec::new();
            let mut failed = false;
            for p in stmt.into_inner().filter(|p| p.as_rule() == R::string) {
                match build_string(ctx, p) {
                    Some(s) => roles.push(s),
                    None => failed = true,
                }
            }
            (!failed).then_some(RuleStmt::Waivable(WaivableStmt { roles, span }))
        }
        R::message_stmt => {
            let Some(s) = stmt.into_inner().find(|p| p.as_rule() == R::string) else {
                return ctx.bug(span, "message without text");
            };
            let template = build_string(ctx, s)?;
            let parts = build_template(ctx, &template)?;
            Some(RuleStmt::Message(MessageStmt {
                template,
                parts,
                span,
            }))
        }
        _ => ctx.bug(span, "unknown rule statement"),
    }
}

fn build_clause(ctx: &mut Ctx<'_>, pair: P<'_>) -> Built<Clause> {
    let raw = ctx.raw_span(&pair);
    let mut outcome = None;
    let mut kind = None;
    let mut condition = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            R::kw_block | R::kw_review | R::kw_warn => {
                outcome = Outcome::parse(p.as_str()).map(|o| (o, ctx.span(&p)));
            }
            R::kw_when => kind = Some(ClauseKind::When),
            R::kw_unless => kind = Some(ClauseKind::Unless),
            R::expr => condition = Some(build_expr(ctx, p)?),
            _ => {}
        }
    }
    let (Some((outcome, outcome_span)), Some(kind), Some(condition)) = (outcome, kind, condition)
    else {
        return ctx.bug(raw, "incomplete clause");
    };
    Some(Clause {
        outcome,
        outcome_span,
        kind,
        span: ends_with(raw, condition.span),
        condition,
    })
}

/// The span of a pair whose last part is `last`, already built: from the pair's start to the
/// end of `last`, without the layout pest lets the pair swallow after it (see [`Ctx::span`]).
fn ends_with(raw: Span, last: Span) -> Span {
    Span {
        end: last.end,
        ..raw
    }
}
