//! Per-item scores of an Inspect log (STATISTICS.md section 8), the same for a `.json` log and
//! an `.eval` archive: each sample's `id` is the item, each epoch a repeat, each scorer's
//! value a score (Inspect's letters: C = 1, I = 0, P = 0.5, N = 0), attached to the scorer's
//! `accuracy` and `mean` metrics. With `--cluster-by FIELD`, the sample's `metadata.FIELD`
//! is its cluster.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::items::Items;
use super::json::{num, Num};
use super::sink::Sink;
use super::Imported;

/// The parts of one sample that are read: its messages, output and events are skipped.
#[derive(Deserialize)]
pub(crate) struct Sample {
    id: Option<Value>,
    scores: Option<Map<String, Value>>,
    metadata: Option<Map<String, Value>>,
}

/// The metrics of a scorer that its per-item scores are the items of.
const MEANS: [&str; 2] = ["accuracy", "mean"];

/// The samples' scores, by scorer, as they are read.
pub(crate) struct Scores<'a> {
    cluster_by: Option<&'a str>,
    by_scorer: IndexMap<String, Items>,
    /// Scores that are neither numbers nor letters, by scorer.
    unreadable: IndexMap<String, usize>,
    clustered: usize,
    samples: usize,
}

impl<'a> Scores<'a> {
    pub(crate) fn new(cluster_by: Option<&'a str>) -> Scores<'a> {
        Scores {
            cluster_by,
            by_scorer: IndexMap::new(),
            unreadable: IndexMap::new(),
            clustered: 0,
            samples: 0,
        }
    }

    /// Read one sample (one epoch of one item).
    pub(crate) fn add(&mut self, sample: &Sample, sink: &mut Sink<'_>) {
        self.samples += 1;
        let Some(id) = sample.id.as_ref().and_then(text) else {
            sink.fail("a sample has no `id` (a string or a number)", None);
            return;
        };
        let cluster = self
            .cluster_by
            .and_then(|field| sample.metadata.as_ref()?.get(field))
            .and_then(text);
        for (scorer, score) in sample.scores.iter().flatten() {
            let value = match score {
                Value::Object(fields) => fields.get("value"),
                other => Some(other),
            };
            let Some(value) = value.and_then(score_of) else {
                *self.unreadable.entry(scorer.clone()).or_default() += 1;
                continue;
            };
            let items = self.by_scorer.entry(scorer.clone()).or_default();
            items.add(&id, value, None);
            if let Some(cluster) = &cluster {
                items.cluster(&id, cluster.clone());
            }
        }
        self.clustered += usize::from(cluster.is_some());
    }

    /// Give each scorer's items to its `accuracy` and `mean` metrics of `task`.
    pub(crate) fn attach(self, task: &str, out: &mut Imported, sink: &mut Sink<'_>) {
        for (scorer, count) in &self.unreadable {
            sink.warn(format!(
                "{count} score(s) of the scorer `{scorer}` are neither numbers nor C, I, P or \
                 N; those samples have no per-item score for it"
            ));
        }
        if let Some(field) = self.cluster_by {
            if self.samples > 0 && self.clustered == 0 {
                sink.warn(format!(
                    "no sample has the metadata field `{field}` given with --cluster-by; each \
                     item is its own cluster"
                ));
            }
        }
        for (scorer, items) in self.by_scorer {
            let keys: Vec<String> = MEANS
                .iter()
                .map(|metric| format!("{task}.{scorer}.{metric}"))
                .filter(|key| out.metrics.contains_key(key))
                .collect();
            if keys.is_empty() {
                sink.warn(format!(
                    "the scorer `{scorer}` has per-item scores but no `accuracy` or `mean` \
                     metric in the log's results; its per-item scores are left out"
                ));
                continue;
            }
            for key in keys {
                out.samples.insert(key, items.clone());
            }
        }
    }
}

/// A score: a number, a boolean, or one of Inspect's letters.
fn score_of(value: &Value) -> Option<f64> {
    match value {
        Value::String(letter) => match letter.as_str() {
            "C" => Some(1.0),
            "I" | "N" => Some(0.0),
            "P" => Some(0.5),
            _ => None,
        },
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        other => match num(other) {
            Num::Finite(x) => Some(x),
            _ => None,
        },
    }
}

/// An id or cluster as text: a string, or a number's decimal text.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
