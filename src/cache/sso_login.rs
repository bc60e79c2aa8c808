//! `SsoLogin`: `aws sso login` in one call: the CLI's client registration
//! (reused from the cache, or made and cached), the PKCE or device sign-in, and
//! the token written where every AWS tool reads it.

use std::error::Error;
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use secrecy::SecretString;

use super::{
    CacheError, CacheKey, CachedRegistration, CachedToken, Flow, RegistrationKey, TokenCache,
};
use crate::builder_state::{field, Optional};
use crate::error::Rule;
use crate::grant::{AuthorizationCode, Grant, RefreshToken};
use crate::login::{
    AuthorizeUrl, DeviceLoginError, DevicePoller, LoopbackRedirect, Pkce, RedirectError,
    RegisterClient, RegisterClientResponse, ResolvedStartUrl, StartDeviceAuthorization,
    StartDeviceAuthorizationResponse,
};
#[cfg(feature = "reqwest")]
use crate::send::retry::retried;
#[cfg(feature = "ureq")]
use crate::send::retry::retried_blocking;
#[cfg(any(feature = "ureq", feature = "reqwest"))]
use crate::send::retry::Resend;
use crate::validation::Checks;
use crate::{BuildError, CreateToken, CreateTokenResponse, Endpoint, SendError};

/// The redirect URI the AWS CLI registers for the PKCE flow: without the port,
/// which the loopback listener picks at each login (RFC 8252 section 7.3).
const REGISTERED_REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

/// What the device flow's prompt will show and open, checked first: the pages
/// `https://` (or plain `http://` to the loopback interface), without a
/// fragment ([`Rule::WebPage`]: no `javascript:`, `data:`, `file:`...), so
/// that a browser opener handed [`LoginPrompt::url`] opens a web page; the
/// user code printable ASCII, so that printing the prompt sends no terminal
/// escape.
#[cfg(any(feature = "ureq", feature = "reqwest"))]
fn check_device_prompt(authorization: &StartDeviceAuthorizationResponse) -> Result<(), BuildError> {
    let mut checks = Checks::default();
    checks.web_page("verificationUri", authorization.verification_uri());
    if let Some(complete) = authorization.verification_uri_complete() {
        checks.web_page("verificationUriComplete", complete);
    }
    if !crate::validation::is_printable_ascii(authorization.user_code()) {
        checks.problem("userCode", None, Rule::UserCodeChars);
    }
    checks.finish("device authorization")
}

/// The authorization code is sent again only when the service certainly did
/// not take it, within 30 s of the first send.
#[cfg(any(feature = "ureq", feature = "reqwest"))]
const ONE_SHOT: Resend = Resend::OneShot {
    budget: Duration::from_secs(30),
};

/// Whether a cache file was read but holds no registration this crate can
/// use (as opposed to one that could not be read).
fn is_content_error(kind: super::CacheErrorKind) -> bool {
    use super::CacheErrorKind as K;
    matches!(
        kind,
        K::TooLarge
            | K::Syntax
            | K::Missing
            | K::NotString
            | K::Duplicate
            | K::Timestamp
            | K::Empty
            | K::OutOfRange
    )
}

/// Whether a device login polls again after a poll that got no answer
/// (`err`): while sending again can help, up to
/// [`DevicePoller::MAX_CONSECUTIVE_FAILURES`] such polls in the login (the
/// poller backs each next poll off: twice the interval, then 4 times...).
#[cfg(any(feature = "ureq", feature = "reqwest"))]
fn poll_again(err: &SendError, unanswered: &mut u32) -> bool {
    *unanswered += 1;
    err.is_retryable() && *unanswered < DevicePoller::MAX_CONSECUTIVE_FAILURES
}

/// `poll` (a device login loop), again after a poll without an answer while
/// [`poll_again`] says so.
#[cfg(feature = "ureq")]
fn polled(
    mut poll: impl FnMut() -> Result<CreateTokenResponse, DeviceLoginError>,
) -> Result<CreateTokenResponse, DeviceLoginError> {
    let mut unanswered = 0;
    loop {
        match poll() {
            Err(DeviceLoginError::Sending(err)) if poll_again(&err, &mut unanswered) => {}
            done => return done,
        }
    }
}

crate::builder_state::typed_struct! {
    /// `aws sso login` for an `sso-session` (or, with
    /// [`legacy_profile`](SsoLoginBuilder::legacy_profile), for a profile
    /// without one), in one call: what the AWS CLI v2 does, file for file, so
    /// that the CLI, botocore/boto3 and the AWS SDKs use the login.
    ///
    /// `login_blocking` (feature `ureq`) and `login` (feature `reqwest`):
    ///
    /// 1. reuse the client registration the CLI cached for this start URL, region,
    ///    configured scopes and session ([`RegistrationKey`]) if
    ///    [`reusable_for`](CachedRegistration::reusable_for) the flow; otherwise
    ///    register `botocore-client-<session name>` (a legacy profile's:
    ///    `botocore-client-<Unix time>`, as the CLI names it) (for PKCE: grant types
    ///    `authorization_code` and `refresh_token`, redirect URI
    ///    `http://127.0.0.1/oauth/callback`, issuer URL the
    ///    [`sent_start_url`](Self::sent_start_url)) and cache it;
    /// 2. sign the person in: with [`Flow::Pkce`] (the default, as the CLI with an
    ///    `sso-session`; a legacy profile has only the device flow), a [`LoopbackRedirect`] on `127.0.0.1`, a [`Pkce`] pair and
    ///    the endpoint's `/authorize` URL, then `CreateToken` `authorization_code`;
    ///    with [`Flow::Device`] (`--use-device-code`), `StartDeviceAuthorization`
    ///    (for the [`sent_start_url`](Self::sent_start_url)) and the
    ///    [`DevicePoller`]. The `prompt` is called once with what to show or open
    ///    ([`LoginPrompt`]);
    /// 3. store the token under [`CacheKey::session`] (a legacy profile's under
    ///    [`CacheKey::start_url`]): access token, expiry,
    ///    refresh token (when granted), client id and secret, registration expiry,
    ///    region and start URL (the configured one). An answer without
    ///    `expiresIn` is [`LoginError::NoExpiry`], and nothing is stored.
    ///
    /// Each request is sent up to 3 times while it fails in a way that sending
    /// again can help ([`SendError::is_retryable`]: the connection failed or
    /// was cut, a 500/502/503/504 or an unreadable 5xx, throttling), after a
    /// random pause of up to 1 s, then
    /// 2 s, as the AWS CLI's standard retry mode does; the device loop polls
    /// again after a poll that got no answer, backed off, up to 5 such polls
    /// in a login. A refusal is not sent again. The PKCE flow's authorization
    /// code is a one-shot grant: it is sent again only when the service
    /// certainly did not take it (no connection was made, or it answered 503
    /// or throttled), within 30 s, as a code sent twice is refused and may
    /// revoke what it gave (RFC 6749 section 4.1.2).
    ///
    /// A start URL on the organisation's own domain is resolved first, as the
    /// CLI does, with [`ResolvedStartUrl`] (its `resolve_blocking` or
    /// `resolve`), and given to the builder's `resolved`: the login does not
    /// resolve it by itself.
    ///
    /// The region is the [`Endpoint`]'s: [`Endpoint::new`] for IAM Identity
    /// Center's own endpoints (the browser opens
    /// `https://oidc.<region>.amazonaws.com/authorize`), [`Endpoint::custom`] for
    /// a stand-in or proxy (`<base>/authorize`).
    ///
    /// ```
    /// use ssooidc_token::cache::{Flow, SsoLogin, TokenCache};
    /// use ssooidc_token::Endpoint;
    ///
    /// # let dir = std::env::temp_dir().join(format!("ssooidc-doc-login-{}", std::process::id()));
    /// let login = SsoLogin::builder()
    ///     .session_name("my-sso")
    ///     .start_url("https://d-abc123.awsapps.com/start")
    ///     .endpoint(Endpoint::new("eu-west-1")?)
    ///     .cache(TokenCache::new(&dir)) // default: ~/.aws/sso/cache
    ///     .flow(Flow::Device)            // default: Flow::Pkce
    ///     .build()?;
    /// assert_eq!(login.region(), "eu-west-1");
    /// assert!(login.scopes().is_empty()); // no sso_registration_scopes
    /// assert!(login.requested_scopes().is_empty()); // the device flow asks for none
    ///
    /// # #[cfg(feature = "ureq")]
    /// fn sign_in(login: &SsoLogin) -> Result<(), Box<dyn std::error::Error>> {
    ///     let agent = ureq::Agent::new_with_defaults(); // https needs ureq/rustls or ureq/native-tls
    ///     let token = login.login_blocking(&agent, |prompt| println!("{prompt}"))?;
    ///     println!("signed in until {:?}", token.expires_at());
    ///     Ok(())
    /// }
    ///
    /// let empty = SsoLogin::builder()
    ///     .session_name("")
    ///     .start_url("d-abc123.awsapps.com/start")
    ///     .endpoint(Endpoint::new("eu-west-1")?)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(empty.to_string().contains("session_name") && empty.to_string().contains("start_url"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[derive(Debug, typed_builder::TypedBuilder)]
    #[builder(
        builder_type(
            name = SsoLoginBuilder,
            doc = "Builds an [`SsoLogin`](crate::cache::SsoLogin). Start with [`SsoLogin::builder`](crate::cache::SsoLogin::builder).\n\nRequired: `session_name` (or `legacy_profile()`), `start_url`, `endpoint`. Optional: `cache`, `flow`, `loopback_timeout`, `resolved`, `scope` (repeatable), `registration_scopes`.",
            attributes(#[derive(Debug)]),
        ),
        builder_method(vis = "", name = __builder),
        build_method(vis = "", name = __build),
        mutators(
            /// Adds one of the session's `sso_registration_scopes` (repeatable, in
            /// order). With neither this nor
            /// [`registration_scopes`](Self::registration_scopes) called, as the
            /// CLI with none configured: the registration's key says `null`, the
            /// device flow registers without scopes, and the PKCE flow registers
            /// and asks for `sso:account:access`.
            pub fn scope(&mut self, scope: impl Into<String>) {
                self.scope.get_or_insert_with(Vec::new).push(scope.into());
            }

            /// Adds the session's `sso_registration_scopes` as the config file
            /// writes them (`sso:account:access, codewhisperer:completions`), parsed
            /// as the AWS CLI parses them: split at commas, each trimmed, the
            /// empty ones dropped; added after any scopes given before (meant to
            /// be called once, with the setting's text).
            ///
            /// Present but empty (`sso_registration_scopes =`) is not the same as
            /// absent: the CLI names the registration after `"scopes": []`
            /// rather than `null`, so its registration is found only if this is
            /// called. The requests are as with none configured.
            pub fn registration_scopes(&mut self, raw: &str) {
                // Python's `str.strip()`: Unicode white space and the separators
                // U+001C..U+001F.
                let python_space = |c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c);
                self.scope.get_or_insert_with(Vec::new).extend(
                    raw.split(',')
                        .map(|scope| scope.trim_matches(python_space))
                        .filter(|scope| !scope.is_empty())
                        .map(str::to_owned),
                );
            }
        ),
    )]
    pub struct SsoLogin {
        raw #[builder(setter(
            fn transform(value: impl Into<String>) -> Option<String>
            where
                <Self as crate::builder_state::FieldState<field::session_name::Name>>::State:
                    field::session_name::Unset,
            {
                Some(value.into())
            },
            doc = "Sets the `sso-session` name (required, or [`legacy_profile`](Self::legacy_profile) instead): the token file is named after it, the client `botocore-client-<name>`.",
        ))]
        session_name: Option<String>,
        required start_url: into String = "Sets the AWS access portal URL (required), such as `https://d-abc123.awsapps.com/start`.",
        required endpoint: exact Endpoint = "Sets the OIDC endpoint (required): its region is the session's region. [`Endpoint::new`](crate::Endpoint::new) for IAM Identity Center's own.",
        optional cache: exact TokenCache = "Sets the cache (optional): by default [`TokenCache::default_location`](crate::cache::TokenCache::default_location), found when logging in.",
        optional flow: exact Flow = "Sets the sign-in flow (optional): by default [`Flow::Pkce`](crate::cache::Flow::Pkce) (for a legacy profile [`Flow::Device`](crate::cache::Flow::Device), its only one); [`Flow::Device`](crate::cache::Flow::Device) is `--use-device-code`.",
        optional loopback_timeout: exact Duration = "Sets how long the PKCE flow waits for the browser (optional): by default [`LoopbackRedirect::DEFAULT_TIMEOUT`](crate::login::LoopbackRedirect::DEFAULT_TIMEOUT), 10 minutes.",
        optional resolved: exact ResolvedStartUrl = "Sets what `start_url` resolves to (optional; [`ResolvedStartUrl`](crate::login::ResolvedStartUrl), as `aws sso login` resolves it): its [`url`](crate::login::ResolvedStartUrl::url) is sent as `issuerUrl` and `startUrl`, while the cache keeps naming `start_url`. It must be resolved from `start_url`, and the endpoint must be in its [`region`](crate::login::ResolvedStartUrl::region). Without it, `start_url` is sent as it is.",
        // The session's `sso_registration_scopes`: `None` without the setting,
        // which names another registration than the setting present but empty.
        raw #[builder(via_mutators)]
        scope: Option<Vec<String>>,
    }
}

crate::builder_state::field_states!(
    SsoLoginBuilder
    [session_name start_url endpoint cache flow loopback_timeout resolved scope]
    session_name start_url endpoint cache flow loopback_timeout resolved
);

crate::builder_state::maybe_setters!(SsoLoginBuilder {
    maybe_cache: cache exact TokenCache,
    maybe_flow: flow exact Flow,
    maybe_loopback_timeout: loopback_timeout exact Duration,
    maybe_resolved: resolved exact ResolvedStartUrl,
});

impl<Fields> SsoLoginBuilder<Fields> {
    /// Logs in a legacy profile: one with `sso_start_url` and `sso_region` of
    /// its own rather than an `sso-session`, in place of
    /// [`session_name`](Self::session_name). As `aws sso login` does for such a
    /// profile: the device flow (the default here, and the only one:
    /// [`Flow::Pkce`] is refused at `build()`), a client registered as
    /// `botocore-client-<Unix time>` without scopes (its registration cached
    /// under the start URL and region, `null` session and scopes), and the
    /// token stored under [`CacheKey::start_url`], where the CLI, botocore and
    /// the SDKs read a legacy profile's token.
    ///
    /// ```
    /// use ssooidc_token::cache::{CacheKey, Flow, SsoLogin};
    /// use ssooidc_token::Endpoint;
    ///
    /// let login = SsoLogin::builder()
    ///     .legacy_profile()
    ///     .start_url("https://d-abc123.awsapps.com/start")
    ///     .endpoint(Endpoint::new("eu-west-1")?)
    ///     .build()?;
    /// assert_eq!(login.session_name(), None);
    /// assert_eq!(login.flow(), Flow::Device);
    /// assert_eq!(login.key(), CacheKey::start_url("https://d-abc123.awsapps.com/start"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// It sets the same field as `session_name`: the two together, in either
    /// order, are a compile error ("field `session_name` is set twice").
    pub fn legacy_profile(
        self,
    ) -> <Self as crate::builder_state::SetState<field::session_name::Name, Option<String>>>::Output
    where
        Self: crate::builder_state::SetState<field::session_name::Name, Option<String>>
            + crate::builder_state::FieldState<field::session_name::Name>,
        <Self as crate::builder_state::FieldState<field::session_name::Name>>::State:
            field::session_name::Unset,
    {
        crate::builder_state::SetState::set_state(self, None)
    }
}

#[allow(non_camel_case_types)]
impl<session_name, start_url, endpoint, cache, flow, loopback_timeout, resolved>
    SsoLoginBuilder<(
        session_name,
        start_url,
        endpoint,
        cache,
        flow,
        loopback_timeout,
        resolved,
        (Option<Vec<String>>,),
    )>
{
    /// Checks the fields' content and returns the login, or a [`BuildError`]
    /// listing every problem: an empty or blank `session_name`, a `start_url`
    /// that is not an absolute URI, a `scope` that is not an RFC 6749
    /// scope-token; for a [`legacy_profile`](Self::legacy_profile),
    /// [`Flow::Pkce`] or a `scope`.
    ///
    /// Only compiles once `session_name` (or `legacy_profile()`), `start_url`
    /// and `endpoint` are set; each one missing is its own compile error
    /// naming it.
    ///
    /// # Errors
    /// [`BuildError`] naming every field that breaks a rule, never a value.
    pub fn build(self) -> Result<SsoLogin, BuildError>
    where
        session_name: field::session_name::Required<Option<String>>,
        start_url: field::start_url::Required<String>,
        endpoint: field::endpoint::Required<Endpoint>,
        cache: Optional<Option<TokenCache>>,
        flow: Optional<Option<Flow>>,
        loopback_timeout: Optional<Option<Duration>>,
        resolved: Optional<Option<ResolvedStartUrl>>,
    {
        let (session_name, start_url, endpoint, cache, flow, loopback_timeout, resolved, (scope,)) =
            self.fields;
        let login = SsoLogin {
            session_name: session_name.into_value(),
            start_url: start_url.into_value(),
            endpoint: endpoint.into_value(),
            cache: cache.into_value(),
            flow: flow.into_value(),
            loopback_timeout: loopback_timeout.into_value(),
            resolved: resolved.into_value(),
            scope,
        };
        let mut checks = Checks::default();
        if let Some(name) = &login.session_name {
            checks.non_empty("session_name", name);
        } else {
            if login.flow == Some(Flow::Pkce) {
                checks.problem("flow", None, Rule::LegacyProfileFlow);
            }
            if login.scope.is_some() {
                checks.problem("scope", None, Rule::LegacyProfileScopes);
            }
        }
        checks.absolute_uri("start_url", None, &login.start_url);
        checks.scopes(login.scopes());
        if let Some(resolved) = &login.resolved {
            if resolved.start_url() != login.start_url {
                checks.problem("resolved", None, Rule::ResolvedFromStartUrl);
            }
            if resolved.region() != login.region() {
                checks.problem("endpoint", None, Rule::ResolvedRegion);
            }
        }
        checks.finish("SsoLogin")?;
        Ok(login)
    }
}

/// What the person has to do to sign in, given to the `prompt` of
/// `SsoLogin::login_blocking` or `SsoLogin::login` once the login waits for
/// them. Its `Display` is a line to print; [`url`](Self::url) is the page to
/// open in their browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginPrompt<'a> {
    /// The PKCE flow: open the authorize URL; the browser comes back to the
    /// loopback listener.
    #[non_exhaustive]
    Browser {
        /// The authorize URL (with the `state` and `code_challenge`, no secret).
        authorize_url: &'a str,
    },
    /// The device flow: open the verification URI and enter the user code (or
    /// open the complete URI, which carries the code).
    #[non_exhaustive]
    Device {
        /// `verificationUri`.
        verification_uri: &'a str,
        /// `userCode`: the code the person checks or enters.
        user_code: &'a str,
        /// `verificationUriComplete`, when sent.
        verification_uri_complete: Option<&'a str>,
    },
}

impl<'a> LoginPrompt<'a> {
    fn device(authorization: &'a StartDeviceAuthorizationResponse) -> Self {
        Self::Device {
            verification_uri: authorization.verification_uri(),
            user_code: authorization.user_code(),
            verification_uri_complete: authorization.verification_uri_complete(),
        }
    }

    /// The page to open in the person's browser: the authorize URL, or the
    /// complete verification URI (else the verification URI).
    ///
    /// ```
    /// use ssooidc_token::cache::LoginPrompt;
    ///
    /// fn open(prompt: &LoginPrompt<'_>) {
    ///     println!("{prompt}");
    ///     let _ = prompt.url(); // hand it to the system's browser opener
    /// }
    /// # let _ = open;
    /// ```
    #[must_use]
    pub fn url(&self) -> &'a str {
        match *self {
            Self::Browser { authorize_url } => authorize_url,
            Self::Device {
                verification_uri,
                verification_uri_complete,
                ..
            } => verification_uri_complete.unwrap_or(verification_uri),
        }
    }
}

/// One line telling the person what to do.
impl fmt::Display for LoginPrompt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Browser { authorize_url } => {
                write!(f, "Open this URL to sign in: {authorize_url}")
            }
            Self::Device {
                verification_uri,
                user_code,
                ..
            } => write!(f, "Open {verification_uri} and enter the code {user_code}"),
        }
    }
}

/// Why [`SsoLogin`] stored no token: one variant per stage, the stage's own
/// error as the [`source`](Error::source). `Display` names the stage; neither
/// it nor `Debug` holds a secret (the sources are the crate's redacting
/// errors).
#[derive(Debug)]
#[non_exhaustive]
pub enum LoginError {
    /// The cache directory could not be found (no home directory), or a
    /// registration or token file could not be read or written.
    Cache(CacheError),
    /// A request could not be built from the login's values or the service's
    /// answers (a blank client id or secret, an authorize endpoint a browser
    /// must not open), or no random PKCE verifier or `state` could be drawn.
    Build(BuildError),
    /// `RegisterClient` was not answered with a registration.
    Register(SendError),
    /// The registration cannot be cached: the answer has no
    /// `clientSecretExpiresAt` (the CLI's reuse rule needs it).
    Registration(CacheError),
    /// `StartDeviceAuthorization` was not answered with a device code.
    DeviceAuthorization(SendError),
    /// The device flow ended without a token: denied, expired, refused.
    Device(DeviceLoginError),
    /// The PKCE flow's loopback listener could not be bound, or the browser did
    /// not come back with a code in time.
    Redirect(RedirectError),
    /// `CreateToken` (`authorization_code`) was not answered with a token.
    Token(SendError),
    /// The token answer has no lifetime (`expiresIn` missing or 0): a token file
    /// needs `expiresAt`, so nothing was stored.
    NoExpiry,
}

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Cache(_) => "sso login: the sso cache could not be read or written",
            Self::Build(_) => "sso login: a request could not be built",
            Self::Register(_) => "sso login: the client registration failed",
            Self::Registration(_) => "sso login: the client registration cannot be cached",
            Self::DeviceAuthorization(_) => "sso login: the device authorization failed",
            Self::Device(_) => "sso login: the device sign-in ended without a token",
            Self::Redirect(_) => "sso login: the browser sign-in did not come back with a code",
            Self::Token(_) => "sso login: the token request failed",
            Self::NoExpiry => "sso login: the token answer has no `expiresIn`; nothing was stored",
        })
    }
}

impl Error for LoginError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::Cache(err) | Self::Registration(err) => Some(err),
            Self::Build(err) => Some(err),
            Self::Register(err) | Self::DeviceAuthorization(err) | Self::Token(err) => Some(err),
            Self::Device(err) => Some(err),
            Self::Redirect(err) => Some(err),
            Self::NoExpiry => None,
        }
    }
}

impl From<BuildError> for LoginError {
    fn from(err: BuildError) -> Self {
        Self::Build(err)
    }
}

impl From<CacheError> for LoginError {
    fn from(err: CacheError) -> Self {
        Self::Cache(err)
    }
}

/// The PKCE flow between the prompt and the token request.
struct Browser {
    redirect: LoopbackRedirect,
    pkce: Pkce,
    authorize: AuthorizeUrl,
}

impl SsoLogin {
    /// The scope the PKCE flow registers and asks for when the session has no
    /// `sso_registration_scopes`, as the CLI.
    pub const DEFAULT_SCOPE: &'static str = "sso:account:access";

    /// Starts a login.
    pub fn builder() -> SsoLoginBuilder {
        Self::__builder()
    }

    /// The `sso-session` name; `None` for a
    /// [`legacy_profile`](SsoLoginBuilder::legacy_profile).
    #[must_use]
    pub fn session_name(&self) -> Option<&str> {
        self.session_name.as_deref()
    }

    /// The AWS access portal URL.
    #[must_use]
    pub fn start_url(&self) -> &str {
        &self.start_url
    }

    /// What the start URL resolved to, when given.
    #[must_use]
    pub fn resolved(&self) -> Option<&ResolvedStartUrl> {
        self.resolved.as_ref()
    }

    /// The URL sent as `issuerUrl` (PKCE registration) and `startUrl` (device
    /// authorization): the [`resolved`](Self::resolved) one when given, else
    /// the start URL.
    #[must_use]
    pub fn sent_start_url(&self) -> &str {
        self.resolved
            .as_ref()
            .map_or(self.start_url.as_str(), ResolvedStartUrl::url)
    }

    /// The OIDC endpoint.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The region: the endpoint's.
    #[must_use]
    pub fn region(&self) -> &str {
        self.endpoint.region()
    }

    /// The cache given, or `None` for the default location.
    #[must_use]
    pub fn cache(&self) -> Option<&TokenCache> {
        self.cache.as_ref()
    }

    /// The sign-in flow: as given, else [`Flow::Pkce`] for an `sso-session`
    /// and [`Flow::Device`] for a legacy profile.
    #[must_use]
    pub fn flow(&self) -> Flow {
        let default = match self.session_name {
            Some(_) => Flow::Pkce,
            None => Flow::Device,
        };
        self.flow.unwrap_or(default)
    }

    /// The session's `sso_registration_scopes`, as given (empty: none
    /// configured, or configured empty). They name the registration
    /// ([`registration_key`](Self::registration_key)).
    #[must_use]
    pub fn scopes(&self) -> &[String] {
        self.scope.as_deref().unwrap_or_default()
    }

    /// Whether the session has `sso_registration_scopes` at all: set by
    /// [`scope`](SsoLoginBuilder::scope) or
    /// [`registration_scopes`](SsoLoginBuilder::registration_scopes), even
    /// empty.
    ///
    /// ```
    /// use ssooidc_token::cache::SsoLogin;
    /// use ssooidc_token::Endpoint;
    ///
    /// let builder = || {
    ///     SsoLogin::builder()
    ///         .session_name("dev")
    ///         .start_url("https://d-abc123.awsapps.com/start")
    ///         .endpoint(Endpoint::new("us-east-1").unwrap())
    /// };
    /// let absent = builder().build()?;
    /// let empty = builder().registration_scopes(" , ").build()?;
    /// assert!(!absent.scopes_configured() && empty.scopes_configured());
    /// assert!(empty.scopes().is_empty());
    /// assert_ne!(absent.registration_key(), empty.registration_key());
    /// # Ok::<(), ssooidc_token::BuildError>(())
    /// ```
    #[must_use]
    pub fn scopes_configured(&self) -> bool {
        self.scope.is_some()
    }

    /// The scopes the flow registers and asks for: the configured ones, or,
    /// with none configured, none for the device flow and
    /// [`DEFAULT_SCOPE`](Self::DEFAULT_SCOPE) for PKCE (as the CLI).
    #[must_use]
    pub fn requested_scopes(&self) -> Vec<&str> {
        match (self.scopes().is_empty(), self.flow()) {
            (true, Flow::Pkce) => vec![Self::DEFAULT_SCOPE],
            _ => self.scopes().iter().map(String::as_str).collect(),
        }
    }

    /// How long the PKCE flow waits for the browser.
    #[must_use]
    pub fn loopback_timeout(&self) -> Duration {
        self.loopback_timeout
            .unwrap_or(LoopbackRedirect::DEFAULT_TIMEOUT)
    }

    /// The token's key: [`CacheKey::session`] of the session name, or
    /// [`CacheKey::start_url`] of the (configured) start URL for a legacy
    /// profile.
    #[must_use]
    pub fn key(&self) -> CacheKey {
        match &self.session_name {
            Some(name) => CacheKey::session(name),
            None => CacheKey::start_url(&self.start_url),
        }
    }

    /// The client registration's key, as the CLI names it: from the configured
    /// scopes (`null` when the session has none, even though PKCE then asks for
    /// [`DEFAULT_SCOPE`](Self::DEFAULT_SCOPE); `[]` when it has the setting
    /// empty).
    #[must_use]
    pub fn registration_key(&self) -> RegistrationKey {
        let scopes: Vec<&str> = self.scopes().iter().map(String::as_str).collect();
        RegistrationKey::new(
            &self.start_url,
            self.region(),
            self.scopes_configured().then_some(scopes.as_slice()),
            self.session_name.as_deref(),
        )
    }

    fn token_cache(&self) -> Result<TokenCache, LoginError> {
        match &self.cache {
            Some(cache) => Ok(cache.clone()),
            None => Ok(TokenCache::default_location()?),
        }
    }

    /// The cached registration, when the CLI would reuse it. One whose file
    /// cannot be read as a registration (cut short, a member missing or
    /// malformed) is not: the login registers anew and writes over it, as
    /// the file is only a cache. A file that cannot be read at all (an I/O
    /// error) is an error.
    fn reusable(
        &self,
        cache: &TokenCache,
        key: &RegistrationKey,
    ) -> Result<Option<CachedRegistration>, LoginError> {
        let cached = match cache.load_registration(key) {
            Ok(cached) => cached,
            Err(err) if is_content_error(*err.kind()) => None,
            Err(err) => return Err(err.into()),
        };
        Ok(cached.filter(|cached| cached.reusable_for(self.flow(), SystemTime::now())))
    }

    /// The CLI's registration for the flow.
    fn register_request(&self, now: SystemTime) -> Result<RegisterClient, BuildError> {
        // A legacy profile's client is named after the time, as the CLI names it.
        let name = match &self.session_name {
            Some(name) => format!("botocore-client-{name}"),
            None => format!(
                "botocore-client-{}",
                now.duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |since| since.as_secs())
            ),
        };
        let mut request = RegisterClient::builder().client_name(name);
        for scope in self.requested_scopes() {
            request = request.scope(scope);
        }
        match self.flow() {
            Flow::Device => request.build(),
            Flow::Pkce => request
                .grant_type(AuthorizationCode::GRANT_TYPE)
                .grant_type(RefreshToken::GRANT_TYPE)
                .redirect_uri(REGISTERED_REDIRECT_URI)
                .issuer_url(self.sent_start_url())
                .build(),
        }
    }

    /// Caches the registration just made.
    fn keep_registration(
        cache: &TokenCache,
        key: &RegistrationKey,
        request: &RegisterClient,
        answer: &RegisterClientResponse,
    ) -> Result<CachedRegistration, LoginError> {
        let registration =
            CachedRegistration::from_response(request, answer).map_err(LoginError::Registration)?;
        cache.store_registration(key, &registration)?;
        Ok(registration)
    }

    fn device_request(
        &self,
        client: &CachedRegistration,
    ) -> Result<StartDeviceAuthorization, BuildError> {
        StartDeviceAuthorization::builder()
            .client_id(client.client_id())
            .client_secret(client.client_secret())
            .start_url(self.sent_start_url())
            .build()
    }

    /// The poller for `authorization`, received at `received`: the device
    /// code's lifetime runs from then, not from when the prompt returns.
    fn poller(
        client: &CachedRegistration,
        authorization: StartDeviceAuthorizationResponse,
        received: Instant,
    ) -> Result<DevicePoller, BuildError> {
        DevicePoller::from_client(
            client.client_id(),
            client.client_secret(),
            authorization,
            received,
        )
    }

    /// The listener, the PKCE pair and the authorize URL (the endpoint's
    /// `/authorize`).
    fn browser(&self, client: &CachedRegistration) -> Result<Browser, LoginError> {
        let redirect =
            LoopbackRedirect::bind().map_err(|err| LoginError::Redirect(RedirectError::Io(err)))?;
        let pkce = Pkce::new()?;
        let mut authorize = AuthorizeUrl::builder()
            .client_id(client.client_id())
            .redirect_uri(redirect.redirect_uri())
            .pkce(&pkce)
            .authorization_endpoint(self.endpoint.uri("/authorize").to_string());
        for scope in self.requested_scopes() {
            authorize = authorize.scope(scope);
        }
        let authorize = authorize.build()?;
        Ok(Browser {
            redirect,
            pkce,
            authorize,
        })
    }

    fn code_request(
        client: &CachedRegistration,
        redirect_uri: &str,
        pkce: Pkce,
        code: SecretString,
    ) -> Result<CreateToken<AuthorizationCode>, BuildError> {
        CreateToken::authorization_code()
            .client_id(client.client_id())
            .client_secret(client.client_secret())
            .code(code)
            .redirect_uri(redirect_uri)
            .code_verifier(pkce.into_verifier())
            .build()
    }

    /// Stores what the CLI stores, from the answer received at `now`.
    fn keep_token(
        &self,
        cache: &TokenCache,
        client: &CachedRegistration,
        answer: &CreateTokenResponse,
        now: SystemTime,
    ) -> Result<CachedToken, LoginError> {
        let expires_at = answer
            .expires_in()
            .filter(|lifetime| !lifetime.is_zero())
            .and_then(|lifetime| now.checked_add(lifetime))
            .ok_or(LoginError::NoExpiry)?;
        let token = CachedToken::builder()
            .access_token(answer.access_token())
            .expires_at(expires_at)
            .client_id(client.client_id())
            .client_secret(client.client_secret())
            .registration_expires_at(client.expires_at())
            .region(self.region())
            .start_url(self.start_url.as_str());
        // An empty refresh token is none (the builder refuses an empty one,
        // and the person has signed in already).
        let refresh = answer
            .refresh_token()
            .filter(|refresh| !secrecy::ExposeSecret::expose_secret(*refresh).is_empty());
        let token = token.maybe_refresh_token(refresh).build()?;
        cache.store(&self.key(), &token)?;
        Ok(token)
    }
}

#[cfg(feature = "ureq")]
#[cfg_attr(docsrs, doc(cfg(feature = "ureq")))]
impl SsoLogin {
    /// Logs in with `agent`, blocking, and stores the token (feature `ureq`);
    /// `prompt` is called once, with what the person has to open (the steps are
    /// on [`SsoLogin`]). The PKCE flow waits up to
    /// [`loopback_timeout`](Self::loopback_timeout) for the browser.
    ///
    /// Returns the token as stored under [`key`](Self::key).
    ///
    /// # Errors
    /// [`LoginError`], naming the stage that failed. A registration made before
    /// the failure stays cached, as with the CLI.
    pub fn login_blocking(
        &self,
        agent: &ureq::Agent,
        prompt: impl FnOnce(&LoginPrompt<'_>),
    ) -> Result<CachedToken, LoginError> {
        let endpoint = &self.endpoint;
        let cache = self.token_cache()?;
        let key = self.registration_key();
        let client = if let Some(client) = self.reusable(&cache, &key)? {
            client
        } else {
            let request = self.register_request(SystemTime::now())?;
            let answer =
                retried_blocking(Resend::Retryable, || request.send_blocking(agent, endpoint))
                    .map_err(LoginError::Register)?;
            Self::keep_registration(&cache, &key, &request, &answer)?
        };
        let answer = match self.flow() {
            Flow::Device => {
                let request = self.device_request(&client)?;
                let authorization =
                    retried_blocking(Resend::Retryable, || request.send_blocking(agent, endpoint))
                        .map_err(LoginError::DeviceAuthorization)?;
                let received = Instant::now();
                check_device_prompt(&authorization)?;
                prompt(&LoginPrompt::device(&authorization));
                let mut poller = Self::poller(&client, authorization, received)?;
                polled(|| poller.poll_blocking(agent, endpoint)).map_err(LoginError::Device)?
            }
            Flow::Pkce => {
                let browser = self.browser(&client)?;
                prompt(&LoginPrompt::Browser {
                    authorize_url: browser.authorize.url(),
                });
                let code = browser
                    .redirect
                    .wait(self.loopback_timeout(), browser.authorize.state())
                    .map_err(LoginError::Redirect)?;
                let redirect_uri = browser.redirect.redirect_uri();
                let request = Self::code_request(&client, redirect_uri, browser.pkce, code)?;
                retried_blocking(ONE_SHOT, || request.send_blocking(agent, endpoint))
                    .map_err(LoginError::Token)?
            }
        };
        self.keep_token(&cache, &client, &answer, SystemTime::now())
    }
}

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
impl SsoLogin {
    /// Logs in with `client` and stores the token (feature `reqwest`); as
    /// `login_blocking` (feature `ureq`).
    ///
    /// The waits do not block the executor: the device flow sleeps with
    /// `tokio::time` (as [`DevicePoller::poll`]), and the PKCE flow's loopback
    /// listener waits on a thread of its own that wakes this task. Dropping the
    /// future does not stop that thread: the listener keeps its port until the
    /// browser comes back or the [`loopback_timeout`](Self::loopback_timeout)
    /// passes. The cache files are read and written directly (small, local
    /// files, as [`SsoSession::token`](super::SsoSession::token) does).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use ssooidc_token::cache::SsoLogin;
    /// use ssooidc_token::{Endpoint, ReqwestClient};
    ///
    /// let login = SsoLogin::builder()
    ///     .session_name("my-sso")
    ///     .start_url("https://d-abc123.awsapps.com/start")
    ///     .endpoint(Endpoint::new("us-east-1")?)
    ///     .build()?;
    /// let token = login.login(&ReqwestClient::new()?, |prompt| println!("{prompt}")).await?;
    /// # let _ = token; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As `login_blocking`: [`LoginError`], naming the stage that failed.
    pub async fn login(
        &self,
        client: &crate::ReqwestClient,
        prompt: impl FnOnce(&LoginPrompt<'_>),
    ) -> Result<CachedToken, LoginError> {
        let endpoint = &self.endpoint;
        let cache = self.token_cache()?;
        let key = self.registration_key();
        let registration = if let Some(registration) = self.reusable(&cache, &key)? {
            registration
        } else {
            let request = self.register_request(SystemTime::now())?;
            let answer = retried(Resend::Retryable, || request.send(client, endpoint))
                .await
                .map_err(LoginError::Register)?;
            Self::keep_registration(&cache, &key, &request, &answer)?
        };
        let answer = match self.flow() {
            Flow::Device => {
                let request = self.device_request(&registration)?;
                let authorization = retried(Resend::Retryable, || request.send(client, endpoint))
                    .await
                    .map_err(LoginError::DeviceAuthorization)?;
                let received = Instant::now();
                check_device_prompt(&authorization)?;
                prompt(&LoginPrompt::device(&authorization));
                let mut poller = Self::poller(&registration, authorization, received)?;
                let mut unanswered = 0;
                loop {
                    match poller.poll(client, endpoint).await {
                        Err(DeviceLoginError::Sending(err))
                            if poll_again(&err, &mut unanswered) => {}
                        done => break done.map_err(LoginError::Device)?,
                    }
                }
            }
            Flow::Pkce => {
                let Browser {
                    redirect,
                    pkce,
                    authorize,
                } = self.browser(&registration)?;
                prompt(&LoginPrompt::Browser {
                    authorize_url: authorize.url(),
                });
                let redirect_uri = redirect.redirect_uri().to_owned();
                let state = authorize.state().to_owned();
                let timeout = self.loopback_timeout();
                let code =
                    super::on_thread::OnThread::spawn(move || redirect.wait(timeout, &state))
                        .map_err(|err| LoginError::Redirect(RedirectError::Io(err)))?
                        .await
                        .map_err(LoginError::Redirect)?;
                let request = Self::code_request(&registration, &redirect_uri, pkce, code)?;
                retried(ONE_SHOT, || request.send(client, endpoint))
                    .await
                    .map_err(LoginError::Token)?
            }
        };
        self.keep_token(&cache, &registration, &answer, SystemTime::now())
    }
}

#[cfg(all(test, feature = "ureq"))]
mod tests {
    use super::{polled, DeviceLoginError};

    /// The device loop polls again after a poll without an answer (one that
    /// sending again can help), up to 5 such polls in a login; a failure
    /// that sending again cannot help ends it at once.
    #[test]
    fn the_device_loop_polls_again_up_to_five_unanswered_polls() {
        for (status, polls) in [(503, 5), (413, 1)] {
            let mut sent = 0;
            let got = polled(|| {
                sent += 1;
                Err(DeviceLoginError::Sending(crate::send::too_large(status)))
            });
            assert!(matches!(got, Err(DeviceLoginError::Sending(_))), "{got:?}");
            assert_eq!(sent, polls, "HTTP {status}");
        }
    }

    /// A legacy profile's registration at the CLI vector's clock is the one the
    /// AWS CLI's own fetcher sent: the client named after that Unix time, the
    /// client type, no scopes.
    #[test]
    fn a_legacy_registration_is_the_clis_at_the_same_time() {
        use secrecy::ExposeSecret;
        let cli: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/vectors/sso_cache/aws-cli/functional_sso/legacy_login.json"
        ))
        .unwrap();
        assert_eq!(cli["now"], "2026-12-01T12:00:00Z");
        let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_126_400);
        let login = super::SsoLogin::builder()
            .legacy_profile()
            .start_url(cli["start_url"].as_str().unwrap())
            .endpoint(crate::Endpoint::new(cli["region"].as_str().unwrap()).unwrap())
            .build()
            .unwrap();
        let request = login.register_request(now).unwrap();
        let sent: serde_json::Value =
            serde_json::from_slice(request.to_json().expose_secret()).unwrap();
        assert_eq!(cli["calls"][0][0], "RegisterClient");
        assert_eq!(sent, cli["calls"][0][1]);
    }
}
