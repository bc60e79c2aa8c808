//! The refresh-token grant (RFC 6749 section 6).

use secrecy::{ExposeSecret, SecretString};

use super::{fields, grant_marker, visit_scope, Grant};
use crate::wire::{Members, Value, Visit};
use crate::{CreateToken, CreateTokenWithIam};

grant_marker! {
    /// The refresh-token grant (`refresh_token`, RFC 6749 section 6): trades a
    /// refresh token for a new access token. Accepted by both operations.
    RefreshToken = "refresh_token", "refresh-token",
    iam: IamRefreshTokenFields,
    public: PublicRefreshTokenFields,
}

fields! {
    /// The fields of a [`CreateTokenWithIam<RefreshToken>`](crate::CreateTokenWithIam).
    /// The request dereferences to this, so call these accessors on the request.
    struct IamRefreshTokenFields for CreateTokenWithIam<RefreshToken>,
        builder IamRefreshTokenBuilder,
        "Builds a [`CreateTokenWithIam<RefreshToken>`](crate::CreateTokenWithIam). Start with [`CreateTokenWithIam::refresh_token`](crate::CreateTokenWithIam::refresh_token).\n\nRequired: `client_id`, `refresh_token`. Optional: `scope`." {
        secrets {
            refresh_token: "Sets `refreshToken` (required, secret). Accepts `&str`, `&String`, `String`, `Box<str>`, `SecretString`, `&SecretString` or `Zeroizing<String>`.",
        }
        optional_secrets {}
        required {}
        optional {}
        check |f, checks| {
            checks.secret("refresh_token", &f.refresh_token);
        }
    }
}

fields! {
    /// The fields of a [`CreateToken<RefreshToken>`](crate::CreateToken).
    /// The request dereferences to this, so call these accessors on the request.
    struct PublicRefreshTokenFields for CreateToken<RefreshToken>,
        builder PublicRefreshTokenBuilder,
        "Builds a [`CreateToken<RefreshToken>`](crate::CreateToken). Start with [`CreateToken::refresh_token`](crate::CreateToken::refresh_token).\n\nRequired: `client_id`, `client_secret`, `refresh_token`. Optional: `scope`." {
        secrets {
            client_secret: "Sets `clientSecret` (required, secret): the secret `RegisterClient` returned.",
            refresh_token: "Sets `refreshToken` (required, secret).",
        }
        optional_secrets {}
        required {}
        optional {}
        check |f, checks| {
            checks.secret("client_secret", &f.client_secret);
            checks.secret("refresh_token", &f.refresh_token);
        }
    }
}

impl Members for IamRefreshTokenFields {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        v.member("clientId", Value::Str(&self.client_id))?;
        v.member("grantType", Value::Str(RefreshToken::GRANT_TYPE))?;
        v.member(
            "refreshToken",
            Value::Str(self.refresh_token.expose_secret()),
        )?;
        visit_scope(v, &self.scope)
    }
}

impl Members for PublicRefreshTokenFields {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        v.member("clientId", Value::Str(&self.client_id))?;
        v.member(
            "clientSecret",
            Value::Str(self.client_secret.expose_secret()),
        )?;
        v.member("grantType", Value::Str(RefreshToken::GRANT_TYPE))?;
        v.member(
            "refreshToken",
            Value::Str(self.refresh_token.expose_secret()),
        )?;
        visit_scope(v, &self.scope)
    }
}

impl CreateTokenWithIam<RefreshToken> {
    /// Starts a refresh-token request (`grantType` `refresh_token`).
    ///
    /// ```
    /// use ssooidc_token::{CreateTokenWithIam, ExposeSecret, SecretString};
    ///
    /// let stored = SecretString::from("aorvJYubGpU6i91YnH7Mfo-refresh");
    /// let request = CreateTokenWithIam::refresh_token()
    ///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
    ///     .refresh_token(stored)
    ///     .scopes(["openid", "aws"])
    ///     .build()?;
    /// assert_eq!(request.refresh_token().expose_secret(), "aorvJYubGpU6i91YnH7Mfo-refresh");
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    pub fn refresh_token() -> IamRefreshTokenBuilder {
        IamRefreshTokenFields::builder()
    }
}

impl IamRefreshTokenFields {
    /// `refreshToken`.
    #[must_use]
    pub fn refresh_token(&self) -> &SecretString {
        &self.refresh_token
    }
}

impl CreateToken<RefreshToken> {
    /// Starts a refresh-token request from a registered public client.
    ///
    /// ```
    /// use ssooidc_token::CreateToken;
    ///
    /// let request = CreateToken::refresh_token()
    ///     .client_id("_yzkThXVzLWVhc3QtMQ")
    ///     .client_secret("VERYLONGSECRETeyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0")
    ///     .refresh_token("aorvJYubGpU6i91YnH7Mfo-refresh")
    ///     .build()?;
    /// assert_eq!(request.grant_type(), "refresh_token");
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    pub fn refresh_token() -> PublicRefreshTokenBuilder {
        PublicRefreshTokenFields::builder()
    }
}

impl PublicRefreshTokenFields {
    /// `clientSecret`.
    #[must_use]
    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// `refreshToken`.
    #[must_use]
    pub fn refresh_token(&self) -> &SecretString {
        &self.refresh_token
    }
}
