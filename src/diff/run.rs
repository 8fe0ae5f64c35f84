//! `tollgate diff OLD NEW [--replay …]` as one call: load both versions (files or `REV:path`),
//! compare them, replay bundles. The CLI and the Python package both diff through [`run`].

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::policy::Policy;

use super::git::Spec;
use super::{diff, replay, Report, Version};

/// The report, and the errors in either version's tests: tests decide nothing, so they do
/// not stop the diff, but the caller reports them beside it.
#[derive(Debug, Clone)]
pub struct Compared {
    pub report: Report,
    pub test_errors: Vec<Diagnostic>,
}

/// Why a diff could not be made: a version failed to load, or the replayed evidence did.
#[derive(Debug, Clone)]
pub enum Failure {
    Policies(Diagnostics),
    Replay(Diagnostics),
}

impl Failure {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Failure::Policies(d) | Failure::Replay(d) => &d.0,
        }
    }
}

/// Compare `old` with `new` (each a file, or `REV:path` read with git) and, when `replay`
/// names bundles (files, or folders searched for them), evaluate both on each at `now`
/// (default: each bundle's `as_of`, else the clock). The errors of both versions are
/// reported together.
pub fn run(
    old: &str,
    new: &str,
    replay_paths: &[PathBuf],
    now: Option<DateTime<Utc>>,
) -> Result<Compared, Failure> {
    let (old_spec, new_spec) = (Spec::parse(old), Spec::parse(new));
    let (old, new, test_errors) = match (old_spec.load_for_diff(), new_spec.load_for_diff()) {
        (Ok((old, a)), Ok((new, b))) => (old, new, [a, b].concat()),
        (old, new) => {
            let errors = [old.err(), new.err()]
                .into_iter()
                .flatten()
                .flat_map(|d| d.0)
                .collect();
            return Err(Failure::Policies(Diagnostics(errors)));
        }
    };
    let mut report = diff(version(&old, &old_spec), version(&new, &new_spec));
    if !replay_paths.is_empty() {
        let replayed = replay::discover(replay_paths)
            .and_then(|bundles| replay::replay(&old, &new, &bundles, now))
            .map_err(Failure::Replay)?;
        report.replay = Some(replayed);
    }
    Ok(Compared {
        report,
        test_errors,
    })
}

fn version<'a>(policy: &'a Policy, spec: &'a Spec) -> Version<'a> {
    match spec.rev() {
        Some(rev) => Version::at_rev(policy, rev),
        None => Version::new(policy),
    }
}
