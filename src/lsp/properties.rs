//! Property tests: on any text, however broken, every feature answers (no panic) and every
//! range it gives lies inside the document.

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_types::{Position, Range};
use proptest::prelude::*;

use super::snapshot::Snapshot;
use super::text::LineIndex;
use super::{completion, hover, navigate, outline};

/// Pieces of policies, well formed and not, to join at random.
const PIECES: &[&str] = &[
    "policy \"p\" {\n  version \"1\"\n}\n",
    "metric m from \"k\" lower is better\n",
    "metric family f from \"k.*\" higher is better\n",
    "let l = [\"a\", \"b\"]\n",
    "rule r \"T\" {\n  block when regression(m) > 1% and any(flags where source in l)\n  waivable by \"x\"\n}\n",
    "rule s {\n  warn when count(f where regression > 0) > 1\n}\n",
    "rule broken {\n  block when m >\n}\n",
    "test \"t\" {\n  evidence { \"metrics\": {} }\n  expect fired r\n}\n",
    "let é = (\n",
    "}\n",
    "# comment\n",
    "import \"missing.gate\"\n",
];

fn inside(range: &Range, last_line: u32) -> bool {
    range.start <= range.end && range.end.line <= last_line
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_feature_answers_within_the_document(
        picks in proptest::collection::vec(0..PIECES.len(), 0..8),
        at in proptest::collection::vec((0u32..30, 0u32..60), 1..6),
    ) {
        let text: String = picks.iter().filter_map(|&i| PIECES.get(i).copied()).collect();
        let path = PathBuf::from("/nonexistent-tollgate-dir/p.gate");
        let open = HashMap::from([(path.clone(), text.clone())]);
        let snap = Snapshot::build(&path, &open);
        let last_line = crate::index::to_u32(text.matches('\n').count());
        for (line, character) in at {
            let position = Position::new(line, character);
            if let Some(h) = hover::hover(&snap, &path, position) {
                prop_assert!(h.range.is_none_or(|r| inside(&r, last_line)));
            }
            for l in navigate::definition(&snap, &path, position)
                .into_iter()
                .chain(navigate::references(&snap, &path, position, true))
            {
                prop_assert!(inside(&l.range, last_line));
            }
            if let Some(r) = navigate::prepare_rename(&snap, &path, position) {
                prop_assert!(inside(&r, last_line));
            }
            let _ = navigate::rename(&snap, &path, position, "renamed");
            let offset = LineIndex::new(&text).offset(&text, position);
            let _ = completion::complete(&snap, &text, offset);
        }
        for s in outline::symbols(&snap, &path) {
            prop_assert!(inside(&s.range, last_line));
        }
        for f in outline::folding(&snap, &path) {
            prop_assert!(f.start_line < f.end_line && f.end_line <= last_line);
        }
        for list in snap.diagnostics.values() {
            for d in list {
                prop_assert!(inside(&d.range, last_line));
            }
        }
    }
}
