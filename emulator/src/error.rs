//! The emulator's own errors (start-up and org files); wire-level errors are answers, not these.

use std::path::PathBuf;

/// Why the emulator could not load its orgs or start listening.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// An org file could not be read from disk.
    #[error("cannot read org file {path}: {reason}")]
    ReadOrg {
        /// The file that failed.
        path: PathBuf,
        /// The I/O error, as text.
        reason: String,
    },
    /// An org file is not valid JSON for the org schema.
    #[error("invalid org file: {0}")]
    InvalidOrg(String),
    /// Two org files clash (same org id, host or username).
    #[error("conflicting org files: {0}")]
    Conflict(String),
    /// The TLS certificates could not be generated or loaded.
    #[error("tls setup failed: {0}")]
    Tls(String),
    /// The listener could not be bound, or the CA could not be written.
    #[error("i/o error: {0}")]
    Io(String),
}

/// A serde_json error as text that never echoes a value from the input (which may be a
/// password): type and value errors keep only their position.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("invalid type") || text.starts_with("invalid value") {
        format!(
            "invalid type or value at line {} column {}",
            e.line(),
            e.column()
        )
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_errors_do_not_echo_values() {
        let e = serde_json::from_str::<Vec<String>>(r#"[12345678]"#).unwrap_err();
        let text = super::json_error(&e);
        assert!(!text.contains("12345678"), "{text}");
        let e = serde_json::from_str::<Vec<String>>("[").unwrap_err();
        assert!(super::json_error(&e).contains("EOF"));
    }
}
