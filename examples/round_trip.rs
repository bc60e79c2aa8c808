//! A real round trip: sign a `CreateTokenWithIAM` request, send it with a real
//! HTTP client (ureq) over a real socket to a local token endpoint on 127.0.0.1,
//! which checks it (signature included) and answers; parse the answer.
//!
//! Run with `cargo run --example round_trip --features sigv4`.

#[path = "support/mock_token_endpoint.rs"]
mod mock_token_endpoint;
#[path = "support/sigv4_endpoint.rs"]
mod sigv4_endpoint;

use std::time::SystemTime;

use mock_token_endpoint::{MockTokenEndpoint, ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY};
use ssooidc_token::{
    CreateTokenWithIam, CreateTokenWithIamResponse, Endpoint, ExposeSecret, SigningCredentials,
    TokenType,
};

const RESPONSE: &str = r#"{"accessToken":"aoal-example-access-token","tokenType":"Bearer","expiresIn":3600,"issuedTokenType":"urn:ietf:params:oauth:token-type:access_token","scope":["openid","aws"]}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockTokenEndpoint::start(200, RESPONSE);

    let request = CreateTokenWithIam::token_exchange()
        .client_id(
            "arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222",
        )
        .subject_token("eyJraWQiOiJrZXkifQ.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl")
        .subject_token_type(TokenType::AccessToken)
        .scopes(["openid", "aws"])
        .build()?;
    let credentials = SigningCredentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    let endpoint = Endpoint::custom(&server.base_url(), REGION)?;
    let signed = request.to_signed_http(&endpoint, &credentials, SystemTime::now())?;

    // Hand ureq the bytes: from here on, its buffers are its own.
    let (parts, body) = signed.into_parts();
    let outgoing = http::Request::from_parts(parts, body.expose_secret());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut answer = agent.run(outgoing)?;
    let status = answer.status().as_u16();
    let bytes = answer.body_mut().read_to_vec()?;

    let checked = server.checked()?;
    println!(
        "the endpoint verified a {} request signed over: {}",
        checked.grant_type, checked.signed_headers
    );
    // One call from status and body to a typed result: the response, the
    // service's OAuth error, or an unreadable answer (status kept, body not echoed).
    match CreateTokenWithIamResponse::from_http(status, &bytes) {
        Ok(response) => println!("HTTP {status}: {response:?}"),
        Err(err) if err.is_retryable() => println!("try again later: {err}"),
        Err(err) => return Err(err.into()),
    }
    Ok(())
}
