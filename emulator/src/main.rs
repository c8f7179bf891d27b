//! `sfrpc-emulator --org FILE [--org FILE …] --ca-out DIR [--listen 127.0.0.1:0] [--client-ip IP]`
//! prints one JSON line `{"addr": …, "ca_cert": …}` once ready, then serves until killed.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use sfrpc_emulator::{Emulator, EmulatorConfig, OrgFile};

/// A Salesforce login/password emulator over TLS on loopback.
#[derive(Debug, Parser)]
#[command(name = "sfrpc-emulator", version)]
struct Args {
    /// An org file (fixtures/orgs/*.json); repeat for several orgs.
    #[arg(long = "org", required = true)]
    orgs: Vec<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Directory to write the CA certificate (ca.pem) to; clients must trust it.
    #[arg(long, value_name = "DIR", required = true)]
    ca_out: PathBuf,
    /// The client IP Salesforce sees (overrides the org files).
    #[arg(long)]
    client_ip: Option<IpAddr>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    sfrpc_emulator::set_logging(true);
    let orgs: Result<Vec<OrgFile>, _> = args.orgs.iter().map(|p| OrgFile::from_path(p)).collect();
    let orgs = match orgs {
        Ok(o) => o,
        Err(e) => {
            eprintln!("sfrpc-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let config = EmulatorConfig {
        orgs,
        listen: args.listen,
        ca_out: Some(args.ca_out),
        client_ip: args.client_ip,
    };
    let emulator = match Emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("sfrpc-emulator: {e}");
            return ExitCode::from(1);
        }
    };
    let ready = serde_json::json!({
        "addr": emulator.addr().to_string(),
        "ca_cert": emulator.ca_cert_path().map(|p| p.display().to_string()),
    });
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{ready}").and_then(|()| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    drop(out);
    eprintln!("sfrpc-emulator: listening on {}", emulator.addr());
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
