//! The quarantine (SPEC 5): credentials Salesforce refused, so that later jobs answer
//! `QUARANTINED` without another failed login. Stored under the state directory as one JSON
//! file per secret id, written atomically (temp file + rename) while holding an OS file lock
//! (flock) on a lock file beside it, so concurrent processes share it safely; a crashed
//! process's lock goes with it. A credential is identified by an HMAC-SHA256 of the
//! plugin's `credential_material` under a random key created once (mode 0600): the store
//! never holds a password, nor a plain hash of one.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sfrpc_plugin::{CredentialRole, Status};
use sha2::Sha256;
use zeroize::Zeroizing;

const KEY_FILE: &str = "quarantine.key";
const KEY_LEN: usize = 32;
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Why the store could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QuarantineError {
    /// A file operation failed.
    #[error("quarantine store {path}: {reason}")]
    Io {
        /// The file or directory.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// No `--state-dir`, `$XDG_STATE_HOME` or `$HOME`.
    #[error("no state directory: pass --state-dir or set XDG_STATE_HOME or HOME")]
    NoStateDir,
    /// Another process held the lock too long.
    #[error("quarantine store {0}: timed out waiting for the lock")]
    Locked(String),
    /// The key file is damaged.
    #[error("quarantine key {0} is damaged; remove it (this clears every quarantine)")]
    BadKey(String),
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> QuarantineError + '_ {
    move |e| QuarantineError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// One quarantined credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The secret's id (None when the request had none).
    pub secret_id: Option<i64>,
    /// Which credential of the request was refused.
    pub role: CredentialRole,
    /// HMAC-SHA256 (hex) of the credential material under the store's key.
    pub credential: String,
    /// The status of the refusal (the status later QUARANTINED answers carry).
    pub status: Status,
    /// Salesforce's code for the refusal (`INVALID_LOGIN`, ...).
    pub code: String,
    /// When it was recorded, seconds since the Unix epoch.
    pub recorded_at: u64,
}

/// The on-disk store.
pub struct Store {
    dir: PathBuf,
    key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// `--state-dir`, else `$XDG_STATE_HOME/sfrpc`, else `~/.local/state/sfrpc`.
pub fn default_state_dir() -> Result<PathBuf, QuarantineError> {
    let nonempty = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(x) = nonempty("XDG_STATE_HOME") {
        return Ok(x.join("sfrpc"));
    }
    nonempty("HOME")
        .map(|h| h.join(".local").join("state").join("sfrpc"))
        .ok_or(QuarantineError::NoStateDir)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Store {
    /// Opens (creating if needed, mode 0700) the state directory and its key.
    pub fn open(state_dir: &Path) -> Result<Store, QuarantineError> {
        let dir = state_dir.join("quarantine");
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(io_err(&dir))?;
        let key = load_or_create_key(state_dir)?;
        Ok(Store { dir, key })
    }

    /// The keyed hash (hex) identifying a credential.
    pub fn fingerprint(&self, material: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .expect("hmac accepts keys of any length");
        mac.update(material);
        hex::encode(mac.finalize().into_bytes())
    }

    fn file(&self, secret_id: Option<i64>) -> PathBuf {
        match secret_id {
            Some(id) => self.dir.join(format!("{id}.json")),
            None => self.dir.join("no-id.json"),
        }
    }

    fn read(&self, path: &Path) -> Result<Vec<Entry>, QuarantineError> {
        match fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| QuarantineError::Io {
                path: path.display().to_string(),
                reason: format!("not a quarantine file: {e}"),
            }),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(io_err(path)(e)),
        }
    }

    /// The entry for this credential of this secret, if quarantined.
    pub fn find(
        &self,
        secret_id: Option<i64>,
        credential: &str,
    ) -> Result<Option<Entry>, QuarantineError> {
        let entries = self.read(&self.file(secret_id))?;
        Ok(entries.into_iter().find(|e| e.credential == credential))
    }

    /// Records a refused credential (replacing an older entry for the same credential).
    pub fn record(&self, entry: Entry) -> Result<(), QuarantineError> {
        let path = self.file(entry.secret_id);
        let _lock = Lock::acquire(&path)?;
        let mut entries = self.read(&path)?;
        entries.retain(|e| e.credential != entry.credential);
        entries.push(entry);
        write_atomic(&path, &entries)
    }

    /// Every quarantined credential, ordered by secret id.
    pub fn list(&self) -> Result<Vec<Entry>, QuarantineError> {
        let mut all = Vec::new();
        for item in fs::read_dir(&self.dir).map_err(io_err(&self.dir))? {
            let path = item.map_err(io_err(&self.dir))?.path();
            if path.extension().is_some_and(|x| x == "json") {
                all.extend(self.read(&path)?);
            }
        }
        all.sort_by_key(|e| (e.secret_id, e.recorded_at));
        Ok(all)
    }

    /// Clears one secret's entries (or all of them); returns how many were removed.
    pub fn clear(&self, secret_id: Option<i64>) -> Result<usize, QuarantineError> {
        let files: Vec<PathBuf> = match secret_id {
            Some(_) => vec![self.file(secret_id)],
            None => fs::read_dir(&self.dir)
                .map_err(io_err(&self.dir))?
                .filter_map(|i| i.ok().map(|i| i.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect(),
        };
        let mut removed = 0;
        for path in files {
            let _lock = Lock::acquire(&path)?;
            removed += self.read(&path)?.len();
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(io_err(&path)(e)),
            }
        }
        Ok(removed)
    }

    /// Builds an entry stamped now.
    pub fn entry(
        &self,
        secret_id: Option<i64>,
        role: CredentialRole,
        material: &[u8],
        status: Status,
        code: &str,
    ) -> Entry {
        Entry {
            secret_id,
            role,
            credential: self.fingerprint(material),
            status,
            code: code.to_owned(),
            recorded_at: now_secs(),
        }
    }
}

fn load_or_create_key(state_dir: &Path) -> Result<Zeroizing<Vec<u8>>, QuarantineError> {
    let path = state_dir.join(KEY_FILE);
    for _ in 0..100 {
        match fs::read(&path) {
            Ok(bytes) if bytes.len() == KEY_LEN => return Ok(Zeroizing::new(bytes)),
            Ok(_) => return Err(QuarantineError::BadKey(path.display().to_string())),
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&path)(e)),
        }
        let mut key = Zeroizing::new(vec![0u8; KEY_LEN]);
        getrandom::fill(&mut key).map_err(|_| QuarantineError::Io {
            path: path.display().to_string(),
            reason: "the OS random number generator failed".to_owned(),
        })?;
        // Write a private temp file, then link it into place: the key appears whole or not at
        // all, and the first process to link wins.
        let tmp = state_dir.join(format!(".{KEY_FILE}.{}.tmp", std::process::id()));
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io_err(&tmp))?;
        f.write_all(&key)
            .and_then(|_| f.sync_all())
            .map_err(io_err(&tmp))?;
        let linked = fs::hard_link(&tmp, &path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => return Ok(key),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err(&path)(e)),
        }
    }
    Err(QuarantineError::BadKey(path.display().to_string()))
}

fn write_atomic(path: &Path, entries: &[Entry]) -> Result<(), QuarantineError> {
    let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
    let text = serde_json::to_string_pretty(entries).map_err(|e| QuarantineError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(io_err(&tmp))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(io_err(&tmp))?;
    fs::rename(&tmp, path).map_err(io_err(path))
}

/// An exclusive OS lock (flock) on a lock file next to a quarantine file, held until drop.
/// The lock file itself stays: removing it would let two processes lock two different files.
struct Lock {
    _file: fs::File,
}

impl Lock {
    fn acquire(target: &Path) -> Result<Lock, QuarantineError> {
        let path = target.with_extension("lock");
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(io_err(&path))?;
        let start = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Lock { _file: file }),
                Err(fs::TryLockError::WouldBlock) => {}
                Err(fs::TryLockError::Error(e)) => return Err(io_err(&path)(e)),
            }
            if start.elapsed() > LOCK_WAIT {
                return Err(QuarantineError::Locked(path.display().to_string()));
            }
            // Held only for one read-modify-write by another process: a short wait.
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Formats seconds since the epoch as an RFC 3339 UTC time.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(store: &Store, id: Option<i64>, material: &[u8]) -> Entry {
        store.entry(
            id,
            CredentialRole::Current,
            material,
            Status::LoginFailed,
            "INVALID_LOGIN",
        )
    }

    #[test]
    fn a_record_is_seen_by_another_store_instance() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = Store::open(dir.path()).expect("open a");
        let b = Store::open(dir.path()).expect("open b");
        let fa = a.fingerprint(b"credential one");
        assert_eq!(
            fa,
            b.fingerprint(b"credential one"),
            "both instances share the key"
        );
        assert_eq!(b.find(Some(7), &fa).expect("find"), None);
        a.record(entry(&a, Some(7), b"credential one"))
            .expect("record");
        let found = b.find(Some(7), &fa).expect("find").expect("quarantined");
        assert_eq!(found.status, Status::LoginFailed);
        assert_eq!(found.code, "INVALID_LOGIN");
        assert_eq!(
            b.find(Some(8), &fa).expect("find"),
            None,
            "another secret id"
        );
        let other = b.fingerprint(b"credential two");
        assert_eq!(
            b.find(Some(7), &other).expect("find"),
            None,
            "a changed credential"
        );
    }

    #[test]
    fn concurrent_writers_lose_no_entry() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().to_owned();
        Store::open(&path).expect("create key");
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let s = Store::open(&path).expect("open");
                    let material = format!("credential {i}");
                    s.record(entry(&s, Some(1), material.as_bytes()))
                        .expect("record");
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        let s = Store::open(&path).expect("open");
        assert_eq!(s.list().expect("list").len(), 8);
    }

    #[test]
    fn a_held_lock_makes_others_wait_and_a_released_one_does_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open(dir.path()).expect("open");
        let target = s.file(Some(9));
        let held = Lock::acquire(&target).expect("first lock");
        let other = OpenOptions::new()
            .write(true)
            .open(target.with_extension("lock"))
            .expect("lock file");
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(held);
        other.try_lock().expect("free after drop");
        drop(other);
        s.record(entry(&s, Some(9), b"x"))
            .expect("record after a lock was left behind");
        assert_eq!(
            s.list().expect("list").len(),
            1,
            "lock files are not listed"
        );
    }

    #[test]
    fn clear_one_secret_or_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open(dir.path()).expect("open");
        s.record(entry(&s, Some(1), b"a")).expect("record");
        s.record(entry(&s, Some(1), b"a"))
            .expect("record again replaces");
        s.record(entry(&s, Some(2), b"b")).expect("record");
        s.record(entry(&s, None, b"c")).expect("record");
        assert_eq!(s.list().expect("list").len(), 3);
        assert_eq!(s.clear(Some(1)).expect("clear"), 1);
        assert_eq!(s.clear(Some(1)).expect("clear again"), 0);
        assert_eq!(s.clear(None).expect("clear all"), 2);
        assert!(s.list().expect("list").is_empty());
    }

    #[test]
    fn the_key_is_private_and_the_store_holds_no_material() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open(dir.path()).expect("open");
        s.record(entry(&s, Some(3), b"hunter2-secret-material"))
            .expect("record");
        let mode = fs::metadata(dir.path().join(KEY_FILE))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let text = fs::read_to_string(dir.path().join("quarantine/3.json")).expect("file");
        assert!(!text.contains("hunter2"));
        assert!(!text.contains(&hex::encode(b"hunter2-secret-material")));
    }

    #[test]
    fn a_damaged_key_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join(KEY_FILE), b"short").expect("write");
        assert!(matches!(
            Store::open(dir.path()),
            Err(QuarantineError::BadKey(_))
        ));
    }

    #[test]
    fn rfc3339_formats_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
    }
}
