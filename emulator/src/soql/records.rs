//! The sObjects the emulator can query, built from the world: User, Profile, PermissionSet,
//! PermissionSetAssignment. Visibility follows Manage Users.

use crate::ids;
use crate::org::{PermissionSet as PsFile, Profile as ProfileFile};
use crate::state::World;

/// A field value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    /// null.
    Null,
    /// A boolean.
    Bool(bool),
    /// Text (ids included).
    Str(String),
    /// A datetime, ms since the epoch.
    DateTime(u64),
    /// A parent relationship.
    Ref(Box<Rec>),
}

/// A record: its type, id and fields (canonical names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rec {
    /// sObject type.
    pub ty: &'static str,
    /// 18-character id.
    pub id: String,
    /// Fields by canonical name.
    pub fields: Vec<(&'static str, Val)>,
}

impl Rec {
    /// A field by name, case-insensitively, with its canonical name.
    pub fn get(&self, name: &str) -> Option<(&'static str, &Val)> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(n, v)| (*n, v))
    }
}

fn s(v: &str) -> Val {
    Val::Str(v.to_string())
}

fn profile_rec(p: &ProfileFile) -> Rec {
    let id = ids::to18(&p.id);
    Rec {
        ty: "Profile",
        id: id.clone(),
        fields: vec![
            ("Id", Val::Str(id)),
            ("Name", s(&p.name)),
            ("PermissionsApiEnabled", Val::Bool(p.api_enabled)),
            ("PermissionsApiUserOnly", Val::Bool(p.api_user_only)),
            (
                "PermissionsPasswordNeverExpires",
                Val::Bool(p.password_never_expires),
            ),
            ("PermissionsManageUsers", Val::Bool(p.manage_users)),
        ],
    }
}

/// The permission set a profile owns (IsOwnedByProfile), with a derived id and name.
fn profile_permset(p: &ProfileFile) -> Rec {
    let p15 = ids::to15(&p.id);
    let id = ids::to18(&format!("0PS{}", &p15[3..]));
    Rec {
        ty: "PermissionSet",
        id: id.clone(),
        fields: vec![
            ("Id", Val::Str(id)),
            ("Name", Val::Str(format!("X{p15}_profile"))),
            ("Label", s(&p.name)),
            ("IsOwnedByProfile", Val::Bool(true)),
            ("ProfileId", Val::Str(ids::to18(&p.id))),
            ("PermissionsApiEnabled", Val::Bool(p.api_enabled)),
            ("PermissionsApiUserOnly", Val::Bool(p.api_user_only)),
            (
                "PermissionsPasswordNeverExpires",
                Val::Bool(p.password_never_expires),
            ),
            ("PermissionsManageUsers", Val::Bool(p.manage_users)),
        ],
    }
}

fn permset_rec(ps: &PsFile) -> Rec {
    let id = ids::to18(&ps.id);
    Rec {
        ty: "PermissionSet",
        id: id.clone(),
        fields: vec![
            ("Id", Val::Str(id)),
            ("Name", s(&ps.name)),
            ("Label", s(&ps.name)),
            ("IsOwnedByProfile", Val::Bool(false)),
            ("ProfileId", Val::Null),
            ("PermissionsApiEnabled", Val::Bool(ps.api_enabled)),
            ("PermissionsApiUserOnly", Val::Bool(ps.api_user_only)),
            (
                "PermissionsPasswordNeverExpires",
                Val::Bool(ps.password_never_expires),
            ),
            ("PermissionsManageUsers", Val::Bool(ps.manage_users)),
        ],
    }
}

fn user_rec(world: &World, user: usize) -> Rec {
    let u = &world.users[user];
    let file = &world.orgs[u.org].file;
    let profile = &file.profiles[u.profile];
    Rec {
        ty: "User",
        id: u.id.clone(),
        fields: vec![
            ("Id", s(&u.id)),
            ("Username", s(&u.username)),
            ("Name", s(&u.full_name)),
            ("Email", s(&u.email)),
            ("IsActive", Val::Bool(u.is_active)),
            (
                "LastPasswordChangeDate",
                Val::DateTime(u.password_changed_ms),
            ),
            ("LastLoginDate", Val::Null),
            ("ProfileId", Val::Str(ids::to18(&profile.id))),
            ("Profile", Val::Ref(Box::new(profile_rec(profile)))),
            ("UserType", s("Standard")),
        ],
    }
}

fn assignments(world: &World, user: usize) -> Vec<Rec> {
    let u = &world.users[user];
    let file = &world.orgs[u.org].file;
    let u15 = ids::to15(&u.id);
    let owned = profile_permset(&file.profiles[u.profile]);
    let others = u
        .permission_sets
        .iter()
        .map(|&i| permset_rec(&file.permission_sets[i]));
    std::iter::once(owned)
        .chain(others)
        .enumerate()
        .map(|(n, ps)| {
            let id = ids::to18(&format!("0Pa{}{n:02}", &u15[5..]));
            Rec {
                ty: "PermissionSetAssignment",
                id: id.clone(),
                fields: vec![
                    ("Id", Val::Str(id)),
                    ("AssigneeId", s(&u.id)),
                    ("PermissionSetId", Val::Str(ps.id.clone())),
                    ("PermissionSet", Val::Ref(Box::new(ps))),
                ],
            }
        })
        .collect()
}

/// Every record of `object` the caller may see, or None for an unknown object.
pub fn visible(world: &World, caller: usize, object: &str) -> Option<Vec<Rec>> {
    let org = world.users[caller].org;
    let all = world.manage_users(caller);
    let users =
        (0..world.users.len()).filter(|&u| world.users[u].org == org && (all || u == caller));
    let file = &world.orgs[org].file;
    let recs = match object.to_ascii_lowercase().as_str() {
        "user" => users.map(|u| user_rec(world, u)).collect(),
        "permissionsetassignment" => users.flat_map(|u| assignments(world, u)).collect(),
        "profile" => file.profiles.iter().map(profile_rec).collect(),
        "permissionset" => file
            .profiles
            .iter()
            .map(profile_permset)
            .chain(file.permission_sets.iter().map(permset_rec))
            .collect(),
        _ => return None,
    };
    Some(recs)
}
