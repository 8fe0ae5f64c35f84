//! Reading evidence files from disk: size limit, sha256, UTF-8. (Choosing the format,
//! parsing and merging are in `import`.)

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};

/// The largest evidence file read by default: 64 MiB, the default of
/// [`crate::limits::EVIDENCE_BYTES`], which owns it. A larger file is refused
/// (`tollgate::limit`) before it is parsed; split the evidence into several files instead.
pub const MAX_FILE_BYTES: u64 = crate::limits::EVIDENCE_BYTES.default;

/// The file's bytes, refusing folders and files over the limit ([`MAX_FILE_BYTES`] unless
/// `TOLLGATE_MAX_EVIDENCE_BYTES` says otherwise: [`crate::limits::EVIDENCE_BYTES`]). (The error is a
/// list only to keep the `Result` small.)
pub(crate) fn read_limited(path: &Path, name: &str) -> Result<Vec<u8>, Vec<Diagnostic>> {
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
    let max = crate::limits::EVIDENCE_BYTES.get();
    if metadata.len() > max {
        return Err(vec![too_large(name, metadata.len(), max)]);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if len > max {
        return Err(vec![too_large(name, len, max)]);
    }
    Ok(bytes)
}

fn too_large(name: &str, len: u64, max: u64) -> Diagnostic {
    Diagnostic::error(
        Code::Limit,
        format!(
            "{name}: the evidence file is larger than the limit of {max} bytes{} (this one has \
             {len}{})",
            crate::limits::in_mib(max),
            if len > max.saturating_add(1) {
                ""
            } else {
                " or more"
            }
        ),
    )
    .with_help(format!(
        "split the evidence into several files and pass each with its own --evidence; {}",
        crate::limits::EVIDENCE_BYTES.how_to_raise()
    ))
}

/// A file that is not UTF-8: point at the first bad byte in a lossy copy of the text.
pub(crate) fn not_utf8(name: &str, e: &std::string::FromUtf8Error) -> Diagnostic {
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
