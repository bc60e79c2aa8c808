//! `cache::SsoLogin`: its builder's checks, what it does with answers it cannot
//! store, the secrets its errors never hold, and (feature `reqwest`) the async
//! login against the local stand-in for both flows. Every stand-in listens on
//! 127.0.0.1 only and gives up after 30 seconds.

#[path = "../examples/support/loopback.rs"]
mod loopback;
#[path = "../examples/support/mock_oidc.rs"]
mod mock_oidc;

use std::error::Error;
use std::net::TcpListener;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ssooidc_token::cache::{
    CacheErrorKind, CacheKey, Flow, LoginError, RegistrationKey, SsoLogin, TokenCache,
};
use ssooidc_token::login::LoopbackRedirect;
use ssooidc_token::{Endpoint, ExposeSecret, Rule};

const START_URL: &str = "https://d-1234567890.awsapps.com/start";

/// Every secret the scripted stand-in hands out.
const SECRETS: [&str; 4] = [
    "STANDIN-CLIENT-SECRET",
    "STANDIN-DEVICE-CODE",
    "STANDIN-ACCESS-TOKEN",
    "STANDIN-REFRESH-TOKEN",
];
const REGISTERED: &str = r#"{"clientId":"standin-client","clientSecret":"STANDIN-CLIENT-SECRET","clientSecretExpiresAt":4102444800}"#;
const DEVICE: &str = r#"{"deviceCode":"STANDIN-DEVICE-CODE","userCode":"ABCD-EFGH","verificationUri":"https://device.example","expiresIn":60,"interval":1}"#;
const TOKEN: &str = r#"{"accessToken":"STANDIN-ACCESS-TOKEN","expiresIn":3600,"refreshToken":"STANDIN-REFRESH-TOKEN","tokenType":"Bearer"}"#;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("ssooidc-cache-login-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A stand-in that answers each request in turn with `(path, status, body)`,
/// checking the path (status 0: the connection is closed without an answer);
/// each request's method and path, and its body.
fn scripted(
    script: &'static [(&'static str, u16, &'static str)],
) -> (String, JoinHandle<Vec<(String, String)>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        for &(path, status, body) in script {
            let mut stream = loop {
                match listener.accept() {
                    Ok((stream, _)) => break stream,
                    Err(_) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    Err(e) => panic!("no request for {path}: {e}"),
                }
            };
            stream.set_nonblocking(false).unwrap();
            let request = loopback::read_message(&mut stream).unwrap();
            let (method, target) = request.method_and_target();
            let sent = String::from_utf8_lossy(&request.body).into_owned();
            seen.push((format!("{method} {target}"), sent));
            assert_eq!(target, path);
            if status == 0 {
                // The connection closed with no answer (a reset, a proxy that
                // gave up): a transport failure.
                continue;
            }
            let headers = [("content-type", "application/json")];
            loopback::respond(&mut stream, status, &headers, body.as_bytes()).unwrap();
        }
        seen
    });
    (base, handle)
}

/// The browser: follows the authorize URL, then its redirect to the listener.
fn browser(url: String) -> Result<(), String> {
    let (addr, target) = loopback::split_url(&url).map_err(|e| e.to_string())?;
    let answer = loopback::send(addr, "GET", target, None, b"").map_err(|e| e.to_string())?;
    let location = answer.header("location").ok_or("no redirect")?.to_owned();
    let (addr, target) = loopback::split_url(&location).map_err(|e| e.to_string())?;
    let page = loopback::send(addr, "GET", target, None, b"").map_err(|e| e.to_string())?;
    (page.status() == 200)
        .then_some(())
        .ok_or(format!("the listener answered {}", page.status()))
}

fn device_login(base: &str, dir: &TempDir) -> SsoLogin {
    SsoLogin::builder()
        .session_name("dev")
        .start_url(START_URL)
        .endpoint(Endpoint::custom(base, "us-east-1").unwrap())
        .cache(TokenCache::new(&dir.0))
        .flow(Flow::Device)
        .build()
        .unwrap()
}

/// The error, every source, each as `Display` and `Debug`.
fn report(err: &LoginError) -> String {
    let mut text = format!("{err} {err:?}");
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(&format!(" | {cause} {cause:?}"));
        source = cause.source();
    }
    text
}

fn assert_no_secret(err: &LoginError) {
    let text = report(err);
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[test]
fn bad_builder_values_name_their_fields() {
    let err = SsoLogin::builder()
        .session_name("  ")
        .start_url("d-1234567890.awsapps.com/start")
        .endpoint(Endpoint::new("us-east-1").unwrap())
        .scope("sso:account:access")
        .scope("two words")
        .build()
        .unwrap_err();
    let problems: Vec<_> = err
        .problems()
        .iter()
        .map(|p| (p.field(), p.index(), *p.rule()))
        .collect();
    assert_eq!(
        problems,
        [
            ("session_name", None, Rule::Blank),
            ("start_url", None, Rule::AbsoluteUri),
            ("scope", Some(1), Rule::ScopeToken),
        ]
    );
    let text = err.to_string();
    assert!(text.contains("session_name") && text.contains("start_url") && text.contains("scope"));
    assert!(
        !text.contains("two words") && !text.contains("awsapps"),
        "{text}"
    );

    // The defaults: the CLI's.
    let login = SsoLogin::builder()
        .session_name("dev")
        .start_url(START_URL)
        .endpoint(Endpoint::new("eu-west-1").unwrap())
        .build()
        .unwrap();
    assert_eq!(login.flow(), Flow::Pkce);
    assert!(login.scopes().is_empty());
    assert_eq!(login.requested_scopes(), ["sso:account:access"]);
    assert_eq!(login.loopback_timeout(), LoopbackRedirect::DEFAULT_TIMEOUT);
    assert_eq!(login.region(), "eu-west-1");
    assert!(login.cache().is_none());
    assert_eq!(login.key(), CacheKey::session("dev"));
    assert_eq!(
        login.registration_key(),
        RegistrationKey::new(START_URL, "eu-west-1", None, Some("dev"))
    );
}

#[test]
fn a_token_answer_without_expires_in_stores_nothing() {
    let dir = TempDir::new("no-expiry");
    let (base, server) = scripted(&[
        ("/client/register", 200, REGISTERED),
        ("/device_authorization", 200, DEVICE),
        (
            "/token",
            200,
            r#"{"accessToken":"STANDIN-ACCESS-TOKEN","refreshToken":"STANDIN-REFRESH-TOKEN","tokenType":"Bearer"}"#,
        ),
    ]);
    let login = device_login(&base, &dir);
    let mut prompted = None;
    let err = login
        .login_blocking(&ureq::Agent::new_with_defaults(), |prompt| {
            prompted = Some(prompt.to_string());
        })
        .unwrap_err();
    assert!(matches!(err, LoginError::NoExpiry), "{err:?}");
    assert!(err.to_string().contains("expiresIn"));
    assert_no_secret(&err);
    assert_eq!(
        prompted.as_deref(),
        Some("Open https://device.example and enter the code ABCD-EFGH")
    );
    assert_eq!(server.join().unwrap().len(), 3);

    let cache = TokenCache::new(&dir.0);
    assert!(cache.load(&login.key()).unwrap().is_none());
    assert!(!cache.token_path(&login.key()).exists());
    // The registration was made and stays cached, as with the CLI.
    let registration = cache
        .load_registration(&login.registration_key())
        .unwrap()
        .unwrap();
    assert_eq!(registration.client_id(), "standin-client");
}

#[test]
fn login_errors_name_the_stage_and_hold_no_secret() {
    // A registration the CLI could not reuse (no expiry) is not cached.
    let dir = TempDir::new("no-registration-expiry");
    let (base, server) = scripted(&[(
        "/client/register",
        200,
        r#"{"clientId":"standin-client","clientSecret":"STANDIN-CLIENT-SECRET"}"#,
    )]);
    let login = device_login(&base, &dir);
    let err = login
        .login_blocking(&ureq::Agent::new_with_defaults(), |_| panic!("no prompt"))
        .unwrap_err();
    match &err {
        LoginError::Registration(cause) => {
            assert_eq!(cause.member(), Some("clientSecretExpiresAt"));
            assert_eq!(cause.kind(), &CacheErrorKind::Missing);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("registration"));
    assert_no_secret(&err);
    server.join().unwrap();
    let cache = TokenCache::new(&dir.0);
    assert!(cache
        .load_registration(&login.registration_key())
        .unwrap()
        .is_none());

    // An unreadable device authorization (no userCode) names the member.
    let dir = TempDir::new("bad-device");
    let (base, server) = scripted(&[
        ("/client/register", 200, REGISTERED),
        (
            "/device_authorization",
            200,
            r#"{"deviceCode":"STANDIN-DEVICE-CODE","verificationUri":"https://device.example","expiresIn":60}"#,
        ),
    ]);
    let err = device_login(&base, &dir)
        .login_blocking(&ureq::Agent::new_with_defaults(), |_| panic!("no prompt"))
        .unwrap_err();
    assert!(matches!(err, LoginError::DeviceAuthorization(_)), "{err:?}");
    assert!(err.to_string().contains("device authorization"));
    assert!(report(&err).contains("userCode"), "{}", report(&err));
    assert_no_secret(&err);
    server.join().unwrap();

    // The token endpoint refuses the poll: the device stage, the OAuth code.
    let dir = TempDir::new("denied");
    let (base, server) = scripted(&[
        ("/client/register", 200, REGISTERED),
        ("/device_authorization", 200, DEVICE),
        ("/token", 400, r#"{"error":"access_denied"}"#),
    ]);
    let err = device_login(&base, &dir)
        .login_blocking(&ureq::Agent::new_with_defaults(), |_| {})
        .unwrap_err();
    assert!(matches!(err, LoginError::Device(_)), "{err:?}");
    assert!(report(&err).contains("access_denied"));
    assert_no_secret(&err);
    server.join().unwrap();
}

/// The stand-in's script of a device login in which each request first meets
/// a failure that sending again can help: a connection closed unanswered, a
/// 503, throttling.
const FLAKY_DEVICE_LOGIN: &[(&str, u16, &str)] = &[
    ("/client/register", 0, ""),
    ("/client/register", 200, REGISTERED),
    ("/device_authorization", 503, r#"{"error":"server_error"}"#),
    ("/device_authorization", 200, DEVICE),
    ("/token", 0, ""),
    ("/token", 400, r#"{"error":"authorization_pending"}"#),
    ("/token", 0, ""),
    ("/token", 200, TOKEN),
];

/// A login goes through failures that sending again can help, as the CLI's
/// (botocore's retries): each request is sent again, the device loop polls
/// again (backed off); the token is stored.
#[test]
fn a_login_goes_through_failures_worth_retrying() {
    let dir = TempDir::new("flaky");
    let (base, server) = scripted(FLAKY_DEVICE_LOGIN);
    let login = device_login(&base, &dir);
    let token = login
        .login_blocking(&ureq::Agent::new_with_defaults(), |_| {})
        .unwrap();
    assert_eq!(
        ssooidc_token::ExposeSecret::expose_secret(token.access_token()),
        "STANDIN-ACCESS-TOKEN"
    );
    let seen = server.join().unwrap();
    assert_eq!(seen.len(), FLAKY_DEVICE_LOGIN.len());
    assert!(TokenCache::new(&dir.0)
        .load(&login.key())
        .unwrap()
        .is_some());

    // A failure that sending again cannot help is not retried: a refusal.
    let dir = TempDir::new("flaky-refused");
    let (base, server) = scripted(&[("/client/register", 400, r#"{"error":"invalid_request"}"#)]);
    let err = device_login(&base, &dir)
        .login_blocking(&ureq::Agent::new_with_defaults(), |_| panic!("no prompt"))
        .unwrap_err();
    assert!(matches!(err, LoginError::Register(_)), "{err:?}");
    assert_eq!(server.join().unwrap().len(), 1);

    // Nor more than 3 times.
    let dir = TempDir::new("flaky-down");
    let (base, server) = scripted(&[
        ("/client/register", 0, ""),
        ("/client/register", 503, ""),
        ("/client/register", 0, ""),
    ]);
    let err = device_login(&base, &dir)
        .login_blocking(&ureq::Agent::new_with_defaults(), |_| panic!("no prompt"))
        .unwrap_err();
    assert!(matches!(err, LoginError::Register(_)), "{err:?}");
    assert_eq!(server.join().unwrap().len(), 3);
}

/// The browser of a PKCE login against the scripted stand-in: comes back to
/// the authorize URL's `redirect_uri` with a code and its `state`.
fn come_back(authorize_url: &str) -> JoinHandle<()> {
    let query = authorize_url.split_once('?').unwrap().1;
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .unwrap()
            .replace("%3A", ":")
            .replace("%2F", "/")
    };
    let (redirect_uri, state) = (param("redirect_uri"), param("state"));
    std::thread::spawn(move || {
        let (addr, path) = loopback::split_url(&redirect_uri).unwrap();
        let target = format!("{path}?code=STANDIN-CODE&state={state}");
        let page = loopback::send(addr, "GET", &target, None, b"").unwrap();
        assert_eq!(page.status(), 200);
    })
}

/// A PKCE login whose stand-in answers `/token` as `token` says; the login's
/// outcome and the requests the stand-in read.
fn pkce_login_through(
    name: &str,
    token: &'static [(&'static str, u16, &'static str)],
) -> (Result<String, LoginError>, Vec<(String, String)>) {
    let script: &'static [_] = Box::leak(
        [&[("/client/register", 200, REGISTERED)][..], token]
            .concat()
            .into_boxed_slice(),
    );
    let dir = TempDir::new(name);
    let (base, server) = scripted(script);
    let login = SsoLogin::builder()
        .session_name("dev")
        .start_url(START_URL)
        .endpoint(Endpoint::custom(&base, "us-east-1").unwrap())
        .cache(TokenCache::new(&dir.0))
        .flow(Flow::Pkce)
        .loopback_timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut browser = None;
    let got = login.login_blocking(&ureq::Agent::new_with_defaults(), |prompt| {
        if let ssooidc_token::cache::LoginPrompt::Browser { authorize_url, .. } = *prompt {
            browser = Some(come_back(authorize_url));
        }
    });
    browser.unwrap().join().unwrap();
    if got.is_err() {
        // The last answer was not asked for: the test asks, so the stand-in ends.
        let (addr, _) = loopback::split_url(&base).unwrap();
        let _ = loopback::send(addr, "POST", "/token", None, b"the test's own request");
    }
    let got = got
        .map(|token| ssooidc_token::ExposeSecret::expose_secret(token.access_token()).to_owned());
    (got, server.join().unwrap())
}

/// The PKCE flow's authorization code is a one-shot grant: sent again when
/// the service certainly did not take it (503, throttling), never after a
/// connection cut once it was sent (a code sent twice is refused, and may
/// revoke what it gave).
#[test]
fn the_authorization_code_is_sent_again_only_when_certainly_not_taken() {
    let (got, seen) = pkce_login_through(
        "pkce-503",
        &[
            ("/token", 503, r#"{"error":"server_error"}"#),
            ("/token", 429, r#"{"__type":"SlowDownException"}"#),
            ("/token", 200, TOKEN),
        ],
    );
    assert_eq!(got.unwrap(), "STANDIN-ACCESS-TOKEN");
    let tokens: Vec<_> = seen
        .iter()
        .filter(|(line, _)| line == "POST /token")
        .collect();
    assert_eq!(tokens.len(), 3, "{seen:?}");
    assert!(tokens.iter().all(|(_, body)| body.contains("STANDIN-CODE")));

    // The stand-in would answer a second `/token` with a token: the login
    // fails only if the code is not sent again.
    let (got, seen) = pkce_login_through("pkce-cut", &[("/token", 0, ""), ("/token", 200, TOKEN)]);
    let err = got.unwrap_err();
    assert!(matches!(err, LoginError::Token(_)), "{err:?}");
    assert_no_secret(&err);
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(
        seen[2].1, "the test's own request",
        "the code was sent again"
    );
}

/// The device flow's prompt shows and opens only what is safe to: a
/// verification page a browser opener would hand to something other than a
/// web browser (`file:`, `javascript:`), or a user code that is not
/// printable ASCII, ends the login before the prompt, naming the member.
#[test]
fn a_device_prompt_that_is_not_safe_to_show_or_open_is_refused() {
    for (authorization, member) in [
        (
            r#"{"deviceCode":"STANDIN-DEVICE-CODE","userCode":"ABCD-EFGH","verificationUri":"file:///etc/passwd","expiresIn":60}"#,
            "verificationUri",
        ),
        (
            r#"{"deviceCode":"STANDIN-DEVICE-CODE","userCode":"ABCD-EFGH","verificationUri":"https://device.example","verificationUriComplete":"javascript:alert(1)","expiresIn":60}"#,
            "verificationUriComplete",
        ),
        (
            // (A control character, escaped or not, is refused by the JSON
            // reader already; a right-to-left override would reorder the line.)
            r#"{"deviceCode":"STANDIN-DEVICE-CODE","userCode":"ABCD\u202eHGFE","verificationUri":"https://device.example","expiresIn":60}"#,
            "userCode",
        ),
    ] {
        let dir = TempDir::new("unsafe-prompt");
        let script: &'static [(&'static str, u16, &'static str)] = Box::leak(Box::new([
            ("/client/register", 200, REGISTERED),
            ("/device_authorization", 200, authorization),
        ]));
        let (base, server) = scripted(script);
        let err = device_login(&base, &dir)
            .login_blocking(&ureq::Agent::new_with_defaults(), |_| panic!("no prompt"))
            .unwrap_err();
        match &err {
            LoginError::Build(build) => {
                assert_eq!(build.problems()[0].field(), member, "{err}");
            }
            other => panic!("{member}: {other:?}"),
        }
        assert_no_secret(&err);
        server.join().unwrap();
    }
}

/// A registration file that cannot be read as one (cut short, a member
/// missing) does not block every login: the login registers anew and writes
/// over it.
#[test]
fn a_corrupt_registration_file_is_registered_over() {
    for corrupt in [
        &b"{\"clientId\":\"x\",\"clientSec"[..],
        br#"{"clientId":"x"}"#,
    ] {
        let dir = TempDir::new("corrupt-registration");
        let (base, server) = scripted(&[
            ("/client/register", 200, REGISTERED),
            ("/device_authorization", 200, DEVICE),
            ("/token", 200, TOKEN),
        ]);
        let login = device_login(&base, &dir);
        let cache = TokenCache::new(&dir.0);
        let path = cache.registration_path(&login.registration_key());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, corrupt).unwrap();
        login
            .login_blocking(&ureq::Agent::new_with_defaults(), |_| {})
            .unwrap();
        assert_eq!(server.join().unwrap().len(), 3);
        let registration = cache
            .load_registration(&login.registration_key())
            .unwrap()
            .expect("the registration written over the corrupt file");
        assert_eq!(registration.client_id(), "standin-client");
    }
}

/// The async login (feature `reqwest`): both flows against the stand-in the
/// example's test uses, the token stored, the registration reused.
#[cfg(feature = "reqwest")]
mod async_login {
    use super::*;
    use ssooidc_token::cache::LoginPrompt;
    use ssooidc_token::{ExposeSecret, ReqwestClient};

    async fn run(dir: &TempDir, flow: Flow, script: &'static [&'static str]) -> Vec<String> {
        let server = mock_oidc::MockOidc::start(script, 1);
        let login = SsoLogin::builder()
            .session_name("dev")
            .start_url(START_URL)
            .endpoint(Endpoint::custom(&server.base_url(), "us-east-1").unwrap())
            .cache(TokenCache::new(&dir.0))
            .flow(flow)
            // A login that blocked the executor would time out here.
            .loopback_timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let url = std::sync::Mutex::new(None);
        let client = ReqwestClient::new().unwrap();
        let signing_in = login.login(&client, |prompt| {
            if let LoginPrompt::Browser { authorize_url, .. } = *prompt {
                *url.lock().unwrap() = Some(authorize_url.to_owned());
            }
        });
        // The browser is started by another task of the same (one-thread)
        // runtime, while the login waits for it: this runs only if that wait
        // leaves the executor free.
        let browsing = async {
            if flow == Flow::Device {
                return None;
            }
            loop {
                tokio::time::sleep(Duration::from_millis(10)).await;
                if let Some(url) = url.lock().unwrap().take() {
                    return Some(tokio::task::spawn_blocking(move || browser(url)));
                }
            }
        };
        let (token, opened) = tokio::join!(signing_in, browsing);
        let token = token.unwrap();
        if let Some(browser) = opened {
            browser.await.unwrap().unwrap();
        }
        assert_eq!(token.access_token().expose_secret(), "mock-access-token");
        let stored = TokenCache::new(&dir.0).load(&login.key()).unwrap().unwrap();
        assert_eq!(
            stored.refresh_token().unwrap().expose_secret(),
            "mock-refresh-token"
        );
        assert_eq!(stored.region(), Some("us-east-1"));
        assert_eq!(stored.start_url(), Some(START_URL));
        server.finish().unwrap().log
    }

    /// As the blocking login: through failures that sending again can help.
    #[tokio::test(flavor = "current_thread")]
    async fn the_async_login_goes_through_failures_worth_retrying() {
        let dir = TempDir::new("flaky-async");
        let (base, server) = scripted(FLAKY_DEVICE_LOGIN);
        let login = device_login(&base, &dir);
        let token = login
            .login(&ReqwestClient::new().unwrap(), |_| {})
            .await
            .unwrap();
        assert_eq!(token.access_token().expose_secret(), "STANDIN-ACCESS-TOKEN");
        assert_eq!(server.join().unwrap().len(), FLAKY_DEVICE_LOGIN.len());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn both_flows_store_the_token_and_reuse_the_registration() {
        let dir = TempDir::new("async");
        let log = run(&dir, Flow::Pkce, &[]).await;
        assert_eq!(log[0], "POST /client/register");
        assert!(log
            .iter()
            .any(|l| l == "token: verifier matches the challenge"));
        let log = run(&dir, Flow::Pkce, &[]).await;
        assert_eq!(log[0], "GET /authorize", "{log:?}");
        let log = run(&dir, Flow::Device, &["token"]).await;
        assert_eq!(
            log,
            [
                "POST /client/register",
                "POST /device_authorization",
                "POST /token"
            ]
        );
    }
}

/// The AWS CLI's own names (tests/functional/sso/test_login.py, in
/// tests/vectors/sso_cache/aws-cli): `sso login` for `sso-session test-session`
/// without `sso_registration_scopes` caches the registration under a key whose
/// scopes are `null` (though PKCE asks for `sso:account:access`), and with
/// `sso:foo,sso:bar` under another. `SsoLogin` must find those files, or it
/// would register again beside the CLI's registration.
#[test]
fn registration_keys_are_the_clis_own() {
    let names: serde_json::Value = serde_json::from_str(include_str!(
        "vectors/sso_cache/aws-cli/functional_sso/login_file_names.json"
    ))
    .unwrap();
    let registrations = names["registrations"].as_array().unwrap();
    let file = |i: usize| registrations[i]["file"].as_str().unwrap().to_owned();
    for flow in [Flow::Pkce, Flow::Device] {
        let builder = || {
            SsoLogin::builder()
                .session_name("test-session")
                .start_url("https://mysigin.com")
                .endpoint(Endpoint::new("us-west-2").unwrap())
                .flow(flow)
        };
        let unscoped = builder().build().unwrap();
        assert_eq!(unscoped.registration_key().file_name(), file(0), "{flow:?}");
        let scoped = builder().scope("sso:foo").scope("sso:bar").build().unwrap();
        assert_eq!(scoped.registration_key().file_name(), file(1), "{flow:?}");
        assert_eq!(scoped.requested_scopes(), ["sso:foo", "sso:bar"]);
        let expected: &[&str] = match flow {
            Flow::Pkce => &["sso:account:access"],
            Flow::Device => &[],
        };
        assert_eq!(unscoped.requested_scopes(), expected, "{flow:?}");
    }
}

/// `sso_registration_scopes` as the config file writes it, against the CLI's
/// own parser and key (`functional_sso/registration_scopes.json`, made by
/// running their source): present but empty names the registration after
/// `"scopes": []`, a file apart from the one without the setting, and the
/// requests are as with none configured.
#[test]
fn registration_scopes_parse_and_name_as_the_cli() {
    let vector: serde_json::Value = serde_json::from_str(include_str!(
        "vectors/sso_cache/aws-cli/functional_sso/registration_scopes.json"
    ))
    .unwrap();
    let registrations = vector["registrations"].as_array().unwrap();
    assert!(registrations.len() >= 8);
    let unset = "e29e77fd24ed96c96917a17e551cd7c94998d6bd.json"; // login_file_names.json, scopes null
    for case in registrations {
        let raw = case["sso_registration_scopes"].as_str().unwrap();
        let parsed: Vec<&str> = case["parsed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        for flow in [Flow::Pkce, Flow::Device] {
            let login = SsoLogin::builder()
                .session_name(vector["session_name"].as_str().unwrap())
                .start_url(vector["start_url"].as_str().unwrap())
                .endpoint(Endpoint::new(vector["region"].as_str().unwrap()).unwrap())
                .flow(flow)
                .registration_scopes(raw)
                .build()
                .unwrap();
            assert!(login.scopes_configured(), "{raw:?}");
            assert_eq!(login.scopes(), parsed, "{raw:?}");
            let file = login.registration_key().file_name();
            assert_eq!(file, case["file"].as_str().unwrap(), "{raw:?}");
            assert_ne!(file, unset, "{raw:?}");
            let requested: Vec<&str> = match (parsed.is_empty(), flow) {
                (true, Flow::Pkce) => vec![SsoLogin::DEFAULT_SCOPE],
                _ => parsed.clone(),
            };
            assert_eq!(login.requested_scopes(), requested, "{raw:?} {flow:?}");
        }
    }
    // `scope` and `registration_scopes` add up, in order, and a scope that is
    // not a scope-token is refused by name.
    let builder = || {
        SsoLogin::builder()
            .session_name("dev")
            .start_url(START_URL)
            .endpoint(Endpoint::new("us-east-1").unwrap())
    };
    let both = builder()
        .scope("a:b")
        .registration_scopes(" c:d ,e:f")
        .build()
        .unwrap();
    assert_eq!(both.scopes(), ["a:b", "c:d", "e:f"]);
    let err = builder()
        .registration_scopes("ok, two words")
        .build()
        .unwrap_err();
    assert!(
        err.problems()
            .iter()
            .any(|p| p.field() == "scope" && p.index() == Some(1)),
        "{err:?}"
    );
}

/// A session with `sso_registration_scopes` present but empty reuses the
/// registration the CLI cached for it; without the setting the login cannot
/// see that file and registers again.
#[test]
fn an_empty_scopes_setting_reuses_the_clis_registration() {
    static REUSES: [(&str, u16, &str); 2] = [
        ("/device_authorization", 200, DEVICE),
        ("/token", 200, TOKEN),
    ];
    static REGISTERS: [(&str, u16, &str); 3] = [
        ("/client/register", 200, REGISTERED),
        ("/device_authorization", 200, DEVICE),
        ("/token", 200, TOKEN),
    ];
    for (configured, script) in [(true, &REUSES[..]), (false, &REGISTERS[..])] {
        let dir = TempDir::new(&format!("empty-scopes-{configured}"));
        let cache = TokenCache::new(&dir.0);
        // What the CLI caches after a device login with `sso_registration_scopes =`.
        let key = RegistrationKey::new(START_URL, "us-east-1", Some(&[]), Some("dev"));
        std::fs::create_dir_all(&dir.0).unwrap();
        std::fs::write(
            cache.registration_path(&key),
            r#"{"clientId": "cli-client", "clientSecret": "STANDIN-CLIENT-SECRET", "expiresAt": "2099-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        let (base, server) = scripted(script);
        let mut builder = SsoLogin::builder()
            .session_name("dev")
            .start_url(START_URL)
            .endpoint(Endpoint::custom(&base, "us-east-1").unwrap())
            .cache(TokenCache::new(&dir.0))
            .flow(Flow::Device);
        if configured {
            builder = builder.registration_scopes("");
        }
        let login = builder.build().unwrap();
        assert_eq!(login.registration_key() == key, configured);
        login
            .login_blocking(&ureq::Agent::new_with_defaults(), |_| {})
            .unwrap();
        let seen = server.join().unwrap();
        assert_eq!(
            seen.iter().any(|(s, _)| s.ends_with("/client/register")),
            !configured,
            "{seen:?}"
        );
        let stored = cache.load(&login.key()).unwrap().unwrap();
        let client = if configured {
            "cli-client"
        } else {
            "standin-client"
        };
        assert_eq!(stored.client_id(), Some(client));
    }
}

/// A vanity start URL, resolved as `aws sso login` resolves it: the portal's
/// URL is what the service is sent (`issuerUrl`, `startUrl`), the configured one
/// is what the cache names (the registration's key, the token's `startUrl`),
/// and a resolution from another URL or region is refused at `build()`.
#[test]
fn a_resolved_vanity_url_is_sent_and_the_configured_one_cached() {
    use ssooidc_token::login::{resolve_start_url, StartUrlStep};

    const VANITY: &str = "https://sso.example.com/start";
    const PORTAL: &str = "https://ssoins-1234.portal.us-east-1.app.aws";
    let StartUrlStep::Probe(probe) = resolve_start_url(VANITY, None).unwrap() else {
        panic!("a vanity URL is probed")
    };
    let StartUrlStep::Resolved(resolved) = probe.on_answer(302, Some(PORTAL)).unwrap() else {
        panic!("one redirect resolves it")
    };
    assert_eq!((resolved.url(), resolved.region()), (PORTAL, "us-east-1"));

    static SCRIPT: [(&str, u16, &str); 3] = [
        ("/client/register", 200, REGISTERED),
        ("/device_authorization", 200, DEVICE),
        ("/token", 200, TOKEN),
    ];
    let dir = TempDir::new("vanity");
    let cache = TokenCache::new(&dir.0);
    let (base, server) = scripted(&SCRIPT);
    let builder = || {
        SsoLogin::builder()
            .session_name("dev")
            .start_url(VANITY)
            .cache(TokenCache::new(&dir.0))
            .flow(Flow::Device)
    };
    let login = builder()
        .endpoint(Endpoint::custom(&base, "us-east-1").unwrap())
        .resolved(resolved.clone())
        .build()
        .unwrap();
    assert_eq!(login.sent_start_url(), PORTAL);
    assert_eq!(login.start_url(), VANITY);
    assert_eq!(
        login.registration_key(),
        RegistrationKey::new(VANITY, "us-east-1", None, Some("dev"))
    );
    login
        .login_blocking(&ureq::Agent::new_with_defaults(), |_| {})
        .unwrap();
    let seen = server.join().unwrap();
    let device: serde_json::Value = serde_json::from_str(&seen[1].1).unwrap();
    assert_eq!(device["startUrl"], PORTAL, "{seen:?}");
    let stored = cache.load(&login.key()).unwrap().unwrap();
    assert_eq!(stored.start_url(), Some(VANITY));
    assert!(cache
        .load_registration(&login.registration_key())
        .unwrap()
        .is_some());

    // The PKCE flow registers with the portal as its issuer.
    let dir = TempDir::new("vanity-pkce");
    let server = mock_oidc::MockOidc::start(&[], 1);
    let login = SsoLogin::builder()
        .session_name("dev")
        .start_url(VANITY)
        .endpoint(Endpoint::custom(&server.base_url(), "us-east-1").unwrap())
        .resolved(resolved.clone())
        .cache(TokenCache::new(&dir.0))
        .loopback_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let opened = std::sync::Mutex::new(None);
    login
        .login_blocking(&ureq::Agent::new_with_defaults(), |prompt| {
            let url = prompt.url().to_owned();
            *opened.lock().unwrap() = Some(std::thread::spawn(move || browser(url)));
        })
        .unwrap();
    opened
        .into_inner()
        .unwrap()
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    let report = server.finish().unwrap();
    assert_eq!(report.registrations.len(), 1);
    assert_eq!(report.registrations[0]["issuerUrl"], PORTAL);
    let stored = TokenCache::new(&dir.0).load(&login.key()).unwrap().unwrap();
    assert_eq!(stored.start_url(), Some(VANITY));

    // Resolved from another URL, or for another region: refused, naming both.
    let other = match resolve_start_url("https://d-1.awsapps.com/start", Some("eu-west-1")).unwrap()
    {
        StartUrlStep::Resolved(other) => other,
        StartUrlStep::Probe(_) => panic!("AWS-owned URLs are not probed"),
    };
    let err = builder()
        .endpoint(Endpoint::new("us-east-1").unwrap())
        .resolved(other)
        .build()
        .unwrap_err();
    let problems: Vec<_> = err
        .problems()
        .iter()
        .map(|p| (p.field(), p.rule()))
        .collect();
    assert_eq!(
        problems,
        [
            ("resolved", &Rule::ResolvedFromStartUrl),
            ("endpoint", &Rule::ResolvedRegion)
        ]
    );
}

/// `aws sso login` for a profile without an `sso-session`, against what the AWS
/// CLI v2's own device-flow fetcher sends and caches for the same profile
/// (`functional_sso/legacy_login.json`, made by running its source): the client
/// named after the Unix time and registered without scopes, the device flow,
/// the registration and the token under the CLI's file names, the token's
/// members the CLI's; a second login reuses the registration.
#[test]
fn a_legacy_profile_logs_in_as_the_cli_does() {
    let cli: serde_json::Value = serde_json::from_str(include_str!(
        "vectors/sso_cache/aws-cli/functional_sso/legacy_login.json"
    ))
    .unwrap();
    assert_eq!(cli["start_url"], START_URL);
    let dir = TempDir::new("legacy");
    let cache = TokenCache::new(&dir.0);
    static FIRST: [(&str, u16, &str); 3] = [
        ("/client/register", 200, REGISTERED),
        ("/device_authorization", 200, DEVICE),
        ("/token", 200, TOKEN),
    ];
    static AGAIN: [(&str, u16, &str); 2] = [
        ("/device_authorization", 200, DEVICE),
        ("/token", 200, TOKEN),
    ];
    for (round, script) in [(0, &FIRST[..]), (1, &AGAIN[..])] {
        let (base, server) = scripted(script);
        let login = SsoLogin::builder()
            .legacy_profile()
            .start_url(START_URL)
            .endpoint(Endpoint::custom(&base, "us-east-1").unwrap())
            .cache(TokenCache::new(&dir.0))
            .build()
            .unwrap();
        assert_eq!(login.flow(), Flow::Device);
        assert!(login.requested_scopes().is_empty());
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut prompts = 0;
        let token = login
            .login_blocking(&ureq::Agent::new_with_defaults(), |_| prompts += 1)
            .unwrap();
        assert_eq!(prompts, 1);
        assert_eq!(token.access_token().expose_secret(), "STANDIN-ACCESS-TOKEN");
        let seen = server.join().unwrap();
        let bodies: Vec<serde_json::Value> = seen
            .iter()
            .map(|(_, body)| serde_json::from_str(body).unwrap())
            .collect();
        let calls = cli["calls"].as_array().unwrap();
        // The CLI polls once before it prompts; the rest is request for request.
        let cli_bodies: Vec<&serde_json::Value> = calls.iter().map(|c| &c[1]).collect();
        if round == 0 {
            let name = bodies[0]["clientName"].as_str().unwrap();
            let cli_name = cli_bodies[0]["clientName"].as_str().unwrap();
            let time: u64 = name
                .strip_prefix("botocore-client-")
                .unwrap()
                .parse()
                .unwrap();
            assert!(cli_name
                .strip_prefix("botocore-client-")
                .unwrap()
                .parse::<u64>()
                .is_ok());
            assert!((before..before + 60).contains(&time), "{name}");
            let mut body = bodies[0].clone();
            let mut cli_body = cli_bodies[0].clone();
            body["clientName"] = serde_json::Value::Null;
            cli_body["clientName"] = serde_json::Value::Null;
            assert_eq!(body, cli_body, "RegisterClient");
        }
        let ours = &bodies[bodies.len() - 2..];
        assert_eq!(&ours[0], cli_bodies[1], "StartDeviceAuthorization");
        assert_eq!(&ours[1], cli_bodies[2], "CreateToken");

        // The files: the CLI's names, the token's members the CLI's.
        let cached = cli["cache"].as_array().unwrap();
        let registration_file = cached[0]["file"].as_str().unwrap();
        let token_file = cached[1]["file"].as_str().unwrap();
        assert_eq!(login.registration_key().file_name(), registration_file);
        assert_eq!(login.key().file_name(), token_file);
        let mut names: Vec<String> = std::fs::read_dir(&dir.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".json"))
            .collect();
        names.sort();
        let mut expected = vec![registration_file.to_owned(), token_file.to_owned()];
        expected.sort();
        assert_eq!(names, expected);
        let mut written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.0.join(token_file)).unwrap()).unwrap();
        let mut cli_token: serde_json::Value =
            serde_json::from_str(cached[1]["text"].as_str().unwrap()).unwrap();
        let expires = written["expiresAt"].take();
        cli_token["expiresAt"].take();
        assert_eq!(written, cli_token);
        assert_eq!(
            expires.as_str().unwrap().len(),
            "2026-12-01T13:00:00Z".len()
        );
        // The registration file holds what the CLI's does: the client, its
        // secret and expiry, and no scopes or grant types.
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.0.join(registration_file)).unwrap()).unwrap();
        let cli_registration: serde_json::Value =
            serde_json::from_str(cached[0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(written, cli_registration);
        let registration = cache
            .load_registration(&login.registration_key())
            .unwrap()
            .unwrap();
        assert_eq!(registration.client_id(), "standin-client");
        assert!(cache
            .load(&CacheKey::start_url(START_URL))
            .unwrap()
            .is_some());
    }
}

/// A legacy profile is signed in as the CLI signs it in: the device flow, no
/// registration scopes; asking for either is refused at `build()`, by name.
#[test]
fn a_legacy_profile_refuses_pkce_and_scopes() {
    let err = SsoLogin::builder()
        .legacy_profile()
        .start_url(START_URL)
        .endpoint(Endpoint::new("us-east-1").unwrap())
        .flow(Flow::Pkce)
        .scope("sso:account:access")
        .build()
        .unwrap_err();
    let problems: Vec<_> = err
        .problems()
        .iter()
        .map(|p| (p.field(), *p.rule()))
        .collect();
    assert_eq!(
        problems,
        [
            ("flow", Rule::LegacyProfileFlow),
            ("scope", Rule::LegacyProfileScopes)
        ]
    );
    assert!(err.to_string().contains("without an sso-session"), "{err}");
    // An empty setting is a setting too.
    let err = SsoLogin::builder()
        .legacy_profile()
        .start_url(START_URL)
        .endpoint(Endpoint::new("us-east-1").unwrap())
        .registration_scopes("")
        .build()
        .unwrap_err();
    assert_eq!(*err.problems()[0].rule(), Rule::LegacyProfileScopes);
    let login = SsoLogin::builder()
        .legacy_profile()
        .start_url(START_URL)
        .endpoint(Endpoint::new("us-east-1").unwrap())
        .flow(Flow::Device)
        .build()
        .unwrap();
    assert_eq!(
        login.registration_key(),
        RegistrationKey::new(START_URL, "us-east-1", None, None)
    );
}
