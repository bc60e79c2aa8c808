//! OAuth error bodies: what the token endpoint returns when it refuses a request.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{ParseError, ParseErrorKind};
use crate::json::Reader;

/// The `error` code of an OAuth error body (RFC 6749 section 5.2, RFC 8628 section
/// 3.5), with every code the SSO OIDC service documents.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `access_denied`: the user or the service refused.
    AccessDenied,
    /// `authorization_pending`: the user has not finished authorizing the device yet;
    /// poll again after the interval.
    AuthorizationPending,
    /// `expired_token`: the device code, or the token presented, has expired.
    ExpiredToken,
    /// `server_error`: the service failed (HTTP 500).
    ServerError,
    /// `invalid_client`: the client is unknown or its credentials are wrong (HTTP 401).
    InvalidClient,
    /// `invalid_grant`: the code, refresh token, assertion or subject token is invalid.
    InvalidGrant,
    /// `invalid_request`: the request is malformed or misses something.
    InvalidRequest,
    /// `invalid_scope`: a scope is not valid for the application.
    InvalidScope,
    /// `slow_down`: poll less often (RFC 8628: add 5 seconds to the interval).
    SlowDown,
    /// `unauthorized_client`: the client may not use this grant.
    UnauthorizedClient,
    /// `unsupported_grant_type`: the service does not support this grant.
    UnsupportedGrantType,
    /// A code this version of the crate does not know, kept as received.
    Unknown(String),
}

impl ErrorCode {
    /// The code `code` names, if this version knows it.
    fn known(code: &str) -> Option<Self> {
        Some(match code {
            "access_denied" => Self::AccessDenied,
            "authorization_pending" => Self::AuthorizationPending,
            "expired_token" => Self::ExpiredToken,
            "server_error" => Self::ServerError,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "invalid_request" => Self::InvalidRequest,
            "invalid_scope" => Self::InvalidScope,
            "slow_down" => Self::SlowDown,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            _ => return None,
        })
    }

    /// The code an `x-amzn-ErrorType` header (or a body's `__type` or `code`)
    /// stands for (`InvalidGrantException` is `invalid_grant`), read as the SDK
    /// reads it: the part before `:`, and of that the part after a
    /// `namespace#`. An exception name this crate does not know is kept as
    /// [`ErrorCode::Unknown`]. `None` for an empty name.
    pub(crate) fn from_error_type(name: &str) -> Option<Self> {
        let name = name.split(':').next().unwrap_or(name);
        let name = name.split_once('#').map_or(name, |(_, name)| name).trim();
        let code = match name {
            "" => return None,
            "AccessDeniedException" => Self::AccessDenied,
            "AuthorizationPendingException" => Self::AuthorizationPending,
            "ExpiredTokenException" => Self::ExpiredToken,
            "InternalServerException" => Self::ServerError,
            "InvalidClientException" => Self::InvalidClient,
            "InvalidGrantException" => Self::InvalidGrant,
            "InvalidRequestException" => Self::InvalidRequest,
            "InvalidScopeException" => Self::InvalidScope,
            "SlowDownException" => Self::SlowDown,
            "UnauthorizedClientException" => Self::UnauthorizedClient,
            "UnsupportedGrantTypeException" => Self::UnsupportedGrantType,
            other => Self::Unknown(other.to_owned()),
        };
        Some(code)
    }

    /// The code as sent on the wire.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::AccessDenied => "access_denied",
            Self::AuthorizationPending => "authorization_pending",
            Self::ExpiredToken => "expired_token",
            Self::ServerError => "server_error",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidScope => "invalid_scope",
            Self::SlowDown => "slow_down",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::Unknown(code) => code,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&crate::error::ServerText(self.as_str()), f)
    }
}

/// How an error body named its code.
enum Named {
    /// With the OAuth `error` member (read into the error).
    Error,
    /// Only with an AWS-style `code` or `__type` member (its text, as sent).
    Type(Zeroizing<String>),
    /// Not at all.
    Nothing,
}

/// The code a body's `code` or `__type` names (an empty one names none).
fn type_code(name: &str) -> Result<ErrorCode, ParseError> {
    ErrorCode::from_error_type(name).ok_or_else(missing_code)
}

/// The error for a body that names no code.
fn missing_code() -> ParseError {
    ParseError::new(ParseErrorKind::Missing { grant: None }, Some("error"), None)
}

/// The optional OAuth text members of an error body, in the order `TokenError`
/// keeps them.
const NAMES: [&str; 4] = ["error_description", "endpoint", "region", "reason"];

/// The AWS-style members of an error body the SDK reads: its three spellings
/// of the message, then the two names of the code.
const AWS_NAMES: [&str; 5] = ["message", "Message", "errorMessage", "code", "__type"];

/// An OAuth error the token endpoint returned.
///
/// ```
/// use ssooidc_token::{ErrorCode, TokenError};
///
/// let err = TokenError::from_json(400, br#"{"error":"authorization_pending","error_description":"not yet"}"#)?;
/// assert_eq!(err.code(), &ErrorCode::AuthorizationPending);
/// assert!(err.is_retryable());
/// assert_eq!(err.to_string(), "authorization_pending (HTTP 400): not yet");
///
/// // Not an OAuth error body: the status is kept, nothing panics.
/// let odd = TokenError::from_json(502, b"<html>Bad Gateway</html>").unwrap_err();
/// assert_eq!(odd.status(), 502);
/// # Ok::<(), ssooidc_token::UnexpectedResponse>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    status: u16,
    code: ErrorCode,
    /// Whether the code is the body's OAuth `error` member (Identity Center's
    /// own refusal), not only an AWS-style type name (which the signing layer
    /// in front of it sends too: an `ExpiredTokenException` there is about the
    /// credentials that signed, not the grant).
    oauth: bool,
    description: Option<String>,
    endpoint: Option<String>,
    region: Option<String>,
    reason: Option<String>,
    message: Option<String>,
    /// Whether the description or message was cut where it quoted the signed
    /// request ([`withhold_signed_request`](crate::error::withhold_signed_request)).
    withheld: bool,
}

impl TokenError {
    /// Parses an error body `{"error": ..., "error_description": ...}` received with
    /// HTTP status `status`. Members this version does not know are ignored.
    ///
    /// An AWS-style body (`{"__type": "...#AccessDeniedException", "Message":
    /// "..."}`, as an IAM refusal of a signed call comes) is read too, as the
    /// SDK reads it: without an `error` member, the code comes from `code`,
    /// else `__type` (`AccessDeniedException` is `access_denied`); the last of
    /// `message`, `Message` and `errorMessage` is the [`message`](Self::message).
    /// Of these AWS-style members, one that is not a string (`null` too) is
    /// passed over, as the SDK passes it over.
    ///
    /// # Errors
    /// [`UnexpectedResponse`], carrying the status, when the body is not an OAuth
    /// error body (HTML from a proxy, empty, truncated, no `error`, `__type` or
    /// `code` member).
    pub fn from_json(status: u16, body: &[u8]) -> Result<Self, UnexpectedResponse> {
        Self::read(status, body)
            .map_err(|reason| UnexpectedResponse::new(status, reason, Expected::OAuthError))
    }

    /// As [`from_json`](Self::from_json), with the code an `x-amzn-ErrorType`
    /// header gives (`header_code`) for a body that names none: a readable body
    /// keeps its message, an unreadable one (HTML from a proxy) gives an error
    /// known only by that code.
    pub(crate) fn with_header_code(
        status: u16,
        body: &[u8],
        header_code: Option<ErrorCode>,
    ) -> Result<Self, UnexpectedResponse> {
        let unexpected = |reason| UnexpectedResponse::new(status, reason, Expected::OAuthError);
        // As the SDK reads it: the header before the body's `__type` or
        // `code`; the OAuth `error` (which the SDK's generic reader does not
        // know) first of all.
        match Self::read_parts(status, body) {
            Ok((out, Named::Error)) => Ok(out),
            Ok((mut out, named)) => {
                out.code = match (header_code, named) {
                    (Some(code), _) => code,
                    (None, Named::Type(name)) => type_code(&name).map_err(unexpected)?,
                    (None, _) => return Err(unexpected(missing_code())),
                };
                Ok(out)
            }
            Err(reason) => match header_code {
                Some(code) => Ok(Self::from_code(status, code)),
                None => Err(unexpected(reason)),
            },
        }
    }

    /// An error known only by its code (from the `x-amzn-ErrorType` header).
    pub(crate) fn from_code(status: u16, code: ErrorCode) -> Self {
        Self {
            status,
            code,
            oauth: false,
            description: None,
            endpoint: None,
            region: None,
            reason: None,
            message: None,
            withheld: false,
        }
    }

    fn read(status: u16, body: &[u8]) -> Result<Self, ParseError> {
        match Self::read_parts(status, body)? {
            (out, Named::Error) => Ok(out),
            (mut out, Named::Type(name)) => {
                out.code = type_code(&name)?;
                Ok(out)
            }
            (_, Named::Nothing) => Err(missing_code()),
        }
    }

    /// The body read, and how it named its code.
    fn read_parts(status: u16, body: &[u8]) -> Result<(Self, Named), ParseError> {
        // Filled in place, so that on any error path what was read is wiped by
        // `Drop`, not freed as it is.
        let mut out = Self {
            status,
            code: ErrorCode::Unknown(String::new()),
            oauth: false,
            description: None,
            endpoint: None,
            region: None,
            reason: None,
            message: None,
            withheld: false,
        };
        // The code goes straight into `out` (wiped by its `Drop` if it is one
        // this version does not know); a known code allocates nothing.
        let mut have_code = false;
        // `code` and `__type`, for a body without `error`: as the SDK's
        // generic reader takes them, each only when it is a string (anything
        // else, `null` too, is passed over), and `code` before `__type`.
        // (Wiped, as everything read from the body is.)
        let mut code_name: Option<Zeroizing<String>> = None;
        let mut type_name: Option<Zeroizing<String>> = None;
        // Which OAuth members (`NAMES`, then `error`) and which AWS-style ones
        // (`AWS_NAMES`) were seen: a repeat of any is refused.
        let mut seen = [false; 5];
        let mut seen_aws = [false; 5];
        let mut reader = Reader::new(body);
        reader.object(|r, key| {
            let Some(name) = key.as_bytes() else {
                return r.skip();
            };
            let duplicate =
                |member| ParseError::new(ParseErrorKind::Duplicate, Some(member), Some(key.offset));
            // The OAuth members, the usual case, first.
            let oauth = if name == b"error" {
                Some((4, "error"))
            } else {
                NAMES
                    .iter()
                    .position(|n| n.as_bytes() == name)
                    .map(|i| (i, NAMES[i]))
            };
            if let Some((index, member)) = oauth {
                if std::mem::replace(&mut seen[index], true) {
                    return Err(duplicate(member));
                }
                if r.null() {
                    return Ok(());
                }
                if index == 4 {
                    out.code = r
                        .string_as(ErrorCode::known, ErrorCode::Unknown)
                        .map_err(|e| e.in_member(member))?;
                    have_code = true;
                    out.oauth = true;
                    return Ok(());
                }
                let value = Some(r.string().map_err(|e| e.in_member(member))?);
                match index {
                    0 => out.description = value,
                    1 => out.endpoint = value,
                    2 => out.region = value,
                    _ => out.reason = value,
                }
                return Ok(());
            }
            // The AWS-style members: as the SDK's generic reader takes them,
            // only a string counts (anything else, `null` too, is passed
            // over); of the message's spellings, the last one present is the
            // message.
            let Some(index) = AWS_NAMES.iter().position(|n| n.as_bytes() == name) else {
                return r.skip();
            };
            let member = AWS_NAMES[index];
            if std::mem::replace(&mut seen_aws[index], true) {
                return Err(duplicate(member));
            }
            if !r.at_string() {
                return r.skip();
            }
            let value = r.string().map_err(|e| e.in_member(member))?;
            match index {
                // The one replaced is wiped, as all text read from the body.
                0..=2 => {
                    if let Some(mut replaced) = out.message.replace(value) {
                        crate::secret::wipe_string(&mut replaced);
                    }
                }
                3 => code_name = Some(Zeroizing::new(value)),
                _ => type_name = Some(Zeroizing::new(value)),
            }
            Ok(())
        })?;
        reader.end()?;
        let named = if have_code {
            Named::Error
        } else {
            code_name.or(type_name).map_or(Named::Nothing, Named::Type)
        };
        // The device flow's "not yet" answers come from `CreateToken`, which
        // is not signed: they quote no signed request, and the poller reads
        // one every few seconds.
        if !matches!(
            out.code,
            ErrorCode::AuthorizationPending | ErrorCode::SlowDown
        ) && (out.description.is_some() || out.message.is_some())
        {
            out.withhold_quotes();
        }
        Ok((out, named))
    }

    /// Cuts the description and message where they quote the signed request
    /// ([`withhold_signed_request`](crate::error::withhold_signed_request)).
    #[cold]
    #[inline(never)]
    fn withhold_quotes(&mut self) {
        self.withheld = crate::error::withhold_signed_request(&mut self.description)
            | crate::error::withhold_signed_request(&mut self.message);
    }

    /// The HTTP status it came with.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// `error`.
    #[must_use]
    pub fn code(&self) -> &ErrorCode {
        &self.code
    }

    /// `error_description`, if sent; cut where it quotes the signed request
    /// (as AWS's signature refusals do, session token and all), as is
    /// [`message`](Self::message).
    #[must_use]
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// `endpoint`: with `InvalidRequestRegionException`, the endpoint to use.
    #[must_use]
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// `region`: with `InvalidRequestRegionException`, the region to use.
    #[must_use]
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// `reason`, if sent (newer service versions).
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// `message`, if sent (newer service versions, and AWS-style bodies:
    /// `message`, `Message` or `errorMessage`); cut where it quotes the
    /// signed request (as AWS's signature refusals do, session token and
    /// all): that part is wiped as it is read, and shown nowhere.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Whether sending again can help: `authorization_pending` and `slow_down` while
    /// polling in the device flow (after the interval; for `slow_down`, a longer
    /// one), `server_error`, throttling ([`is_throttling`](Self::is_throttling)),
    /// and any error that came with HTTP 500, 502, 503 or 504 (the statuses
    /// the SDKs retry as transient, whatever the code).
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.code,
            ErrorCode::AuthorizationPending | ErrorCode::SlowDown | ErrorCode::ServerError
        ) || self.is_throttling()
            || matches!(self.status, 500 | 502 | 503 | 504)
    }

    /// Whether the code came in the body's OAuth `error` member: a refusal by
    /// Identity Center itself, not only a type name in `x-amzn-ErrorType` or
    /// an AWS-style body (which the signing layer in front of it sends too).
    #[cfg_attr(not(feature = "credentials"), allow(dead_code))]
    pub(crate) fn is_oauth_refusal(&self) -> bool {
        self.oauth
    }

    /// Whether the service throttled the request: an error code the AWS SDKs
    /// retry as throttling or as transient (`ThrottlingException`,
    /// `TooManyRequestsException`, `RequestLimitExceeded`, `RequestTimeout`...,
    /// the list of `aws-runtime`'s retry classifier), or HTTP 429 with a code
    /// this crate does not know. A known OAuth code keeps its meaning whatever
    /// the status (a 429 `invalid_grant` is a refusal). Send again later,
    /// backing off.
    #[must_use]
    pub fn is_throttling(&self) -> bool {
        matches!(&self.code, ErrorCode::Unknown(code) if self.status == 429 || is_throttling(code))
    }
}

/// Whether the AWS SDKs retry an error with this code as throttling or as
/// transient: `aws-runtime`'s `THROTTLING_ERRORS` and `TRANSIENT_ERRORS`.
pub(crate) fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestThrottledException"
            | "TooManyRequestsException"
            | "ProvisionedThroughputExceededException"
            | "TransactionInProgressException"
            | "RequestLimitExceeded"
            | "BandwidthLimitExceeded"
            | "LimitExceededException"
            | "RequestThrottled"
            | "SlowDown"
            | "PriorRequestNotComplete"
            | "EC2ThrottledException"
            | "RequestTimeout"
            | "RequestTimeoutException"
    )
}

/// An error body's texts are the server's, but they may quote what was sent:
/// they are wiped when dropped, like everything else this crate reads.
impl Drop for TokenError {
    fn drop(&mut self) {
        use crate::secret::{wipe_optional, wipe_string};
        if let ErrorCode::Unknown(code) = &mut self.code {
            wipe_string(code);
        }
        wipe_optional(&mut self.description);
        wipe_optional(&mut self.endpoint);
        wipe_optional(&mut self.region);
        wipe_optional(&mut self.reason);
        wipe_optional(&mut self.message);
    }
}

/// The service's texts (an unknown code, the description, the region and
/// endpoint) are shown with control characters (and the characters that
/// reorder or break lines) escaped.
impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::error::ServerText;
        write!(f, "{} (HTTP {})", self.code, self.status)?;
        if let Some(description) = self.description.as_deref().or(self.message.as_deref()) {
            write!(f, ": {}", ServerText(description))?;
        }
        if self.withheld {
            f.write_str(" [the service's quote of the signed request is withheld]")?;
        }
        if let (Some(region), Some(endpoint)) = (&self.region, &self.endpoint) {
            write!(
                f,
                " (use region {}, endpoint {})",
                ServerText(region),
                ServerText(endpoint)
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for TokenError {}

/// A response body that is neither a success answer nor an error body of the
/// service (an OAuth error body, or with feature `sts` an STS error body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedResponse {
    status: u16,
    reason: ParseError,
    expected: Expected,
}

/// What an unreadable answer was read as: it names the protocol in the headline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    /// A success answer of the OIDC service (JSON).
    OidcSuccess,
    /// An OAuth error body of the OIDC service (JSON).
    OAuthError,
    /// A success answer of STS (XML).
    #[cfg_attr(not(feature = "sts"), allow(dead_code))]
    StsSuccess,
    /// A success answer of the AWS access portal (JSON).
    #[cfg_attr(not(feature = "portal"), allow(dead_code))]
    PortalSuccess,
    /// An error answer of the AWS access portal (JSON, named by
    /// `x-amzn-ErrorType` or the body's `__type` or `code`).
    #[cfg_attr(not(feature = "portal"), allow(dead_code))]
    PortalError,
    /// An STS error body (XML).
    #[cfg_attr(not(feature = "sts"), allow(dead_code))]
    StsError,
    /// Any answer: it could not be read at all (too large).
    #[cfg_attr(not(any(feature = "reqwest", feature = "ureq")), allow(dead_code))]
    Answer,
}

impl UnexpectedResponse {
    /// The same, as an answer of another kind than first expected.
    #[cfg_attr(not(feature = "portal"), allow(dead_code))]
    pub(crate) fn expecting(mut self, expected: Expected) -> Self {
        self.expected = expected;
        self
    }

    pub(crate) fn new(status: u16, reason: ParseError, expected: Expected) -> Self {
        Self {
            status,
            reason,
            expected,
        }
    }

    /// The HTTP status it came with.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Why the body could not be read.
    #[must_use]
    pub fn reason(&self) -> &ParseError {
        &self.reason
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Why the body could not be read is the source (`reason()`), not repeated here.
        let status = self.status;
        match self.expected {
            Expected::OidcSuccess => write!(
                f,
                "HTTP {status} success response of the OIDC service could not be read"
            ),
            Expected::OAuthError => write!(f, "HTTP {status} response is not an OAuth error body"),
            Expected::StsSuccess => {
                write!(f, "HTTP {status} success response of STS could not be read")
            }
            Expected::StsError => write!(f, "HTTP {status} response is not an STS error body"),
            Expected::PortalSuccess => write!(
                f,
                "HTTP {status} success response of the AWS access portal could not be read"
            ),
            Expected::PortalError => write!(
                f,
                "HTTP {status} response is not an error of the AWS access portal that names itself (no x-amzn-ErrorType header, no __type or code in the body)"
            ),
            Expected::Answer => write!(f, "HTTP {status} response could not be read"),
        }
    }
}

impl std::error::Error for UnexpectedResponse {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.reason)
    }
}
