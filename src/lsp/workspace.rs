//! The open documents and the snapshot of each: which to rebuild after an edit (the edited
//! file and every open file that imports it), which to answer from, what to publish.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::snapshot::{Open, Snapshot};

#[derive(Default)]
pub struct Workspace {
    /// Open documents' text, by normalised path.
    pub open: Open,
    /// A snapshot with each open document as the entry file.
    snapshots: HashMap<PathBuf, Snapshot>,
    /// What was last published for each file, to send only what changed.
    published: HashMap<PathBuf, Vec<lsp_types::Diagnostic>>,
}

impl Workspace {
    /// Rebuild the snapshots that read any of `changed`: the changed files themselves and
    /// the open files that import them.
    pub fn rebuild(&mut self, changed: &HashSet<PathBuf>) {
        self.snapshots
            .retain(|entry, _| self.open.contains_key(entry));
        let stale: Vec<PathBuf> = self
            .open
            .keys()
            .filter(|entry| {
                changed.contains(*entry)
                    || self
                        .snapshots
                        .get(*entry)
                        .is_none_or(|s| changed.iter().any(|c| s.contains(c)))
            })
            .cloned()
            .collect();
        for entry in stale {
            let snapshot = Snapshot::build(&entry, &self.open);
            self.snapshots.insert(entry, snapshot);
        }
    }

    /// The open documents no other open document imports: each is a policy's entry file,
    /// and its snapshot speaks for the files it imports. (Files that import each other are
    /// all roots.)
    fn roots(&self) -> Vec<&Path> {
        let imported_by_other = |path: &Path| {
            self.snapshots
                .iter()
                .any(|(entry, s)| entry != path && s.contains(path) && !self.mutual(entry, path))
        };
        let mut roots: Vec<&Path> = self
            .snapshots
            .keys()
            .map(PathBuf::as_path)
            .filter(|p| !imported_by_other(p))
            .collect();
        roots.sort();
        roots
    }

    fn mutual(&self, a: &Path, b: &Path) -> bool {
        self.snapshots.get(b).is_some_and(|s| s.contains(a))
    }

    /// The snapshot to answer a request about `path` from: a root that reads it (so that
    /// references and renames reach the files that import it), else its own.
    pub fn snapshot_for(&mut self, path: &Path) -> Option<&Snapshot> {
        if !self.snapshots.contains_key(path) && self.open.contains_key(path) {
            self.rebuild(&HashSet::from([path.to_path_buf()]));
        }
        let root = self
            .roots()
            .into_iter()
            .find(|r| self.snapshots.get(*r).is_some_and(|s| s.contains(path)))
            .map(Path::to_path_buf);
        match root {
            Some(root) => self.snapshots.get(&root),
            None => self.snapshots.get(path),
        }
    }

    /// The diagnostics that changed since last time, by file: from the roots' snapshots,
    /// and empty lists for files no longer reported on.
    pub fn diagnostics_to_publish(&mut self) -> Vec<(PathBuf, Vec<lsp_types::Diagnostic>)> {
        let mut now: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
        for root in self.roots() {
            let Some(snapshot) = self.snapshots.get(root) else {
                continue;
            };
            for (path, diagnostics) in &snapshot.diagnostics {
                let list = now.entry(path.clone()).or_default();
                for d in diagnostics {
                    if !list.contains(d) {
                        list.push(d.clone());
                    }
                }
            }
        }
        for path in self.published.keys() {
            now.entry(path.clone()).or_default();
        }
        let changed: Vec<(PathBuf, Vec<lsp_types::Diagnostic>)> = now
            .into_iter()
            .filter(|(path, list)| self.published.get(path) != Some(list))
            .collect();
        for (path, list) in &changed {
            if list.is_empty() && !self.open.contains_key(path) {
                self.published.remove(path);
            } else {
                self.published.insert(path.clone(), list.clone());
            }
        }
        changed
    }
}
