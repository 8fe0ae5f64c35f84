//! Lowering a checked AST to the compiled form. The checker resolved every name and proved
//! every type; lowering reads its [`Resolution`] and looks nothing up, so a surprise here is
//! an internal error, not a user error.

use std::sync::Arc;

use crate::builtins::Function;
use crate::check::{internal, Checked, Resolution, Resolved};
use crate::diagnostic::{Diagnostic, Location};
use crate::syntax::ast::{self, BinaryOp, ExprKind, HeaderKey, UnaryOp};

use super::ir::*;

pub fn lower(checked: &Checked) -> Result<Program, Diagnostic> {
    let loaded = &checked.loaded;
    // Declaration index of a let → its slot in dependency order.
    let mut let_slots = vec![usize::MAX; checked.declarations.lets.len()];
    for (slot, &index) in checked.let_order.iter().enumerate() {
        if let Some(s) = let_slots.get_mut(index) {
            *s = slot;
        }
    }
    let mut lowerer = Lowerer {
        resolution: &checked.resolution,
        let_slots,
        roles: Vec::new(),
    };

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

    let metrics = checked
        .metrics()
        .map(|m| MetricSlot {
            name: m.name.name.clone(),
            key: m.key.value.clone(),
            direction: m.direction.as_ref().map(|d| d.direction),
        })
        .collect();
    let families = checked
        .families()
        .map(|m| FamilySlot {
            name: m.name.name.clone(),
            glob: m.key.value.clone(),
            direction: m.direction.as_ref().map(|d| d.direction),
            adjustment: m.adjustment.map(|a| a.method),
        })
        .collect();

    let mut lets = Vec::with_capacity(checked.let_order.len());
    for &index in &checked.let_order {
        let decl = checked
            .let_decl(index)
            .ok_or_else(|| internal("let order names a let that does not exist"))?;
        lets.push(LetSlot {
            name: decl.name.name.clone(),
            value: lowerer.expr(&decl.value)?,
        });
    }

    let mut rules = Vec::with_capacity(checked.declarations.rules.len());
    for rule in checked.rules() {
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
        trust: loaded.trust.clone(),
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

struct Lowerer<'r> {
    resolution: &'r Resolution,
    /// Declaration index of a let → its slot in dependency order.
    let_slots: Vec<usize>,
    roles: Vec<String>,
}

impl Lowerer<'_> {
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
                    condition: self.expr(&c.condition)?,
                    span: c.span,
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
                            ast::TemplatePart::Expr(e) => MessagePart::Value(self.expr(e)?),
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

    fn boxed(&mut self, e: &ast::Expr) -> Result<Box<Expr>, Diagnostic> {
        self.expr(e).map(Box::new)
    }

    fn expr(&mut self, expr: &ast::Expr) -> Result<Expr, Diagnostic> {
        let node = match &expr.kind {
            ExprKind::Number(n) => Node::Number(n.value),
            ExprKind::Str(s) => Node::Str(Arc::from(s.value.as_str())),
            ExprKind::Bool(b) => Node::Bool(*b),
            ExprKind::Severity(s) => Node::Severity(*s),
            // Parentheses only group: the inner expression keeps its own span.
            ExprKind::Paren(inner) => return self.expr(inner),
            ExprKind::List(items) => Node::List(
                items
                    .iter()
                    .map(|i| self.expr(i))
                    .collect::<Result<_, _>>()?,
            ),
            ExprKind::Name(ident) => self.name(ident)?,
            ExprKind::Call { func, args } => self.call(&func.name, args)?,
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::Not => Node::Not(self.boxed(operand)?),
                UnaryOp::Neg => Node::Neg(self.boxed(operand)?),
            },
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.boxed(lhs)?;
                let r = self.boxed(rhs)?;
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
            } => Node::Where {
                collection: self.boxed(collection)?,
                predicate: self.boxed(predicate)?,
            },
        };
        Ok(Expr {
            node,
            span: expr.span,
        })
    }

    fn resolved(&self, ident: &ast::Ident) -> Result<Resolved, Diagnostic> {
        self.resolution
            .of(ident)
            .ok_or_else(|| internal(format!("unresolved name `{}`", ident.name)))
    }

    fn name(&mut self, ident: &ast::Ident) -> Result<Node, Diagnostic> {
        Ok(match self.resolved(ident)? {
            Resolved::Metric(metric) => Node::Metric {
                metric,
                field: crate::builtins::MetricField::Value,
            },
            Resolved::Family(f) => Node::Family(f),
            Resolved::Let(i) => match self.let_slots.get(i) {
                Some(&slot) if slot != usize::MAX => Node::Let(slot),
                _ => return Err(internal(format!("let `{}` has no slot", ident.name))),
            },
            Resolved::Flags => Node::Flags,
            Resolved::Stage => Node::Stage,
            Resolved::FlagField(f) => Node::Field(ElementField::Flag(f)),
            Resolved::MetricName => Node::Field(ElementField::MetricName),
            Resolved::MetricField(f) => Node::Field(ElementField::Metric(f)),
        })
    }

    /// The metric or family a function's single name argument resolved to.
    fn metric_arg(&self, args: &[ast::Expr]) -> Option<Resolved> {
        match args {
            [arg] => self.resolution.of_expr(arg),
            _ => None,
        }
    }

    fn call(&mut self, func: &str, args: &[ast::Expr]) -> Result<Node, Diagnostic> {
        let function = Function::from_name(func)
            .ok_or_else(|| internal(format!("unknown function `{func}`")))?;
        Ok(match function {
            Function::Metric(field) => match self.metric_arg(args) {
                Some(Resolved::Metric(metric)) => Node::Metric { metric, field },
                _ => return Err(internal(format!("`{func}` without a metric"))),
            },
            Function::Has => match self.metric_arg(args) {
                Some(Resolved::Metric(m)) => Node::Has(m),
                Some(Resolved::Family(f)) => Node::HasFamily(f),
                _ => return Err(internal("`has` without a metric")),
            },
            Function::Signed => match args {
                [ast::Expr {
                    kind: ExprKind::Str(s),
                    ..
                }] => Node::Signed(self.role(&s.value)),
                _ => return Err(internal("`signed` without a role")),
            },
            Function::NNeeded => match args {
                [m, effect] => match self.resolution.of_expr(m) {
                    Some(Resolved::Metric(metric)) => Node::NNeeded {
                        metric,
                        effect: self.boxed(effect)?,
                    },
                    _ => return Err(internal("`n_needed` without a metric")),
                },
                _ => return Err(internal("`n_needed` arity")),
            },
            Function::Abs => match args {
                [arg] => Node::Abs(self.boxed(arg)?),
                _ => return Err(internal("`abs` arity")),
            },
            Function::Min | Function::Max => {
                let nodes = args
                    .iter()
                    .map(|a| self.expr(a))
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
                    collection: self.boxed(arg)?,
                }
            }
        })
    }
}

fn compare(op: Compare, lhs: Box<Expr>, rhs: Box<Expr>) -> Node {
    Node::Compare { op, lhs, rhs }
}

fn arith(op: Arith, lhs: Box<Expr>, rhs: Box<Expr>) -> Node {
    Node::Arith { op, lhs, rhs }
}
