// A field is set once: a second `start_url` is refused by name.
use ssooidc_token::cache::SsoLogin;
use ssooidc_token::Endpoint;

fn main() {
    let _ = SsoLogin::builder()
        .session_name("dev")
        .start_url("https://d-1.awsapps.com/start")
        .start_url("https://d-2.awsapps.com/start")
        .endpoint(Endpoint::new("us-east-1").unwrap())
        .build();
}
