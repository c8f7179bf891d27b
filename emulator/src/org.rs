//! The org file schema (`fixtures/orgs/*.json`, documented in `fixtures/orgs/README.md`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::EmulatorError;
use crate::ip::IpRanges;
use crate::policy::PasswordPolicy;

/// One emulated org, as read from an org file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFile {
    /// My Domain name: `<name>.my.salesforce.com` (production) or the part before `--`.
    pub name: String,
    /// Sandbox name: the org is then `<name>--<sandbox>.sandbox.my.salesforce.com`.
    #[serde(default)]
    pub sandbox: Option<String>,
    /// Org id, 15 or 18 characters, starting `00D`.
    pub org_id: String,
    /// `organizationName` in userInfo.
    pub organization_name: String,
    /// Org-wide API access (off: API_DISABLED_FOR_ORG).
    #[serde(default = "yes")]
    pub api_enabled: bool,
    /// "Enable SOAP API login()" (off: INVALID_OPERATION on login()).
    #[serde(default = "yes")]
    pub soap_login_enabled: bool,
    /// "Allow OAuth Username-Password Flows".
    #[serde(default = "yes")]
    pub oauth_username_password_enabled: bool,
    /// "Allow use of setPassword() API for self-resets".
    #[serde(default)]
    pub allow_set_password_self: bool,
    /// The IP Salesforce sees for this org's users unless a user or the control API says otherwise.
    #[serde(default)]
    pub client_ip: Option<std::net::IpAddr>,
    /// Network Access trusted IP ranges (inside: no security token needed).
    #[serde(default)]
    pub trusted_ip_ranges: IpRanges,
    /// Password policies.
    #[serde(default)]
    pub password_policy: PasswordPolicy,
    /// Session timeout (`sessionSecondsValid`), from the last use of the session.
    #[serde(default = "default_session_seconds")]
    pub session_seconds_valid: u64,
    /// Logins per user per hour before LOGIN_RATE_EXCEEDED.
    #[serde(default = "default_login_rate")]
    pub login_rate_per_hour: u32,
    /// API requests per 24 hours before REQUEST_LIMIT_EXCEEDED.
    #[serde(default = "default_request_limit")]
    pub request_limit_per_day: u32,
    /// The fault a locked-out user's login gets: PASSWORD_LOCKOUT, or INVALID_LOGIN ("…or user
    /// locked out.") as many real orgs answer.
    #[serde(default)]
    pub lockout_fault: LockoutFault,
    /// Connected apps usable with the OAuth password grant.
    #[serde(default)]
    pub connected_apps: Vec<ConnectedApp>,
    /// Profiles.
    pub profiles: Vec<Profile>,
    /// Permission sets (not owned by a profile) that users may be assigned.
    #[serde(default)]
    pub permission_sets: Vec<PermissionSet>,
    /// Users.
    pub users: Vec<User>,
    /// Where the file was read from (for `POST /__emulator/reset`).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// What login() answers for a locked-out user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LockoutFault {
    /// PASSWORD_LOCKOUT (the WSDL's code for it).
    #[default]
    PasswordLockout,
    /// INVALID_LOGIN "Invalid username, password, security token; or user locked out."
    InvalidLogin,
}

/// A connected app (consumer key and secret).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectedApp {
    /// Display name.
    pub name: String,
    /// Consumer key (`client_id`).
    pub client_id: String,
    /// Consumer secret (`client_secret`).
    pub client_secret: String,
}

/// A profile and the permissions the emulator models.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Profile id (`00e…`).
    pub id: String,
    /// Profile name (`Profile.Name`).
    pub name: String,
    /// PermissionsApiEnabled (off: API_CURRENTLY_DISABLED).
    #[serde(default = "yes")]
    pub api_enabled: bool,
    /// PermissionsApiUserOnly.
    #[serde(default)]
    pub api_user_only: bool,
    /// PermissionsPasswordNeverExpires.
    #[serde(default)]
    pub password_never_expires: bool,
    /// PermissionsManageUsers: setPassword/resetPassword on others, query every User.
    #[serde(default)]
    pub manage_users: bool,
    /// Login IP Ranges (non-empty: a hard block outside them).
    #[serde(default)]
    pub login_ip_ranges: IpRanges,
}

/// A permission set that adds permissions to the users it is assigned to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionSet {
    /// Permission set id (`0PS…`).
    pub id: String,
    /// API name (`PermissionSet.Name`).
    pub name: String,
    /// PermissionsApiEnabled.
    #[serde(default)]
    pub api_enabled: bool,
    /// PermissionsApiUserOnly.
    #[serde(default)]
    pub api_user_only: bool,
    /// PermissionsPasswordNeverExpires.
    #[serde(default)]
    pub password_never_expires: bool,
    /// PermissionsManageUsers.
    #[serde(default)]
    pub manage_users: bool,
}

/// A user and its credentials.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// User id (`005…`, 15 or 18 characters).
    pub id: String,
    /// Username (unique across all org files, compared case-insensitively).
    pub username: String,
    /// The current password.
    pub password: String,
    /// The current security token.
    pub security_token: String,
    /// The profile's name.
    pub profile: String,
    /// Names of assigned permission sets.
    #[serde(default)]
    pub permission_sets: Vec<String>,
    /// Full name (`userFullName`).
    #[serde(default)]
    pub full_name: Option<String>,
    /// E-mail (`userEmail`).
    #[serde(default)]
    pub email: Option<String>,
    /// IsActive.
    #[serde(default = "yes")]
    pub is_active: bool,
    /// The password has expired (login answers passwordExpired=true).
    #[serde(default)]
    pub password_expired: bool,
    /// The user is locked out (until an admin unlocks or resets the password).
    #[serde(default)]
    pub locked_out: bool,
    /// Days since the password was last changed (LastPasswordChangeDate, expiry).
    #[serde(default)]
    pub password_age_days: u32,
    /// The IP Salesforce sees for this user's logins (the machine it logs in from).
    #[serde(default)]
    pub client_ip: Option<std::net::IpAddr>,
    /// Previous passwords (most recent first), checked by the history rule.
    #[serde(default)]
    pub previous_passwords: Vec<String>,
}

fn yes() -> bool {
    true
}
fn default_session_seconds() -> u64 {
    7200
}
fn default_login_rate() -> u32 {
    3600
}
fn default_request_limit() -> u32 {
    15000
}

impl OrgFile {
    /// Reads and validates an org file.
    pub fn from_path(p: &Path) -> Result<OrgFile, EmulatorError> {
        let text = std::fs::read_to_string(p).map_err(|e| EmulatorError::ReadOrg {
            path: p.to_path_buf(),
            reason: e.to_string(),
        })?;
        let mut org = OrgFile::from_json(&text)
            .map_err(|e| EmulatorError::InvalidOrg(format!("{}: {e}", p.display())))?;
        org.source = Some(p.to_path_buf());
        Ok(org)
    }

    /// Parses and validates an org from JSON text.
    pub fn from_json(s: &str) -> Result<OrgFile, EmulatorError> {
        let org: OrgFile = serde_json::from_str(s)
            .map_err(|e| EmulatorError::InvalidOrg(crate::error::json_error(&e)))?;
        org.validate()?;
        Ok(org)
    }

    /// The org's My Domain host name.
    pub fn my_domain_host(&self) -> String {
        match &self.sandbox {
            Some(sb) => format!("{}--{}.sandbox.my.salesforce.com", self.name, sb),
            None => format!("{}.my.salesforce.com", self.name),
        }
        .to_ascii_lowercase()
    }

    fn validate(&self) -> Result<(), EmulatorError> {
        let bad = |m: String| Err(EmulatorError::InvalidOrg(m));
        let label_ok = |s: &str| {
            !s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !s.contains("--")
        };
        if !label_ok(&self.name) {
            return bad(format!("org name {:?} is not a My Domain label", self.name));
        }
        if let Some(sb) = &self.sandbox {
            if !label_ok(sb) {
                return bad(format!("sandbox name {sb:?} is not a label"));
            }
        }
        if !crate::ids::valid_id(&self.org_id, "00D") {
            return bad(format!(
                "org_id {:?} is not a 15/18-character 00D id",
                self.org_id
            ));
        }
        for p in &self.profiles {
            if !crate::ids::valid_id(&p.id, "00e") {
                return bad(format!("profile id {:?} is not a 00e id", p.id));
            }
        }
        for ps in &self.permission_sets {
            if !crate::ids::valid_id(&ps.id, "0PS") {
                return bad(format!("permission set id {:?} is not a 0PS id", ps.id));
            }
        }
        for u in &self.users {
            if !crate::ids::valid_id(&u.id, "005") {
                return bad(format!(
                    "user id {:?} of {} is not a 005 id",
                    u.id, u.username
                ));
            }
            if !self.profiles.iter().any(|p| p.name == u.profile) {
                return bad(format!(
                    "user {} has unknown profile {:?}",
                    u.username, u.profile
                ));
            }
            for name in &u.permission_sets {
                if !self.permission_sets.iter().any(|ps| &ps.name == name) {
                    return bad(format!(
                        "user {} has unknown permission set {name:?}",
                        u.username
                    ));
                }
            }
        }
        Ok(())
    }
}

impl OrgFile {
    /// `acme` for production, `acme--uat` for a sandbox.
    pub fn name_with_sandbox(&self) -> String {
        match &self.sandbox {
            Some(sb) => format!("{}--{}", self.name, sb),
            None => self.name.clone(),
        }
    }
}
