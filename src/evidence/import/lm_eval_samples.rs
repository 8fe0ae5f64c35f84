//! lm-evaluation-harness `--log_samples` files, `samples_<task>_<TS>.jsonl`: one JSON row per
//! item and filter. `doc_id` is the item id; each metric the row's `metrics` list names (or,
//! without that list, each number beside the row's own fields) is a score for
//! `<task>.<metric>[.<filter>]`, the key of the results file's summary metric; rows repeated
//! for one `doc_id` and filter are repeats; `doc_hash` fingerprints the question.
//!
//! The file is streamed one line at a time and each row's prompts, documents and responses
//! are skipped unread, so memory grows with the items kept, not with the file's size.
//! A results file `results_<TS>.json` brings the samples files beside it with the same
//! `<TS>` ([`beside`]).

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::digest::Streaming;

use super::items::{fingerprint, Items};
use super::json::{tolerant, MARK};
use super::lm_eval::key_name;
use super::sink::Sink;

/// What one samples file holds.
pub(crate) struct SamplesFile {
    /// Per-item scores by metric key.
    pub samples: IndexMap<String, Items>,
    pub sha256: String,
    pub warnings: Vec<String>,
}

/// The task and timestamp of a samples file's name, `samples_<task>_<TS>.jsonl`.
pub(crate) fn parse_name(path: &Path) -> Option<(String, String)> {
    let name = path.file_name()?.to_str()?;
    let middle = name.strip_prefix("samples_")?.strip_suffix(".jsonl")?;
    let (task, stamp) = middle.rsplit_once('_')?;
    (!task.is_empty() && !stamp.is_empty()).then(|| (task.to_string(), stamp.to_string()))
}

/// The samples files beside a results file `results_<TS>.json` whose `<TS>` is the same,
/// in name order (none when the results file's name has no timestamp).
pub(crate) fn beside(results: &Path) -> Vec<PathBuf> {
    let stamp = results
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("results_")?.strip_suffix(".json"));
    let Some(stamp) = stamp.filter(|s| !s.is_empty()) else {
        return Vec::new();
    };
    let folder = match results.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| parse_name(p).is_some_and(|(_, s)| s == stamp))
        .map(|p| match results.parent() {
            Some(parent) => parent.join(p.file_name().unwrap_or_default()),
            None => p,
        })
        .collect();
    found.sort();
    found
}

/// Read the samples file at `path` (named `name` in messages) of task `task`.
pub(crate) fn read(path: &Path, name: &str, task: &str) -> Result<SamplesFile, Vec<Diagnostic>> {
    let io_error = |e: std::io::Error| {
        vec![Diagnostic::error(
            Code::Io,
            format!("{name}: cannot read the lm-eval samples file: {e}"),
        )]
    };
    let file = File::open(path).map_err(io_error)?;
    if file.metadata().map_err(io_error)?.is_dir() {
        return Err(vec![Diagnostic::error(
            Code::Io,
            format!("{name}: cannot read the lm-eval samples file: it is a folder"),
        )]);
    }
    // The sha256 the decision record names is computed on a second thread from the very
    // bytes parsed: hashing a samples file costs about as much as parsing it.
    let (chunks, received) = mpsc::sync_channel::<Vec<u8>>(4);
    std::thread::scope(|scope| {
        let hasher = std::thread::Builder::new()
            .name("sha256".into())
            .spawn_scoped(scope, move || {
                let mut digest = Streaming::default();
                for chunk in received {
                    digest.update(&chunk);
                }
                digest.finish()
            })
            .map_err(io_error)?;
        let reader = BufReader::with_capacity(1 << 20, Teed { file, chunks });
        let parsed = parse(reader, name, task);
        let sha256 = hasher.join().map_err(|_| {
            vec![Diagnostic::error(
                Code::Io,
                format!("{name}: hashing the lm-eval samples file failed"),
            )]
        })?;
        let (samples, warnings) = parsed?;
        Ok(SamplesFile {
            samples,
            sha256,
            warnings,
        })
    })
}

/// A file whose bytes, as they are read, also go to the hashing thread.
struct Teed {
    file: File,
    chunks: mpsc::SyncSender<Vec<u8>>,
}

impl Read for Teed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        if let Some(read) = buf.get(..n).filter(|read| !read.is_empty()) {
            self.chunks
                .send(read.to_vec())
                .map_err(|_| std::io::Error::other("the hashing thread stopped"))?;
        }
        Ok(n)
    }
}

/// The rows of a samples file: its items by metric key, and its warnings.
type Parsed = (IndexMap<String, Items>, Vec<String>);

fn parse(mut reader: BufReader<Teed>, name: &str, task: &str) -> Result<Parsed, Vec<Diagnostic>> {
    let io_error = |e: std::io::Error| {
        vec![Diagnostic::error(
            Code::Io,
            format!("{name}: cannot read the lm-eval samples file: {e}"),
        )]
    };
    let mut sink = Sink::new(name, "");
    let mut samples: IndexMap<String, Items> = IndexMap::new();
    let mut no_scores: IndexMap<String, ()> = IndexMap::new();
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(io_error)?;
        if read == 0 {
            break;
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let row = match serde_json::from_slice::<Row>(&line) {
            Ok(row) => row,
            // Python writes a bare `NaN`: read it again to say which score it is.
            Err(first) => match std::str::from_utf8(&line)
                .ok()
                .and_then(|text| serde_json::from_str::<Row>(&tolerant(text)).ok())
            {
                Some(row) => row,
                None => {
                    sink.fail(format!("line {number} is not a JSON row: {first}"), None);
                    continue;
                }
            },
        };
        let Some(id) = row.doc_id else {
            sink.fail(format!("line {number} has no `doc_id`"), None);
            continue;
        };
        let filter = row.filter.as_deref().unwrap_or("none");
        let hash = row.doc_hash.as_deref().map(fingerprint);
        for (metric, scalar) in &row.fields {
            if row.metrics.as_ref().is_some_and(|m| !m.contains(metric)) {
                continue;
            }
            let key = key_name(task, metric, filter);
            match *scalar {
                Scalar::Number(score) => samples.entry(key).or_default().add(&id, score, hash),
                Scalar::NotFinite => sink.fail(
                    format!(
                        "line {number}: the score `{metric}` of item {id} is not a finite \
                         number"
                    ),
                    Some(String::from("per-item scores must be finite numbers")),
                ),
                // Corpus-level metrics (bleu, f1 of some tasks) store the inputs of the
                // score, not a score, in each row.
                Scalar::Other if row.metrics.is_some() => {
                    no_scores.insert(key, ());
                }
                Scalar::Other => {}
            }
        }
    }
    for (key, ()) in no_scores {
        if samples.get(&key).is_none_or(Items::is_empty) {
            sink.warn(format!(
                "the rows hold no per-item score for `{key}` (a corpus-level metric); it has \
                 no per-item scores"
            ));
        }
    }
    if samples.is_empty() && !sink.has_errors() {
        sink.warn("the file holds no per-item scores");
    }
    if sink.has_errors() {
        return Err(sink.into_errors());
    }
    Ok((samples, std::mem::take(&mut sink.warnings)))
}

/// The parts of a row that are read; the rest is skipped without being kept.
#[derive(Default)]
struct Row {
    doc_id: Option<String>,
    filter: Option<String>,
    doc_hash: Option<String>,
    metrics: Option<Vec<String>>,
    /// Every other field whose value is a number (or a number that is not finite).
    fields: Vec<(String, Scalar)>,
}

/// A row's field as far as a score goes.
#[derive(Clone, Copy)]
enum Scalar {
    Number(f64),
    NotFinite,
    Other,
}

/// Row fields that are never scores.
const NOT_SCORES: &[&str] = &[
    "doc",
    "target",
    "arguments",
    "resps",
    "filtered_resps",
    "prompt_hash",
    "target_hash",
    "task_name",
    "task",
];

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RowVisitor)
    }
}

struct RowVisitor;

impl<'de> Visitor<'de> for RowVisitor {
    type Value = Row;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object (one lm-eval sample row)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
        let mut row = Row::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::DocId => row.doc_id = map.next_value::<Id>()?.0,
                Key::Filter => row.filter = map.next_value()?,
                Key::DocHash => row.doc_hash = map.next_value()?,
                Key::Metrics => row.metrics = map.next_value()?,
                Key::Skip => {
                    map.next_value::<IgnoredAny>()?;
                }
                Key::Other(name) => {
                    let scalar = map.next_value::<Scalar>()?;
                    row.fields.push((name, scalar));
                }
            }
        }
        Ok(row)
    }
}

enum Key {
    DocId,
    Filter,
    DocHash,
    Metrics,
    Skip,
    Other(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "doc_id" => Key::DocId,
                    "filter" => Key::Filter,
                    "doc_hash" => Key::DocHash,
                    "metrics" => Key::Metrics,
                    _ if NOT_SCORES.contains(&v) => Key::Skip,
                    _ => Key::Other(v.to_string()),
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// An item id: a string, or a number read as its decimal text.
struct Id(Option<String>);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a document id (a number or a string)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Id, E> {
                Ok(Id(Some(v.to_string())))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Id, E> {
                Ok(Id(None))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl<'de> Visitor<'de> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            // As a float: scores are read as JSON numbers, which are doubles.
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(if v.is_finite() {
                    Scalar::Number(v)
                } else {
                    Scalar::NotFinite
                })
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Number(f64::from(u8::from(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(if v.starts_with(MARK) {
                    Scalar::NotFinite
                } else {
                    Scalar::Other
                })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}
