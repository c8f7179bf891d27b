//! The control API under `/__emulator/` (tests and demos; never returns a password).

use serde_json::{json, Value};

use crate::reply::Reply;
use crate::state::{OrgPatch, UserPatch, World};

fn err(status: u16, message: &str) -> Reply {
    Reply::json(status, &json!({"error": message}))
}

fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Reply> {
    serde_json::from_slice(bytes).map_err(|e| {
        err(
            400,
            &format!("bad request body: {}", crate::error::json_error(&e)),
        )
    })
}

/// Percent-decodes a path segment (`%40` → `@`).
fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Handles `method` on `path` (after `/__emulator/`).
pub fn handle(world: &mut World, method: &str, path: &str, bytes: &[u8]) -> Reply {
    match run(world, method, path, bytes) {
        Ok(r) | Err(r) => r,
    }
}

fn run(world: &mut World, method: &str, path: &str, bytes: &[u8]) -> Result<Reply, Reply> {
    let segments: Vec<String> = path.trim_matches('/').split('/').map(decode).collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let user = |world: &World, name: &str| {
        world
            .user_by_name(name)
            .ok_or_else(|| err(404, &format!("no user {name}")))
    };
    Ok(match (method, segs.as_slice()) {
        ("GET", ["state"]) => Reply::json(200, &world.state_view()),
        ("GET", ["users", name]) => {
            let u = user(world, name)?;
            Reply::json(200, &world.user_view(u))
        }
        ("PATCH", ["users", name]) => {
            let u = user(world, name)?;
            let patch: UserPatch = body(bytes)?;
            world.patch_user(u, patch);
            Reply::empty(204)
        }
        ("POST", ["users", name, "check-password"]) => {
            let u = user(world, name)?;
            let v: Value = body(bytes)?;
            let Some(p) = v.get("password").and_then(Value::as_str) else {
                return Err(err(400, "body must be {\"password\": string}"));
            };
            Reply::json(200, &json!({"valid": world.check_password(u, p)}))
        }
        ("PATCH", ["orgs", name]) => {
            let o = world
                .org_by_name(name)
                .ok_or_else(|| err(404, &format!("no org {name}")))?;
            let patch: OrgPatch = body(bytes)?;
            world.patch_org(o, patch);
            Reply::empty(204)
        }
        ("GET", ["faults"]) => Reply::json(200, &world.faults.view()),
        ("POST", ["faults"]) => {
            world.faults.arm(bytes).map_err(|m| err(400, &m))?;
            Reply::empty(204)
        }
        ("DELETE", ["faults"]) => {
            world.faults.clear();
            Reply::empty(204)
        }
        ("POST", ["clock", "advance"]) => {
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Advance {
                seconds: u64,
            }
            let a: Advance = body(bytes)?;
            world.clock.advance(a.seconds);
            Reply::empty(204)
        }
        ("POST", ["client-ip"]) => {
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct ClientIp {
                ip: Option<std::net::IpAddr>,
            }
            let c: ClientIp = body(bytes)?;
            world.client_ip_override = c.ip;
            Reply::empty(204)
        }
        ("GET", ["outbox"]) => Reply::json(200, &json!(world.outbox)),
        ("POST", ["reset"]) => {
            world
                .reset()
                .map_err(|e| err(500, &format!("reset failed: {e}")))?;
            Reply::empty(204)
        }
        _ => err(
            404,
            &format!("no control endpoint {method} /__emulator/{path}"),
        ),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_decoding() {
        assert_eq!(super::decode("a%40b.com"), "a@b.com");
        assert_eq!(super::decode("100%"), "100%");
    }
}
