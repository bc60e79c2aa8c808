//! Token responses: what `CreateTokenWithIAM` and `CreateToken` return on success.

use std::fmt;
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};

use crate::error::{ParseError, ParseErrorKind};
use crate::json::{optional, Reader};
use crate::TokenType;

/// The members both responses share, read in one pass.
#[derive(Default)]
struct Members {
    access_token: Option<SecretString>,
    token_type: Option<String>,
    expires_in: Option<Duration>,
    refresh_token: Option<SecretString>,
    id_token: Option<SecretString>,
    issued_token_type: Option<TokenType>,
    scope: Option<Vec<String>>,
    aws_additional_details: Option<AwsAdditionalDetails>,
}

impl Members {
    /// Reads the body; returns the (required) access token apart from the rest.
    fn read(body: &[u8], iam: bool) -> Result<(SecretString, Self), ParseError> {
        let mut m = Self::default();
        let mut seen = [false; 8];
        let mut reader = Reader::new(body);
        reader.object(|r, key| {
            let at = key.offset;
            match key.as_bytes() {
                Some(b"accessToken") => optional(
                    r,
                    &mut m.access_token,
                    &mut seen[0],
                    "accessToken",
                    at,
                    |r| {
                        let token = r.secret()?;
                        check_access_token(&token).map_err(|e| e.at(at))?;
                        Ok(token)
                    },
                ),
                Some(b"tokenType") => optional(
                    r,
                    &mut m.token_type,
                    &mut seen[1],
                    "tokenType",
                    at,
                    Reader::string,
                ),
                Some(b"expiresIn") => {
                    optional(r, &mut m.expires_in, &mut seen[2], "expiresIn", at, |r| {
                        lifetime(r.integer()?).map_err(|e| e.at(at))
                    })
                }
                Some(b"refreshToken") => optional(
                    r,
                    &mut m.refresh_token,
                    &mut seen[3],
                    "refreshToken",
                    at,
                    Reader::secret,
                ),
                Some(b"idToken") => optional(
                    r,
                    &mut m.id_token,
                    &mut seen[4],
                    "idToken",
                    at,
                    Reader::secret,
                ),
                Some(b"issuedTokenType") if iam => optional(
                    r,
                    &mut m.issued_token_type,
                    &mut seen[5],
                    "issuedTokenType",
                    at,
                    |r| r.string().map(|uri| TokenType::from_uri(&uri)),
                ),
                Some(b"scope") if iam => {
                    optional(r, &mut m.scope, &mut seen[6], "scope", at, Reader::strings)
                }
                Some(b"awsAdditionalDetails") if iam => optional(
                    r,
                    &mut m.aws_additional_details,
                    &mut seen[7],
                    "awsAdditionalDetails",
                    at,
                    AwsAdditionalDetails::read,
                ),
                // AWS adds members over time: skip what this version does not know.
                _ => r.skip(),
            }
        })?;
        reader.end()?;
        let access_token = m.access_token.take().ok_or_else(|| {
            ParseError::new(
                ParseErrorKind::Missing { grant: None },
                Some("accessToken"),
                None,
            )
        })?;
        Ok((access_token, m))
    }
}

/// Refuses an empty `accessToken`: a response that grants nothing usable.
pub(crate) fn check_access_token(token: &SecretString) -> Result<(), ParseError> {
    if token.expose_secret().is_empty() {
        return Err(ParseError::new(
            ParseErrorKind::Empty,
            Some("accessToken"),
            None,
        ));
    }
    Ok(())
}

/// `expiresIn` as a lifetime; a negative number is refused.
pub(crate) fn lifetime(seconds: i32) -> Result<Duration, ParseError> {
    u64::try_from(seconds)
        .map(Duration::from_secs)
        .map_err(|_| ParseError::new(ParseErrorKind::Negative, Some("expiresIn"), None))
}

/// The members both responses share, from the JSON reader or from the SDK.
pub(crate) struct TokenParts {
    pub(crate) access_token: SecretString,
    pub(crate) token_type: Option<String>,
    pub(crate) expires_in: Option<Duration>,
    pub(crate) refresh_token: Option<SecretString>,
    pub(crate) id_token: Option<SecretString>,
}

/// `awsAdditionalDetails`: details AWS adds to a `CreateTokenWithIAM` response.
/// The identity context is held zeroizing; `Debug` redacts it.
#[derive(Debug, Default)]
pub struct AwsAdditionalDetails {
    identity_context: Option<SecretString>,
}

impl AwsAdditionalDetails {
    #[cfg_attr(not(feature = "aws-sdk"), allow(dead_code))]
    pub(crate) fn new(identity_context: Option<SecretString>) -> Self {
        Self { identity_context }
    }

    /// `identityContext`: the `sts:identity_context` claim of the ID token, to pass
    /// to STS as a context assertion (with feature `sts`:
    /// `sts::IdentityContext::from_response`).
    #[must_use]
    pub fn identity_context(&self) -> Option<&SecretString> {
        self.identity_context.as_ref()
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, ParseError> {
        let mut details = Self::default();
        let mut seen = false;
        reader.object(|r, key| match key.as_bytes() {
            Some(b"identityContext") => optional(
                r,
                &mut details.identity_context,
                &mut seen,
                "identityContext",
                key.offset,
                Reader::secret,
            ),
            _ => r.skip(),
        })?;
        Ok(details)
    }
}

/// The successful response of `CreateTokenWithIAM`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ssooidc_token::{CreateTokenWithIamResponse, ExposeSecret, TokenType};
///
/// let body = br#"{"accessToken":"aoal-example","tokenType":"Bearer","expiresIn":3600,
///     "refreshToken":"aorv-example","idToken":"eyJ.eyJ.c2ln",
///     "issuedTokenType":"urn:ietf:params:oauth:token-type:refresh_token",
///     "scope":["openid","aws"],"awsAdditionalDetails":{"identityContext":"EXAMPLE"},
///     "aNewMember":{"ignored":[1,2,3]}}"#;
/// let response = CreateTokenWithIamResponse::from_json(body)?;
/// assert_eq!(response.access_token().expose_secret(), "aoal-example");
/// assert_eq!(response.issued_token_type(), Some(&TokenType::RefreshToken));
/// assert_eq!(response.expires_at(UNIX_EPOCH), Some(UNIX_EPOCH + Duration::from_secs(3600)));
/// let context = response.aws_additional_details().and_then(|d| d.identity_context());
/// assert_eq!(context.map(|c| c.expose_secret()), Some("EXAMPLE"));
/// assert!(!format!("{response:?}").contains("aoal-example"));
/// # Ok::<(), ssooidc_token::ParseError>(())
/// ```
pub struct CreateTokenWithIamResponse {
    token: CreateTokenResponse,
    issued_token_type: Option<TokenType>,
    scope: Vec<String>,
    aws_additional_details: Option<AwsAdditionalDetails>,
}

/// The successful response of `CreateToken`.
///
/// ```
/// use ssooidc_token::{CreateTokenResponse, ExposeSecret};
///
/// let response = CreateTokenResponse::from_json(br#"{"accessToken":"aoal-example","tokenType":"Bearer","expiresIn":28800}"#)?;
/// assert_eq!(response.expires_in(), Some(std::time::Duration::from_secs(28800)));
/// assert!(response.refresh_token().is_none());
/// # Ok::<(), ssooidc_token::ParseError>(())
/// ```
pub struct CreateTokenResponse {
    access_token: SecretString,
    token_type: Option<String>,
    expires_in: Option<Duration>,
    refresh_token: Option<SecretString>,
    id_token: Option<SecretString>,
}

impl CreateTokenResponse {
    /// Parses a `CreateToken` response body. Members this version does not know are
    /// ignored; a missing `accessToken`, a member of the wrong JSON type or a
    /// duplicated member is an error naming the member. Secrets are decoded straight
    /// into zeroizing buffers.
    ///
    /// # Errors
    /// A [`ParseError`] naming the member and the problem; it never holds a value.
    pub fn from_json(body: &[u8]) -> Result<Self, ParseError> {
        Members::read(body, false).map(|(access_token, m)| Self::from_members(access_token, m))
    }

    fn from_members(access_token: SecretString, m: Members) -> Self {
        Self::from_parts(TokenParts {
            access_token,
            token_type: m.token_type,
            expires_in: m.expires_in,
            refresh_token: m.refresh_token,
            id_token: m.id_token,
        })
    }

    pub(crate) fn from_parts(parts: TokenParts) -> Self {
        Self {
            access_token: parts.access_token,
            token_type: parts.token_type,
            expires_in: parts.expires_in,
            refresh_token: parts.refresh_token,
            id_token: parts.id_token,
        }
    }

    /// `accessToken`.
    #[must_use]
    pub fn access_token(&self) -> &SecretString {
        &self.access_token
    }

    /// `tokenType` (`Bearer`), if sent.
    #[must_use]
    pub fn token_type(&self) -> Option<&str> {
        self.token_type.as_deref()
    }

    /// `expiresIn`: the access token's lifetime, or `None` if the response did not
    /// say (a negative `expiresIn` is refused when parsing).
    ///
    /// Through the SDK (`send_with`) an absent `expiresIn` reads as zero: the SDK's
    /// output type does not tell the two apart.
    #[must_use]
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }

    /// When the access token expires, given when the response was received; `None`
    /// if the response did not say.
    #[must_use]
    pub fn expires_at(&self, issued_at: SystemTime) -> Option<SystemTime> {
        let lifetime = self.expires_in?;
        Some(issued_at.checked_add(lifetime).unwrap_or(issued_at))
    }

    /// `refreshToken`, if one was issued.
    #[must_use]
    pub fn refresh_token(&self) -> Option<&SecretString> {
        self.refresh_token.as_ref()
    }

    /// `idToken` (a JWT), if one was issued.
    #[must_use]
    pub fn id_token(&self) -> Option<&SecretString> {
        self.id_token.as_ref()
    }
}

impl CreateTokenWithIamResponse {
    /// Parses a `CreateTokenWithIAM` response body. Members this version does not
    /// know are ignored, and so is a token-type URI it does not know (kept as
    /// [`TokenType::Unknown`]); a missing `accessToken`, a member of the wrong JSON
    /// type or a duplicated member is an error naming the member. Secrets are
    /// decoded straight into zeroizing buffers.
    ///
    /// # Errors
    /// A [`ParseError`] naming the member and the problem; it never holds a value.
    pub fn from_json(body: &[u8]) -> Result<Self, ParseError> {
        let (access_token, mut m) = Members::read(body, true)?;
        let issued_token_type = m.issued_token_type.take();
        let scope = m.scope.take().unwrap_or_default();
        let aws_additional_details = m.aws_additional_details.take();
        Ok(Self {
            token: CreateTokenResponse::from_members(access_token, m),
            issued_token_type,
            scope,
            aws_additional_details,
        })
    }

    #[cfg_attr(not(feature = "aws-sdk"), allow(dead_code))]
    pub(crate) fn from_parts(
        parts: TokenParts,
        issued_token_type: Option<TokenType>,
        scope: Vec<String>,
        aws_additional_details: Option<AwsAdditionalDetails>,
    ) -> Self {
        Self {
            token: CreateTokenResponse::from_parts(parts),
            issued_token_type,
            scope,
            aws_additional_details,
        }
    }

    /// `issuedTokenType`, if sent; an unknown URI is kept as [`TokenType::Unknown`].
    #[must_use]
    pub fn issued_token_type(&self) -> Option<&TokenType> {
        self.issued_token_type.as_ref()
    }

    /// `scope`: the scopes granted (empty if not sent).
    #[must_use]
    pub fn scope(&self) -> &[String] {
        &self.scope
    }

    /// `awsAdditionalDetails`, if sent.
    #[must_use]
    pub fn aws_additional_details(&self) -> Option<&AwsAdditionalDetails> {
        self.aws_additional_details.as_ref()
    }
}

/// The members shared with `CreateToken`'s response (`access_token()`,
/// `expires_in()`, `refresh_token()`...).
impl std::ops::Deref for CreateTokenWithIamResponse {
    type Target = CreateTokenResponse;
    fn deref(&self) -> &CreateTokenResponse {
        &self.token
    }
}

/// Secrets show as `[REDACTED]`.
impl fmt::Debug for CreateTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateTokenResponse")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token)
            .field("id_token", &self.id_token)
            .finish()
    }
}

/// Secrets show as `[REDACTED]`.
impl fmt::Debug for CreateTokenWithIamResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateTokenWithIamResponse")
            .field("token", &self.token)
            .field("issued_token_type", &self.issued_token_type)
            .field("scope", &self.scope)
            .field("aws_additional_details", &self.aws_additional_details)
            .finish()
    }
}
