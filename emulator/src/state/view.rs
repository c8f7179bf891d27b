//! What the control API shows and changes: counters and flags, never a password.

use serde_json::{json, Value};

use super::World;
use crate::ids;
use crate::ip::IpRanges;

/// A `PATCH /__emulator/users/{username}` body.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// Expire (or un-expire) the password.
    pub password_expired: Option<bool>,
    /// Lock (until unlocked) or unlock the user.
    pub locked_out: Option<bool>,
    /// Override API Enabled for this user.
    pub api_enabled: Option<bool>,
    /// Override the profile's login IP ranges for this user.
    pub login_ip_ranges: Option<IpRanges>,
    /// Activate or deactivate the user.
    pub is_active: Option<bool>,
}

/// A `PATCH /__emulator/orgs/{name}` body (org-wide settings).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgPatch {
    /// API access for the org.
    pub api_enabled: Option<bool>,
    /// "Enable SOAP API login()".
    pub soap_login_enabled: Option<bool>,
    /// "Allow OAuth Username-Password Flows".
    pub oauth_username_password_enabled: Option<bool>,
    /// "Allow use of setPassword() API for self-resets".
    pub allow_set_password_self: Option<bool>,
    /// Network Access trusted IP ranges.
    pub trusted_ip_ranges: Option<IpRanges>,
    /// The org's client IP.
    pub client_ip: Option<std::net::IpAddr>,
    /// What a locked-out login answers.
    pub lockout_fault: Option<crate::org::LockoutFault>,
}

impl World {
    /// The control API's view of one user.
    pub fn user_view(&self, user: usize) -> Value {
        let u = &self.users[user];
        let org = &self.orgs[u.org];
        json!({
            "username": u.username,
            "id": u.id,
            "org": org.file.name_with_sandbox(),
            "org_id": ids::to18(&org.file.org_id),
            "profile": org.file.profiles[u.profile].name,
            "is_active": u.is_active,
            "login_attempts": u.login_attempts,
            "failed_logins": u.failed_logins,
            "locked_out": self.locked_out(user),
            "password_expired": self.password_expired(user),
            "password_changes": u.password_changes,
            "active_sessions": self.active_sessions(user),
            "last_login_ip": u.last_login_ip.map(|ip| ip.to_string()),
            "client_ip": self.client_ip_for(user).to_string(),
            "api_enabled": self.api_enabled_for_user(user),
            "last_password_change": ids::iso_utc(u.password_changed_ms, false),
        })
    }

    /// The whole state, without passwords or tokens.
    pub fn state_view(&self) -> Value {
        let orgs: Vec<Value> = self
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let users: Vec<Value> = (0..self.users.len())
                    .filter(|&u| self.users[u].org == i)
                    .map(|u| self.user_view(u))
                    .collect();
                json!({
                    "name": o.file.name_with_sandbox(),
                    "org_id": ids::to18(&o.file.org_id),
                    "host": o.host,
                    "sandbox": o.file.sandbox.is_some(),
                    "api_enabled": o.file.api_enabled,
                    "soap_login_enabled": o.file.soap_login_enabled,
                    "oauth_username_password_enabled": o.file.oauth_username_password_enabled,
                    "allow_set_password_self": o.file.allow_set_password_self,
                    "trusted_ip_ranges": o.file.trusted_ip_ranges,
                    "client_ip": o.file.client_ip.map(|ip| ip.to_string()),
                    "lockout_fault": o.file.lockout_fault,
                    "api_requests": o.requests,
                    "request_limit_per_day": o.file.request_limit_per_day,
                    "users": users,
                })
            })
            .collect();
        json!({
            "now": ids::iso_utc(self.now_ms(), false),
            "clock_advanced_seconds": self.clock.advanced_seconds(),
            "client_ip": self.client_ip_override.map(|ip| ip.to_string()),
            "orgs": orgs,
            "faults": self.faults.view(),
            "outbox_size": self.outbox.len(),
        })
    }

    /// Applies a user patch.
    pub fn patch_user(&mut self, user: usize, patch: UserPatch) {
        let u = &mut self.users[user];
        if let Some(expired) = patch.password_expired {
            u.expired_flag = expired;
            if !expired {
                // Un-expiring also restarts the age-based expiry.
                u.password_changed_ms = self.clock.now_ms();
            }
        }
        if let Some(locked) = patch.locked_out {
            u.locked_manually = locked;
            if !locked {
                u.locked_until_ms = None;
                u.failed_streak = 0;
            }
        }
        if patch.api_enabled.is_some() {
            u.api_override = patch.api_enabled;
        }
        if patch.login_ip_ranges.is_some() {
            u.login_ranges_override = patch.login_ip_ranges;
        }
        if let Some(active) = patch.is_active {
            u.is_active = active;
        }
    }

    /// Applies an org patch.
    pub fn patch_org(&mut self, org: usize, patch: OrgPatch) {
        let f = &mut self.orgs[org].file;
        if let Some(v) = patch.api_enabled {
            f.api_enabled = v;
        }
        if let Some(v) = patch.soap_login_enabled {
            f.soap_login_enabled = v;
        }
        if let Some(v) = patch.oauth_username_password_enabled {
            f.oauth_username_password_enabled = v;
        }
        if let Some(v) = patch.allow_set_password_self {
            f.allow_set_password_self = v;
        }
        if let Some(v) = patch.trusted_ip_ranges {
            f.trusted_ip_ranges = v;
        }
        if patch.client_ip.is_some() {
            f.client_ip = patch.client_ip;
        }
        if let Some(v) = patch.lockout_fault {
            f.lockout_fault = v;
        }
    }

    /// An org by name (`acme`, or `acme--uat` for a sandbox).
    pub fn org_by_name(&self, name: &str) -> Option<usize> {
        self.orgs
            .iter()
            .position(|o| o.file.name_with_sandbox().eq_ignore_ascii_case(name))
    }
}
