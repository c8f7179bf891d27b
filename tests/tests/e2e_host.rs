//! End-to-end behaviour of the `sfrpc` binary beyond single scenarios: the quarantine across
//! processes, generated passwords, batch, the demo, usage errors. The real binary against the
//! real emulator over TLS; needs `cargo build -p sfrpc-host` first.

use serde_json::{json, Value};
use sfrpc_e2e::emu::Emu;
use sfrpc_e2e::secrets::{assert_no_leak, request_secrets};
use sfrpc_e2e::sfrpc::{self, Run};

const PROD: &str = "tests/scenarios/orgs/e2e-prod.json";
const USER: &str = "integration@e2e.example.com";
const PASSWORD: &str = "E2eIntegrationPass01";

fn request(id: i64, password: &str) -> Value {
    json!({
        "secret": {"id": id, "name": "E2E Integration", "url": "https://login.salesforce.com",
                   "username": USER, "password": password},
        "site": {"name": "E2E"}
    })
}

/// Runs `sfrpc OP` with the request on stdin and the given state dir; scans the output.
async fn job(emu: &Emu, state: &std::path::Path, op: &str, req: &Value) -> Run {
    let mut args = vec![
        op.to_owned(),
        "--state-dir".to_owned(),
        state.display().to_string(),
        "--timeout".to_owned(),
        "10".to_owned(),
    ];
    args.extend(sfrpc::emulator_args(emu));
    let out = sfrpc::run(&args, Some(&req.to_string())).await;
    assert_no_leak(op, &out.stdout, &out.stderr, &request_secrets(req));
    out
}

async fn quarantine(state: &std::path::Path, action: &[&str]) -> Run {
    let mut args = vec!["quarantine".to_owned()];
    args.extend(action.iter().map(|s| s.to_string()));
    args.extend(["--state-dir".to_owned(), state.display().to_string()]);
    sfrpc::run(&args, None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_credential_is_quarantined_across_processes() {
    let emu = Emu::start(&[PROD], None).await;
    let state = tempfile::tempdir().expect("state dir");
    let wrong = request(5001, "NotThePassword99");

    let first = job(&emu, state.path(), "heartbeat", &wrong).await;
    let r = first.json();
    assert_eq!(
        (r["status"].as_str(), r["code"].as_str()),
        (Some("LoginFailed"), Some("INVALID_LOGIN"))
    );
    assert_eq!(
        r["refused_credentials"],
        json!([{"role": "current", "status": "LoginFailed", "code": "INVALID_LOGIN"}])
    );
    assert_eq!(first.code, 10);
    assert_eq!(emu.failed_logins(USER).await, 1);
    let attempts = emu.user(USER).await["login_attempts"].clone();

    // A second process, a heartbeat and a change with the same credential: no login at all.
    for op in ["heartbeat", "change"] {
        let mut req = wrong.clone();
        if op == "change" {
            req["new_password"] = json!("E2eRotatedPass5001");
        }
        let again = job(&emu, state.path(), op, &req).await;
        let r = again.json();
        assert_eq!(r["code"], "QUARANTINED", "{op}");
        assert_eq!(
            r["status"], "LoginFailed",
            "{op}: the status of the refusal"
        );
        assert_eq!(r["active_password"], "current");
        assert_eq!(r["failed_logins"], 0);
        assert_eq!(again.code, 10);
        assert!(r["remediation"]
            .as_str()
            .is_some_and(|m| m.contains("quarantine clear 5001")));
    }
    assert_eq!(
        emu.failed_logins(USER).await,
        1,
        "no new failed login while quarantined"
    );
    assert_eq!(
        emu.user(USER).await["login_attempts"],
        attempts,
        "no login attempt at all"
    );

    let list = quarantine(state.path(), &["list"]).await;
    assert_eq!(list.code, 0);
    let lines: Vec<Value> = list
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSONL"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["secret_id"], 5001);
    assert_eq!(lines[0]["code"], "INVALID_LOGIN");
    assert_no_leak(
        "quarantine list",
        &list.stdout,
        &list.stderr,
        &request_secrets(&wrong),
    );

    // The vault stores the right password: a changed credential is not quarantined.
    let right = job(&emu, state.path(), "heartbeat", &request(5001, PASSWORD)).await;
    assert_eq!(right.json()["status"], "Success");

    // Cleared by the operator: the wrong one is tried (and refused) again.
    assert_eq!(quarantine(state.path(), &["clear", "5001"]).await.code, 0);
    let retried = job(&emu, state.path(), "heartbeat", &wrong).await;
    assert_eq!(retried.json()["code"], "INVALID_LOGIN");
    assert_eq!(emu.failed_logins(USER).await, 2);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_without_new_password_generates_one_that_works() {
    let emu = Emu::start(&[PROD], None).await;
    let state = tempfile::tempdir().expect("state dir");
    let mut req = request(5002, PASSWORD);
    req["org"] =
        json!({"password_policy": {"min_length": 24, "complexity": "upper_lower_numeric_special"}});
    let out = job(&emu, state.path(), "change", &req).await;
    let r = out.json();
    assert_eq!(
        (r["status"].as_str(), r["active_password"].as_str()),
        (Some("Success"), Some("new"))
    );
    assert_eq!(out.code, 0);
    let generated = r["new_password"]
        .as_str()
        .expect("the generated password is returned")
        .to_owned();
    assert_eq!(generated.chars().count(), 24);
    assert!(!generated.contains(['<', '>', '&', '"', '\'', '`', '$', '\\', ' ']));
    assert!(
        emu.check_password(USER, &generated).await,
        "the emulator accepts the generated password"
    );
    assert!(
        !out.stderr.contains(&generated),
        "the generated password is not logged"
    );

    let next = job(&emu, state.path(), "heartbeat", &request(5002, &generated)).await;
    assert_eq!(next.json()["status"], "Success");
    assert!(
        next.json().get("new_password").is_none(),
        "only a change that generated one returns it"
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_password_that_was_never_sent_is_not_returned() {
    // A change with a pending password that cannot be settled (Salesforce unreachable): the
    // result is unknown about the pending one; the password sfrpc generated never left, so
    // the vault must not be told to try it next time.
    let emu = Emu::start(&[PROD], None).await;
    let state = tempfile::tempdir().expect("state dir");
    emu.call(
        "POST",
        "/__emulator/faults",
        Some(&json!({"endpoint": "login", "kind": "http_503_html", "times": null})),
    )
    .await;
    let mut req = request(5003, PASSWORD);
    req["pending_password"] = json!("E2ePendingPass5003");
    let out = job(&emu, state.path(), "change", &req).await;
    let r = out.json();
    assert_eq!(r["active_password"], "unknown");
    assert_eq!(out.code, 20);
    assert!(
        r.get("new_password").is_none(),
        "no generated password returned"
    );
    assert!(emu.check_password(USER, PASSWORD).await, "nothing changed");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_writes_one_line_per_request_in_order_and_a_summary() {
    let emu = Emu::start(&[PROD], None).await;
    let work = tempfile::tempdir().expect("work dir");
    let mut requests = vec![
        request(6001, PASSWORD),
        request(6002, "NotThePassword99"),
        request(6003, PASSWORD),
    ];
    for r in &mut requests {
        r["operation"] = json!("heartbeat");
    }
    requests[2]["operation"] = json!("diagnose");
    let jsonl: String = requests.iter().map(|r| format!("{r}\n")).collect();
    let input = work.path().join("requests.jsonl");
    std::fs::write(&input, jsonl).expect("write requests");
    let out_file = work.path().join("results.jsonl");
    let mut args = vec![
        "batch".to_owned(),
        "--requests".to_owned(),
        input.display().to_string(),
        "--concurrency".to_owned(),
        "3".to_owned(),
        "--per-org".to_owned(),
        "1".to_owned(),
        "--out".to_owned(),
        out_file.display().to_string(),
        "--state-dir".to_owned(),
        work.path().join("state").display().to_string(),
    ];
    args.extend(sfrpc::emulator_args(&emu));
    let out = sfrpc::run(&args, None).await;
    let all_secrets: Vec<String> = requests.iter().flat_map(request_secrets).collect();
    assert_no_leak("batch", &out.stdout, &out.stderr, &all_secrets);
    assert_eq!(out.code, 1, "one request failed");
    let text = std::fs::read_to_string(&out_file).expect("results written");
    assert_no_leak("batch --out", &text, "", &all_secrets);
    let results: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSONL"))
        .collect();
    let ids: Vec<i64> = results
        .iter()
        .map(|r| r["secret_id"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(ids, [6001, 6002, 6003], "input order");
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(statuses, ["Success", "LoginFailed", "Success"]);
    assert_eq!(results[2]["operation"], "diagnose");
    assert!(
        out.stderr.contains("3 requests: LoginFailed 1, Success 2"),
        "summary on stderr"
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_runs_one_secrets_requests_in_input_order() {
    // Three wrong-password requests for one secret, with room for all to run at once: they run
    // in turn, so the first one's refusal quarantines the credential for the other two.
    let emu = Emu::start(&[PROD], None).await;
    let work = tempfile::tempdir().expect("work dir");
    let mut requests = vec![request(6101, "NotThePassword99"); 3];
    requests[0]["operation"] = json!("heartbeat");
    requests[1]["operation"] = json!("diagnose");
    requests[2]["operation"] = json!("heartbeat");
    let jsonl: String = requests.iter().map(|r| format!("{r}\n")).collect();
    let input = work.path().join("requests.jsonl");
    std::fs::write(&input, jsonl).expect("write requests");
    let mut args = vec![
        "batch".to_owned(),
        "--requests".to_owned(),
        input.display().to_string(),
        "--concurrency".to_owned(),
        "3".to_owned(),
        "--per-org".to_owned(),
        "3".to_owned(),
        "--state-dir".to_owned(),
        work.path().join("state").display().to_string(),
    ];
    args.extend(sfrpc::emulator_args(&emu));
    let out = sfrpc::run(&args, None).await;
    let results: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSONL"))
        .collect();
    let seen: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["operation"].as_str().unwrap_or("?"),
                r["code"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("heartbeat", "INVALID_LOGIN"),
            ("diagnose", "QUARANTINED"),
            ("heartbeat", "QUARANTINED")
        ]
    );
    assert_eq!(emu.failed_logins(USER).await, 1, "one failed login in all");
    assert!(
        out.stderr.contains("2 quarantined (not sent)"),
        "summary notes"
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_is_json_when_piped_and_logs_go_to_stderr() {
    let emu = Emu::start(&[PROD], None).await;
    let state = tempfile::tempdir().expect("state dir");
    let out = job(&emu, state.path(), "heartbeat", &request(7001, PASSWORD)).await;
    let r = out.json();
    assert_eq!(r["status"], "Success");
    let last = r["log"]
        .as_array()
        .and_then(|l| l.last())
        .and_then(Value::as_str)
        .expect("log");
    assert_eq!(
        last,
        "Secret 'E2E Integration' (Id = 7001) on Site 'E2E' returned (Success)."
    );
    assert!(out.stderr.contains(last), "the log lines are on stderr");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_that_disagrees_with_the_command_is_an_argument_error() {
    let emu = Emu::start(&[PROD], None).await;
    let state = tempfile::tempdir().expect("state dir");
    let mut req = request(7002, PASSWORD);
    req["operation"] = json!("change");
    let out = job(&emu, state.path(), "heartbeat", &req).await;
    let r = out.json();
    assert_eq!(
        (r["status"].as_str(), r["code"].as_str()),
        (Some("ArgumentError"), Some("INVALID_REQUEST"))
    );
    assert_eq!(out.code, 13);
    assert_eq!(emu.user(USER).await["login_attempts"], 0);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_heartbeat_quarantines_the_credential_it_used_not_the_privileged_account() {
    let emu = Emu::start(&[PROD], None).await;
    let state = tempfile::tempdir().expect("state dir");
    // A heartbeat logs in with the stored password; the privileged account is for changes.
    let mut wrong = request(5101, "NotThePassword99");
    wrong["privileged_secret"] = json!({"url": "https://login.salesforce.com",
        "username": "admin@e2e.example.com", "password": "E2eAdminPass03"});
    for round in 0..2 {
        let r = job(&emu, state.path(), "heartbeat", &wrong).await.json();
        let code = if round == 0 {
            "INVALID_LOGIN"
        } else {
            "QUARANTINED"
        };
        assert_eq!(r["code"], code, "heartbeat {round}");
    }
    assert_eq!(
        emu.failed_logins(USER).await,
        1,
        "the second heartbeat found the refused stored password in quarantine"
    );
    // The privileged account was never refused: a change through it still runs.
    let mut change = wrong.clone();
    change["new_password"] = json!("E2eReconciled5101");
    let r = job(&emu, state.path(), "change", &change).await.json();
    assert_eq!(
        (r["status"].as_str(), r["active_password"].as_str()),
        (Some("Success"), Some("new"))
    );
    assert!(emu.check_password(USER, "E2eReconciled5101").await);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_and_a_stored_password_both_refused_are_both_quarantined() {
    let emu = Emu::start(&[PROD], None).await;
    let state = tempfile::tempdir().expect("state dir");
    let mut both_wrong = request(5102, "NotThePassword99");
    both_wrong["pending_password"] = json!("NotThePendingOne98");
    let first = job(&emu, state.path(), "heartbeat", &both_wrong).await;
    let r = first.json();
    assert_eq!(r["code"], "INVALID_LOGIN");
    let roles: Vec<&str> = r["refused_credentials"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["role"].as_str())
        .collect();
    assert_eq!(roles, ["pending", "current"]);
    assert_eq!(emu.failed_logins(USER).await, 2);
    let again = job(&emu, state.path(), "heartbeat", &both_wrong)
        .await
        .json();
    assert_eq!(again["code"], "QUARANTINED");
    assert_eq!(
        emu.failed_logins(USER).await,
        2,
        "no failed login for a quarantined pair"
    );
    // Either one alone is still known to be refused.
    let mut stored_only = both_wrong.clone();
    stored_only["pending_password"] = Value::Null;
    assert_eq!(
        job(&emu, state.path(), "heartbeat", &stored_only)
            .await
            .json()["code"],
        "QUARANTINED"
    );
    assert_eq!(emu.failed_logins(USER).await, 2);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_pending_password_is_skipped_next_time_not_retried() {
    let emu = Emu::start(&[PROD], None).await;
    let state = tempfile::tempdir().expect("state dir");
    let mut req = request(5103, PASSWORD);
    req["pending_password"] = json!("NotThePendingOne98");
    let first = job(&emu, state.path(), "heartbeat", &req).await.json();
    assert_eq!(
        (first["status"].as_str(), first["active_password"].as_str()),
        (Some("Success"), Some("current"))
    );
    assert_eq!(
        first["refused_credentials"],
        json!([{"role": "pending", "status": "LoginFailed", "code": "INVALID_LOGIN"}]),
        "the pending password's own refusal, not the job's Success"
    );
    assert_eq!(emu.failed_logins(USER).await, 1);
    // The vault sends the same pending password again: it is not tried, the stored one settles.
    let again = job(&emu, state.path(), "heartbeat", &req).await.json();
    assert_eq!(
        (again["status"].as_str(), again["active_password"].as_str()),
        (Some("Success"), Some("current"))
    );
    assert_eq!(emu.failed_logins(USER).await, 1, "no second failed login");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quarantined_stored_password_does_not_block_a_pending_one_that_works() {
    let emu = Emu::start(&[PROD], None).await;
    let state = tempfile::tempdir().expect("state dir");
    // The stored password is wrong (say a change landed but its answer was lost) and gets
    // quarantined by a heartbeat that did not carry the pending password.
    let stale = request(5104, "NotThePassword99");
    assert_eq!(
        job(&emu, state.path(), "heartbeat", &stale).await.json()["code"],
        "INVALID_LOGIN"
    );
    // The vault then sends the new one as pending: it is tried, and only it.
    let mut settle = stale.clone();
    settle["pending_password"] = json!(PASSWORD);
    let r = job(&emu, state.path(), "heartbeat", &settle).await.json();
    assert_eq!(
        (r["status"].as_str(), r["active_password"].as_str()),
        (Some("Success"), Some("pending"))
    );
    // And when the pending one is refused too, the quarantined stored one is not tried.
    let mut both = stale.clone();
    both["pending_password"] = json!("NotThePendingOne98");
    let r = job(&emu, state.path(), "heartbeat", &both).await.json();
    assert_eq!(r["code"], "INVALID_LOGIN");
    assert_eq!(r["active_password"], "unknown");
    assert_eq!(
        emu.failed_logins(USER).await,
        2,
        "one per refused credential, ever"
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_before_any_request() {
    let work = tempfile::tempdir().expect("work dir");
    let bad_manifest = work.path().join("manifest.json");
    std::fs::write(&bad_manifest, r#"{"name":"sfrpc"}"#).expect("write");
    let wildcard = work.path().join("wild.json");
    let mut m: Value = serde_json::from_str(include_str!("../../manifest.json")).expect("manifest");
    m["capabilities"]["network"]["allowed_outbound_hosts"] = json!(["https://login.*.com"]);
    std::fs::write(&wildcard, m.to_string()).expect("write");
    let state = work.path().join("state").display().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec![
            "heartbeat".into(),
            "--manifest".into(),
            bad_manifest.display().to_string(),
        ],
        vec![
            "heartbeat".into(),
            "--manifest".into(),
            wildcard.display().to_string(),
        ],
        vec![
            "heartbeat".into(),
            "--resolve".into(),
            "login.salesforce.com".into(),
        ],
        vec![
            "heartbeat".into(),
            "--request".into(),
            "/nonexistent/request.json".into(),
        ],
        vec![
            "heartbeat".into(),
            "--ca-cert".into(),
            "/nonexistent/ca.pem".into(),
        ],
        vec!["heartbeat".into(), "--timeout".into(), "0".into()],
        vec!["rotate".into()],
    ];
    for mut args in cases {
        args.extend(["--state-dir".to_owned(), state.clone()]);
        let out = sfrpc::run(&args, Some("{}")).await;
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        assert!(
            !out.stderr.trim().is_empty(),
            "{args:?}: says why on stderr"
        );
        if args.contains(&bad_manifest.display().to_string()) {
            assert!(
                out.stderr.contains("manifest"),
                "an invalid manifest is named as such: {}",
                out.stderr
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_without_set_up_and_every_step_behaves() {
    let home = tempfile::tempdir().expect("home");
    let mut cmd_args = vec!["demo".to_owned()];
    cmd_args.extend([
        "--state-dir".to_owned(),
        home.path().join("state").display().to_string(),
    ]);
    let out = sfrpc::run(&cmd_args, None).await;
    assert_no_leak("demo", &out.stdout, &out.stderr, &[]);
    assert_eq!(
        out.code,
        0,
        "sfrpc demo exit status (stdout: {} bytes)",
        out.stdout.len()
    );
    assert!(out.stdout.contains("QUARANTINED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_ignores_an_environment_proxy() {
    // Behind a corporate proxy the demo's Salesforce host names must still reach the
    // in-process emulator, never be tunnelled to the real ones (here: a dead proxy).
    let home = tempfile::tempdir().expect("home");
    let args = vec![
        "demo".to_owned(),
        "--state-dir".to_owned(),
        home.path().join("state").display().to_string(),
    ];
    let out = sfrpc::run_with_env(
        &args,
        None,
        &[
            ("HTTPS_PROXY", "http://127.0.0.1:1"),
            ("ALL_PROXY", "http://127.0.0.1:1"),
        ],
    )
    .await;
    assert_eq!(out.code, 0, "sfrpc demo behind an unusable HTTPS_PROXY");
}
