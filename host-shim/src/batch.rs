//! `sfrpc batch`: many requests with bounded concurrency and a per-org limit (to stay under
//! Salesforce's login rate limits), a progress bar on stderr, one result line per request in
//! input order, and a summary by status.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use sfrpc_plugin::ActivePassword;
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::run::{self, Host};

/// Why a batch could not start (a usage error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The requests could not be read.
    #[error("cannot read requests {path}: {reason}")]
    Read {
        /// The file or directory.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// The output file could not be written.
    #[error("cannot write {path}: {reason}")]
    Write {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
    },
}

/// One input request: where it came from and its text (which holds secrets: zeroized on drop,
/// never in Debug).
pub struct Input {
    /// `file.json` or `file.jsonl:LINE`, for messages.
    pub origin: String,
    /// The request JSON.
    pub text: Zeroizing<String>,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("origin", &self.origin)
            .field("text", &"[REDACTED]")
            .finish()
    }
}

/// Reads a directory of `*.json` (sorted by name) or a JSONL file (blank lines skipped).
pub fn read_inputs(path: &Path) -> Result<Vec<Input>, BatchError> {
    let err = |e: std::io::Error| BatchError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| {
                let text = Zeroizing::new(std::fs::read_to_string(&p).map_err(err)?);
                Ok(Input {
                    origin: p.display().to_string(),
                    text,
                })
            })
            .collect()
    } else {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(err)?);
        Ok(text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| Input {
                origin: format!("{}:{}", path.display(), i + 1),
                text: Zeroizing::new(l.to_owned()),
            })
            .collect())
    }
}

/// The per-org limit's key: the login URL and the username's domain (lower-case).
pub fn org_key(text: &str) -> String {
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let secret = &v["secret"];
    let item = |slug: &str| -> Option<String> {
        secret["items"].as_array()?.iter().find_map(|i| {
            let s = i["slug"].as_str()?;
            s.eq_ignore_ascii_case(slug)
                .then(|| i["itemValue"].as_str().map(str::to_owned))?
        })
    };
    let url = secret["url"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| item("url"))
        .unwrap_or_default();
    let user = secret["username"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| item("username"))
        .unwrap_or_default();
    let domain = user.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    format!(
        "{}|{}",
        url.trim_end_matches('/').to_ascii_lowercase(),
        domain.to_ascii_lowercase()
    )
}

/// One secret's requests, in input order: position, request, and its org's limit.
type Chain = Vec<(usize, Input, Arc<Semaphore>)>;

/// The chain a request belongs to: its secret id (requests without one are chained by org).
fn secret_key(text: &str) -> Option<String> {
    let v: Value = serde_json::from_str(text).ok()?;
    match &v["secret"]["id"] {
        Value::Null => None,
        id => Some(id.to_string()),
    }
}

/// Opens the `--out` file readable by its owner only: it may hold generated passwords.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // An existing file keeps its mode on open: narrow it too.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// Runs the batch; returns the exit code (0 when every request succeeded, else 1).
///
/// Requests for one secret form a chain that runs in input order, one at a time (a change
/// then a heartbeat must not swap, and two jobs must not both miss the other's quarantine
/// entry); chains run concurrently, bounded by `concurrency` overall and `per_org` per org.
pub async fn run_batch(
    host: Arc<Host>,
    inputs: Vec<Input>,
    concurrency: usize,
    per_org: usize,
    out: Option<&Path>,
) -> Result<i32, BatchError> {
    let mut sink: Box<dyn Write> = match out {
        Some(p) => Box::new(create_private(p).map_err(|e| BatchError::Write {
            path: p.display().to_string(),
            reason: e.to_string(),
        })?),
        None => Box::new(std::io::stdout()),
    };
    let total = inputs.len();
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let global = Arc::new(Semaphore::new(concurrency));
    let mut orgs: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut chains: Vec<Chain> = Vec::new();
    let mut chain_of: HashMap<String, usize> = HashMap::new();
    // Each request's text, to answer for one whose chain task died (a bug) before answering.
    let mut texts: Vec<Zeroizing<String>> = Vec::with_capacity(total);
    for (index, input) in inputs.into_iter().enumerate() {
        let org_key = org_key(&input.text);
        let key = secret_key(&input.text).unwrap_or_else(|| format!("no id|{org_key}"));
        let org = orgs
            .entry(org_key)
            .or_insert_with(|| Arc::new(Semaphore::new(per_org)))
            .clone();
        let chain = *chain_of.entry(key).or_insert_with(|| {
            chains.push(Vec::new());
            chains.len() - 1
        });
        texts.push(input.text.clone());
        chains[chain].push((index, input, org));
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for items in chains {
        let (global, host, tx) = (global.clone(), host.clone(), tx.clone());
        tokio::spawn(async move {
            for (index, input, org) in items {
                let prepared = std::panic::catch_unwind(|| run::prepare(&input.text, None));
                let finished = match prepared {
                    Err(_) => run::lost(&input.text, false),
                    Ok(Err(result)) => run::Finished {
                        result: *result,
                        generated: None,
                    },
                    Ok(Ok(prepared)) => {
                        let prepared = Arc::new(prepared);
                        let (org, global, host) = (org.clone(), global.clone(), host.clone());
                        let job = prepared.clone();
                        // Its own task, so a panic (a bug) ends this job only, and is answered.
                        let task = tokio::spawn(async move {
                            let _org = org.acquire_owned().await;
                            let _slot = global.acquire_owned().await;
                            run::run_prepared(&host, &job, None).await
                        });
                        match task.await {
                            Ok(finished) => finished,
                            Err(_) => run::crashed(&prepared),
                        }
                    }
                };
                if tx.send((index, input.origin, finished)).is_err() {
                    return;
                }
            }
        });
    }
    drop(tx);
    let mut pending = BTreeMap::new();
    let mut next = 0;
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let (mut quarantined, mut unknown) = (0, 0);
    let mut all_ok = true;
    let mut answered = vec![false; total];
    loop {
        let (index, origin, finished) = match rx.recv().await {
            Some(done) => done,
            None => match answered.iter().position(|a| !a) {
                // Every chain has ended, yet this request has no answer: say so in its place
                // rather than withhold every later line.
                Some(index) => (
                    index,
                    format!("request #{}", index + 1),
                    run::lost(&texts[index], true),
                ),
                None => break,
            },
        };
        answered[index] = true;
        let r = &finished.result;
        *by_status.entry(r.status.as_str().to_owned()).or_default() += 1;
        quarantined += usize::from(r.code == "QUARANTINED");
        unknown += usize::from(r.active_password == ActivePassword::Unknown);
        all_ok &= run::exit_code(r) == 0;
        bar.suspend(|| {
            for line in &r.log {
                eprintln!("{origin}: {line}");
            }
        });
        bar.inc(1);
        pending.insert(index, finished.to_json());
        while let Some(v) = pending.remove(&next) {
            let line = serde_json::to_string(&v).unwrap_or_default();
            writeln!(sink, "{line}").map_err(|e| BatchError::Write {
                path: out.map_or_else(|| "stdout".to_owned(), |p| p.display().to_string()),
                reason: e.to_string(),
            })?;
            next += 1;
        }
    }
    let _ = sink.flush();
    bar.finish_and_clear();
    let counts: Vec<String> = by_status.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let mut notes = Vec::new();
    if quarantined > 0 {
        notes.push(format!("{quarantined} quarantined (not sent)"));
    }
    if unknown > 0 {
        notes.push(format!(
            "{unknown} with active_password unknown (send the new password as pending_password next time)"
        ));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("; {}", notes.join(", "))
    };
    eprintln!("batch: {total} requests: {}{notes}", counts.join(", "));
    Ok(if all_ok { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_key_uses_login_url_and_username_domain() {
        let a = r#"{"secret":{"url":"https://login.salesforce.com/","username":"a@Acme.com"}}"#;
        let b = r#"{"secret":{"items":[{"slug":"URL","itemValue":"https://LOGIN.salesforce.com"},
                   {"slug":"username","itemValue":"b@acme.com"}]}}"#;
        let c = r#"{"secret":{"url":"https://test.salesforce.com","username":"a@acme.com"}}"#;
        assert_eq!(org_key(a), org_key(b));
        assert_ne!(org_key(a), org_key(c));
        assert_eq!(org_key("not json"), "|");
    }

    #[test]
    fn requests_for_one_secret_share_a_key() {
        let a = r#"{"secret":{"id":7,"username":"a@acme.com"}}"#;
        let b = r#"{"secret":{"id":7,"username":"b@acme.com"}}"#;
        let c = r#"{"secret":{"id":"7"}}"#;
        assert_eq!(secret_key(a), secret_key(b));
        assert_ne!(secret_key(a), secret_key(c));
        assert_eq!(secret_key(r#"{"secret":{}}"#), None);
        assert_eq!(secret_key("not json"), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_out_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "old").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        drop(create_private(&path).expect("open"));
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "");
    }

    #[test]
    fn an_input_never_shows_its_text() {
        let input = Input {
            origin: "r.jsonl:1".to_owned(),
            text: Zeroizing::new("{\"secret\":{\"password\":\"hunter2\"}}".to_owned()),
        };
        let debug = format!("{input:?}");
        assert!(
            debug.contains("r.jsonl:1") && !debug.contains("hunter2"),
            "the Debug of an Input shows its text"
        );
    }

    #[test]
    fn jsonl_skips_blank_lines_and_dirs_sort_by_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let jsonl = dir.path().join("r.jsonl");
        std::fs::write(&jsonl, "{\"a\":1}\n\n  \n{\"b\":2}\n").expect("write");
        let inputs = read_inputs(&jsonl).expect("read");
        assert_eq!(inputs.len(), 2);
        assert!(inputs[1].origin.ends_with("r.jsonl:4"));
        let d = dir.path().join("d");
        std::fs::create_dir(&d).expect("mkdir");
        std::fs::write(d.join("b.json"), "{}").expect("write");
        std::fs::write(d.join("a.json"), "{}").expect("write");
        std::fs::write(d.join("notes.txt"), "x").expect("write");
        let inputs = read_inputs(&d).expect("read");
        assert_eq!(inputs.len(), 2);
        assert!(inputs[0].origin.ends_with("a.json"));
    }
}
