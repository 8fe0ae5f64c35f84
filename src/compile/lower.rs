//! Lowering a checked AST to the compiled form. The checker has already proved every name
//! and type, so a surprise here is an internal error, not a user error.

use std::collections::HashMap;
use std::sync::Arc;

use crate::builtins::{FlagField, Function, MetricField, METRIC_NAME_FIELD};
use crate::check::{internal, Checked, Scope, Symbol, Symbols};
use crate::diagnostic::{Diagnostic, Location};
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind, HeaderKey, UnaryOp};

use super::ir::*;

pub fn lower(checked: &Checked) -> Result<Program, Diagnostic> {
    let loaded = &checked.loaded;
    let mut ignored = Vec::new();
    let symbols = Symbols::collect(&loaded.files, &loaded.sources, &mut ignored);
    let mut lowerer = Lowerer {
        symbols: &symbols,
        let_slots: HashMap::new(),
        roles: Vec::new(),
    };
    for (slot, &index) in checked.let_order.iter().enumerate() {
        lowerer.let_slots.insert(index, slot);
    }

    let header = loaded
        .files
        .first()
        .and_then(|(_, f)| {
            f.items.iter().find_map(|i| match i {
                ast::Item::Policy(h) => Some(h),
                _ => None,
            })
        })
        .map(header)
        .unwrap_or_default();

    let metrics = symbols
        .metrics
        .iter()
        .map(|m| MetricSlot {
            name: m.name.name.clone(),
            key: m.key.value.clone(),
            direction: m.direction.as_ref().map(|d| d.direction),
        })
        .collect();
    let families = symbols
        .families
        .iter()
        .map(|m| FamilySlot {
            name: m.name.name.clone(),
            glob: m.key.value.clone(),
            direction: m.direction.as_ref().map(|d| d.direction),
        })
        .collect();

    let mut lets = Vec::with_capacity(checked.let_order.len());
    for &index in &checked.let_order {
        let decl = symbols
            .lets
            .get(index)
            .ok_or_else(|| internal("let order names a let that does not exist"))?;
        lets.push(LetSlot {
            name: decl.name.name.clone(),
            value: lowerer.expr(&decl.value, Scope::Top)?,
        });
    }

    let mut rules = Vec::with_capacity(symbols.rules.len());
    for rule in &symbols.rules {
        rules.push(lowerer.rule(rule, &loaded.sources)?);
    }
    let roles = lowerer.roles;
    Ok(Program {
        header,
        metrics,
        families,
        lets,
        rules,
        roles,
    })
}

fn header(h: &ast::PolicyHeader) -> Header {
    let field = |key: HeaderKey| {
        h.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.value.value.clone())
    };
    Header {
        name: h.name.value.clone(),
        version: field(HeaderKey::Version),
        owner: field(HeaderKey::Owner),
        description: field(HeaderKey::Description),
    }
}

struct Lowerer<'s, 'a> {
    symbols: &'s Symbols<'a>,
    /// Declaration index of a let → its slot in dependency order.
    let_slots: HashMap<usize, usize>,
    roles: Vec<String>,
}

impl Lowerer<'_, '_> {
    fn rule(
        &mut self,
        rule: &ast::Rule,
        sources: &crate::source::Sources,
    ) -> Result<Rule, Diagnostic> {
        let mut clauses = Vec::with_capacity(rule.body.len());
        let mut missing = None;
        let mut waivable_by = Vec::new();
        let mut message = None;
        for stmt in &rule.body {
            match stmt {
                ast::RuleStmt::Clause(c) => clauses.push(Clause {
                    outcome: c.outcome,
                    unless: c.kind == ast::ClauseKind::Unless,
                    condition: self.expr(&c.condition, Scope::Top)?,
                }),
                ast::RuleStmt::Missing(m) => missing = Some(m.outcome),
                ast::RuleStmt::Waivable(w) => {
                    waivable_by = w.roles.iter().map(|r| r.value.clone()).collect();
                }
                ast::RuleStmt::Message(m) => {
                    let mut parts = Vec::with_capacity(m.parts.len());
                    for part in &m.parts {
                        parts.push(match part {
                            ast::TemplatePart::Text(t) => MessagePart::Text(t.clone()),
                            ast::TemplatePart::Expr(e) => {
                                MessagePart::Value(self.expr(e, Scope::Top)?)
                            }
                        });
                    }
                    message = Some(parts);
                }
            }
        }
        let file = sources.get(rule.span.file);
        let (line, column) = file.line_col(rule.span.start as usize);
        Ok(Rule {
            id: rule.id.name.clone(),
            title: rule.title.as_ref().map(|t| t.value.clone()),
            clauses,
            missing,
            waivable_by,
            message,
            span: rule.span,
            location: Location {
                file: file.name.clone(),
                line,
                column,
            },
        })
    }

    fn role(&mut self, role: &str) -> usize {
        match self.roles.iter().position(|r| r == role) {
            Some(i) => i,
            None => {
                self.roles.push(role.to_string());
                self.roles.len() - 1
            }
        }
    }

    fn boxed(&mut self, e: &Expr, scope: Scope) -> Result<Box<Node>, Diagnostic> {
        self.expr(e, scope).map(Box::new)
    }

    fn expr(&mut self, expr: &Expr, scope: Scope) -> Result<Node, Diagnostic> {
        Ok(match &expr.kind {
            ExprKind::Number(n) => Node::Number(n.value),
            ExprKind::Str(s) => Node::Str(Arc::from(s.value.as_str())),
            ExprKind::Bool(b) => Node::Bool(*b),
            ExprKind::Severity(s) => Node::Severity(*s),
            ExprKind::Paren(inner) => self.expr(inner, scope)?,
            ExprKind::List(items) => Node::List(
                items
                    .iter()
                    .map(|i| self.expr(i, scope))
                    .collect::<Result<_, _>>()?,
            ),
            ExprKind::Name(ident) => self.name(&ident.name, scope)?,
            ExprKind::Call { func, args } => self.call(&func.name, args, scope)?,
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::Not => Node::Not(self.boxed(operand, scope)?),
                UnaryOp::Neg => Node::Neg(self.boxed(operand, scope)?),
            },
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.boxed(lhs, scope)?;
                let r = self.boxed(rhs, scope)?;
                match op {
                    BinaryOp::And => Node::And(l, r),
                    BinaryOp::Or => Node::Or(l, r),
                    BinaryOp::Eq => compare(Compare::Eq, l, r),
                    BinaryOp::Ne => compare(Compare::Ne, l, r),
                    BinaryOp::Lt => compare(Compare::Lt, l, r),
                    BinaryOp::Le => compare(Compare::Le, l, r),
                    BinaryOp::Gt => compare(Compare::Gt, l, r),
                    BinaryOp::Ge => compare(Compare::Ge, l, r),
                    BinaryOp::In => Node::In {
                        negated: false,
                        item: l,
                        list: r,
                    },
                    BinaryOp::NotIn => Node::In {
                        negated: true,
                        item: l,
                        list: r,
                    },
                    BinaryOp::Add => arith(Arith::Add, l, r),
                    BinaryOp::Sub => arith(Arith::Sub, l, r),
                    BinaryOp::Mul => arith(Arith::Mul, l, r),
                    BinaryOp::Div => arith(Arith::Div, l, r),
                }
            }
            ExprKind::Where {
                collection,
                predicate,
            } => {
                let c = self.expr(collection, scope)?;
                let inner = self.element_scope(collection)?;
                Node::Where {
                    collection: Box::new(c),
                    predicate: self.boxed(predicate, inner)?,
                }
            }
        })
    }

    /// The scope inside `collection where …`: flags or the family's metrics.
    fn element_scope(&self, collection: &Expr) -> Result<Scope, Diagnostic> {
        match &collection.kind {
            ExprKind::Paren(inner) => self.element_scope(inner),
            ExprKind::Where { collection, .. } => self.element_scope(collection),
            ExprKind::Name(ident) if ident.name == "flags" => Ok(Scope::Flag),
            ExprKind::Name(ident) => match self.symbols.lookup(&ident.name) {
                Some(Symbol::Family(family)) => Ok(Scope::Metric { family }),
                Some(Symbol::Let(i)) => {
                    let decl = self
                        .symbols
                        .lets
                        .get(i)
                        .ok_or_else(|| internal("let index out of range"))?;
                    self.element_scope(&decl.value)
                }
                _ => Err(internal(format!("`{}` is not a collection", ident.name))),
            },
            _ => Err(internal("`where` over something that is not a collection")),
        }
    }

    fn name(&mut self, name: &str, scope: Scope) -> Result<Node, Diagnostic> {
        match scope {
            Scope::Flag => {
                if let Some(field) = FlagField::from_name(name) {
                    return Ok(Node::Field(ElementField::Flag(field)));
                }
            }
            Scope::Metric { .. } => {
                if name == METRIC_NAME_FIELD {
                    return Ok(Node::Field(ElementField::MetricName));
                }
                if let Some(field) = MetricField::from_name(name) {
                    return Ok(Node::Field(ElementField::Metric(field)));
                }
            }
            Scope::Top => {}
        }
        match name {
            "flags" => return Ok(Node::Flags),
            "stage" => return Ok(Node::Stage),
            _ => {}
        }
        match self.symbols.lookup(name) {
            Some(Symbol::Metric(metric)) => Ok(Node::Metric {
                metric,
                field: MetricField::Value,
            }),
            Some(Symbol::Family(f)) => Ok(Node::Family(f)),
            Some(Symbol::Let(i)) => self
                .let_slots
                .get(&i)
                .map(|&slot| Node::Let(slot))
                .ok_or_else(|| internal(format!("let `{name}` has no slot"))),
            _ => Err(internal(format!("unresolved name `{name}`"))),
        }
    }

    fn call(&mut self, func: &str, args: &[Expr], scope: Scope) -> Result<Node, Diagnostic> {
        let function = Function::from_name(func)
            .ok_or_else(|| internal(format!("unknown function `{func}`")))?;
        let metric_arg = |symbols: &Symbols<'_>| match args {
            [Expr {
                kind: ExprKind::Name(ident),
                ..
            }] => symbols.lookup(&ident.name),
            _ => None,
        };
        Ok(match function {
            Function::Metric(field) => match metric_arg(self.symbols) {
                Some(Symbol::Metric(metric)) => Node::Metric { metric, field },
                _ => return Err(internal(format!("`{func}` without a metric"))),
            },
            Function::Has => match metric_arg(self.symbols) {
                Some(Symbol::Metric(m)) => Node::Has(m),
                Some(Symbol::Family(f)) => Node::HasFamily(f),
                _ => return Err(internal("`has` without a metric")),
            },
            Function::Signed => match args {
                [Expr {
                    kind: ExprKind::Str(s),
                    ..
                }] => Node::Signed(self.role(&s.value)),
                _ => return Err(internal("`signed` without a role")),
            },
            Function::Abs => match args {
                [arg] => Node::Abs(self.boxed(arg, scope)?),
                _ => return Err(internal("`abs` arity")),
            },
            Function::Min | Function::Max => {
                let nodes = args
                    .iter()
                    .map(|a| self.expr(a, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                if function == Function::Min {
                    Node::Min(nodes)
                } else {
                    Node::Max(nodes)
                }
            }
            Function::Count | Function::Any | Function::None | Function::Authors => {
                let [arg] = args else {
                    return Err(internal("aggregate arity"));
                };
                let op = match function {
                    Function::Count => Aggregate::Count,
                    Function::Any => Aggregate::Any,
                    Function::None => Aggregate::None,
                    _ => Aggregate::Authors,
                };
                Node::Aggregate {
                    op,
                    collection: self.boxed(arg, scope)?,
                }
            }
        })
    }
}

fn compare(op: Compare, lhs: Box<Node>, rhs: Box<Node>) -> Node {
    Node::Compare { op, lhs, rhs }
}

fn arith(op: Arith, lhs: Box<Node>, rhs: Box<Node>) -> Node {
    Node::Arith { op, lhs, rhs }
}
