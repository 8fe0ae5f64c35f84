//! Per-item scores as an importer reads them (STATISTICS.md section 8): one metric's items,
//! each item's repeats summed as the rows stream by, so memory grows with the items kept and
//! not with the rows read.

use indexmap::IndexMap;

use crate::evidence::model::Samples;

/// The items of one metric of one file: each item's summed repeat scores by id, and beside
/// them (same index) its repeat count and the fingerprint of the question it asks when the
/// harness wrote one (lm-eval's `doc_hash`). Kept as parallel arrays so that the sums become
/// the samples' scores in place: a million items are never held twice.
#[derive(Debug, Default, Clone)]
pub(crate) struct Items {
    sums: IndexMap<String, f64>,
    counts: Vec<u32>,
    hashes: Vec<Option<u64>>,
    clusters: IndexMap<String, String>,
}

impl Items {
    /// Add one repeat of item `id`. The first fingerprint seen for an item is kept.
    pub(crate) fn add(&mut self, id: &str, score: f64, hash: Option<u64>) {
        match self.sums.get_full_mut(id) {
            Some((i, _, sum)) => {
                *sum += score;
                if let Some(count) = self.counts.get_mut(i) {
                    *count = count.saturating_add(1);
                }
                if let Some(kept) = self.hashes.get_mut(i) {
                    *kept = kept.or(hash);
                }
            }
            None => {
                self.sums.insert(id.to_string(), score);
                self.counts.push(1);
                self.hashes.push(hash);
            }
        }
    }

    /// Put item `id` in `cluster`.
    pub(crate) fn cluster(&mut self, id: &str, cluster: String) {
        self.clusters.insert(id.to_string(), cluster);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.sums.is_empty()
    }

    /// The samples these items are as one file's own side (its `candidate`), each item's
    /// score the mean of its repeats; and each item's fingerprint in the same order, when any
    /// item has one.
    pub(crate) fn into_samples(self) -> (Samples, Option<Vec<Option<u64>>>) {
        let Items {
            mut sums,
            counts,
            hashes,
            clusters,
        } = self;
        // As a float: repeat counts are far below 2^53.
        for (sum, count) in sums.values_mut().zip(&counts) {
            *sum /= f64::from((*count).max(1));
        }
        drop(counts);
        let hashes = hashes.iter().any(Option::is_some).then_some(hashes);
        (Samples::new(Some(sums), None, clusters), hashes)
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
