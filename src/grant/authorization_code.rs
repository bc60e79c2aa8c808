//! The authorization-code grant (RFC 6749 section 4.1), with optional PKCE (RFC 7636).

use secrecy::{ExposeSecret, SecretString};

use super::{fields, grant_marker, visit_scope, Grant};
use crate::wire::{Members, Value, Visit};
use crate::{CreateToken, CreateTokenWithIam};

grant_marker! {
    /// The authorization-code grant (`authorization_code`, RFC 6749 section 4.1):
    /// exchanges the one-time code an authorization redirect delivered, optionally
    /// with a PKCE code verifier (RFC 7636). Accepted by both operations.
    AuthorizationCode = "authorization_code", "authorization-code",
    iam: IamAuthorizationCodeFields,
    public: PublicAuthorizationCodeFields,
}

fields! {
    /// The fields of a [`CreateTokenWithIam<AuthorizationCode>`](crate::CreateTokenWithIam).
    /// The request dereferences to this, so call these accessors on the request.
    struct IamAuthorizationCodeFields for CreateTokenWithIam<AuthorizationCode>,
        builder IamAuthorizationCodeBuilder,
        "Builds a [`CreateTokenWithIam<AuthorizationCode>`](crate::CreateTokenWithIam). Start with [`CreateTokenWithIam::authorization_code`](crate::CreateTokenWithIam::authorization_code).\n\nRequired: `client_id`, `code`, `redirect_uri`. Optional: `code_verifier`, `scope`." {
        secrets {
            code: "Sets `code` (required, secret): the one-time authorization code from the redirect. Accepts `&str`, `&String`, `String`, `Box<str>`, `SecretString`, `&SecretString` or `Zeroizing<String>`.",
        }
        optional_secrets {
            code_verifier: "Sets `codeVerifier` (optional, secret): the PKCE code verifier, 43 to 128 characters of `A-Z a-z 0-9 - . _ ~` (RFC 7636).",
        }
        required {
            redirect_uri: String = "Sets `redirectUri` (required): the redirect URI the code was delivered to; an absolute URI without a fragment.",
        }
        optional {}
        check |f, checks| {
            checks.secret("code", &f.code);
            checks.redirect_uri(&f.redirect_uri);
            if let Some(verifier) = &f.code_verifier {
                checks.code_verifier(verifier);
            }
        }
    }
}

fields! {
    /// The fields of a [`CreateToken<AuthorizationCode>`](crate::CreateToken).
    /// The request dereferences to this, so call these accessors on the request.
    struct PublicAuthorizationCodeFields for CreateToken<AuthorizationCode>,
        builder PublicAuthorizationCodeBuilder,
        "Builds a [`CreateToken<AuthorizationCode>`](crate::CreateToken). Start with [`CreateToken::authorization_code`](crate::CreateToken::authorization_code).\n\nRequired: `client_id`, `client_secret`, `code`, `redirect_uri`. Optional: `code_verifier`, `scope`." {
        secrets {
            client_secret: "Sets `clientSecret` (required, secret): the secret `RegisterClient` returned.",
            code: "Sets `code` (required, secret): the one-time authorization code from the redirect.",
        }
        optional_secrets {
            code_verifier: "Sets `codeVerifier` (optional, secret): the PKCE code verifier, 43 to 128 characters of `A-Z a-z 0-9 - . _ ~` (RFC 7636).",
        }
        required {
            redirect_uri: String = "Sets `redirectUri` (required): the redirect URI the code was delivered to; an absolute URI without a fragment.",
        }
        optional {}
        check |f, checks| {
            checks.secret("client_secret", &f.client_secret);
            checks.secret("code", &f.code);
            checks.public_redirect_uri("redirect_uri", None, &f.redirect_uri);
            if let Some(verifier) = &f.code_verifier {
                checks.code_verifier(verifier);
            }
        }
    }
}

impl Members for IamAuthorizationCodeFields {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        v.member("clientId", Value::Str(&self.client_id))?;
        v.member("code", Value::Str(self.code.expose_secret()))?;
        if let Some(verifier) = &self.code_verifier {
            v.member("codeVerifier", Value::Str(verifier.expose_secret()))?;
        }
        v.member("grantType", Value::Str(AuthorizationCode::GRANT_TYPE))?;
        v.member("redirectUri", Value::Str(&self.redirect_uri))?;
        visit_scope(v, &self.scope)
    }
}

impl Members for PublicAuthorizationCodeFields {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        v.member("clientId", Value::Str(&self.client_id))?;
        v.member(
            "clientSecret",
            Value::Str(self.client_secret.expose_secret()),
        )?;
        v.member("code", Value::Str(self.code.expose_secret()))?;
        if let Some(verifier) = &self.code_verifier {
            v.member("codeVerifier", Value::Str(verifier.expose_secret()))?;
        }
        v.member("grantType", Value::Str(AuthorizationCode::GRANT_TYPE))?;
        v.member("redirectUri", Value::Str(&self.redirect_uri))?;
        visit_scope(v, &self.scope)
    }
}

impl CreateTokenWithIam<AuthorizationCode> {
    /// Starts an authorization-code request (`grantType` `authorization_code`).
    ///
    /// ```
    /// use ssooidc_token::CreateTokenWithIam;
    ///
    /// let request = CreateTokenWithIam::authorization_code()
    ///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
    ///     .code("ZXhhbXBsZS1hdXRob3JpemF0aW9uLWNvZGU")
    ///     .redirect_uri("https://app.example.com/callback")
    ///     .code_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    ///     .build()?;
    /// assert_eq!(request.redirect_uri(), "https://app.example.com/callback");
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    pub fn authorization_code() -> IamAuthorizationCodeBuilder {
        IamAuthorizationCodeFields::builder()
    }
}

impl IamAuthorizationCodeFields {
    /// `code`: the one-time authorization code.
    #[must_use]
    pub fn code(&self) -> &SecretString {
        &self.code
    }

    /// `codeVerifier`: the PKCE code verifier, if one was given.
    #[must_use]
    pub fn code_verifier(&self) -> Option<&SecretString> {
        self.code_verifier.as_ref()
    }

    /// `redirectUri`.
    #[must_use]
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }
}

impl CreateToken<AuthorizationCode> {
    /// Starts an authorization-code request from a registered public client.
    ///
    /// ```
    /// use ssooidc_token::CreateToken;
    ///
    /// let request = CreateToken::authorization_code()
    ///     .client_id("_yzkThXVzLWVhc3QtMQ")
    ///     .client_secret("VERYLONGSECRETeyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0")
    ///     .code("ZXhhbXBsZS1hdXRob3JpemF0aW9uLWNvZGU")
    ///     .redirect_uri("http://127.0.0.1:8400/oauth/callback")
    ///     .build()?;
    /// assert!(request.code_verifier().is_none());
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    pub fn authorization_code() -> PublicAuthorizationCodeBuilder {
        PublicAuthorizationCodeFields::builder()
    }
}

impl PublicAuthorizationCodeFields {
    /// `clientSecret`.
    #[must_use]
    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// `code`: the one-time authorization code.
    #[must_use]
    pub fn code(&self) -> &SecretString {
        &self.code
    }

    /// `codeVerifier`: the PKCE code verifier, if one was given.
    #[must_use]
    pub fn code_verifier(&self) -> Option<&SecretString> {
        self.code_verifier.as_ref()
    }

    /// `redirectUri`.
    #[must_use]
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }
}

crate::builder_state::maybe_setters!(IamAuthorizationCodeBuilder {
    maybe_code_verifier: code_verifier secret,
});

crate::builder_state::maybe_setters!(PublicAuthorizationCodeBuilder {
    maybe_code_verifier: code_verifier secret,
});
