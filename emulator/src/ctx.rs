//! What a handler knows about the request besides its body: the host it came in on.

use crate::state::{Realm, World};

/// Request context.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The login host or My Domain the request was addressed to.
    pub realm: Realm,
    /// `:PORT` when the Host header carried a port other than 443, else empty.
    pub port_suffix: String,
}

impl Ctx {
    /// `host[:port]` of a user's My Domain, as URLs in answers name it.
    pub fn authority_of(&self, world: &World, user: usize) -> String {
        format!(
            "{}{}",
            world.orgs[world.users[user].org].host, self.port_suffix
        )
    }
}
