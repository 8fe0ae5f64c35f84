//! A small pretty-printing document and its printer, after Wadler's "A prettier printer" as
//! prettier implements it: a [`Doc::Group`] prints flat (its [`Doc::Line`]s as spaces) when
//! it fits in the remaining width, else broken (each `Line` a line break at its nesting).
//!
//! Layout decisions depend only on the document, never on the text it came from, so printing
//! is deterministic; the few choices the author's layout may make (a list written one element
//! a line) arrive as [`Doc::Group`]s already marked broken.

/// A document: what to print and where it may break.
#[derive(Debug, Clone)]
pub(crate) enum Doc {
    /// Text without line breaks.
    Text(String),
    /// A space when the enclosing group is flat, a line break when it is broken.
    Line,
    /// Nothing when the enclosing group is flat, a line break when it is broken.
    SoftLine,
    /// Always a line break; every enclosing group breaks.
    HardLine,
    /// Text printed only when the enclosing group is broken (a trailing comma).
    IfBreak(&'static str),
    /// The line breaks inside are indented this many more columns.
    Nest(usize, Box<Doc>),
    /// Flat if it fits, else broken; `broken` forces the latter.
    Group {
        doc: Box<Doc>,
        broken: bool,
    },
    Concat(Vec<Doc>),
    /// A trailing comment: printed at the end of the current line, just before its break.
    Suffix(String),
    /// Breaks every enclosing group.
    BreakParent,
}

pub(crate) fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

pub(crate) fn concat(docs: Vec<Doc>) -> Doc {
    Doc::Concat(docs)
}

pub(crate) fn nest(by: usize, doc: Doc) -> Doc {
    Doc::Nest(by, Box::new(doc))
}

pub(crate) fn group(doc: Doc) -> Doc {
    Doc::Group {
        doc: Box::new(doc),
        broken: false,
    }
}

/// A group that breaks when `broken` (the author wrote it over several lines), else as it fits.
pub(crate) fn group_if(doc: Doc, broken: bool) -> Doc {
    Doc::Group {
        doc: Box::new(doc),
        broken,
    }
}

/// Mark every group that holds a hard break as broken. Returns whether `doc` holds one.
/// Recursion follows the document's nesting, which follows the expression nesting the parser
/// already capped.
pub(crate) fn propagate_breaks(doc: &mut Doc) -> bool {
    match doc {
        Doc::HardLine | Doc::BreakParent => true,
        Doc::Nest(_, d) => propagate_breaks(d),
        Doc::Concat(docs) => docs
            .iter_mut()
            .fold(false, |any, d| propagate_breaks(d) | any),
        Doc::Group { doc, broken } => {
            let inner = propagate_breaks(doc);
            *broken |= inner;
            *broken
        }
        Doc::Text(_) | Doc::Line | Doc::SoftLine | Doc::IfBreak(_) | Doc::Suffix(_) => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// Print `doc` in lines of at most `width` columns where the groups allow. Run
/// [`propagate_breaks`] first.
pub(crate) fn render(doc: &Doc, width: usize) -> String {
    let mut p = Printer::default();
    let mut stack: Vec<(usize, Mode, &Doc)> = vec![(0, Mode::Break, doc)];
    while let Some((indent, mode, d)) = stack.pop() {
        match d {
            Doc::Text(s) => p.text(s),
            Doc::Concat(docs) => stack.extend(docs.iter().rev().map(|d| (indent, mode, d))),
            Doc::Nest(by, d) => stack.push((indent + by, mode, d)),
            Doc::Group { doc, broken } => {
                let flat = mode == Mode::Flat
                    || (!broken && fits(width.saturating_sub(p.col), doc, &stack));
                let mode = if flat { Mode::Flat } else { Mode::Break };
                stack.push((indent, mode, doc));
            }
            Doc::Line => match mode {
                Mode::Flat => p.text(" "),
                Mode::Break => p.newline(indent),
            },
            Doc::SoftLine => {
                if mode == Mode::Break {
                    p.newline(indent);
                }
            }
            Doc::HardLine => p.newline(indent),
            Doc::IfBreak(s) => {
                if mode == Mode::Break {
                    p.text(s);
                }
            }
            Doc::Suffix(s) => p.suffixes.push(s.clone()),
            Doc::BreakParent => {}
        }
    }
    p.flush_suffixes(0);
    p.trim_line_end();
    p.out
}

/// Whether `doc`, printed flat, and what follows it up to the next line break fit in `room`
/// columns. Trailing comments do not count: they may run past the width.
fn fits(room: usize, doc: &Doc, rest: &[(usize, Mode, &Doc)]) -> bool {
    let mut room = isize::try_from(room).unwrap_or(isize::MAX);
    let mut local: Vec<(Mode, &Doc)> = vec![(Mode::Flat, doc)];
    let mut rest = rest.iter().rev();
    loop {
        let (mode, d) = match local.pop() {
            Some(next) => next,
            None => match rest.next() {
                Some(&(_, mode, d)) => (mode, d),
                None => return true,
            },
        };
        match d {
            Doc::Text(s) => room -= width_of(s),
            Doc::Concat(docs) => local.extend(docs.iter().rev().map(|d| (mode, d))),
            Doc::Nest(_, d) => local.push((mode, d)),
            Doc::Group { doc, broken } => {
                local.push((if *broken { Mode::Break } else { mode }, doc));
            }
            Doc::Line => match mode {
                Mode::Flat => room -= 1,
                Mode::Break => return true,
            },
            Doc::SoftLine => {
                if mode == Mode::Break {
                    return true;
                }
            }
            Doc::HardLine => return true,
            Doc::IfBreak(s) => {
                if mode == Mode::Break {
                    room -= width_of(s);
                }
            }
            Doc::Suffix(_) | Doc::BreakParent => {}
        }
        if room < 0 {
            return false;
        }
    }
}

/// Columns a text takes: one per character.
pub(crate) fn width_of(s: &str) -> isize {
    isize::try_from(s.chars().count()).unwrap_or(isize::MAX)
}

#[derive(Default)]
struct Printer {
    out: String,
    /// Column of the next character.
    col: usize,
    /// Indentation owed to the current line, written with its first text (so blank lines
    /// carry no spaces).
    pending_indent: Option<usize>,
    /// Trailing comments waiting for the end of the line.
    suffixes: Vec<String>,
}

impl Printer {
    fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(indent) = self.pending_indent.take() {
            self.out.extend(std::iter::repeat_n(' ', indent));
        }
        self.out.push_str(s);
        self.col += s.chars().count();
    }

    fn newline(&mut self, indent: usize) {
        self.flush_suffixes(indent);
        self.trim_line_end();
        self.out.push('\n');
        self.pending_indent = Some(indent);
        self.col = indent;
    }

    /// Write the waiting trailing comments: the first at the end of the current line, any
    /// other on a line of its own at `indent` (the layout never queues two, but a comment must
    /// not swallow another).
    fn flush_suffixes(&mut self, indent: usize) {
        for (i, s) in std::mem::take(&mut self.suffixes).into_iter().enumerate() {
            let line_has_text = self.pending_indent.is_none() && !self.out.is_empty();
            if i > 0 || !line_has_text {
                if line_has_text {
                    self.trim_line_end();
                    self.out.push('\n');
                }
                self.pending_indent = Some(indent);
                self.text(&s);
            } else {
                self.text(" ");
                self.text(&s);
            }
        }
    }

    /// Drop spaces at the end of the current line. Strings and comments never end a line
    /// with a space (strings hold no line break, comments are trimmed), so only layout goes.
    fn trim_line_end(&mut self) {
        let kept = self.out.trim_end_matches(' ').len();
        self.out.truncate(kept);
    }
}

#[cfg(test)]
#[path = "doc_tests.rs"]
mod tests;
