//! Inspect `.eval` logs: the zip archive Inspect writes by default. `header.json` holds the
//! log without its samples (read as a `.json` log is), and `samples/<id>_epoch_<n>.json`
//! one sample each, read one at a time so that memory holds one sample's messages at most.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use zip::ZipArchive;

use crate::diagnostic::{Code, Diagnostic};
use crate::digest::Streaming;

use super::inspect::{summary, Log};
use super::inspect_scores::{Sample, Scores};
use super::json::tolerant;
use super::sink::Sink;
use super::{Imported, Options};

/// What an archive held: its import, its warnings, and the sha256 of its bytes.
pub(crate) struct Archive {
    pub imported: Imported,
    pub warnings: Vec<String>,
    pub sha256: String,
}

/// Read the `.eval` archive at `path`, named `name` in messages.
pub(crate) fn import_archive(
    path: &Path,
    name: &str,
    options: &Options,
) -> Result<Archive, Vec<Diagnostic>> {
    let io_error = |e: std::io::Error| {
        vec![Diagnostic::error(
            Code::Io,
            format!("{name}: cannot read the Inspect log: {e}"),
        )]
    };
    let sha256 = digest(path).map_err(io_error)?;
    let file = File::open(path).map_err(io_error)?;
    let mut archive = ZipArchive::new(BufReader::new(file)).map_err(|e| {
        vec![Diagnostic::error(
            Code::Evidence,
            format!("{name}: the file starts like a zip archive but cannot be read as one: {e}"),
        )
        .with_help("an Inspect `.eval` log is a zip archive; check that it was copied whole")]
    })?;
    let header = read_entry(&mut archive, "header.json", name)?.ok_or_else(|| {
        vec![Diagnostic::error(
            Code::Evidence,
            format!(
                "{name}: the archive has no header.json: this is not an Inspect `.eval` log, or \
                 its run has not finished"
            ),
        )
        .with_help("Inspect writes header.json when the evaluation ends")]
    })?;
    let header_name = format!("{name} (header.json)");
    let mut sink = Sink::new(&header_name, &header);
    let log: Option<Log> = super::parse_json(&header, &mut sink);
    let mut scores = Scores::new(options.cluster_by.as_deref());
    let mut entries: Vec<String> = archive
        .file_names()
        .filter(|n| n.starts_with("samples/") && n.ends_with(".json"))
        .map(str::to_string)
        .collect();
    // In item order (`samples/2_…` before `samples/10_…`), not the order written.
    entries.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    for entry in &entries {
        let Some(text) = read_entry(&mut archive, entry, name)? else {
            continue;
        };
        match serde_json::from_str::<Sample>(&tolerant(&text)) {
            Ok(sample) => scores.add(&sample, &mut sink),
            Err(e) => sink.fail(
                format!("the entry {entry} is not an Inspect sample: {e}"),
                None,
            ),
        }
    }
    let imported = log.and_then(|log| {
        let (mut out, task) = summary(&log, &mut sink, options.allow_incomplete)?;
        scores.attach(&task, &mut out, &mut sink);
        Some(out)
    });
    match imported {
        Some(imported) if !sink.has_errors() => Ok(Archive {
            imported,
            warnings: std::mem::take(&mut sink.warnings),
            sha256,
        }),
        _ => Err(sink.into_errors()),
    }
}

/// The sha256 of the file, read in pieces.
fn digest(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hash = Streaming::default();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        let Some(piece) = buffer.get(..read).filter(|p| !p.is_empty()) else {
            break;
        };
        hash.update(piece);
    }
    Ok(hash.finish())
}

/// The text of the archive's entry `entry`; `None` when there is none. An entry larger than
/// the evidence file limit is refused, so a small archive cannot expand without bound.
fn read_entry<R: std::io::Read + std::io::Seek>(
    archive: &mut ZipArchive<R>,
    entry: &str,
    name: &str,
) -> Result<Option<String>, Vec<Diagnostic>> {
    let problem = |what: String| {
        vec![Diagnostic::error(
            Code::Evidence,
            format!("{name}: the archive entry {entry} {what}"),
        )]
    };
    let file = match archive.by_name(entry) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(problem(format!("cannot be read: {e}"))),
    };
    let max = crate::limits::EVIDENCE_BYTES.get();
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| problem(format!("cannot be read: {e}")))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max {
        return Err(vec![Diagnostic::error(
            Code::Limit,
            format!("{name}: the archive entry {entry} is larger than the limit of {max} bytes"),
        )
        .with_help(crate::limits::EVIDENCE_BYTES.how_to_raise())]);
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| problem(String::from("is not UTF-8 text")))
}
