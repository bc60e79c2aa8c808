// A `maybe_*` setter sets the same field as its plain setter: the two together
// are refused by name, in either order, as a field set twice.
use ssooidc_token::{CreateToken, CreateTokenWithIam, TokenType};

fn maybe_after_plain() {
    let _ = CreateToken::authorization_code()
        .code_verifier("a")
        .maybe_code_verifier(None::<&str>);
}

fn plain_after_maybe() {
    let _ = CreateTokenWithIam::token_exchange()
        .maybe_requested_token_type(Some(TokenType::AccessToken))
        .requested_token_type(TokenType::RefreshToken);
}

fn main() {}
