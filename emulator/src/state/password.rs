//! changeOwnPassword, setPassword, resetPassword and the REST password resource.

use super::{ApiCaller, PasswordDigest, World};
use crate::ids;
use crate::policy::REUSED_PASSWORD;

/// Why a password call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordError {
    /// changeOwnPassword: the old password is wrong.
    InvalidOld,
    /// The new password breaks the policy (the message Salesforce shows).
    InvalidNew(String),
    /// The user id is not a well-formed id.
    MalformedId,
    /// No such user in the caller's org.
    UnknownId,
    /// setPassword on self without "Allow use of setPassword() API for self-resets".
    SelfNotAllowed,
    /// The caller may not manage this user.
    InsufficientAccess,
    /// An expired-password session tried something other than setPassword on itself.
    ExpiredPassword,
}

impl World {
    /// changeOwnPassword(oldPassword, newPassword) for the calling user.
    pub fn change_own_password(
        &mut self,
        caller: ApiCaller,
        old: &str,
        new: &str,
    ) -> Result<(), PasswordError> {
        if caller.restricted {
            return Err(PasswordError::ExpiredPassword);
        }
        if !self.check_password(caller.user, old) {
            return Err(PasswordError::InvalidOld);
        }
        self.apply_password(caller.user, new, true)
    }

    /// setPassword(userId, password).
    pub fn set_password(
        &mut self,
        caller: ApiCaller,
        target_id: &str,
        new: &str,
    ) -> Result<(), PasswordError> {
        let target = self.target(caller, target_id)?;
        if target == caller.user {
            let allowed = self.orgs[self.users[target].org]
                .file
                .allow_set_password_self;
            if !(allowed || caller.restricted) {
                return Err(PasswordError::SelfNotAllowed);
            }
        } else if caller.restricted {
            return Err(PasswordError::ExpiredPassword);
        } else if !self.manage_users(caller.user) {
            return Err(PasswordError::InsufficientAccess);
        }
        self.apply_password(target, new, true)?;
        if target == caller.user {
            for s in self.sessions.values_mut().filter(|s| s.user == target) {
                s.restricted = false;
            }
        }
        Ok(())
    }

    /// resetPassword(userId): a generated password, expired at once (the user must change it).
    pub fn reset_password(
        &mut self,
        caller: ApiCaller,
        target_id: &str,
    ) -> Result<String, PasswordError> {
        if caller.restricted {
            return Err(PasswordError::ExpiredPassword);
        }
        let target = self.target(caller, target_id)?;
        if !self.manage_users(caller.user) {
            return Err(PasswordError::InsufficientAccess);
        }
        let min = self.orgs[self.users[target].org]
            .file
            .password_policy
            .min_length;
        let generated = format!("{}aZ7!", ids::random_base62(min.max(8)));
        self.apply_password(target, &generated, false)?;
        self.users[target].expired_flag = true;
        Ok(generated)
    }

    /// GET …/sobjects/User/{id}/password: whether the password has expired.
    pub fn password_status(
        &self,
        caller: ApiCaller,
        target_id: &str,
    ) -> Result<bool, PasswordError> {
        let target = self.target(caller, target_id)?;
        if target != caller.user && (caller.restricted || !self.manage_users(caller.user)) {
            return Err(PasswordError::InsufficientAccess);
        }
        Ok(self.password_expired(target))
    }

    fn target(&self, caller: ApiCaller, target_id: &str) -> Result<usize, PasswordError> {
        let id = target_id.trim();
        if !ids::valid_id(id, "005") {
            return Err(PasswordError::MalformedId);
        }
        self.user_by_id(self.users[caller.user].org, id)
            .ok_or(PasswordError::UnknownId)
    }

    /// Checks the policy (when `check` is set), stores the new password, unlocks the user,
    /// clears expiry and e-mails a new security token.
    fn apply_password(&mut self, user: usize, new: &str, check: bool) -> Result<(), PasswordError> {
        let now = self.now_ms();
        let u = &self.users[user];
        let policy = &self.orgs[u.org].file.password_policy;
        let digest = PasswordDigest::of(&u.id, new);
        if check {
            if let Some(message) = policy.violation(new, &u.username) {
                return Err(PasswordError::InvalidNew(message));
            }
            let remembered = std::iter::once(&u.password).chain(u.previous.iter());
            if remembered.take(policy.history).any(|d| *d == digest) {
                return Err(PasswordError::InvalidNew(REUSED_PASSWORD.to_string()));
            }
        }
        let u = &mut self.users[user];
        let old = std::mem::replace(&mut u.password, digest);
        u.previous.insert(0, old);
        u.previous.truncate(24);
        u.password_changed_ms = now;
        u.password_changes += 1;
        u.expired_flag = false;
        u.locked_manually = false;
        u.locked_until_ms = None;
        u.failed_streak = 0;
        self.issue_token(user);
        Ok(())
    }
}
