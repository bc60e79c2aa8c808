//! The `Authorization` header this crate's signing produces equals the one
//! `aws-sdk-ssooidc` sends, with the same credentials, clock, region, body and
//! headers (captured from the SDK with its capturing HTTP client).
#![cfg(feature = "sigv4")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod common;

use common::sdk::{block_on, client, Setup, ACCESS_KEY_ID as AKID, SECRET_ACCESS_KEY as SECRET};
use ssooidc_token::{
    sign, CreateTokenWithIam, Endpoint, ExposeSecret, SigningCredentials, TokenType,
};

const ARN: &str =
    "arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222";

struct Captured {
    authorization: String,
    user_agent: String,
    body: Vec<u8>,
    signed_headers: String,
}

fn sdk_capture(
    time: SystemTime,
    region: &str,
    session_token: Option<&str>,
    subject: &str,
) -> Captured {
    let (client, receiver) = client(Setup {
        region,
        session_token,
        time: Some(time),
        ..Setup::default()
    });
    let _ = block_on(
        client
            .create_token_with_iam()
            .client_id(ARN)
            .grant_type("urn:ietf:params:oauth:grant-type:token-exchange")
            .subject_token(subject)
            .subject_token_type("urn:ietf:params:oauth:token-type:access_token")
            .scope("openid")
            .send(),
    );
    let request = receiver.expect_request();
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .unwrap_or_else(|| panic!("SDK sent no {name}"))
            .to_owned()
    };
    let authorization = header("authorization");
    let signed_headers = authorization
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned();
    Captured {
        authorization,
        user_agent: header("x-amz-user-agent"),
        body: request.body().bytes().unwrap().to_vec(),
        signed_headers,
    }
}

fn ours(
    time: SystemTime,
    region: &str,
    session_token: Option<&str>,
    subject: &str,
    user_agent: &str,
) -> (String, Vec<u8>) {
    let request = CreateTokenWithIam::token_exchange()
        .client_id(ARN)
        .subject_token(subject)
        .subject_token_type(TokenType::AccessToken)
        .scope("openid")
        .build()
        .unwrap();
    let mut http = request.to_http_at(&Endpoint::new(region).unwrap());
    // The SDK signs its own x-amz-user-agent; give ours the same one.
    http.headers_mut()
        .insert("x-amz-user-agent", user_agent.parse().unwrap());
    let mut credentials = SigningCredentials::new(AKID, SECRET);
    if let Some(token) = session_token {
        credentials = credentials.with_session_token(token);
    }
    sign(&mut http, &credentials, region, time).unwrap();
    let authorization = http.headers()["authorization"].to_str().unwrap().to_owned();
    (authorization, http.body().expose_secret().to_vec())
}

#[test]
fn authorization_equals_the_sdks() {
    let subjects = [
        "eyJraWQiOiJrZXkifQ.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl",
        "quote\" back\\slash é /",
    ];
    for (secs, region, token) in [
        (1_700_000_000, "us-east-1", None),
        (
            1_234_567_890,
            "eu-west-1",
            Some("FQoGZXIvYXdzEXAMPLESESSIONTOKEN"),
        ),
        (1_800_000_123, "ap-southeast-2", None),
    ] {
        for subject in subjects {
            let time = UNIX_EPOCH + Duration::from_secs(secs);
            let sdk = sdk_capture(time, region, token, subject);
            let expected_signed = if token.is_some() {
                "content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-user-agent"
            } else {
                "content-length;content-type;host;x-amz-date;x-amz-user-agent"
            };
            assert_eq!(sdk.signed_headers, expected_signed);
            let (authorization, body) = ours(time, region, token, subject, &sdk.user_agent);
            assert_eq!(body, sdk.body, "same body");
            assert_eq!(authorization, sdk.authorization, "{region} at {secs}");
        }
    }
}

/// A request of the caller's own whose URI carries user info and has no
/// `host` header is signed for the host clients send (`host:port`, no user
/// info), the same as the URI without it, which is what the SDK signs.
#[test]
fn user_info_in_the_uri_is_not_signed() {
    let signed = |uri: &str| {
        let request = CreateTokenWithIam::token_exchange()
            .client_id(ARN)
            .subject_token("subject-token")
            .subject_token_type(TokenType::AccessToken)
            .build()
            .unwrap();
        let mut http = request.to_http_at(&Endpoint::new("us-east-1").unwrap());
        *http.uri_mut() = uri.parse().unwrap();
        http.headers_mut().remove("host");
        let credentials = SigningCredentials::new(AKID, SECRET);
        let at = UNIX_EPOCH + Duration::from_secs(1_796_311_402);
        sign(&mut http, &credentials, "us-east-1", at).unwrap();
        http.headers()["authorization"].to_str().unwrap().to_owned()
    };
    let plain = signed("https://oidc.example.com:8443/token?aws_iam=t");
    for uri in [
        "https://user@oidc.example.com:8443/token?aws_iam=t",
        "https://user:secret@oidc.example.com:8443/token?aws_iam=t",
    ] {
        assert_eq!(signed(uri), plain, "{uri}");
    }
    assert_ne!(
        signed("https://oidc.example.com:8444/token?aws_iam=t"),
        plain,
        "the port is signed"
    );
}
