//! Session checks every API call makes: validity, API access, the request limit.

use super::{Realm, World};

/// Why an API call was refused before it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiRefusal {
    /// No session, an unknown, logged-out or timed-out one, or one of another org.
    InvalidSession,
    /// The org has no API access.
    ApiDisabledForOrg,
    /// The user has no API access.
    ApiCurrentlyDisabled,
    /// The org's 24-hour API request limit is used up.
    RequestLimit,
    /// The session was opened with an expired password.
    ExpiredPassword,
}

const DAY_MS: u64 = 86_400_000;

/// A session that passed the checks.
#[derive(Debug, Clone, Copy)]
pub struct ApiCaller {
    /// Index of the calling user.
    pub user: usize,
    /// Opened with an expired password.
    pub restricted: bool,
}

impl World {
    /// Checks the session of an API call on `realm`. `restricted_ok` lets an expired-password
    /// session through (the caller then allows only setPassword on the user itself).
    pub fn api_session(
        &mut self,
        realm: Realm,
        session_id: Option<&str>,
        restricted_ok: bool,
    ) -> Result<ApiCaller, ApiRefusal> {
        let now = self.now_ms();
        let sid = session_id.map(str::trim).unwrap_or_default();
        let Some(session) = self.sessions.get(sid) else {
            return Err(ApiRefusal::InvalidSession);
        };
        let user = session.user;
        let org = self.users[user].org;
        let valid_ms = self.orgs[org].file.session_seconds_valid * 1000;
        if now.saturating_sub(session.last_used_ms) > valid_ms {
            self.sessions.remove(sid);
            return Err(ApiRefusal::InvalidSession);
        }
        let restricted = session.restricted;
        let right_host = match realm {
            Realm::MyDomain(o) => o == org,
            other => self.realm_serves(other, org),
        };
        if !right_host || !self.users[user].is_active {
            return Err(ApiRefusal::InvalidSession);
        }
        if !self.orgs[org].file.api_enabled {
            return Err(ApiRefusal::ApiDisabledForOrg);
        }
        if !self.api_enabled_for_user(user) {
            return Err(ApiRefusal::ApiCurrentlyDisabled);
        }
        let o = &mut self.orgs[org];
        if now.saturating_sub(o.request_window_start_ms) >= DAY_MS {
            o.request_window_start_ms = now;
            o.requests = 0;
        }
        if o.requests >= o.file.request_limit_per_day {
            return Err(ApiRefusal::RequestLimit);
        }
        o.requests += 1;
        if let Some(s) = self.sessions.get_mut(sid) {
            s.last_used_ms = now;
        }
        if restricted && !restricted_ok {
            return Err(ApiRefusal::ExpiredPassword);
        }
        Ok(ApiCaller { user, restricted })
    }

    /// Ends a session (allowed on an expired-password session too).
    pub fn logout(&mut self, realm: Realm, session_id: Option<&str>) -> Result<(), ApiRefusal> {
        self.api_session(realm, session_id, true)?;
        self.sessions
            .remove(session_id.map(str::trim).unwrap_or_default());
        Ok(())
    }

    /// Live (not timed-out) sessions of a user.
    pub fn active_sessions(&self, user: usize) -> usize {
        let now = self.now_ms();
        let valid_ms = self.orgs[self.users[user].org].file.session_seconds_valid * 1000;
        self.sessions
            .values()
            .filter(|s| s.user == user && now.saturating_sub(s.last_used_ms) <= valid_ms)
            .count()
    }
}
