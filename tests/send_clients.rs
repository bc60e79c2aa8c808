//! One call from a checked request to a typed result, with both HTTP clients,
//! over real sockets to local endpoints on 127.0.0.1 that verify the SigV4
//! signature (bounded: each endpoint gives up after 10 s): a success, an OAuth
//! error, an unreadable answer, and an STS refusal.
#![cfg(any(feature = "reqwest", feature = "ureq"))]

#[path = "common/closed_port.rs"]
mod closed_port;
#[path = "../examples/support/sigv4_endpoint.rs"]
mod sigv4_endpoint;

use sigv4_endpoint::{Answer, Endpoint as Local, Received, Signer};
#[cfg(feature = "reqwest")]
use ssooidc_token::ReqwestClient;
use ssooidc_token::{
    CreateToken, CreateTokenWithIam, Endpoint, ErrorCode, ExposeSecret, ResponseErrorKind,
    SendError, SigningCredentials,
};

const KEY_ID: &str = "AKIDSENDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const TOKEN: &str = r#"{"accessToken":"aoal-from-local","tokenType":"Bearer","expiresIn":3600}"#;

fn signer() -> Signer {
    Signer {
        access_key_id: KEY_ID.into(),
        secret_access_key: SECRET.into(),
        session_token: None,
        region: REGION,
        signing_name: "sso-oauth",
    }
}

fn credentials() -> SigningCredentials {
    SigningCredentials::new(KEY_ID, SECRET)
}

fn jwt_bearer() -> CreateTokenWithIam<ssooidc_token::grant::JwtBearer> {
    CreateTokenWithIam::jwt_bearer()
        .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
        .assertion("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln")
        .build()
        .unwrap()
}

fn device() -> CreateToken<ssooidc_token::grant::DeviceCode> {
    CreateToken::device_code()
        .client_id("client-id")
        .client_secret("client-secret")
        .device_code("device-code")
        .build()
        .unwrap()
}

/// An endpoint that checks the target and answers `answer`.
fn answering(answer: Answer, signed: bool) -> Local<()> {
    let check = move |received: &Received| {
        let expected = if signed { "/token?aws_iam=t" } else { "/token" };
        if received.target != expected {
            return Err(format!("unexpected target {}", received.target));
        }
        Ok((answer, ()))
    };
    if signed {
        Local::start(signer(), check)
    } else {
        Local::start_unsigned(check)
    }
}

fn endpoint(local: &Local<()>) -> Endpoint {
    Endpoint::custom(&local.base_url(), REGION).unwrap()
}

/// An endpoint on a port nothing listens on (held, so that no other test's
/// server takes it), and its guard.
fn closed_port() -> (Endpoint, closed_port::ClosedPort) {
    let closed = closed_port::closed_port();
    (Endpoint::custom(&closed.url(), REGION).unwrap(), closed)
}

/// The local endpoint's base URL, its port written with a leading zero
/// (`:08443`).
fn zero_padded_url(local: &Local<()>) -> String {
    port_written_with(local, "0")
}

/// The local endpoint's base URL, its port written after `prefix` (`0` or
/// `+`, both of which the URI parser takes).
fn port_written_with(local: &Local<()>, prefix: &str) -> String {
    local
        .base_url()
        .replacen("127.0.0.1:", &format!("127.0.0.1:{prefix}"), 1)
}

/// The same endpoint given as `:0<port>`: `Endpoint::custom` keeps the port as
/// a number, which is what HTTP/1 clients send in `Host` and HTTP/2 clients in
/// `:authority` alike.
fn zero_padded(local: &Local<()>) -> Endpoint {
    let endpoint = Endpoint::custom(&zero_padded_url(local), REGION).unwrap();
    assert_eq!(
        endpoint.host(),
        local.base_url().trim_start_matches("http://")
    );
    endpoint
}

/// A request of the caller's own, to `:<prefix><port>` and without a `host`
/// header, signed with `sign`: the host signed is the one the client sends.
fn signed_to_odd_port(local: &Local<()>, prefix: &str) -> http::Request<Vec<u8>> {
    let body = jwt_bearer().to_json();
    let url = port_written_with(local, prefix);
    let mut request = http::Request::post(format!("{url}/token?aws_iam=t"))
        .header("content-type", "application/json")
        .body(body)
        .unwrap();
    ssooidc_token::sign(
        &mut request,
        &credentials(),
        REGION,
        std::time::SystemTime::now(),
    )
    .unwrap();
    let (parts, body) = request.into_parts();
    http::Request::from_parts(parts, body.expose_secret().to_vec())
}

/// What each client returned, checked the same way.
fn check_success(
    result: Result<ssooidc_token::CreateTokenWithIamResponse, SendError>,
    local: Local<()>,
) {
    local.outcome().unwrap();
    let response = result.unwrap();
    assert_eq!(response.access_token().expose_secret(), "aoal-from-local");
}

fn check_refused(
    result: Result<ssooidc_token::CreateTokenWithIamResponse, SendError>,
    local: Local<()>,
) {
    local.outcome().unwrap();
    let Err(SendError::Response(err)) = result else {
        panic!("expected the service's refusal");
    };
    assert_eq!(err.status(), 400);
    assert_eq!(err.token_error().unwrap().code(), &ErrorCode::InvalidGrant);
    assert_eq!(err.request_id(), Some("0f1e2d3c-local"));
    assert!(!err.is_retryable());
}

fn check_unreadable(
    result: Result<ssooidc_token::CreateTokenWithIamResponse, SendError>,
    local: Local<()>,
) {
    local.outcome().unwrap();
    let Err(SendError::Response(err)) = result else {
        panic!("expected an unreadable answer");
    };
    assert!(matches!(err.kind(), ResponseErrorKind::Unreadable(_)));
    assert_eq!(err.status(), 502);
    assert!(!err.to_string().contains("SECRET-PAGE"));
    assert!(err.is_retryable());
}

fn refused() -> Answer {
    (
        400,
        "application/json",
        r#"{"error":"invalid_grant","error_description":"expired"}"#.to_owned(),
    )
}

fn unreadable() -> Answer {
    (
        502,
        "text/html",
        "<html>SECRET-PAGE Bad Gateway</html>".to_owned(),
    )
}

/// A stand-in for a proxy on loopback: counts the connections it is given
/// (it answers none). Held open for the test.
struct Proxy {
    url: String,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

fn proxy() -> Proxy {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = connections.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(stream);
        }
    });
    Proxy { url, connections }
}

impl Proxy {
    fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[cfg(feature = "ureq")]
mod with_ureq {
    use super::*;

    #[test]
    fn success_refusal_and_unreadable_answer() {
        let agent = ureq::Agent::new_with_defaults();
        let local = answering((200, "application/json", TOKEN.to_owned()), true);
        check_success(
            jwt_bearer().send_blocking(&agent, &endpoint(&local), &credentials()),
            local,
        );
        // The agent's default turns 4xx/5xx into errors; the answer is still read.
        let local = answering(refused(), true);
        check_refused(
            jwt_bearer().send_blocking(&agent, &endpoint(&local), &credentials()),
            local,
        );
        let local = answering(unreadable(), true);
        check_unreadable(
            jwt_bearer().send_blocking(&agent, &endpoint(&local), &credentials()),
            local,
        );
        let local = answering((200, "application/json", TOKEN.to_owned()), true);
        check_success(
            jwt_bearer().send_blocking(&agent, &zero_padded(&local), &credentials()),
            local,
        );
        for prefix in ["0", "+"] {
            let local = answering((200, "application/json", TOKEN.to_owned()), true);
            let answer = agent.run(signed_to_odd_port(&local, prefix)).unwrap();
            assert_eq!(answer.status(), 200, "{prefix}");
            local.outcome().unwrap();
        }
    }

    /// A plain-http (loopback) endpoint is reached directly, never through a
    /// proxy the agent has (from the environment, or set as here): the proxy
    /// would carry the unencrypted secrets across the network.
    #[test]
    fn a_plain_http_endpoint_is_not_sent_through_a_proxy() {
        let proxy = proxy();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .proxy(Some(ureq::Proxy::new(&proxy.url).unwrap()))
            .build()
            .into();
        let local = answering((200, "application/json", TOKEN.to_owned()), false);
        let response = device().send_blocking(&agent, &endpoint(&local)).unwrap();
        local.outcome().unwrap();
        assert_eq!(response.token_type(), Some("Bearer"));
        assert_eq!(proxy.connections(), 0);
        // The agent does use its proxy otherwise (so the test would see a
        // request sent through it).
        let _ = agent.get("http://example.invalid/").call();
        assert_eq!(proxy.connections(), 1);
    }

    #[test]
    fn unsigned_create_token_and_a_transport_failure() {
        let agent = ureq::Agent::new_with_defaults();
        let local = answering((200, "application/json", TOKEN.to_owned()), false);
        let response = device().send_blocking(&agent, &endpoint(&local)).unwrap();
        local.outcome().unwrap();
        assert_eq!(response.token_type(), Some("Bearer"));
        // Nothing listens there: a transport error, retryable.
        let (closed, _guard) = closed_port();
        let err = device().send_blocking(&agent, &closed).unwrap_err();
        assert!(
            matches!(err, SendError::Transport(_)) && err.is_retryable(),
            "{err:?}"
        );
    }
}

#[cfg(feature = "reqwest")]
mod with_reqwest {
    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }

    /// An answer cut short after its head (the connection closed mid-body):
    /// reqwest calls it a decoding error, and it is a transport failure that
    /// sending again can help, with either client.
    #[test]
    fn an_answer_cut_short_is_a_retryable_transport_failure() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for _ in 0..2 {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let mut rest = vec![0u8; 4096];
                let _ = stream.read(&mut rest); // the body, small enough for one read
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"accessToken\"",
                );
            }
        });
        let endpoint = Endpoint::custom(&url, REGION).unwrap();
        let err = block_on(device().send(&ReqwestClient::new().unwrap(), &endpoint)).unwrap_err();
        assert!(
            matches!(err, SendError::Transport(_)) && err.is_retryable(),
            "{err:?}"
        );
        #[cfg(feature = "ureq")]
        {
            let err = device()
                .send_blocking(&ureq::Agent::new_with_defaults(), &endpoint)
                .unwrap_err();
            assert!(
                matches!(err, SendError::Transport(_)) && err.is_retryable(),
                "{err:?}"
            );
        }
    }

    /// As with ureq: a plain-http (loopback) endpoint is reached by a client
    /// without proxies, whatever the builder (or the environment) set.
    #[test]
    fn a_plain_http_endpoint_is_not_sent_through_a_proxy() {
        let proxy = proxy();
        let client = ReqwestClient::from_builder(
            reqwest::Client::builder().proxy(reqwest::Proxy::all(&proxy.url).unwrap()),
        )
        .unwrap();
        let local = answering((200, "application/json", TOKEN.to_owned()), true);
        check_success(
            block_on(jwt_bearer().send(&client, &endpoint(&local), &credentials())),
            local,
        );
        assert_eq!(proxy.connections(), 0);
        // The client does use its proxy for its own requests.
        let _ = block_on(client.as_reqwest().get("http://example.invalid/").send());
        assert_eq!(proxy.connections(), 1);
    }

    #[test]
    fn success_refusal_and_unreadable_answer() {
        let client = ReqwestClient::new().unwrap();
        let local = answering((200, "application/json", TOKEN.to_owned()), true);
        check_success(
            block_on(jwt_bearer().send(&client, &endpoint(&local), &credentials())),
            local,
        );
        let local = answering(refused(), true);
        check_refused(
            block_on(jwt_bearer().send(&client, &endpoint(&local), &credentials())),
            local,
        );
        let local = answering(unreadable(), true);
        check_unreadable(
            block_on(jwt_bearer().send(&client, &endpoint(&local), &credentials())),
            local,
        );
        let local = answering((200, "application/json", TOKEN.to_owned()), true);
        check_success(
            block_on(jwt_bearer().send(&client, &zero_padded(&local), &credentials())),
            local,
        );
        // reqwest lower-cases the host it sends: the endpoint keeps it so.
        let local = answering((200, "application/json", TOKEN.to_owned()), true);
        // `localhost` resolved by the client itself, not the system (no
        // `/etc/hosts` needed).
        let addr: std::net::SocketAddr = local.base_url()["http://".len()..].parse().unwrap();
        let resolving =
            ReqwestClient::from_builder(reqwest::Client::builder().resolve("localhost", addr))
                .unwrap();
        let upper = Endpoint::custom_plain_http(
            &local.base_url().replace("127.0.0.1", "LOCALHOST"),
            REGION,
        )
        .unwrap();
        check_success(
            block_on(jwt_bearer().send(&resolving, &upper, &credentials())),
            local,
        );
        // (reqwest's URL parser refuses a `+` before the port.)
        let local = answering((200, "application/json", TOKEN.to_owned()), true);
        let request = reqwest::Request::try_from(signed_to_odd_port(&local, "0")).unwrap();
        let answer = block_on(reqwest::Client::new().execute(request)).unwrap();
        assert_eq!(answer.status(), 200);
        local.outcome().unwrap();
    }

    #[test]
    fn unsigned_create_token_and_a_transport_failure() {
        let client = ReqwestClient::new().unwrap();
        let local = answering((200, "application/json", TOKEN.to_owned()), false);
        let response = block_on(device().send(&client, &endpoint(&local))).unwrap();
        local.outcome().unwrap();
        assert_eq!(response.token_type(), Some("Bearer"));
        let (closed, _guard) = closed_port();
        let err = block_on(device().send(&client, &closed)).unwrap_err();
        assert!(
            matches!(err, SendError::Transport(_)) && err.is_retryable(),
            "{err:?}"
        );
    }
}

#[cfg(feature = "sts")]
mod sts {
    use super::*;
    use ssooidc_token::sts::{AssumeRole, IdentityContext, StsEndpoint};

    fn assume_role() -> AssumeRole {
        AssumeRole::builder()
            .role_arn("arn:aws:iam::123456789012:role/app")
            .role_session_name("alice")
            .identity_context(IdentityContext::new("AQoJb3JpZ2lu").unwrap())
            .build()
            .unwrap()
    }

    fn sts_local() -> Local<()> {
        Local::start(
            Signer {
                signing_name: "sts",
                ..signer()
            },
            |_| {
                Ok((
                (
                    403,
                    "text/xml",
                    "<ErrorResponse><Error><Code>AccessDenied</Code></Error><RequestId>r-7</RequestId></ErrorResponse>".to_owned(),
                ),
                (),
            ))
            },
        )
    }

    fn check(result: Result<ssooidc_token::sts::AssumeRoleResponse, SendError>, local: Local<()>) {
        local.outcome().unwrap();
        let Err(SendError::Response(err)) = result else {
            panic!("expected STS's refusal");
        };
        let ResponseErrorKind::Sts(sts) = err.kind() else {
            panic!("expected an StsError");
        };
        assert!(sts.hint().unwrap().contains("sts:SetContext"));
        assert_eq!(err.request_id(), Some("0f1e2d3c-local"));
    }

    #[cfg(feature = "ureq")]
    #[test]
    fn sts_refusal_with_ureq() {
        let local = sts_local();
        let endpoint = StsEndpoint::custom(&local.base_url(), REGION).unwrap();
        let agent = ureq::Agent::new_with_defaults();
        check(
            assume_role().send_blocking(&agent, &endpoint, &credentials()),
            local,
        );
    }

    #[cfg(feature = "reqwest")]
    #[test]
    fn sts_refusal_with_reqwest() {
        let local = sts_local();
        let endpoint = StsEndpoint::custom(&local.base_url(), REGION).unwrap();
        let client = ReqwestClient::new().unwrap();
        let result = with_reqwest_block_on(assume_role().send(&client, &endpoint, &credentials()));
        check(result, local);
    }

    #[cfg(feature = "reqwest")]
    fn with_reqwest_block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }
}

/// An answer past 1 MiB is not read: unreadable, with its status kept.
mod too_large {
    use super::*;

    fn huge() -> Local<()> {
        Local::start_unsigned(|_| Ok(((200, "application/json", "x".repeat(1024 * 1024 + 1)), ())))
    }

    fn is_too_large<T: std::fmt::Debug>(result: &Result<T, SendError>) -> bool {
        matches!(result, Err(SendError::Response(err)) if matches!(err.kind(),
            ResponseErrorKind::Unreadable(u) if u.reason().kind() == &ssooidc_token::ParseErrorKind::Syntax(ssooidc_token::Syntax::TooLarge)))
    }

    #[cfg(feature = "ureq")]
    #[test]
    fn with_ureq() {
        let local = huge();
        let result = device().send_blocking(&ureq::Agent::new_with_defaults(), &endpoint(&local));
        let _ = local.outcome();
        assert!(is_too_large(&result), "{result:?}");
    }

    #[cfg(feature = "reqwest")]
    #[test]
    fn with_reqwest() {
        let local = huge();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let result =
            runtime.block_on(device().send(&ReqwestClient::new().unwrap(), &endpoint(&local)));
        let _ = local.outcome();
        assert!(is_too_large(&result), "{result:?}");
    }
}

/// The public-client login's requests get the same one-call shape.
#[cfg(feature = "login")]
mod login {
    use super::*;
    use ssooidc_token::login::{RegisterClient, StartDeviceAuthorization};

    const REGISTERED: &str = r#"{"clientId":"cid","clientSecret":"csecret","clientIdIssuedAt":1700000000,"clientSecretExpiresAt":1707776000}"#;
    const STARTED: &str = r#"{"deviceCode":"dcode","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.us-east-1.amazonaws.com/","verificationUriComplete":"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH","expiresIn":600,"interval":5}"#;

    fn local(path: &'static str, body: &'static str) -> Local<()> {
        Local::start_unsigned(move |received| {
            if received.target != path {
                return Err(format!("unexpected target {}", received.target));
            }
            Ok(((200, "application/json", body.to_owned()), ()))
        })
    }

    fn register() -> RegisterClient {
        RegisterClient::builder()
            .client_name("cli")
            .build()
            .unwrap()
    }

    fn start() -> StartDeviceAuthorization {
        StartDeviceAuthorization::builder()
            .client_id("cid")
            .client_secret("csecret")
            .start_url("https://d-1234567890.awsapps.com/start/#")
            .build()
            .unwrap()
    }

    #[cfg(feature = "ureq")]
    #[test]
    fn register_and_start_with_ureq() {
        let agent = ureq::Agent::new_with_defaults();
        let server = local("/client/register", REGISTERED);
        let registered = register()
            .send_blocking(&agent, &endpoint(&server))
            .unwrap();
        server.outcome().unwrap();
        assert_eq!(registered.client_id(), "cid");
        let server = local("/device_authorization", STARTED);
        let started = start().send_blocking(&agent, &endpoint(&server)).unwrap();
        server.outcome().unwrap();
        assert_eq!(started.user_code(), "ABCD-EFGH");
    }

    #[cfg(feature = "reqwest")]
    #[test]
    fn register_and_start_with_reqwest() {
        let client = ReqwestClient::new().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = local("/client/register", REGISTERED);
        let registered = runtime
            .block_on(register().send(&client, &endpoint(&server)))
            .unwrap();
        server.outcome().unwrap();
        assert_eq!(registered.client_secret().expose_secret(), "csecret");
        let server = local("/device_authorization", STARTED);
        let started = runtime
            .block_on(start().send(&client, &endpoint(&server)))
            .unwrap();
        server.outcome().unwrap();
        assert_eq!(started.device_code().expose_secret(), "dcode");
    }
}

/// A followed redirect would carry the signature, the session token and the
/// body to another host: no road of the crate follows one, whatever the client's
/// own settings, and the answer says it was a redirect.
mod redirects {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::time::{Duration, Instant};

    const STATUSES: [(u16, &str); 3] = [
        (302, "Found"),
        (307, "Temporary Redirect"),
        (308, "Permanent Redirect"),
    ];

    /// Answers one request with `status` to `location`; bounded to 10 s.
    fn redirecting(
        status: (u16, &'static str),
        location: String,
    ) -> (Endpoint, std::thread::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            listener.set_nonblocking(true).unwrap();
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut stream = loop {
                match listener.accept() {
                    Ok((stream, _)) => break stream,
                    Err(_) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => return,
                }
            };
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let answer = format!(
                "HTTP/1.1 {} {}\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                status.0, status.1
            );
            let _ = stream.write_all(answer.as_bytes());
        });
        (Endpoint::custom(&base, REGION).unwrap(), handle)
    }

    /// Where the redirect points; whether anything connected there.
    struct Elsewhere(TcpListener);

    impl Elsewhere {
        fn new() -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            Self(listener)
        }
        fn url(&self) -> String {
            format!("http://{}/steal", self.0.local_addr().unwrap())
        }
        fn reached(&self) -> bool {
            // A connection the client made is queued by now (the call returned).
            self.0.accept().is_ok()
        }
    }

    fn session_credentials() -> SigningCredentials {
        credentials().with_session_token("SESSION-TOKEN-not-for-elsewhere")
    }

    fn check<T: std::fmt::Debug>(result: &Result<T, SendError>, status: u16) {
        let Err(err @ SendError::Redirected { status: got }) = result else {
            panic!("{status}: {result:?}");
        };
        assert_eq!(*got, status);
        assert!(!err.is_retryable());
        let text = err.to_string();
        assert!(
            text.contains("redirect") && text.contains(&status.to_string()),
            "{text}"
        );
    }

    #[cfg(feature = "ureq")]
    #[test]
    fn ureq_follows_no_redirect_and_says_so() {
        for status in STATUSES {
            let elsewhere = Elsewhere::new();
            let (endpoint, server) = redirecting(status, elsewhere.url());
            let agent = ureq::Agent::new_with_defaults(); // follows redirects by default
            let result = jwt_bearer().send_blocking(&agent, &endpoint, &session_credentials());
            server.join().unwrap();
            check(&result, status.0);
            assert!(!elsewhere.reached(), "{}: the target was reached", status.0);
        }
    }

    #[cfg(feature = "reqwest")]
    #[test]
    fn reqwest_follows_no_redirect_whatever_the_builder_says() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let clients = [
            ReqwestClient::new().unwrap(),
            // A default builder follows up to 10 redirects; the crate's client does not.
            ReqwestClient::from_builder(reqwest::Client::builder()).unwrap(),
            ReqwestClient::from_builder(
                reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10)),
            )
            .unwrap(),
        ];
        for client in &clients {
            for status in STATUSES {
                let elsewhere = Elsewhere::new();
                let (endpoint, server) = redirecting(status, elsewhere.url());
                let result =
                    runtime.block_on(jwt_bearer().send(client, &endpoint, &session_credentials()));
                server.join().unwrap();
                check(&result, status.0);
                assert!(!elsewhere.reached(), "{}: the target was reached", status.0);
            }
        }
    }
}

/// A server that accepts and then says nothing: the crate's reqwest exchanges
/// are bounded whatever the builder set (here nothing), and the bound is the
/// client's to change.
#[cfg(feature = "reqwest")]
#[test]
fn a_stalled_server_cannot_hold_a_reqwest_caller() {
    use std::net::TcpListener;
    use std::time::Duration;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = Endpoint::custom(
        &format!("http://{}", listener.local_addr().unwrap()),
        REGION,
    )
    .unwrap();
    // Accepts, reads nothing, answers nothing, until the test ends.
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(1).collect();
        let _ = stopped.recv_timeout(Duration::from_secs(60));
        drop(held);
    });
    let unbounded = ReqwestClient::from_builder(reqwest::Client::builder()).unwrap();
    assert_eq!(unbounded.exchange_timeout(), Some(ReqwestClient::TIMEOUT));
    let client = unbounded.with_exchange_timeout(Some(Duration::from_millis(300)));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let result = runtime.block_on(device().send(&client, &endpoint));
    let waited = started.elapsed();
    let _ = stop.send(());
    server.join().unwrap();
    let Err(SendError::Transport(err)) = &result else {
        panic!("{result:?}");
    };
    let timed_out = err
        .downcast_ref::<reqwest::Error>()
        .is_some_and(reqwest::Error::is_timeout);
    // reqwest's own timeout, not the server letting go (it holds 60 s)...
    assert!(timed_out, "{err:?}");
    // ... at the bound given, not the 60 s default: a bound on correctness,
    // with a hundredfold margin, not a measure of speed.
    assert!(waited < Duration::from_secs(30), "{waited:?}");
}

/// The direct (no-proxy) client for plain-http loopback endpoints keeps its own
/// bounds when the caller lifts the exchange bound: a server that accepts and
/// then says nothing cannot hold the caller past [`ReqwestClient::TIMEOUT`].
/// On a paused tokio clock (reqwest's timeouts are tokio timers), so the test
/// takes no minute: the clock jumps to each timer while the runtime waits.
#[cfg(feature = "reqwest")]
#[test]
fn the_direct_loopback_client_is_bounded_without_an_exchange_bound() {
    use std::net::TcpListener;
    use std::time::Duration;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = Endpoint::custom(
        &format!("http://{}", listener.local_addr().unwrap()),
        REGION,
    )
    .unwrap();
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(1).collect();
        let _ = stopped.recv_timeout(Duration::from_secs(120));
        drop(held);
    });
    let client = ReqwestClient::new().unwrap().with_exchange_timeout(None);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    let (result, waited) = runtime.block_on(async {
        let started = tokio::time::Instant::now();
        let result = device().send(&client, &endpoint).await;
        (result, started.elapsed())
    });
    let _ = stop.send(());
    server.join().unwrap();
    let Err(SendError::Transport(err)) = &result else {
        panic!("{result:?}");
    };
    // One of the direct client's timers ended it (connect, read or the whole
    // exchange; which one first depends on how far the connection got before
    // the runtime idled), not the server letting go, which it does only when
    // the test ends...
    let timed_out = err
        .downcast_ref::<reqwest::Error>()
        .is_some_and(reqwest::Error::is_timeout);
    assert!(timed_out, "{err:?}");
    // ... and within the 60 s bound, on tokio's clock.
    assert!(waited <= ReqwestClient::TIMEOUT, "{waited:?}");
}

/// A failure that sending again repeats is not retryable (a request the
/// client refuses as it stands); a failure of the connection is.
#[test]
fn a_client_refusal_is_not_retryable_a_connection_failure_is() {
    let transport = |err: Box<dyn std::error::Error + Send + Sync>| SendError::Transport(err);
    #[cfg(feature = "ureq")]
    {
        for refused in [
            ureq::Error::BadUri("no".into()),
            ureq::Error::InvalidProxyUrl,
            ureq::Error::TlsRequired,
            ureq::Error::RequireHttpsOnly("http://x".into()),
        ] {
            assert!(!transport(Box::new(refused)).is_retryable());
        }
        for failed in [
            ureq::Error::ConnectionFailed,
            ureq::Error::HostNotFound,
            ureq::Error::Io(std::io::ErrorKind::ConnectionReset.into()),
        ] {
            assert!(transport(Box::new(failed)).is_retryable());
        }
    }
    #[cfg(feature = "reqwest")]
    {
        let refused = reqwest::Client::new()
            .post("http://[::1")
            .build()
            .unwrap_err();
        assert!(refused.is_builder());
        assert!(!transport(Box::new(refused)).is_retryable());
    }
    // Another client's error: taken as retryable.
    assert!(transport("some other client's failure".into()).is_retryable());
}

/// A proxy the environment names (`HTTP_PROXY`, `ALL_PROXY`: both clients'
/// defaults read them) is not used for a plain-http loopback endpoint either:
/// it would carry the unencrypted secrets across the network. The clients
/// read the environment when built, so the sends run in a child process
/// started with it; the proxy, in this one, counts what reached it.
#[cfg(all(feature = "ureq", feature = "reqwest"))]
#[test]
fn a_proxy_from_the_environment_is_not_used_for_a_plain_http_endpoint() {
    const CHILD: &str = "SSOOIDC_PROXY_FROM_ENV_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _in_runtime = runtime.enter();
        let agent = ureq::Agent::new_with_defaults();
        let client = ReqwestClient::new().unwrap();
        let local = answering((200, "application/json", TOKEN.to_owned()), false);
        device().send_blocking(&agent, &endpoint(&local)).unwrap();
        local.outcome().unwrap();
        let local = answering((200, "application/json", TOKEN.to_owned()), false);
        runtime
            .block_on(device().send(&client, &endpoint(&local)))
            .unwrap();
        local.outcome().unwrap();
        // The control: each client does take the environment's proxy for a
        // request of its own (one connection each).
        let _ = agent.get("http://example.invalid/").call();
        let _ = runtime.block_on(client.as_reqwest().get("http://example.invalid/").send());
        return;
    }
    let proxy = proxy();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_proxy_from_the_environment_is_not_used_for_a_plain_http_endpoint",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .env("HTTP_PROXY", &proxy.url)
        .env("http_proxy", &proxy.url)
        .env("ALL_PROXY", &proxy.url)
        .env("all_proxy", &proxy.url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .status()
        .unwrap();
    assert!(status.success(), "the child failed: {status}");
    assert_eq!(
        proxy.connections(),
        2,
        "only the control requests go through the environment's proxy"
    );
}
