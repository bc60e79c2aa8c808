//! Trusted identity propagation (feature `sts`): from a `CreateTokenWithIAM`
//! answer to an identity-enhanced IAM session through STS `AssumeRole` with
//! `ProvidedContexts`.
//!
//! 1. [`IdentityContext::from_response`] takes the user's identity context out
//!    of the token answer (`awsAdditionalDetails.identityContext`, or the ID
//!    token's `sts:identity_context` claim).
//! 2. [`AssumeRole`] carries it to STS with the IAM Identity Center provider ARN,
//!    checked against STS's rules at `build()`, as a zeroizing form body
//!    byte-identical to `aws-sdk-sts`'s, signed by the crate's own signer.
//! 3. [`AssumeRoleResponse::from_xml`] reads the session's credentials into
//!    zeroizing buffers; they convert into [`SigningCredentials`](crate::SigningCredentials)
//!    for the next request. [`StsError::from_xml`] reads a refusal, with a
//!    [`hint`](StsError::hint) for the usual mistakes.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use ssooidc_token::sts::{AssumeRole, IdentityContext, StsEndpoint};
//! use ssooidc_token::{CreateTokenWithIamResponse, SigningCredentials};
//!
//! // The answer of a jwt-bearer CreateTokenWithIAM call.
//! let answer = CreateTokenWithIamResponse::from_json(
//!     br#"{"accessToken":"aoal-x","awsAdditionalDetails":{"identityContext":"AQoJb3JpZ2lu"}}"#,
//! )?;
//! let request = AssumeRole::builder()
//!     .role_arn("arn:aws:iam::123456789012:role/s3-access-grants")
//!     .role_session_name("alice")
//!     .identity_context(IdentityContext::from_response(&answer)?)
//!     .build()?;
//! let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let signed = request.to_signed_http(&StsEndpoint::new("us-east-1")?, &credentials, time)?;
//! // Send `signed`; read the answer with `AssumeRoleResponse::from_xml` or `StsError::from_xml`.
//! # let _ = signed;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! These types have this one path; the crate root does not re-export them:
//!
//! ```compile_fail
//! use ssooidc_token::AssumeRole;
//! ```

use crate::{Endpoint, EndpointError};

mod assume_role;
mod identity_context;
mod letters;
mod response;

pub use crate::SessionCredentials;
pub use assume_role::{AssumeRole, AssumeRoleBuilder, AssumeRoleFields, Mfa, STS_SIGNING_NAME};
pub use identity_context::{IdentityContext, IdentityContextError};
pub use response::{AssumeRoleResponse, StsError};

/// The provider ARN of IAM Identity Center's identity context, as STS expects it
/// in `ProvidedContexts`.
pub const IDENTITY_CENTER_CONTEXT_PROVIDER: &str =
    "arn:aws:iam::aws:contextProvider/IdentityCenter";

/// Where STS is: a region's public or FIPS endpoint, or (for tests and proxies)
/// a custom base URL with the region to sign for.
///
/// ```
/// use ssooidc_token::sts::StsEndpoint;
///
/// assert_eq!(StsEndpoint::new("eu-west-1")?.host(), "sts.eu-west-1.amazonaws.com");
/// assert_eq!(StsEndpoint::new("cn-north-1")?.host(), "sts.cn-north-1.amazonaws.com.cn");
/// assert_eq!(StsEndpoint::fips("us-east-1")?.host(), "sts-fips.us-east-1.amazonaws.com");
/// assert_eq!(StsEndpoint::fips("us-gov-west-1")?.host(), "sts.us-gov-west-1.amazonaws.com");
/// assert_eq!(StsEndpoint::custom("http://127.0.0.1:9000", "us-east-1")?.host(), "127.0.0.1:9000");
/// # Ok::<(), ssooidc_token::EndpointError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsEndpoint(Endpoint);

impl StsEndpoint {
    /// `https://sts.{region}.amazonaws.com/`, or the DNS suffix of the
    /// region's partition, as the AWS SDKs resolve it (`.amazonaws.com.cn` in
    /// China, `.amazonaws.eu` in the European Sovereign Cloud, the isolated
    /// partitions' own: see [`Endpoint::new`]). The legacy pseudo-region
    /// `aws-global` is the global endpoint, `https://sts.amazonaws.com/`,
    /// signed for `us-east-1`.
    ///
    /// # Errors
    /// [`EndpointError::InvalidRegion`] if `region` is not a DNS label sequence.
    pub fn new(region: &str) -> Result<Self, EndpointError> {
        if region == "aws-global" {
            // The legacy global endpoint, signed for us-east-1, as the SDKs
            // resolve this pseudo-region.
            return Endpoint::at_host("sts.amazonaws.com", "us-east-1").map(Self);
        }
        Endpoint::for_service("sts", region).map(Self)
    }

    /// `https://sts-fips.{region}.amazonaws.com/`; in AWS GovCloud (`us-gov-*`),
    /// whose public endpoints are FIPS endpoints, `https://sts.{region}.amazonaws.com/`,
    /// as the AWS SDKs resolve it.
    ///
    /// # Errors
    /// [`EndpointError::InvalidRegion`] if `region` is not a DNS label sequence.
    pub fn fips(region: &str) -> Result<Self, EndpointError> {
        Endpoint::for_service(&crate::http::fips_prefix("sts", region), region).map(Self)
    }

    /// A custom base URL (a local test endpoint, a proxy), signing for `region`:
    /// `https://`, or plain `http://` only to `127.0.0.1` or `[::1]`, as
    /// [`Endpoint::custom`].
    ///
    /// # Errors
    /// [`EndpointError::InvalidBaseUrl`], [`EndpointError::PlainHttp`] or
    /// [`EndpointError::InvalidRegion`].
    pub fn custom(base_url: &str, region: &str) -> Result<Self, EndpointError> {
        Endpoint::custom(base_url, region).map(Self)
    }

    /// As [`custom`](Self::custom), but plain `http://` is taken to any host
    /// (the credentials STS returns then cross the network unencrypted), as
    /// [`Endpoint::custom_plain_http`]. Only for a proxy on a network you trust.
    ///
    /// # Errors
    /// [`EndpointError::InvalidBaseUrl`] or [`EndpointError::InvalidRegion`].
    pub fn custom_plain_http(base_url: &str, region: &str) -> Result<Self, EndpointError> {
        Endpoint::custom_plain_http(base_url, region).map(Self)
    }

    /// The region requests are signed for.
    #[must_use]
    pub fn region(&self) -> &str {
        self.0.region()
    }

    /// The host (and port, if any) requests go to.
    #[must_use]
    pub fn host(&self) -> &str {
        self.0.host()
    }

    pub(crate) fn endpoint(&self) -> &Endpoint {
        &self.0
    }
}
