// A registration needs a client name: `build()` is not callable without it.
use ssooidc_token::login::RegisterClient;

fn main() {
    let _ = RegisterClient::builder()
        .grant_type("urn:ietf:params:oauth:grant-type:device_code")
        .scope("sso:account:access")
        .build();
}
