//! Local stand-ins for IAM Identity Center's OIDC endpoint, STS and an API,
//! on 127.0.0.1, for the `credentials` tests: each serves any number of
//! requests (one thread per connection, `connection: close`), verifies every
//! SigV4 signature with `aws-sigv4` for the credentials it expects at that
//! moment, counts what it served, and records every refusal. Bounded: reads
//! time out after 5 s, and the server stops when dropped. The OIDC endpoint
//! and STS can keep a clock of their own ([`ServiceClock`]): then every answer
//! carries its `Date`, and a request signed more than 5 minutes from it is
//! refused as AWS refuses it.

#![allow(dead_code)]

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::sigv4_endpoint::{
    form_value, parse_amz_date, read_request, verify, Answer, Received, Signer,
};

pub const REGION: &str = "us-east-1";
pub const APPLICATION_ARN: &str =
    "arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222";
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/identity-enhanced";
pub const CONTEXT: &str = "AQoJb3JpZ2luX2VjEXAMPLEidentityContext+/=";
pub const SESSION_KEY_ID: &str = "ASIAEXAMPLESESSION01";
pub const SESSION_SECRET: &str = "sEsSiOnSeCrEt+/EXAMPLEKEYabcdefghij0123";
pub const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE+token&more/==";
pub const PROVIDER_ARN: &str = "arn:aws:iam::aws:contextProvider/IdentityCenter";

/// An answer and the headers it carries besides the usual ones.
pub type Reply = (Answer, Vec<(&'static str, String)>);

type Handler = dyn Fn(&Received) -> Result<Reply, String> + Send + Sync;

/// A local endpoint serving many requests.
pub struct Server {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    pub served: Arc<AtomicUsize>,
    pub refusals: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(
        handler: impl Fn(&Received) -> Result<Answer, String> + Send + Sync + 'static,
    ) -> Self {
        Self::start_with_headers(move |received| handler(received).map(|answer| (answer, vec![])))
    }

    /// As `start`, for a handler that adds headers of its own.
    pub fn start_with_headers(
        handler: impl Fn(&Received) -> Result<Reply, String> + Send + Sync + 'static,
    ) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let served = Arc::new(AtomicUsize::new(0));
        let refusals = Arc::new(Mutex::new(Vec::new()));
        let accept = {
            let (stop, served, refusals) = (stop.clone(), served.clone(), refusals.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let Ok((mut stream, _)) = listener.accept() else {
                        std::thread::sleep(Duration::from_millis(2));
                        continue;
                    };
                    let (handler, served, refusals) =
                        (handler.clone(), served.clone(), refusals.clone());
                    std::thread::spawn(move || {
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                        let answer = read_request(&mut stream).and_then(|r| handler(&r));
                        let ((status, content_type, body), extra) = match answer {
                            Ok(reply) => {
                                served.fetch_add(1, Ordering::SeqCst);
                                reply
                            }
                            Err(why) => {
                                refusals.lock().unwrap().push(why.clone());
                                ((400, "text/plain", why), vec![])
                            }
                        };
                        let extra: String = extra
                            .iter()
                            .map(|(name, value)| format!("{name}: {value}\r\n"))
                            .collect();
                        let response = format!(
                            "HTTP/1.1 {status} Answer\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nx-amzn-requestid: local-1\r\n{extra}connection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(response.as_bytes());
                    });
                }
            })
        };
        Self {
            addr,
            stop,
            accept: Some(accept),
            served,
            refusals,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }

    pub fn refusals(&self) -> Vec<String> {
        self.refusals.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// The services' clock, when they keep one: the system's, `ahead` seconds on
/// (negative: behind). Unset, the endpoints check no time and send no `Date`.
#[derive(Default)]
pub struct ServiceClock {
    ahead: Mutex<Option<i64>>,
    /// Refuse every request as signed at the wrong time, with a `Date` 10
    /// minutes after the time it was signed at (a clock that runs away).
    pub runaway: AtomicBool,
    /// Only STS keeps this clock (the OIDC stand-in checks no time).
    pub sts_only: AtomicBool,
    /// Refuse every request as signed at the wrong time, with this `Date`.
    pub fixed_date: Mutex<Option<&'static str>>,
    /// How many requests were refused as signed at the wrong time.
    pub refused: AtomicUsize,
    /// The seconds from the services' clock to the time each request was
    /// signed at (`x-amz-date`), in order.
    pub signed_off_by: Mutex<Vec<i64>>,
}

impl ServiceClock {
    /// Keeps the services' clock `ahead` seconds after the system's.
    pub fn set(&self, ahead: i64) {
        *self.ahead.lock().unwrap() = Some(ahead);
    }

    fn now(&self) -> Option<SystemTime> {
        let ahead = (*self.ahead.lock().unwrap())?;
        let by = Duration::from_secs(ahead.unsigned_abs());
        Some(if ahead >= 0 {
            SystemTime::now() + by
        } else {
            SystemTime::now() - by
        })
    }

    /// Seconds since 1970 of the services' clock now, or the system's when unset.
    fn unix_now(&self) -> i64 {
        let now = self.now().unwrap_or_else(SystemTime::now);
        i64::try_from(now.duration_since(UNIX_EPOCH).unwrap().as_secs()).unwrap()
    }

    /// The answer's headers, and the refusal AWS gives when the request was
    /// signed more than 5 minutes from the services' clock: `sts` as STS
    /// writes it (`SignatureDoesNotMatch`), else as the OIDC service does
    /// (`InvalidSignatureException` in `x-amzn-ErrorType`).
    fn check(
        &self,
        received: &Received,
        sts: bool,
    ) -> (Option<Answer>, Vec<(&'static str, String)>) {
        if self.now().is_none() || (!sts && self.sts_only.load(Ordering::SeqCst)) {
            return (None, vec![]);
        }
        let signed = parse_amz_date(&amz_date(received))
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap());
        let now = self.unix_now();
        self.signed_off_by.lock().unwrap().push(signed - now);
        let fixed = *self.fixed_date.lock().unwrap();
        let runaway = self.runaway.load(Ordering::SeqCst) || fixed.is_some();
        let date = match fixed {
            Some(date) => date.to_owned(),
            None if runaway => http_date(signed + 600),
            None => http_date(now),
        };
        let headers = vec![("date", date)];
        if !runaway && (signed - now).abs() <= 300 {
            return (None, headers);
        }
        self.refused.fetch_add(1, Ordering::SeqCst);
        let message = format!(
            "Signature expired: {} is now earlier than or later than the service's time",
            amz_date(received)
        );
        let refusal = if sts {
            (
                403,
                "text/xml",
                format!(
                    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
                     <Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>{message}\
                     </Message></Error><RequestId>r-skew</RequestId></ErrorResponse>"
                ),
            )
        } else {
            (
                403,
                "application/json",
                format!(r#"{{"message":"{message}"}}"#),
            )
        };
        let mut headers = headers;
        if !sts {
            headers.push((
                "x-amzn-errortype",
                "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/"
                    .to_owned(),
            ));
        }
        (Some(refusal), headers)
    }
}

/// An HTTP-date, as AWS writes `Date`.
fn http_date(unix: i64) -> String {
    aws_smithy_types::DateTime::from_secs(unix)
        .fmt(aws_smithy_types::date_time::Format::HttpDate)
        .unwrap()
}

/// The application's signer for `signing_name`.
pub fn app_signer(key_id: &str, secret: &str, signing_name: &'static str) -> Signer {
    Signer {
        access_key_id: key_id.into(),
        secret_access_key: secret.into(),
        session_token: None,
        region: REGION,
        signing_name,
    }
}

/// What the local OIDC endpoint saw and how it behaves.
#[derive(Default)]
pub struct OidcState {
    pub jwt_bearer: AtomicUsize,
    pub refresh_token: AtomicUsize,
    /// Refuse the refresh-token grant with `invalid_grant`, or with
    /// `refresh_refusal` when one is set.
    pub refuse_refresh: AtomicBool,
    /// The error code (and HTTP status) of a refused refresh-token grant.
    pub refresh_refusal: Mutex<Option<(&'static str, u16)>>,
    /// Refuse the jwt-bearer grant with `invalid_grant`.
    pub refuse_jwt: AtomicBool,
    /// The number of the last refresh token handed out.
    pub issued: AtomicU64,
    /// Hand out a blank refresh token (`" "`) instead of `aorv-<n>`.
    pub blank_refresh_token: AtomicBool,
    /// Answer the refresh-token grant without an identity context.
    pub no_context_on_refresh: AtomicBool,
    /// The access key ids that signed, in order.
    pub signed_by: Mutex<Vec<String>>,
    /// The `x-amz-date` of each signed request, in order.
    pub signed_at: Mutex<Vec<String>>,
    /// The services' clock (shared with STS's stand-in when set up together).
    pub clock: Arc<ServiceClock>,
}

/// The local OIDC endpoint: verifies the signature with the application's
/// current credentials (`app`), answers jwt-bearer and refresh-token grants with
/// an identity context and a new refresh token `aorv-<n>`.
pub fn oidc(app: Arc<Mutex<(String, String)>>, state: Arc<OidcState>) -> Server {
    Server::start_with_headers(move |received| {
        let (refusal, headers) = state.clock.check(received, false);
        match refusal {
            Some(refusal) => Ok(refusal),
            None => oidc_answer(received, &app, &state),
        }
        .map(|answer| (answer, headers))
    })
}

fn oidc_answer(
    received: &Received,
    app: &Mutex<(String, String)>,
    state: &OidcState,
) -> Result<Answer, String> {
    let (key_id, secret) = app.lock().unwrap().clone();
    verify(received, &app_signer(&key_id, &secret, "sso-oauth"))?;
    state.signed_by.lock().unwrap().push(key_id);
    state.signed_at.lock().unwrap().push(amz_date(received));
    if received.target != "/token?aws_iam=t" {
        return Err(format!("unexpected target {}", received.target));
    }
    let body: serde_json::Value =
        serde_json::from_slice(&received.body).map_err(|e| e.to_string())?;
    if body["clientId"] != APPLICATION_ARN {
        return Err("wrong clientId".into());
    }
    let refuse = (
        400,
        "application/json",
        r#"{"error":"invalid_grant","error_description":"refused"}"#.to_owned(),
    );
    let mut context = true;
    match body["grantType"].as_str() {
        Some("urn:ietf:params:oauth:grant-type:jwt-bearer") => {
            state.jwt_bearer.fetch_add(1, Ordering::SeqCst);
            if !body["assertion"]
                .as_str()
                .is_some_and(|a| a.starts_with("eyJ"))
            {
                return Err("no assertion".into());
            }
            if state.refuse_jwt.load(Ordering::SeqCst) {
                return Ok(refuse);
            }
        }
        Some("refresh_token") => {
            state.refresh_token.fetch_add(1, Ordering::SeqCst);
            let expected = format!("aorv-{}", state.issued.load(Ordering::SeqCst));
            if body["refreshToken"].as_str() != Some(expected.as_str()) {
                return Err(format!("refresh token is not {expected}"));
            }
            if state.refuse_refresh.load(Ordering::SeqCst) {
                return Ok(match *state.refresh_refusal.lock().unwrap() {
                    Some((code, status)) => (
                        status,
                        "application/json",
                        format!(r#"{{"error":"{code}","error_description":"refused"}}"#),
                    ),
                    None => refuse,
                });
            }
            context = !state.no_context_on_refresh.load(Ordering::SeqCst);
        }
        other => return Err(format!("unexpected grant {other:?}")),
    }
    let next = if state.blank_refresh_token.load(Ordering::SeqCst) {
        " ".to_owned()
    } else {
        format!("aorv-{}", state.issued.fetch_add(1, Ordering::SeqCst) + 1)
    };
    let details = if context {
        format!(r#","awsAdditionalDetails":{{"identityContext":"{CONTEXT}"}}"#)
    } else {
        String::new()
    };
    Ok((
        200,
        "application/json",
        format!(
            r#"{{"accessToken":"aoal-EXAMPLE","tokenType":"Bearer","expiresIn":3600,"refreshToken":"{next}"{details}}}"#
        ),
    ))
}

/// What the local STS saw and how it behaves.
pub struct StsState {
    pub assume_role: AtomicUsize,
    /// Seconds from now to the `Expiration` it hands out.
    pub lifetime: AtomicU64,
    pub deny: AtomicBool,
    /// Milliseconds to wait before answering.
    pub stall_ms: AtomicU64,
    pub signed_by: Mutex<Vec<String>>,
    /// The `x-amz-date` of each signed request, in order.
    pub signed_at: Mutex<Vec<String>>,
    /// The `ExternalId` of each `AssumeRole`, in order.
    pub external_ids: Mutex<Vec<Option<String>>>,
    /// The services' clock (shared with the OIDC stand-in when set up together).
    pub clock: Arc<ServiceClock>,
}

impl Default for StsState {
    fn default() -> Self {
        Self {
            assume_role: AtomicUsize::new(0),
            lifetime: AtomicU64::new(3_600),
            deny: AtomicBool::new(false),
            stall_ms: AtomicU64::new(0),
            signed_by: Mutex::new(Vec::new()),
            signed_at: Mutex::new(Vec::new()),
            external_ids: Mutex::new(Vec::new()),
            clock: Arc::default(),
        }
    }
}

/// A request's `x-amz-date` (`YYYYMMDDTHHMMSSZ`), empty if none.
fn amz_date(received: &Received) -> String {
    received.header("x-amz-date").unwrap_or_default().to_owned()
}

/// `time` as `x-amz-date` writes it, to compare with what was signed.
#[allow(dead_code)]
pub fn amz_date_of(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let text = aws_smithy_types::DateTime::from_secs(i64::try_from(secs).unwrap())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap();
    text.replace(['-', ':'], "")
}

/// `Expiration` as STS writes it.
pub fn sts_time(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).unwrap().as_secs();
    aws_smithy_types::DateTime::from_secs(i64::try_from(secs).unwrap())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap()
}

/// The local STS: verifies the signature with the application's current
/// credentials and the `ProvidedContexts` members, then grants (with an
/// `Expiration` `lifetime` seconds away, whole seconds) or denies like a trust
/// policy without `sts:SetContext`.
pub fn sts(app: Arc<Mutex<(String, String)>>, state: Arc<StsState>) -> Server {
    Server::start_with_headers(move |received| {
        let (refusal, headers) = state.clock.check(received, true);
        match refusal {
            Some(refusal) => Ok(refusal),
            None => sts_answer(received, &app, &state),
        }
        .map(|answer| (answer, headers))
    })
}

fn sts_answer(
    received: &Received,
    app: &Mutex<(String, String)>,
    state: &StsState,
) -> Result<Answer, String> {
    let (key_id, secret) = app.lock().unwrap().clone();
    verify(received, &app_signer(&key_id, &secret, "sts"))?;
    state.signed_by.lock().unwrap().push(key_id);
    state.signed_at.lock().unwrap().push(amz_date(received));
    let form = |name: &str| form_value(&received.body, name);
    for (name, expected) in [
        ("Action", "AssumeRole"),
        ("ProvidedContexts.member.1.ProviderArn", PROVIDER_ARN),
        ("ProvidedContexts.member.1.ContextAssertion", CONTEXT),
        ("RoleArn", ROLE_ARN),
        (
            "RoleSessionName",
            "TrustedIdentityPropagationSDKPluginEnhanced-apl-2222222222222222",
        ),
    ] {
        if form(name).as_deref() != Some(expected) {
            return Err(format!("{name} is not {expected}"));
        }
    }
    state.external_ids.lock().unwrap().push(form("ExternalId"));
    state.assume_role.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(state.stall_ms.load(Ordering::SeqCst)));
    if state.deny.load(Ordering::SeqCst) {
        return Ok((
            403,
            "text/xml",
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
                 <Type>Sender</Type><Code>AccessDenied</Code><Message>User: \
                 arn:aws:iam::123456789012:user/app is not authorized to perform: \
                 sts:SetContext on resource: arn:aws:iam::123456789012:role/identity-enhanced\
                 </Message></Error><RequestId>r-2</RequestId></ErrorResponse>"
                .to_owned(),
        ));
    }
    let expiration = state.clock.now().unwrap_or_else(SystemTime::now)
        + Duration::from_secs(state.lifetime.load(Ordering::SeqCst));
    Ok((
        200,
        "text/xml",
        format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                 <AssumeRoleResult><AssumedRoleUser>\
                 <Arn>arn:aws:sts::123456789012:assumed-role/identity-enhanced/alice</Arn>\
                 <AssumedRoleId>AROAEXAMPLE:alice</AssumedRoleId></AssumedRoleUser>\
                 <Credentials><AccessKeyId>{SESSION_KEY_ID}</AccessKeyId>\
                 <SecretAccessKey>{}</SecretAccessKey><SessionToken>{}</SessionToken>\
                 <Expiration>{}</Expiration></Credentials>\
                 </AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId>\
                 </ResponseMetadata></AssumeRoleResponse>",
            SESSION_SECRET.replace('+', "&#43;"),
            SESSION_TOKEN.replace('&', "&amp;"),
            sts_time(expiration),
        ),
    ))
}

/// An API that takes only requests signed by the identity-enhanced session
/// (signing name `sts`: `aws-sdk-sts`'s `GetCallerIdentity`).
pub fn api() -> Server {
    let session = Signer {
        access_key_id: SESSION_KEY_ID.into(),
        secret_access_key: SESSION_SECRET.into(),
        session_token: Some(SESSION_TOKEN.into()),
        region: REGION,
        signing_name: "sts",
    };
    Server::start(move |received| {
        verify(received, &session)?;
        if form_value(&received.body, "Action").as_deref() != Some("GetCallerIdentity") {
            return Err("not GetCallerIdentity".into());
        }
        Ok((
            200,
            "text/xml",
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult>\
             <Arn>arn:aws:sts::123456789012:assumed-role/identity-enhanced/alice</Arn>\
             <UserId>AROAEXAMPLE:alice</UserId><Account>123456789012</Account>\
             </GetCallerIdentityResult><ResponseMetadata><RequestId>r-3</RequestId>\
             </ResponseMetadata></GetCallerIdentityResponse>"
                .to_owned(),
        ))
    })
}
