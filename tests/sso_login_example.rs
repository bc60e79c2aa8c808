//! `examples/sso_login.rs`, run as a test: both flows against a local stand-in
//! for IAM Identity Center on 127.0.0.1, with a temporary cache directory. The
//! test plays the browser (it follows the authorize URL and its redirect back to
//! the listener `SsoLogin` runs); the token file is then read back with
//! `TokenCache::load`, and a second run reuses the cached registration. Bounded:
//! every socket operation has a timeout, the stand-in gives up after 30 seconds.

#[path = "../examples/support/loopback.rs"]
mod loopback;
#[path = "../examples/support/mock_oidc.rs"]
mod mock_oidc;
#[allow(dead_code)]
#[path = "../examples/sso_login.rs"]
mod sso_login;

#[path = "common/start_url_stand_in.rs"]
mod stand_in;

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use mock_oidc::{MockOidc, Report};
use ssooidc_token::cache::{CacheKey, Flow, LoginPrompt, RegistrationKey, TokenCache};
use ssooidc_token::ExposeSecret;

const START_URL: &str = "https://d-1234567890.awsapps.com/start";

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("ssooidc-sso-login-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The browser: follows the authorize URL to the stand-in, and its redirect
/// back to the example's listener.
fn browser(url: String) -> Result<(), String> {
    let (addr, target) = loopback::split_url(&url).map_err(|e| e.to_string())?;
    let answer = loopback::send(addr, "GET", target, None, b"").map_err(|e| e.to_string())?;
    let location = answer
        .header("location")
        .filter(|_| answer.status() == 302)
        .ok_or("the authorize endpoint did not redirect")?
        .to_owned();
    let (addr, target) = loopback::split_url(&location).map_err(|e| e.to_string())?;
    if !target.starts_with("/oauth/callback?code=") {
        return Err(format!("redirected to {target}"));
    }
    let page = loopback::send(addr, "GET", target, None, b"").map_err(|e| e.to_string())?;
    match page.status() {
        200 if String::from_utf8_lossy(&page.body).contains("close this tab") => Ok(()),
        status => Err(format!("the listener answered {status}")),
    }
}

/// Runs the example once against a new stand-in; what the stand-in saw.
fn run(dir: &Path, device: bool, script: &'static [&'static str]) -> Report {
    run_with(dir, device, script, &[])
}

/// [`run`], with more arguments.
fn run_with(dir: &Path, device: bool, script: &'static [&'static str], more: &[&str]) -> Report {
    run_at(START_URL, dir, device, script, more)
}

/// [`run_with`], for another start URL.
fn run_at(
    start_url: &str,
    dir: &Path,
    device: bool,
    script: &'static [&'static str],
    more: &[&str],
) -> Report {
    let server = MockOidc::start(script, 1);
    let mut argv = vec![
        "dev".to_owned(),
        start_url.to_owned(),
        "us-east-1".to_owned(),
        "--cache-dir".to_owned(),
        dir.display().to_string(),
        "--endpoint".to_owned(),
        server.base_url(),
    ];
    if device {
        argv.push("--device".to_owned());
    }
    argv.extend(more.iter().map(|&arg| arg.to_owned()));
    let mut opened: Option<JoinHandle<Result<(), String>>> = None;
    let mut user_code = None;
    let token = sso_login::login(argv, |prompt| match *prompt {
        LoginPrompt::Browser { authorize_url, .. } => {
            let url = authorize_url.to_owned();
            opened = Some(std::thread::spawn(move || browser(url)));
        }
        LoginPrompt::Device {
            user_code: code, ..
        } => user_code = Some(code.to_owned()),
        _ => panic!("unexpected prompt {prompt:?}"),
    })
    .unwrap();
    if let Some(browser) = opened {
        browser.join().unwrap().unwrap();
    }
    assert_eq!(user_code.is_some(), device);
    if let Some(code) = user_code {
        assert_eq!(code, "WDJB-MJHT");
    }
    // The token returned is the one stored under the session's key.
    let stored = TokenCache::new(dir)
        .load(&CacheKey::session("dev"))
        .unwrap()
        .unwrap();
    assert_eq!(
        token.access_token().expose_secret(),
        stored.access_token().expose_secret()
    );
    server.finish().unwrap()
}

/// The file the example wrote, read back as every tool reads it.
fn check_cache(dir: &Path, flow: Flow) {
    let cache = TokenCache::new(dir);
    let token = cache.load(&CacheKey::session("dev")).unwrap().unwrap();
    assert_eq!(token.access_token().expose_secret(), "mock-access-token");
    assert_eq!(
        token.refresh_token().unwrap().expose_secret(),
        "mock-refresh-token"
    );
    assert_eq!(token.client_id(), Some("mock-client-id"));
    assert_eq!(
        token.client_secret().unwrap().expose_secret(),
        "mock-client-secret"
    );
    assert_eq!(token.region(), Some("us-east-1"));
    assert_eq!(token.start_url(), Some(START_URL));
    let left = token
        .expires_at()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(left > Duration::from_secs(3500) && left <= Duration::from_secs(3600));
    assert!(token.registration_expires_at().unwrap() > SystemTime::now());
    // No scopes configured: the CLI's key says `null` for them; the PKCE
    // registration asked for (and records) `sso:account:access`, the device
    // one none.
    let key = RegistrationKey::new(START_URL, "us-east-1", None, Some("dev"));
    let registration = cache.load_registration(&key).unwrap().unwrap();
    assert!(registration.reusable_for(flow, SystemTime::now()));
    let scopes: &[&str] = match flow {
        Flow::Pkce => &["sso:account:access"],
        Flow::Device => &[],
    };
    assert_eq!(registration.scopes(), scopes);
}

fn registered(report: &Report) -> bool {
    report.log.iter().any(|l| l == "POST /client/register")
}

#[test]
fn pkce_login_writes_the_token_and_reuses_the_registration() {
    let dir = TempDir::new("pkce");
    let first = run(&dir.0, false, &[]);
    // What the CLI registers for PKCE (botocore's SSOTokenFetcherAuth): no
    // scopes configured, so the default one; the loopback redirect without its
    // port; the start URL as issuer.
    assert_eq!(
        first.registrations,
        [serde_json::json!({
            "clientName": "botocore-client-dev",
            "clientType": "public",
            "grantTypes": ["authorization_code", "refresh_token"],
            "issuerUrl": START_URL,
            "redirectUris": ["http://127.0.0.1/oauth/callback"],
            "scopes": ["sso:account:access"],
        })]
    );
    assert_eq!(
        first.log,
        [
            "POST /client/register",
            "GET /authorize",
            "authorize: scopes \"sso:account:access\"",
            "POST /token",
            "token: verifier matches the challenge",
        ]
    );
    check_cache(&dir.0, Flow::Pkce);
    let second = run(&dir.0, false, &[]);
    assert!(!registered(&second), "{:?}", second.log);
    assert!(second
        .log
        .iter()
        .any(|l| l == "token: verifier matches the challenge"));
    check_cache(&dir.0, Flow::Pkce);
}

#[test]
fn device_login_writes_the_token_and_reuses_the_registration() {
    let dir = TempDir::new("device");
    let first = run(&dir.0, true, &["authorization_pending", "token"]);
    // What the CLI registers for the device flow (SSOTokenFetcher): a name and
    // the client type, no scopes when none are configured.
    assert_eq!(
        first.registrations,
        [serde_json::json!({"clientName": "botocore-client-dev", "clientType": "public"})]
    );
    assert_eq!(
        first.log,
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token",
            "POST /token",
        ]
    );
    check_cache(&dir.0, Flow::Device);
    let second = run(&dir.0, true, &["token"]);
    assert_eq!(second.log, ["POST /device_authorization", "POST /token"]);
    // A device registration is not one the PKCE flow can use: it registers again.
    let pkce = run(&dir.0, false, &[]);
    assert!(registered(&pkce), "{:?}", pkce.log);
    check_cache(&dir.0, Flow::Pkce);
}

/// `--scopes`: the session's `sso_registration_scopes` text. Set, the PKCE
/// flow registers and asks for those scopes and caches the registration under
/// their key; present but empty, the device flow registers without scopes
/// under the `[]` key (not the `null` one), and a run without the setting does
/// not take that registration.
#[test]
fn scopes_name_and_shape_the_registration() {
    let dir = TempDir::new("scopes");
    let pkce = run_with(&dir.0, false, &[], &["--scopes", " sso:foo ,, sso:bar "]);
    assert_eq!(pkce.registrations.len(), 1);
    assert_eq!(
        pkce.registrations[0]["scopes"],
        serde_json::json!(["sso:foo", "sso:bar"])
    );
    assert!(pkce
        .log
        .iter()
        .any(|l| l == "authorize: scopes \"sso:foo sso:bar\""));
    let cache = TokenCache::new(&dir.0);
    let scoped = RegistrationKey::new(
        START_URL,
        "us-east-1",
        Some(&["sso:foo", "sso:bar"]),
        Some("dev"),
    );
    assert_eq!(
        cache.load_registration(&scoped).unwrap().unwrap().scopes(),
        ["sso:foo", "sso:bar"]
    );

    let device = run_with(&dir.0, true, &["token"], &["--scopes", ""]);
    assert_eq!(
        device.registrations,
        [serde_json::json!({"clientName": "botocore-client-dev", "clientType": "public"})]
    );
    let empty = RegistrationKey::new(START_URL, "us-east-1", Some(&[]), Some("dev"));
    let unset = RegistrationKey::new(START_URL, "us-east-1", None, Some("dev"));
    assert!(cache.load_registration(&empty).unwrap().is_some());
    assert!(cache.load_registration(&unset).unwrap().is_none());
    // Without the setting, that registration is not this session's.
    let again = run(&dir.0, true, &["token"]);
    assert!(registered(&again), "{:?}", again.log);
    assert!(cache.load_registration(&unset).unwrap().is_some());
}

/// A vanity start URL: the example resolves it as the CLI does (one request to
/// it, over real sockets, its redirect not followed), registers with the portal
/// as issuer, takes the portal's region over the one given, and caches under
/// the configured URL.
#[test]
fn a_vanity_start_url_is_resolved_first() {
    const PORTAL: &str = "https://ssoins-1234.portal.eu-west-1.app.aws";
    let dir = TempDir::new("vanity");
    let vanity = stand_in::StandIn::start(vec![(302, Some(format!("{PORTAL}/#/")))]);
    let report = run_at(&vanity.url, &dir.0, false, &[], &[]);
    assert_eq!(vanity.request_lines(), ["HEAD /start HTTP/1.1"]);
    assert_eq!(report.registrations.len(), 1);
    assert_eq!(report.registrations[0]["issuerUrl"], PORTAL);
    let stored = TokenCache::new(&dir.0)
        .load(&CacheKey::session("dev"))
        .unwrap()
        .unwrap();
    assert_eq!(stored.region(), Some("eu-west-1"));
    let vanity_url = stored.start_url().unwrap().to_owned();
    assert!(vanity_url.starts_with("http://127.0.0.1:"), "{vanity_url}");
    let key = RegistrationKey::new(&vanity_url, "eu-west-1", None, Some("dev"));
    assert!(TokenCache::new(&dir.0)
        .load_registration(&key)
        .unwrap()
        .is_some());
}

/// `--legacy`: a profile without an `sso-session`, logged in as the CLI logs it
/// in (the device flow, a client named after the time, no scopes), the token
/// stored under the start URL's key.
#[test]
fn a_legacy_profile_logs_in_with_the_device_flow() {
    let dir = TempDir::new("legacy");
    let server = MockOidc::start(&["authorization_pending", "token"], 1);
    let argv = [
        "--legacy",
        START_URL,
        "us-east-1",
        "--cache-dir",
        &dir.0.display().to_string(),
        "--endpoint",
        &server.base_url(),
    ]
    .map(str::to_owned);
    let mut codes = Vec::new();
    let token = sso_login::login(argv, |prompt| match *prompt {
        LoginPrompt::Device { user_code, .. } => codes.push(user_code.to_owned()),
        _ => panic!("unexpected prompt {prompt:?}"),
    })
    .unwrap();
    assert_eq!(codes, ["WDJB-MJHT"]);
    let report = server.finish().unwrap();
    assert_eq!(report.registrations.len(), 1);
    let name = report.registrations[0]["clientName"].as_str().unwrap();
    let time = name.strip_prefix("botocore-client-").unwrap();
    assert!(time.parse::<u64>().is_ok(), "{name}");
    assert_eq!(report.registrations[0]["clientType"], "public");
    assert!(report.registrations[0].get("scopes").is_none());
    let cache = TokenCache::new(&dir.0);
    let stored = cache
        .load(&CacheKey::start_url(START_URL))
        .unwrap()
        .unwrap();
    assert_eq!(
        token.access_token().expose_secret(),
        stored.access_token().expose_secret()
    );
    assert!(cache.load(&CacheKey::session("dev")).unwrap().is_none());
    let key = RegistrationKey::new(START_URL, "us-east-1", None, None);
    assert!(cache.load_registration(&key).unwrap().is_some());
}
