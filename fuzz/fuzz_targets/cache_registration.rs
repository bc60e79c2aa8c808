//! The client-registration file reader (`TokenCache::load_registration`, on a
//! file holding the input): never panics; an error names the file; a
//! registration that reads can be judged for reuse at any time and written back,
//! and what it writes reads back the same.
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use ssooidc_token::cache::{Flow, RegistrationKey, TokenCache};
use ssooidc_token::ExposeSecret;

/// One directory for the whole run (left in the system's temporary directory).
fn cache() -> &'static TokenCache {
    static CACHE: OnceLock<TokenCache> = OnceLock::new();
    CACHE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("fuzz-registration-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TokenCache::new(dir)
    })
}

fuzz_target!(|data: &[u8]| {
    let cache = cache();
    let key = RegistrationKey::new("https://d-1.awsapps.com/start", "us-east-1", None, None);
    std::fs::write(cache.registration_path(&key), data).unwrap();
    match cache.load_registration(&key) {
        Ok(Some(registration)) => {
            for at in [0, 1_700_000_000, 253_402_300_799] {
                let now = UNIX_EPOCH + Duration::from_secs(at);
                let _ = registration.reusable_for(Flow::Pkce, now);
                let _ = registration.reusable_for(Flow::Device, now);
            }
            let _ = format!("{registration:?}");
            cache.store_registration(&key, &registration).unwrap();
            let again = cache.load_registration(&key).unwrap().unwrap();
            assert_eq!(again.client_id(), registration.client_id());
            assert_eq!(
                again.client_secret().expose_secret(),
                registration.client_secret().expose_secret()
            );
            assert_eq!(again.expires_at(), registration.expires_at());
            assert_eq!(again.scopes(), registration.scopes());
            assert_eq!(again.grant_types(), registration.grant_types());
        }
        Ok(None) => panic!("the file was written"),
        Err(err) => {
            assert!(err.path().is_some(), "a file's error names the file");
            let _ = format!("{err} {err:?}");
        }
    }
});
