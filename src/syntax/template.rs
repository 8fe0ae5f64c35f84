//! Message templates: after unescaping, `{expr}` interpolates an expression and `{{`/`}}` are
//! literal braces. Each interpolation is parsed with the grammar's expression rule, and its
//! spans are mapped back through the escapes to the string literal in the source.

use crate::diagnostic::{Code, Diagnostic};

use super::ast::{StrLit, TemplatePart};
use super::context::{Built, Ctx, Origin};
use super::literals::unescape;

/// The parts of the template `lit`.
pub(crate) fn build_template(ctx: &mut Ctx<'_>, lit: &StrLit) -> Built<Vec<TemplatePart>> {
    let mut map = Vec::new();
    // The literal was already unescaped once without errors; this pass also records offsets.
    let Ok(value) = unescape(&lit.raw, Some(&mut map)) else {
        return ctx.bug(lit.span, "template that unescaped once but not twice");
    };
    // Offsets in the template map to the source through the escapes; the raw text starts
    // right after the opening quote.
    let raw_base = lit.span.start as usize + 1;
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut ok = true;
    let bytes = value.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                text.push('{');
                i += 2;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                text.push('}');
                i += 2;
            }
            b'}' => {
                let span = map_span(ctx, raw_base, &map, i, i + 1);
                let d = Diagnostic::error(Code::Syntax, "unmatched `}` in a message")
                    .with_label(ctx.sources, span, "no `{` opens this")
                    .with_help("write `}}` for a literal `}`");
                ctx.push(d);
                ok = false;
                i += 1;
            }
            b'{' => {
                let Some(close) = interpolation_end(bytes, i + 1) else {
                    let span = map_span(ctx, raw_base, &map, i, i + 1);
                    let d = Diagnostic::error(Code::Syntax, "unclosed `{` in a message")
                        .with_label(
                            ctx.sources,
                            span,
                            "this `{` starts an interpolation that never ends",
                        )
                        .with_help("close it with `}`, or write `{{` for a literal `{`");
                    ctx.push(d);
                    return None;
                };
                if !text.is_empty() {
                    parts.push(TemplatePart::Text(std::mem::take(&mut text)));
                }
                let inner = value.get(i + 1..close).unwrap_or("");
                if inner.trim().is_empty() {
                    let span = map_span(ctx, raw_base, &map, i, close + 1);
                    let d = Diagnostic::error(Code::Syntax, "empty `{}` in a message")
                        .with_label(ctx.sources, span, "nothing to interpolate")
                        .with_help("put an expression between the braces, or write `{{}}` for literal braces");
                    ctx.push(d);
                    ok = false;
                } else {
                    let origin = Origin::Unescaped {
                        raw_start: raw_base,
                        offset: i + 1,
                        map: &map,
                    };
                    let mut sub = Ctx::new(ctx.sources, ctx.file, origin);
                    let expr = super::parse_text_expr(&mut sub, inner);
                    ctx.diags.append(&mut sub.diags);
                    match expr {
                        Some(e) => parts.push(TemplatePart::Expr(e)),
                        None => ok = false,
                    }
                }
                i = close + 1;
            }
            _ => {
                // Copy the whole run up to the next brace at once.
                let run_end = bytes
                    .get(i..)
                    .and_then(|rest| rest.iter().position(|&c| c == b'{' || c == b'}'))
                    .map_or(bytes.len(), |n| i + n);
                text.push_str(value.get(i..run_end).unwrap_or(""));
                i = run_end;
            }
        }
    }
    if !text.is_empty() {
        parts.push(TemplatePart::Text(text));
    }
    ok.then_some(parts)
}

/// The `}` closing an interpolation whose text starts at `from`: the first `}` outside a
/// string of the expression. `None` when there is none.
fn interpolation_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    let mut in_string = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'}' if !in_string => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The source span of unescaped bytes `start..end` of a template whose raw text starts at
/// source offset `raw_base`.
fn map_span(
    ctx: &Ctx<'_>,
    raw_base: usize,
    map: &[u32],
    start: usize,
    end: usize,
) -> crate::span::Span {
    let at = |i: usize| raw_base + map.get(i).or_else(|| map.last()).map_or(0, |&r| r as usize);
    crate::span::Span::new(ctx.file, at(start), at(end))
}
