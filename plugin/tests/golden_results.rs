//! Golden results: whole result JSONs (status, code, message, remediation, checks, log lines)
//! compared exactly with `fixtures/results/*.json`, so any change an operator or a vault would
//! see shows up in review.
//!
//! After an intended change, rewrite them with
//! `SFRPC_BLESS=1 cargo test -p sfrpc-plugin --test golden_results` and review the diff.

mod support;

use serde_json::Value;
use support::*;

const BLESS: &str = "SFRPC_BLESS";

fn cases() -> Vec<(&'static str, Value, Vec<Reply>)> {
    vec![
        (
            "heartbeat_success",
            request("heartbeat"),
            vec![soap("login_success"), soap("logout_ok")],
        ),
        ("change_success", request("change"), change_ok_script()),
        (
            "heartbeat_login_failed",
            request("heartbeat"),
            vec![soap("fault_INVALID_LOGIN")],
        ),
        (
            "change_preflight_token_would_be_reset",
            {
                let mut r = request("change");
                r["site"]["egress_ips"] = serde_json::json!(["192.0.2.50"]);
                set_item(&mut r, "security-token", TOKEN);
                r
            },
            vec![],
        ),
    ]
}

/// The two differing lines as a failure message may show them: quoted, or withheld when
/// either holds a secret.
fn shown_lines(want: &str, got: &str, secrets: &[String]) -> String {
    if holds_secret(want, secrets) || holds_secret(got, secrets) {
        " (withheld: it holds a secret)".to_owned()
    } else {
        format!(":\n  want {want:?}\n   got {got:?}")
    }
}

#[test]
fn a_differing_line_with_a_secret_is_withheld() {
    const WITHHELD: &str = " (withheld: it holds a secret)";
    let secrets = fixture_secrets();
    let plain = "  \"message\": \"Login failed: INVALID_LOGIN: Invalid username, password!\",";
    // Compared with `==`, not assert_eq!, which would print the secret on a failure.
    for (i, secret) in secrets.iter().enumerate() {
        let line = format!("  \"message\": \"Login failed: echo {secret} echo\",");
        assert!(
            shown_lines(plain, &line, &secrets) == WITHHELD
                && shown_lines(&line, plain, &secrets) == WITHHELD,
            "secret #{i} (see support::fixture_secrets) is not withheld"
        );
    }
    // A session id no fixture lists, by its shape (18-character org id too).
    for sid in [
        "00D5g000004XyZa!AQEAQNEVERSEENbeforeInAnyFixture.x_y",
        "00D5g000004XyZaEAK!AQEAQNEVERSEENbeforeInAnyFixture",
    ] {
        assert!(looks_like_session_id(&format!("\"log\": \"{sid}\"")));
        assert!(
            shown_lines(plain, sid, &secrets) == WITHHELD,
            "a session-id shape is not withheld"
        );
    }
    assert_eq!(
        shown_lines(plain, "}", &secrets),
        format!(":\n  want {plain:?}\n   got \"}}\"")
    );
    assert!(!looks_like_session_id("org 00D5g000004XyZa! short"));
}

#[test]
fn results_match_their_golden_files() {
    let bless = std::env::var(BLESS).is_ok_and(|v| v == "1");
    let dir = fixtures_dir().join("results");
    let secrets = fixture_secrets();
    let mut problems = Vec::new();
    for (name, req, script) in cases() {
        let run = run(&req, script);
        let got = serde_json::to_string_pretty(&run.result).expect("serializes") + "\n";
        let path = dir.join(format!("{name}.json"));
        if bless {
            std::fs::create_dir_all(&dir).expect("results dir");
            std::fs::write(&path, &got).expect("write golden result");
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == got => {}
            Ok(want) => {
                // Name the first differing line; a regression that leaks a secret must not
                // print it, so a line holding one is withheld.
                let line = want
                    .lines()
                    .zip(got.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| want.lines().count().min(got.lines().count()));
                problems.push(format!(
                    "{name}: differs from fixtures/results/{name}.json at line {}{}",
                    line + 1,
                    shown_lines(
                        want.lines().nth(line).unwrap_or_default(),
                        got.lines().nth(line).unwrap_or_default(),
                        &secrets
                    )
                ));
            }
            Err(_) => problems.push(format!("{name}: fixtures/results/{name}.json is missing")),
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(after an intended change: {BLESS}=1 cargo test -p sfrpc-plugin --test golden_results)",
        problems.join("\n")
    );
}

#[test]
fn golden_results_hold_no_secret() {
    let secrets = fixture_secrets();
    for entry in std::fs::read_dir(fixtures_dir().join("results"))
        .expect("results dir")
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(
            !holds_secret(&text, &secrets),
            "a secret (or a session-id shape) appears in {}",
            entry.path().display()
        );
        assert!(
            !text.contains("FAKESESSION"),
            "a session id in {}",
            entry.path().display()
        );
    }
}
