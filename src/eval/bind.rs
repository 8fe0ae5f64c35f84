//! Binding a bundle to a compiled policy: every metric key and family glob resolved to bundle
//! indices once, so evaluation itself never looks a name up.

use chrono::{DateTime, Utc};

use crate::compile::Program;
use crate::evidence::Bundle;

#[derive(Debug, Clone, Default)]
pub struct Bound {
    /// Per declared metric: its index in the bundle's metrics, if present.
    pub metrics: Vec<Option<u32>>,
    /// Per family: the bundle metrics its glob matches, in the order of their keys (not the
    /// bundle's, which follows the order of files and of keys in a file: neither may change
    /// a report).
    pub families: Vec<Vec<u32>>,
    /// Per role named in `signed(…)`: whether a sign-off for it holds at `now`.
    pub signed: Vec<bool>,
}

pub fn bind(program: &Program, bundle: &Bundle, now: DateTime<Utc>) -> Bound {
    let mut bound = Bound::default();
    bind_into(&mut bound, program, bundle, now);
    bound
}

/// [`bind`] into buffers kept from an earlier binding, so that binding again allocates
/// nothing once they are large enough.
pub fn bind_into(bound: &mut Bound, program: &Program, bundle: &Bundle, now: DateTime<Utc>) {
    bound.metrics.clear();
    // Policies tend to declare metrics in the order bundles list them: try the bundle entry
    // after the last one found before hashing the key.
    let mut next = 0usize;
    for slot in &program.metrics {
        let index = match bundle.metrics.get_index(next) {
            Some((key, _)) if same(key, &slot.key) => Some(next),
            _ => bundle.metrics.get_index_of(&slot.key),
        };
        if let Some(i) = index {
            next = i + 1;
        }
        bound.metrics.push(index.map(|i| i as u32));
    }

    bound.families.resize_with(program.families.len(), Vec::new);
    for (members, family) in bound.families.iter_mut().zip(&program.families) {
        members.clear();
        members.extend(
            bundle
                .metrics
                .keys()
                .enumerate()
                .filter(|(_, key)| glob_match(&family.glob, key))
                .map(|(i, _)| i as u32),
        );
        let key = |i: &u32| bundle.metrics.get_index(*i as usize).map(|(k, _)| k);
        if !members.is_sorted_by_key(key) {
            members.sort_unstable_by_key(key);
        }
    }

    bound.signed.clear();
    bound.signed.extend(program.roles.iter().map(|role| {
        bundle
            .signoffs
            .iter()
            .any(|s| &s.role == role && s.expires.is_none_or(|e| e > now))
    }));
}

/// String equality for short keys, inlined: cheaper than a call to `memcmp`.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
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
