//! Why a run of the identity chain failed: [`ChainError`], and how it becomes the SDK's `CredentialsError`.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

use aws_credential_types::provider::error::CredentialsError;

use crate::sts::IdentityContextError;
use crate::{BuildError, ResponseErrorKind, SendError};

/// The step of the chain a [`ChainError`] happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChainStep {
    /// Asking the application's credentials provider for the credentials that
    /// sign CreateTokenWithIAM and AssumeRole.
    AppCredentials,
    /// Asking the `idp_token` callback for a fresh IdP token.
    IdpToken,
    /// CreateTokenWithIAM with the Identity Center refresh token.
    RefreshTokenGrant,
    /// CreateTokenWithIAM with the jwt-bearer grant.
    JwtBearerGrant,
    /// Taking the identity context out of the token answer.
    ReadIdentityContext,
    /// STS `AssumeRole` with `ProvidedContexts`.
    AssumeRoleWithContext,
}

impl fmt::Display for ChainStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AppCredentials => "loading the application's credentials",
            Self::IdpToken => "getting a fresh IdP token",
            Self::RefreshTokenGrant => "CreateTokenWithIAM with the refresh token",
            Self::JwtBearerGrant => "CreateTokenWithIAM with the jwt-bearer grant",
            Self::ReadIdentityContext => "taking the identity context out of the token answer",
            Self::AssumeRoleWithContext => "STS AssumeRole with the identity context",
        })
    }
}

/// What went wrong, with the crate's (or the callback's, or the application
/// provider's) own error.
#[derive(Debug)]
#[non_exhaustive]
pub enum ChainErrorKind {
    /// The application's credentials provider failed.
    AppCredentials(CredentialsError),
    /// The `idp_token` callback failed.
    IdpToken(Box<dyn Error + Send + Sync>),
    /// CreateTokenWithIAM failed: with the refresh token only when the failure
    /// was not a refusal of the token (that one falls back to jwt-bearer), or
    /// with jwt-bearer.
    TokenCall(ChainStep, SendError),
    /// The token answer carries no usable identity context.
    NoIdentityContext(IdentityContextError),
    /// A request could not be built from the configuration (`build()` checks the
    /// configuration, so this is an IdP token `build()` refused).
    Build(ChainStep, BuildError),
    /// STS `AssumeRole` failed.
    StsCall(SendError),
}

/// Why a run of the identity chain failed: the step, and the underlying error
/// as the [`source`](Error::source). It is the source of the SDK's
/// [`CredentialsError`] the provider returns; cheap to clone, so that callers
/// who waited for the same run share it.
///
/// The SDK does not retry a failed credentials load within a request; the next
/// request asks again. [`is_retryable`](Self::is_retryable) says whether asking
/// again can help.
///
/// ```
/// use aws_credential_types::provider::error::CredentialsError;
/// use ssooidc_token::credentials::{ChainError, ChainStep};
///
/// fn explain(err: &CredentialsError) -> Option<(ChainStep, bool)> {
///     let chain = std::error::Error::source(err)?.downcast_ref::<ChainError>()?;
///     Some((chain.step(), chain.is_retryable()))
/// }
/// # let _ = explain;
/// ```
#[derive(Debug, Clone)]
pub struct ChainError(Arc<ChainErrorKind>);

impl ChainError {
    pub(crate) fn new(kind: ChainErrorKind) -> Self {
        Self(Arc::new(kind))
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ChainErrorKind {
        &self.0
    }

    /// The step that failed.
    #[must_use]
    pub fn step(&self) -> ChainStep {
        match &*self.0 {
            ChainErrorKind::AppCredentials(_) => ChainStep::AppCredentials,
            ChainErrorKind::IdpToken(_) => ChainStep::IdpToken,
            ChainErrorKind::TokenCall(step, _) | ChainErrorKind::Build(step, _) => *step,
            ChainErrorKind::NoIdentityContext(_) => ChainStep::ReadIdentityContext,
            ChainErrorKind::StsCall(_) => ChainStep::AssumeRoleWithContext,
        }
    }

    /// Whether running the chain again later can help: a transport failure
    /// (connection refused, timeout), a 5xx or throttling answer, or the
    /// application provider's own transient failure. A refusal (`AccessDenied`,
    /// `invalid_grant` after the jwt-bearer fallback, `invalid_client`), a
    /// missing identity context and a refused configuration are not; nor is a
    /// failed `idp_token` callback, whose error only the callback can judge.
    ///
    /// The application provider's `ProviderError` and `ProviderTimedOut` count
    /// as transient, its `CredentialsNotLoaded` and `InvalidConfiguration` as
    /// lasting. Providers use `CredentialsNotLoaded` for "nothing configured
    /// here", and aws-config's IMDS provider also for an instance metadata
    /// service it could not reach; when your application credentials come from
    /// IMDS, treat that one as transient (the SDK asks again at its next call
    /// either way).
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match &*self.0 {
            ChainErrorKind::AppCredentials(err) => matches!(
                err,
                CredentialsError::ProviderError(_) | CredentialsError::ProviderTimedOut(_)
            ),
            ChainErrorKind::TokenCall(_, err) | ChainErrorKind::StsCall(err) => err.is_retryable(),
            ChainErrorKind::IdpToken(_)
            | ChainErrorKind::NoIdentityContext(_)
            | ChainErrorKind::Build(..) => false,
        }
    }

    /// The SDK's error for this failure, with `self` as its source:
    ///
    /// - `invalid_configuration` when the configuration itself cannot work (a
    ///   refresh-token or `AssumeRole` request it could not build; the
    ///   provider's `build()` checks for this, so it does not happen);
    /// - `unhandled` when a service answered success with a body that could not
    ///   be read (the SDK's "returned data missing required fields");
    /// - `provider_error` for everything else, both the refusals (not retryable)
    ///   and the transport failures and 5xx answers (retryable): the SDK's own
    ///   providers return it for "a 503 from STS" as for a refusal.
    ///
    /// `provider_timed_out` is not used: it carries no source, and the SDK's
    /// identity cache returns it itself when a load outlasts its timeout (about
    /// 22 s with the SDK's default retry and timeout settings); a timeout of
    /// the HTTP client is a `provider_error` whose source says so.
    #[must_use]
    pub fn to_credentials_error(&self) -> CredentialsError {
        match &*self.0 {
            ChainErrorKind::Build(step, _) if *step != ChainStep::JwtBearerGrant => {
                CredentialsError::invalid_configuration(self.clone())
            }
            ChainErrorKind::TokenCall(_, SendError::Response(err))
            | ChainErrorKind::StsCall(SendError::Response(err))
                if matches!(err.kind(), ResponseErrorKind::Unreadable(_))
                    && (200..300).contains(&err.status()) =>
            {
                CredentialsError::unhandled(self.clone())
            }
            _ => CredentialsError::provider_error(self.clone()),
        }
    }
}

/// Names the step; the cause is the [`source`](Error::source) (for a refusal,
/// the service's error with its hint).
impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the identity chain failed at {}", self.step())
    }
}

impl Error for ChainError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(match &*self.0 {
            ChainErrorKind::AppCredentials(err) => err,
            ChainErrorKind::IdpToken(err) => &**err,
            ChainErrorKind::TokenCall(_, err) | ChainErrorKind::StsCall(err) => err,
            ChainErrorKind::NoIdentityContext(err) => err,
            ChainErrorKind::Build(_, err) => err,
        })
    }
}

impl From<ChainError> for CredentialsError {
    fn from(err: ChainError) -> Self {
        err.to_credentials_error()
    }
}
