//! The statement of a sign-off or waiver: the bytes its signature covers (TRUST.md section 2).
//! Every field of the entry but `signature`, each as text, in canonical JSON. Built from the
//! entry's table in `schema`, so a field added there is covered with no change here.

use super::model::{Signoff, Waiver};
use super::schema::{Record, Value};

/// The field a statement leaves out: the signature over it.
const SIGNATURE: &str = "signature";

/// What verification reads of a sign-off or a waiver.
pub trait Approval {
    /// The canonical statement bytes the signature covers.
    fn statement(&self) -> String;
    fn signature(&self) -> Option<&str>;
    fn role(&self) -> &str;
    fn by(&self) -> &str;
    fn candidate(&self) -> Option<&str>;
    fn evidence(&self) -> Option<&[String]>;
    /// Index into the bundle's files of the file it came from.
    fn file(&self) -> usize;
}

macro_rules! approval {
    ($t:ty) => {
        impl Approval for $t {
            fn statement(&self) -> String {
                statement(self)
            }
            fn signature(&self) -> Option<&str> {
                self.signature.as_deref()
            }
            fn role(&self) -> &str {
                &self.role
            }
            fn by(&self) -> &str {
                &self.by
            }
            fn candidate(&self) -> Option<&str> {
                self.candidate.as_deref()
            }
            fn evidence(&self) -> Option<&[String]> {
                self.evidence.as_deref()
            }
            fn file(&self) -> usize {
                self.file
            }
        }
    };
}

approval!(Signoff);
approval!(Waiver);

/// The statement of `record`: `{"key":"value",…}` with keys sorted by their UTF-8 bytes, no
/// white space, strings escaped as RFC 8785 does, no trailing newline.
fn statement<R: Record>(record: &R) -> String {
    let mut fields: Vec<(&str, Value)> = record
        .values()
        .into_fields(R::OBJECT)
        .map(|(field, value)| (field.name, value))
        .filter(|(name, _)| *name != SIGNATURE)
        .collect();
    fields.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = String::from("{");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(&mut out, name);
        out.push(':');
        match value {
            Value::Digests(list) => {
                out.push('[');
                for (j, item) in list.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    string(&mut out, item);
                }
                out.push(']');
            }
            other => string(&mut out, &text(other)),
        }
    }
    out.push('}');
    out
}

/// A value as the text it was written as.
fn text(value: &Value) -> String {
    match value {
        Value::Text(t) => t.clone(),
        Value::Word(w) => w.to_string(),
        Value::Stamp(s) => s.text.clone(),
        Value::Instant(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        Value::Number(x) => x.to_string(),
        Value::Count(n) => n.to_string(),
        Value::Severity(s) => s.as_str().to_string(),
        // Not fields of a sign-off or waiver.
        _ => String::new(),
    }
}

/// `s` as an RFC 8785 JSON string: `"` and `\` escaped, control characters as `\b \f \n \r
/// \t` or `\u00xx`, everything else literal.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::model::Stamp;

    #[test]
    fn statements_are_canonical_json() {
        let signoff = Signoff {
            role: String::from("safety-lead"),
            by: String::from("vera \"v\" \\ \u{1}\n é"),
            candidate: Some(String::from("chat-2025-04-25")),
            at: None,
            expires: Some(Stamp {
                at: chrono::DateTime::UNIX_EPOCH,
                text: String::from("2025-05-24"),
            }),
            evidence: Some(vec![String::from("ab")]),
            signature: Some(String::from("ignored")),
            file: 3,
        };
        assert_eq!(
            signoff.statement(),
            "{\"by\":\"vera \\\"v\\\" \\\\ \\u0001\\n é\",\"candidate\":\"chat-2025-04-25\",\
             \"evidence\":[\"ab\"],\"expires\":\"2025-05-24\",\"role\":\"safety-lead\"}"
        );
    }
}
