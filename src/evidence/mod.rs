//! Evidence bundles: loading JSON and YAML, strict validation, merging several files.

pub mod model;

pub use model::{Bundle, EvidenceFile, Flag, Metric, Signoff, Waiver};
