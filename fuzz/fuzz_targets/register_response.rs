//! The RegisterClient response parser never panics, and what it reads has a
//! client id and a secret, neither empty, that its Debug output does not show.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::login::RegisterClientResponse;
use ssooidc_token::ExposeSecret;

fuzz_target!(|data: &[u8]| {
    match RegisterClientResponse::from_json(data) {
        Ok(response) => {
            let secret = response.client_secret().expose_secret();
            // Empty ones are refused: a registration that cannot authenticate.
            assert!(!secret.is_empty() && !response.client_id().is_empty());
            let debug = format!("{response:?}");
            assert!(secret.len() < 12 || !debug.contains(secret));
            let _ = (
                response.client_secret_expires_at(),
                response.client_id_issued_at(),
            );
        }
        Err(err) => {
            let _ = (err.to_string(), err.member(), err.offset());
        }
    }
});
