// A legacy profile has no sso-session: `.legacy_profile()` and `.session_name(..)`
// set the same field, so the two together are refused by name.
use ssooidc_token::cache::SsoLogin;
use ssooidc_token::Endpoint;

fn main() {
    let _ = SsoLogin::builder()
        .legacy_profile()
        .session_name("dev")
        .start_url("https://d-1.awsapps.com/start")
        .endpoint(Endpoint::new("us-east-1").unwrap())
        .build();
}
