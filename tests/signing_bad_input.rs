//! Bad input to the signer: a clear `SignError` naming what is wrong, never a
//! panic, never the secret in the message, and the request left as it was.
#![cfg(feature = "sigv4")]

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use ssooidc_token::{
    sign, sign_for_service, CredentialField, CredentialRule, SignError, SigningCredentials,
};
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
    for id in ["", "AKID/EXAMPLE", "AKID,x", "AKID\u{e9}"] {
        refused(
            request(),
            &SigningCredentials::new(id, SECRET),
            "us-east-1",
            "sso-oauth",
            &SignError::InvalidAccessKeyId,
        );
    }
    for token in ["", "tok\u{e9}n"] {
        refused(
            request(),
            &SigningCredentials::new("AKIDEXAMPLE", SECRET).with_session_token(token),
            "us-east-1",
            "sso-oauth",
            &SignError::InvalidSessionToken,
        );
    }
}

/// Each credential, each rule: the credential with the flaw, the expected
/// rule, the message. `\n` at the end is what a key read from a file carries.
const FLAWS: &[(&str, &str, CredentialRule, &str)] = &[
    (
        "",
        "\n",
        CredentialRule::TrailingWhitespace,
        "has trailing whitespace",
    ),
    (
        "",
        " ",
        CredentialRule::TrailingWhitespace,
        "has trailing whitespace",
    ),
    (
        "",
        "\r\n",
        CredentialRule::TrailingWhitespace,
        "has trailing whitespace",
    ),
    (
        "",
        "\u{a0}",
        CredentialRule::TrailingWhitespace,
        "has trailing whitespace",
    ),
    (
        " ",
        "",
        CredentialRule::LeadingWhitespace,
        "starts with whitespace",
    ),
    (
        "\t",
        "",
        CredentialRule::LeadingWhitespace,
        "starts with whitespace",
    ),
    (
        "",
        "\u{0}x",
        CredentialRule::ControlCharacter,
        "contains a control character",
    ),
    (
        "",
        "\u{7f}x",
        CredentialRule::ControlCharacter,
        "contains a control character",
    ),
    (
        "",
        "\tx",
        CredentialRule::ControlCharacter,
        "contains a control character",
    ),
    (
        "",
        "\u{85}x",
        CredentialRule::ControlCharacter,
        "contains a control character",
    ),
    ("", " x", CredentialRule::Whitespace, "contains whitespace"),
    (
        "",
        "\u{2003}x",
        CredentialRule::Whitespace,
        "contains whitespace",
    ),
];

const AKID: &str = "AKIDEXAMPLE";

/// Signs with `credentials`, expecting the `field` to break `rule`; the message
/// names the field and the rule, never the value.
fn refused_credential(
    credentials: &SigningCredentials,
    field: CredentialField,
    rule: CredentialRule,
    field_text: &str,
    rule_text: &str,
    value: &str,
) {
    refused(
        request(),
        credentials,
        "us-east-1",
        "sso-oauth",
        &SignError::InvalidCredential { field, rule },
    );
    let message = credentials_error(credentials).to_string();
    assert_eq!(
        message,
        format!("cannot sign: the {field_text} {rule_text}")
    );
    assert!(!message.contains(value.trim()), "{message}");
    // Through S3's rules too: the check comes before anything else.
    let mut s3 = http::Request::put("https://b.s3.us-east-1.amazonaws.com/k")
        .body(Zeroizing::new(b"x".to_vec()))
        .unwrap();
    let err = sign_for_service(&mut s3, credentials, "us-east-1", "s3", UNIX_EPOCH).unwrap_err();
    assert_eq!(err, SignError::InvalidCredential { field, rule });
    assert!(s3.headers().is_empty());
}

fn credentials_error(credentials: &SigningCredentials) -> SignError {
    sign(&mut request(), credentials, "us-east-1", UNIX_EPOCH).unwrap_err()
}

#[test]
fn a_secret_access_key_with_whitespace_or_a_control_character_is_refused() {
    for &(before, after, rule, text) in FLAWS {
        let secret = format!("{before}{SECRET}{after}");
        let credentials = SigningCredentials::new(AKID, secret.as_str()).with_session_token(TOKEN);
        refused_credential(
            &credentials,
            CredentialField::SecretAccessKey,
            rule,
            "secret access key",
            text,
            &secret,
        );
    }
}

#[test]
fn a_session_token_with_whitespace_or_a_control_character_is_refused() {
    for &(before, after, rule, text) in FLAWS {
        let token = format!("{before}{TOKEN}{after}");
        let credentials = SigningCredentials::new(AKID, SECRET).with_session_token(token.as_str());
        refused_credential(
            &credentials,
            CredentialField::SessionToken,
            rule,
            "session token",
            text,
            &token,
        );
    }
}

#[test]
fn an_access_key_id_with_whitespace_or_a_control_character_is_refused() {
    for &(before, after, rule, text) in FLAWS {
        let id = format!("{before}{AKID}{after}");
        let credentials = SigningCredentials::new(id.as_str(), SECRET);
        refused_credential(
            &credentials,
            CredentialField::AccessKeyId,
            rule,
            "access key id",
            text,
            &id,
        );
    }
    // A space inside: whitespace, not "letters, digits and `_`".
    assert_eq!(
        credentials_error(&SigningCredentials::new("AKID EXAMPLE", SECRET)),
        SignError::InvalidCredential {
            field: CredentialField::AccessKeyId,
            rule: CredentialRule::Whitespace,
        }
    );
}

/// The credentials are checked in the order id, secret, token; the first flaw
/// found is the one reported.
#[test]
fn the_first_flawed_credential_is_named() {
    let credentials = SigningCredentials::new(AKID, "secret\n").with_session_token("token\n");
    assert_eq!(
        credentials_error(&credentials),
        SignError::InvalidCredential {
            field: CredentialField::SecretAccessKey,
            rule: CredentialRule::TrailingWhitespace,
        }
    );
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
    /// Arbitrary header bytes, regions, signing names and times: an answer,
    /// never a panic. Each input is arbitrary in a quarter of the cases and
    /// valid otherwise, so that the header is signed in most cases (a bad
    /// region, name or time stops signing before the headers are read).
    #[test]
    fn arbitrary_input_never_panics(
        value in prop::collection::vec(any::<u8>(), 0..64),
        region in prop_oneof![3 => Just("eu-west-1".to_owned()), 1 => ".{0,20}"],
        name in prop_oneof![3 => Just("sso-oauth".to_owned()), 1 => ".{0,12}"],
        secs in prop_oneof![3 => 0u64..253_402_300_799, 1 => any::<u64>()],
    ) {
        let mut r = request();
        let header = http::HeaderValue::from_bytes(&value).ok();
        if let Some(value) = header.clone() {
            r.headers_mut().insert("x-any", value);
        }
        let time = UNIX_EPOCH.checked_add(Duration::from_secs(secs)).unwrap_or(UNIX_EPOCH);
        match sign_for_service(&mut r, &credentials(), &region, &name, time) {
            Err(err) => prop_assert!(!err.to_string().contains(SECRET)),
            // Signed: the header is among the signed ones.
            Ok(()) if header.is_some() => {
                let authorization = r.headers()["authorization"].to_str().unwrap();
                prop_assert!(authorization.contains("x-any"), "{}", authorization);
            }
            Ok(()) => {}
        }
    }
}
