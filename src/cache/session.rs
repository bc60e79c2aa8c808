//! `SsoSession`: the cached token, refreshed when due, once however many threads
//! and processes ask at the same moment.

use std::error::Error;
use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use secrecy::ExposeSecret;

use super::{CacheError, CacheErrorKind, CacheKey, CachedToken, Freshness, TokenCache};
use crate::grant::RefreshToken;
use crate::{CreateToken, CreateTokenResponse, Endpoint};

/// After a failed refresh, the next try waits this long while the token is
/// unexpired, in both windows (botocore's rule: it rests after any attempt);
/// an expired token is tried on every call.
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// How long a caller waits for another caller's or process's refresh (the
/// lock) by default: longer than a refresh takes with the crate's clients
/// (each exchange is bounded by 60 s), so that only a holder that is stuck
/// (a stopped process, say) is given up on.
const LOCK_WAIT: Duration = Duration::from_secs(120);

/// Why [`SsoSession`] returned no token.
#[derive(Debug)]
#[non_exhaustive]
pub enum SessionError {
    /// No token in the cache for this key: log in first.
    NotLoggedIn,
    /// The cache could not be read, or (once the token has expired) locked for
    /// a refresh.
    Cache(CacheError),
    /// The token has expired and could not be refreshed; the source says why:
    /// a [`NotRefreshable`](super::NotRefreshable) (no refresh token, or its
    /// client registration has expired), a [`SendError`](crate::SendError)
    /// (the refresh refused, or not answered: sent up to 3 times while the
    /// service certainly did not take it, once otherwise), or one of the
    /// crate's own reasons, each shown by its `Display`: the answer gave a
    /// token with no lifetime; the refresh another caller of this session
    /// ran while this one waited failed; the file changed during the refresh
    /// to a token that has expired too; the runtime shut down before the
    /// refresh's task ended. Log in again, unless
    /// [`is_retryable`](SessionError::is_retryable) says asking again later
    /// can help.
    LoginAgain(Box<dyn Error + Send + Sync + 'static>),
}

impl SessionError {
    /// Whether asking for the token again (later) can help: the refresh of an
    /// expired token failed in a way that sending again can help
    /// ([`SendError::is_retryable`](crate::SendError::is_retryable): the
    /// connection, a 500/502/503/504, throttling; the session already sent it
    /// again as far as a one-shot refresh token allows: up to 3 times when
    /// the service certainly did not take it, once otherwise), or
    /// another process held the lock for longer than
    /// [`lock_wait`](SsoSession::lock_wait).
    ///
    /// ```
    /// use ssooidc_token::cache::SessionError;
    ///
    /// fn next_step(err: &SessionError) -> &'static str {
    ///     match err {
    ///         SessionError::NotLoggedIn => "log in",
    ///         err if err.is_retryable() => "try again in a moment",
    ///         SessionError::LoginAgain(_) => "log in again",
    ///         _ => "check the cache directory",
    ///     }
    /// }
    /// assert_eq!(next_step(&SessionError::NotLoggedIn), "log in");
    /// ```
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::NotLoggedIn => false,
            Self::Cache(err) => {
                *err.kind() == CacheErrorKind::Lock
                    && err
                        .source()
                        .and_then(|source| source.downcast_ref::<std::io::Error>())
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
            }
            Self::LoginAgain(cause) => {
                cause
                    .downcast_ref::<crate::SendError>()
                    .is_some_and(crate::SendError::is_retryable)
                    || cause
                        .downcast_ref::<FailedWhileWaiting>()
                        .is_some_and(|failed| failed.retryable)
                    || cause.is::<ShutDown>()
            }
        }
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotLoggedIn => f.write_str("no sso token in the cache: log in first"),
            Self::Cache(err) => fmt::Display::fmt(err, f),
            Self::LoginAgain(_) if self.is_retryable() => f.write_str(
                "the sso token has expired, and its refresh could not be completed: try again, or log in again",
            ),
            Self::LoginAgain(_) => {
                f.write_str("the sso token has expired and could not be refreshed: log in again")
            }
        }
    }
}

impl Error for SessionError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::NotLoggedIn => None,
            Self::Cache(err) => err.source(),
            Self::LoginAgain(err) => Some(&**err),
        }
    }
}

impl From<CacheError> for SessionError {
    fn from(err: CacheError) -> Self {
        Self::Cache(err)
    }
}

/// What to do with the token just loaded.
enum Step {
    Use(CachedToken),
    /// Refresh if no one else is at it; otherwise go on with this token.
    RefreshIfFree(CachedToken),
    /// Wait for the lock, then refresh unless someone else just did.
    RefreshAndWait(CachedToken),
}

/// A login kept alive: the token of one cache key, refreshed through `endpoint`
/// when due, the way botocore does it, and better.
///
/// - More than 15 minutes left: the cached token is returned.
/// - 15 to 10 minutes left: one caller refreshes (if no other thread or process is
///   at it, and no refresh failed in the last minute); the others, and that
///   caller if the refresh fails, go on with the current token.
/// - Under 10 minutes, or expired: every caller waits for the refresh; one
///   refreshes, the others read what it stored. If that refresh fails, the
///   callers of this session that waited for it do not try again: they get the
///   token while it is unexpired, else [`SessionError::LoginAgain`]. A caller
///   waits at most [`lock_wait`](Self::lock_wait) (2 minutes) for another
///   thread's or process's refresh, then goes on as when the lock cannot be
///   taken (below), with the token read again: a stopped process that holds
///   the lock does not hold up the others for as long as it is stopped.
/// - After a refresh, failed or not, and after finding the token cannot be
///   refreshed (it has no refresh token, or its client registration has
///   expired), no caller of this session refreshes for a minute while the
///   token is unexpired (in both windows, as botocore rests after any attempt;
///   [`with_refresh_rest`](Self::with_refresh_rest) changes the minute); each
///   gets the current token. So a refresh that gives a token with under 15
///   minutes left is not repeated on every call. An expired token is refreshed
///   on every call.
/// - The refresh (`CreateToken`, refresh-token grant) is sent up to 3 times,
///   after a random pause of up to 1 s, then 2 s, but only while the service
///   certainly did not take it (no connection was made, or it answered 503
///   or throttled) and within a quarter of [`lock_wait`](Self::lock_wait):
///   the service may rotate the refresh token, so one it may have taken is
///   not sent again. Its answer must give the token a lifetime
///   (`expiresIn`): one without is a failed refresh.
/// - Expired and not refreshable, or the refresh failed:
///   [`SessionError::LoginAgain`], never the expired token
///   ([`SessionError::is_retryable`] says when asking again later can help).
/// - The lock file cannot be opened or locked (a read-only `~/.aws`, a full
///   disk): no refresh; the token is returned while it is unexpired (with the
///   same one-minute rest as a failed refresh), and [`SessionError::Cache`]
///   once it has expired.
/// - The refreshed token is stored with the endpoint's region as its `region`,
///   as botocore and `aws-config` write their configured SSO region.
/// - A login or a logout while the refresh request is out wins: just before
///   storing, the file is read again, and if it no longer holds the token
///   that was refreshed, the refreshed one is dropped (wiped), not written
///   over it; the caller gets the file's token ([`SessionError::LoginAgain`]
///   should that one have expired), or [`SessionError::NotLoggedIn`] after a
///   logout. (Logins, logouts and other AWS tools take no lock: a change
///   between that read and the write, the time the write takes, is still
///   lost, as it is between any two AWS tools.)
/// - The refreshed token cannot be written: it is returned all the same, and
///   this session keeps it in memory in place of the cached one for as long as
///   the file still holds that one (other processes go on with the file).
///
/// One refresh at a time: within the process (a mutex) and across processes (an
/// exclusive lock on `<sha1>.json.lock` beside the token, which no AWS tool reads;
/// the file is left in place, as lock files are). The refreshed token is stored
/// atomically before it is returned, so every AWS tool on the machine sees it;
/// if that write fails, the token is returned all the same (see above), and the
/// failure is not reported: the caller's token is valid, and the next refresh
/// tries the write again.
/// A failed refresh before expiry is not reported either (the caller gets the
/// valid token); [`failed_refreshes`](Self::failed_refreshes) counts them.
///
/// ```no_run
/// # #[cfg(feature = "ureq")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use ssooidc_token::cache::{CacheKey, SsoSession, TokenCache};
/// use ssooidc_token::{Endpoint, ExposeSecret};
///
/// let session = SsoSession::new(
///     TokenCache::default_location()?,
///     CacheKey::session("my-sso"),
///     Endpoint::new("us-east-1")?,
/// );
/// let agent = ureq::Agent::new_with_defaults();
/// let token = session.token_blocking(&agent)?;
/// let bearer = token.access_token().expose_secret();
/// # let _ = bearer;
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "ureq"))]
/// # fn main() {}
/// ```
#[derive(Debug)]
pub struct SsoSession {
    cache: TokenCache,
    key: CacheKey,
    endpoint: Endpoint,
    /// Held by the thread of this process that refreshes (blocking callers).
    #[cfg(feature = "ureq")]
    refreshing: Mutex<()>,
    /// Held by the task of this process that waits for the file lock or
    /// refreshes (async callers): the others wait here (tokio's mutex), and the
    /// one holding it tries the file lock between sleeps on tokio's clock.
    #[cfg(feature = "reqwest")]
    refreshing_async: tokio::sync::Mutex<()>,
    /// The least time between refresh attempts (`RETRY_AFTER` by default).
    rest: Duration,
    /// The longest a caller waits for the refresh of another (`LOCK_WAIT` by
    /// default).
    lock_wait: Duration,
    /// What the session remembers of its refreshes: shared with a refresh's
    /// own task, which records its end even when its caller is gone.
    memory: Arc<Memory>,
}

/// What an [`SsoSession`] remembers of its refreshes.
#[derive(Debug, Default)]
struct Memory {
    /// When the last refresh ended, or was found impossible or could not
    /// start: no other starts within `rest` of it while the token is unexpired.
    last_attempt: Mutex<Option<SystemTime>>,
    /// How many refreshes have failed: a caller that finds it changed once it
    /// holds the lock waited for a refresh that failed.
    failed: AtomicU64,
    /// Whether the last failed refresh failed in a way that sending again
    /// can help (for the callers that waited for it).
    last_failure_retryable: AtomicBool,
    /// A refreshed token the cache could not store, with the access token of
    /// the cached one it replaces: used while the file still holds that one.
    unsaved: Mutex<Option<Unsaved>>,
}

/// See [`Memory::unsaved`].
struct Unsaved {
    replaces: secrecy::SecretString,
    token: CachedToken,
}

impl fmt::Debug for Unsaved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unsaved")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl SsoSession {
    /// A session for the token of `key` in `cache`, refreshed through `endpoint`
    /// (the IAM Identity Center region's OIDC endpoint, the token's `region`).
    ///
    /// ```
    /// use ssooidc_token::cache::{CacheKey, SsoSession, TokenCache};
    /// use ssooidc_token::Endpoint;
    ///
    /// let session = SsoSession::new(TokenCache::new("/tmp/c"), CacheKey::session("dev"), Endpoint::new("eu-west-1")?);
    /// assert_eq!(session.key(), &CacheKey::session("dev"));
    /// # Ok::<(), ssooidc_token::EndpointError>(())
    /// ```
    #[must_use]
    pub fn new(cache: TokenCache, key: CacheKey, endpoint: Endpoint) -> Self {
        Self {
            cache,
            key,
            endpoint,
            #[cfg(feature = "ureq")]
            refreshing: Mutex::new(()),
            #[cfg(feature = "reqwest")]
            refreshing_async: tokio::sync::Mutex::const_new(()),
            rest: RETRY_AFTER,
            lock_wait: LOCK_WAIT,
            memory: Arc::default(),
        }
    }

    /// The least time between two refresh attempts of this session while the
    /// token is unexpired (an expired token is always tried): a minute by
    /// default, as botocore waits (`aws-config` waits 30 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssooidc_token::cache::{CacheKey, SsoSession, TokenCache};
    /// use ssooidc_token::Endpoint;
    ///
    /// let session = SsoSession::new(TokenCache::new("/tmp/c"), CacheKey::session("dev"), Endpoint::new("eu-west-1")?)
    ///     .with_refresh_rest(Duration::from_secs(30));
    /// assert_eq!(session.refresh_rest(), Duration::from_secs(30));
    /// # Ok::<(), ssooidc_token::EndpointError>(())
    /// ```
    #[must_use]
    pub fn with_refresh_rest(mut self, rest: Duration) -> Self {
        self.rest = rest;
        self
    }

    /// The least time between two refresh attempts (see
    /// [`with_refresh_rest`](Self::with_refresh_rest)).
    #[must_use]
    pub fn refresh_rest(&self) -> Duration {
        self.rest
    }

    /// The longest a caller waits for the refresh another thread or process
    /// is running, under 10 minutes left: 2 minutes by default, longer than a
    /// refresh takes with the crate's clients (each exchange is bounded by
    /// 60 s). A caller that waited this long goes on as when the lock cannot
    /// be taken: with the token while it is unexpired, else
    /// [`SessionError::Cache`]. So a process that holds the lock and is
    /// stopped (suspended with Ctrl-Z, paused in a debugger) holds the others
    /// up for this long, not for as long as it is stopped. The wait is
    /// measured on the real clock (tokio's pauses between tries); a wait too
    /// long to be a time of day, such as `Duration::MAX`, has no end.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssooidc_token::cache::{CacheKey, SsoSession, TokenCache};
    /// use ssooidc_token::Endpoint;
    ///
    /// let session = SsoSession::new(TokenCache::new("/tmp/c"), CacheKey::session("dev"), Endpoint::new("eu-west-1")?);
    /// assert_eq!(session.lock_wait(), Duration::from_secs(120));
    /// let session = session.with_lock_wait(Duration::from_secs(30));
    /// assert_eq!(session.lock_wait(), Duration::from_secs(30));
    /// # Ok::<(), ssooidc_token::EndpointError>(())
    /// ```
    #[must_use]
    pub fn with_lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// The longest a caller waits for another's refresh (see
    /// [`with_lock_wait`](Self::with_lock_wait)).
    #[must_use]
    pub fn lock_wait(&self) -> Duration {
        self.lock_wait
    }

    /// How many refreshes of this session have failed so far, whether or not
    /// a caller saw the failure: before expiry, a failed refresh is not
    /// reported (the caller gets the valid token), so watch this to notice
    /// refreshes that keep failing before the token runs out. It counts
    /// refreshes sent (refused, unanswered, an answer without a lifetime);
    /// not a token that cannot be refreshed at all (no refresh token, its
    /// registration expired: see [`CachedToken::refresh_request`]), nor a
    /// refresh the lock kept from starting.
    ///
    /// ```
    /// use ssooidc_token::cache::{CacheKey, SsoSession, TokenCache};
    /// use ssooidc_token::Endpoint;
    ///
    /// let session = SsoSession::new(TokenCache::new("/tmp/c"), CacheKey::session("dev"), Endpoint::new("eu-west-1")?);
    /// assert_eq!(session.failed_refreshes(), 0);
    /// # Ok::<(), ssooidc_token::EndpointError>(())
    /// ```
    #[must_use]
    pub fn failed_refreshes(&self) -> u64 {
        self.failures()
    }

    /// The cache the token is in.
    #[must_use]
    pub fn cache(&self) -> &TokenCache {
        &self.cache
    }

    /// The token's key.
    #[must_use]
    pub fn key(&self) -> &CacheKey {
        &self.key
    }

    /// The cached token, or the refreshed one that could not be stored while
    /// the file still holds the token it replaces.
    fn load(&self) -> Result<CachedToken, SessionError> {
        let stored = self.cache.load(&self.key)?;
        let mut unsaved = self
            .memory
            .unsaved
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match (stored, unsaved.as_ref()) {
            (Some(stored), Some(kept))
                if stored.access_token().expose_secret() == kept.replaces.expose_secret() =>
            {
                Ok(kept.token.clone())
            }
            (stored, _) => {
                // The file changed (another process refreshed, a new login, a
                // logout): it is the token now.
                *unsaved = None;
                stored.ok_or(SessionError::NotLoggedIn)
            }
        }
    }

    fn set_last_attempt(&self, at: Option<SystemTime>) {
        self.memory.set_last_attempt(at);
    }

    /// No refresh could start (the lock file cannot be opened or locked): the
    /// token while it is unexpired, else the error. The next try rests a
    /// minute, as after a failed refresh.
    fn without_refresh(
        &self,
        token: CachedToken,
        err: SessionError,
    ) -> Result<CachedToken, SessionError> {
        let now = SystemTime::now();
        match token.freshness(now) {
            Freshness::Expired => Err(err),
            Freshness::Fresh => Ok(token),
            Freshness::RefreshSoon | Freshness::RefreshNow => {
                self.set_last_attempt(Some(now));
                Ok(token)
            }
        }
    }

    /// No refresh could start after waiting for the lock: as
    /// [`without_refresh`](Self::without_refresh), with the token read again
    /// (the one holding the lock may have stored a refreshed token, or a
    /// logout removed it, while this caller waited).
    fn without_lock(
        &self,
        token: CachedToken,
        err: SessionError,
    ) -> Result<CachedToken, SessionError> {
        let token = match self.load() {
            Ok(current) => current,
            Err(SessionError::NotLoggedIn) => return Err(SessionError::NotLoggedIn),
            Err(_) => token,
        };
        if token.freshness(SystemTime::now()) == Freshness::Fresh {
            return Ok(token);
        }
        self.without_refresh(token, err)
    }

    /// Whether a refresh was tried less than `rest` before `now` (or after
    /// it: a clock set back counts as recent).
    fn resting(&self, now: SystemTime) -> bool {
        let tried = *self
            .memory
            .last_attempt
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        tried.is_some_and(|at| {
            now.duration_since(at)
                .map_or(!self.rest.is_zero(), |since| since < self.rest)
        })
    }

    /// The pure decision: what `freshness` at `now` asks for.
    fn step(&self, token: CachedToken, now: SystemTime) -> Step {
        match token.freshness(now) {
            Freshness::Fresh => Step::Use(token),
            Freshness::RefreshSoon | Freshness::RefreshNow if self.resting(now) => Step::Use(token),
            Freshness::RefreshSoon => Step::RefreshIfFree(token),
            Freshness::RefreshNow | Freshness::Expired => Step::RefreshAndWait(token),
        }
    }

    /// How the refresh is sent again: only when the service certainly did not
    /// take the refresh token (it may rotate it), and within a quarter of
    /// the lock wait of the first send, so that the callers waiting for it do
    /// not give up first.
    fn resend(&self) -> crate::send::retry::Resend {
        crate::send::retry::Resend::OneShot {
            budget: self.lock_wait / 4,
        }
    }

    /// The number of failed refreshes so far, read before a caller looks at
    /// the token (see [`under_lock`](Self::under_lock)).
    fn failures(&self) -> u64 {
        self.memory.failed.load(Ordering::SeqCst)
    }

    /// The lock file beside the token, created (0600 on Unix) when missing.
    fn lock_file(&self) -> Result<File, SessionError> {
        super::file::create_dir(self.cache.dir())?;
        let path = self.cache.dir().join(self.key.lock_file_name());
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(&path)
            .map_err(|err| CacheError::io(CacheErrorKind::Lock, &path, err).into())
    }

    /// The lock was still held by another when the wait ended.
    fn lock_timeout(&self) -> SessionError {
        self.lock_error(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "another refresh held the lock for longer than this session waits",
        ))
    }

    fn lock_error(&self, err: std::io::Error) -> SessionError {
        let path = self.cache.dir().join(self.key.lock_file_name());
        CacheError::io(CacheErrorKind::Lock, &path, err).into()
    }

    /// `Some(file)` holding the lock, or `None` when someone else holds it.
    fn try_lock(&self) -> Result<Option<File>, SessionError> {
        let file = self.lock_file()?;
        Ok(self.locked(&file)?.then_some(file))
    }

    /// Whether `file`'s lock was taken now (`false`: someone else holds it).
    fn locked(&self, file: &File) -> Result<bool, SessionError> {
        match file.try_lock() {
            Ok(()) => Ok(true),
            Err(TryLockError::WouldBlock) => Ok(false),
            Err(TryLockError::Error(err)) => Err(self.lock_error(err)),
        }
    }

    /// Under the lock: the token again (someone may have refreshed it while this
    /// caller waited), and the request if it still needs refreshing and no
    /// refresh of this session failed since the caller asked (`failures` was
    /// [`failures`](Self::failures) then).
    fn under_lock(
        &self,
        now: SystemTime,
        failures: u64,
    ) -> Result<(CachedToken, Option<CreateToken<RefreshToken>>), SessionError> {
        let token = self.load()?;
        let freshness = token.freshness(now);
        if freshness == Freshness::Fresh {
            return Ok((token, None));
        }
        if self.failures() != failures {
            return if freshness == Freshness::Expired {
                Err(SessionError::LoginAgain(Box::new(FailedWhileWaiting {
                    retryable: self.memory.last_failure_retryable.load(Ordering::SeqCst),
                })))
            } else {
                Ok((token, None))
            };
        }
        // A refresh that ended while this caller waited (one that gave a token
        // with under 15 minutes left, say) is not repeated by every caller
        // queued behind it.
        if freshness != Freshness::Expired && self.resting(now) {
            return Ok((token, None));
        }
        match token.refresh_request(now) {
            Ok(request) => Ok((token, Some(request))),
            Err(_) if token.freshness(now) != Freshness::Expired => {
                // Not refreshable until a new login: no need to look again at
                // every call.
                self.set_last_attempt(Some(now));
                Ok((token, None))
            }
            Err(reason) => Err(SessionError::LoginAgain(Box::new(reason))),
        }
    }

    /// What the refresh of `token` (sent at `now`) needs on the file's side:
    /// the cache, the key, and the access token the file holds while nobody
    /// else changed it (the token's own, or the one an unsaved refreshed
    /// token stands in for).
    fn refresh_of(&self, token: CachedToken, now: SystemTime) -> Refresh {
        let in_file = match self
            .memory
            .unsaved
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            Some(kept)
                if kept.token.access_token().expose_secret()
                    == token.access_token().expose_secret() =>
            {
                kept.replaces.clone()
            }
            _ => token.access_token().clone(),
        };
        Refresh {
            cache: self.cache.clone(),
            key: self.key.clone(),
            region: self.endpoint.region().to_owned(),
            token,
            in_file,
            now,
        }
    }
}

impl Memory {
    fn set_last_attempt(&self, at: Option<SystemTime>) {
        *self
            .last_attempt
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = at;
    }

    /// What a settled refresh means for this session's memory (the unsaved
    /// token, the time of the last attempt, the failures) and for the caller.
    fn record(&self, settled: Settled) -> Result<CachedToken, SessionError> {
        // Only the time of the last failure is guarded, not the store (a file
        // write and two `fsync`s): callers that only look at it never wait on
        // the disk.
        let mut unsaved = self.unsaved.lock().unwrap_or_else(PoisonError::into_inner);
        let (token, err) = match settled {
            Settled::Stored(token) => {
                *unsaved = None;
                drop(unsaved);
                self.set_last_attempt(Some(SystemTime::now()));
                return Ok(token);
            }
            // Valid, and its refresh token may be the only one the service
            // still takes: kept, not thrown away, in place of the token the
            // file holds.
            Settled::Unsaved { token, replaces } => {
                *unsaved = Some(Unsaved {
                    replaces,
                    token: token.clone(),
                });
                drop(unsaved);
                self.set_last_attempt(Some(SystemTime::now()));
                return Ok(token);
            }
            Settled::Changed(current) => {
                *unsaved = None;
                drop(unsaved);
                self.set_last_attempt(Some(SystemTime::now()));
                return match current {
                    None => Err(SessionError::NotLoggedIn),
                    Some(current) if current.freshness(SystemTime::now()) == Freshness::Expired => {
                        Err(SessionError::LoginAgain(Box::new(ChangedWhileRefreshing)))
                    }
                    Some(current) => Ok(current),
                };
            }
            Settled::Failed { token, err } => (token, err),
        };
        drop(unsaved);
        // The rest counts from the failure, not from the request (which may
        // have taken as long as the rest itself to time out).
        self.set_last_attempt(Some(SystemTime::now()));
        self.last_failure_retryable.store(
            err.downcast_ref::<crate::SendError>()
                .is_some_and(crate::SendError::is_retryable)
                || err.is::<ShutDown>(),
            Ordering::SeqCst,
        );
        self.failed.fetch_add(1, Ordering::SeqCst);
        if token.freshness(SystemTime::now()) == Freshness::Expired {
            Err(SessionError::LoginAgain(err))
        } else {
            Ok(token)
        }
    }
}

/// A refresh on its way: what it needs of its session on the file's side, so
/// that it can end on a task of its own (see [`SsoSession::token`]).
struct Refresh {
    cache: TokenCache,
    key: CacheKey,
    /// The region the refreshed token is stored with.
    region: String,
    /// The token refreshed.
    token: CachedToken,
    /// The access token the file holds while nobody else changed it.
    in_file: secrecy::SecretString,
    /// When the request was made: the refreshed token's lifetime counts from
    /// it.
    now: SystemTime,
}

/// How a refresh ended, on the file's side.
enum Settled {
    /// The refreshed token, stored.
    Stored(CachedToken),
    /// The refreshed token, which the cache could not store, and the access
    /// token of the one it replaces.
    Unsaved {
        token: CachedToken,
        replaces: secrecy::SecretString,
    },
    /// The file changed while the request was out (a login, or a logout:
    /// `None`): it wins, and the refreshed token was dropped (wiped).
    Changed(Option<CachedToken>),
    /// The refresh failed: the token refreshed, and why.
    Failed {
        token: CachedToken,
        err: Box<dyn Error + Send + Sync>,
    },
}

impl Refresh {
    /// Stores the refreshed token unless the file changed meanwhile, or
    /// decides what the failure was.
    fn settle<E: Error + Send + Sync + 'static>(
        self,
        answer: Result<CreateTokenResponse, E>,
    ) -> Settled {
        let answer = match answer {
            Ok(answer) => answer,
            Err(err) => {
                return Settled::Failed {
                    token: self.token,
                    err: Box::new(err),
                }
            }
        };
        let refreshed = self
            .token
            .refreshed(&answer, self.now)
            .with_region(&self.region);
        // An answer without a lifetime (or of 0 s) gives a token that is
        // expired already: a failed refresh, neither stored nor returned.
        if refreshed.freshness(self.now) == Freshness::Expired {
            return Settled::Failed {
                token: self.token,
                err: Box::new(NoLifetime),
            };
        }
        // A login or a logout while the request was out (they take no lock,
        // nor do other AWS tools) changed the file: it wins, and the
        // refreshed token is dropped (wiped), not written over it. An
        // unreadable file is written over, as before this check.
        match self.cache.load(&self.key) {
            Ok(Some(current))
                if current.access_token().expose_secret() != self.in_file.expose_secret() =>
            {
                return Settled::Changed(Some(current));
            }
            Ok(None) => return Settled::Changed(None),
            _ => {}
        }
        match self.cache.store(&self.key, &refreshed) {
            Ok(()) => Settled::Stored(refreshed),
            Err(_) => Settled::Unsaved {
                token: refreshed,
                replaces: self.in_file,
            },
        }
    }
}

/// The pauses of a wait for a lock: 5 ms, doubling up to 50 ms, until a
/// deadline on the real clock (none for a wait too long to write as an
/// `Instant`). Real time, not tokio's: under a paused test clock, tokio's
/// clock runs ahead while the runtime idles, and the wait would end before
/// the other holder had a chance to finish.
struct Backoff {
    deadline: Option<std::time::Instant>,
    pause: Duration,
}

impl Backoff {
    fn new(wait: Duration) -> Self {
        Self {
            deadline: std::time::Instant::now().checked_add(wait),
            pause: Duration::from_millis(5),
        }
    }

    /// The next pause, cut short by the deadline; `None` once it has passed.
    fn next_pause(&mut self) -> Option<Duration> {
        let pause = match self.deadline {
            Some(deadline) => {
                let now = std::time::Instant::now();
                if now >= deadline {
                    return None;
                }
                self.pause.min(deadline - now)
            }
            None => self.pause,
        };
        self.pause = (self.pause * 2).min(Duration::from_millis(50));
        Some(pause)
    }
}

/// A refresh answer whose token is expired on arrival (no `expiresIn`, or 0).
#[derive(Debug)]
struct NoLifetime;

/// The file changed while the refresh was on its way, to a token that has
/// expired.
#[derive(Debug)]
struct ChangedWhileRefreshing;

impl fmt::Display for ChangedWhileRefreshing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the cached token changed while it was being refreshed, to one that has expired",
        )
    }
}

impl Error for ChangedWhileRefreshing {}

impl std::fmt::Display for NoLifetime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the refresh answer gave a token with no lifetime (`expiresIn` missing or 0)")
    }
}

impl Error for NoLifetime {}

/// The refresh a caller waited for (another caller's, in this session) failed,
/// and the token has expired.
#[derive(Debug)]
struct FailedWhileWaiting {
    /// Whether that refresh failed in a way that sending again can help.
    retryable: bool,
}

impl std::fmt::Display for FailedWhileWaiting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "the refresh this call waited for failed (made by another caller of the session)",
        )
    }
}

impl Error for FailedWhileWaiting {}

#[cfg(feature = "ureq")]
impl SsoSession {
    /// The access token, refreshed first when due (feature `ureq`): blocking.
    /// See [`SsoSession`] for the windows and what concurrent callers do.
    ///
    /// # Errors
    /// [`SessionError::NotLoggedIn`], [`SessionError::Cache`], or
    /// [`SessionError::LoginAgain`] when the token has expired and could not be
    /// refreshed.
    pub fn token_blocking(&self, agent: &ureq::Agent) -> Result<CachedToken, SessionError> {
        let failures = self.failures();
        let token = self.load()?;
        let (_in_process, _file) = match self.step(token, SystemTime::now()) {
            Step::Use(token) => return Ok(token),
            Step::RefreshIfFree(token) => {
                let guard = match self.refreshing.try_lock() {
                    Ok(guard) => guard,
                    // A thread panicked while refreshing: the lock guards no data.
                    Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                    Err(std::sync::TryLockError::WouldBlock) => return Ok(token),
                };
                match self.try_lock() {
                    Ok(Some(file)) => (guard, file),
                    Ok(None) => return Ok(token),
                    Err(err) => return self.without_refresh(token, err),
                }
            }
            Step::RefreshAndWait(token) => match self.wait_blocking() {
                Ok(locked) => locked,
                Err(err) => return self.without_lock(token, err),
            },
        };
        let now = SystemTime::now();
        let (token, request) = self.under_lock(now, failures)?;
        let Some(request) = request else {
            return Ok(token);
        };
        let answer = crate::send::retry::retried_blocking(self.resend(), || {
            request.send_blocking(agent, &self.endpoint)
        });
        self.memory
            .record(self.refresh_of(token, now).settle(answer))
    }

    /// This process's refresh gate, then the lock file, each tried until
    /// [`lock_wait`](Self::lock_wait) has passed (see [`Backoff`]).
    fn wait_blocking(&self) -> Result<(std::sync::MutexGuard<'_, ()>, File), SessionError> {
        let mut backoff = Backoff::new(self.lock_wait);
        let guard = loop {
            match self.refreshing.try_lock() {
                Ok(guard) => break guard,
                // A thread panicked while refreshing: the lock guards no data.
                Err(std::sync::TryLockError::Poisoned(poisoned)) => break poisoned.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
            let Some(pause) = backoff.next_pause() else {
                return Err(self.lock_timeout());
            };
            std::thread::sleep(pause);
        };
        let file = self.lock_file()?;
        while !self.locked(&file)? {
            let Some(pause) = backoff.next_pause() else {
                return Err(self.lock_timeout());
            };
            std::thread::sleep(pause);
        }
        Ok((guard, file))
    }
}

#[cfg(feature = "reqwest")]
impl SsoSession {
    /// This process's refresh gate, then the lock file, each tried until
    /// [`lock_wait`](Self::lock_wait) has passed (see [`Backoff`]), pausing
    /// on tokio's clock, which `reqwest` already runs on. No thread waits, so
    /// a task dropped while it waits (under a timeout, say) leaves nothing
    /// behind.
    async fn wait_async(&self) -> Result<(tokio::sync::MutexGuard<'_, ()>, File), SessionError> {
        let mut backoff = Backoff::new(self.lock_wait);
        let gate = loop {
            if let Ok(gate) = self.refreshing_async.try_lock() {
                break gate;
            }
            let Some(pause) = backoff.next_pause() else {
                return Err(self.lock_timeout());
            };
            tokio::time::sleep(pause).await;
        };
        let file = self.lock_file()?;
        while !self.locked(&file)? {
            let Some(pause) = backoff.next_pause() else {
                return Err(self.lock_timeout());
            };
            tokio::time::sleep(pause).await;
        }
        Ok((gate, file))
    }

    /// The access token, refreshed first when due (feature `reqwest`). See
    /// [`SsoSession`] for the windows and what concurrent callers do.
    ///
    /// Waiting for another caller's refresh (under 10 minutes left) does not block
    /// the executor and takes no thread: a caller tries this session's async
    /// mutex, then the file lock, every 50 ms at most, sleeping on tokio's
    /// clock in between, for [`lock_wait`](Self::lock_wait) of real time: it
    /// needs a tokio runtime with its time driver, as `reqwest`'s timeouts do
    /// (under a paused test clock, a wait for another process's lock advances
    /// the clock 50 ms at a time until it is free). A caller dropped while it waits leaves
    /// nothing behind.
    ///
    /// The refresh itself (its request, its retries, and storing its answer)
    /// runs on a tokio task of its own, which holds the file lock until the
    /// answer is stored: a caller dropped while its refresh request is out
    /// (under a timeout shorter than the exchange, say) does not lose the
    /// answer, whose refresh token may be the only one the service still
    /// takes. The task stores it (or, when the cache cannot store it, keeps
    /// it in the session's memory, as the call would), and the next caller
    /// gets it. The task ends with the exchange: at most 3 attempts, each
    /// bounded by the client's exchange timeout (60 s by default); a runtime
    /// that shuts down first ends it (and the session's error for an expired
    /// token is then retryable). On a current-thread runtime the task runs
    /// only while the runtime is driven: a caller dropped there (a
    /// `block_on(timeout(..))` that timed out) leaves the task, and the file
    /// lock it holds, until the runtime runs again (the next `block_on`) or
    /// is dropped; meanwhile other processes wait for the lock at most
    /// [`lock_wait`](Self::lock_wait).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use ssooidc_token::cache::{CacheKey, SsoSession, TokenCache};
    /// use ssooidc_token::{Endpoint, ExposeSecret, ReqwestClient};
    ///
    /// let session = SsoSession::new(
    ///     TokenCache::default_location()?,
    ///     CacheKey::session("my-sso"),
    ///     Endpoint::new("us-east-1")?,
    /// );
    /// let client = ReqwestClient::new()?;
    /// let token = session.token(&client).await?;
    /// # let _ = token.access_token().expose_secret();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`SessionError::NotLoggedIn`], [`SessionError::Cache`], or
    /// [`SessionError::LoginAgain`] when the token has expired and could not be
    /// refreshed.
    pub async fn token(&self, client: &crate::ReqwestClient) -> Result<CachedToken, SessionError> {
        let failures = self.failures();
        let token = self.load()?;
        let (_in_process, lock) = match self.step(token, SystemTime::now()) {
            Step::Use(token) => return Ok(token),
            Step::RefreshIfFree(token) => {
                let Ok(gate) = self.refreshing_async.try_lock() else {
                    return Ok(token);
                };
                match self.try_lock() {
                    Ok(Some(file)) => (gate, file),
                    Ok(None) => return Ok(token),
                    Err(err) => return self.without_refresh(token, err),
                }
            }
            Step::RefreshAndWait(token) => match self.wait_async().await {
                Ok(locked) => locked,
                Err(err) => return self.without_lock(token, err),
            },
        };
        let now = SystemTime::now();
        let (token, request) = self.under_lock(now, failures)?;
        let Some(request) = request else {
            return Ok(token);
        };
        self.refresh_of(token, now)
            .detached(
                lock,
                request,
                client.clone(),
                self.endpoint.clone(),
                self.resend(),
                self.memory.clone(),
            )
            .await
    }
}

#[cfg(feature = "reqwest")]
impl Refresh {
    /// Sends the refresh, settles it and records it in the session's
    /// `memory` on a tokio task of its own, holding the file `lock` until the
    /// end: a caller dropped while the request is out (under a timeout, say)
    /// does not lose the answer, whose refresh token may be the only one the
    /// service still takes (stored, or kept in memory when the cache cannot
    /// store it). Outside a tokio runtime it runs in the caller (where
    /// reqwest, which needs one, fails as it would without this task).
    async fn detached(
        self,
        lock: File,
        request: CreateToken<RefreshToken>,
        client: crate::ReqwestClient,
        endpoint: Endpoint,
        resend: crate::send::retry::Resend,
        memory: Arc<Memory>,
    ) -> Result<CachedToken, SessionError> {
        // Kept for a task that never ends (its runtime shut down first).
        let token = self.token.clone();
        let recorded = memory.clone();
        let work = async move {
            let answer =
                crate::send::retry::retried(resend, || request.send(&client, &endpoint)).await;
            let done = memory.record(self.settle(answer));
            drop(lock);
            done
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return work.await;
        };
        match runtime.spawn(work).await {
            Ok(done) => done,
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            Err(_) => recorded.record(Settled::Failed {
                token,
                err: Box::new(ShutDown),
            }),
        }
    }
}

/// The runtime shut down before the refresh's task ended.
#[cfg_attr(not(feature = "reqwest"), allow(dead_code))]
#[derive(Debug)]
struct ShutDown;

impl fmt::Display for ShutDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the refresh was cut short: its runtime shut down")
    }
}

impl Error for ShutDown {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lock wait too long to be an `Instant` has no end (no overflow); a
    /// zero one tries once.
    #[test]
    fn a_lock_wait_of_any_length_is_taken() {
        let mut endless = Backoff::new(Duration::MAX);
        let pauses: Vec<_> = (0..6).map(|_| endless.next_pause()).collect();
        assert_eq!(
            pauses,
            [5, 10, 20, 40, 50, 50].map(|ms| Some(Duration::from_millis(ms)))
        );
        assert_eq!(Backoff::new(Duration::ZERO).next_pause(), None);
    }

    /// The rest after a refresh is a minute in both windows: the
    /// decision at 59 s still goes on with the token, at 61 s it refreshes
    /// again; an expired token never rests.
    #[test]
    fn a_failed_refresh_rests_one_minute_while_the_token_is_unexpired() {
        let session = SsoSession::new(
            TokenCache::new("/nonexistent"),
            CacheKey::session("dev"),
            Endpoint::new("us-east-1").unwrap(),
        );
        let failed_at = SystemTime::now();
        let token = |left: u64| {
            CachedToken::builder()
                .access_token("a")
                .expires_at(failed_at + Duration::from_secs(left))
                .build()
                .unwrap()
        };
        session.set_last_attempt(Some(failed_at));
        let at = |secs| failed_at + Duration::from_secs(secs);
        assert!(matches!(session.step(token(720), at(59)), Step::Use(_)));
        assert!(matches!(
            session.step(token(720), at(61)),
            Step::RefreshIfFree(_)
        ));
        // The mandatory window rests too, while the token is unexpired.
        assert!(matches!(session.step(token(300), at(59)), Step::Use(_)));
        assert!(matches!(
            session.step(token(300), at(61)),
            Step::RefreshAndWait(_)
        ));
        // An expired token is always tried.
        assert!(matches!(
            session.step(token(0), at(1)),
            Step::RefreshAndWait(_)
        ));
        session.set_last_attempt(None);
        assert!(matches!(
            session.step(token(720), at(1)),
            Step::RefreshIfFree(_)
        ));
    }
}
