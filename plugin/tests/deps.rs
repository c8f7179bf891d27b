//! The plugin stays sans-IO: no async runtime, sockets or randomness in its normal dependency
//! tree, for any target.

use std::process::Command;

const BANNED: &[&str] = &[
    "tokio",
    "reqwest",
    "mio",
    "socket2",
    "hyper",
    "rand",
    "rand_core",
    "getrandom",
];

#[test]
fn no_io_or_randomness_crates() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "sfrpc-plugin",
            "-e",
            "normal",
            "--target",
            "all",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        names.contains(&"sfrpc-plugin") && names.contains(&"quick-xml"),
        "unexpected cargo tree output"
    );
    let found: Vec<&&str> = names.iter().filter(|n| BANNED.contains(n)).collect();
    assert!(
        found.is_empty(),
        "banned crates in the plugin's tree: {found:?}"
    );
}
