//! `RegisterClient`: registering a public client (`POST /client/register`), the
//! first step of the device and authorization-code logins.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};

use crate::builder_state::{field, Optional};
use crate::error::{ParseError, ParseErrorKind, Rule};
use crate::grant::{AuthorizationCode, DeviceCode, Grant, RefreshToken};
use crate::json::{missing, optional, Reader};
use crate::validation::Checks;
use crate::wire::{Members, Value, Visit};
use crate::BuildError;

/// The only client type AWS accepts.
const CLIENT_TYPE: &str = "public";

/// The grant types a public client can register.
const KNOWN_GRANT_TYPES: [&str; 3] = [
    AuthorizationCode::GRANT_TYPE,
    RefreshToken::GRANT_TYPE,
    DeviceCode::GRANT_TYPE,
];

crate::builder_state::typed_struct! {
    /// The fields of a [`RegisterClient`] request, as its builder collects them. The
    /// request dereferences to this, so call these accessors on the request.
    #[derive(Debug, typed_builder::TypedBuilder)]
    #[builder(
        builder_type(
            name = RegisterClientBuilder,
            doc = "Builds a [`RegisterClient`](crate::login::RegisterClient). Start with [`RegisterClient::builder`](crate::login::RegisterClient::builder).\n\nRequired: `client_name`. Optional: `scope`, `grant_type`, `redirect_uri` (each repeatable), `issuer_url`, `entitled_application_arn`.",
            attributes(#[derive(Debug)]),
        ),
        builder_method(vis = "pub(crate)"),
        build_method(vis = "", name = __build),
        mutators(
            /// Adds one scope to register (repeatable, sent in the order added), such
            /// as `sso:account:access`.
            pub fn scope(&mut self, scope: impl Into<String>) {
                self.scope.push(scope.into());
            }
            /// Adds one grant type the client may use (repeatable): its wire string,
            /// such as `"authorization_code"`, `"refresh_token"` or a grant marker's
            /// [`GRANT_TYPE`](crate::grant::Grant::GRANT_TYPE).
            pub fn grant_type(&mut self, grant_type: impl Into<String>) {
                self.grant_type.push(grant_type.into());
            }
            /// Adds one redirect URI (repeatable): where the authorization-code flow
            /// sends the browser back, such as `http://127.0.0.1:8400/oauth/callback`.
            pub fn redirect_uri(&mut self, redirect_uri: impl Into<String>) {
                self.redirect_uri.push(redirect_uri.into());
            }
        ),
    )]
    pub struct RegisterClientFields {
        required pub(crate) client_name: into String = "Sets `clientName` (required): the name users see when they authorize the client.",
        optional pub(crate) issuer_url: into String = "Sets `issuerUrl` (optional): the IAM Identity Center issuer URL the client is for.",
        optional pub(crate) entitled_application_arn: into String = "Sets `entitledApplicationArn` (optional): the application the client acts for.",
        raw #[builder(via_mutators)]
        pub(crate) scope: Vec<String>,
        raw #[builder(via_mutators)]
        pub(crate) grant_type: Vec<String>,
        raw #[builder(via_mutators)]
        pub(crate) redirect_uri: Vec<String>,
    }
}

impl RegisterClientFields {
    /// `clientName`.
    #[must_use]
    pub fn client_name(&self) -> &str {
        &self.client_name
    }

    /// `clientType`: always `public`, the only type AWS accepts.
    #[must_use]
    pub fn client_type(&self) -> &'static str {
        CLIENT_TYPE
    }

    /// `scopes`, in the order given.
    #[must_use]
    pub fn scopes(&self) -> &[String] {
        &self.scope
    }

    /// `grantTypes`, in the order given.
    #[must_use]
    pub fn grant_types(&self) -> &[String] {
        &self.grant_type
    }

    /// `redirectUris`, in the order given.
    #[must_use]
    pub fn redirect_uris(&self) -> &[String] {
        &self.redirect_uri
    }

    /// `issuerUrl`, if given.
    #[must_use]
    pub fn issuer_url(&self) -> Option<&str> {
        self.issuer_url.as_deref()
    }

    /// `entitledApplicationArn`, if given.
    #[must_use]
    pub fn entitled_application_arn(&self) -> Option<&str> {
        self.entitled_application_arn.as_deref()
    }

    fn check(&self, checks: &mut Checks) {
        checks.non_empty("client_name", &self.client_name);
        if let Some(arn) = &self.entitled_application_arn {
            checks.non_empty("entitled_application_arn", arn);
        }
        for (i, grant_type) in self.grant_type.iter().enumerate() {
            if !KNOWN_GRANT_TYPES.contains(&grant_type.as_str()) {
                checks.problem("grant_type", Some(i), Rule::KnownGrantType);
            }
        }
        if let Some(url) = &self.issuer_url {
            checks.absolute_uri("issuer_url", None, url);
        }
        for (i, uri) in self.redirect_uri.iter().enumerate() {
            checks.public_redirect_uri("redirect_uri", Some(i), uri);
        }
        if self.redirect_uri.is_empty()
            && self
                .grant_type
                .iter()
                .any(|g| g == AuthorizationCode::GRANT_TYPE)
        {
            checks.problem("redirect_uri", None, Rule::RedirectUriRequired);
        }
        checks.scopes(&self.scope);
    }
}

impl Members for RegisterClientFields {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        // The SDK's member order (alphabetical); lists are left out when empty.
        v.member("clientName", Value::Str(&self.client_name))?;
        v.member("clientType", Value::Str(CLIENT_TYPE))?;
        if let Some(arn) = &self.entitled_application_arn {
            v.member("entitledApplicationArn", Value::Str(arn))?;
        }
        if !self.grant_type.is_empty() {
            v.member("grantTypes", Value::List(&self.grant_type))?;
        }
        if let Some(url) = &self.issuer_url {
            v.member("issuerUrl", Value::Str(url))?;
        }
        if !self.redirect_uri.is_empty() {
            v.member("redirectUris", Value::List(&self.redirect_uri))?;
        }
        if !self.scope.is_empty() {
            v.member("scopes", Value::List(&self.scope))?;
        }
        Ok(())
    }
}

/// A checked `RegisterClient` request: registers a public client with IAM Identity
/// Center (`POST /client/register`, unsigned). The response's client id and secret
/// are what [`StartDeviceAuthorization`](crate::login::StartDeviceAuthorization) and
/// [`CreateToken`](crate::CreateToken) need.
///
/// ```
/// use ssooidc_token::login::RegisterClient;
/// use ssooidc_token::{grant::{DeviceCode, Grant}, ExposeSecret};
///
/// let request = RegisterClient::builder()
///     .client_name("my-cli")
///     .grant_type(DeviceCode::GRANT_TYPE)
///     .grant_type("refresh_token")
///     .scope("sso:account:access")
///     .build()?;
/// assert_eq!(
///     request.to_json().expose_secret(),
///     br#"{"clientName":"my-cli","clientType":"public","grantTypes":["urn:ietf:params:oauth:grant-type:device_code","refresh_token"],"scopes":["sso:account:access"]}"#
/// );
/// # Ok::<(), ssooidc_token::BuildError>(())
/// ```
pub struct RegisterClient {
    pub(super) fields: RegisterClientFields,
}

impl RegisterClient {
    /// Starts a registration.
    pub fn builder() -> RegisterClientBuilder {
        RegisterClientFields::builder()
    }

    fn from_fields(fields: RegisterClientFields) -> Result<Self, BuildError> {
        let mut checks = Checks::default();
        fields.check(&mut checks);
        checks.finish("RegisterClient")?;
        Ok(Self { fields })
    }
}

crate::builder_state::field_states!(
    RegisterClientBuilder
    [client_name issuer_url entitled_application_arn scope grant_type redirect_uri]
    client_name issuer_url entitled_application_arn
);

crate::builder_state::maybe_setters!(RegisterClientBuilder {
    maybe_issuer_url: issuer_url into String,
    maybe_entitled_application_arn: entitled_application_arn into String,
});

#[allow(non_camel_case_types)]
impl<client_name, issuer_url, entitled_application_arn>
    RegisterClientBuilder<(
        client_name,
        issuer_url,
        entitled_application_arn,
        (Vec<String>,),
        (Vec<String>,),
        (Vec<String>,),
    )>
{
    /// Checks the fields' content and returns the request, or a
    /// [`BuildError`](crate::BuildError) listing every problem.
    ///
    /// Only compiles once `client_name` is set.
    ///
    /// # Errors
    /// [`BuildError`] naming every field that breaks a rule.
    pub fn build(self) -> Result<RegisterClient, BuildError>
    where
        client_name: field::client_name::Required<String>,
        issuer_url: Optional<Option<String>>,
        entitled_application_arn: Optional<Option<String>>,
    {
        let (
            client_name,
            issuer_url,
            entitled_application_arn,
            (scope,),
            (grant_type,),
            (redirect_uri,),
        ) = self.fields;
        RegisterClient::from_fields(RegisterClientFields {
            client_name: client_name.into_value(),
            issuer_url: issuer_url.into_value(),
            entitled_application_arn: entitled_application_arn.into_value(),
            scope,
            grant_type,
            redirect_uri,
        })
    }
}

/// The successful response of `RegisterClient`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ssooidc_token::ExposeSecret;
/// use ssooidc_token::login::RegisterClientResponse;
///
/// let response = RegisterClientResponse::from_json(br#"{"clientId":"_yzkThXVzLWVhc3QtMQ",
///     "clientSecret":"VERYLONGSECRET","clientIdIssuedAt":1700000000,
///     "clientSecretExpiresAt":1707776000}"#)?;
/// assert_eq!(response.client_id(), "_yzkThXVzLWVhc3QtMQ");
/// assert_eq!(response.client_secret().expose_secret(), "VERYLONGSECRET");
/// assert_eq!(response.client_secret_expires_at(), Some(UNIX_EPOCH + Duration::from_secs(1_707_776_000)));
/// assert!(!format!("{response:?}").contains("VERYLONGSECRET"));
/// # Ok::<(), ssooidc_token::ParseError>(())
/// ```
#[derive(Debug)]
pub struct RegisterClientResponse {
    client_id: String,
    client_secret: SecretString,
    client_id_issued_at: Option<i64>,
    client_secret_expires_at: Option<i64>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
}

impl RegisterClientResponse {
    /// Parses a `RegisterClient` response body. Members this version does not know
    /// are ignored; a missing or empty `clientId` or `clientSecret`, a member of
    /// the wrong JSON type or a duplicated member is an error naming the member. The client
    /// secret is decoded straight into a zeroizing buffer.
    ///
    /// # Errors
    /// A [`ParseError`] naming the member and the problem; it never holds a value.
    pub fn from_json(body: &[u8]) -> Result<Self, ParseError> {
        let mut client_id = None;
        let mut client_secret = None;
        let mut issued_at = None;
        let mut expires_at = None;
        let mut authorization_endpoint = None;
        let mut token_endpoint = None;
        let mut seen = [false; 6];
        let mut reader = Reader::new(body);
        reader.object(|r, key| {
            let at = key.offset;
            match key.as_bytes() {
                Some(b"clientId") => optional(
                    r,
                    &mut client_id,
                    &mut seen[0],
                    "clientId",
                    at,
                    Reader::string,
                ),
                Some(b"clientSecret") => optional(
                    r,
                    &mut client_secret,
                    &mut seen[1],
                    "clientSecret",
                    at,
                    Reader::secret,
                ),
                Some(b"clientIdIssuedAt") => optional(
                    r,
                    &mut issued_at,
                    &mut seen[2],
                    "clientIdIssuedAt",
                    at,
                    Reader::long,
                ),
                Some(b"clientSecretExpiresAt") => optional(
                    r,
                    &mut expires_at,
                    &mut seen[3],
                    "clientSecretExpiresAt",
                    at,
                    Reader::long,
                ),
                Some(b"authorizationEndpoint") => optional(
                    r,
                    &mut authorization_endpoint,
                    &mut seen[4],
                    "authorizationEndpoint",
                    at,
                    Reader::string,
                ),
                Some(b"tokenEndpoint") => optional(
                    r,
                    &mut token_endpoint,
                    &mut seen[5],
                    "tokenEndpoint",
                    at,
                    Reader::string,
                ),
                _ => r.skip(),
            }
        })?;
        reader.end()?;
        // A registration without an id or a secret cannot authenticate (and
        // would be cached for others to fail on): refused as empty.
        let non_empty = |name: &'static str, empty: bool| {
            if empty {
                Err(ParseError::new(ParseErrorKind::Empty, Some(name), None))
            } else {
                Ok(())
            }
        };
        let client_id: String = missing(client_id, "clientId")?;
        let client_secret: SecretString = missing(client_secret, "clientSecret")?;
        non_empty("clientId", client_id.is_empty())?;
        non_empty("clientSecret", client_secret.expose_secret().is_empty())?;
        Ok(Self {
            client_id,
            client_secret,
            client_id_issued_at: issued_at,
            client_secret_expires_at: expires_at,
            authorization_endpoint,
            token_endpoint,
        })
    }

    /// `clientId`.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `clientSecret`: what [`StartDeviceAuthorization`](crate::login::StartDeviceAuthorization)
    /// and [`CreateToken`](crate::CreateToken) authenticate the client with.
    #[must_use]
    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// `clientIdIssuedAt`, if sent.
    #[must_use]
    pub fn client_id_issued_at(&self) -> Option<SystemTime> {
        self.client_id_issued_at.and_then(epoch_seconds)
    }

    /// `clientSecretExpiresAt`, if sent: register again after this.
    #[must_use]
    pub fn client_secret_expires_at(&self) -> Option<SystemTime> {
        self.client_secret_expires_at.and_then(epoch_seconds)
    }

    /// `authorizationEndpoint`, if sent.
    #[must_use]
    pub fn authorization_endpoint(&self) -> Option<&str> {
        self.authorization_endpoint.as_deref()
    }

    /// `tokenEndpoint`, if sent.
    #[must_use]
    pub fn token_endpoint(&self) -> Option<&str> {
        self.token_endpoint.as_deref()
    }
}

fn epoch_seconds(seconds: i64) -> Option<SystemTime> {
    let magnitude = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    }
}
