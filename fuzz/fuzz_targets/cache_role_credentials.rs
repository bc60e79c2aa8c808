//! The CLI's role-credential file reader (`RoleCredentialsCache::load`, on a
//! file holding the input): never panics; an error names the file; a file
//! reads as none only when it names another account; credentials
//! that read are written back, and what is written reads back the same (the
//! expiration to the second).
#![no_main]

use std::sync::OnceLock;
use std::time::UNIX_EPOCH;

use libfuzzer_sys::fuzz_target;
use ssooidc_token::cache::{RoleCredentialsCache, RoleCredentialsKey};
use ssooidc_token::ExposeSecret;

/// One directory for the whole run (left in the system's temporary directory).
fn cache() -> &'static RoleCredentialsCache {
    static CACHE: OnceLock<RoleCredentialsCache> = OnceLock::new();
    CACHE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("fuzz-roles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        RoleCredentialsCache::new(dir)
    })
}

fuzz_target!(|data: &[u8]| {
    let cache = cache();
    let key = RoleCredentialsKey::session("fuzz", "123456789012", "ReadOnly");
    std::fs::write(cache.path(&key), data).unwrap();
    match cache.load(&key) {
        Ok(Some(credentials)) => {
            let _ = cache.load_fresh(&key, UNIX_EPOCH);
            let _ = format!("{credentials:?}");
            cache.store(&key, &credentials).unwrap();
            let again = cache.load(&key).unwrap().unwrap();
            assert_eq!(again.access_key_id(), credentials.access_key_id());
            assert_eq!(
                again.secret_access_key().expose_secret(),
                credentials.secret_access_key().expose_secret()
            );
            assert_eq!(
                again.session_token().expose_secret(),
                credentials.session_token().expose_secret()
            );
            // Written to the second, as the CLI writes it.
            let seconds =
                |t: std::time::SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_secs();
            assert_eq!(
                seconds(again.expiration()),
                seconds(credentials.expiration())
            );
        }
        // Only a file whose `AccountId` names another account reads as none.
        Ok(None) => {
            let text = String::from_utf8_lossy(data);
            // (Names match ignoring case; a name may be written with escapes.)
            assert!(
                text.to_ascii_lowercase().contains("accountid") || text.contains('\\'),
                "the file was written, and names no other account"
            );
        }
        Err(err) => {
            assert!(err.path().is_some(), "a file's error names the file");
            let _ = format!("{err} {err:?}");
        }
    }
});
