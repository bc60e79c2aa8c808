//! `SsoSession` against a loopback token endpoint: many callers in two processes
//! refresh a due token exactly once; an expired token that cannot be refreshed is
//! an error that says to log in again, never the expired token; a refresh that
//! fails is not retried for a minute while the token is unexpired, nor by the
//! callers that waited for it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use ssooidc_token::cache::{CacheKey, CachedToken, SessionError, SsoSession, TokenCache};
use ssooidc_token::{Endpoint, ExposeSecret};

#[path = "../examples/support/loopback.rs"]
mod loopback;
#[path = "common/temp_dir.rs"]
mod temp_dir;
use temp_dir::TempDir;

const THREADS: usize = 8;
const CHILD_ENV: &str = "SSOOIDC_SESSION_CHILD";
const REFRESHED: &str = r#"{"accessToken":"new-access","tokenType":"Bearer","expiresIn":3600,"refreshToken":"new-refresh"}"#;
const REFUSED: &str = r#"{"error":"invalid_grant","error_description":"refresh token expired"}"#;

/// A token endpoint on 127.0.0.1 that counts refresh requests and answers each
/// after `delay` (so that concurrent callers really overlap).
struct TokenEndpoint {
    base_url: String,
    refreshes: Arc<AtomicUsize>,
    /// With a gate: the number of refresh answers the test let go.
    released: Option<Arc<AtomicUsize>>,
    bodies: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TokenEndpoint {
    fn start(status: u16, body: &'static str, delay: Duration) -> Self {
        Self::start_with(status, body, delay, None)
    }

    /// As `start`, but the `n`th refresh is answered only once `release` has
    /// been called `n` times: the test acts while the answer waits.
    fn gated(status: u16, body: &'static str) -> Self {
        Self::start_with(status, body, Duration::ZERO, Some(Arc::default()))
    }

    fn release(&self) {
        if let Some(released) = &self.released {
            released.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn start_with(
        status: u16,
        body: &'static str,
        delay: Duration,
        released: Option<Arc<AtomicUsize>>,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let refreshes = Arc::new(AtomicUsize::new(0));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, seen, done) = (refreshes.clone(), bodies.clone(), stop.clone());
        let gate = released.clone();
        let thread = std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                let mut stream = match listener.accept() {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                };
                stream.set_nonblocking(false).unwrap();
                let Ok(message) = loopback::read_message(&mut stream) else {
                    continue;
                };
                if message.method_and_target() == ("POST", "/token") {
                    count.fetch_add(1, Ordering::SeqCst);
                    seen.lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&message.body).into_owned());
                }
                std::thread::sleep(delay);
                if let Some(gate) = &gate {
                    let waiting = Instant::now();
                    while gate.load(Ordering::SeqCst) < count.load(Ordering::SeqCst)
                        && waiting.elapsed() < Duration::from_secs(30)
                    {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
                let _ = loopback::respond(
                    &mut stream,
                    status,
                    &[("content-type", "application/json")],
                    body.as_bytes(),
                );
            }
        });
        Self {
            base_url,
            refreshes,
            released,
            bodies,
            stop,
            thread: Some(thread),
        }
    }

    fn refreshes(&self) -> usize {
        self.refreshes.load(Ordering::SeqCst)
    }

    /// Waits until `n` refresh requests have reached the endpoint (a refresh
    /// is under way once its request has); fails the test after 30 s.
    fn wait_for_refreshes(&self, n: usize) {
        let start = Instant::now();
        while self.refreshes() < n {
            assert!(start.elapsed() < Duration::from_secs(30), "no refresh {n}");
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

impl Drop for TokenEndpoint {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn session(dir: &Path, base_url: &str) -> SsoSession {
    SsoSession::new(
        TokenCache::new(dir),
        CacheKey::session("dev"),
        Endpoint::custom(base_url, "us-east-1").unwrap(),
    )
}

/// Stores a token that expires `left` from now (negative: ago), refreshable.
fn store_token(dir: &Path, expires_at: SystemTime) {
    let token = CachedToken::builder()
        .access_token("old-access")
        .expires_at(expires_at)
        .refresh_token("old-refresh")
        .client_id("client")
        .client_secret("client-secret")
        .registration_expires_at(SystemTime::now() + Duration::from_secs(90 * 86_400))
        .region("us-east-1")
        .start_url("https://d-1.awsapps.com/start")
        .build()
        .unwrap();
    TokenCache::new(dir)
        .store(&CacheKey::session("dev"), &token)
        .unwrap();
}

fn wait_for(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {path:?}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// `THREADS` threads that wait for `go`, then each ask `session` for a token.
fn callers(dir: PathBuf, base_url: String, go: PathBuf) -> Vec<JoinHandle<String>> {
    (0..THREADS)
        .map(|_| {
            let (dir, base_url, go) = (dir.clone(), base_url.clone(), go.clone());
            std::thread::spawn(move || {
                let session = session(&dir, &base_url);
                let agent = ureq::Agent::new_with_defaults();
                wait_for(&go);
                let token = session.token_blocking(&agent).expect("a caller failed");
                token.access_token().expose_secret().to_owned()
            })
        })
        .collect()
}

#[test]
fn two_processes_of_eight_threads_refresh_a_due_token_once() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, REFRESHED, Duration::from_millis(300));
    // 5 minutes left: every caller must wait for the refresh.
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(300));
    let (ready, go) = (dir.path().join("ready"), dir.path().join("go"));
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process_callers",
            "--ignored",
            "--test-threads=1",
        ])
        .env(
            CHILD_ENV,
            format!("{}\n{}", dir.path().display(), endpoint.base_url),
        )
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&ready);
    let mine = callers(
        dir.path().to_path_buf(),
        endpoint.base_url.clone(),
        go.clone(),
    );
    std::fs::write(&go, "").unwrap();
    for caller in mine {
        assert_eq!(caller.join().unwrap(), "new-access");
    }
    assert!(child.wait().unwrap().success(), "the other process failed");
    assert_eq!(endpoint.refreshes(), 1, "expected exactly one refresh");
    let body = endpoint.bodies.lock().unwrap()[0].clone();
    assert_eq!(
        body,
        r#"{"clientId":"client","clientSecret":"client-secret","grantType":"refresh_token","refreshToken":"old-refresh"}"#
    );
    let stored = TokenCache::new(dir.path())
        .load(&CacheKey::session("dev"))
        .unwrap()
        .unwrap();
    assert_eq!(stored.access_token().expose_secret(), "new-access");
    assert_eq!(
        stored.refresh_token().unwrap().expose_secret(),
        "new-refresh"
    );
    assert_eq!(stored.client_id(), Some("client"));
}

/// The second process of the test above (run by it, with its directory and
/// endpoint in the environment): its own `THREADS` callers.
#[test]
#[ignore = "run by two_processes_of_eight_threads_refresh_a_due_token_once"]
fn child_process_callers() {
    let setting = std::env::var(CHILD_ENV).expect("run by the two-process test");
    let (dir, base_url) = setting.split_once('\n').unwrap();
    let dir = PathBuf::from(dir);
    let go = dir.join("go");
    let mine = callers(dir.clone(), base_url.to_owned(), go);
    std::fs::write(dir.join("ready"), "").unwrap();
    for caller in mine {
        assert_eq!(caller.join().unwrap(), "new-access");
    }
}

/// `count` tasks of `session`, spawned on the current runtime, each asking for
/// a token: each gives the access token it got.
fn token_tasks(
    session: &Arc<SsoSession>,
    client: &ssooidc_token::ReqwestClient,
    count: usize,
) -> Vec<tokio::task::JoinHandle<String>> {
    (0..count)
        .map(|_| {
            let (session, client) = (session.clone(), client.clone());
            tokio::spawn(async move {
                let token = session.token(&client).await.expect("a caller failed");
                token.access_token().expose_secret().to_owned()
            })
        })
        .collect()
}

/// `THREADS` tasks of `session` on one current-thread runtime, each asking for
/// a token at once: the access tokens they got.
fn async_tokens(session: &Arc<SsoSession>) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = ssooidc_token::ReqwestClient::new().unwrap();
        let tasks = token_tasks(session, &client, THREADS);
        let mut tokens = Vec::new();
        for task in tasks {
            tokens.push(task.await.unwrap());
        }
        tokens
    })
}

#[test]
fn async_callers_refresh_a_due_token_once() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, REFRESHED, Duration::from_millis(200));
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(120));
    let session = Arc::new(session(dir.path(), &endpoint.base_url));
    let tokens = async_tokens(&session);
    assert_eq!(tokens, vec!["new-access"; THREADS]);
    assert_eq!(endpoint.refreshes(), 1);
    // The lock file beside the token is the user's alone, as the token is.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let lock = dir
            .path()
            .join(format!("{}.lock", CacheKey::session("dev").file_name()));
        let mode = std::fs::metadata(&lock).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", lock.display());
    }
}

#[test]
fn an_expired_token_that_cannot_be_refreshed_is_never_returned() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(400, REFUSED, Duration::ZERO);
    store_token(dir.path(), SystemTime::now() - Duration::from_secs(60));
    let err = session(dir.path(), &endpoint.base_url)
        .token_blocking(&ureq::Agent::new_with_defaults())
        .unwrap_err();
    assert!(matches!(err, SessionError::LoginAgain(_)), "{err:?}");
    assert!(err.to_string().contains("log in again"), "{err}");
    // A refusal: sent once, and asking again does not help.
    assert_eq!(endpoint.refreshes(), 1);
    assert!(!err.is_retryable(), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(endpoint.refreshes(), 1);

    // Not refreshable at all (no refresh token): no request, same error.
    let token = CachedToken::builder()
        .access_token("old-access")
        .expires_at(SystemTime::now() - Duration::from_secs(60))
        .build()
        .unwrap();
    TokenCache::new(dir.path())
        .store(&CacheKey::session("dev"), &token)
        .unwrap();
    let err = session(dir.path(), &endpoint.base_url)
        .token_blocking(&ureq::Agent::new_with_defaults())
        .unwrap_err();
    assert!(err.to_string().contains("log in again"), "{err}");
    assert_eq!(endpoint.refreshes(), 1);
}

#[test]
fn a_failed_early_refresh_keeps_the_valid_token_and_waits_a_minute() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(400, REFUSED, Duration::ZERO);
    // 12 minutes left: the advisory window.
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(720));
    let session = session(dir.path(), &endpoint.base_url);
    let agent = ureq::Agent::new_with_defaults();
    for _ in 0..3 {
        let token = session.token_blocking(&agent).unwrap();
        assert_eq!(token.access_token().expose_secret(), "old-access");
    }
    assert_eq!(endpoint.refreshes(), 1, "retried within a minute");
    // Not reported to the callers, but counted.
    assert_eq!(session.failed_refreshes(), 1);
}

/// In the mandatory window (under 10 minutes left) a failed refresh rests a
/// minute too, as botocore's does: the calls after it get the still-valid
/// token without a request.
#[test]
fn a_failed_refresh_in_the_mandatory_window_rests_a_minute_too() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(400, REFUSED, Duration::ZERO);
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(300));
    let session = session(dir.path(), &endpoint.base_url);
    let agent = ureq::Agent::new_with_defaults();
    for _ in 0..3 {
        let token = session.token_blocking(&agent).unwrap();
        assert_eq!(token.access_token().expose_secret(), "old-access");
    }
    assert_eq!(endpoint.refreshes(), 1, "retried within a minute");
    // Not reported to the callers, but counted.
    assert_eq!(session.failed_refreshes(), 1);
}

/// An expired token is useless: every call tries to refresh it, and each
/// failure is an error, never the expired token.
#[test]
fn an_expired_token_is_tried_on_every_call() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(400, REFUSED, Duration::ZERO);
    store_token(dir.path(), SystemTime::now() - Duration::from_secs(1));
    let session = session(dir.path(), &endpoint.base_url);
    let agent = ureq::Agent::new_with_defaults();
    for call in 1..=3 {
        let err = session.token_blocking(&agent).unwrap_err();
        assert!(matches!(err, SessionError::LoginAgain(_)), "{err:?}");
        assert_eq!(endpoint.refreshes(), call);
    }
}

/// What a caller got: the access token, or the error with its source.
type Outcome = Result<String, String>;

fn outcome(got: Result<CachedToken, SessionError>) -> Outcome {
    got.map(|token| token.access_token().expose_secret().to_owned())
        .map_err(|err| {
            let source = std::error::Error::source(&err).map(ToString::to_string);
            format!("{err}: {}", source.unwrap_or_default())
        })
}

/// A token expiring at `expires_at`, one shared session, and an endpoint
/// whose refresh fails slowly enough that every caller is waiting before it
/// fails, even on a loaded machine (a caller that asked after the failure
/// would rightly try again).
fn behind_a_failing_refresh(expires_at: SystemTime) -> (TempDir, TokenEndpoint, Arc<SsoSession>) {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(400, REFUSED, Duration::from_millis(1500));
    store_token(dir.path(), expires_at);
    let session = Arc::new(session(dir.path(), &endpoint.base_url));
    (dir, endpoint, session)
}

/// `THREADS` threads of one session ask at once.
fn thread_waiters(expires_at: SystemTime) -> (Vec<Outcome>, usize) {
    let (_dir, endpoint, session) = behind_a_failing_refresh(expires_at);
    let go = Arc::new(std::sync::Barrier::new(THREADS));
    let callers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (session, go) = (session.clone(), go.clone());
            std::thread::spawn(move || {
                let agent = ureq::Agent::new_with_defaults();
                go.wait();
                outcome(session.token_blocking(&agent))
            })
        })
        .collect();
    let results = callers.into_iter().map(|c| c.join().unwrap()).collect();
    (results, endpoint.refreshes())
}

/// `THREADS` tasks of one session on one async runtime.
fn task_waiters(expires_at: SystemTime) -> (Vec<Outcome>, usize) {
    let (_dir, endpoint, session) = behind_a_failing_refresh(expires_at);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let results = runtime.block_on(async {
        let client = ssooidc_token::ReqwestClient::new().unwrap();
        let tasks: Vec<_> = (0..THREADS)
            .map(|_| {
                let (session, client) = (session.clone(), client.clone());
                tokio::spawn(async move { outcome(session.token(&client).await) })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    });
    (results, endpoint.refreshes())
}

/// The refresh every caller waits for is sent once, not once per waiter in
/// turn: with 5 minutes left each waiter gets the valid token; expired, each
/// gets the error, all but the one that sent it because it waited for it.
fn waiters_do_not_repeat_a_failed_refresh(waiters: fn(SystemTime) -> (Vec<Outcome>, usize)) {
    let (results, refreshes) = waiters(SystemTime::now() + Duration::from_secs(300));
    assert_eq!(refreshes, 1, "{results:?}");
    assert_eq!(results, vec![Ok("old-access".to_owned()); THREADS]);

    let (results, refreshes) = waiters(SystemTime::now() - Duration::from_secs(1));
    assert_eq!(refreshes, 1, "{results:?}");
    let errors: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errors.len(), THREADS, "{results:?}");
    assert!(
        errors.iter().all(|e| e.contains("log in again")),
        "{errors:?}"
    );
    let waited = errors
        .iter()
        .filter(|e| e.contains("this call waited for failed"))
        .count();
    assert_eq!(waited, THREADS - 1, "{results:?}");
}

#[test]
fn callers_that_waited_for_a_failed_refresh_do_not_repeat_it() {
    waiters_do_not_repeat_a_failed_refresh(thread_waiters);
}

#[test]
fn async_callers_that_waited_for_a_failed_refresh_do_not_repeat_it() {
    waiters_do_not_repeat_a_failed_refresh(task_waiters);
}

#[test]
fn a_fresh_token_is_returned_without_a_request_and_no_token_is_an_error() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, REFRESHED, Duration::ZERO);
    let session = session(dir.path(), &endpoint.base_url);
    let agent = ureq::Agent::new_with_defaults();
    let err = session.token_blocking(&agent).unwrap_err();
    assert!(matches!(err, SessionError::NotLoggedIn), "{err:?}");
    assert!(err.to_string().contains("log in first"));
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(3600));
    let token = session.token_blocking(&agent).unwrap();
    assert_eq!(token.access_token().expose_secret(), "old-access");
    assert_eq!(endpoint.refreshes(), 0);
}

/// A refresh answer with no lifetime gives a token expired on arrival: it is
/// neither stored nor returned, and the expired token means logging in again.
#[test]
fn a_refresh_answer_without_a_lifetime_is_a_failed_refresh() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, r#"{"accessToken":"no-lifetime"}"#, Duration::ZERO);
    store_token(dir.path(), SystemTime::now() - Duration::from_secs(60));
    let err = session(dir.path(), &endpoint.base_url)
        .token_blocking(&ureq::Agent::new_with_defaults())
        .unwrap_err();
    assert!(matches!(err, SessionError::LoginAgain(_)), "{err:?}");
    assert_eq!(endpoint.refreshes(), 1);
    let stored = TokenCache::new(dir.path())
        .load(&CacheKey::session("dev"))
        .unwrap()
        .unwrap();
    assert_eq!(stored.access_token().expose_secret(), "old-access");
}

/// The lock file cannot be opened (here a directory stands in its place, as a
/// read-only `~/.aws` or a full disk would refuse it): no refresh is tried,
/// the token is returned while it is valid (with the minute's rest in the
/// advisory window), and the lock error once it has expired. Both roads.
#[test]
fn a_lock_that_cannot_be_taken_leaves_the_valid_token_in_use() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, REFRESHED, Duration::ZERO);
    let lock = dir
        .path()
        .join(format!("{}.lock", CacheKey::session("dev").file_name()));
    std::fs::create_dir_all(&lock).unwrap();
    let agent = ureq::Agent::new_with_defaults();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = ssooidc_token::ReqwestClient::new().unwrap();
    for (left, what) in [(720, "advisory window"), (300, "mandatory window")] {
        store_token(dir.path(), SystemTime::now() + Duration::from_secs(left));
        for _ in 0..2 {
            let session = session(dir.path(), &endpoint.base_url);
            let token = session.token_blocking(&agent).unwrap();
            assert_eq!(token.access_token().expose_secret(), "old-access", "{what}");
            let token = runtime.block_on(session.token(&client)).unwrap();
            assert_eq!(token.access_token().expose_secret(), "old-access", "{what}");
        }
    }
    // In the advisory window the failure rests a minute, as a failed refresh
    // does: the lock is free again, and still no refresh is tried.
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(720));
    let (blocking, nonblocking) = (
        session(dir.path(), &endpoint.base_url),
        session(dir.path(), &endpoint.base_url),
    );
    blocking.token_blocking(&agent).unwrap();
    runtime.block_on(nonblocking.token(&client)).unwrap();
    std::fs::remove_dir(&lock).unwrap();
    let token = blocking.token_blocking(&agent).unwrap();
    assert_eq!(token.access_token().expose_secret(), "old-access");
    let token = runtime.block_on(nonblocking.token(&client)).unwrap();
    assert_eq!(token.access_token().expose_secret(), "old-access");
    assert_eq!(endpoint.refreshes(), 0, "resting");
    // A session without that failure behind it refreshes.
    let token = session(dir.path(), &endpoint.base_url)
        .token_blocking(&agent)
        .unwrap();
    assert_eq!(token.access_token().expose_secret(), "new-access");
    assert_eq!(endpoint.refreshes(), 1);
    std::fs::remove_file(&lock).unwrap();
    std::fs::create_dir_all(&lock).unwrap();

    store_token(dir.path(), SystemTime::now() - Duration::from_secs(60));
    let session = session(dir.path(), &endpoint.base_url);
    let err = session.token_blocking(&agent).unwrap_err();
    assert!(matches!(err, SessionError::Cache(_)), "{err:?}");
    let err = runtime.block_on(session.token(&client)).unwrap_err();
    assert!(matches!(err, SessionError::Cache(_)), "{err:?}");
    assert!(err.to_string().contains("lock"), "{err}");
    assert_eq!(endpoint.refreshes(), 1);
}

/// One `token_blocking` call whose refresh (the `nth` the endpoint sees) cannot
/// be stored: a directory takes the token file's place while the (gated)
/// answer waits. Then the file's token (expiring at `expires_at`) is put back. The
/// access token the call returned.
fn unstored_refresh(
    session: &Arc<SsoSession>,
    endpoint: &TokenEndpoint,
    dir: &Path,
    expires_at: SystemTime,
    nth: usize,
) -> String {
    let file = dir.join(CacheKey::session("dev").file_name());
    let caller = {
        let session = session.clone();
        std::thread::spawn(move || {
            session
                .token_blocking(&ureq::Agent::new_with_defaults())
                .map(|token| token.access_token().expose_secret().to_owned())
        })
    };
    endpoint.wait_for_refreshes(nth);
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    std::fs::write(file.join("in-the-way"), b"").unwrap();
    endpoint.release();
    let token = caller.join().unwrap().unwrap();
    std::fs::remove_dir_all(&file).unwrap();
    store_token(dir, expires_at);
    token
}

/// A refresh whose token cannot be written (here a directory takes the token
/// file's place while the answer is on its way): the new token is returned,
/// not thrown away with its refresh token, and this session goes on with it
/// while the file holds the token it replaced; once the file changes, the
/// file is the token again.
#[test]
fn a_refreshed_token_that_cannot_be_stored_is_returned_and_kept() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::gated(200, REFRESHED);
    let expires_at = SystemTime::now() + Duration::from_secs(300);
    store_token(dir.path(), expires_at);
    let session = Arc::new(session(dir.path(), &endpoint.base_url));
    assert_eq!(
        unstored_refresh(&session, &endpoint, dir.path(), expires_at, 1),
        "new-access"
    );

    // The file holds the token the refresh replaced: the session uses the new
    // one, without another refresh.
    let agent = ureq::Agent::new_with_defaults();
    let token = session.token_blocking(&agent).unwrap();
    assert_eq!(token.access_token().expose_secret(), "new-access");
    assert_eq!(
        token.refresh_token().unwrap().expose_secret(),
        "new-refresh"
    );
    // The same on the async road.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = ssooidc_token::ReqwestClient::new().unwrap();
    let token = runtime.block_on(session.token(&client)).unwrap();
    assert_eq!(token.access_token().expose_secret(), "new-access");
    assert_eq!(endpoint.refreshes(), 1);

    // Another process stored a token: that one is used.
    let other = CachedToken::builder()
        .access_token("other-access")
        .expires_at(SystemTime::now() + Duration::from_secs(3600))
        .build()
        .unwrap();
    TokenCache::new(dir.path())
        .store(&CacheKey::session("dev"), &other)
        .unwrap();
    let token = session.token_blocking(&agent).unwrap();
    assert_eq!(token.access_token().expose_secret(), "other-access");
    assert_eq!(endpoint.refreshes(), 1);
}

/// Refreshed tokens that cannot be stored, twice in a row: the second stands
/// in for the file's token as the first did, so the next refresh sends the
/// newest refresh token, not the file's stale one.
#[test]
fn a_second_unstored_refresh_still_stands_in_for_the_files_token() {
    const SHORT: &str = r#"{"accessToken":"new-access","tokenType":"Bearer","expiresIn":300,"refreshToken":"new-refresh"}"#;
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::gated(200, SHORT);
    let expires_at = SystemTime::now() + Duration::from_secs(300);
    store_token(dir.path(), expires_at);
    // No rest between refreshes: the second is tried at once.
    let session =
        Arc::new(session(dir.path(), &endpoint.base_url).with_refresh_rest(Duration::ZERO));
    assert_eq!(
        unstored_refresh(&session, &endpoint, dir.path(), expires_at, 1),
        "new-access"
    );
    // 300 s left on the new token too: due again at once (no rest).
    assert_eq!(
        unstored_refresh(&session, &endpoint, dir.path(), expires_at, 2),
        "new-access"
    );
    // The third refresh is answered at once, and stored.
    endpoint.release();
    let token = session
        .token_blocking(&ureq::Agent::new_with_defaults())
        .unwrap();
    assert_eq!(token.access_token().expose_secret(), "new-access");
    assert_eq!(endpoint.refreshes(), 3);
    let bodies = endpoint.bodies.lock().unwrap();
    assert!(bodies[0].contains("old-refresh"), "{}", bodies[0]);
    for body in &bodies[1..] {
        assert!(body.contains("new-refresh"), "{body}");
    }
}

/// A refresh that gives a token with under 10 minutes left is not repeated at
/// every call: the session rests a minute after any refresh, as botocore
/// does, and the token (valid) is returned meanwhile. The refreshed token is
/// stored with the endpoint's region, as botocore and aws-config write it, and
/// an empty refresh token in the answer keeps the one the file had.
#[test]
fn a_short_lived_refresh_is_not_repeated_at_every_call() {
    const SHORT: &str =
        r#"{"accessToken":"short-access","tokenType":"Bearer","expiresIn":300,"refreshToken":""}"#;
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, SHORT, Duration::ZERO);
    let token = CachedToken::builder()
        .access_token("old-access")
        .expires_at(SystemTime::now() + Duration::from_secs(300))
        .refresh_token("old-refresh")
        .client_id("client")
        .client_secret("client-secret")
        .registration_expires_at(SystemTime::now() + Duration::from_secs(90 * 86_400))
        .start_url("https://d-1.awsapps.com/start")
        .build()
        .unwrap();
    let cache = TokenCache::new(dir.path());
    cache.store(&CacheKey::session("dev"), &token).unwrap();
    let session = session(dir.path(), &endpoint.base_url);
    let agent = ureq::Agent::new_with_defaults();
    for _ in 0..3 {
        let token = session.token_blocking(&agent).unwrap();
        assert_eq!(token.access_token().expose_secret(), "short-access");
    }
    assert_eq!(endpoint.refreshes(), 1);
    let stored = cache.load(&CacheKey::session("dev")).unwrap().unwrap();
    assert_eq!(stored.region(), Some("us-east-1"));
    assert_eq!(stored.start_url(), Some("https://d-1.awsapps.com/start"));
    assert_eq!(
        stored.refresh_token().map(ExposeSecret::expose_secret),
        Some("old-refresh")
    );
}

/// A token in its last 10 minutes that cannot be refreshed (no refresh
/// token): found so once, not looked at again (lock and reload) at every call
/// for a minute; the token is returned while unexpired.
#[test]
fn a_token_that_cannot_be_refreshed_is_looked_at_once_a_minute() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, REFRESHED, Duration::ZERO);
    let token = CachedToken::builder()
        .access_token("legacy-access")
        .expires_at(SystemTime::now() + Duration::from_secs(300))
        .build()
        .unwrap();
    let cache = TokenCache::new(dir.path());
    cache.store(&CacheKey::session("dev"), &token).unwrap();
    let session = session(dir.path(), &endpoint.base_url);
    let agent = ureq::Agent::new_with_defaults();
    let mut lock = cache.token_path(&CacheKey::session("dev")).into_os_string();
    lock.push(".lock");
    assert_eq!(
        session
            .token_blocking(&agent)
            .unwrap()
            .access_token()
            .expose_secret(),
        "legacy-access"
    );
    // The first call took the lock (creating its file) to look; hold it now
    // from here: a call that took it again would wait for ever.
    let held = std::fs::File::open(&lock).unwrap();
    held.lock().unwrap();
    let (done, waited) = std::sync::mpsc::channel();
    let call = std::thread::spawn({
        let session = Arc::new(session);
        move || {
            let token = session.token_blocking(&agent).unwrap();
            done.send(token.access_token().expose_secret().to_owned())
                .unwrap();
        }
    });
    assert_eq!(
        waited.recv_timeout(Duration::from_secs(20)).as_deref(),
        Ok("legacy-access"),
        "the second call waited for the lock"
    );
    call.join().unwrap();
    held.unlock().unwrap();
    assert_eq!(endpoint.refreshes(), 0);
}

/// Many async callers waiting for another process's refresh, some of them
/// dropped while they wait (under a timeout): the dropped ones leave nothing
/// behind (the session's async mutex is free again, or the others would wait
/// for ever, which the test's own deadline catches), and once the other
/// process lets go, one refresh serves them all.
#[test]
fn many_async_waiters_and_dropped_ones_share_one_refresh() {
    const TASKS: usize = 200;
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, REFRESHED, Duration::ZERO);
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(300));
    let session = Arc::new(session(dir.path(), &endpoint.base_url));
    // Another process's refresh, in progress: it holds the lock file.
    let held = open_lock_file(dir.path());
    held.lock().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tokens = runtime.block_on(async {
        let client = ssooidc_token::ReqwestClient::new().unwrap();
        let tasks = token_tasks(&session, &client, TASKS);
        // Callers that give up while they wait.
        let impatient: Vec<_> = (0..20)
            .map(|_| {
                let (session, client) = (session.clone(), client.clone());
                tokio::spawn(async move {
                    tokio::time::timeout(Duration::from_millis(50), session.token(&client))
                        .await
                        .is_err()
                })
            })
            .collect();
        for task in impatient {
            assert!(task.await.unwrap(), "an impatient caller got a token");
        }
        // Every task has run up to its wait.
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        held.unlock().unwrap();
        let all = async {
            let mut tokens = Vec::new();
            for task in tasks {
                tokens.push(task.await.unwrap());
            }
            tokens
        };
        tokio::time::timeout(Duration::from_secs(30), all)
            .await
            .expect("the waiting callers never got the lock")
    });
    assert_eq!(tokens, vec!["new-access"; TASKS]);
    assert_eq!(endpoint.refreshes(), 1);
}

/// Callers that queued for the lock while another refreshed do not each
/// refresh again when the new token is short-lived (still due): the rest after
/// a refresh holds for them too, blocking and async.
#[test]
fn callers_queued_behind_a_short_lived_refresh_do_not_repeat_it() {
    const SHORT: &str = r#"{"accessToken":"short-access","tokenType":"Bearer","expiresIn":300,"refreshToken":"r2"}"#;
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, SHORT, Duration::from_millis(300));
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(300));
    let session = Arc::new(session(dir.path(), &endpoint.base_url));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let session = session.clone();
            std::thread::spawn(move || {
                let token = session
                    .token_blocking(&ureq::Agent::new_with_defaults())
                    .unwrap();
                token.access_token().expose_secret().to_owned()
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), "short-access");
    }
    assert_eq!(endpoint.refreshes(), 1);

    // The async road, with a session of its own.
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(300));
    let session = Arc::new(self::session(dir.path(), &endpoint.base_url));
    let tokens = async_tokens(&session);
    assert_eq!(tokens, vec!["short-access"; THREADS]);
    assert_eq!(endpoint.refreshes(), 2);
}

/// An async caller that must wait for another process's refresh sleeps on
/// tokio's clock between tries of the file lock, 5 ms doubling to at most
/// 50 ms: on a paused test clock the wait advances the clock by exactly those
/// steps until the lock is free, then the caller takes the token the other
/// process stored, without a refresh of its own.
#[test]
fn an_async_wait_for_another_process_sleeps_on_tokios_clock() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, REFRESHED, Duration::ZERO);
    // In the mandatory window: callers wait for the lock.
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(120));
    // "Another process" holds the lock (another open file description is as
    // good: the lock belongs to it, not to this process), and when told
    // (once the caller has waited 200 ms on the paused clock) stores a fresh
    // token and lets go.
    let held = open_lock_file(dir.path());
    held.lock().unwrap();
    let other_dir = dir.path().to_owned();
    let (go, told) = std::sync::mpsc::channel::<()>();
    let other = std::thread::spawn(move || {
        told.recv().unwrap();
        store_token(&other_dir, SystemTime::now() + Duration::from_secs(3600));
        held.unlock().unwrap();
    });
    let session = session(dir.path(), &endpoint.base_url);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    let (token, waited) = runtime.block_on(async {
        let client = ssooidc_token::ReqwestClient::new().unwrap();
        let started = tokio::time::Instant::now();
        let tell = async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            go.send(()).unwrap();
        };
        let (token, ()) = tokio::join!(session.token(&client), tell);
        (token.unwrap(), started.elapsed())
    });
    other.join().unwrap();
    // The other process's token (expiring in an hour), and no refresh here.
    assert_eq!(token.access_token().expose_secret(), "old-access");
    assert!(token.expires_at() > SystemTime::now() + Duration::from_secs(3000));
    assert_eq!(endpoint.refreshes(), 0);
    // 5 + 10 + 20 + 40 ms, then 50 ms a step, past the 200 ms at which the
    // other process was told to let go (each step taken as soon as the
    // runtime idles, however long the other process takes in real time).
    let ms = waited.as_millis();
    assert!(ms >= 225 && (ms - 75) % 50 == 0, "{waited:?}");
}

/// The lock file of the test session's token, opened as another process
/// would open it.
fn open_lock_file(dir: &Path) -> std::fs::File {
    let lock_path = dir.join(format!("{}.lock", CacheKey::session("dev").file_name()));
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(&lock_path).unwrap()
}

/// In the advisory window (10 to 15 minutes left), a caller that finds
/// another process refreshing goes on with the valid token at once, blocking
/// or async: it neither waits for the lock nor refreshes.
#[test]
fn in_the_advisory_window_a_caller_goes_on_while_another_process_refreshes() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, REFRESHED, Duration::ZERO);
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(12 * 60));
    let held = open_lock_file(dir.path());
    held.lock().unwrap();
    let session = Arc::new(session(dir.path(), &endpoint.base_url));
    let agent = ureq::Agent::new_with_defaults();
    // On a thread of its own, so that a caller that waited would fail the
    // test rather than hang it.
    let (sent, answer) = std::sync::mpsc::channel();
    {
        let (session, agent) = (session.clone(), agent.clone());
        std::thread::spawn(move || {
            let _ = sent.send(session.token_blocking(&agent));
        });
    }
    let token = answer
        .recv_timeout(Duration::from_secs(10))
        .expect("a blocking caller waited for the lock")
        .unwrap();
    assert_eq!(token.access_token().expose_secret(), "old-access");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let token = runtime.block_on(async {
        let client = ssooidc_token::ReqwestClient::new().unwrap();
        tokio::time::timeout(Duration::from_secs(10), session.token(&client))
            .await
            .expect("an async caller waited for the lock")
            .unwrap()
    });
    assert_eq!(token.access_token().expose_secret(), "old-access");
    assert_eq!(endpoint.refreshes(), 0);
    // Once the other process lets go, the next caller refreshes.
    held.unlock().unwrap();
    let token = session.token_blocking(&agent).unwrap();
    assert_eq!(token.access_token().expose_secret(), "new-access");
    assert_eq!(endpoint.refreshes(), 1);
}

/// In the advisory window, a caller that finds another caller of this process
/// refreshing goes on with the valid token at once, blocking or async.
#[test]
fn in_the_advisory_window_a_caller_goes_on_while_another_thread_refreshes() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::gated(200, REFRESHED);
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(12 * 60));
    let session = Arc::new(session(dir.path(), &endpoint.base_url));
    let refreshing = {
        let session = session.clone();
        std::thread::spawn(move || {
            let agent = ureq::Agent::new_with_defaults();
            session.token_blocking(&agent).unwrap()
        })
    };
    // The refresh is under way once its request has reached the endpoint.
    endpoint.wait_for_refreshes(1);
    let agent = ureq::Agent::new_with_defaults();
    let token = session.token_blocking(&agent).unwrap();
    assert_eq!(token.access_token().expose_secret(), "old-access");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let token = runtime.block_on(async {
        let client = ssooidc_token::ReqwestClient::new().unwrap();
        session.token(&client).await.unwrap()
    });
    assert_eq!(token.access_token().expose_secret(), "old-access");
    assert_eq!(endpoint.refreshes(), 1, "only the first caller refreshed");
    endpoint.release();
    let refreshed = refreshing.join().unwrap();
    assert_eq!(refreshed.access_token().expose_secret(), "new-access");
}

/// A caller, blocking and then async, each of a session of its own (`make`),
/// the blocking one on a thread of its own: each one's outcome and how long it
/// took, or a failure of the test (not a hang) if it takes over `limit`.
fn bounded_callers(
    make: impl Fn() -> Arc<SsoSession>,
    limit: Duration,
) -> [(Result<CachedToken, SessionError>, Duration); 2] {
    let (sent, answer) = std::sync::mpsc::channel();
    {
        let session = make();
        std::thread::spawn(move || {
            let started = Instant::now();
            let got = session.token_blocking(&ureq::Agent::new_with_defaults());
            let _ = sent.send((got, started.elapsed()));
        });
    }
    let blocking = answer
        .recv_timeout(limit)
        .expect("a blocking caller waited past its lock wait");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let session = make();
    let asynchronous = runtime.block_on(async {
        let client = ssooidc_token::ReqwestClient::new().unwrap();
        let started = Instant::now();
        let got = tokio::time::timeout(limit, session.token(&client))
            .await
            .expect("an async caller waited past its lock wait");
        (got, started.elapsed())
    });
    [blocking, asynchronous]
}

/// Another process holds the lock and never lets go (stopped, say): under 10
/// minutes left, a caller waits for it `lock_wait`, not for ever, then goes
/// on with the valid token; once the token has expired, the caller gets a
/// lock error, not the expired token.
#[test]
fn a_lock_held_by_a_stopped_process_holds_callers_up_for_the_lock_wait_only() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::start(200, REFRESHED, Duration::ZERO);
    let held = open_lock_file(dir.path());
    held.lock().unwrap();
    let wait = Duration::from_secs(1);
    let make = || Arc::new(session(dir.path(), &endpoint.base_url).with_lock_wait(wait));

    store_token(dir.path(), SystemTime::now() + Duration::from_secs(5 * 60));
    for (got, took) in bounded_callers(make, Duration::from_secs(20)) {
        let token = got.expect("the valid token");
        assert_eq!(token.access_token().expose_secret(), "old-access");
        assert!(took >= wait, "went on after {took:?}, before its lock wait");
    }

    store_token(dir.path(), SystemTime::now() - Duration::from_secs(60));
    for (got, took) in bounded_callers(make, Duration::from_secs(20)) {
        match got {
            Err(SessionError::Cache(err)) => {
                assert_eq!(
                    err.kind(),
                    &ssooidc_token::cache::CacheErrorKind::Lock,
                    "{err}"
                );
                assert!(err.to_string().contains(".lock"), "{err}");
                assert!(
                    SessionError::Cache(err).is_retryable(),
                    "a lock held past the wait may be free later"
                );
            }
            other => panic!("expected a lock error, got {other:?}"),
        }
        assert!(took >= wait, "gave up after {took:?}, before its lock wait");
    }
    assert_eq!(endpoint.refreshes(), 0);
    // Once the other process lets go, a caller refreshes.
    held.unlock().unwrap();
    let token = make()
        .token_blocking(&ureq::Agent::new_with_defaults())
        .unwrap();
    assert_eq!(token.access_token().expose_secret(), "new-access");
}

/// `session`'s token, asked for blocking or (on a runtime of its own) async.
fn ask(session: &SsoSession, asynchronous: bool) -> Result<CachedToken, SessionError> {
    if asynchronous {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = ssooidc_token::ReqwestClient::new().unwrap();
        runtime.block_on(session.token(&client))
    } else {
        session.token_blocking(&ureq::Agent::new_with_defaults())
    }
}

/// A refresh under way while `act` changes the cache file (a logout, a new
/// login), blocking or async: the call's outcome and the file's access token
/// afterwards.
fn refresh_while(
    asynchronous: bool,
    act: impl FnOnce(&Path),
) -> (Result<CachedToken, SessionError>, Option<String>) {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::gated(200, REFRESHED);
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(5 * 60));
    let session = Arc::new(session(dir.path(), &endpoint.base_url));
    let caller = {
        let session = session.clone();
        std::thread::spawn(move || ask(&session, asynchronous))
    };
    endpoint.wait_for_refreshes(1);
    act(dir.path());
    endpoint.release();
    let got = caller.join().unwrap();
    let cache = TokenCache::new(dir.path());
    let file = cache
        .load(&CacheKey::session("dev"))
        .unwrap()
        .map(|token| token.access_token().expose_secret().to_owned());
    (got, file)
}

/// A logout while a refresh is on its way is not undone: the refreshed token
/// is not written back, and the caller is told to log in.
#[test]
fn a_logout_while_a_refresh_is_out_is_not_undone() {
    for asynchronous in [false, true] {
        let (got, file) = refresh_while(asynchronous, |dir| {
            TokenCache::new(dir)
                .remove(&CacheKey::session("dev"))
                .unwrap();
        });
        assert!(matches!(got, Err(SessionError::NotLoggedIn)), "{got:?}");
        assert_eq!(file, None, "the logout was undone");
    }
}

/// A login while a refresh is on its way is kept: the refreshed token of the
/// old login does not replace it, and the caller gets the new login's token.
#[test]
fn a_login_while_a_refresh_is_out_is_kept() {
    for asynchronous in [false, true] {
        let (got, file) = refresh_while(asynchronous, |dir| {
            let login = CachedToken::builder()
                .access_token("login-access")
                .expires_at(SystemTime::now() + Duration::from_secs(8 * 3600))
                .build()
                .unwrap();
            TokenCache::new(dir)
                .store(&CacheKey::session("dev"), &login)
                .unwrap();
        });
        assert_eq!(got.unwrap().access_token().expose_secret(), "login-access");
        assert_eq!(file.as_deref(), Some("login-access"), "the login was lost");
    }
}

/// Starts `session.token()` on a two-thread runtime and drops it (a
/// `select!` that another branch wins) once its refresh reached the gated
/// `endpoint`; the runtime and client, for the next caller.
fn drop_a_caller_while_its_refresh_is_out(
    session: &SsoSession,
    endpoint: &TokenEndpoint,
) -> (tokio::runtime::Runtime, ssooidc_token::ReqwestClient) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = ssooidc_token::ReqwestClient::new().unwrap();
    runtime.block_on(async {
        let sent = async {
            while endpoint.refreshes() < 1 {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        };
        tokio::select! {
            got = session.token(&client) => panic!("answered before the answer was let go: {got:?}"),
            () = sent => {}
        }
    });
    (runtime, client)
}

/// A caller dropped while its refresh request is out (here, in a `select!`
/// that another branch wins) does not lose the answer: the refresh ends on a
/// task of its own, which stores it, and the next caller reads it from the
/// cache without a second refresh (whose refresh token the service may no
/// longer take).
#[test]
fn a_caller_dropped_while_its_refresh_is_out_does_not_lose_the_answer() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::gated(200, REFRESHED);
    store_token(dir.path(), SystemTime::now() + Duration::from_secs(5 * 60));
    let session = session(dir.path(), &endpoint.base_url);
    let (runtime, client) = drop_a_caller_while_its_refresh_is_out(&session, &endpoint);
    // The caller is gone; the answer goes out now.
    endpoint.release();
    let cache = TokenCache::new(dir.path());
    let stored = || {
        cache
            .load(&CacheKey::session("dev"))
            .unwrap()
            .map(|token| token.access_token().expose_secret().to_owned())
    };
    let start = Instant::now();
    while stored().as_deref() != Some("new-access") {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the refreshed token was lost with its caller: the file holds {:?}",
            stored()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let token = cache.load(&CacheKey::session("dev")).unwrap().unwrap();
    assert_eq!(
        token.refresh_token().map(ExposeSecret::expose_secret),
        Some("new-refresh")
    );
    let got = runtime.block_on(session.token(&client)).unwrap();
    assert_eq!(got.access_token().expose_secret(), "new-access");
    assert_eq!(endpoint.refreshes(), 1, "refreshed again");
}

/// As above, when the cache cannot store the refreshed token either (a
/// directory takes the token file's place while the answer is on its way):
/// the refresh's task keeps it in the session's memory, in place of the
/// token the file holds, so the next caller gets it without a second
/// refresh.
#[test]
fn a_caller_dropped_while_its_unstorable_refresh_is_out_does_not_lose_it() {
    let dir = TempDir::new("session");
    let endpoint = TokenEndpoint::gated(200, REFRESHED);
    let expires_at = SystemTime::now() + Duration::from_secs(5 * 60);
    store_token(dir.path(), expires_at);
    let session = session(dir.path(), &endpoint.base_url);
    let (runtime, client) = drop_a_caller_while_its_refresh_is_out(&session, &endpoint);
    let file = dir.path().join(CacheKey::session("dev").file_name());
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    std::fs::write(file.join("in-the-way"), b"").unwrap();
    endpoint.release();
    // The task holds the lock until it has recorded its end.
    let lock = std::fs::File::open(
        dir.path()
            .join(format!("{}.lock", CacheKey::session("dev").file_name())),
    )
    .unwrap();
    let start = Instant::now();
    while lock.try_lock().is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the task never ended"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    lock.unlock().unwrap();
    std::fs::remove_dir_all(&file).unwrap();
    store_token(dir.path(), expires_at);
    // Should a second refresh go out, it is answered (and counted).
    endpoint.release();
    let got = runtime.block_on(session.token(&client)).unwrap();
    assert_eq!(got.access_token().expose_secret(), "new-access");
    assert_eq!(
        got.refresh_token().map(ExposeSecret::expose_secret),
        Some("new-refresh")
    );
    assert_eq!(endpoint.refreshes(), 1, "refreshed again");
}

/// A token endpoint whose first answers are `first` (`None`: the connection
/// is cut after the request is read, without an answer; `Some(status)`: that
/// status, throttled or unavailable), then `REFRESHED`, until it has read
/// `total` requests; the number it read.
fn failing_endpoint(
    first: &'static [Option<u16>],
    total: usize,
) -> (String, impl FnOnce() -> usize) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let done = stop.clone();
    let handle = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = 0;
        while seen < total && !done.load(Ordering::SeqCst) && Instant::now() < deadline {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            if loopback::read_message(&mut stream).is_err() {
                continue;
            }
            seen += 1;
            let json = [("content-type", "application/json")];
            let _ = match first.get(seen - 1) {
                Some(None) => continue,
                Some(Some(status)) => {
                    loopback::respond(&mut stream, *status, &json, br#"{"error":"server_error"}"#)
                }
                None => loopback::respond(&mut stream, 200, &json, REFRESHED.as_bytes()),
            };
        }
        seen
    });
    // Called once the caller has its answer: stops the wait for requests
    // that did not come (not sent again), and gives the number read.
    let finish = move || {
        stop.store(true, Ordering::SeqCst);
        handle.join().unwrap()
    };
    (base_url, finish)
}

/// The refresh token is a one-shot grant (the service may rotate it): the
/// refresh is sent again only when the service certainly did not take it (it
/// answered 503 or throttled; here, up to 3 attempts), never after a
/// connection cut once the request went out (it may have been taken). Either
/// way, an expired token whose refresh failed so says that asking again can
/// help, not only to log in again. Blocking and async.
#[test]
fn a_refresh_is_sent_again_only_when_certainly_not_taken() {
    for asynchronous in [false, true] {
        let dir = TempDir::new("session");
        let (base_url, server) = failing_endpoint(&[Some(503)], 2);
        store_token(dir.path(), SystemTime::now() - Duration::from_secs(60));
        let token = ask(&session(dir.path(), &base_url), asynchronous).unwrap();
        assert_eq!(token.access_token().expose_secret(), "new-access");
        assert_eq!(server(), 2, "503 once, then answered");

        let dir = TempDir::new("session");
        let (base_url, server) = failing_endpoint(&[Some(503), Some(429), Some(503)], 4);
        store_token(dir.path(), SystemTime::now() - Duration::from_secs(60));
        let err = ask(&session(dir.path(), &base_url), asynchronous).unwrap_err();
        assert_eq!(server(), 3, "3 attempts, not more");
        assert!(matches!(err, SessionError::LoginAgain(_)), "{err:?}");
        assert!(err.is_retryable(), "{err:?}");
        assert!(err.to_string().contains("try again"), "{err}");

        let dir = TempDir::new("session");
        let (base_url, server) = failing_endpoint(&[None, None], 2);
        store_token(dir.path(), SystemTime::now() - Duration::from_secs(60));
        let err = ask(&session(dir.path(), &base_url), asynchronous).unwrap_err();
        assert_eq!(server(), 1, "cut after it went out: not sent again");
        assert!(err.is_retryable(), "{err:?}");
    }
    // A refusal is neither sent again nor retryable: see
    // `an_expired_token_that_cannot_be_refreshed_is_never_returned`.
}
