//! The OAuth error-body parser never panics, whatever the status and body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::TokenError;

fuzz_target!(|data: &[u8]| {
    let status = data.first().map_or(400, |b| 400 + u16::from(*b));
    match TokenError::from_json(status, data) {
        Ok(err) => {
            let _ = (err.to_string(), err.is_retryable());
        }
        Err(err) => assert_eq!(err.status(), status),
    }
});
