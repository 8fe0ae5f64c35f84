//! Lines and columns of byte offsets, which every diagnostic and every rule location uses:
//! the indexed lookup agrees with counting from the start of the file, and stays fast on
//! large files (placing each rule of a generated policy used to rescan the file from its
//! start, which made checking 100,000 rules take minutes).

use std::time::{Duration, Instant};

use proptest::prelude::*;
use tollgate::source::Sources;

/// Counting from the start: the definition.
fn naive(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let Some(before) = text.get(..offset) else {
        return (1, 1);
    };
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn line_and_column_agree_with_counting(
        text in "(a|é|\n|\r\n|\t|日|x){0,60}",
        offsets in prop::collection::vec(0usize..200, 1..10),
    ) {
        let mut sources = Sources::new();
        let id = sources.add("t.gate", "t.gate", text.as_str());
        let file = sources.get(id);
        for offset in offsets.into_iter().chain([0, text.len(), text.len() + 1]) {
            prop_assert_eq!(file.line_col(offset), naive(&text, offset), "offset {}", offset);
        }
    }
}

#[test]
fn every_line_of_a_large_file_is_found_quickly() {
    let text: String = (0..200_000)
        .map(|i| format!("rule r{i} {{ block when m > {i} }}\n"))
        .collect();
    let mut sources = Sources::new();
    let id = sources.add("big.gate", "big.gate", text.as_str());
    let file = sources.get(id);
    let started = Instant::now();
    let mut offset = 0;
    for (i, line) in text.lines().enumerate() {
        assert_eq!(file.line_col(offset + 5), (i + 1, 6));
        offset += line.len() + 1;
    }
    // Linear: well under a second. Counting from the start each time takes hours.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
