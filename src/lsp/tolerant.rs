//! Error tolerance: a file with a syntax error in one item still gets symbols, hover and
//! definitions in the others. The broken item's text is blanked out (spaces, line breaks
//! kept, so every offset stays put) and the file parsed again, item by item, until it parses.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::source::Sources;
use crate::syntax;

/// After this many rounds of blanking, the rest of the file is given up on.
const MAX_ROUNDS: usize = 16;

/// A file's text made parseable, and the syntax errors of the text as written.
#[derive(Debug, Clone)]
pub struct Tolerant {
    /// The text as written with every broken item blanked; equal to it when nothing broke.
    pub text: String,
    pub errors: Vec<Diagnostic>,
}

/// Parse `text` and blank out what does not parse.
pub fn recover(path: &Path, text: &str) -> Tolerant {
    let Err(errors) = parse(path, text) else {
        return Tolerant {
            text: text.to_owned(),
            errors: Vec::new(),
        };
    };
    let mut current = text.to_owned();
    let mut latest = errors.clone();
    for _ in 0..MAX_ROUNDS {
        let before = current.clone();
        for offset in latest.iter().map(error_offset) {
            let (start, end) = broken_item(&current, offset);
            blank(&mut current, start, end);
        }
        match parse(path, &current) {
            Ok(()) => {
                return Tolerant {
                    text: current,
                    errors,
                }
            }
            Err(again) if current != before => latest = again,
            Err(_) => break,
        }
    }
    let all = current.len();
    blank(&mut current, 0, all);
    Tolerant {
        text: current,
        errors,
    }
}

fn parse(path: &Path, text: &str) -> Result<(), Vec<Diagnostic>> {
    let mut sources = Sources::new();
    let id = sources.add(path, path.display().to_string(), text);
    syntax::parse(&sources, id).map(drop).map_err(|d| d.0)
}

/// Where a syntax error points; one with no place (a size limit) points at the start.
fn error_offset(d: &Diagnostic) -> usize {
    d.labels.first().map_or(0, |l| l.offset())
}

/// The item around `offset`: from the start of the item line at or before it to the next.
fn broken_item(text: &str, offset: usize) -> (usize, usize) {
    let start = syntax::item_starts(text)
        .take_while(|&s| s <= offset)
        .last()
        .map_or(0, |s| line_start(text, s));
    let end = syntax::item_starts(text)
        .map(|s| line_start(text, s))
        .find(|&s| s > offset && s > start)
        .unwrap_or(text.len());
    (start, end)
}

fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// Replace bytes `start..end` with spaces, keeping line breaks (and so every offset).
pub fn blank(text: &mut String, start: usize, end: usize) {
    let Some(part) = text.get(start..end) else {
        return;
    };
    let blanked: String = part
        .chars()
        .flat_map(|c| {
            let n = if c == '\n' { 0 } else { c.len_utf8() };
            std::iter::repeat_n(' ', n).chain((c == '\n').then_some('\n'))
        })
        .collect();
    text.replace_range(start..end, &blanked);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_broken_rule_is_blanked_and_the_others_kept() {
        let text =
            "metric a from \"a\"\nrule r {\n  block when a >\n}\nrule s {\n  block when a > 1\n}\n";
        let t = recover(Path::new("p.gate"), text);
        assert_eq!(t.errors.len(), 1);
        assert_eq!(t.text.len(), text.len());
        assert!(t.text.contains("metric a from \"a\""));
        assert!(t.text.contains("rule s {"));
        assert!(!t.text.contains("rule r"));
    }

    proptest! {
        /// Whatever the text, the result parses and has the same length and line breaks.
        #[test]
        fn recovered_text_parses_and_keeps_offsets(
            text in "(rule r \\{\n|  block when x > 1\n|metric m from \"k\"\n|\\}\n|let a = \\(\n|é\n){0,8}"
        ) {
            let t = recover(Path::new("p.gate"), &text);
            prop_assert!(parse(Path::new("p.gate"), &t.text).is_ok());
            prop_assert_eq!(t.text.len(), text.len());
            prop_assert_eq!(t.text.matches('\n').count(), text.matches('\n').count());
        }
    }
}
