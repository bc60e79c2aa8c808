//! [`SsoRoleCredentials`]: an SSO profile's role credentials as an SDK
//! credentials provider (features `credentials`, `portal` and `cache`).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials};
use aws_credential_types::Credentials;
use aws_smithy_async::time::{SharedTimeSource, TimeSource};

use super::chain;
use crate::builder_state::{field, FieldState, Optional};
use crate::cache::{RoleCredentialsCache, RoleCredentialsKey, SsoSession};

use crate::portal::GetRoleCredentials;
use crate::{BuildError, Endpoint, ReqwestClient, SessionCredentials};

/// How long before the portal's `expiration` the credentials are renewed,
/// unless [`refresh_window`](SsoRoleCredentialsBuilder::refresh_window) says
/// otherwise: 5 minutes (as for [`IdentityEnhancedCredentials`](super::IdentityEnhancedCredentials)).
pub const SSO_ROLE_REFRESH_WINDOW: Duration = Duration::from_secs(300);

crate::builder_state::typed_struct! {
    /// The settings of an [`SsoRoleCredentials`] provider, as its builder
    /// collects them. None is a secret: the access token is the session's,
    /// read from the cache (and refreshed) each time credentials are fetched.
    // The builder's shape: `build()` takes the values from the builder's own
    // fields, so this struct is never built.
    #[allow(dead_code)]
    #[derive(Debug, typed_builder::TypedBuilder)]
    #[builder(
        builder_type(
            name = SsoRoleCredentialsBuilder,
            doc = "Builds an [`SsoRoleCredentials`] provider. Start with [`SsoRoleCredentials::builder`].\n\nRequired: `session`, `account_id`, `role_name`, `portal_endpoint`, `client`. Optional: `role_cache`, `refresh_window`, `time_source`.",
            attributes(#[derive(Debug)]),
        ),
        builder_method(vis = "pub(crate)"),
        build_method(vis = "", name = __build),
    )]
    pub struct SsoRoleCredentialsFields {
        required session: exact SsoSession = "Sets the login whose token is used (required): an [`SsoSession`] over the SSO token cache, which refreshes the token when due (and writes it back for every other tool).",
        required account_id: into String = "Sets the account (required): the profile's `sso_account_id`, 12 digits.",
        required role_name: into String = "Sets the role (required): the profile's `sso_role_name`.",
        required portal_endpoint: exact Endpoint = "Sets where `GetRoleCredentials` goes (required): [`portal::endpoint`](crate::portal::endpoint)`(sso_region)`, or a custom one.",
        required client: exact ReqwestClient = "Sets the HTTP client (required): a [`ReqwestClient`], which follows no redirect.",
        optional role_cache: exact RoleCredentialsCache = "Shares the AWS CLI's cache of role credentials (optional): [`RoleCredentialsCache::default_location`]. Credentials the CLI (or another process) cached are used while at least 15 minutes from expiring, and the ones fetched are cached for them; the key is the session's login (its name, or a legacy profile's start URL: see [`RoleCredentialsKey`]). Without it, nothing is written to disk.",
        optional refresh_window: exact Duration = "Sets how long before the portal's `expiration` the credentials are renewed (optional, default 5 minutes): the credentials handed out carry that much earlier an expiry, so the SDK's identity cache renews in time. At most half of the credentials' lifetime is used. Keep it well above 40 s: the current credentials stand in for a failed renewal only while more than 30 s remain before `expiration`, and the SDK renews 5 to 10 s before the expiry it was given. Credentials in the role cache are taken only when fresh after this window too.",
        raw #[builder(default, setter(
            fn transform(source: impl TimeSource + 'static) -> Option<SharedTimeSource>
            where
                <Self as FieldState<field::time_source::Name>>::State: field::time_source::Unset,
            {
                Some(SharedTimeSource::new(source))
            },
            doc = "Sets the clock (optional, default the system clock), as the SDK's own credential providers take one: it decides when credentials are fresh."
        ))]
        time_source: Option<SharedTimeSource>,
    }
}

crate::builder_state::field_states!(
    SsoRoleCredentialsBuilder
    [session account_id role_name portal_endpoint client role_cache refresh_window time_source]
    session account_id role_name portal_endpoint client role_cache refresh_window time_source
);

crate::builder_state::maybe_setters!(SsoRoleCredentialsBuilder {
    maybe_role_cache: role_cache exact RoleCredentialsCache,
    maybe_refresh_window: refresh_window exact Duration,
    fn maybe_time_source(time_source: Option<impl TimeSource + 'static>) -> Option<SharedTimeSource> {
        time_source.map(SharedTimeSource::new)
    }
});

#[allow(non_camel_case_types)]
impl<
        session,
        account_id,
        role_name,
        portal_endpoint,
        client,
        role_cache,
        refresh_window,
        time_source,
    >
    SsoRoleCredentialsBuilder<(
        session,
        account_id,
        role_name,
        portal_endpoint,
        client,
        role_cache,
        refresh_window,
        time_source,
    )>
{
    /// Checks the account and role against `GetRoleCredentials`' rules and
    /// returns the provider, or a [`BuildError`] naming each (never a
    /// value). Nothing is read or sent: that happens when credentials are
    /// first asked for.
    ///
    /// Only compiles once `session`, `account_id`, `role_name`,
    /// `portal_endpoint` and `client` are set; each one missing is its own
    /// compile error naming it.
    ///
    /// # Errors
    /// [`BuildError`] naming `account_id` (12 digits) or `role_name` (an IAM
    /// role name).
    pub fn build(self) -> Result<SsoRoleCredentials, BuildError>
    where
        session: field::session::Required<SsoSession>,
        account_id: field::account_id::Required<String>,
        role_name: field::role_name::Required<String>,
        portal_endpoint: field::portal_endpoint::Required<Endpoint>,
        client: field::client::Required<ReqwestClient>,
        role_cache: Optional<Option<RoleCredentialsCache>>,
        refresh_window: Optional<Option<Duration>>,
        time_source: Optional<Option<SharedTimeSource>>,
    {
        let (
            session,
            account_id,
            role_name,
            portal_endpoint,
            client,
            role_cache,
            refresh_window,
            time_source,
        ) = self.fields;
        let (account_id, role_name) = (account_id.into_value(), role_name.into_value());
        // The request's rules, checked once here with a placeholder token.
        if let Err(err) = GetRoleCredentials::builder()
            .access_token("placeholder")
            .account_id(account_id.as_str())
            .role_name(role_name.as_str())
            .build()
        {
            return Err(BuildError::new(
                "SsoRoleCredentials",
                err.problems().to_vec(),
            ));
        }
        let session = session.into_value();
        let key = session.key().role_key(&account_id, &role_name);
        Ok(SsoRoleCredentials {
            inner: Arc::new(Inner {
                session,
                account_id,
                role_name,
                key,
                portal_endpoint: portal_endpoint.into_value(),
                client: client.into_value(),
                role_cache: role_cache.into_value(),
                refresh_window: refresh_window
                    .into_value()
                    .unwrap_or(SSO_ROLE_REFRESH_WINDOW),
                time_source: time_source.into_value().unwrap_or_default(),
                fetching: tokio::sync::Mutex::new(()),
                last: Mutex::new(None),
                retry_after: Mutex::new(None),
            }),
        })
    }
}

struct Inner {
    session: SsoSession,
    account_id: String,
    role_name: String,
    key: RoleCredentialsKey,
    portal_endpoint: Endpoint,
    client: ReqwestClient,
    role_cache: Option<RoleCredentialsCache>,
    refresh_window: Duration,
    time_source: SharedTimeSource,
    /// One fetch at a time: loads that arrive meanwhile wait, then share it.
    fetching: tokio::sync::Mutex<()>,
    /// The last credentials handed out, and the portal's `expiration`.
    last: Mutex<Option<(Credentials, SystemTime)>>,
    /// After a failed renewal: no new fetch before this time while the
    /// current credentials are usable.
    retry_after: Mutex<Option<SystemTime>>,
}

/// An SSO profile's role credentials (`sso_account_id`, `sso_role_name`) for
/// the SDK clients, kept fresh: the credentials `aws-config`'s SSO provider
/// gives, from this crate's login cache, with the secrets in zeroizing memory
/// until they are handed to the SDK.
///
/// A load that finds no fresh credentials (fresh: more than 30 s before the
/// expiry handed out, which is
/// [`refresh_window`](SsoRoleCredentialsBuilder::refresh_window) before the
/// portal's `expiration`):
///
/// 1. with a [`role_cache`](SsoRoleCredentialsBuilder::role_cache), takes
///    what the AWS CLI or another process cached there, while it has at
///    least 15 minutes left;
/// 2. else takes the login's access token from the [`SsoSession`] (refreshed
///    first when due, and written back for every other tool), and asks the
///    access portal's `GetRoleCredentials` (sent up to 3 times on no answer,
///    throttling or a 5xx), then caches the answer in the role cache, if any
///    (a failure to write it is not the load's failure).
///
/// When the fetch fails while the current credentials are still usable (more
/// than 30 s before `expiration`), the load returns them, and the next fetch
/// waits a minute (as for `IdentityEnhancedCredentials`, and botocore's
/// advisory refresh); a load dropped before its fetch ends (the SDK's identity
/// cache drops one that outlasts its timeout) rests the same minute. Once they
/// are not usable, the error reaches the caller: a [`CredentialsError::ProviderError`] whose
/// source is the crate's error ([`SessionError`](crate::cache::SessionError)
/// when the person must log in again, [`SendError`](crate::SendError) for the
/// portal's refusal). One fetch runs at a time, and clones share it: loads
/// that wait for a fetch share what it got; after a failure, each tries
/// again in turn (the SDK's identity cache already makes concurrent loads
/// one).
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use aws_credential_types::provider::ProvideCredentials;
/// use ssooidc_token::cache::{CacheKey, RoleCredentialsCache, SsoSession, TokenCache};
/// use ssooidc_token::credentials::SsoRoleCredentials;
/// use ssooidc_token::{portal, Endpoint, ReqwestClient};
///
/// let session = SsoSession::new(TokenCache::default_location()?, CacheKey::session("my-sso"),
///     Endpoint::new("eu-west-1")?);
/// let provider = SsoRoleCredentials::builder()
///     .session(session)
///     .account_id("123456789012")
///     .role_name("ReadOnly")
///     .portal_endpoint(portal::endpoint("eu-west-1")?)
///     .client(ReqwestClient::new()?)
///     .role_cache(RoleCredentialsCache::default_location()?) // shared with the AWS CLI
///     .build()?;
/// // For an SDK client: `.credentials_provider(provider)` on its config.
/// let credentials = provider.provide_credentials().await?;
/// println!("valid until {:?}", credentials.expiry());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SsoRoleCredentials {
    inner: Arc<Inner>,
}

impl fmt::Debug for SsoRoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoRoleCredentials")
            .field("session", &self.inner.session.key())
            .field("account_id", &self.inner.account_id)
            .field("role_name", &self.inner.role_name)
            .field("portal_endpoint", &self.inner.portal_endpoint.host())
            .field(
                "role_cache",
                &self
                    .inner
                    .role_cache
                    .as_ref()
                    .map(RoleCredentialsCache::dir),
            )
            .field("refresh_window", &self.inner.refresh_window)
            .finish_non_exhaustive()
    }
}

impl SsoRoleCredentials {
    /// Starts the builder.
    pub fn builder() -> SsoRoleCredentialsBuilder {
        SsoRoleCredentialsFields::builder()
    }

    /// The last credentials while they are fresh.
    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        let last = self
            .inner
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        last.as_ref()
            .filter(|(credentials, _)| chain::is_fresh(credentials.expiry(), now))
            .map(|(credentials, _)| credentials.clone())
    }

    /// The last credentials while they are usable (more than 30 s before
    /// `expiration`).
    fn usable(&self, now: SystemTime) -> Option<Credentials> {
        let last = self
            .inner
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        last.as_ref()
            .filter(|(_, expiration)| chain::is_usable(*expiration, now))
            .map(|(credentials, _)| credentials.clone())
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let inner = &self.inner;
        let _one_at_a_time = inner.fetching.lock().await;
        // A load that waited finds the one before it done.
        let now = inner.time_source.now();
        if let Some(credentials) = self.fresh(now) {
            return Ok(credentials);
        }
        // Resting after a failed or dropped renewal: the current credentials,
        // unasked.
        let resting = inner
            .retry_after
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some_and(|until| now < until);
        if let Some(credentials) = self.usable(now).filter(|_| resting) {
            return Ok(credentials);
        }
        // Rests a minute if this load is dropped before the fetch ends (the
        // SDK's identity cache drops a load that outlasts its timeout), so
        // that the loads after it do not each start a fetch.
        let mut renewal = Renewal {
            provider: self,
            running: true,
        };
        let fetched = self.fetch().await;
        renewal.running = false;
        let (credentials, from_portal) = match fetched {
            Ok(fetched) => fetched,
            Err(err) => {
                let now = inner.time_source.now();
                let usable = self.usable(now);
                if usable.is_some() {
                    self.rest(now);
                }
                return usable.ok_or_else(|| CredentialsError::provider_error(err));
            }
        };
        let now = inner.time_source.now();
        let expiration = credentials.expiration();
        let expiry = chain::reported_expiry(now, expiration, inner.refresh_window);
        let handed = super::hand_over(&credentials, expiry);
        *inner.last.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((handed.clone(), expiration));
        if from_portal {
            // Kept in memory first: a load dropped while it stores loses nothing.
            if let Some(cache) = &inner.role_cache {
                let (cache, key) = (cache.clone(), inner.key.clone());
                // A failure to cache is not the load's failure.
                let _ = blocking(move || cache.store(&key, &credentials)).await;
            }
        }
        Ok(handed)
    }

    /// No new fetch for a minute from `now` while the current credentials are
    /// usable.
    fn rest(&self, now: SystemTime) {
        *self
            .inner
            .retry_after
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(now + chain::RETRY_AFTER_FAILURE);
    }

    /// The role cache's credentials, when fresh enough to hand out (at least
    /// the CLI's 15 minutes, and fresh after the refresh window), else the
    /// portal's; and whether they came from the portal.
    async fn fetch(
        &self,
    ) -> Result<(SessionCredentials, bool), Box<dyn std::error::Error + Send + Sync>> {
        let inner = &self.inner;
        if let Some(cache) = &inner.role_cache {
            let (cache, key, now) = (cache.clone(), inner.key.clone(), inner.time_source.now());
            let cached = blocking(move || cache.load_fresh(&key, now))
                .await
                .ok()
                .flatten()
                .filter(|found| {
                    let expiry =
                        chain::reported_expiry(now, found.expiration(), inner.refresh_window);
                    chain::is_fresh(Some(expiry), now)
                });
            if let Some(credentials) = cached {
                return Ok((credentials, false));
            }
        }
        let token = inner.session.token(&inner.client).await?;
        let answer = GetRoleCredentials::builder()
            .access_token(token.access_token())
            .account_id(inner.account_id.as_str())
            .role_name(inner.role_name.as_str())
            .build()?
            .send(&inner.client, &inner.portal_endpoint)
            .await?;
        drop(token);
        Ok((answer.into_credentials(), true))
    }
}

/// A fetch under way: dropped before it ends, it rests the provider a minute
/// while the current credentials are usable.
struct Renewal<'a> {
    provider: &'a SsoRoleCredentials,
    running: bool,
}

impl Drop for Renewal<'_> {
    fn drop(&mut self) {
        if !self.running {
            return;
        }
        let now = self.provider.inner.time_source.now();
        if self.provider.usable(now).is_some() {
            self.provider.rest(now);
        }
    }
}

/// Runs file I/O on tokio's blocking threads when there is a runtime (there
/// is, under `reqwest`), else where it is.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, crate::cache::CacheError> + Send + 'static,
) -> Result<T, crate::cache::CacheError> {
    if tokio::runtime::Handle::try_current().is_err() {
        return work();
    }
    match tokio::task::spawn_blocking(work).await {
        Ok(done) => done,
        Err(panicked) => std::panic::resume_unwind(panicked.into_panic()),
    }
}

impl ProvideCredentials for SsoRoleCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        match self.fresh(self.inner.time_source.now()) {
            Some(credentials) => future::ProvideCredentials::ready(Ok(credentials)),
            None => future::ProvideCredentials::new(self.load()),
        }
    }

    /// The last credentials while they are usable: the SDK asks for them
    /// when a load outlasts its timeout.
    fn fallback_on_interrupt(&self) -> Option<Credentials> {
        self.usable(self.inner.time_source.now())
    }
}
