//! Serde visitors that read an evidence document straight into the validated model.
//!
//! Every value position is described by a [`Shape`]: what it accepts (a number, a string, a
//! list, an object with known keys) and how to check it. One visitor, [`Seed`], drives any
//! shape, so wrong types are handled in one place: the problem is recorded with the current
//! key path, the offending value is skipped, and reading goes on. Only the parser itself
//! (malformed JSON or YAML, a number out of range, nesting too deep) stops a pass.

mod fields;
mod metric;
mod objects;
mod samples;

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ctx::{place, Ctx, Problem, Seg, Step, Target};
use super::schema::{Field, MAX_FIELDS};
use crate::text::same;

pub(crate) use objects::BundleShape;

/// A value as found, for "found …" in messages and for scalar shapes to convert.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scalar<'a> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(&'a str),
    Bytes,
}

/// What was found where something else was expected.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Found<'a> {
    Scalar(Scalar<'a>),
    List,
    Map,
}

/// The broad kind a shape accepts, for the help of a wrong-type message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Number,
    Text,
    Other,
}

/// Describe a found value in words: `the string "abc"`, `the number 3`, `a list`.
pub(crate) fn describe(ctx: &Ctx, found: Found<'_>) -> String {
    match found {
        Found::Scalar(Scalar::Null) => String::from("null"),
        Found::Scalar(Scalar::Bool(b)) => format!("`{b}`"),
        Found::Scalar(Scalar::U64(n)) => format!("the number {n}"),
        Found::Scalar(Scalar::I64(n)) => format!("the number {n}"),
        Found::Scalar(Scalar::F64(n)) => format!("the number {n}"),
        Found::Scalar(Scalar::Str(s)) => format!("the string {}", quote_short(s)),
        Found::Scalar(Scalar::Bytes) => String::from("binary data"),
        Found::List => String::from("a list"),
        Found::Map => String::from(ctx.map_word()),
    }
}

/// A string in double quotes, cut short if long, for messages.
pub(crate) fn quote_short(s: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::from("\"");
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        out.extend(c.escape_debug());
    }
    out.push('"');
    out
}

/// What a value position accepts and how it is checked. Shapes report their own problems
/// through [`Ctx`] and return `None` for a value that is absent or invalid.
pub(crate) trait Shape<'de>: Sized {
    type Out;

    fn ctx(&self) -> &Ctx;

    /// What is expected, in words: "a number", "a list of flags".
    fn expected(&self) -> String;

    /// Whether `null` is an error here (else it means "absent").
    fn required(&self) -> bool;

    fn kind(&self) -> Kind {
        Kind::Other
    }

    /// A scalar other than null.
    fn scalar(self, found: Scalar<'_>) -> Option<Self::Out> {
        self.wrong(Found::Scalar(found));
        None
    }

    fn seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Self::Out>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.wrong(Found::List);
        Ok(None)
    }

    fn map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Self::Out>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.wrong(Found::Map);
        Ok(None)
    }

    /// Report a value of the wrong type at the current path.
    fn wrong(&self, found: Found<'_>) {
        let ctx = self.ctx();
        let path = ctx.here(None);
        let expected = self.expected();
        let help = match (self.kind(), found) {
            (Kind::Number, Found::Scalar(Scalar::Str(s)))
                if s.trim().parse::<f64>().is_ok_and(f64::is_finite) =>
            {
                Some(String::from("write the number without quotes"))
            }
            (
                Kind::Text,
                Found::Scalar(Scalar::U64(_) | Scalar::I64(_) | Scalar::F64(_) | Scalar::Bool(_)),
            ) => Some(String::from(match ctx.format {
                super::Format::Json => "write it as a string, in double quotes",
                super::Format::Yaml => "put it in quotes so YAML reads it as a string",
            })),
            _ => None,
        };
        let message = if path.is_empty() {
            format!(
                "the document must be {expected}, found {}",
                describe(ctx, found)
            )
        } else {
            format!(
                "{} must be {expected}, found {}",
                place(&path),
                describe(ctx, found)
            )
        };
        ctx.report(
            Problem::new(path, Target::Value, message, format!("expected {expected}"))
                .with_help(help),
        );
    }
}

/// Drives a [`Shape`] over any deserializer.
pub(crate) struct Seed<S>(pub S);

impl<'de, S: Shape<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = Option<S::Out>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(Visit(self.0))
    }
}

struct Visit<S>(S);

impl<'de, S: Shape<'de>> Visit<S> {
    fn scalar(self, found: Scalar<'_>) -> Option<S::Out> {
        match found {
            Scalar::Null if self.0.required() => {
                self.0.wrong(Found::Scalar(found));
                None
            }
            Scalar::Null => None,
            _ => self.0.scalar(found),
        }
    }
}

impl<'de, S: Shape<'de>> Visitor<'de> for Visit<S> {
    type Value = Option<S::Out>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.expected())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(self.scalar(Scalar::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(self.scalar(Scalar::I64(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(self.scalar(Scalar::U64(v)))
    }

    // As a float: beyond 64 bits only the magnitude matters.
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(self.scalar(Scalar::F64(v as f64)))
    }

    // As a float: beyond 64 bits only the magnitude matters.
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(self.scalar(Scalar::F64(v as f64)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(self.scalar(Scalar::F64(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.scalar(Scalar::Str(v)))
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Self::Value, E> {
        Ok(self.scalar(Scalar::Bytes))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.scalar(Scalar::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.scalar(Scalar::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.map(map)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        // Only YAML produces this, for a value with a tag such as `!foo`.
        let ctx = self.0.ctx();
        let path = ctx.here(None);
        let message = format!(
            "{} has a YAML tag (such as `!name`); tags are not allowed in evidence",
            place(&path)
        );
        Err(ctx.fatal(Problem::new(path, Target::Value, message, "tagged value")))
    }
}

/// Reads the keys of an object with a fixed set of fields, reporting unknown and repeated
/// keys (and skipping their values).
pub(crate) struct Keys<'c> {
    ctx: &'c Ctx,
    fields: &'static [Field],
    counts: [u8; MAX_FIELDS],
}

impl<'c> Keys<'c> {
    pub(crate) fn new(ctx: &'c Ctx, fields: &'static [Field]) -> Keys<'c> {
        Keys {
            ctx,
            fields,
            counts: [0; MAX_FIELDS],
        }
    }

    /// The index of the next known field, or `None` at the end of the object.
    pub(crate) fn next<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<Option<(usize, &'static Field)>, A::Error> {
        loop {
            match map.next_key_seed(KeySeed { keys: self })? {
                None => return Ok(None),
                Some(Some(i)) => {
                    let first = match self.counts.get_mut(i) {
                        Some(count) => {
                            *count = count.saturating_add(1);
                            *count == 1
                        }
                        None => false,
                    };
                    match self.fields.get(i) {
                        Some(field) if first => return Ok(Some((i, field))),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Some(None) => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
    }

    /// Read the value of field `name` with `shape`, under `name` in the key path.
    pub(crate) fn value<'de, A: MapAccess<'de>, S: Shape<'de>>(
        &self,
        map: &mut A,
        name: &'static str,
        shape: S,
    ) -> Result<Option<S::Out>, A::Error> {
        self.ctx.enter(Step::Field(name));
        let value = map.next_value_seed(Seed(shape))?;
        self.ctx.leave();
        Ok(value)
    }

    fn seen(&self, i: usize) -> bool {
        self.counts.get(i).is_some_and(|c| *c > 0)
    }

    /// Report a "missing field" problem for field `i` when it is required, has no value and
    /// its key was never there. (A key that was there with a bad value has been reported
    /// already.)
    pub(crate) fn require(&self, i: usize, present: bool) {
        let Some(field) = self.fields.get(i) else {
            return;
        };
        if field.required && !present && !self.seen(i) {
            let name = field.name;
            let path = self.ctx.here(None);
            let message = format!("{} has no `{name}`, which is required", place(&path));
            self.ctx.report(
                Problem::new(
                    path,
                    Target::Container,
                    message,
                    format!("`{name}` missing"),
                )
                .with_help(field.missing_help.map(String::from)),
            );
        }
    }
}

/// Reads one key of a fixed-field object: `Some(index)` for a field, `None` for an unknown
/// key (reported here).
struct KeySeed<'a, 'c> {
    keys: &'a Keys<'c>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key (a string)")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        let Keys {
            ctx,
            fields,
            counts,
        } = self.keys;
        if let Some(i) = fields.iter().position(|f| same(f.name, key)) {
            let count = counts.get(i).copied().unwrap_or(0);
            if count > 0 {
                let name = fields.get(i).map_or("", |f| f.name);
                let path = ctx.here(Some(Seg::Field(name)));
                let container = ctx.here(None);
                let message = format!(
                    "the key `{key}` appears more than once in {}",
                    place(&container)
                );
                ctx.report(
                    Problem::new(
                        path,
                        Target::Occurrence(usize::from(count)),
                        message,
                        "repeated here",
                    )
                    .with_help(Some(String::from(
                        "give each key once; a repeated key is never silently overridden",
                    ))),
                );
            }
            return Ok(Some(i));
        }
        let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let container = ctx.here(None);
        let path = ctx.here(Some(Seg::Key(key.to_string())));
        let message = format!(
            "unknown key `{key}` {}; expected one of {}",
            if container.is_empty() {
                String::from("at the top level")
            } else {
                format!("in {}", place(&container))
            },
            names.join(", ")
        );
        ctx.report(
            Problem::new(path, Target::Key, message, "unknown key")
                .with_help(did_you_mean(key, &names)),
        );
        Ok(None)
    }
}

/// "did you mean `x`?" when one of `choices` is close to `word`.
pub(crate) fn did_you_mean(word: &str, choices: &[&str]) -> Option<String> {
    crate::suggest::did_you_mean(word, choices.iter().copied())
}
