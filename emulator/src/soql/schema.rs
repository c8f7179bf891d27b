//! The fields of each queryable sObject: queries are checked against these, whatever records
//! the caller can see (an empty result still refuses an unknown field).

/// What a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A plain (selectable) field.
    Field,
    /// A parent relationship to this object (select its fields as `Rel.Field`).
    Rel(&'static str),
}

/// An sObject's schema.
#[derive(Debug)]
pub struct Object {
    /// The canonical name.
    pub name: &'static str,
    /// Fields in canonical spelling.
    pub fields: &'static [(&'static str, Kind)],
}

use Kind::{Field, Rel};

/// Kept equal to what `records.rs` builds, field for field and in order (a test checks).
const OBJECTS: &[Object] = &[
    Object {
        name: "User",
        fields: &[
            ("Id", Field),
            ("Username", Field),
            ("Name", Field),
            ("Email", Field),
            ("IsActive", Field),
            ("LastPasswordChangeDate", Field),
            ("LastLoginDate", Field),
            ("ProfileId", Field),
            ("Profile", Rel("Profile")),
            ("UserType", Field),
        ],
    },
    Object {
        name: "Profile",
        fields: &[
            ("Id", Field),
            ("Name", Field),
            ("PermissionsApiEnabled", Field),
            ("PermissionsApiUserOnly", Field),
            ("PermissionsPasswordNeverExpires", Field),
            ("PermissionsManageUsers", Field),
        ],
    },
    Object {
        name: "PermissionSet",
        fields: &[
            ("Id", Field),
            ("Name", Field),
            ("Label", Field),
            ("IsOwnedByProfile", Field),
            ("ProfileId", Field),
            ("PermissionsApiEnabled", Field),
            ("PermissionsApiUserOnly", Field),
            ("PermissionsPasswordNeverExpires", Field),
            ("PermissionsManageUsers", Field),
        ],
    },
    Object {
        name: "PermissionSetAssignment",
        fields: &[
            ("Id", Field),
            ("AssigneeId", Field),
            ("PermissionSetId", Field),
            ("PermissionSet", Rel("PermissionSet")),
        ],
    },
];

/// The schema of `name` (case-insensitive), None for an sObject the emulator does not have.
pub fn object(name: &str) -> Option<&'static Object> {
    OBJECTS.iter().find(|o| o.name.eq_ignore_ascii_case(name))
}

fn field(o: &Object, name: &str) -> Option<Kind> {
    o.fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, k)| *k)
}

/// Checks a field path (`Profile.Name` → `["Profile", "Name"]`) on `o`; the error is the
/// INVALID_FIELD message.
pub fn check_path(o: &Object, path: &[String]) -> Result<(), String> {
    let head = &path[0];
    match (field(o, head), path.len()) {
        (Some(Field), 1) => Ok(()),
        (Some(Rel(parent)), n) if n > 1 => {
            let parent = object(parent).ok_or_else(|| no_relationship(head))?;
            check_path(parent, &path[1..])
        }
        (Some(Rel(_)) | None, 1) => Err(format!(
            "No such column '{head}' on entity '{}'. If you are attempting to use a custom \
             field, be sure to append the '__c' after the custom field name. Please reference \
             your WSDL or the describe call for the appropriate names.",
            o.name
        )),
        _ => Err(no_relationship(head)),
    }
}

fn no_relationship(name: &str) -> String {
    format!(
        "Didn't understand relationship '{name}' in field path. If you are attempting to use a \
         custom relationship, be sure to append the '__r' after the custom relationship name. \
         Please reference your WSDL or the describe call for the appropriate names."
    )
}

/// `message` prefixed, as Salesforce does, with the query line holding `word`, a caret under
/// it and `ERROR at Row:R:Column:C` (plain `message` when `word` cannot be found).
pub fn pointed(soql: &str, word: &str, message: &str) -> String {
    let bytes = soql.as_bytes();
    let boundary = |i: usize| {
        bytes
            .get(i)
            .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.'))
    };
    let lower = soql.to_ascii_lowercase();
    let target = word.to_ascii_lowercase();
    let mut from = 0;
    let at = loop {
        let Some(i) = lower[from..].find(&target).map(|i| i + from) else {
            return message.to_string();
        };
        if (i == 0 || boundary(i - 1)) && boundary(i + target.len()) {
            break i;
        }
        from = i + 1;
    };
    let line_start = soql[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = soql[at..].find('\n').map_or(soql.len(), |i| i + at);
    let row = soql[..at].matches('\n').count() + 1;
    let column = soql[line_start..at].chars().count() + 1;
    format!(
        "\n{}\n{}^\nERROR at Row:{row}:Column:{column}\n{message}",
        &soql[line_start..line_end],
        " ".repeat(column - 1)
    )
}

#[cfg(test)]
mod tests {
    use super::super::records::{visible, Rec, Val};
    use super::*;

    #[test]
    fn pointer_like_salesforce() {
        assert_eq!(
            pointed("SELECT Id, Foo FROM User", "Foo", "m"),
            "\nSELECT Id, Foo FROM User\n           ^\nERROR at Row:1:Column:12\nm"
        );
        assert_eq!(
            pointed("SELECT Id\nFROM Nope", "nope", "m"),
            "\nFROM Nope\n     ^\nERROR at Row:2:Column:6\nm"
        );
        assert_eq!(pointed("SELECT Id FROM User", "Zed", "m"), "m");
        // Whole words only: `Name` inside `Profile.Name` is not `Name`.
        assert!(pointed("SELECT Profile.Name, Name FROM User", "Name", "m").contains("Column:22"));
    }

    #[test]
    fn paths_against_the_schema() {
        let user = object("user").unwrap();
        let p = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        assert!(check_path(user, &p("profile.permissionsapienabled")).is_ok());
        assert!(check_path(user, &p("Profile"))
            .unwrap_err()
            .starts_with("No such column 'Profile'"));
        assert!(check_path(user, &p("Nope")).is_err());
        assert!(check_path(user, &p("Username.Name"))
            .unwrap_err()
            .starts_with("Didn't understand relationship 'Username'"));
        assert!(check_path(user, &p("Profile.Nope")).is_err());
        assert!(object("Opportunity").is_none());
    }

    /// An org with a permission set assigned, so every kind of record is built.
    const ORG: &str = r#"{"name": "t", "org_id": "00D1t000000TeSt", "organization_name": "T",
        "profiles": [{"id": "00e1t000001AdMn", "name": "Admin", "manage_users": true}],
        "permission_sets": [{"id": "0PS1t00000PeRmS", "name": "Extra"}],
        "users": [{"id": "0051t00000AdMiN", "username": "admin@t.example.com",
                   "password": "Schema-Test-1", "security_token": "T", "profile": "Admin",
                   "permission_sets": ["Extra"]}]}"#;

    /// The record's fields and kinds, its parents checked against their own schema.
    fn fields_of(rec: &Rec) -> Vec<(&'static str, Kind)> {
        rec.fields
            .iter()
            .map(|(name, v)| match v {
                Val::Ref(parent) => {
                    let schema = object(parent.ty).unwrap();
                    assert_eq!(fields_of(parent), schema.fields, "{}", parent.ty);
                    (*name, Rel(parent.ty))
                }
                _ => (*name, Field),
            })
            .collect()
    }

    #[test]
    fn schema_is_what_the_records_hold() {
        let org = crate::org::OrgFile::from_json(ORG).unwrap();
        let world = crate::state::World::new(vec![org], None).unwrap();
        let admin = world.user_by_name("admin@t.example.com").unwrap();
        for o in OBJECTS {
            let recs = visible(&world, admin, o.name).unwrap();
            assert!(!recs.is_empty(), "{}", o.name);
            for rec in &recs {
                assert_eq!(rec.ty, o.name);
                assert_eq!(fields_of(rec), o.fields, "{}", o.name);
            }
        }
    }
}
