//! `sfrpc`: the native host of the sfrpc plugin (SPEC 5). It reads a request, runs the sans-IO
//! plugin over HTTPS (allowlist-checked, capped, no redirects), keeps the quarantine, and
//! answers with the result JSON and an exit code.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use sfrpc_plugin::Operation;

use sfrpc_host::cli::{Cli, Command, Global, JobArgs, QuarantineAction};
use sfrpc_host::manifest::Manifest;
use sfrpc_host::quarantine::{self, Store};
use sfrpc_host::run::{self, Host};
use sfrpc_host::transport::{ProxySetting, Transport, TransportOptions};
use sfrpc_host::{batch, demo, output};

/// Exit code for usage errors (bad arguments, unreadable files, invalid manifest).
const USAGE: u8 = 2;

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("sfrpc: {message}");
    ExitCode::from(USAGE)
}

fn state_dir(global: &Global) -> Result<PathBuf, ExitCode> {
    match &global.state_dir {
        Some(d) => Ok(d.clone()),
        None => quarantine::default_state_dir().map_err(usage),
    }
}

/// Builds the transport and quarantine from the global options.
fn host(global: &Global) -> Result<Host, ExitCode> {
    let manifest = Manifest::load(global.manifest.as_deref()).map_err(usage)?;
    let allowlist = manifest.allowlist().map_err(usage)?;
    let options = TransportOptions {
        timeout: Duration::from_secs(global.timeout),
        proxy: global
            .proxy
            .clone()
            .map_or(ProxySetting::Environment, ProxySetting::Url),
        ca_certs: global.ca_cert.clone(),
        resolve: global.resolve.clone(),
    };
    let transport = Transport::new(&options, allowlist).map_err(usage)?;
    let quarantine = Store::open(&state_dir(global)?).map_err(usage)?;
    Ok(Host {
        transport,
        quarantine,
    })
}

fn read_request(arg: &str) -> Result<String, ExitCode> {
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| usage(format!("cannot read the request from stdin: {e}")))?;
        Ok(text)
    } else {
        std::fs::read_to_string(arg).map_err(|e| usage(format!("cannot read --request {arg}: {e}")))
    }
}

async fn job(global: &Global, args: &JobArgs, op: Operation) -> Result<ExitCode, ExitCode> {
    let host = host(global)?;
    let text = read_request(&args.request)?;
    let finished = run::run(&host, &text, Some(op)).await;
    output::print(&finished, output::want_json(args.json));
    Ok(ExitCode::from(finished.exit_code() as u8))
}

fn quarantine_cmd(global: &Global, action: &QuarantineAction) -> Result<ExitCode, ExitCode> {
    let store = Store::open(&state_dir(global)?).map_err(usage)?;
    match action {
        QuarantineAction::List => {
            let entries = store.list().map_err(usage)?;
            for e in &entries {
                let mut v = serde_json::to_value(e).unwrap_or_default();
                v["recorded_at"] = serde_json::Value::String(quarantine::rfc3339(e.recorded_at));
                println!("{v}");
            }
            eprintln!("{} quarantined credential(s)", entries.len());
        }
        QuarantineAction::Clear { secret_id } => {
            let n = store.clear(*secret_id).map_err(usage)?;
            match secret_id {
                Some(id) => eprintln!("cleared {n} quarantined credential(s) of secret {id}"),
                None => eprintln!("cleared {n} quarantined credential(s)"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn dispatch(cli: Cli) -> Result<ExitCode, ExitCode> {
    let g = &cli.global;
    match &cli.command {
        Command::Heartbeat(a) => job(g, a, Operation::Heartbeat).await,
        Command::Change(a) => job(g, a, Operation::Change).await,
        Command::Diagnose(a) => job(g, a, Operation::Diagnose).await,
        Command::Batch(b) => {
            let host = Arc::new(host(g)?);
            let inputs = batch::read_inputs(&b.requests).map_err(usage)?;
            let code = batch::run_batch(
                host,
                inputs,
                b.concurrency as usize,
                b.per_org as usize,
                b.out.as_deref(),
            )
            .await
            .map_err(usage)?;
            Ok(ExitCode::from(code as u8))
        }
        Command::Demo(d) => demo::run(g, d.scenario.as_deref()).await.map_err(usage),
        Command::Quarantine { action } => quarantine_cmd(g, action),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage(format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(code) | Err(code) => code,
    }
}
