//! Placing a problem in the text: the byte range of the key or value that a key path names.
//!
//! Only used when something is wrong, so it favours simplicity over speed: JSON is walked by a
//! small scanner that skips values without building them; YAML is walked by serde_yaml_ng
//! itself, with a visitor that stops (with an error carrying the mark) on the wanted node.

use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ctx::{Seg, Target};
use super::Format;

/// The byte range in `text` that a problem at `path` points at, if it can be found.
pub(crate) fn locate(
    text: &str,
    format: Format,
    path: &[Seg],
    target: Target,
) -> Option<Range<usize>> {
    let nth = match target {
        Target::Occurrence(n) => n,
        _ => 0,
    };
    match format {
        Format::Json => {
            let (key, value) = json_find(text, path, nth)?;
            let first = value.start..next_char(text, value.start);
            Some(match target {
                Target::Key | Target::Occurrence(_) | Target::Container => key.unwrap_or(first),
                Target::Value => {
                    if text.get(value.clone()).is_some_and(|v| v.contains('\n')) {
                        key.unwrap_or(first)
                    } else {
                        value
                    }
                }
            })
        }
        Format::Yaml => {
            let at_key = !matches!(target, Target::Value)
                && path.last().is_some_and(|seg| seg.key().is_some());
            let start = yaml_find(text, path, nth, at_key)?;
            Some(start..start + yaml_token_len(text, start))
        }
    }
}

/// The offset after the character at `offset` (for a one-character label).
pub(crate) fn next_char(text: &str, offset: usize) -> usize {
    text.get(offset..)
        .and_then(|rest| rest.chars().next())
        .map_or(offset, |c| offset + c.len_utf8())
}

/// The key range (when the last step is a key) and the value range at `path`; for the last
/// key, its `nth` occurrence in its object.
fn json_find(text: &str, path: &[Seg], nth: usize) -> Option<(Option<Range<usize>>, Range<usize>)> {
    let mut scan = Scan {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let mut key = None;
    for (depth, seg) in path.iter().enumerate() {
        let last = depth + 1 == path.len();
        scan.ws();
        match seg {
            Seg::Index(n) => {
                scan.eat(b'[')?;
                for _ in 0..*n {
                    scan.skip_value()?;
                    scan.ws();
                    scan.eat(b',')?;
                }
                key = None;
            }
            Seg::Field(_) | Seg::Key(_) => {
                let want = seg.key().unwrap_or("");
                let wanted_occurrence = if last { nth } else { 0 };
                let mut seen = 0;
                scan.eat(b'{')?;
                loop {
                    scan.ws();
                    let k = scan.string()?;
                    scan.ws();
                    scan.eat(b':')?;
                    if scan.key_is(k.clone(), want) {
                        if seen == wanted_occurrence {
                            key = Some(k);
                            break;
                        }
                        seen += 1;
                    }
                    scan.skip_value()?;
                    scan.ws();
                    scan.eat(b',')?;
                }
            }
        }
    }
    let value = scan.skip_value()?;
    Some((key, value))
}

struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek() == Some(byte)).then(|| self.at += 1)
    }

    /// A string with its quotes.
    fn string(&mut self) -> Option<Range<usize>> {
        let start = self.at;
        self.eat(b'"')?;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return Some(start..self.at);
                }
                _ => self.at += 1,
            }
        }
    }

    fn key_is(&self, raw: Range<usize>, want: &str) -> bool {
        let Some(quoted) = self.text.get(raw) else {
            return false;
        };
        let inner = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or("");
        if inner.contains('\\') {
            serde_json::from_str::<String>(quoted).is_ok_and(|k| k == want)
        } else {
            inner == want
        }
    }

    /// Skip one value (iteratively, so any depth is fine) and return its range.
    fn skip_value(&mut self) -> Option<Range<usize>> {
        self.ws();
        let start = self.at;
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                self.at += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.at += 1;
                }
                if self.at == start {
                    return None;
                }
            }
        }
        Some(start..self.at)
    }
}

/// The marker of the error [`FindYaml`] stops with.
const HIT: &str = "tollgate: located";

/// The byte offset of the key (`at_key`) or value at `path` in a YAML text.
fn yaml_find(text: &str, path: &[Seg], nth: usize, at_key: bool) -> Option<usize> {
    let seed = FindYaml { path, nth, at_key };
    match seed.deserialize(serde_yaml_ng::Deserializer::from_str(text)) {
        Err(e) if e.to_string().contains(HIT) => e.location().map(|l| l.index()),
        _ => None,
    }
}

struct FindYaml<'p> {
    path: &'p [Seg],
    nth: usize,
    at_key: bool,
}

impl<'de> DeserializeSeed<'de> for FindYaml<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl FindYaml<'_> {
    fn here<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(HIT))
        } else {
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for FindYaml<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.here()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.here()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.here()
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.here()
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.here()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.here()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.here()
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<(), E> {
        self.here()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.here()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.here()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.here()?;
        let Some((Seg::Index(n), rest)) = self.path.split_first() else {
            return Ok(());
        };
        for _ in 0..*n {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        let inner = FindYaml {
            path: rest,
            nth: self.nth,
            at_key: self.at_key,
        };
        seq.next_element_seed(inner)?;
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.here()?;
        let Some((seg, rest)) = self.path.split_first() else {
            return Ok(());
        };
        let Some(want) = seg.key() else {
            return Ok(());
        };
        let last = rest.is_empty();
        let wanted_occurrence = if last { self.nth } else { 0 };
        let mut seen = 0;
        loop {
            let key = KeyIs {
                want,
                stop: last && self.at_key && seen == wanted_occurrence,
            };
            match map.next_key_seed(key)? {
                None => return Ok(()),
                Some(true) if seen == wanted_occurrence => {
                    let inner = FindYaml {
                        path: rest,
                        nth: self.nth,
                        at_key: self.at_key,
                    };
                    return map.next_value_seed(inner);
                }
                Some(true) => {
                    seen += 1;
                    map.next_value::<IgnoredAny>()?;
                }
                Some(false) => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
    }
}

/// Whether a key is `want`; with `stop`, a match stops the walk there.
struct KeyIs<'a> {
    want: &'a str,
    stop: bool,
}

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        if key == self.want {
            if self.stop {
                return Err(E::custom(HIT));
            }
            return Ok(true);
        }
        Ok(false)
    }
}

/// The length of the YAML token that starts at `start`: a quoted or plain scalar, or a flow
/// collection on one line; one character otherwise.
pub(crate) fn yaml_token_len(text: &str, start: usize) -> usize {
    let Some(rest) = text.get(start..) else {
        return 0;
    };
    let line = rest.split(['\n', '\r']).next().unwrap_or("");
    let Some(first) = line.chars().next() else {
        return 0;
    };
    let one = first.len_utf8();
    let end = match first {
        '"' => {
            let mut escaped = false;
            line.char_indices()
                .skip(1)
                .find(|&(_, c)| {
                    let close = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    close
                })
                .map(|(i, _)| i + 1)
        }
        '\'' => {
            let bytes = line.as_bytes();
            let mut i = 1;
            let mut end = None;
            while let Some(&b) = bytes.get(i) {
                if b == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    end = Some(i + 1);
                    break;
                }
                i += 1;
            }
            end
        }
        '[' | '{' => {
            let mut depth = 0usize;
            let mut quote = None;
            let mut end = None;
            for (i, c) in line.char_indices() {
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') => quote = Some(c),
                    (None, '[' | '{') => depth += 1,
                    (None, ']' | '}') => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            end
        }
        _ => {
            // Inside `[…]` or `{…}` opened earlier on the same line, `,` `]` `}` end it.
            let line_start = text
                .get(..start)
                .and_then(|b| b.rfind('\n'))
                .map_or(0, |i| i + 1);
            let before = text.get(line_start..start).unwrap_or("");
            let opened = before.chars().filter(|c| matches!(c, '[' | '{')).count();
            let closed = before.chars().filter(|c| matches!(c, ']' | '}')).count();
            let in_flow = opened > closed;
            let mut end = line.len();
            let mut prev = ' ';
            for (i, c) in line.char_indices() {
                let next = line.get(i + c.len_utf8()..).and_then(|s| s.chars().next());
                let stop = (c == ':' && matches!(next, None | Some(' ' | '\t')))
                    || (c == '#' && (prev == ' ' || prev == '\t'))
                    || (in_flow && matches!(c, ',' | ']' | '}'));
                if stop {
                    end = i;
                    break;
                }
                prev = c;
            }
            Some(line.get(..end).unwrap_or("").trim_end().len())
        }
    };
    end.unwrap_or(one).max(one)
}
