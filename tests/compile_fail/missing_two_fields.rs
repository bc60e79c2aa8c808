// A token exchange with only `client_id` set: both missing fields are named, in one
// compile.
use ssooidc_token::CreateTokenWithIam;

fn main() {
    let _request = CreateTokenWithIam::token_exchange()
        .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
        .build();
}
