//! Renderers: an [`crate::outcome::Evaluation`] or diagnostics → text for one audience.

pub mod diagnostics;
pub mod human;
pub mod json;
