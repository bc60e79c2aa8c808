//! `RegisterClient` and `StartDeviceAuthorization`: what `build()` refuses, and
//! how their responses are read, including malformed ones (clear errors naming the
//! member, no panic, no secret echoed).

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use ssooidc_token::grant::{AuthorizationCode, DeviceCode, Grant, RefreshToken};
use ssooidc_token::login::{
    RegisterClient, RegisterClientResponse, StartDeviceAuthorization,
    StartDeviceAuthorizationResponse,
};
use ssooidc_token::{ExposeSecret, ParseErrorKind, Rule, Syntax};

fn problems(err: &ssooidc_token::BuildError) -> Vec<(&'static str, Option<usize>, Rule)> {
    err.problems()
        .iter()
        .map(|p| (p.field(), p.index(), *p.rule()))
        .collect()
}

#[test]
fn register_client_accepts_the_public_grants_and_loopback_redirects() {
    let request = RegisterClient::builder()
        .client_name("my-cli")
        .grant_type(AuthorizationCode::GRANT_TYPE)
        .grant_type(RefreshToken::GRANT_TYPE)
        .grant_type(DeviceCode::GRANT_TYPE)
        .redirect_uri("http://127.0.0.1:8400/oauth/callback")
        .redirect_uri("http://[::1]:8400/oauth/callback")
        .redirect_uri("https://app.example.com/cb")
        .redirect_uri("com.example.app:/cb")
        .scope("sso:account:access")
        .issuer_url("https://identitycenter.amazonaws.com/ssoins-1111111111111111")
        .entitled_application_arn("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
        .build()
        .unwrap();
    assert_eq!(request.client_type(), "public");
    assert_eq!(request.grant_types().len(), 3);
    assert_eq!(request.redirect_uris().len(), 4);
    assert_eq!(request.scopes(), ["sso:account:access"]);
}

#[test]
fn register_client_lists_every_problem() {
    let err = RegisterClient::builder()
        .client_name("")
        .grant_type("authorization_code")
        .grant_type("urn:ietf:params:oauth:grant-type:jwt-bearer")
        .grant_type("password")
        .scope("bad scope")
        .issuer_url("relative/path")
        .entitled_application_arn("")
        .build()
        .unwrap_err();
    assert_eq!(
        problems(&err),
        [
            ("client_name", None, Rule::Empty),
            ("entitled_application_arn", None, Rule::Empty),
            ("grant_type", Some(1), Rule::KnownGrantType),
            ("grant_type", Some(2), Rule::KnownGrantType),
            ("issuer_url", None, Rule::AbsoluteUri),
            ("redirect_uri", None, Rule::RedirectUriRequired),
            ("scope", Some(0), Rule::ScopeToken),
        ]
    );
    assert!(err
        .to_string()
        .starts_with("invalid RegisterClient request: client_name must not be empty; "));
}

#[test]
fn redirect_uris_are_absolute_and_plain_http_only_to_loopback() {
    let err = RegisterClient::builder()
        .client_name("my-cli")
        .grant_type("authorization_code")
        .redirect_uri("/relative")
        .redirect_uri("http://127.0.0.1:8400/cb#frag")
        .redirect_uri("http://localhost:8400/cb")
        .redirect_uri("http://example.com/cb")
        .redirect_uri("http://127.0.0.1.evil.example/cb")
        .redirect_uri("http://user@127.0.0.1/cb")
        .redirect_uri("HTTP://127.0.0.1:8400/cb")
        .redirect_uri("http://[::1]/cb")
        .build()
        .unwrap_err();
    assert_eq!(
        problems(&err),
        [
            ("redirect_uri", Some(0), Rule::AbsoluteUri),
            ("redirect_uri", Some(1), Rule::UriFragment),
            ("redirect_uri", Some(2), Rule::LoopbackHttp),
            ("redirect_uri", Some(3), Rule::LoopbackHttp),
            ("redirect_uri", Some(4), Rule::LoopbackHttp),
            ("redirect_uri", Some(5), Rule::LoopbackHttp),
        ]
    );
}

#[test]
fn start_device_authorization_checks_its_fields_without_echoing_the_secret() {
    let err = StartDeviceAuthorization::builder()
        .client_id("")
        .client_secret("")
        .start_url("d-1234567890.awsapps.com/start")
        .build()
        .unwrap_err();
    assert_eq!(
        problems(&err),
        [
            ("client_id", None, Rule::Empty),
            ("client_secret", None, Rule::Empty),
            ("start_url", None, Rule::AbsoluteUri),
        ]
    );
    let ok = StartDeviceAuthorization::builder()
        .client_id("c")
        .client_secret("the-client-secret")
        .start_url("https://d-1234567890.awsapps.com/start/#")
        .build()
        .unwrap();
    assert_eq!(ok.start_url(), "https://d-1234567890.awsapps.com/start/#");
    assert!(!format!("{ok:?}").contains("the-client-secret"));
    let builder = StartDeviceAuthorization::builder().client_secret("the-client-secret");
    assert!(!format!("{builder:?}").contains("the-client-secret"));
    assert_eq!(ok.client_secret().expose_secret(), "the-client-secret");
}

#[test]
fn register_client_response_reads_every_member() {
    let response = RegisterClientResponse::from_json(
        br#"{"clientId":"_yzkThXVzLWVhc3QtMQ","clientSecret":"VERYLONG\"SECRET","clientIdIssuedAt":1700000000,
            "clientSecretExpiresAt":1707776000,"authorizationEndpoint":"https://oidc.us-east-1.amazonaws.com/authorize",
            "tokenEndpoint":"https://oidc.us-east-1.amazonaws.com/token","newMember":[{"x":null}]}"#,
    )
    .unwrap();
    assert_eq!(response.client_id(), "_yzkThXVzLWVhc3QtMQ");
    assert_eq!(response.client_secret().expose_secret(), "VERYLONG\"SECRET");
    assert_eq!(
        response.client_id_issued_at(),
        Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
    );
    assert_eq!(
        response.client_secret_expires_at(),
        Some(UNIX_EPOCH + Duration::from_secs(1_707_776_000))
    );
    assert_eq!(
        response.authorization_endpoint(),
        Some("https://oidc.us-east-1.amazonaws.com/authorize")
    );
    assert_eq!(
        response.token_endpoint(),
        Some("https://oidc.us-east-1.amazonaws.com/token")
    );
    assert!(!format!("{response:?}").contains("SECRET"));

    let minimal = RegisterClientResponse::from_json(
        br#"{"clientId":"c","clientSecret":"s","tokenEndpoint":null}"#,
    )
    .unwrap();
    assert_eq!(minimal.client_secret_expires_at(), None);
    assert_eq!(minimal.token_endpoint(), None);
}

#[test]
fn device_authorization_response_reads_every_member() {
    let response = StartDeviceAuthorizationResponse::from_json(
        br#"{"deviceCode":"devc-SECRET","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.us-east-1.amazonaws.com/",
            "verificationUriComplete":"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH","expiresIn":600,"interval":1}"#,
    )
    .unwrap();
    assert_eq!(response.device_code().expose_secret(), "devc-SECRET");
    assert_eq!(response.user_code(), "ABCD-EFGH");
    assert_eq!(
        response.verification_uri(),
        "https://device.sso.us-east-1.amazonaws.com/"
    );
    assert_eq!(
        response.verification_uri_complete(),
        Some("https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH")
    );
    assert_eq!(response.expires_in(), 600);
    assert_eq!(response.interval(), Some(1));
    assert!(!format!("{response:?}").contains("SECRET"));
}

#[test]
fn malformed_responses_name_the_member_and_never_echo() {
    let register: &[(&[u8], Option<&str>, &str)] = &[
        (br#"{"clientSecret":"SECRET"}"#, Some("clientId"), "missing member `clientId`"),
        (br#"{"clientId":"c"}"#, Some("clientSecret"), "missing member `clientSecret`"),
        // A registration that cannot authenticate (nor be cached and read back).
        (br#"{"clientId":"c","clientSecret":""}"#, Some("clientSecret"), "member `clientSecret` must not be empty"),
        (br#"{"clientId":"","clientSecret":"SECRET"}"#, Some("clientId"), "member `clientId` must not be empty"),
        (br#"{"clientId":"c","clientSecret":"SECRET","clientSecret":"SECRET"}"#, Some("clientSecret"), "duplicate member `clientSecret` (at byte 40)"),
        (br#"{"clientId":"c","clientSecret":7}"#, Some("clientSecret"), "member `clientSecret`: expected a string (at byte 31)"),
        (br#"{"clientId":"c","clientSecret":"SECRET","clientIdIssuedAt":1.5}"#, Some("clientIdIssuedAt"), "member `clientIdIssuedAt`: expected an integer (at byte 59)"),
        (br#"{"clientId":"c","clientSecret":"SECRET","clientSecretExpiresAt":99999999999999999999}"#, Some("clientSecretExpiresAt"), "member `clientSecretExpiresAt`: integer out of range (at byte 64)"),
        // 2^63 written as a number with a fraction is as far out of range as
        // written whole (a cast would have saturated it to `i64::MAX`).
        (br#"{"clientId":"c","clientSecret":"SECRET","clientSecretExpiresAt":9223372036854775808.0}"#, Some("clientSecretExpiresAt"), "member `clientSecretExpiresAt`: integer out of range (at byte 64)"),
        (br#"{"clientId":"c","clientSecret":"SECRET","clientSecretExpiresAt":9.3e18}"#, Some("clientSecretExpiresAt"), "member `clientSecretExpiresAt`: integer out of range (at byte 64)"),
        (br#"{"clientId":"c","clientSecret":"SECRET"#, Some("clientSecret"), "member `clientSecret`: unterminated string (at byte 31)"),
        (b"<html>SECRET</html>", None, "invalid body: expected a JSON object (at byte 0)"),
    ];
    for (body, member, message) in register {
        let err = RegisterClientResponse::from_json(body).unwrap_err();
        assert_eq!(
            (err.member(), err.to_string().as_str()),
            (*member, *message)
        );
        assert!(!format!("{err:?}").contains("SECRET"));
    }
    let device: &[(&[u8], Option<&str>)] = &[
        (br#"{"userCode":"U","verificationUri":"v","expiresIn":1}"#, Some("deviceCode")),
        (br#"{"deviceCode":"SECRET","verificationUri":"v","expiresIn":1}"#, Some("userCode")),
        (br#"{"deviceCode":"SECRET","userCode":"U","expiresIn":1}"#, Some("verificationUri")),
        (br#"{"deviceCode":"SECRET","userCode":"U","verificationUri":"v"}"#, Some("expiresIn")),
        (br#"{"deviceCode":"SECRET","userCode":"U","verificationUri":"v","expiresIn":"600"}"#, Some("expiresIn")),
        (br#"{"deviceCode":"SECRET","userCode":"U","verificationUri":"v","expiresIn":600,"interval":5000000000}"#, Some("interval")),
        (br#"{"deviceCode":"SEC\uZZZZRET"}"#, Some("deviceCode")),
    ];
    for (body, member) in device {
        let err = StartDeviceAuthorizationResponse::from_json(body).unwrap_err();
        assert_eq!(err.member(), *member, "{err}");
        assert!(!format!("{err} {err:?}").contains("SEC"), "{err}");
    }
    let err = StartDeviceAuthorizationResponse::from_json(br#"{"deviceCode":"SEC\uZZZZRET"}"#)
        .unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::Syntax(Syntax::InvalidEscape));
}

/// A JSON value that may be a member of either response, of any type.
fn member() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "clientId",
        "clientSecret",
        "clientIdIssuedAt",
        "clientSecretExpiresAt",
        "authorizationEndpoint",
        "tokenEndpoint",
        "deviceCode",
        "userCode",
        "verificationUri",
        "verificationUriComplete",
        "expiresIn",
        "interval",
        "other",
    ]);
    let value = prop_oneof![
        Just("\"CANARYSECRET\"".to_owned()),
        Just("\"CANARY\\u0041SECRET\\n\"".to_owned()),
        Just("null".to_owned()),
        Just("[\"CANARYSECRET\"]".to_owned()),
        Just("{\"a\":\"CANARYSECRET\"}".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("1e3".to_owned()),
        Just("\"CANARYSECRET".to_owned()),
    ];
    (key, value).prop_map(|(k, v)| format!("\"{k}\":{v}"))
}

proptest! {
    /// Well-formed objects of random members, then cut or corrupted at a random
    /// place: parsing never panics, and an error never shows a value.
    #[test]
    fn malformed_bodies_never_panic_or_echo(
        members in prop::collection::vec(member(), 0..10),
        cut in any::<prop::sample::Index>(),
        corrupt in any::<bool>(),
        junk in any::<u8>(),
    ) {
        let mut body = format!("{{{}}}", members.join(",")).into_bytes();
        if corrupt {
            let i = cut.index(body.len());
            body[i] = junk;
        } else {
            body.truncate(cut.index(body.len() + 1));
        }
        if let Err(err) = RegisterClientResponse::from_json(&body) {
            let shown = format!("{err} {err:?}");
            prop_assert!(!shown.contains("CANARY"), "{}", shown);
        }
        if let Err(err) = StartDeviceAuthorizationResponse::from_json(&body) {
            let shown = format!("{err} {err:?}");
            prop_assert!(!shown.contains("CANARY"), "{}", shown);
        }
    }

    #[test]
    fn random_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = RegisterClientResponse::from_json(&body);
        let _ = StartDeviceAuthorizationResponse::from_json(&body);
    }
}
