//! Reading a record's JSON so that every complaint names the field it is about
//! (`rules[0].outcome: not an outcome: "maybe"`).

use serde_json::Value as Json;

use super::verify::Invalid;

/// A value of the record and the path that reached it.
pub(super) struct At<'a> {
    pub path: String,
    pub value: &'a Json,
}

/// `path.key`, or `path["odd key"]` for a key that is not a plain word.
pub(super) fn join(path: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    match (plain, path.is_empty()) {
        (true, true) => key.to_string(),
        (true, false) => format!("{path}.{key}"),
        (false, _) => format!("{path}[{}]", compact(&Json::String(key.to_string()))),
    }
}

/// A value as one line of JSON.
pub(crate) fn compact(value: &Json) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl<'a> At<'a> {
    pub fn root(value: &'a Json) -> At<'a> {
        At {
            path: String::new(),
            value,
        }
    }

    fn name(&self) -> &str {
        if self.path.is_empty() {
            "the record"
        } else {
            &self.path
        }
    }

    /// `{path}: not {what}: {value}`.
    pub fn not(&self, what: &str) -> Invalid {
        Invalid(format!(
            "{}: not {what}: {}",
            self.name(),
            compact(self.value)
        ))
    }

    /// The field `key` of this object, which must be there.
    pub fn key(&self, key: &str) -> Result<At<'a>, Invalid> {
        let path = join(&self.path, key);
        let object = self
            .value
            .as_object()
            .ok_or_else(|| self.not("an object"))?;
        match object.get(key) {
            Some(value) => Ok(At { path, value }),
            None => Err(Invalid(format!("{path}: missing"))),
        }
    }

    /// The field `key` of this object, or `None` when it is absent or null.
    pub fn optional(&self, key: &str) -> Result<Option<At<'a>>, Invalid> {
        let object = self
            .value
            .as_object()
            .ok_or_else(|| self.not("an object"))?;
        Ok(object.get(key).filter(|v| !v.is_null()).map(|value| At {
            path: join(&self.path, key),
            value,
        }))
    }

    pub fn items(&self) -> Result<Vec<At<'a>>, Invalid> {
        let items = self.value.as_array().ok_or_else(|| self.not("a list"))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, value)| At {
                path: format!("{}[{i}]", self.path),
                value,
            })
            .collect())
    }

    pub fn str(&self) -> Result<&'a str, Invalid> {
        self.value.as_str().ok_or_else(|| self.not("a string"))
    }

    pub fn bool(&self) -> Result<bool, Invalid> {
        self.value
            .as_bool()
            .ok_or_else(|| self.not("true or false"))
    }

    pub fn u64(&self) -> Result<u64, Invalid> {
        self.value
            .as_u64()
            .ok_or_else(|| self.not("a whole number"))
    }

    /// A string that `parse` accepts; else `{path}: not {what}: {value}`.
    pub fn word<T>(&self, what: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, Invalid> {
        parse(self.str()?).ok_or_else(|| self.not(what))
    }
}
