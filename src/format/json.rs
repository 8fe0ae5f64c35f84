//! Inline JSON evidence (`evidence { … }` in a test), printed like the rest: `{ "a": 1 }` and
//! `[1, 2]` when they fit and their author wrote them on one line, else one member a line at
//! two more columns. An object whose only member holds an object or array, and an array
//! whose only element is one, wrap it without a line of their own:
//! `{ "metrics": {` … `} }`, `[{` … `}]`. Keys, strings and numbers are kept as written;
//! comments stay between the members they were written among.
//!
//! Text that is not JSON in shape (the evidence loader will say why) keeps its own lines,
//! re-indented as a block.

use crate::span::Span;

use super::doc::{concat, group_if, nest, text, Doc};
use super::expr::{place_end_notes, place_notes};
use super::layout::{Fmt, INDENT};
use super::notes::breaks_between;

/// A JSON value by source offsets.
enum Value {
    Object {
        open: usize,
        close: usize,
        members: Vec<(Token, Value)>,
    },
    Array {
        open: usize,
        close: usize,
        elements: Vec<Value>,
    },
    Scalar(Token),
}

impl Value {
    fn start(&self) -> usize {
        match self {
            Value::Object { open, .. } | Value::Array { open, .. } => *open,
            Value::Scalar(t) => t.start,
        }
    }

    fn end(&self) -> usize {
        match self {
            Value::Object { close, .. } | Value::Array { close, .. } => close + 1,
            Value::Scalar(t) => t.end,
        }
    }

    fn is_container(&self) -> bool {
        !matches!(self, Value::Scalar(_))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Punct(u8),
    Str,
    /// A number, `true`, `false`, `null`, or anything else up to the next delimiter.
    Atom,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

impl Fmt<'_> {
    /// `json` is the object's text with its comments blanked out, found at `span`.
    pub fn json(&mut self, json: &str, span: Span) -> Doc {
        let base = span.start as usize;
        match parse(json, base) {
            Some(value) => self.value(&value),
            None => self.json_as_written(span),
        }
    }

    fn value(&mut self, v: &Value) -> Doc {
        match v {
            Value::Scalar(t) => text(self.slice(t)),
            Value::Object {
                open,
                close,
                members,
            } => {
                if let [(key, value)] = members.as_slice() {
                    if self.may_wrap(*open, *close, value) {
                        let key = self.slice(key).to_string();
                        return concat(vec![
                            text(format!("{{ {key}: ")),
                            self.value(value),
                            text(" }"),
                        ]);
                    }
                }
                let mut inner = Vec::new();
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        inner.push(text(","));
                    }
                    let notes = self.notes.take_before(key.start);
                    place_notes(&mut inner, notes, Doc::Line);
                    inner.push(text(format!("{}: ", self.slice(key))));
                    inner.push(self.value(value));
                }
                self.bracketed(
                    ('{', '}'),
                    Doc::Line,
                    *open,
                    *close,
                    inner,
                    members.is_empty(),
                )
            }
            Value::Array {
                open,
                close,
                elements,
            } => {
                if let [only] = elements.as_slice() {
                    if self.may_wrap(*open, *close, only) {
                        return concat(vec![text("["), self.value(only), text("]")]);
                    }
                }
                let mut inner = Vec::new();
                for (i, e) in elements.iter().enumerate() {
                    if i > 0 {
                        inner.push(text(","));
                    }
                    let notes = self.notes.take_before(e.start());
                    place_notes(&mut inner, notes, Doc::SoftLine);
                    inner.push(self.value(e));
                }
                self.bracketed(
                    ('[', ']'),
                    Doc::SoftLine,
                    *open,
                    *close,
                    inner,
                    elements.is_empty(),
                )
            }
        }
    }

    /// Whether a container holding only `inner` may wrap it (`{ "k": {` … `} }`): `inner` is
    /// an object or array, the author did not break the line after the opening bracket, and
    /// no comment stands between the brackets outside `inner`.
    fn may_wrap(&self, open: usize, close: usize, inner: &Value) -> bool {
        inner.is_container()
            && !breaks_between(self.src, open, inner.start())
            && !self.notes.any_in(open, inner.start())
            && !self.notes.any_in(inner.end(), close)
    }

    /// The brackets around `inner` (the members, each after its separator): on one line when
    /// it fits and the author wrote it so, else one member a line.
    fn bracketed(
        &mut self,
        (left, right): (char, char),
        space: Doc,
        open: usize,
        close: usize,
        mut inner: Vec<Doc>,
        empty: bool,
    ) -> Doc {
        let notes = self.notes.take_before(close);
        if empty && notes.is_empty() {
            return text(format!("{left}{right}"));
        }
        let first = self.first_token_after(open).unwrap_or(close);
        let broken = breaks_between(self.src, open, first);
        place_end_notes(&mut inner, notes);
        let closing = if empty { Doc::SoftLine } else { space };
        group_if(
            concat(vec![
                text(left.to_string()),
                nest(INDENT, concat(inner)),
                closing,
                text(right.to_string()),
            ]),
            broken,
        )
    }

    /// Offset of the first character after `open` that is neither whitespace nor in a comment.
    fn first_token_after(&self, open: usize) -> Option<usize> {
        let rest = self.src.get(open + 1..)?;
        let mut in_comment = false;
        for (i, c) in rest.char_indices() {
            match c {
                '\n' => in_comment = false,
                '#' if !in_comment => in_comment = true,
                c if in_comment || c.is_whitespace() => {}
                _ => return Some(open + 1 + i),
            }
        }
        None
    }

    fn slice(&self, t: &Token) -> &str {
        self.src.get(t.start..t.end).unwrap_or("")
    }

    /// Text that is not JSON in shape: its own lines (comments and all), trailing whitespace
    /// removed, re-indented so that its least indented line after the first sits at the
    /// statement's indentation.
    fn json_as_written(&mut self, span: Span) -> Doc {
        let end = span.end as usize;
        // Its comments are part of the text printed here.
        let _ = self.notes.take_before(end);
        let raw = self.src.get(span.range()).unwrap_or("");
        let lines: Vec<&str> = raw
            .split('\n')
            .map(|l| l.trim_end_matches([' ', '\t', '\r']))
            .collect();
        let indent_of = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
        let least = lines
            .iter()
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|l| indent_of(l))
            .min()
            .unwrap_or(0);
        let mut parts = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                parts.push(text(*line));
                continue;
            }
            let extra = indent_of(line).saturating_sub(least);
            parts.push(nest(
                extra,
                concat(vec![
                    Doc::HardLine,
                    text(line.trim_start_matches([' ', '\t'])),
                ]),
            ));
        }
        concat(parts)
    }
}

/// The JSON value in `json` (offsets shifted by `base`), or `None` when it is not shaped like
/// JSON: a missing colon or comma, a trailing comma, a key that is not a string, text after it.
fn parse(json: &str, base: usize) -> Option<Value> {
    let tokens = tokenize(json, base)?;
    let mut pos = 0;
    let value = parse_value(&tokens, &mut pos)?;
    (pos == tokens.len() && matches!(value, Value::Object { .. })).then_some(value)
}

fn tokenize(json: &str, base: usize) -> Option<Vec<Token>> {
    let bytes = json.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        let kind = match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                i += 1;
                Kind::Punct(b)
            }
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i)? {
                        b'"' => break,
                        b'\\' => i += 2,
                        _ => i += 1,
                    }
                }
                i += 1;
                Kind::Str
            }
            _ => {
                while bytes.get(i).is_some_and(|b| !is_delimiter(*b)) {
                    i += 1;
                }
                Kind::Atom
            }
        };
        tokens.push(Token {
            kind,
            start: base + start,
            end: base + i,
        });
    }
    Some(tokens)
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"'
    )
}

/// Recursion follows bracket nesting, which the parser's lexical scan caps.
fn parse_value(tokens: &[Token], pos: &mut usize) -> Option<Value> {
    let t = *tokens.get(*pos)?;
    *pos += 1;
    match t.kind {
        Kind::Str | Kind::Atom => Some(Value::Scalar(t)),
        Kind::Punct(b'{') => {
            let mut members = Vec::new();
            let close = loop {
                let next = *tokens.get(*pos)?;
                if next.kind == Kind::Punct(b'}') && members.is_empty() {
                    *pos += 1;
                    break next.start;
                }
                if next.kind != Kind::Str {
                    return None;
                }
                *pos += 1;
                expect(tokens, pos, b':')?;
                let value = parse_value(tokens, pos)?;
                members.push((next, value));
                if let Some(close) = separator(tokens, pos, b'}')? {
                    break close;
                }
            };
            Some(Value::Object {
                open: t.start,
                close,
                members,
            })
        }
        Kind::Punct(b'[') => {
            let mut elements = Vec::new();
            let close = loop {
                let next = *tokens.get(*pos)?;
                if next.kind == Kind::Punct(b']') && elements.is_empty() {
                    *pos += 1;
                    break next.start;
                }
                elements.push(parse_value(tokens, pos)?);
                if let Some(close) = separator(tokens, pos, b']')? {
                    break close;
                }
            };
            Some(Value::Array {
                open: t.start,
                close,
                elements,
            })
        }
        Kind::Punct(_) => None,
    }
}

fn expect(tokens: &[Token], pos: &mut usize, punct: u8) -> Option<()> {
    let t = tokens.get(*pos)?;
    *pos += 1;
    (t.kind == Kind::Punct(punct)).then_some(())
}

/// After a member: `Some(Some(offset))` at the closing bracket, `Some(None)` after a comma
/// followed by another member, `None` for anything else (a trailing comma included).
fn separator(tokens: &[Token], pos: &mut usize, closing: u8) -> Option<Option<usize>> {
    let t = *tokens.get(*pos)?;
    *pos += 1;
    match t.kind {
        Kind::Punct(b',') => {
            let next = tokens.get(*pos)?;
            (next.kind != Kind::Punct(closing)).then_some(None)
        }
        Kind::Punct(c) if c == closing => Some(Some(t.start)),
        _ => None,
    }
}
