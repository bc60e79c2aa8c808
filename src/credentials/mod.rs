//! Identity-enhanced credentials for every official SDK client (feature `credentials`): a refreshing `ProvideCredentials` that runs the trusted-identity-propagation chain, and conversions between the SDK's `Credentials` and this crate's.
//!
//! [`IdentityEnhancedCredentials`] runs CreateTokenWithIAM (the Identity Center
//! refresh token while one is held and accepted, else jwt-bearer with a fresh IdP
//! token), takes the identity context out of the answer, and calls STS
//! `AssumeRole` with `ProvidedContexts`, all through the crate's own signer and
//! zeroizing bodies. Any SDK client takes it as its credentials provider.
//!
//! With features `portal` and `cache` too, `SsoRoleCredentials` gives an SSO
//! profile's role credentials (the access portal's `GetRoleCredentials`, with
//! the login's token from the SSO token cache, refreshed when due) the same
//! way.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use aws_credential_types::Credentials;
//! use ssooidc_token::credentials::IdentityEnhancedCredentials;
//! use ssooidc_token::sts::StsEndpoint;
//! use ssooidc_token::{Endpoint, ReqwestClient};
//!
//! # fn user_jwt() -> String { String::new() }
//! let provider = IdentityEnhancedCredentials::builder()
//!     .application_arn("arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222")
//!     .role_arn("arn:aws:iam::123456789012:role/identity-enhanced")
//!     .oidc_endpoint(Endpoint::new("us-east-1")?)
//!     .sts_endpoint(StsEndpoint::new("us-east-1")?)
//!     // The application's own credentials, asked afresh for every chain (a task
//!     // role rotates them); any `ProvideCredentials` will do.
//!     .app_credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None, "app"))
//!     // A fresh IdP token, when the chain needs the jwt-bearer grant.
//!     // A `String` (or any secret input) is moved into an exact-size secret.
//!     .idp_token(|| async { Ok(user_jwt()) })
//!     .client(ReqwestClient::new()?)
//!     .build()?;
//! let config = aws_sdk_sts::Config::builder()
//!     .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
//!     .region(aws_sdk_sts::config::Region::new("us-east-1"))
//!     .credentials_provider(provider)
//!     .build();
//! let identity = aws_sdk_sts::Client::from_conf(config).get_caller_identity().send().await?;
//! # let _ = identity;
//! # Ok(()) }
//! ```
//!
//! **What the SDK does with the secrets.** The SDK's
//! [`Credentials`](aws_credential_types::Credentials) holds the secret key and
//! the session token in plain `String`s (wrapped in `Zeroizing`, so the last
//! clone wipes them when dropped), and the SDK's signer, `aws-sigv4`, copies
//! both into strings of its own for every request it signs and never wipes them.
//! Everything up to the hand-over (the refresh token, the IdP token, the identity
//! context, the request bodies, the STS answer) is held zeroizing by this crate;
//! from the hand-over on, the secrets are the SDK's.

mod chain;
mod error;
mod provider;
#[cfg(all(feature = "portal", feature = "cache"))]
mod sso_role;
mod transport;

pub use error::{ChainError, ChainErrorKind, ChainStep};
pub use provider::{
    IdentityEnhancedCredentials, IdentityEnhancedCredentialsBuilder,
    IdentityEnhancedCredentialsFields, DEFAULT_REFRESH_WINDOW, SESSION_NAME_PREFIX,
};
#[cfg(all(feature = "portal", feature = "cache"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "portal", feature = "cache"))))]
pub use sso_role::{
    SsoRoleCredentials, SsoRoleCredentialsBuilder, SsoRoleCredentialsFields,
    SSO_ROLE_REFRESH_WINDOW,
};
pub use transport::{Transport, TransportFuture};

use secrecy::ExposeSecret;

use crate::sts::SessionCredentials;

/// The session's credentials as the SDK's, with their `Expiration` as their
/// expiry (feature `credentials`), their [account](SessionCredentials::account_id)
/// when known (STS's: from the assumed role's ARN; the portal's: from the
/// request), and a provider name: `IdentityEnhancedCredentials` for STS's,
/// `SSO` for the portal's, as `aws-config`'s SSO provider names its own.
///
/// This is the hand-over: the secret key and the session token are copied once
/// into `String`s of their exact size, which the SDK's `Credentials` keeps (in
/// `Zeroizing`, wiped when its last clone drops); this crate's copies are wiped
/// as `credentials` drops. See the [module documentation](self) for what the
/// SDK's signer does with them afterwards.
///
/// ```
/// use aws_credential_types::Credentials;
/// use ssooidc_token::sts::AssumeRoleResponse;
///
/// let response = AssumeRoleResponse::from_xml(br#"<AssumeRoleResponse><AssumeRoleResult>
///   <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/app/alice</Arn>
///   <AssumedRoleId>AROAEXAMPLE:alice</AssumedRoleId></AssumedRoleUser>
///   <Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>c2VjcmV0</SecretAccessKey>
///   <SessionToken>dG9rZW4=</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>
/// </AssumeRoleResult></AssumeRoleResponse>"#)?;
/// let expiration = response.credentials().expiration();
/// let sdk = Credentials::from(response.into_credentials());
/// assert_eq!(sdk.access_key_id(), "ASIAEXAMPLE");
/// assert_eq!(sdk.session_token(), Some("dG9rZW4="));
/// assert_eq!(sdk.expiry(), Some(expiration));
/// assert_eq!(sdk.account_id().map(|a| a.as_str()), Some("123456789012"));
/// # Ok::<(), ssooidc_token::ParseError>(())
/// ```
impl From<SessionCredentials> for aws_credential_types::Credentials {
    fn from(credentials: SessionCredentials) -> Self {
        let expiration = credentials.expiration();
        hand_over(&credentials, expiration)
    }
}

/// The SDK's `Credentials` for `credentials`, with `expiry`, their account id
/// and provider name: the one place the secrets leave zeroizing memory, each
/// copied once at its exact size (and moved into the SDK's own zeroizing
/// fields).
pub(crate) fn hand_over(
    credentials: &SessionCredentials,
    expiry: std::time::SystemTime,
) -> aws_credential_types::Credentials {
    let mut builder = aws_credential_types::Credentials::builder()
        .access_key_id(credentials.access_key_id())
        .secret_access_key(credentials.secret_access_key().expose_secret().to_owned())
        .session_token(credentials.session_token().expose_secret().to_owned())
        .expiry(expiry)
        .provider_name(credentials.provider_name());
    builder.set_account_id(credentials.account_id().map(Into::into));
    builder.build()
}
