//! SigV4 signing of `CreateTokenWithIAM` requests (feature `sigv4`), with the
//! `aws-sigv4` crate and signing name `sso-oauth`.
//!
//! The credentials are held zeroizing here ([`SigningCredentials`]), and the
//! `aws-credential-types` value they are handed to the signer as wipes itself
//! too. Inside `aws-sigv4` itself, the derivation of the signing key
//! (`"AWS4" + secret`, then four HMACs) works on plain buffers that this crate
//! cannot reach; a caller who needs those wiped as well must sign elsewhere. A
//! session token ends up as the `x-amz-security-token` header value of the
//! `http::Request` (marked sensitive, so hidden from `Debug`), which is not wiped.

use std::fmt;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign as sigv4_sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4::SigningParams;
use http::Request;
use secrecy::{ExposeSecret, SecretString};

use crate::grant::IamGrant;
use crate::{CreateTokenWithIam, Endpoint, IntoSecret, JsonBody};

/// The SigV4 signing name of the SSO OIDC service.
pub const SIGNING_NAME: &str = "sso-oauth";

/// AWS credentials for signing, with the secret parts held zeroizing. `Debug`
/// shows the access key id only.
///
/// ```
/// use ssooidc_token::SigningCredentials;
///
/// let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// assert!(!format!("{credentials:?}").contains("wJalr"));
/// ```
pub struct SigningCredentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
}

impl SigningCredentials {
    /// Long-term credentials: an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl IntoSecret) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into_secret(),
            session_token: None,
        }
    }

    /// Adds the session token of temporary credentials (sent as
    /// `x-amz-security-token` and signed).
    #[must_use]
    pub fn with_session_token(mut self, session_token: impl IntoSecret) -> Self {
        self.session_token = Some(session_token.into_secret());
        self
    }

    /// The access key id.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    fn to_aws(&self) -> Credentials {
        // `Credentials` keeps these in `Zeroizing<String>`s: wiped when dropped.
        Credentials::new(
            self.access_key_id.clone(),
            self.secret_access_key.expose_secret().to_owned(),
            self.session_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            None,
            "ssooidc-token",
        )
    }
}

impl fmt::Debug for SigningCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[REDACTED]")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// Why signing failed.
#[derive(Debug)]
pub struct SignError(Box<dyn std::error::Error + Send + Sync>);

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigV4 signing failed: {}", self.0)
    }
}

impl std::error::Error for SignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// Signs `request` in place for `region` at `time`: adds `x-amz-date`,
/// `x-amz-security-token` (with a session token) and `authorization`. Every header
/// already on the request is signed, as the SDK does (except `user-agent`, which
/// proxies may change).
///
/// # Errors
/// [`SignError`] if the request cannot be signed (for example a header value that
/// is not visible ASCII).
pub fn sign(
    request: &mut Request<JsonBody>,
    credentials: &SigningCredentials,
    region: &str,
    time: SystemTime,
) -> Result<(), SignError> {
    let identity = credentials.to_aws().into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SIGNING_NAME)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| SignError(Box::new(e)))?
        .into();
    let uri = request.uri().to_string();
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| Ok((name.as_str(), value.to_str()?)))
        .collect::<Result<Vec<_>, http::header::ToStrError>>()
        .map_err(|e| SignError(Box::new(e)))?;
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers.into_iter(),
        SignableBody::Bytes(request.body().expose_secret()),
    )
    .map_err(|e| SignError(Box::new(e)))?;
    let (instructions, _signature) = sigv4_sign(signable, &params)
        .map_err(|e| SignError(Box::new(e)))?
        .into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

impl<G: IamGrant> CreateTokenWithIam<G> {
    /// The request as a signed [`http::Request`], ready to send: [`to_http_at`]
    /// followed by [`sign`].
    ///
    /// [`to_http_at`]: CreateTokenWithIam::to_http_at
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use ssooidc_token::{CreateTokenWithIam, Endpoint, SigningCredentials};
    ///
    /// let request = CreateTokenWithIam::refresh_token()
    ///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
    ///     .refresh_token("aorv-example")
    ///     .build()?;
    /// let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let signed = request.to_signed_http(&Endpoint::new("us-east-1")?, &credentials, now)?;
    /// let authorization = signed.headers()["authorization"].to_str()?;
    /// assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/sso-oauth/aws4_request"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`SignError`] if signing fails.
    pub fn to_signed_http(
        &self,
        endpoint: &Endpoint,
        credentials: &SigningCredentials,
        time: SystemTime,
    ) -> Result<Request<JsonBody>, SignError> {
        let mut request = self.to_http_at(endpoint);
        sign(&mut request, credentials, endpoint.region(), time)?;
        Ok(request)
    }
}
