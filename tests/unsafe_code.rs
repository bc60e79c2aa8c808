//! The crate's one use of `unsafe` stays in one place: the AVX2 scan of a
//! compact JWT (`src/validation/avx2.rs`, which says why it is sound). The
//! crate denies `unsafe_code` everywhere else; this test fails if any other
//! source file uses `unsafe` or allows it.

use std::path::{Path, PathBuf};

/// The one file allowed `unsafe`.
const ALLOWED: &str = "src/validation/avx2.rs";

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

/// Whether `line`, outside a comment, uses `unsafe` (`unsafe {`, `unsafe fn`,
/// `unsafe impl`...) as a word of its own, or loosens the lint against it.
fn uses_unsafe(line: &str) -> bool {
    let code = line.split("//").next().unwrap_or("");
    let word = code.match_indices("unsafe").any(|(at, _)| {
        let is_ident = |c: char| c.is_alphanumeric() || c == '_';
        !code[..at].chars().next_back().is_some_and(is_ident)
            && !code[at + "unsafe".len()..].starts_with(is_ident)
    });
    let loosened = ["allow", "expect", "warn"]
        .iter()
        .any(|level| code.contains(&format!("{level}(unsafe_code")));
    word || loosened
}

#[test]
fn unsafe_code_is_only_in_the_avx2_scan() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    assert!(files.len() > 20, "found the sources");
    let mut outside = Vec::new();
    let mut inside = 0;
    for file in files {
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if uses_unsafe(line) {
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
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("#![deny(unsafe_code)]"),
        "lib.rs denies unsafe code"
    );
}

#[test]
fn the_check_sees_unsafe() {
    assert!(uses_unsafe("    unsafe { x() }"));
    assert!(uses_unsafe("unsafe fn f() {}"));
    assert!(uses_unsafe("#![allow(unsafe_code)]"));
    assert!(uses_unsafe("unsafe impl Send for X {}"));
    assert!(!uses_unsafe("let unsafe_scheme = 1;"));
    assert!(!uses_unsafe("// an unsafe call"));
    assert!(!uses_unsafe("is_unsafe()"));
    assert!(!uses_unsafe("#![deny(unsafe_code)]"));
}
