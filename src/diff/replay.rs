//! `--replay PATH…`: evaluate both versions on past evidence bundles and list those whose
//! decision differs.
//!
//! A file is one bundle. A folder is searched, sub-folders included, for bundle files —
//! `evidence.json` and any `*.yaml`/`*.yml` — and the bundle files of one folder are merged
//! into one bundle named after the folder. Hidden folders (`.git`, …) are skipped.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::evidence::{self, Bundle};
use crate::levels::Outcome;
use crate::outcome::{Evaluation, Now};
use crate::policy::Policy;

/// How deep folders are searched.
const MAX_DEPTH: usize = 16;

/// One bundle to replay: a name for reports and the files that make it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleRef {
    pub name: String,
    pub files: Vec<PathBuf>,
}

/// A rule whose outcome differs between the versions; `None` where the rule does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFlip {
    pub rule: String,
    pub old: Option<Outcome>,
    pub new: Option<Outcome>,
}

/// A bundle whose decision differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flip {
    pub bundle: String,
    pub old: Outcome,
    pub new: Outcome,
    /// The rules that account for the difference: those whose outcome differs.
    pub rules: Vec<RuleFlip>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    /// How many bundles were evaluated.
    pub bundles: usize,
    pub flips: Vec<Flip>,
}

/// Find the bundles under the given paths, in the order given, folders sorted by name.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<BundleRef>, Diagnostics> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_file() {
            found.push(BundleRef {
                name: path.display().to_string(),
                files: vec![path.clone()],
            });
        } else if path.is_dir() {
            let before = found.len();
            if let Err(e) = walk(path, 0, &mut found) {
                errors.push(
                    Diagnostic::error(Code::Io, format!("cannot read {}: {e}", path.display()))
                        .with_help("check the path and its permissions"),
                );
            } else if found.len() == before {
                errors.push(
                    Diagnostic::error(
                        Code::Usage,
                        format!("no evidence bundles under {}", path.display()),
                    )
                    .with_help("a bundle is a folder holding evidence.json or *.yaml files, or a file given by name"),
                );
            }
        } else {
            errors.push(
                Diagnostic::error(
                    Code::Io,
                    format!("cannot read {}: no such file or folder", path.display()),
                )
                .with_help("--replay takes evidence files or folders of bundles"),
            );
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(Diagnostics(errors))
    }
}

fn walk(dir: &Path, depth: usize, found: &mut Vec<BundleRef>) -> std::io::Result<()> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let files: Vec<PathBuf> = entries
        .iter()
        .filter(|p| p.is_file() && is_bundle_file(p))
        .cloned()
        .collect();
    if !files.is_empty() {
        found.push(BundleRef {
            name: dir.display().to_string(),
            files,
        });
    }
    for sub in entries.iter().filter(|p| p.is_dir()) {
        let hidden = sub
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if !hidden {
            walk(sub, depth + 1, found)?;
        }
    }
    Ok(())
}

fn is_bundle_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name == "evidence.json" || name.ends_with(".yaml") || name.ends_with(".yml")
}

/// Load every bundle (all errors reported together), then evaluate both versions on each.
/// `now` is the `--now` option; without it each bundle is evaluated at its `as_of`, else at
/// the clock.
pub fn replay(
    old: &Policy,
    new: &Policy,
    bundles: &[BundleRef],
    now: Option<DateTime<Utc>>,
) -> Result<Replay, Diagnostics> {
    let mut loaded: Vec<(&BundleRef, Bundle)> = Vec::new();
    let mut errors = Vec::new();
    for b in bundles {
        match evidence::load_files(&b.files) {
            Ok(bundle) => loaded.push((b, bundle)),
            Err(d) => errors.extend(d.0),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    let flips = loaded
        .iter()
        .filter_map(|(b, bundle)| {
            let at = Now::resolve(now, bundle.as_of);
            flip(
                &b.name,
                &old.evaluate(bundle, at),
                &new.evaluate(bundle, at),
            )
        })
        .collect();
    Ok(Replay {
        bundles: loaded.len(),
        flips,
    })
}

/// The difference between two evaluations of one bundle, if the decision differs.
pub fn flip(name: &str, old: &Evaluation, new: &Evaluation) -> Option<Flip> {
    if old.decision == new.decision {
        return None;
    }
    let mut rules = Vec::new();
    for r in &new.rules {
        let before = old.rule(&r.id).map(|o| o.outcome);
        if before != Some(r.outcome) && !(before.is_none() && r.outcome == Outcome::Pass) {
            rules.push(RuleFlip {
                rule: r.id.clone(),
                old: before,
                new: Some(r.outcome),
            });
        }
    }
    for r in &old.rules {
        if new.rule(&r.id).is_none() && r.outcome != Outcome::Pass {
            rules.push(RuleFlip {
                rule: r.id.clone(),
                old: Some(r.outcome),
                new: None,
            });
        }
    }
    Some(Flip {
        bundle: name.to_string(),
        old: old.decision,
        new: new.decision,
        rules,
    })
}
