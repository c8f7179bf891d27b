//! The command line (SPEC 5).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::resolve::ResolveRule;

/// sfrpc: remote password changer for Salesforce (heartbeat, change, diagnose).
#[derive(Debug, Parser)]
#[command(name = "sfrpc", version, about, long_about = None)]
pub struct Cli {
    /// Options for every command.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options for every command.
#[derive(Debug, Args)]
pub struct Global {
    /// The plugin manifest (default: the copy embedded in this binary).
    #[arg(long, global = true, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Where quarantine state lives (default: $XDG_STATE_HOME/sfrpc or ~/.local/state/sfrpc).
    #[arg(long, global = true, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Bounds each HTTPS request, in seconds.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// An HTTPS proxy URL (default: HTTPS_PROXY / https_proxy, honouring NO_PROXY).
    #[arg(long, global = true, value_name = "URL")]
    pub proxy: Option<String>,
    /// Connect to ADDR:PORT for HOST, keeping the real host name for TLS (like curl).
    /// HOST may start with "*." (any number of labels). Repeatable.
    #[arg(long, global = true, value_name = "HOST=ADDR:PORT")]
    pub resolve: Vec<ResolveRule>,
    /// An extra trust root (PEM), e.g. an emulator's CA or a TLS-inspecting proxy. Repeatable.
    #[arg(long, global = true, value_name = "FILE.pem")]
    pub ca_cert: Vec<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Prove the stored credentials log in (login, logout).
    Heartbeat(JobArgs),
    /// Change the password (generated when the request has no new_password) and verify it.
    Change(JobArgs),
    /// A read-only checklist of everything that makes rotation safe.
    Diagnose(JobArgs),
    /// Run many requests (each carries its "operation") with bounded concurrency.
    Batch(BatchArgs),
    /// Walk through sfrpc against an embedded Salesforce emulator; no set-up needed.
    Demo(DemoArgs),
    /// Show or clear quarantined credentials.
    Quarantine {
        /// list or clear.
        #[command(subcommand)]
        action: QuarantineAction,
    },
}

/// Options of heartbeat, change and diagnose.
#[derive(Debug, Args)]
pub struct JobArgs {
    /// The request JSON file, or "-" for stdin.
    #[arg(long, value_name = "FILE|-", default_value = "-")]
    pub request: String,
    /// Print the result JSON (the default when stdout is not a terminal).
    #[arg(long)]
    pub json: bool,
}

/// Options of batch.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// A directory of *.json requests, or a .jsonl file with one request per line.
    #[arg(long, value_name = "DIR|FILE.jsonl")]
    pub requests: PathBuf,
    /// Jobs running at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub concurrency: u64,
    /// Jobs running at once against one org (login URL + username domain), to stay under
    /// Salesforce's login rate limits.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub per_org: u64,
    /// Write the result lines (JSONL) here instead of stdout.
    #[arg(long, value_name = "FILE.jsonl")]
    pub out: Option<PathBuf>,
}

/// Options of demo.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run only this scenario (see the list in `sfrpc demo --scenario list`).
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
}

/// Quarantine subcommands.
#[derive(Debug, Subcommand)]
pub enum QuarantineAction {
    /// List quarantined credentials (JSON lines; never a credential).
    List,
    /// Clear one secret's quarantine, or all of them.
    Clear {
        /// The secret id; omit to clear everything.
        secret_id: Option<i64>,
    },
}
