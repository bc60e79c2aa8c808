//! The token-exchange grant (RFC 8693).

use secrecy::{ExposeSecret, SecretString};

use super::{fields, grant_marker, visit_scope, Grant};
use crate::wire::{Members, Value, Visit};
use crate::{CreateToken, CreateTokenWithIam, TokenType};

grant_marker! {
    /// The token-exchange grant (`urn:ietf:params:oauth:grant-type:token-exchange`,
    /// RFC 8693): trades a subject token for a token of another type.
    /// `CreateTokenWithIam` only.
    TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange", "token-exchange",
    iam: IamTokenExchangeFields,
    public: super::sealed::NotAccepted,
}

fields! {
    /// The fields of a [`CreateTokenWithIam<TokenExchange>`](crate::CreateTokenWithIam).
    /// The request dereferences to this, so call these accessors on the request.
    struct IamTokenExchangeFields for CreateTokenWithIam<TokenExchange>,
        builder IamTokenExchangeBuilder,
        "Builds a [`CreateTokenWithIam<TokenExchange>`](crate::CreateTokenWithIam). Start with [`CreateTokenWithIam::token_exchange`](crate::CreateTokenWithIam::token_exchange).\n\nRequired: `client_id`, `subject_token`, `subject_token_type`. Optional: `requested_token_type`, `scope`." {
        secrets {
            subject_token: "Sets `subjectToken` (required, secret): the token to exchange. Accepts `&str`, `&String`, `String`, `Box<str>`, `SecretString`, `&SecretString` or `Zeroizing<String>`.",
        }
        optional_secrets {}
        required {
            subject_token_type: TokenType = "Sets `subjectTokenType` (required): what kind of token `subject_token` is.",
        }
        optional {
            requested_token_type: TokenType = "Sets `requestedTokenType` (optional): the kind of token wanted; the service's default is an access token.",
        }
        check |f, checks| {
            checks.token("subject_token", &f.subject_token);
            checks.token_type("subject_token_type", &f.subject_token_type);
            if let Some(requested) = &f.requested_token_type {
                checks.token_type("requested_token_type", requested);
            }
        }
    }
}

impl Members for IamTokenExchangeFields {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        v.member("clientId", Value::Str(&self.client_id))?;
        v.member("grantType", Value::Str(TokenExchange::GRANT_TYPE))?;
        if let Some(requested) = &self.requested_token_type {
            v.member("requestedTokenType", Value::Str(requested.as_str()))?;
        }
        visit_scope(v, &self.scope)?;
        v.member(
            "subjectToken",
            Value::Str(self.subject_token.expose_secret()),
        )?;
        v.member(
            "subjectTokenType",
            Value::Str(self.subject_token_type.as_str()),
        )
    }
}

impl CreateTokenWithIam<TokenExchange> {
    /// Starts a token-exchange request.
    ///
    /// ```
    /// use ssooidc_token::{CreateTokenWithIam, TokenType};
    ///
    /// let request = CreateTokenWithIam::token_exchange()
    ///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
    ///     .subject_token("eyJraWQiOiJrZXkifQ.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl")
    ///     .subject_token_type(TokenType::AccessToken)
    ///     .requested_token_type(TokenType::RefreshToken)
    ///     .build()?;
    /// assert_eq!(request.requested_token_type(), Some(&TokenType::RefreshToken));
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    pub fn token_exchange() -> IamTokenExchangeBuilder {
        IamTokenExchangeFields::builder()
    }
}

// `CreateToken::token_exchange()` does not exist, but where a user may look for it,
// the compiler points to `CreateTokenWithIam::token_exchange`: the bound is never met
// (it names a lifetime so that it is checked at the call, not here).
#[doc(hidden)]
impl CreateToken<super::AuthorizationCode> {
    #[doc(hidden)]
    pub fn token_exchange<'a>() -> IamTokenExchangeBuilder
    where
        &'a (): super::sealed::TokenExchangeIsIam,
    {
        CreateTokenWithIam::token_exchange()
    }
}

impl IamTokenExchangeFields {
    /// `subjectToken`: the token being exchanged.
    #[must_use]
    pub fn subject_token(&self) -> &SecretString {
        &self.subject_token
    }

    /// `subjectTokenType`.
    #[must_use]
    pub fn subject_token_type(&self) -> &TokenType {
        &self.subject_token_type
    }

    /// `requestedTokenType`, if one was given.
    #[must_use]
    pub fn requested_token_type(&self) -> Option<&TokenType> {
        self.requested_token_type.as_ref()
    }
}

crate::builder_state::maybe_setters!(IamTokenExchangeBuilder {
    maybe_requested_token_type: requested_token_type exact crate::TokenType,
});
