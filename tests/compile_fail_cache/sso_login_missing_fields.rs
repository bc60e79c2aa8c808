// A login needs its session name, start URL and endpoint: each missing one is
// its own error, naming the field and the setter to call.
use ssooidc_token::cache::{Flow, SsoLogin};

fn main() {
    let _ = SsoLogin::builder().flow(Flow::Device).scope("sso:account:access").build();
}
