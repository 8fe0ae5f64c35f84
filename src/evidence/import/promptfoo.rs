//! promptfoo output JSON: `promptfoo eval -o results.json` and `promptfoo export`, which
//! wrap the run as `{ "evalId", "results": { "version", "results": [ … ] }, "config" }`, or
//! the inner object alone.
//!
//! Results are grouped by provider: its `label` when it has one, else its `id`. A provider's
//! keys are the provider as written (`openai:gpt-5.pass_rate`; a key may contain `:`):
//! - `<provider>.pass_rate`: the results with `success: true` over all its results (failed
//!   assertions and errors alike count against it), a proportion (STATISTICS.md section 7:
//!   `n`, the standard error `sqrt(p(1-p)/n)` and the Wilson 95% interval as `ci`);
//! - `<provider>.score`: the mean of the results' `score`, with `n` and the standard error
//!   of the mean (sample standard deviation / √n, when n ≥ 2);
//! - `<provider>.named.<name>`: the same for each named score (`namedScores`), over the
//!   results that have it.
//!
//! Each test (`testIdx`) is an item (section 8): its `score` is a per-item score of
//! `<provider>.score`, its `success` (1 or 0) one of `<provider>.pass_rate`; a test run more
//! than once for a provider (several prompts) is that item's repeats.
//!
//! The candidate is the provider when there is exactly one.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::evidence::model::Metric;

use super::items::Items;
use super::json::{num, Num};
use super::sink::Sink;
use super::Imported;

#[derive(Deserialize)]
struct Root {
    results: Option<Results>,
}

/// `results`: the list of results itself, or an object holding it as `results`.
struct Results(Option<Vec<Row>>);

/// One result: a test case run on a prompt by a provider. The rest is skipped unread.
#[derive(Deserialize)]
struct Row {
    provider: Option<Value>,
    success: Option<Value>,
    score: Option<Value>,
    #[serde(rename = "namedScores")]
    named_scores: Option<Value>,
    #[serde(rename = "testIdx")]
    test_idx: Option<Value>,
}

impl<'de> Deserialize<'de> for Results {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ResultsVisitor)
    }
}

struct ResultsVisitor;

impl<'de> Visitor<'de> for ResultsVisitor {
    type Value = Results;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of results, or an object with `results`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Results, A::Error> {
        let mut rows = Vec::new();
        while let Some(row) = seq.next_element::<Row>()? {
            rows.push(row);
        }
        Ok(Results(Some(rows)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Results, A::Error> {
        let mut rows = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "results" && rows.is_none() {
                rows = Some(map.next_value::<Vec<Row>>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Results(rows))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Results, E> {
        Ok(Results(None))
    }
}

/// What one provider's results add up to.
#[derive(Default)]
struct Tally {
    results: u64,
    successes: u64,
    scores: Vec<f64>,
    named: IndexMap<String, Vec<f64>>,
    /// Per test: its score, and its success as 1 or 0.
    score_items: Items,
    pass_items: Items,
}

pub(crate) fn import(text: &str, sink: &mut Sink<'_>) -> Option<Imported> {
    let root: Root = super::parse_json(text, sink)?;
    let Some(Results(Some(rows))) = root.results else {
        sink.fail(
            "there is no list of `results`: this is not a promptfoo output file",
            Some(String::from(
                "give the file that `promptfoo eval -o results.json` or `promptfoo export` writes",
            )),
        );
        return None;
    };
    let mut tallies: IndexMap<String, Tally> = IndexMap::new();
    let mut nameless = 0usize;
    let mut undecided = 0usize;
    let mut untested = 0usize;
    for row in &rows {
        let Some(provider) = row.provider.as_ref().and_then(provider_name) else {
            nameless += 1;
            continue;
        };
        let Some(success) = row.success.as_ref().and_then(Value::as_bool) else {
            undecided += 1;
            continue;
        };
        let tally = tallies.entry(provider).or_default();
        tally.results += 1;
        tally.successes += u64::from(success);
        let test = row.test_idx.as_ref().and_then(|t| match t {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(s.clone()),
            _ => None,
        });
        if let Some(test) = &test {
            tally
                .pass_items
                .add(test, f64::from(u8::from(success)), None);
        } else {
            untested += 1;
        }
        if let Some(Num::Finite(score)) = row.score.as_ref().map(num) {
            tally.scores.push(score);
            if let Some(test) = &test {
                tally.score_items.add(test, score, None);
            }
        }
        if let Some(Value::Object(named)) = &row.named_scores {
            for (name, value) in named {
                if let Num::Finite(v) = num(value) {
                    tally.named.entry(name.clone()).or_default().push(v);
                }
            }
        }
    }
    if nameless > 0 {
        sink.warn(format!(
            "{nameless} result(s) name no provider; they are left out"
        ));
    }
    if untested > 0 {
        sink.warn(format!(
            "{untested} result(s) have no `testIdx`; they have no per-item scores"
        ));
    }
    if undecided > 0 {
        sink.warn(format!(
            "{undecided} result(s) have no `success`; they are left out"
        ));
    }
    let mut out = Imported {
        model: (tallies.len() == 1)
            .then(|| tallies.keys().next().cloned())
            .flatten(),
        ..Imported::default()
    };
    for (provider, tally) in tallies {
        let pass_rate = format!("{provider}.pass_rate");
        if let Some((rate, stderr, ci)) = crate::stats::proportion(tally.successes, tally.results) {
            let mut metric = Metric::new(rate, 0);
            metric.set_stderr(Some(stderr));
            metric.set_ci(Some(ci));
            metric.set_n(Some(tally.results));
            out.metrics.insert(pass_rate.clone(), metric);
        }
        if !tally.pass_items.is_empty() {
            out.samples.insert(pass_rate, tally.pass_items);
        }
        if let Some(metric) = mean(&tally.scores) {
            let key = format!("{provider}.score");
            out.metrics.insert(key.clone(), metric);
            if !tally.score_items.is_empty() {
                out.samples.insert(key, tally.score_items);
            }
        }
        for (name, values) in &tally.named {
            if let Some(metric) = mean(values) {
                out.metrics
                    .insert(format!("{provider}.named.{name}"), metric);
            }
        }
    }
    if out.metrics.is_empty() {
        sink.warn("the file holds no results");
    }
    Some(out)
}

/// A provider as results name it: `{ "id", "label" }` (the label when not empty) or a
/// string.
fn provider_name(provider: &Value) -> Option<String> {
    let name = match provider {
        Value::String(id) => id.as_str(),
        Value::Object(fields) => {
            let label = fields.get("label").and_then(Value::as_str);
            let id = fields.get("id").and_then(Value::as_str);
            label.filter(|l| !l.trim().is_empty()).or(id)?
        }
        _ => return None,
    };
    (!name.trim().is_empty()).then(|| name.to_string())
}

/// The mean with `n` and, for n ≥ 2, the standard error of the mean.
// As a float: counts far below 2^53.
fn mean(values: &[f64]) -> Option<Metric> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let stderr = (values.len() >= 2).then(|| {
        let squares: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        (squares / (n - 1.0)).sqrt() / n.sqrt()
    });
    mean.is_finite().then(|| {
        let mut metric = Metric::new(mean, 0);
        metric.set_stderr(stderr.filter(|s| s.is_finite()));
        metric.set_n(Some(values.len() as u64));
        metric
    })
}
