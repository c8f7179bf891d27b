//! Every fixture secret (fixtures/SECRETS.txt, the org fixtures' passwords, tokens and client
//! secrets), and the scan every end-to-end run's output goes through.

use std::path::Path;

use serde_json::Value;

/// Strings shorter than this are not scanned for (they would match by chance).
const MIN_LEN: usize = 6;

fn org_secrets(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(org) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        for user in org["users"].as_array().into_iter().flatten() {
            for key in ["password", "security_token"] {
                if let Some(s) = user[key].as_str() {
                    out.push(s.to_owned());
                }
            }
            for p in user["previous_passwords"].as_array().into_iter().flatten() {
                if let Some(s) = p.as_str() {
                    out.push(s.to_owned());
                }
            }
        }
        for app in org["connected_apps"].as_array().into_iter().flatten() {
            if let Some(s) = app["client_secret"].as_str() {
                out.push(s.to_owned());
            }
        }
    }
}

/// Every fixture secret.
pub fn fixture_secrets() -> Vec<String> {
    let root = crate::repo_root();
    let mut out: Vec<String> = std::fs::read_to_string(root.join("fixtures/SECRETS.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    org_secrets(&root.join("fixtures/orgs"), &mut out);
    org_secrets(&root.join("tests/scenarios/orgs"), &mut out);
    out.retain(|s| s.len() >= MIN_LEN);
    out.sort();
    out.dedup();
    out
}

/// The secret strings of a request: passwords, tokens and client secrets of the secret and
/// the privileged secret, `new_password`, `pending_password`.
pub fn request_secrets(request: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut from_secret = |s: &Value| {
        for key in ["password", "security_token", "client_secret"] {
            if let Some(v) = s[key].as_str() {
                out.push(v.to_owned());
            }
        }
        for item in s["items"].as_array().into_iter().flatten() {
            let slug = item["slug"]
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if ["password", "security-token", "client-secret"].contains(&slug.as_str()) {
                if let Some(v) = item["itemValue"].as_str() {
                    out.push(v.to_owned());
                }
            }
        }
    };
    from_secret(&request["secret"]);
    from_secret(&request["privileged_secret"]);
    for key in ["new_password", "pending_password"] {
        if let Some(v) = request[key].as_str() {
            out.push(v.to_owned());
        }
    }
    out.retain(|s| s.len() >= MIN_LEN);
    out
}

/// Names the first secret found in `text` by its position in `secrets` (never the secret).
pub fn find_leak(text: &str, secrets: &[String]) -> Option<usize> {
    secrets.iter().position(|s| text.contains(s.as_str()))
}

/// Whether `text` holds something shaped like a Salesforce session id or OAuth access token
/// (the emulator issues them at random, so no list can name them): a 15-character org id
/// starting `00D`, `!`, then at least 20 more token characters.
pub fn has_session_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"._".contains(b);
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'!'
            && i >= 15
            && bytes[i - 15..i].starts_with(b"00D")
            && bytes[i - 15..i].iter().all(u8::is_ascii_alphanumeric)
            && bytes[i + 1..].iter().take_while(|b| token(b)).count() >= 20
    })
}

/// Panics if any secret, or anything shaped like a session id, appears in the run's stdout or
/// stderr; the message names the stream and the secret's index, never the secret.
pub fn assert_no_leak(what: &str, stdout: &str, stderr: &str, extra: &[String]) {
    let mut all = fixture_secrets();
    all.extend(extra.iter().filter(|s| s.len() >= MIN_LEN).cloned());
    for (stream, text) in [("stdout", stdout), ("stderr", stderr)] {
        if let Some(i) = find_leak(text, &all) {
            panic!("{what}: secret #{i} of the scan list appears on {stream}");
        }
        if has_session_id(text) {
            panic!("{what}: a session id appears on {stream}");
        }
    }
}
