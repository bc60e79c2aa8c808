//! The JWT-bearer grant (RFC 7523 section 2.1).

use secrecy::{ExposeSecret, SecretString};

use super::{fields, grant_marker, visit_scope, Grant};
use crate::wire::{Members, Value, Visit};
use crate::{CreateToken, CreateTokenWithIam};

grant_marker! {
    /// The JWT-bearer grant (`urn:ietf:params:oauth:grant-type:jwt-bearer`, RFC 7523):
    /// presents a JWT issued by a trusted token issuer. `CreateTokenWithIam` only.
    JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer", "JWT-bearer",
    iam: IamJwtBearerFields,
    public: super::sealed::NotAccepted,
}

fields! {
    /// The fields of a [`CreateTokenWithIam<JwtBearer>`](crate::CreateTokenWithIam).
    /// The request dereferences to this, so call these accessors on the request.
    struct IamJwtBearerFields for CreateTokenWithIam<JwtBearer>,
        builder IamJwtBearerBuilder,
        "Builds a [`CreateTokenWithIam<JwtBearer>`](crate::CreateTokenWithIam). Start with [`CreateTokenWithIam::jwt_bearer`](crate::CreateTokenWithIam::jwt_bearer).\n\nRequired: `client_id`, `assertion`. Optional: `scope`." {
        secrets {
            assertion: "Sets `assertion` (required, secret): a compact JWT from a trusted token issuer (3 or 5 base64url parts). Accepts `&str`, `&String`, `String`, `Box<str>`, `SecretString`, `&SecretString` or `Zeroizing<String>`.",
        }
        optional_secrets {}
        required {}
        optional {}
        check |f, checks| {
            checks.assertion(&f.assertion);
        }
    }
}

impl Members for IamJwtBearerFields {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        v.member("assertion", Value::Str(self.assertion.expose_secret()))?;
        v.member("clientId", Value::Str(&self.client_id))?;
        v.member("grantType", Value::Str(JwtBearer::GRANT_TYPE))?;
        visit_scope(v, &self.scope)
    }
}

impl CreateTokenWithIam<JwtBearer> {
    /// Starts a JWT-bearer request.
    ///
    /// ```
    /// use ssooidc_token::CreateTokenWithIam;
    ///
    /// let request = CreateTokenWithIam::jwt_bearer()
    ///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
    ///     .assertion("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyQGV4YW1wbGUuY29tIn0.c2lnbmF0dXJl")
    ///     .build()?;
    /// assert_eq!(request.grant_type(), "urn:ietf:params:oauth:grant-type:jwt-bearer");
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    pub fn jwt_bearer() -> IamJwtBearerBuilder {
        IamJwtBearerFields::builder()
    }
}

// `CreateToken::jwt_bearer()` does not exist, but where a user may look for it, the
// compiler points to `CreateTokenWithIam::jwt_bearer`: the bound is never met (it
// names a lifetime so that it is checked at the call, not here).
#[doc(hidden)]
impl CreateToken<super::AuthorizationCode> {
    #[doc(hidden)]
    pub fn jwt_bearer<'a>() -> IamJwtBearerBuilder
    where
        &'a (): super::sealed::JwtBearerIsIam,
    {
        CreateTokenWithIam::jwt_bearer()
    }
}

impl IamJwtBearerFields {
    /// `assertion`: the JWT.
    #[must_use]
    pub fn assertion(&self) -> &SecretString {
        &self.assertion
    }
}
