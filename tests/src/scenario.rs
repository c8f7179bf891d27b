//! The data-driven scenarios of `tests/scenarios/*.json` (the Node host runs the same files).
//!
//! A file holds one scenario or a list. Fields: `name`, `description`, `org` (one path or a
//! list; relative to the repository root or a file name in fixtures/orgs/), `client_ip`,
//! `setup` (control-API calls `{method, path, body}` made before the run), `operation`,
//! `request` (written to a file; the subcommand writes `operation`), `manifest`,
//! `timeout_secs`, and `expect`: any of `status`, `code`, `active_password`, `retryable`,
//! `refused_credentials`, `failed_logins`, `retry_with_new_password`, `exit_code`, and
//! `emulator: {valid_password: current|new|pending, failed_logins: N}` (the emulator's truth;
//! `failed_logins` is the change of the secret user's counter during the run).
//!
//! Whatever a scenario expects, every run is also checked for: no fixture or request secret on
//! stdout or stderr; `active_password` current/new/pending only when the emulator agrees; at
//! most one failed login of the secret's user (two while reconciling a pending password).

use std::path::PathBuf;

use serde_json::Value;

use crate::emu::Emu;
use crate::secrets;
use crate::sfrpc;

/// Result fields compared verbatim with the expectation.
pub const RESULT_KEYS: &[&str] = &[
    "status",
    "code",
    "active_password",
    "retryable",
    "refused_credentials",
    "failed_logins",
    "retry_with_new_password",
];

/// The scenario directory.
pub fn dir() -> PathBuf {
    crate::repo_root().join("tests").join("scenarios")
}

/// Every scenario, in file then list order.
pub fn all() -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/scenarios exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read scenario file");
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", f.display()));
        match v {
            Value::Array(list) => out.extend(list),
            Value::Object(ref o) if o.get("scenarios").is_some_and(Value::is_array) => {
                out.extend(o["scenarios"].as_array().cloned().unwrap_or_default())
            }
            other => out.push(other),
        }
    }
    out
}

/// The scenario called `name`.
pub fn find(name: &str) -> Value {
    all()
        .into_iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no scenario named {name} in tests/scenarios/"))
}

/// A secret record's item by slug (Secret Server model) or key (flat form).
pub fn secret_field(secret: &Value, flat: &str, slug: &str) -> Option<String> {
    if let Some(s) = secret[flat].as_str() {
        return Some(s.to_owned());
    }
    secret["items"].as_array()?.iter().find_map(|i| {
        let matches = i["slug"].as_str()?.eq_ignore_ascii_case(slug);
        if matches {
            i["itemValue"].as_str().map(str::to_owned)
        } else {
            None
        }
    })
}

/// The password a result's `active_password` names, from the request (or the generated one).
pub fn candidate(request: &Value, result: &Value, which: &str) -> Option<String> {
    match which {
        "current" => secret_field(&request["secret"], "password", "password"),
        "new" => request["new_password"]
            .as_str()
            .or_else(|| result["new_password"].as_str())
            .map(str::to_owned),
        "pending" => request["pending_password"].as_str().map(str::to_owned),
        _ => None,
    }
}

fn orgs(sc: &Value) -> Vec<String> {
    match sc.get("orgs").or_else(|| sc.get("org")) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => vec!["demo.json".to_owned()],
    }
}

/// Runs the scenario called `name`; returns every failed expectation (no secret in them).
pub async fn run(name: &str) -> Result<(), String> {
    let sc = find(name);
    let orgs = orgs(&sc);
    let org_refs: Vec<&str> = orgs.iter().map(String::as_str).collect();
    let emu = Emu::start(&org_refs, sc["client_ip"].as_str()).await;
    for step in sc["setup"].as_array().into_iter().flatten() {
        let method = step["method"].as_str().unwrap_or("POST");
        let path = step["path"].as_str().expect("setup step has a path");
        let body = step.get("body");
        emu.call(method, path, body).await;
    }
    let request = sc["request"].clone();
    let username = secret_field(&request["secret"], "username", "username").unwrap_or_default();
    let failed_before = emu.failed_logins(&username).await;
    let current = candidate(&request, &Value::Null, "current");
    let current_valid_before = match &current {
        Some(pw) => emu.check_password(&username, pw).await,
        None => false,
    };

    let work = tempfile::tempdir().expect("temp dir");
    let request_file = work.path().join("request.json");
    std::fs::write(&request_file, request.to_string()).expect("write request");
    let op = sc["operation"].as_str().unwrap_or("heartbeat");
    let timeout = sc["timeout_secs"].as_u64().unwrap_or(10);
    let mut args = vec![
        op.to_owned(),
        "--request".to_owned(),
        request_file.display().to_string(),
        "--json".to_owned(),
        "--state-dir".to_owned(),
        work.path().join("state").display().to_string(),
        "--timeout".to_owned(),
        timeout.to_string(),
    ];
    if let Some(m) = sc["manifest"].as_str() {
        args.push("--manifest".to_owned());
        args.push(crate::repo_root().join(m).display().to_string());
    }
    args.extend(sfrpc::emulator_args(&emu));
    let out = sfrpc::run(&args, None).await;
    secrets::assert_no_leak(
        name,
        &out.stdout,
        &out.stderr,
        &secrets::request_secrets(&request),
    );
    let result = out.json();

    // What happened, for the test log (no secret: these fields never carry one).
    eprintln!(
        "scenario {name}: exit {} status {} code {} active_password {} failed_logins {} message {}",
        out.code,
        result["status"],
        result["code"],
        result["active_password"],
        result["failed_logins"],
        result["message"]
    );
    let mut failures = Vec::new();
    let expect = &sc["expect"];
    let code = result["code"].as_str().unwrap_or("?");
    for key in RESULT_KEYS {
        if let Some(want) = expect.get(*key) {
            let got = result.get(*key).cloned().unwrap_or(Value::Null);
            if &got != want {
                failures.push(format!("{key}: expected {want}, got {got} (code {code})"));
            }
        }
    }
    if let Some(want) = expect.get("exit_code") {
        if Some(i64::from(out.code)) != want.as_i64() {
            failures.push(format!(
                "exit code: expected {want}, got {} (code {code})",
                out.code
            ));
        }
    }
    let failed_delta = emu
        .failed_logins(&username)
        .await
        .saturating_sub(failed_before);
    let emulator = &expect["emulator"];
    if let Some(which) = emulator["valid_password"].as_str() {
        match candidate(&request, &result, which) {
            Some(pw) if emu.check_password(&username, &pw).await => {}
            Some(_) => failures.push(format!("emulator: the {which} password is not valid")),
            None => failures.push(format!("scenario has no {which} password to check")),
        }
    }
    if let Some(want) = emulator["failed_logins"].as_u64() {
        if failed_delta != want {
            failures.push(format!(
                "emulator failed_logins: expected {want}, got {failed_delta}"
            ));
        }
    }
    // Invariants of every run: `new` and `pending` are valid when claimed; `current` means
    // nothing changed (the new password is not valid, a valid current one still is).
    let active = result["active_password"].as_str().unwrap_or("?");
    match active {
        "new" | "pending" => match candidate(&request, &result, active) {
            Some(pw) if emu.check_password(&username, &pw).await => {}
            _ => failures.push(format!(
                "active_password is {active} but that password is not valid"
            )),
        },
        "current" => {
            if let Some(pw) = candidate(&request, &result, "new") {
                if emu.check_password(&username, &pw).await {
                    failures
                        .push("active_password is current but the new password is valid".into());
                }
            }
            if let (Some(pw), true) = (&current, current_valid_before) {
                if !emu.check_password(&username, pw).await {
                    failures.push("active_password is current but it no longer works".into());
                }
            }
        }
        _ => {}
    }
    let limit = if request["pending_password"].is_string() {
        2
    } else {
        1
    };
    if failed_delta > limit {
        failures.push(format!(
            "{failed_delta} failed logins in one job (limit {limit})"
        ));
    }
    emu.shutdown().await;
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("scenario {name}:\n  {}", failures.join("\n  ")))
    }
}
