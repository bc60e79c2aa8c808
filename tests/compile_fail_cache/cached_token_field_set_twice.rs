// A field is set once: a second `access_token` is refused by name.
use std::time::SystemTime;
use ssooidc_token::cache::CachedToken;

fn main() {
    let _ = CachedToken::builder()
        .access_token("a")
        .access_token("b")
        .expires_at(SystemTime::now())
        .build();
}
