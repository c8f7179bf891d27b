//! Building the world from org files, and `POST /__emulator/reset`.

use std::collections::VecDeque;

use super::{OrgState, PasswordDigest, Secret, UserState, World};
use crate::ids;
use crate::org::OrgFile;

impl World {
    pub(super) fn load(&mut self, files: Vec<OrgFile>) -> Result<(), crate::EmulatorError> {
        let conflict = |m: String| Err(crate::EmulatorError::Conflict(m));
        let now = self.clock.now_ms();
        for file in files {
            let host = file.my_domain_host();
            if self.orgs.iter().any(|o| o.host == host) {
                return conflict(format!("two orgs answer for {host}"));
            }
            if self
                .orgs
                .iter()
                .any(|o| ids::same_id(&o.file.org_id, &file.org_id))
            {
                return conflict(format!("two orgs have id {}", file.org_id));
            }
            let org = self.orgs.len();
            for u in &file.users {
                if self.user_by_name(&u.username).is_some() {
                    return conflict(format!("username {} appears twice", u.username));
                }
                let id = ids::to18(&u.id);
                let profile = file.profiles.iter().position(|p| p.name == u.profile);
                let permission_sets = u
                    .permission_sets
                    .iter()
                    .filter_map(|n| file.permission_sets.iter().position(|p| &p.name == n))
                    .collect();
                let password = PasswordDigest::of(&id, &u.password);
                let previous = u
                    .previous_passwords
                    .iter()
                    .map(|p| PasswordDigest::of(&id, p));
                self.users.push(UserState {
                    org,
                    username: u.username.clone(),
                    full_name: u.full_name.clone().unwrap_or_else(|| u.username.clone()),
                    email: u.email.clone().unwrap_or_else(|| u.username.clone()),
                    password,
                    previous: previous.collect(),
                    token: Secret(u.security_token.clone()),
                    profile: profile.unwrap_or(0),
                    permission_sets,
                    is_active: u.is_active,
                    expired_flag: u.password_expired,
                    locked_manually: u.locked_out,
                    locked_until_ms: None,
                    failed_streak: 0,
                    password_changed_ms: now
                        .saturating_sub(u64::from(u.password_age_days) * 86_400_000),
                    client_ip: u.client_ip,
                    api_override: None,
                    login_ranges_override: None,
                    login_attempts: 0,
                    failed_logins: 0,
                    password_changes: 0,
                    last_login_ip: None,
                    recent_logins: VecDeque::new(),
                    id,
                });
            }
            self.orgs.push(OrgState {
                host,
                requests: 0,
                request_window_start_ms: now,
                file,
            });
        }
        Ok(())
    }

    /// Reloads the org files (from disk when they came from disk) and forgets all state.
    pub fn reset(&mut self) -> Result<(), crate::EmulatorError> {
        let files: Vec<OrgFile> = self
            .files
            .iter()
            .map(|f| match &f.source {
                Some(path) => OrgFile::from_path(path),
                None => Ok(f.clone()),
            })
            .collect::<Result<_, _>>()?;
        let mut fresh = World::new(files, self.initial_client_ip)?;
        fresh.files = std::mem::take(&mut self.files);
        *self = fresh;
        Ok(())
    }
}
