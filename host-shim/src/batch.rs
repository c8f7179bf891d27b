//! `sfrpc batch`: many requests with bounded concurrency and a per-org limit (to stay under
//! Salesforce's login rate limits), a progress bar on stderr, one result line per request in
//! input order, and a summary by status.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use tokio::sync::Semaphore;

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

/// One input request: where it came from and its text.
#[derive(Debug)]
pub struct Input {
    /// `file.json` or `file.jsonl:LINE`, for messages.
    pub origin: String,
    /// The request JSON.
    pub text: String,
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
                let text = std::fs::read_to_string(&p).map_err(err)?;
                Ok(Input {
                    origin: p.display().to_string(),
                    text,
                })
            })
            .collect()
    } else {
        let text = std::fs::read_to_string(path).map_err(err)?;
        Ok(text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| Input {
                origin: format!("{}:{}", path.display(), i + 1),
                text: l.to_owned(),
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

/// Runs the batch; returns the exit code (0 when every request succeeded, else 1).
pub async fn run_batch(
    host: Arc<Host>,
    inputs: Vec<Input>,
    concurrency: usize,
    per_org: usize,
    out: Option<&Path>,
) -> Result<i32, BatchError> {
    let mut sink: Box<dyn Write> = match out {
        Some(p) => Box::new(std::fs::File::create(p).map_err(|e| BatchError::Write {
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
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for (index, input) in inputs.into_iter().enumerate() {
        let org = orgs
            .entry(org_key(&input.text))
            .or_insert_with(|| Arc::new(Semaphore::new(per_org)))
            .clone();
        let (global, host, tx) = (global.clone(), host.clone(), tx.clone());
        tokio::spawn(async move {
            let _org = org.acquire_owned().await;
            let _slot = global.acquire_owned().await;
            let finished = run::run(&host, &input.text, None).await;
            let _ = tx.send((index, input.origin, finished));
        });
    }
    drop(tx);
    let mut pending = BTreeMap::new();
    let mut next = 0;
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut all_ok = true;
    while let Some((index, origin, finished)) = rx.recv().await {
        let r = &finished.result;
        *by_status.entry(r.status.as_str().to_owned()).or_default() += 1;
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
    eprintln!("batch: {total} requests: {}", counts.join(", "));
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
