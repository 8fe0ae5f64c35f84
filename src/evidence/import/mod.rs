//! Evidence from the files eval harnesses already write: lm-evaluation-harness results,
//! Inspect eval logs, promptfoo outputs, HELM `stats.json`, and flags in CSV. Each importer
//! (one file per format) reads its format into the same validated model as the native
//! bundle ([`super::model`]); nothing downstream knows where a metric came from except
//! through [`EvidenceFile`].
//!
//! The pipeline for a set of [`Input`]s ([`load`]):
//! 1. each file is read (size limit, UTF-8, sha256), its format taken from `FORMAT:` or
//!    detected, and it is imported; every file's errors are reported together;
//! 2. `PREFIX=` is prepended to the file's metric keys;
//! 3. the evidence files merge by the native rules (EVIDENCE.md, Merging), and so do the
//!    baseline files, among themselves;
//! 4. each baseline metric becomes the `baseline` (and `baseline_stderr`, `baseline_ci`) of
//!    the candidate metric with the same key.
//!
//! Choices where the issue was silent:
//! - Detection: a `.yaml`/`.yml` file is a native bundle; a `.json` file is a native bundle
//!   when it reads as one, else whichever harness its top-level keys name (and if none does,
//!   the native errors are reported); a `.csv`/`.tsv` file is a flags CSV; any other file
//!   is detected from its content alone. Only harness formats are detected by their keys,
//!   so a misspelt native bundle still gets native errors.
//! - A model named by a harness file (lm-eval's `model_name`, Inspect's `eval.model`, a lone
//!   promptfoo provider) becomes the bundle's `candidate` (of a baseline file: `baseline`)
//!   when no native bundle sets it. Harnesses name one model differently (`hf` paths,
//!   `provider/model`), so a disagreement is a warning, not an error; native bundles still
//!   must agree.
//! - A baseline file gives values only: its metrics' own baselines, its flags, sign-offs,
//!   waivers, stage and `as_of` are not read; a native baseline's `candidate` names the
//!   baseline. A candidate metric that already has a baseline and gets one from a baseline
//!   file is an error naming both files. A flags CSV cannot be a baseline.
//! - A baseline metric with no candidate metric, and (when any baseline file is given) a
//!   candidate metric left without a baseline, are each one warning.
//! - A foreign JSON file may be written as YAML when its format is named (promptfoo can
//!   write YAML); it is converted to JSON first.

mod flags_csv;
mod helm;
mod inspect;
mod json;
mod lm_eval;
mod promptfoo;
mod sink;
mod spec;
mod write;

use std::path::Path;

use indexmap::IndexMap;
use serde::de::DeserializeOwned;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};

use super::ctx::Findings;
use super::load::read_limited;
use super::merge::{self, Source};
use super::model::{Bundle, EvidenceFile, Flag, InputFormat, Metric, Role};
use super::parse::parse_document;
use super::report::{Doc, Native};
use super::schema::BUNDLE;
use super::Format;
use crate::digest::sha256_hex;
use json::Outline;
use sink::Sink;

use spec::parse_specs;
pub use spec::Input;
pub use write::to_native_json;

/// How evidence is read beyond what each input says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Keep an Inspect log whose run did not finish (status other than `success`), with a
    /// warning, instead of rejecting it.
    pub allow_incomplete: bool,
}

/// What an importer read from one file.
#[derive(Debug, Default)]
pub(crate) struct Imported {
    pub metrics: IndexMap<String, Metric>,
    pub flags: Vec<Flag>,
    /// The model the file says it measured.
    pub model: Option<String>,
}

/// One file, read and imported.
struct Part {
    bundle: Bundle,
    source: Source,
    /// The model a harness file names (native bundles say it in `candidate`).
    model: Option<String>,
}

/// Read, import and combine `inputs` (module docs). All problems of all files are reported
/// together; nothing is returned unless every file could be used.
pub fn load(inputs: &[Input], options: &Options) -> Result<Bundle, Diagnostics> {
    let mut errors = Vec::new();
    let mut evidence = Vec::new();
    let mut baselines = Vec::new();
    for input in inputs {
        match read(input, options) {
            Ok(part) if input.role == Role::Baseline => baselines.push(part),
            Ok(part) => evidence.push(part),
            Err(mut found) => errors.append(&mut found),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    combine(evidence, baselines).map_err(Diagnostics)
}

/// Read `[PREFIX=][FORMAT:]PATH` specs (relative to the current folder) and [`load`] them:
/// what `--evidence` and `--baseline` do, for the CLI and the Python package alike. Bad specs
/// are all reported together, before any file is read.
pub fn load_specs<E, B>(
    evidence: &[E],
    baseline: &[B],
    options: &Options,
) -> Result<Bundle, Diagnostics>
where
    E: AsRef<str>,
    B: AsRef<str>,
{
    let inputs = parse_specs(evidence, baseline).map_err(Diagnostics)?;
    load(&inputs, options)
}

/// Load files by path alone, as [`super::load_files`] does: the format of each is detected,
/// but a name that does not end in `.json`, `.yaml` or `.yml` is refused before reading.
pub(crate) fn load_paths(paths: &[impl AsRef<Path>]) -> Result<Bundle, Diagnostics> {
    let mut errors = Vec::new();
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        let path = path.as_ref();
        if Format::from_path(path).is_none() {
            errors.push(unknown_extension(&path.display().to_string()));
        } else {
            inputs.push(Input::file(path));
        }
    }
    // The other files are still read, so that every problem is reported at once.
    match load(&inputs, &Options::default()) {
        Ok(bundle) if errors.is_empty() => Ok(bundle),
        Ok(_) => Err(Diagnostics(errors)),
        Err(Diagnostics(more)) => {
            errors.extend(more);
            Err(Diagnostics(errors))
        }
    }
}

fn unknown_extension(name: &str) -> Diagnostic {
    Diagnostic::error(
        Code::Evidence,
        format!(
            "{name}: cannot tell the format of this evidence file; its name must end in \
             .json, .yaml or .yml"
        ),
    )
    .with_help("rename the file, or convert it to JSON or YAML")
}

/// Read one input into a part: its bytes, its format, its import, its prefix.
fn read(input: &Input, options: &Options) -> Result<Part, Vec<Diagnostic>> {
    let name = input.path.display().to_string();
    let bytes = read_limited(&input.path, &name)?;
    let sha256 = sha256_hex(&bytes);
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(vec![Diagnostic::error(
            Code::Evidence,
            format!("{name}: the file is a zip archive, not JSON, YAML or CSV"),
        )
        .with_help(
            "an Inspect `.eval` log is a zip archive: convert it with \
             `inspect log convert --to json`, or run with `--log-format json`",
        )]);
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Err(vec![super::load::not_utf8(&name, &e)]),
    };
    from_text(input, name, text, sha256, options)
}

/// Read one document already in memory (tests, fuzzing), as [`load`] reads a file: `name`
/// stands for its path (its extension helps detection) and the sha256 is of the text.
pub fn parse_str(
    name: &str,
    text: &str,
    format: Option<InputFormat>,
    options: &Options,
) -> Result<Bundle, Diagnostics> {
    let input = Input {
        format,
        ..Input::file(name)
    };
    let sha256 = sha256_hex(text.as_bytes());
    from_text(&input, name.to_string(), text.to_string(), sha256, options)
        .and_then(|part| combine(vec![part], Vec::new()))
        .map_err(Diagnostics)
}

/// One input's text into a part: its format, its import, its prefix.
fn from_text(
    input: &Input,
    name: String,
    text: String,
    sha256: String,
    options: &Options,
) -> Result<Part, Vec<Diagnostic>> {
    let extension = Format::from_path(&input.path);
    let (format, detected, native) = match input.format {
        Some(format) => (format, false, None),
        None => match detect(&input.path, extension, &text, &name, &sha256)? {
            Detected::Native(bundle) => (InputFormat::Tollgate, false, Some(bundle)),
            Detected::Format(format) => (format, format != InputFormat::Tollgate, None),
        },
    };
    if input.role == Role::Baseline && format == InputFormat::FlagsCsv {
        return Err(vec![Diagnostic::error(
            Code::Usage,
            format!("{name}: a flags CSV holds no metrics, so it cannot be a baseline"),
        )
        .with_help("give it with --evidence")]);
    }
    let file = EvidenceFile {
        path: name.clone(),
        sha256: sha256.clone(),
        format,
        detected,
        prefix: input.prefix.clone(),
        role: input.role,
    };
    let mut part = match format {
        InputFormat::Tollgate => {
            let syntax = extension.unwrap_or_else(|| sniff_syntax(&text));
            let mut bundle = match native {
                Some(bundle) => *bundle,
                None => parse_document(&name, &text, syntax, &sha256)?,
            };
            let model = bundle.candidate.clone();
            if input.role == Role::Baseline {
                bundle = Bundle {
                    metrics: bundle.metrics,
                    files: bundle.files,
                    ..Bundle::default()
                };
            }
            bundle.files = vec![file];
            Part {
                bundle,
                source: Source {
                    name,
                    text,
                    format: syntax,
                },
                model: (input.role == Role::Baseline).then_some(model).flatten(),
            }
        }
        foreign => {
            let imported = import(foreign, &name, &text, extension, options).map_err(|errors| {
                other_format(foreign, &input.path, &name, &text).unwrap_or(errors)
            })?;
            let (imported, warnings) = imported;
            let mut warnings = warnings;
            if input.prefix.is_some() && foreign == InputFormat::FlagsCsv {
                warnings.push(format!(
                    "{name}: a prefix has no effect on a flags CSV, which holds no metrics"
                ));
            }
            Part {
                bundle: Bundle {
                    metrics: imported.metrics,
                    flags: imported.flags,
                    files: vec![file],
                    warnings,
                    ..Bundle::default()
                },
                // Merge errors have nothing to point at in a foreign file's text.
                source: Source {
                    name,
                    text: String::new(),
                    format: Format::Json,
                },
                model: imported.model,
            }
        }
    };
    if let Some(prefix) = &input.prefix {
        part.bundle.metrics = std::mem::take(&mut part.bundle.metrics)
            .into_iter()
            .map(|(key, metric)| (format!("{prefix}.{key}"), metric))
            .collect();
    }
    Ok(part)
}

/// Run a harness importer on a file's text.
fn import(
    format: InputFormat,
    name: &str,
    text: &str,
    extension: Option<Format>,
    options: &Options,
) -> Result<(Imported, Vec<String>), Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A harness format written as YAML is read as the JSON it stands for.
    let converted;
    let json_text = if extension == Some(Format::Yaml) && format != InputFormat::FlagsCsv {
        converted = yaml_to_json(name, text)?;
        converted.as_str()
    } else {
        text
    };
    let mut sink = Sink::new(name, json_text);
    let imported = match format {
        InputFormat::LmEval => lm_eval::import(json_text, &mut sink),
        InputFormat::Inspect => inspect::import(json_text, &mut sink, options.allow_incomplete),
        InputFormat::Promptfoo => promptfoo::import(json_text, &mut sink),
        InputFormat::Helm => helm::import(json_text, &mut sink),
        InputFormat::FlagsCsv => flags_csv::import(text, &mut sink),
        InputFormat::Tollgate => None,
    };
    match imported {
        Some(imported) if !sink.has_errors() => {
            let warnings = std::mem::take(&mut sink.warnings);
            Ok((imported, warnings))
        }
        _ => {
            let mut errors = sink.into_errors();
            if errors.is_empty() {
                errors.push(Diagnostic::error(
                    Code::Internal,
                    format!("{name}: the file was rejected without a reason"),
                ));
            }
            Err(errors)
        }
    }
}

fn yaml_to_json(name: &str, text: &str) -> Result<String, Vec<Diagnostic>> {
    serde_yaml_ng::from_str::<serde_json::Value>(text)
        .map_err(|e| e.to_string())
        .and_then(|value| serde_json::to_string(&value).map_err(|e| e.to_string()))
        .map_err(|e| {
            vec![Diagnostic::error(
                Code::Evidence,
                format!("{name}: invalid YAML: {e}"),
            )]
        })
}

/// Parse a harness file's JSON (with Python's `NaN` and `Infinity` allowed) into `T`; a
/// syntax error is reported in plain words at its line and column.
pub(crate) fn parse_json<T: DeserializeOwned>(text: &str, sink: &mut Sink<'_>) -> Option<T> {
    let tolerant = json::tolerant(text);
    match serde_json::from_str::<T>(&tolerant) {
        Ok(value) => Some(value),
        Err(e) => {
            let findings = Findings {
                problems: Vec::new(),
                more: 0,
                fatal: None,
                path: Vec::new(),
            };
            // The error's line is right in the original text; its column may be off by the
            // length of a replaced `NaN` before it on the same line.
            let doc = Doc::new(sink.name, text, Format::Json);
            for diagnostic in doc.report(findings, Some(Native::Json(e))) {
                sink.push(diagnostic);
            }
            None
        }
    }
}

/// Native JSON or YAML, for a native bundle whose name does not say: JSON when it starts
/// like JSON.
fn sniff_syntax(text: &str) -> Format {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('{') || start.starts_with('[') {
        Format::Json
    } else {
        Format::Yaml
    }
}

/// The harness a JSON document's outline names, if any.
fn harness(outline: &Outline) -> Option<InputFormat> {
    let lm_eval_keys = [
        "versions",
        "n-shot",
        "configs",
        "higher_is_better",
        "n-samples",
        "group_subtasks",
        "model_name",
    ];
    match outline {
        Outline::Object(_)
            if outline.has("eval") && (outline.has("status") || outline.has("version")) =>
        {
            Some(InputFormat::Inspect)
        }
        Outline::Object(_)
            if outline.has("results")
                && (outline.has("evalId")
                    || (outline.has("stats")
                        && (outline.has("prompts") || outline.has("table")))) =>
        {
            Some(InputFormat::Promptfoo)
        }
        Outline::Object(_)
            if outline.has("results") && lm_eval_keys.iter().any(|k| outline.has(k)) =>
        {
            Some(InputFormat::LmEval)
        }
        Outline::List(Some(keys))
            if keys.iter().any(|k| k == "name")
                && keys.iter().any(|k| k == "mean" || k == "count") =>
        {
            Some(InputFormat::Helm)
        }
        _ => None,
    }
}

/// Whether every top-level key is one of the native bundle's.
fn native_keys(outline: &Outline) -> bool {
    match outline {
        Outline::Object(keys) => keys.iter().all(|k| BUNDLE.has(k)),
        _ => false,
    }
}

/// When a file given as `FORMAT:` fails to import and looks like another format: one error
/// that says so, instead of the named importer's complaints about a file it never understood.
fn other_format(
    named: InputFormat,
    path: &Path,
    name: &str,
    text: &str,
) -> Option<Vec<Diagnostic>> {
    let outline = json::outline(text)?;
    let looks =
        harness(&outline).or_else(|| native_keys(&outline).then_some(InputFormat::Tollgate))?;
    if looks == named {
        return None;
    }
    let given = match looks {
        InputFormat::Tollgate => path.display().to_string(),
        other => format!("{}:{}", other.as_str(), path.display()),
    };
    Some(vec![Diagnostic::error(
        Code::Evidence,
        format!(
            "{name}: this is not {} output; it looks like {}",
            named.as_str(),
            looks.as_str()
        ),
    )
    .with_help(format!(
        "give it as `{given}`, or without a format to let Tollgate tell it from the content"
    ))])
}

/// What detection found: a native bundle already parsed, or a format to import.
enum Detected {
    Native(Box<Bundle>),
    Format(InputFormat),
}

/// The format of a file given without `FORMAT:` (module docs, "Detection").
fn detect(
    path: &Path,
    extension: Option<Format>,
    text: &str,
    name: &str,
    sha256: &str,
) -> Result<Detected, Vec<Diagnostic>> {
    let lower = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension {
        Some(Format::Yaml) => return Ok(Detected::Format(InputFormat::Tollgate)),
        Some(Format::Json) => {
            // A valid native bundle is one; only a rejected one is looked at again.
            return match parse_document(name, text, Format::Json, sha256) {
                Ok(bundle) => Ok(Detected::Native(Box::new(bundle))),
                Err(errors) => match json::outline(text).as_ref().and_then(harness) {
                    Some(format) => Ok(Detected::Format(format)),
                    None => Err(errors),
                },
            };
        }
        None => {}
    }
    if matches!(lower.as_deref(), Some("csv" | "tsv")) {
        return Ok(Detected::Format(InputFormat::FlagsCsv));
    }
    if let Some(outline) = json::outline(text) {
        if let Some(format) = harness(&outline) {
            return Ok(Detected::Format(format));
        }
        if native_keys(&outline) {
            return Ok(Detected::Format(InputFormat::Tollgate));
        }
    } else if flags_csv::looks_like(text) {
        return Ok(Detected::Format(InputFormat::FlagsCsv));
    }
    let names: Vec<&str> = InputFormat::ALL.iter().map(|f| f.as_str()).collect();
    Err(vec![Diagnostic::error(
        Code::Evidence,
        format!(
            "{name}: cannot tell the format of this evidence file: it is not a Tollgate bundle \
             (whose name must end in .json, .yaml or .yml) nor a file of a harness Tollgate \
             reads"
        ),
    )
    .with_help(format!(
        "name the format before the path, as FORMAT:{name}, where FORMAT is one of {}",
        names.join(", ")
    ))])
}

/// Merge the evidence parts, then the baseline parts, and give each candidate metric its
/// baseline.
fn combine(evidence: Vec<Part>, baselines: Vec<Part>) -> Result<Bundle, Vec<Diagnostic>> {
    let (mut bundle, models) = merge_parts(evidence)?;
    name_model(
        &mut bundle.candidate,
        &models,
        "the candidate",
        &mut bundle.warnings,
    );
    let (base, base_models) = merge_parts(baselines)?;
    name_model(
        &mut bundle.baseline,
        &base_models,
        "the baseline",
        &mut bundle.warnings,
    );

    let offset = bundle.files.len();
    let mut errors = Vec::new();
    let mut warnings = base.warnings;
    let file_name = |files: &[EvidenceFile], i: usize| {
        files
            .get(i)
            .map_or_else(|| String::from("?"), |f| f.path.clone())
    };
    for (key, from) in base.metrics {
        let base_file = file_name(&base.files, from.file());
        match bundle.metrics.get_mut(&key) {
            Some(metric) if metric.baseline().is_some() => {
                errors.push(
                    Diagnostic::error(
                        Code::Evidence,
                        format!(
                            "the metric `{key}` has a baseline in {} and another in the \
                             baseline file {base_file}",
                            file_name(&bundle.files, metric.file())
                        ),
                    )
                    .with_help("give each metric's baseline once"),
                );
            }
            Some(metric) => {
                metric.set_baseline(Some(from.value()));
                metric.set_baseline_stderr(from.stderr());
                metric.set_baseline_ci(from.ci());
                metric.set_baseline_file(Some(offset + from.file()));
            }
            None => warnings.push(format!(
                "baseline metric `{key}` (from {base_file}) has no candidate metric; it is \
                 ignored"
            )),
        }
    }
    // Metrics left without a baseline are reported by evaluation, for the metrics the
    // policy reads (`eval::near_miss`): a harness file holds many the policy never looks at.
    if !errors.is_empty() {
        return Err(errors);
    }
    bundle.files.extend(base.files);
    bundle.warnings.extend(warnings);
    Ok(bundle)
}

/// A model a harness file names, and that file.
struct Named {
    model: String,
    file: String,
}

/// Merge parts by the native rules; the models that harness files name.
fn merge_parts(parts: Vec<Part>) -> Result<(Bundle, Vec<Named>), Vec<Diagnostic>> {
    let mut bundles = Vec::with_capacity(parts.len());
    let mut sources = Vec::with_capacity(parts.len());
    let mut models = Vec::new();
    for part in parts {
        if let Some(model) = part.model {
            models.push(Named {
                model,
                file: part.source.name.clone(),
            });
        }
        bundles.push(part.bundle);
        sources.push(part.source);
    }
    let bundle = merge::merge(bundles, &sources)?;
    Ok((bundle, models))
}

/// Fill `slot` from the models harness files name, warning where they disagree.
fn name_model(slot: &mut Option<String>, models: &[Named], what: &str, warnings: &mut Vec<String>) {
    let mut chosen: Option<String> = slot.clone();
    for Named { model, file } in models {
        match &chosen {
            None => chosen = Some(model.clone()),
            Some(name) if name != model => warnings.push(format!(
                "{file} names the model `{model}`, but {what} is `{name}`"
            )),
            Some(_) => {}
        }
    }
    *slot = chosen;
}
