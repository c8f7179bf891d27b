//! login(): the checks Salesforce makes, in the order it makes them (fixtures/orgs/README.md).

use super::{Realm, Session, World};
use crate::ids;
use crate::org::LockoutFault;

/// How the user is logging in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginChannel {
    /// SOAP `login()`.
    Soap,
    /// OAuth 2.0 username-password grant.
    OAuthPassword,
}

/// Why a login was refused (mapped to a SOAP fault or an OAuth error by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Unknown user, wrong password or token, inactive user, wrong login host.
    InvalidLogin,
    /// Right password, no token, from outside the trusted IP ranges.
    MustUseToken,
    /// The user is locked out.
    Lockout,
    /// Outside the profile's login IP ranges.
    RestrictedDomain,
    /// The org has no API access.
    ApiDisabledForOrg,
    /// The user's profile lacks API Enabled.
    ApiCurrentlyDisabled,
    /// Too many logins in the last hour.
    RateExceeded,
    /// SOAP login() is switched off in the org.
    SoapLoginDisabled,
    /// The org blocks the OAuth username-password flow.
    OAuthFlowDisabled,
}

/// A successful login.
#[derive(Debug)]
pub struct LoginSuccess {
    /// The new session id.
    pub session_id: String,
    /// Index of the user.
    pub user: usize,
    /// The password has expired: the session may only call setPassword on itself.
    pub password_expired: bool,
}

const HOUR_MS: u64 = 3_600_000;

impl World {
    /// Authenticates `username` with `password` (the password, or password + security token).
    /// `scope_org` is the LoginScopeHeader organizationId, when sent.
    pub fn login(
        &mut self,
        realm: Realm,
        channel: LoginChannel,
        username: &str,
        password: &str,
        scope_org: Option<&str>,
    ) -> Result<LoginSuccess, LoginRefusal> {
        let Some(user) = self.user_by_name(username) else {
            return Err(LoginRefusal::InvalidLogin);
        };
        let org = self.users[user].org;
        // A wrong login host never reaches the org: it knows nothing of the attempt.
        if !self.realm_serves(realm, org) {
            return Err(LoginRefusal::InvalidLogin);
        }
        let result = self.login_checks(user, channel, password, scope_org);
        let now = self.now_ms();
        let u = &mut self.users[user];
        u.login_attempts += 1;
        if result.is_err() {
            u.failed_logins += 1;
        }
        let password_expired = self.password_expired(user);
        result.map(|()| {
            let session_id = ids::new_session_id(&self.orgs[org].file.org_id);
            self.sessions.insert(
                session_id.clone(),
                Session {
                    user,
                    last_used_ms: now,
                    restricted: password_expired,
                },
            );
            LoginSuccess {
                session_id,
                user,
                password_expired,
            }
        })
    }

    fn login_checks(
        &mut self,
        user: usize,
        channel: LoginChannel,
        password: &str,
        scope_org: Option<&str>,
    ) -> Result<(), LoginRefusal> {
        let now = self.now_ms();
        let org = self.users[user].org;
        let file = &self.orgs[org].file;
        let (rate, policy) = (file.login_rate_per_hour, file.password_policy.clone());
        let recent = &mut self.users[user].recent_logins;
        while recent
            .front()
            .is_some_and(|&t| now.saturating_sub(t) >= HOUR_MS)
        {
            recent.pop_front();
        }
        if recent.len() >= rate as usize {
            return Err(LoginRefusal::RateExceeded);
        }
        recent.push_back(now);
        let file = &self.orgs[org].file;
        if scope_org.is_some_and(|s| !ids::same_id(s.trim(), &file.org_id)) {
            return Err(LoginRefusal::InvalidLogin);
        }
        match channel {
            LoginChannel::Soap if !file.soap_login_enabled => {
                return Err(LoginRefusal::SoapLoginDisabled)
            }
            LoginChannel::OAuthPassword if !file.oauth_username_password_enabled => {
                return Err(LoginRefusal::OAuthFlowDisabled)
            }
            _ => {}
        }
        if !file.api_enabled {
            return Err(LoginRefusal::ApiDisabledForOrg);
        }
        self.expire_lockout(user);
        if self.locked_out(user) {
            return Err(match self.orgs[org].file.lockout_fault {
                LockoutFault::PasswordLockout => LoginRefusal::Lockout,
                LockoutFault::InvalidLogin => LoginRefusal::InvalidLogin,
            });
        }
        if !self.users[user].is_active {
            return Err(LoginRefusal::InvalidLogin);
        }
        let ip = self.client_ip_for(user);
        let trusted = self.orgs[org].file.trusted_ip_ranges.contains(ip);
        let token = self.users[user].token.0.clone();
        let with_token = !token.is_empty()
            && password
                .strip_suffix(token.as_str())
                .is_some_and(|p| self.check_password(user, p));
        let plain = self.check_password(user, password);
        if !(with_token || (plain && trusted)) {
            let u = &mut self.users[user];
            u.failed_streak += 1;
            if policy.max_failed_logins > 0 && u.failed_streak >= policy.max_failed_logins {
                if policy.lockout_minutes == 0 {
                    u.locked_manually = true;
                } else {
                    u.locked_until_ms = Some(now + policy.lockout_minutes * 60_000);
                }
            }
            return Err(if plain {
                LoginRefusal::MustUseToken
            } else {
                LoginRefusal::InvalidLogin
            });
        }
        let ranges = self.login_ranges(user);
        if !ranges.is_empty() && !ranges.contains(ip) {
            return Err(LoginRefusal::RestrictedDomain);
        }
        if !self.api_enabled_for_user(user) {
            return Err(LoginRefusal::ApiCurrentlyDisabled);
        }
        let u = &mut self.users[user];
        u.failed_streak = 0;
        u.locked_until_ms = None;
        u.last_login_ip = Some(ip);
        Ok(())
    }
}
