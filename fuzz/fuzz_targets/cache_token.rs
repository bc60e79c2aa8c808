//! The SSO token cache reader (`CachedToken::from_json`, what `TokenCache::load`
//! runs on a file's bytes): never panics; an error has no path (the bytes are no
//! file); a token that reads has the required members and a
//! freshness at any time.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use ssooidc_token::cache::CachedToken;
use ssooidc_token::ExposeSecret;

fuzz_target!(|data: &[u8]| {
    match CachedToken::from_json(data) {
        Ok(token) => {
            assert!(!token.access_token().expose_secret().is_empty());
            let _ = token.freshness(UNIX_EPOCH);
            let _ = token.freshness(UNIX_EPOCH + Duration::from_secs(253_402_300_799));
            let _ = token.refresh_request(UNIX_EPOCH);
            let _ = format!("{token:?}");
        }
        Err(err) => {
            // Bytes, not a file: no path; the message is built from names only.
            assert!(err.path().is_none());
            let _ = format!("{err} {err:?}");
        }
    }
});
