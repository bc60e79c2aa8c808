//! SigV4 signing (feature `sigv4`): the crate's own signer, on RustCrypto's `hmac`
//! and `sha2` (with their `zeroize` support), so that neither the secret access
//! key nor the session token is left in freed memory.
//!
//! - The signing key is derived (`"AWS4" + secret`, then kDate, kRegion, kService,
//!   kSigning) in one exact-size zeroizing buffer and in HMAC states and outputs
//!   that wipe themselves when dropped. `hmac` and `sha2` also leave padded keys
//!   and message words in stack temporaries of their own, and returned keys are
//!   copied as they move: the stack the signer used is wiped before it returns
//!   (`zeroize::zeroize_stack`, 16 KiB), checked by `tests/secrets_on_the_stack.rs`.
//! - The canonical request and the string to sign are never built as strings:
//!   each piece is fed to SHA-256 (and the string to sign to the final HMAC) as it
//!   is produced, so the session token is read straight from its [`SecretString`].
//! - The session token's `x-amz-security-token` header value lives in a
//!   [`bytes::Bytes`] whose owner wipes it when the last reference is dropped, and
//!   is marked sensitive (hidden from `Debug`).
//!
//! What this cannot reach: the HTTP client's own buffers once it has the request
//! (it writes the header and body into its connection's buffers, and TLS encrypts
//! from there).
//!
//! The canonical request follows the SDK's signer exactly, with the settings the
//! SDK uses for the service the signing name names:
//!
//! | signing name | as `aws-sigv4` with | path | `x-amz-content-sha256` |
//! |---|---|---|---|
//! | `s3`, `s3-outposts`, `s3express`, `s3-object-lambda` | `PercentEncodingMode::Single`, `UriPathNormalizationMode::Disabled`, `PayloadChecksumKind::XAmzSha256` | as it stands in the URI, which must be the key percent-encoded once as the SDK encodes it ([`SignError::S3PathNotEncoded`] otherwise) | added and signed: the body's SHA-256, or `UNSIGNED-PAYLOAD` ([`sign_with`]) |
//! | any other (`sso-oauth`, `sts`, ...) | its default settings | dot and empty segments removed, then percent-encoded again | not added |
//!
//! For every service: the query re-encoded and sorted, every header on the
//! request signed except `authorization`, `user-agent`, `x-amzn-trace-id` and
//! `transfer-encoding`, `host` taken from the URI when the request has none,
//! values trimmed with inner runs of spaces collapsed, repeated headers joined
//! with `,`, and the SHA-256 of the body (or `UNSIGNED-PAYLOAD`) as the last
//! line. The tests compare every signature with `aws-sigv4`'s, with the S3
//! settings for the S3 signing names.
//!
//! Credentials are checked when signing: an access key id, secret access key or
//! session token with leading or trailing whitespace, a control character or
//! inner whitespace is refused with [`SignError::InvalidCredential`], which names
//! the credential and the rule, not the value.
//!
//! Not covered: S3 Express One Zone's session credentials (from
//! `CreateSession`) are sent as `x-amz-s3session-token` by the SDK; this signer
//! always sends a session token as `x-amz-security-token`. Presigned URLs
//! (the signature in the query) and chunked `aws-chunked` uploads are not
//! offered.
//!
//! Deliberate differences: a header value that is not visible ASCII (or tab)
//! is refused ([`SignError::InvalidHeaderValue`]); an S3 path that is not
//! already percent-encoded as S3 encodes it is refused
//! ([`SignError::S3PathNotEncoded`]), where `aws-sigv4` signs it as it stands
//! and S3 refuses the signature; and when the request has no `host` header, the host
//! signed is the one HTTP clients send (`host` or `host:port`, without user info,
//! with the port as a number). `aws-sigv4` signs the URI's authority text as it
//! stands, so for a URI with user info (`https://user@host/`) or an unusual port
//! spelling (`:0443`, `:08443`, an empty `:` or one past 65535, which clients
//! leave out) the two differ, and only this crate's signature matches what
//! hyper and ureq send over HTTP/1 (`tests/send_clients.rs` sends to a port
//! written `:0<port>` with both). Over HTTP/2 a client sends the URI's text as
//! `:authority`, and reqwest (through the `url` crate) lower-cases the host and
//! rewrites IP literals: for a request of your own, write the host that way and
//! the port as a number, or set `host` yourself.
//! [`Endpoint::custom`](crate::Endpoint::custom) does so for every request this
//! crate builds.

use std::borrow::Cow;
use std::fmt;
use std::time::SystemTime;

use hmac::{Hmac, KeyInit, Mac};
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};
use http::Request;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::grant::IamGrant;
use crate::secret::ZeroizingBody;
use crate::time::AmzDate;
use crate::{CreateTokenWithIam, Endpoint, IntoSecret, JsonBody};

/// The SigV4 signing name of the SSO OIDC service.
pub const SIGNING_NAME: &str = "sso-oauth";

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const X_AMZ_DATE: &str = "x-amz-date";
const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";
const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The signing names signed by S3's rules: the path as it stands, and a signed
/// `x-amz-content-sha256`.
const S3_SIGNING_NAMES: [&str; 4] = ["s3", "s3-outposts", "s3express", "s3-object-lambda"];

/// Headers the SDK's signer never signs: proxies and HTTP clients may add or change
/// them after signing.
const UNSIGNED_HEADERS: [&str; 4] = [
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
];

type HmacSha256 = Hmac<Sha256>;

/// AWS credentials for signing, with the secret parts held zeroizing. `Debug`
/// shows the access key id only.
///
/// Building them never fails; they are checked each time they sign. A value
/// with leading or trailing whitespace (a `\n` read along with it), a control
/// character or inner whitespace is refused then with
/// [`SignError::InvalidCredential`] naming the credential and the rule, never
/// the value:
///
/// ```
/// use std::time::UNIX_EPOCH;
/// use ssooidc_token::{sign, CredentialField, CredentialRule, SignError, SigningCredentials};
/// use zeroize::Zeroizing;
///
/// let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n");
/// let mut request = http::Request::post("https://oidc.us-east-1.amazonaws.com/token")
///     .body(Zeroizing::new(Vec::new()))?;
/// let err = sign(&mut request, &credentials, "us-east-1", UNIX_EPOCH).unwrap_err();
/// assert_eq!(err, SignError::InvalidCredential {
///     field: CredentialField::SecretAccessKey,
///     rule: CredentialRule::TrailingWhitespace,
/// });
/// assert_eq!(err.to_string(), "cannot sign: the secret access key has trailing whitespace");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// ```
/// use ssooidc_token::SigningCredentials;
///
/// let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// assert!(!format!("{credentials:?}").contains("wJalr"));
/// ```
pub struct SigningCredentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
}

impl SigningCredentials {
    /// Long-term credentials: an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl IntoSecret) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into_secret(),
            session_token: None,
        }
    }

    /// Adds the session token of temporary credentials (sent as
    /// `x-amz-security-token` and signed).
    #[must_use]
    pub fn with_session_token(mut self, session_token: impl IntoSecret) -> Self {
        self.session_token = Some(session_token.into_secret());
        self
    }

    /// Credentials from secrets this crate already holds zeroizing (an STS
    /// answer): no copy is made.
    #[cfg_attr(not(feature = "sts"), allow(dead_code))]
    pub(crate) fn from_secrets(
        access_key_id: String,
        secret_access_key: SecretString,
        session_token: Option<SecretString>,
    ) -> Self {
        Self {
            access_key_id,
            secret_access_key,
            session_token,
        }
    }

    /// The access key id.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// Whether these are temporary credentials (with a session token).
    #[must_use]
    pub fn has_session_token(&self) -> bool {
        self.session_token.is_some()
    }
}

impl fmt::Debug for SigningCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[REDACTED]")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// The SDK's credentials (what `aws-config` loads) as [`SigningCredentials`]
/// (feature `aws-sdk` or `credentials`). The secrets are copied once into exact-size
/// zeroizing buffers; the SDK's `Credentials` wipes its own copy when dropped.
///
/// ```
/// use aws_credential_types::Credentials;
/// use ssooidc_token::SigningCredentials;
///
/// let sdk = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Some("token".into()), None, "example");
/// let credentials = SigningCredentials::from(&sdk);
/// assert_eq!(credentials.access_key_id(), "AKIDEXAMPLE");
/// assert!(credentials.has_session_token());
/// ```
#[cfg(any(feature = "aws-sdk", feature = "credentials"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "aws-sdk", feature = "credentials"))))]
impl From<&aws_credential_types::Credentials> for SigningCredentials {
    fn from(credentials: &aws_credential_types::Credentials) -> Self {
        Self {
            access_key_id: credentials.access_key_id().to_owned(),
            secret_access_key: credentials.secret_access_key().into_secret(),
            session_token: credentials.session_token().map(IntoSecret::into_secret),
        }
    }
}

/// Why a request could not be signed. No variant holds a secret or a header value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// A header's value is not visible ASCII (or tab). `aws-sigv4` signs other
    /// UTF-8 as its bytes; this signer refuses it, as botocore refuses
    /// non-ASCII S3 metadata: HTTP/1 clients and servers read such bytes
    /// differently (as Latin-1, or not at all).
    InvalidHeaderValue {
        /// The header's name.
        name: String,
    },
    /// The access key id is empty or not letters, digits and `_`.
    InvalidAccessKeyId,
    /// The secret access key is empty.
    EmptySecretAccessKey,
    /// The session token is empty or not visible ASCII (it is sent as a header).
    InvalidSessionToken,
    /// The region is not lower-case DNS labels (letters, digits and `-`, joined
    /// by `.`), such as `us-east-1`.
    InvalidRegion,
    /// The signing name is not lower-case letters, digits and `-` (`sso-oauth`,
    /// `sts`).
    InvalidSigningName,
    /// The request's URI has no host, and it has no `host` header.
    MissingHost,
    /// The signing time is before 1970 or after 9999.
    TimeOutOfRange,
    /// An S3 request's path is not percent-encoded as S3 checks it: every byte
    /// but `A-Z a-z 0-9 - . _ ~` and `/` as `%XX` with upper-case hex, once
    /// (as the SDK encodes object keys). S3 encodes the path it receives that
    /// way before it checks the signature, so a path with a raw byte it would
    /// encode (`+`, `(`, `@`, a space written raw, non-ASCII, `"`...), an
    /// escape it would not write (`%7E` for `~`, lower-case hex), or a `%`
    /// that starts no escape could only be answered with
    /// `SignatureDoesNotMatch`. The error gives the position, never the path.
    S3PathNotEncoded {
        /// The byte offset in the path of the first byte out of place.
        position: usize,
    },
    /// A credential holds whitespace or a control character (a line break read
    /// along with it from a file or an environment variable, most often), which
    /// AWS would answer with `SignatureDoesNotMatch` or a refused header. The
    /// error names the credential and the rule, never its value.
    InvalidCredential {
        /// Which credential.
        field: CredentialField,
        /// The rule it breaks.
        rule: CredentialRule,
    },
}

/// The credential a [`SignError::InvalidCredential`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialField {
    /// The access key id.
    AccessKeyId,
    /// The secret access key.
    SecretAccessKey,
    /// The session token.
    SessionToken,
}

impl fmt::Display for CredentialField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AccessKeyId => "access key id",
            Self::SecretAccessKey => "secret access key",
            Self::SessionToken => "session token",
        })
    }
}

/// The rule a credential breaks, checked in this order: a value ending in `\n`
/// is reported as trailing whitespace, a tab inside it as a control character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialRule {
    /// It starts with whitespace (Unicode `White_Space`, line breaks included).
    LeadingWhitespace,
    /// It ends with whitespace.
    TrailingWhitespace,
    /// It contains a control character (Unicode `Cc`: C0, DEL, C1).
    ControlCharacter,
    /// It contains whitespace between its first and last characters.
    Whitespace,
}

impl fmt::Display for CredentialRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::LeadingWhitespace => "starts with whitespace",
            Self::TrailingWhitespace => "has trailing whitespace",
            Self::ControlCharacter => "contains a control character",
            Self::Whitespace => "contains whitespace",
        })
    }
}

/// The first rule `value` breaks, if any. Reads the value in place (no copy).
fn credential_rule(value: &str) -> Option<CredentialRule> {
    if value.starts_with(char::is_whitespace) {
        Some(CredentialRule::LeadingWhitespace)
    } else if value.ends_with(char::is_whitespace) {
        Some(CredentialRule::TrailingWhitespace)
    } else if value.contains(char::is_control) {
        Some(CredentialRule::ControlCharacter)
    } else if value.contains(char::is_whitespace) {
        Some(CredentialRule::Whitespace)
    } else {
        None
    }
}

fn check_credential(field: CredentialField, value: &str) -> Result<(), SignError> {
    match credential_rule(value) {
        Some(rule) => Err(SignError::InvalidCredential { field, rule }),
        None => Ok(()),
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidHeaderValue { name } => write!(
                f,
                "cannot sign header `{name}`: its value must be visible ASCII or tab"
            ),
            Self::InvalidAccessKeyId => f.write_str(
                "cannot sign: the access key id must be non-empty letters, digits and `_`",
            ),
            Self::EmptySecretAccessKey => {
                f.write_str("cannot sign: the secret access key must not be empty")
            }
            Self::InvalidSessionToken => f.write_str(
                "cannot sign: the session token must be non-empty visible ASCII (it is sent as a header)",
            ),
            Self::InvalidRegion => f.write_str(
                "cannot sign: the region must be lower-case DNS labels of letters, digits and `-` (for example us-east-1)",
            ),
            Self::InvalidSigningName => f.write_str(
                "cannot sign: the signing name must be lower-case letters, digits and `-` (for example sso-oauth)",
            ),
            Self::MissingHost => {
                f.write_str("cannot sign: the request has neither a host in its URI nor a host header")
            }
            Self::TimeOutOfRange => {
                f.write_str("cannot sign: the signing time must be between 1970 and 9999")
            }
            Self::InvalidCredential { field, rule } => {
                write!(f, "cannot sign: the {field} {rule}")
            }
            Self::S3PathNotEncoded { position } => write!(
                f,
                "cannot sign for S3: the path must be percent-encoded once, as S3 checks it (every byte but `A-Z a-z 0-9 - . _ ~` and `/` as `%XX` with upper-case hex); byte {position} is not"
            ),
        }
    }
}

impl std::error::Error for SignError {}

/// Signs `request` in place for `region` at `time`, with signing name
/// [`SIGNING_NAME`] (`sso-oauth`): adds `x-amz-date`, `x-amz-security-token`
/// (with a session token) and `authorization`. Every header already on the
/// request is signed, as the SDK does (except `user-agent`, `x-amzn-trace-id`,
/// `authorization` and `transfer-encoding`).
///
/// # Errors
/// [`SignError`] if the request cannot be signed: a header value that is not
/// visible ASCII, an empty secret key, a region that is not DNS labels...
/// Nothing on the request is changed then.
pub fn sign<B: ZeroizingBody>(
    request: &mut Request<B>,
    credentials: &SigningCredentials,
    region: &str,
    time: SystemTime,
) -> Result<(), SignError> {
    sign_for_service(request, credentials, region, SIGNING_NAME, time)
}

/// As [`sign`], for any service: `signing_name` is the service's SigV4 name
/// (`sso-oauth` for the OIDC service, `sts` for STS, `s3` for S3).
///
/// The signing name chooses the rules, as the SDK chooses them per service:
///
/// | signing name | canonical path | payload |
/// |---|---|---|
/// | `s3`, `s3-outposts`, `s3express`, `s3-object-lambda` | the URI's path exactly as it stands: not normalized, not encoded again | the body's SHA-256, also sent and signed as `x-amz-content-sha256` |
/// | any other | dot segments and empty segments removed, then percent-encoded again (`%20` is signed as `%2520`) | the body's SHA-256, in the canonical request only |
///
/// For S3, percent-encode the object key once when you build the URI (every
/// byte but `A-Z a-z 0-9 - . _ ~` and `/`, as the SDK does, with upper-case
/// hex): the path is signed as it is sent, so `a/../b.csv` names an object
/// called `a/../b.csv` and `x%2By.csv` one called `x+y.csv`. A path in any
/// other form (a raw `+` or non-ASCII byte, `%7E` for `~`, lower-case hex) is
/// refused with [`SignError::S3PathNotEncoded`]: S3 would encode it before
/// checking, and answer `SignatureDoesNotMatch`. reqwest parses the URI again
/// as a URL, which removes `.` and `..` segments; send keys with those through
/// ureq or hyper. [`sign_with`] signs S3 requests with `UNSIGNED-PAYLOAD` in
/// place of the body's hash.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ssooidc_token::{sign_for_service, SigningCredentials};
/// use zeroize::Zeroizing;
///
/// let mut request = http::Request::post("https://sts.eu-west-1.amazonaws.com/")
///     .header("content-type", "application/x-www-form-urlencoded")
///     .body(Zeroizing::new(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec()))?;
/// let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// sign_for_service(&mut request, &credentials, "eu-west-1", "sts", time)?;
/// let authorization = request.headers()["authorization"].to_str()?;
/// assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/eu-west-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="));
///
/// // S3: the key `2026 Q1.csv`, encoded once; the body's hash is sent and signed.
/// let mut request = http::Request::get("https://my-bucket.s3.eu-west-1.amazonaws.com/2026%20Q1.csv")
///     .body(Zeroizing::new(Vec::new()))?;
/// sign_for_service(&mut request, &credentials, "eu-west-1", "s3", time)?;
/// assert_eq!(
///     request.headers()["x-amz-content-sha256"],
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
/// );
/// assert!(request.headers()["authorization"].to_str()?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`sign`]; also [`SignError::InvalidSigningName`].
pub fn sign_for_service<B: ZeroizingBody>(
    request: &mut Request<B>,
    credentials: &SigningCredentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
) -> Result<(), SignError> {
    sign_with(
        request,
        credentials,
        region,
        signing_name,
        time,
        Payload::Sha256,
    )
}

/// What the signature says about the body: its SHA-256 (the default, and what
/// [`sign`] and [`sign_for_service`] use), or `UNSIGNED-PAYLOAD`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload {
    /// The body's SHA-256, as lower-case hex.
    #[default]
    Sha256,
    /// The literal `UNSIGNED-PAYLOAD`: the body is not covered by the signature,
    /// and is not read. S3 accepts it (over HTTPS, where TLS protects the body);
    /// most other services refuse it.
    Unsigned,
}

/// As [`sign_for_service`], with the choice of [`Payload`]. For S3
/// (`s3`, `s3-outposts`, `s3express`, `s3-object-lambda`) the `x-amz-content-sha256` header holds
/// the same value as the canonical request: the body's hash, or
/// `UNSIGNED-PAYLOAD`. Other services get no such header (as the SDK's signer
/// does by default).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ssooidc_token::{sign_with, Payload, SigningCredentials};
/// use zeroize::Zeroizing;
///
/// let mut request = http::Request::put("https://my-bucket.s3.us-east-1.amazonaws.com/report.csv")
///     .body(Zeroizing::new(b"a,b\n1,2\n".to_vec()))?;
/// let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// sign_with(&mut request, &credentials, "us-east-1", "s3", time, Payload::Unsigned)?;
/// assert_eq!(request.headers()["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`sign_for_service`].
pub fn sign_with<B: ZeroizingBody>(
    request: &mut Request<B>,
    credentials: &SigningCredentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
    payload: Payload,
) -> Result<(), SignError> {
    crate::secret::on_wiped_stack::<{ crate::secret::SIGNER_STACK }, _>(|| {
        sign_on_stack(request, credentials, region, signing_name, time, payload)
    })
}

/// [`sign_with`]'s work, whose stack is wiped after it.
fn sign_on_stack<B: ZeroizingBody>(
    request: &mut Request<B>,
    credentials: &SigningCredentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
    payload: Payload,
) -> Result<(), SignError> {
    check_inputs(credentials, region, signing_name)?;
    let stamp = AmzDate::new(time).ok_or(SignError::TimeOutOfRange)?;
    let token = credentials.session_token.as_ref();
    // Built (and checked) before anything is hashed, so a bad token changes nothing.
    let token_value = token.map(session_token_header).transpose()?;
    let s3 = S3_SIGNING_NAMES.contains(&signing_name);
    if s3 {
        check_s3_path(request.uri().path())?;
    }
    let payload_hash = match payload {
        Payload::Sha256 => PayloadHash::Sha256(hex(&Sha256::digest(request.body().body_bytes()))),
        Payload::Unsigned => PayloadHash::Unsigned,
    };

    let uri_host = if request.headers().contains_key(HOST) {
        None
    } else {
        Some(host_of(request.uri())?)
    };
    let headers = request.headers();
    let mut names: Vec<&str> = Vec::with_capacity(headers.keys_len() + 4);
    for name in headers.keys() {
        let name = name.as_str();
        let replaced = name == X_AMZ_DATE
            || (token.is_some() && name == X_AMZ_SECURITY_TOKEN)
            || (s3 && name == X_AMZ_CONTENT_SHA256);
        if !replaced && !UNSIGNED_HEADERS.contains(&name) {
            names.push(name);
        }
    }
    if uri_host.is_some() {
        names.push("host");
    }
    names.push(X_AMZ_DATE);
    if token.is_some() {
        names.push(X_AMZ_SECURITY_TOKEN);
    }
    if s3 {
        names.push(X_AMZ_CONTENT_SHA256);
    }
    names.sort_unstable();

    let signed_headers = join_names(&names);
    let canonical = Canonical {
        names: &names,
        signed_headers: &signed_headers,
        uri_host: uri_host.as_deref(),
        token,
        stamp: &stamp,
        payload_hash: payload_hash.as_bytes(),
        s3,
    };
    let canonical_hash = hash_canonical_request(request, &canonical)?;

    let signing_key = derive_signing_key(credentials, &stamp, region, signing_name);
    let mut to_sign = new_hmac(signing_key.as_bytes());
    for part in [
        ALGORITHM.as_bytes(),
        b"\n",
        stamp.date_time(),
        b"\n",
        stamp.date(),
        b"/",
        region.as_bytes(),
        b"/",
        signing_name.as_bytes(),
        b"/aws4_request\n",
        canonical_hash.as_slice(),
    ] {
        to_sign.update(part);
    }
    let signature = hex(&to_sign.finalize().into_bytes());
    drop(signing_key);

    let authorization = authorization_value(
        credentials,
        &stamp,
        region,
        signing_name,
        &signed_headers,
        &signature,
    );
    let content_sha256 = s3.then(|| payload_hash.header_value());
    let headers = request.headers_mut();
    headers.insert(
        const { HeaderName::from_static(X_AMZ_DATE) },
        HeaderValue::from_bytes(stamp.date_time()).map_err(|_| SignError::TimeOutOfRange)?,
    );
    if let Some(value) = token_value {
        headers.insert(
            const { HeaderName::from_static(X_AMZ_SECURITY_TOKEN) },
            value,
        );
    }
    if let Some(value) = content_sha256 {
        headers.insert(
            const { HeaderName::from_static(X_AMZ_CONTENT_SHA256) },
            value,
        );
    }
    headers.insert(AUTHORIZATION, authorization);
    Ok(())
}

/// The last line of the canonical request.
enum PayloadHash {
    Sha256([u8; 64]),
    Unsigned,
}

impl PayloadHash {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Sha256(hex) => hex,
            Self::Unsigned => UNSIGNED_PAYLOAD.as_bytes(),
        }
    }

    fn header_value(&self) -> HeaderValue {
        match self {
            // Lower-case hex digits: always a valid header value.
            Self::Sha256(hex) => HeaderValue::from_bytes(hex).unwrap_or_else(|_| unreachable!()),
            Self::Unsigned => HeaderValue::from_static(UNSIGNED_PAYLOAD),
        }
    }
}

/// What the canonical request is made of besides the request itself.
struct Canonical<'a> {
    names: &'a [&'a str],
    signed_headers: &'a str,
    uri_host: Option<&'a str>,
    token: Option<&'a SecretString>,
    stamp: &'a AmzDate,
    payload_hash: &'a [u8],
    /// S3's rules: the path as it stands.
    s3: bool,
}

/// SHA-256 of the canonical request, fed piece by piece (so nothing that holds
/// the session token is ever built), as lower-case hex.
fn hash_canonical_request<B: ZeroizingBody>(
    request: &Request<B>,
    parts: &Canonical<'_>,
) -> Result<[u8; 64], SignError> {
    let headers = request.headers();
    let mut canonical = Sha256::new();
    canonical.update(request.method().as_str().as_bytes());
    canonical.update(b"\n");
    if parts.s3 {
        hash_s3_path(&mut canonical, request.uri().path());
    } else {
        hash_canonical_path(&mut canonical, request.uri().path());
    }
    canonical.update(b"\n");
    hash_canonical_query(&mut canonical, request.uri().query());
    canonical.update(b"\n");
    for &name in parts.names {
        canonical.update(name.as_bytes());
        canonical.update(b":");
        match (name, parts.uri_host, parts.token) {
            ("host", Some(host), _) => canonical.update(host.as_bytes()),
            (X_AMZ_DATE, ..) => canonical.update(parts.stamp.date_time()),
            (X_AMZ_SECURITY_TOKEN, _, Some(token)) => {
                canonical.update(token.expose_secret().as_bytes());
            }
            (X_AMZ_CONTENT_SHA256, ..) if parts.s3 => canonical.update(parts.payload_hash),
            _ => {
                for (i, value) in headers.get_all(name).iter().enumerate() {
                    if value.to_str().is_err() {
                        return Err(SignError::InvalidHeaderValue {
                            name: name.to_owned(),
                        });
                    }
                    if i > 0 {
                        canonical.update(b",");
                    }
                    hash_trimmed(&mut canonical, value.as_bytes());
                }
            }
        }
        canonical.update(b"\n");
    }
    canonical.update(b"\n");
    canonical.update(parts.signed_headers.as_bytes());
    canonical.update(b"\n");
    canonical.update(parts.payload_hash);
    Ok(hex(&canonical.finalize()))
}

fn check_inputs(
    credentials: &SigningCredentials,
    region: &str,
    signing_name: &str,
) -> Result<(), SignError> {
    check_credential(CredentialField::AccessKeyId, &credentials.access_key_id)?;
    check_credential(
        CredentialField::SecretAccessKey,
        credentials.secret_access_key.expose_secret(),
    )?;
    if let Some(token) = &credentials.session_token {
        check_credential(CredentialField::SessionToken, token.expose_secret())?;
    }
    let id = credentials.access_key_id.as_bytes();
    if id.is_empty() || !id.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_') {
        return Err(SignError::InvalidAccessKeyId);
    }
    if credentials.secret_access_key.expose_secret().is_empty() {
        return Err(SignError::EmptySecretAccessKey);
    }
    if !crate::validation::is_region(region) {
        return Err(SignError::InvalidRegion);
    }
    let name = signing_name.as_bytes();
    if name.is_empty()
        || name.len() > 63
        || !name
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    {
        return Err(SignError::InvalidSigningName);
    }
    Ok(())
}

/// The session token as a header value whose bytes are wiped when the request
/// (and every clone of the header value) is dropped.
fn session_token_header(token: &SecretString) -> Result<HeaderValue, SignError> {
    crate::http::secret_header(token).ok_or(SignError::InvalidSessionToken)
}

/// The host to sign when the request has no `host` header: the URI's host, with
/// its port unless it is the scheme's default (as the SDK signs it), written as
/// hyper and ureq write the `Host` they send: without user info, the port as a
/// number (`:08443` is sent as `:8443`).
fn host_of(uri: &http::Uri) -> Result<Cow<'_, str>, SignError> {
    let authority = uri.authority().ok_or(SignError::MissingHost)?;
    let Some(port) = authority.port() else {
        return Ok(Cow::Borrowed(authority.host()));
    };
    let default_port = matches!(
        (uri.scheme_str(), port.as_u16()),
        (Some("http"), 80) | (Some("https"), 443)
    );
    if default_port {
        return Ok(Cow::Borrowed(authority.host()));
    }
    // A port written otherwise than as its number (`08443`, `+8443`, both of
    // which the URI parser takes) goes out as its number.
    let digits = port.as_str();
    if digits.starts_with('+') || (digits.len() > 1 && digits.starts_with('0')) {
        return Ok(Cow::Owned(format!("{}:{}", authority.host(), port)));
    }
    // Without user info (the URI parser keeps it in the authority).
    Ok(Cow::Borrowed(
        authority
            .as_str()
            .rsplit_once('@')
            .map_or(authority.as_str(), |(_, host)| host),
    ))
}

/// Feeds a header value with leading and trailing spaces removed and inner runs
/// of spaces collapsed to one (only spaces: SigV4 leaves tabs as they are).
fn hash_trimmed(hasher: &mut Sha256, value: &[u8]) {
    let start = value.iter().position(|&b| b != b' ');
    let Some(start) = start else { return };
    let end = value
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |e| e + 1);
    let value = &value[start..end];
    let mut run_start = 0;
    let mut i = 0;
    while i < value.len() {
        if value[i] == b' ' && value.get(i + 1) == Some(&b' ') {
            hasher.update(&value[run_start..=i]);
            while value.get(i + 1) == Some(&b' ') {
                i += 1;
            }
            run_start = i + 1;
        }
        i += 1;
    }
    hasher.update(&value[run_start..]);
}

fn percent_encode(hasher: &mut Sha256, bytes: &[u8], keep_slash: bool) {
    crate::hex::percent_encode(
        bytes,
        |b| crate::validation::unreserved_byte(b) || (keep_slash && b == b'/'),
        |piece| hasher.update(piece),
    );
}

/// The canonical URI: the path with dot segments and empty segments removed
/// (RFC 3986 5.2.4, as the SDK normalizes it), then percent-encoded again (so an
/// encoded `%20` is signed as `%2520`).
fn hash_canonical_path(hasher: &mut Sha256, path: &str) {
    if path.is_empty() {
        hasher.update(b"/");
        return;
    }
    let needs_normalizing = !path.starts_with('/') || path.contains('.') || path.contains("//");
    if !needs_normalizing {
        percent_encode(hasher, path.as_bytes(), true);
        return;
    }
    let absolute;
    let path = if path.starts_with('/') {
        path
    } else {
        absolute = format!("/{path}");
        &absolute
    };
    if !(path.contains('.') || path.contains("//")) {
        percent_encode(hasher, path.as_bytes(), true);
        return;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    hasher.update(b"/");
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            hasher.update(b"/");
        }
        percent_encode(hasher, segment.as_bytes(), true);
    }
    let ends_with_slash = ["/", "/.", "/./", "/..", "/../"]
        .iter()
        .any(|end| path.ends_with(end));
    if ends_with_slash && !segments.is_empty() {
        hasher.update(b"/");
    }
}

/// Whether `path` is in the form the SDK writes for S3: the bytes it leaves as
/// they are (unreserved, `/`) and escapes it would write (`%` and two
/// upper-case hex digits, of a byte that is not unreserved). `%2F` passes:
/// the SDK writes it for a `/` inside a single path label (S3 Control's
/// Outposts ARNs). Anything else S3 reads differently from how it is signed.
/// An empty path (only an authority-form URI has one) is signed as `/`, which
/// passes.
fn check_s3_path(path: &str) -> Result<(), SignError> {
    const fn upper_hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let escaped = match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(&hi), Some(&lo)) => upper_hex(hi).zip(upper_hex(lo)).map(|(h, l)| h << 4 | l),
                _ => None,
            };
            match escaped {
                Some(byte) if !crate::validation::unreserved(byte) => i += 3,
                _ => return Err(SignError::S3PathNotEncoded { position: i }),
            }
        } else if crate::validation::unreserved(b) || b == b'/' {
            i += 1;
        } else {
            return Err(SignError::S3PathNotEncoded { position: i });
        }
    }
    Ok(())
}

/// S3's canonical URI: the path exactly as the URI holds it, neither
/// normalized nor encoded again, as the SDK's signer signs it for S3
/// (`PercentEncodingMode::Single`, `UriPathNormalizationMode::Disabled`).
/// [`check_s3_path`] has made sure that it is already what S3 would make of
/// it: the SDK percent-encodes object keys before they reach the URI, and
/// `http::Uri` also takes raw UTF-8, `"`, `{` and `}` in a path, which the
/// SDK's signer would sign as they stand and S3 would not accept. An empty path
/// (only an authority-form URI has one) is signed as `/`.
fn hash_s3_path(hasher: &mut Sha256, path: &str) {
    debug_assert!(check_s3_path(path).is_ok());
    hasher.update(if path.is_empty() { "/" } else { path }.as_bytes());
}

/// Decodes one `application/x-www-form-urlencoded` name or value as the SDK's
/// signer reads the query (`+` is a space, `%XX` a byte, a bad escape stays as
/// it is, invalid UTF-8 becomes U+FFFD).
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |b: Option<&u8>| b.and_then(|&b| char::from(b).to_digit(16));
                if let (Some(hi), Some(lo)) = (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                    // Two hex digits make one byte.
                    out.push(u8::try_from(hi * 16 + lo).unwrap_or(0));
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The canonical query: each name and value decoded, percent-encoded (all but
/// the unreserved characters), sorted by name, then value.
fn hash_canonical_query(hasher: &mut Sha256, query: Option<&str>) {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return;
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                crate::hex::percent_encode_unreserved(&form_decode(name)),
                crate::hex::percent_encode_unreserved(&form_decode(value)),
            )
        })
        .collect();
    pairs.sort();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            hasher.update(b"&");
        }
        hasher.update(name.as_bytes());
        hasher.update(b"=");
        hasher.update(value.as_bytes());
    }
}

fn join_names(names: &[&str]) -> String {
    let len = names.iter().map(|n| n.len() + 1).sum::<usize>();
    let mut joined = String::with_capacity(len);
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            joined.push(';');
        }
        joined.push_str(name);
    }
    joined
}

fn new_hmac(key: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length.
    <HmacSha256 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

/// A MAC whose bytes are wiped when it is dropped (digest's `CtOutput`, with the
/// `zeroize` feature).
type Key = hmac::digest::CtOutput<HmacSha256>;

fn hmac(key: &[u8], data: &[u8]) -> Key {
    let mut mac = new_hmac(key);
    mac.update(data);
    mac.finalize()
}

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
/// "aws4_request"). Every intermediate is wiped when dropped: the `"AWS4" +
/// secret` key sits in one exact-size zeroizing buffer, the MACs in `CtOutput`s
/// (the stack temporaries are wiped by [`sign_with`]).
fn derive_signing_key(
    credentials: &SigningCredentials,
    stamp: &AmzDate,
    region: &str,
    signing_name: &str,
) -> Key {
    let secret = credentials.secret_access_key.expose_secret().as_bytes();
    let mut k_secret = Zeroizing::new(Vec::with_capacity(4 + secret.len()));
    k_secret.extend_from_slice(b"AWS4");
    k_secret.extend_from_slice(secret);
    let k_date = hmac(&k_secret, stamp.date());
    drop(k_secret);
    let k_region = hmac(k_date.as_bytes(), region.as_bytes());
    let k_service = hmac(k_region.as_bytes(), signing_name.as_bytes());
    hmac(k_service.as_bytes(), b"aws4_request")
}

fn authorization_value(
    credentials: &SigningCredentials,
    stamp: &AmzDate,
    region: &str,
    signing_name: &str,
    signed_headers: &str,
    signature: &[u8; 64],
) -> HeaderValue {
    let mut value = String::with_capacity(
        ALGORITHM.len()
            + 70
            + credentials.access_key_id.len()
            + region.len()
            + signing_name.len()
            + signed_headers.len()
            + signature.len(),
    );
    for part in [
        ALGORITHM,
        " Credential=",
        &credentials.access_key_id,
        "/",
        std::str::from_utf8(stamp.date()).unwrap_or_default(),
        "/",
        region,
        "/",
        signing_name,
        "/aws4_request, SignedHeaders=",
        signed_headers,
        ", Signature=",
        std::str::from_utf8(signature).unwrap_or_default(),
    ] {
        value.push_str(part);
    }
    // Every part was checked to be visible ASCII.
    HeaderValue::try_from(value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn hex(bytes: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&crate::hex::lower(b));
    }
    out
}

impl<G: IamGrant> CreateTokenWithIam<G> {
    /// The request as a signed [`http::Request`], ready to send: [`to_http_at`]
    /// followed by [`sign`].
    ///
    /// [`to_http_at`]: CreateTokenWithIam::to_http_at
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use ssooidc_token::{CreateTokenWithIam, Endpoint, SigningCredentials};
    ///
    /// let request = CreateTokenWithIam::refresh_token()
    ///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
    ///     .refresh_token("aorv-example")
    ///     .build()?;
    /// let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let signed = request.to_signed_http(&Endpoint::new("us-east-1")?, &credentials, now)?;
    /// let authorization = signed.headers()["authorization"].to_str()?;
    /// assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/sso-oauth/aws4_request"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`SignError`] if signing fails.
    pub fn to_signed_http(
        &self,
        endpoint: &Endpoint,
        credentials: &SigningCredentials,
        time: SystemTime,
    ) -> Result<Request<JsonBody>, SignError> {
        let mut request = self.to_http_at(endpoint);
        sign(&mut request, credentials, endpoint.region(), time)?;
        Ok(request)
    }
}
