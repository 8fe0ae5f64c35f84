//! Reading evidence files from disk: size limit, UTF-8, format by extension, then parse and
//! merge.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};

use super::merge::{self, Source};
use super::model::Bundle;
use super::parse::parse_document;
use super::Format;

/// The largest evidence file read: 64 MiB. A larger file is refused (`tollgate::limit`)
/// before it is parsed; split the evidence into several files instead.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Lowercase hex sha256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

pub(crate) fn load_files(paths: &[impl AsRef<Path>]) -> Result<Bundle, Diagnostics> {
    let mut parts = Vec::with_capacity(paths.len());
    let mut sources = Vec::with_capacity(paths.len());
    let mut errors = Vec::new();
    for path in paths {
        let path = path.as_ref();
        match load_one(path) {
            Ok((bundle, source)) => {
                parts.push(bundle);
                sources.push(source);
            }
            Err(mut found) => errors.append(&mut found),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    merge::merge(parts, &sources).map_err(Diagnostics)
}

fn load_one(path: &Path) -> Result<(Bundle, Source), Vec<Diagnostic>> {
    let name = path.display().to_string();
    let Some(format) = Format::from_path(path) else {
        return Err(vec![Diagnostic::error(
            Code::Evidence,
            format!(
                "{name}: cannot tell the format of this evidence file; its name must end in \
                 .json, .yaml or .yml"
            ),
        )
        .with_help("rename the file, or convert it to JSON or YAML")]);
    };
    let bytes = read_limited(path, &name)?;
    let sha256 = sha256_hex(&bytes);
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Err(vec![not_utf8(&name, &e)]),
    };
    let bundle = parse_document(&name, &text, format, &sha256)?;
    Ok((bundle, Source { name, text, format }))
}

/// The file's bytes, refusing folders and files over [`MAX_FILE_BYTES`]. (The error is a
/// list only to keep the `Result` small.)
fn read_limited(path: &Path, name: &str) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let io_error = |e: std::io::Error| {
        vec![Diagnostic::error(
            Code::Io,
            format!("{name}: cannot read the evidence file: {e}"),
        )]
    };
    let file = File::open(path).map_err(io_error)?;
    let metadata = file.metadata().map_err(io_error)?;
    if metadata.is_dir() {
        return Err(vec![Diagnostic::error(
            Code::Io,
            format!("{name}: cannot read the evidence file: it is a folder"),
        )]);
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(vec![too_large(name, metadata.len())]);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if len > MAX_FILE_BYTES {
        return Err(vec![too_large(name, len)]);
    }
    Ok(bytes)
}

fn too_large(name: &str, len: u64) -> Diagnostic {
    Diagnostic::error(
        Code::Limit,
        format!(
            "{name}: the evidence file is larger than the limit of 64 MiB \
             ({MAX_FILE_BYTES} bytes; this one has {len}{})",
            if len > MAX_FILE_BYTES + 1 {
                ""
            } else {
                " or more"
            }
        ),
    )
    .with_help("split the evidence into several files and pass each with its own --evidence")
}

/// A file that is not UTF-8: point at the first bad byte in a lossy copy of the text.
fn not_utf8(name: &str, e: &std::string::FromUtf8Error) -> Diagnostic {
    let at = e.utf8_error().valid_up_to();
    let text: Arc<str> = Arc::from(String::from_utf8_lossy(e.as_bytes()).as_ref());
    // The first bad byte became U+FFFD, three bytes long, at the same offset.
    Diagnostic::error(
        Code::Evidence,
        format!("{name}: the evidence file is not UTF-8 text (bad byte at offset {at})"),
    )
    .with_text_label(name, text, at, '\u{fffd}'.len_utf8(), "not UTF-8")
    .with_help("save the file as UTF-8")
}
