//! The plugin stays sans-IO: no async runtime, sockets, clock or randomness in its normal
//! dependency tree (for any target), and no std I/O, clock, environment or process API in its
//! source.

use std::path::Path;
use std::process::Command;

/// Crates banned by exact name or as a name prefix followed by `-` or `_` (`tokio-util`,
/// `rand_core`, `hyper-util`).
const BANNED: &[&str] = &[
    "tokio",
    "async-std",
    "async-io",
    "smol",
    "mio",
    "socket2",
    "reqwest",
    "hyper",
    "ureq",
    "rand",
    "getrandom",
    "fastrand",
    "chrono",
    "time",
];

fn banned(name: &str) -> bool {
    BANNED.iter().any(|b| {
        name == *b
            || name
                .strip_prefix(b)
                .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('_'))
    })
}

fn cargo_tree(edges: &str) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "sfrpc-plugin",
            "-e",
            edges,
            "--target",
            "all",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn ban_list_matches_by_name_and_prefix() {
    for name in [
        "tokio",
        "tokio-util",
        "rand_core",
        "rand_chacha",
        "hyper-util",
        "time",
        "chrono",
    ] {
        assert!(banned(name), "{name}");
    }
    for name in [
        "quick-xml",
        "serde",
        "timeless",
        "randomly-named",
        "thiserror",
    ] {
        assert!(!banned(name), "{name}");
    }
}

#[test]
fn no_io_clock_or_randomness_crates() {
    let text = cargo_tree("normal");
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        names.contains(&"sfrpc-plugin") && names.contains(&"quick-xml"),
        "unexpected cargo tree output"
    );
    let found: Vec<&&str> = names.iter().filter(|n| banned(n)).collect();
    assert!(
        found.is_empty(),
        "banned crates in the plugin's tree: {found:?}"
    );
}

#[test]
fn no_uuid_with_random_ids() {
    // uuid itself is harmless; its v4 (and fast-rng) features draw randomness.
    let text = cargo_tree("normal,features");
    let random: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.starts_with("uuid feature \"v4\"") || l.starts_with("uuid feature \"fast-rng\"")
        })
        .collect();
    assert!(random.is_empty(), "uuid with random ids: {random:?}");
}

/// Source text without `//` comments (doc comments may name what the crate does not do).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn source_uses_no_io_clock_env_or_process_api() {
    const FORBIDDEN: &[&str] = &[
        "std::net",
        "std::fs",
        "std::env",
        "std::process",
        "std::time",
        "SystemTime",
        "Instant",
        "thread::sleep",
        "std::thread",
        "std::io::stdin",
        "core::time::Instant",
    ];
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10, "found the plugin's sources");
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source text");
        // `use std::{fs, net::X}` hides the paths: flatten whitespace and check groups too.
        let code: String = code_of(&text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("");
        for bad in FORBIDDEN {
            let flat: String = bad.split_whitespace().collect();
            if code.contains(&flat) {
                problems.push(format!("{}: uses {bad}", file.display()));
            }
        }
        for group in code.split("usestd::{").skip(1) {
            let items = group.split('}').next().unwrap_or_default();
            for item in items.split(',') {
                let root = item.split("::").next().unwrap_or_default();
                if ["net", "fs", "env", "process", "time", "thread"].contains(&root) {
                    problems.push(format!("{}: uses std::{item}", file.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
