//! The access portal's `GetRoleCredentials` answer (`from_json`, and
//! `from_http_response` with an `x-amzn-ErrorType`): never a panic; an answer
//! read has non-empty credentials, redacts them in `Debug`, and writes a
//! `credential_process` answer at least as long as both secrets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::portal::GetRoleCredentialsResponse;
use ssooidc_token::ExposeSecret;

fuzz_target!(|data: &[u8]| {
    if let Ok(answer) = GetRoleCredentialsResponse::from_json(data) {
        let credentials = answer.credentials();
        let secret = credentials.secret_access_key().expose_secret();
        let token = credentials.session_token().expose_secret();
        assert!(!credentials.access_key_id().is_empty());
        assert!(!secret.is_empty() && !token.is_empty());
        let shown = format!("{answer:?}");
        assert!(shown.contains("[REDACTED]"));
        let json = credentials.to_credential_process_json();
        assert!(json.expose_secret().len() >= secret.len() + token.len());
    }
    let status = data.first().map_or(400, |b| 200 + u16::from(*b) % 400);
    let rest = data.get(1..).unwrap_or_default();
    let mut parts = rest.splitn(2, |b| *b == b'\n');
    let error_type = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let mut builder = http::Response::builder().status(status);
    if let Ok(value) = http::HeaderValue::from_bytes(error_type) {
        builder = builder.header("x-amzn-errortype", value);
    }
    if let Ok(response) = builder.body(body) {
        if let Err(err) = GetRoleCredentialsResponse::from_http_response(&response) {
            let _ = (err.to_string(), err.is_retryable(), err.status());
        }
    }
});
