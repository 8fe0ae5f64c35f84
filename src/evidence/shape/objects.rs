//! Shapes of objects: the bundle, the metrics map, a metric, a flag, a signoff, a waiver, and
//! the lists of them.

use indexmap::map::Entry;
use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

use crate::evidence::ctx::{place, Ctx, Problem, Seg, Target};
use crate::evidence::model::{Bundle, Flag, Metric, Signoff, Waiver};

use super::fields::{Count, Instant, Interval, Number, SeverityShape, Text};
use super::{Keys, Scalar, Seed, Shape};

pub(crate) const BUNDLE_FIELDS: &[&str] = &[
    "candidate",
    "baseline",
    "stage",
    "as_of",
    "metrics",
    "flags",
    "signoffs",
    "waivers",
];
pub(crate) const METRIC_FIELDS: &[&str] = &[
    "value",
    "baseline",
    "stderr",
    "baseline_stderr",
    "ci",
    "baseline_ci",
    "n",
];
pub(crate) const FLAG_FIELDS: &[&str] = &[
    "id", "source", "author", "category", "severity", "note", "stage",
];
pub(crate) const SIGNOFF_FIELDS: &[&str] = &["role", "by", "at", "expires"];
pub(crate) const WAIVER_FIELDS: &[&str] = &["rule", "role", "by", "reason", "expires"];

/// The whole document.
pub(crate) struct BundleShape<'c> {
    pub ctx: &'c Ctx,
}

impl<'de> Shape<'de> for BundleShape<'_> {
    type Out = Bundle;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!(
            "{} with the keys {}",
            self.ctx.map_word(),
            BUNDLE_FIELDS.join(", ")
        )
    }

    fn required(&self) -> bool {
        true
    }

    fn map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Bundle>, A::Error> {
        let ctx = self.ctx;
        let mut keys = Keys::new(ctx, BUNDLE_FIELDS);
        let mut bundle = Bundle::default();
        while let Some(field) = keys.next(&mut map)? {
            match field {
                "candidate" => {
                    bundle.candidate = keys.value(&mut map, field, Text::optional(ctx))?
                }
                "baseline" => bundle.baseline = keys.value(&mut map, field, Text::optional(ctx))?,
                "stage" => bundle.stage = keys.value(&mut map, field, Text::optional(ctx))?,
                "as_of" => {
                    bundle.as_of = keys.value(
                        &mut map,
                        field,
                        Instant {
                            ctx,
                            required: false,
                        },
                    )?;
                }
                "metrics" => {
                    bundle.metrics = keys
                        .value(&mut map, field, MetricsShape { ctx })?
                        .unwrap_or_default();
                }
                "flags" => {
                    bundle.flags = keys
                        .value(&mut map, field, List::new(ctx, "a list of flags", flag))?
                        .unwrap_or_default();
                }
                "signoffs" => {
                    bundle.signoffs = keys
                        .value(
                            &mut map,
                            field,
                            List::new(ctx, "a list of signoffs", signoff),
                        )?
                        .unwrap_or_default();
                }
                "waivers" => {
                    bundle.waivers = keys
                        .value(&mut map, field, List::new(ctx, "a list of waivers", waiver))?
                        .unwrap_or_default();
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(bundle))
    }
}

/// The `metrics` map: evidence key to metric, keys unique.
struct MetricsShape<'c> {
    ctx: &'c Ctx,
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
        while let Some(key) = map.next_key_seed(MetricKey { ctx })? {
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
struct MetricKey<'c> {
    ctx: &'c Ctx,
}

impl<'de> DeserializeSeed<'de> for MetricKey<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for MetricKey<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = self.ctx;
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
                Some(Metric {
                    value,
                    ..Metric::default()
                })
            }
            _ => {
                self.wrong(super::Found::Scalar(found));
                None
            }
        }
    }

    fn map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Metric>, A::Error> {
        let ctx = self.ctx;
        let before = ctx.count();
        let mut keys = Keys::new(ctx, METRIC_FIELDS);
        let mut value = None;
        let mut metric = Metric::default();
        let non_negative = Number {
            ctx,
            required: false,
            non_negative: true,
        };
        while let Some(field) = keys.next(&mut map)? {
            match field {
                "value" => value = keys.value(&mut map, field, Number::required(ctx))?,
                "baseline" => {
                    metric.baseline = keys.value(&mut map, field, Number::optional(ctx))?
                }
                "stderr" => {
                    metric.stderr = keys.value(&mut map, field, Number { ..non_negative })?;
                }
                "baseline_stderr" => {
                    metric.baseline_stderr =
                        keys.value(&mut map, field, Number { ..non_negative })?;
                }
                "ci" => metric.ci = keys.value(&mut map, field, Interval { ctx })?,
                "baseline_ci" => {
                    metric.baseline_ci = keys.value(&mut map, field, Interval { ctx })?
                }
                "n" => metric.n = keys.value(&mut map, field, Count { ctx })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let value = keys.require(
            value,
            "value",
            Some("a metric is a number, or an object with a `value` and optional fields"),
        );
        if let Some(value) = value {
            metric.value = value;
            contains(ctx, "ci", metric.ci, value, "value");
        }
        if let Some(baseline) = metric.baseline {
            contains(ctx, "baseline_ci", metric.baseline_ci, baseline, "baseline");
        }
        Ok((ctx.count() == before).then_some(metric))
    }
}

/// Report an interval `field` that does not contain `center` (the metric's `what`).
fn contains(ctx: &Ctx, field: &'static str, interval: Option<(f64, f64)>, center: f64, what: &str) {
    let Some((low, high)) = interval else {
        return;
    };
    if low <= center && center <= high {
        return;
    }
    let path = ctx.here(Some(Seg::Field(field)));
    let message = format!(
        "{} is [{low}, {high}], which does not contain the {what} {center}",
        place(&path)
    );
    ctx.report(
        Problem::new(
            path,
            Target::Value,
            message,
            format!("does not contain {center}"),
        )
        .with_help(Some(format!(
            "an interval must contain its {what}: low <= {what} <= high"
        ))),
    );
}

/// A list of objects, each read by the shape `make` builds.
struct List<'c, S> {
    ctx: &'c Ctx,
    what: &'static str,
    make: fn(&'c Ctx) -> S,
}

impl<'c, S> List<'c, S> {
    fn new(ctx: &'c Ctx, what: &'static str, make: fn(&'c Ctx) -> S) -> List<'c, S> {
        List { ctx, what, make }
    }
}

impl<'de, 'c, S: Shape<'de>> Shape<'de> for List<'c, S> {
    type Out = Vec<S::Out>;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        String::from(self.what)
    }

    fn required(&self) -> bool {
        false
    }

    fn seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Self::Out>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        for i in 0.. {
            self.ctx.push(Seg::Index(i));
            let element = seq.next_element_seed(Seed((self.make)(self.ctx)))?;
            self.ctx.pop();
            match element {
                None => break,
                Some(Some(item)) => out.push(item),
                Some(None) => {}
            }
        }
        Ok(Some(out))
    }
}

fn flag(ctx: &Ctx) -> FlagShape<'_> {
    FlagShape { ctx }
}

fn signoff(ctx: &Ctx) -> SignoffShape<'_> {
    SignoffShape { ctx }
}

fn waiver(ctx: &Ctx) -> WaiverShape<'_> {
    WaiverShape { ctx }
}

/// An element of `flags`.
struct FlagShape<'c> {
    ctx: &'c Ctx,
}

impl<'de> Shape<'de> for FlagShape<'_> {
    type Out = Flag;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!(
            "a flag ({} with source, category and severity)",
            self.ctx.map_word()
        )
    }

    fn required(&self) -> bool {
        true
    }

    fn map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Flag>, A::Error> {
        let ctx = self.ctx;
        let before = ctx.count();
        let mut keys = Keys::new(ctx, FLAG_FIELDS);
        let (mut id, mut source, mut author, mut category) = (None, None, None, None);
        let (mut severity, mut note, mut stage) = (None, None, None);
        while let Some(field) = keys.next(&mut map)? {
            match field {
                "id" => id = keys.value(&mut map, field, Text::optional(ctx))?,
                "source" => source = keys.value(&mut map, field, Text::required(ctx))?,
                "author" => author = keys.value(&mut map, field, Text::optional(ctx))?,
                "category" => category = keys.value(&mut map, field, Text::required(ctx))?,
                "severity" => severity = keys.value(&mut map, field, SeverityShape { ctx })?,
                "note" => note = keys.value(&mut map, field, Text::optional(ctx))?,
                "stage" => stage = keys.value(&mut map, field, Text::optional(ctx))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let source = keys.require(source, "source", None);
        let category = keys.require(category, "category", None);
        let severity = keys.require(
            severity,
            "severity",
            Some("a flag's severity is one of info, low, medium, high, critical"),
        );
        let (Some(source), Some(category), Some(severity)) = (source, category, severity) else {
            return Ok(None);
        };
        Ok((ctx.count() == before).then_some(Flag {
            id,
            source,
            author,
            category,
            severity,
            note,
            stage,
        }))
    }
}

/// An element of `signoffs`.
struct SignoffShape<'c> {
    ctx: &'c Ctx,
}

impl<'de> Shape<'de> for SignoffShape<'_> {
    type Out = Signoff;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!("a signoff ({} with role and by)", self.ctx.map_word())
    }

    fn required(&self) -> bool {
        true
    }

    fn map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Signoff>, A::Error> {
        let ctx = self.ctx;
        let before = ctx.count();
        let mut keys = Keys::new(ctx, SIGNOFF_FIELDS);
        let (mut role, mut by, mut at, mut expires) = (None, None, None, None);
        let instant = Instant {
            ctx,
            required: false,
        };
        while let Some(field) = keys.next(&mut map)? {
            match field {
                "role" => role = keys.value(&mut map, field, Text::required(ctx))?,
                "by" => by = keys.value(&mut map, field, Text::required(ctx))?,
                "at" => at = keys.value(&mut map, field, Instant { ..instant })?,
                "expires" => expires = keys.value(&mut map, field, Instant { ..instant })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let role = keys.require(role, "role", None);
        let by = keys.require(by, "by", Some("a signoff says who signed: `by`"));
        let (Some(role), Some(by)) = (role, by) else {
            return Ok(None);
        };
        Ok((ctx.count() == before).then_some(Signoff {
            role,
            by,
            at,
            expires,
        }))
    }
}

/// An element of `waivers`.
struct WaiverShape<'c> {
    ctx: &'c Ctx,
}

const WAIVER_HELP: &str = "a waiver must name its rule, role and signer (`by`), say why it is \
                           granted (`reason`) and when it ends (`expires`)";

impl<'de> Shape<'de> for WaiverShape<'_> {
    type Out = Waiver;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!(
            "a waiver ({} with rule, role, by, reason and expires)",
            self.ctx.map_word()
        )
    }

    fn required(&self) -> bool {
        true
    }

    fn map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Waiver>, A::Error> {
        let ctx = self.ctx;
        let before = ctx.count();
        let mut keys = Keys::new(ctx, WAIVER_FIELDS);
        let (mut rule, mut role, mut by, mut reason, mut expires) = (None, None, None, None, None);
        while let Some(field) = keys.next(&mut map)? {
            match field {
                "rule" => rule = keys.value(&mut map, field, Text::required(ctx))?,
                "role" => role = keys.value(&mut map, field, Text::required(ctx))?,
                "by" => by = keys.value(&mut map, field, Text::required(ctx))?,
                "reason" => {
                    let shape = Text {
                        ctx,
                        non_empty: true,
                        help: Some("a waiver must say why it is granted"),
                    };
                    reason = keys.value(&mut map, field, shape)?;
                }
                "expires" => {
                    let shape = Instant {
                        ctx,
                        required: true,
                    };
                    expires = keys.value(&mut map, field, shape)?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let rule = keys.require(rule, "rule", Some(WAIVER_HELP));
        let role = keys.require(role, "role", Some(WAIVER_HELP));
        let by = keys.require(by, "by", Some(WAIVER_HELP));
        let reason = keys.require(reason, "reason", Some(WAIVER_HELP));
        let expires = keys.require(expires, "expires", Some(WAIVER_HELP));
        let (Some(rule), Some(role), Some(by), Some(reason), Some(expires)) =
            (rule, role, by, reason, expires)
        else {
            return Ok(None);
        };
        Ok((ctx.count() == before).then_some(Waiver {
            rule,
            role,
            by,
            reason,
            expires,
        }))
    }
}
