//! Texts stored once per document. A flag's source, category and author come from a small
//! vocabulary repeated across thousands of flags, so each distinct text is allocated once and
//! shared.

use std::collections::HashSet;
use std::sync::Arc;

/// The distinct texts of one document. Looked up once per flag field, so the hash is a fast
/// one (seeded per process, as SipHash is).
#[derive(Default)]
pub(crate) struct Words(HashSet<Arc<str>, foldhash::fast::RandomState>);

impl Words {
    /// `text`, shared with every earlier equal text of the document.
    pub(crate) fn intern(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        self.0.insert(shared.clone());
        shared
    }
}
