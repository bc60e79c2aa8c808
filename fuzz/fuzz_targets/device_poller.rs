//! The device poller takes any answer (status and body) without panicking, and
//! never asks for a poll sooner than its interval or at or after the deadline.
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
    // Each answer: two status bytes, a length byte, then that many body bytes.
    let mut rest = data;
    while let [hi, lo, len, tail @ ..] = rest {
        let len = usize::from(*len).min(tail.len());
        let (body, next) = tail.split_at(len);
        rest = next;
        let now = poller.next_poll_at();
        let status = u16::from_be_bytes([*hi, *lo]);
        match poller.on_response(status, body, now) {
            PollOutcome::Wait { until } => {
                assert!(until >= now + poller.interval());
                assert!(until < start + Duration::from_secs(600));
            }
            _ => break,
        }
    }
});
