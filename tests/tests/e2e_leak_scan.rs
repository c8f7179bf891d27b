//! The secret scan every end-to-end run goes through: it knows every fixture secret and it
//! catches a leak without printing it.

use sfrpc_e2e::secrets::{assert_no_leak, find_leak, fixture_secrets, request_secrets};
#[test]
fn the_scan_list_holds_every_kind_of_fixture_secret() {
    let all = fixture_secrets();
    let root = sfrpc_e2e::repo_root();
    let listed = std::fs::read_to_string(root.join("fixtures/SECRETS.txt")).unwrap_or_default();
    for line in listed
        .lines()
        .map(str::trim)
        .filter(|l| l.len() >= 6 && !l.starts_with('#'))
    {
        assert!(
            all.iter().any(|s| s == line),
            "a SECRETS.txt line is missing from the scan list"
        );
    }
    // An org fixture's password and token, and a connected app's secret.
    assert!(all.iter().any(|s| s == "E2eIntegrationPass01"));
    assert!(all.iter().any(|s| s == "E2ETOKENINTEGRATION00001"));
    assert!(all.iter().any(|s| s == "E2EclientSecretValue0001"));
}

#[test]
fn a_leak_is_found_and_named_by_index_only() {
    let secrets = vec!["alpha-secret-1".to_owned(), "beta-secret-2".to_owned()];
    assert_eq!(find_leak("nothing here", &secrets), None);
    assert_eq!(find_leak("x beta-secret-2 y", &secrets), Some(1));
    let caught = std::panic::catch_unwind(|| {
        assert_no_leak("t", "ok", "E2eIntegrationPass01 leaked", &[]);
    });
    let message = caught.expect_err("a leak panics");
    let text = message
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(text.contains("stderr") && !text.contains("E2eIntegrationPass01"));
}

#[test]
fn request_secrets_cover_both_secret_forms() {
    let req = serde_json::json!({
        "secret": {"items": [{"slug": "Password", "itemValue": "item-password-1"},
                             {"slug": "security-token", "itemValue": "item-token-1"}]},
        "privileged_secret": {"password": "flat-password-1", "client_secret": "flat-client-1"},
        "new_password": "new-password-1", "pending_password": "pending-password-1"
    });
    let mut got = request_secrets(&req);
    got.sort();
    assert_eq!(
        got,
        [
            "flat-client-1",
            "flat-password-1",
            "item-password-1",
            "item-token-1",
            "new-password-1",
            "pending-password-1"
        ]
    );
}

#[test]
fn session_ids_are_caught_by_their_shape() {
    use sfrpc_e2e::secrets::has_session_id;
    let sid = format!("00D5g00000E2EPR!AQ{}", "x1Y2z3".repeat(10));
    assert!(has_session_id(&format!("session {sid} here")));
    assert!(has_session_id(&sid));
    assert!(!has_session_id("org 00D5g00000E2EPR! and more"));
    assert!(!has_session_id("00D5g00000E2EPR is an org id"));
    assert!(!has_session_id(
        "Wow!AQ this is just prose with an exclamation"
    ));
    let caught = std::panic::catch_unwind(|| assert_no_leak("t", &sid, "", &[]));
    let message = caught.expect_err("a session id panics");
    let text = message
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        text.contains("a session id appears on stdout"),
        "names the stream"
    );
    assert!(!text.contains("!AQ"), "the panic names no session id");
}
