//! Bad input to the signer: a clear `SignError` naming what is wrong, never a
//! panic, never the secret in the message, and the request left as it was.
#![cfg(feature = "sigv4")]

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use ssooidc_token::{sign, sign_for_service, SignError, SigningCredentials};
use zeroize::Zeroizing;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FQoGZXIvYXdzEXAMPLESESSIONTOKENvalue";

fn request() -> http::Request<Zeroizing<Vec<u8>>> {
    http::Request::post("https://oidc.us-east-1.amazonaws.com/token?aws_iam=t")
        .header("content-type", "application/json")
        .body(Zeroizing::new(b"{}".to_vec()))
        .unwrap()
}

fn credentials() -> SigningCredentials {
    SigningCredentials::new("AKIDEXAMPLE", SECRET).with_session_token(TOKEN)
}

/// Signs, expecting `expected`; checks the request was not touched and the
/// message names no secret.
fn refused(
    mut request: http::Request<Zeroizing<Vec<u8>>>,
    credentials: &SigningCredentials,
    region: &str,
    name: &str,
    expected: &SignError,
) {
    let before = request.headers().clone();
    let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let err = sign_for_service(&mut request, credentials, region, name, time).unwrap_err();
    assert_eq!(&err, expected);
    assert_eq!(request.headers(), &before, "the request was changed");
    let message = err.to_string();
    assert!(!message.contains(SECRET) && !message.contains(TOKEN));
    assert!(!message.contains("wJalr") && !message.contains("FQoG"));
    assert!(!message.ends_with('.'), "{message}");
}

#[test]
fn a_header_value_that_is_not_visible_ascii_is_named() {
    for value in [&b"caf\xc3\xa9"[..], b"\x80", b"ok\xffbad"] {
        let mut r = request();
        r.headers_mut()
            .insert("x-custom", http::HeaderValue::from_bytes(value).unwrap());
        refused(
            r,
            &credentials(),
            "us-east-1",
            "sso-oauth",
            &SignError::InvalidHeaderValue {
                name: "x-custom".into(),
            },
        );
    }
    let err = SignError::InvalidHeaderValue {
        name: "x-custom".into(),
    };
    assert_eq!(
        err.to_string(),
        "cannot sign header `x-custom`: its value must be visible ASCII or tab"
    );
}

#[test]
fn an_empty_secret_key_is_refused() {
    refused(
        request(),
        &SigningCredentials::new("AKIDEXAMPLE", ""),
        "us-east-1",
        "sso-oauth",
        &SignError::EmptySecretAccessKey,
    );
}

#[test]
fn a_bad_access_key_id_or_session_token_is_refused() {
    for id in ["", "AKID EXAMPLE", "AKID/EXAMPLE", "AKID,x"] {
        refused(
            request(),
            &SigningCredentials::new(id, SECRET),
            "us-east-1",
            "sso-oauth",
            &SignError::InvalidAccessKeyId,
        );
    }
    for token in ["", "with space", "line\nbreak", "tok\u{e9}n"] {
        refused(
            request(),
            &SigningCredentials::new("AKIDEXAMPLE", SECRET).with_session_token(token),
            "us-east-1",
            "sso-oauth",
            &SignError::InvalidSessionToken,
        );
    }
}

#[test]
fn a_region_that_is_not_dns_labels_is_refused() {
    for region in [
        "",
        "US-EAST-1",
        "us-east-1/../x",
        "us east 1",
        "-us-east-1",
        "us-east-1.",
        "us..east",
        "r\u{e9}gion",
    ] {
        refused(
            request(),
            &credentials(),
            region,
            "sso-oauth",
            &SignError::InvalidRegion,
        );
    }
}

#[test]
fn a_bad_signing_name_is_refused() {
    for name in ["", "STS", "sso oauth", "sso/oauth"] {
        refused(
            request(),
            &credentials(),
            "us-east-1",
            name,
            &SignError::InvalidSigningName,
        );
    }
}

#[test]
fn a_request_without_any_host_is_refused() {
    let r = http::Request::post("/token")
        .body(Zeroizing::new(Vec::new()))
        .unwrap();
    refused(
        r,
        &credentials(),
        "us-east-1",
        "sso-oauth",
        &SignError::MissingHost,
    );
    // With a host header, a relative URI is fine.
    let mut r = http::Request::post("/token")
        .header("host", "oidc.us-east-1.amazonaws.com")
        .body(Zeroizing::new(Vec::new()))
        .unwrap();
    sign(&mut r, &credentials(), "us-east-1", UNIX_EPOCH).unwrap();
}

#[test]
fn a_time_before_1970_is_refused() {
    let mut r = request();
    let before = UNIX_EPOCH - Duration::from_secs(1);
    assert_eq!(
        sign(&mut r, &credentials(), "us-east-1", before),
        Err(SignError::TimeOutOfRange)
    );
    assert!(!r.headers().contains_key("authorization"));
}

proptest! {
    /// Arbitrary header bytes, regions and signing names: an answer, never a panic.
    #[test]
    fn arbitrary_input_never_panics(
        value in prop::collection::vec(any::<u8>(), 0..64),
        region in ".{0,20}",
        name in ".{0,12}",
        secs in any::<u64>(),
    ) {
        let mut r = request();
        if let Ok(value) = http::HeaderValue::from_bytes(&value) {
            r.headers_mut().insert("x-any", value);
        }
        let time = UNIX_EPOCH.checked_add(Duration::from_secs(secs)).unwrap_or(UNIX_EPOCH);
        if let Err(err) = sign_for_service(&mut r, &credentials(), &region, &name, time) {
            prop_assert!(!err.to_string().contains(SECRET));
        }
    }
}
