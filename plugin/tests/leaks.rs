//! No secret ever leaves the plugin in text: every scenario (and the sample requests) is run and
//! every fixture secret (fixtures/SECRETS.txt), request secret and FIXTURE* string is searched
//! for in the serialized result, its log lines, the Debug of the job between steps, of the
//! request, of every HttpRequest sent, and in request errors' Display/Debug.

mod support;

use serde_json::Value;
use sfrpc_plugin::Request;
use support::scenarios;

fn secrets() -> Vec<String> {
    support::fixture_secrets()
}

fn check(what: &str, scenario: &str, text: &str, secrets: &[String], problems: &mut Vec<String>) {
    for (i, s) in secrets.iter().enumerate() {
        if text.contains(s.as_str()) {
            problems.push(format!(
                "{scenario}: secret #{i} (see the leak test's list) appears in {what}"
            ));
        }
    }
}

fn scan(
    name: &str,
    request: &Value,
    run: &support::Run,
    secrets: &[String],
    problems: &mut Vec<String>,
) {
    let json = serde_json::to_string(&run.result).expect("serializes");
    check("the serialized result", name, &json, secrets, problems);
    check(
        "the result's Debug",
        name,
        &format!("{:?}", run.result),
        secrets,
        problems,
    );
    for line in &run.result.log {
        check("a log line", name, line, secrets, problems);
    }
    for snapshot in &run.debug_snapshots {
        check("the job's Debug", name, snapshot, secrets, problems);
    }
    for req in &run.requests {
        check(
            "an HttpRequest's Debug",
            name,
            &format!("{req:?}"),
            secrets,
            problems,
        );
    }
    match Request::from_json(&request.to_string()) {
        Ok(r) => check(
            "the request's Debug",
            name,
            &format!("{r:?}"),
            secrets,
            problems,
        ),
        Err(e) => {
            check("a request error", name, &e.to_string(), secrets, problems);
            check(
                "a request error's Debug",
                name,
                &format!("{e:?}"),
                secrets,
                problems,
            );
        }
    }
}

#[test]
fn no_secret_in_any_scenario_output() {
    let secrets = secrets();
    let mut problems = Vec::new();
    let all = scenarios::all();
    let count = all.len();
    for sc in all {
        let run = support::run(&sc.request, sc.script);
        scan(&sc.name, &sc.request, &run, &secrets, &mut problems);
    }
    assert!(count > 100);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_secret_from_the_sample_requests() {
    use support::{oauth, soap};
    let secrets = secrets();
    let mut problems = Vec::new();
    let samples = [
        (
            "change_secret_server_model.json",
            vec![
                soap("login_success_sandbox"),
                soap("change_own_password_ok"),
                soap("login_success_sandbox"),
                soap("logout_ok"),
                soap("logout_ok"),
            ],
        ),
        (
            "heartbeat_flat.json",
            vec![soap("fault_LOGIN_MUST_USE_SECURITY_TOKEN")],
        ),
        (
            "change_privileged_oauth.json",
            vec![
                oauth("token_success"),
                soap("query_user_id"),
                soap("set_password_ok"),
                oauth("error_invalid_grant"),
                soap("logout_ok"),
            ],
        ),
    ];
    for (name, script) in samples {
        let request: Value =
            serde_json::from_str(&support::fixture(&format!("requests/{name}"))).expect("JSON");
        let run = support::run(&request, script);
        scan(name, &request, &run, &secrets, &mut problems);
        // Mangle each sample so it is refused, and check the error too.
        let mut bad = request.clone();
        bad["secret"]["password"] = serde_json::json!(["FIXTUREpwSSmodel-71x"]);
        bad["unexpected"] = serde_json::json!("FIXTUREnewPw-2026q");
        let run = support::run(&bad, vec![]);
        scan(
            &format!("{name} (mangled)"),
            &bad,
            &run,
            &secrets,
            &mut problems,
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn scrubbing_catches_a_server_that_echoes_a_secret() {
    // A hostile or broken server puts the password, or the session id, into a fault message.
    let fault = support::fixture("soap/fault_INVALID_LOGIN.xml");
    let echo = |what: &str| {
        fault.replace(
            "Invalid username, password, security token; or user locked out.",
            &format!("echo {what} echo"),
        )
    };
    let req = support::request("heartbeat");
    let mut problems = Vec::new();
    let run = support::run(
        &req,
        vec![support::Reply::Http(500, echo(support::CURRENT))],
    );
    assert!(run.result.message.contains("echo [REDACTED] echo"));
    scan("echoed password", &req, &run, &secrets(), &mut problems);
    let session = "00D5g000004XyZa!FAKESESSIONAQEAQlogin0001xYzFAKE";
    let run = support::run(
        &req,
        vec![
            support::soap("login_success"),
            support::Reply::Http(500, echo(session)),
        ],
    );
    assert!(run
        .result
        .log
        .iter()
        .any(|l| l.contains("echo [REDACTED] echo")));
    scan("echoed session id", &req, &run, &secrets(), &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
