//! A cache file that is not what it should be: a `CacheError` naming the file, the
//! member and the rule, never a value and never an unknown member's name; no panic
//! on any bytes at all.

use std::error::Error as _;

use ssooidc_token::ExposeSecret;

use proptest::prelude::*;
use ssooidc_token::cache::{
    CacheError, CacheErrorKind, CacheKey, CachedToken, RegistrationKey, TokenCache,
};

#[path = "common/temp_dir.rs"]
mod temp_dir;
use temp_dir::TempDir;

const CANARY: &str = "Zq7CANARYw0Pm3Xv";

/// The error's message and every source's, as a log line would show them.
fn full_text(err: &CacheError) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn load_text(text: &[u8]) -> Result<Option<CachedToken>, CacheError> {
    let dir = TempDir::new("bad");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    std::fs::write(cache.token_path(&key), text).unwrap();
    cache.load(&key)
}

fn expect_error(text: &str, kind: CacheErrorKind, member: Option<&str>) {
    let err = load_text(text.as_bytes()).expect_err(text);
    assert_eq!(err.kind(), &kind, "{text}: {err}");
    assert_eq!(err.member(), member, "{text}: {err}");
    let shown = full_text(&err);
    assert!(
        shown.contains("34c6fceca75e456f25e7e99531e2425c6c1de443.json"),
        "names the file: {shown}"
    );
    if let Some(member) = member {
        assert!(
            shown.contains(&format!("`{member}`")),
            "names the member: {shown}"
        );
    }
    assert!(!shown.contains(CANARY), "echoes a value: {shown}");
    assert!(
        !shown.contains("secretName"),
        "echoes an unknown name: {shown}"
    );
}

const GOOD_TIME: &str = "2021-12-25T21:30:00Z";

#[test]
fn malformed_json_is_a_syntax_error_with_its_offset() {
    for text in [
        String::new(),
        "not json".to_owned(),
        format!(r#"["{CANARY}"]"#),
        format!(r#"{{"accessToken":"{CANARY}""#),
        format!(r#"{{"accessToken":"{CANARY}","expiresAt":"{GOOD_TIME}"}} trailing"#),
        format!(r#"{{"accessToken":"{CANARY}","expiresAt":"{GOOD_TIME}",}}"#),
        format!(r#"{{"secretName{CANARY}":"{CANARY}\q"}}"#),
        format!(r#"{{"accessToken":"{CANARY}\ud800","expiresAt":"{GOOD_TIME}"}}"#),
        format!("{{\"accessToken\":\"{CANARY}\n\",\"expiresAt\":\"{GOOD_TIME}\"}}"),
    ] {
        let err = load_text(text.as_bytes()).expect_err(&text);
        assert_eq!(err.kind(), &CacheErrorKind::Syntax, "{text}: {err}");
        assert!(!full_text(&err).contains(CANARY), "{}", full_text(&err));
    }
    // Invalid UTF-8 inside a known member.
    let mut bytes = br#"{"accessToken":""#.to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(br#"","expiresAt":"2021-12-25T21:30:00Z"}"#);
    let err = load_text(&bytes).unwrap_err();
    assert_eq!(err.kind(), &CacheErrorKind::Syntax);
    assert_eq!(err.member(), Some("accessToken"));
    // A member's value that is not well-formed is named as such, not as a
    // file that is not a JSON object.
    for text in [
        format!(r#"{{"accessToken":"{CANARY}\q","expiresAt":"{GOOD_TIME}"}}"#),
        format!(r#"{{"accessToken":"{CANARY}\ud800","expiresAt":"{GOOD_TIME}"}}"#),
    ] {
        let err = load_text(text.as_bytes()).expect_err(&text);
        assert_eq!(err.member(), Some("accessToken"), "{text}: {err}");
        let shown = err.to_string();
        assert!(
            shown.ends_with("member `accessToken` is not well-formed JSON"),
            "{shown}"
        );
        assert!(!full_text(&err).contains(CANARY), "{}", full_text(&err));
    }
    let err = load_text(b"not json").unwrap_err();
    assert!(err.to_string().ends_with(" is not a JSON object"), "{err}");
}

#[test]
fn missing_members_are_named() {
    expect_error(
        &format!(r#"{{"expiresAt":"{GOOD_TIME}","secretName":"{CANARY}"}}"#),
        CacheErrorKind::Missing,
        Some("accessToken"),
    );
    expect_error(
        &format!(r#"{{"accessToken":"{CANARY}"}}"#),
        CacheErrorKind::Missing,
        Some("expiresAt"),
    );
    expect_error(
        &format!(r#"{{"accessToken":null,"expiresAt":"{GOOD_TIME}"}}"#),
        CacheErrorKind::Missing,
        Some("accessToken"),
    );
    expect_error("{}", CacheErrorKind::Missing, Some("accessToken"));
}

#[test]
fn non_string_members_are_named() {
    for (member, value) in [
        ("accessToken", "42"),
        ("expiresAt", "1640467800"),
        ("refreshToken", "true"),
        ("clientId", "[\"x\"]"),
        ("clientSecret", "{\"v\":\"Zq7CANARYw0Pm3Xv\"}"),
        ("registrationExpiresAt", "1.5"),
        ("region", "false"),
        ("startUrl", "[]"),
    ] {
        let mut members = vec![
            ("accessToken", format!("\"{CANARY}\"")),
            ("expiresAt", format!("\"{GOOD_TIME}\"")),
        ];
        members.retain(|(name, _)| *name != member);
        members.push((member, value.to_owned()));
        let body: Vec<String> = members
            .iter()
            .map(|(n, v)| format!("\"{n}\":{v}"))
            .collect();
        expect_error(
            &format!("{{{}}}", body.join(",")),
            CacheErrorKind::NotString,
            Some(member),
        );
    }
}

#[test]
fn an_empty_access_token_and_duplicates_are_refused() {
    expect_error(
        &format!(r#"{{"accessToken":"","expiresAt":"{GOOD_TIME}"}}"#),
        CacheErrorKind::Empty,
        Some("accessToken"),
    );
    expect_error(
        &format!(
            r#"{{"accessToken":"{CANARY}","ACCESSTOKEN":"{CANARY}","expiresAt":"{GOOD_TIME}"}}"#
        ),
        CacheErrorKind::Duplicate,
        Some("accessToken"),
    );
}

#[test]
fn every_timestamp_form_with_garbage_is_refused() {
    let not_timestamps = [
        "",
        "soon",
        "2021-12-25T21:30:00Z ",
        " 2021-12-25T21:30:00Z",
        "2021-12-25T21:30:00Zx",
        "2021-12-25T21:30:00UTCx",
        "2021-12-25T21:30:00 UTC",
        "2021-12-25T21:30:00+00:00x",
        "2021-12-25T21:30:00+0000x",
        "2021-12-25T21:30:00.Z",
        "2021-12-25T21:30:00.12x3Z",
        "2021-12-25 21:30:00Z",
        "2021-12-25T21:30:00",
        "2021-13-25T21:30:00Z",
        "2021-02-29T21:30:00Z",
        "1640467800",
        "Zq7CANARYw0Pm3Xv",
    ]
    .map(|time| (time, CacheErrorKind::Timestamp));
    // Timestamps, but ones the cache cannot write back: out of range, not
    // "not a timestamp".
    let out_of_range = [
        "1969-12-31T23:59:59Z",
        "9999-12-31T23:30:00-01:00", // after 9999 in UTC
    ]
    .map(|time| (time, CacheErrorKind::OutOfRange));
    for member in ["expiresAt", "registrationExpiresAt"] {
        for (time, kind) in not_timestamps.iter().chain(&out_of_range) {
            let text = format!(
                r#"{{"accessToken":"{CANARY}","expiresAt":"{GOOD_TIME}","{member}":"{time}"}}"#
            )
            .replacen(
                &format!(r#""expiresAt":"{GOOD_TIME}","expiresAt""#),
                r#""expiresAt""#,
                1,
            );
            expect_error(&text, *kind, Some(member));
        }
    }
}

#[test]
fn registration_files_name_their_members_too() {
    let dir = TempDir::new("bad");
    let cache = TokenCache::new(dir.path());
    let key = RegistrationKey::new(
        "https://d-abc123.awsapps.com/start",
        "us-east-1",
        None,
        None,
    );
    for (text, kind, member) in [
        (
            format!(r#"{{"clientSecret":"{CANARY}","expiresAt":"{GOOD_TIME}"}}"#),
            CacheErrorKind::Missing,
            "clientId",
        ),
        (
            format!(
                r#"{{"clientId":"c","clientSecret":"{CANARY}","expiresAt":"{GOOD_TIME}","scopes":"{CANARY}"}}"#
            ),
            CacheErrorKind::NotString,
            "scopes",
        ),
        (
            format!(
                r#"{{"clientId":"c","clientSecret":"{CANARY}","expiresAt":"{GOOD_TIME}","grantTypes":[1]}}"#
            ),
            CacheErrorKind::NotString,
            "grantTypes",
        ),
        (
            format!(r#"{{"clientId":"c","clientSecret":"{CANARY}","expiresAt":"x{CANARY}"}}"#),
            CacheErrorKind::Timestamp,
            "expiresAt",
        ),
        (
            format!(r#"{{"clientId":"","clientSecret":"{CANARY}","expiresAt":"{GOOD_TIME}"}}"#),
            CacheErrorKind::Empty,
            "clientId",
        ),
    ] {
        std::fs::write(cache.registration_path(&key), &text).unwrap();
        let err = cache.load_registration(&key).expect_err(&text);
        assert_eq!(err.kind(), &kind, "{text}");
        assert_eq!(err.member(), Some(member), "{text}");
        let shown = full_text(&err);
        assert!(shown.contains(&key.file_name()), "{shown}");
        assert!(!shown.contains(CANARY), "{shown}");
    }
}

#[test]
fn a_file_over_1_mib_is_refused_unread() {
    let mut text = format!(r#"{{"accessToken":"{CANARY}","expiresAt":"{GOOD_TIME}","pad":""#);
    text.push_str(&"x".repeat(1 << 20));
    text.push_str("\"}");
    let err = load_text(text.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), &CacheErrorKind::TooLarge);
    assert!(err.to_string().contains("1 MiB"));
}

#[test]
fn an_unreadable_directory_or_file_is_a_read_error_naming_the_file() {
    let dir = TempDir::new("bad");
    let key = CacheKey::session("dev");
    // The "directory" is a file: nothing under it can be read or created.
    let not_a_dir = dir.path().join("plain-file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let cache = TokenCache::new(&not_a_dir);
    let err = cache.load(&key).unwrap_err();
    assert_eq!(err.kind(), &CacheErrorKind::Read);
    assert_eq!(err.path(), Some(cache.token_path(&key).as_path()));
    assert!(err.source().is_some());
    let token = CachedToken::builder()
        .access_token(CANARY)
        .expires_at(std::time::SystemTime::now())
        .build()
        .unwrap();
    let err = cache.store(&key, &token).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            CacheErrorKind::CreateDirectory | CacheErrorKind::Write
        ),
        "{err}"
    );
    assert!(!full_text(&err).contains(CANARY));
    // The token's path is a directory: it cannot be read as a file.
    let cache = TokenCache::new(dir.path());
    std::fs::create_dir(cache.token_path(&key)).unwrap();
    let err = cache.load(&key).unwrap_err();
    assert_eq!(err.kind(), &CacheErrorKind::Read, "{err}");
    // ... nor replaced; and no temporary file is left behind.
    let err = cache.store(&key, &token).unwrap_err();
    assert_eq!(err.kind(), &CacheErrorKind::Write, "{err}");
    assert_eq!(
        dir.names(),
        [
            "34c6fceca75e456f25e7e99531e2425c6c1de443.json",
            "plain-file"
        ]
    );
    // A directory without permissions (only where permissions apply: not as root).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = TempDir::new("bad-locked");
        let cache = TokenCache::new(locked.path());
        std::fs::write(cache.token_path(&key), "{}").unwrap();
        std::fs::set_permissions(locked.path(), std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read_dir(locked.path()).is_err() {
            let err = cache.load(&key).unwrap_err();
            assert_eq!(err.kind(), &CacheErrorKind::Read, "{err}");
            assert!(err.to_string().contains(&key.file_name()));
        } else {
            eprintln!(
                "permission case skipped: running with permissions that read anything (root)"
            );
        }
        std::fs::set_permissions(locked.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}

/// A FIFO where a token file should be (or among the logins): an error, or
/// passed over, at once; opening it for reading would wait for a writer.
#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    use std::sync::mpsc;
    let dir = TempDir::new("bad-fifo");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("dev");
    let fifo = cache.token_path(&key);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (done, finished) = mpsc::channel();
    let (in_thread, dir_path) = (cache.clone(), dir.path().to_path_buf());
    std::thread::spawn(move || {
        let loaded = in_thread.load(&CacheKey::session("dev")).map(|_| ());
        let logins = in_thread.logins().map(|logins| logins.len());
        let _ = done.send((loaded, logins));
        drop(dir_path);
    });
    let Ok((loaded, logins)) = finished.recv_timeout(std::time::Duration::from_secs(20)) else {
        // Let the blocked open go before failing.
        let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
        panic!("reading the cache waited on a FIFO");
    };
    let err = loaded.unwrap_err();
    assert_eq!(err.kind(), &CacheErrorKind::Read, "{err}");
    assert!(
        full_text(&err).contains("not a regular file"),
        "{}",
        full_text(&err)
    );
    assert_eq!(logins.unwrap(), 0);
}

fn member_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!("\"{CANARY}\"")),
        Just(format!("\"x{CANARY}\\u00e9\"")),
        Just(format!("\"{GOOD_TIME}\"")),
        Just(format!("\"2021-12-25T21:30:00.5+01:00{CANARY}\"")),
        Just("null".to_owned()),
        Just("1e400".to_owned()),
        Just(format!("[\"{CANARY}\"]")),
        Just(format!("{{\"secretName\":\"{CANARY}\"}}")),
        "[ -~]{0,12}".prop_map(|s| format!("\"{CANARY}{s}\"")),
        "[ -~]{0,12}",
    ]
}

fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("accessToken".to_owned()),
        Just("EXPIRESAT".to_owned()),
        Just("refreshToken".to_owned()),
        Just("clientSecret".to_owned()),
        Just("registrationExpiresAt".to_owned()),
        Just("region".to_owned()),
        Just(format!("secretName{CANARY}")),
    ]
}

proptest! {
    /// Any bytes at all: no panic, and nothing of the input in the error.
    #[test]
    fn arbitrary_bytes_never_panic_or_leak(noise in proptest::collection::vec(any::<u8>(), 0..64), at in 0usize..80) {
        let mut bytes = format!(r#"{{"accessToken":"{CANARY}","expiresAt":"{GOOD_TIME}"}}"#).into_bytes();
        let at = at.min(bytes.len());
        bytes.splice(at..at, noise);
        if let Err(err) = load_text(&bytes) {
            prop_assert!(!full_text(&err).contains(CANARY), "{}", full_text(&err));
        }
    }

    /// Objects of known and unknown members with values of every kind.
    #[test]
    fn arbitrary_objects_never_panic_or_leak(
        members in proptest::collection::vec((member_name(), member_value()), 0..8),
        cut in proptest::option::of(0usize..200),
    ) {
        let body: Vec<String> = members.iter().map(|(n, v)| format!("\"{n}\":{v}")).collect();
        let mut text = format!("{{{}}}", body.join(","));
        if let Some(cut) = cut {
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        match load_text(text.as_bytes()) {
            Err(err) => {
                let shown = full_text(&err);
                prop_assert!(!shown.contains(CANARY), "{}", shown);
                prop_assert!(!shown.contains("secretName"), "{}", shown);
            }
            Ok(token) => {
                // A token that loads shows none of its secrets.
                let token = token.expect("the file exists");
                let shown = format!("{:?}", token);
                prop_assert!(shown.contains("[REDACTED]"));
                // Its secrets are not shown (the canary may also sit in a
                // member that is no secret, such as `region`, shown as is).
                let secrets = [
                    Some(token.access_token()),
                    token.refresh_token(),
                    token.client_secret(),
                ];
                let plain = [token.region(), token.start_url(), token.client_id()];
                for secret in secrets.into_iter().flatten() {
                    let secret = secret.expose_secret();
                    let also_plain = plain.iter().flatten().any(|p| p.contains(secret));
                    prop_assert!(
                        secret.len() < 8 || also_plain || !shown.contains(secret),
                        "{}",
                        shown
                    );
                }
            }
        }
    }
}
