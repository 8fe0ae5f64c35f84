//! Shapes of single values: numbers, counts, strings, instants, severities and intervals.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::de::{IgnoredAny, SeqAccess};

use crate::evidence::ctx::{place, Ctx, Problem, Step, Target};
use crate::evidence::model::Stamp;
use crate::evidence::rules::{is_blank, is_digest, is_negative, is_ordered};
use crate::evidence::time::parse_instant;
use crate::levels::Severity;

use super::{did_you_mean, quote_short, Kind, Scalar, Seed, Shape};

/// Report a problem with the value at the current path.
fn bad_value(ctx: &Ctx, message: String, label: &str, help: Option<String>) {
    let path = ctx.here(None);
    let message = format!("{} {message}", place(&path));
    ctx.report(Problem::new(path, Target::Value, message, label).with_help(help));
}

/// A finite number; with `non_negative`, also not below zero.
pub(crate) struct Number<'c> {
    pub ctx: &'c Ctx,
    pub required: bool,
    pub non_negative: bool,
}

impl<'c> Number<'c> {
    pub(crate) fn required(ctx: &'c Ctx) -> Number<'c> {
        Number {
            ctx,
            required: true,
            non_negative: false,
        }
    }

    /// The number a scalar holds, reporting non-finite and wrong-type values.
    pub(crate) fn convert(&self, found: Scalar<'_>) -> Option<f64> {
        // As a float: a metric is a measurement, not an exact count.
        let value = match found {
            Scalar::U64(n) => n as f64,
            Scalar::I64(n) => n as f64,
            Scalar::F64(n) => n,
            // YAML reads `1e999` as text, since it is not a finite float.
            Scalar::Str(s) if s.trim().parse::<f64>().is_ok_and(|n| !n.is_finite()) => {
                self.not_finite(s);
                return None;
            }
            _ => {
                self.wrong(super::Found::Scalar(found));
                return None;
            }
        };
        if !value.is_finite() {
            self.not_finite(&value.to_string());
            return None;
        }
        if self.non_negative && is_negative(value) {
            bad_value(
                self.ctx,
                format!("is negative ({value}); it must be 0 or more"),
                "negative",
                None,
            );
            return None;
        }
        Some(value)
    }

    fn not_finite(&self, shown: &str) {
        bad_value(
            self.ctx,
            format!("is not a finite number (`{shown}`)"),
            "not a finite number",
            Some(String::from(
                "evidence numbers must be finite: no NaN, no infinity, nothing out of range",
            )),
        );
    }
}

impl<'de> Shape<'de> for Number<'_> {
    type Out = f64;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        String::from("a number")
    }

    fn required(&self) -> bool {
        self.required
    }

    fn kind(&self) -> Kind {
        Kind::Number
    }

    fn scalar(self, found: Scalar<'_>) -> Option<f64> {
        self.convert(found)
    }
}

/// A sample count: a whole number, 0 or more. A float with no fractional part (`1800.0`) is
/// accepted up to 2^53, where floats stop being exact.
pub(crate) struct Count<'c> {
    pub ctx: &'c Ctx,
}

const MAX_EXACT_FLOAT: f64 = 9_007_199_254_740_992.0;

impl<'de> Shape<'de> for Count<'_> {
    type Out = u64;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        String::from("a whole number, 0 or more")
    }

    fn required(&self) -> bool {
        false
    }

    fn kind(&self) -> Kind {
        Kind::Number
    }

    fn scalar(self, found: Scalar<'_>) -> Option<u64> {
        match found {
            Scalar::U64(n) => Some(n),
            Scalar::I64(n) => match u64::try_from(n) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.not_count(&n.to_string());
                    None
                }
            },
            Scalar::F64(n) if (0.0..=MAX_EXACT_FLOAT).contains(&n) && n.fract() == 0.0 => {
                #[allow(clippy::cast_possible_truncation)]
                // checked just above: whole, non-negative, exact
                Some(n as u64)
            }
            Scalar::F64(n) if !n.is_finite() => {
                Number::required(self.ctx).convert(found);
                None
            }
            Scalar::F64(n) => {
                self.not_count(&n.to_string());
                None
            }
            Scalar::Str(s) if s.trim().parse::<f64>().is_ok_and(|n| !n.is_finite()) => {
                Number::required(self.ctx).convert(found);
                None
            }
            _ => {
                self.wrong(super::Found::Scalar(found));
                None
            }
        }
    }
}

impl Count<'_> {
    fn not_count(&self, shown: &str) {
        bad_value(
            self.ctx,
            format!("must be a whole number, 0 or more; found {shown}"),
            "not a whole number 0 or more",
            Some(String::from("`n` is a sample count")),
        );
    }
}

/// A string. With `non_empty`, one with something other than white space in it.
pub(crate) struct Text<'c> {
    pub ctx: &'c Ctx,
    pub non_empty: bool,
    /// Help for an empty value.
    pub help: Option<&'static str>,
}

impl<'de> Shape<'de> for Text<'_> {
    type Out = String;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        String::from("a string")
    }

    fn required(&self) -> bool {
        self.non_empty
    }

    fn kind(&self) -> Kind {
        Kind::Text
    }

    fn scalar(self, found: Scalar<'_>) -> Option<String> {
        self.check(found).map(str::to_string)
    }
}

impl Text<'_> {
    /// The text, or `None` with the problem reported.
    fn check<'s>(&self, found: Scalar<'s>) -> Option<&'s str> {
        match found {
            Scalar::Str(s) if self.non_empty && is_blank(s) => {
                bad_value(
                    self.ctx,
                    String::from("is empty"),
                    "empty",
                    self.help.map(String::from),
                );
                None
            }
            Scalar::Str(s) => Some(s),
            _ => {
                self.wrong(super::Found::Scalar(found));
                None
            }
        }
    }
}

/// A [`Text`] from a small vocabulary (a flag's source, category, author): stored once per
/// document with [`Ctx::intern`].
pub(crate) struct Word<'c>(pub Text<'c>);

impl<'de> Shape<'de> for Word<'_> {
    type Out = Arc<str>;

    fn ctx(&self) -> &Ctx {
        self.0.ctx
    }

    fn expected(&self) -> String {
        self.0.expected()
    }

    fn required(&self) -> bool {
        self.0.non_empty
    }

    fn kind(&self) -> Kind {
        Kind::Text
    }

    fn scalar(self, found: Scalar<'_>) -> Option<Arc<str>> {
        self.0.check(found).map(|s| self.0.ctx.intern(s))
    }
}

/// An RFC 3339 date-time, or a date (the start of that day in UTC).
pub(crate) struct Instant<'c> {
    pub ctx: &'c Ctx,
    pub required: bool,
}

impl<'de> Shape<'de> for Instant<'_> {
    type Out = DateTime<Utc>;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        String::from("a date-time or a date, as a string")
    }

    fn required(&self) -> bool {
        self.required
    }

    fn scalar(self, found: Scalar<'_>) -> Option<DateTime<Utc>> {
        self.parse(found)
    }
}

impl Instant<'_> {
    /// The instant a scalar holds, or `None` with the problem reported.
    fn parse(&self, found: Scalar<'_>) -> Option<DateTime<Utc>> {
        match found {
            Scalar::Str(s) => match parse_instant(s) {
                Some(t) => Some(t),
                None => {
                    bad_value(
                        self.ctx,
                        format!("is not a date-time or a date: {}", quote_short(s)),
                        "not a date-time",
                        Some(String::from(
                            "write an RFC 3339 date-time with its offset, such as \
                             2025-04-25T09:00:00Z, or a date, such as 2025-04-25",
                        )),
                    );
                    None
                }
            },
            _ => {
                self.wrong(super::Found::Scalar(found));
                None
            }
        }
    }
}

/// An [`Instant`] kept with its text as written.
pub(crate) struct StampShape<'c>(pub Instant<'c>);

impl<'de> Shape<'de> for StampShape<'_> {
    type Out = Stamp;

    fn ctx(&self) -> &Ctx {
        self.0.ctx
    }

    fn expected(&self) -> String {
        self.0.expected()
    }

    fn required(&self) -> bool {
        self.0.required
    }

    fn scalar(self, found: Scalar<'_>) -> Option<Stamp> {
        let at = self.0.parse(found)?;
        match found {
            Scalar::Str(s) => Some(Stamp {
                at,
                text: s.to_string(),
            }),
            _ => None,
        }
    }
}

/// A list of sha256 digests (the evidence a signer reviewed).
pub(crate) struct Digests<'c> {
    pub ctx: &'c Ctx,
}

impl<'de> Shape<'de> for Digests<'_> {
    type Out = Vec<String>;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        String::from("a list of sha256 digests (64 lowercase hex digits each)")
    }

    fn required(&self) -> bool {
        false
    }

    fn seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Vec<String>>, A::Error> {
        let ctx = self.ctx;
        let mut out = Vec::new();
        let mut ok = true;
        for i in 0.. {
            ctx.enter(Step::Index(i));
            let text = Text {
                ctx,
                non_empty: true,
                help: None,
            };
            let element = seq.next_element_seed(Seed(text))?;
            match element {
                None => {
                    ctx.leave();
                    break;
                }
                Some(Some(digest)) if is_digest(&digest) => out.push(digest),
                Some(Some(other)) => {
                    ok = false;
                    bad_value(
                        ctx,
                        format!("is not a sha256 digest: {}", quote_short(&other)),
                        "not a sha256 digest",
                        Some(String::from(
                            "write the file's sha256 as `sha256sum` prints it: 64 lowercase \
                             hex digits",
                        )),
                    );
                }
                Some(None) => ok = false,
            }
            ctx.leave();
        }
        Ok(ok.then_some(out))
    }
}

/// A flag severity: `info`, `low`, `medium`, `high` or `critical`.
pub(crate) struct SeverityShape<'c> {
    pub ctx: &'c Ctx,
}

impl<'de> Shape<'de> for SeverityShape<'_> {
    type Out = Severity;

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        String::from("a severity (info, low, medium, high or critical)")
    }

    fn required(&self) -> bool {
        true
    }

    fn scalar(self, found: Scalar<'_>) -> Option<Severity> {
        match found {
            Scalar::Str(s) => match Severity::parse(s) {
                Some(severity) => Some(severity),
                None => {
                    let names: Vec<&str> = Severity::ALL.iter().map(|s| s.as_str()).collect();
                    bad_value(
                        self.ctx,
                        format!(
                            "is an unknown severity {}; expected one of info, low, medium, \
                             high, critical",
                            quote_short(s)
                        ),
                        "unknown severity",
                        did_you_mean(s, &names),
                    );
                    None
                }
            },
            _ => {
                self.wrong(super::Found::Scalar(found));
                None
            }
        }
    }
}

/// A 95% interval `[low, high]` with `low <= high`. (Whether it contains its value is checked
/// by the metric, which knows the value.)
pub(crate) struct Interval<'c> {
    pub ctx: &'c Ctx,
}

impl<'de> Shape<'de> for Interval<'_> {
    type Out = (f64, f64);

    fn ctx(&self) -> &Ctx {
        self.ctx
    }

    fn expected(&self) -> String {
        String::from("a list of two numbers, [low, high]")
    }

    fn required(&self) -> bool {
        false
    }

    fn seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<(f64, f64)>, A::Error> {
        let ctx = self.ctx;
        let mut ends = [None, None];
        let mut len = 0usize;
        loop {
            if let Some(slot) = ends.get_mut(len) {
                ctx.enter(Step::Index(len));
                let element = seq.next_element_seed(Seed(Number::required(ctx)))?;
                ctx.leave();
                match element {
                    None => break,
                    Some(value) => *slot = value,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            len += 1;
        }
        if len != 2 {
            bad_value(
                ctx,
                format!(
                    "must be a list of two numbers, [low, high]; found {len} element{}",
                    if len == 1 { "" } else { "s" }
                ),
                "not [low, high]",
                None,
            );
            return Ok(None);
        }
        let [Some(low), Some(high)] = ends else {
            return Ok(None);
        };
        if !is_ordered(low, high) {
            bad_value(
                ctx,
                format!("has its low end ({low}) above its high end ({high})"),
                "low end above high end",
                Some(String::from("write the interval as [low, high]")),
            );
            return Ok(None);
        }
        Ok(Some((low, high)))
    }
}
