//! Helpers shared by the end-to-end suites: the real `sfrpc` binary driven against the real
//! emulator over TLS on loopback, with the real Salesforce host names kept by `--resolve`.
//!
//! - [`emu`]: start an emulator in-process and talk to its `/__emulator/` control API.
//! - [`sfrpc`]: find and run the `sfrpc` binary with the emulator's CA and `--resolve` rules.
//! - [`secrets`]: every fixture secret, and the scan every run's output goes through.
//! - [`scenario`]: the data-driven scenarios of `tests/scenarios/*.json`.

pub mod emu;
pub mod scenario;
pub mod secrets;
pub mod sfrpc;

use std::path::PathBuf;

/// The repository root (the workspace holding this crate).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".."))
}
