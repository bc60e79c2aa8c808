//! The redirect's query parser never panics, and no error shows the code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::login::{AuthorizationCallback, CallbackError};
use ssooidc_token::ExposeSecret;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The expected state, then what comes before and after a code that holds a
    // marker no fixed message contains.
    let mut parts = text.splitn(3, '\n');
    let state = parts.next().unwrap_or_default();
    let before = parts.next().unwrap_or_default();
    let after = parts.next().unwrap_or_default();
    let query = format!("{before}code=x{after}SECRETMARKER{after}");
    match AuthorizationCallback::parse(&query, state) {
        Ok(code) => assert!(!code.expose_secret().is_empty()),
        // Its message quotes the `error` parameter, which the input controls.
        Err(CallbackError::Refused { .. }) => {}
        Err(err) => {
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("SECRETMARKER"), "{shown}");
        }
    }
    // The raw input as a query too.
    if let Err(err) = AuthorizationCallback::parse(text, state) {
        let _ = err.to_string();
    }
});
