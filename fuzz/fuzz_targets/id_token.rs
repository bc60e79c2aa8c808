//! The ID-token decoder behind `IdentityContext`: never panics, and its errors
//! never contain the token (unless the token is itself a piece of one of the
//! crate's fixed messages, which the fuzzer likes to try).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::sts::{IdentityContext, IdentityContextError};

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        if let Err(err) = IdentityContext::from_id_token(token) {
            let message = err.to_string();
            let fixed = [
                IdentityContextError::Missing.to_string(),
                IdentityContextError::MalformedIdToken.to_string(),
                IdentityContextError::ClaimNotString.to_string(),
                "the ID token's payload is not a JSON object".to_owned(),
                "the identity context must be 4 to 2,048 characters (STS's limit), not".to_owned(),
            ];
            let echoed = token.len() >= 12 && message.contains(token);
            assert!(
                !echoed || fixed.iter().any(|m| m.contains(token)),
                "{message}"
            );
        }
    }
});
