//! `DevicePoller` against a simulated clock: scripted answers from the token
//! endpoint, and when the poller says to poll (RFC 8628 section 3.4, 3.5). No test
//! here sleeps: time is an `Instant` the test moves.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use ssooidc_token::login::{
    DevicePoller, PollError, PollFailure, PollOutcome, RegisterClientResponse,
    StartDeviceAuthorizationResponse,
};
use ssooidc_token::{CreateToken, ErrorCode, ExposeSecret};

const PENDING: (u16, &str) = (
    400,
    r#"{"error":"authorization_pending","error_description":"wait"}"#,
);
const SLOW_DOWN: (u16, &str) = (400, r#"{"error":"slow_down"}"#);
const DENIED: (u16, &str) = (400, r#"{"error":"access_denied"}"#);
const EXPIRED: (u16, &str) = (400, r#"{"error":"expired_token"}"#);
const INVALID_CLIENT: (u16, &str) = (401, r#"{"error":"invalid_client"}"#);
const INVALID_GRANT: (u16, &str) = (400, r#"{"error":"invalid_grant"}"#);
const SERVER_ERROR: (u16, &str) = (500, r#"{"error":"server_error"}"#);
const BAD_GATEWAY: (u16, &str) = (502, "<html>Bad Gateway</html>");
const NOT_OAUTH: (u16, &str) = (400, "not json at all");
const TOKEN: (u16, &str) = (
    200,
    r#"{"accessToken":"aoal-token","tokenType":"Bearer","expiresIn":28800,"refreshToken":"aorv-token"}"#,
);

fn client() -> RegisterClientResponse {
    RegisterClientResponse::from_json(
        br#"{"clientId":"_yzkThXVzLWVhc3QtMQ","clientSecret":"client-secret-value"}"#,
    )
    .unwrap()
}

fn authorization(interval: Option<i32>, expires_in: i32) -> StartDeviceAuthorizationResponse {
    let interval = interval.map_or(String::new(), |i| format!(r#","interval":{i}"#));
    let body = format!(
        r#"{{"deviceCode":"device-code-value","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.us-east-1.amazonaws.com/","expiresIn":{expires_in}{interval}}}"#
    );
    StartDeviceAuthorizationResponse::from_json(body.as_bytes()).unwrap()
}

/// What a scripted run ended with.
#[derive(Debug, PartialEq, Eq)]
enum End {
    Token,
    Denied,
    Expired,
    Refused(ErrorCode),
    Unavailable(u32),
    TokenUnreadable,
}

/// Answers each poll (sent exactly at `next_poll_at()`) with the next scripted
/// answer, received `latency` later. Returns the poll times in seconds after the
/// start, and how it ended.
fn run(
    interval: Option<i32>,
    expires_in: i32,
    latency: Duration,
    answers: &[(u16, &str)],
) -> (Vec<u64>, End) {
    let start = Instant::now();
    let mut poller =
        DevicePoller::new(&client(), authorization(interval, expires_in), start).unwrap();
    let mut polls = Vec::new();
    for &(status, body) in answers {
        let at = poller.next_poll_at();
        polls.push((at - start).as_secs());
        let end = match poller.on_response(status, body.as_bytes(), at + latency) {
            PollOutcome::Wait { until } => {
                assert_eq!(until, poller.next_poll_at());
                assert_eq!(until, at + latency + poller.interval());
                continue;
            }
            PollOutcome::Token(token) => {
                assert_eq!(token.access_token().expose_secret(), "aoal-token");
                End::Token
            }
            PollOutcome::Denied => End::Denied,
            PollOutcome::Expired => End::Expired,
            PollOutcome::Failed(PollError::Refused(err)) => End::Refused(err.code().clone()),
            PollOutcome::Failed(PollError::Unavailable { failures, .. }) => {
                End::Unavailable(failures)
            }
            PollOutcome::Failed(PollError::TokenUnreadable { status, .. }) => {
                assert_eq!(status, 200);
                End::TokenUnreadable
            }
            other => panic!("unexpected outcome {other:?}"),
        };
        assert!(poller.is_finished());
        assert!(matches!(
            poller.on_response(TOKEN.0, TOKEN.1.as_bytes(), at + latency),
            PollOutcome::Failed(PollError::Finished)
        ));
        return (polls, end);
    }
    panic!("the script ran out of answers after polls at {polls:?}");
}

/// A scripted run: its name, the authorization's interval and lifetime, the
/// answers, the expected poll times (seconds after the start) and ending.
type Case = (
    &'static str,
    Option<i32>,
    i32,
    &'static [(u16, &'static str)],
    &'static [u64],
    End,
);

#[test]
fn scripted_answers() {
    let zero = Duration::ZERO;
    let cases: &[Case] = &[
        (
            "pending, pending, slow_down, pending, token: 5 s, then 10 s from the slow_down on",
            Some(5),
            600,
            &[PENDING, PENDING, SLOW_DOWN, PENDING, TOKEN],
            &[0, 5, 10, 20, 30],
            End::Token,
        ),
        (
            "two slow_downs in a row: 10 s, then 15 s",
            Some(5),
            600,
            &[SLOW_DOWN, SLOW_DOWN, PENDING, TOKEN],
            &[0, 10, 25, 40],
            End::Token,
        ),
        (
            "no interval in the authorization: 5 s",
            None,
            600,
            &[PENDING, TOKEN],
            &[0, 5],
            End::Token,
        ),
        (
            "a zero interval counts as absent",
            Some(0),
            600,
            &[PENDING, TOKEN],
            &[0, 5],
            End::Token,
        ),
        (
            "a short interval is kept",
            Some(1),
            600,
            &[PENDING, PENDING, TOKEN],
            &[0, 1, 2],
            End::Token,
        ),
        (
            "expiry reached while pending: no poll at or after expiresIn",
            Some(5),
            12,
            &[PENDING, PENDING, PENDING],
            &[0, 5, 10],
            End::Expired,
        ),
        (
            "a slow_down that would push the next poll past expiresIn",
            Some(5),
            14,
            &[PENDING, SLOW_DOWN, PENDING],
            &[0, 5],
            End::Expired,
        ),
        (
            "expired_token from the service",
            Some(5),
            600,
            &[PENDING, EXPIRED],
            &[0, 5],
            End::Expired,
        ),
        (
            "denied",
            Some(5),
            600,
            &[PENDING, DENIED],
            &[0, 5],
            End::Denied,
        ),
        (
            "500 then success",
            Some(5),
            600,
            &[SERVER_ERROR, TOKEN],
            &[0, 5],
            End::Token,
        ),
        (
            "a proxy's 502 page, a non-OAuth 400 body, then success",
            Some(5),
            600,
            &[BAD_GATEWAY, NOT_OAUTH, TOKEN],
            &[0, 5, 10],
            End::Token,
        ),
        (
            "a 200 that is not a token ends polling: the device code is spent",
            Some(5),
            600,
            &[PENDING, (200, "{}")],
            &[0, 5],
            End::TokenUnreadable,
        ),
        (
            "a 200 cut short ends polling too",
            Some(5),
            600,
            &[(200, r#"{"accessToken":"aoal-tok"#)],
            &[0],
            End::TokenUnreadable,
        ),
        (
            "the consecutive-failure bound: the 5th failure in a row ends it",
            Some(5),
            600,
            &[
                SERVER_ERROR,
                BAD_GATEWAY,
                NOT_OAUTH,
                SERVER_ERROR,
                BAD_GATEWAY,
            ],
            &[0, 5, 10, 15, 20],
            End::Unavailable(5),
        ),
        (
            "an answer that is not a failure resets the count",
            Some(5),
            600,
            &[
                SERVER_ERROR,
                SERVER_ERROR,
                SERVER_ERROR,
                SERVER_ERROR,
                PENDING,
                SERVER_ERROR,
                SERVER_ERROR,
                SERVER_ERROR,
                SERVER_ERROR,
                TOKEN,
            ],
            &[0, 5, 10, 15, 20, 25, 30, 35, 40, 45],
            End::Token,
        ),
        (
            "invalid_client ends with the error",
            Some(5),
            600,
            &[PENDING, INVALID_CLIENT],
            &[0, 5],
            End::Refused(ErrorCode::InvalidClient),
        ),
        (
            "invalid_grant ends with the error",
            Some(5),
            600,
            &[INVALID_GRANT],
            &[0],
            End::Refused(ErrorCode::InvalidGrant),
        ),
    ];
    for (name, interval, expires_in, answers, polls, end) in cases {
        let (got_polls, got_end) = run(*interval, *expires_in, zero, answers);
        assert_eq!((&got_polls[..], &got_end), (*polls, end), "{name}");
    }
}

/// Throttling, as the AWS SDKs retry it, is not a refusal: 429 with any body,
/// or a throttling code in the body or in `x-amzn-ErrorType`, backs off like a
/// poll that got no answer (twice the interval, doubling up to 16 times, not
/// counted as a failed poll), and the next judged answer ends the back-off.
#[test]
fn a_throttled_poll_backs_off_and_polling_goes_on() {
    let throttled: [(u16, &str); 4] = [
        (429, r#"{"message":"Rate exceeded"}"#),
        (429, "<html>Too Many Requests</html>"),
        (400, r#"{"error":"ThrottlingException"}"#),
        (
            400,
            r#"{"error":"TooManyRequestsException","error_description":"slow"}"#,
        ),
    ];
    let start = Instant::now();
    let mut poller = DevicePoller::new(&client(), authorization(Some(5), 3600), start).unwrap();
    // Six throttled answers in a row: 10, 20, 40, 80, 80, 80 s (more than the
    // five failed polls that would end it) and polling goes on.
    let mut at = start;
    for (i, pause) in [10u64, 20, 40, 80, 80, 80].into_iter().enumerate() {
        let (status, body) = throttled[i % throttled.len()];
        match poller.on_response(status, body.as_bytes(), at) {
            PollOutcome::Wait { until } => {
                assert_eq!(until, at + Duration::from_secs(pause), "{body}")
            }
            other => panic!("{status} {body}: {other:?}"),
        }
        at = poller.next_poll_at();
    }
    assert_eq!(poller.interval(), Duration::from_secs(5));
    // A judged answer ends the back-off.
    let outcome = poller.on_response(PENDING.0, PENDING.1.as_bytes(), at);
    assert!(matches!(outcome, PollOutcome::Wait { until } if until == at + Duration::from_secs(5)));
    let outcome = poller.on_response(TOKEN.0, TOKEN.1.as_bytes(), poller.next_poll_at());
    assert!(matches!(outcome, PollOutcome::Token(_)));
}

/// A known OAuth code keeps its meaning on a 429: `expired_token` and
/// `access_denied` end polling, `invalid_grant` is a refusal (and not
/// retryable); a 2xx over 1 MiB ends polling as an unreadable token.
#[test]
fn a_429_with_a_known_code_and_an_oversized_token_are_final() {
    let start = Instant::now();
    let poll = |status: u16, body: &[u8]| {
        let mut poller = DevicePoller::new(&client(), authorization(Some(5), 3600), start).unwrap();
        poller.on_response(status, body, start)
    };
    assert!(matches!(
        poll(429, br#"{"error":"expired_token"}"#),
        PollOutcome::Expired
    ));
    assert!(matches!(
        poll(429, br#"{"error":"access_denied"}"#),
        PollOutcome::Denied
    ));
    match poll(429, br#"{"error":"invalid_grant"}"#) {
        PollOutcome::Failed(PollError::Refused(err)) => {
            assert!(!err.is_throttling() && !err.is_retryable());
        }
        other => panic!("{other:?}"),
    }
    let mut huge = br#"{"accessToken":""#.to_vec();
    huge.resize(DevicePoller::MAX_ANSWER + 10, b'a');
    huge.extend_from_slice(br#"","expiresIn":3600}"#);
    assert!(matches!(
        poll(200, &huge),
        PollOutcome::Failed(PollError::TokenUnreadable { status: 200, .. })
    ));
}

/// With its headers, an answer whose body names no error is judged by
/// `x-amzn-ErrorType`: a throttling name there backs off too.
#[cfg(feature = "http")]
#[test]
fn a_throttling_error_type_header_backs_off() {
    let start = Instant::now();
    let mut poller = DevicePoller::new(&client(), authorization(Some(5), 3600), start).unwrap();
    let answer = http::Response::builder()
        .status(400)
        .header(
            "x-amzn-ErrorType",
            "ThrottlingException:http://internal.amazon.com/coral/com.amazonaws.ssooidc/",
        )
        .body(br#"{"message":"Rate exceeded"}"#.to_vec())
        .unwrap();
    let outcome = poller.on_http_response(&answer, start);
    assert!(
        matches!(outcome, PollOutcome::Wait { until } if until == start + Duration::from_secs(10)),
        "{outcome:?}"
    );
}

#[test]
fn waits_count_from_when_the_answer_arrived() {
    // With 2 s of latency, each poll is one interval after the previous answer
    // (the first is right away).
    let (polls, end) = run(
        Some(5),
        600,
        Duration::from_secs(2),
        &[PENDING, SLOW_DOWN, TOKEN],
    );
    assert_eq!(polls, [0, 7, 19]);
    assert_eq!(end, End::Token);
}

#[test]
fn the_request_carries_the_client_and_device_code() {
    let poller = DevicePoller::new(&client(), authorization(Some(5), 600), Instant::now()).unwrap();
    let expected = CreateToken::device_code()
        .client_id("_yzkThXVzLWVhc3QtMQ")
        .client_secret("client-secret-value")
        .device_code("device-code-value")
        .build()
        .unwrap();
    assert_eq!(
        poller.request().to_json().expose_secret(),
        expected.to_json().expose_secret()
    );
    let debug = format!("{poller:?}");
    assert!(!debug.contains("client-secret-value") && !debug.contains("device-code-value"));

    let earlier = DevicePoller::from_client(
        "_yzkThXVzLWVhc3QtMQ",
        String::from("client-secret-value"),
        authorization(None, 600),
        Instant::now(),
    )
    .unwrap();
    assert_eq!(
        earlier.request().to_json().expose_secret(),
        expected.to_json().expose_secret()
    );
}

#[test]
fn failures_keep_their_cause_without_secrets() {
    let start = Instant::now();
    let mut poller = DevicePoller::new(&client(), authorization(Some(1), 600), start).unwrap();
    let mut outcome = None;
    for _ in 0..DevicePoller::MAX_CONSECUTIVE_FAILURES {
        outcome = Some(poller.on_response(
            BAD_GATEWAY.0,
            BAD_GATEWAY.1.as_bytes(),
            poller.next_poll_at(),
        ));
    }
    let Some(PollOutcome::Failed(err)) = outcome else {
        panic!("expected a failure, got {outcome:?}");
    };
    assert_eq!(err.to_string(), "gave up after 5 consecutive failed polls");
    let PollError::Unavailable {
        last: PollFailure::Unreadable { status, .. },
        ..
    } = &err
    else {
        panic!("expected an unreadable answer, got {err:?}");
    };
    assert_eq!(*status, 502);
    assert!(std::error::Error::source(&err).is_some());

    let mut poller = DevicePoller::new(&client(), authorization(Some(1), 600), start).unwrap();
    let PollOutcome::Failed(err) = poller.on_response(
        400,
        br#"{"error":"invalid_grant","error_description":"bad code"}"#,
        start,
    ) else {
        panic!("expected a failure");
    };
    assert_eq!(
        err.to_string(),
        "the token endpoint refused the device code request"
    );
    assert_eq!(
        std::error::Error::source(&err).unwrap().to_string(),
        "invalid_grant (HTTP 400): bad code"
    );
}

/// An answer the service can give while the user has not decided yet.
fn non_final_answer() -> impl Strategy<Value = (u16, &'static str)> {
    prop::sample::select(vec![
        PENDING,
        SLOW_DOWN,
        SERVER_ERROR,
        BAD_GATEWAY,
        NOT_OAUTH,
    ])
}

/// The poller's next poll, checked: before the deadline, and at least the
/// interval in force after the `previous` one (which it then becomes).
fn next_poll(
    poller: &DevicePoller,
    previous: &mut Option<Instant>,
    deadline: Instant,
) -> Result<Instant, TestCaseError> {
    let poll = poller.next_poll_at();
    prop_assert!(poll < deadline, "a poll at or after the deadline");
    if let Some(previous) = *previous {
        prop_assert!(poll - previous >= poller.interval(), "polls too close");
    }
    *previous = Some(poll);
    Ok(poll)
}

proptest! {
    /// Over random answer sequences and latencies, polls are never closer than the
    /// interval in force, never at or after the deadline, and the interval is the
    /// base plus 5 s per slow_down.
    #[test]
    fn polls_respect_interval_and_deadline(
        interval in proptest::option::of(1i32..8),
        expires_in in 5i32..400,
        answers in prop::collection::vec(
            (non_final_answer(), 0u64..4_000),
            1..60,
        ),
        last in prop::sample::select(vec![TOKEN, DENIED, EXPIRED, INVALID_GRANT, PENDING]),
    ) {
        let start = Instant::now();
        let deadline = start + Duration::from_secs(u64::try_from(expires_in).unwrap());
        let base = Duration::from_secs(interval.map_or(5, |i| u64::try_from(i).unwrap()));
        let mut poller = DevicePoller::new(&client(), authorization(interval, expires_in), start).unwrap();
        prop_assert_eq!(poller.next_poll_at(), start);
        let mut slow_downs = 0u32;
        let mut failures = 0u32;
        let mut previous_poll: Option<Instant> = None;
        let script = answers
            .iter()
            .map(|&(answer, latency)| (answer, latency))
            .chain(std::iter::once((last, 0)));
        for ((status, body), latency_ms) in script {
            let poll = next_poll(&poller, &mut previous_poll, deadline)?;
            let received = poll + Duration::from_millis(latency_ms);
            let outcome = poller.on_response(status, body.as_bytes(), received);
            if body == SLOW_DOWN.1 {
                slow_downs += 1;
            }
            let failed = status >= 500 || body == NOT_OAUTH.1;
            failures = if failed { failures + 1 } else { 0 };
            prop_assert_eq!(poller.interval(), base + Duration::from_secs(5) * slow_downs);
            match outcome {
                PollOutcome::Wait { until } => {
                    prop_assert_eq!(until, received + poller.interval());
                    prop_assert!(until < deadline);
                }
                PollOutcome::Expired => {
                    prop_assert!(
                        body == EXPIRED.1 || received + poller.interval() >= deadline,
                        "expired early"
                    );
                    break;
                }
                PollOutcome::Failed(PollError::Unavailable { failures: n, .. }) => {
                    prop_assert_eq!(n, DevicePoller::MAX_CONSECUTIVE_FAILURES);
                    prop_assert_eq!(failures, n);
                    break;
                }
                PollOutcome::Token(_) => {
                    prop_assert_eq!(body, TOKEN.1);
                    break;
                }
                PollOutcome::Denied => {
                    prop_assert_eq!(body, DENIED.1);
                    break;
                }
                PollOutcome::Failed(PollError::Refused(err)) => {
                    prop_assert_eq!(err.code(), &ErrorCode::InvalidGrant);
                    break;
                }
                other => prop_assert!(false, "unexpected outcome {:?}", other),
            }
        }
    }
}

proptest! {
    /// Polls that get no answer (a failed connection, a redirect) among
    /// pending answers: each such poll backs off (twice the interval, doubling
    /// for each in a row, at most 16 times), the next answer ends the back-off,
    /// polls are never closer than the interval, and none is at or after the
    /// deadline.
    #[test]
    fn unanswered_polls_back_off_and_answers_end_it(
        interval in 1i32..8,
        expires_in in 5i32..2_000,
        events in prop::collection::vec(
            (prop::option::of(prop::sample::select(vec![PENDING, SLOW_DOWN])), 0u64..4_000),
            1..60,
        ),
    ) {
        let start = Instant::now();
        let deadline = start + Duration::from_secs(u64::try_from(expires_in).unwrap());
        let mut poller =
            DevicePoller::new(&client(), authorization(Some(interval), expires_in), start).unwrap();
        let mut unanswered = 0u32;
        let mut previous_poll: Option<Instant> = None;
        for (answer, latency_ms) in events {
            let poll = next_poll(&poller, &mut previous_poll, deadline)?;
            let received = poll + Duration::from_millis(latency_ms);
            let (outcome, factor) = match answer {
                Some((status, body)) => {
                    unanswered = 0;
                    (poller.on_response(status, body.as_bytes(), received), 1)
                }
                None => {
                    unanswered += 1;
                    (poller.on_no_answer(received), 1u32 << unanswered.min(4))
                }
            };
            // A back-off that would pass the deadline gives way to one interval.
            let from = received.max(poll);
            let backed_off = poller.interval() * factor;
            let pause = if from + backed_off < deadline { backed_off } else { poller.interval() };
            match outcome {
                PollOutcome::Wait { until } => {
                    prop_assert_eq!(until, from + pause);
                    prop_assert!(until < deadline);
                }
                PollOutcome::Expired => {
                    prop_assert!(from + poller.interval() >= deadline, "expired early");
                    break;
                }
                other => prop_assert!(false, "unexpected outcome {:?}", other),
            }
        }
    }
}

/// An answer handed over with an earlier `now` (a clock that went back, or a
/// stale timestamp) never moves the next poll earlier.
#[test]
fn next_poll_at_never_moves_back() {
    let start = Instant::now();
    let mut poller = DevicePoller::new(&client(), authorization(Some(5), 600), start).unwrap();
    let outcome = poller.on_response(
        PENDING.0,
        PENDING.1.as_bytes(),
        start + Duration::from_secs(30),
    );
    assert!(matches!(outcome, PollOutcome::Wait { .. }));
    let after_first = poller.next_poll_at();
    assert_eq!(after_first, start + Duration::from_secs(35));
    // The next answer claims to arrive before the poll it answers was due.
    let outcome = poller.on_response(PENDING.0, PENDING.1.as_bytes(), start);
    let PollOutcome::Wait { until } = outcome else {
        panic!("{outcome:?}");
    };
    assert!(
        until >= after_first + Duration::from_secs(5),
        "{:?}",
        until - start
    );
    assert_eq!(poller.next_poll_at(), until);
}

/// With a clock that never moves, every answer still moves the next poll on by
/// an interval, so the polling ends at the deadline: 600 s at 5 s is at most
/// 120 answers, never an endless loop.
#[test]
fn polling_ends_by_the_deadline_even_if_the_clock_stalls() {
    let start = Instant::now();
    let mut poller = DevicePoller::new(&client(), authorization(Some(5), 600), start).unwrap();
    let mut answers = 0;
    let end = loop {
        answers += 1;
        assert!(answers <= 121, "still polling after {answers} answers");
        match poller.on_response(PENDING.0, PENDING.1.as_bytes(), start) {
            PollOutcome::Wait { until } => assert!(until < poller.expires_at()),
            other => break other,
        }
    };
    assert!(matches!(end, PollOutcome::Expired), "{end:?}");
    assert!(answers >= 100, "{answers}");
}

/// An answer larger than the crate reads is not taken, whatever it holds.
#[test]
fn an_answer_over_one_mib_is_not_a_token() {
    let start = Instant::now();
    let mut poller = DevicePoller::new(&client(), authorization(Some(5), 600), start).unwrap();
    let huge = format!(
        r#"{{"accessToken":"{}","expiresIn":3600}}"#,
        "a".repeat(2 * 1024 * 1024)
    );
    // An error answer that large is a failed poll, and polling goes on (a
    // 2xx that large ends it: see the test above).
    let outcome = poller.on_response(502, huge.as_bytes(), start);
    assert!(matches!(outcome, PollOutcome::Wait { .. }), "{outcome:?}");
    let outcome = poller.on_response(TOKEN.0, TOKEN.1.as_bytes(), poller.next_poll_at());
    assert!(matches!(outcome, PollOutcome::Token(_)));
}
