//! A JWT-bearer request's `build()` accepts an assertion exactly when it is a
//! compact JWT as the crate defines it: not empty, every byte base64url or
//! `.`, 2 or 4 dots, the first byte not a dot. (Such a value has no white
//! space and no `Bearer ` prefix, so the token rules agree.) This runs the
//! AVX2 scan where the CPU has it, and the portable scan on short values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::CreateTokenWithIam;

fuzz_target!(|data: &[u8]| {
    let Ok(assertion) = std::str::from_utf8(data) else {
        return;
    };
    let v = assertion.as_bytes();
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    let dots = v.iter().filter(|&&b| b == b'.').count();
    let expected =
        !v.is_empty() && v.iter().all(allowed) && (dots == 2 || dots == 4) && v[0] != b'.';
    let built = CreateTokenWithIam::jwt_bearer()
        .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
        .assertion(assertion)
        .build();
    assert_eq!(built.is_ok(), expected, "{} bytes", v.len());
});
