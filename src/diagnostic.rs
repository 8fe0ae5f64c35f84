//! Every problem Tollgate reports: a stable code, a message, labelled spans in a named source,
//! help that says what to do, and related diagnostics for second locations (possibly in
//! another file). Rendered by miette.

use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceCode};

use crate::source::Sources;
use crate::span::Span;

/// Stable diagnostic codes. They appear in output (`tollgate::syntax`) and never change
/// meaning, so tools and docs can refer to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    Syntax,
    Io,
    Import,
    ImportCycle,
    Duplicate,
    UnknownName,
    LetCycle,
    Type,
    Rule,
    Header,
    Test,
    Evidence,
    Usage,
    Internal,
    Limit,
    Unused,
    Trust,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "tollgate::syntax",
            Code::Io => "tollgate::io",
            Code::Import => "tollgate::import",
            Code::ImportCycle => "tollgate::import_cycle",
            Code::Duplicate => "tollgate::duplicate",
            Code::UnknownName => "tollgate::unknown_name",
            Code::LetCycle => "tollgate::let_cycle",
            Code::Type => "tollgate::type",
            Code::Rule => "tollgate::rule",
            Code::Header => "tollgate::header",
            Code::Test => "tollgate::test",
            Code::Evidence => "tollgate::evidence",
            Code::Usage => "tollgate::usage",
            Code::Internal => "tollgate::internal",
            Code::Limit => "tollgate::limit",
            Code::Unused => "tollgate::unused",
            Code::Trust => "tollgate::trust",
        }
    }
}

/// Longest source line a diagnostic quotes; longer lines are named by line and column only.
pub const MAX_QUOTED_LINE: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// One diagnostic. Build it with [`Diagnostic::error`] and the `with_*` methods; read its
/// fields directly (through `Deref`). Boxed so that `Result<_, Diagnostic>` stays one word.
#[derive(Clone)]
pub struct Diagnostic(Box<Fields>);

/// The parts of a [`Diagnostic`].
#[derive(Clone)]
pub struct Fields {
    pub code: Code,
    pub level: Level,
    pub message: String,
    pub source: Option<NamedSource<Arc<str>>>,
    pub labels: Vec<LabeledSpan>,
    pub help: Option<String>,
    pub related: Vec<Diagnostic>,
    /// File name, 1-based line and column of the primary label, for one-line renderings
    /// (JSON, SARIF, GitHub annotations).
    pub location: Option<Location>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic(Box::new(Fields {
            code,
            level: Level::Error,
            message: message.into(),
            source: None,
            labels: Vec::new(),
            help: None,
            related: Vec::new(),
            location: None,
        }))
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(code, message);
        d.level = Level::Warning;
        d
    }

    /// Attach a labelled span in a policy source. The first label also sets the location.
    pub fn with_label(
        mut self,
        sources: &Sources,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        let file = sources.get(span.file);
        if self.source.is_none() {
            self.source = Some(file.named_source());
            let (line, column) = file.line_col(span.start as usize);
            self.location = Some(Location {
                file: file.name.clone(),
                line,
                column,
            });
        }
        self.labels
            .push(LabeledSpan::new_with_span(Some(label.into()), span));
        self
    }

    /// Attach a labelled byte range in a non-policy text (an evidence file).
    pub fn with_text_label(
        mut self,
        name: &str,
        text: Arc<str>,
        offset: usize,
        len: usize,
        label: impl Into<String>,
    ) -> Diagnostic {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before
            .get(before.rfind('\n').map_or(0, |i| i + 1)..)
            .map_or(0, |s| s.chars().count())
            + 1;
        let line_end = text
            .get(offset..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |i| offset + i);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        if line_end - line_start > MAX_QUOTED_LINE {
            // A minified file is one enormous line: quoting it helps nobody (and the
            // renderer cannot lay it out), so name the place instead.
            self.message = format!("{} (at {name}:{line}:{column})", self.message);
        } else {
            self.source = Some(NamedSource::new(name, text));
            self.labels
                .push(LabeledSpan::new(Some(label.into()), offset, len));
        }
        self.location = Some(Location {
            file: name.to_string(),
            line,
            column,
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, related: Diagnostic) -> Diagnostic {
        self.related.push(related);
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl std::ops::Deref for Diagnostic {
    type Target = Fields;
    fn deref(&self) -> &Fields {
        &self.0
    }
}

impl std::ops::DerefMut for Diagnostic {
    fn deref_mut(&mut self) -> &mut Fields {
        &mut self.0
    }
}

impl fmt::Debug for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diagnostic")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("location", &self.location)
            .field("help", &self.help)
            .finish()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|d| d as &dyn miette::Diagnostic),
            ))
        }
    }
}

/// A failure that stops the pipeline: one or more errors (every error in a file, not only
/// the first), plus any warnings gathered on the way.
#[derive(Debug, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn one(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        write!(f, "{errors} error(s)")
    }
}

impl std::error::Error for Diagnostics {}
