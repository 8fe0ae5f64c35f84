//! `test "name" { … }` pairs to [`TestBlock`]s.

use pest::iterators::Pair;

use crate::levels::Outcome;

use super::ast::{RuleExpectation, TestBlock, TestStmt};
use super::build_items::{decl_name, NameKind};
use super::context::{Built, Ctx};
use super::grammar::Rule as R;
use super::lexical;
use super::literals::build_string;

type P<'i> = Pair<'i, R>;

pub(crate) fn build_test(ctx: &mut Ctx<'_>, pair: P<'_>) -> Built<TestBlock> {
    let span = ctx.span(&pair);
    let mut name = None;
    let mut body = Vec::new();
    let mut failed = false;
    for p in pair.into_inner() {
        match p.as_rule() {
            R::string => name = Some(build_string(ctx, p)),
            R::evidence_stmt | R::now_stmt | R::expect_stmt => match build_test_stmt(ctx, p) {
                Some(s) => body.push(s),
                None => failed = true,
            },
            _ => {}
        }
    }
    let Some(name) = name else {
        return ctx.bug(span, "test without a name");
    };
    let name = name?;
    if failed {
        return None;
    }
    Some(TestBlock { name, body, span })
}

fn build_test_stmt(ctx: &mut Ctx<'_>, stmt: P<'_>) -> Built<TestStmt> {
    let span = ctx.span(&stmt);
    let rule = stmt.as_rule();
    let mut inner = stmt.into_inner().skip(1); // the statement's keyword
    let Some(first) = inner.next() else {
        return ctx.bug(span, "test statement without an argument");
    };
    match (rule, first.as_rule()) {
        (R::evidence_stmt, R::string) => Some(TestStmt::EvidenceFile {
            path: build_string(ctx, first)?,
            span,
        }),
        (R::evidence_stmt, R::json_object) => Some(TestStmt::EvidenceInline {
            json: blank_comments(first.as_str()),
            json_span: ctx.span(&first),
            span,
        }),
        (R::now_stmt, R::string) => Some(TestStmt::Now {
            time: build_string(ctx, first)?,
            span,
        }),
        (R::expect_stmt, R::outcome) => match Outcome::parse(first.as_str()) {
            Some(outcome) => Some(TestStmt::ExpectDecision { outcome, span }),
            None => ctx.bug(span, "unknown outcome"),
        },
        (R::expect_stmt, R::kw_not) => {
            let Some(name) = inner.find(|p| p.as_rule() == R::decl_name) else {
                return ctx.bug(span, "expect not fired without a rule");
            };
            Some(TestStmt::ExpectRule {
                expectation: RuleExpectation::NotFired,
                rule: decl_name(ctx, &name, NameKind::RuleRef)?,
                span,
            })
        }
        (R::expect_stmt, R::rule_status) => {
            let expectation = match first.as_str() {
                "fired" => RuleExpectation::Fired,
                "missing" => RuleExpectation::Missing,
                "waived" => RuleExpectation::Waived,
                "passed" => RuleExpectation::Passed,
                _ => return ctx.bug(span, "unknown rule status"),
            };
            let Some(name) = inner.next() else {
                return ctx.bug(span, "expectation without a rule");
            };
            Some(TestStmt::ExpectRule {
                expectation,
                rule: decl_name(ctx, &name, NameKind::RuleRef)?,
                span,
            })
        }
        _ => ctx.bug(span, "unknown test statement"),
    }
}

/// Inline JSON with each `#` comment replaced by spaces of the same length, so the text is
/// plain JSON and every offset in it still matches the source. The comments themselves are
/// in [`super::ast::File::comments`].
fn blank_comments(json: &str) -> String {
    let comments = lexical::scan(json).comments;
    if comments.is_empty() {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len());
    let mut last = 0;
    for c in comments {
        out.push_str(json.get(last..c.start).unwrap_or(""));
        let width = json.get(c.clone()).map_or(0, str::len);
        out.extend(std::iter::repeat_n(' ', width));
        last = c.end;
    }
    out.push_str(json.get(last..).unwrap_or(""));
    out
}
