//! The STS XML readers (`AssumeRoleResponse`, `StsError`): never panic, and a
//! parsed answer's `Debug` never shows its secrets, and nothing read is an
//! empty credential or an empty error code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::sts::{AssumeRoleResponse, StsError};
use ssooidc_token::ExposeSecret;

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = AssumeRoleResponse::from_xml(data) {
        let shown = format!("{response:?}");
        let credentials = response.credentials();
        let secret = credentials.secret_access_key().expose_secret();
        // Empty credentials are refused by name.
        assert!(!secret.is_empty() && !credentials.access_key_id().is_empty());
        assert!(!credentials.session_token().expose_secret().is_empty());
        assert!(secret.len() < 8 || !shown.contains(secret));
    }
    if let Ok(err) = StsError::from_xml(400, data) {
        assert!(!err.code().is_empty());
        let _ = (err.hint(), err.to_string());
    }
});
