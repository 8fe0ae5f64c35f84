//! Evidence bundles: loading JSON and YAML, strict validation, merging several files.
//!
//! The pipeline for one document is a single serde pass straight into the validated model
//! ([`model`]): the visitors in `shape` check every rule of `EVIDENCE.md` as they read, record
//! each problem with the key path where it was found, and go on, so one run reports every
//! problem in a file. Problems are then placed in the text (`locate`) and turned into
//! diagnostics (`report`). A document with any problem yields no bundle at all.
//!
//! A JSON document is first offered to a fast path (`fast_json`): serde reads a valid bundle
//! with no key path and no problem list, and gives up on anything else, which the validating
//! pass then reads. It accepts only what the validating pass accepts and builds the same
//! bundle (`tests/all/evidence_fast_path.rs`, the `evidence` fuzz target).
//!
//! The bundle's fields are described once, in `schema`: names, which are required, what each
//! holds. Both readers and the writer of native files (`import::write`) go by those tables,
//! and the value rules each kind implies are in `rules`, so a new field is added in one place.
//!
//! The files eval harnesses write (lm-evaluation-harness, Inspect, promptfoo, HELM, flags in
//! CSV) are read into the same model by [`import`], which also reads `--baseline` files and
//! `PREFIX=`/`FORMAT:` specs; [`load_inputs`] is its entry point and [`to_native_json`]
//! writes a bundle back in the native format.
//!
//! Choices where the spec is silent:
//! - `null` on an optional field means the field is absent; on a required field it is an error.
//! - `n` accepts a number with no fractional part (`1800.0`) up to 2^53.
//! - `stderr` and `baseline_stderr` must not be negative.
//! - Required strings (`source`, `category`, `role`, `by`, `rule`, `reason`) must contain more
//!   than white space; metric keys must not be empty; optional strings may be empty.
//! - Strings must be strings: in YAML, `by: 7` is a number and is rejected (quote it).
//! - A date-time must carry a UTC offset (`Z` or `+02:00`); a date alone is the start of that
//!   day in UTC. Both are compared as instants, so `2025-04-25` and `2025-04-25T00:00:00Z`
//!   agree when files are merged.
//! - File extensions are matched without regard to case; a leading UTF-8 byte order mark is
//!   ignored.
//! - YAML: one document per file; anchors and aliases are allowed (serde_yaml_ng bounds their
//!   expansion); tags (`!name`) and merge keys (`<<`) are not; flow collections may nest at
//!   most [`MAX_NESTING`] levels (checked before parsing: libyaml is quadratic in that depth).
//! - At most 20 problems are reported per file, then a count of the rest. A parser error (bad
//!   syntax, a JSON number out of range) ends the pass; the problems found before it are
//!   still reported.
//! - Files over [`MAX_FILE_BYTES`] are refused with `tollgate::limit` before they are read.

mod ctx;
mod fast_json;
pub mod import;
mod load;
mod locate;
mod merge;
pub mod model;
mod parse;
mod report;
mod rules;
mod samples;
mod schema;
mod shape;
pub mod statement;
mod time;
mod words;

use std::path::Path;

use crate::diagnostic::Diagnostics;

pub use import::{load as load_inputs, load_specs, to_native_json, Input, Options};
pub use load::MAX_FILE_BYTES;
pub use model::{
    Bundle, EvidenceFile, Flag, InputFormat, Metric, Paired, Role, Samples, Signoff, Stamp,
    Summary, Waiver,
};
pub use parse::MAX_NESTING;
pub use time::parse_instant;

/// The two formats an evidence file may be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// The format a path's extension names: `.json`, `.yaml` or `.yml` (any case).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        }
    }
}

/// Load and merge evidence files in order. The name must end in `.json`, `.yaml` or `.yml`;
/// a `.json` file that is not a valid native bundle but is recognisably a harness output
/// (lm-eval, Inspect, promptfoo, HELM) is imported as one ([`import`]). Every file is read
/// and checked, and the errors of all of them are reported together; the files are merged
/// only when all of them are valid.
pub fn load_files(paths: &[impl AsRef<Path>]) -> Result<Bundle, Diagnostics> {
    import::load_paths(paths)
}

/// Parse one document already in memory (test blocks with inline JSON, fuzzing). `name` is
/// shown in errors and recorded as the file's path; the sha256 is of the text.
pub fn parse_str(name: &str, text: &str, format: Format) -> Result<Bundle, Diagnostics> {
    parse::parse_document(
        name,
        text,
        format,
        &crate::digest::sha256_hex(text.as_bytes()),
    )
    .map_err(Diagnostics)
}

/// The two readers of a JSON document, each on its own: the fast path's bundle (`None` when
/// it leaves the document to the validating pass) and the validating pass's result, both
/// with an empty sha256. For the tests and the fuzz target that check that the fast path
/// accepts nothing the validating pass rejects and builds the same bundle; not part of the
/// API.
#[doc(hidden)]
pub fn json_readers(name: &str, text: &str) -> (Option<Bundle>, Result<Bundle, Diagnostics>) {
    let (fast, validated) = parse::json_readers(name, text);
    (fast, validated.map_err(Diagnostics))
}

/// Merge bundles in order (EVIDENCE.md "Merging"): metric keys must be unique across the
/// parts, flags, signoffs and waivers are concatenated, and `candidate`, `baseline`, `stage`
/// and `as_of` must agree where more than one part sets them.
pub fn merge(parts: Vec<Bundle>) -> Result<Bundle, Diagnostics> {
    merge::merge(parts, &[]).map_err(Diagnostics)
}
