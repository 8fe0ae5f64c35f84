//! The state shared by the visitors of one document: where they are (a key path) and the
//! problems found so far.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::Arc;

use crate::diagnostic::Code;

use super::words::Words;
use super::Format;

/// At most this many problems are kept per file; the rest are only counted, so a file with a
/// hundred thousand bad metrics does not produce a hundred thousand diagnostics.
pub(crate) const MAX_PROBLEMS: usize = 20;

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A key of a fixed shape (`metrics`, `ci`, `severity`).
    Field(&'static str),
    /// A key chosen by the author (a metric key) or an unknown key.
    Key(String),
    /// A list element.
    Index(usize),
}

impl Seg {
    pub(crate) fn key(&self) -> Option<&str> {
        match self {
            Seg::Field(name) => Some(name),
            Seg::Key(name) => Some(name),
            Seg::Index(_) => None,
        }
    }
}

/// A key path shown to people: `metrics."behavior.x".ci`, `flags[2].severity`. Keys chosen by
/// the author are always quoted, since metric keys contain dots.
pub(crate) struct KeyPath<'a>(pub &'a [Seg]);

impl fmt::Display for KeyPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Field(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Seg::Key(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    write!(f, "\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))?;
                }
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// How a path names a place: `the top level` or `` `metrics."x"` ``.
pub(crate) fn place(path: &[Seg]) -> String {
    if path.is_empty() {
        String::from("the top level")
    } else {
        format!("`{}`", KeyPath(path))
    }
}

/// What part of the text at a path a problem points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The key itself (an unknown key).
    Key,
    /// The value (a wrong type, a bad number).
    Value,
    /// An object or list as a whole (a missing field): its key when it has one.
    Container,
    /// The `n`th occurrence (0-based) of a key that appears more than once.
    Occurrence(usize),
}

/// One problem found in a document.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub code: Code,
    pub message: String,
    pub path: Vec<Seg>,
    pub target: Target,
    pub label: String,
    pub help: Option<String>,
}

impl Problem {
    pub(crate) fn new(
        path: Vec<Seg>,
        target: Target,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Problem {
        Problem {
            code: Code::Evidence,
            message: message.into(),
            path,
            target,
            label: label.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: Option<String>) -> Problem {
        self.help = help;
        self
    }
}

#[derive(Default)]
struct Inner {
    path: Vec<Seg>,
    problems: Vec<Problem>,
    more: usize,
    fatal: Option<Problem>,
}

/// A step of the key path that a visitor enters and leaves without allocating: a field of a
/// fixed shape, or a list element.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step {
    Field(&'static str),
    Index(usize),
}

impl From<Step> for Seg {
    fn from(step: Step) -> Seg {
        match step {
            Step::Field(name) => Seg::Field(name),
            Step::Index(i) => Seg::Index(i),
        }
    }
}

/// Shared by every visitor of one document through `&Ctx`.
pub(crate) struct Ctx {
    pub format: Format,
    inner: RefCell<Inner>,
    /// The innermost step entered, while nothing inside it has needed the path: it joins
    /// `path` only when something deeper is pushed. Most values are read without a problem,
    /// and pushing and popping a segment for every field was a tenth of a load.
    pending: Cell<Option<Step>>,
    /// Texts stored once for the whole document ([`Ctx::intern`]).
    words: RefCell<Words>,
}

/// What a finished pass found.
pub(crate) struct Findings {
    pub problems: Vec<Problem>,
    /// Problems found but not kept (beyond [`MAX_PROBLEMS`]).
    pub more: usize,
    /// A problem that stopped the pass, raised by a visitor.
    pub fatal: Option<Problem>,
    /// Where the pass was when it stopped (meaningful after a parser error).
    pub path: Vec<Seg>,
}

impl Ctx {
    pub(crate) fn new(format: Format) -> Ctx {
        Ctx {
            format,
            inner: RefCell::new(Inner::default()),
            pending: Cell::new(None),
            words: RefCell::default(),
        }
    }

    /// Enter a field or list element; [`Ctx::leave`] leaves it.
    #[inline]
    pub(crate) fn enter(&self, step: Step) {
        self.flush();
        self.pending.set(Some(step));
    }

    /// Leave the step entered last: still pending, or pushed since by something deeper.
    #[inline]
    pub(crate) fn leave(&self) {
        if self.pending.take().is_none() {
            self.inner.borrow_mut().path.pop();
        }
    }

    /// Put the pending step on the path.
    #[inline]
    fn flush(&self) {
        if let Some(step) = self.pending.take() {
            self.inner.borrow_mut().path.push(step.into());
        }
    }

    /// `text`, shared with every earlier equal text of the document.
    pub(crate) fn intern(&self, text: &str) -> Arc<str> {
        self.words.borrow_mut().intern(text)
    }

    #[inline]
    pub(crate) fn push(&self, seg: Seg) {
        self.flush();
        self.inner.borrow_mut().path.push(seg);
    }

    /// Pop what [`Ctx::push`] pushed (every step entered inside it has been left).
    #[inline]
    pub(crate) fn pop(&self) -> Option<Seg> {
        debug_assert!(
            self.pending.get().is_none(),
            "a step was entered and not left"
        );
        self.inner.borrow_mut().path.pop()
    }

    /// The current path, with `extra` appended.
    pub(crate) fn here(&self, extra: Option<Seg>) -> Vec<Seg> {
        let mut path = self.inner.borrow().path.clone();
        path.extend(self.pending.get().map(Seg::from));
        path.extend(extra);
        path
    }

    /// Record a problem and go on.
    pub(crate) fn report(&self, problem: Problem) {
        let mut inner = self.inner.borrow_mut();
        if inner.problems.len() < MAX_PROBLEMS {
            inner.problems.push(problem);
        } else {
            inner.more += 1;
        }
    }

    /// How many problems were found so far (kept or not).
    pub(crate) fn count(&self) -> usize {
        let inner = self.inner.borrow();
        inner.problems.len() + inner.more
    }

    /// Record a problem that stops the pass, and the error to stop it with.
    pub(crate) fn fatal<E: serde::de::Error>(&self, problem: Problem) -> E {
        let message = problem.message.clone();
        self.inner.borrow_mut().fatal = Some(problem);
        E::custom(message)
    }

    pub(crate) fn finish(self) -> Findings {
        self.flush();
        let inner = self.inner.into_inner();
        Findings {
            problems: inner.problems,
            more: inner.more,
            fatal: inner.fatal,
            path: inner.path,
        }
    }

    /// "an object" or "a mapping", as the format calls it.
    pub(crate) fn map_word(&self) -> &'static str {
        match self.format {
            Format::Json => "an object",
            Format::Yaml => "a mapping",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the nesting of entered steps and pushed keys, the path reported is the one
    /// an eager stack would hold.
    #[test]
    fn the_key_path_is_the_nesting_so_far() {
        let ctx = Ctx::new(Format::Json);
        // What is open, innermost last: a step entered (true) or a key pushed (false).
        let mut open: Vec<bool> = Vec::new();
        let mut eager: Vec<Seg> = Vec::new();
        let mut state = 12_345_u64;
        for i in 0..20_000_usize {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let choice = (state >> 33) % 5;
            match choice {
                0 | 1 if open.len() < 12 => {
                    let step = if choice == 0 {
                        Step::Index(i)
                    } else {
                        Step::Field("field")
                    };
                    ctx.enter(step);
                    eager.push(step.into());
                    open.push(true);
                }
                2 if open.len() < 12 => {
                    ctx.push(Seg::Key(format!("k{i}")));
                    eager.push(Seg::Key(format!("k{i}")));
                    open.push(false);
                }
                _ => match open.pop() {
                    Some(true) => {
                        ctx.leave();
                        eager.pop();
                    }
                    Some(false) => assert_eq!(ctx.pop(), eager.pop()),
                    None => {}
                },
            }
            assert_eq!(ctx.here(None), eager, "after operation {i}");
        }
        assert!(eager.len() > 2, "the walk ends nested");
        assert_eq!(ctx.finish().path, eager);
    }
}
