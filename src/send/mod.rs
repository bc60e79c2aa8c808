//! Sending in one call, with the HTTP client a caller already has: `reqwest`
//! (async, feature `reqwest`), `ureq` (blocking, feature `ureq`), or the AWS SDK
//! (feature `aws-sdk`). One error type for all of them.
//!
//! What is wiped on these roads: the request body travels as a `Bytes` whose
//! owner wipes it when the client drops its last reference (`reqwest`), or is
//! lent to the client by reference (`ureq`); the answer's body is read into a
//! buffer this crate wipes after parsing (when the client hands it over
//! unshared). What is not: the client's own connection and TLS buffers.

#[cfg(feature = "aws-sdk")]
mod aws_sdk;
#[cfg(feature = "reqwest")]
pub(crate) mod reqwest;
#[cfg(feature = "credentials")]
pub(crate) use self::reqwest::exchange;
#[cfg(feature = "reqwest")]
pub use self::reqwest::ReqwestClient;
#[cfg(feature = "ureq")]
pub(crate) mod ureq;

#[cfg(all(
    any(feature = "cache", feature = "portal"),
    any(feature = "ureq", feature = "reqwest")
))]
pub(crate) mod retry;

use std::fmt;

use crate::ResponseError;

/// Whether a request to `scheme://host` goes to this machine unencrypted:
/// plain `http` to the loopback interface's IP literal (`127.0.0.1`, `[::1]`:
/// the crate's one rule for plain http, `is_loopback_literal_authority`).
/// Such a request is sent directly, never through a proxy: a proxy (the
/// client's, or one from `HTTP_PROXY`/`ALL_PROXY`) would carry it unencrypted
/// across the network to a loopback of the proxy's own.
#[cfg(any(feature = "reqwest", feature = "ureq"))]
pub(crate) fn plain_http_to_loopback(scheme: &str, host: Option<&str>) -> bool {
    scheme.eq_ignore_ascii_case("http")
        && host
            .is_some_and(|host| crate::validation::is_loopback_literal_authority(host.as_bytes()))
}

/// Why a request sent in one call did not give its success response.
///
/// Its `Display` says which of these it is; the cause, for a transport or SDK
/// failure, is its [`source`](std::error::Error::source). To log the whole
/// chain (no part of it holds a secret: the service's texts are shown
/// escaped, and a signature refusal's quote of the signed request, whose
/// `x-amz-security-token` line holds the session token, is cut from them as
/// they are read):
///
/// ```
/// use std::error::Error;
///
/// fn report(err: &dyn Error) -> String {
///     let mut text = err.to_string();
///     let mut cause = err.source();
///     while let Some(next) = cause {
///         text.push_str(": ");
///         text.push_str(&next.to_string());
///         cause = next.source();
///     }
///     text
/// }
///
/// let err = ssooidc_token::SendError::Transport("connection reset by peer".into());
/// assert_eq!(report(&err), "the HTTP request failed: connection reset by peer");
/// assert!(err.is_retryable());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// The service answered, but not with success: it refused (OAuth or STS
    /// error), or its answer could not be read.
    Response(ResponseError),
    /// The request could not be signed.
    #[cfg(feature = "sigv4")]
    Sign(crate::SignError),
    /// The HTTP client failed before there was an answer: connection, timeout,
    /// TLS, a request it would not send.
    Transport(Box<dyn std::error::Error + Send + Sync>),
    /// The answer was a redirect (a 3xx status), which was not followed: a
    /// followed redirect would carry the request's signature, session token and
    /// body to another host. Its body is not read. The service itself does not
    /// redirect: check the endpoint, or a proxy in between.
    Redirected {
        /// The HTTP status of the answer.
        status: u16,
    },
    /// The SDK failed before or without a service answer (feature `aws-sdk`).
    #[cfg(feature = "aws-sdk")]
    Sdk(Box<dyn std::error::Error + Send + Sync>),
}

impl SendError {
    /// The service's answer, if there was one that was not a success.
    #[must_use]
    pub fn response_error(&self) -> Option<&ResponseError> {
        match self {
            Self::Response(err) => Some(err),
            _ => None,
        }
    }

    /// Whether sending again (later) can help: the service's verdict on its
    /// answer; for a transport failure, yes unless the client refused the
    /// request as it stands (a `reqwest` builder, redirect or decoding error;
    /// a `ureq` error other than a connection, name lookup, timeout, I/O or
    /// protocol failure: a URI or proxy it will not use, TLS it was not built
    /// with), which sending again repeats.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Response(err) => err.is_retryable(),
            Self::Transport(err) => transport_is_retryable(&**err),
            _ => false,
        }
    }

    /// Whether the service certainly did not take the request: the
    /// connection was never made (a `reqwest` connect error; `ureq`'s
    /// connection failed or host not found), or it answered that it was
    /// throttled (429, a throttling code) or unavailable (503). A one-shot
    /// grant is sent again only then.
    #[cfg_attr(
        not(all(feature = "cache", any(feature = "ureq", feature = "reqwest"))),
        allow(dead_code)
    )]
    pub(crate) fn certainly_not_taken(&self) -> bool {
        match self {
            Self::Response(err) => {
                matches!(err.status(), 429 | 503)
                    || err
                        .token_error()
                        .is_some_and(crate::TokenError::is_throttling)
            }
            Self::Transport(err) => {
                #[cfg(feature = "reqwest")]
                if let Some(err) = err.downcast_ref::<::reqwest::Error>() {
                    return err.is_connect();
                }
                #[cfg(feature = "ureq")]
                if let Some(err) = err.downcast_ref::<::ureq::Error>() {
                    return matches!(
                        err,
                        ::ureq::Error::ConnectionFailed | ::ureq::Error::HostNotFound
                    );
                }
                let _ = err;
                false
            }
            _ => false,
        }
    }
}

/// See [`SendError::is_retryable`]: an error of another client is taken as
/// retryable.
fn transport_is_retryable(err: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    #[cfg(feature = "reqwest")]
    if let Some(err) = err.downcast_ref::<::reqwest::Error>() {
        // Not `is_decode`: reqwest reports a body cut short, or timed out,
        // as a decoding error.
        return !(err.is_builder() || err.is_redirect());
    }
    #[cfg(feature = "ureq")]
    if let Some(err) = err.downcast_ref::<::ureq::Error>() {
        return matches!(
            err,
            ::ureq::Error::Io(_)
                | ::ureq::Error::Timeout(_)
                | ::ureq::Error::HostNotFound
                | ::ureq::Error::ConnectionFailed
                | ::ureq::Error::Protocol(_)
                | ::ureq::Error::BodyStalled
                | ::ureq::Error::ConnectProxyFailed(_)
        );
    }
    let _ = err;
    true
}

/// The service's answer and a signing error show as themselves (their sources
/// are theirs); a transport or SDK failure says which, and its cause is the
/// [`source`](std::error::Error::source).
impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Response(err) => write!(f, "{err}"),
            #[cfg(feature = "sigv4")]
            Self::Sign(err) => write!(f, "{err}"),
            Self::Transport(_) => f.write_str("the HTTP request failed"),
            Self::Redirected { status } => write!(
                f,
                "the endpoint answered with a redirect (HTTP {status}), which was not followed: it would carry the request's secrets to another host"
            ),
            #[cfg(feature = "aws-sdk")]
            Self::Sdk(_) => f.write_str("aws-sdk-ssooidc failed"),
        }
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Response(err) => std::error::Error::source(err),
            #[cfg(feature = "sigv4")]
            Self::Sign(err) => std::error::Error::source(err),
            Self::Transport(err) => Some(&**err),
            Self::Redirected { .. } => None,
            #[cfg(feature = "aws-sdk")]
            Self::Sdk(err) => Some(&**err),
        }
    }
}

impl From<ResponseError> for SendError {
    fn from(err: ResponseError) -> Self {
        Self::Response(err)
    }
}

#[cfg(feature = "sigv4")]
impl From<crate::SignError> for SendError {
    fn from(err: crate::SignError) -> Self {
        Self::Sign(err)
    }
}

/// A refusal is signed again when the skew its `Date` shows is further than
/// this from the one it was signed with: SigV4 allows 5 minutes, and the SDK's
/// clients sign again past 4.
#[cfg(any(feature = "reqwest", feature = "ureq"))]
const SKEW_THRESHOLD: std::time::Duration = std::time::Duration::from_secs(4 * 60);

/// A skew measured over a longer round trip than this is not trusted (the
/// SDK's limit).
#[cfg(any(feature = "reqwest", feature = "ureq"))]
const SKEW_ROUND_TRIP_LIMIT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The skew a successful answer's `Date` (`server`) shows for a request
/// signed with `signed_with`, sent at `sent` and answered at `received`:
/// `None` without a `Date`, after a round trip over 30 s (the middle of the
/// round trip, where the service is taken to have dated its answer, would be
/// more than 15 s off), or when it is further from `signed_with` than SigV4
/// lets a signature be (5 minutes, and the round trip): the service took the
/// signature, so such a measure is wrong (a `Date` set by a proxy, say).
#[cfg(feature = "credentials")]
pub(crate) fn skew_of_answer(
    server: Option<std::time::SystemTime>,
    signed_with: crate::time::ClockSkew,
    sent: std::time::SystemTime,
    received: std::time::SystemTime,
) -> Option<crate::time::ClockSkew> {
    const ROUND_TRIP: std::time::Duration = std::time::Duration::from_secs(30);
    const SIGV4_WINDOW: std::time::Duration = std::time::Duration::from_secs(5 * 60);
    let round_trip = received.duration_since(sent).unwrap_or_default();
    server
        .filter(|_| round_trip <= ROUND_TRIP)
        .map(|server| crate::time::ClockSkew::measured(server, sent, received))
        .filter(|measured| measured.distance(signed_with) <= SIGV4_WINDOW + round_trip)
}

/// The skew to sign again with, when `result` is a refusal the SDKs read as a
/// request signed at the wrong time: a clock-skew code, and a `Date` (not from
/// a cache) that shows a skew more than 4 minutes from `signed_with`, measured
/// against the middle of the round trip from `sent` to `received` (this
/// clock). As `aws-runtime`'s clock-skew interceptor and retry classifier.
#[cfg(any(feature = "reqwest", feature = "ureq"))]
pub(crate) fn skew_to_correct<T>(
    result: &Result<T, SendError>,
    signed_with: crate::time::ClockSkew,
    sent: std::time::SystemTime,
    received: std::time::SystemTime,
) -> Option<crate::time::ClockSkew> {
    let Err(SendError::Response(err)) = result else {
        return None;
    };
    let round_trip = received.duration_since(sent).unwrap_or_default();
    err.server_date()
        .filter(|_| err.may_be_clock_skew() && round_trip <= SKEW_ROUND_TRIP_LIMIT)
        .map(|server| crate::time::ClockSkew::measured(server, sent, received))
        .filter(|measured| measured.distance(signed_with) > SKEW_THRESHOLD)
}

/// The largest answer read.
#[cfg(any(feature = "reqwest", feature = "ureq"))]
pub(crate) const ANSWER_LIMIT: usize = crate::error::MAX_READ;

/// An answer's body, read into zeroizing memory. It starts at the announced
/// length; when it must grow, the bytes move to a buffer twice the size and the
/// old one is wiped before it is freed (a `Vec` growing by itself would free it
/// unwiped).
#[cfg(any(feature = "reqwest", feature = "ureq"))]
pub(crate) struct AnswerBuffer(zeroize::Zeroizing<Vec<u8>>);

#[cfg(any(feature = "reqwest", feature = "ureq"))]
impl AnswerBuffer {
    pub(crate) fn new(announced: Option<u64>) -> Self {
        let capacity = announced
            .and_then(|len| usize::try_from(len).ok())
            .unwrap_or(0)
            .min(ANSWER_LIMIT);
        Self(zeroize::Zeroizing::new(Vec::with_capacity(capacity)))
    }

    /// Appends `bytes`; `false` once the answer would pass [`ANSWER_LIMIT`].
    pub(crate) fn push(&mut self, bytes: &[u8]) -> bool {
        let needed = self.0.len() + bytes.len();
        if needed > ANSWER_LIMIT {
            return false;
        }
        if needed > self.0.capacity() {
            let capacity = needed.max(self.0.capacity() * 2).min(ANSWER_LIMIT);
            let mut grown = zeroize::Zeroizing::new(Vec::with_capacity(capacity));
            grown.extend_from_slice(&self.0);
            // The old buffer is wiped as it drops here.
            self.0 = grown;
        }
        self.0.extend_from_slice(bytes);
        true
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A probe's answer: its status, and its first `Location` header as sent (a
/// value that is not UTF-8 comes back with replacement characters, which the
/// start URL's checks then refuse).
#[cfg(all(feature = "login", any(feature = "ureq", feature = "reqwest")))]
pub(crate) fn status_and_location(
    (status, headers): (http::StatusCode, http::HeaderMap),
) -> (u16, Option<String>) {
    let location = headers
        .get(http::header::LOCATION)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    (status.as_u16(), location)
}

/// An answer larger than this crate reads: unreadable, with its status kept.
#[cfg(any(feature = "reqwest", feature = "ureq"))]
pub(crate) fn too_large(status: u16) -> SendError {
    SendError::Response(ResponseError::new(crate::ResponseErrorKind::Unreadable(
        crate::UnexpectedResponse::new(
            status,
            crate::ParseError::syntax(crate::Syntax::TooLarge, ANSWER_LIMIT),
            crate::oauth_error::Expected::Answer,
        ),
    )))
}

/// How an answer is read: status, headers, and the body still in its
/// zeroizing [`AnswerBuffer`]. A closure, so that a reader can hold state (the
/// device poller hands each answer to `on_response`).
#[cfg(any(feature = "reqwest", feature = "ureq"))]
pub(crate) trait Read<T>:
    FnOnce(u16, &http::HeaderMap, &[u8]) -> Result<T, ResponseError>
{
}

#[cfg(any(feature = "reqwest", feature = "ureq"))]
impl<T, F: FnOnce(u16, &http::HeaderMap, &[u8]) -> Result<T, ResponseError>> Read<T> for F {}

/// Reads an answer of the OIDC service: the success type, the OAuth error (or
/// the `x-amzn-ErrorType` header's), or unreadable; keeps the request id.
#[cfg(any(feature = "reqwest", feature = "ureq"))]
pub(crate) fn read_json<T: crate::response_error::JsonAnswer>(
    status: u16,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<T, ResponseError> {
    let headers = crate::response_error::amzn_headers(headers);
    crate::response_error::read_json(status, body, headers.error_type, T::parse)
        .map_err(|e| e.with_headers(&headers))
}

#[cfg(all(feature = "sts", any(feature = "reqwest", feature = "ureq")))]
pub(crate) fn read_sts(
    status: u16,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<crate::sts::AssumeRoleResponse, ResponseError> {
    let headers = crate::response_error::amzn_headers(headers);
    crate::sts::AssumeRoleResponse::from_http(status, body)
        .map(|answer| answer.with_headers(&headers))
        .map_err(|e| e.with_headers(&headers))
}

#[cfg(all(test, feature = "credentials"))]
mod skew_tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::skew_of_answer;
    use crate::time::ClockSkew;

    /// A success's `Date` teaches the skew, unless the round trip is too
    /// long to date it, or the skew is one SigV4 would not have let through.
    #[test]
    fn a_success_teaches_the_skew_within_what_sigv4_lets_through() {
        let sent = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let at = |ahead: u64, rtt: u64| {
            let received = sent + Duration::from_secs(rtt);
            let server = sent + Duration::from_secs(rtt / 2 + ahead);
            skew_of_answer(Some(server), ClockSkew::default(), sent, received)
        };
        let three_minutes = at(180, 2).expect("learned");
        assert_eq!(
            three_minutes.to_service(sent),
            sent + Duration::from_secs(180)
        );
        assert!(at(0, 2).is_some());
        // A skew SigV4 would have refused (10 minutes): a wrong `Date`.
        assert_eq!(at(600, 2), None);
        // A round trip of a minute: too long to date anything by.
        assert_eq!(at(180, 60), None);
        // No `Date`.
        assert_eq!(skew_of_answer(None, ClockSkew::default(), sent, sent), None);
    }
}

#[cfg(all(test, any(feature = "reqwest", feature = "ureq")))]
mod tests {
    use super::{plain_http_to_loopback, AnswerBuffer, ANSWER_LIMIT};

    #[test]
    fn only_plain_http_to_a_loopback_ip_literal_skips_proxies() {
        for (scheme, host, direct) in [
            ("http", Some("127.0.0.1"), true),
            ("HTTP", Some("127.0.0.1"), true),
            ("http", Some("127.0.0.2"), false),
            ("http", Some("127.0.0.1.example"), false),
            ("http", Some("[::1]"), true),
            ("https", Some("127.0.0.1"), false),
            ("http", Some("localhost"), false),
            ("http", Some("10.0.0.1"), false),
            ("http", Some("[::ffff:127.0.0.1]"), false),
            ("http", Some("sso-proxy.internal"), false),
            ("http", None, false),
        ] {
            assert_eq!(
                plain_http_to_loopback(scheme, host),
                direct,
                "{scheme} {host:?}"
            );
        }
    }

    #[test]
    fn the_answer_buffer_grows_by_moving_and_stops_at_the_limit() {
        let mut buffer = AnswerBuffer::new(Some(4));
        assert!(buffer.push(b"abcd"));
        assert_eq!(buffer.0.capacity(), 4);
        assert!(buffer.push(b"efghij"));
        assert_eq!(buffer.bytes(), b"abcdefghij");
        assert!(buffer.0.capacity() >= 10);
        let mut big = AnswerBuffer::new(Some(u64::MAX));
        assert_eq!(big.0.capacity(), ANSWER_LIMIT);
        assert!(big.push(&vec![0u8; ANSWER_LIMIT]));
        assert!(!big.push(b"x"), "one byte past the limit is refused");
        assert_eq!(big.bytes().len(), ANSWER_LIMIT);
    }
}
