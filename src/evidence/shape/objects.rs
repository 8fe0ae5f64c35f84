//! Shapes of objects, driven by their tables in `schema`: the bundle, a flag, a signoff, a
//! waiver, the lists of them, and the fields of a metric.

use std::marker::PhantomData;

use serde::de::{MapAccess, SeqAccess};

use crate::evidence::ctx::{place, Ctx, Problem, Seg, Step, Target};
use crate::evidence::model::{Bundle, Flag, Signoff, Waiver};
use crate::evidence::schema::{
    Field, Kind, Object, ProportionProblem, Record, Value, Values, BUNDLE,
};

use super::fields::{
    Count, Digests, Instant, Interval, Number, SeverityShape, StampShape, Text, Word,
};
use super::metric::MetricsShape;
use super::samples::{ClustersShape, SamplesShape, ScoresShape};
use super::{Keys, Seed, Shape};

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
        let names: Vec<&str> = BUNDLE.names().collect();
        format!("{} with the keys {}", self.ctx.map_word(), names.join(", "))
    }

    fn required(&self) -> bool {
        true
    }

    fn map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Bundle>, A::Error> {
        read_record(self.ctx, map)
    }
}

/// Read the fields of a `R` from an object, reporting every problem in it: the record when
/// there was none.
pub(crate) fn read_record<'de, R: Record, A: MapAccess<'de>>(
    ctx: &Ctx,
    mut map: A,
) -> Result<Option<R>, A::Error> {
    let object = R::OBJECT;
    let before = ctx.count();
    let mut keys = Keys::new(ctx, object.fields);
    let mut values = Values::default();
    while let Some((i, field)) = keys.next(&mut map)? {
        values.set(i, read_field(&keys, &mut map, ctx, field)?);
    }
    if let Err(problem) = object.derive(&mut values) {
        // What the counts would have given is not missing too: one error is enough.
        not_a_proportion(ctx, &problem);
        return Ok(None);
    }
    for i in 0..object.fields.len() {
        keys.require(i, !object.missing(i, &values));
    }
    for (interval, ends, center, x) in object.uncontained(&values) {
        not_contained(ctx, interval.name, ends, center.name, x);
    }
    for (earlier, a, later, b) in object.misordered(&values) {
        misordered(ctx, object.noun, earlier.name, a, later.name, b);
    }
    Ok(if ctx.count() == before {
        R::build(values)
    } else {
        None
    })
}

/// Read the value of `field` with the shape its kind calls for.
fn read_field<'de, A: MapAccess<'de>>(
    keys: &Keys<'_>,
    map: &mut A,
    ctx: &Ctx,
    field: &'static Field,
) -> Result<Option<Value>, A::Error> {
    let name = field.name;
    let text = Text {
        ctx,
        non_empty: field.required,
        help: field.blank_help,
    };
    let number = |non_negative| Number {
        ctx,
        required: field.required,
        non_negative,
    };
    Ok(match field.kind {
        Kind::Text => keys.value(map, name, text)?.map(Value::Text),
        Kind::Word => keys.value(map, name, Word(text))?.map(Value::Word),
        Kind::Number => keys.value(map, name, number(false))?.map(Value::Number),
        Kind::NonNegative => keys.value(map, name, number(true))?.map(Value::Number),
        Kind::Count => keys.value(map, name, Count { ctx })?.map(Value::Count),
        Kind::Interval => keys
            .value(map, name, Interval { ctx })?
            .map(Value::Interval),
        Kind::Instant => {
            let shape = Instant {
                ctx,
                required: field.required,
            };
            keys.value(map, name, shape)?.map(Value::Instant)
        }
        Kind::Stamp => {
            let shape = StampShape(Instant {
                ctx,
                required: field.required,
            });
            keys.value(map, name, shape)?
                .map(|s| Value::Stamp(Box::new(s)))
        }
        Kind::Digests => keys.value(map, name, Digests { ctx })?.map(Value::Digests),
        Kind::Severity => keys
            .value(map, name, SeverityShape { ctx })?
            .map(Value::Severity),
        Kind::Metrics => keys
            .value(map, name, MetricsShape { ctx })?
            .map(|metrics| Value::Metrics(Box::new(metrics))),
        Kind::Flags => keys
            .value(map, name, List::<Flag>::new(ctx))?
            .map(Value::Flags),
        Kind::Signoffs => keys
            .value(map, name, List::<Signoff>::new(ctx))?
            .map(Value::Signoffs),
        Kind::Waivers => keys
            .value(map, name, List::<Waiver>::new(ctx))?
            .map(Value::Waivers),
        Kind::Samples => keys
            .value(map, name, SamplesShape { ctx })?
            .map(|samples| Value::Samples(Box::new(samples))),
        Kind::Scores => keys
            .value(map, name, ScoresShape { ctx })?
            .map(|s| Value::Scores(Box::new(s))),
        Kind::Clusters => keys
            .value(map, name, ClustersShape { ctx })?
            .map(|c| Value::Clusters(Box::new(c))),
    })
}

/// Report an interval `field` that does not contain the number in field `what`.
fn not_contained(ctx: &Ctx, field: &'static str, (low, high): (f64, f64), what: &str, x: f64) {
    let path = ctx.here(Some(Seg::Field(field)));
    let message = format!(
        "{} is [{low}, {high}], which does not contain the {what} {x}",
        place(&path)
    );
    ctx.report(
        Problem::new(
            path,
            Target::Value,
            message,
            format!("does not contain {x}"),
        )
        .with_help(Some(format!(
            "an interval must contain its {what}: low <= {what} <= high"
        ))),
    );
}

/// Report counts that do not make the proportion they state.
fn not_a_proportion(ctx: &Ctx, problem: &ProportionProblem) {
    let (field, message, label, help) = match *problem {
        ProportionProblem::NoTrials { successes, n } => (
            successes,
            format!("is given without `{n}`"),
            format!("no `{n}`"),
            format!("a proportion is `{successes}` out of `{n}` trials: give both"),
        ),
        ProportionProblem::TooMany {
            successes,
            count,
            n,
            trials,
        } => (
            successes,
            format!("is {count}, more than the {trials} trials of `{n}`"),
            format!("more than `{n}`"),
            format!("0 <= `{successes}` <= `{n}`"),
        ),
        ProportionProblem::Disagrees {
            value,
            stated,
            derived,
        } => (
            value,
            format!("is {stated}, but the counts give {derived}"),
            format!("the counts give {derived}"),
            String::from("a stated rate must equal successes / n (within 1e-9), or be left out"),
        ),
    };
    let path = ctx.here(Some(Seg::Field(field)));
    let message = format!("{} {message}", place(&path));
    ctx.report(Problem::new(path, Target::Value, message, label).with_help(Some(help)));
}

fn misordered(
    ctx: &Ctx,
    noun: &str,
    earlier: &'static str,
    a: chrono::DateTime<chrono::Utc>,
    later: &'static str,
    b: chrono::DateTime<chrono::Utc>,
) {
    let at =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let path = ctx.here(Some(Seg::Field(later)));
    let message = format!(
        "{} is {}, before the {noun}'s `{earlier}` ({})",
        place(&path),
        at(b),
        at(a)
    );
    ctx.report(
        Problem::new(path, Target::Value, message, format!("before `{earlier}`")).with_help(Some(
            format!("a {noun} cannot end before it begins: `{earlier}` <= `{later}`"),
        )),
    );
}

/// A list of objects of type `R`.
struct List<'c, R> {
    ctx: &'c Ctx,
    record: PhantomData<R>,
}

impl<'c, R> List<'c, R> {
    fn new(ctx: &'c Ctx) -> List<'c, R> {
        List {
            ctx,
            record: PhantomData,
        }
    }
}

impl<'de, R: Record> Shape<'de> for List<'_, R> {
    type Out = Vec<R>;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        format!("a list of {}", R::OBJECT.plural)
    }

    fn required(&self) -> bool {
        false
    }

    fn seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Self::Out>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        for i in 0.. {
            self.ctx.enter(Step::Index(i));
            let element = seq.next_element_seed(Seed(RecordShape::<R> {
                ctx: self.ctx,
                record: PhantomData,
            }))?;
            self.ctx.leave();
            match element {
                None => break,
                Some(Some(item)) => out.push(item),
                Some(None) => {}
            }
        }
        Ok(Some(out))
    }
}

/// An element of a list: an object of type `R`.
struct RecordShape<'c, R> {
    ctx: &'c Ctx,
    record: PhantomData<R>,
}

/// "a flag (an object with source, category and severity)": what an element must be, with
/// its required fields.
fn expected_element(object: &Object, map_word: &str) -> String {
    let required: Vec<&str> = object
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let listed = match required.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => required.join(""),
    };
    format!("a {} ({map_word} with {listed})", object.noun)
}

impl<'de, R: Record> Shape<'de> for RecordShape<'_, R> {
    type Out = R;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        expected_element(R::OBJECT, self.ctx.map_word())
    }

    fn required(&self) -> bool {
        true
    }

    fn map<A: MapAccess<'de>>(self, map: A) -> Result<Option<R>, A::Error> {
        read_record(self.ctx, map)
    }
}
