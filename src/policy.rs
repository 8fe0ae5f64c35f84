//! The embedding API: a loaded, checked and compiled policy, ready to evaluate.

use std::path::Path;

use crate::check::{self, Checked, FsReader, Loaded, SourceReader};
use crate::compile::{self, Program};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
pub use crate::digest::sha256_hex;
use crate::eval::Plan;
use crate::evidence::Bundle;
use crate::outcome::{Evaluation, Now, PolicyInfo};
use crate::source::Sources;
use crate::span::FileId;
use crate::syntax::ast;

/// A policy that parsed, resolved and type-checked, compiled for evaluation.
#[derive(Debug)]
pub struct Policy {
    checked: Checked,
    program: Program,
    plan: Plan,
    info: PolicyInfo,
}

/// The policy's sha256, covering whom it trusts ([`crate::trust::policy_sha256`]).
fn policy_sha256(checked: &Checked) -> String {
    let sources = &checked.loaded.sources;
    let entry = sha256_hex(sources.get(FileId(0)).text.as_bytes());
    let trust: Vec<String> = (checked.loaded.trust.files.iter())
        .map(|f| sha256_hex(sources.get(f.file).text.as_bytes()))
        .collect();
    let trust: Vec<&str> = trust.iter().map(String::as_str).collect();
    crate::trust::policy_sha256(&entry, &trust)
}

impl Policy {
    /// Load a policy file and its imports from disk.
    pub fn load(path: impl AsRef<Path>) -> Result<Policy, Diagnostics> {
        Policy::load_with(path.as_ref(), &FsReader)
    }

    /// Load through another reader (a git revision, an in-memory tree).
    pub fn load_with(path: &Path, reader: &dyn SourceReader) -> Result<Policy, Diagnostics> {
        Policy::build(check::load(path, reader)?)
    }

    /// Parse policy text held in memory. `name` is shown in diagnostics; imports are read
    /// from disk relative to it.
    pub fn from_source(
        name: impl AsRef<Path>,
        text: impl Into<String>,
    ) -> Result<Policy, Diagnostics> {
        Policy::build(check::load_text(name.as_ref(), text.into(), &FsReader)?)
    }

    fn build(loaded: Loaded) -> Result<Policy, Diagnostics> {
        let checked = check::check(loaded)?;
        let program = compile::lower(&checked).map_err(Diagnostics::one)?;
        let entry = checked.loaded.sources.get(FileId(0));
        let info = PolicyInfo {
            name: program.header.name.clone(),
            version: program.header.version.clone(),
            owner: program.header.owner.clone(),
            sha256: policy_sha256(&checked),
            path: entry.name.clone(),
        };
        let plan = Plan::new(&program);
        Ok(Policy {
            checked,
            program,
            plan,
            info,
        })
    }

    /// Why this policy must not decide a launch, if it must not: a policy with no rules
    /// would pass every candidate, so evaluating it fails closed (`tollgate eval`, the
    /// Python package).
    pub fn unfit_to_decide(&self) -> Option<Diagnostic> {
        self.program.rules.is_empty().then(|| {
            Diagnostic::error(
                Code::Rule,
                format!(
                    "{} has no rules: it would let every candidate launch",
                    self.info.path
                ),
            )
            .with_help("add the rules the launch must meet, or import the files that hold them")
        })
    }

    /// Evaluate on a bundle at the given instant.
    pub fn evaluate(&self, bundle: &Bundle, now: Now) -> Evaluation {
        crate::eval::evaluate_planned(&self.program, &self.plan, self.info.clone(), bundle, now)
    }

    /// Evaluate with every clause evaluated in general, none through a planned shape: the
    /// reference the shapes are tested against. Not part of the API.
    #[doc(hidden)]
    pub fn evaluate_unplanned(&self, bundle: &Bundle, now: Now) -> Evaluation {
        let plan = Plan::general(&self.program);
        crate::eval::evaluate_planned(&self.program, &plan, self.info.clone(), bundle, now)
    }

    /// A decider for this policy: decisions without the report, reusing buffers from one
    /// bundle to the next (see [`crate::eval::Decider`]).
    pub fn decider(&self) -> crate::eval::Decider<'_> {
        crate::eval::Decider::new(&self.program, &self.plan)
    }

    pub(crate) fn plan(&self) -> &Plan {
        &self.plan
    }

    pub fn info(&self) -> &PolicyInfo {
        &self.info
    }

    pub fn program(&self) -> &Program {
        &self.program
    }

    pub fn sources(&self) -> &Sources {
        &self.checked.loaded.sources
    }

    /// The parsed files: the entry file first, then imports.
    pub fn files(&self) -> &[(FileId, ast::File)] {
        &self.checked.loaded.files
    }

    /// What the checker found every name use and every `where` to mean: the one resolution
    /// that compiling, `diff`, `--explain` and the editor read.
    pub fn resolution(&self) -> &check::Resolution {
        &self.checked.resolution
    }

    /// The checked policy: its files, declarations and resolution.
    pub fn checked(&self) -> &Checked {
        &self.checked
    }

    /// Errors inside `test` blocks, each test's own: they break that test, not the policy.
    pub fn test_errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.checked.test_errors.iter().flat_map(|(_, e)| e)
    }

    /// The errors of the test block at `span`, if it has any.
    pub fn errors_of_test(&self, span: crate::span::Span) -> Option<&[Diagnostic]> {
        self.checked
            .test_errors
            .iter()
            .find(|(s, _)| s.file == span.file && s.start == span.start)
            .map(|(_, e)| e.as_slice())
    }

    /// Lints found while checking (unused names and the like).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.checked.warnings
    }
}

/// What `tollgate check` finds in one file: whether it is usable, and every diagnostic
/// (errors first, then lints).
#[derive(Debug, Clone)]
pub struct FileCheck {
    pub ok: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Check one policy file as `tollgate check` does: load, resolve, type-check, lint. A broken
/// test block fails the check as any error does.
pub fn check_file(path: &Path) -> FileCheck {
    match Policy::load(path) {
        Ok(policy) => {
            let mut diagnostics: Vec<Diagnostic> = policy.test_errors().cloned().collect();
            let ok = diagnostics.is_empty();
            diagnostics.extend(policy.warnings().iter().cloned());
            FileCheck { ok, diagnostics }
        }
        Err(diags) => FileCheck {
            ok: false,
            diagnostics: diags.0,
        },
    }
}
