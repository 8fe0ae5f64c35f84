//! Inspect AI eval logs in JSON (`inspect eval --log-format json`, or `inspect log convert`),
//! log versions 1 and 2.
//!
//! A metric becomes `<task>.<scorer>.<metric>`: version 2 lists scorers in
//! `results.scores[]` (the scorer is the score's `name`), version 1 has one
//! `results.scorer` with `results.metrics`. A scorer's `stderr` metric is not a metric of its
//! own: it is the standard error of the scorer's `accuracy` and `mean` (the mean of the
//! sample scores, which is what Inspect's `stderr()` measures); when there is no `stderr`,
//! `bootstrap_stderr` (version 1: `bootstrap_std`) stands in for it. `n` is the score's
//! `scored_samples`, else `results.completed_samples`. The model is `eval.model`.
//!
//! A log whose `status` is not `success` is rejected, unless incomplete logs are allowed,
//! which keeps it with a warning. A metric that is `NaN` or infinite is an error naming it
//! (Python writes a bare `NaN`, which is not JSON; it is read anyway to say so).

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::evidence::ctx::Seg;
use crate::evidence::model::Metric;

use super::inspect_scores::{Sample, Scores};
use super::json::{count, describe, num, Num};
use super::sink::{path, Sink};
use super::{Imported, Options};

/// The parts of a log that are read; the rest is skipped unread.
#[derive(Deserialize)]
pub(crate) struct Log {
    status: Option<Value>,
    eval: Option<Value>,
    results: Option<Value>,
    error: Option<Value>,
    /// Present in `.json` logs; an `.eval` archive holds each sample in its own entry.
    pub(crate) samples: Option<Vec<Sample>>,
}

/// Metrics a scorer's `stderr` is the standard error of.
const MEANS: &[&str] = &["accuracy", "mean"];

pub(crate) fn import(text: &str, sink: &mut Sink<'_>, options: &Options) -> Option<Imported> {
    let log: Log = super::parse_json(text, sink)?;
    let mut per_item = Scores::new(options.cluster_by.as_deref());
    for sample in log.samples.iter().flatten() {
        per_item.add(sample, sink);
    }
    let (mut out, task) = summary(&log, sink, options.allow_incomplete)?;
    per_item.attach(&task, &mut out, sink);
    (!sink.has_errors()).then_some(out)
}

/// The log's summary: its metrics and model, and its task; `samples` are read by the caller.
pub(crate) fn summary(
    log: &Log,
    sink: &mut Sink<'_>,
    allow_incomplete: bool,
) -> Option<(Imported, String)> {
    let results = log.results.as_ref().and_then(Value::as_object);
    check_status(log, results, sink, allow_incomplete)?;
    let eval = log.eval.as_ref();
    let Some(task) = eval.and_then(|e| e.get("task")).and_then(Value::as_str) else {
        sink.error(
            &path(&["eval"]),
            "the log has no `eval.task`: this is not an Inspect eval log",
            "no task",
            None,
        );
        return None;
    };
    let Some(results) = results else {
        sink.fail(
            "the log has no `results`: the evaluation produced no scores",
            Some(String::from("re-run the evaluation to the end")),
        );
        return None;
    };
    let mut out = Imported {
        model: eval
            .and_then(|e| e.get("model"))
            .and_then(Value::as_str)
            .map(str::to_string),
        ..Imported::default()
    };
    let completed = results.get("completed_samples").and_then(count);
    match (results.get("scores"), results.get("metrics")) {
        (Some(Value::Array(scores)), _) => {
            for (i, score) in scores.iter().enumerate() {
                let at = vec![
                    Seg::Key(String::from("results")),
                    Seg::Key(String::from("scores")),
                    Seg::Index(i),
                ];
                let name = score
                    .get("name")
                    .or_else(|| score.get("scorer"))
                    .and_then(Value::as_str);
                let (Some(name), Some(Value::Object(metrics))) = (name, score.get("metrics"))
                else {
                    sink.warn(format!(
                        "`results.scores[{i}]` has no name or no metrics; it is ignored"
                    ));
                    continue;
                };
                let n = score.get("scored_samples").and_then(count).or(completed);
                read_scorer(task, name, metrics, n, &at, sink, &mut out);
            }
        }
        (_, Some(Value::Object(metrics))) => {
            let name = results
                .get("scorer")
                .and_then(|s| s.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("scorer");
            read_scorer(
                task,
                name,
                metrics,
                completed,
                &path(&["results"]),
                sink,
                &mut out,
            );
        }
        _ => {
            sink.error(
                &path(&["results"]),
                "`results` has neither `scores` (log version 2) nor `metrics` (log version 1)",
                "no scores",
                None,
            );
            return None;
        }
    }
    if out.metrics.is_empty() && !sink.has_errors() {
        sink.warn("the log holds no metrics");
    }
    (!sink.has_errors()).then(|| (out, task.to_string()))
}

/// `None` when the log is rejected for not having finished.
fn check_status(
    log: &Log,
    results: Option<&Map<String, Value>>,
    sink: &mut Sink<'_>,
    allow_incomplete: bool,
) -> Option<()> {
    let status = log.status.as_ref().and_then(Value::as_str);
    if status == Some("success") {
        return Some(());
    }
    let shown = status.map_or_else(|| String::from("missing"), |s| format!("\"{s}\""));
    let mut detail = String::new();
    if let Some(message) = log
        .error
        .as_ref()
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
    {
        detail.push_str(&format!("; its error: {}", first_line(message)));
    }
    let done = results
        .and_then(|r| r.get("completed_samples"))
        .and_then(count);
    let total = results.and_then(|r| r.get("total_samples")).and_then(count);
    if let (Some(done), Some(total)) = (done, total) {
        detail.push_str(&format!(" ({done} of {total} samples completed)"));
    }
    if allow_incomplete {
        sink.warn(format!(
            "the Inspect log's status is {shown}, not \"success\": the evaluation did not \
             finish{detail}; its results are used because of --allow-incomplete"
        ));
        Some(())
    } else {
        sink.error(
            &path(&["status"]),
            format!(
                "the Inspect log's status is {shown}, not \"success\": the evaluation did not \
                 finish{detail}"
            ),
            "not \"success\"",
            Some(String::from(
                "run the evaluation to the end, or pass --allow-incomplete to use its partial \
                 results (the evaluation then carries a warning)",
            )),
        );
        None
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

/// The metrics of one scorer.
fn read_scorer(
    task: &str,
    scorer: &str,
    metrics: &Map<String, Value>,
    n: Option<u64>,
    at: &[Seg],
    sink: &mut Sink<'_>,
    out: &mut Imported,
) {
    let here = |name: &str, value: bool| {
        let mut p = at.to_vec();
        p.push(Seg::Key(String::from("metrics")));
        p.push(Seg::Key(name.to_string()));
        if value {
            p.push(Seg::Key(String::from("value")));
        }
        p
    };
    let stderr = ["stderr", "bootstrap_stderr", "bootstrap_std"]
        .iter()
        .find_map(|name| {
            let value = metric_value(metrics.get(*name)?)?;
            let key = format!("{task}.{scorer}.{name}");
            match num(value) {
                Num::Finite(v) if v >= 0.0 => Some(v),
                Num::NotFinite(word) => {
                    sink.warn(format!(
                        "`{key}` is {word}; the stderr of `{scorer}` is treated as absent"
                    ));
                    None
                }
                _ => None,
            }
        });
    for (name, entry) in metrics {
        if name == "stderr" {
            continue;
        }
        let key = format!("{task}.{scorer}.{name}");
        let Some(value) = metric_value(entry) else {
            sink.warn(format!("the metric `{key}` has no `value`; it is left out"));
            continue;
        };
        match num(value) {
            Num::Finite(v) => {
                let mut metric = Metric::new(v, 0);
                metric.set_stderr(stderr.filter(|_| MEANS.contains(&name.as_str())));
                metric.set_n(n);
                if out.metrics.insert(key.clone(), metric).is_some() {
                    sink.fail(
                        format!("two scorers of the log give the metric `{key}`"),
                        None,
                    );
                }
            }
            Num::NotFinite(word) => sink.error(
                &here(name, entry.is_object()),
                format!("the metric `{key}`: {name} is {word}, not a number"),
                "not a finite number",
                Some(String::from(
                    "evidence numbers must be finite; look at why the scorer produced it \
                     (no scored samples?) and run the evaluation again",
                )),
            ),
            _ => sink.warn(format!(
                "the metric `{key}` is {}, not a number; it is left out",
                describe(value)
            )),
        }
    }
}

/// A metric's value: `{ "value": … }`, or a bare number.
fn metric_value(entry: &Value) -> Option<&Value> {
    match entry {
        Value::Object(fields) => fields.get("value"),
        other => Some(other),
    }
}
