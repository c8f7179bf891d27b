//! Small helpers to take typed fields out of a request's JSON object, naming the field in every
//! error and moving (never copying) secret strings into `SecretString`.

use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::request::RequestError;

/// A JSON object being taken apart, with its path for error messages (`org.password_policy`).
pub(crate) struct Obj {
    map: Map<String, Value>,
    path: String,
}

impl Obj {
    /// Wraps `value`, which must be an object.
    pub(crate) fn new(value: Value, path: &str) -> Result<Obj, RequestError> {
        match value {
            Value::Object(map) => Ok(Obj {
                map,
                path: path.to_owned(),
            }),
            other => Err(RequestError::invalid(
                path,
                format!("must be an object, not {}", kind(&other)),
            )),
        }
    }

    /// The full path of `key`.
    pub(crate) fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Removes `key`; `null` counts as absent.
    pub(crate) fn take(&mut self, key: &str) -> Option<Value> {
        match self.map.remove(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value),
        }
    }

    /// Fails naming the first key not yet taken (for objects where typos must not be ignored).
    pub(crate) fn deny_rest(self) -> Result<(), RequestError> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(key) => Err(RequestError::invalid(
                &self.path_of(&shorten(key)),
                "unknown field (check the spelling)".to_owned(),
            )),
        }
    }

    /// The first key not yet taken.
    pub(crate) fn first_key(&self) -> Option<String> {
        self.map.keys().next().cloned()
    }

    /// Drains the remaining entries (for objects whose unknown fields are ignored).
    pub(crate) fn into_entries(self) -> impl Iterator<Item = (String, Value)> {
        self.map.into_iter()
    }

    /// An optional string.
    pub(crate) fn string(&mut self, key: &str) -> Result<Option<String>, RequestError> {
        let path = self.path_of(key);
        self.take(key).map(|v| string(v, &path)).transpose()
    }

    /// An optional secret string; an empty string counts as absent.
    pub(crate) fn secret(&mut self, key: &str) -> Result<Option<SecretString>, RequestError> {
        let path = self.path_of(key);
        self.take(key)
            .map(|v| secret(v, &path))
            .transpose()
            .map(Option::flatten)
    }

    /// Like [`Obj::secret`], refusing control characters (a password for a SOAP body).
    pub(crate) fn password(&mut self, key: &str) -> Result<Option<SecretString>, RequestError> {
        let value = self.secret(key)?;
        if let Some(v) = &value {
            refuse_controls(secrecy::ExposeSecret::expose_secret(v), &self.path_of(key))?;
        }
        Ok(value)
    }

    /// An optional boolean.
    pub(crate) fn bool(&mut self, key: &str) -> Result<Option<bool>, RequestError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(other) => Err(self.wrong_type(key, "true or false", &other)),
        }
    }

    /// An optional integer.
    pub(crate) fn int(&mut self, key: &str) -> Result<Option<i64>, RequestError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64()),
            Some(other) => Err(self.wrong_type(key, "an integer", &other)),
        }
    }

    /// An optional array of strings.
    pub(crate) fn strings(&mut self, key: &str) -> Result<Option<Vec<String>>, RequestError> {
        let path = self.path_of(key);
        match self.take(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| string(v, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(self.wrong_type(key, "an array of strings", &other)),
        }
    }

    fn wrong_type(&self, key: &str, expected: &str, got: &Value) -> RequestError {
        RequestError::invalid(
            &self.path_of(key),
            format!("must be {expected}, not {}", kind(got)),
        )
    }
}

/// A string value, or an error naming `path`.
pub(crate) fn string(value: Value, path: &str) -> Result<String, RequestError> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(RequestError::invalid(
            path,
            format!("must be a string, not {}", kind(&other)),
        )),
    }
}

/// A secret string moved out of the JSON tree; empty → `None`.
pub(crate) fn secret(value: Value, path: &str) -> Result<Option<SecretString>, RequestError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(SecretString::from(s))),
        other => Err(RequestError::invalid(
            path,
            format!("must be a string, not {}", kind(&other)),
        )),
    }
}

/// Refuses control characters (U+0000–U+001F, U+007F) in a field that goes into a SOAP body:
/// XML 1.0 cannot carry most of them, so Salesforce would refuse the login (and count it).
/// The error names the field, never the value.
pub(crate) fn refuse_controls(value: &str, path: &str) -> Result<(), RequestError> {
    if value.chars().any(|c| c <= '\u{1f}' || c == '\u{7f}') {
        return Err(RequestError::invalid(
            path,
            "contains a control character (U+0000-U+001F or U+007F), which Salesforce cannot \
             receive"
                .to_owned(),
        ));
    }
    Ok(())
}

/// The JSON type of `value`, for messages (never the value itself).
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A key name cut to a length fit for a message.
pub(crate) fn shorten(key: &str) -> String {
    if key.chars().count() <= 64 {
        key.to_owned()
    } else {
        let head: String = key.chars().take(61).collect();
        format!("{head}...")
    }
}
