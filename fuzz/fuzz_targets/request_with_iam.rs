//! `AnyCreateTokenWithIam::from_json` never panics, and whatever it accepts
//! re-serializes to a body it accepts again, unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::{AnyCreateTokenWithIam, ExposeSecret};

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = AnyCreateTokenWithIam::from_json(data) {
        let body = request.to_json();
        let again =
            AnyCreateTokenWithIam::from_json(body.expose_secret()).expect("our own body parses");
        assert_eq!(again.to_json().expose_secret(), body.expose_secret());
    }
});
