//! The device poller takes any answer (status, body, and an `x-amzn-ErrorType`
//! header or none), or none at all, without panicking, and never asks for a poll sooner than its
//! interval or at or after the deadline.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use ssooidc_token::login::{DevicePoller, PollOutcome, StartDeviceAuthorizationResponse};

fuzz_target!(|data: &[u8]| {
    let authorization = StartDeviceAuthorizationResponse::from_json(
        br#"{"deviceCode":"d","userCode":"U","verificationUri":"https://v","expiresIn":600,"interval":1}"#,
    )
    .expect("a valid authorization");
    let start = Instant::now();
    let mut poller = DevicePoller::from_client("c", "s", authorization, start).expect("valid");
    // Each answer: two status bytes, a length byte, then that many body bytes;
    // a status with its high bit set also carries the body's first line as
    // `x-amzn-ErrorType` and goes through `on_http_response`; status 0 is a
    // poll without an answer (`on_no_answer`).
    let mut rest = data;
    while let [hi, lo, len, tail @ ..] = rest {
        let len = usize::from(*len).min(tail.len());
        let (body, next) = tail.split_at(len);
        rest = next;
        let now = poller.next_poll_at();
        let status = u16::from_be_bytes([*hi, *lo]);
        let outcome = if status == 0 {
            // A poll without an answer (a failed connection).
            poller.on_no_answer(now)
        } else if status & 0x8000 == 0 {
            poller.on_response(status, body, now)
        } else {
            let header = body.split(|&b| b == b'\n').next().unwrap_or_default();
            let mut answer = http::Response::builder().status((status & 0x7fff) % 500 + 100);
            if let Ok(value) = http::HeaderValue::from_bytes(header) {
                answer = answer.header("x-amzn-ErrorType", value);
            }
            match answer.body(body) {
                Ok(answer) => poller.on_http_response(&answer, now),
                Err(_) => break,
            }
        };
        match outcome {
            PollOutcome::Wait { until } => {
                assert!(until >= now + poller.interval());
                assert!(until < start + Duration::from_secs(600));
            }
            _ => break,
        }
    }
});
