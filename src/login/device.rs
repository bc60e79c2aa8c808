//! The device login (RFC 8628): `StartDeviceAuthorization`, then
//! [`DevicePoller`], a sans-IO state machine that says when to poll the token
//! endpoint and what each answer means.

use std::fmt;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};

use super::RegisterClientResponse;
use crate::builder_state::field;
use crate::error::{ParseError, Syntax};
use crate::grant::DeviceCode;
use crate::json::{missing, optional, Reader};
use crate::validation::Checks;
use crate::wire::{Members, Value, Visit};
use crate::{BuildError, CreateToken, CreateTokenResponse, ErrorCode, IntoSecret, TokenError};

crate::builder_state::typed_struct! {
    /// The fields of a [`StartDeviceAuthorization`] request, as its builder collects
    /// them. The request dereferences to this.
    #[derive(Debug, typed_builder::TypedBuilder)]
    #[builder(
        builder_type(
            name = StartDeviceAuthorizationBuilder,
            doc = "Builds a [`StartDeviceAuthorization`](crate::login::StartDeviceAuthorization). Start with [`StartDeviceAuthorization::builder`](crate::login::StartDeviceAuthorization::builder).\n\nRequired: `client_id`, `client_secret`, `start_url`.",
            attributes(#[derive(Debug)]),
        ),
        builder_method(vis = "pub(crate)"),
        build_method(vis = "", name = __build),
    )]
    pub struct StartDeviceAuthorizationFields {
        required pub(crate) client_id: into String = "Sets `clientId` (required): the id `RegisterClient` returned.",
        required secret pub(crate) client_secret = "Sets `clientSecret` (required, secret): the secret `RegisterClient` returned. Accepts `&str`, `&String`, `String`, `Box<str>`, `SecretString`, `&SecretString` or `Zeroizing<String>`.",
        required pub(crate) start_url: into String = "Sets `startUrl` (required): the AWS access portal URL, such as `https://d-1234567890.awsapps.com/start/#`.",
    }
}

impl StartDeviceAuthorizationFields {
    /// `clientId`.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `clientSecret`.
    #[must_use]
    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// `startUrl`.
    #[must_use]
    pub fn start_url(&self) -> &str {
        &self.start_url
    }
}

impl Members for StartDeviceAuthorizationFields {
    fn visit<V: Visit>(&self, v: &mut V) -> Result<(), V::Error> {
        v.member("clientId", Value::Str(&self.client_id))?;
        v.member(
            "clientSecret",
            Value::Str(self.client_secret.expose_secret()),
        )?;
        v.member("startUrl", Value::Str(&self.start_url))
    }
}

/// A checked `StartDeviceAuthorization` request (`POST /device_authorization`,
/// unsigned): asks for a device code and a user code for a registered client.
///
/// ```
/// use ssooidc_token::login::StartDeviceAuthorization;
/// use ssooidc_token::ExposeSecret;
///
/// let request = StartDeviceAuthorization::builder()
///     .client_id("_yzkThXVzLWVhc3QtMQ")
///     .client_secret("VERYLONGSECRET")
///     .start_url("https://d-1234567890.awsapps.com/start/#")
///     .build()?;
/// assert_eq!(
///     request.to_json().expose_secret(),
///     br#"{"clientId":"_yzkThXVzLWVhc3QtMQ","clientSecret":"VERYLONGSECRET","startUrl":"https://d-1234567890.awsapps.com/start/#"}"#
/// );
/// assert!(!format!("{request:?}").contains("VERYLONGSECRET"));
/// # Ok::<(), ssooidc_token::BuildError>(())
/// ```
pub struct StartDeviceAuthorization {
    pub(super) fields: StartDeviceAuthorizationFields,
}

impl StartDeviceAuthorization {
    /// Starts a device authorization request.
    pub fn builder() -> StartDeviceAuthorizationBuilder {
        StartDeviceAuthorizationFields::builder()
    }

    fn from_fields(fields: StartDeviceAuthorizationFields) -> Result<Self, BuildError> {
        let mut checks = Checks::default();
        checks.non_empty("client_id", &fields.client_id);
        checks.secret("client_secret", &fields.client_secret);
        checks.absolute_uri("start_url", None, &fields.start_url);
        checks.finish("StartDeviceAuthorization")?;
        Ok(Self { fields })
    }
}

crate::builder_state::field_states!(
    StartDeviceAuthorizationBuilder
    [client_id client_secret start_url]
    client_id client_secret start_url
);

#[allow(non_camel_case_types)]
impl<client_id, client_secret, start_url>
    StartDeviceAuthorizationBuilder<(client_id, client_secret, start_url)>
{
    /// Checks the fields' content and returns the request, or a
    /// [`BuildError`](crate::BuildError) listing every problem.
    ///
    /// Only compiles once `client_id`, `client_secret` and `start_url` are set;
    /// each one missing is its own compile error naming it.
    ///
    /// # Errors
    /// [`BuildError`] naming every field that breaks a rule.
    pub fn build(self) -> Result<StartDeviceAuthorization, BuildError>
    where
        client_id: field::client_id::Required<String>,
        client_secret: field::client_secret::Required<SecretString>,
        start_url: field::start_url::Required<String>,
    {
        let (client_id, client_secret, start_url) = self.fields;
        StartDeviceAuthorization::from_fields(StartDeviceAuthorizationFields {
            client_id: client_id.into_value(),
            client_secret: client_secret.into_value(),
            start_url: start_url.into_value(),
        })
    }
}

/// The successful response of `StartDeviceAuthorization`.
///
/// ```
/// use ssooidc_token::login::StartDeviceAuthorizationResponse;
/// use ssooidc_token::ExposeSecret;
///
/// let response = StartDeviceAuthorizationResponse::from_json(br#"{"deviceCode":"devc-example",
///     "userCode":"ABCD-EFGH","verificationUri":"https://device.sso.us-east-1.amazonaws.com/",
///     "verificationUriComplete":"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
///     "expiresIn":600,"interval":1}"#)?;
/// assert_eq!(response.user_code(), "ABCD-EFGH");
/// assert_eq!(response.interval(), Some(1));
/// assert!(!format!("{response:?}").contains("devc-example"));
/// # Ok::<(), ssooidc_token::ParseError>(())
/// ```
#[derive(Debug)]
pub struct StartDeviceAuthorizationResponse {
    device_code: SecretString,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: Option<String>,
    expires_in: i32,
    interval: Option<i32>,
}

impl StartDeviceAuthorizationResponse {
    /// Parses a `StartDeviceAuthorization` response body. `deviceCode`, `userCode`,
    /// `verificationUri` and `expiresIn` are required (RFC 8628 section 3.2);
    /// members this version does not know are ignored. The device code is decoded
    /// straight into a zeroizing buffer.
    ///
    /// # Errors
    /// A [`ParseError`] naming the member and the problem; it never holds a value.
    pub fn from_json(body: &[u8]) -> Result<Self, ParseError> {
        let mut device_code = None;
        let mut user_code = None;
        let mut verification_uri = None;
        let mut verification_uri_complete = None;
        let mut expires_in = None;
        let mut interval = None;
        let mut seen = [false; 6];
        let mut reader = Reader::new(body);
        reader.object(|r, key| {
            let at = key.offset;
            match key.as_bytes() {
                Some(b"deviceCode") => optional(
                    r,
                    &mut device_code,
                    &mut seen[0],
                    "deviceCode",
                    at,
                    Reader::secret,
                ),
                Some(b"userCode") => optional(
                    r,
                    &mut user_code,
                    &mut seen[1],
                    "userCode",
                    at,
                    Reader::string,
                ),
                Some(b"verificationUri") => optional(
                    r,
                    &mut verification_uri,
                    &mut seen[2],
                    "verificationUri",
                    at,
                    Reader::string,
                ),
                Some(b"verificationUriComplete") => optional(
                    r,
                    &mut verification_uri_complete,
                    &mut seen[3],
                    "verificationUriComplete",
                    at,
                    Reader::string,
                ),
                Some(b"expiresIn") => optional(
                    r,
                    &mut expires_in,
                    &mut seen[4],
                    "expiresIn",
                    at,
                    Reader::integer,
                ),
                Some(b"interval") => optional(
                    r,
                    &mut interval,
                    &mut seen[5],
                    "interval",
                    at,
                    Reader::integer,
                ),
                _ => r.skip(),
            }
        })?;
        reader.end()?;
        Ok(Self {
            device_code: missing(device_code, "deviceCode")?,
            user_code: missing(user_code, "userCode")?,
            verification_uri: missing(verification_uri, "verificationUri")?,
            verification_uri_complete,
            expires_in: missing(expires_in, "expiresIn")?,
            interval,
        })
    }

    /// `deviceCode`: what the poller sends to the token endpoint.
    #[must_use]
    pub fn device_code(&self) -> &SecretString {
        &self.device_code
    }

    /// `userCode`: show it to the user, who confirms it in the browser.
    #[must_use]
    pub fn user_code(&self) -> &str {
        &self.user_code
    }

    /// `verificationUri`: where the user goes to enter the user code.
    #[must_use]
    pub fn verification_uri(&self) -> &str {
        &self.verification_uri
    }

    /// `verificationUriComplete`, if sent: the verification URI with the user code
    /// filled in.
    #[must_use]
    pub fn verification_uri_complete(&self) -> Option<&str> {
        self.verification_uri_complete.as_deref()
    }

    /// `expiresIn`: seconds from now until the device code expires.
    #[must_use]
    pub fn expires_in(&self) -> i32 {
        self.expires_in
    }

    /// `interval`, if sent: the seconds to wait between polls (5 when absent).
    #[must_use]
    pub fn interval(&self) -> Option<i32> {
        self.interval
    }
}

/// What to do after an answer from the token endpoint. Exhaustive on purpose: a
/// polling loop handles every case.
#[derive(Debug)]
pub enum PollOutcome {
    /// The user authorized the device: here is the token. Polling is over.
    Token(CreateTokenResponse),
    /// Not yet: send [`request()`](DevicePoller::request) again at `until`.
    Wait {
        /// When to poll next ([`DevicePoller::next_poll_at`]).
        until: Instant,
    },
    /// The user refused (`access_denied`). Polling is over.
    Denied,
    /// The device code expired (`expired_token`, or `expiresIn` would pass before
    /// the next poll). Polling is over; start a new authorization.
    Expired,
    /// Polling failed for good.
    Failed(PollError),
}

/// Why polling failed (see [`PollOutcome::Failed`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum PollError {
    /// The token endpoint refused the request (`invalid_client`, `invalid_grant`,
    /// `unauthorized_client`...).
    Refused(TokenError),
    /// A 2xx answer whose token could not be read. The token was issued, so
    /// the device code is spent: another poll could only be refused. Start a
    /// new authorization.
    TokenUnreadable {
        /// The HTTP status it came with.
        status: u16,
        /// Why it could not be read.
        reason: ParseError,
    },
    /// Too many server errors or unreadable answers in a row.
    Unavailable {
        /// How many consecutive polls failed.
        failures: u32,
        /// The last failure.
        last: PollFailure,
    },
    /// An answer arrived after polling was already over.
    Finished,
}

/// A failed poll that is retried (up to [`DevicePoller::MAX_CONSECUTIVE_FAILURES`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum PollFailure {
    /// A 5xx answer or a `server_error`, with an OAuth error body.
    Server(TokenError),
    /// A body that is neither a token nor an OAuth error body (a proxy's HTML page,
    /// a truncated body).
    Unreadable {
        /// The HTTP status it came with.
        status: u16,
        /// Why it could not be read.
        reason: ParseError,
    },
}

impl fmt::Display for PollError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(_) => f.write_str("the token endpoint refused the device code request"),
            Self::Unavailable { failures, .. } => {
                write!(f, "gave up after {failures} consecutive failed polls")
            }
            Self::TokenUnreadable { status, .. } => write!(
                f,
                "the token endpoint's {status} answer, which spends the device code, could not be read"
            ),
            Self::Finished => f.write_str("polling had already ended"),
        }
    }
}

impl std::error::Error for PollError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Refused(err)
            | Self::Unavailable {
                last: PollFailure::Server(err),
                ..
            } => Some(err),
            Self::Unavailable {
                last: PollFailure::Unreadable { reason, .. },
                ..
            }
            | Self::TokenUnreadable { reason, .. } => Some(reason),
            Self::Finished => None,
        }
    }
}

/// Polls the token endpoint during a device login, by the rules of RFC 8628
/// section 3.4 and 3.5. Sans-IO: it never sleeps, reads no clock and opens no
/// socket; the caller sends [`request()`](Self::request) at
/// [`next_poll_at()`](Self::next_poll_at) and hands every answer to
/// [`on_response`](Self::on_response) with the time it arrived. With feature
/// `ureq` or `reqwest`, `poll_blocking(&agent, &endpoint)` or
/// `poll(&client, &endpoint).await` runs that loop through the crate's own
/// sending.
///
/// | answer | outcome |
/// |---|---|
/// | 200 with a token | [`PollOutcome::Token`] |
/// | 2xx whose body is not a token (the device code is spent) | [`PollError::TokenUnreadable`] |
/// | `authorization_pending` | wait one interval |
/// | `slow_down` | add 5 s to the interval, for this and every later poll, and wait it |
/// | `access_denied` | [`PollOutcome::Denied`] |
/// | `expired_token`, or the next poll would be at or after `expiresIn` | [`PollOutcome::Expired`] |
/// | 5xx, `server_error`, or a body that is not an OAuth error | wait one interval; the [`MAX_CONSECUTIVE_FAILURES`](Self::MAX_CONSECUTIVE_FAILURES)th in a row is [`PollError::Unavailable`] |
/// | any other OAuth error (`invalid_client`, `invalid_grant`...) | [`PollError::Refused`] |
/// | no answer to judge (a failed connection, a redirect, over 1 MiB): [`on_no_answer`](Self::on_no_answer) | wait twice the interval, doubling for each such poll in a row up to 16 times (not counted as a failed poll) |
/// | throttled: an error the AWS SDKs retry as throttling (`ThrottlingException`, `TooManyRequestsException`... in the body's `error` or in `x-amzn-ErrorType`), or a 429 without a known OAuth code | as no answer: the same doubling back-off, not counted as a failed poll |
///
/// The interval starts at the authorization's `interval`, or 5 seconds when it is
/// absent (or not positive). The first poll is right away (the interval is the
/// least time *between* polls, RFC 8628 section 3.2, and a device code that expires
/// within one interval still gets one poll); each later poll is one interval after
/// the previous answer arrived.
///
/// ```
/// use std::time::{Duration, Instant};
/// use ssooidc_token::login::{DevicePoller, PollOutcome, RegisterClientResponse, StartDeviceAuthorizationResponse};
///
/// let client = RegisterClientResponse::from_json(br#"{"clientId":"c","clientSecret":"s"}"#)?;
/// let authorization = StartDeviceAuthorizationResponse::from_json(
///     br#"{"deviceCode":"d","userCode":"U","verificationUri":"https://v","expiresIn":600}"#)?;
/// let start = Instant::now();
/// let mut poller = DevicePoller::new(&client, authorization, start)?;
/// assert_eq!(poller.next_poll_at(), start);
///
/// // At next_poll_at(), send poller.request().to_json() to POST /token; then:
/// let now = poller.next_poll_at();
/// let outcome = poller.on_response(400, br#"{"error":"slow_down"}"#, now);
/// assert!(matches!(outcome, PollOutcome::Wait { until } if until == now + Duration::from_secs(10)));
/// let outcome = poller.on_response(200, br#"{"accessToken":"a","expiresIn":3600}"#, poller.next_poll_at());
/// assert!(matches!(outcome, PollOutcome::Token(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct DevicePoller {
    request: CreateToken<DeviceCode>,
    interval: Duration,
    next_poll_at: Instant,
    expires_at: Instant,
    failures: u32,
    /// Polls in a row that got no answer (see `on_no_answer`).
    unanswered: u32,
    finished: bool,
    /// A loop's poll on its way: set as it is sent, cleared by its answer (or
    /// by its failure). Found set when a loop starts, it marks a poll whose
    /// loop was dropped before the answer (see `resume`).
    in_flight: bool,
}

impl DevicePoller {
    /// The interval when the authorization sends none (RFC 8628 section 3.2).
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
    /// What each `slow_down` adds to the interval (RFC 8628 section 3.5).
    pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
    /// How many failed polls (5xx, unreadable bodies) in a row end the polling.
    pub const MAX_CONSECUTIVE_FAILURES: u32 = 5;
    /// The largest answer read (1 MiB, as the crate's own sending reads): a
    /// larger one is an unreadable answer, whatever it holds.
    pub const MAX_ANSWER: usize = crate::error::MAX_READ;

    /// Starts polling for a client registered just before, with the authorization
    /// `StartDeviceAuthorization` returned at `now`. The client secret is cloned
    /// into the request (a zeroizing copy); the device code is moved.
    ///
    /// # Errors
    /// A [`BuildError`] if the client id, client secret or device code is empty.
    pub fn new(
        client: &RegisterClientResponse,
        authorization: StartDeviceAuthorizationResponse,
        now: Instant,
    ) -> Result<Self, BuildError> {
        Self::from_client(
            client.client_id(),
            client.client_secret().clone(),
            authorization,
            now,
        )
    }

    /// Starts polling for a client registered earlier (its id and secret kept by
    /// the caller).
    ///
    /// # Errors
    /// A [`BuildError`] if the client id, client secret or device code is empty.
    pub fn from_client(
        client_id: impl Into<String>,
        client_secret: impl IntoSecret,
        authorization: StartDeviceAuthorizationResponse,
        now: Instant,
    ) -> Result<Self, BuildError> {
        let StartDeviceAuthorizationResponse {
            device_code,
            expires_in,
            interval,
            ..
        } = authorization;
        let request = CreateToken::device_code()
            .client_id(client_id)
            .client_secret(client_secret)
            .device_code(device_code)
            .build()?;
        let interval = interval
            .and_then(|seconds| u64::try_from(seconds).ok())
            .filter(|&seconds| seconds > 0)
            .map_or(Self::DEFAULT_INTERVAL, Duration::from_secs);
        let lifetime = Duration::from_secs(u64::try_from(expires_in).unwrap_or(0));
        let expires_at = now.checked_add(lifetime).unwrap_or(now);
        Ok(Self {
            request,
            interval,
            next_poll_at: now,
            expires_at,
            failures: 0,
            unanswered: 0,
            in_flight: false,
            finished: false,
        })
    }

    /// The request to send at each poll (built once; the device code and client
    /// secret stay in zeroizing buffers). Send `request().to_json()` (or, with
    /// feature `http`, `request().to_http(region)`).
    #[must_use]
    pub fn request(&self) -> &CreateToken<DeviceCode> {
        &self.request
    }

    /// When to send the next poll: never earlier.
    #[must_use]
    pub fn next_poll_at(&self) -> Instant {
        self.next_poll_at
    }

    /// The current interval between polls (grown by every `slow_down`).
    #[must_use]
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// When the device code expires (`expiresIn` after the start).
    #[must_use]
    pub fn expires_at(&self) -> Instant {
        self.expires_at
    }

    /// Whether polling is over (a final outcome was returned).
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Takes the token endpoint's answer (`status` and `body`), received at `now`,
    /// and says what to do next. See the table on [`DevicePoller`].
    ///
    /// An error answer is judged by the error its body names. When you have the
    /// answer's headers, prefer `on_http_response` (feature `http`), which also
    /// reads the error from `x-amzn-ErrorType` when the body does not name it,
    /// as the AWS SDKs do.
    pub fn on_response(&mut self, status: u16, body: &[u8], now: Instant) -> PollOutcome {
        self.on_answer(status, None, body, now)
    }

    /// As [`on_response`](Self::on_response), from an [`http::Response`]
    /// (feature `http`): an error answer whose body does not name its error is
    /// judged by the `x-amzn-ErrorType` header (the part before `:`), as the
    /// AWS SDKs read it. So an empty `400` with
    /// `x-amzn-ErrorType: AuthorizationPendingException` means "wait", not a
    /// failed poll.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use ssooidc_token::login::{DevicePoller, PollOutcome, StartDeviceAuthorizationResponse};
    ///
    /// let start = Instant::now();
    /// let authorization = StartDeviceAuthorizationResponse::from_json(
    ///     br#"{"deviceCode":"d","userCode":"U","verificationUri":"https://v","expiresIn":600,"interval":5}"#,
    /// )?;
    /// let mut poller = DevicePoller::from_client("client", "secret", authorization, start)?;
    /// let answer = http::Response::builder()
    ///     .status(400)
    ///     .header("x-amzn-ErrorType", "SlowDownException:http://internal.amazon.com/")
    ///     .body(Vec::new())?;
    /// let outcome = poller.on_http_response(&answer, poller.next_poll_at());
    /// assert!(matches!(outcome, PollOutcome::Wait { .. }));
    /// assert_eq!(poller.interval(), Duration::from_secs(10));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn on_http_response<B: AsRef<[u8]>>(
        &mut self,
        response: &http::Response<B>,
        now: Instant,
    ) -> PollOutcome {
        let error_type = crate::response_error::amzn_headers(response.headers()).error_type;
        self.on_answer(
            response.status().as_u16(),
            error_type,
            response.body().as_ref(),
            now,
        )
    }

    /// A poll that got no answer to judge, noticed at `now`: the connection
    /// failed or timed out, the endpoint redirected, or the answer was larger
    /// than [`MAX_ANSWER`](Self::MAX_ANSWER). The next poll backs off
    /// exponentially (RFC 8628 section 3.5: a client whose connection fails
    /// polls less often): it waits twice the interval after one such poll, 4
    /// times after two in a row, up to 16 times (one interval if the backed-off
    /// poll would be at or after the device code's expiry); the next answer
    /// ends the back-off, unless it is throttled, which goes on with it (see
    /// the table on [`DevicePoller`]). Polling ends as [`PollOutcome::Expired`] only if even
    /// one interval would reach the expiry. It is not counted among the
    /// consecutive failed polls: the transport's error is the caller's to judge
    /// (the crate's loops return it).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use ssooidc_token::login::{DevicePoller, PollOutcome, StartDeviceAuthorizationResponse};
    ///
    /// let start = Instant::now();
    /// let authorization = StartDeviceAuthorizationResponse::from_json(
    ///     br#"{"deviceCode":"d","userCode":"U","verificationUri":"https://v","expiresIn":600,"interval":5}"#,
    /// )?;
    /// let mut poller = DevicePoller::from_client("client", "secret", authorization, start)?;
    /// // The first poll's connection failed at once: the next waits 10 s.
    /// let outcome = poller.on_no_answer(start);
    /// assert!(matches!(outcome, PollOutcome::Wait { until } if until == start + Duration::from_secs(10)));
    /// // That one failed too: 20 s more.
    /// let outcome = poller.on_no_answer(poller.next_poll_at());
    /// assert_eq!(poller.next_poll_at(), start + Duration::from_secs(30));
    /// // An answer (still pending) ends the back-off: one interval again.
    /// let pending = br#"{"error":"authorization_pending"}"#;
    /// let outcome = poller.on_response(400, pending, poller.next_poll_at());
    /// assert_eq!(poller.next_poll_at(), start + Duration::from_secs(35));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_no_answer(&mut self, now: Instant) -> PollOutcome {
        self.in_flight = false;
        if self.finished {
            return PollOutcome::Failed(PollError::Finished);
        }
        self.back_off(now)
    }

    /// The next poll after a poll that got no answer to judge, or a throttled
    /// one: the interval doubled for each such poll in a row, up to 16 times.
    fn back_off(&mut self, now: Instant) -> PollOutcome {
        self.unanswered = self.unanswered.saturating_add(1);
        let factor = 1u32 << self.unanswered.min(4);
        let from = now.max(self.next_poll_at);
        let backed_off = self.interval.checked_mul(factor).filter(|&pause| {
            from.checked_add(pause)
                .is_some_and(|at| at < self.expires_at)
        });
        // A back-off that would pass the expiry gives way to one interval: the
        // sign-in may be approved by now, and a poll before the expiry is still
        // worth making.
        self.wait_for(now, backed_off.unwrap_or(self.interval))
    }

    /// [`on_response`](Self::on_response), with the `x-amzn-ErrorType` name
    /// (if the answer had one) to fall back on when the body names no error.
    pub(crate) fn on_answer(
        &mut self,
        status: u16,
        error_type: Option<&str>,
        body: &[u8],
        now: Instant,
    ) -> PollOutcome {
        self.in_flight = false;
        if self.finished {
            return PollOutcome::Failed(PollError::Finished);
        }
        let too_large = || ParseError::syntax(Syntax::TooLarge, Self::MAX_ANSWER);
        if (200..300).contains(&status) {
            let read = if body.len() > Self::MAX_ANSWER {
                Err(too_large())
            } else {
                CreateTokenResponse::from_json(body)
            };
            return match read {
                Ok(token) => self.finish(PollOutcome::Token(token)),
                Err(reason) => self.finish(PollOutcome::Failed(PollError::TokenUnreadable {
                    status,
                    reason,
                })),
            };
        }
        if body.len() > Self::MAX_ANSWER {
            let reason = too_large();
            return self.failed_poll(now, PollFailure::Unreadable { status, reason });
        }
        let header_code = error_type.and_then(ErrorCode::from_error_type);
        let error = match TokenError::with_header_code(status, body, header_code) {
            Ok(error) => error,
            Err(_) if status == 429 => return self.back_off(now),
            Err(unexpected) => {
                let reason = unexpected.reason().clone();
                return self.failed_poll(now, PollFailure::Unreadable { status, reason });
            }
        };
        if error.is_throttling() {
            return self.back_off(now);
        }
        self.unanswered = 0;
        if status >= 500 || *error.code() == ErrorCode::ServerError {
            return self.failed_poll(now, PollFailure::Server(error));
        }
        match error.code() {
            ErrorCode::AuthorizationPending => {
                self.failures = 0;
                self.wait(now)
            }
            ErrorCode::SlowDown => {
                self.failures = 0;
                self.interval = self.interval.saturating_add(Self::SLOW_DOWN_STEP);
                self.wait(now)
            }
            ErrorCode::AccessDenied => self.finish(PollOutcome::Denied),
            ErrorCode::ExpiredToken => self.finish(PollOutcome::Expired),
            _ => self.finish(PollOutcome::Failed(PollError::Refused(error))),
        }
    }

    fn finish(&mut self, outcome: PollOutcome) -> PollOutcome {
        self.finished = true;
        outcome
    }

    /// Waits one interval from `now`, unless the code would expire first. The
    /// wait counts from `next_poll_at` when `now` is earlier (the poll was sent
    /// no earlier than that, so a clock that went back or stalled is wrong):
    /// `next_poll_at` never moves back, and every answer moves it on by at least
    /// the interval, so polling ends by the deadline whatever the clock says.
    fn wait(&mut self, now: Instant) -> PollOutcome {
        self.wait_for(now, self.interval)
    }

    /// The next poll `pause` after `now` (or after the poll already due).
    fn wait_for(&mut self, now: Instant, pause: Duration) -> PollOutcome {
        let from = now.max(self.next_poll_at);
        match from.checked_add(pause) {
            Some(until) if until < self.expires_at => {
                self.next_poll_at = until;
                PollOutcome::Wait { until }
            }
            _ => self.finish(PollOutcome::Expired),
        }
    }

    /// A judged answer that failed (a server error, an unreadable body): it
    /// ends any back-off, and counts toward the consecutive failures.
    fn failed_poll(&mut self, now: Instant, failure: PollFailure) -> PollOutcome {
        self.unanswered = 0;
        self.failures += 1;
        if self.failures >= Self::MAX_CONSECUTIVE_FAILURES {
            return self.finish(PollOutcome::Failed(PollError::Unavailable {
                failures: self.failures,
                last: failure,
            }));
        }
        self.wait(now)
    }
}

/// Why a device login loop (`DevicePoller::poll_blocking` with feature `ureq`,
/// `DevicePoller::poll` with feature `reqwest`) ended without a token. Each
/// final answer of the token endpoint is its own variant; none holds a secret.
#[cfg(any(feature = "ureq", feature = "reqwest"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "ureq", feature = "reqwest"))))]
#[derive(Debug)]
#[non_exhaustive]
pub enum DeviceLoginError {
    /// The user refused (`access_denied`).
    Denied,
    /// The device code expired (`expired_token`, or it would have before the
    /// next poll): start a new authorization.
    Expired,
    /// The token endpoint refused the request ([`PollError::Refused`]), its
    /// 2xx answer could not be read ([`PollError::TokenUnreadable`]), polling
    /// gave up after failed polls ([`PollError::Unavailable`]), or the poller had
    /// already finished ([`PollError::Finished`]). Boxed, so that the `Result`
    /// stays small.
    Failed(Box<PollError>),
    /// A poll got no answer the poller could judge: the HTTP client failed, the
    /// endpoint answered with a redirect (not followed), or an error answer was
    /// larger than 1 MiB (a 2xx that large spent the device code: `Failed`, with
    /// [`PollError::TokenUnreadable`]). The poller itself is not finished: calling the loop again
    /// resumes polling, backed off to at least twice the interval after this
    /// poll (see [`DevicePoller::on_no_answer`]).
    Sending(crate::SendError),
}

#[cfg(any(feature = "ureq", feature = "reqwest"))]
impl fmt::Display for DeviceLoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Denied => f.write_str("the sign-in was denied (access_denied)"),
            Self::Expired => f.write_str("the device code expired before the sign-in was approved"),
            Self::Failed(err) => write!(f, "{err}"),
            Self::Sending(err) => write!(f, "{err}"),
        }
    }
}

/// A failed or unsent poll shows as its own error (its sources are its own), so
/// that a report of the chain shows each cause once.
#[cfg(any(feature = "ureq", feature = "reqwest"))]
impl std::error::Error for DeviceLoginError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Denied | Self::Expired => None,
            Self::Failed(err) => err.source(),
            Self::Sending(err) => err.source(),
        }
    }
}

#[cfg(any(feature = "ureq", feature = "reqwest"))]
impl DevicePoller {
    /// What a login loop does after one exchange: `Break` with the result once
    /// polling is over (or the answer could not be judged: then the next poll,
    /// if the loop is called again, backs off), `Continue` to
    /// wait for [`next_poll_at`](Self::next_poll_at) and poll again.
    pub(crate) fn settle(
        &mut self,
        sent: Result<PollOutcome, crate::SendError>,
    ) -> std::ops::ControlFlow<Result<CreateTokenResponse, DeviceLoginError>> {
        use std::ops::ControlFlow::{Break, Continue};
        // A 2xx too large to read never reached `on_answer`: the token was
        // issued, so the device code is spent, and polling is over all the same.
        if let Err(crate::SendError::Response(response)) = &sent {
            if let crate::ResponseErrorKind::Unreadable(unread) = response.kind() {
                if (200..300).contains(&unread.status()) {
                    let failed = PollError::TokenUnreadable {
                        status: unread.status(),
                        reason: unread.reason().clone(),
                    };
                    self.finished = true;
                    return Break(Err(DeviceLoginError::Failed(Box::new(failed))));
                }
            }
        }
        let sent = match sent {
            Err(err) => match self.on_no_answer(Instant::now()) {
                PollOutcome::Expired => Ok(PollOutcome::Expired),
                _ => return Break(Err(DeviceLoginError::Sending(err))),
            },
            answered => answered,
        };
        match sent {
            Ok(PollOutcome::Token(token)) => Break(Ok(token)),
            Ok(PollOutcome::Wait { .. }) => Continue(()),
            Ok(PollOutcome::Denied) => Break(Err(DeviceLoginError::Denied)),
            Ok(PollOutcome::Expired) => Break(Err(DeviceLoginError::Expired)),
            Ok(PollOutcome::Failed(err)) => Break(Err(DeviceLoginError::Failed(Box::new(err)))),
            Err(err) => Break(Err(DeviceLoginError::Sending(err))),
        }
    }

    /// When a loop starts: a poll an earlier loop sent and never saw answered
    /// (its future was dropped: cancelled, timed out, lost a `select!`) counts
    /// as a poll without an answer, so the next one is backed off (see
    /// [`on_no_answer`](Self::on_no_answer)), not sent at once: dropping and
    /// calling the loop again never polls faster than the interval.
    pub(crate) fn resume(&mut self) -> Option<DeviceLoginError> {
        if !std::mem::take(&mut self.in_flight) {
            return None;
        }
        match self.on_no_answer(Instant::now()) {
            PollOutcome::Expired => Some(DeviceLoginError::Expired),
            _ => None,
        }
    }

    /// Before a loop sends a poll: marks it on its way (see
    /// [`resume`](Self::resume)).
    pub(crate) fn sending(&mut self) {
        self.in_flight = true;
    }

    /// The error a loop returns when it is started on a finished poller.
    pub(crate) fn already_finished(&self) -> Option<DeviceLoginError> {
        self.finished
            .then(|| DeviceLoginError::Failed(Box::new(PollError::Finished)))
    }

    /// Before a loop sends a poll at `now`: `Expired` (and polling over) when
    /// the device code has expired already, as after a prompt that outlasted
    /// it; no poll is sent with an expired code.
    pub(crate) fn expired_before_poll(&mut self, now: Instant) -> Option<DeviceLoginError> {
        if now < self.expires_at {
            return None;
        }
        self.finish(PollOutcome::Expired);
        Some(DeviceLoginError::Expired)
    }
}
