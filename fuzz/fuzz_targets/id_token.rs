//! The ID-token decoder behind `IdentityContext`: never panics, and its errors
//! never contain the token.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::sts::IdentityContext;

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        if let Err(err) = IdentityContext::from_id_token(token) {
            let message = err.to_string();
            assert!(token.len() < 12 || !message.contains(token));
        }
    }
});
