//! State shared by the builders: where the parsed text sits in its source file, and the
//! diagnostics gathered so far.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Sources;
use crate::span::{FileId, Span};

use super::grammar::Rule;
use super::limits::MAX_EXPR_DEPTH;

/// How offsets in the text pest parsed map to offsets in the source file.
#[derive(Clone, Copy)]
pub(crate) enum Origin<'m> {
    /// The parsed text is the source from `base` on.
    Direct { base: usize },
    /// The parsed text is `value[offset..]`, where `value` is an unescaped string literal whose
    /// raw text starts at `raw_start` in the source, and `map[i]` is the raw offset that
    /// produced byte `i` of `value` (`map[value.len()]` is the raw length).
    Unescaped {
        raw_start: usize,
        offset: usize,
        map: &'m [u32],
    },
}

/// The builders' context: one per parsed text (a file, or an interpolation in a message).
pub(crate) struct Ctx<'a> {
    pub sources: &'a Sources,
    pub file: FileId,
    pub origin: Origin<'a>,
    pub diags: Vec<Diagnostic>,
}

/// A builder's "no value": the reason is already in [`Ctx::diags`].
pub(crate) type Built<T> = Option<T>;

impl<'a> Ctx<'a> {
    pub fn new(sources: &'a Sources, file: FileId, origin: Origin<'a>) -> Ctx<'a> {
        Ctx {
            sources,
            file,
            origin,
            diags: Vec::new(),
        }
    }

    /// The source offset of an offset in the parsed text.
    pub fn offset(&self, local: usize) -> usize {
        match self.origin {
            Origin::Direct { base } => base + local,
            Origin::Unescaped {
                raw_start,
                offset,
                map,
            } => {
                let raw = map
                    .get(offset + local)
                    .or_else(|| map.last())
                    .map_or(0, |&r| r as usize);
                raw_start + raw
            }
        }
    }

    /// The source span of a local byte range.
    pub fn span_of(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.offset(start), self.offset(end))
    }

    /// The source span of a pair, without the whitespace and comments pest lets a rule
    /// swallow after its last part (a rule ending in `x*` or `x?` takes the layout it skipped
    /// before trying `x`). Swallowed layout ends in whitespace, or in a comment that runs to the
    /// end of the text, so any other pair ends where pest says. Otherwise the true end is the
    /// end of the last child, found by descending to a leaf; that walk follows one path, at
    /// most a few rules per bracket.
    pub fn span(&self, pair: &pest::iterators::Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let swallowed = s.end() == s.get_input().len()
            || s.as_str()
                .bytes()
                .last()
                .is_some_and(|b| b.is_ascii_whitespace());
        if !swallowed {
            return self.span_of(s.start(), s.end());
        }
        let mut last = pair.clone();
        while let Some(child) = last.clone().into_inner().next_back() {
            last = child;
        }
        self.span_of(s.start(), last.as_span().end())
    }

    /// A pair's source span as pest gives it: exact for a rule that ends with a required part
    /// (atomic rules, and rules ending in a token such as `)`), but including trailing layout
    /// for one that ends in `x*` or `x?`; such spans serve only for reports of internal errors.
    pub fn raw_span(&self, pair: &pest::iterators::Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        self.span_of(s.start(), s.end())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Report a grammar/builder mismatch (a bug, never the author's fault) and give up on the
    /// current node.
    pub fn bug<T>(&mut self, span: Span, what: &str) -> Built<T> {
        let d = Diagnostic::error(Code::Internal, format!("internal parser error: {what}"))
            .with_label(self.sources, span, "while reading this")
            .with_help(
                "this is a bug in Tollgate; please report it with the policy that caused it",
            );
        self.diags.push(d);
        None
    }

    /// The next pair of `pairs`, skipping punctuation; a missing pair is a bug.
    pub fn next<'i>(
        &mut self,
        pairs: &mut pest::iterators::Pairs<'i, Rule>,
        parent: Span,
        what: &str,
    ) -> Built<pest::iterators::Pair<'i, Rule>> {
        match pairs.find(|p| !is_punctuation(p.as_rule())) {
            Some(p) => Some(p),
            None => self.bug(parent, &format!("missing {what}")),
        }
    }

    /// Check an expression's depth against [`MAX_EXPR_DEPTH`]; `at` is the operator or bracket
    /// that made it too deep.
    pub fn check_depth(&mut self, depth: usize, at: Span) -> Built<()> {
        if depth <= MAX_EXPR_DEPTH {
            return Some(());
        }
        let d = Diagnostic::error(
            Code::Limit,
            format!("expression nested deeper than {MAX_EXPR_DEPTH} levels"),
        )
        .with_label(
            self.sources,
            at,
            format!("the expression is more than {MAX_EXPR_DEPTH} levels deep here"),
        )
        .with_help(format!(
            "split the expression: name parts of it with `let` and combine the names \
             (a chain of `and`, `or`, `not` or arithmetic counts one level per operator; the \
             limit guards the stack and is fixed: MAX_EXPR_DEPTH = {MAX_EXPR_DEPTH} in \
             src/syntax/limits.rs)"
        ));
        self.diags.push(d);
        None
    }
}

/// Punctuation pairs exist only for error messages; builders skip them.
pub(crate) fn is_punctuation(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::lbrace
            | Rule::rbrace
            | Rule::lparen
            | Rule::rparen
            | Rule::lbracket
            | Rule::rbracket
            | Rule::comma
            | Rule::eq_sign
    )
}
