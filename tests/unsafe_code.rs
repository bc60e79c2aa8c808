//! The crate's one use of `unsafe` stays in one place: the AVX2 scan of a
//! compact JWT (`src/validation/avx2.rs`, which says why it is sound). The
//! crate root denies `unsafe_code`; this test fails if any other source file
//! under `src/` uses `unsafe` or names the lint at all (to allow it, in any
//! spelling), or if the root stops denying it.

use std::path::{Path, PathBuf};

/// The one file allowed `unsafe`.
const ALLOWED: &str = "src/validation/avx2.rs";
/// The crate root's lint, the one other mention of `unsafe_code` allowed.
const DENY: &str = "#![deny(unsafe_code)]";

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// `text` without its comments and the contents of its string, raw string
/// and character literals (kept as `""` and `' '`), so that a `//` in a URL
/// does not hide the code after it and the word in a message is not code.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let after_ident = out
            .chars()
            .next_back()
            .is_some_and(|p| (p.is_alphanumeric() || p == '_') && p != 'b');
        match c {
            // A raw string: `r"..."`, `r#"..."#`, `br##"..."##`...
            'r' if !after_ident && {
                let mut ahead = chars.clone();
                while ahead.peek() == Some(&'#') {
                    ahead.next();
                }
                ahead.next() == Some('"')
            } =>
            {
                let mut hashes = 0;
                while chars.next() == Some('#') {
                    hashes += 1;
                }
                // The opening `"` is consumed; find `"` and as many `#`s.
                out.push_str("\"\"");
                'raw: while let Some(c) = chars.next() {
                    if c == '\n' {
                        out.push('\n');
                    }
                    if c == '"' {
                        let mut ahead = chars.clone();
                        if (0..hashes).all(|_| ahead.next() == Some('#')) {
                            for _ in 0..hashes {
                                chars.next();
                            }
                            break 'raw;
                        }
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                    }
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                out.push_str("\"\"");
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        '\n' => out.push('\n'),
                        _ => {}
                    }
                }
            }
            // A character literal (`'"'`), not a lifetime (`'a`).
            '\'' => {
                let rest: String = chars.clone().take(12).collect();
                let end = if rest.starts_with('\\') {
                    rest.get(2..).and_then(|r| r.find('\'')).map(|i| i + 3)
                } else {
                    rest.char_indices()
                        .nth(1)
                        .filter(|&(_, c)| c == '\'')
                        .map(|(i, _)| i + 1)
                };
                match end {
                    Some(n) => {
                        for _ in 0..n {
                            chars.next();
                        }
                        out.push_str("' '");
                    }
                    None => out.push('\''),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether `code` (a line without comments or literals) uses `unsafe` as a
/// word of its own (`unsafe {`, `unsafe fn`, `unsafe impl`...) or mentions
/// the `unsafe_code` lint.
fn uses_unsafe(code: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    code.contains("unsafe_code")
        || code.match_indices("unsafe").any(|(at, _)| {
            !code[..at].chars().next_back().is_some_and(is_ident)
                && !code[at + "unsafe".len()..].starts_with(is_ident)
        })
}

#[test]
fn unsafe_code_is_only_in_the_avx2_scan() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    assert!(files.len() > 20, "found the sources");
    let (mut outside, mut inside, mut deny) = (Vec::new(), 0, 0);
    for file in files {
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in code_only(&text).lines().enumerate() {
            if relative == "src/lib.rs" && line.trim() == DENY {
                deny += 1;
            } else if uses_unsafe(line) {
                if relative == ALLOWED {
                    inside += 1;
                } else {
                    outside.push(format!("{relative}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        outside.is_empty(),
        "`unsafe` outside {ALLOWED}:\n{}",
        outside.join("\n")
    );
    assert!(
        inside > 0,
        "{ALLOWED} no longer uses `unsafe`: update this test and lib.rs's lint"
    );
    assert_eq!(
        deny, 1,
        "src/lib.rs denies unsafe code, once, not in a comment"
    );
}

#[test]
fn the_check_sees_unsafe() {
    let sees = |text: &str| code_only(text).lines().any(uses_unsafe);
    assert!(sees("    unsafe { x() }"));
    assert!(sees("unsafe fn f() {}"));
    assert!(sees("unsafe impl Send for X {}"));
    assert!(sees("#![allow(unsafe_code)]"));
    assert!(sees("#[allow(dead_code, unsafe_code)]"));
    assert!(sees("#[allow( unsafe_code )]"));
    assert!(sees("#[allow(\n    unsafe_code,\n)]"));
    assert!(sees(r#"let u = "https://x"; unsafe { f() }"#));
    assert!(sees("let c = '\"'; unsafe { f() }"));
    assert!(sees("fn f<'a>(x: &'a u8) { unsafe { g(x) } }"));
    assert!(sees("/* note */ unsafe { f() }"));
    assert!(sees("let c = '\\''; unsafe { f() }"));
    assert!(sees("let c = '\\u{1F600}'; unsafe { f() }"));
    assert!(sees("let j = r#\"{\"a\":\"b\"}\"#; unsafe { f() }"));
    assert!(sees("let j = br\"x\"; unsafe { f() }"));
    assert!(!sees("let j = r#\"{\"m\":\"unsafe\"}\"#;"));
    assert!(sees("let for_r = 1; unsafe { f() }"));
    assert!(!sees("let unsafe_scheme = 1;"));
    assert!(!sees("// an unsafe call"));
    assert!(!sees("/* an unsafe\n call */ f();"));
    assert!(!sees(r#"let m = "an unsafe call";"#));
    assert!(!sees("is_unsafe()"));
    assert_eq!(code_only("// #![deny(unsafe_code)]").trim(), "");
}
