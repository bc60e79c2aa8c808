//! Sending again what failed in a way that sending again can help, as the
//! AWS CLI's standard retry mode does: the login's requests, the session's
//! refresh, the portal's `Logout` and `GetRoleCredentials`.

use std::time::Duration;

use crate::SendError;

/// How many times a login or a refresh sends each of its requests at most,
/// while it fails in a way that sending again can help
/// ([`SendError::is_retryable`]: a transport failure, a 500/502/503/504 or an
/// unreadable 5xx, throttling): the
/// 3 attempts of the AWS CLI's standard retry mode.
const ATTEMPTS: u32 = 3;

/// The pause before the `retry`th retry (from 1): a random part of
/// 2^(`retry` - 1) seconds ("full jitter", as the SDKs' standard retry mode).
fn retry_pause(retry: u32) -> Duration {
    let mut random = [0u8; 2];
    let part = if getrandom::fill(&mut random).is_ok() {
        f64::from(u16::from_le_bytes(random)) / 65_536.0
    } else {
        0.5
    };
    Duration::from_secs_f64(part * f64::from(1u32 << retry.saturating_sub(1).min(4)))
}

/// What may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resend {
    /// A request that may be sent twice (a registration, a device
    /// authorization): again after any failure that sending again can help.
    Retryable,
    /// A one-shot grant (an authorization code, a refresh token): again only
    /// when the service certainly did not take it (the connection was never
    /// made, or it answered that it was throttled or unavailable), and only
    /// within `budget` of the first send. A grant it may have taken is not
    /// sent again: a used code or a rotated refresh token would be refused,
    /// and reusing a code may revoke what it gave (RFC 6749 section 4.1.2).
    #[cfg_attr(not(feature = "cache"), allow(dead_code))]
    OneShot {
        /// No new attempt starts this long after the first.
        budget: std::time::Duration,
    },
}

impl Resend {
    /// Whether `err`, after attempts that began at `started`, is sent again.
    fn again(self, err: &SendError, started: std::time::Instant) -> bool {
        match self {
            Self::Retryable => err.is_retryable(),
            Self::OneShot { budget } => err.certainly_not_taken() && started.elapsed() < budget,
        }
    }
}

/// `send`, again after a pause while `resend` says so, [`ATTEMPTS`] times at
/// most.
#[cfg(feature = "ureq")]
pub(crate) fn retried_blocking<T>(
    resend: Resend,
    send: impl FnMut() -> Result<T, SendError>,
) -> Result<T, SendError> {
    let started = std::time::Instant::now();
    again_while_blocking(
        send,
        |done| matches!(done, Err(err) if resend.again(err, started)),
    )
}

/// As [`retried_blocking`], pausing on tokio's clock.
#[cfg(feature = "reqwest")]
pub(crate) async fn retried<T, F>(resend: Resend, send: impl FnMut() -> F) -> Result<T, SendError>
where
    F: std::future::Future<Output = Result<T, SendError>>,
{
    let started = std::time::Instant::now();
    again_while(
        send,
        |done| matches!(done, Err(err) if resend.again(err, started)),
    )
    .await
}

/// `send`, again after a pause while `again` says so of what it gave,
/// [`ATTEMPTS`] times at most.
#[cfg(feature = "ureq")]
pub(crate) fn again_while_blocking<T>(
    mut send: impl FnMut() -> T,
    mut again: impl FnMut(&T) -> bool,
) -> T {
    let mut retry = 0;
    loop {
        let done = send();
        if retry + 1 >= ATTEMPTS || !again(&done) {
            return done;
        }
        retry += 1;
        std::thread::sleep(retry_pause(retry));
    }
}

/// As [`again_while_blocking`], pausing on tokio's clock.
#[cfg(feature = "reqwest")]
pub(crate) async fn again_while<T, F>(
    mut send: impl FnMut() -> F,
    mut again: impl FnMut(&T) -> bool,
) -> T
where
    F: std::future::Future<Output = T>,
{
    let mut retry = 0;
    loop {
        let done = send().await;
        if retry + 1 >= ATTEMPTS || !again(&done) {
            return done;
        }
        retry += 1;
        tokio::time::sleep(retry_pause(retry)).await;
    }
}
