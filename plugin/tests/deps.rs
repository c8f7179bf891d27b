//! The plugin stays sans-IO: no async runtime, sockets, clock or randomness in its normal
//! dependency tree (for any target), and no std I/O, clock, environment or process API and no
//! printing in its source.

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

/// Source text without comments (doc comments may name what the crate does not do), string
/// and char literals kept whole: `"https://…"` is code, and everything after its `//` is
/// scanned. A small state machine over the whole text, since strings span lines.
fn code_of(text: &str) -> String {
    enum State {
        Code,
        Str,
        RawStr(usize),
        LineComment,
        BlockComment(usize),
    }
    let chars: Vec<char> = text.chars().collect();
    let ident = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
    let mut out = String::with_capacity(text.len());
    let mut state = State::Code;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match state {
            State::Code => match c {
                '/' if next == Some('/') => {
                    state = State::LineComment;
                    i += 1;
                }
                '/' if next == Some('*') => {
                    state = State::BlockComment(1);
                    i += 1;
                }
                '"' => {
                    out.push(c);
                    state = State::Str;
                }
                // r"…", r#"…"#, br"…" (not the end of an identifier like `for`).
                'r' if !ident(i.checked_sub(1).and_then(|p| chars.get(p)))
                    || (i >= 1
                        && chars[i - 1] == 'b'
                        && !ident(i.checked_sub(2).and_then(|p| chars.get(p)))) =>
                {
                    let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
                    out.push(c);
                    if chars.get(i + 1 + hashes) == Some(&'"') {
                        out.extend(&chars[i + 1..=i + 1 + hashes]);
                        state = State::RawStr(hashes);
                        i += 1 + hashes;
                    }
                }
                // A char literal ('"', '\'', '\u{7f}'); a lifetime or label has no closing quote.
                '\'' => {
                    let len = if next == Some('\\') {
                        chars
                            .get(i + 3..)
                            .and_then(|rest| rest.iter().position(|c| *c == '\''))
                            .map(|p| p + 4)
                    } else if chars.get(i + 2) == Some(&'\'') {
                        Some(3)
                    } else {
                        None
                    };
                    let len = len.unwrap_or(1);
                    out.extend(&chars[i..(i + len).min(chars.len())]);
                    i += len - 1;
                }
                _ => out.push(c),
            },
            State::Str => {
                out.push(c);
                if c == '\\' {
                    out.extend(next);
                    i += 1;
                } else if c == '"' {
                    state = State::Code;
                }
            }
            State::RawStr(hashes) => {
                out.push(c);
                let closes = c == '"'
                    && chars.len() >= i + 1 + hashes
                    && chars[i + 1..i + 1 + hashes].iter().all(|c| *c == '#');
                if closes {
                    out.extend(&chars[i + 1..i + 1 + hashes]);
                    i += hashes;
                    state = State::Code;
                }
            }
            State::LineComment => {
                if c == '\n' {
                    out.push(c);
                    state = State::Code;
                }
            }
            State::BlockComment(depth) => {
                if c == '*' && next == Some('/') {
                    state = if depth == 1 {
                        State::Code
                    } else {
                        State::BlockComment(depth - 1)
                    };
                    i += 1;
                } else if c == '/' && next == Some('*') {
                    state = State::BlockComment(depth + 1);
                    i += 1;
                } else if c == '\n' {
                    out.push(c);
                }
            }
        }
        i += 1;
    }
    out
}

#[test]
fn code_of_strips_comments_and_keeps_literals() {
    let src = r##"let a = "https://x//y"; // gone
/// gone too
let b = '"'; let q = '\''; let e = '\\'; let u = '\u{7f}'; let l: &'static str = "s//kept";
fn f<'a>(x: &'a str) {} /* gone /* nested */ still gone */ let c = r#"raw "//" kept"#;
let d = "multi \
line // kept"; let h = br"bytes//kept"; for r in x {} // gone"##;
    let code = code_of(src);
    for kept in [
        "https://x//y",
        "'\"'",
        "'\\''",
        "s//kept",
        "fn f<'a>(x: &'a str) {}",
        r##"r#"raw "//" kept"#"##,
        "line // kept",
        "br\"bytes//kept\"",
        "for r in x {}",
    ] {
        assert!(code.contains(kept), "{kept:?} missing from {code:?}");
    }
    assert!(!code.contains("gone"), "{code:?}");
    assert_eq!(
        code.lines().nth(2),
        src.lines().nth(2),
        "char literals and lifetimes"
    );
    assert_eq!(code.lines().count(), src.lines().count());
}

/// Whether `code` calls the macro `name!` (not as the tail of a longer name).
fn calls_macro(code: &str, name: &str) -> bool {
    let call = format!("{name}!");
    code.match_indices(&call).any(|(i, _)| {
        !code[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[test]
fn macro_calls_match_whole_names() {
    assert!(calls_macro("x; println!(\"a\")", "println"));
    assert!(calls_macro("{eprint!(\"a\")}", "eprint"));
    assert!(!calls_macro("eprintln!(\"a\")", "println"));
    assert!(!calls_macro("my_dbg!(x)", "dbg"));
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
        "std::io::stdout",
        "std::io::stderr",
        "core::time::Instant",
    ];
    // The plugin never prints: what it has to say goes into the result.
    const PRINTS: &[&str] = &["println", "eprintln", "print", "eprint", "dbg"];
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10, "found the plugin's sources");
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source text");
        let code = code_of(&text);
        for name in PRINTS {
            if calls_macro(&code, name) {
                problems.push(format!("{}: prints with {name}!", file.display()));
            }
        }
        // `use std::{fs, net::X}` hides the paths: flatten whitespace and check groups too.
        let code: String = code.split_whitespace().collect::<Vec<_>>().join("");
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
