//! Every transcript scenario (tests/support/scenarios.rs): request sequence, status, code,
//! active_password, retryable and failed_logins.

mod support;

use serde_json::Value;
use support::scenarios;

#[test]
fn every_scenario_produces_its_transcript_and_result() {
    let mut failures = Vec::new();
    let all = scenarios::all();
    assert!(
        all.len() > 100,
        "scenario list unexpectedly short: {}",
        all.len()
    );
    for sc in all {
        let run = support::run(&sc.request, sc.script);
        let r = serde_json::to_value(&run.result).expect("result serializes");
        let got = (
            run.ops(),
            r["status"].as_str().unwrap_or_default().to_owned(),
            r["code"].as_str().unwrap_or_default().to_owned(),
            r["active_password"].as_str().unwrap_or_default().to_owned(),
            r["retryable"].as_bool(),
            r["failed_logins"].as_u64(),
        );
        let want = (
            sc.ops.clone(),
            sc.status.to_owned(),
            sc.code.to_owned(),
            sc.active.to_owned(),
            Some(sc.retryable),
            Some(u64::from(sc.failed_logins)),
        );
        if got != want {
            failures.push(format!(
                "{}:\n   got {got:?}\n  want {want:?}\n  message {}",
                sc.name, r["message"]
            ));
        }
        let rejected = r["status"] == "PasswordRejected";
        if rejected != (r["retry_with_new_password"] == Value::Bool(true)) {
            failures.push(format!(
                "{}: retry_with_new_password must be set exactly on PasswordRejected",
                sc.name
            ));
        }
        let last = run.result.log.last().cloned().unwrap_or_default();
        if !last.ends_with(&format!("returned ({}).", sc.status)) {
            failures.push(format!("{}: last log line is {last:?}", sc.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
