//! `SsoRoleCredentials`: an SSO profile's role credentials as an SDK
//! credentials provider, against a local stand-in for the access portal over
//! real sockets, a temporary SSO token cache and a temporary CLI credential
//! cache; an `aws-sdk-sts` client signs with what it gives.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_async::time::TimeSource;
use ssooidc_token::cache::{
    CacheKey, CachedToken, RoleCredentialsCache, SessionError, SsoSession, TokenCache,
};
use ssooidc_token::credentials::SsoRoleCredentials;
use ssooidc_token::{Endpoint, ReqwestClient, Rule};

#[path = "common/portal.rs"]
mod stand_in;
#[path = "common/temp_dir.rs"]
mod temp_dir;

const TOKEN: &str = "aoaAAAAAGYm-cached-access-token";
/// 2100-01-01T00:00:00Z, in milliseconds.
const EXPIRATION_MS: u64 = 4_102_444_800_000;

fn answer(key_id: &str) -> (u16, &'static str, Vec<u8>) {
    (
        200,
        "content-type: application/json\r\n",
        format!(
            r#"{{"roleCredentials":{{"accessKeyId":"{key_id}","secretAccessKey":"c2VjcmV0","sessionToken":"dG9rZW4=","expiration":{EXPIRATION_MS}}}}}"#
        )
        .into_bytes(),
    )
}

/// A clock the test moves: the system's plus an offset.
#[derive(Clone, Debug, Default)]
struct SteppedClock(Arc<Mutex<Duration>>);

impl SteppedClock {
    fn set(&self, at: SystemTime) {
        *self.0.lock().unwrap() = at.duration_since(SystemTime::now()).unwrap_or_default();
    }
}

impl TimeSource for SteppedClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + *self.0.lock().unwrap()
    }
}

/// A temporary SSO cache holding a fresh token for `my-sso` (never refreshed:
/// the OIDC endpoint given is a closed port).
fn logged_in(dir: &temp_dir::TempDir) -> SsoSession {
    let cache = TokenCache::new(dir.path().join("sso"));
    let token = CachedToken::builder()
        .access_token(TOKEN)
        .expires_at(UNIX_EPOCH + Duration::from_millis(EXPIRATION_MS))
        .region("eu-west-1")
        .build()
        .unwrap();
    cache.store(&CacheKey::session("my-sso"), &token).unwrap();
    SsoSession::new(
        cache,
        CacheKey::session("my-sso"),
        Endpoint::custom("http://127.0.0.1:9", "eu-west-1").unwrap(),
    )
}

fn make_provider(
    dir: &temp_dir::TempDir,
    portal: &str,
    clock: Option<SteppedClock>,
    role_cache: bool,
) -> SsoRoleCredentials {
    SsoRoleCredentials::builder()
        .session(logged_in(dir))
        .account_id("123456789012")
        .role_name("ReadOnly")
        .portal_endpoint(Endpoint::custom(portal, "eu-west-1").unwrap())
        .client(ReqwestClient::new().unwrap())
        .maybe_role_cache(role_cache.then(|| RoleCredentialsCache::new(dir.path().join("cli"))))
        .maybe_time_source(clock)
        .build()
        .unwrap()
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn fetches_once_hands_out_an_early_expiry_and_shares_the_cli_cache() {
    let dir = temp_dir::TempDir::new("sso-role");
    let portal = stand_in::Portal::start_with_bodies(vec![answer("ASIAEXAMPLE")]);
    let provider = make_provider(&dir, &portal.url, None, true);
    let expiration = UNIX_EPOCH + Duration::from_millis(EXPIRATION_MS);
    block_on(async {
        let first = provider.provide_credentials().await.unwrap();
        assert_eq!(first.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(first.secret_access_key(), "c2VjcmV0");
        assert_eq!(first.session_token(), Some("dG9rZW4="));
        // 5 minutes before the portal's expiration, for the SDK's cache.
        assert_eq!(first.expiry(), Some(expiration - Duration::from_secs(300)));
        assert_eq!(first.account_id().map(|a| a.as_str()), Some("123456789012"));
        assert!(format!("{first:?}").contains("\"SSO\""), "{first:?}");
        // Fresh: the second load sends nothing.
        let second = provider.provide_credentials().await.unwrap();
        assert_eq!(second.access_key_id(), "ASIAEXAMPLE");
    });
    let heads = portal.heads();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with(
            "GET /federation/credentials?role_name=ReadOnly&account_id=123456789012 HTTP/1.1\r\n"
        ),
        "{}",
        heads[0]
    );
    assert!(heads[0].to_ascii_lowercase().contains(&format!(
        "x-amz-sso_bearer_token: {}\r\n",
        TOKEN.to_ascii_lowercase()
    )));
    // Cached where the CLI looks: another provider (a new process) takes them
    // from there, and asks the portal nothing.
    let quiet = stand_in::Portal::start_with_bodies(vec![]);
    let other = make_provider(&dir, &quiet.url, None, true);
    let again = block_on(other.provide_credentials()).unwrap();
    assert_eq!(again.access_key_id(), "ASIAEXAMPLE");
    assert_eq!(again.account_id().map(|a| a.as_str()), Some("123456789012"));
    assert!(quiet.heads().is_empty());
}

/// Renewed once the handed-out expiry is near; a failed renewal serves the
/// credentials the portal still honours, and once they are not usable the
/// error reaches the caller, naming its cause.
#[test]
fn renews_near_expiry_and_a_failed_renewal_serves_usable_credentials() {
    let dir = temp_dir::TempDir::new("sso-role-renew");
    let refusal = (
        401,
        "x-amzn-errortype: UnauthorizedException\r\ncontent-type: application/json\r\n",
        br#"{"message":"Session token not found or invalid"}"#.to_vec(),
    );
    let portal = stand_in::Portal::start_with_bodies(vec![
        answer("ASIAFIRST"),
        answer("ASIASECOND"),
        refusal.clone(),
        refusal,
    ]);
    let clock = SteppedClock::default();
    let provider = make_provider(&dir, &portal.url, Some(clock.clone()), false);
    let expiration = UNIX_EPOCH + Duration::from_millis(EXPIRATION_MS);
    block_on(async {
        assert_eq!(
            provider
                .provide_credentials()
                .await
                .unwrap()
                .access_key_id(),
            "ASIAFIRST"
        );
        // 4 minutes before expiration: inside the 5-minute window, renewed.
        clock.set(expiration - Duration::from_secs(240));
        assert_eq!(
            provider
                .provide_credentials()
                .await
                .unwrap()
                .access_key_id(),
            "ASIASECOND"
        );
        // Those carry an expiry 2 minutes before expiration (half of what
        // was left); past it, renewal is refused, the current ones served.
        clock.set(expiration - Duration::from_secs(100));
        assert_eq!(
            provider
                .provide_credentials()
                .await
                .unwrap()
                .access_key_id(),
            "ASIASECOND"
        );
        assert_eq!(
            provider
                .fallback_on_interrupt()
                .map(|c| c.access_key_id().to_owned()),
            Some("ASIASECOND".to_owned())
        );
        // Within the minute's rest after the failure: served, nothing sent.
        clock.set(expiration - Duration::from_secs(70));
        assert_eq!(
            provider
                .provide_credentials()
                .await
                .unwrap()
                .access_key_id(),
            "ASIASECOND"
        );
        // 20 s before expiration: not usable any more; the refusal reaches
        // the caller.
        clock.set(expiration - Duration::from_secs(20));
        let err = provider.provide_credentials().await.unwrap_err();
        assert!(matches!(err, CredentialsError::ProviderError(_)), "{err:?}");
        let source = std::error::Error::source(&err).unwrap();
        assert!(
            source.to_string().contains("UnauthorizedException"),
            "{source}"
        );
        assert!(provider.fallback_on_interrupt().is_none());
    });
    assert_eq!(portal.heads().len(), 4);
}

#[test]
fn not_logged_in_is_an_error_naming_it_and_nothing_is_sent() {
    let dir = temp_dir::TempDir::new("sso-role-none");
    let portal = stand_in::Portal::start_with_bodies(vec![]);
    let provider = SsoRoleCredentials::builder()
        .session(SsoSession::new(
            TokenCache::new(dir.path()),
            CacheKey::session("nobody"),
            Endpoint::custom("http://127.0.0.1:9", "eu-west-1").unwrap(),
        ))
        .account_id("123456789012")
        .role_name("ReadOnly")
        .portal_endpoint(Endpoint::custom(&portal.url, "eu-west-1").unwrap())
        .client(ReqwestClient::new().unwrap())
        .build()
        .unwrap();
    let err = block_on(provider.provide_credentials()).unwrap_err();
    let source = std::error::Error::source(&err).unwrap();
    assert!(
        matches!(
            source.downcast_ref::<SessionError>(),
            Some(SessionError::NotLoggedIn)
        ),
        "{source:?}"
    );
    assert!(portal.heads().is_empty());
}

#[test]
fn bad_settings_are_refused_by_name() {
    let dir = temp_dir::TempDir::new("sso-role-bad");
    let err = SsoRoleCredentials::builder()
        .session(logged_in(&dir))
        .account_id("12345")
        .role_name("Read Only")
        .portal_endpoint(ssooidc_token::portal::endpoint("eu-west-1").unwrap())
        .client(ReqwestClient::new().unwrap())
        .build()
        .unwrap_err();
    let found: Vec<(&str, Rule)> = err
        .problems()
        .iter()
        .map(|p| (p.field(), *p.rule()))
        .collect();
    assert_eq!(
        found,
        [
            ("account_id", Rule::AccountId),
            ("role_name", Rule::RoleName)
        ]
    );
    assert!(err.to_string().contains("SsoRoleCredentials"), "{err}");
}

/// An SDK client given the provider signs with its credentials: the
/// `Authorization` header names the access key, and the session token goes
/// in `x-amz-security-token`.
#[test]
fn an_sdk_client_signs_with_them() {
    use aws_smithy_http_client::test_util::capture_request;

    let dir = temp_dir::TempDir::new("sso-role-sdk");
    let portal = stand_in::Portal::start_with_bodies(vec![answer("ASIAEXAMPLE")]);
    let provider = make_provider(&dir, &portal.url, None, false);
    let (http, receiver) = capture_request(None);
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new("eu-west-1"))
        .credentials_provider(provider)
        .http_client(http)
        .build();
    let client = aws_sdk_sts::Client::from_conf(config);
    // The canned answer is empty: the SDK's error reading it is not the point.
    let _ = block_on(client.get_caller_identity().send());
    let request = receiver.expect_request();
    let authorization = request.headers().get("authorization").unwrap();
    assert!(
        authorization.contains("Credential=ASIAEXAMPLE/"),
        "{authorization}"
    );
    assert_eq!(
        request.headers().get("x-amz-security-token"),
        Some("dG9rZW4=")
    );
    assert_eq!(portal.heads().len(), 1);
}

/// Loads made at once share one fetch; the role cache file is the one the
/// CLI names.
#[test]
fn concurrent_loads_share_one_fetch() {
    let dir = temp_dir::TempDir::new("sso-role-many");
    let portal = stand_in::Portal::start_with_bodies(vec![answer("ASIAEXAMPLE")]);
    let provider = make_provider(&dir, &portal.url, None, true);
    block_on(async {
        let (a, b, c, d) = tokio::join!(
            provider.provide_credentials(),
            provider.provide_credentials(),
            provider.provide_credentials(),
            provider.provide_credentials()
        );
        for credentials in [a, b, c, d] {
            assert_eq!(credentials.unwrap().access_key_id(), "ASIAEXAMPLE");
        }
    });
    assert_eq!(portal.heads().len(), 1);
    // SHA-1 of {"accountId":"123456789012","roleName":"ReadOnly","sessionName":"my-sso"}.
    assert!(dir
        .path()
        .join("cli")
        .join("31b260dab331b2af063485cea75f7b8b3cf54c71.json")
        .is_file());
}

/// A load the SDK drops before its fetch ends (here: a portal that never
/// answers, and a timeout) rests the provider a minute: the next load serves
/// the credentials still honoured at once, instead of starting a fetch that
/// would hang too.
#[test]
fn a_dropped_load_rests_like_a_failed_one() {
    let dir = temp_dir::TempDir::new("sso-role-drop");
    // A portal that takes connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    // The first credentials come from the CLI's cache.
    let roles = RoleCredentialsCache::new(dir.path().join("cli"));
    let cached =
        ssooidc_token::portal::GetRoleCredentialsResponse::from_json(&answer("ASIACACHED").2)
            .unwrap()
            .into_credentials();
    roles
        .store(
            &ssooidc_token::cache::RoleCredentialsKey::session(
                "my-sso",
                "123456789012",
                "ReadOnly",
            ),
            &cached,
        )
        .unwrap();
    let clock = SteppedClock::default();
    let provider = make_provider(&dir, &url, Some(clock.clone()), true);
    let expiration = UNIX_EPOCH + Duration::from_millis(EXPIRATION_MS);
    block_on(async {
        assert_eq!(
            provider
                .provide_credentials()
                .await
                .unwrap()
                .access_key_id(),
            "ASIACACHED"
        );
        // Inside the window: the cache's are not fresh enough, the portal hangs.
        clock.set(expiration - Duration::from_secs(240));
        let cut =
            tokio::time::timeout(Duration::from_millis(300), provider.provide_credentials()).await;
        assert!(cut.is_err(), "the load was cut short");
        let next = tokio::time::timeout(Duration::from_secs(5), provider.provide_credentials())
            .await
            .expect("served at once, not fetched again")
            .unwrap();
        assert_eq!(next.access_key_id(), "ASIACACHED");
    });
    drop(silent);
}
