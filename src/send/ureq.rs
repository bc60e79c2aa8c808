//! Sending with a `ureq::Agent` (feature `ureq`): one blocking call from a
//! checked request to a typed response, for command-line tools.
//!
//! `ureq` is a dependency with its default features off, so your own choice of
//! TLS (`ureq/rustls`, `ureq/native-tls`) applies: enable one in your
//! `Cargo.toml` to reach `https://` endpoints.

use std::io::Read as _;
use std::time::{Duration, SystemTime};

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::grant::{IamGrant, PublicClientGrant};
use crate::send::{read_json, too_large, AnswerBuffer, Read, SendError};
use crate::{
    CreateToken, CreateTokenResponse, CreateTokenWithIam, CreateTokenWithIamResponse, Endpoint,
    SigningCredentials,
};

/// The time a whole exchange may take when the agent sets neither
/// `timeout_global` nor `timeout_per_call`.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

fn transport(err: impl std::error::Error + Send + Sync + 'static) -> SendError {
    SendError::Transport(Box::new(err))
}

/// `request` as every exchange of the crate's is made, whatever the agent's own
/// settings: no redirect followed, a 4xx or 5xx an answer rather than an error,
/// `timeout` for the whole exchange if the agent sets no overall timeout, and
/// no proxy for a plain `http://` endpoint on the loopback interface (see
/// `plain_http_to_loopback`).
fn guarded<B: ureq::AsSendBody>(
    agent: &ureq::Agent,
    request: http::Request<B>,
    timeout: Duration,
) -> http::Request<B> {
    let timeouts = agent.config().timeouts();
    let plain_http = crate::send::plain_http_to_loopback(
        request.uri().scheme_str().unwrap_or_default(),
        request.uri().host(),
    );
    let mut request = agent
        .configure_request(request)
        .http_status_as_error(false)
        .max_redirects(0);
    if plain_http {
        request = request.proxy(None);
    }
    if timeouts.global.is_none() && timeouts.per_call.is_none() {
        request = request.timeout_global(Some(timeout));
    }
    request.build()
}

/// Sends `request` (the body lent to `ureq` by reference, and wiped when the
/// request drops here), reads the answer into zeroizing memory (see
/// `AnswerBuffer`), and reads it with `read`. Whatever the agent's own settings,
/// a 4xx or 5xx status comes back as an answer to read, and no redirect is
/// followed (a 3xx is [`SendError::Redirected`]): a redirect would carry the
/// signature, the session token and the body to another host. An agent with no
/// overall timeout gets [`DEFAULT_TIMEOUT`] for the exchange, so a server that
/// trickles its answer cannot hold the caller.
pub(crate) fn exchange<B: ExposeSecret<[u8]>, T>(
    agent: &ureq::Agent,
    request: http::Request<B>,
    read: impl Read<T>,
) -> Result<T, SendError> {
    let (parts, body) = request.into_parts();
    let request = guarded(
        agent,
        http::Request::from_parts(parts, body.expose_secret()),
        DEFAULT_TIMEOUT,
    );
    let response = agent.run(request).map_err(transport)?;
    drop(body);
    answer(response, read)
}

/// [`exchange`] for a request without a body (a `GET`).
#[cfg(feature = "portal")]
pub(crate) fn exchange_bodiless<T>(
    agent: &ureq::Agent,
    request: http::Request<()>,
    read: impl Read<T>,
) -> Result<T, SendError> {
    let response = agent
        .run(guarded(agent, request, DEFAULT_TIMEOUT))
        .map_err(transport)?;
    answer(response, read)
}

/// The answer to an exchange: a 3xx refused unread, the body read into
/// zeroizing memory and handed to `read`.
fn answer<T>(mut response: http::Response<ureq::Body>, read: impl Read<T>) -> Result<T, SendError> {
    let status = response.status().as_u16();
    if response.status().is_redirection() {
        return Err(SendError::Redirected { status });
    }
    let announced = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut buffer = AnswerBuffer::new(announced);
    let mut chunk = Zeroizing::new([0u8; 8192]);
    let mut reader = response.body_mut().as_reader();
    loop {
        let n = reader.read(&mut chunk[..]).map_err(transport)?;
        if n == 0 {
            break;
        }
        if !buffer.push(&chunk[..n]) {
            return Err(too_large(status));
        }
    }
    drop(reader);
    Ok(read(status, response.headers(), buffer.bytes())?)
}

/// Signs with `sign` (now) and sends; a refusal that shows this host's clock
/// minutes off (`skew_to_correct`) is signed again at the service's time and
/// sent once more, as the SDK's clients do.
fn signed_exchange<B: ExposeSecret<[u8]>, T>(
    agent: &ureq::Agent,
    sign: impl Fn(SystemTime) -> Result<http::Request<B>, crate::SignError>,
    read: impl Read<T> + Copy,
) -> Result<T, SendError> {
    let sent = SystemTime::now();
    let result = exchange(agent, sign(sent)?, read);
    let correct = crate::time::ClockSkew::default();
    let Some(skew) = crate::send::skew_to_correct(&result, correct, sent, SystemTime::now()) else {
        return result;
    };
    match sign(skew.to_service(SystemTime::now())) {
        Ok(request) => exchange(agent, request, read),
        Err(_) => result,
    }
}

impl<G: IamGrant> CreateTokenWithIam<G> {
    /// Signs the request (now) and sends it with `agent`, blocking; the answer
    /// comes back as the typed response, or a [`SendError`] (feature `ureq`).
    /// A refusal that shows this host's clock more than 4 minutes off (a
    /// clock-skew code, and the answer's `Date`) is signed again at the
    /// service's time and sent once more, as the SDK's clients do.
    ///
    /// ```no_run
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use ssooidc_token::{CreateTokenWithIam, Endpoint, SigningCredentials};
    ///
    /// use std::time::Duration;
    ///
    /// let agent: ureq::Agent = ureq::Agent::config_builder()
    ///     .timeout_connect(Some(Duration::from_secs(10)))
    ///     .timeout_global(Some(Duration::from_secs(60)))
    ///     .build()
    ///     .into();
    /// let credentials = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let response = CreateTokenWithIam::refresh_token()
    ///     .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
    ///     .refresh_token("aorv-example")
    ///     .build()?
    ///     .send_blocking(&agent, &Endpoint::new("us-east-1")?, &credentials)?;
    /// println!("expires in {:?}", response.expires_in());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SendError`]: the service refused (with its OAuth error), the answer was
    /// unreadable, signing failed, or the HTTP client failed.
    pub fn send_blocking(
        &self,
        agent: &ureq::Agent,
        endpoint: &Endpoint,
        credentials: &SigningCredentials,
    ) -> Result<CreateTokenWithIamResponse, SendError> {
        let sign = |at| self.to_signed_http(endpoint, credentials, at);
        signed_exchange(agent, sign, read_json)
    }
}

impl<G: PublicClientGrant> CreateToken<G> {
    /// Sends the (unsigned) request with `agent`, blocking, and reads the answer
    /// (feature `ureq`).
    ///
    /// # Errors
    /// [`SendError`]: the service refused (with its OAuth error), the answer was
    /// unreadable, or the HTTP client failed.
    pub fn send_blocking(
        &self,
        agent: &ureq::Agent,
        endpoint: &Endpoint,
    ) -> Result<CreateTokenResponse, SendError> {
        exchange(agent, self.to_http_at(endpoint), read_json)
    }
}

/// `send_blocking` for the unsigned login requests, written once.
#[cfg(feature = "login")]
macro_rules! login_send_blocking {
    ($($request:ident => $response:ident, $what:literal;)*) => {$(
        impl crate::login::$request {
            #[doc = concat!("Sends the (unsigned) ", $what, " with `agent`, blocking, and reads the")]
            #[doc = "answer (features `login` and `ureq`)."]
            ///
            /// # Errors
            /// [`SendError`]: the service refused, the answer was unreadable, or the HTTP
            /// client failed.
            pub fn send_blocking(
                &self,
                agent: &ureq::Agent,
                endpoint: &Endpoint,
            ) -> Result<crate::login::$response, SendError> {
                exchange(agent, self.to_http_at(endpoint), read_json)
            }
        }
    )*};
}

#[cfg(feature = "login")]
login_send_blocking! {
    RegisterClient => RegisterClientResponse, "registration";
    StartDeviceAuthorization => StartDeviceAuthorizationResponse, "device authorization";
}

#[cfg(feature = "sts")]
impl crate::sts::AssumeRole {
    /// Signs the request (now, signing name `sts`) and sends it with `agent`,
    /// blocking (features `sts` and `ureq`); signed again once if STS's
    /// refusal shows this host's clock minutes off, as for
    /// `CreateTokenWithIam::send_blocking`.
    ///
    /// # Errors
    /// [`SendError`]: STS refused (`ResponseErrorKind::Sts`, with its hint), the
    /// answer was unreadable, signing failed, or the HTTP client failed.
    pub fn send_blocking(
        &self,
        agent: &ureq::Agent,
        endpoint: &crate::sts::StsEndpoint,
        credentials: &SigningCredentials,
    ) -> Result<crate::sts::AssumeRoleResponse, SendError> {
        let sign = |at| self.to_signed_http(endpoint, credentials, at);
        signed_exchange(agent, sign, crate::send::read_sts)
    }
}

#[cfg(feature = "login")]
impl crate::login::DevicePoller {
    /// Polls the token endpoint with `agent` until the device login ends,
    /// blocking: sleeps until [`next_poll_at`](Self::next_poll_at), sends
    /// [`request()`](Self::request) through the same road as `send_blocking`
    /// (no redirect followed, the answer capped at 1 MiB and read into zeroizing
    /// memory), judges the answer as
    /// [`on_http_response`](Self::on_http_response) does (the body, or the
    /// `x-amzn-ErrorType` header when the body names no error), and goes on
    /// while that says to wait (features `login` and `ureq`).
    ///
    /// ```no_run
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Instant;
    /// use ssooidc_token::login::{DevicePoller, RegisterClient, StartDeviceAuthorization};
    /// use ssooidc_token::Endpoint;
    ///
    /// let agent = ureq::Agent::new_with_defaults();
    /// let endpoint = Endpoint::new("us-east-1")?;
    /// let client = RegisterClient::builder()
    ///     .client_name("my-cli")
    ///     .build()?
    ///     .send_blocking(&agent, &endpoint)?;
    /// let authorization = StartDeviceAuthorization::builder()
    ///     .client_id(client.client_id())
    ///     .client_secret(client.client_secret().clone())
    ///     .start_url("https://d-1234567890.awsapps.com/start")
    ///     .build()?
    ///     .send_blocking(&agent, &endpoint)?;
    /// println!("Open {} and enter {}", authorization.verification_uri(), authorization.user_code());
    /// let mut poller = DevicePoller::new(&client, authorization, Instant::now())?;
    /// let token = poller.poll_blocking(&agent, &endpoint)?;
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
    pub fn poll_blocking(
        &mut self,
        agent: &ureq::Agent,
        endpoint: &Endpoint,
    ) -> Result<CreateTokenResponse, crate::login::DeviceLoginError> {
        if let Some(err) = self.already_finished().or_else(|| self.resume()) {
            return Err(err);
        }
        loop {
            std::thread::sleep(
                self.next_poll_at()
                    .saturating_duration_since(std::time::Instant::now()),
            );
            if let Some(err) = self.expired_before_poll(std::time::Instant::now()) {
                return Err(err);
            }
            let request = self.request().to_http_at(endpoint);
            self.sending();
            let sent = exchange(
                agent,
                request,
                |status, headers: &http::HeaderMap, body: &[u8]| {
                    let error_type = crate::response_error::amzn_headers(headers).error_type;
                    Ok(self.on_answer(status, error_type, body, std::time::Instant::now()))
                },
            );
            if let std::ops::ControlFlow::Break(result) = self.settle(sent) {
                return result;
            }
        }
    }
}

/// Makes `request` (no body: a start URL's probe, the portal's `Logout`) and
/// gives the answer's status and headers; the body is not read. Made as every
/// exchange is (`guarded`: a 3xx is an answer, not followed), with `timeout`
/// if the agent sets none.
#[cfg(feature = "login")]
pub(crate) fn bodiless(
    agent: &ureq::Agent,
    request: http::Request<()>,
    timeout: Duration,
) -> Result<(http::StatusCode, http::HeaderMap), Box<dyn std::error::Error + Send + Sync>> {
    let response = agent.run(guarded(agent, request, timeout))?;
    Ok((response.status(), response.headers().clone()))
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::time::{Duration, Instant};

    use super::guarded;

    /// A local address that takes connections and never answers: a listener
    /// that never accepts (the kernel completes the handshakes), kept open
    /// while the test runs.
    fn silent() -> (String, TcpListener) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/token", listener.local_addr().unwrap());
        (url, listener)
    }

    /// The request as the crate makes it, sent with `agent` to a server that
    /// never answers: which timeout ended it, and when.
    fn run(agent: &ureq::Agent, url: &str, timeout: Duration) -> (ureq::Error, Duration) {
        let request = http::Request::post(url).body(&b"{}"[..]).unwrap();
        let started = Instant::now();
        let err = agent.run(guarded(agent, request, timeout)).unwrap_err();
        (err, started.elapsed())
    }

    /// An agent without an overall timeout gets the crate's for the exchange
    /// (here a short one stands in for the 60 s default); an agent's own
    /// overall timeout is kept. Bounds on correctness, with wide margins, not
    /// measures of speed.
    #[test]
    fn the_exchange_is_bounded_by_the_agents_timeout_or_the_crates() {
        let (url, _listener) = silent();
        let plain = ureq::Agent::new_with_defaults();
        let (err, waited) = run(&plain, &url, Duration::from_millis(300));
        assert!(matches!(err, ureq::Error::Timeout(_)), "{err:?}");
        assert!(waited < Duration::from_secs(20), "{waited:?}");
        let own: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_millis(300)))
            .build()
            .into();
        let (err, waited) = run(&own, &url, Duration::from_secs(3_600));
        assert!(matches!(err, ureq::Error::Timeout(_)), "{err:?}");
        assert!(waited < Duration::from_secs(20), "{waited:?}");
    }
}
