//! Parsing request bodies back into typed requests, for proxies, mock servers and
//! tests: the same rules as the builders, enforced on JSON.

use crate::error::{ParseError, ParseErrorKind};
use crate::fields::{GrantFields, RequestMembers};
use crate::grant::{
    AuthorizationCode, DeviceCode, Grant, IamGrant, JwtBearer, PublicClientGrant, RefreshToken,
    TokenExchange,
};
use crate::{CreateToken, CreateTokenWithIam, JsonBody};

fn content(err: crate::BuildError) -> ParseError {
    ParseError::new(ParseErrorKind::Content(err), None, None)
}

fn grant_type(m: &mut RequestMembers) -> Result<String, ParseError> {
    m.grant_type.take().ok_or_else(|| {
        ParseError::new(
            ParseErrorKind::Missing { grant: None },
            Some("grantType"),
            None,
        )
    })
}

fn iam<G: IamGrant>(m: RequestMembers) -> Result<CreateTokenWithIam<G>, ParseError> {
    CreateTokenWithIam::from_fields(G::Fields::from_members(m)?).map_err(content)
}

fn public<G: PublicClientGrant>(m: RequestMembers) -> Result<CreateToken<G>, ParseError> {
    CreateToken::from_fields(G::Fields::from_members(m)?).map_err(content)
}

fn wrong_operation(grant_type: &'static str, accepted_by: &'static str) -> ParseError {
    ParseError::new(
        ParseErrorKind::WrongOperation {
            grant_type,
            accepted_by,
        },
        Some("grantType"),
        None,
    )
}

fn unknown_grant_type() -> ParseError {
    ParseError::new(ParseErrorKind::UnknownGrantType, Some("grantType"), None)
}

/// A `CreateTokenWithIAM` request body of any grant, parsed and checked.
///
/// ```
/// use ssooidc_token::{AnyCreateTokenWithIam, ExposeSecret};
///
/// let body = br#"{"clientId":"arn:aws:sso::123456789012:application/ssoins-1/apl-2","grantType":"refresh_token","refreshToken":"aorv-example"}"#;
/// let AnyCreateTokenWithIam::RefreshToken(request) = AnyCreateTokenWithIam::from_json(body)? else {
///     panic!("a refresh-token request");
/// };
/// assert_eq!(request.refresh_token().expose_secret(), "aorv-example");
/// assert_eq!(request.to_json().expose_secret(), body);
///
/// let err = AnyCreateTokenWithIam::from_json(
///     br#"{"clientId":"c","grantType":"urn:ietf:params:oauth:grant-type:token-exchange","refreshToken":"r"}"#,
/// ).unwrap_err();
/// assert_eq!(err.to_string(), "refreshToken is not used by the token-exchange grant");
/// # Ok::<(), ssooidc_token::ParseError>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyCreateTokenWithIam {
    /// `authorization_code`.
    AuthorizationCode(CreateTokenWithIam<AuthorizationCode>),
    /// `refresh_token`.
    RefreshToken(CreateTokenWithIam<RefreshToken>),
    /// `urn:ietf:params:oauth:grant-type:jwt-bearer`.
    JwtBearer(CreateTokenWithIam<JwtBearer>),
    /// `urn:ietf:params:oauth:grant-type:token-exchange`.
    TokenExchange(CreateTokenWithIam<TokenExchange>),
}

impl AnyCreateTokenWithIam {
    /// Parses a request body: the grant comes from `grantType`, and the body must
    /// have exactly that grant's members, with the content rules of `build()`.
    /// `"scope":[]` (which the SDK sends for an empty list) reads as no scope,
    /// so [`to_json`](CreateTokenWithIam::to_json) leaves the member out.
    ///
    /// # Errors
    /// A [`ParseError`] for a missing or unknown `grantType`, a missing required
    /// member (naming it and the grant), a member of another grant, an unknown or
    /// duplicated member, a value of the wrong JSON type, malformed JSON, or a
    /// content rule (wrapping the [`BuildError`](crate::BuildError)).
    pub fn from_json(body: &[u8]) -> Result<Self, ParseError> {
        let mut m = RequestMembers::read(body)?;
        let grant_type = grant_type(&mut m)?;
        match grant_type.as_str() {
            AuthorizationCode::GRANT_TYPE => iam(m).map(Self::AuthorizationCode),
            RefreshToken::GRANT_TYPE => iam(m).map(Self::RefreshToken),
            JwtBearer::GRANT_TYPE => iam(m).map(Self::JwtBearer),
            TokenExchange::GRANT_TYPE => iam(m).map(Self::TokenExchange),
            DeviceCode::GRANT_TYPE => Err(wrong_operation(DeviceCode::GRANT_TYPE, "CreateToken")),
            _ => Err(unknown_grant_type()),
        }
    }

    /// The body of the request, as [`CreateTokenWithIam::to_json`] writes it.
    #[must_use]
    pub fn to_json(&self) -> JsonBody {
        match self {
            Self::AuthorizationCode(r) => r.to_json(),
            Self::RefreshToken(r) => r.to_json(),
            Self::JwtBearer(r) => r.to_json(),
            Self::TokenExchange(r) => r.to_json(),
        }
    }

    /// `grantType`.
    #[must_use]
    pub fn grant_type(&self) -> &'static str {
        match self {
            Self::AuthorizationCode(r) => r.grant_type(),
            Self::RefreshToken(r) => r.grant_type(),
            Self::JwtBearer(r) => r.grant_type(),
            Self::TokenExchange(r) => r.grant_type(),
        }
    }
}

/// A `CreateToken` request body of any grant, parsed and checked.
///
/// ```
/// use ssooidc_token::AnyCreateToken;
///
/// let err = AnyCreateToken::from_json(br#"{"clientId":"c","clientSecret":"s","grantType":"urn:ietf:params:oauth:grant-type:device_code"}"#).unwrap_err();
/// assert_eq!(err.to_string(), "missing member `deviceCode`, required by the device-code grant");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyCreateToken {
    /// `authorization_code`.
    AuthorizationCode(CreateToken<AuthorizationCode>),
    /// `urn:ietf:params:oauth:grant-type:device_code`.
    DeviceCode(CreateToken<DeviceCode>),
    /// `refresh_token`.
    RefreshToken(CreateToken<RefreshToken>),
}

impl AnyCreateToken {
    /// Parses a request body, as [`AnyCreateTokenWithIam::from_json`] does.
    ///
    /// # Errors
    /// As [`AnyCreateTokenWithIam::from_json`].
    pub fn from_json(body: &[u8]) -> Result<Self, ParseError> {
        let mut m = RequestMembers::read(body)?;
        let grant_type = grant_type(&mut m)?;
        match grant_type.as_str() {
            AuthorizationCode::GRANT_TYPE => public(m).map(Self::AuthorizationCode),
            DeviceCode::GRANT_TYPE => public(m).map(Self::DeviceCode),
            RefreshToken::GRANT_TYPE => public(m).map(Self::RefreshToken),
            JwtBearer::GRANT_TYPE => {
                Err(wrong_operation(JwtBearer::GRANT_TYPE, "CreateTokenWithIAM"))
            }
            TokenExchange::GRANT_TYPE => Err(wrong_operation(
                TokenExchange::GRANT_TYPE,
                "CreateTokenWithIAM",
            )),
            _ => Err(unknown_grant_type()),
        }
    }

    /// The body of the request, as [`CreateToken::to_json`] writes it.
    #[must_use]
    pub fn to_json(&self) -> JsonBody {
        match self {
            Self::AuthorizationCode(r) => r.to_json(),
            Self::DeviceCode(r) => r.to_json(),
            Self::RefreshToken(r) => r.to_json(),
        }
    }

    /// `grantType`.
    #[must_use]
    pub fn grant_type(&self) -> &'static str {
        match self {
            Self::AuthorizationCode(r) => r.grant_type(),
            Self::DeviceCode(r) => r.grant_type(),
            Self::RefreshToken(r) => r.grant_type(),
        }
    }
}
