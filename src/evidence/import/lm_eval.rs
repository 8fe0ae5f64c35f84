//! lm-evaluation-harness results JSON (`lm_eval --output_path`): the `results` and `groups`
//! objects, keyed by task, each holding `"<metric>,<filter>"` values and
//! `"<metric>_stderr,<filter>"` standard errors.
//!
//! A metric becomes `<task>.<metric>`, with `.<filter>` appended unless the filter is
//! `none`. Older files (0.3) have no filter part (`"acc"`, `"acc_stderr"`): the filter is
//! `none`. A stderr of `"N/A"` (no bootstrap) means the stderr is absent. `n` is
//! `n-samples.<task>.effective`, else the entry's `sample_count` for that metric (groups),
//! else its `sample_len`. The direction is `higher_is_better.<task>.<metric>`. The model is
//! `model_name`, else the `pretrained=` or `model=` of `config.model_args`.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::evidence::ctx::Seg;
use crate::evidence::model::Metric;
use crate::levels::Direction;

use super::json::{count, describe, num, Num};
use super::sink::Sink;
use super::Imported;

#[derive(Deserialize)]
struct Doc {
    results: Option<Value>,
    groups: Option<Value>,
    higher_is_better: Option<Value>,
    #[serde(rename = "n-samples")]
    n_samples: Option<Value>,
    model_name: Option<Value>,
    config: Option<Value>,
}

/// Keys of a task entry that are never metrics, in files without `,filter` keys.
const NOT_METRICS: &[&str] = &["alias", "name", "sample_len", "sample_count", "samples"];

/// One metric of one task as read: its value and stderr, with where they were.
#[derive(Default)]
struct Slot<'a> {
    value: Option<(f64, &'a str)>,
    stderr: Option<f64>,
    stderr_key: Option<&'a str>,
}

pub(crate) fn import(text: &str, sink: &mut Sink<'_>) -> Option<Imported> {
    let doc: Doc = super::parse_json(text, sink)?;
    let Some(Value::Object(results)) = &doc.results else {
        sink.fail(
            "there is no `results` object: this is not an lm-evaluation-harness results file",
            Some(String::from(
                "give the results_<date>.json file that `lm_eval --output_path` writes",
            )),
        );
        return None;
    };
    let empty = Map::new();
    let groups = match &doc.groups {
        Some(Value::Object(groups)) => groups,
        _ => &empty,
    };
    let mut out = Imported {
        model: model(&doc),
        ..Imported::default()
    };
    // Groups are also in `results` in most versions: read each task once.
    let tasks = results
        .iter()
        .map(|(task, entry)| ("results", task, entry))
        .chain(
            groups
                .iter()
                .filter(|(task, _)| !results.contains_key(*task))
                .map(|(task, entry)| ("groups", task, entry)),
        );
    for (section, task, entry) in tasks {
        let Value::Object(entry) = entry else {
            sink.warn(format!(
                "`{section}.{task}` is {}, not an object of metrics; it is ignored",
                describe(entry)
            ));
            continue;
        };
        read_task(&doc, section, task, entry, sink, &mut out);
    }
    if out.metrics.is_empty() && !sink.has_errors() {
        sink.warn("the file holds no metrics");
    }
    (!sink.has_errors()).then_some(out)
}

fn read_task(
    doc: &Doc,
    section: &str,
    task: &str,
    entry: &Map<String, Value>,
    sink: &mut Sink<'_>,
    out: &mut Imported,
) {
    let filtered = entry.keys().any(|k| k.contains(','));
    let mut slots: IndexMap<(&str, &str), Slot<'_>> = IndexMap::new();
    for (key, value) in entry {
        let (metric, filter) = match key.split_once(',') {
            Some((metric, filter)) => (metric, filter),
            None if filtered || NOT_METRICS.contains(&key.as_str()) => continue,
            None if !matches!(num(value), Num::Finite(_) | Num::NotFinite(_)) => continue,
            None => (key.as_str(), "none"),
        };
        let at = [
            Seg::Key(section.to_string()),
            Seg::Key(task.to_string()),
            Seg::Key(key.clone()),
        ];
        if let Some(base) = metric.strip_suffix("_stderr") {
            let slot = slots.entry((base, filter)).or_default();
            slot.stderr_key = Some(key);
            slot.stderr = stderr(value, &at, task, key, sink);
            continue;
        }
        let name = key_name(task, metric, filter);
        match num(value) {
            Num::Finite(v) => slots.entry((metric, filter)).or_default().value = Some((v, key)),
            Num::NotFinite(word) => sink.error(
                &at,
                format!(
                    "the metric `{name}` is {word}, not a number (`{section}.{task}.\"{key}\"`)"
                ),
                "not a finite number",
                Some(String::from(
                    "evidence numbers must be finite; re-run the task or drop it from the file",
                )),
            ),
            _ => sink.warn(format!(
                "`{section}.{task}.\"{key}\"` is {}, not a number; the metric `{name}` is left out",
                describe(value)
            )),
        }
    }
    for ((metric, filter), slot) in slots {
        let name = key_name(task, metric, filter);
        let Some((value, key)) = slot.value else {
            if let Some(stderr_key) = slot.stderr_key {
                sink.warn(format!(
                    "`{section}.{task}.\"{stderr_key}\"` is a stderr with no value beside it; \
                     it is ignored"
                ));
            }
            continue;
        };
        let mut metric_entry = Metric::new(value, 0);
        metric_entry.set_stderr(slot.stderr);
        metric_entry.set_n(samples(doc, task, entry, key));
        metric_entry.set_direction(direction(doc, task, metric));
        if out.metrics.contains_key(&name) {
            sink.fail(
                format!("two metrics of the file map to the same key `{name}`"),
                Some(String::from(
                    "rename one of the tasks, or import the file with a PREFIX=",
                )),
            );
            continue;
        }
        out.metrics.insert(name, metric_entry);
    }
}

/// `<task>.<metric>`, with `.<filter>` unless the filter is `none`.
pub(super) fn key_name(task: &str, metric: &str, filter: &str) -> String {
    if filter == "none" {
        format!("{task}.{metric}")
    } else {
        format!("{task}.{metric}.{filter}")
    }
}

/// A stderr: absent when `"N/A"` or null; not finite means absent, with a warning.
fn stderr(value: &Value, at: &[Seg], task: &str, key: &str, sink: &mut Sink<'_>) -> Option<f64> {
    match num(value) {
        Num::Finite(v) if v >= 0.0 => Some(v),
        Num::Finite(v) => {
            sink.error(
                at,
                format!("`{task}.\"{key}\"` is negative ({v}); a standard error is 0 or more"),
                "negative",
                None,
            );
            None
        }
        Num::Null => None,
        Num::Text(s) if s.trim() == "N/A" => None,
        Num::NotFinite(word) => {
            sink.warn(format!(
                "`{task}.\"{key}\"` is {word}; the stderr is treated as absent"
            ));
            None
        }
        _ => {
            sink.warn(format!(
                "`{task}.\"{key}\"` is {}, not a number; the stderr is treated as absent",
                describe(value)
            ));
            None
        }
    }
}

/// `n-samples.<task>.effective`, else `sample_count."<metric,filter>"`, else `sample_len`.
fn samples(doc: &Doc, task: &str, entry: &Map<String, Value>, key: &str) -> Option<u64> {
    doc.n_samples
        .as_ref()
        .and_then(|n| n.get(task))
        .and_then(|n| n.get("effective"))
        .and_then(count)
        .or_else(|| {
            entry
                .get("sample_count")
                .and_then(|c| c.get(key))
                .and_then(count)
        })
        .or_else(|| entry.get("sample_len").and_then(count))
}

fn direction(doc: &Doc, task: &str, metric: &str) -> Option<Direction> {
    match doc.higher_is_better.as_ref()?.get(task)?.get(metric)? {
        Value::Bool(true) => Some(Direction::HigherIsBetter),
        Value::Bool(false) => Some(Direction::LowerIsBetter),
        _ => None,
    }
}

/// `model_name`, else `pretrained=` or `model=` in `config.model_args` (a string of
/// `key=value` pairs, or an object).
fn model(doc: &Doc) -> Option<String> {
    if let Some(Value::String(name)) = &doc.model_name {
        if !name.trim().is_empty() {
            return Some(name.clone());
        }
    }
    let args = doc.config.as_ref()?.get("model_args")?;
    let wanted = ["pretrained", "model"];
    let found = match args {
        Value::String(args) => wanted.iter().find_map(|want| {
            args.split(',').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                (k.trim() == *want).then(|| v.trim().to_string())
            })
        }),
        Value::Object(args) => wanted
            .iter()
            .find_map(|want| args.get(*want)?.as_str().map(str::to_string)),
        _ => None,
    };
    found.filter(|name| !name.is_empty())
}
