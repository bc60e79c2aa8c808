//! `DevicePoller::poll_blocking` (ureq) and `DevicePoller::poll` (reqwest): the
//! login loops over real sockets on 127.0.0.1, against the local stand-in for IAM
//! Identity Center the `device_login` example uses (which refuses polls that come
//! early). Each final answer ends as its own error; a redirect is not followed.
//! Bounded: the stand-in gives up after 30 seconds, every socket operation has a
//! timeout.

#[allow(dead_code)]
#[path = "../examples/device_login.rs"]
mod device_login;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use device_login::loopback;
use device_login::mock_oidc::{MockOidc, Report};
use ssooidc_token::grant::{DeviceCode, Grant};
use ssooidc_token::login::{
    DeviceLoginError, DevicePoller, PollError, RegisterClient, StartDeviceAuthorization,
    StartDeviceAuthorizationResponse,
};
use ssooidc_token::{Endpoint, ExposeSecret, ReqwestClient, SendError};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// Registers and starts a device authorization through the crate's own
/// `send_blocking`; the poller is ready for its first poll.
fn start(server: &MockOidc) -> (DevicePoller, Endpoint) {
    let endpoint = Endpoint::custom(&server.base_url(), "us-east-1").unwrap();
    let agent = agent();
    let client = RegisterClient::builder()
        .client_name("poll-loops")
        .grant_type(DeviceCode::GRANT_TYPE)
        .build()
        .unwrap()
        .send_blocking(&agent, &endpoint)
        .unwrap();
    let authorization = StartDeviceAuthorization::builder()
        .client_id(client.client_id())
        .client_secret(client.client_secret().clone())
        .start_url("https://d-1234567890.awsapps.com/start/#")
        .build()
        .unwrap()
        .send_blocking(&agent, &endpoint)
        .unwrap();
    let poller = DevicePoller::new(&client, authorization, Instant::now()).unwrap();
    (poller, endpoint)
}

fn check_pace(report: &Report) {
    assert_eq!(report.poll_offsets.len(), 3, "{report:?}");
    // The stand-in refuses early polls; these are its lower bounds: 1 s, then
    // 1 + 5 s after the slow_down (20 ms timer slack).
    let gaps: Vec<f64> = report
        .poll_offsets
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    assert!(gaps[0] >= 0.98 && gaps[1] >= 5.98, "{gaps:?}");
}

#[test]
fn poll_blocking_goes_through_pending_and_slow_down_to_the_token() {
    let server = MockOidc::start(device_login::SCRIPT, 1);
    let (mut poller, endpoint) = start(&server);
    let token = poller.poll_blocking(&agent(), &endpoint).unwrap();
    assert_eq!(token.access_token().expose_secret(), "mock-access-token");
    assert_eq!(poller.interval(), Duration::from_secs(6));
    assert!(poller.is_finished());
    check_pace(&server.finish().unwrap());
}

#[tokio::test]
async fn poll_goes_through_pending_and_slow_down_to_the_token() {
    let server = MockOidc::start(device_login::SCRIPT, 1);
    let (mut poller, endpoint) = start(&server);
    let client = ReqwestClient::new().unwrap();
    let token = poller.poll(&client, &endpoint).await.unwrap();
    assert_eq!(token.access_token().expose_secret(), "mock-access-token");
    assert_eq!(poller.interval(), Duration::from_secs(6));
    check_pace(&server.finish().unwrap());
}

fn blocking_outcome(script: &'static [&'static str]) -> (DeviceLoginError, Report) {
    let server = MockOidc::start(script, 1);
    let (mut poller, endpoint) = start(&server);
    let err = poller.poll_blocking(&agent(), &endpoint).unwrap_err();
    assert!(poller.is_finished());
    // Polling again does not send anything.
    let again = poller.poll_blocking(&agent(), &endpoint).unwrap_err();
    assert!(
        matches!(&again, DeviceLoginError::Failed(e) if matches!(**e, PollError::Finished)),
        "{again:?}"
    );
    (err, server.finish().unwrap())
}

#[test]
fn a_denial_is_its_own_error() {
    let (err, report) = blocking_outcome(&["authorization_pending", "access_denied"]);
    assert!(matches!(err, DeviceLoginError::Denied), "{err:?}");
    assert_eq!(err.to_string(), "the sign-in was denied (access_denied)");
    assert_eq!(report.poll_offsets.len(), 2);
}

#[test]
fn an_expired_code_is_its_own_error() {
    let (err, report) = blocking_outcome(&["expired_token"]);
    assert!(matches!(err, DeviceLoginError::Expired), "{err:?}");
    assert_eq!(report.poll_offsets.len(), 1);
}

#[test]
fn a_refusal_is_its_own_error_and_names_no_secret() {
    let (err, report) = blocking_outcome(&["invalid_grant"]);
    let DeviceLoginError::Failed(failed) = &err else {
        panic!("{err:?}");
    };
    let PollError::Refused(refusal) = &**failed else {
        panic!("{err:?}");
    };
    assert_eq!(refusal.code().as_str(), "invalid_grant");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("mock-device-code") && !shown.contains("mock-client-secret"));
    assert_eq!(report.poll_offsets.len(), 1);
}

#[tokio::test]
async fn the_async_loop_ends_on_a_denial_too() {
    let server = MockOidc::start(&["access_denied"], 1);
    let (mut poller, endpoint) = start(&server);
    let client = ReqwestClient::new().unwrap();
    let err = poller.poll(&client, &endpoint).await.unwrap_err();
    assert!(matches!(err, DeviceLoginError::Denied), "{err:?}");
    server.finish().unwrap();
}

/// A token endpoint that answers every poll with a redirect to another host;
/// returns how many requests reached it (and reached the other host: none can,
/// it does not exist).
fn redirecting_endpoint(polls: usize) -> (Endpoint, std::thread::JoinHandle<usize>) {
    scripted_endpoint(vec![
        (307, &[("location", "http://127.0.0.2:9/steal")], b"");
        polls
    ])
}

fn poller_for_redirect_test() -> DevicePoller {
    let authorization = StartDeviceAuthorizationResponse::from_json(
        br#"{"deviceCode":"device-code-canary","userCode":"U","verificationUri":"https://v","expiresIn":60,"interval":1}"#,
    )
    .unwrap();
    DevicePoller::from_client(
        "client",
        "client-secret-canary",
        authorization,
        Instant::now(),
    )
    .unwrap()
}

#[test]
fn a_redirect_ends_the_blocking_loop_as_an_error() {
    let (endpoint, server) = redirecting_endpoint(1);
    let mut poller = poller_for_redirect_test();
    let err = poller.poll_blocking(&agent(), &endpoint).unwrap_err();
    assert!(
        matches!(
            err,
            DeviceLoginError::Sending(SendError::Redirected { status: 307 })
        ),
        "{err:?}"
    );
    assert!(
        !poller.is_finished(),
        "a transport-level failure does not end the poller"
    );
    assert_no_canary(&err);
    assert_eq!(server.join().unwrap(), 1);
}

/// Neither the device code nor the client secret shows in the error.
fn assert_no_canary(err: &DeviceLoginError) {
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("canary"), "{shown}");
}

#[tokio::test]
async fn a_redirect_ends_the_async_loop_as_an_error() {
    let (endpoint, server) = redirecting_endpoint(1);
    let mut poller = poller_for_redirect_test();
    let client = ReqwestClient::new().unwrap();
    let err = poller.poll(&client, &endpoint).await.unwrap_err();
    assert!(
        matches!(
            err,
            DeviceLoginError::Sending(SendError::Redirected { status: 307 })
        ),
        "{err:?}"
    );
    assert_no_canary(&err);
    assert_eq!(server.join().unwrap(), 1);
}

/// A listener on loopback and the endpoint that names it.
fn local_token_endpoint() -> (TcpListener, Endpoint) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = Endpoint::custom(
        &format!("http://{}", listener.local_addr().unwrap()),
        "us-east-1",
    )
    .unwrap();
    (listener, endpoint)
}

/// Takes the next poll on `listener` and answers it with `access_token`.
fn answer_token(listener: &TcpListener, access_token: &str) {
    let (mut stream, _) = listener.accept().unwrap();
    loopback::read_message(&mut stream).unwrap();
    let body =
        format!(r#"{{"accessToken":"{access_token}","tokenType":"Bearer","expiresIn":3600}}"#);
    loopback::respond(
        &mut stream,
        200,
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
    .unwrap();
}

/// One scripted answer: status, headers, body.
type Answer = (u16, &'static [(&'static str, &'static str)], &'static [u8]);

/// A token endpoint that answers each poll with the next of `answers`; returns
/// how many polls reached it.
fn scripted_endpoint(answers: Vec<Answer>) -> (Endpoint, std::thread::JoinHandle<usize>) {
    let (listener, endpoint) = local_token_endpoint();
    let handle = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = 0;
        while seen < answers.len() && Instant::now() < deadline {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            let request = loopback::read_message(&mut stream).unwrap();
            assert_eq!(request.method_and_target(), ("POST", "/token"));
            let (status, headers, body) = answers[seen];
            seen += 1;
            loopback::respond(&mut stream, status, headers, body).unwrap();
        }
        seen
    });
    (endpoint, handle)
}

/// The service may name an error in `x-amzn-ErrorType` only, with a body that
/// does not (the AWS SDKs read the header first). The loop judges such an
/// answer by the header: before, it counted as a failed poll and polling went
/// on after a denial.
#[test]
fn the_blocking_loop_reads_an_error_named_only_in_x_amzn_error_type() {
    let (endpoint, server) = scripted_endpoint(vec![(
        400,
        &[(
            "x-amzn-ErrorType",
            "AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.ssooidc/",
        )],
        b"",
    )]);
    let mut poller = poller_for_redirect_test();
    let err = poller.poll_blocking(&agent(), &endpoint).unwrap_err();
    assert!(matches!(err, DeviceLoginError::Denied), "{err:?}");
    assert!(poller.is_finished());
    assert_eq!(server.join().unwrap(), 1);
}

#[tokio::test]
async fn the_async_loop_reads_an_error_named_only_in_x_amzn_error_type() {
    let (endpoint, server) = scripted_endpoint(vec![
        // With the namespace the service may put in front, as the SDK reads it.
        (
            400,
            &[(
                "x-amzn-ErrorType",
                "com.amazonaws.ssooidc#SlowDownException:http://internal.amazon.com/coral/",
            )],
            b"{}",
        ),
        (400, &[("x-amzn-errortype", "ExpiredTokenException")], b""),
    ]);
    let mut poller = poller_for_redirect_test();
    let client = ReqwestClient::new().unwrap();
    let err = poller.poll(&client, &endpoint).await.unwrap_err();
    assert!(matches!(err, DeviceLoginError::Expired), "{err:?}");
    assert_eq!(
        poller.interval(),
        Duration::from_secs(6),
        "slow_down read from the header"
    );
    assert_eq!(server.join().unwrap(), 2);
}

/// A body that names its error wins over the header, and a header this crate
/// does not know does not make an unreadable answer a known error.
#[test]
fn the_body_wins_over_the_header_and_an_unknown_header_is_a_failed_poll() {
    let (endpoint, server) = scripted_endpoint(vec![
        (
            400,
            &[("x-amzn-ErrorType", "AccessDeniedException")],
            br#"{"error":"authorization_pending"}"#,
        ),
        (400, &[], b"not json"),
        (400, &[("x-amzn-ErrorType", "AccessDeniedException")], b""),
    ]);
    let mut poller = poller_for_redirect_test();
    let err = poller.poll_blocking(&agent(), &endpoint).unwrap_err();
    assert!(matches!(err, DeviceLoginError::Denied), "{err:?}");
    assert_eq!(server.join().unwrap(), 3);
}

/// A token endpoint that answers one poll `status` with a body over 1 MiB
/// (the client stops reading it, so the write may fail: that is not checked),
/// and, `then_token`, a second poll with a token.
fn oversized_endpoint(status: u16, then_token: bool) -> (Endpoint, std::thread::JoinHandle<()>) {
    let (listener, endpoint) = local_token_endpoint();
    let handle = std::thread::spawn(move || {
        use std::io::Write;
        let (mut stream, _) = listener.accept().unwrap();
        let _request = loopback::read_message(&mut stream).unwrap();
        let body = vec![b' '; 2 * 1024 * 1024];
        let head = format!(
            "HTTP/1.1 {status} Answer\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(&body);
        drop(stream);
        if !then_token {
            return;
        }
        answer_token(&listener, "aoa-after-oversized");
    });
    (endpoint, handle)
}

/// A 2xx over 1 MiB never reaches the poller's judgement, but the token was
/// issued and the device code is spent: both loops end polling with
/// `TokenUnreadable` instead of returning `Sending` and polling again.
#[test]
fn an_oversized_2xx_ends_the_blocking_loop() {
    let (endpoint, server) = oversized_endpoint(200, false);
    let mut poller = poller_for_redirect_test();
    let err = poller.poll_blocking(&agent(), &endpoint).unwrap_err();
    assert!(
        matches!(&err, DeviceLoginError::Failed(e) if matches!(**e, PollError::TokenUnreadable { status: 200, .. })),
        "{err:?}"
    );
    assert!(poller.is_finished());
    server.join().unwrap();
}

#[tokio::test]
async fn an_oversized_2xx_ends_the_async_loop() {
    let (endpoint, server) = oversized_endpoint(200, false);
    let mut poller = poller_for_redirect_test();
    let client = ReqwestClient::new().unwrap();
    let err = poller.poll(&client, &endpoint).await.unwrap_err();
    assert!(
        matches!(&err, DeviceLoginError::Failed(e) if matches!(**e, PollError::TokenUnreadable { status: 200, .. })),
        "{err:?}"
    );
    assert!(poller.is_finished());
    server.join().unwrap();
}

/// An error answer over 1 MiB is not judged (it could be `slow_down` as well
/// as a refusal): the poll ends as `Sending`, the poller is not finished, and
/// calling again resumes polling, in both loops.
#[test]
fn an_oversized_error_answer_is_sending_and_the_blocking_loop_resumes() {
    let (endpoint, server) = oversized_endpoint(400, true);
    let mut poller = poller_for_redirect_test();
    let err = poller.poll_blocking(&agent(), &endpoint).unwrap_err();
    assert!(
        matches!(&err, DeviceLoginError::Sending(SendError::Response(e)) if e.status() == 400),
        "{err:?}"
    );
    assert!(!poller.is_finished());
    let token = poller.poll_blocking(&agent(), &endpoint).unwrap();
    assert_eq!(token.access_token().expose_secret(), "aoa-after-oversized");
    server.join().unwrap();
}

#[tokio::test]
async fn an_oversized_error_answer_is_sending_and_the_async_loop_resumes() {
    let (endpoint, server) = oversized_endpoint(400, true);
    let mut poller = poller_for_redirect_test();
    let client = ReqwestClient::new().unwrap();
    let err = poller.poll(&client, &endpoint).await.unwrap_err();
    assert!(
        matches!(&err, DeviceLoginError::Sending(SendError::Response(e)) if e.status() == 400),
        "{err:?}"
    );
    assert!(!poller.is_finished());
    let token = poller.poll(&client, &endpoint).await.unwrap();
    assert_eq!(token.access_token().expose_secret(), "aoa-after-oversized");
    server.join().unwrap();
}

/// The async loop dropped while its poll is out (here under a timeout), then
/// called again: the dropped poll counts as one without an answer, and the
/// next is backed off (twice the interval from when the loop is called
/// again), not sent at once; the loop then ends with the token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loop_dropped_while_its_poll_is_out_does_not_poll_again_at_once() {
    let (listener, endpoint) = local_token_endpoint();
    let server = std::thread::spawn(move || {
        let mut arrivals = Vec::new();
        // The first poll: read, never answered (held until the client drops it).
        let (mut held, _) = listener.accept().unwrap();
        loopback::read_message(&mut held).unwrap();
        arrivals.push(Instant::now());
        // The second: answered with the token.
        answer_token(&listener, "after-the-drop");
        arrivals.push(Instant::now());
        drop(held);
        arrivals
    });
    let mut poller = poller_for_redirect_test(); // interval 1 s, 60 s to expiry
    let client = ReqwestClient::new().unwrap();
    // Long enough for the first poll to go out on a loaded machine.
    let dropped =
        tokio::time::timeout(Duration::from_secs(3), poller.poll(&client, &endpoint)).await;
    assert!(dropped.is_err(), "the first poll was not left unanswered");
    let dropped_at = Instant::now();
    let token = poller.poll(&client, &endpoint).await.unwrap();
    assert_eq!(token.access_token().expose_secret(), "after-the-drop");
    let arrivals = server.join().unwrap();
    assert!(arrivals[0] < dropped_at);
    // Backed off from when the loop was called again: twice the interval (a
    // timer does not fire early).
    let gap = arrivals[1] - dropped_at;
    assert!(
        gap >= Duration::from_secs(2),
        "the poll after the dropped one came {gap:?} after the drop"
    );
}
