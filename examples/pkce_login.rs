//! The authorization-code login with PKCE, as the AWS CLI does it, over real
//! sockets against a local stand-in for IAM Identity Center on 127.0.0.1: register
//! a public client with a loopback redirect URI, build the authorize URL, let a
//! stand-in for the browser follow it (the stand-in approves and redirects back to
//! the loopback listener), read the callback, and exchange the code together with
//! the PKCE verifier for a token. The stand-in checks the verifier against the
//! challenge.
//!
//! Run with `cargo run --features login --example pkce_login`.

#[path = "support/loopback.rs"]
pub mod loopback;
#[path = "support/mock_oidc.rs"]
pub mod mock_oidc;

use std::error::Error;
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};

use ssooidc_token::grant::{AuthorizationCode, Grant, RefreshToken};
use ssooidc_token::login::{
    AuthorizationCallback, AuthorizeUrl, Pkce, RegisterClient, RegisterClientResponse,
};
use ssooidc_token::{CreateToken, CreateTokenResponse, ExposeSecret, SecretString, TokenError};

fn expect_ok(answer: &loopback::Message) -> Result<&[u8], Box<dyn Error>> {
    if answer.status() == 200 {
        Ok(&answer.body)
    } else {
        Err(TokenError::from_json(answer.status(), &answer.body)
            .map(Box::<dyn Error>::from)
            .unwrap_or_else(Box::<dyn Error>::from))
    }
}

/// The browser: follows the authorize URL and the redirect it answers with.
fn browser(url: String) -> Result<(), String> {
    let (addr, target) = loopback::split_url(&url).map_err(|e| e.to_string())?;
    let answer = loopback::send(addr, "GET", target, None, b"").map_err(|e| e.to_string())?;
    let location = answer
        .header("location")
        .filter(|_| answer.status() == 302)
        .ok_or("the authorize endpoint did not redirect")?
        .to_owned();
    let (addr, target) = loopback::split_url(&location).map_err(|e| e.to_string())?;
    let page = loopback::send(addr, "GET", target, None, b"").map_err(|e| e.to_string())?;
    if page.status() != 200 {
        return Err(format!(
            "the app answered the redirect with {}",
            page.status()
        ));
    }
    Ok(())
}

/// Waits (bounded) for the browser to come back to the loopback redirect URI, and
/// returns the authorization code from its query.
fn receive_code(
    listener: &TcpListener,
    expected_state: &str,
) -> Result<SecretString, Box<dyn Error>> {
    listener.set_nonblocking(true)?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut stream = loop {
        match listener.accept() {
            Ok((stream, _)) => break stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(format!("the browser did not come back: {e}").into()),
        }
    };
    stream.set_nonblocking(false)?;
    let request = loopback::read_message(&mut stream)?;
    let (_, target) = request.method_and_target();
    let query = target
        .strip_prefix("/oauth/callback?")
        .ok_or("the redirect went to another path")?;
    let code = AuthorizationCallback::parse(query, expected_state);
    let page: &[u8] = if code.is_ok() {
        b"Signed in. You can close this window."
    } else {
        b"Sign-in failed. You can close this window."
    };
    loopback::respond(&mut stream, 200, &[("content-type", "text/plain")], page)?;
    Ok(code?)
}

/// Logs in with the authorization-code flow and PKCE at the OIDC endpoint `oidc`.
pub fn login(oidc: SocketAddr) -> Result<CreateTokenResponse, Box<dyn Error>> {
    // The loopback listener the browser will be sent back to.
    let callback = TcpListener::bind("127.0.0.1:0")?;
    let redirect_uri = format!("http://{}/oauth/callback", callback.local_addr()?);

    let register = RegisterClient::builder()
        .client_name("pkce-login-example")
        .grant_type(AuthorizationCode::GRANT_TYPE)
        .grant_type(RefreshToken::GRANT_TYPE)
        .redirect_uri(redirect_uri.as_str())
        .scope("sso:account:access")
        .build()?;
    let answer = loopback::send(
        oidc,
        "POST",
        "/client/register",
        Some("application/json"),
        register.to_json().expose_secret(),
    )?;
    let client = RegisterClientResponse::from_json(expect_ok(&answer)?)?;

    let pkce = Pkce::new()?;
    let authorize = AuthorizeUrl::builder()
        .region("us-east-1")
        .client_id(client.client_id())
        .redirect_uri(redirect_uri.as_str())
        .pkce(&pkce)
        .scope("sso:account:access");
    // A real login opens https://oidc.{region}.amazonaws.com/authorize; here the
    // registration names the local stand-in's.
    let authorize = match client.authorization_endpoint() {
        Some(endpoint) => authorize.authorization_endpoint(endpoint).build()?,
        None => authorize.build()?,
    };
    println!("Open this URL to sign in: {}", authorize.url());

    let url = authorize.url().to_owned();
    let browser = std::thread::spawn(move || browser(url));
    let code = receive_code(&callback, authorize.state());
    browser.join().map_err(|_| "the browser panicked")??;
    let code = code?;

    let exchange = CreateToken::authorization_code()
        .client_id(client.client_id())
        .client_secret(client.client_secret().clone())
        .code(code)
        .redirect_uri(redirect_uri.as_str())
        .code_verifier(pkce.into_verifier())
        .build()?;
    let answer = loopback::send(
        oidc,
        "POST",
        "/token",
        Some("application/json"),
        exchange.to_json().expose_secret(),
    )?;
    Ok(CreateTokenResponse::from_json(expect_ok(&answer)?)?)
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let server = mock_oidc::MockOidc::start(&[], 1);
    let token = login(server.addr)?;
    let report = server.finish()?;
    println!("{}", report.log.join("\n"));
    println!(
        "signed in: token type {:?}, expires in {:?}, refresh token {}",
        token.token_type(),
        token.expires_in(),
        if token.refresh_token().is_some() {
            "issued"
        } else {
            "not issued"
        }
    );
    Ok(())
}
