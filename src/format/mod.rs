//! `tollgate fmt`: print a policy file in its one canonical layout (LANGUAGE.md section 8,
//! the details in docs/formatting.md).
//!
//! Syntax only: imports are not read and names are not checked, so a fragment without a
//! `policy` header formats like any file. The layout is built as a `doc::Doc` from the
//! syntax tree and its comments, then printed at [`WIDTH`] columns. Before anything is
//! returned, the output is parsed again and compared with the input (`verify`): a formatter
//! bug is an internal error, never a silently changed policy.
//!
//! ```
//! let messy = "policy \"p\" {version \"1\"}\nrule r {block when x>1   # high\n}";
//! let tidy = tollgate::format::format_str("p.gate", messy).unwrap();
//! assert_eq!(
//!     tidy,
//!     "policy \"p\" {\n  version \"1\"\n}\n\nrule r {\n  block when x > 1 # high\n}\n"
//! );
//! ```

mod doc;
mod expr;
mod json;
mod layout;
mod notes;
mod verify;

use crate::diagnostic::Diagnostics;
use crate::source::Sources;
use crate::span::FileId;
use crate::syntax;

/// Lines longer than this are broken where the layout allows (at `and`/`or`, between list
/// elements, call arguments and JSON members). Strings and comments are never broken.
pub const WIDTH: usize = 100;

/// Format file `file` of `sources`. Errors: the file's syntax errors, or an internal error
/// when the output would not be the same policy.
pub fn format_file(sources: &Sources, file: FileId) -> Result<String, Diagnostics> {
    let tree = syntax::parse(sources, file)?;
    let src: &str = &sources.get(file).text;
    let formatted = layout_file(src, &tree);
    verify::same_policy(sources, file, &tree, &formatted).map_err(Diagnostics::one)?;
    Ok(formatted)
}

/// Format `text`, shown as `name` in diagnostics.
pub fn format_str(name: &str, text: &str) -> Result<String, Diagnostics> {
    let mut sources = Sources::new();
    let id = sources.add(name, name, text);
    format_file(&sources, id)
}

/// The canonical text of a parsed file, unchecked.
fn layout_file(src: &str, tree: &syntax::ast::File) -> String {
    let mut fmt = layout::Fmt {
        src,
        notes: notes::Cursor::new(src, &tree.comments),
    };
    let mut d = fmt.file(tree);
    doc::propagate_breaks(&mut d);
    doc::render(&d, WIDTH)
}
