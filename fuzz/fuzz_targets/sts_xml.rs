//! The STS XML readers (`AssumeRoleResponse`, `StsError`): never panic, and a
//! parsed answer's `Debug` never shows its secrets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::sts::{AssumeRoleResponse, StsError};
use ssooidc_token::ExposeSecret;

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = AssumeRoleResponse::from_xml(data) {
        let shown = format!("{response:?}");
        let secret = response.credentials().secret_access_key().expose_secret();
        assert!(secret.len() < 8 || !shown.contains(secret));
    }
    let _ = StsError::from_xml(400, data).map(|e| (e.hint(), e.to_string()));
});
