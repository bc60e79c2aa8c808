//! The device-authorization grant (RFC 8628).

use secrecy::{ExposeSecret, SecretString};

use super::{fields, grant_marker, visit_scope, Grant};
use crate::wire::{Members, Value, Visit};
use crate::{CreateToken, CreateTokenWithIam};

grant_marker! {
    /// The device-code grant (`urn:ietf:params:oauth:grant-type:device_code`,
    /// RFC 8628): polls with the device code `StartDeviceAuthorization` returned.
    /// `CreateToken` only.
    DeviceCode = "urn:ietf:params:oauth:grant-type:device_code", "device-code",
    iam: super::sealed::NotAccepted,
    public: PublicDeviceCodeFields,
}

fields! {
    /// The fields of a [`CreateToken<DeviceCode>`](crate::CreateToken).
    /// The request dereferences to this, so call these accessors on the request.
    struct PublicDeviceCodeFields for CreateToken<DeviceCode>,
        builder PublicDeviceCodeBuilder,
        "Builds a [`CreateToken<DeviceCode>`](crate::CreateToken). Start with [`CreateToken::device_code`](crate::CreateToken::device_code).\n\nRequired: `client_id`, `client_secret`, `device_code`. Optional: `scope`." {
        secrets {
            client_secret: "Sets `clientSecret` (required, secret): the secret `RegisterClient` returned. Accepts `&str`, `&String`, `String`, `Box<str>`, `SecretString`, `&SecretString` or `Zeroizing<String>`.",
            device_code: "Sets `deviceCode` (required, secret): the device code `StartDeviceAuthorization` returned.",
        }
        optional_secrets {}
        required {}
        optional {}
        check |f, checks| {
            checks.secret("client_secret", &f.client_secret);
            checks.secret("device_code", &f.device_code);
        }
    }
}

impl Members for PublicDeviceCodeFields {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        v.member("clientId", Value::Str(&self.client_id))?;
        v.member(
            "clientSecret",
            Value::Str(self.client_secret.expose_secret()),
        )?;
        v.member("deviceCode", Value::Str(self.device_code.expose_secret()))?;
        v.member("grantType", Value::Str(DeviceCode::GRANT_TYPE))?;
        visit_scope(v, &self.scope)
    }
}

impl CreateToken<DeviceCode> {
    /// Starts a device-code request (polling after `StartDeviceAuthorization`).
    ///
    /// ```
    /// use ssooidc_token::CreateToken;
    ///
    /// let request = CreateToken::device_code()
    ///     .client_id("_yzkThXVzLWVhc3QtMQ")
    ///     .client_secret("VERYLONGSECRETeyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0")
    ///     .device_code("yJraWQiOiJrZXktMTU2Njk2ODA4OCIsImFsZyI6IkhTMzIn0EXAMPLEDEVICECODE")
    ///     .build()?;
    /// assert_eq!(request.grant_type(), "urn:ietf:params:oauth:grant-type:device_code");
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    pub fn device_code() -> PublicDeviceCodeBuilder {
        PublicDeviceCodeFields::builder()
    }
}

// `CreateTokenWithIam::device_code()` does not exist, but where a user may look for
// it, the compiler points to `CreateToken::device_code`: the bound is never met (it
// names a lifetime so that it is checked at the call, not here).
#[doc(hidden)]
impl CreateTokenWithIam<super::AuthorizationCode> {
    #[doc(hidden)]
    pub fn device_code<'a>() -> PublicDeviceCodeBuilder
    where
        &'a (): super::sealed::DeviceCodeIsPublicClient,
    {
        CreateToken::device_code()
    }
}

impl PublicDeviceCodeFields {
    /// `clientSecret`.
    #[must_use]
    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// `deviceCode`.
    #[must_use]
    pub fn device_code(&self) -> &SecretString {
        &self.device_code
    }
}
