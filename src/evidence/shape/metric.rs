//! Shapes of metrics: the `metrics` map and one metric (a bare number, or an object read by
//! its table in `schema`).

use indexmap::map::Entry;
use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::fmt;

use crate::evidence::ctx::{Ctx, Problem, Seg, Target};
use crate::evidence::model::Metric;

use super::fields::Number;
use super::objects::read_record;
use super::{Scalar, Seed, Shape};

/// The `metrics` map: evidence key to metric, keys unique.
pub(crate) struct MetricsShape<'c> {
    pub ctx: &'c Ctx,
}

impl<'de> Shape<'de> for MetricsShape<'_> {
    type Out = IndexMap<String, Metric>;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!("{} of metrics, keyed by evidence key", self.ctx.map_word())
    }

    fn required(&self) -> bool {
        false
    }

    fn map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Self::Out>, A::Error> {
        let ctx = self.ctx;
        let mut metrics = IndexMap::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        // Keys seen more than once, with how many times: rare, so a list.
        let mut repeated: Vec<(String, usize)> = Vec::new();
        while let Some(key) = map.next_key_seed(MetricKey)? {
            ctx.push(Seg::Key(key));
            let metric = map.next_value_seed(Seed(MetricShape { ctx }))?;
            let Some(Seg::Key(key)) = ctx.pop() else {
                continue;
            };
            if key.is_empty() {
                let path = ctx.here(Some(Seg::Key(key)));
                ctx.report(Problem::new(
                    path,
                    Target::Key,
                    "a metric key in `metrics` is empty",
                    "empty key",
                ));
            } else {
                match metrics.entry(key) {
                    // An invalid metric has been reported, so the bundle will be rejected; a
                    // placeholder keeps a repeat of its key from going unnoticed.
                    Entry::Vacant(slot) => {
                        slot.insert(metric.unwrap_or_default());
                    }
                    Entry::Occupied(slot) => {
                        let key = slot.key().clone();
                        let occurrence = match repeated.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, n)) => {
                                *n += 1;
                                *n
                            }
                            None => {
                                repeated.push((key.clone(), 1));
                                1
                            }
                        };
                        let message =
                            format!("the metric `{key}` appears more than once in `metrics`");
                        let path = ctx.here(Some(Seg::Key(key)));
                        ctx.report(
                            Problem::new(
                                path,
                                Target::Occurrence(occurrence),
                                message,
                                "repeated here",
                            )
                            .with_help(Some(String::from(
                                "give each metric once; a repeated key is never silently \
                                 overridden",
                            ))),
                        );
                    }
                }
            }
        }
        Ok(Some(metrics))
    }
}

/// A metric key, as an owned string.
struct MetricKey;

impl<'de> DeserializeSeed<'de> for MetricKey {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for MetricKey {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a metric key (a string)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

/// One metric: an object with `value` and optional fields, or a bare number (shorthand for
/// `{ value: … }`).
struct MetricShape<'c> {
    ctx: &'c Ctx,
}

impl<'de> Shape<'de> for MetricShape<'_> {
    type Out = Metric;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!("a number or {} with a `value`", self.ctx.map_word())
    }

    fn required(&self) -> bool {
        true
    }

    fn scalar(self, found: Scalar<'_>) -> Option<Metric> {
        match found {
            Scalar::U64(_) | Scalar::I64(_) | Scalar::F64(_) | Scalar::Str(_) => {
                let value = Number::required(self.ctx).convert(found)?;
                Some(Metric::new(value, 0))
            }
            _ => {
                self.wrong(super::Found::Scalar(found));
                None
            }
        }
    }

    fn map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Metric>, A::Error> {
        read_record(self.ctx, map)
    }
}
