// CreateTokenWithIAM is signed with IAM credentials and takes no client secret:
// the error says so, instead of suggesting `client_id` (a plain, shown field).
use ssooidc_token::CreateTokenWithIam;

fn main() {
    let _ = CreateTokenWithIam::refresh_token().client_secret("s");
}
