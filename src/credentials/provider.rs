//! [`IdentityEnhancedCredentials`]: its builder, its shared session, and `ProvideCredentials`.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use secrecy::SecretString;

use super::chain::{self, Loaded};
use super::error::ChainError;
use super::transport::Transport;
use crate::builder_state::{field, FieldState, Optional};
use crate::error::{Problem, Rule};
use crate::sts::{IdentityContext, StsEndpoint};
use crate::time::ClockSkew;
use crate::{BuildError, CreateTokenWithIam, Endpoint};

/// How long before STS's `Expiration` the credentials are renewed, unless
/// [`refresh_window`](IdentityEnhancedCredentialsBuilder::refresh_window) says
/// otherwise: 5 minutes.
pub const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(300);

/// The start of the default `RoleSessionName`, followed by the application id
/// (`apl-...`), as AWS's trusted-identity-propagation plugins name the session.
pub const SESSION_NAME_PREFIX: &str = "TrustedIdentityPropagationSDKPluginEnhanced-";

type BoxError = Box<dyn Error + Send + Sync>;
type IdpTokenFuture = Pin<Box<dyn Future<Output = Result<SecretString, BoxError>> + Send>>;

/// The `idp_token` callback, boxed (public in a private module: a setter's
/// return type, never named by users).
#[derive(Clone)]
pub struct IdpTokenCallback(pub(crate) Arc<dyn Fn() -> IdpTokenFuture + Send + Sync>);

impl fmt::Debug for IdpTokenCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdpTokenCallback(<callback>)")
    }
}

crate::builder_state::typed_struct! {
    /// The settings of an [`IdentityEnhancedCredentials`] provider, as its builder
    /// collects them. The one secret among them is the external ID, kept
    /// zeroizing and never shown; the IdP token comes from a callback, and the
    /// application's credentials from a provider, each time a chain runs.
    // The builder's shape: `build()` takes the values from the builder's own
    // fields (applying the defaults into `Settings`), so this struct is never built.
    #[allow(dead_code)]
    #[derive(Debug, typed_builder::TypedBuilder)]
    #[builder(
        builder_type(
            name = IdentityEnhancedCredentialsBuilder,
            doc = "Builds an [`IdentityEnhancedCredentials`] provider. Start with [`IdentityEnhancedCredentials::builder`].\n\nRequired: `application_arn`, `role_arn`, `oidc_endpoint`, `sts_endpoint`, `app_credentials`, `idp_token`, `client`. Optional: `role_session_name`, `duration_seconds`, `refresh_window`, `scope` (repeatable), `source_identity`, `tag` (repeatable), `time_source`, `external_id`.",
            attributes(#[derive(Debug)]),
        ),
        builder_method(vis = "pub(crate)"),
        build_method(vis = "", name = __build),
        mutators(
            /// Adds a scope to request with CreateTokenWithIAM (repeatable, in
            /// order). With none, the service grants every scope configured on the
            /// application; a list must include `sts:identity_context`.
            pub fn scope(&mut self, scope: impl Into<String>) {
                self.scopes.push(scope.into());
            }
            /// Adds a session tag to `AssumeRole` (`Tags`, repeatable, at most 50;
            /// keys unique, ignoring case).
            pub fn tag(&mut self, key: impl Into<String>, value: impl Into<String>) {
                self.tags.push((key.into(), value.into()));
            }
        ),
    )]
    pub struct IdentityEnhancedCredentialsFields {
        required application_arn: into String = "Sets the ARN of the IAM Identity Center application (required): the `clientId` of CreateTokenWithIAM.",
        required role_arn: into String = "Sets the identity-enhanced role to assume (required): `arn:<partition>:iam::<account>:role/<name>`; its trust policy must allow the application `sts:AssumeRole` and `sts:SetContext`.",
        required oidc_endpoint: exact Endpoint = "Sets where CreateTokenWithIAM goes (required): `Endpoint::new(region)`, or a custom one.",
        required sts_endpoint: exact StsEndpoint = "Sets where `AssumeRole` goes (required): `StsEndpoint::new(region)`, or a custom one.",
        raw #[builder(setter(
            fn transform(provider: impl ProvideCredentials + 'static) -> SharedCredentialsProvider
            where
                <Self as FieldState<field::app_credentials::Name>>::State: field::app_credentials::Unset,
            {
                SharedCredentialsProvider::new(provider)
            },
            doc = "Sets the provider of the application's own credentials (required), which sign CreateTokenWithIAM and `AssumeRole`. It is asked afresh for every chain, so credentials it rotates (a task or instance role) are honoured. A fixed pair: `aws_credential_types::Credentials::new(..)`."
        ))]
        app_credentials: SharedCredentialsProvider,
        raw #[builder(setter(
            fn transform<F, Fut, T>(callback: F) -> IdpTokenCallback
            where
                F: Fn() -> Fut + Send + Sync + 'static,
                Fut: Future<Output = Result<T, Box<dyn Error + Send + Sync>>> + Send + 'static,
                T: crate::IntoSecret,
                <Self as FieldState<field::idp_token::Name>>::State: field::idp_token::Unset,
            {
                IdpTokenCallback(Arc::new(move || -> IdpTokenFuture {
                    let token = callback();
                    Box::pin(async move { token.await.map(crate::IntoSecret::into_secret) })
                }))
            },
            doc = "Sets the callback that gives a fresh IdP token (required), a compact JWT, for the jwt-bearer grant: called for the first chain, and again whenever no Identity Center refresh token is held or the service refuses it. The token may be any secret input (`String`, `&'static str`, `SecretString`, `Zeroizing<String>`...): it is moved into a zeroizing buffer of its exact size, as every secret setter does."
        ))]
        idp_token: IdpTokenCallback,
        raw #[builder(setter(
            fn transform(client: impl Transport) -> Arc<dyn Transport>
            where
                <Self as FieldState<field::client::Name>>::State: field::client::Unset,
            {
                Arc::new(client)
            },
            doc = "Sets the HTTP client (required): a [`ReqwestClient`](crate::ReqwestClient), which follows no redirect, or your own [`Transport`]."
        ))]
        client: Arc<dyn Transport>,
        optional role_session_name: into String = "Sets `RoleSessionName` (optional): 2 to 64 characters of letters, digits and `+=,.@-_`. Default: `TrustedIdentityPropagationSDKPluginEnhanced-<application id>`, as AWS's plugins name it.",
        optional duration_seconds: exact u32 = "Sets `DurationSeconds` (optional): 900 to 43,200, at most the role's maximum session duration; STS's default is an hour. Application credentials that are themselves a role session (an instance, task or function role) make this role chaining, which STS limits to an hour: above 3,600, every chain is refused.",
        optional refresh_window: exact Duration = "Sets how long before STS's `Expiration` the credentials are renewed (optional, default 5 minutes): the credentials handed out carry that much earlier an expiry, so the SDK's cache, which reloads only 5 to 10 s before expiry, renews in time. At most half of a session's lifetime is used. Keep it well above 40 s: the current credentials stand in for a failed renewal only while more than 30 s remain before STS's `Expiration`, and the SDK renews 5 to 10 s before the expiry it was given, so with a shorter window one failed renewal reaches the caller.",
        raw #[builder(via_mutators)]
        scopes: Vec<String>,
        optional source_identity: into String = "Sets `SourceIdentity` (optional): 2 to 64 characters of letters, digits and `+=,.@-_`, not starting with `aws:`.",
        raw #[builder(via_mutators)]
        tags: Vec<(String, String)>,
        raw #[builder(default, setter(
            fn transform(source: impl TimeSource + 'static) -> Option<SharedTimeSource>
            where
                <Self as FieldState<field::time_source::Name>>::State: field::time_source::Unset,
            {
                Some(SharedTimeSource::new(source))
            },
            doc = "Sets the clock (optional, default the system clock), as the SDK's own credential providers take one: it decides when credentials are fresh, when a failed renewal may be tried again, and the time requests are signed with. Pass the SDK config's `time_source()` to share its clock, or a test clock to step through expiry."
        ))]
        time_source: Option<SharedTimeSource>,
        optional secret external_id = "Sets `ExternalId` (optional, secret): the value the role's trust policy asks for in `sts:ExternalId` (a role in another account, such as a customer's that a SaaS application assumes), 2 to 1,224 characters of letters, digits and `+=,.@:/-_`. Kept like a password: zeroizing, never shown.",
    }
}

crate::builder_state::field_states!(
    IdentityEnhancedCredentialsBuilder
    [application_arn role_arn oidc_endpoint sts_endpoint app_credentials idp_token client role_session_name duration_seconds refresh_window scopes source_identity tags time_source external_id]
    application_arn role_arn oidc_endpoint sts_endpoint app_credentials idp_token client role_session_name duration_seconds refresh_window source_identity time_source external_id
);

crate::builder_state::maybe_setters!(IdentityEnhancedCredentialsBuilder {
    maybe_role_session_name: role_session_name into String,
    maybe_duration_seconds: duration_seconds exact u32,
    maybe_refresh_window: refresh_window exact Duration,
    maybe_source_identity: source_identity into String,
    maybe_external_id: external_id secret,
    fn maybe_time_source(time_source: Option<impl TimeSource + 'static>) -> Option<SharedTimeSource> {
        time_source.map(SharedTimeSource::new)
    }
});

#[allow(non_camel_case_types)]
impl<
        application_arn,
        role_arn,
        oidc_endpoint,
        sts_endpoint,
        app_credentials,
        idp_token,
        client,
        role_session_name,
        duration_seconds,
        refresh_window,
        source_identity,
        time_source,
        external_id,
    >
    IdentityEnhancedCredentialsBuilder<(
        application_arn,
        role_arn,
        oidc_endpoint,
        sts_endpoint,
        app_credentials,
        idp_token,
        client,
        role_session_name,
        duration_seconds,
        refresh_window,
        (Vec<String>,),
        source_identity,
        (Vec<(String, String)>,),
        time_source,
        external_id,
    )>
{
    /// Checks the settings against the rules of CreateTokenWithIAM and STS and
    /// returns the provider, or a [`BuildError`] listing every problem (field
    /// and rule, never a value). Nothing is sent: the first chain runs when
    /// credentials are first asked for.
    ///
    /// Only compiles once `application_arn`, `role_arn`, `oidc_endpoint`,
    /// `sts_endpoint`, `app_credentials`, `idp_token` and `client` are set;
    /// each one missing is its own compile error naming it.
    ///
    /// # Errors
    /// [`BuildError`] naming every setting that breaks a rule: the application
    /// ARN or a scope (CreateTokenWithIAM's `client_id` and `scope` rules), a
    /// scope list without `sts:identity_context`, the role ARN, session name,
    /// duration, source identity, a tag or the external ID (STS's rules).
    #[allow(clippy::type_complexity)]
    pub fn build(self) -> Result<IdentityEnhancedCredentials, BuildError>
    where
        application_arn: field::application_arn::Required<String>,
        role_arn: field::role_arn::Required<String>,
        oidc_endpoint: field::oidc_endpoint::Required<Endpoint>,
        sts_endpoint: field::sts_endpoint::Required<StsEndpoint>,
        app_credentials: field::app_credentials::Required<SharedCredentialsProvider>,
        idp_token: field::idp_token::Required<IdpTokenCallback>,
        client: field::client::Required<Arc<dyn Transport>>,
        role_session_name: Optional<Option<String>>,
        duration_seconds: Optional<Option<u32>>,
        refresh_window: Optional<Option<Duration>>,
        source_identity: Optional<Option<String>>,
        time_source: Optional<Option<SharedTimeSource>>,
        external_id: Optional<Option<SecretString>>,
    {
        let (
            application_arn,
            role_arn,
            oidc_endpoint,
            sts_endpoint,
            app_credentials,
            idp_token,
            client,
            role_session_name,
            duration_seconds,
            refresh_window,
            (scopes,),
            source_identity,
            (tags,),
            time_source,
            external_id,
        ) = self.fields;
        let application_arn = application_arn.into_value();
        let role_session_name = role_session_name
            .into_value()
            .unwrap_or_else(|| chain::default_session_name(&application_arn));
        let fields = Settings {
            application_arn,
            role_arn: role_arn.into_value(),
            oidc_endpoint: oidc_endpoint.into_value(),
            sts_endpoint: sts_endpoint.into_value(),
            app_credentials: app_credentials.into_value(),
            idp_token: idp_token.into_value(),
            client: client.into_value(),
            role_session_name,
            duration_seconds: duration_seconds.into_value(),
            refresh_window: refresh_window
                .into_value()
                .unwrap_or(DEFAULT_REFRESH_WINDOW),
            scopes,
            source_identity: source_identity.into_value(),
            tags,
            time_source: time_source.into_value().unwrap_or_default(),
            external_id: external_id.into_value(),
        };
        fields.check()?;
        Ok(IdentityEnhancedCredentials {
            inner: Arc::new(Inner {
                fields,
                session: tokio::sync::Mutex::new(Session::default()),
                runs: AtomicU64::new(0),
                last: Mutex::new(None),
            }),
        })
    }
}

/// The settings as the chain reads them (defaults applied).
pub(crate) struct Settings {
    pub(crate) application_arn: String,
    pub(crate) role_arn: String,
    pub(crate) oidc_endpoint: Endpoint,
    pub(crate) sts_endpoint: StsEndpoint,
    pub(crate) app_credentials: SharedCredentialsProvider,
    pub(crate) idp_token: IdpTokenCallback,
    pub(crate) client: Arc<dyn Transport>,
    pub(crate) role_session_name: String,
    pub(crate) duration_seconds: Option<u32>,
    pub(crate) refresh_window: Duration,
    pub(crate) scopes: Vec<String>,
    pub(crate) source_identity: Option<String>,
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) time_source: SharedTimeSource,
    pub(crate) external_id: Option<SecretString>,
}

impl Settings {
    /// Builds the two requests the chain sends, with placeholders for the
    /// secrets, so that every rule is checked once, here.
    fn check(&self) -> Result<(), BuildError> {
        let mut problems = Vec::new();
        if let Err(err) = CreateTokenWithIam::refresh_token()
            .client_id(self.application_arn.as_str())
            .refresh_token("placeholder")
            .scopes(self.scopes.iter().map(String::as_str))
            .build()
        {
            problems.extend(err.problems().iter().map(|problem| match problem.field() {
                "client_id" => Problem::new("application_arn", problem.index(), *problem.rule()),
                _ => problem.clone(),
            }));
        }
        if !self.scopes.is_empty() && !self.scopes.iter().any(|s| s == "sts:identity_context") {
            problems.push(Problem::new("scope", None, Rule::IdentityContextScope));
        }
        let Ok(placeholder) = IdentityContext::new("placeholder") else {
            unreachable!("a placeholder of 11 characters is a valid context")
        };
        if let Err(err) = chain::assume_role_request(self, placeholder) {
            problems.extend(err.problems().iter().cloned());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(BuildError::new("IdentityEnhancedCredentials", problems))
        }
    }
}

/// What the provider keeps between chains, behind the lock that lets one chain
/// run at a time.
#[derive(Default)]
struct Session {
    /// The Identity Center refresh token of the last token answer, if any.
    refresh_token: Option<SecretString>,
    /// The credentials of the last successful chain, and STS's `Expiration`
    /// (on the provider's clock).
    current: Option<(Credentials, SystemTime)>,
    /// How far the services' clock is from the provider's, learned from a
    /// refused signature or STS's answer: every chain signs with it.
    skew: ClockSkew,
    /// After an early renewal that failed or was cut short: no new chain
    /// before this time while the current credentials are still usable.
    retry_after: Option<SystemTime>,
    /// The number and error of the last chain, if it failed.
    failed: Option<(u64, ChainError)>,
    /// The number of the last chain that succeeded (0: none yet).
    succeeded: u64,
}

struct Inner {
    fields: Settings,
    session: tokio::sync::Mutex<Session>,
    /// How many chains have finished.
    runs: AtomicU64,
    /// The last credentials and STS's `Expiration` for them (the session's
    /// current ones), for `fresh` and `fallback_on_interrupt` (neither waits
    /// for the session's lock).
    last: Mutex<Option<(Credentials, SystemTime)>>,
}

/// The session while a chain runs. If the load is dropped before the chain
/// ends (the SDK's identity cache drops a load that outlasts its timeout), an
/// early renewal rests a minute from that moment, as a failed one does: the
/// loads of that minute take the credentials STS still honours instead of
/// each starting a chain of its own.
struct Renewal<'a> {
    session: tokio::sync::MutexGuard<'a, Session>,
    /// The provider's `last`, for [`reskew`](Self::reskew).
    last: &'a Mutex<Option<(Credentials, SystemTime)>>,
    /// The skew the current credentials' times were read with.
    skew_before: ClockSkew,
    time_source: &'a SharedTimeSource,
    /// Whether the chain is still running (the load has not seen it end).
    running: bool,
}

impl Renewal<'_> {
    /// When the chain learned another skew, reads the current credentials'
    /// expiry and STS's `Expiration` again with it (they were read onto the
    /// provider's clock with the one before), so that a renewal that then
    /// fails, or is cut short, serves them no longer than STS honours them.
    fn reskew(&mut self) {
        let (before, after) = (self.skew_before, self.session.skew);
        if before == after {
            return;
        }
        self.skew_before = after;
        let moved = |time: SystemTime| after.to_local(before.to_service(time));
        let reread = |held: &mut Option<(Credentials, SystemTime)>| {
            if let Some((credentials, expiration)) = held {
                *expiration = moved(*expiration);
                if let Some(expiry) = credentials.expiry_mut() {
                    *expiry = moved(*expiry);
                }
            }
        };
        reread(&mut self.session.current);
        reread(&mut self.last.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

impl Drop for Renewal<'_> {
    fn drop(&mut self) {
        if !self.running {
            return;
        }
        self.reskew();
        let now = self.time_source.now();
        let usable = (self.session.current.as_ref())
            .is_some_and(|(_, expiration)| chain::is_usable(*expiration, now));
        if usable {
            self.session.retry_after = Some(now + chain::RETRY_AFTER_FAILURE);
        }
    }
}

/// A credentials provider for the SDK clients that hands out identity-enhanced
/// credentials (trusted identity propagation), and keeps them fresh.
///
/// Each load that finds no fresh credentials runs the chain:
///
/// 1. the application's credentials from
///    [`app_credentials`](IdentityEnhancedCredentialsBuilder::app_credentials),
///    asked afresh;
/// 2. CreateTokenWithIAM, signed with them: the refresh-token grant with the
///    Identity Center refresh token when one is held; if the service refuses it
///    (`invalid_grant`, `expired_token`, `unauthorized_client`,
///    `unsupported_grant_type`), once, the jwt-bearer grant with a fresh
///    token from [`idp_token`](IdentityEnhancedCredentialsBuilder::idp_token);
///    the first chain uses jwt-bearer. A refresh token in the answer is kept for
///    the next chain (a blank one is not);
/// 3. [`IdentityContext::from_response`]; a refresh-token answer without one
///    drops the refresh token and goes back to step 2's jwt-bearer grant, once;
/// 4. STS `AssumeRole` with `ProvidedContexts` (provider
///    `arn:aws:iam::aws:contextProvider/IdentityCenter`), signed with the
///    application's credentials.
///
/// The credentials handed out carry an expiry
/// [`refresh_window`](IdentityEnhancedCredentialsBuilder::refresh_window) (5
/// minutes) before STS's `Expiration`, so the SDK's identity cache renews them
/// in time; until then, less 30 s, a load returns them without running a chain.
/// When a renewal fails while STS still honours the current credentials (more
/// than 30 s before its `Expiration`), the load returns them, and the next
/// chain waits a minute (botocore's advisory refresh does the same); after
/// that, the error reaches the caller. A renewal cut short (below) rests the
/// same minute, from the moment it is dropped.
///
/// The SDK's identity cache gives a load a bounded time and then drops it
/// (5 s in older `aws-smithy-runtime` releases; about 22 s in recent ones,
/// from its default retry and timeout settings), asking
/// [`fallback_on_interrupt`](ProvideCredentials::fallback_on_interrupt) for
/// the credentials to use meanwhile. A chain cut short keeps any refresh token
/// already received; while the current credentials are usable, the next
/// chain waits a minute from the drop, and after that it starts at the next
/// load. If your
/// `idp_token` callback or the network can be slow, raise the bound with
/// `IdentityCache::lazy().load_timeout(..)` on the SDK config.
///
/// A host clock that is minutes off is corrected as the SDK's clients
/// correct it: a request refused as signed at the wrong time (a clock-skew
/// code, and an answer whose `Date` is over 4 minutes from the time signed) is
/// signed again, once, with the skew that `Date` shows; later requests are
/// signed with it, and STS's `Expiration` is read back onto the provider's
/// clock with it. STS's successful answer's `Date` teaches the skew too,
/// however small (as the SDK's clients learn it from every answer), so
/// `Expiration` is read on the host's clock even when the skew is too small
/// for AWS to refuse a signature.
///
/// One chain runs at a time: loads that arrive while one runs wait for it and
/// share its credentials, or its error; this holds with or without the SDK's
/// identity cache in front. Clones share the session.
///
/// Errors are [`CredentialsError`]s whose source is a [`ChainError`] naming the
/// step, whose source in turn is the crate's error (for an STS refusal, the
/// [`StsError`](crate::sts::StsError) with its hint); see
/// [`ChainError::to_credentials_error`] for the variant chosen.
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use aws_credential_types::provider::ProvideCredentials;
/// use aws_credential_types::Credentials;
/// use ssooidc_token::credentials::IdentityEnhancedCredentials;
/// use ssooidc_token::sts::StsEndpoint;
/// use ssooidc_token::{Endpoint, ReqwestClient};
///
/// let provider = IdentityEnhancedCredentials::builder()
///     .application_arn("arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222")
///     .role_arn("arn:aws:iam::123456789012:role/identity-enhanced")
///     .oidc_endpoint(Endpoint::new("us-east-1")?)
///     .sts_endpoint(StsEndpoint::new("us-east-1")?)
///     .app_credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None, "app"))
///     .idp_token(|| async { Ok("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln") })
///     .client(ReqwestClient::new()?)
///     .scope("openid")
///     .scope("sts:identity_context")
///     .tag("team", "analytics")
///     .build()?;
/// // Without an SDK client: credentials for your own signer.
/// let credentials = provider.provide_credentials().await?;
/// println!("valid until {:?}", credentials.expiry());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct IdentityEnhancedCredentials {
    inner: Arc<Inner>,
}

impl IdentityEnhancedCredentials {
    /// Starts the builder.
    pub fn builder() -> IdentityEnhancedCredentialsBuilder {
        IdentityEnhancedCredentialsFields::builder()
    }

    /// The `RoleSessionName` sent (the default one if none was set).
    ///
    /// ```
    /// use aws_credential_types::Credentials;
    /// use ssooidc_token::credentials::IdentityEnhancedCredentials;
    /// use ssooidc_token::sts::StsEndpoint;
    /// use ssooidc_token::{Endpoint, ReqwestClient};
    ///
    /// let provider = IdentityEnhancedCredentials::builder()
    ///     .application_arn("arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222")
    ///     .role_arn("arn:aws:iam::123456789012:role/identity-enhanced")
    ///     .oidc_endpoint(Endpoint::new("us-east-1")?)
    ///     .sts_endpoint(StsEndpoint::new("us-east-1")?)
    ///     .app_credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None, "app"))
    ///     .idp_token(|| async { Ok("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln") })
    ///     .client(ReqwestClient::new()?)
    ///     .build()?;
    /// assert_eq!(provider.role_session_name(), "TrustedIdentityPropagationSDKPluginEnhanced-apl-2222222222222222");
    /// assert_eq!(provider.refresh_window(), ssooidc_token::credentials::DEFAULT_REFRESH_WINDOW);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn role_session_name(&self) -> &str {
        &self.inner.fields.role_session_name
    }

    /// How long before STS's `Expiration` the credentials are renewed.
    #[must_use]
    pub fn refresh_window(&self) -> Duration {
        self.inner.fields.refresh_window
    }

    /// The current credentials if they are fresh, found without the session's
    /// lock and without a future: the path every SDK call takes between
    /// renewals. `last` holds the session's current credentials (both are set
    /// together, neither is cleared).
    fn fresh(&self) -> Option<Credentials> {
        let inner = &*self.inner;
        let last = inner.last.lock().unwrap_or_else(PoisonError::into_inner);
        let (current, _) = last.as_ref()?;
        chain::is_fresh(current.expiry(), inner.fields.time_source.now()).then(|| current.clone())
    }

    /// Fresh credentials: the current ones, or a new chain's (one at a time).
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let inner = &*self.inner;
        let runs_before = inner.runs.load(Ordering::Acquire);
        let session = inner.session.lock().await;
        let now = inner.fields.time_source.now();
        if let Some((current, expiration)) = &session.current {
            let resting = session.retry_after.is_some_and(|after| now < after);
            if chain::is_fresh(current.expiry(), now)
                || (resting && chain::is_usable(*expiration, now))
            {
                return Ok(current.clone());
            }
        }
        // A chain ended while this load waited: share the outcome of the
        // last one, its credentials (even if they are not fresh on arrival:
        // another chain at once would not make them so) or its error, rather
        // than run another at once.
        let failed_run = session.failed.as_ref().map_or(0, |(run, _)| *run);
        if session.succeeded > runs_before && session.succeeded > failed_run {
            if let Some((current, _)) = &session.current {
                return Ok(current.clone());
            }
        }
        if let Some((run, err)) = &session.failed {
            if *run > runs_before {
                return Err(err.to_credentials_error());
            }
        }
        let skew_before = session.skew;
        let mut renewal = Renewal {
            session,
            last: &inner.last,
            skew_before,
            time_source: &inner.fields.time_source,
            running: true,
        };
        let session = &mut *renewal.session;
        let result = chain::run(&inner.fields, &mut session.refresh_token, &mut session.skew).await;
        renewal.running = false;
        if result.is_err() {
            renewal.reskew();
        }
        let session = &mut *renewal.session;
        let run = inner.runs.fetch_add(1, Ordering::AcqRel) + 1;
        match result {
            Ok(Loaded {
                credentials,
                expiration,
            }) => {
                session.failed = None;
                session.retry_after = None;
                session.succeeded = run;
                session.current = Some((credentials.clone(), expiration));
                *inner.last.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some((credentials.clone(), expiration));
                Ok(credentials)
            }
            Err(err) => {
                // An early renewal that failed keeps the credentials STS still
                // honours, and rests before the next attempt.
                let now = inner.fields.time_source.now();
                if let Some((current, expiration)) = &session.current {
                    if chain::is_usable(*expiration, now) {
                        let current = current.clone();
                        session.retry_after = Some(now + chain::RETRY_AFTER_FAILURE);
                        return Ok(current);
                    }
                }
                let out = err.to_credentials_error();
                session.failed = Some((run, err));
                Err(out)
            }
        }
    }
}

impl ProvideCredentials for IdentityEnhancedCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        match self.fresh() {
            Some(credentials) => future::ProvideCredentials::ready(Ok(credentials)),
            None => future::ProvideCredentials::new(self.load()),
        }
    }

    /// The last credentials while they are usable (more than 30 s before
    /// STS's `Expiration`, as a failed renewal serves them): the SDK asks for
    /// them when a load outlasts its timeout.
    fn fallback_on_interrupt(&self) -> Option<Credentials> {
        let last = self
            .inner
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        last.as_ref()
            .filter(|(_, expiration)| {
                chain::is_usable(*expiration, self.inner.fields.time_source.now())
            })
            .map(|(credentials, _)| credentials.clone())
    }
}

/// The settings, without the external ID (a secret); whether a refresh token
/// is held is not shown.
impl fmt::Debug for IdentityEnhancedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields = &self.inner.fields;
        f.debug_struct("IdentityEnhancedCredentials")
            .field("application_arn", &fields.application_arn)
            .field("role_arn", &fields.role_arn)
            .field("role_session_name", &fields.role_session_name)
            .field("oidc_endpoint", &fields.oidc_endpoint)
            .field("sts_endpoint", &fields.sts_endpoint)
            .field("refresh_window", &fields.refresh_window)
            .finish_non_exhaustive()
    }
}
