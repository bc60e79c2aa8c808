//! The AWS access portal's `GetRoleCredentials` (feature `portal`): an
//! account's role credentials for a signed-in person, from the access token a
//! login gave (`aws configure export-credentials`, an SSO profile's
//! `sso_account_id` and `sso_role_name`, a `credential_process`).
//!
//! The request is `GET /federation/credentials?role_name=..&account_id=..` to
//! `portal.sso.{region}.amazonaws.com`, unsigned, the access token in the
//! `x-amz-sso_bearer_token` header, as `aws-sdk-sso` sends it. The token is
//! held zeroizing from the setter on, and the header of the `http::Request`
//! built from it lives in a buffer wiped when the request drops (once sent,
//! the HTTP client's own write buffers are its own, and `ureq` logs what it
//! sends at `trace` level: see the README's "Sending"). The answer's secret
//! key and session token are decoded straight into zeroizing memory
//! ([`SessionCredentials`]); `Debug` shows neither.
//!
//! ```
//! use ssooidc_token::portal::{self, GetRoleCredentials, GetRoleCredentialsResponse};
//! use ssooidc_token::ExposeSecret;
//!
//! let request = GetRoleCredentials::builder()
//!     .access_token("aoaAAAAAGYm-example")     // a secret: held zeroizing from here on
//!     .account_id("123456789012")
//!     .role_name("ReadOnly")
//!     .build()?;
//! assert_eq!(request.path_and_query(), "/federation/credentials?role_name=ReadOnly&account_id=123456789012");
//! assert!(!format!("{request:?}").contains("aoaAAAAAGYm"));
//!
//! let http = request.to_http(&portal::endpoint("eu-west-1")?);
//! assert_eq!(http.uri().host(), Some("portal.sso.eu-west-1.amazonaws.com"));
//!
//! // What the portal answers:
//! let response = GetRoleCredentialsResponse::from_json(br#"{"roleCredentials":{
//!     "accessKeyId":"ASIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
//!     "sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE","expiration":1796126400000}}"#)?;
//! let credentials = response.into_credentials();
//! assert_eq!(credentials.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
//! assert_eq!(credentials.session_token().expose_secret(), "IQoJb3JpZ2luX2VjEXAMPLE");
//! assert!(!format!("{credentials:?}").contains("wJalr"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};

use crate::error::{ParseError, ParseErrorKind, Rule};
use crate::json::{missing, optional, Reader};
use crate::validation::Checks;
use crate::{BuildError, Endpoint, EndpointError, ResponseError, SessionCredentials};

/// The request's path.
const PATH: &str = "/federation/credentials";

/// The portal of `region`: `https://portal.sso.{region}.amazonaws.com`, or
/// the DNS suffix of the region's partition (`.amazonaws.com.cn` in China,
/// `.amazonaws.eu` in the European Sovereign Cloud, the isolated partitions'
/// own), as `aws-sdk-sso` resolves it. The region is the one the login was
/// in (`sso_region`). For a proxy or a test, give
/// [`Endpoint::custom`] to the calls instead.
///
/// # Errors
/// [`EndpointError::InvalidRegion`] if `region` is not a DNS label sequence.
pub fn endpoint(region: &str) -> Result<Endpoint, EndpointError> {
    crate::http::portal_endpoint(region, false)
}

/// The portal's FIPS endpoint: `https://portal.sso-fips.{region}.amazonaws.com`;
/// in AWS GovCloud (`us-gov-*`) `https://portal.sso.{region}.amazonaws.com`,
/// as `aws-sdk-sso` resolves it with `use_fips` (the partition's DNS suffix,
/// as for [`endpoint`]).
///
/// # Errors
/// [`EndpointError::InvalidRegion`] if `region` is not a DNS label sequence.
pub fn fips_endpoint(region: &str) -> Result<Endpoint, EndpointError> {
    crate::http::portal_endpoint(region, true)
}

crate::builder_state::typed_struct! {
    /// The fields of a [`GetRoleCredentials`] request, as its builder collects
    /// them. The request dereferences to this, so call these accessors on the
    /// request.
    #[derive(typed_builder::TypedBuilder)]
    #[builder(
        builder_type(
            name = GetRoleCredentialsBuilder,
            doc = "Builds a [`GetRoleCredentials`](crate::portal::GetRoleCredentials). Start with [`GetRoleCredentials::builder`](crate::portal::GetRoleCredentials::builder).\n\nRequired: `access_token`, `account_id`, `role_name`.",
        ),
        builder_method(vis = "pub(crate)"),
        build_method(vis = "", name = __build),
    )]
    pub struct GetRoleCredentialsFields {
        required secret pub(crate) access_token = "Sets the access token (required, secret): the one a login gave (a cached token's `accessToken`), sent in the `x-amz-sso_bearer_token` header.",
        required pub(crate) account_id: into String = "Sets `account_id` (required): the 12-digit AWS account whose role credentials are asked for.",
        required pub(crate) role_name: into String = "Sets `role_name` (required): the role (permission set) the person is assigned in that account, such as `ReadOnly`.",
    }
}

impl fmt::Debug for GetRoleCredentialsFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetRoleCredentials")
            .field("access_token", &"[REDACTED]")
            .field("account_id", &self.account_id)
            .field("role_name", &self.role_name)
            .finish()
    }
}

#[allow(non_camel_case_types)]
impl<access_token, account_id, role_name> fmt::Debug
    for GetRoleCredentialsBuilder<(access_token, account_id, role_name)>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The values stay out: the token is a secret, and the rest is shown
        // by the built request.
        f.debug_struct("GetRoleCredentialsBuilder")
            .finish_non_exhaustive()
    }
}

impl GetRoleCredentialsFields {
    /// The access token, for sending with a client of your own: the value of
    /// the `x-amz-sso_bearer_token` header.
    #[must_use]
    pub fn access_token(&self) -> &SecretString {
        &self.access_token
    }

    /// `account_id`.
    #[must_use]
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// `role_name`.
    #[must_use]
    pub fn role_name(&self) -> &str {
        &self.role_name
    }

    fn check(&self, checks: &mut Checks) {
        if checks.token("access_token", &self.access_token)
            && !crate::validation::is_header_token(self.access_token.expose_secret().as_bytes())
        {
            checks.problem("access_token", None, Rule::HeaderToken);
        }
        if !(self.account_id.len() == 12 && self.account_id.bytes().all(|b| b.is_ascii_digit())) {
            checks.problem("account_id", None, Rule::AccountId);
        }
        let name = self.role_name.as_bytes();
        if name.is_empty()
            || name.len() > 64
            || !name
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b"+=,.@-_".contains(&b))
        {
            checks.problem("role_name", None, Rule::RoleName);
        }
    }
}

/// A checked `GetRoleCredentials` request of the AWS access portal: the role
/// credentials of `role_name` in `account_id` for the person the access
/// token stands for. See the [module](self) for an example.
pub struct GetRoleCredentials {
    fields: GetRoleCredentialsFields,
}

impl std::ops::Deref for GetRoleCredentials {
    type Target = GetRoleCredentialsFields;
    fn deref(&self) -> &GetRoleCredentialsFields {
        &self.fields
    }
}

impl fmt::Debug for GetRoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fields.fmt(f)
    }
}

crate::builder_state::field_states!(
    GetRoleCredentialsBuilder
    [access_token account_id role_name]
    access_token account_id role_name
);

#[allow(non_camel_case_types)]
impl<access_token, account_id, role_name>
    GetRoleCredentialsBuilder<(access_token, account_id, role_name)>
{
    /// Checks the fields' content and returns the request, or a
    /// [`BuildError`] listing every problem: the token not empty, without
    /// white space around it or a `Bearer ` in front, and visible ASCII (it
    /// goes in a header); the account id 12 digits; the role name 1 to 64
    /// characters of `A-Z a-z 0-9 + = , . @ - _` (an IAM role name). No value
    /// is shown.
    ///
    /// Only compiles once `access_token`, `account_id` and `role_name` are set.
    ///
    /// # Errors
    /// [`BuildError`] naming every field that breaks a rule.
    pub fn build(self) -> Result<GetRoleCredentials, BuildError>
    where
        access_token: crate::builder_state::field::access_token::Required<SecretString>,
        account_id: crate::builder_state::field::account_id::Required<String>,
        role_name: crate::builder_state::field::role_name::Required<String>,
    {
        let (access_token, account_id, role_name) = self.fields;
        let fields = GetRoleCredentialsFields {
            access_token: access_token.into_value(),
            account_id: account_id.into_value(),
            role_name: role_name.into_value(),
        };
        let mut checks = Checks::default();
        fields.check(&mut checks);
        checks.finish("GetRoleCredentials")?;
        Ok(GetRoleCredentials { fields })
    }
}

impl GetRoleCredentials {
    /// Starts a request.
    pub fn builder() -> GetRoleCredentialsBuilder {
        GetRoleCredentialsFields::builder()
    }

    /// `/federation/credentials?role_name={role_name}&account_id={account_id}`,
    /// the role name percent-encoded as `aws-sdk-sso` encodes it.
    #[must_use]
    pub fn path_and_query(&self) -> String {
        let role = &self.fields.role_name;
        let account = &self.fields.account_id;
        let len = PATH.len()
            + "?role_name=".len()
            + crate::hex::percent_encoded_len(role)
            + "&account_id=".len()
            + account.len();
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(PATH.as_bytes());
        out.extend_from_slice(b"?role_name=");
        crate::hex::percent_encode_unreserved_onto(&mut out, role);
        out.extend_from_slice(b"&account_id=");
        // Digits only, checked at `build()`.
        out.extend_from_slice(account.as_bytes());
        debug_assert_eq!(out.len(), len);
        crate::hex::into_text(out)
    }

    /// `GET {endpoint}/federation/credentials?role_name=..&account_id=..` with
    /// the token in `x-amz-sso_bearer_token` (marked sensitive, its bytes
    /// wiped when the request drops), as `aws-sdk-sso` sends it (its
    /// user-agent headers aside). Usually to [`endpoint`]`(sso_region)`.
    #[must_use]
    pub fn to_http(&self, endpoint: &Endpoint) -> http::Request<()> {
        let mut request = http::Request::new(());
        *request.method_mut() = http::Method::GET;
        *request.uri_mut() = endpoint.uri_with(&self.path_and_query());
        // Visible ASCII only, checked at `build()`.
        if let Some(value) = crate::http::secret_header(&self.fields.access_token) {
            request
                .headers_mut()
                .insert(crate::http::SSO_BEARER_HEADER, value);
        }
        request
    }
}

/// The successful answer of `GetRoleCredentials`: the role's temporary
/// credentials, the secret key and session token decoded straight into
/// zeroizing memory. `Debug` shows neither.
#[derive(Debug)]
pub struct GetRoleCredentialsResponse {
    credentials: SessionCredentials,
    request_id: Option<String>,
}

impl GetRoleCredentialsResponse {
    /// Parses the answer's body: `roleCredentials` with `accessKeyId`,
    /// `secretAccessKey`, `sessionToken` (each required and not empty) and
    /// `expiration` (required: milliseconds since 1970, not negative).
    /// Members this version does not know are ignored; a member that is
    /// `null` counts as missing. Stricter than `aws-sdk-sso`, which takes any
    /// of them missing (an expiration of 0, credentials without a secret):
    /// a missing member, one of the wrong JSON type or one given twice is an
    /// error naming it.
    ///
    /// # Errors
    /// A [`ParseError`] naming the member and the problem; it never holds a
    /// value.
    pub fn from_json(body: &[u8]) -> Result<Self, ParseError> {
        let mut credentials = None;
        let mut seen = false;
        let mut reader = Reader::new(body);
        reader.object(|r, key| match key.as_bytes() {
            Some(b"roleCredentials") => optional(
                r,
                &mut credentials,
                &mut seen,
                "roleCredentials",
                key.offset,
                read_role_credentials,
            ),
            _ => r.skip(),
        })?;
        reader.end()?;
        Ok(Self {
            credentials: missing::<SessionCredentials>(credentials, "roleCredentials")?
                .named_for_portal(),
            request_id: None,
        })
    }

    /// Reads an HTTP answer of the portal from its status and body alone:
    /// the response on a 2xx status, else its error when the body names it
    /// (`__type` or `code`;
    /// [`ResponseErrorKind::Token`](crate::ResponseErrorKind::Token)). The
    /// portal names its errors in the `x-amzn-ErrorType` header, usually
    /// with only a `message` in the body: give the whole answer to
    /// [`from_http_response`](Self::from_http_response) to have them named.
    /// An error named nowhere, and anything else unreadable, is
    /// [`ResponseErrorKind::Unreadable`](crate::ResponseErrorKind::Unreadable),
    /// with the status kept and the body never echoed.
    ///
    /// # Errors
    /// [`ResponseError`], as above.
    pub fn from_http(status: u16, body: &[u8]) -> Result<Self, ResponseError> {
        read(status, &http::HeaderMap::new(), body)
    }

    /// As [`from_http`](Self::from_http), from an [`http::Response`]: also
    /// keeps the `x-amzn-RequestId` header, and takes the error's name from
    /// `x-amzn-ErrorType`, where the portal gives it: its code is the
    /// exception's name (`UnauthorizedException` for a token that expired or
    /// was signed out, `ResourceNotFoundException` for a role the person is
    /// not assigned, `TooManyRequestsException`...;
    /// `InvalidRequestException` is [`ErrorCode::InvalidRequest`](crate::ErrorCode::InvalidRequest)).
    ///
    /// # Errors
    /// [`ResponseError`], as for `from_http`.
    pub fn from_http_response<B: AsRef<[u8]>>(
        response: &http::Response<B>,
    ) -> Result<Self, ResponseError> {
        read(
            response.status().as_u16(),
            response.headers(),
            response.body().as_ref(),
        )
    }

    /// The answer, its credentials marked as for the request's account (the
    /// answer does not name it): their [`account_id`](SessionCredentials::account_id)
    /// then goes into the SDK's `Credentials` and the `credential_process`
    /// answer. The `send` calls do this; call it after
    /// [`from_json`](Self::from_json) or [`from_http`](Self::from_http) on an
    /// answer read with a client of your own.
    #[must_use]
    pub fn for_request(mut self, request: &GetRoleCredentials) -> Self {
        self.credentials = self
            .credentials
            .with_account_id(Some(request.fields.account_id.clone()));
        self
    }

    /// The role's temporary credentials.
    #[must_use]
    pub fn credentials(&self) -> &SessionCredentials {
        &self.credentials
    }

    /// The role's temporary credentials, moved out (to sign with, or to hand
    /// to an SDK client).
    #[must_use]
    pub fn into_credentials(self) -> SessionCredentials {
        self.credentials
    }

    /// The `x-amzn-RequestId` header, for AWS support (read by
    /// [`from_http_response`](Self::from_http_response) and the `send` calls).
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

/// An answer of the portal, read as `aws-sdk-sso` reads it: its success, or
/// its error (named by `x-amzn-ErrorType` or the body).
pub(crate) fn read(
    status: u16,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<GetRoleCredentialsResponse, ResponseError> {
    let headers = crate::response_error::amzn_headers(headers);
    crate::response_error::read_json_as(
        status,
        body,
        headers.error_type,
        GetRoleCredentialsResponse::from_json,
        crate::oauth_error::Expected::PortalSuccess,
    )
    .map(|mut answer| {
        answer.request_id = headers.request_id.map(str::to_owned);
        answer
    })
    .map_err(|e| e.with_headers(&headers))
}

/// `roleCredentials`.
fn read_role_credentials(reader: &mut Reader<'_>) -> Result<SessionCredentials, ParseError> {
    let (mut id, mut secret, mut token, mut expiration) = (None, None, None, None);
    let mut seen = [false; 4];
    reader.object(|r, key| {
        let at = key.offset;
        match key.as_bytes() {
            Some(b"accessKeyId") => {
                optional(r, &mut id, &mut seen[0], "accessKeyId", at, Reader::string)
            }
            Some(b"secretAccessKey") => optional(
                r,
                &mut secret,
                &mut seen[1],
                "secretAccessKey",
                at,
                Reader::secret,
            ),
            Some(b"sessionToken") => optional(
                r,
                &mut token,
                &mut seen[2],
                "sessionToken",
                at,
                Reader::secret,
            ),
            Some(b"expiration") => {
                optional(r, &mut expiration, &mut seen[3], "expiration", at, |r| {
                    let at = r.position();
                    let millis = r.long()?;
                    let millis = u64::try_from(millis).map_err(|_| {
                        ParseError::new(ParseErrorKind::Negative, Some("expiration"), None)
                    })?;
                    UNIX_EPOCH
                        .checked_add(Duration::from_millis(millis))
                        .ok_or_else(|| {
                            ParseError::syntax(crate::error::Syntax::IntegerOutOfRange, at)
                        })
                })
            }
            _ => r.skip(),
        }
    })?;
    let empty = |name| ParseError::new(ParseErrorKind::Empty, Some(name), None);
    let id: String = missing(id, "accessKeyId")?;
    let secret: SecretString = missing(secret, "secretAccessKey")?;
    let token: SecretString = missing(token, "sessionToken")?;
    let expiration: SystemTime = missing(expiration, "expiration")?;
    if id.is_empty() {
        return Err(empty("accessKeyId"));
    }
    if secret.expose_secret().is_empty() {
        return Err(empty("secretAccessKey"));
    }
    if token.expose_secret().is_empty() {
        return Err(empty("sessionToken"));
    }
    Ok(SessionCredentials::new(id, secret, token, expiration))
}

#[cfg(feature = "ureq")]
#[cfg_attr(docsrs, doc(cfg(feature = "ureq")))]
impl GetRoleCredentials {
    /// Sends the request to `endpoint` (usually [`endpoint`]`(sso_region)`)
    /// with `agent`, blocking, and reads the answer into zeroizing memory: no
    /// redirect followed (it would carry the token to another host), the
    /// agent's timeout or 60 seconds for each attempt. Sent up to 3 times
    /// while it fails in a way that sending again can help (no answer,
    /// throttling, a 500, 502, 503 or 504), after a random pause of up to 1 s,
    /// then 2 s, as the SDKs' standard retry mode sends it; the last failure
    /// is returned.
    ///
    /// ```no_run
    /// use ssooidc_token::portal::{self, GetRoleCredentials};
    ///
    /// # fn example(access_token: ssooidc_token::SecretString) -> Result<(), Box<dyn std::error::Error>> {
    /// let agent = ureq::Agent::new_with_defaults(); // with a TLS feature of ureq's
    /// let credentials = GetRoleCredentials::builder()
    ///     .access_token(access_token)
    ///     .account_id("123456789012")
    ///     .role_name("ReadOnly")
    ///     .build()?
    ///     .send_blocking(&agent, &portal::endpoint("eu-west-1")?)?
    ///     .into_credentials();
    /// println!("{} until {:?}", credentials.access_key_id(), credentials.expiration());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SendError`](crate::SendError): the portal's refusal
    /// ([`SendError::Response`](crate::SendError::Response)), no answer
    /// ([`SendError::Transport`](crate::SendError::Transport)), a 3xx
    /// ([`SendError::Redirected`](crate::SendError::Redirected)).
    pub fn send_blocking(
        &self,
        agent: &ureq::Agent,
        endpoint: &Endpoint,
    ) -> Result<GetRoleCredentialsResponse, crate::SendError> {
        crate::send::retry::retried_blocking(crate::send::retry::Resend::Retryable, || {
            crate::send::ureq::exchange_bodiless(agent, self.to_http(endpoint), read)
        })
        .map(|answer| answer.for_request(self))
    }
}

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
impl GetRoleCredentials {
    /// Sends the request to `endpoint` (usually [`endpoint`]`(sso_region)`)
    /// with a [`ReqwestClient`](crate::ReqwestClient) (which follows no
    /// redirect), and reads the answer into zeroizing memory. Sent up to 3
    /// times while it fails in a way that sending again can help, as
    /// `send_blocking` (feature `ureq`) is.
    ///
    /// # Errors
    /// [`SendError`](crate::SendError), as for `send_blocking` (feature `ureq`).
    pub async fn send(
        &self,
        client: &crate::ReqwestClient,
        endpoint: &Endpoint,
    ) -> Result<GetRoleCredentialsResponse, crate::SendError> {
        crate::send::retry::retried(crate::send::retry::Resend::Retryable, || {
            let request = self.to_http(endpoint).map(|()| bytes::Bytes::new());
            crate::send::reqwest::exchange(client, request, read)
        })
        .await
        .map(|answer| answer.for_request(self))
    }
}
