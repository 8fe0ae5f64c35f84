//! The typed syntax tree of one `.gate` file. Every node carries its [`Span`]; spans compare
//! equal to each other, so `==` on trees ignores layout (see [`crate::span::Span`]).
//!
//! The tree keeps what the author wrote (statement order, number and string spelling,
//! parentheses, comments) so that the formatter can print it back and `diff` can quote it.

use crate::levels::{Direction, Outcome, Severity};
use crate::span::Span;

/// One parsed file: its items in source order and every comment in it.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
    /// Comments in source order. Not part of the meaning; the formatter places them.
    pub comments: Vec<Comment>,
}

/// A `# …` comment. `text` starts at the `#` and excludes the line break.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal: `value` is unescaped, `raw` is the source text between the quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub raw: String,
    pub span: Span,
}

/// A number literal: `value` has any `%` applied (`5%` is 0.05), `raw` is as written.
#[derive(Debug, Clone, PartialEq)]
pub struct NumLit {
    pub value: f64,
    pub raw: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Policy(PolicyHeader),
    Import(Import),
    Trust(Trust),
    Metric(MetricDecl),
    Let(LetDecl),
    Rule(Rule),
    Test(TestBlock),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Policy(i) => i.span,
            Item::Import(i) => i.span,
            Item::Trust(i) => i.span,
            Item::Metric(i) => i.span,
            Item::Let(i) => i.span,
            Item::Rule(i) => i.span,
            Item::Test(i) => i.span,
        }
    }
}

/// `policy "name" { version "…" owner "…" description "…" }`
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyHeader {
    pub name: StrLit,
    /// In source order; the checker rejects a field given twice.
    pub fields: Vec<HeaderField>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeaderField {
    pub key: HeaderKey,
    pub key_span: Span,
    pub value: StrLit,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderKey {
    Version,
    Owner,
    Description,
}

impl HeaderKey {
    pub fn as_str(self) -> &'static str {
        match self {
            HeaderKey::Version => "version",
            HeaderKey::Owner => "owner",
            HeaderKey::Description => "description",
        }
    }
}

/// `import "relative/path.gate"`
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub path: StrLit,
    pub span: Span,
}

/// `trust "relative/allowed_signers"` (TRUST.md section 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Trust {
    pub path: StrLit,
    pub span: Span,
}

/// `metric [family] NAME from "key" [higher|lower is better] [adjusted by holm|bh]`
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDecl {
    pub name: Ident,
    /// `metric family`: `key` is a glob where `*` matches any run of characters.
    pub family: bool,
    pub key: StrLit,
    pub direction: Option<DirectionSpec>,
    /// `adjusted by holm|bh` (the checker admits it on a family only).
    pub adjustment: Option<AdjustmentSpec>,
    pub span: Span,
}

/// `adjusted by holm`, with where it was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdjustmentSpec {
    pub method: crate::stats::Adjustment,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DirectionSpec {
    pub direction: Direction,
    pub span: Span,
}

/// `let NAME = EXPR`
#[derive(Debug, Clone, PartialEq)]
pub struct LetDecl {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `rule ID ["Title"] { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: Ident,
    pub title: Option<StrLit>,
    /// Statements in source order; the checker enforces "at least one clause" and "at most
    /// one `missing`, `waivable by` and `message`".
    pub body: Vec<RuleStmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleStmt {
    Clause(Clause),
    Missing(MissingStmt),
    Waivable(WaivableStmt),
    Message(MessageStmt),
}

impl RuleStmt {
    pub fn span(&self) -> Span {
        match self {
            RuleStmt::Clause(s) => s.span,
            RuleStmt::Missing(s) => s.span,
            RuleStmt::Waivable(s) => s.span,
            RuleStmt::Message(s) => s.span,
        }
    }
}

/// `SEVERITY when EXPR` or `SEVERITY unless EXPR`.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// `warn`, `review` or `block` (the grammar admits nothing else).
    pub outcome: Outcome,
    pub outcome_span: Span,
    pub kind: ClauseKind,
    pub condition: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseKind {
    When,
    Unless,
}

impl ClauseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseKind::When => "when",
            ClauseKind::Unless => "unless",
        }
    }
}

/// `missing OUTCOME`
#[derive(Debug, Clone, PartialEq)]
pub struct MissingStmt {
    pub outcome: Outcome,
    pub outcome_span: Span,
    pub span: Span,
}

/// `waivable by "role", "role"…`
#[derive(Debug, Clone, PartialEq)]
pub struct WaivableStmt {
    pub roles: Vec<StrLit>,
    pub span: Span,
}

/// `message "template"`: `{expr}` parts are parsed at parse time.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageStmt {
    pub template: StrLit,
    pub parts: Vec<TemplatePart>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Literal text, with `{{`/`}}` already turned into single braces.
    Text(String),
    /// An interpolated expression; its spans point inside the string literal.
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Number(NumLit),
    Str(StrLit),
    Bool(bool),
    Severity(Severity),
    List(Vec<Expr>),
    /// A bare name: metric, family, let, `flags`, `stage`, or an element field inside `where`.
    Name(Ident),
    /// `f(args…)`
    Call {
        func: Ident,
        args: Vec<Expr>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `collection where predicate`
    Where {
        collection: Box<Expr>,
        predicate: Box<Expr>,
    },
    /// Parentheses as written, kept so the formatter prints them back.
    Paren(Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

/// `test "name" { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct TestBlock {
    pub name: StrLit,
    pub body: Vec<TestStmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TestStmt {
    /// `evidence "path"`, relative to the file holding the test.
    EvidenceFile { path: StrLit, span: Span },
    /// `evidence { …json… }`: `json` is the object's source text, braces included.
    EvidenceInline {
        json: String,
        json_span: Span,
        span: Span,
    },
    /// `now "RFC 3339"`
    Now { time: StrLit, span: Span },
    /// `expect pass|warn|review|block`
    ExpectDecision { outcome: Outcome, span: Span },
    /// `expect fired|missing|waived|passed ID` and `expect not fired ID`
    ExpectRule {
        expectation: RuleExpectation,
        rule: Ident,
        span: Span,
    },
}

impl TestStmt {
    pub fn span(&self) -> Span {
        match self {
            TestStmt::EvidenceFile { span, .. }
            | TestStmt::EvidenceInline { span, .. }
            | TestStmt::Now { span, .. }
            | TestStmt::ExpectDecision { span, .. }
            | TestStmt::ExpectRule { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleExpectation {
    Fired,
    Missing,
    Waived,
    Passed,
    NotFired,
}

impl RuleExpectation {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleExpectation::Fired => "fired",
            RuleExpectation::Missing => "missing",
            RuleExpectation::Waived => "waived",
            RuleExpectation::Passed => "passed",
            RuleExpectation::NotFired => "not fired",
        }
    }
}
