//! What importing one file found: errors, which reject the file, and warnings, which the
//! evaluation reports.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};
use crate::evidence::ctx::{Seg, Target};
use crate::evidence::locate::locate;
use crate::evidence::Format;

/// At most this many errors are reported per file, then a count of the rest.
const MAX_ERRORS: usize = 20;

pub(crate) struct Sink<'a> {
    /// The file as named on the command line.
    pub name: &'a str,
    /// The file's text, for labels (JSON formats only; empty otherwise).
    text: &'a str,
    shared: Option<Arc<str>>,
    errors: Vec<Diagnostic>,
    more: usize,
    pub warnings: Vec<String>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(name: &'a str, text: &'a str) -> Sink<'a> {
        Sink {
            name,
            text,
            shared: None,
            errors: Vec::new(),
            more: 0,
            warnings: Vec::new(),
        }
    }

    /// Record an error about the value at `at` (a JSON key path), labelled there when it can
    /// be found in the text.
    pub(crate) fn error(
        &mut self,
        at: &[Seg],
        message: impl AsRef<str>,
        label: &str,
        help: Option<String>,
    ) {
        if self.errors.len() >= MAX_ERRORS {
            self.more += 1;
            return;
        }
        let range = if at.is_empty() || self.text.is_empty() {
            None
        } else {
            locate(self.text, Format::Json, at, Target::Value)
        };
        let (start, len) = range.map_or((usize::MAX, 0), |r| (r.start, r.len()));
        self.error_at(start, len, message, label, help);
    }

    /// Record an error labelled at a byte range of the text (unlabelled when the range is
    /// not in the text).
    pub(crate) fn error_at(
        &mut self,
        start: usize,
        len: usize,
        message: impl AsRef<str>,
        label: &str,
        help: Option<String>,
    ) {
        if self.errors.len() >= MAX_ERRORS {
            self.more += 1;
            return;
        }
        let mut diagnostic = Diagnostic::error(
            Code::Evidence,
            format!("{}: {}", self.name, message.as_ref()),
        );
        let in_text = start
            .checked_add(len)
            .is_some_and(|end| end <= self.text.len() && self.text.is_char_boundary(start));
        if in_text {
            let text = self
                .shared
                .get_or_insert_with(|| Arc::from(self.text))
                .clone();
            diagnostic = diagnostic.with_text_label(self.name, text, start, len, label);
        }
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        self.errors.push(diagnostic);
    }

    /// Record an error that is not about one place in the file.
    pub(crate) fn fail(&mut self, message: impl AsRef<str>, help: Option<String>) {
        self.error(&[], message, "", help);
    }

    /// Record a diagnostic made elsewhere (a JSON syntax error).
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        if self.errors.len() >= MAX_ERRORS {
            self.more += 1;
        } else {
            self.errors.push(diagnostic);
        }
    }

    pub(crate) fn warn(&mut self, message: impl AsRef<str>) {
        self.warnings
            .push(format!("{}: {}", self.name, message.as_ref()));
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The errors, with a count of those not shown.
    pub(crate) fn into_errors(self) -> Vec<Diagnostic> {
        let mut errors = self.errors;
        if self.more > 0 {
            errors.push(Diagnostic::error(
                Code::Evidence,
                format!(
                    "{}: {} more problem{} not shown",
                    self.name,
                    self.more,
                    if self.more == 1 { "" } else { "s" }
                ),
            ));
        }
        errors
    }
}

/// A key path of JSON keys, for [`Sink::error`].
pub(crate) fn path(keys: &[&str]) -> Vec<Seg> {
    keys.iter().map(|k| Seg::Key((*k).to_string())).collect()
}
