//! `IdentityEnhancedCredentials` against local stand-ins for the OIDC
//! endpoint, STS and an API on 127.0.0.1, each verifying every SigV4 signature
//! with `aws-sigv4`: an official SDK client signs with the identity-enhanced
//! session; one chain for 100 concurrent callers; refresh with the refresh
//! token, and the fallback to jwt-bearer; rotating application credentials;
//! refusals and transport failures as the SDK's errors. Every test is bounded
//! (30 s).

#[path = "common/closed_port.rs"]
mod closed_port;
#[path = "common/local_aws.rs"]
mod local_aws;
#[path = "../examples/support/sigv4_endpoint.rs"]
mod sigv4_endpoint;

use std::error::Error;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials};
use aws_credential_types::Credentials;
use aws_smithy_async::time::TimeSource;
use aws_smithy_types::body::SdkBody;
use local_aws::{
    api, oidc, sts, OidcState, Server, StsState, APPLICATION_ARN, REGION, ROLE_ARN, SESSION_KEY_ID,
};
use ssooidc_token::credentials::{ChainError, ChainStep, IdentityEnhancedCredentials};
use ssooidc_token::sts::StsEndpoint;
use ssooidc_token::{Endpoint, ReqwestClient, SecretString};

const IDP_JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
const APP_KEYS: [(&str, &str); 3] = [
    (
        "AKIDAPPEXAMPLE1",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY1",
    ),
    (
        "AKIDAPPEXAMPLE2",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY2",
    ),
    (
        "AKIDAPPEXAMPLE3",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY3",
    ),
];

/// The application's credentials as a task role gives them: a new pair on every
/// call (`APP_KEYS` in turn), which the local endpoints then expect.
#[derive(Debug)]
struct RotatingAppCredentials {
    calls: AtomicUsize,
    expected: Arc<Mutex<(String, String)>>,
    rotate: bool,
    /// While set, a chain waits for the application's credentials forever:
    /// a load dropped then has sent nothing.
    hold: Arc<AtomicBool>,
}

impl ProvideCredentials for RotatingAppCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        if self.hold.load(Ordering::SeqCst) {
            return future::ProvideCredentials::new(std::future::pending());
        }
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let (key_id, secret) = APP_KEYS[if self.rotate { call % 3 } else { 0 }];
        *self.expected.lock().unwrap() = (key_id.to_owned(), secret.to_owned());
        future::ProvideCredentials::ready(Ok(Credentials::new(key_id, secret, None, None, "app")))
    }
}

struct Setup {
    oidc: Server,
    sts: Server,
    oidc_state: Arc<OidcState>,
    sts_state: Arc<StsState>,
    idp_calls: Arc<AtomicUsize>,
    provider: IdentityEnhancedCredentials,
    /// Holds every chain at the application's credentials while set.
    app_hold: Arc<AtomicBool>,
}

/// A clock for the provider: the system's, moved on by `advance` (the local
/// endpoints keep the system's, so STS's `Expiration` stays real).
#[derive(Clone, Debug, Default)]
struct SteppedClock(Arc<Mutex<(Duration, bool)>>);

impl SteppedClock {
    fn advance_to(&self, offset: Duration) {
        *self.0.lock().unwrap() = (offset, false);
    }

    /// Sets the clock `offset` behind the system's.
    fn advance_to_behind(&self, offset: Duration) {
        *self.0.lock().unwrap() = (offset, true);
    }
}

impl TimeSource for SteppedClock {
    fn now(&self) -> SystemTime {
        match *self.0.lock().unwrap() {
            (offset, false) => SystemTime::now() + offset,
            (offset, true) => SystemTime::now() - offset,
        }
    }
}

fn setup(rotate: bool) -> Setup {
    setup_with(rotate, None)
}

fn setup_with(rotate: bool, clock: Option<SteppedClock>) -> Setup {
    setup_full(rotate, clock, None)
}

fn setup_full(
    rotate: bool,
    clock: Option<SteppedClock>,
    external_id: Option<&'static str>,
) -> Setup {
    let expected = Arc::new(Mutex::new((
        APP_KEYS[0].0.to_owned(),
        APP_KEYS[0].1.to_owned(),
    )));
    let oidc_state = Arc::new(OidcState::default());
    // One clock for both services, as AWS has.
    let sts_state = Arc::new(StsState {
        clock: oidc_state.clock.clone(),
        ..StsState::default()
    });
    let oidc = oidc(expected.clone(), oidc_state.clone());
    let sts = sts(expected.clone(), sts_state.clone());
    let idp_calls = Arc::new(AtomicUsize::new(0));
    let calls = idp_calls.clone();
    let app_hold = Arc::new(AtomicBool::new(false));
    let client = ReqwestClient::from_builder(
        reqwest::Client::builder().connect_timeout(Duration::from_secs(5)),
    )
    .unwrap()
    .with_exchange_timeout(Some(Duration::from_secs(10)));
    let builder = IdentityEnhancedCredentials::builder()
        .application_arn(APPLICATION_ARN)
        .role_arn(ROLE_ARN)
        .oidc_endpoint(Endpoint::custom(&oidc.base_url(), REGION).unwrap())
        .sts_endpoint(StsEndpoint::custom(&sts.base_url(), REGION).unwrap())
        .app_credentials(RotatingAppCredentials {
            calls: AtomicUsize::new(0),
            expected,
            rotate,
            hold: app_hold.clone(),
        })
        .idp_token(move || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Ok(SecretString::from(IDP_JWT)) }
        })
        .client(client);
    let provider = builder
        .maybe_time_source(clock)
        .maybe_external_id(external_id)
        .build()
        .unwrap();
    Setup {
        oidc,
        sts,
        oidc_state,
        sts_state,
        idp_calls,
        provider,
        app_hold,
    }
}

impl Setup {
    fn counts(&self) -> (usize, usize, usize, usize) {
        (
            self.idp_calls.load(Ordering::SeqCst),
            self.oidc_state.jwt_bearer.load(Ordering::SeqCst),
            self.oidc_state.refresh_token.load(Ordering::SeqCst),
            self.sts_state.assume_role.load(Ordering::SeqCst),
        )
    }

    /// One load, which succeeds, and then the counts (IdP tokens, jwt-bearer
    /// calls, refresh-token calls, AssumeRole calls).
    async fn load_then(&self, counts: (usize, usize, usize, usize), why: &str) {
        self.provider.provide_credentials().await.unwrap();
        assert_eq!(self.counts(), counts, "{why}");
    }

    fn no_refusals(&self) {
        assert_eq!(self.oidc.refusals(), Vec::<String>::new());
        assert_eq!(self.sts.refusals(), Vec::<String>::new());
    }
}

async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("the test took more than 30 s")
}

/// An SDK client whose HTTP layer forwards each request, as the SDK signed it,
/// to `api` over a real socket (with `ureq`), and hands back the answer.
fn sdk_client(api: &Server, provider: IdentityEnhancedCredentials) -> aws_sdk_sts::Client {
    let base = api.base_url();
    let http = aws_smithy_http_client::test_util::infallible_client_fn(
        move |request: http::Request<SdkBody>| {
            let (parts, body) = request.into_parts();
            let mut outgoing = http::Request::builder()
                .method(parts.method.clone())
                .uri(format!(
                    "{base}{}",
                    parts.uri.path_and_query().map_or("/", |p| p.as_str())
                ));
            for (name, value) in &parts.headers {
                if name != "content-length" {
                    outgoing = outgoing.header(name, value);
                }
            }
            let bytes = body.bytes().unwrap_or_default().to_vec();
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(10)))
                .build()
                .into();
            let mut answer = agent.run(outgoing.body(bytes).unwrap()).unwrap();
            let status = answer.status();
            let body = answer.body_mut().read_to_vec().unwrap();
            http::Response::builder()
                .status(status)
                .header("content-type", "text/xml")
                .body(SdkBody::from(body))
                .unwrap()
        },
    );
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new(REGION))
        .endpoint_url(api.base_url())
        .credentials_provider(provider)
        .http_client(http)
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

fn chain_error<'a>(err: &'a (dyn Error + 'static)) -> Option<&'a ChainError> {
    let mut next = Some(err);
    while let Some(err) = next {
        if let Some(chain) = err.downcast_ref::<ChainError>() {
            return Some(chain);
        }
        next = err.source();
    }
    None
}

fn error_chain_text(err: &(dyn Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut next = err.source();
    while let Some(err) = next {
        text.push_str(": ");
        text.push_str(&err.to_string());
        next = err.source();
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_sdk_client_signs_with_the_identity_enhanced_session_and_100_calls_run_one_chain() {
    let setup = setup(false);
    let api = api();
    let client = sdk_client(&api, setup.provider.clone());
    bounded(async {
        let calls: Vec<_> = (0..100)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get_caller_identity().send().await })
            })
            .collect();
        for call in calls {
            let identity = call.await.unwrap().expect("GetCallerIdentity");
            assert_eq!(
                identity.arn(),
                Some("arn:aws:sts::123456789012:assumed-role/identity-enhanced/alice")
            );
        }
    })
    .await;
    assert_eq!(api.refusals(), Vec::<String>::new());
    assert_eq!(
        api.served(),
        100,
        "every call reached the API, signed by the session"
    );
    // One chain: one IdP token, one jwt-bearer CreateTokenWithIAM, one AssumeRole.
    assert_eq!(setup.counts(), (1, 1, 0, 1));
    setup.no_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_hundred_concurrent_loads_without_the_sdk_share_one_chain() {
    let setup = setup(false);
    let before = SystemTime::now();
    let loads: Vec<_> = (0..100)
        .map(|_| {
            let provider = setup.provider.clone();
            tokio::spawn(async move { provider.provide_credentials().await })
        })
        .collect();
    let all = bounded(async {
        let mut all = Vec::new();
        for load in loads {
            all.push(load.await.unwrap().expect("credentials"));
        }
        all
    })
    .await;
    assert_eq!(setup.counts(), (1, 1, 0, 1));
    setup.no_refusals();
    for credentials in &all {
        assert_eq!(credentials.access_key_id(), SESSION_KEY_ID);
        assert_eq!(credentials.session_token(), Some(local_aws::SESSION_TOKEN));
        // STS's Expiration (an hour, whole seconds) less the 5-minute window.
        let expiry = credentials.expiry().unwrap();
        let earliest = before + Duration::from_secs(3_600 - 300 - 1);
        let latest = SystemTime::now() + Duration::from_secs(3_600 - 300);
        assert!(expiry >= earliest && expiry <= latest, "{expiry:?}");
    }
    // Fresh credentials are served without a chain.
    bounded(setup.provider.provide_credentials()).await.unwrap();
    assert_eq!(setup.counts(), (1, 1, 0, 1));
}

/// Loads waiting while a chain fails share its error: one chain, not one per
/// caller, and a load that arrives after it ran a new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_loads_share_one_failed_chain_and_its_error() {
    let setup = setup(false);
    setup.sts_state.deny.store(true, Ordering::SeqCst);
    let loads: Vec<_> = (0..50)
        .map(|_| {
            let provider = setup.provider.clone();
            tokio::spawn(async move { provider.provide_credentials().await })
        })
        .collect();
    let errors = bounded(async {
        let mut errors = Vec::new();
        for load in loads {
            errors.push(load.await.unwrap().expect_err("STS refuses"));
        }
        errors
    })
    .await;
    assert_eq!(setup.counts(), (1, 1, 0, 1), "one chain for fifty loads");
    for err in &errors {
        assert!(matches!(err, CredentialsError::ProviderError(_)), "{err:?}");
        let chain = chain_error(err).expect("the chain's error");
        assert_eq!(chain.step(), ChainStep::AssumeRoleWithContext);
        assert!(error_chain_text(err).contains("sts:SetContext"));
    }
    // A later load is not handed the old error: it runs a chain of its own.
    bounded(setup.provider.provide_credentials())
        .await
        .unwrap_err();
    assert_eq!(setup.counts().3, 2);
    setup.no_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_window_the_refresh_token_renews_and_a_refused_one_falls_back_to_jwt_bearer() {
    let setup = setup(false);
    // The local STS hands out sessions of 40 s: the window (5 minutes, at most
    // half a session's lifetime) puts their expiry 20 s away, inside the 30 s
    // the provider renews ahead, so every load finds them due and runs a chain.
    setup.sts_state.lifetime.store(40, Ordering::SeqCst);
    bounded(async {
        setup.provider.provide_credentials().await.unwrap();
        assert_eq!(setup.counts(), (1, 1, 0, 1), "first chain: jwt-bearer");
        setup.provider.provide_credentials().await.unwrap();
        assert_eq!(
            setup.counts(),
            (1, 1, 1, 2),
            "second chain: the refresh token"
        );
        setup.provider.provide_credentials().await.unwrap();
        assert_eq!(
            setup.counts(),
            (1, 1, 2, 3),
            "third: the newer refresh token"
        );
        // The OIDC endpoint now refuses the refresh token: one refused
        // refresh-token call, then jwt-bearer with a fresh IdP token.
        setup
            .oidc_state
            .refuse_refresh
            .store(true, Ordering::SeqCst);
        setup.provider.provide_credentials().await.unwrap();
        assert_eq!(setup.counts(), (2, 2, 3, 4), "fallback to jwt-bearer");
        // And the refresh token that jwt-bearer brought is tried first again.
        setup
            .oidc_state
            .refuse_refresh
            .store(false, Ordering::SeqCst);
        setup.provider.provide_credentials().await.unwrap();
        assert_eq!(setup.counts(), (2, 2, 4, 5));
    })
    .await;
    setup.no_refusals();
}

/// The credentials carry the assumed role's account, as the SDK's own
/// AssumeRole provider sets it, and an expiry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_credentials_carry_the_account_id_and_an_expiry() {
    let setup = setup(false);
    let credentials = bounded(setup.provider.provide_credentials()).await.unwrap();
    assert_eq!(
        credentials.account_id().map(|id| id.as_str()),
        Some("123456789012")
    );
    assert!(credentials.expiry().is_some());
    assert_eq!(credentials.access_key_id(), SESSION_KEY_ID);
    setup.no_refusals();
}

/// A blank refresh token in an answer is not kept: the next chain uses the
/// one held before it (or jwt-bearer), and no chain fails on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blank_refresh_token_in_an_answer_is_not_kept() {
    let setup = setup(false);
    setup.sts_state.lifetime.store(40, Ordering::SeqCst);
    bounded(async {
        let blank = |on| {
            setup
                .oidc_state
                .blank_refresh_token
                .store(on, Ordering::SeqCst)
        };
        blank(true);
        setup
            .load_then((1, 1, 0, 1), "jwt-bearer, blank token")
            .await;
        // Nothing usable held: jwt-bearer again, not a failed refresh grant.
        setup.load_then((2, 2, 0, 2), "jwt-bearer again").await;
        blank(false);
        setup
            .load_then((3, 3, 0, 3), "a real token handed out")
            .await;
        // A blank one after a real one: the real one is kept and used again
        // (the stand-in expects the last real one it handed out).
        blank(true);
        setup
            .load_then((3, 3, 1, 4), "refresh, blank token back")
            .await;
        setup.load_then((3, 3, 2, 5), "the real token again").await;
    })
    .await;
    setup.no_refusals();
}

/// A refresh answer without an identity context cannot give a session: the
/// refresh token is dropped and jwt-bearer runs in the same chain, so the
/// chain succeeds and the next ones are not stuck on the refresh token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_answer_without_an_identity_context_falls_back_to_jwt_bearer() {
    let setup = setup(false);
    setup.sts_state.lifetime.store(40, Ordering::SeqCst);
    bounded(async {
        let no_context = |on| {
            setup
                .oidc_state
                .no_context_on_refresh
                .store(on, Ordering::SeqCst)
        };
        setup.load_then((1, 1, 0, 1), "jwt-bearer").await;
        no_context(true);
        setup
            .load_then((2, 2, 1, 2), "refresh, then jwt-bearer")
            .await;
        no_context(false);
        setup
            .load_then((2, 2, 2, 3), "jwt-bearer's token used")
            .await;
    })
    .await;
    setup.no_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_grant_after_the_fallback_is_a_refusal_not_retried() {
    let setup = setup(false);
    // Sessions of 20 s: due at once, and too close to their end to be kept
    // when the renewal fails.
    setup.sts_state.lifetime.store(20, Ordering::SeqCst);
    bounded(setup.provider.provide_credentials()).await.unwrap();
    setup
        .oidc_state
        .refuse_refresh
        .store(true, Ordering::SeqCst);
    setup.oidc_state.refuse_jwt.store(true, Ordering::SeqCst);
    let err = bounded(setup.provider.provide_credentials())
        .await
        .unwrap_err();
    assert!(matches!(err, CredentialsError::ProviderError(_)), "{err:?}");
    let chain = chain_error(&err).expect("the source is the chain's error");
    assert_eq!(chain.step(), ChainStep::JwtBearerGrant);
    assert!(!chain.is_retryable());
    assert!(error_chain_text(&err).contains("invalid_grant"));
    // Refresh token tried once, jwt-bearer once more, no AssumeRole.
    assert_eq!(setup.counts(), (2, 2, 1, 1));
    setup.no_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_early_renewal_keeps_the_credentials_sts_still_honours_and_rests() {
    let setup = setup(false);
    // Sessions of 40 s: due for renewal at once, still usable for 10 s more.
    setup.sts_state.lifetime.store(40, Ordering::SeqCst);
    let first = bounded(setup.provider.provide_credentials()).await.unwrap();
    setup.sts_state.deny.store(true, Ordering::SeqCst);
    let kept = bounded(setup.provider.provide_credentials()).await.unwrap();
    assert_eq!(kept.expiry(), first.expiry());
    assert_eq!(setup.counts(), (1, 1, 1, 2), "the renewal ran and failed");
    // It rests: the next loads get the same credentials without a chain.
    for _ in 0..3 {
        let again = bounded(setup.provider.provide_credentials()).await.unwrap();
        assert_eq!(again.expiry(), first.expiry());
    }
    assert_eq!(setup.counts(), (1, 1, 1, 2));
    setup.no_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_renewal_rests_one_minute_on_the_providers_clock_then_runs_again() {
    let clock = SteppedClock::default();
    let setup = setup_with(false, Some(clock.clone()));
    let at = |secs| clock.advance_to(Duration::from_secs(secs));
    let start = SystemTime::now();
    // Sessions of 400 s: handed out with an expiry 200 s away (the 5-minute
    // window, at most half the lifetime), renewed from 170 s on.
    setup.sts_state.lifetime.store(400, Ordering::SeqCst);
    bounded(async {
        let first = setup.provider.provide_credentials().await.unwrap();
        assert_eq!(setup.counts(), (1, 1, 0, 1));
        at(169);
        setup.provider.provide_credentials().await.unwrap();
        assert_eq!(setup.counts(), (1, 1, 0, 1), "still fresh at 169 s");
        // Due at 180 s; STS refuses, the credentials are kept (usable until
        // 370 s), and the next attempt waits until 240 s.
        setup.sts_state.deny.store(true, Ordering::SeqCst);
        at(180);
        let kept = setup.provider.provide_credentials().await.unwrap();
        assert_eq!(kept.expiry(), first.expiry());
        assert_eq!(setup.counts(), (1, 1, 1, 2), "the renewal ran and failed");
        for secs in [181, 200, 239] {
            at(secs);
            let again = setup.provider.provide_credentials().await.unwrap();
            assert_eq!(again.expiry(), first.expiry());
            assert_eq!(setup.counts(), (1, 1, 1, 2), "resting at {secs} s");
        }
        // The minute is over: another attempt, refused again, another rest.
        at(241);
        setup.provider.provide_credentials().await.unwrap();
        assert_eq!(setup.counts(), (1, 1, 2, 3), "tried again at 241 s");
        setup.sts_state.deny.store(false, Ordering::SeqCst);
        setup.sts_state.lifetime.store(3_600, Ordering::SeqCst);
        at(300);
        setup.provider.provide_credentials().await.unwrap();
        assert_eq!(setup.counts(), (1, 1, 2, 3), "resting until 301 s");
        // After it: renewed, with the new session's expiry.
        at(302);
        let renewed = setup.provider.provide_credentials().await.unwrap();
        assert_eq!(setup.counts(), (1, 1, 3, 4));
        assert!(renewed.expiry().unwrap() > first.expiry().unwrap() + Duration::from_secs(3_000));
        // Requests are dated by the provider's clock too: the first chain at
        // the start, this one 302 s on.
        for signed_at in [&setup.oidc_state.signed_at, &setup.sts_state.signed_at] {
            let signed_at = signed_at.lock().unwrap();
            assert!(signed_at[0] < local_aws::amz_date_of(start + Duration::from_secs(60)));
            assert!(signed_at[3] >= local_aws::amz_date_of(start + Duration::from_secs(302)));
        }
        // Past the old session's end, a refusal reaches the caller: nothing is
        // kept that STS no longer honours.
        setup.sts_state.deny.store(true, Ordering::SeqCst);
        at(3_600);
        setup.provider.provide_credentials().await.unwrap_err();
        assert_eq!(setup.counts(), (1, 1, 4, 5));
        // And the SDK's fallback gives nothing once, by that clock, STS's
        // `Expiration` is under 30 s away.
        at(3_560);
        assert!(setup.provider.fallback_on_interrupt().is_some());
        at(3_580);
        assert!(setup.provider.fallback_on_interrupt().is_none());
        at(3_700);
        assert!(setup.provider.fallback_on_interrupt().is_none());
    })
    .await;
    setup.no_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_chain_is_signed_with_the_application_credentials_of_the_moment() {
    let setup = setup(true);
    setup.sts_state.lifetime.store(40, Ordering::SeqCst);
    bounded(async {
        for _ in 0..3 {
            setup.provider.provide_credentials().await.unwrap();
        }
    })
    .await;
    setup.no_refusals();
    let keys: Vec<String> = APP_KEYS.iter().map(|(id, _)| (*id).to_owned()).collect();
    assert_eq!(*setup.oidc_state.signed_by.lock().unwrap(), keys);
    assert_eq!(*setup.sts_state.signed_by.lock().unwrap(), keys);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn access_denied_reaches_the_sdk_caller_with_the_set_context_hint() {
    let setup = setup(false);
    setup.sts_state.deny.store(true, Ordering::SeqCst);
    let api = api();
    let client = sdk_client(&api, setup.provider.clone());
    let err = bounded(client.get_caller_identity().send())
        .await
        .unwrap_err();
    let text = format!(
        "{}",
        aws_smithy_types::error::display::DisplayErrorContext(&err)
    );
    assert!(text.contains("sts:SetContext"), "{text}");
    assert!(text.contains("AccessDenied"), "{text}");
    let chain = chain_error(&err).expect("the chain's error is in the SDK error's sources");
    assert_eq!(chain.step(), ChainStep::AssumeRoleWithContext);
    assert!(!chain.is_retryable());
    assert_eq!(
        api.served(),
        0,
        "nothing was sent unsigned or with other credentials"
    );
    // Without the SDK: a provider error, not retryable, the hint in its chain.
    let err = bounded(setup.provider.provide_credentials())
        .await
        .unwrap_err();
    assert!(matches!(err, CredentialsError::ProviderError(_)), "{err:?}");
    assert!(error_chain_text(&err).contains("sts:SetContext"));
    assert!(!chain_error(&err).unwrap().is_retryable());
    setup.no_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_port_is_a_retryable_provider_error_and_no_secret_shows() {
    let closed = closed_port::closed_port();
    let provider = IdentityEnhancedCredentials::builder()
        .application_arn(APPLICATION_ARN)
        .role_arn(ROLE_ARN)
        .oidc_endpoint(Endpoint::custom(&closed.url(), REGION).unwrap())
        .sts_endpoint(StsEndpoint::custom(&closed.url(), REGION).unwrap())
        .app_credentials(Credentials::new(
            APP_KEYS[0].0,
            APP_KEYS[0].1,
            None,
            None,
            "app",
        ))
        .idp_token(|| async { Ok(SecretString::from(IDP_JWT)) })
        .client(ReqwestClient::new().unwrap())
        .build()
        .unwrap();
    let err = bounded(provider.provide_credentials()).await.unwrap_err();
    assert!(matches!(err, CredentialsError::ProviderError(_)), "{err:?}");
    let chain = chain_error(&err).unwrap();
    assert_eq!(chain.step(), ChainStep::JwtBearerGrant);
    assert!(chain.is_retryable());
    let text = format!("{} {err:?}", error_chain_text(&err));
    assert!(
        !text.contains(APP_KEYS[0].1) && !text.contains("eyJ"),
        "{text}"
    );
    assert!(provider.fallback_on_interrupt().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fallback_on_interrupt_gives_the_last_credentials_while_sts_still_honours_them() {
    let setup = setup(false);
    assert!(setup.provider.fallback_on_interrupt().is_none());
    let loaded = bounded(setup.provider.provide_credentials()).await.unwrap();
    let fallback = setup.provider.fallback_on_interrupt().unwrap();
    assert_eq!(fallback.access_key_id(), loaded.access_key_id());
    assert_eq!(fallback.expiry(), loaded.expiry());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fallback_on_interrupt_gives_nothing_within_30_s_of_sts_expiration() {
    // The provider's clock is stepped, not waited for: no margin to lose on a
    // loaded machine.
    let clock = SteppedClock::default();
    let setup = setup_with(false, Some(clock.clone()));
    // Sessions of 100 s: the SDK is told they expire about half-way (the
    // refresh window is longer than the session), STS's Expiration is about
    // 100 s away (whole seconds: 99 to 101 s).
    setup.sts_state.lifetime.store(100, Ordering::SeqCst);
    let loaded = bounded(setup.provider.provide_credentials()).await.unwrap();
    let reported = loaded.expiry().unwrap();
    let ahead = |at: SystemTime| at.duration_since(SystemTime::now()).unwrap_or_default();
    clock.advance_to(ahead(reported) + Duration::from_millis(50));
    assert!(
        setup.provider.fallback_on_interrupt().is_some(),
        "past the expiry the SDK was told, STS still honours them"
    );
    // About 75 s after the load: STS still honours them for 24 to 26 s, too
    // little to sign a request with (the provider keeps 30 s to spare).
    clock.advance_to(ahead(reported) + Duration::from_secs(25));
    assert!(
        setup.provider.fallback_on_interrupt().is_none(),
        "credentials within 30 s of STS's Expiration are not offered"
    );
    clock.advance_to(ahead(reported) + Duration::from_secs(60));
    assert!(
        setup.provider.fallback_on_interrupt().is_none(),
        "credentials past STS's Expiration are not offered"
    );
    setup.no_refusals();
}

/// A builder with every required setting, for endpoints nothing is sent to.
macro_rules! offline_builder {
    () => {
        IdentityEnhancedCredentials::builder()
            .application_arn(APPLICATION_ARN)
            .role_arn(ROLE_ARN)
            .oidc_endpoint(Endpoint::new(REGION).unwrap())
            .sts_endpoint(StsEndpoint::new(REGION).unwrap())
            .app_credentials(Credentials::new("AKID", "secret", None, None, "app"))
            .idp_token(|| async { Ok(SecretString::from(IDP_JWT)) })
            .client(ReqwestClient::new().unwrap())
    };
}

/// An external ID reaches STS as `ExternalId` (the canary test in
/// `secrets_in_memory_credentials.rs` sees it on every kind of chain), and only
/// when set; no `Debug` shows it; a malformed one is refused at `build()` by
/// name.
#[tokio::test]
async fn an_external_id_is_sent_to_sts() {
    for external_id in [Some("partner:42/x"), None] {
        let setup = setup_full(false, None, external_id);
        assert!(!format!("{:?}", setup.provider).contains("partner"));
        setup.provider.provide_credentials().await.unwrap();
        assert_eq!(
            *setup.sts_state.external_ids.lock().unwrap(),
            [external_id.map(str::to_owned)]
        );
        setup.no_refusals();
    }
    let err = offline_builder!()
        .external_id("SECRET id")
        .build()
        .unwrap_err();
    let found: Vec<_> = err
        .problems()
        .iter()
        .map(|p| (p.field(), *p.rule()))
        .collect();
    assert_eq!(found, [("external_id", ssooidc_token::Rule::ExternalId)]);
    assert!(!format!("{err} {err:?}").contains("SECRET"), "{err}");
}

#[test]
fn the_builder_refuses_what_sts_and_the_oidc_service_would_refuse() {
    let err = IdentityEnhancedCredentials::builder()
        .application_arn(" ")
        .role_arn("arn:aws:iam::123:role/x")
        .oidc_endpoint(Endpoint::new(REGION).unwrap())
        .sts_endpoint(StsEndpoint::new(REGION).unwrap())
        .app_credentials(Credentials::new("AKID", "secret", None, None, "app"))
        .idp_token(|| async { Ok(SecretString::from(IDP_JWT)) })
        .client(ReqwestClient::new().unwrap())
        .scope("openid")
        .duration_seconds(60)
        .tag("a", "1")
        .tag("A", "2")
        .build()
        .unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field()).collect();
    assert_eq!(
        fields,
        [
            "application_arn",
            "scope",
            "role_arn",
            "duration_seconds",
            "tag"
        ],
        "{err}"
    );

    // The `maybe_*` setters: `Some` is the plain setter, `None` no call.
    let builder = || offline_builder!();
    let err = builder()
        .maybe_duration_seconds(Some(60))
        .maybe_source_identity(Some("aws:x"))
        .maybe_role_session_name(None::<&str>)
        .maybe_refresh_window(None)
        .build()
        .unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field()).collect();
    assert_eq!(fields, ["duration_seconds", "source_identity"], "{err}");
    let maybe = builder()
        .maybe_role_session_name(Some("alice"))
        .maybe_refresh_window(Some(Duration::from_secs(600)))
        .maybe_duration_seconds(Some(900))
        .maybe_source_identity(Some("alice"))
        .build()
        .unwrap();
    let plain = builder()
        .role_session_name("alice")
        .refresh_window(Duration::from_secs(600))
        .duration_seconds(900)
        .source_identity("alice")
        .build()
        .unwrap();
    assert_eq!(format!("{maybe:?}"), format!("{plain:?}"));
    let none = builder()
        .maybe_role_session_name(None::<String>)
        .maybe_refresh_window(None)
        .build()
        .unwrap();
    assert_eq!(
        format!("{none:?}"),
        format!("{:?}", builder().build().unwrap())
    );
}

/// An application-credentials provider that always fails with `make()`.
#[derive(Debug)]
struct FailingAppCredentials(fn() -> CredentialsError);

impl ProvideCredentials for FailingAppCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err((self.0)()))
    }
}

/// A provider whose endpoints are `base` (or a closed port), with the given
/// application credentials and IdP callback.
fn provider_with(
    base: Option<&str>,
    app: impl ProvideCredentials + 'static,
    idp_fails: bool,
) -> IdentityEnhancedCredentials {
    let base = base.map_or_else(
        || {
            let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}", closed.local_addr().unwrap())
        },
        str::to_owned,
    );
    IdentityEnhancedCredentials::builder()
        .application_arn(APPLICATION_ARN)
        .role_arn(ROLE_ARN)
        .oidc_endpoint(Endpoint::custom(&base, REGION).unwrap())
        .sts_endpoint(StsEndpoint::custom(&base, REGION).unwrap())
        .app_credentials(app)
        .idp_token(move || async move {
            if idp_fails {
                Err("the IdP is down".into())
            } else {
                Ok(SecretString::from(IDP_JWT))
            }
        })
        .client(ReqwestClient::new().unwrap())
        .build()
        .unwrap()
}

/// The retry classes `ChainError::is_retryable` documents for the first two
/// steps: a transient failure of the application's credentials is retryable,
/// a misconfiguration is not, and the IdP callback's failure is not (only the
/// callback could judge it). All reach the caller as `provider_error`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_credential_and_idp_failures_have_their_documented_retry_classes() {
    let app = |make: fn() -> CredentialsError| FailingAppCredentials(make);
    let cases: [(IdentityEnhancedCredentials, ChainStep, bool); 4] = [
        (
            provider_with(
                None,
                app(|| CredentialsError::provider_error("flaky")),
                false,
            ),
            ChainStep::AppCredentials,
            true,
        ),
        (
            provider_with(
                None,
                app(|| CredentialsError::provider_timed_out(Duration::from_secs(5))),
                false,
            ),
            ChainStep::AppCredentials,
            true,
        ),
        (
            provider_with(
                None,
                app(|| CredentialsError::invalid_configuration("no role")),
                false,
            ),
            ChainStep::AppCredentials,
            false,
        ),
        (
            provider_with(
                None,
                Credentials::new(APP_KEYS[0].0, APP_KEYS[0].1, None, None, "app"),
                true,
            ),
            ChainStep::IdpToken,
            false,
        ),
    ];
    for (provider, step, retryable) in cases {
        let err = bounded(provider.provide_credentials()).await.unwrap_err();
        assert!(matches!(err, CredentialsError::ProviderError(_)), "{err:?}");
        let chain = chain_error(&err).expect("the chain's error");
        assert_eq!(
            (chain.step(), chain.is_retryable()),
            (step, retryable),
            "{err:?}"
        );
        assert!(!error_chain_text(&err).contains(APP_KEYS[0].1));
    }
}

/// A token endpoint that answers success with a body that is not a token
/// answer: the SDK's `unhandled` ("returned data missing required fields"),
/// not retryable, naming the step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_success_answer_that_cannot_be_read_is_unhandled() {
    let server = Server::start(|_| Ok((200, "application/json", "not json".to_owned())));
    let provider = provider_with(
        Some(&server.base_url()),
        Credentials::new(APP_KEYS[0].0, APP_KEYS[0].1, None, None, "app"),
        false,
    );
    let err = bounded(provider.provide_credentials()).await.unwrap_err();
    assert!(matches!(err, CredentialsError::Unhandled(_)), "{err:?}");
    let chain = chain_error(&err).expect("the chain's error");
    assert_eq!(chain.step(), ChainStep::JwtBearerGrant);
    assert!(!chain.is_retryable());
    assert_eq!(server.served(), 1);
}

/// A provider whose first chain ran (sessions of 20 s: every load runs a
/// chain), and an OIDC endpoint that now refuses the refresh token with `code`.
async fn refusing_the_refresh_token(code: &'static str, status: u16) -> Setup {
    let setup = setup(false);
    setup.sts_state.lifetime.store(20, Ordering::SeqCst);
    setup.load_then((1, 1, 0, 1), "first chain").await;
    *setup.oidc_state.refresh_refusal.lock().unwrap() = Some((code, status));
    setup
        .oidc_state
        .refuse_refresh
        .store(true, Ordering::SeqCst);
    setup
}

/// The refusals of the refresh token's grant fall back to jwt-bearer once (an
/// administrator turned the grant off); those jwt-bearer would most likely
/// meet the same way (`access_denied` is most often IAM or KMS refusing the
/// application) end the load at the refresh-token step and keep the refresh
/// token for the next chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn which_refusals_of_the_refresh_token_fall_back_to_jwt_bearer() {
    for (code, status) in [
        ("unauthorized_client", 400),
        ("unsupported_grant_type", 400),
    ] {
        let setup = refusing_the_refresh_token(code, status).await;
        setup.load_then((2, 2, 1, 2), code).await;
        setup.no_refusals();
    }
    for (code, status) in [
        ("access_denied", 400),
        ("invalid_client", 401),
        ("invalid_scope", 400),
        ("invalid_request", 400),
    ] {
        let setup = refusing_the_refresh_token(code, status).await;
        let err = bounded(setup.provider.provide_credentials())
            .await
            .unwrap_err();
        let chain = chain_error(&err).expect("the source is the chain's error");
        assert_eq!(chain.step(), ChainStep::RefreshTokenGrant, "{code}");
        assert!(error_chain_text(&err).contains(code), "{code}");
        assert_eq!(setup.counts(), (1, 1, 1, 1), "{code}: no fallback");
        // The refresh token was kept: the next chain sends it again (the
        // stand-in refuses any other).
        setup
            .oidc_state
            .refuse_refresh
            .store(false, Ordering::SeqCst);
        setup.load_then((1, 1, 2, 2), code).await;
        setup.no_refusals();
    }
}

/// Loads that waited for a chain share its credentials even when they are
/// not fresh on arrival (here sessions of 20 s, handed out with 10 s left,
/// inside the 30 s the provider renews ahead): one chain, not one per load.
/// On one thread, so that every load is queued before the chain's first
/// exchange can end (on two busy cores a later spawn could otherwise come
/// after the chain, and rightly run one of its own).
#[tokio::test(flavor = "current_thread")]
async fn loads_that_waited_share_a_chains_credentials_even_when_not_fresh() {
    let setup = setup(false);
    setup.sts_state.lifetime.store(20, Ordering::SeqCst);
    let loads: Vec<_> = (0..30)
        .map(|_| {
            let provider = setup.provider.clone();
            tokio::spawn(async move { provider.provide_credentials().await })
        })
        .collect();
    bounded(async {
        for load in loads {
            load.await.unwrap().expect("credentials");
        }
    })
    .await;
    assert_eq!(setup.counts(), (1, 1, 0, 1));
    setup.no_refusals();
    // A load that arrives afterwards runs a chain of its own: they are due.
    setup.load_then((1, 1, 1, 2), "a later load").await;
}

/// A renewal cut short (the SDK's identity cache drops a load that outlasts
/// its timeout) rests a minute like a failed one while the current
/// credentials are usable: the loads meanwhile take them, without a chain each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_early_renewal_cut_short_rests_like_a_failed_one() {
    use std::task::Poll;

    let clock = SteppedClock::default();
    let setup = setup_with(false, Some(clock.clone()));
    let at = |secs| clock.advance_to(Duration::from_secs(secs));
    // Sessions of 400 s: handed out with an expiry 200 s away, renewed from
    // 170 s on, usable until 370 s.
    setup.sts_state.lifetime.store(400, Ordering::SeqCst);
    let first = bounded(setup.provider.provide_credentials()).await.unwrap();
    assert_eq!(setup.counts(), (1, 1, 0, 1));
    at(180);
    {
        // The renewal starts (it waits for the application's credentials, so
        // that nothing is sent: a request that reached the stand-in would
        // spend the refresh token) and is dropped, as the SDK drops a load at
        // its timeout.
        setup.app_hold.store(true, Ordering::SeqCst);
        let mut load = std::pin::pin!(setup.provider.provide_credentials());
        let polled = std::future::poll_fn(|cx| Poll::Ready(load.as_mut().poll(cx))).await;
        assert!(polled.is_pending(), "the renewal finished in one poll");
    }
    setup.app_hold.store(false, Ordering::SeqCst);
    // The minute counts from the drop (the stepped clock adds the real time
    // since it was set: a margin of seconds either side).
    for secs in [181, 200, 230] {
        at(secs);
        let kept = bounded(setup.provider.provide_credentials()).await.unwrap();
        assert_eq!(kept.expiry(), first.expiry(), "resting at {secs} s");
    }
    assert_eq!(setup.counts(), (1, 1, 0, 1), "no chain while resting");
    // The minute is over: a renewal, with the refresh token the first chain
    // brought (the stand-in refuses any other).
    at(250);
    let renewed = bounded(setup.provider.provide_credentials()).await.unwrap();
    assert_ne!(renewed.expiry(), first.expiry());
    assert_eq!(setup.counts(), (1, 1, 1, 2));
}

impl Setup {
    /// The services' clock, shared by both stand-ins.
    fn service_clock(&self) -> &local_aws::ServiceClock {
        &self.oidc_state.clock
    }

    /// How many seconds from the services' clock each request was signed at.
    fn signed_off_by(&self) -> Vec<i64> {
        self.service_clock().signed_off_by.lock().unwrap().clone()
    }

    fn skew_refusals(&self) -> usize {
        self.service_clock().refused.load(Ordering::SeqCst)
    }
}

/// Within a few seconds of the services' clock (the round trip, whole
/// seconds, on a busy machine).
fn on_time(off_by: &[i64]) -> bool {
    off_by.iter().all(|s| s.abs() <= 5)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_clock_ten_minutes_off_is_corrected_from_the_refusals_date_and_kept() {
    for ahead in [600, -600] {
        let setup = setup(false);
        setup.service_clock().set(ahead);
        // Sessions of 20 s: every load runs a chain.
        setup.sts_state.lifetime.store(20, Ordering::SeqCst);
        let credentials = bounded(setup.provider.provide_credentials()).await.unwrap();
        let off_by = setup.signed_off_by();
        assert_eq!(setup.skew_refusals(), 1, "{ahead}: {off_by:?}");
        assert_eq!(
            off_by.len(),
            3,
            "{ahead}: refused, signed again, AssumeRole"
        );
        assert!((off_by[0] + ahead).abs() <= 5, "{ahead}: {off_by:?}");
        assert!(on_time(&off_by[1..]), "{ahead}: {off_by:?}");
        // The expiry is on this host's clock: STS's `Expiration` (the
        // services' clock + 20 s) less the skew, less half the session.
        let expiry = credentials.expiry().unwrap();
        let now = SystemTime::now();
        assert!(
            expiry <= now + Duration::from_secs(11),
            "{ahead}: {expiry:?}"
        );
        assert!(expiry >= now, "{ahead}: {expiry:?}");
        // The next chain signs with the skew learned: nothing is refused.
        bounded(setup.provider.provide_credentials()).await.unwrap();
        let off_by = setup.signed_off_by();
        assert_eq!(setup.counts(), (1, 1, 1, 2), "{ahead}");
        assert_eq!(setup.skew_refusals(), 1, "{ahead}: {off_by:?}");
        assert!(on_time(&off_by[1..]), "{ahead}: {off_by:?}");
        setup.no_refusals();
    }
}

/// A host clock 3 minutes off: no signature is refused (AWS takes up to 5
/// minutes), and STS's answer's `Date` teaches the skew all the same, as the
/// SDK's clients learn it from every answer: the expiry handed out is on the
/// host's clock, not 3 minutes off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skew_too_small_to_be_refused_is_learned_from_stss_answer() {
    for ahead in [180, -180] {
        let setup = setup(false);
        setup.service_clock().set(ahead);
        // Sessions of 20 s: the expiry handed out is half-way, 10 s on.
        setup.sts_state.lifetime.store(20, Ordering::SeqCst);
        let credentials = bounded(setup.provider.provide_credentials()).await.unwrap();
        assert_eq!(setup.skew_refusals(), 0, "{ahead}");
        let expiry = credentials.expiry().unwrap();
        let now = SystemTime::now();
        assert!(
            expiry <= now + Duration::from_secs(12) && expiry >= now,
            "{ahead}: the expiry is {:?} from now",
            expiry.duration_since(now).map_err(|e| e.duration())
        );
        setup.no_refusals();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skew_that_ends_is_unlearned_at_the_next_refusal() {
    let setup = setup(false);
    setup.service_clock().set(600);
    setup.sts_state.lifetime.store(20, Ordering::SeqCst);
    bounded(setup.provider.provide_credentials()).await.unwrap();
    // The host's clock is put right (here: the services' clock moves to it).
    setup.service_clock().set(0);
    bounded(setup.provider.provide_credentials()).await.unwrap();
    let off_by = setup.signed_off_by();
    assert_eq!(setup.skew_refusals(), 2, "{off_by:?}");
    assert_eq!(off_by.len(), 6, "{off_by:?}");
    assert!(
        (off_by[3] - 600).abs() <= 3,
        "signed with the old skew: {off_by:?}"
    );
    assert!(on_time(&off_by[4..]), "{off_by:?}");
    setup.no_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_signature_is_signed_again_once_not_more() {
    let setup = setup(false);
    setup.service_clock().set(0);
    // Every answer is dated 10 minutes after the request's own time.
    setup.service_clock().runaway.store(true, Ordering::SeqCst);
    let err = bounded(setup.provider.provide_credentials())
        .await
        .unwrap_err();
    assert_eq!(setup.skew_refusals(), 2, "the first request and one more");
    let chain = chain_error(&err).expect("a chain error");
    assert_eq!(chain.step(), ChainStep::JwtBearerGrant);
    let text = error_chain_text(&err);
    assert!(text.contains("InvalidSignatureException"), "{text}");
    assert!(!chain.is_retryable(), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_dated_by_a_clock_that_agrees_is_not_signed_again() {
    let setup = setup(false);
    setup.service_clock().set(0);
    setup.sts_state.deny.store(true, Ordering::SeqCst);
    let err = bounded(setup.provider.provide_credentials())
        .await
        .unwrap_err();
    assert!(error_chain_text(&err).contains("AccessDenied"));
    assert_eq!(setup.counts(), (1, 1, 0, 1), "one AssumeRole");
    assert_eq!(setup.skew_refusals(), 0);
    assert!(on_time(&setup.signed_off_by()));
}

/// Runs a load until its `AssumeRole` has reached the (stalled) STS stand-in,
/// then drops it, as the SDK's identity cache drops a load past its timeout.
async fn cut_during_assume_role(setup: &Setup) {
    let before = setup.sts_state.assume_role.load(Ordering::SeqCst);
    setup.sts_state.stall_ms.store(10_000, Ordering::SeqCst);
    let reached = async {
        while setup.sts_state.assume_role.load(Ordering::SeqCst) == before {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::select! {
        loaded = setup.provider.provide_credentials() => {
            panic!("the load ended before it was cut: {loaded:?}")
        }
        () = bounded(reached) => {}
    }
    setup.sts_state.stall_ms.store(0, Ordering::SeqCst);
}

/// A load dropped after the token answer (here: while STS is slow) keeps the
/// refresh token that answer brought: the next chain uses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_cut_short_after_the_token_answer_keeps_its_refresh_token() {
    let setup = setup(false);
    cut_during_assume_role(&setup).await;
    assert_eq!(setup.counts(), (1, 1, 0, 1), "cut during AssumeRole");
    // The stand-in takes only the refresh token it handed out last.
    bounded(setup.load_then((1, 1, 1, 2), "the next chain refreshes")).await;
    setup.no_refusals();
}

/// STS refusing the signature (`SignatureDoesNotMatch`, in XML) teaches the
/// skew as the OIDC service's refusal does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skew_is_learned_from_stss_refusal_too() {
    let setup = setup(false);
    setup.service_clock().set(600);
    setup.service_clock().sts_only.store(true, Ordering::SeqCst);
    let credentials = bounded(setup.provider.provide_credentials()).await.unwrap();
    let off_by = setup.signed_off_by();
    assert_eq!(setup.skew_refusals(), 1, "{off_by:?}");
    assert_eq!(off_by.len(), 2, "AssumeRole refused, then signed again");
    assert!((off_by[0] + 600).abs() <= 5, "{off_by:?}");
    assert!(on_time(&off_by[1..]), "{off_by:?}");
    // STS's `Expiration` (its clock + 1 hour) read onto the host's clock,
    // less the 5-minute window.
    let expiry = credentials.expiry().unwrap();
    let now = SystemTime::now();
    assert!(expiry <= now + Duration::from_secs(3_305), "{expiry:?}");
    assert!(expiry >= now + Duration::from_secs(3_290), "{expiry:?}");
    setup.no_refusals();
}

/// When a renewal learns another skew and then fails, the current
/// credentials' times are read again with it: here the host's clock was 10
/// minutes behind (the credentials read as expiring 10 minutes earlier than
/// they do) and has been put right; STS still honours them, so the failed
/// renewal returns them, with their expiry where it really is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skew_learned_by_a_failed_renewal_moves_the_current_expiry() {
    let clock = SteppedClock::default();
    let setup = setup_with(false, Some(clock.clone()));
    setup.service_clock().set(0);
    // The host is 10 minutes behind the services.
    clock.advance_to_behind(Duration::from_secs(600));
    setup.sts_state.lifetime.store(120, Ordering::SeqCst);
    let first = bounded(setup.provider.provide_credentials()).await.unwrap();
    // Read onto the host's clock: STS's `Expiration` (services' now + 120 s)
    // less 600 s, less half the session (60 s).
    let now = SystemTime::now();
    let expiry = first.expiry().unwrap();
    assert!(expiry <= now - Duration::from_secs(535), "{expiry:?}");
    assert!(expiry >= now - Duration::from_secs(545), "{expiry:?}");
    // The host's clock is put right; the next renewal learns the skew anew
    // (its first request is refused), then STS refuses.
    clock.advance_to(Duration::ZERO);
    setup.sts_state.deny.store(true, Ordering::SeqCst);
    let current = bounded(setup.provider.provide_credentials())
        .await
        .expect("the current credentials, which STS still honours");
    assert_eq!(setup.skew_refusals(), 2);
    let now = SystemTime::now();
    let expiry = current.expiry().unwrap();
    assert!(expiry >= now + Duration::from_secs(55), "{expiry:?}");
    assert!(expiry <= now + Duration::from_secs(61), "{expiry:?}");
}

/// A skew that leaves no time SigV4 can write (an absurd `Date`: the last
/// second of 9999) is dropped: the next request is signed at the provider's
/// clock and sent, not refused by the signer for good.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skew_past_what_sigv4_can_write_is_dropped() {
    let clock = SteppedClock::default();
    let setup = setup_with(false, Some(clock.clone()));
    setup.service_clock().set(0);
    *setup.service_clock().fixed_date.lock().unwrap() = Some("Fri, 31 Dec 9999 23:59:59 GMT");
    // Refused, learned, signed again in the last second of 9999, refused.
    bounded(setup.provider.provide_credentials())
        .await
        .unwrap_err();
    assert_eq!(setup.signed_off_by().len(), 2);
    // Ten seconds on, that skew puts the signing time past 9999.
    clock.advance_to(Duration::from_secs(10));
    let err = bounded(setup.provider.provide_credentials())
        .await
        .unwrap_err();
    assert_eq!(setup.signed_off_by().len(), 4, "both requests were sent");
    let text = error_chain_text(&err);
    assert!(text.contains("InvalidSignatureException"), "{text}");
}

/// As a renewal that fails, a renewal cut short after it learned another skew
/// reads the current credentials' times again with it: STS still honours them
/// (their real expiry is a minute away, not ten minutes past), so the loads of
/// the next minute take them instead of each starting a chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skew_learned_by_a_renewal_cut_short_moves_the_current_expiry() {
    let clock = SteppedClock::default();
    let setup = setup_with(false, Some(clock.clone()));
    setup.service_clock().set(0);
    clock.advance_to_behind(Duration::from_secs(600));
    setup.sts_state.lifetime.store(120, Ordering::SeqCst);
    bounded(setup.provider.provide_credentials()).await.unwrap();
    // The host's clock is put right; the next renewal learns the skew anew
    // (its first request is refused), and is cut short during AssumeRole.
    clock.advance_to(Duration::ZERO);
    cut_during_assume_role(&setup).await;
    assert_eq!(setup.skew_refusals(), 2);
    assert_eq!(setup.counts(), (1, 1, 1, 2));
    let current = bounded(setup.provider.provide_credentials()).await.unwrap();
    assert_eq!(
        setup.counts(),
        (1, 1, 1, 2),
        "no chain: the current credentials"
    );
    let now = SystemTime::now();
    let expiry = current.expiry().unwrap();
    assert!(expiry >= now + Duration::from_secs(55), "{expiry:?}");
    assert!(expiry <= now + Duration::from_secs(61), "{expiry:?}");
}
