//! Per-item scores as an importer reads them (STATISTICS.md section 8): one metric's items,
//! each item's repeats summed as the rows stream by, so memory grows with the items kept and
//! not with the rows read.

use indexmap::IndexMap;

use crate::evidence::model::Samples;

/// One item: the sum and count of its repeat scores, and the fingerprint of the question it
/// asks when the harness wrote one (lm-eval's `doc_hash`).
#[derive(Debug, Clone, Copy)]
struct Item {
    sum: f64,
    count: u32,
    hash: Option<u64>,
}

/// The items of one metric of one file.
#[derive(Debug, Default, Clone)]
pub(crate) struct Items {
    items: IndexMap<String, Item>,
    clusters: IndexMap<String, String>,
}

impl Items {
    /// Add one repeat of item `id`. The first fingerprint seen for an item is kept.
    pub(crate) fn add(&mut self, id: &str, score: f64, hash: Option<u64>) {
        match self.items.get_mut(id) {
            Some(item) => {
                item.sum += score;
                item.count = item.count.saturating_add(1);
                item.hash = item.hash.or(hash);
            }
            None => {
                self.items.insert(
                    id.to_string(),
                    Item {
                        sum: score,
                        count: 1,
                        hash,
                    },
                );
            }
        }
    }

    /// Put item `id` in `cluster`.
    pub(crate) fn cluster(&mut self, id: &str, cluster: String) {
        self.clusters.insert(id.to_string(), cluster);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The samples these items are as one file's own side (its `candidate`), each item's
    /// score the mean of its repeats; and each item's fingerprint in the same order, when any
    /// item has one.
    pub(crate) fn into_samples(self) -> (Samples, Option<Vec<Option<u64>>>) {
        let hashes = self
            .items
            .values()
            .any(|item| item.hash.is_some())
            .then(|| self.items.values().map(|item| item.hash).collect());
        // As a float: repeat counts are far below 2^53.
        let scores = self
            .items
            .into_iter()
            .map(|(id, item)| (id, item.sum / f64::from(item.count.max(1))))
            .collect();
        (Samples::new(Some(scores), None, self.clusters), hashes)
    }
}

/// A question's fingerprint from a hex digest (lm-eval's sha256 `doc_hash`): its first 16
/// hex digits, else (a digest in another form) a hash of the whole text.
pub(crate) fn fingerprint(digest: &str) -> u64 {
    match digest.get(..16).map(|head| u64::from_str_radix(head, 16)) {
        Some(Ok(value)) => value,
        _ => {
            let sum = crate::digest::sha256_hex(digest.as_bytes());
            sum.get(..16)
                .and_then(|head| u64::from_str_radix(head, 16).ok())
                .unwrap_or(0)
        }
    }
}
