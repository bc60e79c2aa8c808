//! `CachedRegistration`: a client registration as the AWS CLI caches it, and the
//! CLI's rule for reusing it.

use std::fmt;
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};

use super::format::{self, Unknown};
use super::token::ascii;
use super::{CacheError, CacheErrorKind};
use crate::grant::{AuthorizationCode, Grant};
use crate::json::Reader;
use crate::login::{RegisterClient, RegisterClientResponse};
use crate::time::rfc3339_z;
use crate::wire::{Members, Value, Visit};
use crate::IntoSecret;

/// A registration is not reused within this long of its expiry (the CLI's rule).
pub const REGISTRATION_MARGIN: Duration = Duration::from_secs(15 * 60);

const NAMES: [&str; 5] = [
    "clientId",
    "clientSecret",
    "expiresAt",
    "scopes",
    "grantTypes",
];

/// Which login a registration is wanted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flow {
    /// The device authorization flow (`--use-device-code`).
    Device,
    /// The authorization-code flow with PKCE and a loopback redirect.
    Pkce,
}

/// A client registration as the AWS CLI caches it beside the tokens: `clientId`,
/// `clientSecret` (held zeroizing, redacted from `Debug`), `expiresAt`, and
/// `scopes` and `grantTypes` when the registration named them. Members this crate
/// does not know are kept and written back.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use ssooidc_token::cache::{CachedRegistration, Flow};
/// use ssooidc_token::login::{RegisterClient, RegisterClientResponse};
///
/// let request = RegisterClient::builder()
///     .client_name("botocore-client-dev")
///     .scope("sso:account:access")
///     .build()?;
/// let answer = RegisterClientResponse::from_json(br#"{"clientId":"_yzkThXVzLWVhc3QtMQ",
///     "clientSecret":"VERYLONGSECRET","clientSecretExpiresAt":4102444800}"#)?;
/// let registration = CachedRegistration::from_response(&request, &answer)?;
/// assert_eq!(registration.scopes(), ["sso:account:access"]);
/// assert!(registration.reusable_for(Flow::Device, SystemTime::now()));
/// assert!(!registration.reusable_for(Flow::Pkce, SystemTime::now()));
/// assert!(!format!("{registration:?}").contains("VERYLONGSECRET"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CachedRegistration {
    client_id: String,
    client_secret: SecretString,
    expires_at: SystemTime,
    scopes: Vec<String>,
    grant_types: Vec<String>,
    unknown: Unknown,
}

impl CachedRegistration {
    /// The registration that `request` made and `response` answered: the client
    /// id and secret, `clientSecretExpiresAt`, and the request's scopes and grant
    /// types (the CLI records them the same way). The secret is copied into a new
    /// zeroizing buffer.
    ///
    /// # Errors
    /// A [`CacheError`] naming `clientSecretExpiresAt` when the response has none
    /// ([`Missing`](CacheErrorKind::Missing)) or it is after 9999
    /// ([`OutOfRange`](CacheErrorKind::OutOfRange)).
    pub fn from_response(
        request: &RegisterClient,
        response: &RegisterClientResponse,
    ) -> Result<Self, CacheError> {
        const MEMBER: &str = "clientSecretExpiresAt";
        let expires_at = format::required(response.client_secret_expires_at(), MEMBER)?;
        if rfc3339_z(expires_at).is_none() {
            return Err(CacheError::for_member(CacheErrorKind::OutOfRange, MEMBER));
        }
        Ok(Self {
            client_id: response.client_id().to_owned(),
            client_secret: response.client_secret().into_secret(),
            expires_at,
            scopes: request.scopes().to_vec(),
            grant_types: request.grant_types().to_vec(),
            unknown: Unknown::default(),
        })
    }

    /// `clientId`.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `clientSecret`.
    #[must_use]
    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// `expiresAt`: when the client secret expires.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// `scopes` the client was registered with (empty when none were named).
    #[must_use]
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// `grantTypes` the client was registered with (empty when none were named,
    /// as for the CLI's device-flow registrations).
    #[must_use]
    pub fn grant_types(&self) -> &[String] {
        &self.grant_types
    }

    /// The AWS CLI's reuse rule: at least 15 minutes before `expiresAt` (the
    /// CLI's `seconds < 900` is expired); the device
    /// flow does not reuse a registration whose grant types include
    /// `authorization_code`, and the PKCE flow needs one that does.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime, UNIX_EPOCH};
    /// use ssooidc_token::cache::{CachedRegistration, Flow};
    /// use ssooidc_token::grant::{AuthorizationCode, Grant};
    /// use ssooidc_token::login::{RegisterClient, RegisterClientResponse};
    ///
    /// let request = RegisterClient::builder()
    ///     .client_name("botocore-client-dev")
    ///     .grant_type(AuthorizationCode::GRANT_TYPE)
    ///     .grant_type("refresh_token")
    ///     .redirect_uri("http://127.0.0.1/oauth/callback")
    ///     .build()?;
    /// let answer = RegisterClientResponse::from_json(br#"{"clientId":"c",
    ///     "clientSecret":"s","clientSecretExpiresAt":1800000000}"#)?;
    /// let registration = CachedRegistration::from_response(&request, &answer)?;
    /// let expiry = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    /// assert!(registration.reusable_for(Flow::Pkce, expiry - Duration::from_secs(16 * 60)));
    /// // Exactly 15 minutes left: the CLI still reuses it.
    /// assert!(registration.reusable_for(Flow::Pkce, expiry - Duration::from_secs(15 * 60)));
    /// assert!(!registration.reusable_for(Flow::Pkce, expiry - Duration::from_secs(14 * 60)));
    /// assert!(!registration.reusable_for(Flow::Device, expiry - Duration::from_secs(3600)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn reusable_for(&self, flow: Flow, now: SystemTime) -> bool {
        let fresh = self
            .expires_at
            .duration_since(now)
            .is_ok_and(|left| left >= REGISTRATION_MARGIN);
        let has_code = self
            .grant_types
            .iter()
            .any(|g| g == AuthorizationCode::GRANT_TYPE);
        fresh && (has_code == (flow == Flow::Pkce))
    }

    /// Reads a registration file's bytes.
    pub(crate) fn from_file(input: &[u8]) -> Result<Self, CacheError> {
        let mut client_id = None;
        let mut client_secret = None;
        let mut expires_at = None;
        let mut scopes = None;
        let mut grant_types = None;
        let unknown = format::read_members(input, &NAMES, |i, r: &mut Reader<'_>| {
            let name = NAMES[i];
            match i {
                0 => client_id = Some(format::non_empty(r, name)?),
                1 => {
                    let secret = format::secret(r, name)?;
                    if secret.expose_secret().is_empty() {
                        return Err(CacheError::for_member(CacheErrorKind::Empty, name));
                    }
                    client_secret = Some(secret);
                }
                2 => expires_at = Some(format::time(r, name)?),
                3 => scopes = Some(format::strings(r, name)?),
                _ => grant_types = Some(format::strings(r, name)?),
            }
            Ok(())
        })?;
        Ok(Self {
            client_id: format::required(client_id, NAMES[0])?,
            client_secret: format::required(client_secret, NAMES[1])?,
            expires_at: format::required(expires_at, NAMES[2])?,
            scopes: scopes.unwrap_or_default(),
            grant_types: grant_types.unwrap_or_default(),
            unknown,
        })
    }

    /// The file's bytes, in one exact-size zeroizing buffer.
    pub(crate) fn to_file(&self) -> zeroize::Zeroizing<Vec<u8>> {
        format::write(self, &self.unknown)
    }
}

impl Members for CachedRegistration {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        v.member("clientId", Value::Str(&self.client_id))?;
        v.member(
            "clientSecret",
            Value::Str(self.client_secret.expose_secret()),
        )?;
        let expires_at = format::timestamp(self.expires_at);
        v.member("expiresAt", Value::Str(ascii(&expires_at)))?;
        if !self.scopes.is_empty() {
            v.member("scopes", Value::List(&self.scopes))?;
        }
        if !self.grant_types.is_empty() {
            v.member("grantTypes", Value::List(&self.grant_types))?;
        }
        Ok(())
    }
}

/// Redacts the client secret.
impl fmt::Debug for CachedRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("grant_types", &self.grant_types)
            .field("unknown", &self.unknown)
            .finish()
    }
}
