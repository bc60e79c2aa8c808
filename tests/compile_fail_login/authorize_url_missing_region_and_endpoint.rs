// An authorize URL needs somewhere to go: the region's endpoint, or the one given.
// With neither, it does not compile (either one alone does).
use ssooidc_token::login::{AuthorizeUrl, Pkce};

fn main() {
    let pkce = Pkce::new().unwrap();
    let _ = AuthorizeUrl::builder()
        .client_id("client-id")
        .redirect_uri("http://127.0.0.1:8400/oauth/callback")
        .pkce(&pkce)
        .build();
}
