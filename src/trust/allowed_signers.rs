//! OpenSSH's `allowed_signers` format (ssh-keygen(1), "ALLOWED SIGNERS"), read by hand since
//! no maintained crate reads it: one key a line, `principals [options] keytype base64-key
//! [comment]`. Every problem is an error at its file, line and column.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use ssh_key::{Algorithm, EcdsaCurve, HashAlg, PublicKey};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Sources;
use crate::span::{FileId, Span};

/// One trusted key.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// 1-based line in its file.
    pub line: usize,
    /// Role patterns (`*` and `?` wildcards, `!` to exclude), as OpenSSH matches principals.
    pub principals: Vec<String>,
    /// `namespaces="…"`: the namespaces the key may sign in; `None` is any.
    pub namespaces: Option<Vec<String>>,
    pub valid_after: Option<DateTime<Utc>>,
    pub valid_before: Option<DateTime<Utc>>,
    pub key: PublicKey,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
}

/// A token of a line and where it starts.
struct Token<'a> {
    text: &'a str,
    start: usize,
}

/// Split `line` at unquoted white space; a `"` opens and closes a quoted run.
fn tokens(line: &str) -> Result<Vec<Token<'_>>, usize> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quoted = false;
    let mut quote_at = 0;
    for (i, c) in line.char_indices() {
        match (c, start) {
            ('"', _) => {
                quoted = !quoted;
                quote_at = i;
                start.get_or_insert(i);
            }
            (c, Some(s)) if c.is_whitespace() && !quoted => {
                out.push(Token {
                    text: line.get(s..i).unwrap_or(""),
                    start: s,
                });
                start = None;
            }
            (c, None) if !c.is_whitespace() => start = Some(i),
            _ => {}
        }
    }
    if quoted {
        return Err(quote_at);
    }
    if let Some(s) = start {
        out.push(Token {
            text: line.get(s..).unwrap_or(""),
            start: s,
        });
    }
    Ok(out)
}

fn is_key_type(word: &str) -> bool {
    word.starts_with("ssh-")
        || word.starts_with("ecdsa-sha2-")
        || word.starts_with("sk-")
        || word.contains("-cert-v01@")
}

/// The key types Tollgate verifies (TRUST.md section 2).
fn supported(algorithm: &Algorithm) -> bool {
    matches!(
        algorithm,
        Algorithm::Ed25519
            | Algorithm::Ecdsa {
                curve: EcdsaCurve::NistP256
            }
            | Algorithm::Rsa { .. }
    )
}

/// The entries of the trust file `file` (already in `sources`), or every problem in it.
pub fn parse(sources: &Sources, file: FileId) -> Result<Vec<Entry>, Vec<Diagnostic>> {
    let text = sources.get(file).text.clone();
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let error = |at: usize, len: usize, message: String, label: &str, help: &str| {
            let start = line_start + at;
            Diagnostic::error(Code::Trust, message)
                .with_label(sources, Span::new(file, start, start + len.max(1)), label)
                .with_help(help.to_string())
        };
        match parse_line(line, index + 1) {
            Ok(entry) => entries.push(entry),
            Err(p) => errors.push(error(p.at, p.len, p.message, p.label, p.help)),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// What is wrong with a line, and where in it.
struct Problem {
    at: usize,
    len: usize,
    message: String,
    label: &'static str,
    help: &'static str,
}

const LINE_HELP: &str = "a trust line is `roles [options] keytype base64-key [comment]`, \
                         as OpenSSH's allowed_signers (ssh-keygen(1), ALLOWED SIGNERS)";

fn problem(token: &Token<'_>, message: String, label: &'static str, help: &'static str) -> Problem {
    Problem {
        at: token.start,
        len: token.text.len(),
        message,
        label,
        help,
    }
}

fn parse_line(line: &str, number: usize) -> Result<Entry, Problem> {
    let tokens = tokens(line).map_err(|at| Problem {
        at,
        len: 1,
        message: String::from("unterminated quote in trust line"),
        label: "this quote is never closed",
        help: LINE_HELP,
    })?;
    let mut rest = tokens.iter();
    let Some(principals) = rest.next() else {
        return Err(Problem {
            at: 0,
            len: line.len(),
            message: String::from("empty trust line"),
            label: "nothing here",
            help: LINE_HELP,
        });
    };
    let principals_text = principals.text.trim_matches('"');
    let patterns: Vec<String> = principals_text.split(',').map(str::to_string).collect();
    if patterns.iter().any(String::is_empty) {
        return Err(problem(
            principals,
            String::from("empty role pattern in trust line"),
            "empty role",
            "list roles separated by commas, with no empty entries",
        ));
    }
    let mut next = rest.next();
    let mut namespaces = None;
    let (mut valid_after, mut valid_before) = (None, None);
    if let Some(options) = next.filter(|t| !is_key_type(t.text)) {
        for option in split_options(options.text) {
            let (name, value) = match option.split_once('=') {
                Some((n, v)) => (n, Some(v.trim_matches('"'))),
                None => (option, None),
            };
            match (name.to_ascii_lowercase().as_str(), value) {
                ("cert-authority", _) => {
                    return Err(problem(
                        options,
                        String::from("cert-authority trust lines are not supported"),
                        "cert-authority",
                        "list each signer's own key: Tollgate does not verify certificates",
                    ))
                }
                ("namespaces", Some(v)) => {
                    namespaces = Some(v.split(',').map(str::to_string).collect());
                }
                ("valid-after", Some(v)) => {
                    valid_after = Some(openssh_time(v).ok_or_else(|| bad_time(options, v))?);
                }
                ("valid-before", Some(v)) => {
                    valid_before = Some(openssh_time(v).ok_or_else(|| bad_time(options, v))?);
                }
                _ => {
                    return Err(problem(
                        options,
                        format!("unknown trust option `{option}`"),
                        "unknown option",
                        "the options are namespaces=\"…\", valid-after=\"…\" and \
                         valid-before=\"…\"",
                    ))
                }
            }
        }
        next = rest.next();
    }
    let Some(key_type) = next else {
        return Err(Problem {
            at: line.len(),
            len: 1,
            message: String::from("trust line has no key"),
            label: "a key type and key expected here",
            help: LINE_HELP,
        });
    };
    let Some(blob) = rest.next() else {
        return Err(problem(
            key_type,
            String::from("trust line has a key type but no key"),
            "no key after this",
            LINE_HELP,
        ));
    };
    let key =
        PublicKey::from_openssh(&format!("{} {}", key_type.text, blob.text)).map_err(|e| {
            problem(
                blob,
                format!("not an OpenSSH public key of type {}: {e}", key_type.text),
                "not a public key",
                "paste the key as `ssh-keygen -y -f KEY` or the .pub file prints it",
            )
        })?;
    if !supported(&key.algorithm()) {
        return Err(problem(
            key_type,
            format!("unsupported key type {}", key.algorithm()),
            "unsupported key type",
            "Tollgate verifies ssh-ed25519, ecdsa-sha2-nistp256 and ssh-rsa keys",
        ));
    }
    if key_type.text != key.algorithm().as_str() {
        return Err(problem(
            key_type,
            format!(
                "the key is a {} key, not {}",
                key.algorithm(),
                key_type.text
            ),
            "wrong key type",
            LINE_HELP,
        ));
    }
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    Ok(Entry {
        line: number,
        principals: patterns,
        namespaces,
        valid_after,
        valid_before,
        key,
        fingerprint,
    })
}

fn bad_time(token: &Token<'_>, value: &str) -> Problem {
    problem(
        token,
        format!("not an OpenSSH time: \"{value}\""),
        "bad time",
        "write YYYYMMDD or YYYYMMDDHHMM[SS], with a trailing Z for UTC",
    )
}

/// Options split at commas outside quotes.
fn split_options(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(text.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text.get(start..).unwrap_or(""));
    out
}

/// `YYYYMMDD[Z]` or `YYYYMMDDHHMM[SS][Z]`. OpenSSH reads a time without `Z` in local time;
/// Tollgate reads it in UTC, so that a decision does not depend on the machine's zone.
pub(crate) fn openssh_time(text: &str) -> Option<DateTime<Utc>> {
    let digits = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let naive = match digits.len() {
        8 => NaiveDate::parse_from_str(digits, "%Y%m%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?,
        12 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M").ok()?,
        14 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok()?,
        _ => return None,
    };
    Some(naive.and_utc())
}

/// Whether `role` matches the comma-separated OpenSSH pattern list: some pattern matches
/// and no `!pattern` does.
pub fn role_matches(patterns: &[String], role: &str) -> bool {
    let mut matched = false;
    for pattern in patterns {
        match pattern.strip_prefix('!') {
            Some(negated) if wildcard(negated, role) => return false,
            Some(_) => {}
            None => matched |= wildcard(pattern, role),
        }
    }
    matched
}

/// `*` matches any run of characters, `?` any one character.
fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    crate::glob::matches(&p, &t, '*', Some('?'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn patterns_match_as_openssh_does() {
        let list = |s: &str| s.split(',').map(str::to_string).collect::<Vec<_>>();
        assert!(role_matches(&list("safety-lead"), "safety-lead"));
        assert!(!role_matches(&list("safety-lead"), "safety-leads"));
        assert!(role_matches(&list("head-of-*"), "head-of-model-behavior"));
        assert!(role_matches(&list("lead-?"), "lead-a"));
        assert!(!role_matches(&list("lead-?"), "lead-ab"));
        assert!(!role_matches(&list("*,!head-*"), "head-of-x"));
        assert!(role_matches(&list("*,!head-*"), "safety-lead"));
    }

    #[test]
    fn openssh_times() {
        assert_eq!(
            openssh_time("20250501").unwrap().to_rfc3339(),
            "2025-05-01T00:00:00+00:00"
        );
        assert_eq!(
            openssh_time("202505011230Z").unwrap().to_rfc3339(),
            "2025-05-01T12:30:00+00:00"
        );
        assert!(openssh_time("2025-05-01").is_none());
        assert!(openssh_time("20251301").is_none());
    }

    #[test]
    fn quoted_tokens_keep_their_spaces() {
        let t = tokens(r#"a,b namespaces="x, y" ssh-ed25519 AAAA c"#).unwrap();
        let texts: Vec<&str> = t.iter().map(|t| t.text).collect();
        assert_eq!(
            texts,
            ["a,b", r#"namespaces="x, y""#, "ssh-ed25519", "AAAA", "c"]
        );
        assert!(tokens("a \"b").is_err());
    }
}
