// Every login builder refuses a field set twice, the PKCE pair's hand-written
// setter included.
use ssooidc_token::login::{AuthorizeUrl, Pkce, RegisterClient};

fn main() {
    let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    let _ = AuthorizeUrl::builder().pkce(&pkce).pkce(&pkce);
    let _ = AuthorizeUrl::builder().region("us-east-1").region("eu-west-1");
    let _ = RegisterClient::builder().client_name("a").client_name("b");
}
