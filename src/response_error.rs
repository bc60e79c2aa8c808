//! From an HTTP answer to a typed result: the success type, or why not.

use std::fmt;
use std::time::SystemTime;

use crate::oauth_error::{ErrorCode, Expected};
use crate::{
    CreateTokenResponse, CreateTokenWithIamResponse, ParseError, TokenError, UnexpectedResponse,
};

/// Why an HTTP answer is not the success the caller wanted: the service refused
/// (an OAuth error, or with feature `sts` an STS error), or the answer could not
/// be read. The HTTP status is kept; an unreadable body is never echoed; a
/// refusal's own texts (its code, description or message) are the service's,
/// shown with control characters escaped so that they cannot forge log lines;
/// the request id is kept when the answer's headers were seen
/// (`from_http_response`).
///
/// ```
/// use ssooidc_token::{CreateTokenWithIamResponse, ErrorCode, ResponseErrorKind};
///
/// let err = CreateTokenWithIamResponse::from_http(400, br#"{"error":"invalid_grant"}"#).unwrap_err();
/// assert_eq!(err.status(), 400);
/// assert_eq!(err.token_error().map(|e| e.code()), Some(&ErrorCode::InvalidGrant));
/// assert!(!err.is_retryable());
///
/// let proxy = CreateTokenWithIamResponse::from_http(502, b"<html>Bad Gateway</html>").unwrap_err();
/// assert!(matches!(proxy.kind(), ResponseErrorKind::Unreadable(_)));
/// assert!(!proxy.to_string().contains("Bad Gateway"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    // Boxed: a `Result<_, ResponseError>` stays small on the success path.
    kind: Box<ResponseErrorKind>,
    request_id: Option<String>,
    server_date: Option<SystemTime>,
}

/// What a [`ResponseError`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseErrorKind {
    /// The token endpoint refused with an OAuth error.
    Token(TokenError),
    /// STS refused (feature `sts`).
    #[cfg(feature = "sts")]
    Sts(crate::sts::StsError),
    /// The answer is neither the success nor an error body the service sends (a
    /// proxy's HTML page, an empty or truncated body). Its status is kept, its
    /// body never shown; why it could not be read is the error's source.
    Unreadable(UnexpectedResponse),
}

impl ResponseError {
    pub(crate) fn new(kind: ResponseErrorKind) -> Self {
        Self {
            kind: Box::new(kind),
            request_id: None,
            server_date: None,
        }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ResponseErrorKind {
        &self.kind
    }

    /// The HTTP status of the answer.
    #[must_use]
    pub fn status(&self) -> u16 {
        match &*self.kind {
            ResponseErrorKind::Token(err) => err.status(),
            #[cfg(feature = "sts")]
            ResponseErrorKind::Sts(err) => err.status(),
            ResponseErrorKind::Unreadable(err) => err.status(),
        }
    }

    /// The OAuth error, if the token endpoint refused.
    #[must_use]
    pub fn token_error(&self) -> Option<&TokenError> {
        match &*self.kind {
            ResponseErrorKind::Token(err) => Some(err),
            _ => None,
        }
    }

    /// The `x-amzn-RequestId` header of the answer (or, for STS, its
    /// `RequestId` element), when known: what AWS support asks for.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        #[cfg(feature = "sts")]
        if let ResponseErrorKind::Sts(err) = &*self.kind {
            if self.request_id.is_none() {
                return err.request_id();
            }
        }
        self.request_id.as_deref()
    }

    /// The service's clock when it answered: the `Date` header, when the
    /// answer was read with its headers (the crate's `send` calls and
    /// `from_http_response`), the header is an HTTP-date, and the answer did
    /// not come from a cache (no `Age` header), as the SDK reads it. Compare it with your clock when a signature is refused
    /// ([`may_be_clock_skew`](Self::may_be_clock_skew)): SigV4 refuses a
    /// request signed more than 5 minutes from the service's clock.
    #[must_use]
    pub fn server_date(&self) -> Option<SystemTime> {
        self.server_date
    }

    /// Whether the refusal's code is one the AWS SDKs read as a request
    /// signed at the wrong time: `InvalidSignatureException`,
    /// `SignatureDoesNotMatch`, `RequestExpired`, `RequestInTheFuture`,
    /// `RequestTimeTooSkewed`, `AuthFailure`, or access denied (which some
    /// services answer). Each has other causes too: the clock is wrong only
    /// when [`server_date`](Self::server_date) is more than 4 minutes from
    /// the time the request was signed at (SigV4 allows 5), best measured
    /// against the middle of the round trip. That is how the SDKs, and this
    /// crate's `send` calls and credentials provider, tell; they then sign
    /// again at the service's time, once.
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use std::time::{Duration, SystemTime};
    /// use ssooidc_token::CreateTokenWithIamResponse;
    ///
    /// let answer = http::Response::builder()
    ///     .status(400)
    ///     .header("x-amzn-ErrorType", "InvalidSignatureException")
    ///     .header("Date", "Thu, 03 Dec 2026 15:30:00 GMT")
    ///     .body(br#"{"message":"Signature expired"}"#.as_slice())
    ///     .unwrap();
    /// let err = CreateTokenWithIamResponse::from_http_response(&answer).unwrap_err();
    /// assert!(err.may_be_clock_skew());
    /// let signed_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_311_200); // 15:20:00
    /// let skew = err.server_date().unwrap().duration_since(signed_at).unwrap();
    /// assert_eq!(skew, Duration::from_secs(600)); // sign again at your clock + 10 minutes
    /// # }
    /// ```
    #[must_use]
    pub fn may_be_clock_skew(&self) -> bool {
        const CODES: [&str; 6] = [
            "InvalidSignatureException",
            "SignatureDoesNotMatch",
            "RequestExpired",
            "RequestInTheFuture",
            "RequestTimeTooSkewed",
            "AuthFailure",
        ];
        match &*self.kind {
            ResponseErrorKind::Token(err) => {
                *err.code() == ErrorCode::AccessDenied || CODES.contains(&err.code().as_str())
            }
            #[cfg(feature = "sts")]
            ResponseErrorKind::Sts(err) => {
                err.code() == "AccessDenied" || CODES.contains(&err.code())
            }
            ResponseErrorKind::Unreadable(_) => false,
        }
    }

    /// Whether sending again (later) can help: the service's own verdict for
    /// OAuth and STS errors; any 5xx or 429 for an unreadable answer.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match &*self.kind {
            ResponseErrorKind::Token(err) => err.is_retryable(),
            #[cfg(feature = "sts")]
            ResponseErrorKind::Sts(err) => err.is_retryable(),
            ResponseErrorKind::Unreadable(err) => err.status() >= 500 || err.status() == 429,
        }
    }

    /// Keeps what the answer's headers say of it: its request id, and the
    /// service's clock.
    #[cfg(feature = "http")]
    pub(crate) fn with_headers(mut self, headers: &AmznHeaders<'_>) -> Self {
        self.request_id = headers.request_id.map(str::to_owned);
        self.server_date = headers.server_date();
        self
    }
}

/// The service's own error shows as itself; an unreadable answer shows its
/// status, and what made it unreadable is the [`source`](std::error::Error::source).
impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            ResponseErrorKind::Token(err) => write!(f, "{err}"),
            #[cfg(feature = "sts")]
            ResponseErrorKind::Sts(err) => write!(f, "{err}"),
            ResponseErrorKind::Unreadable(err) => write!(f, "{err}"),
        }?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", crate::error::ServerText(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for ResponseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.kind {
            // Shown as itself: the service's error is not a cause but the answer.
            ResponseErrorKind::Token(_) => None,
            #[cfg(feature = "sts")]
            ResponseErrorKind::Sts(_) => None,
            ResponseErrorKind::Unreadable(err) => std::error::Error::source(err),
        }
    }
}

/// Reads a JSON answer of the OIDC service: the success type on 2xx, else the
/// OAuth error body; `error_type` is the `x-amzn-ErrorType` header, used when
/// the body does not name the error.
pub(crate) fn read_json<T>(
    status: u16,
    body: &[u8],
    error_type: Option<&str>,
    parse: impl FnOnce(&[u8]) -> Result<T, ParseError>,
) -> Result<T, ResponseError> {
    read_json_as(status, body, error_type, parse, Expected::OidcSuccess)
}

/// [`read_json`] for a service speaking as the OIDC service does (AWS JSON
/// errors named by `x-amzn-ErrorType` or the body), whose success is
/// `expected`.
pub(crate) fn read_json_as<T>(
    status: u16,
    body: &[u8],
    error_type: Option<&str>,
    parse: impl FnOnce(&[u8]) -> Result<T, ParseError>,
    expected: Expected,
) -> Result<T, ResponseError> {
    if (200..300).contains(&status) {
        return parse(body).map_err(|reason| {
            ResponseError::new(ResponseErrorKind::Unreadable(UnexpectedResponse::new(
                status, reason, expected,
            )))
        });
    }
    let header_code = error_type.and_then(ErrorCode::from_error_type);
    let kind = match TokenError::with_header_code(status, body, header_code) {
        Ok(err) => ResponseErrorKind::Token(err),
        Err(unreadable) if expected == Expected::PortalSuccess => {
            ResponseErrorKind::Unreadable(unreadable.expecting(Expected::PortalError))
        }
        Err(unreadable) => ResponseErrorKind::Unreadable(unreadable),
    };
    Err(ResponseError::new(kind))
}

/// A success answer of the OIDC service, read from its JSON body.
#[cfg(any(feature = "reqwest", feature = "ureq"))]
pub(crate) trait JsonAnswer: Sized {
    fn parse(body: &[u8]) -> Result<Self, ParseError>;
}

macro_rules! from_http {
    ($ty:ty, $doc_name:literal) => {
        #[cfg(any(feature = "reqwest", feature = "ureq"))]
        impl JsonAnswer for $ty {
            fn parse(body: &[u8]) -> Result<Self, ParseError> {
                Self::from_json(body)
            }
        }

        impl $ty {
            #[doc = concat!("Reads an HTTP answer of ", $doc_name, ": the response on a 2xx status, else the OAuth error")]
            /// body ([`ResponseErrorKind::Token`]); anything unreadable is
            /// [`ResponseErrorKind::Unreadable`], with the status kept and the body
            /// never echoed.
            ///
            /// # Errors
            /// [`ResponseError`], as above.
            pub fn from_http(status: u16, body: &[u8]) -> Result<Self, ResponseError> {
                read_json(status, body, None, Self::from_json)
            }

            /// As [`from_http`](Self::from_http), from an [`http::Response`]
            /// (feature `http`): also keeps the `x-amzn-RequestId` header, and
            /// uses `x-amzn-ErrorType` (the part before `:`, without a `namespace#` prefix) when the body does not
            /// name the error.
            ///
            /// # Errors
            /// [`ResponseError`], as for `from_http`.
            #[cfg(feature = "http")]
            pub fn from_http_response<B: AsRef<[u8]>>(
                response: &http::Response<B>,
            ) -> Result<Self, ResponseError> {
                let headers = crate::response_error::amzn_headers(response.headers());
                read_json(
                    response.status().as_u16(),
                    response.body().as_ref(),
                    headers.error_type,
                    Self::from_json,
                )
                .map_err(|e| e.with_headers(&headers))
            }
        }
    };
}

from_http!(CreateTokenWithIamResponse, "`CreateTokenWithIAM`");
from_http!(CreateTokenResponse, "`CreateToken`");
#[cfg(feature = "login")]
from_http!(crate::login::RegisterClientResponse, "`RegisterClient`");
#[cfg(feature = "login")]
from_http!(
    crate::login::StartDeviceAuthorizationResponse,
    "`StartDeviceAuthorization`"
);

/// The headers of an answer this crate reads, as text.
#[cfg(feature = "http")]
pub(crate) struct AmznHeaders<'a> {
    /// `x-amzn-ErrorType` (the part before `:`, without a `namespace#` prefix).
    pub(crate) error_type: Option<&'a str>,
    /// `x-amzn-RequestId`.
    pub(crate) request_id: Option<&'a str>,
    /// `Date`, as sent; `None` for an answer from a cache (with `Age`),
    /// whose `Date` is not the service's clock now.
    date: Option<&'a str>,
}

#[cfg(feature = "http")]
impl AmznHeaders<'_> {
    /// `Date`, read (IMF-fixdate only), if sent and not from a cache.
    pub(crate) fn server_date(&self) -> Option<std::time::SystemTime> {
        self.date
            .and_then(|date| crate::time::parse_http_date(date.as_bytes()))
    }
}

/// [`AmznHeaders`] of an `http` answer.
#[cfg(feature = "http")]
pub(crate) fn amzn_headers(headers: &http::HeaderMap) -> AmznHeaders<'_> {
    amzn_headers_by(
        |name| headers.get(name).and_then(|v| v.to_str().ok()),
        headers.contains_key(http::header::AGE),
    )
}

/// [`amzn_headers`] from any header map: `text` gives a header's value by its
/// lower-case name (the SDK's answers carry their own header type); `cached`
/// says the answer has an `Age` header (whatever its value).
#[cfg(feature = "http")]
pub(crate) fn amzn_headers_by<'a>(
    text: impl Fn(&str) -> Option<&'a str>,
    cached: bool,
) -> AmznHeaders<'a> {
    // As the SDK reads it: the part before `:`, and of that the part after
    // the first `#` (a namespace: `com.amazonaws.ssooidc#SlowDownException`).
    let error_type = text("x-amzn-errortype").map(|t| {
        let code = t.split(':').next().unwrap_or(t);
        code.split_once('#').map_or(code, |(_, name)| name).trim()
    });
    AmznHeaders {
        error_type,
        request_id: text("x-amzn-requestid"),
        date: text("date").filter(|_| !cached),
    }
}
