//! HELM `stats.json`: the list of `Stat`s of one run (`benchmark_output/runs/<suite>/<run>/`).
//!
//! A stat becomes `<metric>.<split>` from `name.name` and `name.split`, with `.<sub_split>`
//! when it has one and, for a perturbation, `.<perturbation name>.<computed_on>`
//! (`exact_match.test.robustness.worst`). The value is `mean`, and `count` is `n`. Stats
//! with `count: 0` (nothing was measured; HELM writes no `mean` for them) are left out.
//! HELM states no model in `stats.json`.
//!
//! The standard error comes from `stddev` and `count`. HELM's `stddev` is the square root
//! of the *population* variance (`sum_squared / count − mean²`), so the standard error of
//! the mean is `stddev / √(count − 1)` (the sample standard deviation `stddev·√(n/(n−1))`
//! over `√n`); with a count of one there is none.

use serde_json::Value;

use crate::evidence::ctx::Seg;
use crate::evidence::model::Metric;

use super::json::{count, describe, num, Num};
use super::sink::Sink;
use super::Imported;

pub(crate) fn import(text: &str, sink: &mut Sink<'_>) -> Option<Imported> {
    let doc: Value = super::parse_json(text, sink)?;
    let Value::Array(stats) = doc else {
        sink.fail(
            format!(
                "the file is {}, not a list of stats: this is not a HELM stats.json",
                describe(&doc)
            ),
            Some(String::from(
                "give the stats.json of one run (benchmark_output/runs/<suite>/<run>/stats.json)",
            )),
        );
        return None;
    };
    let mut out = Imported::default();
    for (i, stat) in stats.iter().enumerate() {
        let Some(key) = stat.get("name").and_then(key_of) else {
            sink.warn(format!("stat [{i}] has no `name.name`; it is ignored"));
            continue;
        };
        let n = stat.get("count").and_then(count);
        if n == Some(0) {
            continue;
        }
        let Some(mean) = stat.get("mean") else {
            sink.warn(format!("the stat `{key}` has no `mean`; it is left out"));
            continue;
        };
        match num(mean) {
            Num::Finite(value) => {
                if out.metrics.contains_key(&key) {
                    sink.warn(format!(
                        "the stat `{key}` appears more than once; stat [{i}] is ignored"
                    ));
                    continue;
                }
                let stderr = stat.get("stddev").and_then(|v| match num(v) {
                    Num::Finite(sd) => standard_error(sd, n?),
                    _ => None,
                });
                out.metrics.insert(key, {
                    let mut metric = Metric::new(value, 0);
                    metric.set_n(n);
                    metric.set_stderr(stderr);
                    metric
                });
            }
            Num::NotFinite(word) => sink.error(
                &[Seg::Index(i), Seg::Key(String::from("mean"))],
                format!("the stat `{key}` has a mean of {word}, not a number"),
                "not a finite number",
                Some(String::from("evidence numbers must be finite")),
            ),
            _ => sink.warn(format!(
                "the stat `{key}` has a mean that is {}, not a number; it is left out",
                describe(mean)
            )),
        }
    }
    if out.metrics.is_empty() && !sink.has_errors() {
        sink.warn("the file holds no stats with a mean");
    }
    (!sink.has_errors()).then_some(out)
}

/// The standard error of a mean from HELM's population standard deviation over `n` items.
fn standard_error(population_sd: f64, n: u64) -> Option<f64> {
    if n < 2 || population_sd.is_nan() || population_sd < 0.0 {
        return None;
    }
    let bessel = (n - 1) as f64;
    Some(population_sd / bessel.sqrt())
}

/// `<metric>[.<split>][.<sub_split>][.<perturbation>.<computed_on>]`.
fn key_of(name: &Value) -> Option<String> {
    let text = |v: &Value, field: &str| {
        v.get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut key = text(name, "name")?;
    for field in ["split", "sub_split"] {
        if let Some(part) = text(name, field) {
            key.push('.');
            key.push_str(&part);
        }
    }
    if let Some(perturbation) = name.get("perturbation").filter(|p| p.is_object()) {
        for field in ["name", "computed_on"] {
            if let Some(part) = text(perturbation, field) {
                key.push('.');
                key.push_str(&part);
            }
        }
    }
    Some(key)
}
