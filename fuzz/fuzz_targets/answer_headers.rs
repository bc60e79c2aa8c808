//! An answer read with its headers (`from_http_response`): the `Date` reader
//! (IMF-fixdate), `Age`, `x-amzn-ErrorType` and `x-amzn-RequestId` never make
//! it panic, for the OIDC service's answers and STS's alike; a `Date` is kept
//! only when it is an IMF-fixdate of an answer not from a cache.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::sts::AssumeRoleResponse;
use ssooidc_token::CreateTokenWithIamResponse;

fuzz_target!(|data: &[u8]| {
    let status = data.first().map_or(400, |b| 200 + u16::from(*b) % 400);
    let rest = data.get(1..).unwrap_or_default();
    // Header values, then the body, split at `\n`.
    let mut parts = rest.splitn(5, |b| *b == b'\n');
    let (date, age, error_type, request_id) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let body = parts.next().unwrap_or_default();
    let mut builder = http::Response::builder().status(status);
    for (name, value) in [
        ("date", date),
        ("x-amzn-errortype", error_type),
        ("x-amzn-requestid", request_id),
    ] {
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            builder = builder.header(name, value);
        }
    }
    let from_cache = !age.is_empty() && http::HeaderValue::from_bytes(age).is_ok();
    if from_cache {
        builder = builder.header("age", http::HeaderValue::from_bytes(age).unwrap());
    }
    let Ok(response) = builder.body(body) else {
        return;
    };
    let dated = |err: &ssooidc_token::ResponseError| {
        if err.server_date().is_some() {
            assert!(!from_cache, "a cached answer's Date was kept");
            assert!(date.len() == 29 && date.ends_with(b" GMT"), "{date:?}");
        }
        let _ = (err.to_string(), err.may_be_clock_skew(), err.is_retryable());
    };
    if let Err(err) = CreateTokenWithIamResponse::from_http_response(&response) {
        dated(&err);
    }
    if let Err(err) = AssumeRoleResponse::from_http_response(&response) {
        dated(&err);
    }
});
