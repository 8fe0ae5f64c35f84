//! The fast path for JSON evidence: serde reads a valid document straight into the model, with
//! no key path and no list of problems. Like the validating pass, it reads each object by its
//! table in `schema`.
//!
//! It gives up on anything else: a problem of any kind, and a few valid but rare spellings
//! (`n: 1800.0`). The validating pass (`shape`) then reads the document from the start and
//! reports what is wrong. So the fast path only has to be right when it accepts: whatever it
//! accepts, the validating pass accepts too, and builds the same bundle from it. The value
//! rules both apply are in `rules`; `tests/all/evidence_fast_path.rs` and the `evidence` fuzz
//! target check the whole claim.
//!
//! It earns its place: on the benchmark workload a load of 1,000 metrics and 1,000 flags takes
//! 0.61–0.63 ms with it and 0.99 ms with the validating pass alone, the file's sha256
//! included (`docs/performance.md`, "One schema").

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::levels::Severity;
use crate::text::same;

use super::model::{Bundle, Flag, Metric, Signoff, Stamp, Waiver};
use super::rules::{is_blank, is_digest, is_negative, is_ordered};
use super::schema::{Field, Kind, Record, Value, Values};
use super::time::parse_instant;
use super::words::Words;

/// The bundle in `text`, if it is valid and read without anything unusual. `None` means
/// "ask the validating pass", never "invalid". Every metric's `file` is 0; `files` is empty.
pub(crate) fn read(text: &str) -> Option<Bundle> {
    let mut words = Words::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let bundle = RecordSeed::<Bundle>::new(&mut words)
        .deserialize(&mut de)
        .ok()?;
    de.end().ok()?;
    Some(bundle)
}

/// The error that ends the fast path. Its text is never shown: the validating pass reads the
/// document again and reports the problem in its own words.
fn give_up<E: de::Error>() -> E {
    E::custom("left to the validating pass")
}

/// An object of type `R`, read by its table: known keys, each once, required ones present,
/// every value by the rules of its kind.
struct RecordSeed<'w, R> {
    words: &'w mut Words,
    record: PhantomData<R>,
}

impl<'w, R> RecordSeed<'w, R> {
    fn new(words: &'w mut Words) -> RecordSeed<'w, R> {
        RecordSeed {
            words,
            record: PhantomData,
        }
    }
}

impl<'de, R: Record> DeserializeSeed<'de> for RecordSeed<'_, R> {
    type Value = R;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<R, D::Error> {
        // Only an object: a list of the fields in order is never evidence.
        deserializer.deserialize_map(self)
    }
}

impl<'de, R: Record> Visitor<'de> for RecordSeed<'_, R> {
    type Value = R;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {}", R::OBJECT.noun)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<R, A::Error> {
        read_record(map, self.words)
    }
}

fn read_record<'de, R: Record, A: MapAccess<'de>>(
    mut map: A,
    words: &mut Words,
) -> Result<R, A::Error> {
    let object = R::OBJECT;
    let mut values = Values::default();
    let mut seen = 0u32;
    while let Some(i) = map.next_key_seed(FieldKey(object.fields))? {
        let bit = 1u32 << i;
        if seen & bit != 0 {
            return Err(give_up());
        }
        seen |= bit;
        let field = object.fields.get(i).ok_or_else(give_up)?;
        values.set(i, map.next_value_seed(FieldValue { field, words })?);
    }
    object.derive(&mut values).map_err(|_| give_up())?;
    let missing = (0..object.fields.len()).any(|i| object.missing(i, &values));
    if missing
        || object.uncontained(&values).next().is_some()
        || object.misordered(&values).next().is_some()
    {
        return Err(give_up());
    }
    R::build(values).ok_or_else(give_up)
}

/// A key of an object: the index of its field. An unknown key ends the fast path.
struct FieldKey(&'static [Field]);

impl<'de> DeserializeSeed<'de> for FieldKey {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldKey {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        // The inlined short compare: a libc `memcmp` call per name was 5% of the load.
        self.0
            .iter()
            .position(|f| same(f.name, key))
            .ok_or_else(give_up)
    }
}

/// The value of one field, by the rules of its kind: `None` for `null` on an optional field.
struct FieldValue<'f, 'w> {
    field: &'f Field,
    words: &'w mut Words,
}

impl<'de> DeserializeSeed<'de> for FieldValue<'_, '_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        let required = self.field.required;
        let text = |text: Option<Text<'de>>| match text {
            Some(text) if required && is_blank(&text.0) => Err(give_up()),
            text => Ok(text),
        };
        let number = |x: Option<f64>, non_negative: bool| match x {
            Some(x) if !x.is_finite() || (non_negative && is_negative(x)) => Err(give_up()),
            x => Ok(x.map(Value::Number)),
        };
        let words = self.words;
        Ok(match self.field.kind {
            Kind::Text => {
                text(Deserialize::deserialize(d)?)?.map(|text| Value::Text(text.0.into_owned()))
            }
            Kind::Word => {
                text(Deserialize::deserialize(d)?)?.map(|text| Value::Word(words.intern(&text.0)))
            }
            Kind::Number => number(Deserialize::deserialize(d)?, false)?,
            Kind::NonNegative => number(Deserialize::deserialize(d)?, true)?,
            Kind::Count => Option::<u64>::deserialize(d)?.map(Value::Count),
            Kind::Interval => match Option::<(f64, f64)>::deserialize(d)? {
                Some((low, high))
                    if !(low.is_finite() && high.is_finite() && is_ordered(low, high)) =>
                {
                    return Err(give_up());
                }
                ends => ends.map(Value::Interval),
            },
            Kind::Instant => match Option::<Text<'de>>::deserialize(d)? {
                Some(text) => Some(Value::Instant(parse_instant(&text.0).ok_or_else(give_up)?)),
                None => None,
            },
            Kind::Stamp => match Option::<Text<'de>>::deserialize(d)? {
                Some(text) => Some(Value::Stamp(Box::new(Stamp {
                    at: parse_instant(&text.0).ok_or_else(give_up)?,
                    text: text.0.into_owned(),
                }))),
                None => None,
            },
            Kind::Digests => match Option::<Vec<Text<'de>>>::deserialize(d)? {
                Some(digests) if digests.iter().all(|t| is_digest(&t.0)) => Some(Value::Digests(
                    digests.into_iter().map(|t| t.0.into_owned()).collect(),
                )),
                Some(_) => return Err(give_up()),
                None => None,
            },
            Kind::Severity => match Option::<Text<'de>>::deserialize(d)? {
                Some(text) => Some(Value::Severity(
                    Severity::parse(&text.0).ok_or_else(give_up)?,
                )),
                None => None,
            },
            Kind::Metrics => OrNull(Metrics { words })
                .deserialize(d)?
                .map(|metrics| Value::Metrics(Box::new(metrics))),
            Kind::Flags => OrNull(List::<Flag>::new(words))
                .deserialize(d)?
                .map(Value::Flags),
            Kind::Signoffs => OrNull(List::<Signoff>::new(words))
                .deserialize(d)?
                .map(Value::Signoffs),
            Kind::Waivers => OrNull(List::<Waiver>::new(words))
                .deserialize(d)?
                .map(Value::Waivers),
            // Per-item scores are checked against each other (clusters name known items) with
            // key paths for the messages: the validating pass reads them.
            Kind::Samples | Kind::Scores | Kind::Clusters => return Err(give_up()),
        })
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

/// A list of objects of type `R`.
struct List<'w, R> {
    words: &'w mut Words,
    record: PhantomData<R>,
}

impl<'w, R> List<'w, R> {
    fn new(words: &'w mut Words) -> List<'w, R> {
        List {
            words,
            record: PhantomData,
        }
    }
}

impl<'de, R: Record> DeserializeSeed<'de> for List<'_, R> {
    type Value = Vec<R>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<R>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, R: Record> Visitor<'de> for List<'_, R> {
    type Value = Vec<R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<R>, A::Error> {
        let mut out = Vec::new();
        while let Some(record) = seq.next_element_seed(RecordSeed::<R>::new(self.words))? {
            out.push(record);
        }
        Ok(out)
    }
}

/// The `metrics` map: keys unique and not empty.
struct Metrics<'w> {
    words: &'w mut Words,
}

impl<'de> DeserializeSeed<'de> for Metrics<'_> {
    type Value = IndexMap<String, Metric>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Metrics<'_> {
    type Value = IndexMap<String, Metric>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of metrics")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut metrics = IndexMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let metric = map.next_value_seed(MetricValue {
                words: &mut *self.words,
            })?;
            if key.is_empty() || metrics.insert(key, metric).is_some() {
                return Err(give_up());
            }
        }
        Ok(metrics)
    }
}

/// One metric: a bare number, or an object with a `value`.
struct MetricValue<'w> {
    words: &'w mut Words,
}

impl MetricValue<'_> {
    fn bare<E: de::Error>(value: f64) -> Result<Metric, E> {
        if value.is_finite() {
            Ok(Metric::new(value, 0))
        } else {
            Err(give_up())
        }
    }
}

impl<'de> DeserializeSeed<'de> for MetricValue<'_> {
    type Value = Metric;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Metric, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MetricValue<'_> {
    type Value = Metric;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a metric")
    }

    // As a float: as the validating pass converts it.
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Metric, E> {
        MetricValue::bare(v as f64)
    }

    // As a float: as the validating pass converts it.
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Metric, E> {
        MetricValue::bare(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Metric, E> {
        MetricValue::bare(v)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Metric, A::Error> {
        read_record(map, self.words)
    }
}
