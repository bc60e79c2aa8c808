// A cached token needs its access token and its expiry: each missing one is its
// own error, naming the field and the setter to call.
use ssooidc_token::cache::CachedToken;

fn main() {
    let _ = CachedToken::builder().refresh_token("r").region("us-east-1").build();
}
