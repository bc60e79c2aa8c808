//! Both token-response parsers: never panic; what parses as the IAM response also
//! parses as the public one (which reads a subset of its members).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::{CreateTokenResponse, CreateTokenWithIamResponse, ExposeSecret};

fuzz_target!(|data: &[u8]| {
    if let Ok(iam) = CreateTokenWithIamResponse::from_json(data) {
        let public =
            CreateTokenResponse::from_json(data).expect("the public response reads a subset");
        assert_eq!(
            iam.access_token().expose_secret(),
            public.access_token().expose_secret()
        );
        let _ = format!("{iam:?}");
    } else {
        let _ = CreateTokenResponse::from_json(data).map(|r| format!("{r:?}"));
    }
});
