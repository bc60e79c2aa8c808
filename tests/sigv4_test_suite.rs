//! The AWS SigV4 test suite (`aws4_testsuite`, as botocore ships it under
//! `tests/unit/auth/aws4_testsuite`; Apache-2.0, see `tests/aws4_testsuite/NOTICE`).
//! Every vector whose request `http::Request` can represent is signed with this
//! crate's signer and must give the suite's `Authorization` header exactly.
#![cfg(feature = "sigv4")]

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use ssooidc_token::{sign_for_service, SigningCredentials};
use zeroize::Zeroizing;

/// The vectors used, each checked against its `.authz`.
const USED: &[&str] = &[
    "get-header-key-duplicate",
    "get-header-value-order",
    "get-header-value-trim",
    "get-unreserved",
    "get-utf8",
    "get-vanilla-utf8-query",
    "get-vanilla",
    "get-vanilla-empty-query-key",
    "get-vanilla-query",
    "get-vanilla-query-order-encoded",
    "get-vanilla-query-order-key",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-order-value",
    "get-vanilla-query-unreserved",
    "get-vanilla-with-session-token",
    "get-relative",
    "get-relative-relative",
    "get-slash",
    "get-slash-dot-slash",
    "get-slash-pointless-dot",
    "get-slashes",
    "get-special-character",
    "post-header-key-case",
    "post-header-key-sort",
    "post-header-value-case",
    "post-sts-header-before",
    "post-vanilla",
    "post-vanilla-empty-query-value",
    "post-vanilla-query",
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
];

/// The vectors not used, and why.
const NOT_USED: &[(&str, &str)] = &[
    (
        "get-header-value-multiline",
        "an obsolete folded header: not a valid http::HeaderValue",
    ),
    (
        "get-space",
        "a raw space in the path: not a valid http::Uri",
    ),
    (
        "post-sts-header-after",
        "the token added after signing: the SDK (and this crate) signs it",
    ),
];

fn suite() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/aws4_testsuite"))
}

fn read(name: &str, extension: &str) -> Vec<u8> {
    std::fs::read(suite().join(name).join(format!("{name}.{extension}")))
        .unwrap_or_else(|e| panic!("{name}.{extension}: {e}"))
}

/// Parses a `.req` file: request line, `Name:value` headers, blank line, body.
fn request(name: &str) -> http::Request<Zeroizing<Vec<u8>>> {
    let raw = read(name, "req");
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let mut request_line = lines.next().unwrap().splitn(2, ' ');
    let method = request_line.next().unwrap();
    let target = request_line.next().unwrap().rsplit_once(' ').unwrap().0;
    let mut builder = http::Request::builder().method(method).uri(target);
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        builder = builder.header(name.to_ascii_lowercase(), value);
    }
    builder
        .body(Zeroizing::new(body.as_bytes().to_vec()))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The session token the vector signs with, from its canonical request.
fn session_token(name: &str) -> Option<String> {
    let creq = String::from_utf8(read(name, "creq")).unwrap();
    creq.lines()
        .find_map(|line| line.strip_prefix("x-amz-security-token:"))
        .map(str::to_owned)
}

#[test]
fn every_usable_vector_gives_the_suites_authorization() {
    // 2015-08-30T12:36:00Z, the suite's clock.
    let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    for &name in USED {
        let mut request = request(name);
        let mut credentials =
            SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        if let Some(token) = session_token(name) {
            credentials = credentials.with_session_token(token);
        }
        sign_for_service(&mut request, &credentials, "us-east-1", "service", time)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = String::from_utf8(read(name, "authz")).unwrap();
        assert_eq!(
            request.headers()["authorization"].to_str().unwrap(),
            expected.trim_end(),
            "{name}"
        );
        assert_eq!(request.headers()["x-amz-date"], "20150830T123600Z");
    }
}

#[test]
fn every_vector_is_either_used_or_skipped_for_a_stated_reason() {
    let mut found: Vec<String> = std::fs::read_dir(suite())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    found.sort();
    let mut listed: Vec<String> = USED
        .iter()
        .copied()
        .chain(NOT_USED.iter().map(|(name, _)| *name))
        .map(str::to_owned)
        .collect();
    listed.sort();
    assert_eq!(found, listed);
    // The skipped ones really cannot be represented: `http` refuses the
    // folded header value, and the target with a raw space.
    let raw = String::from_utf8(read("get-header-value-multiline", "req")).unwrap();
    let folded: Vec<&str> = raw
        .lines()
        .skip_while(|line| !line.starts_with("My-Header1:"))
        .take_while(|line| !line.starts_with("X-Amz-Date"))
        .collect();
    assert_eq!(folded.len(), 3, "{raw}");
    let value = folded.join("\r\n");
    let value = &value["My-Header1:".len()..];
    assert!(http::HeaderValue::from_str(value).is_err(), "{value:?}");
    assert!(http::HeaderValue::from_str(folded[0]).is_ok());
    let raw = String::from_utf8(read("get-space", "req")).unwrap();
    let target = raw.lines().next().unwrap();
    let target = &target["GET ".len()..target.len() - " HTTP/1.1".len()];
    assert_eq!(target, "/example space/");
    assert!(http::Uri::try_from(target).is_err());
    assert!(http::Uri::try_from(target.replace(' ', "%20")).is_ok());
}
