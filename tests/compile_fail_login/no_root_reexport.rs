// The login types have one path, `ssooidc_token::login::...`: the crate root
// does not re-export them.
use ssooidc_token::RegisterClient;

fn main() {
    let _ = RegisterClient::builder();
}
