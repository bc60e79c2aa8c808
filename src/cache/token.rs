//! `CachedToken`: one token file of the cache, its freshness and its refresh.

use std::fmt;
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};

use super::format::{self, Unknown};
use super::CacheError;
use crate::builder_state::{field, Optional};
use crate::grant::RefreshToken;
use crate::json::Reader;
use crate::time::rfc3339_z;
use crate::validation::Checks;
use crate::wire::{Members, Value, Visit};
use crate::{BuildError, CreateToken, CreateTokenResponse, IntoSecret, Rule};

/// From this long before expiry, one caller refreshes and the others go on with
/// the current token (botocore's advisory window).
pub const REFRESH_SOON: Duration = Duration::from_secs(15 * 60);

/// From this long before expiry, every caller waits for the refresh (botocore's
/// mandatory window).
pub const REFRESH_NOW: Duration = Duration::from_secs(10 * 60);

/// The members of a token file, as named in it.
const NAMES: [&str; 8] = [
    "accessToken",
    "expiresAt",
    "refreshToken",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "region",
    "startUrl",
];

crate::builder_state::typed_struct! {
    /// One token of the SSO token cache: what `aws sso login` writes to
    /// `~/.aws/sso/cache/<sha1>.json` and what the AWS CLI, botocore and the AWS SDKs
    /// read.
    ///
    /// The secrets (access token, refresh token, client secret) are held zeroizing and
    /// `Debug` redacts them. Members of the file that this crate does not know are
    /// kept and written back.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ssooidc_token::cache::{CachedToken, Freshness};
    /// use ssooidc_token::ExposeSecret;
    ///
    /// let now = SystemTime::now();
    /// let token = CachedToken::builder()
    ///     .access_token("aoaAAAAAGYm-access")
    ///     .expires_at(now + Duration::from_secs(3600))
    ///     .refresh_token("aorvJYubGpU6i91YnH7Mfo-refresh")
    ///     .client_id("_yzkThXVzLWVhc3QtMQ")
    ///     .client_secret("VERYLONGSECRET")
    ///     .registration_expires_at(now + Duration::from_secs(90 * 86_400))
    ///     .region("us-east-1")
    ///     .start_url("https://d-abc123.awsapps.com/start")
    ///     .build()?;
    /// assert_eq!(token.access_token().expose_secret(), "aoaAAAAAGYm-access");
    /// assert_eq!(token.freshness(now), Freshness::Fresh);
    /// assert!(!format!("{token:?}").contains("VERYLONGSECRET"));
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    // Clone: each copy is its own zeroizing memory, wiped when dropped.
    #[derive(Clone, typed_builder::TypedBuilder)]
    #[builder(
        builder_type(
            name = CachedTokenBuilder,
            doc = "Builds a [`CachedToken`](crate::cache::CachedToken). Start with [`CachedToken::builder`](crate::cache::CachedToken::builder).\n\nRequired: `access_token`, `expires_at`. Optional: `refresh_token`, `client_id`, `client_secret`, `registration_expires_at`, `region`, `start_url`.",
            attributes(#[derive(Debug)]),
        ),
        builder_method(vis = "", name = __builder),
        build_method(vis = "", name = __build),
    )]
    pub struct CachedToken {
        required secret access_token = "Sets `accessToken` (required, secret). Accepts `&str`, `&String`, `String`, `Box<str>`, `SecretString`, `&SecretString` or `Zeroizing<String>`.",
        required expires_at: exact SystemTime = "Sets `expiresAt` (required): when the access token expires. Written as `YYYY-MM-DDTHH:MM:SSZ` (fractions dropped).",
        optional secret refresh_token = "Sets `refreshToken` (optional, secret).",
        optional client_id: into String = "Sets `clientId` (optional): the registered client that refreshes the token.",
        optional secret client_secret = "Sets `clientSecret` (optional, secret): the registered client's secret.",
        optional registration_expires_at: exact SystemTime = "Sets `registrationExpiresAt` (optional): when the client registration (its secret) expires.",
        optional region: into String = "Sets `region` (optional): the IAM Identity Center region (`us-east-1`).",
        optional start_url: into String = "Sets `startUrl` (optional): the AWS access portal URL.",
        raw #[builder(default, setter(skip))] unknown: Unknown,
    }
}

crate::builder_state::field_states!(
    CachedTokenBuilder
    [access_token expires_at refresh_token client_id client_secret registration_expires_at region start_url]
    access_token expires_at refresh_token client_id client_secret registration_expires_at region start_url
);

crate::builder_state::maybe_setters!(CachedTokenBuilder {
    maybe_refresh_token: refresh_token secret,
    maybe_client_id: client_id into String,
    maybe_client_secret: client_secret secret,
    maybe_registration_expires_at: registration_expires_at exact SystemTime,
    maybe_region: region into String,
    maybe_start_url: start_url into String,
});

#[allow(non_camel_case_types)]
impl<
        access_token,
        expires_at,
        refresh_token,
        client_id,
        client_secret,
        registration_expires_at,
        region,
        start_url,
    >
    CachedTokenBuilder<(
        access_token,
        expires_at,
        refresh_token,
        client_id,
        client_secret,
        registration_expires_at,
        region,
        start_url,
    )>
{
    /// Checks the fields' content and returns the token, or a [`BuildError`]
    /// listing every problem: an empty or blank `access_token`, `refresh_token`,
    /// `client_id` or `client_secret`; a time before 1970 or after 9999; a
    /// `region` that is not DNS labels; a `start_url` that is not an absolute URI.
    ///
    /// Only compiles once `access_token` and `expires_at` are set.
    ///
    /// # Errors
    /// [`BuildError`] naming every field that breaks a rule, never a value.
    pub fn build(self) -> Result<CachedToken, BuildError>
    where
        access_token: field::access_token::Required<SecretString>,
        expires_at: field::expires_at::Required<SystemTime>,
        refresh_token: Optional<Option<SecretString>>,
        client_id: Optional<Option<String>>,
        client_secret: Optional<Option<SecretString>>,
        registration_expires_at: Optional<Option<SystemTime>>,
        region: Optional<Option<String>>,
        start_url: Optional<Option<String>>,
    {
        let (
            access_token,
            expires_at,
            refresh_token,
            client_id,
            client_secret,
            registration_expires_at,
            region,
            start_url,
        ) = self.fields;
        let token = CachedToken {
            access_token: access_token.into_value(),
            expires_at: expires_at.into_value(),
            refresh_token: refresh_token.into_value(),
            client_id: client_id.into_value(),
            client_secret: client_secret.into_value(),
            registration_expires_at: registration_expires_at.into_value(),
            region: region.into_value(),
            start_url: start_url.into_value(),
            unknown: Unknown::default(),
        };
        token.check()?;
        Ok(token)
    }
}

/// How close a token is to its expiry, as botocore's refresh windows see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Freshness {
    /// More than 15 minutes left: use it.
    Fresh,
    /// 15 minutes or less left: one caller refreshes; the others go on with the
    /// current token.
    RefreshSoon,
    /// 10 minutes or less left: every caller waits for a refresh.
    RefreshNow,
    /// Expired: it must not be used; refresh it, or log in again.
    Expired,
}

/// Why a token cannot be refreshed: the member it lacks, or the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotRefreshable {
    /// No `refreshToken`: the login did not grant one.
    NoRefreshToken,
    /// No `clientId`.
    NoClientId,
    /// No `clientSecret`.
    NoClientSecret,
    /// No `registrationExpiresAt`: counted as expired, as `aws-config` does.
    NoRegistrationExpiry,
    /// The client registration has expired: log in again.
    RegistrationExpired,
    /// The request could not be built from the members (an empty one).
    Invalid(BuildError),
}

impl fmt::Display for NotRefreshable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoRefreshToken => f.write_str("token cannot be refreshed: it has no `refreshToken`"),
            Self::NoClientId => f.write_str("token cannot be refreshed: it has no `clientId`"),
            Self::NoClientSecret => {
                f.write_str("token cannot be refreshed: it has no `clientSecret`")
            }
            Self::NoRegistrationExpiry => f.write_str(
                "token cannot be refreshed: it has no `registrationExpiresAt` (counted as expired)",
            ),
            Self::RegistrationExpired => f.write_str(
                "token cannot be refreshed: its client registration (`registrationExpiresAt`) has expired",
            ),
            Self::Invalid(_) => f.write_str("token cannot be refreshed: a member is not valid"),
        }
    }
}

impl std::error::Error for NotRefreshable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Invalid(err) => Some(err),
            _ => None,
        }
    }
}

impl CachedToken {
    /// Starts a token.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ssooidc_token::cache::CachedToken;
    ///
    /// let token = CachedToken::builder()
    ///     .access_token("aoaAAAAAGYm-access")
    ///     .expires_at(SystemTime::now() + Duration::from_secs(3600))
    ///     .build()?;
    /// assert!(token.refresh_token().is_none());
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    pub fn builder() -> CachedTokenBuilder {
        Self::__builder()
    }

    fn check(&self) -> Result<(), BuildError> {
        let mut checks = Checks::default();
        checks.secret("access_token", &self.access_token);
        if rfc3339_z(self.expires_at).is_none() {
            checks.problem("expires_at", None, Rule::Timestamp);
        }
        if let Some(token) = &self.refresh_token {
            checks.secret("refresh_token", token);
        }
        if let Some(id) = &self.client_id {
            checks.non_empty("client_id", id);
        }
        if let Some(secret) = &self.client_secret {
            checks.secret("client_secret", secret);
        }
        if let Some(at) = self.registration_expires_at {
            if rfc3339_z(at).is_none() {
                checks.problem("registration_expires_at", None, Rule::Timestamp);
            }
        }
        if let Some(region) = &self.region {
            checks.region(region);
        }
        if let Some(url) = &self.start_url {
            checks.absolute_uri("start_url", None, url);
        }
        checks.finish("CachedToken")
    }

    /// `accessToken`.
    #[must_use]
    pub fn access_token(&self) -> &SecretString {
        &self.access_token
    }

    /// `expiresAt`: when the access token expires.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// `refreshToken`, if the file has one.
    #[must_use]
    pub fn refresh_token(&self) -> Option<&SecretString> {
        self.refresh_token.as_ref()
    }

    /// `clientId`, if the file has one.
    #[must_use]
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// `clientSecret`, if the file has one.
    #[must_use]
    pub fn client_secret(&self) -> Option<&SecretString> {
        self.client_secret.as_ref()
    }

    /// `registrationExpiresAt`, if the file has one.
    #[must_use]
    pub fn registration_expires_at(&self) -> Option<SystemTime> {
        self.registration_expires_at
    }

    /// `region`, if the file has one.
    #[must_use]
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// `startUrl`, if the file has one.
    #[must_use]
    pub fn start_url(&self) -> Option<&str> {
        self.start_url.as_deref()
    }

    /// How close the token is to expiry at `now`: [`Fresh`](Freshness::Fresh)
    /// until 15 minutes before, [`RefreshSoon`](Freshness::RefreshSoon) until 10
    /// minutes before, [`RefreshNow`](Freshness::RefreshNow) until it expires,
    /// then [`Expired`](Freshness::Expired).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ssooidc_token::cache::{CachedToken, Freshness};
    ///
    /// let now = SystemTime::now();
    /// let token = CachedToken::builder().access_token("t").expires_at(now + Duration::from_secs(720)).build()?;
    /// assert_eq!(token.freshness(now), Freshness::RefreshSoon);
    /// assert_eq!(token.freshness(now + Duration::from_secs(180)), Freshness::RefreshNow);
    /// assert_eq!(token.freshness(now + Duration::from_secs(720)), Freshness::Expired);
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    #[must_use]
    pub fn freshness(&self, now: SystemTime) -> Freshness {
        match self.expires_at.duration_since(now) {
            Err(_) => Freshness::Expired,
            Ok(left) if left.is_zero() => Freshness::Expired,
            Ok(left) if left <= REFRESH_NOW => Freshness::RefreshNow,
            Ok(left) if left <= REFRESH_SOON => Freshness::RefreshSoon,
            Ok(_) => Freshness::Fresh,
        }
    }

    /// The `CreateToken` request that refreshes this token (`grant_type`
    /// `refresh_token`), when it can be refreshed at `now`: it needs a refresh
    /// token, a client id and secret, and a client registration that has not
    /// expired (an absent `registrationExpiresAt` counts as expired, as in
    /// `aws-config`).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ssooidc_token::cache::{CachedToken, NotRefreshable};
    ///
    /// let now = SystemTime::now();
    /// let token = CachedToken::builder()
    ///     .access_token("aoaAAAAAGYm-access")
    ///     .expires_at(now + Duration::from_secs(300))
    ///     .refresh_token("aorvJYubGpU6i91YnH7Mfo-refresh")
    ///     .client_id("_yzkThXVzLWVhc3QtMQ")
    ///     .client_secret("VERYLONGSECRET")
    ///     .registration_expires_at(now - Duration::from_secs(1))
    ///     .build()?;
    /// assert_eq!(token.refresh_request(now).unwrap_err(), NotRefreshable::RegistrationExpired);
    /// assert!(token.refresh_request(now - Duration::from_secs(60)).is_ok());
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    ///
    /// # Errors
    /// [`NotRefreshable`] naming the member that is missing or the rule broken.
    pub fn refresh_request(
        &self,
        now: SystemTime,
    ) -> Result<CreateToken<RefreshToken>, NotRefreshable> {
        let refresh_token = self
            .refresh_token
            .as_ref()
            .ok_or(NotRefreshable::NoRefreshToken)?;
        let client_id = self
            .client_id
            .as_deref()
            .ok_or(NotRefreshable::NoClientId)?;
        let client_secret = self
            .client_secret
            .as_ref()
            .ok_or(NotRefreshable::NoClientSecret)?;
        let registration = self
            .registration_expires_at
            .ok_or(NotRefreshable::NoRegistrationExpiry)?;
        if registration <= now {
            return Err(NotRefreshable::RegistrationExpired);
        }
        CreateToken::refresh_token()
            .client_id(client_id)
            .client_secret(client_secret)
            .refresh_token(refresh_token)
            .build()
            .map_err(NotRefreshable::Invalid)
    }

    /// The token after a successful refresh answered at `now`: the new access
    /// token and expiry (`now` + `expiresIn`), the new refresh token or, when the
    /// answer has none, the old one (as `aws-config` does; botocore drops it); the
    /// client, registration, region, start URL and unknown members kept.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ssooidc_token::cache::CachedToken;
    /// use ssooidc_token::{CreateTokenResponse, ExposeSecret};
    ///
    /// let now = SystemTime::now();
    /// let token = CachedToken::builder()
    ///     .access_token("old-access")
    ///     .expires_at(now)
    ///     .refresh_token("old-refresh")
    ///     .client_id("_yzkThXVzLWVhc3QtMQ")
    ///     .build()?;
    /// let answer = CreateTokenResponse::from_json(br#"{"accessToken":"new-access","expiresIn":3600}"#)?;
    /// let refreshed = token.refreshed(&answer, now);
    /// assert_eq!(refreshed.access_token().expose_secret(), "new-access");
    /// assert_eq!(refreshed.refresh_token().unwrap().expose_secret(), "old-refresh");
    /// assert_eq!(refreshed.expires_at(), now + Duration::from_secs(3600));
    /// assert_eq!(refreshed.client_id(), Some("_yzkThXVzLWVhc3QtMQ"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn refreshed(&self, answer: &CreateTokenResponse, now: SystemTime) -> CachedToken {
        let expires_at = answer.expires_at(now).unwrap_or(now);
        // An empty refresh token in the answer is none: the one kept stays.
        let refresh_token = answer
            .refresh_token()
            .filter(|token| !token.expose_secret().is_empty())
            .or(self.refresh_token.as_ref())
            .map(IntoSecret::into_secret);
        CachedToken {
            access_token: answer.access_token().into_secret(),
            expires_at: format::writable(expires_at),
            refresh_token,
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.as_ref().map(IntoSecret::into_secret),
            registration_expires_at: self.registration_expires_at,
            region: self.region.clone(),
            start_url: self.start_url.clone(),
            unknown: self.unknown.clone(),
        }
    }

    /// The token with `region` as its region.
    #[cfg_attr(not(any(feature = "ureq", feature = "reqwest")), allow(dead_code))]
    pub(crate) fn with_region(mut self, region: &str) -> Self {
        self.region = Some(region.to_owned());
        self
    }

    /// Reads a token file's contents, as [`TokenCache::load`](super::TokenCache::load)
    /// does, from bytes got elsewhere (another store, a test): the same tolerant
    /// reader (every time form the AWS tools wrote, known keys in any case,
    /// unknown members kept), secrets decoded straight into zeroizing buffers.
    /// An empty `refreshToken`, `clientId` or `clientSecret` reads as absent.
    ///
    /// ```
    /// use ssooidc_token::cache::{CacheErrorKind, CachedToken};
    /// use ssooidc_token::ExposeSecret;
    ///
    /// let token = CachedToken::from_json(br#"{"accessToken":"aoaA-token",
    ///     "expiresAt":"2030-01-01T00:00:00+01:00","X-Other":"kept"}"#)?;
    /// assert_eq!(token.access_token().expose_secret(), "aoaA-token");
    ///
    /// let err = CachedToken::from_json(br#"{"accessToken":"aoaA-token"}"#).unwrap_err();
    /// assert_eq!(err.member(), Some("expiresAt"));
    /// assert!(matches!(err.kind(), CacheErrorKind::Missing));
    /// # Ok::<(), ssooidc_token::cache::CacheError>(())
    /// ```
    ///
    /// # Errors
    /// A [`CacheError`] naming the member and the problem (no file: its
    /// [`path`](CacheError::path) is `None`); it never holds a value.
    pub fn from_json(input: &[u8]) -> Result<Self, CacheError> {
        let mut access_token = None;
        let mut expires_at = None;
        let mut refresh_token = None;
        let mut client_id = None;
        let mut client_secret = None;
        let mut registration_expires_at = None;
        let mut region = None;
        let mut start_url = None;
        let unknown = format::read_members(input, &NAMES, |i, r: &mut Reader<'_>| {
            let name = NAMES[i];
            match i {
                0 => {
                    let token = format::secret(r, name)?;
                    if token.expose_secret().is_empty() {
                        return Err(CacheError::for_member(super::CacheErrorKind::Empty, name));
                    }
                    access_token = Some(token);
                }
                1 => expires_at = Some(format::time(r, name)?),
                2 => refresh_token = Some(format::secret(r, name)?),
                3 => client_id = Some(format::string(r, name)?),
                4 => client_secret = Some(format::secret(r, name)?),
                5 => registration_expires_at = Some(format::time(r, name)?),
                6 => region = Some(format::string(r, name)?),
                _ => start_url = Some(format::string(r, name)?),
            }
            Ok(())
        })?;
        // An empty refresh token, client id or secret says nothing: absent
        // (so the token is not refreshable), as the builder would have it.
        let given = |secret: &SecretString| !secret.expose_secret().is_empty();
        Ok(Self {
            access_token: format::required(access_token, NAMES[0])?,
            expires_at: format::required(expires_at, NAMES[1])?,
            refresh_token: refresh_token.filter(given),
            client_id: client_id.filter(|id| !id.is_empty()),
            client_secret: client_secret.filter(given),
            registration_expires_at,
            region,
            start_url,
            unknown,
        })
    }

    /// The file's bytes, in one exact-size zeroizing buffer.
    pub(crate) fn to_file(&self) -> zeroize::Zeroizing<Vec<u8>> {
        format::write(self, &self.unknown)
    }
}

impl Members for CachedToken {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        // The order `aws sso login` writes them in.
        if let Some(url) = &self.start_url {
            v.member("startUrl", Value::Str(url))?;
        }
        if let Some(region) = &self.region {
            v.member("region", Value::Str(region))?;
        }
        v.member("accessToken", Value::Str(self.access_token.expose_secret()))?;
        let expires_at = format::timestamp(self.expires_at);
        v.member("expiresAt", Value::Str(ascii(&expires_at)))?;
        if let Some(id) = &self.client_id {
            v.member("clientId", Value::Str(id))?;
        }
        if let Some(secret) = &self.client_secret {
            v.member("clientSecret", Value::Str(secret.expose_secret()))?;
        }
        if let Some(at) = self.registration_expires_at {
            let at = format::timestamp(at);
            v.member("registrationExpiresAt", Value::Str(ascii(&at)))?;
        }
        if let Some(token) = &self.refresh_token {
            v.member("refreshToken", Value::Str(token.expose_secret()))?;
        }
        Ok(())
    }
}

/// A timestamp's digits as text (always ASCII).
pub(crate) fn ascii(bytes: &[u8; 20]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("1970-01-01T00:00:00Z")
}

/// Redacts the secrets: shows which members are present, and the times.
impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("access_token", &self.access_token)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &self.refresh_token)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("registration_expires_at", &self.registration_expires_at)
            .field("region", &self.region)
            .field("start_url", &self.start_url)
            .field("unknown", &self.unknown)
            .finish()
    }
}
