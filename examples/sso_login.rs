//! `aws sso login`, in a few dozen lines: reuse the client registration the
//! AWS CLI cached (or register and cache one), sign the person in with the
//! authorization-code flow and PKCE (or the device flow with `--device`), and
//! write the token where the CLI writes it, so that every AWS tool on the
//! machine (the CLI, boto3, the Rust, Go and Java SDKs) uses this login.
//!
//! ```text
//! cargo run --features cache,ureq --example sso_login -- SESSION START_URL REGION \
//!     [--device] [--cache-dir DIR] [--endpoint URL]
//! ```
//!
//! (`https://` endpoints need a TLS backend: add `ureq/rustls` to the features.)
//! `tests/sso_login_example.rs` runs it against a local stand-in for IAM
//! Identity Center, for both flows.

use std::error::Error;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use ssooidc_token::cache::{
    CacheKey, CachedRegistration, CachedToken, Flow, RegistrationKey, TokenCache,
};
use ssooidc_token::grant::{AuthorizationCode, Grant, RefreshToken};
use ssooidc_token::login::{
    AuthorizeUrl, DevicePoller, LoopbackRedirect, Pkce, RegisterClient, StartDeviceAuthorization,
};
use ssooidc_token::{CreateToken, Endpoint};

const SCOPE: &str = "sso:account:access";

/// The command line.
#[derive(Debug, Default)]
pub struct Args {
    pub session: String,
    pub start_url: String,
    pub region: String,
    pub device: bool,
    pub cache_dir: Option<PathBuf>,
    pub endpoint: Option<String>,
}

impl Args {
    pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut parsed = Args::default();
        let mut positional = Vec::new();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--device" => parsed.device = true,
                "--cache-dir" => parsed.cache_dir = args.next().map(PathBuf::from),
                "--endpoint" => parsed.endpoint = args.next(),
                _ => positional.push(arg),
            }
        }
        let [session, start_url, region] = <[String; 3]>::try_from(positional).map_err(|_| {
            "usage: sso_login SESSION START_URL REGION [--device] [--cache-dir DIR] [--endpoint URL]"
        })?;
        Ok(Args {
            session,
            start_url,
            region,
            ..parsed
        })
    }
}

/// Logs in and stores the token; `open` is given the URL the person opens.
pub fn login(args: &Args, open: impl FnOnce(&str)) -> Result<CacheKey, Box<dyn Error>> {
    let cache = match &args.cache_dir {
        Some(dir) => TokenCache::new(dir),
        None => TokenCache::default_location()?,
    };
    let endpoint = match &args.endpoint {
        Some(url) => Endpoint::custom(url, &args.region)?,
        None => Endpoint::new(&args.region)?,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let flow = if args.device {
        Flow::Device
    } else {
        Flow::Pkce
    };

    // The CLI's registration: reused unless within 15 minutes of expiry or for
    // the other flow.
    let now = SystemTime::now();
    let key = RegistrationKey::new(
        &args.start_url,
        &args.region,
        Some(&[SCOPE]),
        Some(&args.session),
    );
    let client = match cache.load_registration(&key)? {
        Some(cached) if cached.reusable_for(flow, now) => cached,
        _ => {
            let request = RegisterClient::builder()
                .client_name(format!("botocore-client-{}", args.session))
                .scope(SCOPE);
            let request = match flow {
                Flow::Device => request.build()?,
                Flow::Pkce => request
                    .grant_type(AuthorizationCode::GRANT_TYPE)
                    .grant_type(RefreshToken::GRANT_TYPE)
                    .redirect_uri("http://127.0.0.1/oauth/callback")
                    .issuer_url(args.start_url.as_str())
                    .build()?,
            };
            let registration = CachedRegistration::from_response(
                &request,
                &request.send_blocking(&agent, &endpoint)?,
            )?;
            cache.store_registration(&key, &registration)?;
            registration
        }
    };

    let answer = if args.device {
        let authorization = StartDeviceAuthorization::builder()
            .client_id(client.client_id())
            .client_secret(client.client_secret().clone())
            .start_url(args.start_url.as_str())
            .build()?
            .send_blocking(&agent, &endpoint)?;
        println!(
            "Open {} and enter the code {}",
            authorization.verification_uri(),
            authorization.user_code()
        );
        open(
            authorization
                .verification_uri_complete()
                .unwrap_or(authorization.verification_uri()),
        );
        DevicePoller::from_client(
            client.client_id(),
            client.client_secret().clone(),
            authorization,
            Instant::now(),
        )?
        .poll_blocking(&agent, &endpoint)?
    } else {
        let redirect = LoopbackRedirect::bind()?;
        let pkce = Pkce::new()?;
        let authorize = AuthorizeUrl::builder()
            .client_id(client.client_id())
            .redirect_uri(redirect.redirect_uri())
            .pkce(&pkce)
            .scope(SCOPE);
        let authorize = match &args.endpoint {
            Some(url) => authorize
                .authorization_endpoint(format!("{url}/authorize"))
                .build()?,
            None => authorize.region(args.region.as_str()).build()?,
        };
        println!("Open this URL to sign in: {authorize}");
        open(authorize.url());
        let code = redirect.wait(LoopbackRedirect::DEFAULT_TIMEOUT, authorize.state())?;
        CreateToken::authorization_code()
            .client_id(client.client_id())
            .client_secret(client.client_secret().clone())
            .code(code)
            .redirect_uri(redirect.redirect_uri())
            .code_verifier(pkce.into_verifier())
            .build()?
            .send_blocking(&agent, &endpoint)?
    };

    // What the CLI writes: the token, the client that refreshes it, and where.
    let token = CachedToken::builder()
        .access_token(answer.access_token().clone())
        .expires_at(SystemTime::now() + answer.expires_in().ok_or("the token has no expiresIn")?)
        .client_id(client.client_id())
        .client_secret(client.client_secret().clone())
        .registration_expires_at(client.expires_at())
        .region(args.region.as_str())
        .start_url(args.start_url.as_str());
    let token = match answer.refresh_token() {
        Some(refresh) => token.refresh_token(refresh.clone()).build()?,
        None => token.build()?,
    };
    let key = CacheKey::session(&args.session);
    cache.store(&key, &token)?;
    println!(
        "Signed in; the token is in {}",
        cache.token_path(&key).display()
    );
    Ok(key)
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse(std::env::args().skip(1))?;
    // A real tool opens the browser here; this one prints the URL (above).
    login(&args, |_| {})?;
    Ok(())
}
