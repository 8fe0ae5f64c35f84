//! A bundle written back as a native evidence file (EVIDENCE.md), for `tollgate import`:
//! what was evaluated, archived in the format Tollgate reads without importers. Each object
//! is written by its table in `schema`, the one the readers read it by.

use chrono::SecondsFormat;
use serde_json::{json, Map};

use crate::evidence::model::Bundle;
use crate::evidence::schema::{Record, Value};

/// The bundle as pretty-printed JSON in the native format, ending in a newline. Numbers are
/// written so that they read back exactly; absent fields and empty lists are left out.
/// What the native format cannot say (where each metric came from, stated directions,
/// loading warnings) is not written.
pub fn to_native_json(bundle: &Bundle) -> String {
    let mut text = serde_json::to_string_pretty(&record(bundle)).unwrap_or_default();
    text.push('\n');
    text
}

/// A record as a JSON object, its fields in the order of its table.
fn record<R: Record>(record: &R) -> serde_json::Value {
    let fields: Map<String, serde_json::Value> = record
        .values()
        .into_fields(R::OBJECT)
        .map(|(field, value)| (field.name.to_string(), json_value(value)))
        .collect();
    serde_json::Value::Object(fields)
}

fn json_value(value: Value) -> serde_json::Value {
    // Evidence numbers are finite, so every one has a JSON number; `null` is never written.
    let number =
        |x: f64| serde_json::Number::from_f64(x).map_or(serde_json::Value::Null, Into::into);
    match value {
        Value::Text(text) => text.into(),
        Value::Word(word) => word.as_ref().into(),
        Value::Number(x) => number(x),
        Value::Count(n) => n.into(),
        Value::Interval((low, high)) => json!([number(low), number(high)]),
        Value::Instant(t) => t.to_rfc3339_opts(SecondsFormat::AutoSi, true).into(),
        Value::Stamp(stamp) => stamp.text.into(),
        Value::Digests(digests) => digests.into(),
        Value::Severity(severity) => severity.as_str().into(),
        Value::Metrics(metrics) => serde_json::Value::Object(
            metrics
                .iter()
                .map(|(key, metric)| (key.clone(), record(metric)))
                .collect(),
        ),
        Value::Flags(flags) => flags.iter().map(record).collect(),
        Value::Signoffs(signoffs) => signoffs.iter().map(record).collect(),
        Value::Waivers(waivers) => waivers.iter().map(record).collect(),
        Value::Samples(samples) => serde_json::Value::Object(
            samples
                .iter()
                .map(|(key, set)| (key.clone(), record(set)))
                .collect(),
        ),
        Value::Scores(scores) => serde_json::Value::Object(
            scores
                .into_iter()
                .map(|(id, score)| (id, number(score)))
                .collect(),
        ),
        Value::Clusters(clusters) => serde_json::Value::Object(
            clusters
                .into_iter()
                .map(|(id, cluster)| (id, cluster.into()))
                .collect(),
        ),
    }
}
