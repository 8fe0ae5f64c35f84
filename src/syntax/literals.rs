//! String and number literals: unescaping (with an offset map for message templates) and
//! number conversion, each with errors that point at the offending characters.

use pest::iterators::Pair;

use crate::diagnostic::{Code, Diagnostic};

use super::ast::{NumLit, StrLit};
use super::context::{Built, Ctx};
use super::grammar::Rule;

/// A bad escape: its byte range in the raw string text and what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EscapeError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub label: &'static str,
}

const ESCAPE_HELP: &str =
    "the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{HEX}` (1 to 6 hex digits); write `\\\\` for a backslash";

/// Unescape the raw text of a string literal. When `map` is given it receives, for each byte
/// of the result, the raw offset of the character or escape that produced it, plus one final
/// entry holding `raw.len()`.
pub(crate) fn unescape(raw: &str, mut map: Option<&mut Vec<u32>>) -> Result<String, EscapeError> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let before = out.len();
        if c != '\\' {
            out.push(c);
            record(&mut map, out.len() - before, at);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((u, 'u')) => out.push(unicode_escape(raw, at, u, &mut chars)?),
            Some((e, other)) => {
                return Err(EscapeError {
                    start: at,
                    end: e + other.len_utf8(),
                    message: format!("unknown escape `\\{other}` in a string"),
                    label: "unknown escape",
                })
            }
            None => {
                return Err(EscapeError {
                    start: at,
                    end: raw.len(),
                    message: "a string cannot end with a lone `\\`".into(),
                    label: "lone backslash",
                })
            }
        }
        record(&mut map, out.len() - before, at);
    }
    if let Some(m) = map {
        m.push(crate::index::to_u32(raw.len()));
    }
    Ok(out)
}

/// Map `count` new output bytes to the raw offset `at`.
fn record(map: &mut Option<&mut Vec<u32>>, count: usize, at: usize) {
    if let Some(m) = map.as_deref_mut() {
        m.extend(std::iter::repeat_n(crate::index::to_u32(at), count));
    }
}

/// `\u{HEX}` after the `u` at offset `u`; the backslash is at `at`.
fn unicode_escape(
    raw: &str,
    at: usize,
    u: usize,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
) -> Result<char, EscapeError> {
    let malformed = |end: usize| EscapeError {
        start: at,
        end,
        message: "malformed unicode escape: write `\\u{` then 1 to 6 hex digits then `}`".into(),
        label: "malformed escape",
    };
    if chars.next_if(|&(_, c)| c == '{').is_none() {
        return Err(malformed(u + 1));
    }
    let mut digits = String::new();
    let mut end = u + 2;
    loop {
        match chars.next() {
            Some((i, '}')) => {
                end = i + 1;
                break;
            }
            Some((i, c)) if c.is_ascii_hexdigit() && digits.len() < 6 => {
                digits.push(c);
                end = i + 1;
            }
            Some((i, c)) => return Err(malformed(i + c.len_utf8())),
            None => return Err(malformed(end.max(raw.len()))),
        }
    }
    if digits.is_empty() {
        return Err(malformed(end));
    }
    let code = u32::from_str_radix(&digits, 16).map_err(|_| malformed(end))?;
    char::from_u32(code).ok_or_else(|| EscapeError {
        start: at,
        end,
        message: format!("`\\u{{{digits}}}` is not a Unicode character"),
        label: "not a Unicode scalar value",
    })
}

impl EscapeError {
    /// The diagnostic for this error in a string whose raw text starts at `raw_start`.
    pub fn into_diagnostic(self, ctx: &Ctx<'_>, raw_start: usize) -> Diagnostic {
        let span = ctx.span_of(raw_start + self.start, raw_start + self.end);
        Diagnostic::error(Code::Syntax, self.message)
            .with_label(ctx.sources, span, self.label)
            .with_help(ESCAPE_HELP)
    }
}

/// A `string` pair to a [`StrLit`].
pub(crate) fn build_string(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<StrLit> {
    let span = ctx.span(&pair);
    // The text between the quotes.
    let raw_start = pair.as_span().start() + 1;
    let quoted = pair.as_str();
    let Some(raw) = quoted.get(1..quoted.len().saturating_sub(1)) else {
        return ctx.bug(span, "string without quotes");
    };
    match unescape(raw, None) {
        Ok(value) => Some(StrLit {
            value,
            raw: raw.to_string(),
            span,
        }),
        Err(e) => {
            let d = e.into_diagnostic(ctx, raw_start);
            ctx.push(d);
            None
        }
    }
}

/// A `number` pair to a [`NumLit`]: `%` divides by 100; a value too large for a float is an
/// error rather than infinity.
pub(crate) fn build_number(ctx: &mut Ctx<'_>, pair: Pair<'_, Rule>) -> Built<NumLit> {
    let span = ctx.span(&pair);
    let raw = pair.as_str();
    let (digits, percent) = match raw.strip_suffix('%') {
        Some(d) => (d, true),
        None => (raw, false),
    };
    let Ok(value) = digits.parse::<f64>() else {
        return ctx.bug(span, "number the grammar accepted but Rust could not read");
    };
    let value = if percent { value / 100.0 } else { value };
    if !value.is_finite() {
        let d = Diagnostic::error(Code::Syntax, "number out of range")
            .with_label(ctx.sources, span, "too large to represent")
            .with_help("numbers must fit a 64-bit float (at most about 1.8e308)");
        ctx.push(d);
        return None;
    }
    Some(NumLit {
        value,
        raw: raw.to_string(),
        span,
    })
}

#[cfg(test)]
#[path = "literals_tests.rs"]
mod tests;
