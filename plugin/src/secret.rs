//! A secret record: Secret Server's REST secret model (fields found by `slug`) or the flat form
//! (SPEC 3). Both give the same [`Credentials`].

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::json::{self, Obj};
use crate::request::RequestError;

/// One Salesforce login: where, who, and the secrets. Debug prints `[REDACTED]` for secrets.
#[derive(Clone, Debug, Default)]
pub(crate) struct Credentials {
    /// Secret Server's secret id.
    pub id: Option<i64>,
    /// Secret Server's secret name.
    pub name: Option<String>,
    /// The login URL as stored (checked by preflight).
    pub url: Option<String>,
    /// The Salesforce username.
    pub username: Option<String>,
    /// The stored password.
    pub password: Option<SecretString>,
    /// The user's security token, appended to the password outside trusted IP ranges.
    pub security_token: Option<SecretString>,
    /// The connected app's consumer key (OAuth only).
    pub client_id: Option<SecretString>,
    /// The connected app's consumer secret (OAuth only).
    pub client_secret: Option<SecretString>,
}

/// The fields a record may carry, by normalised slug.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Url,
    Username,
    Password,
    SecurityToken,
    ClientId,
    ClientSecret,
}

impl Field {
    /// Matches a slug or flat key case-insensitively, `_` and `-` alike.
    fn from_slug(slug: &str) -> Option<Field> {
        let slug = slug.trim().to_ascii_lowercase().replace('_', "-");
        Some(match slug.as_str() {
            "url" => Field::Url,
            "username" => Field::Username,
            "password" => Field::Password,
            "security-token" => Field::SecurityToken,
            "client-id" => Field::ClientId,
            "client-secret" => Field::ClientSecret,
            _ => return None,
        })
    }

    fn slug(self) -> &'static str {
        match self {
            Field::Url => "url",
            Field::Username => "username",
            Field::Password => "password",
            Field::SecurityToken => "security-token",
            Field::ClientId => "client-id",
            Field::ClientSecret => "client-secret",
        }
    }
}

/// Parses a secret record at `path` (`secret` or `privileged_secret`).
pub(crate) fn parse(value: Value, path: &str) -> Result<Credentials, RequestError> {
    let mut obj = Obj::new(value, path)?;
    let mut creds = Credentials {
        id: obj.int("id")?,
        name: obj.string("name")?,
        ..Credentials::default()
    };
    match obj.take("items") {
        Some(items) => parse_items(items, &obj.path_of("items"), &mut creds)?,
        None => {
            for (key, value) in obj.into_entries() {
                if let Some(field) = Field::from_slug(&key) {
                    set(
                        &mut creds,
                        field,
                        value,
                        &format!("{path}.{}", json::shorten(&key)),
                    )?;
                }
            }
        }
    }
    Ok(creds)
}

/// Secret Server's `items`: `[{"slug": "...", "itemValue": "..."}, ...]`; unknown slugs ignored.
fn parse_items(items: Value, path: &str, creds: &mut Credentials) -> Result<(), RequestError> {
    let Value::Array(items) = items else {
        return Err(RequestError::invalid(
            path,
            "must be an array of items".to_owned(),
        ));
    };
    let mut seen: Vec<Field> = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let mut item = Obj::new(item, &item_path)?;
        let Some(slug) = item.string("slug")? else {
            continue;
        };
        let Some(field) = Field::from_slug(&slug) else {
            continue;
        };
        if seen.contains(&field) {
            return Err(RequestError::invalid(
                path,
                format!("slug '{}' appears more than once", field.slug()),
            ));
        }
        seen.push(field);
        if let Some(value) = item.take("itemValue") {
            set(
                creds,
                field,
                value,
                &format!("{item_path}.itemValue ({})", field.slug()),
            )?;
        }
    }
    Ok(())
}

fn set(
    creds: &mut Credentials,
    field: Field,
    value: Value,
    path: &str,
) -> Result<(), RequestError> {
    // A refused secret is dropped (and zeroized) before the error is returned.
    let checked = |s: Option<SecretString>| -> Result<Option<SecretString>, RequestError> {
        if let Some(s) = &s {
            json::refuse_controls(s.expose_secret(), path)?;
        }
        Ok(s)
    };
    match field {
        Field::Url => creds.url = non_empty(json::string(value, path)?),
        Field::Username => {
            let username = json::string(value, path)?.trim().to_owned();
            json::refuse_controls(&username, path)?;
            creds.username = non_empty(username);
        }
        Field::Password => creds.password = checked(json::secret(value, path)?)?,
        Field::SecurityToken => creds.security_token = checked(json::secret(value, path)?)?,
        Field::ClientId => creds.client_id = json::secret(value, path)?,
        Field::ClientSecret => creds.client_secret = json::secret(value, path)?,
    }
    Ok(())
}

fn non_empty(s: String) -> Option<String> {
    if s.trim().is_empty() {
        None
    } else {
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_server_model_by_slug_case_insensitive() {
        let record = json!({
            "id": 7, "name": "SF", "secretTemplateName": "Web Password", "folderId": 3,
            "items": [
                {"slug": "URL", "itemValue": "https://login.salesforce.com", "fieldId": 9},
                {"slug": "username", "itemValue": "a@b.c"},
                {"slug": "Password", "itemValue": "pw1", "isPassword": true},
                {"slug": "security-token", "itemValue": ""},
                {"slug": "notes", "itemValue": "ignored"},
                {"fieldName": "no slug"}
            ]
        });
        let c = parse(record, "secret").unwrap();
        assert_eq!(c.id, Some(7));
        assert_eq!(c.url.as_deref(), Some("https://login.salesforce.com"));
        assert_eq!(c.username.as_deref(), Some("a@b.c"));
        assert!(c
            .password
            .as_ref()
            .map(|p| p.expose_secret() == "pw1")
            .unwrap_or(false));
        assert!(c.security_token.is_none());
    }

    #[test]
    fn flat_form() {
        let record = json!({"id": 1, "url": "https://test.salesforce.com", "username": "u",
            "password": "p", "security_token": "t", "client_id": "ci", "client_secret": "cs",
            "extra": 1});
        let c = parse(record, "secret").unwrap();
        assert!(c.security_token.is_some() && c.client_id.is_some() && c.client_secret.is_some());
    }

    #[test]
    fn errors_name_the_field_never_the_value() {
        let e = parse(
            json!({"items": [{"slug": "password", "itemValue": 5}]}),
            "secret",
        )
        .unwrap_err();
        assert!(e.field().contains("items[0]"), "{e}");
        let e = parse(
            json!({"items": [{"slug": "password", "itemValue": "x"}, {"slug": "PASSWORD", "itemValue": "y"}]}),
            "secret",
        )
        .unwrap_err();
        assert!(e.to_string().contains("more than once"));
        let e = parse(json!({"id": "seven"}), "secret").unwrap_err();
        assert_eq!(e.field(), "secret.id");
        let e = parse(json!("hunter2"), "privileged_secret").unwrap_err();
        assert!(!e.to_string().contains("hunter2"));
    }
}
