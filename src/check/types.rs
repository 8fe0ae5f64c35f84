//! Static types of expressions (LANGUAGE.md section 4). Every misuse is reported with its
//! span before any evidence is read.

use std::fmt;

use crate::builtins::{FlagField, Function, MetricField, METRIC_NAME_FIELD};
use crate::diagnostic::{Code, Diagnostic};
use crate::levels::Severity;
use crate::source::Sources;
use crate::span::Span;
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind, UnaryOp};

use super::resolve::{Ranges, Resolution, Resolved};
use super::suggest;
use super::symbols::{Symbol, Symbols, BUILTIN_NAMES};

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Number,
    Bool,
    Str,
    Severity,
    List(Box<Type>),
    /// `[]`: a list whose element type is not known yet; it fits any list.
    EmptyList,
    Flags,
    /// A metric family, or a filtered part of one.
    Metrics {
        family: usize,
    },
    /// A metric name: its value where a number is wanted, itself where a function takes it.
    Metric(usize),
    /// An expression that already produced an error; accepted anywhere to avoid cascades.
    Error,
}

impl Type {
    /// The type the expression has as a value (a metric name stands for its number).
    fn value(self) -> Type {
        match self {
            Type::Metric(_) => Type::Number,
            other => other,
        }
    }

    fn is_scalar(&self) -> bool {
        matches!(
            self,
            Type::Number | Type::Bool | Type::Str | Type::Severity | Type::Error
        )
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Number | Type::Metric(_) => f.write_str("a number"),
            Type::Bool => f.write_str("a boolean"),
            Type::Str => f.write_str("a string"),
            Type::Severity => f.write_str("a severity"),
            Type::List(inner) => write!(f, "a list of {}", plural(inner)),
            Type::EmptyList => f.write_str("an empty list"),
            Type::Flags => f.write_str("a collection of flags"),
            Type::Metrics { .. } => f.write_str("a metric family"),
            Type::Error => f.write_str("an invalid expression"),
        }
    }
}

fn plural(t: &Type) -> &'static str {
    match t {
        Type::Number | Type::Metric(_) => "numbers",
        Type::Bool => "booleans",
        Type::Str => "strings",
        Type::Severity => "severities",
        _ => "values",
    }
}

/// What the bare names inside a `where` predicate refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Top,
    Flag,
    Metric { family: usize },
}

#[derive(Clone, Debug)]
enum LetState {
    Unvisited,
    InProgress,
    Done(Type),
}

/// The type checker for one policy. Collects every error rather than stopping at the first.
pub struct TypeChecker<'a, 's> {
    symbols: &'s Symbols<'a>,
    sources: &'s Sources,
    lets: Vec<LetState>,
    /// Lets in an order where each comes after the lets it uses.
    pub let_order: Vec<usize>,
    /// Names used at least once, for the unused-declaration lint.
    pub used: std::collections::HashSet<Symbol>,
    /// What every name use and every `where` was found to mean.
    pub resolution: Resolution,
    pub errors: Vec<Diagnostic>,
    /// The first `signed("…")` checked, for the note on unauthenticated approvals.
    pub first_signed: Option<Span>,
}

impl<'a, 's> TypeChecker<'a, 's> {
    pub fn new(symbols: &'s Symbols<'a>, sources: &'s Sources) -> Self {
        TypeChecker {
            symbols,
            sources,
            lets: vec![LetState::Unvisited; symbols.lets.len()],
            let_order: Vec::new(),
            used: Default::default(),
            resolution: Resolution::default(),
            errors: Vec::new(),
            first_signed: None,
        }
    }

    fn error(
        &mut self,
        code: Code,
        message: String,
        span: Span,
        label: &str,
        help: Option<String>,
    ) -> Type {
        let mut d = Diagnostic::error(code, message).with_label(self.sources, span, label);
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.errors.push(d);
        Type::Error
    }

    /// Each let's type, once every let is checked (`None` for one left untyped).
    pub fn let_types(&self) -> Vec<Option<Type>> {
        self.lets
            .iter()
            .map(|state| match state {
                LetState::Done(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    }

    /// Check every let, including those no rule uses, so their errors are reported too.
    pub fn check_all_lets(&mut self) {
        for i in 0..self.lets.len() {
            self.let_type(i, None);
        }
    }

    fn let_type(&mut self, index: usize, use_span: Option<Span>) -> Type {
        match self.lets.get(index).cloned() {
            Some(LetState::Done(t)) => t,
            Some(LetState::InProgress) => {
                let Some(decl) = self.symbols.lets.get(index) else {
                    return Type::Error;
                };
                let span = use_span.unwrap_or(decl.name.span);
                let d = Diagnostic::error(
                    Code::LetCycle,
                    format!("`{}` is defined in terms of itself", decl.name.name),
                )
                .with_label(self.sources, span, "this use leads back to the definition")
                .with_help("a `let` may use other lets, but not in a loop; compute the value once and name it")
                .with_related(
                    Diagnostic::error(Code::LetCycle, format!("`{}` is defined here", decl.name.name))
                        .with_label(self.sources, decl.name.span, "definition"),
                );
                self.errors.push(d);
                // Mark it done so the cycle is reported once, not at every use.
                if let Some(state) = self.lets.get_mut(index) {
                    *state = LetState::Done(Type::Error);
                }
                Type::Error
            }
            Some(LetState::Unvisited) => {
                let Some(decl) = self.symbols.lets.get(index).copied() else {
                    return Type::Error;
                };
                if let Some(state) = self.lets.get_mut(index) {
                    *state = LetState::InProgress;
                }
                let t = self.expr(&decl.value, Scope::Top).value();
                // A cycle found below may already have settled this let as an error.
                if let Some(state) = self.lets.get_mut(index) {
                    if matches!(state, LetState::InProgress) {
                        *state = LetState::Done(t.clone());
                        self.let_order.push(index);
                        return t;
                    }
                }
                if !self.let_order.contains(&index) {
                    self.let_order.push(index);
                }
                Type::Error
            }
            None => Type::Error,
        }
    }

    /// A condition: must be a boolean.
    pub fn condition(&mut self, expr: &Expr, what: &str) {
        let t = self.expr(expr, Scope::Top).value();
        if t != Type::Bool && t != Type::Error {
            self.error(
                Code::Type,
                format!("{what} must be true or false, but this is {t}"),
                expr.span,
                "not a condition",
                Some("compare it with something, for example `… > 0.05`".into()),
            );
        }
    }

    /// An interpolation in a message: any scalar value.
    pub fn interpolation(&mut self, expr: &Expr) {
        let t = self.expr(expr, Scope::Top).value();
        if !t.is_scalar() {
            self.error(
                Code::Type,
                format!("a message can show a number, string, boolean or severity, not {t}"),
                expr.span,
                "cannot be shown in a message",
                matches!(t, Type::Flags | Type::Metrics { .. })
                    .then(|| "wrap the collection in `count(…)`".to_string()),
            );
        }
    }

    pub fn expr(&mut self, expr: &Expr, scope: Scope) -> Type {
        match &expr.kind {
            ExprKind::Number(_) => Type::Number,
            ExprKind::Str(_) => Type::Str,
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::Severity(_) => Type::Severity,
            ExprKind::Paren(inner) => self.expr(inner, scope),
            ExprKind::List(items) => self.list(items, scope),
            ExprKind::Name(ident) => self.name(ident, scope),
            ExprKind::Call { func, args } => self.call(func, args, expr.span, scope),
            ExprKind::Unary { op, operand } => self.unary(*op, operand, scope),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, expr.span, scope),
            ExprKind::Where {
                collection,
                predicate,
            } => self.where_(collection, predicate, expr.span, scope),
        }
    }

    fn list(&mut self, items: &[Expr], scope: Scope) -> Type {
        let mut element: Option<Type> = None;
        for item in items {
            let t = self.expr(item, scope).value();
            if t == Type::Error {
                continue;
            }
            if !t.is_scalar() {
                return self.error(
                    Code::Type,
                    format!(
                        "list elements must be numbers, strings, booleans or severities, not {t}"
                    ),
                    item.span,
                    "not allowed in a list",
                    None,
                );
            }
            match &element {
                None => element = Some(t),
                Some(first) if *first == t => {}
                Some(first) => {
                    let first = first.clone();
                    return self.error(
                        Code::Type,
                        format!(
                            "a list holds one type of element: this is {t}, the first is {first}"
                        ),
                        item.span,
                        "different type",
                        Some("split the list, or quote every element".into()),
                    );
                }
            }
        }
        match element {
            Some(t) => Type::List(Box::new(t)),
            None => Type::EmptyList,
        }
    }

    fn name(&mut self, ident: &ast::Ident, scope: Scope) -> Type {
        let name = ident.name.as_str();
        match scope {
            Scope::Flag => {
                if let Some(field) = FlagField::from_name(name) {
                    self.resolution.name(ident, Resolved::FlagField(field));
                    return if field == FlagField::Severity {
                        Type::Severity
                    } else {
                        Type::Str
                    };
                }
            }
            Scope::Metric { family } => {
                if name == METRIC_NAME_FIELD {
                    self.resolution.name(ident, Resolved::MetricName);
                    return Type::Str;
                }
                if let Some(field) = MetricField::from_name(name) {
                    self.resolution.name(ident, Resolved::MetricField(field));
                    if field.needs_direction() && !self.family_has_direction(family) {
                        return self.missing_direction(
                            field.name(),
                            ident.span,
                            Symbol::Family(family),
                        );
                    }
                    return if field.is_bool() {
                        Type::Bool
                    } else {
                        Type::Number
                    };
                }
            }
            Scope::Top => {}
        }
        match name {
            "flags" => {
                self.resolution.name(ident, Resolved::Flags);
                return Type::Flags;
            }
            "stage" => {
                self.resolution.name(ident, Resolved::Stage);
                return Type::Str;
            }
            _ => {}
        }
        match self.symbols.lookup(name) {
            Some(symbol) => {
                self.used.insert(symbol);
                if let Some(resolved) = resolved(symbol) {
                    self.resolution.name(ident, resolved);
                }
                match symbol {
                    Symbol::Metric(i) => Type::Metric(i),
                    Symbol::Family(i) => Type::Metrics { family: i },
                    Symbol::Let(i) => self.let_type(i, Some(ident.span)),
                    Symbol::Rule(_) => self.error(
                        Code::Type,
                        format!("`{name}` is a rule, not a value"),
                        ident.span,
                        "a rule id",
                        Some("rules cannot refer to each other's results; share the condition with a `let`".into()),
                    ),
                }
            }
            None => {
                let fields: Vec<&str> = match scope {
                    Scope::Flag => FlagField::ALL.iter().map(|f| f.name()).collect(),
                    Scope::Metric { .. } => MetricField::ALL
                        .iter()
                        .map(|f| f.name())
                        .chain([METRIC_NAME_FIELD])
                        .collect(),
                    Scope::Top => Vec::new(),
                };
                // Severities too: `severity >= hgh` means `high`.
                let candidates = self
                    .symbols
                    .names
                    .keys()
                    .copied()
                    .chain(BUILTIN_NAMES)
                    .chain(fields)
                    .chain(Severity::ALL.map(Severity::as_str));
                let help = suggest::did_you_mean(
                    name,
                    candidates,
                    "declare it with `metric`, `metric family` or `let`",
                );
                self.error(
                    Code::UnknownName,
                    format!("unknown name `{name}`"),
                    ident.span,
                    "not defined anywhere in the policy or its imports",
                    Some(help),
                )
            }
        }
    }

    fn family_has_direction(&self, family: usize) -> bool {
        self.symbols
            .families
            .get(family)
            .is_some_and(|f| f.direction.is_some())
    }

    fn missing_direction(&mut self, what: &str, span: Span, symbol: Symbol) -> Type {
        let decl = match symbol {
            Symbol::Metric(i) => self.symbols.metrics.get(i),
            Symbol::Family(i) => self.symbols.families.get(i),
            _ => None,
        };
        let mut d = Diagnostic::error(
            Code::Type,
            format!("`{what}` depends on which way is better, but the metric has no direction"),
        )
        .with_label(
            self.sources,
            span,
            "needs `higher is better` or `lower is better`",
        );
        if let Some(decl) = decl {
            d = d
                .with_help(format!(
                    "add `higher is better` or `lower is better` to the declaration of `{}`",
                    decl.name.name
                ))
                .with_related(
                    Diagnostic::error(Code::Type, format!("`{}` is declared here", decl.name.name))
                        .with_label(self.sources, decl.span, "no direction"),
                );
        }
        self.errors.push(d);
        Type::Error
    }

    fn call(&mut self, func: &ast::Ident, args: &[Expr], span: Span, scope: Scope) -> Type {
        let Some(function) = Function::from_name(&func.name) else {
            let help = suggest::did_you_mean(
                &func.name,
                Function::names(),
                "see the list of functions in docs/reference.md",
            );
            return self.error(
                Code::UnknownName,
                format!("unknown function `{}`", func.name),
                func.span,
                "no such function",
                Some(help),
            );
        };
        match function {
            Function::Metric(field) => self.metric_function(func, field, args, span),
            Function::Has => {
                if let [arg] = args {
                    if let ExprKind::Name(ident) = &arg.kind {
                        if let Some(symbol @ (Symbol::Metric(_) | Symbol::Family(_))) =
                            self.symbols.lookup(&ident.name)
                        {
                            self.used.insert(symbol);
                            if let Some(resolved) = resolved(symbol) {
                                self.resolution.name(ident, resolved);
                            }
                            return Type::Bool;
                        }
                    }
                }
                self.arity_or_metric_error(func, args, span, "a metric or metric family name")
            }
            Function::NNeeded => {
                let [metric, effect] = args else {
                    return self.arity(func, span, "a metric and an effect size");
                };
                let t = self.metric_function(
                    func,
                    MetricField::Mde,
                    std::slice::from_ref(metric),
                    span,
                );
                self.expect_number(effect, scope, "`n_needed`'s effect");
                if t == Type::Error {
                    Type::Error
                } else {
                    Type::Number
                }
            }
            Function::Abs => {
                if args.len() != 1 {
                    return self.arity(func, span, "one number");
                }
                for arg in args {
                    self.expect_number(arg, scope, "`abs`");
                }
                Type::Number
            }
            Function::Min | Function::Max => {
                if args.is_empty() {
                    return self.arity(func, span, "one or more numbers");
                }
                for arg in args {
                    self.expect_number(arg, scope, &format!("`{}`", func.name));
                }
                Type::Number
            }
            Function::Signed => match args {
                [Expr {
                    kind: ExprKind::Str(_),
                    ..
                }] => {
                    self.first_signed.get_or_insert(span);
                    Type::Bool
                }
                _ => self.error(
                    Code::Type,
                    "`signed` takes one role name in quotes".into(),
                    span,
                    "expected `signed(\"role\")`",
                    Some("for example `signed(\"safety-lead\")`".into()),
                ),
            },
            Function::Count | Function::Any | Function::None | Function::Authors => {
                let [arg] = args else {
                    return self.arity(func, span, "one collection");
                };
                let t = self.expr(arg, scope).value();
                match (&t, function) {
                    (Type::Error, _) => {}
                    (Type::Flags, _) => {}
                    (Type::Metrics { .. }, Function::Authors) => {
                        return self.error(
                            Code::Type,
                            "`authors` counts the authors of flags; metrics have none".into(),
                            arg.span,
                            "a metric family",
                            Some("use `count(…)` to count metrics".into()),
                        );
                    }
                    (Type::Metrics { .. }, _) => {}
                    _ => {
                        return self.error(
                            Code::Type,
                            format!(
                                "`{}` takes a collection (`flags` or a metric family), not {t}",
                                func.name
                            ),
                            arg.span,
                            "not a collection",
                            None,
                        );
                    }
                }
                if function == Function::Count || function == Function::Authors {
                    Type::Number
                } else {
                    Type::Bool
                }
            }
        }
    }

    fn metric_function(
        &mut self,
        func: &ast::Ident,
        field: MetricField,
        args: &[Expr],
        span: Span,
    ) -> Type {
        if let [arg] = args {
            if let ExprKind::Name(ident) = &arg.kind {
                match self.symbols.lookup(&ident.name) {
                    Some(symbol @ Symbol::Metric(i)) => {
                        self.used.insert(symbol);
                        self.resolution.name(ident, Resolved::Metric(i));
                        let has_direction = self
                            .symbols
                            .metrics
                            .get(i)
                            .is_some_and(|m| m.direction.is_some());
                        if field.needs_direction() && !has_direction {
                            return self.missing_direction(field.name(), arg.span, symbol);
                        }
                        return if field.is_bool() {
                            Type::Bool
                        } else {
                            Type::Number
                        };
                    }
                    Some(Symbol::Family(_)) => {
                        return self.error(
                            Code::Type,
                            format!(
                                "`{}` takes one metric; `{}` is a metric family",
                                func.name, ident.name
                            ),
                            arg.span,
                            "a metric family",
                            Some(format!(
                                "ask about its members: `any({} where {})`",
                                ident.name,
                                field.name()
                            )),
                        );
                    }
                    _ => {}
                }
            }
        }
        self.arity_or_metric_error(func, args, span, "a metric name")
    }

    fn arity_or_metric_error(
        &mut self,
        func: &ast::Ident,
        args: &[Expr],
        span: Span,
        what: &str,
    ) -> Type {
        match args {
            [Expr {
                kind: ExprKind::Name(ident),
                ..
            }] if self.symbols.lookup(&ident.name).is_none() => {
                // An unknown name: report it as such (with a suggestion), not as a type error.
                self.name(ident, Scope::Top);
                Type::Error
            }
            [arg] => self.error(
                Code::Type,
                format!("`{}` takes {what}", func.name),
                arg.span,
                &format!("expected {what}"),
                Some(format!(
                    "for example `{}(sycophancy)` where `metric sycophancy from \"…\"` is declared",
                    func.name
                )),
            ),
            _ => self.arity(func, span, what),
        }
    }

    fn arity(&mut self, func: &ast::Ident, span: Span, what: &str) -> Type {
        self.error(
            Code::Type,
            format!("`{}` takes {what}", func.name),
            span,
            "wrong number of arguments",
            None,
        )
    }

    fn expect_number(&mut self, expr: &Expr, scope: Scope, context: &str) {
        let t = self.expr(expr, scope).value();
        if t != Type::Number && t != Type::Error {
            self.error(
                Code::Type,
                format!("{context} needs a number, but this is {t}"),
                expr.span,
                "not a number",
                None,
            );
        }
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr, scope: Scope) -> Type {
        let t = self.expr(operand, scope).value();
        let (want, name) = match op {
            UnaryOp::Not => (Type::Bool, "`not`"),
            UnaryOp::Neg => (Type::Number, "unary `-`"),
        };
        if t == Type::Error {
            return want;
        }
        if t != want {
            return self.error(
                Code::Type,
                format!("{name} needs {want}, but this is {t}"),
                operand.span,
                "wrong type",
                None,
            );
        }
        want
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span, scope: Scope) -> Type {
        let l = self.expr(lhs, scope).value();
        let r = self.expr(rhs, scope).value();
        if l == Type::Error || r == Type::Error {
            return result_of(op);
        }
        let op_name = op.as_str();
        if let Some(word) = quoted_severity(&l, &r, lhs, rhs) {
            return self.error(
                Code::Type,
                format!("`\"{word}\"` is a string, and a severity is compared with a severity"),
                span,
                "a severity against a string",
                Some(format!("drop the quotes: `{word}` is a severity")),
            );
        }
        match op {
            BinaryOp::And | BinaryOp::Or => {
                for (t, e) in [(&l, lhs), (&r, rhs)] {
                    if *t != Type::Bool {
                        self.error(
                            Code::Type,
                            format!("`{op_name}` joins conditions, but this is {t}"),
                            e.span,
                            "not a condition",
                            Some("compare it with something first, for example `… > 0`".into()),
                        );
                    }
                }
                Type::Bool
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                if l != r || !l.is_scalar() {
                    return self.error(
                        Code::Type,
                        format!("cannot compare {l} with {r}"),
                        span,
                        "these never compare equal",
                        Some(
                            "compare values of one type: numbers, strings, booleans or severities"
                                .into(),
                        ),
                    );
                }
                Type::Bool
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let ordered = l == r && matches!(l, Type::Number | Type::Severity);
                if !ordered {
                    let help = if l == Type::Str && r == Type::Str {
                        "strings have no order; compare them with `==` or `in`".to_string()
                    } else {
                        "order numbers with numbers and severities with severities".to_string()
                    };
                    return self.error(
                        Code::Type,
                        format!("cannot order {l} against {r} with `{op_name}`"),
                        span,
                        "incompatible operands",
                        Some(help),
                    );
                }
                Type::Bool
            }
            BinaryOp::In | BinaryOp::NotIn => {
                let fits = match &r {
                    Type::EmptyList => l.is_scalar(),
                    Type::List(inner) => **inner == l,
                    _ => false,
                };
                if !fits {
                    return self.error(
                        Code::Type,
                        format!("`{op_name}` needs a list of the left side's type: {l} `{op_name}` {r}"),
                        span,
                        "incompatible operands",
                        Some("write the right side as a list, for example `category in [\"tone\", \"sycophancy\"]`".into()),
                    );
                }
                Type::Bool
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                for (t, e) in [(&l, lhs), (&r, rhs)] {
                    if *t != Type::Number {
                        self.error(
                            Code::Type,
                            format!("`{op_name}` works on numbers, but this is {t}"),
                            e.span,
                            "not a number",
                            None,
                        );
                    }
                }
                Type::Number
            }
        }
    }

    fn where_(&mut self, collection: &Expr, predicate: &Expr, span: Span, scope: Scope) -> Type {
        let c = self.expr(collection, scope).value();
        let inner = match c {
            Type::Flags => {
                self.resolution.range(span, Ranges::Flags);
                Scope::Flag
            }
            Type::Metrics { family } => {
                self.resolution.range(span, Ranges::Family(family));
                Scope::Metric { family }
            }
            Type::Error => {
                self.expr(predicate, Scope::Top);
                return Type::Error;
            }
            other => {
                return self.error(
                    Code::Type,
                    format!(
                        "`where` filters a collection (`flags` or a metric family), not {other}"
                    ),
                    collection.span,
                    "not a collection",
                    None,
                );
            }
        };
        let p = self.expr(predicate, inner).value();
        if p != Type::Bool && p != Type::Error {
            self.error(
                Code::Type,
                format!("a `where` predicate must be true or false, but this is {p}"),
                predicate.span,
                "not a condition",
                None,
            );
        }
        c
    }
}

/// The severity a string literal spells, when the other side of a comparison is a severity
/// (`severity >= "medium"`, `severity in ["high"]`).
fn quoted_severity(l: &Type, r: &Type, lhs: &Expr, rhs: &Expr) -> Option<String> {
    let literal = |e: &Expr| match &e.kind {
        ExprKind::Str(s) => Severity::parse(&s.value).map(|_| s.value.clone()),
        ExprKind::List(items) => items.iter().find_map(|i| match &i.kind {
            ExprKind::Str(s) => Severity::parse(&s.value).map(|_| s.value.clone()),
            _ => None,
        }),
        _ => None,
    };
    match (l, r) {
        (Type::Severity, Type::Str) => literal(rhs),
        (Type::Severity, Type::List(inner)) if **inner == Type::Str => literal(rhs),
        (Type::Str, Type::Severity) => literal(lhs),
        _ => None,
    }
}

/// A declaration as a name use resolves to it; a rule is never a value.
fn resolved(symbol: Symbol) -> Option<Resolved> {
    match symbol {
        Symbol::Metric(i) => Some(Resolved::Metric(i)),
        Symbol::Family(i) => Some(Resolved::Family(i)),
        Symbol::Let(i) => Some(Resolved::Let(i)),
        Symbol::Rule(_) => None,
    }
}

fn result_of(op: BinaryOp) -> Type {
    match op {
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => Type::Number,
        _ => Type::Bool,
    }
}
