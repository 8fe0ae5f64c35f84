//! Reading the JSON that eval harnesses write: Python's non-standard `NaN` and `Infinity`,
//! numbers that may be strings, and a quick look at a document's top-level keys to tell
//! which harness wrote it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The string a bare `NaN`, `Infinity` or `-Infinity` becomes: a NUL (which no real key or
/// value starts with) followed by the token.
pub(crate) const MARK: char = '\u{0}';

/// Python's `json.dump` writes `NaN`, `Infinity` and `-Infinity`, which strict JSON does not
/// allow. Outside strings, replace each with a marked string (`"\u0000NaN"`), so the
/// document parses and the importer can say which metric is not a number. Valid JSON has no
/// `N` or `I` outside strings, so nothing else is touched; the text is copied only when one
/// is found. Line numbers are kept (columns after a replacement shift).
pub(crate) fn tolerant(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0usize;
    let mut i = 0usize;
    let mut in_string = false;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                b'\\' => i += 2,
                b'"' => {
                    in_string = false;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        let token = match b {
            b'"' => {
                in_string = true;
                i += 1;
                continue;
            }
            b'N' if bytes.get(i..i + 3) == Some(b"NaN") => Some((i, 3, "NaN")),
            b'I' if bytes.get(i..i + 8) == Some(b"Infinity") => {
                if i > 0 && bytes.get(i - 1) == Some(&b'-') {
                    Some((i - 1, 9, "-Infinity"))
                } else {
                    Some((i, 8, "Infinity"))
                }
            }
            _ => None,
        };
        match token {
            Some((start, len, word)) => {
                let buffer = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
                buffer.push_str(text.get(copied..start).unwrap_or(""));
                buffer.push_str("\"\\u0000");
                buffer.push_str(word);
                buffer.push('"');
                copied = start + len;
                i = start + len;
            }
            None => i += 1,
        }
    }
    match out {
        Some(mut buffer) => {
            buffer.push_str(text.get(copied..).unwrap_or(""));
            Cow::Owned(buffer)
        }
        None => Cow::Borrowed(text),
    }
}

/// A JSON value read as a number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Num<'a> {
    Finite(f64),
    /// `NaN`, `Infinity` or `-Infinity`, as written.
    NotFinite(&'static str),
    Null,
    Text(&'a str),
    /// A bool, a list or an object.
    Other,
}

pub(crate) fn num(value: &Value) -> Num<'_> {
    match value {
        Value::Number(n) => n.as_f64().map_or(Num::Other, Num::Finite),
        Value::Null => Num::Null,
        Value::String(s) => match s.strip_prefix(MARK) {
            Some("NaN") => Num::NotFinite("NaN"),
            Some("Infinity") => Num::NotFinite("Infinity"),
            Some("-Infinity") => Num::NotFinite("-Infinity"),
            _ => Num::Text(s),
        },
        Value::Bool(_) | Value::Array(_) | Value::Object(_) => Num::Other,
    }
}

/// A sample count: a whole number, 0 or more (`300` or `300.0`).
pub(crate) fn count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            let f = n.as_f64()?;
            // Whole and exact: below 2^53.
            #[allow(clippy::cast_possible_truncation)]
            ((0.0..9_007_199_254_740_992.0).contains(&f) && f.fract() == 0.0).then_some(f as u64)
        }),
        _ => None,
    }
}

/// A value in words for messages: `the string "N/A"`, `null`, `a list`.
pub(crate) fn describe(value: &Value) -> String {
    match num(value) {
        Num::Finite(n) => format!("the number {n}"),
        Num::NotFinite(word) => word.to_string(),
        Num::Null => String::from("null"),
        Num::Text(s) => format!("the string {}", crate::evidence::shape::quote_short(s)),
        Num::Other => match value {
            Value::Bool(b) => format!("`{b}`"),
            Value::Array(_) => String::from("a list"),
            _ => String::from("an object"),
        },
    }
}

/// The outline of a document: enough to tell which tool wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outline {
    /// An object, with its keys in order.
    Object(Vec<String>),
    /// A list, with the keys of its first element when that is an object.
    List(Option<Vec<String>>),
    Scalar,
}

impl Outline {
    pub(crate) fn has(&self, key: &str) -> bool {
        match self {
            Outline::Object(keys) => keys.iter().any(|k| k == key),
            _ => false,
        }
    }
}

/// The outline of a JSON document, reading it once without keeping its values; `None` when
/// it is not JSON (bare `NaN` and `Infinity` are allowed).
pub(crate) fn outline(text: &str) -> Option<Outline> {
    let text = tolerant(text);
    let mut de = serde_json::Deserializer::from_str(&text);
    let outline = de.deserialize_any(OutlineVisitor { depth: 0 }).ok()?;
    de.end().ok()?;
    Some(outline)
}

/// Reads the top level (`depth` 0) and, in a list, the first element (`depth` 1).
struct OutlineVisitor {
    depth: u8,
}

impl<'de> DeserializeSeed<'de> for OutlineVisitor {
    type Value = Outline;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outline, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for OutlineVisitor {
    type Value = Outline;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Outline, E> {
        Ok(Outline::Scalar)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Outline, E> {
        Ok(Outline::Scalar)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Outline, E> {
        Ok(Outline::Scalar)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Outline, E> {
        Ok(Outline::Scalar)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Outline, E> {
        Ok(Outline::Scalar)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Outline, E> {
        Ok(Outline::Scalar)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Outline, A::Error> {
        if self.depth > 0 {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Outline::Scalar);
        }
        let first = seq.next_element_seed(OutlineVisitor { depth: 1 })?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Outline::List(match first {
            Some(Outline::Object(keys)) => Some(keys),
            _ => None,
        }))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outline, A::Error> {
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            map.next_value::<IgnoredAny>()?;
            keys.push(key);
        }
        Ok(Outline::Object(keys))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_non_finite_tokens_become_marked_strings() {
        let text = r#"{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN Infinity", "d": 1e5}"#;
        let value: Value = serde_json::from_str(&tolerant(text)).unwrap_or(Value::Null);
        assert_eq!(num(&value["a"]), Num::NotFinite("NaN"));
        assert_eq!(num(&value["b"][0]), Num::NotFinite("Infinity"));
        assert_eq!(num(&value["b"][1]), Num::NotFinite("-Infinity"));
        assert_eq!(num(&value["c"]), Num::Text("NaN Infinity"));
        assert_eq!(num(&value["d"]), Num::Finite(1e5));
    }

    #[test]
    fn strict_json_is_not_copied() {
        let text = r#"{"a": "\"NaN", "b": 2}"#;
        assert!(matches!(tolerant(text), Cow::Borrowed(_)));
    }

    #[test]
    fn outline_reads_top_level_keys_and_first_element() {
        assert_eq!(
            outline(r#"{"x": {"y": [1, NaN]}, "z": null}"#),
            Some(Outline::Object(vec!["x".into(), "z".into()]))
        );
        assert_eq!(
            outline(r#"[{"name": {}, "count": 1}, 3]"#),
            Some(Outline::List(Some(vec!["name".into(), "count".into()])))
        );
        assert_eq!(outline("[]"), Some(Outline::List(None)));
        assert_eq!(outline("{"), None);
        assert_eq!(outline("a,b,c"), None);
    }
}
