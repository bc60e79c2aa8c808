// The JWT-bearer and token-exchange grants are the IAM operation's: the public-client
// entry points that a user may guess point to it.
use ssooidc_token::CreateToken;

fn jwt_bearer() {
    let _builder = CreateToken::jwt_bearer();
}

fn token_exchange() {
    let _builder = CreateToken::token_exchange();
}

fn main() {}
