//! The real `sfrpc` binary, run against an emulator.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::emu::Emu;

/// The `sfrpc` binary next to the test executable (`target/debug/sfrpc`). Panics with the
/// build instruction when it is absent.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let mut dir = exe.parent().map(Path::to_owned).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let bin = dir.join("sfrpc");
    assert!(
        bin.is_file(),
        "{} not found: run `cargo build -p sfrpc-host` before the end-to-end tests",
        bin.display()
    );
    bin
}

/// One finished `sfrpc` run.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Everything printed on stdout.
    pub stdout: String,
    /// Everything printed on stderr.
    pub stderr: String,
}

impl Run {
    /// stdout parsed as one JSON value. Panics (without printing the output) otherwise.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}); exit {}", self.code))
    }
}

/// The `--ca-cert` and `--resolve` arguments that send the real Salesforce host names to `emu`.
pub fn emulator_args(emu: &Emu) -> Vec<String> {
    let addr = emu.addr();
    let mut args = vec!["--ca-cert".to_owned(), emu.ca_path().display().to_string()];
    for host in [
        "login.salesforce.com",
        "test.salesforce.com",
        "*.my.salesforce.com",
    ] {
        args.push("--resolve".to_owned());
        args.push(format!("{host}={addr}"));
    }
    args
}

/// The secrets of every request a run is given: on stdin, in `--request FILE`, and in
/// `--requests FILE.jsonl|DIR`.
fn given_secrets(args: &[String], stdin: Option<&str>) -> Vec<String> {
    let mut texts: Vec<String> = stdin.map(str::to_owned).into_iter().collect();
    for pair in args.windows(2) {
        if pair[0] != "--request" && pair[0] != "--requests" {
            continue;
        }
        let path = Path::new(&pair[1]);
        if path.is_dir() {
            for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
                texts.extend(std::fs::read_to_string(entry.path()).ok());
            }
        } else {
            texts.extend(std::fs::read_to_string(path).ok());
        }
    }
    texts
        .iter()
        .flat_map(|t| t.lines().chain(std::iter::once(t.as_str())))
        .filter_map(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .flat_map(|v| crate::secrets::request_secrets(&v))
        .collect()
}

/// Runs `sfrpc ARGS` with `stdin` (if any), no proxy, bounded to two minutes.
pub async fn run(args: &[String], stdin: Option<&str>) -> Run {
    run_with_env(args, stdin, &[]).await
}

/// Like [`run`], with these environment variables set after the proxy variables are cleared.
/// Every run's stdout and stderr are scanned for the fixture secrets and the secrets of the
/// requests it was given (the test fails, naming no secret, if one appears).
pub async fn run_with_env(args: &[String], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    use tokio::io::AsyncWriteExt;
    let mut cmd = tokio::process::Command::new(binary());
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let mut child = cmd.spawn().expect("spawn sfrpc");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // sfrpc may exit before reading (a usage error): a broken pipe is not a failure here.
        let _ = pipe.write_all(text.as_bytes()).await;
        drop(pipe);
    }
    let out = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("sfrpc finished within two minutes")
        .expect("sfrpc output");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let what = format!("sfrpc {}", args.first().map_or("", String::as_str));
    crate::secrets::assert_no_leak(&what, &run.stdout, &run.stderr, &given_secrets(args, stdin));
    run
}
