//! `REV:path` versions, read with the `git` binary (`git show REV:path`). Imports are read at
//! the same revision. Paths are taken relative to the current folder, as for plain files, and
//! turned into paths from the repository root with `git rev-parse --show-prefix`.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::check::{FsReader, SourceReader};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::policy::Policy;

/// What a command-line argument names: a file on disk, or a file at a git revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    Path(PathBuf),
    Git { rev: String, path: PathBuf },
}

impl Spec {
    /// A path that exists on disk wins; else `REV:path` splits at the first colon. A drive
    /// letter (`C:\x`, `C:/x`) is a path, not a revision.
    pub fn parse(arg: &str) -> Spec {
        if Path::new(arg).exists() {
            return Spec::Path(PathBuf::from(arg));
        }
        match arg.split_once(':') {
            Some((rev, rest)) if !is_drive(rev, rest) && !rest.is_empty() => Spec::Git {
                rev: rev.to_string(),
                path: PathBuf::from(rest),
            },
            _ => Spec::Path(PathBuf::from(arg)),
        }
    }

    /// The revision, for a git version.
    pub fn rev(&self) -> Option<&str> {
        match self {
            Spec::Path(_) => None,
            Spec::Git { rev, .. } => Some(rev),
        }
    }

    /// Load the policy this names, imports included.
    pub fn load(&self) -> Result<Policy, Diagnostics> {
        match self {
            Spec::Path(path) => Policy::load_with(path, &FsReader),
            Spec::Git { rev, path } => {
                let reader = GitReader::open(rev).map_err(Diagnostics::one)?;
                Policy::load_with(path, &reader)
            }
        }
    }
}

impl Spec {
    /// Load the policy for a diff. Tests decide nothing, so errors in a version's tests (an
    /// `expect` naming a rule this version no longer has) do not stop the diff: they come
    /// back beside the policy for the caller to report with it.
    pub fn load_for_diff(&self) -> Result<(Policy, Vec<Diagnostic>), Diagnostics> {
        let policy = self.load()?;
        let test_errors = policy.test_errors().cloned().collect();
        Ok((policy, test_errors))
    }
}

fn is_drive(rev: &str, rest: &str) -> bool {
    rev.len() == 1
        && rev.chars().all(|c| c.is_ascii_alphabetic())
        && (rest.starts_with('\\') || rest.starts_with('/'))
}

/// Reads files as they were at one revision.
pub struct GitReader {
    rev: String,
    /// The current folder, relative to the repository root (`""` at the root).
    prefix: PathBuf,
    /// The repository root, for absolute paths.
    toplevel: PathBuf,
}

impl GitReader {
    /// Check that we are in a repository and that `rev` names a commit (an empty `rev`, as in
    /// `:path`, reads the index).
    pub fn open(rev: &str) -> Result<GitReader, Diagnostic> {
        let prefix = git(&["rev-parse", "--show-prefix"]).map_err(|e| {
            Diagnostic::error(Code::Io, format!("cannot read {rev}:…: {e}")).with_help(
                "REV:path versions are read with git; run the command inside the repository",
            )
        })?;
        let toplevel = git(&["rev-parse", "--show-toplevel"]).map_err(|e| {
            Diagnostic::error(Code::Io, format!("cannot find the git repository: {e}"))
        })?;
        if !rev.is_empty() {
            git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).map_err(|_| {
                Diagnostic::error(Code::Usage, format!("`{rev}` is not a git revision"))
                    .with_help("write a branch, tag or commit, like HEAD~1:policies/x.gate; a path that exists on disk is read as a file")
            })?;
        }
        Ok(GitReader {
            rev: rev.to_string(),
            prefix: PathBuf::from(prefix.trim()),
            toplevel: PathBuf::from(toplevel.trim()),
        })
    }

    /// The path from the repository root, with `/` separators, as `git show` wants it.
    fn repo_path(&self, path: &Path) -> io::Result<String> {
        let joined = if path.is_absolute() {
            let here = std::env::current_dir()?;
            let top = self
                .toplevel
                .canonicalize()
                .unwrap_or_else(|_| self.toplevel.clone());
            path.strip_prefix(&self.toplevel)
                .or_else(|_| path.strip_prefix(&top))
                .map(Path::to_path_buf)
                .or_else(|_| here.strip_prefix(&top).map(|h| h.join(path)))
                .map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::NotFound,
                        "the path is outside the repository",
                    )
                })?
        } else {
            self.prefix.join(path)
        };
        let mut parts: Vec<String> = Vec::new();
        for c in joined.components() {
            match c {
                Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
                Component::ParentDir => {
                    if parts.pop().is_none() {
                        return Err(io::Error::new(
                            io::ErrorKind::NotFound,
                            "the path leaves the repository",
                        ));
                    }
                }
                Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            }
        }
        Ok(parts.join("/"))
    }
}

impl SourceReader for GitReader {
    fn read(&self, path: &Path) -> io::Result<String> {
        let target = format!("{}:{}", self.rev, self.repo_path(path)?);
        git(&["show", &target])
    }
}

/// Run git and return its standard output; a failure carries git's own message.
fn git(args: &[&str]) -> io::Result<String> {
    let output = Command::new("git").args(args).output()?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_string();
        let message = if message.is_empty() {
            format!("git {} failed", args.join(" "))
        } else {
            message
        };
        return Err(io::Error::new(io::ErrorKind::NotFound, message));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}
