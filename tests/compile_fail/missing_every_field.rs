// Nothing set: every required field is named, and only those (`code_verifier` and
// `scope` are optional).
use ssooidc_token::CreateToken;

fn main() {
    let _request = CreateToken::authorization_code().build();
}
