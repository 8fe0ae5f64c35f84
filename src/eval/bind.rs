//! Binding a bundle to a compiled policy: every metric key and family glob resolved to bundle
//! indices once, so evaluation itself never looks a name up.

use chrono::{DateTime, Utc};

use crate::compile::Program;
use crate::evidence::Bundle;

#[derive(Debug, Clone)]
pub struct Bound {
    /// Per declared metric: its index in the bundle's metrics, if present.
    pub metrics: Vec<Option<u32>>,
    /// Per family: the bundle metrics its glob matches, in bundle order.
    pub families: Vec<Vec<u32>>,
    /// Per role named in `signed(…)`: whether a sign-off for it holds at `now`.
    pub signed: Vec<bool>,
}

pub fn bind(program: &Program, bundle: &Bundle, now: DateTime<Utc>) -> Bound {
    let metrics = program
        .metrics
        .iter()
        .map(|m| bundle.metrics.get_index_of(&m.key).map(|i| i as u32))
        .collect();
    let families = program
        .families
        .iter()
        .map(|f| {
            bundle
                .metrics
                .keys()
                .enumerate()
                .filter(|(_, key)| glob_match(&f.glob, key))
                .map(|(i, _)| i as u32)
                .collect()
        })
        .collect();
    let signed = program
        .roles
        .iter()
        .map(|role| {
            bundle
                .signoffs
                .iter()
                .any(|s| &s.role == role && s.expires.is_none_or(|e| e > now))
        })
        .collect();
    Bound {
        metrics,
        families,
        signed,
    }
}

/// `*` matches any run of characters (dots included); everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if Some(&c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                // Let the last `*` swallow one more character and retry.
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}
