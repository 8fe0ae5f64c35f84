//! Failed parses in words a policy author knows. Pest's expected-rule sets are translated into
//! phrases ("an expression", "`when` or `unless`"), the offending token is quoted, and common
//! mistakes get help that says what to write instead. No grammar rule name reaches the user.

use pest::error::{ErrorVariant, InputLocation};

use crate::diagnostic::{Code, Diagnostic};
use crate::span::Span;

use super::context::Ctx;
use super::grammar::Rule;
use super::keywords::{did_you_mean, is_reserved};
use super::lexical::{closing, LexProblem};
use super::limits::MAX_BRACKET_DEPTH;

/// What the parsed text was, for naming its end.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextKind {
    File,
    Expression,
    Interpolation,
}

impl TextKind {
    fn end(self) -> &'static str {
        match self {
            TextKind::File => "the end of the file",
            TextKind::Expression => "the end of the expression",
            TextKind::Interpolation => "the end of the interpolation (`}`)",
        }
    }
}

/// One thing the parser would have accepted, in the order phrases are listed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Expect {
    Operator,
    Not,
    In,
    Expression,
    Name,
    Title,
    Str,
    Json,
    WhenUnless,
    Outcome,
    RuleStatus,
    Fired,
    From,
    Direction,
    Is,
    Better,
    Adjustment,
    AdjustMethod,
    By,
    Equals,
    LParen,
    LBrace,
    Comma,
    RParen,
    RBracket,
    HeaderField,
    RuleStmt,
    TestStmt,
    RBrace,
    Item,
    End,
}

fn classify(rule: Rule) -> Option<Expect> {
    use Rule as R;
    Some(match rule {
        R::file
        | R::policy_item
        | R::import_item
        | R::trust_item
        | R::metric_item
        | R::let_item
        | R::rule_item
        | R::test_item
        | R::kw_policy
        | R::kw_import
        | R::kw_trust
        | R::kw_metric
        | R::kw_let
        | R::kw_rule
        | R::kw_test => Expect::Item,
        R::header_field | R::header_key => Expect::HeaderField,
        R::clause
        | R::missing_stmt
        | R::waivable_stmt
        | R::message_stmt
        | R::kw_missing
        | R::kw_waivable
        | R::kw_message => Expect::RuleStmt,
        R::evidence_stmt
        | R::now_stmt
        | R::expect_stmt
        | R::kw_evidence
        | R::kw_now
        | R::kw_expect => Expect::TestStmt,
        R::decl_name => Expect::Name,
        R::string => Expect::Str,
        R::json_object | R::json_string | R::json_comment => Expect::Json,
        R::expr
        | R::expr_only
        | R::neg
        | R::call
        | R::paren
        | R::list
        | R::boolean
        | R::severity
        | R::number
        | R::name
        | R::kw_true
        | R::kw_false
        | R::kw_info
        | R::kw_low
        | R::kw_medium
        | R::kw_high
        | R::kw_critical => Expect::Expression,
        R::cmp_op | R::not_in | R::add_op | R::mul_op | R::kw_and | R::kw_or | R::kw_where => {
            Expect::Operator
        }
        R::kw_not => Expect::Not,
        R::kw_in => Expect::In,
        R::kw_when | R::kw_unless => Expect::WhenUnless,
        R::outcome | R::kw_pass | R::kw_warn | R::kw_review | R::kw_block => Expect::Outcome,
        R::rule_status | R::kw_waived | R::kw_passed => Expect::RuleStatus,
        R::kw_fired => Expect::Fired,
        R::kw_from => Expect::From,
        R::direction | R::kw_higher | R::kw_lower => Expect::Direction,
        R::kw_is => Expect::Is,
        R::kw_better => Expect::Better,
        R::adjustment | R::kw_adjusted => Expect::Adjustment,
        R::adjust_method | R::kw_holm | R::kw_bh => Expect::AdjustMethod,
        R::kw_by => Expect::By,
        R::eq_sign => Expect::Equals,
        R::lparen => Expect::LParen,
        R::lbrace => Expect::LBrace,
        R::comma => Expect::Comma,
        R::rparen => Expect::RParen,
        R::rbracket => Expect::RBracket,
        R::rbrace => Expect::RBrace,
        R::lbracket => Expect::Expression,
        R::EOI => Expect::End,
        // `word` fails on its own only in the lookahead that tells a call from a name, where
        // `name` is tried too and says it better.
        R::kw_family
        | R::word
        | R::bom
        | R::WHITESPACE
        | R::COMMENT
        | R::word_char
        | R::reserved => return None,
        // Silent rules: never in an error, their parts are.
        R::item
        | R::rule_stmt
        | R::test_stmt
        | R::operand
        | R::logic_op
        | R::value_op
        | R::cmp_sym
        | R::primary => return None,
    })
}

fn phrase(e: Expect, kind: TextKind) -> &'static str {
    match e {
        Expect::Item => "an item (`policy`, `import`, `metric`, `let`, `rule`, `test`)",
        Expect::HeaderField => "a header field (`version`, `owner`, `description`)",
        Expect::RuleStmt => {
            "a rule statement (`block when …`, `review when …`, `warn when …`, `missing …`, \
             `waivable by …`, `message …`)"
        }
        Expect::TestStmt => "a test statement (`evidence …`, `now …`, `expect …`)",
        Expect::Name => "a name",
        Expect::Title => "a title in double quotes",
        Expect::Str => "a string in double quotes",
        Expect::Json => "an inline JSON object",
        Expect::Expression => "an expression",
        Expect::Operator => "an operator (such as `>`, `+`, `and`, `or`)",
        Expect::Not => "`not`",
        Expect::In => "`in` (after `not`, as in `x not in list`)",
        Expect::WhenUnless => "`when` or `unless`",
        Expect::Outcome => "an outcome (`pass`, `warn`, `review`, `block`)",
        Expect::RuleStatus => "a rule status (`fired`, `missing`, `waived`, `passed`, `not fired`)",
        Expect::Fired => "`fired`",
        Expect::From => "`from`",
        Expect::Direction => "`higher is better` or `lower is better`",
        Expect::Is => "`is`",
        Expect::Better => "`better`",
        Expect::Adjustment => "`adjusted by holm` or `adjusted by bh`",
        Expect::AdjustMethod => "`holm` or `bh`",
        Expect::By => "`by`",
        Expect::Equals => "`=`",
        Expect::LParen => "`(`",
        Expect::LBrace => "`{`",
        Expect::Comma => "`,`",
        Expect::RParen => "`)`",
        Expect::RBracket => "`]`",
        Expect::RBrace => "`}`",
        Expect::End => kind.end(),
    }
}

/// The expectations behind a set of rules, simplified: what an author would call them.
fn expectations(positives: &[Rule]) -> Vec<Expect> {
    let mut set: Vec<Expect> = positives.iter().filter_map(|r| classify(*r)).collect();
    set.sort();
    set.dedup();
    let has = |set: &[Expect], e: Expect| set.contains(&e);
    // After a complete name, `(` would make it a call; that is an operator-like continuation.
    // `not` alone is the start of `not in` (an operator) or of `expect not fired`.
    if has(&set, Expect::Operator) {
        set.retain(|e| !matches!(e, Expect::LParen | Expect::Not | Expect::In));
    }
    if has(&set, Expect::RuleStatus) {
        set.retain(|e| !matches!(e, Expect::Not | Expect::Fired));
    }
    // An expression may be a string or start with `not` or `(`; "an expression" covers them.
    if has(&set, Expect::Expression) {
        set.retain(|e| !matches!(e, Expect::Str | Expect::Not | Expect::LParen));
    }
    // Where an item may start, the file may also end; listing both is noise.
    if has(&set, Expect::Item) {
        set.retain(|e| *e != Expect::End);
    }
    // A name being declared may be followed by the rule's title or its body.
    if has(&set, Expect::LBrace) && has(&set, Expect::Str) {
        set.retain(|e| *e != Expect::Str);
        set.push(Expect::Title);
        set.sort();
    }
    set
}

fn join(phrases: &[&str]) -> String {
    match phrases {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The token at `at` in `text`: its byte range and how to name it.
fn token_at(text: &str, at: usize, kind: TextKind) -> (usize, usize, String) {
    let rest = text.get(at..).unwrap_or("");
    let Some(c) = rest.chars().next() else {
        return (at, at, kind.end().to_string());
    };
    let len = if c.is_ascii_alphanumeric() || c == '_' {
        rest.find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.' || ch == '%'))
            .unwrap_or(rest.len())
    } else if c == '"' {
        let body = rest.get(1..).unwrap_or("");
        body.find(['"', '\n', '\r']).map_or(rest.len(), |n| {
            if body.get(n..n + 1) == Some("\"") {
                n + 2
            } else {
                n + 1
            }
        })
    } else if ["==", "!=", "<=", ">=", "&&", "||"]
        .iter()
        .any(|op| rest.starts_with(op))
    {
        2
    } else {
        c.len_utf8()
    };
    let tok = rest.get(..len).unwrap_or("");
    let name = if c == '"' {
        "a string".to_string()
    } else if tok.chars().count() > 40 {
        format!("`{}…`", tok.chars().take(40).collect::<String>())
    } else {
        format!("`{tok}`")
    };
    (at, at + len, name)
}

/// A pest failure as a diagnostic. `text` is what pest parsed; positions map through `ctx`.
pub(crate) fn from_pest(
    ctx: &Ctx<'_>,
    text: &str,
    kind: TextKind,
    err: &pest::error::Error<Rule>,
) -> Diagnostic {
    let at = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let positives = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.as_slice(),
        ErrorVariant::CustomError { .. } => {
            // pest's own stack or call limit: the bracket scan should have caught this first.
            let span = ctx.span_of(at, at);
            return Diagnostic::error(Code::Limit, "the policy is nested too deeply to parse")
                .with_label(ctx.sources, span, "while reading this")
                .with_help("split deeply nested expressions with `let`");
        }
    };
    let (start, end, found) = token_at(text, at, kind);
    let mut span = ctx.span_of(start, end);
    if kind == TextKind::Interpolation && start == end {
        // The end of an interpolation is its closing `}`: point at it.
        span.end = span.start + 1;
    }
    let expected = expectations(positives);
    let word = text.get(start..end).unwrap_or("");

    if let Some(d) = special_case(ctx, span, text, at, word, &expected) {
        return d;
    }

    let listed: Vec<&str> =
        if expected.contains(&Expect::Operator) && expected.contains(&Expect::RuleStmt) {
            // After a complete condition: it may go on, or the clause may end.
            vec!["a comparison", "`and`", "`or`", "the end of the clause"]
        } else {
            expected.iter().map(|e| phrase(*e, kind)).collect()
        };
    let message = if listed.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join(&listed))
    };
    let label = match listed[..] {
        ["an expression"] => match previous_token(text, start) {
            Some(prev) => format!("expected an expression after `{prev}`"),
            None => "expected an expression".to_string(),
        },
        [one] if one.len() <= 40 => format!("expected {one}"),
        _ if start == end => "unexpected end".to_string(),
        _ => format!("unexpected {found}"),
    };
    let mut d = Diagnostic::error(Code::Syntax, message).with_label(ctx.sources, span, label);
    if let Some(help) = spaced_percent(text, start, word).or_else(|| help_for(word, &expected)) {
        d = d.with_help(help);
    }
    d
}

/// `2 %`: a `%` is part of the number it follows, so a space before it is the whole mistake.
fn spaced_percent(text: &str, start: usize, word: &str) -> Option<String> {
    if word != "%" {
        return None;
    }
    let before = text.get(..start)?;
    let number = before.trim_end();
    if number.len() == before.len() {
        return None;
    }
    let digits = number
        .rsplit(|c: char| !(c.is_ascii_digit() || c == '.'))
        .next()
        .filter(|d| !d.is_empty())?;
    Some(format!(
        "write `{digits}%` with no space: a `%` belongs to the number it follows"
    ))
}

/// The operator or word just before `at`, when it is one an expression follows.
fn previous_token(text: &str, at: usize) -> Option<&str> {
    let before = text.get(..at)?.trim_end();
    let is_op = |c: char| "=!<>+-*/".contains(c);
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let last = before.chars().last()?;
    let token = if is_op(last) {
        let start = before.trim_end_matches(is_op).len();
        before.get(start..)?
    } else if is_word(last) {
        let start = before.trim_end_matches(is_word).len();
        before.get(start..)?
    } else {
        before.get(before.len() - last.len_utf8()..)?
    };
    let known = ["and", "or", "not", "in", "where", "when", "unless"];
    (is_op(last) || known.contains(&token) || matches!(last, '(' | '[' | ',' | '='))
        .then_some(token)
}

/// Mistakes common enough to deserve their own message.
fn special_case(
    ctx: &Ctx<'_>,
    span: Span,
    text: &str,
    at: usize,
    word: &str,
    expected: &[Expect],
) -> Option<Diagnostic> {
    let rest = text.get(at..).unwrap_or("");
    let wants_expr = expected.contains(&Expect::Expression);
    let syntax = |msg: String, label: &str, help: String| {
        Some(
            Diagnostic::error(Code::Syntax, msg)
                .with_label(ctx.sources, span, label)
                .with_help(help),
        )
    };
    if wants_expr
        && rest.starts_with('.')
        && rest
            .get(1..2)
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
    {
        let digits: String = rest
            .chars()
            .skip(1)
            .take_while(char::is_ascii_digit)
            .collect();
        let span = ctx.span_of(at, at + 1 + digits.len());
        return Some(
            Diagnostic::error(Code::Syntax, "a number cannot start with `.`")
                .with_label(ctx.sources, span, "not a number")
                .with_help(format!("write `0.{digits}`")),
        );
    }
    if (wants_expr || expected.contains(&Expect::Name)) && is_reserved(word) {
        let what = match word {
            "pass" | "warn" | "review" | "block" => format!(
                "`{word}` is an outcome, not a value; outcomes appear only at the start of a \
                 clause, after `missing` and after `expect`"
            ),
            "not" if wants_expr => "`not` applies to a whole condition and binds looser than \
                 comparisons and arithmetic; put it in parentheses here, as in `a == (not b)`"
                .to_string(),
            "and" | "or" | "where" | "in" if wants_expr => {
                format!("`{word}` needs an expression on each side; one is missing before it")
            }
            _ => format!("`{word}` is a reserved word and cannot be used as a name"),
        };
        return syntax(
            format!(
                "expected {}, found the reserved word `{word}`",
                if wants_expr {
                    "an expression"
                } else {
                    "a name"
                }
            ),
            "reserved word",
            what,
        );
    }
    if rest.starts_with('\'') {
        return syntax(
            "strings use double quotes".into(),
            "single quote",
            "write \"…\" instead of '…'".into(),
        );
    }
    if expected.contains(&Expect::RuleStmt) && word == "pass" {
        return syntax(
            "`pass` cannot start a clause".into(),
            "not a clause severity",
            "a clause is `block`, `review` or `warn` with `when` or `unless`; a rule passes when none of its clauses fires".into(),
        );
    }
    None
}

/// Help for an unexpected token, given what was expected.
fn help_for(word: &str, expected: &[Expect]) -> Option<String> {
    let has = |e| expected.contains(&e);
    if has(Expect::Operator) {
        match word {
            "=" => return Some("to compare, write `==`".into()),
            "&&" => return Some("write `and`".into()),
            "||" => return Some("write `or`".into()),
            _ => {}
        }
    }
    if word == "!" {
        return Some("write `not` (or `!=` to compare)".into());
    }
    if word == ";" {
        return Some("statements need no `;`: remove it".into());
    }
    let keyword_sets: [(Expect, &[&str]); 6] = [
        (
            Expect::Item,
            &["policy", "import", "trust", "metric", "let", "rule", "test"],
        ),
        (
            Expect::RuleStmt,
            &["block", "review", "warn", "missing", "waivable", "message"],
        ),
        (Expect::TestStmt, &["evidence", "now", "expect"]),
        (Expect::HeaderField, &["version", "owner", "description"]),
        (Expect::Outcome, &["pass", "warn", "review", "block"]),
        (Expect::WhenUnless, &["when", "unless"]),
    ];
    for (e, words) in keyword_sets {
        if has(e) {
            if let Some(s) = did_you_mean(word, words) {
                return Some(format!("did you mean `{s}`?"));
            }
        }
    }
    if has(Expect::WhenUnless) {
        return Some(
            "a clause is a severity, then `when` or `unless`, then a condition: `block when …`, \
             `review unless …`"
                .into(),
        );
    }
    if has(Expect::Operator) && has(Expect::RuleStmt) {
        return Some(
            "a clause's condition ends where its expression ends; every rule statement starts with \
             `block`, `review`, `warn`, `missing`, `waivable` or `message`"
                .into(),
        );
    }
    if has(Expect::Item) {
        return Some(
            "every item starts with `policy`, `import`, `metric`, `let`, `rule` or `test`".into(),
        );
    }
    if has(Expect::Expression) {
        return Some(
            "an expression is a name, a number (`0.5`, `5%`), a string, `true`/`false`, a severity, \
             a list `[…]`, a call such as `count(flags)`, or these joined by operators"
                .into(),
        );
    }
    if has(Expect::Str) {
        return Some("write the text between double quotes, as in \"text\"".into());
    }
    None
}

/// A problem found by the bracket-and-string scan as a diagnostic (offsets are local).
pub(crate) fn from_lex(ctx: &Ctx<'_>, problem: &LexProblem) -> Diagnostic {
    let ch = |b: u8| char::from(b);
    match *problem {
        LexProblem::UnterminatedString { start, end } => Diagnostic::error(Code::Syntax, "unterminated string")
            .with_label(ctx.sources, ctx.span_of(start, end.max(start + 1)), "this string has no closing `\"`")
            .with_help("close the string with `\"` on the same line; write `\\n` for a line break and `\\\"` for a quote"),
        LexProblem::Unclosed { open, ch: c } => {
            Diagnostic::error(Code::Syntax, format!("unclosed `{}`", ch(c)))
                .with_label(ctx.sources, ctx.span_of(open, open + 1), format!("this `{}` is never closed", ch(c)))
                .with_help(format!("add the matching `{}`", ch(closing(c))))
        }
        LexProblem::Unmatched { close, ch: c } => {
            Diagnostic::error(Code::Syntax, format!("unmatched `{}`", ch(c)))
                .with_label(ctx.sources, ctx.span_of(close, close + 1), "nothing opens this")
                .with_help("remove it, or add the bracket that opens it")
        }
        LexProblem::Mismatched { open, open_ch, close, close_ch } => Diagnostic::error(
            Code::Syntax,
            format!("expected `{}`, found `{}`", ch(closing(open_ch)), ch(close_ch)),
        )
        .with_label(ctx.sources, ctx.span_of(close, close + 1), format!("`{}` expected here", ch(closing(open_ch))))
        .with_label(ctx.sources, ctx.span_of(open, open + 1), format!("to close this `{}`", ch(open_ch)))
        .with_help(format!("close the `{}` with `{}` first", ch(open_ch), ch(closing(open_ch)))),
        LexProblem::TooDeep { open } => Diagnostic::error(
            Code::Limit,
            format!("expression nesting deeper than {MAX_BRACKET_DEPTH} levels"),
        )
        .with_label(ctx.sources, ctx.span_of(open, open + 1), format!("bracket {} levels deep", MAX_BRACKET_DEPTH + 1))
        .with_help(format!(
            "split it with `let`: name the inner parts and use the names (the limit guards the \
             parser's stack and is fixed: MAX_BRACKET_DEPTH = {MAX_BRACKET_DEPTH} in \
             src/syntax/limits.rs)"
        )),
    }
}
