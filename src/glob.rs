//! Wildcard patterns, matched in one place: metric family keys (`*`, LANGUAGE.md) and the
//! principals of trust files (OpenSSH's `*` and `?`, TRUST.md).

/// Whether `text` matches `pattern`: `star` matches any run of elements, `one` (when given)
/// any single element, and every other element itself. On a mismatch only the last `star`
/// takes one more element and the match resumes, so there is no recursion and no blow-up.
pub fn matches<T: PartialEq + Copy>(pattern: &[T], text: &[T], star: T, one: Option<T>) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while ti < text.len() {
        match pattern.get(pi) {
            Some(&p) if p == star => {
                last_star = Some((pi, ti));
                pi += 1;
            }
            Some(&p) if Some(p) == one || Some(&p) == text.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match last_star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    last_star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(pi..)
        .is_some_and(|rest| rest.iter().all(|&p| p == star))
}

#[cfg(test)]
mod tests {
    use super::matches;

    fn family(pattern: &str, text: &str) -> bool {
        matches(pattern.as_bytes(), text.as_bytes(), b'*', None)
    }

    #[test]
    fn a_star_is_any_run_and_the_rest_matches_itself() {
        assert!(family("safety.*", "safety.over_refusal.medical"));
        assert!(family("*", ""));
        assert!(family("a*b*c", "aXbYbZc"));
        assert!(!family("a*b", "a.c"));
        assert!(!family("safety.?", "safety.x"));
        assert!(family("safety.?", "safety.?"));
    }

    #[test]
    fn a_question_mark_is_one_element_where_the_format_has_it() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        let one = |p: &str, t: &str| matches(&chars(p), &chars(t), '*', Some('?'));
        assert!(one("lead-?", "lead-é"));
        assert!(!one("lead-?", "lead-ab"));
        assert!(one("*-?", "head-x"));
    }
}
