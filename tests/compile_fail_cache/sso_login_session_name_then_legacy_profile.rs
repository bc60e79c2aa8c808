// The other order: a session name, then `.legacy_profile()`, is refused by name
// too, as is `.legacy_profile()` twice.
use ssooidc_token::cache::SsoLogin;

fn session_then_legacy() {
    let _ = SsoLogin::builder().session_name("dev").legacy_profile();
}

fn legacy_twice() {
    let _ = SsoLogin::builder().legacy_profile().legacy_profile();
}

fn main() {}
