// The device-code grant is the public-client operation's: the IAM entry point that a
// user may guess points to it.
use ssooidc_token::CreateTokenWithIam;

fn main() {
    let _builder = CreateTokenWithIam::device_code();
}
