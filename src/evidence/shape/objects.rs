//! Shapes of objects: the bundle, a flag, a signoff, a waiver, and the lists of them.

use serde::de::{IgnoredAny, MapAccess, SeqAccess};

use crate::evidence::ctx::{Ctx, Step};
use crate::evidence::model::{Bundle, Flag, Signoff, Waiver};

use super::fields::{Instant, SeverityShape, Text, Word};
use super::metric::MetricsShape;
use super::{Keys, Seed, Shape, MAX_FIELDS};

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
pub(crate) const FLAG_FIELDS: &[&str] = &[
    "id", "source", "author", "category", "severity", "note", "stage",
];
pub(crate) const SIGNOFF_FIELDS: &[&str] = &["role", "by", "at", "expires"];
pub(crate) const WAIVER_FIELDS: &[&str] = &["rule", "role", "by", "reason", "expires"];
const _: () = assert!(
    BUNDLE_FIELDS.len() <= MAX_FIELDS
        && FLAG_FIELDS.len() <= MAX_FIELDS
        && SIGNOFF_FIELDS.len() <= MAX_FIELDS
        && WAIVER_FIELDS.len() <= MAX_FIELDS
);

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
            self.ctx.enter(Step::Index(i));
            let element = seq.next_element_seed(Seed((self.make)(self.ctx)))?;
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
                "source" => source = keys.value(&mut map, field, Word(Text::required(ctx)))?,
                "author" => author = keys.value(&mut map, field, Word(Text::optional(ctx)))?,
                "category" => {
                    category = keys.value(&mut map, field, Word(Text::required(ctx)))?;
                }
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
        Ok((ctx.count() == before).then(|| {
            Flag::new(source, category, severity)
                .with_author(author)
                .with_texts(id, note, stage)
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
