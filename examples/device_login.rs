//! The device login, over real sockets, against a local stand-in for IAM Identity
//! Center on 127.0.0.1: register a public client, start a device authorization,
//! show the user code, and poll the token endpoint (through
//! `authorization_pending` and `slow_down`) until the token arrives. The stand-in
//! approves after a few polls and checks that they keep the pace RFC 8628 asks.
//!
//! `DevicePoller` decides when to poll; this program only sleeps and sends.
//!
//! Run with `cargo run --features login --example device_login` (about 7 seconds: a 1-second
//! interval, then 6 after the `slow_down`).

#[path = "support/loopback.rs"]
pub mod loopback;
#[path = "support/mock_oidc.rs"]
pub mod mock_oidc;

use std::error::Error;
use std::net::SocketAddr;
use std::time::Instant;

use ssooidc_token::grant::{DeviceCode, Grant, RefreshToken};
use ssooidc_token::login::{
    DevicePoller, PollOutcome, RegisterClient, RegisterClientResponse, StartDeviceAuthorization,
    StartDeviceAuthorizationResponse,
};
use ssooidc_token::{CreateTokenResponse, ExposeSecret, JsonBody, TokenError};

/// What the stand-in answers the polls with.
pub const SCRIPT: &[&str] = &["authorization_pending", "slow_down", "token"];

fn post(
    oidc: SocketAddr,
    path: &str,
    body: &JsonBody,
) -> Result<loopback::Message, Box<dyn Error>> {
    // The HTTP client gets the body's bytes; its own buffers are its own.
    Ok(loopback::send(
        oidc,
        "POST",
        path,
        Some("application/json"),
        body.expose_secret(),
    )?)
}

fn expect_ok(answer: &loopback::Message) -> Result<&[u8], Box<dyn Error>> {
    if answer.status() == 200 {
        Ok(&answer.body)
    } else {
        Err(TokenError::from_json(answer.status(), &answer.body)
            .map(Box::<dyn Error>::from)
            .unwrap_or_else(Box::<dyn Error>::from))
    }
}

/// Logs in with the device flow at the OIDC endpoint `oidc`; returns the token and
/// how many polls it took.
pub fn login(oidc: SocketAddr) -> Result<(CreateTokenResponse, u32), Box<dyn Error>> {
    let register = RegisterClient::builder()
        .client_name("device-login-example")
        .grant_type(DeviceCode::GRANT_TYPE)
        .grant_type(RefreshToken::GRANT_TYPE)
        .scope("sso:account:access")
        .build()?;
    let answer = post(oidc, "/client/register", &register.to_json())?;
    let client = RegisterClientResponse::from_json(expect_ok(&answer)?)?;

    let start = StartDeviceAuthorization::builder()
        .client_id(client.client_id())
        .client_secret(client.client_secret().clone())
        .start_url("https://d-1234567890.awsapps.com/start/#")
        .build()?;
    let answer = post(oidc, "/device_authorization", &start.to_json())?;
    let authorization = StartDeviceAuthorizationResponse::from_json(expect_ok(&answer)?)?;
    println!(
        "To sign in, open {} and enter the code {}",
        authorization.verification_uri(),
        authorization.user_code()
    );

    let mut poller = DevicePoller::new(&client, authorization, Instant::now())?;
    let mut polls = 0;
    loop {
        std::thread::sleep(
            poller
                .next_poll_at()
                .saturating_duration_since(Instant::now()),
        );
        polls += 1;
        let answer = post(oidc, "/token", &poller.request().to_json())?;
        match poller.on_response(answer.status(), &answer.body, Instant::now()) {
            PollOutcome::Token(token) => return Ok((token, polls)),
            PollOutcome::Wait { .. } => {
                println!("  not yet; polling every {:?}", poller.interval());
            }
            PollOutcome::Denied => return Err("the sign-in was denied".into()),
            PollOutcome::Expired => return Err("the code expired; start again".into()),
            PollOutcome::Failed(err) => return Err(err.into()),
        }
    }
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let server = mock_oidc::MockOidc::start(SCRIPT, 1);
    let (token, polls) = login(server.addr)?;
    let report = server.finish()?;
    println!(
        "signed in after {polls} polls (at {:?} s): token type {:?}, expires in {:?}",
        report.poll_offsets,
        token.token_type(),
        token.expires_in()
    );
    Ok(())
}
