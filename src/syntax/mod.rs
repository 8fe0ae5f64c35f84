//! Source text → pest parse tree → typed AST with spans.
//!
//! The pipeline for one file: a size check; a linear scan for comments, bracket depth and
//! bracket/string problems (`lexical`); pest (`grammar`); the builders (`build_*`), which
//! also check escapes, numbers, reserved names, templates and expression depth. After a syntax
//! error the parser resumes at the next line that starts an item, so one run reports the
//! errors of several items. A large file is parsed in pieces (`pieces`) to bound pest's
//! memory.

pub mod ast;
mod build_expr;
mod build_items;
mod build_test;
mod comments;
mod context;
mod errors;
mod grammar;
pub mod keywords;
mod lexical;
pub mod limits;
mod literals;
mod pieces;
mod template;

use pest::Parser;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::Sources;
use crate::span::{FileId, Span};

use context::{Built, Ctx, Origin};
use errors::TextKind;
use grammar::{GateParser, Rule};

/// Parse one file of `sources` into an AST. Syntax errors are diagnostics with
/// [`Code::Syntax`]; inputs past a limit in [`limits`] give [`Code::Limit`].
pub fn parse(sources: &Sources, file: FileId) -> Result<ast::File, Diagnostics> {
    let text: &str = &sources.get(file).text;
    check_size(sources, file, text.len())?;
    if let Some(parsed) = pieces::parse(sources, file, text) {
        return parsed;
    }
    parse_whole(sources, file, text)
}

/// Parse all of `text` with one pest run, resuming after each syntax error.
fn parse_whole(sources: &Sources, file: FileId, text: &str) -> Result<ast::File, Diagnostics> {
    let mut items = Vec::new();
    let mut diags = Vec::new();
    let mut start = 0;
    let mut comments = Vec::new();
    loop {
        let chunk = text.get(start..).unwrap_or("");
        let mut ctx = Ctx::new(sources, file, Origin::Direct { base: start });
        let scan = lexical::scan(chunk);
        if let Some(problem @ lexical::LexProblem::TooDeep { .. }) = &scan.problem {
            diags.push(errors::from_lex(&ctx, problem));
            break;
        }
        match GateParser::parse(Rule::file, chunk) {
            Ok(pairs) => {
                items.extend(build_file(&mut ctx, pairs));
                diags.append(&mut ctx.diags);
                if start == 0 {
                    comments = comments::collect(sources, file, &scan.comments, 0);
                }
                break;
            }
            Err(err) => {
                let at = error_pos(&err);
                // The whole items before the broken one are still built, so that their own
                // errors (a reserved name, a bad escape) are reported in the same run.
                let broken = item_starts(chunk).take_while(|&s| s <= at).last();
                if let Some(pairs) =
                    broken.and_then(|b| GateParser::parse(Rule::file, chunk.get(..b)?).ok())
                {
                    build_file(&mut ctx, pairs);
                    diags.append(&mut ctx.diags);
                }
                // A bracket or string problem at or before pest's failure is its likely cause,
                // and the scan can say so in better words.
                let d = match &scan.problem {
                    Some(p) if p.position() <= at => errors::from_lex(&ctx, p),
                    _ => errors::from_pest(&ctx, chunk, TextKind::File, &err),
                };
                diags.push(d);
                if diags.len() >= limits::MAX_SYNTAX_ERRORS {
                    break;
                }
                // Resume at the next item after the error.
                match item_starts(chunk).find(|&s| s >= at && s > 0) {
                    Some(next) => start += next,
                    None => break,
                }
            }
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Diagnostics(diags));
    }
    Ok(ast::File { items, comments })
}

/// Parse a standalone expression: bytes `start..end` of a file in `sources`. Spans point into
/// that file.
pub fn parse_expr(
    sources: &Sources,
    file: FileId,
    start: usize,
    end: usize,
) -> Result<ast::Expr, Diagnostics> {
    let text: &str = &sources.get(file).text;
    check_size(sources, file, end.saturating_sub(start))?;
    let Some(slice) = text.get(start..end) else {
        let span = Span::new(file, start.min(text.len()), start.min(text.len()));
        return Err(Diagnostics::one(
            Diagnostic::error(Code::Internal, "expression range outside its file")
                .with_label(sources, span, "here"),
        ));
    };
    let mut ctx = Ctx::new(sources, file, Origin::Direct { base: start });
    let expr = parse_text_expr_as(&mut ctx, slice, TextKind::Expression);
    match expr {
        Some(e) if ctx.diags.is_empty() => Ok(e),
        _ => Err(Diagnostics(ctx.diags)),
    }
}

/// Parse `text` (a message interpolation) as one expression, positions mapped by `ctx`.
pub(crate) fn parse_text_expr(ctx: &mut Ctx<'_>, text: &str) -> Built<ast::Expr> {
    parse_text_expr_as(ctx, text, TextKind::Interpolation)
}

fn parse_text_expr_as(ctx: &mut Ctx<'_>, text: &str, kind: TextKind) -> Built<ast::Expr> {
    let scan = lexical::scan(text);
    if let Some(problem @ lexical::LexProblem::TooDeep { .. }) = &scan.problem {
        let d = errors::from_lex(ctx, problem);
        ctx.push(d);
        return None;
    }
    match GateParser::parse(Rule::expr_only, text) {
        Ok(mut pairs) => {
            let expr = pairs
                .next()
                .and_then(|p| p.into_inner().find(|p| p.as_rule() == Rule::expr));
            match expr {
                Some(e) => build_expr::build_expr(ctx, e),
                None => ctx.bug(ctx.span_of(0, text.len()), "expression without expr"),
            }
        }
        Err(err) => {
            let d = match &scan.problem {
                Some(p) if p.position() <= error_pos(&err) => errors::from_lex(ctx, p),
                _ => errors::from_pest(ctx, text, kind, &err),
            };
            ctx.push(d);
            None
        }
    }
}

fn check_size(sources: &Sources, file: FileId, len: usize) -> Result<(), Diagnostics> {
    let limit = crate::limits::POLICY_BYTES;
    let max = limit.get_usize();
    if len <= max {
        return Ok(());
    }
    // A file read from disk stops one byte past the limit: it may be larger still.
    let or_more = if len == max + 1 { " or more" } else { "" };
    let d = Diagnostic::error(
        Code::Limit,
        format!(
            "policy source is {len} bytes{or_more}, more than the limit of {max} bytes{}",
            crate::limits::in_mib(max as u64)
        ),
    )
    .with_label(sources, Span::new(file, 0, 0), "in this file")
    .with_help(format!(
        "split the policy into files joined with `import`; {}",
        limit.how_to_raise()
    ));
    Err(Diagnostics::one(d))
}

fn error_pos(err: &pest::error::Error<Rule>) -> usize {
    match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// The items of a successfully parsed `file`.
fn build_file(ctx: &mut Ctx<'_>, mut pairs: pest::iterators::Pairs<'_, Rule>) -> Vec<ast::Item> {
    pairs
        .next()
        .map(|file| build_items::build_items(ctx, file))
        .unwrap_or_default()
}

/// Offsets in `text` of the lines that start an item: their first word is an item keyword
/// (`policy`, `import`, `trust`, `metric`, `let`, `rule`, `test`). After a syntax error these are where
/// the broken item probably began and where the next one begins.
pub fn item_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut line_start = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = line_start;
        line_start += line.len();
        item_word(line).map(|word| start + word)
    })
}

/// The offset in `line` of its first word, when that word is an item keyword.
fn item_word(line: &str) -> Option<usize> {
    const ITEM_WORDS: [&str; 7] = ["policy", "import", "trust", "metric", "let", "rule", "test"];
    let body = line.trim_start();
    let word_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let word = body.get(..word_len)?;
    ITEM_WORDS
        .contains(&word)
        .then_some(line.len() - body.len())
}
