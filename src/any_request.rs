//! Parsing request bodies back into typed requests, for proxies, mock servers and
//! tests: the same rules as the builders, enforced on JSON.

use secrecy::SecretString;

use crate::error::{ParseError, ParseErrorKind};
use crate::fields::GrantFields;
use crate::grant::{
    AuthorizationCode, DeviceCode, Grant, IamGrant, JwtBearer, PublicClientGrant, RefreshToken,
    TokenExchange,
};
use crate::json::Reader;
use crate::{CreateToken, CreateTokenWithIam, JsonBody, TokenType};

/// A request member, by wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    Assertion,
    ClientId,
    ClientSecret,
    Code,
    CodeVerifier,
    DeviceCode,
    GrantType,
    RedirectUri,
    RefreshToken,
    RequestedTokenType,
    Scope,
    SubjectToken,
    SubjectTokenType,
}

impl Member {
    /// In wire order.
    const ALL: [Self; 13] = [
        Self::Assertion,
        Self::ClientId,
        Self::ClientSecret,
        Self::Code,
        Self::CodeVerifier,
        Self::DeviceCode,
        Self::GrantType,
        Self::RedirectUri,
        Self::RefreshToken,
        Self::RequestedTokenType,
        Self::Scope,
        Self::SubjectToken,
        Self::SubjectTokenType,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Assertion => "assertion",
            Self::ClientId => "clientId",
            Self::ClientSecret => "clientSecret",
            Self::Code => "code",
            Self::CodeVerifier => "codeVerifier",
            Self::DeviceCode => "deviceCode",
            Self::GrantType => "grantType",
            Self::RedirectUri => "redirectUri",
            Self::RefreshToken => "refreshToken",
            Self::RequestedTokenType => "requestedTokenType",
            Self::Scope => "scope",
            Self::SubjectToken => "subjectToken",
            Self::SubjectTokenType => "subjectTokenType",
        }
    }

    /// The builder field (snake case) for this member.
    fn field(self) -> &'static str {
        match self {
            Self::Assertion => "assertion",
            Self::ClientId => "client_id",
            Self::ClientSecret => "client_secret",
            Self::Code => "code",
            Self::CodeVerifier => "code_verifier",
            Self::DeviceCode => "device_code",
            Self::GrantType => "grant_type",
            Self::RedirectUri => "redirect_uri",
            Self::RefreshToken => "refresh_token",
            Self::RequestedTokenType => "requested_token_type",
            Self::Scope => "scope",
            Self::SubjectToken => "subject_token",
            Self::SubjectTokenType => "subject_token_type",
        }
    }

    /// The member a builder field is sent as.
    fn of_field(field: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.field() == field)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// Every member a request body may hold, as read, before the grant decides which
/// it needs. Secrets are held zeroizing from the moment they are decoded.
#[derive(Debug, Default)]
pub struct RequestMembers {
    present: u16,
    pub(crate) assertion: Option<SecretString>,
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<SecretString>,
    pub(crate) code: Option<SecretString>,
    pub(crate) code_verifier: Option<SecretString>,
    pub(crate) device_code: Option<SecretString>,
    grant_type: Option<String>,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) refresh_token: Option<SecretString>,
    pub(crate) requested_token_type: Option<TokenType>,
    pub(crate) scope: Option<Vec<String>>,
    pub(crate) subject_token: Option<SecretString>,
    pub(crate) subject_token_type: Option<TokenType>,
}

impl RequestMembers {
    fn read(body: &[u8]) -> Result<Self, ParseError> {
        let mut m = Self::default();
        let mut reader = Reader::new(body);
        reader.object(|r, key| {
            let member = key
                .as_bytes()
                .and_then(|name| {
                    Member::ALL
                        .into_iter()
                        .find(|m| m.name().as_bytes() == name)
                })
                .ok_or_else(|| {
                    ParseError::new(ParseErrorKind::UnknownMember, None, Some(key.offset))
                })?;
            if m.present & member.bit() != 0 {
                return Err(ParseError::new(
                    ParseErrorKind::Duplicate,
                    Some(member.name()),
                    Some(key.offset),
                ));
            }
            m.present |= member.bit();
            m.read_value(r, member)
                .map_err(|e| e.in_member(member.name()))
        })?;
        reader.end()?;
        Ok(m)
    }

    fn read_value(&mut self, r: &mut Reader<'_>, member: Member) -> Result<(), ParseError> {
        let token_type = |r: &mut Reader<'_>| r.string().map(|uri| TokenType::from_uri(&uri));
        match member {
            Member::Assertion => self.assertion = Some(r.secret()?),
            Member::ClientId => self.client_id = Some(r.string()?),
            Member::ClientSecret => self.client_secret = Some(r.secret()?),
            Member::Code => self.code = Some(r.secret()?),
            Member::CodeVerifier => self.code_verifier = Some(r.secret()?),
            Member::DeviceCode => self.device_code = Some(r.secret()?),
            Member::GrantType => self.grant_type = Some(r.string()?),
            Member::RedirectUri => self.redirect_uri = Some(r.string()?),
            Member::RefreshToken => self.refresh_token = Some(r.secret()?),
            Member::RequestedTokenType => self.requested_token_type = Some(token_type(r)?),
            Member::Scope => self.scope = Some(r.strings()?),
            Member::SubjectToken => self.subject_token = Some(r.secret()?),
            Member::SubjectTokenType => self.subject_token_type = Some(token_type(r)?),
        }
        Ok(())
    }

    /// Refuses members other than those of the builder `fields` (and `grantType`),
    /// naming the first in wire order.
    pub(crate) fn only(&self, fields: &[&str], grant: &'static str) -> Result<(), ParseError> {
        let mut mask = Member::GrantType.bit();
        for member in fields.iter().filter_map(|f| Member::of_field(f)) {
            mask |= member.bit();
        }
        match Member::ALL
            .into_iter()
            .find(|m| self.present & !mask & m.bit() != 0)
        {
            Some(foreign) => Err(ParseError::new(
                ParseErrorKind::NotUsedByGrant { grant },
                Some(foreign.name()),
                None,
            )),
            None => Ok(()),
        }
    }
}

/// A required member's value, or an error naming it (by wire name) and the grant.
pub(crate) fn required<T>(
    slot: Option<T>,
    field: &'static str,
    grant: &'static str,
) -> Result<T, ParseError> {
    slot.ok_or_else(|| {
        ParseError::new(
            ParseErrorKind::Missing { grant: Some(grant) },
            Some(Member::of_field(field).map_or(field, Member::name)),
            None,
        )
    })
}

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
