//! The device login loops keep RFC 8628's pace across the caller's own steps,
//! against a local token endpoint on 127.0.0.1 that records when each request
//! came: a loop called again after a poll that got no answer backs off to twice
//! the interval (both clients), and `SsoLogin`'s device code expires `expiresIn`
//! after the authorization arrived, however long the prompt takes (no poll is
//! sent with an expired code). Bounded: the endpoint gives up after 30 s.
#![cfg(all(feature = "ureq", feature = "reqwest", feature = "cache"))]

#[path = "../examples/support/loopback.rs"]
mod loopback;
#[path = "common/temp_dir.rs"]
mod temp_dir;

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ssooidc_token::cache::{Flow, LoginError, SsoLogin, TokenCache};
use ssooidc_token::login::{DeviceLoginError, DevicePoller, StartDeviceAuthorizationResponse};
use ssooidc_token::{Endpoint, ReqwestClient, SendError};
use temp_dir::TempDir;

type Answer = (u16, &'static [(&'static str, &'static str)], &'static str);
type Log = Arc<Mutex<Vec<(String, Instant)>>>;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// A local endpoint that answers the `n`th request to `path` with
/// `answer(path, n)`, for up to `max` requests, and records each request's
/// path and arrival.
fn endpoint(answer: fn(&str, usize) -> Answer, max: usize) -> (Endpoint, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let seen = Arc::clone(&log);
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut n = 0;
        while n < max && Instant::now() < deadline {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            let Ok(request) = loopback::read_message(&mut stream) else {
                continue;
            };
            let path = request.method_and_target().1.to_owned();
            seen.lock().unwrap().push((path.clone(), Instant::now()));
            let (status, headers, body) = answer(&path, n);
            n += 1;
            let _ = loopback::respond(&mut stream, status, headers, body.as_bytes());
        }
    });
    (Endpoint::custom(&base, "us-east-1").unwrap(), log)
}

/// First a redirect (a poll without an answer to judge), then a denial.
fn redirect_then_denied(_: &str, n: usize) -> Answer {
    match n {
        0 => (307, &[("location", "http://127.0.0.2:9/elsewhere")], ""),
        _ => (400, &[], r#"{"error":"access_denied"}"#),
    }
}

fn poller() -> DevicePoller {
    let authorization = StartDeviceAuthorizationResponse::from_json(
        br#"{"deviceCode":"d","userCode":"U","verificationUri":"https://v","expiresIn":60,"interval":2}"#,
    )
    .unwrap();
    DevicePoller::from_client("c", "s", authorization, Instant::now()).unwrap()
}

fn gap(log: &Log) -> Duration {
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    log[1].1 - log[0].1
}

/// RFC 8628 section 3.5: at least the interval between polls, and a client
/// whose connection fails polls less often (here: backs off to twice the
/// interval). The loop returns the redirect; called again, as its docs say to,
/// it waits twice the interval first.
#[test]
fn called_again_after_an_unanswered_poll_the_ureq_loop_backs_off() {
    let (endpoint, log) = endpoint(redirect_then_denied, 2);
    let mut poller = poller();
    let first = poller.poll_blocking(&agent(), &endpoint).unwrap_err();
    assert!(
        matches!(
            first,
            DeviceLoginError::Sending(SendError::Redirected { .. })
        ),
        "{first:?}"
    );
    let second = poller.poll_blocking(&agent(), &endpoint).unwrap_err();
    assert!(matches!(second, DeviceLoginError::Denied), "{second:?}");
    assert!(gap(&log) >= Duration::from_secs(4), "{:?}", gap(&log));
}

#[test]
fn called_again_after_an_unanswered_poll_the_reqwest_loop_backs_off() {
    let (endpoint, log) = endpoint(redirect_then_denied, 2);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = ReqwestClient::new().unwrap();
    let mut poller = poller();
    let first = runtime
        .block_on(poller.poll(&client, &endpoint))
        .unwrap_err();
    assert!(
        matches!(
            first,
            DeviceLoginError::Sending(SendError::Redirected { .. })
        ),
        "{first:?}"
    );
    let second = runtime
        .block_on(poller.poll(&client, &endpoint))
        .unwrap_err();
    assert!(matches!(second, DeviceLoginError::Denied), "{second:?}");
    assert!(gap(&log) >= Duration::from_secs(4), "{:?}", gap(&log));
}

/// Registration, a device code of 3 s, then `authorization_pending` forever.
fn device_code_of_3_s(path: &str, _: usize) -> Answer {
    match path {
        "/client/register" => (
            200,
            &[],
            r#"{"clientId":"c","clientSecret":"S","clientSecretExpiresAt":4102444800}"#,
        ),
        "/device_authorization" => (
            200,
            &[],
            r#"{"deviceCode":"D","userCode":"U","verificationUri":"https://v","expiresIn":3,"interval":1}"#,
        ),
        _ => (400, &[], r#"{"error":"authorization_pending"}"#),
    }
}

/// The device code's 3 s run from its arrival: with a prompt of 1 s the polls
/// all go out before they end (the former code polled until about 4 s); with
/// a prompt of 3.5 s none goes out at all.
/// Either way the login ends as `Expired`.
#[test]
fn sso_login_counts_the_device_codes_life_from_its_arrival() {
    for (prompt, polls) in [(1_000, 1..=3), (3_500, 0..=0)] {
        let (endpoint, log) = endpoint(device_code_of_3_s, 20);
        let dir = TempDir::new("pace");
        let login = SsoLogin::builder()
            .session_name("dev")
            .start_url("https://d-1234567890.awsapps.com/start")
            .endpoint(endpoint)
            .cache(TokenCache::new(dir.path()))
            .flow(Flow::Device)
            .build()
            .unwrap();
        let err = login
            .login_blocking(&agent(), |_| {
                std::thread::sleep(Duration::from_millis(prompt));
            })
            .unwrap_err();
        assert!(
            matches!(err, LoginError::Device(DeviceLoginError::Expired)),
            "{err:?}"
        );
        let log = log.lock().unwrap();
        let arrived = log
            .iter()
            .find(|(path, _)| path == "/device_authorization")
            .unwrap()
            .1;
        let poll_times: Vec<Duration> = log
            .iter()
            .filter(|(path, _)| path == "/token")
            .map(|(_, at)| *at - arrived)
            .collect();
        assert!(
            polls.contains(&poll_times.len()),
            "prompt {prompt} ms: {poll_times:?}"
        );
        // Stamped on arrival, after the client's clock started: a poll sent
        // just before the 3 s may land a little after. The former code sent
        // one at about 4 s.
        assert!(
            poll_times
                .iter()
                .all(|&at| at < Duration::from_millis(3_500)),
            "prompt {prompt} ms: a poll after the device code expired: {poll_times:?}"
        );
    }
}
