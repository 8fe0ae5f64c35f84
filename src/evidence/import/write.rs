//! A bundle written back as a native evidence file (EVIDENCE.md), for `tollgate import`:
//! what was evaluated, archived in the format Tollgate reads without importers.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use crate::evidence::model::{Bundle, Flag, Metric, Signoff, Waiver};

/// The bundle as pretty-printed JSON in the native format, ending in a newline. Numbers are
/// written so that they read back exactly; absent fields and empty lists are left out.
/// What the native format cannot say (where each metric came from, stated directions,
/// loading warnings) is not written.
pub fn to_native_json(bundle: &Bundle) -> String {
    let mut doc = Map::new();
    put_str(&mut doc, "candidate", bundle.candidate.as_deref());
    put_str(&mut doc, "baseline", bundle.baseline.as_deref());
    put_str(&mut doc, "stage", bundle.stage.as_deref());
    if let Some(as_of) = bundle.as_of {
        doc.insert(String::from("as_of"), Value::String(instant(as_of)));
    }
    let metrics: Map<String, Value> = bundle
        .metrics
        .iter()
        .map(|(key, m)| (key.clone(), metric(m)))
        .collect();
    doc.insert(String::from("metrics"), Value::Object(metrics));
    put_list(&mut doc, "flags", bundle.flags.iter().map(flag));
    put_list(&mut doc, "signoffs", bundle.signoffs.iter().map(signoff));
    put_list(&mut doc, "waivers", bundle.waivers.iter().map(waiver));
    let mut text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
    text.push('\n');
    text
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn put_str(doc: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        doc.insert(key.to_string(), Value::String(value.to_string()));
    }
}

fn put_num(doc: &mut Map<String, Value>, key: &str, value: Option<f64>) {
    if let Some(n) = value.and_then(serde_json::Number::from_f64) {
        doc.insert(key.to_string(), Value::Number(n));
    }
}

fn put_pair(doc: &mut Map<String, Value>, key: &str, value: Option<(f64, f64)>) {
    if let Some((low, high)) = value {
        doc.insert(key.to_string(), json!([low, high]));
    }
}

fn put_list(doc: &mut Map<String, Value>, key: &str, items: impl Iterator<Item = Value>) {
    let items: Vec<Value> = items.collect();
    if !items.is_empty() {
        doc.insert(key.to_string(), Value::Array(items));
    }
}

fn metric(m: &Metric) -> Value {
    let mut out = Map::new();
    put_num(&mut out, "value", Some(m.value()));
    put_num(&mut out, "baseline", m.baseline());
    put_num(&mut out, "stderr", m.stderr());
    put_num(&mut out, "baseline_stderr", m.baseline_stderr());
    put_pair(&mut out, "ci", m.ci());
    put_pair(&mut out, "baseline_ci", m.baseline_ci());
    if let Some(n) = m.n() {
        out.insert(String::from("n"), Value::from(n));
    }
    Value::Object(out)
}

fn flag(f: &Flag) -> Value {
    let mut out = Map::new();
    put_str(&mut out, "id", f.id());
    put_str(&mut out, "source", Some(&f.source));
    put_str(&mut out, "author", f.author.as_deref());
    put_str(&mut out, "category", Some(&f.category));
    put_str(&mut out, "severity", Some(f.severity.as_str()));
    put_str(&mut out, "note", f.note());
    put_str(&mut out, "stage", f.stage());
    Value::Object(out)
}

fn signoff(s: &Signoff) -> Value {
    let mut out = Map::new();
    put_str(&mut out, "role", Some(&s.role));
    put_str(&mut out, "by", Some(&s.by));
    put_str(&mut out, "at", s.at.map(instant).as_deref());
    put_str(&mut out, "expires", s.expires.map(instant).as_deref());
    Value::Object(out)
}

fn waiver(w: &Waiver) -> Value {
    let mut out = Map::new();
    put_str(&mut out, "rule", Some(&w.rule));
    put_str(&mut out, "role", Some(&w.role));
    put_str(&mut out, "by", Some(&w.by));
    put_str(&mut out, "reason", Some(&w.reason));
    put_str(&mut out, "expires", Some(&instant(w.expires)));
    Value::Object(out)
}
