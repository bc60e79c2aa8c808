// A field is set once: a second `start_url`, or a second `resolved`, is refused
// by name.
use ssooidc_token::cache::SsoLogin;
use ssooidc_token::login::{resolve_start_url, StartUrlStep};
use ssooidc_token::Endpoint;

fn main() {
    let _ = SsoLogin::builder()
        .session_name("dev")
        .start_url("https://d-1.awsapps.com/start")
        .start_url("https://d-2.awsapps.com/start")
        .endpoint(Endpoint::new("us-east-1").unwrap())
        .build();

    let Ok(StartUrlStep::Resolved(portal)) =
        resolve_start_url("https://d-1.awsapps.com/start", Some("us-east-1"))
    else {
        return;
    };
    let _ = SsoLogin::builder()
        .session_name("dev")
        .start_url("https://d-1.awsapps.com/start")
        .resolved(portal.clone())
        .resolved(portal)
        .endpoint(Endpoint::new("us-east-1").unwrap())
        .build();
}
