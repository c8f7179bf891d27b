//! The emulated Salesforce: orgs, users, sessions, the token outbox and the clock.
//!
//! Everything here is synchronous and free of I/O; the server locks one `World` per request.

mod auth;
mod load;
mod password;
mod session;
mod view;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::IpAddr;

use sha2::{Digest, Sha256};

pub use auth::{LoginChannel, LoginRefusal};
pub use password::PasswordError;
pub use session::{ApiCaller, ApiRefusal};
pub use view::{OrgPatch, UserPatch};

use crate::clock::Clock;
use crate::faults::FaultPlan;
use crate::ids;
use crate::ip::IpRanges;
use crate::org::OrgFile;

/// Which login host (or My Domain) a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realm {
    /// login.salesforce.com: production orgs.
    Login,
    /// test.salesforce.com: sandboxes.
    Test,
    /// `<org>.my.salesforce.com` or `<org>--<sb>.sandbox.my.salesforce.com`.
    MyDomain(usize),
}

/// A string that never prints (security tokens).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// A password as stored: a salted digest, never the text.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordDigest([u8; 32]);

impl PasswordDigest {
    fn of(user_id: &str, password: &str) -> PasswordDigest {
        let mut h = Sha256::new();
        h.update(ids::to15(user_id).as_bytes());
        h.update([0u8]);
        h.update(password.as_bytes());
        PasswordDigest(h.finalize().into())
    }
}

impl fmt::Debug for PasswordDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// An org and its running counters.
#[derive(Debug)]
pub struct OrgState {
    /// The org file's settings (users are kept in `World::users`).
    pub file: OrgFile,
    /// The My Domain host name.
    pub host: String,
    /// API requests in the current 24-hour window.
    pub requests: u32,
    /// Start of the current request-limit window.
    pub request_window_start_ms: u64,
}

/// A user and everything Salesforce would track about it.
#[derive(Debug)]
pub struct UserState {
    /// Index into `World::orgs`.
    pub org: usize,
    /// 18-character user id.
    pub id: String,
    /// Username as written in the org file.
    pub username: String,
    /// Display name.
    pub full_name: String,
    /// E-mail address.
    pub email: String,
    /// Current password.
    pub password: PasswordDigest,
    /// Earlier passwords, most recent first.
    pub previous: Vec<PasswordDigest>,
    /// Current security token.
    pub token: Secret,
    /// Index into the org file's profiles.
    pub profile: usize,
    /// Indexes into the org file's permission sets.
    pub permission_sets: Vec<usize>,
    /// IsActive.
    pub is_active: bool,
    /// Expired by an admin (or a reset); age-based expiry is computed.
    pub expired_flag: bool,
    /// Locked by an admin (or by the control API) until unlocked.
    pub locked_manually: bool,
    /// Locked by failed logins until this time (emulated ms).
    pub locked_until_ms: Option<u64>,
    /// Consecutive failed logins since the last success.
    pub failed_streak: u32,
    /// LastPasswordChangeDate (emulated ms).
    pub password_changed_ms: u64,
    /// The IP this user logs in from, if not the org's.
    pub client_ip: Option<IpAddr>,
    /// Control-API override of the API Enabled permission.
    pub api_override: Option<bool>,
    /// Control-API override of the profile's login IP ranges.
    pub login_ranges_override: Option<IpRanges>,
    /// Login requests that reached the org (SOAP login() and OAuth password grants).
    pub login_attempts: u64,
    /// Those of them that were refused.
    pub failed_logins: u64,
    /// Successful password changes (any call).
    pub password_changes: u64,
    /// The client IP of the last successful login.
    pub last_login_ip: Option<IpAddr>,
    /// Times of login requests in the last hour (rate limit).
    pub recent_logins: VecDeque<u64>,
}

/// An API session (SOAP sessionId or OAuth access token).
#[derive(Debug)]
pub struct Session {
    /// Index into `World::users`.
    pub user: usize,
    /// Last use (emulated ms); the session dies `sessionSecondsValid` after it.
    pub last_used_ms: u64,
    /// Opened with an expired password: only setPassword on itself is allowed.
    pub restricted: bool,
}

/// One "e-mail" the emulator sent: a new security token.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxEntry {
    /// Recipient username.
    pub username: String,
    /// Always `security_token`.
    pub kind: &'static str,
    /// The new token.
    pub token: String,
    /// Sequence number, increasing from 1.
    pub seq: u64,
}

/// The whole emulated Salesforce.
#[derive(Debug)]
pub struct World {
    /// Orgs, in the order of the org files.
    pub orgs: Vec<OrgState>,
    /// Users of every org.
    pub users: Vec<UserState>,
    /// Live sessions by id.
    pub sessions: HashMap<String, Session>,
    /// Tokens "e-mailed" to users.
    pub outbox: Vec<OutboxEntry>,
    /// Injected faults.
    pub faults: FaultPlan,
    /// The emulated clock.
    pub clock: Clock,
    /// The IP every request appears to come from (CLI or control API), when set.
    pub client_ip_override: Option<IpAddr>,
    initial_client_ip: Option<IpAddr>,
    files: Vec<OrgFile>,
}

impl World {
    /// Builds the world from org files; fails on clashing ids, hosts or usernames.
    pub fn new(
        files: Vec<OrgFile>,
        client_ip: Option<IpAddr>,
    ) -> Result<World, crate::EmulatorError> {
        let mut world = World {
            orgs: Vec::new(),
            users: Vec::new(),
            sessions: HashMap::new(),
            outbox: Vec::new(),
            faults: FaultPlan::default(),
            clock: Clock::new(),
            client_ip_override: client_ip,
            initial_client_ip: client_ip,
            files: files.clone(),
        };
        world.load(files)?;
        Ok(world)
    }

    /// The emulated now, in ms.
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// A user by username (case-insensitive).
    pub fn user_by_name(&self, username: &str) -> Option<usize> {
        self.users
            .iter()
            .position(|u| u.username.eq_ignore_ascii_case(username.trim()))
    }

    /// A user of `org` by id (15 or 18 characters).
    pub fn user_by_id(&self, org: usize, id: &str) -> Option<usize> {
        self.users
            .iter()
            .position(|u| u.org == org && ids::same_id(&u.id, id))
    }

    /// Which realm a host name belongs to (None: not a Salesforce host the emulator serves).
    pub fn realm_of(&self, host: &str) -> Option<Realm> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        match host.as_str() {
            // localhost stands for login.salesforce.com, so a client can be pointed at the
            // emulator with a loginUrl (`https://localhost:PORT`) and no resolver override.
            "login.salesforce.com" | "localhost" => Some(Realm::Login),
            "test.salesforce.com" => Some(Realm::Test),
            h => self
                .orgs
                .iter()
                .position(|o| o.host == h)
                .map(Realm::MyDomain),
        }
    }

    /// Whether the realm's host may authenticate users of `org`.
    pub fn realm_serves(&self, realm: Realm, org: usize) -> bool {
        let sandbox = self.orgs[org].file.sandbox.is_some();
        match realm {
            Realm::Login => !sandbox,
            Realm::Test => sandbox,
            Realm::MyDomain(o) => o == org,
        }
    }

    /// The IP Salesforce sees for this user's requests.
    pub fn client_ip_for(&self, user: usize) -> IpAddr {
        let u = &self.users[user];
        self.client_ip_override
            .or(u.client_ip)
            .or(self.orgs[u.org].file.client_ip)
            .unwrap_or(IpAddr::from([127, 0, 0, 1]))
    }

    /// Whether the user's password is expired now (flag, or age past the policy).
    pub fn password_expired(&self, user: usize) -> bool {
        let u = &self.users[user];
        if u.expired_flag {
            return true;
        }
        let org = &self.orgs[u.org].file;
        let never = self.perm(
            user,
            |p| p.password_never_expires,
            |s| s.password_never_expires,
        );
        match org.password_policy.expires_days {
            Some(days) if !never => {
                self.now_ms().saturating_sub(u.password_changed_ms) >= days * 86_400_000
            }
            _ => false,
        }
    }

    /// Whether the user is locked out now.
    pub fn locked_out(&self, user: usize) -> bool {
        let u = &self.users[user];
        u.locked_manually || u.locked_until_ms.is_some_and(|t| self.now_ms() < t)
    }

    /// Forgets a lockout whose interval has lapsed, and the failures that caused it: after
    /// `lockout_minutes` the user starts again with a clean failure streak.
    pub fn expire_lockout(&mut self, user: usize) {
        let now = self.now_ms();
        let u = &mut self.users[user];
        if u.locked_until_ms.is_some_and(|t| now >= t) {
            u.locked_until_ms = None;
            u.failed_streak = 0;
        }
    }

    /// A permission from the profile or any assigned permission set.
    pub fn perm(
        &self,
        user: usize,
        profile: impl Fn(&crate::org::Profile) -> bool,
        set: impl Fn(&crate::org::PermissionSet) -> bool,
    ) -> bool {
        let u = &self.users[user];
        let file = &self.orgs[u.org].file;
        profile(&file.profiles[u.profile])
            || u.permission_sets
                .iter()
                .any(|&i| set(&file.permission_sets[i]))
    }

    /// API Enabled for this user (profile, permission sets, control-API override).
    pub fn api_enabled_for_user(&self, user: usize) -> bool {
        self.users[user]
            .api_override
            .unwrap_or_else(|| self.perm(user, |p| p.api_enabled, |s| s.api_enabled))
    }

    /// Manage Users for this user.
    pub fn manage_users(&self, user: usize) -> bool {
        self.perm(user, |p| p.manage_users, |s| s.manage_users)
    }

    /// The login IP ranges that apply to this user (profile, or control-API override).
    pub fn login_ranges(&self, user: usize) -> &IpRanges {
        let u = &self.users[user];
        u.login_ranges_override
            .as_ref()
            .unwrap_or(&self.orgs[u.org].file.profiles[u.profile].login_ip_ranges)
    }

    /// Whether `password` is the user's current password.
    pub fn check_password(&self, user: usize, password: &str) -> bool {
        let u = &self.users[user];
        PasswordDigest::of(&u.id, password) == u.password
    }

    /// Records a new security token and "e-mails" it.
    fn issue_token(&mut self, user: usize) {
        let token = ids::new_security_token();
        self.users[user].token = Secret(token.clone());
        let seq = self.outbox.len() as u64 + 1;
        self.outbox.push(OutboxEntry {
            username: self.users[user].username.clone(),
            kind: "security_token",
            token,
            seq,
        });
    }
}
