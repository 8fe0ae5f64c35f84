//! Merging bundles in order (EVIDENCE.md "Merging").

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use indexmap::map::Entry;
use indexmap::IndexMap;

use crate::diagnostic::{Code, Diagnostic};

use super::ctx::{Seg, Target};
use super::locate::locate;
use super::model::{Bundle, Metric, Samples};
use super::Format;

/// The text of a file that became one part, so merge errors can point into it.
pub(crate) struct Source {
    pub name: String,
    pub text: String,
    pub format: Format,
}

/// Who set a bundle-level field first: the part's index and how to name it.
struct Setter {
    part: usize,
    name: String,
}

/// Merge `parts` in order. `sources`, when given, holds the text of each part (one file per
/// part) for labels.
pub(crate) fn merge(parts: Vec<Bundle>, sources: &[Source]) -> Result<Bundle, Vec<Diagnostic>> {
    let mut out = Bundle::default();
    let mut errors = Vec::new();
    let mut setters: [Option<Setter>; 4] = [None, None, None, None];
    for (index, part) in parts.into_iter().enumerate() {
        let name = part_name(&part, index);
        let offset = out.files.len();
        let Bundle {
            candidate,
            baseline,
            stage,
            as_of,
            metrics,
            flags,
            signoffs,
            waivers,
            samples,
            files,
            warnings,
        } = part;
        out.files.extend(files);
        let mut at = Part {
            sources,
            index,
            name: &name,
            errors: &mut errors,
        };
        let [s_candidate, s_baseline, s_stage, s_as_of] = &mut setters;
        at.agree(
            "candidate",
            &mut out.candidate,
            s_candidate,
            candidate,
            String::clone,
        );
        at.agree(
            "baseline",
            &mut out.baseline,
            s_baseline,
            baseline,
            String::clone,
        );
        at.agree("stage", &mut out.stage, s_stage, stage, String::clone);
        at.agree("as_of", &mut out.as_of, s_as_of, as_of, |t| {
            show_instant(*t)
        });
        if out.metrics.is_empty() && offset == 0 {
            // The first part's metrics are taken whole: no key can repeat yet, and copying a
            // large map would hold two of it in memory at once.
            out.metrics = metrics;
        } else {
            merge_metrics(&mut out, metrics, offset, &mut at);
        }
        append(&mut out.flags, flags);
        let from = out.signoffs.len();
        append(&mut out.signoffs, signoffs);
        for s in out.signoffs.iter_mut().skip(from) {
            s.file += offset;
        }
        let from = out.waivers.len();
        append(&mut out.waivers, waivers);
        for w in out.waivers.iter_mut().skip(from) {
            w.file += offset;
        }
        append(&mut out.warnings, warnings);
        merge_samples(&mut out, samples, offset, &mut at);
    }
    if errors.is_empty() {
        super::samples::define_metrics(&mut out);
        Ok(out)
    } else {
        Err(errors)
    }
}

/// `more` after `into`, taking `more`'s buffer when `into` is empty.
fn append<T>(into: &mut Vec<T>, mut more: Vec<T>) {
    if into.is_empty() {
        *into = more;
    } else {
        into.append(&mut more);
    }
}

/// Add a later part's metrics, each file index moved by `offset`; a key already present is
/// an error.
fn merge_metrics(
    out: &mut Bundle,
    metrics: IndexMap<String, Metric>,
    offset: usize,
    at: &mut Part<'_>,
) {
    for (key, mut metric) in metrics {
        metric.set_file(metric.file() + offset);
        metric.set_baseline_file(metric.baseline_file().map(|f| f + offset));
        match out.metrics.entry(key) {
            Entry::Occupied(entry) => {
                let first = out
                    .files
                    .get(entry.get().file())
                    .map_or_else(|| String::from("an earlier file"), |f| f.path.clone());
                let error = repeated_key(
                    "metrics",
                    entry.key(),
                    &first,
                    at.name,
                    at.index,
                    at.sources,
                );
                at.errors.push(error);
            }
            Entry::Vacant(entry) => {
                entry.insert(metric);
            }
        }
    }
}

/// Add a part's per-item scores, each file index moved by `offset`; a metric key already
/// present is an error, as for metrics.
fn merge_samples(
    out: &mut Bundle,
    samples: IndexMap<String, Samples>,
    offset: usize,
    at: &mut Part<'_>,
) {
    for (key, mut set) in samples {
        set.set_file(set.file() + offset);
        match out.samples.entry(key) {
            Entry::Occupied(entry) => {
                let first = out
                    .files
                    .get(entry.get().file())
                    .map_or_else(|| String::from("an earlier file"), |f| f.path.clone());
                at.errors.push(repeated_key(
                    "samples",
                    entry.key(),
                    &first,
                    at.name,
                    at.index,
                    at.sources,
                ));
            }
            Entry::Vacant(entry) => {
                entry.insert(set);
            }
        }
    }
}

/// The part being merged, for the agreement checks and repeated metric keys.
struct Part<'a> {
    sources: &'a [Source],
    index: usize,
    name: &'a str,
    errors: &'a mut Vec<Diagnostic>,
}

impl Part<'_> {
    /// Take `value` into `slot` if the slot is empty; else it must be equal.
    fn agree<T: PartialEq>(
        &mut self,
        field: &'static str,
        slot: &mut Option<T>,
        setter: &mut Option<Setter>,
        value: Option<T>,
        show: impl Fn(&T) -> String,
    ) {
        let Some(value) = value else { return };
        match (slot.as_ref(), setter.as_ref()) {
            (Some(old), first) if *old != value => {
                let fallback = Setter {
                    part: usize::MAX,
                    name: String::from("an earlier part"),
                };
                let first = first.unwrap_or(&fallback);
                let diagnostic = disagree(
                    field,
                    first,
                    &show(old),
                    self.index,
                    self.name,
                    &show(&value),
                    self.sources,
                );
                self.errors.push(diagnostic);
            }
            (Some(_), _) => {}
            (None, _) => {
                *slot = Some(value);
                *setter = Some(Setter {
                    part: self.index,
                    name: self.name.to_string(),
                });
            }
        }
    }
}

fn show_instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// How a part is named in messages: its file, or its files.
fn part_name(part: &Bundle, index: usize) -> String {
    match part.files.as_slice() {
        [] => format!("evidence part {}", index + 1),
        [one] => one.path.clone(),
        many => format!(
            "one of {}",
            many.iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Label `path` (with `target`) in part `index`'s text, when it is known.
fn labelled(
    diagnostic: Diagnostic,
    sources: &[Source],
    index: usize,
    path: &[Seg],
    target: Target,
    label: &str,
) -> Diagnostic {
    let Some(source) = sources.get(index) else {
        return diagnostic;
    };
    let text = source.text.strip_prefix('\u{feff}').unwrap_or(&source.text);
    match locate(text, source.format, path, target) {
        Some(range) => diagnostic.with_text_label(
            &source.name,
            Arc::from(text),
            range.start,
            range.len(),
            label,
        ),
        None => diagnostic,
    }
}

fn disagree(
    field: &'static str,
    first: &Setter,
    old: &str,
    index: usize,
    name: &str,
    new: &str,
    sources: &[Source],
) -> Diagnostic {
    let path = [Seg::Field(field)];
    let message = format!(
        "evidence files disagree on `{field}`: {} has \"{old}\", {name} has \"{new}\"",
        first.name
    );
    let diagnostic = labelled(
        Diagnostic::error(Code::Evidence, message),
        sources,
        index,
        &path,
        Target::Value,
        &format!("{} has \"{old}\"", first.name),
    )
    .with_help(format!(
        "files merged into one bundle must describe the same {field}; \
         set it in one file only, or make them agree"
    ));
    let related = labelled(
        Diagnostic::error(
            Code::Evidence,
            format!("{}: `{field}` is first set here", first.name),
        ),
        sources,
        first.part,
        &path,
        Target::Value,
        "first set here",
    );
    if related.labels.is_empty() {
        diagnostic
    } else {
        diagnostic.with_related(related)
    }
}

/// A metric key in `metrics` (or `samples`) of two files.
fn repeated_key(
    field: &'static str,
    key: &str,
    first: &str,
    name: &str,
    index: usize,
    sources: &[Source],
) -> Diagnostic {
    let path = [Seg::Field(field), Seg::Key(key.to_string())];
    let (what, help) = if field == "metrics" {
        (
            "metric",
            "each metric key may come from one evidence file only",
        )
    } else {
        (
            "per-item scores of",
            "a metric's per-item scores may come from one evidence file only",
        )
    };
    let message = format!("the {what} `{key}` is in both {first} and {name}");
    labelled(
        Diagnostic::error(Code::Evidence, message),
        sources,
        index,
        &path,
        Target::Key,
        &format!("already in {first}"),
    )
    .with_help(help)
}
