//! The StartDeviceAuthorization response parser never panics; what it reads
//! starts a poller without panicking either.
#![no_main]

use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use ssooidc_token::login::{DevicePoller, StartDeviceAuthorizationResponse};

fuzz_target!(|data: &[u8]| {
    match StartDeviceAuthorizationResponse::from_json(data) {
        Ok(response) => {
            let _ = format!("{response:?}");
            let _ =
                DevicePoller::from_client("client-id", "client-secret", response, Instant::now());
        }
        Err(err) => {
            let _ = (err.to_string(), err.member(), err.offset());
        }
    }
});
