//! promptfoo output JSON: `promptfoo eval -o results.json` and `promptfoo export`, which
//! wrap the run as `{ "evalId", "results": { "version", "results": [ … ] }, "config" }`, or
//! the inner object alone.
//!
//! Results are grouped by provider: its `label` when it has one, else its `id`. A provider's
//! keys are the provider as written (`openai:gpt-5.pass_rate`; a key may contain `:`):
//! - `<provider>.pass_rate`: the results with `success: true` over all its results (failed
//!   assertions and errors alike count against it), with `n` and a Wilson 95% interval as
//!   `ci`;
//! - `<provider>.score`: the mean of the results' `score`, with `n` and the standard error
//!   of the mean (sample standard deviation / √n, when n ≥ 2);
//! - `<provider>.named.<name>`: the same for each named score (`namedScores`), over the
//!   results that have it.
//!
//! The candidate is the provider when there is exactly one.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::evidence::model::Metric;

use super::json::{num, Num};
use super::sink::Sink;
use super::Imported;

/// The z of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

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
        if let Some(Num::Finite(score)) = row.score.as_ref().map(num) {
            tally.scores.push(score);
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
    for (provider, tally) in &tallies {
        let rate = ratio(tally.successes, tally.results);
        out.metrics.insert(format!("{provider}.pass_rate"), {
            let mut metric = Metric::new(rate, 0);
            metric.set_ci(Some(wilson(tally.successes, tally.results)));
            metric.set_n(Some(tally.results));
            metric
        });
        if let Some(metric) = mean(&tally.scores) {
            out.metrics.insert(format!("{provider}.score"), metric);
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

// As a float: counts far below 2^53.
fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The Wilson score interval at 95% for `successes` out of `n` (n > 0), clamped to [0, 1]
/// and widened, if rounding left it out, to contain the observed rate.
// As a float: counts far below 2^53.
pub(crate) fn wilson(successes: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (successes as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let low = (center - half).clamp(0.0, 1.0).min(p);
    let high = (center + half).clamp(0.0, 1.0).max(p);
    (low, high)
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
