//! Sending with `reqwest` (feature `reqwest`): one `.await` from a checked
//! request to a typed response, through a [`ReqwestClient`] that cannot follow a
//! redirect.
//!
//! `reqwest` is a dependency with its default features off, so your own choice
//! of TLS (`reqwest/rustls`, `reqwest/native-tls`...) applies: enable one in your
//! `Cargo.toml` to reach `https://` endpoints.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use zeroize::Zeroize;

use crate::grant::{IamGrant, PublicClientGrant};
use crate::send::{read_json, too_large, AnswerBuffer, Read, SendError};
use crate::{
    CreateToken, CreateTokenResponse, CreateTokenWithIam, CreateTokenWithIamResponse, Endpoint,
    SigningCredentials,
};

/// A `reqwest::Client` that never follows a redirect: the one client the
/// crate's `send` calls take (feature `reqwest`).
///
/// `reqwest` follows up to 10 redirects by default, and a followed redirect
/// carries the request to the other host: the session token on every status,
/// and on a 307 or 308 the body with its secrets. A plain `reqwest::Client`
/// cannot say which policy it was built with, so the crate builds the client
/// itself, from your `reqwest::ClientBuilder` (TLS, proxies, pool, timeouts) with
/// the redirect policy set to none. A 3xx answer then comes back as
/// [`SendError::Redirected`] and nothing is sent anywhere else.
///
/// A plain `http://` endpoint on the loopback interface (`127.0.0.1`,
/// `[::1]`: a local test server or sidecar) is reached by a client of its own,
/// built at its first use with no proxy, no redirect and [`new`](Self::new)'s
/// timeouts (your builder's settings do not apply to it; with
/// `with_exchange_timeout(None)`, its own 60 s bound does): your builder's proxies, and those reqwest takes from `HTTP_PROXY` or
/// `ALL_PROXY` unless `NO_PROXY` names the host, would carry the unencrypted
/// request (secrets, signature) across the network to a loopback of the
/// proxy's own. Other hosts, `https://` or plain (see
/// [`Endpoint::custom_plain_http`]), go through your client and its proxies.
///
/// Every exchange the crate makes through it is bounded by
/// [`TIMEOUT`](Self::TIMEOUT), whatever the builder set, so that a server that
/// accepts and then stalls cannot hold a caller. That bound is reqwest's
/// per-request timeout, which replaces the builder's `.timeout(...)`: set the
/// whole exchange's bound with
/// [`with_exchange_timeout`](Self::with_exchange_timeout) instead.
///
/// ```
/// use std::time::Duration;
/// use ssooidc_token::ReqwestClient;
///
/// // Timeouts: connect 10 s, each read 30 s, the whole exchange 60 s.
/// let client = ReqwestClient::new()?;
/// // Or your own settings; the redirect policy is set to none whatever you chose.
/// let client = ReqwestClient::from_builder(
///     reqwest::Client::builder()
///         .connect_timeout(Duration::from_secs(5))
///         .read_timeout(Duration::from_secs(20)),
/// )?
/// .with_exchange_timeout(Some(Duration::from_secs(30)));
/// # let _ = client;
/// # Ok::<(), ssooidc_token::SendError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReqwestClient {
    inner: reqwest::Client,
    /// The client for plain `http://` endpoints on the loopback interface: no
    /// proxy, no redirect, [`new`](Self::new)'s timeouts; built at its first use.
    direct: std::sync::Arc<std::sync::OnceLock<reqwest::Client>>,
    /// The per-request timeout of the crate's exchanges, if any.
    exchange_timeout: Option<Duration>,
}

impl ReqwestClient {
    /// Connect timeout of [`new`](Self::new).
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Timeout of each read of [`new`](Self::new): a server that stops sending
    /// is given up on after this long.
    pub const READ_TIMEOUT: Duration = Duration::from_secs(30);
    /// Timeout of a whole exchange (every client's, unless
    /// [`with_exchange_timeout`](Self::with_exchange_timeout) changes it): a
    /// server that trickles its answer is given up on after this long.
    pub const TIMEOUT: Duration = Duration::from_secs(60);

    /// A client with reqwest's defaults, no redirects, and the timeouts above.
    ///
    /// # Errors
    /// [`SendError::Transport`] if reqwest cannot build a client (no TLS
    /// backend could be initialised, for example).
    pub fn new() -> Result<Self, SendError> {
        Self::from_builder(
            reqwest::Client::builder()
                .connect_timeout(Self::CONNECT_TIMEOUT)
                .read_timeout(Self::READ_TIMEOUT)
                .timeout(Self::TIMEOUT),
        )
    }

    /// A client from your builder, with its redirect policy set to none. The
    /// crate's exchanges are bounded by [`TIMEOUT`](Self::TIMEOUT) all the same
    /// (reqwest sets no timeout by default); connect and read timeouts are the
    /// builder's.
    ///
    /// # Errors
    /// [`SendError::Transport`] if reqwest cannot build the client.
    pub fn from_builder(builder: reqwest::ClientBuilder) -> Result<Self, SendError> {
        let inner = builder
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(transport)?;
        Ok(Self {
            inner,
            direct: std::sync::Arc::default(),
            exchange_timeout: Some(Self::TIMEOUT),
        })
    }

    /// The client that sends `request`: the direct one for plain `http://`
    /// to the loopback interface.
    fn for_request(&self, request: &reqwest::Request) -> Result<&reqwest::Client, SendError> {
        let url = request.url();
        if !crate::send::plain_http_to_loopback(url.scheme(), url.host_str()) {
            return Ok(&self.inner);
        }
        if let Some(direct) = self.direct.get() {
            return Ok(direct);
        }
        let built = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Self::CONNECT_TIMEOUT)
            .read_timeout(Self::READ_TIMEOUT)
            .timeout(Self::TIMEOUT)
            .build()
            .map_err(transport)?;
        Ok(self.direct.get_or_init(|| built))
    }

    /// The bound on each of the crate's exchanges in place of
    /// [`TIMEOUT`](Self::TIMEOUT); `None` leaves the client's own timeout (set
    /// on its builder) in charge, or none.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssooidc_token::ReqwestClient;
    ///
    /// let client = ReqwestClient::new()?;
    /// assert_eq!(client.exchange_timeout(), Some(ReqwestClient::TIMEOUT));
    /// let client = client.with_exchange_timeout(Some(Duration::from_secs(120)));
    /// assert_eq!(client.exchange_timeout(), Some(Duration::from_secs(120)));
    /// # Ok::<(), ssooidc_token::SendError>(())
    /// ```
    #[must_use]
    pub fn with_exchange_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.exchange_timeout = timeout;
        self
    }

    /// The bound on each of the crate's exchanges (see
    /// [`with_exchange_timeout`](Self::with_exchange_timeout)).
    #[must_use]
    pub fn exchange_timeout(&self) -> Option<Duration> {
        self.exchange_timeout
    }

    /// The underlying client (it follows no redirect), for your own requests.
    #[must_use]
    pub fn as_reqwest(&self) -> &reqwest::Client {
        &self.inner
    }
}

/// Sets `timeout`, when there is one, as `request`'s own (which replaces the
/// client's).
fn bound(request: &mut reqwest::Request, timeout: Option<Duration>) {
    if timeout.is_some() {
        *request.timeout_mut() = timeout;
    }
}

fn transport(err: reqwest::Error) -> SendError {
    SendError::Transport(Box::new(err))
}

/// Sends `request` (its body handed over as a `Bytes` that wipes itself when
/// the client drops it), reads the answer chunk by chunk into zeroizing memory
/// (see `AnswerBuffer`; each chunk `reqwest` hands over unshared is wiped too),
/// and reads it with `read`. The client follows no redirect: a 3xx answer is
/// refused unread (the client, built by [`ReqwestClient`] only, cannot follow it).
pub(crate) async fn exchange<B: Into<Bytes>, T>(
    client: &ReqwestClient,
    request: http::Request<B>,
    read: impl Read<T>,
) -> Result<T, SendError> {
    let (parts, body) = request.into_parts();
    let mut request = reqwest::Request::try_from(http::Request::from_parts(parts, body.into()))
        .map_err(transport)?;
    bound(&mut request, client.exchange_timeout);
    let mut response = client
        .for_request(&request)?
        .execute(request)
        .await
        .map_err(transport)?;
    let status = response.status().as_u16();
    if response.status().is_redirection() {
        return Err(SendError::Redirected { status });
    }
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

/// Signs with `sign` (now) and sends; a refusal that shows this host's clock
/// minutes off (`skew_to_correct`) is signed again at the service's time and
/// sent once more, as the SDK's clients do.
async fn signed_exchange<B: Into<Bytes>, T>(
    client: &ReqwestClient,
    sign: impl Fn(SystemTime) -> Result<http::Request<B>, crate::SignError>,
    read: impl Read<T> + Copy,
) -> Result<T, SendError> {
    let sent = SystemTime::now();
    let result = exchange(client, sign(sent)?, read).await;
    let correct = crate::time::ClockSkew::default();
    let Some(skew) = crate::send::skew_to_correct(&result, correct, sent, SystemTime::now()) else {
        return result;
    };
    match sign(skew.to_service(SystemTime::now())) {
        Ok(request) => exchange(client, request, read).await,
        Err(_) => result,
    }
}

impl<G: IamGrant> CreateTokenWithIam<G> {
    /// Signs the request (now) and sends it with `client`; the answer comes back
    /// as the typed response, or a [`SendError`] saying whether the service
    /// refused (with its OAuth error), the answer was unreadable, signing failed
    /// or the HTTP client did (feature `reqwest`). A refusal that shows this
    /// host's clock more than 4 minutes off (a clock-skew code, and the
    /// answer's `Date`) is signed again at the service's time and sent once
    /// more, as the SDK's clients do.
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use ssooidc_token::{CreateTokenWithIam, Endpoint, ReqwestClient, SigningCredentials};
    ///
    /// let client = ReqwestClient::new()?; // no redirects; connect, read and total timeouts
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
        client: &ReqwestClient,
        endpoint: &Endpoint,
        credentials: &SigningCredentials,
    ) -> Result<CreateTokenWithIamResponse, SendError> {
        let sign = |at| self.to_signed_http(endpoint, credentials, at);
        signed_exchange(client, sign, read_json).await
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
        client: &ReqwestClient,
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
                client: &ReqwestClient,
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
    /// (features `sts` and `reqwest`); signed again once if STS's refusal shows
    /// this host's clock minutes off, as for `CreateTokenWithIam::send`.
    ///
    /// # Errors
    /// [`SendError`]: STS refused (`ResponseErrorKind::Sts`, with its hint), the
    /// answer was unreadable, signing failed, or the HTTP client failed.
    pub async fn send(
        &self,
        client: &ReqwestClient,
        endpoint: &crate::sts::StsEndpoint,
        credentials: &SigningCredentials,
    ) -> Result<crate::sts::AssumeRoleResponse, SendError> {
        let sign = |at| self.to_signed_http(endpoint, credentials, at);
        signed_exchange(client, sign, crate::send::read_sts).await
    }
}

#[cfg(feature = "login")]
impl crate::login::DevicePoller {
    /// Polls the token endpoint with `client` until the device login ends:
    /// waits until [`next_poll_at`](Self::next_poll_at) (with
    /// `tokio::time::sleep_until`: `reqwest` already runs on tokio, so this adds
    /// no runtime), sends [`request()`](Self::request) through the same road as
    /// `send` (no redirect followed, the answer capped at 1 MiB and read into
    /// zeroizing memory), judges the answer as
    /// [`on_http_response`](Self::on_http_response) does (the body, or the
    /// `x-amzn-ErrorType` header when the body names no error), and goes on
    /// while that says to wait (features `login` and `reqwest`).
    ///
    /// Dropping the future while it waits is harmless. Dropped while a poll is
    /// out (under `tokio::time::timeout` or in a `select!`), the poll is
    /// counted, when the loop is called again, as a poll without an answer:
    /// the next one is backed off (twice the interval at least), so a loop
    /// dropped and called again never polls faster than the interval. The
    /// dropped poll's answer is lost, and with it the token if it brought
    /// one (the device code is then spent, and the next poll is refused):
    /// let the loop run, and stop waiting on it with a flag of your own.
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Instant;
    /// use ssooidc_token::login::{DevicePoller, RegisterClient, StartDeviceAuthorization};
    /// use ssooidc_token::{Endpoint, ReqwestClient};
    ///
    /// let client = ReqwestClient::new()?;
    /// let endpoint = Endpoint::new("us-east-1")?;
    /// let registration = RegisterClient::builder()
    ///     .client_name("my-cli")
    ///     .build()?
    ///     .send(&client, &endpoint)
    ///     .await?;
    /// let authorization = StartDeviceAuthorization::builder()
    ///     .client_id(registration.client_id())
    ///     .client_secret(registration.client_secret().clone())
    ///     .start_url("https://d-1234567890.awsapps.com/start")
    ///     .build()?
    ///     .send(&client, &endpoint)
    ///     .await?;
    /// println!("Open {} and enter {}", authorization.verification_uri(), authorization.user_code());
    /// let mut poller = DevicePoller::new(&registration, authorization, Instant::now())?;
    /// let token = poller.poll(&client, &endpoint).await?;
    /// # let _ = token; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`DeviceLoginError`](crate::login::DeviceLoginError): `Denied`,
    /// `Expired`, `Failed` (refused, unavailable, or a poller already finished),
    /// or `Sending` for a poll without an answer to judge (transport failure,
    /// redirect, an error answer over 1 MiB; a 2xx over 1 MiB spent the device
    /// code and ends polling as `Failed`), after which calling again resumes,
    /// backed off (see [`on_no_answer`](Self::on_no_answer)).
    pub async fn poll(
        &mut self,
        client: &ReqwestClient,
        endpoint: &Endpoint,
    ) -> Result<CreateTokenResponse, crate::login::DeviceLoginError> {
        if let Some(err) = self.already_finished().or_else(|| self.resume()) {
            return Err(err);
        }
        loop {
            tokio::time::sleep_until(tokio::time::Instant::from_std(self.next_poll_at())).await;
            if let Some(err) = self.expired_before_poll(std::time::Instant::now()) {
                return Err(err);
            }
            let request = self.request().to_http_at(endpoint);
            self.sending();
            let sent = exchange(
                client,
                request,
                |status, headers: &http::HeaderMap, body: &[u8]| {
                    let error_type = crate::response_error::amzn_headers(headers).error_type;
                    Ok(self.on_answer(status, error_type, body, std::time::Instant::now()))
                },
            )
            .await;
            if let std::ops::ControlFlow::Break(result) = self.settle(sent) {
                return result;
            }
        }
    }
}

/// Makes `request` (no body: a start URL's probe, the portal's `Logout`) and
/// gives the answer's status and headers; the body is not read. The client
/// follows no redirect. `timeout` replaces the client's exchange timeout when
/// given.
#[cfg(feature = "login")]
pub(crate) async fn bodiless(
    client: &ReqwestClient,
    request: http::Request<()>,
    timeout: Option<Duration>,
) -> Result<(http::StatusCode, http::HeaderMap), Box<dyn std::error::Error + Send + Sync>> {
    let (parts, ()) = request.into_parts();
    let mut request = reqwest::Request::try_from(http::Request::from_parts(parts, Bytes::new()))?;
    bound(&mut request, timeout.or(client.exchange_timeout));
    let response = client.for_request(&request)?.execute(request).await?;
    Ok((response.status(), response.headers().clone()))
}
