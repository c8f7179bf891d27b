//! One test per scenario of tests/scenarios/*.json: the real `sfrpc` binary against the real
//! emulator over TLS (see `sfrpc_e2e::scenario` for the format and the invariants every run is
//! checked for). Needs `cargo build -p sfrpc-host` first.

use sfrpc_e2e::scenario;

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        /// Every scenario name with a test below.
        const NAMES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Err(failures) = scenario::run(stringify!($name)).await {
                    panic!("{failures}");
                }
            }
        )*
    };
}

scenarios! {
    change_ok,
    change_expired_password,
    change_privileged,
    change_oauth_password,
    change_declared_policy_refuses,
    change_salesforce_rejects,
    change_token_would_be_reset,
    change_security_token_reset,
    change_egress_denied_my_domain,
    pending_password_in_effect,
    pending_password_wrong_current_works,
    diagnose_integration_user,
    fault_login_redirect_not_followed,
    fault_login_oversized,
    fault_login_malformed,
    fault_login_503,
    fault_login_reset,
    fault_change_reset_before,
    fault_change_reset_after,
    fault_change_reset_after_then_salesforce_unavailable,
    fault_change_reset_before_then_salesforce_unavailable,
    fault_change_http_500_html,
    fault_change_malformed,
    fault_set_password_reset_after,
    fault_login_timeout,
    fault_logout_reset_never_changes_outcome,
    heartbeat_ok,
    heartbeat_wrong_password,
    heartbeat_api_disabled_on_profile,
    heartbeat_api_disabled_by_patch,
    heartbeat_untrusted_ip_without_token,
    heartbeat_untrusted_ip_refused_before_login,
    heartbeat_with_security_token,
    heartbeat_locked_out,
    heartbeat_restricted_domain,
    heartbeat_expired_password,
    heartbeat_sandbox,
    heartbeat_sandbox_user_on_login_host,
    heartbeat_my_domain_url_refused,
    heartbeat_oauth_password,
    heartbeat_oauth_expired_password,
    heartbeat_oauth_wrong_password,
    heartbeat_soap_login_disabled,
    heartbeat_soap_login_disabled_oauth_works,
}

#[test]
fn every_scenario_has_a_test_and_names_are_unique() {
    let all = scenario::all();
    let mut seen = std::collections::BTreeSet::new();
    for sc in &all {
        let name = sc["name"].as_str().expect("every scenario has a name");
        assert!(
            seen.insert(name.to_owned()),
            "duplicate scenario name {name}"
        );
        assert!(
            NAMES.contains(&name),
            "scenario {name} has no test in tests/tests/e2e_scenarios.rs"
        );
        let expect = sc["expect"]
            .as_object()
            .expect("every scenario has expectations");
        assert!(!expect.is_empty(), "scenario {name} expects nothing");
    }
    assert_eq!(
        seen.len(),
        NAMES.len(),
        "a test names a scenario that does not exist"
    );
}
