//! Sending with a `reqwest::Client` (feature `reqwest`): one `.await` from a
//! checked request to a typed response.
//!
//! `reqwest` is a dependency with its default features off, so your own choice
//! of TLS (`reqwest/rustls`, `reqwest/native-tls`...) applies: enable one in your
//! `Cargo.toml` to reach `https://` endpoints.
//!
//! **Build the client without redirects** (`reqwest::Client::builder()
//! .redirect(reqwest::redirect::Policy::none())`): `reqwest` follows redirects by
//! default, and a followed redirect carries the session token (and, on a 307 or
//! 308, the body with its secrets) to the other host. These calls refuse an
//! answer that came from another URL ([`SendError::Redirected`]), but by then the
//! request has gone; with `Policy::none()` a 3xx comes back as an unreadable
//! answer and nothing is sent anywhere else.

use std::time::SystemTime;

use bytes::Bytes;
use zeroize::Zeroize;

use crate::grant::{IamGrant, PublicClientGrant};
use crate::send::{read_json, too_large, AnswerBuffer, Read, SendError};
use crate::{
    CreateToken, CreateTokenResponse, CreateTokenWithIam, CreateTokenWithIamResponse, Endpoint,
    SigningCredentials,
};

fn transport(err: reqwest::Error) -> SendError {
    SendError::Transport(Box::new(err))
}

/// Sends `request` (its body handed over as a `Bytes` that wipes itself when
/// the client drops it), reads the answer chunk by chunk into zeroizing memory
/// (see `AnswerBuffer`; each chunk `reqwest` hands over unshared is wiped too),
/// and reads it with `read`. An answer that came from another URL (the client
/// followed a redirect) is refused.
pub(crate) async fn exchange<B: Into<Bytes>, T>(
    client: &reqwest::Client,
    request: http::Request<B>,
    read: Read<T>,
) -> Result<T, SendError> {
    let (parts, body) = request.into_parts();
    let request = reqwest::Request::try_from(http::Request::from_parts(parts, body.into()))
        .map_err(transport)?;
    let url = request.url().clone();
    let mut response = client.execute(request).await.map_err(transport)?;
    if response.url() != &url {
        return Err(SendError::Redirected);
    }
    let status = response.status().as_u16();
    let mut buffer = AnswerBuffer::new(response.content_length());
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        let fits = buffer.push(&chunk);
        if let Ok(mut unshared) = chunk.try_into_mut() {
            unshared.as_mut().zeroize();
        }
        if !fits {
            return Err(too_large(status));
        }
    }
    Ok(read(status, response.headers(), buffer.bytes())?)
}

impl<G: IamGrant> CreateTokenWithIam<G> {
    /// Signs the request (now) and sends it with `client`; the answer comes back
    /// as the typed response, or a [`SendError`] saying whether the service
    /// refused (with its OAuth error), the answer was unreadable, signing failed
    /// or the HTTP client did (feature `reqwest`).
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use ssooidc_token::{CreateTokenWithIam, Endpoint, SigningCredentials};
    ///
    /// let client = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let response = CreateTokenWithIam::jwt_bearer()
    ///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
    ///     .assertion("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln")
    ///     .build()?
    ///     .send(&client, &Endpoint::new("us-east-1")?, &credentials)
    ///     .await?;
    /// println!("expires in {:?}", response.expires_in());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SendError`], as above.
    pub async fn send(
        &self,
        client: &reqwest::Client,
        endpoint: &Endpoint,
        credentials: &SigningCredentials,
    ) -> Result<CreateTokenWithIamResponse, SendError> {
        let request = self.to_signed_http(endpoint, credentials, SystemTime::now())?;
        exchange(client, request, read_json).await
    }
}

impl<G: PublicClientGrant> CreateToken<G> {
    /// Sends the (unsigned) request with `client` and reads the answer
    /// (feature `reqwest`).
    ///
    /// # Errors
    /// [`SendError`]: the service refused (with its OAuth error), the answer was
    /// unreadable, or the HTTP client failed.
    pub async fn send(
        &self,
        client: &reqwest::Client,
        endpoint: &Endpoint,
    ) -> Result<CreateTokenResponse, SendError> {
        exchange(client, self.to_http_at(endpoint), read_json).await
    }
}

/// `send` for the unsigned login requests, written once.
#[cfg(feature = "login")]
macro_rules! login_send {
    ($($request:ident => $response:ident, $what:literal;)*) => {$(
        impl crate::login::$request {
            #[doc = concat!("Sends the (unsigned) ", $what, " with `client` and reads the")]
            #[doc = "answer (features `login` and `reqwest`)."]
            ///
            /// # Errors
            /// [`SendError`]: the service refused, the answer was unreadable, or the HTTP
            /// client failed.
            pub async fn send(
                &self,
                client: &reqwest::Client,
                endpoint: &Endpoint,
            ) -> Result<crate::login::$response, SendError> {
                exchange(client, self.to_http_at(endpoint), read_json).await
            }
        }
    )*};
}

#[cfg(feature = "login")]
login_send! {
    RegisterClient => RegisterClientResponse, "registration";
    StartDeviceAuthorization => StartDeviceAuthorizationResponse, "device authorization";
}

#[cfg(feature = "sts")]
impl crate::sts::AssumeRole {
    /// Signs the request (now, signing name `sts`) and sends it with `client`
    /// (features `sts` and `reqwest`).
    ///
    /// # Errors
    /// [`SendError`]: STS refused (`ResponseErrorKind::Sts`, with its hint), the
    /// answer was unreadable, signing failed, or the HTTP client failed.
    pub async fn send(
        &self,
        client: &reqwest::Client,
        endpoint: &crate::sts::StsEndpoint,
        credentials: &SigningCredentials,
    ) -> Result<crate::sts::AssumeRoleResponse, SendError> {
        let request = self.to_signed_http(endpoint, credentials, SystemTime::now())?;
        exchange(client, request, crate::send::read_sts).await
    }
}
