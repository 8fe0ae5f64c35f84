//! The fast path for JSON evidence: serde's derived code reads a valid document straight into
//! the model, with no key path and no list of problems.
//!
//! It gives up on anything else: a problem of any kind, and a few valid but rare spellings
//! (`n: 1800.0`). The validating pass (`shape`) then reads the document from the start and
//! reports what is wrong. So the fast path only has to be right when it accepts: whatever it
//! accepts, the validating pass accepts too, and builds the same bundle from it. The value
//! rules both apply are in `rules`; `tests/evidence_fast_path.rs` and the `evidence` fuzz
//! target check the whole claim.
//!
//! On the benchmark workload it brought a load of 1,000 metrics and 1,000 flags from 776 µs to
//! 598 µs, the file's sha256 included (`docs/performance.md`).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use indexmap::IndexMap;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::levels::Severity;

use super::model::{Bundle, Flag, Metric, Signoff, Waiver};
use super::rules::{contains, is_blank, is_negative, is_ordered};
use super::time::parse_instant;
use super::words::Words;

/// The bundle in `text`, if it is valid and read without anything unusual. `None` means
/// "ask the validating pass", never "invalid". Every metric's `file` is 0; `files` is empty.
pub(crate) fn read(text: &str) -> Option<Bundle> {
    let mut words = Words::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let bundle = de
        .deserialize_map(BundleVisitor { words: &mut words })
        .ok()?;
    de.end().ok()?;
    Some(bundle)
}

/// The error that ends the fast path. Its text is never shown: the validating pass reads the
/// document again and reports the problem in its own words.
fn give_up<E: de::Error>() -> E {
    E::custom("left to the validating pass")
}

/// The keys of the bundle. An unknown key fails to read, so the fast path gives up.
#[derive(Clone, Copy, Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum BundleKey {
    Candidate,
    Baseline,
    Stage,
    AsOf,
    Metrics,
    Flags,
    Signoffs,
    Waivers,
}

struct BundleVisitor<'w> {
    words: &'w mut Words,
}

impl<'de> Visitor<'de> for BundleVisitor<'_> {
    type Value = Bundle;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an evidence bundle")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Bundle, A::Error> {
        let words = self.words;
        let mut bundle = Bundle::default();
        let mut seen = 0u8;
        while let Some(key) = map.next_key::<BundleKey>()? {
            let bit = 1u8 << (key as u8);
            if seen & bit != 0 {
                return Err(give_up());
            }
            seen |= bit;
            match key {
                BundleKey::Candidate => bundle.candidate = map.next_value()?,
                BundleKey::Baseline => bundle.baseline = map.next_value()?,
                BundleKey::Stage => bundle.stage = map.next_value()?,
                BundleKey::AsOf => {
                    bundle.as_of = match map.next_value::<Option<Text<'de>>>()? {
                        Some(text) => Some(parse_instant(&text.0).ok_or_else(give_up)?),
                        None => None,
                    };
                }
                BundleKey::Metrics => {
                    bundle.metrics = map.next_value_seed(OrNull(Metrics))?.unwrap_or_default();
                }
                BundleKey::Flags => {
                    bundle.flags = map
                        .next_value_seed(OrNull(List::<RawFlag>::new(words)))?
                        .unwrap_or_default();
                }
                BundleKey::Signoffs => {
                    bundle.signoffs = map
                        .next_value_seed(OrNull(List::<RawSignoff>::new(words)))?
                        .unwrap_or_default();
                }
                BundleKey::Waivers => {
                    bundle.waivers = map
                        .next_value_seed(OrNull(List::<RawWaiver>::new(words)))?
                        .unwrap_or_default();
                }
            }
        }
        Ok(bundle)
    }
}

/// A value read by the seed `S`, or `null` (absent).
struct OrNull<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for OrNull<S> {
    type Value = Option<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for OrNull<S> {
    type Value = Option<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Some)
    }
}

/// A string, borrowed from the text when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor(PhantomData))
    }
}

struct TextVisitor<'a>(PhantomData<&'a str>);

impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
    type Value = Text<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'a>, E> {
        Ok(Text(Cow::Owned(v.to_string())))
    }
}

/// A required text, which must not be blank.
fn required(text: String) -> Option<String> {
    (!is_blank(&text)).then_some(text)
}

/// `T` read only from a JSON object. (serde's derived code also reads a struct from a list
/// of its fields in order, which evidence never allows.)
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor(PhantomData))
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = Object<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Object)
    }
}

/// The `metrics` map: keys unique and not empty.
struct Metrics;

impl<'de> DeserializeSeed<'de> for Metrics {
    type Value = IndexMap<String, Metric>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Metrics {
    type Value = IndexMap<String, Metric>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of metrics")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut metrics = IndexMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let MetricValue(metric) = map.next_value()?;
            if key.is_empty() || metrics.insert(key, metric).is_some() {
                return Err(give_up());
            }
        }
        Ok(metrics)
    }
}

/// One metric: a bare number, or an object with a `value`.
struct MetricValue(Metric);

impl<'de> Deserialize<'de> for MetricValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MetricVisitor)
    }
}

struct MetricVisitor;

impl MetricVisitor {
    fn bare<E: de::Error>(value: f64) -> Result<MetricValue, E> {
        if value.is_finite() {
            Ok(MetricValue(Metric::new(value, 0)))
        } else {
            Err(give_up())
        }
    }
}

impl<'de> Visitor<'de> for MetricVisitor {
    type Value = MetricValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a metric")
    }

    #[allow(clippy::cast_precision_loss)] // as the validating pass converts it
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<MetricValue, E> {
        MetricVisitor::bare(v as f64)
    }

    #[allow(clippy::cast_precision_loss)] // as the validating pass converts it
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<MetricValue, E> {
        MetricVisitor::bare(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<MetricValue, E> {
        MetricVisitor::bare(v)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MetricValue, A::Error> {
        let raw = RawMetric::deserialize(MapAccessDeserializer::new(map))?;
        raw.check().map(MetricValue).ok_or_else(give_up)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    value: f64,
    baseline: Option<f64>,
    stderr: Option<f64>,
    baseline_stderr: Option<f64>,
    ci: Option<(f64, f64)>,
    baseline_ci: Option<(f64, f64)>,
    n: Option<u64>,
}

impl RawMetric {
    fn check(self) -> Option<Metric> {
        let finite = |x: Option<f64>| x.is_none_or(f64::is_finite);
        let interval = |ends: Option<(f64, f64)>| {
            ends.is_none_or(|(low, high)| {
                low.is_finite() && high.is_finite() && is_ordered(low, high)
            })
        };
        let stderr = |x: Option<f64>| finite(x) && !x.is_some_and(is_negative);
        let valid = finite(Some(self.value))
            && finite(self.baseline)
            && stderr(self.stderr)
            && stderr(self.baseline_stderr)
            && interval(self.ci)
            && interval(self.baseline_ci)
            && self.ci.is_none_or(|ci| contains(ci, self.value))
            && match (self.baseline_ci, self.baseline) {
                (Some(ci), Some(baseline)) => contains(ci, baseline),
                _ => true,
            };
        if !valid {
            return None;
        }
        let mut metric = Metric::new(self.value, 0);
        metric.set_baseline(self.baseline);
        metric.set_stderr(self.stderr);
        metric.set_baseline_stderr(self.baseline_stderr);
        metric.set_ci(self.ci);
        metric.set_baseline_ci(self.baseline_ci);
        metric.set_n(self.n);
        Some(metric)
    }
}

/// An element of a list, read by derived code and then checked.
trait Element<'de>: Deserialize<'de> {
    type Out;

    fn check(self, words: &mut Words) -> Option<Self::Out>;
}

/// A list of `T`, each an object, checked as it is read.
struct List<'w, T> {
    words: &'w mut Words,
    element: PhantomData<T>,
}

impl<'w, T> List<'w, T> {
    fn new(words: &'w mut Words) -> List<'w, T> {
        List {
            words,
            element: PhantomData,
        }
    }
}

impl<'de, T: Element<'de>> DeserializeSeed<'de> for List<'_, T> {
    type Value = Vec<T::Out>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Element<'de>> Visitor<'de> for List<'_, T> {
    type Value = Vec<T::Out>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Object(raw)) = seq.next_element::<Object<T>>()? {
            out.push(raw.check(self.words).ok_or_else(give_up)?);
        }
        Ok(out)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlag<'a> {
    id: Option<String>,
    #[serde(borrow)]
    source: Text<'a>,
    #[serde(borrow)]
    author: Option<Text<'a>>,
    #[serde(borrow)]
    category: Text<'a>,
    #[serde(borrow)]
    severity: Text<'a>,
    note: Option<String>,
    stage: Option<String>,
}

impl<'de: 'a, 'a> Element<'de> for RawFlag<'a> {
    type Out = Flag;

    fn check(self, words: &mut Words) -> Option<Flag> {
        if is_blank(&self.source.0) || is_blank(&self.category.0) {
            return None;
        }
        let severity = Severity::parse(&self.severity.0)?;
        let flag = Flag::new(
            words.intern(&self.source.0),
            words.intern(&self.category.0),
            severity,
        );
        Some(
            flag.with_author(self.author.map(|author| words.intern(&author.0)))
                .with_texts(self.id, self.note, self.stage),
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignoff<'a> {
    role: String,
    by: String,
    #[serde(borrow)]
    at: Option<Text<'a>>,
    #[serde(borrow)]
    expires: Option<Text<'a>>,
}

/// An optional instant: absent, or a valid date-time (`None` when it is not one).
fn instant(text: Option<Text<'_>>) -> Option<Option<chrono::DateTime<chrono::Utc>>> {
    match text {
        None => Some(None),
        Some(text) => parse_instant(&text.0).map(Some),
    }
}

impl<'de: 'a, 'a> Element<'de> for RawSignoff<'a> {
    type Out = Signoff;

    fn check(self, _: &mut Words) -> Option<Signoff> {
        Some(Signoff {
            role: required(self.role)?,
            by: required(self.by)?,
            at: instant(self.at)?,
            expires: instant(self.expires)?,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver<'a> {
    rule: String,
    role: String,
    by: String,
    reason: String,
    #[serde(borrow)]
    expires: Text<'a>,
}

impl<'de: 'a, 'a> Element<'de> for RawWaiver<'a> {
    type Out = Waiver;

    fn check(self, _: &mut Words) -> Option<Waiver> {
        Some(Waiver {
            rule: required(self.rule)?,
            role: required(self.role)?,
            by: required(self.by)?,
            reason: required(self.reason)?,
            expires: parse_instant(&self.expires.0)?,
        })
    }
}
