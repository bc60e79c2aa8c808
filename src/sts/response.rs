//! What STS answers: the session's credentials, or an error.

use std::fmt;
use std::time::SystemTime;

use secrecy::{ExposeSecret, SecretBox, SecretString};

use crate::error::{ParseError, ParseErrorKind, Syntax};
use crate::json::missing as required;
use crate::oauth_error::Expected;
use crate::{time, xml};
use crate::{ResponseError, ResponseErrorKind, SessionCredentials, UnexpectedResponse};

/// The successful answer of `AssumeRole`.
///
/// ```
/// use ssooidc_token::sts::AssumeRoleResponse;
/// use ssooidc_token::{ExposeSecret, SigningCredentials};
///
/// let xml = br#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
///   <AssumeRoleResult>
///     <AssumedRoleUser>
///       <Arn>arn:aws:sts::123456789012:assumed-role/app/alice</Arn>
///       <AssumedRoleId>AROA3XFRBF23EXAMPLE:alice</AssumedRoleId>
///     </AssumedRoleUser>
///     <Credentials>
///       <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
///       <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
///       <SessionToken>IQoJb3JpZ2luX2VjEXAMPLE&#43;token&amp;more</SessionToken>
///       <Expiration>2026-11-27T13:00:00Z</Expiration>
///     </Credentials>
///   </AssumeRoleResult>
///   <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
/// </AssumeRoleResponse>"#;
/// let response = AssumeRoleResponse::from_xml(xml)?;
/// assert_eq!(response.assumed_role_arn(), "arn:aws:sts::123456789012:assumed-role/app/alice");
/// assert_eq!(response.credentials().session_token().expose_secret(), "IQoJb3JpZ2luX2VjEXAMPLE+token&more");
/// assert!(!format!("{response:?}").contains("wJalr"));
/// let next: SigningCredentials = response.into_credentials().into();
/// assert_eq!(next.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
/// # Ok::<(), ssooidc_token::ParseError>(())
/// ```
pub struct AssumeRoleResponse {
    credentials: SessionCredentials,
    assumed_role_arn: String,
    assumed_role_id: String,
    source_identity: Option<String>,
    packed_policy_size: Option<u32>,
    request_id: Option<String>,
    /// The answer's `Date` header (kept by `from_http_response`).
    server_date: Option<SystemTime>,
}

/// The elements read; a leaf's index says which member it fills.
const ANSWER: &[xml::Element] = &[xml::Element::parent(
    "AssumeRoleResponse",
    &[
        xml::Element::parent(
            "AssumeRoleResult",
            &[
                xml::Element::parent(
                    "Credentials",
                    &[
                        xml::Element::leaf("AccessKeyId", 0),
                        xml::Element::leaf("SecretAccessKey", 1),
                        xml::Element::leaf("SessionToken", 2),
                        xml::Element::leaf("Expiration", 3),
                    ],
                ),
                xml::Element::parent(
                    "AssumedRoleUser",
                    &[
                        xml::Element::leaf("Arn", 4),
                        xml::Element::leaf("AssumedRoleId", 5),
                    ],
                ),
                xml::Element::leaf("SourceIdentity", 6),
                xml::Element::leaf("PackedPolicySize", 7),
            ],
        ),
        xml::Element::parent("ResponseMetadata", &[xml::Element::leaf("RequestId", 8)]),
    ],
)];

/// What was read so far; on any error the secrets are wiped as it drops.
#[derive(Default)]
struct Found {
    access_key_id: Option<String>,
    secret_access_key: Option<SecretString>,
    session_token: Option<SecretString>,
    expiration: Option<SystemTime>,
    arn: Option<String>,
    role_id: Option<String>,
    source_identity: Option<String>,
    packed_policy_size: Option<u32>,
    request_id: Option<String>,
}

/// `value`, refused by name when empty: credentials that sign nothing, or an
/// error without a code (the SDK would take either as an empty string).
fn non_empty<T>(value: T, name: &'static str, empty: impl Fn(&T) -> bool) -> Result<T, ParseError> {
    if empty(&value) {
        return Err(ParseError::new(ParseErrorKind::Empty, Some(name), None));
    }
    Ok(value)
}

fn secret(text: String) -> SecretString {
    // Exact capacity: `into_boxed_str` does not reallocate.
    SecretBox::new(text.into_boxed_str())
}

impl AssumeRoleResponse {
    /// Parses an `AssumeRole` answer body (HTTP 200). The secret key and session
    /// token are decoded (entities such as `&#43;` and `&amp;` included) straight
    /// into exact-size zeroizing buffers. Elements this version does not know are
    /// ignored; a missing or empty credential element (`<AccessKeyId/>` included),
    /// a duplicated one, a bad timestamp or malformed XML is an error naming the
    /// element. `AssumedRoleUser` (`Arn`, `AssumedRoleId`) is required too: STS
    /// always sends it for `AssumeRole`, and its ARN names the account the
    /// credentials are for, where the SDK's model leaves it optional.
    ///
    /// # Errors
    /// A [`ParseError`] naming the element and the problem; it never holds a value.
    pub fn from_xml(body: &[u8]) -> Result<Self, ParseError> {
        let mut found = Found::default();
        // The walk refuses a known element given twice (`Duplicate`, naming
        // it), so each slot is filled once.
        xml::walk(body, ANSWER, |index, leaf| {
            let name = leaf.name();
            let at = leaf.offset();
            let in_member = |e: ParseError| e.in_member(name);
            match index {
                // Parsed where they stand: no copy of the text is kept.
                3 => {
                    found.expiration = Some(
                        leaf.read(parse_timestamp)
                            .map_err(in_member)?
                            .ok_or_else(|| {
                                ParseError::syntax(Syntax::InvalidTimestamp, at).in_member(name)
                            })?,
                    );
                }
                7 => {
                    found.packed_policy_size = Some(
                        leaf.read(|text| text.trim_ascii().parse().ok())
                            .map_err(in_member)?
                            .ok_or_else(|| {
                                ParseError::syntax(Syntax::ExpectedInteger, at).in_member(name)
                            })?,
                    );
                }
                _ => {
                    let text = leaf.text().map_err(in_member)?;
                    match index {
                        0 => found.access_key_id = Some(text),
                        1 => found.secret_access_key = Some(secret(text)),
                        2 => found.session_token = Some(secret(text)),
                        4 => found.arn = Some(text),
                        5 => found.role_id = Some(text),
                        6 => found.source_identity = Some(text),
                        _ => found.request_id = Some(text),
                    }
                }
            }
            Ok(())
        })?;
        let credentials = SessionCredentials::new(
            non_empty(
                required(found.access_key_id.take(), "AccessKeyId")?,
                "AccessKeyId",
                String::is_empty,
            )?,
            non_empty(
                required(found.secret_access_key.take(), "SecretAccessKey")?,
                "SecretAccessKey",
                |s| s.expose_secret().is_empty(),
            )?,
            non_empty(
                required(found.session_token.take(), "SessionToken")?,
                "SessionToken",
                |s| s.expose_secret().is_empty(),
            )?,
            required(found.expiration.take(), "Expiration")?,
        );
        let assumed_role_arn: String = required(found.arn.take(), "Arn")?;
        let account_id =
            crate::session_credentials::account_id_of(&assumed_role_arn).map(str::to_owned);
        Ok(Self {
            credentials: credentials.with_account_id(account_id),
            assumed_role_arn,
            assumed_role_id: required(found.role_id.take(), "AssumedRoleId")?,
            source_identity: found.source_identity.take(),
            packed_policy_size: found.packed_policy_size.take(),
            request_id: found.request_id.take(),
            server_date: None,
        })
    }

    /// Reads an HTTP answer of STS: the response on a 2xx status, else the STS
    /// error body (`ResponseErrorKind::Sts`); anything unreadable is
    /// `ResponseErrorKind::Unreadable`, with the status kept and the body never
    /// echoed.
    ///
    /// # Errors
    /// [`ResponseError`], as above.
    pub fn from_http(status: u16, body: &[u8]) -> Result<Self, ResponseError> {
        if (200..300).contains(&status) {
            return Self::from_xml(body).map_err(|reason| {
                ResponseError::new(ResponseErrorKind::Unreadable(UnexpectedResponse::new(
                    status,
                    reason,
                    Expected::StsSuccess,
                )))
            });
        }
        Err(ResponseError::new(match StsError::from_xml(status, body) {
            Ok(err) => ResponseErrorKind::Sts(err),
            Err(unreadable) => ResponseErrorKind::Unreadable(unreadable),
        }))
    }

    /// As [`from_http`](Self::from_http), from an [`http::Response`]; also keeps
    /// its `x-amzn-RequestId` header on an error, and its `Date` header (see
    /// [`server_date`](Self::server_date), and
    /// [`ResponseError::server_date`] on an error).
    ///
    /// # Errors
    /// [`ResponseError`], as for `from_http`.
    pub fn from_http_response<B: AsRef<[u8]>>(
        response: &http::Response<B>,
    ) -> Result<Self, ResponseError> {
        let headers = crate::response_error::amzn_headers(response.headers());
        Self::from_http(response.status().as_u16(), response.body().as_ref())
            .map(|answer| answer.with_headers(&headers))
            .map_err(|e| e.with_headers(&headers))
    }

    /// Keeps the answer's `Date` (none from a cache).
    pub(crate) fn with_headers(mut self, headers: &crate::response_error::AmznHeaders<'_>) -> Self {
        self.server_date = headers.server_date();
        self
    }

    /// The session's credentials.
    #[must_use]
    pub fn credentials(&self) -> &SessionCredentials {
        &self.credentials
    }

    /// The session's credentials, by value (to sign with them: they convert into
    /// [`SigningCredentials`](crate::SigningCredentials) without a copy).
    #[must_use]
    pub fn into_credentials(self) -> SessionCredentials {
        self.credentials
    }

    /// `AssumedRoleUser/Arn`: the session's ARN.
    #[must_use]
    pub fn assumed_role_arn(&self) -> &str {
        &self.assumed_role_arn
    }

    /// `AssumedRoleUser/AssumedRoleId`.
    #[must_use]
    pub fn assumed_role_id(&self) -> &str {
        &self.assumed_role_id
    }

    /// `SourceIdentity`, if the request set one.
    #[must_use]
    pub fn source_identity(&self) -> Option<&str> {
        self.source_identity.as_deref()
    }

    /// `PackedPolicySize`: the percentage of the packed size limit that the
    /// session policies and tags use, if sent.
    #[must_use]
    pub fn packed_policy_size(&self) -> Option<u32> {
        self.packed_policy_size
    }

    /// `ResponseMetadata/RequestId`, if sent.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The answer's `Date` header, STS's clock when it answered: kept by
    /// [`from_http_response`](Self::from_http_response) and the `send` calls
    /// (not by `from_xml` or `from_http`, which see no headers; nor from an
    /// answer with `Age`, from a cache). The credentials provider reads
    /// [`Expiration`](SessionCredentials::expiration) on the host's clock with
    /// it, as the SDK's clients learn their clock skew from every answer.
    #[must_use]
    pub fn server_date(&self) -> Option<SystemTime> {
        self.server_date
    }
}

impl fmt::Debug for AssumeRoleResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleResponse")
            .field("credentials", &self.credentials)
            .field("assumed_role_arn", &self.assumed_role_arn)
            .field("assumed_role_id", &self.assumed_role_id)
            .field("source_identity", &self.source_identity)
            .field("packed_policy_size", &self.packed_policy_size)
            .field("request_id", &self.request_id)
            .field("server_date", &self.server_date)
            .finish()
    }
}

/// ISO 8601 in UTC as STS writes it: `2026-11-27T13:00:00Z`, with optional
/// fractional seconds, and `Z` or a `+hh:mm`/`-hh:mm` offset; ASCII white space
/// around it (pretty-printed XML) is ignored.
fn parse_timestamp(text: &str) -> Option<SystemTime> {
    time::parse_rfc3339(text.trim_ascii().as_bytes(), time::Zones::Rfc3339)
}

/// An error STS answered: `ErrorResponse/Error/{Type, Code, Message}` and
/// `RequestId`.
///
/// ```
/// use ssooidc_token::sts::StsError;
///
/// let body = br#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
///   <Error><Type>Sender</Type><Code>AccessDenied</Code>
///   <Message>User: arn:aws:iam::123456789012:user/app is not authorized to perform: sts:SetContext</Message></Error>
///   <RequestId>4e5f6a7b-0000-0000-0000-000000000000</RequestId></ErrorResponse>"#;
/// let err = StsError::from_xml(403, body)?;
/// assert_eq!(err.code(), "AccessDenied");
/// assert!(!err.is_retryable());
/// assert!(err.hint().unwrap().contains("sts:SetContext"));
/// # Ok::<(), ssooidc_token::UnexpectedResponse>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsError {
    status: u16,
    error_type: Option<String>,
    code: String,
    message: Option<String>,
    request_id: Option<String>,
    /// Whether the message was cut where it quoted the signed request
    /// ([`withhold_signed_request`](crate::error::withhold_signed_request)).
    withheld: bool,
}

/// The elements read; a leaf's index says which member it fills.
const ERROR: &[xml::Element] = &[xml::Element::parent(
    "ErrorResponse",
    &[
        xml::Element::parent(
            "Error",
            &[
                xml::Element::leaf("Type", 0),
                xml::Element::leaf("Code", 1),
                xml::Element::leaf("Message", 2),
            ],
        ),
        xml::Element::leaf("RequestId", 3),
    ],
)];

impl StsError {
    /// Parses an STS error body received with HTTP status `status`.
    ///
    /// # Errors
    /// [`UnexpectedResponse`], carrying the status, when the body is not an STS
    /// error body (HTML from a proxy, empty, truncated, no `Code` or an empty one).
    pub fn from_xml(status: u16, body: &[u8]) -> Result<Self, UnexpectedResponse> {
        Self::read(status, body)
            .map_err(|reason| UnexpectedResponse::new(status, reason, Expected::StsError))
    }

    fn read(status: u16, body: &[u8]) -> Result<Self, ParseError> {
        let mut out = Self {
            status,
            error_type: None,
            code: String::new(),
            message: None,
            request_id: None,
            withheld: false,
        };
        // Wiped on every path: `out` by its own `Drop`, `code` here. The walk
        // refuses a known element given twice, so each slot is filled once.
        let mut code = zeroize::Zeroizing::new(None);
        xml::walk(body, ERROR, |index, leaf| {
            let text = leaf.text().map_err(|e| e.in_member(leaf.name()))?;
            let slot = match index {
                0 => &mut out.error_type,
                1 => &mut *code,
                2 => &mut out.message,
                _ => &mut out.request_id,
            };
            *slot = Some(text);
            Ok(())
        })?;
        out.code = non_empty(required(code.take(), "Code")?, "Code", String::is_empty)?;
        out.withheld = crate::error::withhold_signed_request(&mut out.message);
        Ok(out)
    }

    /// The HTTP status it came with.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// `Code`: `AccessDenied`, `ExpiredToken`, `RegionDisabledException`...
    #[must_use]
    pub fn code(&self) -> &str {
        &self.code
    }

    /// `Type`: `Sender` or `Receiver`, if sent.
    #[must_use]
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// `Message`, if sent; cut where it quotes the signed request (as AWS's
    /// signature refusals do, session token and all): that part is wiped as
    /// it is read, and shown nowhere.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// `RequestId`, if sent.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Whether sending again later can help: throttling (HTTP 429, or a code
    /// the AWS SDKs retry as throttling or transient: `Throttling`,
    /// `RequestLimitExceeded`, `RequestTimeout`...) and service-side failures
    /// (`ServiceUnavailable`, `InternalFailure`, `IDPCommunicationError`, any
    /// HTTP 5xx).
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.status >= 500
            || self.status == 429
            || crate::oauth_error::is_throttling(&self.code)
            || matches!(
                self.code.as_str(),
                "ServiceUnavailable" | "InternalFailure" | "IDPCommunicationError"
            )
    }

    /// What the error usually means for an `AssumeRole` call that carries an
    /// identity context, and what to do; `None` for codes without a hint.
    #[must_use]
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self.code.as_str() {
            "AccessDenied" => {
                "with an identity context, the role's trust policy must allow the caller both \
                 `sts:AssumeRole` and `sts:SetContext` (optionally conditioned on \
                 `sts:RequestContextProviders` = arn:aws:iam::aws:contextProvider/IdentityCenter); \
                 without `sts:SetContext` STS answers AccessDenied"
            }
            "ExpiredToken" | "ExpiredTokenException" => {
                "the credentials that signed the call, or the identity context, have expired: \
                 get fresh credentials, or a fresh token from CreateTokenWithIAM"
            }
            "RegionDisabledException" => {
                "STS is not activated for this account in this region: activate the region in \
                 the IAM account settings, or call another region's STS endpoint"
            }
            "PackedPolicyTooLarge" | "PackedPolicyTooLargeException" => {
                "the session policy, policy ARNs and tags together exceed STS's packed size \
                 limit: shorten the inline policy or use fewer policy ARNs or tags"
            }
            "MalformedPolicyDocument" | "MalformedPolicyDocumentException" => {
                "the inline session policy (`policy`) is not a valid IAM policy document"
            }
            "InvalidParameterValue" => {
                "a parameter was refused; with an identity context, send the \
                 `sts:identity_context` claim (not the whole ID token) with provider \
                 arn:aws:iam::aws:contextProvider/IdentityCenter"
            }
            _ => return None,
        })
    }
}

/// The texts are the server's, but may quote what was sent: wiped when dropped.
impl Drop for StsError {
    fn drop(&mut self) {
        use crate::secret::{wipe_optional, wipe_string};
        wipe_optional(&mut self.error_type);
        wipe_string(&mut self.code);
        wipe_optional(&mut self.message);
        wipe_optional(&mut self.request_id);
    }
}

impl fmt::Display for StsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::error::ServerText;
        write!(
            f,
            "STS refused the request: {} (HTTP {})",
            ServerText(&self.code),
            self.status
        )?;
        if let Some(message) = &self.message {
            write!(f, ": {}", ServerText(message))?;
        }
        if self.withheld {
            f.write_str(" [the service's quote of the signed request is withheld]")?;
        }
        if let Some(hint) = self.hint() {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StsError {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn timestamps_read_as_sts_writes_them() {
        let at = |secs: u64, nanos: u32| Some(UNIX_EPOCH + Duration::new(secs, nanos));
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), at(0, 0));
        assert_eq!(
            parse_timestamp("2026-11-27T13:00:00Z"),
            at(1_795_784_400, 0)
        );
        assert_eq!(
            parse_timestamp("2024-02-29T23:59:59.5Z"),
            at(1_709_251_199, 500_000_000)
        );
        assert_eq!(
            parse_timestamp("2026-11-27T14:00:00+01:00"),
            at(1_795_784_400, 0)
        );
        for bad in [
            "",
            "2026-11-27",
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T13:00:00",
            "2026-11-27T13:00:00.Z",
            "1969-12-31T23:59:59Z",
            "2026-11-27T13:00:00+1:00",
            "2026-11-27T13:00:00+99:99",
            "\u{2003}2026-11-27T13:00:00Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
