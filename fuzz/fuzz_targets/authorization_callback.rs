//! The redirect's query parser never panics, and no error shows the code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::{AuthorizationCallback, ExposeSecret};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first line is the expected state, the rest the query.
    let (state, query) = text.split_once('\n').unwrap_or(("state", text));
    match AuthorizationCallback::parse(query, state) {
        Ok(code) => assert!(!code.expose_secret().is_empty()),
        Err(err) => {
            let shown = format!("{err} {err:?}");
            if let Some(code) = query.split('&').find_map(|p| p.strip_prefix("code=")) {
                if code.len() >= 12 && !code.contains(['%', '+']) {
                    assert!(!shown.contains(code));
                }
            }
        }
    }
});
