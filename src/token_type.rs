//! Token-type URIs (RFC 8693 section 3, plus the one AWS defines).

use std::fmt;

/// A token-type URI, as used by `subjectTokenType`, `requestedTokenType` and a
/// response's `issuedTokenType`.
///
/// ```
/// use ssooidc_token::TokenType;
///
/// assert_eq!(TokenType::AccessToken.as_str(), "urn:ietf:params:oauth:token-type:access_token");
/// assert_eq!(TokenType::from_uri("urn:amazon:webservices:token"), TokenType::AwsToken);
/// assert!(TokenType::from_uri("urn:example:new-type").is_unknown());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenType {
    /// `urn:ietf:params:oauth:token-type:access_token`: an OAuth 2.0 access token.
    AccessToken,
    /// `urn:ietf:params:oauth:token-type:refresh_token`: an OAuth 2.0 refresh token.
    RefreshToken,
    /// `urn:amazon:webservices:token`: an AWS token carrying the identity context
    /// (for example for STS `AssumeRoleWithWebIdentity`).
    AwsToken,
    /// A URI this version of the crate does not know, kept as it was received (AWS
    /// may add token types). It can only come from parsing; `build()` rejects it.
    Unknown(UnknownTokenType),
}

/// A token-type URI this crate does not know, kept as it was received.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct UnknownTokenType(Box<str>);

impl UnknownTokenType {
    /// The URI as it was received.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TokenType {
    const ACCESS_TOKEN: &'static str = "urn:ietf:params:oauth:token-type:access_token";
    const REFRESH_TOKEN: &'static str = "urn:ietf:params:oauth:token-type:refresh_token";
    const AWS_TOKEN: &'static str = "urn:amazon:webservices:token";

    /// The URI sent on the wire.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::AccessToken => Self::ACCESS_TOKEN,
            Self::RefreshToken => Self::REFRESH_TOKEN,
            Self::AwsToken => Self::AWS_TOKEN,
            Self::Unknown(other) => other.as_str(),
        }
    }

    /// The token type a URI names; a URI this crate does not know becomes
    /// [`TokenType::Unknown`], never an error.
    #[must_use]
    pub fn from_uri(uri: &str) -> Self {
        match uri {
            Self::ACCESS_TOKEN => Self::AccessToken,
            Self::REFRESH_TOKEN => Self::RefreshToken,
            Self::AWS_TOKEN => Self::AwsToken,
            other => Self::Unknown(UnknownTokenType(other.into())),
        }
    }

    /// Whether this is a URI the crate does not know.
    #[must_use]
    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown(_))
    }
}

impl fmt::Debug for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AccessToken => f.write_str("AccessToken"),
            Self::RefreshToken => f.write_str("RefreshToken"),
            Self::AwsToken => f.write_str("AwsToken"),
            Self::Unknown(other) => write!(f, "Unknown({:?})", other.as_str()),
        }
    }
}

/// The URI; one the crate does not know (it came from a server) with its
/// control characters and the characters that reorder or break lines escaped,
/// as the crate shows every text a server sent, so that logging it cannot
/// forge log lines. [`as_str`](Self::as_str) gives it as it was received.
impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown(_) => fmt::Display::fmt(&crate::error::ServerText(self.as_str()), f),
            _ => f.write_str(self.as_str()),
        }
    }
}
