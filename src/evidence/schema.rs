//! The fields of an evidence bundle (EVIDENCE.md), described once: for each object, its keys
//! in order, which are required, what each holds, and how the model is built from them and
//! read back. Both readers — the validating pass (`shape`) and the JSON fast path
//! (`fast_json`) — and the writer of native files (`import::write`) are driven by these
//! tables, so a field is added here (and in the model that stores it) and nowhere else. The
//! value rules each kind implies are in `rules`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use indexmap::IndexMap;

use crate::levels::Severity;

use super::model::{Bundle, Flag, Metric, Samples, Signoff, Stamp, Waiver};

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A string; a required one must not be blank.
    Text,
    /// A [`Kind::Text`] from a small vocabulary, stored once per document.
    Word,
    /// A finite number.
    Number,
    /// A finite number, 0 or more.
    NonNegative,
    /// A whole number, 0 or more.
    Count,
    /// `[low, high]`: finite, with `low <= high`.
    Interval,
    /// An RFC 3339 date-time, or a date.
    Instant,
    /// An [`Kind::Instant`] kept with its text as written (signed statements cover it).
    Stamp,
    /// A list of sha256 digests, each 64 lowercase hex digits.
    Digests,
    /// `info`, `low`, `medium`, `high` or `critical`.
    Severity,
    /// The `metrics` map.
    Metrics,
    /// A list of [`FLAG`] objects.
    Flags,
    /// A list of [`SIGNOFF`] objects.
    Signoffs,
    /// A list of [`WAIVER`] objects.
    Waivers,
    /// The `samples` map: metric key to a [`SAMPLES`] object.
    Samples,
    /// Item id to a finite score, or to a non-empty list of repeat scores (their mean).
    Scores,
    /// Item id to cluster id.
    Clusters,
}

/// One key of an object.
#[derive(Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub kind: Kind,
    /// A required field must be there, and not `null` (nor blank, for a text).
    pub required: bool,
    /// Help for a required field that is missing.
    pub missing_help: Option<&'static str>,
    /// Help for a required text that is blank.
    pub blank_help: Option<&'static str>,
    /// Whether the model keeps the field; one that is not is read only to derive others
    /// (a proportion's counts give its value, stderr and interval).
    pub stored: bool,
}

const fn optional(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
        missing_help: None,
        blank_help: None,
        stored: true,
    }
}

/// A field read to derive others, not kept (see [`Field::stored`]).
const fn consumed(name: &'static str, kind: Kind) -> Field {
    Field {
        stored: false,
        ..optional(name, kind)
    }
}

const fn required(name: &'static str, kind: Kind) -> Field {
    Field {
        required: true,
        ..optional(name, kind)
    }
}

const fn missing_help(field: Field, help: &'static str) -> Field {
    Field {
        missing_help: Some(help),
        ..field
    }
}

/// An object with a fixed set of keys.
#[derive(Debug)]
pub(crate) struct Object {
    /// What one is called in messages (`flag`), and a list of them (`flags`).
    pub noun: &'static str,
    pub plural: &'static str,
    pub fields: &'static [Field],
    /// Intervals that must contain a number of the same object: `(interval, number)`, as
    /// indices into `fields`.
    pub contains: &'static [(usize, usize)],
    /// Instants that may not come after another of the same object: `(earlier, later)`, as
    /// indices into `fields` (a sign-off cannot expire before it was given).
    pub ordered: &'static [(usize, usize)],
    /// Counts that make a proportion and the fields derived from it.
    pub proportions: &'static [Proportion],
}

/// `successes` of `n` trials (STATISTICS.md section 7), as indices into an object's fields:
/// they give `value` (a stated one must agree), and `stderr` and `ci` unless stated.
#[derive(Debug)]
pub(crate) struct Proportion {
    pub successes: usize,
    pub n: usize,
    pub value: usize,
    pub stderr: usize,
    pub ci: usize,
}

/// How a stated value may differ from the one its counts give.
const PROPORTION_TOLERANCE: f64 = 1e-9;

/// Why a proportion's fields cannot be derived: each an evidence error.
#[derive(Debug, PartialEq)]
pub(crate) enum ProportionProblem {
    /// `successes` without its `n`.
    NoTrials {
        successes: &'static str,
        n: &'static str,
    },
    /// More successes than trials.
    TooMany {
        successes: &'static str,
        count: u64,
        n: &'static str,
        trials: u64,
    },
    /// A stated value the counts contradict.
    Disagrees {
        value: &'static str,
        stated: f64,
        derived: f64,
    },
}

impl Object {
    /// The names of the fields, in order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().map(|f| f.name)
    }

    /// Whether `name` is one of the fields.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.names().any(|n| n == name)
    }

    /// The intervals of `values` that do not contain their number: `(interval field,
    /// interval, number field, number)`.
    pub(crate) fn uncontained<'v>(
        &'static self,
        values: &'v Values,
    ) -> impl Iterator<Item = (&'static Field, (f64, f64), &'static Field, f64)> + 'v {
        self.contains.iter().filter_map(move |&(interval, center)| {
            let (Some(Value::Interval(ends)), Some(Value::Number(x))) =
                (values.get(interval), values.get(center))
            else {
                return None;
            };
            let interval = self.fields.get(interval)?;
            let center = self.fields.get(center)?;
            (!super::rules::contains(*ends, *x)).then_some((interval, *ends, center, *x))
        })
    }
}

impl Object {
    /// Fill in what each proportion of `values` gives and is not stated, before required
    /// fields are checked. With `n` = 0 nothing is derived: the rate is unknown.
    pub(crate) fn derive(&'static self, values: &mut Values) -> Result<(), ProportionProblem> {
        for p in self.proportions {
            let Some(Value::Count(successes)) = values.get(p.successes).cloned() else {
                continue;
            };
            let name = |i: usize| self.fields.get(i).map_or("", |f| f.name);
            let Some(Value::Count(n)) = values.get(p.n).cloned() else {
                return Err(ProportionProblem::NoTrials {
                    successes: name(p.successes),
                    n: name(p.n),
                });
            };
            if successes > n {
                return Err(ProportionProblem::TooMany {
                    successes: name(p.successes),
                    count: successes,
                    n: name(p.n),
                    trials: n,
                });
            }
            let Some((rate, stderr, ci)) = crate::stats::proportion(successes, n) else {
                continue;
            };
            match values.get(p.value) {
                Some(Value::Number(stated)) if (stated - rate).abs() > PROPORTION_TOLERANCE => {
                    return Err(ProportionProblem::Disagrees {
                        value: name(p.value),
                        stated: *stated,
                        derived: rate,
                    });
                }
                Some(_) => {}
                None => values.set(p.value, Some(Value::Number(rate))),
            }
            if values.get(p.stderr).is_none() {
                values.set(p.stderr, Some(Value::Number(stderr)));
            }
            if values.get(p.ci).is_none() {
                values.set(p.ci, Some(Value::Interval(ci)));
            }
        }
        Ok(())
    }

    /// Whether field `i` is missing: required, absent, and not a proportion's value left
    /// unknown by its `n` of 0 (STATISTICS.md section 7: with n = 0 the value is unknown, so
    /// the metric is unknown and the rules that read it fail closed).
    pub(crate) fn missing(&'static self, i: usize, values: &Values) -> bool {
        let required = self.fields.get(i).is_some_and(|f| f.required);
        required && values.get(i).is_none() && !self.unknown(i, values)
    }

    /// Whether field `i` is a proportion's value with `n` = 0 and no value stated.
    pub(crate) fn unknown(&'static self, i: usize, values: &Values) -> bool {
        values.get(i).is_none()
            && self
                .proportions
                .iter()
                .any(|p| p.value == i && matches!(values.get(p.n), Some(Value::Count(0))))
    }

    /// The instants of `values` out of order: `(earlier field, its instant, later field, its
    /// instant)` where the earlier one is after the later one.
    pub(crate) fn misordered<'v>(
        &'static self,
        values: &'v Values,
    ) -> impl Iterator<Item = (&'static Field, DateTime<Utc>, &'static Field, DateTime<Utc>)> + 'v
    {
        self.ordered.iter().filter_map(move |&(earlier, later)| {
            let (Some(a), Some(b)) = (
                values.get(earlier).and_then(Value::when),
                values.get(later).and_then(Value::when),
            ) else {
                return None;
            };
            (a > b).then_some((self.fields.get(earlier)?, a, self.fields.get(later)?, b))
        })
    }
}

/// The most fields an object has.
pub(crate) const MAX_FIELDS: usize = 10;

/// The index of field `name` in `fields` (`fields.len()` if it is not there; the table
/// assertions below rule that out).
// Evaluated at compile time only: an index out of range fails the build, not a run.
#[allow(clippy::indexing_slicing)]
const fn at(fields: &[Field], name: &str) -> usize {
    let mut i = 0;
    while i < fields.len() {
        let a = fields[i].name.as_bytes();
        let b = name.as_bytes();
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    fields.len()
}

const BUNDLE_FIELDS: &[Field] = &[
    optional("candidate", Kind::Text),
    optional("baseline", Kind::Text),
    optional("stage", Kind::Text),
    optional("as_of", Kind::Instant),
    optional("metrics", Kind::Metrics),
    optional("flags", Kind::Flags),
    optional("signoffs", Kind::Signoffs),
    optional("waivers", Kind::Waivers),
    optional("samples", Kind::Samples),
];

/// The document.
pub(crate) const BUNDLE: Object = Object {
    noun: "evidence bundle",
    plural: "evidence bundles",
    fields: BUNDLE_FIELDS,
    contains: &[],
    ordered: &[],
    proportions: &[],
};

const METRIC_FIELDS: &[Field] = &[
    missing_help(
        required("value", Kind::Number),
        "a metric is a number, or an object with a `value` and optional fields",
    ),
    optional("baseline", Kind::Number),
    optional("stderr", Kind::NonNegative),
    optional("baseline_stderr", Kind::NonNegative),
    optional("ci", Kind::Interval),
    optional("baseline_ci", Kind::Interval),
    optional("n", Kind::Count),
    consumed("successes", Kind::Count),
    consumed("baseline_successes", Kind::Count),
    consumed("baseline_n", Kind::Count),
];

/// One metric written out (a bare number is short for `{ value: … }`).
pub(crate) const METRIC: Object = Object {
    noun: "metric",
    plural: "metrics",
    fields: METRIC_FIELDS,
    contains: &[
        (at(METRIC_FIELDS, "ci"), at(METRIC_FIELDS, "value")),
        (
            at(METRIC_FIELDS, "baseline_ci"),
            at(METRIC_FIELDS, "baseline"),
        ),
    ],
    ordered: &[],
    proportions: &[
        Proportion {
            successes: at(METRIC_FIELDS, "successes"),
            n: at(METRIC_FIELDS, "n"),
            value: at(METRIC_FIELDS, "value"),
            stderr: at(METRIC_FIELDS, "stderr"),
            ci: at(METRIC_FIELDS, "ci"),
        },
        Proportion {
            successes: at(METRIC_FIELDS, "baseline_successes"),
            n: at(METRIC_FIELDS, "baseline_n"),
            value: at(METRIC_FIELDS, "baseline"),
            stderr: at(METRIC_FIELDS, "baseline_stderr"),
            ci: at(METRIC_FIELDS, "baseline_ci"),
        },
    ],
};

/// An element of `flags`.
pub(crate) const FLAG: Object = Object {
    noun: "flag",
    plural: "flags",
    fields: &[
        optional("id", Kind::Text),
        required("source", Kind::Word),
        optional("author", Kind::Word),
        required("category", Kind::Word),
        missing_help(
            required("severity", Kind::Severity),
            "a flag's severity is one of info, low, medium, high, critical",
        ),
        optional("note", Kind::Text),
        optional("stage", Kind::Text),
    ],
    contains: &[],
    ordered: &[],
    proportions: &[],
};

const SIGNOFF_FIELDS: &[Field] = &[
    required("role", Kind::Text),
    missing_help(
        required("by", Kind::Text),
        "a signoff says who signed: `by`",
    ),
    optional("candidate", Kind::Text),
    optional("at", Kind::Stamp),
    optional("expires", Kind::Stamp),
    optional("evidence", Kind::Digests),
    optional("signature", Kind::Text),
];

/// An element of `signoffs`.
pub(crate) const SIGNOFF: Object = Object {
    noun: "signoff",
    plural: "signoffs",
    fields: SIGNOFF_FIELDS,
    contains: &[],
    ordered: &[(at(SIGNOFF_FIELDS, "at"), at(SIGNOFF_FIELDS, "expires"))],
    proportions: &[],
};

const WAIVER_HELP: &str = "a waiver must name its rule, role and signer (`by`), say why it is \
                           granted (`reason`) and when it ends (`expires`)";

/// An element of `waivers`.
pub(crate) const WAIVER: Object = Object {
    noun: "waiver",
    plural: "waivers",
    fields: &[
        missing_help(required("rule", Kind::Text), WAIVER_HELP),
        missing_help(required("role", Kind::Text), WAIVER_HELP),
        missing_help(required("by", Kind::Text), WAIVER_HELP),
        Field {
            blank_help: Some("a waiver must say why it is granted"),
            ..missing_help(required("reason", Kind::Text), WAIVER_HELP)
        },
        missing_help(required("expires", Kind::Stamp), WAIVER_HELP),
        optional("candidate", Kind::Text),
        optional("evidence", Kind::Digests),
        optional("signature", Kind::Text),
    ],
    contains: &[],
    ordered: &[],
    proportions: &[],
};

/// The per-item scores of one metric, under its key in `samples`.
pub(crate) const SAMPLES: Object = Object {
    noun: "sample set",
    plural: "sample sets",
    fields: &[
        optional("candidate", Kind::Scores),
        optional("baseline", Kind::Scores),
        optional("clusters", Kind::Clusters),
    ],
    contains: &[],
    ordered: &[],
    proportions: &[],
};

// Evaluated at compile time only: an index out of range fails the build, not a run.
#[allow(clippy::indexing_slicing)]
const _: () = {
    let objects = [&BUNDLE, &METRIC, &FLAG, &SIGNOFF, &WAIVER, &SAMPLES];
    let mut i = 0;
    while i < objects.len() {
        let object = objects[i];
        assert!(object.fields.len() <= MAX_FIELDS);
        let mut j = 0;
        while j < object.contains.len() {
            let (interval, center) = object.contains[j];
            assert!(interval < object.fields.len() && center < object.fields.len());
            j += 1;
        }
        let mut k = 0;
        while k < object.ordered.len() {
            let (earlier, later) = object.ordered[k];
            assert!(earlier < object.fields.len() && later < object.fields.len());
            k += 1;
        }
        let mut l = 0;
        while l < object.proportions.len() {
            let p = &object.proportions[l];
            let len = object.fields.len();
            assert!(p.successes < len && p.n < len && p.value < len);
            assert!(p.stderr < len && p.ci < len);
            l += 1;
        }
        i += 1;
    }
};

/// A field's value, checked by the rules of its [`Kind`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Word(Arc<str>),
    Number(f64),
    Count(u64),
    Interval((f64, f64)),
    Instant(DateTime<Utc>),
    // Boxed, as the maps below: every field of every object is a slot of this size.
    Stamp(Box<Stamp>),
    Digests(Vec<String>),
    Severity(Severity),
    Metrics(Box<IndexMap<String, Metric>>),
    Flags(Vec<Flag>),
    Signoffs(Vec<Signoff>),
    Waivers(Vec<Waiver>),
    Samples(Box<IndexMap<String, Samples>>),
    Scores(Box<IndexMap<String, f64>>),
    Clusters(Box<IndexMap<String, String>>),
}

impl Value {
    fn text(self) -> Option<String> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    fn word(self) -> Option<Arc<str>> {
        match self {
            Value::Word(word) => Some(word),
            _ => None,
        }
    }

    fn number(self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(x),
            _ => None,
        }
    }

    fn count(self) -> Option<u64> {
        match self {
            Value::Count(n) => Some(n),
            _ => None,
        }
    }

    fn interval(self) -> Option<(f64, f64)> {
        match self {
            Value::Interval(ends) => Some(ends),
            _ => None,
        }
    }

    fn instant(self) -> Option<DateTime<Utc>> {
        match self {
            Value::Instant(t) => Some(t),
            _ => None,
        }
    }

    fn stamp(self) -> Option<Stamp> {
        match self {
            Value::Stamp(s) => Some(*s),
            _ => None,
        }
    }

    fn digests(self) -> Option<Vec<String>> {
        match self {
            Value::Digests(d) => Some(d),
            _ => None,
        }
    }

    /// The instant of an instant or a stamp.
    fn when(&self) -> Option<DateTime<Utc>> {
        match self {
            Value::Instant(t) => Some(*t),
            Value::Stamp(s) => Some(s.at),
            _ => None,
        }
    }

    fn severity(self) -> Option<Severity> {
        match self {
            Value::Severity(s) => Some(s),
            _ => None,
        }
    }

    fn scores(self) -> Option<IndexMap<String, f64>> {
        match self {
            Value::Scores(scores) => Some(*scores),
            _ => None,
        }
    }
}

/// The values of an object's fields, by index into its [`Object::fields`].
#[derive(Debug, Default)]
pub(crate) struct Values([Option<Value>; MAX_FIELDS]);

impl Values {
    pub(crate) fn get(&self, i: usize) -> Option<&Value> {
        self.0.get(i)?.as_ref()
    }

    pub(crate) fn set(&mut self, i: usize, value: Option<Value>) {
        if let Some(slot) = self.0.get_mut(i) {
            *slot = value;
        }
    }

    /// The values with their fields, skipping absent ones and those the model does not keep.
    pub(crate) fn into_fields(
        self,
        object: &'static Object,
    ) -> impl Iterator<Item = (&'static Field, Value)> {
        object
            .fields
            .iter()
            .zip(self.0)
            .filter(|(field, _)| field.stored)
            .filter_map(|(field, value)| Some((field, value?)))
    }
}

/// A model type written as an [`Object`].
pub(crate) trait Record: Sized {
    const OBJECT: &'static Object;

    /// The record from checked values of its fields; `None` when a required one is missing
    /// (readers report that first).
    fn build(values: Values) -> Option<Self>;

    /// The record's fields, for writing it.
    fn values(&self) -> Values;
}

/// `values` in the order of a table, ready to destructure.
fn slots(values: Values) -> [Option<Value>; MAX_FIELDS] {
    values.0
}

fn filled<const N: usize>(fields: [Option<Value>; N]) -> Values {
    let mut values = Values::default();
    for (i, value) in fields.into_iter().enumerate() {
        values.set(i, value);
    }
    values
}

impl Record for Bundle {
    const OBJECT: &'static Object = &BUNDLE;

    fn build(values: Values) -> Option<Bundle> {
        let [candidate, baseline, stage, as_of, metrics, flags, signoffs, waivers, samples, ..] =
            slots(values);
        Some(Bundle {
            candidate: candidate.and_then(Value::text),
            baseline: baseline.and_then(Value::text),
            stage: stage.and_then(Value::text),
            as_of: as_of.and_then(Value::instant),
            metrics: match metrics {
                Some(Value::Metrics(metrics)) => *metrics,
                _ => IndexMap::new(),
            },
            flags: match flags {
                Some(Value::Flags(flags)) => flags,
                _ => Vec::new(),
            },
            signoffs: match signoffs {
                Some(Value::Signoffs(signoffs)) => signoffs,
                _ => Vec::new(),
            },
            waivers: match waivers {
                Some(Value::Waivers(waivers)) => waivers,
                _ => Vec::new(),
            },
            samples: match samples {
                Some(Value::Samples(samples)) => *samples,
                _ => IndexMap::new(),
            },
            ..Bundle::default()
        })
    }

    /// `metrics` always (the archive says there were none); lists only when not empty.
    fn values(&self) -> Values {
        let list = |empty: bool, value: Value| (!empty).then_some(value);
        filled([
            self.candidate.clone().map(Value::Text),
            self.baseline.clone().map(Value::Text),
            self.stage.clone().map(Value::Text),
            self.as_of.map(Value::Instant),
            Some(Value::Metrics(Box::new(self.metrics.clone()))),
            list(self.flags.is_empty(), Value::Flags(self.flags.clone())),
            list(
                self.signoffs.is_empty(),
                Value::Signoffs(self.signoffs.clone()),
            ),
            list(
                self.waivers.is_empty(),
                Value::Waivers(self.waivers.clone()),
            ),
            list(
                self.samples.is_empty(),
                Value::Samples(Box::new(self.samples.clone())),
            ),
        ])
    }
}

impl Record for Metric {
    const OBJECT: &'static Object = &METRIC;

    /// A metric whose value is unknown (`n` = 0, no `value`) is built with a NaN value, which
    /// no reader accepts otherwise; the bundle then leaves it out (`parse::drop_unknown`).
    fn build(values: Values) -> Option<Metric> {
        let unknown = METRIC.unknown(at(METRIC_FIELDS, "value"), &values);
        let [value, baseline, stderr, baseline_stderr, ci, baseline_ci, n, ..] = slots(values);
        let value = if unknown {
            f64::NAN
        } else {
            value.and_then(Value::number)?
        };
        let mut metric = Metric::new(value, 0);
        metric.set_baseline(baseline.and_then(Value::number));
        metric.set_stderr(stderr.and_then(Value::number));
        metric.set_baseline_stderr(baseline_stderr.and_then(Value::number));
        metric.set_ci(ci.and_then(Value::interval));
        metric.set_baseline_ci(baseline_ci.and_then(Value::interval));
        metric.set_n(n.and_then(Value::count));
        Some(metric)
    }

    fn values(&self) -> Values {
        filled([
            Some(Value::Number(self.value())),
            self.baseline().map(Value::Number),
            self.stderr().map(Value::Number),
            self.baseline_stderr().map(Value::Number),
            self.ci().map(Value::Interval),
            self.baseline_ci().map(Value::Interval),
            self.n().map(Value::Count),
        ])
    }
}

impl Record for Flag {
    const OBJECT: &'static Object = &FLAG;

    fn build(values: Values) -> Option<Flag> {
        let [id, source, author, category, severity, note, stage, ..] = slots(values);
        let flag = Flag::new(
            source.and_then(Value::word)?,
            category.and_then(Value::word)?,
            severity.and_then(Value::severity)?,
        );
        Some(flag.with_author(author.and_then(Value::word)).with_texts(
            id.and_then(Value::text),
            note.and_then(Value::text),
            stage.and_then(Value::text),
        ))
    }

    fn values(&self) -> Values {
        let text = |t: Option<&str>| t.map(|t| Value::Text(t.to_string()));
        filled([
            text(self.id()),
            Some(Value::Word(self.source.clone())),
            self.author.clone().map(Value::Word),
            Some(Value::Word(self.category.clone())),
            Some(Value::Severity(self.severity)),
            text(self.note()),
            text(self.stage()),
        ])
    }
}

impl Record for Signoff {
    const OBJECT: &'static Object = &SIGNOFF;

    fn build(values: Values) -> Option<Signoff> {
        let [role, by, candidate, at, expires, evidence, signature, ..] = slots(values);
        Some(Signoff {
            role: role.and_then(Value::text)?,
            by: by.and_then(Value::text)?,
            candidate: candidate.and_then(Value::text),
            at: at.and_then(Value::stamp),
            expires: expires.and_then(Value::stamp),
            evidence: evidence.and_then(Value::digests),
            signature: signature.and_then(Value::text),
            file: 0,
        })
    }

    fn values(&self) -> Values {
        filled([
            Some(Value::Text(self.role.clone())),
            Some(Value::Text(self.by.clone())),
            self.candidate.clone().map(Value::Text),
            self.at.clone().map(|s| Value::Stamp(Box::new(s))),
            self.expires.clone().map(|s| Value::Stamp(Box::new(s))),
            self.evidence.clone().map(Value::Digests),
            self.signature.clone().map(Value::Text),
        ])
    }
}

impl Record for Waiver {
    const OBJECT: &'static Object = &WAIVER;

    fn build(values: Values) -> Option<Waiver> {
        let [rule, role, by, reason, expires, candidate, evidence, signature, ..] = slots(values);
        Some(Waiver {
            rule: rule.and_then(Value::text)?,
            role: role.and_then(Value::text)?,
            by: by.and_then(Value::text)?,
            reason: reason.and_then(Value::text)?,
            expires: expires.and_then(Value::stamp)?,
            candidate: candidate.and_then(Value::text),
            evidence: evidence.and_then(Value::digests),
            signature: signature.and_then(Value::text),
            file: 0,
        })
    }

    fn values(&self) -> Values {
        filled([
            Some(Value::Text(self.rule.clone())),
            Some(Value::Text(self.role.clone())),
            Some(Value::Text(self.by.clone())),
            Some(Value::Text(self.reason.clone())),
            Some(Value::Stamp(Box::new(self.expires.clone()))),
            self.candidate.clone().map(Value::Text),
            self.evidence.clone().map(Value::Digests),
            self.signature.clone().map(Value::Text),
        ])
    }
}

impl Record for Samples {
    const OBJECT: &'static Object = &SAMPLES;

    fn build(values: Values) -> Option<Samples> {
        let [candidate, baseline, clusters, ..] = slots(values);
        Some(Samples::new(
            candidate.and_then(Value::scores),
            baseline.and_then(Value::scores),
            match clusters {
                Some(Value::Clusters(clusters)) => *clusters,
                _ => IndexMap::new(),
            },
        ))
    }

    /// Each item's score as its repeats' mean: every statistic reads only that.
    fn values(&self) -> Values {
        filled([
            self.candidate()
                .cloned()
                .map(|s| Value::Scores(Box::new(s))),
            self.baseline().cloned().map(|s| Value::Scores(Box::new(s))),
            (!self.clusters().is_empty())
                .then(|| Value::Clusters(Box::new(self.clusters().clone()))),
        ])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Every object holds a value slot per field of its table, so a large kind slows every
    /// metric and flag (docs/performance.md, "One schema"): large kinds are boxed.
    #[test]
    fn a_value_is_small() {
        assert!(std::mem::size_of::<Option<Value>>() <= 32);
    }

    /// Whether `value` is of the kind `kind` describes.
    fn is_kind(value: &Value, kind: Kind) -> bool {
        matches!(
            (value, kind),
            (Value::Text(_), Kind::Text)
                | (Value::Word(_), Kind::Word)
                | (Value::Number(_), Kind::Number | Kind::NonNegative)
                | (Value::Count(_), Kind::Count)
                | (Value::Interval(_), Kind::Interval)
                | (Value::Instant(_), Kind::Instant)
                | (Value::Stamp(_), Kind::Stamp)
                | (Value::Digests(_), Kind::Digests)
                | (Value::Severity(_), Kind::Severity)
                | (Value::Metrics(_), Kind::Metrics)
                | (Value::Flags(_), Kind::Flags)
                | (Value::Signoffs(_), Kind::Signoffs)
                | (Value::Waivers(_), Kind::Waivers)
                | (Value::Samples(_), Kind::Samples)
                | (Value::Scores(_), Kind::Scores)
                | (Value::Clusters(_), Kind::Clusters)
        )
    }

    /// Every field of `record` is set, of its table's kind, and builds the record back.
    fn round_trip<R: Record + PartialEq + std::fmt::Debug + Clone>(record: &R) {
        let values = record.values();
        for (i, field) in R::OBJECT.fields.iter().enumerate() {
            let value = values.get(i);
            if !field.stored {
                assert!(value.is_none(), "{} is not kept, yet written", field.name);
                continue;
            }
            assert!(value.is_some(), "{} is not set", field.name);
            assert!(
                value.is_some_and(|v| is_kind(v, field.kind)),
                "{} is written as {value:?}, not {:?}",
                field.name,
                field.kind
            );
        }
        assert_eq!(R::build(values).as_ref(), Some(record));
    }

    fn instant(text: &str) -> DateTime<Utc> {
        super::super::time::parse_instant(text).unwrap()
    }

    fn stamp(text: &str) -> Stamp {
        Stamp {
            at: instant(text),
            text: text.to_string(),
        }
    }

    fn full_metric() -> Metric {
        let mut metric = Metric::new(0.5, 0);
        metric.set_baseline(Some(0.4));
        metric.set_stderr(Some(0.01));
        metric.set_baseline_stderr(Some(0.02));
        metric.set_ci(Some((0.45, 0.55)));
        metric.set_baseline_ci(Some((0.35, 0.45)));
        metric.set_n(Some(1800));
        metric
    }

    fn full_samples() -> Samples {
        let scores = |pairs: &[(&str, f64)]| {
            pairs
                .iter()
                .map(|(id, s)| (id.to_string(), *s))
                .collect::<IndexMap<_, _>>()
        };
        Samples::new(
            Some(scores(&[("q1", 1.0), ("q2", 0.5)])),
            Some(scores(&[("q1", 1.0)])),
            IndexMap::from([(String::from("q1"), String::from("p7"))]),
        )
    }

    fn full_flag() -> Flag {
        Flag::new(Arc::from("expert"), Arc::from("tone"), Severity::High)
            .with_author(Some(Arc::from("tester-3")))
            .with_texts(
                Some(String::from("F-1")),
                Some(String::from("a note")),
                Some(String::from("alpha")),
            )
    }

    fn full_signoff() -> Signoff {
        Signoff {
            role: String::from("safety-lead"),
            by: String::from("reviewer-7"),
            candidate: Some(String::from("c")),
            at: Some(stamp("2025-04-24T10:00:00Z")),
            expires: Some(stamp("2025-05-24")),
            evidence: Some(vec!["0".repeat(64)]),
            signature: Some(String::from("sig")),
            file: 0,
        }
    }

    fn full_waiver() -> Waiver {
        Waiver {
            rule: String::from("r"),
            role: String::from("lead"),
            by: String::from("reviewer-3"),
            reason: String::from("known artefact"),
            expires: stamp("2025-05-01"),
            candidate: Some(String::from("c")),
            evidence: Some(vec!["f".repeat(64)]),
            signature: Some(String::from("sig")),
            file: 0,
        }
    }

    #[test]
    fn each_table_matches_the_model_it_describes() {
        round_trip(&full_metric());
        round_trip(&full_flag());
        round_trip(&full_signoff());
        round_trip(&full_waiver());
        round_trip(&Bundle {
            candidate: Some(String::from("c")),
            baseline: Some(String::from("b")),
            stage: Some(String::from("ab")),
            as_of: Some(instant("2025-04-25T09:00:00Z")),
            metrics: IndexMap::from([(String::from("m"), full_metric())]),
            flags: vec![full_flag()],
            signoffs: vec![full_signoff()],
            waivers: vec![full_waiver()],
            samples: IndexMap::from([(String::from("m"), full_samples())]),
            ..Bundle::default()
        });
        round_trip(&full_samples());
    }

    /// Metric values with the named counts (and any other fields) set.
    fn metric_values(fields: &[(&str, Value)]) -> Values {
        let mut values = Values::default();
        for (name, value) in fields {
            let i = METRIC.fields.iter().position(|f| f.name == *name).unwrap();
            values.set(i, Some(value.clone()));
        }
        values
    }

    fn field<'v>(values: &'v Values, name: &str) -> Option<&'v Value> {
        values.get(METRIC.fields.iter().position(|f| f.name == name).unwrap())
    }

    #[test]
    fn counts_give_a_proportion_and_stated_fields_win() {
        let mut values = metric_values(&[
            ("successes", Value::Count(48)),
            ("n", Value::Count(50)),
            ("stderr", Value::Number(0.5)),
            ("baseline_successes", Value::Count(1)),
            ("baseline_n", Value::Count(4)),
        ]);
        assert_eq!(METRIC.derive(&mut values), Ok(()));
        assert_eq!(field(&values, "value"), Some(&Value::Number(0.96)));
        assert_eq!(field(&values, "stderr"), Some(&Value::Number(0.5)));
        let ci = field(&values, "ci");
        assert!(
            matches!(ci, Some(Value::Interval((low, high)))
                if (low - 0.865_396_6).abs() < 1e-6 && (high - 0.988_961_3).abs() < 1e-6),
            "{ci:?}"
        );
        assert_eq!(field(&values, "baseline"), Some(&Value::Number(0.25)));
        let se = (0.25f64 * 0.75 / 4.0).sqrt();
        assert_eq!(field(&values, "baseline_stderr"), Some(&Value::Number(se)));
        assert!(field(&values, "baseline_ci").is_some());
        // Written back, the counts are gone and the derived fields read the same.
        let metric = Metric::build(values).unwrap();
        assert_eq!(Metric::build(metric.values()).as_ref(), Some(&metric));
    }

    #[test]
    fn counts_that_do_not_make_a_proportion_are_errors() {
        let derive = |fields: &[(&str, Value)]| METRIC.derive(&mut metric_values(fields));
        assert_eq!(
            derive(&[("successes", Value::Count(3)), ("n", Value::Count(2))]),
            Err(ProportionProblem::TooMany {
                successes: "successes",
                count: 3,
                n: "n",
                trials: 2
            })
        );
        assert_eq!(
            derive(&[("baseline_successes", Value::Count(3))]),
            Err(ProportionProblem::NoTrials {
                successes: "baseline_successes",
                n: "baseline_n"
            })
        );
        let stated = |value: f64| {
            derive(&[
                ("successes", Value::Count(1)),
                ("n", Value::Count(3)),
                ("value", Value::Number(value)),
            ])
        };
        assert_eq!(stated(1.0 / 3.0 + 5e-10), Ok(()));
        assert!(matches!(
            stated(0.3333),
            Err(ProportionProblem::Disagrees { value: "value", .. })
        ));
    }

    #[test]
    fn no_trials_give_no_rate() {
        let mut values = metric_values(&[
            ("value", Value::Number(0.5)),
            ("baseline_successes", Value::Count(0)),
            ("baseline_n", Value::Count(0)),
        ]);
        assert_eq!(METRIC.derive(&mut values), Ok(()));
        assert_eq!(field(&values, "baseline"), None);
        assert_eq!(field(&values, "baseline_ci"), None);
    }

    #[test]
    fn a_metric_checks_its_intervals_against_its_numbers() {
        let mut metric = full_metric();
        metric.set_ci(Some((0.6, 0.7)));
        let values = metric.values();
        let broken: Vec<(&str, &str)> = METRIC
            .uncontained(&values)
            .map(|(interval, _, center, _)| (interval.name, center.name))
            .collect();
        assert_eq!(broken, [("ci", "value")]);
    }
}
