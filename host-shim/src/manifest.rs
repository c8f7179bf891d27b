//! `manifest.json` (SPEC 7), parsed strictly: unknown fields, a wrong ABI, an unknown operation
//! or an invalid allowlist entry are startup errors. The binary embeds the repository's copy.

use std::path::Path;

use serde::Deserialize;
use sfrpc_plugin::Status;

use crate::allowlist::{Allowlist, EntryError};

/// The manifest shipped with the binary (the repository root's `manifest.json`).
pub const EMBEDDED: &str = include_str!("../../manifest.json");

/// The plugin ABI this host speaks.
pub const ABI: &str = "sfrpc-sansio/1";

const OPERATIONS: &[&str] = &["heartbeat", "change", "diagnose"];

/// Why a manifest was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read manifest {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// Not JSON, a missing or unknown field, a wrong type.
    #[error("invalid manifest: {0}")]
    Json(String),
    /// An ABI this host does not speak.
    #[error("invalid manifest: abi {0:?} is not supported (this host speaks \"sfrpc-sansio/1\")")]
    Abi(String),
    /// An operation the plugin does not have.
    #[error("invalid manifest: unknown operation {0:?} (known: heartbeat, change, diagnose)")]
    Operation(String),
    /// `statuses` does not list every status with the exit code `sfrpc` gives it.
    #[error("invalid manifest: statuses: {0}")]
    Statuses(String),
    /// An invalid `allowed_outbound_hosts` entry.
    #[error("invalid manifest: {0}")]
    Entry(#[from] EntryError),
}

/// A vault maps exit codes to statuses from the manifest: it must say what `sfrpc` does.
fn check_statuses(entries: &[StatusEntry]) -> Result<(), ManifestError> {
    for entry in entries {
        let Some(status) = Status::ALL.iter().find(|s| s.as_str() == entry.name) else {
            return Err(ManifestError::Statuses(format!(
                "unknown status {:?}",
                entry.name
            )));
        };
        if entry.exit_code != status.exit_code() {
            return Err(ManifestError::Statuses(format!(
                "{} has exit code {}, sfrpc exits {}",
                entry.name,
                entry.exit_code,
                status.exit_code()
            )));
        }
    }
    for status in Status::ALL {
        let listed = entries.iter().filter(|e| e.name == status.as_str()).count();
        if listed != 1 {
            return Err(ManifestError::Statuses(format!(
                "{} is listed {listed} times (once expected)",
                status.as_str()
            )));
        }
    }
    Ok(())
}

/// The whole manifest.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Plugin name (`sfrpc`).
    pub name: String,
    /// Plugin version.
    pub version: String,
    /// One-line description for the vault's plugin list.
    pub description: String,
    /// The host ABI, `sfrpc-sansio/1`.
    pub abi: String,
    /// Where the plugin's code lives.
    pub entry_points: EntryPoints,
    /// The operations the plugin implements.
    pub operations: Vec<String>,
    /// The vault secret template the plugin reads.
    pub secret_template: SecretTemplate,
    /// Result statuses and their exit codes.
    pub statuses: Vec<StatusEntry>,
    /// Exit codes that are not statuses (usage error, active password unknown).
    #[serde(default)]
    pub other_exit_codes: Vec<ExitCodeEntry>,
    /// What the host grants the plugin.
    #[serde(default)]
    pub capabilities: Capabilities,
}

/// The plugin's code: the wasm module + glue for the Node host, the native binary.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryPoints {
    /// The wasm build.
    pub wasm: WasmEntry,
    /// The native build.
    pub native: NativeEntry,
}

/// The wasm build's files, relative to the repository root.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WasmEntry {
    /// The `.wasm` module.
    pub module: String,
    /// The wasm-bindgen JS glue.
    pub glue: String,
}

/// The native build.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeEntry {
    /// The binary's name.
    pub binary: String,
}

/// The secret template.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretTemplate {
    /// The template's display name.
    pub name: String,
    /// Its fields.
    pub fields: Vec<TemplateField>,
}

/// One field of the secret template.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateField {
    /// Secret Server's slug (`security-token`).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Whether every secret must have it.
    pub required: bool,
    /// Whether the vault treats it as a password (masked, audited).
    pub is_password: bool,
}

/// One result status.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusEntry {
    /// Secret Server's status name.
    pub name: String,
    /// The `sfrpc` exit code.
    pub exit_code: i32,
    /// What it means.
    pub description: String,
}

/// An exit code that is not a status.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitCodeEntry {
    /// The exit code.
    pub exit_code: i32,
    /// What it means.
    pub description: String,
}

/// Capabilities the plugin asks for. Absent means none (deny-all network).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    /// Network access.
    #[serde(default)]
    pub network: NetworkCapability,
}

/// Network access: the outbound allowlist.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkCapability {
    /// `scheme://host[:port]` entries; empty denies everything.
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
}

impl Manifest {
    /// Parses and validates manifest text.
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        let m: Manifest =
            serde_json::from_str(text).map_err(|e| ManifestError::Json(e.to_string()))?;
        if m.abi != ABI {
            return Err(ManifestError::Abi(m.abi));
        }
        if let Some(op) = m
            .operations
            .iter()
            .find(|o| !OPERATIONS.contains(&o.as_str()))
        {
            return Err(ManifestError::Operation(op.clone()));
        }
        check_statuses(&m.statuses)?;
        m.allowlist()?;
        Ok(m)
    }

    /// Reads `path`, or the embedded copy when `path` is None.
    pub fn load(path: Option<&Path>) -> Result<Manifest, ManifestError> {
        match path {
            None => Manifest::parse(EMBEDDED),
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| ManifestError::Read {
                    path: p.display().to_string(),
                    reason: e.to_string(),
                })?;
                Manifest::parse(&text)
            }
        }
    }

    /// The parsed network allowlist.
    pub fn allowlist(&self) -> Result<Allowlist, EntryError> {
        Allowlist::parse(&self.capabilities.network.allowed_outbound_hosts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn embedded() -> Value {
        serde_json::from_str(EMBEDDED).expect("embedded manifest is JSON")
    }

    fn parse(v: &Value) -> Result<Manifest, ManifestError> {
        Manifest::parse(&v.to_string())
    }

    #[test]
    fn the_embedded_manifest_is_valid_and_complete() {
        let m = Manifest::parse(EMBEDDED).expect("valid");
        assert_eq!(m.name, "sfrpc");
        assert_eq!(m.abi, "sfrpc-sansio/1");
        assert_eq!(
            m.entry_points.wasm.module,
            "host-shim/js/pkg/sfrpc_plugin_bg.wasm"
        );
        assert_eq!(m.entry_points.wasm.glue, "host-shim/js/pkg/sfrpc_plugin.js");
        assert_eq!(m.entry_points.native.binary, "sfrpc");
        assert_eq!(m.operations, ["heartbeat", "change", "diagnose"]);
        let slugs: Vec<&str> = m
            .secret_template
            .fields
            .iter()
            .map(|f| f.slug.as_str())
            .collect();
        assert_eq!(
            slugs,
            [
                "url",
                "username",
                "password",
                "security-token",
                "client-id",
                "client-secret"
            ]
        );
        let a = m.allowlist().expect("valid allowlist");
        assert_eq!(a.entries().len(), 3);
        assert!(a.check("https://acme.my.salesforce.com/").is_ok());
    }

    #[test]
    fn statuses_match_the_plugin_exit_codes() {
        let m = Manifest::parse(EMBEDDED).expect("valid");
        assert_eq!(m.statuses.len(), Status::ALL.len());
        for s in Status::ALL {
            let entry = m
                .statuses
                .iter()
                .find(|e| e.name == s.as_str())
                .expect("listed");
            assert_eq!(entry.exit_code, s.exit_code(), "{}", s.as_str());
        }
    }

    #[test]
    fn statuses_that_disagree_with_sfrpc_are_refused() {
        let statuses = |f: &dyn Fn(&mut Vec<Value>)| {
            let mut v = embedded();
            let mut list = v["statuses"].as_array().expect("statuses").clone();
            f(&mut list);
            v["statuses"] = Value::Array(list);
            parse(&v)
        };
        let refused =
            |r: Result<Manifest, ManifestError>| matches!(r, Err(ManifestError::Statuses(_)));
        assert!(
            refused(statuses(&|l| l[1]["exit_code"] = json!(1))),
            "wrong exit code"
        );
        assert!(
            refused(statuses(&|l| {
                l.pop();
            })),
            "a status missing"
        );
        assert!(
            refused(statuses(&|l| l.push(json!({"name": "Timeout",
            "exit_code": 17, "description": "x"})))),
            "an unknown status"
        );
        assert!(
            refused(statuses(&|l| {
                let first = l[0].clone();
                l.push(first);
            })),
            "a status listed twice"
        );
        assert!(statuses(&|l| l.reverse()).is_ok(), "order does not matter");
    }

    #[test]
    fn unknown_fields_are_refused_at_every_level() {
        let mut v = embedded();
        v["allowed_outbound_hosts"] = json!([]);
        assert!(matches!(parse(&v), Err(ManifestError::Json(m)) if m.contains("unknown field")));
        let mut v = embedded();
        v["capabilities"]["network"]["allowed_hosts"] = json!([]);
        assert!(matches!(parse(&v), Err(ManifestError::Json(_))));
        let mut v = embedded();
        v["secret_template"]["fields"][0]["secret"] = json!(true);
        assert!(matches!(parse(&v), Err(ManifestError::Json(_))));
    }

    #[test]
    fn missing_fields_and_wrong_types_are_refused() {
        let mut v = embedded();
        v.as_object_mut().expect("object").remove("abi");
        assert!(matches!(parse(&v), Err(ManifestError::Json(m)) if m.contains("abi")));
        let mut v = embedded();
        v["capabilities"]["network"]["allowed_outbound_hosts"] =
            json!("https://login.salesforce.com");
        assert!(matches!(parse(&v), Err(ManifestError::Json(_))));
        assert!(matches!(Manifest::parse("{"), Err(ManifestError::Json(_))));
    }

    #[test]
    fn wrong_abi_and_unknown_operations_are_refused() {
        let mut v = embedded();
        v["abi"] = json!("sfrpc-sansio/2");
        assert_eq!(
            parse(&v).err(),
            Some(ManifestError::Abi("sfrpc-sansio/2".into()))
        );
        let mut v = embedded();
        v["operations"] = json!(["heartbeat", "reset"]);
        assert_eq!(
            parse(&v).err(),
            Some(ManifestError::Operation("reset".into()))
        );
    }

    #[test]
    fn invalid_allowlist_entries_are_refused() {
        for bad in [
            "login.salesforce.com",
            "https://*",
            "https://1.2.3.4",
            "https://a.com/p",
        ] {
            let mut v = embedded();
            v["capabilities"]["network"]["allowed_outbound_hosts"] = json!([bad]);
            assert!(matches!(parse(&v), Err(ManifestError::Entry(_))), "{bad}");
        }
    }

    #[test]
    fn absent_capabilities_mean_deny_all() {
        let mut v = embedded();
        v.as_object_mut().expect("object").remove("capabilities");
        let m = parse(&v).expect("valid");
        let a = m.allowlist().expect("valid");
        assert!(a.check("https://login.salesforce.com/").is_err());
    }
}
