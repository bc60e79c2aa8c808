//! A real round trip over a socket: sign, send with a real HTTP client (ureq) to a
//! local token endpoint on 127.0.0.1 that checks method, path and query, headers,
//! body and the SigV4 signature, and parse what it answers: a token response, and
//! in a second case an OAuth error body. Bounded: the endpoint gives up after 10 s.
#![cfg(feature = "sigv4")]

#[path = "../examples/support/mock_token_endpoint.rs"]
mod mock_token_endpoint;
#[path = "../examples/support/sigv4_endpoint.rs"]
mod sigv4_endpoint;

use std::time::SystemTime;

use mock_token_endpoint::{MockTokenEndpoint, ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY};
use ssooidc_token::{
    CreateTokenWithIam, CreateTokenWithIamResponse, Endpoint, ErrorCode, ExposeSecret,
    SigningCredentials, TokenError, TokenType,
};

fn send(
    server: &MockTokenEndpoint,
    credentials: &SigningCredentials,
) -> Result<(u16, Vec<u8>), ureq::Error> {
    let request = CreateTokenWithIam::token_exchange()
        .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
        .subject_token("eyJraWQiOiJrZXkifQ.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl")
        .subject_token_type(TokenType::AccessToken)
        .requested_token_type(TokenType::RefreshToken)
        .scope("openid")
        .build()
        .unwrap();
    let endpoint = Endpoint::custom(&server.base_url(), REGION).unwrap();
    let signed = request
        .to_signed_http(&endpoint, credentials, SystemTime::now())
        .unwrap();
    let (parts, body) = signed.into_parts();
    let outgoing = http::Request::from_parts(parts, body.expose_secret());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .build()
        .into();
    let mut answer = agent.run(outgoing)?;
    let status = answer.status().as_u16();
    Ok((status, answer.body_mut().read_to_vec()?))
}

#[test]
fn signed_request_gets_a_token_response() {
    let server = MockTokenEndpoint::start(
        200,
        r#"{"accessToken":"aoal-round-trip","tokenType":"Bearer","expiresIn":3600,"refreshToken":"aorv-round-trip","issuedTokenType":"urn:ietf:params:oauth:token-type:refresh_token"}"#,
    );
    let (status, body) = send(
        &server,
        &SigningCredentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY),
    )
    .unwrap();
    let checked = server.checked().expect("the endpoint accepted the request");
    assert_eq!(
        checked.grant_type,
        "urn:ietf:params:oauth:grant-type:token-exchange"
    );
    assert_eq!(
        checked.signed_headers,
        "content-length;content-type;host;x-amz-date"
    );
    assert_eq!(status, 200);
    let response = CreateTokenWithIamResponse::from_json(&body).unwrap();
    assert_eq!(response.access_token().expose_secret(), "aoal-round-trip");
    assert_eq!(response.issued_token_type(), Some(&TokenType::RefreshToken));
}

#[test]
fn an_oauth_error_comes_back_as_a_token_error() {
    let server = MockTokenEndpoint::start(
        400,
        r#"{"error":"invalid_grant","error_description":"subject token expired"}"#,
    );
    let (status, body) = send(
        &server,
        &SigningCredentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY),
    )
    .unwrap();
    server.checked().expect("the endpoint accepted the request");
    let err = TokenError::from_json(status, &body).unwrap();
    assert_eq!((err.status(), err.code()), (400, &ErrorCode::InvalidGrant));
    assert_eq!(err.description(), Some("subject token expired"));
}

#[test]
fn a_wrong_secret_fails_the_endpoints_signature_check() {
    let server = MockTokenEndpoint::start(200, r#"{"accessToken":"never"}"#);
    let wrong = SigningCredentials::new(ACCESS_KEY_ID, "not-the-secret");
    // The endpoint refuses without answering; the client sees the connection end.
    assert!(send(&server, &wrong).is_err());
    let verdict = server.checked().unwrap_err();
    assert!(verdict.starts_with("signature mismatch"), "{verdict}");
}
