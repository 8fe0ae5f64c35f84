//! What the reports need from the policy beyond the evaluation itself: who can act on a rule,
//! and which files the policy was read from.

use crate::compile::ir::{Expr, Node, Rule};
use crate::compile::Program;
use crate::policy::{sha256_hex, Policy};

/// The people who can clear a rule: roles whose waiver applies (`waivable by`) and roles
/// whose sign-off the rule reads (`signed("…")`, also through `let`s).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roles {
    pub waive: Vec<String>,
    pub sign: Vec<String>,
}

impl Roles {
    pub fn is_empty(&self) -> bool {
        self.waive.is_empty() && self.sign.is_empty()
    }
}

/// The roles of the rule with this id; empty when there is no such rule.
pub fn roles(program: &Program, id: &str) -> Roles {
    let Some(rule) = program.rules.iter().find(|r| r.id == id) else {
        return Roles::default();
    };
    Roles {
        waive: rule.waivable_by.clone(),
        sign: signers(program, rule),
    }
}

fn signers(program: &Program, rule: &Rule) -> Vec<String> {
    let mut found = Vec::new();
    for clause in &rule.clauses {
        collect_signed(program, &clause.condition, &mut found, 0);
    }
    found
        .into_iter()
        .filter_map(|i| program.roles.get(i).cloned())
        .collect()
}

fn collect_signed(program: &Program, expr: &Expr, out: &mut Vec<usize>, depth: usize) {
    // Lets are acyclic and nesting is bounded by the checker; the depth guard is a backstop.
    if depth > 256 {
        return;
    }
    match &expr.node {
        Node::Signed(i) => {
            if !out.contains(i) {
                out.push(*i);
            }
        }
        Node::Let(i) => {
            if let Some(slot) = program.lets.get(*i) {
                collect_signed(program, &slot.value, out, depth + 1);
            }
        }
        _ => {
            for child in expr.children() {
                collect_signed(program, child, out, depth + 1);
            }
        }
    }
}

/// A policy file as records and reports list it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PolicyFile {
    /// The path as it was reached: the command-line path, joined with import paths.
    pub path: String,
    pub sha256: String,
    /// Whether it is a trust file (TRUST.md), not policy text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trust: bool,
}

/// Every file of the policy, the entry file first, then imports in the order reached.
pub fn policy_files(policy: &Policy) -> Vec<PolicyFile> {
    let trust = &policy.program().trust;
    policy
        .sources()
        .iter()
        .map(|(id, f)| PolicyFile {
            path: f.path.display().to_string(),
            sha256: sha256_hex(f.text.as_bytes()),
            trust: trust.files.iter().any(|t| t.file == id),
        })
        .collect()
}
