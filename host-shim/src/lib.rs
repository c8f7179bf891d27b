//! The native host of the sfrpc plugin (SPEC 5, 6, 7): the `sfrpc` binary's parts, as a
//! library so the end-to-end suites and the demo share them.
//!
//! - [`manifest`] and [`allowlist`]: `manifest.json`, parsed strictly, and the egress check.
//! - [`transport`] and [`resolve`]: HTTPS with reqwest/rustls, `--resolve`, the response cap.
//! - [`run`]: one job end to end (operation, generated password, quarantine, the plugin loop).
//! - [`quarantine`], [`generate`], [`batch`], [`output`], [`cli`], [`demo`].

pub mod allowlist;
pub mod batch;
pub mod cli;
pub mod demo;
pub mod generate;
pub mod manifest;
pub mod output;
pub mod quarantine;
pub mod resolve;
pub mod run;
pub mod transport;
