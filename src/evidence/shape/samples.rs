//! Shapes of per-item scores (STATISTICS.md section 1): the `samples` map, one metric's sample
//! set (read by its table in `schema`), item scores and clusters.

use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

use crate::evidence::ctx::{place, Ctx, Problem, Seg, Step, Target};
use crate::evidence::model::Samples;

use super::fields::{Number, Text};
use super::objects::read_record;
use super::{Scalar, Seed, Shape};

/// The `samples` map: metric key to its sample set, keys unique.
pub(crate) struct SamplesShape<'c> {
    pub ctx: &'c Ctx,
}

impl<'de> Shape<'de> for SamplesShape<'_> {
    type Out = IndexMap<String, Samples>;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!(
            "{} of sample sets, keyed by metric key",
            self.ctx.map_word()
        )
    }

    fn required(&self) -> bool {
        false
    }

    fn map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Self::Out>, A::Error> {
        keyed(self.ctx, map, "metric key in `samples`", |ctx| SetShape {
            ctx,
        })
    }
}

/// Read a map whose keys the author chooses (metric keys, item ids), each value by the shape
/// `value` makes; an empty or repeated key is a problem.
fn keyed<'de, 'c, A, S, T>(
    ctx: &'c Ctx,
    mut map: A,
    what: &str,
    value: impl Fn(&'c Ctx) -> S,
) -> Result<Option<IndexMap<String, T>>, A::Error>
where
    A: MapAccess<'de>,
    S: Shape<'de, Out = T>,
{
    let mut out = IndexMap::new();
    while let Some(key) = map.next_key_seed(ItemKey)? {
        ctx.push(Seg::Key(key));
        let read = map.next_value_seed(Seed(value(ctx)))?;
        let Some(Seg::Key(key)) = ctx.pop() else {
            continue;
        };
        if key.is_empty() {
            let path = ctx.here(Some(Seg::Key(key)));
            ctx.report(Problem::new(
                path,
                Target::Key,
                format!("a {what} is empty"),
                "empty key",
            ));
        } else if out.contains_key(&key) {
            let path = ctx.here(Some(Seg::Key(key.clone())));
            let message = format!("the {what} `{key}` appears more than once");
            ctx.report(
                Problem::new(path, Target::Occurrence(1), message, "repeated here").with_help(
                    Some(String::from(
                        "give each key once; a repeated key is never silently overridden",
                    )),
                ),
            );
        } else if let Some(read) = read {
            out.insert(key, read);
        }
    }
    Ok(Some(out))
}

/// A key chosen by the author. A number (YAML `7:`) is read as its decimal text.
struct ItemKey;

impl<'de> DeserializeSeed<'de> for ItemKey {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemKey {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key (a string or a number)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// One metric's sample set. A cluster given for an item that neither side has is a problem:
/// it is probably a misspelt id.
struct SetShape<'c> {
    ctx: &'c Ctx,
}

impl<'de> Shape<'de> for SetShape<'_> {
    type Out = Samples;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!(
            "{} with `candidate`, `baseline` and `clusters`",
            self.ctx.map_word()
        )
    }

    fn required(&self) -> bool {
        true
    }

    fn map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Samples>, A::Error> {
        let Some(samples) = read_record::<Samples, A>(self.ctx, map)? else {
            return Ok(None);
        };
        let has = |id: &str| {
            samples.candidate().is_some_and(|c| c.contains_key(id))
                || samples.baseline().is_some_and(|b| b.contains_key(id))
        };
        let before = self.ctx.count();
        for id in samples.clusters().keys().filter(|id| !has(id)) {
            let mut path = self.ctx.here(Some(Seg::Field("clusters")));
            path.push(Seg::Key(id.clone()));
            let message = format!(
                "{} gives a cluster for the item `{id}`, which neither `candidate` nor \
                 `baseline` has",
                place(&path)
            );
            self.ctx.report(
                Problem::new(path, Target::Key, message, "no such item").with_help(Some(
                    String::from("name only items that have a score; check the id's spelling"),
                )),
            );
        }
        Ok((self.ctx.count() == before).then_some(samples))
    }
}

/// Item id to score.
pub(crate) struct ScoresShape<'c> {
    pub ctx: &'c Ctx,
}

impl<'de> Shape<'de> for ScoresShape<'_> {
    type Out = IndexMap<String, f64>;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!("{} of item id to score", self.ctx.map_word())
    }

    fn required(&self) -> bool {
        false
    }

    fn map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Self::Out>, A::Error> {
        keyed(self.ctx, map, "item id", |ctx| Score { ctx })
    }
}

/// One item's score: a finite number, or a non-empty list of repeat scores read as their
/// mean.
struct Score<'c> {
    ctx: &'c Ctx,
}

impl<'de> Shape<'de> for Score<'_> {
    type Out = f64;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        String::from("a score (a number) or a list of repeat scores")
    }

    fn required(&self) -> bool {
        true
    }

    fn kind(&self) -> super::Kind {
        super::Kind::Number
    }

    fn scalar(self, found: Scalar<'_>) -> Option<f64> {
        Number::required(self.ctx).convert(found)
    }

    fn seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<f64>, A::Error> {
        let before = self.ctx.count();
        let mut repeats = Vec::new();
        for i in 0.. {
            self.ctx.enter(Step::Index(i));
            let score = seq.next_element_seed(Seed(Number::required(self.ctx)))?;
            self.ctx.leave();
            match score {
                None => break,
                Some(Some(x)) => repeats.push(x),
                Some(None) => {}
            }
        }
        if self.ctx.count() != before {
            return Ok(None);
        }
        let path = self.ctx.here(None);
        let (message, label, help) = match crate::stats::mean(&repeats) {
            Some(mean) if mean.is_finite() => return Ok(Some(mean)),
            Some(_) => (
                "has repeat scores whose mean is too large for a number",
                "mean out of range",
                "evidence numbers must be finite",
            ),
            None => (
                "is an empty list of repeat scores",
                "no scores",
                "give the item at least one score, or leave it out",
            ),
        };
        let message = format!("{} {message}", place(&path));
        self.ctx.report(
            Problem::new(path, Target::Value, message, label).with_help(Some(String::from(help))),
        );
        Ok(None)
    }
}

/// Item id to cluster id.
pub(crate) struct ClustersShape<'c> {
    pub ctx: &'c Ctx,
}

impl<'de> Shape<'de> for ClustersShape<'_> {
    type Out = IndexMap<String, String>;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!("{} of item id to cluster id", self.ctx.map_word())
    }

    fn required(&self) -> bool {
        false
    }

    fn map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Self::Out>, A::Error> {
        keyed(self.ctx, map, "item id", |ctx| Text {
            ctx,
            non_empty: true,
            help: None,
        })
    }
}
